package hours

import (
	"strconv"
	"time"
)

// Lang selects the language of readable text.
type Lang uint8

const (
	French Lang = iota
	English
)

var (
	frWeekdays = [7]string{"dimanche", "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi"}
	enWeekdays = [7]string{"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"}
	frMonths   = [13]string{"", "janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre"}
	enMonths   = [13]string{"", "January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"}
)

// FormatDay writes a day's spans (from Schedule.Day) for people:
//
//	French:  "9 h – 12 h, 14 h – 17 h 30", "24 h/24", "fermé"
//	English: "9:00–12:00, 14:00–17:30", "24 hours", "closed"
//
// Spans whose state is unknown are marked "(à confirmer)" / "(unconfirmed)";
// a day entirely unknown reads "horaires inconnus" / "hours unknown".
func FormatDay(spans []Span, l Lang) string {
	if len(spans) == 0 {
		return pick(l, "fermé", "closed")
	}
	if len(spans) == 1 && wholeDay(spans[0]) {
		if spans[0].State == Unknown {
			return pick(l, "horaires inconnus", "hours unknown")
		}
		return pick(l, "24 h/24", "24 hours")
	}
	// One buffer, one string: every result of an answer says its day.
	var buf [96]byte
	b := buf[:0]
	for i, sp := range spans {
		if i > 0 {
			b = append(b, ", "...)
		}
		start := sp.Start.In(paris)
		end := sp.End.In(paris)
		eh, em, _ := end.Clock()
		if eh == 0 && em == 0 && end.After(start) {
			eh = 24
		}
		sh, sm, _ := start.Clock()
		if l == English {
			b = appendEnClock(append(appendEnClock(b, sh, sm), "–"...), eh, em)
		} else {
			b = appendFrClock(append(appendFrClock(b, sh, sm), " – "...), eh, em)
		}
		if sp.State == Unknown {
			b = append(b, pick(l, " (à confirmer)", " (unconfirmed)")...)
		}
	}
	return string(b)
}

func wholeDay(sp Span) bool {
	s, e := sp.Start.In(paris), sp.End.In(paris)
	sh, sm, _ := s.Clock()
	eh, em, _ := e.Clock()
	y, m, d := s.Date()
	ey, emo, ed := e.Date()
	return sh == 0 && sm == 0 && eh == 0 && em == 0 && time.Date(y, m, d+1, 0, 0, 0, 0, time.UTC).Equal(time.Date(ey, emo, ed, 0, 0, 0, 0, time.UTC))
}

func pick(l Lang, fr, en string) string {
	if l == English {
		return en
	}
	return fr
}

// frClock writes French typography without the no-break spaces, which
// JSON clients rarely render as intended: "9 h", "17 h 30".
func frClock(h, m int) string { return string(appendFrClock(nil, h, m)) }

func enClock(h, m int) string { return string(appendEnClock(nil, h, m)) }

// appendFrClock appends "9 h" or "9 h 05".
func appendFrClock(b []byte, h, m int) []byte {
	b = append(strconv.AppendInt(b, int64(h), 10), " h"...)
	if m == 0 {
		return b
	}
	return appendTwoDigits(append(b, ' '), m)
}

// appendEnClock appends "9:05".
func appendEnClock(b []byte, h, m int) []byte {
	return appendTwoDigits(append(strconv.AppendInt(b, int64(h), 10), ':'), m)
}

func appendTwoDigits(b []byte, n int) []byte {
	if n < 10 {
		b = append(b, '0')
	}
	return strconv.AppendInt(b, int64(n), 10)
}

// clockText writes a wall time in the language.
func clockText(t time.Time, l Lang) string {
	h, m, _ := t.In(paris).Clock()
	if l == English {
		return enClock(h, m)
	}
	return frClock(h, m)
}

// dateText writes a date: "samedi 26 décembre", "vendredi 1er mai",
// "Saturday 26 December".
func dateText(t time.Time, l Lang) string {
	t = t.In(paris)
	_, m, d := t.Date()
	if l == English {
		return enWeekdays[t.Weekday()] + " " + strconv.Itoa(d) + " " + enMonths[m]
	}
	day := strconv.Itoa(d)
	if d == 1 {
		day = "1er"
	}
	return frWeekdays[t.Weekday()] + " " + day + " " + frMonths[m]
}
