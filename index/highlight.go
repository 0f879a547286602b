package index

import (
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
// match, HTML-escaped with the matching words in <mark>. The fields go
// into room, when it has a place for each, rather than a slice of their
// own.
func (p *planner) highlight(h *Hit, o uint32, room []string) {
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
					h.Matched = room
					if cap(room) < len(fields) {
						h.Matched = make([]string, 0, len(fields))
					}
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
// cut is set; ok is false when no word matches. It is on every text
// query's page, twice a hit: ASCII is read a byte at a time, and the
// text is escaped straight into the answer.
func (c *Catalog) mark(s string, terms *markTerms, cut bool) (string, bool) {
	type span struct{ start, end int }
	var kept [4]span
	marks := kept[:0]
	for i := 0; i < len(s); {
		if n := nonWordLen(s, i); n > 0 {
			i += n
			continue
		}
		j := wordFrom(s, i)
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
		writeEscaped(&b, s[at:m.start])
		b.WriteString("<mark>")
		writeEscaped(&b, s[m.start:m.end])
		b.WriteString("</mark>")
		at = m.end
	}
	writeEscaped(&b, s[at:to])
	if to < len(s) {
		b.WriteString(" …")
	}
	return b.String(), true
}

// nonWordLen is the length of the rune at s[i] when it is not part of
// a word, 0 when it is.
func nonWordLen(s string, i int) int {
	if c := s[i]; c < utf8.RuneSelf {
		if asciiWord[c] {
			return 0
		}
		return 1
	}
	r, n := utf8.DecodeRuneInString(s[i:])
	if isWordRune(r) {
		return 0
	}
	return n
}

// wordFrom is the end of the word starting at s[i].
func wordFrom(s string, i int) int {
	for i < len(s) {
		if c := s[i]; c < utf8.RuneSelf {
			if !asciiWord[c] {
				return i
			}
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if !isWordRune(r) {
			return i
		}
		i += n
	}
	return i
}

// writeEscaped writes s to b escaped as html.EscapeString does, without
// the string it makes.
func writeEscaped(b *strings.Builder, s string) {
	last := 0
	for i := 0; i < len(s); i++ {
		var esc string
		switch s[i] {
		case '<':
			esc = "&lt;"
		case '>':
			esc = "&gt;"
		case '&':
			esc = "&amp;"
		case '\'':
			esc = "&#39;"
		case '"':
			esc = "&#34;"
		default:
			continue
		}
		b.WriteString(s[last:i])
		b.WriteString(esc)
		last = i + 1
	}
	b.WriteString(s[last:])
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
