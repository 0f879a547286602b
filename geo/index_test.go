package geo_test

import (
	"cmp"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"sync"
	"testing"

	"github.com/tierslieux/tierslieux/geo"
)

// point is one fixture point; the index under test gets the same ID.
type point struct {
	ID       uint32
	Lon, Lat float64
}

// France's bounding box, for random points.
const (
	franceMinLon, franceMaxLon = -5.0, 9.6
	franceMinLat, franceMaxLat = 41.3, 51.1
)

// Special fixture points, by ID, that tests refer to.
const (
	clusterBase   = 20000 // clusters of points at identical coordinates start here
	clusterSize   = 6
	clusterCount  = 5
	antimeridian0 = 30000 // (180, 0); antimeridian0+1 is (-180, 0)
	northPole     = 40000 // (0, 90); northPole+1 is (123, 90)
	southPole     = 40010 // (-45, -90)
)

// fixturePoints is the shared test set: 10,000 pseudo-random points across
// France, copies of some of them under new IDs, clusters of identical
// points, and points along the antimeridian and around both poles. It is
// deterministic and built once.
var fixturePoints = sync.OnceValue(func() []point {
	rng := rand.New(rand.NewPCG(20240611, 42))
	var pts []point
	for i := range 10000 {
		pts = append(pts, point{uint32(i), franceMinLon + rng.Float64()*(franceMaxLon-franceMinLon), franceMinLat + rng.Float64()*(franceMaxLat-franceMinLat)})
	}
	// Copies of random French points at identical coordinates.
	for i := range 300 {
		p := pts[rng.IntN(10000)]
		pts = append(pts, point{uint32(10000 + i), p.Lon, p.Lat})
	}
	// Clusters: clusterSize points at one place, IDs not in insertion order.
	for c := range clusterCount {
		lon := franceMinLon + rng.Float64()*(franceMaxLon-franceMinLon)
		lat := franceMinLat + rng.Float64()*(franceMaxLat-franceMinLat)
		for j := clusterSize - 1; j >= 0; j-- {
			pts = append(pts, point{uint32(clusterBase + c*100 + j), lon, lat})
		}
	}
	// The antimeridian: both spellings of the same meridian, and a band
	// either side of it.
	pts = append(pts,
		point{antimeridian0, 180, 0}, point{antimeridian0 + 1, -180, 0},
		point{antimeridian0 + 2, 180, 1.5}, point{antimeridian0 + 3, -180, -1.5},
	)
	for i := range 150 {
		lon := 179 + rng.Float64()
		if i%2 == 1 {
			lon = -lon
		}
		pts = append(pts, point{uint32(antimeridian0 + 10 + i), lon, rng.Float64()*10 - 5})
	}
	// The poles: the north pole under two longitudes, the south pole, and
	// caps around both.
	pts = append(pts, point{northPole, 0, 90}, point{northPole + 1, 123, 90}, point{southPole, -45, -90})
	for i := range 60 {
		pts = append(pts, point{uint32(northPole + 100 + i), rng.Float64()*360 - 180, 89 + rng.Float64()})
		pts = append(pts, point{uint32(northPole + 200 + i), rng.Float64()*360 - 180, -89 - rng.Float64()})
	}
	return pts
})

// fixtureIndex is the index of fixturePoints, built once. Tests that
// mutate an index build their own.
var fixtureIndex = sync.OnceValue(func() *geo.Index { return buildIndex(fixturePoints()) })

func buildIndex(pts []point) *geo.Index {
	ix := geo.New()
	for _, p := range pts {
		ix.Insert(p.ID, p.Lon, p.Lat)
	}
	return ix
}

// MustFixtureIndex returns the shared fixture index and its points, and
// checks the index holds all of them.
func MustFixtureIndex(tb testing.TB) (*geo.Index, []point) {
	tb.Helper()
	ix, pts := fixtureIndex(), fixturePoints()
	if ix.Len() != len(pts) {
		tb.Fatalf("fixture index holds %d points, want %d", ix.Len(), len(pts))
	}
	return ix, pts
}

// byDistance orders hits by (Meters, ID), written independently of
// geo.SortHits.
func byDistance(a, b geo.Hit) int {
	if c := cmp.Compare(a.Meters, b.Meters); c != 0 {
		return c
	}
	return cmp.Compare(a.ID, b.ID)
}

// bruteDistances returns every point as a hit from (lon, lat), sorted by
// (Meters, ID): the reference for Within and Nearest.
func bruteDistances(pts []point, lon, lat float64) []geo.Hit {
	hits := make([]geo.Hit, len(pts))
	for i, p := range pts {
		hits[i] = geo.Hit{ID: p.ID, Meters: geo.Distance(lon, lat, p.Lon, p.Lat)}
	}
	slices.SortFunc(hits, byDistance)
	return hits
}

// bruteWithin keeps the hits of a sorted bruteDistances list with d <= r.
func bruteWithin(all []geo.Hit, r float64) []geo.Hit {
	var out []geo.Hit
	for _, h := range all {
		if h.Meters <= r {
			out = append(out, h)
		}
	}
	return out
}

// bruteNearest keeps the first k hits of a sorted bruteDistances list that
// accept lets through and, when maxMeters > 0, lie within maxMeters.
func bruteNearest(all []geo.Hit, k int, maxMeters float64, accept func(uint32) bool) []geo.Hit {
	var out []geo.Hit
	for _, h := range all {
		if len(out) == k || (maxMeters > 0 && h.Meters > maxMeters) {
			break
		}
		if accept == nil || accept(h.ID) {
			out = append(out, h)
		}
	}
	return out
}

// MustEqualHits fails the test, showing the first difference, unless got
// and want hold the same hits in the same order.
func MustEqualHits(tb testing.TB, what string, got, want []geo.Hit) {
	tb.Helper()
	if slices.Equal(got, want) {
		return
	}
	n := min(len(got), len(want))
	i := 0
	for i < n && got[i] == want[i] {
		i++
	}
	var g, w any = "(end)", "(end)"
	if i < len(got) {
		g = got[i]
	}
	if i < len(want) {
		w = want[i]
	}
	tb.Fatalf("%s: %d hits, want %d; first difference at %d: got %+v, want %+v", what, len(got), len(want), i, g, w)
}

// MustEqualIDs is MustEqualHits for ID lists.
func MustEqualIDs(tb testing.TB, what string, got, want []uint32) {
	tb.Helper()
	if slices.Equal(got, want) {
		return
	}
	gotSet := map[uint32]int{}
	for _, id := range got {
		gotSet[id]++
	}
	wantSet := map[uint32]int{}
	for _, id := range want {
		wantSet[id]++
	}
	var extra, missing []uint32
	for id, c := range gotSet {
		if c > wantSet[id] {
			extra = append(extra, id)
		}
	}
	for id, c := range wantSet {
		if c > gotSet[id] {
			missing = append(missing, id)
		}
	}
	slices.Sort(extra)
	slices.Sort(missing)
	tb.Fatalf("%s: %d IDs, want %d; extra %v, missing %v, sorted %v", what, len(got), len(want), head(extra), head(missing), slices.IsSorted(got))
}

func head(ids []uint32) []uint32 {
	if len(ids) > 10 {
		return ids[:10]
	}
	return ids
}

type centre struct {
	name     string
	lon, lat float64
}

// queryCentres are the centres for Within and Nearest: random places in
// and around France, fixture points themselves (so clusters tie), and
// places on the antimeridian and at the poles.
func queryCentres(pts []point) []centre {
	rng := rand.New(rand.NewPCG(99, 1))
	var cs []centre
	for i := range 50 {
		lon, lat := -6+rng.Float64()*16, 40.5+rng.Float64()*11.5
		cs = append(cs, centre{fmt.Sprintf("random%02d", i), lon, lat})
	}
	for range 15 {
		p := pts[rng.IntN(10000)]
		cs = append(cs, centre{fmt.Sprintf("at-point-%d", p.ID), p.Lon, p.Lat})
	}
	byID := map[uint32]point{}
	for _, p := range pts {
		byID[p.ID] = p
	}
	for c := range clusterCount {
		p := byID[uint32(clusterBase+c*100)]
		cs = append(cs, centre{fmt.Sprintf("cluster%d", c), p.Lon, p.Lat})
	}
	return append(cs,
		centre{"Rodez", 2.57338, 44.35258},
		centre{"antimeridian east", 180, 0},
		centre{"antimeridian west", -180, 0},
		centre{"near antimeridian west side", -179.99, 0.5},
		centre{"near antimeridian east side", 179.7, -2},
		centre{"north pole", 0, 90},
		centre{"north pole other longitude", -77, 90},
		centre{"near north pole", 77, 89.9},
		centre{"south pole", 0, -90},
		centre{"near south pole", -120, -89.95},
		centre{"Indian ocean", 90, 0},
	)
}

func TestWithin(t *testing.T) {
	ix, pts := MustFixtureIndex(t)
	radii := []float64{100, 1000, 5000, 30000, 100000, 500000, 2e6, 12e6, geo.MaxDistanceMeters, 2 * geo.MaxDistanceMeters}
	for _, c := range queryCentres(pts) {
		t.Run(c.name, func(t *testing.T) {
			all := bruteDistances(pts, c.lon, c.lat)
			rs := slices.Clone(radii)
			// Radii exactly at some point's distance, where boundary
			// inclusion (d <= r) matters, and one ulp below it.
			for _, i := range []int{0, 1, 9, 99, 999} {
				d := all[i].Meters
				rs = append(rs, d, math.Nextafter(d, 0))
			}
			for _, r := range rs {
				want := bruteWithin(all, r)
				got := ix.Within(c.lon, c.lat, r)
				MustEqualHits(t, fmt.Sprintf("Within(%v, %v, %v)", c.lon, c.lat, r), got, want)
			}
		})
	}
}

// TestWithinBoundary checks a point exactly r away is in and one ulp
// further is out, for the 10th nearest point of many centres.
func TestWithinBoundary(t *testing.T) {
	ix, pts := MustFixtureIndex(t)
	for _, c := range queryCentres(pts)[:40] {
		all := bruteDistances(pts, c.lon, c.lat)
		edge := all[9]
		if !slices.Contains(ix.Within(c.lon, c.lat, edge.Meters), edge) {
			t.Errorf("%s: Within(r = %v) misses point %d exactly r away", c.name, edge.Meters, edge.ID)
		}
		below := math.Nextafter(edge.Meters, 0)
		if slices.ContainsFunc(ix.Within(c.lon, c.lat, below), func(h geo.Hit) bool { return h.ID == edge.ID }) {
			t.Errorf("%s: Within(r = %v) holds point %d at %v", c.name, below, edge.ID, edge.Meters)
		}
	}
}

func TestWithinEdgeCases(t *testing.T) {
	ix, _ := MustFixtureIndex(t)
	t.Run("zero radius at a point", func(t *testing.T) {
		p := fixturePoints()[len(fixturePoints())-1]
		got := ix.Within(p.Lon, p.Lat, 0)
		if len(got) == 0 || got[0].Meters != 0 {
			t.Fatalf("Within(%v, %v, 0) = %v, want at least the point itself", p.Lon, p.Lat, got)
		}
	})
	t.Run("both spellings of the antimeridian", func(t *testing.T) {
		for _, lon := range []float64{180, -180} {
			got := ix.Within(lon, 0, 1)
			ids := hitIDs(got)
			if !slices.Contains(ids, antimeridian0) || !slices.Contains(ids, antimeridian0+1) {
				t.Errorf("Within(%v, 0, 1 m) = %v, want both %d (180, 0) and %d (-180, 0)", lon, got, antimeridian0, antimeridian0+1)
			}
		}
	})
	t.Run("pole under any longitude", func(t *testing.T) {
		got := hitIDs(ix.Within(-33, 90, 1))
		if !slices.Contains(got, northPole) || !slices.Contains(got, northPole+1) {
			t.Errorf("Within(-33, 90, 1 m) = %v, want %d and %d", got, northPole, northPole+1)
		}
	})
	t.Run("empty index", func(t *testing.T) {
		if got := geo.New().Within(0, 0, geo.MaxDistanceMeters); len(got) != 0 {
			t.Errorf("empty index: Within = %v", got)
		}
	})
	t.Run("negative radius", func(t *testing.T) {
		p := fixturePoints()[0]
		if got := ix.Within(p.Lon, p.Lat, -1); len(got) != 0 {
			t.Errorf("Within(r = -1) = %v, want nothing", got)
		}
	})
}

func hitIDs(hits []geo.Hit) []uint32 {
	ids := make([]uint32, len(hits))
	for i, h := range hits {
		ids[i] = h.ID
	}
	return ids
}

func TestWithinFunc(t *testing.T) {
	ix, pts := MustFixtureIndex(t)
	c := queryCentres(pts)[3]
	const r = 100000
	want := bruteWithin(bruteDistances(pts, c.lon, c.lat), r)
	if len(want) < 10 {
		t.Fatalf("fixture: only %d points within %v m of %s", len(want), r, c.name)
	}
	t.Run("all", func(t *testing.T) {
		var got []geo.Hit
		ix.WithinFunc(c.lon, c.lat, r, func(h geo.Hit) bool {
			got = append(got, h)
			return true
		})
		slices.SortFunc(got, byDistance)
		MustEqualHits(t, "WithinFunc", got, want)
	})
	t.Run("stops when fn returns false", func(t *testing.T) {
		calls := 0
		ix.WithinFunc(c.lon, c.lat, r, func(h geo.Hit) bool {
			calls++
			if h.Meters > r {
				t.Errorf("WithinFunc gave %+v beyond %v m", h, r)
			}
			return calls < 3
		})
		if calls != 3 {
			t.Errorf("fn called %d times after returning false on the 3rd call", calls)
		}
	})
	t.Run("stops on the full-globe path too", func(t *testing.T) {
		calls := 0
		ix.WithinFunc(c.lon, c.lat, geo.MaxDistanceMeters, func(geo.Hit) bool {
			calls++
			return false
		})
		if calls != 1 {
			t.Errorf("fn called %d times after returning false", calls)
		}
	})
}

func TestNearest(t *testing.T) {
	ix, pts := MustFixtureIndex(t)
	even := func(id uint32) bool { return id%2 == 0 }
	for _, c := range queryCentres(pts) {
		t.Run(c.name, func(t *testing.T) {
			all := bruteDistances(pts, c.lon, c.lat)
			for _, k := range []int{1, 5, 50, 500} {
				// maxMeters exactly at the 7th nearest point's distance:
				// inclusive, like Within.
				for _, maxM := range []float64{0, 10000, 50000, all[6].Meters, math.Nextafter(all[6].Meters, 0)} {
					for _, f := range []struct {
						name   string
						accept func(uint32) bool
					}{{"all", nil}, {"even", even}} {
						want := bruteNearest(all, k, maxM, f.accept)
						got := ix.Nearest(c.lon, c.lat, k, maxM, f.accept)
						MustEqualHits(t, fmt.Sprintf("Nearest(%v, %v, k=%d, max=%v, %s)", c.lon, c.lat, k, maxM, f.name), got, want)
					}
				}
			}
		})
	}
}

// TestNearestManyCentres runs small-k queries from many random centres,
// where an over-estimating box bound in the best-first walk would show.
func TestNearestManyCentres(t *testing.T) {
	ix, pts := MustFixtureIndex(t)
	rng := rand.New(rand.NewPCG(31, 37))
	const k = 10
	for i := range 600 {
		lon, lat := -6+rng.Float64()*16, 40.5+rng.Float64()*11.5
		switch i % 6 {
		case 4: // near the antimeridian band
			lon, lat = math.Copysign(178+rng.Float64()*2, rng.Float64()-0.5), rng.Float64()*14-7
		case 5: // anywhere
			lon, lat = rng.Float64()*360-180, math.Asin(rng.Float64()*2-1)*180/math.Pi
		}
		want := bruteTopK(pts, lon, lat, k)
		MustEqualHits(t, fmt.Sprintf("Nearest(%v, %v, %d)", lon, lat, k), ix.Nearest(lon, lat, k, 0, nil), want)
	}
}

// bruteTopK is bruteDistances(pts, lon, lat)[:k] without sorting
// everything.
func bruteTopK(pts []point, lon, lat float64, k int) []geo.Hit {
	top := make([]geo.Hit, 0, k+1)
	for _, p := range pts {
		h := geo.Hit{ID: p.ID, Meters: geo.Distance(lon, lat, p.Lon, p.Lat)}
		if len(top) == k && byDistance(h, top[k-1]) >= 0 {
			continue
		}
		i, _ := slices.BinarySearchFunc(top, h, byDistance)
		top = slices.Insert(top, i, h)
		if len(top) > k {
			top = top[:k]
		}
	}
	return top
}

func TestNearestEdgeCases(t *testing.T) {
	ix, pts := MustFixtureIndex(t)
	t.Run("k <= 0", func(t *testing.T) {
		for _, k := range []int{0, -1} {
			if got := ix.Nearest(2, 46, k, 0, nil); len(got) != 0 {
				t.Errorf("Nearest(k=%d) = %v", k, got)
			}
		}
	})
	t.Run("k beyond Len returns everything", func(t *testing.T) {
		got := ix.Nearest(2, 46, len(pts)+10, 0, nil)
		MustEqualHits(t, "Nearest(k > Len)", got, bruteDistances(pts, 2, 46))
	})
	t.Run("accept nothing", func(t *testing.T) {
		if got := ix.Nearest(2, 46, 5, 0, func(uint32) bool { return false }); len(got) != 0 {
			t.Errorf("Nearest(accept nothing) = %v", got)
		}
	})
	t.Run("accept sees only candidates", func(t *testing.T) {
		seen := map[uint32]int{}
		ix.Nearest(2, 46, 5, 0, func(id uint32) bool {
			seen[id]++
			return id%7 == 0
		})
		for id, n := range seen {
			if n > 1 {
				t.Errorf("accept(%d) called %d times", id, n)
			}
		}
	})
	t.Run("ties at k broken by ID", func(t *testing.T) {
		// Cluster 0's points share coordinates; the lowest IDs win.
		var p point
		for _, q := range pts {
			if q.ID == clusterBase {
				p = q
			}
		}
		got := ix.Nearest(p.Lon, p.Lat, 3, 0, nil)
		want := []geo.Hit{{ID: clusterBase}, {ID: clusterBase + 1}, {ID: clusterBase + 2}}
		MustEqualHits(t, "Nearest in a cluster", got, want)
	})
	t.Run("empty index", func(t *testing.T) {
		if got := geo.New().Nearest(0, 0, 3, 0, nil); len(got) != 0 {
			t.Errorf("empty index: Nearest = %v", got)
		}
	})
}

// inBoundBrute is the reference for InBound: edges included, MinLon >
// MaxLon crossing the antimeridian.
func inBoundBrute(pts []point, b geo.Bound) []uint32 {
	var ids []uint32
	for _, p := range pts {
		if p.Lat < b.MinLat || p.Lat > b.MaxLat {
			continue
		}
		var in bool
		if b.MinLon <= b.MaxLon {
			in = p.Lon >= b.MinLon && p.Lon <= b.MaxLon
		} else {
			in = p.Lon >= b.MinLon || p.Lon <= b.MaxLon
		}
		if in {
			ids = append(ids, p.ID)
		}
	}
	slices.Sort(ids)
	return ids
}

func TestInBound(t *testing.T) {
	ix, pts := MustFixtureIndex(t)
	type tcase struct {
		name string
		b    geo.Bound
	}
	cases := []tcase{
		{"Aveyron", geo.Bound{MinLon: 1.8, MinLat: 43.7, MaxLon: 3.5, MaxLat: 44.95}},
		{"map-sized", geo.Bound{MinLon: 2, MinLat: 44, MaxLon: 3, MaxLat: 44.7}},
		{"all France", geo.Bound{MinLon: franceMinLon, MinLat: franceMinLat, MaxLon: franceMaxLon, MaxLat: franceMaxLat}},
		{"whole world", geo.Bound{MinLon: -180, MinLat: -90, MaxLon: 180, MaxLat: 90}},
		{"ocean", geo.Bound{MinLon: -40, MinLat: 10, MaxLon: -30, MaxLat: 20}},
		{"inverted latitudes", geo.Bound{MinLon: -5, MinLat: 48, MaxLon: 9, MaxLat: 45}},
		{"across the antimeridian", geo.Bound{MinLon: 179.5, MinLat: -3, MaxLon: -179.5, MaxLat: 3}},
		{"across the antimeridian, wide", geo.Bound{MinLon: 170, MinLat: -90, MaxLon: -170, MaxLat: 90}},
		{"east of the antimeridian only", geo.Bound{MinLon: 179.5, MinLat: -3, MaxLon: 180, MaxLat: 3}},
		{"west of the antimeridian only", geo.Bound{MinLon: -180, MinLat: -3, MaxLon: -179.5, MaxLat: 3}},
		{"across, edges on ±180", geo.Bound{MinLon: 180, MinLat: -2, MaxLon: -180, MaxLat: 2}},
		{"north cap", geo.Bound{MinLon: -180, MinLat: 89.5, MaxLon: 180, MaxLat: 90}},
		{"north pole only", geo.Bound{MinLon: -180, MinLat: 90, MaxLon: 180, MaxLat: 90}},
		{"across the antimeridian at the south pole", geo.Bound{MinLon: 90, MinLat: -90, MaxLon: -90, MaxLat: -89.5}},
	}
	rng := rand.New(rand.NewPCG(5, 6))
	for i := range 40 {
		w, h := 0.01+rng.Float64()*3, 0.01+rng.Float64()*2
		lon, lat := franceMinLon+rng.Float64()*(franceMaxLon-franceMinLon), franceMinLat+rng.Float64()*(franceMaxLat-franceMinLat)
		cases = append(cases, tcase{fmt.Sprintf("random%02d", i), geo.Bound{MinLon: lon - w/2, MinLat: lat - h/2, MaxLon: lon + w/2, MaxLat: lat + h/2}})
	}
	// Edges exactly on points: both corner points must be in.
	for range 10 {
		p, q := pts[rng.IntN(10000)], pts[rng.IntN(10000)]
		cases = append(cases, tcase{fmt.Sprintf("edges on points %d and %d", p.ID, q.ID),
			geo.Bound{MinLon: min(p.Lon, q.Lon), MinLat: min(p.Lat, q.Lat), MaxLon: max(p.Lon, q.Lon), MaxLat: max(p.Lat, q.Lat)}})
	}
	p := pts[1234]
	cases = append(cases, tcase{"degenerate box on a point", geo.Bound{MinLon: p.Lon, MinLat: p.Lat, MaxLon: p.Lon, MaxLat: p.Lat}})
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := ix.InBound(tc.b)
			want := inBoundBrute(pts, tc.b)
			MustEqualIDs(t, fmt.Sprintf("InBound(%+v)", tc.b), got, want)
		})
	}
	t.Run("edge points are in", func(t *testing.T) {
		got := ix.InBound(geo.Bound{MinLon: p.Lon, MinLat: p.Lat, MaxLon: p.Lon, MaxLat: p.Lat})
		if !slices.Contains(got, p.ID) {
			t.Errorf("a box reduced to point %d does not hold it: %v", p.ID, got)
		}
	})
}

// insideRing is an even-odd ray cast (a ray towards +lon), written
// independently of orb. Rings may be closed or open.
func insideRing(ring [][2]float64, lon, lat float64) bool {
	in := false
	for i, j := 0, len(ring)-1; i < len(ring); j, i = i, i+1 {
		xi, yi := ring[i][0], ring[i][1]
		xj, yj := ring[j][0], ring[j][1]
		if (yi > lat) != (yj > lat) && lon < (xj-xi)*(lat-yi)/(yj-yi)+xi {
			in = !in
		}
	}
	return in
}

func insidePolygon(p geo.Polygon, lon, lat float64) bool {
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

// MustOffEdges stops the test if any point lies within eps degrees of an
// edge of p, where the two point-in-polygon rules could fairly disagree.
func MustOffEdges(tb testing.TB, p geo.Polygon, pts []point, eps float64) {
	tb.Helper()
	for _, ring := range p {
		for i := range ring {
			a, b := ring[i], ring[(i+1)%len(ring)]
			for _, q := range pts {
				if d := segmentDistance(a, b, q.Lon, q.Lat); d < eps {
					tb.Fatalf("fixture: point %d (%v, %v) is %g° from edge %v–%v", q.ID, q.Lon, q.Lat, d, a, b)
				}
			}
		}
	}
}

func segmentDistance(a, b [2]float64, x, y float64) float64 {
	dx, dy := b[0]-a[0], b[1]-a[1]
	t := 0.0
	if l := dx*dx + dy*dy; l > 0 {
		t = math.Max(0, math.Min(1, ((x-a[0])*dx+(y-a[1])*dy)/l))
	}
	return math.Hypot(x-a[0]-t*dx, y-a[1]-t*dy)
}

func TestInPolygon(t *testing.T) {
	ix, pts := MustFixtureIndex(t)
	for _, tc := range []struct {
		name string
		p    geo.Polygon
		min  int // the polygon must hold at least this many points
	}{
		{"concave C", geo.Polygon{{
			{-1, 43}, {7, 43}, {7, 44.5}, {1.5, 44.5}, {1.5, 48}, {7, 48}, {7, 50}, {-1, 50}, {-1, 43},
		}}, 2000},
		{"star", geo.Polygon{starRing(2.5, 46.5, 4, 1.5, 7)}, 500},
		{"square with a square hole", geo.Polygon{
			{{-2, 42.5}, {8, 42.5}, {8, 50.5}, {-2, 50.5}, {-2, 42.5}},
			{{1, 45}, {5, 45}, {5, 48}, {1, 48}, {1, 45}},
		}, 3000},
		{"concave with two holes, holes clockwise", geo.Polygon{
			{{-4.5, 42}, {9, 42}, {9, 51}, {3, 46.5}, {-4.5, 51}, {-4.5, 42}},
			{{-3, 43}, {-3, 45}, {0, 45}, {0, 43}, {-3, 43}},
			{{5, 43}, {5, 44.2}, {7.5, 44.2}, {7.5, 43}, {5, 43}},
		}, 2000},
		{"open ring", geo.Polygon{{{0, 44}, {4, 44}, {4, 47}, {2, 45.5}, {0, 47}}}, 200},
		{"south polar band", geo.Polygon{{{-170, -89.9}, {170, -89.9}, {170, -89.2}, {-170, -89.2}, {-170, -89.9}}}, 20},
	} {
		t.Run(tc.name, func(t *testing.T) {
			MustOffEdges(t, tc.p, pts, 1e-9)
			var want []uint32
			for _, q := range pts {
				if insidePolygon(tc.p, q.Lon, q.Lat) {
					want = append(want, q.ID)
				}
			}
			slices.Sort(want)
			if len(want) < tc.min {
				t.Fatalf("fixture: only %d points inside, want at least %d", len(want), tc.min)
			}
			MustEqualIDs(t, "InPolygon", ix.InPolygon(tc.p), want)
		})
	}
	t.Run("empty polygon", func(t *testing.T) {
		for _, p := range []geo.Polygon{nil, {}, {{}}} {
			if got := ix.InPolygon(p); len(got) != 0 {
				t.Errorf("InPolygon(%v) = %v", p, got)
			}
		}
	})
}

// starRing is a closed n-pointed star: concave at every inner vertex.
func starRing(lon, lat, outer, inner float64, n int) [][2]float64 {
	var ring [][2]float64
	for i := range 2 * n {
		r := outer
		if i%2 == 1 {
			r = inner
		}
		a := float64(i)*math.Pi/float64(n) + 0.1
		ring = append(ring, [2]float64{lon + r*math.Cos(a), lat + 0.7*r*math.Sin(a)})
	}
	return append(ring, ring[0])
}

// destination returns the point d metres from (lon, lat) on the initial
// bearing θ (radians), longitude normalised to [-180, 180].
func destination(lon, lat, d, θ float64) (float64, float64) {
	φ1, λ1 := lat*math.Pi/180, lon*math.Pi/180
	δ := d / geo.EarthRadiusMeters
	φ2 := math.Asin(math.Sin(φ1)*math.Cos(δ) + math.Cos(φ1)*math.Sin(δ)*math.Cos(θ))
	λ2 := λ1 + math.Atan2(math.Sin(θ)*math.Sin(δ)*math.Cos(φ1), math.Cos(δ)-math.Sin(φ1)*math.Sin(φ2))
	lon2 := math.Remainder(λ2*180/math.Pi, 360)
	return lon2, math.Max(-90, math.Min(90, φ2*180/math.Pi))
}

func inBox(b geo.Bound, lon, lat float64) bool {
	if lat < b.MinLat || lat > b.MaxLat {
		return false
	}
	if b.MinLon <= b.MaxLon {
		return lon >= b.MinLon && lon <= b.MaxLon
	}
	return lon >= b.MinLon || lon <= b.MaxLon
}

// TestBoundAround checks the property Within relies on: every point
// within r of the centre lies inside BoundAround's box.
func TestBoundAround(t *testing.T) {
	rng := rand.New(rand.NewPCG(17, 19))
	type tcase struct {
		name     string
		lon, lat float64
	}
	var cases []tcase
	for i := range 150 {
		cases = append(cases, tcase{fmt.Sprintf("France%03d", i), franceMinLon + rng.Float64()*(franceMaxLon-franceMinLon), franceMinLat + rng.Float64()*(franceMaxLat-franceMinLat)})
	}
	for i := range 100 {
		cases = append(cases, tcase{fmt.Sprintf("globe%03d", i), rng.Float64()*360 - 180, math.Asin(rng.Float64()*2-1) * 180 / math.Pi})
	}
	for i := range 40 {
		cases = append(cases, tcase{fmt.Sprintf("antimeridian%02d", i), math.Copysign(179+rng.Float64(), rng.Float64()-0.5), rng.Float64()*120 - 60})
	}
	for i := range 40 {
		cases = append(cases, tcase{fmt.Sprintf("polar%02d", i), rng.Float64()*360 - 180, math.Copysign(85+rng.Float64()*5, rng.Float64()-0.5)})
	}
	cases = append(cases, tcase{"north pole", 0, 90}, tcase{"south pole", 10, -90}, tcase{"on 180", 180, 20}, tcase{"on -180", -180, -20}, tcase{"origin", 0, 0})
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			for range 6 {
				r := math.Exp(math.Log(10) + rng.Float64()*(math.Log(5e6)-math.Log(10))) // 10 m … 5000 km
				if rng.IntN(6) == 0 {
					r = rng.Float64() * 19e6
				}
				b := MustBoundAround(t, tc.lon, tc.lat, r)
				try := func(lon, lat float64) {
					if geo.Distance(tc.lon, tc.lat, lon, lat) > r {
						return
					}
					if !inBox(b, lon, lat) {
						t.Fatalf("BoundAround(%v, %v, %v) = %+v misses (%v, %v) at %v m", tc.lon, tc.lat, r, b, lon, lat, geo.Distance(tc.lon, tc.lat, lon, lat))
					}
				}
				// The circle itself, densely, where the box is tight.
				for i := range 720 {
					try(destination(tc.lon, tc.lat, r, float64(i)*math.Pi/360))
				}
				// Random points inside the disc.
				for range 300 {
					try(destination(tc.lon, tc.lat, r*math.Sqrt(rng.Float64()), rng.Float64()*2*math.Pi))
				}
				// Random points on the globe, for large radii.
				for range 100 {
					try(rng.Float64()*360-180, math.Asin(rng.Float64()*2-1)*180/math.Pi)
				}
			}
		})
	}
}

// MustBoundAround calls geo.BoundAround and checks the box is well
// formed: no NaN, latitudes ordered within [-90, 90].
func MustBoundAround(tb testing.TB, lon, lat, r float64) geo.Bound {
	tb.Helper()
	b := geo.BoundAround(lon, lat, r)
	if math.IsNaN(b.MinLon) || math.IsNaN(b.MaxLon) || math.IsNaN(b.MinLat) || math.IsNaN(b.MaxLat) {
		tb.Fatalf("BoundAround(%v, %v, %v) = %+v has NaN", lon, lat, r, b)
	}
	if b.MinLat > b.MaxLat || b.MinLat < -90 || b.MaxLat > 90 {
		tb.Fatalf("BoundAround(%v, %v, %v) = %+v: bad latitudes", lon, lat, r, b)
	}
	return b
}

// TestBoundAroundTight checks the box is not much larger than the circle,
// away from poles and the antimeridian, by sampling the circle.
func TestBoundAroundTight(t *testing.T) {
	rng := rand.New(rand.NewPCG(23, 29))
	for i := range 200 {
		lon, lat := franceMinLon+rng.Float64()*(franceMaxLon-franceMinLon), franceMinLat+rng.Float64()*(franceMaxLat-franceMinLat)
		r := math.Exp(math.Log(100) + rng.Float64()*(math.Log(5e5)-math.Log(100)))
		b := MustBoundAround(t, lon, lat, r)
		minLon, minLat, maxLon, maxLat := math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)
		for j := range 3600 {
			x, y := destination(lon, lat, r, float64(j)*math.Pi/1800)
			minLon, maxLon = min(minLon, x), max(maxLon, x)
			minLat, maxLat = min(minLat, y), max(maxLat, y)
		}
		w, h := maxLon-minLon, maxLat-minLat
		if b.MinLon > minLon || b.MaxLon < maxLon || b.MinLat > minLat || b.MaxLat < maxLat {
			t.Fatalf("case %d: BoundAround(%v, %v, %v) = %+v does not hold the sampled circle [%v %v %v %v]", i, lon, lat, r, b, minLon, minLat, maxLon, maxLat)
		}
		if b.MaxLon-b.MinLon > w*(1+1e-5)+1e-8 || b.MaxLat-b.MinLat > h*(1+1e-9)+1e-8 {
			t.Errorf("case %d: BoundAround(%v, %v, %v) = %+v is loose around the circle [%v %v %v %v]", i, lon, lat, r, b, minLon, minLat, maxLon, maxLat)
		}
	}
}

func TestInsertDeleteLen(t *testing.T) {
	pts := fixturePoints()[:2000]
	ix := buildIndex(pts)
	if ix.Len() != len(pts) {
		t.Fatalf("Len = %d after %d inserts", ix.Len(), len(pts))
	}
	if n := geo.New().Len(); n != 0 {
		t.Fatalf("New().Len() = %d", n)
	}
	victim := pts[321]
	around := func() []uint32 { return hitIDs(ix.Within(victim.Lon, victim.Lat, 1)) }
	if !slices.Contains(around(), victim.ID) {
		t.Fatalf("point %d not found before Delete", victim.ID)
	}

	t.Run("delete with wrong coordinates is a no-op", func(t *testing.T) {
		ix.Delete(victim.ID, victim.Lon+0.001, victim.Lat)
		if ix.Len() != len(pts) || !slices.Contains(around(), victim.ID) {
			t.Fatalf("Delete at wrong coordinates removed something: Len %d", ix.Len())
		}
	})
	t.Run("delete with wrong ID is a no-op", func(t *testing.T) {
		ix.Delete(999999, victim.Lon, victim.Lat)
		if ix.Len() != len(pts) {
			t.Fatalf("Delete of an unknown ID: Len %d", ix.Len())
		}
	})
	t.Run("delete removes the point", func(t *testing.T) {
		ix.Delete(victim.ID, victim.Lon, victim.Lat)
		if ix.Len() != len(pts)-1 {
			t.Fatalf("Len = %d after Delete, want %d", ix.Len(), len(pts)-1)
		}
		if slices.Contains(around(), victim.ID) {
			t.Errorf("Within still finds deleted point %d", victim.ID)
		}
		if slices.Contains(ix.InBound(geo.Bound{MinLon: victim.Lon, MinLat: victim.Lat, MaxLon: victim.Lon, MaxLat: victim.Lat}), victim.ID) {
			t.Errorf("InBound still finds deleted point %d", victim.ID)
		}
		rest := slices.DeleteFunc(slices.Clone(pts), func(p point) bool { return p.ID == victim.ID })
		MustEqualHits(t, "Nearest after Delete", ix.Nearest(victim.Lon, victim.Lat, 20, 0, nil), bruteDistances(rest, victim.Lon, victim.Lat)[:20])
	})
	t.Run("delete again is a no-op", func(t *testing.T) {
		ix.Delete(victim.ID, victim.Lon, victim.Lat)
		if ix.Len() != len(pts)-1 {
			t.Fatalf("Len = %d after a second Delete", ix.Len())
		}
	})
	t.Run("same ID twice is stored twice", func(t *testing.T) {
		ix := geo.New()
		ix.Insert(7, 2.5, 44.5)
		ix.Insert(7, 2.5, 44.5)
		ix.Insert(8, 2.5, 44.5)
		if ix.Len() != 3 {
			t.Fatalf("Len = %d, want 3", ix.Len())
		}
		MustEqualIDs(t, "InBound", ix.InBound(geo.Bound{MinLon: 2, MinLat: 44, MaxLon: 3, MaxLat: 45}), []uint32{7, 7, 8})
		ix.Delete(7, 2.5, 44.5)
		if ix.Len() != 2 {
			t.Fatalf("Len = %d after deleting one copy, want 2", ix.Len())
		}
		MustEqualIDs(t, "InBound", ix.InBound(geo.Bound{MinLon: 2, MinLat: 44, MaxLon: 3, MaxLat: 45}), []uint32{7, 8})
	})
	t.Run("delete everything", func(t *testing.T) {
		ix := buildIndex(pts[:300])
		for _, p := range slices.Backward(pts[:300]) {
			ix.Delete(p.ID, p.Lon, p.Lat)
		}
		if ix.Len() != 0 {
			t.Fatalf("Len = %d after deleting every point", ix.Len())
		}
		if got := ix.Within(2, 46, geo.MaxDistanceMeters); len(got) != 0 {
			t.Errorf("Within on an emptied index = %v", got)
		}
		ix.Insert(1, 2, 46)
		MustEqualHits(t, "reuse after emptying", ix.Nearest(2, 46, 3, 0, nil), []geo.Hit{{ID: 1}})
	})
}

func TestSortHits(t *testing.T) {
	h := func(id uint32, m float64) geo.Hit { return geo.Hit{ID: id, Meters: m} }
	hits := []geo.Hit{h(5, 10), h(3, 2), h(9, 2), h(1, 10), h(4, 0), h(2, 2)}
	geo.SortHits(hits)
	want := []geo.Hit{h(4, 0), h(2, 2), h(3, 2), h(9, 2), h(1, 10), h(5, 10)}
	MustEqualHits(t, "SortHits", hits, want)
}
