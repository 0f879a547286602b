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
