package indextest

import (
	"fmt"
	"slices"
	"sort"
	"testing"

	"github.com/tierslieux/tierslieux/index"
)

// Found is one place a brute-force oracle finds, with its distance from
// the query's point.
type Found struct {
	ID     string
	Meters float64
}

// SortByDistance sorts nearest first, ties by ID.
func SortByDistance(fs []Found) {
	sort.Slice(fs, func(i, j int) bool {
		if fs[i].Meters != fs[j].Meters {
			return fs[i].Meters < fs[j].Meters
		}
		return fs[i].ID < fs[j].ID
	})
}

// FoundIDs lists the IDs of what an oracle found, in order.
func FoundIDs(fs []Found) []string {
	ids := make([]string, len(fs))
	for i, f := range fs {
		ids[i] = f.ID
	}
	return ids
}

// CheckDistanceOrder checks hits are nearest first, ties by ID, and carry
// the oracle's distances.
func CheckDistanceOrder(tb testing.TB, hits []index.Hit, want []Found) {
	tb.Helper()
	for i, h := range hits {
		if !h.HasDistance {
			tb.Fatalf("hit %d (%s) has no distance", i, h.Place.ID)
		}
		if i < len(want) && h.Place.ID == want[i].ID && h.Meters != want[i].Meters {
			tb.Fatalf("hit %d (%s) at %v m, brute force says %v m", i, h.Place.ID, h.Meters, want[i].Meters)
		}
		if i > 0 {
			a, b := hits[i-1], h
			if a.Meters > b.Meters || (a.Meters == b.Meters && a.Place.ID >= b.Place.ID) {
				tb.Fatalf("hits %d and %d out of order: %s at %v m then %s at %v m", i-1, i, a.Place.ID, a.Meters, b.Place.ID, b.Meters)
			}
		}
	}
}

// DiffIDs describes how got and want differ, or returns "".
func DiffIDs(got, want []string) string {
	if slices.Equal(got, want) {
		return ""
	}
	g, w := map[string]bool{}, map[string]bool{}
	for _, id := range got {
		g[id] = true
	}
	for _, id := range want {
		w[id] = true
	}
	var extra, missing []string
	for _, id := range got {
		if !w[id] {
			extra = append(extra, id)
		}
	}
	for _, id := range want {
		if !g[id] {
			missing = append(missing, id)
		}
	}
	first := 0
	for first < min(len(got), len(want)) && got[first] == want[first] {
		first++
	}
	at := func(l []string) string {
		if first < len(l) {
			return l[first]
		}
		return "(end)"
	}
	five := func(l []string) []string { return l[:min(len(l), 5)] }
	return fmt.Sprintf("%d results, want %d; %d extra %q, %d missing %q; first difference at %d: %s, want %s",
		len(got), len(want), len(extra), five(extra), len(missing), five(missing), first, at(got), at(want))
}
