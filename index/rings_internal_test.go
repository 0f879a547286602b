package index

import (
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/tierslieux/tierslieux/index/text"
)

// TestMostWeight: the largest sum of boosts over the fields holding a
// term is what a place by place sum finds, for random sets.
func TestMostWeight(t *testing.T) {
	fields := []text.Field{{Name: "a", Boost: 3}, {Name: "b", Boost: 2}, {Name: "c", Boost: 1.5}, {Name: "d", Boost: 0.25}}
	rng := rand.New(rand.NewPCG(3, 4))
	for range 300 {
		n := 1 + rng.IntN(700)
		sets := make([]bitset, len(fields))
		for i := range sets {
			sets[i] = newBitset(n)
			density := rng.Float64() * 0.05
			for o := range uint32(n) {
				if rng.Float64() < density {
					sets[i].set(o)
				}
			}
		}
		want := 0.0
		for o := range uint32(n) {
			s := 0.0
			for i, b := range sets {
				if b.has(o) {
					s += fields[i].Boost
				}
			}
			want = max(want, s)
		}
		if got := mostWeight(sets, fields); got != want {
			t.Fatalf("mostWeight = %v, want %v", got, want)
		}
	}
	if got := mostWeight(nil, fields); got != 0 {
		t.Errorf("no sets: %v", got)
	}
}

// TestScoreHeap: offer keeps the k largest scores, the smallest first.
func TestScoreHeap(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for range 200 {
		k := rng.IntN(12)
		var h scoreHeap
		var all []float64
		for range rng.IntN(60) {
			s := float64(rng.IntN(20))
			all = append(all, s)
			h.offer(s, k)
		}
		slices.Sort(all)
		slices.Reverse(all)
		want := all[:min(k, len(all))]
		got := slices.Clone(h)
		slices.Sort(got)
		slices.Reverse(got)
		if !slices.Equal(got, want) {
			t.Fatalf("k=%d: kept %v, want %v", k, got, want)
		}
		if len(h) > 0 && h[0] != slices.Min(h) {
			t.Fatalf("top %v is not the smallest of %v", h[0], h)
		}
	}
}
