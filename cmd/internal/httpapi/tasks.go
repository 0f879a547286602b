package httpapi

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/http"
	"os"
	"runtime/debug"
	"sync"
	"time"

	"github.com/gorilla/mux"
	"golang.org/x/text/message"

	"github.com/tierslieux/tierslieux/index"
	"github.com/tierslieux/tierslieux/ingest"
)

// Bounds of the task list: how many wait to run at once, and how many
// finished ones are remembered (the oldest finished go first).
const (
	maxQueuedTasks = 16
	maxTasks       = 100
)

// States of a task.
const (
	taskQueued  = "queued"
	taskRunning = "running"
	taskDone    = "done"
	taskFailed  = "failed"
)

// task is one change of the data asked through the write API: an upload
// or a deletion. Its fields change under the runner's lock.
type task struct {
	id, kind, state string
	upload          Upload // kind upload
	place           string // kind delete
	created         time.Time
	started, ended  time.Time
	report          *ingest.Report
	version         *index.Version
	err             error
}

// taskRunner runs the tasks one after the other, in the order they came,
// in a goroutine of its own: a task outlives the request that asked for
// it, and a server shutting down leaves the one running to the process's
// end (an ingest killed halfway leaves the data as it was).
type taskRunner struct {
	s     *Server
	w     Writer
	queue chan *task
	start sync.Once

	mu    sync.Mutex
	tasks []*task // oldest first
}

func newTaskRunner(s *Server, w Writer) *taskRunner {
	return &taskRunner{s: s, w: w, queue: make(chan *task, maxQueuedTasks)}
}

// newTask is a task of a kind, with its ID: random, so that IDs tell
// nothing of how many tasks ran, and stay unique across restarts.
func newTask(kind string) *task {
	b := make([]byte, 8)
	rand.Read(b)
	return &task{id: hex.EncodeToString(b), kind: kind, state: taskQueued, created: time.Now().UTC()}
}

// submit queues a task, or refuses it (503) when too many wait.
func (tr *taskRunner) submit(t *task) error {
	tr.start.Do(func() { go tr.run() })
	tr.mu.Lock()
	defer tr.mu.Unlock()
	select {
	case tr.queue <- t:
	default:
		return &overloadedError{index.Errorf(codeOverloaded, "", "%d tasks are waiting already; try again once one has run", maxQueuedTasks), 10}
	}
	tr.tasks = append(tr.tasks, t)
	tr.forget()
	return nil
}

// forget drops the oldest finished tasks beyond maxTasks.
func (tr *taskRunner) forget() {
	for i := 0; len(tr.tasks) > maxTasks && i < len(tr.tasks); {
		if st := tr.tasks[i].state; st == taskDone || st == taskFailed {
			tr.tasks = append(tr.tasks[:i], tr.tasks[i+1:]...)
			continue
		}
		i++
	}
}

func (tr *taskRunner) run() {
	for t := range tr.queue {
		tr.mu.Lock()
		t.state, t.started = taskRunning, time.Now().UTC()
		tr.mu.Unlock()
		rep, v, err := tr.do(t)
		log := tr.s.log.With("task", t.id, "kind", t.kind)
		tr.mu.Lock()
		t.ended, t.report, t.err = time.Now().UTC(), rep, err
		tr.s.metrics.tasks.WithLabelValues(t.metricKind(), map[bool]string{true: taskFailed, false: taskDone}[err != nil]).Inc()
		if err != nil {
			t.state = taskFailed
			log.Error("task failed", "err", err)
		} else {
			t.state, t.version = taskDone, &v
			log.Info("task done", "version", v.ID, "places", v.Places, "took", t.ended.Sub(t.started).Round(time.Millisecond))
		}
		tr.mu.Unlock()
	}
}

// metricKind is what the task does, as tierslieux_admin_tasks_total
// labels it: rebuild, upsert or delete.
func (t *task) metricKind() string {
	switch {
	case t.kind == "delete":
		return "delete"
	case t.upload.Upsert:
		return "upsert"
	}
	return "rebuild"
}

// do carries out a task; a panic in the work fails the task, logged with
// its stack, rather than the server.
func (tr *taskRunner) do(t *task) (rep *ingest.Report, v index.Version, err error) {
	defer func() {
		if p := recover(); p != nil {
			tr.s.log.Error("task panicked", "task", t.id, "panic", p, "stack", string(debug.Stack()))
			err = index.Errorf(codeTaskFailed, "", "the task failed on an internal error; the data served is unchanged")
		}
	}()
	ctx := context.Background()
	switch t.kind {
	case "upload":
		defer os.Remove(t.upload.Path)
		return tr.w.Ingest(ctx, t.upload)
	case "delete":
		v, err = tr.w.Delete(ctx, t.place)
	}
	return rep, v, err
}

// taskJSON is a task as the write API reports it. Report is the same
// report as `tierslieux ingest` writes (report.json): counts and each
// record rejected or warned about, by file, line and field.
type taskJSON struct {
	ID       string         `json:"id"`
	Kind     string         `json:"kind"`             // upload or delete
	Mode     string         `json:"mode,omitempty"`   // rebuild or upsert
	Format   string         `json:"format,omitempty"` // of an upload
	Place    string         `json:"place,omitempty"`  // the place a deletion removes
	State    string         `json:"state"`            // queued, running, done or failed
	Created  time.Time      `json:"created_at"`
	Started  time.Time      `json:"started_at,omitzero"`
	Finished time.Time      `json:"finished_at,omitzero"`
	Version  *versionJSON   `json:"version,omitempty"` // served once done
	Report   *ingest.Report `json:"report,omitempty"`
	Error    *index.Error   `json:"error,omitempty"`
}

// json says t in the language of p; the caller holds the lock.
func (t *task) json(p *message.Printer) taskJSON {
	out := taskJSON{ID: t.id, Kind: t.kind, Place: t.place, State: t.state, Created: t.created,
		Started: t.started, Finished: t.ended, Report: t.report}
	if t.kind == "upload" {
		out.Mode, out.Format = "rebuild", t.upload.Format
		if t.upload.Upsert {
			out.Mode = "upsert"
		}
	}
	if t.version != nil {
		out.Version = versionOf(*t.version)
	}
	if t.err != nil {
		e, ok := index.AsError(t.err)
		if !ok {
			e = index.Errorf(codeTaskFailed, "", "%v", t.err)
		}
		e2 := *e
		e2.Message = e.Localize(p)
		out.Error = &e2
	}
	return out
}

// accepted answers 202 with a task just queued, and where to follow it.
func (tr *taskRunner) accepted(w http.ResponseWriter, r *http.Request, t *task) {
	tr.mu.Lock()
	body := struct {
		Task taskJSON `json:"task"`
	}{t.json(printer(r))}
	tr.mu.Unlock()
	w.Header().Set("Location", basePath(tr.s.opts.BasePath)+"/v1/admin/tasks/"+t.id)
	writeJSON(w, http.StatusAccepted, body)
}

func (tr *taskRunner) handleUpload(w http.ResponseWriter, r *http.Request) {
	u, err := tr.s.readUpload(w, r)
	if err != nil {
		tr.s.writeError(w, r, err)
		return
	}
	t := newTask("upload")
	// What reports call the file: its task, not a temporary name.
	u.Name = "upload-" + t.id + "." + u.Format
	t.upload = u
	if err := tr.submit(t); err != nil {
		os.Remove(u.Path)
		tr.s.writeError(w, r, err)
		return
	}
	tr.accepted(w, r, t)
}

func (tr *taskRunner) handleDelete(w http.ResponseWriter, r *http.Request) {
	t := newTask("delete")
	t.place = mux.Vars(r)["id"]
	if err := tr.submit(t); err != nil {
		tr.s.writeError(w, r, err)
		return
	}
	tr.accepted(w, r, t)
}

func (tr *taskRunner) handleTask(w http.ResponseWriter, r *http.Request) {
	id := mux.Vars(r)["id"]
	tr.mu.Lock()
	defer tr.mu.Unlock()
	for _, t := range tr.tasks {
		if t.id == id {
			writeJSON(w, http.StatusOK, struct {
				Task taskJSON `json:"task"`
			}{t.json(printer(r))})
			return
		}
	}
	tr.s.writeError(w, r, index.Errorf(index.CodeNotFound, "id", "no task with id %q", id))
}

func (tr *taskRunner) handleTasks(w http.ResponseWriter, r *http.Request) {
	tr.mu.Lock()
	defer tr.mu.Unlock()
	p := printer(r)
	out := make([]taskJSON, 0, len(tr.tasks))
	for i := len(tr.tasks) - 1; i >= 0; i-- {
		out = append(out, tr.tasks[i].json(p))
	}
	writeJSON(w, http.StatusOK, struct {
		Tasks []taskJSON `json:"tasks"`
	}{out})
}
