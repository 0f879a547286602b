package search_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/tierslieux/tierslieux/cmd/internal/catalog"
	"github.com/tierslieux/tierslieux/cmd/internal/search"
	"github.com/tierslieux/tierslieux/geo/gazetteer"
)

// A box of about 0.5° by 0.35° around Toulouse, and a square polygon
// inside it.
const (
	toulouseBBox    = "1.19,43.43,1.69,43.78"
	toulousePolygon = `{"type":"Polygon","coordinates":[[[1.3,43.5],[1.6,43.5],[1.6,43.7],[1.3,43.7],[1.3,43.5]]]}`
)

func TestBuild(t *testing.T) {
	e := MustDemoEngine(t)
	for _, tc := range []struct {
		name string
		p    search.Params
		want string // Query.String()
		// check, when set, looks at what String does not show.
		check func(t *testing.T, q search.Query)
	}{
		{name: "q alone", p: search.Params{Q: "fablab with 3D printing within 30 km of Rodez"},
			want: "type=fablab service=impression-3d near=" + inseeRodez + " radius=30km",
			check: func(t *testing.T, q search.Query) {
				if q.Limit != search.DefaultLimit || q.Offset != 0 || q.Facets != nil || q.Demo != nil {
					t.Errorf("limit %d offset %d facets %v demo %v, want defaults", q.Limit, q.Offset, q.Facets, q.Demo)
				}
			}},
		{name: "nothing", p: search.Params{}, want: ""},
		{name: "blank q", p: search.Params{Q: "   "}, want: ""},
		{name: "only stop words", p: search.Params{Q: "the of"}, want: ""},

		// Explicit parameters replace what q says.
		{name: "type overrides q", p: search.Params{Q: "fablab près de Rodez", Types: []string{"coworking"}},
			want: "type=coworking near=" + inseeRodez + " radius=auto"},
		{name: "type by labels and synonyms", p: search.Params{Types: []string{"Fab Lab", "makerspace"}}, want: "type=fablab"},
		{name: "types comma-separated", p: search.Params{Types: []string{"coworking, fablab", "Médiation numérique"}},
			want: "type=coworking,fablab,mediation-numerique"},
		{name: "service overrides q", p: search.Params{Q: "fablab with 3D printing", Services: []string{"découpe laser"}},
			want: "type=fablab service=decoupe-laser"},
		{name: "services by synonyms", p: search.Params{Services: []string{"wifi", "fibre optique,visio"}},
			want: "service=wifi,fibre,visioconference"},
		{name: "dept by code", p: search.Params{Dept: "12"}, want: "dept=12"},
		{name: "dept by name", p: search.Params{Dept: "Aveyron"}, want: "dept=12"},
		{name: "dept by lower-case name", p: search.Params{Dept: "haute-garonne"}, want: "dept=31"},
		{name: "dept Corsica code", p: search.Params{Dept: "2A"}, want: "dept=2A"},
		{name: "dept Corsica name", p: search.Params{Dept: "Corse-du-Sud"}, want: "dept=2A"},
		{name: "dept overrides q", p: search.Params{Q: "médiation numérique dans le Gers", Dept: "Tarn"},
			want: "type=mediation-numerique dept=81"},
		{name: "near by name", p: search.Params{Near: "Rodez"}, want: "near=" + inseeRodez + " radius=auto"},
		{name: "near abbreviated saint", p: search.Params{Near: "St Affrique"}, want: "near=" + inseeStAffrique + " radius=auto"},
		{name: "near by lat,lon", p: search.Params{Near: "43.6,1.44"}, want: "near=43.6000,1.4400 radius=auto",
			check: func(t *testing.T, q search.Query) {
				if q.Near.Lat != 43.6 || q.Near.Lon != 1.44 || q.Near.INSEE != "" {
					t.Errorf("near = %+v, want lat 43.6 lon 1.44 and no INSEE", q.Near)
				}
			}},
		{name: "near lat, lon with spaces", p: search.Params{Near: " 43.6 , 1.44 "}, want: "near=43.6000,1.4400 radius=auto"},
		{name: "near overrides q's place", p: search.Params{Q: "coworking près de Millau", Near: "Albi"},
			want: "type=coworking near=" + inseeAlbi + " radius=auto"},
		{name: "near keeps q's distance", p: search.Params{Q: "fablab within 30 km of Rodez", Near: "Albi"},
			want: "type=fablab near=" + inseeAlbi + " radius=30km"},
		{name: "radius 30km", p: search.Params{Near: "Rodez", Radius: "30km"}, want: "near=" + inseeRodez + " radius=30km"},
		{name: "radius 500m", p: search.Params{Near: "Rodez", Radius: "500m"}, want: "near=" + inseeRodez + " radius=500m"},
		{name: "radius bare number is km", p: search.Params{Near: "Rodez", Radius: "30"}, want: "near=" + inseeRodez + " radius=30km"},
		{name: "radius decimal comma", p: search.Params{Near: "Rodez", Radius: "2,5 km"}, want: "near=" + inseeRodez + " radius=2500m"},
		{name: "radius miles", p: search.Params{Near: "Rodez", Radius: "10mi"}, want: "near=" + inseeRodez + " radius=16093.44m"},
		{name: "radius at the maximum", p: search.Params{Near: "Rodez", Radius: "1000km"}, want: "near=" + inseeRodez + " radius=1000km"},
		{name: "radius overrides q's", p: search.Params{Q: "fablab within 30 km of Rodez", Radius: "10km"},
			want: "type=fablab near=" + inseeRodez + " radius=10km"},
		{name: "radius overrides q's nearest", p: search.Params{Q: "nearest coworking to Rodez", Radius: "10km"},
			want: "type=coworking near=" + inseeRodez + " radius=10km"},
		{name: "radius with q's place", p: search.Params{Q: "coworking près de Millau", Radius: "5km"},
			want: "type=coworking near=" + inseeMillau + " radius=5km"},

		// How a point without a radius is read.
		{name: "near alone adapts", p: search.Params{Near: "Toulouse"}, want: "near=" + inseeToulouse + " radius=auto"},
		{name: "near sorted by distance is nearest", p: search.Params{Near: "Rodez", Sort: "distance"},
			want: "near=" + inseeRodez + " nearest=true sort=distance"},
		{name: "q's place sorted by distance is nearest", p: search.Params{Q: "coworking près de Millau", Sort: "distance"},
			want: "type=coworking near=" + inseeMillau + " nearest=true sort=distance"},
		{name: "near sorted by relevance adapts", p: search.Params{Near: "Rodez", Sort: "relevance"},
			want: "near=" + inseeRodez + " radius=auto sort=relevance"},
		{name: "q's nearest stays nearest", p: search.Params{Q: "nearest coworking to Rodez", Sort: "relevance"},
			want: "type=coworking near=" + inseeRodez + " nearest=true sort=relevance"},
		{name: "near with bbox only measures", p: search.Params{Near: "Toulouse", BBox: toulouseBBox},
			want: "near=" + inseeToulouse + " bbox=" + toulouseBBox},
		{name: "q's place with bbox only measures", p: search.Params{Q: "coworking près de Toulouse", BBox: toulouseBBox},
			want: "type=coworking near=" + inseeToulouse + " bbox=" + toulouseBBox},
		{name: "near with polygon only measures", p: search.Params{Near: "Toulouse", Polygon: toulousePolygon},
			want: "near=" + inseeToulouse + " polygon=5pts"},
		{name: "near, radius and bbox", p: search.Params{Near: "Toulouse", Radius: "10km", BBox: toulouseBBox},
			want: "near=" + inseeToulouse + " radius=10km bbox=" + toulouseBBox},
		{name: "bbox alone", p: search.Params{BBox: toulouseBBox}, want: "bbox=" + toulouseBBox},
		{name: "bbox with spaces", p: search.Params{BBox: " 1.19, 43.43 ,1.69 , 43.78"}, want: "bbox=" + toulouseBBox},
		{name: "bbox across the antimeridian", p: search.Params{BBox: "170,-10,-170,10"}, want: "bbox=170,-10,-170,10"},
		{name: "polygon alone", p: search.Params{Polygon: toulousePolygon}, want: "polygon=5pts"},

		// Paging, facets, demo.
		{name: "limit and offset", p: search.Params{Limit: " 50 ", Offset: "10000"}, want: "",
			check: func(t *testing.T, q search.Query) {
				if q.Limit != 50 || q.Offset != search.MaxOffset {
					t.Errorf("limit %d offset %d, want 50 %d", q.Limit, q.Offset, search.MaxOffset)
				}
			}},
		{name: "limit bounds", p: search.Params{Limit: "100", Offset: "0"}, want: "",
			check: func(t *testing.T, q search.Query) {
				if q.Limit != search.MaxLimit || q.Offset != 0 {
					t.Errorf("limit %d offset %d, want %d 0", q.Limit, q.Offset, search.MaxLimit)
				}
			}},
		{name: "facets", p: search.Params{Facets: "dept, type,service,type,"}, want: "",
			check: func(t *testing.T, q search.Query) {
				if want := []string{"dept", "type", "service"}; !slices.Equal(q.Facets, want) {
					t.Errorf("facets %q, want %q", q.Facets, want)
				}
			}},
		{name: "demo true", p: search.Params{Demo: "true"}, want: "demo=true"},
		{name: "demo false", p: search.Params{Demo: "false"}, want: "demo=false"},
		{name: "demo 1", p: search.Params{Demo: "1"}, want: "demo=true"},
		{name: "sort distance with near", p: search.Params{Near: "Rodez", Radius: "20km", Sort: "distance"},
			want: "near=" + inseeRodez + " radius=20km sort=distance"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			q, err := e.Build(tc.p)
			if err != nil {
				t.Fatalf("Build(%+v): %v", tc.p, err)
			}
			if got := q.String(); got != tc.want {
				t.Errorf("Build(%+v)\n got %s\nwant %s", tc.p, got, tc.want)
			}
			if tc.check != nil {
				tc.check(t, q)
			}
		})
	}
}

// buildErrorCases are parameters Build must refuse, with the parameter
// and code the error must give.
var buildErrorCases = []struct {
	name    string
	p       search.Params
	param   string
	code    string
	suggest string // one of the suggestions, when set
}{
	// radius
	{name: "radius negative", p: search.Params{Near: "Rodez", Radius: "-5km"}, param: "radius", code: search.CodeOutOfRange},
	{name: "radius zero", p: search.Params{Near: "Rodez", Radius: "0"}, param: "radius", code: search.CodeOutOfRange},
	{name: "radius above 1000 km", p: search.Params{Near: "Rodez", Radius: "1001km"}, param: "radius", code: search.CodeOutOfRange},
	{name: "radius beyond half the Earth", p: search.Params{Near: "Rodez", Radius: "30000km"}, param: "radius", code: search.CodeOutOfRange},
	{name: "radius text", p: search.Params{Near: "Rodez", Radius: "far"}, param: "radius", code: search.CodeInvalid},
	{name: "radius unknown unit", p: search.Params{Near: "Rodez", Radius: "30 parsecs"}, param: "radius", code: search.CodeInvalid},
	{name: "radius NaN", p: search.Params{Near: "Rodez", Radius: "NaN"}, param: "radius", code: search.CodeInvalid},
	{name: "radius hex float", p: search.Params{Near: "Rodez", Radius: "0x1p4"}, param: "radius", code: search.CodeInvalid},
	{name: "radius without near", p: search.Params{Radius: "10km"}, param: "radius", code: search.CodeInvalid},
	{name: "radius with q but no place", p: search.Params{Q: "coworking", Radius: "10km"}, param: "radius", code: search.CodeInvalid},
	{name: "radius with bbox but no near", p: search.Params{BBox: toulouseBBox, Radius: "10km"}, param: "radius", code: search.CodeInvalid},

	// near
	{name: "near latitude out of range", p: search.Params{Near: "95,1.44"}, param: "near", code: search.CodeOutOfRange},
	{name: "near longitude out of range", p: search.Params{Near: "43.6,181"}, param: "near", code: search.CodeOutOfRange},
	{name: "near NaN", p: search.Params{Near: "NaN,1"}, param: "near", code: search.CodeOutOfRange},
	{name: "near misspelt", p: search.Params{Near: "Rodex"}, param: "near", code: search.CodeUnknownPlace, suggest: "Rodez (12)"},
	{name: "near unknown", p: search.Params{Near: "Xyzville"}, param: "near", code: search.CodeUnknownPlace},
	{name: "near three numbers", p: search.Params{Near: "43.6,1.44,3"}, param: "near", code: search.CodeUnknownPlace},
	{name: "near a département", p: search.Params{Near: "Aveyron"}, param: "near", code: search.CodeInvalid},
	{name: "near a région", p: search.Params{Near: "Occitanie"}, param: "near", code: search.CodeInvalid},

	// bbox
	{name: "bbox three numbers", p: search.Params{BBox: "1,43,2"}, param: "bbox", code: search.CodeInvalid},
	{name: "bbox five numbers", p: search.Params{BBox: "1,43,2,44,5"}, param: "bbox", code: search.CodeInvalid},
	{name: "bbox text", p: search.Params{BBox: "a,b,c,d"}, param: "bbox", code: search.CodeInvalid},
	{name: "bbox minLat above maxLat", p: search.Params{BBox: "1.19,43.78,1.69,43.43"}, param: "bbox", code: search.CodeInvalid},
	{name: "bbox latitude out of range", p: search.Params{BBox: "1,43,2,95"}, param: "bbox", code: search.CodeOutOfRange},
	{name: "bbox longitude out of range", p: search.Params{BBox: "200,0,210,1"}, param: "bbox", code: search.CodeOutOfRange},
	{name: "bbox NaN", p: search.Params{BBox: "NaN,43,2,44"}, param: "bbox", code: search.CodeOutOfRange},

	// polygon
	{name: "polygon not JSON", p: search.Params{Polygon: "not json"}, param: "polygon", code: search.CodeInvalid},
	{name: "polygon empty object", p: search.Params{Polygon: "{}"}, param: "polygon", code: search.CodeInvalid},
	{name: "polygon a point", p: search.Params{Polygon: `{"type":"Point","coordinates":[1,43]}`}, param: "polygon", code: search.CodeInvalid},
	{name: "polygon no rings", p: search.Params{Polygon: `{"type":"Polygon","coordinates":[]}`}, param: "polygon", code: search.CodeInvalid},
	{name: "polygon three positions", p: search.Params{Polygon: `{"type":"Polygon","coordinates":[[[1,43],[2,43],[1,43]]]}`}, param: "polygon", code: search.CodeInvalid},
	{name: "polygon out of range", p: search.Params{Polygon: `{"type":"Polygon","coordinates":[[[1,43],[2,43],[2,95],[1,43]]]}`}, param: "polygon", code: search.CodeOutOfRange},
	// parsePolygon's own message says the last position must equal the first.
	{name: "polygon ring not closed", p: search.Params{Polygon: `{"type":"Polygon","coordinates":[[[1,43],[2,43],[2,44],[1,44]]]}`}, param: "polygon", code: search.CodeInvalid},
	{name: "polygon too long", p: search.Params{Polygon: `{"type":"Polygon","coordinates":[[` + strings.Repeat("[1,43],", 10000) + `[1,43]]]}`}, param: "polygon", code: search.CodeTooLong},

	// limit, offset
	{name: "limit 0", p: search.Params{Limit: "0"}, param: "limit", code: search.CodeOutOfRange},
	{name: "limit 101", p: search.Params{Limit: "101"}, param: "limit", code: search.CodeOutOfRange},
	{name: "limit negative", p: search.Params{Limit: "-1"}, param: "limit", code: search.CodeOutOfRange},
	{name: "limit abc", p: search.Params{Limit: "abc"}, param: "limit", code: search.CodeInvalid},
	{name: "limit decimal", p: search.Params{Limit: "1.5"}, param: "limit", code: search.CodeInvalid},
	{name: "offset -1", p: search.Params{Offset: "-1"}, param: "offset", code: search.CodeOutOfRange},
	{name: "offset beyond the maximum", p: search.Params{Offset: "10001"}, param: "offset", code: search.CodeOutOfRange},
	{name: "offset text", p: search.Params{Offset: "x"}, param: "offset", code: search.CodeInvalid},

	// vocabulary
	{name: "unknown type", p: search.Params{Types: []string{"bakery"}}, param: "type", code: search.CodeUnknownType},
	{name: "unknown type in a list", p: search.Params{Types: []string{"coworking,bakery"}}, param: "type", code: search.CodeUnknownType},
	{name: "service given as type", p: search.Params{Types: []string{"impression 3D"}}, param: "type", code: search.CodeUnknownType},
	{name: "unknown service", p: search.Params{Services: []string{"jacuzzi"}}, param: "service", code: search.CodeUnknownService},
	{name: "type given as service", p: search.Params{Services: []string{"fablab"}}, param: "service", code: search.CodeUnknownService},

	// dept
	{name: "dept unknown code", p: search.Params{Dept: "99"}, param: "dept", code: search.CodeInvalid},
	{name: "dept a commune", p: search.Params{Dept: "Toulouse"}, param: "dept", code: search.CodeInvalid},
	{name: "dept a région", p: search.Params{Dept: "Occitanie"}, param: "dept", code: search.CodeInvalid},
	{name: "dept unknown name", p: search.Params{Dept: "Xyzshire"}, param: "dept", code: search.CodeInvalid},

	// sort, facets, demo
	{name: "sort unknown", p: search.Params{Sort: "name"}, param: "sort", code: search.CodeInvalid},
	{name: "sort upper case", p: search.Params{Sort: "Distance"}, param: "sort", code: search.CodeInvalid},
	{name: "sort internal decay", p: search.Params{Sort: search.SortDecay}, param: "sort", code: search.CodeInvalid},
	{name: "facets region", p: search.Params{Facets: "region"}, param: "facets", code: search.CodeInvalid},
	{name: "facets unknown in a list", p: search.Params{Facets: "type,colour"}, param: "facets", code: search.CodeInvalid},
	{name: "demo yes", p: search.Params{Demo: "yes"}, param: "demo", code: search.CodeInvalid},
	{name: "demo maybe", p: search.Params{Demo: "maybe"}, param: "demo", code: search.CodeInvalid},

	// q
	{name: "q misspelt place", p: search.Params{Q: "coworking près de Rodex"}, param: "q", code: search.CodeUnknownPlace, suggest: "Rodez (12)"},
	{name: "q too long", p: search.Params{Q: strings.Repeat("coworking ", 31)}, param: "q", code: search.CodeTooLong},
	{name: "q distance without a place", p: search.Params{Q: "coworking within 30 km"}, param: "q", code: search.CodeUnknownPlace},
	// The distance came from q: the error must not blame a radius
	// parameter the caller did not send (see TestParse).
	{name: "q radius beyond the maximum", p: search.Params{Q: "coworking within 2000 km of Rodez"}, param: "q", code: search.CodeOutOfRange},
}

// tooLongCases: every parameter but q and polygon is bounded at 200
// bytes, q at MaxQueryLen.
func tooLongCases() []struct {
	name string
	p    search.Params
} {
	long := strings.Repeat("1", 201)
	return []struct {
		name string
		p    search.Params
	}{
		{"dept", search.Params{Dept: long}},
		{"near", search.Params{Near: long}},
		{"radius", search.Params{Radius: long}},
		{"bbox", search.Params{BBox: long}},
		{"sort", search.Params{Sort: long}},
		{"limit", search.Params{Limit: long}},
		{"offset", search.Params{Offset: long}},
		{"facets", search.Params{Facets: long}},
		{"demo", search.Params{Demo: long}},
		{"q", search.Params{Q: strings.Repeat("a", search.MaxQueryLen+1)}},
	}
}

func TestBuildErrors(t *testing.T) {
	e := MustDemoEngine(t)
	for _, tc := range buildErrorCases {
		t.Run(tc.name, func(t *testing.T) {
			MustBuildError(t, e, tc.p, tc.param, tc.code, tc.suggest)
		})
	}
	for _, tc := range tooLongCases() {
		t.Run("too long "+tc.name, func(t *testing.T) {
			MustBuildError(t, e, tc.p, tc.name, search.CodeTooLong, "")
		})
	}
}

// MustBuildError checks that Build refuses p with an *Error naming param,
// with code and, when suggest is set, that suggestion.
func MustBuildError(tb testing.TB, e *search.Engine, p search.Params, param, code, suggest string) {
	tb.Helper()
	q, err := e.Build(p)
	if err == nil {
		tb.Fatalf("Build(%+v) = %s, want a %s error on %s", p, q.String(), code, param)
	}
	se, ok := search.AsError(err)
	if !ok {
		tb.Fatalf("Build(%+v): %T %v is not a *search.Error", p, err, err)
	}
	if se.Param != param || se.Code != code {
		tb.Errorf("Build(%+v): error on %q with code %q, want %q with %q (%v)", p, se.Param, se.Code, param, code, se)
	}
	if !strings.HasPrefix(se.Error(), param+": ") {
		tb.Errorf("Error() = %q, want it to start with %q", se.Error(), param+": ")
	}
	if suggest != "" && !slices.Contains(se.Suggestions, suggest) {
		tb.Errorf("suggestions %q, want %q among them", se.Suggestions, suggest)
	}
}

// TestSearchErrors: a Query built by hand is checked again by Search, and
// every error names its parameter.
func TestSearchErrors(t *testing.T) {
	e := MustDemoEngine(t)
	rodez := &search.Anchor{Name: "Rodez", INSEE: inseeRodez, Lat: 44.35258, Lon: 2.57338}
	for _, tc := range []struct {
		name  string
		q     search.Query
		param string
		code  string
	}{
		{"unknown type", search.Query{Types: []string{"bakery"}}, "type", search.CodeUnknownType},
		{"unknown service", search.Query{Services: []string{"jacuzzi"}}, "service", search.CodeUnknownService},
		{"label instead of ID", search.Query{Types: []string{"Fab Lab"}}, "type", search.CodeUnknownType},
		{"limit above max", search.Query{Limit: search.MaxLimit + 1}, "limit", search.CodeOutOfRange},
		{"limit negative", search.Query{Limit: -1}, "limit", search.CodeOutOfRange},
		{"offset negative", search.Query{Offset: -1}, "offset", search.CodeOutOfRange},
		{"offset above max", search.Query{Offset: search.MaxOffset + 1}, "offset", search.CodeOutOfRange},
		{"radius negative", search.Query{Near: rodez, RadiusMeters: -1}, "radius", search.CodeOutOfRange},
		{"radius above max", search.Query{Near: rodez, RadiusMeters: search.MaxRadiusMeters + 1}, "radius", search.CodeOutOfRange},
		{"radius without near", search.Query{RadiusMeters: 1000}, "radius", search.CodeInvalid},
		{"nearest without near", search.Query{Nearest: true}, "near", search.CodeInvalid},
		{"near out of range", search.Query{Near: &search.Anchor{Lat: 91, Lon: 0}, AutoRadius: true}, "near", search.CodeOutOfRange},
		{"sort unknown", search.Query{Sort: "name"}, "sort", search.CodeInvalid},
		{"sort distance without near", search.Query{Sort: search.SortDistance}, "sort", search.CodeInvalid},
		{"sort decay without near", search.Query{Text: "atelier", Sort: search.SortDecay}, "sort", search.CodeInvalid},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, err := e.Search(context.Background(), tc.q)
			if err == nil {
				t.Fatalf("Search(%s) = %d hits, want a %s error on %s", tc.q.String(), len(res.Hits), tc.code, tc.param)
			}
			se, ok := search.AsError(err)
			if !ok {
				t.Fatalf("Search(%s): %T %v is not a *search.Error", tc.q.String(), err, err)
			}
			if se.Param != tc.param || se.Code != tc.code {
				t.Errorf("Search(%s): error on %q with code %q, want %q with %q", tc.q.String(), se.Param, se.Code, tc.param, tc.code)
			}
		})
	}
	// Build lets sort=distance through without a point; Search names sort.
	q := MustBuild(t, e, search.Params{Q: "coworking", Sort: "distance"})
	if _, err := e.Search(context.Background(), q); err == nil {
		t.Error("sort=distance without a point: no error")
	} else if se, ok := search.AsError(err); !ok || se.Param != "sort" {
		t.Errorf("sort=distance without a point: %v, want an error on sort", err)
	}
}

// fuzzEngine is the demo engine, for fuzz targets that run what they
// build.
func fuzzEngine(f *testing.F) *search.Engine {
	f.Helper()
	return MustDemoEngine(f)
}

// FuzzParse: Parse never panics; what it refuses is an *Error on q; what
// it accepts parses the same twice, has a distance in range and a valid
// point, and runs.
func FuzzParse(f *testing.F) {
	for _, tc := range parseCases {
		// Seeds that pass today; the known failures are in TestParse.
		if tc.code == "" || tc.code == search.CodeUnknownPlace {
			f.Add(tc.text)
		}
	}
	for _, s := range []string{"", " ", "43.6,1.44", "99.9,999.9", "1e400 km de Rodez", "0 km", "à à à", "l'l'l'", "Saint-", "St Ste St", "près de près de", "12 m² à Rodez"} {
		f.Add(s)
	}
	e := fuzzEngine(f)
	p := &e.Parser
	f.Fuzz(func(t *testing.T, text string) {
		q1, err1 := p.Parse(text)
		q2, err2 := p.Parse(text)
		if (err1 == nil) != (err2 == nil) {
			t.Fatalf("Parse(%q): %v then %v", text, err1, err2)
		}
		if err1 != nil {
			se, ok := search.AsError(err1)
			if !ok || se.Param != "q" || se.Code == "" || se.Message == "" {
				t.Fatalf("Parse(%q): %#v, want an *Error on q", text, err1)
			}
			return
		}
		if s1, s2 := q1.String(), q2.String(); s1 != s2 {
			t.Fatalf("Parse(%q): %s then %s", text, s1, s2)
		}
		if q1.RadiusMeters < 0 || q1.RadiusMeters > search.MaxRadiusMeters {
			t.Fatalf("Parse(%q): radius %g m out of (0, %d]", text, q1.RadiusMeters, search.MaxRadiusMeters)
		}
		if q1.RadiusMeters > 0 && q1.Near == nil {
			t.Fatalf("Parse(%q) = %s: a radius without a point", text, q1.String())
		}
		if len(q1.Text) > len(text) {
			t.Fatalf("Parse(%q): text %q longer than the query", text, q1.Text)
		}
		if _, err := e.Search(context.Background(), q1); err != nil {
			t.Fatalf("Parse(%q) = %s, which Search refuses: %v", text, q1.String(), err)
		}
	})
}

// FuzzBuild: Build never panics; its errors are *Error naming a
// parameter; what it accepts, Search runs.
func FuzzBuild(f *testing.F) {
	f.Add("fablab with 3D printing within 30 km of Rodez", "", "", "", "")
	f.Add("coworking près de Millau", "5km", "", "", "10")
	f.Add("", "30", "", "Rodez", "20")
	f.Add("", "", toulouseBBox, "43.6,1.44", "100")
	f.Add("atelier", "500m", "1,43,2,44", "Albi", "1")
	f.Add("nearest coworking to 43.6,1.44", "", "", "", "abc")
	f.Add("", "-5km", "1,2,3", "95,1", "0")
	f.Add("médiation numérique dans le Gers", "1000km", "170,-10,-170,10", "St Affrique", "101")
	// q seeds that pass today (the known failures are in TestParse and
	// TestBuildErrors), and every parameter Build must refuse.
	for _, tc := range parseCases {
		if tc.code == "" {
			f.Add(tc.text, "", "", "", "")
		}
	}
	for _, tc := range buildErrorCases {
		f.Add("", tc.p.Radius, tc.p.BBox, tc.p.Near, tc.p.Limit)
	}
	e := fuzzEngine(f)
	f.Fuzz(func(t *testing.T, q, radius, bbox, near, limit string) {
		p := search.Params{Q: q, Radius: radius, BBox: bbox, Near: near, Limit: limit}
		query, err := e.Build(p)
		if err != nil {
			se, ok := search.AsError(err)
			if !ok || se.Param == "" || se.Code == "" {
				t.Fatalf("Build(%+v): %#v, want an *Error naming a parameter", p, err)
			}
			return
		}
		res, err := e.Search(context.Background(), query)
		if err != nil {
			t.Fatalf("Build(%+v) = %s, which Search refuses: %v", p, query.String(), err)
		}
		if len(res.Hits) > query.Limit || res.Total < len(res.Hits) {
			t.Fatalf("Build(%+v): %d hits of %d for limit %d", p, len(res.Hits), res.Total, query.Limit)
		}
	})
}

func ExampleEngine_Build() {
	g, err := gazetteer.Default()
	if err != nil {
		fmt.Println(err)
		return
	}
	cat, err := catalog.Embedded(context.Background(), g)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer cat.Close()
	e := search.New(cat, g)
	q, err := e.Build(search.Params{Q: "coworking près de Millau", Radius: "10km", Limit: "5"})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(q.String(), q.Limit)
	_, err = e.Build(search.Params{Near: "Rodez", Radius: "far"})
	if se, ok := search.AsError(err); ok {
		fmt.Println(se.Param, se.Code)
	}
	// Output:
	// type=coworking near=12145 radius=10km 5
	// radius invalid_parameter
}
