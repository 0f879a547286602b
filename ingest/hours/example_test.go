package hours_test

import (
	"fmt"
	"time"

	"github.com/tierslieux/tierslieux/ingest/hours"
)

func ExampleParse() {
	s, err := hours.Parse("lu-ve 9h-12h, 14h-17h30; sa 10:00-12:00; PH off")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(s)
	at := time.Date(2026, 5, 14, 10, 0, 0, 0, hours.Location()) // Ascension
	fmt.Println(s.OpenAt(at))
	next, _ := s.NextChange(at)
	fmt.Println(next.Format("Mon 2 Jan 15:04"))
	monday := time.Date(2026, 6, 1, 12, 0, 0, 0, hours.Location())
	fmt.Println(hours.FormatDay(s.Day(monday), hours.French))
	fmt.Println(hours.FormatDay(s.Day(monday), hours.English))

	_, err = hours.Parse("Mo-Fr sunrise-sunset")
	fmt.Println(err)
	// Output:
	// Mo-Fr 09:00-12:00,14:00-17:30; Sa 10:00-12:00; PH off
	// false
	// Fri 15 May 09:00
	// 9 h – 12 h, 14 h – 17 h 30
	// 9:00–12:00, 14:00–17:30
	// hours: at offset 6 near "sunrise": sunrise, sunset, dawn and dusk are not supported: they need the place's position
}

func ExampleParseWhen() {
	now := time.Date(2026, 12, 23, 10, 15, 0, 0, hours.Location())
	w, _ := hours.ParseWhen("samedi soir", now)
	fmt.Println(w)
	fmt.Println(w.Describe(hours.French))
	s, _ := hours.Parse("Tu-Sa 10:00-19:00")
	fmt.Println(w.Match(s))
	// Output:
	// 2026-12-26T18:00+01:00/2026-12-26T20:00+01:00
	// ouvert le samedi 26 décembre, le soir (18 h – 20 h)
	// false
}

func ExampleFromDays() {
	osm, problems, err := hours.FromDays(map[time.Weekday]string{
		time.Monday:    "9:00 - 12:00 / 13:30 - 17:30",
		time.Tuesday:   "9h-12h et 13h30-17h30",
		time.Wednesday: "sur rendez-vous",
		time.Thursday:  "de 9h à 12h et de 13h30 à 17h30",
		time.Friday:    "09h00-12h00, 13h30-17h30",
		time.Saturday:  "Fermé",
	})
	fmt.Println(osm, err)
	fmt.Println(problems)
	// Output:
	// Mo,Tu,Th,Fr 09:00-12:00,13:30-17:30; We unknown <nil>
	// [mercredi: "sur rendez-vous": appointment-only]
}
