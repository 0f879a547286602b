package index

import (
	"math"
	"sort"
)

// rank sorts matches for the query's sort order, ties by place ID so
// pages are stable.
// Only the first k (offset+limit) end up in order; the rest of ms is left
// as it falls.
func (e *Engine) rank(q *Query, ms []match, hasText bool, k int, along map[uint32]float64) {
	if q.Sort == SortDecay {
		// Half the score at half the radius (or 10 km when unbounded).
		half := 10_000.0
		if q.RadiusMeters > 0 {
			half = q.RadiusMeters / 2
		}
		for i := range ms {
			base := ms[i].score
			if !hasText {
				base = 1
			}
			ms[i].score = base * math.Exp2(-ms[i].meters/half)
		}
	}
	id := func(m match) string { return e.cat.places.id(m.o) }
	byName := !hasText && q.Sort == SortRelevance
	var rank []uint32
	if byName {
		rank = e.cat.nameRank()
	}
	less := func(a, b match) bool {
		switch {
		case q.Sort == SortAlong:
			if la, lb := along[a.o], along[b.o]; la != lb {
				return la < lb
			}
			if a.meters != b.meters {
				return a.meters < b.meters
			}
		case q.Sort == SortDistance || q.Sort == SortDetour:
			// A trip's distance is its detour.
			if a.meters != b.meters {
				return a.meters < b.meters
			}
			if a.score != b.score {
				return a.score > b.score
			}
		case byName:
			// Nothing to rank by: alphabetical reads best in a list.
			// The order by name ranks the same, ID ties included.
			return rank[a.o] < rank[b.o]
		default:
			if a.score != b.score {
				return a.score > b.score
			}
			if a.meters != b.meters {
				return a.meters < b.meters
			}
		}
		return id(a) < id(b)
	}
	if k < len(ms)/4 {
		// Only the first k are shown: select them with a heap (n log k)
		// rather than sort every match.
		selectTop(ms, k, less)
		ms = ms[:k]
	}
	sort.Slice(ms, func(i, j int) bool { return less(ms[i], ms[j]) })
}

// selectTop moves the k smallest matches under less to ms[:k], in no
// order, keeping a max-heap of the best so far.
func selectTop(ms []match, k int, less func(a, b match) bool) {
	if k <= 0 {
		return
	}
	h := ms[:k]
	down := func(i int) {
		for {
			l, r, big := 2*i+1, 2*i+2, i
			if l < k && less(h[big], h[l]) {
				big = l
			}
			if r < k && less(h[big], h[r]) {
				big = r
			}
			if big == i {
				return
			}
			h[i], h[big] = h[big], h[i]
			i = big
		}
	}
	for i := k/2 - 1; i >= 0; i-- {
		down(i)
	}
	for i := k; i < len(ms); i++ {
		if less(ms[i], h[0]) {
			h[0], ms[i] = ms[i], h[0]
			down(0)
		}
	}
}
