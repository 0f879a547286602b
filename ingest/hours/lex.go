package hours

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

type tokKind uint8

const (
	tEOF tokKind = iota
	tWord
	tNum
	tTime
	tComment
	tAlways // 24/7
	tDash
	tComma
	tSemi
	tColon
	tPlus
	tSlash
	tLBrack
	tRBrack
	tOr // ||
)

// token is one lexeme of an opening_hours value (also reused for queries).
type token struct {
	kind     tokKind
	pos, end int    // byte offsets in the input, for error messages
	text     string // folded word, or the inside of a comment
	val      int    // value of a number; minutes since midnight for a time
	digits   int    // digits of a number: years have four
}

// lex splits s into tokens. It is lenient where real data is: "9h30" and
// "09H30" are times, words are folded to lower case without accents, a dot
// after a word ("Lun.") is ignored and typographic dashes are dashes.
func lex(s string) ([]token, error) {
	var toks []token
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case unicode.IsSpace(r):
			i += size
		case r == '"' || r == '“' || r == '”':
			j := i + size
			for j < len(s) {
				c, n := utf8.DecodeRuneInString(s[j:])
				if c == '"' || c == '”' || c == '“' {
					break
				}
				j += n
			}
			if j >= len(s) {
				return nil, &SyntaxError{Offset: i, Near: s[i:], Msg: "comment has no closing double quote"}
			}
			_, n := utf8.DecodeRuneInString(s[j:])
			toks = append(toks, token{kind: tComment, pos: i, end: j + n, text: s[i+size : j]})
			i = j + n
		case r >= '0' && r <= '9':
			t, err := lexNumber(s, i)
			if err != nil {
				return nil, err
			}
			toks = append(toks, t)
			i = t.end
		case unicode.IsLetter(r):
			j := i
			for j < len(s) {
				c, n := utf8.DecodeRuneInString(s[j:])
				if !unicode.IsLetter(c) {
					break
				}
				j += n
			}
			toks = append(toks, token{kind: tWord, pos: i, end: j, text: fold(s[i:j])})
			i = j
			if i < len(s) && s[i] == '.' {
				i++
			}
		case isDash(r):
			toks = append(toks, token{kind: tDash, pos: i, end: i + size})
			i += size
		case r == '|':
			if i+1 < len(s) && s[i+1] == '|' {
				toks = append(toks, token{kind: tOr, pos: i, end: i + 2})
				i += 2
				continue
			}
			return nil, &SyntaxError{Offset: i, Near: "|", Msg: "a fallback rule is introduced by ||, not |"}
		default:
			k, ok := punct[r]
			if !ok {
				msg := "unexpected character"
				if r == '(' || r == ')' {
					msg = "variable times such as (sunset-01:00) are not supported"
				}
				return nil, &SyntaxError{Offset: i, Near: s[i : i+size], Msg: msg}
			}
			toks = append(toks, token{kind: k, pos: i, end: i + size})
			i += size
		}
	}
	return toks, nil
}

var punct = map[rune]tokKind{
	',': tComma, ';': tSemi, ':': tColon, '+': tPlus, '/': tSlash, '[': tLBrack, ']': tRBrack,
}

func isDash(r rune) bool {
	switch r {
	case '-', '‐', '‑', '‒', '–', '—', '−':
		return true
	}
	return false
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// lexNumber reads a number, a time (09:00, 9h, 9h30) or 24/7 at s[i].
func lexNumber(s string, i int) (token, error) {
	j := i
	for j < len(s) && isDigit(s[j]) {
		j++
	}
	digits := j - i
	if digits > 4 {
		return token{}, &SyntaxError{Offset: i, Near: s[i:j], Msg: "number too long"}
	}
	v := atoi(s[i:j])
	if s[i:j] == "24" && strings.HasPrefix(s[j:], "/7") && (j+2 == len(s) || !isDigit(s[j+2])) {
		return token{kind: tAlways, pos: i, end: j + 2}, nil
	}
	if j+1 < len(s) && s[j] == ':' && isDigit(s[j+1]) {
		k := j + 1
		for k < len(s) && isDigit(s[k]) {
			k++
		}
		if digits > 2 {
			return token{}, &SyntaxError{Offset: i, Near: s[i:k], Msg: "hours have one or two digits"}
		}
		if k-j-1 != 2 {
			return token{}, &SyntaxError{Offset: i, Near: s[i:k], Msg: "minutes have two digits"}
		}
		m := atoi(s[j+1 : k])
		if m > 59 {
			return token{}, &SyntaxError{Offset: i, Near: s[i:k], Msg: "minutes run from 00 to 59"}
		}
		return token{kind: tTime, pos: i, end: k, val: v*60 + m}, nil
	}
	if j < len(s) && (s[j] == 'h' || s[j] == 'H') && digits <= 2 {
		k, m := j+1, 0
		n := k
		for n < len(s) && isDigit(s[n]) {
			n++
		}
		switch n - k {
		case 0:
		case 2:
			m, k = atoi(s[k:n]), n
		default:
			return token{}, &SyntaxError{Offset: i, Near: s[i:n], Msg: "minutes have two digits"}
		}
		if c, _ := utf8.DecodeRuneInString(s[k:]); k == len(s) || !unicode.IsLetter(c) {
			if m > 59 {
				return token{}, &SyntaxError{Offset: i, Near: s[i:k], Msg: "minutes run from 00 to 59"}
			}
			return token{kind: tTime, pos: i, end: k, val: v*60 + m}, nil
		}
	}
	return token{kind: tNum, pos: i, end: j, val: v, digits: digits}, nil
}

func atoi(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		n = n*10 + int(s[i]-'0')
	}
	return n
}

// fold lower-cases s and strips the accents of French text, so that
// "Décembre", "decembre" and "DECEMBRE" read alike.
func fold(s string) string {
	ascii := true
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= utf8.RuneSelf || (c >= 'A' && c <= 'Z') {
			ascii = false
			break
		}
	}
	if ascii {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		r = unicode.ToLower(r)
		if f, ok := accents[r]; ok {
			b.WriteString(f)
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

var accents = map[rune]string{
	'à': "a", 'â': "a", 'ä': "a", 'á': "a", 'ã': "a", 'å': "a",
	'ç': "c",
	'é': "e", 'è': "e", 'ê': "e", 'ë': "e",
	'í': "i", 'ì': "i", 'î': "i", 'ï': "i",
	'ñ': "n",
	'ó': "o", 'ò': "o", 'ô': "o", 'ö': "o", 'õ': "o",
	'ú': "u", 'ù': "u", 'û': "u", 'ü': "u",
	'ý': "y", 'ÿ': "y",
	'œ': "oe", 'æ': "ae",
}

// weekdayWords maps folded day names to time.Weekday values: the OSM
// abbreviations, English and French names and their usual abbreviations.
// "mar" is missing on purpose: in opening_hours it is March.
var weekdayWords = map[string]int{
	"mo": 1, "mon": 1, "monday": 1, "lu": 1, "lun": 1, "lundi": 1,
	"tu": 2, "tue": 2, "tues": 2, "tuesday": 2, "ma": 2, "mardi": 2,
	"we": 3, "wed": 3, "wednesday": 3, "me": 3, "mer": 3, "mercredi": 3,
	"th": 4, "thu": 4, "thur": 4, "thurs": 4, "thursday": 4, "je": 4, "jeu": 4, "jeudi": 4,
	"fr": 5, "fri": 5, "friday": 5, "ve": 5, "ven": 5, "vendredi": 5,
	"sa": 6, "sat": 6, "saturday": 6, "sam": 6, "samedi": 6,
	"su": 0, "sun": 0, "sunday": 0, "di": 0, "dim": 0, "dimanche": 0,
}

// monthWords maps folded month names (OSM, English, French) to 1-12.
var monthWords = map[string]int{
	"jan": 1, "january": 1, "janv": 1, "janvier": 1,
	"feb": 2, "february": 2, "fev": 2, "fevr": 2, "fevrier": 2,
	"mar": 3, "march": 3, "mars": 3,
	"apr": 4, "april": 4, "avr": 4, "avril": 4,
	"may": 5, "mai": 5,
	"jun": 6, "june": 6, "juin": 6,
	"jul": 7, "july": 7, "juil": 7, "juillet": 7,
	"aug": 8, "august": 8, "aou": 8, "aout": 8,
	"sep": 9, "sept": 9, "september": 9, "septembre": 9,
	"oct": 10, "october": 10, "octobre": 10,
	"nov": 11, "november": 11, "novembre": 11,
	"dec": 12, "december": 12, "decembre": 12,
}

func weekdayOf(t token) (int, bool) {
	if t.kind != tWord {
		return 0, false
	}
	wd, ok := weekdayWords[t.text]
	return wd, ok
}

func monthOf(t token) (int, bool) {
	if t.kind != tWord {
		return 0, false
	}
	m, ok := monthWords[t.text]
	return m, ok
}

func isHolidayWord(t token) bool { return t.kind == tWord && (t.text == "ph" || t.text == "sh") }

func isVariableTime(t token) bool {
	if t.kind != tWord {
		return false
	}
	switch t.text {
	case "sunrise", "sunset", "dawn", "dusk":
		return true
	}
	return false
}
