package index

import (
	"math/rand/v2"
	"strconv"
	"testing"

	"github.com/tierslieux/tierslieux/ingest"
)

// TestPermute: the in-place reordering puts at i the place that was at
// order[i], for permutations of every shape (identity, one cycle, many).
func TestPermute(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for _, n := range []int{0, 1, 2, 3, 10, 1000} {
		for trial := range 5 {
			order := r.Perm(n)
			if trial == 0 {
				for i := range order {
					order[i] = i
				}
			}
			places := make([]ingest.Place, n)
			for i := range places {
				places[i].ID = strconv.Itoa(i)
			}
			permute(places, order)
			for i, o := range order {
				if places[i].ID != strconv.Itoa(o) {
					t.Fatalf("n=%d trial %d: place %d is %s, want %d", n, trial, i, places[i].ID, o)
				}
			}
		}
	}
}
