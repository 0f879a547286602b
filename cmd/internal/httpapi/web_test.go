package httpapi_test

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/tierslieux/tierslieux/cmd/internal/httpapi"
	"github.com/tierslieux/tierslieux/cmd/internal/query"
	"github.com/tierslieux/tierslieux/ingest"
)

func TestWebRoutes(t *testing.T) {
	h := newTestServer(t)
	tests := []struct {
		name, url, contentType, contains string
	}{
		{"page", "/", "text/html", `id="q"`},
		{"page with a query", "/?q=fablab", "text/html", `tierslieux-tiles`},
		{"iframe form", "/embed?near=Rodez&type=fablab", "text/html", "embed.js"},
		{"widget", "/embed.js", "text/javascript", "tierslieux-search"},
		{"app script", "/static/app.js", "text/javascript", "v1/clusters"},
		{"styles", "/static/app.css", "text/css", "{"},
		{"map library", "/static/vendor/leaflet/leaflet.js", "text/javascript", "Leaflet"},
		{"map library licence", "/static/vendor/leaflet/LICENSE", "text/plain", "BSD"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rec := MustServe(t, h, http.MethodGet, tc.url)
			if rec.Code != http.StatusOK {
				t.Fatalf("GET %s: %d", tc.url, rec.Code)
			}
			if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, tc.contentType) {
				t.Errorf("Content-Type %q, want %s", ct, tc.contentType)
			}
			if !strings.Contains(rec.Body.String(), tc.contains) {
				t.Errorf("body lacks %q", tc.contains)
			}
		})
	}
	for _, url := range []string{"/static/", "/static/nope.js", "/static/vendor/"} {
		if rec := MustServe(t, h, http.MethodGet, url); rec.Code != http.StatusNotFound {
			t.Errorf("GET %s: %d, want 404", url, rec.Code)
		}
	}
}

// The widget and its assets load on partner sites: other origins.
func TestWebAssetsCrossOrigin(t *testing.T) {
	h := newTestServer(t)
	for _, url := range []string{"/embed.js", "/static/vendor/leaflet/leaflet.js", "/static/vendor/leaflet/leaflet.css"} {
		rec := MustServe(t, h, http.MethodGet, url)
		if got := rec.Header().Get("Access-Control-Allow-Origin"); got != "*" {
			t.Errorf("GET %s: Access-Control-Allow-Origin %q, want *", url, got)
		}
	}
}

func TestPageTilesConfigurable(t *testing.T) {
	h := httpapi.NewServer(MustBackend(t), nil, httpapi.Options{TileURL: "https://tiles.example.org/{z}/{x}/{y}.png", Attribution: "© Exemple & Cie"})
	body := MustServe(t, h, http.MethodGet, "/").Body.String()
	if !strings.Contains(body, `content="https://tiles.example.org/{z}/{x}/{y}.png"`) || !strings.Contains(body, `content="© Exemple &amp; Cie"`) {
		t.Errorf("page does not carry the configured tiles and attribution")
	}
	if strings.Contains(body, httpapi.DefaultTileURL) {
		t.Errorf("page still names the default tiles")
	}
}

// The widget's own script and styles stay under 30 KB gzipped (the map
// library apart): partner pages pay for every byte.
func TestWidgetWeight(t *testing.T) {
	root := filepath.Join("web")
	var total int
	for _, name := range []string{"embed.js"} {
		b, err := os.ReadFile(filepath.Join(root, name))
		if err != nil {
			t.Fatal(err)
		}
		total += gzipSize(t, b)
	}
	// Styles the widget loads from its own files, if any.
	fs.WalkDir(os.DirFS(root), ".", func(p string, d fs.DirEntry, err error) error {
		if err == nil && strings.HasPrefix(p, "embed") && strings.HasSuffix(p, ".css") {
			b, _ := os.ReadFile(filepath.Join(root, p))
			total += gzipSize(t, b)
		}
		return nil
	})
	t.Logf("widget: %d bytes gzipped", total)
	if total > 30<<10 {
		t.Errorf("widget weighs %d bytes gzipped, budget 30 KB", total)
	}
}

func gzipSize(tb testing.TB, b []byte) int {
	tb.Helper()
	var buf bytes.Buffer
	w, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	w.Write(b)
	w.Close()
	return buf.Len()
}

// TestVocabularyServed: the page and the widget read the vocabulary the
// server reads queries with — in the page, and at /v1/vocabulary — and
// carry no copy of their own.
func TestVocabularyServed(t *testing.T) {
	h := newTestServer(t)
	rec := MustServe(t, h, http.MethodGet, "/v1/vocabulary")
	if rec.Code != http.StatusOK {
		t.Fatalf("/v1/vocabulary: %d", rec.Code)
	}
	var v query.Vocabulary
	MustDecode(t, rec.Body.Bytes(), &v)
	for _, list := range []struct {
		name  string
		got   []query.VocabularyTerm
		terms []ingest.Term
	}{{"types", v.Types, ingest.Types}, {"services", v.Services, ingest.Services}} {
		if len(list.got) != len(list.terms) {
			t.Fatalf("%s: %d served, %d in the vocabulary", list.name, len(list.got), len(list.terms))
		}
		for i, term := range list.terms {
			got := list.got[i]
			if got.ID != term.ID || got.FR != term.FR || got.EN != term.EN {
				t.Errorf("%s %d: served %+v, vocabulary %s %q %q", list.name, i, got, term.ID, term.FR, term.EN)
			}
			for _, s := range append([]string{term.FR, term.EN}, term.Synonyms...) {
				if !slices.Contains(got.Keys, ingest.TermKey(s)) {
					t.Errorf("%s %s: key of %q missing from %q", list.name, term.ID, s, got.Keys)
				}
			}
		}
	}
	if v.Departements["12"] != "Aveyron" || v.Regions["76"] != "Occitanie" || len(v.Departements) < 100 {
		t.Errorf("area names: 12=%q 76=%q, %d départements", v.Departements["12"], v.Regions["76"], len(v.Departements))
	}
	page := MustServe(t, h, http.MethodGet, "/").Body.String()
	start := strings.Index(page, `<script type="application/json" id="tierslieux-vocabulary">`)
	if start < 0 {
		t.Fatal("page has no vocabulary")
	}
	inPage := page[start:]
	inPage = inPage[strings.Index(inPage, ">")+1 : strings.Index(inPage, "</script>")]
	var pv query.Vocabulary
	if err := json.Unmarshal([]byte(inPage), &pv); err != nil {
		t.Fatalf("vocabulary in the page is not JSON: %v", err)
	}
	if !reflect.DeepEqual(pv, v) {
		t.Error("the page's vocabulary differs from /v1/vocabulary")
	}
	for _, term := range ingest.Types {
		if !strings.Contains(page, `data-type="`+term.ID+`"`) {
			t.Errorf("page has no toggle for %s", term.ID)
		}
	}
	// No script carries a label of its own: a label in a script would be a
	// copy that can drift.
	for _, name := range []string{"web/app.js", "web/embed.js"} {
		b, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		for _, term := range append(slices.Clone(ingest.Types), ingest.Services...) {
			for _, label := range []string{`'` + term.FR + `'`, `'` + term.EN + `'`} {
				if strings.Contains(string(b), label) {
					t.Errorf("%s carries the label %s", name, label)
				}
			}
		}
	}
}
