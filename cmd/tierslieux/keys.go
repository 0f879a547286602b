package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"sync/atomic"
	"text/tabwriter"
	"time"

	"github.com/tierslieux/tierslieux/cmd/internal/httpapi"
	"github.com/tierslieux/tierslieux/cmd/internal/keys"
	"github.com/tierslieux/tierslieux/ingest"
)

// configureKeys reads -keys into the server's options: the keys, and the
// write API when serving an index directory. Without -keys there are no
// keys and no write API.
func configureKeys(ctx context.Context, opts *httpapi.Options, cfg serveConfig, rl *reloader, log *slog.Logger) error {
	if cfg.Keys == "" {
		if cfg.RequireKey {
			return errors.New("-require-key needs -keys")
		}
		opts.Admin = nil
		return nil
	}
	ring, err := keys.Load(cfg.Keys)
	if err != nil {
		return err
	}
	if ring.Len() == 0 {
		log.Warn("the keys file holds no key: the write API refuses every request", "keys", cfg.Keys)
	}
	live := &liveKeys{path: cfg.Keys, log: log}
	live.ring.Store(ring)
	opts.Keys = live
	if cfg.Index != "" {
		opts.Admin = &writer{reloader: rl, lockWait: time.Second}
	} else {
		// The embedded data cannot change: reload and the write API have
		// nothing to work on.
		opts.Admin = nil
	}
	go live.watch(ctx, cfg.Watch)
	return nil
}

// liveKeys is the keys file as the server uses it: read again when it
// changes (looked at with the index's -watch interval) and on SIGHUP, so
// a key is added or revoked without a restart. A file that no longer
// reads keeps the keys in use, logged.
type liveKeys struct {
	path string
	log  *slog.Logger
	ring atomic.Pointer[keys.Ring]
}

func (l *liveKeys) Lookup(secret string) (*httpapi.Key, bool) { return l.ring.Load().Lookup(secret) }

func (l *liveKeys) watch(ctx context.Context, every time.Duration) {
	watch(ctx, every, l.stamp, func(bool) {
		ring, err := keys.Load(l.path)
		if err != nil {
			l.log.Error("keys file not reloaded: the keys in use stay", "err", err)
			return
		}
		l.ring.Store(ring)
		l.log.Info("keys reloaded", "keys", ring.Len())
	})
}

// stamp tells one version of the keys file from another.
func (l *liveKeys) stamp() (string, bool) {
	fi, err := os.Stat(l.path)
	if err != nil {
		return "", false
	}
	return fmt.Sprint(fi.ModTime().UnixNano(), fi.Size()), true
}

const keysUsage = `Usage: tierslieux keys COMMAND [flags]

Manages the API keys file that serve -keys reads (default: $TIERSLIEUX_KEYS).
The file keeps each key's SHA-256, never its secret: the secret is printed
once, by add.

  keys add -scope admin|ingest|search [-id ID] [-depts 12,81] [-types fablab,coworking]
           [-polygon FILE.geojson] [-origins https://a.example,https://b.example]
  keys list
  keys remove ID

A search key with -depts, -types or -polygon is limited to that territory
whatever its searches ask; with -origins, browsers may use it only from
those pages. A running server reads the file again when it changes.
`

func runKeys(args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, keysUsage)
		return exitError(2)
	}
	sub, rest := args[0], args[1:]
	fs := flag.NewFlagSet("keys "+sub, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stderr, keysUsage); fs.PrintDefaults() }
	file := fs.String("file", os.Getenv("TIERSLIEUX_KEYS"), "keys file (env TIERSLIEUX_KEYS)")
	switch sub {
	case "add":
		scope := fs.String("scope", "", "admin, ingest or search (required)")
		id := fs.String("id", "", "the key's name, for lists and logs (default: scope and random digits)")
		depts := fs.String("depts", "", "search key: départements it is limited to, comma-separated")
		types := fs.String("types", "", "search key: place types it is limited to, comma-separated")
		polygon := fs.String("polygon", "", "search key: GeoJSON file of the polygon it is limited to")
		origins := fs.String("origins", "", "search key: page origins allowed to use it, comma-separated")
		if err := parseKeysFlags(fs, rest, file, 0); err != nil {
			return err
		}
		e := keys.Entry{ID: *id, Scope: *scope, Depts: ingest.SplitList(*depts), Origins: ingest.SplitList(*origins)}
		for _, t := range ingest.SplitList(*types) {
			e.Types = append(e.Types, strings.ToLower(t))
		}
		for i, d := range e.Depts {
			e.Depts[i] = strings.ToUpper(d)
		}
		if *polygon != "" {
			b, err := os.ReadFile(*polygon)
			if err != nil {
				return err
			}
			if e.Polygon, err = keys.ParsePolygon(b); err != nil {
				return fmt.Errorf("-polygon %s: %w", *polygon, err)
			}
		}
		if *scope == "" {
			return errors.New("keys add: -scope is required: admin, ingest or search")
		}
		f, err := keys.Read(*file)
		if err != nil {
			return err
		}
		secret, err := f.Add(e)
		if err != nil {
			return fmt.Errorf("keys add: %w", err)
		}
		if err := f.Write(*file); err != nil {
			return err
		}
		added := f.Keys[len(f.Keys)-1]
		fmt.Fprintf(stderr, "added key %s (%s) to %s; its secret, shown this once:\n", added.ID, added.Scope, *file)
		fmt.Fprintln(stdout, secret)
		return nil
	case "list":
		if err := parseKeysFlags(fs, rest, file, 0); err != nil {
			return err
		}
		f, err := keys.Read(*file)
		if err != nil {
			return err
		}
		tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "ID\tSCOPE\tCREATED\tTERRITORY\tORIGINS")
		for _, e := range f.Keys {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", e.ID, e.Scope, e.Created.Format(time.DateOnly), territory(e), orDash(strings.Join(e.Origins, ",")))
		}
		return tw.Flush()
	case "remove":
		if err := parseKeysFlags(fs, rest, file, 1); err != nil {
			return err
		}
		f, err := keys.Read(*file)
		if err != nil {
			return err
		}
		if err := f.Remove(fs.Arg(0)); err != nil {
			return fmt.Errorf("keys remove: %w", err)
		}
		if err := f.Write(*file); err != nil {
			return err
		}
		fmt.Fprintf(stderr, "removed key %s from %s\n", fs.Arg(0), *file)
		return nil
	case "help", "-h", "-help", "--help":
		fmt.Fprint(stdout, keysUsage)
		return nil
	}
	fmt.Fprintf(stderr, "keys: unknown command %q\n\n%s", sub, keysUsage)
	return exitError(2)
}

// parseKeysFlags parses a keys command's flags, which want a file and
// exactly nargs arguments.
func parseKeysFlags(fs *flag.FlagSet, args []string, file *string, nargs int) error {
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != nargs {
		fs.Usage()
		return exitError(2)
	}
	if *file == "" {
		return fmt.Errorf("%s: -file (or TIERSLIEUX_KEYS) is required", fs.Name())
	}
	return nil
}

// territory says in a few words what a search key is limited to.
func territory(e keys.Entry) string {
	var parts []string
	if len(e.Depts) > 0 {
		parts = append(parts, "depts "+strings.Join(e.Depts, ","))
	}
	if len(e.Types) > 0 {
		parts = append(parts, "types "+strings.Join(e.Types, ","))
	}
	if len(e.Polygon) > 0 {
		parts = append(parts, fmt.Sprintf("polygon of %d vertices", e.Polygon.Vertices()))
	}
	return orDash(strings.Join(parts, "; "))
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
