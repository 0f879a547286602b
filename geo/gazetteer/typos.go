package gazetteer

import (
	"slices"
	"sync"
	"unicode/utf8"
)

// MinTypoLen is the shortest word a typo is corrected in: shorter words
// are one edit away from too many others ("labo", "Laon").
const MinTypoLen = 5

// Typos finds, among a fixed set of folded keys, those within one edit of
// a word: a letter inserted, deleted, replaced, or two neighbours swapped
// ("montpelier", "Rodex", "cowroking"). It indexes every key under itself
// and each of its one-letter deletions, so a lookup is a dozen map reads
// rather than a scan (symmetric deletion, as SymSpell does).
type Typos struct {
	keys []string
	del  map[string][]int32
}

// NewTypos indexes keys; keys shorter than MinTypoLen are left out.
func NewTypos(keys []string) *Typos {
	t := &Typos{keys: keys, del: map[string][]int32{}}
	for i, k := range keys {
		if utf8.RuneCountInString(k) < MinTypoLen {
			continue
		}
		for _, v := range deletions(k) {
			if ids := t.del[v]; len(ids) == 0 || ids[len(ids)-1] != int32(i) {
				t.del[v] = append(ids, int32(i))
			}
		}
	}
	return t
}

// Near returns the keys one edit away from w, not w itself, in the order
// w's deletions find them. It runs on every free word of a query: the
// deletions are looked up from one buffer, not made strings each.
func (t *Typos) Near(w string) []string {
	if utf8.RuneCountInString(w) < MinTypoLen {
		return nil
	}
	var seenBuf [32]int32
	var found []int32
	seen := seenBuf[:0]
	var buf [64]byte
	for at := -1; at < len(w); {
		var ids []int32
		if at < 0 { // w itself
			ids, at = t.del[w], 0
		} else {
			_, size := utf8.DecodeRuneInString(w[at:])
			b := append(append(buf[:0], w[:at]...), w[at+size:]...)
			ids, at = t.del[string(b)], at+size
		}
		for _, i := range ids {
			if slices.Contains(seen, i) {
				continue
			}
			seen = append(seen, i)
			if k := t.keys[i]; k != w && oneEdit(w, k) {
				found = append(found, i)
			}
		}
	}
	if len(found) == 0 {
		return nil
	}
	out := make([]string, len(found))
	for j, i := range found {
		out[j] = t.keys[i]
	}
	return out
}

// deletions is s and s with each one of its letters deleted.
func deletions(s string) []string {
	out := []string{s}
	for i, r := range s {
		out = append(out, s[:i]+s[i+utf8.RuneLen(r):])
	}
	return out
}

// oneEdit reports whether a and b differ by exactly one insertion,
// deletion, substitution or swap of neighbours (optimal string alignment
// distance 1).
func oneEdit(a, b string) bool {
	ra, rb := []rune(a), []rune(b)
	if len(ra) > len(rb) {
		ra, rb = rb, ra
	}
	switch len(rb) - len(ra) {
	case 0:
		diff := -1
		for i := range ra {
			if ra[i] == rb[i] {
				continue
			}
			if diff >= 0 {
				// A second difference: only a swap of neighbours is one edit.
				return diff == i-1 && ra[diff] == rb[i] && ra[i] == rb[diff] && string(ra[i+1:]) == string(rb[i+1:])
			}
			diff = i
		}
		return diff >= 0
	case 1:
		i := 0
		for i < len(ra) && ra[i] == rb[i] {
			i++
		}
		return string(ra[i:]) == string(rb[i+1:])
	}
	return false
}

// fuzzyIndex is the gazetteer's typo index, built on first use: the names
// a typo in free text may mean, those of Occitanie's communes and of
// communes of at least FuzzyMinPopulation people, départements and
// régions.
type fuzzyIndex struct {
	once  sync.Once
	typos *Typos
}

// FuzzyMinPopulation is the population from which a commune outside
// Occitanie is worth correcting a typo to.
const FuzzyMinPopulation = 5000

// Fuzzy returns the places whose name is one edit away from q — a typo
// such as "montpelier" or "Carcasonne" — best first, as Lookup ranks
// homonyms: only communes of Occitanie or of at least FuzzyMinPopulation
// people, départements and régions, so a typo is not read as a hamlet.
func (g *Gazetteer) Fuzzy(q string) []Match {
	g.fuzzy.once.Do(func() {
		var keys []string
		for _, k := range g.keys {
			for _, r := range g.byKey[k] {
				if r.kind != KindCommune || g.communes[r.i].Region == Occitanie || g.communes[r.i].Population >= FuzzyMinPopulation {
					keys = append(keys, k)
					break
				}
			}
		}
		g.fuzzy.typos = NewTypos(keys)
	})
	var out []Match
	for _, k := range g.fuzzy.typos.Near(Normalize(clip(q))) {
		for _, r := range g.byKey[k] {
			if r.kind != KindCommune || g.communes[r.i].Region == Occitanie || g.communes[r.i].Population >= FuzzyMinPopulation {
				out = append(out, g.match(r, "typo"))
			}
		}
	}
	g.rank(out)
	return out
}
