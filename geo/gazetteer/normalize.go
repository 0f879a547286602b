package gazetteer

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// Normalize folds a place name or query into the key the gazetteer indexes
// under: lower case, accents removed, every run of punctuation (hyphens,
// apostrophes, dots, commas) turned into one space, "St"/"Ste" expanded to
// "saint"/"sainte", and a leading article (le, la, les, l') dropped, so
// that "L'Isle-Jourdain", "l isle jourdain" and "ISLE JOURDAIN" meet.
func Normalize(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	space := true // suppress leading spaces
	for _, r := range norm.NFD.String(strings.ToLower(s)) {
		switch {
		case unicode.Is(unicode.Mn, r):
			continue
		case r == 'œ' || r == 'Œ':
			b.WriteString("oe")
		case r == 'æ' || r == 'Æ':
			b.WriteString("ae")
		case r == 'ß':
			b.WriteString("ss")
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			b.WriteRune(unicode.ToLower(r))
		default:
			if !space {
				b.WriteByte(' ')
			}
			space = true
			continue
		}
		space = false
	}
	words := strings.Fields(b.String())
	for i, w := range words {
		switch w {
		case "st":
			words[i] = "saint"
		case "ste":
			words[i] = "sainte"
		}
	}
	for len(words) > 1 && isArticle(words[0]) {
		words = words[1:]
	}
	return strings.Join(words, " ")
}

func isArticle(w string) bool {
	switch w {
	case "le", "la", "les", "l":
		return true
	}
	return false
}
