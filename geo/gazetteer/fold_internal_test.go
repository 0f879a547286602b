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

// FuzzFoldFast: whatever the fast fold takes, it folds as the full one.
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
	})
}
