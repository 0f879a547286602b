package ingest_test

import (
	"bytes"
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/tierslieux/tierslieux/ingest"
)

// TestRunCSV runs each CSV fixture through the pipeline and checks the
// exact report and what reached the sink.
func TestRunCSV(t *testing.T) {
	tests := []struct {
		name  string
		file  string
		opts  func(*ingest.Options)
		rows  []row
		stats ingest.Stats
		check func(tb testing.TB, rep *ingest.Report, places []ingest.Place)
	}{
		{
			name:  "comma-separated UTF-8 with English headers",
			file:  "csv/comma_utf8.csv",
			stats: ingest.Stats{Read: 3, Indexed: 3},
			check: func(tb testing.TB, rep *ingest.Report, places []ingest.Place) {
				p := MustPlace(tb, places, "rdz-quai")
				if p.Name != "Le Quai Numérique" || p.Commune != "Rodez" || p.Postcode != "12000" || p.INSEE != "12202" ||
					p.Website != "https://quai-numerique.example.fr" || p.Precision != ingest.PrecisionAddress {
					tb.Errorf("rdz-quai = %+v", p)
				}
				MustNear(tb, "rdz-quai lat", p.Lat, 44.3512)
				MustNear(tb, "rdz-quai lon", p.Lon, 2.5741)
				MustEqualStrings(tb, "rdz-quai types", p.Types, []string{"coworking"})
				// "|"-separated services
				MustEqualStrings(tb, "rdz-quai services", p.Services, []string{"wifi", "salle-de-reunion", "fibre"})
				// ";"-separated services inside a comma-separated file
				MustEqualStrings(tb, "alb-epn services", MustPlace(tb, places, "alb-epn").Services, []string{"aide-demarches", "acces-internet"})
				if got := MustPlace(tb, places, "mlu-fab").INSEE; got != "12145" {
					tb.Errorf("mlu-fab INSEE = %q, want 12145 (Millau)", got)
				}
				if len(places) != 3 || places[0].ID != "rdz-quai" || places[2].ID != "alb-epn" {
					tb.Errorf("sink order: %v", places)
				}
			},
		},
		{
			name:  "UTF-8 with BOM and French headers",
			file:  "csv/bom_utf8.csv",
			stats: ingest.Stats{Read: 2, Indexed: 2, WithHours: 1},
			check: func(tb testing.TB, rep *ingest.Report, places []ingest.Place) {
				if len(places) != 2 {
					tb.Fatalf("%d places, want 2", len(places))
				}
				p := places[0]
				// The BOM must not stick to the first header, "nom".
				if p.Name != "La Ruche Gersoise" || p.Address != "12 rue Gambetta" || p.Postcode != "32000" ||
					p.Commune != "Auch" || p.INSEE != "32013" || p.Website != "https://ruche-gersoise.example.fr" ||
					p.OpeningHours != "Lu-Ve 08:30-18:00" {
					tb.Errorf("first place = %+v", p)
				}
				MustEqualStrings(tb, "services", p.Services, []string{"poste-nomade", "bureau-privatif", "cuisine"})
				q := places[1]
				if q.Name != "Le Hangar" || q.Commune != "L'Isle-Jourdain" || q.INSEE != "32160" || q.Postcode != "32600" {
					tb.Errorf("second place = %+v", q)
				}
				MustEqualStrings(tb, "types", q.Types, []string{"fablab", "coworking"})
				MustEqualStrings(tb, "services", q.Services, []string{"fraiseuse-numerique", "electronique"})
			},
		},
		{
			name:  "semicolon-separated with decimal commas",
			file:  "csv/semicolon.csv",
			stats: ingest.Stats{Read: 2, Indexed: 2, WithHours: 1},
			check: func(tb testing.TB, rep *ingest.Report, places []ingest.Place) {
				p := MustPlace(tb, places, "fig-01")
				MustNear(tb, "lat", p.Lat, 44.6087)
				MustNear(tb, "lon", p.Lon, 2.0319)
				if p.Commune != "Figeac" || p.INSEE != "46102" || p.Address != "2 quai Bessières" || p.OpeningHours != "Me-Sa 14h-19h" {
					tb.Errorf("fig-01 = %+v", p)
				}
				// ","-separated services inside a ";"-separated file
				MustEqualStrings(tb, "services", p.Services, []string{"impression-3d", "decoupe-vinyle", "electronique"})
				MustEqualStrings(tb, "fig-02 services", MustPlace(tb, places, "fig-02").Services, []string{"salle-de-reunion", "wifi"})
			},
		},
		{
			name:  "Windows-1252 detected",
			file:  "csv/windows1252.csv",
			stats: ingest.Stats{Read: 2, Indexed: 2},
			check: checkWindows1252,
		},
		{
			name:  "Windows-1252 forced",
			file:  "csv/windows1252.csv",
			opts:  func(o *ingest.Options) { o.Read.Encoding = ingest.EncodingWindows1252 },
			stats: ingest.Stats{Read: 2, Indexed: 2},
			check: checkWindows1252,
		},
		{
			name:  "Windows-1252 forced by its alias cp1252",
			file:  "csv/windows1252.csv",
			opts:  func(o *ingest.Options) { o.Read.Encoding = "CP1252" },
			stats: ingest.Stats{Read: 2, Indexed: 2},
			check: checkWindows1252,
		},
		{
			name:  "unknown headers without a mapping",
			file:  "csv/mapping.csv",
			stats: ingest.Stats{Read: 2, Rejected: 2},
			rows: []row{
				{2, 1, "", rej, "name", ingest.ReasonMissingName},
				{3, 2, "", rej, "name", ingest.ReasonMissingName},
				{1, 0, "", warn, "Code lieu", ingest.ReasonUnmappedColumn},
				{1, 0, "", warn, "Nom de l'espace", ingest.ReasonUnmappedColumn},
				{1, 0, "", warn, "Activités proposées", ingest.ReasonUnmappedColumn},
				{1, 0, "", warn, "Référent", ingest.ReasonUnmappedColumn},
			},
		},
		{
			name:  "unknown headers through a mapping file",
			file:  "csv/mapping.csv",
			opts:  func(o *ingest.Options) { o.Read.Mapping = MustReadMapping(t, "mapping/columns.json") },
			stats: ingest.Stats{Read: 2, Indexed: 2, Geocoded: 2, GeocodedBy: map[string]int{ingest.GeocodedCommune: 2}},
			rows:  []row{{1, 0, "", warn, "Référent", ingest.ReasonUnmappedColumn}},
			check: func(tb testing.TB, rep *ingest.Report, places []ingest.Place) {
				p := MustPlace(tb, places, "map-1")
				if p.Name != "Atelier partagé du Ruthénois" || p.INSEE != "12202" || p.Precision != ingest.PrecisionCommune {
					tb.Errorf("map-1 = %+v", p)
				}
				MustEqualStrings(tb, "services", p.Services, []string{"impression-3d", "decoupe-laser"})
				MustEqualStrings(tb, "map-2 services", MustPlace(tb, places, "map-2").Services, []string{"salle-de-reunion"})
			},
		},
		{
			name:  "unknown type kept as a tag with a warning, unknown service as a tag",
			file:  "csv/unknown_vocab.csv",
			stats: ingest.Stats{Read: 2, Indexed: 2, Warned: 2},
			rows: []row{
				{2, 1, "uv-1", warn, "types", ingest.ReasonUnknownType},
				{3, 2, "uv-2", warn, "types", ingest.ReasonUnknownType},
			},
			check: func(tb testing.TB, rep *ingest.Report, places []ingest.Place) {
				p := MustPlace(tb, places, "uv-1")
				// "Fablab" in the services column is a type.
				MustEqualStrings(tb, "uv-1 types", p.Types, []string{"coworking", "fablab"})
				MustEqualStrings(tb, "uv-1 services", p.Services, []string{"wifi"})
				MustEqualStrings(tb, "uv-1 tags", p.Tags, []string{"Tiers-lieu culturel", "Piscine"})
				q := MustPlace(tb, places, "uv-2")
				MustEqualStrings(tb, "uv-2 types", q.Types, nil)
				MustEqualStrings(tb, "uv-2 tags", q.Tags, []string{"Recyclerie", "Four à pain"})
				if e := rep.Entries[0]; e.Value != "Tiers-lieu culturel" || !strings.Contains(e.Message, "kept as a tag") {
					tb.Errorf("unknown type entry = %+v", e)
				}
			},
		},
		{
			name:  "wrong column counts and broken quoting",
			file:  "csv/malformed.csv",
			stats: ingest.Stats{Read: 6, Indexed: 2, Rejected: 4},
			rows: []row{
				{3, 2, "", rej, "row", ingest.ReasonMalformedRow},
				{4, 3, "", rej, "row", ingest.ReasonMalformedRow},
				{5, 4, "", rej, "row", ingest.ReasonMalformedRow},
				{6, 5, "", rej, "row", ingest.ReasonMalformedRow},
			},
			check: func(tb testing.TB, rep *ingest.Report, places []ingest.Place) {
				wantMsgs := []string{
					"has 7 columns, the header has 6",
					"has 3 columns, the header has 6",
					"broken quoting at line 5",
					"broken quoting at line 6",
				}
				for i, want := range wantMsgs {
					if !strings.Contains(rep.Entries[i].Message, want) {
						tb.Errorf("entry %d message %q, want it to contain %q", i, rep.Entries[i].Message, want)
					}
				}
				// Trailing empty cells (",,") are padding, not extra columns.
				if p := MustPlace(tb, places, "ok-2"); p.Name != "La Friche, atelier partagé" {
					tb.Errorf("ok-2 name = %q", p.Name)
				}
			},
		},
		{
			name:  "missing or blank name",
			file:  "csv/missing_name.csv",
			stats: ingest.Stats{Read: 3, Indexed: 1, Rejected: 2},
			rows: []row{
				{2, 1, "mn-1", rej, "name", ingest.ReasonMissingName},
				{3, 2, "mn-2", rej, "name", ingest.ReasonMissingName},
			},
		},
		{
			name:  "bad, out of range, swapped and foreign coordinates",
			file:  "csv/bad_coordinates.csv",
			stats: ingest.Stats{Read: 7, Indexed: 1, Rejected: 6},
			rows: []row{
				{2, 1, "bc-deg", rej, "lat", ingest.ReasonBadCoordinate},
				{3, 2, "bc-text", rej, "lon", ingest.ReasonBadCoordinate},
				{4, 3, "bc-range", rej, "lat", ingest.ReasonOutOfRange},
				{5, 4, "bc-swap", rej, "lat", ingest.ReasonOutsideArea},
				{6, 5, "bc-out", rej, "lat", ingest.ReasonOutsideArea},
				{7, 6, "bc-latonly", rej, "lon", ingest.ReasonBadCoordinate},
			},
			check: func(tb testing.TB, rep *ingest.Report, places []ingest.Place) {
				if e := rep.Entries[3]; !strings.Contains(e.Message, "swapped") || e.Value != "2.5741,44.3512" {
					tb.Errorf("swapped point entry = %+v, want its message to say swapped", e)
				}
				if e := rep.Entries[4]; strings.Contains(e.Message, "swapped") || !strings.Contains(e.Message, "France") {
					tb.Errorf("Madrid entry = %+v, want outside France and not swapped", e)
				}
				if e := rep.Entries[0]; e.Value != "44°21'N" {
					tb.Errorf("bad latitude value = %q", e.Value)
				}
				if p := MustPlace(tb, places, "bc-ok"); p.INSEE != "12202" || p.Precision != ingest.PrecisionAddress {
					tb.Errorf("bc-ok = %+v", p)
				}
			},
		},
		{
			name: "geocoding by INSEE, postcode+commune, commune, postcode",
			file: "csv/geocoding.csv",
			stats: ingest.Stats{Read: 5, Indexed: 5, Geocoded: 5, GeocodedBy: map[string]int{
				ingest.GeocodedINSEE: 1, ingest.GeocodedPostcode: 1, ingest.GeocodedCommune: 1, ingest.GeocodedOnlyCP: 2}},
			check: func(tb testing.TB, rep *ingest.Report, places []ingest.Place) {
				want := []struct {
					id, insee, commune, postcode, precision string
					lon, lat                                float64
				}{
					{"geo-insee", "12145", "Millau", "12100", ingest.PrecisionCommune, 3.07848, 44.09973},
					{"geo-cpcom", "81004", "Albi", "81000", ingest.PrecisionCommune, 2.148, 43.9298},
					{"geo-com", "46102", "Figeac", "46100", ingest.PrecisionCommune, 2.03155, 44.60894},
					{"geo-cp", "32013", "Auch", "32000", ingest.PrecisionPostcode, 0.58856, 43.64561},
					{"geo-cp2", "32160", "L'Isle-Jourdain", "32600", ingest.PrecisionPostcode, 1.0866, 43.6122},
				}
				for _, w := range want {
					p := MustPlace(tb, places, w.id)
					if p.INSEE != w.insee || p.Commune != w.commune || p.Postcode != w.postcode || p.Precision != w.precision ||
						p.Dept != w.insee[:2] || p.Region != "76" {
						tb.Errorf("%s = %+v, want INSEE %s, %s %s, precision %s", w.id, p, w.insee, w.postcode, w.commune, w.precision)
					}
					MustNear(tb, w.id+" lon", p.Lon, w.lon)
					MustNear(tb, w.id+" lat", p.Lat, w.lat)
				}
			},
		},
		{
			name:  "unknown commune, postcode and INSEE code",
			file:  "csv/unknown_places.csv",
			stats: ingest.Stats{Read: 4, Indexed: 1, Rejected: 3, Warned: 1},
			rows: []row{
				{2, 1, "up-com", rej, "commune", ingest.ReasonUnknownCommune},
				{3, 2, "up-cp", rej, "postcode", ingest.ReasonUnknownPostcode},
				{4, 3, "up-insee", rej, "insee", ingest.ReasonUnknownINSEE},
				{5, 4, "up-coords", warn, "commune", ingest.ReasonUnknownCommune},
			},
			check: func(tb testing.TB, rep *ingest.Report, places []ingest.Place) {
				if e := rep.Entries[0]; e.Value != "Figeak" || !strings.Contains(e.Message, "did you mean Figeac") {
					tb.Errorf("unknown commune entry = %+v, want a suggestion of Figeac", e)
				}
				if e := rep.Entries[1]; e.Value != "99999" {
					tb.Errorf("unknown postcode value = %q", e.Value)
				}
				if e := rep.Entries[2]; e.Value != "12999" {
					tb.Errorf("unknown INSEE value = %q", e.Value)
				}
				if e := rep.Entries[3]; !strings.Contains(e.Message, "coordinates are kept") {
					tb.Errorf("unknown commune with coordinates = %+v", e)
				}
				if p := MustPlace(tb, places, "up-coords"); p.Commune != "Figeak" || p.Dept != "46" || p.Precision != ingest.PrecisionAddress {
					tb.Errorf("up-coords = %+v, want the commune as given and the département of the point", p)
				}
			},
		},
		{
			name:  "duplicate ids, the later one rejected",
			file:  "csv/duplicates.csv",
			stats: ingest.Stats{Read: 3, Indexed: 2, Rejected: 1},
			rows:  []row{{4, 3, "dup-1", rej, "id", ingest.ReasonDuplicateID}},
			check: func(tb testing.TB, rep *ingest.Report, places []ingest.Place) {
				if e := rep.Entries[0]; !strings.Contains(e.Message, "csv/duplicates.csv:2") {
					tb.Errorf("duplicate message %q, want the first occurrence's line", e.Message)
				}
				if len(places) != 2 || places[0].Name != "La Grange" {
					tb.Errorf("sink got %v, want the first La Grange and Le Fournil", places)
				}
			},
		},
		{
			name:  "duplicate ids, the last one kept",
			file:  "csv/duplicates.csv",
			opts:  func(o *ingest.Options) { o.Duplicates = ingest.DuplicatesLast },
			stats: ingest.Stats{Read: 3, Indexed: 2, Rejected: 1},
			rows:  []row{{2, 1, "dup-1", rej, "id", ingest.ReasonDuplicateID}},
			check: func(tb testing.TB, rep *ingest.Report, places []ingest.Place) {
				if e := rep.Entries[0]; !strings.Contains(e.Message, "replaced by the record at csv/duplicates.csv:4") {
					tb.Errorf("replaced message %q", e.Message)
				}
				var names []string
				for _, p := range places {
					names = append(names, p.ID+" "+p.Name)
				}
				MustEqualStrings(tb, "sink", names, []string{"dup-1 La Grange", "dup-2 Le Fournil", "dup-1 La Grange (nouvelle adresse)"})
				MustMatchStats(tb, "file", rep.Files[0].Stats, ingest.Stats{Read: 3, Indexed: 2, Rejected: 1})
			},
		},
		{
			name:  "four-digit postcode gets its leading zero back",
			file:  "csv/postcode_4digits.csv",
			stats: ingest.Stats{Read: 3, Indexed: 3, Geocoded: 3, GeocodedBy: map[string]int{ingest.GeocodedPostcode: 2, ingest.GeocodedOnlyCP: 1}},
			check: func(tb testing.TB, rep *ingest.Report, places []ingest.Place) {
				if p := MustPlace(tb, places, "pc-ain"); p.Postcode != "01000" || p.INSEE != "01053" || p.Dept != "01" {
					tb.Errorf("pc-ain = %+v, want 01000 Bourg-en-Bresse (01053)", p)
				}
				for _, id := range []string{"pc-foix", "pc-only"} {
					if p := MustPlace(tb, places, id); p.Postcode != "09000" || p.INSEE != "09122" || p.Commune != "Foix" {
						tb.Errorf("%s = %+v, want 09000 Foix (09122)", id, p)
					}
				}
				if p := MustPlace(tb, places, "pc-only"); p.Precision != ingest.PrecisionPostcode {
					tb.Errorf("pc-only precision %q", p.Precision)
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
			rep, places := MustRun(t, fixtures, []string{tc.file}, opts)
			MustMatchReport(t, rep, tc.rows, tc.stats)
			if len(rep.Files) != 1 || rep.Files[0].File != tc.file || rep.Files[0].Format != ingest.FormatCSV {
				t.Errorf("files = %+v", rep.Files)
			} else {
				MustMatchStats(t, "file stats", rep.Files[0].Stats, ingest.Stats{Read: tc.stats.Read, Indexed: tc.stats.Indexed,
					Rejected: tc.stats.Rejected, Warned: tc.stats.Warned, Geocoded: tc.stats.Geocoded, WithHours: tc.stats.WithHours})
			}
			if len(places) < tc.stats.Indexed {
				t.Errorf("sink got %d places, want at least %d", len(places), tc.stats.Indexed)
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

func checkWindows1252(tb testing.TB, rep *ingest.Report, places []ingest.Place) {
	tb.Helper()
	if len(places) != 2 {
		tb.Fatalf("%d places, want 2", len(places))
	}
	if p := places[0]; p.Name != "Médiathèque Pierre-Amalric" || p.Commune != "Albi" || p.INSEE != "81004" {
		tb.Errorf("first place = %+v", p)
	}
	MustEqualStrings(tb, "types", places[0].Types, []string{"mediation-numerique"})
	MustEqualStrings(tb, "services", places[0].Services, []string{"acces-internet", "impression-papier"})
	MustNear(tb, "lat", places[0].Lat, 43.9283)
	if p := places[1]; p.Name != "Café numérique « L'Écluse »" || p.INSEE != "12202" {
		tb.Errorf("second place = %+v", p)
	}
	MustEqualStrings(tb, "services", places[1].Services, []string{"cafe", "wifi"})
}

// TestCSVLatin1 reads the Windows-1252 fixture as ISO-8859-1: the two
// agree on every character it uses.
func TestCSVLatin1(t *testing.T) {
	for _, enc := range []string{ingest.EncodingLatin1, "ISO-8859-1"} {
		t.Run(enc, func(t *testing.T) {
			opts := MustOptions(t)
			opts.Read.Encoding = enc
			rep, places := MustRun(t, fixtures, []string{"csv/windows1252.csv"}, opts)
			MustMatchReport(t, rep, nil, ingest.Stats{Read: 2, Indexed: 2})
			checkWindows1252(t, rep, places)
		})
	}
}

// TestCSVForcedUTF8 reads the Windows-1252 fixture as UTF-8: every row is
// rejected as bad_encoding, naming the column that holds the bad bytes.
func TestCSVForcedUTF8(t *testing.T) {
	opts := MustOptions(t)
	opts.Read.Encoding = ingest.EncodingUTF8
	rep, places := MustRun(t, fixtures, []string{"csv/windows1252.csv"}, opts)
	if len(places) != 0 {
		t.Errorf("sink got %v", places)
	}
	MustMatchReport(t, rep, []row{
		{2, 1, "", rej, "nom", ingest.ReasonBadEncoding},
		{3, 2, "", rej, "nom", ingest.ReasonBadEncoding},
		{1, 0, "", warn, "\xe9quipements", ingest.ReasonUnmappedColumn},
	}, ingest.Stats{Read: 2, Rejected: 2})
	if e := rep.Entries[0]; e.Value != "M?diath?que Pierre-Amalric" || !strings.Contains(e.Message, "windows-1252") {
		t.Errorf("bad encoding entry = %+v", e)
	}
}

// TestCSVUnterminatedQuote: a quote opened and never closed must not make
// the rows after it vanish from the report.
func TestCSVUnterminatedQuote(t *testing.T) {
	rep, places := MustRun(t, fixtures, []string{"csv/unterminated_quote.csv"}, MustOptions(t))
	e := MustEntry(t, rep, ingest.ReasonMalformedRow)
	if e.Line != 3 || e.Record != 2 {
		t.Errorf("malformed row at line %d, record %d; want line 3, record 2", e.Line, e.Record)
	}
	if len(places) < 1 || places[0].ID != "uq-1" {
		t.Errorf("sink got %v, want uq-1 first", places)
	}
	// The file has four data rows (lines 2 to 5): each must be indexed or
	// reported.
	if rep.Read != 4 {
		t.Errorf("Read = %d, want 4: rows uq-3 and uq-4 (lines 4 and 5) were swallowed by the open quote of line 3 and are neither indexed nor reported; entries %v",
			rep.Read, rowsOf(rep.Entries))
	}
}

// TestCSVEncodingDetection feeds small files straight to ReadCSV.
func TestCSVEncodingDetection(t *testing.T) {
	// A UTF-8 file long enough that the 64 KiB sniffing window ends in the
	// middle of an "é".
	var long bytes.Buffer
	long.WriteString("nom,commune,note\n")
	for long.Len() < 64<<10-100 {
		long.WriteString("La Gare,Rodez,ouvert\n")
	}
	long.WriteString("Le Bistrot,Auch,")
	note := strings.Repeat("x", 64<<10-1-long.Len()) + "été"
	long.WriteString(note + "\n")
	if b := long.Bytes(); b[64<<10-1] != 0xc3 {
		t.Fatalf("bad test input: byte at 64 KiB is %x", b[64<<10-1])
	}
	tests := []struct {
		name     string
		data     []byte
		enc      string
		wantLast map[string][]string // fields of the last record
	}{
		{"UTF-8", []byte("nom,commune\nLe Café,Albi\n"), "", map[string][]string{"name": {"Le Café"}, "commune": {"Albi"}}},
		{"UTF-8 with BOM", []byte("\ufeffnom;commune\nLe Café;Albi\n"), "", map[string][]string{"name": {"Le Café"}, "commune": {"Albi"}}},
		{"Windows-1252", []byte("nom,commune\nLe Caf\xe9,Albi\n"), "", map[string][]string{"name": {"Le Café"}, "commune": {"Albi"}}},
		{"Windows-1252 curly quote and euro", []byte("nom,note\nL\x92\xc9cluse,5 \x80\n"), "", map[string][]string{"name": {"L’Écluse"}, "note": {"5 €"}}},
		{"UTF-8 cut by the sniffing window", long.Bytes(), "", map[string][]string{"name": {"Le Bistrot"}, "commune": {"Auch"}, "note": {note}}},
		// The only non-ASCII byte is the file's last: still Windows-1252.
		{"Windows-1252 ending in a non-ASCII byte", []byte("nom,commune,note\nLe Bistrot,Auch,Caf\xe9"), "", map[string][]string{"name": {"Le Bistrot"}, "commune": {"Auch"}, "note": {"Café"}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var last ingest.Record
			n := 0
			_, err := ingest.ReadCSV(bytes.NewReader(tc.data), "in.csv", ingest.ReadOptions{Encoding: tc.enc}, func(r ingest.Record) error {
				last = r
				n++
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if last.Err != nil {
				t.Fatalf("last record (%d read) rejected: %v", n, last.Err)
			}
			for f, want := range tc.wantLast {
				MustEqualStrings(t, f, last.Fields[f], want)
			}
		})
	}
}

// TestReadCSVDelimiters checks delimiter detection and Comma.
func TestReadCSVDelimiters(t *testing.T) {
	tests := []struct {
		name  string
		data  string
		comma rune
		want  map[string][]string
	}{
		{"comma", "nom,commune,typologie\nLa Loco,Rodez,Coworking\n", 0,
			map[string][]string{"name": {"La Loco"}, "commune": {"Rodez"}, "types": {"Coworking"}}},
		{"semicolon", "nom;commune;latitude\nLa Loco;Rodez;44,35\n", 0,
			map[string][]string{"name": {"La Loco"}, "commune": {"Rodez"}, "lat": {"44,35"}}},
		{"tab", "nom\tcommune\tlatitude\nLa Loco, Rodez\tRodez\t44.35\n", 0,
			map[string][]string{"name": {"La Loco, Rodez"}, "commune": {"Rodez"}, "lat": {"44.35"}}},
		{"comma inside a quoted header", "\"nom, usuel\";commune;cp\nLa Loco;Rodez;12000\n", 0,
			map[string][]string{"commune": {"Rodez"}, "postcode": {"12000"}}},
		{"forced", "nom|commune\nLa Loco|Rodez\n", '|', map[string][]string{"name": {"La Loco"}, "commune": {"Rodez"}}},
		{"CRLF line ends", "nom,commune\r\nLa Loco,Rodez\r\n", 0, map[string][]string{"name": {"La Loco"}, "commune": {"Rodez"}}},
		{"blank cells left out", "nom,commune,cp\nLa Loco,  ,\n", 0, map[string][]string{"name": {"La Loco"}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			recs := MustReadAll(t, func(data []byte, fn func(ingest.Record) error) error {
				_, err := ingest.ReadCSV(bytes.NewReader(data), "in.csv", ingest.ReadOptions{Comma: tc.comma}, fn)
				return err
			}, []byte(tc.data))
			if len(recs) != 1 {
				t.Fatalf("%d records, want 1", len(recs))
			}
			r := recs[0]
			if r.Err != nil || r.Line != 2 || r.Index != 1 || r.File != "in.csv" {
				t.Fatalf("record = %+v", r)
			}
			if len(r.Fields) != len(tc.want) {
				t.Errorf("fields = %q, want %q", r.Fields, tc.want)
			}
			for f, want := range tc.want {
				MustEqualStrings(t, f, r.Fields[f], want)
			}
		})
	}
}

// TestReadCSVErrors: what stops a file from being read at all.
func TestReadCSVErrors(t *testing.T) {
	tests := []struct {
		name, data, enc, want string
	}{
		{"empty file", "", "", "empty file"},
		{"unknown encoding", "nom\nLa Loco\n", "ebcdic", "unknown encoding"},
		{"broken header", "nom,\"commune\nLa Loco,Rodez\n", "", "header row"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			calls := 0
			_, err := ingest.ReadCSV(strings.NewReader(tc.data), "in.csv", ingest.ReadOptions{Encoding: tc.enc}, func(ingest.Record) error {
				calls++
				return nil
			})
			if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), "in.csv") {
				t.Errorf("err = %v, want it to name the file and say %q", err, tc.want)
			}
			if calls != 0 {
				t.Errorf("%d records read", calls)
			}
		})
	}
}

// TestReadCSVUnmapped returns the headers no alias knows, and the
// callback's error stops the reader.
func TestReadCSVUnmapped(t *testing.T) {
	data := MustReadFixture(t, "csv/mapping.csv")
	unmapped, err := ingest.ReadCSV(bytes.NewReader(data), "mapping.csv", ingest.ReadOptions{}, func(ingest.Record) error { return nil })
	if err != nil {
		t.Fatal(err)
	}
	MustEqualStrings(t, "unmapped", unmapped, []string{"Code lieu", "Nom de l'espace", "Activités proposées", "Référent"})

	calls := 0
	_, err = ingest.ReadCSV(bytes.NewReader(data), "mapping.csv", ingest.ReadOptions{}, func(ingest.Record) error { calls++; return errStop })
	if err != errStop || calls != 1 {
		t.Errorf("err = %v after %d calls, want the callback's error after 1", err, calls)
	}
}

// TestRecordList splits multi-valued cells on "|", then ";", then ",".
func TestRecordList(t *testing.T) {
	tests := []struct {
		name string
		vals []string
		want []string
	}{
		{"pipe", []string{"Wi-Fi|Salle de réunion|Fibre"}, []string{"Wi-Fi", "Salle de réunion", "Fibre"}},
		{"semicolon", []string{"Coworking; Fablab"}, []string{"Coworking", "Fablab"}},
		{"comma", []string{"Imprimante 3D, Découpe laser"}, []string{"Imprimante 3D", "Découpe laser"}},
		{"pipe wins over comma", []string{"Impression, scan|Wi-Fi"}, []string{"Impression, scan", "Wi-Fi"}},
		{"semicolon wins over comma", []string{"a, b; c"}, []string{"a, b", "c"}},
		{"empty parts dropped", []string{"|Wi-Fi||  |Fibre|"}, []string{"Wi-Fi", "Fibre"}},
		{"several values", []string{"Coworking", "Fablab|Médiation numérique"}, []string{"Coworking", "Fablab", "Médiation numérique"}},
		{"single", []string{"  Fablab  "}, []string{"Fablab"}},
		{"nothing", nil, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := ingest.Record{Fields: map[string][]string{ingest.FieldServices: tc.vals}}
			MustEqualStrings(t, "List", r.List(ingest.FieldServices), tc.want)
		})
	}
}

// TestReadMapping reads mapping files, and rejects a mapping to a field
// that does not exist.
func TestReadMapping(t *testing.T) {
	tests := []struct {
		name    string
		file    string
		data    string
		wantErr string
		want    map[string]string // header → field through the mapping
	}{
		{name: "columns", file: "mapping/columns.json", want: map[string]string{
			"Code lieu": "id", "Nom de l'espace": "name", "nom de l’espace": "name", "NOM DE L'ESPACE": "name",
			"Activités proposées": "services", "ville": "commune", "Référent": ""}},
		{name: "unknown field", file: "mapping/unknown_field.json", wantErr: `maps to unknown field "nom_du_lieu"`},
		{name: "unknown key", file: "mapping/unknown_key.json", wantErr: "separator"},
		{name: "not JSON", data: "Nom de l'espace = name", wantErr: "mapping"},
		{name: "empty", data: "", wantErr: "mapping"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			data := tc.data
			if tc.file != "" {
				data = string(MustReadFixture(t, tc.file))
			}
			m, err := ingest.ReadMapping(strings.NewReader(data))
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Errorf("err = %v, want %q", err, tc.wantErr)
				}
				if m != nil {
					t.Errorf("mapping %+v returned with an error", m)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			for h, f := range tc.want {
				if got := m.Field(h); got != f {
					t.Errorf("Field(%q) = %q, want %q", h, got, f)
				}
			}
		})
	}
	if !strings.Contains(strings.Join(ingest.CanonicalFields(), " "), "opening_hours") {
		t.Errorf("CanonicalFields = %v", ingest.CanonicalFields())
	}
}

// TestGeneratedIDs: records without an id get one derived from their
// content, the same on every run.
func TestGeneratedIDs(t *testing.T) {
	idRE := regexp.MustCompile(`^h[0-9a-f]{12}$`)
	_, first := MustRun(t, fixtures, []string{"csv/bom_utf8.csv"}, MustOptions(t))
	_, again := MustRun(t, fixtures, []string{"csv/bom_utf8.csv"}, MustOptions(t))
	if len(first) != 2 || len(again) != 2 {
		t.Fatalf("got %d and %d places, want 2", len(first), len(again))
	}
	for i := range first {
		if !idRE.MatchString(first[i].ID) {
			t.Errorf("generated id %q", first[i].ID)
		}
		if first[i].ID != again[i].ID {
			t.Errorf("place %d: id %q then %q", i, first[i].ID, again[i].ID)
		}
	}
	if first[0].ID == first[1].ID {
		t.Errorf("two places share the id %q", first[0].ID)
	}

	// The same record in another file, format and encoding gets the same id.
	mfs := fstest.MapFS{"autre.ndjson": {Data: []byte(`{"nom": "La Ruche Gersoise", "adresse": "12 rue Gambetta", "code_insee": "32013", "latitude": "43.64610", "longitude": "0.58790"}` + "\n")}}
	_, other := MustRun(t, mfs, []string{"autre.ndjson"}, MustOptions(t))
	if len(other) != 1 || other[0].ID != first[0].ID {
		t.Errorf("same place from NDJSON: %v, want id %q", other, first[0].ID)
	}
	// A different place gets a different id.
	mfs = fstest.MapFS{"autre.ndjson": {Data: []byte(`{"nom": "La Ruche Gersoise", "adresse": "14 rue Gambetta", "code_insee": "32013", "latitude": "43.64610", "longitude": "0.58790"}` + "\n")}}
	_, other = MustRun(t, mfs, []string{"autre.ndjson"}, MustOptions(t))
	if len(other) != 1 || other[0].ID == first[0].ID {
		t.Errorf("another address: %v, want an id other than %q", other, first[0].ID)
	}
}

// TestRunCSVStopsOnCanceledContext: cancelling stops the run.
func TestRunCSVStopsOnCanceledContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	n := 0
	rep, err := ingest.Run(ctx, fixtures, []string{"csv/comma_utf8.csv"}, MustOptions(t), func(ingest.Place) error {
		n++
		cancel()
		return nil
	})
	if err != context.Canceled {
		t.Errorf("err = %v, want context.Canceled", err)
	}
	if n != 1 || rep == nil || rep.Read != 1 {
		t.Errorf("%d places sent, report %+v; want the run to stop after the first", n, rep)
	}
}

// TestCSVStrayQuotes: a quote inside an unquoted field (an inch mark)
// must cost only its own row, not the rows up to the next quote.
func TestCSVStrayQuotes(t *testing.T) {
	rep, places := MustRun(t, fixtures, []string{"csv/stray_quotes.csv"}, MustOptions(t))
	if rep.Read != 5 || rep.Indexed != 3 || rep.Rejected != 2 {
		t.Errorf("read %d, indexed %d, rejected %d; want 5, 3, 2", rep.Read, rep.Indexed, rep.Rejected)
	}
	var lines []int
	for _, e := range rep.Entries {
		if e.Reason == ingest.ReasonMalformedRow {
			lines = append(lines, e.Line)
		}
	}
	if fmt.Sprint(lines) != "[2 5]" {
		t.Errorf("malformed rows at lines %v, want [2 5]", lines)
	}
	var ids []string
	for _, p := range places {
		ids = append(ids, p.ID)
	}
	if fmt.Sprint(ids) != "[sq-2 sq-3 sq-5]" {
		t.Errorf("indexed %v, want [sq-2 sq-3 sq-5]", ids)
	}
}
