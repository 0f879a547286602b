package httpapi_test

import (
	"strings"
	"testing"
)

func TestScratch(t *testing.T) {
	s := newTestServer(t)
	for _, u := range []string{
		"/v1/search?near=Rodez&radius=-5",
		"/v1/search?near=Rodez&radius=5000km",
		"/v1/search?radius=5km",
		"/v1/search?near=95,3",
		"/v1/search?bbox=1,2,3",
		"/v1/search?bbox=a,b,c,d",
		"/v1/search?bbox=1,45,2,44",
		"/v1/search?bbox=1,45,200,46",
		"/v1/search?limit=0", "/v1/search?limit=101", "/v1/search?limit=x", "/v1/search?offset=-1",
		"/v1/search?type=piscine", "/v1/search?service=teleportation", "/v1/search?dept=99x",
		"/v1/search?sort=banana", "/v1/search?facets=color", "/v1/search?demo=maybe", "/v1/search?format=xml",
		"/v1/search?q=" + strings.Repeat("a", 301),
		"/v1/search?q=fablab+pr%C3%A8s+de+Zzzyqx",
		"/v1/search?polygon=nope",
		"/v1/search?sort=distance",
		"/v1/search?dept=Aveyron&q=fablab&facets=dept,type",
		"/v1/search?type=fablab&facets=type&limit=1",
		"/v1/search?q=fablab+Rodez&near=Millau&type=coworking&radius=10&limit=1",
		"/v1/search?q=imprimante&limit=1",
		"/v1/search?near=Rodez&sort=distance&limit=3",
		"/v1/search?bbox=2,44,3,45&limit=1&near=Rodez",
		"/v1/geocode?q=", "/v1/geocode?q=Rodez&limit=0", "/v1/geocode?q=Rodez&limit=51", "/v1/geocode?q=Rodez&limit=50",
		"/v1/geocode?q=Rodez&limit=x", "/v1/geocode?q=Rodez&limit=+3",
		"/v1/places/nope", "/v1/places/",
		"/v1/search?near=Aveyron",
	} {
		rec := MustServe(t, s, "GET", u)
		b := rec.Body.String()
		if len(b) > 600 {
			b = b[:600]
		}
		t.Logf("%s -> %d %s", u, rec.Code, b)
	}
}
