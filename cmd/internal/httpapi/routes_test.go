package httpapi_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
)

// routeCase is one request and what its answer must be. check, when set,
// looks further at a response whose status and JSON body were checked.
type routeCase struct {
	name   string
	method string
	url    string
	status int
	check  func(tb testing.TB, rec *httptest.ResponseRecorder)
}

// runRoutes sends each case to h: every answer must have the status, a
// JSON Content-Type (GeoJSON for format=geojson) and a JSON body.
func runRoutes(t *testing.T, h http.Handler, cases []routeCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			rec := MustServe(t, h, tc.method, tc.url)
			if rec.Code != tc.status {
				t.Errorf("%s %s: status %d, want %d; body %.500s", tc.method, tc.url, rec.Code, tc.status, rec.Body.Bytes())
			}
			want := "application/json"
			if strings.Contains(tc.url, "format=geojson") && rec.Code == http.StatusOK {
				want = "application/geo+json"
			}
			if mt := MustMediaType(t, rec.Header()); mt != want {
				t.Errorf("Content-Type %q, want %q", mt, want)
			}
			MustObject(t, rec.Body.Bytes())
			if tc.check != nil {
				tc.check(t, rec)
			}
		})
	}
}

// wantError returns a check for an error body with this code and param.
func wantError(code, param string) func(testing.TB, *httptest.ResponseRecorder) {
	return func(tb testing.TB, rec *httptest.ResponseRecorder) {
		tb.Helper()
		e := MustError(tb, rec, rec.Code, code)
		if e.Error.Param != param {
			tb.Errorf("error param %q, want %q; body %s", e.Error.Param, param, rec.Body.Bytes())
		}
	}
}

// wantAllow checks the Allow header RFC 9110 requires on a 405.
func wantAllow(tb testing.TB, rec *httptest.ResponseRecorder) {
	tb.Helper()
	wantError("method_not_allowed", "")(tb, rec)
	allow := strings.Split(strings.ReplaceAll(rec.Header().Get("Allow"), " ", ""), ",")
	if !slices.Contains(allow, http.MethodGet) || !slices.Contains(allow, http.MethodHead) {
		tb.Errorf("Allow %q, want GET and HEAD listed", rec.Header().Get("Allow"))
	}
}

func TestRoutes(t *testing.T) {
	s := newTestServer(t)
	cases := []routeCase{
		{"health", http.MethodGet, "/healthz", http.StatusOK, func(tb testing.TB, rec *httptest.ResponseRecorder) {
			var h struct {
				Status string `json:"status"`
				Places int    `json:"places"`
			}
			MustDecode(tb, rec.Body.Bytes(), &h)
			if h.Status != "ok" || h.Places != demoPlaces {
				tb.Errorf("healthz = %+v, want status ok and %d places", h, demoPlaces)
			}
		}},
		{"health HEAD", http.MethodHead, "/healthz", http.StatusOK, nil},
		{"search", http.MethodGet, "/v1/search", http.StatusOK, func(tb testing.TB, rec *httptest.ResponseRecorder) {
			r := MustSearch(tb, rec)
			if r.Total != demoPlaces || len(r.Results) != 20 {
				tb.Errorf("empty search: total %d, %d results; want %d and the default limit 20", r.Total, len(r.Results), demoPlaces)
			}
		}},
		{"search HEAD", http.MethodHead, "/v1/search?type=fablab", http.StatusOK, nil},
		{"search geojson", http.MethodGet, "/v1/search?type=fablab&format=geojson", http.StatusOK, nil},
		{"search explicit json", http.MethodGet, "/v1/search?type=fablab&format=json", http.StatusOK, nil},
		{"place", http.MethodGet, "/v1/places/tlo-001", http.StatusOK, func(tb testing.TB, rec *httptest.ResponseRecorder) {
			m := MustObject(tb, rec.Body.Bytes())
			want := map[string]any{"id": "tlo-001", "name": "Ping Pong Cowork", "commune": "Millau", "insee": "12145",
				"dept": "12", "region": "76", "dept_name": "Aveyron", "region_name": "Occitanie", "lat": 44.09973, "lon": 3.07848}
			for k, v := range want {
				if m[k] != v {
					tb.Errorf("place %s = %v, want %v", k, m[k], v)
				}
			}
		}},
		{"place HEAD", http.MethodHead, "/v1/places/tlo-008", http.StatusOK, nil},
		{"place unknown", http.MethodGet, "/v1/places/tlo-999", http.StatusNotFound, wantError("not_found", "id")},
		{"place unknown HEAD", http.MethodHead, "/v1/places/nope", http.StatusNotFound, wantError("not_found", "id")},
		{"place encoded id", http.MethodGet, "/v1/places/%3Cscript%3E", http.StatusNotFound, wantError("not_found", "id")},
		{"place without id", http.MethodGet, "/v1/places/", http.StatusNotFound, wantError("not_found", "")},
		{"place sub-path", http.MethodGet, "/v1/places/tlo-001/extra", http.StatusNotFound, wantError("not_found", "")},
		{"geocode", http.MethodGet, "/v1/geocode?q=Rodez", http.StatusOK, func(tb testing.TB, rec *httptest.ResponseRecorder) {
			g := MustGeocode(tb, rec)
			if len(g.Results) == 0 || g.Results[0].Code != "12202" || g.Results[0].Name != "Rodez" || g.Results[0].Lat == nil {
				tb.Errorf("geocode Rodez: %+v, want Rodez 12202 with a point first", g.Results)
			}
			if len(g.Suggestions) != 0 {
				tb.Errorf("suggestions %+v with a match", g.Suggestions)
			}
		}},
		{"geocode HEAD", http.MethodHead, "/v1/geocode?q=Albi", http.StatusOK, nil},
		{"geocode postcode", http.MethodGet, "/v1/geocode?q=81000", http.StatusOK, func(tb testing.TB, rec *httptest.ResponseRecorder) {
			g := MustGeocode(tb, rec)
			if len(g.Results) == 0 || g.Results[0].Code != "81004" {
				tb.Errorf("geocode 81000: %+v, want Albi 81004 first", g.Results)
			}
		}},
		{"geocode typo suggests", http.MethodGet, "/v1/geocode?q=Rodex", http.StatusOK, func(tb testing.TB, rec *httptest.ResponseRecorder) {
			g := MustGeocode(tb, rec)
			if g.Query != "Rodex" || g.Results == nil || len(g.Results) != 0 {
				tb.Errorf("geocode Rodex: query %q, results %+v; want Rodex and an empty list, not null", g.Query, g.Results)
			}
			if len(g.Suggestions) == 0 || g.Suggestions[0].Code != "12202" {
				tb.Errorf("geocode Rodex suggestions %+v, want Rodez 12202 first", g.Suggestions)
			}
		}},
		{"geocode limit 1", http.MethodGet, "/v1/geocode?q=Saint&limit=1", http.StatusOK, func(tb testing.TB, rec *httptest.ResponseRecorder) {
			if g := MustGeocode(tb, rec); len(g.Results) > 1 {
				tb.Errorf("limit=1: %d results", len(g.Results))
			}
		}},
		{"geocode limit 50", http.MethodGet, "/v1/geocode?q=Rodez&limit=50", http.StatusOK, nil},
		{"geocode empty q", http.MethodGet, "/v1/geocode?q=", http.StatusBadRequest, wantError("invalid_parameter", "q")},
		{"geocode missing q", http.MethodGet, "/v1/geocode", http.StatusBadRequest, wantError("invalid_parameter", "q")},
		{"geocode blank q", http.MethodGet, "/v1/geocode?q=+-+", http.StatusBadRequest, wantError("invalid_parameter", "q")},
		{"geocode long q", http.MethodGet, "/v1/geocode?q=" + strings.Repeat("a", 301), http.StatusBadRequest, wantError("too_long", "q")},
		{"geocode limit 0", http.MethodGet, "/v1/geocode?q=Rodez&limit=0", http.StatusBadRequest, wantError("out_of_range", "limit")},
		{"geocode limit 51", http.MethodGet, "/v1/geocode?q=Rodez&limit=51", http.StatusBadRequest, wantError("out_of_range", "limit")},
		{"geocode limit -1", http.MethodGet, "/v1/geocode?q=Rodez&limit=-1", http.StatusBadRequest, wantError("out_of_range", "limit")},
		// Every endpoint reads integers with one parser: a limit that is not
		// a number is invalid_parameter, one out of range out_of_range.
		{"geocode limit x", http.MethodGet, "/v1/geocode?q=Rodez&limit=x", http.StatusBadRequest, wantError("invalid_parameter", "limit")},
		{"geocode limit 3x", http.MethodGet, "/v1/geocode?q=Rodez&limit=3x", http.StatusBadRequest, wantError("invalid_parameter", "limit")},
		{"unknown route", http.MethodGet, "/nope", http.StatusNotFound, wantError("not_found", "")},
		{"unknown v1 route", http.MethodGet, "/v1/nope", http.StatusNotFound, wantError("not_found", "")},
		{"search trailing slash", http.MethodGet, "/v1/search/", http.StatusNotFound, wantError("not_found", "")},
		{"unknown route POST", http.MethodPost, "/nope", http.StatusNotFound, wantError("not_found", "")},
		{"search POST", http.MethodPost, "/v1/search", http.StatusMethodNotAllowed, wantAllow},
		{"search PUT", http.MethodPut, "/v1/search?q=fablab", http.StatusMethodNotAllowed, wantAllow},
		{"place DELETE", http.MethodDelete, "/v1/places/tlo-001", http.StatusMethodNotAllowed, wantAllow},
		{"geocode PATCH", http.MethodPatch, "/v1/geocode?q=Rodez", http.StatusMethodNotAllowed, wantAllow},
		{"health POST", http.MethodPost, "/healthz", http.StatusMethodNotAllowed, wantAllow},
	}
	runRoutes(t, s, cases)
}

// TestHEADOverHTTP checks HEAD through a real server: the headers of a
// GET, no body.
func TestHEADOverHTTP(t *testing.T) {
	srv := httptest.NewServer(newTestServer(t))
	t.Cleanup(srv.Close)
	for _, tc := range []struct {
		name   string
		url    string
		status int
	}{
		{"health", "/healthz", http.StatusOK},
		{"search", "/v1/search?q=fablab+pr%C3%A8s+de+Rodez", http.StatusOK},
		{"place", "/v1/places/tlo-001", http.StatusOK},
		{"geocode", "/v1/geocode?q=Albi", http.StatusOK},
		{"bad search", "/v1/search?limit=0", http.StatusBadRequest},
		{"unknown place", "/v1/places/nope", http.StatusNotFound},
	} {
		t.Run(tc.name, func(t *testing.T) {
			get := MustHTTP(t, srv.Client(), http.MethodGet, srv.URL+tc.url)
			head := MustHTTP(t, srv.Client(), http.MethodHead, srv.URL+tc.url)
			if head.status != tc.status || get.status != tc.status {
				t.Errorf("HEAD %d, GET %d; want %d", head.status, get.status, tc.status)
			}
			if len(head.body) != 0 {
				t.Errorf("HEAD body %q, want none", head.body)
			}
			if head.header.Get("Content-Type") != get.header.Get("Content-Type") {
				t.Errorf("HEAD Content-Type %q, GET %q", head.header.Get("Content-Type"), get.header.Get("Content-Type"))
			}
		})
	}
}

type httpAnswer struct {
	status int
	header http.Header
	body   []byte
}

// MustHTTP sends a request over the network and reads the whole answer,
// checked against the API's contract (checkContract) unless the server
// is a test double (MustNotBeTheAPI).
func MustHTTP(tb testing.TB, c *http.Client, method, url string) httpAnswer {
	tb.Helper()
	req, err := http.NewRequest(method, url, nil)
	if err != nil {
		tb.Fatal(err)
	}
	resp, err := c.Do(req)
	if err != nil {
		tb.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		tb.Fatal(err)
	}
	checkContract(tb, req, resp.StatusCode, resp.Header, body)
	return httpAnswer{resp.StatusCode, resp.Header, body}
}

type geocodeResponse struct {
	Query   string `json:"query"`
	Results []struct {
		Kind string   `json:"kind"`
		Name string   `json:"name"`
		Code string   `json:"code"`
		Lat  *float64 `json:"lat"`
		Lon  *float64 `json:"lon"`
	} `json:"results"`
	Suggestions []struct {
		Name string `json:"name"`
		Code string `json:"code"`
	} `json:"suggestions"`
}

// MustGeocode checks a 200 answer of /v1/geocode and decodes it.
func MustGeocode(tb testing.TB, rec *httptest.ResponseRecorder) geocodeResponse {
	tb.Helper()
	if rec.Code != http.StatusOK {
		tb.Fatalf("status %d, want 200; body %.300s", rec.Code, rec.Body.Bytes())
	}
	var g geocodeResponse
	MustDecode(tb, rec.Body.Bytes(), &g)
	return g
}
