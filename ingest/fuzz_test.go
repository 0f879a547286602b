package ingest_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"io/fs"
	"math"
	"reflect"
	"strings"
	"testing"
	"testing/fstest"
	"unicode/utf8"

	"github.com/tierslieux/tierslieux/ingest"
)

// MustAddFixtures seeds a fuzz target with every fixture matching glob.
func MustAddFixtures(f *testing.F, glob string, add func(data []byte)) {
	f.Helper()
	names, err := fs.Glob(fixtures, glob)
	if err != nil || len(names) == 0 {
		f.Fatalf("no fixtures match %s (%v)", glob, err)
	}
	for _, name := range names {
		add(MustReadFixture(f, name))
	}
}

// MustCheckRecords checks what any reader promises of the records it
// hands out: the file's name, a position, and either an error or what was
// read, never both.
func MustCheckRecords(tb testing.TB, name string, recs []ingest.Record) {
	tb.Helper()
	canonical := map[string]bool{}
	for _, f := range ingest.CanonicalFields() {
		canonical[f] = true
	}
	lastLine := 0
	for i, r := range recs {
		if r.File != name {
			tb.Fatalf("record %d: file %q, want %q", i, r.File, name)
		}
		if r.Line < 1 || r.Line < lastLine {
			tb.Fatalf("record %d: line %d after line %d", i, r.Line, lastLine)
		}
		lastLine = r.Line
		if r.Err != nil {
			if r.Fields != nil || r.Point != nil {
				tb.Fatalf("record %d has both an error (%v) and fields %q / point %v", i, r.Err, r.Fields, r.Point)
			}
			if r.Err.Reason == "" || r.Err.Field == "" || r.Err.Message == "" {
				tb.Fatalf("record %d: incomplete error %+v", i, *r.Err)
			}
			continue
		}
		for f, vs := range r.Fields {
			if !canonical[f] || len(vs) == 0 {
				tb.Fatalf("record %d: field %q = %q", i, f, vs)
			}
		}
	}
}

// MustRunBytes runs the pipeline over one in-memory file and checks its
// accounting: every callback of the reader is one record read, indexed
// or rejected, and what is indexed reaches the sink.
func MustRunBytes(tb testing.TB, name, format string, data []byte, callbacks int, readErr error) {
	tb.Helper()
	opts := MustOptions(tb)
	opts.Format = format
	sent := 0
	rep, err := ingest.Run(context.Background(), fstest.MapFS{name: {Data: data}}, []string{name}, opts, func(p ingest.Place) error {
		sent++
		if errs := p.Validate(); len(errs) > 0 {
			tb.Errorf("indexed place fails Validate: %v", errs)
		}
		return nil
	})
	if err != nil {
		tb.Fatalf("Run: %v", err)
	}
	want := callbacks
	if readErr != nil {
		want++ // the file-level rejection
	}
	if rep.Read != want || rep.Indexed+rep.Rejected != rep.Read || sent != rep.Indexed {
		tb.Fatalf("read %d (reader: %d records, error %v), indexed %d, rejected %d, sent %d", rep.Read, callbacks, readErr, rep.Indexed, rep.Rejected, sent)
	}
	for _, e := range rep.Entries {
		if e.File != name || e.Reason == "" || e.Field == "" || e.Message == "" {
			tb.Fatalf("incomplete entry %+v", e)
		}
	}
}

func FuzzReadCSV(f *testing.F) {
	MustAddFixtures(f, "csv/*.csv", func(data []byte) { f.Add(data, "La Loco", "Rodez") })
	f.Add([]byte("nom;latitude\n\"a;b\";\"44,3\"\n\"\n"), " Le  Bocal ", "")
	f.Add([]byte("\xef\xbb\xbfnom\tcommune\nA\tB\tC\n\"x\"y\n"), "Caf\xe9", "Albi\nnord")
	f.Fuzz(func(t *testing.T, data []byte, name, commune string) {
		var recs []ingest.Record
		_, err := ingest.ReadCSV(bytes.NewReader(data), "fuzz.csv", ingest.ReadOptions{}, func(r ingest.Record) error {
			recs = append(recs, r)
			return nil
		})
		MustCheckRecords(t, "fuzz.csv", recs)
		for i, r := range recs {
			if r.Index != i+1 {
				t.Fatalf("record %d numbered %d", i+1, r.Index)
			}
			for f, vs := range r.Fields {
				for _, v := range vs {
					if strings.TrimSpace(v) == "" {
						t.Fatalf("record %d: blank value in %s", i+1, f)
					}
				}
			}
		}
		if err != nil && len(recs) > 0 {
			t.Fatalf("error %v after %d records", err, len(recs))
		}
		MustRunBytes(t, "fuzz.csv", ingest.FormatCSV, data, len(recs), err)

		// A well-formed file written by encoding/csv gives back its values.
		if !utf8.ValidString(name+commune) || strings.ContainsRune(name+commune, '\r') {
			return
		}
		var buf bytes.Buffer
		w := csv.NewWriter(&buf)
		w.Write([]string{"nom", "commune", "note"})
		w.Write([]string{name, commune, "x"})
		w.Flush()
		var back []ingest.Record
		if _, err := ingest.ReadCSV(&buf, "rt.csv", ingest.ReadOptions{}, func(r ingest.Record) error { back = append(back, r); return nil }); err != nil {
			t.Fatalf("round trip: %v", err)
		}
		if len(back) != 1 || back[0].Err != nil {
			t.Fatalf("round trip of %q, %q: %+v", name, commune, back)
		}
		want := map[string][]string{"note": {"x"}}
		if strings.TrimSpace(name) != "" {
			want["name"] = []string{name}
		}
		if strings.TrimSpace(commune) != "" {
			want["commune"] = []string{commune}
		}
		if !reflect.DeepEqual(back[0].Fields, want) {
			t.Fatalf("round trip: fields %q, want %q", back[0].Fields, want)
		}
	})
}

func FuzzReadGeoJSON(f *testing.F) {
	MustAddFixtures(f, "geojson/*.geojson", func(data []byte) { f.Add(data) })
	MustAddFixtures(f, "json/featurecollection.json", func(data []byte) { f.Add(data) })
	f.Add([]byte(`[{"type": "Feature", "id": {"a": 1}, "geometry": {"type": "MultiPolygon", "coordinates": [[[]], [[[1, 2]]]]}, "properties": null}]`))
	f.Add([]byte(`{"type": "Feature", "geometry": {"type": "LineString", "coordinates": [[1e308, 0], [1e308, 0]]}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var recs []ingest.Record
		err := ingest.ReadGeoJSON(bytes.NewReader(data), "fuzz.geojson", ingest.ReadOptions{}, func(r ingest.Record) error {
			recs = append(recs, r)
			return nil
		})
		MustCheckRecords(t, "fuzz.geojson", recs)
		prev := 0
		for i, r := range recs {
			// Numbered from 1 within the features array; -1 says the
			// array was not closed.
			switch {
			case r.Index == -1 && r.Err != nil && i == len(recs)-1:
			case r.Index == prev+1 || r.Index == 1:
			default:
				t.Fatalf("record %d numbered %d after %d", i, r.Index, prev)
			}
			prev = r.Index
			if r.Point != nil && r.Geometry == "" {
				t.Fatalf("record %d: point without a geometry type", i)
			}
		}
		MustRunBytes(t, "fuzz.geojson", ingest.FormatGeoJSON, data, len(recs), err)
	})
}

func FuzzReadNDJSON(f *testing.F) {
	MustAddFixtures(f, "ndjson/*", func(data []byte) { f.Add(data) })
	MustAddFixtures(f, "json/*.json", func(data []byte) { f.Add(data) })
	f.Add([]byte("\ufeff\n  \r\n{\"nom\": [\"a\", {\"lat\": 1}], \"geo\": {\"lat\": \"44\", \"lng\": 2}}\r\nnull\n[]\n"))
	f.Add([]byte("\x1e"))
	f.Add([]byte("\x1e \x1e\n\x1e{\"nom\": \"a\"}\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		var recs []ingest.Record
		err := ingest.ReadNDJSON(bytes.NewReader(data), "fuzz.ndjson", ingest.ReadOptions{}, func(r ingest.Record) error {
			recs = append(recs, r)
			return nil
		})
		if err != nil {
			t.Fatalf("ReadNDJSON: %v", err)
		}
		MustCheckRecords(t, "fuzz.ndjson", recs)
		// One record per non-blank line, at that line. A line of record
		// separators alone is blank: RFC 7464 says consecutive RS do not
		// delimit empty elements.
		var lines []int
		body := bytes.TrimPrefix(data, []byte("\ufeff"))
		for i, l := range bytes.Split(body, []byte("\n")) {
			if len(bytes.TrimSpace(bytes.ReplaceAll(l, []byte("\x1e"), nil))) > 0 {
				lines = append(lines, i+1)
			}
		}
		if len(recs) != len(lines) {
			t.Fatalf("%d records for %d non-blank lines", len(recs), len(lines))
		}
		for i, r := range recs {
			if r.Index != i+1 || r.Line != lines[i] {
				t.Fatalf("record %d: index %d, line %d; want %d, line %d", i, r.Index, r.Line, i+1, lines[i])
			}
		}
		MustRunBytes(t, "fuzz.ndjson", ingest.FormatNDJSON, data, len(recs), nil)
	})
}

func FuzzConvert(f *testing.F) {
	// Values taken from the fixtures.
	f.Add("Le Quai Numérique", "rdz-quai", "Coworking", "Wi-Fi|Salle de réunion|Fibre", "44.35120", "2.57410", "Rodez", "12000", "", "", false, 0.0, 0.0, true)
	f.Add("La Fabrique figeacoise", "", "Fablab", "Imprimante 3D, Découpe vinyle", "44,60870", "2,03190", "Figeac", "46100", "", "commune", false, 0.0, 0.0, true)
	f.Add("Le Lab de Millau", "geo-insee", "", "", "", "", "", "", "12145", "", false, 0.0, 0.0, true)
	f.Add("Tiers-lieu ariégeois", "pc-only", "Ressourcerie", "Piscine", "", "", "", "9000", "", "", false, 0.0, 0.0, true)
	f.Add("Le Tiers-lieu du Lot", "up-com", "", "", "", "", "Figeak", "", "", "", false, 0.0, 0.0, true)
	f.Add("Tiers-lieu du Bourg", "bc-swap", "", "", "2.57410", "44.35120", "Rodez", "", "", "", false, 0.0, 0.0, true)
	f.Add("La Friche Moulins Albigeois", "poly-albi", "Fablab", "", "", "", "", "", "", "", true, 2.15, 43.93, true)
	f.Add("Coworking de Madrid", "bc-out", "", "", "", "", "Madrid", "", "", "", true, -3.7038, 40.4168, false)
	f.Add("  ", "é1234", "|;,", "", "NaN", "Inf", "Rodez (12)", "é1234", "2A004", "ADDRESS", false, 0.0, 0.0, false)
	g := MustGazetteer(f)
	f.Fuzz(func(t *testing.T, name, id, types, services, lat, lon, commune, postcode, insee, precision string, point bool, plon, plat float64, france bool) {
		rec := ingest.Record{File: "fuzz", Line: 2, Index: 1, Fields: map[string][]string{}}
		for field, v := range map[string]string{
			ingest.FieldName: name, ingest.FieldID: id, ingest.FieldTypes: types, ingest.FieldServices: services,
			ingest.FieldLat: lat, ingest.FieldLon: lon, ingest.FieldCommune: commune, ingest.FieldPostcode: postcode,
			ingest.FieldINSEE: insee, ingest.FieldPrecision: precision,
		} {
			if v != "" {
				rec.Fields[field] = []string{v}
			}
		}
		if point {
			rec.Point, rec.Geometry = &[2]float64{plon, plat}, "Polygon"
		}
		c := ingest.Converter{Gazetteer: g}
		if france {
			c.Area = ingest.France
		}
		p, problems, step, ok := c.Convert(&rec)
		rejected := false
		for _, pr := range problems {
			rejected = rejected || pr.Reject
			if pr.Reason == "" || pr.Field == "" || pr.Message == "" {
				t.Fatalf("incomplete problem %+v", pr)
			}
		}
		if ok == rejected {
			t.Fatalf("ok = %v with problems %+v", ok, problems)
		}
		if !ok {
			if step != "" {
				t.Fatalf("rejected record geocoded by %q", step)
			}
			return
		}
		if errs := p.Validate(); len(errs) > 0 {
			t.Fatalf("accepted place %+v fails Validate: %v", p, errs)
		}
		if math.IsNaN(p.Lat) || math.IsNaN(p.Lon) || (france && !ingest.France.Contains(p.Lon, p.Lat)) {
			t.Fatalf("accepted place at (%v, %v)", p.Lon, p.Lat)
		}
		// A geometry at (0, 0) is an export's "unknown" (point): the record
		// is geocoded like one without coordinates.
		if point && step != "" && (plon != 0 || plat != 0) {
			t.Fatalf("record with a geometry geocoded by %q", step)
		}
		again, _, _, _ := c.Convert(&rec)
		if !reflect.DeepEqual(p, again) {
			t.Fatalf("Convert is not deterministic:\n%+v\n%+v", p, again)
		}
	})
}
