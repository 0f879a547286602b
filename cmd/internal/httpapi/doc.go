// Package httpapi is the HTTP edge: routes (all in server.go's routes),
// handlers that read a request, hand it to the query language
// (query.Params → index.Query), run it on the engine and write the API's
// own response types as JSON or GeoJSON; the map page and the widget,
// with the vocabulary served to them. It holds no business logic. Each
// dependency is a small interface declared here (Searcher, Places,
// Language); the one table in errors.go maps every error code to its
// HTTP status.
//
// Only this package and cmd/tierslieux touch net/http and gorilla/mux.
package httpapi
