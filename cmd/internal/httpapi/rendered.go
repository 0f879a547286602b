package httpapi

import (
	"strings"
	"sync"
	"sync/atomic"
)

// DefaultResultCache is the memory a backend's rendered results may take
// (Options.ResultCacheBytes).
const DefaultResultCache = 256 << 20

// renderedPlace is the part of a result that depends on the place alone,
// as appendJSON writes it: the head up to "demo", then the tail from
// "address" to "description". A request's distance and score go between
// them; its matches, highlight, hours and detour after.
type renderedPlace struct {
	s   string
	mid int
	// id is the place's ID, which a slot is checked against: within s
	// when written there as it is, so the check reads what is copied
	// next.
	id string
}

func (p *renderedPlace) head() string { return p.s[:p.mid] }
func (p *renderedPlace) tail() string { return p.s[p.mid:] }

// idAt is where a result's ID starts in its JSON: after {"id":".
const idAt = len(`{"id":"`)

// render writes the place's parts of r, through scratch.
func render(r *resultJSON, scratch []byte) (*renderedPlace, []byte) {
	b := r.appendHead(scratch[:0])
	mid := len(b)
	b = r.appendTail(b)
	p := &renderedPlace{s: string(b), mid: mid}
	if n := idAt + len(r.ID); n < len(p.s) && p.s[idAt:n] == r.ID && p.s[n] == '"' {
		p.id = p.s[idAt:n]
	} else {
		p.id = strings.Clone(r.ID) // escaped in the JSON
	}
	return p, b
}

// entryOverhead approximates what a kept place costs beside its bytes:
// the struct, the string headers, the allocator's rounding.
const entryOverhead = 64

// resultCache keeps the rendered places of one backend, by their number
// in its catalog (index.Hit.Doc): searches around a city answer with the
// same places again and again, and copying their bytes costs a fraction
// of escaping their strings anew. It belongs to one backend, whose
// catalog does not change under it, so it is never stale; a reload
// brings a new, empty one.
//
// A place is kept the second time it is missed: one asked once is
// written as it always was, at no cost beyond a bit, so that in a large
// catalog the many places asked once do not cost an allocation each and
// push out the ones asked again. Once the budget is spent the cache is
// emptied and fills again with what is asked from then on, so that it
// follows the traffic without an eviction order to keep at each lookup.
type resultCache struct {
	budget int64
	gen    atomic.Pointer[cacheGen]
	used   atomic.Int64
	mu     sync.Mutex // one emptying at a time

	hits, misses, resets atomic.Int64
}

// cacheGen is what the cache holds between two emptyings: a slot for
// each place, and a bit for each place missed once.
type cacheGen struct {
	slots []atomic.Pointer[renderedPlace]
	asked []atomic.Uint64
}

func newCacheGen(n int) *cacheGen {
	return &cacheGen{slots: make([]atomic.Pointer[renderedPlace], n), asked: make([]atomic.Uint64, (n+63)/64)}
}

// newResultCache returns a cache of budget bytes for a catalog of n
// places; nil, which keeps nothing, when budget is not positive.
func newResultCache(budget int64, n int) *resultCache {
	if budget <= 0 || n <= 0 {
		return nil
	}
	c := &resultCache{budget: budget}
	c.gen.Store(newCacheGen(n))
	return c
}

// lookup returns the place of number doc rendered, nil when it is not
// kept: not asked yet, or its slot holds another place (id differs).
func (c *resultCache) lookup(doc uint32, id string) *renderedPlace {
	if c == nil {
		return nil
	}
	slots := c.gen.Load().slots
	if int(doc) >= len(slots) {
		return nil
	}
	if p := slots[doc].Load(); p != nil && p.id == id {
		return p
	}
	return nil
}

// keep renders the place of r, filled whole from its hit (resultOf),
// and keeps it by r.doc, a number in the cache's catalog, if it was
// missed before; nil when not kept, to be written field by field.
func (c *resultCache) keep(r *resultJSON) *renderedPlace {
	if c == nil {
		return nil
	}
	g := c.gen.Load()
	if int(r.doc) >= len(g.slots) {
		return nil
	}
	word, bit := &g.asked[r.doc/64], uint64(1)<<(r.doc%64)
	if word.Load()&bit == 0 {
		word.Or(bit)
		return nil
	}
	bp := getBuf()
	p, b := render(r, *bp)
	*bp = b
	putBuf(bp)
	c.store(g, r.doc, p)
	return p
}

// counted adds a page's lookups to the cache's figures, at once rather
// than one by one.
func (c *resultCache) counted(hits, misses int) {
	if c == nil {
		return
	}
	if hits > 0 {
		c.hits.Add(int64(hits))
	}
	if misses > 0 {
		c.misses.Add(int64(misses))
	}
}

// store puts p in slot doc of g, emptying the cache first when it would
// go over its budget.
func (c *resultCache) store(g *cacheGen, doc uint32, p *renderedPlace) {
	size := int64(len(p.s) + entryOverhead)
	if size > c.budget {
		return
	}
	if c.used.Add(size) > c.budget {
		c.mu.Lock()
		if c.gen.Load() == g {
			// Not emptied by another request meanwhile. Places kept in
			// the old generation by requests still holding it are lost
			// with it, and their bytes may go uncounted: the budget is
			// kept give or take a page of results.
			c.gen.Store(newCacheGen(len(g.slots)))
			c.used.Store(size)
			c.resets.Add(1)
		} else {
			c.used.Add(size)
		}
		g = c.gen.Load()
		c.mu.Unlock()
	}
	g.slots[doc].Store(p)
}

// stats reports the cache's use: places found rendered, places missed,
// times emptied, and about the bytes it holds.
func (c *resultCache) stats() (hits, misses, resets, used int64) {
	if c == nil {
		return 0, 0, 0, 0
	}
	return c.hits.Load(), c.misses.Load(), c.resets.Load(), c.used.Load()
}
