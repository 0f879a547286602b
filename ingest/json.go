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
)

// lineTracker counts newlines in what a json.Decoder has read, so the
// line of any offset not yet passed can be found with memory bounded by
// the decoder's buffer.
type lineTracker struct {
	r        io.Reader
	read     int64   // bytes read so far
	newlines []int64 // offsets of newlines not yet passed
	passed   int     // newlines before the last offset asked about
}

func (t *lineTracker) Read(p []byte) (int, error) {
	n, err := t.r.Read(p)
	for i := 0; i < n; i++ {
		if p[i] == '\n' {
			t.newlines = append(t.newlines, t.read+int64(i))
		}
	}
	t.read += int64(n)
	return n, err
}

// lineAt returns the 1-based line of offset; offsets must not decrease.
func (t *lineTracker) lineAt(off int64) int {
	i := 0
	for i < len(t.newlines) && t.newlines[i] < off {
		i++
	}
	t.passed += i
	t.newlines = t.newlines[i:]
	return t.passed + 1
}

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
		return streamArray(dec, t, name, opts, true, fn)
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
				return err
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
		rec := featureRecord(b, name, 1, 1, opts)
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
	return streamArray(dec, t, name, opts, false, fn)
}

// ReadNDJSON reads newline-delimited JSON: one object a line; blank lines
// are skipped.
func ReadNDJSON(r io.Reader, name string, opts ReadOptions, fn func(Record) error) error {
	sc := bufio.NewScanner(stripBOM(r))
	sc.Buffer(make([]byte, 64<<10), 16<<20)
	line, index := 0, 0
	for sc.Scan() {
		line++
		b := bytes.TrimSpace(sc.Bytes())
		if len(b) == 0 {
			continue
		}
		index++
		rec := objectRecord(b, name, line, index, opts)
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
	for index := 1; dec.More(); index++ {
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			line := t.lineAt(dec.InputOffset())
			return fn(Record{File: name, Line: line, Index: index, Err: &FieldError{Field: "record", Reason: ReasonMalformedJSON,
				Message: fmt.Sprintf("%v; the rest of the file cannot be read", jsonErr(err))}})
		}
		line := t.lineAt(dec.InputOffset() - int64(len(raw)))
		var rec Record
		if features {
			rec = featureRecord(raw, name, line, index, opts)
		} else {
			rec = objectRecord(raw, name, line, index, opts)
		}
		if err := fn(rec); err != nil {
			return err
		}
	}
	if _, err := dec.Token(); err != nil {
		return fn(Record{File: name, Line: t.lineAt(dec.InputOffset()), Index: -1, Err: &FieldError{Field: "record", Reason: ReasonMalformedJSON,
			Message: fmt.Sprintf("%v: the file ends early", jsonErr(err))}})
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
	Type       string                     `json:"type"`
	ID         any                        `json:"id"`
	Geometry   *geometry                  `json:"geometry"`
	Properties map[string]json.RawMessage `json:"properties"`
}

type geometry struct {
	Type        string          `json:"type"`
	Coordinates json.RawMessage `json:"coordinates"`
}

func featureRecord(raw []byte, name string, line, index int, opts ReadOptions) Record {
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
	for k, v := range f.Properties {
		addJSONValue(&rec, opts.Mapping.Field(k), v)
	}
	if f.ID != nil && rec.Get(FieldID) == "" {
		rec.set(FieldID, fmt.Sprint(f.ID))
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

func objectRecord(raw []byte, name string, line, index int, opts ReadOptions) Record {
	rec := Record{File: name, Line: line, Index: index}
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(raw, &obj); err != nil {
		rec.Err = &FieldError{Field: "record", Reason: ReasonMalformedJSON, Message: fmt.Sprintf("not a JSON object: %v", err)}
		return rec
	}
	if t, ok := obj["type"]; ok && string(bytes.TrimSpace(t)) == `"Feature"` {
		return featureRecord(raw, name, line, index, opts)
	}
	for k, v := range obj {
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
		addJSONValue(&rec, opts.Mapping.Field(k), v)
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
		var obj map[string]json.RawMessage
		if json.Unmarshal(v, &obj) != nil {
			return
		}
		for k, sub := range obj {
			if f := aliasIndex[TermKey(k)]; f == FieldLat || f == FieldLon {
				addJSONValue(rec, f, sub)
			}
		}
	case '"':
		var s string
		if json.Unmarshal(v, &s) == nil && field != "" && strings.TrimSpace(s) != "" {
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
