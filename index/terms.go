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

// textQuery is the full-text part of a query, ready to match. Its terms
// are conditions until relaxed: a relaxed term is a preference, which
// adds to the score of the places holding it and excludes none.
type textQuery struct {
	terms []queryTerm
	boost []float64
}

// queryTerm is one analysed term of a query's text.
type queryTerm struct {
	*termSets
	term, word string
	required   bool // the user required it ("+samedi"): never relaxed
	relaxed    bool // a preference, not a condition
	ignored    bool // in no place at all: relaxed at once
}

// prepareText analyses q and fetches its terms' sets; ok is false when
// only stop words are left (no text part). Words of required are never
// relaxed; with relax, a term no place holds is relaxed at once, since it
// can only empty the list.
func (cat *Catalog) prepareText(ctx context.Context, q string, required []string, relax bool) (tq *textQuery, ok bool, err error) {
	wts := cat.Text.WordTerms(q)
	if len(wts) == 0 {
		return nil, false, nil
	}
	if len(wts) > maxTerms {
		return nil, false, Errorf(CodeTooLong, "q", "has %d distinct search terms; the limit is %d", len(wts), maxTerms)
	}
	must := map[string]bool{}
	for _, w := range required {
		for _, t := range cat.Text.Terms(w) {
			must[t] = true
		}
	}
	tq = &textQuery{}
	for _, f := range cat.terms.fields {
		tq.boost = append(tq.boost, f.Boost)
	}
	for _, wt := range wts {
		ts, err := cat.termSet(ctx, wt.Term)
		if err != nil {
			return nil, false, err
		}
		qt := queryTerm{termSets: ts, term: wt.Term, word: wt.Word, required: must[wt.Term]}
		if ts.df == 0 && !qt.required && relax {
			qt.relaxed, qt.ignored = true, true
		}
		tq.terms = append(tq.terms, qt)
	}
	return tq, true, nil
}

// hasCondition reports whether a term still has to match.
func (tq *textQuery) hasCondition() bool {
	for _, t := range tq.terms {
		if !t.relaxed {
			return true
		}
	}
	return false
}

// relax turns the least selective term still a condition (the one in the
// most places; the later word on a tie) into a preference, and reports
// whether there was one to relax. Required terms never are.
func (tq *textQuery) relax() bool {
	best := -1
	for i, t := range tq.terms {
		if t.relaxed || t.required {
			continue
		}
		if best < 0 || t.df >= tq.terms[best].df {
			best = i
		}
	}
	if best < 0 {
		return false
	}
	tq.terms[best].relaxed = true
	return true
}

// words lists the words of the relaxed terms, ignored ones apart.
func (tq *textQuery) words() (relaxed, ignored []string) {
	for _, t := range tq.terms {
		switch {
		case t.ignored:
			ignored = appendWord(ignored, t.word)
		case t.relaxed:
			relaxed = appendWord(relaxed, t.word)
		}
	}
	return relaxed, ignored
}

func appendWord(list []string, w string) []string {
	for _, v := range list {
		if v == w {
			return list
		}
	}
	return append(list, w)
}

// estimate is an upper bound on the number of matches: the rarest
// condition's document frequency.
func (tq *textQuery) estimate() int {
	best := math.MaxInt
	for _, t := range tq.terms {
		if !t.relaxed {
			best = min(best, t.df)
		}
	}
	return best
}

// score is a place's relevance, or false when it lacks a condition: for
// each term it holds, its idf times the boosts of the fields holding it.
// Every condition must be in some field, as in the index's own search.
func (tq *textQuery) score(o uint32) (float64, bool) {
	total := 0.0
	for _, t := range tq.terms {
		if !t.any.has(o) {
			if t.relaxed {
				continue
			}
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

// scoreAll scores every place holding all the conditions: the
// intersection of their sets, walked word by word.
func (tq *textQuery) scoreAll() map[uint32]float64 {
	var all bitset
	for _, t := range tq.terms {
		switch {
		case t.relaxed:
		case all == nil:
			all = t.any.clone()
		default:
			all.and(t.any)
		}
	}
	out := make(map[uint32]float64, all.count())
	all.each(func(o uint32) {
		if s, ok := tq.score(o); ok {
			out[o] = s
		}
	})
	return out
}
