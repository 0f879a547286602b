package index

import (
	"math"
	"slices"
)

// rank sorts matches for the query's sort order, ties by place ID so
// pages are stable.
// Only the first k (offset+limit) end up in order; the rest of ms is left
// as it falls, its distances and scores not necessarily measured.
func (e *Engine) rank(q *Query, ms []match, hasText bool, k int, p *planner) {
	along := p.along
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
	var admit func(m *match, worst *match) bool
	if q.Sort == SortDecay {
		d := newDecay(q, hasText, p)
		if decayBound && k < len(ms)/4 {
			admit = d.admit
		} else {
			for i := range ms {
				d.score(&ms[i])
			}
		}
	}
	if k < len(ms)/4 {
		// Only the first k are shown: select them with a heap (n log k)
		// rather than sort every match.
		selectTop(ms, k, less, admit)
		ms = ms[:k]
	}
	// less is a total order (IDs break ties), so any sort gives the same
	// page; this one needs no reflection.
	slices.SortFunc(ms, func(a, b match) int {
		switch {
		case less(a, b):
			return -1
		case less(b, a):
			return 1
		}
		return 0
	})
}

// decayBound lets a decay order skip the matches a bound of their score
// rules out; off, every match is measured and scored (tests compare).
var decayBound = true

// decay scores matches by relevance weighted by distance: half the score
// at half the radius (or 10 km when unbounded).
type decay struct {
	half    float64
	hasText bool
	p       *planner
	// steps is decaySteps/half: metres to steps of decayTable.
	steps float64
}

func newDecay(q *Query, hasText bool, p *planner) decay {
	half := 10_000.0
	if q.RadiusMeters > 0 {
		half = q.RadiusMeters / 2
	}
	return decay{half: half, hasText: hasText, p: p, steps: decaySteps / half}
}

func (d decay) base(m *match) float64 {
	if !d.hasText {
		return 1
	}
	return m.score
}

// score measures m if need be and sets its final score.
func (d decay) score(m *match) {
	if m.meters == unmeasured {
		m.meters = d.p.rankDistance(m.o)
	}
	m.score = d.base(m) * math.Exp2(-m.meters/d.half)
}

// atMost is at least the final score of m, without an arc sine or an
// exponential: from a bound of its distance (an arc is longer than its
// chord) and the table of powers of two below.
func (d decay) atMost(m *match) float64 {
	meters := m.meters
	if meters == unmeasured {
		meters = d.p.rankDistanceAtLeast(m.o)
	}
	i := meters * d.steps
	if !(i < float64(len(decayTable)-1)) {
		i = float64(len(decayTable) - 1)
	}
	return d.base(m) * decayTable[int(i)] * (1 + 1e-9)
}

// decayTable holds 2^(-i/decaySteps): for x in [i, i+1)/decaySteps
// half-lives, 2^-x is at most decayTable[i] (the margin in atMost covers
// Exp2's rounding). Past the table, places are 64 half-lives away.
const decaySteps = 64

var decayTable = func() (t [64*decaySteps + 1]float64) {
	for i := range t {
		t[i] = math.Exp2(-float64(i) / decaySteps)
	}
	return t
}()

// admit scores m for selectTop, unless a bound of its score already puts
// it below worst, the worst match kept (nil while the heap fills). In a
// dense area most matches are far: their distances are never measured.
func (d decay) admit(m *match, worst *match) bool {
	// Scores come first, then distance and ID: below the worst score
	// kept, a match cannot enter. The decay is at most 1, so relevance
	// alone may rule m out before its distance is bounded.
	if worst != nil && (d.base(m)*(1+1e-9) < worst.score || d.atMost(m) < worst.score) {
		return false
	}
	d.score(m)
	return true
}

// selectTop moves the k smallest matches under less to ms[:k], in no
// order, keeping a max-heap of the best so far. admit, when not nil,
// readies each match before it is compared, or turns it away (false)
// when it cannot beat the worst kept.
func selectTop(ms []match, k int, less func(a, b match) bool, admit func(m *match, worst *match) bool) {
	if k <= 0 {
		return
	}
	h := ms[:k]
	if admit != nil {
		for i := range h {
			admit(&h[i], nil)
		}
	}
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
		if admit != nil && !admit(&ms[i], &h[0]) {
			continue
		}
		if less(ms[i], h[0]) {
			h[0], ms[i] = ms[i], h[0]
			down(0)
		}
	}
}
