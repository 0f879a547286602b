package ingest_test

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/tierslieux/tierslieux/ingest"
)

// TestRunSeveralFiles reads four formats in one run: per-file stats, and
// totals that are their sums.
func TestRunSeveralFiles(t *testing.T) {
	names := []string{"csv/comma_utf8.csv", "geojson/points.geojson", "ndjson/places.ndjson", "json/places.json"}
	rep, places := MustRun(t, fixtures, names, MustOptions(t))
	wantFiles := []struct {
		format string
		stats  ingest.Stats
	}{
		{ingest.FormatCSV, ingest.Stats{Read: 3, Indexed: 3}},
		{ingest.FormatGeoJSON, ingest.Stats{Read: 3, Indexed: 3, Geocoded: 1}},
		{ingest.FormatNDJSON, ingest.Stats{Read: 4, Indexed: 3, Rejected: 1, Geocoded: 1}},
		{ingest.FormatJSON, ingest.Stats{Read: 3, Indexed: 3, Geocoded: 1}},
	}
	if len(rep.Files) != len(wantFiles) {
		t.Fatalf("files = %+v", rep.Files)
	}
	for i, w := range wantFiles {
		f := rep.Files[i]
		if f.File != names[i] || f.Format != w.format {
			t.Errorf("file %d = %s (%s), want %s (%s)", i, f.File, f.Format, names[i], w.format)
		}
		MustMatchStats(t, f.File, f.Stats, w.stats)
	}
	MustMatchReport(t, rep, []row{{3, 2, "", rej, "record", ingest.ReasonMalformedJSON}},
		ingest.Stats{Read: 13, Indexed: 12, Rejected: 1, Geocoded: 3, GeocodedBy: map[string]int{ingest.GeocodedINSEE: 3}})
	if rep.Entries[0].File != "ndjson/places.ndjson" {
		t.Errorf("entry file %q", rep.Entries[0].File)
	}
	if len(places) != 12 || places[0].ID != "rdz-quai" || places[11].ID != "js-3" {
		t.Errorf("sink got %d places, first %q, last %q; want 12 in input order", len(places), places[0].ID, places[len(places)-1].ID)
	}
}

// TestRunDuplicatesAcrossFiles: an id seen in an earlier file is a
// duplicate too.
func TestRunDuplicatesAcrossFiles(t *testing.T) {
	mfs := fstest.MapFS{
		"a.csv":    {Data: MustReadFixture(t, "csv/duplicates.csv")},
		"b.ndjson": {Data: []byte(`{"id": "dup-2", "nom": "Le Fournil bis", "code_insee": "12145"}` + "\n" + `{"id": "dup-3", "nom": "Le Four", "code_insee": "12145"}` + "\n")},
	}
	rep, places := MustRun(t, mfs, []string{"a.csv", "b.ndjson"}, MustOptions(t))
	MustMatchReport(t, rep, []row{
		{4, 3, "dup-1", rej, "id", ingest.ReasonDuplicateID},
		{1, 1, "dup-2", rej, "id", ingest.ReasonDuplicateID},
	}, ingest.Stats{Read: 5, Indexed: 3, Rejected: 2, Geocoded: 1, GeocodedBy: map[string]int{ingest.GeocodedINSEE: 1}})
	if e := rep.Entries[1]; e.File != "b.ndjson" || !strings.Contains(e.Message, "a.csv:3") {
		t.Errorf("cross-file duplicate = %+v", e)
	}
	if len(places) != 3 {
		t.Errorf("sink got %v", places)
	}
}

// TestRunMissingFile: a file that cannot be opened stops the run with an
// error; what was read before is in the report.
func TestRunMissingFile(t *testing.T) {
	var places []ingest.Place
	rep, err := ingest.Run(context.Background(), fixtures, []string{"csv/comma_utf8.csv", "csv/absent.csv", "csv/semicolon.csv"}, MustOptions(t),
		func(p ingest.Place) error { places = append(places, p); return nil })
	if !errors.Is(err, fs.ErrNotExist) || !strings.Contains(err.Error(), "csv/absent.csv") {
		t.Errorf("err = %v, want a not-exist error naming csv/absent.csv", err)
	}
	if rep == nil {
		t.Fatal("no report")
	}
	MustMatchStats(t, "partial report", rep.Stats, ingest.Stats{Read: 3, Indexed: 3})
	if len(rep.Files) != 1 || len(places) != 3 {
		t.Errorf("files %+v, %d places; want only the first file", rep.Files, len(places))
	}
}

// TestRunErrorKeepsTotals: Stats promises Read = Indexed + Rejected; the
// report returned with an error must keep it, whatever the duplicates
// policy.
func TestRunErrorKeepsTotals(t *testing.T) {
	for _, policy := range []string{ingest.DuplicatesReject, ingest.DuplicatesLast} {
		t.Run(policy, func(t *testing.T) {
			opts := MustOptions(t)
			opts.Duplicates = policy
			rep, err := ingest.Run(context.Background(), fixtures, []string{"csv/duplicates.csv", "csv/absent.csv"}, opts, func(ingest.Place) error { return nil })
			if err == nil || rep == nil {
				t.Fatalf("err = %v, report %v", err, rep)
			}
			if rep.Read != rep.Indexed+rep.Rejected || rep.Indexed != 2 {
				t.Errorf("partial report: read %d, indexed %d, rejected %d; want read = indexed + rejected, 2 indexed", rep.Read, rep.Indexed, rep.Rejected)
			}
		})
	}
}

// TestDuplicatesLastCountsOnce: a replaced record no longer counts as
// indexed, nor as geocoded or warned.
func TestDuplicatesLastCountsOnce(t *testing.T) {
	opts := MustOptions(t)
	opts.Duplicates = ingest.DuplicatesLast
	rep, places := MustRun(t, fixtures, []string{"csv/duplicates_geocoded.csv"}, opts)
	if len(places) != 2 {
		t.Errorf("sink got %d places, want both versions", len(places))
	}
	MustMatchReport(t, rep, []row{
		{2, 1, "dg-1", warn, "types", ingest.ReasonUnknownType},
		{2, 1, "dg-1", rej, "id", ingest.ReasonDuplicateID},
	}, ingest.Stats{Read: 2, Indexed: 1, Rejected: 1, Geocoded: 1, GeocodedBy: map[string]int{ingest.GeocodedINSEE: 1}})
	MustMatchStats(t, "file", rep.Files[0].Stats, ingest.Stats{Read: 2, Indexed: 1, Rejected: 1, Geocoded: 1})
}

// TestRunSinkError: the sink's error stops the run and is returned as is.
func TestRunSinkError(t *testing.T) {
	n := 0
	rep, err := ingest.Run(context.Background(), fixtures, []string{"csv/comma_utf8.csv", "geojson/points.geojson"}, MustOptions(t), func(ingest.Place) error {
		n++
		if n == 2 {
			return errStop
		}
		return nil
	})
	if err != errStop {
		t.Errorf("err = %v, want errStop", err)
	}
	if n != 2 || rep == nil || rep.Read != 2 || len(rep.Files) != 1 {
		t.Errorf("%d places, report %+v; want the run to stop at the second", n, rep)
	}
}

// TestRunOptions: what Run refuses before reading anything, and a forced
// format.
func TestRunOptions(t *testing.T) {
	mfs := fstest.MapFS{
		"lieux.dat": {Data: MustReadFixture(t, "csv/comma_utf8.csv")},
		"lieux.xls": {Data: []byte("PK")},
	}
	tests := []struct {
		name    string
		files   []string
		opts    func(*ingest.Options)
		wantErr string
		read    int
	}{
		{name: "bad duplicates policy", files: []string{"lieux.dat"}, opts: func(o *ingest.Options) { o.Duplicates = "first" }, wantErr: `duplicates policy "first"`},
		{name: "unknown extension", files: []string{"lieux.xls"}, wantErr: "cannot tell the format"},
		{name: "unknown forced format", files: []string{"lieux.dat"}, opts: func(o *ingest.Options) { o.Format = "xlsx" }, wantErr: `unknown format "xlsx"`},
		{name: "forced format", files: []string{"lieux.dat"}, opts: func(o *ingest.Options) { o.Format = ingest.FormatCSV }, read: 3},
		{name: "no files", read: 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			opts := MustOptions(t)
			if tc.opts != nil {
				tc.opts(&opts)
			}
			n := 0
			rep, err := ingest.Run(context.Background(), mfs, tc.files, opts, func(ingest.Place) error { n++; return nil })
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Errorf("err = %v, want %q", err, tc.wantErr)
				}
				if n != 0 {
					t.Errorf("%d places sent", n)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if rep.Read != tc.read || n != tc.read {
				t.Errorf("read %d, sent %d; want %d", rep.Read, n, tc.read)
			}
		})
	}
}

// TestRunProgress: progress every 1,000 records and once at the end, with
// the bytes read.
func TestRunProgress(t *testing.T) {
	var b strings.Builder
	b.WriteString("id,nom,code_insee\n")
	for i := range 2500 {
		fmt.Fprintf(&b, "p%04d,Tiers-lieu %d,12202\n", i, i)
	}
	mfs := fstest.MapFS{"a.csv": {Data: []byte(b.String())}, "b.ndjson": {Data: []byte(`{"id": "x", "nom": "X", "code_insee": "81004"}` + "\n")}}
	total := int64(b.Len() + len(mfs["b.ndjson"].Data))
	var got []ingest.Progress
	opts := MustOptions(t)
	opts.Progress = func(p ingest.Progress) { got = append(got, p) }
	rep, _ := MustRun(t, mfs, []string{"a.csv", "b.ndjson"}, opts)
	var reads []int
	for _, p := range got {
		reads = append(reads, p.Read)
		if p.TotalBytes != total || p.Bytes > total || p.Bytes <= 0 {
			t.Errorf("progress %+v: bytes %d of %d", p, p.Bytes, total)
		}
	}
	if fmt.Sprint(reads) != "[1000 2000 2501]" {
		t.Errorf("progress at reads %v, want [1000 2000 2501]", reads)
	}
	last := got[len(got)-1]
	if last.Bytes != total {
		t.Errorf("final progress: %d bytes, want %d", last.Bytes, total)
	}
	MustMatchStats(t, "final progress", last.Stats, rep.Stats)
}

// TestDetectFormat picks readers by extension.
func TestDetectFormat(t *testing.T) {
	tests := []struct {
		name, want string
	}{
		{"lieux.csv", ingest.FormatCSV}, {"LIEUX.CSV", ingest.FormatCSV}, {"lieux.tsv", ingest.FormatCSV}, {"export.txt", ingest.FormatCSV},
		{"lieux.geojson", ingest.FormatGeoJSON}, {"dir.v2/lieux.GeoJSON", ingest.FormatGeoJSON},
		{"lieux.json", ingest.FormatJSON},
		{"lieux.ndjson", ingest.FormatNDJSON}, {"lieux.jsonl", ingest.FormatNDJSON}, {"lieux.geojsonl", ingest.FormatNDJSON}, {"lieux.geojsonseq", ingest.FormatNDJSON},
		{"lieux.xlsx", ""}, {"lieux", ""}, {"lieux.csv.gz", ""}, {"csv", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ingest.DetectFormat(tc.name)
			if got != tc.want || (err != nil) != (tc.want == "") {
				t.Errorf("DetectFormat(%q) = %q, %v; want %q", tc.name, got, err, tc.want)
			}
			if err != nil && !strings.Contains(err.Error(), tc.name) {
				t.Errorf("error %q does not name the file", err)
			}
		})
	}
}

// TestRecordWhere names a record's place for people.
func TestRecordWhere(t *testing.T) {
	tests := []struct {
		rec  ingest.Record
		want string
	}{
		{ingest.Record{File: "a.csv", Line: 12, Index: 11}, "a.csv:12"},
		{ingest.Record{File: "a.json", Index: 3}, "a.json: record 3"},
		{ingest.Record{File: "a.json"}, "a.json"},
	}
	for _, tc := range tests {
		t.Run(tc.want, func(t *testing.T) {
			if got := tc.rec.Where(); got != tc.want {
				t.Errorf("Where() = %q", got)
			}
		})
	}
}
