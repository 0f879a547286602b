package index_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/tierslieux/tierslieux/index"
	"github.com/tierslieux/tierslieux/ingest"
)

// Small exports of real Occitanie communes, geocoded by INSEE code.
const (
	firstCSV = `id;nom;type;services;description;code insee;commune
occ-1;Station Rodez;coworking;salle de réunion|wifi;Bureaux partagés au centre de Rodez.;12202;Rodez
occ-2;Le Fablab de Millau;fablab;imprimante 3D|découpe laser;Atelier partagé au pied du viaduc.;12145;Millau
occ-3;Espace numérique d'Albi;médiation numérique;aide administrative;Aide aux démarches en ligne.;81004;Albi
`
	secondCSV = `id;nom;type;services;description;code insee;commune
occ-10;La Cordée Toulouse;coworking;poste nomade;Coworking en centre-ville.;31555;Toulouse
occ-11;Le Labo de Montpellier;fablab;brodeuse numérique;Brodeuse et découpe vinyle.;34172;Montpellier
`
	thirdCSV = `id;nom;type;description;code insee;commune
occ-20;La Grange de Cahors;coworking;Tiers-lieu rural.;46042;Cahors
`
)

// MustConvert runs the ingest pipeline over a file held in memory and
// returns the places it accepts, in order: what a build must hold.
func MustConvert(tb testing.TB, name, content, duplicates string) []ingest.Place {
	tb.Helper()
	g := MustGazetteer(tb)
	var places []ingest.Place
	opts := ingest.Options{Converter: ingest.Converter{Gazetteer: g, Area: ingest.France}, Duplicates: duplicates}
	_, err := ingest.Run(context.Background(), fstest.MapFS{name: {Data: []byte(content)}}, []string{name}, opts,
		func(p ingest.Place) error {
			places = append(places, p)
			return nil
		})
	if err != nil {
		tb.Fatal(err)
	}
	return places
}

// MustIngestLast is MustIngest with the "last" duplicates policy.
func MustIngestLast(tb testing.TB, dir, name, content string) *ingest.Report {
	tb.Helper()
	g := MustGazetteer(tb)
	b, err := index.NewBuilder(dir, g)
	if err != nil {
		tb.Fatal(err)
	}
	opts := ingest.Options{Converter: ingest.Converter{Gazetteer: g, Area: ingest.France}, Duplicates: ingest.DuplicatesLast}
	rep, err := ingest.Run(context.Background(), fstest.MapFS{name: {Data: []byte(content)}}, []string{name}, opts, b.Add)
	if err != nil {
		b.Abort()
		tb.Fatal(err)
	}
	if err := b.Commit(rep); err != nil {
		tb.Fatal(err)
	}
	return rep
}

// MustOpen opens an index directory, closed with the test.
func MustOpen(tb testing.TB, dir string) *index.Catalog {
	tb.Helper()
	c, err := index.Open(dir, MustGazetteer(tb))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { c.Close() })
	return c
}

// MustBuilds lists the build directories of an index directory, in name
// (and so time) order.
func MustBuilds(tb testing.TB, dir string) []string {
	tb.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		tb.Fatal(err)
	}
	var out []string
	for _, e := range ents {
		if e.IsDir() && strings.HasPrefix(e.Name(), "build-") {
			out = append(out, e.Name())
		}
	}
	return out
}

// MustCurrent returns the build CURRENT names.
func MustCurrent(tb testing.TB, dir string) string {
	tb.Helper()
	b, err := os.ReadFile(filepath.Join(dir, "CURRENT"))
	if err != nil {
		tb.Fatal(err)
	}
	return strings.TrimSpace(string(b))
}

// MustSamePlaces checks that a catalog holds exactly want, in order, with
// both its indexes agreeing.
func MustSamePlaces(tb testing.TB, c *index.Catalog, want []ingest.Place) {
	tb.Helper()
	// The catalog keeps its places in cell order (neighbours together),
	// not in the order read: compare them by ID.
	byID := func(ps []ingest.Place) []ingest.Place {
		out := slices.Clone(ps)
		slices.SortFunc(out, func(a, b ingest.Place) int { return strings.Compare(a.ID, b.ID) })
		return out
	}
	if got, w := byID(c.Places()), byID(want); !reflect.DeepEqual(got, w) {
		tb.Fatalf("places:\n got %+v\nwant %+v", got, w)
	}
	if c.Geo().Len() != len(want) {
		tb.Errorf("Geo.Len() = %d, want %d", c.Geo().Len(), len(want))
	}
	if n, err := c.Text.Count(); err != nil || n != uint64(len(want)) {
		tb.Errorf("Text.Count() = %d, %v; want %d", n, err, len(want))
	}
	for _, p := range want {
		if ord, ok := c.Ordinal(p.ID); !ok || c.Places()[ord].ID != p.ID {
			tb.Errorf("Ordinal(%s) = %d, %v: not its place", p.ID, ord, ok)
		}
		if got, ok := c.Place(p.ID); !ok || got.Name != p.Name {
			tb.Errorf("Place(%s) = %v, %v; want %q", p.ID, got, ok, p.Name)
		}
	}
}

func ids(places []ingest.Place) []string {
	out := make([]string, len(places))
	for i, p := range places {
		out[i] = p.ID
	}
	return out
}

func TestBuilderRoundTrip(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "index") // created by NewBuilder
	rep := MustIngest(t, dir, "places.csv", []byte(firstCSV))
	if rep.Read != 3 || rep.Indexed != 3 || rep.Rejected != 0 {
		t.Fatalf("report: read %d, indexed %d, rejected %d; want 3, 3, 0", rep.Read, rep.Indexed, rep.Rejected)
	}
	want := MustConvert(t, "places.csv", firstCSV, "")
	c := MustOpen(t, dir)
	MustSamePlaces(t, c, want)

	// What the ingest made of the CSV: geocoded through the gazetteer.
	communes := []struct{ id, insee, dept, commune string }{
		{"occ-1", "12202", "12", "Rodez"}, {"occ-2", "12145", "12", "Millau"}, {"occ-3", "81004", "81", "Albi"},
	}
	for _, w := range communes {
		p, ok := c.Place(w.id)
		if !ok {
			t.Errorf("Place(%s) not found", w.id)
			continue
		}
		if p.INSEE != w.insee || p.Dept != w.dept || p.Region != "76" || p.Commune != w.commune ||
			p.Precision != ingest.PrecisionCommune || p.Lon == 0 || p.Lat == 0 {
			t.Errorf("Place(%s) = %+v; want %s (%s), région 76, geocoded to its commune", w.id, p, w.commune, w.insee)
		}
	}
	if p, _ := c.Place("occ-2"); !slices.Equal(p.Services, []string{"impression-3d", "decoupe-laser"}) || !slices.Equal(p.Types, []string{"fablab"}) {
		t.Errorf("occ-2: types %q, services %q; want [fablab], [impression-3d decoupe-laser]", p.Types, p.Services)
	}

	// The text index answers with IDs of the places file.
	searches := []struct{ query, want string }{
		{"Rodez", "occ-1"}, {"millau 3D printing", "occ-2"}, {"laser cutting", "occ-2"},
		{"aveyron coworking", "occ-1"}, {"médiation tarn", "occ-3"}, {"occitanie albi", "occ-3"},
	}
	for _, s := range searches {
		got, _ := MustTextSearch(t, c, s.query)
		if !slices.Equal(got, []string{s.want}) {
			t.Errorf("Search(%q) = %q, want [%s]", s.query, got, s.want)
		}
	}

	// The report travels with the build and is copied next to the index.
	if c.Report == nil || c.Report.Read != 3 || c.Report.Indexed != 3 {
		t.Errorf("Open: report = %+v, want read 3, indexed 3", c.Report)
	}
	builds := MustBuilds(t, dir)
	if len(builds) != 1 || builds[0] != MustCurrent(t, dir) {
		t.Errorf("builds %q, CURRENT %q; want one, current", builds, MustCurrent(t, dir))
	}
	for _, d := range []string{dir, filepath.Join(dir, MustCurrent(t, dir))} {
		for _, name := range []string{"report.csv", "report.json"} {
			b, err := os.ReadFile(filepath.Join(d, name))
			if err != nil {
				t.Error(err)
			} else if len(b) == 0 {
				t.Errorf("%s is empty", filepath.Join(d, name))
			}
		}
	}
	if b, err := os.ReadFile(filepath.Join(dir, "report.csv")); err == nil && !strings.HasPrefix(string(b), "file,line,record,id,severity") {
		t.Errorf("report.csv starts %q, want its header", string(b)[:min(len(b), 40)])
	}
}

func TestBuilderReplacesAndKeepsPrevious(t *testing.T) {
	dir := t.TempDir()
	MustIngest(t, dir, "places.csv", []byte(firstCSV))
	first := MustCurrent(t, dir)
	old := MustOpen(t, dir)

	MustIngest(t, dir, "places.csv", []byte(secondCSV))
	second := MustCurrent(t, dir)
	if second == first {
		t.Fatalf("CURRENT still %s after a second build", first)
	}
	MustSamePlaces(t, MustOpen(t, dir), MustConvert(t, "places.csv", secondCSV, ""))
	if got := MustBuilds(t, dir); !slices.Equal(got, []string{first, second}) {
		t.Errorf("builds %q, want the previous and the current %q", got, []string{first, second})
	}
	// A server that opened the first build keeps working.
	if got, _ := MustTextSearch(t, old, "millau"); !slices.Equal(got, []string{"occ-2"}) {
		t.Errorf("old catalog: Search(millau) = %q, want [occ-2]", got)
	}

	MustIngest(t, dir, "places.csv", []byte(thirdCSV))
	third := MustCurrent(t, dir)
	MustSamePlaces(t, MustOpen(t, dir), MustConvert(t, "places.csv", thirdCSV, ""))
	if got := MustBuilds(t, dir); !slices.Equal(got, []string{second, third}) {
		t.Errorf("builds %q, want only %q", got, []string{second, third})
	}
}

func TestAbortKeepsCurrent(t *testing.T) {
	dir := t.TempDir()
	MustIngest(t, dir, "places.csv", []byte(firstCSV))
	first := MustCurrent(t, dir)
	want := MustConvert(t, "places.csv", firstCSV, "")

	b, err := index.NewBuilder(dir, MustGazetteer(t))
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range MustConvert(t, "places.csv", secondCSV, "") {
		if err := b.Add(p); err != nil {
			t.Fatal(err)
		}
	}
	if got := MustBuilds(t, dir); len(got) != 2 {
		t.Errorf("during the build: builds %q, want the current one and the new one", got)
	}
	b.Abort()

	if got := MustCurrent(t, dir); got != first {
		t.Errorf("CURRENT = %s after Abort, want %s", got, first)
	}
	MustSamePlaces(t, MustOpen(t, dir), want)
	if got := MustBuilds(t, dir); !slices.Equal(got, []string{first}) {
		t.Errorf("builds %q after Abort, want only %s", got, first)
	}
}

func TestKilledIngestKeepsCurrent(t *testing.T) {
	dir := t.TempDir()
	MustIngest(t, dir, "places.csv", []byte(firstCSV))
	first := MustCurrent(t, dir)
	want := MustConvert(t, "places.csv", firstCSV, "")

	// An ingest killed halfway: its build is neither committed nor
	// aborted. (Abort at the end only stops its goroutine and closes its
	// files, as the death of the process would.)
	killed, err := index.NewBuilder(dir, MustGazetteer(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(killed.Abort)
	for _, p := range MustConvert(t, "places.csv", secondCSV, "") {
		if err := killed.Add(p); err != nil {
			t.Fatal(err)
		}
	}
	killed.Die()
	builds := MustBuilds(t, dir)
	if len(builds) != 2 || builds[0] != first {
		t.Fatalf("builds %q, want %s and the killed one", builds, first)
	}
	stale := builds[1]

	if got := MustCurrent(t, dir); got != first {
		t.Errorf("CURRENT = %s, want %s", got, first)
	}
	MustSamePlaces(t, MustOpen(t, dir), want)

	// The next ingest removes the stale build.
	MustIngest(t, dir, "places.csv", []byte(thirdCSV))
	third := MustCurrent(t, dir)
	MustSamePlaces(t, MustOpen(t, dir), MustConvert(t, "places.csv", thirdCSV, ""))
	got := MustBuilds(t, dir)
	if slices.Contains(got, stale) {
		t.Errorf("builds %q: the stale build %s is still there", got, stale)
	}
	if !slices.Contains(got, third) || len(got) > 2 || (len(got) == 2 && got[0] != first) {
		t.Errorf("builds %q, want the current %s and at most the previous %s", got, third, first)
	}
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range ents {
		switch name := e.Name(); {
		case name == "CURRENT", name == "LOCK", name == "report.csv", name == "report.json":
		case name == third, name == first:
		default:
			t.Errorf("unexpected %s left in the index directory", name)
		}
	}
}

func TestKilledFirstIngest(t *testing.T) {
	// Killed before any build was committed: there is nothing to open,
	// and the next ingest cleans up.
	dir := t.TempDir()
	killed, err := index.NewBuilder(dir, MustGazetteer(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(killed.Abort)
	for _, p := range MustConvert(t, "places.csv", firstCSV, "") {
		if err := killed.Add(p); err != nil {
			t.Fatal(err)
		}
	}
	killed.Die()
	stale := MustBuilds(t, dir)
	if c, err := index.Open(dir, MustGazetteer(t)); err == nil {
		c.Close()
		t.Fatal("Open succeeded on a directory whose only build was never committed")
	}
	MustIngest(t, dir, "places.csv", []byte(secondCSV))
	if got := MustBuilds(t, dir); len(got) != 1 || slices.Contains(stale, got[0]) {
		t.Errorf("builds %q, want only the new one (stale: %q)", got, stale)
	}
	MustSamePlaces(t, MustOpen(t, dir), MustConvert(t, "places.csv", secondCSV, ""))
}

func TestSinkErrorKeepsCurrent(t *testing.T) {
	dir := t.TempDir()
	MustIngest(t, dir, "places.csv", []byte(firstCSV))
	first := MustCurrent(t, dir)
	want := MustConvert(t, "places.csv", firstCSV, "")

	g := MustGazetteer(t)
	b, err := index.NewBuilder(dir, g)
	if err != nil {
		t.Fatal(err)
	}
	errFull := errors.New("disk full")
	n := 0
	sink := func(p ingest.Place) error {
		if n++; n == 2 {
			return errFull
		}
		return b.Add(p)
	}
	opts := ingest.Options{Converter: ingest.Converter{Gazetteer: g, Area: ingest.France}}
	fsys := fstest.MapFS{"places.csv": {Data: []byte(secondCSV)}}
	_, err = ingest.Run(context.Background(), fsys, []string{"places.csv"}, opts, sink)
	if !errors.Is(err, errFull) {
		t.Fatalf("Run error = %v, want the sink's", err)
	}
	b.Abort() // what the ingest command does on an error

	if got := MustCurrent(t, dir); got != first {
		t.Errorf("CURRENT = %s, want %s", got, first)
	}
	MustSamePlaces(t, MustOpen(t, dir), want)
	if got := MustBuilds(t, dir); !slices.Equal(got, []string{first}) {
		t.Errorf("builds %q, want only %s", got, first)
	}
}

func TestOpenErrors(t *testing.T) {
	tests := []struct {
		name    string
		setup   func(t *testing.T, dir string)
		wantErr string
	}{
		{"missing directory", func(t *testing.T, dir string) { os.Remove(dir) }, "tierslieux ingest"},
		{"empty directory", func(t *testing.T, dir string) {}, "tierslieux ingest"},
		{"builds but no CURRENT", func(t *testing.T, dir string) {
			MustIngest(t, dir, "places.csv", []byte(firstCSV))
			if err := os.Remove(filepath.Join(dir, "CURRENT")); err != nil {
				t.Fatal(err)
			}
		}, "tierslieux ingest"},
		{"CURRENT names a parent", func(t *testing.T, dir string) { mustWrite(t, dir, "CURRENT", "../x\n") }, "not a build"},
		{"CURRENT names a build in a parent", func(t *testing.T, dir string) {
			mustWrite(t, dir, "CURRENT", "build-../../x\n")
		}, "not a build"},
		{"CURRENT with a backslash", func(t *testing.T, dir string) { mustWrite(t, dir, "CURRENT", `build-..\x`) }, "not a build"},
		{"CURRENT empty", func(t *testing.T, dir string) { mustWrite(t, dir, "CURRENT", "") }, "not a build"},
		{"CURRENT names something else", func(t *testing.T, dir string) {
			MustIngest(t, dir, "places.csv", []byte(firstCSV))
			mustWrite(t, dir, "CURRENT", "text\n")
		}, "not a build"},
		{"CURRENT names a missing build", func(t *testing.T, dir string) {
			mustWrite(t, dir, "CURRENT", "build-20000101T000000.000000000\n")
		}, "build-20000101T000000.000000000"},
		{"corrupt places file", func(t *testing.T, dir string) {
			MustIngest(t, dir, "places.csv", []byte(firstCSV))
			mustWrite(t, filepath.Join(dir, MustCurrent(t, dir)), "places.jsonl", "{\"id\":\"occ-1\"}\n{not json\n")
		}, "places.jsonl"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "index")
			if err := os.Mkdir(dir, 0o755); err != nil {
				t.Fatal(err)
			}
			tc.setup(t, dir)
			c, err := index.Open(dir, MustGazetteer(t))
			if err == nil {
				c.Close()
				t.Fatalf("Open succeeded, want an error mentioning %q", tc.wantErr)
			}
			if !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("Open error = %q, want it to mention %q", err, tc.wantErr)
			}
		})
	}
}

func mustWrite(tb testing.TB, dir, name, content string) {
	tb.Helper()
	if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
		tb.Fatal(err)
	}
}

func TestDuplicatesLast(t *testing.T) {
	const dups = `id;nom;type;description;code insee;commune
occ-1;Ancien Nom;coworking;Première version.;12202;Rodez
occ-2;Le Fablab de Millau;fablab;Atelier partagé.;12145;Millau
occ-1;Nouveau Nom;fablab;Seconde version.;81004;Albi
occ-3;Espace numérique d'Albi;médiation numérique;Aide.;81004;Albi
occ-1;Dernier Nom;coworking;Troisième version.;12145;Millau
`
	for _, batch := range []int{index.BatchSize, 1, 2} {
		t.Run(fmt.Sprintf("batch size %d", batch), func(t *testing.T) {
			defer func(n int) { index.BatchSize = n }(index.BatchSize)
			index.BatchSize = batch
			dir := t.TempDir()
			rep := MustIngestLast(t, dir, "places.csv", dups)
			if rep.Read != 5 || rep.Indexed != 3 || rep.Rejected != 2 {
				t.Errorf("report: read %d, indexed %d, rejected %d; want 5, 3, 2", rep.Read, rep.Indexed, rep.Rejected)
			}
			c := MustOpen(t, dir)
			if got := ids(c.Places()); !slices.Equal(got, []string{"occ-1", "occ-2", "occ-3"}) {
				t.Fatalf("places %q, want occ-1, occ-2, occ-3 once each", got)
			}
			p, _ := c.Place("occ-1")
			if p.Name != "Dernier Nom" || p.Commune != "Millau" || p.Description != "Troisième version." {
				t.Errorf("Place(occ-1) = %+v, want the last version", p)
			}
			if c.Geo().Len() != 3 {
				t.Errorf("Geo.Len() = %d, want 3", c.Geo().Len())
			}
			if hits := c.Geo().Within(p.Lon, p.Lat, 1); len(hits) != 2 { // occ-1 and occ-2 in Millau
				t.Errorf("Geo.Within(Millau) = %v, want occ-1 and occ-2", hits)
			}
			if n, err := c.Text.Count(); err != nil || n != 3 {
				t.Errorf("Text.Count() = %d, %v; want 3", n, err)
			}
			for _, q := range []string{"ancien", "nouveau", "premiere", "seconde"} {
				if got, _ := MustTextSearch(t, c, q); len(got) != 0 {
					t.Errorf("Search(%q) = %q: an earlier version is still indexed", q, got)
				}
			}
			if got, _ := MustTextSearch(t, c, "dernier millau"); !slices.Equal(got, []string{"occ-1"}) {
				t.Errorf("Search(dernier millau) = %q, want [occ-1]", got)
			}
		})
	}
}

func TestConcurrentIngestRefused(t *testing.T) {
	dir := t.TempDir()
	first, err := index.NewBuilder(dir, MustGazetteer(t))
	if err != nil {
		t.Fatal(err)
	}
	defer first.Abort()
	if b, err := index.NewBuilder(dir, MustGazetteer(t)); err == nil {
		b.Abort()
		t.Fatal("a second ingest started while the first was building")
	} else if !strings.Contains(err.Error(), "another ingest") || !errors.Is(err, index.ErrLocked) {
		t.Errorf("error %q, want it to say another ingest is running, and be ErrLocked", err)
	}
	first.Abort()
	b, err := index.NewBuilder(dir, MustGazetteer(t))
	if err != nil {
		t.Fatalf("after the first ended: %v", err)
	}
	b.Abort()
}

// TestOpenRefusesDamage: a build whose places file does not hold what an
// ingest writes, or whose text index does not hold every place, is
// refused with a message naming the problem, never served.
func TestOpenRefusesDamage(t *testing.T) {
	for _, tc := range []struct {
		name   string
		damage func(places []byte) []byte
		want   string
	}{
		{"latitude out of range", func(b []byte) []byte {
			return bytes.Replace(b, []byte(`"lat":`), []byte(`"lat":999,"x":`), 1)
		}, "lat"},
		{"empty object appended", func(b []byte) []byte { return append(b, "{}\n"...) }, "id"},
		{"a place the text index lacks", func(b []byte) []byte {
			line := b[:bytes.IndexByte(b, '\n')+1]
			return append(b, bytes.Replace(line, []byte(`"id":"`), []byte(`"id":"extra-`), 1)...)
		}, "text index holds"},
		{"truncated at a line boundary", func(b []byte) []byte { return b[:bytes.IndexByte(b, '\n')+1] }, "text index holds"},
		{"emptied", func([]byte) []byte { return nil }, "text index holds"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			MustIngest(t, dir, "lieux.csv", []byte(firstCSV))
			path := filepath.Join(dir, MustCurrent(t, dir), "places.jsonl")
			b, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(path, tc.damage(b), 0o644); err != nil {
				t.Fatal(err)
			}
			c, err := index.Open(dir, MustGazetteer(t))
			if err == nil {
				c.Close()
				t.Fatalf("a damaged build opened")
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q does not name %q", err, tc.want)
			}
		})
	}
}

// A damage is done to a build of an index directory; File is what the
// *DamagedError names, want a piece of its message.
type damage struct {
	name string
	do   func(tb testing.TB, build string)
	file string
	want string
}

// damages are what was found served silently before builds had
// manifests, and what a manifest itself may suffer.
var damages = []damage{
	{"places cut at a line boundary", func(tb testing.TB, build string) {
		mustEdit(tb, filepath.Join(build, "places.jsonl"), func(b []byte) []byte { return b[:bytes.IndexByte(b, '\n')+1] })
	}, "places.jsonl", "holds 1 place where the manifest lists"},
	{"places emptied", func(tb testing.TB, build string) {
		mustEdit(tb, filepath.Join(build, "places.jsonl"), func([]byte) []byte { return nil })
	}, "places.jsonl", "holds 0 places where the manifest lists"},
	{"a {} line appended", func(tb testing.TB, build string) {
		mustEdit(tb, filepath.Join(build, "places.jsonl"), func(b []byte) []byte { return append(b, "{}\n"...) })
	}, "places.jsonl", "id: is empty"},
	{"a lat of 999", func(tb testing.TB, build string) {
		mustEdit(tb, filepath.Join(build, "places.jsonl"), func(b []byte) []byte {
			return regexp.MustCompile(`"lat":[-0-9.e]+`).ReplaceAll(b, []byte(`"lat":999`))
		})
	}, "places.jsonl", "lat: must be within [-90, 90]"},
	{"a name changed", func(tb testing.TB, build string) {
		mustEdit(tb, filepath.Join(build, "places.jsonl"), func(b []byte) []byte {
			i := bytes.Index(b, []byte(`"name":"`)) + len(`"name":"`)
			b[i] = 'X' + (b[i]+1)%2 // X or Y, never what it was
			return b
		})
	}, "places.jsonl", "CRC-32C"},
	{"a segment deleted", func(tb testing.TB, build string) {
		if err := os.Remove(MustSegment(tb, build)); err != nil {
			tb.Fatal(err)
		}
	}, "text/store/", "is missing"},
	{"a segment truncated", func(tb testing.TB, build string) {
		mustEdit(tb, MustSegment(tb, build), func(b []byte) []byte { return b[:len(b)/2] })
	}, "text/store/", "cut short"},
	{"a segment overwritten with other bytes of the same size", func(tb testing.TB, build string) {
		mustEdit(tb, MustSegment(tb, build), func(b []byte) []byte {
			r := rand.New(rand.NewPCG(1, 2))
			out := make([]byte, len(b))
			for i := range out {
				out[i] = byte(r.Uint32())
			}
			return out
		})
	}, "text/store/", "CRC-32C"},
	{"random bytes inside a segment", func(tb testing.TB, build string) {
		mustEdit(tb, MustSegment(tb, build), func(b []byte) []byte {
			for i := len(b) / 2; i < len(b)/2+8; i++ {
				b[i] ^= 0x5a
			}
			return b
		})
	}, "text/store/", "CRC-32C"},
	{"the text index's root deleted", func(tb testing.TB, build string) {
		if err := os.Remove(filepath.Join(build, "text", "store", "root.bolt")); err != nil {
			tb.Fatal(err)
		}
	}, "text/store/root.bolt", "is missing"},
	{"the report changed", func(tb testing.TB, build string) {
		mustEdit(tb, filepath.Join(build, "report.json"), func(b []byte) []byte {
			i := bytes.IndexAny(b, "0123456789")
			b[i] = '0' + (b[i]-'0'+1)%10
			return b
		})
	}, "report.json", "CRC-32C"},
	{"manifest garbled", func(tb testing.TB, build string) {
		mustEdit(tb, filepath.Join(build, "MANIFEST.json"), func(b []byte) []byte { return b[:len(b)/2] })
	}, "MANIFEST.json", "does not parse"},
	{"manifest of another build", func(tb testing.TB, build string) {
		m := MustManifest(tb, build)
		m.Build = "build-20000101T000000.000000000"
		MustWriteManifest(tb, build, m)
	}, "MANIFEST.json", "not this build"},
	{"build directory missing", func(tb testing.TB, build string) {
		if err := os.RemoveAll(build); err != nil {
			tb.Fatal(err)
		}
	}, "", "is missing: CURRENT names it"},
}

// MustSegment returns the largest segment file of a build's text index.
func MustSegment(tb testing.TB, build string) string {
	tb.Helper()
	zaps, err := filepath.Glob(filepath.Join(build, "text", "store", "*.zap"))
	if err != nil || len(zaps) == 0 {
		tb.Fatalf("no segment in %s (%v)", build, err)
	}
	var best string
	var size int64 = -1
	for _, z := range zaps {
		if fi, err := os.Stat(z); err == nil && fi.Size() > size {
			best, size = z, fi.Size()
		}
	}
	return best
}

func mustEdit(tb testing.TB, path string, edit func([]byte) []byte) {
	tb.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	if err := os.WriteFile(path, edit(b), 0o644); err != nil {
		tb.Fatal(err)
	}
}

// checkDamaged checks that err is a *DamagedError of build naming the
// damage.
func checkDamaged(tb testing.TB, err error, build string, d damage) *index.DamagedError {
	tb.Helper()
	var dmg *index.DamagedError
	if !errors.As(err, &dmg) {
		tb.Fatalf("error %v (%T), want a *index.DamagedError", err, err)
	}
	if dmg.Build != build || !strings.HasPrefix(dmg.File, d.file) || (d.file == "" && dmg.File != "") {
		tb.Errorf("DamagedError{Build: %q, File: %q}, want %q, %q", dmg.Build, dmg.File, build, d.file)
	}
	if !strings.Contains(dmg.Error(), d.want) {
		tb.Errorf("error %q does not say %q", dmg, d.want)
	}
	return dmg
}

// TestOpenRefusesDamaged: with no previous build, a damaged build is
// refused, and the error says so, names the file and the problem.
func TestOpenRefusesDamaged(t *testing.T) {
	for _, d := range damages {
		t.Run(d.name, func(t *testing.T) {
			dir := t.TempDir()
			MustIngest(t, dir, "lieux.csv", []byte(firstCSV))
			build := filepath.Join(dir, MustCurrent(t, dir))
			d.do(t, build)
			c, err := index.Open(dir, MustGazetteer(t))
			if err == nil {
				c.Close()
				t.Fatal("a damaged build opened")
			}
			dmg := checkDamaged(t, err, build, d)
			if dmg.Fallback == nil || !strings.Contains(err.Error(), "no previous build") {
				t.Errorf("error %q does not say there is no previous build to fall back on", err)
			}
		})
	}
}

// TestOpenFallsBack: when the current build is damaged, Open serves the
// previous one, and its Version says why.
func TestOpenFallsBack(t *testing.T) {
	for _, d := range damages {
		t.Run(d.name, func(t *testing.T) {
			dir := t.TempDir()
			MustIngest(t, dir, "lieux.csv", []byte(firstCSV))
			first := MustCurrent(t, dir)
			MustIngest(t, dir, "lieux.csv", []byte(secondCSV))
			second := MustCurrent(t, dir)
			d.do(t, filepath.Join(dir, second))

			c := MustOpen(t, dir)
			MustSamePlaces(t, c, MustConvert(t, "lieux.csv", firstCSV, ""))
			v := c.Version()
			if v.ID != first || v.Places != 3 {
				t.Errorf("Version() = %+v, want the previous build %s", v, first)
			}
			if v.Fallback == nil {
				t.Fatal("Version().Fallback is nil")
			}
			checkDamaged(t, v.Fallback, filepath.Join(dir, second), d)
			if len(v.Warnings) == 0 || !strings.Contains(v.Warnings[0], "serving the previous build "+first) || !strings.Contains(v.Warnings[0], d.want) {
				t.Errorf("Version().Warnings = %q, want one saying the previous build serves, and why", v.Warnings)
			}
			if got, _ := MustTextSearch(t, c, "millau"); !slices.Equal(got, []string{"occ-2"}) {
				t.Errorf("Search(millau) = %q, want [occ-2]", got)
			}
			if got := MustCurrent(t, dir); got != second {
				t.Errorf("Open changed CURRENT to %s", got)
			}
		})
	}
}

func TestOpenBothDamaged(t *testing.T) {
	dir := t.TempDir()
	MustIngest(t, dir, "lieux.csv", []byte(firstCSV))
	first := MustCurrent(t, dir)
	MustIngest(t, dir, "lieux.csv", []byte(secondCSV))
	second := MustCurrent(t, dir)
	damages[0].do(t, filepath.Join(dir, second))
	if err := os.Remove(MustSegment(t, filepath.Join(dir, first))); err != nil {
		t.Fatal(err)
	}
	c, err := index.Open(dir, MustGazetteer(t))
	if err == nil {
		c.Close()
		t.Fatal("Open succeeded with both builds damaged")
	}
	dmg := checkDamaged(t, err, filepath.Join(dir, second), damages[0])
	var prev *index.DamagedError
	if !errors.As(dmg.Fallback, &prev) || prev.Build != filepath.Join(dir, first) || !strings.HasPrefix(prev.File, "text/store/") {
		t.Errorf("Fallback = %v, want the previous build's damage", dmg.Fallback)
	}
	if !strings.Contains(err.Error(), "previous build cannot serve either") {
		t.Errorf("error %q does not say the previous build is damaged too", err)
	}
}

// TestOpenNeverServesALeftover: a build newer than the current one is
// an ingest that never committed; Open never falls back on it.
func TestOpenNeverServesALeftover(t *testing.T) {
	dir := t.TempDir()
	MustIngest(t, dir, "lieux.csv", []byte(firstCSV))
	cur := MustCurrent(t, dir)
	killed, err := index.NewBuilder(dir, MustGazetteer(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(killed.Abort)
	for _, p := range MustConvert(t, "lieux.csv", secondCSV, "") {
		if err := killed.Add(p); err != nil {
			t.Fatal(err)
		}
	}
	killed.Die()
	damages[1].do(t, filepath.Join(dir, cur))
	c, err := index.Open(dir, MustGazetteer(t))
	if err == nil {
		c.Close()
		t.Fatalf("Open served %s", c.Version().ID)
	}
	checkDamaged(t, err, filepath.Join(dir, cur), damages[1])
}

// TestOpenWithoutManifest: a build written before manifests opens, with
// the checks it can have, and says it was not verified.
func TestOpenWithoutManifest(t *testing.T) {
	dir := t.TempDir()
	MustIngest(t, dir, "lieux.csv", []byte(firstCSV))
	MustIngest(t, dir, "lieux.csv", []byte(secondCSV))
	cur := MustCurrent(t, dir)
	if err := os.Remove(filepath.Join(dir, cur, "MANIFEST.json")); err != nil {
		t.Fatal(err)
	}
	c := MustOpen(t, dir)
	MustSamePlaces(t, c, MustConvert(t, "lieux.csv", secondCSV, ""))
	v := c.Version()
	wantBuilt, _ := time.Parse("20060102T150405.000000000", strings.TrimPrefix(cur, "build-"))
	if v.ID != cur || !v.Unverified || v.Fallback != nil || v.Places != 2 || !v.BuiltAt.Equal(wantBuilt) ||
		!slices.Equal(v.Sources, []index.Source{{Name: "lieux.csv", Size: -1}}) {
		t.Errorf("Version() = %+v, want the current build, unverified, built at %v", v, wantBuilt)
	}
	if len(v.Warnings) != 1 || !strings.Contains(v.Warnings[0], "no MANIFEST.json") {
		t.Errorf("Version().Warnings = %q, want one saying the build has no manifest", v.Warnings)
	}

	// Without a manifest, the older checks still hold.
	mustEdit(t, filepath.Join(dir, cur, "places.jsonl"), func(b []byte) []byte { return append(b, "{}\n"...) })
	c2, err := index.Open(dir, MustGazetteer(t))
	if err != nil {
		t.Fatalf("Open with the current build damaged and no manifest: %v", err)
	}
	defer c2.Close()
	if v := c2.Version(); v.Fallback == nil || v.ID == cur {
		t.Errorf("Version() = %+v, want the previous build, the current one being damaged", v)
	}
}
