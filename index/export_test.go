package index

import (
	"html"
	"strings"
	"unicode/utf8"
)

// Die stands for the death of an ingest's process in tests: the lock
// goes, the half-written build stays.
func (b *Builder) Die() { b.unlock() }

// DecodePlaces is decodePlaces, for tests.
var DecodePlaces = decodePlaces

// SetDecayBound turns the bound of decay scores on or off, and returns
// what restores it.
func SetDecayBound(on bool) (restore func()) {
	was := decayBound
	decayBound = on
	return func() { decayBound = was }
}

// MarkTwice marks s for terms (analysed terms, as a query's) with mark
// and with markPlain, the way mark read text before it was tuned, for
// tests to compare.
func MarkTwice(c *Catalog, s string, terms []string, cut bool) (got string, gotOK bool, want string, wantOK bool) {
	mt := &markTerms{set: map[string]bool{}}
	for _, t := range terms {
		if t != "" {
			mt.set[t] = true
			mt.initials[t[0]] = true
		}
	}
	got, gotOK = c.mark(s, mt, cut)
	want, wantOK = c.markPlain(s, mt, cut)
	return got, gotOK, want, wantOK
}

// markPlain is mark as first written: rune by rune, escaped with the
// standard library; the same words looked up.
func (c *Catalog) markPlain(s string, terms *markTerms, cut bool) (string, bool) {
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
		if mayMatch(s[i], &terms.initials) && terms.set[c.termOf(s[i:j])] {
			if k := len(marks) - 1; k >= 0 && strings.TrimSpace(s[marks[k].end:i]) == "" {
				marks[k].end = j
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
		b.WriteString(html.EscapeString(s[at:m.start]) + "<mark>" + html.EscapeString(s[m.start:m.end]) + "</mark>")
		at = m.end
	}
	b.WriteString(html.EscapeString(s[at:to]))
	if to < len(s) {
		b.WriteString(" …")
	}
	return b.String(), true
}

// SetFreeSpace makes a restore see free bytes of disk, and returns what
// restores the file system's answer.
func SetFreeSpace(free int64) (restore func()) {
	was := freeSpace
	freeSpace = func(string) int64 { return free }
	return func() { freeSpace = was }
}
