package hours_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/tierslieux/tierslieux/ingest/hours"
)

// hoursCase is a real-world opening_hours value and what it means at given
// Paris wall times (or instants written with their offset). 2026-06-01 is
// a Monday; 2026-03-29 and 2026-10-25 are the DST Sundays.
type hoursCase struct {
	name                  string
	value                 string
	canon                 string // String() when it differs from value
	err                   string // part of the error message, for rejected values
	open, closed, unknown []string
}

var hoursCases = []hoursCase{
	{name: "weekdays with lunch break", value: "Mo-Fr 08:30-12:00,13:30-17:00",
		open:   []string{"2026-06-01 08:30", "2026-06-01 11:59", "2026-06-01 13:30", "2026-06-05 16:59"},
		closed: []string{"2026-06-01 08:29", "2026-06-01 12:00", "2026-06-01 13:29", "2026-06-01 17:00", "2026-06-06 10:00", "2026-06-07 10:00"}},
	{name: "Tuesday to Saturday, holidays off", value: "Tu-Sa 10:00-19:00; PH off",
		open:   []string{"2026-06-02 10:00", "2026-06-06 18:59"},
		closed: []string{"2026-06-01 12:00", "2026-07-14 12:00", "2026-08-15 12:00", "2026-06-07 12:00"}},
	{name: "always", value: "24/7",
		open: []string{"2026-12-25 03:00", "2026-03-29 02:30", "2026-10-25T02:30+01:00", "2026-06-01 00:00"}},
	{name: "every day", value: "Mo-Su 07:00-22:00",
		open:   []string{"2026-06-07 07:00", "2026-06-03 21:59"},
		closed: []string{"2026-06-07 06:59", "2026-06-07 22:00"}},
	{name: "summer closure", value: "Mo-Fr 09:00-18:00; Jul-Aug off",
		open:   []string{"2026-06-01 10:00", "2026-09-01 10:00"},
		closed: []string{"2026-07-01 10:00", "2026-07-06 10:00", "2026-08-31 10:00"}},
	{name: "Wednesday and Saturday", value: "We 14:00-18:00; Sa 10:00-12:00",
		open:   []string{"2026-06-03 15:00", "2026-06-06 11:00"},
		closed: []string{"2026-06-04 15:00", "2026-06-06 15:00"}},
	{name: "split week", value: "Mo 14:00-18:00; Tu-Fr 09:00-12:00,14:00-18:00; Sa 09:00-12:00",
		open:   []string{"2026-06-01 15:00", "2026-06-02 10:00", "2026-06-06 09:00"},
		closed: []string{"2026-06-01 10:00", "2026-06-02 13:00", "2026-06-06 14:00"}},
	{name: "Friday night", value: "Fr 18:00-02:00",
		open:   []string{"2026-06-05 18:00", "2026-06-05 23:00", "2026-06-06 01:59"},
		closed: []string{"2026-06-05 17:59", "2026-06-06 02:00", "2026-06-04 01:00", "2026-06-05 01:00"}},
	{name: "sunrise is rejected", value: "sunrise-sunset", err: "sunrise, sunset"},
	{name: "French week with Easter holidays", value: "Mo-Fr 09:00-12:00,14:00-17:30; Sa 10:00-12:00; PH off",
		open:   []string{"2026-04-07 10:00", "2026-05-13 17:29", "2026-05-16 11:00", "2026-05-26 10:00"},
		closed: []string{"2026-04-06 10:00", "2026-05-14 10:00", "2026-05-25 10:00", "2026-05-13 17:30"}},
	{name: "long weekdays", value: "Mo-Fr 08:30-19:00",
		open: []string{"2026-06-05 18:59"}, closed: []string{"2026-06-05 19:00"}},
	{name: "three evenings", value: "We 14:00-19:00; Th 18:00-22:00; Sa 10:00-17:00",
		open: []string{"2026-06-03 18:00", "2026-06-04 21:00"}, closed: []string{"2026-06-04 15:00"}},
	{name: "day lists", value: "Tu,Th 14:00-18:00; We 09:00-12:00; Sa 09:30-12:30",
		open:   []string{"2026-06-04 14:00", "2026-06-03 11:00", "2026-06-06 12:29"},
		closed: []string{"2026-06-05 14:00", "2026-06-06 12:30"}},
	{name: "three days a week", value: "Mo,We,Fr 09:00-12:00,14:00-17:00",
		open: []string{"2026-06-03 16:00"}, closed: []string{"2026-06-02 10:00"}},
	{name: "a later rule replaces the day", value: "Mo-Fr 09:00-19:00; We 19:00-22:00",
		open: []string{"2026-06-03 20:00", "2026-06-04 10:00"}, closed: []string{"2026-06-03 10:00"}},
	{name: "an additional rule adds", value: "Mo-Fr 09:00-19:00, We 19:00-22:00", canon: "Mo-Fr 09:00-19:00 open, We 19:00-22:00",
		open: []string{"2026-06-03 10:00", "2026-06-03 20:00"}, closed: []string{"2026-06-04 20:00"}},
	{name: "a closing rule with times only overlays", value: "Mo-Fr 08:00-18:00; We 12:00-14:00 off",
		open:   []string{"2026-06-03 10:00", "2026-06-03 15:00", "2026-06-04 13:00"},
		closed: []string{"2026-06-03 13:00"}},
	{name: "lunch break every day", value: "Mo-Fr 08:00-18:00; 12:00-14:00 off",
		open: []string{"2026-06-01 10:00"}, closed: []string{"2026-06-01 13:00"}},
	{name: "round the clock with breaks", value: "00:00-24:00; Tu-Su 08:30-09:00 off; Tu-Su 14:00-14:30 off; Mo 08:00-13:00 off",
		open:   []string{"2026-06-01 14:00", "2026-06-02 03:00", "2026-06-02 09:00"},
		closed: []string{"2026-06-01 10:00", "2026-06-02 08:45", "2026-06-02 14:15"}},
	{name: "days wrapping over the weekend", value: "Sa-Mo 10:00-18:00",
		open:   []string{"2026-06-06 11:00", "2026-06-07 11:00", "2026-06-08 11:00"},
		closed: []string{"2026-06-02 11:00"}},
	{name: "seasons wrapping over the year", value: "Oct-Mar Mo-Fr 09:00-17:00; Apr-Sep Mo-Sa 08:00-19:00",
		open:   []string{"2026-01-05 10:00", "2026-06-06 10:00", "2026-12-31 10:00"},
		closed: []string{"2026-01-05 08:30", "2026-01-10 10:00", "2026-06-07 10:00"}},
	{name: "winter months every day", value: "Nov-Feb 10:00-16:00",
		open:   []string{"2026-12-31 15:00", "2026-01-15 15:00", "2026-02-28 10:00"},
		closed: []string{"2026-03-01 15:00", "2026-10-31 15:00"}},
	{name: "Christmas", value: "Mo-Sa 09:00-19:00; Dec 24 09:00-12:00; Dec 25 off",
		open:   []string{"2026-12-24 10:00", "2026-12-26 10:00"},
		closed: []string{"2026-12-24 14:00", "2026-12-25 10:00"}},
	{name: "summer date range", value: "Mo-Fr 09:00-17:00; Jul 14-Aug 15 off",
		open:   []string{"2026-07-13 10:00", "2026-08-17 10:00"},
		closed: []string{"2026-07-14 10:00", "2026-08-14 10:00"}},
	{name: "date range over the new year", value: "Mo-Fr 09:00-17:00; Dec 20-Jan 05 off",
		open:   []string{"2026-12-18 10:00", "2026-01-06 10:00"},
		closed: []string{"2026-12-21 10:00", "2026-01-05 10:00"}},
	{name: "holiday hours", value: "Mo-Fr 09:00-18:00; PH 10:00-12:00",
		open:   []string{"2026-05-01 11:00", "2026-11-01 11:00"},
		closed: []string{"2026-05-01 15:00"}},
	{name: "comment after hours is ignored", value: `Mo-Fr 09:00-17:00 "sur rendez-vous"`, canon: "Mo-Fr 09:00-17:00",
		open: []string{"2026-06-01 10:00"}},
	{name: "fallback comment", value: `Mo-Fr 09:00-17:00 || "sur rendez-vous"`, canon: "Mo-Fr 09:00-17:00 || unknown",
		open: []string{"2026-06-01 10:00"}, unknown: []string{"2026-06-01 18:00", "2026-06-06 10:00"}},
	{name: "comment alone", value: `"sur rendez-vous"`, canon: "unknown",
		unknown: []string{"2026-06-01 10:00"}},
	{name: "days with a comment only", value: `Mo-Fr "sur rendez-vous"`, canon: "Mo-Fr unknown",
		unknown: []string{"2026-06-01 10:00"}, closed: []string{"2026-06-06 10:00"}},
	{name: "lower case", value: "mo-fr 9:00-12:00", canon: "Mo-Fr 09:00-12:00",
		open: []string{"2026-06-01 09:00"}},
	{name: "French days and h", value: "Lu-Ve 09h00-12h00, 14h00-18h00", canon: "Mo-Fr 09:00-12:00,14:00-18:00",
		open: []string{"2026-06-05 17:00"}, closed: []string{"2026-06-05 13:00"}},
	{name: "spaces around - and ,", value: "Mo - Fr 09:00 - 12:00 , 14:00 - 18:00", canon: "Mo-Fr 09:00-12:00,14:00-18:00"},
	{name: "upper case", value: "MO-FR 09:00-18:00", canon: "Mo-Fr 09:00-18:00"},
	{name: "missing comma", value: "Mo-Fr 08:00-12:00 13:30-17:00", canon: "Mo-Fr 08:00-12:00,13:30-17:00",
		closed: []string{"2026-06-01 13:00"}},
	{name: "colon after days", value: "Mo-Fr: 09:00-17:00", canon: "Mo-Fr 09:00-17:00"},
	{name: "day list as a range", value: "Mo,Tu,We,Th,Fr 09:00-17:00", canon: "Mo-Fr 09:00-17:00"},
	{name: "weekend", value: "Sa,Su 10:00-18:00",
		open: []string{"2026-06-07 10:00"}, closed: []string{"2026-06-05 10:00"}},
	{name: "Sunday and holidays off", value: "Mo-Sa 10:00-20:00; Su,PH off",
		open: []string{"2026-06-06 11:00"}, closed: []string{"2026-07-14 11:00", "2026-06-07 11:00"}},
	{name: "the same days twice", value: "Mo-Fr 10:00-12:00; Mo-Fr 14:00-18:00",
		open: []string{"2026-06-01 15:00"}, closed: []string{"2026-06-01 11:00"}},
	{name: "nights and an open end", value: "Mo-Fr 17:00-03:00, Sa-Su 18:00+", canon: "Mo-Fr 17:00-03:00 open, Sa,Su 18:00+",
		open:    []string{"2026-06-01 20:00", "2026-06-02 02:00", "2026-06-06 02:00"},
		closed:  []string{"2026-06-01 02:00", "2026-06-01 16:00"},
		unknown: []string{"2026-06-06 19:00"}},
	{name: "first Thursday of the month", value: "Th[1] 14:00-18:00",
		open: []string{"2026-06-04 15:00"}, closed: []string{"2026-06-11 15:00"}},
	{name: "last Sunday of the month", value: "Su[-1] 10:00-12:00",
		open: []string{"2026-06-28 11:00"}, closed: []string{"2026-06-21 11:00"}},
	{name: "school holidays are ignored", value: "Mo-Fr 09:00-17:00; SH off",
		open: []string{"2026-07-15 10:00"}},
	{name: "school holiday hours select nothing", value: "SH Mo-Fr 10:00-12:00",
		closed: []string{"2026-06-01 11:00", "2026-07-15 11:00"}},
	{name: "dated closure over the new year", value: "Mo-Fr 09:00-17:00; 2026 Dec 24-Jan 02 off",
		open:   []string{"2027-12-28 10:00", "2025-12-29 10:00"},
		closed: []string{"2026-12-28 10:00", "2027-01-01 10:00"}},
	{name: "year selector", value: "2026 Mo-Fr 09:00-17:00",
		open: []string{"2026-06-01 10:00"}, closed: []string{"2027-06-01 10:00"}},
	{name: "off", value: "off", closed: []string{"2026-06-01 10:00"}},
	{name: "closed", value: "closed", canon: "off", closed: []string{"2026-06-01 10:00"}},
	{name: "open", value: "open", canon: "24/7", open: []string{"2026-06-01 10:00"}},
	{name: "one day off", value: "Mo-Fr 10:00-20:00; We off",
		open: []string{"2026-06-04 11:00"}, closed: []string{"2026-06-03 11:00"}},
	{name: "DST Sunday night", value: "Su 01:00-04:00",
		open: []string{
			"2026-03-29 01:00", "2026-03-29 01:59", "2026-03-29T03:00+02:00", "2026-03-29T03:59+02:00",
			"2026-10-25T01:30+02:00", "2026-10-25T02:30+02:00", "2026-10-25T02:30+01:00", "2026-10-25T03:59+01:00",
		},
		closed: []string{"2026-03-29 00:59", "2026-03-29T04:00+02:00", "2026-10-25T00:59+02:00", "2026-10-25T04:00+01:00"}},
	{name: "opening inside the repeated hour", value: "Su 02:30-05:00",
		open:   []string{"2026-10-25T02:45+02:00", "2026-10-25T02:45+01:00", "2026-03-29T03:00+02:00"},
		closed: []string{"2026-10-25T02:15+02:00", "2026-10-25T02:15+01:00", "2026-03-29T01:59+01:00"}},
	{name: "every French holiday", value: "Mo-Fr 09:00-18:00; PH off",
		open: []string{"2026-04-07 10:00", "2026-05-13 10:00", "2026-05-26 10:00"},
		closed: []string{
			"2026-04-06 10:00", "2026-05-14 10:00", "2026-05-25 10:00", "2026-05-01 10:00", "2026-05-08 10:00",
			"2026-11-11 10:00", "2026-12-25 10:00", "2027-03-29 10:00", "2027-05-06 10:00",
		}},
	{name: "weekdays around DST", value: "Mo-Fr 09:00-17:00",
		open: []string{"2026-03-30 09:00", "2026-10-26 16:59"}, closed: []string{"2026-10-26 17:00"}},
	{name: "weekday nights", value: "Mo-Fr 22:00-06:00",
		open:   []string{"2026-06-01 23:00", "2026-06-02 03:00", "2026-06-06 03:00"},
		closed: []string{"2026-06-01 03:00", "2026-06-07 03:00", "2026-06-01 12:00"}},
	{name: "a closed day cancels its night", value: "Mo-Su 18:00-02:00; Su off",
		open: []string{"2026-06-07 01:00", "2026-06-06 23:00"}, closed: []string{"2026-06-07 20:00", "2026-06-08 01:00"}},
	{name: "a holiday keeps the night before", value: "Mo-Su 18:00-02:00; PH off",
		open: []string{"2026-07-14 01:00", "2026-07-15 20:00"}, closed: []string{"2026-07-14 20:00", "2026-07-15 01:00"}},
	{name: "closed across midnight", value: "24/7; Fr 23:00-01:00 off",
		open: []string{"2026-06-05 22:59", "2026-06-06 01:00"}, closed: []string{"2026-06-05 23:30", "2026-06-06 00:30"}},
	{name: "bare times replace bare times", value: "10:00-12:00; 14:00-16:00",
		open: []string{"2026-06-01 15:00"}, closed: []string{"2026-06-01 11:00"}},
	{name: "bare times after days overlay", value: "Mo-Fr 08:00-18:00; 12:00-14:00",
		open: []string{"2026-06-01 10:00", "2026-06-06 13:00"}, closed: []string{"2026-06-06 10:00"}},
	{name: "a closing rule alone", value: "Mo 09:00-12:00 off", closed: []string{"2026-06-01 10:00"}},
	{name: "New Year's Day", value: "24/7; Jan 01 off",
		open: []string{"2026-01-02 10:00"}, closed: []string{"2026-01-01 10:00"}},
	{name: "two dates", value: "Mo-Fr 09:00-17:00; Dec 25,26 off", canon: "Mo-Fr 09:00-17:00; Dec 25,Dec 26 off",
		open: []string{"2025-12-29 10:00"}, closed: []string{"2025-12-26 10:00", "2025-12-25 10:00"}},
	{name: "fallback with days", value: `Mo-Fr 08:00-12:00,13:00-17:00 || Sa 10:00-12:00 "sur rendez-vous"`,
		canon: "Mo-Fr 08:00-12:00,13:00-17:00 || Sa 10:00-12:00",
		open:  []string{"2026-06-06 11:00", "2026-06-01 09:00"}, closed: []string{"2026-06-01 12:30", "2026-06-06 13:00"}},
	{name: "explicit open", value: "Mo-Fr 09:00-17:00 open", canon: "Mo-Fr 09:00-17:00"},
	{name: "unknown modifier", value: "Mo-Fr 09:00-12:00 unknown",
		unknown: []string{"2026-06-01 10:00"}, closed: []string{"2026-06-01 13:00"}},
	{name: "trailing semicolon", value: "Mo-Fr 08:00-12:00; Sa 08:00-12:00; ", canon: "Mo-Fr 08:00-12:00; Sa 08:00-12:00"},
	{name: "time list after a comma", value: "Mo 10:00-12:00, 14:00-16:00", canon: "Mo 10:00-12:00,14:00-16:00",
		open: []string{"2026-06-01 15:00"}},
	{name: "additional day rule", value: "Mo-Fr 09:00-17:00, Sa 10:00-12:00", canon: "Mo-Fr 09:00-17:00 open, Sa 10:00-12:00",
		open: []string{"2026-06-06 11:00", "2026-06-05 10:00"}},
	{name: "month list", value: "Jul,Aug Mo-Fr 10:00-18:00",
		open: []string{"2026-07-06 11:00", "2026-08-31 11:00"}, closed: []string{"2026-06-01 11:00", "2026-09-01 11:00"}},
	{name: "ends at 24:00", value: "Fr-Sa 18:00-24:00", canon: "Fr,Sa 18:00-24:00",
		open: []string{"2026-06-05 23:59", "2026-06-06 18:00"}, closed: []string{"2026-06-06 00:30"}},
	{name: "extended hours", value: "Sa 20:00-26:00", canon: "Sa 20:00-02:00",
		open: []string{"2026-06-07 01:30"}, closed: []string{"2026-06-07 02:00"}},
	{name: "weekend and holidays off", value: "Mo-Fr 09:00-17:00; Sa,Su,PH off"},
	{name: "French abbreviations with dots", value: "Lun.-Ven. 9h-17h", canon: "Mo-Fr 09:00-17:00"},
	{name: "typographic dashes", value: "Mo–Fr 09:00–17:00", canon: "Mo-Fr 09:00-17:00"},

	{name: "closure over two new years", value: "24/7; 2025 Dec 20-2027 Jan 05 off",
		open: []string{"2025-12-19 10:00", "2027-01-06 10:00"}, closed: []string{"2026-06-01 10:00", "2027-01-05 10:00"}},
	{name: "winter months in a given year", value: "2026 Nov-Feb 10:00-16:00",
		open: []string{"2026-11-02 11:00", "2027-02-26 11:00"}, closed: []string{"2026-02-02 11:00", "2027-11-02 11:00"}},
	{name: "year range and date", value: "2026-2027 Dec 24 10:00-12:00",
		open: []string{"2027-12-24 11:00"}, closed: []string{"2028-12-24 11:00"}},

	{name: "empty", value: "", err: "empty value"},
	{name: "date range ending on a month", value: "Dec 24-Jan off", err: "must end on a day"},
	{name: "date range without end", value: "Dec 24- off", err: "expected a month or a day"},
	{name: "end year without start year", value: "Dec 24-2027 Jan 05 off", err: "only if it starts in one"},
	{name: "date range running backwards", value: "2027 Dec 24-2026 Jan 05 off", err: "runs backwards"},
	{name: "year range running backwards", value: "2026-2025 Mo 10:00-12:00", err: "runs backwards"},
	{name: "early year", value: "1899 Mo 10:00-12:00", err: "years run from 1900"},
	{name: "year steps", value: "2026-2030/2 Mo 10:00-12:00", err: "year steps"},
	{name: "day out of month", value: "Apr 31 off", err: "no day 31 in Apr"},
	{name: "misplaced month", value: "Mo Dec 10:00-12:00", err: "month out of place"},
	{name: "misplaced holiday", value: "Mo-Fr PH 10:00-12:00", err: `"ph" out of place`},
	{name: "misplaced comment", value: `"a" "b"`, err: "comment out of place"},
	{name: "misplaced 24/7", value: "Mo 24/7", err: "24/7 must stand alone"},
	{name: "start after midnight", value: "Mo-Fr 25:00-26:00", err: "starts before 24:00"},
	{name: "unknown day", value: "Mo-Xy 10:00-12:00", err: "expected a day after '-'"},
	{name: "missing end", value: "Mo-Fr 09:00-", err: "expected an end time"},
	{name: "point in time", value: "Mo-Fr 09:00", err: "needs an end"},
	{name: "no such date", value: "Feb 30 off", err: "no day 30 in Feb"},
	{name: "one-digit minutes", value: "Mo-Fr 9:5-12:00", err: "minutes have two digits"},
	{name: "unterminated comment", value: `Mo-Fr 10:00-12:00 "sur rendez-vous`, err: "closing double quote"},
	{name: "week numbers", value: "week 01-10 Mo 10:00-12:00", err: "week-number"},
	{name: "repeating times", value: "Mo-Fr 10:00-16:00/90", err: "repeating"},
	{name: "Easter dates", value: "easter off", err: "Easter"},
	{name: "holiday offsets", value: "PH +1 day off", err: "day offsets"},
	{name: "variable times", value: "(sunrise+01:00)-18:00", err: "variable times"},
	{name: "single bar", value: "Mo 10:00-12:00 | Sa 10:00-12:00", err: "||"},
	{name: "month range ending on a day", value: "Jan-Mar 15 off", err: "cannot end on a day"},
	{name: "nth zero", value: "Mo[0] 10:00-12:00", err: "nth weekday"},
	{name: "bare hours", value: "Mo-Fr 9-17", err: "times are written HH:MM"},
	{name: "minutes over 59", value: "Mo-Fr 09:60-10:00", err: "00 to 59"},
	{name: "past 48:00", value: "Mo-Fr 08:00-49:00", err: "48:00"},
	{name: "prose", value: "ouvert du lundi au vendredi", err: "unknown word"},
	{name: "too long", value: strings.Repeat("Mo 10:00-12:00; ", 100), err: "longer than"},
	{name: "sunset as an end", value: "Mo 10:00-sunset", err: "sunrise, sunset"},
	{name: "days after times", value: "10:00-12:00 Mo", err: "day out of place"},
}

func TestParse(t *testing.T) {
	for _, tc := range hoursCases {
		t.Run(tc.name, func(t *testing.T) {
			s, err := hours.Parse(tc.value)
			if tc.err != "" {
				var se *hours.SyntaxError
				if !errors.As(err, &se) {
					t.Fatalf("Parse(%q) = %v, %v; want a *SyntaxError", tc.value, s, err)
				}
				if !strings.Contains(se.Error(), tc.err) {
					t.Fatalf("Parse(%q) error %q, want it to mention %q", tc.value, se.Error(), tc.err)
				}
				if se.Offset < 0 || se.Offset > len(tc.value) {
					t.Fatalf("error offset %d outside the value", se.Offset)
				}
				return
			}
			if err != nil {
				t.Fatalf("Parse(%q): %v", tc.value, err)
			}
			want := tc.canon
			if want == "" {
				want = tc.value
			}
			if got := s.String(); got != want {
				t.Errorf("String() = %q, want %q", got, want)
			}
			for _, c := range []struct {
				at   []string
				want hours.State
			}{{tc.open, hours.Open}, {tc.closed, hours.Closed}, {tc.unknown, hours.Unknown}} {
				for _, at := range c.at {
					if got := s.StateAt(MustTime(t, at)); got != c.want {
						t.Errorf("StateAt(%s) = %v, want %v", at, got, c.want)
					}
					if got := s.OpenAt(MustTime(t, at)); got != (c.want == hours.Open) {
						t.Errorf("OpenAt(%s) = %v", at, got)
					}
				}
			}
		})
	}
}

func TestParseCaseCount(t *testing.T) {
	valid := 0
	for _, tc := range hoursCases {
		if tc.err == "" && len(tc.open)+len(tc.closed)+len(tc.unknown) > 0 {
			valid++
		}
	}
	if valid < 60 {
		t.Fatalf("%d valid values with checked instants, want at least 60", valid)
	}
}

func TestSyntaxErrorPosition(t *testing.T) {
	for _, tc := range []struct {
		value  string
		offset int
		near   string
	}{
		{"Mo-Xy 10:00-12:00", 3, "Xy"},
		{"Mo-Fr 09:00-12:00; Sa 10:00", 22, "10:00"},
		{"Mo-Fr 10:00-12:00 ; Xx", 20, "Xx"},
		{"Mo-Fr 10:00-12:00 @", 18, "@"},
		{"Mo-Fr 09:00-", 12, ""},
	} {
		_, err := hours.Parse(tc.value)
		var se *hours.SyntaxError
		if !errors.As(err, &se) {
			t.Fatalf("Parse(%q) = %v, want a *SyntaxError", tc.value, err)
		}
		if se.Offset != tc.offset || se.Near != tc.near {
			t.Errorf("Parse(%q) error at %d near %q, want %d near %q (%v)", tc.value, se.Offset, se.Near, tc.offset, tc.near, err)
		}
	}
}

// TestNilSchedule: a place whose hours did not parse keeps a nil schedule,
// which is unknown and never open.
func TestStateString(t *testing.T) {
	for st, want := range map[hours.State]string{hours.Open: "open", hours.Closed: "closed", hours.Unknown: "unknown"} {
		if st.String() != want {
			t.Errorf("%d.String() = %q, want %q", st, st.String(), want)
		}
	}
}

func TestNilSchedule(t *testing.T) {
	var s *hours.Schedule
	at := MustTime(t, "2026-06-01 10:00")
	if s.OpenAt(at) || s.OpenThroughout(at, at.Add(1)) || s.OpenDuring(at, at.Add(1)) || s.StateAt(at) != hours.Unknown {
		t.Fatal("a nil schedule must be unknown and never open")
	}
	if _, ok := s.NextChange(at); ok || s.Day(at) != nil || s.String() != "" {
		t.Fatal("a nil schedule has no changes, no day and no text")
	}
}
