package hours

import (
	"slices"
	"sort"
	"strconv"
	"strings"
)

// State is what a schedule says about a moment.
type State uint8

const (
	// Closed: no rule opens the place then.
	Closed State = iota
	// Open: a rule opens the place then.
	Open
	// Unknown: a rule says "unknown", or only a comment ("sur rendez-vous")
	// covers that time. Filters treat it as not open.
	Unknown
)

func (s State) String() string {
	switch s {
	case Open:
		return "open"
	case Unknown:
		return "unknown"
	}
	return "closed"
}

// Schedule is a parsed opening_hours value, compiled into small slices so
// that evaluation allocates nothing. A nil *Schedule stands for hours that
// are not known: it is never open and its state is Unknown.
type Schedule struct {
	rules  []rule
	usesPH bool  // some rule selects public holidays: compute them per day
	spills bool  // some time range runs past midnight into the next day
	cuts   []int // sorted minutes of the day at which the state may change
}

type ruleKind uint8

const (
	normal     ruleKind = iota // after ";" (or first)
	additional                 // after ","
	fallback                   // after "||"
)

// rule is one rule sequence. Days, dates and years are matched in the
// wide-to-narrow order of the specification; spans are minutes since the
// selected day's midnight and may end as late as 48:00.
type rule struct {
	kind   ruleKind
	state  State
	years  []yearRange
	dates  []dateRange
	days   daySel
	spans  []span
	hasSel bool // a year, date, weekday or holiday selector is present
	// resets: the rule replaces what earlier rules said about the days it
	// selects (see doc.go); computed by compile.
	resets bool
	// noteOnly: the rule was only a comment, such as `|| "sur rendez-vous"`;
	// it then acts as a fallback.
	noteOnly bool
}

type yearRange struct{ from, to int }

// dateRange is a month range (Jan-Mar), a date (Dec 24) or a date range
// (Jul 14-Aug 15), optionally in given years (2026 Dec 24-Jan 02). Without
// years it repeats every year and may wrap over the new year.
type dateRange struct {
	y1, m1, d1 int
	y2, m2, d2 int
	monthOnly  bool
	from, to   int // match keys: m*32+d, plus y*512 when years are given
}

// daySel is the weekday selector: plain weekdays, weekdays restricted to
// their nth occurrence in the month (Th[3], Su[-1]) and holidays.
type daySel struct {
	mask uint8     // bit per time.Weekday
	nth  [7]uint16 // per time.Weekday: bits 0-4 for [1]..[5], 5-9 for [-1]..[-5]
	ph   bool
	sh   bool // school holidays are parsed but select no day
	both bool // "SH Mo-Fr": holidays that fall on those weekdays
}

// span is a time range in minutes. openEnd marks "10:00+": open from then
// on, closing time unknown.
type span struct {
	from, to int
	openEnd  bool
}

func (d *daySel) empty() bool {
	if d.mask != 0 || d.ph || d.sh {
		return false
	}
	for _, n := range d.nth {
		if n != 0 {
			return false
		}
	}
	return true
}

func compile(rules []rule) *Schedule {
	s := &Schedule{rules: rules}
	cuts := []int{0}
	for i := range rules {
		r := &rules[i]
		// As opening_hours.js does: an open or unknown ";" rule with a day
		// selector (or following a rule without one) replaces the day; a
		// closing rule or a bare time rule after a dated one only overlays.
		r.resets = r.kind == normal && r.state != Closed && (r.hasSel || i > 0 && !rules[i-1].hasSel)
		r.noteOnly = false // served its purpose in the parser
		if r.days.ph {
			s.usesPH = true
		}
		for wd := range r.days.nth {
			if r.days.mask&(1<<wd) != 0 {
				r.days.nth[wd] = 0
			}
		}
		for _, sp := range r.spans {
			if sp.to > minutesPerDay {
				s.spills = true
			}
			cuts = append(cuts, sp.from%minutesPerDay, sp.to%minutesPerDay)
		}
	}
	sort.Ints(cuts)
	s.cuts = slices.Compact(cuts)
	return s
}

// String returns the canonical opening_hours form of the schedule: OSM
// spelling ("Mo-Fr 09:00-12:00,14:00-17:30; PH off"), days in runs, times
// as HH:MM, comments dropped. Parse reads it back to an equivalent schedule.
func (s *Schedule) String() string {
	if s == nil {
		return ""
	}
	var b strings.Builder
	for i := range s.rules {
		r := &s.rules[i]
		if i > 0 {
			switch r.kind {
			case additional:
				b.WriteString(", ")
			case fallback:
				b.WriteString(" || ")
			default:
				b.WriteString("; ")
			}
		}
		// A rule before "," must end with an explicit modifier: otherwise a
		// following time or day would read as part of its own list.
		beforeComma := i+1 < len(s.rules) && s.rules[i+1].kind == additional
		r.write(&b, beforeComma)
	}
	return b.String()
}

func (r *rule) write(b *strings.Builder, beforeComma bool) {
	var parts []string
	if len(r.years) > 0 {
		ys := make([]string, len(r.years))
		// "2026 Dec 24" would read back as a date in 2026: a lone year
		// before dates is written as a range to stay a year selector.
		lone := len(r.years) == 1 && len(r.dates) > 0
		for i, y := range r.years {
			ys[i] = strconv.Itoa(y.from)
			if y.to != y.from || lone {
				ys[i] += "-" + strconv.Itoa(y.to)
			}
		}
		parts = append(parts, strings.Join(ys, ","))
	}
	if len(r.dates) > 0 {
		ds := make([]string, len(r.dates))
		for i, d := range r.dates {
			ds[i] = d.String()
		}
		parts = append(parts, strings.Join(ds, ","))
	}
	if !r.days.empty() {
		parts = append(parts, r.days.String())
	}
	if len(r.spans) > 0 {
		ts := make([]string, len(r.spans))
		for i, sp := range r.spans {
			ts[i] = sp.String()
		}
		parts = append(parts, strings.Join(ts, ","))
	}
	if len(parts) == 0 {
		switch r.state {
		case Closed:
			b.WriteString("off")
		case Unknown:
			b.WriteString("unknown")
		default:
			b.WriteString("24/7")
		}
		return
	}
	b.WriteString(strings.Join(parts, " "))
	switch {
	case r.state == Closed:
		b.WriteString(" off")
	case r.state == Unknown:
		b.WriteString(" unknown")
	case beforeComma:
		b.WriteString(" open")
	}
}

var osmDays = [7]string{"Su", "Mo", "Tu", "We", "Th", "Fr", "Sa"}

var osmMonths = [13]string{"", "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"}

func (d daySel) String() string {
	var wds []string
	wds = append(wds, weekdayRuns(d.mask)...)
	for i := 0; i < 7; i++ {
		wd := (i + 1) % 7 // Monday first
		bits := d.nth[wd]
		if bits == 0 {
			continue
		}
		var ns []string
		for k := 0; k < 5; k++ {
			if bits&(1<<k) != 0 {
				ns = append(ns, strconv.Itoa(k+1))
			}
		}
		for k := 0; k < 5; k++ {
			if bits&(1<<(5+k)) != 0 {
				ns = append(ns, strconv.Itoa(-k-1))
			}
		}
		wds = append(wds, osmDays[wd]+"["+strings.Join(ns, ",")+"]")
	}
	var hols []string
	if d.ph {
		hols = append(hols, "PH")
	}
	if d.sh {
		hols = append(hols, "SH")
	}
	if d.both && len(hols) > 0 && len(wds) > 0 {
		return strings.Join(hols, ",") + " " + strings.Join(wds, ",")
	}
	return strings.Join(append(wds, hols...), ",")
}

// weekdayRuns writes a weekday mask as OSM runs, Monday first, wrapping
// over the weekend when that makes one run: {Sa,Su,Mo} is "Sa-Mo".
func weekdayRuns(mask uint8) []string {
	if mask&0x7f == 0x7f {
		return []string{"Mo-Su"}
	}
	in := func(i int) bool { return mask&(1<<((i+1)%7)) != 0 } // i: 0 is Monday
	start := -1
	for i := 0; i < 7; i++ {
		if in(i) && !in((i+6)%7) {
			start = i
			break
		}
	}
	if start < 0 {
		return nil
	}
	var out []string
	for k := 0; k < 7; {
		if !in((start + k) % 7) {
			k++
			continue
		}
		j := k
		for j+1 < 7 && in((start+j+1)%7) {
			j++
		}
		a, z := osmDays[(start+k+1)%7], osmDays[(start+j+1)%7]
		switch j - k {
		case 0:
			out = append(out, a)
		case 1:
			out = append(out, a, z)
		default:
			out = append(out, a+"-"+z)
		}
		k = j + 1
	}
	return out
}

func (d dateRange) String() string {
	var b strings.Builder
	if d.y1 != 0 {
		b.WriteString(strconv.Itoa(d.y1) + " ")
	}
	b.WriteString(osmMonths[d.m1])
	if !d.monthOnly {
		b.WriteString(" " + twoDigits(d.d1))
	}
	if d.y1 == d.y2 && d.m1 == d.m2 && d.d1 == d.d2 {
		return b.String()
	}
	b.WriteString("-")
	year := d.y1 != 0 && d.y2 != inferredEndYear(d.y1, d.m1, d.d1, d.m2, d.d2)
	if year {
		b.WriteString(strconv.Itoa(d.y2) + " ")
	}
	switch {
	case d.monthOnly:
		b.WriteString(osmMonths[d.m2])
	case year || d.m2 != d.m1:
		b.WriteString(osmMonths[d.m2] + " " + twoDigits(d.d2))
	default:
		b.WriteString(twoDigits(d.d2))
	}
	return b.String()
}

// inferredEndYear is the year a range ends in when only its start has one:
// the same year, or the next when the end comes earlier in the calendar.
func inferredEndYear(y1, m1, d1, m2, d2 int) int {
	if m2*32+d2 < m1*32+d1 {
		return y1 + 1
	}
	return y1
}

func (sp span) String() string {
	if sp.openEnd {
		return clock(sp.from) + "+"
	}
	to := sp.to
	// Past midnight, OSM writes the end as a time of the next day
	// ("18:00-02:00") unless that would read as a shorter range.
	if to > minutesPerDay && to-minutesPerDay <= sp.from {
		to -= minutesPerDay
	}
	return clock(sp.from) + "-" + clock(to)
}

func clock(m int) string { return twoDigits(m/60) + ":" + twoDigits(m%60) }

func twoDigits(n int) string {
	if n < 10 {
		return "0" + strconv.Itoa(n)
	}
	return strconv.Itoa(n)
}
