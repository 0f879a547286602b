package synth_test

import (
	"bytes"
	"context"
	"reflect"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/tierslieux/tierslieux/data"
	"github.com/tierslieux/tierslieux/geo/gazetteer"
	"github.com/tierslieux/tierslieux/ingest"
	"github.com/tierslieux/tierslieux/ingest/synth"
)

func MustGazetteer(tb testing.TB) *gazetteer.Gazetteer {
	tb.Helper()
	g, err := gazetteer.LoadFS(data.FS, data.Gazetteer)
	if err != nil {
		tb.Fatal(err)
	}
	return g
}

func TestDeterministic(t *testing.T) {
	g := MustGazetteer(t)
	a := synth.New(g, 7).Places(500)
	b := synth.New(g, 7).Places(500)
	if !reflect.DeepEqual(a, b) {
		t.Fatal("the same seed gave different places")
	}
	c := synth.New(g, 8).Places(500)
	if reflect.DeepEqual(a, c) {
		t.Fatal("different seeds gave the same places")
	}
}

func TestPlacesAreValidAndSynthetic(t *testing.T) {
	g := MustGazetteer(t)
	ids := map[string]bool{}
	for _, p := range synth.New(g, 1).Places(2000) {
		if errs := p.Validate(); len(errs) > 0 {
			t.Fatalf("%s: %v", p.ID, errs[0])
		}
		if !strings.HasPrefix(p.Name, "Synthétique") || !p.Demo {
			t.Errorf("%s %q: synthetic places say so in their name and are demo", p.ID, p.Name)
		}
		if !ingest.France.Contains(p.Lon, p.Lat) {
			t.Errorf("%s at %v,%v is outside France", p.ID, p.Lat, p.Lon)
		}
		if ids[p.ID] {
			t.Errorf("duplicate id %s", p.ID)
		}
		ids[p.ID] = true
	}
}

// Every format the generator writes is read back whole by the pipeline.
func TestWriteReadsBack(t *testing.T) {
	g := MustGazetteer(t)
	for _, format := range []string{ingest.FormatCSV, ingest.FormatGeoJSON, ingest.FormatJSON, ingest.FormatNDJSON} {
		t.Run(format, func(t *testing.T) {
			var buf bytes.Buffer
			if err := synth.Write(&buf, format, synth.New(g, 3), 300); err != nil {
				t.Fatal(err)
			}
			name := "places." + format
			var got []ingest.Place
			opts := ingest.Options{Converter: ingest.Converter{Gazetteer: g, Area: ingest.France}}
			rep, err := ingest.Run(context.Background(), fstest.MapFS{name: {Data: buf.Bytes()}}, []string{name}, opts, func(p ingest.Place) error {
				got = append(got, p)
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if rep.Read != 300 || rep.Indexed != 300 || len(rep.Entries) != 0 {
				t.Fatalf("read %d, indexed %d, %d report entries; want 300, 300, 0 (first: %+v)", rep.Read, rep.Indexed, len(rep.Entries), rep.Entries)
			}
			want := synth.New(g, 3).Places(300)
			for i := range want {
				if got[i].ID != want[i].ID || got[i].Name != want[i].Name || got[i].INSEE != want[i].INSEE ||
					got[i].Lon != want[i].Lon || got[i].Lat != want[i].Lat || !reflect.DeepEqual(got[i].Services, want[i].Services) {
					t.Fatalf("place %d read back as %+v, written as %+v", i, got[i], want[i])
				}
			}
		})
	}
	if err := synth.Write(&bytes.Buffer{}, "xml", synth.New(g, 1), 1); err == nil {
		t.Error("unknown format accepted")
	}
}
