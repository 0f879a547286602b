package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"flag"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
)

// runCmd runs the command line as main would, and returns what it wrote
// and its exit status.
func runCmd(tb testing.TB, args ...string) (stdout, stderr string, status int) {
	tb.Helper()
	var out, errOut bytes.Buffer
	err := run(context.Background(), args, &out, &errOut)
	return out.String(), errOut.String(), exitStatus(err)
}

// exitStatus is the status main exits with for an error of run.
func exitStatus(err error) int {
	var exit exitError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &exit):
		return int(exit)
	case errors.Is(err, flag.ErrHelp):
		return 2
	}
	return 1
}

// tableRows returns the rows of the first tabwriter table in out: the
// lines after the header that starts with header, up to a blank line.
func tableRows(out, header string) []string {
	var rows []string
	in := false
	for _, line := range strings.Split(out, "\n") {
		switch {
		case !in && strings.HasPrefix(line, header):
			in = true
		case in && strings.TrimSpace(line) == "":
			return rows
		case in:
			rows = append(rows, line)
		}
	}
	return rows
}

// anyFailure, as a wanted exit status, accepts any but 0.
const anyFailure = -1

func TestRun(t *testing.T) {
	cases := []struct {
		name    string
		args    []string
		status  int
		stdout  []string // substrings of stdout
		stderr  []string // substrings of stderr
		rows    int      // rows of the results table, when ≥ 0
		rowsHdr string
	}{
		{name: "geocode Rodez", args: []string{"geocode", "Rodez"}, stdout: []string{"Rodez", "12202", "geonames", "12 Aveyron"}, rows: -1},
		{name: "geocode two words", args: []string{"geocode", "Saint-Affrique,", "Aveyron"}, stdout: []string{"12208"}, rows: -1},
		{name: "geocode postcode", args: []string{"geocode", "-n", "1", "81000"}, stdout: []string{"Albi", "81004"}, rows: 1, rowsHdr: "NAME"},
		{name: "geocode département", args: []string{"geocode", "Aveyron"}, stdout: []string{"Aveyron", "12 (Occitanie)"}, rows: -1},
		{name: "geocode prefix", args: []string{"geocode", "-prefix", "-n", "3", "Rode"}, stdout: []string{"Rodez"}, rows: -1},
		{name: "synth csv", args: []string{"synth", "-n", "3"}, stdout: []string{"Synthétique"}, rows: 3, rowsHdr: "identifiant;"},
		{name: "synth bad n", args: []string{"synth", "-n", "-1"}, status: 2, rows: -1},
		{name: "geocode unknown", args: []string{"geocode", "Rodex"}, status: 1, stderr: []string{`no place matches "Rodex"`, "did you mean", "Rodez (12)"}, rows: -1},
		{name: "geocode nothing", args: []string{"geocode"}, status: 2, stderr: []string{"Usage: tierslieux geocode"}, rows: -1},
		// An undefined flag exits 1 (main prints the flag error again), where
		// other usage errors exit 2: any failure will do here.
		{name: "geocode bad flag", args: []string{"geocode", "-x", "Rodez"}, status: anyFailure, stderr: []string{"flag provided but not defined"}, rows: -1},
		{name: "search headline", args: []string{"search", "fablab with 3D printing within 30 km of Rodez"}, rows: 6, rowsHdr: "NAME",
			stdout: []string{"6 places, 6 shown", "L'Établi Ruthénois *", "0.2 km", "fictional demo entry", "type=fablab service=impression-3d near=12202 radius=30km"}},
		{name: "search words as arguments", args: []string{"search", "fablab", "with", "3D", "printing", "within", "30", "km", "of", "Rodez"}, rows: 6, rowsHdr: "NAME"},
		{name: "search limit", args: []string{"search", "-limit", "2", "fablab with 3D printing within 30 km of Rodez"}, rows: 2, rowsHdr: "NAME", stdout: []string{"6 places, 2 shown"}},
		{name: "search adaptive radius", args: []string{"search", "coworking près de Millau"}, rows: -1, stdout: []string{"radius widened to"}},
		{name: "search unknown place", args: []string{"search", "coworking près de Rodex"}, status: 1, stderr: []string{"tierslieux search:", "Rodez (12)"}, rows: -1},
		{name: "search bad limit", args: []string{"search", "-limit", "500", "fablab"}, status: 1, stderr: []string{"tierslieux search:", "500"}, rows: -1},
		{name: "search nothing", args: []string{"search"}, status: 2, stderr: []string{"Usage: tierslieux search"}, rows: -1},
		{name: "unknown command", args: []string{"frobnicate"}, status: 2, stderr: []string{`unknown command "frobnicate"`, "Usage: tierslieux COMMAND"}, rows: -1},
		{name: "no command", args: nil, status: 2, stderr: []string{"Usage: tierslieux COMMAND"}, rows: -1},
		{name: "help", args: []string{"help"}, stdout: []string{"Usage: tierslieux COMMAND", "serve", "ingest"}, rows: -1},
		{name: "serve extra argument", args: []string{"serve", "extra"}, status: 2, rows: -1},
		{name: "ingest without index", args: []string{"ingest", "file.csv"}, status: 2, stderr: []string{"Usage: tierslieux ingest"}, rows: -1},
		{name: "ingest bad area", args: []string{"ingest", "-index", "unused", "-area", "mars", "file.csv"}, status: 1, rows: -1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			stdout, stderr, status := runCmd(t, tc.args...)
			if status != tc.status && !(tc.status == anyFailure && status != 0) {
				t.Errorf("exit status %d, want %d\nstdout:\n%s\nstderr:\n%s", status, tc.status, stdout, stderr)
			}
			for _, want := range tc.stdout {
				if !strings.Contains(stdout, want) {
					t.Errorf("stdout lacks %q:\n%s", want, stdout)
				}
			}
			for _, want := range tc.stderr {
				if !strings.Contains(stderr, want) {
					t.Errorf("stderr lacks %q:\n%s", want, stderr)
				}
			}
			if tc.rows >= 0 {
				if rows := tableRows(stdout, tc.rowsHdr); len(rows) != tc.rows {
					t.Errorf("%d table rows, want %d:\n%s", len(rows), tc.rows, stdout)
				}
			}
		})
	}
}

// TestServeBadResultCache: -result-cache out of bounds is refused before
// anything is served, naming the flag.
func TestServeBadResultCache(t *testing.T) {
	for _, v := range []string{"-1", "65537", "9000000000"} {
		err := run(context.Background(), []string{"serve", "-addr", "127.0.0.1:0", "-result-cache", v}, io.Discard, io.Discard)
		if err == nil || !strings.Contains(err.Error(), "-result-cache") {
			t.Errorf("-result-cache %s: %v, want an error naming the flag", v, err)
		}
	}
}

// TestServeBadGzipMemo: so is -gzip-memo.
func TestServeBadGzipMemo(t *testing.T) {
	for _, v := range []string{"-1", "4097", "9000000000"} {
		err := run(context.Background(), []string{"serve", "-addr", "127.0.0.1:0", "-gzip-memo", v}, io.Discard, io.Discard)
		if err == nil || !strings.Contains(err.Error(), "-gzip-memo") {
			t.Errorf("-gzip-memo %s: %v, want an error naming the flag", v, err)
		}
	}
}

// MustServe starts serve on a free port and returns its base URL, and a
// stop function that cancels it and returns what serve returned.
func MustServe(tb testing.TB, cfg serveConfig, log *slog.Logger) (base string, stop func() error) {
	tb.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	addr := make(chan string, 1)
	done := make(chan error, 1)
	go func() { done <- serve(ctx, cfg, log, func(a string) { addr <- a }) }()
	select {
	case a := <-addr:
		base = "http://" + a
	case err := <-done:
		cancel()
		tb.Fatalf("serve returned before listening: %v", err)
	}
	var once sync.Once
	var err error
	stop = func() error {
		once.Do(func() {
			cancel()
			err = <-done
		})
		return err
	}
	tb.Cleanup(func() { stop() })
	return base, stop
}

// MustGet GETs a URL and decodes its JSON answer into v, returning the
// status.
func MustGet(tb testing.TB, c *http.Client, url string, v any) int {
	tb.Helper()
	resp, err := c.Get(url)
	if err != nil {
		tb.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		tb.Fatal(err)
	}
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		tb.Errorf("GET %s: Content-Type %q", url, ct)
	}
	if err := json.Unmarshal(body, v); err != nil {
		tb.Fatalf("GET %s: %v: %s", url, err, body)
	}
	return resp.StatusCode
}

// logBuffer is a buffer the server's goroutines and the test share.
type logBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// TestServe runs the real server over the demo data on a free port,
// queries it over HTTP, and shuts it down by cancelling its context.
func TestServe(t *testing.T) {
	var logs logBuffer
	log := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	base, stop := MustServe(t, serveConfig{Addr: "127.0.0.1:0", Debug: true}, log)
	c := &http.Client{}

	var health struct {
		Status  string `json:"status"`
		Places  int    `json:"places"`
		Version string `json:"version"`
	}
	if status := MustGet(t, c, base+"/healthz", &health); status != http.StatusOK || health.Status != "ok" || health.Places != 111 || !strings.HasPrefix(health.Version, "mem-") {
		t.Errorf("healthz: %d %+v, want 200 ok with 111 places and the data's version", status, health)
	}
	var res struct {
		Total   int `json:"total"`
		Results []struct {
			ID string `json:"id"`
		} `json:"results"`
	}
	if status := MustGet(t, c, base+"/v1/search?q=fablab+with+3D+printing+within+30+km+of+Rodez", &res); status != http.StatusOK || res.Total != 6 || len(res.Results) != 6 || res.Results[0].ID != "tlo-008" {
		t.Errorf("search: %d %+v, want 200 and the 6 fablabs, tlo-008 first", status, res)
	}
	var e struct {
		Error struct{ Code, Param string } `json:"error"`
	}
	if status := MustGet(t, c, base+"/v1/search?near=Rodez&radius=5000km", &e); status != http.StatusBadRequest || e.Error.Param != "radius" {
		t.Errorf("bad radius: %d %+v", status, e)
	}
	c.CloseIdleConnections()

	if err := stop(); err != nil {
		t.Errorf("serve returned %v after cancel, want nil", err)
	}
	for _, want := range []string{"catalog ready", "places=111", "listening", "path=/v1/search", "shutting down"} {
		if !strings.Contains(logs.String(), want) {
			t.Errorf("log lacks %q:\n%s", want, logs.String())
		}
	}
	if _, err := c.Get(base + "/healthz"); err == nil {
		t.Error("server still answers after shutdown")
	}
}

// TestServeListenError checks that an address in use is an error, not a
// hang.
func TestServeListenError(t *testing.T) {
	base, _ := MustServe(t, serveConfig{Addr: "127.0.0.1:0"}, slog.New(slog.DiscardHandler))
	err := serve(context.Background(), serveConfig{Addr: strings.TrimPrefix(base, "http://")}, slog.New(slog.DiscardHandler), nil)
	if err == nil || !strings.Contains(err.Error(), "listen") {
		t.Errorf("serve on a busy address = %v, want a listen error", err)
	}
}

// ingestCSV holds four records on real Occitanie communes, the last with
// no name: three are indexed, one rejected, on line 5.
const ingestCSV = `id,name,type,services,code_insee,commune
t-1,La Loco Ruthénoise,Coworking,wifi|fibre,12202,Rodez
t-2,Le Lab du Viaduc,Fablab,impression 3D|découpe laser,12145,Millau
t-3,La Maison du Numérique Albigeoise,Médiation numérique,,81004,Albi
t-4,,Coworking,,12202,Rodez
`

// MustWriteFile writes a file in a test's temporary directory.
func MustWriteFile(tb testing.TB, dir, name, content string) string {
	tb.Helper()
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		tb.Fatal(err)
	}
	return path
}

func TestIngest(t *testing.T) {
	tmp := t.TempDir()
	dir := filepath.Join(tmp, "index")
	file := MustWriteFile(t, tmp, "lieux.csv", ingestCSV)

	stdout, stderr, status := runCmd(t, "ingest", "-index", dir, "-quiet", file)
	if status != 0 {
		t.Fatalf("ingest: exit status %d\n%s%s", status, stdout, stderr)
	}
	if !regexp.MustCompile(`(?m)^read 4, indexed 3, .*rejected 1$`).MatchString(stdout) {
		t.Errorf("summary: want a line \"read 4, indexed 3, ... rejected 1\":\n%s", stdout)
	}
	if !strings.Contains(stdout, "index "+dir+" ready") {
		t.Errorf("stdout does not say the index is ready:\n%s", stdout)
	}
	if stderr != "" {
		t.Errorf("-quiet ingest wrote to stderr:\n%s", stderr)
	}

	t.Run("report", func(t *testing.T) {
		f, err := os.Open(filepath.Join(dir, "report.csv"))
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		rows, err := csv.NewReader(f).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) < 2 {
			t.Fatalf("report.csv has %d rows:\n%v", len(rows), rows)
		}
		col := map[string]int{}
		for i, h := range rows[0] {
			col[h] = i
		}
		for _, h := range []string{"file", "line", "id", "severity", "field"} {
			if _, ok := col[h]; !ok {
				t.Fatalf("report.csv header %v lacks %q", rows[0], h)
			}
		}
		var rejected [][]string
		for _, r := range rows[1:] {
			if r[col["severity"]] == "rejected" {
				rejected = append(rejected, r)
			}
		}
		if len(rejected) != 1 {
			t.Fatalf("%d rejected rows in report.csv, want 1:\n%v", len(rejected), rows)
		}
		r := rejected[0]
		if r[col["line"]] != "5" || r[col["id"]] != "t-4" || r[col["field"]] != "name" || !strings.HasSuffix(r[col["file"]], "lieux.csv") {
			t.Errorf("rejected row %v, want lieux.csv line 5, t-4, field name", r)
		}
	})

	search := func(t *testing.T, query string, want ...string) {
		t.Helper()
		stdout, stderr, status := runCmd(t, "search", "-index", dir, query)
		if status != 0 {
			t.Fatalf("search %q: exit status %d\n%s%s", query, status, stdout, stderr)
		}
		for _, w := range want {
			if !strings.Contains(stdout, w) {
				t.Errorf("search %q: output lacks %q:\n%s", query, w, stdout)
			}
		}
		if strings.Contains(stdout, "*") {
			t.Errorf("search %q: ingested places marked as demo entries:\n%s", query, stdout)
		}
	}
	t.Run("search", func(t *testing.T) {
		search(t, "fablab près de Millau", "Le Lab du Viaduc", "Millau (12)", "1 places")
		search(t, "coworking à Rodez", "La Loco Ruthénoise")
		search(t, "numérique", "La Maison du Numérique Albigeoise", "Albi (81)")
		search(t, "impression 3D", "Le Lab du Viaduc")
	})

	t.Run("strict", func(t *testing.T) {
		stdout, stderr, status := runCmd(t, "ingest", "-index", dir, "-quiet", "-strict", file)
		if status != 3 {
			t.Errorf("-strict with a rejected record: exit status %d, want 3\n%s%s", status, stdout, stderr)
		}
		if !strings.Contains(stdout, "rejected 1") {
			t.Errorf("-strict: no summary:\n%s", stdout)
		}
		search(t, "fablab près de Millau", "Le Lab du Viaduc")
	})

	t.Run("missing file keeps the index", func(t *testing.T) {
		current := func() (string, []string) {
			cur, err := os.ReadFile(filepath.Join(dir, "CURRENT"))
			if err != nil {
				t.Fatal(err)
			}
			builds, _ := filepath.Glob(filepath.Join(dir, "build-*"))
			return string(cur), builds
		}
		curBefore, buildsBefore := current()
		var out, errOut bytes.Buffer
		err := run(context.Background(), []string{"ingest", "-index", dir, "-quiet", filepath.Join(tmp, "missing.csv")}, &out, &errOut)
		var exit exitError
		if err == nil || errors.As(err, &exit) {
			t.Fatalf("ingest of a missing file = %v, want an error", err)
		}
		if !strings.Contains(err.Error(), "missing.csv") || !strings.Contains(err.Error(), "unchanged") {
			t.Errorf("error %q should name the file and say the index is unchanged", err)
		}
		if curAfter, buildsAfter := current(); curAfter != curBefore || !slices.Equal(buildsAfter, buildsBefore) {
			t.Errorf("CURRENT %q and builds %v became %q and %v", curBefore, buildsBefore, curAfter, buildsAfter)
		}
		search(t, "fablab près de Millau", "Le Lab du Viaduc")
		search(t, "coworking à Rodez", "La Loco Ruthénoise")
	})

	t.Run("serve the index", func(t *testing.T) {
		base, stop := MustServe(t, serveConfig{Addr: "127.0.0.1:0", Index: dir}, slog.New(slog.DiscardHandler))
		c := &http.Client{}
		var health struct{ Places int }
		if MustGet(t, c, base+"/healthz", &health); health.Places != 3 {
			t.Errorf("healthz places %d, want 3", health.Places)
		}
		var place struct {
			Name     string `json:"name"`
			DeptName string `json:"dept_name"`
		}
		if status := MustGet(t, c, base+"/v1/places/t-3", &place); status != http.StatusOK || place.Name != "La Maison du Numérique Albigeoise" || place.DeptName != "Tarn" {
			t.Errorf("place t-3: %d %+v", status, place)
		}
		c.CloseIdleConnections()
		if err := stop(); err != nil {
			t.Errorf("serve returned %v", err)
		}
	})
}
