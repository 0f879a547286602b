package query

import (
	"fmt"
	"math"
	"reflect"
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/tierslieux/tierslieux/index/indextest"
)

// TestTypoMemo: a parser that keeps the gazetteer's typo matches reads
// every text as a fresh parser does, whatever it read before: the kept
// matches are never changed by a reading that keeps only some of them.
// The texts are typos (a letter dropped) of commune names, each in lower
// case, where fewer matches are plausible, then capitalised.
func TestTypoMemo(t *testing.T) {
	g := indextest.Gazetteer(t)
	cat := indextest.Demo(t)
	now := func() time.Time { return time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC) }
	kept := &Parser{Gazetteer: g, Names: cat, Now: now}
	var texts []string
	for i, c := range g.Communes() {
		name := []rune(strings.ToLower(c.Name))
		if i%40 != 0 || len(name) < 6 || strings.ContainsAny(c.Name, " -'") {
			continue
		}
		typo := string(name[:2]) + string(name[3:])
		for _, w := range []string{typo, string(unicode.ToUpper(name[0])) + typo[len(string(name[0])):]} {
			texts = append(texts, "coworking "+w, "atelier "+w+" fablab")
		}
	}
	texts = append(texts, "montpelier", "Montpelier", "fablab carcasonne", "coworking tolouse", "espace numerique")
	several := 0
	for round := range 2 {
		for _, text := range texts {
			got, gotErr := kept.Parse(text)
			want, wantErr := (&Parser{Gazetteer: g, Names: cat, Now: now}).Parse(text)
			if (gotErr == nil) != (wantErr == nil) || !reflect.DeepEqual(got, want) {
				t.Fatalf("round %d, %q: read %+v (%v) with kept typos, %+v (%v) fresh", round, text, got, gotErr, want, wantErr)
			}
		}
	}
	for _, text := range texts {
		for _, w := range strings.Fields(text) {
			fresh := g.Fuzzy(w)
			if len(fresh) > 1 {
				several++
			}
			if k := kept.fuzzy(w); !reflect.DeepEqual(k, fresh) {
				t.Fatalf("%q: kept matches %v, the gazetteer's %v", w, k, fresh)
			}
		}
	}
	if several == 0 {
		t.Fatal("no word with several typo matches: the test reads nothing a reading could change")
	}
	t.Logf("%d texts, %d words with several typo matches, %d words kept", len(texts), several, kept.typos.Len())
}

// TestPointName: coordinates are named as fmt's "%g,%g" names them.
func TestPointName(t *testing.T) {
	vals := []float64{0, math.Copysign(0, -1), 43.6, -1.44, 1e21, 1e-5, 123456789, 5e-324, math.MaxFloat64, 48.68372, 6.14929, 90, -180}
	for _, lat := range vals {
		for _, lon := range vals {
			if got, want := pointName(lat, lon), fmt.Sprintf("%g,%g", lat, lon); got != want {
				t.Errorf("pointName(%v, %v) = %q, want %q", lat, lon, got, want)
			}
		}
	}
}
