package index

import (
	"math"

	"github.com/tierslieux/tierslieux/geo"
)

// countableArea is the area of a query the planner can answer by counting
// and a nearest-first walk, or nil: a disc or a box sorted by distance
// from a point, with filters but no text and no facets, the queries of
// map views and "around here" lists.
func (p *planner) countableArea() geo.Area {
	q := p.q
	if q.everyMatch || p.text != nil || len(q.Facets) > 0 || q.Nearest || q.AutoRadius || q.Trip != nil || q.Polygon != nil ||
		q.Sort != SortDistance || q.Near == nil {
		return nil
	}
	switch {
	case q.BBox != nil && q.RadiusMeters == 0:
		return geo.Box(*q.BBox)
	case q.BBox == nil && q.RadiusMeters > 0:
		return geo.NewCircle(q.Near.Lon, q.Near.Lat, q.RadiusMeters)
	}
	return nil
}

// countThenNearest answers a countable query: the total counted over the
// cells of the area, whole runs of places at a time where a cell lies
// inside it, then the first offset+limit places found in the smallest
// disc that holds them. Neither step measures a distance to more than a
// few times the places returned and the places along the edges.
func (p *planner) countThenNearest(res *Result, a geo.Area) (*Result, []match) {
	q := p.q
	res.Total, res.UnknownHours = p.countArea(a)
	k := min(q.Offset+q.Limit, res.Total)
	if k == 0 || p.err != nil {
		return res, []match{}
	}
	// A walk nearest first passes over the places the filters reject:
	// cheap when most pass, long when few do. Then counting discs wins.
	var out []match
	if p.f.all == nil || p.f.all.count()*5 > p.cat.Len() {
		out = p.walkNearest(k)
	} else {
		out = p.discNearest(a, k, res.Total)
	}
	if p.err != nil {
		return res, []match{}
	}
	return res, out
}

// walkNearest finds the k places of the area nearest the point that pass
// the filters, and those as far as the k-th (ties go to rank, by ID):
// the cells opened nearest first (geo.Cells.Nearest).
func (p *planner) walkNearest(k int) []match {
	q := p.q
	hits := p.cat.cells.Nearest(q.Near.Lon, q.Near.Lat, k, q.RadiusMeters, func(i int) bool {
		o := uint32(i)
		return (q.BBox == nil || p.cat.inBound(o, q.BBox)) && p.f.pass(o)
	}, p.live)
	out := make([]match, len(hits))
	for i, h := range hits {
		out[i] = match{o: h.ID, meters: h.Meters}
	}
	p.measured = true
	return out
}

// discNearest finds the k nearest in the smallest disc around the point
// that holds k of the area's places: discs are counted (by runs of the
// cells) until one holds k to 3k, then only its places are measured.
func (p *planner) discNearest(a geo.Area, k, total int) []match {
	q := p.q
	near := q.Near
	far := q.RadiusMeters
	if q.BBox != nil {
		far = geo.FarthestMeters(near.Lon, near.Lat, *q.BBox)
	}
	// Counting a disc costs about its edge; measuring its places, about
	// its area: find one holding k to 3k places, then measure those.
	count := func(r float64) int {
		n, _ := p.countArea(geo.Both(a, geo.NewCircle(near.Lon, near.Lat, r)))
		return n
	}
	r, n := far, total
	if total > 3*k {
		// As if the places were spread evenly over the area.
		r = far * math.Sqrt(float64(k)/float64(total))
		n = count(r)
	}
	lo := 0.0 // a radius holding fewer than k
	for i := 0; i < 24 && n < k && r < far && p.err == nil; i++ {
		lo = r
		grow := 2.0
		if n > 0 {
			grow = math.Min(4, math.Max(1.2, 1.3*math.Sqrt(float64(k)/float64(n))))
		}
		if r = math.Min(far, r*grow); r < far {
			n = count(r)
		}
	}
	for i := 0; i < 8 && n > 3*k && r < far && p.err == nil; i++ {
		mid := math.Max(lo+(r-lo)/8, r*math.Sqrt(2*float64(k)/float64(n)))
		if m := count(mid); m >= k {
			r, n = mid, m
		} else {
			lo = mid
		}
	}
	disc := a
	if r < far {
		disc = geo.Both(a, geo.NewCircle(near.Lon, near.Lat, r))
	}
	out := make([]match, 0, 2*k)
	p.eachIn(disc, p.f.bits(), func(o uint32) bool {
		if p.f.open == nil || p.f.open.pass(o) {
			out = append(out, match{o: o, meters: p.rankDistance(o)})
		}
		return p.live()
	})
	return out
}

// countArea counts the places of an area passing the filters, and among
// those passing all but the hours, the ones whose hours are unknown.
func (p *planner) countArea(a geo.Area) (total, unknownHours int) {
	f, cells := p.f, p.cat.cells
	cells.Cover(a, func(lo, hi int, inside bool) bool {
		if inside && f.open == nil {
			if f.all == nil {
				total += hi - lo
			} else {
				total += f.all.countRange(uint32(lo), uint32(hi))
			}
			return p.live()
		}
		if f.open == nil {
			// Along the edge, without hours to read: the area's own
			// loop over the run, or over the places of the bitmaps.
			if f.all == nil {
				total += cells.CountIn(a, lo, hi)
			} else {
				total += allOf{f.all}.countIn(cells, a, uint32(lo), uint32(hi))
			}
			return p.live()
		}
		for i := lo; i < hi; i++ {
			o := uint32(i)
			if !f.static(o) || (!inside && !cells.Contains(a, i)) {
				continue
			}
			open, known := f.open.state(o)
			if !known {
				unknownHours++
			}
			if !open && (known || !f.open.include) {
				continue
			}
			total++
		}
		return p.live()
	})
	return total, unknownHours
}
