package geo

import (
	"math/rand/v2"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
)

// TestGridStaysSmall prepares adversarial polygons of MaxPolygonVertices
// (every edge long, crossing the whole bound) and checks the grid keeps
// to its budget of local entries, and still answers as orb does.
func TestGridStaysSmall(t *testing.T) {
	const n = MaxPolygonVertices - 1
	zigzag := func(w, h float64) Polygon {
		ring := make([][2]float64, 0, n+1)
		for i := range n {
			x := w * float64(i) / n
			y := 0.0
			if i%2 == 1 {
				y = h
			}
			ring = append(ring, [2]float64{x, y})
		}
		return Polygon{append(ring, ring[0])}
	}
	rng := rand.New(rand.NewPCG(1, 1))
	scribble := make([][2]float64, n)
	for i := range scribble {
		scribble[i] = [2]float64{rng.Float64() * 10, rng.Float64() * 10}
	}
	for _, tc := range []struct {
		name string
		p    Polygon
	}{
		{"tall zigzag", zigzag(0.01, 50)},
		{"wide zigzag", zigzag(50, 0.01)},
		{"square zigzag", zigzag(10, 10)},
		{"scribble", Polygon{append(scribble, scribble[0])}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			pp := PreparePolygon(tc.p)
			g := pp.grid
			if limit := maxEntriesPerEdge*len(g.edges) + 4096; len(g.localEdges) > limit {
				t.Errorf("%d local entries for %d edges, over %d", len(g.localEdges), len(g.edges), limit)
			}
			t.Logf("%d×%d cells, %d local entries for %d edges", g.nx, g.ny, len(g.localEdges), len(g.edges))
			op := toOrb(tc.p)
			b := pp.Bound()
			for range 2000 {
				lon := b.MinLon + rng.Float64()*(b.MaxLon-b.MinLon)
				lat := b.MinLat + rng.Float64()*(b.MaxLat-b.MinLat)
				if got, want := pp.Contains(lon, lat), planar.PolygonContains(op, orb.Point{lon, lat}); got != want {
					t.Fatalf("Contains(%v, %v) = %v, orb says %v", lon, lat, got, want)
				}
			}
		})
	}
}
