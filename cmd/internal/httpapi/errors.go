package httpapi

import (
	"net/http"

	"github.com/tierslieux/tierslieux/cmd/internal/search"
)

// statusByCode maps service error codes to HTTP statuses; anything else is
// an internal error.
var statusByCode = map[string]int{
	search.CodeInvalid:        http.StatusBadRequest,
	search.CodeUnknownPlace:   http.StatusBadRequest,
	search.CodeUnknownType:    http.StatusBadRequest,
	search.CodeUnknownService: http.StatusBadRequest,
	search.CodeOutOfRange:     http.StatusBadRequest,
	search.CodeTooLong:        http.StatusBadRequest,
	search.CodeNotFound:       http.StatusNotFound,
}

type errorBody struct {
	Error search.Error `json:"error"`
}

// writeError answers an error: a service error with its status and
// message; anything else with a generic 500, logged with the route.
func (s *Server) writeError(w http.ResponseWriter, r *http.Request, err error) {
	if e, ok := search.AsError(err); ok {
		if status, known := statusByCode[e.Code]; known {
			writeJSON(w, status, errorBody{Error: *e})
			return
		}
	}
	s.log.Error("internal error", "method", r.Method, "path", r.URL.Path, "query", r.URL.RawQuery, "err", err)
	writeJSON(w, http.StatusInternalServerError, errorBody{Error: search.Error{Code: "internal", Message: "internal error"}})
}
