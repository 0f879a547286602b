package index_test

import (
	"os"
	"testing"

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

// MustGazetteer returns the embedded gazetteer.
func MustGazetteer(tb testing.TB) *gazetteer.Gazetteer {
	tb.Helper()
	return indextest.Gazetteer(tb)
}

// MustDemoEngine returns an engine over the 111-place demo catalog.
func MustDemoEngine(tb testing.TB) *index.Engine {
	tb.Helper()
	return index.NewEngine(indextest.Demo(tb))
}

// MustSynthPlaces returns n synthetic places as the synthetic catalogs
// hold them.
func MustSynthPlaces(tb testing.TB, n int) []ingest.Place {
	tb.Helper()
	return indextest.SynthPlaces(tb, n)
}

// MustSynthEngine returns an engine over n synthetic places and the places
// themselves, built once per size and test binary.
func MustSynthEngine(tb testing.TB, n int) (*index.Engine, []ingest.Place) {
	tb.Helper()
	cat, places := indextest.Synth(tb, n)
	return index.NewEngine(cat), places
}

// MustSearch runs q and fails the test on error.
func MustSearch(tb testing.TB, e *index.Engine, q index.Query) *index.Result {
	tb.Helper()
	return indextest.Search(tb, e, q)
}

// MustSearchAll pages through every result of q.
func MustSearchAll(tb testing.TB, e *index.Engine, q index.Query) ([]index.Hit, int) {
	tb.Helper()
	return indextest.SearchAll(tb, e, q)
}

// hitIDs lists the place IDs of hits, in order.
func hitIDs(hits []index.Hit) []string { return indextest.HitIDs(hits) }
