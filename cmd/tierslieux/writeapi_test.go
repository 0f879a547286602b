package main

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tierslieux/tierslieux/cmd/internal/embedded"
	"github.com/tierslieux/tierslieux/index"
)

// mustKey adds a key to a keys file with the CLI and returns its secret.
func mustKey(t *testing.T, file string, args ...string) string {
	t.Helper()
	stdout, stderr, status := runCmd(t, append([]string{"keys", "add", "-file", file}, args...)...)
	if status != 0 {
		t.Fatalf("keys add %v: exit %d: %s", args, status, stderr)
	}
	secret := strings.TrimSpace(stdout)
	if !strings.HasPrefix(secret, "tlk_") {
		t.Fatalf("keys add printed %q, want a secret", stdout)
	}
	return secret
}

// call sends a request with a key and decodes the JSON answer into v
// (when not nil), returning the status and headers.
func call(t *testing.T, method, url, key, contentType string, body io.Reader, v any) (int, http.Header) {
	t.Helper()
	req, err := http.NewRequest(method, url, body)
	if err != nil {
		t.Fatal(err)
	}
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if v != nil {
		if err := json.Unmarshal(b, v); err != nil {
			t.Fatalf("%s %s: %d %v: %s", method, url, resp.StatusCode, err, b)
		}
	}
	return resp.StatusCode, resp.Header
}

type taskAnswer struct {
	Task struct {
		ID, Kind, Mode, State string
		Version               *struct {
			ID     string
			Places int
		}
		Report *struct {
			Indexed, Rejected int
			Entries           []struct {
				File, Severity, Field, Reason string
				Line                          int
			}
		}
		Error *struct{ Code, Message string }
	}
}

// awaitTask polls a task until it ends.
func awaitTask(t *testing.T, base, key, id string) taskAnswer {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		var a taskAnswer
		if st, _ := call(t, http.MethodGet, base+"/v1/admin/tasks/"+id, key, "", nil, &a); st != http.StatusOK {
			t.Fatalf("task %s: status %d", id, st)
		}
		if a.Task.State == "done" || a.Task.State == "failed" {
			return a
		}
		if time.Now().After(deadline) {
			t.Fatalf("task %s still %s after 30 s", id, a.Task.State)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// submit sends a change and waits for its task.
func submit(t *testing.T, base, key, method, path, contentType, body string) taskAnswer {
	t.Helper()
	var a taskAnswer
	st, h := call(t, method, base+path, key, contentType, strings.NewReader(body), &a)
	if st != http.StatusAccepted {
		t.Fatalf("%s %s: status %d, want 202", method, path, st)
	}
	if loc := h.Get("Location"); loc != "/v1/admin/tasks/"+a.Task.ID {
		t.Errorf("Location %q, want the task's", loc)
	}
	return awaitTask(t, base, key, a.Task.ID)
}

// names returns the names a search finds, with a key.
func names(t *testing.T, base, key, query string) []string {
	t.Helper()
	var res struct {
		Results []struct{ Name string }
	}
	if st, _ := call(t, http.MethodGet, base+"/v1/search?"+query, key, "", nil, &res); st != http.StatusOK {
		t.Fatalf("search %s: status %d", query, st)
	}
	var out []string
	for _, r := range res.Results {
		out = append(out, r.Name)
	}
	return out
}

// TestWriteAPI runs the write API end to end on a real server over an
// index directory: keys made with the CLI, a rebuild, an upsert with a
// rejected record reported by line and field, a deletion, a snapshot
// restored offline into another directory, scoped and refused keys.
func TestWriteAPI(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "index")
	ingestVersion(t, dir, 0)
	keysFile := filepath.Join(t.TempDir(), "keys.json")
	admin := mustKey(t, keysFile, "-scope", "admin", "-id", "ops")
	ingestKey := mustKey(t, keysFile, "-scope", "ingest")
	aveyron := mustKey(t, keysFile, "-scope", "search", "-id", "aveyron", "-depts", "12")
	if b, err := os.ReadFile(keysFile); err != nil || bytes.Contains(b, []byte(admin)) {
		t.Fatalf("the keys file holds a secret (or does not read: %v)", err)
	}
	if fi, err := os.Stat(keysFile); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("keys file mode %v, want 0600", fi.Mode().Perm())
	}
	stdout, _, _ := runCmd(t, "keys", "list", "-file", keysFile)
	if !strings.Contains(stdout, "aveyron") || !strings.Contains(stdout, "depts 12") || strings.Contains(stdout, aveyron) {
		t.Errorf("keys list:\n%s", stdout)
	}

	var logs logBuffer
	base, _ := MustServe(t, serveConfig{Addr: "127.0.0.1:0", Index: dir, Keys: keysFile, Watch: 100 * time.Millisecond, Drain: 5 * time.Second},
		slog.New(slog.NewTextHandler(&logs, nil)))

	// Refusals: no key, a wrong one, too small a scope.
	var e struct{ Error struct{ Code string } }
	for _, tc := range []struct {
		key    string
		status int
		code   string
	}{{"", 401, "unauthorized"}, {"tlk_wrong", 401, "unauthorized"}, {aveyron, 403, "forbidden"}, {ingestKey, 403, "forbidden"}} {
		if st, _ := call(t, http.MethodPost, base+"/v1/admin/reload", tc.key, "", nil, &e); st != tc.status || e.Error.Code != tc.code {
			t.Errorf("reload with key %.8q: %d %s, want %d %s", tc.key, st, e.Error.Code, tc.status, tc.code)
		}
	}

	// Rebuild from an upload.
	csv := "id,name,type,services,code_insee,commune\n" +
		"w-1,Atelier Numérique de Rodez,Fablab,impression 3D,12202,Rodez\n" +
		"w-2,Cowork Albigeois,Coworking,wifi,81004,Albi\n"
	a := submit(t, base, ingestKey, http.MethodPost, "/v1/admin/uploads?mode=rebuild&format=csv", "", csv)
	if a.Task.State != "done" || a.Task.Version == nil || a.Task.Version.Places != 2 || a.Task.Report == nil || a.Task.Report.Indexed != 2 {
		t.Fatalf("rebuild: %+v", a.Task)
	}
	if got := names(t, base, "", "limit=50"); len(got) != 2 {
		t.Fatalf("after the rebuild, %d places: %v", len(got), got)
	}

	// Upsert: one new, one replaced, one rejected and reported.
	up := "id,name,type,services,code_insee,commune\n" +
		"w-2,Cowork Albigeois Centre,Coworking,wifi,81004,Albi\n" +
		"w-3,Espace Numérique de Millau,Médiation numérique,,12145,Millau\n" +
		"w-4,,Coworking,wifi,12202,Rodez\n"
	a = submit(t, base, ingestKey, http.MethodPost, "/v1/admin/uploads?mode=upsert", "text/csv", up)
	if a.Task.State != "done" || a.Task.Version.Places != 3 || a.Task.Report.Rejected != 1 {
		t.Fatalf("upsert: %+v, report %+v", a.Task, a.Task.Report)
	}
	if r := a.Task.Report.Entries; len(r) != 1 || r[0].Line != 4 || r[0].Field != "name" || !strings.HasPrefix(r[0].File, "upload-") {
		t.Errorf("upsert's rejected record reported as %+v, want line 4, field name", r)
	}
	found := names(t, base, "", "limit=50")
	slices.Sort(found)
	if got := strings.Join(found, "|"); got != "Atelier Numérique de Rodez|Cowork Albigeois Centre|Espace Numérique de Millau" {
		t.Errorf("after the upsert: %s", got)
	}

	// The partner's key sees only the Aveyron, whatever it asks.
	if got := names(t, base, aveyron, "limit=50&dept=81"); len(got) != 0 {
		t.Errorf("an Aveyron key searching the Tarn found %v", got)
	}
	if got := names(t, base, aveyron, "limit=50"); len(got) != 2 {
		t.Errorf("an Aveyron key found %v, want the 2 Aveyron places", got)
	}

	// Delete, then delete again: not found, reported in the task.
	a = submit(t, base, ingestKey, http.MethodDelete, "/v1/admin/places/w-1", "", "")
	if a.Task.State != "done" || a.Task.Version.Places != 2 {
		t.Fatalf("delete: %+v", a.Task)
	}
	a = submit(t, base, ingestKey, http.MethodDelete, "/v1/admin/places/w-1", "", "")
	if a.Task.State != "failed" || a.Task.Error == nil || a.Task.Error.Code != "not_found" {
		t.Errorf("second delete: %+v", a.Task)
	}

	// A bad upload is refused at once, naming the parameter.
	if st, _ := call(t, http.MethodPost, base+"/v1/admin/uploads?mode=merge&format=csv", ingestKey, "", strings.NewReader(csv), nil); st != http.StatusBadRequest {
		t.Errorf("mode=merge: %d, want 400", st)
	}

	// Snapshot through the API, restored offline elsewhere.
	if st, _ := call(t, http.MethodPost, base+"/v1/admin/snapshot", ingestKey, "", nil, nil); st != http.StatusForbidden {
		t.Errorf("snapshot with an ingest key: %d, want 403", st)
	}
	req, _ := http.NewRequest(http.MethodPost, base+"/v1/admin/snapshot", nil)
	req.Header.Set("Authorization", "Bearer "+admin)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	tarball := filepath.Join(t.TempDir(), "snap.tar.gz")
	f, _ := os.Create(tarball)
	io.Copy(f, resp.Body)
	f.Close()
	resp.Body.Close()
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/gzip" {
		t.Fatalf("snapshot: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	other := filepath.Join(t.TempDir(), "restored")
	if _, stderr, st := runCmd(t, "restore", "-index", other, tarball); st != 0 {
		t.Fatalf("restore: %d %s", st, stderr)
	}
	if out, stderr, st := runCmd(t, "verify", "-index", other); st != 0 || !strings.Contains(out, "2 places") {
		t.Errorf("verify of the restored snapshot: %d\n%s%s", st, out, stderr)
	}
	// And the offline snapshot of the served directory is the same data.
	offline := filepath.Join(t.TempDir(), "offline.tar.gz")
	if _, stderr, st := runCmd(t, "snapshot", "-index", dir, "-o", offline); st != 0 {
		t.Fatalf("snapshot: %d %s", st, stderr)
	}

	// Revoking a key takes effect without a restart: the file is watched.
	if _, stderr, st := runCmd(t, "keys", "remove", "-file", keysFile, "aveyron"); st != 0 {
		t.Fatalf("keys remove: %s", stderr)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		st, _ := call(t, http.MethodGet, base+"/v1/search?limit=1", aveyron, "", nil, nil)
		if st == http.StatusUnauthorized {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("a removed key still answers %d", st)
		}
		time.Sleep(100 * time.Millisecond)
	}
	if strings.Contains(logs.String(), admin) || strings.Contains(logs.String(), aveyron) {
		t.Error("a secret reached the log")
	}
}

// TestNoKeysNoWriteAPI: without -keys, the write API does not exist.
func TestNoKeysNoWriteAPI(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "index")
	ingestVersion(t, dir, 0)
	base, _ := MustServe(t, serveConfig{Addr: "127.0.0.1:0", Index: dir}, slog.New(slog.DiscardHandler))
	for _, path := range []string{"/v1/admin/reload", "/v1/admin/uploads?mode=rebuild&format=csv", "/v1/admin/snapshot"} {
		if st, _ := call(t, http.MethodPost, base+path, "", "", nil, nil); st != http.StatusNotFound {
			t.Errorf("POST %s without -keys: %d, want 404", path, st)
		}
	}
	if err := serve(t.Context(), serveConfig{Addr: "127.0.0.1:0", RequireKey: true}, slog.New(slog.DiscardHandler), nil); err == nil || !strings.Contains(err.Error(), "-keys") {
		t.Errorf("-require-key without -keys: %v", err)
	}
}

// TestUploadWaitsForIngest: an upload that comes while a command-line
// ingest holds the index directory runs after it, not beside it nor
// instead of it.
func TestUploadWaitsForIngest(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "index")
	ingestVersion(t, dir, 0)
	keysFile := filepath.Join(t.TempDir(), "keys.json")
	key := mustKey(t, keysFile, "-scope", "ingest")
	base, _ := MustServe(t, serveConfig{Addr: "127.0.0.1:0", Index: dir, Keys: keysFile}, slog.New(slog.DiscardHandler))

	g, err := embedded.Gazetteer()
	if err != nil {
		t.Fatal(err)
	}
	held, err := index.NewBuilder(dir, g) // the "other ingest"
	if err != nil {
		t.Fatal(err)
	}
	var a taskAnswer
	csv := "id,name,type,code_insee,commune\nu-1,Tiers-Lieu Attendu,Coworking,12202,Rodez\n"
	if st, _ := call(t, http.MethodPost, base+"/v1/admin/uploads?mode=upsert&format=csv", key, "", strings.NewReader(csv), &a); st != http.StatusAccepted {
		t.Fatalf("upload: %d", st)
	}
	time.Sleep(1500 * time.Millisecond)
	var now taskAnswer
	call(t, http.MethodGet, base+"/v1/admin/tasks/"+a.Task.ID, key, "", nil, &now)
	if now.Task.State != "running" {
		t.Errorf("while another ingest holds the directory, the task is %s, want running", now.Task.State)
	}
	held.Abort()
	done := awaitTask(t, base, key, a.Task.ID)
	if done.Task.State != "done" || done.Task.Version.Places != 4 {
		t.Errorf("after the other ingest: %+v", done.Task)
	}
}
