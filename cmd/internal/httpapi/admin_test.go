package httpapi_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tierslieux/tierslieux/cmd/internal/httpapi"
	"github.com/tierslieux/tierslieux/index"
	"github.com/tierslieux/tierslieux/ingest"
)

// fakeWriter is an httpapi.Writer that records what it is asked and
// commits nothing. Each Ingest or Delete is a new version; with gate
// set, they wait for a value on it (or its closing) before answering,
// so a test sees a task queued and running. The errors force failures.
type fakeWriter struct {
	gate                                         chan struct{}
	ingestErr, deleteErr, reloadErr, snapshotErr error

	mu       sync.Mutex
	running  string // the upload's name or the place being deleted, "" between tasks
	uploads  []seenUpload
	deleted  []string
	order    []string // uploads' names and deleted IDs, in the order they ran
	versions int
	snaps    []*fakeSnapshot
}

// seenUpload is an upload as the writer got it, with its file's
// content then.
type seenUpload struct {
	httpapi.Upload
	Body string
}

var _ httpapi.Writer = (*fakeWriter)(nil)

func (f *fakeWriter) begin(what string) {
	f.mu.Lock()
	f.running = what
	f.order = append(f.order, what)
	f.mu.Unlock()
	if f.gate != nil {
		<-f.gate
	}
}

// commit counts a new version.
func (f *fakeWriter) commit(places int) index.Version {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.running = ""
	f.versions++
	return index.Version{ID: fmt.Sprintf("build-%d", f.versions), Places: places, BuiltAt: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)}
}

// Ingest reads the upload's lines as records after a header, rejecting
// those that say "bad".
func (f *fakeWriter) Ingest(_ context.Context, u httpapi.Upload) (*ingest.Report, index.Version, error) {
	b, err := os.ReadFile(u.Path)
	if err != nil {
		return nil, index.Version{}, err
	}
	f.mu.Lock()
	f.uploads = append(f.uploads, seenUpload{u, string(b)})
	f.mu.Unlock()
	f.begin(u.Name)
	rep := &ingest.Report{}
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	for i, l := range lines[1:] {
		rep.Read++
		if strings.Contains(l, "bad") {
			rep.Rejected++
			rep.Entries = append(rep.Entries, ingest.Entry{File: u.Name, Line: i + 2, Severity: ingest.SeverityRejected,
				Field: "lat", Reason: "invalid", Value: "bad", Message: "not a latitude"})
			continue
		}
		rep.Indexed++
	}
	if f.ingestErr != nil {
		f.mu.Lock()
		f.running = ""
		f.mu.Unlock()
		return rep, index.Version{}, f.ingestErr
	}
	return rep, f.commit(rep.Indexed), nil
}

func (f *fakeWriter) Delete(_ context.Context, id string) (index.Version, error) {
	f.begin(id)
	f.mu.Lock()
	f.deleted = append(f.deleted, id)
	f.mu.Unlock()
	if f.deleteErr != nil {
		f.mu.Lock()
		f.running = ""
		f.mu.Unlock()
		return index.Version{}, f.deleteErr
	}
	return f.commit(110), nil
}

func (f *fakeWriter) Reload(context.Context) (index.Version, error) {
	if f.reloadErr != nil {
		return index.Version{}, f.reloadErr
	}
	return index.Version{ID: "build-reloaded", Places: 111, BuiltAt: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)}, nil
}

func (f *fakeWriter) Snapshot(context.Context) (httpapi.Snapshot, error) {
	if f.snapshotErr != nil {
		return nil, f.snapshotErr
	}
	s := &fakeSnapshot{}
	f.mu.Lock()
	f.snaps = append(f.snaps, s)
	f.mu.Unlock()
	return s, nil
}

func (f *fakeWriter) isRunning(what string) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.running == what
}

// fakeSnapshot writes snapshotContent gzipped, and says whether it was
// closed.
type fakeSnapshot struct {
	mu     sync.Mutex
	closed bool
}

const snapshotContent = "a tar of build-7, as it were"

func (s *fakeSnapshot) Version() index.Version { return index.Version{ID: "build-7", Places: 111} }

func (s *fakeSnapshot) WriteTo(w io.Writer) (int64, error) {
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	zw.Write([]byte(snapshotContent))
	zw.Close()
	n, err := w.Write(b.Bytes())
	return int64(n), err
}

func (s *fakeSnapshot) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.closed = true
	return nil
}

// adminServer is a server with the write API over w, and its keys: one
// of each scope.
func adminServer(tb testing.TB, w httpapi.Admin, opts httpapi.Options) (*httpapi.Server, testKeys) {
	tb.Helper()
	k := MustKeys(tb, scopeKeys...)
	opts.Keys, opts.Admin = k.ring, w
	return httpapi.NewServer(MustBackend(tb), nil, opts), k
}

// taskBody is a task as the write API reports it.
type taskBody struct {
	ID       string    `json:"id"`
	Kind     string    `json:"kind"`
	Mode     string    `json:"mode"`
	Format   string    `json:"format"`
	Place    string    `json:"place"`
	State    string    `json:"state"`
	Created  time.Time `json:"created_at"`
	Started  time.Time `json:"started_at"`
	Finished time.Time `json:"finished_at"`
	Version  *struct {
		ID      string    `json:"id"`
		Places  int       `json:"places"`
		BuiltAt time.Time `json:"built_at"`
	} `json:"version"`
	Report *ingest.Report `json:"report"`
	Error  *struct {
		Code    string `json:"code"`
		Param   string `json:"param"`
		Message string `json:"message"`
	} `json:"error"`
}

// MustTask decodes a {"task": …} answer of this status.
func MustTask(tb testing.TB, rec *httptest.ResponseRecorder, status int) taskBody {
	tb.Helper()
	if rec.Code != status {
		tb.Fatalf("status %d, want %d; body %.500s", rec.Code, status, rec.Body.Bytes())
	}
	if mt := MustMediaType(tb, rec.Header()); mt != "application/json" {
		tb.Errorf("Content-Type %q, want application/json", mt)
	}
	var b struct {
		Task *taskBody `json:"task"`
	}
	MustDecode(tb, rec.Body.Bytes(), &b)
	if b.Task == nil || b.Task.ID == "" {
		tb.Fatalf("no task in %s", rec.Body.Bytes())
	}
	return *b.Task
}

// MustSubmit sends a write request that queues a task and returns the
// task as first reported.
func MustSubmit(tb testing.TB, h http.Handler, secret, method, target, body string, headers ...string) taskBody {
	tb.Helper()
	rec := MustDo(tb, h, newRequest(method, target, strings.NewReader(body), append([]string{"Authorization", "Bearer " + secret}, headers...)...))
	t := MustTask(tb, rec, http.StatusAccepted)
	if loc := rec.Header().Get("Location"); loc != "/v1/admin/tasks/"+t.ID {
		tb.Errorf("Location %q, want /v1/admin/tasks/%s", loc, t.ID)
	}
	// It may have run already.
	if !slices.Contains([]string{"queued", "running", "done", "failed"}, t.State) {
		tb.Errorf("a new task is %q", t.State)
	}
	return t
}

// MustFinish follows a task until it is done or failed, and returns it.
func MustFinish(tb testing.TB, h http.Handler, secret, id string) taskBody {
	tb.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		t := MustTask(tb, MustDo(tb, h, newRequest(http.MethodGet, "/v1/admin/tasks/"+id, nil, "Authorization", "Bearer "+secret)), http.StatusOK)
		if t.ID != id {
			tb.Fatalf("asked task %s, got %s", id, t.ID)
		}
		if t.State == "done" || t.State == "failed" {
			return t
		}
		if time.Now().After(deadline) {
			tb.Fatalf("task %s still %s after 5 s", id, t.State)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

// uploadsLeft lists the uploads' temporary files in dir.
func uploadsLeft(tb testing.TB, dir string) []string {
	tb.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		tb.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

const uploadCSV = "id,name,lat,lon\nx1,Un,44.1,3.0\nx2,Deux,bad,3.1\nx3,Trois,44.3,3.2\n"

// TestAdminUpload: an upload answers 202 at once with the task and where
// to follow it; the task runs the writer over the body saved to a file,
// ends done with the ingest's report and the version served, and leaves
// no file behind. The format comes from format= or the Content-Type.
func TestAdminUpload(t *testing.T) {
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	for _, tc := range []struct {
		name, query string
		headers     []string
		mode        string
		format      string
	}{
		{"rebuild csv", "mode=rebuild&format=csv", nil, "rebuild", "csv"},
		{"upsert ndjson", "mode=upsert&format=ndjson", []string{"Content-Type", "text/csv"}, "upsert", "ndjson"},
		{"format from Content-Type", "mode=upsert", []string{"Content-Type", "text/csv; charset=utf-8"}, "upsert", "csv"},
		{"geojson from Content-Type", "mode=rebuild", []string{"Content-Type", "Application/Geo+JSON"}, "rebuild", "geojson"},
		{"json", "mode=rebuild&format=json", nil, "rebuild", "json"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := &fakeWriter{}
			s, k := adminServer(t, w, httpapi.Options{})
			before := time.Now().UTC().Add(-time.Second)
			sub := MustSubmit(t, s, k.secret["loader"], http.MethodPost, "/v1/admin/uploads?"+tc.query, uploadCSV, tc.headers...)
			if sub.Kind != "upload" || sub.Mode != tc.mode || sub.Format != tc.format || sub.Place != "" {
				t.Errorf("submitted %+v, want an upload, mode %s, format %s", sub, tc.mode, tc.format)
			}
			if sub.Created.Before(before) {
				t.Errorf("created_at %v", sub.Created)
			}
			done := MustFinish(t, s, k.secret["loader"], sub.ID)
			if done.State != "done" || done.Error != nil {
				t.Fatalf("task %+v, want done", done)
			}
			if done.Version == nil || done.Version.ID != "build-1" || done.Version.Places != 2 || done.Version.BuiltAt.IsZero() {
				t.Errorf("version %+v, want build-1 of 2 places", done.Version)
			}
			r := done.Report
			if r == nil || r.Read != 3 || r.Indexed != 2 || r.Rejected != 1 || len(r.Entries) != 1 {
				t.Fatalf("report %+v, want 3 read, 2 indexed, 1 rejected", r)
			}
			name := "upload-" + sub.ID + "." + tc.format
			if e := r.Entries[0]; e.File != name || e.Line != 3 || e.Field != "lat" {
				t.Errorf("report entry %+v, want %s line 3, field lat", e, name)
			}
			if done.Started.Before(done.Created) || done.Finished.Before(done.Started) {
				t.Errorf("created %v, started %v, finished %v", done.Created, done.Started, done.Finished)
			}
			w.mu.Lock()
			defer w.mu.Unlock()
			if len(w.uploads) != 1 {
				t.Fatalf("the writer got %d uploads, want 1", len(w.uploads))
			}
			u := w.uploads[0]
			if u.Body != uploadCSV || u.Name != name || u.Format != tc.format || u.Upsert != (tc.mode == "upsert") {
				t.Errorf("the writer got %+v", u)
			}
			if _, err := os.Stat(u.Path); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("the upload's file is still there: %v", err)
			}
			if left := uploadsLeft(t, tmp); len(left) > 0 {
				t.Errorf("files left behind: %v", left)
			}
		})
	}
}

// TestAdminUploadRefused: an upload that cannot be taken is refused at
// once, naming the parameter at fault, and leaves no file behind.
func TestAdminUploadRefused(t *testing.T) {
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	w := &fakeWriter{}
	s, k := adminServer(t, w, httpapi.Options{})
	defer func(n int64) { httpapi.MaxUploadBytes = n }(httpapi.MaxUploadBytes)
	httpapi.MaxUploadBytes = 1 << 20
	for _, tc := range []struct {
		name, query string
		body        io.Reader
		headers     []string
		status      int
		code, param string
	}{
		{"no mode", "format=csv", strings.NewReader(uploadCSV), nil, 400, "invalid_parameter", "mode"},
		{"empty mode", "mode=&format=csv", strings.NewReader(uploadCSV), nil, 400, "invalid_parameter", "mode"},
		{"wrong mode", "mode=replace&format=csv", strings.NewReader(uploadCSV), nil, 400, "invalid_parameter", "mode"},
		{"no format", "mode=rebuild", strings.NewReader(uploadCSV), nil, 400, "invalid_parameter", "format"},
		{"format of no Content-Type", "mode=rebuild", strings.NewReader(uploadCSV), []string{"Content-Type", "application/octet-stream"}, 400, "invalid_parameter", "format"},
		{"wrong format", "mode=rebuild&format=xlsx", strings.NewReader(uploadCSV), nil, 400, "invalid_parameter", "format"},
		{"format in capitals", "mode=rebuild&format=CSV", strings.NewReader(uploadCSV), nil, 400, "invalid_parameter", "format"},
		{"empty body", "mode=rebuild&format=csv", strings.NewReader(""), nil, 400, "invalid_parameter", "body"},
		{"too large", "mode=rebuild&format=csv", io.LimitReader(zeros{}, 1<<20+1), nil, 413, "payload_too_large", "body"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rec := MustDo(t, s, newRequest(http.MethodPost, "/v1/admin/uploads?"+tc.query, tc.body, append([]string{"Authorization", "Bearer " + k.secret["loader"]}, tc.headers...)...))
			e := MustError(t, rec, tc.status, tc.code)
			if e.Error.Param != tc.param {
				t.Errorf("param %q, want %q: %s", e.Error.Param, tc.param, rec.Body.Bytes())
			}
			if left := uploadsLeft(t, tmp); len(left) > 0 {
				t.Errorf("files left behind: %v", left)
			}
		})
	}
	// Just under the limit is taken.
	body := "id,name\n" + strings.Repeat("x", 1<<20-len("id,name\n"))
	sub := MustSubmit(t, s, k.secret["loader"], http.MethodPost, "/v1/admin/uploads?mode=rebuild&format=csv", body)
	MustFinish(t, s, k.secret["loader"], sub.ID)
	w.mu.Lock()
	defer w.mu.Unlock()
	if len(w.uploads) != 1 || len(w.uploads[0].Body) != 1<<20 {
		t.Errorf("the writer got %d uploads, want the one of 1 MB", len(w.uploads))
	}
}

// zeros reads as endless zero bytes.
type zeros struct{}

func (zeros) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}

// TestAdminTaskFailed: a task whose writer fails ends failed, with the
// error as JSON: its own code when it has one (not_found for a deletion
// of a place that is not there), task_failed otherwise; an upload's
// report stays, so its rejections can be read.
func TestAdminTaskFailed(t *testing.T) {
	for _, tc := range []struct {
		name         string
		w            *fakeWriter
		method, path string
		code, param  string
		message      string
		report       bool
	}{
		{"upload fails", &fakeWriter{ingestErr: errors.New("disk full")}, http.MethodPost, "/v1/admin/uploads?mode=rebuild&format=csv",
			"task_failed", "", "disk full", true},
		{"upload refused", &fakeWriter{ingestErr: index.Errorf(index.CodeInvalid, "", "no place in the file")}, http.MethodPost, "/v1/admin/uploads?mode=upsert&format=csv",
			"invalid_parameter", "", "no place in the file", true},
		{"delete of no place", &fakeWriter{deleteErr: index.Errorf(index.CodeNotFound, "id", "no place with id %q", "tlo-999")}, http.MethodDelete, "/v1/admin/places/tlo-999",
			"not_found", "id", `no place with id "tlo-999"`, false},
		{"delete fails", &fakeWriter{deleteErr: fmt.Errorf("commit: %w", os.ErrPermission)}, http.MethodDelete, "/v1/admin/places/tlo-001",
			"task_failed", "", "permission denied", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv("TMPDIR", t.TempDir())
			s, k := adminServer(t, tc.w, httpapi.Options{})
			body := uploadCSV
			if tc.method == http.MethodDelete {
				body = ""
			}
			sub := MustSubmit(t, s, k.secret["ops"], tc.method, tc.path, body)
			got := MustFinish(t, s, k.secret["ops"], sub.ID)
			if got.State != "failed" || got.Version != nil {
				t.Fatalf("task %+v, want failed without a version", got)
			}
			if got.Error == nil || got.Error.Code != tc.code || got.Error.Param != tc.param || !strings.Contains(got.Error.Message, tc.message) {
				t.Errorf("error %+v, want code %s, param %q, a message saying %q", got.Error, tc.code, tc.param, tc.message)
			}
			if tc.report && (got.Report == nil || got.Report.Read != 3) {
				t.Errorf("report %+v, want the ingest's", got.Report)
			}
			if got.Finished.IsZero() {
				t.Error("a failed task without finished_at")
			}
		})
	}
}

// TestAdminDelete: a deletion is a task too: 202, then done with the
// version served after.
func TestAdminDelete(t *testing.T) {
	w := &fakeWriter{}
	s, k := adminServer(t, w, httpapi.Options{BasePath: "/tiers-lieux"})
	rec := MustDo(t, s, newRequest(http.MethodDelete, "/v1/admin/places/tlo-001", nil, "Authorization", "Bearer "+k.secret["loader"]))
	sub := MustTask(t, rec, http.StatusAccepted)
	// Behind a proxy, where to follow it is under the base path.
	if loc := rec.Header().Get("Location"); loc != "/tiers-lieux/v1/admin/tasks/"+sub.ID {
		t.Errorf("Location %q, want under /tiers-lieux", loc)
	}
	if sub.Kind != "delete" || sub.Place != "tlo-001" || sub.Mode != "" || sub.Format != "" || sub.Report != nil {
		t.Errorf("submitted %+v", sub)
	}
	done := MustFinish(t, s, k.secret["loader"], sub.ID)
	if done.State != "done" || done.Version == nil || done.Version.ID != "build-1" || done.Version.Places != 110 || done.Error != nil {
		t.Errorf("task %+v, want done at build-1", done)
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if !slices.Equal(w.deleted, []string{"tlo-001"}) {
		t.Errorf("deleted %v", w.deleted)
	}
}

// TestAdminTasks: tasks run one at a time, in the order they came; the
// list is newest first; a task that is not there is a 404; when too many
// wait, one more is refused with 503 and Retry-After, and the others
// still run.
func TestAdminTasks(t *testing.T) {
	t.Setenv("TMPDIR", t.TempDir())
	w := &fakeWriter{gate: make(chan struct{})}
	s, k := adminServer(t, w, httpapi.Options{})
	key := k.secret["loader"]
	get := func(target string) *httptest.ResponseRecorder {
		return MustDo(t, s, newRequest(http.MethodGet, target, nil, "Authorization", "Bearer "+key))
	}
	list := func() []taskBody {
		rec := get("/v1/admin/tasks")
		if rec.Code != http.StatusOK {
			t.Fatalf("task list: %d %s", rec.Code, rec.Body.Bytes())
		}
		var b struct {
			Tasks []taskBody `json:"tasks"`
		}
		MustDecode(t, rec.Body.Bytes(), &b)
		if b.Tasks == nil {
			t.Fatalf("no task list in %s", rec.Body.Bytes())
		}
		return b.Tasks
	}
	if l := list(); len(l) != 0 {
		t.Errorf("%d tasks before any, want none", len(l))
	}
	MustError(t, get("/v1/admin/tasks/0123456789abcdef"), http.StatusNotFound, "not_found")

	first := MustSubmit(t, s, key, http.MethodDelete, "/v1/admin/places/p0", "")
	waitFor(t, func() bool { return w.isRunning("p0") })
	if got := MustTask(t, get("/v1/admin/tasks/"+first.ID), http.StatusOK); got.State != "running" || got.Started.IsZero() || !got.Finished.IsZero() {
		t.Errorf("first task %+v, want running", got)
	}
	// The first runs, held; 16 more may wait.
	ids := []string{first.ID}
	for i := 1; i <= 16; i++ {
		var sub taskBody
		if i%2 == 0 {
			sub = MustSubmit(t, s, key, http.MethodDelete, fmt.Sprintf("/v1/admin/places/p%d", i), "")
		} else {
			sub = MustSubmit(t, s, key, http.MethodPost, "/v1/admin/uploads?mode=upsert&format=csv", uploadCSV)
		}
		if sub.State != "queued" {
			t.Errorf("task %d is %s behind a running one, want queued", i, sub.State)
		}
		ids = append(ids, sub.ID)
	}
	rec := MustDo(t, s, newRequest(http.MethodDelete, "/v1/admin/places/one-too-many", nil, "Authorization", "Bearer "+key))
	MustError(t, rec, http.StatusServiceUnavailable, "overloaded")
	if rec.Header().Get("Retry-After") == "" {
		t.Error("503 without Retry-After")
	}
	rec = MustDo(t, s, newRequest(http.MethodPost, "/v1/admin/uploads?mode=upsert&format=csv", strings.NewReader(uploadCSV), "Authorization", "Bearer "+key))
	MustError(t, rec, http.StatusServiceUnavailable, "overloaded")

	l := list()
	if len(l) != 17 {
		t.Fatalf("%d tasks listed, want the 17 taken", len(l))
	}
	for i, tk := range l {
		if want := ids[len(ids)-1-i]; tk.ID != want {
			t.Errorf("list[%d] is %s, want %s (newest first)", i, tk.ID, want)
		}
		if want := "queued"; i < 16 && tk.State != want {
			t.Errorf("list[%d] is %s, want %s", i, tk.State, want)
		}
	}

	close(w.gate)
	for _, id := range ids {
		if got := MustFinish(t, s, key, id); got.State != "done" {
			t.Errorf("task %s: %+v", id, got)
		}
	}
	w.mu.Lock()
	var wantOrder []string
	for i := range 17 {
		if i%2 == 0 {
			wantOrder = append(wantOrder, fmt.Sprintf("p%d", i))
		} else {
			wantOrder = append(wantOrder, "upload-"+ids[i]+".csv")
		}
	}
	if !slices.Equal(w.order, wantOrder) {
		t.Errorf("ran %v, want %v", w.order, wantOrder)
	}
	if w.versions != 17 {
		t.Errorf("%d versions, want 17", w.versions)
	}
	w.mu.Unlock()
	// Once they have run, more are taken.
	MustFinish(t, s, key, MustSubmit(t, s, key, http.MethodDelete, "/v1/admin/places/after", "").ID)
}

// TestAdminTaskListBounded: the list keeps the last 100 tasks; older
// finished ones are forgotten.
func TestAdminTaskListBounded(t *testing.T) {
	s, k := adminServer(t, &fakeWriter{}, httpapi.Options{})
	key := k.secret["loader"]
	var ids []string
	for i := range 103 {
		id := MustSubmit(t, s, key, http.MethodDelete, fmt.Sprintf("/v1/admin/places/p%d", i), "").ID
		MustFinish(t, s, key, id)
		ids = append(ids, id)
	}
	rec := MustDo(t, s, newRequest(http.MethodGet, "/v1/admin/tasks", nil, "Authorization", "Bearer "+key))
	var b struct {
		Tasks []taskBody `json:"tasks"`
	}
	MustDecode(t, rec.Body.Bytes(), &b)
	if len(b.Tasks) != 100 || b.Tasks[0].ID != ids[102] || b.Tasks[99].ID != ids[3] {
		t.Errorf("%d tasks listed, want the last 100, newest first", len(b.Tasks))
	}
	for _, id := range ids[:3] {
		MustError(t, MustDo(t, s, newRequest(http.MethodGet, "/v1/admin/tasks/"+id, nil, "Authorization", "Bearer "+key)), http.StatusNotFound, "not_found")
	}
}

// TestAdminSnapshot: a snapshot streams the current build as a gzipped
// tar named after its version, and lets go of it.
func TestAdminSnapshot(t *testing.T) {
	w := &fakeWriter{}
	s, k := adminServer(t, w, httpapi.Options{})
	rec := MustDo(t, s, newRequest(http.MethodPost, "/v1/admin/snapshot", nil, "Authorization", "Bearer "+k.secret["ops"], "Accept-Encoding", "gzip"))
	if rec.Code != http.StatusOK {
		t.Fatalf("status %d: %s", rec.Code, rec.Body.Bytes())
	}
	h := rec.Header()
	if mt := MustMediaType(t, h); mt != "application/gzip" {
		t.Errorf("Content-Type %q, want application/gzip", mt)
	}
	if cd := h.Get("Content-Disposition"); cd != `attachment; filename="tierslieux-build-7.tar.gz"` {
		t.Errorf("Content-Disposition %q", cd)
	}
	if v := h.Get("X-Tierslieux-Version"); v != "build-7" {
		t.Errorf("X-Tierslieux-Version %q", v)
	}
	// Sent as it is: a gzip stream, not gzipped once more.
	if ce := h.Get("Content-Encoding"); ce != "" {
		t.Errorf("Content-Encoding %q on a gzip file", ce)
	}
	zr, err := gzip.NewReader(rec.Body)
	if err != nil {
		t.Fatal(err)
	}
	if b, err := io.ReadAll(zr); err != nil || string(b) != snapshotContent {
		t.Errorf("snapshot %q, %v", b, err)
	}
	w.mu.Lock()
	if len(w.snaps) != 1 || !w.snaps[0].closed {
		t.Error("the snapshot was not closed")
	}
	w.mu.Unlock()

	w.snapshotErr = errors.New("no build")
	MustError(t, MustDo(t, s, newRequest(http.MethodPost, "/v1/admin/snapshot", nil, "Authorization", "Bearer "+k.secret["ops"])), http.StatusInternalServerError, "internal")
}

// TestAdminReload: a reload answers the version served after it; a
// build that does not load is a 500 that says so.
func TestAdminReload(t *testing.T) {
	w := &fakeWriter{}
	s, k := adminServer(t, w, httpapi.Options{})
	rec := MustDo(t, s, newRequest(http.MethodPost, "/v1/admin/reload", nil, "Authorization", "Bearer "+k.secret["ops"]))
	if rec.Code != http.StatusOK {
		t.Fatalf("status %d: %s", rec.Code, rec.Body.Bytes())
	}
	var b struct {
		Version struct {
			ID      string    `json:"id"`
			Places  int       `json:"places"`
			BuiltAt time.Time `json:"built_at"`
		} `json:"version"`
	}
	MustDecode(t, rec.Body.Bytes(), &b)
	if b.Version.ID != "build-reloaded" || b.Version.Places != 111 || b.Version.BuiltAt.IsZero() {
		t.Errorf("version %+v", b.Version)
	}

	w.reloadErr = errors.New("manifest: checksum mismatch")
	rec = MustDo(t, s, newRequest(http.MethodPost, "/v1/admin/reload", nil, "Authorization", "Bearer "+k.secret["ops"]))
	e := MustError(t, rec, http.StatusInternalServerError, "reload_failed")
	if !strings.Contains(e.Error.Message, "checksum mismatch") {
		t.Errorf("message %q does not say why", e.Error.Message)
	}
	// In French too.
	rec = MustDo(t, s, newRequest(http.MethodPost, "/v1/admin/reload?lang=fr", nil, "Authorization", "Bearer "+k.secret["ops"]))
	if e := MustError(t, rec, http.StatusInternalServerError, "reload_failed"); !strings.Contains(e.Error.Message, "version courante") {
		t.Errorf("message %q is not in French", e.Error.Message)
	}

	// Each route takes its method only, and says which.
	for _, tc := range []struct{ method, path, allow string }{
		{http.MethodGet, "/v1/admin/reload", "POST"},
		{http.MethodGet, "/v1/admin/snapshot", "POST"},
		{http.MethodGet, "/v1/admin/uploads", "POST"},
		{http.MethodPut, "/v1/admin/places/x", "DELETE"},
		{http.MethodDelete, "/v1/admin/tasks", "GET"},
		{http.MethodPost, "/v1/admin/tasks/x", "GET"},
	} {
		rec := MustDo(t, s, newRequest(tc.method, tc.path, nil, "Authorization", "Bearer "+k.secret["ops"]))
		MustError(t, rec, http.StatusMethodNotAllowed, "method_not_allowed")
		if got := rec.Header().Get("Allow"); got != tc.allow {
			t.Errorf("%s %s: Allow %q, want %q", tc.method, tc.path, got, tc.allow)
		}
	}
}
