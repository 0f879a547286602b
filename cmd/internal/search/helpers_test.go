package search_test

import (
	"context"
	"fmt"
	"os"
	"runtime/debug"
	"sync"
	"testing"

	"github.com/tierslieux/tierslieux/cmd/internal/catalog"
	"github.com/tierslieux/tierslieux/cmd/internal/search"
	"github.com/tierslieux/tierslieux/cmd/internal/synth"
	"github.com/tierslieux/tierslieux/geo/gazetteer"
	"github.com/tierslieux/tierslieux/ingest"
)

// tempDirs are the index directories built once per test binary, for
// TestMain to remove.
var (
	tempMu   sync.Mutex
	tempDirs []string
)

func TestMain(m *testing.M) {
	code := m.Run()
	tempMu.Lock()
	for _, d := range tempDirs {
		os.RemoveAll(d)
	}
	tempMu.Unlock()
	os.Exit(code)
}

// MustGazetteer returns the embedded gazetteer (loaded once by package
// gazetteer).
func MustGazetteer(tb testing.TB) *gazetteer.Gazetteer {
	tb.Helper()
	g, err := gazetteer.Default()
	if err != nil {
		tb.Fatal(err)
	}
	return g
}

// MustParser returns a parser over the embedded gazetteer.
func MustParser(tb testing.TB) *search.Parser {
	tb.Helper()
	return &search.Parser{Gazetteer: MustGazetteer(tb)}
}

var demo struct {
	once sync.Once
	e    *search.Engine
	err  error
}

// MustDemoEngine returns an engine over the 111-place demo catalog, built
// once per test binary.
func MustDemoEngine(tb testing.TB) *search.Engine {
	tb.Helper()
	g := MustGazetteer(tb)
	demo.once.Do(func() {
		cat, err := catalog.Embedded(context.Background(), g)
		if err != nil {
			demo.err = err
			return
		}
		demo.e = search.New(cat, g)
	})
	if demo.err != nil {
		tb.Fatal(demo.err)
	}
	return demo.e
}

// synthCatalog is an engine over n synthetic places, and those places as
// generated: the brute-force oracle reads them, not the catalog.
type synthCatalog struct {
	once   sync.Once
	e      *search.Engine
	places []ingest.Place
	err    error
}

var (
	synthMu   sync.Mutex
	synthByN  = map[int]*synthCatalog{}
	synthSeed = uint64(20240611)
)

// realEvery makes one synthetic place in realEvery a real one (Demo
// false), so the demo filter has something to tell apart.
const realEvery = 7

// MustSynthPlaces returns n synthetic places as the synthetic catalogs
// hold them.
func MustSynthPlaces(tb testing.TB, n int) []ingest.Place {
	tb.Helper()
	places := synth.New(MustGazetteer(tb), synthSeed).Places(n)
	for i := range places {
		if i%realEvery == 0 {
			places[i].Demo = false
		}
	}
	return places
}

// MustSynthEngine returns an engine over n synthetic places and the places
// themselves, built once per size and test binary: written through a
// catalog.Builder into a temporary index directory, then opened as a
// server would.
func MustSynthEngine(tb testing.TB, n int) (*search.Engine, []ingest.Place) {
	tb.Helper()
	synthMu.Lock()
	sc, ok := synthByN[n]
	if !ok {
		sc = &synthCatalog{}
		synthByN[n] = sc
	}
	synthMu.Unlock()
	sc.once.Do(func() { sc.e, sc.places, sc.err = buildSynth(tb, n) })
	if sc.err != nil {
		tb.Fatal(sc.err)
	}
	return sc.e, sc.places
}

func buildSynth(tb testing.TB, n int) (*search.Engine, []ingest.Place, error) {
	g := MustGazetteer(tb)
	places := MustSynthPlaces(tb, n)
	dir, err := os.MkdirTemp("", fmt.Sprintf("tierslieux-search-%d-", n))
	if err != nil {
		return nil, nil, err
	}
	tempMu.Lock()
	tempDirs = append(tempDirs, dir)
	tempMu.Unlock()
	b, err := catalog.NewBuilder(dir, g)
	if err != nil {
		return nil, nil, err
	}
	for _, p := range places {
		if err := b.Add(p); err != nil {
			b.Abort()
			return nil, nil, err
		}
	}
	if err := b.Commit(nil); err != nil {
		return nil, nil, err
	}
	cat, err := catalog.Open(dir)
	if err != nil {
		return nil, nil, err
	}
	if len(cat.Places) != n {
		cat.Close()
		return nil, nil, fmt.Errorf("catalog holds %d places, want %d", len(cat.Places), n)
	}
	return search.New(cat, g), places, nil
}

// MustSearch runs q and fails the test on error. A panic in the engine
// fails the test rather than the whole test binary.
func MustSearch(tb testing.TB, e *search.Engine, q search.Query) (res *search.Result) {
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

// MustBuild builds a query from parameters and fails the test on error.
func MustBuild(tb testing.TB, e *search.Engine, p search.Params) search.Query {
	tb.Helper()
	q, err := e.Build(p)
	if err != nil {
		tb.Fatalf("Build(%+v): %v", p, err)
	}
	return q
}

// MustSearchAll pages through every result of q, MaxLimit at a time, and
// returns the hits in order with the total the first page reported.
func MustSearchAll(tb testing.TB, e *search.Engine, q search.Query) ([]search.Hit, int) {
	tb.Helper()
	q.Limit, q.Offset = search.MaxLimit, 0
	var all []search.Hit
	total := -1
	for {
		res := MustSearch(tb, e, q)
		if total < 0 {
			total = res.Total
		} else if res.Total != total {
			tb.Fatalf("%s: total %d at offset %d, %d on the first page", q.String(), res.Total, q.Offset, total)
		}
		all = append(all, res.Hits...)
		q.Offset += q.Limit
		if len(res.Hits) < q.Limit || q.Offset >= total || q.Offset > search.MaxOffset {
			break
		}
	}
	return all, total
}

// hitIDs lists the place IDs of hits, in order.
func hitIDs(hits []search.Hit) []string {
	ids := make([]string, len(hits))
	for i, h := range hits {
		ids[i] = h.Place.ID
	}
	return ids
}
