package index_test

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/tierslieux/tierslieux/index"
	"github.com/tierslieux/tierslieux/index/indextest"
	"github.com/tierslieux/tierslieux/ingest"
)

// MustBuildDir writes places into a new index directory and returns it.
func MustBuildDir(tb testing.TB, places []ingest.Place) string {
	tb.Helper()
	dir := filepath.Join(tb.TempDir(), "index")
	MustCommit(tb, dir, places)
	return dir
}

// MustCommit commits places as the new build of dir.
func MustCommit(tb testing.TB, dir string, places []ingest.Place) {
	tb.Helper()
	cat, err := indextest.Build(MustGazetteer(tb), dir, places)
	if err != nil {
		tb.Fatal(err)
	}
	cat.Close()
}

// MustSnapshot writes dir's current build as a snapshot.
func MustSnapshot(tb testing.TB, dir string) ([]byte, index.Version) {
	tb.Helper()
	s, err := index.OpenSnapshot(dir)
	if err != nil {
		tb.Fatal(err)
	}
	defer s.Close()
	var buf bytes.Buffer
	n, err := s.WriteTo(&buf)
	if err != nil {
		tb.Fatal(err)
	}
	if n != int64(buf.Len()) {
		tb.Errorf("WriteTo says %d bytes, wrote %d", n, buf.Len())
	}
	return buf.Bytes(), s.Version()
}

// MustPlaceIDs opens dir and returns its places' IDs, sorted.
func MustPlaceIDs(tb testing.TB, dir string) []string {
	tb.Helper()
	cat, err := index.Open(dir, MustGazetteer(tb))
	if err != nil {
		tb.Fatal(err)
	}
	defer cat.Close()
	var ids []string
	for _, p := range cat.Places() {
		ids = append(ids, p.ID)
	}
	slices.Sort(ids)
	return ids
}

func sortedIDs(places []ingest.Place) []string {
	var ids []string
	for _, p := range places {
		ids = append(ids, p.ID)
	}
	slices.Sort(ids)
	return ids
}

// TestSnapshotRoundTrip: a snapshot restored into an empty directory, or
// over another build, serves the same places under a new build name, and
// keeps the build it replaced as the previous one.
func TestSnapshotRoundTrip(t *testing.T) {
	places := MustSynthPlaces(t, 60)
	dir := MustBuildDir(t, places)
	snap, v := MustSnapshot(t, dir)
	if v.Places != len(places) {
		t.Errorf("snapshot version holds %d places, want %d", v.Places, len(places))
	}

	t.Run("into an empty directory", func(t *testing.T) {
		other := filepath.Join(t.TempDir(), "restored")
		got, err := index.Restore(other, bytes.NewReader(snap))
		if err != nil {
			t.Fatal(err)
		}
		if got.Places != len(places) || got.ID == v.ID || !got.BuiltAt.Equal(v.BuiltAt) {
			t.Errorf("restored version %+v, want %d places, a new ID and the built-at time of %+v", got, len(places), v)
		}
		if ids := MustPlaceIDs(t, other); !slices.Equal(ids, sortedIDs(places)) {
			t.Errorf("restored %d places, want %d", len(ids), len(places))
		}
	})

	t.Run("over a newer build", func(t *testing.T) {
		MustCommit(t, dir, places[:10])
		cur, _ := os.ReadFile(filepath.Join(dir, index.CurrentFile))
		if _, err := index.Restore(dir, bytes.NewReader(snap)); err != nil {
			t.Fatal(err)
		}
		if ids := MustPlaceIDs(t, dir); len(ids) != len(places) {
			t.Errorf("restored %d places, want %d", len(ids), len(places))
		}
		if _, err := os.Stat(filepath.Join(dir, strings.TrimSpace(string(cur)))); err != nil {
			t.Errorf("the build replaced is gone: %v", err)
		}
	})
}

// TestSnapshotOutlivesCommits: a snapshot opened before two commits
// remove its build still writes that build, whole.
func TestSnapshotOutlivesCommits(t *testing.T) {
	places := MustSynthPlaces(t, 40)
	dir := MustBuildDir(t, places)
	s, err := index.OpenSnapshot(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	old := s.Version().ID
	MustCommit(t, dir, places[:5])
	MustCommit(t, dir, places[:6])
	if _, err := os.Stat(filepath.Join(dir, old)); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("build %s still there after two commits: %v", old, err)
	}
	var buf bytes.Buffer
	if _, err := s.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	other := filepath.Join(t.TempDir(), "restored")
	if _, err := index.Restore(other, &buf); err != nil {
		t.Fatal(err)
	}
	if ids := MustPlaceIDs(t, other); len(ids) != len(places) {
		t.Errorf("restored %d places, want %d", len(ids), len(places))
	}
}

// tarGz builds a gzipped tar of name → contents, in order.
func tarGz(tb testing.TB, files ...[2]string) []byte {
	tb.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	tw := tar.NewWriter(zw)
	for _, f := range files {
		if err := tw.WriteHeader(&tar.Header{Name: f[0], Size: int64(len(f[1])), Mode: 0o644, Typeflag: tar.TypeReg}); err != nil {
			tb.Fatal(err)
		}
		tw.Write([]byte(f[1]))
	}
	tw.Close()
	zw.Close()
	return buf.Bytes()
}

// untar reads a snapshot back into name → contents.
func untar(tb testing.TB, snap []byte) [][2]string {
	tb.Helper()
	zr, err := gzip.NewReader(bytes.NewReader(snap))
	if err != nil {
		tb.Fatal(err)
	}
	tr := tar.NewReader(zr)
	var out [][2]string
	for {
		hdr, err := tr.Next()
		if err == io.EOF {
			return out
		}
		if err != nil {
			tb.Fatal(err)
		}
		b, _ := io.ReadAll(tr)
		out = append(out, [2]string{hdr.Name, string(b)})
	}
}

// TestRestoreRefuses: what is not a sound snapshot changes nothing.
func TestRestoreRefuses(t *testing.T) {
	places := MustSynthPlaces(t, 30)
	dir := MustBuildDir(t, places)
	snap, _ := MustSnapshot(t, dir)
	files := untar(t, snap)
	tampered, missing := slices.Clone(files), [][2]string{}
	for i, f := range files {
		if strings.HasSuffix(f[0], "/places.jsonl") {
			tampered[i][1] = strings.Replace(f[1], "Synth", "Sinth", 1)
			continue
		}
		missing = append(missing, f)
	}
	for _, tc := range []struct {
		name string
		data []byte
		want string
	}{
		{"not gzip", []byte("hello"), "not a snapshot"},
		{"empty archive", tarGz(t), "no build"},
		{"outside its directory", tarGz(t, [2]string{"build-1/../../evil", "x"}), "not a file of a build"},
		{"no build directory", tarGz(t, [2]string{"places.jsonl", "x"}), "not a file of a build"},
		{"two builds", tarGz(t, [2]string{"build-1/a", "x"}, [2]string{"build-2/b", "y"}), "two builds"},
		{"a file changed", tarGz(t, tampered...), "contents changed"},
		{"a file missing", tarGz(t, missing...), "is missing"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before, _ := os.ReadFile(filepath.Join(dir, index.CurrentFile))
			builds, _ := filepath.Glob(filepath.Join(dir, "build-*"))
			_, err := index.Restore(dir, bytes.NewReader(tc.data))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Restore = %v, want an error saying %q", err, tc.want)
			}
			after, _ := os.ReadFile(filepath.Join(dir, index.CurrentFile))
			afterBuilds, _ := filepath.Glob(filepath.Join(dir, "build-*"))
			if !bytes.Equal(before, after) || !slices.Equal(builds, afterBuilds) {
				t.Errorf("CURRENT %q and builds %v became %q and %v", before, builds, after, afterBuilds)
			}
		})
	}
}

// TestRestoreDiskFull: a snapshot whose files the disk cannot take, with
// room to spare, is refused before they are written, naming the file;
// nothing changes. With room enough the same snapshot restores.
func TestRestoreDiskFull(t *testing.T) {
	dir := MustBuildDir(t, MustSynthPlaces(t, 30))
	snap, _ := MustSnapshot(t, dir)
	before, _ := os.ReadFile(filepath.Join(dir, index.CurrentFile))
	builds, _ := filepath.Glob(filepath.Join(dir, "build-*"))
	largest := ""
	size := 0
	for _, f := range untar(t, snap) {
		if len(f[1]) > size {
			largest, size = f[0], len(f[1])
		}
	}
	// Room for every file but the largest, once 64 MB are kept free.
	restore := index.SetFreeSpace(64<<20 + int64(size) - 1)
	_, err := index.Restore(dir, bytes.NewReader(snap))
	restore()
	if err == nil || !strings.Contains(err.Error(), largest) || !strings.Contains(err.Error(), "free") {
		t.Fatalf("Restore = %v, want the disk too small for %s", err, largest)
	}
	after, _ := os.ReadFile(filepath.Join(dir, index.CurrentFile))
	afterBuilds, _ := filepath.Glob(filepath.Join(dir, "build-*"))
	if !bytes.Equal(before, after) || !slices.Equal(builds, afterBuilds) {
		t.Errorf("CURRENT %q and builds %v became %q and %v", before, builds, after, afterBuilds)
	}
	restore = index.SetFreeSpace(64<<20 + int64(size))
	defer restore()
	if _, err := index.Restore(dir, bytes.NewReader(snap)); err != nil {
		t.Fatalf("with room for the largest file: %v", err)
	}
}

// TestSnapshotOfDamage: a damaged build does not make a snapshot.
func TestSnapshotOfDamage(t *testing.T) {
	dir := MustBuildDir(t, MustSynthPlaces(t, 20))
	cur, _ := os.ReadFile(filepath.Join(dir, index.CurrentFile))
	places := filepath.Join(dir, strings.TrimSpace(string(cur)), "places.jsonl")
	b, _ := os.ReadFile(places)
	os.WriteFile(places, bytes.Replace(b, []byte("Synth"), []byte("Sinth"), 1), 0o644)
	s, err := index.OpenSnapshot(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var dmg *index.DamagedError
	if _, err := s.WriteTo(io.Discard); !errors.As(err, &dmg) || dmg.File != "places.jsonl" {
		t.Errorf("WriteTo = %v, want damage to places.jsonl", err)
	}
	if _, err := index.OpenSnapshot(t.TempDir()); err == nil {
		t.Error("a snapshot of a directory without a build")
	}
}

// TestRestoreLocked: a restore waits for no ingest: it is refused with
// ErrLocked while one builds.
func TestRestoreLocked(t *testing.T) {
	dir := MustBuildDir(t, MustSynthPlaces(t, 10))
	snap, _ := MustSnapshot(t, dir)
	b, err := index.NewBuilder(dir, MustGazetteer(t))
	if err != nil {
		t.Fatal(err)
	}
	defer b.Abort()
	if _, err := index.Restore(dir, bytes.NewReader(snap)); !errors.Is(err, index.ErrLocked) {
		t.Errorf("Restore during an ingest = %v, want ErrLocked", err)
	}
}

// TestBuilderCurrent: a builder reads the places of the build it
// replaces; a new directory has none.
func TestBuilderCurrent(t *testing.T) {
	places := MustSynthPlaces(t, 25)
	for _, tc := range []struct {
		name string
		dir  string
		want []string
	}{
		{"new directory", filepath.Join(t.TempDir(), "new"), nil},
		{"built", MustBuildDir(t, places), sortedIDs(places)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b, err := index.NewBuilder(tc.dir, MustGazetteer(t))
			if err != nil {
				t.Fatal(err)
			}
			defer b.Abort()
			var got []string
			if err := b.Current(func(p ingest.Place) error {
				got = append(got, p.ID)
				return nil
			}); err != nil {
				t.Fatal(err)
			}
			slices.Sort(got)
			if !slices.Equal(got, tc.want) {
				t.Errorf("Current gave %d places, want %d", len(got), len(tc.want))
			}
		})
	}
}

// FuzzRestore: whatever bytes are given as a snapshot, Restore refuses
// them or restores a build that opens; it never panics, writes nothing
// outside the index directory, and leaves no build behind when it refuses.
func FuzzRestore(f *testing.F) {
	tarGz := func(files map[string]string) []byte {
		var buf bytes.Buffer
		zw := gzip.NewWriter(&buf)
		tw := tar.NewWriter(zw)
		for name, body := range files {
			tw.WriteHeader(&tar.Header{Name: name, Mode: 0o644, Size: int64(len(body)), Typeflag: tar.TypeReg})
			tw.Write([]byte(body))
		}
		tw.Close()
		zw.Close()
		return buf.Bytes()
	}
	f.Add(tarGz(map[string]string{"build-20260101T000000.000000000/places.jsonl": "{}\n"}))
	f.Add(tarGz(map[string]string{"build-x/../../evil": "x"}))
	f.Add(tarGz(map[string]string{"/etc/passwd": "x"}))
	f.Add([]byte("not a snapshot"))
	f.Fuzz(func(t *testing.T, b []byte) {
		parent := t.TempDir()
		dir := filepath.Join(parent, "index")
		_, err := index.Restore(dir, bytes.NewReader(b))
		entries, _ := os.ReadDir(parent)
		if len(entries) > 1 {
			t.Fatalf("Restore wrote beside the index directory: %v", entries)
		}
		if err == nil {
			return
		}
		builds, _ := filepath.Glob(filepath.Join(dir, "build-*"))
		if len(builds) > 0 {
			t.Fatalf("a refused snapshot left %v", builds)
		}
	})
}
