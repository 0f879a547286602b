package geo_test

import (
	"cmp"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"sync"
	"testing"

	"github.com/tierslieux/tierslieux/geo"
)

const (
	rad = math.Pi / 180
	re  = geo.EarthRadiusMeters
)

// MustStraightRoute and MustPolylineRoute build routes the test expects to
// be valid.
func MustStraightRoute(tb testing.TB, fromLon, fromLat, toLon, toLat float64) *geo.Route {
	tb.Helper()
	r, err := geo.StraightRoute(fromLon, fromLat, toLon, toLat)
	if err != nil {
		tb.Fatalf("StraightRoute(%v, %v, %v, %v): %v", fromLon, fromLat, toLon, toLat, err)
	}
	return r
}

func MustPolylineRoute(tb testing.TB, pts [][2]float64) *geo.Route {
	tb.Helper()
	r, err := geo.PolylineRoute(pts)
	if err != nil {
		tb.Fatalf("PolylineRoute(%v): %v", pts, err)
	}
	return r
}

func TestRouteErrors(t *testing.T) {
	long := make([][2]float64, geo.MaxRoutePoints+1)
	for i := range long {
		long[i] = [2]float64{1 + float64(i)*1e-4, 43}
	}
	for _, tc := range []struct {
		name  string
		build func() (*geo.Route, error)
	}{
		{"straight NaN", func() (*geo.Route, error) { return geo.StraightRoute(math.NaN(), 43, 1, 44) }},
		{"straight longitude beyond 180", func() (*geo.Route, error) { return geo.StraightRoute(181, 43, 1, 44) }},
		{"straight latitude beyond 90", func() (*geo.Route, error) { return geo.StraightRoute(1, 43, 1, -90.5) }},
		{"straight antipodal", func() (*geo.Route, error) { return geo.StraightRoute(0, 0, 180, 0) }},
		{"straight nearly antipodal", func() (*geo.Route, error) { return geo.StraightRoute(1.44, 43.6, 1.44-180, -43.6+1e-8) }},
		{"polyline empty", func() (*geo.Route, error) { return geo.PolylineRoute(nil) }},
		{"polyline one point", func() (*geo.Route, error) { return geo.PolylineRoute([][2]float64{{1, 43}}) }},
		{"polyline too long", func() (*geo.Route, error) { return geo.PolylineRoute(long) }},
		{"polyline NaN", func() (*geo.Route, error) { return geo.PolylineRoute([][2]float64{{1, 43}, {1, math.NaN()}}) }},
		{"polyline infinite", func() (*geo.Route, error) { return geo.PolylineRoute([][2]float64{{math.Inf(1), 43}, {1, 44}}) }},
		{"polyline antipodal leg", func() (*geo.Route, error) { return geo.PolylineRoute([][2]float64{{1, 43}, {2, 44}, {-178, -44}}) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, err := tc.build()
			if !errors.Is(err, geo.ErrRoute) || r != nil {
				t.Errorf("got %v, %v; want nil and an error wrapping ErrRoute", r, err)
			}
		})
	}
	t.Run("limits are fine", func(t *testing.T) {
		MustPolylineRoute(t, long[:geo.MaxRoutePoints])
		MustPolylineRoute(t, [][2]float64{{1, 43}, {1, 43}, {1, 43}})
		MustStraightRoute(t, 1, 43, 1, 43)
		MustStraightRoute(t, -180, -45, 180, 45)
	})
}

func TestRouteLength(t *testing.T) {
	pts := [][2]float64{{1.0573, 43.6138}, {1.2, 43.62}, {1.2, 43.62}, {1.44367, 43.60426}}
	want := 0.0
	for i := 1; i < len(pts); i++ {
		want += geo.Distance(pts[i-1][0], pts[i-1][1], pts[i][0], pts[i][1])
	}
	if got := MustPolylineRoute(t, pts).LengthMeters(); got != want {
		t.Errorf("polyline LengthMeters = %v, want %v", got, want)
	}
	if got, want := MustStraightRoute(t, 1.0573, 43.6138, 1.44367, 43.60426).LengthMeters(), geo.Distance(1.0573, 43.6138, 1.44367, 43.60426); got != want {
		t.Errorf("straight LengthMeters = %v, want %v", got, want)
	}
}

// TestMeasure checks detours and positions along routes against values
// worked out by hand with right spherical triangles.
func TestMeasure(t *testing.T) {
	// rightHyp is the hypotenuse of a right spherical triangle with legs a
	// and b, in degrees, as metres: cos c = cos a cos b.
	rightHyp := func(a, b float64) float64 { return math.Acos(math.Cos(a*rad)*math.Cos(b*rad)) * re }
	deg := func(d float64) float64 { return d * rad * re }
	equator := [][2]float64{{0, 0}, {0.2, 0}}
	// Meridian 1°E from the equator to 1°N, after 1° of equator.
	corner := [][2]float64{{0, 0}, {1, 0}, {1, 1}}
	// The foot of (0.9°, 0.5°) on meridian 1°: Napier's rules in the
	// triangle with the north pole, right-angled at the foot.
	footLat := math.Atan(math.Tan(0.5*rad)/math.Cos(0.1*rad)) / rad
	// 50 km due east of the middle of a 1.1 mm leg along a meridian: the
	// leg's plane must be exact for the cross-track to come out right.
	mmLon, mmLat := destination(1, 43+0.5e-8, 50000, math.Pi/2)
	for _, tc := range []struct {
		name                   string
		straight               bool
		route                  [][2]float64
		lon, lat               float64
		wantDetour, wantAlong  float64
		detourTol, alongTolTol float64
	}{
		{"on a straight route", true, equator, 0.05, 0, 0, deg(0.05), 1e-6, 1e-6},
		{"on a polyline", false, equator, 0.05, 0, 0, deg(0.05), 1e-6, 1e-6},
		{"at the start", true, equator, 0, 0, 0, 0, 1e-6, 1e-6},
		{"at the end of a polyline", false, equator, 0.2, 0, 0, deg(0.2), 1e-6, 1e-6},
		{"perpendicular to the middle, straight", true, equator, 0.1, 0.05, 2*rightHyp(0.1, 0.05) - deg(0.2), deg(0.1), 1e-6, 1e-6},
		{"perpendicular to the middle, polyline", false, equator, 0.1, 0.05, 2 * deg(0.05), deg(0.1), 1e-6, 1e-6},
		{"south of the middle", false, equator, 0.1, -0.05, 2 * deg(0.05), deg(0.1), 1e-6, 1e-6},
		{"beyond the end, straight", true, equator, 0.5, 0.2, rightHyp(0.5, 0.2) + rightHyp(0.3, 0.2) - deg(0.2), deg(0.2), 1e-6, 1e-6},
		{"beyond the end, polyline", false, equator, 0.5, 0.2, 2 * rightHyp(0.3, 0.2), deg(0.2), 1e-6, 1e-6},
		{"before the start, polyline", false, equator, -0.3, -0.1, 2 * rightHyp(0.3, 0.1), 0, 1e-6, 1e-6},
		{"before the start, straight", true, equator, -0.3, -0.1, rightHyp(0.3, 0.1) + rightHyp(0.5, 0.1) - deg(0.2), 0, 1e-6, 1e-6},
		{"inside a corner, nearer the second leg", false, corner, 0.9, 0.5,
			2 * math.Asin(math.Cos(0.5*rad)*math.Sin(0.1*rad)) * re, deg(1) + deg(footLat), 1e-6, 1e-6},
		{"inside a corner, nearer the first leg", false, corner, 0.5, 0.1, 2 * deg(0.1), deg(0.5), 1e-6, 1e-6},
		{"outside the corner: the corner itself", false, corner, 1.3, -0.4, 2 * rightHyp(0.3, 0.4), deg(1), 1e-6, 1e-6},
		{"on the corner", false, corner, 1, 0, 0, deg(1), 1e-6, 1e-6},
		{"a zero-length route is a point", false, [][2]float64{{1, 43}, {1, 43}}, 1, 43.5, 2 * deg(0.5), 0, 1e-6, 0},
		{"a zero-length straight route", true, [][2]float64{{1, 43}, {1, 43}}, 1, 43.5, 2 * deg(0.5), 0, 1e-6, 0},
		{"a duplicate point inside a polyline", false, [][2]float64{{0, 0}, {0.1, 0}, {0.1, 0}, {0.2, 0}}, 0.15, 0.01, 2 * deg(0.01), deg(0.15), 1e-6, 1e-6},
		{"across the antimeridian", false, [][2]float64{{179.9, 0}, {-179.9, 0}}, 180, 0.05, 2 * deg(0.05), deg(0.1), 1e-6, 1e-6},
		{"over the pole", false, [][2]float64{{0, 89.9}, {180, 89.9}}, 90, 89.95, 2 * deg(0.05), deg(0.1), 1e-6, 1e-6},
		{"a millimetre leg, a point 50 km east of its middle", false, [][2]float64{{1, 43}, {1, 43 + 1e-8}}, mmLon, mmLat, 2 * 50000, 0.5e-8 * rad * re, 1e-3, 1e-6},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var r *geo.Route
			if tc.straight {
				r = MustStraightRoute(t, tc.route[0][0], tc.route[0][1], tc.route[1][0], tc.route[1][1])
			} else {
				r = MustPolylineRoute(t, tc.route)
			}
			detour, along := r.Measure(tc.lon, tc.lat)
			if math.Abs(detour-tc.wantDetour) > tc.detourTol || math.Abs(along-tc.wantAlong) > tc.alongTolTol {
				t.Errorf("Measure(%v, %v) = detour %.9f m, along %.9f m; want %.9f m, %.9f m", tc.lon, tc.lat, detour, along, tc.wantDetour, tc.wantAlong)
			}
			if detour < 0 || along < 0 || along > r.LengthMeters() {
				t.Errorf("Measure(%v, %v) = %v, %v: out of [0, %v]", tc.lon, tc.lat, detour, along, r.LengthMeters())
			}
		})
	}
	t.Run("invalid point", func(t *testing.T) {
		r := MustPolylineRoute(t, equator)
		for _, p := range [][2]float64{{math.NaN(), 0}, {0, 91}, {-181, 0}} {
			if d, a := r.Measure(p[0], p[1]); !math.IsNaN(d) || !math.IsNaN(a) {
				t.Errorf("Measure(%v) = %v, %v; want NaN, NaN", p, d, a)
			}
		}
	})
	t.Run("ties go to the first leg", func(t *testing.T) {
		// Back and forth on the same line: every point is as near the
		// first leg as the second.
		r := MustPolylineRoute(t, [][2]float64{{0, 0}, {0.2, 0}, {0, 0}})
		if _, along := r.Measure(0.05, 0.01); math.Abs(along-deg(0.05)) > 1e-6 {
			t.Errorf("along = %v, want %v on the first leg", along, deg(0.05))
		}
	})
	t.Run("straight ellipse", func(t *testing.T) {
		// Points at the same detour from Toulouse to Albi lie on an
		// ellipse: check a few against the definition directly.
		from, to := [2]float64{1.44367, 43.60426}, [2]float64{2.1486, 43.9289}
		r := MustStraightRoute(t, from[0], from[1], to[0], to[1])
		rng := rand.New(rand.NewPCG(8, 9))
		for range 1000 {
			lon, lat := 1+rng.Float64()*1.5, 43.2+rng.Float64()*1.1
			want := geo.Distance(from[0], from[1], lon, lat) + geo.Distance(lon, lat, to[0], to[1]) - geo.Distance(from[0], from[1], to[0], to[1])
			if d, _ := r.Measure(lon, lat); d != max(want, 0) {
				t.Fatalf("Measure(%v, %v) detour %v, want %v", lon, lat, d, want)
			}
		}
	})
}

// occitanie is the bounding box of the region, with some margin.
var occitanie = geo.Bound{MinLon: -0.5, MinLat: 42.2, MaxLon: 5, MaxLat: 45.2}

// occitaniePoints are 20,000 pseudo-random points around Occitanie, plus
// copies of some under new IDs, built once.
var occitaniePoints = sync.OnceValue(func() []point {
	rng := rand.New(rand.NewPCG(43, 1))
	return randomIn(rng, occitanie, 20000)
})

func randomIn(rng *rand.Rand, b geo.Bound, n int) []point {
	pts := make([]point, 0, n+n/50)
	for i := range n {
		pts = append(pts, point{uint32(i), b.MinLon + rng.Float64()*(b.MaxLon-b.MinLon), b.MinLat + rng.Float64()*(b.MaxLat-b.MinLat)})
	}
	for i := range n / 50 {
		p := pts[rng.IntN(n)]
		pts = append(pts, point{uint32(n + i), p.Lon, p.Lat})
	}
	return pts
}

var occitanieIndex = sync.OnceValue(func() *geo.Index { return buildIndex(occitaniePoints()) })

// randomPolyline is a walk of n points from (lon, lat) with legs of about
// step metres in slowly turning directions, sometimes repeating a point or
// doubling back.
func randomPolyline(rng *rand.Rand, lon, lat float64, n int, step float64) [][2]float64 {
	pts := [][2]float64{{lon, lat}}
	θ := rng.Float64() * 2 * math.Pi
	for len(pts) < n {
		switch rng.IntN(12) {
		case 0:
			pts = append(pts, pts[len(pts)-1])
			continue
		case 1:
			θ += math.Pi
		}
		θ += rng.NormFloat64() * 0.5
		lon, lat = destination(lon, lat, step*(0.2+1.6*rng.Float64()), θ)
		pts = append(pts, [2]float64{lon, lat})
	}
	return pts
}

// measureAll measures every point against r, sorted by ID: the reference
// for Index.Corridor, filtered by bruteCorridor.
func measureAll(pts []point, r *geo.Route) []geo.CorridorHit {
	all := make([]geo.CorridorHit, len(pts))
	for i, p := range pts {
		d, a := r.Measure(p.Lon, p.Lat)
		all[i] = geo.CorridorHit{ID: p.ID, DetourMeters: d, AlongMeters: a}
	}
	slices.SortFunc(all, byIDThenFigures)
	return all
}

func bruteCorridor(all []geo.CorridorHit, maxDetour float64, accept func(uint32) bool) []geo.CorridorHit {
	var hits []geo.CorridorHit
	for _, h := range all {
		if (accept == nil || accept(h.ID)) && h.DetourMeters <= maxDetour {
			hits = append(hits, h)
		}
	}
	return hits
}

func byIDThenFigures(a, b geo.CorridorHit) int {
	return cmp.Or(cmp.Compare(a.ID, b.ID), cmp.Compare(a.DetourMeters, b.DetourMeters), cmp.Compare(a.AlongMeters, b.AlongMeters))
}

func corridor(ix *geo.Index, r *geo.Route, maxDetour float64, accept func(uint32) bool) []geo.CorridorHit {
	var hits []geo.CorridorHit
	ix.Corridor(r, maxDetour, accept, func(h geo.CorridorHit) bool {
		hits = append(hits, h)
		return true
	})
	slices.SortFunc(hits, byIDThenFigures)
	return hits
}

// MustEqualCorridor fails unless got and want hold the same hits, figures
// included, bit for bit.
func MustEqualCorridor(tb testing.TB, what string, got, want []geo.CorridorHit) {
	tb.Helper()
	if slices.Equal(got, want) {
		return
	}
	i := 0
	for i < min(len(got), len(want)) && got[i] == want[i] {
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

var corridorDetours = []float64{0, 1000, 5000, 10000, 50000}

// TestCorridorMatchesBruteForce is the property Corridor promises: on
// random routes around Occitanie it finds exactly the points a scan with
// Route.Measure finds, with the same figures.
func TestCorridorMatchesBruteForce(t *testing.T) {
	ix, pts := occitanieIndex(), occitaniePoints()
	rng := rand.New(rand.NewPCG(2026, 43))
	type tcase struct {
		name  string
		route *geo.Route
	}
	var cases []tcase
	for i := range 30 {
		a := pts[rng.IntN(len(pts))]
		lon, lat := destination(a.Lon, a.Lat, []float64{500, 5000, 30000, 100000, 250000}[i%5]*rng.Float64(), rng.Float64()*2*math.Pi)
		cases = append(cases, tcase{fmt.Sprintf("straight%02d", i), MustStraightRoute(t, a.Lon, a.Lat, lon, lat)})
	}
	for i := range 30 {
		a := pts[rng.IntN(len(pts))]
		n := 2 + rng.IntN(49)
		step := []float64{50, 500, 3000, 100000 / float64(n)}[i%4]
		cases = append(cases, tcase{fmt.Sprintf("polyline%02d n=%d step=%gm", i, n, math.Round(step)), MustPolylineRoute(t, randomPolyline(rng, a.Lon, a.Lat, n, step))})
	}
	// Routes whose ends and corners are indexed points, where the detour
	// is exactly zero.
	a, b, c := pts[10], pts[20], pts[30]
	cases = append(cases,
		tcase{"straight between points", MustStraightRoute(t, a.Lon, a.Lat, b.Lon, b.Lat)},
		tcase{"polyline through points", MustPolylineRoute(t, [][2]float64{{a.Lon, a.Lat}, {b.Lon, b.Lat}, {c.Lon, c.Lat}, {a.Lon, a.Lat}})},
		tcase{"straight of zero length", MustStraightRoute(t, a.Lon, a.Lat, a.Lon, a.Lat)},
		tcase{"polyline of zero length", MustPolylineRoute(t, [][2]float64{{a.Lon, a.Lat}, {a.Lon, a.Lat}})},
		// Folded: 500 legs within a few kilometres, every box meeting
		// every other, beyond what overlap lists are kept for.
		tcase{"folded", MustPolylineRoute(t, randomPolyline(rng, a.Lon, a.Lat, 500, 200))},
		// Every point is as near one leg as the next: ties go to the
		// first, whose along differs.
		tcase{"there and back, twice", MustPolylineRoute(t, [][2]float64{{a.Lon, a.Lat}, {b.Lon, b.Lat}, {a.Lon, a.Lat}, {b.Lon, b.Lat}, {a.Lon, a.Lat}})},
	)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			all := measureAll(pts, tc.route)
			for _, d := range corridorDetours {
				want := bruteCorridor(all, d, nil)
				MustEqualCorridor(t, fmt.Sprintf("Corridor(detour %v m)", d), corridor(ix, tc.route, d, nil), want)
			}
		})
	}
}

// TestCorridorEdgeCases runs Corridor on the fixture index, whose points
// reach the antimeridian and the poles, and checks its callbacks.
func TestCorridorEdgeCases(t *testing.T) {
	ix, pts := MustFixtureIndex(t)
	rng := rand.New(rand.NewPCG(5, 55))
	routes := map[string]*geo.Route{
		"straight across the antimeridian": MustStraightRoute(t, 179.5, -1, -179.5, 1),
		"polyline along the antimeridian":  MustPolylineRoute(t, [][2]float64{{179.8, -4}, {-179.9, -1}, {180, 0}, {-180, 2}, {179.9, 4}}),
		"straight over the north pole":     MustStraightRoute(t, 0, 89, 180, 89.5),
		"polyline round the south pole":    MustPolylineRoute(t, [][2]float64{{0, -89.5}, {90, -89.5}, {180, -89.5}, {-90, -89.5}, {0, -89.5}}),
		"polyline through the north pole":  MustPolylineRoute(t, [][2]float64{{10, 89}, {0, 90}, {-170, 89.5}}),
		"straight across France":           MustStraightRoute(t, -4.5, 48.4, 7.7, 43.7),
		"polyline across France":           MustPolylineRoute(t, randomPolyline(rng, -1, 47, 40, 30000)),
		"quarter of the globe":             MustStraightRoute(t, -60, 10, 60, 50),
	}
	even := func(id uint32) bool { return id%2 == 0 }
	for name, r := range routes {
		t.Run(name, func(t *testing.T) {
			all := measureAll(pts, r)
			for _, d := range []float64{1, 10000, 100000, 1000000, 8e6, 2 * geo.MaxDistanceMeters} {
				MustEqualCorridor(t, fmt.Sprintf("Corridor(detour %v m)", d), corridor(ix, r, d, nil), bruteCorridor(all, d, nil))
				MustEqualCorridor(t, fmt.Sprintf("Corridor(detour %v m, even IDs)", d), corridor(ix, r, d, even), bruteCorridor(all, d, even))
			}
		})
	}
	r := routes["polyline across France"]
	t.Run("accept is asked once per point", func(t *testing.T) {
		asked := map[uint32]int{}
		ix.Corridor(r, 50000, func(id uint32) bool {
			asked[id]++
			return true
		}, func(geo.CorridorHit) bool { return true })
		for id, n := range asked {
			if n > 1 {
				t.Fatalf("accept(%d) asked %d times", id, n)
			}
		}
		if len(asked) == 0 {
			t.Fatal("accept never asked")
		}
	})
	t.Run("stops when fn returns false", func(t *testing.T) {
		for _, r := range []*geo.Route{r, routes["straight across France"]} {
			calls := 0
			ix.Corridor(r, 50000, nil, func(geo.CorridorHit) bool {
				calls++
				return calls < 4
			})
			if calls != 4 {
				t.Errorf("fn called %d times after returning false on the 4th call", calls)
			}
		}
	})
	t.Run("no detour, no hits", func(t *testing.T) {
		for _, d := range []float64{-1, math.NaN()} {
			ix.Corridor(r, d, nil, func(h geo.CorridorHit) bool {
				t.Fatalf("detour %v: got %+v", d, h)
				return false
			})
		}
		ix.Corridor(nil, 1000, nil, func(h geo.CorridorHit) bool {
			t.Fatalf("nil route: got %+v", h)
			return false
		})
	})
}

// TestCorridorHighLatitudeLegs checks the leg boxes where the arcs bulge
// most: long east-west legs far from the equator, whose middle lies well
// poleward of their ends and whose discs span the most longitude there.
func TestCorridorHighLatitudeLegs(t *testing.T) {
	rng := rand.New(rand.NewPCG(70, 60))
	north := randomIn(rng, geo.Bound{MinLon: -40, MinLat: 60, MaxLon: 40, MaxLat: 85}, 20000)
	south := randomIn(rng, geo.Bound{MinLon: 90, MinLat: -85, MaxLon: 150, MaxLat: -50}, 20000)
	for i := range south {
		south[i].ID += 100000
	}
	pts := append(north, south...)
	ix := buildIndex(pts)
	for name, r := range map[string]*geo.Route{
		"north":           MustPolylineRoute(t, [][2]float64{{-20, 70}, {20, 70}}),
		"north zigzag":    MustPolylineRoute(t, [][2]float64{{-30, 65}, {0, 66}, {30, 62}, {10, 75}}),
		"south":           MustPolylineRoute(t, [][2]float64{{100, -60}, {140, -60}}),
		"north, straight": MustStraightRoute(t, -20, 70, 20, 70),
	} {
		t.Run(name, func(t *testing.T) {
			all := measureAll(pts, r)
			for _, d := range []float64{10000, 50000, 200000} {
				want := bruteCorridor(all, d, nil)
				if len(want) < 10 {
					t.Fatalf("fixture: %d points within %v m", len(want), d)
				}
				MustEqualCorridor(t, fmt.Sprintf("Corridor(detour %v m)", d), corridor(ix, r, d, nil), want)
			}
		})
	}
}

// ExampleIndex_Corridor finds the coworking spaces on the way from
// L'Isle-Jourdain to Toulouse that cost at most 5 km of detour.
func ExampleIndex_Corridor() {
	ix := geo.New()
	ix.Insert(1, 1.2, 43.62)  // near the road, a third of the way
	ix.Insert(2, 1.35, 43.6)  // near the road, close to Toulouse
	ix.Insert(3, 1.25, 43.75) // 15 km north of the road
	ix.Insert(4, 0.58, 43.65) // behind the start
	route, err := geo.StraightRoute(1.0573, 43.6138, 1.44367, 43.60426)
	if err != nil {
		fmt.Println(err)
		return
	}
	var hits []geo.CorridorHit
	ix.Corridor(route, 5000, nil, func(h geo.CorridorHit) bool {
		hits = append(hits, h)
		return true
	})
	slices.SortFunc(hits, func(a, b geo.CorridorHit) int { return cmp.Compare(a.AlongMeters, b.AlongMeters) })
	fmt.Printf("route %.1f km\n", route.LengthMeters()/1000)
	for _, h := range hits {
		fmt.Printf("%d: %.1f km along, %.2f km detour\n", h.ID, h.AlongMeters/1000, h.DetourMeters/1000)
	}
	// Output:
	// route 31.1 km
	// 1: 11.5 km along, 0.08 km detour
	// 2: 23.6 km along, 0.05 km detour
}
