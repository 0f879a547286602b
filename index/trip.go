package index

import (
	"github.com/tierslieux/tierslieux/geo"
)

// Sort orders of a trip.
const (
	// SortDetour: the places costing the least detour first, the default
	// of a trip.
	SortDetour = "detour"
	// SortAlong: in the order the route passes them, from home to work.
	SortAlong = "along"
)

// Trip limits a query to the places on the way: within MaxDetourMeters of
// extra travel along Route, from From to To.
type Trip struct {
	From, To *Anchor
	Route    *geo.Route
	// Kind is "straight" (the great circle from From to To) or "polyline"
	// (a route the client sent).
	Kind            string
	MaxDetourMeters float64
}

// Limits of a trip.
const (
	DefaultDetourMeters = 10_000
	MaxDetourMeters     = 100_000
)

// onRoute returns the places within the trip's detour, with their detour
// as their distance (what a trip ranks and counts by), remembering how
// far along the route each lies. With facets, places failing the filters
// stay, so each facet can count without its own filter.
func (p *planner) onRoute() []match {
	t := p.q.Trip
	var accept func(uint32) bool
	if len(p.q.Facets) == 0 && !p.f.none() {
		accept = p.f.pass
	}
	p.along = map[uint32]float64{}
	out := []match{}
	p.cat.Geo().Corridor(t.Route, t.MaxDetourMeters, accept, func(h geo.CorridorHit) bool {
		out = append(out, match{o: h.ID, meters: h.DetourMeters})
		p.along[h.ID] = h.AlongMeters
		return p.live()
	})
	return out
}

// onRouteTest is the trip's test of a text match: its detour, and whether
// it is within the limit.
func (p *planner) onRouteTest(o uint32) (detour float64, ok bool) {
	t := p.q.Trip
	d, along := t.Route.Measure(p.cat.places.lon[o], p.cat.places.lat[o])
	if d > t.MaxDetourMeters {
		return d, false
	}
	p.along[o] = along
	return d, true
}
