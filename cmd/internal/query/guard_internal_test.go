package query

import (
	"math/rand/v2"
	"regexp"
	"strings"
	"testing"
)

// TestGuardsNeverHide: the cheap checks that skip the regular
// expressions never skip a text one of them matches, over random texts
// made of the words they look for, in any case, with digits, accents
// and the Unicode letters (?i) folds to ASCII; and they do skip texts
// without a time.
func TestGuardsNeverHide(t *testing.T) {
	guards := []struct {
		re    *regexp.Regexp
		guard func(string) bool
	}{
		{openRE, func(s string) bool { return mayHold(s, openWords) }},
		{dayRE, func(s string) bool { return mayHold(s, dayWords) }},
		{clock12RE, hasDigit},
		{coordRE, hasDigit},
		{distanceRE, hasDigit},
		{minutesRE, hasDigit},
	}
	pieces := []string{"ouvert", "ouverte", "OPEN", "opened", "Lundi", "mardi", "MERCREDI", "jeudi", "vendredi", "samedi",
		"dimanche", "Monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "SUNDAY", "week-end", "weekend",
		"weeK-end", "wee\u212Aend", "demain", "tomorrow", "tonight", "le", "ce", "this", "every", "fablab", "café", "près", "de", "à",
		"9", "10:30", "6pm", "9 AM", "43.6,1.44", "30 km", "20 minutes", "5mi", "ſamedi", " ", " ", ",", ";", "(", ")", ".", "!"}
	rng := rand.New(rand.NewPCG(1, 2))
	matched := 0
	for range 200_000 {
		var b strings.Builder
		for range 1 + rng.IntN(6) {
			b.WriteString(pieces[rng.IntN(len(pieces))])
			if rng.IntN(2) == 0 {
				b.WriteByte(' ')
			}
		}
		s := b.String()
		for i, g := range guards {
			if g.re.MatchString(s) {
				matched++
				if !g.guard(s) {
					t.Fatalf("guard %d skips %q, which %v matches", i, s, g.re)
				}
			}
		}
	}
	if matched < 10_000 {
		t.Fatalf("only %d matches tried", matched)
	}
	for _, s := range []string{"fablab coworking", "atelier de fabrication", "espace numerique"} {
		if mayHold(s, openWords) || hasDigit(s) {
			t.Errorf("%q: a guard does not skip a text without a time", s)
		}
	}
}
