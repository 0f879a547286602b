package index

import (
	"math"

	"github.com/tierslieux/tierslieux/geo"
)

// ringsServe says whether decayRings serves the query: text ordered by
// relevance and distance in a disc, ranked, with no filter on the hours
// (their unknowns are counted one by one) and a page small beside the
// matches.
func (p *planner) ringsServe() bool {
	q := p.q
	return decayBound && p.ranked && q.Sort == SortDecay && p.text != nil && p.scores == nil &&
		q.Near != nil && q.RadiusMeters > 0 && q.BBox == nil && p.f.open == nil
}

// ringsFirstPages is how many pages (offset + limit) of matches the
// first disc is sized to hold, were they spread evenly: a disc holding a
// few pages' worth usually holds the page.
const ringsFirstPages = 4

// decayRings returns the candidates of a text query ordered by relevance
// and distance in a disc, counting the matches of the whole disc but
// scoring only those of an inner disc that holds the page: a match at
// more than r from the point scores at most the text's best score times
// the decay at r, so once the k best within r (k = offset + limit)
// score more than that, no match beyond can enter the page. In a dense
// area that leaves most matches counted (the conditions' bitmaps over
// the cells' runs) but never scored, measured nor ranked. The disc
// doubles until the page is certain, up to the whole radius. What it
// returns is what geoCandidates and filter would for the inner disc,
// with their text scores; the total is the whole disc's (ringTotal).
func (p *planner) decayRings(bits allOf) []match {
	q := p.q
	k := q.Offset + q.Limit
	full := geo.NewCircle(q.Near.Lon, q.Near.Lat, q.RadiusMeters)
	keep := func(o uint32) bool { return p.f.pass(o) && p.f.static(o) }
	// bits holds the filters' bitmaps (and no hours filter applies): the
	// places of a run inside the disc are counted a word at a time.
	total := 0
	cells := p.cat.cells
	cells.Cover(full, func(lo, hi int, inside bool) bool {
		if inside {
			total += bits.countRange(uint32(lo), uint32(hi))
			return p.live()
		}
		// keep holds for every place of bits here (no hours filter;
		// bits holds the filters' bitmaps), as for the runs inside.
		total += bits.countIn(cells, full, uint32(lo), uint32(hi))
		return p.live()
	})
	p.ringTotal = total
	r := q.RadiusMeters
	if total > ringsFirstPages*k {
		r *= math.Sqrt(float64(ringsFirstPages*k) / float64(total))
	}
	most := p.text.most()
	d := newDecay(q, true, p)
	out := p.scratch()
	// The k best final scores so far, the worst on top; made whole at
	// once rather than grown an append at a time.
	best := make(scoreHeap, 0, min(k, 1<<12))
	var inner *geo.Circle
	for p.err == nil {
		disc := full
		if r < q.RadiusMeters {
			disc = geo.NewCircle(q.Near.Lon, q.Near.Lat, r)
		}
		p.eachIn(disc, bits, func(o uint32) bool {
			if (inner == nil || !p.cat.cells.Contains(inner, int(o))) && keep(o) {
				m := match{o: o, meters: unmeasured}
				m.score, _ = p.text.score(o)
				// A match whose bound cannot beat the k-th best would
				// leave the heap as it is: its arc sine and power wait
				// for the ranking, which is likely never to need them.
				// The distance measured is the one rank would measure.
				if len(best) < k || k > 0 && d.atMost(&m) > best[0] {
					m.meters = p.rankDistance(o)
					best.offer(m.score*math.Exp2(-m.meters/d.half), k)
				}
				out = append(out, m)
			}
			return p.live()
		})
		// Beyond r, a match scores at most most × 2^(-r/half); the
		// margin covers the rounding of distances and powers.
		if disc == full || len(best) == k && best[0] > most*math.Exp2(-r/d.half)*(1+1e-6) {
			break
		}
		inner, r = disc, min(2*r, q.RadiusMeters)
	}
	p.keepScratch(out)
	return out
}

// scoreHeap keeps the k largest scores offered, the smallest of them
// first.
type scoreHeap []float64

func (h *scoreHeap) offer(s float64, k int) {
	b := *h
	if len(b) < k {
		b = append(b, s)
		for i := len(b) - 1; i > 0 && b[(i-1)/2] > b[i]; i = (i - 1) / 2 {
			b[i], b[(i-1)/2] = b[(i-1)/2], b[i]
		}
		*h = b
		return
	}
	if k == 0 || s <= b[0] {
		return
	}
	b[0] = s
	for i := 0; ; {
		l, r, small := 2*i+1, 2*i+2, i
		if l < len(b) && b[l] < b[small] {
			small = l
		}
		if r < len(b) && b[r] < b[small] {
			small = r
		}
		if small == i {
			return
		}
		b[i], b[small] = b[small], b[i]
		i = small
	}
}
