package index

import (
	"archive/tar"
	"compress/gzip"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
	"time"

	"github.com/tierslieux/tierslieux/ingest"
)

// A snapshot is a build as a gzipped tar: its files under a directory
// named after it (build-…/MANIFEST.json, build-…/places.jsonl,
// build-…/text/…), so `tar xzf` gives back the build directory. Restore
// makes it the current build of any index directory.

// Snapshot is the current build of an index directory, its files held
// open: a committed build never changes, and an open file stays readable
// after an ingest removes it, so what WriteTo writes is the build as
// committed, however many ingests commit meanwhile. Close it.
type Snapshot struct {
	name    string
	version Version
	m       *manifest // nil for a build written before manifests
	files   []snapshotFile
}

type snapshotFile struct {
	rel  string // slash-separated, relative to the build
	f    *os.File
	info fs.FileInfo
}

// OpenSnapshot opens every file of dir's current build. An ingest that
// commits twice while it does so may remove the build: then it starts
// over with the new current one.
func OpenSnapshot(dir string) (*Snapshot, error) {
	for {
		name, err := current(dir)
		if err != nil {
			return nil, err
		}
		s, err := openSnapshot(filepath.Join(dir, name))
		if err == nil {
			return s, nil
		}
		if again, _ := current(dir); errors.Is(err, fs.ErrNotExist) && again != name {
			continue // removed by the commits that moved CURRENT on
		}
		return nil, fmt.Errorf("snapshot %s: %w", dir, err)
	}
}

func openSnapshot(build string) (*Snapshot, error) {
	m, err := readManifest(build)
	if err != nil {
		return nil, err
	}
	s := &Snapshot{name: filepath.Base(build)}
	if m != nil {
		s.m, s.version = m, m.version()
	} else {
		s.version = legacyVersion(s.name, readReport(build))
	}
	err = filepath.WalkDir(build, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, err := filepath.Rel(build, p)
		if err != nil {
			return err
		}
		f, err := os.Open(p)
		if err != nil {
			return err
		}
		fi, err := f.Stat()
		if err != nil {
			f.Close()
			return err
		}
		s.files = append(s.files, snapshotFile{rel: filepath.ToSlash(rel), f: f, info: fi})
		return nil
	})
	if err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

// Version says which build the snapshot holds.
func (s *Snapshot) Version() Version { return s.version }

// WriteTo writes the snapshot as a gzipped tar, checking each file
// against the build's manifest as it goes: a damaged build is an error
// (a *DamagedError), never an archive that would restore it. It returns
// the bytes written to w.
func (s *Snapshot) WriteTo(w io.Writer) (int64, error) {
	cw := &countingWriter{w: w}
	zw := gzip.NewWriter(cw)
	tw := tar.NewWriter(zw)
	for _, sf := range s.files {
		hdr := &tar.Header{Typeflag: tar.TypeReg, Name: path.Join(s.name, sf.rel), Size: sf.info.Size(),
			Mode: 0o644, ModTime: sf.info.ModTime()}
		if err := tw.WriteHeader(hdr); err != nil {
			return cw.n, err
		}
		sum := newSummer(false)
		n, err := io.Copy(io.MultiWriter(tw, sum), io.NewSectionReader(sf.f, 0, hdr.Size))
		if err != nil {
			return cw.n, fmt.Errorf("snapshot %s: %w", sf.rel, err)
		}
		if n != hdr.Size {
			return cw.n, damaged(s.name, sf.rel, "%d bytes read of %d", n, hdr.Size)
		}
		if s.m != nil && sf.rel != manifestFile {
			if want := s.m.file(sf.rel); want.Path != "" {
				if d := compareSum(s.name, sf.rel, sum.sum(), want); d != nil {
					return cw.n, d
				}
			}
		}
	}
	if err := errors.Join(tw.Close(), zw.Close()); err != nil {
		return cw.n, err
	}
	return cw.n, nil
}

// Close releases the snapshot's files.
func (s *Snapshot) Close() error {
	var errs []error
	for _, sf := range s.files {
		errs = append(errs, sf.f.Close())
	}
	s.files = nil
	return errors.Join(errs...)
}

type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

// Restore makes a snapshot (what Snapshot.WriteTo wrote) the current
// build of dir, creating dir if need be. Under the lock ingests take, it
// unpacks the snapshot as a new build beside the others, renames it in
// its manifest, opens it as a server would (every file against the
// manifest, every place), and makes it current by the same atomic
// rename of CURRENT as an ingest's commit. The build it replaces stays
// beside it as the previous one, to fall back on. A snapshot that does
// not unpack or does not open changes nothing.
func Restore(dir string, r io.Reader) (Version, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return Version{}, fmt.Errorf("index directory: %w", err)
	}
	lock, err := lockDir(dir)
	if err != nil {
		return Version{}, err
	}
	defer lock.Close()
	cleanStale(dir)
	name := buildPrefix + time.Now().UTC().Format("20060102T150405.000000000")
	build := filepath.Join(dir, name)
	v, err := restoreBuild(dir, build, r)
	if err != nil {
		os.RemoveAll(build)
		return Version{}, fmt.Errorf("restore: %w", err)
	}
	if err := writeAtomic(filepath.Join(dir, currentFile), []byte(name+"\n")); err != nil {
		os.RemoveAll(build)
		return Version{}, fmt.Errorf("restore: %w", err)
	}
	if rep := readReport(build); rep != nil {
		writeReports(dir, rep)
	}
	removeOldBuilds(dir, name)
	return v, nil
}

// restoreBuild unpacks a snapshot into build and checks it opens.
func restoreBuild(dir, build string, r io.Reader) (Version, error) {
	if err := unpack(build, r); err != nil {
		return Version{}, err
	}
	if err := renameManifest(build); err != nil {
		return Version{}, err
	}
	c, err := openBuild(dir, filepath.Base(build), nil)
	if err != nil {
		return Version{}, err
	}
	v := c.Version()
	return v, c.Close()
}

// keepFree is the disk space a restore leaves free whatever the snapshot
// holds: the server beside it still writes its logs and its reports.
const keepFree = 64 << 20

// freeSpace is freeBytes, replaced in tests.
var freeSpace = freeBytes

// unpack writes the files of a snapshot into build: regular files only,
// all under one build-… directory, none outside it.
func unpack(build string, r io.Reader) error {
	zr, err := gzip.NewReader(r)
	if err != nil {
		return fmt.Errorf("not a snapshot (a gzipped tar): %w", err)
	}
	tr := tar.NewReader(zr)
	top, files := "", 0
	for {
		hdr, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return fmt.Errorf("not a snapshot (a gzipped tar): %w", err)
		}
		if hdr.Typeflag == tar.TypeDir {
			continue
		}
		first, rel, _ := strings.Cut(hdr.Name, "/")
		switch {
		case hdr.Typeflag != tar.TypeReg:
			return fmt.Errorf("snapshot entry %q is not a regular file", hdr.Name)
		case !strings.HasPrefix(first, buildPrefix) || rel == "" || !filepath.IsLocal(filepath.FromSlash(rel)):
			return fmt.Errorf("snapshot entry %q is not a file of a build-… directory", hdr.Name)
		case top != "" && first != top:
			return fmt.Errorf("snapshot holds two builds, %s and %s", top, first)
		}
		top = first
		// What a snapshot says it holds is written whole before the
		// build can be checked: an entry the disk cannot take (a
		// damaged or hostile archive, a tiny stream unpacking to
		// gigabytes) is refused before it fills the disk.
		if free := freeSpace(filepath.Dir(build)); free >= 0 && hdr.Size > free-keepFree {
			return fmt.Errorf("snapshot entry %q holds %d bytes; the disk of %s has %d free, and %d must stay free", hdr.Name, hdr.Size, filepath.Dir(build), free, int64(keepFree))
		}
		if err := writeFile(filepath.Join(build, filepath.FromSlash(rel)), tr); err != nil {
			return err
		}
		files++
	}
	if files == 0 {
		return errors.New("the snapshot holds no build")
	}
	return zr.Close()
}

func writeFile(name string, r io.Reader) error {
	if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
		return err
	}
	f, err := os.OpenFile(name, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o644)
	if err != nil {
		return err
	}
	_, err = io.Copy(f, r)
	return errors.Join(err, f.Sync(), f.Close())
}

// renameManifest makes a restored build's manifest name its new
// directory, as Open requires; the manifest lists every file but itself,
// so nothing else changes. A build from before manifests has none.
func renameManifest(build string) error {
	b, err := os.ReadFile(filepath.Join(build, manifestFile))
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	var m manifest
	if err := json.Unmarshal(b, &m); err != nil {
		return damaged(build, manifestFile, "does not parse: %v", err)
	}
	m.Build = filepath.Base(build)
	out, err := json.MarshalIndent(&m, "", "  ")
	if err != nil {
		return err
	}
	return writeAtomic(filepath.Join(build, manifestFile), append(out, '\n'))
}

// Current calls fn with each place of the build this one replaces: the
// directory's current build, read under the lock NewBuilder took, so no
// other ingest changes it meanwhile. Places come in file order; of two
// with the same ID, the later is the place. A directory without a build
// yet has none.
func (b *Builder) Current(fn func(ingest.Place) error) error {
	if _, err := os.Stat(filepath.Join(b.dir, currentFile)); errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	name, err := current(b.dir)
	if err != nil {
		return err
	}
	f, err := os.Open(filepath.Join(b.dir, name, placesFile))
	if err != nil {
		return fmt.Errorf("current places: %w", err)
	}
	defer f.Close()
	_, err = scanPlaces(f, io.Discard, func(_ int, p *ingest.Place, invalid error) error {
		if invalid != nil {
			return invalid
		}
		return fn(*p)
	})
	if err != nil {
		return fmt.Errorf("current places of %s: %w", name, err)
	}
	return nil
}
