package search

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/tierslieux/tierslieux/geo"
	"github.com/tierslieux/tierslieux/geo/gazetteer"
	"github.com/tierslieux/tierslieux/ingest"
)

// Params are a search request's parameters as received, before any
// checking: the free text q, and explicit parameters that override what
// q implies. Empty means not given.
type Params struct {
	Q        string
	Types    []string
	Services []string
	Dept     string
	Near     string // a place name or "lat,lon"
	Radius   string // "30km", "500m", "30" (km)
	BBox     string // minLon,minLat,maxLon,maxLat
	Polygon  string // a GeoJSON Polygon geometry
	Sort     string
	Limit    string
	Offset   string
	Facets   string // comma-separated: type,service,dept
	Demo     string // true or false
}

// maxParamLen bounds every parameter but q and polygon.
const maxParamLen = 200

// maxPolygonLen bounds a polygon parameter, in bytes.
const maxPolygonLen = 64 << 10

// Build turns parameters into a Query: q is parsed first, then each
// explicit parameter replaces what q said about it. Every error names the
// parameter at fault.
func (e *Engine) Build(p Params) (Query, error) {
	var q Query
	for name, v := range map[string]string{"dept": p.Dept, "near": p.Near, "radius": p.Radius, "bbox": p.BBox,
		"sort": p.Sort, "limit": p.Limit, "offset": p.Offset, "facets": p.Facets, "demo": p.Demo} {
		if len(v) > maxParamLen {
			return q, errorf(CodeTooLong, name, "is %d bytes long; the limit is %d", len(v), maxParamLen)
		}
	}
	if strings.TrimSpace(p.Q) != "" {
		var err error
		if q, err = e.Parser.Parse(p.Q); err != nil {
			return q, err
		}
	}
	var err error
	if len(p.Types) > 0 {
		if q.Types, err = vocabParam("type", p.Types, ingest.TypeID, CodeUnknownType, "is not a type (coworking, fablab, mediation-numerique)"); err != nil {
			return q, err
		}
	}
	if len(p.Services) > 0 {
		if q.Services, err = vocabParam("service", p.Services, ingest.ServiceID, CodeUnknownService, "is not a service of the vocabulary"); err != nil {
			return q, err
		}
	}
	if p.Dept != "" {
		code, err := e.dept(p.Dept)
		if err != nil {
			return q, err
		}
		q.Dept = code
	}
	if p.Near != "" {
		a, err := e.ResolveNear(p.Near)
		if err != nil {
			return q, err
		}
		q.Near = a
		q.AutoRadius = false
	}
	radiusGiven := p.Radius != ""
	if radiusGiven {
		m, err := geo.ParseDistance(p.Radius)
		if errors.Is(err, geo.ErrNegative) || errors.Is(err, geo.ErrTooFar) {
			return q, errorf(CodeOutOfRange, "radius", "%q: want more than 0 and at most %s", p.Radius, geo.FormatDistance(MaxRadiusMeters))
		}
		if err != nil {
			return q, errorf(CodeInvalid, "radius", "%q is not a distance such as 30km, 500m or 30", p.Radius)
		}
		if m > MaxRadiusMeters {
			return q, errorf(CodeOutOfRange, "radius", "%s is beyond the %s maximum", p.Radius, geo.FormatDistance(MaxRadiusMeters))
		}
		if m == 0 {
			return q, errorf(CodeOutOfRange, "radius", "must be more than 0")
		}
		q.RadiusMeters, q.AutoRadius, q.Nearest = m, false, false
	}
	if p.BBox != "" {
		b, err := parseBBox(p.BBox)
		if err != nil {
			return q, err
		}
		q.BBox = b
	}
	if p.Polygon != "" {
		poly, err := parsePolygon(p.Polygon)
		if err != nil {
			return q, err
		}
		q.Polygon = poly
	}
	if p.Sort != "" {
		switch p.Sort {
		case SortRelevance, SortDistance:
			q.Sort = p.Sort
		default:
			return q, errorf(CodeInvalid, "sort", "%q: want relevance or distance", p.Sort)
		}
	}
	if q.Limit, err = intParam("limit", p.Limit, DefaultLimit, 1, MaxLimit); err != nil {
		return q, err
	}
	if q.Offset, err = intParam("offset", p.Offset, 0, 0, MaxOffset); err != nil {
		return q, err
	}
	if p.Facets != "" {
		q.Facets = nil
		for _, f := range splitComma(p.Facets) {
			switch f {
			case FacetType, FacetService, FacetDept:
				q.Facets = appendUnique(q.Facets, f)
			default:
				return q, errorf(CodeInvalid, "facets", "%q: want type, service or dept", f)
			}
		}
	}
	if p.Demo != "" {
		b, err := strconv.ParseBool(p.Demo)
		if err != nil {
			return q, errorf(CodeInvalid, "demo", "%q: want true or false", p.Demo)
		}
		q.Demo = &b
	}
	// How a point without a radius is read: inside a box or polygon it only
	// measures distances; sorted by distance it asks for the nearest;
	// otherwise the radius adapts to density.
	if q.Near != nil && !radiusGiven && q.RadiusMeters == 0 {
		nearest := q.Nearest
		q.AutoRadius, q.Nearest = false, false
		switch {
		case q.BBox != nil || q.Polygon != nil:
		case q.Sort == SortDistance || nearest:
			q.Nearest = true
		default:
			q.AutoRadius = true
		}
	}
	if q.RadiusMeters > 0 && q.Near == nil {
		return q, errorf(CodeInvalid, "radius", "needs a place to measure from: add near, or a place in q")
	}
	return q, nil
}

// ResolveNear reads a near parameter: "lat,lon" or a commune name.
func (e *Engine) ResolveNear(s string) (*Anchor, error) {
	if parts := strings.Split(s, ","); len(parts) == 2 {
		lat, err1 := strconv.ParseFloat(strings.TrimSpace(parts[0]), 64)
		lon, err2 := strconv.ParseFloat(strings.TrimSpace(parts[1]), 64)
		if err1 == nil && err2 == nil {
			if !geo.ValidPoint(lon, lat) {
				return nil, errorf(CodeOutOfRange, "near", "%q: latitude must be within [-90, 90] and longitude within [-180, 180]", s)
			}
			return &Anchor{Name: fmt.Sprintf("%g,%g", lat, lon), Lat: lat, Lon: lon}, nil
		}
	}
	for _, m := range e.g.Lookup(s, 5) {
		if m.Commune != nil {
			return anchorOf(e.g, m.Commune, "near")
		}
	}
	if ms := e.g.Lookup(s, 1); len(ms) > 0 {
		return nil, errorf(CodeInvalid, "near", "%q is a %s: near needs a commune or lat,lon (use dept for a département)", s, ms[0].Kind)
	}
	err := &Error{Code: CodeUnknownPlace, Param: "near", Message: fmt.Sprintf("%q is not a French commune", s)}
	for _, m := range e.g.Suggest(s, 5) {
		err.Suggestions = append(err.Suggestions, describe(m))
	}
	if len(err.Suggestions) > 0 {
		err.Message += "; did you mean " + strings.Join(err.Suggestions, ", ") + "?"
	}
	return nil, err
}

// dept reads a département code or name.
func (e *Engine) dept(s string) (string, error) {
	if d, ok := e.g.Departement(s); ok {
		return d.Code, nil
	}
	for _, m := range e.g.Lookup(s, 3) {
		if m.Kind == gazetteer.KindDepartement {
			return m.Area.Code, nil
		}
	}
	return "", errorf(CodeInvalid, "dept", "%q is not a département code or name", s)
}

func parseBBox(s string) (*geo.Bound, error) {
	parts := strings.Split(s, ",")
	if len(parts) != 4 {
		return nil, errorf(CodeInvalid, "bbox", "%q: want minLon,minLat,maxLon,maxLat", s)
	}
	var v [4]float64
	for i, part := range parts {
		f, err := strconv.ParseFloat(strings.TrimSpace(part), 64)
		if err != nil {
			return nil, errorf(CodeInvalid, "bbox", "%q: %q is not a number", s, part)
		}
		v[i] = f
	}
	b := &geo.Bound{MinLon: v[0], MinLat: v[1], MaxLon: v[2], MaxLat: v[3]}
	switch {
	case !geo.ValidPoint(b.MinLon, b.MinLat) || !geo.ValidPoint(b.MaxLon, b.MaxLat):
		return nil, errorf(CodeOutOfRange, "bbox", "%q: longitudes must be within [-180, 180] and latitudes within [-90, 90]", s)
	case b.MinLat > b.MaxLat:
		return nil, errorf(CodeInvalid, "bbox", "%q: minLat is above maxLat", s)
	}
	return b, nil
}

func parsePolygon(s string) (geo.Polygon, error) {
	if len(s) > maxPolygonLen {
		return nil, errorf(CodeTooLong, "polygon", "is %d bytes long; the limit is %d", len(s), maxPolygonLen)
	}
	var g struct {
		Type        string         `json:"type"`
		Coordinates [][][2]float64 `json:"coordinates"`
	}
	if err := json.Unmarshal([]byte(s), &g); err != nil || g.Type != "Polygon" {
		return nil, errorf(CodeInvalid, "polygon", "want a GeoJSON Polygon geometry: {\"type\":\"Polygon\",\"coordinates\":[[[lon,lat],...]]}")
	}
	if len(g.Coordinates) == 0 || len(g.Coordinates[0]) < 4 {
		return nil, errorf(CodeInvalid, "polygon", "the outer ring needs at least 4 positions, the last equal to the first")
	}
	for i, ring := range g.Coordinates {
		if len(ring) < 4 || ring[0] != ring[len(ring)-1] {
			return nil, errorf(CodeInvalid, "polygon", "ring %d is not closed: its last position must equal its first (RFC 7946)", i+1)
		}
	}
	for _, ring := range g.Coordinates {
		for _, pt := range ring {
			if !geo.ValidPoint(pt[0], pt[1]) {
				return nil, errorf(CodeOutOfRange, "polygon", "position [%g, %g] is out of range", pt[0], pt[1])
			}
		}
	}
	return geo.Polygon(g.Coordinates), nil
}

// vocabParam maps repeated, comma-separated values to vocabulary IDs.
func vocabParam(name string, values []string, id func(string) (string, bool), code, msg string) ([]string, error) {
	var out []string
	for _, v := range values {
		for _, s := range splitComma(v) {
			got, ok := id(s)
			if !ok {
				return nil, errorf(code, name, "%q %s", s, msg)
			}
			out = appendUnique(out, got)
		}
	}
	return out, nil
}

func intParam(name, s string, def, lo, hi int) (int, error) {
	if s == "" {
		return def, nil
	}
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil {
		return 0, errorf(CodeInvalid, name, "%q is not a whole number", s)
	}
	if n < lo || n > hi {
		return 0, errorf(CodeOutOfRange, name, "%d is outside [%d, %d]", n, lo, hi)
	}
	return n, nil
}

func splitComma(s string) []string {
	var out []string
	for _, v := range strings.Split(s, ",") {
		if v = strings.TrimSpace(v); v != "" {
			out = append(out, v)
		}
	}
	return out
}
