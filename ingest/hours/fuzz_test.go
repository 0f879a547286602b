package hours_test

import (
	"errors"
	"testing"
	"time"

	"github.com/tierslieux/tierslieux/ingest/hours"
)

// fuzzInstants are the moments at which a value and its canonical form must
// agree: DST nights, holidays, month ends, a leap day, nights past midnight.
var fuzzInstants = []string{
	"2026-06-01 00:00", "2026-06-01 09:00", "2026-06-01 12:30", "2026-06-02 03:00", "2026-06-03 18:00",
	"2026-06-04 14:15", "2026-06-05 23:30", "2026-06-06 01:30", "2026-06-06 10:00", "2026-06-07 20:00",
	"2026-03-29 01:30", "2026-03-29T03:30+02:00", "2026-10-25T02:30+02:00", "2026-10-25T02:30+01:00",
	"2026-01-01 10:00", "2026-04-06 10:00", "2026-05-14 10:00", "2026-05-25 10:00", "2026-07-14 10:00",
	"2026-12-24 11:00", "2026-12-25 10:00", "2026-12-31 23:59", "2027-01-01 00:30", "2028-02-29 12:00",
	"2026-02-28 16:00", "2026-08-31 08:00", "2026-11-30 19:00", "2025-12-29 10:00", "2027-06-28 10:00",
}

// FuzzParse: Parse never panics; an error is a *SyntaxError inside the
// value; what parses prints a canonical form that reads back to the same
// rules, is a fixed point, and means the same at every sampled instant.
func FuzzParse(f *testing.F) {
	for _, tc := range hoursCases {
		f.Add(tc.value)
	}
	for _, v := range []string{
		"Mo-Fr 10:00-12:00,14:00-16:00 open, 18:00-20:00", "PH open, Mo 10:00-12:00", "2026,2027 Dec 24 off",
		"2026-2026 Dec 24", "2026 Dec 24,26", "Jan 31-Feb 02", "Th[1-2],Th[-1] 10:00-11:00", "PH Sa,Su 10:00-12:00",
		"10:00+; Mo off", "Mo-Fr 00:00-48:00", "Su 23:00-23:00", "Jul-Aug: Mo-Fr 10:00-18:00 || unknown",
	} {
		f.Add(v)
	}
	instants := make([]time.Time, len(fuzzInstants))
	for i, s := range fuzzInstants {
		instants[i] = MustTime(f, s)
	}
	f.Fuzz(func(t *testing.T, value string) {
		s, err := hours.Parse(value)
		if err != nil {
			var se *hours.SyntaxError
			if !errors.As(err, &se) || se.Offset < 0 || se.Offset > len(value) {
				t.Fatalf("Parse(%q) error %v is not a *SyntaxError within the value", value, err)
			}
			return
		}
		canon := s.String()
		back, err := hours.Parse(canon)
		if err != nil {
			t.Fatalf("canonical %q of %q does not parse: %v", canon, value, err)
		}
		if back.String() != canon {
			t.Fatalf("canonical form not stable: %q -> %q", canon, back.String())
		}
		if !hours.SameRules(s, back) {
			t.Fatalf("%q and its canonical form %q compile differently", value, canon)
		}
		for _, at := range instants {
			if a, b := s.StateAt(at), back.StateAt(at); a != b {
				t.Fatalf("%q is %v at %v but its canonical form %q is %v", value, a, at, canon, b)
			}
		}
		at := instants[0]
		next, ok := s.NextChange(at)
		if ok && (!next.After(at) || s.OpenAt(next) == s.OpenAt(at)) {
			t.Fatalf("%q: NextChange(%v) = %v does not change the state", value, at, next)
		}
		day := s.Day(at)
		for i, sp := range day {
			if !sp.End.After(sp.Start) || sp.State == hours.Closed || i > 0 && sp.Start.Before(day[i-1].End) {
				t.Fatalf("%q: bad spans %v", value, day)
			}
		}
		hours.FormatDay(day, hours.French)
		if s.OpenThroughout(at, at.Add(48*time.Hour)) && !s.OpenDuring(at, at.Add(48*time.Hour)) {
			t.Fatalf("%q: open throughout but not during", value)
		}
	})
}

// FuzzParseWhen: ParseWhen never panics; errors are *SyntaxError; what is
// accepted reads back from its canonical form to the same question.
func FuzzParseWhen(f *testing.F) {
	for _, v := range []string{
		"now", "today", "aujourd'hui", "demain", "weekend", "week-end", "sa", "samedi", "mo 18:00", "we 09:00-12:00",
		"2026-12-24T09:00", "2026-12-24", "2026-12-24 09:00-12:00", "mo morning", "saturday evening", "après-midi",
		"after 18:00", "dès 18h", "tonight", "2026-12-24T09:00+01:00/2026-12-24T12:00+01:00", "2026-12-26/2026-12-27",
		"fr 22:00-02:00", "2026-03-29T02:30", "2026-10-25T02:30+01:00",
	} {
		f.Add(v)
	}
	now := MustTime(f, whenNow)
	f.Fuzz(func(t *testing.T, in string) {
		w, err := hours.ParseWhen(in, now)
		if err != nil {
			var se *hours.SyntaxError
			if !errors.As(err, &se) {
				t.Fatalf("ParseWhen(%q) error %v is not a *SyntaxError", in, err)
			}
			return
		}
		if w.Kind != hours.At && !w.To.After(w.From) {
			t.Fatalf("ParseWhen(%q) = %v: empty window", in, w)
		}
		back, err := hours.ParseWhen(w.String(), now)
		if err != nil || back.Kind != w.Kind || !back.From.Equal(w.From) || !back.To.Equal(w.To) {
			t.Fatalf("ParseWhen(%q) = %s, which reads back as %s, %v", in, w, back, err)
		}
		w.Describe(hours.French)
		w.Describe(hours.English)
		w.Match(nil)
	})
}

// FuzzFromDays: FromDays never panics, and what it converts parses, in
// canonical form; failures are *ConvertError.
func FuzzFromDays(f *testing.F) {
	f.Add("9:00 - 12:00 / 13:30 - 17:30", "9h-12h et 14h-17h", "9h00-12h00, 14h-18h", "de 9h à 12h", "fermé", "-", "")
	f.Add("sur rendez-vous", "Horaires non communiqués", "24h/24", "18h-2h", "9am-5pm", "14h-minuit", "?")
	f.Add("9 h 30 - 12 h", "9h-12h - 14h-18h", "Matin : 9h-12h", "9.30-12.30", "Fermé", "NC", "variable")
	f.Fuzz(func(t *testing.T, mo, tu, we, th, fr, sa, su string) {
		days := map[time.Weekday]string{
			time.Monday: mo, time.Tuesday: tu, time.Wednesday: we, time.Thursday: th,
			time.Friday: fr, time.Saturday: sa, time.Sunday: su,
		}
		checkConverted(t, "FromDays", days, func() (string, []hours.Problem, error) { return hours.FromDays(days) })
	})
}

// FuzzFromText: as FuzzFromDays, for free text and HTML.
func FuzzFromText(f *testing.F) {
	for _, v := range []string{
		"<p>Lundi : 9h-12h</p><p>Mardi : fermé</p>", "Lundi 9h-12h / Mardi 14h-17h",
		"Du lundi au vendredi de 9h à 12h et de 14h à 17h, le samedi de 9h à 12h. Fermé les jours fériés",
		"De 9h à 18h du lundi au samedi", "Tous les jours 24h/24", "7j/7 de 8h à 20h", "Sur rendez-vous",
		"Lundi&nbsp;: 9h&ndash;12h<br/>Mercredi : 14h-18h", "En semaine : 8h-19h ; week-end : 10h-18h",
		"Monday to Friday 9am-5pm", "Lundi-samedi 9h-18h, fermé le dimanche", "<b>Horaires</b>",
		"<ul><li>Lundi : 9h-12h</li><li>Jeudi : 14h-17h</li><li>Autres jours : sur rendez-vous</li></ul>",
		"<p><strong>Du lundi</strong><br>au vendredi</p><p>9h-12h<br>14h-17h</p>", "Lundi : 9h-12h\r\nJeudi : non communiqu&#233;s",
	} {
		f.Add(v)
	}
	f.Fuzz(func(t *testing.T, text string) {
		checkConverted(t, "FromText", text, func() (string, []hours.Problem, error) { return hours.FromText(text) })
	})
}

func checkConverted(t *testing.T, name string, in any, convert func() (string, []hours.Problem, error)) {
	t.Helper()
	osm, _, err := convert()
	if err != nil {
		var ce *hours.ConvertError
		if !errors.As(err, &ce) || osm != "" {
			t.Fatalf("%s(%q) = %q, %v; want an empty value and a *ConvertError", name, in, osm, err)
		}
		return
	}
	s, err := hours.Parse(osm)
	if err != nil {
		t.Fatalf("%s(%q) = %q, which does not parse: %v", name, in, osm, err)
	}
	if s.String() != osm {
		t.Fatalf("%s(%q) = %q, not canonical (%q)", name, in, osm, s.String())
	}
}
