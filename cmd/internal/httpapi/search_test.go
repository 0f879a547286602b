package httpapi_test

import (
	"encoding/json"
	"math"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/tierslieux/tierslieux/geo"
	"github.com/tierslieux/tierslieux/index"
)

const headline = "fablab with 3D printing within 30 km of Rodez"

// rodez is Rodez's town centre as the gazetteer has it.
var rodez = struct{ lat, lon float64 }{44.35258, 2.57338}

func searchURL(v url.Values) string { return "/v1/search?" + v.Encode() }

// TestSearchShape checks every documented field of a /v1/search answer,
// and that fields which depend on the query appear only when they apply.
func TestSearchShape(t *testing.T) {
	s := newTestServer(t)
	rec := MustServe(t, s, http.MethodGet, searchURL(url.Values{"q": {headline}, "limit": {"3"}}))
	raw := MustObject(t, rec.Body.Bytes())
	for _, k := range []string{"query", "total", "results", "took_ms"} {
		if _, ok := raw[k]; !ok {
			t.Errorf("answer has no %q: %s", k, rec.Body.Bytes())
		}
	}
	if _, ok := raw["facets"]; ok {
		t.Errorf("facets present without facets=: %s", rec.Body.Bytes())
	}
	q := raw["query"].(map[string]any)
	wantQuery := map[string]any{
		"text": "", "types": []any{"fablab"}, "services": []any{"impression-3d"},
		// The département is said, so homonyms can be told apart.
		"near":      map[string]any{"name": "Rodez", "insee": "12202", "dept": "12", "dept_name": "Aveyron", "lat": rodez.lat, "lon": rodez.lon},
		"radius_km": 30.0, "sort": "distance", "limit": 3.0, "offset": 0.0,
	}
	if !reflect.DeepEqual(q, wantQuery) {
		t.Errorf("query = %v\nwant    %v", q, wantQuery)
	}
	results := raw["results"].([]any)
	if len(results) != 3 {
		t.Fatalf("%d results, want 3", len(results))
	}
	required := map[string]string{"id": "string", "name": "string", "types": "array", "services": "array", "commune": "string",
		"insee": "string", "dept": "string", "lat": "number", "lon": "number", "precision": "string", "demo": "bool", "distance_km": "number"}
	for i, r := range results {
		m := r.(map[string]any)
		for k, kind := range required {
			if got := jsonKind(m[k]); got != kind {
				t.Errorf("results[%d].%s = %v (%s), want a %s", i, k, m[k], got, kind)
			}
		}
		if _, ok := m["score"]; ok {
			t.Errorf("results[%d] has a score without text", i)
		}
	}
	if took, ok := raw["took_ms"].(float64); !ok || took < 0 {
		t.Errorf("took_ms = %v, want a number ≥ 0", raw["took_ms"])
	}

	cases := []struct {
		name      string
		params    url.Values
		distance  bool // results carry distance_km
		score     bool // results carry score
		queryKeys []string
		noKeys    []string
	}{
		{"structured only", url.Values{"type": {"coworking"}}, false, false, []string{"text", "types", "services", "sort", "limit", "offset"}, []string{"near", "radius_km", "bbox", "dept"}},
		{"text only", url.Values{"q": {"imprimante"}}, false, true, []string{"text"}, []string{"near", "radius_km"}},
		{"text near a point", url.Values{"q": {"imprimante"}, "near": {"Rodez"}, "radius": {"100km"}}, true, true, []string{"near", "radius_km"}, nil},
		{"point only", url.Values{"near": {"44.35,2.57"}, "radius": {"20"}}, true, false, []string{"near", "radius_km"}, []string{"bbox"}},
		{"bbox", url.Values{"bbox": {"1.2,43.4,1.6,43.8"}}, false, false, []string{"bbox"}, []string{"near", "radius_km"}},
		{"dept", url.Values{"dept": {"Aveyron"}}, false, false, []string{"dept"}, []string{"near"}},
		{"nearest", url.Values{"near": {"Albi"}, "sort": {"distance"}, "limit": {"5"}}, true, false, []string{"near", "nearest"}, []string{"radius_km"}},
		{"adaptive radius", url.Values{"q": {"coworking près de Millau"}}, true, false, []string{"near", "radius_km", "radius_auto"}, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			rec := MustServe(t, s, http.MethodGet, searchURL(tc.params))
			r := MustSearch(t, rec)
			raw := MustObject(t, rec.Body.Bytes())
			q := raw["query"].(map[string]any)
			for _, k := range tc.queryKeys {
				if _, ok := q[k]; !ok {
					t.Errorf("query has no %q: %v", k, q)
				}
			}
			for _, k := range tc.noKeys {
				if _, ok := q[k]; ok {
					t.Errorf("query has %q: %v", k, q)
				}
			}
			if len(r.Results) == 0 {
				t.Fatalf("no results: %s", rec.Body.Bytes())
			}
			for i, res := range r.Results {
				if (res.DistanceKM != nil) != tc.distance {
					t.Errorf("results[%d].distance_km = %v, want present %v", i, res.DistanceKM, tc.distance)
				}
				if (res.Score != nil) != tc.score {
					t.Errorf("results[%d].score = %v, want present %v", i, res.Score, tc.score)
				}
				if res.Types == nil || res.Services == nil {
					t.Errorf("results[%d]: types %v, services %v; want arrays, never null", i, res.Types, res.Services)
				}
			}
			if r.Total < len(r.Results) {
				t.Errorf("total %d < %d results", r.Total, len(r.Results))
			}
		})
	}
}

func jsonKind(v any) string {
	switch v.(type) {
	case string:
		return "string"
	case float64:
		return "number"
	case bool:
		return "bool"
	case []any:
		return "array"
	case map[string]any:
		return "object"
	case nil:
		return "null"
	}
	return "?"
}

// TestSearchHeadline checks the headline query against the demo data
// itself: every fablab offering 3D printing within 30 km of Rodez, and
// nothing else, nearest first.
func TestSearchHeadline(t *testing.T) {
	s := newTestServer(t)
	r := MustSearch(t, MustServe(t, s, http.MethodGet, searchURL(url.Values{"q": {headline}})))
	if r.Total != 6 || len(r.Results) != 6 {
		t.Fatalf("total %d, %d results; want 6", r.Total, len(r.Results))
	}
	var want []string
	for _, p := range MustCatalog(t).Places() {
		if slices.Contains(p.Types, "fablab") && slices.Contains(p.Services, "impression-3d") &&
			geo.Distance(rodez.lon, rodez.lat, p.Lon, p.Lat) <= 30_000 {
			want = append(want, p.ID)
		}
	}
	var got []string
	prev := -1.0
	for i, res := range r.Results {
		got = append(got, res.ID)
		if !slices.Contains(res.Types, "fablab") || !slices.Contains(res.Services, "impression-3d") {
			t.Errorf("results[%d] %s: types %v, services %v", i, res.ID, res.Types, res.Services)
		}
		if res.DistanceKM == nil {
			t.Fatalf("results[%d] %s has no distance_km", i, res.ID)
		}
		d := *res.DistanceKM
		if d > 30 || d < prev {
			t.Errorf("results[%d] %s at %.3f km after %.3f km: want ≤ 30 km, nearest first", i, res.ID, d, prev)
		}
		if exact := geo.Distance(rodez.lon, rodez.lat, res.Lon, res.Lat) / 1000; math.Abs(exact-d) > 0.001 {
			t.Errorf("results[%d] %s: distance_km %.3f, the point is %.4f km away", i, res.ID, d, exact)
		}
		prev = d
	}
	sort.Strings(got)
	sort.Strings(want)
	if !slices.Equal(got, want) {
		t.Errorf("results %v, want %v", got, want)
	}
	if r.Results[0].ID != "tlo-008" {
		t.Errorf("first result %s, want tlo-008 (L'Établi Ruthénois, 0.194 km)", r.Results[0].ID)
	}
}

// TestSearchOverrides checks that each explicit parameter replaces what
// q says about it and keeps the rest.
func TestSearchOverrides(t *testing.T) {
	s := newTestServer(t)
	cases := []struct {
		name  string
		extra url.Values
		check func(tb testing.TB, r searchResponse)
	}{
		{"type", url.Values{"type": {"coworking"}}, func(tb testing.TB, r searchResponse) {
			if !slices.Equal(r.Query.Types, []string{"coworking"}) || !slices.Equal(r.Query.Services, []string{"impression-3d"}) {
				tb.Errorf("types %v, services %v; want [coworking] and q's [impression-3d]", r.Query.Types, r.Query.Services)
			}
			for _, res := range r.Results {
				if !slices.Contains(res.Types, "coworking") {
					tb.Errorf("%s: types %v, want coworking", res.ID, res.Types)
				}
			}
		}},
		{"types comma and repeated", url.Values{"type": {"coworking,fablab", "mediation-numerique"}}, func(tb testing.TB, r searchResponse) {
			if !slices.Equal(r.Query.Types, []string{"coworking", "fablab", "mediation-numerique"}) {
				tb.Errorf("types %v", r.Query.Types)
			}
		}},
		{"service", url.Values{"service": {"decoupe-laser"}}, func(tb testing.TB, r searchResponse) {
			if !slices.Equal(r.Query.Services, []string{"decoupe-laser"}) {
				tb.Errorf("services %v, want [decoupe-laser]", r.Query.Services)
			}
			for _, res := range r.Results {
				if !slices.Contains(res.Services, "decoupe-laser") {
					tb.Errorf("%s: services %v, want decoupe-laser", res.ID, res.Services)
				}
			}
		}},
		{"near", url.Values{"near": {"Millau"}}, func(tb testing.TB, r searchResponse) {
			if r.Query.Near == nil || r.Query.Near.INSEE != "12145" || r.Query.RadiusKM == nil || *r.Query.RadiusKM != 30 {
				tb.Errorf("near %+v, radius %v; want Millau 12145 and q's 30 km", r.Query.Near, r.Query.RadiusKM)
			}
			for _, res := range r.Results {
				if *res.DistanceKM > 30 {
					tb.Errorf("%s at %.1f km of Millau", res.ID, *res.DistanceKM)
				}
			}
		}},
		{"near lat,lon", url.Values{"near": {"43.6045,1.4442"}}, func(tb testing.TB, r searchResponse) {
			if r.Query.Near == nil || r.Query.Near.Lat != 43.6045 || r.Query.Near.Lon != 1.4442 || r.Query.Near.INSEE != "" {
				tb.Errorf("near %+v, want the point 43.6045,1.4442", r.Query.Near)
			}
		}},
		{"radius", url.Values{"radius": {"10km"}}, func(tb testing.TB, r searchResponse) {
			if r.Query.RadiusKM == nil || *r.Query.RadiusKM != 10 || r.Query.Near == nil || r.Query.Near.INSEE != "12202" {
				tb.Errorf("radius %v near %+v; want 10 km of q's Rodez", r.Query.RadiusKM, r.Query.Near)
			}
			if r.Total != 2 {
				tb.Errorf("total %d, want the 2 of the headline's 6 within 10 km", r.Total)
			}
		}},
		{"radius in metres", url.Values{"radius": {"500m"}}, func(tb testing.TB, r searchResponse) {
			if r.Query.RadiusKM == nil || *r.Query.RadiusKM != 0.5 || r.Total != 1 {
				tb.Errorf("radius %v, total %d; want 0.5 km and 1 place", r.Query.RadiusKM, r.Total)
			}
		}},
		{"sort", url.Values{"sort": {"relevance"}}, func(tb testing.TB, r searchResponse) {
			if r.Query.Sort != "relevance" || r.Total != 6 {
				tb.Errorf("sort %q, total %d; want relevance, 6", r.Query.Sort, r.Total)
			}
		}},
		{"limit and offset", url.Values{"limit": {"2"}, "offset": {"1"}}, func(tb testing.TB, r searchResponse) {
			if r.Query.Limit != 2 || r.Query.Offset != 1 || r.Total != 6 || len(r.Results) != 2 || r.Results[0].ID != "tlo-009" {
				tb.Errorf("limit %d offset %d total %d results %d; want 2, 1, 6 and the second nearest first", r.Query.Limit, r.Query.Offset, r.Total, len(r.Results))
			}
		}},
		{"offset past the end", url.Values{"offset": {"50"}}, func(tb testing.TB, r searchResponse) {
			if r.Total != 6 || r.Results == nil || len(r.Results) != 0 {
				tb.Errorf("total %d, results %v; want 6 and an empty list, not null", r.Total, r.Results)
			}
		}},
		{"dept", url.Values{"dept": {"81"}}, func(tb testing.TB, r searchResponse) {
			if r.Query.Dept != "81" || r.Total != 0 {
				tb.Errorf("dept %q total %d; want 81 and nothing in the Tarn within 30 km of Rodez", r.Query.Dept, r.Total)
			}
		}},
		{"demo", url.Values{"demo": {"false"}}, func(tb testing.TB, r searchResponse) {
			for _, res := range r.Results {
				if res.Demo {
					tb.Errorf("%s is a demo place", res.ID)
				}
			}
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			v := url.Values{"q": {headline}}
			for k, vs := range tc.extra {
				v[k] = vs
			}
			tc.check(t, MustSearch(t, MustServe(t, s, http.MethodGet, searchURL(v))))
		})
	}
}

// MustAll pages through a search and returns every result.
func MustAll(tb testing.TB, h http.Handler, v url.Values) []result {
	tb.Helper()
	var all []result
	for offset := 0; ; offset += 100 {
		p := url.Values{}
		for k, vs := range v {
			p[k] = vs
		}
		p.Set("limit", "100")
		p.Set("offset", itoa(offset))
		r := MustSearch(tb, MustServe(tb, h, http.MethodGet, searchURL(p)))
		all = append(all, r.Results...)
		if len(all) >= r.Total || len(r.Results) == 0 {
			if len(all) != r.Total {
				tb.Fatalf("paging %v: %d results for a total of %d", v, len(all), r.Total)
			}
			return all
		}
	}
}

func itoa(n int) string { b, _ := json.Marshal(n); return string(b) }

// tally counts a facet's values over results.
func tally(facet string, rs []result) map[string]int {
	m := map[string]int{}
	for _, r := range rs {
		switch facet {
		case "type":
			for _, v := range r.Types {
				m[v]++
			}
		case "service":
			for _, v := range r.Services {
				m[v]++
			}
		case "dept":
			m[r.Dept]++
		}
	}
	return m
}

// TestSearchFacets checks that each facet counts the matches of the
// query without that facet's own filter: the same as the values of every
// result of the query with that filter removed.
func TestSearchFacets(t *testing.T) {
	s := newTestServer(t)
	cases := []struct {
		name   string
		params url.Values
		own    map[string]string // facet → the parameter that filters it
	}{
		{"filters and radius", url.Values{"type": {"fablab"}, "service": {"impression-3d"}, "near": {"Rodez"}, "radius": {"100km"}},
			map[string]string{"type": "type", "service": "service", "dept": "dept"}},
		{"filters, no geography", url.Values{"type": {"fablab"}, "dept": {"12"}},
			map[string]string{"type": "type", "service": "service", "dept": "dept"}},
		{"text and type", url.Values{"q": {"imprimante"}, "type": {"fablab"}},
			map[string]string{"type": "type", "service": "service", "dept": "dept"}},
		{"bbox and service", url.Values{"bbox": {"0,42,4,45"}, "service": {"wifi"}},
			map[string]string{"type": "type", "service": "service", "dept": "dept"}},
		{"headline", url.Values{"q": {headline}}, map[string]string{"type": "type", "service": "service", "dept": "dept"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			v := url.Values{"facets": {"type,service,dept"}}
			for k, vs := range tc.params {
				v[k] = vs
			}
			r := MustSearch(t, MustServe(t, s, http.MethodGet, searchURL(v)))
			if len(r.Facets) != 3 {
				t.Fatalf("facets %v, want type, service and dept", r.Facets)
			}
			for facet, param := range tc.own {
				// The query as the server understood it, without this
				// facet's filter, as explicit parameters.
				without := explicit(r)
				without.Del(param)
				want := tally(facet, MustAll(t, s, without))
				if got := r.Facets[facet]; !reflect.DeepEqual(got, want) && !(len(got) == 0 && len(want) == 0) {
					t.Errorf("facet %s = %v\nwant (without its filter, %v) %v", facet, got, without, want)
				}
			}
		})
	}
}

// explicit turns a query as the server understood it back into explicit
// parameters.
func explicit(r searchResponse) url.Values {
	v := url.Values{}
	q := r.Query
	if q.Text != "" {
		v.Set("q", q.Text)
	}
	if len(q.Types) > 0 {
		v["type"] = q.Types
	}
	if len(q.Services) > 0 {
		v["service"] = q.Services
	}
	if q.Dept != "" {
		v.Set("dept", q.Dept)
	}
	if q.Near != nil {
		v.Set("near", fmtFloat(q.Near.Lat)+","+fmtFloat(q.Near.Lon))
	}
	if q.RadiusKM != nil {
		v.Set("radius", fmtFloat(*q.RadiusKM)+"km")
	}
	if len(q.BBox) == 4 {
		parts := make([]string, 4)
		for i, f := range q.BBox {
			parts[i] = fmtFloat(f)
		}
		v.Set("bbox", strings.Join(parts, ","))
	}
	return v
}

func fmtFloat(f float64) string { b, _ := json.Marshal(f); return string(b) }

// TestSearchGeoJSON checks format=geojson against the JSON answer to the
// same query: an RFC 7946 FeatureCollection whose features carry the
// results as properties and their points as [lon, lat].
func TestSearchGeoJSON(t *testing.T) {
	s := newTestServer(t)
	for _, tc := range []struct {
		name   string
		params url.Values
	}{
		{"headline", url.Values{"q": {headline}}},
		{"text with facets", url.Values{"q": {"imprimante"}, "facets": {"type"}}},
		{"bbox", url.Values{"bbox": {"1.2,43.4,1.6,43.8"}, "limit": {"100"}}},
		{"nothing found", url.Values{"type": {"fablab"}, "dept": {"75"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			js := MustServe(t, s, http.MethodGet, searchURL(tc.params))
			tc.params.Set("format", "geojson")
			gj := MustServe(t, s, http.MethodGet, searchURL(tc.params))
			if gj.Code != http.StatusOK {
				t.Fatalf("status %d: %s", gj.Code, gj.Body.Bytes())
			}
			if mt := MustMediaType(t, gj.Header()); mt != "application/geo+json" {
				t.Errorf("Content-Type %q, want application/geo+json", mt)
			}
			j, g := MustObject(t, js.Body.Bytes()), MustObject(t, gj.Body.Bytes())
			if g["type"] != "FeatureCollection" {
				t.Errorf("type %v, want FeatureCollection", g["type"])
			}
			for _, k := range []string{"query", "total", "facets"} {
				if !reflect.DeepEqual(g[k], j[k]) {
					t.Errorf("foreign member %s = %v, JSON answer has %v", k, g[k], j[k])
				}
			}
			if _, ok := g["results"]; ok {
				t.Error("GeoJSON answer has results beside features")
			}
			features, ok := g["features"].([]any)
			if !ok {
				t.Fatalf("features = %v, want an array", g["features"])
			}
			results := j["results"].([]any)
			if len(features) != len(results) {
				t.Fatalf("%d features, %d results", len(features), len(results))
			}
			for i, f := range features {
				checkFeature(t, i, f.(map[string]any), results[i].(map[string]any))
			}
		})
	}
}

func checkFeature(tb testing.TB, i int, f, res map[string]any) {
	tb.Helper()
	if f["type"] != "Feature" {
		tb.Errorf("features[%d].type = %v", i, f["type"])
	}
	if f["id"] != res["id"] {
		tb.Errorf("features[%d].id = %v, want %v", i, f["id"], res["id"])
	}
	geom, _ := f["geometry"].(map[string]any)
	if geom["type"] != "Point" {
		tb.Errorf("features[%d].geometry = %v, want a Point", i, f["geometry"])
	}
	coords, _ := geom["coordinates"].([]any)
	props, _ := f["properties"].(map[string]any)
	if len(coords) != 2 || coords[0] != props["lon"] || coords[1] != props["lat"] {
		tb.Errorf("features[%d] coordinates %v, properties lon %v lat %v: want [lon, lat]", i, coords, props["lon"], props["lat"])
	}
	if !reflect.DeepEqual(props, res) {
		tb.Errorf("features[%d].properties = %v\nwant the JSON result %v", i, props, res)
	}
}

// TestSearchQueryEncoding checks parameters that need decoding: accents,
// plus signs, percent escapes, repeated keys.
func TestSearchQueryEncoding(t *testing.T) {
	s := newTestServer(t)
	runRoutes(t, s, []routeCase{
		{"accented q", http.MethodGet, "/v1/search?q=coworking+pr%C3%A8s+de+Millau", http.StatusOK, func(tb testing.TB, rec *httptest.ResponseRecorder) {
			r := MustSearch(tb, rec)
			if r.Query.Near == nil || r.Query.Near.INSEE != "12145" || !r.Query.RadiusAuto {
				tb.Errorf("near %+v, radius_auto %v; want Millau with an adaptive radius", r.Query.Near, r.Query.RadiusAuto)
			}
		}},
		{"raw UTF-8 q", http.MethodGet, "/v1/search?q=fablab%20%C3%A0%20Albi", http.StatusOK, nil},
		{"dept by name", http.MethodGet, "/v1/search?dept=Tarn", http.StatusOK, func(tb testing.TB, rec *httptest.ResponseRecorder) {
			if r := MustSearch(tb, rec); r.Query.Dept != "81" || r.Total == 0 {
				tb.Errorf("dept %q total %d, want 81 and some places", r.Query.Dept, r.Total)
			}
		}},
		{"service synonym", http.MethodGet, "/v1/search?service=3D+printing", http.StatusOK, func(tb testing.TB, rec *httptest.ResponseRecorder) {
			if r := MustSearch(tb, rec); !slices.Equal(r.Query.Services, []string{"impression-3d"}) {
				tb.Errorf("services %v, want [impression-3d]", r.Query.Services)
			}
		}},
		{"polygon", http.MethodGet, "/v1/search?polygon=" + url.QueryEscape(`{"type":"Polygon","coordinates":[[[2,44],[3,44],[3,45],[2,45],[2,44]]]}`), http.StatusOK, func(tb testing.TB, rec *httptest.ResponseRecorder) {
			r := MustSearch(tb, rec)
			if !r.Query.Polygon || r.Total == 0 {
				tb.Errorf("polygon %v total %d", r.Query.Polygon, r.Total)
			}
			for _, res := range r.Results {
				if res.Lon < 2 || res.Lon > 3 || res.Lat < 44 || res.Lat > 45 {
					tb.Errorf("%s at %g,%g is outside the polygon", res.ID, res.Lat, res.Lon)
				}
			}
		}},
		{"bad escape", http.MethodGet, "/v1/search?q=%zz", http.StatusBadRequest, func(tb testing.TB, rec *httptest.ResponseRecorder) {
			if e := MustError(tb, rec, http.StatusBadRequest, index.CodeInvalid); e.Error.Param != "q" {
				tb.Errorf("param %q, want q", e.Error.Param)
			}
		}},
	})
}
