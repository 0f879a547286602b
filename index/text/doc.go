// Package text is the full-text part of the index: a Bleve (scorch) index
// of place names, descriptions, vocabulary labels and communes, analysed
// for French (elision, accent folding, light stemming). Package index
// keeps the postings it hands out as bitsets over its places.
//
// It knows nothing of places, geography or HTTP: callers hand it Docs of
// text and get back IDs and postings. It imports no other package of this
// project, and no Bleve type appears in its exported API.
package text
