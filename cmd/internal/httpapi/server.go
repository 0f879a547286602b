package httpapi

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"
	"time"

	"github.com/gorilla/mux"

	"github.com/tierslieux/tierslieux/cmd/internal/search"
	"github.com/tierslieux/tierslieux/geo/gazetteer"
	"github.com/tierslieux/tierslieux/ingest"
)

// Service is what the server needs from the service layer;
// *search.Engine provides it.
type Service interface {
	Build(search.Params) (search.Query, error)
	Search(context.Context, search.Query) (*search.Result, error)
	Place(id string) (*ingest.Place, bool)
	Geocode(q string, limit int) (matches, suggestions []gazetteer.Match, err error)
	Gazetteer() *gazetteer.Gazetteer
}

// Server is the HTTP API.
type Server struct {
	svc    Service
	log    *slog.Logger
	router *mux.Router
	places int
}

// NewServer builds the server and its routes. places is reported by
// /healthz.
func NewServer(svc Service, log *slog.Logger, places int) *Server {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	s := &Server{svc: svc, log: log, router: mux.NewRouter(), places: places}
	s.routes()
	return s
}

// routes registers every route of the API, in one place.
func (s *Server) routes() {
	r := s.router
	r.HandleFunc("/healthz", s.handleHealth).Methods(http.MethodGet, http.MethodHead)
	// Full paths on the root router, not a /v1 subrouter: mux answers 404
	// instead of 405 for a wrong method on a subrouter's route.
	r.HandleFunc("/v1/search", s.handleSearch).Methods(http.MethodGet, http.MethodHead)
	r.HandleFunc("/v1/places/{id}", s.handlePlace).Methods(http.MethodGet, http.MethodHead)
	r.HandleFunc("/v1/geocode", s.handleGeocode).Methods(http.MethodGet, http.MethodHead)
	r.NotFoundHandler = http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		s.writeError(w, req, &search.Error{Code: search.CodeNotFound, Message: fmt.Sprintf("no route %s", req.URL.Path)})
	})
	r.MethodNotAllowedHandler = http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		writeJSON(w, http.StatusMethodNotAllowed, errorBody{Error: search.Error{Code: "method_not_allowed", Message: req.Method + " is not allowed here; use GET"}})
	})
	r.Use(s.recoverPanics, s.logRequests)
}

// ServeHTTP makes the server an http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.router.ServeHTTP(w, r) }

// recoverPanics keeps a panic away from users: it is logged with its
// stack and answered with a generic 500.
func (s *Server) recoverPanics(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				s.log.Error("panic", "method", r.Method, "path", r.URL.Path, "panic", v, "stack", string(debug.Stack()))
				writeJSON(w, http.StatusInternalServerError, errorBody{Error: search.Error{Code: "internal", Message: "internal error"}})
			}
		}()
		next.ServeHTTP(w, r)
	})
}

type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (r *statusRecorder) WriteHeader(code int) {
	r.status = code
	r.ResponseWriter.WriteHeader(code)
}

func (s *Server) logRequests(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
		next.ServeHTTP(rec, r)
		s.log.Debug("request", "method", r.Method, "path", r.URL.Path, "query", r.URL.RawQuery,
			"status", rec.status, "ms", float64(time.Since(start).Microseconds())/1000)
	})
}

// writeJSON encodes v before writing anything, so an encoding failure
// can still become a clean 500.
func writeJSON(w http.ResponseWriter, status int, v any) {
	writeEncoded(w, status, "application/json; charset=utf-8", v)
}

func writeEncoded(w http.ResponseWriter, status int, contentType string, v any) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.WriteHeader(http.StatusInternalServerError)
		w.Write([]byte(`{"error":{"code":"internal","message":"internal error"}}` + "\n"))
		return
	}
	w.Header().Set("Content-Type", contentType)
	w.Header().Set("Content-Length", fmt.Sprint(buf.Len()))
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}
