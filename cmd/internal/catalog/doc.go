// Package catalog holds the places a search runs over: their records, an
// R-tree of their points (geo) and a full-text index of their text
// (index). It builds a catalog from the ingest pipeline, either in memory
// (the embedded demo data) or in a directory on disk, where a new build is
// swapped in atomically, and opens it again.
//
// It sits in the service layer: it imports ingest, geo, geo/gazetteer,
// index and data, and nothing that serves HTTP.
package catalog
