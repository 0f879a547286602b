package ingest_test

import (
	"bytes"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/tierslieux/tierslieux/ingest"
)

// TestRunJSON runs the JSON-array and NDJSON fixtures through the
// pipeline.
func TestRunJSON(t *testing.T) {
	tests := []struct {
		name   string
		file   string
		format string // as FileStats reports it
		rows   []row
		stats  ingest.Stats
		check  func(tb testing.TB, rep *ingest.Report, places []ingest.Place)
	}{
		{
			name:   "JSON array with array values",
			file:   "json/places.json",
			format: ingest.FormatJSON,
			stats:  ingest.Stats{Read: 3, Indexed: 3, Geocoded: 1, GeocodedBy: map[string]int{ingest.GeocodedINSEE: 1}},
			check: func(tb testing.TB, rep *ingest.Report, places []ingest.Place) {
				p := MustPlace(tb, places, "js-1")
				MustEqualStrings(tb, "js-1 types", p.Types, []string{"coworking", "mediation-numerique"})
				// An array item is itself split on "|".
				MustEqualStrings(tb, "js-1 services", p.Services, []string{"wifi", "salle-de-reunion", "visioconference"})
				// "cp": 81000 is a number in the file.
				if p.Postcode != "81000" || p.INSEE != "81004" || p.Precision != ingest.PrecisionAddress {
					tb.Errorf("js-1 = %+v", p)
				}
				MustNear(tb, "js-1 lat", p.Lat, 43.9289)
				q := MustPlace(tb, places, "js-2")
				// A tag is read as a query is: "Repair café" names the café
				// service and keeps its other word as a tag.
				MustEqualStrings(tb, "js-2 services", q.Services, []string{"impression-3d", "cafe"})
				MustEqualStrings(tb, "js-2 tags", q.Tags, []string{"Repair café"})
				if q.Commune != "Figeac" || q.Precision != ingest.PrecisionCommune {
					tb.Errorf("js-2 = %+v", q)
				}
				// {"lat", "lon"} objects give the coordinates.
				r := MustPlace(tb, places, "js-3")
				MustNear(tb, "js-3 lat", r.Lat, 44.0985)
				MustNear(tb, "js-3 lon", r.Lon, 3.0779)
			},
		},
		{
			name:   "a .json file holding a FeatureCollection",
			file:   "json/featurecollection.json",
			format: ingest.FormatGeoJSON,
			stats:  ingest.Stats{Read: 1, Indexed: 1},
			check: func(tb testing.TB, rep *ingest.Report, places []ingest.Place) {
				p := MustPlace(tb, places, "fc-auch")
				MustNear(tb, "lon", p.Lon, 0.5879)
				if p.INSEE != "32013" {
					tb.Errorf("fc-auch = %+v", p)
				}
			},
		},
		{
			name:   "NDJSON with a blank line and a malformed line",
			file:   "ndjson/places.ndjson",
			format: ingest.FormatNDJSON,
			stats:  ingest.Stats{Read: 4, Indexed: 3, Rejected: 1, Geocoded: 1, GeocodedBy: map[string]int{ingest.GeocodedINSEE: 1}},
			rows:   []row{{3, 2, "", rej, "record", ingest.ReasonMalformedJSON}},
			check: func(tb testing.TB, rep *ingest.Report, places []ingest.Place) {
				var ids []string
				for _, p := range places {
					ids = append(ids, p.ID)
				}
				MustEqualStrings(tb, "sink", ids, []string{"nd-1", "nd-3", "nd-4"})
				if p := MustPlace(tb, places, "nd-3"); p.Commune != "L'Isle-Jourdain" || p.Precision != ingest.PrecisionCommune {
					tb.Errorf("nd-3 = %+v", p)
				}
				// A Feature on a line is read as GeoJSON.
				p := MustPlace(tb, places, "nd-4")
				MustNear(tb, "nd-4 lon", p.Lon, 2.0316)
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rep, places := MustRun(t, fixtures, []string{tc.file}, MustOptions(t))
			MustMatchReport(t, rep, tc.rows, tc.stats)
			if len(rep.Files) != 1 || rep.Files[0].Format != tc.format {
				t.Errorf("files = %+v, want format %s", rep.Files, tc.format)
			}
			if len(places) != tc.stats.Indexed {
				t.Errorf("sink got %d places, want %d", len(places), tc.stats.Indexed)
			}
			if tc.check != nil {
				tc.check(t, rep, places)
			}
		})
	}
}

// TestReadNDJSON checks the reader's records one by one.
func TestReadNDJSON(t *testing.T) {
	type want struct {
		index, line int
		reason      string
		name        string
	}
	tests := []struct {
		name string
		data string
		want []want
	}{
		{"blank lines skipped, numbered", "\n{\"nom\": \"A\"}\n   \n{\"nom\": \"B\"}\n", []want{{1, 2, "", "A"}, {2, 4, "", "B"}}},
		{"CRLF", "{\"nom\": \"A\"}\r\n{\"nom\": \"B\"}\r\n", []want{{1, 1, "", "A"}, {2, 2, "", "B"}}},
		{"BOM", "\ufeff{\"nom\": \"A\"}\n", []want{{1, 1, "", "A"}}},
		{"no final newline", "{\"nom\": \"A\"}\n{\"nom\": \"B\"}", []want{{1, 1, "", "A"}, {2, 2, "", "B"}}},
		{"malformed line in the middle", "{\"nom\": \"A\"}\n{\"nom\": \"B\"\n{\"nom\": \"C\"}\n", []want{{1, 1, "", "A"}, {2, 2, ingest.ReasonMalformedJSON, ""}, {3, 3, "", "C"}}},
		{"array line", "[1, 2]\n", []want{{1, 1, ingest.ReasonMalformedJSON, ""}}},
		{"string line", "\"Le Bocal\"\n", []want{{1, 1, ingest.ReasonMalformedJSON, ""}}},
		// null is not an object either.
		{"null line", "null\n{\"nom\": \"B\"}\n", []want{{1, 1, ingest.ReasonMalformedJSON, ""}, {2, 2, "", "B"}}},
		{"two objects on a line", "{\"nom\": \"A\"} {\"nom\": \"B\"}\n", []want{{1, 1, ingest.ReasonMalformedJSON, ""}}},
		{"bad geometry", "{\"nom\": \"A\", \"geometry\": {\"type\": \"Circle\", \"coordinates\": [1, 2]}}\n", []want{{1, 1, ingest.ReasonBadGeometry, ""}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			recs := MustReadAll(t, func(data []byte, fn func(ingest.Record) error) error {
				return ingest.ReadNDJSON(bytes.NewReader(data), "in.ndjson", ingest.ReadOptions{}, fn)
			}, []byte(tc.data))
			if len(recs) != len(tc.want) {
				t.Fatalf("%d records, want %d: %+v", len(recs), len(tc.want), recs)
			}
			for i, w := range tc.want {
				r := recs[i]
				reason := ""
				if r.Err != nil {
					reason = r.Err.Reason
				}
				if r.Index != w.index || r.Line != w.line || reason != w.reason || r.Get(ingest.FieldName) != w.name {
					t.Errorf("record %d = index %d, line %d, reason %q, name %q; want %+v", i, r.Index, r.Line, reason, r.Get(ingest.FieldName), w)
				}
			}
		})
	}
}

// TestReadJSON checks the JSON-array reader.
func TestReadJSON(t *testing.T) {
	t.Run("values", func(t *testing.T) {
		data := `[{"id": 17, "nom": "  Le Bocal ", "typologie": ["Coworking", "", null, 3, ["Fablab"]], "demo": true, "cp": "81000", "coordonnees": {"latitude": 43.9, "longitude": "2.1"}, "ignored": {"a": 1}, "site": null}]`
		recs := MustReadAll(t, func(data []byte, fn func(ingest.Record) error) error {
			return ingest.ReadJSON(bytes.NewReader(data), "in.json", ingest.ReadOptions{}, fn)
		}, []byte(data))
		if len(recs) != 1 || recs[0].Err != nil {
			t.Fatalf("records %+v", recs)
		}
		r := recs[0]
		want := map[string][]string{
			"id": {"17"}, "name": {"  Le Bocal "}, "types": {"Coworking", "3", "Fablab"}, "demo": {"true"},
			"postcode": {"81000"}, "lat": {"43.9"}, "lon": {"2.1"},
		}
		if len(r.Fields) != len(want) {
			t.Errorf("fields %q, want %q", r.Fields, want)
		}
		for f, v := range want {
			MustEqualStrings(t, f, r.Fields[f], v)
		}
		if r.Get(ingest.FieldName) != "Le Bocal" {
			t.Errorf("Get(name) = %q", r.Get(ingest.FieldName))
		}
	})
	t.Run("not an array", func(t *testing.T) {
		err := ingest.ReadJSON(strings.NewReader(`{"nom": "A"}`), "in.json", ingest.ReadOptions{}, func(ingest.Record) error { return nil })
		if err == nil || !strings.Contains(err.Error(), "want a JSON array") {
			t.Errorf("err = %v", err)
		}
	})
	t.Run("array left open", func(t *testing.T) {
		recs := MustReadAll(t, func(data []byte, fn func(ingest.Record) error) error {
			return ingest.ReadJSON(bytes.NewReader(data), "in.json", ingest.ReadOptions{}, fn)
		}, []byte("[\n{\"nom\": \"A\"}\n"))
		if len(recs) != 2 || recs[0].Err != nil || recs[1].Err == nil || recs[1].Err.Reason != ingest.ReasonMalformedJSON ||
			!strings.Contains(recs[1].Err.Message, "ends early") {
			t.Errorf("records %+v, want A then the end of file reported", recs)
		}
	})
}

// TestJSONTruncatedLine: the record cut by the end of the file is reported
// at the line where it starts, not where the one before it ended.
func TestJSONTruncatedLine(t *testing.T) {
	mfs := fstest.MapFS{"lieux.json": {Data: []byte("[\n" +
		`  {"id": "a", "nom": "Le Bocal", "commune": "Albi"},` + "\n" +
		`  {"id": "b", "nom": "La Friche", "comm`)}}
	rep, places := MustRun(t, mfs, []string{"lieux.json"}, MustOptions(t))
	if len(places) != 1 || places[0].ID != "a" {
		t.Errorf("sink got %v", places)
	}
	MustMatchReport(t, rep, []row{{3, 2, "", rej, "record", ingest.ReasonMalformedJSON}},
		ingest.Stats{Read: 2, Indexed: 1, Rejected: 1, Geocoded: 1, GeocodedBy: map[string]int{ingest.GeocodedCommune: 1}})
}

// TestGeoJSONSeq: DetectFormat sends .geojsonseq files to the NDJSON
// reader; RFC 8142 text sequences start each record with an RS character.
func TestGeoJSONSeq(t *testing.T) {
	if f, err := ingest.DetectFormat("lieux.geojsonseq"); err != nil || f != ingest.FormatNDJSON {
		t.Fatalf("DetectFormat = %q, %v", f, err)
	}
	rep, places := MustRun(t, fixtures, []string{"ndjson/places.geojsonseq"}, MustOptions(t))
	MustMatchReport(t, rep, nil, ingest.Stats{Read: 2, Indexed: 2})
	if len(places) != 2 {
		t.Errorf("sink got %d places, want seq-1 and seq-2", len(places))
	}
}

// TestJSONKeysInDocumentOrder: when two keys of an object map to the same
// field ("nom" and "name"), the values keep the order of the file, so
// the same file always gives the same place.
func TestJSONKeysInDocumentOrder(t *testing.T) {
	data := MustReadFixture(t, "json/same_field_keys.json")
	seen := map[string]int{}
	for range 200 {
		recs := MustReadAll(t, func(data []byte, fn func(ingest.Record) error) error {
			return ingest.ReadJSON(bytes.NewReader(data), "same_field_keys.json", ingest.ReadOptions{}, fn)
		}, data)
		if len(recs) != 1 {
			t.Fatalf("%d records", len(recs))
		}
		seen[strings.Join(recs[0].Fields[ingest.FieldName], " / ")]++
	}
	if len(seen) != 1 || seen["Le Tiers-lieu / The Third Place"] != 200 {
		t.Errorf("names over 200 reads of the same file: %v; want always [Le Tiers-lieu / The Third Place]", seen)
	}
}
