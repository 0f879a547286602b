package httpapi

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"html/template"
	"io/fs"
	"net/http"
	"path"
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
	etag       map[string]string // by template name: the page's hash
	vocabulary query.Vocabulary
}

// pageData is what the page templates see.
type pageData struct {
	TileURL, Attribution string
	Vocabulary           query.Vocabulary
	// Base is the path the service is served under ("" or
	// "/tiers-lieux"): every link of the pages starts with it.
	Base string
}

// basePath is Options.BasePath made "" or "/x/y": one leading slash, no
// trailing one.
func basePath(p string) string {
	p = path.Clean("/" + strings.Trim(p, "/"))
	if p == "/" {
		return ""
	}
	return p
}

func newPages(opts Options, v query.Vocabulary) *pages {
	d := pageData{TileURL: opts.TileURL, Attribution: opts.Attribution, Vocabulary: v, Base: basePath(opts.BasePath)}
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
		// asset is the URL of an asset served at urlPath (/embed.js,
		// /static/app.js) under the base path, versioned by its content
		// hash: cached for a year (assetCache), changed by a release.
		"asset": func(urlPath string) string {
			name := strings.TrimPrefix(strings.TrimPrefix(urlPath, "/static/"), "/")
			u := d.Base + urlPath
			if tag := assetTag(name); tag != "" {
				u += "?v=" + tag
			}
			return u
		},
	}
	tmpl := template.Must(template.New("").Funcs(funcs).ParseFS(webFS, "web/index.html", "web/embed.html"))
	p := &pages{html: map[string][]byte{}, etag: map[string]string{}, vocabulary: v}
	for _, name := range []string{"index.html", "embed.html"} {
		var b bytes.Buffer
		if err := tmpl.ExecuteTemplate(&b, name, d); err != nil {
			panic(err)
		}
		p.html[name] = b.Bytes()
		sum := sha256.Sum256(b.Bytes())
		// Weak: compress may send other bytes for the same page.
		p.etag[name] = `W/"` + hex.EncodeToString(sum[:8]) + `"`
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
			// Revalidated at every load: the page links the assets of the
			// release that serves it.
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.Header().Set("Cache-Control", "no-cache")
			w.Header().Set("ETag", s.pages.etag[name])
			http.ServeContent(w, r, name, started, bytes.NewReader(s.pages.html[name]))
		}
	}
	s.router.HandleFunc("/", page("index.html")).Methods(http.MethodGet, http.MethodHead)
	s.router.HandleFunc("/embed", page("embed.html")).Methods(http.MethodGet, http.MethodHead)
	s.router.HandleFunc("/embed.js", func(w http.ResponseWriter, r *http.Request) {
		// Partner pages load the widget from another origin.
		w.Header().Set("Access-Control-Allow-Origin", "*")
		assetCache(w, r, "embed.js")
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
		assetCache(w, r, name)
		s.serveAsset(w, r, static, name)
	})).Methods(http.MethodGet, http.MethodHead)
}
