package ingest_test

import (
	"bytes"
	"encoding/csv"
	"reflect"
	"strings"
	"testing"
	"testing/fstest"
	"unicode/utf8"

	"github.com/tierslieux/tierslieux/ingest"
)

// MustExport writes places in the standard and returns the file.
func MustExport(tb testing.TB, places []ingest.Place) ([]byte, ingest.MedNumStats) {
	tb.Helper()
	var buf bytes.Buffer
	mw, err := ingest.NewMedNumWriter(&buf, "2026-01-15")
	if err != nil {
		tb.Fatal(err)
	}
	for i := range places {
		if err := mw.Write(&places[i]); err != nil {
			tb.Fatal(err)
		}
	}
	st, err := mw.Close()
	if err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes(), st
}

// standardView is what the standard carries of a place.
func standardView(p ingest.Place) ingest.Place {
	return ingest.Place{ID: p.ID, Name: p.Name, Typologie: p.Typologie, Pivot: p.Pivot, Address: p.Address, AddressExtra: p.AddressExtra,
		Postcode: p.Postcode, Commune: p.Commune, INSEE: p.INSEE, Lon: p.Lon, Lat: p.Lat, Email: p.Email, OtherEmails: p.OtherEmails,
		Website: p.Website, OtherWebsites: p.OtherWebsites, Phone: p.Phone, Description: p.Description, Details: p.Details,
		Source: p.Source, Parent: p.Parent, Updated: p.Updated, Mobility: p.Mobility, Publics: p.Publics, Accessibility: p.Accessibility,
		Fees: p.Fees, Programs: p.Programs, Labels: p.Labels, OtherLabels: p.OtherLabels, AccessModes: p.AccessModes,
		SupportModes: p.SupportModes, AccesLibreURL: p.AccesLibreURL, BookingURL: p.BookingURL}
}

// TestMedNumRoundTrip: places read from the standard, written back and
// read again are the same places.
func TestMedNumRoundTrip(t *testing.T) {
	for _, file := range []string{"realworld/mediation_numerique.csv", "realworld/mediation_numerique.json", "mediation-numerique/exemple-valide.csv"} {
		t.Run(file, func(t *testing.T) {
			_, first := MustRun(t, fixtures, []string{file}, MustOptions(t))
			data, st := MustExport(t, first)
			if st.Written != len(first) || len(st.Skipped) != 0 {
				t.Errorf("stats %+v for %d places", st, len(first))
			}
			rep, again := MustRun(t, fstest.MapFS{"back.csv": {Data: data}}, []string{"back.csv"}, MustOptions(t))
			if rep.Rejected != 0 || len(again) != len(first) {
				t.Fatalf("read back: %+v", rep.Stats)
			}
			for _, e := range rep.Entries {
				if e.Reason == ingest.ReasonUnmappedColumn || e.Reason == ingest.ReasonUnknownValue || e.Reason == ingest.ReasonUnknownType {
					t.Errorf("read back: %+v", e)
				}
			}
			for i := range first {
				a, b := standardView(first[i]), standardView(again[i])
				if a.Updated == "" {
					a.Updated = "2026-01-15"
				}
				if !reflect.DeepEqual(a, b) {
					t.Errorf("%s:\n wrote %+v\n read  %+v", a.ID, a, b)
				}
				if first[i].OpeningHours != "" && again[i].OpeningHours == "" {
					t.Errorf("%s: hours %q lost", a.ID, first[i].OpeningHours)
				}
				if !reflect.DeepEqual(first[i].Types, again[i].Types) {
					t.Errorf("%s: types %v then %v", a.ID, first[i].Types, again[i].Types)
				}
			}
		})
	}
}

// TestMedNumWriter: what the writer stands in for, and says it did.
func TestMedNumWriter(t *testing.T) {
	long := strings.Repeat("Un tiers-lieu rural ouvert à toutes et à tous. ", 10)
	places := []ingest.Place{
		{ID: "a", Name: "Le Lab", Commune: "Rodez", Postcode: "12000", INSEE: "12202", Lon: 2.57, Lat: 44.35, Types: []string{"coworking", "fablab"},
			Phone: "05 65 12 34 56", Description: long, OpeningHours: "Lu-Ve 9h-12h", Services: []string{"impression-3d", "aide-demarches"}},
		{ID: "b", Name: "Le Relais", Commune: "Albi", Postcode: "81000", Address: "1 rue du Pont", Pivot: "12345678901234", Updated: "2024-01-02",
			Phone: "12", Types: []string{"mediation-numerique"}, Email: "a@example.fr", OtherEmails: []string{"b@example.fr"}},
		{ID: "c", Name: "Sans code postal", Commune: "Albi"},
		{ID: "d", Name: "Sans commune", Postcode: "81000"},
	}
	data, st := MustExport(t, places)
	want := ingest.MedNumStats{Written: 2, Skipped: []string{"c", "d"}, PivotUnknown: 1, AddressIsCommune: 1, DateFilled: 1, PhoneDropped: 1, ResumeCut: 1}
	if !reflect.DeepEqual(st, want) {
		t.Errorf("stats %+v, want %+v", st, want)
	}
	rows, err := csv.NewReader(bytes.NewReader(data)).ReadAll()
	if err != nil || len(rows) != 3 {
		t.Fatalf("%d rows, %v", len(rows), err)
	}
	col := map[string]int{}
	for i, h := range rows[0] {
		col[h] = i
	}
	a, b := rows[1], rows[2]
	for _, c := range []struct{ got, want string }{
		{a[col["pivot"]], ingest.MedNumPivotUnknown}, {a[col["adresse"]], "Rodez"}, {a[col["date_maj"]], "2026-01-15"},
		{a[col["telephone"]], "+33565123456"}, {a[col["typologie"]], "TIERS_LIEUX|FABLAB"}, {a[col["horaires"]], "Mo-Fr 09:00-12:00"},
		{a[col["services"]], "Aide aux démarches administratives"}, {a[col["presentation_detail"]], long},
		{b[col["pivot"]], "12345678901234"}, {b[col["telephone"]], ""}, {b[col["typologie"]], ""},
		{b[col["courriels"]], "a@example.fr|b@example.fr"}, {b[col["date_maj"]], "2024-01-02"},
	} {
		if c.got != c.want {
			t.Errorf("got %q, want %q", c.got, c.want)
		}
	}
	if r := []rune(a[col["presentation_resume"]]); len(r) > 280 || !strings.HasSuffix(string(r), "…") {
		t.Errorf("resume of %d characters: %q", len(r), string(r))
	}
	if _, err := ingest.NewMedNumWriter(&bytes.Buffer{}, "demain"); err == nil {
		t.Error("date \"demain\" accepted")
	}
}

// FuzzMedNumRoundTrip: what the writer writes reads back as it was.
func FuzzMedNumRoundTrip(f *testing.F) {
	f.Add("Le Lab", "Rodez", "12000", "12202", 2.57, 44.35, "Seniors|Jeunes", "Gratuit", "Itinérant", "05 65 12 34 56", "Mo-Fr 09:00-12:00", "desc, \"quoted\"\nline")
	f.Add("La Cabane | Limoux", "Limoux", "11300", "", 2.2186, 43.0546, "familles", "free", "oui", "+33468000000", "sur rendez-vous", "")
	g := MustGazetteer(f)
	f.Fuzz(func(t *testing.T, name, commune, postcode, insee string, lon, lat float64, publics, fees, mobility, phone, openingHours, desc string) {
		for _, s := range []string{name, commune, postcode, insee, publics, fees, mobility, phone, openingHours, desc} {
			if !utf8.ValidString(s) {
				return // the readers hand out UTF-8 only
			}
		}
		rec := ingest.Record{File: "in", Line: 2, Index: 1, Fields: map[string][]string{}}
		for field, v := range map[string]string{ingest.FieldName: name, ingest.FieldCommune: commune, ingest.FieldPostcode: postcode,
			ingest.FieldINSEE: insee, ingest.FieldPublics: publics, ingest.FieldFees: fees, ingest.FieldMobility: mobility,
			ingest.FieldPhone: phone, ingest.FieldOpeningHours: openingHours, ingest.FieldDescription: desc} {
			if v != "" {
				rec.Fields[field] = []string{v}
			}
		}
		rec.Point = &[2]float64{lon, lat}
		c := ingest.Converter{Gazetteer: g, Area: ingest.France}
		p, _, _, ok := c.Convert(&rec)
		if !ok {
			return
		}
		data, st := MustExport(t, []ingest.Place{p})
		if st.Written == 0 {
			return
		}
		rep, back := MustRun(t, fstest.MapFS{"back.csv": {Data: data}}, []string{"back.csv"}, ingest.Options{Converter: c})
		if rep.Read != 1 || len(back) != 1 {
			t.Fatalf("read back %+v from\n%s", rep.Stats, data)
		}
		q := back[0]
		if q.ID != p.ID || q.Name != p.Name || !reflect.DeepEqual(q.Publics, p.Publics) || !reflect.DeepEqual(q.Fees, p.Fees) ||
			!reflect.DeepEqual(q.Mobility, p.Mobility) || (p.OpeningHours != "") != (q.OpeningHours != "") {
			t.Fatalf("wrote %+v\nread %+v\nfile\n%s", p, q, data)
		}
	})
}
