package index_test

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/tierslieux/tierslieux/index"
	"github.com/tierslieux/tierslieux/index/indextest"
)

// TestMarkAgrees: highlighting reads text a byte at a time where it is
// ASCII and escapes it straight into the answer; what it writes is, to
// the byte, what reading rune by rune and escaping with the standard
// library writes. On the synthetic and demo places' names and
// descriptions, and on them changed at random: HTML's special
// characters, accents, combining marks, other scripts, invalid UTF-8,
// texts long enough to be cut to a snippet; for terms of their own
// words and of words they lack.
func TestMarkAgrees(t *testing.T) {
	cat, places := indextest.Synth(t, 2000)
	var texts []string
	for _, p := range places[:400] {
		texts = append(texts, p.Name, p.Description)
	}
	for _, id := range []string{"tlo-001", "tlo-008", "tlo-042", "tlo-077", "tlo-111"} {
		if p, ok := indextest.Demo(t).Place(id); ok {
			texts = append(texts, p.Name, p.Description)
		}
	}
	odd := []string{"<", ">", "&", "'", `"`, "&amp;", "é", "É", "œ", "e\u0301", "\u00a0", "—", "…", "漢字", "😀", "\xff", "\xc3", " ", "  ", "3D", "l'", "-"}
	rng := rand.New(rand.NewPCG(7, 11))
	compared, marked := 0, 0
	for _, base := range texts {
		for v := range 6 {
			s := base
			for range v * 3 {
				at := rng.IntN(len(s) + 1)
				s = s[:at] + odd[rng.IntN(len(odd))] + s[at:]
			}
			if v == 5 {
				s = strings.Repeat(s+" ", 1+rng.IntN(4))
			}
			words := strings.FieldsFunc(s, func(r rune) bool { return r == ' ' || r == ',' || r == '.' || r == ':' })
			var terms []string
			for range 1 + rng.IntN(3) {
				w := "fablab"
				if len(words) > 0 && rng.IntN(4) > 0 {
					w = words[rng.IntN(len(words))]
				}
				terms = append(terms, cat.Text.Terms(w)...)
			}
			for _, cut := range []bool{false, true} {
				got, gotOK, want, wantOK := index.MarkTwice(cat, s, terms, cut)
				if got != want || gotOK != wantOK {
					t.Fatalf("mark(%q, %q, cut %v) = %q, %v; read rune by rune: %q, %v", s, terms, cut, got, gotOK, want, wantOK)
				}
				compared++
				if gotOK {
					marked++
				}
			}
		}
	}
	if marked < compared/3 {
		t.Fatalf("only %d of %d texts had a mark: the comparison says little", marked, compared)
	}
	t.Logf("%d texts compared, %d marked", compared, marked)
}

// TestMatchedPerHit: each hit of a page says which of its own fields
// hold the query's terms: what the same place says alone on a page of
// one. The pages are recycled between searches.
func TestMatchedPerHit(t *testing.T) {
	e, places := MustSynthEngine(t, exactN)
	ctx := t.Context()
	rng := rand.New(rand.NewPCG(3, 9))
	texts := []string{"coworking fibre", "synthétique atelier", "numérique café", "impression 3d", "bureaux partagés fibre", "fablab domiciliation"}
	varied := 0
	for range 40 {
		p := places[rng.IntN(len(places))]
		q := index.Query{Text: texts[rng.IntN(len(texts))], Near: &index.Anchor{Lat: p.Lat, Lon: p.Lon}, RadiusMeters: 40_000, Limit: 20}
		page, err := e.Search(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		seen := map[string]bool{}
		for i, h := range page.Hits {
			one := q
			one.Offset, one.Limit = i, 1
			alone, err := e.Search(ctx, one)
			if err != nil {
				t.Fatal(err)
			}
			if len(alone.Hits) != 1 || alone.Hits[0].Place.ID != h.Place.ID {
				t.Fatalf("%+v: hit %d alone is not %s", q, i, h.Place.ID)
			}
			if !slices.Equal(h.Matched, alone.Hits[0].Matched) {
				t.Fatalf("%+v: hit %d (%s) matched %q on the page, %q alone", q, i, h.Place.ID, h.Matched, alone.Hits[0].Matched)
			}
			seen[strings.Join(h.Matched, ",")] = true
			alone.Release()
		}
		if len(seen) > 1 {
			varied++
		}
		page.Release()
	}
	// Pages whose hits matched in different fields say whether each
	// hit kept its own.
	if varied < 10 {
		t.Fatalf("only %d pages of hits matching in different fields", varied)
	}
}
