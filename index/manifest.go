package index

import (
	"bufio"
	"context"
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

	"github.com/tierslieux/tierslieux/index/text"
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
	for i := range c.Places {
		enc.Encode(&c.Places[i])
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

// scanPlaces decodes a places file, one place a line, and passes each
// to fn with the first reason it is invalid (nil when valid); an error
// from fn stops the scan, as does one from decoding. It returns the
// number of places decoded. Everything read goes through sum, and after
// a stop the rest of the file too, so its size and checksums can still
// be compared.
func scanPlaces(r io.Reader, sum io.Writer, fn func(n int, p *ingest.Place, invalid error) error) (int, error) {
	tee := io.TeeReader(r, sum)
	dec := json.NewDecoder(bufio.NewReaderSize(tee, 1<<20))
	n := 0
	for {
		var p ingest.Place
		err := dec.Decode(&p)
		if err == io.EOF {
			return n, nil
		}
		if err != nil {
			io.Copy(io.Discard, tee)
			return n, fmt.Errorf("place %d: %w", n+1, err)
		}
		n++
		// What ingest wrote holds the invariants of a place; anything else
		// is a damaged file, not data to serve.
		var invalid error
		if errs := p.Validate(); len(errs) > 0 {
			invalid = fmt.Errorf("place %d (%q): %w", n, p.ID, errs[0])
		}
		if err := fn(n, &p, invalid); err != nil {
			io.Copy(io.Discard, tee)
			return n, err
		}
	}
}

// VerifyReport is what Verify found in an index directory.
type VerifyReport struct {
	Dir string
	// Builds are the current build, then the previous one kept beside it
	// (what Open falls back on), when there is one.
	Builds []BuildReport
	// Leftovers are the other builds of the directory: ingests that never
	// committed, or older builds. The next ingest removes them; nothing
	// serves them.
	Leftovers []string
}

// OK reports whether the current build is sound.
func (r *VerifyReport) OK() bool {
	return len(r.Builds) > 0 && r.Builds[0].Current && r.Builds[0].OK()
}

// BuildReport is the check of one build.
type BuildReport struct {
	Name    string
	Current bool
	// Version is what the build holds, as far as could be read.
	Version Version
	// Files and Bytes count the files checked against the manifest.
	Files int
	Bytes int64
	// Damage lists every problem found; empty when the build is sound.
	Damage []*DamagedError
	// Notes say what is not damage but worth knowing: no manifest, files
	// the manifest does not list, what could not be checked.
	Notes []string
}

// OK reports whether the build is sound.
func (r *BuildReport) OK() bool { return len(r.Damage) == 0 }

// maxListed is how many invalid places or missing IDs a report lists
// before it only counts them.
const maxListed = 5

// Verify checks an index directory offline, more thoroughly than Open:
// the current build and the previous one, each file against its
// manifest by size, CRC-32C and SHA-256, every place decodes and
// validates (all of them, not up to the first bad one), the counts, the
// files the manifest does not list, and that the text index finds every
// place (under a word of its name or commune, see missingPlaces): that
// finds a text index with the right number of documents but not the
// right ones.
//
// The error is for a directory that is not an index directory (no
// CURRENT) or a cancelled ctx; damage is in the report.
func Verify(ctx context.Context, dir string) (*VerifyReport, error) {
	name, err := current(dir)
	if err != nil {
		return nil, err
	}
	r := &VerifyReport{Dir: dir}
	r.Builds = append(r.Builds, verifyBuild(ctx, dir, name, true))
	prev := previousBuild(dir, name)
	if prev != "" {
		r.Builds = append(r.Builds, verifyBuild(ctx, dir, prev, false))
	}
	for _, b := range listBuilds(dir) {
		if b != name && b != prev {
			r.Leftovers = append(r.Leftovers, b)
		}
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return r, nil
}

func verifyBuild(ctx context.Context, dir, name string, cur bool) BuildReport {
	build := filepath.Join(dir, name)
	r := BuildReport{Name: name, Current: cur, Version: Version{ID: name}}
	add := func(d ...*DamagedError) { r.Damage = append(r.Damage, d...) }
	unreadable := func(file string, err error) { add(damaged(build, file, "cannot be read: %v", err)) }
	if fi, err := os.Stat(build); err != nil || !fi.IsDir() {
		if err == nil || errors.Is(err, fs.ErrNotExist) {
			how := "is missing: there is no such directory"
			if cur {
				how = "is missing: " + currentFile + " names it, but there is no such directory"
			}
			add(damaged(build, "", "%s", how))
		} else {
			unreadable("", err)
		}
		return r
	}

	m, err := readManifest(build)
	var dmg *DamagedError
	textSound := true
	switch {
	case errors.As(err, &dmg):
		add(dmg)
		textSound = false
	case err != nil:
		unreadable(manifestFile, err)
		textSound = false
	case m == nil:
		r.Version = legacyVersion(name, readReport(build))
		r.Notes = append(r.Notes, fmt.Sprintf("no %s (written before manifests): sizes and checksums cannot be checked; ingest again to add one", manifestFile))
	default:
		r.Version = m.version()
		ds, err := checkFiles(build, m, placesFile, true)
		add(ds...)
		if err != nil {
			unreadable("", err)
		}
		for _, d := range ds {
			if strings.HasPrefix(d.File, textDir+"/") {
				textSound = false
			}
		}
		r.Files = len(m.Files)
		for _, f := range m.Files {
			r.Bytes += f.Size
		}
		for _, f := range unlisted(build, m) {
			r.Notes = append(r.Notes, f+": not in the manifest (Open does not read it)")
		}
	}
	if !textSound {
		r.Notes = append(r.Notes, "text index not opened: its files or the manifest are damaged")
	}

	ids := verifyPlaces(ctx, build, m, &r)
	if m == nil {
		r.Version.Places = len(ids)
	}
	if textSound {
		verifyText(ctx, build, m, ids, &r)
	}
	return r
}

// placeWords is what Verify looks a place up by in the text index.
type placeWords struct{ id, name, commune string }

// verifyPlaces checks the places file and returns its valid places, one
// per ID (the last, as a catalog keeps), in the order IDs first appear.
func verifyPlaces(ctx context.Context, build string, m *manifest, r *BuildReport) []placeWords {
	f, err := os.Open(filepath.Join(build, placesFile))
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			r.Damage = append(r.Damage, damaged(build, placesFile, "is missing"))
		} else {
			r.Damage = append(r.Damage, damaged(build, placesFile, "cannot be read: %v", err))
		}
		return nil
	}
	defer f.Close()
	var places []placeWords
	seen := map[string]int{}
	invalid := 0
	sum := newSummer(true)
	n, err := scanPlaces(f, sum, func(_ int, p *ingest.Place, bad error) error {
		if bad != nil {
			if invalid++; invalid <= maxListed {
				r.Damage = append(r.Damage, damaged(build, placesFile, "%v", bad))
			}
			return nil
		}
		w := placeWords{p.ID, p.Name, p.Commune}
		if i, ok := seen[p.ID]; ok {
			places[i] = w
		} else {
			seen[p.ID] = len(places)
			places = append(places, w)
		}
		return ctx.Err()
	})
	if err != nil {
		r.Damage = append(r.Damage, damaged(build, placesFile, "%v", err))
	}
	if invalid > maxListed {
		r.Damage = append(r.Damage, damaged(build, placesFile, "and %d more invalid places", invalid-maxListed))
	}
	if m == nil {
		return places
	}
	if n != m.Records {
		r.Damage = append(r.Damage, damaged(build, placesFile, "holds %s where the manifest lists %d", plural(n, "place"), m.Records))
	} else if len(places) != m.Places && invalid == 0 && err == nil {
		r.Damage = append(r.Damage, damaged(build, placesFile, "holds %d distinct IDs where the manifest lists %d places", len(places), m.Places))
	}
	if d := compareSum(build, placesFile, sum.sum(), m.file(placesFile)); d != nil {
		r.Damage = append(r.Damage, d)
	}
	return places
}

// verifyText opens the text index and checks that it holds exactly the
// places: as many documents, and each place found under a word of its
// name or commune, which checks postings as well as IDs.
func verifyText(ctx context.Context, build string, m *manifest, places []placeWords, r *BuildReport) {
	txt, err := text.Open(filepath.Join(build, textDir))
	if err != nil {
		r.Damage = append(r.Damage, damaged(build, textDir+"/", "does not open: %v", err))
		return
	}
	defer txt.Close()
	n, err := txt.Count()
	switch {
	case err != nil:
		r.Damage = append(r.Damage, damaged(build, textDir+"/", "cannot count its documents: %v", err))
		return
	case m != nil && n != m.TextDocs:
		r.Damage = append(r.Damage, damaged(build, textDir+"/", "the text index holds %d documents, the manifest says %d", n, m.TextDocs))
	case n != uint64(len(places)):
		r.Damage = append(r.Damage, damaged(build, textDir+"/", "the text index holds %d documents for %d places", n, len(places)))
	}
	missing, err := missingPlaces(ctx, txt, places)
	if err != nil {
		if ctx.Err() == nil {
			r.Damage = append(r.Damage, damaged(build, textDir+"/", "cannot be searched: %v", err))
		}
		return
	}
	for i, miss := range missing {
		if i == maxListed {
			r.Damage = append(r.Damage, damaged(build, textDir+"/", "and %d more places are not in the text index", len(missing)-maxListed))
			break
		}
		r.Damage = append(r.Damage, damaged(build, textDir+"/", "%s", miss))
	}
}

// The text index's fields Verify looks places up in, and the one in
// which Bleve indexes every document's ID as a term.
const (
	nameField  = "name"
	placeField = "place"
	idField    = "_id"
)

// missingPlaces says which places the text index does not find, and
// under which word it looked. One postings lookup (Text.TermDocs) per
// place would be simple, but each costs about as much as the index is
// large (34 s for 100,000 places, against 3 s for the whole of Verify
// this way): the places are grouped by the word of their name or commune
// that most places share, and each group takes one lookup — one for the
// synthetic places, all "Synthétique …", and far fewer than one a place
// wherever names and communes repeat. A place with no word is looked up
// by ID.
func missingPlaces(ctx context.Context, txt *text.Index, places []placeWords) ([]string, error) {
	type key struct{ field, term string }
	keys := func(p placeWords, fn func(key)) {
		for _, t := range txt.Terms(p.name) {
			fn(key{nameField, t})
		}
		for _, t := range txt.Terms(p.commune) {
			fn(key{placeField, t})
		}
	}
	freq := map[key]int{}
	for _, p := range places {
		keys(p, func(k key) { freq[k]++ })
	}
	groups := map[key][]string{}
	var order []key
	for _, p := range places {
		best, n := key{idField, p.id}, 0
		keys(p, func(k key) {
			if f := freq[k]; f > n || (f == n && (k.field < best.field || k.field == best.field && k.term < best.term)) {
				best, n = k, f
			}
		})
		if _, ok := groups[best]; !ok {
			order = append(order, best)
		}
		groups[best] = append(groups[best], p.id)
	}
	var missing []string
	for _, k := range order {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		found, err := txt.TermDocs(ctx, k.term, k.field)
		if err != nil {
			return nil, err
		}
		in := make(map[string]bool, len(found))
		for _, id := range found {
			in[id] = true
		}
		for _, id := range groups[k] {
			switch {
			case in[id]:
			case k.field == idField:
				missing = append(missing, fmt.Sprintf("place %q is not in the text index", id))
			default:
				missing = append(missing, fmt.Sprintf("place %q is not in the text index (looked up by %q in %s)", id, k.term, k.field))
			}
		}
	}
	return missing, nil
}

// legacyVersion is the version of a build without a manifest.
func legacyVersion(name string, rep *ingest.Report) Version {
	v := Version{ID: name, Sources: reportSources(rep), Unverified: true}
	v.BuiltAt, _ = time.Parse("20060102T150405.000000000", strings.TrimPrefix(name, buildPrefix))
	return v
}
