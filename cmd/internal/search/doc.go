// Package search is the service layer: it understands a query written in
// French or English ("fablab with 3D printing within 30 km of Rodez"),
// resolves places through the gazetteer, and answers it over a catalog by
// combining filters (in-memory bitmaps), geography (the R-tree) and full
// text (Bleve), choosing the order by selectivity.
//
// It imports ingest, geo, geo/gazetteer, index and catalog; it knows
// nothing of HTTP.
package search
