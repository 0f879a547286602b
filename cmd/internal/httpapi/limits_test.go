package httpapi_test

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tierslieux/tierslieux/cmd/internal/httpapi"
	"github.com/tierslieux/tierslieux/index"
)

// TestStrictQuery: a parameter that does not decode is a 400 naming it,
// never silently dropped.
func TestStrictQuery(t *testing.T) {
	s := newTestServer(t)
	cases := []struct{ raw, param string }{
		{"q=%ZZ", "q"},
		{"q=fablab&near=Rodez&radius=%", "radius"},
		{"type=fablab&q=caf%C3%A9%E", "q"},
		{"%zz=1", "%zz"},
		{"q=fablab;near=Rodez", "q"},
	}
	for _, c := range cases {
		for _, path := range []string{"/v1/search", "/v1/clusters", "/v1/geocode", "/"} {
			rec := MustServe(t, s, http.MethodGet, path+"?"+c.raw)
			if e := MustError(t, rec, http.StatusBadRequest, index.CodeInvalid); e.Error.Param != c.param {
				t.Errorf("%s?%s: param %q, want %q", path, c.raw, e.Error.Param, c.param)
			}
		}
	}
	// Well-formed escapes still pass.
	if rec := MustServe(t, s, http.MethodGet, "/v1/search?q=caf%C3%A9+%2B+wifi&near=Rodez"); rec.Code != http.StatusOK {
		t.Errorf("valid escapes: status %d: %s", rec.Code, rec.Body.Bytes())
	}
}

// rawExchange sends raw bytes on a new connection and returns the
// response read back.
func rawExchange(t *testing.T, addr, request string) (*http.Response, []byte) {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(10 * time.Second))
	if _, err := io.WriteString(c, request); err != nil {
		t.Fatal(err)
	}
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		t.Fatalf("%q: %v", request, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, body
}

// serveListener serves h through httpapi's Listener, as serve does, and
// returns its address.
func serveListener(t *testing.T, h http.Handler, maxConns int) (string, *httpapi.Listener) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	l := httpapi.NewListener(ln, maxConns, nil)
	srv := &http.Server{Handler: h, ConnState: l.ConnState, MaxHeaderBytes: 4 << 10, ReadHeaderTimeout: 5 * time.Second}
	go srv.Serve(l)
	t.Cleanup(func() { srv.Close() })
	return ln.Addr().String(), l
}

// TestServerErrorsAreJSON: what Go's server rejects before any handler
// (oversized headers, malformed request lines and headers, an unknown
// protocol) is answered in JSON like every other error; no redirect
// points to another host.
func TestServerErrorsAreJSON(t *testing.T) {
	addr, _ := serveListener(t, newTestServer(t), 0)
	cases := []struct {
		name, request string
		status        int
		code          string
	}{
		{"oversized headers", "GET /v1/search HTTP/1.1\r\nHost: x\r\nX-Big: " + strings.Repeat("a", 8<<10) + "\r\n\r\n", 431, "headers_too_large"},
		{"oversized URL", "GET /v1/search?q=" + strings.Repeat("a", 8<<10) + " HTTP/1.1\r\nHost: x\r\n\r\n", 431, "headers_too_large"},
		{"malformed host", "GET / HTTP/1.1\r\nHost: a b\r\n\r\n", 400, "bad_request"},
		{"missing host", "GET / HTTP/1.1\r\n\r\n", 400, "bad_request"},
		{"bad header name", "GET / HTTP/1.1\r\nHost: x\r\nBad Header: 1\r\n\r\n", 400, "bad_request"},
		{"bad request line", "GET\r\n\r\n", 400, "bad_request"},
		{"unknown protocol", "GET / HTTP/2.5\r\nHost: x\r\n\r\n", 505, "http_version_not_supported"},
		{"unknown transfer encoding", "POST /v1/search HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip, chunked\r\n\r\n", 501, "not_implemented"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			resp, body := rawExchange(t, addr, c.request)
			if resp.StatusCode != c.status {
				t.Errorf("status %d, want %d: %s", resp.StatusCode, c.status, body)
			}
			if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
				t.Errorf("Content-Type %q: %s", ct, body)
			}
			var e apiError
			MustDecode(t, body, &e)
			if e.Error.Code != c.code || e.Error.Message == "" {
				t.Errorf("error %+v, want code %s with a message", e.Error, c.code)
			}
		})
	}
	t.Run("absolute-form request line", func(t *testing.T) {
		for _, target := range []string{"http://evil.example//x", "http://evil.example/v1/../healthz", "//evil.example/", "/static//evil.example/"} {
			resp, body := rawExchange(t, addr, "GET "+target+" HTTP/1.1\r\nHost: evil.example\r\n\r\n")
			if loc := resp.Header.Get("Location"); strings.Contains(loc, "evil") || strings.HasPrefix(loc, "//") || strings.Contains(loc, "://") {
				t.Errorf("%s: redirected to %q", target, loc)
			}
			if resp.StatusCode/100 == 3 {
				t.Errorf("%s: a redirect (%d)", target, resp.StatusCode)
			}
			if !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
				t.Errorf("%s: %d %s", target, resp.StatusCode, body)
			}
		}
	})
}

// TestConnectionCap: past the cap, the longest-idle connection makes
// room; with every connection busy, a new one gets a JSON 503.
func TestConnectionCap(t *testing.T) {
	release := make(chan struct{})
	var once sync.Once
	defer once.Do(func() { close(release) })
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/slow" {
			<-release
		}
		io.WriteString(w, "ok")
	})
	addr, l := serveListener(t, h, 3)
	MustNotBeTheAPI(t, addr)

	// Three idle keep-alive connections, then a fourth client: served.
	var idle []*http.Client
	for range 3 {
		c := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 1}}
		idle = append(idle, c)
		MustHTTP(t, c, http.MethodGet, "http://"+addr+"/fast")
	}
	if n := l.Open(); n != 3 {
		t.Fatalf("%d connections open, want 3", n)
	}
	fourth := &http.Client{Transport: &http.Transport{}}
	if a := MustHTTP(t, fourth, http.MethodGet, "http://"+addr+"/fast"); a.status != 200 {
		t.Errorf("a new client past the cap with idle connections: %d", a.status)
	}
	if n := l.Open(); n > 3 {
		t.Errorf("%d connections open, cap 3", n)
	}
	for _, c := range append(idle, fourth) {
		c.CloseIdleConnections()
	}
	waitFor(t, func() bool { return l.Open() == 0 })

	// Three busy connections: a fourth is refused with a 503.
	var wg sync.WaitGroup
	for range 3 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := &http.Client{Transport: &http.Transport{}}
			MustHTTP(t, c, http.MethodGet, "http://"+addr+"/slow")
		}()
	}
	waitFor(t, func() bool { return l.Open() == 3 })
	time.Sleep(20 * time.Millisecond) // let the three requests become active
	resp, body := rawExchange(t, addr, "GET /fast HTTP/1.1\r\nHost: x\r\n\r\n")
	if resp.StatusCode != http.StatusServiceUnavailable || resp.Header.Get("Retry-After") == "" {
		t.Errorf("past the cap: %d, Retry-After %q: %s", resp.StatusCode, resp.Header.Get("Retry-After"), body)
	}
	var e apiError
	MustDecode(t, body, &e)
	if e.Error.Code != "overloaded" {
		t.Errorf("code %q", e.Error.Code)
	}
	once.Do(func() { close(release) })
	wg.Wait()
}

func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	for range 500 {
		if cond() {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatal("condition not met after 5 s")
}

// TestRateLimit: each client has its own bucket; past it, 429 with
// Retry-After; behind a trusted proxy the client is the forwarded
// address, and an untrusted peer cannot choose its identity.
func TestRateLimit(t *testing.T) {
	s := httpapi.NewServer(MustBackend(t), nil, httpapi.Options{
		RatePerSecond: 0.5, RateBurst: 2,
		TrustedProxies: []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")},
	})
	send := func(peer, xff string) *httptest.ResponseRecorder {
		req := httptest.NewRequest(http.MethodGet, "/v1/search?type=fablab", nil)
		req.RemoteAddr = peer
		if xff != "" {
			req.Header.Set("X-Forwarded-For", xff)
		}
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, req)
		return rec
	}
	for i := range 2 {
		if rec := send("192.0.2.1:1234", ""); rec.Code != 200 {
			t.Fatalf("request %d within the burst: %d", i+1, rec.Code)
		}
	}
	rec := send("192.0.2.1:1234", "")
	MustError(t, rec, http.StatusTooManyRequests, "rate_limited")
	if ra := rec.Header().Get("Retry-After"); ra != "2" {
		t.Errorf("Retry-After %q, want 2 (one token at 0.5 a second)", ra)
	}
	// Another client is not affected.
	if rec := send("192.0.2.2:1234", ""); rec.Code != 200 {
		t.Errorf("another client: %d", rec.Code)
	}
	// An untrusted peer's X-Forwarded-For is ignored: still the same client.
	if rec := send("192.0.2.1:999", "198.51.100.7"); rec.Code != http.StatusTooManyRequests {
		t.Errorf("a forged X-Forwarded-For escaped the limit: %d", rec.Code)
	}
	// Behind the trusted proxy, each forwarded client has its own bucket,
	// and the proxies' own hops are skipped.
	for i := range 2 {
		if rec := send("10.1.2.3:80", "198.51.100.9, 10.9.9.9"); rec.Code != 200 {
			t.Fatalf("forwarded request %d: %d", i+1, rec.Code)
		}
	}
	if rec := send("10.1.2.3:80", "198.51.100.9"); rec.Code != http.StatusTooManyRequests {
		t.Errorf("the forwarded client past its burst: %d", rec.Code)
	}
	if rec := send("10.1.2.3:80", "198.51.100.10"); rec.Code != 200 {
		t.Errorf("another forwarded client: %d", rec.Code)
	}
	// The health check is never limited.
	if rec := send("192.0.2.1:1234", ""); rec.Code != http.StatusTooManyRequests {
		t.Fatalf("still limited: %d", rec.Code)
	}
	req := httptest.NewRequest(http.MethodGet, "/healthz", nil)
	req.RemoteAddr = "192.0.2.1:1234"
	if rec := MustServeRequest(s, req); rec.Code != 200 {
		t.Errorf("/healthz rate limited: %d", rec.Code)
	}
}

func MustServeRequest(h http.Handler, req *http.Request) *httptest.ResponseRecorder {
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

// blockingSearch is a fake search that holds until released or until
// its context ends, and says when each happened.
type blockingSearch struct {
	started chan struct{}
	release chan struct{}
	ended   chan error
}

func newBlockingSearch() *blockingSearch {
	return &blockingSearch{started: make(chan struct{}, 16), release: make(chan struct{}), ended: make(chan error, 16)}
}

func (b *blockingSearch) search(ctx context.Context, q index.Query) (*index.Result, error) {
	b.started <- struct{}{}
	select {
	case <-b.release:
		b.ended <- nil
		// The query as the engine answers it: with its defaults (sort).
		err := q.Validate()
		return &index.Result{Query: q}, err
	case <-ctx.Done():
		b.ended <- ctx.Err()
		return nil, fmt.Errorf("search stopped: %w", ctx.Err())
	}
}

// TestInFlightCap: past the searches in flight and a short queue, a 503
// with Retry-After; heavy searches have their own, smaller lane, so they
// do not hold up the others.
func TestInFlightCap(t *testing.T) {
	b := newBlockingSearch()
	fake := &fakeService{real: MustBackend(t), search: b.search,
		heavy: func(q index.Query, _ int) bool { return slices.Contains(q.Services, "wifi") }}
	s := httpapi.NewServer(fake.backend(), nil, httpapi.Options{MaxInFlight: 1, QueueWait: 30 * time.Millisecond})
	srv := httptest.NewServer(s)
	defer srv.Close()

	done := make(chan httpAnswer, 4)
	go func() { done <- MustHTTP(t, srv.Client(), http.MethodGet, srv.URL+"/v1/search?q=fablab") }()
	<-b.started
	// The one light slot is taken: the next light search waits, then 503.
	a := MustHTTP(t, srv.Client(), http.MethodGet, srv.URL+"/v1/search?q=coworking")
	if a.status != http.StatusServiceUnavailable || a.header.Get("Retry-After") == "" {
		t.Errorf("past the cap: %d Retry-After %q: %s", a.status, a.header.Get("Retry-After"), a.body)
	}
	var e apiError
	MustDecode(t, a.body, &e)
	if e.Error.Code != "overloaded" {
		t.Errorf("code %q", e.Error.Code)
	}
	// A heavy search has its own lane: it starts at once.
	go func() { done <- MustHTTP(t, srv.Client(), http.MethodGet, srv.URL+"/v1/search?service=wifi") }()
	select {
	case <-b.started:
	case <-time.After(5 * time.Second):
		t.Fatal("a heavy search waited for the light lane")
	}
	close(b.release)
	for range 2 {
		if a := <-done; a.status != 200 {
			t.Errorf("held search: %d %s", a.status, a.body)
		}
	}
	// Slots are given back.
	if a := MustHTTP(t, srv.Client(), http.MethodGet, srv.URL+"/v1/search?q=fablab"); a.status != 200 {
		t.Errorf("after release: %d", a.status)
	}
}

// TestSearchTimeout: a search running past its deadline is stopped and
// answered 503 "timeout", logged as a warning, not an error.
func TestSearchTimeout(t *testing.T) {
	b := newBlockingSearch()
	fake := &fakeService{real: MustBackend(t), search: b.search}
	log, buf := MustLogBuffer(t)
	s := httpapi.NewServer(fake.backend(), log, httpapi.Options{SearchTimeout: 30 * time.Millisecond})
	rec := MustServe(t, s, http.MethodGet, "/v1/search?q=fablab")
	MustError(t, rec, http.StatusServiceUnavailable, "timeout")
	if err := <-b.ended; err != context.DeadlineExceeded {
		t.Errorf("search ended with %v, want the deadline", err)
	}
	if strings.Contains(buf.String(), `"level":"ERROR"`) {
		t.Errorf("a timeout logged as an error:\n%s", buf.String())
	}
}

// TestDisconnect: a client that goes away cancels its search at once;
// the server logs it at info as 499, never an error or a 500.
func TestDisconnect(t *testing.T) {
	b := newBlockingSearch()
	fake := &fakeService{real: MustBackend(t), search: b.search}
	log, buf := MustLogBuffer(t)
	srv := httptest.NewServer(httpapi.NewServer(fake.backend(), log, httpapi.Options{}))
	defer srv.Close()

	// The best of three: the bound is on the server noticing, not on the
	// test's goroutines being scheduled.
	best := time.Hour
	for range 3 {
		ctx, cancel := context.WithCancel(context.Background())
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL+"/v1/search?q=fablab", nil)
		go srv.Client().Do(req)
		<-b.started
		at := time.Now()
		cancel()
		select {
		case err := <-b.ended:
			if err != context.Canceled {
				t.Fatalf("search ended with %v, want cancelled", err)
			}
			best = min(best, time.Since(at))
		case <-time.After(5 * time.Second):
			t.Fatal("the search went on after the client left")
		}
	}
	if best > 50*time.Millisecond {
		t.Errorf("a disconnected search stopped %v after the client left, want under 50ms", best)
	}
	waitFor(t, func() bool { return strings.Count(buf.String(), "client went away") == 3 })
	logs := buf.String()
	if !strings.Contains(logs, `"status":499`) || strings.Contains(logs, `"level":"ERROR"`) || strings.Contains(logs, `"status":500`) {
		t.Errorf("disconnects logged wrong:\n%s", logs)
	}
}

// TestStorageErrorUnhealthy: a storage error met by a search turns
// /healthz unhealthy, so a balancer takes the server out.
func TestStorageErrorUnhealthy(t *testing.T) {
	fake := &fakeService{real: MustBackend(t), search: func(context.Context, index.Query) (*index.Result, error) {
		return nil, fmt.Errorf("%w: segment 3: unexpected EOF", index.ErrStorage)
	}}
	s := httpapi.NewServer(fake.backend(), nil, httpapi.Options{})
	if rec := MustServe(t, s, http.MethodGet, "/healthz"); rec.Code != 200 {
		t.Fatalf("healthy at start: %d", rec.Code)
	}
	MustError(t, MustServe(t, s, http.MethodGet, "/v1/search?q=fablab"), http.StatusInternalServerError, "internal")
	rec := MustServe(t, s, http.MethodGet, "/healthz")
	if rec.Code != http.StatusServiceUnavailable {
		t.Fatalf("healthz after a storage error: %d", rec.Code)
	}
	if m := MustObject(t, rec.Body.Bytes()); m["status"] != "unhealthy" || !strings.Contains(fmt.Sprint(m["error"]), "segment 3") {
		t.Errorf("healthz body %s", rec.Body.Bytes())
	}
}

// TestSecurityHeaders: nosniff everywhere, the page's policy allows the
// configured tiles and no framing by others, /embed may be framed by
// the configured partners.
func TestSecurityHeaders(t *testing.T) {
	s := httpapi.NewServer(MustBackend(t), nil, httpapi.Options{
		TileURL:        "https://{s}.tiles.example.org/{z}/{x}/{y}.png",
		FrameAncestors: []string{"https://partner.example"},
	})
	for _, path := range []string{"/", "/embed", "/v1/search?type=fablab", "/v1/nowhere", "/static/app.js", "/healthz"} {
		if got := MustServe(t, s, http.MethodGet, path).Header().Get("X-Content-Type-Options"); got != "nosniff" {
			t.Errorf("%s: X-Content-Type-Options %q", path, got)
		}
	}
	page := MustServe(t, s, http.MethodGet, "/").Header().Get("Content-Security-Policy")
	for _, want := range []string{"script-src 'self'", "img-src 'self' data: https://*.tiles.example.org", "frame-ancestors 'self'", "object-src 'none'"} {
		if !strings.Contains(page, want) {
			t.Errorf("page CSP %q lacks %q", page, want)
		}
	}
	embed := MustServe(t, s, http.MethodGet, "/embed").Header().Get("Content-Security-Policy")
	if !strings.Contains(embed, "frame-ancestors https://partner.example") {
		t.Errorf("embed CSP %q", embed)
	}
	// Without a list, the partners allowed by CORS may frame the widget.
	s = httpapi.NewServer(MustBackend(t), nil, httpapi.Options{CORSOrigins: []string{"https://a.example", "https://b.example"}})
	if embed := MustServe(t, s, http.MethodGet, "/embed").Header().Get("Content-Security-Policy"); !strings.Contains(embed, "frame-ancestors https://a.example https://b.example") {
		t.Errorf("embed CSP from CORS origins %q", embed)
	}
}

// TestClustersBoundedHTTP: the whole world at the deepest zoom answers a
// bounded, coarsened collection.
func TestClustersBoundedHTTP(t *testing.T) {
	s := httpapi.NewServer(MustSynthBackend(t, 10_000), nil, httpapi.Options{})
	rec := MustServe(t, s, http.MethodGet, fmt.Sprintf("/v1/clusters?bbox=-180,-90,180,90&zoom=%d", index.MaxZoom))
	if rec.Code != 200 {
		t.Fatalf("%d %s", rec.Code, rec.Body.Bytes())
	}
	var body struct {
		Total     int   `json:"total"`
		Zoom      int   `json:"zoom"`
		Coarsened bool  `json:"coarsened"`
		Features  []any `json:"features"`
	}
	MustDecode(t, rec.Body.Bytes(), &body)
	if len(body.Features) > index.MaxClusters || !body.Coarsened || body.Zoom >= index.MaxZoom || body.Total != 10_000 {
		t.Errorf("%d features at zoom %d (coarsened %v), total %d", len(body.Features), body.Zoom, body.Coarsened, body.Total)
	}
	if n := rec.Body.Len(); n > 2<<20 {
		t.Errorf("answer of %d bytes", n)
	}
}

// TestHeavyRate: past the heavy searches allowed each second, a heavy
// search is refused at once (503), and light ones are not affected.
func TestHeavyRate(t *testing.T) {
	fake := &fakeService{real: MustBackend(t), heavy: func(q index.Query, _ int) bool { return slices.Contains(q.Services, "wifi") }}
	s := httpapi.NewServer(fake.backend(), nil, httpapi.Options{HeavyPerSecond: 1})
	if rec := MustServe(t, s, http.MethodGet, "/v1/search?service=wifi"); rec.Code != 200 {
		t.Fatalf("first heavy search: %d", rec.Code)
	}
	start := time.Now()
	rec := MustServe(t, s, http.MethodGet, "/v1/search?service=wifi")
	MustError(t, rec, http.StatusServiceUnavailable, "overloaded")
	if rec.Header().Get("Retry-After") == "" || time.Since(start) > time.Second {
		t.Errorf("refused after %v, Retry-After %q", time.Since(start), rec.Header().Get("Retry-After"))
	}
	for range 5 {
		if rec := MustServe(t, s, http.MethodGet, "/v1/search?type=fablab"); rec.Code != 200 {
			t.Errorf("light search while heavy ones are refused: %d", rec.Code)
		}
	}
}
