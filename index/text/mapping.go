package text

import (
	"fmt"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/custom"
	"github.com/blevesearch/bleve/v2/analysis/char/asciifolding"
	"github.com/blevesearch/bleve/v2/analysis/lang/fr"
	"github.com/blevesearch/bleve/v2/analysis/token/lowercase"
	"github.com/blevesearch/bleve/v2/analysis/token/stop"
	"github.com/blevesearch/bleve/v2/analysis/tokenizer/unicode"
	"github.com/blevesearch/bleve/v2/analysis/tokenmap"
	"github.com/blevesearch/bleve/v2/mapping"
)

// analyzerName is the French analyzer every text field uses. Bleve's own
// "fr" folds accents only inside its stemmer, on longer words; folding
// first makes "Béziers", "beziers" and "BEZIERS" one term everywhere.
const analyzerName = "tierslieux_fr"

// Text is folded before stop words are removed, so the stop list must be
// folded too: Bleve's own keeps "à" and "été", which never reach it.
const (
	stopMapName    = "tierslieux_stop_fr_map"
	stopFilterName = "tierslieux_stop_fr"
)

// foldedStopWords is Bleve's French stop list, each word also in the form
// the analyzer's own asciifolding char filter gives it.
func foldedStopWords() ([]any, error) {
	tm := analysis.NewTokenMap()
	if err := tm.LoadBytes(fr.FrenchStopWords); err != nil {
		return nil, fmt.Errorf("french stop words: %w", err)
	}
	fold := asciifolding.New()
	seen := map[string]bool{}
	var out []any
	for w := range tm {
		for _, v := range []string{w, string(fold.Filter([]byte(w)))} {
			if !seen[v] {
				seen[v] = true
				out = append(out, v)
			}
		}
	}
	return out, nil
}

// Field names in the Bleve documents, with the boost a match in each
// earns: a name says more than a description.
const (
	fieldName        = "name"
	fieldKeywords    = "keywords"
	fieldPlace       = "place"
	fieldDescription = "description"
)

var fieldBoosts = []struct {
	name  string
	boost float64
}{
	{fieldName, 3},
	{fieldKeywords, 2},
	{fieldPlace, 1.5},
	{fieldDescription, 1},
}

func newMapping() (mapping.IndexMapping, error) {
	stops, err := foldedStopWords()
	if err != nil {
		return nil, err
	}
	im := bleve.NewIndexMapping()
	if err := im.AddCustomTokenMap(stopMapName, map[string]any{"type": tokenmap.Name, "tokens": stops}); err != nil {
		return nil, err
	}
	if err := im.AddCustomTokenFilter(stopFilterName, map[string]any{"type": stop.Name, "stop_token_map": stopMapName}); err != nil {
		return nil, err
	}
	err = im.AddCustomAnalyzer(analyzerName, map[string]any{
		"type":          custom.Name,
		"char_filters":  []any{asciifolding.Name},
		"tokenizer":     unicode.Name,
		"token_filters": []any{lowercase.Name, fr.ElisionName, stopFilterName, fr.LightStemmerName},
	})
	if err != nil {
		return nil, err
	}
	im.DefaultAnalyzer = analyzerName
	dm := bleve.NewDocumentStaticMapping()
	for _, f := range fieldBoosts {
		fm := bleve.NewTextFieldMapping()
		fm.Analyzer = analyzerName
		fm.Store = false
		fm.IncludeTermVectors = false
		fm.IncludeInAll = false
		fm.DocValues = false
		dm.AddFieldMappingsAt(f.name, fm)
	}
	im.DefaultMapping = dm
	im.StoreDynamic = false
	im.IndexDynamic = false
	im.DocValuesDynamic = false
	return im, nil
}
