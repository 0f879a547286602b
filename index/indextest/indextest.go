// Package indextest builds the catalogs the project's tests search: the
// embedded demo data, and synthetic places in an index directory, each
// built once per test binary and shared read-only. Only tests import it.
package indextest

import (
	"context"
	"fmt"
	"os"
	"runtime/debug"
	"sync"
	"testing"

	"github.com/tierslieux/tierslieux/data"
	"github.com/tierslieux/tierslieux/geo"
	"github.com/tierslieux/tierslieux/geo/gazetteer"
	"github.com/tierslieux/tierslieux/index"
	"github.com/tierslieux/tierslieux/ingest"
	"github.com/tierslieux/tierslieux/ingest/synth"
)

// DemoPlaces is the number of places in the embedded demo data.
const DemoPlaces = 111

var gazetteerOnce = sync.OnceValues(func() (*gazetteer.Gazetteer, error) {
	return gazetteer.LoadFS(data.FS, data.Gazetteer)
})

// Gazetteer returns the embedded gazetteer, loaded once.
func Gazetteer(tb testing.TB) *gazetteer.Gazetteer {
	tb.Helper()
	g, err := gazetteerOnce()
	if err != nil {
		tb.Fatalf("gazetteer: %v", err)
	}
	return g
}

var demo struct {
	once sync.Once
	cat  *index.Catalog
	err  error
}

// Demo returns the catalog of the embedded demo data, built in memory once
// per test binary: it is read-only, so tests share it.
func Demo(tb testing.TB) *index.Catalog {
	tb.Helper()
	g := Gazetteer(tb)
	demo.once.Do(func() {
		demo.cat, demo.err = index.Load(context.Background(), data.FS, []string{data.Places}, g)
	})
	if demo.err != nil {
		tb.Fatalf("demo catalog: %v", demo.err)
	}
	return demo.cat
}

// synthSeed seeds every synthetic catalog, so tests see the same places.
const synthSeed = uint64(20240611)

// RealEvery makes one synthetic place in RealEvery a real one (Demo
// false), so the demo filter has something to tell apart.
const RealEvery = 7

// SynthPlaces returns n synthetic places as the synthetic catalogs hold
// them.
func SynthPlaces(tb testing.TB, n int) []ingest.Place {
	tb.Helper()
	places := synth.New(Gazetteer(tb), synthSeed).Places(n)
	for i := range places {
		if i%RealEvery == 0 {
			places[i].Demo = false
		}
	}
	return places
}

type synthCatalog struct {
	once   sync.Once
	cat    *index.Catalog
	places []ingest.Place
	err    error
}

var (
	synthMu  sync.Mutex
	synthByN = map[int]*synthCatalog{}
	tempDirs []string
)

// Synth returns a catalog of n synthetic places and the places themselves
// as generated (a brute-force oracle reads those, not the catalog), built
// once per size and test binary: written through a Builder into a
// temporary index directory, then opened as a server would. A TestMain
// calls RemoveTemp to remove the directories.
func Synth(tb testing.TB, n int) (*index.Catalog, []ingest.Place) {
	tb.Helper()
	synthMu.Lock()
	sc, ok := synthByN[n]
	if !ok {
		sc = &synthCatalog{}
		synthByN[n] = sc
	}
	synthMu.Unlock()
	sc.once.Do(func() { sc.cat, sc.places, sc.err = buildSynth(tb, n) })
	if sc.err != nil {
		tb.Fatal(sc.err)
	}
	return sc.cat, sc.places
}

func buildSynth(tb testing.TB, n int) (*index.Catalog, []ingest.Place, error) {
	places := SynthPlaces(tb, n)
	dir, err := os.MkdirTemp("", fmt.Sprintf("tierslieux-synth-%d-", n))
	if err != nil {
		return nil, nil, err
	}
	synthMu.Lock()
	tempDirs = append(tempDirs, dir)
	synthMu.Unlock()
	cat, err := Build(Gazetteer(tb), dir, places)
	return cat, places, err
}

// Build writes places into an index directory through a Builder, as an
// ingest would, and opens it as a server would. The caller closes it.
func Build(g *gazetteer.Gazetteer, dir string, places []ingest.Place) (*index.Catalog, error) {
	b, err := index.NewBuilder(dir, g)
	if err != nil {
		return nil, err
	}
	for _, p := range places {
		if err := b.Add(p); err != nil {
			b.Abort()
			return nil, err
		}
	}
	if err := b.Commit(nil); err != nil {
		return nil, err
	}
	cat, err := index.Open(dir, g)
	if err != nil {
		return nil, err
	}
	if cat.Len() != len(places) {
		cat.Close()
		return nil, fmt.Errorf("catalog holds %d places, want %d", cat.Len(), len(places))
	}
	return cat, nil
}

// RemoveTemp removes the index directories Synth made.
func RemoveTemp() {
	synthMu.Lock()
	defer synthMu.Unlock()
	for _, d := range tempDirs {
		os.RemoveAll(d)
	}
	tempDirs = nil
}

// Searcher runs queries: an *index.Engine, or a test's wrapper of one.
type Searcher interface {
	Search(context.Context, index.Query) (*index.Result, error)
}

// Search runs q and fails the test on error. A panic in the engine fails
// the test rather than the whole test binary.
func Search(tb testing.TB, e Searcher, q index.Query) (res *index.Result) {
	tb.Helper()
	defer func() {
		if r := recover(); r != nil {
			stack := debug.Stack()
			tb.Fatalf("Search(%s) panics: %v\n%s", q.String(), r, stack[:min(len(stack), 1500)])
		}
	}()
	res, err := e.Search(context.Background(), q)
	if err != nil {
		tb.Fatalf("Search(%s): %v", q.String(), err)
	}
	return res
}

// SearchAll pages through every result of q, MaxLimit at a time, and
// returns the hits in order with the total the first page reported.
func SearchAll(tb testing.TB, e Searcher, q index.Query) ([]index.Hit, int) {
	tb.Helper()
	q.Limit, q.Offset = index.MaxLimit, 0
	var all []index.Hit
	total := -1
	for {
		res := Search(tb, e, q)
		if total < 0 {
			total = res.Total
		} else if res.Total != total {
			tb.Fatalf("%s: total %d at offset %d, %d on the first page", q.String(), res.Total, q.Offset, total)
		}
		all = append(all, res.Hits...)
		q.Offset += q.Limit
		if len(res.Hits) < q.Limit || q.Offset >= total || q.Offset > index.MaxOffset {
			break
		}
	}
	return all, total
}

// HitIDs lists the place IDs of hits, in order.
func HitIDs(hits []index.Hit) []string {
	ids := make([]string, len(hits))
	for i, h := range hits {
		ids[i] = h.Place.ID
	}
	return ids
}

// InsidePolygon is a brute-force oracle for polygon tests: the even-odd
// rule on the outer ring, holes excluded, with no tolerance.
func InsidePolygon(p geo.Polygon, lon, lat float64) bool {
	if len(p) == 0 || !insideRing(p[0], lon, lat) {
		return false
	}
	for _, hole := range p[1:] {
		if insideRing(hole, lon, lat) {
			return false
		}
	}
	return true
}

func insideRing(ring [][2]float64, lon, lat float64) bool {
	in := false
	for i, j := 0, len(ring)-1; i < len(ring); j, i = i, i+1 {
		a, b := ring[i], ring[j]
		if (a[1] > lat) != (b[1] > lat) && lon < (b[0]-a[0])*(lat-a[1])/(b[1]-a[1])+a[0] {
			in = !in
		}
	}
	return in
}
