package httpapi

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/netip"
	"strings"
	"sync/atomic"
	"time"

	"github.com/gorilla/mux"

	"github.com/tierslieux/tierslieux/cmd/internal/query"
	"github.com/tierslieux/tierslieux/geo/gazetteer"
	"github.com/tierslieux/tierslieux/index"
	"github.com/tierslieux/tierslieux/ingest"
)

// Searcher runs index queries and says beforehand which are heavy (zoom
// -1 for a search); *index.Engine is one.
type Searcher interface {
	Search(context.Context, index.Query) (*index.Result, error)
	Clusters(ctx context.Context, q index.Query, zoom int) (*index.ClusterResult, error)
	Heavy(q index.Query, zoom int) bool
}

// Places finds places by ID and names their areas, and says which data
// it holds; *index.Catalog is one.
type Places interface {
	Len() int
	Version() index.Version
	Place(id string) (*ingest.Place, bool)
	AreaNames(p *ingest.Place) (dept, region string)
}

// Language reads requests into queries, geocodes, completes and gives the
// vocabulary; *query.Language is one.
type Language interface {
	Build(query.Params) (index.Query, error)
	Geocode(q string, limit int) (matches, suggestions []gazetteer.Match, err error)
	// SuggestWithin keeps the place names keep accepts (nil: all).
	SuggestWithin(prefix string, limit int, keep func(*ingest.Place) bool) ([]query.Suggestion, error)
	Vocabulary() query.Vocabulary
}

// Backend is what the server serves: an engine, the catalog it searches,
// and the query language.
type Backend struct {
	Search Searcher
	Places Places
	Query  Language

	// results keeps the backend's places as answered, nil for none.
	results *resultCache
	// versionID is Places.Version().ID, read once when the backend goes
	// into service rather than copied out of the catalog per request.
	versionID string
	// metered is the same backend with its searches timed for the
	// metrics (routed), made once when it goes into service.
	metered *Backend
}

// dataVersion is the ID of the data b serves.
func (b *Backend) dataVersion() string {
	if b.versionID != "" {
		return b.versionID
	}
	return b.Places.Version().ID
}

// Options configure a server.
type Options struct {
	// CORSOrigins lists the origins allowed to call the read-only API from
	// a browser; empty allows every origin.
	CORSOrigins []string
	// TileURL and Attribution configure the page's base map; empty means
	// OpenStreetMap's.
	TileURL, Attribution string
	// FrameAncestors are the origins allowed to show /embed in a frame;
	// empty means the CORS origins, or any when those are empty too.
	FrameAncestors []string

	// SearchTimeout stops a search that runs longer (default
	// DefaultSearchTimeout).
	SearchTimeout time.Duration
	// ResultCacheBytes bounds the memory each backend keeps of its
	// places as answered (default DefaultResultCache; negative keeps
	// none).
	ResultCacheBytes int64
	// MaxInFlight bounds the searches running at once (default
	// DefaultMaxInFlight a core); QueueWait is how long one more waits
	// for a slot before a 503 (default DefaultQueueWait). Heavy searches
	// (index.Engine.Heavy) share a smaller lane: half the cores.
	MaxInFlight int
	QueueWait   time.Duration
	// HeavyPerSecond bounds the heavy searches started each second, all
	// clients together (default DefaultHeavyPerSecond a core); past it,
	// 503 at once.
	HeavyPerSecond float64
	// RatePerSecond is each client's sustained request rate, RateBurst
	// its bucket (default twice the rate); 0 turns the limit off.
	RatePerSecond float64
	RateBurst     int
	// TrustedProxies are the peers whose X-Forwarded-For names the client.
	TrustedProxies []netip.Prefix
	// NoCompression leaves answers uncompressed, for a proxy in front
	// that compresses (precompressed assets are still served).
	NoCompression bool
	// GzipMemoBytes bounds the memory kept of answers as compressed
	// (default DefaultGzipMemo; negative keeps none).
	GzipMemoBytes int64

	// BasePath is the path the service is served under behind a reverse
	// proxy ("/tiers-lieux"): the page and the widget address the API
	// under it. Empty: the site's root.
	BasePath string
	// Keys are the API keys; nil: no keys, hence no write API, and
	// searches need none.
	Keys Keyring
	// RequireKey refuses searches that present no search key.
	RequireKey bool
	// Admin carries out the write API's work; nil: no write API.
	Admin Admin
}

// Server is the HTTP API.
type Server struct {
	live     atomic.Pointer[liveBackend]
	notReady atomic.Bool
	log      *slog.Logger
	router   *mux.Router
	handler  http.Handler // the router and the middleware around it
	opts     Options
	pages    *pages
	limits   *limits
	headers  securityHeaders
	gzipped  staticGzip
	gzip     *gzipMemo // nil: answers compressed every time
	health   health
	metrics  *metrics
}

// NewServer builds the server and its routes.
func NewServer(b Backend, log *slog.Logger, opts Options) *Server {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if opts.SearchTimeout <= 0 {
		opts.SearchTimeout = DefaultSearchTimeout
	}
	if opts.ResultCacheBytes == 0 {
		opts.ResultCacheBytes = DefaultResultCache
	}
	if opts.GzipMemoBytes == 0 {
		opts.GzipMemoBytes = DefaultGzipMemo
	}
	// Paths are served as sent: cleaning them would answer a redirect,
	// and an absolute-form request line would point it at another host.
	s := &Server{log: log, router: mux.NewRouter().SkipClean(true), opts: opts}
	if !opts.NoCompression {
		s.gzip = newGzipMemo(opts.GzipMemoBytes)
	}
	s.metrics = newMetrics(s) // before the backend, which its searches count in
	s.live.Store(s.newLive(b))
	s.pages = newPages(opts, b.Query.Vocabulary())
	s.limits = newLimits(opts)
	s.headers = newSecurityHeaders(opts)
	s.routes()
	return s
}

// routes registers every route of the API, in one place.
func (s *Server) routes() {
	r := s.router
	// Full paths on the root router, not a /v1 subrouter: mux answers 404
	// instead of 405 for a wrong method on a subrouter's route. Searches
	// first: mux tries the routes in order, a regular expression each,
	// and most requests are searches.
	r.HandleFunc("/v1/search", s.handleSearch).Methods(http.MethodGet, http.MethodHead)
	r.HandleFunc("/healthz", s.handleHealth).Methods(http.MethodGet, http.MethodHead)
	r.HandleFunc("/readyz", s.handleReady).Methods(http.MethodGet, http.MethodHead)
	r.Handle("/metrics", s.metrics.handler(s.log)).Methods(http.MethodGet, http.MethodHead)
	r.HandleFunc("/openapi.json", s.handleOpenAPI).Methods(http.MethodGet, http.MethodHead)
	r.HandleFunc("/docs", s.handleDocs).Methods(http.MethodGet, http.MethodHead)
	r.HandleFunc("/v1/places/{id}", s.handlePlace).Methods(http.MethodGet, http.MethodHead)
	r.HandleFunc("/v1/geocode", s.handleGeocode).Methods(http.MethodGet, http.MethodHead)
	r.HandleFunc("/v1/suggest", s.handleSuggest).Methods(http.MethodGet, http.MethodHead)
	r.HandleFunc("/v1/clusters", s.handleClusters).Methods(http.MethodGet, http.MethodHead)
	r.HandleFunc("/v1/vocabulary", s.handleVocabulary).Methods(http.MethodGet, http.MethodHead)
	// Browsers ask before a cross-origin call with custom headers. One
	// route a path: a prefix would turn unknown /v1/ paths into 405s.
	for _, p := range []string{"/v1/search", "/v1/places/{id}", "/v1/geocode", "/v1/suggest", "/v1/clusters", "/v1/vocabulary"} {
		r.Path(p).Methods(http.MethodOptions).HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(http.StatusNoContent)
		})
	}
	s.webRoutes()
	r.NotFoundHandler = http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		s.writeError(w, req, notFound(req.URL.Path))
	})
	r.MethodNotAllowedHandler = http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		// Every public route is GET and HEAD (and OPTIONS under /v1/, for
		// CORS preflights); RFC 9110 requires Allow on a 405.
		allow := "GET, HEAD"
		if strings.HasPrefix(req.URL.Path, "/v1/") {
			allow += ", OPTIONS"
		}
		w.Header().Set("Allow", allow)
		s.writeError(w, req, index.Errorf(codeMethodNotAllowed, "", "%s is not allowed here; use GET", req.Method))
	})
	s.adminRoutes()
	s.handler = s.middleware(r)
}

func notFound(path string) error {
	return index.Errorf(index.CodeNotFound, "", "no route %s", path)
}

// ServeHTTP makes the server an http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }

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
		writeInternal(w)
		return
	}
	w.Header().Set("Content-Type", contentType)
	w.Header().Set("Content-Length", fmt.Sprint(buf.Len()))
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}
