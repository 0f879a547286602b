// Command tierslieux is the Tiers-Lieux Occitanie place-search service:
// it geocodes French place names, ingests place records and serves the
// search API.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

const usage = `Usage: tierslieux COMMAND [flags] [args]

Commands:
  serve [-addr :8080] [-index DIR]   serve the search API (default: the embedded demo data)
  search [-index DIR] QUERY          search from the command line
  ingest -index DIR FILE...   build a search index from place exports (CSV, GeoJSON, JSON, NDJSON)
  geocode QUERY               resolve a French place name, INSEE code or postcode
  synth [-n N] [-format F]    write N synthetic places, for benchmarks and scale tests
  export -format mediation-numerique [-index DIR] [-o FILE]   write the catalog in the national standard "Lieux de médiation numérique"
  verify -index DIR           check an index directory: every file, every place; exit 1 when damaged
  snapshot -index DIR -o FILE write a consistent copy of the current build (gzipped tar)
  restore -index DIR FILE     make a snapshot the current build
  keys add|list|remove        manage the API keys file that serve -keys reads

Run "tierslieux COMMAND -h" for a command's flags.
`

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
		fmt.Fprintln(os.Stderr, "tierslieux:", err)
		os.Exit(1)
	}
}

// exitError ends the program with a status and no further message, the
// command having already said what went wrong.
type exitError int

func (e exitError) Error() string { return fmt.Sprintf("exit status %d", int(e)) }

// run dispatches to a subcommand; tests call it directly.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return exitError(2)
	}
	cmd, rest := args[0], args[1:]
	switch cmd {
	case "serve":
		return runServe(ctx, rest, stderr)
	case "search":
		return runSearch(ctx, rest, stdout, stderr)
	case "geocode":
		return runGeocode(rest, stdout, stderr)
	case "ingest":
		return runIngest(ctx, rest, stdout, stderr)
	case "synth":
		return runSynth(rest, stdout, stderr)
	case "export":
		return runExport(ctx, rest, stdout, stderr)
	case "verify":
		return runVerify(ctx, rest, stdout, stderr)
	case "keys":
		return runKeys(rest, stdout, stderr)
	case "snapshot":
		return runSnapshot(rest, stdout, stderr)
	case "restore":
		return runRestore(rest, os.Stdin, stderr)
	case "help", "-h", "-help", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	fmt.Fprintf(stderr, "tierslieux: unknown command %q\n\n%s", cmd, usage)
	return exitError(2)
}
