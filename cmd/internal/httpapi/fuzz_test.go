package httpapi_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"
)

// FuzzSearchParams sends raw query strings, valid or not, to /v1/search
// through the real server over the demo data: whatever the input, the
// answer is a 200 or a 400, never a 500, with a JSON body of the
// announced type.
func FuzzSearchParams(f *testing.F) {
	for _, seed := range []string{
		"",
		"q=fablab+with+3D+printing+within+30+km+of+Rodez",
		"q=coworking+pr%C3%A8s+de+Millau&facets=type,service,dept",
		"q=imprimante&near=Albi&sort=distance&limit=5&offset=2",
		"type=fablab&type=coworking,mediation-numerique&service=wifi&dept=Tarn&demo=true",
		"near=43.6,1.44&radius=500m&format=geojson",
		"near=Rodez&radius=1000km&sort=relevance",
		"bbox=1.2,43.4,1.6,43.8&near=Toulouse",
		"bbox=-180,-90,180,90&limit=100&offset=10000",
		"polygon=%7B%22type%22%3A%22Polygon%22%2C%22coordinates%22%3A%5B%5B%5B2%2C44%5D%2C%5B3%2C44%5D%2C%5B3%2C45%5D%2C%5B2%2C44%5D%5D%5D%7D",
		"q=nearest+coworking+to+Montpellier",
		"q=%zz&limit=%",
		"q=%00%ff%fe&near=%C0%AF",
		"near=NaN,NaN&radius=-0",
		"radius=1e308km&near=0,0",
		"q=fablab+near+Rodex",
		"q=\"\\\"\"&type=&service=&facets=,,",
		"q=AND+OR+NOT+*+?+~+^+:+(+)+[+]+{+}",
		"q=+-+fablab*&sort=distance&near=45,5",
	} {
		f.Add(seed)
	}
	s := newTestServer(f)
	f.Fuzz(func(t *testing.T, raw string) {
		req := httptest.NewRequest(http.MethodGet, "/v1/search", nil)
		req.URL.RawQuery = raw
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK && rec.Code != http.StatusBadRequest {
			t.Fatalf("?%s: status %d, want 200 or 400: %.500s", raw, rec.Code, rec.Body.Bytes())
		}
		mt := MustMediaType(t, rec.Header())
		if mt != "application/json" && mt != "application/geo+json" {
			t.Fatalf("?%s: Content-Type %q", raw, mt)
		}
		if !json.Valid(rec.Body.Bytes()) {
			t.Fatalf("?%s: body is not JSON: %.500s", raw, rec.Body.Bytes())
		}
		if rec.Code == http.StatusBadRequest {
			var e apiError
			MustDecode(t, rec.Body.Bytes(), &e)
			if e.Error.Code == "" || e.Error.Message == "" {
				t.Fatalf("?%s: 400 without a code and message: %s", raw, rec.Body.Bytes())
			}
		}
	})
}
