package geo

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// TestCellStartsAgree: a cover read through the table of cell starts
// visits the same runs as one that searches for them.
func TestCellStartsAgree(t *testing.T) {
	rng := rand.New(rand.NewPCG(21, 22))
	n := 50_000
	lon, lat := make([]float64, n), make([]float64, n)
	for i := range n {
		// Most around a city, some anywhere: dense and empty cells.
		if i%4 == 0 {
			lon[i], lat[i] = rng.Float64()*360-180, rng.Float64()*180-90
		} else {
			lon[i], lat[i] = 2.35+rng.NormFloat64()*0.3, 48.85+rng.NormFloat64()*0.2
		}
	}
	order := CellOrder(lon, lat)
	sl, sa := make([]float64, n), make([]float64, n)
	for i, o := range order {
		sl[i], sa[i] = lon[o], lat[o]
	}
	with := NewCells(sl, sa)
	if with.startLevel < 0 {
		t.Fatal("no table of cell starts for 50,000 points")
	}
	without := *with
	without.startLevel = -1
	runs := func(c *Cells, a Area) (out [][3]int) {
		c.Cover(a, func(lo, hi int, inside bool) bool {
			b := 0
			if inside {
				b = 1
			}
			out = append(out, [3]int{lo, hi, b})
			return true
		})
		return out
	}
	for i := range 300 {
		var a Area
		if i%2 == 0 {
			a = NewCircle(2.35+rng.NormFloat64()*0.5, 48.85+rng.NormFloat64()*0.5, rng.Float64()*100_000)
		} else {
			x, y := rng.Float64()*360-180, rng.Float64()*170-85
			a = Box(Bound{MinLon: x, MinLat: y, MaxLon: min(180, x+rng.Float64()*20), MaxLat: min(90, y+rng.Float64()*10)})
		}
		if got, want := runs(with, a), runs(&without, a); !slices.Equal(got, want) {
			t.Fatalf("area %d: %d runs with the table, %d without", i, len(got), len(want))
		}
	}
}
