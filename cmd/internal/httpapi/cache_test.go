package httpapi_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/tierslieux/tierslieux/cmd/internal/httpapi"
	"github.com/tierslieux/tierslieux/cmd/internal/query"
	"github.com/tierslieux/tierslieux/index"
	"github.com/tierslieux/tierslieux/index/indextest"
)

// get sends a GET with headers, given as name, value pairs.
func get(h http.Handler, target string, headers ...string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(http.MethodGet, target, nil)
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	return MustServeRequest(h, req)
}

var maxAgeRe = regexp.MustCompile(`^public, max-age=(\d+)$`)

// TestAPICaching: every API answer carries a weak ETag from the data
// version and the request, and Cache-Control; the same request with
// If-None-Match gets a 304 without a body; another query, language or
// data version, another ETag.
func TestAPICaching(t *testing.T) {
	s := newTestServer(t)
	tests := []struct {
		name, target string
		timely       bool // the answer says what is open now
	}{
		{"search", "/v1/search?q=fablab+pr%C3%A8s+de+Rodez", true},
		{"search open now", "/v1/search?type=coworking&open=now", true},
		{"search geojson", "/v1/search?type=fablab&format=geojson", true},
		{"clusters", "/v1/clusters?zoom=5&bbox=0,42,5,45", true},
		{"place", "/v1/places/tlo-008", false},
		{"geocode", "/v1/geocode?q=Rodez", false},
		{"suggest", "/v1/suggest?q=rod", false},
		{"vocabulary", "/v1/vocabulary", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			first := get(s, tc.target)
			if first.Code != http.StatusOK {
				t.Fatalf("status %d: %.200s", first.Code, first.Body.Bytes())
			}
			etag := first.Header().Get("ETag")
			if !strings.HasPrefix(etag, `W/"`) || !strings.HasSuffix(etag, `"`) {
				t.Fatalf("ETag %q, want a weak one", etag)
			}
			cc := first.Header().Get("Cache-Control")
			m := maxAgeRe.FindStringSubmatch(cc)
			if m == nil {
				t.Fatalf("Cache-Control %q, want public, max-age=N", cc)
			}
			maxAge, _ := strconv.Atoi(m[1])
			switch {
			case tc.name == "vocabulary": // its handler keeps its own hour
			case tc.timely && (maxAge < 1 || maxAge > 60):
				t.Errorf("max-age %d for an answer that says what is open now: want at most to the end of the minute", maxAge)
			case !tc.timely && maxAge != 60:
				t.Errorf("max-age %d, want 60", maxAge)
			}
			if !contains(first.Header().Values("Vary"), "Accept-Language") {
				t.Errorf("Vary %q lacks Accept-Language", first.Header().Values("Vary"))
			}

			again := get(s, tc.target, "If-None-Match", etag)
			if tc.timely && again.Code == http.StatusOK && again.Header().Get("ETag") != etag {
				t.Skip("the minute turned between the two requests")
			}
			if again.Code != http.StatusNotModified || again.Body.Len() != 0 {
				t.Fatalf("If-None-Match %s: %d with %d bytes, want 304 without a body", etag, again.Code, again.Body.Len())
			}
			if again.Header().Get("ETag") != etag || again.Header().Get("Cache-Control") == "" {
				t.Errorf("the 304 lacks its validators: ETag %q, Cache-Control %q", again.Header().Get("ETag"), again.Header().Get("Cache-Control"))
			}
			// Among others, in the strong form, after gzip: still a match.
			for _, inm := range []string{`"x", ` + etag, strings.TrimPrefix(etag, "W/"), "W/\"nope\", " + etag + ", \"y\""} {
				if c := get(s, tc.target, "If-None-Match", inm).Code; c != http.StatusNotModified && !tc.timely {
					t.Errorf("If-None-Match %s: %d, want 304", inm, c)
				}
			}
			if c := get(s, tc.target, "If-None-Match", `W/"0123"`).Code; c != http.StatusOK {
				t.Errorf("a stale ETag: %d, want 200", c)
			}
			if c := get(s, tc.target, "If-None-Match", `*`).Code; c != http.StatusOK {
				t.Errorf("If-None-Match *: %d, want 200 (the answer is made, not stored)", c)
			}

			// The language makes another answer: another ETag.
			sep := "?"
			if strings.Contains(tc.target, "?") {
				sep = "&"
			}
			for _, other := range []*httptest.ResponseRecorder{
				get(s, tc.target+sep+"lang=fr"),
				get(s, tc.target, "Accept-Language", "fr-FR,fr;q=0.9"),
				get(s, tc.target+sep+"limit=3"),
			} {
				if e := other.Header().Get("ETag"); e == "" || e == etag {
					t.Errorf("another request, ETag %q (first %q)", e, etag)
				}
			}
		})
	}
}

// TestAPICacheNoSearch: a 304 is answered before the search runs.
func TestAPICacheNoSearch(t *testing.T) {
	s := newTestServer(t)
	const target = "/v1/search?q=filature"
	etag := get(s, target).Header().Get("ETag")
	before := MustScrape(t, s)
	for range 3 {
		if c := get(s, target, "If-None-Match", etag).Code; c != http.StatusNotModified {
			t.Skipf("status %d: the minute turned", c)
		}
	}
	after := MustScrape(t, s)
	const searches = `tierslieux_search_results_count{}`
	if after[searches] != before[searches] {
		t.Errorf("%g searches ran for three 304s", after[searches]-before[searches])
	}
	if got := after[`tierslieux_http_requests_total{route="/v1/search",status="304"}`]; got != 3 {
		t.Errorf("%g 304s counted, want 3", got)
	}
}

// TestAPICacheKeyedAndErrors: a partner's request (a key) and an error
// are never cached, and a key's request never gets a 304.
func TestAPICacheKeyedAndErrors(t *testing.T) {
	s := newTestServer(t)
	etag := get(s, "/v1/search?type=fablab").Header().Get("ETag")
	tests := []struct {
		name, target string
		headers      []string
		status       int
		cacheControl string
	}{
		{"bearer key", "/v1/search?type=fablab", []string{"Authorization", "Bearer s3cret", "If-None-Match", etag}, 0, "private, no-store"},
		{"key parameter", "/v1/search?type=fablab&key=s3cret", []string{"If-None-Match", etag}, 0, "private, no-store"},
		{"bad parameter", "/v1/search?radius=far&near=Rodez", nil, 400, "no-store"},
		{"unknown place", "/v1/places/nope", nil, 404, "no-store"},
		{"bad lang", "/v1/geocode?q=Rodez&lang=de", nil, 400, "no-store"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rec := get(s, tc.target, tc.headers...)
			if tc.status != 0 && rec.Code != tc.status {
				t.Errorf("status %d, want %d", rec.Code, tc.status)
			}
			if rec.Code == http.StatusNotModified {
				t.Errorf("304 for a request that must run")
			}
			if e := rec.Header().Get("ETag"); e != "" {
				t.Errorf("ETag %q, want none", e)
			}
			if cc := rec.Header().Get("Cache-Control"); cc != tc.cacheControl {
				t.Errorf("Cache-Control %q, want %q", cc, tc.cacheControl)
			}
		})
	}
}

// TestAPICacheFollowsData: after a reload, the ETags change, so a
// client's copy of the old data is not revalidated.
func TestAPICacheFollowsData(t *testing.T) {
	s := newTestServer(t)
	cat := MustCatalog(t)
	// A place the smaller catalog keeps.
	target := "/v1/places/" + cat.Places()[0].ID
	etag := get(s, target).Header().Get("ETag")
	other, err := index.NewMem(cat.Places()[:50], indextest.Gazetteer(t))
	if err != nil {
		t.Fatal(err)
	}
	<-s.SetBackend(httpapi.Backend{Search: index.NewEngine(other), Places: other, Query: query.New(indextest.Gazetteer(t), other)})
	rec := get(s, target, "If-None-Match", etag)
	if rec.Code != http.StatusOK {
		t.Fatalf("after a reload, the old ETag: %d, want 200", rec.Code)
	}
	if e := rec.Header().Get("ETag"); e == etag || e == "" {
		t.Errorf("ETag %q after a reload, the same as before", e)
	}
}

// TestAnswersFollowReload: a place changed by a reload is answered as it
// now is, both in JSON and GeoJSON, though the same search answered it
// before (its rendering kept by the old backend).
func TestAnswersFollowReload(t *testing.T) {
	s := newTestServer(t)
	places := MustCatalog(t).Places()
	p := places[0]
	target := fmt.Sprintf("/v1/search?near=%g,%g&sort=distance&limit=1", p.Lat, p.Lon)
	for _, format := range []string{"", "&format=geojson"} {
		if body := get(s, target+format).Body.String(); !strings.Contains(body, strconv.Quote(p.Name)) {
			t.Fatalf("before the reload, %s does not answer %q: %s", target+format, p.Name, body)
		}
	}
	places[0].Name, places[0].Address = "Le Nouveau Nom", "1 place du Changement"
	other, err := index.NewMem(places, indextest.Gazetteer(t))
	if err != nil {
		t.Fatal(err)
	}
	<-s.SetBackend(httpapi.Backend{Search: index.NewEngine(other), Places: other, Query: query.New(indextest.Gazetteer(t), other)})
	for _, format := range []string{"", "&format=geojson"} {
		body := get(s, target+format).Body.String()
		if strings.Contains(body, strconv.Quote(p.Name)) || !strings.Contains(body, `"Le Nouveau Nom"`) || !strings.Contains(body, `"1 place du Changement"`) {
			t.Errorf("after the reload, %s answers the old place: %s", target+format, body)
		}
	}
}

// TestAssetCaching: assets and pages carry an ETag from their content,
// another for their gzip bytes, and answer 304 to it; a versioned asset
// URL is cached for a year, others five minutes, pages revalidated.
func TestAssetCaching(t *testing.T) {
	s := newTestServer(t)
	page := get(s, "/").Body.String()
	versioned := regexp.MustCompile(`/static/app\.js\?v=([0-9a-f]+)`).FindStringSubmatch(page)
	if versioned == nil {
		t.Fatalf("the page does not link a versioned app.js")
	}
	tests := []struct {
		name, target, cacheControl string
		gzip                       bool // a gzip variant exists
	}{
		{"versioned asset", versioned[0], "public, max-age=31536000, immutable", true},
		{"another version", "/static/app.js?v=0000", "public, max-age=300", true},
		{"unversioned asset", "/static/app.js", "public, max-age=300", true},
		{"widget", "/embed.js", "public, max-age=300", true},
		{"image", "/static/vendor/leaflet/images/layers.png", "public, max-age=300", false},
		{"licence", "/static/vendor/leaflet/LICENSE", "public, max-age=300", false},
		{"page", "/", "no-cache", false},
		{"iframe page", "/embed?near=Rodez", "no-cache", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			plain := get(s, tc.target)
			zipped := get(s, tc.target, "Accept-Encoding", "gzip")
			if plain.Code != 200 || zipped.Code != 200 {
				t.Fatalf("status %d, %d gzipped", plain.Code, zipped.Code)
			}
			if cc := plain.Header().Get("Cache-Control"); cc != tc.cacheControl {
				t.Errorf("Cache-Control %q, want %q", cc, tc.cacheControl)
			}
			pe, ze := plain.Header().Get("ETag"), zipped.Header().Get("ETag")
			if pe == "" || ze == "" {
				t.Fatalf("ETag %q, %q gzipped", pe, ze)
			}
			switch {
			case tc.gzip && (zipped.Header().Get("Content-Encoding") != "gzip" || ze != strings.TrimSuffix(pe, `"`)+`-gz"`):
				t.Errorf("gzip variant: Content-Encoding %q, ETag %q; identity ETag %q", zipped.Header().Get("Content-Encoding"), ze, pe)
			case !tc.gzip && zipped.Header().Get("Content-Encoding") == "gzip" && !strings.HasPrefix(ze, "W/"):
				t.Errorf("compressed on the fly with the strong ETag %q of the identity bytes", ze)
			}
			for _, v := range []struct {
				etag, ae string
			}{{pe, ""}, {ze, "gzip"}} {
				rec := get(s, tc.target, "If-None-Match", v.etag, "Accept-Encoding", v.ae)
				if rec.Code != http.StatusNotModified || rec.Body.Len() != 0 {
					t.Errorf("If-None-Match %s (Accept-Encoding %q): %d with %d bytes, want 304", v.etag, v.ae, rec.Code, rec.Body.Len())
				}
			}
			if tc.gzip {
				// The identity ETag does not validate the gzip bytes.
				if rec := get(s, tc.target, "If-None-Match", pe, "Accept-Encoding", "gzip"); rec.Code != http.StatusOK {
					t.Errorf("identity ETag for the gzip variant: %d, want 200", rec.Code)
				}
			}
		})
	}
}
