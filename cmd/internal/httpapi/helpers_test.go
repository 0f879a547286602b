package httpapi_test

import (
	"encoding/json"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/tierslieux/tierslieux/cmd/internal/httpapi"
	"github.com/tierslieux/tierslieux/cmd/internal/query"
	"github.com/tierslieux/tierslieux/index"
	"github.com/tierslieux/tierslieux/index/indextest"
)

// demoPlaces is the number of places in data/places.geojson.
const demoPlaces = 111

// MustCatalog returns the demo catalog, built once per test binary and
// shared: it is read-only.
func MustCatalog(tb testing.TB) *index.Catalog {
	tb.Helper()
	return indextest.Demo(tb)
}

// MustBackend returns the real engine, catalog and query language over the
// embedded demo data.
func MustBackend(tb testing.TB) httpapi.Backend {
	tb.Helper()
	cat := MustCatalog(tb)
	return httpapi.Backend{Search: index.NewEngine(cat), Places: cat, Query: query.New(indextest.Gazetteer(tb), cat)}
}

// newTestServer returns the HTTP API over the real engine and the demo
// data, logging nowhere.
func newTestServer(tb testing.TB) *httpapi.Server {
	tb.Helper()
	return httpapi.NewServer(MustBackend(tb), nil, httpapi.Options{})
}

// MustServe sends a request to h and returns the recorded response,
// checked against the API's contract (checkContract).
func MustServe(tb testing.TB, h http.Handler, method, target string) *httptest.ResponseRecorder {
	tb.Helper()
	rec := httptest.NewRecorder()
	req := httptest.NewRequest(method, target, nil)
	h.ServeHTTP(rec, req)
	// The headers as sent: those set after WriteHeader are not.
	res := rec.Result()
	checkContract(tb, req, res.StatusCode, res.Header, rec.Body.Bytes())
	return rec
}

// MustMediaType returns the media type of a response, failing when the
// header is missing or malformed.
func MustMediaType(tb testing.TB, h http.Header) string {
	tb.Helper()
	ct := h.Get("Content-Type")
	mt, _, err := mime.ParseMediaType(ct)
	if err != nil {
		tb.Fatalf("Content-Type %q: %v", ct, err)
	}
	return mt
}

// MustDecode decodes a JSON body into v, failing on anything but exactly
// one JSON value.
func MustDecode(tb testing.TB, body []byte, v any) {
	tb.Helper()
	dec := json.NewDecoder(strings.NewReader(string(body)))
	if err := dec.Decode(v); err != nil {
		tb.Fatalf("body is not JSON (%v): %.300s", err, body)
	}
	if _, err := dec.Token(); err != io.EOF {
		tb.Fatalf("body has more than one JSON value: %.300s", body)
	}
}

// MustObject decodes a JSON object body into a generic map.
func MustObject(tb testing.TB, body []byte) map[string]any {
	tb.Helper()
	var m map[string]any
	MustDecode(tb, body, &m)
	if m == nil {
		tb.Fatalf("body is not a JSON object: %.300s", body)
	}
	return m
}

// apiError is the error body every failure answers with.
type apiError struct {
	Error struct {
		Code        string   `json:"code"`
		Param       string   `json:"param"`
		Message     string   `json:"message"`
		Suggestions []string `json:"suggestions"`
	} `json:"error"`
}

// MustError checks that a response is a JSON error with this status and
// code, and returns it.
func MustError(tb testing.TB, rec *httptest.ResponseRecorder, status int, code string) apiError {
	tb.Helper()
	if rec.Code != status {
		tb.Errorf("status %d, want %d; body %.300s", rec.Code, status, rec.Body.Bytes())
	}
	if mt := MustMediaType(tb, rec.Header()); mt != "application/json" {
		tb.Errorf("Content-Type %q, want application/json", mt)
	}
	var e apiError
	MustDecode(tb, rec.Body.Bytes(), &e)
	if e.Error.Code != code {
		tb.Errorf("error code %q, want %q; body %.300s", e.Error.Code, code, rec.Body.Bytes())
	}
	if e.Error.Message == "" {
		tb.Errorf("error without a message: %.300s", rec.Body.Bytes())
	}
	return e
}

// searchResponse mirrors the documented JSON of /v1/search.
type searchResponse struct {
	Query struct {
		Text     string   `json:"text"`
		Types    []string `json:"types"`
		Services []string `json:"services"`
		Dept     string   `json:"dept"`
		Near     *struct {
			Name  string  `json:"name"`
			INSEE string  `json:"insee"`
			Lat   float64 `json:"lat"`
			Lon   float64 `json:"lon"`
		} `json:"near"`
		RadiusKM   *float64  `json:"radius_km"`
		RadiusAuto bool      `json:"radius_auto"`
		Nearest    bool      `json:"nearest"`
		BBox       []float64 `json:"bbox"`
		Polygon    bool      `json:"polygon"`
		Sort       string    `json:"sort"`
		Limit      int       `json:"limit"`
		Offset     int       `json:"offset"`
	} `json:"query"`
	Total   int                       `json:"total"`
	Results []result                  `json:"results"`
	Facets  map[string]map[string]int `json:"facets"`
	TookMS  *float64                  `json:"took_ms"`
}

type result struct {
	ID         string   `json:"id"`
	Name       string   `json:"name"`
	Types      []string `json:"types"`
	Services   []string `json:"services"`
	Commune    string   `json:"commune"`
	INSEE      string   `json:"insee"`
	Dept       string   `json:"dept"`
	Lat        float64  `json:"lat"`
	Lon        float64  `json:"lon"`
	Precision  string   `json:"precision"`
	Demo       bool     `json:"demo"`
	DistanceKM *float64 `json:"distance_km"`
	Score      *float64 `json:"score"`
}

// MustSearch checks a 200 JSON answer and decodes it.
func MustSearch(tb testing.TB, rec *httptest.ResponseRecorder) searchResponse {
	tb.Helper()
	if rec.Code != http.StatusOK {
		tb.Fatalf("status %d, want 200; body %.500s", rec.Code, rec.Body.Bytes())
	}
	if mt := MustMediaType(tb, rec.Header()); mt != "application/json" {
		tb.Errorf("Content-Type %q, want application/json", mt)
	}
	var r searchResponse
	MustDecode(tb, rec.Body.Bytes(), &r)
	return r
}

// MustLogBuffer returns a logger writing JSON records to a buffer.
func MustLogBuffer(tb testing.TB) (*slog.Logger, *syncBuffer) {
	tb.Helper()
	buf := &syncBuffer{}
	return slog.New(slog.NewJSONHandler(buf, &slog.HandlerOptions{Level: slog.LevelDebug})), buf
}

// syncBuffer is a bytes buffer safe for a logger and a test.
type syncBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}
