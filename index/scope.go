package index

import (
	"crypto/sha256"
	"encoding/binary"
	"math"
	"slices"
	"sync"

	"github.com/tierslieux/tierslieux/geo"
	"github.com/tierslieux/tierslieux/ingest"
)

// Scope is a territory a query is confined to whatever else it asks: a
// partner's search key carries one. A place is in it when it lies in one
// of Depts (if any), has one of Types (if any) and lies inside Polygon
// (if any); a scope with none of them holds every place.
//
// Unlike the query's own Dept, Types and Polygon, which the user chose, a
// scope is one more filter bitmap: it combines with every shape of query
// (another département gives nothing rather than an error; a polygon or a
// trip of the user's own keeps what lies in both), and no facet ever
// counts a place outside it. A scope is used through a pointer and never
// changed once used.
type Scope struct {
	Depts   []string
	Types   []string
	Polygon geo.Polygon

	once     sync.Once
	key      [sha256.Size]byte
	prepared *geo.PreparedPolygon
}

// Empty reports whether the scope holds every place.
func (s *Scope) Empty() bool {
	return s == nil || (len(s.Depts) == 0 && len(s.Types) == 0 && len(s.Polygon) == 0)
}

// init computes, once, what every use of the scope needs: its polygon
// prepared, and a digest of its contents that catalogs cache its bitmap
// under (so two scopes alike share one, and a changed key file never
// finds a stale one).
func (s *Scope) init() {
	s.once.Do(func() {
		if len(s.Polygon) > 0 {
			s.prepared = geo.PreparePolygon(s.Polygon)
		}
		h := sha256.New()
		for _, list := range [][]string{s.Depts, s.Types} {
			sorted := slices.Sorted(slices.Values(list))
			for _, v := range sorted {
				h.Write([]byte(v))
				h.Write([]byte{0})
			}
			h.Write([]byte{1})
		}
		var b [8]byte
		for _, ring := range s.Polygon {
			for _, pt := range ring {
				for _, c := range pt {
					binary.LittleEndian.PutUint64(b[:], math.Float64bits(c))
					h.Write(b[:])
				}
			}
			h.Write([]byte{2})
		}
		h.Sum(s.key[:0])
	})
}

// Contains reports whether a place is in the scope: the same answer as
// the scope's bitmap gives a search, for a lookup by ID.
func (s *Scope) Contains(p *ingest.Place) bool {
	if s.Empty() {
		return true
	}
	s.init()
	if len(s.Depts) > 0 && !slices.Contains(s.Depts, p.Dept) {
		return false
	}
	if len(s.Types) > 0 && !slices.ContainsFunc(p.Types, func(t string) bool { return slices.Contains(s.Types, t) }) {
		return false
	}
	return s.prepared == nil || s.prepared.Contains(p.Lon, p.Lat)
}

// maxScopes bounds the scope bitmaps a catalog keeps: one per partner key
// in use, each a bit a place.
const maxScopes = 64

// scopeCache holds the bitmaps of the scopes a catalog was searched
// with: a polygon's places cost an R-tree walk, which a partner's every
// search would otherwise pay again.
type scopeCache struct {
	mu   sync.Mutex
	sets map[[sha256.Size]byte]bitset
}

// scopeSet returns the places of a scope, nil for an empty one (no
// filter). The bitmap is shared: read-only.
func (c *Catalog) scopeSet(s *Scope) bitset {
	if s.Empty() {
		return nil
	}
	s.init()
	c.scopes.mu.Lock()
	b, ok := c.scopes.sets[s.key]
	c.scopes.mu.Unlock()
	if ok {
		return b
	}
	b = c.computeScope(s)
	c.scopes.mu.Lock()
	defer c.scopes.mu.Unlock()
	if c.scopes.sets == nil || len(c.scopes.sets) >= maxScopes {
		c.scopes.sets = map[[sha256.Size]byte]bitset{}
	}
	c.scopes.sets[s.key] = b
	return b
}

func (c *Catalog) computeScope(s *Scope) bitset {
	fs := &c.filters
	union := func(m map[string]bitset, keys []string) bitset {
		if len(keys) == 0 {
			return nil
		}
		b := newBitset(fs.n) // a département or type no place has adds nothing
		for _, k := range keys {
			if set, ok := m[k]; ok {
				b.or(set)
			}
		}
		return b
	}
	var inPolygon bitset
	if s.prepared != nil {
		inPolygon = newBitset(fs.n)
		c.Geo().InPolygonFunc(s.prepared, func(o uint32) bool {
			inPolygon.set(o)
			return true
		})
	}
	all := intersect(union(fs.depts, s.Depts), union(fs.types, s.Types), inPolygon)
	if all == nil {
		return newBitset(fs.n)
	}
	return all
}
