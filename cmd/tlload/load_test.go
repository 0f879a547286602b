package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// testServer answers as each request's query says: status=N answers N,
// sleep=D waits D first, close=1 drops the connection unanswered.
// Hostile requests (a polygon, /v1/clusters, a q of zq… words) wait
// hostileSleep. It records what it saw.
type testServer struct {
	*httptest.Server
	hostileSleep  time.Duration
	hostileStatus atomic.Int32 // answer to hostile requests, when not 0

	mu       sync.Mutex
	seen     map[string]int // by path and query, close=1 ones excepted
	polygons []string
	xff      map[string]int
	gzip     int // requests accepting gzip
}

func newTestServer(tb testing.TB, hostileSleep time.Duration) *testServer {
	tb.Helper()
	ts := &testServer{hostileSleep: hostileSleep, seen: map[string]int{}, xff: map[string]int{}}
	ts.Server = httptest.NewServer(http.HandlerFunc(ts.handle))
	tb.Cleanup(ts.Close)
	return ts
}

func (ts *testServer) handle(w http.ResponseWriter, r *http.Request) {
	v := r.URL.Query()
	if v.Get("close") == "1" {
		conn, _, err := http.NewResponseController(w).Hijack()
		if err == nil {
			conn.Close()
		}
		return
	}
	hostile := v.Has("polygon") || r.URL.Path == "/v1/clusters" || strings.HasPrefix(v.Get("q"), "zq")
	ts.mu.Lock()
	ts.seen[r.URL.RequestURI()]++
	if v.Has("polygon") {
		ts.polygons = append(ts.polygons, v.Get("polygon"))
	}
	if x := r.Header.Get("X-Forwarded-For"); x != "" {
		ts.xff[x]++
	}
	ts.mu.Unlock()
	if d, err := time.ParseDuration(v.Get("sleep")); err == nil {
		time.Sleep(d)
	}
	if hostile {
		time.Sleep(ts.hostileSleep)
	}
	status := http.StatusOK
	if s, err := strconv.Atoi(v.Get("status")); err == nil {
		status = s
	}
	if s := ts.hostileStatus.Load(); hostile && s != 0 {
		status = int(s)
	}
	if r.Header.Get("Accept-Encoding") == "gzip" {
		ts.mu.Lock()
		ts.gzip++
		ts.mu.Unlock()
		w.Header().Set("Content-Encoding", "gzip")
		w.WriteHeader(status)
		w.Write(gzipped) // 34 bytes
		return
	}
	w.WriteHeader(status)
	w.Write([]byte(`{"results":[]}`)) // 14 bytes
}

// gzipped is {"results":[]} compressed.
var gzipped = func() []byte {
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	zw.Write([]byte(`{"results":[]}`))
	zw.Close()
	return b.Bytes()
}()

// MustLoad runs load with o against ts and a mix.
func MustLoad(tb testing.TB, ts *testServer, o options, mix []string) *report {
	tb.Helper()
	o.URL = ts.URL
	if o.Timeout == 0 {
		o.Timeout = 5 * time.Second
	}
	if err := o.check(); err != nil {
		tb.Fatal(err)
	}
	rep, err := load(context.Background(), o, mix)
	if err != nil {
		tb.Fatal(err)
	}
	return rep
}

func TestRunCounts(t *testing.T) {
	ts := newTestServer(t, 0)
	mix := []string{
		"/v1/search?near=43.6,1.44&sort=distance",            // nearest
		"/v1/search?near=43.6,1.44&radius=5km&sort=distance", // radius
		"/v1/search?q=atelier&near=43.6,1.44&radius=5km",     // text
		"/v1/search?bbox=1,43,2,44&near=43.5,1.5",            // bbox
		"/v1/search?near=43.6,1.44&sort=distance&n=5",
		"/v1/search?near=43.6,1.44&sort=distance&n=6",
		"/v1/search?dept=12&status=404",
		"/v1/search?dept=13&status=404",
		"/v1/search?dept=14&status=503",
		"/v1/search?dept=15&close=1",
	}
	rep := MustLoad(t, ts, options{Clients: 3, N: 100}, mix)
	tot := rep.Total
	if tot.Requests != 100 || rep.Normal.Requests != 100 || rep.Hostile != nil {
		t.Errorf("%d requests, %d normal, hostile %v; want 100, 100, none", tot.Requests, rep.Normal.Requests, rep.Hostile)
	}
	wantStatuses := map[string]int{"200": 60, "404": 20, "503": 10}
	for k, n := range wantStatuses {
		if tot.Statuses[k] != n {
			t.Errorf("status %s: %d, want %d (all: %v)", k, tot.Statuses[k], n, tot.Statuses)
		}
	}
	if len(tot.Statuses) != len(wantStatuses) {
		t.Errorf("statuses %v, want %v", tot.Statuses, wantStatuses)
	}
	if tot.TransportErrors["eof"] != 10 || len(tot.TransportErrors) != 1 {
		t.Errorf("transport errors %v, want eof: 10", tot.TransportErrors)
	}
	if tot.Failures != 20 {
		t.Errorf("%d failures, want 20 (10 × 503, 10 dropped connections)", tot.Failures)
	}
	if tot.Bytes != 90*14 {
		t.Errorf("%d bytes read, want %d", tot.Bytes, 90*14)
	}
	for k, want := range map[string]int{"nearest": 30, "radius": 10, "text": 10, "bbox": 10, "other": 40} {
		if got := rep.Kinds[k]; got == nil || got.Requests != want {
			t.Errorf("kind %s: %+v, want %d requests", k, got, want)
		}
	}
	// The server saw each answered request of the mix ten times.
	for _, q := range mix[:9] {
		if n := ts.seen[q]; n != 10 {
			t.Errorf("server saw %s %d times, want 10", q, n)
		}
	}
	if len(rep.FirstFailures) != maxFailures {
		t.Fatalf("%d first failures, want %d", len(rep.FirstFailures), maxFailures)
	}
	for i, f := range rep.FirstFailures {
		if i > 0 && f.AtMS < rep.FirstFailures[i-1].AtMS {
			t.Errorf("failures out of order: %+v", rep.FirstFailures)
		}
		if !strings.Contains(f.Request, "dept=14") && !strings.Contains(f.Request, "dept=15") {
			t.Errorf("failure of a request that succeeded: %+v", f)
		}
		if strings.Contains(f.Request, "dept=14") && f.Error != `HTTP 503: {"results":[]}` {
			t.Errorf("503 reported as %q", f.Error)
		}
	}
}

func TestRunLatency(t *testing.T) {
	ts := newTestServer(t, 0)
	const slow = 20 * time.Millisecond
	mix := []string{"/v1/search?near=43.6,1.44&radius=5km&sleep=20ms"}
	for range 9 {
		mix = append(mix, "/v1/search?near=43.6,1.44&sort=distance")
	}
	rep := MustLoad(t, ts, options{Clients: 2, N: 200}, mix)
	fast, slowStats := rep.Kinds["nearest"], rep.Kinds["radius"]
	if fast.Requests != 180 || slowStats.Requests != 20 {
		t.Fatalf("%d fast and %d slow requests, want 180 and 20", fast.Requests, slowStats.Requests)
	}
	if l := slowStats.LatencyMS; l.P50 < ms(slow) || l.Max < l.P50 {
		t.Errorf("slow requests: %+v, want p50 ≥ %v", l, slow)
	}
	if l := fast.LatencyMS; l.P50 >= ms(slow) {
		t.Errorf("fast requests: %+v, want p50 under %v", l, slow)
	}
	// One request in ten sleeps: p50 and p90 are fast ones, p99 and the
	// maximum slow ones.
	l := rep.Normal.LatencyMS
	if l.P50 >= ms(slow) || l.P99 < ms(slow) || l.Max < l.P99 || l.P999 < l.P99 || l.P99 < l.P90 {
		t.Errorf("all requests: %+v, want p50 < %v ≤ p99 ≤ p99.9 ≤ max", l, slow)
	}
	if mean := l.Mean; mean < ms(slow)/10 {
		t.Errorf("mean %.2fms, want at least a tenth of %v", mean, slow)
	}
}

func TestDistribution(t *testing.T) {
	var lat []time.Duration
	for i := 1000; i >= 1; i-- {
		lat = append(lat, time.Duration(i)*time.Millisecond)
	}
	got := distribution(lat)
	want := latency{P50: 500, P90: 900, P99: 990, P999: 999, Max: 1000, Mean: 500.5}
	if got != want {
		t.Errorf("distribution of 1..1000 ms = %+v, want %+v", got, want)
	}
	if got := distribution(nil); got != (latency{}) {
		t.Errorf("distribution of nothing = %+v", got)
	}
}

func TestRunRate(t *testing.T) {
	ts := newTestServer(t, 0)
	mix := []string{"/v1/search?near=43.6,1.44&sort=distance"}
	t.Run("n", func(t *testing.T) {
		// 40 requests at 100/s: the last is due 390 ms after the first.
		rep := MustLoad(t, ts, options{Clients: 4, N: 40, Rate: 100}, mix)
		if rep.Total.Requests != 40 {
			t.Errorf("%d requests, want 40", rep.Total.Requests)
		}
		if rep.ElapsedS < 0.38 || rep.ElapsedS > 2 {
			t.Errorf("took %.3fs, want 0.39s or a little more", rep.ElapsedS)
		}
	})
	t.Run("duration", func(t *testing.T) {
		rep := MustLoad(t, ts, options{Clients: 4, Duration: 500 * time.Millisecond, Rate: 200}, mix)
		if n := rep.Total.Requests; n < 90 || n > 101 {
			t.Errorf("%d requests in 500ms at 200/s, want about 100", n)
		}
	})
}

func TestRunHostile(t *testing.T) {
	const hostileSleep = 10 * time.Millisecond
	ts := newTestServer(t, hostileSleep)
	mix := []string{"/v1/search?near=43.6,1.44&sort=distance"}
	// Paced: a hostile turn every 5 ms, for 4 clients of 10 ms each.
	rep := MustLoad(t, ts, options{Clients: 2, N: 400, Rate: 2000, Hostile: 0.1, HostileClients: 4}, mix)
	if rep.HostileClients != 4 || rep.Hostile == nil {
		t.Fatalf("%d hostile clients, stats %v", rep.HostileClients, rep.Hostile)
	}
	if rep.Normal.Requests != 360 || int64(rep.Hostile.Requests)+rep.HostileDropped != 40 {
		t.Errorf("%d normal, %d hostile sent and %d dropped; want 360 and 40 in all",
			rep.Normal.Requests, rep.Hostile.Requests, rep.HostileDropped)
	}
	if rep.Hostile.Requests < 20 {
		t.Errorf("only %d hostile requests sent", rep.Hostile.Requests)
	}
	for _, k := range hostileKinds {
		if s := rep.Kinds[k.String()]; s == nil || s.Requests == 0 || s.Statuses["200"] != s.Requests {
			t.Errorf("hostile %s: %+v", k, s)
		}
	}
	if n, h := rep.Normal.LatencyMS.P50, rep.Hostile.LatencyMS.P50; n >= h || h < ms(hostileSleep) {
		t.Errorf("normal p50 %.2fms, hostile p50 %.2fms: want normal below hostile, hostile ≥ %v", n, h, hostileSleep)
	}
	if rep.Total.Requests != rep.Normal.Requests+rep.Hostile.Requests {
		t.Errorf("total %d ≠ normal %d + hostile %d", rep.Total.Requests, rep.Normal.Requests, rep.Hostile.Requests)
	}
	ts.mu.Lock()
	defer ts.mu.Unlock()
	if len(ts.polygons) == 0 {
		t.Fatal("the server saw no polygon")
	}
	var g struct{ Coordinates [][][2]float64 }
	if err := json.Unmarshal([]byte(ts.polygons[0]), &g); err != nil || len(g.Coordinates[0]) != hostileVertices+1 {
		t.Errorf("polygon received: %v, %d positions", err, len(g.Coordinates))
	}
	words := 0
	for q := range ts.seen {
		if strings.HasPrefix(q, "/v1/search?q=zq") {
			words++
		}
	}
	if words != rep.Kinds["words"].Requests {
		t.Errorf("the server saw %d distinct unknown words for %d requests", words, rep.Kinds["words"].Requests)
	}
}

// TestFirstFailuresNormalFirst checks normal requests' failures lead the
// list, before hostile ones the server shed earlier.
func TestFirstFailuresNormalFirst(t *testing.T) {
	ts := newTestServer(t, 0)
	ts.hostileStatus.Store(http.StatusServiceUnavailable)
	mix := []string{"/v1/search?near=43.6,1.44&sort=distance", "/v1/search?near=43.6,1.44&sort=distance", "/v1/search?dept=12&status=500"}
	rep := MustLoad(t, ts, options{Clients: 1, N: 12, Hostile: 0.5, HostileClients: 6}, mix)
	if rep.Normal.Failures != 2 || rep.Hostile.Failures == 0 {
		t.Fatalf("%d normal and %d hostile failures, want 2 and some", rep.Normal.Failures, rep.Hostile.Failures)
	}
	var kinds []string
	for _, f := range rep.FirstFailures {
		kinds = append(kinds, f.Kind)
	}
	if len(kinds) < 3 || kinds[0] != "other" || kinds[1] != "other" || kinds[2] == "other" {
		t.Errorf("first failures of kinds %v, want the 2 normal ones first", kinds)
	}
}

// TestRunHostileDropped checks a hostile client that cannot keep up
// never holds the normal clients back: its turns are dropped.
func TestRunHostileDropped(t *testing.T) {
	ts := newTestServer(t, 50*time.Millisecond)
	mix := []string{"/v1/search?near=43.6,1.44&sort=distance"}
	start := time.Now()
	rep := MustLoad(t, ts, options{Clients: 2, N: 2000, Hostile: 0.5, HostileClients: 1}, mix)
	if rep.Normal.Requests != 1000 || rep.HostileDropped == 0 || int64(rep.Hostile.Requests)+rep.HostileDropped != 1000 {
		t.Errorf("%d normal, %d hostile, %d dropped; want 1000 normal, 1000 hostile sent or dropped, some dropped",
			rep.Normal.Requests, rep.Hostile.Requests, rep.HostileDropped)
	}
	// Sending the queued hostile request and the one in flight takes
	// 0.1 s; much more would mean normal clients waited for hostile ones.
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("took %v", d)
	}
}

func TestRunForwardedFor(t *testing.T) {
	ts := newTestServer(t, 0)
	mix := []string{"/v1/search?near=43.6,1.44&sort=distance"}
	MustLoad(t, ts, options{Clients: 3, N: 300, Hostile: 0.1, HostileClients: 2, ForwardedFor: true}, mix)
	if len(ts.xff) != 5 {
		t.Errorf("X-Forwarded-For: %v, want 5 addresses, one per client", ts.xff)
	}
	for a := range ts.xff {
		if !strings.HasPrefix(a, "198.18.") {
			t.Errorf("address %s is not in 198.18.0.0/15", a)
		}
	}
	if got := forwardedFor(65535); got != "198.19.0.0" {
		t.Errorf("forwardedFor(65535) = %s", got)
	}
}

// TestRunGzip: with Gzip, every request accepts gzip and the bytes
// counted are the compressed ones, as sent.
func TestRunGzip(t *testing.T) {
	ts := newTestServer(t, 0)
	mix := []string{"/v1/search?near=43.6,1.44&sort=distance"}
	rep := MustLoad(t, ts, options{Clients: 2, N: 40, Gzip: true}, mix)
	if ts.gzip != 40 {
		t.Errorf("%d of 40 requests accepted gzip", ts.gzip)
	}
	if want := int64(40 * len(gzipped)); rep.Total.Bytes != want {
		t.Errorf("%d bytes counted, want %d (compressed)", rep.Total.Bytes, want)
	}
	ts2 := newTestServer(t, 0)
	MustLoad(t, ts2, options{Clients: 2, N: 10}, mix)
	if ts2.gzip != 0 {
		t.Errorf("without Gzip, %d requests accepted gzip", ts2.gzip)
	}
}

func TestRunWarmup(t *testing.T) {
	ts := newTestServer(t, 0)
	mix := []string{"/v1/search?near=43.6,1.44&sort=distance"}
	rep := MustLoad(t, ts, options{Clients: 2, N: 50, Warmup: 200 * time.Millisecond}, mix)
	seen := ts.seen[mix[0]]
	if rep.Total.Requests != 50 || seen <= 50 {
		t.Errorf("%d requests counted, %d seen by the server; want 50 counted, more seen", rep.Total.Requests, seen)
	}
}

// TestRunInterrupted checks an interrupt ends the run at once and counts
// no request it cut short.
func TestRunInterrupted(t *testing.T) {
	ts := newTestServer(t, 0)
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	start := time.Now()
	rep, err := load(ctx, options{URL: ts.URL, Clients: 2, Duration: time.Minute, Timeout: 5 * time.Second},
		[]string{"/v1/search?near=43.6,1.44&sleep=50ms"})
	if err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("took %v to stop", d)
	}
	if rep.Total.Requests == 0 || rep.Total.Failures != 0 {
		t.Errorf("%d requests, %d failures; want some, none failed", rep.Total.Requests, rep.Total.Failures)
	}
}

func TestRunTimeout(t *testing.T) {
	ts := newTestServer(t, 0)
	rep := MustLoad(t, ts, options{Clients: 1, N: 2, Timeout: 50 * time.Millisecond}, []string{"/v1/search?sleep=300ms"})
	if rep.Total.TransportErrors["timeout"] != 2 || rep.Total.Failures != 2 {
		t.Errorf("transport errors %v, %d failures; want 2 timeouts", rep.Total.TransportErrors, rep.Total.Failures)
	}
}

func TestRunRefused(t *testing.T) {
	ts := httptest.NewServer(http.NotFoundHandler())
	addr := ts.URL
	ts.Close()
	rep, err := load(context.Background(), options{URL: addr, Clients: 1, N: 3, Timeout: time.Second}, []string{"/v1/search"})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Total.TransportErrors["connection refused"] != 3 || rep.Total.Failures != 3 {
		t.Errorf("transport errors %v, want 3 refused", rep.Total.TransportErrors)
	}
}

// TestRunPID measures this test process as the server: httptest serves
// from it.
func TestRunPID(t *testing.T) {
	ts := newTestServer(t, 0)
	rep := MustLoad(t, ts, options{Clients: 2, N: 300, PID: os.Getpid()}, []string{"/v1/search?near=43.6,1.44"})
	s := rep.Server
	if s == nil {
		t.Fatal("no server report")
	}
	if s.PID != os.Getpid() || s.RSSMaxKB <= 0 || s.RSSSamples < 2 || s.ClockTicks <= 0 || s.CPUMS < 0 {
		t.Errorf("server report %+v", s)
	}
	if s.CPUMS > 0 && s.CPUMSPerRequest != s.CPUMS/300 {
		t.Errorf("%.3f ms CPU per request for %.1f ms over 300 requests", s.CPUMSPerRequest, s.CPUMS)
	}
	if _, err := load(context.Background(), options{URL: ts.URL, Clients: 1, N: 1, PID: 1 << 30, Timeout: time.Second}, []string{"/"}); err == nil {
		t.Error("no error for a process that does not exist")
	}
}

// TestRunPIDEnds checks a server process that ends mid-run, as in a
// rolling restart, leaves a report that says so.
func TestRunPIDEnds(t *testing.T) {
	ts := newTestServer(t, 0)
	cmd := exec.Command("sleep", "30")
	if err := cmd.Start(); err != nil {
		t.Skip(err)
	}
	time.AfterFunc(100*time.Millisecond, func() { cmd.Process.Kill(); cmd.Wait() })
	rep := MustLoad(t, ts, options{Clients: 1, Duration: 400 * time.Millisecond, PID: cmd.Process.Pid}, []string{"/v1/search?near=43.6,1.44"})
	if s := rep.Server; s == nil || !strings.Contains(s.Note, "ended") || s.CPUMS != 0 {
		t.Errorf("server report %+v", s)
	}
	if rep.Total.Requests == 0 {
		t.Error("no requests reported")
	}
}

// runCmd runs the command line as main would, and returns what it wrote
// and its exit status.
func runCmd(tb testing.TB, args ...string) (stdout, stderr string, status int) {
	tb.Helper()
	var out, errOut bytes.Buffer
	err := run(context.Background(), args, &out, &errOut)
	var exit exitError
	switch {
	case err == nil:
	case errors.As(err, &exit):
		status = int(exit)
	case errors.Is(err, flag.ErrHelp):
		status = 2
	default:
		errOut.WriteString(err.Error())
		status = 1
	}
	return out.String(), errOut.String(), status
}

// MustMixFile writes lines to a mix file in a temporary directory.
func MustMixFile(tb testing.TB, lines ...string) string {
	tb.Helper()
	name := filepath.Join(tb.TempDir(), "mix.txt")
	if err := os.WriteFile(name, []byte(strings.Join(lines, "\n")+"\n"), 0o644); err != nil {
		tb.Fatal(err)
	}
	return name
}

func TestCommandJSON(t *testing.T) {
	ts := newTestServer(t, 0)
	mix := MustMixFile(t, "near=43.6,1.44&sort=distance", "/v1/clusters?bbox=1,43,2,44&zoom=9&status=404")
	stdout, stderr, status := runCmd(t, "-url", ts.URL+"/", "-c", "2", "-n", "50", "-hostile", "0.2", "-mix", mix, "-json", "-pid", strconv.Itoa(os.Getpid()))
	if status != 0 {
		t.Fatalf("status %d: %s", status, stderr)
	}
	var rep report
	if err := json.Unmarshal([]byte(stdout), &rep); err != nil {
		t.Fatalf("%v\n%s", err, stdout)
	}
	if rep.Total.Requests+int(rep.HostileDropped) != 50 || rep.Normal.Requests != 40 || rep.Normal.Statuses["404"] != 20 {
		t.Errorf("report: total %+v, normal %+v", rep.Total, rep.Normal)
	}
	if rep.URL != ts.URL || !strings.Contains(rep.Mix, mix) || rep.Server == nil || rep.Server.RSSMaxKB == 0 {
		t.Errorf("report: url %q, mix %q, server %+v", rep.URL, rep.Mix, rep.Server)
	}
	// The names scripts read.
	var m map[string]any
	json.Unmarshal([]byte(stdout), &m)
	for _, path := range [][]string{
		{"total", "req_per_s"}, {"total", "bytes_per_s"}, {"normal", "latency_ms", "p99"}, {"hostile", "latency_ms", "p99_9"},
		{"total", "statuses", "200"}, {"server", "cpu_ms_per_request"}, {"server", "rss_max_kb"}, {"kinds", "nearest", "requests"},
	} {
		var v any = m
		for _, k := range path {
			v, _ = v.(map[string]any)[k]
		}
		if _, ok := v.(float64); !ok {
			t.Errorf("%s: %v, want a number", strings.Join(path, "."), v)
		}
	}
}

func TestCommandText(t *testing.T) {
	ts := newTestServer(t, 0)
	mix := MustMixFile(t, "near=43.6,1.44&sort=distance", "q=atelier&status=500")
	stdout, stderr, status := runCmd(t, "-url", ts.URL, "-c", "1", "-n", "10", "-mix", mix)
	if status != 0 {
		t.Fatalf("status %d: %s", status, stderr)
	}
	for _, want := range []string{"requests  10,", "failed    5 ", "statuses  200: 5, 500: 5", "\nnormal ", "\n  nearest ", "\n  text ", "first failures:", "HTTP 500"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("output lacks %q:\n%s", want, stdout)
		}
	}
}

func TestCommandFailOnError(t *testing.T) {
	ts := newTestServer(t, 0)
	ts.hostileStatus.Store(http.StatusServiceUnavailable)
	for _, tc := range []struct {
		name   string
		lines  []string
		extra  []string
		status int
	}{
		{"ok", []string{"near=43.6,1.44"}, nil, 0},
		{"4xx do not fail", []string{"near=43.6,1.44&status=429"}, nil, 0},
		{"5xx", []string{"near=43.6,1.44", "near=43.6,1.44&status=502"}, nil, 1},
		{"dropped connection", []string{"near=43.6,1.44", "near=43.6,1.44&close=1"}, nil, 1},
		{"hostile ones shed", []string{"near=43.6,1.44"}, []string{"-hostile", "0.5"}, 0},
		{"normal and hostile", []string{"near=43.6,1.44&status=500"}, []string{"-hostile", "0.5"}, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			args := append([]string{"-url", ts.URL, "-n", "6", "-mix", MustMixFile(t, tc.lines...), "-fail-on-error"}, tc.extra...)
			stdout, stderr, status := runCmd(t, args...)
			if status != tc.status {
				t.Errorf("status %d, want %d: %s\n%s", status, tc.status, stderr, stdout)
			}
			if tc.extra != nil && !strings.Contains(stdout, " hostile (transport errors and 5xx)") {
				t.Errorf("no hostile failures line:\n%s", stdout)
			}
		})
	}
}

func TestCommandWriteMix(t *testing.T) {
	name := filepath.Join(t.TempDir(), "mix.txt")
	if _, stderr, status := runCmd(t, "-write-mix", name, "-queries", "100", "-seed", "7"); status != 0 {
		t.Fatalf("status %d: %s", status, stderr)
	}
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	got, err := readMix(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	want := MustMix(t, 100, 7)
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Error("the mix written is not the mix generated")
	}
	if !strings.HasPrefix(string(b), "# 100 queries generated with seed 7") {
		t.Errorf("file starts %q", string(b[:60]))
	}
}

func TestCommandUsage(t *testing.T) {
	for _, args := range [][]string{
		{"-c", "0"},
		{"-hostile", "1"},
		{"-hostile", "-0.1"},
		{"-url", "127.0.0.1:8080"},
		{"-d", "0"},
		{"-rate", "-5"},
		{"extra"},
	} {
		if _, _, status := runCmd(t, args...); status != 2 {
			t.Errorf("tlload %s: status %d, want 2", strings.Join(args, " "), status)
		}
	}
	if _, stderr, status := runCmd(t, "-mix", "/nonexistent/mix.txt"); status != 1 {
		t.Errorf("missing mix file: status %d: %s", status, stderr)
	}
}
