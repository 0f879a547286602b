package index

import (
	"cmp"
	"context"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"
	"unsafe"

	"github.com/tierslieux/tierslieux/geo/gazetteer"
	"github.com/tierslieux/tierslieux/ingest"
)

// nameKey is one key of the name index: a place's folded name
// (gazetteer.Normalize), or the name without its first words (a tail),
// as the bytes [at, end) of the index's folded names. No pointer: five
// keys a place for a million places cost the collector nothing.
type nameKey struct {
	at, end, o uint32
	tail       bool
}

// nameIndex is the sorted index of folded place names, built once, on
// first use, or read with the places' image: every name with its tails,
// for completions, and the whole names alone, for the query language.
type nameIndex struct {
	cat   *Catalog
	once  sync.Once
	text  []byte // the folded names, one after the other
	names []nameKey
	full  []nameKey
}

// nameFoldVersion says which folding the keys were made with; an image
// made with another has its name index made again. Change it whenever
// gazetteer.Normalize changes.
const nameFoldVersion = 1

func (ix *nameIndex) key(k nameKey) string {
	if k.end == k.at {
		return ""
	}
	return unsafe.String(&ix.text[k.at], int(k.end-k.at))
}

func (ix *nameIndex) build() {
	ix.once.Do(func() { ix.set(buildNames(ix.cat.places)) })
}

// set takes the folded names and the sorted keys, and picks out the
// whole names.
func (ix *nameIndex) set(text []byte, names []nameKey) {
	ix.text, ix.names = text, names
	ix.full = ix.full[:0]
	for _, n := range names {
		if !n.tail {
			ix.full = append(ix.full, n)
		}
	}
}

// buildNames folds the places' names and sorts their keys. Folding and
// sorting a million names takes seconds: each core takes a share, then
// the sorted shares are merged.
func buildNames(st *placeStore) ([]byte, []nameKey) {
	n := st.len()
	folded := make([]string, n)
	workers := max(runtime.GOMAXPROCS(0), 1)
	chunk := (n + workers - 1) / workers
	var wg sync.WaitGroup
	for w := range workers {
		lo, hi := w*chunk, min((w+1)*chunk, n)
		wg.Go(func() {
			for i := lo; i < hi; i++ {
				folded[i] = gazetteer.Normalize(st.name(uint32(i)))
			}
		})
	}
	wg.Wait()
	size := 0
	for _, f := range folded {
		size += len(f)
	}
	text := make([]byte, 0, size)
	keys := make([]nameKey, 0, 3*n)
	for i, k := range folded {
		at := uint32(len(text))
		text = append(text, k...)
		end := uint32(len(text))
		keys = append(keys, nameKey{at, end, uint32(i), false})
		// "Le Bocal" is also found as "bocal": Normalize drops the
		// article; also index each later word so "fabrique" finds "La
		// Fabrique du Causse". Normalize leaves one space between
		// words, so a tail is the rest of the key.
		for j := 1; j < len(k); j++ {
			if k[j-1] == ' ' {
				keys = append(keys, nameKey{at + uint32(j), end, uint32(i), true})
			}
		}
	}
	folded = nil
	ix := &nameIndex{text: text}
	cmpKeys := func(a, b nameKey) int {
		if c := strings.Compare(ix.key(a), ix.key(b)); c != 0 {
			return c
		}
		return cmp.Compare(a.o, b.o)
	}
	parts := make([][]nameKey, 0, workers)
	chunk = (len(keys) + workers - 1) / workers
	for lo := 0; lo < len(keys); lo += chunk {
		parts = append(parts, keys[lo:min(lo+chunk, len(keys))])
	}
	for _, p := range parts {
		wg.Go(func() { slices.SortFunc(p, cmpKeys) })
	}
	wg.Wait()
	return text, mergeKeys(parts, len(keys), cmpKeys)
}

// mergeKeys merges sorted parts into one sorted slice.
func mergeKeys(parts [][]nameKey, n int, compare func(a, b nameKey) int) []nameKey {
	out := make([]nameKey, 0, n)
	for {
		best := -1
		for i, p := range parts {
			if len(p) > 0 && (best < 0 || compare(p[0], parts[best][0]) < 0) {
				best = i
			}
		}
		if best < 0 {
			return out
		}
		out = append(out, parts[best][0])
		parts[best] = parts[best][1:]
	}
}

// IsPlaceName reports whether folded words (gazetteer.Normalize) begin a
// place's name: its start, not a later word, so "coworking Toulouse" is
// not a search for "Synthétique Coworking 12 de Toulouse".
func (c *Catalog) IsPlaceName(folded string) bool {
	c.names.build()
	ix := &c.names
	names := ix.full
	for i := sort.Search(len(names), func(i int) bool { return ix.key(names[i]) >= folded }); i < len(names) && strings.HasPrefix(ix.key(names[i]), folded); i++ {
		if k := ix.key(names[i]); len(k) == len(folded) || k[len(folded)] == ' ' {
			return true
		}
	}
	return false
}

// PlacesByPrefix returns up to limit places whose name, or a later part
// of it, starts with folded (gazetteer.Normalize), each once, in key order;
// with keep, only the places it accepts, among the first maxPrefixScan
// names of the prefix (a bound on the work of a short prefix in a small
// territory).
func (c *Catalog) PlacesByPrefix(folded string, limit int, keep func(*ingest.Place) bool) []*ingest.Place {
	c.names.build()
	ix := &c.names
	names := ix.names
	var out []*ingest.Place
	var p ingest.Place
	last := -1
	i := sort.Search(len(names), func(i int) bool { return ix.key(names[i]) >= folded })
	for end := i + maxPrefixScan; i < len(names) && i < end && strings.HasPrefix(ix.key(names[i]), folded) && len(out) < limit; i++ {
		if o := int(names[i].o); o != last {
			last = o
			if c.places.decode(uint32(o), &p); keep == nil || keep(&p) {
				kept := p
				out = append(out, &kept)
			}
		}
	}
	return out
}

// maxPrefixScan bounds the names PlacesByPrefix looks at.
const maxPrefixScan = 50_000

// IsTypo reports whether word is a typo of name as far as the catalog's
// text goes: no place's text holds it, or it analyses to name's own terms
// ("montpelier" stems as "Montpellier" does). A word of the catalog's
// text that means something else is not.
func (c *Catalog) IsTypo(word, name string) bool {
	// Kept terms: the same few words and names come back query after
	// query.
	terms := c.Text.KeptTerms(word)
	if slices.Equal(terms, c.Text.KeptTerms(name)) {
		return true
	}
	for _, t := range terms {
		ts, err := c.termSet(context.Background(), t)
		if err != nil || ts.df > 0 {
			return false
		}
	}
	return true
}
