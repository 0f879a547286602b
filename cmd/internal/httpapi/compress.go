package httpapi

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
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
// (staticGzip), and searches and clusters by their parts (gzipMemo).
func (s *Server) compress(next http.Handler) http.Handler {
	if s.opts.NoCompression {
		return next
	}
	wrap, err := gzhttp.NewWrapper(gzhttp.MinSize(compressMinSize), gzhttp.CompressionLevel(gzip.BestSpeed))
	if err != nil {
		panic(err) // constant options
	}
	wrapped := wrap(next)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// Searches and clusters compress their answers themselves
		// (writeAppended) for clients that take gzip, and their errors
		// are small: the wrapper would only copy them. A client that
		// takes zstd and not gzip still gets zstd from the wrapper.
		if p := r.URL.Path; (p == "/v1/search" || p == "/v1/clusters") && r.Method != http.MethodHead &&
			(!hasAcceptEncoding(r) || acceptsGzip(r.Header.Get("Accept-Encoding"))) {
			h := w.Header()
			if len(h["Vary"]) == 0 {
				h["Vary"] = varyEncoding
			} else {
				h.Add("Vary", "Accept-Encoding")
			}
			next.ServeHTTP(w, r)
			return
		}
		wrapped.ServeHTTP(w, r)
	})
}

// hasAcceptEncoding reports whether r says which codings it accepts.
func hasAcceptEncoding(r *http.Request) bool { return len(r.Header["Accept-Encoding"]) > 0 }

// acceptsGzip reports whether an Accept-Encoding header accepts gzip
// (RFC 9110 §12.5.3: a q of 0 refuses; * stands for any coding).
func acceptsGzip(header string) bool {
	any, gz := false, false
	anySeen, gzSeen := false, false
	// Cut rather than Split: asked at every search, it allocates nothing.
	for rest := header; rest != ""; {
		var part string
		part, rest, _ = strings.Cut(rest, ",")
		coding, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		coding = strings.TrimSpace(coding)
		ok := true
		for params != "" {
			var p string
			p, params, _ = strings.Cut(params, ";")
			k, v, found := strings.Cut(strings.TrimSpace(p), "=")
			if found && strings.EqualFold(strings.TrimSpace(k), "q") {
				if q, err := strconv.ParseFloat(strings.TrimSpace(v), 64); err == nil && q == 0 {
					ok = false
				}
			}
		}
		switch {
		case strings.EqualFold(coding, "gzip"), strings.EqualFold(coding, "x-gzip"):
			gz, gzSeen = ok, true
		case coding == "*":
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

// assetTags are the embedded assets' content hashes, by path under web/:
// their ETags, and the v= of the versioned URLs the pages link them by.
var assetTags = sync.OnceValue(func() map[string]string {
	tags := map[string]string{}
	fs.WalkDir(webFS, "web", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return nil
		}
		raw, err := fs.ReadFile(webFS, p)
		if err != nil {
			return nil
		}
		sum := sha256.Sum256(raw)
		tags[strings.TrimPrefix(p, "web/")] = hex.EncodeToString(sum[:8])
		return nil
	})
	return tags
})

// assetTag is an asset's content hash, "" for none.
func assetTag(name string) string { return assetTags()[name] }

func compressible(name string) bool {
	switch path.Ext(name) {
	case ".js", ".css", ".svg", ".json", ".html", ".txt", ".map":
		return true
	}
	return false
}

// serveAsset serves an embedded asset, precompressed when the client
// accepts gzip, with an ETag from its content hash: "-gz" marks the
// gzip bytes, which differ from the identity ones; compress leaves the
// identity ones as they are, so that their ETag names them. The caller
// sets Cache-Control (assetCache).
func (s *Server) serveAsset(w http.ResponseWriter, r *http.Request, fsys fs.FS, name string) {
	h := w.Header()
	h.Add("Vary", "Accept-Encoding")
	tag := assetTag(name)
	if gz, ok := s.gzipped.get(fsys, name); ok && acceptsGzip(r.Header.Get("Accept-Encoding")) {
		ct := mime.TypeByExtension(path.Ext(name))
		if ct == "" {
			ct = "application/octet-stream"
		}
		h.Set("Content-Type", ct)
		h.Set("Content-Encoding", "gzip")
		if tag != "" {
			h.Set("ETag", `"`+tag+`-gz"`)
		}
		http.ServeContent(w, r, name, started, bytes.NewReader(gz))
		return
	}
	if tag != "" {
		h.Set("ETag", `"`+tag+`"`)
	}
	if !s.opts.NoCompression {
		h.Set(gzhttp.HeaderNoCompression, "1") // read and removed by compress
	}
	http.ServeFileFS(w, r, fsys, name)
}

// assetCache sets an asset's Cache-Control: a year, immutable, for a
// versioned URL (v= its current content hash), else assetMaxAge.
func assetCache(w http.ResponseWriter, r *http.Request, name string) {
	maxAge := "public, max-age=" + strconv.Itoa(assetMaxAge)
	if v := params(r).Get("v"); v != "" && v == assetTag(name) {
		maxAge = "public, max-age=" + strconv.Itoa(versionedMaxAge) + ", immutable"
	}
	w.Header().Set("Cache-Control", maxAge)
}
