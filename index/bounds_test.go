package index_test

import (
	"context"
	"errors"
	"math"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/tierslieux/tierslieux/geo"
	"github.com/tierslieux/tierslieux/index"
	"github.com/tierslieux/tierslieux/index/indextest"
	"github.com/tierslieux/tierslieux/ingest"
)

// TestColdStampede: many identical text queries on a cold catalog fetch
// the term's postings once between them, and all get the same answer;
// many different ones at once each fetch their own term once.
func TestColdStampede(t *testing.T) {
	places := MustSynthPlaces(t, 3000)
	cat, err := indextest.Build(MustGazetteer(t), t.TempDir(), places)
	if err != nil {
		t.Fatal(err)
	}
	defer cat.Close()
	e := index.NewEngine(cat)
	before := cat.TermFetches()

	const n = 64
	var (
		wg     sync.WaitGroup
		start  = make(chan struct{})
		totals [n]int
		errs   [n]error
	)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			res, err := e.Search(context.Background(), index.Query{Text: "synthétique", Limit: 10})
			if err != nil {
				errs[i] = err
				return
			}
			totals[i] = res.Total
		}()
	}
	close(start)
	wg.Wait()
	for i := range n {
		if errs[i] != nil {
			t.Fatalf("query %d: %v", i, errs[i])
		}
		if totals[i] != totals[0] {
			t.Errorf("query %d found %d, query 0 found %d", i, totals[i], totals[0])
		}
	}
	if totals[0] != len(places) {
		t.Errorf("found %d places with the word every description holds, want %d", totals[0], len(places))
	}
	if got := cat.TermFetches() - before; got != 1 {
		t.Errorf("%d concurrent cold queries fetched the term %d times, want once", n, got)
	}

	words := []string{"lieu", "généré", "tests", "services", "coworking", "fablab", "numérique", "toulouse"}
	terms := map[string]bool{}
	for _, w := range words {
		for _, term := range cat.Text.Terms(w) {
			terms[term] = true
		}
	}
	before = cat.TermFetches()
	start = make(chan struct{})
	var mu sync.Mutex
	found := map[string]int{}
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			w := words[i%len(words)]
			res, err := e.Search(context.Background(), index.Query{Text: w, Limit: 1})
			if err != nil {
				t.Error(err)
				return
			}
			mu.Lock()
			defer mu.Unlock()
			if prev, ok := found[w]; ok && prev != res.Total {
				t.Errorf("%s found %d, then %d", w, prev, res.Total)
			}
			found[w] = res.Total
		}()
	}
	close(start)
	wg.Wait()
	if got := cat.TermFetches() - before; got != int64(len(terms)) {
		t.Errorf("%d concurrent queries over %d terms made %d fetches", n, len(terms), got)
	}
}

// TestTermCacheBudget: the term cache stays within its byte budget,
// evicting the least recently used term, and an evicted term is fetched
// again with the same answer.
func TestTermCacheBudget(t *testing.T) {
	places := MustSynthPlaces(t, 2000)
	cat, err := indextest.Build(MustGazetteer(t), t.TempDir(), places)
	if err != nil {
		t.Fatal(err)
	}
	defer cat.Close()
	e := index.NewEngine(cat)

	// Room for a couple of terms' bitsets: 2,000 places is 32 words
	// (256 bytes) per bitset and a few bitsets per term.
	const budget = 4 << 10
	cat.SetTermCacheBytes(budget)

	search := func(text string) int {
		t.Helper()
		res, err := e.Search(context.Background(), index.Query{Text: text, Limit: 1})
		if err != nil {
			t.Fatal(err)
		}
		return res.Total
	}
	first := search("coworking")
	fetched := cat.TermFetches()
	search("coworking")
	if got := cat.TermFetches(); got != fetched {
		t.Fatalf("a cached term was fetched again (%d fetches, then %d)", fetched, got)
	}
	for _, w := range []string{"fablab", "impression", "atelier", "numérique", "cuisine", "jardin", "salle", "réunion"} {
		search(w)
	}
	if got := cat.TermCacheSize(); got > budget {
		t.Errorf("term cache holds %d bytes, budget %d", got, budget)
	}
	fetched = cat.TermFetches()
	if again := search("coworking"); again != first {
		t.Errorf("coworking found %d after eviction, %d before", again, first)
	}
	if cat.TermFetches() == fetched {
		t.Error("coworking was not evicted by eight later terms under a budget of a few terms")
	}
}

// stopAfter is a context that reports itself cancelled once its Err has
// been asked n times: it proves the engine checks its context inside its
// loops, not only before and after them.
type stopAfter struct {
	context.Context
	n     int64
	calls atomic.Int64
}

func (c *stopAfter) Err() error {
	if c.calls.Add(1) > c.n {
		return context.Canceled
	}
	return nil
}

func (c *stopAfter) Done() <-chan struct{} { return nil }

// TestSearchStopsInsideLoops: a query whose context ends while the
// engine walks its candidates stops with the context's error instead of
// finishing the walk.
func TestSearchStopsInsideLoops(t *testing.T) {
	e, _ := MustSynthEngine(t, exactN)
	star := starPolygon(2000, 2.5, 46.5, 6.0)
	everywhere := geo.Bound{MinLon: -180, MinLat: -90, MaxLon: 180, MaxLat: 90}
	cases := []struct {
		name string
		q    index.Query
	}{
		{"polygon", index.Query{Polygon: star, Limit: 10}},
		{"bbox", index.Query{BBox: &everywhere, Limit: 10}},
		{"text", index.Query{Text: "synthétique lieu", Limit: 10}},
		// With facets: without them, a page of everything is the first
		// places of a precomputed order, too little work to watch.
		{"everything with facets", index.Query{Limit: 10, Facets: []string{"dept"}}},
		// By relevance alone: by relevance and distance the disc is
		// counted by runs and only an inner disc's matches are scored,
		// too little work to watch.
		{"text and radius", index.Query{Text: "synthétique", Near: &index.Anchor{Lon: 2, Lat: 44}, RadiusMeters: 800_000, Limit: 10, Sort: index.SortRelevance}},
		// Facets make the engine visit each place of the disc (without
		// them it counts the disc by runs of places and walks only the
		// nearest: too little work to ask the context four times).
		{"radius with facets", index.Query{Near: &index.Anchor{Lon: 2, Lat: 44}, RadiusMeters: 500_000, Sort: "distance", Limit: 10, Facets: []string{"type"}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			// The whole query, counting how often it asks its context...
			whole := &stopAfter{Context: context.Background(), n: math.MaxInt64}
			if _, err := e.Search(whole, c.q); err != nil {
				t.Fatal(err)
			}
			asked := whole.calls.Load()
			if asked < 4 {
				t.Fatalf("the query asked its context %d times: not inside its loops", asked)
			}
			// ...then the same query, its context ending halfway.
			ctx := &stopAfter{Context: context.Background(), n: asked / 2}
			if _, err := e.Search(ctx, c.q); !errors.Is(err, context.Canceled) {
				t.Fatalf("search went on after its context ended: err %v", err)
			}
			if calls := ctx.calls.Load(); calls > asked/2+4 {
				t.Errorf("context asked %d times, %d after it ended", calls, calls-asked/2)
			}
		})
	}
}

// TestClustersStopInsideLoops: clusters, too, stop when their context
// ends during the walk.
func TestClustersStopInsideLoops(t *testing.T) {
	e, _ := MustSynthEngine(t, exactN)
	world := geo.Bound{MinLon: -180, MinLat: -90, MaxLon: 180, MaxLat: 90}
	ctx := &stopAfter{Context: context.Background(), n: 3}
	if _, err := e.Clusters(ctx, index.Query{BBox: &world}, index.MaxZoom); !errors.Is(err, context.Canceled) {
		t.Fatalf("clusters went on after their context ended: err %v", err)
	}
}

// TestClustersBounded: clusters of the whole world at the deepest zoom
// are bounded by MaxClusters, coarsened, and still count every place.
func TestClustersBounded(t *testing.T) {
	e, places := MustSynthEngine(t, exactN)
	world := geo.Bound{MinLon: -180, MinLat: -90, MaxLon: 180, MaxLat: 90}
	res, err := e.Clusters(context.Background(), index.Query{BBox: &world}, index.MaxZoom)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Clusters) > index.MaxClusters {
		t.Errorf("%d clusters, more than MaxClusters %d", len(res.Clusters), index.MaxClusters)
	}
	if !res.Coarsened || res.Zoom >= index.MaxZoom {
		t.Errorf("%d places at zoom %d gave zoom %d, coarsened %v: want a coarser grid", len(places), index.MaxZoom, res.Zoom, res.Coarsened)
	}
	sum := 0
	for _, c := range res.Clusters {
		sum += c.Count
	}
	if sum != len(places) || res.Total != len(places) {
		t.Errorf("clusters hold %d places, total %d, want %d", sum, res.Total, len(places))
	}
	// A small box at the same zoom is not coarsened.
	small := geo.Bound{MinLon: 1.40, MinLat: 43.55, MaxLon: 1.50, MaxLat: 43.65}
	res, err = e.Clusters(context.Background(), index.Query{BBox: &small}, 12)
	if err != nil {
		t.Fatal(err)
	}
	if res.Coarsened || res.Zoom != 12 {
		t.Errorf("a city box at zoom 12 came back at zoom %d, coarsened %v", res.Zoom, res.Coarsened)
	}
}

// starPolygon is a closed star of n points around lon, lat, its radius
// alternating between r and r/3 degrees: many vertices, a concave shape.
func starPolygon(n int, lon, lat, r float64) geo.Polygon {
	ring := make([][2]float64, 0, n+1)
	for i := range n {
		a := 2 * math.Pi * float64(i) / float64(n)
		rr := r
		if i%2 == 1 {
			rr = r / 3
		}
		ring = append(ring, [2]float64{lon + rr*math.Cos(a), lat + rr*math.Sin(a)})
	}
	ring = append(ring, ring[0])
	return geo.Polygon{ring}
}

// BenchmarkPolygonVertices: a polygon's cost grows with the log of its
// vertices, not their number: compare 5 with 7,000.
func BenchmarkPolygonVertices(b *testing.B) {
	e, _ := MustSynthEngine(b, 100_000)
	for _, n := range []int{5, 500, 7000} {
		poly := starPolygon(n, 2.0, 44.0, 3.0)
		b.Run(strconv.Itoa(n)+"-vertices", func(b *testing.B) {
			q := index.Query{Polygon: poly, Limit: 20}
			for b.Loop() {
				if _, err := e.Search(context.Background(), q); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// TestHeavy: the cost model flags big polygons and clusters of a huge
// grid before any work, and not the queries maps send.
func TestHeavy(t *testing.T) {
	places := MustSynthPlaces(t, 500)
	cat, err := indextest.Build(MustGazetteer(t), t.TempDir(), places)
	if err != nil {
		t.Fatal(err)
	}
	defer cat.Close()
	e := index.NewEngine(cat)
	city := geo.Bound{MinLon: 1.3, MinLat: 43.5, MaxLon: 1.6, MaxLat: 43.7}
	world := geo.Bound{MinLon: -180, MinLat: -90, MaxLon: 180, MaxLat: 90}
	cases := []struct {
		name  string
		q     index.Query
		zoom  int
		heavy bool
	}{
		{"filters only", index.Query{Types: []string{"coworking"}}, -1, false},
		{"cold term", index.Query{Text: "imprimante"}, -1, false},
		{"small polygon", index.Query{Polygon: starPolygon(20, 1.4, 43.6, 0.5)}, -1, false},
		{"big polygon", index.Query{Polygon: starPolygon(index.HeavyPolygonVertices+10, 1.4, 43.6, 0.5)}, -1, true},
		{"city clusters", index.Query{BBox: &city}, 13, false},
		{"world clusters at zoom 22", index.Query{BBox: &world}, index.MaxZoom, true},
		{"world clusters at zoom 2", index.Query{BBox: &world}, 2, false},
		{"world box as a search", index.Query{BBox: &world}, -1, false},
	}
	for _, c := range cases {
		if got := e.Heavy(c.q, c.zoom); got != c.heavy {
			t.Errorf("%s: heavy %v, want %v", c.name, got, c.heavy)
		}
	}
}

// TestListOrder: a page of everything, or of a word no place holds, is
// what sorting the whole catalog gives, by name or by ID.
func TestListOrder(t *testing.T) {
	e, places := MustSynthEngine(t, exactN)
	byName := slices.Clone(places)
	slices.SortFunc(byName, func(a, b ingest.Place) int {
		if c := strings.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name)); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
	byID := slices.Clone(places)
	slices.SortFunc(byID, func(a, b ingest.Place) int { return strings.Compare(a.ID, b.ID) })
	fablabs := slices.DeleteFunc(slices.Clone(byName), func(p ingest.Place) bool { return !slices.Contains(p.Types, "fablab") })
	ids := func(ps []ingest.Place) []string {
		out := make([]string, len(ps))
		for i, p := range ps {
			out[i] = p.ID
		}
		return out
	}
	cases := []struct {
		name  string
		q     index.Query
		want  []ingest.Place
		total int
	}{
		{"everything", index.Query{Limit: 30}, byName, len(places)},
		{"second page", index.Query{Limit: 30, Offset: 30}, byName[30:], len(places)},
		{"fablabs", index.Query{Types: []string{"fablab"}, Limit: 25, Offset: 5}, fablabs[5:], len(fablabs)},
		{"a word in no place", index.Query{Text: "zqxwvyk", RelaxText: true, Limit: 30}, byID, len(places)},
	}
	for _, c := range cases {
		res := MustSearch(t, e, c.q)
		if res.Total != c.total {
			t.Errorf("%s: total %d, want %d", c.name, res.Total, c.total)
		}
		want := ids(c.want[:min(len(c.want), c.q.Limit)])
		if d := indextest.DiffIDs(hitIDs(res.Hits), want); d != "" {
			t.Errorf("%s: %s", c.name, d)
		}
	}
}
