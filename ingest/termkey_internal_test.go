package ingest

import (
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/tierslieux/tierslieux/geo/gazetteer"
)

// TestTermKeyAsItWas: TermKey gives what it gave before folded strings
// went through without a copy, on random strings of words (plurals in
// s and ss, short ones), spaces (doubled, leading, trailing), capitals
// and accents.
func TestTermKeyAsItWas(t *testing.T) {
	parts := []string{"fablab", "fablabs", "cafes", "bus", "gps", "acces", "cours", "impression", "3d", "ss", "s", " ", " ", "  ", "Cafés", "É", "-", "x"}
	rng := rand.New(rand.NewPCG(9, 4))
	folded := 0
	for range 50_000 {
		var b strings.Builder
		for range rng.IntN(6) {
			b.WriteString(parts[rng.IntN(len(parts))])
		}
		s := b.String()
		if gazetteer.Folded(s) {
			folded++
		}
		if got, want := TermKey(s), termKeyAsItWas(s); got != want {
			t.Fatalf("TermKey(%q) = %q, before %q", s, got, want)
		}
	}
	if folded < 5_000 {
		t.Fatalf("only %d strings were folded: the test says little", folded)
	}
}

// termKeyAsItWas is TermKey without its way through for folded strings.
func termKeyAsItWas(s string) string {
	words := strings.Fields(gazetteer.Fold(s))
	for i, w := range words {
		if len(w) > 3 && strings.HasSuffix(w, "s") && !strings.HasSuffix(w, "ss") {
			words[i] = w[:len(w)-1]
		}
	}
	return strings.Join(words, " ")
}
