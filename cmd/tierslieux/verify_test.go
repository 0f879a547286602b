package main

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// MustIngestDir builds an index directory from ingestCSV through the
// ingest command, twice (a previous and a current build), and returns it
// with the current build's name.
func MustIngestDir(tb testing.TB) (dir, current string) {
	tb.Helper()
	tmp := tb.TempDir()
	dir = filepath.Join(tmp, "index")
	file := MustWriteFile(tb, tmp, "lieux.csv", ingestCSV)
	for range 2 {
		if stdout, stderr, status := runCmd(tb, "ingest", "-index", dir, "-quiet", file); status != 0 {
			tb.Fatalf("ingest: exit status %d\n%s%s", status, stdout, stderr)
		}
	}
	b, err := os.ReadFile(filepath.Join(dir, "CURRENT"))
	if err != nil {
		tb.Fatal(err)
	}
	return dir, strings.TrimSpace(string(b))
}

func TestVerifyCommand(t *testing.T) {
	t.Run("sound", func(t *testing.T) {
		dir, cur := MustIngestDir(t)
		stdout, stderr, status := runCmd(t, "verify", "-index", dir)
		if status != 0 {
			t.Fatalf("verify: exit status %d\n%s%s", status, stdout, stderr)
		}
		for _, want := range []string{
			cur + " (current): OK",
			"(previous): OK",
			"lieux.csv (" + strconv.Itoa(len(ingestCSV)) + " bytes); 3 places",
			"sizes, CRC-32C and SHA-256 as the manifest says",
			"current build sound",
		} {
			if !strings.Contains(stdout, want) {
				t.Errorf("stdout does not say %q:\n%s", want, stdout)
			}
		}
	})
	t.Run("damaged", func(t *testing.T) {
		dir, cur := MustIngestDir(t)
		places := filepath.Join(dir, cur, "places.jsonl")
		b, err := os.ReadFile(places)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(places, b[:strings.IndexByte(string(b), '\n')+1], 0o644); err != nil {
			t.Fatal(err)
		}
		stdout, stderr, status := runCmd(t, "verify", "-index", dir)
		if status != 1 {
			t.Fatalf("verify: exit status %d, want 1\n%s%s", status, stdout, stderr)
		}
		for _, want := range []string{
			cur + " (current): DAMAGED",
			"damaged: places.jsonl: holds 1 place where the manifest lists 3",
			"(previous): OK",
			"current build DAMAGED: serve falls back on the previous build",
		} {
			if !strings.Contains(stdout, want) {
				t.Errorf("stdout does not say %q:\n%s", want, stdout)
			}
		}
	})
	t.Run("not an index directory", func(t *testing.T) {
		_, stderr, status := runCmd(t, "verify", "-index", t.TempDir())
		if status != 1 {
			t.Errorf("exit status %d, want 1 (stderr %q)", status, stderr)
		}
	})
	t.Run("no -index", func(t *testing.T) {
		t.Setenv("TIERSLIEUX_INDEX", "")
		_, stderr, status := runCmd(t, "verify")
		if status != 2 || !strings.Contains(stderr, "Usage: tierslieux verify") {
			t.Errorf("exit status %d, stderr %q; want 2 and the usage", status, stderr)
		}
	})
}
