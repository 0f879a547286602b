package geo_test

import (
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"

	"github.com/tierslieux/tierslieux/geo"
)

// benchSizes are the index sizes every benchmark family runs over.
var benchSizes = []int{100_000, 1_000_000}

// benchData is an index of n random French points, the points, and query
// centres that the benchmarks cycle through.
type benchData struct {
	ix      *geo.Index
	pts     []point
	centres [][2]float64
}

// benchCache builds each size once for all benchmark families.
var benchCache struct {
	sync.Mutex
	m map[int]*benchData
}

// MustBenchData returns the cached benchData for n points, building it
// (outside any timer: call it before b.Loop) the first time.
func MustBenchData(tb testing.TB, n int) *benchData {
	tb.Helper()
	benchCache.Lock()
	defer benchCache.Unlock()
	if d, ok := benchCache.m[n]; ok {
		if d.ix.Len() != n {
			tb.Fatalf("cached index for %d points holds %d", n, d.ix.Len())
		}
		return d
	}
	rng := rand.New(rand.NewPCG(uint64(n), 2026))
	d := &benchData{pts: randomFrance(rng, n)}
	d.ix = buildIndex(d.pts)
	// Centres inside France, away from its edges, so every query has
	// neighbours all round.
	for range 4096 {
		d.centres = append(d.centres, [2]float64{-1 + rng.Float64()*8, 43 + rng.Float64()*6})
	}
	if benchCache.m == nil {
		benchCache.m = map[int]*benchData{}
	}
	benchCache.m[n] = d
	return d
}

func randomFrance(rng *rand.Rand, n int) []point {
	pts := make([]point, n)
	for i := range pts {
		pts[i] = point{uint32(i), franceMinLon + rng.Float64()*(franceMaxLon-franceMinLon), franceMinLat + rng.Float64()*(franceMaxLat-franceMinLat)}
	}
	return pts
}

// benchSink keeps results alive.
var benchSink int

func BenchmarkWithin(b *testing.B) {
	for _, n := range benchSizes {
		d := MustBenchData(b, n)
		for _, r := range []float64{5000, 30000, 100000} {
			b.Run(fmt.Sprintf("n=%d/r=%gkm", n, r/1000), func(b *testing.B) {
				b.ReportAllocs()
				hits, i := 0, 0
				for b.Loop() {
					c := d.centres[i%len(d.centres)]
					hits += len(d.ix.Within(c[0], c[1], r))
					i++
				}
				b.ReportMetric(float64(hits)/float64(i), "hits/op")
				benchSink += hits
			})
		}
	}
}

func BenchmarkNearest(b *testing.B) {
	for _, n := range benchSizes {
		d := MustBenchData(b, n)
		for _, k := range []int{10, 100} {
			b.Run(fmt.Sprintf("n=%d/k=%d", n, k), func(b *testing.B) {
				b.ReportAllocs()
				hits, i := 0, 0
				for b.Loop() {
					c := d.centres[i%len(d.centres)]
					hits += len(d.ix.Nearest(c[0], c[1], k, 0, nil))
					i++
				}
				if hits != k*i {
					b.Fatalf("Nearest returned %d hits over %d queries, want %d each", hits, i, k)
				}
				benchSink += hits
			})
		}
	}
}

// BenchmarkInBound queries a map-sized box, 1° of longitude by 0.7° of
// latitude.
func BenchmarkInBound(b *testing.B) {
	for _, n := range benchSizes {
		d := MustBenchData(b, n)
		b.Run(fmt.Sprintf("n=%d/1x0.7deg", n), func(b *testing.B) {
			b.ReportAllocs()
			ids, i := 0, 0
			for b.Loop() {
				c := d.centres[i%len(d.centres)]
				ids += len(d.ix.InBound(geo.Bound{MinLon: c[0] - 0.5, MinLat: c[1] - 0.35, MaxLon: c[0] + 0.5, MaxLat: c[1] + 0.35}))
				i++
			}
			b.ReportMetric(float64(ids)/float64(i), "ids/op")
			benchSink += ids
		})
	}
}

// BenchmarkInsert measures building: each op inserts the next point into
// an index under construction, which starts again empty (timer stopped)
// once all n points are in. With enough iterations ns/op is the mean cost
// per point of building an n-point index; with few (say -benchtime=200x)
// it is the cost of the first inserts only.
func BenchmarkInsert(b *testing.B) {
	for _, n := range benchSizes {
		d := MustBenchData(b, n)
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			ix := geo.New()
			j := 0
			for b.Loop() {
				if j == len(d.pts) {
					b.StopTimer()
					ix, j = geo.New(), 0
					b.StartTimer()
				}
				p := d.pts[j]
				ix.Insert(p.ID, p.Lon, p.Lat)
				j++
			}
			benchSink += ix.Len()
		})
	}
}

// BenchmarkInsertInto measures one Insert into an index already holding
// n points. The inserted points are deleted again, timer stopped, so the
// cached index is left as it was.
func BenchmarkInsertInto(b *testing.B) {
	for _, n := range benchSizes {
		d := MustBenchData(b, n)
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			rng := rand.New(rand.NewPCG(1, uint64(n)))
			extra := randomFrance(rng, 4096)
			i := 0
			for b.Loop() {
				p := extra[i%len(extra)]
				d.ix.Insert(uint32(n+i), p.Lon, p.Lat)
				i++
			}
			b.StopTimer()
			for j := range i {
				p := extra[j%len(extra)]
				d.ix.Delete(uint32(n+j), p.Lon, p.Lat)
			}
			if d.ix.Len() != n {
				b.Fatalf("index holds %d points after clean-up, want %d", d.ix.Len(), n)
			}
		})
	}
}
