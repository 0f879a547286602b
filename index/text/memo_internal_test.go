package text

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/tierslieux/tierslieux/index/memo"
)

// wordTermsFresh is WordTerms analysing every word afresh: what the memo
// must not change.
func wordTermsFresh(ix *Index, s string) []WordTerm { return wordTermsBy(s, ix.Terms) }

// TestWordTermsMemo: the terms of words kept from earlier queries are
// those of a fresh analysis, whatever the callers do with what they got,
// also once the memo has started afresh.
func TestWordTermsMemo(t *testing.T) {
	ix, err := NewMemOnly()
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	long := strings.Repeat("é", memo.MaxKey)
	texts := []string{"Coworking à Millau", "l'atelier d'impression 3D", "ÉCOLE école Ecole ecoles", "", "  ,; ",
		"il y a des fablabs et des FabLabs", "médiathèque Médiathèque mediatheque", long + " court", "Coworking à Millau",
		"東京都 tiers-lieu 東京都"}
	if ts := ix.Terms("東京都"); len(ts) < 2 {
		t.Fatalf("東京都 gives %v: the test wants a word of several terms", ts)
	}
	for round := range 3 {
		for _, s := range texts {
			got := ix.WordTerms(s)
			if want := wordTermsFresh(ix, s); !slices.Equal(got, want) {
				t.Fatalf("round %d, %q: %v, want %v", round, s, got, want)
			}
			for i := range got {
				got[i].Term = "changed" // the caller's copy, not the memo's
			}
		}
	}
	if n := ix.words.Len(); n == 0 || n > 30 {
		t.Errorf("%d words kept from %d texts", n, len(texts))
	}
	for i := range maxMemoWords + 100 {
		ix.WordTerms(fmt.Sprintf("mot%d", i))
		if n := ix.words.Len(); n > maxMemoWords {
			t.Fatalf("%d words kept, over %d", n, maxMemoWords)
		}
	}
	if got, want := ix.WordTerms("Coworking à Millau"), wordTermsFresh(ix, "Coworking à Millau"); !slices.Equal(got, want) {
		t.Errorf("after the memo started afresh: %v, want %v", got, want)
	}
}

// TestKeptTerms: kept terms are the analysis's own, for words and
// phrases, asked once or again.
func TestKeptTerms(t *testing.T) {
	ix, err := NewMemOnly()
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	texts := []string{"montpelier", "Montpellier", "Saint-Affrique", "Coworking à Millau", "", "東京都", strings.Repeat("é", memo.MaxKey)}
	for round := range 2 {
		for _, s := range texts {
			if got, want := ix.KeptTerms(s), ix.Terms(s); !slices.Equal(got, want) {
				t.Fatalf("round %d, %q: kept %v, analysed %v", round, s, got, want)
			}
		}
	}
}
