package geo

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestChordTestMatchesHaversine checks, on pairs of points placed within a
// hair of the radius, that the chord test decides as Distance(...) <= r
// does: exactly, once the band sends the near cases to the haversine; and,
// for the chord alone, but for points within 1e-9·r + 10 nm of the radius.
// Within 100 km of the antipode the haversine itself is only good to a few
// decimetres (asin near 1), so there the chord alone is only checked to a
// metre.
func TestChordTestMatchesHaversine(t *testing.T) {
	rng := rand.New(rand.NewPCG(2026, 3))
	var pairs, band, rawDisagree int
	worst, worstAntipodal := 0.0, 0.0
	offsets := []float64{0, 1e-16, -1e-16, 1e-15, -1e-15, 1e-13, -1e-13, 1e-11, -1e-11, 1e-9, -1e-9, 1e-6, -1e-6}
	for i := range 400000 {
		var lon, lat float64
		switch i % 4 {
		case 0: // Occitanie
			lon, lat = -0.3+rng.Float64()*5.2, 42.3+rng.Float64()*2.8
		case 1: // anywhere
			lon, lat = rng.Float64()*360-180, math.Asin(rng.Float64()*2-1)*180/math.Pi
		case 2: // by the antimeridian
			lon, lat = math.Copysign(179.9+rng.Float64()*0.1, rng.Float64()-0.5), rng.Float64()*10-5
		case 3: // by a pole
			lon, lat = rng.Float64()*360-180, math.Copysign(89.9+rng.Float64()*0.1, rng.Float64()-0.5)
		}
		r := math.Exp(math.Log(1e-3) + rng.Float64()*(math.Log(MaxDistanceMeters)-math.Log(1e-3)))
		if i%50 == 0 {
			r = []float64{0, 1e-9, 1e-6, 0.5, MaxDistanceMeters * (1 - 1e-9)}[i/50%5]
		}
		d := r * (1 + offsets[rng.IntN(len(offsets))])
		lon2, lat2 := destinationDeg(lon, lat, d, rng.Float64()*2*math.Pi)
		if i%7 == 0 {
			lon2, lat2 = lon, lat // the same point
		}
		want := Distance(lon, lat, lon2, lat2) <= r
		c := chord2(unitVector(lon, lat), unitVector(lon2, lat2))
		ct := newChordTest(r)
		got := want
		switch {
		case c > ct.max:
			got = false
		case c < ct.min:
			got = true
		default:
			band++
		}
		pairs++
		if got != want {
			t.Fatalf("(%v, %v)–(%v, %v), r = %v: chord test says %v, Distance %v ≤ r says %v (chord² %v, band [%v, %v])",
				lon, lat, lon2, lat2, r, got, Distance(lon, lat, lon2, lat2), want, c, ct.min, ct.max)
		}
		if raw := c <= MetersToChord(r); raw != want {
			rawDisagree++
			off := math.Abs(Distance(lon, lat, lon2, lat2) - r)
			tol := 1e-9*r + 1e-8
			if r > MaxDistanceMeters-1e5 {
				worstAntipodal = max(worstAntipodal, off)
				tol = 1
			} else {
				worst = max(worst, off)
			}
			if off > tol {
				t.Errorf("(%v, %v)–(%v, %v), r = %v: the chord alone disagrees %v m from the radius", lon, lat, lon2, lat2, r, off)
			}
		}
	}
	t.Logf("%d pairs near the radius: %d in the band (decided by the haversine); the chord alone disagreed on %d, at most %.3g m from the radius (%.3g m near the antipode)", pairs, band, rawDisagree, worst, worstAntipodal)
	// Away from the radius, the band is almost never entered.
	band = 0
	q := unitVector(1.44367, 43.60426)
	ct := newChordTest(30000)
	for range 1000000 {
		if c := chord2(q, unitVector(1.44367+rng.Float64()-0.5, 43.60426+rng.Float64()*0.6-0.3)); c >= ct.min && c <= ct.max {
			band++
		}
	}
	if band > 0 {
		t.Errorf("%d of a million random points around Toulouse fell in the band of a 30 km radius", band)
	}
}

func TestChordToMeters(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	for range 100000 {
		lon, lat := rng.Float64()*360-180, math.Asin(rng.Float64()*2-1)*180/math.Pi
		lon2, lat2 := rng.Float64()*360-180, math.Asin(rng.Float64()*2-1)*180/math.Pi
		if rng.IntN(2) == 0 {
			lon2, lat2 = destinationDeg(lon, lat, math.Exp(rng.Float64()*math.Log(1e6)), rng.Float64()*2*math.Pi)
		}
		d := Distance(lon, lat, lon2, lat2)
		got := ChordToMeters(chord2(unitVector(lon, lat), unitVector(lon2, lat2)))
		// Near the antipode both formulas lose digits: asin near 1.
		tol := 1e-8 + 1e-12*d
		if d > MaxDistanceMeters-1e5 {
			tol = 1
		}
		if math.Abs(got-d) > tol {
			t.Fatalf("(%v, %v)–(%v, %v): ChordToMeters %v, Distance %v", lon, lat, lon2, lat2, got, d)
		}
	}
	for _, tc := range []struct{ chord2, want float64 }{{0, 0}, {-1, 0}, {math.NaN(), 0}, {4, MaxDistanceMeters}, {5, MaxDistanceMeters}, {2, MaxDistanceMeters / 2}} {
		if got := ChordToMeters(tc.chord2); math.Abs(got-tc.want) > 1e-6 {
			t.Errorf("ChordToMeters(%v) = %v, want %v", tc.chord2, got, tc.want)
		}
	}
	for _, m := range []float64{0, 1, 1000, 30000, 1e7, MaxDistanceMeters} {
		if got := ChordToMeters(MetersToChord(m)); math.Abs(got-m) > 1e-8+1e-12*m {
			t.Errorf("ChordToMeters(MetersToChord(%v)) = %v", m, got)
		}
	}
}

// TestNodeBoundIsLower: the bound of a box never exceeds the squared
// chord to any of its points (corners, edges, the points of its edges
// nearest in longitude and latitude, random points), from points all over
// the sphere, and stays close to the exact bound it replaces (the
// latitude gap and the cross-track distance with sin and asin) so that
// the walk prunes as much.
func TestNodeBoundIsLower(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 13))
	exact := func(lon, lat float64, min, max [2]float64) float64 {
		var latGap float64
		switch {
		case lat < min[1]:
			latGap = min[1] - lat
		case lat > max[1]:
			latGap = lat - max[1]
		}
		best := latGap * math.Pi / 180 * EarthRadiusMeters
		if lon < min[0] || lon > max[0] {
			if dLon := math.Min(angularGap(lon, min[0]), angularGap(lon, max[0])); dLon < 90 {
				s := math.Cos(lat*math.Pi/180) * math.Sin(dLon*math.Pi/180)
				best = math.Max(best, math.Asin(math.Min(1, math.Abs(s)))*EarthRadiusMeters)
			}
		}
		return MetersToChord(best)
	}
	for i := range 100_000 {
		// Small boxes near the point most of the time, as in a walk.
		lon, lat := rng.Float64()*360-180, rng.Float64()*180-90
		span := []float64{1e-6, 0.01, 0.5, 5, 60}[i%5]
		cLon := lon + (rng.Float64()*2-1)*span*3
		cLat := math.Max(-90, math.Min(90, lat+(rng.Float64()*2-1)*span*3))
		min := [2]float64{math.Max(-180, cLon-rng.Float64()*span), math.Max(-90, cLat-rng.Float64()*span)}
		max := [2]float64{math.Min(180, cLon+rng.Float64()*span), math.Min(90, cLat+rng.Float64()*span)}
		if min[0] > max[0] || min[1] > max[1] {
			continue
		}
		b := newNodeBound(lon, lat).chord2(min, max)
		q := unitVector(lon, lat)
		pts := [][2]float64{min, max, {min[0], max[1]}, {max[0], min[1]},
			{math.Max(min[0], math.Min(max[0], lon)), math.Max(min[1], math.Min(max[1], lat))},
			{min[0], math.Max(min[1], math.Min(max[1], lat))}, {max[0], math.Max(min[1], math.Min(max[1], lat))}}
		for range 20 {
			pts = append(pts, [2]float64{min[0] + rng.Float64()*(max[0]-min[0]), min[1] + rng.Float64()*(max[1]-min[1])})
		}
		for _, p := range pts {
			if c := chord2(q, unitVector(p[0], p[1])); b > c {
				t.Fatalf("point (%g, %g), box %v–%v: bound %g above the chord %g to (%g, %g)", lon, lat, min, max, b, c, p[0], p[1])
			}
		}
		// Tight beyond a millimetre, where rounding no longer dominates.
		if e := exact(lon, lat, min, max); b > e*(1+1e-9) || (e > 1e-20 && b < e*0.99) {
			t.Fatalf("point (%g, %g), box %v–%v: bound %g, the exact bound %g", lon, lat, min, max, b, e)
		}
	}
}
