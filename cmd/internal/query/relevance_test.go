package query_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"testing"

	"github.com/tierslieux/tierslieux/cmd/internal/query"
	"github.com/tierslieux/tierslieux/geo"
	"github.com/tierslieux/tierslieux/index"
	"github.com/tierslieux/tierslieux/index/indextest"
)

// judgedSet is testdata/judged.json: queries on the demo catalog with the
// places a person judged must, or must not, come back.
type judgedSet struct {
	Anchors map[string][2]float64 `json:"anchors"` // name → lat, lon
	Queries []judgedQuery         `json:"queries"`
}

type judgedQuery struct {
	Name    string   `json:"name"`
	Lang    string   `json:"lang"`
	Q       string   `json:"q"`
	Exact   []string `json:"exact"`
	Must    []string `json:"must"`
	MustNot []string `json:"must_not"`
	Top     []string `json:"top"`
	All     struct {
		TypesAny    []string `json:"types_any"`
		ServicesAll []string `json:"services_all"`
		Dept        string   `json:"dept"`
		WithinKm    float64  `json:"within_km"`
		Of          string   `json:"of"`
	} `json:"all"`
	Order string `json:"order"`
}

// MustJudged reads the judged set and checks it is usable: every place
// it names exists, every anchor is known, both languages are there.
func MustJudged(tb testing.TB, e *harness) judgedSet {
	tb.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "judged.json"))
	if err != nil {
		tb.Fatal(err)
	}
	var set judgedSet
	if err := json.Unmarshal(b, &set); err != nil {
		tb.Fatalf("judged.json: %v", err)
	}
	langs := map[string]int{}
	for _, jq := range set.Queries {
		langs[jq.Lang]++
		for _, id := range slices.Concat(jq.Exact, jq.Must, jq.MustNot, jq.Top) {
			if _, ok := e.Place(id); !ok {
				tb.Fatalf("judged.json, %s: no place %s in the demo catalog", jq.Name, id)
			}
		}
		if jq.All.WithinKm > 0 {
			if _, ok := set.Anchors[jq.All.Of]; !ok {
				tb.Fatalf("judged.json, %s: unknown anchor %q", jq.Name, jq.All.Of)
			}
		}
	}
	if len(set.Queries) < 15 || langs["fr"] < 5 || langs["en"] < 5 {
		tb.Fatalf("judged.json: %d queries, %d in French, %d in English; want at least 15, 5 and 5", len(set.Queries), langs["fr"], langs["en"])
	}
	return set
}

// TestRelevance runs the judged set on the demo catalog.
func TestRelevance(t *testing.T) {
	e := MustDemoEngine(t)
	set := MustJudged(t, e)
	for _, jq := range set.Queries {
		t.Run(jq.Name, func(t *testing.T) {
			q := MustBuild(t, e, query.Params{Q: jq.Q, Limit: "100"})
			res := MustSearch(t, e, q)
			got := hitIDs(res.Hits)
			t.Logf("%s → %s: %v", jq.Q, res.Query.String(), got)
			if jq.Exact != nil {
				a, b := slices.Sorted(slices.Values(got)), slices.Sorted(slices.Values(jq.Exact))
				if !slices.Equal(a, b) {
					t.Errorf("results %v, want exactly %v", a, b)
				}
				if res.Total != len(jq.Exact) {
					t.Errorf("total %d, want %d", res.Total, len(jq.Exact))
				}
			}
			for _, id := range jq.Must {
				if !slices.Contains(got, id) {
					t.Errorf("%s missing", id)
				}
			}
			for _, id := range jq.MustNot {
				if slices.Contains(got, id) {
					t.Errorf("%s must not come back", id)
				}
			}
			if len(got) < len(jq.Top) || !slices.Equal(got[:len(jq.Top)], jq.Top) {
				t.Errorf("top %v, want %v", got[:min(len(got), len(jq.Top))], jq.Top)
			}
			for _, h := range res.Hits {
				checkJudgedAll(t, set, jq, h)
			}
			if jq.Order == "distance" {
				for i := 1; i < len(res.Hits); i++ {
					if a, b := res.Hits[i-1], res.Hits[i]; !a.HasDistance || a.Meters > b.Meters {
						t.Errorf("not nearest first: %s at %.0f m before %s at %.0f m", a.Place.ID, a.Meters, b.Place.ID, b.Meters)
					}
				}
			}
		})
	}
}

// checkJudgedAll checks the constraints every hit of jq must meet.
func checkJudgedAll(t *testing.T, set judgedSet, jq judgedQuery, h index.Hit) {
	t.Helper()
	p := h.Place
	if len(jq.All.TypesAny) > 0 && !slices.ContainsFunc(jq.All.TypesAny, func(ty string) bool { return slices.Contains(p.Types, ty) }) {
		t.Errorf("%s has types %v, want one of %v", p.ID, p.Types, jq.All.TypesAny)
	}
	for _, s := range jq.All.ServicesAll {
		if !slices.Contains(p.Services, s) {
			t.Errorf("%s lacks %s", p.ID, s)
		}
	}
	if jq.All.Dept != "" && p.Dept != jq.All.Dept {
		t.Errorf("%s is in %s, want %s", p.ID, p.Dept, jq.All.Dept)
	}
	if jq.All.WithinKm > 0 {
		a := set.Anchors[jq.All.Of]
		if d := geo.Distance(a[1], a[0], p.Lon, p.Lat); d > jq.All.WithinKm*1000 {
			t.Errorf("%s is %.1f km from %s, want within %g km", p.ID, d/1000, jq.All.Of, jq.All.WithinKm)
		}
	}
}

// TestRelevanceHeadline spells out the headline query: only fablabs with
// 3D printing, all within 30 km of Rodez's centre, nearest first, with
// the distances a scan of the catalog gives.
func TestRelevanceHeadline(t *testing.T) {
	e := MustDemoEngine(t)
	const lat, lon = 44.35258, 2.57338
	q := MustBuild(t, e, query.Params{Q: "fablab with 3D printing within 30 km of Rodez"})
	res := MustSearch(t, e, q)
	var want []indextest.Found
	places := e.Catalog().Places()
	for i := range places {
		p := &places[i]
		d := geo.Distance(lon, lat, p.Lon, p.Lat)
		if d <= 30_000 && slices.Contains(p.Types, "fablab") && slices.Contains(p.Services, "impression-3d") {
			want = append(want, indextest.Found{ID: p.ID, Meters: d})
		}
	}
	indextest.SortByDistance(want)
	if len(want) == 0 {
		t.Fatal("the demo catalog has no fablab with 3D printing near Rodez")
	}
	if d := indextest.DiffIDs(hitIDs(res.Hits), indextest.FoundIDs(want)); d != "" {
		t.Fatal(d)
	}
	indextest.CheckDistanceOrder(t, res.Hits, want)
	if res.Query.Near.Lat != lat || res.Query.Near.Lon != lon || res.Query.Sort != index.SortDistance {
		t.Errorf("query run %s from %g,%g, want sorted by distance from Rodez %g,%g", res.Query.String(), res.Query.Near.Lat, res.Query.Near.Lon, lat, lon)
	}
}

// TestRelevanceNearestWithin: "the nearest coworking within 10 km of
// Rodez" lists and counts only the coworkings within 10 km.
func TestRelevanceNearestWithin(t *testing.T) {
	e := MustDemoEngine(t)
	q := MustBuild(t, e, query.Params{Q: "nearest coworking within 10 km of Rodez"})
	res := MustSearch(t, e, q)
	want := 0
	places := e.Catalog().Places()
	for i := range places {
		p := &places[i]
		if slices.Contains(p.Types, "coworking") && geo.Distance(2.57338, 44.35258, p.Lon, p.Lat) <= 10_000 {
			want++
		}
	}
	if len(res.Hits) != want || res.Total != want {
		t.Errorf("%s: %d hits, total %d; want the %d coworkings within 10 km", res.Query.String(), len(res.Hits), res.Total, want)
	}
}

// TestRelevanceEveryName: any place of the demo catalog, real or
// fictional, is found first by its own name, and the demo filter tells
// real ones from fictional ones. Names are what people copy from a
// flyer: "La Rigole", "Le Pré Vert", "Bastide Lab".
func TestRelevanceEveryName(t *testing.T) {
	e := MustDemoEngine(t)
	for _, p := range e.Catalog().Places() {
		t.Run(p.ID+" "+p.Name, func(t *testing.T) {
			q, err := e.Build(query.Params{Q: p.Name, Demo: strconv.FormatBool(p.Demo)})
			if err != nil {
				t.Fatalf("Build(%q): %v", p.Name, err)
			}
			res := MustSearch(t, e, q)
			if len(res.Hits) == 0 || res.Hits[0].Place.ID != p.ID {
				t.Errorf("%q (%s) → %.5v, want %s first", p.Name, res.Query.String(), hitIDs(res.Hits), p.ID)
			}
			for _, h := range res.Hits {
				if h.Place.Demo != p.Demo {
					t.Errorf("demo=%v returned %s with demo=%v", p.Demo, h.Place.ID, h.Place.Demo)
				}
			}
		})
	}
}

// TestNamesDoNotHidePlaces: searching by a place's name must not turn
// commune and département names into text because some place's name
// contains them ("La Forge de la Dordogne", "Synthétique Fablab 12 de
// Toulouse"): names are matched from their start, places still resolve.
func TestNamesDoNotHidePlaces(t *testing.T) {
	demoE := MustDemoEngine(t)
	synthE, _ := MustSynthEngine(t, exactN)
	for _, tc := range []struct {
		name string
		e    *harness
		text string
		want string
	}{
		{"département in a demo name", demoE, "fablab Dordogne", "type=fablab dept=24"},
		{"département at the end of a demo name", demoE, "coworking Hérault", "type=coworking dept=34"},
		{"département after Haut- in a demo name", demoE, "coworking Allier", "type=coworking dept=03"},
		{"commune ending synthetic names", synthE, "coworking Toulouse", "type=coworking near=" + inseeToulouse + " radius=auto"},
		{"commune alone", synthE, "Millau", "near=" + inseeMillau + " radius=auto"},
		{"service and commune", synthE, "3D printing Montpellier", "service=impression-3d near=" + inseeMontpellier + " radius=auto"},
		{"commune in the demo catalog", demoE, "coworking Toulouse", "type=coworking near=" + inseeToulouse + " radius=auto"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			q, err := tc.e.Parser.Parse(tc.text)
			if err != nil {
				t.Fatalf("Parse(%q): %v", tc.text, err)
			}
			if got := q.String(); got != tc.want {
				t.Errorf("Parse(%q) over %d places\n got %s\nwant %s", tc.text, tc.e.Catalog().Len(), got, tc.want)
			}
		})
	}
}

// TestShortNamePrefixes: the start of several names, article and one
// short word ("Le Lab", "Le Hub"), is searched by name, not refused as an
// unknown place.
func TestShortNamePrefixes(t *testing.T) {
	e := MustDemoEngine(t)
	for _, tc := range []struct {
		text string
		want []string
	}{
		{"Le Lab", []string{"tlo-035", "tlo-070", "tlo-100", "tlo-105"}},
		{"Le Hub", []string{"tlo-038"}},
		{"La Fabrique", []string{"tlo-012", "tlo-045", "tlo-096"}},
		{"Le Bureau", []string{"tlo-068", "tlo-074", "tlo-085", "tlo-097"}},
	} {
		t.Run(tc.text, func(t *testing.T) {
			q, err := e.Build(query.Params{Q: tc.text, Limit: "100"})
			if err != nil {
				t.Fatalf("Build(%q): %v", tc.text, err)
			}
			got := hitIDs(MustSearch(t, e, q).Hits)
			for _, id := range tc.want {
				if !slices.Contains(got, id) {
					t.Errorf("%q (%s): %s missing from %v", tc.text, q.String(), id, got)
				}
			}
		})
	}
}
