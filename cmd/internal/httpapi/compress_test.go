package httpapi_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"testing"

	"github.com/tierslieux/tierslieux/cmd/internal/httpapi"
)

// gunzip decodes a gzip body (one member), failing the test otherwise.
var gunzip = httpapi.Gunzip

func serveWith(h http.Handler, target, acceptEncoding string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(http.MethodGet, target, nil)
	if acceptEncoding != "" {
		req.Header.Set("Accept-Encoding", acceptEncoding)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

// TestCompression: assets and answers go out compressed to clients that
// accept gzip, the same bytes once decoded, and as they are to others;
// caches are told the answer varies with Accept-Encoding.
func TestCompression(t *testing.T) {
	s := newTestServer(t)
	for _, target := range []string{"/static/vendor/leaflet/leaflet.js", "/embed.js", "/static/app.js", "/v1/search?type=fablab&limit=50", "/v1/vocabulary"} {
		plain := serveWith(s, target, "")
		if plain.Code != 200 || plain.Header().Get("Content-Encoding") != "" {
			t.Fatalf("%s without Accept-Encoding: %d, Content-Encoding %q", target, plain.Code, plain.Header().Get("Content-Encoding"))
		}
		for _, ae := range []string{"gzip", "gzip, deflate, br", "br;q=1.0, gzip;q=0.8"} {
			gz := serveWith(s, target, ae)
			if gz.Header().Get("Content-Encoding") != "gzip" {
				t.Errorf("%s with %q: Content-Encoding %q", target, ae, gz.Header().Get("Content-Encoding"))
				continue
			}
			if gz.Body.Len() >= plain.Body.Len() {
				t.Errorf("%s: %d bytes compressed, %d plain", target, gz.Body.Len(), plain.Body.Len())
			}
			body := gunzip(t, gz.Body.Bytes())
			if target != "/v1/search?type=fablab&limit=50" && !bytes.Equal(body, plain.Body.Bytes()) {
				t.Errorf("%s: decoded body differs from the plain one", target)
			}
			if gz.Header().Get("Content-Type") != plain.Header().Get("Content-Type") {
				t.Errorf("%s: Content-Type %q compressed, %q plain", target, gz.Header().Get("Content-Type"), plain.Header().Get("Content-Type"))
			}
		}
		if v := serveWith(s, target, "gzip").Header().Values("Vary"); !contains(v, "Accept-Encoding") {
			t.Errorf("%s: Vary %v lacks Accept-Encoding", target, v)
		}
		if refused := serveWith(s, target, "gzip;q=0, identity"); refused.Header().Get("Content-Encoding") != "" {
			t.Errorf("%s: compressed for a client refusing gzip", target)
		}
	}
	// A small answer is not worth compressing.
	if small := serveWith(s, "/healthz", "gzip"); small.Header().Get("Content-Encoding") != "" {
		t.Errorf("/healthz compressed: %d bytes", small.Body.Len())
	}
	// Leaflet, the heaviest asset, shrinks as a best-level gzip does.
	if gz := serveWith(s, "/static/vendor/leaflet/leaflet.js", "gzip"); gz.Body.Len() > 50_000 {
		t.Errorf("leaflet.js compressed to %d bytes", gz.Body.Len())
	}
}

func contains(list []string, s string) bool {
	for _, v := range list {
		for _, part := range bytes.Split([]byte(v), []byte(",")) {
			if string(bytes.TrimSpace(part)) == s {
				return true
			}
		}
	}
	return false
}

// tookMS matches an answer's took_ms, which differs from run to run.
var tookMS = regexp.MustCompile(`"took_ms":[0-9.e+-]+`)

// TestSearchCompressedOnce: a search or clusters answer asked again and
// again with gzip decodes each time to the plain answer (took_ms aside),
// its length announced, whether JSON or GeoJSON; the second time on, its
// parts are copied from the memo; HEAD is answered plain, a client of
// zstd alone in zstd; and -compress=false leaves every answer plain.
func TestSearchCompressedOnce(t *testing.T) {
	// Clusters of a region are heavy: more of them a second than the
	// default lets through.
	s := httpapi.NewServer(MustBackend(t), nil, httpapi.Options{HeavyPerSecond: 1000})
	targets := []string{"/v1/search?type=fablab&limit=50", "/v1/search?type=fablab&limit=50&format=geojson", "/v1/search?near=Rodez&sort=distance&limit=40",
		"/v1/clusters?bbox=-0.5,42.3,5,45.1&zoom=12"}
	for _, target := range targets {
		plain := serveWith(s, target, "")
		want := tookMS.ReplaceAllString(plain.Body.String(), "")
		for round := range 3 {
			gz := serveWith(s, target, "gzip, deflate, br, zstd")
			if gz.Code != 200 || gz.Header().Get("Content-Encoding") != "gzip" {
				t.Fatalf("%s, round %d: %d, Content-Encoding %q", target, round, gz.Code, gz.Header().Get("Content-Encoding"))
			}
			if cl := gz.Header().Get("Content-Length"); cl != strconv.Itoa(gz.Body.Len()) {
				t.Errorf("%s: Content-Length %s for %d bytes", target, cl, gz.Body.Len())
			}
			if got := tookMS.ReplaceAllString(string(gunzip(t, gz.Body.Bytes())), ""); got != want {
				t.Errorf("%s, round %d: decoded answer differs from the plain one", target, round)
			}
			if v := gz.Header().Values("Vary"); !contains(v, "Accept-Encoding") || !contains(v, "Accept-Language") {
				t.Errorf("%s: Vary %v", target, v)
			}
		}
	}
	for _, target := range targets {
		// HEAD is answered plain, as the other routes answer it.
		req := httptest.NewRequest(http.MethodHead, target, nil)
		req.Header.Set("Accept-Encoding", "gzip")
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, req)
		if rec.Code != 200 || rec.Header().Get("Content-Encoding") != "" {
			t.Errorf("HEAD %s: %d, Content-Encoding %q", target, rec.Code, rec.Header().Get("Content-Encoding"))
		}
		// A client taking zstd and not gzip still gets zstd.
		plain, zstd := serveWith(s, target, ""), serveWith(s, target, "zstd")
		if zstd.Header().Get("Content-Encoding") != "zstd" || zstd.Body.Len() >= plain.Body.Len() {
			t.Errorf("%s for zstd: Content-Encoding %q, %d bytes (%d plain)", target, zstd.Header().Get("Content-Encoding"), zstd.Body.Len(), plain.Body.Len())
		}
	}
	metrics := get(s, "/metrics").Body.String()
	hit := regexp.MustCompile(`tierslieux_gzip_memo_lookups_total\{outcome="hit"\} ([0-9]+)`).FindStringSubmatch(metrics)
	if hit == nil || hit[1] == "0" {
		t.Errorf("no part copied from the memo after %d answers asked three times: %v", len(targets), hit)
	}

	off := httpapi.NewServer(MustBackend(t), nil, httpapi.Options{NoCompression: true})
	for _, target := range targets {
		rec := serveWith(off, target, "gzip")
		if rec.Code != 200 || rec.Header().Get("Content-Encoding") != "" || !json.Valid(rec.Body.Bytes()) {
			t.Errorf("-compress=false, %s: %d, Content-Encoding %q", target, rec.Code, rec.Header().Get("Content-Encoding"))
		}
	}
}
