package httpapi

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"net/http"
	"net/url"
	"runtime/debug"
	"strings"
	"time"

	"github.com/gorilla/mux"
	"golang.org/x/text/language"

	"github.com/tierslieux/tierslieux/index"
)

// middleware wraps the router in what every request goes through.
func (s *Server) middleware(r *mux.Router) http.Handler {
	// Each matched route's handler: routed first, so that the route is
	// known to the log and the metrics whatever the others answer;
	// cacheAPI last, after CORS, so that a 304 carries the CORS headers a
	// cross-origin revalidation needs. Wrapped once, here: mux's Use
	// would wrap the matched route's handler anew at every request (five
	// allocations a request).
	r.Walk(func(route *mux.Route, _ *mux.Router, _ []*mux.Route) error {
		if h := route.GetHandler(); h != nil {
			route.Handler(s.routed(s.cors(s.checkLang(s.cacheAPI(h)))))
		}
		return nil
	})
	// Around the router, not in it: mux runs its middleware only on a
	// matched route, and these hold for 404s and 405s too. The request ID
	// comes first, so that even a panic's log line carries it;
	// compression wraps the logger, which sees the answer as the handler
	// wrote it (searches and clusters compressed already, by
	// writeAppended); the rate limit and the query check run inside the logger,
	// which logs and counts what they refuse; withBackend is innermost,
	// holding the backend only while the router runs.
	return s.requestID(s.recoverPanics(s.compress(s.logRequests(s.secure(s.rateLimit(s.strictQuery(s.withBackend(r))))))))
}

// reqState is what the layers learn about a request as it goes through
// them: its ID and logger, set first; the route and the error code,
// filled in by the inner layers for the outer ones.
type reqState struct {
	id string
	// base is the server's logger; log adds the request's ID, made when
	// first asked for (logger): most requests log nothing.
	base, log *slog.Logger
	// values is the query string, parsed when first asked for (params).
	values url.Values
	// lang is the request's language once found (lang), when langFound.
	lang      language.Tag
	langFound bool
	// backend is what the request runs on (withBackend).
	backend *Backend
	// route is mux's path template of the matched route, "" for none.
	route string
	// code is the error code the request was answered with, if any.
	code string
	// cacheable says the answer carries caching headers (cacheAPI) that
	// only a 200 may keep.
	cacheable bool
}

type stateKey struct{}

// state is the request's state; nil outside the middleware (a handler
// called directly).
func state(r *http.Request) *reqState {
	st, _ := r.Context().Value(stateKey{}).(*reqState)
	return st
}

// logger is the logger for what concerns a request: the server's, with
// the request's ID.
func (s *Server) logger(r *http.Request) *slog.Logger {
	if st := state(r); st != nil {
		return st.logger()
	}
	return s.log
}

func (st *reqState) logger() *slog.Logger {
	if st.log == nil {
		st.log = st.base
		if st.id != "" {
			st.log = st.base.With("request_id", st.id)
		}
	}
	return st.log
}

// params is the request's query string, parsed once for every layer
// that reads it. The values are shared: read them, never change them.
func params(r *http.Request) url.Values {
	st := state(r)
	if st == nil {
		return r.URL.Query()
	}
	if st.values == nil {
		st.values = r.URL.Query()
	}
	return st.values
}

// noteError records the error code a request is answered with, for the
// request log and the metrics.
func noteError(r *http.Request, code string) {
	if st := state(r); st != nil {
		st.code = code
	}
}

// maxRequestIDLen bounds a request ID taken from a request.
const maxRequestIDLen = 64

// requestID gives every request an ID, answered in X-Request-ID and
// carried by every log line about it: the one the request brings (from a
// proxy or a client) when it is sane, else a new one.
func (s *Server) requestID(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// Header keys spelt canonically ("Id", "Etag") are used as they
		// are; any other spelling is copied into canonical form each time.
		id := r.Header.Get("X-Request-Id")
		if !saneRequestID(id) {
			id = newRequestID()
		}
		w.Header().Set("X-Request-Id", id)
		st := &reqState{id: id, base: s.log}
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), stateKey{}, st)))
	})
}

// saneRequestID accepts 1 to 64 characters of [A-Za-z0-9._-]: nothing
// that could forge a log line or a header.
func saneRequestID(id string) bool {
	if id == "" || len(id) > maxRequestIDLen {
		return false
	}
	for i := 0; i < len(id); i++ {
		switch c := id[i]; {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9', c == '.', c == '_', c == '-':
		default:
			return false
		}
	}
	return true
}

// newRequestID is 16 random bytes in hex.
func newRequestID() string {
	var b [16]byte
	rand.Read(b[:]) // never fails (crypto/rand)
	return hex.EncodeToString(b[:])
}

// routed notes the matched route's template for the log and the
// metrics, and runs the searches of /v1/search and /v1/clusters through
// the metrics.
func (s *Server) routed(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		st := state(r)
		if st == nil {
			next.ServeHTTP(w, r)
			return
		}
		if rt := mux.CurrentRoute(r); rt != nil {
			st.route, _ = rt.GetPathTemplate()
		}
		switch st.route {
		case "/v1/search", "/v1/clusters":
			switch be := st.backend; {
			case be == nil:
			case be.metered != nil:
				st.backend = be.metered
			default:
				metered := *be
				metered.Search = meteredSearcher{Searcher: be.Search, m: s.metrics}
				st.backend = &metered
			}
		}
		next.ServeHTTP(w, r)
	})
}

// recoverPanics keeps a panic away from users: it is logged with its
// stack and answered with a generic 500.
func (s *Server) recoverPanics(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				s.logger(r).Error("panic", "method", r.Method, "path", r.URL.Path, "panic", v, "stack", string(debug.Stack()))
				writeInternal(w)
			}
		}()
		next.ServeHTTP(w, r)
	})
}

// checkLang refuses a lang parameter the API does not speak, on every
// route that takes one.
func (s *Server) checkLang(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if l := params(r).Get("lang"); l != "" && l != "fr" && l != "en" && strings.HasPrefix(r.URL.Path, "/v1/") {
			s.writeError(w, r, index.Errorf(index.CodeInvalid, "lang", "%q: want fr or en", l))
			return
		}
		next.ServeHTTP(w, r)
	})
}

// cors lets pages on partner sites call the read-only API: GET, HEAD and
// preflight OPTIONS under /v1/, from any origin or from the allow-list.
// Nothing else is exposed cross-origin.
func (s *Server) cors(next http.Handler) http.Handler {
	allowed := map[string]bool{}
	for _, o := range s.opts.CORSOrigins {
		allowed[strings.TrimRight(o, "/")] = true
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		origin := r.Header.Get("Origin")
		if len(allowed) > 0 && strings.HasPrefix(r.URL.Path, "/v1/") {
			// The answer depends on the origin: caches must know, also for
			// requests without one.
			w.Header().Add("Vary", "Origin")
		}
		if origin != "" && strings.HasPrefix(r.URL.Path, "/v1/") && !strings.HasPrefix(r.URL.Path, "/v1/admin/") {
			switch r.Method {
			case http.MethodGet, http.MethodHead, http.MethodOptions:
				h := w.Header()
				if len(allowed) == 0 {
					h.Add("Vary", "Origin")
				}
				switch {
				case len(allowed) == 0:
					h.Set("Access-Control-Allow-Origin", "*")
				case allowed[origin]:
					h.Set("Access-Control-Allow-Origin", origin)
				}
				if r.Method == http.MethodOptions {
					h.Set("Access-Control-Allow-Methods", "GET, HEAD")
					h.Set("Access-Control-Allow-Headers", "Authorization, Content-Type")
					h.Set("Access-Control-Max-Age", "86400")
				}
			}
		}
		next.ServeHTTP(w, r)
	})
}

// statusRecorder sees the answer as the handler writes it: its status
// and size for the log and the metrics. On a cacheable route, a status
// other than 200 or 304 drops the caching headers: an error, a 503
// above all, must not be cached.
type statusRecorder struct {
	http.ResponseWriter
	st      *reqState
	status  int
	bytes   int64
	written bool
}

func (r *statusRecorder) WriteHeader(code int) {
	if !r.written {
		r.written = true
		if r.st != nil && r.st.cacheable && code != http.StatusOK && code != http.StatusNotModified {
			uncacheable(r.Header())
		}
	}
	r.status = code
	r.ResponseWriter.WriteHeader(code)
}

func (r *statusRecorder) Write(b []byte) (int, error) {
	if !r.written {
		r.WriteHeader(http.StatusOK)
	}
	n, err := r.ResponseWriter.Write(b)
	r.bytes += int64(n)
	return n, err
}

// Unwrap lets http.ResponseController reach the connection.
func (r *statusRecorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

// logRequests logs every request, with its route, status, size, time and
// client, and counts it in the metrics; a request that panics counts as
// a 500.
func (s *Server) logRequests(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		st := state(r)
		if st == nil {
			st = &reqState{base: s.log}
		}
		rec := &statusRecorder{ResponseWriter: w, st: st, status: http.StatusOK}
		done := false
		defer func() {
			status := rec.status
			if !done {
				status = http.StatusInternalServerError // a panic on its way to recoverPanics
			}
			took := time.Since(start)
			s.metrics.observe(st.route, status, st.code, took)
			if !s.log.Enabled(r.Context(), slog.LevelDebug) {
				return // the line would cost more to make than to drop
			}
			attrs := []any{"method", r.Method, "path", r.URL.Path, "query", r.URL.RawQuery, "route", st.route,
				"status", status, "bytes", rec.bytes, "ms", float64(took.Microseconds()) / 1000, "client", s.limits.clientIP(r).String()}
			if st.code != "" {
				attrs = append(attrs, "code", st.code)
			}
			st.logger().Debug("request", attrs...)
		}()
		next.ServeHTTP(rec, r)
		done = true
	})
}
