package httpapi

import (
	"context"
	"errors"
	"net/http"
	"strconv"

	"github.com/tierslieux/tierslieux/index"
)

// Codes of the errors the HTTP edge itself answers.
const (
	codeInternal         = "internal"
	codeMethodNotAllowed = "method_not_allowed"
	codeOverloaded       = "overloaded"
	codeRateLimited      = "rate_limited"
	codeTimeout          = "timeout"
	codeShuttingDown     = "shutting_down"
	codeBadRequest       = "bad_request"
	codeHeadersTooLarge  = "headers_too_large"
	codeNotImplemented   = "not_implemented"
	codeHTTPVersion      = "http_version_not_supported"
)

// StatusClientClosed is the status logged for a request whose client went
// away before the answer (nginx's 499); nothing is sent.
const StatusClientClosed = 499

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
	codeOverloaded:           http.StatusServiceUnavailable,
	codeRateLimited:          http.StatusTooManyRequests,
	codeTimeout:              http.StatusServiceUnavailable,
	codeShuttingDown:         http.StatusServiceUnavailable,
	codeInternal:             http.StatusInternalServerError,
	codeUnauthorized:         http.StatusUnauthorized,
	codeForbidden:            http.StatusForbidden,
	codePayloadTooLarge:      http.StatusRequestEntityTooLarge,
	codeReloadFailed:         http.StatusInternalServerError,
}

type errorBody struct {
	Error index.Error `json:"error"`
}

// writeError answers an error: a query or index error with its status and
// message; anything else with a generic 500, logged with the route. A
// request whose client went away gets nothing, logged as 499; one cut by
// a shutdown or its deadline, a 503; a storage error also marks the
// server unhealthy.
func (s *Server) writeError(w http.ResponseWriter, r *http.Request, err error) {
	// No error is cached, whichever middleware answers it.
	uncacheable(w.Header())
	ctx := r.Context()
	switch {
	case ctx.Err() != nil && errors.Is(context.Cause(ctx), ErrShuttingDown):
		s.logger(r).Warn("request cut by shutdown", "method", r.Method, "path", r.URL.Path, "query", r.URL.RawQuery)
		w.Header().Set("Retry-After", "1")
		err = index.Errorf(codeShuttingDown, "", "the server is restarting; try again shortly")
	case ctx.Err() != nil:
		s.logger(r).Info("client went away", "method", r.Method, "path", r.URL.Path, "query", r.URL.RawQuery, "status", StatusClientClosed)
		if rec, ok := w.(*statusRecorder); ok {
			rec.status = StatusClientClosed
		}
		return
	case errors.Is(err, context.DeadlineExceeded):
		s.logger(r).Warn("search timed out", "method", r.Method, "path", r.URL.Path, "query", r.URL.RawQuery, "timeout", s.opts.SearchTimeout)
		err = index.Errorf(codeTimeout, "", "the search took longer than %s and was stopped; narrow it (a smaller area, fewer words)", s.opts.SearchTimeout)
	case errors.Is(err, index.ErrStorage):
		s.health.fail(err)
	}
	var over *overloadedError
	if errors.As(err, &over) {
		w.Header().Set("Retry-After", strconv.Itoa(over.retryAfter))
	}
	if e, ok := index.AsError(err); ok && e.Code != codeInternal {
		if status, known := statusByCode[e.Code]; known {
			noteError(r, e.Code)
			body := errorBody{Error: *e}
			body.Error.Message = e.Localize(printer(r))
			writeJSON(w, status, body)
			return
		}
	}
	noteError(r, codeInternal)
	s.logger(r).Error("internal error", "method", r.Method, "path", r.URL.Path, "query", r.URL.RawQuery, "err", err)
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
