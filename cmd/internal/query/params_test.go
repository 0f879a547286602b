package query_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/tierslieux/tierslieux/cmd/internal/query"
	"github.com/tierslieux/tierslieux/data"
	"github.com/tierslieux/tierslieux/geo/gazetteer"
	"github.com/tierslieux/tierslieux/index"
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
		p    query.Params
		want string // Query.String()
		// check, when set, looks at what String does not show.
		check func(t *testing.T, q index.Query)
	}{
		{name: "q alone", p: query.Params{Q: "fablab with 3D printing within 30 km of Rodez"},
			want: "type=fablab service=impression-3d near=" + inseeRodez + " radius=30km",
			check: func(t *testing.T, q index.Query) {
				if q.Limit != index.DefaultLimit || q.Offset != 0 || q.Facets != nil || q.Demo != nil {
					t.Errorf("limit %d offset %d facets %v demo %v, want defaults", q.Limit, q.Offset, q.Facets, q.Demo)
				}
			}},
		{name: "nothing", p: query.Params{}, want: ""},
		{name: "blank q", p: query.Params{Q: "   "}, want: ""},
		{name: "only stop words", p: query.Params{Q: "the of"}, want: ""},

		// Explicit parameters replace what q says.
		{name: "type overrides q", p: query.Params{Q: "fablab près de Rodez", Types: []string{"coworking"}},
			want: "type=coworking near=" + inseeRodez + " radius=auto"},
		{name: "type by labels and synonyms", p: query.Params{Types: []string{"Fab Lab", "makerspace"}}, want: "type=fablab"},
		{name: "types comma-separated", p: query.Params{Types: []string{"coworking, fablab", "Médiation numérique"}},
			want: "type=coworking,fablab,mediation-numerique"},
		{name: "service overrides q", p: query.Params{Q: "fablab with 3D printing", Services: []string{"découpe laser"}},
			want: "type=fablab service=decoupe-laser"},
		{name: "services by synonyms", p: query.Params{Services: []string{"wifi", "fibre optique,visio"}},
			want: "service=wifi,fibre,visioconference"},
		{name: "dept by code", p: query.Params{Dept: "12"}, want: "dept=12"},
		{name: "dept by name", p: query.Params{Dept: "Aveyron"}, want: "dept=12"},
		{name: "dept by lower-case name", p: query.Params{Dept: "haute-garonne"}, want: "dept=31"},
		{name: "dept Corsica code", p: query.Params{Dept: "2A"}, want: "dept=2A"},
		{name: "dept Corsica name", p: query.Params{Dept: "Corse-du-Sud"}, want: "dept=2A"},
		{name: "dept overrides q", p: query.Params{Q: "médiation numérique dans le Gers", Dept: "Tarn"},
			want: "type=mediation-numerique dept=81"},
		{name: "near by name", p: query.Params{Near: "Rodez"}, want: "near=" + inseeRodez + " radius=auto"},
		{name: "near abbreviated saint", p: query.Params{Near: "St Affrique"}, want: "near=" + inseeStAffrique + " radius=auto"},
		{name: "near by lat,lon", p: query.Params{Near: "43.6,1.44"}, want: "near=43.6000,1.4400 radius=auto",
			check: func(t *testing.T, q index.Query) {
				if q.Near.Lat != 43.6 || q.Near.Lon != 1.44 || q.Near.INSEE != "" {
					t.Errorf("near = %+v, want lat 43.6 lon 1.44 and no INSEE", q.Near)
				}
			}},
		{name: "near lat, lon with spaces", p: query.Params{Near: " 43.6 , 1.44 "}, want: "near=43.6000,1.4400 radius=auto"},
		{name: "near overrides q's place", p: query.Params{Q: "coworking près de Millau", Near: "Albi"},
			want: "type=coworking near=" + inseeAlbi + " radius=auto"},
		{name: "near keeps q's distance", p: query.Params{Q: "fablab within 30 km of Rodez", Near: "Albi"},
			want: "type=fablab near=" + inseeAlbi + " radius=30km"},
		{name: "radius 30km", p: query.Params{Near: "Rodez", Radius: "30km"}, want: "near=" + inseeRodez + " radius=30km"},
		{name: "radius 500m", p: query.Params{Near: "Rodez", Radius: "500m"}, want: "near=" + inseeRodez + " radius=500m"},
		{name: "radius bare number is km", p: query.Params{Near: "Rodez", Radius: "30"}, want: "near=" + inseeRodez + " radius=30km"},
		{name: "radius decimal comma", p: query.Params{Near: "Rodez", Radius: "2,5 km"}, want: "near=" + inseeRodez + " radius=2500m"},
		{name: "radius miles", p: query.Params{Near: "Rodez", Radius: "10mi"}, want: "near=" + inseeRodez + " radius=16093.44m"},
		{name: "radius at the maximum", p: query.Params{Near: "Rodez", Radius: "1000km"}, want: "near=" + inseeRodez + " radius=1000km"},
		{name: "radius overrides q's", p: query.Params{Q: "fablab within 30 km of Rodez", Radius: "10km"},
			want: "type=fablab near=" + inseeRodez + " radius=10km"},
		{name: "radius overrides q's nearest", p: query.Params{Q: "nearest coworking to Rodez", Radius: "10km"},
			want: "type=coworking near=" + inseeRodez + " radius=10km"},
		{name: "radius with q's place", p: query.Params{Q: "coworking près de Millau", Radius: "5km"},
			want: "type=coworking near=" + inseeMillau + " radius=5km"},

		// How a point without a radius is read.
		{name: "near alone adapts", p: query.Params{Near: "Toulouse"}, want: "near=" + inseeToulouse + " radius=auto"},
		{name: "near sorted by distance is nearest", p: query.Params{Near: "Rodez", Sort: "distance"},
			want: "near=" + inseeRodez + " nearest=true sort=distance"},
		{name: "q's place sorted by distance is nearest", p: query.Params{Q: "coworking près de Millau", Sort: "distance"},
			want: "type=coworking near=" + inseeMillau + " nearest=true sort=distance"},
		{name: "near sorted by relevance adapts", p: query.Params{Near: "Rodez", Sort: "relevance"},
			want: "near=" + inseeRodez + " radius=auto sort=relevance"},
		{name: "q's nearest stays nearest", p: query.Params{Q: "nearest coworking to Rodez", Sort: "relevance"},
			want: "type=coworking near=" + inseeRodez + " nearest=true sort=relevance"},
		{name: "near with bbox only measures", p: query.Params{Near: "Toulouse", BBox: toulouseBBox},
			want: "near=" + inseeToulouse + " bbox=" + toulouseBBox},
		{name: "q's place with bbox only measures", p: query.Params{Q: "coworking près de Toulouse", BBox: toulouseBBox},
			want: "type=coworking near=" + inseeToulouse + " bbox=" + toulouseBBox},
		{name: "near with polygon only measures", p: query.Params{Near: "Toulouse", Polygon: toulousePolygon},
			want: "near=" + inseeToulouse + " polygon=5pts"},
		{name: "near, radius and bbox", p: query.Params{Near: "Toulouse", Radius: "10km", BBox: toulouseBBox},
			want: "near=" + inseeToulouse + " radius=10km bbox=" + toulouseBBox},
		{name: "bbox alone", p: query.Params{BBox: toulouseBBox}, want: "bbox=" + toulouseBBox},
		{name: "bbox with spaces", p: query.Params{BBox: " 1.19, 43.43 ,1.69 , 43.78"}, want: "bbox=" + toulouseBBox},
		{name: "bbox across the antimeridian", p: query.Params{BBox: "170,-10,-170,10"}, want: "bbox=170,-10,-170,10"},
		{name: "polygon alone", p: query.Params{Polygon: toulousePolygon}, want: "polygon=5pts"},

		// Paging, facets, demo.
		{name: "limit and offset", p: query.Params{Limit: " 50 ", Offset: "10000"}, want: "",
			check: func(t *testing.T, q index.Query) {
				if q.Limit != 50 || q.Offset != index.MaxOffset {
					t.Errorf("limit %d offset %d, want 50 %d", q.Limit, q.Offset, index.MaxOffset)
				}
			}},
		{name: "limit bounds", p: query.Params{Limit: "100", Offset: "0"}, want: "",
			check: func(t *testing.T, q index.Query) {
				if q.Limit != index.MaxLimit || q.Offset != 0 {
					t.Errorf("limit %d offset %d, want %d 0", q.Limit, q.Offset, index.MaxLimit)
				}
			}},
		{name: "facets", p: query.Params{Facets: "dept, type,service,type,"}, want: "",
			check: func(t *testing.T, q index.Query) {
				if want := []string{"dept", "type", "service"}; !slices.Equal(q.Facets, want) {
					t.Errorf("facets %q, want %q", q.Facets, want)
				}
			}},
		{name: "demo true", p: query.Params{Demo: "true"}, want: "demo=true"},
		{name: "demo false", p: query.Params{Demo: "false"}, want: "demo=false"},
		{name: "demo 1", p: query.Params{Demo: "1"}, want: "demo=true"},
		{name: "sort distance with near", p: query.Params{Near: "Rodez", Radius: "20km", Sort: "distance"},
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
	p       query.Params
	param   string
	code    string
	suggest string // one of the suggestions, when set
}{
	// radius
	{name: "radius negative", p: query.Params{Near: "Rodez", Radius: "-5km"}, param: "radius", code: index.CodeOutOfRange},
	{name: "radius zero", p: query.Params{Near: "Rodez", Radius: "0"}, param: "radius", code: index.CodeOutOfRange},
	{name: "radius above 1000 km", p: query.Params{Near: "Rodez", Radius: "1001km"}, param: "radius", code: index.CodeOutOfRange},
	{name: "radius beyond half the Earth", p: query.Params{Near: "Rodez", Radius: "30000km"}, param: "radius", code: index.CodeOutOfRange},
	{name: "radius text", p: query.Params{Near: "Rodez", Radius: "far"}, param: "radius", code: index.CodeInvalid},
	{name: "radius unknown unit", p: query.Params{Near: "Rodez", Radius: "30 parsecs"}, param: "radius", code: index.CodeInvalid},
	{name: "radius NaN", p: query.Params{Near: "Rodez", Radius: "NaN"}, param: "radius", code: index.CodeInvalid},
	{name: "radius hex float", p: query.Params{Near: "Rodez", Radius: "0x1p4"}, param: "radius", code: index.CodeInvalid},
	{name: "radius without near", p: query.Params{Radius: "10km"}, param: "radius", code: index.CodeInvalid},
	{name: "radius with q but no place", p: query.Params{Q: "coworking", Radius: "10km"}, param: "radius", code: index.CodeInvalid},
	{name: "radius with bbox but no near", p: query.Params{BBox: toulouseBBox, Radius: "10km"}, param: "radius", code: index.CodeInvalid},

	// near
	{name: "near latitude out of range", p: query.Params{Near: "95,1.44"}, param: "near", code: index.CodeOutOfRange},
	{name: "near longitude out of range", p: query.Params{Near: "43.6,181"}, param: "near", code: index.CodeOutOfRange},
	{name: "near NaN", p: query.Params{Near: "NaN,1"}, param: "near", code: index.CodeOutOfRange},
	{name: "near misspelt", p: query.Params{Near: "Rodex"}, param: "near", code: index.CodeUnknownPlace, suggest: "Rodez (12)"},
	{name: "near unknown", p: query.Params{Near: "Xyzville"}, param: "near", code: index.CodeUnknownPlace},
	{name: "near three numbers", p: query.Params{Near: "43.6,1.44,3"}, param: "near", code: index.CodeUnknownPlace},
	{name: "near a département", p: query.Params{Near: "Aveyron"}, param: "near", code: index.CodeInvalid},
	{name: "near a région", p: query.Params{Near: "Occitanie"}, param: "near", code: index.CodeInvalid},

	// bbox
	{name: "bbox three numbers", p: query.Params{BBox: "1,43,2"}, param: "bbox", code: index.CodeInvalid},
	{name: "bbox five numbers", p: query.Params{BBox: "1,43,2,44,5"}, param: "bbox", code: index.CodeInvalid},
	{name: "bbox text", p: query.Params{BBox: "a,b,c,d"}, param: "bbox", code: index.CodeInvalid},
	{name: "bbox minLat above maxLat", p: query.Params{BBox: "1.19,43.78,1.69,43.43"}, param: "bbox", code: index.CodeInvalid},
	{name: "bbox latitude out of range", p: query.Params{BBox: "1,43,2,95"}, param: "bbox", code: index.CodeOutOfRange},
	{name: "bbox longitude out of range", p: query.Params{BBox: "200,0,210,1"}, param: "bbox", code: index.CodeOutOfRange},
	{name: "bbox NaN", p: query.Params{BBox: "NaN,43,2,44"}, param: "bbox", code: index.CodeOutOfRange},

	// polygon
	{name: "polygon not JSON", p: query.Params{Polygon: "not json"}, param: "polygon", code: index.CodeInvalid},
	{name: "polygon empty object", p: query.Params{Polygon: "{}"}, param: "polygon", code: index.CodeInvalid},
	{name: "polygon a point", p: query.Params{Polygon: `{"type":"Point","coordinates":[1,43]}`}, param: "polygon", code: index.CodeInvalid},
	{name: "polygon no rings", p: query.Params{Polygon: `{"type":"Polygon","coordinates":[]}`}, param: "polygon", code: index.CodeInvalid},
	{name: "polygon three positions", p: query.Params{Polygon: `{"type":"Polygon","coordinates":[[[1,43],[2,43],[1,43]]]}`}, param: "polygon", code: index.CodeInvalid},
	{name: "polygon out of range", p: query.Params{Polygon: `{"type":"Polygon","coordinates":[[[1,43],[2,43],[2,95],[1,43]]]}`}, param: "polygon", code: index.CodeOutOfRange},
	// parsePolygon's own message says the last position must equal the first.
	{name: "polygon ring not closed", p: query.Params{Polygon: `{"type":"Polygon","coordinates":[[[1,43],[2,43],[2,44],[1,44]]]}`}, param: "polygon", code: index.CodeInvalid},
	{name: "polygon too long", p: query.Params{Polygon: `{"type":"Polygon","coordinates":[[` + strings.Repeat("[1,43],", 10000) + `[1,43]]]}`}, param: "polygon", code: index.CodeTooLong},

	// limit, offset
	{name: "limit 0", p: query.Params{Limit: "0"}, param: "limit", code: index.CodeOutOfRange},
	{name: "limit 101", p: query.Params{Limit: "101"}, param: "limit", code: index.CodeOutOfRange},
	{name: "limit negative", p: query.Params{Limit: "-1"}, param: "limit", code: index.CodeOutOfRange},
	{name: "limit abc", p: query.Params{Limit: "abc"}, param: "limit", code: index.CodeInvalid},
	{name: "limit decimal", p: query.Params{Limit: "1.5"}, param: "limit", code: index.CodeInvalid},
	{name: "offset -1", p: query.Params{Offset: "-1"}, param: "offset", code: index.CodeOutOfRange},
	{name: "offset beyond the maximum", p: query.Params{Offset: "10001"}, param: "offset", code: index.CodeOutOfRange},
	{name: "offset text", p: query.Params{Offset: "x"}, param: "offset", code: index.CodeInvalid},

	// vocabulary
	{name: "unknown type", p: query.Params{Types: []string{"bakery"}}, param: "type", code: index.CodeUnknownType},
	{name: "unknown type in a list", p: query.Params{Types: []string{"coworking,bakery"}}, param: "type", code: index.CodeUnknownType},
	{name: "service given as type", p: query.Params{Types: []string{"impression 3D"}}, param: "type", code: index.CodeUnknownType},
	{name: "unknown service", p: query.Params{Services: []string{"jacuzzi"}}, param: "service", code: index.CodeUnknownService},
	{name: "type given as service", p: query.Params{Services: []string{"fablab"}}, param: "service", code: index.CodeUnknownService},

	// dept
	{name: "dept unknown code", p: query.Params{Dept: "99"}, param: "dept", code: index.CodeInvalid},
	{name: "dept a commune", p: query.Params{Dept: "Toulouse"}, param: "dept", code: index.CodeInvalid},
	{name: "dept a région", p: query.Params{Dept: "Occitanie"}, param: "dept", code: index.CodeInvalid},
	{name: "dept unknown name", p: query.Params{Dept: "Xyzshire"}, param: "dept", code: index.CodeInvalid},

	// sort, facets, demo
	{name: "sort unknown", p: query.Params{Sort: "name"}, param: "sort", code: index.CodeInvalid},
	{name: "sort upper case", p: query.Params{Sort: "Distance"}, param: "sort", code: index.CodeInvalid},
	{name: "sort internal decay", p: query.Params{Sort: index.SortDecay}, param: "sort", code: index.CodeInvalid},
	{name: "facets region", p: query.Params{Facets: "region"}, param: "facets", code: index.CodeInvalid},
	{name: "facets unknown in a list", p: query.Params{Facets: "type,colour"}, param: "facets", code: index.CodeInvalid},
	{name: "demo yes", p: query.Params{Demo: "yes"}, param: "demo", code: index.CodeInvalid},
	{name: "demo maybe", p: query.Params{Demo: "maybe"}, param: "demo", code: index.CodeInvalid},

	// q
	{name: "q misspelt place", p: query.Params{Q: "coworking près de Rodex"}, param: "q", code: index.CodeUnknownPlace, suggest: "Rodez (12)"},
	{name: "q too long", p: query.Params{Q: strings.Repeat("coworking ", 31)}, param: "q", code: index.CodeTooLong},
	{name: "q distance without a place", p: query.Params{Q: "coworking within 30 km"}, param: "q", code: index.CodeUnknownPlace},
	// The distance came from q: the error must not blame a radius
	// parameter the caller did not send (see TestParse).
	{name: "q radius beyond the maximum", p: query.Params{Q: "coworking within 2000 km of Rodez"}, param: "q", code: index.CodeOutOfRange},
}

// tooLongCases: every parameter but q and polygon is bounded at 200
// bytes, q at MaxQueryLen.
func tooLongCases() []struct {
	name string
	p    query.Params
} {
	long := strings.Repeat("1", 201)
	return []struct {
		name string
		p    query.Params
	}{
		{"dept", query.Params{Dept: long}},
		{"near", query.Params{Near: long}},
		{"radius", query.Params{Radius: long}},
		{"bbox", query.Params{BBox: long}},
		{"sort", query.Params{Sort: long}},
		{"limit", query.Params{Limit: long}},
		{"offset", query.Params{Offset: long}},
		{"facets", query.Params{Facets: long}},
		{"demo", query.Params{Demo: long}},
		{"q", query.Params{Q: strings.Repeat("a", query.MaxQueryLen+1)}},
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
			MustBuildError(t, e, tc.p, tc.name, index.CodeTooLong, "")
		})
	}
}

// MustBuildError checks that Build refuses p with an *Error naming param,
// with code and, when suggest is set, that suggestion.
func MustBuildError(tb testing.TB, e *harness, p query.Params, param, code, suggest string) {
	tb.Helper()
	q, err := e.Build(p)
	if err == nil {
		tb.Fatalf("Build(%+v) = %s, want a %s error on %s", p, q.String(), code, param)
	}
	se, ok := index.AsError(err)
	if !ok {
		tb.Fatalf("Build(%+v): %T %v is not a *index.Error", p, err, err)
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

// TestBuildSortNeedsPoint: Build lets sort=distance through without a
// point; Search names sort.
func TestBuildSortNeedsPoint(t *testing.T) {
	e := MustDemoEngine(t)
	// Build lets sort=distance through without a point; Search names sort.
	q := MustBuild(t, e, query.Params{Q: "coworking", Sort: "distance"})
	if _, err := e.Search(context.Background(), q); err == nil {
		t.Error("sort=distance without a point: no error")
	} else if se, ok := index.AsError(err); !ok || se.Param != "sort" {
		t.Errorf("sort=distance without a point: %v, want an error on sort", err)
	}
}

// fuzzEngine is the demo engine, for fuzz targets that run what they
// build.
func fuzzEngine(f *testing.F) *harness {
	f.Helper()
	return MustDemoEngine(f)
}

// FuzzParse: Parse never panics; what it refuses is an *Error on q; what
// it accepts parses the same twice, has a distance in range and a valid
// point, and runs.
func FuzzParse(f *testing.F) {
	for _, tc := range parseCases {
		// Seeds that pass today; the known failures are in TestParse.
		if tc.code == "" || tc.code == index.CodeUnknownPlace {
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
			se, ok := index.AsError(err1)
			if !ok || se.Param != "q" || se.Code == "" || se.Message == "" {
				t.Fatalf("Parse(%q): %#v, want an *Error on q", text, err1)
			}
			return
		}
		if s1, s2 := q1.String(), q2.String(); s1 != s2 {
			t.Fatalf("Parse(%q): %s then %s", text, s1, s2)
		}
		if q1.RadiusMeters < 0 || q1.RadiusMeters > index.MaxRadiusMeters {
			t.Fatalf("Parse(%q): radius %g m out of (0, %d]", text, q1.RadiusMeters, index.MaxRadiusMeters)
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
		p := query.Params{Q: q, Radius: radius, BBox: bbox, Near: near, Limit: limit}
		query, err := e.Build(p)
		if err != nil {
			se, ok := index.AsError(err)
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

func ExampleLanguage_Build() {
	g, err := gazetteer.LoadFS(data.FS, data.Gazetteer)
	if err != nil {
		fmt.Println(err)
		return
	}
	l := query.New(g, nil)
	q, err := l.Build(query.Params{Q: "coworking près de Millau", Radius: "10km", Limit: "5"})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(q.String(), q.Limit)
	_, err = l.Build(query.Params{Near: "Rodez", Radius: "far"})
	if se, ok := index.AsError(err); ok {
		fmt.Println(se.Param, se.Code)
	}
	// Output:
	// type=coworking near=12145 radius=10km 5
	// radius invalid_parameter
}
