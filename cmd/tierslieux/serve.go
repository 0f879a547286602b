package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"net/netip"
	"os"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"strconv"
	"sync"
	"time"

	"github.com/tierslieux/tierslieux/cmd/internal/embedded"
	"github.com/tierslieux/tierslieux/cmd/internal/httpapi"
	"github.com/tierslieux/tierslieux/cmd/internal/query"
	"github.com/tierslieux/tierslieux/geo/gazetteer"
	"github.com/tierslieux/tierslieux/index"
	"github.com/tierslieux/tierslieux/ingest"
)

// serveGCPercent is the garbage collector's target while serving.
const serveGCPercent = 400

// serveConfig is what serve needs; flags fill it, with environment
// variables as fallbacks.
type serveConfig struct {
	Addr  string // TIERSLIEUX_ADDR
	Index string // TIERSLIEUX_INDEX; empty serves the embedded demo data
	Debug bool   // log every request
	// Pprof is an address for Go's profiler (net/http/pprof), on a
	// listener of its own; empty: none.
	Pprof string
	// CORSOrigins lists the partner origins allowed to call the API from a
	// browser (TIERSLIEUX_CORS_ORIGINS); empty allows all, for GET only.
	CORSOrigins string
	// TileURL and Attribution set the page's base map (TIERSLIEUX_TILES,
	// TIERSLIEUX_ATTRIBUTION); OpenStreetMap's by default.
	TileURL, Attribution string
	// SpeedKMH reads "within 20 minutes" as a radius (TIERSLIEUX_KMH):
	// a straight-line speed, said in every such answer.
	SpeedKMH float64
	// FrameAncestors are the origins that may show /embed in a frame
	// (TIERSLIEUX_FRAME_ANCESTORS); empty: the CORS origins, or any.
	FrameAncestors string

	// The bounds on work: see httpapi.Options.
	SearchTimeout  time.Duration // TIERSLIEUX_SEARCH_TIMEOUT
	MaxInFlight    int           // TIERSLIEUX_MAX_INFLIGHT
	HeavyPerSecond float64
	MaxConns       int     // TIERSLIEUX_MAX_CONNS
	Rate           float64 // TIERSLIEUX_RATE, requests a second per client; 0: off
	Burst          int     // TIERSLIEUX_BURST
	TrustedProxies string  // TIERSLIEUX_TRUSTED_PROXIES, CIDRs or addresses
	// Drain is how long a shutdown lets requests in flight finish before
	// cancelling them (TIERSLIEUX_DRAIN).
	Drain time.Duration
	// Compress answers clients that accept gzip or zstd.
	Compress bool
	// MemoryLimit is the heap's soft limit in bytes; 0: 1.5 × the live
	// heap once ready, plus 192 MB (GOMEMLIMIT overrides).
	MemoryLimit int64
	// ResultCacheMB is the memory kept of places as answered, in MB; 0
	// keeps none.
	ResultCacheMB int
	// GzipMemoMB is the memory kept of search answers as compressed, in
	// MB; 0 keeps none.
	GzipMemoMB int

	// Watch is how often serve looks at the index directory's CURRENT
	// for a new build to load (TIERSLIEUX_WATCH); 0: only on SIGHUP or an
	// admin call.
	Watch time.Duration
	// Keys is the API keys file (-keys, TIERSLIEUX_KEYS); empty: no keys,
	// no write API. RequireKey refuses searches without a key.
	Keys       string
	RequireKey bool
	// BasePath is the path the service is served under behind a reverse
	// proxy, e.g. /tiers-lieux (TIERSLIEUX_BASE_PATH).
	BasePath string
	// LogFormat is text or json (TIERSLIEUX_LOG_FORMAT).
	LogFormat string

	// wrap, when set, wraps the API handler: tests add slow routes.
	wrap func(http.Handler) http.Handler
}

// Defaults of serve's flags.
const (
	defaultRate  = 20 // requests a second per client, sustained
	defaultDrain = 10 * time.Second
)

func runServe(ctx context.Context, args []string, stderr io.Writer) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var cfg serveConfig
	fs.StringVar(&cfg.Addr, "addr", envOr("TIERSLIEUX_ADDR", "localhost:8080"), "address to listen on; :8080 for every interface (env TIERSLIEUX_ADDR)")
	fs.StringVar(&cfg.Index, "index", os.Getenv("TIERSLIEUX_INDEX"), "index directory built by `tierslieux ingest` (env TIERSLIEUX_INDEX; default: the embedded demo data)")
	fs.BoolVar(&cfg.Debug, "debug", false, "log every request")
	fs.StringVar(&cfg.Keys, "keys", os.Getenv("TIERSLIEUX_KEYS"), "API keys file (`tierslieux keys add`); enables the write API under /v1/admin/ and partner keys (env TIERSLIEUX_KEYS)")
	fs.BoolVar(&cfg.RequireKey, "require-key", false, "refuse searches without a key")
	fs.StringVar(&cfg.BasePath, "base-path", os.Getenv("TIERSLIEUX_BASE_PATH"), "path the service is served under behind a reverse proxy, e.g. /tiers-lieux (env TIERSLIEUX_BASE_PATH)")
	fs.StringVar(&cfg.LogFormat, "log-format", envOr("TIERSLIEUX_LOG_FORMAT", "text"), "log format: text or json (env TIERSLIEUX_LOG_FORMAT)")
	fs.BoolVar(&cfg.Compress, "compress", true, "compress answers for clients that accept gzip or zstd (-compress=false behind a proxy that does)")
	fs.Int64Var(&cfg.MemoryLimit, "memory-limit", 0, "soft limit of the heap in bytes (default: 1.5 × the catalog's live heap plus 192 MB; GOMEMLIMIT overrides)")
	fs.IntVar(&cfg.ResultCacheMB, "result-cache", httpapi.DefaultResultCache>>20, "memory in MB kept of places as answered, so that a place answered again is copied rather than written anew; 0 keeps none")
	fs.IntVar(&cfg.GzipMemoMB, "gzip-memo", httpapi.DefaultGzipMemo>>20, "memory in MB kept of search answers as compressed, so that an answer asked again is not compressed anew; 0 keeps none")
	fs.StringVar(&cfg.Pprof, "pprof", "", "serve Go's profiler (/debug/pprof/) on this address, e.g. 127.0.0.1:6060; keep it private")
	fs.StringVar(&cfg.CORSOrigins, "cors-origins", os.Getenv("TIERSLIEUX_CORS_ORIGINS"), "comma-separated origins allowed to call the API from a browser, e.g. https://www.example.org (env TIERSLIEUX_CORS_ORIGINS; default: any origin, read-only)")
	fs.StringVar(&cfg.TileURL, "tiles", envOr("TIERSLIEUX_TILES", httpapi.DefaultTileURL), "base-map tile URL template for the page (env TIERSLIEUX_TILES)")
	fs.StringVar(&cfg.Attribution, "attribution", envOr("TIERSLIEUX_ATTRIBUTION", httpapi.DefaultAttribution), "base-map attribution shown on the page (env TIERSLIEUX_ATTRIBUTION)")
	kmh, err := strconv.ParseFloat(envOr("TIERSLIEUX_KMH", strconv.Itoa(query.DefaultSpeedKMH)), 64)
	if err != nil {
		return fmt.Errorf("TIERSLIEUX_KMH: %w", err)
	}
	fs.Float64Var(&cfg.SpeedKMH, "kmh", kmh, "straight-line speed that reads \"within 20 minutes\" as a radius, in km/h (env TIERSLIEUX_KMH)")
	fs.StringVar(&cfg.FrameAncestors, "frame-ancestors", os.Getenv("TIERSLIEUX_FRAME_ANCESTORS"), "comma-separated origins allowed to show /embed in a frame (env TIERSLIEUX_FRAME_ANCESTORS; default: the CORS origins, or any)")
	fs.IntVar(&cfg.MaxInFlight, "max-inflight", 0, "searches running at once before new ones queue (default: 16 a core)")
	fs.Float64Var(&cfg.HeavyPerSecond, "heavy-rate", 0, "heavy searches (large polygons, clusters of a huge grid) started a second, all clients together (default: 2 a core)")
	fs.IntVar(&cfg.MaxConns, "max-conns", httpapi.DefaultMaxConns, "open connections at once; past it idle ones are closed, then new ones refused")
	fs.IntVar(&cfg.Burst, "burst", 0, "requests a client may send at once before -rate applies (default: twice the rate)")
	fs.StringVar(&cfg.TrustedProxies, "trusted-proxies", os.Getenv("TIERSLIEUX_TRUSTED_PROXIES"), "comma-separated proxy addresses or CIDRs whose X-Forwarded-For names the client (env TIERSLIEUX_TRUSTED_PROXIES)")
	if err := envDuration(fs, &cfg.SearchTimeout, "search-timeout", "TIERSLIEUX_SEARCH_TIMEOUT", httpapi.DefaultSearchTimeout, "stop a search that runs longer, answering 503"); err != nil {
		return err
	}
	if err := envDuration(fs, &cfg.Watch, "watch", "TIERSLIEUX_WATCH", time.Second, "how often to look for a new build in the index directory; 0: only on SIGHUP or an admin call"); err != nil {
		return err
	}
	if err := envDuration(fs, &cfg.Drain, "drain", "TIERSLIEUX_DRAIN", defaultDrain, "on SIGTERM, how long requests in flight may finish before they are cancelled"); err != nil {
		return err
	}
	rateDef, err := strconv.ParseFloat(envOr("TIERSLIEUX_RATE", strconv.Itoa(defaultRate)), 64)
	if err != nil {
		return fmt.Errorf("TIERSLIEUX_RATE: %w", err)
	}
	fs.Float64Var(&cfg.Rate, "rate", rateDef, "requests a second each client may sustain; 0 turns the limit off (env TIERSLIEUX_RATE)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		fs.Usage()
		return exitError(2)
	}
	if !(cfg.SpeedKMH > 0 && cfg.SpeedKMH <= 300) {
		return fmt.Errorf("-kmh %g: want a speed from 1 to 300 km/h", cfg.SpeedKMH)
	}
	if !(cfg.Rate >= 0) || cfg.Burst < 0 || cfg.MaxInFlight < 0 || cfg.MaxConns < 0 || cfg.ResultCacheMB < 0 || cfg.GzipMemoMB < 0 || cfg.SearchTimeout <= 0 || cfg.Drain < 0 {
		return fmt.Errorf("-rate, -burst, -max-inflight, -max-conns, -result-cache, -gzip-memo and -drain cannot be negative, nor -search-timeout zero")
	}
	if cfg.GzipMemoMB > maxGzipMemoMB {
		return fmt.Errorf("-gzip-memo %d: at most %d (MB)", cfg.GzipMemoMB, maxGzipMemoMB)
	}
	if cfg.ResultCacheMB > maxResultCacheMB {
		return fmt.Errorf("-result-cache %d: at most %d (MB)", cfg.ResultCacheMB, maxResultCacheMB)
	}
	if _, err := parseProxies(cfg.TrustedProxies); err != nil {
		return err
	}
	level := slog.LevelInfo
	if cfg.Debug {
		level = slog.LevelDebug
	}
	log, err := newLogger(stderr, cfg.LogFormat, level)
	if err != nil {
		return err
	}
	return serve(ctx, cfg, log, nil)
}

// servePprof serves Go's profiler on its own address until ctx ends.
func servePprof(ctx context.Context, addr string, log *slog.Logger) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("-pprof: %w", err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	go srv.Serve(ln)
	go func() {
		<-ctx.Done()
		srv.Close()
	}()
	log.Info("profiler", "addr", "http://"+ln.Addr().String()+"/debug/pprof/")
	return nil
}

// requestHeadroom is the heap the server allows requests above the
// catalog's live heap: what they allocate between two collections.
const requestHeadroom = 192 << 20

// tuneMemory sets the garbage collector for the catalog in memory, once
// it is ready, and returns the soft memory limit and the GC percentage
// in force. With serving false it sets the limit only: the text index is
// still being prepared, allocating what stays, and collecting rarely
// keeps that short.
//
// The collector runs each time requests have allocated requestHeadroom:
// GOGC becomes that share of the live heap (between 25 and
// serveGCPercent), unless GOGC is set. A fixed percentage would let a
// large catalog's heap grow to the memory limit between collections;
// near the limit the runtime hands pages back to the system that the next
// requests fault in again, and in a virtual machine a fault costs tens of
// microseconds. At a million places that was two faults a request, and
// collecting every 192 MB served the mix with 20% less CPU per request
// and 0.2 GB less memory.
//
// The limit is the one given in bytes, GOMEMLIMIT's, or by default one
// and a half times the live heap plus requestHeadroom, plus growth, what
// the server will keep beside the catalog (its places kept rendered): a
// backstop above the collector's goal, which a limit the cache filled
// up to would hold the collector at. The catalog's heap is mostly
// without pointers (its places are records, its name index offsets), so
// a collection costs little.
func tuneMemory(bytes int64, serving bool, growth int64) (limit int64, percent int) {
	// Reading the percentage means setting it: two calls at once (a
	// reload as the text is prepared) must not read each other's -1.
	tuning.Lock()
	defer tuning.Unlock()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	percent = debug.SetGCPercent(-1)
	if serving && os.Getenv("GOGC") == "" {
		percent = gcPercent(m.HeapAlloc)
	}
	debug.SetGCPercent(percent)
	if os.Getenv("GOMEMLIMIT") != "" {
		return debug.SetMemoryLimit(-1), percent
	}
	if bytes <= 0 {
		bytes = int64(m.HeapAlloc)*3/2 + requestHeadroom + max(growth, 0)
	}
	debug.SetMemoryLimit(bytes)
	return bytes, percent
}

var tuning sync.Mutex

// followLiveHeap sets GOGC again every interval from the live heap the
// last collection measured, until ctx is done: what the server keeps
// beside the catalog (its places kept rendered) grows that heap after
// ready, and a percentage set against the heap at ready would let the
// heap grow by as large a share of it again, into pages the system has
// to fault in. No collection is forced; GOGC set in the environment is
// left alone.
func followLiveHeap(ctx context.Context, every time.Duration) {
	if os.Getenv("GOGC") != "" {
		return
	}
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		if live := liveHeap(); live > 0 {
			retarget(live)
		}
	}
}

// liveHeap is the heap the last collection found live, 0 before any.
func liveHeap() uint64 {
	sample := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	metrics.Read(sample)
	if sample[0].Value.Kind() != metrics.KindUint64 {
		return 0
	}
	return sample[0].Value.Uint64()
}

// retarget sets GOGC for a live heap of live bytes, unless GOGC is set,
// and returns the percentage in force.
func retarget(live uint64) int {
	tuning.Lock()
	defer tuning.Unlock()
	if os.Getenv("GOGC") != "" {
		percent := debug.SetGCPercent(-1)
		debug.SetGCPercent(percent)
		return percent
	}
	percent := gcPercent(live)
	debug.SetGCPercent(percent)
	return percent
}

// gcPercent is the GOGC that collects once requests have allocated
// requestHeadroom over a live heap of live bytes.
func gcPercent(live uint64) int {
	return int(min(max(requestHeadroom*100/max(live, 1), 25), serveGCPercent))
}

// maxResultCacheMB bounds -result-cache: what the cache can address.
const maxResultCacheMB = httpapi.MaxResultCache >> 20

// maxGzipMemoMB bounds -gzip-memo: a few views' worth is what it is for.
const maxGzipMemoMB = 4096

// resultCacheBytes is -result-cache (or -gzip-memo) as httpapi.Options
// wants it: 0 there means the default, so none is negative.
func resultCacheBytes(mb int) int64 {
	if mb == 0 {
		return -1
	}
	return int64(mb) << 20
}

// serveGrowth is what the server keeps beside a catalog of places may
// take: the result cache and the compressed answers' memo (when
// answers are compressed).
func serveGrowth(cfg serveConfig, places int) int64 {
	g := cacheGrowth(cfg.ResultCacheMB, places)
	if cfg.Compress {
		g += int64(cfg.GzipMemoMB) << 20
	}
	return g
}

// cacheGrowth is the memory the result cache of -result-cache mb may
// take for a catalog of places: its chunks, up to the budget, or to what
// every place at its longest would fill, and its references (8 bytes a
// place, twice while an emptied generation is let go).
func cacheGrowth(mb, places int) int64 {
	budget := max(resultCacheBytes(mb), 0)
	if budget == 0 {
		return 0
	}
	const refs = 2 * 8
	return min(budget, int64(places)*httpapi.MaxRenderedPlace) + int64(places)*refs
}

// envDuration defines a duration flag whose default an environment
// variable may set.
func envDuration(fs *flag.FlagSet, p *time.Duration, name, env string, def time.Duration, usage string) error {
	if v := os.Getenv(env); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil {
			return fmt.Errorf("%s: %w", env, err)
		}
		def = d
	}
	fs.DurationVar(p, name, def, usage+" (env "+env+")")
	return nil
}

// parseProxies reads -trusted-proxies: addresses or CIDR prefixes.
func parseProxies(s string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, v := range ingest.SplitList(s) {
		if p, err := netip.ParsePrefix(v); err == nil {
			out = append(out, p.Masked())
			continue
		}
		a, err := netip.ParseAddr(v)
		if err != nil {
			return nil, fmt.Errorf("-trusted-proxies: %q is neither an address nor a CIDR prefix", v)
		}
		out = append(out, netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen()))
	}
	return out, nil
}

func envOr(key, def string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	return def
}

// backend is what serve and search run on: the gazetteer, the catalog
// (an index directory, or the embedded demo data), the engine over it and
// the query language. Close releases the catalog.
type backend struct {
	g     *gazetteer.Gazetteer
	cat   *index.Catalog
	eng   *index.Engine
	query *query.Language
}

func openBackend(ctx context.Context, dir string) (*backend, error) {
	g, err := embedded.Gazetteer()
	if err != nil {
		return nil, err
	}
	var cat *index.Catalog
	if dir == "" {
		cat, err = embedded.Catalog(ctx, g)
	} else {
		cat, err = index.Open(dir, g)
	}
	if err != nil {
		return nil, err
	}
	return &backend{g: g, cat: cat, eng: index.NewEngine(cat), query: query.New(g, cat)}, nil
}

func (b *backend) Close() error { return b.cat.Close() }

// serve runs the HTTP API until ctx is done, then shuts down gracefully.
// ready, when set, is told the address once listening (tests use ":0").
func serve(ctx context.Context, cfg serveConfig, log *slog.Logger, ready func(addr string)) error {
	start := time.Now()
	if os.Getenv("GOGC") == "" {
		// Opening the catalog allocates a heap that stays: collecting
		// rarely while it grows. tuneMemory sets the serving target.
		debug.SetGCPercent(serveGCPercent)
	}
	b, err := openBackend(ctx, cfg.Index)
	if err != nil {
		return err
	}
	if cfg.SpeedKMH > 0 {
		b.query.SpeedKMH = cfg.SpeedKMH
	}
	rl := &reloader{dir: cfg.Index, g: b.g, log: log, speedKMH: b.query.SpeedKMH, cur: b,
		retune: func(places int) { tuneMemory(cfg.MemoryLimit, true, serveGrowth(cfg, places)) }}
	defer rl.close()
	source := "embedded demo data"
	if cfg.Index != "" {
		source = cfg.Index
	}
	growth := serveGrowth(cfg, b.cat.Len())
	limit, gcp := tuneMemory(cfg.MemoryLimit, false, growth)
	v := b.cat.Version()
	log.Info("catalog ready", "source", source, "places", b.cat.Len(), "version", v.ID, "took", time.Since(start).Round(time.Millisecond),
		"memory_limit_mb", limit>>20, "gc_percent", gcp)
	for _, w := range v.Warnings {
		log.Warn("catalog", "warning", w)
	}

	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	proxies, err := parseProxies(cfg.TrustedProxies)
	if err != nil {
		return err
	}
	opts := httpapi.Options{
		CORSOrigins: ingest.SplitList(cfg.CORSOrigins), TileURL: cfg.TileURL, Attribution: cfg.Attribution,
		FrameAncestors: ingest.SplitList(cfg.FrameAncestors),
		SearchTimeout:  cfg.SearchTimeout, MaxInFlight: cfg.MaxInFlight, HeavyPerSecond: cfg.HeavyPerSecond,
		RatePerSecond: cfg.Rate, RateBurst: cfg.Burst, TrustedProxies: proxies,
		NoCompression: !cfg.Compress, ResultCacheBytes: resultCacheBytes(cfg.ResultCacheMB),
		GzipMemoBytes: resultCacheBytes(cfg.GzipMemoMB),
		BasePath:      cfg.BasePath, RequireKey: cfg.RequireKey,
	}
	if cfg.Index != "" {
		opts.Admin = rl
	}
	if err := configureKeys(ctx, &opts, cfg, rl, log); err != nil {
		return err
	}
	api := httpapi.NewServer(b.httpBackend(), log, opts)
	rl.api = api
	// Number the text index and sort the place names now rather than in
	// the first text queries (seconds for a million places): ready for a
	// load balancer once done.
	api.SetReady(false)
	go func() {
		start := time.Now()
		if err := b.cat.PrepareText(ctx); err != nil {
			if ctx.Err() == nil {
				log.Error("text index: not ready", "err", err)
			}
			return
		}
		// Set again once prepared: what the text needs (the name index,
		// the numbering, the orders) is live heap too, and a limit below
		// it would have the collector run without pause.
		api.SetReady(true)
		limit, gcp := tuneMemory(cfg.MemoryLimit, true, growth) // after: it collects once, in full
		log.Info("ready", "text_prepared_in", time.Since(start).Round(time.Millisecond), "memory_limit_mb", limit>>20, "gc_percent", gcp)
		followLiveHeap(ctx, 2*time.Second)
	}()
	api.SetReloadCounters(func() (ok, failed int64) { return rl.Reloads.Load(), rl.Failures.Load() })
	if cfg.Index != "" {
		go rl.watch(ctx, cfg.Watch)
	}
	// Requests run under a context of their own: cancelled when a drain
	// runs out, with a cause that makes them answer 503, not vanish.
	reqCtx, cut := context.WithCancelCause(context.WithoutCancel(ctx))
	defer cut(nil)
	var handler http.Handler = api
	if cfg.wrap != nil {
		handler = cfg.wrap(api)
	}
	var inflight sync.WaitGroup
	cl := httpapi.NewListener(ln, cfg.MaxConns, log)
	srv := &http.Server{
		Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			inflight.Add(1)
			defer inflight.Done()
			handler.ServeHTTP(w, r)
		}),
		BaseContext:       func(net.Listener) context.Context { return reqCtx },
		ConnState:         cl.ConnState,
		ConnContext:       cl.ConnContext,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       10 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       2 * time.Minute,
		// A polygon travels in the query string: room for the 64 KB the API
		// accepts, URL-encoded.
		MaxHeaderBytes: 256 << 10,
		ErrorLog:       slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	if cfg.Pprof != "" {
		if err := servePprof(ctx, cfg.Pprof, log); err != nil {
			return err
		}
	}
	log.Info("listening", "addr", "http://"+ln.Addr().String(), "rate", cfg.Rate, "search_timeout", cfg.SearchTimeout)
	if ready != nil {
		ready(ln.Addr().String())
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(cl) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	// Stop accepting, let the requests in flight finish within the drain,
	// then cancel the rest: they answer 503 and are logged.
	log.Info("shutting down", "drain", cfg.Drain)
	api.SetReady(false) // a load balancer polling /readyz takes us out
	drainCtx, cancel := context.WithTimeout(context.Background(), cfg.Drain)
	defer cancel()
	err = srv.Shutdown(drainCtx)
	if err != nil {
		log.Warn("drain over: cancelling the requests still running", "drain", cfg.Drain)
		cut(httpapi.ErrShuttingDown)
		done := make(chan struct{})
		go func() { inflight.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			log.Error("requests still running 5s after cancellation; closing their connections")
		}
		// Their answers are written: close what is left.
		finish, cancelFinish := context.WithTimeout(context.Background(), time.Second)
		defer cancelFinish()
		if srv.Shutdown(finish) != nil {
			srv.Close()
		}
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	log.Info("stopped")
	return nil
}
