package httpapi

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/tierslieux/tierslieux/index"
	"github.com/tierslieux/tierslieux/ingest"
)

// Admin carries out the write API's work on the index directory.
type Admin interface {
	// Reload loads the index directory's current build if it is not the
	// one served, and returns the version served after.
	Reload(ctx context.Context) (index.Version, error)
}

// Writer is an Admin that also changes the index directory: given one,
// the server takes uploads and deletions, runs them as tasks and writes
// snapshots. Ingest and Delete run to their end, the server calling them
// one at a time in the background; they take the index directory's lock
// as a command-line ingest does, so the two never build side by side.
type Writer interface {
	Admin
	// Ingest reads an uploaded export into a new build and commits it:
	// the file's places alone (rebuild), or the current build's with the
	// file's added and replacing those of the same ID (upsert). It returns
	// the ingest's report (also with an error, when there is one) and the
	// version served after.
	Ingest(ctx context.Context, u Upload) (*ingest.Report, index.Version, error)
	// Delete commits the current build's places but one; an *index.Error
	// of code index.CodeNotFound when there is no such place.
	Delete(ctx context.Context, id string) (index.Version, error)
	// Snapshot holds the current build, for the server to write as a
	// gzipped tar (index.OpenSnapshot).
	Snapshot(ctx context.Context) (Snapshot, error)
}

// Snapshot is a consistent copy of a build: *index.Snapshot is one.
type Snapshot interface {
	Version() index.Version
	// WriteTo writes it as a gzipped tar that `tierslieux restore` reads.
	WriteTo(w io.Writer) (int64, error)
	Close() error
}

// Upload is an export received by the write API, saved to disk for the
// length of its task.
type Upload struct {
	Path   string // the file; removed once the task ends
	Name   string // what reports call it: upload-TASK.csv
	Format string // csv, geojson, json or ndjson
	Upsert bool   // keep the current places the file does not replace
}

// MaxUploadBytes bounds an upload's body, in bytes. A variable, so that a
// test can lower it rather than send 256 MB; set it before serving.
var MaxUploadBytes int64 = 256 << 20

// Limits of the write API's transfers: an upload or a snapshot may take
// longer than the server's read and write timeouts, which suit searches.
const (
	uploadTimeout   = 30 * time.Minute
	snapshotTimeout = 2 * time.Hour
)

// More codes the write API answers with.
const (
	codePayloadTooLarge = "payload_too_large"
	codeReloadFailed    = "reload_failed"
	codeTaskFailed      = "task_failed"
)

// adminRoutes registers the write API under /v1/admin/, only when the
// server has keys and something to do the work: otherwise no such route
// exists (404). Uploads, deletions and tasks take an ingest key; reloads
// and snapshots an admin key.
//
//	POST   /v1/admin/uploads?mode=rebuild|upsert&format=csv|geojson|json|ndjson
//	                                   body: the export; 202 {"task": …}
//	DELETE /v1/admin/places/{id}       202 {"task": …}
//	GET    /v1/admin/tasks             {"tasks": […]}, newest first
//	GET    /v1/admin/tasks/{id}        {"task": …}
//	POST   /v1/admin/snapshot          the current build as a gzipped tar
//	POST   /v1/admin/reload            {"version": …}
func (s *Server) adminRoutes() {
	if s.opts.Keys == nil || s.opts.Admin == nil {
		return
	}
	r := s.router
	route := func(path, method, scope string, h http.HandlerFunc) {
		r.HandleFunc(path, s.requireKey(scope, h)).Methods(method)
		// Any other method: a 405 that names the right one.
		r.Path(path).HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
			w.Header().Set("Allow", method)
			s.writeError(w, req, index.Errorf(codeMethodNotAllowed, "", "%s is not allowed here; use %s", req.Method, method))
		})
	}
	route("/v1/admin/reload", http.MethodPost, ScopeAdmin, s.handleReload)
	wr, ok := s.opts.Admin.(Writer)
	if !ok {
		return
	}
	t := newTaskRunner(s, wr)
	route("/v1/admin/uploads", http.MethodPost, ScopeIngest, t.handleUpload)
	route("/v1/admin/places/{id}", http.MethodDelete, ScopeIngest, t.handleDelete)
	route("/v1/admin/tasks", http.MethodGet, ScopeIngest, t.handleTasks)
	route("/v1/admin/tasks/{id}", http.MethodGet, ScopeIngest, t.handleTask)
	route("/v1/admin/snapshot", http.MethodPost, ScopeAdmin, func(w http.ResponseWriter, r *http.Request) { s.handleSnapshot(w, r, wr) })
}

// versionJSON is a data version as the write API reports it.
type versionJSON struct {
	ID      string    `json:"id"`
	Places  int       `json:"places"`
	BuiltAt time.Time `json:"built_at,omitzero"`
}

func versionOf(v index.Version) *versionJSON {
	return &versionJSON{ID: v.ID, Places: v.Places, BuiltAt: v.BuiltAt}
}

func (s *Server) handleReload(w http.ResponseWriter, r *http.Request) {
	v, err := s.opts.Admin.Reload(r.Context())
	if err != nil {
		s.logger(r).Error("reload", "err", err)
		s.writeError(w, r, index.Errorf(codeReloadFailed, "", "the current build did not load, the one served stays: %v", err))
		return
	}
	writeJSON(w, http.StatusOK, struct {
		Version *versionJSON `json:"version"`
	}{versionOf(v)})
}

// handleSnapshot streams the current build as a gzipped tar. An error
// before the first byte is JSON; one after (a file that differs from its
// manifest, a disk error) ends the answer without the gzip trailer, so
// the client's gunzip, and a restore, fail rather than take a truncated
// archive for a whole one.
func (s *Server) handleSnapshot(w http.ResponseWriter, r *http.Request, wr Writer) {
	snap, err := wr.Snapshot(r.Context())
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	defer snap.Close()
	http.NewResponseController(w).SetWriteDeadline(time.Now().Add(snapshotTimeout))
	v := snap.Version()
	h := w.Header()
	h.Set("Content-Type", "application/gzip")
	h.Set("Content-Disposition", fmt.Sprintf(`attachment; filename="tierslieux-%s.tar.gz"`, v.ID))
	h.Set("X-Tierslieux-Version", v.ID)
	w.WriteHeader(http.StatusOK)
	if _, err := snap.WriteTo(w); err != nil {
		s.logger(r).Error("snapshot cut short", "version", v.ID, "err", err)
	}
}

// uploadFormats maps media types to the formats ingest reads, for an
// upload without format=.
var uploadFormats = map[string]string{
	"text/csv": "csv", "application/geo+json": "geojson", "application/json": "json",
	"application/x-ndjson": "ndjson", "application/ndjson": "ndjson",
}

// readUpload checks an upload's parameters and saves its body to a
// temporary file, at most MaxUploadBytes.
func (s *Server) readUpload(w http.ResponseWriter, r *http.Request) (Upload, error) {
	v := r.URL.Query()
	var u Upload
	switch mode := v.Get("mode"); mode {
	case "rebuild":
	case "upsert":
		u.Upsert = true
	case "":
		return u, index.Errorf(index.CodeInvalid, "mode", "is required: rebuild or upsert")
	default:
		return u, index.Errorf(index.CodeInvalid, "mode", "%q: want rebuild or upsert", mode)
	}
	u.Format = v.Get("format")
	if u.Format == "" {
		ct, _, _ := strings.Cut(r.Header.Get("Content-Type"), ";")
		u.Format = uploadFormats[strings.TrimSpace(strings.ToLower(ct))]
	}
	switch u.Format {
	case "csv", "geojson", "json", "ndjson":
	case "":
		return u, index.Errorf(index.CodeInvalid, "format", "is required: csv, geojson, json or ndjson (or a Content-Type that says it)")
	default:
		return u, index.Errorf(index.CodeInvalid, "format", "%q: want csv, geojson, json or ndjson", u.Format)
	}
	http.NewResponseController(w).SetReadDeadline(time.Now().Add(uploadTimeout))
	f, err := os.CreateTemp("", "tierslieux-upload-*."+u.Format)
	if err != nil {
		return u, err
	}
	n, err := io.Copy(f, http.MaxBytesReader(w, r.Body, MaxUploadBytes))
	err2 := f.Close()
	if err == nil {
		err = err2
	}
	if err == nil && n == 0 {
		err = index.Errorf(index.CodeInvalid, "body", "is empty: send the export file as the request's body")
	}
	if _, tooLarge := err.(*http.MaxBytesError); tooLarge {
		err = index.Errorf(codePayloadTooLarge, "body", "is larger than %d MB", MaxUploadBytes>>20)
	}
	if err != nil {
		os.Remove(f.Name())
		return u, err
	}
	u.Path = f.Name()
	return u, nil
}
