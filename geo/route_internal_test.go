package geo

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestSegmentBoundAround checks the property Corridor relies on: every
// point within r of a point of the arc lies in the leg's box. It samples
// the arc, and discs around the samples, for legs of every length and
// direction, near the poles and across the antimeridian included.
func TestSegmentBoundAround(t *testing.T) {
	rng := rand.New(rand.NewPCG(31, 41))
	for i := range 3000 {
		lonA, latA := rng.Float64()*360-180, math.Asin(rng.Float64()*2-1)*180/math.Pi
		if i%3 == 0 {
			latA = math.Copysign(60+rng.Float64()*29.9, latA) // high latitudes
		}
		θ := rng.Float64() * 2 * math.Pi
		length := math.Exp(rng.Float64() * math.Log(1e7)) // 1 m … 10,000 km
		lonB, latB := destinationDeg(lonA, latA, length, θ)
		s, err := newSegment([2]float64{lonA, latA}, [2]float64{lonB, latB})
		if err != nil {
			continue
		}
		r := math.Exp(rng.Float64() * math.Log(2e6)) // 1 m … 2,000 km
		b := s.boundAround(r)
		for range 200 {
			// A point of the arc, then a point within r of it.
			q := rng.Float64() * s.angle
			v := vec3{s.a.x*math.Cos(q) + s.m.x*math.Sin(q), s.a.y*math.Cos(q) + s.m.y*math.Sin(q), s.a.z*math.Cos(q) + s.m.z*math.Sin(q)}
			qLon, qLat := math.Atan2(v.y, v.x)*180/math.Pi, math.Asin(math.Max(-1, math.Min(1, v.z)))*180/math.Pi
			d := r * math.Sqrt(rng.Float64())
			if rng.IntN(2) == 0 {
				d = r * (1 - 1e-12)
			}
			lon, lat := destinationDeg(qLon, qLat, d, rng.Float64()*2*math.Pi)
			if !inBound(b, lon, lat) {
				t.Fatalf("leg (%v, %v)–(%v, %v), r = %v m: box %+v misses (%v, %v), %v m from the arc point (%v, %v)",
					lonA, latA, lonB, latB, r, b, lon, lat, d, qLon, qLat)
			}
		}
	}
}

// destinationDeg is the point d metres from (lon, lat) on the initial
// bearing θ (radians).
func destinationDeg(lon, lat, d, θ float64) (float64, float64) {
	φ1, λ1 := lat*math.Pi/180, lon*math.Pi/180
	δ := d / EarthRadiusMeters
	φ2 := math.Asin(math.Max(-1, math.Min(1, math.Sin(φ1)*math.Cos(δ)+math.Cos(φ1)*math.Sin(δ)*math.Cos(θ))))
	λ2 := λ1 + math.Atan2(math.Sin(θ)*math.Sin(δ)*math.Cos(φ1), math.Cos(δ)-math.Sin(φ1)*math.Sin(φ2))
	return math.Remainder(λ2*180/math.Pi, 360), φ2 * 180 / math.Pi
}
