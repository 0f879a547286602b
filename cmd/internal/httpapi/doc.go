// Package httpapi serves the search API over HTTP with gorilla/mux: it
// turns requests into search parameters, calls the service layer and
// writes JSON or GeoJSON. It holds no business logic; the one table in
// errors.go maps service errors to HTTP statuses.
package httpapi
