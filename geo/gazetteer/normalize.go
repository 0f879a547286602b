package gazetteer

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Fold is the project's one text folding: lower case, accents and other
// marks removed, compatibility forms reduced to their letters ("ⅅ" is
// "d", "ﬁ" is "fi"), ligatures spelled out (œ, æ, ß), stroked letters
// plain (ø, ł, đ), and every run of
// anything that is not a letter or a digit turned into one space, trimmed.
// Names, vocabulary labels and query words are all compared folded.
func Fold(s string) string {
	if Folded(s) {
		return s
	}
	if f, ok := foldFast(s); ok {
		return f
	}
	return foldSlow(s)
}

// Folded reports whether s is what Fold and a split into words give
// back as it is: words of a to z and 0 to 9 between single spaces. Most
// query words and every vocabulary ID are: they cost no copy.
func Folded(s string) bool {
	if s == "" || s[0] == ' ' || s[len(s)-1] == ' ' {
		return false
	}
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case 'a' <= c && c <= 'z', '0' <= c && c <= '9':
		case c == ' ' && s[i-1] != ' ':
		default:
			return false
		}
	}
	return true
}

// foldSlow is Fold by the book: the compatibility decomposition of the
// whole string, then each rune.
func foldSlow(s string) string {
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

// foldRunes is what foldSlow makes of each rune of the Latin blocks and
// of general punctuation, found once by asking it: the letters a rune
// folds to, foldSeparator, or "" when foldFast cannot fold the rune
// alone (it then leaves the string to foldSlow).
var foldRunes = func() (t [foldTableEnd]string) {
	for r := rune(0x80); r < foldTableEnd; r++ {
		if (r >= 0x250 && r < 0x2000) || (r >= 0x300 && r < 0x370) {
			continue
		}
		switch f := foldSlow("a" + string(r) + "a"); {
		case f == "a a":
			t[r] = foldSeparator
		case len(f) > 2 && f[0] == 'a' && f[len(f)-1] == 'a' && !strings.ContainsRune(f, ' ') &&
			foldSlow(string(r)) == f[1:len(f)-1]:
			t[r] = f[1 : len(f)-1]
		}
	}
	return t
}()

const (
	foldTableEnd  = 0x2070 // the end of General Punctuation
	foldSeparator = " "
)

// foldFast folds the strings most names and queries are, ASCII, Latin
// letters with accents, French punctuation, without the decomposition
// of the whole string; ok is false for any other string.
func foldFast(s string) (string, bool) {
	b := make([]byte, 0, len(s))
	space := true
	for i := 0; i < len(s); {
		c := s[i]
		var word string
		if c < utf8.RuneSelf {
			i++
			switch {
			case 'a' <= c && c <= 'z' || '0' <= c && c <= '9':
				b = append(b, c)
				space = false
				continue
			case 'A' <= c && c <= 'Z':
				b = append(b, c+'a'-'A')
				space = false
				continue
			}
			word = foldSeparator
		} else {
			r, size := utf8.DecodeRuneInString(s[i:])
			if r >= foldTableEnd || r == utf8.RuneError {
				return "", false
			}
			if word = foldRunes[r]; word == "" {
				return "", false
			}
			i += size
		}
		if word == foldSeparator {
			if !space {
				b = append(b, ' ')
			}
			space = true
			continue
		}
		b = append(b, word...)
		space = false
	}
	if n := len(b); n > 0 && b[n-1] == ' ' {
		b = b[:n-1]
	}
	return string(b), true
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
	if Folded(s) && normalized(s) {
		return s
	}
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

// normalized reports whether Normalize leaves a Folded s as it is: no
// "st" or "ste" to expand, no leading article to drop.
func normalized(s string) bool {
	first := true
	for w := range strings.SplitSeq(s, " ") {
		if w == "st" || w == "ste" || first && w != s && IsArticle(w) {
			return false
		}
		first = false
	}
	return true
}

// IsArticle reports whether a folded word is a French definite article.
func IsArticle(w string) bool {
	switch w {
	case "le", "la", "les", "l":
		return true
	}
	return false
}
