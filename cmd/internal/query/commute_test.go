package query_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tierslieux/tierslieux/cmd/internal/query"
	"github.com/tierslieux/tierslieux/index"
	"github.com/tierslieux/tierslieux/index/indextest"
	"github.com/tierslieux/tierslieux/ingest/hours"
)

const inseeIsle = "32160" // L'Isle-Jourdain (Gers)

// commuterNow is the clock the commuter phrasings are read at: a Monday
// morning in Paris time.
var commuterNow = time.Date(2026, 11, 30, 8, 30, 0, 0, hours.Location())

// TestCommuterPhrasings: trips, opening hours and minutes as commuters
// write them, in French and English, each with the places that fit.
func TestCommuterPhrasings(t *testing.T) {
	h := newHarness(t, indextest.Demo(t))
	h.Parser.Now = func() time.Time { return commuterNow }
	for _, tc := range []struct {
		name   string
		p      query.Params
		parts  []string
		absent []string
		// ids must all be among the results; none of out may be.
		ids, out []string
		minTotal int
		check    func(t *testing.T, res *index.Result)
	}{
		{name: "entre A et B", p: query.Params{Q: "coworking entre L'Isle-Jourdain et Toulouse"}, parts: []string{"trip=" + inseeIsle + ">" + inseeToulouse, "detour=10km", "sort=detour"}, absent: []string{"text="}, ids: []string{"tlo-025", "tlo-028"}},
		{name: "between A and B", p: query.Params{Q: "coworking between L'Isle-Jourdain and Toulouse"}, parts: []string{"trip=" + inseeIsle + ">" + inseeToulouse}, ids: []string{"tlo-025", "tlo-028"}},
		{name: "de A à B", p: query.Params{Q: "coworking de Figeac à Rodez"}, parts: []string{"trip=" + inseeFigeac + ">" + inseeRodez}, ids: []string{"tlo-064", "tlo-018"}},
		{name: "from A to B", p: query.Params{Q: "fablab from Albi to Rodez"}, parts: []string{"trip=" + inseeAlbi + ">" + inseeRodez, "type=fablab"}, minTotal: 2},
		{name: "sur la route de B, near", p: query.Params{Q: "coworking sur la route de Toulouse", Near: "L'Isle-Jourdain"}, parts: []string{"trip=" + inseeIsle + ">" + inseeToulouse}, ids: []string{"tlo-025"}},
		{name: "on my way to B, a position", p: query.Params{Q: "coworking on my way to Toulouse", Near: "43.6122,1.0866"}, parts: []string{"trip=43.6122,1.0866>" + inseeToulouse}, ids: []string{"tlo-028"}},
		{name: "the query's other place starts", p: query.Params{Q: "coworking près de L'Isle-Jourdain sur la route de Toulouse"}, parts: []string{"trip=" + inseeIsle + ">" + inseeToulouse}, absent: []string{"radius="}, ids: []string{"tlo-025"}},
		{name: "détour de 5 km maximum", p: query.Params{Q: "coworking de Figeac à Rodez détour de 5 km maximum"}, parts: []string{"detour=5km"}, absent: []string{"radius="}, ids: []string{"tlo-064"}},
		{name: "5 km out of my way", p: query.Params{Q: "coworking from Figeac to Rodez at most 5 km out of my way"}, parts: []string{"detour=5km"}, absent: []string{"radius="}},
		{name: "trip and hours", p: query.Params{Q: "coworking entre L'Isle-Jourdain et Toulouse ouvert le lundi"}, parts: []string{"trip=", "open=2026-11-30"}, ids: []string{"tlo-025"}},
		{name: "ouvert le lundi près de", p: query.Params{Q: "coworking ouvert le lundi près de L'Isle-Jourdain"}, parts: []string{"open=2026-11-30", "near=" + inseeIsle}, absent: []string{"text="}, minTotal: 4},
		{name: "open on Monday near", p: query.Params{Q: "coworking open on Monday near L'Isle-Jourdain"}, parts: []string{"open=2026-11-30", "near=" + inseeIsle}, absent: []string{"text="}, minTotal: 4},
		{name: "ouvert le samedi", p: query.Params{Q: "coworking ouvert le samedi"}, parts: []string{"open=2026-12-05"}, absent: []string{"text="}, ids: []string{"tlo-012", "tlo-023"}, out: []string{"tlo-081"}},
		{name: "ouvert ce week-end", p: query.Params{Q: "fablab ouvert ce week-end"}, parts: []string{"open=2026-12-05/2026-12-06"}, minTotal: 1},
		{name: "ouvert lundi matin", p: query.Params{Q: "coworking ouvert lundi matin à Toulouse"}, parts: []string{"open=2026-11-30T09:00+01:00/2026-11-30T12:00+01:00"}, minTotal: 1},
		{name: "ouvert le soir", p: query.Params{Q: "fablab ouvert le soir à Toulouse"}, parts: []string{"open=2026-11-30T18:00+01:00/2026-11-30T20:00+01:00"}},
		{name: "ouvert mercredi soir", p: query.Params{Q: "fablab ouvert mercredi soir à Toulouse"}, parts: []string{"open=2026-12-02T18:00+01:00/2026-12-02T20:00+01:00"}, ids: []string{"tlo-033"}},
		{name: "open now", p: query.Params{Q: "coworking open now near Rodez"}, parts: []string{"open=2026-11-30T08:30+01:00"}},
		{name: "ouvert maintenant", p: query.Params{Q: "coworking ouvert maintenant près de Toulouse"}, parts: []string{"open=2026-11-30T08:30+01:00"}, minTotal: 1},
		{name: "open tomorrow", p: query.Params{Q: "coworking open tomorrow near Toulouse"}, parts: []string{"open=2026-12-01"}, minTotal: 1},
		{name: "open after 6pm", p: query.Params{Q: "fablab open after 6pm near Toulouse"}, parts: []string{"open=2026-11-30T18:00+01:00"}, minTotal: 1},
		{name: "à moins de 20 minutes", p: query.Params{Q: "coworking à moins de 20 minutes de Toulouse"}, parts: []string{"near=" + inseeToulouse, "radius=16667m"}, minTotal: 1,
			check: func(t *testing.T, res *index.Result) {
				if rf := res.Query.Notes.RadiusFrom; rf == nil || rf.Minutes != 20 || rf.KMH != query.DefaultSpeedKMH {
					t.Errorf("radius from %+v, want 20 min at %g km/h", rf, float64(query.DefaultSpeedKMH))
				}
			}},
		{name: "within 20 minutes", p: query.Params{Q: "coworking within 20 minutes of L'Isle-Jourdain"}, parts: []string{"near=" + inseeIsle, "radius=16667m"}},
		{name: "within= parameter", p: query.Params{Q: "coworking", Near: "Rodez", Within: "30min"}, parts: []string{"radius=25km"}, minTotal: 1},
		{name: "from= and to=", p: query.Params{From: "Auch", To: "Toulouse", Sort: "along"}, parts: []string{"trip=32013>" + inseeToulouse, "sort=along"}, minTotal: 3},
		{name: "along a polyline", p: query.Params{Along: `{"type":"LineString","coordinates":[[1.0866,43.6122],[1.2,43.63],[1.44367,43.60426]]}`, Detour: "4km"}, parts: []string{"trip=43.6122,1.0866>43.6043,1.4437", "detour=4km"}, minTotal: 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			q, err := h.Build(tc.p)
			if err != nil {
				t.Fatalf("Build(%+v): %v", tc.p, err)
			}
			res := MustSearch(t, h, q)
			s := res.Query.String()
			for _, part := range tc.parts {
				if !strings.Contains(s, part) {
					t.Errorf("query %s lacks %s", s, part)
				}
			}
			for _, part := range tc.absent {
				if strings.Contains(s, part) {
					t.Errorf("query %s has %s", s, part)
				}
			}
			got := hitIDs(res.Hits)
			for _, id := range tc.ids {
				if !slices.Contains(got, id) {
					t.Errorf("%s missing from %v", id, got)
				}
			}
			for _, id := range tc.out {
				if slices.Contains(got, id) {
					t.Errorf("%s must not be among %v", id, got)
				}
			}
			if res.Total < max(tc.minTotal, len(tc.ids)) {
				t.Errorf("total %d", res.Total)
			}
			if tc.check != nil {
				tc.check(t, res)
			}
		})
	}
}

// TestTripErrors: a trip that cannot be made is a 400 naming the
// parameter at fault, with suggestions for an unknown place.
func TestTripErrors(t *testing.T) {
	e := MustDemoEngine(t)
	for _, tc := range []struct {
		name       string
		p          query.Params
		param      string
		code       string
		suggestion string
	}{
		{"polyline that does not decode", query.Params{Along: "_p~iF~ps|U_"}, "along", index.CodeInvalid, ""},
		{"one point", query.Params{Along: `{"type":"LineString","coordinates":[[1,43]]}`}, "along", index.CodeInvalid, ""},
		{"not a LineString", query.Params{Along: `{"type":"Point","coordinates":[1,43]}`}, "along", index.CodeInvalid, ""},
		{"too many points", query.Params{Along: manyPoints(10_001)}, "along", index.CodeTooLong, ""},
		{"start equals end", query.Params{From: "Rodez", To: "Rodez"}, "to", index.CodeInvalid, ""},
		{"unknown start", query.Params{From: "Rodex", To: "Albi"}, "from", index.CodeUnknownPlace, "Rodez (12)"},
		{"unknown end", query.Params{From: "Albi", To: "Toulousse"}, "to", index.CodeUnknownPlace, "Toulouse (31)"},
		{"no end", query.Params{From: "Albi"}, "to", index.CodeInvalid, ""},
		{"no start", query.Params{Q: "coworking sur la route de Toulouse"}, "from", index.CodeInvalid, ""},
		{"detour too long", query.Params{From: "Albi", To: "Rodez", Detour: "150km"}, "detour", index.CodeOutOfRange, ""},
		{"detour without a trip", query.Params{Detour: "5km"}, "detour", index.CodeInvalid, ""},
		{"radius with a trip", query.Params{From: "Albi", To: "Rodez", Radius: "10km"}, "radius", index.CodeInvalid, ""},
		{"sort along without a trip", query.Params{Q: "coworking", Sort: "along"}, "sort", index.CodeInvalid, ""},
		{"within out of range", query.Params{Near: "Rodez", Within: "0"}, "within", index.CodeOutOfRange, ""},
		{"open not a time", query.Params{Open: "someday"}, "open", index.CodeInvalid, ""},
		{"open_unknown", query.Params{Open: "now", OpenUnknown: "maybe"}, "open_unknown", index.CodeInvalid, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			MustBuildError(t, e, tc.p, tc.param, tc.code, tc.suggestion)
		})
	}
}

// manyPoints is a LineString of n points.
func manyPoints(n int) string {
	var b strings.Builder
	b.WriteString(`{"type":"LineString","coordinates":[`)
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString("[1.")
		b.WriteString(strings.Repeat("0", 1+i%3))
		b.WriteString("1,43.5]")
	}
	b.WriteString("]}")
	return b.String()
}
