package index

import (
	"container/list"
	"context"
	"fmt"
	"math"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"

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
	n := len(cat.Places)
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

// textQuery is the full-text part of a query, ready to match. Its terms
// are conditions until relaxed: a relaxed term is a preference, which
// adds to the score of the places holding it and excludes none.
type textQuery struct {
	terms []queryTerm
	boost []float64
	// corrected are the words no place holds read as a close term of the
	// index instead (fuzzyTerm).
	corrected []Correction
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
//
// Within a scope (a partner's territory), a term none of its places
// holds is as absent as one no place holds: ignored alike, so that which
// is which tells nothing of the places outside.
func (cat *Catalog) prepareText(ctx context.Context, q string, required []string, relax bool, scope bitset) (tq *textQuery, ok bool, err error) {
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
		absent := func(ts *termSets) bool { return ts.df == 0 || scope != nil && !ts.any.intersects(scope) }
		if !qt.required && relax && absent(ts) {
			// A typo, perhaps: a close term some place holds stands for it.
			alt, altSets, err := cat.fuzzyTerm(ctx, wt.Term)
			if err != nil {
				return nil, false, err
			}
			if altSets != nil && !absent(altSets) {
				qt.termSets, qt.term = altSets, alt
				tq.corrected = append(tq.corrected, Correction{From: wt.Word, To: alt, Kind: "text"})
			} else {
				qt.relaxed, qt.ignored = true, true
			}
		}
		tq.terms = append(tq.terms, qt)
	}
	return tq, true, nil
}

// fuzzyTerm finds the term of the text index closest to one no place
// holds: within one edit for a term of 4 to 7 letters, two from 8; none
// for shorter ones, where an edit is another word.
func (cat *Catalog) fuzzyTerm(ctx context.Context, term string) (string, *termSets, error) {
	n := utf8.RuneCountInString(term)
	if n < 4 {
		return "", nil, nil
	}
	fuzziness := 1
	if n >= 8 {
		fuzziness = 2
	}
	num, err := cat.numbering(ctx)
	if err != nil {
		return "", nil, err
	}
	alt, ok, err := num.Nearest(term, fuzziness)
	if err != nil {
		return "", nil, fmt.Errorf("%w: %w", ErrStorage, err)
	}
	if !ok {
		return "", nil, nil
	}
	ts, err := cat.termSet(ctx, alt)
	return alt, ts, err
}

// conditions counts the terms that still have to match.
func (tq *textQuery) conditions() int {
	n := 0
	for _, t := range tq.terms {
		if !t.relaxed {
			n++
		}
	}
	return n
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
// intersection of their sets, walked word by word, while live says so.
func (tq *textQuery) scoreAll(live func() bool) map[uint32]float64 {
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
	all.each(func(o uint32) bool {
		if s, ok := tq.score(o); ok {
			out[o] = s
		}
		return live()
	})
	return out
}
