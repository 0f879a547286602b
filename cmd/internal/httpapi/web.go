package httpapi

import (
	"bytes"
	"embed"
	"html/template"
	"io/fs"
	"net/http"
	"strings"
	"time"

	"github.com/tierslieux/tierslieux/cmd/internal/query"
)

// web holds the map page, the embeddable widget and the vendored map
// library, compiled into the binary.
//
//go:embed web
var webFS embed.FS

// Default base map: OpenStreetMap's tiles, with their attribution.
const (
	DefaultTileURL     = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
	DefaultAttribution = "© OpenStreetMap contributors"
)

// started is the modification time served for embedded files.
var started = time.Now()

// pages are the HTML pages, rendered once at start-up from their
// templates with the base map and the vocabulary, and the vocabulary the
// widget fetches.
type pages struct {
	html       map[string][]byte // by template name
	vocabulary query.Vocabulary
}

// pageData is what the page templates see.
type pageData struct {
	TileURL, Attribution string
	Vocabulary           query.Vocabulary
}

func newPages(opts Options, v query.Vocabulary) *pages {
	d := pageData{TileURL: opts.TileURL, Attribution: opts.Attribution, Vocabulary: v}
	if d.TileURL == "" {
		d.TileURL = DefaultTileURL
	}
	if d.Attribution == "" {
		d.Attribution = DefaultAttribution
	}
	// The templates are embedded: a parse or render error is a build
	// error, caught by every test that starts a server.
	funcs := template.FuncMap{
		// listLabel is a list term's French label, as the page opens.
		"listLabel": func(list, id string) string {
			for _, t := range v.Lists[list] {
				if t.ID == id {
					return t.FR
				}
			}
			return id
		},
	}
	tmpl := template.Must(template.New("").Funcs(funcs).ParseFS(webFS, "web/index.html", "web/embed.html"))
	p := &pages{html: map[string][]byte{}, vocabulary: v}
	for _, name := range []string{"index.html", "embed.html"} {
		var b bytes.Buffer
		if err := tmpl.ExecuteTemplate(&b, name, d); err != nil {
			panic(err)
		}
		p.html[name] = b.Bytes()
	}
	return p
}

// webRoutes serves the page at /, the iframe form at /embed, the widget
// script at /embed.js and every asset under /static/.
func (s *Server) webRoutes() {
	static, err := fs.Sub(webFS, "web")
	if err != nil {
		panic(err) // the embed pattern guarantees the directory
	}
	page := func(name string) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.Header().Set("Cache-Control", "no-cache")
			http.ServeContent(w, r, name, started, bytes.NewReader(s.pages.html[name]))
		}
	}
	s.router.HandleFunc("/", page("index.html")).Methods(http.MethodGet, http.MethodHead)
	s.router.HandleFunc("/embed", page("embed.html")).Methods(http.MethodGet, http.MethodHead)
	s.router.HandleFunc("/embed.js", func(w http.ResponseWriter, r *http.Request) {
		// Partner pages load the widget from another origin.
		w.Header().Set("Access-Control-Allow-Origin", "*")
		w.Header().Set("Cache-Control", "public, max-age=300")
		s.serveAsset(w, r, static, "embed.js")
	}).Methods(http.MethodGet, http.MethodHead)
	s.router.PathPrefix("/static/").Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		name := strings.TrimPrefix(r.URL.Path, "/static/")
		if strings.HasSuffix(name, "/") || strings.HasSuffix(name, ".html") || !fs.ValidPath(name) {
			// Directory listings and the page templates are not assets.
			s.writeError(w, r, notFound(r.URL.Path))
			return
		}
		if st, err := fs.Stat(static, name); err != nil || st.IsDir() {
			s.writeError(w, r, notFound(r.URL.Path))
			return
		}
		// The widget's assets are loaded cross-origin too (Leaflet, styles).
		w.Header().Set("Access-Control-Allow-Origin", "*")
		w.Header().Set("Cache-Control", "public, max-age=300")
		s.serveAsset(w, r, static, name)
	})).Methods(http.MethodGet, http.MethodHead)
}
