package httpapi

import (
	"encoding/json"
	"maps"
	"math"
	"reflect"
	"slices"
	"strconv"

	"github.com/tierslieux/tierslieux/index"
)

// The query echo opens every search answer. It is written by hand like
// the results, byte for byte as encoding/json writes it without HTML
// escaping (TestAppendQueryMatchesJSON): through reflection it cost a
// fiftieth of the server's time under load.

// appendJSON appends the query echo; like encoding/json, it fails on a
// number JSON cannot hold, which a valid query never has.
func (q *queryJSON) appendJSON(b []byte) ([]byte, error) {
	start := len(b)
	var w echoWriter
	b = appendString(appendKey(append(b, '{'), "text", true), q.Text)
	b = appendStrings(appendKey(b, "types", false), q.Types)
	b = appendStrings(appendKey(b, "services", false), q.Services)
	if q.Dept != "" {
		b = appendString(appendKey(b, "dept", false), q.Dept)
	}
	if q.Region != "" {
		b = appendString(appendKey(b, "region", false), q.Region)
	}
	if len(q.Lists) > 0 {
		b = append(appendKey(b, "lists", false), '{')
		// encoding/json writes a map's keys sorted.
		for i, k := range slices.Sorted(maps.Keys(q.Lists)) {
			if i > 0 {
				b = append(b, ',')
			}
			b = append(appendString(b, k), ':')
			b = appendStrings(b, q.Lists[k])
		}
		b = append(b, '}')
	}
	if q.Near != nil {
		b = w.anchor(appendKey(b, "near", false), q.Near)
	}
	if q.RadiusKM != nil {
		b = w.float(appendKey(b, "radius_km", false), *q.RadiusKM)
	}
	if q.RadiusAuto {
		b = append(appendKey(b, "radius_auto", false), "true"...)
	}
	if q.Nearest {
		b = append(appendKey(b, "nearest", false), "true"...)
	}
	if len(q.BBox) > 0 {
		b = appendArray(appendKey(b, "bbox", false), q.BBox, w.float)
	}
	if q.Polygon {
		b = append(appendKey(b, "polygon", false), "true"...)
	}
	b = appendString(appendKey(b, "sort", false), q.Sort)
	b = strconv.AppendInt(appendKey(b, "limit", false), int64(q.Limit), 10)
	b = strconv.AppendInt(appendKey(b, "offset", false), int64(q.Offset), 10)
	for _, f := range [...]struct {
		key string
		v   []string
	}{{"text_required", q.TextRequired}, {"text_relaxed", q.TextRelaxed}, {"text_ignored", q.TextIgnored}} {
		if len(f.v) > 0 {
			b = appendStrings(appendKey(b, f.key, false), f.v)
		}
	}
	if len(q.Corrected) > 0 {
		b = appendArray(appendKey(b, "corrected", false), q.Corrected, appendCorrection)
	}
	if a := q.DidYouMean; a != nil {
		b = appendString(appendKey(append(appendKey(b, "did_you_mean", false), '{'), "from", true), a.From)
		b = append(appendStrings(appendKey(b, "options", false), a.Options), '}')
	}
	if o := q.Open; o != nil {
		b = appendString(appendKey(append(appendKey(b, "open", false), '{'), "kind", true), o.Kind)
		b = appendString(appendKey(b, "from", false), o.From)
		if o.To != "" {
			b = appendString(appendKey(b, "to", false), o.To)
		}
		b = appendString(appendKey(b, "description", false), o.Description)
		b = append(appendString(appendKey(b, "unknown", false), o.Unknown), '}')
	}
	if r := q.Route; r != nil {
		b = w.anchor(appendKey(append(appendKey(b, "route", false), '{'), "from", true), r.From)
		b = w.anchor(appendKey(b, "to", false), r.To)
		b = appendString(appendKey(b, "kind", false), r.Kind)
		b = append(w.float(appendKey(b, "length_km", false), r.LengthKM), '}')
	}
	if q.DetourKM != nil {
		b = w.float(appendKey(b, "detour_km", false), *q.DetourKM)
	}
	if m := q.RadiusFrom; m != nil {
		b = strconv.AppendInt(appendKey(append(appendKey(b, "radius_from", false), '{'), "minutes", true), int64(m.Minutes), 10)
		b = append(w.float(appendKey(b, "kmh", false), m.KMH), '}')
	}
	if len(q.Rings) > 0 {
		b = appendArray(appendKey(b, "rings_km", false), q.Rings, w.float)
	}
	if w.hasBad {
		return b[:start], &json.UnsupportedValueError{Value: reflect.ValueOf(w.bad), Str: strconv.FormatFloat(w.bad, 'g', -1, 64)}
	}
	return append(b, '}'), nil
}

// echoWriter writes the numbers of a query echo, noting the first that
// JSON cannot hold (infinite, or not a number), as encoding/json fails
// on it: every number goes through float, so none can be missed.
type echoWriter struct {
	bad    float64
	hasBad bool
}

func (w *echoWriter) float(b []byte, f float64) []byte {
	if !w.hasBad && (math.IsInf(f, 0) || math.IsNaN(f)) {
		w.bad, w.hasBad = f, true
	}
	return appendFloat(b, f)
}

// anchor appends a place measured from, null for none.
func (w *echoWriter) anchor(b []byte, a *index.Anchor) []byte {
	if a == nil {
		return append(b, "null"...)
	}
	b = appendString(appendKey(append(b, '{'), "name", true), a.Name)
	for _, f := range [...]struct{ key, v string }{{"insee", a.INSEE}, {"dept", a.Dept}, {"dept_name", a.DeptName}} {
		if f.v != "" {
			b = appendString(appendKey(b, f.key, false), f.v)
		}
	}
	b = w.float(appendKey(b, "lat", false), a.Lat)
	b = w.float(appendKey(b, "lon", false), a.Lon)
	if len(a.Alternatives) > 0 {
		b = appendArray(appendKey(b, "alternatives", false), a.Alternatives, appendAlternative)
	}
	return append(b, '}')
}

// appendAlternative appends a homonym of an anchor's commune.
func appendAlternative(b []byte, alt index.Alternative) []byte {
	b = appendString(appendKey(append(b, '{'), "name", true), alt.Name)
	b = appendString(appendKey(b, "dept", false), alt.Dept)
	if alt.DeptName != "" {
		b = appendString(appendKey(b, "dept_name", false), alt.DeptName)
	}
	return append(appendString(appendKey(b, "insee", false), alt.INSEE), '}')
}

// appendCorrection appends a word read as something it was not written as.
func appendCorrection(b []byte, c index.Correction) []byte {
	b = appendString(appendKey(append(b, '{'), "from", true), c.From)
	b = appendString(appendKey(b, "to", false), c.To)
	return append(appendString(appendKey(b, "kind", false), c.Kind), '}')
}
