package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/tierslieux/tierslieux/index"
)

// runVerify checks an index directory offline and prints what it found;
// the exit status is 1 unless the current build is sound.
func runVerify(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("verify", flag.ContinueOnError)
	fs.SetOutput(stderr)
	dir := fs.String("index", os.Getenv("TIERSLIEUX_INDEX"), "index directory to check (env TIERSLIEUX_INDEX)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: tierslieux verify -index DIR\n\nChecks the current and the previous build of an index directory: every file against\nits manifest (size, CRC-32C, SHA-256), every place, the counts, and that every place\nis in the text index. Exit status 0 when the current build is sound, 1 otherwise.")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *dir == "" || fs.NArg() > 0 {
		fs.Usage()
		return exitError(2)
	}
	start := time.Now()
	rep, err := index.Verify(ctx, *dir)
	if err != nil {
		return err
	}
	writeVerifyReport(stdout, rep, time.Since(start))
	if !rep.OK() {
		return exitError(1)
	}
	return nil
}

func writeVerifyReport(w io.Writer, rep *index.VerifyReport, took time.Duration) {
	fmt.Fprintf(w, "index %s\n", rep.Dir)
	for _, b := range rep.Builds {
		role, state := "previous", "OK"
		if b.Current {
			role = "current"
		}
		if !b.OK() {
			state = "DAMAGED"
		}
		fmt.Fprintf(w, "\n%s (%s): %s\n", b.Name, role, state)
		v := b.Version
		var about []string
		if !v.BuiltAt.IsZero() {
			about = append(about, "built "+v.BuiltAt.UTC().Format(time.RFC3339))
		}
		if len(v.Sources) > 0 {
			var src []string
			for _, s := range v.Sources {
				if s.Size >= 0 {
					src = append(src, fmt.Sprintf("%s (%d bytes)", s.Name, s.Size))
				} else {
					src = append(src, s.Name)
				}
			}
			about = append(about, "from "+strings.Join(src, ", "))
		}
		about = append(about, fmt.Sprintf("%d places", v.Places))
		fmt.Fprintf(w, "  %s\n", strings.Join(about, "; "))
		for _, d := range b.Damage {
			if d.File != "" {
				fmt.Fprintf(w, "  damaged: %s: %s\n", d.File, d.Problem)
			} else {
				fmt.Fprintf(w, "  damaged: %s\n", d.Problem)
			}
		}
		for _, n := range b.Notes {
			fmt.Fprintf(w, "  note: %s\n", n)
		}
		if b.OK() {
			if b.Files > 0 {
				fmt.Fprintf(w, "  %d files, %d bytes: sizes, CRC-32C and SHA-256 as the manifest says\n", b.Files, b.Bytes)
			}
			fmt.Fprintf(w, "  every place valid and in the text index\n")
		}
	}
	if len(rep.Leftovers) > 0 {
		fmt.Fprintf(w, "\nleftover builds, never served (the next ingest removes them): %s\n", strings.Join(rep.Leftovers, ", "))
	}
	fmt.Fprintln(w)
	switch {
	case rep.OK():
		fmt.Fprintf(w, "current build sound (checked in %s)\n", took.Round(time.Millisecond))
	case len(rep.Builds) > 1 && rep.Builds[1].OK():
		fmt.Fprintf(w, "current build DAMAGED: serve falls back on the previous build %s; ingest again to replace it\n", rep.Builds[1].Name)
	default:
		fmt.Fprintf(w, "current build DAMAGED, and no previous build is sound: serve refuses to start; ingest again\n")
	}
}
