package index_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/tierslieux/tierslieux/index"
	"github.com/tierslieux/tierslieux/ingest"
)

// MustTwoBuilds makes an index directory with a previous and a current
// build, and returns it with their names.
func MustTwoBuilds(tb testing.TB) (dir, first, second string) {
	tb.Helper()
	dir = tb.TempDir()
	MustIngest(tb, dir, "lieux.csv", []byte(firstCSV))
	first = MustCurrent(tb, dir)
	MustIngest(tb, dir, "lieux.csv", []byte(secondCSV))
	return dir, first, MustCurrent(tb, dir)
}

// MustVerify runs Verify and fails the test on error.
func MustVerify(tb testing.TB, dir string) *index.VerifyReport {
	tb.Helper()
	rep, err := index.Verify(context.Background(), dir)
	if err != nil {
		tb.Fatal(err)
	}
	return rep
}

// damageOf returns the problems a build report lists for a file (by
// prefix), as text.
func damageOf(b index.BuildReport, file string) []string {
	var out []string
	for _, d := range b.Damage {
		if strings.HasPrefix(d.File, file) && (file != "" || d.File == "") {
			out = append(out, d.Error())
		}
	}
	return out
}

func TestVerifySound(t *testing.T) {
	dir, first, second := MustTwoBuilds(t)
	rep := MustVerify(t, dir)
	if !rep.OK() || len(rep.Builds) != 2 || len(rep.Leftovers) != 0 {
		t.Fatalf("Verify = %+v, want two sound builds", rep)
	}
	for i, want := range []struct {
		name    string
		current bool
		places  int
	}{{second, true, 2}, {first, false, 3}} {
		b := rep.Builds[i]
		m := MustManifest(t, filepath.Join(dir, want.name))
		if b.Name != want.name || b.Current != want.current || !b.OK() || len(b.Notes) != 0 ||
			b.Version.ID != want.name || b.Version.Places != want.places || !b.Version.BuiltAt.Equal(m.BuiltAt) ||
			b.Files != len(m.Files) || b.Bytes <= 0 {
			t.Errorf("build %d: %+v, want %s, current %v, %d places, %d files, sound", i, b, want.name, want.current, want.places, len(m.Files))
		}
	}
}

// TestVerifyDamage: Verify finds every damage Open refuses, and names
// the file.
func TestVerifyDamage(t *testing.T) {
	for _, d := range damages {
		t.Run(d.name, func(t *testing.T) {
			dir, first, second := MustTwoBuilds(t)
			d.do(t, filepath.Join(dir, second))
			rep := MustVerify(t, dir)
			if rep.OK() {
				t.Fatal("Verify says the current build is sound")
			}
			cur := rep.Builds[0]
			if cur.Name != second || !cur.Current || cur.OK() {
				t.Fatalf("current build: %+v, want %s damaged", cur, second)
			}
			got := damageOf(cur, d.file)
			if !slices.ContainsFunc(got, func(s string) bool { return strings.Contains(s, d.want) }) {
				t.Errorf("damage %q, want one of %s saying %q", cur.Damage, d.file, d.want)
			}
			if len(rep.Builds) != 2 || rep.Builds[1].Name != first || !rep.Builds[1].OK() {
				t.Errorf("previous build: %+v, want %s sound", rep.Builds[1:], first)
			}
		})
	}
}

// editPlaces replaces the first old of a build's places.jsonl with new
// and records the file's new size and sums in the manifest, as a
// deliberate edit would.
func editPlaces(t *testing.T, build, old, new string) {
	t.Helper()
	path := filepath.Join(build, "places.jsonl")
	mustEdit(t, path, func(b []byte) []byte { return bytes.Replace(b, []byte(old), []byte(new), 1) })
	m := MustManifest(t, build)
	for i, f := range m.Files {
		if f.Path == "places.jsonl" {
			m.Files[i] = MustSum(t, path)
			m.Files[i].Path = f.Path
		}
	}
	MustWriteManifest(t, build, m)
}

// TestVerifyBeyondOpen: what Open's quick checks let through, and Verify
// finds.
func TestVerifyBeyondOpen(t *testing.T) {
	tests := []struct {
		name   string
		damage func(t *testing.T, build string)
		file   string
		want   string
	}{
		{"a file whose SHA-256 is not the manifest's", func(t *testing.T, build string) {
			// As if the file had been edited so as to keep its CRC: only
			// the SHA-256 tells.
			m := MustManifest(t, build)
			for i := range m.Files {
				if m.Files[i].Path == "places.jsonl" {
					m.Files[i].SHA256 = strings.Repeat("0", 64)
				}
			}
			MustWriteManifest(t, build, m)
		}, "places.jsonl", "SHA-256"},
		{"a place the text index lacks, the counts agreeing", func(t *testing.T, build string) {
			editPlaces(t, build, `"id":"occ-1`, `"id":"occ-9`)
		}, "text/", `place "occ-9" is not in the text index`},
		{"places.jsonl edited, the image not", func(t *testing.T, build string) {
			// Open serves the image; only Verify compares it with the file.
			editPlaces(t, build, `"name":"`, `"name":"X`)
		}, "places.bin", "differs from places.jsonl"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			MustIngest(t, dir, "lieux.csv", []byte(firstCSV))
			tc.damage(t, filepath.Join(dir, MustCurrent(t, dir)))
			MustOpen(t, dir) // the quick checks pass
			rep := MustVerify(t, dir)
			if rep.OK() {
				t.Fatal("Verify says the current build is sound")
			}
			if got := damageOf(rep.Builds[0], tc.file); !slices.ContainsFunc(got, func(s string) bool { return strings.Contains(s, tc.want) }) {
				t.Errorf("damage %q, want one saying %q", rep.Builds[0].Damage, tc.want)
			}
		})
	}
}

func TestVerifyListsInvalidPlaces(t *testing.T) {
	dir := t.TempDir()
	var csv strings.Builder
	csv.WriteString("id;nom;type;code insee;commune\n")
	for _, id := range []string{"a", "b", "c", "d", "e", "f", "g", "h"} {
		csv.WriteString("occ-" + id + ";Lieu " + id + ";coworking;12202;Rodez\n")
	}
	MustIngest(t, dir, "lieux.csv", []byte(csv.String()))
	damages[3].do(t, filepath.Join(dir, MustCurrent(t, dir))) // every lat 999
	rep := MustVerify(t, dir)
	got := damageOf(rep.Builds[0], "places.jsonl")
	if len(got) < 6 || !strings.Contains(got[0], `place 1 ("occ-a"): lat`) || !strings.Contains(got[4], `place 5 ("occ-e"): lat`) ||
		!strings.Contains(got[5], "and 3 more invalid places") {
		t.Errorf("places.jsonl damage:\n%s\nwant the first five invalid places, then how many more", strings.Join(got, "\n"))
	}
}

func TestVerifyNotes(t *testing.T) {
	dir := t.TempDir()
	MustIngest(t, dir, "lieux.csv", []byte(firstCSV))
	cur := MustCurrent(t, dir)
	mustWrite(t, filepath.Join(dir, cur), "notes.txt", "left here by hand\n")
	killed, err := index.NewBuilder(dir, MustGazetteer(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(killed.Abort)
	killed.Die()
	leftover := MustBuilds(t, dir)[1]

	rep := MustVerify(t, dir)
	if !rep.OK() || !slices.Equal(rep.Leftovers, []string{leftover}) {
		t.Errorf("Verify: OK %v, leftovers %q; want sound, %s left over", rep.OK(), rep.Leftovers, leftover)
	}
	if notes := rep.Builds[0].Notes; len(notes) != 1 || !strings.Contains(notes[0], "notes.txt: not in the manifest") {
		t.Errorf("notes %q, want one on notes.txt", notes)
	}

	// Without a manifest: sound as far as can be told, and said so.
	if err := os.Remove(filepath.Join(dir, cur, "MANIFEST.json")); err != nil {
		t.Fatal(err)
	}
	rep = MustVerify(t, dir)
	b := rep.Builds[0]
	if !rep.OK() || !b.Version.Unverified || b.Version.Places != 3 || len(b.Notes) != 1 || !strings.Contains(b.Notes[0], "no MANIFEST.json") {
		t.Errorf("without a manifest: OK %v, %+v; want sound, unverified, 3 places, a note", rep.OK(), b)
	}
}

func TestVerifyNotAnIndex(t *testing.T) {
	if _, err := index.Verify(context.Background(), t.TempDir()); err == nil || !strings.Contains(err.Error(), "tierslieux ingest") {
		t.Errorf("Verify of an empty directory: %v, want an error saying to ingest", err)
	}
}

// BenchmarkVerify measures the full offline check of 100,000 places.
func BenchmarkVerify(b *testing.B) {
	dir := b.TempDir()
	MustIngest(b, dir, "places.csv", MustSynthFile(b, ingest.FormatCSV, 100_000))
	b.ReportAllocs()
	for b.Loop() {
		if rep := MustVerify(b, dir); !rep.OK() {
			b.Fatalf("%+v", rep.Builds[0].Damage)
		}
	}
}
