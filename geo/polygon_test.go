package geo_test

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"

	"github.com/tierslieux/tierslieux/geo"
)

// orbPolygon converts p for orb, the reference PreparePolygon must match.
func orbPolygon(p geo.Polygon) orb.Polygon {
	out := make(orb.Polygon, len(p))
	for i, ring := range p {
		out[i] = make(orb.Ring, len(ring))
		for j, pt := range ring {
			out[i][j] = orb.Point(pt)
		}
	}
	return out
}

// orbContains is what InPolygon answered before PreparePolygon.
func orbContains(p geo.Polygon, lon, lat float64) bool {
	if len(p) == 0 || len(p[0]) == 0 {
		return false
	}
	return planar.PolygonContains(orbPolygon(p), orb.Point{lon, lat})
}

// randomConvex is a convex ring of n vertices around (lon, lat), closed.
func randomConvex(rng *rand.Rand, lon, lat, r float64, n int) [][2]float64 {
	as := make([]float64, n)
	for i := range as {
		as[i] = rng.Float64() * 2 * math.Pi
	}
	slices.Sort(as)
	ring := make([][2]float64, 0, n+1)
	for _, a := range as {
		ring = append(ring, [2]float64{lon + r*math.Cos(a), lat + r*math.Sin(a)})
	}
	return append(ring, ring[0])
}

// randomStar is a closed star of n spikes with jittered radii: concave at
// every inner vertex.
func randomStar(rng *rand.Rand, lon, lat, outer, inner float64, n int) [][2]float64 {
	var ring [][2]float64
	for i := range 2 * n {
		r := outer * (0.8 + 0.2*rng.Float64())
		if i%2 == 1 {
			r = inner * (0.8 + 0.2*rng.Float64())
		}
		a := float64(i) * math.Pi / float64(n)
		ring = append(ring, [2]float64{lon + r*math.Cos(a), lat + r*math.Sin(a)})
	}
	return append(ring, ring[0])
}

// randomLattice is a ring of n vertices on a small integer lattice: many
// horizontal and vertical edges, repeated vertices, self-intersections and
// points exactly on edges, where orb's rules for the boundary show.
func randomLattice(rng *rand.Rand, n, size int) [][2]float64 {
	ring := make([][2]float64, n)
	for i := range ring {
		ring[i] = [2]float64{float64(rng.IntN(size)), float64(rng.IntN(size))}
	}
	if rng.IntN(2) == 0 {
		ring = append(ring, ring[0])
	}
	return ring
}

// randomScribble is n random vertices in a box: a self-intersecting ring.
func randomScribble(rng *rand.Rand, lon, lat, r float64, n int) [][2]float64 {
	ring := make([][2]float64, n)
	for i := range ring {
		ring[i] = [2]float64{lon + r*(2*rng.Float64()-1), lat + r*(2*rng.Float64()-1)}
	}
	return append(ring, ring[0])
}

type polygonCase struct {
	name string
	p    geo.Polygon
}

// polygonCases are the polygons on which PreparedPolygon must answer as
// orb does.
func polygonCases() []polygonCase {
	rng := rand.New(rand.NewPCG(2026, 7))
	var cs []polygonCase
	add := func(name string, p geo.Polygon) { cs = append(cs, polygonCase{name, p}) }
	for i := range 8 {
		add(fmt.Sprintf("convex%d", i), geo.Polygon{randomConvex(rng, 2.5, 43.8, 0.5+rng.Float64()*2, 3+rng.IntN(60))})
	}
	for _, n := range []int{3, 50, 1000, 3502} {
		add(fmt.Sprintf("star%d", 2*n), geo.Polygon{randomStar(rng, 2.5, 43.8, 2.5, 0.8, n)})
	}
	add("star7004 regular", geo.Polygon{starRing(2.5, 46.5, 4, 1.5, 3502)})
	for i := range 4 {
		outer := randomStar(rng, 2.5, 43.8, 3, 2, 200+rng.IntN(800))
		p := geo.Polygon{outer}
		for h := range 1 + rng.IntN(5) {
			a := float64(h) * 2 * math.Pi / 5
			hole := randomConvex(rng, 2.5+math.Cos(a), 43.8+math.Sin(a), 0.4, 3+rng.IntN(40))
			if h%2 == 1 {
				slices.Reverse(hole)
			}
			p = append(p, hole)
		}
		add(fmt.Sprintf("star with holes%d", i), p)
	}
	for i := range 30 {
		size := 3 + rng.IntN(8)
		p := geo.Polygon{randomLattice(rng, 3+rng.IntN(12), size)}
		for range rng.IntN(3) {
			p = append(p, randomLattice(rng, 1+rng.IntN(6), size))
		}
		add(fmt.Sprintf("lattice%02d", i), p)
	}
	for i := range 6 {
		add(fmt.Sprintf("scribble%d", i), geo.Polygon{randomScribble(rng, 1.4, 43.6, 1, 5+rng.IntN(300))})
	}
	add("triangle", geo.Polygon{{{0, 0}, {4, 0}, {2, 3}, {0, 0}}})
	add("square", geo.Polygon{{{0, 0}, {1, 0}, {1, 1}, {0, 1}, {0, 0}}})
	add("one point", geo.Polygon{{{1, 1}}})
	add("two points", geo.Polygon{{{1, 1}, {3, 2}}})
	add("vertical segment", geo.Polygon{{{1, 1}, {1, 3}, {1, 1}}})
	add("horizontal segment", geo.Polygon{{{1, 1}, {3, 1}}})
	add("hole outside the outer ring", geo.Polygon{{{0, 0}, {2, 0}, {2, 2}, {0, 2}, {0, 0}}, {{1, 1}, {5, 1}, {5, 5}, {1, 5}, {1, 1}}})
	add("overlapping holes", geo.Polygon{{{0, 0}, {6, 0}, {6, 6}, {0, 6}, {0, 0}}, {{1, 1}, {4, 1}, {4, 4}, {1, 4}}, {{2, 2}, {5, 2}, {5, 5}, {2, 5}}})
	add("hole sharing an edge", geo.Polygon{{{0, 0}, {6, 0}, {6, 6}, {0, 6}, {0, 0}}, {{0, 0}, {3, 0}, {3, 3}, {0, 3}, {0, 0}}})
	add("empty hole", geo.Polygon{{{0, 0}, {6, 0}, {6, 6}, {0, 0}}, {}})
	add("tiny", geo.Polygon{{{1, 1}, {1 + 1e-12, 1}, {1, 1 + 1e-12}, {1, 1}}})
	add("steep", geo.Polygon{{{1, 1}, {1 + 1e-250, 3}, {2, 2}, {1, 1}}})
	add("near zero", geo.Polygon{{{0, 0}, {5e-324, 1}, {-1e-310, 2}, {1e-300, -1}, {0, 0}}})
	add("antimeridian band", geo.Polygon{{{-180, -5}, {180, -5}, {180, 5}, {-180, 5}, {-180, -5}}})
	add("world", geo.Polygon{{{-180, -90}, {180, -90}, {180, 90}, {-180, 90}, {-180, -90}}})
	return cs
}

// polygonQueries returns points to test against p: random ones around its
// bound, vertices (up to 600 a ring, orb being slow on large rings) and
// their neighbouring floats, points along their edges, and lattice points
// for lattice polygons.
func polygonQueries(rng *rand.Rand, p geo.Polygon, random int) [][2]float64 {
	minX, minY, maxX, maxY := math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)
	var qs [][2]float64
	for _, ring := range p {
		for i, v := range ring {
			minX, maxX = min(minX, v[0]), max(maxX, v[0])
			minY, maxY = min(minY, v[1]), max(maxY, v[1])
			if len(ring) > 600 && rng.IntN(len(ring)) >= 600 {
				continue
			}
			qs = append(qs, v,
				[2]float64{math.Nextafter(v[0], math.Inf(1)), v[1]},
				[2]float64{math.Nextafter(v[0], math.Inf(-1)), v[1]},
				[2]float64{v[0], math.Nextafter(v[1], math.Inf(1))},
				[2]float64{v[0], math.Nextafter(v[1], math.Inf(-1))})
			w := ring[(i+1)%len(ring)]
			for _, t := range []float64{0.5, rng.Float64()} {
				qs = append(qs, [2]float64{v[0] + t*(w[0]-v[0]), v[1] + t*(w[1]-v[1])})
			}
			// A point level with the vertex, off to the side: the ray
			// passes through a vertex.
			qs = append(qs, [2]float64{v[0], v[1] - rng.Float64()})
		}
	}
	if math.IsInf(minX, 1) {
		return nil
	}
	w, h := max(maxX-minX, 1e-9), max(maxY-minY, 1e-9)
	for range random {
		qs = append(qs, [2]float64{minX - 0.1*w + 1.2*w*rng.Float64(), minY - 0.1*h + 1.2*h*rng.Float64()})
	}
	if maxX-minX <= 12 && maxX == math.Trunc(maxX) && minX == math.Trunc(minX) {
		for x := minX - 1; x <= maxX+1; x += 0.5 {
			for y := minY - 1; y <= maxY+1; y += 0.5 {
				qs = append(qs, [2]float64{x, y})
			}
		}
	}
	return qs
}

// TestPreparedPolygonMatchesOrb checks PreparedPolygon.Contains against
// orb's planar.PolygonContains, point for point, boundary included.
func TestPreparedPolygonMatchesOrb(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 13))
	for _, tc := range polygonCases() {
		t.Run(tc.name, func(t *testing.T) {
			pp := geo.PreparePolygon(tc.p)
			op := orbPolygon(tc.p)
			n := 0
			for _, ring := range tc.p {
				n += len(ring)
			}
			// Fewer random points for the largest rings, where orb is slow.
			qs := polygonQueries(rng, tc.p, min(20000, 30_000_000/max(n, 1)))
			in := 0
			for _, q := range qs {
				want := planar.PolygonContains(op, orb.Point(q))
				if got := pp.Contains(q[0], q[1]); got != want {
					t.Fatalf("Contains(%v, %v) = %v, orb says %v", q[0], q[1], got, want)
				}
				if want {
					in++
				}
			}
			if in == 0 && len(tc.p[0]) > 3 {
				t.Logf("no point of %d inside", len(qs))
			}
		})
	}
}

func TestPreparedPolygonEdgeCases(t *testing.T) {
	square := geo.Polygon{{{0, 0}, {2, 0}, {2, 2}, {0, 2}, {0, 0}}, {{0.5, 0.5}, {1, 0.5}, {1, 1}, {0.5, 1}, {0.5, 0.5}}}
	for _, tc := range []struct {
		name     string
		p        geo.Polygon
		lon, lat float64
		want     bool
	}{
		{"inside", square, 1.5, 1.5, true},
		{"in the hole", square, 0.75, 0.75, false},
		{"on the outer edge", square, 2, 1, true},
		{"on an outer corner", square, 0, 0, true},
		{"on the hole's edge", square, 1, 0.75, false},
		{"outside", square, 3, 1, false},
		{"NaN", square, math.NaN(), 1, orbContains(square, math.NaN(), 1)},
		{"NaN latitude", square, 1, math.NaN(), orbContains(square, 1, math.NaN())},
		{"infinite", square, math.Inf(1), 1, false},
		{"NaN with an empty hole does not panic", geo.Polygon{square[0], {}}, math.NaN(), 1, orbContains(geo.Polygon{square[0]}, math.NaN(), 1)},
		{"nil polygon", nil, 0, 0, false},
		{"empty outer ring", geo.Polygon{{}}, 0, 0, false},
		{"non-finite vertex falls back to orb", geo.Polygon{{{0, 0}, {2, 0}, {math.NaN(), 1}, {0, 2}, {0, 0}}}, 0.5, 0.5,
			orbContains(geo.Polygon{{{0, 0}, {2, 0}, {math.NaN(), 1}, {0, 2}, {0, 0}}}, 0.5, 0.5)},
		{"huge coordinates fall back to orb", geo.Polygon{{{0, 0}, {2e300, 0}, {0, 2e300}, {0, 0}}}, 1e299, 1e299, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := geo.PreparePolygon(tc.p).Contains(tc.lon, tc.lat); got != tc.want {
				t.Errorf("Contains(%v, %v) = %v, want %v", tc.lon, tc.lat, got, tc.want)
			}
			if got := geo.PolygonTest(tc.p)(tc.lon, tc.lat); got != tc.want {
				t.Errorf("PolygonTest(%v, %v) = %v, want %v", tc.lon, tc.lat, got, tc.want)
			}
		})
	}
	t.Run("Bound is the outer ring's", func(t *testing.T) {
		want := geo.Bound{MinLon: 0, MinLat: 0, MaxLon: 2, MaxLat: 2}
		if got := geo.PreparePolygon(square).Bound(); got != want {
			t.Errorf("Bound() = %+v, want %+v", got, want)
		}
		if got := geo.PreparePolygon(nil).Bound(); got != (geo.Bound{}) {
			t.Errorf("empty polygon: Bound() = %+v, want the zero Bound", got)
		}
	})
}

// TestInPolygonMatchesOrb runs InPolygon on the fixture index for polygons
// with thousands of vertices and holes, against orb on every point.
func TestInPolygonMatchesOrb(t *testing.T) {
	ix, pts := MustFixtureIndex(t)
	rng := rand.New(rand.NewPCG(3, 5))
	cases := []polygonCase{
		{"star7004", geo.Polygon{starRing(2.5, 46.5, 4, 1.5, 3502)}},
		{"jittered star with holes", geo.Polygon{
			randomStar(rng, 2.5, 46.5, 5, 3, 2000),
			randomConvex(rng, 1, 46.5, 1, 30),
			randomConvex(rng, 4, 46.5, 1, 300),
		}},
		{"scribble", geo.Polygon{randomScribble(rng, 2.5, 46.5, 5, 500)}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var want []uint32
			for _, q := range pts {
				if orbContains(tc.p, q.Lon, q.Lat) {
					want = append(want, q.ID)
				}
			}
			slices.Sort(want)
			if len(want) < 500 {
				t.Fatalf("fixture: only %d points inside", len(want))
			}
			MustEqualIDs(t, "InPolygon", ix.InPolygon(tc.p), want)
		})
	}
}

func TestInPolygonFuncStops(t *testing.T) {
	ix, _ := MustFixtureIndex(t)
	pp := geo.PreparePolygon(geo.Polygon{starRing(2.5, 46.5, 4, 1.5, 7)})
	calls := 0
	ix.InPolygonFunc(pp, func(id uint32) bool {
		calls++
		if !pp.Contains(pointByID(t, id)) {
			t.Errorf("InPolygonFunc gave point %d outside the polygon", id)
		}
		return calls < 5
	})
	if calls != 5 {
		t.Errorf("fn called %d times after returning false on the 5th call", calls)
	}
	ix.InPolygonFunc(geo.PreparePolygon(nil), func(uint32) bool {
		t.Fatal("fn called for an empty polygon")
		return false
	})
}

func TestInBoundFuncStops(t *testing.T) {
	ix, _ := MustFixtureIndex(t)
	calls := 0
	ix.InBoundFunc(geo.Bound{MinLon: 170, MinLat: -10, MaxLon: -170, MaxLat: 10}, func(uint32) bool {
		calls++
		return calls < 7
	})
	if calls != 7 {
		t.Errorf("fn called %d times after returning false on the 7th call", calls)
	}
}

// pointByID returns the fixture coordinates of id.
func pointByID(tb testing.TB, id uint32) (float64, float64) {
	tb.Helper()
	for _, p := range fixturePoints() {
		if p.ID == id {
			return p.Lon, p.Lat
		}
	}
	tb.Fatalf("no fixture point %d", id)
	return 0, 0
}

// fuzzPolygon reads a polygon from data: rings of up to 64 vertices whose
// coordinates are bytes, in quarters of a degree around the origin, so
// that edges overlap, touch and cross and points fall on them.
func fuzzPolygon(data []byte) geo.Polygon {
	var p geo.Polygon
	for len(data) > 0 && len(p) < 4 {
		n := int(data[0] % 64)
		data = data[1:]
		ring := [][2]float64{}
		for ; n > 0 && len(data) >= 2; n-- {
			ring = append(ring, [2]float64{float64(int8(data[0])) / 4, float64(int8(data[1])) / 4})
			data = data[2:]
		}
		p = append(p, ring)
	}
	return p
}

// FuzzPreparedPolygon: PreparePolygon never panics, and Contains answers
// as orb does, on the fuzzed point and on a lattice of points over the
// polygon's bound, vertices and edges included.
func FuzzPreparedPolygon(f *testing.F) {
	f.Add([]byte{5, 0, 0, 16, 0, 16, 16, 0, 16, 0, 0}, 1.0, 2.0)
	f.Add([]byte{4, 0, 0, 40, 0, 20, 30, 0, 0, 4, 10, 5, 20, 5, 15, 15, 10, 5}, 5.0, 2.5)
	f.Add([]byte{3, 1, 1, 1, 9, 1, 1, 0, 2, 7, 7, 7, 7}, math.NaN(), 1.0)
	f.Add([]byte{9, 0, 0, 8, 8, 0, 8, 8, 0, 4, 4, 4, 0, 0, 4, 8, 4, 0, 0}, 1.0, 1.0)
	f.Fuzz(func(t *testing.T, data []byte, lon, lat float64) {
		p := fuzzPolygon(data)
		pp := geo.PreparePolygon(p)
		// orb indexes empty rings when asked about a NaN point, so the
		// reference leaves empty holes out, as PreparePolygon does.
		clean := slices.DeleteFunc(slices.Clone(p), func(r [][2]float64) bool { return len(r) == 0 })
		if len(p) > 0 && len(p[0]) == 0 {
			clean = nil
		}
		check := func(lon, lat float64) {
			if got, want := pp.Contains(lon, lat), orbContains(clean, lon, lat); got != want {
				t.Fatalf("polygon %v: Contains(%v, %v) = %v, orb says %v", p, lon, lat, got, want)
			}
		}
		check(lon, lat)
		// A lattice over the bound, a little beyond it, whose step (a
		// multiple of 1/8) lands on vertices and on many edges.
		b := pp.Bound()
		step := max(0.125, math.Ceil((b.MaxLon-b.MinLon+b.MaxLat-b.MinLat)/8)/8)
		for x := math.Floor(b.MinLon) - 1; x <= b.MaxLon+1; x += step {
			for y := math.Floor(b.MinLat) - 1; y <= b.MaxLat+1; y += step {
				check(x, y)
			}
		}
	})
}
