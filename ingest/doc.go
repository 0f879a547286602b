// Package ingest owns the Place record and the controlled vocabulary of
// types and services, and reads place exports (GeoJSON, CSV, JSON, NDJSON)
// into Places, reporting every record it rejects with file, line, field and
// reason, so that nothing is dropped silently. It is where data enters:
// data files → ingest → index → query language → HTTP.
//
// It resolves communes through geo/gazetteer and must not import index,
// the query language or anything that serves HTTP.
package ingest
