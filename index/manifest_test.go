package index_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"hash/crc32"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/tierslieux/tierslieux/index"
	"github.com/tierslieux/tierslieux/ingest"
)

// manifestJSON is MANIFEST.json as the tests read it, apart from the
// package's own type so that a change of format shows here.
type manifestJSON struct {
	Format   int            `json:"format"`
	Build    string         `json:"build"`
	BuiltAt  time.Time      `json:"built_at"`
	Sources  []index.Source `json:"sources"`
	Records  int            `json:"records"`
	Places   int            `json:"places"`
	TextDocs uint64         `json:"text_docs"`
	Files    []fileJSON     `json:"files"`
}

type fileJSON struct {
	Path   string `json:"path"`
	Size   int64  `json:"size"`
	CRC32C string `json:"crc32c"`
	SHA256 string `json:"sha256"`
}

// MustManifest reads a build's manifest.
func MustManifest(tb testing.TB, build string) manifestJSON {
	tb.Helper()
	b, err := os.ReadFile(filepath.Join(build, "MANIFEST.json"))
	if err != nil {
		tb.Fatal(err)
	}
	var m manifestJSON
	if err := json.Unmarshal(b, &m); err != nil {
		tb.Fatal(err)
	}
	return m
}

// MustWriteManifest writes a build's manifest back.
func MustWriteManifest(tb testing.TB, build string, m manifestJSON) {
	tb.Helper()
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		tb.Fatal(err)
	}
	mustWrite(tb, build, "MANIFEST.json", string(b))
}

// MustSum returns what a manifest records of a file.
func MustSum(tb testing.TB, path string) fileJSON {
	tb.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	sha := sha256.Sum256(b)
	return fileJSON{Size: int64(len(b)), CRC32C: fmt.Sprintf("%08x", crc32.Checksum(b, crc32.MakeTable(crc32.Castagnoli))),
		SHA256: hex.EncodeToString(sha[:])}
}

// MustBuildFiles lists the files of a build but its manifest, relative,
// with slashes, sorted.
func MustBuildFiles(tb testing.TB, build string) []string {
	tb.Helper()
	var out []string
	err := filepath.WalkDir(build, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(build, path)
		if rel != "MANIFEST.json" {
			out = append(out, filepath.ToSlash(rel))
		}
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
	slices.Sort(out)
	return out
}

func TestManifest(t *testing.T) {
	dir := t.TempDir()
	g := MustGazetteer(t)
	start := time.Now()
	b, err := index.NewBuilder(dir, g)
	if err != nil {
		t.Fatal(err)
	}
	fsys := fstest.MapFS{"lieux.csv": {Data: []byte(firstCSV)}}
	b.Sources = index.StatSources(fsys, []string{"lieux.csv", "absent.csv"})
	opts := ingest.Options{Converter: ingest.Converter{Gazetteer: g, Area: ingest.France}}
	rep, err := ingest.Run(context.Background(), fsys, []string{"lieux.csv"}, opts, b.Add)
	if err != nil {
		t.Fatal(err)
	}
	if err := b.Commit(rep); err != nil {
		t.Fatal(err)
	}
	name := MustCurrent(t, dir)
	build := filepath.Join(dir, name)
	m := MustManifest(t, build)

	wantSources := []index.Source{{Name: "lieux.csv", Size: int64(len(firstCSV))}, {Name: "absent.csv", Size: -1}}
	if m.Format != 1 || m.Build != name || !slices.Equal(m.Sources, wantSources) ||
		m.Records != 3 || m.Places != 3 || m.TextDocs != 3 {
		t.Errorf("manifest %+v;\nwant format 1, build %s, sources %v, 3 records, places and text documents", m, name, wantSources)
	}
	if m.BuiltAt.Before(start.Add(-time.Second)) || m.BuiltAt.After(time.Now()) {
		t.Errorf("built_at %v, want during the test (from %v)", m.BuiltAt, start)
	}
	var paths []string
	for _, f := range m.Files {
		paths = append(paths, f.Path)
		want := MustSum(t, filepath.Join(build, filepath.FromSlash(f.Path)))
		want.Path = f.Path
		if f != want {
			t.Errorf("manifest has %+v, the file is %+v", f, want)
		}
	}
	if files := MustBuildFiles(t, build); !slices.Equal(paths, files) {
		t.Errorf("manifest lists %q, the build holds %q", paths, files)
	}
	for _, p := range []string{"places.jsonl", "report.json", "report.csv"} {
		if !slices.Contains(paths, p) {
			t.Errorf("manifest does not list %s", p)
		}
	}
	if !slices.ContainsFunc(paths, func(p string) bool { return strings.HasPrefix(p, "text/") }) {
		t.Errorf("manifest lists no file of the text index: %q", paths)
	}
}

func TestManifestWithoutSources(t *testing.T) {
	// A caller that names no sources gets the report's files, sizes unknown.
	dir := t.TempDir()
	MustIngest(t, dir, "lieux.csv", []byte(firstCSV))
	m := MustManifest(t, filepath.Join(dir, MustCurrent(t, dir)))
	if want := []index.Source{{Name: "lieux.csv", Size: -1}}; !slices.Equal(m.Sources, want) {
		t.Errorf("sources %v, want %v", m.Sources, want)
	}
}

func TestVersion(t *testing.T) {
	t.Run("index directory", func(t *testing.T) {
		dir := t.TempDir()
		MustIngest(t, dir, "lieux.csv", []byte(firstCSV))
		m := MustManifest(t, filepath.Join(dir, MustCurrent(t, dir)))
		v := MustOpen(t, dir).Version()
		if v.ID != MustCurrent(t, dir) || !v.BuiltAt.Equal(m.BuiltAt) || v.Places != 3 ||
			!slices.Equal(v.Sources, m.Sources) || v.Unverified || v.Fallback != nil || len(v.Warnings) > 0 {
			t.Errorf("Version() = %+v, want the current build's, from its manifest, with no warning", v)
		}
	})
	t.Run("in memory", func(t *testing.T) {
		g := MustGazetteer(t)
		places := MustConvert(t, "lieux.csv", firstCSV, "")
		versionOf := func(places []ingest.Place) index.Version {
			c, err := index.NewMem(places, g)
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			return c.Version()
		}
		a, b, other := versionOf(places), versionOf(places), versionOf(places[:2])
		if !strings.HasPrefix(a.ID, "mem-") || len(a.ID) != len("mem-")+12 || a.Places != 3 || !a.BuiltAt.IsZero() {
			t.Errorf("Version() = %+v, want mem- and 12 hex digits, 3 places", a)
		}
		if a.ID != b.ID {
			t.Errorf("the same places have versions %s and %s", a.ID, b.ID)
		}
		if other.ID == a.ID || other.Places != 2 {
			t.Errorf("other places have version %+v, like %+v", other, a)
		}
	})
	t.Run("loaded", func(t *testing.T) {
		fsys := fstest.MapFS{"lieux.csv": {Data: []byte(firstCSV)}}
		c, err := index.Load(context.Background(), fsys, []string{"lieux.csv"}, MustGazetteer(t))
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		if v := c.Version(); !slices.Equal(v.Sources, []index.Source{{Name: "lieux.csv", Size: -1}}) {
			t.Errorf("Version().Sources = %v, want lieux.csv", v.Sources)
		}
	})
}

// BenchmarkOpenUnverified opens the build BenchmarkOpen opens as one
// written before manifests: the difference is what checking the files
// costs.
func BenchmarkOpenUnverified(b *testing.B) {
	dir := b.TempDir()
	MustIngest(b, dir, "places.csv", MustSynthFile(b, ingest.FormatCSV, 100_000))
	if err := os.Remove(filepath.Join(dir, MustCurrent(b, dir), "MANIFEST.json")); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		c, err := index.Open(dir, MustGazetteer(b))
		if err != nil {
			b.Fatal(err)
		}
		if !c.Version().Unverified {
			b.Fatal("opened as verified")
		}
		c.Geo() // the R-tree too, which Open leaves building
		c.Close()
	}
}
