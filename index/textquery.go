package index

import (
	"context"
	"fmt"
	"math"
	"unicode/utf8"
)

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

// most is at least the score of any place: each term's idf times the
// largest sum of boosts a place holding it has.
func (tq *textQuery) most() float64 {
	total := 0.0
	for _, t := range tq.terms {
		total += t.idf * t.most
	}
	return total
}

// scoreCandidates scores the candidates that keep lets through, into
// out (empty).
func (tq *textQuery) scoreCandidates(cands []match, out *scoreSet, keep func(uint32) bool) *scoreSet {
	for _, c := range cands {
		if !keep(c.o) {
			continue
		}
		if s, ok := tq.score(c.o); ok {
			out.set(c.o, s)
		}
	}
	return out
}

// scoreAll scores every place holding all the conditions, into out
// (empty): the intersection of their sets, walked word by word, while
// live says so.
func (tq *textQuery) scoreAll(out *scoreSet, live func() bool) *scoreSet {
	var all allOf
	n := -1
	for _, t := range tq.terms {
		if !t.relaxed {
			all = append(all, t.any)
			if n < 0 || len(t.any)*64 < n {
				n = len(t.any) * 64
			}
		}
	}
	if n <= 0 {
		return out // no condition, or one no place holds
	}
	// Walked a word of each set at a time: no intersection is made.
	all.eachRange(0, uint32(n), func(o uint32) bool {
		if s, ok := tq.score(o); ok {
			out.set(o, s)
		}
		return live()
	})
	return out
}
