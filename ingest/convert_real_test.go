package ingest_test

import (
	"strings"
	"testing"

	"github.com/tierslieux/tierslieux/ingest"
)

// convertFields converts one record made of these fields.
func convertFields(tb testing.TB, c *ingest.Converter, shape string, fields map[string]string) (ingest.Place, []ingest.Problem, string, bool) {
	tb.Helper()
	rec := ingest.Record{File: "t.csv", Line: 2, Index: 1, Shape: shape, Fields: map[string][]string{}}
	for f, v := range fields {
		rec.Fields[f] = []string{v}
	}
	return c.Convert(&rec)
}

func reasonsOf(problems []ingest.Problem) string {
	var out []string
	for _, p := range problems {
		sev := "warn"
		if p.Reject {
			sev = "rej"
		}
		out = append(out, sev+" "+p.Field+" "+p.Reason)
	}
	return strings.Join(out, "; ")
}

// TestConvertLocation: placeholders, float codes, départements, communes
// in names, points far from their commune.
func TestConvertLocation(t *testing.T) {
	g := MustGazetteer(t)
	c := &ingest.Converter{Gazetteer: g, Area: ingest.France}
	const (
		name = ingest.FieldName
		lat  = ingest.FieldLat
		lon  = ingest.FieldLon
		cp   = ingest.FieldPostcode
		com  = ingest.FieldCommune
		dept = ingest.FieldDept
		ins  = ingest.FieldINSEE
	)
	tests := []struct {
		name      string
		fields    map[string]string
		problems  string
		insee     string
		precision string
		geocoded  string
	}{
		{"nan everywhere, a commune", map[string]string{name: "Le Lab", lat: "nan", lon: "NaN", cp: "nan", com: "Limoux"}, "", "11206", "commune", "commune"},
		{"null and None", map[string]string{name: "Le Lab", lat: "null", lon: "None", ins: "11206"}, "", "11206", "commune", "insee"},
		{"0,0 is no point", map[string]string{name: "Le Lab", lat: "0", lon: "0", com: "Limoux", cp: "11300"}, "", "11206", "commune", "postcode+commune"},
		{"0,0 with decimal commas", map[string]string{name: "Le Lab", lat: "0,0", lon: "0,00", com: "Limoux"}, "", "11206", "commune", "commune"},
		{"float postcode alone", map[string]string{name: "Le Lab", cp: "11170.0"}, "", "11288", "postcode", "postcode"},
		{"float four-digit postcode", map[string]string{name: "Le Lab", cp: "9000.0", com: "Foix"}, "", "09122", "commune", "postcode+commune"},
		{"float INSEE code", map[string]string{name: "Le Lab", ins: "11206.0"}, "", "11206", "commune", "insee"},
		{"département code, commune in the name", map[string]string{name: "Maison de Services au Public de Chalabre", dept: "11"}, "warn commune commune_from_name", "11091", "commune", "name"},
		{"département as float, elided commune", map[string]string{name: "France Services d'Axat", dept: "11.0"}, "warn commune commune_from_name", "11021", "commune", "name"},
		{"département by name", map[string]string{name: "Point numérique de Quillan", dept: "Aude"}, "warn commune commune_from_name", "11304", "commune", "name"},
		{"département as code and name", map[string]string{name: "Espace de Limoux", dept: "11 - Aude"}, "warn commune commune_from_name", "11206", "commune", "name"},
		{"département with a leading zero", map[string]string{name: "Tiers-lieu de Foix", dept: "009"}, "warn commune commune_from_name", "09122", "commune", "name"},
		{"a commune of another département is not taken", map[string]string{name: "Maison de Chalabre", dept: "31"}, "rej dept no_location", "", "", ""},
		{"no commune in the name", map[string]string{name: "Espace numérique du Pays de Sault", dept: "11"}, "rej dept no_location", "", "", ""},
		{"unknown département", map[string]string{name: "Espace de Limoux", dept: "Atlantide"}, "rej dept no_location", "", "", ""},
		{"nothing at all", map[string]string{name: "Le Lab", lat: "nan", lon: "nan"}, "rej lat no_location", "", "", ""},
		{"one coordinate nan, the other given", map[string]string{name: "Le Lab", lat: "nan", lon: "2.2", com: "Limoux"}, "rej lat bad_coordinate", "", "", ""},
		{"point near its commune", map[string]string{name: "Le Lab", lat: "43.06", lon: "2.22", com: "Limoux"}, "", "11206", "address", ""},
		{"point 717 km from its commune", map[string]string{name: "Le Lab", lat: "49.1193", lon: "6.1757", com: "Ramonville-Saint-Agne", cp: "31520"}, "warn lat far_from_commune", "31446", "commune", ""},
		{"point 40 km from Toulouse, within its allowance", map[string]string{name: "Le Lab", lat: "43.95", lon: "1.44", ins: "31555"}, "", "31555", "address", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p, problems, step, ok := convertFields(t, c, "", tc.fields)
			if got := reasonsOf(problems); got != tc.problems {
				t.Errorf("problems %q, want %q (%+v)", got, tc.problems, problems)
			}
			if tc.insee == "" {
				if ok {
					t.Errorf("accepted: %+v", p)
				}
				return
			}
			if !ok || p.INSEE != tc.insee || p.Precision != tc.precision || step != tc.geocoded {
				t.Errorf("ok %v, %s %s precision %q geocoded %q; want %s precision %q geocoded %q", ok, p.INSEE, p.Commune, p.Precision, step, tc.insee, tc.precision, tc.geocoded)
			}
		})
	}
}

// TestFarFromCommune: the allowance grows with large cities and with
// borrowed points.
func TestFarFromCommune(t *testing.T) {
	g := MustGazetteer(t)
	for _, tc := range []struct {
		insee    string
		min, max float64
	}{
		{"11091", 25_000, 25_000},  // Chalabre
		{"31555", 50_000, 60_000},  // Toulouse
		{"51454", 30_000, 40_000},  // Reims
		{"11028", 50_000, 100_000}, // Belcaire, whose point is a neighbour's
	} {
		c, ok := g.Commune(tc.insee)
		if !ok {
			t.Fatalf("no commune %s", tc.insee)
		}
		if got := ingest.FarFromCommune(c); got < tc.min || got > tc.max {
			t.Errorf("FarFromCommune(%s) = %.0f m, want within [%.0f, %.0f]", c.Name, got, tc.min, tc.max)
		}
	}
	if err := func() error {
		_, err := ingest.Run(t.Context(), fixtures, []string{"csv/comma_utf8.csv"}, ingest.Options{Converter: ingest.Converter{Trust: "maybe"}}, nil)
		return err
	}(); err == nil || !strings.Contains(err.Error(), "trust") {
		t.Errorf("Run with Trust maybe: %v", err)
	}
}

func TestIsPlaceholder(t *testing.T) {
	for _, v := range []string{"nan", "NaN", " null ", "NULL", "None", "undefined", "N/A", "#N/A", "NaT"} {
		if !ingest.IsPlaceholder(v) {
			t.Errorf("IsPlaceholder(%q) = false", v)
		}
	}
	for _, v := range []string{"", "0", "-", "fermé", "Nancy", "nano", "Non communiqué"} {
		if ingest.IsPlaceholder(v) {
			t.Errorf("IsPlaceholder(%q) = true", v)
		}
	}
}

// TestConvertHours: OSM values checked, French timetables converted,
// what cannot be read reported and left unknown.
func TestConvertHours(t *testing.T) {
	c := &ingest.Converter{Gazetteer: MustGazetteer(t)}
	tests := []struct {
		name     string
		fields   map[string]string
		hours    string
		raw      bool // OpeningHoursRaw kept
		problems string
	}{
		{"OSM kept as written", map[string]string{ingest.FieldOpeningHours: "Mo-Fr 09:00-12:00,14:00-18:00"}, "Mo-Fr 09:00-12:00,14:00-18:00", false, ""},
		{"lenient OSM kept as written", map[string]string{ingest.FieldOpeningHours: "Lu-Ve 08:30-18:00"}, "Lu-Ve 08:30-18:00", false, ""},
		{"French sentence in the OSM column", map[string]string{ingest.FieldOpeningHours: "Du lundi au vendredi de 9h à 12h"}, "Mo-Fr 09:00-12:00", false, ""},
		{"OSM syntax error", map[string]string{ingest.FieldOpeningHours: "Mo-Fr 08:00-sunset"}, "", true, "warn opening_hours bad_opening_hours"},
		{"OSM column by appointment", map[string]string{ingest.FieldOpeningHours: "Sur RDV"}, "", true, "warn opening_hours hours_by_appointment"},
		{"per day", map[string]string{ingest.FieldHoursMo: "9:00 - 12:00 / 13:30 - 17:30", ingest.FieldHoursTu: "9h-12h et 14h-17h",
			ingest.FieldHoursWe: "fermé", ingest.FieldHoursSa: "-"}, "Mo 09:00-12:00,13:30-17:30; Tu 09:00-12:00,14:00-17:00", false, ""},
		{"per day, one by appointment", map[string]string{ingest.FieldHoursMo: "9h-12h", ingest.FieldHoursTh: "sur rendez-vous"},
			"Mo 09:00-12:00; Th unknown", true, "warn opening_hours hours_partly_read"},
		{"per day, not communicated", map[string]string{ingest.FieldHoursMo: "Horaires non communiqués", ingest.FieldHoursTu: "NC"},
			"", true, "warn opening_hours hours_not_communicated"},
		{"per day, unreadable", map[string]string{ingest.FieldHoursMo: "variable", ingest.FieldHoursTu: "selon saison"},
			"", true, "warn opening_hours hours_unreadable"},
		{"every day closed is unknown", map[string]string{ingest.FieldHoursMo: "-", ingest.FieldHoursTu: "fermé", ingest.FieldHoursWe: "-",
			ingest.FieldHoursTh: "-", ingest.FieldHoursFr: "-", ingest.FieldHoursSa: "-", ingest.FieldHoursSu: "-"}, "", true, "warn opening_hours hours_not_communicated"},
		{"days closed, HTML week read", map[string]string{ingest.FieldHoursMo: "-", ingest.FieldHoursTu: "-", ingest.FieldHoursWe: "-",
			ingest.FieldHoursTh: "-", ingest.FieldHoursFr: "-", ingest.FieldHoursSa: "-", ingest.FieldHoursSu: "-",
			ingest.FieldHoursText: "<p>Mardi : 14h-18h</p>"}, "Tu 14:00-18:00", false, ""},
		{"HTML week", map[string]string{ingest.FieldHoursText: "<p>Lundi : 9h-12h</p><p>Mardi : fermé</p><p>Mercredi : 14h-17h</p>"}, "Mo 09:00-12:00; We 14:00-17:00", false, ""},
		{"text week by appointment", map[string]string{ingest.FieldHoursText: "Sur rendez-vous uniquement"}, "", true, "warn opening_hours hours_by_appointment"},
		{"OSM wins over days", map[string]string{ingest.FieldOpeningHours: "Sa 10:00-12:00", ingest.FieldHoursMo: "9h-12h"}, "Sa 10:00-12:00", false, ""},
		{"nan hours are no hours", map[string]string{ingest.FieldOpeningHours: "nan", ingest.FieldHoursText: "NaN"}, "", false, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tc.fields[ingest.FieldName] = "Le Lab"
			tc.fields[ingest.FieldINSEE] = "12202"
			p, problems, _, ok := convertFields(t, c, "", tc.fields)
			if !ok {
				t.Fatalf("rejected: %+v", problems)
			}
			if got := reasonsOf(problems); got != tc.problems {
				t.Errorf("problems %q, want %q (%+v)", got, tc.problems, problems)
			}
			if p.OpeningHours != tc.hours || (p.OpeningHoursRaw != "") != tc.raw {
				t.Errorf("hours %q raw %q; want %q, raw kept %v", p.OpeningHours, p.OpeningHoursRaw, tc.hours, tc.raw)
			}
		})
	}
}

// TestSummaryHours: the summary says how many places have usable hours.
func TestSummaryHours(t *testing.T) {
	rep, _ := MustRun(t, fixtures, []string{"realworld/hub_occitanie.csv"}, MustOptions(t))
	var b strings.Builder
	if err := rep.WriteSummary(&b); err != nil {
		t.Fatal(err)
	}
	want := "read 10, indexed 9, geocoded 5 (postcode+commune 2, name 3), warned 6, rejected 1\n  hours: 7 of 9 indexed places have usable opening hours\n"
	if !strings.HasPrefix(b.String(), want) {
		t.Errorf("summary:\n%s\nwant it to start with\n%s", b.String(), want)
	}
}
