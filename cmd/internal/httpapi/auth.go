package httpapi

import "github.com/tierslieux/tierslieux/geo"

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
}
