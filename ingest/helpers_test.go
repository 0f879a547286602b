package ingest_test

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/tierslieux/tierslieux/geo/gazetteer"
	"github.com/tierslieux/tierslieux/index/indextest"
	"github.com/tierslieux/tierslieux/ingest"
)

// errStop is what callbacks return to stop a reader.
var errStop = errors.New("stop")

// fixtures holds the sample exports under testdata/.
var fixtures = os.DirFS("testdata")

// row is the part of a report entry the tests pin down exactly; messages
// are checked separately, by substring, where they matter.
type row struct {
	Line, Record int
	ID           string
	Severity     string
	Field        string
	Reason       string
}

func (r row) String() string {
	return fmt.Sprintf("{line %d, record %d, id %q, %s, field %q, %s}", r.Line, r.Record, r.ID, r.Severity, r.Field, r.Reason)
}

func rowsOf(entries []ingest.Entry) []row {
	out := make([]row, 0, len(entries))
	for _, e := range entries {
		out = append(out, row{e.Line, e.Record, e.ID, e.Severity, e.Field, e.Reason})
	}
	return out
}

// Shorthands for the severities, to keep the tables readable.
const (
	rej  = ingest.SeverityRejected
	warn = ingest.SeverityWarning
)

// MustGazetteer returns the embedded gazetteer of French communes.
func MustGazetteer(tb testing.TB) *gazetteer.Gazetteer {
	tb.Helper()
	return indextest.Gazetteer(tb)
}

// MustOptions returns the options the command line uses by default: the
// embedded gazetteer, France as the service area, duplicates rejected.
func MustOptions(tb testing.TB) ingest.Options {
	tb.Helper()
	return ingest.Options{Converter: ingest.Converter{Gazetteer: MustGazetteer(tb), Area: ingest.France}}
}

// MustRun runs the pipeline over names in fsys and returns the report and
// every place the sink received, in order. Any error fails the test.
func MustRun(tb testing.TB, fsys fs.FS, names []string, opts ingest.Options) (*ingest.Report, []ingest.Place) {
	tb.Helper()
	var places []ingest.Place
	rep, err := ingest.Run(context.Background(), fsys, names, opts, func(p ingest.Place) error {
		places = append(places, p)
		return nil
	})
	if err != nil {
		tb.Fatalf("Run(%v): %v", names, err)
	}
	if rep == nil {
		tb.Fatalf("Run(%v) returned a nil report", names)
	}
	return rep, places
}

// MustReadFixture returns the bytes of a file under testdata/.
func MustReadFixture(tb testing.TB, name string) []byte {
	tb.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", filepath.FromSlash(name)))
	if err != nil {
		tb.Fatalf("fixture: %v", err)
	}
	return b
}

// MustReadMapping reads a mapping file under testdata/.
func MustReadMapping(tb testing.TB, name string) *ingest.Mapping {
	tb.Helper()
	m, err := ingest.ReadMapping(strings.NewReader(string(MustReadFixture(tb, name))))
	if err != nil {
		tb.Fatalf("ReadMapping(%s): %v", name, err)
	}
	return m
}

// MustMatchReport checks the report's entries, in order, and its totals.
func MustMatchReport(tb testing.TB, rep *ingest.Report, want []row, stats ingest.Stats) {
	tb.Helper()
	got := rowsOf(rep.Entries)
	if len(want) == 0 {
		want = []row{}
	}
	if !reflect.DeepEqual(got, want) {
		tb.Errorf("report entries:\n got  %v\n want %v", got, want)
		for _, e := range rep.Entries {
			tb.Logf("  %s:%d record %d: %s %s %s (%q): %s", e.File, e.Line, e.Record, e.Severity, e.Field, e.Reason, e.Value, e.Message)
		}
	}
	MustMatchStats(tb, "totals", rep.Stats, stats)
}

// MustMatchStats compares two Stats, an empty GeocodedBy being no
// GeocodedBy.
func MustMatchStats(tb testing.TB, what string, got, want ingest.Stats) {
	tb.Helper()
	if len(got.GeocodedBy) == 0 {
		got.GeocodedBy = nil
	}
	if len(want.GeocodedBy) == 0 {
		want.GeocodedBy = nil
	}
	if !reflect.DeepEqual(got, want) {
		tb.Errorf("%s:\n got  %+v\n want %+v", what, got, want)
	}
}

// MustPlace returns the place the sink received with this id.
func MustPlace(tb testing.TB, places []ingest.Place, id string) ingest.Place {
	tb.Helper()
	for _, p := range places {
		if p.ID == id {
			return p
		}
	}
	var ids []string
	for _, p := range places {
		ids = append(ids, p.ID)
	}
	tb.Fatalf("no place %q reached the sink; got %v", id, ids)
	return ingest.Place{}
}

// MustEntry returns the first entry with this reason.
func MustEntry(tb testing.TB, rep *ingest.Report, reason string) ingest.Entry {
	tb.Helper()
	for _, e := range rep.Entries {
		if e.Reason == reason {
			return e
		}
	}
	tb.Fatalf("no %s entry in %v", reason, rowsOf(rep.Entries))
	return ingest.Entry{}
}

// MustNear checks a coordinate to within a few centimetres.
func MustNear(tb testing.TB, what string, got, want float64) {
	tb.Helper()
	if math.Abs(got-want) > 1e-7 {
		tb.Errorf("%s = %v, want %v", what, got, want)
	}
}

// MustEqualStrings compares string lists, nil being empty.
func MustEqualStrings(tb testing.TB, what string, got, want []string) {
	tb.Helper()
	if len(got) == 0 && len(want) == 0 {
		return
	}
	if !reflect.DeepEqual(got, want) {
		tb.Errorf("%s = %q, want %q", what, got, want)
	}
}

// MustReadAll runs a reader over data and returns every record it
// produced, failing on a reader error.
func MustReadAll(tb testing.TB, read func(data []byte, fn func(ingest.Record) error) error, data []byte) []ingest.Record {
	tb.Helper()
	var recs []ingest.Record
	if err := read(data, func(r ingest.Record) error { recs = append(recs, r); return nil }); err != nil {
		tb.Fatalf("read: %v", err)
	}
	return recs
}
