package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/tierslieux/tierslieux/index"
)

// runSnapshot writes the current build of an index directory as a
// gzipped tar: what POST /v1/admin/snapshot sends, and restore reads.
func runSnapshot(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("snapshot", flag.ContinueOnError)
	fs.SetOutput(stderr)
	dir := fs.String("index", os.Getenv("TIERSLIEUX_INDEX"), "index directory (env TIERSLIEUX_INDEX)")
	out := fs.String("o", "", "file to write (required; - for standard output)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: tierslieux snapshot -index DIR -o FILE.tar.gz\n\nWrites a consistent copy of the current build of DIR, checked against its manifest\nas it is read, while servers and ingests go on; `tierslieux restore` puts it back.")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *dir == "" || *out == "" || fs.NArg() > 0 {
		fs.Usage()
		return exitError(2)
	}
	snap, err := index.OpenSnapshot(*dir)
	if err != nil {
		return err
	}
	defer snap.Close()
	if *out == "-" {
		_, err := snap.WriteTo(stdout)
		return err
	}
	// Through a temporary file, so that a snapshot cut short never takes
	// the place of a whole one.
	tmp, err := os.CreateTemp(filepath.Dir(*out), "."+filepath.Base(*out)+".*.tmp")
	if err != nil {
		return err
	}
	n, err := snap.WriteTo(tmp)
	err = errors.Join(err, tmp.Sync(), tmp.Close())
	if err == nil {
		err = os.Rename(tmp.Name(), *out)
	}
	if err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("snapshot: %w", err)
	}
	v := snap.Version()
	fmt.Fprintf(stderr, "snapshot of %s (%d places) written to %s (%d bytes)\n", v.ID, v.Places, *out, n)
	return nil
}

// runRestore makes a snapshot the current build of an index directory;
// a server watching the directory takes it up as it would an ingest.
func runRestore(args []string, stdin io.Reader, stderr io.Writer) error {
	fs := flag.NewFlagSet("restore", flag.ContinueOnError)
	fs.SetOutput(stderr)
	dir := fs.String("index", os.Getenv("TIERSLIEUX_INDEX"), "index directory (env TIERSLIEUX_INDEX)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: tierslieux restore -index DIR FILE.tar.gz   (- for standard input)\n\nMakes a snapshot the current build of DIR, once it is unpacked and opens whole; the\nbuild it replaces stays beside it. A snapshot that does not open changes nothing.")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *dir == "" || fs.NArg() != 1 {
		fs.Usage()
		return exitError(2)
	}
	in := stdin
	if name := fs.Arg(0); name != "-" {
		f, err := os.Open(name)
		if err != nil {
			return err
		}
		defer f.Close()
		in = f
	}
	v, err := index.Restore(*dir, in)
	if err != nil {
		return err
	}
	fmt.Fprintf(stderr, "restored %s (%d places) as the current build of %s\n", v.ID, v.Places, *dir)
	return nil
}
