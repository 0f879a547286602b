package index

import (
	"context"
	"math"
	"sync"

	"github.com/tierslieux/tierslieux/index/text"
)

// maxTerms bounds the distinct terms of one query: each costs an index
// lookup the first time it is seen.
const maxTerms = 16

// termCacheBytes bounds the memory the term cache holds: per term, one
// bitset of n/8 bytes per field and one for any field.
const termCacheBytes = 256 << 20

// termSets are the places holding an analysed term, per field and in any.
type termSets struct {
	fields []bitset // in text.Fields() order
	any    bitset
	df     int     // places holding the term in any field
	idf    float64 // 1 + ln(N / (df + 1))
}

// termCache keeps the postings of the terms people search for as bitsets
// over place ordinals. Bleve supplies each term's postings once; after
// that, matching a query is bitset intersections, and scoring a match a
// few bit tests, whether over a few candidates or every place.
type termCache struct {
	mu     sync.Mutex
	sets   map[string]*termSets
	max    int
	fields []text.Field
}

func newTermCache(n int) *termCache {
	fields := text.Fields()
	per := max((n+63)/64*8*(len(fields)+1), 1)
	return &termCache{sets: map[string]*termSets{}, max: max(termCacheBytes/per, 16), fields: fields}
}

// termSet returns a term's sets, asking the index once.
func (cat *Catalog) termSet(ctx context.Context, term string) (*termSets, error) {
	c := cat.terms
	c.mu.Lock()
	ts, ok := c.sets[term]
	c.mu.Unlock()
	if ok {
		return ts, nil
	}
	n := len(cat.Places)
	ts = &termSets{any: newBitset(n)}
	for _, f := range c.fields {
		ids, err := cat.Text.TermDocs(ctx, term, f.Name)
		if err != nil {
			return nil, err
		}
		b := newBitset(n)
		for _, id := range ids {
			if o, ok := cat.Ordinal(id); ok {
				b.set(o)
			}
		}
		ts.fields = append(ts.fields, b)
		ts.any.or(b)
	}
	ts.df = ts.any.count()
	ts.idf = 1 + math.Log(float64(n)/float64(ts.df+1))
	if ts.df == 0 {
		// Not in any place (a typo, nonsense): not worth a cache entry.
		return ts, nil
	}
	c.mu.Lock()
	if len(c.sets) >= c.max {
		// Full: drop an arbitrary entry; the terms people search by are
		// few, so misses stay rare.
		for k := range c.sets {
			delete(c.sets, k)
			break
		}
	}
	c.sets[term] = ts
	c.mu.Unlock()
	return ts, nil
}

// textQuery is the full-text part of a query, ready to match.
type textQuery struct {
	terms []*termSets
	boost []float64
}

// prepareText analyses q and fetches its terms' sets; ok is false when
// only stop words are left (no text condition).
func (cat *Catalog) prepareText(ctx context.Context, q string) (tq *textQuery, ok bool, err error) {
	terms := cat.Text.Terms(q)
	if len(terms) == 0 {
		return nil, false, nil
	}
	if len(terms) > maxTerms {
		return nil, false, Errorf(CodeTooLong, "q", "has %d distinct search terms; the limit is %d", len(terms), maxTerms)
	}
	tq = &textQuery{}
	for _, f := range cat.terms.fields {
		tq.boost = append(tq.boost, f.Boost)
	}
	for _, t := range terms {
		ts, err := cat.termSet(ctx, t)
		if err != nil {
			return nil, false, err
		}
		tq.terms = append(tq.terms, ts)
	}
	return tq, true, nil
}

// estimate is an upper bound on the number of matches: the rarest term's
// document frequency.
func (tq *textQuery) estimate() int {
	best := math.MaxInt
	for _, t := range tq.terms {
		best = min(best, t.df)
	}
	return best
}

// score is a place's relevance, or false when it lacks a term: for each
// term, its idf times the boosts of the fields holding it. Every term
// must be in some field, as in the index's own search.
func (tq *textQuery) score(o uint32) (float64, bool) {
	total := 0.0
	for _, t := range tq.terms {
		if !t.any.has(o) {
			return 0, false
		}
		w := 0.0
		for i, b := range t.fields {
			if b.has(o) {
				w += tq.boost[i]
			}
		}
		total += t.idf * w
	}
	return total, true
}

// scoreCandidates scores the candidates that keep lets through.
func (tq *textQuery) scoreCandidates(cands []match, keep func(uint32) bool) map[uint32]float64 {
	out := map[uint32]float64{}
	for _, c := range cands {
		if !keep(c.o) {
			continue
		}
		if s, ok := tq.score(c.o); ok {
			out[c.o] = s
		}
	}
	return out
}

// scoreAll scores every place holding all the terms: the intersection of
// their sets, walked word by word.
func (tq *textQuery) scoreAll() map[uint32]float64 {
	all := tq.terms[0].any.clone()
	for _, t := range tq.terms[1:] {
		all.and(t.any)
	}
	out := make(map[uint32]float64, all.count())
	all.each(func(o uint32) {
		if s, ok := tq.score(o); ok {
			out[o] = s
		}
	})
	return out
}
