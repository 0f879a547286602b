package ingest

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// lineTracker keeps the bytes a json.Decoder has read but not yet
// passed, so the line of any later offset can be found, with memory
// bounded by the decoder's read-ahead.
type lineTracker struct {
	r       io.Reader
	pending []byte // bytes from offset base on
	base    int64
	line    int // newlines before base
}

func (t *lineTracker) Read(p []byte) (int, error) {
	n, err := t.r.Read(p)
	t.pending = append(t.pending, p[:n]...)
	return n, err
}

// lineAt returns the 1-based line of offset; offsets must not decrease.
func (t *lineTracker) lineAt(off int64) int {
	k := int(off - t.base)
	if k > len(t.pending) {
		k = len(t.pending)
	}
	if k > 0 {
		t.line += bytes.Count(t.pending[:k], []byte{'\n'})
		t.pending = t.pending[k:]
		t.base += int64(k)
	}
	return t.line + 1
}

// nextValueLine returns the line of the first byte at or after offset
// that can start a value, skipping whitespace and separators: where a
// record that failed to decode began.
func (t *lineTracker) nextValueLine(off int64) int {
	line := t.lineAt(off)
	for _, c := range t.pending {
		switch c {
		case '\n':
			line++
		case ' ', '\t', '\r', ',', ':':
		default:
			return line
		}
	}
	return line
}

// errStop ends a file after a record that could not be decoded has been
// reported: nothing after it can be read.
var errStop = errors.New("stop")

// ReadGeoJSON reads an RFC 7946 FeatureCollection (or a single Feature,
// or a bare array of Features) feature by feature, so memory stays bounded
// by the largest feature. Properties are mapped like CSV headers; the
// geometry gives the point (a line or polygon is reduced to its centroid
// and the record says so).
func ReadGeoJSON(r io.Reader, name string, opts ReadOptions, fn func(Record) error) error {
	t := &lineTracker{r: bufio.NewReaderSize(stripBOM(r), 64<<10)}
	dec := json.NewDecoder(t)
	dec.UseNumber()
	tok, err := dec.Token()
	if err != nil {
		return fmt.Errorf("%s: not GeoJSON: %w", name, jsonErr(err))
	}
	switch tok {
	case json.Delim('['):
		return stopped(streamArray(dec, t, name, opts, true, fn))
	case json.Delim('{'):
	default:
		return fmt.Errorf("%s: not GeoJSON: starts with %v, want an object", name, tok)
	}
	// Walk the top-level object: only "features" is streamed.
	sawFeatures := false
	var single map[string]json.RawMessage
	for dec.More() {
		ktok, err := dec.Token()
		if err != nil {
			return fmt.Errorf("%s: line %d: %w", name, t.lineAt(dec.InputOffset()), jsonErr(err))
		}
		key, _ := ktok.(string)
		if key == "features" {
			sawFeatures = true
			tok, err := dec.Token()
			if err != nil || tok != json.Delim('[') {
				return fmt.Errorf("%s: \"features\" is not an array", name)
			}
			if err := streamArray(dec, t, name, opts, true, fn); err != nil {
				return stopped(err)
			}
			continue
		}
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return fmt.Errorf("%s: line %d: %w", name, t.lineAt(dec.InputOffset()), jsonErr(err))
		}
		if single == nil {
			single = map[string]json.RawMessage{}
		}
		single[key] = raw
	}
	if !sawFeatures {
		var typ string
		json.Unmarshal(single["type"], &typ)
		if typ != "Feature" {
			return fmt.Errorf("%s: not a GeoJSON FeatureCollection or Feature (type %q)", name, typ)
		}
		b, _ := json.Marshal(single)
		rec := featureRecord(b, name, 1, 1, opts, &columnCache{})
		return fn(rec)
	}
	return nil
}

// ReadJSON reads a JSON array of flat objects, one place each.
func ReadJSON(r io.Reader, name string, opts ReadOptions, fn func(Record) error) error {
	t := &lineTracker{r: bufio.NewReaderSize(stripBOM(r), 64<<10)}
	dec := json.NewDecoder(t)
	dec.UseNumber()
	tok, err := dec.Token()
	if err != nil {
		return fmt.Errorf("%s: not JSON: %w", name, jsonErr(err))
	}
	if tok != json.Delim('[') {
		return fmt.Errorf("%s: want a JSON array of objects, got %v (for one object a line, use NDJSON)", name, tok)
	}
	return stopped(streamArray(dec, t, name, opts, false, fn))
}

func stopped(err error) error {
	if errors.Is(err, errStop) {
		return nil
	}
	return err
}

// ReadNDJSON reads newline-delimited JSON: one object a line; blank lines,
// and lines of record separators alone (RFC 7464: they delimit nothing),
// are skipped.
func ReadNDJSON(r io.Reader, name string, opts ReadOptions, fn func(Record) error) error {
	sc := bufio.NewScanner(stripBOM(r))
	sc.Buffer(make([]byte, 64<<10), 16<<20)
	line, index := 0, 0
	cc := &columnCache{}
	for sc.Scan() {
		line++
		// RFC 8142 GeoJSON text sequences start each record with RS.
		b := bytes.TrimFunc(sc.Bytes(), func(r rune) bool { return r == '\x1e' || unicode.IsSpace(r) })
		if len(b) == 0 {
			continue
		}
		index++
		rec := objectRecord(b, name, line, index, opts, cc)
		if err := fn(rec); err != nil {
			return err
		}
	}
	if err := sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			index++
			return fn(Record{File: name, Line: line + 1, Index: index, Err: &FieldError{Field: "row", Reason: ReasonMalformedJSON, Message: "line longer than 16 MiB"}})
		}
		return fmt.Errorf("%s: %w", name, err)
	}
	return nil
}

// streamArray decodes the elements of an array whose '[' was just read,
// one record each, until its ']'. A syntax error ends the file: the record
// being read is reported, and nothing after it can be.
func streamArray(dec *json.Decoder, t *lineTracker, name string, opts ReadOptions, features bool, fn func(Record) error) error {
	cc := &columnCache{}
	for index := 1; dec.More(); index++ {
		var raw json.RawMessage
		before := dec.InputOffset()
		if err := dec.Decode(&raw); err != nil {
			line := t.nextValueLine(before)
			if ferr := fn(Record{File: name, Line: line, Index: index, Err: &FieldError{Field: "record", Reason: ReasonMalformedJSON,
				Message: fmt.Sprintf("%v; the rest of the file cannot be read", jsonErr(err))}}); ferr != nil {
				return ferr
			}
			return errStop
		}
		line := t.lineAt(dec.InputOffset() - int64(len(raw)))
		var rec Record
		if features {
			rec = featureRecord(raw, name, line, index, opts, cc)
		} else {
			rec = objectRecord(raw, name, line, index, opts, cc)
		}
		if err := fn(rec); err != nil {
			return err
		}
	}
	if _, err := dec.Token(); err != nil {
		if ferr := fn(Record{File: name, Line: t.lineAt(dec.InputOffset()), Index: -1, Err: &FieldError{Field: "record", Reason: ReasonMalformedJSON,
			Message: fmt.Sprintf("%v: the file ends early", jsonErr(err))}}); ferr != nil {
			return ferr
		}
		return errStop
	}
	return nil
}

func jsonErr(err error) error {
	if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
		return errors.New("unexpected end of file (truncated?)")
	}
	return err
}

type feature struct {
	Type       string          `json:"type"`
	ID         json.RawMessage `json:"id"`
	Geometry   *geometry       `json:"geometry"`
	Properties json.RawMessage `json:"properties"`
}

type geometry struct {
	Type        string          `json:"type"`
	Coordinates json.RawMessage `json:"coordinates"`
}

func featureRecord(raw []byte, name string, line, index int, opts ReadOptions, cc *columnCache) Record {
	rec := Record{File: name, Line: line, Index: index}
	var f feature
	if err := json.Unmarshal(raw, &f); err != nil {
		rec.Err = &FieldError{Field: "feature", Reason: ReasonMalformedJSON, Message: err.Error()}
		return rec
	}
	if f.Type != "Feature" {
		rec.Err = &FieldError{Field: "type", Reason: ReasonMalformedJSON, Value: f.Type, Message: "is not \"Feature\""}
		return rec
	}
	if p := bytes.TrimSpace(f.Properties); len(p) > 0 && string(p) != "null" {
		var members []member
		err := eachMember(p, func(k string, v json.RawMessage) { members = append(members, member{k, v}) })
		if err != nil {
			rec.Err = &FieldError{Field: "properties", Reason: ReasonMalformedJSON, Message: "is not a JSON object"}
			return rec
		}
		fieldOf := cc.lookup(members, &opts)
		rec.Shape = cc.cols.Shape.name()
		for _, m := range members {
			addJSONValue(&rec, fieldOf[m.k], m.v)
		}
	}
	if id := scalarText(f.ID); id != "" && rec.Get(FieldID) == "" {
		rec.set(FieldID, id)
	}
	if f.Geometry != nil {
		rec.Geometry = f.Geometry.Type
		p, err := f.Geometry.point()
		if err != nil {
			rec.Err = &FieldError{Field: "geometry", Reason: ReasonBadGeometry, Value: f.Geometry.Type, Message: err.Error()}
			rec.Fields = nil
			return rec
		}
		rec.Point = &p
	}
	return rec
}

// point returns a Point's position, or the centroid of the vertices of
// any other geometry (the average of the distinct positions).
func (g *geometry) point() ([2]float64, error) {
	var pts [][2]float64
	switch g.Type {
	case "Point":
		var p []float64
		if err := json.Unmarshal(g.Coordinates, &p); err != nil || len(p) < 2 {
			return [2]float64{}, fmt.Errorf("coordinates are not [lon, lat]")
		}
		return [2]float64{p[0], p[1]}, nil
	case "MultiPoint", "LineString":
		if err := json.Unmarshal(g.Coordinates, &pts); err != nil {
			return [2]float64{}, fmt.Errorf("coordinates: %v", err)
		}
	case "Polygon", "MultiLineString":
		var rings [][][2]float64
		if err := json.Unmarshal(g.Coordinates, &rings); err != nil {
			return [2]float64{}, fmt.Errorf("coordinates: %v", err)
		}
		if g.Type == "Polygon" && len(rings) > 0 {
			rings = rings[:1] // holes do not move the centre
		}
		for _, r := range rings {
			if n := len(r); g.Type == "Polygon" && n > 1 && r[0] == r[n-1] {
				r = r[:n-1] // the closing position repeats the first
			}
			pts = append(pts, r...)
		}
	case "MultiPolygon":
		var polys [][][][2]float64
		if err := json.Unmarshal(g.Coordinates, &polys); err != nil {
			return [2]float64{}, fmt.Errorf("coordinates: %v", err)
		}
		for _, p := range polys {
			if len(p) > 0 {
				r := p[0]
				if n := len(r); n > 1 && r[0] == r[n-1] {
					r = r[:n-1]
				}
				pts = append(pts, r...)
			}
		}
	default:
		return [2]float64{}, fmt.Errorf("unsupported geometry type %q", g.Type)
	}
	if len(pts) == 0 {
		return [2]float64{}, fmt.Errorf("%s has no positions", g.Type)
	}
	var lon, lat float64
	for _, p := range pts {
		lon += p[0]
		lat += p[1]
	}
	return [2]float64{lon / float64(len(pts)), lat / float64(len(pts))}, nil
}

// member is one key and value of a JSON object.
type member struct {
	k string
	v json.RawMessage
}

// columnCache remembers how the sets of keys seen were read: the objects
// of one export share a few sets of keys, and detecting the shape and
// folding the keys for every object would cost more than reading it.
type columnCache struct {
	byKeys map[string]*cachedColumns
	cols   Columns // of the last lookup
}

type cachedColumns struct {
	cols    Columns
	fieldOf map[string]string
}

// maxCachedKeySets bounds the cache: past it, it starts again.
const maxCachedKeySets = 64

// lookup returns the field of each key of the members.
func (cc *columnCache) lookup(members []member, opts *ReadOptions) map[string]string {
	var b strings.Builder
	for _, m := range members {
		b.WriteString(m.k)
		b.WriteByte(0)
	}
	k := b.String()
	c, ok := cc.byKeys[k]
	if !ok {
		keys := make([]string, len(members))
		for i, m := range members {
			keys[i] = m.k
		}
		c = &cachedColumns{cols: opts.columns(keys), fieldOf: make(map[string]string, len(keys))}
		for _, col := range c.cols.Columns {
			if _, dup := c.fieldOf[col.Header]; !dup {
				c.fieldOf[col.Header] = col.Field
			}
		}
		if cc.byKeys == nil || len(cc.byKeys) >= maxCachedKeySets {
			cc.byKeys = map[string]*cachedColumns{}
		}
		cc.byKeys[k] = c
	}
	cc.cols = c.cols
	if opts.Header != nil {
		opts.Header(c.cols)
	}
	return c.fieldOf
}

func objectRecord(raw []byte, name string, line, index int, opts ReadOptions, cc *columnCache) Record {
	rec := Record{File: name, Line: line, Index: index}
	var obj []member
	isFeature := false
	err := eachMember(raw, func(k string, v json.RawMessage) {
		obj = append(obj, member{k, v})
		isFeature = isFeature || (k == "type" && string(bytes.TrimSpace(v)) == `"Feature"`)
	})
	if err != nil {
		rec.Err = &FieldError{Field: "record", Reason: ReasonMalformedJSON, Message: fmt.Sprintf("not a JSON object: %v", err)}
		return rec
	}
	if isFeature {
		return featureRecord(raw, name, line, index, opts, cc)
	}
	fieldOf := cc.lookup(obj, &opts)
	rec.Shape = cc.cols.Shape.name()
	for _, m := range obj {
		k, v := m.k, m.v
		if k == "geometry" {
			var g geometry
			if json.Unmarshal(v, &g) == nil && g.Type != "" {
				p, err := g.point()
				if err != nil {
					rec.Err = &FieldError{Field: "geometry", Reason: ReasonBadGeometry, Value: g.Type, Message: err.Error()}
					rec.Fields = nil
					return rec
				}
				rec.Point, rec.Geometry = &p, g.Type
				continue
			}
		}
		addJSONValue(&rec, fieldOf[k], v)
	}
	return rec
}

// addJSONValue stores a JSON value under a canonical field: strings and
// numbers as text, arrays as several values, and {lat, lon} objects such
// as "coordinates" or "geo" as the two coordinates.
func addJSONValue(rec *Record, field string, v json.RawMessage) {
	v = bytes.TrimSpace(v)
	if len(v) == 0 || string(v) == "null" {
		return
	}
	switch v[0] {
	case '[':
		var items []json.RawMessage
		if json.Unmarshal(v, &items) != nil || field == "" {
			return
		}
		for _, it := range items {
			addJSONValue(rec, field, it)
		}
	case '{':
		eachMember(v, func(k string, sub json.RawMessage) {
			if f := aliasIndex[TermKey(k)]; f == FieldLat || f == FieldLon {
				addJSONValue(rec, f, sub)
			}
		})
	case '"':
		if field == "" {
			return
		}
		var s string
		if len(v) >= 2 && v[len(v)-1] == '"' && bytes.IndexByte(v[1:len(v)-1], '\\') < 0 && bytes.IndexByte(v[1:len(v)-1], '"') < 0 && utf8.Valid(v) {
			// No escapes: the text between the quotes is the string (the
			// decoder has already checked it is valid JSON).
			s = string(v[1 : len(v)-1])
		} else if json.Unmarshal(v, &s) != nil {
			return
		}
		if strings.TrimSpace(s) != "" {
			rec.set(field, s)
		}
	default:
		if field == "" {
			return
		}
		s := string(v)
		if f, err := strconv.ParseFloat(s, 64); err == nil && !math.IsInf(f, 0) {
			rec.set(field, s)
		} else if s == "true" || s == "false" {
			rec.set(field, s)
		}
	}
}

func stripBOM(r io.Reader) io.Reader {
	br := bufio.NewReader(r)
	if b, err := br.Peek(3); err == nil && bytes.Equal(b, []byte("\ufeff")) {
		br.Discard(3)
	}
	return br
}

// eachMember calls fn for each member of a JSON object, in document
// order, so that which of two keys mapping to one field comes first does
// not change from run to run. Anything but an object is an error.
func eachMember(raw []byte, fn func(key string, value json.RawMessage)) error {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	if tok != json.Delim('{') {
		return fmt.Errorf("%v is not an object", tok)
	}
	for dec.More() {
		kt, err := dec.Token()
		if err != nil {
			return err
		}
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return err
		}
		fn(kt.(string), v)
	}
	if _, err := dec.Token(); err != nil {
		return jsonErr(err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return errors.New("unexpected data after the object")
	}
	return nil
}

// scalarText is a JSON string's text or a number's literal digits; ""
// for anything else.
func scalarText(raw json.RawMessage) string {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return ""
	}
	switch raw[0] {
	case '"':
		var s string
		if json.Unmarshal(raw, &s) == nil {
			return strings.TrimSpace(s)
		}
	case '-', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9':
		return string(raw)
	}
	return ""
}
