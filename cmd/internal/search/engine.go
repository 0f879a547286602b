package search

import (
	"context"
	"math"
	"strings"
	"time"

	"github.com/tierslieux/tierslieux/cmd/internal/catalog"
	"github.com/tierslieux/tierslieux/geo"
	"github.com/tierslieux/tierslieux/geo/gazetteer"
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

// Engine answers queries over a catalog.
type Engine struct {
	cat    *catalog.Catalog
	g      *gazetteer.Gazetteer
	Parser Parser
	// Plan forces a strategy; the zero value chooses by selectivity.
	Plan Plan

	n        int
	types    map[string]bitset
	services map[string]bitset
	depts    map[string]bitset
	regions  map[string]bitset
	demo     bitset
	sortName []string   // lower-case names, for alphabetical order
	names    *nameIndex // folded names and their tails, for suggestions
	terms    *termCache
}

// New builds an engine and its filter bitmaps over a catalog.
func New(cat *catalog.Catalog, g *gazetteer.Gazetteer) *Engine {
	e := &Engine{cat: cat, g: g, Parser: Parser{Gazetteer: g}, n: len(cat.Places),
		types: map[string]bitset{}, services: map[string]bitset{}, depts: map[string]bitset{}, regions: map[string]bitset{}}
	e.demo = newBitset(e.n)
	e.sortName = make([]string, e.n)
	get := func(m map[string]bitset, k string) bitset {
		b, ok := m[k]
		if !ok {
			b = newBitset(e.n)
			m[k] = b
		}
		return b
	}
	for i := range cat.Places {
		p := &cat.Places[i]
		o := uint32(i)
		e.sortName[i] = strings.ToLower(p.Name)
		for _, t := range p.Types {
			get(e.types, t).set(o)
		}
		for _, s := range p.Services {
			get(e.services, s).set(o)
		}
		if p.Dept != "" {
			get(e.depts, p.Dept).set(o)
		}
		if p.Region != "" {
			get(e.regions, p.Region).set(o)
		}
		if p.Demo {
			e.demo.set(o)
		}
	}
	e.terms = newTermCache(e.n)
	e.names = &nameIndex{}
	e.Parser.PlaceName = e.isPlaceName
	return e
}

// Catalog returns the catalog the engine searches.
func (e *Engine) Catalog() *catalog.Catalog { return e.cat }

// Gazetteer returns the engine's gazetteer.
func (e *Engine) Gazetteer() *gazetteer.Gazetteer { return e.g }

// Hit is one result.
type Hit struct {
	Place *ingest.Place
	// Meters is the distance from the query's point, when it has one.
	Meters      float64
	HasDistance bool
	// Score is the relevance used for ordering: the text score, times the
	// distance decay when sorting by both.
	Score float64
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
	// HasText says the query had a text condition, so scores are
	// relevance (text left with only stop words has none).
	HasText bool
}

// Facet names.
const (
	FacetType    = "type"
	FacetService = "service"
	FacetDept    = "dept"
)

type match struct {
	o      uint32
	meters float64
	score  float64
}

// Search runs a structured query: every match counted, one page ranked.
func (e *Engine) Search(ctx context.Context, q Query) (*Result, error) {
	start := time.Now()
	res, matches, err := e.match(ctx, q)
	if err != nil {
		return nil, err
	}
	q = res.Query
	point := q.Near != nil
	e.rank(&res.Query, matches, res.HasText, q.Offset+q.Limit)
	lo := min(q.Offset, len(matches))
	hi := min(lo+q.Limit, len(matches))
	for _, m := range matches[lo:hi] {
		res.Hits = append(res.Hits, Hit{Place: &e.cat.Places[m.o], Meters: m.meters, HasDistance: point, Score: m.score})
	}
	res.Took = time.Since(start)
	return res, nil
}

// match finds every match of a query, unordered, with the total and the
// facets.
func (e *Engine) match(ctx context.Context, q Query) (*Result, []match, error) {
	if err := e.validate(&q); err != nil {
		return nil, nil, err
	}
	f := e.filters(&q)
	res := &Result{Query: q}

	var textScores map[uint32]float64 // nil: no text part
	var tq *textQuery
	hasText := false
	if q.Text != "" {
		var err error
		if tq, hasText, err = e.prepareText(ctx, q.Text); err != nil {
			return nil, nil, err
		}
	}
	est := 0
	if hasText {
		est = tq.estimate()
	}
	textFirst := func() error {
		textScores = tq.scoreAll()
		return nil
	}
	// geoFirst scores the candidates only: those passing the filters, or
	// all of them when facets must count the others.
	geoFirst := func(cands []match) error {
		keep := f.pass
		if len(q.Facets) > 0 {
			keep = func(uint32) bool { return true }
		}
		textScores = tq.scoreCandidates(cands, keep)
		return nil
	}
	choose := func(cands []match) Plan {
		if e.Plan != PlanAuto {
			return e.Plan
		}
		// Both plans give the same scores; the cheaper walks fewer places.
		if len(cands) < est {
			return PlanGeoFirst
		}
		return PlanTextFirst
	}

	var cands, facetCands []match
	point := q.Near != nil
	switch {
	case q.Nearest:
		if hasText {
			res.Plan = PlanTextFirst
			if err := textFirst(); err != nil {
				return nil, nil, err
			}
		}
		cands = e.nearest(&q, f, textScores)
		res.Total = e.countAll(f, textScores)
		if len(q.Facets) > 0 {
			// The page holds only the nearest: facets count every match,
			// like the total, each without its own filter.
			facetCands = e.allCandidates(&filter{}, textScores, &Query{})
		}
	case q.AutoRadius && point:
		var r float64
		var err error
		cands, r, res.Plan, err = e.autoRadius(&q, f, hasText, choose, textFirst, geoFirst, &textScores)
		if err != nil {
			return nil, nil, err
		}
		res.Query.RadiusMeters, res.Query.AutoRadius = r, true
	case hasText && hasArea(&q) && e.textFirstArea(est):
		// Selective text over a large area: take the text matches and test
		// each against the area, without walking the R-tree at all.
		res.Plan = PlanTextFirst
		textScores = tq.scoreAll()
		cands = e.inArea(&q, textScores)
	default:
		cands = e.geoCandidates(&q, f)
		if hasText {
			plan := PlanTextFirst
			if cands != nil {
				plan = choose(cands)
			}
			res.Plan = plan
			var err error
			if plan == PlanGeoFirst && cands != nil {
				err = geoFirst(cands)
			} else {
				err = textFirst()
			}
			if err != nil {
				return nil, nil, err
			}
		}
		if cands == nil {
			// No geography: every place passing the filters, or every text match.
			cands = e.allCandidates(f, textScores, &q)
		}
	}

	// Facets count over the geographic and text matches, each without its
	// own filter; the results apply every filter.
	if len(q.Facets) > 0 {
		if facetCands == nil {
			facetCands = cands
		}
		res.Facets = e.facets(q.Facets, facetCands, textScores, f)
	}
	// Filter in place: the candidates are not needed afterwards.
	matches := cands[:0]
	for _, c := range cands {
		if !f.pass(c.o) {
			continue
		}
		if textScores != nil {
			s, ok := textScores[c.o]
			if !ok {
				continue
			}
			c.score = s
		}
		matches = append(matches, c)
	}
	if !q.Nearest {
		res.Total = len(matches)
	}
	res.HasText = textScores != nil
	return res, matches, nil
}

func (e *Engine) validate(q *Query) error {
	for _, t := range q.Types {
		if _, ok := ingest.TypeTerm(t); !ok {
			return errorf(CodeUnknownType, "type", "%q is not a type (coworking, fablab, mediation-numerique)", t)
		}
	}
	for _, s := range q.Services {
		if _, ok := ingest.ServiceTerm(s); !ok {
			return errorf(CodeUnknownService, "service", "%q is not a service of the vocabulary", s)
		}
	}
	if q.Limit == 0 {
		q.Limit = DefaultLimit
	}
	switch {
	case q.Limit < 0 || q.Limit > MaxLimit:
		return errorf(CodeOutOfRange, "limit", "must be between 1 and %d", MaxLimit)
	case q.Offset < 0 || q.Offset > MaxOffset:
		return errorf(CodeOutOfRange, "offset", "must be between 0 and %d", MaxOffset)
	case q.RadiusMeters < 0 || q.RadiusMeters > MaxRadiusMeters || math.IsNaN(q.RadiusMeters):
		return errorf(CodeOutOfRange, "radius", "must be between 0 and %s", geo.FormatDistance(MaxRadiusMeters))
	case q.RadiusMeters > 0 && q.Near == nil:
		return errorf(CodeInvalid, "radius", "needs a place to measure from: add near, or a place in q")
	case q.Nearest && q.Near == nil:
		return errorf(CodeInvalid, "near", "is required for the nearest places")
	}
	if q.Nearest && q.RadiusMeters > 0 {
		// The nearest within a radius are the places within it, by distance.
		q.Nearest, q.Sort = false, SortDistance
	}
	if q.Near != nil && !geo.ValidPoint(q.Near.Lon, q.Near.Lat) {
		return errorf(CodeOutOfRange, "near", "latitude must be within [-90, 90] and longitude within [-180, 180]")
	}
	switch q.Sort {
	case "":
		switch {
		case q.Near != nil && q.Text != "":
			q.Sort = SortDecay
		case q.Near != nil:
			q.Sort = SortDistance
		default:
			q.Sort = SortRelevance
		}
	case SortRelevance, SortDistance, SortDecay:
	default:
		return errorf(CodeInvalid, "sort", "%q: want relevance or distance", q.Sort)
	}
	if (q.Sort == SortDistance || q.Sort == SortDecay) && q.Near == nil {
		return errorf(CodeInvalid, "sort", "distance needs a place to measure from: add near")
	}
	if q.Sort == SortDistance && q.Near != nil && q.RadiusMeters == 0 && !q.AutoRadius && q.BBox == nil && q.Polygon == nil {
		// "near without radius but sorted by distance": the k nearest.
		q.Nearest = true
	}
	return nil
}

// filter holds a query's bitmaps, one per dimension; nil means no
// filter on it.
type filter struct {
	types, services, dept, region, demo bitset
	all                                 bitset // every dimension
}

func (f *filter) pass(o uint32) bool { return f.all == nil || f.all.has(o) }

func (e *Engine) filters(q *Query) *filter {
	// Bitmaps are shared when a dimension needs only one, and built only
	// when it combines several: at a million places each is 125 KB.
	f := &filter{}
	var empty bitset
	none := func() bitset {
		if empty == nil {
			empty = newBitset(e.n)
		}
		return empty
	}
	pick := func(m map[string]bitset, k string) bitset {
		if b, ok := m[k]; ok {
			return b
		}
		return none()
	}
	switch len(q.Types) {
	case 0:
	case 1:
		f.types = pick(e.types, q.Types[0])
	default:
		f.types = newBitset(e.n)
		for _, t := range q.Types {
			if b, ok := e.types[t]; ok {
				f.types.or(b)
			}
		}
	}
	for i, s := range q.Services {
		switch {
		case i == 0:
			f.services = pick(e.services, s)
		case i == 1:
			f.services = f.services.clone()
			fallthrough
		default:
			f.services.and(pick(e.services, s))
		}
	}
	if q.Dept != "" {
		f.dept = pick(e.depts, q.Dept)
	}
	if q.Region != "" {
		f.region = pick(e.regions, q.Region)
	}
	if q.Demo != nil {
		f.demo = e.demo
		if !*q.Demo {
			f.demo = e.demo.clone()
			for i := range f.demo {
				f.demo[i] = ^f.demo[i]
			}
			// Clear the bits past the last place, or counts include them.
			if r := e.n % 64; r != 0 {
				f.demo[len(f.demo)-1] &= 1<<r - 1
			}
		}
	}
	n := 0
	for _, b := range []bitset{f.types, f.services, f.dept, f.region, f.demo} {
		if b == nil {
			continue
		}
		switch n++; n {
		case 1:
			f.all = b
		case 2:
			f.all = f.all.clone()
			f.all.and(b)
		default:
			f.all.and(b)
		}
	}
	return f
}

// Place returns a place by ID.
func (e *Engine) Place(id string) (*ingest.Place, bool) { return e.cat.Place(id) }

// Geocode resolves a place name through the gazetteer, with suggestions
// when nothing matches.
func (e *Engine) Geocode(q string, limit int) (matches, suggestions []gazetteer.Match, err error) {
	if len(q) > MaxQueryLen {
		return nil, nil, errorf(CodeTooLong, "q", "is %d bytes long; the limit is %d", len(q), MaxQueryLen)
	}
	if len(gazetteer.Normalize(q)) == 0 {
		return nil, nil, errorf(CodeInvalid, "q", "is empty: give a commune, département or région name, an INSEE code or a postcode")
	}
	matches = e.g.Lookup(q, limit)
	if len(matches) == 0 {
		suggestions = e.g.Suggest(q, 5)
	}
	return matches, suggestions, nil
}
