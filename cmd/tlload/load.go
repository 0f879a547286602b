package main

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

// options say how to load the server.
type options struct {
	URL            string        // base URL of the server, no trailing slash
	Clients        int           // normal clients, one keep-alive connection each
	Duration       time.Duration // measured window; 0: until N requests
	N              int           // requests to send, normal and hostile; 0: until Duration
	Rate           float64       // requests per second, all clients together; 0: as fast as answered
	Warmup         time.Duration // sent before the measured window, not counted
	Hostile        float64       // share of requests that are hostile, in [0, 1)
	HostileClients int           // clients sending them; 0 picks from Clients and Hostile
	ForwardedFor   bool          // send X-Forwarded-For, one address per client
	Gzip           bool          // accept gzip, and read the compressed bytes
	Timeout        time.Duration // per request, response body included
	PID            int           // the server's process, for CPU and RSS; 0: not measured
	Seed           uint64        // hostile requests' randomness
}

// hostileClientsPerClient is the default number of hostile clients per
// normal one. A hostile request holds its client hundreds of times longer
// than a normal one (or half a second in the server's queue before a
// 503), so keeping up with 5% of the requests takes many; those with no
// hostile turn to take sit idle.
const hostileClientsPerClient = 8

// hostileClients returns how many clients send hostile requests.
func (o *options) hostileClients() int {
	switch {
	case o.Hostile <= 0:
		return 0
	case o.HostileClients > 0:
		return o.HostileClients
	}
	return hostileClientsPerClient * o.Clients
}

// sample is one request's outcome.
type sample struct {
	latency time.Duration // from sending the request to reading the body's last byte
	bytes   int64         // body bytes read
	status  int           // 0 when no response came
	errKind string        // transport error class; "" when the body was read whole
	kind    kind
}

func (s *sample) failed() bool { return s.errKind != "" || s.status >= 500 }

// failure is one failed request, as the report lists the first few.
type failure struct {
	AtMS    float64 `json:"at_ms"` // since the measured window began
	Kind    string  `json:"kind"`
	Request string  `json:"request"`
	Error   string  `json:"error"`

	hostile bool
}

// maxFailures is how many failures each client keeps, and the report shows.
const maxFailures = 5

// client is one keep-alive connection's worth of load: its own
// connection, and the samples of its requests.
type client struct {
	wire     *wire
	xff      string
	gzip     string     // the Accept-Encoding sent, if any
	rng      *rand.Rand // the hostile words
	samples  []sample
	failures []failure
}

func newClient(o *options, id int) *client {
	w, err := newWire(o.URL, o.Timeout)
	if err != nil {
		panic(err) // the URL is checked before the run
	}
	c := &client{
		wire: w,
		rng:  rand.New(rand.NewPCG(o.Seed, uint64(id))),
	}
	if o.Gzip {
		// The body is counted as sent, compressed.
		c.gzip = "gzip"
	}
	if o.ForwardedFor {
		c.xff = forwardedFor(id)
	}
	return c
}

// forwardedFor returns client id's address, in the benchmarking range
// 198.18.0.0/15 (RFC 2544), which no real client has.
func forwardedFor(id int) string {
	a := id + 1 // not 198.18.0.0
	return fmt.Sprintf("198.%d.%d.%d", 18+a>>16&1, a>>8&0xff, a&0xff)
}

// do sends one request, reads its body whole and records the outcome,
// timed from t0. A request cut short by ctx is not recorded: the server
// did not fail it.
func (c *client) do(ctx context.Context, path string, k kind, t0 time.Time) {
	start := time.Now()
	rep, err := c.wire.get(ctx, path, header{"Accept-Encoding", c.gzip}, header{"X-Forwarded-For", c.xff})
	lat := time.Since(start)
	if ctx.Err() != nil {
		return
	}
	s := sample{latency: lat, bytes: rep.bytes, status: rep.status, kind: k}
	if err != nil {
		s.errKind = errKind(err)
	}
	c.samples = append(c.samples, s)
	if s.failed() && len(c.failures) < maxFailures {
		msg := ""
		if err != nil {
			msg = err.Error()
		} else {
			msg = fmt.Sprintf("HTTP %d: %s", s.status, strings.TrimSpace(string(rep.head)))
		}
		c.failures = append(c.failures, failure{
			AtMS: float64(start.Sub(t0)) / 1e6, Kind: k.String(), Request: shorten(path, 160), Error: shorten(msg, 300),
			hostile: k.hostile(),
		})
	}
}

func shorten(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + fmt.Sprintf("… (%d bytes)", len(s))
}

// errKind classes a transport error for the report.
func errKind(err error) string {
	var timeout interface{ Timeout() bool }
	switch {
	case errors.Is(err, context.DeadlineExceeded), errors.As(err, &timeout) && timeout.Timeout():
		return "timeout"
	case errors.Is(err, syscall.ECONNREFUSED):
		return "connection refused"
	case errors.Is(err, syscall.ECONNRESET):
		return "connection reset"
	case errors.Is(err, syscall.EPIPE):
		return "broken pipe"
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return "eof"
	case errors.Is(err, errBadReply):
		return "malformed answer"
	}
	return "other"
}

// ticket is the right to send request i at time at.
type ticket struct {
	i  int64
	at time.Time
}

// phase hands out tickets until its deadline or limit. Ticket i is
// hostile when it takes the running count of hostile tickets to the next
// whole number of hostile × (i+1): exactly that share, evenly spread.
// Normal clients take tickets and pass the hostile ones on through hq, to
// the hostile clients; when those are behind and hq is full, the ticket
// is dropped and counted, so that hostile requests never slow the
// normal clients down but by the server.
type phase struct {
	start    time.Time
	deadline time.Time     // zero: none
	limit    int64         // 0: none
	interval time.Duration // between tickets, for -rate; 0: none
	hostile  float64

	next    atomic.Int64 // tickets handed out
	normal  atomic.Int64 // normal requests sent, indexing the mix
	hq      chan ticket
	dropped atomic.Int64 // hostile tickets no hostile client could take
}

func (p *phase) claim() (ticket, bool) {
	i := p.next.Add(1) - 1
	if p.limit > 0 && i >= p.limit {
		return ticket{}, false
	}
	at := p.start.Add(time.Duration(i) * p.interval)
	if !p.deadline.IsZero() && (!at.Before(p.deadline) || !time.Now().Before(p.deadline)) {
		return ticket{}, false
	}
	return ticket{i: i, at: at}, true
}

func (p *phase) isHostile(i int64) bool {
	return p.hostile > 0 && math.Floor(float64(i+1)*p.hostile) > math.Floor(float64(i)*p.hostile)
}

// runner sends a mix of requests to a server from normal and hostile
// clients.
type runner struct {
	opts    options
	mix     []string
	kinds   []kind // of each request of the mix
	hostile *hostileGen
	normal  []*client
	bad     []*client // the hostile clients
}

func newRunner(o options, mix []string) *runner {
	r := &runner{opts: o, mix: mix, kinds: make([]kind, len(mix))}
	for i, q := range mix {
		r.kinds[i] = kindOf(q)
	}
	for i := range o.Clients {
		r.normal = append(r.normal, newClient(&r.opts, i))
	}
	if h := o.hostileClients(); h > 0 {
		r.hostile = newHostileGen(o.Seed)
		for i := range h {
			r.bad = append(r.bad, newClient(&r.opts, o.Clients+i))
		}
	}
	return r
}

// newPhase returns a phase starting now, of d (0: no deadline) or n
// tickets (0: no limit).
func (r *runner) newPhase(d time.Duration, n int) *phase {
	p := &phase{start: time.Now(), limit: int64(n), hostile: r.opts.Hostile}
	if d > 0 {
		p.deadline = p.start.Add(d)
	}
	if r.opts.Rate > 0 {
		p.interval = time.Duration(float64(time.Second) / r.opts.Rate)
	}
	if len(r.bad) > 0 {
		p.hq = make(chan ticket, len(r.bad))
	} else {
		p.hostile = 0
	}
	return p
}

// run sends the phase's requests and returns once every client is done:
// normal clients stop when tickets run out, hostile clients once they
// have taken what is left of theirs (dropping those past the deadline).
// Requests in flight at the deadline finish and count.
func (r *runner) run(ctx context.Context, p *phase) {
	var normal, hostile sync.WaitGroup
	for _, c := range r.normal {
		normal.Go(func() {
			for ctx.Err() == nil {
				t, ok := p.claim()
				if !ok {
					return
				}
				if p.isHostile(t.i) {
					select {
					case p.hq <- t:
					default:
						p.dropped.Add(1)
					}
					continue
				}
				if !sleepUntil(ctx, t.at) {
					return
				}
				j := int(p.normal.Add(1)-1) % len(r.mix)
				c.do(ctx, r.mix[j], r.kinds[j], p.start)
			}
		})
	}
	for i, c := range r.bad {
		hostile.Go(func() {
			for t := range p.hq {
				if ctx.Err() != nil || !p.deadline.IsZero() && !time.Now().Before(p.deadline) {
					p.dropped.Add(1)
					continue
				}
				if !sleepUntil(ctx, t.at) {
					continue
				}
				// Take the kinds in turn, each client from its own place.
				k := hostileKinds[(int(t.i)+i)%len(hostileKinds)]
				c.do(ctx, r.hostile.path(k, c.rng), k, p.start)
			}
		})
	}
	normal.Wait()
	if p.hq != nil {
		close(p.hq)
	}
	hostile.Wait()
}

// reset forgets what the clients recorded (after the warm-up).
func (r *runner) reset() {
	for _, c := range r.clients() {
		c.samples, c.failures = c.samples[:0], nil
	}
}

func (r *runner) clients() []*client {
	return append(r.normal[:len(r.normal):len(r.normal)], r.bad...)
}

func (r *runner) close() {
	for _, c := range r.clients() {
		c.wire.close()
	}
}

// sleepUntil waits until t, and reports false if ctx ended first.
func sleepUntil(ctx context.Context, t time.Time) bool {
	d := time.Until(t)
	if d <= 0 {
		return ctx.Err() == nil
	}
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-timer.C:
		return true
	}
}

// load runs the warm-up, then the measured window, and reports. With a
// PID it reads the server's CPU time at both ends of the window and its
// RSS during it.
func load(ctx context.Context, o options, mix []string) (*report, error) {
	self := os.Getpid()
	var sampler *rssSampler
	if o.PID > 0 {
		if _, err := processCPU(o.PID); err != nil {
			return nil, fmt.Errorf("-pid %d: %w", o.PID, err)
		}
	}
	r := newRunner(o, mix)
	defer r.close()
	if o.Warmup > 0 {
		r.run(ctx, r.newPhase(o.Warmup, 0))
		r.reset()
	}
	var serverCPU0, selfCPU0 time.Duration
	var serverErr error
	if o.PID > 0 {
		serverCPU0, serverErr = processCPU(o.PID)
		sampler = startRSSSampler(o.PID, 100*time.Millisecond)
	}
	selfCPU0, _ = processCPU(self)
	p := r.newPhase(o.Duration, o.N)
	r.run(ctx, p)
	elapsed := time.Since(p.start)
	rep := newReport(&o, r, p, elapsed)
	if cpu, err := processCPU(self); err == nil {
		rep.Client = &cpuReport{CPUMS: ms(cpu - selfCPU0)}
		rep.Client.fill(rep.Total.Requests, elapsed)
	}
	if o.PID > 0 {
		rss, n := sampler.Stop()
		rep.Server = &serverReport{PID: o.PID, RSSMaxKB: rss, RSSSamples: n, ClockTicks: clockTicks()}
		cpu, err := processCPU(o.PID)
		if serverErr == nil && err == nil {
			rep.Server.CPUMS = ms(cpu - serverCPU0)
			rep.Server.fill(rep.Total.Requests, elapsed)
		} else {
			// A rolling restart replaces the process: say so, and keep
			// the rest of the report.
			rep.Server.Note = fmt.Sprintf("the process ended during the run: no CPU time (%v)", cmp.Or(serverErr, err))
		}
	}
	return rep, nil
}
