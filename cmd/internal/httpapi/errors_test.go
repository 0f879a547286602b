package httpapi_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/tierslieux/tierslieux/cmd/internal/httpapi"
	"github.com/tierslieux/tierslieux/cmd/internal/query"
	"github.com/tierslieux/tierslieux/geo/gazetteer"
	"github.com/tierslieux/tierslieux/index"
	"github.com/tierslieux/tierslieux/ingest"
)

// TestSearchErrors checks every error of /v1/search: status 400, the
// code, and the parameter at fault.
func TestSearchErrors(t *testing.T) {
	s := newTestServer(t)
	bad := func(name, query, code, param string) routeCase {
		return routeCase{name, http.MethodGet, "/v1/search?" + query, http.StatusBadRequest, wantError(code, param)}
	}
	long := url.QueryEscape(strings.Repeat("fablab ", 43)) // 301 bytes
	cases := []routeCase{
		bad("negative radius", "near=Rodez&radius=-5km", "out_of_range", "radius"),
		bad("negative bare radius", "near=Rodez&radius=-5", "out_of_range", "radius"),
		bad("zero radius", "near=Rodez&radius=0", "out_of_range", "radius"),
		bad("radius over 1000 km", "near=Rodez&radius=5000km", "out_of_range", "radius"),
		bad("radius just over 1000 km", "near=Rodez&radius=1000.001km", "out_of_range", "radius"),
		bad("radius not a distance", "near=Rodez&radius=far", "invalid_parameter", "radius"),
		bad("radius NaN", "near=Rodez&radius=NaN", "invalid_parameter", "radius"),
		bad("radius Inf", "near=Rodez&radius=Inf", "invalid_parameter", "radius"),
		bad("radius without near", "radius=5km", "invalid_parameter", "radius"),
		bad("radius with a département", "q=fablab+dans+l%27Aveyron&radius=5km", "invalid_parameter", "radius"),
		bad("near lat out of range", "near=95,3", "out_of_range", "near"),
		bad("near lon out of range", "near=44,181", "out_of_range", "near"),
		bad("near typo", "near=Rodex", "unknown_place", "near"),
		bad("near a département", "near=Aveyron", "invalid_parameter", "near"),
		bad("near nowhere", "near=Zzzyqxw", "unknown_place", "near"),
		bad("bbox three numbers", "bbox=1,2,3", "invalid_parameter", "bbox"),
		bad("bbox five numbers", "bbox=1,2,3,4,5", "invalid_parameter", "bbox"),
		bad("bbox not numbers", "bbox=a,b,c,d", "invalid_parameter", "bbox"),
		bad("bbox minLat above maxLat", "bbox=1,45,2,44", "invalid_parameter", "bbox"),
		bad("bbox lon out of range", "bbox=1,45,200,46", "out_of_range", "bbox"),
		bad("bbox lat out of range", "bbox=1,-95,2,46", "out_of_range", "bbox"),
		bad("bbox NaN", "bbox=NaN,1,2,3", "out_of_range", "bbox"),
		bad("polygon not JSON", "polygon=nope", "invalid_parameter", "polygon"),
		bad("polygon a point", "polygon="+url.QueryEscape(`{"type":"Point","coordinates":[1,2]}`), "invalid_parameter", "polygon"),
		bad("polygon too short", "polygon="+url.QueryEscape(`{"type":"Polygon","coordinates":[[[1,2],[2,3],[1,2]]]}`), "invalid_parameter", "polygon"),
		bad("polygon out of range", "polygon="+url.QueryEscape(`{"type":"Polygon","coordinates":[[[1,2],[2,300],[3,2],[1,2]]]}`), "out_of_range", "polygon"),
		bad("polygon too long", "polygon="+strings.Repeat("x", 65<<10), "too_long", "polygon"),
		bad("limit 0", "limit=0", "out_of_range", "limit"),
		bad("limit 101", "limit=101", "out_of_range", "limit"),
		bad("limit x", "limit=x", "invalid_parameter", "limit"),
		bad("limit 1.5", "limit=1.5", "invalid_parameter", "limit"),
		bad("limit huge", "limit=99999999999999999999", "invalid_parameter", "limit"),
		bad("offset -1", "offset=-1", "out_of_range", "offset"),
		bad("offset beyond max", "offset=10001", "out_of_range", "offset"),
		bad("type piscine", "type=piscine", "unknown_type", "type"),
		bad("one bad type of two", "type=fablab&type=piscine", "unknown_type", "type"),
		bad("service teleportation", "service=teleportation", "unknown_service", "service"),
		bad("dept 99x", "dept=99x", "invalid_parameter", "dept"),
		bad("dept too long", "dept="+strings.Repeat("1", 201), "too_long", "dept"),
		bad("sort banana", "sort=banana", "invalid_parameter", "sort"),
		bad("sort distance without a point", "sort=distance", "invalid_parameter", "sort"),
		bad("facets color", "facets=color", "invalid_parameter", "facets"),
		bad("facets one bad of two", "facets=type,color", "invalid_parameter", "facets"),
		bad("demo maybe", "demo=maybe", "invalid_parameter", "demo"),
		bad("format xml", "format=xml", "invalid_parameter", "format"),
		bad("format GeoJSON capitalised", "format=GeoJSON", "invalid_parameter", "format"),
		bad("q over 300 bytes", "q="+long, "too_long", "q"),
		bad("q unknown place after près de", "q=coworking+pr%C3%A8s+de+Rodex", "unknown_place", "q"),
		bad("q unknown place after near", "q=fablab+near+Zzzyqxw", "unknown_place", "q"),
	}
	runRoutes(t, s, cases)

	t.Run("suggestions", func(t *testing.T) {
		for _, query := range []string{"near=Rodex", "q=coworking+pr%C3%A8s+de+Rodex"} {
			e := MustError(t, MustServe(t, s, http.MethodGet, "/v1/search?"+query), http.StatusBadRequest, "unknown_place")
			if len(e.Error.Suggestions) == 0 || e.Error.Suggestions[0] != "Rodez (12)" {
				t.Errorf("%s: suggestions %q, want Rodez (12) first", query, e.Error.Suggestions)
			}
			if !strings.Contains(e.Error.Message, "Rodex") {
				t.Errorf("%s: message %q does not name the place", query, e.Error.Message)
			}
		}
	})
	t.Run("q of 300 bytes is fine", func(t *testing.T) {
		q := strings.Repeat("é", 150)
		if rec := MustServe(t, s, http.MethodGet, "/v1/search?q="+url.QueryEscape(q)); rec.Code != http.StatusOK {
			t.Errorf("status %d for a 300-byte q: %s", rec.Code, rec.Body.Bytes())
		}
	})
	t.Run("radius of 1000 km is fine", func(t *testing.T) {
		if rec := MustServe(t, s, http.MethodGet, "/v1/search?near=Rodez&radius=1000km"); rec.Code != http.StatusOK {
			t.Errorf("status %d: %s", rec.Code, rec.Body.Bytes())
		}
	})
}

// fakeService is the real backend with some methods replaced: a case
// sets the func fields it needs.
type fakeService struct {
	real    httpapi.Backend
	build   func(query.Params) (index.Query, error)
	search  func(context.Context, index.Query) (*index.Result, error)
	place   func(string) (*ingest.Place, bool)
	geocode func(string, int) ([]gazetteer.Match, []gazetteer.Match, error)
	heavy   func(index.Query, int) bool
}

// backend serves the fake in place of every part of the real backend.
func (f *fakeService) backend() httpapi.Backend {
	return httpapi.Backend{Search: f, Places: f, Query: f}
}

func (f *fakeService) Build(p query.Params) (index.Query, error) {
	if f.build != nil {
		return f.build(p)
	}
	return f.real.Query.Build(p)
}

func (f *fakeService) Search(ctx context.Context, q index.Query) (*index.Result, error) {
	if f.search != nil {
		return f.search(ctx, q)
	}
	return f.real.Search.Search(ctx, q)
}

func (f *fakeService) Clusters(ctx context.Context, q index.Query, zoom int) (*index.ClusterResult, error) {
	return f.real.Search.Clusters(ctx, q, zoom)
}

func (f *fakeService) Heavy(q index.Query, zoom int) bool {
	if f.heavy != nil {
		return f.heavy(q, zoom)
	}
	return f.real.Search.Heavy(q, zoom)
}

func (f *fakeService) Place(id string) (*ingest.Place, bool) {
	if f.place != nil {
		return f.place(id)
	}
	return f.real.Places.Place(id)
}

func (f *fakeService) Len() int { return f.real.Places.Len() }

func (f *fakeService) Version() index.Version { return f.real.Places.Version() }

func (f *fakeService) AreaNames(p *ingest.Place) (string, string) { return f.real.Places.AreaNames(p) }

func (f *fakeService) Geocode(q string, limit int) ([]gazetteer.Match, []gazetteer.Match, error) {
	if f.geocode != nil {
		return f.geocode(q, limit)
	}
	return f.real.Query.Geocode(q, limit)
}

func (f *fakeService) SuggestWithin(prefix string, limit int, keep func(*ingest.Place) bool) ([]query.Suggestion, error) {
	return f.real.Query.SuggestWithin(prefix, limit, keep)
}

func (f *fakeService) Vocabulary() query.Vocabulary { return f.real.Query.Vocabulary() }

// TestInternalErrors checks what users see of a failing service: a
// generic 500 in JSON, nothing of the cause, which is logged with the
// route; service errors with a known code keep their status, wrapped or
// not; a panic is recovered and the server keeps serving.
func TestInternalErrors(t *testing.T) {
	errDisk := errors.New("bleve: disk on fire at /var/lib/secret")
	cases := []struct {
		name   string
		fake   fakeService
		url    string
		status int
		code   string
		logged []string // in the log, when the status is 500
	}{
		{"search plain error", fakeService{search: func(context.Context, index.Query) (*index.Result, error) { return nil, errDisk }},
			"/v1/search?q=fablab", http.StatusInternalServerError, "internal", []string{`"path":"/v1/search"`, "disk on fire", `"query":"q=fablab"`}},
		{"build plain error", fakeService{build: func(query.Params) (index.Query, error) { return index.Query{}, errDisk }},
			"/v1/search", http.StatusInternalServerError, "internal", []string{`"path":"/v1/search"`, "disk on fire"}},
		{"geocode plain error", fakeService{geocode: func(string, int) ([]gazetteer.Match, []gazetteer.Match, error) { return nil, nil, errDisk }},
			"/v1/geocode?q=Rodez", http.StatusInternalServerError, "internal", []string{`"path":"/v1/geocode"`, "disk on fire"}},
		{"deadline", fakeService{search: func(context.Context, index.Query) (*index.Result, error) {
			return nil, fmt.Errorf("search stopped: %w", context.DeadlineExceeded)
		}}, "/v1/search", http.StatusServiceUnavailable, "timeout", nil},
		{"service error with an unknown code", fakeService{search: func(context.Context, index.Query) (*index.Result, error) {
			return nil, &index.Error{Code: "quota", Message: "secret detail"}
		}}, "/v1/search", http.StatusInternalServerError, "internal", []string{"secret detail"}},
		{"wrapped service error", fakeService{search: func(context.Context, index.Query) (*index.Result, error) {
			return nil, fmt.Errorf("engine: %w", &index.Error{Code: index.CodeOutOfRange, Param: "radius", Message: "too far"})
		}}, "/v1/search", http.StatusBadRequest, index.CodeOutOfRange, nil},
		{"not found from search", fakeService{search: func(context.Context, index.Query) (*index.Result, error) {
			return nil, &index.Error{Code: index.CodeNotFound, Message: "gone"}
		}}, "/v1/search", http.StatusNotFound, index.CodeNotFound, nil},
		{"search panics", fakeService{search: func(context.Context, index.Query) (*index.Result, error) {
			panic("index corrupted at /var/lib/secret")
		}},
			"/v1/search", http.StatusInternalServerError, "internal", []string{`"msg":"panic"`, `"path":"/v1/search"`, "index corrupted"}},
		{"place panics", fakeService{place: func(string) (*ingest.Place, bool) { panic(errDisk) }},
			"/v1/places/tlo-001", http.StatusInternalServerError, "internal", []string{`"msg":"panic"`, `"path":"/v1/places/tlo-001"`}},
		{"search returns an impossible result", fakeService{search: func(context.Context, index.Query) (*index.Result, error) {
			return &index.Result{Hits: []index.Hit{{}}}, nil // a hit without a place
		}}, "/v1/search", http.StatusInternalServerError, "internal", []string{`"msg":"panic"`}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tc.fake.real = MustBackend(t)
			log, buf := MustLogBuffer(t)
			s := httpapi.NewServer(tc.fake.backend(), log, httpapi.Options{})
			rec := MustServe(t, s, http.MethodGet, tc.url)
			e := MustError(t, rec, tc.status, tc.code)
			if tc.status == http.StatusInternalServerError {
				if e.Error.Message != "internal error" || e.Error.Param != "" || len(e.Error.Suggestions) != 0 {
					t.Errorf("500 body %s, want only the generic message", rec.Body.Bytes())
				}
				for _, leak := range []string{"secret", "disk on fire", "goroutine"} {
					if strings.Contains(rec.Body.String(), leak) {
						t.Errorf("500 body leaks %q: %s", leak, rec.Body.Bytes())
					}
				}
				for _, want := range tc.logged {
					if !strings.Contains(buf.String(), want) {
						t.Errorf("log lacks %s:\n%s", want, buf.String())
					}
				}
				if !strings.Contains(buf.String(), `"level":"ERROR"`) {
					t.Errorf("not logged as an error:\n%s", buf.String())
				}
			} else if strings.Contains(buf.String(), `"level":"ERROR"`) {
				t.Errorf("a %d is logged as an error:\n%s", tc.status, buf.String())
			}
			// The server still answers.
			if rec := MustServe(t, s, http.MethodGet, "/healthz"); rec.Code != http.StatusOK {
				t.Errorf("healthz after the failure: %d", rec.Code)
			}
		})
	}
}

// TestPanicThenServe checks over a real connection that a panicking
// request gets a JSON 500 and the next request on the same server works.
func TestPanicThenServe(t *testing.T) {
	var calls atomic.Int32
	fake := &fakeService{real: MustBackend(t)}
	fake.search = func(ctx context.Context, q index.Query) (*index.Result, error) {
		if calls.Add(1) == 1 {
			panic("first call")
		}
		return fake.real.Search.Search(ctx, q)
	}
	log, buf := MustLogBuffer(t)
	srv := httptest.NewServer(httpapi.NewServer(fake.backend(), log, httpapi.Options{}))
	t.Cleanup(srv.Close)

	first := MustHTTP(t, srv.Client(), http.MethodGet, srv.URL+"/v1/search?type=fablab")
	if first.status != http.StatusInternalServerError {
		t.Errorf("first request: status %d, want 500", first.status)
	}
	var e apiError
	MustDecode(t, first.body, &e)
	if e.Error.Code != "internal" {
		t.Errorf("first request: body %s", first.body)
	}
	if !strings.Contains(buf.String(), "first call") || !strings.Contains(buf.String(), "stack") {
		t.Errorf("panic not logged with its stack:\n%.500s", buf.String())
	}
	second := MustHTTP(t, srv.Client(), http.MethodGet, srv.URL+"/v1/search?type=fablab")
	if second.status != http.StatusOK {
		t.Fatalf("second request: status %d, want 200: %s", second.status, second.body)
	}
	var r searchResponse
	MustDecode(t, second.body, &r)
	if r.Total != 37 {
		t.Errorf("second request: total %d, want the 37 fablabs", r.Total)
	}
}
