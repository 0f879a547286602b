package query

import (
	"slices"
	"strings"
	"sync"

	"github.com/tierslieux/tierslieux/geo/gazetteer"
	"github.com/tierslieux/tierslieux/index"
	"github.com/tierslieux/tierslieux/ingest"
)

// vocabularyWords are the words of the vocabulary's labels and synonyms
// (folded by ingest.TermKey), and a typo index over them.
var vocabularyWords = sync.OnceValues(func() (map[string]bool, *gazetteer.Typos) {
	words := map[string]bool{}
	var list []string
	for _, terms := range [][]ingest.Term{ingest.Types, ingest.Services} {
		for _, t := range terms {
			for _, k := range ingest.TermKeys(t.ID) {
				for _, w := range strings.Fields(k) {
					if !words[w] {
						words[w] = true
						list = append(list, w)
					}
				}
			}
		}
	}
	slices.Sort(list)
	return words, gazetteer.NewTypos(list)
})

// vocabularyTypos reads vocabulary words written with a typo
// ("cowroking", "imprimente 3d"): a free word one edit away from exactly
// one word of the vocabulary is read as it when that makes a label or
// synonym, and said as a correction. A word that would be read as a
// place, or that the catalog's text holds, is no typo; without the catalog to tell, nothing
// is corrected.
func (r *reading) vocabularyTypos() {
	if r.p.Names == nil {
		return
	}
	words, typos := vocabularyWords()
	corrected := slices.Clone(r.words)
	changed := map[int]bool{}
	for i, w := range r.words {
		k := ingest.TermKey(w)
		if !r.free(i) || words[k] {
			continue
		}
		near := r.p.vocabularyNear.Of(k, maxMemoTypos, typos.Near)
		if len(near) != 1 || r.placeWord(i) || !r.p.Names.IsTypo(w, near[0]) {
			continue
		}
		corrected[i], changed[i] = near[0], true
	}
	if len(changed) == 0 {
		return
	}
	for _, m := range ingest.FindTermsIn(corrected) {
		fixed := false
		for j := m.Start; j < m.End; j++ {
			fixed = fixed || changed[j]
		}
		if !fixed || slices.Contains(r.used[m.Start:m.End], true) || slices.Contains(r.required[m.Start:m.End], true) {
			continue
		}
		r.q.Notes.Corrections = append(r.q.Notes.Corrections, index.Correction{
			From: strings.Join(r.words[m.Start:m.End], " "), To: strings.Join(corrected[m.Start:m.End], " "), Kind: "vocabulary"})
		r.mention(m)
	}
}

// placeWord reports whether word i would be read as a place name: it
// names one, after a marker or plausibly ("Lazer" is a hamlet of the
// Alps, "lazer" is a typo of laser).
func (r *reading) placeWord(i int) bool {
	ms := r.p.Gazetteer.Lookup(r.words[i], 1)
	return len(ms) > 0 && (r.marked(i) || r.plausible(i, ms[0]))
}
