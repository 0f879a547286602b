package httpapi

import (
	"bytes"
	"embed"
	"html"
	"io/fs"
	"net/http"
	"path"
	"strings"
	"time"
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

// webRoutes serves the page at /, the iframe form at /embed, the widget
// script at /embed.js and every asset under /static/.
func (s *Server) webRoutes() {
	static, err := fs.Sub(webFS, "web")
	if err != nil {
		panic(err) // the embed pattern guarantees the directory
	}
	page := func(name string) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) { s.servePage(w, r, static, name) }
	}
	s.router.HandleFunc("/", page("index.html")).Methods(http.MethodGet, http.MethodHead)
	s.router.HandleFunc("/embed", page("embed.html")).Methods(http.MethodGet, http.MethodHead)
	s.router.HandleFunc("/embed.js", func(w http.ResponseWriter, r *http.Request) {
		// Partner pages load the widget from another origin.
		w.Header().Set("Access-Control-Allow-Origin", "*")
		w.Header().Set("Cache-Control", "public, max-age=300")
		http.ServeFileFS(w, r, static, "embed.js")
	}).Methods(http.MethodGet, http.MethodHead)
	fileServer := http.StripPrefix("/static/", http.FileServerFS(static))
	s.router.PathPrefix("/static/").Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/") {
			s.writeError(w, r, notFound(r.URL.Path))
			return
		}
		// The widget's assets are loaded cross-origin too (Leaflet, styles).
		w.Header().Set("Access-Control-Allow-Origin", "*")
		w.Header().Set("Cache-Control", "public, max-age=300")
		fileServer.ServeHTTP(w, r)
	})).Methods(http.MethodGet, http.MethodHead)
}

// servePage serves an HTML page with the configured base map filled in.
func (s *Server) servePage(w http.ResponseWriter, r *http.Request, static fs.FS, name string) {
	b, err := fs.ReadFile(static, name)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	tiles, attribution := s.opts.TileURL, s.opts.Attribution
	if tiles == "" {
		tiles = DefaultTileURL
	}
	if attribution == "" {
		attribution = DefaultAttribution
	}
	b = bytes.Replace(b, []byte(`content="`+DefaultTileURL+`"`), []byte(`content="`+html.EscapeString(tiles)+`"`), 1)
	b = bytes.Replace(b, []byte(`content="`+DefaultAttribution+`"`), []byte(`content="`+html.EscapeString(attribution)+`"`), 1)
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-cache")
	http.ServeContent(w, r, path.Base(name)+".html", started, bytes.NewReader(b))
}
