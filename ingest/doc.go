// Package ingest owns the Place record and the controlled vocabulary of
// types and services, and reads place exports (GeoJSON, CSV, JSON, NDJSON)
// into Places, reporting every record it rejects with file, line, field and
// reason, so that nothing is dropped silently.
//
// It resolves communes through geo/gazetteer and must not import index,
// the search layer or anything that serves HTTP.
package ingest
