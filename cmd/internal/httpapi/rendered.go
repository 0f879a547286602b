package httpapi

import (
	"sync"
	"sync/atomic"

	"github.com/tierslieux/tierslieux/index"
)

// DefaultResultCache is the memory a backend's rendered results may take
// (Options.ResultCacheBytes).
const DefaultResultCache = 256 << 20

// MaxResultCache is what the cache's references can address: a larger
// Options.ResultCacheBytes is clamped to it.
const MaxResultCache = maxChunks * maxChunkSize

// MaxRenderedPlace is the longest a place kept rendered may be: longer
// ones are written field by field each time.
const MaxRenderedPlace = maxEntry

// renderedPlace is the part of a result that depends on the place alone,
// as appendJSON writes it: b holds the head up to "demo", then from mid
// the tail from "address" to "description". A request's distance and
// score go between them; its matches, highlight, hours and detour after.
// The zero value is none.
type renderedPlace struct {
	b   []byte
	mid int
}

func (p renderedPlace) ok() bool     { return len(p.b) > 0 }
func (p renderedPlace) head() []byte { return p.b[:p.mid] }
func (p renderedPlace) tail() []byte { return p.b[p.mid:] }

// idAt is where a result's ID starts in its JSON: after {"id":".
const idAt = len(`{"id":"`)

// holdsID reports whether the rendered b is of the place of ID id, whose
// JSON holds it as it is.
func holdsID(b []byte, id string) bool {
	n := idAt + len(id)
	return n < len(b) && string(b[idAt:n]) == id && b[n] == '"'
}

// The cache keeps its bytes in chunks, with a reference a place packed
// in 64 bits: the chunk, the offset in it, the length and where the tail
// starts. No pointer per place, so the collector has nothing to follow
// and nothing is allocated per place kept.
const (
	chunkBits    = 20 // a chunk of 1 MB at most
	maxChunkSize = 1 << chunkBits
	lenBits      = 14 // a place of 16 KB at most
	maxChunks    = 1 << (64 - chunkBits - 2*lenBits)
	maxEntry     = 1<<lenBits - 1
	offsetMask   = maxChunkSize - 1
	lenMask      = maxEntry
)

// neverRef marks a place that is never kept (its ID escaped in JSON, or
// too long): not rendered again only to be dropped. No place packs to it,
// its length being 0.
var neverRef = packRef(0, 1, 0, 0)

// packRef packs a place's reference; n and mid must be at most maxEntry,
// off below maxChunkSize.
func packRef(chunk, off, n, mid int) uint64 {
	return uint64(chunk)<<(chunkBits+2*lenBits) | uint64(off)<<(2*lenBits) | uint64(n)<<lenBits | uint64(mid)
}

func unpackRef(ref uint64) (chunk, off, n, mid int) {
	return int(ref >> (chunkBits + 2*lenBits)), int(ref>>(2*lenBits)) & offsetMask, int(ref>>lenBits) & lenMask, int(ref) & lenMask
}

// resultCache keeps the rendered places of one backend, by their number
// in its catalog (index.Hit.Doc): searches around a city answer with the
// same places again and again, and copying their bytes costs a fraction
// of escaping their strings anew. It belongs to one backend, whose
// catalog does not change under it, so it is never stale; a reload
// brings a new, empty one.
//
// A place is kept the second time it is missed: one asked once is
// written as it always was, at no cost beyond a bit, so that in a large
// catalog the many places asked once do not fill the chunks and push out
// the ones asked again. Once the budget is spent the cache is emptied
// and fills again with what is asked from then on, so that it follows
// the traffic without an eviction order to keep at each lookup.
type resultCache struct {
	chunk  int // bytes a chunk
	chunks int // in the budget
	gen    atomic.Pointer[cacheGen]
	mu     sync.Mutex // the chunks' filling, and one emptying at a time

	hits, misses, resets atomic.Int64
}

// cacheGen is what the cache holds between two emptyings: a reference
// for each place (0 for none), a bit for each place missed once, and the
// chunks, filled one after the other.
type cacheGen struct {
	refs   []atomic.Uint64
	asked  []atomic.Uint64
	chunks []atomic.Pointer[[]byte]
	// Under resultCache.mu: the chunk being filled and its fill.
	cur, fill int
}

func newCacheGen(places, chunks int) *cacheGen {
	return &cacheGen{refs: make([]atomic.Uint64, places), asked: make([]atomic.Uint64, (places+63)/64),
		chunks: make([]atomic.Pointer[[]byte], chunks), cur: -1}
}

// newResultCache returns a cache of budget bytes (rounded up to a whole
// chunk of 1 MB, at most MaxResultCache) for a catalog of n places; nil,
// which keeps nothing, when budget is not positive.
func newResultCache(budget int64, n int) *resultCache {
	return newChunkedCache(budget, n, maxChunkSize)
}

// newChunkedCache is newResultCache with chunks of chunk bytes (at most
// maxChunkSize): small ones let a test fill a budget with few places.
func newChunkedCache(budget int64, n, chunk int) *resultCache {
	if budget <= 0 || n <= 0 {
		return nil
	}
	budget = min(budget, MaxResultCache)
	c := &resultCache{chunk: chunk, chunks: int(min((budget+int64(chunk)-1)/int64(chunk), maxChunks))}
	c.gen.Store(newCacheGen(n, c.chunks))
	return c
}

// lookup returns the place of number doc rendered, none when it is not
// kept: not asked twice yet, or the number is not the place of ID id.
func (c *resultCache) lookup(doc uint32, id string) renderedPlace {
	if c == nil {
		return renderedPlace{}
	}
	g := c.gen.Load()
	if int(doc) >= len(g.refs) {
		return renderedPlace{}
	}
	ref := g.refs[doc].Load()
	if ref == 0 || ref == neverRef {
		return renderedPlace{}
	}
	chunk, off, n, mid := unpackRef(ref)
	// The chunk was stored before the reference to it.
	b := (*g.chunks[chunk].Load())[off : off+n : off+n]
	if !holdsID(b, id) {
		return renderedPlace{}
	}
	return renderedPlace{b: b, mid: mid}
}

// warm reads a byte of every cache line of the kept renderings of the
// hits before any is looked up: their references, then their bytes, each
// pass's reads independent of one another, so that the processor waits
// for them together rather than once a result as lookup and the copy
// into the answer reach them. The sum keeps the reads from being
// optimised away.
func (c *resultCache) warm(hits []index.Hit) byte {
	if c == nil {
		return 0
	}
	g := c.gen.Load()
	var sum byte
	for i := range hits {
		if doc := hits[i].Doc; int(doc) < len(g.refs) {
			sum += byte(g.refs[doc].Load())
		}
	}
	for i := range hits {
		doc := hits[i].Doc
		if int(doc) >= len(g.refs) {
			continue
		}
		ref := g.refs[doc].Load()
		if ref == 0 || ref == neverRef {
			continue
		}
		chunk, off, n, _ := unpackRef(ref)
		b := (*g.chunks[chunk].Load())[off : off+n]
		for j := 0; j < len(b); j += 64 {
			sum += b[j]
		}
	}
	return sum
}

// keep renders the place of r, filled whole from its hit (resultOf),
// and keeps it by r.doc, a number in the cache's catalog, if it was
// missed before; none when not kept, to be written field by field.
func (c *resultCache) keep(r *resultJSON) renderedPlace {
	if c == nil {
		return renderedPlace{}
	}
	g := c.gen.Load()
	if int(r.doc) >= len(g.refs) {
		return renderedPlace{}
	}
	word, bit := &g.asked[r.doc/64], uint64(1)<<(r.doc%64)
	if word.Load()&bit == 0 {
		word.Or(bit)
		return renderedPlace{}
	}
	if g.refs[r.doc].Load() == neverRef {
		return renderedPlace{}
	}
	bp := getBuf()
	defer putBuf(bp)
	b := r.appendHead((*bp)[:0])
	mid := len(b)
	b = r.appendTail(b)
	*bp = b
	return c.store(r.doc, r.ID, b, mid)
}

// store copies b, the rendering of place doc of ID id, into the chunks
// and keeps it, emptying the cache first when its chunks are full; it
// returns the copy, or none when b cannot be kept.
func (c *resultCache) store(doc uint32, id string, b []byte, mid int) renderedPlace {
	c.mu.Lock()
	defer c.mu.Unlock()
	g := c.gen.Load()
	if len(b) > min(maxEntry, c.chunk) || !holdsID(b, id) {
		// Too long for a reference or a chunk, or an ID escaped in JSON.
		g.refs[doc].Store(neverRef)
		return renderedPlace{}
	}
	if ref := g.refs[doc].Load(); ref != 0 && ref != neverRef {
		chunk, off, n, kept := unpackRef(ref)
		if b := (*g.chunks[chunk].Load())[off : off+n : off+n]; holdsID(b, id) {
			return renderedPlace{b: b, mid: kept} // kept by another request meanwhile
		}
	}
	if g.cur < 0 || g.fill+len(b) > c.chunk {
		if g.cur+1 == len(g.chunks) {
			// Places kept in the old generation by requests still
			// holding it are lost with it.
			g = newCacheGen(len(g.refs), len(g.chunks))
			c.gen.Store(g)
			c.resets.Add(1)
		}
		g.cur, g.fill = g.cur+1, 0
		chunk := make([]byte, c.chunk)
		g.chunks[g.cur].Store(&chunk)
	}
	chunk := *g.chunks[g.cur].Load()
	off := g.fill
	copy(chunk[off:], b)
	g.fill += len(b)
	g.refs[doc].Store(packRef(g.cur, off, len(b), mid))
	return renderedPlace{b: chunk[off : off+len(b) : off+len(b)], mid: mid}
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

// stats reports the cache's use: places found rendered, places missed,
// times emptied, and the bytes of its chunks in use.
func (c *resultCache) stats() (hits, misses, resets, used int64) {
	if c == nil {
		return 0, 0, 0, 0
	}
	c.mu.Lock()
	g := c.gen.Load()
	used = int64(g.cur+1) * int64(c.chunk)
	c.mu.Unlock()
	return c.hits.Load(), c.misses.Load(), c.resets.Load(), used
}
