package index

import (
	"container/list"
	"context"
	"fmt"
	"math"
	"sync"
	"sync/atomic"
	"time"

	"github.com/tierslieux/tierslieux/index/text"
	"golang.org/x/sync/singleflight"
)

// maxTerms bounds the distinct terms of one query: each costs an index
// lookup the first time it is seen.
const maxTerms = 16

// DefaultTermCacheBytes bounds the memory a catalog's term cache holds
// unless SetTermCacheBytes says otherwise: per term, one bitset of n/8
// bytes per field and one for any field (625 KB a term at a million
// places).
const DefaultTermCacheBytes int64 = 256 << 20

// termFetchTimeout bounds one fetch of a term's postings, shared by every
// query waiting for it (a query that gives up does not stop it: the
// others still want it).
const termFetchTimeout = 10 * time.Second

// termSets are the places holding an analysed term, per field and in any.
type termSets struct {
	fields []bitset // in text.Fields() order
	any    bitset
	df     int     // places holding the term in any field
	idf    float64 // 1 + ln(N / (df + 1))
	// most is the largest sum of field boosts a place holding the term
	// has: its score is at most idf × most.
	most float64
}

// size is what a term's sets weigh in the cache, in bytes.
func (ts *termSets) size() int64 {
	if ts.df == 0 {
		return 64 // its sets are the cache's shared empty one
	}
	n := int64(len(ts.any)) * 8
	for _, b := range ts.fields {
		n += int64(len(b)) * 8
	}
	return n + 64
}

// termCache keeps the postings of the terms people search for as bitsets
// over place ordinals. Bleve supplies each term's postings once — once
// however many queries ask for a new term at the same moment — and
// after that, matching a query is bitset intersections, and scoring a
// match a few bit tests. It holds at most its budget of bytes, dropping the
// least recently used terms first.
type termCache struct {
	mu     sync.Mutex
	sets   map[string]*list.Element // of *cachedTerm, most recent first
	lru    *list.List
	bytes  int64
	budget int64 // at most this many bytes
	group  singleflight.Group
	fields []text.Field
	// empty stands for every field of a term no place holds.
	empty bitset
	// fetches counts the postings fetched from the text index.
	fetches atomic.Int64

	// num maps the text index's documents to ordinals, made once in the
	// background at the first fetch (or PrepareText): making it reads every
	// document's ID, seconds for a million places, and a request waits for
	// it only as long as its own context allows. numStop cancels the
	// making when the catalog closes, and Close waits for it to end.
	numMu   sync.Mutex
	num     *text.Numbering
	numDone chan struct{} // closed once the making in progress ends
	numErr  error         // its error, for the requests that waited
	numStop context.CancelFunc
	closed  bool
}

type cachedTerm struct {
	term string
	sets *termSets
}

func newTermCache(n int) *termCache {
	return &termCache{sets: map[string]*list.Element{}, lru: list.New(), budget: DefaultTermCacheBytes, fields: text.Fields(), empty: newBitset(n)}
}

func (c *termCache) get(term string) (*termSets, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.sets[term]
	if !ok {
		return nil, false
	}
	c.lru.MoveToFront(e)
	return e.Value.(*cachedTerm).sets, true
}

func (c *termCache) put(term string, ts *termSets) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.sets[term]; ok {
		return
	}
	c.sets[term] = c.lru.PushFront(&cachedTerm{term, ts})
	c.bytes += ts.size()
	c.evict()
}

// evict drops the least recently used terms until the cache fits its
// budget; the newest term stays, whatever its size.
func (c *termCache) evict() {
	for c.bytes > c.budget && c.lru.Len() > 1 {
		old := c.lru.Back()
		ct := old.Value.(*cachedTerm)
		c.lru.Remove(old)
		delete(c.sets, ct.term)
		c.bytes -= ct.sets.size()
	}
}

// SetTermCacheBytes sets the byte budget of the catalog's term cache,
// evicting at once what no longer fits.
func (cat *Catalog) SetTermCacheBytes(n int64) {
	c := cat.terms
	c.mu.Lock()
	defer c.mu.Unlock()
	c.budget = n
	c.evict()
}

// TermCacheSize is the bytes the catalog's term cache holds.
func (cat *Catalog) TermCacheSize() int64 {
	c := cat.terms
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.bytes
}

// TermFetches is how many terms' postings the catalog has fetched from its
// text index: a measure of the cache.
func (cat *Catalog) TermFetches() int64 { return cat.terms.fetches.Load() }

// termSet returns a term's sets, asking the index once however many
// queries want it; a query whose context ends stops waiting at once.
func (cat *Catalog) termSet(ctx context.Context, term string) (*termSets, error) {
	c := cat.terms
	if ts, ok := c.get(term); ok {
		return ts, nil
	}
	ch := c.group.DoChan(term, func() (any, error) {
		if ts, ok := c.get(term); ok {
			return ts, nil // fetched while this call waited to start
		}
		fctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), termFetchTimeout)
		defer cancel()
		ts, err := cat.fetchTerm(fctx, term)
		if err != nil {
			return nil, err
		}
		c.put(term, ts)
		return ts, nil
	})
	select {
	case r := <-ch:
		if r.Err != nil {
			return nil, r.Err
		}
		return r.Val.(*termSets), nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// fetchTerm reads a term's postings from the text index into bitsets.
func (cat *Catalog) fetchTerm(ctx context.Context, term string) (*termSets, error) {
	c := cat.terms
	c.fetches.Add(1)
	n := cat.Len()
	ts := &termSets{any: newBitset(n)}
	num, err := cat.numbering(ctx)
	if err != nil {
		return nil, err
	}
	for _, f := range c.fields {
		b := newBitset(n)
		if err := num.Postings(ctx, term, f.Name, b.set); err != nil {
			if ctx.Err() != nil {
				return nil, err
			}
			return nil, fmt.Errorf("%w: %w", ErrStorage, err)
		}
		ts.fields = append(ts.fields, b)
		ts.any.or(b)
	}
	ts.df = ts.any.count()
	ts.idf = 1 + math.Log(float64(n)/float64(ts.df+1))
	ts.most = mostWeight(ts.fields, c.fields)
	if ts.df == 0 {
		// In no place (a typo, nonsense): a small entry, so asking again
		// costs nothing.
		ts.any = c.empty
		for i := range ts.fields {
			ts.fields[i] = c.empty
		}
	}
	return ts, nil
}

// mostWeight is the largest sum of the boosts of the fields holding a
// term that one place has, given the term's set of each field.
func mostWeight(sets []bitset, fields []text.Field) float64 {
	if len(sets) == 0 {
		return 0
	}
	all := 0.0
	for _, f := range fields {
		all += f.Boost
	}
	best := 0.0
	for w := range sets[0] {
		var any uint64
		for _, b := range sets {
			any |= b[w]
		}
		for any != 0 {
			bit := any & -any
			any &^= bit
			s := 0.0
			for i, b := range sets {
				if b[w]&bit != 0 {
					s += fields[i].Boost
				}
			}
			if best = max(best, s); best == all {
				return best
			}
		}
	}
	return best
}
