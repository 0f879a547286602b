package httpapi_test

import (
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/getkin/kin-openapi/openapi3"
	"github.com/gorilla/mux"

	"github.com/tierslieux/tierslieux/cmd/internal/httpapi"
	"github.com/tierslieux/tierslieux/index"
	"github.com/tierslieux/tierslieux/ingest"
)

// specKeyring is a Keyring of one key a scope, plus a partner's search
// key limited to one origin; the secret is the key's name.
type specKeyring map[string]*httpapi.Key

func newSpecKeyring() specKeyring {
	return specKeyring{
		"admin-secret":   {ID: "admin", Scope: httpapi.ScopeAdmin},
		"ingest-secret":  {ID: "ingest", Scope: httpapi.ScopeIngest},
		"search-secret":  {ID: "search", Scope: httpapi.ScopeSearch},
		"partner-secret": {ID: "partner", Scope: httpapi.ScopeSearch, Origins: []string{"https://partner.example"}},
	}
}

func (k specKeyring) Lookup(secret string) (*httpapi.Key, bool) {
	key, ok := k[secret]
	return key, ok
}

// specWriter is a Writer that changes nothing: uploads are read and
// reported on, deletions of IDs starting with "nope" fail as the real
// one does for an unknown place, and snapshots are a small gzip.
type specWriter struct {
	reloadErr error
}

var specVersion = index.Version{ID: "build-20260101T120000.000000000", Places: demoPlaces, BuiltAt: time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)}

func (w *specWriter) Reload(context.Context) (index.Version, error) {
	return specVersion, w.reloadErr
}

func (w *specWriter) Ingest(_ context.Context, u httpapi.Upload) (*ingest.Report, index.Version, error) {
	if _, err := os.Stat(u.Path); err != nil {
		return nil, index.Version{}, err
	}
	stats := ingest.Stats{Read: 2, Indexed: 1, Rejected: 1, WithHours: 1}
	rep := &ingest.Report{Stats: stats,
		Files: []ingest.FileStats{{File: u.Name, Format: u.Format, Stats: stats}},
		Entries: []ingest.Entry{{File: u.Name, Line: 3, Record: 2, Severity: ingest.SeverityRejected,
			Field: "lat", Reason: "missing", Message: "no point and no commune to place it"}}}
	return rep, specVersion, nil
}

func (w *specWriter) Delete(_ context.Context, id string) (index.Version, error) {
	if strings.HasPrefix(id, "nope") {
		return index.Version{}, index.Errorf(index.CodeNotFound, "id", "no place with id %q", id)
	}
	return specVersion, nil
}

func (w *specWriter) Snapshot(context.Context) (httpapi.Snapshot, error) {
	return specSnapshot{}, nil
}

type specSnapshot struct{}

func (specSnapshot) Version() index.Version { return specVersion }
func (specSnapshot) Close() error           { return nil }

func (specSnapshot) WriteTo(w io.Writer) (int64, error) {
	zw := gzip.NewWriter(w)
	if _, err := io.WriteString(zw, "a tar would be here"); err != nil {
		return 0, err
	}
	return 0, zw.Close()
}

// newSpecServer is the server over the demo data with keys and a Writer:
// every route of the API registered.
func newSpecServer(tb testing.TB, w *specWriter) *httpapi.Server {
	tb.Helper()
	return httpapi.NewServer(MustBackend(tb), nil, httpapi.Options{Keys: newSpecKeyring(), Admin: w})
}

// TestOpenAPIDocument: the document loads and validates as OpenAPI 3.1,
// its examples against their schemas.
func TestOpenAPIDocument(t *testing.T) {
	c, err := theContract()
	if err != nil {
		t.Fatal(err)
	}
	if len(c.routes) == 0 {
		t.Fatal("no paths")
	}
}

// TestOpenAPIErrorCodes: the error codes the document lists are those
// the server answers with.
func TestOpenAPIErrorCodes(t *testing.T) {
	c, err := theContract()
	if err != nil {
		t.Fatal(err)
	}
	detail := c.doc.Components.Schemas["ErrorDetail"]
	if detail == nil {
		t.Fatal("no components.schemas.ErrorDetail")
	}
	var documented []string
	for _, v := range detail.Value.Properties["code"].Value.Enum {
		documented = append(documented, v.(string))
	}
	// Those Go's server answers before any handler (conns.go).
	answered := append(slices.Collect(maps.Keys(httpapi.StatusByCode)), "bad_request", "headers_too_large", "not_implemented", "http_version_not_supported")
	slices.Sort(documented)
	slices.Sort(answered)
	if !slices.Equal(documented, answered) {
		t.Errorf("error codes documented %v, answered %v", documented, answered)
	}
}

// TestOpenAPIServed: /openapi.json is the document, valid, cacheable, and
// names the base path the server is under.
func TestOpenAPIServed(t *testing.T) {
	want, err := os.ReadFile(contractFile)
	if err != nil {
		t.Fatal(err)
	}
	s := newTestServer(t)
	rec := MustServe(t, s, http.MethodGet, "/openapi.json")
	if rec.Code != http.StatusOK {
		t.Fatalf("status %d", rec.Code)
	}
	if got := rec.Body.Bytes(); string(got) != string(want) {
		t.Errorf("/openapi.json serves %d bytes that differ from %s", len(got), contractFile)
	}
	if ao := rec.Header().Get("Access-Control-Allow-Origin"); ao != "*" {
		t.Errorf("Access-Control-Allow-Origin %q, want *", ao)
	}
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(rec.Body.Bytes())
	if err != nil {
		t.Fatalf("the served document does not load: %v", err)
	}
	if err := doc.Validate(loader.Context); err != nil {
		t.Fatalf("the served document is not valid: %v", err)
	}

	etag := rec.Header().Get("ETag")
	if etag == "" {
		t.Fatal("no ETag")
	}
	again := MustServeBody(t, s, http.MethodGet, "/openapi.json", http.Header{"If-None-Match": {etag}}, nil)
	if again.Code != http.StatusNotModified {
		t.Errorf("If-None-Match the ETag: %d, want 304", again.Code)
	}
	if head := MustServe(t, s, http.MethodHead, "/openapi.json"); head.Code != http.StatusOK {
		t.Errorf("HEAD: %d", head.Code)
	}

	under := httpapi.NewServer(MustBackend(t), nil, httpapi.Options{BasePath: "/tiers-lieux"})
	rec = MustServe(t, under, http.MethodGet, "/openapi.json")
	doc, err = openapi3.NewLoader().LoadFromData(rec.Body.Bytes())
	if err != nil {
		t.Fatalf("under a base path, the document does not load: %v", err)
	}
	if len(doc.Servers) != 1 || doc.Servers[0].URL != "/tiers-lieux" {
		t.Errorf("under /tiers-lieux, servers %+v", doc.Servers)
	}
	if rec.Header().Get("ETag") == etag {
		t.Error("the document under a base path has the root's ETag")
	}
}

// routeSet lists a router's routes as "METHOD /path/{template}": a
// PathPrefix route (the assets) as its prefix followed by a parameter,
// as the document writes it; routes without methods (the write API's
// 405s for any other method) are left out.
func routeSet(tb testing.TB, r *mux.Router, docPaths []string) map[string]bool {
	tb.Helper()
	set := map[string]bool{}
	err := r.Walk(func(route *mux.Route, _ *mux.Router, _ []*mux.Route) error {
		tmpl, err := route.GetPathTemplate()
		if err != nil {
			return nil
		}
		methods, err := route.GetMethods()
		if err != nil {
			return nil
		}
		if re, _ := route.GetPathRegexp(); !strings.HasSuffix(re, "$") {
			// A prefix: the document's path that extends it by one parameter.
			prefix := tmpl
			tmpl += "{…}"
			for _, p := range docPaths {
				if rest, ok := strings.CutPrefix(p, prefix); ok && strings.HasPrefix(rest, "{") && strings.HasSuffix(rest, "}") && !strings.Contains(rest[1:], "{") {
					tmpl = p
				}
			}
		}
		for _, m := range methods {
			set[m+" "+tmpl] = true
		}
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
	return set
}

// documented lists the document's operations as "METHOD /path".
func documented(c *contract, keep func(path string) bool) map[string]bool {
	set := map[string]bool{}
	for path, item := range c.doc.Paths.Map() {
		if !keep(path) {
			continue
		}
		for method := range item.Operations() {
			set[method+" "+path] = true
		}
	}
	return set
}

func diffSets(a, b map[string]bool) []string {
	var out []string
	for k := range a {
		if !b[k] {
			out = append(out, k)
		}
	}
	slices.Sort(out)
	return out
}

// TestOpenAPIRoutes: every route the server registers is documented,
// and every documented operation is a route: with keys and a Writer all
// of them; without keys, all but the write API.
func TestOpenAPIRoutes(t *testing.T) {
	c, err := theContract()
	if err != nil {
		t.Fatal(err)
	}
	docPaths := slices.Collect(maps.Keys(c.doc.Paths.Map()))
	for _, tc := range []struct {
		name   string
		server *httpapi.Server
		keep   func(path string) bool
	}{
		{"keys and a writer", newSpecServer(t, &specWriter{}), func(string) bool { return true }},
		{"no keys", newTestServer(t), func(p string) bool { return !strings.HasPrefix(p, "/v1/admin/") }},
		{"keys and a reloader", httpapi.NewServer(MustBackend(t), nil, httpapi.Options{Keys: newSpecKeyring(), Admin: reloadOnly{}}),
			func(p string) bool { return !strings.HasPrefix(p, "/v1/admin/") || p == "/v1/admin/reload" }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			routes := routeSet(t, tc.server.Router(), docPaths)
			doc := documented(c, tc.keep)
			if missing := diffSets(routes, doc); len(missing) > 0 {
				t.Errorf("routes the document does not describe:\n\t%s", strings.Join(missing, "\n\t"))
			}
			if extra := diffSets(doc, routes); len(extra) > 0 {
				t.Errorf("operations the document describes that the server does not route:\n\t%s", strings.Join(extra, "\n\t"))
			}
		})
	}
}

// reloadOnly is an Admin that is not a Writer: the write API is reloads
// alone.
type reloadOnly struct{}

func (reloadOnly) Reload(context.Context) (index.Version, error) { return specVersion, nil }

// TestContractAdmin walks the write API through the contract check:
// each answer, success or refusal, as the document says.
func TestContractAdmin(t *testing.T) {
	s := newSpecServer(t, &specWriter{})
	bearer := func(secret string) http.Header { return http.Header{"Authorization": {"Bearer " + secret}} }
	send := func(method, target string, h http.Header, body string, status int) *httptest.ResponseRecorder {
		t.Helper()
		rec := MustServeBody(t, s, method, target, h, []byte(body))
		if rec.Code != status {
			t.Errorf("%s %s: %d, want %d: %s", method, target, rec.Code, status, rec.Body.Bytes())
		}
		return rec
	}
	ingestKey, adminKey := bearer("ingest-secret"), bearer("admin-secret")

	rec := send(http.MethodPost, "/v1/admin/reload", nil, "", http.StatusUnauthorized)
	if rec.Header().Get("WWW-Authenticate") == "" {
		t.Error("401 without WWW-Authenticate")
	}
	send(http.MethodPost, "/v1/admin/reload", bearer("not-a-key"), "", http.StatusUnauthorized)
	send(http.MethodPost, "/v1/admin/reload", bearer("search-secret"), "", http.StatusForbidden)
	send(http.MethodPost, "/v1/admin/reload", ingestKey, "", http.StatusForbidden)
	send(http.MethodPost, "/v1/admin/reload", adminKey, "", http.StatusOK)
	send(http.MethodGet, "/v1/admin/reload", adminKey, "", http.StatusMethodNotAllowed)

	csv := "id,name,lat,lon\nx-1,Un lieu,44.35,2.57\n"
	csvType := http.Header{"Authorization": ingestKey["Authorization"], "Content-Type": {"text/csv"}}
	send(http.MethodPost, "/v1/admin/uploads?format=csv", ingestKey, csv, http.StatusBadRequest)
	send(http.MethodPost, "/v1/admin/uploads?mode=rebuild&format=xls", ingestKey, csv, http.StatusBadRequest)
	send(http.MethodPost, "/v1/admin/uploads?mode=rebuild", ingestKey, csv, http.StatusBadRequest)
	send(http.MethodPost, "/v1/admin/uploads?mode=rebuild", csvType, "", http.StatusBadRequest)
	send(http.MethodPost, "/v1/admin/uploads?mode=upsert", csvType, csv, http.StatusAccepted)
	ndjson := `{"id":"x-1","name":"Un lieu","lat":44.35,"lon":2.57}` + "\n"
	// The body is the ingest's to check: a malformed file is a task that
	// fails, not a refused request.
	jsonType := http.Header{"Authorization": ingestKey["Authorization"], "Content-Type": {"application/json"}}
	send(http.MethodPost, "/v1/admin/uploads?mode=upsert", jsonType, "{not json", http.StatusAccepted)
	for _, ct := range []string{"application/x-ndjson", "application/octet-stream"} {
		h := http.Header{"Authorization": ingestKey["Authorization"], "Content-Type": {ct}}
		send(http.MethodPost, "/v1/admin/uploads?mode=upsert&format=ndjson", h, ndjson, http.StatusAccepted)
	}
	rec = send(http.MethodPost, "/v1/admin/uploads?mode=rebuild&format=csv", ingestKey, csv, http.StatusAccepted)
	upload := specTask(t, rec)
	rec = send(http.MethodDelete, "/v1/admin/places/tlo-001", ingestKey, "", http.StatusAccepted)
	deleted := specTask(t, rec)
	rec = send(http.MethodDelete, "/v1/admin/places/nope-1", ingestKey, "", http.StatusAccepted)
	failed := specTask(t, rec)
	send(http.MethodGet, "/v1/admin/uploads", ingestKey, "", http.StatusMethodNotAllowed)

	for id, state := range map[string]string{upload: "done", deleted: "done", failed: "failed"} {
		deadline := time.Now().Add(10 * time.Second)
		for {
			var body struct {
				Task struct {
					State string `json:"state"`
				} `json:"task"`
			}
			rec := send(http.MethodGet, "/v1/admin/tasks/"+id, ingestKey, "", http.StatusOK)
			MustDecode(t, rec.Body.Bytes(), &body)
			if body.Task.State == state {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("task %s: %s, want %s", id, body.Task.State, state)
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
	send(http.MethodGet, "/v1/admin/tasks", ingestKey, "", http.StatusOK)
	send(http.MethodGet, "/v1/admin/tasks/0123456789abcdef", ingestKey, "", http.StatusNotFound)
	send(http.MethodGet, "/v1/admin/tasks", bearer("search-secret"), "", http.StatusForbidden)

	send(http.MethodPost, "/v1/admin/snapshot", ingestKey, "", http.StatusForbidden)
	rec = send(http.MethodPost, "/v1/admin/snapshot", adminKey, "", http.StatusOK)
	if zr, err := gzip.NewReader(rec.Body); err != nil {
		t.Errorf("snapshot: %v", err)
	} else if _, err := io.ReadAll(zr); err != nil {
		t.Errorf("snapshot: %v", err)
	}

	failing := newSpecServer(t, &specWriter{reloadErr: errors.New("build-x: manifest: checksum mismatch")})
	if rec := MustServeBody(t, failing, http.MethodPost, "/v1/admin/reload", adminKey, nil); rec.Code != http.StatusInternalServerError {
		t.Errorf("failed reload: %d", rec.Code)
	}

	// Without keys there is no write API.
	plain := newTestServer(t)
	for _, target := range []string{"/v1/admin/reload", "/v1/admin/uploads?mode=rebuild&format=csv", "/v1/admin/snapshot"} {
		if rec := MustServeBody(t, plain, http.MethodPost, target, adminKey, []byte(csv)); rec.Code != http.StatusNotFound {
			t.Errorf("POST %s without keys: %d, want 404", target, rec.Code)
		}
	}
	if rec := MustServe(t, plain, http.MethodGet, "/v1/admin/uploads"); rec.Code != http.StatusNotFound {
		t.Errorf("GET /v1/admin/uploads without keys: %d, want 404", rec.Code)
	}
}

// specTask returns the ID of the task a 202 accepted, checking that
// Location points at it.
func specTask(tb testing.TB, rec *httptest.ResponseRecorder) string {
	tb.Helper()
	var body struct {
		Task struct {
			ID string `json:"id"`
		} `json:"task"`
	}
	MustDecode(tb, rec.Body.Bytes(), &body)
	if want := "/v1/admin/tasks/" + body.Task.ID; rec.Header().Get("Location") != want {
		tb.Errorf("Location %q, want %q", rec.Header().Get("Location"), want)
	}
	return body.Task.ID
}

// TestContractKeys: the search routes with keys, as the document says:
// a key in the header or the parameter, 401 with WWW-Authenticate for a
// bad one, 403 from an origin the key does not allow.
func TestContractKeys(t *testing.T) {
	s := newSpecServer(t, &specWriter{})
	for _, tc := range []struct {
		name, method, target string
		header               http.Header
		status               int
	}{
		{"public search", http.MethodGet, "/v1/search?type=fablab", nil, http.StatusOK},
		{"search, bearer", http.MethodGet, "/v1/search?type=fablab", http.Header{"Authorization": {"Bearer search-secret"}}, http.StatusOK},
		{"search, parameter", http.MethodGet, "/v1/search?type=fablab&key=search-secret", nil, http.StatusOK},
		{"search, bad key", http.MethodGet, "/v1/search?type=fablab&key=nope", nil, http.StatusUnauthorized},
		{"search, bad scheme", http.MethodGet, "/v1/search", http.Header{"Authorization": {"Basic c2VhcmNo"}}, http.StatusUnauthorized},
		{"search, other origin", http.MethodGet, "/v1/search?key=partner-secret", http.Header{"Origin": {"https://elsewhere.example"}}, http.StatusForbidden},
		{"search, partner origin", http.MethodGet, "/v1/search?key=partner-secret", http.Header{"Origin": {"https://partner.example"}}, http.StatusOK},
		{"clusters, bad key", http.MethodGet, "/v1/clusters?zoom=5&bbox=0,42,5,45&key=nope", nil, http.StatusUnauthorized},
		{"place, bearer", http.MethodGet, "/v1/places/tlo-001", http.Header{"Authorization": {"Bearer admin-secret"}}, http.StatusOK},
		{"place, bad key", http.MethodGet, "/v1/places/tlo-001?key=nope", nil, http.StatusUnauthorized},
		{"place HEAD, bad key", http.MethodHead, "/v1/places/tlo-001?key=nope", nil, http.StatusUnauthorized},
		{"suggest, parameter", http.MethodGet, "/v1/suggest?q=rod&key=search-secret", nil, http.StatusOK},
		{"suggest, bad key", http.MethodGet, "/v1/suggest?q=rod&key=nope", nil, http.StatusUnauthorized},
		{"suggest, other origin", http.MethodGet, "/v1/suggest?q=rod", http.Header{"Authorization": {"Bearer partner-secret"}, "Origin": {"https://elsewhere.example"}}, http.StatusForbidden},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rec := MustServeBody(t, s, tc.method, tc.target, tc.header, nil)
			if rec.Code != tc.status {
				t.Errorf("%d, want %d: %s", rec.Code, tc.status, rec.Body.Bytes())
			}
			if rec.Code == http.StatusUnauthorized && rec.Header().Get("WWW-Authenticate") == "" {
				t.Error("401 without WWW-Authenticate")
			}
		})
	}
}

// TestContractCatchesViolations: the contract check is not a formality:
// answers that depart from the document are caught.
func TestContractCatchesViolations(t *testing.T) {
	s := newTestServer(t)
	good := MustServe(t, s, http.MethodGet, "/v1/search?type=fablab&limit=2")
	if good.Code != http.StatusOK {
		t.Fatalf("search: %d", good.Code)
	}
	var search map[string]any
	MustDecode(t, good.Body.Bytes(), &search)
	withoutTotal := maps.Clone(search)
	delete(withoutTotal, "total")
	withString := maps.Clone(search)
	withString["total"] = "many"
	jsonOf := func(v any) []byte {
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	// Headers every answer carries, and these.
	header := func(kv ...string) http.Header {
		h := http.Header{}
		h.Set("X-Request-ID", "r1")
		for i := 0; i < len(kv); i += 2 {
			h.Set(kv[i], kv[i+1])
		}
		return h
	}
	jsonType := header("Content-Type", "application/json; charset=utf-8")
	for _, tc := range []struct {
		name           string
		method, target string
		status         int
		header         http.Header
		body           []byte
		wantErr        string // part of the error, "" for none
	}{
		{"the real answer", "GET", "/v1/search?type=fablab&limit=2", 200, good.Result().Header, good.Body.Bytes(), ""},
		{"a required field missing", "GET", "/v1/search?type=fablab&limit=2", 200, jsonType, jsonOf(withoutTotal), "total"},
		{"a field of the wrong type", "GET", "/v1/search?type=fablab&limit=2", 200, jsonType, jsonOf(withString), "total"},
		{"an undocumented status", "GET", "/v1/search", 201, jsonType, good.Body.Bytes(), "status 201 is not documented"},
		{"a refused key where the document asks for none", "GET", "/v1/geocode?q=Rodez&key=x", 401, header("Content-Type", "application/json", "WWW-Authenticate", `Bearer realm="tierslieux"`), []byte(`{"error":{"code":"unauthorized","message":"x"}}`), "status 401 is not documented"},
		{"an undocumented content type", "GET", "/v1/search", 200, header("Content-Type", "text/plain"), good.Body.Bytes(), "Content-Type"},
		{"no content type", "GET", "/v1/search", 200, header(), good.Body.Bytes(), "Content-Type"},
		{"an error body of another shape", "GET", "/v1/places/nope", 404, jsonType, []byte(`{"message":"not found"}`), "error"},
		{"an unknown error code", "GET", "/v1/places/nope", 404, jsonType, []byte(`{"error":{"code":"oops","message":"x"}}`), "code"},
		{"a 401 without WWW-Authenticate", "GET", "/v1/search?key=x", 401, jsonType, []byte(`{"error":{"code":"unauthorized","message":"x"}}`), "WWW-Authenticate"},
		{"a 405 without Allow", "POST", "/v1/search", 405, jsonType, []byte(`{"error":{"code":"method_not_allowed","message":"x"}}`), "Allow"},
		{"an answer to an undescribed path", "GET", "/v2/search", 200, jsonType, good.Body.Bytes(), "undescribed path"},
		{"a success for a request the document refuses", "GET", "/v1/search?limit=many", 200, good.Result().Header, good.Body.Bytes(), "refuses the request"},
		{"a reload without the version's places", "POST", "/v1/admin/reload", 200, jsonType, []byte(`{"version":{"id":"x"}}`), "places"},
		{"no request ID", "GET", "/healthz", 200, http.Header{"Content-Type": {"application/json"}}, []byte(`{"status":"ok","places":1,"version":"x"}`), "X-Request-ID"},
		{"a bad request ID", "GET", "/healthz", 200, header("Content-Type", "application/json", "X-Request-ID", "a b"), []byte(`{"status":"ok","places":1,"version":"x"}`), "X-Request-ID"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req := httptest.NewRequest(tc.method, tc.target, nil)
			if tc.status == 401 || strings.HasPrefix(tc.target, "/v1/admin/") {
				req.Header.Set("Authorization", "Bearer x")
			}
			err := contractError(req, tc.status, tc.header, tc.body)
			switch {
			case tc.wantErr == "" && err != nil:
				t.Errorf("error %v, want none", err)
			case tc.wantErr != "" && err == nil:
				t.Errorf("no error, want one about %q", tc.wantErr)
			case tc.wantErr != "" && !strings.Contains(err.Error(), tc.wantErr):
				t.Errorf("error %v, want one about %q", err, tc.wantErr)
			}
		})
	}
	// A document that is not one the check can trust is refused.
	if _, err := loadContract([]byte(`{"openapi":"3.0.3","info":{"title":"x","version":"1"},"paths":{}}`)); err == nil {
		t.Error("an OpenAPI 3.0 document loads as the contract")
	}
	if _, err := loadContract([]byte(`{"openapi":"3.1.0","info":{"title":"x","version":"1"},"paths":{"/x":{"get":{"responses":{"200":{"description":"x","content":{"application/json":{"schema":{"type":"integer"},"example":"one"}}}}}}}}`)); err == nil {
		t.Error("a document whose example breaks its schema loads as the contract")
	}
}

// cspDirectives reads a Content-Security-Policy into its directives.
func cspDirectives(csp string) map[string][]string {
	out := map[string][]string{}
	for _, d := range strings.Split(csp, ";") {
		f := strings.Fields(d)
		if len(f) > 0 {
			out[strings.ToLower(f[0])] = f[1:]
		}
	}
	return out
}

// cspSources are the sources a fetch directive allows, default-src's
// when it is absent.
func cspSources(d map[string][]string, directive string) []string {
	if s, ok := d[directive]; ok {
		return s
	}
	return d["default-src"]
}

var (
	inlineScript  = regexp.MustCompile(`(?is)<script\b([^>]*)>(.*?)</script\s*>`)
	inlineStyle   = regexp.MustCompile(`(?is)<style\b[^>]*>(.*?)</style\s*>`)
	eventHandler  = regexp.MustCompile(`(?is)<[a-z][^>]*\son[a-z]+\s*=`)
	styleAttr     = regexp.MustCompile(`(?is)<[a-z][^>]*\sstyle\s*=`)
	resourceAttr  = regexp.MustCompile(`(?is)<(img|link|iframe|object|embed|source|video|audio)\b[^>]*\s(?:src|href)\s*=\s*"([^"]*)"`)
	javascriptURL = regexp.MustCompile(`(?i)(?:href|src|action)\s*=\s*"\s*javascript:`)
)

// allowsInline reports whether a directive's sources allow an inline
// element of this content: by hash, or by 'unsafe-inline' without any
// hash or nonce (which would disable it).
func allowsInline(sources []string, content string) bool {
	sum := sha256.Sum256([]byte(content))
	if slices.Contains(sources, "'sha256-"+base64.StdEncoding.EncodeToString(sum[:])+"'") {
		return true
	}
	hashed := slices.ContainsFunc(sources, func(s string) bool {
		return strings.HasPrefix(s, "'sha") || strings.HasPrefix(s, "'nonce-")
	})
	return slices.Contains(sources, "'unsafe-inline'") && !hashed
}

// TestDocsPage: /docs describes every operation of the document, and
// everything the page holds runs under the policy it is sent with: no
// script but hashed ones, styles only by hash, nothing fetched from
// elsewhere.
func TestDocsPage(t *testing.T) {
	c, err := theContract()
	if err != nil {
		t.Fatal(err)
	}
	for _, opts := range []httpapi.Options{{}, {BasePath: "/tiers-lieux"}} {
		t.Run("base "+opts.BasePath, func(t *testing.T) {
			s := httpapi.NewServer(MustBackend(t), nil, opts)
			rec := MustServe(t, s, http.MethodGet, "/docs")
			if rec.Code != http.StatusOK {
				t.Fatalf("status %d", rec.Code)
			}
			if mt := MustMediaType(t, rec.Header()); mt != "text/html" {
				t.Errorf("Content-Type %q", mt)
			}
			csp := rec.Header().Get("Content-Security-Policy")
			if csp == "" {
				t.Fatal("no Content-Security-Policy")
			}
			d := cspDirectives(csp)
			page := rec.Body.String()
			checkUnderCSP(t, d, page)
			for _, directive := range []string{"default-src", "base-uri", "frame-ancestors"} {
				if _, ok := d[directive]; !ok {
					t.Errorf("the policy has no %s: %s", directive, csp)
				}
			}

			for path, item := range c.doc.Paths.Map() {
				for method, op := range item.Operations() {
					if !strings.Contains(page, `id="op-`+op.OperationID+`"`) {
						t.Errorf("%s %s (%s) is not on the page", method, path, op.OperationID)
					}
				}
			}
			for name := range c.doc.Components.Schemas {
				if !strings.Contains(page, `id="schema-`+name+`"`) {
					t.Errorf("schema %s is not on the page", name)
				}
			}
			if want := `<code>` + opts.BasePath; opts.BasePath != "" && !strings.Contains(page, want) {
				t.Errorf("the page does not name the base path %s", opts.BasePath)
			}
			for _, href := range regexp.MustCompile(`href="#([^"]+)"`).FindAllStringSubmatch(page, -1) {
				if !strings.Contains(page, `id="`+href[1]+`"`) {
					t.Errorf("a link to #%s, which is not on the page", href[1])
				}
			}
		})
	}
}

// checkUnderCSP checks that a page needs nothing its policy forbids.
func checkUnderCSP(tb testing.TB, d map[string][]string, page string) {
	tb.Helper()
	scripts := cspSources(d, "script-src")
	for _, m := range inlineScript.FindAllStringSubmatch(page, -1) {
		if strings.Contains(strings.ToLower(m[1]), "src=") {
			if !slices.Contains(scripts, "'self'") {
				tb.Errorf("a script from a file, which script-src %v forbids: %s", scripts, m[0])
			}
			continue
		}
		if !allowsInline(scripts, m[2]) {
			tb.Errorf("an inline script that script-src %v does not allow: %.100s", scripts, m[2])
		}
	}
	if eventHandler.MatchString(page) {
		tb.Errorf("an inline event handler, which the policy forbids: %s", eventHandler.FindString(page))
	}
	if javascriptURL.MatchString(page) {
		tb.Errorf("a javascript: URL, which the policy forbids: %s", javascriptURL.FindString(page))
	}
	styles := cspSources(d, "style-src")
	for _, m := range inlineStyle.FindAllStringSubmatch(page, -1) {
		if !allowsInline(styles, m[1]) {
			tb.Errorf("an inline style that style-src %v does not allow: %.100s", styles, m[1])
		}
	}
	if styleAttr.MatchString(page) && !allowsInline(styles, "") {
		tb.Errorf("a style attribute, which style-src %v forbids: %s", styles, styleAttr.FindString(page))
	}
	for _, m := range resourceAttr.FindAllStringSubmatch(page, -1) {
		tag, url := strings.ToLower(m[1]), m[2]
		directive := map[string]string{"img": "img-src", "link": "style-src", "iframe": "frame-src", "source": "media-src", "video": "media-src", "audio": "media-src"}[tag]
		if directive == "" {
			directive = "object-src"
		}
		sources := cspSources(d, directive)
		local := !strings.Contains(url, ":") && !strings.HasPrefix(url, "//")
		switch {
		case strings.HasPrefix(url, "data:") && slices.Contains(sources, "data:"):
		case local && slices.Contains(sources, "'self'"):
		default:
			tb.Errorf("<%s> loads %q, which %s %v forbids", tag, url, directive, sources)
		}
	}
}

// TestDocsInBrowser: Chromium shows /docs under its policy without a
// single violation, with its styles applied.
func TestDocsInBrowser(t *testing.T) {
	ctx := MustBrowser(t)
	srv := httptest.NewServer(newTestServer(t))
	t.Cleanup(srv.Close)
	if err := chromedp.Run(ctx, chromedp.Navigate(srv.URL+"/docs"), chromedp.WaitReady("#schemas", chromedp.ByQuery)); err != nil {
		t.Fatal(err)
	}
	c, err := theContract()
	if err != nil {
		t.Fatal(err)
	}
	ops := 0
	for _, item := range c.doc.Paths.Map() {
		ops += len(item.Operations())
	}
	if n := evalJS[int](t, ctx, `document.querySelectorAll('article.op').length`); n != ops {
		t.Errorf("%d operations on the page, want %d", n, ops)
	}
	// The header's colour comes from the hashed inline style sheet: a
	// blocked sheet leaves it transparent.
	if bg := evalJS[string](t, ctx, `getComputedStyle(document.querySelector('header')).backgroundColor`); bg == "rgba(0, 0, 0, 0)" || bg == "" {
		t.Errorf("the page's styles are not applied (header background %q)", bg)
	}
	if n := evalJS[int](t, ctx, `document.scripts.length`); n != 0 {
		t.Errorf("%d scripts on the page", n)
	}
	// The page's link to the document leads to it.
	href := evalJS[string](t, ctx, `document.querySelector('a[href="openapi.json"]').href`)
	if href != srv.URL+"/openapi.json" {
		t.Errorf("the page links to %q", href)
	}
	if a := MustHTTP(t, srv.Client(), http.MethodGet, href); a.status != http.StatusOK {
		t.Errorf("GET %s: %d", href, a.status)
	}
	screenshot(t, ctx, "docs")
}
