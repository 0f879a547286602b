package httpapi

import (
	"net/http"
	"slices"
	"strings"
	"sync"

	"github.com/tierslieux/tierslieux/geo"
	"github.com/tierslieux/tierslieux/index"
)

// Keyring holds the API keys: it finds the key whose secret a request
// presents.
type Keyring interface {
	Lookup(secret string) (*Key, bool)
}

// Key is an API key as the server sees it: its scope and, for a
// partner's search key, the territory every search with it is limited to
// and the origins allowed to use it.
type Key struct {
	ID      string
	Scope   string // admin, ingest or search
	Depts   []string
	Types   []string
	Polygon geo.Polygon
	Origins []string

	// territory is Depts, Types and Polygon as the engine takes them,
	// built at the key's first search: its polygon is prepared once.
	territoryOnce sync.Once
	territory     *index.Scope
}

// Scopes of keys. Each reaches what the ones after it do: an admin key
// does everything; an ingest key changes the data (uploads, deletions,
// their tasks) and searches, but neither snapshots nor reloads; a search
// key only searches, within its territory if it has one.
const (
	ScopeAdmin  = "admin"
	ScopeIngest = "ingest"
	ScopeSearch = "search"
)

// ValidScope reports whether s is a scope.
func ValidScope(s string) bool { return scopeRank(s) > 0 }

func scopeRank(s string) int {
	switch s {
	case ScopeSearch:
		return 1
	case ScopeIngest:
		return 2
	case ScopeAdmin:
		return 3
	}
	return 0
}

// Codes of refused keys.
const (
	codeUnauthorized = "unauthorized"
	codeForbidden    = "forbidden"
)

// scope returns the key's territory, nil when it has none (or is not a
// search key: the others search everywhere).
func (k *Key) scope() *index.Scope {
	k.territoryOnce.Do(func() {
		s := &index.Scope{Depts: k.Depts, Types: k.Types, Polygon: k.Polygon}
		if k.Scope == ScopeSearch && !s.Empty() {
			k.territory = s
		}
	})
	return k.territory
}

// bearer returns the secret of an Authorization: Bearer header, and
// whether the header is there at all.
func bearer(r *http.Request) (secret string, given bool) {
	h := r.Header.Get("Authorization")
	if h == "" {
		return "", false
	}
	scheme, token, ok := strings.Cut(h, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return "", true
	}
	return strings.TrimSpace(token), true
}

// keyOf finds the key a request presents: in Authorization: Bearer, or
// for a search only (a partner page's widget, which cannot send headers
// cross-origin without a preflight) in the key parameter too. A secret
// that matches no key, or a malformed header, is refused (401) like a
// missing one: the answer is the same whatever was tried, so it tells
// nothing of which keys exist. given is false when nothing was presented.
func (s *Server) keyOf(r *http.Request, search bool) (k *Key, given bool, err error) {
	secret, given := bearer(r)
	if !given && search {
		if v, ok := params(r)["key"]; ok {
			secret, given = v[0], true
		}
	}
	if !given {
		return nil, false, nil
	}
	if secret != "" {
		if k, ok := s.opts.Keys.Lookup(secret); ok {
			return k, true, nil
		}
	}
	return nil, true, unauthorized(search)
}

func unauthorized(search bool) error {
	if search {
		return index.Errorf(codeUnauthorized, "key", "a valid API key is required: send it as Authorization: Bearer KEY, or as the key parameter")
	}
	return index.Errorf(codeUnauthorized, "", "a valid API key is required: send it as Authorization: Bearer KEY")
}

// writeAuthError answers a refused key; a 401 says how to authenticate
// (RFC 6750), the same way whatever was presented.
func (s *Server) writeAuthError(w http.ResponseWriter, r *http.Request, err error) {
	if e, ok := index.AsError(err); ok && e.Code == codeUnauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer realm="tierslieux"`)
	}
	s.writeError(w, r, err)
}

// requireKey wraps a write-API handler: it runs only for a key whose
// scope reaches need.
func (s *Server) requireKey(need string, next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		k, _, err := s.keyOf(r, false)
		switch {
		case err != nil:
		case k == nil:
			err = unauthorized(false)
		case scopeRank(k.Scope) < scopeRank(need):
			err = index.Errorf(codeForbidden, "", "this API key's scope does not allow this")
		}
		if err != nil {
			s.writeAuthError(w, r, err)
			return
		}
		next(w, r)
	}
}

// searchScope is what the search handlers ask before anything else: it
// checks the key a search presents, if any (required with RequireKey),
// and the origin a partner's key is limited to, answering 401 or 403
// itself when refused (ok false). It returns the territory to confine
// every query of the request to: nil for public searches and for keys
// without one. Without keys, searches are public and a key is ignored.
func (s *Server) searchScope(w http.ResponseWriter, r *http.Request) (scope *index.Scope, ok bool) {
	if s.opts.Keys == nil {
		return nil, true
	}
	k, _, err := s.keyOf(r, true)
	switch {
	case err != nil:
	case k == nil && s.opts.RequireKey:
		err = unauthorized(true)
	case k == nil:
		return nil, true
	case !originAllowed(k, r.Header.Get("Origin")):
		err = index.Errorf(codeForbidden, "key", "this API key may not be used from this origin")
	}
	if err != nil {
		s.writeAuthError(w, r, err)
		return nil, false
	}
	return k.scope(), true
}

// originAllowed reports whether a key may be used from a page of origin:
// any, when the key names none or the request comes from no page (a
// server, curl: an Origin header is a browser's, and only a browser
// honours the refusal anyway).
func originAllowed(k *Key, origin string) bool {
	if len(k.Origins) == 0 || origin == "" {
		return true
	}
	origin = strings.TrimRight(origin, "/")
	return slices.ContainsFunc(k.Origins, func(o string) bool { return strings.EqualFold(strings.TrimRight(o, "/"), origin) })
}
