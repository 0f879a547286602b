package ingest_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/tierslieux/tierslieux/ingest"
)

func TestDetectShape(t *testing.T) {
	tests := []struct {
		name    string
		headers string
		want    string
	}{
		{"standard", strings.Join(ingest.MedNumColumns, ","), ingest.ShapeMedNum},
		{"standard, required columns only", "id,pivot,nom,commune,code_postal,adresse,date_maj,latitude,longitude,typologie,services,horaires,site_web,telephone,courriels,frais_a_charge", ingest.ShapeMedNum},
		{"France Services", "latitude,longitude,MATRICULE,lib_france_services,lib_com,insee_com,h_lundi,h_mardi", ingest.ShapeFranceServices},
		{"France Services without its name column", "MATRICULE,nom,h_lundi,h_mardi,h_mercredi", ingest.ShapeFranceServices},
		{"hub, days", "nom,commune,lundi,mardi,mercredi,jeudi,vendredi", ingest.ShapeRegionalHub},
		{"hub, h_ days", "nom,commune,h_lundi,h_mardi,h_mercredi", ingest.ShapeRegionalHub},
		{"hub, label_full", "nom,label_full,commune", ingest.ShapeRegionalHub},
		{"hub, type_lieu", "nom,TYPE_LIEU,commune", ingest.ShapeRegionalHub},
		{"hub, geo_lat and geo_lon", "nom,geo_lat,geo_lon", ingest.ShapeRegionalHub},
		{"generic", "id,name,type,services,lat,lng,city", ""},
		{"generic with one day", "nom,lundi", ""},
		{"generic with a pivot", "pivot,nom", ""},
		{"empty", "", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := ingest.DetectShape(strings.Split(tc.headers, ","))
			name := ""
			if got != nil {
				name = got.Name
			}
			if name != tc.want {
				t.Errorf("DetectShape(%q) = %q, want %q", tc.headers, name, tc.want)
			}
			if got != nil && ingest.ShapeNamed(got.Name) != got {
				t.Errorf("ShapeNamed(%q) is not the shape", got.Name)
			}
		})
	}
}

// TestFieldNamesAndStandardColumns: every field reads as itself, and every
// column of the standard as some field.
func TestFieldNamesAndStandardColumns(t *testing.T) {
	var m *ingest.Mapping
	for _, f := range ingest.CanonicalFields() {
		if got := m.Field(f); got != f {
			t.Errorf("field name %q reads as %q", f, got)
		}
	}
	for _, c := range ingest.MedNumColumns {
		if m.Field(c) == "" {
			t.Errorf("the standard's column %q maps to no field", c)
		}
	}
}

// TestExplain: the shape and the field of every column, before reading.
func TestExplain(t *testing.T) {
	tests := []struct {
		file, format, shape string
		want                map[string]string // header → field
		unmapped            []string
		lines               []string
	}{
		{file: "realworld/hub_occitanie.csv", format: ingest.FormatCSV, shape: ingest.ShapeRegionalHub,
			want:     map[string]string{"nom": "name", "label_full": "types", "geo_lat": "lat", "lundi": "hours_mo", "horaires_semaine": "hours_text", "departement": "dept"},
			unmapped: []string{""},
			lines:    []string{`realworld/hub_occitanie.csv: csv, ","-separated, utf-8; regional hub export`, `  ""                ignored: unmapped`}},
		{file: "realworld/france_services.csv", format: ingest.FormatCSV, shape: ingest.ShapeFranceServices,
			want: map[string]string{"lib_france_services": "name", "MATRICULE": "id", "insee_com": "insee", "lib_com": "commune",
				"h_samedi": "hours_sa", "Commentaire.horaires": "hours_note", "categorie": "tags", "CONTACT.MAIL": "email"},
			unmapped: []string{"altitude", "geometry", "X._groupe", "Groupe", "Goupe_France_Services_responsable", "Goupe_Antennes"},
			lines:    []string{"  every record: types mediation-numerique; programs france-services"}},
		{file: "realworld/mediation_numerique.json", format: ingest.FormatJSON, shape: ingest.ShapeMedNum,
			want: map[string]string{"typologie": "types", "prise_en_charge_specifique": "accessibility", "modalites_acces": "access_modes"}},
		{file: "mediation-numerique/exemple-valide.csv", format: ingest.FormatCSV, shape: ingest.ShapeMedNum,
			want: map[string]string{"dispositif_programmes_nationaux": "programs", "autres_formations_labels": "other_labels", "fiche_acces_libre": "acceslibre_url"}},
		{file: "csv/comma_utf8.csv", format: ingest.FormatCSV, want: map[string]string{"zip": "postcode"},
			lines: []string{"csv/comma_utf8.csv: csv, \",\"-separated, utf-8; no known shape: columns read by their names"}},
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			e, err := ingest.Explain(fixtures, tc.file, MustOptions(t))
			if err != nil {
				t.Fatal(err)
			}
			if e.Format != tc.format || shapeName(e.Shape) != tc.shape {
				t.Errorf("format %s, shape %q; want %s, %q", e.Format, shapeName(e.Shape), tc.format, tc.shape)
			}
			got := map[string]string{}
			var unmapped []string
			for _, c := range e.Columns.Columns {
				got[c.Header] = c.Field
				if c.Field == "" {
					unmapped = append(unmapped, c.Header)
				}
			}
			for h, f := range tc.want {
				if got[h] != f {
					t.Errorf("%q read as %q, want %q", h, got[h], f)
				}
			}
			MustEqualStrings(t, "unmapped", unmapped, tc.unmapped)
			var buf bytes.Buffer
			if err := e.Write(&buf); err != nil {
				t.Fatal(err)
			}
			for _, l := range tc.lines {
				if !strings.Contains(buf.String(), l) {
					t.Errorf("no %q in\n%s", l, buf.String())
				}
			}
		})
	}
	if _, err := ingest.Explain(fixtures, "csv/nothing.csv", MustOptions(t)); err == nil {
		t.Error("Explain of a missing file: no error")
	}
}

func shapeName(s *ingest.Shape) string {
	if s == nil {
		return ""
	}
	return s.Name
}
