package ingest_test

import (
	"bytes"
	"reflect"
	"strings"
	"testing"

	"github.com/tierslieux/tierslieux/ingest"
	"github.com/tierslieux/tierslieux/ingest/hours"
)

var hoursReasons = map[string]bool{
	ingest.ReasonBadOpeningHours: true, ingest.ReasonHoursAppointment: true, ingest.ReasonHoursNotCommunicated: true,
	ingest.ReasonHoursUnreadable: true, ingest.ReasonHoursPartlyRead: true,
}

// FuzzConvertHours: whatever the hours columns hold, the place keeps
// hours that parse, or none; hours it could not read are reported and
// kept as published.
func FuzzConvertHours(f *testing.F) {
	f.Add("Mo-Fr 09:00-12:00", "", "", "", "")
	f.Add("Mo-Fr 08:00-sunset", "", "", "", "")
	f.Add("", "9:00 - 12:00 / 13:30 - 17:30", "sur rendez-vous", "fermé", "")
	f.Add("", "-", "-", "-", "")
	f.Add("", "Horaires non communiqués", "", "", "<p>Lundi : 9h-12h</p>")
	f.Add("sur RDV", "9h-12h et 14h-17h", "", "", "Du lundi au vendredi de 9h à 17h")
	f.Add("nan", "NaN", "", "", "<ul><li>Jeudi : 14h-17h</li><li>Autres jours : sur rendez-vous</li></ul>")
	c := &ingest.Converter{Gazetteer: MustGazetteer(f)}
	f.Fuzz(func(t *testing.T, osm, mo, we, su, text string) {
		rec := ingest.Record{File: "fuzz", Line: 2, Index: 1, Fields: map[string][]string{
			ingest.FieldName: {"Le Lab"}, ingest.FieldINSEE: {"12202"}}}
		for field, v := range map[string]string{ingest.FieldOpeningHours: osm, ingest.FieldHoursMo: mo,
			ingest.FieldHoursWe: we, ingest.FieldHoursSu: su, ingest.FieldHoursText: text} {
			if strings.TrimSpace(v) != "" {
				rec.Fields[field] = []string{v}
			}
		}
		p, problems, _, ok := c.Convert(&rec)
		if !ok {
			t.Fatalf("rejected for its hours: %+v", problems)
		}
		if p.OpeningHours != "" {
			if _, err := hours.Parse(p.OpeningHours); err != nil {
				t.Fatalf("kept hours %q do not parse: %v", p.OpeningHours, err)
			}
		}
		warned := false
		for _, pr := range problems {
			warned = warned || hoursReasons[pr.Reason]
			if pr.Reject || pr.Message == "" || len(pr.Value) > 256 {
				t.Fatalf("problem %+v", pr)
			}
		}
		if (p.OpeningHoursRaw != "") != warned {
			t.Fatalf("raw hours %q, warned %v (%+v)", p.OpeningHoursRaw, warned, problems)
		}
	})
}

// FuzzConvertLocation: placeholders, codes, départements and names in any
// form never make an accepted place invalid, out of France, or depend on
// the run.
func FuzzConvertLocation(f *testing.F) {
	f.Add("Maison de Services au Public de Chalabre", "11", "nan", "", "nan", "nan", "", false)
	f.Add("France Services d'Axat", "11.0", "", "", "", "", "", true)
	f.Add("Le Lab", "Aude", "11170.0", "", "0", "0", "", false)
	f.Add("Le Lab Ramonvillois", "31", "31520.0", "", "49.1193", "6.1757", "Ramonville-Saint-Agne", false)
	f.Add("Le Lab Ramonvillois", "31", "31520.0", "", "49.1193", "6.1757", "Ramonville-Saint-Agne", true)
	f.Add("Tiers-lieu de Foix", "009", "None", "09122.0", "null", "", "", false)
	f.Add("L'Isle", "32 - Gers", "", "", "", "", "", false)
	g := MustGazetteer(f)
	f.Fuzz(func(t *testing.T, name, dept, postcode, insee, lat, lon, commune string, trustPoint bool) {
		rec := ingest.Record{File: "fuzz", Line: 2, Index: 1, Fields: map[string][]string{}}
		for field, v := range map[string]string{ingest.FieldName: name, ingest.FieldDept: dept, ingest.FieldPostcode: postcode,
			ingest.FieldINSEE: insee, ingest.FieldLat: lat, ingest.FieldLon: lon, ingest.FieldCommune: commune} {
			if v != "" {
				rec.Fields[field] = []string{v}
			}
		}
		c := ingest.Converter{Gazetteer: g, Area: ingest.France}
		if trustPoint {
			c.Trust = ingest.TrustPoint
		}
		p, problems, step, ok := c.Convert(&rec)
		rejected := false
		for _, pr := range problems {
			rejected = rejected || pr.Reject
			if pr.Reason == "" || pr.Field == "" || pr.Message == "" {
				t.Fatalf("incomplete problem %+v", pr)
			}
			if pr.Reason == ingest.ReasonCommuneFromName && p.Precision != ingest.PrecisionCommune && p.Precision != ingest.PrecisionPostcode {
				t.Fatalf("commune from the name at precision %q", p.Precision)
			}
		}
		if ok == rejected {
			t.Fatalf("ok = %v with problems %+v", ok, problems)
		}
		if !ok {
			return
		}
		if errs := p.Validate(); len(errs) > 0 {
			t.Fatalf("accepted place %+v fails Validate: %v", p, errs)
		}
		if !ingest.France.Contains(p.Lon, p.Lat) {
			t.Fatalf("accepted place at (%v, %v)", p.Lon, p.Lat)
		}
		if step == ingest.GeocodedName && p.Dept == "" {
			t.Fatalf("placed from its name without a département: %+v", p)
		}
		again, _, _, _ := c.Convert(&rec)
		if !reflect.DeepEqual(p, again) {
			t.Fatalf("Convert is not deterministic:\n%+v\n%+v", p, again)
		}
	})
}

// FuzzReadCSVColumns: any header gets one column each, a shape that is a
// known one, and the same reading whatever the records.
func FuzzReadCSVColumns(f *testing.F) {
	MustAddFixtures(f, "realworld/*.csv", func(data []byte) { f.Add(data) })
	f.Add(MustReadFixture(f, "mediation-numerique/exemple-valide.csv"))
	f.Add([]byte("lundi;mardi;mercredi\n-;-;-\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		calls := 0
		var cols ingest.Columns
		ro := ingest.ReadOptions{Header: func(c ingest.Columns) { calls++; cols = c }}
		_, err := ingest.ReadCSV(bytes.NewReader(data), "f.csv", ro, func(r ingest.Record) error {
			if calls != 1 {
				t.Fatalf("a record before the header")
			}
			if (cols.Shape == nil) != (r.Shape == "") || cols.Shape != nil && ingest.ShapeNamed(r.Shape) != cols.Shape {
				t.Fatalf("record shape %q, columns shape %v", r.Shape, cols.Shape)
			}
			return nil
		})
		if err != nil {
			return
		}
		if calls != 1 {
			t.Fatalf("header told %d times", calls)
		}
		headers := make([]string, len(cols.Columns))
		for i, c := range cols.Columns {
			headers[i] = c.Header
			if (c.Field == "") != (c.By == "") {
				t.Fatalf("column %+v", c)
			}
		}
		if got := ingest.DetectShape(headers); got != cols.Shape {
			t.Fatalf("shape %v, DetectShape says %v", cols.Shape, got)
		}
	})
}
