package index

import (
	"html"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/tierslieux/tierslieux/index/text"
)

// snippetBytes is about how much of a description a snippet shows.
const snippetBytes = 180

// maxWordTerms bounds the words of places' text whose term a catalog
// keeps, so that highlighting a page of results analyses each word once.
const maxWordTerms = 200_000

// termOf is the analysed term of a word of a place's text, "" for none.
func (c *Catalog) termOf(word string) string {
	return c.words.Of(word, maxWordTerms, func(w string) string {
		if ts := c.Text.Terms(w); len(ts) > 0 {
			return ts[0]
		}
		return ""
	})
}

// highlight says which fields of a place hold the query's terms and shows
// where: the name, and a snippet of the description around its first
// match, HTML-escaped with the matching words in <mark>.
func (p *planner) highlight(h *Hit, o uint32) {
	if p.text == nil {
		return
	}
	if p.marked == nil {
		p.marked = &markTerms{set: map[string]bool{}}
		for _, t := range p.text.terms {
			if !t.ignored && t.term != "" {
				p.marked.set[t.term] = true
				p.marked.initials[t.term[0]] = true
			}
		}
	}
	terms := p.marked
	fields := textFields
	for _, t := range p.text.terms {
		for i, b := range t.fields {
			if b.has(o) && !contains(h.Matched, fields[i].Name) {
				if h.Matched == nil {
					h.Matched = make([]string, 0, len(fields))
				}
				h.Matched = append(h.Matched, fields[i].Name)
			}
		}
	}
	// The postings say which fields hold a term: only those are read.
	if contains(h.Matched, "name") {
		h.Highlight.Name, _ = p.cat.mark(h.Place.Name, terms, false)
	}
	if contains(h.Matched, "description") {
		h.Highlight.Description, _ = p.cat.mark(h.Place.Description, terms, true)
	}
}

// textFields are the text index's fields, in its order.
var textFields = text.Fields()

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// markTerms are the terms a search marks, and the first bytes they
// start with: a word starting otherwise is not looked up. Made once a
// search, for every hit it highlights.
type markTerms struct {
	set      map[string]bool
	initials [256]bool
}

// mark returns s as HTML with the words whose term is in terms wrapped in
// <mark> (neighbours joined), cut to a snippet around the first one when
// cut is set; ok is false when no word matches.
func (c *Catalog) mark(s string, terms *markTerms, cut bool) (string, bool) {
	type span struct{ start, end int }
	var marks []span
	for i := 0; i < len(s); {
		r, n := nextRune(s, i)
		if !isWordRune(r) {
			i += n
			continue
		}
		j := i
		for j < len(s) {
			r, n := nextRune(s, j)
			if !isWordRune(r) {
				break
			}
			j += n
		}
		if mayMatch(s[i], &terms.initials) && terms.set[c.termOf(s[i:j])] {
			if k := len(marks) - 1; k >= 0 && strings.TrimSpace(s[marks[k].end:i]) == "" {
				marks[k].end = j // "impression 3D" is one mark
			} else {
				marks = append(marks, span{i, j})
			}
		}
		i = j
	}
	if len(marks) == 0 {
		return "", false
	}
	from, to := 0, len(s)
	if cut && len(s) > snippetBytes {
		from = wordStart(s, max(0, marks[0].start-snippetBytes/3))
		to = wordEnd(s, min(len(s), from+snippetBytes))
	}
	var b strings.Builder
	b.Grow(to - from + len(marks)*len("<mark></mark>") + 2*len(" …"))
	if from > 0 {
		b.WriteString("… ")
	}
	at := from
	for _, m := range marks {
		if m.start < from || m.end > to {
			continue
		}
		b.WriteString(html.EscapeString(s[at:m.start]))
		b.WriteString("<mark>")
		b.WriteString(html.EscapeString(s[m.start:m.end]))
		b.WriteString("</mark>")
		at = m.end
	}
	b.WriteString(html.EscapeString(s[at:to]))
	if to < len(s) {
		b.WriteString(" …")
	}
	return b.String(), true
}

// mayMatch tells, from a word's first byte, whether its term can be one of
// terms: analysis lower-cases and strips suffixes, so the term of a word
// starting with an ASCII letter or digit starts with it too. A word
// starting otherwise (É, Œ…) is always analysed.
func mayMatch(first byte, initials *[256]bool) bool {
	if first >= utf8.RuneSelf {
		return true
	}
	if 'A' <= first && first <= 'Z' {
		first += 'a' - 'A'
	}
	return initials[first]
}

func isWordRune(r rune) bool {
	if r < utf8.RuneSelf {
		return asciiWord[r]
	}
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r)
}

// asciiWord is isWordRune of the ASCII runes, most of any text.
var asciiWord = func() (t [utf8.RuneSelf]bool) {
	for r := range rune(utf8.RuneSelf) {
		t[r] = unicode.IsLetter(r) || unicode.IsDigit(r)
	}
	return t
}()

// nextRune is the rune at s[i] and its length, an ASCII byte read as is.
func nextRune(s string, i int) (rune, int) {
	if c := s[i]; c < utf8.RuneSelf {
		return rune(c), 1
	}
	return utf8.DecodeRuneInString(s[i:])
}

// wordStart moves i forward to the start of a word, unless it is one.
func wordStart(s string, i int) int {
	if i == 0 {
		return 0
	}
	for i < len(s) {
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == ' ' {
			return i + n
		}
		i += n
	}
	return i
}

// wordEnd moves i back to the end of a word, unless s ends there.
func wordEnd(s string, i int) int {
	if i >= len(s) {
		return len(s)
	}
	for j := i; j > 0; j-- {
		if s[j] == ' ' {
			return j
		}
	}
	return i
}
