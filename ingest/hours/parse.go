package hours

import "fmt"

// MaxLength is the longest value Parse accepts, in bytes. OpenStreetMap caps
// tag values at 255 characters; the margin leaves room for lenient spellings
// while bounding the work one value can cost.
const MaxLength = 1024

// SyntaxError is returned by Parse and ParseWhen for input they cannot read.
// Callers detect it with errors.As to report the value as unparseable.
type SyntaxError struct {
	Offset int    // byte offset in the input where reading failed
	Near   string // the text found there, empty at the end of the input
	Msg    string // why, in English
}

func (e *SyntaxError) Error() string {
	if e.Near == "" {
		return fmt.Sprintf("hours: at offset %d: %s", e.Offset, e.Msg)
	}
	return fmt.Sprintf("hours: at offset %d near %q: %s", e.Offset, e.Near, e.Msg)
}

// Parse reads an OpenStreetMap opening_hours value. See the package
// documentation for the syntax it accepts and how rules combine. An error is
// always a *SyntaxError.
func Parse(value string) (*Schedule, error) {
	if len(value) > MaxLength {
		return nil, &SyntaxError{Offset: MaxLength, Msg: fmt.Sprintf("value longer than %d bytes", MaxLength)}
	}
	toks, err := lex(value)
	if err != nil {
		return nil, err
	}
	p := &parser{src: value, toks: toks}
	rules, err := p.parse()
	if err != nil {
		return nil, err
	}
	return compile(rules), nil
}

type parser struct {
	src  string
	toks []token
	i    int
}

func (p *parser) at(i int) token {
	if i < len(p.toks) {
		return p.toks[i]
	}
	return token{kind: tEOF, pos: len(p.src), end: len(p.src)}
}

func (p *parser) peek() token { return p.at(p.i) }

func (p *parser) next() token {
	t := p.peek()
	if p.i < len(p.toks) {
		p.i++
	}
	return t
}

func (p *parser) errAt(t token, format string, args ...any) error {
	near := ""
	if t.kind != tEOF {
		near = p.src[t.pos:t.end]
	}
	return &SyntaxError{Offset: t.pos, Near: near, Msg: fmt.Sprintf(format, args...)}
}

func (p *parser) isMonthAt(i int) bool { _, ok := monthOf(p.at(i)); return ok }

func (p *parser) isYearAt(i int) bool {
	t := p.at(i)
	return t.kind == tNum && t.digits == 4
}

// year consumes a year, which must be written 1900 to 9999: year 0 could
// not be told from "no year".
func (p *parser) year() (int, error) {
	t := p.next()
	if t.val < 1900 {
		return 0, p.errAt(t, "years run from 1900")
	}
	return t.val, nil
}

func (p *parser) parse() ([]rule, error) {
	var rules []rule
	kind := normal
	for {
		r, empty, err := p.rule()
		if err != nil {
			return nil, err
		}
		if !empty {
			r.kind = kind
			if r.noteOnly && len(rules) > 0 {
				r.kind = fallback
			}
			rules = append(rules, r)
		}
		t := p.next()
		switch t.kind {
		case tEOF:
			if len(rules) == 0 {
				return nil, &SyntaxError{Msg: "empty value"}
			}
			rules[0].kind = normal
			return rules, nil
		case tSemi:
			kind = normal
		case tComma:
			kind = additional
		case tOr:
			kind = fallback
		default:
			return nil, p.unexpected(t)
		}
	}
}

func (p *parser) unexpected(t token) error {
	switch t.kind {
	case tWord:
		switch {
		case isVariableTime(t):
			return p.errAt(t, "sunrise, sunset, dawn and dusk are not supported: they need the place's position")
		case t.text == "week":
			return p.errAt(t, "week-number selectors are not supported")
		case t.text == "easter":
			return p.errAt(t, "Easter-relative dates are not supported")
		}
		if _, ok := weekdayOf(t); ok {
			return p.errAt(t, "day out of place: days come before times, after months")
		}
		if _, ok := monthOf(t); ok {
			return p.errAt(t, "month out of place: months come first in a rule")
		}
		switch t.text {
		case "ph", "sh", "open", "closed", "off", "unknown":
			return p.errAt(t, "%q out of place", t.text)
		}
		return p.errAt(t, "unknown word")
	case tNum:
		return p.errAt(t, "number out of place: times are written HH:MM")
	case tTime:
		return p.errAt(t, "time out of place: times follow the days of their rule")
	case tComment:
		return p.errAt(t, "comment out of place: comments end a rule")
	case tAlways:
		return p.errAt(t, "24/7 must stand alone in its rule")
	}
	return p.errAt(t, "unexpected punctuation")
}

// rule parses one rule sequence: selectors, then a modifier and a comment.
// empty reports a rule with nothing in it (";;" or a trailing ";").
func (p *parser) rule() (r rule, empty bool, err error) {
	r.state = Open
	start := p.i
	always := false
	if p.peek().kind == tAlways {
		p.next()
		always = true
	} else {
		if err = p.wide(&r); err != nil {
			return r, false, err
		}
		if err = p.weekdays(&r); err != nil {
			return r, false, err
		}
		if err = p.times(&r); err != nil {
			return r, false, err
		}
	}
	explicit, comment := p.modifier(&r)
	if p.i == start {
		return r, true, nil
	}
	r.hasSel = len(r.years) > 0 || len(r.dates) > 0 || !r.days.empty()
	if comment && !explicit && !always && len(r.spans) == 0 {
		// A note without hours (`Mo-Fr "sur rendez-vous"`) does not say the
		// place is open all day: it says the hours are not known.
		r.state = Unknown
		r.noteOnly = !r.hasSel
	}
	return r, false, nil
}

// wide parses year and date selectors and the optional ":" after them.
func (p *parser) wide(r *rule) error {
	if p.isYearAt(p.i) && !p.isMonthAt(p.i+1) {
		if err := p.years(r); err != nil {
			return err
		}
	}
	if p.isMonthAt(p.i) || (p.isYearAt(p.i) && p.isMonthAt(p.i+1)) {
		if err := p.dates(r); err != nil {
			return err
		}
	}
	t := p.peek()
	if t.kind == tWord && (t.text == "week" || t.text == "easter") {
		return p.unexpected(t)
	}
	if (len(r.years) > 0 || len(r.dates) > 0) && t.kind == tColon {
		p.next()
	}
	return nil
}

func (p *parser) years(r *rule) error {
	for {
		from, err := p.year()
		if err != nil {
			return err
		}
		y := yearRange{from, from}
		if p.peek().kind == tDash && p.isYearAt(p.i+1) {
			p.next()
			e := p.peek()
			if y.to, err = p.year(); err != nil {
				return err
			}
			if y.to < y.from {
				return p.errAt(e, "year range runs backwards")
			}
		}
		switch n := p.peek(); n.kind {
		case tSlash:
			return p.errAt(n, "year steps (/) are not supported")
		case tPlus:
			return p.errAt(n, "open-ended years (+) are not supported")
		}
		r.years = append(r.years, y)
		if p.peek().kind == tComma && p.isYearAt(p.i+1) {
			p.next()
			continue
		}
		return nil
	}
}

// dates parses a list of months, dates and date ranges.
func (p *parser) dates(r *rule) error {
	for {
		d, err := p.dateItem()
		if err != nil {
			return err
		}
		r.dates = append(r.dates, d)
		// "Dec 24,26": a bare day continues the month before it.
		for !d.monthOnly && p.peek().kind == tComma && p.at(p.i+1).kind == tNum && p.at(p.i+1).digits <= 2 {
			p.next()
			t := p.next()
			if d, err = p.dateEnd(dateRange{y1: d.y2, m1: d.m2, d1: t.val}, t); err != nil {
				return err
			}
			r.dates = append(r.dates, d)
		}
		if p.peek().kind == tComma && (p.isMonthAt(p.i+1) || p.isYearAt(p.i+1) && p.isMonthAt(p.i+2)) {
			p.next()
			continue
		}
		return nil
	}
}

// dateItem parses [year] month [day] [- end].
func (p *parser) dateItem() (dateRange, error) {
	var d dateRange
	if p.isYearAt(p.i) {
		y, err := p.year()
		if err != nil {
			return d, err
		}
		d.y1 = y
	}
	mt := p.next()
	d.m1, _ = monthOf(mt)
	if t := p.peek(); t.kind == tNum && t.digits <= 2 {
		p.next()
		d.d1 = t.val
		return p.dateEnd(d, t)
	}
	d.monthOnly = true
	return p.dateEnd(d, mt)
}

// dateEnd parses the optional end of a range whose start is in d, then
// validates the range. start is the token of the start's last part.
func (p *parser) dateEnd(d dateRange, start token) (dateRange, error) {
	if !d.monthOnly && (d.d1 < 1 || d.d1 > daysIn(2000, d.m1)) {
		return d, p.errAt(start, "no day %d in %s", d.d1, osmMonths[d.m1])
	}
	d.y2, d.m2, d.d2 = d.y1, d.m1, d.d1
	if p.peek().kind == tDash {
		p.next()
		t := p.peek()
		endYear := 0
		if p.isYearAt(p.i) && p.isMonthAt(p.i+1) {
			if d.y1 == 0 {
				return d, p.errAt(t, "a range can end in a given year only if it starts in one")
			}
			y, err := p.year()
			if err != nil {
				return d, err
			}
			endYear, t = y, p.peek()
		}
		if m, ok := monthOf(t); ok {
			p.next()
			d.m2, d.d2 = m, 0
			if n := p.peek(); n.kind == tNum && n.digits <= 2 {
				p.next()
				d.d2 = n.val
				t = n
			}
			if d.monthOnly && d.d2 != 0 {
				return d, p.errAt(t, "a month range cannot end on a day: write Jan 01-Mar 15")
			}
			if !d.monthOnly && d.d2 == 0 {
				return d, p.errAt(t, "a date range must end on a day: write Dec 24-Jan 31")
			}
		} else if t.kind == tNum && t.digits <= 2 && !d.monthOnly && endYear == 0 {
			p.next()
			d.d2 = t.val
		} else {
			return d, p.errAt(t, "expected a month or a day after '-'")
		}
		if !d.monthOnly && (d.d2 < 1 || d.d2 > daysIn(2000, d.m2)) {
			return d, p.errAt(t, "no day %d in %s", d.d2, osmMonths[d.m2])
		}
		if d.y1 != 0 {
			d.y2 = endYear
			if endYear == 0 {
				d.y2 = inferredEndYear(d.y1, d.m1, d.d1, d.m2, d.d2)
			}
		}
	}
	d1, d2 := d.d1, d.d2
	if d.monthOnly {
		d1, d2 = 1, 31
	}
	d.from, d.to = d.m1*32+d1, d.m2*32+d2
	if d.y1 != 0 {
		d.from += d.y1 * 512
		d.to += d.y2 * 512
		if d.to < d.from {
			return d, p.errAt(start, "date range runs backwards")
		}
	}
	return d, nil
}

// weekdays parses the weekday selector: "Mo-Fr", "Mo,We", "Sa-Mo", "Th[3]",
// "Su[-1]", "PH", "Sa,Su,PH", "SH Mo-Fr" (holidays on those weekdays).
func (p *parser) weekdays(r *rule) error {
	ds := &r.days
	sawDay, sawHol, afterComma := false, false, false
	for {
		t := p.peek()
		wd, isDay := weekdayOf(t)
		isHol := isHolidayWord(t)
		if !isDay && !isHol {
			break
		}
		if isHol && sawDay && !afterComma {
			break // "Mo-Fr PH" is no selector; the caller reports it
		}
		if isDay && sawHol && !sawDay && !afterComma {
			ds.both = true
		}
		p.next()
		if isHol {
			if t.text == "ph" {
				ds.ph = true
			} else {
				ds.sh = true
			}
			if n := p.peek(); n.kind == tPlus || n.kind == tDash && p.at(p.i+1).kind == tNum {
				return p.errAt(n, "day offsets such as PH +1 day are not supported")
			}
			sawHol = true
		} else {
			if err := p.weekdayItem(ds, wd); err != nil {
				return err
			}
			sawDay = true
		}
		afterComma = false
		if p.peek().kind == tComma {
			n := p.at(p.i + 1)
			if _, ok := weekdayOf(n); ok || isHolidayWord(n) {
				p.next()
				afterComma = true
				continue
			}
			if n.kind == tTime {
				p.next() // lenient "Mo-Fr, 09:00-17:00": the comma reads as a space
			}
			break
		}
		if _, ok := weekdayOf(p.peek()); ok && isHol && !sawDay {
			continue // "SH Mo-Fr"
		}
		break
	}
	if (sawDay || sawHol) && p.peek().kind == tColon {
		p.next() // lenient "Mo-Fr: 09:00-17:00"
	}
	return nil
}

func (p *parser) weekdayItem(ds *daySel, wd int) error {
	switch p.peek().kind {
	case tDash:
		n := p.at(p.i + 1)
		wd2, ok := weekdayOf(n)
		if !ok {
			return p.errAt(n, "expected a day after '-'")
		}
		p.i += 2
		for d := wd; ; d = (d + 1) % 7 {
			ds.mask |= 1 << d
			if d == wd2 {
				break
			}
		}
	case tLBrack:
		p.next()
		bits, err := p.nth()
		if err != nil {
			return err
		}
		ds.nth[wd] |= bits
		if n := p.peek(); n.kind == tPlus || n.kind == tDash && p.at(p.i+1).kind == tNum {
			return p.errAt(n, "day offsets such as Su[-1] -1 day are not supported")
		}
	default:
		ds.mask |= 1 << wd
	}
	return nil
}

// nth parses the inside of "[1,3]", "[-1]" or "[1-2]" and the closing "]".
func (p *parser) nth() (uint16, error) {
	var bits uint16
	for {
		n, t := p.signed()
		if n == 0 || n > 5 || n < -5 {
			return 0, p.errAt(t, "the nth weekday of a month is 1 to 5, or -1 to -5 from the end")
		}
		switch {
		case n > 0 && p.peek().kind == tDash && p.at(p.i+1).kind == tNum:
			p.next()
			m, e := p.signed()
			if m < n || m > 5 {
				return 0, p.errAt(e, "nth range must run upwards within 1 to 5")
			}
			for k := n; k <= m; k++ {
				bits |= 1 << (k - 1)
			}
		case n > 0:
			bits |= 1 << (n - 1)
		default:
			bits |= 1 << (4 - n)
		}
		switch t := p.next(); t.kind {
		case tComma:
		case tRBrack:
			return bits, nil
		default:
			return 0, p.errAt(t, "expected ',' or ']'")
		}
	}
}

// signed reads an optionally negative number; 0 means none was there.
func (p *parser) signed() (int, token) {
	t := p.peek()
	sign := 1
	if t.kind == tDash {
		sign = -1
		p.next()
		t = p.peek()
	}
	if t.kind != tNum {
		return 0, t
	}
	p.next()
	if t.digits > 1 {
		return 99, t
	}
	return sign * t.val, t
}

// times parses "09:00-12:00,14:00-18:00", "18:00-02:00", "10:00+".
func (p *parser) times(r *rule) error {
	for {
		t := p.peek()
		if isVariableTime(t) {
			return p.unexpected(t)
		}
		if t.kind != tTime {
			return nil
		}
		p.next()
		if t.val >= minutesPerDay {
			return p.errAt(t, "a time range starts before 24:00")
		}
		sp := span{from: t.val}
		switch n := p.peek(); n.kind {
		case tDash:
			p.next()
			e := p.next()
			if isVariableTime(e) {
				return p.unexpected(e)
			}
			if e.kind != tTime {
				return p.errAt(e, "expected an end time after '-'")
			}
			if e.val > 2*minutesPerDay {
				return p.errAt(e, "a time range ends by 48:00")
			}
			sp.to = e.val
			if sp.to <= sp.from {
				sp.to += minutesPerDay // past midnight: "18:00-02:00"
			}
			switch n := p.peek(); n.kind {
			case tPlus:
				p.next() // "may stay open later": nothing a filter can use
			case tSlash:
				return p.errAt(n, "repeating times (/) are not supported")
			}
		case tPlus:
			p.next()
			sp.to, sp.openEnd = minutesPerDay, true
		default:
			return p.errAt(t, "a time needs an end: write %s-HH:MM", clock(t.val))
		}
		r.spans = append(r.spans, sp)
		switch n := p.peek(); {
		case n.kind == tTime:
			// lenient: ranges separated by a space only
		case n.kind == tComma && p.at(p.i+1).kind == tTime:
			p.next()
		default:
			return nil
		}
	}
}

// modifier parses open/closed/off/unknown and a trailing comment.
func (p *parser) modifier(r *rule) (explicit, comment bool) {
	if t := p.peek(); t.kind == tWord {
		switch t.text {
		case "open":
			r.state = Open
		case "closed", "off":
			r.state = Closed
		case "unknown":
			r.state = Unknown
		default:
			return false, p.comment()
		}
		p.next()
		explicit = true
	}
	return explicit, p.comment()
}

func (p *parser) comment() bool {
	if p.peek().kind == tComment {
		p.next()
		return true
	}
	return false
}
