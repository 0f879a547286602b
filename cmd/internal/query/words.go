package query

import (
	"strings"

	"github.com/tierslieux/tierslieux/geo/gazetteer"
	"github.com/tierslieux/tierslieux/ingest"
)

// stopWords are words of both languages that never become text: the
// vocabulary's connectors, and the words of a request that say how, not
// what ("près", "near", "find", "open"). Folded: no accents, lower case.
var stopWords = func() map[string]bool {
	m := setOf(
		// French
		"pres", "proche", "proches", "autour", "moins", "rayon", "plus", "chez", "vers", "alentours",
		"proximite", "qui", "offre", "offrant", "propose", "proposant", "equipe", "ayant", "y", "son", "sa",
		"ses", "mon", "ma", "mes", "cote", "environ", "lieu", "lieux", "tiers", "espace", "espaces", "cherche",
		"cherchons", "recherche", "trouver", "je", "nous", "ici", "ouvert", "ouverte", "ouverts", "ouvertes",
		"ouvre", "est", "sont", "il", "elle", "ce", "cet", "cette", "ces", "quel", "quelle", "quels", "quelles",
		"veux", "voudrais", "besoin", "svp", "merci", "bonjour", "possible", "avoir", "faire", "mais", "donc",
		"aussi", "tres", "endroit", "endroits", "etre", "peut", "vous", "plait", "s", "sympa", "super",
		"trajet", "detour", "maximum", "max", "allant", "direction", "minute", "minutes",
		// English
		"around", "close", "near", "nearby", "within", "nearest", "closest", "that", "offering", "has", "have",
		"having", "me", "my", "place", "places", "find", "show", "any", "some", "open", "opened", "opening",
		"is", "are", "there", "where", "which", "what", "want", "need", "please", "thanks", "hello", "hi",
		"looking", "look", "search", "searching", "can", "could", "i", "we", "our", "way", "it", "its",
		"somewhere", "also", "this", "these", "those", "third", "be", "out", "most", "going", "heading",
	)
	for w := range ingest.Connectors {
		m[w] = true
	}
	return m
}()

// placeMarkers say that a place name follows; when none resolves, the
// query is refused rather than searched world-wide.
var placeMarkers = setOf("pres", "proche", "autour", "alentours", "proximite", "near", "nearby", "around", "within", "close", "rayon", "moins", "nearest", "closest")

// weakMarkers introduce a place only sometimes ("à Toulouse", "in
// Aveyron", "dans le Gers", "en Lozère").
var weakMarkers = setOf("a", "in", "en", "dans", "at", "au", "aux", "sur", "de", "of", "to")

func setOf(words ...string) map[string]bool {
	m := make(map[string]bool, len(words))
	for _, w := range words {
		m[w] = true
	}
	return m
}

func fold(w string) string { return gazetteer.Normalize(w) }

// isArticle: an article between a marker and a name, in French or
// English ("dans le Gers", "in the Lot").
func isArticle(k string) bool { return gazetteer.IsArticle(k) || k == "the" }

// isLinkWord: words inside commune names ("Saint-Cyprien-sur-Dourdou",
// "Villefranche-de-Rouergue") that are stop words elsewhere.
func isLinkWord(k string) bool {
	switch k {
	case "sur", "de", "du", "des", "en", "la", "le", "les", "l", "d", "et", "sous", "aux", "au":
		return true
	}
	return false
}

// requiredWords finds the words a user marks as required, "+samedi" or
// "\"salle de bain\"", and returns the text without the marks and those
// words (folded), which never become anything but text.
func requiredWords(text string) (string, map[string]bool) {
	var req map[string]bool
	add := func(s string) {
		for _, w := range ingest.Words(s) {
			if req == nil {
				req = map[string]bool{}
			}
			req[fold(w)] = true
		}
	}
	var b strings.Builder
	for i := 0; i < len(text); i++ {
		switch c := text[i]; {
		case c == '"':
			if j := strings.IndexByte(text[i+1:], '"'); j >= 0 {
				add(text[i+1 : i+1+j])
				b.WriteString(text[i+1 : i+1+j])
				i += j + 1
				continue
			}
			b.WriteByte(' ')
		case c == '+' && (i == 0 || text[i-1] == ' ') && i+1 < len(text) && text[i+1] != ' ':
			end := strings.IndexAny(text[i+1:], " \t,;")
			if end < 0 {
				end = len(text) - i - 1
			}
			add(text[i+1 : i+1+end])
			b.WriteByte(' ')
		default:
			b.WriteByte(c)
		}
	}
	return b.String(), req
}
