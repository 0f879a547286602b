package index

import (
	"context"
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
		names := make([]placeName, 0, len(places))
		for i := range places {
			k := gazetteer.Normalize(places[i].Name)
			names = append(names, placeName{k, uint32(i), false})
			// "Le Bocal" is also found as "bocal": Normalize drops the
			// article; also index each later word so "fabrique" finds "La
			// Fabrique du Causse".
			words := strings.Fields(k)
			for j := 1; j < len(words); j++ {
				names = append(names, placeName{strings.Join(words[j:], " "), uint32(i), true})
			}
		}
		slices.SortFunc(names, func(a, b placeName) int {
			if c := strings.Compare(a.key, b.key); c != 0 {
				return c
			}
			return int(a.o) - int(b.o)
		})
		ix.names = names
		for _, n := range names {
			if !n.tail {
				ix.full = append(ix.full, n)
			}
		}
	})
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
