package ingest

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/tierslieux/tierslieux/geo"
	"github.com/tierslieux/tierslieux/geo/gazetteer"
)

// FarFromCommuneMeters is how far a point may stand from the centre of
// its stated commune before it is flagged. The largest communes of
// Occitanie reach 10 to 15 km from their centre; 25 km spares every
// address within them and still catches a point put in the wrong place
// (another département, a homonym, a geocoder's guess).
const FarFromCommuneMeters = 25_000

// FarFromCommune is the distance, in metres, a point may stand from the
// centre of commune c: FarFromCommuneMeters, scaled up with the square
// root of the population beyond 100,000 inhabitants (a large city spreads
// wider: Toulouse allows about 56 km), and doubled when the commune's
// point is borrowed from a neighbour.
func FarFromCommune(c *gazetteer.Commune) float64 {
	limit := FarFromCommuneMeters * max(1, math.Sqrt(float64(c.Population)/100_000))
	if c.Approximate() {
		limit *= 2
	}
	return limit
}

// far checks the point against the stated commune. When it is too far,
// it is a warning giving both positions, and the place moves to the
// commune's centre unless the converter trusts points; far reports
// whether it moved.
func (c *Converter) far(cv *conversion, p *Place, com *gazetteer.Commune) bool {
	d := geo.Distance(p.Lon, p.Lat, com.Lon, com.Lat)
	limit := FarFromCommune(com)
	if d <= limit {
		return false
	}
	value := fmt.Sprintf("%v,%v", p.Lat, p.Lon)
	msg := fmt.Sprintf("point (lat %.5f, lon %.5f) is %.0f km from %s (%s, centre lat %.5f, lon %.5f), more than the %.0f km allowed for this commune",
		p.Lat, p.Lon, d/1000, com.Name, com.INSEE, com.Lat, com.Lon, limit/1000)
	if c.Trust == TrustPoint {
		cv.warn(FieldLat, ReasonFarFromCommune, value, msg+"; the given point is kept (-trust point)")
		return false
	}
	cv.warn(FieldLat, ReasonFarFromCommune, value, msg+"; the place is put at the commune's centre (-trust point keeps the given point)")
	p.Lon, p.Lat = com.Lon, com.Lat
	return true
}

// communeFromName locates a record that gives no point, commune, postcode
// or INSEE code: when it gives its département, and its name holds the
// name of a commune of that département ("Maison de Services au Public de
// Chalabre" in the Aude), that commune is used, with a warning. Otherwise
// the record is rejected as no_location.
func (c *Converter) communeFromName(cv *conversion, p *Place) *gazetteer.Commune {
	v := cv.rec.Get(FieldDept)
	if v == "" {
		cv.reject(FieldLat, ReasonNoLocation, "", "the record has no coordinates, and no INSEE code, postcode or commune to geocode")
		return nil
	}
	dept, ok := c.departement(v)
	if !ok {
		cv.reject(FieldDept, ReasonNoLocation, v, "is not a known département, and the record has no coordinates, INSEE code, postcode or commune to geocode")
		return nil
	}
	com := c.nameCommune(p.Name, dept.Code)
	if com == nil {
		cv.reject(FieldDept, ReasonNoLocation, v, fmt.Sprintf(
			"the record has no coordinates, INSEE code, postcode or commune, only the département %s (%s), and its name holds none of its communes", dept.Name, dept.Code))
		return nil
	}
	where := "the place is put at the commune's centre"
	if com.Approximate() {
		where = "the place is put at the point the gazetteer borrows for it from a neighbour (precision postcode)"
	}
	cv.warn(FieldCommune, ReasonCommuneFromName, com.Name, fmt.Sprintf(
		"is read from the name %q: the record gives no coordinates, INSEE code, postcode or commune, only the département %s (%s); %s",
		p.Name, dept.Name, dept.Code, where))
	return com
}

// departement reads a département as exports write it: "11", "011",
// "2A", "Aude", "11 - Aude", "Aude (11)".
func (c *Converter) departement(v string) (*gazetteer.Area, bool) {
	g := c.Gazetteer
	v = strings.TrimSpace(v)
	for _, tok := range strings.FieldsFunc(v, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }) {
		code := normalizeCode(tok)
		if len(code) == 3 && code[0] == '0' {
			code = code[1:]
		}
		if d, ok := g.Departement(code); ok {
			return d, true
		}
	}
	for _, m := range g.Lookup(v, 0) {
		if m.Kind == gazetteer.KindDepartement {
			return m.Area, true
		}
	}
	return nil, false
}

// maxNameWords bounds the words of a name tried as a commune name.
const maxNameWords = 6

// nameCommune finds, in a place's name, the name of a commune of the
// département: the longest run of words that names one, the rightmost
// among equals ("… de Chalabre"), never starting or ending with a
// connector, an elided "d'" or "l'" dropped from its first word.
func (c *Converter) nameCommune(name, dept string) *gazetteer.Commune {
	words := strings.Fields(name)
	if len(words) > 3*maxNameWords {
		words = words[len(words)-3*maxNameWords:]
	}
	for i, w := range words {
		words[i] = strings.TrimFunc(w, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '\'' && r != '’' })
	}
	for n := min(len(words), maxNameWords); n >= 1; n-- {
		for i := len(words) - n; i >= 0; i-- {
			run := words[i : i+n]
			first := elide(run[0])
			if first == "" || Connectors[TermKey(first)] || Connectors[TermKey(run[n-1])] {
				continue
			}
			q := strings.Join(append([]string{first}, run[1:]...), " ")
			for _, m := range c.Gazetteer.Lookup(q, 0) {
				if m.Commune == nil {
					continue
				}
				if com := c.Gazetteer.Current(m.Commune); com.Dept == dept && com.HasPoint() {
					return com
				}
			}
		}
	}
	return nil
}

// elide drops an elided article or preposition from the start of a word:
// "d'Axat" is "Axat".
func elide(w string) string {
	for _, p := range []string{"d'", "d’", "l'", "l’", "D'", "D’", "L'", "L’"} {
		if strings.HasPrefix(w, p) {
			return w[len(p):]
		}
	}
	return w
}

// placeholders are the values exports write for "nothing": pandas' nan,
// SQL's null, Python's None. They are read as empty cells.
var placeholders = map[string]bool{"nan": true, "-nan": true, "null": true, "none": true, "undefined": true, "n/a": true, "#n/a": true, "nat": true}

// IsPlaceholder reports whether an export's value means "nothing".
func IsPlaceholder(v string) bool {
	v = strings.TrimSpace(v)
	return len(v) <= 9 && placeholders[strings.ToLower(v)]
}

// dropPlaceholders returns the record without its placeholder values,
// copying it only when it has some.
func dropPlaceholders(rec *Record) *Record {
	found := false
	for _, vs := range rec.Fields {
		for _, v := range vs {
			found = found || IsPlaceholder(v)
		}
	}
	if !found {
		return rec
	}
	out := *rec
	out.Fields = make(map[string][]string, len(rec.Fields))
	for f, vs := range rec.Fields {
		var kept []string
		for _, v := range vs {
			if !IsPlaceholder(v) {
				kept = append(kept, v)
			}
		}
		if len(kept) > 0 {
			out.Fields[f] = kept
		}
	}
	return &out
}

// normalizeCode reads a postcode, INSEE code or département as exports
// write them: spaces dropped, and a float's ".0" ("11170.0", from a
// spreadsheet or pandas) cut.
func normalizeCode(v string) string {
	v = strings.ReplaceAll(strings.TrimSpace(v), " ", "")
	if i := strings.IndexByte(v, '.'); i > 0 && isAllDigits(v[:i]) && strings.Trim(v[i+1:], "0") == "" {
		v = v[:i]
	}
	return v
}

// parseYear reads a year, alone or in a date: "2021", "2021-03-15",
// "15/03/2021".
func parseYear(v string) (int, bool) {
	if d, ok := parseDate(v); ok {
		v = d[:4]
	}
	y, err := strconv.Atoi(strings.TrimSpace(v))
	return y, err == nil && y >= 1990 && y <= 2100
}

// parseDate reads a date as ISO 8601 (with or without a time) or French
// DD/MM/YYYY, and returns it as YYYY-MM-DD.
func parseDate(v string) (string, bool) {
	v = strings.TrimSpace(v)
	for _, layout := range []string{"2006-01-02", time.RFC3339, "2006-01-02T15:04:05", "2006-01-02 15:04:05", "02/01/2006", "2/1/2006", "02-01-2006"} {
		if t, err := time.Parse(layout, v); err == nil && t.Year() >= 1900 && t.Year() <= 2100 {
			return t.Format("2006-01-02"), true
		}
	}
	return "", false
}

// splitOn splits values on sep, trimmed, dropping empty parts.
func splitOn(values []string, sep string) []string {
	var out []string
	for _, v := range values {
		for _, part := range strings.Split(v, sep) {
			if part = strings.TrimSpace(part); part != "" {
				out = append(out, part)
			}
		}
	}
	return out
}

func firstAndRest(list []string) (string, []string) {
	switch len(list) {
	case 0:
		return "", nil
	case 1:
		return list[0], nil
	}
	return list[0], list[1:]
}
