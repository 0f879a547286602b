package httpapi_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"math"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/tierslieux/tierslieux/cmd/internal/httpapi"
	"github.com/tierslieux/tierslieux/cmd/internal/keys"
	"github.com/tierslieux/tierslieux/geo"
	"github.com/tierslieux/tierslieux/index"
	"github.com/tierslieux/tierslieux/index/indextest"
	"github.com/tierslieux/tierslieux/ingest"
)

// testKeys are a keyring and the secrets of its keys, by key ID.
type testKeys struct {
	ring   *keys.Ring
	secret map[string]string
}

// MustKeys makes a keyring of entries as `tierslieux keys add` would.
func MustKeys(tb testing.TB, entries ...keys.Entry) testKeys {
	tb.Helper()
	var f keys.File
	k := testKeys{secret: map[string]string{}}
	for _, e := range entries {
		s, err := f.Add(e)
		if err != nil {
			tb.Fatalf("key %s: %v", e.ID, err)
		}
		k.secret[e.ID] = s
	}
	k.ring = f.Ring()
	return k
}

// scopeKeys are a key of each scope, and a partner's search key limited
// to the Aveyron and to its site.
var scopeKeys = []keys.Entry{
	{ID: "ops", Scope: httpapi.ScopeAdmin},
	{ID: "loader", Scope: httpapi.ScopeIngest},
	{ID: "public", Scope: httpapi.ScopeSearch},
	{ID: "aveyron", Scope: httpapi.ScopeSearch, Depts: []string{"12"}, Origins: []string{"https://www.aveyron.example"}},
}

// newRequest is a request with headers given as name, value pairs.
func newRequest(method, target string, body io.Reader, headers ...string) *http.Request {
	req := httptest.NewRequest(method, target, body)
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	return req
}

// MustDo sends a request to h and returns the recorded response, checked
// against the API's contract (checkContract).
func MustDo(tb testing.TB, h http.Handler, req *http.Request) *httptest.ResponseRecorder {
	tb.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	res := rec.Result()
	checkContract(tb, req, res.StatusCode, res.Header, rec.Body.Bytes())
	return rec
}

// TestAuth: searches are public unless the server requires a key; a key
// presented is checked (Authorization: Bearer, or key= for searches
// only), and a wrong one refused with 401 whatever route; the write API
// takes the scopes that reach it, 403 for the others; a partner's key
// is refused from another site's pages.
func TestAuth(t *testing.T) {
	k := MustKeys(t, scopeKeys...)
	servers := map[string]*httpapi.Server{
		"open":    httpapi.NewServer(MustBackend(t), nil, httpapi.Options{Keys: k.ring, Admin: &fakeWriter{}}),
		"require": httpapi.NewServer(MustBackend(t), nil, httpapi.Options{Keys: k.ring, Admin: &fakeWriter{}, RequireKey: true}),
	}
	// {ops} and the like stand for the keys' secrets.
	var pairs []string
	for id, s := range k.secret {
		pairs = append(pairs, "{"+id+"}", s)
	}
	pairs = append(pairs, "{hash}", keys.Hash(k.secret["public"]), "{cut}", k.secret["public"][:len(k.secret["public"])-1])
	secrets := strings.NewReplacer(pairs...)

	const (
		search   = "/v1/search?q=fablab"
		clusters = "/v1/clusters?bbox=0,42,5,45&zoom=6"
		place    = "/v1/places/tlo-001" // in the Aveyron
		suggest  = "/v1/suggest?q=fab"
		aveyron  = "https://www.aveyron.example"
	)
	for _, tc := range []struct {
		name, server, method, target string
		headers                      []string
		status                       int
		code, param                  string
	}{
		{"search without a key", "open", "GET", search, nil, 200, "", ""},
		{"clusters without a key", "open", "GET", clusters, nil, 200, "", ""},
		{"place without a key", "open", "GET", place, nil, 200, "", ""},
		{"suggest without a key", "open", "GET", suggest, nil, 200, "", ""},
		{"search, Bearer", "open", "GET", search, []string{"Authorization", "Bearer {public}"}, 200, "", ""},
		{"search, key=", "open", "GET", search + "&key={public}", nil, 200, "", ""},
		{"search, bearer in lower case", "open", "GET", search, []string{"Authorization", "bearer {public}"}, 200, "", ""},
		{"search, admin key", "open", "GET", search, []string{"Authorization", "Bearer {ops}"}, 200, "", ""},
		{"search, ingest key", "open", "GET", search + "&key={loader}", nil, 200, "", ""},
		{"search, HEAD", "open", "HEAD", search, []string{"Authorization", "Bearer {public}"}, 200, "", ""},
		{"search, wrong Bearer", "open", "GET", search, []string{"Authorization", "Bearer tlk_wrong"}, 401, "unauthorized", "key"},
		{"search, wrong key=", "open", "GET", search + "&key=tlk_wrong", nil, 401, "unauthorized", "key"},
		{"search, empty key=", "open", "GET", search + "&key=", nil, 401, "unauthorized", "key"},
		{"search, the hash as a key", "open", "GET", search, []string{"Authorization", "Bearer {hash}"}, 401, "unauthorized", "key"},
		{"search, a key cut short", "open", "GET", search + "&key={cut}", nil, 401, "unauthorized", "key"},
		{"search, Basic", "open", "GET", search, []string{"Authorization", "Basic b3BzOnNlY3JldA=="}, 401, "unauthorized", "key"},
		{"search, Bearer without token", "open", "GET", search, []string{"Authorization", "Bearer"}, 401, "unauthorized", "key"},
		{"search, Bearer of spaces", "open", "GET", search, []string{"Authorization", "Bearer   "}, 401, "unauthorized", "key"},
		{"search, the secret alone", "open", "GET", search, []string{"Authorization", "{public}"}, 401, "unauthorized", "key"},
		{"search, a bad header beats a good key=", "open", "GET", search + "&key={public}", []string{"Authorization", "Basic x"}, 401, "unauthorized", "key"},
		{"clusters, wrong key", "open", "GET", clusters + "&key=tlk_wrong", nil, 401, "unauthorized", "key"},
		{"place, wrong key", "open", "GET", place, []string{"Authorization", "Bearer tlk_wrong"}, 401, "unauthorized", "key"},
		{"suggest, wrong key", "open", "GET", suggest + "&key=tlk_wrong", nil, 401, "unauthorized", "key"},

		{"partner from its site", "open", "GET", search, []string{"Authorization", "Bearer {aveyron}", "Origin", aveyron}, 200, "", ""},
		{"partner, no page", "open", "GET", search + "&key={aveyron}", nil, 200, "", ""},
		{"partner from another site", "open", "GET", search + "&key={aveyron}", []string{"Origin", "https://evil.example"}, 403, "forbidden", "key"},
		{"partner from a look-alike", "open", "GET", search + "&key={aveyron}", []string{"Origin", aveyron + ".evil.example"}, 403, "forbidden", "key"},
		{"partner over http", "open", "GET", search + "&key={aveyron}", []string{"Origin", "http://www.aveyron.example"}, 403, "forbidden", "key"},
		{"partner from a sandbox", "open", "GET", search + "&key={aveyron}", []string{"Origin", "null"}, 403, "forbidden", "key"},
		{"partner clusters from another site", "open", "GET", clusters + "&key={aveyron}", []string{"Origin", "https://evil.example"}, 403, "forbidden", "key"},
		{"partner place from another site", "open", "GET", place + "?key={aveyron}", []string{"Origin", "https://evil.example"}, 403, "forbidden", "key"},
		{"partner suggest from another site", "open", "GET", suggest + "&key={aveyron}", []string{"Origin", "https://evil.example"}, 403, "forbidden", "key"},
		{"key without origins from anywhere", "open", "GET", search + "&key={public}", []string{"Origin", "https://evil.example"}, 200, "", ""},
		{"no key from anywhere", "open", "GET", search, []string{"Origin", "https://evil.example"}, 200, "", ""},

		{"reload without a key", "open", "POST", "/v1/admin/reload", nil, 401, "unauthorized", ""},
		{"reload, key=", "open", "POST", "/v1/admin/reload?key={ops}", nil, 401, "unauthorized", ""},
		{"reload, wrong key", "open", "POST", "/v1/admin/reload", []string{"Authorization", "Bearer tlk_wrong"}, 401, "unauthorized", ""},
		{"reload, Basic", "open", "POST", "/v1/admin/reload", []string{"Authorization", "Basic b3BzOnNlY3JldA=="}, 401, "unauthorized", ""},
		{"reload, admin key", "open", "POST", "/v1/admin/reload", []string{"Authorization", "Bearer {ops}"}, 200, "", ""},
		{"reload, ingest key", "open", "POST", "/v1/admin/reload", []string{"Authorization", "Bearer {loader}"}, 403, "forbidden", ""},
		{"reload, search key", "open", "POST", "/v1/admin/reload", []string{"Authorization", "Bearer {public}"}, 403, "forbidden", ""},
		{"snapshot, ingest key", "open", "POST", "/v1/admin/snapshot", []string{"Authorization", "Bearer {loader}"}, 403, "forbidden", ""},
		{"snapshot, search key", "open", "POST", "/v1/admin/snapshot", []string{"Authorization", "Bearer {public}"}, 403, "forbidden", ""},
		{"snapshot without a key", "open", "POST", "/v1/admin/snapshot", nil, 401, "unauthorized", ""},
		{"upload, search key", "open", "POST", "/v1/admin/uploads?mode=rebuild&format=csv", []string{"Authorization", "Bearer {public}"}, 403, "forbidden", ""},
		{"upload, key=", "open", "POST", "/v1/admin/uploads?mode=rebuild&format=csv&key={loader}", nil, 401, "unauthorized", ""},
		{"delete, search key", "open", "DELETE", "/v1/admin/places/tlo-001", []string{"Authorization", "Bearer {public}"}, 403, "forbidden", ""},
		{"delete without a key", "open", "DELETE", "/v1/admin/places/tlo-001", nil, 401, "unauthorized", ""},
		{"tasks, partner key", "open", "GET", "/v1/admin/tasks", []string{"Authorization", "Bearer {aveyron}"}, 403, "forbidden", ""},
		{"task, search key", "open", "GET", "/v1/admin/tasks/0123456789abcdef", []string{"Authorization", "Bearer {public}"}, 403, "forbidden", ""},
		{"tasks, ingest key", "open", "GET", "/v1/admin/tasks", []string{"Authorization", "Bearer {loader}"}, 200, "", ""},
		{"tasks, admin key", "open", "GET", "/v1/admin/tasks", []string{"Authorization", "Bearer {ops}"}, 200, "", ""},
		{"tasks, key=", "open", "GET", "/v1/admin/tasks?key={ops}", nil, 401, "unauthorized", ""},

		{"required: search without a key", "require", "GET", search, nil, 401, "unauthorized", "key"},
		{"required: clusters without a key", "require", "GET", clusters, nil, 401, "unauthorized", "key"},
		{"required: place without a key", "require", "GET", place, nil, 401, "unauthorized", "key"},
		{"required: suggest without a key", "require", "GET", suggest, nil, 401, "unauthorized", "key"},
		{"required: search, HEAD without a key", "require", "HEAD", search, nil, 401, "", ""},
		{"required: search, Bearer", "require", "GET", search, []string{"Authorization", "Bearer {public}"}, 200, "", ""},
		{"required: search, key=", "require", "GET", search + "&key={aveyron}", nil, 200, "", ""},
		{"required: clusters, key=", "require", "GET", clusters + "&key={public}", nil, 200, "", ""},
		{"required: suggest, key=", "require", "GET", suggest + "&key={public}", nil, 200, "", ""},
		{"required: vocabulary is no search", "require", "GET", "/v1/vocabulary", nil, 200, "", ""},
		{"required: health is no search", "require", "GET", "/healthz", nil, 200, "", ""},
		{"required: wrong key", "require", "GET", search + "&key=tlk_wrong", nil, 401, "unauthorized", "key"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var hs []string
			for _, h := range tc.headers {
				hs = append(hs, secrets.Replace(h))
			}
			rec := MustDo(t, servers[tc.server], newRequest(tc.method, secrets.Replace(tc.target), nil, hs...))
			if rec.Code != tc.status {
				t.Fatalf("status %d, want %d; body %.300s", rec.Code, tc.status, rec.Body.Bytes())
			}
			h := rec.Header()
			if www := h.Get("WWW-Authenticate"); (tc.status == 401) != strings.HasPrefix(www, "Bearer ") {
				t.Errorf("WWW-Authenticate %q with a %d", www, tc.status)
			}
			if tc.status >= 400 && strings.Contains(h.Get("Cache-Control"), "public") {
				t.Errorf("a %d cacheable by all: Cache-Control %q", tc.status, h.Get("Cache-Control"))
			}
			// An answer to a key is the key holder's: no shared cache
			// may keep it for another.
			if tc.status == 200 && tc.method == "GET" && strings.HasPrefix(tc.target, "/v1/") && !strings.HasPrefix(tc.target, "/v1/admin/") &&
				(strings.Contains(tc.target, "key=") || len(tc.headers) > 0 && tc.headers[0] == "Authorization") {
				if cc := h.Get("Cache-Control"); !strings.Contains(cc, "private") && !strings.Contains(cc, "no-store") {
					t.Errorf("an answer to a key with Cache-Control %q", cc)
				}
			}
			if tc.code == "" || tc.method == "HEAD" {
				return
			}
			e := MustError(t, rec, tc.status, tc.code)
			if e.Error.Param != tc.param {
				t.Errorf("param %q, want %q", e.Error.Param, tc.param)
			}
			for _, s := range k.secret {
				if strings.Contains(rec.Body.String(), s) {
					t.Errorf("the answer holds a secret: %s", rec.Body.Bytes())
				}
			}
		})
	}
}

// TestAuthNoHint: a refused key gets the same answer whatever was tried:
// a secret wrong, cut short, padded, of another key's hash, a malformed
// header; nothing tells a guess closer to a key than another.
func TestAuthNoHint(t *testing.T) {
	k := MustKeys(t, scopeKeys...)
	s := httpapi.NewServer(MustBackend(t), nil, httpapi.Options{Keys: k.ring, Admin: &fakeWriter{}, RequireKey: true})
	pub := k.secret["public"]
	tries := []string{"tlk_wrong", "x", strings.Repeat("a", 500), pub[:len(pub)-1], pub + "a", strings.ToUpper(pub), keys.Hash(pub), keys.NewSecret()}
	for _, route := range []struct {
		name, method, target string
		keyParam             bool
	}{
		{"search", "GET", "/v1/search?q=fablab", true},
		{"place", "GET", "/v1/places/tlo-001", true},
		{"reload", "POST", "/v1/admin/reload", false},
		{"upload", "POST", "/v1/admin/uploads?mode=rebuild&format=csv", false},
	} {
		t.Run(route.name, func(t *testing.T) {
			var reqs []*http.Request
			for _, try := range tries {
				reqs = append(reqs, newRequest(route.method, route.target, nil, "Authorization", "Bearer "+try))
				if route.keyParam {
					sep := "?"
					if strings.Contains(route.target, "?") {
						sep = "&"
					}
					reqs = append(reqs, newRequest(route.method, route.target+sep+"key="+try, nil))
				}
			}
			for _, h := range []string{"", "Basic b3BzOnNlY3JldA==", "Bearer", "Token " + pub, pub} {
				reqs = append(reqs, newRequest(route.method, route.target, nil, "Authorization", h))
			}
			var first *httptest.ResponseRecorder
			for _, req := range reqs {
				rec := MustDo(t, s, req)
				MustError(t, rec, http.StatusUnauthorized, "unauthorized")
				if first == nil {
					first = rec
					continue
				}
				if rec.Body.String() != first.Body.String() {
					t.Errorf("Authorization %q, %s: body %s, unlike %s", req.Header.Get("Authorization"), req.URL.RawQuery, rec.Body.Bytes(), first.Body.Bytes())
				}
				for _, name := range []string{"WWW-Authenticate", "Content-Type", "Content-Length", "Cache-Control"} {
					if rec.Header().Get(name) != first.Header().Get(name) {
						t.Errorf("Authorization %q: %s %q, unlike %q", req.Header.Get("Authorization"), name, rec.Header().Get(name), first.Header().Get(name))
					}
				}
			}
		})
	}
}

// onlyReload is an Admin that is no Writer: it reloads, nothing else.
type onlyReload struct{ w fakeWriter }

func (o *onlyReload) Reload(ctx context.Context) (index.Version, error) { return o.w.Reload(ctx) }

// TestAdminRoutesAbsent: the write API exists only with keys and
// something to do the work: without either, its routes are 404s, keys or
// not; with an Admin that only reloads, only reload is there.
func TestAdminRoutesAbsent(t *testing.T) {
	k := MustKeys(t, scopeKeys...)
	routes := []struct{ method, path string }{
		{"POST", "/v1/admin/reload"},
		{"POST", "/v1/admin/snapshot"},
		{"POST", "/v1/admin/uploads?mode=rebuild&format=csv"},
		{"DELETE", "/v1/admin/places/tlo-001"},
		{"GET", "/v1/admin/tasks"},
		{"GET", "/v1/admin/tasks/0123456789abcdef"},
	}
	for _, tc := range []struct {
		name  string
		opts  httpapi.Options
		found []string // paths there
	}{
		{"no keys", httpapi.Options{Admin: &fakeWriter{}}, nil},
		{"no admin", httpapi.Options{Keys: k.ring}, nil},
		{"no admin, keys required", httpapi.Options{Keys: k.ring, RequireKey: true}, nil},
		{"an admin that only reloads", httpapi.Options{Keys: k.ring, Admin: &onlyReload{}}, []string{"/v1/admin/reload"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := httpapi.NewServer(MustBackend(t), nil, tc.opts)
			for _, r := range routes {
				for _, auth := range []string{"", "Bearer " + k.secret["ops"]} {
					rec := MustDo(t, s, newRequest(r.method, r.path, strings.NewReader("id\n1\n"), "Authorization", auth))
					if slices.Contains(tc.found, r.path) {
						if rec.Code == http.StatusNotFound {
							t.Errorf("%s %s: 404, want the route", r.method, r.path)
						}
						continue
					}
					MustError(t, rec, http.StatusNotFound, "not_found")
					if rec.Header().Get("WWW-Authenticate") != "" {
						t.Errorf("%s %s: a 404 asks for a key", r.method, r.path)
					}
				}
			}
		})
	}
}

// TestScopedSuggest: a partner's key is completed with the places of its
// territory only, as many as the limit allows, though more places of
// other territories come first by name.
func TestScopedSuggest(t *testing.T) {
	k := MustKeys(t, scopeKeys...)
	s := httpapi.NewServer(MustBackend(t), nil, httpapi.Options{Keys: k.ring})
	for _, tc := range []struct {
		q      string
		limit  int
		public []string // the public's places
		want   []string // the Aveyron's
	}{
		{"atelier", 6, []string{"tlo-088", "tlo-014", "tlo-021"}, []string{"tlo-014", "tlo-021", "tlo-013"}},
		{"atelier des", 2, []string{"tlo-021", "tlo-046"}, []string{"tlo-021"}},
		{"la fabrique", 4, []string{"tlo-012", "tlo-045", "tlo-077", "tlo-033"}, []string{"tlo-012"}},
		{"la fabrique du v", 8, []string{"tlo-111"}, nil},
		{"ping", 8, []string{"tlo-001"}, []string{"tlo-001"}},
	} {
		t.Run(tc.q, func(t *testing.T) {
			target := "/v1/suggest?q=" + url.QueryEscape(tc.q) + "&limit=" + strconv.Itoa(tc.limit)
			places := func(rec *httptest.ResponseRecorder) []string {
				var b struct {
					Suggestions []struct {
						Kind string `json:"kind"`
						ID   string `json:"id"`
					} `json:"suggestions"`
				}
				MustDecode(t, rec.Body.Bytes(), &b)
				if len(b.Suggestions) > tc.limit {
					t.Errorf("%d suggestions, limit %d", len(b.Suggestions), tc.limit)
				}
				var ids []string
				for _, s := range b.Suggestions {
					if s.Kind == "place" {
						ids = append(ids, s.ID)
					}
				}
				return ids
			}
			if got := places(MustDo(t, s, newRequest(http.MethodGet, target, nil))); !slices.Equal(got, tc.public) {
				t.Errorf("public: places %v, want %v", got, tc.public)
			}
			if got := places(MustDo(t, s, newRequest(http.MethodGet, target+"&key="+k.secret["aveyron"], nil))); !slices.Equal(got, tc.want) {
				t.Errorf("Aveyron's key: places %v, want %v", got, tc.want)
			}
			// A key without a territory gets what the public does.
			if got := places(MustDo(t, s, newRequest(http.MethodGet, target, nil, "Authorization", "Bearer "+k.secret["public"]))); !slices.Equal(got, tc.public) {
				t.Errorf("a key without territory: places %v, want %v", got, tc.public)
			}
		})
	}
}

// A partner's key confines every search to its territory. The property
// test below gives partners random territories (départements, types, a
// polygon, and mixes) over the demo data, sends random queries with
// their keys, and checks each answer against the test's own reading of
// the territory: no result, facet count, cluster, place or suggestion
// shows a place outside it, and what the key finds is exactly what a
// public search finds inside it, whenever the two read the query alike.

// scopeSeed seeds the property test; a failure prints it.
const scopeSeed = 20260114

// partner is a search key with a territory, and its secret.
type partner struct {
	keys.Entry
	secret string
}

// holds reports whether a place is in the partner's territory, by the
// rule written in keys' documentation: one of Depts, one of Types, inside
// Polygon (an even-odd ray cast, as planar geometry does), each when set.
func (pt *partner) holds(p *ingest.Place) bool {
	if len(pt.Depts) > 0 && !slices.Contains(pt.Depts, p.Dept) {
		return false
	}
	if len(pt.Types) > 0 && !slices.ContainsFunc(p.Types, func(t string) bool { return slices.Contains(pt.Types, t) }) {
		return false
	}
	return len(pt.Polygon) == 0 || indextest.InsidePolygon(pt.Polygon, p.Lon, p.Lat)
}

// randomPolygon is a star-shaped ring around a point of Occitanie, a
// few tens of kilometres to a département or two across.
func randomPolygon(rng *rand.Rand) geo.Polygon {
	lon, lat := 0.3+rng.Float64()*4.2, 42.6+rng.Float64()*2.2
	angles := make([]float64, 3+rng.IntN(7))
	for i := range angles {
		angles[i] = rng.Float64() * 2 * math.Pi
	}
	slices.Sort(angles)
	var ring [][2]float64
	for _, a := range angles {
		r := 0.2 + rng.Float64()*1.3
		ring = append(ring, [2]float64{lon + r*math.Cos(a), lat + r*math.Sin(a)})
	}
	return geo.Polygon{append(ring, ring[0])}
}

func polygonParam(p geo.Polygon) string {
	b, _ := json.Marshal(map[string]any{"type": "Polygon", "coordinates": p})
	return string(b)
}

// pickSome returns one to n distinct elements of list.
func pickSome[T any](rng *rand.Rand, list []T, n int) []T {
	shuffled := slices.Clone(list)
	rng.Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
	return shuffled[:1+rng.IntN(min(n, len(list)))]
}

// hitJSON is a place in a search answer or a cluster feature.
type hitJSON struct {
	ID         string   `json:"id"`
	Dept       string   `json:"dept"`
	Types      []string `json:"types"`
	Lat        float64  `json:"lat"`
	Lon        float64  `json:"lon"`
	DistanceKM *float64 `json:"distance_km"`
}

// scopeAnswer is what the property test reads of a search answer, JSON
// or GeoJSON.
type scopeAnswer struct {
	Query struct {
		Types       []string            `json:"types"`
		Services    []string            `json:"services"`
		Dept        string              `json:"dept"`
		Region      string              `json:"region"`
		Lists       map[string][]string `json:"lists"`
		RadiusKM    *float64            `json:"radius_km"`
		RadiusAuto  bool                `json:"radius_auto"`
		Nearest     bool                `json:"nearest"`
		TextRelaxed []string            `json:"text_relaxed"`
		TextIgnored []string            `json:"text_ignored"`
		Limit       int                 `json:"limit"`
		Offset      int                 `json:"offset"`
	} `json:"query"`
	Total    int       `json:"total"`
	Results  []hitJSON `json:"results"`
	Features []struct {
		ID       string `json:"id"`
		Geometry struct {
			Coordinates [2]float64 `json:"coordinates"`
		} `json:"geometry"`
		Properties hitJSON `json:"properties"`
	} `json:"features"`
	Facets map[string]map[string]int `json:"facets"`
}

func (a *scopeAnswer) ids() []string {
	out := make([]string, len(a.Results))
	for i, r := range a.Results {
		out[i] = r.ID
	}
	return out
}

// sameReading reports whether two answers read a query alike, so that
// one's results in a territory are the other's: the same radius, the
// same words relaxed. A scope may widen an automatic radius, or relax a
// word that no place of the territory holds; and the k nearest in a
// territory are not the territory's share of the k nearest.
func sameReading(a, b *scopeAnswer) bool {
	qa, qb := a.Query, b.Query
	sameRadius := (qa.RadiusKM == nil) == (qb.RadiusKM == nil) && (qa.RadiusKM == nil || *qa.RadiusKM == *qb.RadiusKM)
	return !qa.Nearest && !qb.Nearest && sameRadius && slices.Equal(qa.TextRelaxed, qb.TextRelaxed) && slices.Equal(qa.TextIgnored, qb.TextIgnored)
}

// scopeRun is one run of the property test.
type scopeRun struct {
	t        *testing.T
	s        http.Handler
	rng      *rand.Rand
	places   map[string]*ingest.Place
	partners []*partner
	depts    []string
	words    []string
	requests int
	// What the run saw, so that it fails when it proved little.
	compared, nonEmpty, outside, clusters, suggestedOutside int
}

// get sends a GET, with the partner's key as Bearer or key= (at random),
// or none for a nil partner.
func (sr *scopeRun) get(target string, pt *partner) *httptest.ResponseRecorder {
	sr.t.Helper()
	req := newRequest(http.MethodGet, target, nil)
	if pt != nil {
		if sr.rng.IntN(2) == 0 {
			req.Header.Set("Authorization", "Bearer "+pt.secret)
		} else {
			req = newRequest(http.MethodGet, target+"&key="+url.QueryEscape(pt.secret), nil)
		}
	}
	// The contract is checked on one request in ten: checking costs nine
	// tenths of the run, and the other tests check every route's answers.
	if sr.requests++; sr.requests%10 == 0 {
		return MustDo(sr.t, sr.s, req)
	}
	rec := httptest.NewRecorder()
	sr.s.ServeHTTP(rec, req)
	return rec
}

// search sends a search and decodes its answer (nil for an error).
func (sr *scopeRun) search(v url.Values, pt *partner) (*httptest.ResponseRecorder, *scopeAnswer) {
	sr.t.Helper()
	rec := sr.get("/v1/search?"+v.Encode(), pt)
	if rec.Code != http.StatusOK {
		return rec, nil
	}
	var a scopeAnswer
	MustDecode(sr.t, rec.Body.Bytes(), &a)
	for _, f := range a.Features {
		h := f.Properties
		if f.ID != h.ID || f.Geometry.Coordinates != [2]float64{h.Lon, h.Lat} {
			sr.t.Errorf("feature %s: id %s, point %v, unlike its properties", f.ID, h.ID, f.Geometry.Coordinates)
		}
		a.Results = append(a.Results, h)
	}
	return rec, &a
}

// all pages through every result of a search, MaxLimit at a time.
func (sr *scopeRun) all(v url.Values, pt *partner) *scopeAnswer {
	sr.t.Helper()
	v = maps.Clone(v)
	delete(v, "format")
	delete(v, "facets")
	v.Set("limit", "100")
	var out *scopeAnswer
	for offset := 0; out == nil || offset < out.Total && offset < 1000; offset += 100 {
		v.Set("offset", strconv.Itoa(offset))
		rec, a := sr.search(v, pt)
		if a == nil {
			sr.t.Fatalf("%s: %d %s", v.Encode(), rec.Code, rec.Body.Bytes())
		}
		if out == nil {
			out = a
		} else {
			out.Results = append(out.Results, a.Results...)
		}
		if a.Query.Nearest {
			break // the k nearest: one page
		}
	}
	return out
}

// randomQuery is a search's parameters: text from the places' words and
// the vocabulary, filters, an area, a sort, a page, facets.
func (sr *scopeRun) randomQuery() url.Values {
	rng := sr.rng
	v := url.Values{}
	if rng.IntN(10) < 6 {
		v.Set("q", strings.Join(pickSome(rng, sr.words, 2), " "))
	}
	if rng.IntN(4) == 0 {
		v["type"] = pickSome(rng, []string{"coworking", "fablab", "mediation-numerique"}, 2)
	}
	if rng.IntN(5) == 0 {
		v.Set("dept", sr.depts[rng.IntN(len(sr.depts))])
	}
	if rng.IntN(10) < 3 {
		if rng.IntN(2) == 0 {
			v.Set("near", []string{"Toulouse", "Rodez", "Albi", "Montpellier", "Millau", "Cahors", "Perpignan", "Foix", "Mende", "Auch"}[rng.IntN(10)])
		} else {
			v.Set("near", fmt.Sprintf("%.4f,%.4f", 42.6+rng.Float64()*2.2, 0.3+rng.Float64()*4.2))
		}
		if rng.IntN(10) < 7 {
			v.Set("radius", fmt.Sprintf("%dkm", 5+rng.IntN(150)))
		}
	}
	if rng.IntN(5) == 0 {
		lon, lat := 0.0+rng.Float64()*4, 42.4+rng.Float64()*2
		v.Set("bbox", fmt.Sprintf("%.3f,%.3f,%.3f,%.3f", lon, lat, lon+0.3+rng.Float64()*2, lat+0.3+rng.Float64()*1.5))
	}
	if rng.IntN(7) == 0 {
		v.Set("polygon", polygonParam(randomPolygon(rng)))
	}
	if rng.IntN(10) < 3 {
		v.Set("sort", []string{"relevance", "distance"}[rng.IntN(2)])
	}
	if rng.IntN(10) < 7 {
		v.Set("limit", strconv.Itoa(1+rng.IntN(100)))
	}
	if rng.IntN(10) < 4 {
		v.Set("offset", strconv.Itoa(rng.IntN(60)))
	}
	if rng.IntN(2) == 0 {
		v.Set("facets", "type,dept,service")
	}
	if rng.IntN(10) < 3 {
		v.Set("format", "geojson")
	}
	return v
}

// checkHits checks that every place an answer shows is in the
// territory, once, as the catalog has it.
func (sr *scopeRun) checkHits(pt *partner, what string, hits []hitJSON) {
	sr.t.Helper()
	seen := map[string]bool{}
	for _, h := range hits {
		p, ok := sr.places[h.ID]
		switch {
		case !ok:
			sr.t.Errorf("%s: %s is no place of the catalog", what, h.ID)
		case !pt.holds(p):
			sr.t.Errorf("%s: key %s (depts %v, types %v, polygon %v) shows %s (%s, %v, %g,%g), outside its territory",
				what, pt.ID, pt.Depts, pt.Types, len(pt.Polygon) > 0, h.ID, p.Dept, p.Types, p.Lon, p.Lat)
		case seen[h.ID]:
			sr.t.Errorf("%s: %s twice", what, h.ID)
		case h.Dept != p.Dept || !slices.Equal(h.Types, p.Types):
			sr.t.Errorf("%s: %s as %s %v, the catalog has %s %v", what, h.ID, h.Dept, h.Types, p.Dept, p.Types)
		}
		seen[h.ID] = true
	}
}

// checkSearch sends a query with a partner's key and checks its answer,
// and every result of it, against the public answers to the same query
// filtered by the territory.
func (sr *scopeRun) checkSearch(v url.Values, pt *partner, pubPage *httptest.ResponseRecorder, pubAll *scopeAnswer) {
	t := sr.t
	t.Helper()
	what := fmt.Sprintf("key %s, /v1/search?%s", pt.ID, v.Encode())
	rec, page := sr.search(v, pt)
	if pubPage.Code != http.StatusOK || rec.Code != http.StatusOK {
		// The territory changes what is found, never whether the query
		// is valid.
		if rec.Code != pubPage.Code {
			t.Fatalf("%s: %d %s; public: %d %s", what, rec.Code, rec.Body.Bytes(), pubPage.Code, pubPage.Body.Bytes())
		}
		var a, b apiError
		MustDecode(t, rec.Body.Bytes(), &a)
		MustDecode(t, pubPage.Body.Bytes(), &b)
		if a.Error.Code != b.Error.Code || a.Error.Param != b.Error.Param {
			t.Errorf("%s: error %+v, public %+v", what, a.Error, b.Error)
		}
		return
	}
	sr.checkHits(pt, what, page.Results)
	if len(page.Results) > page.Query.Limit || len(page.Results) > page.Total {
		t.Errorf("%s: %d results, limit %d, total %d", what, len(page.Results), page.Query.Limit, page.Total)
	}
	// No facet counts more than the territory holds of its value.
	for facet, counts := range page.Facets {
		for value, n := range counts {
			most := 0
			for _, p := range sr.places {
				if pt.holds(p) && slices.Contains(facetValues(facet, p), value) {
					most++
				}
			}
			if n > most {
				t.Errorf("%s: facet %s=%s counts %d; the territory holds %d such places", what, facet, value, n, most)
			}
		}
	}

	all := sr.all(v, pt)
	sr.checkHits(pt, what+" (all pages)", all.Results)
	if all.Total != page.Total {
		t.Errorf("%s: total %d, then %d paging", what, page.Total, all.Total)
	}
	if all.Query.Nearest {
		for i := 1; i < len(all.Results); i++ {
			if a, b := all.Results[i-1].DistanceKM, all.Results[i].DistanceKM; a == nil || b == nil || *a > *b {
				t.Errorf("%s: the nearest out of order at %d", what, i)
			}
		}
		return
	}
	if len(all.Results) != all.Total {
		t.Errorf("%s: total %d, %d results in all", what, all.Total, len(all.Results))
	}
	ids := all.ids()
	if want := ids[min(page.Query.Offset, len(ids)):min(page.Query.Offset+page.Query.Limit, len(ids))]; !slices.Equal(page.ids(), want) {
		t.Errorf("%s: page %v, want %v of all", what, page.ids(), want)
	}
	if len(ids) > 0 {
		sr.nonEmpty++
	}
	for _, r := range pubAll.Results {
		if !pt.holds(sr.places[r.ID]) {
			sr.outside++
		}
	}
	if !sameReading(pubAll, all) {
		return
	}
	sr.compared++
	var want []string
	var in []*ingest.Place
	for _, r := range pubAll.Results {
		if p := sr.places[r.ID]; pt.holds(p) {
			want = append(want, r.ID)
			in = append(in, p)
		}
	}
	if !slices.Equal(ids, want) {
		t.Errorf("%s: found %v; the public search's in the territory are %v", what, ids, want)
	}
	// A facet whose own dimension the query does not filter counts
	// exactly the matches.
	q := page.Query
	unfiltered := map[string]bool{"type": len(q.Types) == 0, "service": len(q.Services) == 0, "dept": q.Dept == "" && q.Region == ""}
	for facet, counts := range page.Facets {
		if !unfiltered[facet] || len(q.Lists) > 0 {
			continue
		}
		want := map[string]int{}
		for _, p := range in {
			for _, v := range facetValues(facet, p) {
				want[v]++
			}
		}
		if !maps.Equal(counts, want) {
			t.Errorf("%s: facet %s %v, the matches in the territory give %v", what, facet, counts, want)
		}
	}
}

func facetValues(facet string, p *ingest.Place) []string {
	switch facet {
	case "type":
		return p.Types
	case "service":
		return p.Services
	case "dept":
		return []string{p.Dept}
	}
	return nil
}

// checkClusters sends a clustering of the query with the partner's key:
// its total is the search's, its counts add up to it, a lone place is
// one of the search's, and no cluster counts more than the search's
// places in its box.
func (sr *scopeRun) checkClusters(v url.Values, pt *partner) {
	t := sr.t
	t.Helper()
	v = maps.Clone(v)
	for _, k := range []string{"limit", "offset", "format", "facets", "sort"} {
		delete(v, k)
	}
	if v.Get("bbox") == "" {
		v.Set("bbox", "-0.5,42.2,5,45.2")
	}
	v.Set("zoom", strconv.Itoa(sr.rng.IntN(15)))
	what := fmt.Sprintf("key %s, /v1/clusters?%s", pt.ID, v.Encode())
	rec := sr.get("/v1/clusters?"+v.Encode(), pt)
	pub := sr.get("/v1/clusters?"+v.Encode(), nil)
	if rec.Code != pub.Code {
		t.Fatalf("%s: %d %s; public: %d %s", what, rec.Code, rec.Body.Bytes(), pub.Code, pub.Body.Bytes())
	}
	if rec.Code != http.StatusOK {
		return
	}
	type clustering struct {
		Total    int `json:"total"`
		Features []struct {
			ID         string `json:"id"`
			Properties struct {
				hitJSON
				Cluster bool       `json:"cluster"`
				Count   int        `json:"count"`
				BBox    [4]float64 `json:"bbox"`
			} `json:"properties"`
		} `json:"features"`
	}
	var c, public clustering
	MustDecode(t, rec.Body.Bytes(), &c)
	MustDecode(t, pub.Body.Bytes(), &public)
	publicSum := 0
	for _, f := range public.Features {
		publicSum += f.Properties.Count
	}
	zoom := v.Get("zoom")
	v.Del("zoom")
	found := sr.all(v, pt)
	inFound := map[string]*ingest.Place{}
	for _, r := range found.Results {
		inFound[r.ID] = sr.places[r.ID]
	}
	if c.Total != found.Total {
		t.Errorf("%s: total %d, the search's %d", what, c.Total, found.Total)
	}
	sum := 0
	var lone []hitJSON
	for _, f := range c.Features {
		p := f.Properties
		sum += p.Count
		if !p.Cluster {
			lone = append(lone, p.hitJSON)
			if _, ok := inFound[f.ID]; !ok {
				t.Errorf("%s: lone place %s is not one the search finds", what, f.ID)
			}
			continue
		}
		most := 0
		for _, q := range inFound {
			if q.Lon >= p.BBox[0]-1e-9 && q.Lat >= p.BBox[1]-1e-9 && q.Lon <= p.BBox[2]+1e-9 && q.Lat <= p.BBox[3]+1e-9 {
				most++
			}
		}
		if p.Count > most {
			t.Errorf("%s (zoom %s): a cluster of %d in %v, which holds %d places of the territory's matches", what, zoom, p.Count, p.BBox, most)
		}
	}
	sr.checkHits(pt, what, lone)
	// The counts add up to the total whenever the public ones do (a near
	// without a radius clusters the nearest place only, key or not).
	if sum > c.Total || sum != c.Total && publicSum == public.Total {
		t.Errorf("%s: counts add up to %d, total %d; public: %d of %d", what, sum, c.Total, publicSum, public.Total)
	}
	if c.Total > 0 {
		sr.clusters++
	}
}

// TestScopedKeysNeverLeak is the property test.
func TestScopedKeysNeverLeak(t *testing.T) {
	seed := uint64(scopeSeed)
	if s := os.Getenv("SCOPE_SEED"); s != "" {
		seed, _ = strconv.ParseUint(s, 10, 64)
	}
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("seed %d (SCOPE_SEED=%d to run it again)", seed, seed)
		}
	})
	rng := rand.New(rand.NewPCG(seed, seed))
	cat := MustCatalog(t)
	sr := &scopeRun{t: t, rng: rng, places: map[string]*ingest.Place{}}
	words := map[string]bool{"coworking": true, "fablab": true, "numérique": true, "atelier": true, "tiers-lieu": true,
		"espace": true, "impression 3d": true, "cowrking": true, "à Toulouse": true, "près de Rodez": true, "Aveyron": true, "zzzz": true}
	depts := map[string]bool{}
	places := cat.Places()
	for i := range places {
		p := &places[i]
		sr.places[p.ID] = p
		depts[p.Dept] = true
		for _, w := range strings.Fields(p.Name + " " + p.Commune) {
			if utf8.RuneCountInString(w) >= 4 {
				words[strings.ToLower(w)] = true
			}
		}
	}
	sr.depts = slices.Sorted(maps.Keys(depts))
	sr.words = slices.Sorted(maps.Keys(words))

	// Partners: each a random mix of départements, types and a polygon.
	var entries []keys.Entry
	for i := range 10 {
		e := keys.Entry{ID: fmt.Sprintf("partner-%d", i), Scope: httpapi.ScopeSearch}
		for e.Depts == nil && e.Types == nil && e.Polygon == nil {
			if rng.IntN(2) == 0 {
				e.Depts = pickSome(rng, sr.depts, 3)
			}
			if rng.IntN(5) < 2 {
				e.Types = pickSome(rng, []string{"coworking", "fablab", "mediation-numerique"}, 2)
			}
			if rng.IntN(5) < 2 {
				e.Polygon = randomPolygon(rng)
			}
		}
		entries = append(entries, e)
	}
	k := MustKeys(t, entries...)
	for _, e := range entries {
		pt := &partner{Entry: e, secret: k.secret[e.ID]}
		sr.partners = append(sr.partners, pt)
		// The test's rule and the index's agree on every place.
		sc := &index.Scope{Depts: e.Depts, Types: e.Types, Polygon: e.Polygon}
		n := 0
		for _, p := range sr.places {
			if pt.holds(p) != sc.Contains(p) {
				t.Fatalf("key %s: the test's rule says %v of %s, index.Scope %v", e.ID, pt.holds(p), p.ID, sc.Contains(p))
			}
			if pt.holds(p) {
				n++
			}
		}
		t.Logf("key %s: depts %v, types %v, polygon %v: %d places", e.ID, e.Depts, e.Types, len(e.Polygon) > 0, n)
	}
	sr.s = httpapi.NewServer(MustBackend(t), nil, httpapi.Options{Keys: k.ring, SearchTimeout: time.Minute, HeavyPerSecond: 1e6})

	queries := 150
	if testing.Short() {
		queries = 30
	}
	for range queries {
		v := sr.randomQuery()
		pubPage, _ := sr.search(v, nil)
		var pubAll *scopeAnswer
		if pubPage.Code == http.StatusOK {
			pubAll = sr.all(v, nil)
		}
		for i, pt := range pickSome(rng, sr.partners, 4) {
			sr.checkSearch(v, pt, pubPage, pubAll)
			if i < 2 {
				sr.checkClusters(v, pt)
			}
		}
		if t.Failed() {
			return
		}
	}

	// Places by ID: those outside the territory are not there.
	ids := slices.Sorted(maps.Keys(sr.places))
	for _, pt := range sr.partners {
		for _, id := range pickSome(rng, ids, 20) {
			rec := sr.get("/v1/places/"+id+"?lang=en", pt)
			if pt.holds(sr.places[id]) {
				if rec.Code != http.StatusOK {
					t.Errorf("key %s, place %s of its territory: %d %s", pt.ID, id, rec.Code, rec.Body.Bytes())
				}
				continue
			}
			e := MustError(t, rec, http.StatusNotFound, "not_found")
			if e.Error.Param != "id" {
				t.Errorf("key %s, place %s: param %q", pt.ID, id, e.Error.Param)
			}
		}
	}

	// Suggestions: no place name from outside the territory.
	var prefixes []string
	for _, p := range sr.places {
		name := []rune(strings.ToLower(p.Name))
		prefixes = append(prefixes, string(name[:min(len(name), 2+rng.IntN(5))]))
	}
	slices.Sort(prefixes)
	for _, pt := range sr.partners {
		for _, prefix := range pickSome(rng, prefixes, 15) {
			limit := strconv.Itoa(1 + rng.IntN(20))
			target := "/v1/suggest?q=" + url.QueryEscape(prefix) + "&limit=" + limit
			var pub, got struct {
				Suggestions []struct {
					Kind string `json:"kind"`
					ID   string `json:"id"`
				} `json:"suggestions"`
			}
			MustDecode(t, sr.get(target, nil).Body.Bytes(), &pub)
			rec := sr.get(target, pt)
			if rec.Code != http.StatusOK {
				t.Fatalf("key %s, %s: %d %s", pt.ID, target, rec.Code, rec.Body.Bytes())
			}
			MustDecode(t, rec.Body.Bytes(), &got)
			if n, _ := strconv.Atoi(limit); len(got.Suggestions) > n {
				t.Errorf("key %s, %s: %d suggestions", pt.ID, target, len(got.Suggestions))
			}
			for _, s := range pub.Suggestions {
				if s.Kind == "place" && !pt.holds(sr.places[s.ID]) {
					sr.suggestedOutside++
				}
			}
			for _, s := range got.Suggestions {
				if s.Kind != "place" {
					continue
				}
				if p, ok := sr.places[s.ID]; !ok || !pt.holds(p) {
					t.Errorf("key %s, %s: suggests place %s, outside its territory", pt.ID, target, s.ID)
				}
			}
		}
	}

	t.Logf("%d queries: %d answers compared with the public ones, %d with results, %d public results outside a territory, %d clusterings, %d public suggestions outside",
		queries, sr.compared, sr.nonEmpty, sr.outside, sr.clusters, sr.suggestedOutside)
	// A run that compared little, or whose territories held everything,
	// proves little.
	if sr.compared < queries || sr.nonEmpty < queries/3 || sr.outside < queries || sr.clusters < queries/4 || sr.suggestedOutside == 0 {
		t.Errorf("the run proved little: %d compared, %d with results, %d outside, %d clusterings, %d suggestions outside",
			sr.compared, sr.nonEmpty, sr.outside, sr.clusters, sr.suggestedOutside)
	}
}
