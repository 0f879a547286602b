// Package hours owns opening hours. It parses OpenStreetMap opening_hours
// values into a Schedule, evaluates them on the Europe/Paris wall clock
// (DST included, zone data embedded), answers "open at", "open throughout",
// "open at some moment during" and "when does it next change" without
// allocating, lists and formats a day's hours in French and English, reads
// what a user asks for in the open= parameter (ParseWhen), and converts the
// per-day French timetables of public exports into opening_hours values
// (FromDays, FromText). Holiday names the French public holidays.
//
// It imports nothing of this project: ingest reports values that do not
// parse (the place then keeps unknown hours, never "closed"), and the
// index, the query language and the HTTP layer evaluate what it parsed.
//
// # Syntax
//
// Parse reads rules separated by ";" (normal), "," (additional) and "||"
// (fallback). A rule has, in this order and each optional: years (2026,
// 2025-2027), months and dates (Jan-Mar, Jul,Aug, Oct-Mar, Dec 24,
// Dec 24-26, Jul 14-Aug 15, 2026 Dec 20-Jan 05), an optional ":", weekdays
// (Mo-Fr, Mo,We,Fr, Sa-Mo, Th[1], Su[-1], Th[1,3]) and holidays (PH, SH,
// "Sa,Su,PH", "SH Mo-Fr" for holidays on those days), time ranges
// (09:00-12:00,14:00-18:00, 18:00-02:00, 20:00-26:00, 00:00-24:00, 10:00+),
// then open, closed, off or unknown, then a comment in double quotes. 24/7
// stands alone. PH is the French public holidays (see Holiday); SH, school
// holidays, is read but selects no day. Lenient forms found in real data
// are accepted: any case, French day and month names (Lu-Ve, Lun.-Ven.,
// décembre), 9:00, 9h, 09h30, spaces around "-" and ",", typographic
// dashes, ranges separated by a space, "Mo-Fr: 09:00-17:00", trailing ";".
//
// Rejected with a *SyntaxError saying where and why: sunrise, sunset, dawn
// and dusk (they need the place's position), points in time without an end,
// repeating times (10:00-16:00/90), week numbers, Easter-relative dates, day
// offsets (PH +1 day), years before 1900, values over MaxLength bytes.
//
// # Meaning
//
// Rules apply in order, as opening_hours.js evaluates them. A ";" rule that
// opens (or says unknown) replaces what earlier rules said about the days
// it selects when it has a day or date selector, or follows a rule without
// one; a closing rule ("We 12:00-14:00 off", "PH off") or a bare time rule
// after a dated one only overlays its times. So "Mo-Fr 09:00-19:00;
// We 19:00-22:00" opens Wednesday 19:00-22:00 only, while "Mo-Fr
// 09:00-19:00, We 19:00-22:00" adds the evening. A "||" rule fills only the
// times no earlier rule covers. A comment after hours is ignored; a rule
// that is only a note ("sur rendez-vous", or days with a note and no hours)
// means unknown, and a bare note acts as a fallback.
//
// Times past midnight belong to the day that starts them: "Fr 18:00-02:00"
// is open early on Saturday whatever Saturday's rules say, unless they
// close those times explicitly; "Su off" also cancels Sunday's own night.
// Times are wall-clock times: on the spring-forward Sunday 02:00-03:00
// never happens, and on the fall-back Sunday it happens twice, so
// "Su 01:00-04:00" lasts two hours in March and four in October.
package hours
