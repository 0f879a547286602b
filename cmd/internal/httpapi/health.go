package httpapi

import (
	"net/http"
	"sync"
	"time"
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
	// Fallback says the current build is damaged and the previous one is
	// served; Warnings are what opening the data noticed.
	Fallback string   `json:"fallback,omitempty"`
	Warnings []string `json:"warnings,omitempty"`
	Error    string   `json:"error,omitempty"`
	Since    string   `json:"since,omitempty"`
}

func (s *Server) handleHealth(w http.ResponseWriter, r *http.Request) {
	v := s.Places.Version()
	body := healthJSON{Status: "ok", Places: s.Places.Len(), Version: v.ID, Warnings: v.Warnings}
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
