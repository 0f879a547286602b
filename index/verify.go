package index

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/tierslieux/tierslieux/index/text"
	"github.com/tierslieux/tierslieux/ingest"
)

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
	} else if m.file(imageFile).Path != "" {
		verifyImage(build, ids, &r)
	}
	if textSound {
		verifyText(ctx, build, m, ids, &r)
	}
	return r
}

// placeWords is what Verify looks a place up by in the text index, and
// the hash of the whole place, to compare with the image.
type placeWords struct {
	id, name, commune string
	sum               uint64
}

// placeSum hashes a place's JSON encoding.
func placeSum(p *ingest.Place) uint64 {
	h := fnv.New64a()
	json.NewEncoder(h).Encode(p)
	return h.Sum64()
}

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
		w := placeWords{p.ID, p.Name, p.Commune, placeSum(p)}
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

// verifyImage checks that the image holds the places of places.jsonl,
// each as it is there: what Open serves is what the file says.
func verifyImage(build string, places []placeWords, r *BuildReport) {
	im, err := readImage(filepath.Join(build, imageFile))
	if err != nil {
		r.Damage = append(r.Damage, damaged(build, imageFile, "%v", err))
		return
	}
	st := im.st
	if im.namesFoldedNow {
		text, names := buildNames(st)
		if !bytes.Equal(text, im.nameText) || !slices.Equal(names, im.names) {
			r.Damage = append(r.Damage, damaged(build, imageFile, "its name index is not its places' names"))
		}
	}
	if byName, byID := buildOrders(st); !slices.Equal(byName, im.byName) || !slices.Equal(byID, im.byID) {
		r.Damage = append(r.Damage, damaged(build, imageFile, "its orders are not its places'"))
	}
	want := make(map[string]uint64, len(places))
	for _, p := range places {
		want[p.id] = p.sum
	}
	var p ingest.Place
	differ := 0
	for o := range st.len() {
		st.decode(uint32(o), &p)
		sum, ok := want[p.ID]
		switch {
		case !ok:
			differ++
			if differ <= maxListed {
				r.Damage = append(r.Damage, damaged(build, imageFile, "holds place %q, which %s does not", p.ID, placesFile))
			}
		case sum != placeSum(&p):
			differ++
			if differ <= maxListed {
				r.Damage = append(r.Damage, damaged(build, imageFile, "place %q differs from %s", p.ID, placesFile))
			}
		}
		delete(want, p.ID)
	}
	if differ > maxListed {
		r.Damage = append(r.Damage, damaged(build, imageFile, "and %d more places differ", differ-maxListed))
	}
	if len(want) > 0 {
		r.Damage = append(r.Damage, damaged(build, imageFile, "lacks %s of %s", plural(len(want), "place"), placesFile))
	}
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
