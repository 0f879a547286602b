package hours

import (
	"time"
	_ "time/tzdata" // Europe/Paris must resolve on machines without a zoneinfo database.
)

// paris is the zone every schedule and every query is read in: the places
// are all in Occitanie, and their hours are wall-clock hours there.
var paris = loadParis()

func loadParis() *time.Location {
	loc, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		// Unreachable while time/tzdata is linked in. A fixed CET offset
		// keeps evaluation running (without DST) rather than failing at init.
		return time.FixedZone("CET", 3600)
	}
	return loc
}

// Location returns Europe/Paris, the zone in which schedules are evaluated
// and queries are read. Use it to build a calendar date for Day or Holiday:
// time.Date(2026, 12, 24, 12, 0, 0, 0, hours.Location()).
func Location() *time.Location { return paris }

const (
	secondsPerDay = 86400
	minutesPerDay = 1440
)

// wallSeconds returns t as seconds since 1970-01-01 00:00 on a Paris wall
// clock: one zone lookup, then integer arithmetic for the date and time.
func wallSeconds(t time.Time) int64 {
	_, off := t.In(paris).Zone()
	return t.Unix() + int64(off)
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if a%b != 0 && (a < 0) != (b < 0) {
		q--
	}
	return q
}

// civil converts a day number (days since 1970-01-01) to a proleptic
// Gregorian date, after Howard Hinnant's days_from_civil inverse.
func civil(z int64) (y, m, d int) {
	z += 719468
	era := floorDiv(z, 146097)
	doe := z - era*146097
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365
	doy := doe - (365*yoe + yoe/4 - yoe/100)
	mp := (5*doy + 2) / 153
	d = int(doy - (153*mp+2)/5 + 1)
	if mp < 10 {
		m = int(mp + 3)
	} else {
		m = int(mp - 9)
	}
	y = int(yoe + era*400)
	if m <= 2 {
		y++
	}
	return y, m, d
}

// dayNumber is the inverse of civil.
func dayNumber(y, m, d int) int64 {
	yy := int64(y)
	if m <= 2 {
		yy--
	}
	era := floorDiv(yy, 400)
	yoe := yy - era*400
	mp := int64(m) + 9
	if m > 2 {
		mp = int64(m) - 3
	}
	doy := (153*mp+2)/5 + int64(d) - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return era*146097 + doe - 719468
}

func leap(y int) bool { return y%4 == 0 && (y%100 != 0 || y%400 == 0) }

func daysIn(y, m int) int {
	switch m {
	case 2:
		if leap(y) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// weekdayOfDay returns the time.Weekday of a day number: 1970-01-01 was a
// Thursday.
func weekdayOfDay(day int64) int {
	w := (day + 4) % 7
	if w < 0 {
		w += 7
	}
	return int(w)
}

// wallInstant returns the instant at which a Paris wall clock shows minute m
// of the given day (m may exceed a day: it then runs into the next one).
// Inside the spring-forward gap the clock never shows that time, so the
// answer is the moment the clock jumps past it; in the repeated autumn hour
// either occurrence may be returned.
func wallInstant(day int64, m int) time.Time {
	y, mo, d := civil(day)
	t := time.Date(y, time.Month(mo), d, 0, m, 0, 0, paris)
	_, off := t.Zone()
	if t.Unix()+int64(off) != day*secondsPerDay+int64(m)*60 {
		start, _ := t.ZoneBounds()
		if !start.IsZero() {
			return start
		}
	}
	return t
}

// localDay returns the Paris day number of t.
func localDay(t time.Time) int64 { return floorDiv(wallSeconds(t), secondsPerDay) }
