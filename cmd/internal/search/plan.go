package search

import (
	"math"
	"sort"

	"github.com/tierslieux/tierslieux/geo"
	"github.com/tierslieux/tierslieux/ingest"
)

// geoCandidates returns the places inside the query's area (radius, box
// or polygon), with distances when it has a point, or nil when it has no
// area. With facets, places failing the filters stay, so each facet can
// count without its own filter.
func (e *Engine) geoCandidates(q *Query, f *filter) []match {
	var out []match
	// Without facets, places failing the filters can go at once.
	keep := f.pass
	if len(q.Facets) > 0 {
		keep = func(uint32) bool { return true }
	}
	dist := func(o uint32) float64 {
		if q.Near == nil {
			return 0
		}
		p := &e.cat.Places[o]
		return geo.Distance(q.Near.Lon, q.Near.Lat, p.Lon, p.Lat)
	}
	switch {
	case q.Polygon != nil:
		for _, o := range e.cat.Geo.InPolygon(q.Polygon) {
			if !keep(o) || (q.BBox != nil && !inBound(&e.cat.Places[o], q.BBox)) {
				continue
			}
			if m := (match{o: o, meters: dist(o)}); q.RadiusMeters == 0 || m.meters <= q.RadiusMeters {
				out = append(out, m)
			}
		}
		return nonNil(out)
	case q.BBox != nil:
		for _, o := range e.cat.Geo.InBound(*q.BBox) {
			if !keep(o) {
				continue
			}
			if m := (match{o: o, meters: dist(o)}); q.RadiusMeters == 0 || m.meters <= q.RadiusMeters {
				out = append(out, m)
			}
		}
		return nonNil(out)
	case q.Near != nil && q.RadiusMeters > 0:
		var accept func(uint32) bool
		if len(q.Facets) == 0 && f.all != nil {
			accept = f.all.has
		}
		e.cat.Geo.WithinFilter(q.Near.Lon, q.Near.Lat, q.RadiusMeters, accept, func(h geo.Hit) bool {
			out = append(out, match{o: h.ID, meters: h.Meters})
			return true
		})
		return nonNil(out)
	}
	return nil
}

// hasArea reports whether a query limits where places are.
func hasArea(q *Query) bool {
	return q.Polygon != nil || q.BBox != nil || (q.Near != nil && q.RadiusMeters > 0)
}

// textFirstArea decides, before any R-tree walk, whether the text is
// selective enough to be the starting point: its rarest term is in fewer
// places than a small area usually holds. A forced plan decides alone.
func (e *Engine) textFirstArea(est int) bool {
	switch e.Plan {
	case PlanTextFirst:
		return true
	case PlanGeoFirst:
		return false
	}
	return est <= max(1000, e.n/200)
}

// inArea keeps the text matches inside the query's area, with distances
// when it has a point: the geographic test of a text-first plan.
func (e *Engine) inArea(q *Query, text map[uint32]float64) []match {
	out := make([]match, 0, len(text))
	var inPolygon func(lon, lat float64) bool
	if q.Polygon != nil {
		inPolygon = geo.PolygonTest(q.Polygon)
	}
	for o := range text {
		p := &e.cat.Places[o]
		if q.BBox != nil && !inBound(p, q.BBox) {
			continue
		}
		if inPolygon != nil && !inPolygon(p.Lon, p.Lat) {
			continue
		}
		m := match{o: o}
		if q.Near != nil {
			m.meters = geo.Distance(q.Near.Lon, q.Near.Lat, p.Lon, p.Lat)
			if q.RadiusMeters > 0 && m.meters > q.RadiusMeters {
				continue
			}
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
// matches when there is text, else every place passing the filters.
func (e *Engine) allCandidates(f *filter, text map[uint32]float64, q *Query) []match {
	dist := func(o uint32) float64 {
		if q.Near == nil {
			return 0
		}
		p := &e.cat.Places[o]
		return geo.Distance(q.Near.Lon, q.Near.Lat, p.Lon, p.Lat)
	}
	var out []match
	if text != nil {
		out = make([]match, 0, len(text))
		for o := range text {
			out = append(out, match{o: o, meters: dist(o)})
		}
		return out
	}
	if f.all == nil || len(q.Facets) > 0 { // with facets, keep every place: each facet counts without its own filter
		out = make([]match, e.n)
		for i := range out {
			out[i] = match{o: uint32(i), meters: dist(uint32(i))}
		}
		return out
	}
	f.all.each(func(o uint32) { out = append(out, match{o: o, meters: dist(o)}) })
	return out
}

// nearest walks the R-tree outward from the point and keeps the first
// offset+limit places passing the filters and the text.
func (e *Engine) nearest(q *Query, f *filter, text map[uint32]float64) []match {
	accept := func(o uint32) bool {
		if !f.pass(o) {
			return false
		}
		if text != nil {
			_, ok := text[o]
			return ok
		}
		return true
	}
	hits := e.cat.Geo.Nearest(q.Near.Lon, q.Near.Lat, q.Offset+q.Limit, q.RadiusMeters, accept)
	out := make([]match, len(hits))
	for i, h := range hits {
		out[i] = match{o: h.ID, meters: h.Meters}
	}
	return out
}

// countAll counts the places passing the filters and the text, wherever
// they are: the total of a k-nearest query.
func (e *Engine) countAll(f *filter, text map[uint32]float64) int {
	if text != nil {
		n := 0
		for o := range text {
			if f.pass(o) {
				n++
			}
		}
		return n
	}
	if f.all == nil {
		return e.n
	}
	return f.all.count()
}

// autoRadius widens the radius from 5 km until AutoRadiusTarget places
// pass every filter and the text, up to the cap, and returns the
// candidates within the radius chosen: rural Lozère needs 50 km where
// Toulouse needs 5. Filters alone give a first radius (text can only
// lower the count); the text is then asked once, by the cheaper plan, and
// the radius widened further if needed.
func (e *Engine) autoRadius(q *Query, f *filter, hasText bool, choose func([]match) Plan,
	textFirst func() error, geoFirst func([]match) error, text *map[uint32]float64) ([]match, float64, Plan, error) {
	within := func(r float64) []match {
		var out []match
		e.cat.Geo.WithinFunc(q.Near.Lon, q.Near.Lat, r, func(h geo.Hit) bool {
			out = append(out, match{o: h.ID, meters: h.Meters})
			return true
		})
		return nonNil(out)
	}
	count := func(cands []match) int {
		n := 0
		for _, c := range cands {
			if f.pass(c.o) {
				if _, ok := (*text)[c.o]; *text == nil || ok {
					n++
				}
			}
		}
		return n
	}
	step := 0
	var cands []match
	for ; step < len(autoRadii); step++ {
		cands = within(autoRadii[step])
		if count(cands) >= AutoRadiusTarget {
			break
		}
	}
	step = min(step, len(autoRadii)-1)
	if !hasText {
		return cands, autoRadii[step], PlanAuto, nil
	}
	plan := choose(cands)
	if plan == PlanTextFirst {
		if err := textFirst(); err != nil {
			return nil, 0, plan, err
		}
	}
	for first := true; step < len(autoRadii); step, first = step+1, false {
		if !first {
			cands = within(autoRadii[step])
		}
		if plan == PlanGeoFirst {
			if err := geoFirst(cands); err != nil {
				return nil, 0, plan, err
			}
		}
		if count(cands) >= AutoRadiusTarget {
			break
		}
	}
	step = min(step, len(autoRadii)-1)
	return cands, autoRadii[step], plan, nil
}

// rank sorts matches for the query's sort order, ties by place ID so
// pages are stable.
// Only the first k (offset+limit) end up in order; the rest of ms is left
// as it falls.
func (e *Engine) rank(q *Query, ms []match, hasText bool, k int) {
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
	id := func(m match) string { return e.cat.Places[m.o].ID }
	byName := !hasText && q.Sort == SortRelevance
	less := func(a, b match) bool {
		switch {
		case q.Sort == SortDistance:
			if a.meters != b.meters {
				return a.meters < b.meters
			}
			if a.score != b.score {
				return a.score > b.score
			}
		case byName:
			// Nothing to rank by: alphabetical reads best in a list.
			na, nb := e.sortName[a.o], e.sortName[b.o]
			if na != nb {
				return na < nb
			}
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

// facets counts, for each facet, the candidates that pass the text and
// every filter except that facet's own, so a filter chip shows what
// choosing it would give.
func (e *Engine) facets(names []string, cands []match, text map[uint32]float64, f *filter) map[string]map[string]int {
	out := map[string]map[string]int{}
	for _, name := range names {
		out[name] = map[string]int{}
	}
	dims := []struct {
		name string
		b    bitset
	}{{FacetType, f.types}, {FacetService, f.services}, {FacetDept, f.dept}, {"region", f.region}, {"demo", f.demo}}
	for _, c := range cands {
		if text != nil {
			if _, ok := text[c.o]; !ok {
				continue
			}
		}
		failed := -1 // index of the only dimension failing, -2 for several
		for i, d := range dims {
			if d.b != nil && !d.b.has(c.o) {
				if failed == -1 {
					failed = i
				} else {
					failed = -2
					break
				}
			}
		}
		if failed == -2 {
			continue
		}
		p := &e.cat.Places[c.o]
		count := func(facet string, values []string) {
			m, want := out[facet]
			if !want {
				return
			}
			for _, v := range values {
				m[v]++
			}
		}
		if failed == -1 || dims[failed].name == FacetType {
			count(FacetType, p.Types)
		}
		if failed == -1 || dims[failed].name == FacetService {
			count(FacetService, p.Services)
		}
		if (failed == -1 || dims[failed].name == FacetDept) && p.Dept != "" {
			count(FacetDept, []string{p.Dept})
		}
	}
	return out
}
