package httpapi

import (
	"net/http"

	"github.com/tierslieux/tierslieux/index"
)

// Codes of the errors the HTTP edge itself answers.
const (
	codeInternal         = "internal"
	codeMethodNotAllowed = "method_not_allowed"
)

// statusByCode maps every error code to its HTTP status; an error whose
// code is not here is an internal error.
var statusByCode = map[string]int{
	index.CodeInvalid:        http.StatusBadRequest,
	index.CodeUnknownPlace:   http.StatusBadRequest,
	index.CodeUnknownType:    http.StatusBadRequest,
	index.CodeUnknownService: http.StatusBadRequest,
	index.CodeOutOfRange:     http.StatusBadRequest,
	index.CodeTooLong:        http.StatusBadRequest,
	index.CodeNotFound:       http.StatusNotFound,
	codeMethodNotAllowed:     http.StatusMethodNotAllowed,
	codeInternal:             http.StatusInternalServerError,
}

type errorBody struct {
	Error index.Error `json:"error"`
}

// writeError answers an error: a query or index error with its status and
// message; anything else with a generic 500, logged with the route.
func (s *Server) writeError(w http.ResponseWriter, r *http.Request, err error) {
	if e, ok := index.AsError(err); ok && e.Code != codeInternal {
		if status, known := statusByCode[e.Code]; known {
			body := errorBody{Error: *e}
			body.Error.Message = e.Localize(printer(r))
			writeJSON(w, status, body)
			return
		}
	}
	s.log.Error("internal error", "method", r.Method, "path", r.URL.Path, "query", r.URL.RawQuery, "err", err)
	writeInternal(w)
}

// internalBody is the one answer users get for a failure of ours: the
// detail goes to the log only.
var internalBody = []byte(`{"error":{"code":"` + codeInternal + `","message":"internal error"}}` + "\n")

func writeInternal(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(statusByCode[codeInternal])
	w.Write(internalBody)
}
