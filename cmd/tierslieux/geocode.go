package main

import (
	"flag"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/tierslieux/tierslieux/cmd/internal/embedded"
	"github.com/tierslieux/tierslieux/geo/gazetteer"
)

func runGeocode(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("geocode", flag.ContinueOnError)
	fs.SetOutput(stderr)
	limit := fs.Int("n", 5, "number of matches to print")
	prefix := fs.Bool("prefix", false, "autocomplete: match names starting with QUERY")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: tierslieux geocode [-n 5] [-prefix] QUERY\n\nQUERY is a commune, département or région name, an INSEE code or a postcode;\n\"Rodez (12)\" or \"Saint-Affrique, Aveyron\" picks among homonyms.")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	q := strings.Join(fs.Args(), " ")
	if strings.TrimSpace(q) == "" {
		fs.Usage()
		return exitError(2)
	}
	g, err := embedded.Gazetteer()
	if err != nil {
		return err
	}
	var ms []gazetteer.Match
	if *prefix {
		ms = g.Prefix(q, *limit)
	} else {
		ms = g.Lookup(q, *limit)
	}
	if len(ms) == 0 {
		fmt.Fprintf(stderr, "no place matches %q%s\n", q, gazetteer.DidYouMean(g.Suggest(q, 5)))
		return exitError(1)
	}
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tKIND\tCODE\tDEPT\tLAT\tLON\tPOINT\tMATCHED")
	for _, m := range ms {
		kind, dept, lat, lon, point := string(m.Kind), "", "", "", ""
		switch {
		case m.Commune != nil:
			c := m.Commune
			kind, dept = string(c.Status), c.Dept
			if c.HasPoint() {
				lat, lon, point = fmt.Sprintf("%.5f", c.Lat), fmt.Sprintf("%.5f", c.Lon), c.Source
				if c.Approximate() {
					point += " (approximate)"
				}
			} else {
				point = "none"
			}
			if d, ok := g.Departement(c.Dept); ok {
				dept = c.Dept + " " + d.Name
			}
		case m.Kind == gazetteer.KindDepartement:
			if r, ok := g.Region(m.Area.Region); ok {
				dept = m.Area.Code + " (" + r.Name + ")"
			}
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", m.Name(), kind, m.Code(), dept, lat, lon, point, m.Via)
	}
	return tw.Flush()
}
