package index

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
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
//	    places.bin               the same places as the catalog holds them,
//	                             for Open (image.go)
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
	if err == nil {
		err = writeBuildImage(b.build, b.n)
	}
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
