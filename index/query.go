package index

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/tierslieux/tierslieux/geo"
	"github.com/tierslieux/tierslieux/ingest"
	"github.com/tierslieux/tierslieux/ingest/hours"
)

// Sort orders.
const (
	SortRelevance = "relevance"
	SortDistance  = "distance"
	// SortDecay ranks by relevance weighted by a decay with distance: the
	// default when a query has both text and a place.
	SortDecay = "relevance_distance"
)

// Limits on what a query may ask.
const (
	DefaultLimit       = 20
	MaxLimit           = 100
	MaxOffset          = 10000
	MaxRadiusMeters    = 1_000_000
	AutoRadiusTarget   = 5       // places an adaptive radius tries to reach
	AutoRadiusCapMeter = 100_000 // and the furthest it widens to
)

// autoRadii are the steps an adaptive radius widens through, in metres.
var autoRadii = []float64{5_000, 10_000, 20_000, 30_000, 50_000, 75_000, AutoRadiusCapMeter}

// Anchor is the point a query is measured from: a commune, with its
// département so homonyms are told apart, or a bare position.
type Anchor struct {
	Name     string  `json:"name"`
	INSEE    string  `json:"insee,omitempty"`
	Dept     string  `json:"dept,omitempty"`
	DeptName string  `json:"dept_name,omitempty"`
	Lat      float64 `json:"lat"`
	Lon      float64 `json:"lon"`
	// Alternatives are the other communes of the same name, for "Villeneuve
	// (12) — or Villeneuve (09)?".
	Alternatives []Alternative `json:"alternatives,omitempty"`
}

// Alternative is a homonym of an anchor's commune.
type Alternative struct {
	Name     string `json:"name"`
	Dept     string `json:"dept"`
	DeptName string `json:"dept_name,omitempty"`
	INSEE    string `json:"insee"`
}

// Notes are what the query language noticed while reading a query and
// tells the user: words read as something else, and what an ambiguous
// word may have meant. The engine ignores them.
type Notes struct {
	Corrections []Correction `json:"corrected,omitempty"`
	DidYouMean  *Ambiguity   `json:"did_you_mean,omitempty"`
	// RadiusFrom says a radius was read from minutes, at what speed.
	RadiusFrom *Minutes `json:"radius_from,omitempty"`
}

// Minutes is "within 20 minutes" read as a radius: minutes at a
// straight-line speed, an assumption said to the user, not a travel time.
type Minutes struct {
	Minutes int     `json:"minutes"`
	KMH     float64 `json:"kmh"`
}

// Ambiguity is a word that may be a typo of several names: the page
// offers them.
type Ambiguity struct {
	From    string   `json:"from"`
	Options []string `json:"options"`
}

// Correction is a word read as something it was not written as: a typo
// ("montpelier" → "Montpellier (34)"), or a qualifier that named no
// homonym ("Villeneuve (30)" → "Villeneuve-lès-Avignon (30)").
type Correction struct {
	From string `json:"from"`
	To   string `json:"to"`
	// Kind is place, vocabulary, or text (a word of the text no place
	// holds, read as the closest one some place does).
	Kind string `json:"kind"`
}

// Query is a structured query: what the query language understood of free
// text and parameters. Validate holds its rules; the engine runs only
// valid queries.
type Query struct {
	Text string // the full-text part
	// RelaxText lets the engine turn words of Text into preferences when
	// they would empty the list (the query language sets it for what
	// people type); TextRequired are words it never relaxes ("+samedi").
	RelaxText    bool
	TextRequired []string
	Types        []string // vocabulary IDs; a place matches if it has any
	Services     []string // vocabulary IDs; a place must offer all
	// Lists are the controlled lists' filters, by list name (ingest.Lists:
	// "fees", "publics"…): a place matches if it has any of the terms of
	// each list.
	Lists  map[string][]string
	Dept   string // département code
	Region string // région code
	Demo   *bool  // only demo (true) or only real (false) places

	Near *Anchor
	// RadiusMeters limits distance from Near; 0 means no limit.
	RadiusMeters float64
	// AutoRadius widens the radius from 5 km until AutoRadiusTarget
	// places match, up to AutoRadiusCapMeter ("near X" with no distance).
	AutoRadius bool
	// Nearest asks for the k nearest places, k = Limit, with no distance
	// limit ("nearest coworking to …").
	Nearest bool
	BBox    *geo.Bound
	Polygon geo.Polygon
	// Scope confines the query to a territory whatever else it asks: a
	// partner key's (nil: the whole catalog).
	Scope *Scope
	// everyMatch asks the planner for every match, not the first
	// offset+limit (clusters draw them all).
	everyMatch bool
	// Trip keeps the places on the way from a start to an end; Near is
	// then the start, distances are measured from it, and each place's
	// detour is its distance for sorting and counting.
	Trip *Trip

	Sort   string
	Limit  int
	Offset int
	Facets []string
	// Rings are the bounds of the distance facet's bands, in metres,
	// increasing; empty is DefaultRings.
	Rings []float64
	// NoHighlight skips the highlighted snippets of a text query's results.
	NoHighlight bool
	// Sparse leaves the hits' places holding only their coordinates, ID,
	// name and description, for a caller that keeps the rest by Hit.Doc:
	// Result.Complete fills in the others of a hit it does not have.
	Sparse bool

	// Open keeps the places open when asked (open=); places whose hours
	// are unknown are left out, and counted, unless OpenUnknown.
	Open        *hours.When
	OpenUnknown bool
	// Now is the time results say whether they are open at; Validate sets
	// it to the present when zero.
	Now time.Time

	Notes Notes
}

// String is the canonical form of a query, used to compare what a parser
// understood: fields in a fixed order, only those set.
func (q *Query) String() string {
	var parts []string
	add := func(k, v string) { parts = append(parts, k+"="+v) }
	if q.Text != "" {
		add("text", strconv.Quote(q.Text))
	}
	if len(q.TextRequired) > 0 {
		add("require", strings.Join(q.TextRequired, ","))
	}
	if len(q.Types) > 0 {
		add("type", strings.Join(q.Types, ","))
	}
	if len(q.Services) > 0 {
		add("service", strings.Join(q.Services, ","))
	}
	for _, l := range ingest.Lists {
		if ids := q.Lists[l.Name]; len(ids) > 0 {
			add(l.Name, strings.Join(ids, ","))
		}
	}
	if q.Dept != "" {
		add("dept", q.Dept)
	}
	if q.Region != "" {
		add("region", q.Region)
	}
	if q.Demo != nil {
		add("demo", strconv.FormatBool(*q.Demo))
	}
	if q.Near != nil && q.Trip == nil {
		add("near", anchorKey(q.Near))
	}
	switch {
	case q.AutoRadius:
		add("radius", "auto")
	case q.RadiusMeters > 0:
		add("radius", geo.FormatDistance(q.RadiusMeters))
	}
	if q.Nearest {
		add("nearest", "true")
	}
	if q.BBox != nil {
		add("bbox", fmt.Sprintf("%g,%g,%g,%g", q.BBox.MinLon, q.BBox.MinLat, q.BBox.MaxLon, q.BBox.MaxLat))
	}
	if len(q.Polygon) > 0 {
		add("polygon", strconv.Itoa(len(q.Polygon[0]))+"pts")
	}
	if q.Trip != nil {
		add("trip", fmt.Sprintf("%s>%s", anchorKey(q.Trip.From), anchorKey(q.Trip.To)))
		add("detour", geo.FormatDistance(q.Trip.MaxDetourMeters))
	}
	if q.Open != nil {
		add("open", q.Open.String())
		if q.OpenUnknown {
			add("open_unknown", "include")
		}
	}
	if q.Sort != "" {
		add("sort", q.Sort)
	}
	return strings.Join(parts, " ")
}

// Validate checks a query's rules and fills its defaults: the limit, the
// sort order (by relevance, by distance from a point, or both), and the k
// nearest for a point sorted by distance with no radius. It is the one
// place these rules live; the engine calls it on every query it runs.
func (q *Query) Validate() error {
	if q.Limit == 0 {
		q.Limit = DefaultLimit
	}
	if q.Now.IsZero() {
		q.Now = time.Now()
	}
	if err := q.Check(); err != nil {
		return err
	}
	if q.Nearest && q.RadiusMeters > 0 {
		// The nearest within a radius are the places within it, by distance.
		q.Nearest, q.Sort = false, SortDistance
	}
	return q.checkSort()
}

// Check checks a query's rules without filling any default: known types
// and services, limits, a radius in range and with a point to measure
// from, a point in range. The query language checks what it builds with
// it; Validate starts with it.
func (q *Query) Check() error {
	for _, t := range q.Types {
		if _, ok := ingest.TypeTerm(t); !ok {
			return Errorf(CodeUnknownType, "type", "%q is not a type (coworking, fablab, mediation-numerique)", t)
		}
	}
	for _, s := range q.Services {
		if _, ok := ingest.ServiceTerm(s); !ok {
			return Errorf(CodeUnknownService, "service", "%q is not a service of the vocabulary", s)
		}
	}
	for name, ids := range q.Lists {
		l, ok := ingest.ListNamed(name)
		if !ok {
			return Errorf(CodeInvalid, name, "is not a list of the vocabulary")
		}
		for _, id := range ids {
			if _, ok := l.Term(id); !ok {
				return Errorf(CodeInvalid, name, "%q is not one of the %s", id, name)
			}
		}
	}
	if err := q.checkRanges(); err != nil {
		return err
	}
	if n := q.Polygon.Vertices(); n > geo.MaxPolygonVertices {
		return Errorf(CodeTooLong, "polygon", "has %d vertices; the limit is %d", n, geo.MaxPolygonVertices)
	}
	if q.Near != nil && !geo.ValidPoint(q.Near.Lon, q.Near.Lat) {
		return Errorf(CodeOutOfRange, "near", "latitude must be within [-90, 90] and longitude within [-180, 180]")
	}
	if err := q.checkRings(); err != nil {
		return err
	}
	return q.checkTrip()
}

// checkRings checks the distance facet: a point to measure from, and
// bands that grow.
func (q *Query) checkRings() error {
	if len(q.Rings) > MaxRings {
		return Errorf(CodeOutOfRange, "rings", "has %d bounds; the limit is %d", len(q.Rings), MaxRings)
	}
	for i, r := range q.Rings {
		if !(r > 0) || (i > 0 && r <= q.Rings[i-1]) {
			return Errorf(CodeInvalid, "rings", "bounds must be more than 0 and increasing, in km: 5,10,20,50")
		}
	}
	if slices.Contains(q.Facets, FacetDistance) && q.Near == nil {
		return Errorf(CodeInvalid, "facets", "distance needs a place to measure from: add near")
	}
	return nil
}

// checkTrip checks a trip: a route, a detour in range, and nothing that
// asks for another area.
func (q *Query) checkTrip() error {
	t := q.Trip
	switch {
	case t == nil:
		if q.Sort == SortDetour || q.Sort == SortAlong {
			return Errorf(CodeInvalid, "sort", "%s needs a trip: add from and to, or along", q.Sort)
		}
		return nil
	case t.Route == nil:
		return Errorf(CodeInvalid, "to", "a trip needs its start and its end: from and to, or along")
	case !(t.MaxDetourMeters > 0) || t.MaxDetourMeters > MaxDetourMeters:
		return Errorf(CodeOutOfRange, "detour", "must be more than 0 and at most %s", geo.FormatDistance(MaxDetourMeters))
	case q.RadiusMeters > 0 || q.Nearest:
		return Errorf(CodeInvalid, "radius", "a trip is limited by its detour, not by a radius: use detour")
	case q.BBox != nil || q.Polygon != nil:
		return Errorf(CodeInvalid, "bbox", "a trip cannot be limited to a box or a polygon as well")
	}
	return nil
}

func (q *Query) checkRanges() error {
	switch {
	case q.Limit < 0 || q.Limit > MaxLimit:
		return Errorf(CodeOutOfRange, "limit", "must be between 1 and %d", MaxLimit)
	case q.Offset < 0 || q.Offset > MaxOffset:
		return Errorf(CodeOutOfRange, "offset", "must be between 0 and %d", MaxOffset)
	case q.RadiusMeters < 0 || math.IsNaN(q.RadiusMeters):
		return Errorf(CodeOutOfRange, "radius", "must be more than 0")
	case q.RadiusMeters > MaxRadiusMeters:
		return Errorf(CodeOutOfRange, "radius", "%s is beyond the %s maximum", geo.FormatDistance(q.RadiusMeters), geo.FormatDistance(MaxRadiusMeters))
	case q.RadiusMeters > 0 && q.Near == nil:
		return Errorf(CodeInvalid, "radius", "needs a place to measure from: add near, or a place in q")
	case q.Nearest && q.Near == nil:
		return Errorf(CodeInvalid, "near", "is required for the nearest places")
	}
	return nil
}

func (q *Query) checkSort() error {
	switch q.Sort {
	case "":
		switch {
		case q.Trip != nil:
			q.Sort = SortDetour
		case q.Near != nil && q.Text != "":
			q.Sort = SortDecay
		case q.Near != nil:
			q.Sort = SortDistance
		default:
			q.Sort = SortRelevance
		}
	case SortRelevance, SortDistance, SortDecay, SortDetour, SortAlong:
	default:
		return Errorf(CodeInvalid, "sort", "%q: want relevance or distance", q.Sort)
	}
	if (q.Sort == SortDistance || q.Sort == SortDecay) && q.Near == nil {
		return Errorf(CodeInvalid, "sort", "distance needs a place to measure from: add near")
	}
	if q.Sort == SortDistance && q.Near != nil && q.RadiusMeters == 0 && !q.AutoRadius && q.BBox == nil && q.Polygon == nil && q.Trip == nil {
		// "near without radius but sorted by distance": the k nearest.
		q.Nearest = true
	}
	return nil
}

// HasArea reports whether a query limits where places are.
func (q *Query) HasArea() bool {
	return q.Trip != nil || q.Polygon != nil || q.BBox != nil || (q.Near != nil && q.RadiusMeters > 0)
}

// anchorKey is an anchor in a query's canonical form: its INSEE code, or
// its position; "route" when there is none (a trip along a polyline).
func anchorKey(a *Anchor) string {
	switch {
	case a == nil:
		return "route"
	case a.INSEE != "":
		return a.INSEE
	}
	return fmt.Sprintf("%.4f,%.4f", a.Lat, a.Lon)
}
