// Regression tests for bugs found in package geo near the poles, on the
// antimeridian and with a NaN radius, and in FormatDistance's round trip.
package geo_test

import (
	"math"
	"slices"
	"testing"

	"github.com/tierslieux/tierslieux/geo"
)

// BoundAround takes orb's first branch when the circle stops an ulp short
// of a pole, where asin(sin(r)/cos(lat)) is asin(1+ε) = NaN. The NaN box
// makes searchBound take its antimeridian branch and run two searches that
// each match every longitude, so Within reports every hit twice.
func TestKnownBugBoundAroundNaNNearPole(t *testing.T) {
	const lon, lat, r = 0, -7.8328408373983365, 9.136583855646959e+06
	if b := geo.BoundAround(lon, lat, r); math.IsNaN(b.MinLon) || math.IsNaN(b.MaxLon) {
		t.Errorf("BoundAround(%v, %v, %v) = %+v", lon, lat, r, b)
	}
	ix := geo.New()
	ix.Insert(7, 2.5, 45)
	ix.Insert(8, lon, lat)
	got := ix.Within(lon, lat, r)
	want := []geo.Hit{{ID: 8, Meters: 0}, {ID: 7, Meters: geo.Distance(lon, lat, 2.5, 45)}}
	if !slices.Equal(got, want) {
		t.Errorf("Within(%v, %v, %v) = %v, want %v", lon, lat, r, got, want)
	}
}

// BoundAround pads its box by 1e-9° but does not wrap the pad across the
// antimeridian: a box whose edge lands within float error of -180 comes
// back as MinLon = -180.000000001 (not crossing), so a point stored at
// lon 180 that Distance puts within r is never searched.
func TestKnownBugWithinAntimeridianEdge(t *testing.T) {
	for _, c := range []struct{ lon, lat, plon float64 }{
		{-179.99865880045465, 34.84387576181341, 180},
		{179.99552575770528, -3.7529393630433674, -180},
	} {
		ix := geo.New()
		ix.Insert(1, c.plon, c.lat)
		r := geo.Distance(c.lon, c.lat, c.plon, c.lat)
		if got := ix.Within(c.lon, c.lat, r); len(got) != 1 {
			t.Errorf("Within(%v, %v, %v) = %v, want point 1 at (%v, %v), %v m away; box %+v",
				c.lon, c.lat, r, got, c.plon, c.lat, r, geo.BoundAround(c.lon, c.lat, r))
		}
	}
}

// No point is within a NaN radius, but d > NaN is false, so every point
// of the box (which NaN makes the whole tree) is accepted.
func TestKnownBugWithinNaNRadius(t *testing.T) {
	ix := geo.New()
	ix.Insert(1, 2.57, 44.35)
	ix.Insert(2, -120, -30)
	if got := ix.Within(2.57, 44.35, math.NaN()); len(got) != 0 {
		t.Errorf("Within(r = NaN) = %v, want nothing", got)
	}
}

// FormatDistance's doc says it writes metres "the way ParseDistance reads
// them back", with up to three decimals, but ÷1000 then ×1000 moves the
// last bit for about 1 value in 80 ("3.97m" → "0.0039700000000000004km"
// → 3.9700000000000006 m), and 'f', -1 writes as many decimals as it
// needs.
func TestKnownBugFormatDistanceRoundTripExact(t *testing.T) {
	for _, s := range []string{"3.97m", "7.94m", "10.1mi", "40.4mi"} {
		m := MustParseDistance(t, s)
		out := geo.FormatDistance(m)
		back, err := geo.ParseDistance(out)
		if err != nil || back != m {
			t.Errorf("%q → %v m → FormatDistance %q → %v m, %v", s, m, out, back, err)
		}
	}
}
