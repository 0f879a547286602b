package query

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/tierslieux/tierslieux/index"
	"github.com/tierslieux/tierslieux/ingest"
	"github.com/tierslieux/tierslieux/ingest/hours"
)

// openRE finds "ouvert"/"open" in free text: what follows may say when
// ("ouvert le samedi", "open tomorrow", "ouvert lundi matin").
var openRE = regexp.MustCompile(`(?i)(?:^|[\s,;(])(ouverte?s?|open(?:ed)?)(?:[\s,;:]|$)`)

// dayRE finds a day said without "ouvert": "café le samedi", "fablab
// on Sunday", "coworking ce week-end", "demain": a time the place must be
// open at.
var dayRE = regexp.MustCompile(`(?i)(?:^|[\s,;(])((?:(?:le|les|on|ce|cette|this|every|chaque|tous les)\s+)?(?:lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche|monday|tuesday|wednesday|thursday|friday|saturday|sunday|week-?end|demain|tomorrow|tonight)s?)(?:[\s,;:.!?)]|$)`)

// clock12RE finds English clock times, "6pm", "9:30 am": ParseWhen reads
// 24-hour ones.
var clock12RE = regexp.MustCompile(`(?i)\b(\d{1,2})(?::(\d{2}))?\s*(am|pm)\b`)

func clock24(s string) string {
	if !hasDigit(s) {
		return s
	}
	return clock12RE.ReplaceAllStringFunc(s, func(m string) string {
		g := clock12RE.FindStringSubmatch(m)
		h, _ := strconv.Atoi(g[1])
		if h > 12 {
			return m
		}
		h %= 12
		if strings.EqualFold(g[3], "pm") {
			h += 12
		}
		min := g[2]
		if min == "" {
			min = "00"
		}
		return fmt.Sprintf("%02d:%s", h, min)
	})
}

// Most texts hold no time: these say, without the regular expressions'
// cost, when one cannot match. Every match of openRE holds one of
// openWords, every match of dayRE one of dayWords (the days end in "di",
// "che" or "day"), every match of clock12RE, coordRE, distanceRE and
// minutesRE a digit (\d is ASCII); ASCII letters are compared without
// case, and a text with other letters is always searched, since (?i)
// also matches their Unicode case variants (the Kelvin sign for k).
var (
	openWords = []string{"ouvert", "open"}
	dayWords  = []string{"di", "che", "day", "week", "demain", "tomorrow", "tonight"}
)

func hasDigit(s string) bool {
	for i := range len(s) {
		if s[i]-'0' <= 9 {
			return true
		}
	}
	return false
}

// mayHold reports whether s may hold one of words (lower-case ASCII):
// false only when s is ASCII and holds none, ignoring case.
func mayHold(s string, words []string) bool {
	for i := range len(s) {
		if s[i] >= utf8.RuneSelf {
			return true
		}
	}
	for _, w := range words {
		for i := 0; i+len(w) <= len(s); i++ {
			j := 0
			for j < len(w) && s[i+j]|0x20 == w[j] {
				j++
			}
			if j == len(w) {
				return true
			}
		}
	}
	return false
}

// maxWhenWords bounds the words read after "ouvert" as a time.
const maxWhenWords = 6

// readHours reads when the user wants places open, and returns the text
// without it; words the user required stay text. "ouvert" with nothing a time can be read from stays (it is
// a stop word).
func readHours(q *index.Query, text string, now time.Time, required map[string]bool) string {
	text = clock24(text)
	anyRequired := func(phrase string) bool {
		for _, w := range ingest.Words(phrase) {
			if required[fold(w)] {
				return true
			}
		}
		return false
	}
	var opens [][]int
	if mayHold(text, openWords) {
		opens = openRE.FindAllStringSubmatchIndex(text, -1)
	}
	for _, m := range opens {
		after := text[m[3]:]
		words := strings.Fields(after)
		for n := min(len(words), maxWhenWords); n >= 1; n-- {
			phrase := strings.TrimRight(strings.Join(words[:n], " "), ",.;!?)")
			w, err := hours.ParseWhen(phrase, now)
			if err != nil || anyRequired(phrase) {
				continue
			}
			q.Open = &w
			end := m[3] + wordsEnd(after, n)
			return text[:m[2]] + " " + text[end:]
		}
	}
	// A day said alone, with what follows it ("samedi matin").
	if !mayHold(text, dayWords) {
		return text
	}
	if m := dayRE.FindStringSubmatchIndex(text); m != nil {
		after := text[m[3]:]
		words := strings.Fields(after)
		for n := min(len(words), 3); n >= 0; n-- {
			phrase := strings.TrimRight(text[m[2]:m[3]]+" "+strings.Join(words[:n], " "), " ,.;!?)")
			if w, err := hours.ParseWhen(strings.TrimSuffix(phrase, "s"), now); err == nil && !anyRequired(phrase) {
				q.Open = &w
				return text[:m[2]] + " " + text[m[3]+wordsEnd(after, n):]
			}
		}
	}
	return text
}

// wordsEnd is the byte offset in s where its first n fields end.
func wordsEnd(s string, n int) int {
	i := 0
	for k := 0; k < n; k++ {
		for i < len(s) && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n') {
			i++
		}
		for i < len(s) && s[i] != ' ' && s[i] != '\t' && s[i] != '\n' {
			i++
		}
	}
	return i
}

// now is the parser's clock: the present, unless a test sets it.
func (p *Parser) now() time.Time {
	if p.Now != nil {
		return p.Now()
	}
	return time.Now()
}
