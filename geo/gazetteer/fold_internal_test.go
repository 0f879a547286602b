package gazetteer

import (
	"math/rand/v2"
	"strings"
	"testing"
)

// TestFoldFastAgrees checks the fast fold against the full one: each
// rune it knows, alone and between letters, and random strings of them.
func TestFoldFastAgrees(t *testing.T) {
	var known []rune
	for r := rune(0); r < foldTableEnd; r++ {
		s := string(r)
		if got, ok := foldFast(s); ok {
			known = append(known, r)
			if want := foldSlow(s); got != want {
				t.Errorf("foldFast(%q) = %q, foldSlow %q", s, got, want)
			}
		}
	}
	if len(known) < 400 {
		t.Fatalf("foldFast knows only %d runes", len(known))
	}
	for _, s := range []string{"L’Atelier d’Été", "Œuvre « Ærø »", "Straße 12", "  --Rodez (12)  ", "Saint-Étienne-de-Tulmont", "Ça ½ va"} {
		if got, want := Fold(s), foldSlow(s); got != want {
			t.Errorf("Fold(%q) = %q, foldSlow %q", s, got, want)
		}
	}
	rng := rand.New(rand.NewPCG(3, 4))
	for range 20000 {
		var b strings.Builder
		for range rng.IntN(12) {
			b.WriteRune(known[rng.IntN(len(known))])
		}
		s := b.String()
		got, ok := foldFast(s)
		if !ok {
			t.Fatalf("foldFast(%q) refused runes it knows", s)
		}
		if want := foldSlow(s); got != want {
			t.Fatalf("foldFast(%q) = %q, foldSlow %q", s, got, want)
		}
	}
}

// FuzzFoldFast: whatever the fast fold takes, it folds as the full one;
// Normalize gives what it gave before folded strings went through as
// they are.
func FuzzFoldFast(f *testing.F) {
	for _, s := range []string{"Rodez", "L’Isle-Jourdain", "Ⅻ", "a\u0301", "ﬁ", "¼", "Œ", "\xff", "İ"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, ok := foldFast(s); ok {
			if want := foldSlow(s); got != want {
				t.Fatalf("foldFast(%q) = %q, foldSlow %q", s, got, want)
			}
		}
		if got, want := Normalize(s), normalizeAsItWas(s); got != want {
			t.Fatalf("Normalize(%q) = %q, before %q", s, got, want)
		}
	})
}

// TestFoldedAsItWas: a string Folded takes is what Fold made of it by
// the book, and Normalize gives what it gave before it let folded
// strings through as they are: on random strings of plain words, spaces
// (doubled, leading, trailing), capitals, accents, saints and articles.
func TestFoldedAsItWas(t *testing.T) {
	parts := []string{"a", "b", "z", "0", "9", "rodez", "millau", "12", "st", "ste", "le", "la", "les", "l", "saint", " ", " ", " ", "  ", "R", "É", "é", "'", "-", "œ", "\t"}
	rng := rand.New(rand.NewPCG(5, 7))
	folded := 0
	for range 50_000 {
		var b strings.Builder
		for range rng.IntN(7) {
			b.WriteString(parts[rng.IntN(len(parts))])
		}
		s := b.String()
		if Folded(s) {
			folded++
			if got := foldSlow(s); got != s {
				t.Fatalf("Folded(%q), yet folding gives %q", s, got)
			}
		}
		if got, want := Fold(s), foldSlow(s); got != want {
			t.Fatalf("Fold(%q) = %q, foldSlow %q", s, got, want)
		}
		if got, want := Normalize(s), normalizeAsItWas(s); got != want {
			t.Fatalf("Normalize(%q) = %q, before %q", s, got, want)
		}
	}
	if folded < 5_000 {
		t.Fatalf("only %d strings were Folded: the test says little", folded)
	}
}

// normalizeAsItWas is Normalize without its way through for folded
// strings.
func normalizeAsItWas(s string) string {
	words := strings.Fields(foldSlow(s))
	for i, w := range words {
		switch w {
		case "st":
			words[i] = "saint"
		case "ste":
			words[i] = "sainte"
		}
	}
	for len(words) > 1 && IsArticle(words[0]) {
		words = words[1:]
	}
	return strings.Join(words, " ")
}
