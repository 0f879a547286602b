package ingest

import (
	"fmt"
	"slices"
	"strings"
)

// Record is one raw record read from a file, its fields already mapped to
// canonical names but not yet checked. A record that could not be read at
// all (a malformed row, broken JSON) carries Err instead of fields, so
// every record read is accounted for.
type Record struct {
	File  string // name of the file it came from
	Line  int    // line where it starts, 1-based; 0 when unknown
	Index int    // position in the file: row or feature number, 1-based
	// Fields maps canonical field names to values. A JSON array or a
	// multi-valued cell arrives as several values.
	Fields map[string][]string
	// Point is set when the record carries a geometry (GeoJSON); Geometry
	// names its type, so a line or polygon reduced to its centroid is told.
	Point    *[2]float64
	Geometry string // GeoJSON geometry type, when there was one
	// Shape names the known shape of the export (shape.go), if any.
	Shape string
	Err   *FieldError
}

// Where names the record's place in its file, for people.
func (r *Record) Where() string {
	switch {
	case r.Line > 0:
		return fmt.Sprintf("%s:%d", r.File, r.Line)
	case r.Index > 0:
		return fmt.Sprintf("%s: record %d", r.File, r.Index)
	}
	return r.File
}

// Get returns the first non-empty value of a field, trimmed.
func (r *Record) Get(field string) string {
	for _, v := range r.Fields[field] {
		if v = strings.TrimSpace(v); v != "" {
			return v
		}
	}
	return ""
}

// List returns a multi-valued field's values: each value is split on "|",
// ";" or ",", whichever it uses first in that order, and trimmed.
func (r *Record) List(field string) []string {
	var out []string
	for _, v := range r.Fields[field] {
		out = append(out, SplitList(v)...)
	}
	return out
}

// SplitList splits a multi-valued text on "|", ";" or ",", whichever it
// uses first in that order, and trims the values, dropping empty ones:
// cells of exports, and lists in query parameters and flags.
func SplitList(v string) []string {
	sep := ""
	for _, s := range []string{"|", ";", ","} {
		if strings.Contains(v, s) {
			sep = s
			break
		}
	}
	parts := []string{v}
	if sep != "" {
		parts = strings.Split(v, sep)
	}
	out := parts[:0]
	for _, p := range parts {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

func (r *Record) set(field, value string) {
	if r.Fields == nil {
		r.Fields = map[string][]string{}
	}
	r.Fields[field] = append(r.Fields[field], value)
}

// AppendUnique appends s to list unless it is there already: the lists of
// types, services and tags keep their first-seen order without repeats.
func AppendUnique(list []string, s string) []string {
	if slices.Contains(list, s) {
		return list
	}
	return append(list, s)
}
