package index

import (
	"github.com/tierslieux/tierslieux/geo"
	"github.com/tierslieux/tierslieux/ingest"
)

// geoCandidates returns the places inside the query's area (radius, box
// or polygon), with distances when it has a point, or nil when it has no
// area. With facets, places failing the filters stay, so each facet can
// count without its own filter.
func (p *planner) geoCandidates() []match {
	q, f := p.q, p.f
	var out []match
	// Without facets, places failing the filters can go at once.
	keep := f.pass
	if len(q.Facets) > 0 {
		keep = func(uint32) bool { return true }
	}
	add := func(o uint32) {
		if m := (match{o: o, meters: p.distance(o)}); q.RadiusMeters == 0 || m.meters <= q.RadiusMeters {
			out = append(out, m)
		}
	}
	switch {
	case q.Trip != nil:
		return p.onRoute()
	case q.Polygon != nil:
		p.cat.Geo.InPolygonFunc(p.polygon(), func(o uint32) bool {
			if keep(o) && (q.BBox == nil || inBound(&p.cat.Places[o], q.BBox)) {
				add(o)
			}
			return p.live()
		})
	case q.BBox != nil:
		p.cat.Geo.InBoundFunc(*q.BBox, func(o uint32) bool {
			if keep(o) {
				add(o)
			}
			return p.live()
		})
	case q.Near != nil && q.RadiusMeters > 0:
		var accept func(uint32) bool
		if len(q.Facets) == 0 && !f.none() {
			accept = f.pass
		}
		p.cat.Geo.WithinFilter(q.Near.Lon, q.Near.Lat, q.RadiusMeters, accept, func(h geo.Hit) bool {
			out = append(out, match{o: h.ID, meters: h.Meters})
			return p.live()
		})
	default:
		return nil
	}
	return nonNil(out)
}

// polygon is the query's polygon, prepared once: a test that costs about
// the log of its vertices per place.
func (p *planner) polygon() *geo.PreparedPolygon {
	if p.prepared == nil {
		p.prepared = geo.PreparePolygon(p.q.Polygon)
	}
	return p.prepared
}

// distance is a place's distance from the query's point, 0 without one.
func (p *planner) distance(o uint32) float64 {
	if p.q.Near == nil {
		return 0
	}
	pl := &p.cat.Places[o]
	return geo.Distance(p.q.Near.Lon, p.q.Near.Lat, pl.Lon, pl.Lat)
}

// inArea keeps the text matches inside the query's area, with distances
// when it has a point: the geographic test of a text-first plan.
func (p *planner) inArea() []match {
	q := p.q
	out := make([]match, 0, len(p.scores))
	var inPolygon func(lon, lat float64) bool
	if q.Polygon != nil {
		inPolygon = p.polygon().Contains
	}
	if q.Trip != nil {
		p.along = map[uint32]float64{}
	}
	for o := range p.scores {
		if !p.live() {
			break
		}
		if q.Trip != nil {
			if d, ok := p.onRouteTest(o); ok {
				out = append(out, match{o: o, meters: d})
			}
			continue
		}
		pl := &p.cat.Places[o]
		if q.BBox != nil && !inBound(pl, q.BBox) {
			continue
		}
		if inPolygon != nil && !inPolygon(pl.Lon, pl.Lat) {
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
func inBound(p *ingest.Place, b *geo.Bound) bool {
	if p.Lat < b.MinLat || p.Lat > b.MaxLat {
		return false
	}
	if b.MinLon <= b.MaxLon {
		return p.Lon >= b.MinLon && p.Lon <= b.MaxLon
	}
	return p.Lon >= b.MinLon || p.Lon <= b.MaxLon
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
		out = make([]match, 0, len(p.scores))
		for o := range p.scores {
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
		out := make([]match, 0, len(p.scores))
		for o := range p.scores {
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
