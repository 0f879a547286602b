// Package index is the index the service searches, and its engine.
//
// A Catalog holds a set of places keyed by number (their position in
// Places): the records, an R-tree of their points (package geo), filter
// bitmaps per type, service, département and région, the postings of
// their text (package index/text, Bleve inside) cached as bitsets, and a
// sorted index of their names. It is built in memory (Load, NewMem) or in
// an index directory by a Builder, where a new build is swapped in
// atomically, and opened again by Open. Whoever opens a catalog closes it.
//
// An Engine borrows a catalog and answers a structured Query over it:
// Query.Validate holds the rules, a planner picks the cheaper order of
// geography and text, then rank, facets and clusters.
//
// It imports ingest (the Place and the vocabulary), geo, geo/gazetteer
// (département and région names) and index/text, and nothing of HTTP or
// of the query language.
package index
