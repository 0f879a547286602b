package main

import (
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/tierslieux/tierslieux/cmd/internal/embedded"
	"github.com/tierslieux/tierslieux/ingest/synth"
)

func runSynth(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("synth", flag.ContinueOnError)
	fs.SetOutput(stderr)
	n := fs.Int("n", 1000, "number of places")
	format := fs.String("format", "csv", "csv, geojson, json or ndjson")
	seed := fs.Uint64("seed", 1, "random seed: the same seed and n give the same file")
	out := fs.String("o", "", "output file (default: standard output)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: tierslieux synth [-n 1000] [-format csv] [-seed 1] [-o FILE]\n\nWrites synthetic places across France (names start with \"Synthétique\") for benchmarks and scale tests.")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *n < 0 || fs.NArg() > 0 {
		fs.Usage()
		return exitError(2)
	}
	g, err := embedded.Gazetteer()
	if err != nil {
		return err
	}
	w := stdout
	if *out != "" {
		f, err := os.Create(*out)
		if err != nil {
			return err
		}
		defer f.Close()
		w = f
	}
	return synth.Write(w, *format, synth.New(g, *seed), *n)
}
