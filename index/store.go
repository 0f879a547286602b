package index

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync/atomic"
	"time"

	"github.com/tierslieux/tierslieux/geo/gazetteer"
	"github.com/tierslieux/tierslieux/index/text"
	"github.com/tierslieux/tierslieux/ingest"
)

// On disk, an index directory holds builds side by side and a CURRENT
// file naming the one in use. A build is complete before CURRENT points
// at it, and CURRENT is replaced by a rename, so a reader sees the old
// build or the new one, never half of one; an ingest that fails or is
// killed leaves CURRENT as it was.
//
//	DIR/CURRENT                  name of the build in use
//	DIR/LOCK                     held by the ingest building, if any
//	DIR/build-YYYYMMDDThhmmss.nnnnnnnnn/
//	    text/                    Bleve index
//	    places.jsonl             one ingest.Place a line: what results show
//	    report.json, report.csv  what the ingest rejected or warned about
//	    MANIFEST.json            counts, sources, every file's size and
//	                             checksums (manifest.go); written last
//	DIR/report.json, report.csv  copies of the current build's report

// CurrentFile is the file of an index directory that names its current
// build: replaced atomically when an ingest commits, so watching it is
// how a server learns of new data.
const CurrentFile = currentFile

const (
	currentFile = "CURRENT"
	buildPrefix = "build-"
	textDir     = "text"
	placesFile  = "places.jsonl"
)

// BatchSize is the number of documents sent to the text index at once.
// Measured on 2 cores: 1,000 to 10,000 index at about the same rate, and
// 2,000 keeps the memory of a batch small.
var BatchSize = 2000

// Builder writes a new build into an index directory. Add places, then
// Commit to swap it in, or Abort to throw it away.
type Builder struct {
	dir, build string
	g          *gazetteer.Gazetteer
	txt        *text.Index
	places     *os.File
	w          *bufio.Writer
	enc        *json.Encoder
	docs       []text.Doc
	batches    chan []text.Doc
	done       chan error
	failed     atomic.Pointer[error]
	n          int
	lock       *os.File // held from NewBuilder to Commit or Abort

	// Sources names the files the build is read from, for its manifest
	// (StatSources gives their sizes). Optional: without it, Commit names
	// the files of the report, sizes unknown.
	Sources []Source
}

// NewBuilder starts a build in dir, creating dir if needed and removing
// builds left by earlier ingests that did not finish.
func NewBuilder(dir string, g *gazetteer.Gazetteer) (*Builder, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("index directory: %w", err)
	}
	lock, err := lockDir(dir)
	if err != nil {
		return nil, err
	}
	b, err := newBuilder(dir, g)
	if err != nil {
		lock.Close()
		return nil, err
	}
	b.lock = lock
	return b, nil
}

func newBuilder(dir string, g *gazetteer.Gazetteer) (*Builder, error) {
	cleanStale(dir)
	name := buildPrefix + time.Now().UTC().Format("20060102T150405.000000000")
	build := filepath.Join(dir, name)
	if err := os.Mkdir(build, 0o755); err != nil {
		return nil, fmt.Errorf("new build: %w", err)
	}
	txt, err := text.New(filepath.Join(build, textDir))
	if err != nil {
		os.RemoveAll(build)
		return nil, err
	}
	f, err := os.Create(filepath.Join(build, placesFile))
	if err != nil {
		txt.Close()
		os.RemoveAll(build)
		return nil, err
	}
	b := &Builder{dir: dir, build: build, g: g, txt: txt, places: f, w: bufio.NewWriterSize(f, 1<<20),
		batches: make(chan []text.Doc, 1), done: make(chan error, 1)}
	b.enc = json.NewEncoder(b.w)
	// Index batches in the background so reading and checking the next
	// records overlaps with Bleve's work.
	go b.indexBatches(b.batches)
	return b, nil
}

// indexBatches runs Bleve batches one after the other: Bleve already
// analyses a batch's documents on every core, and two batches in flight
// measured slower on two cores.
func (b *Builder) indexBatches(batches <-chan []text.Doc) {
	for docs := range batches {
		if err := b.txt.Add(docs); err != nil {
			// Say so at once (flush sees it), then drain what was queued.
			b.failed.Store(&err)
			for range batches {
			}
			b.done <- err
			return
		}
	}
	b.done <- nil
}

// Add appends a place to the build. A later place with the same ID
// replaces the earlier one.
func (b *Builder) Add(p ingest.Place) error {
	if err := b.enc.Encode(&p); err != nil {
		return fmt.Errorf("write place %s: %w", p.ID, err)
	}
	b.docs = append(b.docs, Doc(b.g, &p))
	b.n++
	if len(b.docs) >= BatchSize {
		return b.flush()
	}
	return nil
}

func (b *Builder) flush() error {
	if len(b.docs) == 0 {
		return nil
	}
	if err := b.failed.Load(); err != nil {
		// The indexer failed: stop reading the input now.
		return *err
	}
	b.batches <- b.docs
	b.docs = make([]text.Doc, 0, BatchSize)
	return nil
}

// Commit finishes the build, writes the report beside it and makes it
// current. The previous build is kept until the next commit, so a server
// that still has it open keeps working.
func (b *Builder) Commit(rep *ingest.Report) error {
	if err := b.flush(); err != nil {
		b.Abort()
		return err
	}
	close(b.batches)
	b.batches = nil
	if err := <-b.done; err != nil {
		b.Abort()
		return err
	}
	docs, err := b.txt.Count()
	err = errors.Join(err, b.txt.Close(), b.w.Flush(), b.places.Sync(), b.places.Close())
	b.txt = nil
	if err == nil && rep != nil {
		err = writeReports(b.build, rep)
	}
	if err == nil {
		// Last, so a build with a manifest is complete.
		m := &manifest{Format: manifestFormat, Build: filepath.Base(b.build), BuiltAt: time.Now().UTC(),
			Sources: b.Sources, Records: b.n, Places: int(docs), TextDocs: docs}
		if m.Sources == nil {
			m.Sources = reportSources(rep)
		}
		err = writeManifest(b.build, m)
	}
	if err == nil {
		err = writeAtomic(filepath.Join(b.dir, currentFile), []byte(filepath.Base(b.build)+"\n"))
	}
	if err != nil {
		os.RemoveAll(b.build)
		b.unlock()
		return fmt.Errorf("commit build: %w", err)
	}
	if rep != nil {
		// Copies next to the index, where people look; the build keeps its own.
		writeReports(b.dir, rep)
	}
	removeOldBuilds(b.dir, filepath.Base(b.build))
	b.unlock()
	return nil
}

func (b *Builder) unlock() {
	if b.lock != nil {
		b.lock.Close()
		b.lock = nil
	}
}

// Abort discards the build; the current one is untouched.
func (b *Builder) Abort() {
	if b.batches != nil {
		close(b.batches)
		<-b.done
		b.batches = nil
	}
	if b.txt != nil {
		b.txt.Close()
		b.txt = nil
	}
	b.places.Close()
	os.RemoveAll(b.build)
	b.unlock()
}

func writeReports(dir string, rep *ingest.Report) error {
	var j, c strings.Builder
	if err := rep.WriteJSON(&j); err != nil {
		return err
	}
	if err := rep.WriteCSV(&c); err != nil {
		return err
	}
	return errors.Join(
		writeAtomic(filepath.Join(dir, "report.json"), []byte(j.String())),
		writeAtomic(filepath.Join(dir, "report.csv"), []byte(c.String())))
}

// writeAtomic writes a file through a temporary one and a rename.
func writeAtomic(path string, data []byte) error {
	tmp := path + ".tmp"
	f, err := os.Create(tmp)
	if err != nil {
		return err
	}
	_, err = f.Write(data)
	err = errors.Join(err, f.Sync(), f.Close())
	if err != nil {
		os.Remove(tmp)
		return err
	}
	return os.Rename(tmp, path)
}

func current(dir string) (string, error) {
	b, err := os.ReadFile(filepath.Join(dir, currentFile))
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return "", fmt.Errorf("%s is not an index directory (no %s): run `tierslieux ingest -index %s FILE...` first", dir, currentFile, dir)
		}
		return "", err
	}
	name := strings.TrimSpace(string(b))
	if !strings.HasPrefix(name, buildPrefix) || strings.ContainsAny(name, `/\`) {
		return "", fmt.Errorf("%s: %s names %q, not a build", dir, currentFile, name)
	}
	return name, nil
}

// cleanStale removes builds that are neither current nor the one before:
// leftovers of ingests that failed or were killed.
func cleanStale(dir string) {
	cur, _ := current(dir)
	removeOldBuilds(dir, cur)
}

// removeOldBuilds keeps the build named keep and the newest one before
// it, and removes the others.
func removeOldBuilds(dir, keep string) {
	builds := listBuilds(dir)
	prev := ""
	for _, b := range builds {
		if b < keep {
			prev = b
		}
	}
	for _, b := range builds {
		if b != keep && b != prev {
			os.RemoveAll(filepath.Join(dir, b))
		}
	}
}

func listBuilds(dir string) []string {
	ents, _ := os.ReadDir(dir)
	var out []string
	for _, e := range ents {
		if e.IsDir() && strings.HasPrefix(e.Name(), buildPrefix) {
			out = append(out, e.Name())
		}
	}
	sort.Strings(out)
	return out
}

// previousBuild names the build kept beside cur: the newest one before
// it, "" when there is none. Builds after cur are leftovers of ingests
// that never committed, and never served.
func previousBuild(dir, cur string) string {
	prev := ""
	for _, b := range listBuilds(dir) {
		if b < cur {
			prev = b
		}
	}
	return prev
}

// Open opens the current build of an index directory: the text index, and
// the places with their R-tree and bitmaps rebuilt in memory. g names the
// places' départements and régions.
//
// It checks the build before serving it: every file its manifest lists
// is there with its size and CRC-32C, the places decode and validate, and
// their number and the text index's agree with the manifest. A damaged
// build is refused with a *DamagedError naming the file and the problem;
// when the current build is damaged and the previous one (kept beside
// it) is sound, Open serves the previous one instead, and its Version
// says so (Fallback, Warnings). A build written before manifests opens
// with the checks it can have (places, counts) and Version.Unverified.
// Open logs nothing: whoever calls it logs Version().Warnings.
func Open(dir string, g *gazetteer.Gazetteer) (*Catalog, error) {
	name, err := current(dir)
	if err != nil {
		return nil, err
	}
	c, err := openBuild(dir, name, g)
	var dmg *DamagedError
	if err == nil || !errors.As(err, &dmg) {
		return c, err
	}
	prev := previousBuild(dir, name)
	if prev == "" {
		dmg.Fallback = errors.New("no previous build to fall back on: run `tierslieux ingest` again (`tierslieux verify` for a full report)")
		return nil, dmg
	}
	pc, err := openBuild(dir, prev, g)
	if err != nil {
		dmg.Fallback = fmt.Errorf("the previous build cannot serve either: %w", err)
		return nil, dmg
	}
	v := pc.Version()
	v.Fallback = dmg
	v.Warnings = append([]string{fmt.Sprintf("serving the previous build %s, not the current %s: %v", prev, name, dmg)}, v.Warnings...)
	setVersion(pc, v)
	return pc, nil
}

// openBuild opens one build, checked against its manifest when it has
// one.
func openBuild(dir, name string, g *gazetteer.Gazetteer) (*Catalog, error) {
	build := filepath.Join(dir, name)
	if fi, err := os.Stat(build); errors.Is(err, fs.ErrNotExist) || (err == nil && !fi.IsDir()) {
		return nil, damaged(build, "", "is missing: %s names it, but there is no such directory", currentFile)
	} else if err != nil {
		return nil, fmt.Errorf("open catalog: %w", err)
	}
	m, err := readManifest(build)
	if err != nil {
		return nil, err
	}
	if m == nil {
		return openUnverified(build, g)
	}
	// The text index's files first: Bleve trusts what it maps, and a
	// damaged segment would otherwise answer every search with nothing,
	// or crash.
	dmgs, err := checkFiles(build, m, placesFile, false)
	if err != nil {
		return nil, fmt.Errorf("open catalog: %w", err)
	}
	if len(dmgs) > 0 {
		if len(dmgs) > 1 {
			dmgs[0].Problem += fmt.Sprintf(" (and %d more files differ)", len(dmgs)-1)
		}
		return nil, dmgs[0]
	}
	places, err := readPlacesChecked(build, m)
	if err != nil {
		return nil, err
	}
	txt, err := text.Open(filepath.Join(build, textDir))
	if err != nil {
		return nil, damaged(build, textDir+"/", "does not open: %v", err)
	}
	c := newCatalog(places, true, txt, g)
	if n, err := txt.Count(); err != nil || n != m.TextDocs || c.Len() != m.Places {
		c.Close()
		return nil, damaged(build, textDir+"/", "the text index holds %d documents for %d places, the manifest says %d (%v)", n, c.Len(), m.TextDocs, err)
	}
	c.Report = readReport(build)
	setVersion(c, m.version())
	return c, nil
}

// readPlacesChecked reads the places of a build with a manifest: each
// decodes and validates, their number is the manifest's, and the file
// has its size and CRC-32C, all in one pass.
func readPlacesChecked(build string, m *manifest) ([]ingest.Place, error) {
	want := m.file(placesFile)
	data, err := os.ReadFile(filepath.Join(build, placesFile))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, damaged(build, placesFile, "is missing (the manifest lists %d bytes)", want.Size)
	} else if err != nil {
		return nil, fmt.Errorf("open catalog: %w", err)
	}
	places, err := decodePlaces(data, m.Records)
	if err != nil {
		return nil, damaged(build, placesFile, "%v", err)
	}
	if n := len(places); n != m.Records {
		return nil, damaged(build, placesFile, "holds %s where the manifest lists %d (and the text index holds %d documents)", plural(n, "place"), m.Records, m.TextDocs)
	}
	sum := newSummer(false)
	sum.Write(data)
	if d := compareSum(build, placesFile, sum.sum(), want); d != nil {
		return nil, d
	}
	return places, nil
}

// openUnverified opens a build written before manifests, with the checks
// it allows: the places decode and validate, and the text index holds as
// many documents.
func openUnverified(build string, g *gazetteer.Gazetteer) (*Catalog, error) {
	f, err := os.Open(filepath.Join(build, placesFile))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, damaged(build, placesFile, "is missing")
	} else if err != nil {
		return nil, fmt.Errorf("open catalog: %w", err)
	}
	defer f.Close()
	var places []ingest.Place
	_, err = scanPlaces(f, io.Discard, func(_ int, p *ingest.Place, invalid error) error {
		if invalid != nil {
			return invalid
		}
		places = append(places, *p)
		return nil
	})
	if err != nil {
		return nil, damaged(build, placesFile, "%v", err)
	}
	txt, err := text.Open(filepath.Join(build, textDir))
	if err != nil {
		return nil, damaged(build, textDir+"/", "does not open: %v", err)
	}
	c := newCatalog(places, true, txt, g)
	// The text index must hold every place: a missing or damaged segment
	// would otherwise answer every text search with nothing.
	if n, err := txt.Count(); err != nil || n != uint64(c.Len()) {
		c.Close()
		return nil, damaged(build, textDir+"/", "the text index holds %d documents for %d places (%v)", n, c.Len(), err)
	}
	c.Report = readReport(build)
	name := filepath.Base(build)
	v := legacyVersion(name, c.Report)
	v.Places = c.Len()
	v.Warnings = []string{fmt.Sprintf("build %s has no %s (written before manifests): its files' sizes and checksums could not be checked; ingest again to add one", name, manifestFile)}
	setVersion(c, v)
	return c, nil
}

func readReport(build string) *ingest.Report {
	b, err := os.ReadFile(filepath.Join(build, "report.json"))
	if err != nil {
		return nil
	}
	var rep ingest.Report
	if json.Unmarshal(b, &rep) != nil {
		return nil
	}
	return &rep
}

// plural says "1 place", "2 places".
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
