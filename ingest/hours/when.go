package hours

import (
	"fmt"
	"strings"
	"time"
)

// WhenKind says how a When is matched against a schedule.
type WhenKind uint8

const (
	// At: open at the instant From ("now", "mo 18:00", "after 18:00").
	At WhenKind = iota
	// Throughout: open at every moment of [From, To), a window the user
	// stated ("we 09:00-12:00", "saturday evening").
	Throughout
	// During: open at some moment of [From, To), whole days ("today",
	// "tomorrow", "weekend", "samedi", "2026-12-24").
	During
)

// DayPart is a named part of the day. Its window is fixed and echoed back
// to users, so it is part of the API:
//
//	Morning    "matin", "morning"          09:00-12:00
//	Afternoon  "après-midi", "afternoon"   14:00-17:00
//	Evening    "soir", "evening", "tonight" 18:00-20:00
type DayPart uint8

const (
	NoPart DayPart = iota
	Morning
	Afternoon
	Evening
)

var dayParts = [...]struct {
	from, to time.Duration
	fr, en   string
	frAt     string // "le matin": how French says "in the morning"
}{
	NoPart:    {},
	Morning:   {9 * time.Hour, 12 * time.Hour, "matin", "morning", "le matin"},
	Afternoon: {14 * time.Hour, 17 * time.Hour, "après-midi", "afternoon", "l'après-midi"},
	Evening:   {18 * time.Hour, 20 * time.Hour, "soir", "evening", "le soir"},
}

// Window returns the part's start and end as durations since midnight.
func (p DayPart) Window() (from, to time.Duration) {
	if p > Evening {
		return 0, 0
	}
	return dayParts[p].from, dayParts[p].to
}

// Name returns the part's name: "matin", "morning".
func (p DayPart) Name(l Lang) string {
	if p > Evening {
		return ""
	}
	return pick(l, dayParts[p].fr, dayParts[p].en)
}

func (p DayPart) String() string { return p.Name(English) }

// When is what a user asks about in the open= parameter, resolved against
// the current time in Europe/Paris.
type When struct {
	Kind     WhenKind
	From, To time.Time // in Europe/Paris; To is zero for At
	Part     DayPart   // the named part of the day asked for, echoed by Describe
}

// maxWhen bounds a window or a span of days: a filter evaluates every
// candidate place over it.
const maxWhen = 31 * 24 * time.Hour

// ParseWhen reads the open= parameter, relative to now. It accepts, in
// French or English, case and accents ignored:
//
//	now, maintenant                     At now (to the minute)
//	today, aujourd'hui / tomorrow, demain   During that day
//	weekend, week-end                   During Saturday 00:00 to Monday 00:00 of
//	                                    this weekend (the current one on Sunday)
//	sa, samedi, saturday (any weekday)  During the next such day, today if it is
//	                                    that day
//	mo 18:00, samedi 9h30               At that time on that day
//	we 09:00-12:00                      Throughout that window (past midnight
//	                                    when the end is earlier)
//	mo morning, samedi soir             Throughout the day part's window
//	after 18:00, après 18h, dès 18h     At that time (today, or on the day given)
//	2026-12-24, 2026-12-24T09:00        During that day / At that instant
//	2026-12-24 09:00-12:00              Throughout that window
//
// A day name with a time or window already over this week means next
// week's. The canonical forms written by When.String are read back:
// "2026-12-24T09:00+01:00", "…T09:00+01:00/…T12:00+01:00",
// "2026-12-26/2026-12-27". An error is always a *SyntaxError.
func ParseWhen(s string, now time.Time) (When, error) {
	q := strings.TrimSpace(s)
	if q == "" {
		return When{}, &SyntaxError{Msg: "empty"}
	}
	if len(q) > 100 {
		return When{}, &SyntaxError{Offset: 100, Msg: "longer than 100 bytes"}
	}
	if w, ok, err := parseISOWhen(q); ok {
		return w, err
	}
	norm := apostrophes.Replace(q)
	toks, err := lex(norm)
	if err != nil {
		return When{}, err
	}
	p := &whenParser{parser: parser{src: norm, toks: toks}, now: now.In(paris)}
	return p.parse()
}

// apostrophes split "aujourd'hui" into words; the typographic one becomes
// three spaces so that byte offsets in errors still point into the input.
var apostrophes = strings.NewReplacer("'", " ", "’", "   ")

type whenRef uint8

const (
	refNone whenRef = iota
	refToday
	refTomorrow
	refWeekend
	refWeekday
	refDate
)

type whenParser struct {
	parser
	now time.Time
}

var whenFillers = map[string]bool{
	"ce": true, "cet": true, "cette": true, "this": true, "le": true, "la": true, "on": true,
	"at": true, "a": true, "open": true, "ouvert": true, "in": true, "the": true,
}

func (p *whenParser) skipFillers() {
	for t := p.peek(); t.kind == tWord && whenFillers[t.text]; t = p.peek() {
		p.next()
	}
}

// seq consumes the given words, all or nothing; "-" stands for a dash.
func (p *whenParser) seq(words ...string) bool {
	i := p.i
	for _, w := range words {
		t := p.at(i)
		if w == "-" && t.kind != tDash || w != "-" && (t.kind != tWord || t.text != w) {
			return false
		}
		i++
	}
	p.i = i
	return true
}

func (p *whenParser) parse() (When, error) {
	if t := p.peek(); t.kind == tWord && (t.text == "now" || t.text == "maintenant") && len(p.toks) == 1 {
		return When{Kind: At, From: p.now.Truncate(time.Minute)}, nil
	}
	today := localDay(p.now)
	ref, day, part := refNone, today, NoPart
	p.skipFillers()
	t := p.peek()
	switch {
	case p.seq("today") || p.seq("auj") || p.seq("aujourdhui") || p.seq("aujourd", "hui"):
		ref = refToday
	case p.seq("tomorrow") || p.seq("demain"):
		ref, day = refTomorrow, today+1
	case p.seq("tonight"):
		ref, part = refToday, Evening
	case p.seq("weekend") || p.seq("week", "-", "end") || p.seq("week", "end"):
		ref = refWeekend
		switch wd := weekdayOfDay(today); wd {
		case 6:
		case 0:
			day = today - 1
		default:
			day = today + int64(6-wd)
		}
	case t.kind == tNum && t.digits == 4:
		d, err := p.isoDate()
		if err != nil {
			return When{}, err
		}
		ref, day = refDate, d
	default:
		if wd, ok := weekdayOf(t); ok {
			p.next()
			ref, day = refWeekday, today+int64((wd-weekdayOfDay(today)+7)%7)
		}
	}
	p.skipFillers()
	w := When{Kind: During, Part: part}
	var from, to int
	switch {
	case part != NoPart:
	case p.seq("matin") || p.seq("morning") || p.seq("matinee"):
		part = Morning
	case p.seq("afternoon") || p.seq("aprem") || p.seq("apres", "-", "midi") || p.seq("apres", "midi"):
		part = Afternoon
	case p.seq("soir") || p.seq("evening") || p.seq("soiree"):
		part = Evening
	case p.seq("after") || p.seq("apres") || p.seq("des") || p.seq("from"):
		m, err := p.clock(false)
		if err != nil {
			return When{}, err
		}
		w.Kind, from = At, m
	case p.peek().kind == tTime:
		m, err := p.clock(false)
		if err != nil {
			return When{}, err
		}
		w.Kind, from = At, m
		if p.peek().kind == tDash {
			p.next()
			if to, err = p.clock(true); err != nil {
				return When{}, err
			}
			if to == from {
				return When{}, p.errAt(p.toks[p.i-1], "empty window")
			}
			w.Kind = Throughout
		}
	}
	if part != NoPart {
		f, e := part.Window()
		w.Kind, w.Part, from, to = Throughout, part, int(f/time.Minute), int(e/time.Minute)
	}
	p.skipFillers()
	if t := p.peek(); t.kind != tEOF {
		return When{}, p.whenUnexpected(t)
	}
	if ref == refNone && w.Kind == During {
		return When{}, &SyntaxError{Msg: "say a day, a time or now"}
	}
	if ref == refWeekend && w.Kind != During {
		return When{}, &SyntaxError{Msg: "the weekend takes no time: ask for a day, such as sa 10:00"}
	}
	for {
		switch w.Kind {
		case At:
			w.From = wallInstant(day, from)
		case Throughout:
			if to <= from {
				to += minutesPerDay
			}
			w.From, w.To = wallInstant(day, from), wallInstant(day, to)
		default:
			n := int64(1)
			if ref == refWeekend {
				n = 2
			}
			w.From, w.To = wallInstant(day, 0), wallInstant(day+n, 0)
		}
		// "mo 18:00" asked on a Monday evening means next Monday.
		if ref == refWeekday && w.Kind != During && w.lastMoment().Before(p.now.Truncate(time.Minute)) {
			day += 7
			continue
		}
		return w, nil
	}
}

// lastMoment is the last instant the When asks about.
func (w When) lastMoment() time.Time {
	if w.Kind == At {
		return w.From
	}
	return w.To.Add(-time.Minute)
}

// clock reads a time of day; 24:00 only as the end of a window.
func (p *whenParser) clock(end bool) (int, error) {
	t := p.next()
	if t.kind != tTime {
		return 0, p.errAt(t, "expected a time such as 18:00 or 18h")
	}
	if t.val > minutesPerDay || t.val == minutesPerDay && !end {
		return 0, p.errAt(t, "a time of day runs from 00:00 to 23:59")
	}
	return t.val, nil
}

// isoDate reads 2026-12-24 written as tokens.
func (p *whenParser) isoDate() (int64, error) {
	y := p.next()
	if p.next().kind != tDash {
		return 0, p.errAt(y, "expected a date such as 2026-12-24")
	}
	m := p.next()
	if p.next().kind != tDash {
		return 0, p.errAt(m, "expected a date such as 2026-12-24")
	}
	d := p.next()
	if m.kind != tNum || d.kind != tNum || m.digits != 2 || d.digits != 2 {
		return 0, p.errAt(y, "expected a date such as 2026-12-24")
	}
	if err := checkDate(y.val, m.val, d.val); err != "" {
		return 0, p.errAt(y, "%s", err)
	}
	return dayNumber(y.val, m.val, d.val), nil
}

func checkDate(y, m, d int) string {
	if y < 1970 || y > 2200 {
		return "year out of range (1970-2200)"
	}
	if m < 1 || m > 12 || d < 1 || d > daysIn(y, m) {
		return "no such date"
	}
	return ""
}

func (p *whenParser) whenUnexpected(t token) error {
	switch t.kind {
	case tWord:
		return p.errAt(t, "unknown or misplaced word")
	case tTime:
		return p.errAt(t, "unexpected time")
	}
	return p.errAt(t, "unexpected text")
}

const isoMinute = "2006-01-02T15:04Z07:00"

// parseISOWhen reads the ISO forms that need no tokens: a date, a local or
// offset date-time, and the two interval forms written by String. ok is
// false when q is not one of them.
func parseISOWhen(q string) (When, bool, error) {
	if len(q) < 10 || !isISODate(q[:10]) || len(q) > 10 && q[10] != 'T' && q[10] != '/' {
		return When{}, false, nil
	}
	bad := func(msg string) (When, bool, error) {
		return When{}, true, &SyntaxError{Near: q, Msg: msg}
	}
	if a, b, ok := strings.Cut(q, "/"); ok {
		fa, dateA, err := isoPoint(a)
		if err != "" {
			return bad(err)
		}
		fb, dateB, err := isoPoint(b)
		if err != "" {
			return bad(err)
		}
		if dateA != dateB {
			return bad("an interval joins two dates or two date-times")
		}
		w := When{Kind: Throughout, From: fa, To: fb}
		if dateA {
			w = When{Kind: During, From: fa, To: wallInstant(localDay(fb)+1, 0)}
		}
		if !w.To.After(w.From) {
			return bad("the interval ends before it starts")
		}
		if w.To.Sub(w.From) > maxWhen+2*time.Hour {
			return bad("the interval is longer than 31 days")
		}
		return w, true, nil
	}
	from, date, err := isoPoint(q)
	if err != "" {
		return bad(err)
	}
	if date {
		return When{Kind: During, From: from, To: wallInstant(localDay(from)+1, 0)}, true, nil
	}
	return When{Kind: At, From: from}, true, nil
}

func isISODate(s string) bool {
	for i := 0; i < 10; i++ {
		if i == 4 || i == 7 {
			if s[i] != '-' {
				return false
			}
		} else if !isDigit(s[i]) {
			return false
		}
	}
	return true
}

// isoPoint reads a date (its local midnight) or a date-time, to the minute.
func isoPoint(s string) (time.Time, bool, string) {
	if len(s) < 10 || !isISODate(s[:10]) {
		return time.Time{}, false, "expected a date such as 2026-12-24 or 2026-12-24T09:00"
	}
	y, m, d := atoi(s[:4]), atoi(s[5:7]), atoi(s[8:10])
	if msg := checkDate(y, m, d); msg != "" {
		return time.Time{}, false, msg
	}
	if len(s) == 10 {
		return wallInstant(dayNumber(y, m, d), 0), true, ""
	}
	for _, layout := range []string{isoMinute, "2006-01-02T15:04:05Z07:00"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.Truncate(time.Minute).In(paris), false, ""
		}
	}
	for _, layout := range []string{"2006-01-02T15:04", "2006-01-02T15:04:05"} {
		if t, err := time.ParseInLocation(layout, s, paris); err == nil {
			return t.Truncate(time.Minute).In(paris), false, ""
		}
	}
	return time.Time{}, false, "expected a date-time such as 2026-12-24T09:00"
}

// Match reports whether the schedule answers the question: open at the
// instant, throughout the window, or at some moment of the days.
func (w When) Match(s *Schedule) bool {
	switch w.Kind {
	case Throughout:
		return s.OpenThroughout(w.From, w.To)
	case During:
		return s.OpenDuring(w.From, w.To)
	}
	return s.OpenAt(w.From)
}

// String returns the canonical form, which ParseWhen reads back to the same
// times: "2026-12-24T09:00+01:00" (At),
// "2026-12-24T09:00+01:00/2026-12-24T12:00+01:00" (Throughout),
// "2026-12-24" or "2026-12-26/2026-12-27" (During, whole days).
func (w When) String() string {
	switch w.Kind {
	case Throughout:
		return w.From.In(paris).Format(isoMinute) + "/" + w.To.In(paris).Format(isoMinute)
	case During:
		first, last := localDay(w.From), localDay(w.To)-1
		if last <= first {
			return isoDay(first)
		}
		return isoDay(first) + "/" + isoDay(last)
	}
	return w.From.In(paris).Format(isoMinute)
}

func isoDay(day int64) string {
	y, m, d := civil(day)
	return fmt.Sprintf("%04d-%02d-%02d", y, m, d)
}

// Describe says in words what the When asks:
//
//	"ouvert le samedi 26 décembre à 18 h" / "open on Saturday 26 December at 18:00"
//	"ouvert le samedi 26 décembre, le soir (18 h – 20 h)" / "open on Saturday 26 December, in the evening (18:00–20:00)"
//	"ouvert à un moment le samedi 26 décembre" / "open at some time on Saturday 26 December"
func (w When) Describe(l Lang) string {
	switch w.Kind {
	case Throughout:
		window := FormatDay([]Span{{Start: w.From, End: w.To, State: Open}}, l)
		switch {
		case w.Part != NoPart && w.Part <= Evening:
			if l == English {
				return "open on " + dateText(w.From, l) + ", in the " + w.Part.Name(l) + " (" + window + ")"
			}
			return "ouvert le " + dateText(w.From, l) + ", " + dayParts[w.Part].frAt + " (" + window + ")"
		case w.To.Sub(w.From) <= 24*time.Hour:
			return pick(l, "ouvert sans interruption le ", "open without a break on ") + dateText(w.From, l) + ", " + window
		}
		if l == English {
			return "open without a break from " + dateText(w.From, l) + " " + clockText(w.From, l) + " to " + dateText(w.To, l) + " " + clockText(w.To, l)
		}
		return "ouvert sans interruption du " + dateText(w.From, l) + " " + clockText(w.From, l) + " au " + dateText(w.To, l) + " " + clockText(w.To, l)
	case During:
		first := w.From
		last := wallInstant(localDay(w.To)-1, 0)
		if localDay(last) <= localDay(first) {
			return pick(l, "ouvert à un moment le ", "open at some time on ") + dateText(first, l)
		}
		if l == English {
			return "open at some time between " + dateText(first, l) + " and " + dateText(last, l)
		}
		return "ouvert à un moment entre le " + dateText(first, l) + " et le " + dateText(last, l)
	}
	return pick(l, "ouvert le ", "open on ") + dateText(w.From, l) + pick(l, " à ", " at ") + clockText(w.From, l)
}
