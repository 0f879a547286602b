package query

import (
	"github.com/tierslieux/tierslieux/ingest"
)

// Vocabulary is what a page or widget needs to read and show queries: the
// types and services with their labels in both languages, the folded keys
// that name each (to tell whether typed text names a type), and the names
// of départements and régions by code.
type Vocabulary struct {
	Types    []VocabularyTerm `json:"types"`
	Services []VocabularyTerm `json:"services"`
	// Lists are the controlled lists (publics, fees, accessibility…), by
	// name: API parameters and facets of the same names.
	Lists        map[string][]VocabularyTerm `json:"lists"`
	Departements map[string]string           `json:"departements"`
	Regions      map[string]string           `json:"regions"`
}

// VocabularyTerm is one type or service.
type VocabularyTerm struct {
	ID string `json:"id"`
	FR string `json:"fr"`
	EN string `json:"en"`
	// Keys are the label and synonyms folded by ingest.TermKey: text names
	// the term when its folded words hold one of them.
	Keys []string `json:"keys"`
}

// Vocabulary returns the vocabulary of package ingest and the gazetteer's
// area names: the one source the page and the widget read.
func (l *Language) Vocabulary() Vocabulary {
	v := Vocabulary{Types: vocabularyTerms(ingest.Types), Services: vocabularyTerms(ingest.Services),
		Lists: map[string][]VocabularyTerm{}, Departements: map[string]string{}, Regions: map[string]string{}}
	for _, list := range ingest.Lists {
		terms := make([]VocabularyTerm, len(list.Terms))
		for i, t := range list.Terms {
			terms[i] = VocabularyTerm{ID: t.ID, FR: t.FR, EN: t.EN, Keys: list.Keys(t.ID)}
		}
		v.Lists[list.Name] = terms
	}
	for _, d := range l.Gazetteer.Departements() {
		v.Departements[d.Code] = d.Name
	}
	for _, r := range l.Gazetteer.Regions() {
		v.Regions[r.Code] = r.Name
	}
	return v
}

func vocabularyTerms(terms []ingest.Term) []VocabularyTerm {
	out := make([]VocabularyTerm, len(terms))
	for i, t := range terms {
		out[i] = VocabularyTerm{ID: t.ID, FR: t.FR, EN: t.EN, Keys: ingest.TermKeys(t.ID)}
	}
	return out
}
