package httpapi_test

import (
	"context"
	"fmt"
	"maps"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/tierslieux/tierslieux/cmd/internal/httpapi"
	"github.com/tierslieux/tierslieux/cmd/internal/query"
	"github.com/tierslieux/tierslieux/index"
	"github.com/tierslieux/tierslieux/index/indextest"
)

// scraper is the address Prometheus scrapes from in these tests: apart
// from the clients, so that a rate limit on them does not touch it.
const scraper = "203.0.113.9:9090"

// MustScrape reads /metrics as Prometheus would and returns every sample
// by name and labels, as `name{k="v",…}`; a histogram gives its _count
// and _sum.
func MustScrape(tb testing.TB, h http.Handler) map[string]float64 {
	tb.Helper()
	req := httptest.NewRequest(http.MethodGet, "/metrics", nil)
	req.RemoteAddr = scraper
	rec := MustServeRequest(h, req)
	if rec.Code != http.StatusOK {
		tb.Fatalf("/metrics: %d %.300s", rec.Code, rec.Body.Bytes())
	}
	if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, "text/plain") {
		tb.Fatalf("/metrics Content-Type %q, want Prometheus's text format", ct)
	}
	p := expfmt.NewTextParser(model.UTF8Validation)
	families, err := p.TextToMetricFamilies(rec.Body)
	if err != nil {
		tb.Fatalf("/metrics does not parse: %v", err)
	}
	out := map[string]float64{}
	for name, f := range families {
		for _, m := range f.GetMetric() {
			var labels []string
			for _, l := range m.GetLabel() {
				labels = append(labels, fmt.Sprintf("%s=%q", l.GetName(), l.GetValue()))
			}
			key := "{" + strings.Join(labels, ",") + "}"
			switch {
			case m.Counter != nil:
				out[name+key] = m.Counter.GetValue()
			case m.Gauge != nil:
				out[name+key] = m.Gauge.GetValue()
			case m.Histogram != nil:
				out[name+"_count"+key] = float64(m.Histogram.GetSampleCount())
				out[name+"_sum"+key] = m.Histogram.GetSampleSum()
			case m.Untyped != nil:
				out[name+key] = m.Untyped.GetValue()
			}
		}
	}
	return out
}

// TestMetrics scrapes /metrics, sends requests, scrapes again and checks
// that each counter moved by what the requests did.
func TestMetrics(t *testing.T) {
	real := MustBackend(t)
	fail := map[string]error{
		"timeout":    context.DeadlineExceeded,
		"overloaded": index.Errorf("overloaded", "", "the server is busy; try again shortly"),
	}
	fake := &fakeService{real: real, search: func(ctx context.Context, q index.Query) (*index.Result, error) {
		if err, ok := fail[q.Text]; ok {
			return nil, err
		}
		return real.Search.Search(ctx, q)
	}}
	s := httpapi.NewServer(fake.backend(), nil, httpapi.Options{RatePerSecond: 1, RateBurst: 20})
	var reloads, failures int64 = 3, 1
	s.SetReloadCounters(func() (ok, failed int64) { return reloads, failures })

	before := MustScrape(t, s)
	requests := []struct {
		target string
		status int
	}{
		{"/v1/search?q=filature", 200},
		{"/v1/search?q=station", 200},
		{"/v1/search?type=coworking&near=Millau", 200},
		{"/v1/search?near=Rodex", 400},
		{"/v1/search?q=timeout", 503},
		{"/v1/search?q=overloaded", 503},
		{"/v1/clusters?zoom=5&bbox=0,42,5,45", 200},
		{"/v1/places/tlo-008", 200},
		{"/v1/places/nope", 404},
		{"/healthz", 200},
		{"/nowhere", 404},
	}
	for _, r := range requests {
		if rec := MustServe(t, s, http.MethodGet, r.target); rec.Code != r.status {
			t.Fatalf("GET %s: %d, want %d: %.200s", r.target, rec.Code, r.status, rec.Body.Bytes())
		}
	}
	// The burst spent, the same client is turned away.
	limited := 0
	for range 30 {
		if MustServe(t, s, http.MethodGet, "/readyz").Code == http.StatusTooManyRequests {
			limited++
		}
	}
	if limited == 0 {
		t.Fatal("no request was rate-limited")
	}
	s.CountTask("upsert", "done")
	s.CountTask("upsert", "done")
	s.CountTask("rebuild", "failed")
	reloads, failures = 5, 2
	after := MustScrape(t, s)

	moved := func(key string) float64 { return after[key] - before[key] }
	version := real.Places.Version().ID
	tests := []struct {
		key  string
		want float64
	}{
		{`tierslieux_http_requests_total{route="/v1/search",status="200"}`, 3},
		{`tierslieux_http_requests_total{route="/v1/search",status="400"}`, 1},
		{`tierslieux_http_requests_total{route="/v1/search",status="503"}`, 2},
		{`tierslieux_http_requests_total{route="/v1/clusters",status="200"}`, 1},
		{`tierslieux_http_requests_total{route="/v1/places/{id}",status="200"}`, 1},
		{`tierslieux_http_requests_total{route="/v1/places/{id}",status="404"}`, 1},
		{`tierslieux_http_requests_total{route="unmatched",status="404"}`, 1},
		{`tierslieux_http_requests_total{route="unmatched",status="429"}`, float64(limited)},
		{`tierslieux_http_request_duration_seconds_count{route="/v1/search",status="200"}`, 3},
		{`tierslieux_http_requests_total{route="/metrics",status="200"}`, 1}, // the first scrape
		{`tierslieux_http_refused_total{reason="rate_limited"}`, float64(limited)},
		{`tierslieux_http_refused_total{reason="timeout"}`, 1},
		{`tierslieux_http_refused_total{reason="overloaded"}`, 1},
		{`tierslieux_http_refused_total{reason="shutting_down"}`, 0},
		// Three searches ran to the end, two of them text: the engine
		// chose a plan for those; the third had no text.
		{`tierslieux_search_results_count{}`, 3},
		{`tierslieux_search_duration_seconds_count{plan="no_text"}`, 1},
		{`tierslieux_search_duration_seconds_count{plan="clusters"}`, 1},
		{`tierslieux_admin_tasks_total{kind="upsert",outcome="done"}`, 2},
		{`tierslieux_admin_tasks_total{kind="rebuild",outcome="failed"}`, 1},
		{`tierslieux_reloads_total{}`, 2},
		{`tierslieux_reload_failures_total{}`, 1},
	}
	for _, tc := range tests {
		t.Run(tc.key, func(t *testing.T) {
			if _, ok := after[tc.key]; !ok {
				t.Fatalf("no sample %s; have %v", tc.key, names(after, strings.SplitN(tc.key, "{", 2)[0]))
			}
			if got := moved(tc.key); got != tc.want {
				t.Errorf("moved by %g, want %g", got, tc.want)
			}
		})
	}
	text := after[`tierslieux_search_duration_seconds_count{plan="geo_first"}`] + after[`tierslieux_search_duration_seconds_count{plan="text_first"}`]
	if text != 2 {
		t.Errorf("%g text searches timed by plan, want 2: %v", text, names(after, "tierslieux_search_duration_seconds_count"))
	}
	// The searches found places: the sum of the totals says so.
	if moved(`tierslieux_search_results_sum{}`) <= 0 {
		t.Errorf("results per query: sum %g", after[`tierslieux_search_results_sum{}`])
	}
	if got := after[`tierslieux_catalog_places{version="`+version+`"}`]; got != demoPlaces {
		t.Errorf("catalog places %g for version %s, want %d; have %v", got, version, demoPlaces, names(after, "tierslieux_catalog"))
	}
	// The Go runtime and the process are there too.
	for _, name := range []string{"go_goroutines{}", "go_memstats_heap_alloc_bytes{}", "process_cpu_seconds_total{}", "process_resident_memory_bytes{}"} {
		if _, ok := after[name]; !ok {
			t.Errorf("no %s", name)
		}
	}
}

// TestMetricsCatalogFollowsReload: the catalog gauge is read from the
// backend in service at each scrape, so a reload shows at once.
func TestMetricsCatalogFollowsReload(t *testing.T) {
	b := MustBackend(t)
	s := httpapi.NewServer(b, nil, httpapi.Options{})
	old := b.Places.Version().ID
	if got := MustScrape(t, s)[`tierslieux_catalog_places{version="`+old+`"}`]; got != demoPlaces {
		t.Fatalf("before the reload: %g places for %s", got, old)
	}
	cat := MustCatalog(t)
	smaller, err := index.NewMem(cat.Places()[:100], indextest.Gazetteer(t))
	if err != nil {
		t.Fatal(err)
	}
	<-s.SetBackend(httpapi.Backend{Search: index.NewEngine(smaller), Places: smaller, Query: query.New(indextest.Gazetteer(t), smaller)})
	after := MustScrape(t, s)
	v := smaller.Version().ID
	if v == old {
		t.Fatalf("the new catalog has the old version %s", v)
	}
	if got := after[`tierslieux_catalog_places{version="`+v+`"}`]; got != 100 {
		t.Errorf("after the reload: %g places for %s, want 100; have %v", got, v, names(after, "tierslieux_catalog_places"))
	}
	if _, ok := after[`tierslieux_catalog_places{version="`+old+`"}`]; ok {
		t.Errorf("the old version is still reported")
	}
}

// names lists the samples whose key starts with prefix, for a failure
// message.
func names(samples map[string]float64, prefix string) []string {
	var out []string
	for _, k := range slices.Sorted(maps.Keys(samples)) {
		if strings.HasPrefix(k, prefix) {
			out = append(out, k)
		}
	}
	return out
}

// TestMetricsResultCache: the places kept as answered are counted, the
// same search three times finding its places the third time (kept the
// second); a reload starts from an empty cache; a negative budget (what
// serve -result-cache 0 sets) keeps none.
func TestMetricsResultCache(t *testing.T) {
	const target = "/v1/search?near=Toulouse&sort=distance&limit=10"
	s := newTestServer(t)
	get(s, target)
	first := MustScrape(t, s)
	get(s, target)
	get(s, target)
	third := MustScrape(t, s)
	hit, miss := `tierslieux_result_cache_lookups_total{outcome="hit"}`, `tierslieux_result_cache_lookups_total{outcome="miss"}`
	if first[hit] != 0 || first[miss] != 10 || first["tierslieux_result_cache_bytes{}"] != 0 || third[hit] != 10 || third[miss] != 20 {
		t.Errorf("lookups after one search: %g hits, %g misses; after three: %g, %g; want 0, 10; 10, 20", first[hit], first[miss], third[hit], third[miss])
	}
	if b := third["tierslieux_result_cache_bytes{}"]; b != 1<<20 {
		t.Errorf("%g bytes kept for 10 places, want the one chunk they fill", b)
	}
	b := MustBackend(t)
	<-s.SetBackend(b)
	if after := MustScrape(t, s); after[hit] != 0 || after[miss] != 0 || after["tierslieux_result_cache_bytes{}"] != 0 {
		t.Errorf("after a reload: %g hits, %g misses, %g bytes; want an empty cache", after[hit], after[miss], after["tierslieux_result_cache_bytes{}"])
	}

	off := httpapi.NewServer(b, nil, httpapi.Options{ResultCacheBytes: -1})
	get(off, target)
	get(off, target)
	if m := MustScrape(t, off); m[hit] != 0 || m[miss] != 0 || m["tierslieux_result_cache_bytes{}"] != 0 {
		t.Errorf("with no cache: %g hits, %g misses, %g bytes", m[hit], m[miss], m["tierslieux_result_cache_bytes{}"])
	}
}
