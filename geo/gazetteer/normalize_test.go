package gazetteer_test

import (
	"fmt"
	"io"
	"strings"
	"testing"
	"unicode"

	"github.com/tierslieux/tierslieux/data"
	"github.com/tierslieux/tierslieux/geo/gazetteer"
)

func TestNormalize(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Rodez", "rodez"},
		{"BÉZIERS", "beziers"},
		{"L'Isle-Jourdain", "isle jourdain"},
		{"l’isle  jourdain", "isle jourdain"},
		{"St-Affrique", "saint affrique"},
		{"Ste. Enimie", "sainte enimie"},
		{"Les Angles", "angles"},
		{"Le Vigan", "vigan"},
		{"La", "la"},
		{"Œuilly", "oeuilly"},
		{"  --Rodez (12)  ", "rodez 12"},
		{"Saint-Cyprien-sur-Dourdou", "saint cyprien sur dourdou"},
		{"", ""},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			if got := gazetteer.Normalize(tc.in); got != tc.want {
				t.Errorf("Normalize(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

// FuzzNormalize: never panics; the result is stable under a second pass,
// holds only lower-case letters, digits and single inner spaces; and a
// lookup of any input does not panic.
func FuzzNormalize(f *testing.F) {
	for _, s := range []string{"Rodez", "L'Isle-Jourdain", "St Affrique", "Les Les Angles", "Ⅻ", "İstanbul", "a\u0301", "Rodez (12)", "12000 Rodez", "x,y,z", "(", ")", "2A004", "ⅅ", "…ϔ"} {
		f.Add(s)
	}
	g := MustDefault(f)
	f.Fuzz(func(t *testing.T, s string) {
		n := gazetteer.Normalize(s)
		if again := gazetteer.Normalize(n); again != n {
			t.Fatalf("Normalize not idempotent: %q -> %q -> %q", s, n, again)
		}
		if n != strings.TrimSpace(n) || strings.Contains(n, "  ") {
			t.Fatalf("Normalize(%q) = %q: stray spaces", s, n)
		}
		for _, r := range n {
			if r != ' ' && !unicode.IsLetter(r) && !unicode.IsDigit(r) {
				t.Fatalf("Normalize(%q) = %q: keeps %q", s, n, r)
			}
			if unicode.IsUpper(r) {
				t.Fatalf("Normalize(%q) = %q: upper case %q", s, n, r)
			}
		}
		g.Lookup(s, 3)
		g.Prefix(s, 3)
	})
}

// MustLoadEmbedded loads a fresh copy of the embedded gazetteer.
func MustLoadEmbedded(tb testing.TB) *gazetteer.Gazetteer {
	tb.Helper()
	f, err := data.FS.Open(data.Gazetteer)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	g, err := gazetteer.Load(io.Reader(f))
	if err != nil {
		tb.Fatal(err)
	}
	return g
}

func ExampleGazetteer_Lookup() {
	g, err := gazetteer.LoadFS(data.FS, data.Gazetteer)
	if err != nil {
		panic(err)
	}
	for _, q := range []string{"rodez", "Saint-Affrique, Aveyron", "l isle jourdain (32)", "Valleraugue"} {
		m := g.Lookup(q, 1)[0]
		c := m.Commune
		fmt.Printf("%-24s -> %s %s (%s) %.4f,%.4f %s\n", q, c.INSEE, c.Name, c.Dept, c.Lat, c.Lon, c.Source)
	}
	// Output:
	// rodez                    -> 12202 Rodez (12) 44.3526,2.5734 geonames
	// Saint-Affrique, Aveyron  -> 12208 Saint-Affrique (12) 43.9558,2.8891 geonames
	// l isle jourdain (32)     -> 32160 L'Isle-Jourdain (32) 43.6122,1.0866 geonames
	// Valleraugue              -> 30339 Val-d'Aigoual (30) 44.0813,3.6420 delegated
}
