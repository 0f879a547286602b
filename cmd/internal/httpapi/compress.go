package httpapi

import (
	"bytes"
	"compress/gzip"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strconv"
	"strings"
	"sync"

	"github.com/klauspost/compress/gzhttp"
)

// compressMinSize is the smallest answer worth compressing: below a
// packet, compression saves nothing on the wire.
const compressMinSize = 1400

// compress answers clients that accept it with gzip (or zstd), at the
// fastest level: answers are made per request, so the CPU spent matters
// as much as the bytes saved. Static assets are compressed once instead
// (staticGzip).
func (s *Server) compress(next http.Handler) http.Handler {
	if s.opts.NoCompression {
		return next
	}
	wrap, err := gzhttp.NewWrapper(gzhttp.MinSize(compressMinSize), gzhttp.CompressionLevel(gzip.BestSpeed))
	if err != nil {
		panic(err) // constant options
	}
	return wrap(next)
}

// acceptsGzip reports whether an Accept-Encoding header accepts gzip
// (RFC 9110 §12.5.3: a q of 0 refuses; * stands for any coding).
func acceptsGzip(header string) bool {
	any, gz := false, false
	anySeen, gzSeen := false, false
	for _, part := range strings.Split(header, ",") {
		coding, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		coding = strings.ToLower(strings.TrimSpace(coding))
		ok := true
		for _, p := range strings.Split(params, ";") {
			k, v, found := strings.Cut(strings.TrimSpace(p), "=")
			if found && strings.EqualFold(strings.TrimSpace(k), "q") {
				if q, err := strconv.ParseFloat(strings.TrimSpace(v), 64); err == nil && q == 0 {
					ok = false
				}
			}
		}
		switch coding {
		case "gzip", "x-gzip":
			gz, gzSeen = ok, true
		case "*":
			any, anySeen = ok, true
		}
	}
	if gzSeen {
		return gz
	}
	return anySeen && any
}

// staticGzip holds the embedded assets worth compressing, compressed once
// at the best level, by path under web/.
type staticGzip struct {
	once  sync.Once
	files map[string][]byte
}

func (g *staticGzip) get(fsys fs.FS, name string) ([]byte, bool) {
	g.once.Do(func() {
		g.files = map[string][]byte{}
		fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || !compressible(p) {
				return nil
			}
			raw, err := fs.ReadFile(fsys, p)
			if err != nil || len(raw) < compressMinSize {
				return nil
			}
			var b bytes.Buffer
			zw, _ := gzip.NewWriterLevel(&b, gzip.BestCompression)
			zw.Write(raw)
			zw.Close()
			if b.Len() < len(raw) {
				g.files[p] = b.Bytes()
			}
			return nil
		})
	})
	b, ok := g.files[name]
	return b, ok
}

func compressible(name string) bool {
	switch path.Ext(name) {
	case ".js", ".css", ".svg", ".json", ".html", ".txt", ".map":
		return true
	}
	return false
}

// serveAsset serves an embedded asset, precompressed when the client
// accepts gzip.
func (s *Server) serveAsset(w http.ResponseWriter, r *http.Request, fsys fs.FS, name string) {
	w.Header().Add("Vary", "Accept-Encoding")
	if gz, ok := s.gzipped.get(fsys, name); ok && acceptsGzip(r.Header.Get("Accept-Encoding")) {
		ct := mime.TypeByExtension(path.Ext(name))
		if ct == "" {
			ct = "application/octet-stream"
		}
		h := w.Header()
		h.Set("Content-Type", ct)
		h.Set("Content-Encoding", "gzip")
		http.ServeContent(w, r, name, started, bytes.NewReader(gz))
		return
	}
	http.ServeFileFS(w, r, fsys, name)
}
