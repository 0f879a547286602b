package index_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/tierslieux/tierslieux/geo"
	"github.com/tierslieux/tierslieux/index"
	"github.com/tierslieux/tierslieux/ingest"
)

// scopes are partners' territories: départements, types, a polygon, and
// mixes of them, some overlapping nothing.
var scopes = []struct {
	name  string
	scope *index.Scope
}{
	{"Aveyron", &index.Scope{Depts: []string{"12"}}},
	{"Aveyron and Tarn", &index.Scope{Depts: []string{"12", "81"}}},
	{"fablabs", &index.Scope{Types: []string{"fablab"}}},
	{"Toulouse hexagon", &index.Scope{Polygon: toulouseHexagon}},
	{"Toulouse ring", &index.Scope{Polygon: toulouseRing}},
	{"Massif C coworking", &index.Scope{Polygon: massifC, Types: []string{"coworking"}}},
	{"Haute-Garonne in the hexagon", &index.Scope{Depts: []string{"31"}, Polygon: toulouseHexagon}},
	{"a département with no place", &index.Scope{Depts: []string{"2A-none"}}},
}

// scopeQueries are query shapes: every area, with and without text,
// filters and facets, each sort.
func scopeQueries(tb testing.TB) []index.Query {
	tb.Helper()
	toulouse := &index.Anchor{Name: "Toulouse", Lat: 43.60426, Lon: 1.44367}
	rodez := &index.Anchor{Name: "Rodez", Lat: 44.35258, Lon: 2.57338}
	route, err := geo.StraightRoute(1.44367, 43.60426, 2.57338, 44.35258)
	if err != nil {
		tb.Fatal(err)
	}
	box := &geo.Bound{MinLon: 0.5, MinLat: 43.0, MaxLon: 3.5, MaxLat: 45.0}
	return []index.Query{
		{},
		{Types: []string{"coworking"}},
		{Dept: "12"},
		{Dept: "31", Types: []string{"fablab", "coworking"}},
		{Text: "atelier"},
		{Text: "numérique", Facets: []string{index.FacetType, index.FacetDept}},
		{Near: toulouse, RadiusMeters: 50_000},
		{Near: rodez, RadiusMeters: 100_000, Text: "atelier"},
		{Near: rodez, RadiusMeters: 100_000, Sort: index.SortRelevance, Facets: []string{index.FacetDept, index.FacetDistance}},
		{Near: toulouse, Nearest: true, Limit: 30},
		{BBox: box},
		{BBox: box, Near: rodez, Sort: index.SortDistance},
		{Polygon: massifC},
		{Polygon: toulouseHexagon, Text: "atelier"},
		{Trip: &index.Trip{From: toulouse, To: rodez, Route: route, Kind: "straight", MaxDetourMeters: 10_000}, Near: toulouse},
	}
}

// TestScopeIsAFilter: a scoped query gives exactly the unscoped query's
// results that lie in the scope, in the same order, with every plan; its
// total is their number, and no facet counts more than the unscoped one
// nor a département outside the scope.
func TestScopeIsAFilter(t *testing.T) {
	e, _ := MustSynthEngine(t, exactN)
	nonEmpty, cases := 0, 0
	for _, sc := range scopes {
		for i, q := range scopeQueries(t) {
			cases++
			t.Run(fmt.Sprintf("%s/%d %s", sc.name, i, q.String()), func(t *testing.T) {
				for _, pl := range plans {
					pe := withPlan(e, pl.plan)
					scoped := q
					// A scope of its own, alike: the catalog's cache goes
					// by contents, not by pointer.
					scoped.Scope = &index.Scope{Depts: sc.scope.Depts, Types: sc.scope.Types, Polygon: sc.scope.Polygon}
					var got []index.Hit
					var want []string
					var total int
					if q.Nearest {
						// The k nearest in the scope are not the scope's
						// share of the k nearest: the first k of all those
						// in the scope, nearest first.
						got = MustSearch(t, pe, scoped).Hits
						total = len(got)
						all, _ := MustSearchAll(t, pe, index.Query{Near: q.Near, Sort: index.SortDistance, RadiusMeters: index.MaxRadiusMeters})
						for _, h := range all {
							if sc.scope.Contains(h.Place) && len(want) < q.Limit {
								want = append(want, h.Place.ID)
							}
						}
					} else {
						all, _ := MustSearchAll(t, pe, q)
						for _, h := range all {
							if sc.scope.Contains(h.Place) {
								want = append(want, h.Place.ID)
							}
						}
						got, total = MustSearchAll(t, pe, scoped)
					}
					if d := diffIDs(hitIDs(got), want); d != "" {
						t.Fatalf("%s: scoped results differ from the unscoped ones in the scope: %s", pl.name, d)
					}
					if total != len(want) {
						t.Errorf("%s: total %d, want %d", pl.name, total, len(want))
					}
					if pl.plan == index.PlanAuto && len(want) > 0 {
						nonEmpty++
					}
					if len(q.Facets) > 0 {
						checkScopedFacets(t, MustSearch(t, pe, q).Facets, MustSearch(t, pe, scoped).Facets, sc.scope)
					}
				}
			})
		}
	}
	// Most cases must find something, or the test proves little.
	if nonEmpty < cases/2 {
		t.Errorf("only %d of %d cases have results in their scope", nonEmpty, cases)
	}
	t.Logf("%d of %d cases have results in their scope", nonEmpty, cases)
}

func diffIDs(got, want []string) string {
	if slices.Equal(got, want) {
		return ""
	}
	return fmt.Sprintf("got %d %v…, want %d %v…", len(got), got[:min(len(got), 5)], len(want), want[:min(len(want), 5)])
}

func checkScopedFacets(tb testing.TB, all, scoped map[string]map[string]int, s *index.Scope) {
	tb.Helper()
	for facet, counts := range scoped {
		for v, n := range counts {
			if n > all[facet][v] {
				tb.Errorf("facet %s=%s counts %d in the scope, %d without", facet, v, n, all[facet][v])
			}
			if facet == index.FacetDept && len(s.Depts) > 0 && n > 0 && !slices.Contains(s.Depts, v) {
				tb.Errorf("facet dept counts %d places in %s, outside the scope %v", n, v, s.Depts)
			}
		}
	}
}

// TestScopeRandom: for random queries and scopes, no result lies outside
// the scope and the total never exceeds the unscoped one.
func TestScopeRandom(t *testing.T) {
	e, _ := MustSynthEngine(t, exactN)
	seed := uint64(rand.Int64())
	t.Logf("seed %d", seed)
	rng := rand.New(rand.NewPCG(seed, 1))
	queries := scopeQueries(t)
	for i := range 300 {
		q := queries[rng.IntN(len(queries))]
		sc := scopes[rng.IntN(len(scopes))].scope
		q.Limit = 1 + rng.IntN(index.MaxLimit)
		q.Offset = rng.IntN(50)
		q.Facets = nil
		if rng.IntN(2) == 0 {
			q.Types = []string{[]string{"fablab", "coworking", "mediation-numerique"}[rng.IntN(3)]}
		}
		scoped := q
		scoped.Scope = sc
		res, err := e.Search(context.Background(), scoped)
		if err != nil {
			t.Fatalf("%d: %s: %v", i, q.String(), err)
		}
		for _, h := range res.Hits {
			if !sc.Contains(h.Place) {
				t.Fatalf("%d: %s scoped to %+v: %s (%s, %v) is outside", i, q.String(), sc, h.Place.ID, h.Place.Dept, h.Place.Types)
			}
		}
		if un := MustSearch(t, e, q); res.Total > un.Total && !q.Nearest {
			t.Errorf("%d: %s: scoped total %d, unscoped %d", i, q.String(), res.Total, un.Total)
		}
	}
}

// TestScopeContains: Contains is what the bitmap says, holes and types
// included.
func TestScopeContains(t *testing.T) {
	in := ingest.Place{ID: "a", Dept: "31", Types: []string{"fablab"}, Lon: 1.30, Lat: 43.5}
	hole := ingest.Place{ID: "b", Dept: "31", Types: []string{"fablab"}, Lon: 1.45, Lat: 43.6}
	for _, tc := range []struct {
		name  string
		scope *index.Scope
		p     ingest.Place
		want  bool
	}{
		{"nil scope", nil, in, true},
		{"empty scope", &index.Scope{}, in, true},
		{"its département", &index.Scope{Depts: []string{"31", "12"}}, in, true},
		{"another département", &index.Scope{Depts: []string{"12"}}, in, false},
		{"its type", &index.Scope{Types: []string{"coworking", "fablab"}}, in, true},
		{"another type", &index.Scope{Types: []string{"coworking"}}, in, false},
		{"in the ring", &index.Scope{Polygon: toulouseRing}, in, true},
		{"in the hole", &index.Scope{Polygon: toulouseRing}, hole, false},
		{"département and polygon", &index.Scope{Depts: []string{"31"}, Polygon: toulouseRing}, in, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.scope.Contains(&tc.p); got != tc.want {
				t.Errorf("Contains = %v, want %v", got, tc.want)
			}
		})
	}
}

// TestScopeClusters: clusters of a scoped box count only the scope.
func TestScopeClusters(t *testing.T) {
	e, places := MustSynthEngine(t, exactN)
	box := geo.Bound{MinLon: 0.5, MinLat: 43.0, MaxLon: 3.5, MaxLat: 45.0}
	for _, sc := range scopes {
		t.Run(sc.name, func(t *testing.T) {
			want := 0
			for i := range places {
				if insideBound(box, places[i].Lon, places[i].Lat) && sc.scope.Contains(&places[i]) {
					want++
				}
			}
			res, err := e.Clusters(context.Background(), index.Query{BBox: &box, Scope: sc.scope}, 8)
			if err != nil {
				t.Fatal(err)
			}
			if res.Total != want {
				t.Errorf("total %d, want %d", res.Total, want)
			}
		})
	}
}

// TestScopeWordsTellNothingOutside: within a territory, a word only
// places outside it hold is said ignored, exactly as a word no place
// holds: which of the two it is would tell a partner of the places it
// may not see.
func TestScopeWordsTellNothingOutside(t *testing.T) {
	e := MustDemoEngine(t)
	ctx := context.Background()
	aveyron := &index.Scope{Depts: []string{"12"}}
	outside := ""
	for _, w := range []string{"montpellier", "perpignan", "nîmes", "tarbes", "carcassonne", "albi", "cahors", "auch"} {
		res, err := e.Search(ctx, index.Query{Text: w, Limit: 100})
		if err != nil {
			t.Fatal(err)
		}
		in := false
		for _, h := range res.Hits {
			in = in || h.Place.Dept == "12"
		}
		if res.Total > 0 && !in {
			outside = w
			break
		}
	}
	if outside == "" {
		t.Fatal("no word of the list is held only outside the Aveyron: the test needs one")
	}
	for _, w := range []string{outside, "zzqxwv"} {
		res, err := e.Search(ctx, index.Query{Text: "coworking " + w, RelaxText: true, Scope: aveyron, Limit: 5})
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Contains(res.TextIgnored, w) || slices.Contains(res.TextRelaxed, w) {
			t.Errorf("%q within the Aveyron: ignored %v, relaxed %v; want it ignored", w, res.TextIgnored, res.TextRelaxed)
		}
	}
	// Without a scope, the word held elsewhere is a real word: relaxed
	// only if it empties the list, never said absent.
	res, err := e.Search(ctx, index.Query{Text: "coworking " + outside, RelaxText: true, Limit: 5})
	if err != nil {
		t.Fatal(err)
	}
	if slices.Contains(res.TextIgnored, outside) {
		t.Errorf("%q without a scope said ignored: %v", outside, res.TextIgnored)
	}
}
