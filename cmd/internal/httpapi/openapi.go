package httpapi

import (
	"bytes"
	"crypto/sha256"
	_ "embed"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"html/template"
	"net/http"
	"sync"
)

// openAPIDoc is the API's contract: an OpenAPI 3.1 description of every
// route, which the tests check every answer they receive against
// (contract_test.go). Edit it with the code it describes.
//
//go:embed openapi.json
var openAPIDoc []byte

// apiDoc is the document as served under a base path, and its ETag.
type apiDoc struct {
	json []byte
	etag string
	html []byte // the /docs page
	csp  string // the /docs page's Content-Security-Policy
}

// apiDocs holds the document by base path: the servers member names the
// path the API is served under.
var apiDocs sync.Map // base path → *apiDoc

func (s *Server) apiDoc() *apiDoc {
	base := basePath(s.opts.BasePath)
	if d, ok := apiDocs.Load(base); ok {
		return d.(*apiDoc)
	}
	raw := openAPIDoc
	if base != "" {
		var doc map[string]any
		if err := json.Unmarshal(raw, &doc); err != nil {
			panic(err) // embedded, and TestOpenAPIDocument loads it
		}
		doc["servers"] = []map[string]string{{"url": base, "description": "This server."}}
		var b bytes.Buffer
		enc := json.NewEncoder(&b)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "  ")
		if err := enc.Encode(doc); err != nil {
			panic(err)
		}
		raw = b.Bytes()
	}
	sum := sha256.Sum256(raw)
	d := &apiDoc{json: raw, etag: `"` + hex.EncodeToString(sum[:8]) + `"`}
	d.html, d.csp = renderDocs(raw)
	actual, _ := apiDocs.LoadOrStore(base, d)
	return actual.(*apiDoc)
}

// handleOpenAPI serves the OpenAPI document, to any origin: API tools
// read it from elsewhere.
func (s *Server) handleOpenAPI(w http.ResponseWriter, r *http.Request) {
	d := s.apiDoc()
	h := w.Header()
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("Cache-Control", "public, max-age=300")
	h.Set("Access-Control-Allow-Origin", "*")
	h.Set("ETag", d.etag)
	http.ServeContent(w, r, "openapi.json", started, bytes.NewReader(d.json))
}

// handleDocs serves the document as a page to read, rendered in Go: no
// script at all.
func (s *Server) handleDocs(w http.ResponseWriter, r *http.Request) {
	d := s.apiDoc()
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-cache")
	h.Set("Content-Security-Policy", d.csp)
	h.Set("ETag", d.etag)
	http.ServeContent(w, r, "docs.html", started, bytes.NewReader(d.html))
}

//go:embed docs/docs.html
var docsTemplate string

//go:embed docs/docs.css
var docsCSS string

var docsPage = template.Must(template.New("docs").Funcs(template.FuncMap{"md": markdown}).Parse(docsTemplate))

// renderDocs renders the /docs page from the document, and its content
// security policy: nothing but its own inline styles.
func renderDocs(raw []byte) (page []byte, csp string) {
	v, err := newDocView(raw)
	if err != nil {
		panic(fmt.Errorf("openapi.json: %w", err)) // embedded: caught by every test that serves /docs
	}
	v.CSS = template.CSS(docsCSS)
	var b bytes.Buffer
	if err := docsPage.Execute(&b, v); err != nil {
		panic(err)
	}
	sum := sha256.Sum256([]byte(docsCSS))
	csp = "default-src 'none'; style-src 'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'self'"
	return b.Bytes(), csp
}
