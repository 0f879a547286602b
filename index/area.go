package index

import (
	"github.com/tierslieux/tierslieux/geo"
)

// geoCandidates returns the places inside the query's area (radius, box
// or polygon), with distances when it has a point, or nil when it has no
// area. With facets, places failing the filters stay, so each facet can
// count without its own filter. bits, when not nil, holds the only
// places worth a look (the filters and the text conditions together).
func (p *planner) geoCandidates(bits allOf) []match {
	q, f := p.q, p.f
	out := p.scratch()
	// Without facets, places failing the filters can go at once.
	keep := f.pass
	if len(q.Facets) > 0 {
		keep = func(uint32) bool { return true }
	} else if bits == nil {
		bits = f.bits()
	}
	// With a text condition, most places of the area fail it: their
	// distances are measured once they pass (filter).
	lazy := p.tq != nil && len(q.Facets) == 0
	add := func(o uint32) {
		m := match{o: o, meters: unmeasured}
		if !lazy || q.RadiusMeters > 0 {
			m.meters = p.distance(o)
		}
		if q.RadiusMeters == 0 || m.meters <= q.RadiusMeters {
			out = append(out, m)
		}
	}
	switch {
	case q.Trip != nil:
		return p.onRoute()
	case q.Polygon != nil:
		p.cat.Geo().InPolygonFunc(p.polygon(), func(o uint32) bool {
			if keep(o) && (q.BBox == nil || p.cat.inBound(o, q.BBox)) {
				add(o)
			}
			return p.live()
		})
	case q.BBox != nil:
		p.eachIn(geo.Box(*q.BBox), bits, func(o uint32) bool {
			if keep(o) {
				add(o)
			}
			return p.live()
		})
	case q.Near != nil && q.RadiusMeters > 0:
		p.eachIn(geo.NewCircle(q.Near.Lon, q.Near.Lat, q.RadiusMeters), bits, func(o uint32) bool {
			if keep(o) {
				m := match{o: o, meters: unmeasured}
				if !lazy {
					m.meters = p.rankDistance(o)
				}
				out = append(out, m)
			}
			return p.live()
		})
	default:
		return nil
	}
	p.keepScratch(out)
	return out
}

// eachIn calls fn for each place of an area, a run of the cells at a
// time, until fn returns false: for every place, or only those of bits
// when it is not nil (the others then cost nothing).
func (p *planner) eachIn(a geo.Area, bits allOf, fn func(o uint32) bool) {
	cells := p.cat.cells
	cells.Cover(a, func(lo, hi int, inside bool) bool {
		switch {
		case !inside:
			return bits.eachIn(cells, a, uint32(lo), uint32(hi), fn)
		case len(bits) > 0:
			return bits.eachRange(uint32(lo), uint32(hi), fn)
		}
		for o := lo; o < hi; o++ {
			if !fn(uint32(o)) {
				return false
			}
		}
		return true
	})
}

// inCircle returns the places within r of the query's point with their
// distances: those passing the filters, or all of them when facets must
// count the others.
func (p *planner) inCircle(r float64) []match {
	out := []match{}
	q, f := p.q, p.f
	var bits allOf
	if len(q.Facets) == 0 {
		bits = f.bits()
	}
	p.eachIn(geo.NewCircle(q.Near.Lon, q.Near.Lat, r), bits, func(o uint32) bool {
		if len(q.Facets) > 0 || f.open == nil || f.open.pass(o) {
			out = append(out, match{o: o, meters: p.distance(o)})
		}
		return p.live()
	})
	return out
}

// conditionBits are the places passing the filters' bitmaps and holding
// every term of the text that is still a condition, ANDed a word at a
// time over the area's runs only: only the places matching both are
// visited.
func (p *planner) conditionBits() allOf {
	sets := p.f.bits()
	for _, t := range p.tq.terms {
		if !t.relaxed && t.any != nil {
			sets = append(sets, t.any)
		}
	}
	return sets
}

// polygon is the query's polygon, prepared once: a test that costs about
// the log of its vertices per place.
func (p *planner) polygon() *geo.PreparedPolygon {
	if p.prepared == nil {
		p.prepared = geo.PreparePolygon(p.q.Polygon)
	}
	return p.prepared
}

// unmeasured marks a candidate whose distance filter measures, if it
// passes.
const unmeasured = -1

// distance is a place's distance from the query's point, 0 without one.
func (p *planner) distance(o uint32) float64 {
	if p.q.Near == nil {
		return 0
	}
	return geo.Distance(p.q.Near.Lon, p.q.Near.Lat, p.cat.places.lon[o], p.cat.places.lat[o])
}

// rankDistanceAtLeast is at most rankDistance, for a square root.
func (p *planner) rankDistanceAtLeast(o uint32) float64 {
	if p.q.Near == nil {
		return 0
	}
	return p.measure().MetersAtLeast(p.cat.cells, int(o))
}

// rankDistance is a place's distance from the query's point for ranking,
// 0 without one: within nanometres of distance, at a fraction of the
// cost. What is reported is measured again with distance.
func (p *planner) rankDistance(o uint32) float64 {
	if p.q.Near == nil {
		return 0
	}
	return p.measure().Meters(p.cat.cells, int(o))
}

// measure is the ruler from the query's point, made once.
func (p *planner) measure() *geo.Ruler {
	if p.ruler == nil {
		p.rv = geo.NewRuler(p.q.Near.Lon, p.q.Near.Lat)
		p.ruler = &p.rv
	}
	return p.ruler
}

// inArea keeps the text matches inside the query's area, with distances
// when it has a point: the geographic test of a text-first plan.
func (p *planner) inArea() []match {
	q := p.q
	out := make([]match, 0, p.scores.len())
	var inPolygon func(lon, lat float64) bool
	if q.Polygon != nil {
		inPolygon = p.polygon().Contains
	}
	if q.Trip != nil {
		p.along = map[uint32]float64{}
	}
	for _, o := range p.scores.keys {
		if !p.live() {
			break
		}
		if q.Trip != nil {
			if d, ok := p.onRouteTest(o); ok {
				out = append(out, match{o: o, meters: d})
			}
			continue
		}
		if q.BBox != nil && !p.cat.inBound(o, q.BBox) {
			continue
		}
		if inPolygon != nil && !inPolygon(p.cat.places.lon[o], p.cat.places.lat[o]) {
			continue
		}
		m := match{o: o, meters: p.distance(o)}
		if q.RadiusMeters > 0 && m.meters > q.RadiusMeters {
			continue
		}
		out = append(out, m)
	}
	return out
}

// inBound reports whether a place lies in b (edges included; b may cross
// the antimeridian).
func (c *Catalog) inBound(o uint32, b *geo.Bound) bool {
	lon, lat := c.places.lon[o], c.places.lat[o]
	if lat < b.MinLat || lat > b.MaxLat {
		return false
	}
	if b.MinLon <= b.MaxLon {
		return lon >= b.MinLon && lon <= b.MaxLon
	}
	return lon >= b.MinLon || lon <= b.MaxLon
}

func nonNil(m []match) []match {
	if m == nil {
		return []match{}
	}
	return m
}

// allCandidates is the candidate list of a query with no area: the text
// matches when there is text, else the places passing f, or every place
// when keepAll (facets count each without its own filter).
func (p *planner) allCandidates(f *filter, keepAll bool) []match {
	var out []match
	switch {
	case p.scores != nil:
		out = make([]match, 0, p.scores.len())
		for _, o := range p.scores.keys {
			if !p.live() {
				break
			}
			out = append(out, match{o: o, meters: p.distance(o)})
		}
	case f.all == nil || keepAll:
		out = make([]match, 0, p.cat.Len())
		for i := range p.cat.Len() {
			if !p.live() {
				break
			}
			out = append(out, match{o: uint32(i), meters: p.distance(uint32(i))})
		}
	default:
		f.all.each(func(o uint32) bool {
			out = append(out, match{o: o, meters: p.distance(o)})
			return p.live()
		})
	}
	return out
}

// everywhere is every text match, or every place without text: what the
// facets of a k-nearest query count, like its total.
// Their distances are not needed.
func (p *planner) everywhere() []match {
	if p.scores != nil {
		out := make([]match, 0, p.scores.len())
		for _, o := range p.scores.keys {
			out = append(out, match{o: o})
		}
		return out
	}
	out := make([]match, p.cat.Len())
	for i := range out {
		out[i].o = uint32(i)
	}
	return out
}
