package geo

import (
	"cmp"
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

// TestMetersAtLeast: the cheap bound never exceeds the distance the ruler
// measures, from points all over the sphere and at every scale, and
// stays within 0.2% of it below 100 km.
func TestMetersAtLeast(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 5))
	type pt struct{ lon, lat float64 }
	pts := make([]pt, 20000)
	for i := range pts {
		pts[i] = pt{rng.Float64()*360 - 180, rng.Float64()*180 - 90}
	}
	slices.SortFunc(pts, func(a, b pt) int { return cmp.Compare(CellKey(a.lon, a.lat), CellKey(b.lon, b.lat)) })
	lon, lat := make([]float64, len(pts)), make([]float64, len(pts))
	for i, p := range pts {
		lon[i], lat[i] = p.lon, p.lat
	}
	c := NewCells(lon, lat)
	for range 200 {
		// From a point of the set, a hair away, or anywhere.
		i := rng.IntN(len(pts))
		from := pts[i]
		switch rng.IntN(3) {
		case 0:
			from.lon += (rng.Float64()*2 - 1) * 1e-7
		case 1:
			from = pt{rng.Float64()*360 - 180, rng.Float64()*180 - 90}
		}
		r := NewRuler(from.lon, from.lat)
		for j := range pts {
			m, b := r.Meters(c, j), r.MetersAtLeast(c, j)
			if b > m {
				t.Fatalf("from (%g, %g) to point %d: bound %g above %g", from.lon, from.lat, j, b, m)
			}
			if m < 100_000 && b < m*0.998 {
				t.Fatalf("from (%g, %g) to point %d: bound %g, distance %g", from.lon, from.lat, j, b, m)
			}
		}
	}
}

// TestCurveTurn: the place of every child along the curve, found a level
// at a time from its parent's turn, is the one hilbert finds from the
// whole key, down to the seventh level.
func TestCurveTurn(t *testing.T) {
	var walk func(level int, cx, cy uint32, turn curveTurn)
	checked := 0
	walk = func(level int, cx, cy uint32, turn curveTurn) {
		if level == 7 {
			return
		}
		shift := uint(cellBits - level - 1)
		for i := range uint32(4) {
			x, y := cx*2+(i&1), cy*2+(i>>1)
			j, childTurn := turn.child(x, y)
			if want := int(hilbert(x<<shift, y<<shift)>>(2*shift)) & 3; j != want {
				t.Fatalf("level %d cell (%d, %d): place %d along the curve, hilbert says %d", level+1, x, y, j, want)
			}
			checked++
			walk(level+1, x, y, childTurn)
		}
	}
	walk(0, 0, 0, 0)
	if checked != 4+16+64+256+1024+4096+16384 {
		t.Errorf("%d cells checked", checked)
	}
	// And down every level to the grid's, towards random points: the key
	// is the places along the way.
	r := rand.New(rand.NewPCG(4, 4))
	for range 2000 {
		gx, gy := r.Uint32N(cellGrid), r.Uint32N(cellGrid)
		var turn curveTurn
		var key uint32
		for level := 1; level <= cellBits; level++ {
			shift := uint(cellBits - level)
			var j int
			j, turn = turn.child(gx>>shift, gy>>shift)
			key = key<<2 | uint32(j)
		}
		if want := hilbert(gx, gy); key != want {
			t.Fatalf("grid (%d, %d): key %d from the turns, hilbert says %d", gx, gy, key, want)
		}
	}
}
