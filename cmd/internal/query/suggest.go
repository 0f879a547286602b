package query

import (
	"fmt"
	"strings"

	"github.com/tierslieux/tierslieux/geo/gazetteer"
	"github.com/tierslieux/tierslieux/index"
	"github.com/tierslieux/tierslieux/ingest"
)

// MaxQueryLen bounds free text, in bytes.
const MaxQueryLen = 300

// Suggestion is one completion for a search box.
type Suggestion struct {
	Kind  string `json:"kind"`  // commune, departement, region, place, type, service
	Label string `json:"label"` // what to show
	Value string `json:"value"` // what to put in the search box
	ID    string `json:"id,omitempty"`
}

// MaxSuggestions bounds a suggestion list.
const MaxSuggestions = 20

// Suggest completes what a user is typing: types and services of the
// vocabulary, communes, départements and régions, and place names, by
// prefix, accent- and case-insensitively.
func (l *Language) Suggest(prefix string, limit int) ([]Suggestion, error) {
	return l.SuggestWithin(prefix, limit, nil)
}

// SuggestWithin is Suggest with place names limited to the places keep
// accepts (a partner's territory); nil keeps them all.
func (l *Language) SuggestWithin(prefix string, limit int, keep func(*ingest.Place) bool) ([]Suggestion, error) {
	if len(prefix) > MaxQueryLen {
		return nil, index.Errorf(index.CodeTooLong, "q", "is %d bytes long; the limit is %d", len(prefix), MaxQueryLen)
	}
	if limit <= 0 || limit > MaxSuggestions {
		return nil, index.Errorf(index.CodeOutOfRange, "limit", "%d is outside [1, %d]", limit, MaxSuggestions)
	}
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
	areas := l.Gazetteer.Prefix(prefix, limit)
	var places []*ingest.Place
	if l.Names != nil {
		places = l.Names.PlacesByPrefix(key, limit, keep)
	}
	room := limit - len(out)
	nAreas := min(len(areas), max(room/2, room-len(places)))
	for _, m := range areas[:nAreas] {
		kind := string(m.Kind)
		if m.Commune != nil {
			kind = "commune" // délégués and arrondissements too
		}
		add(Suggestion{Kind: kind, Label: m.Label(), Value: m.Name(), ID: m.Code()})
	}
	for _, p := range places {
		add(Suggestion{Kind: "place", Label: fmt.Sprintf("%s (%s)", p.Name, p.Commune), Value: p.Name, ID: p.ID})
	}
	return out, nil
}

// Geocode resolves a place name through the gazetteer, with suggestions
// when nothing matches.
func (l *Language) Geocode(q string, limit int) (matches, suggestions []gazetteer.Match, err error) {
	if len(q) > MaxQueryLen {
		return nil, nil, index.Errorf(index.CodeTooLong, "q", "is %d bytes long; the limit is %d", len(q), MaxQueryLen)
	}
	if len(gazetteer.Normalize(q)) == 0 {
		return nil, nil, index.Errorf(index.CodeInvalid, "q", "is empty: give a commune, département or région name, an INSEE code or a postcode")
	}
	matches = l.Gazetteer.Lookup(q, limit)
	if len(matches) == 0 {
		suggestions = l.Gazetteer.Suggest(q, 5)
	}
	return matches, suggestions, nil
}
