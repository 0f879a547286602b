package index

import (
	"math/rand/v2"
	"testing"
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
