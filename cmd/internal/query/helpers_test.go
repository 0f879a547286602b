package query_test

import (
	"os"
	"sync"
	"testing"

	"github.com/tierslieux/tierslieux/cmd/internal/query"
	"github.com/tierslieux/tierslieux/geo/gazetteer"
	"github.com/tierslieux/tierslieux/index"
	"github.com/tierslieux/tierslieux/index/indextest"
	"github.com/tierslieux/tierslieux/ingest"
)

func TestMain(m *testing.M) {
	code := m.Run()
	indextest.RemoveTemp()
	os.Exit(code)
}

// exactN is the size of the synthetic catalog the name tests use.
const exactN = 10_000

// harness is the query language and the engine over one catalog, as the
// server wires them: Build then Search.
type harness struct {
	*query.Language
	*index.Engine
}

func newHarness(tb testing.TB, cat *index.Catalog) *harness {
	return &harness{Language: query.New(indextest.Gazetteer(tb), cat), Engine: index.NewEngine(cat)}
}

// MustGazetteer returns the embedded gazetteer.
func MustGazetteer(tb testing.TB) *gazetteer.Gazetteer {
	tb.Helper()
	return indextest.Gazetteer(tb)
}

// MustParser returns a parser over the embedded gazetteer.
func MustParser(tb testing.TB) *query.Parser {
	tb.Helper()
	return &query.Parser{Gazetteer: MustGazetteer(tb)}
}

var demo = struct {
	once sync.Once
	h    *harness
}{}

// MustDemoEngine returns the query language and an engine over the
// 111-place demo catalog, built once per test binary.
func MustDemoEngine(tb testing.TB) *harness {
	tb.Helper()
	cat := indextest.Demo(tb)
	demo.once.Do(func() { demo.h = newHarness(tb, cat) })
	return demo.h
}

// MustSynthEngine returns the query language and an engine over n
// synthetic places, and those places as generated.
func MustSynthEngine(tb testing.TB, n int) (*harness, []ingest.Place) {
	tb.Helper()
	cat, places := indextest.Synth(tb, n)
	return newHarness(tb, cat), places
}

// MustSearch runs q and fails the test on error.
func MustSearch(tb testing.TB, e *harness, q index.Query) *index.Result {
	tb.Helper()
	return indextest.Search(tb, e, q)
}

// MustBuild builds a query from parameters and fails the test on error.
func MustBuild(tb testing.TB, e *harness, p query.Params) index.Query {
	tb.Helper()
	q, err := e.Build(p)
	if err != nil {
		tb.Fatalf("Build(%+v): %v", p, err)
	}
	return q
}

// hitIDs lists the place IDs of hits, in order.
func hitIDs(hits []index.Hit) []string { return indextest.HitIDs(hits) }
