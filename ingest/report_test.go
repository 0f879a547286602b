package ingest_test

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/tierslieux/tierslieux/ingest"
)

// MustSampleReport runs fixtures whose entries have every shape: file-level
// (no line), column warnings (no record), messages with quotes and
// commas, several files.
func MustSampleReport(tb testing.TB) *ingest.Report {
	tb.Helper()
	rep, _ := MustRun(tb, fixtures, []string{
		"csv/malformed.csv", "csv/bad_coordinates.csv", "csv/unknown_places.csv", "csv/mapping.csv",
		"csv/geocoding.csv", "geojson/not_geojson.geojson", "geojson/polygon.geojson",
	}, MustOptions(tb))
	if len(rep.Entries) < 20 {
		tb.Fatalf("sample report has only %d entries", len(rep.Entries))
	}
	return rep
}

// TestWriteCSV: the CSV report parses back to the same entries.
func TestWriteCSV(t *testing.T) {
	rep := MustSampleReport(t)
	var buf bytes.Buffer
	if err := rep.WriteCSV(&buf); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(&buf).ReadAll()
	if err != nil {
		t.Fatalf("report CSV does not parse: %v", err)
	}
	if want := []string{"file", "line", "record", "id", "severity", "field", "reason", "value", "message"}; !reflect.DeepEqual(rows[0], want) {
		t.Errorf("header %q, want %q", rows[0], want)
	}
	var got []ingest.Entry
	for i, r := range rows[1:] {
		if len(r) != 9 {
			t.Fatalf("row %d has %d columns", i+1, len(r))
		}
		e := ingest.Entry{File: r[0], ID: r[3], Severity: r[4], Field: r[5], Reason: r[6], Value: r[7], Message: r[8]}
		for _, c := range []struct {
			s   string
			dst *int
		}{{r[1], &e.Line}, {r[2], &e.Record}} {
			if c.s == "" {
				continue
			}
			n, err := strconv.Atoi(c.s)
			if err != nil || n <= 0 {
				t.Errorf("row %d: %q is not a positive number", i+1, c.s)
			}
			*c.dst = n
		}
		got = append(got, e)
	}
	if !reflect.DeepEqual(got, rep.Entries) {
		t.Errorf("CSV report parses back to\n%+v\nwant\n%+v", got, rep.Entries)
	}
}

// TestWriteJSON: the JSON report decodes to the same report.
func TestWriteJSON(t *testing.T) {
	rep := MustSampleReport(t)
	var buf bytes.Buffer
	if err := rep.WriteJSON(&buf); err != nil {
		t.Fatal(err)
	}
	var raw map[string]any
	if err := json.Unmarshal(buf.Bytes(), &raw); err != nil {
		t.Fatalf("not JSON: %v", err)
	}
	for _, k := range []string{"read", "indexed", "rejected", "warned", "geocoded", "geocoded_by", "files", "entries"} {
		if _, ok := raw[k]; !ok {
			t.Errorf("JSON report lacks %q", k)
		}
	}
	var back ingest.Report
	dec := json.NewDecoder(&buf)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&back); err != nil {
		t.Fatal(err)
	}
	// Per-file stats carry no geocoded_by: an empty map and none are the
	// same.
	for i := range rep.Files {
		if len(rep.Files[i].GeocodedBy) == 0 {
			rep.Files[i].GeocodedBy = nil
		}
	}
	if !reflect.DeepEqual(&back, rep) {
		t.Errorf("JSON report decodes to\n%+v\nwant\n%+v", back, *rep)
	}
}

// TestWriteSummary: the totals line, the files, the reasons by count.
func TestWriteSummary(t *testing.T) {
	t.Run("several files", func(t *testing.T) {
		rep := MustSampleReport(t)
		var buf bytes.Buffer
		if err := rep.WriteSummary(&buf); err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\n")
		// The sums of the counts each fixture's own test checks.
		want := "read 26, indexed 10, geocoded 5 (insee 1, postcode+commune 1, commune 1, postcode 2), warned 2, rejected 16"
		if lines[0] != want {
			t.Errorf("first line %q\nwant %q", lines[0], want)
		}
		for _, w := range []string{
			"  csv/malformed.csv (csv): read 6, indexed 2, rejected 4",
			"  geojson/not_geojson.geojson (geojson): read 1, indexed 0, rejected 1",
		} {
			if !containsLine(lines, w) {
				t.Errorf("no line %q in\n%s", w, buf.String())
			}
		}
		// Reasons: rejections first, most frequent first.
		var reasons []string
		for _, l := range lines[8:] {
			reasons = append(reasons, strings.Join(strings.Fields(l), " "))
		}
		MustEqualStrings(t, "reasons", reasons, []string{
			"rejected malformed_row 5",
			"rejected bad_coordinate 3",
			"rejected missing_name 2",
			"rejected outside_service_area 2",
			"rejected coordinate_out_of_range 1",
			"rejected unknown_commune 1",
			"rejected unknown_insee 1",
			"rejected unknown_postcode 1",
			"warning unmapped_column 4",
			"warning geometry_centroid 1",
			"warning unknown_commune 1",
		})
	})
	t.Run("one file", func(t *testing.T) {
		rep, _ := MustRun(t, fixtures, []string{"csv/comma_utf8.csv"}, MustOptions(t))
		var buf bytes.Buffer
		if err := rep.WriteSummary(&buf); err != nil {
			t.Fatal(err)
		}
		if got := buf.String(); got != "read 3, indexed 3, geocoded 0, warned 0, rejected 0\n" {
			t.Errorf("summary %q", got)
		}
	})
}

func containsLine(lines []string, want string) bool {
	for _, l := range lines {
		if l == want {
			return true
		}
	}
	return false
}

type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errStop }

// TestReportWriteErrors: writers report the error of what they write to.
func TestReportWriteErrors(t *testing.T) {
	rep := MustSampleReport(t)
	for name, write := range map[string]func() error{
		"WriteCSV":     func() error { return rep.WriteCSV(failingWriter{}) },
		"WriteJSON":    func() error { return rep.WriteJSON(failingWriter{}) },
		"WriteSummary": func() error { return rep.WriteSummary(failingWriter{}) },
	} {
		t.Run(name, func(t *testing.T) {
			if err := write(); err != errStop {
				t.Errorf("err = %v, want errStop", err)
			}
		})
	}
}
