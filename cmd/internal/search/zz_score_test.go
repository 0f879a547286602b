package search_test

import (
	"os"
	"testing"

	"github.com/tierslieux/tierslieux/cmd/internal/search"
)

func TestZZScore(t *testing.T) {
	if os.Getenv("ZZS") == "" {
		t.Skip()
	}
	e, _ := MustSynthEngine(t, exactN)
	q := search.Query{Text: "atelier", Near: &search.Anchor{Lat: 43.60426, Lon: 1.44367}, RadiusMeters: 30_000}
	a := MustSearch(t, withPlan(e, search.PlanGeoFirst), search.Query(q))
	b := MustSearch(t, withPlan(e, search.PlanTextFirst), q)
	for i := range a.Hits {
		x, y := a.Hits[i], b.Hits[i]
		t.Logf("%2d %s %.6f %.1f | %s %.6f %.1f", i, x.Place.ID, x.Score, x.Meters, y.Place.ID, y.Score, y.Meters)
	}
}
