package query

import (
	"encoding/json"
	"errors"
	"strconv"
	"strings"

	"github.com/tierslieux/tierslieux/geo"
	"github.com/tierslieux/tierslieux/geo/gazetteer"
	"github.com/tierslieux/tierslieux/index"
	"github.com/tierslieux/tierslieux/ingest"
	"github.com/tierslieux/tierslieux/ingest/hours"
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
	// Highlight is true or false: snippets with the words of a text query
	// marked (default true).
	Highlight string
	// Open is when places must be open: now, today, tomorrow, weekend, a
	// day (sa, samedi), "mo 18:00", "we 09:00-12:00", "2026-12-24T09:00".
	// OpenUnknown=include keeps the places whose hours are unknown.
	Open, OpenUnknown string
	// From and To are a trip's ends (the forms of near), Along a route the
	// client has (a GeoJSON LineString or an encoded polyline), Detour the
	// most a place may add to the trip ("10km", default 10 km).
	From, To, Along, Detour string
	// Within is a travel time read as a radius: "20min", "20".
	Within string
	// Rings are the distance facet's bounds in km: "5,10,20,50".
	Rings string
	// Lists are the controlled lists' filters, by list name (ingest.Lists:
	// fees, publics, accessibility…), each value an ID or a label.
	Lists map[string][]string
}

// maxParamLen bounds every parameter but q and polygon.
const maxParamLen = 200

// maxPolygonLen bounds a polygon parameter, in bytes.
const maxPolygonLen = 64 << 10

// Language is the query language: it reads a search request, free text
// and explicit parameters, into one index query, resolving places through
// the gazetteer and the vocabulary through package ingest.
type Language struct {
	Parser
}

// New returns the query language over a gazetteer and the names of an
// index's places (nil: none).
func New(g *gazetteer.Gazetteer, names Names) *Language {
	return &Language{Parser: Parser{Gazetteer: g, Names: names}}
}

// Build turns parameters into a query: q is parsed first, then each
// explicit parameter replaces what q said about it. Every error names the
// parameter at fault; the rules a query must hold are checked by
// index.Query.Check, the same the engine applies.
func (l *Language) Build(p Params) (index.Query, error) {
	var q index.Query
	// An array, not a map: nothing to allocate, and the first parameter
	// too long is always the one named.
	for _, pv := range [...]struct{ name, v string }{{"dept", p.Dept}, {"near", p.Near}, {"radius", p.Radius}, {"bbox", p.BBox},
		{"sort", p.Sort}, {"limit", p.Limit}, {"offset", p.Offset}, {"facets", p.Facets}, {"demo", p.Demo}, {"highlight", p.Highlight},
		{"open", p.Open}, {"open_unknown", p.OpenUnknown}, {"from", p.From}, {"to", p.To}, {"detour", p.Detour}, {"within", p.Within}, {"rings", p.Rings}} {
		if len(pv.v) > maxParamLen {
			return q, index.Errorf(index.CodeTooLong, pv.name, "is %d bytes long; the limit is %d", len(pv.v), maxParamLen)
		}
	}
	if strings.TrimSpace(p.Q) != "" {
		var err error
		if q, err = l.Parse(p.Q); err != nil {
			return q, err
		}
	}
	if q.Now.IsZero() {
		q.Now = l.now()
	}
	for _, step := range []func(*index.Query, Params) error{l.filters, l.area, l.trip, page, l.hours, settleNear} {
		if err := step(&q, p); err != nil {
			return q, err
		}
	}
	if err := finishTrip(&q); err != nil {
		return q, err
	}
	return q, q.Check()
}

// filters reads type, service and dept.
func (l *Language) filters(q *index.Query, p Params) error {
	var err error
	if len(p.Types) > 0 {
		if q.Types, err = vocabParam("type", p.Types, ingest.TypeID, index.CodeUnknownType, "%q is not a type (coworking, fablab, mediation-numerique)"); err != nil {
			return err
		}
	}
	if len(p.Services) > 0 {
		if q.Services, err = vocabParam("service", p.Services, ingest.ServiceID, index.CodeUnknownService, "%q is not a service of the vocabulary"); err != nil {
			return err
		}
	}
	if p.Dept != "" {
		if q.Dept, err = l.dept(p.Dept); err != nil {
			return err
		}
	}
	for _, list := range ingest.Lists {
		values := p.Lists[list.Name]
		if len(values) == 0 {
			continue
		}
		ids, err := vocabParam(list.Name, values, list.ID, index.CodeInvalid, "%q is not one of the terms of this list")
		if err != nil {
			return err
		}
		if q.Lists == nil {
			q.Lists = map[string][]string{}
		}
		q.Lists[list.Name] = ids
	}
	return nil
}

// area reads near, radius, bbox and polygon.
func (l *Language) area(q *index.Query, p Params) error {
	if p.Near != "" {
		a, err := l.resolvePoint("near", p.Near, &q.Notes)
		if err != nil {
			return err
		}
		q.Near = a
		q.AutoRadius = false
	}
	if p.Radius != "" {
		m, err := geo.ParseDistance(p.Radius)
		if errors.Is(err, geo.ErrNegative) || errors.Is(err, geo.ErrTooFar) {
			return index.Errorf(index.CodeOutOfRange, "radius", "%q: want more than 0 and at most %s", p.Radius, geo.FormatDistance(index.MaxRadiusMeters))
		}
		if err != nil {
			return index.Errorf(index.CodeInvalid, "radius", "%q is not a distance such as 30km, 500m or 30", p.Radius)
		}
		if m == 0 {
			return index.Errorf(index.CodeOutOfRange, "radius", "must be more than 0")
		}
		q.RadiusMeters, q.AutoRadius, q.Nearest = m, false, false
	}
	var err error
	if p.BBox != "" {
		if q.BBox, err = parseBBox(p.BBox); err != nil {
			return err
		}
	}
	if p.Polygon != "" {
		if q.Polygon, err = parsePolygon(p.Polygon); err != nil {
			return err
		}
	}
	return nil
}

// page reads sort, limit, offset, facets and demo.
func page(q *index.Query, p Params) error {
	switch p.Sort {
	case "":
	case index.SortRelevance, index.SortDistance, index.SortDetour, index.SortAlong:
		q.Sort = p.Sort
	default:
		return index.Errorf(index.CodeInvalid, "sort", "%q: want relevance, distance, detour or along", p.Sort)
	}
	var err error
	if q.Limit, err = IntParam("limit", p.Limit, index.DefaultLimit, 1, index.MaxLimit); err != nil {
		return err
	}
	if q.Offset, err = IntParam("offset", p.Offset, 0, 0, index.MaxOffset); err != nil {
		return err
	}
	if p.Facets != "" {
		q.Facets = nil
		for _, f := range ingest.SplitList(p.Facets) {
			switch f {
			case index.FacetType, index.FacetService, index.FacetDept, index.FacetDistance:
				q.Facets = ingest.AppendUnique(q.Facets, f)
			default:
				if _, ok := ingest.ListNamed(f); ok {
					q.Facets = ingest.AppendUnique(q.Facets, f)
					continue
				}
				return index.Errorf(index.CodeInvalid, "facets", "%q: want type, service, dept, distance or a list (fees, publics, accessibility…)", f)
			}
		}
	}
	if p.Demo != "" {
		b, err := boolParam("demo", p.Demo)
		if err != nil {
			return err
		}
		q.Demo = &b
	}
	if p.Highlight != "" {
		b, err := boolParam("highlight", p.Highlight)
		if err != nil {
			return err
		}
		q.NoHighlight = !b
	}
	return nil
}

func boolParam(name, s string) (bool, error) {
	b, err := strconv.ParseBool(s)
	if err != nil {
		return false, index.Errorf(index.CodeInvalid, name, "%q: want true or false", s)
	}
	return b, nil
}

// hours reads open and open_unknown.
func (l *Language) hours(q *index.Query, p Params) error {
	if p.Open != "" {
		w, err := hours.ParseWhen(p.Open, q.Now)
		if err != nil {
			return index.Errorf(index.CodeInvalid, "open", "%q: %v; want now, today, tomorrow, weekend, a day (sa, samedi), a day and time (mo 18:00), a window (we 09:00-12:00) or a date (2026-12-24T09:00)", p.Open, err)
		}
		q.Open = &w
	}
	switch p.OpenUnknown {
	case "":
	case "include":
		q.OpenUnknown = true
	case "exclude":
		q.OpenUnknown = false
	default:
		return index.Errorf(index.CodeInvalid, "open_unknown", "%q: want include or exclude", p.OpenUnknown)
	}
	return nil
}

// trip reads from, to, along, detour and within.
func (l *Language) trip(q *index.Query, p Params) error {
	if p.Along != "" {
		t, err := parseAlong(p.Along)
		if err != nil {
			return err
		}
		q.Trip = t
	}
	for _, end := range []struct {
		param, value string
		to           bool
	}{{"from", p.From, false}, {"to", p.To, true}} {
		if end.value == "" {
			continue
		}
		if p.Along != "" {
			return index.Errorf(index.CodeInvalid, end.param, "a route given with along has its own ends")
		}
		a, err := l.resolvePoint(end.param, end.value, &q.Notes)
		if err != nil {
			return err
		}
		if q.Trip == nil {
			q.Trip = &index.Trip{}
		}
		if end.to {
			q.Trip.To = a
		} else {
			q.Trip.From = a
		}
		q.Trip.Route = nil
	}
	if p.Detour != "" {
		d, err := geo.ParseDistance(p.Detour)
		if err != nil || d == 0 {
			return index.Errorf(index.CodeInvalid, "detour", "%q is not a distance such as 5km or 500m", p.Detour)
		}
		if q.Trip == nil {
			return index.Errorf(index.CodeInvalid, "detour", "needs a trip: add from and to, or along")
		}
		q.Trip.MaxDetourMeters = d
	}
	if p.Within != "" {
		n, err := IntParam("within", strings.TrimSuffix(strings.TrimSuffix(p.Within, "min"), "mn"), 0, 1, maxMinutes)
		if err != nil {
			return err
		}
		q.RadiusMeters, q.Notes.RadiusFrom = minutesRadius(n, l.speed())
		q.AutoRadius, q.Nearest = false, false
	}
	if p.Rings != "" {
		q.Rings = nil
		for _, s := range ingest.SplitList(p.Rings) {
			km, err := strconv.ParseFloat(s, 64)
			if err != nil {
				return index.Errorf(index.CodeInvalid, "rings", "%q is not a number of km", s)
			}
			q.Rings = append(q.Rings, km*1000)
		}
	}
	return nil
}

// settleNear decides how a point without a radius is read: inside a box
// or polygon it only measures distances; sorted by distance it asks for
// the nearest; otherwise the radius adapts to density.
func settleNear(q *index.Query, p Params) error {
	if q.Near == nil || p.Radius != "" || q.RadiusMeters != 0 || q.Trip != nil {
		return nil
	}
	nearest := q.Nearest
	q.AutoRadius, q.Nearest = false, false
	switch {
	case q.BBox != nil || q.Polygon != nil:
	case q.Sort == index.SortDistance || nearest:
		q.Nearest = true
	default:
		q.AutoRadius = true
	}
	return nil
}

// pointName names a point given as coordinates, as fmt's "%g,%g" would
// (latitude first), without fmt's reflection on every search near one.
func pointName(lat, lon float64) string {
	var buf [64]byte
	b := strconv.AppendFloat(buf[:0], lat, 'g', -1, 64)
	b = strconv.AppendFloat(append(b, ','), lon, 'g', -1, 64)
	return string(b)
}

// resolvePoint reads a parameter that names a point, such as near:
// "lat,lon" or a commune name, maybe qualified ("Villeneuve (09)"). A name
// read as another (an old name, a qualifier matching no homonym) is noted.
func (l *Language) resolvePoint(param, s string, notes *index.Notes) (*index.Anchor, error) {
	if parts := strings.Split(s, ","); len(parts) == 2 {
		lat, err1 := strconv.ParseFloat(strings.TrimSpace(parts[0]), 64)
		lon, err2 := strconv.ParseFloat(strings.TrimSpace(parts[1]), 64)
		if err1 == nil && err2 == nil {
			if !geo.ValidPoint(lon, lat) {
				return nil, index.Errorf(index.CodeOutOfRange, param, "%q: latitude must be within [-90, 90] and longitude within [-180, 180]", s)
			}
			return &index.Anchor{Name: pointName(lat, lon), Lat: lat, Lon: lon}, nil
		}
	}
	for _, m := range l.Gazetteer.Lookup(s, 5) {
		if m.Commune != nil {
			return anchorOf(l.Gazetteer, m.Commune, s, param, notes)
		}
	}
	if ms := l.Gazetteer.Lookup(s, 1); len(ms) > 0 {
		return nil, index.Errorf(index.CodeInvalid, param, "%q is a %s: %s needs a commune or lat,lon (use dept for a département)", s, ms[0].Kind, param)
	}
	return nil, unknownPlace(l.Gazetteer, param, s, "%q is not a French commune")
}

// dept reads a département code or name.
func (l *Language) dept(s string) (string, error) {
	if d, ok := l.Gazetteer.Departement(s); ok {
		return d.Code, nil
	}
	for _, m := range l.Gazetteer.Lookup(s, 3) {
		if m.Kind == gazetteer.KindDepartement {
			return m.Area.Code, nil
		}
	}
	return "", index.Errorf(index.CodeInvalid, "dept", "%q is not a département code or name", s)
}

func parseBBox(s string) (*geo.Bound, error) {
	parts := strings.Split(s, ",")
	if len(parts) != 4 {
		return nil, index.Errorf(index.CodeInvalid, "bbox", "%q: want minLon,minLat,maxLon,maxLat", s)
	}
	var v [4]float64
	for i, part := range parts {
		f, err := strconv.ParseFloat(strings.TrimSpace(part), 64)
		if err != nil {
			return nil, index.Errorf(index.CodeInvalid, "bbox", "%q: %q is not a number", s, part)
		}
		v[i] = f
	}
	b := &geo.Bound{MinLon: v[0], MinLat: v[1], MaxLon: v[2], MaxLat: v[3]}
	switch {
	case !geo.ValidPoint(b.MinLon, b.MinLat) || !geo.ValidPoint(b.MaxLon, b.MaxLat):
		return nil, index.Errorf(index.CodeOutOfRange, "bbox", "%q: longitudes must be within [-180, 180] and latitudes within [-90, 90]", s)
	case b.MinLat > b.MaxLat:
		return nil, index.Errorf(index.CodeInvalid, "bbox", "%q: minLat is above maxLat", s)
	}
	return b, nil
}

func parsePolygon(s string) (geo.Polygon, error) {
	if len(s) > maxPolygonLen {
		return nil, index.Errorf(index.CodeTooLong, "polygon", "is %d bytes long; the limit is %d", len(s), maxPolygonLen)
	}
	var g struct {
		Type        string         `json:"type"`
		Coordinates [][][2]float64 `json:"coordinates"`
	}
	if err := json.Unmarshal([]byte(s), &g); err != nil || g.Type != "Polygon" {
		return nil, index.Errorf(index.CodeInvalid, "polygon", "want a GeoJSON Polygon geometry: {\"type\":\"Polygon\",\"coordinates\":[[[lon,lat],...]]}")
	}
	if len(g.Coordinates) == 0 || len(g.Coordinates[0]) < 4 {
		return nil, index.Errorf(index.CodeInvalid, "polygon", "the outer ring needs at least 4 positions, the last equal to the first")
	}
	for i, ring := range g.Coordinates {
		if len(ring) < 4 || ring[0] != ring[len(ring)-1] {
			return nil, index.Errorf(index.CodeInvalid, "polygon", "ring %d is not closed: its last position must equal its first (RFC 7946)", i+1)
		}
	}
	for _, ring := range g.Coordinates {
		for _, pt := range ring {
			if !geo.ValidPoint(pt[0], pt[1]) {
				return nil, index.Errorf(index.CodeOutOfRange, "polygon", "position [%g, %g] is out of range", pt[0], pt[1])
			}
		}
	}
	return geo.Polygon(g.Coordinates), nil
}

// vocabParam maps repeated values, each maybe a list, to vocabulary IDs;
// format says a value that is not one.
func vocabParam(name string, values []string, id func(string) (string, bool), code, format string) ([]string, error) {
	var out []string
	for _, v := range values {
		for _, s := range ingest.SplitList(v) {
			got, ok := id(s)
			if !ok {
				return nil, index.Errorf(code, name, format, s)
			}
			out = ingest.AppendUnique(out, got)
		}
	}
	return out, nil
}

// IntParam reads a whole-number parameter within [lo, hi], def when empty:
// the one integer parser of request parameters.
func IntParam(name, s string, def, lo, hi int) (int, error) {
	if s == "" {
		return def, nil
	}
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil {
		return 0, index.Errorf(index.CodeInvalid, name, "%q is not a whole number", s)
	}
	if n < lo || n > hi {
		return 0, index.Errorf(index.CodeOutOfRange, name, "%d is outside [%d, %d]", n, lo, hi)
	}
	return n, nil
}
