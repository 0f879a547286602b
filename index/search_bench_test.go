package index_test

import (
	"context"
	"fmt"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/tierslieux/tierslieux/geo"
	"github.com/tierslieux/tierslieux/index"
	"github.com/tierslieux/tierslieux/index/indextest"
	"github.com/tierslieux/tierslieux/ingest/hours"
)

// bench1MEnv enables the 1,000,000-place benchmarks, whose catalog takes
// minutes to build; bench1MIndexEnv names an index directory of
// 1,000,000 synthetic places to open instead (`tierslieux synth -n
// 1000000` then `tierslieux ingest`), seconds rather than minutes.
const (
	bench1MEnv      = "TIERSLIEUX_BENCH_1M"
	bench1MIndexEnv = "TIERSLIEUX_BENCH_1M_INDEX"
)

var opened1M struct {
	once sync.Once
	c    *index.Catalog
	err  error
}

// open1M opens the directory bench1MIndexEnv names, once.
func open1M(b *testing.B) (*index.Catalog, error) {
	opened1M.once.Do(func() {
		c, err := index.Open(os.Getenv(bench1MIndexEnv), indextest.Gazetteer(b))
		if err == nil {
			err = c.PrepareText(context.Background())
		}
		opened1M.c, opened1M.err = c, err
	})
	return opened1M.c, opened1M.err
}

// benchSizes are the catalog sizes benchmarks run on.
var benchSizes = []int{100_000, 1_000_000}

// MustBenchEngine returns the engine over n synthetic places, built once
// per size outside any timer, or skips the 1M size unless enabled.
func MustBenchEngine(b *testing.B, n int) *index.Engine {
	b.Helper()
	if n == 1_000_000 && os.Getenv(bench1MIndexEnv) != "" {
		c, err := open1M(b)
		if err != nil {
			b.Fatalf("%s: %v", bench1MIndexEnv, err)
		}
		if c.Len() != n {
			b.Fatalf("%s holds %d places, not %d", bench1MIndexEnv, c.Len(), n)
		}
		return index.NewEngine(c)
	}
	if n >= 1_000_000 && os.Getenv(bench1MEnv) != "1" {
		b.Skipf("set %s=1 to benchmark %d places (building the catalog takes minutes)", bench1MEnv, n)
	}
	b.StopTimer()
	defer b.StartTimer()
	e, _ := MustSynthEngine(b, n)
	return e
}

var (
	benchToulouse = &index.Anchor{Name: "Toulouse", INSEE: "31555", Lat: 43.60426, Lon: 1.44367}
	// About 0.5° by 0.35°: what a map of Toulouse and its suburbs shows.
	benchMapBox = &geo.Bound{MinLon: 1.19, MinLat: 43.43, MaxLon: 1.69, MaxLat: 43.78}
	benchParis  = &index.Anchor{Name: "Paris", INSEE: "75056", Lat: 48.85341, Lon: 2.3488}
	// A map of Paris and its inner suburbs.
	benchParisBox = &geo.Bound{MinLon: 2.0988, MinLat: 48.67841, MaxLon: 2.5988, MaxLat: 49.02841}
)

// searchFamilies are the query shapes the service answers most.
var searchFamilies = []struct {
	name string
	q    index.Query
}{
	{"text+type+radius", index.Query{Text: "atelier", Types: []string{"fablab"}, Near: benchToulouse, RadiusMeters: 30_000}},
	{"type+service+radius", index.Query{Types: []string{"fablab"}, Services: []string{"impression-3d"}, Near: benchToulouse, RadiusMeters: 30_000}},
	{"radius by distance", index.Query{Near: benchToulouse, RadiusMeters: 30_000, Sort: index.SortDistance}},
	{"map bbox", index.Query{BBox: benchMapBox, Limit: index.MaxLimit}},
	{"nearest k=20", index.Query{Near: benchToulouse, Nearest: true, Limit: 20}},
	// Dense cities: where most people search, and most places are.
	{"Paris radius 48km by distance", index.Query{Near: benchParis, RadiusMeters: 48_000, Sort: index.SortDistance, Limit: 20}},
	{"Paris map bbox by distance", index.Query{Near: benchParis, BBox: benchParisBox, Sort: index.SortDistance, Limit: 20}},
	{"Paris text+type+radius", index.Query{Text: "numérique", Types: []string{"coworking"}, Near: benchParis, RadiusMeters: 40_000, Limit: 20}},
	{"Paris nearest k=20", index.Query{Near: benchParis, Nearest: true, Limit: 20}},
	{"Paris 30km facets", index.Query{Near: benchParis, RadiusMeters: 30_000, Sort: index.SortDistance, Limit: 20,
		Facets: []string{index.FacetType, index.FacetService, index.FacetDept}}},
}

// BenchmarkSearch runs each family on 100,000 places, and on 1,000,000
// when TIERSLIEUX_BENCH_1M=1.
func BenchmarkSearch(b *testing.B) {
	ctx := context.Background()
	for _, n := range benchSizes {
		for _, fam := range searchFamilies {
			b.Run(fmt.Sprintf("n=%d/%s", n, fam.name), func(b *testing.B) {
				e := MustBenchEngine(b, n)
				res := MustSearch(b, e, fam.q) // warm, and sure to run
				b.ReportAllocs()
				for b.Loop() {
					r, err := e.Search(ctx, fam.q)
					if err != nil {
						b.Fatal(err)
					}
					r.Release() // as the server does once the answer is written
				}
				b.ReportMetric(float64(res.Total), "matches")
			})
		}
	}
}

// planMix are queries where the order of geography and text matters.
var planMix = []struct {
	name string
	q    index.Query
}{
	// Few candidates, a term in every document: the R-tree first.
	{"small radius+common text", index.Query{Text: "synthétique", Near: benchToulouse, RadiusMeters: 2_000}},
	// Many candidates, a rare term: the text first.
	{"large radius+selective text", index.Query{Text: "Montauban", Near: benchToulouse, RadiusMeters: 100_000}},
	// No geography: only the text index can answer.
	{"text only", index.Query{Text: "makerspace"}},
}

// BenchmarkPlan compares the planner's choice with each fixed strategy on
// the same queries: PlanAuto should be about as fast as the better one.
func BenchmarkPlan(b *testing.B) {
	ctx := context.Background()
	for _, n := range benchSizes {
		for _, qm := range planMix {
			for _, pl := range plans {
				b.Run(fmt.Sprintf("n=%d/%s/%s", n, qm.name, pl.name), func(b *testing.B) {
					e := withPlan(MustBenchEngine(b, n), pl.plan)
					res := MustSearch(b, e, qm.q)
					b.ReportAllocs()
					for b.Loop() {
						if _, err := e.Search(ctx, qm.q); err != nil {
							b.Fatal(err)
						}
					}
					b.ReportMetric(float64(res.Total), "matches")
					b.ReportMetric(float64(res.Plan), "plan") // 1 geo-first, 2 text-first
				})
			}
		}
	}
}

// BenchmarkCommute measures what commuters ask: a trip from L'Isle-Jourdain
// to Toulouse with a 10 km detour, with a type, and the same radius query
// with and without an open=now filter (the hours' cost is the difference).
func BenchmarkCommute(b *testing.B) {
	ctx := context.Background()
	now := time.Date(2026, 11, 30, 10, 0, 0, 0, hours.Location())
	openNow, err := hours.ParseWhen("now", now)
	if err != nil {
		b.Fatal(err)
	}
	isle := &index.Anchor{Name: "L'Isle-Jourdain", Lat: 43.6122, Lon: 1.0866}
	route, err := geo.StraightRoute(isle.Lon, isle.Lat, benchToulouse.Lon, benchToulouse.Lat)
	if err != nil {
		b.Fatal(err)
	}
	trip := &index.Trip{From: isle, To: benchToulouse, Route: route, Kind: "straight", MaxDetourMeters: 10_000}
	for _, n := range benchSizes {
		for _, fam := range []struct {
			name string
			q    index.Query
		}{
			{"trip 10km detour", index.Query{Trip: trip, Near: isle, Now: now}},
			{"trip+type", index.Query{Trip: trip, Near: isle, Types: []string{"coworking"}, Now: now}},
			{"radius by distance", index.Query{Near: benchToulouse, RadiusMeters: 30_000, Sort: index.SortDistance, Now: now}},
			{"radius by distance+open=now", index.Query{Near: benchToulouse, RadiusMeters: 30_000, Sort: index.SortDistance, Open: &openNow, Now: now}},
		} {
			b.Run(fmt.Sprintf("n=%d/%s", n, fam.name), func(b *testing.B) {
				e := MustBenchEngine(b, n)
				res := MustSearch(b, e, fam.q)
				b.ReportAllocs()
				for b.Loop() {
					r, err := e.Search(ctx, fam.q)
					if err != nil {
						b.Fatal(err)
					}
					r.Release() // as the server does once the answer is written
				}
				b.ReportMetric(float64(res.Total), "matches")
			})
		}
	}
}
