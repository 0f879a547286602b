package httpapi

import (
	"net/http"
	"runtime/debug"
	"strings"
	"time"

	"github.com/gorilla/mux"
	"github.com/tierslieux/tierslieux/index"
)

// middleware wraps the router in what every request goes through.
func (s *Server) middleware(r *mux.Router) http.Handler {
	r.Use(s.cors, s.checkLang)
	// Around the router, not in it: mux runs its middleware only on a
	// matched route, and these hold for 404s and 405s too.
	return s.recoverPanics(s.compress(s.logRequests(s.secure(s.rateLimit(s.strictQuery(s.withBackend(r)))))))
}

// recoverPanics keeps a panic away from users: it is logged with its
// stack and answered with a generic 500.
func (s *Server) recoverPanics(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				s.log.Error("panic", "method", r.Method, "path", r.URL.Path, "panic", v, "stack", string(debug.Stack()))
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
		if l := r.URL.Query().Get("lang"); l != "" && l != "fr" && l != "en" && strings.HasPrefix(r.URL.Path, "/v1/") {
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
		if origin != "" && strings.HasPrefix(r.URL.Path, "/v1/") {
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
					h.Set("Access-Control-Allow-Headers", "Content-Type")
					h.Set("Access-Control-Max-Age", "86400")
				}
			}
		}
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
			"status", rec.status, "ms", float64(time.Since(start).Microseconds())/1000, "client", s.limits.clientIP(r).String())
	})
}
