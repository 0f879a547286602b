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
	d := h.Highlight["description"]
	if !strings.Contains(d, "<mark>imprimerie</mark>") || strings.Count(d, "<mark>") != strings.Count(d, "</mark>") {
		t.Errorf("description highlight %q", d)
	}
	if len(d) > 400 {
		t.Errorf("snippet of %d bytes, want a short one", len(d))
	}
	// Words and neighbours: "impression 3D" is one mark; names are escaped.
	res = MustSearch(t, e, index.Query{Text: "atelier"})
	for _, h := range res.Hits {
		n, ok := h.Highlight["name"]
		if !ok {
			continue
		}
		if strings.Contains(n, "'") || !strings.Contains(n, "<mark>") {
			t.Errorf("name highlight %q: want escaped, with a mark", n)
		}
	}
	res = MustSearch(t, e, index.Query{Text: "imprimerie", NoHighlight: true})
	if res.Hits[0].Highlight != nil || res.Hits[0].Matched != nil {
		t.Error("highlights with NoHighlight")
	}
	// No text, no highlight.
	if res := MustSearch(t, e, index.Query{Types: []string{"fablab"}}); res.Hits[0].Highlight != nil {
		t.Error("highlights without text")
	}
}
