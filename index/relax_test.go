package index_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/tierslieux/tierslieux/index"
)

// TestRelaxText: words that would empty the list become preferences, the
// least selective first, and are said; words no place holds are ignored
// at once; required words and filters are never relaxed; without
// RelaxText nothing is.
func TestRelaxText(t *testing.T) {
	e := MustDemoEngine(t)
	total := func(q index.Query) int { return MustSearch(t, e, q).Total }
	atelier := total(index.Query{Text: "atelier"})
	if atelier == 0 {
		t.Fatal("no place holds atelier")
	}

	res := MustSearch(t, e, index.Query{Text: "atelier zzzqx", RelaxText: true})
	if res.Total != atelier || !slices.Equal(res.TextIgnored, []string{"zzzqx"}) || len(res.TextRelaxed) != 0 {
		t.Errorf("atelier zzzqx: total %d (atelier alone %d), ignored %q, relaxed %q", res.Total, atelier, res.TextIgnored, res.TextRelaxed)
	}
	if n := total(index.Query{Text: "atelier zzzqx"}); n != 0 {
		t.Errorf("without RelaxText: total %d, want 0", n)
	}
	if n := total(index.Query{Text: "atelier zzzqx", RelaxText: true, TextRequired: []string{"zzzqx"}}); n != 0 {
		t.Errorf("zzzqx required: total %d, want 0", n)
	}

	// Two words each in some places, never in the same one: the more
	// common is relaxed, and the answer is every place with the other,
	// those with both would rank first.
	samedi, voutes := total(index.Query{Text: "samedi"}), total(index.Query{Text: "voûtes"})
	if samedi == 0 || voutes == 0 || total(index.Query{Text: "samedi voûtes"}) != 0 {
		t.Fatalf("fixture: samedi %d, voûtes %d, both %d", samedi, voutes, total(index.Query{Text: "samedi voûtes"}))
	}
	res = MustSearch(t, e, index.Query{Text: "samedi voûtes", RelaxText: true})
	relaxed, kept := "samedi", voutes
	if voutes > samedi {
		relaxed, kept = "voûtes", samedi
	}
	if !slices.Equal(res.TextRelaxed, []string{relaxed}) || res.Total != kept {
		t.Errorf("samedi voûtes: relaxed %q, total %d; want %q relaxed and %d places", res.TextRelaxed, res.Total, relaxed, kept)
	}

	// Filters stay.
	res = MustSearch(t, e, index.Query{Text: "zzzqx", Types: []string{"fablab"}, RelaxText: true})
	if res.Total != total(index.Query{Types: []string{"fablab"}}) {
		t.Errorf("zzzqx fablab: total %d", res.Total)
	}
	for _, h := range res.Hits {
		if !slices.Contains(h.Place.Types, "fablab") {
			t.Errorf("%s is no fablab: the type filter was relaxed", h.Place.ID)
		}
	}
}

// TestHighlight: the hits of a text query say which fields hold its words
// and show them marked, escaped for HTML; highlight can be turned off.
func TestHighlight(t *testing.T) {
	e := MustDemoEngine(t)
	res := MustSearch(t, e, index.Query{Text: "imprimerie"})
	if len(res.Hits) == 0 {
		t.Fatal("no hit for imprimerie")
	}
	h := res.Hits[0]
	if !slices.Contains(h.Matched, "description") {
		t.Errorf("%s matched in %q, want description", h.Place.ID, h.Matched)
	}
	d := h.Highlight.Description
	if !strings.Contains(d, "<mark>imprimerie</mark>") || strings.Count(d, "<mark>") != strings.Count(d, "</mark>") {
		t.Errorf("description highlight %q", d)
	}
	if len(d) > 400 {
		t.Errorf("snippet of %d bytes, want a short one", len(d))
	}
	// Words and neighbours: "impression 3D" is one mark; names are escaped.
	res = MustSearch(t, e, index.Query{Text: "atelier"})
	for _, h := range res.Hits {
		n := h.Highlight.Name
		if n == "" {
			continue
		}
		if strings.Contains(n, "'") || !strings.Contains(n, "<mark>") {
			t.Errorf("name highlight %q: want escaped, with a mark", n)
		}
	}
	res = MustSearch(t, e, index.Query{Text: "imprimerie", NoHighlight: true})
	if res.Hits[0].Highlight != (index.Highlight{}) || res.Hits[0].Matched != nil {
		t.Error("highlights with NoHighlight")
	}
	// No text, no highlight.
	if res := MustSearch(t, e, index.Query{Types: []string{"fablab"}}); res.Hits[0].Highlight != (index.Highlight{}) {
		t.Error("highlights without text")
	}
}

// TestRelaxFewerThanAsked: when every word together finds fewer places
// than asked, a list ranked by relevance relaxes words, least selective
// first, until one is left: the places with every word come first, then
// those with fewer. A list sorted by distance relaxes only to avoid an
// empty answer, since the places with every word would not come first.
func TestRelaxFewerThanAsked(t *testing.T) {
	e := MustDemoEngine(t)
	total := func(q index.Query) int { return MustSearch(t, e, q).Total }
	// Two words found together in a few places, and each alone in more.
	const a, b = "atelier", "vélo"
	both, na, nb := total(index.Query{Text: a + " " + b}), total(index.Query{Text: a}), total(index.Query{Text: b})
	if both == 0 || both >= 20 || na <= both || nb <= both {
		t.Fatalf("fixture: %s %d, %s %d, both %d; want both in 1 to 19 places, each alone in more", a, na, b, nb, both)
	}
	res := MustSearch(t, e, index.Query{Text: a + " " + b, RelaxText: true, Limit: 20})
	relaxed, kept := b, na
	if na > nb {
		relaxed, kept = a, nb
	}
	if !slices.Equal(res.TextRelaxed, []string{relaxed}) || res.Total != kept {
		t.Fatalf("%s %s: relaxed %q, total %d; want %q relaxed and %d places", a, b, res.TextRelaxed, res.Total, relaxed, kept)
	}
	for i, h := range res.Hits[:min(both, len(res.Hits))] {
		text := strings.ToLower(h.Place.Name + " " + h.Place.Description + " " + strings.Join(h.Place.Services, " ") + " " + strings.Join(h.Place.Tags, " "))
		if !strings.Contains(text, a) || !strings.Contains(text, b) && !strings.Contains(text, "velo") {
			t.Errorf("hit %d (%s) lacks a word, while %d places hold both", i+1, h.Place.ID, both)
		}
	}
	// Enough places with every word: nothing relaxed.
	if res := MustSearch(t, e, index.Query{Text: a + " " + b, RelaxText: true, Limit: both}); len(res.TextRelaxed) != 0 || res.Total != both {
		t.Errorf("limit %d: relaxed %q, total %d", both, res.TextRelaxed, res.Total)
	}
	// One word is never relaxed while it finds something.
	if res := MustSearch(t, e, index.Query{Text: a, RelaxText: true, Limit: 100}); len(res.TextRelaxed) != 0 || res.Total != na {
		t.Errorf("%s alone: relaxed %q, total %d", a, res.TextRelaxed, res.Total)
	}
	// Sorted by distance: only an empty list relaxes.
	near := &index.Anchor{Name: "Toulouse", Lat: 43.60426, Lon: 1.44367}
	if res := MustSearch(t, e, index.Query{Text: a + " " + b, RelaxText: true, Near: near, Sort: index.SortDistance, Limit: 20}); len(res.TextRelaxed) != 0 || res.Total != both {
		t.Errorf("by distance: relaxed %q, total %d, want %d", res.TextRelaxed, res.Total, both)
	}
}

// TestFuzzyText: a word no place holds is read as the closest word some
// place does, within one edit (two from eight letters), and said; short
// words, required words and queries without RelaxText are left as they
// are; within a scope, only a word of its places counts.
func TestFuzzyText(t *testing.T) {
	e := MustDemoEngine(t)
	atelier := MustSearch(t, e, index.Query{Text: "atelier"}).Total
	for _, tc := range []struct {
		q     index.Query
		total int
		to    string // the correction's To, "" for none
	}{
		{index.Query{Text: "ateleir", RelaxText: true}, atelier, "atelier"},
		{index.Query{Text: "atelierr", RelaxText: true}, atelier, ""}, // the stemmer reads it already
		{index.Query{Text: "atleier", RelaxText: true}, atelier, "atelier"},
		{index.Query{Text: "ateleir"}, 0, ""},
		{index.Query{Text: "ateleir", RelaxText: true, TextRequired: []string{"ateleir"}}, 0, ""},
		{index.Query{Text: "zzzqx", RelaxText: true}, 111, ""},
	} {
		res := MustSearch(t, e, tc.q)
		to := ""
		for _, c := range res.TextCorrected {
			if c.Kind != "text" || c.From != tc.q.Text {
				t.Errorf("%q: correction %+v", tc.q.Text, c)
			}
			to = c.To
		}
		if res.Total != tc.total || to != tc.to {
			t.Errorf("%q (relax %v, required %v): total %d, corrected to %q; want %d, %q", tc.q.Text, tc.q.RelaxText, tc.q.TextRequired, res.Total, to, tc.total, tc.to)
		}
	}
	// A word only places outside a partner's territory hold is no
	// correction within it.
	res := MustSearch(t, e, index.Query{Text: "ateleir", RelaxText: true, Scope: &index.Scope{Depts: []string{"2A-none"}}})
	if len(res.TextCorrected) != 0 {
		t.Errorf("within an empty territory: corrected %+v", res.TextCorrected)
	}
}
