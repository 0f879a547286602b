package index

import (
	"html"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/tierslieux/tierslieux/index/text"
)

// snippetBytes is about how much of a description a snippet shows.
const snippetBytes = 180

// wordTerms caches the analysed term of the words of places' text, so
// highlighting a page of results analyses each word once. Bounded: it
// starts afresh when full.
type wordTerms struct {
	mu sync.Mutex
	m  map[string]string
}

const maxWordTerms = 200_000

func (c *Catalog) termOf(word string) string {
	wt := &c.words
	wt.mu.Lock()
	t, ok := wt.m[word]
	wt.mu.Unlock()
	if ok {
		return t
	}
	if ts := c.Text.Terms(word); len(ts) > 0 {
		t = ts[0]
	}
	wt.mu.Lock()
	if wt.m == nil || len(wt.m) >= maxWordTerms {
		wt.m = map[string]string{}
	}
	wt.m[word] = t
	wt.mu.Unlock()
	return t
}

// highlight says which fields of a place hold the query's terms and shows
// where: the name, and a snippet of the description around its first
// match, HTML-escaped with the matching words in <mark>.
func (p *planner) highlight(h *Hit, o uint32) {
	if p.text == nil {
		return
	}
	terms := map[string]bool{}
	for _, t := range p.text.terms {
		if !t.ignored {
			terms[t.term] = true
		}
	}
	fields := text.Fields()
	for _, t := range p.text.terms {
		for i, b := range t.fields {
			if b.has(o) && !contains(h.Matched, fields[i].Name) {
				h.Matched = append(h.Matched, fields[i].Name)
			}
		}
	}
	for _, f := range []struct{ name, value string }{{"name", h.Place.Name}, {"description", h.Place.Description}} {
		if s, ok := p.cat.mark(f.value, terms, f.name == "description"); ok {
			if h.Highlight == nil {
				h.Highlight = map[string]string{}
			}
			h.Highlight[f.name] = s
		}
	}
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// mark returns s as HTML with the words whose term is in terms wrapped in
// <mark> (neighbours joined), cut to a snippet around the first one when
// cut is set; ok is false when no word matches.
func (c *Catalog) mark(s string, terms map[string]bool, cut bool) (string, bool) {
	type span struct{ start, end int }
	var marks []span
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		if !isWordRune(r) {
			i += n
			continue
		}
		j := i
		for j < len(s) {
			r, n := utf8.DecodeRuneInString(s[j:])
			if !isWordRune(r) {
				break
			}
			j += n
		}
		if terms[c.termOf(s[i:j])] {
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

func isWordRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r)
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
