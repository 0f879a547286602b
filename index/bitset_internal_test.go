package index

import (
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/tierslieux/tierslieux/geo"
)

// TestCountRange: counting a range of a set by words equals counting it
// place by place, at every alignment.
func TestCountRange(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for _, n := range []int{1, 63, 64, 65, 200, 1000} {
		b := newBitset(n)
		for i := range n {
			if r.IntN(3) == 0 {
				b.set(uint32(i))
			}
		}
		for lo := 0; lo <= n; lo++ {
			for hi := lo; hi <= n; hi += 1 + r.IntN(7) {
				want := 0
				for i := lo; i < hi; i++ {
					if b.has(uint32(i)) {
						want++
					}
				}
				if got := b.countRange(uint32(lo), uint32(hi)); got != want {
					t.Fatalf("n %d: countRange(%d, %d) = %d, want %d", n, lo, hi, got, want)
				}
				var seen []uint32
				b.eachRange(uint32(lo), uint32(hi), func(o uint32) bool { seen = append(seen, o); return true })
				if len(seen) != want {
					t.Fatalf("n %d: eachRange(%d, %d) saw %d, want %d", n, lo, hi, len(seen), want)
				}
				for i, o := range seen {
					if !b.has(o) || int(o) < lo || int(o) >= hi || (i > 0 && seen[i-1] >= o) {
						t.Fatalf("n %d: eachRange(%d, %d) gave %v", n, lo, hi, seen)
					}
				}
			}
		}
	}
}

// TestAllOfCountRange: counting the places of a range in every set by
// words equals counting what eachRange visits, at every alignment.
func TestAllOfCountRange(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for _, n := range []int{1, 64, 130, 1000} {
		var a allOf
		for range 1 + r.IntN(3) {
			b := newBitset(n)
			for i := range n {
				if r.IntN(2) == 0 {
					b.set(uint32(i))
				}
			}
			a = append(a, b)
		}
		for lo := 0; lo <= n; lo++ {
			for hi := lo; hi <= n; hi += 1 + r.IntN(9) {
				want := 0
				a.eachRange(uint32(lo), uint32(hi), func(uint32) bool { want++; return true })
				if got := a.countRange(uint32(lo), uint32(hi)); got != want {
					t.Fatalf("n %d, %d sets: countRange(%d, %d) = %d, want %d", n, len(a), lo, hi, got, want)
				}
			}
		}
	}
}

// TestAllOfInArea: the places of a range in every set (or every place,
// with no set) that lie in an area, counted by countIn and visited by
// eachIn a word at a time, are those a place by place test keeps, in
// order; eachIn stops when asked.
func TestAllOfInArea(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	const n = 3000
	lon, lat := make([]float64, n), make([]float64, n)
	for i := range n {
		lon[i], lat[i] = 1.4+r.NormFloat64()*0.2, 43.6+r.NormFloat64()*0.15
	}
	order := geo.CellOrder(lon, lat)
	slon, slat := make([]float64, n), make([]float64, n)
	for i, o := range order {
		slon[i], slat[i] = lon[o], lat[o]
	}
	cells := geo.NewCells(slon, slat)
	for range 200 {
		var a allOf
		for range r.IntN(3) {
			b := newBitset(n)
			for i := range n {
				if r.IntN(3) > 0 {
					b.set(uint32(i))
				}
			}
			a = append(a, b)
		}
		j := r.IntN(n)
		area := geo.Area(geo.NewCircle(slon[j], slat[j], r.Float64()*20_000))
		if r.IntN(2) == 0 {
			area = geo.Box{MinLon: slon[j] - 0.1, MinLat: slat[j] - 0.05, MaxLon: slon[j] + r.Float64()*0.2, MaxLat: slat[j] + 0.05}
		}
		lo := r.IntN(n)
		hi := lo + r.IntN(n-lo+1)
		var want []uint32
		for o := uint32(lo); o < uint32(hi); o++ {
			in := true
			for _, b := range a {
				in = in && b.has(o)
			}
			if in && cells.Contains(area, int(o)) {
				want = append(want, o)
			}
		}
		var got []uint32
		if !a.eachIn(cells, area, uint32(lo), uint32(hi), func(o uint32) bool { got = append(got, o); return true }) {
			t.Fatal("eachIn stopped by itself")
		}
		if !slices.Equal(got, want) {
			t.Fatalf("%d sets, %+v, [%d, %d): eachIn %v, want %v", len(a), area, lo, hi, got, want)
		}
		if c := a.countIn(cells, area, uint32(lo), uint32(hi)); c != len(want) {
			t.Fatalf("%d sets, %+v, [%d, %d): countIn %d, want %d", len(a), area, lo, hi, c, len(want))
		}
		if len(want) > 1 {
			var first []uint32
			a.eachIn(cells, area, uint32(lo), uint32(hi), func(o uint32) bool { first = append(first, o); return false })
			if !slices.Equal(first, want[:1]) {
				t.Fatalf("eachIn went on after false: %v", first)
			}
		}
	}
}
