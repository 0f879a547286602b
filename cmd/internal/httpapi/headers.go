package httpapi

import (
	"net/http"
	"net/url"
	"strings"
)

// securityHeaders are set on every answer; the pages also get a content
// security policy that allows their own scripts, the base map's tiles
// and nothing else, and says who may frame them: nobody else for the
// page, the configured partners (FrameAncestors) for /embed.
type securityHeaders struct {
	page, embed string // Content-Security-Policy values
}

func newSecurityHeaders(o Options) securityHeaders {
	img := "'self' data:"
	if src := tileSource(o.TileURL); src != "" {
		img += " " + src
	}
	base := "default-src 'self'; script-src 'self'; " +
		// Leaflet positions tiles and markers with inline styles.
		"style-src 'self' 'unsafe-inline'; " +
		"img-src " + img + "; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
	embed := "*"
	switch {
	case len(o.FrameAncestors) > 0:
		embed = strings.Join(o.FrameAncestors, " ")
	case len(o.CORSOrigins) > 0:
		// The partners allowed to call the API may also frame the widget.
		embed = strings.Join(o.CORSOrigins, " ")
	}
	return securityHeaders{
		page:  base + "frame-ancestors 'self'",
		embed: base + "frame-ancestors " + embed,
	}
}

// tileSource is the CSP source of a tile URL template: its scheme and
// host, a {s} subdomain read as a wildcard; "" for a relative URL, which
// 'self' covers.
func tileSource(tmpl string) string {
	if tmpl == "" {
		tmpl = DefaultTileURL
	}
	u, err := url.Parse(strings.NewReplacer("{s}", "s", "{z}", "0", "{x}", "0", "{y}", "0", "{r}", "").Replace(tmpl))
	if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
		return ""
	}
	host := u.Host
	if strings.Contains(tmpl, "{s}.") {
		_, rest, _ := strings.Cut(host, ".")
		host = "*." + rest
	}
	return u.Scheme + "://" + host
}

// Headers every answer carries, their keys already canonical: set as
// shared values, they cost nothing per request. Never changed in place
// (Header.Set replaces them, Header.Add copies a full slice).
var (
	nosniff        = []string{"nosniff"}
	referrerPolicy = []string{"strict-origin-when-cross-origin"}
	varyLanguage   = []string{"Accept-Language"}
	varyEncoding   = []string{"Accept-Encoding"}
	varyBoth       = []string{"Accept-Encoding", "Accept-Language"}
	jsonType       = []string{"application/json; charset=utf-8"}
	gzipEncoding   = []string{"gzip"}
)

// secure sets the security headers: no content sniffing anywhere, no
// referrer beyond the origin to other sites, and the pages' policy.
func (s *Server) secure(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h["X-Content-Type-Options"] = nosniff
		h["Referrer-Policy"] = referrerPolicy
		switch r.URL.Path {
		case "/":
			h.Set("Content-Security-Policy", s.headers.page)
			h.Set("X-Frame-Options", "SAMEORIGIN") // for browsers without frame-ancestors
		case "/embed":
			h.Set("Content-Security-Policy", s.headers.embed)
		}
		next.ServeHTTP(w, r)
	})
}
