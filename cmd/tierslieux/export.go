package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/tierslieux/tierslieux/cmd/internal/embedded"
	"github.com/tierslieux/tierslieux/data"
	"github.com/tierslieux/tierslieux/ingest"
)

// formatMedNum is the one export format: the national standard "Lieux de
// médiation numérique" v1.0.2.
const formatMedNum = "mediation-numerique"

func runExport(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("export", flag.ContinueOnError)
	fs.SetOutput(stderr)
	format := fs.String("format", formatMedNum, `format to write: mediation-numerique (the national standard "Lieux de médiation numérique" v1.0.2, CSV)`)
	dir := fs.String("index", "", "index directory to export (default: the embedded demo data)")
	out := fs.String("o", "", "file to write (default: standard output)")
	date := fs.String("date", "", "date_maj of places without an update date, YYYY-MM-DD (default: today)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: tierslieux export -format mediation-numerique [-index DIR] [-o FILE]\n\nWrites the catalog (the embedded demo data, or the index in DIR) as a CSV file in the\nnational standard \"Lieux de médiation numérique\"; says on standard error what it stood in for.")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		fs.Usage()
		return exitError(2)
	}
	if *format != formatMedNum {
		return fmt.Errorf("-format %q: want %s", *format, formatMedNum)
	}
	w, finish, err := createOutput(*out, stdout)
	if err != nil {
		return err
	}
	mw, err := ingest.NewMedNumWriter(w, *date)
	if err != nil {
		finish(err)
		return fmt.Errorf("-date: %w", err)
	}
	write := func(p ingest.Place) error { return mw.Write(&p) }
	if *dir != "" {
		err = indexPlaces(*dir, write)
	} else {
		err = demoPlaces(ctx, write)
	}
	st, cerr := mw.Close()
	if err == nil {
		err = cerr
	}
	if err := finish(err); err != nil {
		return err
	}
	where := *out
	if where == "" {
		where = "standard output"
	}
	fmt.Fprintf(stderr, "export: %d places written to %s in the standard \"Lieux de médiation numérique\" v1.0.2\n", st.Written, where)
	for _, n := range []struct {
		n    int
		what string
	}{
		{st.PivotUnknown, "without a SIRET, RNA or RIDET: pivot " + ingest.MedNumPivotUnknown},
		{st.AddressIsCommune, "without a street address: adresse is the commune"},
		{st.DateFilled, "without an update date: date_maj is the export's date"},
		{st.PhoneDropped, "with a phone number not in the +33 form the standard requires: telephone left empty"},
		{st.ResumeCut, "with a description over 280 characters: presentation_resume cut, the whole in presentation_detail"},
	} {
		if n.n > 0 {
			fmt.Fprintf(stderr, "  %d %s\n", n.n, n.what)
		}
	}
	if len(st.Skipped) > 0 {
		fmt.Fprintf(stderr, "  %d left out, lacking a commune or a five-digit postcode: %s\n", len(st.Skipped), strings.Join(st.Skipped, ", "))
	}
	return nil
}

// createOutput opens the file to write, or standard output. finish
// closes it, and removes a file left incomplete by an error.
func createOutput(name string, stdout io.Writer) (io.Writer, func(error) error, error) {
	if name == "" {
		return stdout, func(err error) error { return err }, nil
	}
	f, err := os.Create(name)
	if err != nil {
		return nil, nil, err
	}
	bw := bufio.NewWriter(f)
	return bw, func(err error) error {
		if err == nil {
			err = bw.Flush()
		}
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			os.Remove(name)
		}
		return err
	}, nil
}

// demoPlaces sends the embedded demo places, read through the same
// ingest pipeline as any export.
func demoPlaces(ctx context.Context, fn func(ingest.Place) error) error {
	g, err := embedded.Gazetteer()
	if err != nil {
		return err
	}
	opts := ingest.Options{Converter: ingest.Converter{Gazetteer: g, Area: ingest.France}}
	_, err = ingest.Run(ctx, data.FS, []string{data.Places}, opts, fn)
	return err
}

// indexPlaces sends the places of the build an index directory's CURRENT
// names, from its places.jsonl (one ingest.Place a line).
func indexPlaces(dir string, fn func(ingest.Place) error) error {
	cur, err := os.ReadFile(filepath.Join(dir, "CURRENT"))
	if errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("%s is not an index directory (no CURRENT file): build one with tierslieux ingest", dir)
	}
	if err != nil {
		return err
	}
	build := strings.TrimSpace(string(cur))
	if build == "" || strings.ContainsAny(build, `/\`) || build == "." || build == ".." {
		return fmt.Errorf("%s/CURRENT names no build (%q)", dir, build)
	}
	name := filepath.Join(dir, build, "places.jsonl")
	f, err := os.Open(name)
	if err != nil {
		return err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64<<10), 16<<20)
	for line := 1; sc.Scan(); line++ {
		if len(strings.TrimSpace(sc.Text())) == 0 {
			continue
		}
		var p ingest.Place
		if err := json.Unmarshal(sc.Bytes(), &p); err != nil {
			return fmt.Errorf("%s:%d: %w", name, line, err)
		}
		if err := fn(p); err != nil {
			return err
		}
	}
	return sc.Err()
}
