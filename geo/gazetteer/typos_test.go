package gazetteer_test

import (
	"math/rand/v2"
	"slices"
	"testing"
	"unicode/utf8"

	"github.com/tierslieux/tierslieux/geo/gazetteer"
)

func TestTyposNear(t *testing.T) {
	typos := gazetteer.NewTypos([]string{"coworking", "montpellier", "laser", "rodez", "rodes", "albi", "saint affrique"})
	for _, tc := range []struct {
		word string
		want []string
	}{
		{"cowroking", []string{"coworking"}},          // neighbours swapped
		{"coworkng", []string{"coworking"}},           // a letter missing
		{"coworkiing", []string{"coworking"}},         // a letter more
		{"cowerking", []string{"coworking"}},          // a letter replaced
		{"montpelier", []string{"montpellier"}},       // a double letter single
		{"rodex", []string{"rodez", "rodes"}},         // two names one edit away
		{"lazer", []string{"laser"}},                  //
		{"saint afrique", []string{"saint affrique"}}, // spaces count as letters
		{"coworking", nil},                            // itself is no typo
		{"cwroking", nil},                             // two edits
		{"albii", nil},                                // keys under MinTypoLen are not indexed
		{"albi", nil},                                 // nor words
		{"", nil},
	} {
		t.Run(tc.word, func(t *testing.T) {
			got := typos.Near(tc.word)
			slices.Sort(got)
			want := slices.Clone(tc.want)
			slices.Sort(want)
			if !slices.Equal(got, want) {
				t.Errorf("Near(%q) = %q, want %q", tc.word, got, want)
			}
		})
	}
}

func TestFuzzy(t *testing.T) {
	g := MustDefault(t)
	for _, tc := range []struct {
		q         string
		first     string // label of the best match, "" for none
		ambiguous bool   // several different names
	}{
		{"montpelier", "Montpellier (34)", false},
		{"Carcasonne", "Carcassonne (11)", false},
		{"Toulousse", "Toulouse (31)", false},
		{"Aveyorn", "Aveyron", false},
		{"Occitania", "Occitanie", false},
		{"Rodex", "Rodez (12)", true}, // Rodès (66) too
		{"xyzzyplugh", "", false},
		// A small commune far from Occitanie is no typo target.
		{"Usinen", "", false},
	} {
		t.Run(tc.q, func(t *testing.T) {
			ms := g.Fuzzy(tc.q)
			if tc.first == "" {
				if len(ms) > 0 {
					t.Errorf("Fuzzy(%q) = %q, want none", tc.q, gazetteer.Labels(ms))
				}
				return
			}
			if len(ms) == 0 || ms[0].Label() != tc.first {
				t.Fatalf("Fuzzy(%q) = %q, want %s first", tc.q, gazetteer.Labels(ms), tc.first)
			}
			names := map[string]bool{}
			for _, m := range ms {
				names[gazetteer.Normalize(m.Name())] = true
			}
			if (len(names) > 1) != tc.ambiguous {
				t.Errorf("Fuzzy(%q) = %q: ambiguous %v, want %v", tc.q, gazetteer.Labels(ms), len(names) > 1, tc.ambiguous)
			}
		})
	}
}

func TestHomonyms(t *testing.T) {
	g := MustDefault(t)
	c, ok := g.Commune("12301") // Villeneuve (Aveyron)
	if !ok {
		t.Fatal("no 12301")
	}
	hs := g.Homonyms(c)
	var depts []string
	for _, h := range hs {
		if h.Commune.INSEE == c.INSEE {
			t.Error("a commune is not its own homonym")
		}
		depts = append(depts, h.Commune.Dept)
	}
	if !slices.Contains(depts, "09") || len(hs) < 3 {
		t.Errorf("homonyms of Villeneuve (12) in %q, want Ariège's among several", depts)
	}
	rodez, _ := g.Commune("12202")
	if hs := g.Homonyms(rodez); len(hs) != 0 {
		t.Errorf("Rodez has homonyms %q", gazetteer.Labels(hs))
	}
}

func TestFold(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"Œuvre", "oeuvre"}, {"Ærø", "aero"}, {"Straße", "strasse"}, {"ⅅ", "d"}, {"ﬁne", "fine"},
		{"L'Isle-Jourdain", "l isle jourdain"}, {"  --Rodez (12)  ", "rodez 12"}, {"É", "e"},
	} {
		if got := gazetteer.Fold(tc.in); got != tc.want {
			t.Errorf("Fold(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// TestTyposNearAllocs: a word with no key near it, as most free words of
// a query are, costs no allocation.
func TestTyposNearAllocs(t *testing.T) {
	typos := gazetteer.NewTypos([]string{"coworking", "montpellier", "laser", "rodez"})
	if n := testing.AllocsPerRun(100, func() { typos.Near("médiathèque") }); n != 0 {
		t.Errorf("Near of a word with no key near: %v allocations, want 0", n)
	}
	if got := typos.Near("cowroking"); !slices.Equal(got, []string{"coworking"}) {
		t.Errorf("Near(cowroking) = %q", got)
	}
}

// TestTyposNearAgrees: Near finds what looking up every deletion as a
// string of its own finds, in the same order, for words with accents,
// doubled letters and spaces.
func TestTyposNearAgrees(t *testing.T) {
	keys := []string{"montpellier", "médiathèque", "béziers", "saint affrique", "coworking", "fablab", "atelier", "ateliers", "mediatheque", "millau", "millas", "rodez", "rodes"}
	typos := gazetteer.NewTypos(keys)
	del := map[string][]int{}
	for i, k := range keys {
		if utf8.RuneCountInString(k) < gazetteer.MinTypoLen {
			continue
		}
		for _, d := range stringDeletions(k) {
			if ids := del[d]; len(ids) == 0 || ids[len(ids)-1] != i {
				del[d] = append(ids, i)
			}
		}
	}
	r := rand.New(rand.NewPCG(2, 7))
	letters := []rune("aeéèiouyàçbdlmnrst ")
	for range 20_000 {
		w := []rune(keys[r.IntN(len(keys))])
		for range 1 + r.IntN(2) {
			i := r.IntN(len(w))
			switch r.IntN(3) {
			case 0:
				w[i] = letters[r.IntN(len(letters))]
			case 1:
				w = append(w[:i], w[i+1:]...)
			default:
				w = slices.Insert(w, i, letters[r.IntN(len(letters))])
			}
		}
		word := string(w)
		var want []string
		if utf8.RuneCountInString(word) >= gazetteer.MinTypoLen {
			seen := map[int]bool{}
			for _, d := range stringDeletions(word) {
				for _, i := range del[d] {
					if !seen[i] {
						seen[i] = true
						if keys[i] != word && oneEditRunes([]rune(word), []rune(keys[i])) {
							want = append(want, keys[i])
						}
					}
				}
			}
		}
		if got := typos.Near(word); !slices.Equal(got, want) {
			t.Fatalf("Near(%q) = %q, want %q", word, got, want)
		}
	}
}

func stringDeletions(s string) []string {
	out := []string{s}
	for i, r := range s {
		out = append(out, s[:i]+s[i+utf8.RuneLen(r):])
	}
	return out
}

// oneEditRunes is optimal string alignment distance 1, by the table.
func oneEditRunes(a, b []rune) bool {
	d := make([][]int, len(a)+1)
	for i := range d {
		d[i] = make([]int, len(b)+1)
		d[i][0] = i
	}
	for j := range d[0] {
		d[0][j] = j
	}
	for i := 1; i <= len(a); i++ {
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[len(a)][len(b)] == 1
}
