package search

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/tierslieux/tierslieux/geo/gazetteer"
	"github.com/tierslieux/tierslieux/ingest"
)

// Suggestion is one completion for a search box.
type Suggestion struct {
	Kind  string `json:"kind"`  // commune, departement, region, place, type, service
	Label string `json:"label"` // what to show
	Value string `json:"value"` // what to put in the search box
	ID    string `json:"id,omitempty"`
}

// MaxSuggestions bounds a suggestion list.
const MaxSuggestions = 20

// placeNames is the sorted index of folded place names the suggestions
// search by prefix.
type placeName struct {
	key  string
	o    uint32
	tail bool // the name without its first words
}

// nameIndex is built once, on first use: every folded name with its
// tails (for suggestions), and the whole names alone (for the parser).
type nameIndex struct {
	once        sync.Once
	names, full []placeName
}

func (ix *nameIndex) get(e *Engine) []placeName {
	ix.build(e)
	return ix.names
}

func (ix *nameIndex) fullNames(e *Engine) []placeName {
	ix.build(e)
	return ix.full
}

func (ix *nameIndex) build(e *Engine) {
	ix.once.Do(func() {
		ix.names = e.buildPlaceNames()
		for _, n := range ix.names {
			if !n.tail {
				ix.full = append(ix.full, n)
			}
		}
	})
}

func (e *Engine) buildPlaceNames() []placeName {
	names := make([]placeName, 0, e.n)
	for i := range e.cat.Places {
		k := gazetteer.Normalize(e.cat.Places[i].Name)
		names = append(names, placeName{k, uint32(i), false})
		// "Le Bocal" is also found as "bocal": Normalize drops the article;
		// also index each later word so "fabrique" finds "La Fabrique du Causse".
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
	return names
}

// Suggest completes what a user is typing: types and services of the
// vocabulary, communes, départements and régions, and place names, by
// prefix, accent- and case-insensitively.
func (e *Engine) Suggest(prefix string, limit int) ([]Suggestion, error) {
	if len(prefix) > MaxQueryLen {
		return nil, errorf(CodeTooLong, "q", "is %d bytes long; the limit is %d", len(prefix), MaxQueryLen)
	}
	if limit <= 0 || limit > MaxSuggestions {
		return nil, errorf(CodeOutOfRange, "limit", "%d is outside [1, %d]", limit, MaxSuggestions)
	}
	names := e.names.get(e) // built on first use: sorting names costs startup time
	key := gazetteer.Normalize(prefix)
	if key == "" {
		return []Suggestion{}, nil
	}
	out := []Suggestion{}
	seen := map[string]bool{}
	add := func(s Suggestion) {
		k := s.Kind + "|" + s.Value + "|" + s.ID
		if !seen[k] && len(out) < limit {
			seen[k] = true
			out = append(out, s)
		}
	}
	// The vocabulary first: it is short and what people search by.
	for _, list := range []struct {
		kind  string
		terms []ingest.Term
	}{{"type", ingest.Types}, {"service", ingest.Services}} {
		for _, t := range list.terms {
			for _, label := range append([]string{t.FR, t.EN}, t.Synonyms...) {
				if strings.HasPrefix(gazetteer.Normalize(label), key) {
					add(Suggestion{Kind: list.kind, Label: t.FR, Value: t.FR, ID: t.ID})
					break
				}
			}
		}
	}
	// Then communes, départements and régions, and place names, half and
	// half, the rest of the list going to whichever has more.
	geo := e.g.Prefix(prefix, limit)
	var places []Suggestion
	i := sort.Search(len(names), func(i int) bool { return names[i].key >= key })
	for ; i < len(names) && strings.HasPrefix(names[i].key, key) && len(places) < limit; i++ {
		p := &e.cat.Places[names[i].o]
		s := Suggestion{Kind: "place", Label: fmt.Sprintf("%s (%s)", p.Name, p.Commune), Value: p.Name, ID: p.ID}
		if len(places) == 0 || places[len(places)-1].ID != p.ID {
			places = append(places, s)
		}
	}
	room := limit - len(out)
	nGeo := min(len(geo), max(room/2, room-len(places)))
	for _, m := range geo[:nGeo] {
		switch {
		case m.Commune != nil:
			add(Suggestion{Kind: "commune", Label: fmt.Sprintf("%s (%s)", m.Commune.Name, m.Commune.Dept), Value: m.Commune.Name, ID: m.Commune.INSEE})
		default:
			add(Suggestion{Kind: string(m.Kind), Label: m.Area.Name, Value: m.Area.Name, ID: m.Area.Code})
		}
	}
	for _, s := range places {
		add(s)
	}
	return out, nil
}

// isPlaceName reports whether folded words begin a catalog place's name
// (its start, not a later word: "coworking Toulouse" is not a search for
// "Synthétique Coworking 12 de Toulouse").
func (e *Engine) isPlaceName(folded string) bool {
	names := e.names.fullNames(e)
	for i := sort.Search(len(names), func(i int) bool { return names[i].key >= folded }); i < len(names) && strings.HasPrefix(names[i].key, folded); i++ {
		if k := names[i].key; len(k) == len(folded) || k[len(folded)] == ' ' {
			return true
		}
	}
	return false
}
