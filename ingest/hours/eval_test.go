package hours_test

import (
	"testing"
	"time"

	"github.com/tierslieux/tierslieux/ingest/hours"
)

func TestNextChange(t *testing.T) {
	for _, tc := range []struct {
		name, value, at, want string // want "" means no change within the horizon
	}{
		{"opens on Monday", "Mo-Fr 09:00-17:00", "2026-06-05 17:30", "2026-06-08T09:00+02:00"},
		{"closes in the evening", "Mo-Fr 09:00-17:00", "2026-06-08 09:00", "2026-06-08T17:00+02:00"},
		{"seconds before closing", "Mo-Fr 09:00-17:00", "2026-06-05T16:59:30+02:00", "2026-06-05T17:00+02:00"},
		{"always open", "24/7", "2026-06-01 10:00", ""},
		{"always closed", "off", "2026-06-01 10:00", ""},
		{"always unknown", `"sur rendez-vous"`, "2026-06-01 10:00", ""},
		{"every day all day", "Mo-Su 00:00-24:00", "2026-03-28 10:00", ""},
		{"opens before spring forward", "Su 01:00-04:00", "2026-03-29 00:30", "2026-03-29T01:00+01:00"},
		{"closes after spring forward", "Su 01:00-04:00", "2026-03-29 01:30", "2026-03-29T04:00+02:00"},
		{"opens before fall back", "Su 01:00-04:00", "2026-10-25T00:30+02:00", "2026-10-25T01:00+02:00"},
		{"closes after fall back", "Su 01:00-04:00", "2026-10-25T01:30+02:00", "2026-10-25T04:00+01:00"},
		{"closes when the clock goes back", "Su 02:30-05:00", "2026-10-25T02:45+02:00", "2026-10-25T02:00+01:00"},
		{"opens again in the repeated hour", "Su 02:30-05:00", "2026-10-25T02:00+01:00", "2026-10-25T02:30+01:00"},
		{"opens when the clock jumps", "Su 02:30-05:00", "2026-03-29T01:30+01:00", "2026-03-29T03:00+02:00"},
		{"a year ahead", "24/7; Dec 25 off", "2026-12-26 10:00", "2027-12-25T00:00+01:00"},
		{"skips Ascension", "Mo-Fr 09:00-17:00; PH off", "2026-05-13 17:30", "2026-05-15T09:00+02:00"},
		{"end of the night", "Fr 18:00-02:00", "2026-06-06 01:00", "2026-06-06T02:00+02:00"},
		{"next Friday night", "Fr 18:00-02:00", "2026-06-06 02:00", "2026-06-12T18:00+02:00"},
		{"yearly date", "Dec 25 10:00-12:00", "2026-12-26 10:00", "2027-12-25T10:00+01:00"},
		{"beyond the horizon", "Feb 29 10:00-12:00", "2026-03-01 10:00", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := MustParse(t, tc.value)
			got, ok := s.NextChange(MustTime(t, tc.at))
			if tc.want == "" {
				if ok {
					t.Fatalf("NextChange = %v, want none", got)
				}
				return
			}
			if want := MustTime(t, tc.want); !ok || !got.Equal(want) {
				t.Fatalf("NextChange = %v, %v; want %v", got, ok, want)
			}
			if got.Location() != hours.Location() {
				t.Errorf("NextChange location %v, want Europe/Paris", got.Location())
			}
		})
	}
}

func TestWindows(t *testing.T) {
	for _, tc := range []struct {
		name, value, from, to string
		throughout, during    bool
	}{
		{"the whole morning", "Mo-Fr 09:00-12:00,14:00-18:00", "2026-06-01 09:00", "2026-06-01 12:00", true, true},
		{"across the lunch break", "Mo-Fr 09:00-12:00,14:00-18:00", "2026-06-01 10:00", "2026-06-01 15:00", false, true},
		{"inside the lunch break", "Mo-Fr 09:00-12:00,14:00-18:00", "2026-06-01 12:00", "2026-06-01 14:00", false, false},
		{"a minute too long", "Mo-Fr 09:00-12:00,14:00-18:00", "2026-06-01 09:00", "2026-06-01 12:01", false, true},
		{"the weekend", "Mo-Fr 09:00-12:00,14:00-18:00", "2026-06-06 00:00", "2026-06-08 00:00", false, false},
		{"weekend into Monday", "Mo-Fr 09:00-12:00,14:00-18:00", "2026-06-06 00:00", "2026-06-08 09:01", false, true},
		{"empty window", "Mo-Fr 09:00-12:00", "2026-06-01 09:00", "2026-06-01 09:00", true, true},
		{"spring-forward night", "Su 01:00-04:00", "2026-03-29 01:00", "2026-03-29T04:00+02:00", true, true},
		{"fall-back night", "Su 01:00-04:00", "2026-10-25T01:00+02:00", "2026-10-25T04:00+01:00", true, true},
		{"fall-back night and a minute", "Su 01:00-04:00", "2026-10-25T01:00+02:00", "2026-10-25T04:01+01:00", false, true},
		{"an hour that never happens", "Mo-Su 02:00-03:00", "2026-03-29 00:00", "2026-03-30 00:00", false, false},
		{"an hour that happens twice", "Mo-Su 02:00-03:00", "2026-10-25T02:00+02:00", "2026-10-25T03:00+01:00", true, true},
		{"the night after", "Fr 18:00-02:00", "2026-06-05 22:00", "2026-06-06 02:00", true, true},
		{"the night after and a minute", "Fr 18:00-02:00", "2026-06-05 22:00", "2026-06-06 02:01", false, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := MustParse(t, tc.value)
			from, to := MustTime(t, tc.from), MustTime(t, tc.to)
			if got := s.OpenThroughout(from, to); got != tc.throughout {
				t.Errorf("OpenThroughout = %v, want %v", got, tc.throughout)
			}
			if got := s.OpenDuring(from, to); got != tc.during {
				t.Errorf("OpenDuring = %v, want %v", got, tc.during)
			}
		})
	}
}

func TestDay(t *testing.T) {
	for _, tc := range []struct {
		name, value, date, fr, en string
	}{
		{"two ranges", "Mo-Fr 09:00-12:00,14:00-17:30", "2026-06-01", "9 h – 12 h, 14 h – 17 h 30", "9:00–12:00, 14:00–17:30"},
		{"closed", "Mo-Fr 09:00-12:00,14:00-17:30", "2026-06-06", "fermé", "closed"},
		{"all day", "24/7", "2026-06-06", "24 h/24", "24 hours"},
		{"whole day on a DST day", "24/7", "2026-03-29", "24 h/24", "24 hours"},
		{"night kept whole", "Fr 18:00-02:00", "2026-06-05", "18 h – 2 h", "18:00–2:00"},
		{"the night belongs to the day before", "Fr 18:00-02:00; Sa 10:00-12:00", "2026-06-06", "10 h – 12 h", "10:00–12:00"},
		{"until midnight", "Fr 18:00-24:00", "2026-06-05", "18 h – 24 h", "18:00–24:00"},
		{"unknown day", "Mo-Fr 09:00-17:00 || unknown", "2026-06-06", "horaires inconnus", "hours unknown"},
		{"unknown around the hours", "Mo-Fr 09:00-17:00 || unknown", "2026-06-01",
			"0 h – 9 h (à confirmer), 9 h – 17 h, 17 h – 24 h (à confirmer)", "0:00–9:00 (unconfirmed), 9:00–17:00, 17:00–24:00 (unconfirmed)"},
		{"holiday", "Mo-Fr 09:00-18:00; PH off", "2026-05-14", "fermé", "closed"},
		{"a break across midnight", "Fr 18:00-04:00; Fr 23:00-01:00 off", "2026-06-05", "18 h – 23 h, 1 h – 4 h", "18:00–23:00, 1:00–4:00"},
		{"half past", "Sa 09:30-12:30", "2026-06-06", "9 h 30 – 12 h 30", "9:30–12:30"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			spans := MustParse(t, tc.value).Day(MustTime(t, tc.date))
			if got := hours.FormatDay(spans, hours.French); got != tc.fr {
				t.Errorf("French %q, want %q", got, tc.fr)
			}
			if got := hours.FormatDay(spans, hours.English); got != tc.en {
				t.Errorf("English %q, want %q", got, tc.en)
			}
		})
	}
}

// TestDayDST checks the instants of spans on the DST Sundays: the night
// "Su 01:00-04:00" lasts two hours in March and four in October.
func TestDayDST(t *testing.T) {
	s := MustParse(t, "Su 01:00-04:00")
	for _, tc := range []struct {
		date string
		long time.Duration
	}{{"2026-03-29", 2 * time.Hour}, {"2026-10-25", 4 * time.Hour}, {"2026-06-07", 3 * time.Hour}} {
		spans := s.Day(MustTime(t, tc.date))
		if len(spans) != 1 || spans[0].End.Sub(spans[0].Start) != tc.long || spans[0].State != hours.Open {
			t.Errorf("%s: spans %v, want one open span of %v", tc.date, spans, tc.long)
		}
	}
	spans := MustParse(t, "Su 02:30-05:00").Day(MustTime(t, "2026-03-29"))
	if len(spans) != 1 || !spans[0].Start.Equal(MustTime(t, "2026-03-29T03:00+02:00")) {
		t.Errorf("a span starting in the spring-forward gap starts when the clock jumps: %v", spans)
	}
}

func TestHoliday(t *testing.T) {
	easter := map[int]string{
		2024: "2024-03-31", 2025: "2025-04-20", 2026: "2026-04-05", 2027: "2027-03-28",
		2028: "2028-04-16", 2029: "2029-04-01", 2030: "2030-04-21",
	}
	for year := 2024; year <= 2030; year++ {
		sunday := MustTime(t, easter[year]+" 12:00")
		for _, h := range []struct {
			days int
			name string
		}{{1, "Lundi de Pâques"}, {39, "Ascension"}, {50, "Lundi de Pentecôte"}} {
			day := sunday.AddDate(0, 0, h.days)
			if name, ok := hours.Holiday(day); !ok || name != h.name {
				t.Errorf("%s: Holiday = %q, %v; want %q", day.Format("2006-01-02"), name, ok, h.name)
			}
		}
		for _, d := range []int{0, -2, 49} { // Easter Sunday, Good Friday, Whit Sunday
			if name, ok := hours.Holiday(sunday.AddDate(0, 0, d)); ok {
				t.Errorf("%s is not a public holiday, got %q", sunday.AddDate(0, 0, d).Format("2006-01-02"), name)
			}
		}
		for _, md := range []string{"01-01", "05-01", "05-08", "07-14", "08-15", "11-01", "11-11", "12-25"} {
			if _, ok := hours.Holiday(MustTime(t, easter[year][:5]+md)); !ok {
				t.Errorf("%d-%s should be a public holiday", year, md)
			}
		}
		for _, md := range []string{"12-26", "12-24", "01-02", "07-13"} {
			if name, ok := hours.Holiday(MustTime(t, easter[year][:5]+md)); ok {
				t.Errorf("%d-%s is not a public holiday, got %q", year, md, name)
			}
		}
	}
	// Known dates, written out: Easter Monday, Ascension and Whit Monday 2026.
	for _, d := range []string{"2026-04-06", "2026-05-14", "2026-05-25"} {
		if _, ok := hours.Holiday(MustTime(t, d)); !ok {
			t.Errorf("%s should be a public holiday", d)
		}
	}
	// The date is read in Paris: 23:30 UTC on 24 December is Christmas there.
	if name, ok := hours.Holiday(time.Date(2026, 12, 24, 23, 30, 0, 0, time.UTC)); !ok || name != "Noël" {
		t.Errorf("Holiday(24 Dec 23:30 UTC) = %q, %v; want Noël", name, ok)
	}
}
