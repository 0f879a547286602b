// Package index owns full-text search for tierslieux: a Bleve (scorch)
// index of place names, descriptions, vocabulary labels and communes,
// analysed for French (elision, accent folding, light stemming).
//
// It knows nothing of places, geography or HTTP: callers hand it Docs of
// text and get back IDs with scores. It imports no other package of this
// project, and no Bleve type appears in its exported API.
package index
