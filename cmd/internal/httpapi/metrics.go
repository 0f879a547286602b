package httpapi

import (
	"context"
	"log/slog"
	"maps"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/tierslieux/tierslieux/index"
)

// metrics are what a server says about itself at /metrics, in
// Prometheus's format. Each server has its own registry, so that two
// servers in one process (tests) count apart.
type metrics struct {
	reg *prometheus.Registry

	requests *prometheus.CounterVec   // route, status
	duration *prometheus.HistogramVec // route, status
	refused  *prometheus.CounterVec   // reason: an error code
	searches *prometheus.HistogramVec // plan
	results  prometheus.Histogram
	tasks    *prometheus.CounterVec // kind, outcome

	// reloads reads serve's reload counters; nil until SetReloadCounters.
	reloads atomic.Pointer[func() (ok, failed int64)]

	// known holds the requests' series found so far, replaced whole under
	// mu as one is added: read without a lock on every request.
	known atomic.Pointer[map[seriesKey]series]
	mu    sync.Mutex
}

// seriesKey names a series of the requests' counter and histogram.
type seriesKey struct {
	route  string
	status int
}

// series are the metrics of one route and status.
type series struct {
	requests prometheus.Counter
	duration prometheus.Observer
}

// seriesOf returns the series of route and status, looked up by their
// labels the first time only: a look-up hashes the labels and takes the
// vector's lock. Their number is bounded as the labels are: mux's route
// templates and the statuses the server answers with.
func (m *metrics) seriesOf(route string, status int) series {
	k := seriesKey{route, status}
	if known := m.known.Load(); known != nil {
		if s, ok := (*known)[k]; ok {
			return s
		}
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	var next map[seriesKey]series
	if known := m.known.Load(); known != nil {
		if s, ok := (*known)[k]; ok {
			return s
		}
		next = maps.Clone(*known)
	} else {
		next = map[seriesKey]series{}
	}
	st := strconv.Itoa(status)
	s := series{m.requests.WithLabelValues(route, st), m.duration.WithLabelValues(route, st)}
	next[k] = s
	m.known.Store(&next)
	return s
}

// refusalCodes are the error codes that say a request was turned away
// for want of capacity rather than for what it asked: counted by
// tierslieux_http_refused_total.
var refusalCodes = []string{codeRateLimited, codeOverloaded, codeTimeout, codeShuttingDown}

func newMetrics(s *Server) *metrics {
	m := &metrics{
		reg: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "tierslieux_http_requests_total",
			Help: "HTTP requests answered, by route template (mux's; \"unmatched\" for none) and status.",
		}, []string{"route", "status"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "tierslieux_http_request_duration_seconds",
			Help:    "Time from a request's arrival to the end of its answer, by route template and status.",
			Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5},
		}, []string{"route", "status"}),
		refused: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "tierslieux_http_refused_total",
			Help: "Requests turned away for want of capacity, by reason: rate_limited (429), overloaded, timeout and shutting_down (503).",
		}, []string{"reason"}),
		searches: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "tierslieux_search_duration_seconds",
			Help:    "Time the engine took on a search, by plan: geo_first, text_first, no_text (no text to combine), clusters.",
			Buckets: []float64{.0001, .00025, .0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2},
		}, []string{"plan"}),
		results: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "tierslieux_search_results",
			Help:    "Places matching a search (its total, not the page shown).",
			Buckets: []float64{0, 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 5000, 20000},
		}),
		tasks: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "tierslieux_admin_tasks_total",
			Help: "Ingest and admin tasks finished, by kind and outcome.",
		}, []string{"kind", "outcome"}),
	}
	for _, code := range refusalCodes {
		m.refused.WithLabelValues(code) // present at 0 from the start
	}
	m.reg.MustRegister(m.requests, m.duration, m.refused, m.searches, m.results, m.tasks,
		catalogCollector{s},
		prometheus.NewCounterFunc(prometheus.CounterOpts{
			Name: "tierslieux_reloads_total",
			Help: "Reloads that put a new build in service.",
		}, func() float64 { ok, _ := m.reloadCounts(); return float64(ok) }),
		prometheus.NewCounterFunc(prometheus.CounterOpts{
			Name: "tierslieux_reload_failures_total",
			Help: "Builds a reload could not put in service (did not open, or damaged); the one in service stayed.",
		}, func() float64 { _, failed := m.reloadCounts(); return float64(failed) }),
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		collectors.NewBuildInfoCollector(),
	)
	return m
}

func (m *metrics) reloadCounts() (ok, failed int64) {
	if f := m.reloads.Load(); f != nil {
		return (*f)()
	}
	return 0, 0
}

// handler serves the registry. It leaves compression to the server's
// own (compress), and logs a failed collection.
func (m *metrics) handler(log *slog.Logger) http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{
		DisableCompression: true,
		ErrorLog:           promLogger{log},
		ErrorHandling:      promhttp.ContinueOnError,
	})
}

type promLogger struct{ log *slog.Logger }

func (l promLogger) Println(v ...any) { l.log.Error("metrics", "err", v) }

// observe counts an answered request; code is the error code it was
// answered with, if any.
func (m *metrics) observe(route string, status int, code string, took time.Duration) {
	if route == "" {
		route = "unmatched"
	}
	s := m.seriesOf(route, status)
	s.requests.Inc()
	s.duration.Observe(took.Seconds())
	switch code {
	case codeRateLimited, codeOverloaded, codeTimeout, codeShuttingDown:
		m.refused.WithLabelValues(code).Inc()
	}
}

// SetReloadCounters gives the server the counts of reloads that swapped
// a build in and of those that failed, read at each scrape of /metrics
// as tierslieux_reloads_total and tierslieux_reload_failures_total.
func (s *Server) SetReloadCounters(counts func() (ok, failed int64)) {
	s.metrics.reloads.Store(&counts)
}

// CountTask counts an ingest or admin task that finished, for
// tierslieux_admin_tasks_total: kind is what it did (rebuild, upsert,
// delete, snapshot…), outcome how it ended (done, failed…). Both are
// labels: keep them to a few fixed words.
func (s *Server) CountTask(kind, outcome string) {
	s.metrics.tasks.WithLabelValues(kind, outcome).Inc()
}

// catalogCollector reports the catalog in service at scrape time, so
// that it follows reloads: its size, labelled with its version, and when
// it was built.
type catalogCollector struct{ s *Server }

var (
	catalogPlacesDesc = prometheus.NewDesc("tierslieux_catalog_places",
		"Places in the catalog in service; the version label is its build id (index.Version.ID).", []string{"version"}, nil)
	catalogBuiltDesc = prometheus.NewDesc("tierslieux_catalog_built_timestamp_seconds",
		"When the build in service was committed, in Unix seconds; 0 for data built in memory.", []string{"version"}, nil)
)

// The result cache's figures belong to the build in service: they start
// again from zero at each reload, as its cache does.
var (
	resultCacheDesc = prometheus.NewDesc("tierslieux_result_cache_lookups_total",
		"Results looked up among the places kept as answered, by outcome: hit (copied) or miss (written and kept).", []string{"outcome"}, nil)
	resultCacheResetsDesc = prometheus.NewDesc("tierslieux_result_cache_resets_total",
		"Times the cache of places as answered was emptied, its budget spent (serve -result-cache).", nil, nil)
	resultCacheBytesDesc = prometheus.NewDesc("tierslieux_result_cache_bytes",
		"Memory the places kept as answered take, about.", nil, nil)
)

// The compressed answers' memo belongs to the server: it is kept across
// reloads, its parts named by their content.
var (
	gzipMemoDesc = prometheus.NewDesc("tierslieux_gzip_memo_lookups_total",
		"Parts of compressed answers looked up among the ones kept, by outcome: hit (copied) or miss (compressed).", []string{"outcome"}, nil)
	gzipMemoResetsDesc = prometheus.NewDesc("tierslieux_gzip_memo_resets_total",
		"Times the memo of compressed answers was emptied, its budget spent (serve -gzip-memo).", nil, nil)
	gzipMemoBytesDesc = prometheus.NewDesc("tierslieux_gzip_memo_bytes",
		"Memory the compressed parts kept take, about.", nil, nil)
)

func (c catalogCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- gzipMemoDesc
	ch <- gzipMemoResetsDesc
	ch <- gzipMemoBytesDesc
	ch <- catalogPlacesDesc
	ch <- catalogBuiltDesc
	ch <- resultCacheDesc
	ch <- resultCacheResetsDesc
	ch <- resultCacheBytesDesc
}

func (c catalogCollector) Collect(ch chan<- prometheus.Metric) {
	// Held like a request, so that a reload cannot close it meanwhile.
	l := c.s.acquire()
	defer l.release()
	v := l.Places.Version()
	var built float64
	if !v.BuiltAt.IsZero() {
		built = float64(v.BuiltAt.UnixNano()) / 1e9
	}
	ch <- prometheus.MustNewConstMetric(catalogPlacesDesc, prometheus.GaugeValue, float64(l.Places.Len()), v.ID)
	ch <- prometheus.MustNewConstMetric(catalogBuiltDesc, prometheus.GaugeValue, built, v.ID)
	hits, misses, resets, used := l.results.stats()
	ch <- prometheus.MustNewConstMetric(resultCacheDesc, prometheus.CounterValue, float64(hits), "hit")
	ch <- prometheus.MustNewConstMetric(resultCacheDesc, prometheus.CounterValue, float64(misses), "miss")
	ch <- prometheus.MustNewConstMetric(resultCacheResetsDesc, prometheus.CounterValue, float64(resets))
	ch <- prometheus.MustNewConstMetric(resultCacheBytesDesc, prometheus.GaugeValue, float64(used))
	hits, misses, resets, used = c.s.gzip.stats()
	ch <- prometheus.MustNewConstMetric(gzipMemoDesc, prometheus.CounterValue, float64(hits), "hit")
	ch <- prometheus.MustNewConstMetric(gzipMemoDesc, prometheus.CounterValue, float64(misses), "miss")
	ch <- prometheus.MustNewConstMetric(gzipMemoResetsDesc, prometheus.CounterValue, float64(resets))
	ch <- prometheus.MustNewConstMetric(gzipMemoBytesDesc, prometheus.GaugeValue, float64(used))
}

// meteredSearcher times the searches of a request, by the plan the
// engine chose, and counts their results.
type meteredSearcher struct {
	Searcher
	m *metrics
}

func (ms meteredSearcher) Search(ctx context.Context, q index.Query) (*index.Result, error) {
	start := time.Now()
	res, err := ms.Searcher.Search(ctx, q)
	if err == nil {
		ms.m.searches.WithLabelValues(planName(res)).Observe(time.Since(start).Seconds())
		ms.m.results.Observe(float64(res.Total))
	}
	return res, err
}

func (ms meteredSearcher) Clusters(ctx context.Context, q index.Query, zoom int) (*index.ClusterResult, error) {
	start := time.Now()
	res, err := ms.Searcher.Clusters(ctx, q, zoom)
	if err == nil {
		ms.m.searches.WithLabelValues("clusters").Observe(time.Since(start).Seconds())
	}
	return res, err
}

func planName(res *index.Result) string {
	switch res.Plan {
	case index.PlanGeoFirst:
		return "geo_first"
	case index.PlanTextFirst:
		return "text_first"
	}
	if !res.HasText {
		return "no_text"
	}
	return "auto"
}
