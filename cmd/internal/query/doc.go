// Package query is the query language: it turns a search request — free
// text in French or English ("fablab with 3D printing within 30 km of
// Rodez") and explicit parameters — into one index.Query, checked by the
// query's own rules. It resolves places through the gazetteer, reads the
// vocabulary of package ingest, and asks whether words name a place of
// the index through the small Names interface; it also completes what a
// user types (Suggest) and geocodes names.
//
// It imports ingest, geo, geo/gazetteer and index (for the query type and
// its errors), never the engine itself, and nothing of HTTP.
package query
