package httpapi

import (
	"context"
	"errors"
	"math"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/sync/semaphore"
	"golang.org/x/time/rate"

	"github.com/tierslieux/tierslieux/index"
)

// Defaults of the limits a zero Options leaves unset.
const (
	DefaultSearchTimeout = 2 * time.Second
	DefaultQueueWait     = 500 * time.Millisecond
	// DefaultMaxInFlight is per core: searches are CPU-bound, and a few
	// more than the cores keep short ones interleaving with long ones.
	DefaultMaxInFlight = 16
	// DefaultHeavyPerSecond is per core: a heavy search costs tens of
	// milliseconds, so a few a second take a small share of the machine.
	DefaultHeavyPerSecond = 2
)

// heavyPolygonBytes is the length of a polygon parameter past which it
// is surely heavy (about index.HeavyPolygonVertices vertices or more).
const heavyPolygonBytes = 16 << 10

// maxClients bounds the per-client rate limiters kept at once; beyond it,
// idle ones are dropped first, then new clients share one bucket.
const maxClients = 100_000

// ErrShuttingDown is the cause a server's base context is cancelled with
// when a drain runs out: the requests still running are answered 503.
var ErrShuttingDown = errors.New("server shutting down")

// limits are a server's bounds on the work it takes on: two lanes of
// searches, light and heavy (index.Engine.Heavy), each holding a few at
// a time and queueing the next ones briefly; and a token bucket per
// client.
type limits struct {
	light, heavy *semaphore.Weighted
	// releaseLight and releaseHeavy give a slot back, made once rather
	// than a closure per search.
	releaseLight, releaseHeavy func()

	queueWait time.Duration
	// heavyRate bounds the heavy searches started each second, all
	// clients together: the lane bounds how many run at once, this how
	// much of the machine they take over time.
	heavyRate *rate.Limiter

	rate    rate.Limit
	burst   int
	trusted []netip.Prefix

	mu       sync.Mutex
	clients  map[netip.Addr]*client
	overflow *rate.Limiter // shared by new clients when the map is full
}

type client struct {
	lim  *rate.Limiter
	seen time.Time
}

func newLimits(o Options) *limits {
	procs := runtime.GOMAXPROCS(0)
	inflight := o.MaxInFlight
	if inflight <= 0 {
		inflight = DefaultMaxInFlight * procs
	}
	// Heavy searches get at most half the cores between them.
	heavy := max(1, procs/2)
	l := &limits{
		light:     semaphore.NewWeighted(int64(inflight)),
		heavy:     semaphore.NewWeighted(int64(heavy)),
		queueWait: o.QueueWait,
		rate:      rate.Limit(o.RatePerSecond),
		burst:     o.RateBurst,
		trusted:   o.TrustedProxies,
		clients:   map[netip.Addr]*client{},
	}
	if l.queueWait <= 0 {
		l.queueWait = DefaultQueueWait
	}
	heavyPerSecond := o.HeavyPerSecond
	if heavyPerSecond <= 0 {
		heavyPerSecond = float64(DefaultHeavyPerSecond * procs)
	}
	l.heavyRate = rate.NewLimiter(rate.Limit(heavyPerSecond), max(1, int(heavyPerSecond)))
	if l.burst <= 0 {
		l.burst = max(1, int(math.Ceil(2*o.RatePerSecond)))
	}
	l.overflow = rate.NewLimiter(l.rate, l.burst)
	l.releaseLight = func() { l.light.Release(1) }
	l.releaseHeavy = func() { l.heavy.Release(1) }
	return l
}

// acquire takes a slot in a lane, waiting at most the queue wait; it
// answers an overloaded error when none frees in time.
func (l *limits) acquire(ctx context.Context, heavy bool) (release func(), err error) {
	sem := l.light
	if heavy {
		if !l.heavyRate.Allow() {
			return nil, overloaded(true)
		}
		sem = l.heavy
	}
	if !sem.TryAcquire(1) {
		wctx, cancel := context.WithTimeout(ctx, l.queueWait)
		err := sem.Acquire(wctx, 1)
		cancel()
		if err != nil {
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			return nil, overloaded(heavy)
		}
	}
	if heavy {
		return l.releaseHeavy, nil
	}
	return l.releaseLight, nil
}

// overloadedError is an answer 503 with a Retry-After.
type overloadedError struct {
	err        *index.Error
	retryAfter int // seconds
}

func (e *overloadedError) Error() string { return e.err.Error() }
func (e *overloadedError) Unwrap() error { return e.err }

func overloaded(heavy bool) error {
	if heavy {
		return &overloadedError{index.Errorf(codeOverloaded, "", "too many costly searches at once (large polygons, whole-world clusters, rare words); try again shortly"), 2}
	}
	return &overloadedError{index.Errorf(codeOverloaded, "", "the server is busy; try again shortly"), 1}
}

// allow takes a token from the client's bucket; when it is empty it
// says after how many seconds one will be there.
func (l *limits) allow(ip netip.Addr, now time.Time) (ok bool, retryAfter int) {
	if l.rate <= 0 {
		return true, 0
	}
	lim := l.limiter(ip, now)
	r := lim.ReserveN(now, 1)
	if !r.OK() {
		return false, 1
	}
	d := r.DelayFrom(now)
	if d == 0 {
		return true, 0
	}
	r.CancelAt(now) // not taken: the client is told to come back
	return false, max(1, int(math.Ceil(d.Seconds())))
}

func (l *limits) limiter(ip netip.Addr, now time.Time) *rate.Limiter {
	l.mu.Lock()
	defer l.mu.Unlock()
	if c, ok := l.clients[ip]; ok {
		c.seen = now
		return c.lim
	}
	if len(l.clients) >= maxClients {
		// A client idle long enough for its bucket to refill is the same
		// as a new one: forget it.
		full := time.Duration(float64(l.burst)/float64(l.rate)*float64(time.Second)) + time.Second
		for k, c := range l.clients {
			if now.Sub(c.seen) > full {
				delete(l.clients, k)
			}
		}
		if len(l.clients) >= maxClients {
			return l.overflow
		}
	}
	c := &client{lim: rate.NewLimiter(l.rate, l.burst), seen: now}
	l.clients[ip] = c
	return c.lim
}

// clientIP is who a request comes from: its peer, or, when the peer is a
// trusted proxy, the last address of X-Forwarded-For that is not one.
func (l *limits) clientIP(r *http.Request) netip.Addr {
	ap, err := netip.ParseAddrPort(r.RemoteAddr)
	if err != nil {
		// httptest and unusual transports: no port, or no address.
		host, _, splitErr := net.SplitHostPort(r.RemoteAddr)
		if splitErr != nil {
			host = r.RemoteAddr
		}
		a, _ := netip.ParseAddr(host)
		return a.Unmap()
	}
	ip := ap.Addr().Unmap()
	if !l.isTrusted(ip) {
		return ip
	}
	hops := r.Header.Values("X-Forwarded-For")
	for i := len(hops) - 1; i >= 0; i-- {
		parts := strings.Split(hops[i], ",")
		for j := len(parts) - 1; j >= 0; j-- {
			a, err := netip.ParseAddr(strings.TrimSpace(parts[j]))
			if err != nil {
				return ip // a forged or broken header: the proxy is the client
			}
			a = a.Unmap()
			if !l.isTrusted(a) {
				return a
			}
			ip = a
		}
	}
	return ip
}

func (l *limits) isTrusted(ip netip.Addr) bool {
	for _, p := range l.trusted {
		if p.Contains(ip) {
			return true
		}
	}
	return false
}

// rateLimit answers 429 with Retry-After to a client past its rate, on
// every route but the health check.
func (s *Server) rateLimit(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/healthz" {
			next.ServeHTTP(w, r)
			return
		}
		if ok, after := s.limits.allow(s.limits.clientIP(r), time.Now()); !ok {
			w.Header().Set("Retry-After", strconv.Itoa(after))
			s.writeError(w, r, index.Errorf(codeRateLimited, "", "too many requests from this address (at most %g a second); retry in %d s", float64(s.limits.rate), after))
			return
		}
		next.ServeHTTP(w, r)
	})
}

// strictQuery refuses a query string that does not decode (malformed
// percent-encoding, a semicolon separator), naming the parameter,
// instead of letting the parameter vanish.
func (s *Server) strictQuery(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := checkQuery(r.URL.RawQuery); err != nil {
			s.writeError(w, r, err)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// checkQuery finds the first parameter of a raw query that does not
// decode.
func checkQuery(raw string) error {
	for raw != "" {
		var part string
		part, raw, _ = strings.Cut(raw, "&")
		if part == "" {
			continue
		}
		if strings.Contains(part, ";") {
			name, _, _ := strings.Cut(part, "=")
			return index.Errorf(index.CodeInvalid, paramName(name), "contains a semicolon: separate parameters with & and encode a semicolon as %%3B")
		}
		key, value, _ := strings.Cut(part, "=")
		name, err := url.QueryUnescape(key)
		if err != nil {
			return index.Errorf(index.CodeInvalid, paramName(key), "the parameter's name is not valid percent-encoding")
		}
		if _, err := url.QueryUnescape(value); err != nil {
			return index.Errorf(index.CodeInvalid, name, "is not valid percent-encoding: encode %% as %%25")
		}
	}
	return nil
}

// paramName shows a parameter name that did not decode, cut short.
func paramName(raw string) string {
	if len(raw) > 40 {
		raw = raw[:40]
	}
	return strings.ToValidUTF8(raw, "?")
}

// searchContext is the context a search runs under: the request's, with
// the search deadline.
func (s *Server) searchContext(r *http.Request) (context.Context, context.CancelFunc) {
	return withSearchDeadline(r.Context(), s.opts.SearchTimeout)
}
