package index

import (
	"context"
	"runtime"
	"sync"

	"github.com/tierslieux/tierslieux/geo"
)

// planner runs one query over a catalog. It holds the query's filter and
// text, and has one method per strategy: the k nearest, an adaptive
// radius, text then area, area then text. Both orders give the same
// scores; the planner picks the one that walks fewer places.
type planner struct {
	ctx   context.Context
	err   error // why the query stopped, once it has
	steps int
	cat   *Catalog
	force Plan // the engine's forced plan, PlanAuto to choose
	q     *Query
	f     *filter
	// fv is where f is kept: no allocation of its own.
	fv filter
	// text is the query's text part, nil without one; tq is the same while
	// a term of it is still a condition, nil otherwise.
	text, tq *textQuery
	// scores holds the text scores once computed, nil without a condition.
	scores *scoreSet
	// estimate bounds the text matches: the rarest term's frequency.
	estimate int
	chosen   Plan
	// along is how far along a trip's route each candidate lies.
	along map[uint32]float64
	// prepared is the query's polygon, once prepared.
	prepared *geo.PreparedPolygon
	// marked are the terms highlight marks, once known.
	marked *markTerms
	// ruler measures from the query's point, once needed; rv holds it.
	ruler *geo.Ruler
	rv    geo.Ruler
	// yield makes a heavy query's loops give way to other queries.
	yield bool
	// ranked says the matches go to rank (Engine.match).
	ranked bool
	// measured says the matches' meters are their distances as reported
	// (geo.Distance, which the nearest walks measure with), not a rank
	// measure to be measured again.
	measured bool
	// ringTotal is the number of matches when the candidates are only
	// those of an inner disc (decayRings), -1 otherwise.
	ringTotal int
	// cands and scoreBuf are lent until release, by candBufs and by the
	// catalog.
	cands    *[]match
	scoreBuf *scoreSet
}

// A query over a dense area lists tens of thousands of candidates: their
// lists are recycled, not allocated anew by each request, which is most
// of what a search allocates. One grown past maxPooledCands is left to
// the collector.
var candBufs = sync.Pool{New: func() any { return new([]match) }}

const maxPooledCands = 1 << 18

// scratch returns an empty candidate list with the planner's pooled
// storage; keepScratch takes it back once grown. A run holds one.
func (p *planner) scratch() []match {
	if p.cands == nil {
		p.cands = candBufs.Get().(*[]match)
	}
	if *p.cands == nil {
		*p.cands = make([]match, 0, 64) // never nil: nil says "no area"
	}
	return (*p.cands)[:0]
}

func (p *planner) keepScratch(out []match) { *p.cands = out }

// release gives the planner's pooled storage back: nothing of its
// candidates or scores may be used after.
func (p *planner) release() {
	if p.cands != nil && cap(*p.cands) <= maxPooledCands {
		candBufs.Put(p.cands)
	}
	if p.scoreBuf != nil {
		p.cat.putScores(p.scoreBuf)
	}
	p.cands, p.scoreBuf = nil, nil
}

// plan prepares a query's filter and text.
func (e *Engine) plan(ctx context.Context, q *Query) (*planner, error) {
	p := &planner{ctx: ctx, cat: e.cat, force: e.Plan, q: q, yield: e.Heavy(*q, -1), ringTotal: -1}
	p.f = e.cat.filter(q, &p.fv)
	if q.Text == "" {
		return p, nil
	}
	tq, ok, err := e.cat.prepareText(ctx, q.Text, q.TextRequired, q.RelaxText, p.f.scope)
	if err != nil {
		return nil, err
	}
	if ok {
		p.text = tq
	}
	p.reset()
	return p, nil
}

// live reports whether the query may go on: every 1,024 steps of any of
// its loops it looks at the query's context, and once that has ended (a
// deadline, a client gone) every loop stops and the query returns its
// error, freeing what it held.
func (p *planner) live() bool {
	if p.err != nil {
		return false
	}
	p.steps++
	if p.steps&1023 == 0 {
		if err := p.ctx.Err(); err != nil {
			p.err = err
			return false
		}
		if p.yield {
			// A heavy query lets the others run between its slices of
			// work: it takes longer, they are not held up behind it.
			runtime.Gosched()
		}
	}
	return true
}

// reset readies the planner for a run, after the text was relaxed.
func (p *planner) reset() {
	p.scores, p.chosen, p.tq, p.estimate, p.along, p.ringTotal = nil, PlanAuto, nil, 0, nil, -1
	if p.text != nil && p.text.hasCondition() {
		p.tq, p.estimate = p.text, p.text.estimate()
	}
}

// scoreAll scores every place holding the terms: the text-first step.
func (p *planner) scoreAll() { p.scores = p.tq.scoreAll(p.emptyScores(), p.live) }

// emptyScores returns the planner's score set, emptied: a relaxed run
// scores again.
func (p *planner) emptyScores() *scoreSet {
	if p.scoreBuf == nil {
		p.scoreBuf = p.cat.scoreSet()
	} else {
		p.scoreBuf.reset()
	}
	return p.scoreBuf
}

// scoreCandidates scores the candidates only: those passing the filters,
// or all of them when facets must count the others. The geo-first step.
func (p *planner) scoreCandidates(cands []match) {
	keep := p.f.pass
	if len(p.q.Facets) > 0 {
		keep = func(uint32) bool { return true }
	}
	p.scores = p.tq.scoreCandidates(cands, p.emptyScores(), func(o uint32) bool { return p.live() && keep(o) })
}

// choose picks the cheaper plan for text over known candidates: both give
// the same scores, and the cheaper walks fewer places.
func (p *planner) choose(cands []match) Plan {
	if p.force != PlanAuto {
		return p.force
	}
	if len(cands) < p.estimate {
		return PlanGeoFirst
	}
	return PlanTextFirst
}

// textSelective decides, before any R-tree walk, whether the text is
// selective enough to be the starting point: its rarest term is in fewer
// places than a small area usually holds. A forced plan decides alone.
func (p *planner) textSelective() bool {
	switch p.force {
	case PlanTextFirst:
		return true
	case PlanGeoFirst:
		return false
	}
	return p.estimate <= max(1000, p.cat.Len()/200)
}

// nearest opens the cells outward from the point and keeps the first
// offset+limit places passing the filters and the text.
func (p *planner) nearest() []match {
	if p.tq != nil {
		p.chosen = PlanTextFirst
		p.scoreAll()
	}
	accept := func(i int) bool {
		o := uint32(i)
		return p.f.pass(o) && (p.scores == nil || p.scores.has(o))
	}
	q := p.q
	k := q.Offset + q.Limit
	hits := p.cat.cells.Nearest(q.Near.Lon, q.Near.Lat, k, q.RadiusMeters, accept, p.live)
	// The k nearest, ties at the k-th by place number as ever.
	hits = hits[:min(k, len(hits))]
	out := make([]match, len(hits))
	for i, h := range hits {
		out[i] = match{o: h.ID, meters: h.Meters}
	}
	p.measured = true
	return out
}

// countAll counts the places passing the filters and the text, wherever
// they are: the total of a k-nearest query, and how many of the places
// passing all but the hours have unknown hours.
func (p *planner) countAll() (total, unknownHours int) {
	switch {
	case p.scores == nil && p.f.none():
		return p.cat.Len(), 0
	case p.scores == nil && p.f.open == nil:
		return p.f.all.count(), 0
	}
	count := func(o uint32) {
		if !p.live() || !p.f.static(o) {
			return
		}
		if p.f.open != nil {
			if _, known := p.f.open.state(o); !known {
				unknownHours++
			}
		}
		if p.f.pass(o) {
			total++
		}
	}
	if p.scores != nil {
		for _, o := range p.scores.keys {
			count(o)
		}
		return total, unknownHours
	}
	for o := range p.cat.Len() {
		count(uint32(o))
	}
	return total, unknownHours
}

// autoRadius widens the radius from 5 km until AutoRadiusTarget places
// pass every filter and the text, up to the cap, and returns the
// candidates within the radius chosen and that radius: rural Lozère needs
// 50 km where Toulouse needs 5. Filters alone give a first radius (text
// can only lower the count); the text is then asked once, by the cheaper
// plan, and the radius widened further if needed.
func (p *planner) autoRadius() ([]match, float64) {
	// Counting needs no list of places: the cells count whole runs.
	step := 0
	for ; step < len(autoRadii); step++ {
		if n, _ := p.countArea(geo.NewCircle(p.q.Near.Lon, p.q.Near.Lat, autoRadii[step])); n >= AutoRadiusTarget {
			break
		}
	}
	step = min(step, len(autoRadii)-1)
	cands := p.within(autoRadii[step])
	if p.tq == nil {
		return cands, autoRadii[step]
	}
	p.chosen = p.choose(cands)
	if p.chosen == PlanTextFirst {
		p.scoreAll()
	}
	for first := true; step < len(autoRadii); step, first = step+1, false {
		if !first {
			cands = p.within(autoRadii[step])
		}
		if p.chosen == PlanGeoFirst {
			p.scoreCandidates(cands)
		}
		if p.count(cands) >= AutoRadiusTarget {
			break
		}
	}
	step = min(step, len(autoRadii)-1)
	return cands, autoRadii[step]
}

// within returns the places within r metres of the query's point: those
// passing the filters, or all of them when facets must count the others.
func (p *planner) within(r float64) []match {
	return p.inCircle(r)
}

// count counts the candidates passing the filters and the text so far.
func (p *planner) count(cands []match) int {
	n := 0
	for _, c := range cands {
		if !p.live() {
			break
		}
		if p.f.pass(c.o) {
			if p.scores == nil || p.scores.has(c.o) {
				n++
			}
		}
	}
	return n
}

// textThenArea takes the text matches and tests each against the area,
// without walking the R-tree at all: selective text over a large area.
func (p *planner) textThenArea() []match {
	p.chosen = PlanTextFirst
	p.scoreAll()
	return p.inArea()
}

// areaThenText takes the places in the area (or, without one, every place
// passing the filters), then asks the text by the cheaper plan.
func (p *planner) areaThenText() []match {
	q := p.q
	if p.tq != nil && p.force == PlanAuto && len(q.Facets) == 0 && q.Polygon == nil && q.Trip == nil && q.HasArea() {
		// Filters and text as one bitmap, then the area's cells: only
		// the places matching all three are visited. Each holds every
		// condition: filter scores those passing the hours as it goes,
		// with no set of scores to write and read back.
		p.chosen = PlanGeoFirst
		bits := p.conditionBits()
		if len(bits) > 0 && p.ringsServe() {
			return p.decayRings(bits)
		}
		return p.geoCandidates(bits)
	}
	cands := p.geoCandidates(nil)
	if p.tq != nil {
		p.chosen = PlanTextFirst
		if cands != nil {
			p.chosen = p.choose(cands)
		}
		if p.chosen == PlanGeoFirst && cands != nil {
			p.scoreCandidates(cands)
		} else {
			p.scoreAll()
		}
	}
	if cands == nil {
		cands = p.allCandidates(p.f, len(p.q.Facets) > 0)
	}
	return cands
}

// filter keeps, in place, the candidates passing every filter and the
// text, with their text scores; a text of preferences only scores them.
// It counts the places that pass all but the hours and whose hours are
// unknown.
func (p *planner) filter(cands []match) (matches []match, unknownHours int) {
	matches = cands[:0]
	for _, c := range cands {
		if !p.live() {
			return nil, 0
		}
		if !p.f.static(c.o) {
			continue
		}
		if p.f.open != nil {
			if _, known := p.f.open.state(c.o); !known {
				unknownHours++
			}
			if !p.f.open.pass(c.o) {
				continue
			}
		}
		switch {
		case p.scores != nil:
			s, ok := p.scores.get(c.o)
			if !ok {
				continue
			}
			c.score = s
		case p.text != nil:
			c.score, _ = p.text.score(c.o)
		}
		// rank measures what it keeps of a decay order.
		if c.meters == unmeasured && !(p.ranked && p.q.Sort == SortDecay) {
			c.meters = p.rankDistance(c.o)
		}
		matches = append(matches, c)
	}
	return matches, unknownHours
}
