package httpapi

import (
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"time"
)

// How long caches may keep what: an API answer a minute (the data may
// be reloaded at any time; a minute is what a CDN in front may serve
// stale), an asset five minutes, a versioned asset URL (?v= its content
// hash, as the pages link them) a year.
const (
	apiMaxAge       = 60
	assetMaxAge     = 300
	versionedMaxAge = 365 * 24 * 3600
)

// cachePolicy says what an API route's answer is a function of.
type cachePolicy int

const (
	notCached cachePolicy = iota
	// versioned: the data version and the request (path, query,
	// language).
	versioned
	// timely: the same and the current minute: search results say
	// whether each place is open now (open_now, next_change) and open=
	// reads now, today or the weekend from the clock. Hours have minute
	// precision, so the answer holds until the minute ends: the ETag
	// names the minute and max-age runs to its end.
	timely
)

// cachePolicies are the API routes whose answers caches may keep, by
// route template; any other route (health, admin, metrics) says nothing.
var cachePolicies = map[string]cachePolicy{
	"/v1/search":      timely,
	"/v1/clusters":    timely,
	"/v1/places/{id}": versioned,
	"/v1/geocode":     versioned,
	"/v1/suggest":     versioned,
	"/v1/vocabulary":  versioned,
}

// cacheAPI makes the API's answers fit for a CDN and for browsers'
// caches: it sets Cache-Control and an ETag derived from the data
// version and the request, never from the answer's bytes (took_ms
// differs between runs), so it is known before the search runs, and
// answers 304 at once to a client whose copy is current. A request
// presenting a key (Authorization, key=) is a partner's: answered
// "private, no-store", without ETag, and always run, so that the key is
// checked every time. Only a 200 keeps the headers (statusRecorder
// drops them from errors).
func (s *Server) cacheAPI(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		st := state(r)
		if st == nil || (r.Method != http.MethodGet && r.Method != http.MethodHead) {
			next.ServeHTTP(w, r)
			return
		}
		policy := cachePolicies[st.route]
		if policy == notCached {
			next.ServeHTTP(w, r)
			return
		}
		h := w.Header()
		if r.Header.Get("Authorization") != "" || params(r).Has("key") {
			h.Set("Cache-Control", "private, no-store")
			next.ServeHTTP(w, r)
			return
		}
		now := time.Now()
		etag := s.apiETag(r, policy, now)
		maxAge := apiMaxAge
		if policy == timely {
			maxAge = 60 - now.Second()
		}
		h.Set("Etag", etag) // canonical spelling: see requestID
		if maxAge >= 0 && maxAge < len(publicMaxAge) {
			h["Cache-Control"] = publicMaxAge[maxAge]
		} else {
			h.Set("Cache-Control", "public, max-age="+strconv.Itoa(maxAge))
		}
		// The language comes from lang= or Accept-Language.
		switch v := h["Vary"]; {
		case len(v) == 0:
			h["Vary"] = varyLanguage
		case len(v) == 1 && v[0] == varyEncoding[0]:
			h["Vary"] = varyBoth
		default:
			h.Add("Vary", "Accept-Language")
		}
		st.cacheable = true
		if etagMatch(r.Header.Get("If-None-Match"), etag) {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// apiETag is a weak validator of an API answer: the build of the
// program, the data version the request runs on, its path and query,
// its language, and for a timely answer the minute. Weak, since the
// bytes differ (took_ms, gzip or not) while the content is the same.
func (s *Server) apiETag(r *http.Request, policy cachePolicy, now time.Time) string {
	var buf [512]byte
	b := append(buf[:0], programBuildSum()...)
	for _, part := range [...]string{backend(r).dataVersion(), r.URL.Path, r.URL.RawQuery, lang(r).String()} {
		b = append(append(b, part...), 0)
	}
	if policy == timely {
		b = strconv.AppendInt(b, now.Unix()/60, 10)
	}
	sum := sha256.Sum256(b)
	var tag [len(`W/""`) + 24]byte
	copy(tag[:], `W/"`)
	hex.Encode(tag[3:27], sum[:12])
	tag[27] = '"'
	return string(tag[:])
}

// publicMaxAge holds the Cache-Control values of the ages an API answer
// is given, shared as the headers of headers.go are.
var publicMaxAge = func() (t [apiMaxAge + 1][]string) {
	for age := range t {
		t[age] = []string{"public, max-age=" + strconv.Itoa(age)}
	}
	return t
}()

// programBuildSum is the SHA-256 of programBuild, hashed into each ETag
// in its place: the build's description is long, its sum is not.
var programBuildSum = sync.OnceValue(func() []byte {
	sum := sha256.Sum256([]byte(programBuild()))
	return sum[:]
})

// programBuild names the program's build (module version, VCS revision,
// Go version): a new release may answer the same data differently, so it
// takes part in every API ETag. Replicas of one binary share it.
var programBuild = sync.OnceValue(func() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "unknown"
	}
	var b strings.Builder
	b.WriteString(bi.GoVersion + " " + bi.Main.Path + "@" + bi.Main.Version + " " + bi.Main.Sum)
	for _, kv := range bi.Settings {
		if strings.HasPrefix(kv.Key, "vcs.") {
			b.WriteString(" " + kv.Key + "=" + kv.Value)
		}
	}
	return b.String()
})

// etagMatch reports whether an If-None-Match header names etag, by weak
// comparison (RFC 9110 §13.1.2). "*" is not honoured here: whether an
// answer exists is only known once it has run.
func etagMatch(header, etag string) bool {
	if header == "" {
		return false
	}
	etag = strings.TrimPrefix(etag, "W/")
	for _, t := range strings.Split(header, ",") {
		if strings.TrimPrefix(strings.TrimSpace(t), "W/") == etag {
			return true
		}
	}
	return false
}

// uncacheable drops the caching headers cacheAPI set, for an answer
// that is not the one they describe (an error).
func uncacheable(h http.Header) {
	h.Del("ETag")
	h.Set("Cache-Control", "no-store")
}
