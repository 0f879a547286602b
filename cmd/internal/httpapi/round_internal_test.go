package httpapi

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestRound: the table of powers gives what math.Pow gives, so every
// number rounds as before, over random values at every precision used.
func TestRound(t *testing.T) {
	for d := range len(powersOf10) {
		if p := math.Pow(10, float64(d)); p != powersOf10[d] {
			t.Fatalf("10^%d: table %v, Pow %v", d, powersOf10[d], p)
		}
	}
	rng := rand.New(rand.NewPCG(3, 4))
	for range 100_000 {
		v := (rng.Float64() - 0.5) * math.Pow(10, float64(rng.IntN(12)-3))
		for _, d := range []int{0, 3, 4, 6, 12} {
			p := math.Pow(10, float64(d))
			if got, want := round(v, d), math.Round(v*p)/p; got != want && !(math.IsNaN(got) && math.IsNaN(want)) {
				t.Fatalf("round(%v, %d) = %v, want %v", v, d, got, want)
			}
		}
	}
}
