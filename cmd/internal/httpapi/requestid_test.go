package httpapi_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/tierslieux/tierslieux/cmd/internal/httpapi"
	"github.com/tierslieux/tierslieux/index"
)

var generatedID = regexp.MustCompile(`^[0-9a-f]{32}$`)

// TestRequestID: every answer carries X-Request-ID, the client's when it
// is sane, a new one otherwise; every log line about the request carries
// the same request_id, in structured (JSON) records.
func TestRequestID(t *testing.T) {
	real := MustBackend(t)
	fake := &fakeService{real: real, search: func(ctx context.Context, q index.Query) (*index.Result, error) {
		if q.Text == "boom" {
			return nil, errors.New("disk on fire")
		}
		return real.Search.Search(ctx, q)
	}}
	log, logs := MustLogBuffer(t)
	s := httpapi.NewServer(fake.backend(), log, httpapi.Options{})
	tests := []struct {
		name, target, sent string
		keep               bool // the answer echoes the sent ID
		status             int
		logs               []string // messages logged with the ID
	}{
		{"sane ID kept", "/v1/search?q=fablab", "req-42.abc_DEF", true, 200, []string{"request"}},
		{"64 characters kept", "/healthz", strings.Repeat("a", 64), true, 200, []string{"request"}},
		{"none: generated", "/v1/search?q=fablab", "", false, 200, []string{"request"}},
		{"65 characters: replaced", "/healthz", strings.Repeat("a", 65), false, 200, []string{"request"}},
		{"a space: replaced", "/healthz", "a b", false, 200, []string{"request"}},
		{"a slash: replaced", "/healthz", "a/b", false, 200, []string{"request"}},
		{"a quote: replaced", "/healthz", `a"b`, false, 200, []string{"request"}},
		{"non-ASCII: replaced", "/healthz", "é", false, 200, []string{"request"}},
		{"an error logged", "/v1/search?q=boom", "err-1", true, 500, []string{"internal error", "request"}},
		{"a 404", "/nowhere", "nf-1", true, 404, []string{"request"}},
		{"an asset", "/static/app.css", "css-1", true, 200, []string{"request"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			req := httptest.NewRequest(http.MethodGet, tc.target, nil)
			if tc.sent != "" {
				req.Header.Set("X-Request-ID", tc.sent)
			}
			rec := MustServeRequest(s, req)
			if rec.Code != tc.status {
				t.Fatalf("status %d, want %d", rec.Code, tc.status)
			}
			id := rec.Header().Get("X-Request-ID")
			switch {
			case tc.keep && id != tc.sent:
				t.Errorf("X-Request-ID %q, want the request's %q", id, tc.sent)
			case !tc.keep && !generatedID.MatchString(id):
				t.Errorf("X-Request-ID %q, want 32 hex digits", id)
			}
			records := logRecords(t, logs.String(), id)
			var msgs []string
			for _, r := range records {
				msgs = append(msgs, r["msg"].(string))
			}
			if strings.Join(msgs, ",") != strings.Join(tc.logs, ",") {
				t.Errorf("logged %q with request_id %s, want %q", msgs, id, tc.logs)
			}
			for _, r := range records {
				if r["msg"] == "request" && (r["path"] != req.URL.Path || r["status"] != float64(tc.status)) {
					t.Errorf("request record %v: want path %s, status %d", r, req.URL.Path, tc.status)
				}
			}
		})
	}
	// Generated IDs differ.
	a := MustServe(t, s, http.MethodGet, "/healthz").Header().Get("X-Request-ID")
	b := MustServe(t, s, http.MethodGet, "/healthz").Header().Get("X-Request-ID")
	if a == b {
		t.Errorf("two requests got the same ID %s", a)
	}
}

// logRecords returns the JSON log records whose request_id is id.
func logRecords(tb testing.TB, logs, id string) []map[string]any {
	tb.Helper()
	var out []map[string]any
	for _, line := range strings.Split(strings.TrimSpace(logs), "\n") {
		var r map[string]any
		if err := json.Unmarshal([]byte(line), &r); err != nil {
			tb.Fatalf("log line is not JSON: %q", line)
		}
		if r["request_id"] == id {
			out = append(out, r)
		}
	}
	return out
}
