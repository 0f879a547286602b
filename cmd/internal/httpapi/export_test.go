package httpapi

import "github.com/gorilla/mux"

// Router is the server's router, for tests that walk its routes.
func (s *Server) Router() *mux.Router { return s.router }

// StatusByCode maps every error code to its HTTP status.
var StatusByCode = statusByCode

// Gunzip decodes one gzip member, failing the test otherwise.
var Gunzip = gunzipAll
