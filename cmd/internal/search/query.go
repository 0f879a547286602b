package search

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/tierslieux/tierslieux/geo"
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
	MaxQueryLen        = 300
	MaxRadiusMeters    = 1_000_000
	AutoRadiusTarget   = 5       // places an adaptive radius tries to reach
	AutoRadiusCapMeter = 100_000 // and the furthest it widens to
)

// autoRadii are the steps an adaptive radius widens through, in metres.
var autoRadii = []float64{5_000, 10_000, 20_000, 30_000, 50_000, 75_000, AutoRadiusCapMeter}

// Anchor is the point a query is measured from.
type Anchor struct {
	Name  string  `json:"name"`
	INSEE string  `json:"insee,omitempty"`
	Lat   float64 `json:"lat"`
	Lon   float64 `json:"lon"`
}

// Query is a structured query: what the free-text parser understood,
// overridden by explicit parameters.
type Query struct {
	Text     string   // the full-text part
	Types    []string // vocabulary IDs; a place matches if it has any
	Services []string // vocabulary IDs; a place must offer all
	Dept     string   // département code
	Region   string   // région code
	Demo     *bool    // only demo (true) or only real (false) places

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

	Sort   string
	Limit  int
	Offset int
	Facets []string
}

// String is the canonical form of a query, used to compare what a parser
// understood: fields in a fixed order, only those set.
func (q *Query) String() string {
	var parts []string
	add := func(k, v string) { parts = append(parts, k+"="+v) }
	if q.Text != "" {
		add("text", strconv.Quote(q.Text))
	}
	if len(q.Types) > 0 {
		add("type", strings.Join(q.Types, ","))
	}
	if len(q.Services) > 0 {
		add("service", strings.Join(q.Services, ","))
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
	if q.Near != nil {
		if q.Near.INSEE != "" {
			add("near", q.Near.INSEE)
		} else {
			add("near", fmt.Sprintf("%.4f,%.4f", q.Near.Lat, q.Near.Lon))
		}
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
	if q.Sort != "" {
		add("sort", q.Sort)
	}
	return strings.Join(parts, " ")
}
