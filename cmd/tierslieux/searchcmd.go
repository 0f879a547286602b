package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/tierslieux/tierslieux/cmd/internal/query"
	"github.com/tierslieux/tierslieux/index"
)

func runSearch(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("search", flag.ContinueOnError)
	fs.SetOutput(stderr)
	dir := fs.String("index", "", "index directory (default: the embedded demo data)")
	limit := fs.String("limit", "", "number of results (default 20, at most 100)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: tierslieux search [-index DIR] [-limit N] QUERY\n\nQUERY is free text in French or English, e.g. \"fablab with 3D printing within 30 km of Rodez\".")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	text := strings.Join(fs.Args(), " ")
	if strings.TrimSpace(text) == "" {
		fs.Usage()
		return exitError(2)
	}
	b, err := openBackend(ctx, *dir)
	if err != nil {
		return err
	}
	defer b.Close()
	q, err := b.query.Build(query.Params{Q: text, Limit: *limit})
	if err == nil {
		var res *index.Result
		if res, err = b.eng.Search(ctx, q); err == nil {
			return printResults(stdout, res)
		}
	}
	if e, ok := index.AsError(err); ok {
		fmt.Fprintln(stderr, "tierslieux search:", e.Message)
		return exitError(1)
	}
	return err
}

func printResults(w io.Writer, res *index.Result) error {
	q := res.Query
	fmt.Fprintf(w, "query: %s\n", q.String())
	if q.AutoRadius {
		fmt.Fprintf(w, "radius widened to %g km to find places\n", q.RadiusMeters/1000)
	}
	fmt.Fprintf(w, "%d places, %d shown (%s)\n\n", res.Total, len(res.Hits), res.Took.Round(10_000))
	// A trip ranks places by the detour they cost, so its table shows the
	// detour and where along the route each place lies; the distance from
	// the start would look unsorted.
	trip := q.Trip != nil
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	if trip {
		fmt.Fprintln(tw, "NAME\tTYPES\tCOMMUNE\tDETOUR\tALONG")
	} else {
		fmt.Fprintln(tw, "NAME\tTYPES\tCOMMUNE\tDISTANCE")
	}
	for _, h := range res.Hits {
		where := "" // DISTANCE, or DETOUR and ALONG
		switch {
		case trip && h.Detour != nil:
			where = km(h.Detour.Meters) + "\t" + km(h.Detour.AlongMeters)
		case trip:
			where = "\t"
		case h.HasDistance:
			where = km(h.Meters)
		}
		types := strings.Join(h.Place.Types, ", ")
		if types == "" {
			types = "(non publiée)"
		}
		name := h.Place.Name
		if h.Place.Demo {
			name += " *"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s (%s)\t%s\n", name, types, h.Place.Commune, h.Place.Dept, where)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	for _, h := range res.Hits {
		if h.Place.Demo {
			fmt.Fprintln(w, "\n* fictional demo entry")
			break
		}
	}
	return nil
}

// km formats metres as kilometres with one decimal.
func km(meters float64) string {
	return fmt.Sprintf("%.1f km", meters/1000)
}
