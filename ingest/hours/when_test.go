package hours_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/tierslieux/tierslieux/ingest/hours"
)

// whenNow is Wednesday 23 December 2026, 10:15:42 in Paris.
const whenNow = "2026-12-23T10:15:42+01:00"

func TestParseWhen(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want string // canonical String()
		kind hours.WhenKind
		part hours.DayPart
	}{
		{"now", "2026-12-23T10:15+01:00", hours.At, hours.NoPart},
		{"maintenant", "2026-12-23T10:15+01:00", hours.At, hours.NoPart},
		{"today", "2026-12-23", hours.During, hours.NoPart},
		{"aujourd'hui", "2026-12-23", hours.During, hours.NoPart},
		{"Aujourd’hui", "2026-12-23", hours.During, hours.NoPart},
		{"tomorrow", "2026-12-24", hours.During, hours.NoPart},
		{"demain", "2026-12-24", hours.During, hours.NoPart},
		{"weekend", "2026-12-26/2026-12-27", hours.During, hours.NoPart},
		{"ce week-end", "2026-12-26/2026-12-27", hours.During, hours.NoPart},
		{"sa", "2026-12-26", hours.During, hours.NoPart},
		{"samedi", "2026-12-26", hours.During, hours.NoPart},
		{"Saturday", "2026-12-26", hours.During, hours.NoPart},
		{"we", "2026-12-23", hours.During, hours.NoPart},
		{"mercredi", "2026-12-23", hours.During, hours.NoPart},
		{"mo 18:00", "2026-12-28T18:00+01:00", hours.At, hours.NoPart},
		{"lundi 18h", "2026-12-28T18:00+01:00", hours.At, hours.NoPart},
		{"we 18:00", "2026-12-23T18:00+01:00", hours.At, hours.NoPart},
		{"we 09:00", "2026-12-30T09:00+01:00", hours.At, hours.NoPart},
		{"we 10:15", "2026-12-23T10:15+01:00", hours.At, hours.NoPart},
		{"we 09:00-12:00", "2026-12-23T09:00+01:00/2026-12-23T12:00+01:00", hours.Throughout, hours.NoPart},
		{"mercredi 9h-12h", "2026-12-23T09:00+01:00/2026-12-23T12:00+01:00", hours.Throughout, hours.NoPart},
		{"we 08:00-10:00", "2026-12-30T08:00+01:00/2026-12-30T10:00+01:00", hours.Throughout, hours.NoPart},
		{"fr 22:00-02:00", "2026-12-25T22:00+01:00/2026-12-26T02:00+01:00", hours.Throughout, hours.NoPart},
		{"2026-12-24T09:00", "2026-12-24T09:00+01:00", hours.At, hours.NoPart},
		{"2026-12-24", "2026-12-24", hours.During, hours.NoPart},
		{"2026-12-24 09:00-12:00", "2026-12-24T09:00+01:00/2026-12-24T12:00+01:00", hours.Throughout, hours.NoPart},
		{"2026-12-24 09:00", "2026-12-24T09:00+01:00", hours.At, hours.NoPart},
		{"2026-07-14T09:00", "2026-07-14T09:00+02:00", hours.At, hours.NoPart},
		{"mo morning", "2026-12-28T09:00+01:00/2026-12-28T12:00+01:00", hours.Throughout, hours.Morning},
		{"saturday evening", "2026-12-26T18:00+01:00/2026-12-26T20:00+01:00", hours.Throughout, hours.Evening},
		{"samedi soir", "2026-12-26T18:00+01:00/2026-12-26T20:00+01:00", hours.Throughout, hours.Evening},
		{"demain matin", "2026-12-24T09:00+01:00/2026-12-24T12:00+01:00", hours.Throughout, hours.Morning},
		{"après-midi", "2026-12-23T14:00+01:00/2026-12-23T17:00+01:00", hours.Throughout, hours.Afternoon},
		{"mardi apres midi", "2026-12-29T14:00+01:00/2026-12-29T17:00+01:00", hours.Throughout, hours.Afternoon},
		{"afternoon", "2026-12-23T14:00+01:00/2026-12-23T17:00+01:00", hours.Throughout, hours.Afternoon},
		{"tonight", "2026-12-23T18:00+01:00/2026-12-23T20:00+01:00", hours.Throughout, hours.Evening},
		{"ce soir", "2026-12-23T18:00+01:00/2026-12-23T20:00+01:00", hours.Throughout, hours.Evening},
		{"we matin", "2026-12-23T09:00+01:00/2026-12-23T12:00+01:00", hours.Throughout, hours.Morning},
		{"we 07:00-08:00", "2026-12-30T07:00+01:00/2026-12-30T08:00+01:00", hours.Throughout, hours.NoPart},
		{"after 18:00", "2026-12-23T18:00+01:00", hours.At, hours.NoPart},
		{"après 18h", "2026-12-23T18:00+01:00", hours.At, hours.NoPart},
		{"dès 18h", "2026-12-23T18:00+01:00", hours.At, hours.NoPart},
		{"sa after 14:00", "2026-12-26T14:00+01:00", hours.At, hours.NoPart},
		{"18:00", "2026-12-23T18:00+01:00", hours.At, hours.NoPart},
		{"  SAMEDI  ", "2026-12-26", hours.During, hours.NoPart},
		{"2026-12-24T09:00+01:00/2026-12-24T12:00+01:00", "2026-12-24T09:00+01:00/2026-12-24T12:00+01:00", hours.Throughout, hours.NoPart},
		{"2026-12-26/2026-12-27", "2026-12-26/2026-12-27", hours.During, hours.NoPart},
		{"2026-10-25T02:30+01:00", "2026-10-25T02:30+01:00", hours.At, hours.NoPart},
		{"2026-10-25T02:30+02:00", "2026-10-25T02:30+02:00", hours.At, hours.NoPart},
	} {
		t.Run(tc.in, func(t *testing.T) {
			now := MustTime(t, whenNow)
			w, err := hours.ParseWhen(tc.in, now)
			if err != nil {
				t.Fatalf("ParseWhen: %v", err)
			}
			if got := w.String(); got != tc.want || w.Kind != tc.kind || w.Part != tc.part {
				t.Fatalf("got %q kind %d part %v, want %q kind %d part %v", got, w.Kind, w.Part, tc.want, tc.kind, tc.part)
			}
			back, err := hours.ParseWhen(w.String(), now)
			if err != nil || back.Kind != w.Kind || !back.From.Equal(w.From) || !back.To.Equal(w.To) {
				t.Fatalf("canonical form %q reads back as %v, %v", w.String(), back, err)
			}
		})
	}
}

func TestParseWhenWeekend(t *testing.T) {
	for _, tc := range []struct{ now, want string }{
		{"2026-12-21 10:00", "2026-12-26/2026-12-27"}, // Monday: the coming weekend
		{"2026-12-26 23:00", "2026-12-26/2026-12-27"}, // Saturday: this one
		{"2026-12-27 10:00", "2026-12-26/2026-12-27"}, // Sunday: the current one
		{"2026-03-27 10:00", "2026-03-28/2026-03-29"}, // over the spring-forward night
	} {
		w, err := hours.ParseWhen("weekend", MustTime(t, tc.now))
		if err != nil || w.String() != tc.want {
			t.Errorf("weekend at %s = %q, %v; want %q", tc.now, w.String(), err, tc.want)
		}
		if d := w.To.Sub(w.From); err == nil && (d < 47*time.Hour || d > 49*time.Hour) {
			t.Errorf("weekend at %s lasts %v", tc.now, d)
		}
	}
}

func TestParseWhenErrors(t *testing.T) {
	for _, in := range []string{
		"", "   ", "blah", "weekend 10:00", "25:00", "mo 24:00", "mo 10:00-10:00", "2026-13-01",
		"2026-02-30", "2026-12-24/2026-12-20", "2026-01-01/2026-03-01", "1969-12-31", "2026-12-24T25:00",
		"2026-12-24/2026-12-25T10:00", "after", "sa sa", "mo 10:00 11:00", strings.Repeat("sa ", 40), "mo 9-12",
	} {
		w, err := hours.ParseWhen(in, MustTime(t, whenNow))
		var se *hours.SyntaxError
		if !errors.As(err, &se) {
			t.Errorf("ParseWhen(%q) = %v, %v; want a *SyntaxError", in, w, err)
		}
	}
}

func TestWhenMatch(t *testing.T) {
	s := MustParse(t, "Mo-Fr 09:00-12:00,14:00-18:00; Sa 10:00-12:00; PH off")
	now := MustTime(t, whenNow)
	for _, tc := range []struct {
		in   string
		want bool
	}{
		{"now", true},
		{"today", true},
		{"tomorrow", true},
		{"2026-12-25", false}, // Christmas
		{"weekend", true},
		{"su", false},
		{"mo 18:00", false},
		{"mo 17:59", true},
		{"mo morning", true},
		{"mo 11:00-15:00", false},
		{"saturday evening", false},
		{"after 18:00", false},
		{"sa 10:00-12:00", true},
	} {
		w, err := hours.ParseWhen(tc.in, now)
		if err != nil {
			t.Fatalf("ParseWhen(%q): %v", tc.in, err)
		}
		if got := w.Match(s); got != tc.want {
			t.Errorf("%q (%s): Match = %v, want %v", tc.in, w, got, tc.want)
		}
	}
}

func TestWhenDescribe(t *testing.T) {
	now := MustTime(t, whenNow)
	for _, tc := range []struct{ in, fr, en string }{
		{"sa 18:00", "ouvert le samedi 26 décembre à 18 h", "open on Saturday 26 December at 18:00"},
		{"samedi soir", "ouvert le samedi 26 décembre, le soir (18 h – 20 h)", "open on Saturday 26 December, in the evening (18:00–20:00)"},
		{"mo morning", "ouvert le lundi 28 décembre, le matin (9 h – 12 h)", "open on Monday 28 December, in the morning (9:00–12:00)"},
		{"demain après-midi", "ouvert le jeudi 24 décembre, l'après-midi (14 h – 17 h)", "open on Thursday 24 December, in the afternoon (14:00–17:00)"},
		{"we 09:00-12:30", "ouvert sans interruption le mercredi 23 décembre, 9 h – 12 h 30", "open without a break on Wednesday 23 December, 9:00–12:30"},
		{"today", "ouvert à un moment le mercredi 23 décembre", "open at some time on Wednesday 23 December"},
		{"weekend", "ouvert à un moment entre le samedi 26 décembre et le dimanche 27 décembre", "open at some time between Saturday 26 December and Sunday 27 December"},
		{"2027-01-01", "ouvert à un moment le vendredi 1er janvier", "open at some time on Friday 1 January"},
		{"2026-12-24T09:00+01:00/2026-12-26T12:00+01:00", "ouvert sans interruption du jeudi 24 décembre 9 h au samedi 26 décembre 12 h", "open without a break from Thursday 24 December 9:00 to Saturday 26 December 12:00"},
	} {
		w, err := hours.ParseWhen(tc.in, now)
		if err != nil {
			t.Fatalf("ParseWhen(%q): %v", tc.in, err)
		}
		if got := w.Describe(hours.French); got != tc.fr {
			t.Errorf("%q French: %q, want %q", tc.in, got, tc.fr)
		}
		if got := w.Describe(hours.English); got != tc.en {
			t.Errorf("%q English: %q, want %q", tc.in, got, tc.en)
		}
	}
}

func TestDayParts(t *testing.T) {
	for _, tc := range []struct {
		part     hours.DayPart
		from, to time.Duration
		fr, en   string
	}{
		{hours.Morning, 9 * time.Hour, 12 * time.Hour, "matin", "morning"},
		{hours.Afternoon, 14 * time.Hour, 17 * time.Hour, "après-midi", "afternoon"},
		{hours.Evening, 18 * time.Hour, 20 * time.Hour, "soir", "evening"},
	} {
		from, to := tc.part.Window()
		if tc.part.String() != tc.en {
			t.Errorf("String() = %q, want %q", tc.part.String(), tc.en)
		}
		if from != tc.from || to != tc.to || tc.part.Name(hours.French) != tc.fr || tc.part.Name(hours.English) != tc.en {
			t.Errorf("%v: %v-%v %q %q", tc.part, from, to, tc.part.Name(hours.French), tc.part.Name(hours.English))
		}
	}
}
