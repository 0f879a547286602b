package httpapi

import (
	"net/http"
	"sync"
	"time"

	"github.com/tierslieux/tierslieux/index"
)

// health is what /healthz reports beyond "the process answers": a
// storage error met by a search makes the server unhealthy, so that a
// load balancer stops sending it traffic instead of users getting
// errors or empty answers from a damaged index.
type health struct {
	mu    sync.Mutex
	err   error
	since time.Time
}

func (h *health) fail(err error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.err == nil {
		h.err, h.since = err, time.Now()
	}
}

func (h *health) state() (error, time.Time) {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.err, h.since
}

// healthJSON is the answer of /healthz.
type healthJSON struct {
	Status  string `json:"status"` // ok or unhealthy
	Places  int    `json:"places"`
	Version string `json:"version"` // the data's build (index.Version.ID)
	// BuiltAt is when the build was committed (zero for data built in
	// memory); Sources are the files it was read from.
	BuiltAt time.Time      `json:"built_at,omitzero"`
	Sources []index.Source `json:"sources,omitempty"`
	// Fallback says the current build is damaged and the previous one is
	// served; Warnings are what opening the data noticed.
	Fallback string   `json:"fallback,omitempty"`
	Warnings []string `json:"warnings,omitempty"`
	Error    string   `json:"error,omitempty"`
	Since    string   `json:"since,omitempty"`
}

func (s *Server) handleHealth(w http.ResponseWriter, r *http.Request) {
	be := backend(r)
	v := be.Places.Version()
	body := healthJSON{Status: "ok", Places: be.Places.Len(), Version: v.ID, BuiltAt: v.BuiltAt, Sources: v.Sources, Warnings: v.Warnings}
	if v.Fallback != nil {
		body.Fallback = v.Fallback.Error()
	}
	status := http.StatusOK
	if err, since := s.health.state(); err != nil {
		body.Status, body.Error, body.Since = "unhealthy", "storage error: "+err.Error(), since.UTC().Format(time.RFC3339)
		status = http.StatusServiceUnavailable
	}
	writeJSON(w, status, body)
}

// handleReady is the readiness check a load balancer polls: 200 with the
// data version while the server should get traffic, 503 while it drains
// before a shutdown or after a storage error.
func (s *Server) handleReady(w http.ResponseWriter, r *http.Request) {
	if s.notReady.Load() {
		writeJSON(w, http.StatusServiceUnavailable, map[string]any{"status": "draining"})
		return
	}
	s.handleHealth(w, r)
}
