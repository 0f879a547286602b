package index

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/tierslieux/tierslieux/geo"
	"github.com/tierslieux/tierslieux/ingest"
)

// Plan says in which order an engine combines geography and text.
type Plan int

// Plans. PlanAuto chooses by selectivity; the others exist to measure
// that choice against fixed strategies.
const (
	PlanAuto      Plan = iota
	PlanGeoFirst       // R-tree candidates, each checked against the query's terms
	PlanTextFirst      // every place holding the terms, then the geographic filter
)

// Engine answers structured queries over a catalog it borrows: the
// catalog's owner keeps it open while the engine is in use.
type Engine struct {
	cat *Catalog
	// Plan forces a strategy; the zero value chooses by selectivity.
	Plan Plan
}

// NewEngine returns an engine over cat.
func NewEngine(cat *Catalog) *Engine { return &Engine{cat: cat} }

// Catalog returns the catalog the engine searches.
func (e *Engine) Catalog() *Catalog { return e.cat }

// Hit is one result.
type Hit struct {
	Place *ingest.Place
	// Doc numbers the place within the engine's catalog, from 0 to below
	// its Len: a key for what a caller keeps per place for as long as it
	// serves that catalog.
	Doc uint32
	// Meters is the distance from the query's point, when it has one.
	Meters      float64
	HasDistance bool
	// Score is the relevance used for ordering: the text score, times the
	// distance decay when sorting by both.
	Score float64
	// Matched lists the fields holding a word of a text query, and
	// Highlight shows them.
	Matched   []string
	Highlight Highlight
	// Hours says whether it is open at the query's time, nil when its
	// hours are unknown.
	Hours *HoursView
	// Detour is, for a trip, the extra distance the place costs and where
	// along the route it lies; Meters is then measured from the start.
	Detour *Detour
}

// Highlight is a hit's name and a snippet of its description as HTML,
// the words of the query in <mark>; "" where a field holds none. Its
// JSON is an object of the fields shown.
type Highlight struct {
	Description string `json:"description,omitempty"`
	Name        string `json:"name,omitempty"`
}

// Detour is what a place on the way costs.
type Detour struct {
	Meters      float64 // extra travel: start → place → end against start → end
	AlongMeters float64 // from the start to the place's nearest point on the route
}

// Result answers a query.
type Result struct {
	// Query is the query as understood and run: its radius is the one
	// used, also when adaptive.
	Query  Query
	Total  int
	Hits   []Hit
	Facets map[string]map[string]int
	// Plan is the strategy the engine chose.
	Plan Plan
	Took time.Duration
	// HasText says the query had a text part, so scores are relevance
	// (text left with only stop words has none).
	HasText bool
	// TextRelaxed are the words of the text that would have emptied the
	// list, made preferences; TextIgnored those no place holds at all.
	TextRelaxed, TextIgnored []string
	// TextCorrected are the words no place holds read as a close word
	// some place does ("imprimeri" as "imprimer"): Correction of kind text.
	TextCorrected []Correction
	// UnknownHours counts the places an open= query left out (or kept,
	// with OpenUnknown) because their hours are unknown.
	UnknownHours int

	// page holds the hits and their places, lent by pages until Release.
	page *page
	// sparse is the store a Sparse search left its places partly read
	// from, for Complete.
	sparse *placeStore
}

// Complete fills in the place of hit i whole, after a Sparse search; it
// does nothing after another search, after Release, or when the hit's
// place is not one of the page's.
func (r *Result) Complete(i int) {
	if r.sparse == nil || r.page == nil || i < 0 || i >= len(r.Hits) {
		return
	}
	// The page's own numbers, found by the place's slot: a caller may
	// have changed the hits' numbers, or their order.
	pl := r.Hits[i].Place
	for j := range r.page.docs {
		if &r.page.places[j] == pl {
			r.sparse.decode(r.page.docs[j], pl)
			return
		}
	}
}

// page is the storage of a page of hits and their places.
type page struct {
	places []ingest.Place
	hits   []Hit
	docs   []uint32 // the hits' places' numbers
	// views are the hours of the page's timetables (hoursView), open
	// their OpenNow, sched the timetable of each; never grown past the
	// page's size, so that a view stays where its hits point.
	views []HoursView
	open  []bool
	sched []int32
	// matched backs the hits' Matched, len(textFields) strings a hit.
	matched []string
	// warmed keeps placeStore.warm's reads from being optimised away.
	warmed byte
}

// matchedOf is the room of hit i's Matched: empty, with a place for
// each field, none of them another hit's.
func (pg *page) matchedOf(i int) []string {
	n := len(textFields)
	if (i+1)*n > cap(pg.matched) {
		return nil
	}
	return pg.matched[i*n : i*n : (i+1)*n]
}

// pages recycles pages: decoding places into storage already allocated
// costs a fraction of allocating it anew.
var pages = sync.Pool{New: func() any { return new(page) }}

// maxPooledPage bounds the pages kept for reuse.
const maxPooledPage = 1000

// Release gives the hits' places back for other searches to reuse: a
// caller done with the result (its answer written, or copied) may call
// it, and must not read the hits after. Without it they are collected.
func (r *Result) Release() {
	if r.page == nil {
		return
	}
	clear(r.Hits) // no stale place, highlight or hours kept alive
	r.page.hits = r.Hits[:0]
	clear(r.page.views)
	r.page.views, r.page.open, r.page.sched = r.page.views[:0], r.page.open[:0], r.page.sched[:0]
	r.Hits = nil // a read after Release finds no hit
	r.sparse = nil
	if cap(r.page.places) <= maxPooledPage {
		pages.Put(r.page)
	}
	r.page = nil
}

// Facet names.
const (
	FacetType    = "type"
	FacetService = "service"
	FacetDept    = "dept"
)

// match is a candidate place: its number, its distance from the query's
// point and its score.
type match struct {
	o      uint32
	meters float64
	score  float64
}

// Search runs a query: every match counted, one page ranked.
func (e *Engine) Search(ctx context.Context, q Query) (*Result, error) {
	start := time.Now()
	res, matches, p, err := e.match(ctx, q, true)
	if err != nil {
		return nil, err
	}
	defer p.release()
	q = res.Query
	point := q.Near != nil
	e.rank(&res.Query, matches, res.HasText, q.Offset+q.Limit, p)
	lo := min(q.Offset, len(matches))
	hi := min(lo+q.Limit, len(matches))
	// The page's places in one block, recycled (Release).
	pg := pages.Get().(*page)
	res.page = pg
	if cap(pg.places) < hi-lo {
		pg.places = make([]ingest.Place, hi-lo)
		pg.hits, pg.docs = make([]Hit, 0, hi-lo), make([]uint32, 0, hi-lo)
		pg.views, pg.open, pg.sched = make([]HoursView, 0, hi-lo), make([]bool, 0, hi-lo), make([]int32, 0, hi-lo)
	}
	if n := (hi - lo) * len(textFields); cap(pg.matched) < n && res.HasText && !q.NoHighlight {
		pg.matched = make([]string, n)
	}
	page := pg.places[:hi-lo]
	res.Hits, pg.docs = pg.hits[:0], pg.docs[:0]
	if q.Sparse {
		res.sparse = e.cat.places
	}
	// Whole records, also for a Sparse search: its first fields stall on
	// their first reads otherwise, and the places it completes need the
	// rest (2% less CPU a request side by side).
	pg.warmed = e.cat.places.warm(matches[lo:hi])
	for i, m := range matches[lo:hi] {
		pl := &page[i]
		if q.Sparse {
			// What the hit's highlight and the spelling's check read.
			e.cat.places.decodeFirst(m.o, pl, descBit)
		} else {
			e.cat.places.decode(m.o, pl)
		}
		h := Hit{Place: pl, Doc: m.o, Meters: m.meters, HasDistance: point, Score: m.score, Hours: e.cat.hoursView(m.o, q.Now, pg)}
		if point && q.Trip == nil && !p.measured {
			// Ranked by a cheaper measure, reported by the haversine.
			h.Meters = p.distance(m.o)
		}
		if q.Trip != nil {
			h.Detour = &Detour{Meters: m.meters, AlongMeters: p.along[m.o]}
			h.Meters = geo.Distance(q.Near.Lon, q.Near.Lat, pl.Lon, pl.Lat)
		}
		if !q.NoHighlight {
			p.highlight(&h, m.o, pg.matchedOf(i))
		}
		res.Hits, pg.docs = append(res.Hits, h), append(pg.docs, m.o)
	}
	e.spellCorrections(res)
	res.Took = time.Since(start)
	return res, nil
}

// spellCorrections writes each word read as a close term of the index
// (Result.TextCorrected) as the word the first results hold ("atelier"
// rather than its stem "ateli"), when one of them does.
func (e *Engine) spellCorrections(res *Result) {
	for i := range res.TextCorrected {
		c := &res.TextCorrected[i]
	hits:
		for _, h := range res.Hits[:min(len(res.Hits), 5)] {
			for _, v := range []string{h.Place.Name, h.Place.Description} {
				for _, wt := range e.cat.Text.WordTerms(v) {
					if wt.Term == c.To {
						c.To = strings.ToLower(wt.Word)
						break hits
					}
				}
			}
		}
	}
}

// Place returns a place by ID.
func (e *Engine) Place(id string) (*ingest.Place, bool) { return e.cat.Place(id) }

// match finds every match of a query, unordered, with the total and the
// facets. With RelaxText, when the text would empty the list, its terms
// are relaxed one by one, least selective first, into preferences
// (Result.TextRelaxed): leftover words rank places, they do not hide them
// all. Filters are never relaxed.
//
// ranked says the matches go to rank, which measures what it needs of
// their distances: a decay order then leaves them unmeasured.
func (e *Engine) match(ctx context.Context, q Query, ranked bool) (*Result, []match, *planner, error) {
	if err := q.Validate(); err != nil {
		return nil, nil, nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, nil, nil, fmt.Errorf("search stopped: %w", err) // the client left while it waited
	}
	p, err := e.plan(ctx, &q)
	if err != nil {
		return nil, nil, nil, err
	}
	p.ranked = ranked
	res, matches := p.run()
	for p.err == nil && q.RelaxText && p.text != nil && p.tooFew(res, matches) && p.text.relax() {
		p.reset()
		res, matches = p.run()
	}
	if p.err != nil {
		return nil, nil, nil, fmt.Errorf("search stopped: %w", p.err)
	}
	if p.text != nil && q.RelaxText {
		res.TextRelaxed, res.TextIgnored = p.text.words()
		res.TextCorrected = p.text.corrected
	}
	return res, matches, p, nil
}

// tooFew reports whether a run left fewer places than asked: none at all,
// or, when the list is ranked by relevance (so that the places holding
// every word still come first once a word is relaxed) and more than one
// word is still a condition, fewer than offset+limit, as Meilisearch's
// matchingStrategy "last" and Typesense's drop_tokens_threshold do: one
// word is always kept when it finds something.
func (p *planner) tooFew(res *Result, matches []match) bool {
	if len(matches) == 0 {
		return true
	}
	switch p.q.Sort {
	case SortRelevance, SortDecay:
		return res.Total < p.q.Offset+p.q.Limit && p.text.conditions() > 1
	}
	return false
}

// run runs the planner once: candidates by the strategy the query calls
// for, facets, then every filter.
func (p *planner) run() (*Result, []match) {
	q := *p.q
	res := &Result{Query: q}
	p.measured = false // a run after a relaxed text may take another way
	if a := p.countableArea(); a != nil {
		return p.countThenNearest(res, a)
	}
	if order := p.listOrder(); order != nil {
		return p.firstInOrder(res, order)
	}
	var cands []match
	switch {
	case q.Nearest:
		cands = p.nearest()
		res.Total, res.UnknownHours = p.countAll()
	case q.AutoRadius && q.Near != nil:
		cands, res.Query.RadiusMeters = p.autoRadius()
		res.Query.AutoRadius = true
	case p.tq != nil && q.HasArea() && p.textSelective():
		cands = p.textThenArea()
	default:
		cands = p.areaThenText()
	}
	res.Plan = p.chosen
	// Facets count over the geographic and text matches, each without its
	// own filter; the results apply every filter.
	if len(q.Facets) > 0 {
		facetCands, meters := cands, func(m match) float64 { return m.meters }
		if q.Nearest {
			// The page holds only the nearest: facets count every match,
			// like the total, each without its own filter.
			facetCands, meters = p.everywhere(), func(m match) float64 { return p.distance(m.o) }
		}
		res.Facets = facets(p.cat, &q, facetCands, p.scores, p.f, meters)
	}
	res.HasText = p.text != nil
	if p.ringTotal >= 0 {
		// The rings' candidates are filtered and scored, and counted
		// over the whole disc (no hours filter, so no unknown hours).
		res.Total = p.ringTotal
		return res, cands
	}
	matches, unknown := p.filter(cands)
	if !q.Nearest {
		res.Total, res.UnknownHours = len(matches), unknown
	}
	return res, matches
}
