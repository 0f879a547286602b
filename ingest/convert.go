package ingest

import (
	"crypto/sha1"
	"encoding/hex"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/tierslieux/tierslieux/geo"
	"github.com/tierslieux/tierslieux/geo/gazetteer"
)

// Reason codes of the checks made while converting a record.
const (
	ReasonUnknownCommune  = "unknown_commune"
	ReasonUnknownPostcode = "unknown_postcode"
	ReasonUnknownINSEE    = "unknown_insee"
	ReasonNoLocation      = "no_location"
	ReasonDuplicateID     = "duplicate_id"
	ReasonBadValue        = "bad_value"
	ReasonCentroid        = "geometry_centroid"
	ReasonUnmappedColumn  = "unmapped_column"
	// ReasonUnknownValue: a value of a controlled list (publics, fees…)
	// that the list does not hold; kept as a tag (a warning).
	ReasonUnknownValue = "unknown_value"
	// ReasonFarFromCommune: the point is farther from the stated commune
	// than FarFromCommune allows (a warning; -trust decides which is kept).
	ReasonFarFromCommune = "far_from_commune"
	// ReasonCommuneFromName: only a département was given, and the commune
	// was read from the place's name (a warning; precision commune).
	ReasonCommuneFromName = "commune_from_name"
)

// Geocoding steps, recorded in reports and statistics.
const (
	GeocodedINSEE    = "insee"
	GeocodedPostcode = "postcode+commune"
	GeocodedCommune  = "commune"
	GeocodedOnlyCP   = "postcode"
	GeocodedName     = "name" // a commune of the stated département found in the name
)

// Area is a service area: a set of longitude/latitude boxes.
type Area struct {
	Name  string
	Boxes []geo.Bound
}

// Contains reports whether (lon, lat) falls in one of the boxes.
func (a Area) Contains(lon, lat float64) bool {
	for _, b := range a.Boxes {
		if lon >= b.MinLon && lon <= b.MaxLon && lat >= b.MinLat && lat <= b.MaxLat {
			return true
		}
	}
	return false
}

// France is the default service area: metropolitan France with Corsica,
// and the overseas départements and collectivities.
var France = Area{Name: "France", Boxes: []geo.Bound{
	{MinLon: -5.6, MinLat: 41.2, MaxLon: 9.9, MaxLat: 51.3},        // metropole and Corsica
	{MinLon: -61.9, MinLat: 15.8, MaxLon: -60.9, MaxLat: 16.6},     // Guadeloupe
	{MinLon: -61.3, MinLat: 14.3, MaxLon: -60.7, MaxLat: 14.95},    // Martinique
	{MinLon: -54.7, MinLat: 2.0, MaxLon: -51.5, MaxLat: 5.9},       // Guyane
	{MinLon: 55.1, MinLat: -21.5, MaxLon: 55.9, MaxLat: -20.8},     // La Réunion
	{MinLon: 44.9, MinLat: -13.1, MaxLon: 45.4, MaxLat: -12.5},     // Mayotte
	{MinLon: -56.5, MinLat: 46.7, MaxLon: -56.1, MaxLat: 47.2},     // Saint-Pierre-et-Miquelon
	{MinLon: -63.2, MinLat: 17.8, MaxLon: -62.7, MaxLat: 18.2},     // Saint-Martin, Saint-Barthélemy
	{MinLon: 163.5, MinLat: -22.8, MaxLon: 168.2, MaxLat: -19.5},   // Nouvelle-Calédonie
	{MinLon: -154.8, MinLat: -27.8, MaxLon: -134.4, MaxLat: -7.8},  // Polynésie française
	{MinLon: -178.3, MinLat: -14.4, MaxLon: -176.1, MaxLat: -13.1}, // Wallis-et-Futuna
}}

// Occitanie's box, for exports that must stay in the région.
var OccitanieArea = Area{Name: "Occitanie", Boxes: []geo.Bound{{MinLon: -0.4, MinLat: 42.3, MaxLon: 4.9, MaxLat: 45.1}}}

// Problem is one finding about a record: a rejection, or a warning on a
// record that was kept.
type Problem struct {
	Field, Reason, Value, Message string
	Reject                        bool
}

// What to keep when a point is far from its stated commune.
const (
	TrustCommune = "commune" // the commune's point, precision commune (the default)
	TrustPoint   = "point"   // the given point
)

// Converter turns records into Places, geocoding through the gazetteer.
type Converter struct {
	Gazetteer *gazetteer.Gazetteer
	Area      Area
	// Trust decides which position a place keeps when its point is
	// farther from its stated commune than FarFromCommune allows:
	// TrustCommune ("" too) or TrustPoint. Either way it is a warning.
	Trust string
}

// conversion is the state of one record's conversion: the record with
// its placeholders dropped, its shape, and what was found.
type conversion struct {
	rec      *Record
	shape    *Shape
	problems []Problem
}

func (cv *conversion) reject(field, reason, value, msg string) {
	cv.problems = append(cv.problems, Problem{Field: field, Reason: reason, Value: value, Message: msg, Reject: true})
}

func (cv *conversion) warn(field, reason, value, msg string) {
	cv.problems = append(cv.problems, Problem{Field: field, Reason: reason, Value: value, Message: msg})
}

// Convert checks a record and builds its Place. ok is false when the
// record is rejected; problems lists every finding either way. geocoded
// names the geocoding step used, if any.
func (c *Converter) Convert(rec *Record) (p Place, problems []Problem, geocoded string, ok bool) {
	cv := &conversion{rec: dropPlaceholders(rec), shape: ShapeNamed(rec.Shape)}
	if rec.Err != nil {
		cv.reject(rec.Err.Field, rec.Err.Reason, rec.Err.Value, rec.Err.Message)
		return p, cv.problems, "", false
	}
	cv.text(&p)
	c.vocabulary(cv.rec, &p, cv.warn)
	cv.lists(&p)
	cv.openingHours(&p)
	geocoded, ok = c.locate(cv, &p)
	if !ok {
		return p, cv.problems, "", false
	}
	if p.ID == "" {
		p.ID = contentID(&p)
	}
	return p, cv.problems, geocoded, true
}

// text reads the fields that are text, codes and dates.
func (cv *conversion) text(p *Place) {
	rec := cv.rec
	p.Name = collapseSpaces(rec.Get(FieldName))
	if p.Name == "" {
		cv.reject(FieldName, ReasonMissingName, "", "is missing: every place needs a name")
	}
	p.ID = rec.Get(FieldID)
	p.Description = rec.Get(FieldDescription)
	p.Details = rec.Get(FieldDetails)
	p.Address = collapseSpaces(rec.Get(FieldAddress))
	p.AddressExtra = collapseSpaces(rec.Get(FieldAddressExtra))
	p.Postcode = normalizeCode(rec.Get(FieldPostcode))
	p.Commune = collapseSpaces(rec.Get(FieldCommune))
	p.INSEE = strings.ToUpper(normalizeCode(rec.Get(FieldINSEE)))
	p.Website, p.OtherWebsites = firstAndRest(splitOn(rec.Fields[FieldWebsite], "|"))
	p.Email, p.OtherEmails = firstAndRest(rec.List(FieldEmail))
	p.Phone = rec.Get(FieldPhone)
	p.Note = rec.Get(FieldNote)
	p.Pivot = strings.ReplaceAll(rec.Get(FieldPivot), " ", "")
	p.Source = rec.Get(FieldSource)
	p.Parent = rec.Get(FieldParent)
	p.BookingURL = rec.Get(FieldBookingURL)
	p.AccesLibreURL = rec.Get(FieldAccesLibreURL)
	p.HoursNote = rec.Get(FieldHoursNote)
	if p.Postcode != "" && len(p.Postcode) == 4 && isAllDigits(p.Postcode) {
		p.Postcode = "0" + p.Postcode // spreadsheets drop the leading zero of 01000–09999
	}
	if v := rec.Get(FieldLabelYear); v != "" {
		if y, ok := parseYear(v); ok {
			p.LabelYear = y
		} else {
			cv.warn(FieldLabelYear, ReasonBadValue, v, "is not a year; ignored")
		}
	}
	if v := rec.Get(FieldUpdated); v != "" {
		if d, ok := parseDate(v); ok {
			p.Updated = d
		} else {
			cv.warn(FieldUpdated, ReasonBadValue, v, "is not a date (YYYY-MM-DD or DD/MM/YYYY); ignored")
		}
	}
	if v := rec.Get(FieldDemo); v != "" {
		switch strings.ToLower(v) {
		case "true", "1", "oui", "yes", "vrai", "x":
			p.Demo = true
		case "false", "0", "non", "no", "faux":
		default:
			cv.warn(FieldDemo, ReasonBadValue, v, "is not true or false; taken as false")
		}
	}
}

// locate reads the record's point, checks it, resolves its commune and,
// without a point, geocodes it. ok is false when the record is rejected.
func (c *Converter) locate(cv *conversion, p *Place) (geocoded string, ok bool) {
	precision := strings.ToLower(cv.rec.Get(FieldPrecision))
	hasPoint := c.point(cv, p)
	if hasRejection(cv.problems) {
		return "", false
	}
	// Commune: resolve what was given, to fill the codes and, without
	// coordinates, the point.
	com, step, gprob := c.resolveCommune(p)
	if gprob != nil {
		if !hasPoint {
			cv.problems = append(cv.problems, *gprob)
			return "", false
		}
		gprob.Reject = false
		gprob.Message += "; the given coordinates are kept"
		cv.problems = append(cv.problems, *gprob)
	}
	switch {
	case hasPoint:
		if precision == "" {
			precision = PrecisionAddress
		}
		if com != nil && com.HasPoint() && c.far(cv, p, com) {
			precision = PrecisionCommune
			if com.Approximate() {
				precision = PrecisionPostcode
			}
		}
		if com == nil && c.Gazetteer != nil {
			if near, _, ok := c.Gazetteer.Nearest(p.Lon, p.Lat); ok && p.Commune == "" {
				com = near
			} else if ok {
				p.Dept, p.Region = near.Dept, near.Region
			}
		}
	case com == nil && c.Gazetteer != nil:
		// Nothing but, perhaps, a département: a name such as "Maison de
		// Services au Public de Chalabre" may hold the commune.
		if com = c.communeFromName(cv, p); com == nil {
			return "", false
		}
		fallthrough
	case com != nil && com.HasPoint():
		if step == "" {
			step = GeocodedName
		}
		p.Lon, p.Lat = com.Lon, com.Lat
		geocoded = step
		precision = PrecisionCommune
		if step == GeocodedOnlyCP || com.Approximate() {
			precision = PrecisionPostcode
		}
	case com != nil:
		cv.reject(FieldCommune, ReasonNoLocation, com.Name, "has no known point and the record has no coordinates")
		return "", false
	default:
		cv.reject(FieldLat, ReasonNoLocation, "", "the record has no coordinates, and no INSEE code, postcode or commune to geocode")
		return "", false
	}
	if com != nil {
		p.INSEE, p.Dept, p.Region = com.INSEE, com.Dept, com.Region
		if p.Commune == "" {
			p.Commune = com.Name
		}
		if p.Postcode == "" && len(com.Postcodes) > 0 {
			p.Postcode = com.Postcodes[0]
		}
	}
	switch precision {
	case PrecisionAddress, PrecisionCommune, PrecisionPostcode:
		p.Precision = precision
	default:
		cv.warn(FieldPrecision, ReasonBadPrecision, precision, "is not address, commune or postcode; taken as address")
		p.Precision = PrecisionAddress
	}
	return geocoded, true
}

// point reads the coordinates, a geometry or lat and lon fields, and
// checks them against the ranges and the service area. "0,0" (both zero)
// is no point: exports write it for "unknown", and it lies in the ocean.
func (c *Converter) point(cv *conversion, p *Place) bool {
	rec := cv.rec
	hasPoint := false
	if rec.Point != nil {
		p.Lon, p.Lat, hasPoint = rec.Point[0], rec.Point[1], true
		if rec.Geometry != "" && rec.Geometry != "Point" {
			cv.warn("geometry", ReasonCentroid, rec.Geometry, "is not a Point: the centroid of its positions is used")
		}
	} else {
		latS, lonS := rec.Get(FieldLat), rec.Get(FieldLon)
		switch {
		case latS == "" && lonS == "":
		case latS == "":
			cv.reject(FieldLat, ReasonBadCoordinate, "", "is missing while lon is given")
		case lonS == "":
			cv.reject(FieldLon, ReasonBadCoordinate, "", "is missing while lat is given")
		default:
			lat, err1 := parseCoord(latS)
			lon, err2 := parseCoord(lonS)
			if err1 != nil {
				cv.reject(FieldLat, ReasonBadCoordinate, latS, "is not a number")
			}
			if err2 != nil {
				cv.reject(FieldLon, ReasonBadCoordinate, lonS, "is not a number")
			}
			if err1 == nil && err2 == nil {
				p.Lon, p.Lat, hasPoint = lon, lat, true
			}
		}
	}
	if hasPoint && p.Lon == 0 && p.Lat == 0 {
		p.Lon, p.Lat = 0, 0
		return false
	}
	if !hasPoint {
		return false
	}
	if !geo.ValidPoint(p.Lon, p.Lat) {
		msg := fmt.Sprintf("point (lat %v, lon %v) is out of range", p.Lat, p.Lon)
		if geo.ValidPoint(p.Lat, p.Lon) && c.Area.Contains(p.Lat, p.Lon) {
			msg += "; latitude and longitude look swapped"
		}
		cv.reject(FieldLat, ReasonOutOfRange, fmt.Sprintf("%v,%v", p.Lat, p.Lon), msg)
	} else if len(c.Area.Boxes) > 0 && !c.Area.Contains(p.Lon, p.Lat) {
		msg := fmt.Sprintf("point (lat %v, lon %v) is outside the service area (%s)", p.Lat, p.Lon, c.Area.Name)
		if c.Area.Contains(p.Lat, p.Lon) {
			msg += "; latitude and longitude look swapped"
		}
		cv.reject(FieldLat, ReasonOutsideArea, fmt.Sprintf("%v,%v", p.Lat, p.Lon), msg)
	}
	return true
}

// vocabulary reads the types, services and tags columns with the matcher
// the query parser uses (ingest.Match), so what a query names is what the
// data was read as: every label or synonym a value contains maps to its
// type or service, and a value with other words is also kept as a tag,
// for text search. A types value naming no type is a warning. Before the
// matcher, a types value written as a typology code (TIERS_LIEUX, EPN) is
// read through Typologies and kept in Typologie, and the record's shape
// may read some values its own way (a hub's "Tiers lieu"); a types value
// naming a national programme ("France Services", "MSAP") also adds it to
// Programs. The shape's own types and programmes come first.
func (c *Converter) vocabulary(rec *Record, p *Place, warn func(field, reason, value, msg string)) {
	add := func(v string, types, services []string, rest bool) {
		for _, id := range types {
			p.Types = AppendUnique(p.Types, id)
		}
		for _, id := range services {
			p.Services = AppendUnique(p.Services, id)
		}
		if v != "" && (rest || len(types)+len(services) == 0) {
			p.Tags = AppendUnique(p.Tags, v)
		}
	}
	shape := ShapeNamed(rec.Shape)
	if shape != nil {
		add("", shape.Types, nil, false)
		for _, id := range shape.Programs {
			p.Programs = AppendUnique(p.Programs, id)
		}
	}
	for _, v := range rec.List(FieldTypes) {
		if id, ok := ProgramID(v); ok {
			p.Programs = AppendUnique(p.Programs, id)
		}
		if t, ok := TypologyCode(v); ok {
			p.Typologie = AppendUnique(p.Typologie, t.Code)
			add(v, t.Types, nil, false)
			continue
		}
		if shape != nil {
			if ids, ok := shape.TypeValues[TermKey(v)]; ok {
				add(v, ids, nil, false)
				continue
			}
		}
		m := Match(v)
		if len(m.Types) == 0 {
			warn(FieldTypes, ReasonUnknownType, v, "is not a type of the vocabulary (coworking, fablab, médiation numérique); kept as a tag")
			m.Rest = true
		}
		add(v, m.Types, m.Services, m.Rest)
		addLists(p, m.Lists)
	}
	if shape != nil && shape.TypesFromName {
		add("", Match(rec.Get(FieldName)).Types, nil, false)
	}
	for _, v := range rec.List(FieldServices) {
		m := Match(v)
		add(v, m.Types, m.Services, m.Rest)
		addLists(p, m.Lists)
	}
	for _, v := range rec.List(FieldTags) {
		// A tag may name a service or a list term; the types of a place
		// come from its types and services columns.
		m := Match(v)
		add(v, nil, m.Services, m.Rest)
		addLists(p, m.Lists)
	}
}

// addLists gives a place the list terms a value named ("gratuit" in a
// services cell is the fee), as a query with it reads them.
func addLists(p *Place, lists map[string][]string) {
	for _, lf := range listFields {
		for _, id := range lists[lf.list.Name] {
			dst := lf.get(p)
			*dst = AppendUnique(*dst, id)
		}
	}
}

// resolveCommune finds the record's commune from its INSEE code, then
// postcode and commune name, then the name alone, then the postcode
// alone. A code or name that resolves to nothing is a problem (a
// rejection, softened by the caller when coordinates are given).
func (c *Converter) resolveCommune(p *Place) (*gazetteer.Commune, string, *Problem) {
	g := c.Gazetteer
	if g == nil {
		return nil, "", nil
	}
	if p.INSEE != "" {
		if com, ok := g.Commune(p.INSEE); ok {
			return g.Current(com), GeocodedINSEE, nil
		}
		if p.Commune == "" && p.Postcode == "" {
			return nil, "", &Problem{Field: FieldINSEE, Reason: ReasonUnknownINSEE, Value: p.INSEE, Message: "is not a known INSEE commune code", Reject: true}
		}
	}
	if p.Commune != "" {
		q := p.Commune
		step := GeocodedCommune
		if p.Postcode != "" {
			if ms := g.Lookup(q+" "+p.Postcode, 1); len(ms) > 0 && ms[0].Commune != nil {
				return g.Current(ms[0].Commune), GeocodedPostcode, nil
			}
			// The postcode may be wrong or belong to a neighbour: the name
			// within the postcode's département still decides.
			if len(p.Postcode) == 5 {
				if ms := g.Lookup(q+" ("+deptOfPostcode(p.Postcode)+")", 1); len(ms) > 0 && ms[0].Commune != nil {
					return g.Current(ms[0].Commune), GeocodedPostcode, nil
				}
			}
		}
		for _, m := range g.Lookup(q, 0) {
			if m.Commune != nil {
				return g.Current(m.Commune), step, nil
			}
		}
		msg := "is not a known French commune" + gazetteer.DidYouMean(g.Suggest(q, 3))
		return nil, "", &Problem{Field: FieldCommune, Reason: ReasonUnknownCommune, Value: p.Commune, Message: msg, Reject: true}
	}
	if p.Postcode != "" {
		if cs := g.ByPostcode(p.Postcode); len(cs) > 0 {
			return cs[0], GeocodedOnlyCP, nil
		}
		return nil, "", &Problem{Field: FieldPostcode, Reason: ReasonUnknownPostcode, Value: p.Postcode, Message: "is not a known French postcode", Reject: true}
	}
	return nil, "", nil
}

// deptOfPostcode guesses the département from a postcode: the first two
// digits, three overseas; Corsica's 20xxx is left to the name.
func deptOfPostcode(pc string) string {
	if strings.HasPrefix(pc, "97") || strings.HasPrefix(pc, "98") {
		return pc[:3]
	}
	return pc[:2]
}

// parseCoord reads a coordinate, accepting a decimal comma ("44,35").
func parseCoord(s string) (float64, error) {
	s = strings.TrimSpace(s)
	if strings.Count(s, ",") == 1 && !strings.Contains(s, ".") {
		s = strings.Replace(s, ",", ".", 1)
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
		return 0, fmt.Errorf("not a number")
	}
	return v, nil
}

// contentID gives a record without an id a stable one, so re-ingesting the
// same export gives the same IDs.
func contentID(p *Place) string {
	h := sha1.Sum([]byte(fmt.Sprintf("%s|%s|%s|%.5f|%.5f", strings.ToLower(p.Name), p.INSEE, p.Address, p.Lon, p.Lat)))
	return "h" + hex.EncodeToString(h[:6])
}

func hasRejection(ps []Problem) bool {
	for _, p := range ps {
		if p.Reject {
			return true
		}
	}
	return false
}

func collapseSpaces(s string) string { return strings.Join(strings.Fields(s), " ") }

func isAllDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}
