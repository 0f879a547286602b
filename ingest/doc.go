// Package ingest owns the Place record and the controlled vocabulary of
// types and services (and the lists of the national standard "Lieux de
// médiation numérique": publics, accessibility, fees, access and support
// modes, programmes, labels), and reads place exports (GeoJSON, CSV, JSON,
// NDJSON) into Places, reporting every record it rejects with file, line,
// field and reason, so that nothing is dropped silently. Known exports —
// the national standard, the France Services list, regional hubs' shapes —
// are recognised by their header (shape.go); French timetables become
// opening_hours through ingest/hours; points are checked against their
// commune. It also writes places back in the national standard
// (export.go). It is where data enters: data files → ingest → index →
// query language → HTTP.
//
// It resolves communes through geo/gazetteer and must not import index,
// the query language or anything that serves HTTP.
package ingest
