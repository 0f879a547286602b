package hours

import "time"

// easter returns the month and day of Easter Sunday in the Gregorian
// calendar (the anonymous algorithm published by Meeus, after Butcher).
func easter(y int) (month, day int) {
	a := y % 19
	b, c := y/100, y%100
	d, e := b/4, b%4
	f := (b + 8) / 25
	g := (b - f + 1) / 3
	h := (19*a + b - d - g + 15) % 30
	i, k := c/4, c%4
	l := (32 + 2*e + 2*i - h - k) % 7
	m := (a + 11*h + 22*l) / 451
	month = (h + l - 7*m + 114) / 31
	day = (h+l-7*m+114)%31 + 1
	return month, day
}

// holidayName names the French public holiday on a date, if any. Only the
// eleven national holidays count: Good Friday and 26 December are holidays
// in Alsace-Moselle alone, far from Occitanie.
func holidayName(y, m, d int) (string, bool) {
	switch m*100 + d {
	case 101:
		return "Jour de l'an", true
	case 501:
		return "Fête du Travail", true
	case 508:
		return "Victoire 1945", true
	case 714:
		return "Fête nationale", true
	case 815:
		return "Assomption", true
	case 1101:
		return "Toussaint", true
	case 1111:
		return "Armistice 1918", true
	case 1225:
		return "Noël", true
	}
	// Easter-based holidays fall between 23 March and 14 June.
	if m < 3 || m > 6 {
		return "", false
	}
	em, ed := easter(y)
	switch dayNumber(y, m, d) - dayNumber(y, em, ed) {
	case 1:
		return "Lundi de Pâques", true
	case 39:
		return "Ascension", true
	case 50:
		return "Lundi de Pentecôte", true
	}
	return "", false
}

// Holiday reports whether the Europe/Paris calendar date of t is a French
// public holiday, and names it in French ("Lundi de Pâques", "Noël"). Easter
// is computed, so any year works. This is the calendar behind the PH
// selector of opening_hours values.
func Holiday(t time.Time) (name string, ok bool) {
	y, m, d := t.In(paris).Date()
	return holidayName(y, int(m), d)
}
