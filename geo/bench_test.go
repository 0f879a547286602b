package geo_test

import (
	"fmt"
	"math"
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

// BenchmarkNearest finds the k nearest with the R-tree (Index.Nearest)
// and with the cells (Cells.Nearest), on the same points.
func BenchmarkNearest(b *testing.B) {
	for _, n := range benchSizes {
		d := MustBenchData(b, n)
		lon, lat := make([]float64, n), make([]float64, n)
		for i, p := range d.pts {
			lon[i], lat[i] = p.Lon, p.Lat
		}
		order := geo.CellOrder(lon, lat)
		slon, slat := make([]float64, n), make([]float64, n)
		for i, o := range order {
			slon[i], slat[i] = lon[o], lat[o]
		}
		cells := geo.NewCells(slon, slat)
		for _, k := range []int{10, 100} {
			for _, walk := range []struct {
				name    string
				nearest func(lon, lat float64) []geo.Hit
			}{
				{"rtree", func(lon, lat float64) []geo.Hit { return d.ix.Nearest(lon, lat, k, 0, nil) }},
				{"cells", func(lon, lat float64) []geo.Hit { return cells.Nearest(lon, lat, k, 0, nil, nil) }},
			} {
				b.Run(fmt.Sprintf("n=%d/k=%d/%s", n, k, walk.name), func(b *testing.B) {
					b.ReportAllocs()
					hits, i := 0, 0
					for b.Loop() {
						c := d.centres[i%len(d.centres)]
						hits += min(k, len(walk.nearest(c[0], c[1])))
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

// toulouse is the centre of the radius benchmarks that compare the
// haversine and chord tests.
var toulouse = [2]float64{1.44367, 43.60426}

// BenchmarkWithinToulouse is a 30 km radius around Toulouse: Within sorts
// the hits, WithinFilter only visits them.
func BenchmarkWithinToulouse(b *testing.B) {
	const r = 30000
	for _, n := range benchSizes {
		d := MustBenchData(b, n)
		b.Run(fmt.Sprintf("n=%d/Within", n), func(b *testing.B) {
			b.ReportAllocs()
			hits := 0
			for b.Loop() {
				hits = len(d.ix.Within(toulouse[0], toulouse[1], r))
			}
			b.ReportMetric(float64(hits), "hits/op")
		})
		b.Run(fmt.Sprintf("n=%d/WithinFilter", n), func(b *testing.B) {
			b.ReportAllocs()
			hits := 0
			for b.Loop() {
				hits = 0
				d.ix.WithinFilter(toulouse[0], toulouse[1], r, nil, func(geo.Hit) bool {
					hits++
					return true
				})
			}
			b.ReportMetric(float64(hits), "hits/op")
		})
		b.Run(fmt.Sprintf("n=%d/WithinChord", n), func(b *testing.B) {
			b.ReportAllocs()
			hits := 0
			for b.Loop() {
				hits = 0
				d.ix.WithinChord(toulouse[0], toulouse[1], r, nil, func(uint32, float64) bool {
					hits++
					return true
				})
			}
			b.ReportMetric(float64(hits), "hits/op")
		})
	}
}

// BenchmarkCorridor finds the places along a commute among 100,000 points
// around Occitanie: the 31 km straight line from L'Isle-Jourdain to
// Toulouse, and a 40-point polyline of about 100 km from Toulouse, both
// with a 10 km detour.
func BenchmarkCorridor(b *testing.B) {
	rng := rand.New(rand.NewPCG(100, 40))
	pts := randomIn(rng, occitanie, 100_000)[:100_000]
	ix := buildIndex(pts)
	straight := MustStraightRoute(b, 1.0573, 43.6138, toulouse[0], toulouse[1])
	polyline := MustPolylineRoute(b, randomPolyline(rng, toulouse[0], toulouse[1], 40, 2500))
	for _, tc := range []struct {
		name string
		r    *geo.Route
	}{{"straight31km", straight}, {fmt.Sprintf("polyline40pts%.0fkm", polyline.LengthMeters()/1000), polyline}} {
		b.Run(fmt.Sprintf("n=%d/%s/detour=10km", len(pts), tc.name), func(b *testing.B) {
			b.ReportAllocs()
			hits := 0
			for b.Loop() {
				hits = 0
				ix.Corridor(tc.r, 10000, nil, func(geo.CorridorHit) bool {
					hits++
					return true
				})
			}
			b.ReportMetric(float64(hits), "hits/op")
		})
	}
}

// benchPolygons are the polygons of BenchmarkInPolygon: a 7,004-vertex
// star, whose thousands of spikes put dozens of edges near every point of
// its ring, and a pentagon over about the same part of France.
var benchPolygons = []struct {
	name string
	p    geo.Polygon
}{
	{"star7004", geo.Polygon{starRing(2.5, 46.5, 4, 1.5, 3502)}},
	{"pentagon", geo.Polygon{pentagon(2.5, 46.5, 4)}},
}

// pentagon is a closed regular pentagon of circumradius r degrees,
// flattened as starRing is.
func pentagon(lon, lat, r float64) [][2]float64 {
	var ring [][2]float64
	for i := range 5 {
		a := float64(i)*2*math.Pi/5 + 0.1
		ring = append(ring, [2]float64{lon + r*math.Cos(a), lat + 0.7*r*math.Sin(a)})
	}
	return append(ring, ring[0])
}

// BenchmarkInPolygon runs InPolygon (prepare, walk, sort) over 100,000
// points, and its two halves apart: PreparePolygon, and InPolygonFunc on
// the prepared polygon.
func BenchmarkInPolygon(b *testing.B) {
	d := MustBenchData(b, 100_000)
	for _, bp := range benchPolygons {
		b.Run(fmt.Sprintf("n=%d/%s", 100_000, bp.name), func(b *testing.B) {
			b.ReportAllocs()
			ids := 0
			for b.Loop() {
				ids = len(d.ix.InPolygon(bp.p))
			}
			b.ReportMetric(float64(ids), "ids/op")
		})
		b.Run(fmt.Sprintf("n=%d/%s/prepare", 100_000, bp.name), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				geo.PreparePolygon(bp.p)
			}
		})
		pp := geo.PreparePolygon(bp.p)
		b.Run(fmt.Sprintf("n=%d/%s/prepared", 100_000, bp.name), func(b *testing.B) {
			b.ReportAllocs()
			ids := 0
			for b.Loop() {
				ids = 0
				d.ix.InPolygonFunc(pp, func(uint32) bool {
					ids++
					return true
				})
			}
			b.ReportMetric(float64(ids), "ids/op")
		})
	}
}

// BenchmarkCellsCount counts the points of discs of 5 to 50 km with
// Cover and Contains, as totals are counted: over points uniform across
// France, and over points crowded into a few cities (half of them within
// 20 km of ten centres), where the edge of a disc crosses dense cells.
func BenchmarkCellsCount(b *testing.B) {
	for _, n := range benchSizes {
		for _, crowded := range []bool{false, true} {
			name := fmt.Sprintf("n=%d/uniform", n)
			if crowded {
				name = fmt.Sprintf("n=%d/crowded", n)
			}
			b.Run(name, func(b *testing.B) {
				rng := rand.New(rand.NewPCG(uint64(n), 7))
				var cities [][2]float64
				for range 10 {
					cities = append(cities, [2]float64{-1 + rng.Float64()*8, 43 + rng.Float64()*6})
				}
				lon, lat := make([]float64, n), make([]float64, n)
				for i := range n {
					if crowded && i%2 == 0 {
						c := cities[rng.IntN(len(cities))]
						r, t := 0.2*math.Sqrt(rng.Float64()), rng.Float64()*2*math.Pi
						lon[i], lat[i] = c[0]+r*math.Cos(t)*1.4, c[1]+r*math.Sin(t)
					} else {
						lon[i] = franceMinLon + rng.Float64()*(franceMaxLon-franceMinLon)
						lat[i] = franceMinLat + rng.Float64()*(franceMaxLat-franceMinLat)
					}
				}
				order := geo.CellOrder(lon, lat)
				slon, slat := make([]float64, n), make([]float64, n)
				for i, o := range order {
					slon[i], slat[i] = lon[o], lat[o]
				}
				cells := geo.NewCells(slon, slat)
				var discs []*geo.Circle
				for i := range 512 {
					c := cities[i%len(cities)]
					discs = append(discs, geo.NewCircle(c[0]+rng.NormFloat64()*0.05, c[1]+rng.NormFloat64()*0.05, 5000+rng.Float64()*45000))
				}
				b.ReportAllocs()
				i := 0
				for b.Loop() {
					a := discs[i%len(discs)]
					i++
					count := 0
					cells.Cover(a, func(lo, hi int, inside bool) bool {
						if inside {
							count += hi - lo
							return true
						}
						for j := lo; j < hi; j++ {
							if cells.Contains(a, j) {
								count++
							}
						}
						return true
					})
					benchSink += count
				}
			})
		}
	}
}
