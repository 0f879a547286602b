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
	"os"
	"runtime/debug"
	"strconv"
	"time"

	"github.com/tierslieux/tierslieux/cmd/internal/embedded"
	"github.com/tierslieux/tierslieux/cmd/internal/httpapi"
	"github.com/tierslieux/tierslieux/cmd/internal/query"
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
	// CORSOrigins lists the partner origins allowed to call the API from a
	// browser (TIERSLIEUX_CORS_ORIGINS); empty allows all, for GET only.
	CORSOrigins string
	// TileURL and Attribution set the page's base map (TIERSLIEUX_TILES,
	// TIERSLIEUX_ATTRIBUTION); OpenStreetMap's by default.
	TileURL, Attribution string
	// SpeedKMH reads "within 20 minutes" as a radius (TIERSLIEUX_KMH):
	// a straight-line speed, said in every such answer.
	SpeedKMH float64
}

func runServe(ctx context.Context, args []string, stderr io.Writer) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var cfg serveConfig
	fs.StringVar(&cfg.Addr, "addr", envOr("TIERSLIEUX_ADDR", ":8080"), "address to listen on (env TIERSLIEUX_ADDR)")
	fs.StringVar(&cfg.Index, "index", os.Getenv("TIERSLIEUX_INDEX"), "index directory built by `tierslieux ingest` (env TIERSLIEUX_INDEX; default: the embedded demo data)")
	fs.BoolVar(&cfg.Debug, "debug", false, "log every request")
	fs.StringVar(&cfg.CORSOrigins, "cors-origins", os.Getenv("TIERSLIEUX_CORS_ORIGINS"), "comma-separated origins allowed to call the API from a browser, e.g. https://www.example.org (env TIERSLIEUX_CORS_ORIGINS; default: any origin, read-only)")
	fs.StringVar(&cfg.TileURL, "tiles", envOr("TIERSLIEUX_TILES", httpapi.DefaultTileURL), "base-map tile URL template for the page (env TIERSLIEUX_TILES)")
	fs.StringVar(&cfg.Attribution, "attribution", envOr("TIERSLIEUX_ATTRIBUTION", httpapi.DefaultAttribution), "base-map attribution shown on the page (env TIERSLIEUX_ATTRIBUTION)")
	kmh, err := strconv.ParseFloat(envOr("TIERSLIEUX_KMH", strconv.Itoa(query.DefaultSpeedKMH)), 64)
	if err != nil {
		return fmt.Errorf("TIERSLIEUX_KMH: %w", err)
	}
	fs.Float64Var(&cfg.SpeedKMH, "kmh", kmh, "straight-line speed that reads \"within 20 minutes\" as a radius, in km/h (env TIERSLIEUX_KMH)")
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
	level := slog.LevelInfo
	if cfg.Debug {
		level = slog.LevelDebug
	}
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level}))
	return serve(ctx, cfg, log, nil)
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
	return &backend{cat: cat, eng: index.NewEngine(cat), query: query.New(g, cat)}, nil
}

func (b *backend) Close() error { return b.cat.Close() }

// serve runs the HTTP API until ctx is done, then shuts down gracefully.
// ready, when set, is told the address once listening (tests use ":0").
func serve(ctx context.Context, cfg serveConfig, log *slog.Logger, ready func(addr string)) error {
	start := time.Now()
	if os.Getenv("GOGC") == "" {
		// The catalog is a large, long-lived heap and requests allocate
		// little each: collecting less often nearly doubles throughput on
		// two cores (BenchmarkHTTP), for a heap up to five times the live one.
		debug.SetGCPercent(serveGCPercent)
	}
	b, err := openBackend(ctx, cfg.Index)
	if err != nil {
		return err
	}
	defer b.Close()
	if cfg.SpeedKMH > 0 {
		b.query.SpeedKMH = cfg.SpeedKMH
	}
	source := "embedded demo data"
	if cfg.Index != "" {
		source = cfg.Index
	}
	log.Info("catalog ready", "source", source, "places", b.cat.Len(), "took", time.Since(start).Round(time.Millisecond))

	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	srv := &http.Server{
		Handler: httpapi.NewServer(httpapi.Backend{Search: b.eng, Places: b.cat, Query: b.query}, log,
			httpapi.Options{CORSOrigins: ingest.SplitList(cfg.CORSOrigins), TileURL: cfg.TileURL, Attribution: cfg.Attribution}),
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       10 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       2 * time.Minute,
		// A polygon travels in the query string: room for the 64 KB the API
		// accepts, URL-encoded.
		MaxHeaderBytes: 256 << 10,
		ErrorLog:       slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	log.Info("listening", "addr", "http://"+ln.Addr().String())
	if ready != nil {
		ready(ln.Addr().String())
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down")
	shutCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutCtx); err != nil {
		// Requests still running: cut them, and wait for Serve to return
		// before the deferred Close releases the catalog under them.
		srv.Close()
		<-errc
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
