package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"
	"time"

	"github.com/tierslieux/tierslieux/cmd/internal/embedded"
	"github.com/tierslieux/tierslieux/index"
	"github.com/tierslieux/tierslieux/ingest"
)

func runIngest(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("ingest", flag.ContinueOnError)
	fs.SetOutput(stderr)
	dir := fs.String("index", "", "index directory to build (required); the new index replaces the old one only once complete")
	format := fs.String("format", "", "csv, geojson, json or ndjson (default: from each file's extension)")
	encoding := fs.String("encoding", "", "CSV encoding: utf-8, windows-1252 or latin-1 (default: detected)")
	mappingFile := fs.String("mapping", "", `JSON file mapping extra column names to fields: {"columns": {"Nom du lieu": "name"}}`)
	dups := fs.String("duplicates", ingest.DuplicatesReject, "when two records share an id: reject the later one, or keep the last")
	area := fs.String("area", "france", "service area points must fall in: france (overseas included), occitanie or none")
	trust := fs.String("trust", ingest.TrustCommune, "when a point is far from its stated commune (a warning either way): keep the commune's point (precision commune), or the point")
	explain := fs.Bool("explain", false, "print each file's recognised shape and how each column will be read, and stop (no -index needed)")
	strict := fs.Bool("strict", false, "exit with status 3 when any record is rejected")
	quiet := fs.Bool("quiet", false, "no progress output")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: tierslieux ingest -index DIR [flags] FILE...\n       tierslieux ingest -explain [flags] FILE...\n\nReads place records (CSV, GeoJSON, JSON array, NDJSON) into a search index in DIR.\nEvery record is indexed or listed in DIR/report.csv and DIR/report.json.\nKnown exports (the national standard \"Lieux de médiation numérique\", the France Services\nlist, regional hubs' shapes) are recognised by their header; -explain shows how.")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	if (*dir == "" && !*explain) || fs.NArg() == 0 {
		fs.Usage()
		return exitError(2)
	}
	opts := ingest.Options{Format: *format, Duplicates: *dups, Read: ingest.ReadOptions{Encoding: *encoding}}
	switch *trust {
	case ingest.TrustCommune, ingest.TrustPoint:
		opts.Trust = *trust
	default:
		return fmt.Errorf("-trust %q: want commune or point", *trust)
	}
	switch strings.ToLower(*area) {
	case "france":
		opts.Area = ingest.France
	case "occitanie":
		opts.Area = ingest.OccitanieArea
	case "none":
	default:
		return fmt.Errorf("-area %q: want france, occitanie or none", *area)
	}
	if *mappingFile != "" {
		f, err := os.Open(*mappingFile)
		if err != nil {
			return err
		}
		m, err := ingest.ReadMapping(f)
		f.Close()
		if err != nil {
			return fmt.Errorf("%s: %w", *mappingFile, err)
		}
		opts.Read.Mapping = m
	}
	if *explain {
		return explainFiles(fs.Args(), opts, stdout)
	}
	g, err := embedded.Gazetteer()
	if err != nil {
		return err
	}
	opts.Gazetteer = g
	var prog *progress
	if !*quiet {
		prog = newProgress(stderr)
		opts.Progress = prog.show
	}

	start := time.Now()
	b, err := index.NewBuilder(*dir, g)
	if err != nil {
		return err
	}
	b.Sources = index.StatSources(osFS{}, fs.Args())
	rep, err := ingest.Run(ctx, osFS{}, fs.Args(), opts, b.Add)
	if err != nil {
		b.Abort()
		if errors.Is(err, context.Canceled) {
			return fmt.Errorf("interrupted: the previous index in %s is unchanged", *dir)
		}
		return fmt.Errorf("%w (the previous index in %s is unchanged)", err, *dir)
	}
	if err := b.Commit(rep); err != nil {
		return err
	}
	elapsed := time.Since(start)
	prog.clear()
	rep.WriteSummary(stdout)
	fmt.Fprintf(stdout, "index %s ready in %s (%.0f records/s); report in %s/report.csv and report.json\n",
		*dir, elapsed.Round(time.Millisecond), float64(rep.Read)/elapsed.Seconds(), *dir)
	if *strict && rep.Rejected > 0 {
		return exitError(3)
	}
	return nil
}

// explainFiles prints how each file will be read, reading only its
// header or first record.
func explainFiles(names []string, opts ingest.Options, stdout io.Writer) error {
	for i, name := range names {
		e, err := ingest.Explain(osFS{}, name, opts)
		if err != nil {
			return err
		}
		if i > 0 {
			fmt.Fprintln(stdout)
		}
		if err := e.Write(stdout); err != nil {
			return err
		}
	}
	return nil
}

// osFS opens paths as the operating system reads them, relative or
// absolute, so reports name files the way the user typed them.
type osFS struct{}

func (osFS) Open(name string) (fs.File, error) { return os.Open(name) }

// progress shows a bar on a terminal, and a plain line every few seconds
// otherwise (logs, CI).
type progress struct {
	w     io.Writer
	tty   bool
	start time.Time
	last  time.Time
	shown bool
}

func newProgress(w io.Writer) *progress {
	p := &progress{w: w, start: time.Now(), last: time.Now()}
	if f, ok := w.(*os.File); ok {
		if fi, err := f.Stat(); err == nil && fi.Mode()&os.ModeCharDevice != 0 {
			p.tty = true
		}
	}
	return p
}

func (p *progress) show(s ingest.Progress) {
	now := time.Now()
	interval := 5 * time.Second
	if p.tty {
		interval = 100 * time.Millisecond
	}
	if now.Sub(p.last) < interval || s.File == "" {
		return
	}
	p.last = now
	rate := float64(s.Read) / now.Sub(p.start).Seconds()
	pct := 0.0
	if s.TotalBytes > 0 {
		pct = 100 * float64(s.Bytes) / float64(s.TotalBytes)
	}
	if p.tty {
		const width = 30
		n := min(width, int(pct/100*width))
		fmt.Fprintf(p.w, "\r\033[K[%s%s] %5.1f%% %d read, %d rejected, %.0f/s %s",
			strings.Repeat("#", n), strings.Repeat(".", width-n), pct, s.Read, s.Rejected, rate, s.File)
		p.shown = true
		return
	}
	fmt.Fprintf(p.w, "ingest: %.1f%% %d read, %d indexed, %d rejected, %.0f records/s (%s)\n",
		pct, s.Read, s.Indexed, s.Rejected, rate, s.File)
}

// clear erases the bar before the summary is printed.
func (p *progress) clear() {
	if p != nil && p.tty && p.shown {
		fmt.Fprint(p.w, "\r\033[K")
	}
}
