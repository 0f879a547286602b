package gazetteer

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// Fold is the project's one text folding: lower case, accents and other
// marks removed, compatibility forms reduced to their letters ("ⅅ" is
// "d", "ﬁ" is "fi"), ligatures spelled out (œ, æ, ß), stroked letters
// plain (ø, ł, đ), and every run of
// anything that is not a letter or a digit turned into one space, trimmed.
// Names, vocabulary labels and query words are all compared folded.
func Fold(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	space := true // suppress leading spaces
	// Lower-case after the compatibility decomposition too: it can bring
	// out capitals ("ⅅ" → "D", "ϔ" → "Ϋ"). Invalid bytes are separators:
	// the normaliser stops decomposing at them.
	for _, r := range norm.NFKD.String(strings.ToValidUTF8(s, " ")) {
		r = unicode.ToLower(r)
		switch {
		case unicode.Is(unicode.Mn, r):
			continue
		case r == 'œ':
			b.WriteString("oe")
		case r == 'æ':
			b.WriteString("ae")
		case r == 'ß':
			b.WriteString("ss")
		case r == 'ø':
			b.WriteByte('o') // letters that carry their stroke: no decomposition
		case r == 'ł':
			b.WriteByte('l')
		case r == 'đ':
			b.WriteByte('d')
		case r == 'ı':
			b.WriteByte('i')
		case isFoldedLetter(r) || unicode.IsDigit(r):
			b.WriteRune(r)
		default:
			if !space {
				b.WriteByte(' ')
			}
			space = true
			continue
		}
		space = false
	}
	return strings.TrimSuffix(b.String(), " ")
}

// isFoldedLetter reports whether r can stand in a folded word: a letter
// with no upper-case form left (a title-case or upper-case letter that
// unicode.ToLower cannot lower, such as "ϒ" without its decomposition, is
// not one).
func isFoldedLetter(r rune) bool {
	return unicode.IsLetter(r) && !unicode.IsUpper(r) && !unicode.IsTitle(r)
}

// Normalize folds a place name or query into the key the gazetteer indexes
// under: Fold, then "St"/"Ste" expanded to "saint"/"sainte" and a leading
// article (le, la, les, l') dropped, so that "L'Isle-Jourdain", "l isle
// jourdain" and "ISLE JOURDAIN" meet.
func Normalize(s string) string {
	words := strings.Fields(Fold(s))
	for i, w := range words {
		switch w {
		case "st":
			words[i] = "saint"
		case "ste":
			words[i] = "sainte"
		}
	}
	for len(words) > 1 && IsArticle(words[0]) {
		words = words[1:]
	}
	return strings.Join(words, " ")
}

// IsArticle reports whether a folded word is a French definite article.
func IsArticle(w string) bool {
	switch w {
	case "le", "la", "les", "l":
		return true
	}
	return false
}
