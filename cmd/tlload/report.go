package main

import (
	"cmp"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"
)

// report is what a run measured. Latencies count the requests that were
// answered and read whole (5xx included); CPU per request divides by
// every request of the window, hostile ones included.
type report struct {
	URL            string  `json:"url"`
	Mix            string  `json:"mix"`
	Clients        int     `json:"clients"`
	HostileClients int     `json:"hostile_clients"`
	HostileShare   float64 `json:"hostile_share"` // asked for; Hostile.Requests / Total.Requests is what was sent
	RateTarget     float64 `json:"rate_target,omitempty"`
	WarmupS        float64 `json:"warmup_s"`
	ElapsedS       float64 `json:"elapsed_s"` // the measured window

	Total          *stats            `json:"total"`
	Normal         *stats            `json:"normal"`
	Hostile        *stats            `json:"hostile,omitempty"`
	HostileDropped int64             `json:"hostile_dropped"` // hostile turns no hostile client was free for
	Kinds          map[string]*stats `json:"kinds"`
	FirstFailures  []failure         `json:"first_failures,omitempty"`

	Server *serverReport `json:"server,omitempty"`
	Client *cpuReport    `json:"client,omitempty"` // tlload itself
}

// stats sum up a set of requests. Each request is counted once, either
// under its status or under its transport error.
type stats struct {
	Requests        int            `json:"requests"`
	Failures        int            `json:"failures"` // transport errors and 5xx
	Statuses        map[string]int `json:"statuses"`
	TransportErrors map[string]int `json:"transport_errors,omitempty"`
	ReqPerS         float64        `json:"req_per_s"`
	Bytes           int64          `json:"bytes"`
	BytesPerS       float64        `json:"bytes_per_s"`
	LatencyMS       latency        `json:"latency_ms"`

	lat []time.Duration
}

// latency is a distribution in milliseconds; percentiles are nearest-rank.
type latency struct {
	P50  float64 `json:"p50"`
	P90  float64 `json:"p90"`
	P99  float64 `json:"p99"`
	P999 float64 `json:"p99_9"`
	Max  float64 `json:"max"`
	Mean float64 `json:"mean"`
}

// cpuReport is a process's CPU time over the measured window.
type cpuReport struct {
	CPUMS           float64 `json:"cpu_ms"`
	CPUMSPerRequest float64 `json:"cpu_ms_per_request"`
	Cores           float64 `json:"cpu_cores"` // CPU time over wall time
}

func (c *cpuReport) fill(requests int, elapsed time.Duration) {
	if requests > 0 {
		c.CPUMSPerRequest = c.CPUMS / float64(requests)
	}
	if elapsed > 0 {
		c.Cores = c.CPUMS / ms(elapsed)
	}
}

// serverReport is what /proc says of the server during the window.
type serverReport struct {
	PID int `json:"pid"`
	cpuReport
	RSSMaxKB   int64  `json:"rss_max_kb"`
	RSSSamples int    `json:"rss_samples"`
	ClockTicks int64  `json:"clock_ticks_per_s"`
	Note       string `json:"note,omitempty"` // why a figure is missing
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

func (s *stats) add(x *sample) {
	s.Requests++
	s.Bytes += x.bytes
	if x.failed() {
		s.Failures++
	}
	if x.errKind != "" {
		if s.TransportErrors == nil {
			s.TransportErrors = map[string]int{}
		}
		s.TransportErrors[x.errKind]++
		return
	}
	if s.Statuses == nil {
		s.Statuses = map[string]int{}
	}
	s.Statuses[strconv.Itoa(x.status)]++
	s.lat = append(s.lat, x.latency)
}

func (s *stats) finish(elapsed time.Duration) {
	if secs := elapsed.Seconds(); secs > 0 {
		s.ReqPerS = float64(s.Requests) / secs
		s.BytesPerS = float64(s.Bytes) / secs
	}
	if s.Statuses == nil {
		s.Statuses = map[string]int{}
	}
	s.LatencyMS = distribution(s.lat)
	s.lat = nil
}

// distribution sorts lat and returns its percentiles.
func distribution(lat []time.Duration) latency {
	if len(lat) == 0 {
		return latency{}
	}
	slices.Sort(lat)
	rank := func(p float64) float64 {
		i := int(math.Ceil(p*float64(len(lat)))) - 1
		return ms(lat[max(0, min(i, len(lat)-1))])
	}
	var sum time.Duration
	for _, d := range lat {
		sum += d
	}
	return latency{
		P50: rank(0.50), P90: rank(0.90), P99: rank(0.99), P999: rank(0.999),
		Max: ms(lat[len(lat)-1]), Mean: ms(sum) / float64(len(lat)),
	}
}

func newReport(o *options, r *runner, p *phase, elapsed time.Duration) *report {
	rep := &report{
		URL: o.URL, Clients: o.Clients, HostileClients: len(r.bad), HostileShare: o.Hostile,
		RateTarget: o.Rate, WarmupS: o.Warmup.Seconds(), ElapsedS: elapsed.Seconds(),
		Total: &stats{}, Normal: &stats{}, HostileDropped: p.dropped.Load(), Kinds: map[string]*stats{},
	}
	if len(r.bad) > 0 {
		rep.Hostile = &stats{}
	}
	for _, c := range r.clients() {
		for i := range c.samples {
			x := &c.samples[i]
			rep.Total.add(x)
			if x.kind.hostile() {
				rep.Hostile.add(x)
			} else {
				rep.Normal.add(x)
			}
			k := rep.Kinds[x.kind.String()]
			if k == nil {
				k = &stats{}
				rep.Kinds[x.kind.String()] = k
			}
			k.add(x)
		}
		rep.FirstFailures = append(rep.FirstFailures, c.failures...)
	}
	for _, s := range append([]*stats{rep.Total, rep.Normal, rep.Hostile}, slices.Collect(maps.Values(rep.Kinds))...) {
		if s != nil {
			s.finish(elapsed)
		}
	}
	// Normal requests' failures first: hostile ones are often shed on
	// purpose.
	slices.SortFunc(rep.FirstFailures, func(a, b failure) int {
		switch {
		case a.hostile == b.hostile:
			return cmp.Compare(a.AtMS, b.AtMS)
		case b.hostile:
			return -1
		}
		return 1
	})
	if len(rep.FirstFailures) > maxFailures {
		rep.FirstFailures = rep.FirstFailures[:maxFailures]
	}
	return rep
}

func (rep *report) writeJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(rep)
}

func (rep *report) writeText(w io.Writer) error {
	t := rep.Total
	fmt.Fprintf(w, "target    %s, mix: %s\n", rep.URL, rep.Mix)
	load := fmt.Sprintf("%d clients", rep.Clients)
	if rep.HostileClients > 0 {
		load += fmt.Sprintf(" + %d hostile (%.3g%% of requests asked)", rep.HostileClients, 100*rep.HostileShare)
	}
	if rep.RateTarget > 0 {
		load += fmt.Sprintf(", paced at %g req/s", rep.RateTarget)
	}
	fmt.Fprintf(w, "load      %s, %.2fs measured after %gs of warm-up\n", load, rep.ElapsedS, rep.WarmupS)
	fmt.Fprintf(w, "requests  %d, %.1f req/s, %s/s\n", t.Requests, t.ReqPerS, bytesString(t.BytesPerS))
	if rep.Hostile != nil {
		share := 0.0
		if t.Requests > 0 {
			share = 100 * float64(rep.Hostile.Requests) / float64(t.Requests)
		}
		fmt.Fprintf(w, "hostile   %d sent (%.1f%%), %d dropped with every hostile client busy\n", rep.Hostile.Requests, share, rep.HostileDropped)
	}
	if rep.Hostile != nil {
		fmt.Fprintf(w, "failed    %d normal, %d hostile (transport errors and 5xx)\n", rep.Normal.Failures, rep.Hostile.Failures)
	} else {
		fmt.Fprintf(w, "failed    %d (transport errors and 5xx)\n", t.Failures)
	}
	fmt.Fprintf(w, "statuses  %s\n", countsString(t.Statuses, t.TransportErrors))
	if s := rep.Server; s != nil && s.Note != "" {
		fmt.Fprintf(w, "server    pid %d: %s; RSS max %s (%d samples)\n", s.PID, s.Note, bytesString(float64(s.RSSMaxKB)*1024), s.RSSSamples)
	} else if s != nil {
		fmt.Fprintf(w, "server    pid %d: %.3f ms CPU/request (%.2f cores), RSS max %s (%d samples)\n",
			s.PID, s.CPUMSPerRequest, s.Cores, bytesString(float64(s.RSSMaxKB)*1024), s.RSSSamples)
	}
	if c := rep.Client; c != nil {
		fmt.Fprintf(w, "tlload    %.3f ms CPU/request (%.2f cores)\n", c.CPUMSPerRequest, c.Cores)
	}
	fmt.Fprintln(w)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "LATENCY\tREQUESTS\tFAILED\tREQ/S\tP50\tP90\tP99\tP99.9\tMAX")
	row := func(name string, s *stats) {
		l := s.LatencyMS
		fmt.Fprintf(tw, "%s\t%d\t%d\t%.1f\t%s\t%s\t%s\t%s\t%s\n", name, s.Requests, s.Failures, s.ReqPerS,
			msString(l.P50), msString(l.P90), msString(l.P99), msString(l.P999), msString(l.Max))
	}
	row("normal", rep.Normal)
	for k := range kindOther + 1 {
		if s := rep.Kinds[k.String()]; s != nil {
			row("  "+k.String(), s)
		}
	}
	if rep.Hostile != nil {
		row("hostile", rep.Hostile)
		for _, k := range hostileKinds {
			if s := rep.Kinds[k.String()]; s != nil {
				row("  "+k.String(), s)
			}
		}
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if len(rep.FirstFailures) > 0 {
		fmt.Fprintln(w, "\nfirst failures:")
		for _, f := range rep.FirstFailures {
			fmt.Fprintf(w, "  at %s  %s  %s\n      %s\n", msString(f.AtMS), f.Kind, f.Request, f.Error)
		}
	}
	return nil
}

// msString writes milliseconds with three significant figures or so.
func msString(v float64) string {
	switch {
	case v < 10:
		return fmt.Sprintf("%.2fms", v)
	case v < 100:
		return fmt.Sprintf("%.1fms", v)
	}
	return fmt.Sprintf("%.0fms", v)
}

func bytesString(b float64) string {
	switch {
	case b >= 1<<30:
		return fmt.Sprintf("%.2f GiB", b/(1<<30))
	case b >= 1<<20:
		return fmt.Sprintf("%.2f MiB", b/(1<<20))
	case b >= 1<<10:
		return fmt.Sprintf("%.1f KiB", b/(1<<10))
	}
	return fmt.Sprintf("%.0f B", b)
}

// countsString lists statuses, then transport errors, each in order.
func countsString(statuses, transport map[string]int) string {
	var parts []string
	for _, k := range slices.Sorted(maps.Keys(statuses)) {
		parts = append(parts, fmt.Sprintf("%s: %d", k, statuses[k]))
	}
	for _, k := range slices.Sorted(maps.Keys(transport)) {
		parts = append(parts, fmt.Sprintf("%s: %d", k, transport[k]))
	}
	if len(parts) == 0 {
		return "none"
	}
	return strings.Join(parts, ", ")
}
