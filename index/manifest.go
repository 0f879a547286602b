package index

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"hash/crc32"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/tierslieux/tierslieux/ingest"
)

// Every build ends with a manifest, written after everything else and
// before CURRENT names the build:
//
//	{
//	  "format": 1,
//	  "build": "build-20260101T120000.000000000",
//	  "built_at": "2026-01-01T12:03:04.5Z",
//	  "sources": [{"name": "lieux.csv", "size": 123456}],
//	  "records": 100000,      lines of places.jsonl
//	  "places": 100000,       distinct IDs: what the catalog holds
//	  "text_docs": 100000,    documents of the text index
//	  "files": [{"path": "places.jsonl", "size": 61234567,
//	             "crc32c": "1a2b3c4d", "sha256": "…"}, …]
//	}
//
// Files lists every file of the build but the manifest, paths relative
// to the build with slashes, in path order. Open checks each one's size
// and CRC-32C (Castagnoli: the hardware instruction hashes at several
// GB/s, so checking costs little next to decoding the places) and the
// counts; Verify also checks the SHA-256s, which catch what a CRC could
// miss (a deliberate edit) at a cost only an offline check should pay.
const (
	manifestFile   = "MANIFEST.json"
	manifestFormat = 1
)

type manifest struct {
	Format   int       `json:"format"`
	Build    string    `json:"build"`
	BuiltAt  time.Time `json:"built_at"`
	Sources  []Source  `json:"sources"`
	Records  int       `json:"records"`
	Places   int       `json:"places"`
	TextDocs uint64    `json:"text_docs"`
	Files    []fileSum `json:"files"`
}

type fileSum struct {
	Path   string `json:"path"`
	Size   int64  `json:"size"`
	CRC32C string `json:"crc32c"`
	SHA256 string `json:"sha256"`
}

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// Source is an input file of a build: its name as given to ingest and
// its size in bytes, -1 when unknown.
type Source struct {
	Name string `json:"name"`
	Size int64  `json:"size"`
}

// StatSources returns names as the sources of a build, with their sizes
// as fsys reports them (-1 for a file it cannot stat). Builder.Sources
// takes the result.
func StatSources(fsys fs.FS, names []string) []Source {
	out := make([]Source, len(names))
	for i, name := range names {
		out[i] = Source{Name: name, Size: -1}
		if fi, err := fs.Stat(fsys, name); err == nil && fi.Mode().IsRegular() {
			out[i].Size = fi.Size()
		}
	}
	return out
}

// Version says which data a catalog holds and how it was opened: for
// logs, /healthz and /readyz.
type Version struct {
	// ID names the data. For an index directory it is the build's name
	// (build-20260101T120000.000000000); for a catalog built in memory
	// (Load, NewMem) it is "mem-" and the first 12 hex digits of the
	// SHA-256 of its places as places.jsonl would hold them, so the same
	// data has the same ID in every process.
	ID string `json:"id"`
	// BuiltAt is when the build was committed (from its manifest, or from
	// its name for a build without one); zero in memory.
	BuiltAt time.Time `json:"built_at,omitzero"`
	// Places is the number of places.
	Places int `json:"places"`
	// Sources are the files the data was read from, when known.
	Sources []Source `json:"sources,omitempty"`
	// Unverified is set for a build written before manifests: Open
	// checked its places and counts but could not check its files'
	// sizes and checksums.
	Unverified bool `json:"unverified,omitempty"`
	// Fallback is set when the current build is damaged and Open serves
	// the previous one (this version) instead: it says what is damaged.
	Fallback *DamagedError `json:"fallback,omitempty"`
	// Warnings are what whoever opened the catalog should log: a build
	// without a manifest, a fallback. Empty when the current build opened
	// sound.
	Warnings []string `json:"warnings,omitempty"`
}

// Version says which data the catalog holds. It is cheap but for the
// first call on a catalog built in memory, which hashes the places.
func (c *Catalog) Version() Version {
	c.versionMu.Lock()
	if c.version == nil {
		v := memVersion(c)
		c.version = &v
	}
	v := *c.version
	c.versionMu.Unlock()
	v.Sources = slices.Clone(v.Sources)
	v.Warnings = slices.Clone(v.Warnings)
	return v
}

// setVersion records c's version.
func setVersion(c *Catalog, v Version) {
	c.versionMu.Lock()
	defer c.versionMu.Unlock()
	c.version = &v
}

func memVersion(c *Catalog) Version {
	h := sha256.New()
	enc := json.NewEncoder(h)
	var p ingest.Place
	for i := range c.Len() {
		c.places.decode(uint32(i), &p)
		enc.Encode(&p)
	}
	v := Version{ID: "mem-" + hex.EncodeToString(h.Sum(nil))[:12], Places: c.Len()}
	v.Sources = reportSources(c.Report)
	return v
}

// reportSources names the files of an ingest report, sizes unknown.
func reportSources(rep *ingest.Report) []Source {
	if rep == nil {
		return nil
	}
	var out []Source
	for _, f := range rep.Files {
		out = append(out, Source{Name: f.File, Size: -1})
	}
	return out
}

// DamagedError says that a build of an index directory is damaged: a
// file is missing, or differs from what its manifest records, or holds
// what no ingest writes. Open returns one when it refuses a build, so a
// caller can tell damage (restore or ingest again) from an index
// directory that is absent or unreadable (errors.As).
type DamagedError struct {
	// Build is the build's directory (DIR/build-…).
	Build string `json:"build"`
	// File is the file at fault, relative to the build, with slashes; ""
	// for the build as a whole.
	File string `json:"file,omitempty"`
	// Problem says what is wrong.
	Problem string `json:"problem"`
	// Fallback, set by Open when it refuses the current build, says why
	// no other build serves instead: there is none, or it is damaged too.
	Fallback error `json:"-"`
}

func (e *DamagedError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "damaged build %s: ", e.Build)
	if e.File != "" {
		fmt.Fprintf(&b, "%s: ", e.File)
	}
	b.WriteString(e.Problem)
	if e.Fallback != nil {
		fmt.Fprintf(&b, "; %v", e.Fallback)
	}
	return b.String()
}

func damaged(build, file, format string, args ...any) *DamagedError {
	return &DamagedError{Build: build, File: file, Problem: fmt.Sprintf(format, args...)}
}

// writeManifest sums every file of the build and writes the manifest.
func writeManifest(build string, m *manifest) error {
	err := filepath.WalkDir(build, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, err := filepath.Rel(build, path)
		if err != nil {
			return err
		}
		if rel == manifestFile {
			return nil
		}
		s, err := sumFile(path, true)
		if err != nil {
			return err
		}
		s.Path = filepath.ToSlash(rel)
		m.Files = append(m.Files, s)
		return nil
	})
	if err != nil {
		return fmt.Errorf("manifest: %w", err)
	}
	slices.SortFunc(m.Files, func(a, b fileSum) int { return strings.Compare(a.Path, b.Path) })
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return err
	}
	return writeAtomic(filepath.Join(build, manifestFile), append(b, '\n'))
}

// summer hashes what is written to it: CRC-32C always, SHA-256 when
// full.
type summer struct {
	n   int64
	crc uint32
	sha hash.Hash
}

func newSummer(full bool) *summer {
	s := &summer{}
	if full {
		s.sha = sha256.New()
	}
	return s
}

func (s *summer) Write(p []byte) (int, error) {
	s.n += int64(len(p))
	s.crc = crc32.Update(s.crc, castagnoli, p)
	if s.sha != nil {
		s.sha.Write(p)
	}
	return len(p), nil
}

func (s *summer) sum() fileSum {
	f := fileSum{Size: s.n, CRC32C: fmt.Sprintf("%08x", s.crc)}
	if s.sha != nil {
		f.SHA256 = hex.EncodeToString(s.sha.Sum(nil))
	}
	return f
}

func sumFile(path string, full bool) (fileSum, error) {
	f, err := os.Open(path)
	if err != nil {
		return fileSum{}, err
	}
	defer f.Close()
	s := newSummer(full)
	if _, err := io.CopyBuffer(s, f, make([]byte, 1<<20)); err != nil {
		return fileSum{}, err
	}
	return s.sum(), nil
}

// readManifest reads a build's manifest: nil, nil when it has none (a
// build from before manifests), a *DamagedError when it does not parse
// or does not describe a build.
func readManifest(build string) (*manifest, error) {
	b, err := os.ReadFile(filepath.Join(build, manifestFile))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var m manifest
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, damaged(build, manifestFile, "does not parse: %v", err)
	}
	switch {
	case m.Format == 0:
		return nil, damaged(build, manifestFile, "has no format version: not a manifest")
	case m.Format > manifestFormat:
		return nil, fmt.Errorf("%s: format %d, written by a newer tierslieux (this one reads %d): upgrade it", filepath.Join(build, manifestFile), m.Format, manifestFormat)
	case m.Build != filepath.Base(build):
		return nil, damaged(build, manifestFile, "describes %q, not this build", m.Build)
	case m.Records < m.Places || uint64(m.Places) != m.TextDocs:
		return nil, damaged(build, manifestFile, "counts do not agree: %d records, %d places, %d text documents", m.Records, m.Places, m.TextDocs)
	}
	seen := map[string]bool{}
	for _, f := range m.Files {
		if !filepath.IsLocal(filepath.FromSlash(f.Path)) || f.Path == manifestFile || seen[f.Path] || f.Size < 0 {
			return nil, damaged(build, manifestFile, "lists %q (size %d): not a file of the build", f.Path, f.Size)
		}
		seen[f.Path] = true
	}
	if !seen[placesFile] {
		return nil, damaged(build, manifestFile, "does not list %s", placesFile)
	}
	if !slices.ContainsFunc(m.Files, func(f fileSum) bool { return strings.HasPrefix(f.Path, textDir+"/") }) {
		return nil, damaged(build, manifestFile, "lists no file of the text index (%s/)", textDir)
	}
	return &m, nil
}

func (m *manifest) file(path string) fileSum {
	for _, f := range m.Files {
		if f.Path == path {
			return f
		}
	}
	return fileSum{}
}

func (m *manifest) version() Version {
	return Version{ID: m.Build, BuiltAt: m.BuiltAt, Places: m.Places, Sources: slices.Clone(m.Sources)}
}

// checkFiles checks the files the manifest lists, but skip (checked by
// whoever reads it): that each exists with its size and CRC-32C, and its
// SHA-256 when full. It returns every difference, in path order.
func checkFiles(build string, m *manifest, skip string, full bool) ([]*DamagedError, error) {
	var out []*DamagedError
	for _, want := range m.Files {
		if want.Path == skip {
			continue
		}
		got, err := sumFile(filepath.Join(build, filepath.FromSlash(want.Path)), full)
		switch {
		case errors.Is(err, fs.ErrNotExist):
			out = append(out, damaged(build, want.Path, "is missing (the manifest lists %d bytes)", want.Size))
			continue
		case err != nil:
			return out, err
		}
		if d := compareSum(build, want.Path, got, want); d != nil {
			out = append(out, d)
		}
	}
	return out, nil
}

// compareSum says how a file differs from the manifest, nil when it does
// not. SHA-256 is compared only when got has one.
func compareSum(build, path string, got, want fileSum) *DamagedError {
	switch {
	case got.Size != want.Size:
		how := "cut short or emptied"
		if got.Size > want.Size {
			how = "grown"
		}
		return damaged(build, path, "%d bytes, the manifest says %d (%s)", got.Size, want.Size, how)
	case got.CRC32C != want.CRC32C:
		return damaged(build, path, "contents changed: CRC-32C %s, the manifest says %s", got.CRC32C, want.CRC32C)
	case got.SHA256 != "" && got.SHA256 != want.SHA256:
		return damaged(build, path, "contents changed: SHA-256 %s, the manifest says %s", got.SHA256, want.SHA256)
	}
	return nil
}

// unlisted returns the files of a build its manifest does not list.
func unlisted(build string, m *manifest) []string {
	listed := map[string]bool{manifestFile: true}
	for _, f := range m.Files {
		listed[f.Path] = true
	}
	var out []string
	filepath.WalkDir(build, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return nil
		}
		if rel, err := filepath.Rel(build, path); err == nil && !listed[filepath.ToSlash(rel)] {
			out = append(out, filepath.ToSlash(rel))
		}
		return nil
	})
	return out
}

// legacyVersion is the version of a build without a manifest.
func legacyVersion(name string, rep *ingest.Report) Version {
	v := Version{ID: name, Sources: reportSources(rep), Unverified: true}
	v.BuiltAt, _ = time.Parse("20060102T150405.000000000", strings.TrimPrefix(name, buildPrefix))
	return v
}
