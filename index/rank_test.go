package index_test

import (
	"context"
	"math/rand/v2"
	"testing"

	"github.com/tierslieux/tierslieux/index"
)

// TestDecayBoundChangesNothing: a decay order that skips the matches a
// bound of their score rules out returns what scoring every match
// returns, hit for hit (ID, score, distance), on random text queries
// around places in dense and sparse areas, with and without a radius,
// type and service filters, over pages at random offsets.
func TestDecayBoundChangesNothing(t *testing.T) {
	e, places := MustSynthEngine(t, exactN)
	rng := rand.New(rand.NewPCG(2026, 11))
	words := []string{"coworking", "fablab", "numérique", "bureaux", "atelier", "synthétique", "impression 3d", "café", "tiers-lieu", "coworking fibre", "point numérique"}
	ctx := context.Background()
	var pruned, checked int
	for i := range 400 {
		p := places[rng.IntN(len(places))]
		q := index.Query{
			Text:   words[rng.IntN(len(words))],
			Near:   &index.Anchor{Lat: p.Lat + (rng.Float64()-0.5)*0.1, Lon: p.Lon + (rng.Float64()-0.5)*0.1},
			Sort:   index.SortDecay,
			Limit:  1 + rng.IntN(30),
			Offset: []int{0, 0, 0, 5, 20, 60}[rng.IntN(6)],
		}
		if i%4 != 0 {
			q.RadiusMeters = []float64{2_000, 10_000, 30_000, 80_000, 80_000}[rng.IntN(5)]
		}
		// Filters too: their bitmaps are counted with the text's.
		switch i % 3 {
		case 1:
			q.Types = [][]string{{"coworking"}, {"fablab"}, {"mediation-numerique"}, {"coworking", "fablab"}}[rng.IntN(4)]
		case 2:
			q.Services = [][]string{{"fibre"}, {"impression-3d"}, {"wifi"}}[rng.IntN(3)]
		}
		restore := index.SetDecayBound(false)
		want, err := e.Search(ctx, q)
		restore()
		if err != nil {
			t.Fatal(err)
		}
		got, err := e.Search(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		if got.Total != want.Total || len(got.Hits) != len(want.Hits) {
			t.Fatalf("%+v: total %d, %d hits; every match scored: %d, %d", q, got.Total, len(got.Hits), want.Total, len(want.Hits))
		}
		for j := range got.Hits {
			g, w := got.Hits[j], want.Hits[j]
			if g.Place.ID != w.Place.ID || g.Score != w.Score || g.Meters != w.Meters {
				t.Fatalf("%+v: hit %d is %s (score %v, %v m); every match scored: %s (score %v, %v m)",
					q, j, g.Place.ID, g.Score, g.Meters, w.Place.ID, w.Score, w.Meters)
			}
		}
		checked++
		if (q.Offset+q.Limit)*4 < got.Total {
			pruned++
		}
	}
	// The bound must have had matches to skip for the test to say anything.
	if pruned < checked/4 {
		t.Fatalf("only %d of %d queries went through the bounded selection", pruned, checked)
	}
	t.Logf("%d queries, %d through the bounded selection", checked, pruned)
}

// TestGeoFirstScoresAlike: where the planner's own choice is the area
// first (filters and text as one bitmap, scored as they are kept), the
// answer is, to the bit, the forced geo-first plan's (which scores the
// area's places into a set first): same places, scores and distances.
func TestGeoFirstScoresAlike(t *testing.T) {
	e, places := MustSynthEngine(t, exactN)
	geoFirst := withPlan(e, index.PlanGeoFirst)
	rng := rand.New(rand.NewPCG(5, 8))
	words := []string{"coworking", "fablab", "numérique", "synthétique", "atelier", "café", "coworking fibre"}
	ctx := context.Background()
	compared := 0
	for range 300 {
		p := places[rng.IntN(len(places))]
		q := index.Query{Text: words[rng.IntN(len(words))], Near: &index.Anchor{Lat: p.Lat, Lon: p.Lon},
			RadiusMeters: []float64{3_000, 15_000, 40_000}[rng.IntN(3)], Limit: 20}
		if rng.IntN(2) == 0 {
			q.Types = []string{"coworking"}
		}
		auto, err := e.Search(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		if auto.Plan != index.PlanGeoFirst {
			continue
		}
		forced, err := geoFirst.Search(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		if auto.Total != forced.Total || len(auto.Hits) != len(forced.Hits) {
			t.Fatalf("%s: total %d, %d hits; forced geo-first: %d, %d", q.String(), auto.Total, len(auto.Hits), forced.Total, len(forced.Hits))
		}
		for i := range auto.Hits {
			a, f := auto.Hits[i], forced.Hits[i]
			if a.Place.ID != f.Place.ID || a.Score != f.Score || a.Meters != f.Meters {
				t.Fatalf("%s: hit %d is %s (%v, %v m); forced geo-first: %s (%v, %v m)", q.String(), i, a.Place.ID, a.Score, a.Meters, f.Place.ID, f.Score, f.Meters)
			}
		}
		compared++
	}
	if compared < 50 {
		t.Fatalf("only %d queries planned area first", compared)
	}
}
