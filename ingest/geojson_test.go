package ingest_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/tierslieux/tierslieux/ingest"
)

// TestRunGeoJSON runs each GeoJSON fixture through the pipeline and checks
// the exact report.
func TestRunGeoJSON(t *testing.T) {
	tests := []struct {
		name  string
		file  string
		rows  []row
		stats ingest.Stats
		check func(tb testing.TB, rep *ingest.Report, places []ingest.Place)
	}{
		{
			name:  "FeatureCollection of points",
			file:  "geojson/points.geojson",
			stats: ingest.Stats{Read: 3, Indexed: 3, Geocoded: 1, GeocodedBy: map[string]int{ingest.GeocodedINSEE: 1}},
			check: func(tb testing.TB, rep *ingest.Report, places []ingest.Place) {
				p := MustPlace(tb, places, "gj-rodez")
				MustNear(tb, "lon", p.Lon, 2.5741)
				MustNear(tb, "lat", p.Lat, 44.3512)
				if p.Name != "La Menuiserie" || p.INSEE != "12202" || p.Postcode != "12000" || p.Precision != ingest.PrecisionAddress {
					tb.Errorf("gj-rodez = %+v", p)
				}
				// JSON arrays are several values.
				MustEqualStrings(tb, "types", p.Types, []string{"coworking", "fablab"})
				MustEqualStrings(tb, "services", p.Services, []string{"impression-3d", "wifi"})
				if q := MustPlace(tb, places, "gj-millau"); q.Website != "https://cowork-causses.example.fr" || q.INSEE != "12145" {
					tb.Errorf("gj-millau = %+v", q)
				}
				// A null geometry: geocoded from the INSEE code.
				if q := MustPlace(tb, places, "gj-figeac"); q.Commune != "Figeac" || q.Precision != ingest.PrecisionCommune {
					tb.Errorf("gj-figeac = %+v", q)
				}
			},
		},
		{
			name:  "Polygon reduced to its centroid",
			file:  "geojson/polygon.geojson",
			stats: ingest.Stats{Read: 1, Indexed: 1, Warned: 1},
			rows:  []row{{4, 1, "poly-albi", warn, "geometry", ingest.ReasonCentroid}},
			check: func(tb testing.TB, rep *ingest.Report, places []ingest.Place) {
				p := MustPlace(tb, places, "poly-albi")
				MustNear(tb, "lon", p.Lon, 2.15)
				MustNear(tb, "lat", p.Lat, 43.93)
				if p.INSEE != "81004" || p.Commune != "Albi" {
					tb.Errorf("poly-albi = %+v, want Albi from the nearest commune", p)
				}
				if e := rep.Entries[0]; e.Value != "Polygon" {
					tb.Errorf("centroid entry value %q", e.Value)
				}
			},
		},
		{
			name:  "unsupported geometry and a point with one coordinate",
			file:  "geojson/unsupported_geometry.geojson",
			stats: ingest.Stats{Read: 3, Indexed: 1, Rejected: 2},
			rows: []row{
				{4, 1, "", rej, "geometry", ingest.ReasonBadGeometry},
				{5, 2, "", rej, "geometry", ingest.ReasonBadGeometry},
			},
			check: func(tb testing.TB, rep *ingest.Report, places []ingest.Place) {
				if e := rep.Entries[0]; e.Value != "GeometryCollection" || !strings.Contains(e.Message, "unsupported geometry type") {
					tb.Errorf("entry = %+v", e)
				}
				MustPlace(tb, places, "pt-albi")
			},
		},
		{
			name:  "id at the top level of the feature",
			file:  "geojson/top_level_id.geojson",
			stats: ingest.Stats{Read: 3, Indexed: 3},
			check: func(tb testing.TB, rep *ingest.Report, places []ingest.Place) {
				if p := MustPlace(tb, places, "osm-node-8421"); p.Name != "La Station" {
					tb.Errorf("osm-node-8421 = %+v", p)
				}
				if p := MustPlace(tb, places, "42"); p.Name != "Le Hangar" {
					tb.Errorf("42 = %+v", p)
				}
				// properties.id wins over the feature's id
				if p := MustPlace(tb, places, "prop-wins"); p.Name != "Le Nid" {
					tb.Errorf("prop-wins = %+v", p)
				}
			},
		},
		{
			name:  "not GeoJSON at all",
			file:  "geojson/not_geojson.geojson",
			stats: ingest.Stats{Read: 1, Rejected: 1},
			rows:  []row{{0, 0, "", rej, "file", ingest.ReasonMalformedRow}},
			check: func(tb testing.TB, rep *ingest.Report, places []ingest.Place) {
				if e := rep.Entries[0]; !strings.Contains(e.Message, "not GeoJSON") || e.File != "geojson/not_geojson.geojson" {
					tb.Errorf("entry = %+v", e)
				}
			},
		},
		{
			name:  "a JSON object that is not a FeatureCollection",
			file:  "geojson/topology.geojson",
			stats: ingest.Stats{Read: 1, Rejected: 1},
			rows:  []row{{0, 0, "", rej, "file", ingest.ReasonMalformedRow}},
			check: func(tb testing.TB, rep *ingest.Report, places []ingest.Place) {
				if e := rep.Entries[0]; !strings.Contains(e.Message, `"Topology"`) {
					tb.Errorf("entry = %+v", e)
				}
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rep, places := MustRun(t, fixtures, []string{tc.file}, MustOptions(t))
			MustMatchReport(t, rep, tc.rows, tc.stats)
			if len(rep.Files) != 1 || rep.Files[0].Format != ingest.FormatGeoJSON {
				t.Errorf("files = %+v", rep.Files)
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

// TestGeoJSONTruncated: a file cut in the middle of its third feature.
// The first two are indexed; the third is one malformed_json rejection at
// the line where it starts, and nothing else is counted.
func TestGeoJSONTruncated(t *testing.T) {
	rep, places := MustRun(t, fixtures, []string{"geojson/truncated.geojson"}, MustOptions(t))
	if len(places) != 2 || places[0].ID != "tr-1" || places[1].ID != "tr-2" {
		t.Errorf("sink got %v, want tr-1 and tr-2", places)
	}
	MustMatchReport(t, rep, []row{{6, 3, "", rej, "record", ingest.ReasonMalformedJSON}},
		ingest.Stats{Read: 3, Indexed: 2, Rejected: 1})
	if e := MustEntry(t, rep, ingest.ReasonMalformedJSON); !strings.Contains(e.Message, "truncated") {
		t.Errorf("message %q, want it to say truncated", e.Message)
	}
}

// TestGeoJSONNumericID: a numeric feature id, as OpenStreetMap exports
// write them, is the place's id as written.
func TestGeoJSONNumericID(t *testing.T) {
	rep, places := MustRun(t, fixtures, []string{"geojson/numeric_id.geojson"}, MustOptions(t))
	MustMatchReport(t, rep, nil, ingest.Stats{Read: 1, Indexed: 1})
	if len(places) != 1 || places[0].ID != "5678901234" {
		t.Errorf("sink got %+v, want the id 5678901234", places)
	}
}

// TestReadGeoJSON checks the reader alone on the shapes a file may take.
func TestReadGeoJSON(t *testing.T) {
	type want struct {
		index, line int
		point       *[2]float64
		geometry    string
		reason      string // of Err, "" when readable
		name        string
	}
	pt := func(lon, lat float64) *[2]float64 { return &[2]float64{lon, lat} }
	tests := []struct {
		name    string
		data    string
		want    []want
		wantErr string
	}{
		{name: "single Feature", data: `{"type": "Feature", "geometry": {"type": "Point", "coordinates": [2.148, 43.9298]}, "properties": {"nom": "Le Bocal"}}`,
			want: []want{{1, 1, pt(2.148, 43.9298), "Point", "", "Le Bocal"}}},
		{name: "bare array of Features", data: "[\n" + `{"type": "Feature", "geometry": null, "properties": {"name": "A"}},` + "\n" + `{"type": "Feature", "geometry": null, "properties": {"name": "B"}}` + "\n]",
			want: []want{{1, 2, nil, "", "", "A"}, {2, 3, nil, "", "", "B"}}},
		{name: "BOM and members after features", data: "\ufeff{\"features\": [\n{\"type\": \"Feature\", \"properties\": {\"nom\": \"A\"}}\n], \"type\": \"FeatureCollection\", \"name\": \"lieux\"}",
			want: []want{{1, 2, nil, "", "", "A"}}},
		{name: "MultiPoint", data: `{"type": "Feature", "geometry": {"type": "MultiPoint", "coordinates": [[2, 44], [3, 45]]}, "properties": {"nom": "M"}}`,
			want: []want{{1, 1, pt(2.5, 44.5), "MultiPoint", "", "M"}}},
		{name: "LineString", data: `{"type": "Feature", "geometry": {"type": "LineString", "coordinates": [[2, 44], [2, 46], [5, 45]]}, "properties": {"nom": "L"}}`,
			want: []want{{1, 1, pt(3, 45), "LineString", "", "L"}}},
		{name: "Polygon with a hole", data: `{"type": "Feature", "geometry": {"type": "Polygon", "coordinates": [[[0, 0], [4, 0], [4, 2], [0, 2], [0, 0]], [[1, 1], [2, 1], [1, 1]]]}, "properties": {"nom": "P"}}`,
			want: []want{{1, 1, pt(2, 1), "Polygon", "", "P"}}},
		{name: "MultiPolygon", data: `{"type": "Feature", "geometry": {"type": "MultiPolygon", "coordinates": [[[[0, 0], [2, 0], [2, 2], [0, 2], [0, 0]]], [[[10, 10], [12, 10], [12, 12], [10, 12], [10, 10]]]]}, "properties": {"nom": "MP"}}`,
			want: []want{{1, 1, pt(6, 6), "MultiPolygon", "", "MP"}}},
		{name: "empty LineString", data: `{"type": "Feature", "geometry": {"type": "LineString", "coordinates": []}, "properties": {"nom": "E"}}`,
			want: []want{{1, 1, nil, "LineString", ingest.ReasonBadGeometry, ""}}},
		{name: "element that is not a Feature", data: `{"type": "FeatureCollection", "features": [{"type": "Point", "coordinates": [1, 2]}, 3]}`,
			want: []want{{1, 1, nil, "", ingest.ReasonMalformedJSON, ""}, {2, 1, nil, "", ingest.ReasonMalformedJSON, ""}}},
		{name: "empty collection", data: `{"type": "FeatureCollection", "features": []}`},
		{name: "features not an array", data: `{"type": "FeatureCollection", "features": {}}`, wantErr: "not an array"},
		{name: "a number", data: `42`, wantErr: "not GeoJSON"},
		{name: "empty", data: ``, wantErr: "not GeoJSON"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var recs []ingest.Record
			err := ingest.ReadGeoJSON(strings.NewReader(tc.data), "in.geojson", ingest.ReadOptions{}, func(r ingest.Record) error {
				recs = append(recs, r)
				return nil
			})
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Errorf("err = %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(recs) != len(tc.want) {
				t.Fatalf("%d records, want %d: %+v", len(recs), len(tc.want), recs)
			}
			for i, w := range tc.want {
				r := recs[i]
				if r.Index != w.index || r.Line != w.line || r.Geometry != w.geometry || r.Get(ingest.FieldName) != w.name {
					t.Errorf("record %d = index %d, line %d, geometry %q, name %q; want %+v", i, r.Index, r.Line, r.Geometry, r.Get(ingest.FieldName), w)
				}
				if (r.Err == nil) != (w.reason == "") || (r.Err != nil && r.Err.Reason != w.reason) {
					t.Errorf("record %d error %v, want reason %q", i, r.Err, w.reason)
				}
				switch {
				case (r.Point == nil) != (w.point == nil):
					t.Errorf("record %d point %v, want %v", i, r.Point, w.point)
				case r.Point != nil:
					MustNear(t, "lon", r.Point[0], w.point[0])
					MustNear(t, "lat", r.Point[1], w.point[1])
				}
			}
		})
	}
}

// TestReadGeoJSONStopsOnCallbackError: the callback's error ends the read.
func TestReadGeoJSONStopsOnCallbackError(t *testing.T) {
	data := MustReadFixture(t, "geojson/points.geojson")
	calls := 0
	err := ingest.ReadGeoJSON(bytes.NewReader(data), "points.geojson", ingest.ReadOptions{}, func(ingest.Record) error {
		calls++
		return errStop
	})
	if err != errStop || calls != 1 {
		t.Errorf("err = %v after %d calls, want errStop after 1", err, calls)
	}
}
