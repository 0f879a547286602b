package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"
)

// reloadCSV is a small export whose n-th version holds a place named
// after n, so a search tells which build answered.
func reloadCSV(n int) string {
	return fmt.Sprintf(`id,name,type,services,code_insee,commune
r-1,La Loco Ruthénoise,Coworking,wifi,12202,Rodez
r-2,Le Lab du Viaduc,Fablab,impression 3D,12145,Millau
r-v,Version%d Tiers-Lieu,Coworking,wifi,81004,Albi
`, n)
}

// ingestVersion writes version n of the export and ingests it into dir.
func ingestVersion(t *testing.T, dir string, n int) {
	t.Helper()
	file := MustWriteFile(t, t.TempDir(), "lieux.csv", reloadCSV(n))
	if _, stderr, status := runCmd(t, "ingest", "-index", dir, "-quiet", file); status != 0 {
		t.Fatalf("ingest %d: exit status %d: %s", n, status, stderr)
	}
}

// dataVersion is /healthz's version.
func dataVersion(c *http.Client, base string) (string, error) {
	resp, err := c.Get(base + "/healthz")
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	var h struct {
		Version string `json:"version"`
	}
	err = json.NewDecoder(resp.Body).Decode(&h)
	return h.Version, err
}

// TestReloadUnderLoad: ten ingests commit new builds while clients
// search as fast as they can; every request succeeds, and each build is
// served within 2 s of its commit.
func TestReloadUnderLoad(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "index")
	ingestVersion(t, dir, 0)
	keysFile := filepath.Join(t.TempDir(), "keys.json")
	key := mustKey(t, keysFile, "-scope", "ingest")
	var logs logBuffer
	base, stop := MustServe(t, serveConfig{Addr: "127.0.0.1:0", Index: dir, Keys: keysFile, Watch: 100 * time.Millisecond, Drain: 5 * time.Second},
		slog.New(slog.NewTextHandler(&logs, nil)))

	ld := startLoad(base+"/v1/search?q=tiers-lieu&limit=5", 4)
	c := &http.Client{Timeout: 5 * time.Second}
	for n := 1; n <= 10; n++ {
		before, err := dataVersion(c, base)
		if err != nil {
			t.Fatal(err)
		}
		ingestVersion(t, dir, n)
		committed := time.Now()
		for {
			v, err := dataVersion(c, base)
			if err != nil {
				t.Fatal(err)
			}
			if v != before {
				if d := time.Since(committed); d > 2*time.Second {
					t.Errorf("build %d served %v after its commit, want within 2 s", n, d)
				}
				break
			}
			if time.Since(committed) > 5*time.Second {
				t.Fatalf("build %d not served 5 s after its commit", n)
			}
			time.Sleep(20 * time.Millisecond)
		}
		// The new data answers.
		resp, err := c.Get(base + fmt.Sprintf("/v1/search?q=Version%d", n))
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if !strings.Contains(string(body), fmt.Sprintf("Version%d Tiers-Lieu", n)) {
			t.Errorf("after reload %d, the search does not find the new place: %.300s", n, body)
		}
	}
	// And an upsert through the write API, under the same load: served
	// when its task says done.
	asked := time.Now()
	a := submit(t, base, key, http.MethodPost, "/v1/admin/uploads?mode=upsert&format=csv", "",
		"id,name,type,code_insee,commune\nr-u,Upserted Tiers-Lieu,Coworking,31555,Toulouse\n")
	if a.Task.State != "done" {
		t.Fatalf("upsert under load: %+v", a.Task)
	}
	t.Logf("upsert under load done in %v", time.Since(asked).Round(time.Millisecond))
	if got := names(t, base, "", "q=Upserted"); !slices.Contains(got, "Upserted Tiers-Lieu") {
		t.Errorf("after the upsert, q=Upserted finds %v", got)
	}
	var metrics bytes.Buffer
	if resp, err := c.Get(base + "/metrics"); err == nil {
		io.Copy(&metrics, resp.Body)
		resp.Body.Close()
	}
	for _, want := range []string{"tierslieux_reloads_total 11", `tierslieux_admin_tasks_total{kind="upsert",outcome="done"} 1`} {
		if !strings.Contains(metrics.String(), want) {
			t.Errorf("/metrics lacks %q", want)
		}
	}
	requests, failures, firstFailures := ld.stop()
	if err := stop(); err != nil {
		t.Errorf("serve returned %v", err)
	}
	if failures != 0 {
		t.Errorf("%d of %d requests failed during the reloads and the upsert, first: %v", failures, requests, firstFailures)
	}
	if requests < 100 {
		t.Errorf("only %d requests during ten reloads", requests)
	}
	if got := strings.Count(logs.String(), "msg=reloaded"); got != 11 {
		t.Errorf("%d reloads logged, want 11 (10 ingests, 1 upsert):\n%s", got, logs.String())
	}
	t.Logf("%d requests during 10 reloads and an upsert, none failed", requests)
}

// TestReloadDamagedBuild: a new build that does not open leaves the one
// in service serving, logged; SIGHUP asks for the reload.
func TestReloadDamagedBuild(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "index")
	ingestVersion(t, dir, 0)
	var logs logBuffer
	base, _ := MustServe(t, serveConfig{Addr: "127.0.0.1:0", Index: dir}, slog.New(slog.NewTextHandler(&logs, nil)))
	c := &http.Client{Timeout: 5 * time.Second}
	before, err := dataVersion(c, base)
	if err != nil {
		t.Fatal(err)
	}
	// A new build whose places file is then cut short, before any reload.
	ingestVersion(t, dir, 1)
	cur, err := os.ReadFile(filepath.Join(dir, "CURRENT"))
	if err != nil {
		t.Fatal(err)
	}
	places := filepath.Join(dir, strings.TrimSpace(string(cur)), "places.jsonl")
	data, err := os.ReadFile(places)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(places, data[:len(data)/2], 0o644); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Kill(os.Getpid(), syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 200 && !strings.Contains(logs.String(), "reload: the new build is damaged"); i++ {
		time.Sleep(25 * time.Millisecond)
	}
	if !strings.Contains(logs.String(), "reload: the new build is damaged") {
		t.Fatalf("a damaged build was not logged:\n%s", logs.String())
	}
	if v, err := dataVersion(c, base); err != nil || v != before {
		t.Errorf("serving %s (%v) after a damaged build; want %s still", v, err, before)
	}
	resp, err := c.Get(base + "/v1/search?q=Version0")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), "Version0 Tiers-Lieu") {
		t.Errorf("the old build does not answer: %d %.300s", resp.StatusCode, body)
	}
}

// TestKillDuringReload runs the command: killed with SIGKILL while it
// reloads, the next start serves the last good build.
func TestKillDuringReload(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the command")
	}
	bin := mustBinary(t)
	dir := filepath.Join(t.TempDir(), "index")
	ingestVersion(t, dir, 0)
	start := func() (*exec.Cmd, string, *logBuffer) {
		cmd := exec.Command(bin, "serve", "-addr", "127.0.0.1:0", "-index", dir, "-watch", "20ms")
		var logs logBuffer
		cmd.Stderr = &logs
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		re := regexp.MustCompile(`addr=(http://\S+)`)
		for i := 0; i < 600; i++ {
			if m := re.FindStringSubmatch(logs.String()); m != nil {
				return cmd, m[1], &logs
			}
			time.Sleep(50 * time.Millisecond)
		}
		cmd.Process.Kill()
		t.Fatalf("serve did not listen:\n%s", logs.String())
		return nil, "", nil
	}
	cmd, _, logs := start()
	// Commit a new build and kill the server as it reloads.
	ingestVersion(t, dir, 1)
	for i := 0; i < 400 && !strings.Contains(logs.String(), "reloaded"); i++ {
		time.Sleep(time.Millisecond)
	}
	cmd.Process.Signal(syscall.SIGKILL)
	cmd.Wait()

	cmd, base, _ := start()
	defer func() { cmd.Process.Signal(syscall.SIGTERM); cmd.Wait() }()
	c := &http.Client{Timeout: 5 * time.Second}
	cur, err := os.ReadFile(filepath.Join(dir, "CURRENT"))
	if err != nil {
		t.Fatal(err)
	}
	v, err := dataVersion(c, base)
	if err != nil {
		t.Fatal(err)
	}
	if v != strings.TrimSpace(string(cur)) {
		t.Errorf("after the kill, serving %s; the last good build is %s", v, strings.TrimSpace(string(cur)))
	}
	resp, err := c.Get(base + "/v1/search?q=Version1")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(body), "Version1 Tiers-Lieu") {
		t.Errorf("the restarted server does not serve the last build: %.300s", body)
	}
}
