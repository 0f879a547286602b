package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/url"
	"os"
	"os/signal"
	"runtime/pprof"
	"strings"
	"syscall"
	"time"

	"github.com/tierslieux/tierslieux/cmd/internal/embedded"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	var exit exitError
	switch {
	case err == nil:
	case errors.As(err, &exit):
		os.Exit(int(exit))
	case errors.Is(err, flag.ErrHelp):
		os.Exit(2)
	default:
		fmt.Fprintln(os.Stderr, "tlload:", err)
		os.Exit(1)
	}
}

// exitError ends the program with a status and no further message.
type exitError int

func (e exitError) Error() string { return fmt.Sprintf("exit status %d", int(e)) }

// run is main without the process: tests call it. An interrupt ends the
// run early, and what was measured is still reported.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("tlload", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var o options
	fs.StringVar(&o.URL, "url", "http://127.0.0.1:8080", "base URL of the server")
	fs.IntVar(&o.Clients, "c", 4, "clients, each with its own keep-alive connection, one request at a time")
	fs.DurationVar(&o.Duration, "d", 30*time.Second, "measured duration (with -n: whichever comes first)")
	fs.IntVar(&o.N, "n", 0, "requests to send, hostile ones included, instead of a duration")
	fs.Float64Var(&o.Rate, "rate", 0, "pace at this many requests per second, all clients together (default: as fast as answered)")
	fs.DurationVar(&o.Warmup, "warmup", 0, "send requests for this long first, not counted")
	fs.Float64Var(&o.Hostile, "hostile", 0, "share of requests that are hostile (a 7,000-vertex polygon, the world's clusters at zoom 22, unknown words), sent by extra clients")
	fs.IntVar(&o.HostileClients, "hostile-c", 0, "clients sending the hostile requests, each one at a time (default: 8 × c)")
	fs.BoolVar(&o.Gzip, "gzip", false, "accept gzip (Accept-Encoding: gzip) and read the compressed answers, as browsers do")
	fs.BoolVar(&o.ForwardedFor, "forwarded-for", false, "send X-Forwarded-For, a different address in 198.18.0.0/15 for each client")
	fs.DurationVar(&o.Timeout, "timeout", 10*time.Second, "per request, the whole body read")
	fs.IntVar(&o.PID, "pid", 0, "the server's process ID, on this machine: report its CPU time per request and its largest RSS")
	fs.Uint64Var(&o.Seed, "seed", 1, "seed of the generated mix and the hostile requests")
	queries := fs.Int("queries", 2000, "queries in the generated mix")
	mixFile := fs.String("mix", "", "read the mix from this file, one request a line, instead of generating it")
	writeMixFile := fs.String("write-mix", "", "write the mix to this file (- for standard output) and exit")
	asJSON := fs.Bool("json", false, "write the report as JSON")
	cpuProfile := fs.String("cpuprofile", "", "write tlload's own CPU profile to this file, to see what loading costs")
	failOnError := fs.Bool("fail-on-error", false, "exit with status 1 if any normal request failed (a transport error or a 5xx)")
	fs.Usage = func() {
		fmt.Fprint(stderr, "Usage: tlload [-url http://127.0.0.1:8080] [-c 4] [-d 30s | -n N] [flags]\n\nLoads a tierslieux server with a population-weighted mix of searches and reports throughput and latency.\n\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	durationSet := false
	fs.Visit(func(f *flag.Flag) { durationSet = durationSet || f.Name == "d" })
	if o.N > 0 && !durationSet {
		o.Duration = 0
	}
	if err := o.check(); err != nil || fs.NArg() > 0 || *queries < 1 {
		if err != nil {
			fmt.Fprintln(stderr, "tlload:", err)
		}
		fs.Usage()
		return exitError(2)
	}
	o.URL = strings.TrimSuffix(o.URL, "/")

	mix, desc, err := buildMix(*mixFile, *queries, o.Seed)
	if err != nil {
		return err
	}
	if *writeMixFile != "" {
		return saveMix(*writeMixFile, mix, desc, stdout)
	}
	if *cpuProfile != "" {
		f, err := os.Create(*cpuProfile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	rep, err := load(ctx, o, mix)
	if err != nil {
		return err
	}
	rep.Mix = desc
	if *asJSON {
		err = rep.writeJSON(stdout)
	} else {
		err = rep.writeText(stdout)
	}
	if err != nil {
		return err
	}
	// Hostile requests the server sheds are its defence working, not a
	// failure of the run.
	if *failOnError && rep.Normal.Failures > 0 {
		return exitError(1)
	}
	return nil
}

func (o *options) check() error {
	u, err := url.Parse(o.URL)
	switch {
	case err != nil:
		return fmt.Errorf("-url: %w", err)
	case u.Scheme != "http" && u.Scheme != "https" || u.Host == "" || u.RawQuery != "":
		return fmt.Errorf("-url %q: want http://host:port, with a path prefix at most", o.URL)
	case o.Clients < 1:
		return fmt.Errorf("-c %d: want at least 1", o.Clients)
	case o.Duration < 0 || o.N < 0 || o.Duration == 0 && o.N == 0:
		return fmt.Errorf("want a duration (-d) or a number of requests (-n)")
	case o.Rate < 0 || o.Warmup < 0 || o.Timeout <= 0 || o.HostileClients < 0:
		return fmt.Errorf("-rate, -warmup, -timeout and -hostile-c cannot be negative")
	case !(o.Hostile >= 0 && o.Hostile < 1):
		return fmt.Errorf("-hostile %g: want a share from 0 to less than 1", o.Hostile)
	}
	return nil
}

// buildMix reads the mix file, or generates the mix over the embedded
// gazetteer's communes, and says which.
func buildMix(file string, n int, seed uint64) ([]string, string, error) {
	if file != "" {
		f, err := os.Open(file)
		if err != nil {
			return nil, "", err
		}
		defer f.Close()
		mix, err := readMix(f)
		if err != nil {
			return nil, "", fmt.Errorf("%s: %w", file, err)
		}
		return mix, fmt.Sprintf("%d requests from %s", len(mix), file), nil
	}
	g, err := embedded.Gazetteer()
	if err != nil {
		return nil, "", err
	}
	mix, err := genMix(g.Communes(), n, seed)
	if err != nil {
		return nil, "", err
	}
	return mix, fmt.Sprintf("%d queries generated with seed %d (tlload -queries %d -seed %d)", n, seed, n, seed), nil
}

func saveMix(name string, mix []string, desc string, stdout io.Writer) error {
	if name == "-" {
		return writeMix(stdout, mix, desc)
	}
	f, err := os.Create(name)
	if err != nil {
		return err
	}
	if err := writeMix(f, mix, desc); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
