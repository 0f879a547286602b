package httpapi_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"runtime"
	"runtime/debug"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/tierslieux/tierslieux/cmd/internal/httpapi"
	"github.com/tierslieux/tierslieux/cmd/internal/query"
	"github.com/tierslieux/tierslieux/index"
	"github.com/tierslieux/tierslieux/index/indextest"
	"github.com/tierslieux/tierslieux/ingest/synth"
)

// benchQueries is the load mix: one of each kind of query the API
// serves, in both small and large catalogs.
var benchQueries = []struct{ name, query string }{
	{"combined", "q=atelier&type=fablab&near=Toulouse&radius=50km"},
	{"structured", "type=coworking&service=wifi&near=Montpellier&radius=30km"},
	{"radius", "near=Toulouse&radius=20km&sort=distance"},
	{"bbox", "bbox=1.2,43.4,1.6,43.8"},
	{"nearest", "near=Albi&sort=distance&limit=10"},
}

// benchParallelism is how many client goroutines per core drive the
// server; each keeps one connection alive.
const benchParallelism = 4

// BenchmarkHTTP drives the real server over HTTP with keep-alive
// connections and reports requests per second: over the demo data and,
// with TIERSLIEUX_BENCH_100K=1, over 100,000 synthetic places.
func BenchmarkHTTP(b *testing.B) {
	b.Run("demo", func(b *testing.B) {
		benchServer(b, newTestServer(b))
	})
	if os.Getenv("TIERSLIEUX_BENCH_100K") == "1" {
		b.Run("synth100k", func(b *testing.B) {
			benchServer(b, httpapi.NewServer(MustSynthBackend(b, 100_000), nil, httpapi.Options{}))
		})
	}
	// A million places take minutes to build: only on request.
	if os.Getenv("TIERSLIEUX_BENCH_1M") == "1" {
		b.Run("synth1M", func(b *testing.B) {
			benchServer(b, httpapi.NewServer(MustSynthBackend(b, 1_000_000), nil, httpapi.Options{}))
		})
	}
}

func benchServer(b *testing.B, h http.Handler) {
	// As `tierslieux serve` runs (serve.go): collect less often.
	if os.Getenv("GOGC") == "" {
		defer debug.SetGCPercent(debug.SetGCPercent(400))
	}
	srv := httptest.NewServer(h)
	b.Cleanup(srv.Close)
	conns := benchParallelism * runtime.GOMAXPROCS(0)
	tr := &http.Transport{MaxIdleConns: conns, MaxIdleConnsPerHost: conns, MaxConnsPerHost: conns}
	b.Cleanup(tr.CloseIdleConnections)
	client := &http.Client{Transport: tr}

	// Every query must work before it is timed.
	for _, q := range benchQueries {
		if a := MustHTTP(b, client, http.MethodGet, srv.URL+"/v1/search?"+q.query); a.status != http.StatusOK {
			b.Fatalf("%s: status %d: %.300s", q.name, a.status, a.body)
		}
	}
	// Building the catalog leaves garbage behind: collect it now, or the
	// first timed run pays for it.
	runtime.GC()
	run := func(b *testing.B, urls []string) {
		var next atomic.Uint64
		b.SetParallelism(benchParallelism)
		b.ReportAllocs()
		b.ResetTimer()
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				u := urls[int(next.Add(1))%len(urls)]
				resp, err := client.Get(u)
				if err != nil {
					b.Error(err)
					return
				}
				_, err = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if err != nil || resp.StatusCode != http.StatusOK {
					b.Errorf("GET %s: status %d, %v", u, resp.StatusCode, err)
					return
				}
			}
		})
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "req/s")
	}
	var mix []string
	for _, q := range benchQueries {
		mix = append(mix, srv.URL+"/v1/search?"+q.query)
	}
	b.Run("mix", func(b *testing.B) { run(b, mix) })
	for i, q := range benchQueries {
		b.Run(q.name, func(b *testing.B) { run(b, mix[i:i+1]) })
	}
	// The population-weighted mix of tlload (testdata/mix.txt, written by
	// `tlload -write-mix`): dense cities included, as users spread.
	pop := populationMix(b, srv.URL)
	b.Run("population", func(b *testing.B) { run(b, pop[""]) })
	for _, kind := range []string{"text", "radius", "bbox", "nearest"} {
		b.Run("population-"+kind, func(b *testing.B) { run(b, pop[kind]) })
	}
}

// populationMix reads testdata/mix.txt into URLs on base: all of them
// under "", and by kind.
func populationMix(tb testing.TB, base string) map[string][]string {
	tb.Helper()
	data, err := os.ReadFile("testdata/mix.txt")
	if err != nil {
		tb.Fatal(err)
	}
	out := map[string][]string{}
	for _, line := range strings.Split(string(data), "\n") {
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		var kind string
		switch {
		case strings.Contains(line, "q="):
			kind = "text"
		case strings.Contains(line, "bbox="):
			kind = "bbox"
		case strings.Contains(line, "radius="):
			kind = "radius"
		default:
			kind = "nearest"
		}
		out[""] = append(out[""], base+line)
		out[kind] = append(out[kind], base+line)
	}
	if len(out[""]) < 1000 {
		tb.Fatalf("testdata/mix.txt holds %d queries", len(out[""]))
	}
	return out
}

// MustSynthBackend builds a backend over n synthetic places (seed 1),
// through the on-disk catalog builder as an ingest would.
func MustSynthBackend(tb testing.TB, n int) httpapi.Backend {
	tb.Helper()
	g := indextest.Gazetteer(tb)
	cat, err := indextest.Build(g, tb.TempDir(), synth.New(g, 1).Places(n))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { cat.Close() })
	return httpapi.Backend{Search: index.NewEngine(cat), Places: cat, Query: query.New(g, cat)}
}

// BenchmarkHandler serves the population-weighted mix through the
// server's handler with no network between: what a request costs the
// server apart from TCP (ns/op is CPU per request on one core). Over the
// demo data and, with TIERSLIEUX_BENCH_100K=1, 100,000 synthetic places.
func BenchmarkHandler(b *testing.B) {
	demo := newTestServer(b)
	b.Run("demo", func(b *testing.B) { benchHandler(b, demo, "") })
	b.Run("demo-gzip", func(b *testing.B) { benchHandler(b, demo, "gzip") })
	if os.Getenv("TIERSLIEUX_BENCH_100K") == "1" {
		s := httpapi.NewServer(MustSynthBackend(b, 100_000), nil, httpapi.Options{})
		b.Run("synth100k", func(b *testing.B) { benchHandler(b, s, "") })
		b.Run("synth100k-gzip", func(b *testing.B) { benchHandler(b, s, "gzip") })
	}
	// An index directory of `tierslieux synth -n 1000000` then `ingest`:
	// opened in seconds where building a million places takes minutes.
	if dir := os.Getenv("TIERSLIEUX_BENCH_1M_INDEX"); dir != "" {
		s := httpapi.NewServer(MustOpenBackend(b, dir), nil, httpapi.Options{})
		b.Run("index1M", func(b *testing.B) { benchHandler(b, s, "") })
		b.Run("index1M-gzip", func(b *testing.B) { benchHandler(b, s, "gzip") })
	}
}

// MustOpenBackend opens the index directory dir as `tierslieux serve`
// would, text index prepared.
func MustOpenBackend(tb testing.TB, dir string) httpapi.Backend {
	tb.Helper()
	g := indextest.Gazetteer(tb)
	cat, err := index.Open(dir, g)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { cat.Close() })
	if err := cat.PrepareText(context.Background()); err != nil {
		tb.Fatal(err)
	}
	return httpapi.Backend{Search: index.NewEngine(cat), Places: cat, Query: query.New(g, cat)}
}

// benchHandler serves the mix through h, as asked with the
// Accept-Encoding acceptEncoding ("" for none).
func benchHandler(b *testing.B, h http.Handler, acceptEncoding string) {
	if os.Getenv("GOGC") == "" {
		defer debug.SetGCPercent(debug.SetGCPercent(400))
	}
	pop := populationMix(b, "")
	reqs := make([]*http.Request, len(pop[""]))
	for i, u := range pop[""] {
		reqs[i] = httptest.NewRequest(http.MethodGet, u, nil)
		reqs[i].RemoteAddr = "192.0.2.1:1234"
		if acceptEncoding != "" {
			reqs[i].Header.Set("Accept-Encoding", acceptEncoding)
		}
	}
	w := &discardWriter{h: http.Header{}}
	for _, r := range reqs {
		w.reset()
		h.ServeHTTP(w, r)
		if w.status != http.StatusOK {
			b.Fatalf("%s: status %d", r.URL, w.status)
		}
	}
	runtime.GC()
	var bytes int
	i := 0
	b.ReportAllocs()
	for b.Loop() {
		w.reset()
		h.ServeHTTP(w, reqs[i%len(reqs)])
		bytes += w.n
		i++
	}
	b.ReportMetric(float64(bytes)/float64(i), "B/answer")
}

// discardWriter is a ResponseWriter that keeps only the status and the
// size of the body.
type discardWriter struct {
	h      http.Header
	status int
	n      int
}

func (w *discardWriter) reset() {
	clear(w.h)
	w.status, w.n = 0, 0
}

func (w *discardWriter) Header() http.Header { return w.h }

func (w *discardWriter) WriteHeader(status int) {
	if w.status == 0 {
		w.status = status
	}
}

func (w *discardWriter) Write(p []byte) (int, error) {
	w.WriteHeader(http.StatusOK)
	w.n += len(p)
	return len(p), nil
}
