package ingest_test

import (
	"strings"
	"testing"

	"github.com/tierslieux/tierslieux/ingest"
)

// TestRunRealWorld runs one export of each shape the service loads as
// published — a regional hub's CSV, the national France Services list,
// the national standard "Lieux de médiation numérique" in CSV and JSON,
// and the standard's own example — and checks the exact report and what
// each place became.
func TestRunRealWorld(t *testing.T) {
	tests := []struct {
		name  string
		file  string
		shape string
		opts  func(*ingest.Options)
		rows  []row
		stats ingest.Stats
		check func(tb testing.TB, rep *ingest.Report, places []ingest.Place)
	}{
		{
			name:  "regional hub: nan points, float postcodes, hours per weekday, HTML hours, a far point, names holding a commune",
			file:  "realworld/hub_occitanie.csv",
			shape: ingest.ShapeRegionalHub,
			stats: ingest.Stats{Read: 10, Indexed: 9, Rejected: 1, Warned: 6, Geocoded: 5, WithHours: 7,
				GeocodedBy: map[string]int{ingest.GeocodedName: 3, ingest.GeocodedPostcode: 2}},
			rows: []row{
				{2, 1, "hub-001", warn, "commune", ingest.ReasonCommuneFromName},
				{3, 2, "hub-002", warn, "opening_hours", ingest.ReasonHoursPartlyRead},
				{3, 2, "hub-002", warn, "commune", ingest.ReasonCommuneFromName},
				{4, 3, "hub-003", warn, "opening_hours", ingest.ReasonHoursNotCommunicated},
				{4, 3, "hub-003", rej, "dept", ingest.ReasonNoLocation},
				{7, 6, "hub-006", warn, "opening_hours", ingest.ReasonHoursNotCommunicated},
				{7, 6, "hub-006", warn, "lat", ingest.ReasonFarFromCommune},
				{8, 7, "hub-007", warn, "opening_hours", ingest.ReasonHoursNotCommunicated},
				{9, 8, "hub-008", warn, "types", ingest.ReasonUnknownType},
				{10, 9, "hub-009", warn, "opening_hours", ingest.ReasonHoursPartlyRead},
				{10, 9, "hub-009", warn, "commune", ingest.ReasonCommuneFromName},
			},
			check: func(tb testing.TB, rep *ingest.Report, places []ingest.Place) {
				p := MustPlace(tb, places, "hub-001")
				if p.Commune != "Chalabre" || p.INSEE != "11091" || p.Precision != ingest.PrecisionCommune || p.Postcode != "11230" {
					tb.Errorf("hub-001 = %+v, want Chalabre (11091) at commune precision", p)
				}
				if p.OpeningHours != "Mo,Tu,Th 09:00-12:00,13:30-17:30; We 09:00-12:00; Fr 09:00-12:00,13:30-16:30" || p.OpeningHoursRaw != "" {
					tb.Errorf("hub-001 hours %q (raw %q)", p.OpeningHours, p.OpeningHoursRaw)
				}
				MustEqualStrings(tb, "hub-001 types", p.Types, []string{"mediation-numerique"})
				MustEqualStrings(tb, "hub-001 programs", p.Programs, []string{"france-services"})
				if p := MustPlace(tb, places, "hub-002"); p.Commune != "Axat" || p.OpeningHours != "Mo,Tu,Th 09:00-12:00,14:00-17:00; We unknown; Fr 09:00-12:00" ||
					!strings.Contains(p.OpeningHoursRaw, "mercredi : sur rendez-vous") {
					tb.Errorf("hub-002 = %+v", p)
				}
				if e := rep.Entries[4]; e.Value != "11" || !strings.Contains(e.Message, "Aude (11)") {
					tb.Errorf("no_location entry = %+v", e)
				}
				// The HTML week, and float postcodes read as postcodes.
				p = MustPlace(tb, places, "hub-004")
				if p.OpeningHours != "Mo 09:00-12:00; Tu-Fr 09:00-18:00" || p.Postcode != "11300" || p.Precision != ingest.PrecisionAddress {
					tb.Errorf("hub-004 = %+v", p)
				}
				MustEqualStrings(tb, "hub-004 types", p.Types, []string{"coworking"})
				MustEqualStrings(tb, "hub-005 types", MustPlace(tb, places, "hub-005").Types, []string{"coworking", "fablab"})
				// Ramonville-Saint-Agne with a point in the Moselle: flagged,
				// put at the commune.
				p = MustPlace(tb, places, "hub-006")
				if p.INSEE != "31446" || p.Precision != ingest.PrecisionCommune || p.Lat > 44 || p.OpeningHours != "" || p.OpeningHoursRaw == "" {
					tb.Errorf("hub-006 = %+v, want Ramonville-Saint-Agne's centre, hours unknown", p)
				}
				if e := MustEntry(tb, rep, ingest.ReasonFarFromCommune); e.Value != "49.1193,6.1757" ||
					!strings.Contains(e.Message, "717 km from Ramonville-Saint-Agne") || !strings.Contains(e.Message, "centre lat 43.54618, lon 1.47491") {
					tb.Errorf("far entry = %+v", e)
				}
				// Every day "-": hours unknown, not a place never open.
				if p := MustPlace(tb, places, "hub-007"); p.OpeningHours != "" || p.Postcode != "11500" || p.INSEE != "11304" {
					tb.Errorf("hub-007 = %+v", p)
				}
				// "0" and "0" are no point: geocoded from the commune.
				if p := MustPlace(tb, places, "hub-010"); p.INSEE != "11069" || p.Precision != ingest.PrecisionCommune {
					tb.Errorf("hub-010 = %+v", p)
				}
				// A département given by name; the commune's point is a
				// neighbour's, and the precision says so.
				if p := MustPlace(tb, places, "hub-009"); p.Commune != "Belcaire" || p.Dept != "11" || p.Precision != ingest.PrecisionPostcode {
					tb.Errorf("hub-009 = %+v", p)
				}
			},
		},
		{
			name:  "regional hub, trusting points",
			file:  "realworld/hub_occitanie.csv",
			shape: ingest.ShapeRegionalHub,
			opts:  func(o *ingest.Options) { o.Trust = ingest.TrustPoint },
			stats: ingest.Stats{Read: 10, Indexed: 9, Rejected: 1, Warned: 6, Geocoded: 5, WithHours: 7,
				GeocodedBy: map[string]int{ingest.GeocodedName: 3, ingest.GeocodedPostcode: 2}},
			rows: []row{
				{2, 1, "hub-001", warn, "commune", ingest.ReasonCommuneFromName},
				{3, 2, "hub-002", warn, "opening_hours", ingest.ReasonHoursPartlyRead},
				{3, 2, "hub-002", warn, "commune", ingest.ReasonCommuneFromName},
				{4, 3, "hub-003", warn, "opening_hours", ingest.ReasonHoursNotCommunicated},
				{4, 3, "hub-003", rej, "dept", ingest.ReasonNoLocation},
				{7, 6, "hub-006", warn, "opening_hours", ingest.ReasonHoursNotCommunicated},
				{7, 6, "hub-006", warn, "lat", ingest.ReasonFarFromCommune},
				{8, 7, "hub-007", warn, "opening_hours", ingest.ReasonHoursNotCommunicated},
				{9, 8, "hub-008", warn, "types", ingest.ReasonUnknownType},
				{10, 9, "hub-009", warn, "opening_hours", ingest.ReasonHoursPartlyRead},
				{10, 9, "hub-009", warn, "commune", ingest.ReasonCommuneFromName},
			},
			check: func(tb testing.TB, rep *ingest.Report, places []ingest.Place) {
				p := MustPlace(tb, places, "hub-006")
				MustNear(tb, "hub-006 lat", p.Lat, 49.1193)
				if p.Precision != ingest.PrecisionAddress || p.INSEE != "31446" {
					tb.Errorf("hub-006 = %+v, want the given point kept", p)
				}
				if e := MustEntry(tb, rep, ingest.ReasonFarFromCommune); !strings.Contains(e.Message, "the given point is kept") {
					tb.Errorf("far entry = %+v", e)
				}
			},
		},
		{
			name:  "national France Services list",
			file:  "realworld/france_services.csv",
			shape: ingest.ShapeFranceServices,
			stats: ingest.Stats{Read: 5, Indexed: 4, Rejected: 1, Warned: 1, Geocoded: 1, WithHours: 3,
				GeocodedBy: map[string]int{ingest.GeocodedINSEE: 1}},
			rows: []row{
				{3, 2, "FS-11-0102", warn, "opening_hours", ingest.ReasonHoursAppointment},
				{6, 5, "FS-31-0401", rej, "name", ingest.ReasonMissingName},
				{1, 0, "", warn, "altitude", ingest.ReasonUnmappedColumn},
				{1, 0, "", warn, "geometry", ingest.ReasonUnmappedColumn},
				{1, 0, "", warn, "X._groupe", ingest.ReasonUnmappedColumn},
				{1, 0, "", warn, "Groupe", ingest.ReasonUnmappedColumn},
				{1, 0, "", warn, "Goupe_France_Services_responsable", ingest.ReasonUnmappedColumn},
				{1, 0, "", warn, "Goupe_Antennes", ingest.ReasonUnmappedColumn},
			},
			check: func(tb testing.TB, rep *ingest.Report, places []ingest.Place) {
				p := MustPlace(tb, places, "FS-11-0101")
				if p.Name != "France services de Limoux" || p.INSEE != "11206" || p.LabelYear != 2020 || p.HoursNote != "Fermé les jours fériés" ||
					p.AddressExtra != "Maison des services, rez-de-chaussée" || p.Email != "limoux@france-services.example.fr" ||
					p.OpeningHours != "Mo,Tu,Th 09:00-12:00,14:00-17:00; We 09:00-12:00; Fr 09:00-12:00,14:00-16:00" {
					tb.Errorf("FS-11-0101 = %+v", p)
				}
				MustNear(tb, "FS-11-0101 lat", p.Lat, 43.0546)
				for _, p := range places {
					MustEqualStrings(tb, p.ID+" types", p.Types, []string{"mediation-numerique"})
					MustEqualStrings(tb, p.ID+" programs", p.Programs, []string{"france-services"})
				}
				MustEqualStrings(tb, "bus mobility", MustPlace(tb, places, "FS-11-0102").Mobility, []string{"itinerant"})
				if p := MustPlace(tb, places, "FS-12-0201"); p.Lat != 44.0983 || p.OpeningHours != "Mo-Fr 08:30-12:00,13:30-17:00; Sa 09:00-12:00" {
					tb.Errorf("FS-12-0201 (second pair of coordinates) = %+v", p)
				}
				if p := MustPlace(tb, places, "FS-09-0301"); p.INSEE != "09261" || p.Precision != ingest.PrecisionCommune || p.LabelYear != 2022 {
					tb.Errorf("FS-09-0301 = %+v", p)
				}
			},
		},
		{
			name:  "national standard, CSV",
			file:  "realworld/mediation_numerique.csv",
			shape: ingest.ShapeMedNum,
			stats: ingest.Stats{Read: 7, Indexed: 7, Warned: 4, Geocoded: 1, WithHours: 3,
				GeocodedBy: map[string]int{ingest.GeocodedPostcode: 1}},
			rows: []row{
				{4, 3, "occ-fab-003", warn, "opening_hours", ingest.ReasonBadOpeningHours},
				{5, 4, "occ-rfs-004", warn, "publics", ingest.ReasonUnknownValue},
				{6, 5, "occ-bib-005", warn, "opening_hours", ingest.ReasonHoursAppointment},
				{7, 6, "occ-xyz-006", warn, "types", ingest.ReasonUnknownType},
				{7, 6, "occ-xyz-006", warn, "lat", ingest.ReasonFarFromCommune},
			},
			check: func(tb testing.TB, rep *ingest.Report, places []ingest.Place) {
				p := MustPlace(tb, places, "occ-tl-001")
				MustEqualStrings(tb, "types", p.Types, []string{"mediation-numerique", "coworking"})
				MustEqualStrings(tb, "typologie", p.Typologie, []string{"TIERS_LIEUX", "ASSO"})
				// Support for physical disabilities is access for reduced mobility.
				MustEqualStrings(tb, "services", p.Services, []string{"aide-demarches", "outils-numeriques", "securite-numerique", "accessible-pmr"})
				MustEqualStrings(tb, "publics", p.Publics, []string{"seniors", "jeunes"})
				MustEqualStrings(tb, "accessibility", p.Accessibility, []string{"surdite", "handicap-moteur"})
				MustEqualStrings(tb, "fees", p.Fees, []string{"gratuit"})
				MustEqualStrings(tb, "access modes", p.AccessModes, []string{"se-presenter", "rdv-en-ligne"})
				MustEqualStrings(tb, "support modes", p.SupportModes, []string{"individuel", "atelier-collectif"})
				MustEqualStrings(tb, "programs", p.Programs, []string{"conseillers-numeriques", "aidants-connect"})
				MustEqualStrings(tb, "labels", p.Labels, []string{"fabriques-de-territoire"})
				MustEqualStrings(tb, "mobility", p.Mobility, []string{"fixe"})
				MustEqualStrings(tb, "other emails", p.OtherEmails, []string{"ateliers@grange.example.org"})
				MustEqualStrings(tb, "other websites", p.OtherWebsites, []string{"https://www.facebook.com/grange.example"})
				if p.Pivot != "81234567800012" || p.Updated != "2024-03-12" || p.Source != "Hub numérique Occitanie" || p.AddressExtra != "2e étage" ||
					p.BookingURL != "https://www.rdv-solidarites.fr/" || p.Phone != "+33561000001" || p.Details == "" || len(p.Tags) != 0 {
					tb.Errorf("occ-tl-001 = %+v", p)
				}
				if e := rep.Entries[0]; !strings.Contains(e.Message, `near "sunset"`) {
					tb.Errorf("bad_opening_hours entry does not name the syntax error: %+v", e)
				}
				if p := MustPlace(tb, places, "occ-fab-003"); p.OpeningHours != "" || p.OpeningHoursRaw != "Mo-Fr 08:00-sunset" {
					tb.Errorf("occ-fab-003 hours %q raw %q", p.OpeningHours, p.OpeningHoursRaw)
				}
				if p := MustPlace(tb, places, "occ-rfs-004"); p.Updated != "2024-02-12" || !p.HasType("mediation-numerique") {
					tb.Errorf("occ-rfs-004 = %+v", p)
				}
				MustEqualStrings(tb, "occ-fab-003 other labels", MustPlace(tb, places, "occ-fab-003").OtherLabels, []string{"Label Fablab Occitanie"})
				if p := MustPlace(tb, places, "occ-xyz-006"); p.INSEE != "65440" || p.Precision != ingest.PrecisionCommune {
					tb.Errorf("occ-xyz-006 = %+v, want Tarbes", p)
				}
			},
		},
		{
			name:  "national standard, JSON",
			file:  "realworld/mediation_numerique.json",
			shape: ingest.ShapeMedNum,
			stats: ingest.Stats{Read: 3, Indexed: 3, Warned: 1, Geocoded: 1, WithHours: 2, GeocodedBy: map[string]int{ingest.GeocodedINSEE: 1}},
			rows:  []row{{41, 2, "occ-j-002", warn, "opening_hours", ingest.ReasonHoursNotCommunicated}},
			check: func(tb testing.TB, rep *ingest.Report, places []ingest.Place) {
				p := MustPlace(tb, places, "occ-j-001")
				MustEqualStrings(tb, "services", p.Services, []string{"aide-demarches", "acces-internet"})
				MustEqualStrings(tb, "accessibility", p.Accessibility, []string{"deficience-visuelle"})
				MustEqualStrings(tb, "typologie", p.Typologie, []string{"EPN"})
				p = MustPlace(tb, places, "occ-j-003")
				MustEqualStrings(tb, "types", p.Types, []string{"mediation-numerique", "fablab", "coworking"})
				MustEqualStrings(tb, "labels", p.Labels, []string{"fabriques-de-territoire"})
			},
		},
		{
			name:  "the standard's own example",
			file:  "mediation-numerique/exemple-valide.csv",
			shape: ingest.ShapeMedNum,
			stats: ingest.Stats{Read: 1, Indexed: 1, Warned: 1, WithHours: 1},
			rows:  []row{{2, 1, "structure-1", warn, "lat", ingest.ReasonFarFromCommune}},
			check: func(tb testing.TB, rep *ingest.Report, places []ingest.Place) {
				p := places[0]
				if p.INSEE != "51454" || p.Precision != ingest.PrecisionCommune || p.Lat < 49 {
					tb.Errorf("Reims with a point near Aix: %+v, want it at Reims", p)
				}
				if e := rep.Entries[0]; !strings.Contains(e.Message, "from Reims") || e.Value != "43.52609,5.41423" {
					tb.Errorf("far entry = %+v", e)
				}
				MustEqualStrings(tb, "fees", p.Fees, []string{"gratuit-sous-condition", "payant"})
				MustEqualStrings(tb, "programs", p.Programs, []string{"aidants-connect", "conseillers-numeriques", "croix-rouge"})
				MustEqualStrings(tb, "labels", p.Labels, []string{"mon-espace-sante", "arnia-mednum-bfc"})
				MustEqualStrings(tb, "other labels", p.OtherLabels, []string{"Label et la bête"})
				MustEqualStrings(tb, "support", p.SupportModes, []string{"atelier-collectif", "a-distance", "autonomie", "individuel"})
				if len(p.Tags) != 0 {
					tb.Errorf("tags %q: every value should be read", p.Tags)
				}
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			opts := MustOptions(t)
			if tc.opts != nil {
				tc.opts(&opts)
			}
			var shapes []string
			opts.Read.Header = func(c ingest.Columns) {
				if c.Shape != nil {
					shapes = append(shapes, c.Shape.Name)
				}
			}
			rep, places := MustRun(t, fixtures, []string{tc.file}, opts)
			MustMatchReport(t, rep, tc.rows, tc.stats)
			if len(shapes) == 0 || shapes[0] != tc.shape {
				t.Errorf("shapes %v, want %s", shapes, tc.shape)
			}
			for _, p := range places {
				if errs := p.Validate(); len(errs) > 0 {
					t.Errorf("place %s fails Validate: %v", p.ID, errs)
				}
			}
			if tc.check != nil {
				tc.check(t, rep, places)
			}
		})
	}
}
