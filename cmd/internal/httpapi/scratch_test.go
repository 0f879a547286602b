package httpapi_test

import (
	"os"
	"testing"
)

func TestScratch(t *testing.T) {
	s := newTestServer(t)
	for _, u := range os.Args[len(os.Args)-0:] {
		_ = u
	}
	for _, u := range []string{
		"/v1/search?q=fablab+with+3D+printing+within+30+km+of+Rodez",
		"/v1/search?q=fablab&facets=type,service,dept&limit=2",
		"/v1/places/tlo-001",
		"/v1/geocode?q=Rodex",
		"/v1/geocode?q=Rodez&limit=2",
		"/v1/search?near=Rodex",
		"/v1/search?q=coworking+pr%C3%A8s+de+Rodex",
		"/healthz",
		"/nope",
	} {
		rec := MustServe(t, s, "GET", u)
		t.Logf("%s -> %d %s\n%s", u, rec.Code, rec.Header(), rec.Body.String())
	}
	rec := MustServe(t, s, "POST", "/v1/search")
	t.Logf("POST -> %d %s", rec.Code, rec.Body.String())
}
