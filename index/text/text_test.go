package text_test

import (
	"context"
	"errors"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/tierslieux/tierslieux/index/text"
)

// MustIndex returns an in-memory index holding docs, closed with the test.
func MustIndex(tb testing.TB, docs ...text.Doc) *text.Index {
	tb.Helper()
	ix, err := text.NewMemOnly()
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { ix.Close() })
	if len(docs) > 0 {
		if err := ix.Add(docs); err != nil {
			tb.Fatal(err)
		}
	}
	return ix
}

// MustSearch runs a search that must succeed and returns the hits' IDs in
// order with the total.
func MustSearch(tb testing.TB, ix *text.Index, text string, only []string, limit int) (ids []string, total int) {
	tb.Helper()
	hits, total, err := ix.Search(context.Background(), text, only, limit)
	if err != nil {
		tb.Fatalf("Search(%q, %v, %d): %v", text, only, limit, err)
	}
	return hitIDs(hits), total
}

// MustCount returns the number of documents in ix.
func MustCount(tb testing.TB, ix *text.Index) uint64 {
	tb.Helper()
	n, err := ix.Count()
	if err != nil {
		tb.Fatal(err)
	}
	return n
}

func hitIDs(hits []text.Hit) []string {
	ids := make([]string, len(hits))
	for i, h := range hits {
		ids[i] = h.ID
	}
	return ids
}

// sorted returns a sorted copy of ids, for comparing sets.
func sorted(ids []string) []string {
	out := slices.Clone(ids)
	slices.Sort(out)
	return out
}

// frenchDocs is a small catalogue with the accents, elisions and plurals
// French place names and descriptions are full of.
var frenchDocs = []text.Doc{
	{ID: "beziers", Name: "Fablab de Béziers", Description: "Atelier de fabrication ouvert à tous.",
		Keywords: "Fablab | Fab lab", Place: "Béziers | Hérault | Occitanie"},
	{ID: "causse", Name: "L'Atelier du Causse", Description: "Coworking rural sur le plateau.",
		Keywords: "Coworking | Coworking space", Place: "Millau | Aveyron | Occitanie"},
	{ID: "imprimantes", Name: "Le Repaire", Description: "Deux imprimantes en libre accès, une découpeuse.",
		Keywords: "Fablab", Place: "Rodez | Aveyron | Occitanie"},
	{ID: "imprimante", Name: "La Grange", Description: "Une imprimante pour les habitants.",
		Keywords: "Médiation numérique", Place: "Albi | Tarn | Occitanie"},
	{ID: "apostrophe", Name: "L’Établi", Description: "Menuiserie partagée et électronique.",
		Keywords: "Fablab", Place: "Castres | Tarn | Occitanie"},
}

func TestTermsEquivalences(t *testing.T) {
	ix := MustIndex(t)
	tests := []struct {
		name string
		a, b string
	}{
		{"accent", "Béziers", "beziers"},
		{"upper case", "BEZIERS", "beziers"},
		{"upper case with accent", "BÉZIERS", "Béziers"},
		{"elision", "l'atelier", "atelier"},
		{"elision with typographic apostrophe", "l’atelier", "atelier"},
		{"elision of de", "d'Aigoual", "Aigoual"},
		{"plural s", "imprimantes", "imprimante"},
		{"plural x", "bureaux", "bureau"},
		{"plural with accent", "Médiathèques", "médiathèque"},
		{"stop words dropped", "l'atelier du causse", "atelier causse"},
		{"repeats dropped", "atelier ateliers l'atelier", "atelier"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			a, b := ix.Terms(tc.a), ix.Terms(tc.b)
			if len(a) == 0 {
				t.Fatalf("Terms(%q) is empty", tc.a)
			}
			if !slices.Equal(a, b) {
				t.Errorf("Terms(%q) = %q, Terms(%q) = %q; want the same", tc.a, a, tc.b, b)
			}
		})
	}
}

func TestTermsKeepOrder(t *testing.T) {
	ix := MustIndex(t)
	got := ix.Terms("Fablab Béziers coworking")
	want := slices.Concat(ix.Terms("fablab"), ix.Terms("beziers"), ix.Terms("coworking"))
	if len(want) != 3 || !slices.Equal(got, want) {
		t.Errorf("Terms = %q, want %q (three terms, in order)", got, want)
	}
}

func TestSearchFolding(t *testing.T) {
	ix := MustIndex(t, frenchDocs...)
	tests := []struct {
		name  string
		query string
		want  []string // sorted
	}{
		{"accented", "Béziers", []string{"beziers"}},
		{"plain", "beziers", []string{"beziers"}},
		{"upper case", "BEZIERS", []string{"beziers"}},
		{"mixed case", "bÉzIeRs", []string{"beziers"}},
		{"elided query", "l'atelier", []string{"beziers", "causse"}},
		{"bare word finds elided name", "atelier", []string{"beziers", "causse"}},
		{"elided name and place", "l'atelier millau", []string{"causse"}},
		{"typographic apostrophe in doc", "etabli", []string{"apostrophe"}},
		{"typographic apostrophe in query", "l’établi", []string{"apostrophe"}},
		{"plural query finds singular", "imprimantes", []string{"imprimante", "imprimantes"}},
		{"singular query finds plural", "imprimante", []string{"imprimante", "imprimantes"}},
		{"accent in keywords", "mediation numerique", []string{"imprimante"}},
		{"stop words ignored", "le fablab de la ville de Béziers", nil},
		{"stop words around terms", "le fablab de béziers", []string{"beziers"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, total := MustSearch(t, ix, tc.query, nil, 0)
			if !slices.Equal(sorted(got), tc.want) {
				t.Errorf("Search(%q) = %q, want %q", tc.query, got, tc.want)
			}
			if total != len(tc.want) {
				t.Errorf("Search(%q) total = %d, want %d", tc.query, total, len(tc.want))
			}
		})
	}
}

func TestSearchEveryTermRequired(t *testing.T) {
	ix := MustIndex(t,
		text.Doc{ID: "a", Name: "Fablab du Ségala", Description: "Impression 3D et découpe laser.", Place: "Rodez | Aveyron"},
		text.Doc{ID: "b", Name: "Coworking du Piton", Description: "Bureaux partagés.", Place: "Rodez | Aveyron"},
		text.Doc{ID: "c", Name: "Fablab albigeois", Description: "Impression 3D.", Place: "Albi | Tarn"},
		text.Doc{ID: "d", Name: "La Maison", Keywords: "Fablab | Fab lab", Description: "Couture.", Place: "Rodez | Aveyron"},
	)
	tests := []struct {
		name  string
		query string
		want  []string // sorted
	}{
		{"one term", "fablab", []string{"a", "c", "d"}},
		{"name and place", "fablab rodez", []string{"a", "d"}},
		{"keywords and place", "fab rodez", []string{"d"}},
		{"name, description and place", "fablab laser aveyron", []string{"a"}},
		{"description and place", "impression albi", []string{"c"}},
		{"order does not matter", "rodez fablab", []string{"a", "d"}},
		{"one term missing everywhere", "fablab rodez toulouse", nil},
		{"terms in different docs only", "couture laser", nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, total := MustSearch(t, ix, tc.query, nil, 0)
			if !slices.Equal(sorted(got), tc.want) || total != len(tc.want) {
				t.Errorf("Search(%q) = %q, total %d; want %q", tc.query, got, total, tc.want)
			}
		})
	}
}

func TestSearchFieldBoosts(t *testing.T) {
	// The same one-word term in a different field of each doc; every field
	// of every doc is one word long, so only the boosts set the order. IDs
	// are the reverse of the expected order, so ties by ID would fail.
	ix := MustIndex(t,
		text.Doc{ID: "a-description", Name: "Alpha", Keywords: "Bravo", Place: "Charlie", Description: "Brodeuse"},
		text.Doc{ID: "b-place", Name: "Delta", Keywords: "Echo", Place: "Brodeuse", Description: "Foxtrot"},
		text.Doc{ID: "c-keywords", Name: "Golf", Keywords: "Brodeuse", Place: "Hotel", Description: "India"},
		text.Doc{ID: "d-name", Name: "Brodeuse", Keywords: "Juliett", Place: "Kilo", Description: "Lima"},
	)
	hits, total, err := ix.Search(context.Background(), "brodeuses", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"d-name", "c-keywords", "b-place", "a-description"}
	if got := hitIDs(hits); !slices.Equal(got, want) || total != 4 {
		t.Fatalf("Search = %q, total %d; want %q, total 4", got, total, want)
	}
	for i := 1; i < len(hits); i++ {
		if !(hits[i-1].Score > hits[i].Score) {
			t.Errorf("score of %s (%v) is not above %s (%v)", hits[i-1].ID, hits[i-1].Score, hits[i].ID, hits[i].Score)
		}
	}
}

func TestSearchNameAboveDescription(t *testing.T) {
	// Realistic texts: a longer description does not outrank a name.
	ix := MustIndex(t,
		text.Doc{ID: "a", Name: "Le Hangar", Description: "Un atelier partagé avec une brodeuse numérique et une imprimante.", Place: "Albi"},
		text.Doc{ID: "b", Name: "La Brodeuse", Description: "Un atelier partagé avec des machines à coudre et une imprimante.", Place: "Albi"},
	)
	got, _ := MustSearch(t, ix, "brodeuse", nil, 0)
	if want := []string{"b", "a"}; !slices.Equal(got, want) {
		t.Errorf("Search(brodeuse) = %q, want %q: a name match ranks first", got, want)
	}
}

func TestSearchOnly(t *testing.T) {
	var docs []text.Doc
	for _, id := range []string{"p1", "p2", "p3", "p4", "p5"} {
		docs = append(docs, text.Doc{ID: id, Name: "Coworking " + id, Place: "Toulouse"})
	}
	docs = append(docs, text.Doc{ID: "other", Name: "Fablab", Place: "Toulouse"})
	ix := MustIndex(t, docs...)
	tests := []struct {
		name string
		only []string
		want []string
	}{
		{"nil searches everything", nil, []string{"p1", "p2", "p3", "p4", "p5"}},
		{"empty slice matches nothing", []string{}, nil},
		{"subset", []string{"p4", "p2"}, []string{"p2", "p4"}},
		{"one", []string{"p3"}, []string{"p3"}},
		{"unknown IDs", []string{"nope", "zzz"}, nil},
		{"known and unknown", []string{"p5", "nope"}, []string{"p5"}},
		{"ID that does not match the text", []string{"other"}, nil},
		{"repeated ID", []string{"p1", "p1"}, []string{"p1"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			// limit 0: every match, in no set order.
			got, total := MustSearch(t, ix, "coworking toulouse", tc.only, 0)
			slices.Sort(got)
			if !slices.Equal(got, tc.want) || total != len(tc.want) {
				t.Errorf("Search(only %q) = %q, total %d; want %q, total %d", tc.only, got, total, tc.want, len(tc.want))
			}
		})
	}
}

func TestSearchLimit(t *testing.T) {
	var docs []text.Doc
	for _, id := range []string{"e", "c", "a", "d", "b"} {
		docs = append(docs, text.Doc{ID: id, Name: "Fablab", Description: "Atelier partagé."})
	}
	docs = append(docs, text.Doc{ID: "f", Name: "Coworking"})
	ix := MustIndex(t, docs...)
	all := []string{"a", "b", "c", "d", "e"}
	tests := []struct {
		name  string
		limit int
		only  []string
		want  []string
		total int
	}{
		{"zero is all", 0, nil, all, 5},
		{"negative is all", -1, nil, all, 5},
		{"one", 1, nil, all[:1], 5},
		{"two", 2, nil, all[:2], 5},
		{"exactly all", 5, nil, all, 5},
		{"above all", 100, nil, all, 5},
		{"with only", 1, []string{"d", "b", "f"}, []string{"b"}, 2},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, total := MustSearch(t, ix, "fablab", tc.only, tc.limit)
			if tc.limit <= 0 {
				slices.Sort(got) // every match, in no set order
			}
			if !slices.Equal(got, tc.want) || total != tc.total {
				t.Errorf("Search(limit %d) = %q, total %d; want %q, total %d", tc.limit, got, total, tc.want, tc.total)
			}
		})
	}
}

func TestSearchTiesByID(t *testing.T) {
	// Identical texts score the same: the order is by ID, as strings,
	// whatever the order they were added in.
	var docs []text.Doc
	for _, id := range []string{"p3", "p10", "p1", "p2", "p20"} {
		docs = append(docs, text.Doc{ID: id, Name: "Espace numérique", Place: "Cahors | Lot"})
	}
	ix := MustIndex(t, docs...)
	hits, total, err := ix.Search(context.Background(), "espace cahors", nil, 10)
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"p1", "p10", "p2", "p20", "p3"}; !slices.Equal(hitIDs(hits), want) || total != 5 {
		t.Fatalf("Search = %q, total %d; want %q", hitIDs(hits), total, want)
	}
	for _, h := range hits[1:] {
		if h.Score != hits[0].Score {
			t.Errorf("score of %s = %v, of %s = %v; want equal", h.ID, h.Score, hits[0].ID, hits[0].Score)
		}
	}
	// A limit cuts the same order.
	got, _ := MustSearch(t, ix, "espace cahors", nil, 2)
	if want := []string{"p1", "p10"}; !slices.Equal(got, want) {
		t.Errorf("Search(limit 2) = %q, want %q", got, want)
	}
}

func TestSearchNoTerms(t *testing.T) {
	ix := MustIndex(t, frenchDocs...)
	tests := []struct {
		name string
		text string
		only []string
	}{
		{"empty", "", nil},
		{"blank", " \t\n", nil},
		{"stop words", "le la les", nil},
		{"more stop words", "de la du des et à", nil},
		{"punctuation", "!!!", nil},
		{"punctuation mix", "?! … — ; « »", nil},
		{"bare elisions", "l' d' qu'", nil},
		{"with only empty", "le la les", []string{}},
		{"with only", "!!!", []string{"beziers"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if terms := ix.Terms(tc.text); len(terms) != 0 {
				t.Errorf("Terms(%q) = %q, want none", tc.text, terms)
			}
			hits, total, err := ix.Search(context.Background(), tc.text, tc.only, 10)
			if !errors.Is(err, text.ErrNoTerms) {
				t.Errorf("Search(%q) error = %v, want ErrNoTerms", tc.text, err)
			}
			if len(hits) != 0 || total != 0 {
				t.Errorf("Search(%q) = %v, total %d; want nothing", tc.text, hits, total)
			}
		})
	}
}

func TestSearchNoMatchIsNotAnError(t *testing.T) {
	ix := MustIndex(t, frenchDocs...)
	got, total := MustSearch(t, ix, "piscine", nil, 10)
	if len(got) != 0 || total != 0 {
		t.Errorf("Search(piscine) = %q, total %d; want nothing", got, total)
	}
	empty := MustIndex(t)
	for _, limit := range []int{0, 10} {
		got, total := MustSearch(t, empty, "fablab", nil, limit)
		if len(got) != 0 || total != 0 {
			t.Errorf("empty index, limit %d: Search = %q, total %d; want nothing", limit, got, total)
		}
	}
}

func TestCount(t *testing.T) {
	ix := MustIndex(t)
	if n := MustCount(t, ix); n != 0 {
		t.Errorf("empty index: Count = %d, want 0", n)
	}
	if err := ix.Add(frenchDocs); err != nil {
		t.Fatal(err)
	}
	if n := MustCount(t, ix); n != uint64(len(frenchDocs)) {
		t.Errorf("Count = %d, want %d", n, len(frenchDocs))
	}
	// Adding an existing ID replaces the doc, and its old text.
	if err := ix.Add([]text.Doc{{ID: "beziers", Name: "Coworking de Sète", Place: "Sète"}}); err != nil {
		t.Fatal(err)
	}
	if n := MustCount(t, ix); n != uint64(len(frenchDocs)) {
		t.Errorf("after replacing a doc: Count = %d, want %d", n, len(frenchDocs))
	}
	if got, _ := MustSearch(t, ix, "beziers", nil, 0); len(got) != 0 {
		t.Errorf("Search(beziers) after replacement = %q, want nothing", got)
	}
	if got, _ := MustSearch(t, ix, "sete", nil, 0); !slices.Equal(got, []string{"beziers"}) {
		t.Errorf("Search(sete) after replacement = %q, want [beziers]", got)
	}
	// Twice the same ID in one batch: the later one wins.
	err := ix.Add([]text.Doc{{ID: "dup", Name: "Premier"}, {ID: "dup", Name: "Second"}})
	if err != nil {
		t.Fatal(err)
	}
	if n := MustCount(t, ix); n != uint64(len(frenchDocs))+1 {
		t.Errorf("after a batch with a repeated ID: Count = %d, want %d", n, len(frenchDocs)+1)
	}
	if got, _ := MustSearch(t, ix, "premier", nil, 0); len(got) != 0 {
		t.Errorf("Search(premier) = %q, want nothing: the later doc wins", got)
	}
	if got, _ := MustSearch(t, ix, "second", nil, 0); !slices.Equal(got, []string{"dup"}) {
		t.Errorf("Search(second) = %q, want [dup]", got)
	}
}

func TestPersistence(t *testing.T) {
	path := filepath.Join(t.TempDir(), "text")
	ix, err := text.New(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := ix.Add(frenchDocs); err != nil {
		t.Fatal(err)
	}
	if err := ix.Close(); err != nil {
		t.Fatal(err)
	}

	if again, err := text.New(path); err == nil {
		again.Close()
		t.Errorf("New on an existing index succeeded, want an error")
	}

	ro, err := text.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer ro.Close()
	if n := MustCount(t, ro); n != uint64(len(frenchDocs)) {
		t.Errorf("reopened: Count = %d, want %d", n, len(frenchDocs))
	}
	got, total := MustSearch(t, ro, "l'atelier BEZIERS", nil, 0)
	if !slices.Equal(got, []string{"beziers"}) || total != 1 {
		t.Errorf("reopened: Search = %q, total %d; want [beziers]", got, total)
	}
	got, _ = MustSearch(t, ro, "imprimantes", []string{"imprimante"}, 0)
	if !slices.Equal(got, []string{"imprimante"}) {
		t.Errorf("reopened: restricted Search = %q, want [imprimante]", got)
	}

	// Several readers may share the index.
	ro2, err := text.Open(path)
	if err != nil {
		t.Fatalf("second reader: %v", err)
	}
	defer ro2.Close()
	if got, _ := MustSearch(t, ro2, "causse", nil, 0); !slices.Equal(got, []string{"causse"}) {
		t.Errorf("second reader: Search(causse) = %q", got)
	}
}

// The index Open returns is read-only: writes fail with ErrReadOnly and
// change nothing. Bleve's scorch does not check read_only in Batch: it
// applies the batch in memory, then waits forever for a persister a
// read-only index never starts (and Close then hangs too). The writes run
// through MustReturn so that a regression fails this test instead of
// stalling the whole package until its timeout.
func TestOpenIsReadOnly(t *testing.T) {
	path := filepath.Join(t.TempDir(), "text")
	ix, err := text.New(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := ix.Add(frenchDocs); err != nil {
		t.Fatal(err)
	}
	if err := ix.Close(); err != nil {
		t.Fatal(err)
	}
	ro, err := text.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		write func() error
	}{
		{"Add", func() error { return ro.Add([]text.Doc{{ID: "new", Name: "Nouveau lieu"}}) }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := MustReturn(t, tc.name, tc.write)
			if !errors.Is(err, text.ErrReadOnly) {
				t.Errorf("%s on a read-only index = %v, want ErrReadOnly", tc.name, err)
			}
		})
	}
	if n := MustCount(t, ro); n != uint64(len(frenchDocs)) {
		t.Errorf("after refused writes: Count = %d, want %d", n, len(frenchDocs))
	}
	if got, _ := MustSearch(t, ro, "nouveau", nil, 0); len(got) != 0 {
		t.Errorf("Search(nouveau) = %q, want nothing: a refused Add changed the index", got)
	}
	if err := MustReturn(t, "Close", ro.Close); err != nil {
		t.Error(err)
	}
}

// MustReturn runs f and returns its error, failing the test if f has not
// returned after a generous delay. It guards against a deadlock; it does
// not time anything.
func MustReturn(tb testing.TB, what string, f func() error) error {
	tb.Helper()
	done := make(chan error, 1)
	go func() { done <- f() }()
	select {
	case err := <-done:
		return err
	case <-time.After(5 * time.Second):
		tb.Fatalf("%s did not return: it blocks forever", what)
		return nil
	}
}

func TestOpenMissing(t *testing.T) {
	if ix, err := text.Open(filepath.Join(t.TempDir(), "nope")); err == nil {
		ix.Close()
		t.Errorf("Open of a missing path succeeded, want an error")
	}
}

func TestSearchCanceled(t *testing.T) {
	ix := MustIndex(t, frenchDocs...)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	hits, _, err := ix.Search(ctx, "atelier", nil, 0)
	if !errors.Is(err, context.Canceled) {
		t.Errorf("Search with a canceled context = %v, %v; want context.Canceled", hitIDs(hits), err)
	}
}
