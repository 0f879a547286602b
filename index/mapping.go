package index

import (
	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/custom"
	"github.com/blevesearch/bleve/v2/analysis/char/asciifolding"
	"github.com/blevesearch/bleve/v2/analysis/lang/fr"
	"github.com/blevesearch/bleve/v2/analysis/token/lowercase"
	"github.com/blevesearch/bleve/v2/analysis/tokenizer/unicode"
	"github.com/blevesearch/bleve/v2/mapping"
)

// analyzerName is the French analyzer every text field uses. Bleve's own
// "fr" folds accents only inside its stemmer, on longer words; folding
// first makes "Béziers", "beziers" and "BEZIERS" one term everywhere.
const analyzerName = "tierslieux_fr"

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
	im := bleve.NewIndexMapping()
	err := im.AddCustomAnalyzer(analyzerName, map[string]any{
		"type":          custom.Name,
		"char_filters":  []any{asciifolding.Name},
		"tokenizer":     unicode.Name,
		"token_filters": []any{lowercase.Name, fr.ElisionName, fr.StopName, fr.LightStemmerName},
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
