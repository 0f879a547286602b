package search

import (
	"context"
	"sync"
)

// termCacheBytes bounds the memory the term cache holds: one bitset of
// n/8 bytes per term.
const termCacheBytes = 64 << 20

// termCache keeps, for each analysed term, the set of places holding it,
// so a query over a few thousand candidates intersects bitsets instead of
// asking Bleve to check each candidate ID. Bleve then scores only the
// matches.
type termCache struct {
	mu   sync.Mutex
	sets map[string]bitset
	max  int
}

func newTermCache(n int) *termCache {
	per := max((n+63)/64*8, 1)
	return &termCache{sets: map[string]bitset{}, max: max(termCacheBytes/per, 16)}
}

// set returns the places holding term, asking the index once.
func (e *Engine) termSet(ctx context.Context, term string) (bitset, error) {
	c := e.terms
	c.mu.Lock()
	b, ok := c.sets[term]
	c.mu.Unlock()
	if ok {
		return b, nil
	}
	ids, err := e.cat.Text.TermDocs(ctx, term)
	if err != nil {
		return nil, err
	}
	b = newBitset(e.n)
	for _, id := range ids {
		if o, ok := e.cat.Ordinal(id); ok {
			b.set(o)
		}
	}
	c.mu.Lock()
	if len(c.sets) >= c.max {
		// Full: drop an arbitrary entry; the set of terms people search
		// by is small, so misses are rare.
		for k := range c.sets {
			delete(c.sets, k)
			break
		}
	}
	c.sets[term] = b
	c.mu.Unlock()
	return b, nil
}

// textMatches narrows candidates to those holding every term of text,
// through the term cache.
func (e *Engine) textMatches(ctx context.Context, text string, cands []match, keep func(uint32) bool) ([]string, error) {
	terms := e.cat.Text.Terms(text)
	sets := make([]bitset, 0, len(terms))
	for _, t := range terms {
		b, err := e.termSet(ctx, t)
		if err != nil {
			return nil, err
		}
		sets = append(sets, b)
	}
	ids := make([]string, 0, len(cands)/4+1)
outer:
	for _, c := range cands {
		if !keep(c.o) {
			continue
		}
		for _, b := range sets {
			if !b.has(c.o) {
				continue outer
			}
		}
		ids = append(ids, e.cat.Places[c.o].ID)
	}
	return ids, nil
}
