package hours

import (
	"fmt"
	"html"
	"slices"
	"sort"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Reason says why a French hours value could not be converted. The values
// are stable strings for ingest reports.
type Reason string

const (
	// ReasonAppointment: the place opens by appointment ("sur rendez-vous",
	// "sur RDV", "sur demande"); there are no hours to convert.
	ReasonAppointment Reason = "appointment-only"
	// ReasonNotCommunicated: the source says it does not know
	// ("Horaires non communiqués", "NC", "à définir").
	ReasonNotCommunicated Reason = "not-communicated"
	// ReasonUnreadable: text that does not read as hours or as one of the
	// phrases above ("variable", "9h-12h sauf vacances").
	ReasonUnreadable Reason = "unreadable"
	// ReasonEmpty: no hours were given at all.
	ReasonEmpty Reason = "empty"
)

// NoDay is the Problem.Day of a problem that is not about one weekday.
const NoDay time.Weekday = -1

// Problem is one value that was not converted.
type Problem struct {
	Day    time.Weekday // NoDay when it concerns no single weekday
	Value  string       // the text as given
	Reason Reason
}

func (p Problem) String() string {
	if p.Day >= time.Sunday && p.Day <= time.Saturday {
		return fmt.Sprintf("%s: %q: %s", frWeekdays[p.Day], p.Value, p.Reason)
	}
	if p.Day == NoDay {
		return fmt.Sprintf("%q: %s", p.Value, p.Reason)
	}
	return fmt.Sprintf("day %d: %q: %s", int(p.Day), p.Value, p.Reason)
}

// ConvertError is returned when no day had hours: the place's hours stay
// unknown (never "closed"). Reason is the most telling reason among the
// days: appointment-only, then not communicated, then unreadable, then
// empty.
type ConvertError struct {
	Reason   Reason
	Problems []Problem
}

func (e *ConvertError) Error() string {
	return "hours: no opening hours could be read (" + string(e.Reason) + ")"
}

// maxRanges bounds the time ranges of one day: more is not a timetable,
// and the bound keeps any converted value well under MaxLength.
const maxRanges = 8

// Input caps: a day's hours are a short phrase and a week's description a
// paragraph; anything longer is not a timetable, and the caps bound the
// work one record can cost.
const (
	maxDayLength  = 256
	maxTextLength = 8192
)

type dayKind uint8

const (
	dBlank dayKind = iota
	dClosed
	dHours
	dUnknown
)

type dayValue struct {
	kind   dayKind
	reason Reason // for dUnknown
	ranges []span // for dHours, sorted and disjoint
}

// FromDays converts a timetable given per weekday, as public exports have
// it (one column per French day), into a normalised opening_hours value,
// e.g. "Mo-Fr 09:00-12:00,13:30-17:30; Sa 09:00-12:00". It reads
// "9:00 - 12:00 / 13:30 - 17:30", "9h-12h et 14h-17h", "de 9h à 12h",
// "9h00-12h00, 14h-18h", "24h/24", "fermé" or "-" (closed), and leaves a day
// it cannot read as "unknown", listing it in problems. A blank day counts as
// closed when other days have hours. When no day has hours the error is a
// *ConvertError and the value is empty; seven days all "fermé" give "off".
// A day's text longer than 256 bytes is unreadable. What it returns always
// parses with Parse.
func FromDays(days map[time.Weekday]string) (osm string, problems []Problem, err error) {
	keys := make([]time.Weekday, 0, len(days))
	for wd := range days {
		keys = append(keys, wd)
	}
	sort.Slice(keys, func(i, j int) bool { return mondayFirst(keys[i]) < mondayFirst(keys[j]) })
	var vals [7]dayValue
	for _, wd := range keys {
		v := days[wd]
		if wd < time.Sunday || wd > time.Saturday {
			problems = append(problems, Problem{Day: wd, Value: v, Reason: ReasonUnreadable})
			continue
		}
		vals[wd] = classify(v)
		if vals[wd].kind == dUnknown {
			problems = append(problems, Problem{Day: wd, Value: v, Reason: vals[wd].reason})
		}
	}
	return build(vals, dayValue{}, problems)
}

func mondayFirst(wd time.Weekday) int {
	if wd < time.Sunday || wd > time.Saturday {
		return 7 + int(wd)
	}
	return (int(wd) + 6) % 7
}

// build writes the opening_hours value of a week of classified days (and
// of public holidays, from FromText), then normalises it through Parse.
func build(vals [7]dayValue, ph dayValue, problems []Problem) (string, []Problem, error) {
	var hours, closed, unknown int
	for _, v := range vals {
		switch v.kind {
		case dHours:
			hours++
		case dClosed:
			closed++
		case dUnknown:
			unknown++
		}
	}
	if hours == 0 {
		if closed == 7 {
			return "off", problems, nil
		}
		// A day's reason outweighs one about no single day (public
		// holidays, a line of a list that names no day).
		reason := ReasonEmpty
		for _, r := range []Reason{ReasonUnreadable, ReasonNotCommunicated, ReasonAppointment} {
			for _, v := range vals {
				if v.kind == dUnknown && v.reason == r {
					reason = r
				}
			}
			for _, p := range problems {
				if p.Day == NoDay && p.Reason == r && unknown == 0 {
					reason = r
				}
			}
		}
		return "", problems, &ConvertError{Reason: reason, Problems: problems}
	}
	// Equal days share one rule, in the order of their first day: the
	// rules select disjoint days, so their order does not matter.
	var keys []string
	masks := map[string]uint8{}
	for i := 0; i < 7; i++ {
		wd := (i + 1) % 7
		var key string
		switch vals[wd].kind {
		case dHours:
			key = spansText(vals[wd].ranges)
		case dUnknown:
			key = "unknown"
		default:
			continue
		}
		if _, ok := masks[key]; !ok {
			keys = append(keys, key)
		}
		masks[key] |= 1 << wd
	}
	var rules []string
	if len(keys) == 1 && masks[keys[0]] == 0x7f && keys[0] == "00:00-24:00" {
		rules = append(rules, "24/7")
	} else {
		for _, key := range keys {
			rules = append(rules, strings.Join(weekdayRuns(masks[key]), ",")+" "+key)
		}
	}
	switch ph.kind {
	case dClosed:
		rules = append(rules, "PH off")
	case dHours:
		rules = append(rules, "PH "+spansText(ph.ranges))
	case dUnknown:
		rules = append(rules, "PH unknown")
	}
	s, err := Parse(strings.Join(rules, "; "))
	if err != nil {
		// Unreachable: build writes only what Parse reads. Report rather
		// than return a value the index could not use.
		return "", problems, &ConvertError{Reason: ReasonUnreadable, Problems: problems}
	}
	return s.String(), problems, nil
}

func spansText(ranges []span) string {
	parts := make([]string, len(ranges))
	for i, r := range ranges {
		parts[i] = r.String()
	}
	return strings.Join(parts, ",")
}

// cleanText folds case and accents, turns every dash into '-', every space
// into a plain space and typographic apostrophes into ASCII ones, and
// collapses spaces.
func cleanText(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range fold(s) {
		switch {
		case isDash(r):
			r = '-'
		case r == '’' || r == '‘' || r == '`' || r == '´':
			r = '\''
		case unicode.IsSpace(r):
			if !space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			space = true
			continue
		}
		space = false
		b.WriteRune(r)
	}
	return strings.TrimSpace(b.String())
}

// cleanLines cleans each line of s as cleanText does, keeping the line
// breaks between non-empty lines: a line ends the text of its days.
func cleanLines(s string) string {
	if !strings.Contains(s, "\n") {
		return cleanText(s)
	}
	var lines []string
	for _, l := range strings.Split(s, "\n") {
		if l = cleanText(l); l != "" {
			lines = append(lines, l)
		}
	}
	return strings.Join(lines, "\n")
}

// words splits folded text into runs of letters and digits.
func words(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
}

var (
	closedWords = map[string]bool{
		"ferme": true, "fermee": true, "fermes": true, "fermees": true, "fermeture": true,
		"clos": true, "close": true, "closed": true, "x": true,
	}
	closedFillers = map[string]bool{
		"toute": true, "la": true, "journee": true, "le": true, "jour": true, "definitivement": true,
		"exceptionnellement": true, "au": true, "public": true, "all": true, "day": true,
	}
	appointmentMarks     = []string{"rendez-vous", "rendez vous", "rendezvous", "appointment", "sur demande", "on request"}
	notCommunicatedMarks = []string{
		"non communique", "non renseigne", "non precise", "non disponible", "non defini", "pas communique",
		"a definir", "a preciser", "a confirmer", "a venir", "inconnu", "not communicated", "unknown",
	}
	notCommunicatedWords = map[string]bool{"nc": true, "nr": true, "nd": true, "na": true}
	allDayMarks          = []string{"24heuressur24", "24hsur24", "24h/24h", "24h/24", "24h24", "24/24", "24/7", "jouretnuit"}
	allDayFillers        = []string{"7jourssur7", "7jours/7", "7jsur7", "7j/7", "7/7", "ouvert", "open", "et", ",", "-", "/"}
)

// classify reads one day's French hours value.
func classify(v string) dayValue {
	if len(v) > maxDayLength {
		return dayValue{kind: dUnknown, reason: ReasonUnreadable}
	}
	n := cleanText(v)
	core := strings.Trim(n, " .;,:!*")
	if core == "" {
		return dayValue{kind: dBlank}
	}
	if strings.Trim(core, "-/ ") == "" {
		return dayValue{kind: dClosed} // "-", "/", "--": the usual mark of a closed day
	}
	ws := words(core)
	if isClosed(ws) {
		return dayValue{kind: dClosed}
	}
	for _, m := range appointmentMarks {
		if strings.Contains(core, m) {
			return dayValue{kind: dUnknown, reason: ReasonAppointment}
		}
	}
	for _, w := range ws {
		if w == "rdv" {
			return dayValue{kind: dUnknown, reason: ReasonAppointment}
		}
	}
	for _, m := range notCommunicatedMarks {
		if strings.Contains(core, m) {
			return dayValue{kind: dUnknown, reason: ReasonNotCommunicated}
		}
	}
	if strings.Trim(core, "?. ") == "" || strings.Contains(core, "n/c") || len(ws) == 1 && notCommunicatedWords[ws[0]] {
		return dayValue{kind: dUnknown, reason: ReasonNotCommunicated}
	}
	if allDay(core) {
		return dayValue{kind: dHours, ranges: []span{{from: 0, to: minutesPerDay}}}
	}
	ranges, ok := readRanges(core)
	if !ok {
		return dayValue{kind: dUnknown, reason: ReasonUnreadable}
	}
	return dayValue{kind: dHours, ranges: ranges}
}

func isClosed(ws []string) bool {
	closed := false
	for _, w := range ws {
		switch {
		case closedWords[w]:
			closed = true
		case !closedFillers[w]:
			return false
		}
	}
	return closed
}

func allDay(core string) bool {
	s := strings.ReplaceAll(core, " ", "")
	found := false
	for _, m := range allDayMarks {
		if strings.Contains(s, m) {
			found = true
			s = strings.ReplaceAll(s, m, "")
		}
	}
	if !found {
		return false
	}
	for _, f := range allDayFillers {
		s = strings.ReplaceAll(s, f, "")
	}
	return s == ""
}

// htok is a lexeme of a French hours text.
type htok struct {
	kind byte // 'T' time, '-' range, ',' list, 'a' am, 'p' pm
	min  int
	word string // for midi/minuit
}

var rangeWords = map[string]bool{"a": true, "jusqu": true, "jusqua": true, "to": true, "till": true, "until": true}

var listWords = map[string]bool{"et": true, "and": true, "puis": true}

var hourFillers = map[string]bool{
	"de": true, "du": true, "des": true, "d": true, "l": true, "le": true, "la": true, "les": true,
	"ouvert": true, "ouverte": true, "ouverture": true, "open": true, "from": true, "entre": true,
	"matin": true, "matinee": true, "apresmidi": true, "soir": true, "soiree": true, "journee": true,
	"continue": true, "non": true, "stop": true, "nonstop": true, "sans": true, "interruption": true,
	"horaires": true, "horaire": true, "h": true, "heure": true, "heures": true, "hr": true, "hrs": true,
}

// readRanges reads "9h-12h et 14h-17h30", "de 9h à 12h", "9:00 - 12:00 /
// 13:30 - 17:30", "8h30-12h|13h30-17h", "9am-5pm", "14h-minuit".
func readRanges(s string) ([]span, bool) {
	s = strings.NewReplacer("apres-midi", "apresmidi", "apres midi", "apresmidi", "non-stop", "nonstop").Replace(s)
	var toks []htok
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == ' ' || c == ':' || c == '(' || c == ')' || c == '.' || c == '\'' || c == '"':
			i++
		case isDigit(c):
			t, next, ok := readClock(s, i)
			if !ok {
				return nil, false
			}
			toks = append(toks, t)
			i = next
		case c == '-':
			toks = append(toks, htok{kind: '-'})
			i++
		case strings.IndexByte("/,;|+&", c) >= 0:
			toks = append(toks, htok{kind: ','})
			i++
		default:
			r, size := utf8.DecodeRuneInString(s[i:])
			if !unicode.IsLetter(r) {
				return nil, false
			}
			j := i + size
			for j < len(s) {
				r, size := utf8.DecodeRuneInString(s[j:])
				if !unicode.IsLetter(r) {
					break
				}
				j += size
			}
			w := s[i:j]
			i = j
			switch {
			case rangeWords[w]:
				toks = append(toks, htok{kind: '-'})
			case listWords[w]:
				toks = append(toks, htok{kind: ','})
			case w == "midi":
				toks = append(toks, htok{kind: 'T', min: 12 * 60, word: w})
			case w == "minuit":
				toks = append(toks, htok{kind: 'T', min: minutesPerDay, word: w})
			case w == "am":
				toks = append(toks, htok{kind: 'a'})
			case w == "pm":
				toks = append(toks, htok{kind: 'p'})
			case !hourFillers[w]:
				return nil, false
			}
		}
	}
	var out []span
	for i := 0; i < len(toks); {
		switch toks[i].kind {
		case ',':
			i++
			continue
		case '-':
			if len(out) > 0 { // "9h-12h - 14h-18h": a dash between ranges
				i++
				continue
			}
			return nil, false
		}
		from, next, ok := readTime(toks, i)
		if !ok || next >= len(toks) || toks[next].kind != '-' {
			return nil, false
		}
		to, next2, ok := readTime(toks, next+1)
		if !ok {
			return nil, false
		}
		i = next2
		if from == minutesPerDay {
			from = 0 // "minuit" opening
		}
		switch {
		case from >= minutesPerDay || to > minutesPerDay || from == to:
			return nil, false
		case to < from && from >= 12*60 && to <= 8*60:
			to += minutesPerDay // "18h-2h", "20h-8h"; "14h-12h" is rather a typo
		case to < from:
			return nil, false
		}
		out = append(out, span{from: from, to: to})
	}
	if len(out) == 0 || len(out) > maxRanges {
		return nil, false
	}
	sort.Slice(out, func(i, j int) bool { return out[i].from < out[j].from })
	merged := out[:1]
	for _, r := range out[1:] {
		last := &merged[len(merged)-1]
		if r.from <= last.to {
			last.to = max(last.to, r.to)
			continue
		}
		merged = append(merged, r)
	}
	return merged, true
}

// readClock reads "9", "9h", "9h30", "9 h 30", "09:00", "9.30" at s[i].
func readClock(s string, i int) (htok, int, bool) {
	j := i
	for j < len(s) && isDigit(s[j]) {
		j++
	}
	if j-i > 2 {
		return htok{}, 0, false
	}
	h, m := atoi(s[i:j]), 0
	k := j
	for k < len(s) && s[k] == ' ' {
		k++
	}
	if k < len(s) && (s[k] == 'h' || s[k] == ':' || s[k] == '.') {
		sep := s[k]
		k++
		if sep == 'h' {
			// "9 heures 30": the unit may be spelt out.
			for _, unit := range []string{"eures", "eure", "rs", "r"} {
				if strings.HasPrefix(s[k:], unit) {
					k += len(unit)
					break
				}
			}
		}
		n := k
		for n < len(s) && s[n] == ' ' {
			n++
		}
		switch e := digitsAt(s, n); {
		case e-n == 2:
			m, j = atoi(s[n:e]), e
		case e-n != 0:
			return htok{}, 0, false
		case sep == 'h':
			j = k
		case sep == '.':
			j = k - 1 // a full stop after a bare hour
		default:
			return htok{}, 0, false
		}
	}
	if h > 24 || m > 59 || h == 24 && m != 0 {
		return htok{}, 0, false
	}
	return htok{kind: 'T', min: h*60 + m}, j, true
}

func digitsAt(s string, i int) int {
	for i < len(s) && isDigit(s[i]) {
		i++
	}
	return i
}

// readTime reads a time and an optional am/pm after it.
func readTime(toks []htok, i int) (int, int, bool) {
	if i >= len(toks) || toks[i].kind != 'T' {
		return 0, i, false
	}
	m := toks[i].min
	i++
	if i < len(toks) && (toks[i].kind == 'a' || toks[i].kind == 'p') {
		h := m / 60
		if h < 1 || h > 12 || toks[i-1].word != "" {
			return 0, i, false
		}
		switch {
		case toks[i].kind == 'p' && h < 12:
			m += 12 * 60
		case toks[i].kind == 'a' && h == 12:
			m -= 12 * 60
		}
		i++
	}
	return m, i, true
}

// FromText converts a week described in free text or HTML, such as
// "<p>Lundi : 9h-12h</p><p>Mardi : fermé</p>",
// "Lundi 9h-12h / Mardi 14h-17h",
// "Du lundi au vendredi de 9h à 12h et de 14h à 17h, le samedi de 9h à 12h"
// or "De 9h à 18h du lundi au samedi", into a normalised opening_hours
// value, best effort. Days are named in French or English, alone, in
// ranges ("lundi-vendredi", "du lundi au vendredi") or lists ("lundi et
// mardi"); "tous les jours" and "7j/7" name every day, "en semaine" Monday
// to Friday, "week-end" Saturday and Sunday, "jours fériés" public
// holidays. Days not named are closed when others have hours. A line
// break, or the end of an HTML list item, paragraph or line (</li>, <br>,
// </p>…), ends the text of the days it follows: the lines after it that
// read as hours continue it, and any other line that names no day is
// reported as a problem about no single day ("Autres jours : sur
// rendez-vous"). Text longer than 8 KiB is unreadable. It reports
// problems, fails and guarantees a parseable result as FromDays does.
func FromText(text string) (osm string, problems []Problem, err error) {
	if len(text) > maxTextLength {
		problems = []Problem{{Day: NoDay, Value: clip(text, 64), Reason: ReasonUnreadable}}
		return "", problems, &ConvertError{Reason: ReasonUnreadable, Problems: problems}
	}
	plain := stripHTML(text)
	n := cleanLines(plain)
	toks := blobTokens(n)
	var segs []blobSeg
	for i := 0; i < len(toks); {
		seg, next, ok := dayExpr(toks, i)
		if !ok {
			i++
			continue
		}
		segs = append(segs, seg)
		i = next
	}
	if len(segs) == 0 {
		v := classify(plain)
		switch v.kind {
		case dBlank:
			return "", nil, &ConvertError{Reason: ReasonEmpty}
		case dClosed:
			return "off", nil, nil
		case dHours:
			v.reason = ReasonUnreadable // hours, but for which days?
		}
		problems = []Problem{{Day: NoDay, Value: strings.TrimSpace(plain), Reason: v.reason}}
		return "", problems, &ConvertError{Reason: v.reason, Problems: problems}
	}
	// gaps[k] is the text before day expression k, gaps[len(segs)] the
	// text after the last one; both keep their line breaks.
	gaps := make([]string, len(segs)+1)
	prevEnd := 0
	for k, seg := range segs {
		gaps[k] = trimSeg(n[prevEnd:seg.start])
		prevEnd = seg.end
	}
	gaps[len(segs)] = trimSeg(n[prevEnd:])
	// "…, fermé le dimanche": a closing word written before its days.
	for k := 1; k < len(segs); k++ {
		if gaps[k+1] != "" {
			continue
		}
		cut := strings.LastIndexAny(gaps[k], " \n")
		if w := gaps[k][cut+1:]; closedWords[w] && cut > 0 {
			gaps[k], gaps[k+1] = trimSeg(gaps[k][:cut]), w
		}
	}
	head := trimLabel(trimSeg(strings.ReplaceAll(gaps[0], "\n", " ")))
	// "De 9h à 12h du lundi au vendredi": hours written before their days.
	before := hasDigit(head) && !hasDigit(gaps[len(segs)])
	if !before && hasDigit(head) {
		problems = append(problems, Problem{Day: NoDay, Value: head, Reason: ReasonUnreadable})
	}
	// texts[k] is the text of day expression k: the line after it (or,
	// hours first, before it) and the lines of hours that continue it.
	texts := make([]string, len(segs))
	var orphans []string
	for k := range segs {
		if before {
			g := gaps[k]
			if k == 0 {
				g = trimLabel(g)
			}
			lines := strings.Split(g, "\n")
			slices.Reverse(lines)
			text, rest := dayLines(lines)
			slices.Reverse(rest)
			texts[k], orphans = text, append(orphans, rest...)
			continue
		}
		text, rest := dayLines(strings.Split(gaps[k+1], "\n"))
		texts[k], orphans = text, append(orphans, rest...)
	}
	for _, l := range orphans {
		switch v := classify(l); v.kind {
		case dUnknown:
			problems = append(problems, Problem{Day: NoDay, Value: l, Reason: v.reason})
		case dHours:
			problems = append(problems, Problem{Day: NoDay, Value: l, Reason: ReasonUnreadable}) // hours, but for which days?
		}
	}
	var dayTexts [7][]string
	var phTexts []string
	for k, seg := range segs {
		t := texts[k]
		for wd := 0; wd < 7; wd++ {
			if seg.mask&(1<<wd) != 0 {
				dayTexts[wd] = append(dayTexts[wd], t)
			}
		}
		if seg.ph {
			phTexts = append(phTexts, t)
		}
	}
	var vals [7]dayValue
	for i := 0; i < 7; i++ {
		wd := (i + 1) % 7
		if len(dayTexts[wd]) == 0 {
			continue
		}
		t := strings.Join(dayTexts[wd], " / ")
		vals[wd] = classify(t)
		if vals[wd].kind == dUnknown {
			problems = append(problems, Problem{Day: time.Weekday(wd), Value: t, Reason: vals[wd].reason})
		}
	}
	var ph dayValue
	if len(phTexts) > 0 {
		t := strings.Join(phTexts, " / ")
		ph = classify(t)
		if ph.kind == dUnknown {
			problems = append(problems, Problem{Day: NoDay, Value: "jours fériés : " + t, Reason: ph.reason})
		}
	}
	return build(vals, ph, problems)
}

// dayLines splits the lines of text next to a day expression, nearest
// first, into the day's text — the first line that is not blank, then the
// lines of hours that continue a day of hours — and the lines left over.
func dayLines(lines []string) (text string, rest []string) {
	var took []string
	i := 0
	for i < len(lines) && trimSeg(lines[i]) == "" {
		i++
	}
	if i < len(lines) {
		took = append(took, trimSeg(lines[i]))
		i++
		for hours := classify(took[0]).kind == dHours; hours && i < len(lines); i++ {
			l := trimSeg(lines[i])
			if classify(l).kind != dHours {
				break
			}
			took = append(took, l)
		}
	}
	for ; i < len(lines); i++ {
		if l := trimSeg(lines[i]); l != "" {
			rest = append(rest, l)
		}
	}
	return strings.Join(took, " / "), rest
}

// blockTags are the HTML elements that end a line; other tags, such as
// <strong> or <td>, are read as a space.
var blockTags = map[string]bool{
	"br": true, "p": true, "div": true, "li": true, "ul": true, "ol": true, "dl": true, "dt": true, "dd": true,
	"tr": true, "table": true, "tbody": true, "thead": true, "tfoot": true, "hr": true, "h1": true, "h2": true,
	"h3": true, "h4": true, "h5": true, "h6": true, "section": true, "article": true, "header": true,
	"footer": true, "blockquote": true, "pre": true, "address": true,
}

// tagName is the lower-case name of the tag whose text, after '<', is s.
func tagName(s string) string {
	s = strings.TrimPrefix(s, "/")
	end := 0
	for end < len(s) && (s[end] >= 'a' && s[end] <= 'z' || s[end] >= 'A' && s[end] <= 'Z' || s[end] >= '0' && s[end] <= '9') {
		end++
	}
	return strings.ToLower(s[:end])
}

// stripHTML replaces block tags with line breaks and other tags with
// spaces, and decodes entities.
func stripHTML(s string) string {
	if !strings.ContainsAny(s, "<&") {
		return s
	}
	var b strings.Builder
	for {
		i := strings.IndexByte(s, '<')
		if i < 0 {
			b.WriteString(s)
			break
		}
		j := strings.IndexByte(s[i:], '>')
		if j < 0 {
			b.WriteString(s)
			break
		}
		b.WriteString(s[:i])
		if blockTags[tagName(s[i+1:i+j])] {
			b.WriteByte('\n')
		} else {
			b.WriteByte(' ')
		}
		s = s[i+j+1:]
	}
	return html.UnescapeString(b.String())
}

type btok struct {
	text       string // a word, or one other character
	start, end int    // byte range in the text
}

// blobTokens splits folded text into words and single other characters.
func blobTokens(s string) []btok {
	var toks []btok
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == ' ':
			i += size
		case unicode.IsLetter(r):
			j := i + size
			for j < len(s) {
				r, n := utf8.DecodeRuneInString(s[j:])
				if !unicode.IsLetter(r) {
					break
				}
				j += n
			}
			toks = append(toks, btok{s[i:j], i, j})
			i = j
		default:
			toks = append(toks, btok{s[i : i+size], i, i + size})
			i += size
		}
	}
	return toks
}

var blobDays = map[string]int{
	"lundi": 1, "lundis": 1, "lun": 1, "monday": 1, "mondays": 1, "mon": 1,
	"mardi": 2, "mardis": 2, "mar": 2, "tuesday": 2, "tuesdays": 2, "tue": 2,
	"mercredi": 3, "mercredis": 3, "mer": 3, "wednesday": 3, "wednesdays": 3, "wed": 3,
	"jeudi": 4, "jeudis": 4, "jeu": 4, "thursday": 4, "thursdays": 4, "thu": 4,
	"vendredi": 5, "vendredis": 5, "ven": 5, "friday": 5, "fridays": 5, "fri": 5,
	"samedi": 6, "samedis": 6, "sam": 6, "saturday": 6, "saturdays": 6, "sat": 6,
	"dimanche": 0, "dimanches": 0, "dim": 0, "sunday": 0, "sundays": 0, "sun": 0,
}

// dayPhrases are the phrases that name several days at once, as token
// sequences ("-", "/" and digits are tokens of their own).
var dayPhrases = []struct {
	toks []string
	mask uint8
	ph   bool
}{
	{[]string{"tous", "les", "jours"}, 0x7f, false},
	{[]string{"toute", "la", "semaine"}, 0x7f, false},
	{[]string{"7", "jours", "sur", "7"}, 0x7f, false},
	{[]string{"7", "jours", "/", "7"}, 0x7f, false},
	{[]string{"7", "j", "sur", "7"}, 0x7f, false},
	{[]string{"7", "j", "/", "7"}, 0x7f, false},
	{[]string{"7", "/", "7"}, 0x7f, false},
	{[]string{"every", "day"}, 0x7f, false},
	{[]string{"daily"}, 0x7f, false},
	{[]string{"en", "semaine"}, 0x3e, false},
	{[]string{"week", "-", "end"}, 0x41, false},
	{[]string{"week", "end"}, 0x41, false},
	{[]string{"weekend"}, 0x41, false},
	{[]string{"jours", "feries"}, 0, true},
	{[]string{"jours", "ferie"}, 0, true},
	{[]string{"jour", "ferie"}, 0, true},
	{[]string{"feries"}, 0, true},
	{[]string{"public", "holidays"}, 0, true},
	{[]string{"bank", "holidays"}, 0, true},
}

// dayUnit reads one day or day phrase at toks[k]; n is how many tokens it
// took and wd the weekday when it is a single day (else -1).
func dayUnit(toks []btok, k int) (mask uint8, ph bool, wd, n int) {
	if k < len(toks) {
		if d, ok := blobDays[toks[k].text]; ok {
			return 1 << d, false, d, 1
		}
	}
	for _, p := range dayPhrases {
		if k+len(p.toks) > len(toks) {
			continue
		}
		match := true
		for i, w := range p.toks {
			if toks[k+i].text != w {
				match = false
				break
			}
		}
		if match {
			return p.mask, p.ph, -1, len(p.toks)
		}
	}
	return 0, false, -1, 0
}

type blobSeg struct {
	mask       uint8 // bit per time.Weekday
	ph         bool
	start, end int // byte range of the day expression in the text
}

// dayExpr reads a day expression at toks[i]: "lundi", "du lundi au
// vendredi", "lundi-vendredi", "lundi, mardi et jeudi", "samedi et jours
// fériés", then an optional ':'.
func dayExpr(toks []btok, i int) (blobSeg, int, bool) {
	text := func(k int) string {
		if k < len(toks) {
			return toks[k].text
		}
		return ""
	}
	j := i
	switch text(j) {
	case "du", "le", "les", "chaque", "the", "on", "from":
		if _, _, _, n := dayUnit(toks, j+1); n > 0 {
			j++
		}
	}
	mask, ph, last, n := dayUnit(toks, j)
	if n == 0 {
		return blobSeg{}, i, false
	}
	seg := blobSeg{mask: mask, ph: ph, start: toks[i].start}
	j += n
	// A range or list of days may run over a line break ("Du lundi<br>au
	// vendredi"); it still needs a day after its joining word.
	skip := func(k int) int {
		for text(k) == "\n" {
			k++
		}
		return k
	}
loop:
	for {
		at := skip(j)
		switch c := text(at); {
		case last >= 0 && (c == "au" || c == "a" || c == "-" || c == "to" || c == "jusqu"):
			k := skip(at + 1)
			if text(k) == "'" {
				k++ // "jusqu'au"
			}
			if text(k) == "au" && c == "jusqu" {
				k++
			}
			wd, ok := blobDays[text(k)]
			if !ok {
				break loop
			}
			for d := last; ; d = (d + 1) % 7 {
				seg.mask |= 1 << d
				if d == wd {
					break
				}
			}
			last, j = wd, k+1
		case c == "," || c == "et" || c == "/" || c == "&" || c == "and":
			k := skip(at + 1)
			if text(k) == "le" || text(k) == "les" {
				k++
			}
			m, p, wd, n := dayUnit(toks, k)
			if n == 0 {
				break loop
			}
			seg.mask |= m
			seg.ph = seg.ph || p
			last, j = wd, k+n
		default:
			break loop
		}
	}
	seg.end = toks[j-1].end
	if text(j) == ":" {
		seg.end = toks[j].end
		j++
	}
	return seg, j, true
}

// trimSeg trims separators and dangling joining words around a text.
func trimSeg(s string) string {
	for {
		t := strings.Trim(s, " ,;/|-.:&\n")
		for _, w := range []string{"et", "le", "les", "du", "puis", "and", "the", "on"} {
			t = strings.TrimSuffix(t, " "+w)
			if t == w {
				t = ""
			}
		}
		if t == s {
			return t
		}
		s = t
	}
}

// trimLabel drops a heading such as "Horaires d'ouverture :".
func trimLabel(s string) string {
	for _, l := range []string{"horaires d'ouverture", "horaires", "horaire", "opening hours", "hours", "ouverture"} {
		if strings.HasPrefix(s, l) {
			return trimSeg(s[len(l):])
		}
	}
	return s
}

func hasDigit(s string) bool { return strings.ContainsAny(s, "0123456789") }

// clip shortens s to at most n bytes on a character boundary, marking the cut.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}
