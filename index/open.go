package index

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/tierslieux/tierslieux/geo/gazetteer"
	"github.com/tierslieux/tierslieux/index/text"
	"github.com/tierslieux/tierslieux/ingest"
)

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
	// or crash. places.jsonl is checked as it is decoded.
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
	// With an image, the places are read from it, and places.jsonl is
	// only summed; decoded, to say what is wrong, when it differs.
	var st *placeStore
	var im *image
	if m.file(imageFile).Path != "" {
		if got, err := sumFile(filepath.Join(build, placesFile), false); err != nil || compareSum(build, placesFile, got, m.file(placesFile)) != nil {
			if _, err := readPlacesChecked(build, m); err != nil {
				return nil, err
			}
		}
		if im, err = readImage(filepath.Join(build, imageFile)); err != nil {
			return nil, damaged(build, imageFile, "%v", err)
		}
		st = im.st
	} else {
		places, err := readPlacesChecked(build, m)
		if err != nil {
			return nil, err
		}
		st = storePlaces(places)
	}
	txt, err := text.Open(filepath.Join(build, textDir))
	if err != nil {
		return nil, damaged(build, textDir+"/", "does not open: %v", err)
	}
	c, err := catalogFromStore(st, im, txt, g, true)
	if err != nil {
		txt.Close()
		return nil, damaged(build, imageFile, "%v", err)
	}
	if im != nil && im.namesFoldedNow {
		c.names.once.Do(func() { c.names.set(im.nameText, im.names) })
	}
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
	c, err := newCatalog(places, txt, g)
	if err != nil {
		txt.Close()
		return nil, damaged(build, placesFile, "%v", err)
	}
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
