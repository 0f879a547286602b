package index

import (
	"context"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/tierslieux/tierslieux/geo/gazetteer"
	"github.com/tierslieux/tierslieux/ingest"
)

// placeName is one key of the name index: a place's folded name, or the
// name without its first words (a tail).
type placeName struct {
	key  string
	o    uint32
	tail bool
}

// nameIndex is the sorted index of folded place names, built once, on
// first use (sorting costs start-up time): every name with its tails, for
// completions, and the whole names alone, for the query language.
type nameIndex struct {
	cat         *Catalog
	once        sync.Once
	names, full []placeName
}

func (ix *nameIndex) build() {
	ix.once.Do(func() {
		places := ix.cat.Places
		// Folding and sorting a million names takes seconds: each core
		// takes a share, then the sorted shares are merged.
		workers := max(runtime.GOMAXPROCS(0), 1)
		chunk := (len(places) + workers - 1) / workers
		parts := make([][]placeName, workers)
		var wg sync.WaitGroup
		for w := range workers {
			lo, hi := w*chunk, min((w+1)*chunk, len(places))
			if lo >= hi {
				continue
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				names := make([]placeName, 0, 3*(hi-lo))
				for i := lo; i < hi; i++ {
					k := gazetteer.Normalize(places[i].Name)
					names = append(names, placeName{k, uint32(i), false})
					// "Le Bocal" is also found as "bocal": Normalize drops the
					// article; also index each later word so "fabrique" finds
					// "La Fabrique du Causse". Normalize leaves one space
					// between words, so a tail is the rest of the key.
					for j := 1; j < len(k); j++ {
						if k[j-1] == ' ' {
							names = append(names, placeName{k[j:], uint32(i), true})
						}
					}
				}
				slices.SortFunc(names, comparePlaceNames)
				parts[w] = names
			}()
		}
		wg.Wait()
		ix.names = mergePlaceNames(parts)
		for _, n := range ix.names {
			if !n.tail {
				ix.full = append(ix.full, n)
			}
		}
	})
}

// comparePlaceNames orders the name index: by key, then by place.
func comparePlaceNames(a, b placeName) int {
	if c := strings.Compare(a.key, b.key); c != 0 {
		return c
	}
	return int(a.o) - int(b.o)
}

// mergePlaceNames merges sorted parts into one sorted slice.
func mergePlaceNames(parts [][]placeName) []placeName {
	n := 0
	for _, p := range parts {
		n += len(p)
	}
	out := make([]placeName, 0, n)
	for {
		best := -1
		for i, p := range parts {
			if len(p) > 0 && (best < 0 || comparePlaceNames(p[0], parts[best][0]) < 0) {
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
	names := c.names.full
	for i := sort.Search(len(names), func(i int) bool { return names[i].key >= folded }); i < len(names) && strings.HasPrefix(names[i].key, folded); i++ {
		if k := names[i].key; len(k) == len(folded) || k[len(folded)] == ' ' {
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
	names := c.names.names
	var out []*ingest.Place
	last := -1
	i := sort.Search(len(names), func(i int) bool { return names[i].key >= folded })
	for end := i + maxPrefixScan; i < len(names) && i < end && strings.HasPrefix(names[i].key, folded) && len(out) < limit; i++ {
		if o := int(names[i].o); o != last {
			last = o
			if p := &c.Places[o]; keep == nil || keep(p) {
				out = append(out, p)
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
	terms := c.Text.Terms(word)
	if slices.Equal(terms, c.Text.Terms(name)) {
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
