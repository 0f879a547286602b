package hours_test

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/tierslieux/tierslieux/ingest/hours"
)

// TestFromDaysValues converts one Monday value at a time: what it reads as
// hours, or why it cannot.
func TestFromDaysValues(t *testing.T) {
	for _, tc := range []struct {
		in     string
		osm    string       // the Monday rule, when the value reads as hours
		reason hours.Reason // otherwise
	}{
		{"9:00 - 12:00 / 13:30 - 17:30", "Mo 09:00-12:00,13:30-17:30", ""},
		{"9h-12h et 14h-17h", "Mo 09:00-12:00,14:00-17:00", ""},
		{"9h00-12h00, 14h-18h", "Mo 09:00-12:00,14:00-18:00", ""},
		{"de 9h à 12h", "Mo 09:00-12:00", ""},
		{"De 9h à 12h et de 14h à 17h30", "Mo 09:00-12:00,14:00-17:30", ""},
		{"09:00-12:00", "Mo 09:00-12:00", ""},
		{"9H - 12H / 14H - 18H", "Mo 09:00-12:00,14:00-18:00", ""},
		{"8h30-12h|13h30-17h", "Mo 08:30-12:00,13:30-17:00", ""},
		{"9 h 30 - 12 h", "Mo 09:30-12:00", ""},
		{"9h-12h - 14h-18h", "Mo 09:00-12:00,14:00-18:00", ""},
		{"Matin : 9h-12h / Après-midi : 14h-17h", "Mo 09:00-12:00,14:00-17:00", ""},
		{"14h-18h ; 9h-12h", "Mo 09:00-12:00,14:00-18:00", ""},
		{"9h-midi", "Mo 09:00-12:00", ""},
		{"14h-minuit", "Mo 14:00-24:00", ""},
		{"18h-2h", "Mo 18:00-02:00", ""},
		{"9am-5pm", "Mo 09:00-17:00", ""},
		{"9.30-12.30", "Mo 09:30-12:30", ""},
		{"9h-18h non-stop", "Mo 09:00-18:00", ""},
		{"de 9 heures à 12 heures", "Mo 09:00-12:00", ""},
		{"24h/24", "Mo 00:00-24:00", ""},
		{"Ouvert 24h/24", "Mo 00:00-24:00", ""},
		{"9h-12h, 11h-14h", "Mo 09:00-14:00", ""},
		{"fermé", "", hours.ReasonEmpty},
		{"Fermé", "", hours.ReasonEmpty},
		{"FERMÉ toute la journée", "", hours.ReasonEmpty},
		{"-", "", hours.ReasonEmpty},
		{"", "", hours.ReasonEmpty},
		{"   ", "", hours.ReasonEmpty},
		{"sur rendez-vous", "", hours.ReasonAppointment},
		{"Sur RDV", "", hours.ReasonAppointment},
		{"9h-12h sur rendez-vous", "", hours.ReasonAppointment},
		{"Horaires non communiqués", "", hours.ReasonNotCommunicated},
		{"NC", "", hours.ReasonNotCommunicated},
		{"?", "", hours.ReasonNotCommunicated},
		{"à définir", "", hours.ReasonNotCommunicated},
		{"variable", "", hours.ReasonUnreadable},
		{"9h-12h (sauf vacances scolaires)", "", hours.ReasonUnreadable},
		{"à partir de 14h", "", hours.ReasonUnreadable},
		{"14h-12h", "", hours.ReasonUnreadable},
		{"9h-9h", "", hours.ReasonUnreadable},
		{"25h-26h", "", hours.ReasonUnreadable},
		{"9h-12h fermé l'après-midi", "", hours.ReasonUnreadable},
	} {
		t.Run(tc.in, func(t *testing.T) {
			osm, problems, err := hours.FromDays(map[time.Weekday]string{time.Monday: tc.in})
			if tc.osm != "" {
				if err != nil || osm != tc.osm || len(problems) != 0 {
					t.Fatalf("FromDays = %q, %v, %v; want %q", osm, problems, err, tc.osm)
				}
				MustParse(t, osm)
				return
			}
			var ce *hours.ConvertError
			if !errors.As(err, &ce) || ce.Reason != tc.reason || osm != "" {
				t.Fatalf("FromDays = %q, %v, %v; want a ConvertError for %s", osm, problems, err, tc.reason)
			}
			if tc.reason != hours.ReasonEmpty && (len(problems) != 1 || problems[0].Day != time.Monday || problems[0].Reason != tc.reason) {
				t.Fatalf("problems %v, want one for Monday: %s", problems, tc.reason)
			}
		})
	}
}

func TestFromDaysWeek(t *testing.T) {
	week := func(mo, tu, we, th, fr, sa, su string) map[time.Weekday]string {
		return map[time.Weekday]string{
			time.Monday: mo, time.Tuesday: tu, time.Wednesday: we, time.Thursday: th,
			time.Friday: fr, time.Saturday: sa, time.Sunday: su,
		}
	}
	for _, tc := range []struct {
		name     string
		days     map[time.Weekday]string
		osm      string
		problems []hours.Problem
		reason   hours.Reason
	}{
		{name: "equal weekdays merge",
			days: week("9:00 - 12:00 / 13:30 - 17:30", "9h-12h et 13h30-17h30", "09:00-12:00 / 13:30-17:30", "9h00-12h00, 13h30-17h30", "de 9h à 12h et de 13h30 à 17h30", "fermé", "-"),
			osm:  "Mo-Fr 09:00-12:00,13:30-17:30"},
		{name: "Saturday morning and blanks",
			days: week("9h-12h", "9h-12h", "9h-12h", "9h-12h", "9h-12h", "9h-12h", ""),
			osm:  "Mo-Sa 09:00-12:00"},
		{name: "equal days apart share a rule",
			days: week("9h-12h", "14h-17h", "9h-12h", "14h-17h", "9h-12h", "", ""),
			osm:  "Mo,We,Fr 09:00-12:00; Tu,Th 14:00-17:00"},
		{name: "weekend wraps",
			days: week("10h-18h", "", "", "", "", "10h-18h", "10h-18h"),
			osm:  "Sa-Mo 10:00-18:00"},
		{name: "always", days: week("24h/24", "24h/24", "24h/24", "24h/24", "24h/24", "24h/24", "24h/24"), osm: "24/7"},
		{name: "all closed", days: week("fermé", "fermé", "fermé", "fermé", "fermé", "Fermé", "-"), osm: "off"},
		{name: "appointment day stays unknown",
			days:     week("9h-12h", "9h-12h", "sur rendez-vous", "9h-12h", "9h-12h", "", ""),
			osm:      "Mo,Tu,Th,Fr 09:00-12:00; We unknown",
			problems: []hours.Problem{{Day: time.Wednesday, Value: "sur rendez-vous", Reason: hours.ReasonAppointment}}},
		{name: "nothing known",
			days:   week("Horaires non communiqués", "Horaires non communiqués", "Horaires non communiqués", "Horaires non communiqués", "Horaires non communiqués", "", ""),
			reason: hours.ReasonNotCommunicated},
		{name: "appointment only",
			days:   week("sur rendez-vous", "sur rendez-vous", "sur rendez-vous", "sur rendez-vous", "sur rendez-vous", "fermé", "fermé"),
			reason: hours.ReasonAppointment},
		{name: "all blank", days: week("", "", "", "", "", "", ""), reason: hours.ReasonEmpty},
		{name: "no days at all", days: nil, reason: hours.ReasonEmpty},
		{name: "a day that is not a weekday",
			days:     map[time.Weekday]string{time.Monday: "9h-12h", time.Weekday(9): "10h-11h"},
			osm:      "Mo 09:00-12:00",
			problems: []hours.Problem{{Day: time.Weekday(9), Value: "10h-11h", Reason: hours.ReasonUnreadable}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			osm, problems, err := hours.FromDays(tc.days)
			if tc.reason != "" {
				var ce *hours.ConvertError
				if !errors.As(err, &ce) || ce.Reason != tc.reason {
					t.Fatalf("FromDays = %q, %v; want a ConvertError for %s", osm, err, tc.reason)
				}
				return
			}
			if err != nil || osm != tc.osm || !reflect.DeepEqual(problems, tc.problems) {
				t.Fatalf("FromDays = %q, %v, %v; want %q, %v", osm, problems, err, tc.osm, tc.problems)
			}
			if MustParse(t, osm).String() != osm {
				t.Fatalf("%q is not in canonical form", osm)
			}
		})
	}
}

func TestFromText(t *testing.T) {
	for _, tc := range []struct {
		name, in, osm string
		reason        hours.Reason // of the error, or of the single problem when osm is set
	}{
		{"HTML paragraphs", "<p>Lundi : 9h-12h</p><p>Mardi : fermé</p>", "Mo 09:00-12:00", ""},
		{"slash between days", "Lundi 9h-12h / Mardi 14h-17h", "Mo 09:00-12:00; Tu 14:00-17:00", ""},
		{"sentence", "Du lundi au vendredi de 9h à 12h et de 14h à 17h, le samedi de 9h à 12h. Fermé les jours fériés",
			"Mo-Fr 09:00-12:00,14:00-17:00; Sa 09:00-12:00; PH off", ""},
		{"hours before days", "De 9h à 18h du lundi au samedi", "Mo-Sa 09:00-18:00", ""},
		{"dash separated", "Du lundi au vendredi : 9h-12h / 14h-17h - Samedi : 9h-12h - Dimanche et jours fériés : fermé",
			"Mo-Fr 09:00-12:00,14:00-17:00; Sa 09:00-12:00; PH off", ""},
		{"every day", "Tous les jours 24h/24", "24/7", ""},
		{"seven days a week", "7j/7 de 8h à 20h", "Mo-Su 08:00-20:00", ""},
		{"HTML entities and breaks", "Lundi&nbsp;: 9h&ndash;12h<br/>Mercredi : 14h-18h<br>Samedi&nbsp;: 10h-12h", "Mo 09:00-12:00; We 14:00-18:00; Sa 10:00-12:00", ""},
		{"day list", "Lundi, mardi et jeudi : 9h-12h", "Mo,Tu,Th 09:00-12:00", ""},
		{"closed at the end", "Lundi-samedi 9h-18h, fermé le dimanche", "Mo-Sa 09:00-18:00", ""},
		{"week and weekend", "En semaine : 8h-19h ; week-end : 10h-18h", "Mo-Fr 08:00-19:00; Sa,Su 10:00-18:00", ""},
		{"English", "Monday to Friday 9am-5pm, Saturday 10am-1pm", "Mo-Fr 09:00-17:00; Sa 10:00-13:00", ""},
		{"heading", "Horaires d'ouverture : mardi 14h-18h", "Tu 14:00-18:00", ""},
		{"an unreadable day", "Lundi : 9h-12h ; mardi : variable", "Mo 09:00-12:00; Tu unknown", hours.ReasonUnreadable},
		{"appointment only", "Sur rendez-vous", "", hours.ReasonAppointment},
		{"not communicated", "<p>Horaires non communiqués</p>", "", hours.ReasonNotCommunicated},
		{"hours without days", "9h-12h / 14h-17h", "", hours.ReasonUnreadable},
		{"empty", "  <p></p> ", "", hours.ReasonEmpty},
		{"closed for good", "Fermé définitivement", "off", ""},
		// An item of a list, a paragraph or a line ends the text of its
		// days; a line that names no day is a problem of its own.
		{"HTML list", "<ul><li>Lundi : 9h-12h</li><li>Jeudi : 14h-17h</li><li>Autres jours : sur rendez-vous</li></ul>",
			"Mo 09:00-12:00; Th 14:00-17:00", hours.ReasonAppointment},
		{"HTML line breaks", "Lundi : 9h-12h<br>Jeudi : 14h-17h<BR />Autres jours : sur RDV",
			"Mo 09:00-12:00; Th 14:00-17:00", hours.ReasonAppointment},
		{"HTML paragraphs and a remark", "<p>Mardi : 9h-12h</p>\n<p>Vendredi : 14h-17h</p><p>Fermé pendant les vacances scolaires</p>",
			"Tu 09:00-12:00; Fr 14:00-17:00", hours.ReasonUnreadable},
		{"HTML entities", "<p>Lundi&nbsp;: 9h&ndash;12h</p><p>Jeudi&#160;: 14h&#45;17h</p><p>Autres jours&nbsp;: sur rendez-vous (t&#233;l&#233;phoner)</p>",
			"Mo 09:00-12:00; Th 14:00-17:00", hours.ReasonAppointment},
		{"HTML entity in an unknown day", "<ul><li>Lundi : 9h-12h</li><li>Jeudi : non communiqu&#233;s</li><li>Samedi : 10h-12h</li></ul>",
			"Mo 09:00-12:00; Th unknown; Sa 10:00-12:00", hours.ReasonNotCommunicated},
		{"HTML table rows", "<table><tr><td>Lundi</td><td>9h-12h</td></tr><tr><td>Jeudi</td><td>14h-17h</td></tr><tr><td>Autres jours</td><td>sur rendez-vous</td></tr></table>",
			"Mo 09:00-12:00; Th 14:00-17:00", hours.ReasonAppointment},
		{"hours on the lines after their days", "<p><strong>Du lundi au vendredi</strong></p><p>9h-12h<br>14h-17h</p><p>Samedi</p><p>10h-12h</p>",
			"Mo-Fr 09:00-12:00,14:00-17:00; Sa 10:00-12:00", ""},
		{"inline tags inside a line", "<p><strong>Lundi</strong> : <b>9h</b>-12h et <em>14h</em>-17h</p>", "Mo 09:00-12:00,14:00-17:00", ""},
		{"plain line breaks", "Lundi : 9h-12h\r\nJeudi : 14h-17h\r\nAutres jours : sur rendez-vous",
			"Mo 09:00-12:00; Th 14:00-17:00", hours.ReasonAppointment},
		{"days over a line break", "Du lundi<br>au vendredi : 9h-18h", "Mo-Fr 09:00-18:00", ""},
		{"hours first on each line", "<p>De 9h à 12h du lundi au vendredi</p><p>De 10h à 12h le samedi</p>",
			"Mo-Fr 09:00-12:00; Sa 10:00-12:00", ""},
		{"list without hours", "<ul><li>Mardi : fermé</li><li>Autres jours : sur rendez-vous</li></ul>", "", hours.ReasonAppointment},
	} {
		t.Run(tc.name, func(t *testing.T) {
			osm, problems, err := hours.FromText(tc.in)
			if tc.osm == "" {
				var ce *hours.ConvertError
				if !errors.As(err, &ce) || ce.Reason != tc.reason {
					t.Fatalf("FromText = %q, %v, %v; want a ConvertError for %s", osm, problems, err, tc.reason)
				}
				return
			}
			if err != nil || osm != tc.osm {
				t.Fatalf("FromText = %q, %v, %v; want %q", osm, problems, err, tc.osm)
			}
			if tc.reason != "" && (len(problems) != 1 || problems[0].Reason != tc.reason) {
				t.Fatalf("problems %v, want one: %s", problems, tc.reason)
			}
			if tc.reason == "" && len(problems) != 0 {
				t.Fatalf("unexpected problems %v", problems)
			}
			MustParse(t, osm)
		})
	}
}

// TestFromTextListItem checks what FromText says of an HTML list whose
// last item names no day: the days before it keep their hours, and the
// item is a problem about no single day.
func TestFromTextListItem(t *testing.T) {
	osm, problems, err := hours.FromText("<ul><li>Lundi : 9h-12h</li><li>Jeudi : 14h-17h</li><li>Autres jours : sur rendez-vous</li></ul>")
	want := []hours.Problem{{Day: hours.NoDay, Value: "autres jours : sur rendez-vous", Reason: hours.ReasonAppointment}}
	if err != nil || osm != "Mo 09:00-12:00; Th 14:00-17:00" || !reflect.DeepEqual(problems, want) {
		t.Fatalf("FromText = %q, %v, %v; want %q, %v", osm, problems, err, "Mo 09:00-12:00; Th 14:00-17:00", want)
	}
}

func TestConvertErrorText(t *testing.T) {
	_, problems, err := hours.FromText(strings.Repeat("Lundi : 9h-12h é ", 600))
	var ce *hours.ConvertError
	if !errors.As(err, &ce) || ce.Reason != hours.ReasonUnreadable || len(problems) != 1 || !utf8.ValidString(problems[0].Value) {
		t.Fatalf("over-long text: %v, %v", problems, err)
	}
	if got := err.Error(); got != "hours: no opening hours could be read (unreadable)" {
		t.Errorf("Error() = %q", got)
	}
}

func TestProblemString(t *testing.T) {
	for _, tc := range []struct {
		p    hours.Problem
		want string
	}{
		{hours.Problem{Day: time.Wednesday, Value: "sur rendez-vous", Reason: hours.ReasonAppointment}, `mercredi: "sur rendez-vous": appointment-only`},
		{hours.Problem{Day: hours.NoDay, Value: "9h-12h", Reason: hours.ReasonUnreadable}, `"9h-12h": unreadable`},
		{hours.Problem{Day: 9, Value: "x", Reason: hours.ReasonUnreadable}, `day 9: "x": unreadable`},
	} {
		if got := tc.p.String(); got != tc.want {
			t.Errorf("String() = %q, want %q", got, tc.want)
		}
	}
}
