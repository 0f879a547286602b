package query_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/tierslieux/tierslieux/cmd/internal/query"
	"github.com/tierslieux/tierslieux/index"
	"github.com/tierslieux/tierslieux/index/indextest"
	"github.com/tierslieux/tierslieux/ingest"
)

// vocabularyForms are every way the vocabulary writes a term: its ID,
// labels and synonyms.
func vocabularyForms(t ingest.Term) []string {
	return append([]string{t.ID, t.FR, t.EN}, t.Synonyms...)
}

// TestVocabularyRoundTrip holds the invariant that ingest and the query
// parser read the vocabulary the same way: for every label and synonym of
// every type and service, a place whose export says it — alone, or inside
// a longer phrase ("accompagnement aux démarches en ligne") — is found by
// a query with it, and by a query with each of the term's other forms.
func TestVocabularyRoundTrip(t *testing.T) {
	g := indextest.Gazetteer(t)
	var csv strings.Builder
	csv.WriteString("id;nom;type;services;commune\n")
	type placed struct{ id, term, form string }
	var places []placed
	n := 0
	add := func(term ingest.Term, service bool, value string) {
		n++
		id := fmt.Sprintf("v-%04d", n)
		typ, svc := value, ""
		if service {
			typ, svc = "coworking", value
		}
		fmt.Fprintf(&csv, "%s;Lieu %d;%s;%s;Rodez\n", id, n, typ, svc)
		places = append(places, placed{id, term.ID, value})
	}
	for _, list := range []struct {
		terms   []ingest.Term
		service bool
	}{{ingest.Types, false}, {ingest.Services, true}} {
		for _, term := range list.terms {
			for _, form := range vocabularyForms(term) {
				add(term, list.service, form)
				add(term, list.service, "accompagnement aux "+form)
			}
		}
	}
	// The lists free text is read against (fees, publics…), written in a
	// services cell as exports do.
	for _, l := range ingest.TextLists {
		for _, term := range l.Terms {
			for _, form := range vocabularyForms(term) {
				add(term, true, form)
			}
		}
	}
	cat, err := index.Load(context.Background(), fstest.MapFS{"v.csv": {Data: []byte(csv.String())}}, []string{"v.csv"}, g)
	if err != nil {
		t.Fatal(err)
	}
	defer cat.Close()
	h := newHarness(t, cat)
	found := map[string]map[string]bool{} // query form → IDs found
	all := [][]ingest.Term{ingest.Types, ingest.Services}
	for _, l := range ingest.TextLists {
		all = append(all, l.Terms)
	}
	for _, list := range all {
		for _, term := range list {
			for _, form := range vocabularyForms(term) {
				if _, ok := found[form]; ok {
					continue
				}
				q, err := h.Build(query.Params{Q: form})
				if err != nil {
					t.Errorf("query %q: %v", form, err)
					continue
				}
				if !slices.Contains(q.Types, term.ID) && !slices.Contains(q.Services, term.ID) && !inLists(q.Lists, term.ID) {
					t.Errorf("query %q reads as %s, not %s", form, q.String(), term.ID)
				}
				hits, _ := indextest.SearchAll(t, h, q)
				found[form] = map[string]bool{}
				for _, hit := range hits {
					found[form][hit.Place.ID] = true
				}
			}
		}
	}
	byTerm := map[string][]string{}
	for _, list := range [][]ingest.Term{ingest.Types, ingest.Services} {
		for _, term := range list {
			byTerm[term.ID] = vocabularyForms(term)
		}
	}
	for _, l := range ingest.TextLists {
		for _, term := range l.Terms {
			byTerm[term.ID] = vocabularyForms(term)
		}
	}
	for _, p := range places {
		for _, form := range byTerm[p.term] {
			if !found[form][p.id] {
				t.Errorf("a place ingested with %q (%s) is not found by the query %q", p.form, p.term, form)
			}
		}
	}
}

func inLists(lists map[string][]string, id string) bool {
	for _, ids := range lists {
		if slices.Contains(ids, id) {
			return true
		}
	}
	return false
}
