package geo

import "math"

// vec3 is a point of the unit sphere: x towards (0°, 0°), y towards
// (90°E, 0°), z towards the north pole.
type vec3 struct{ x, y, z float64 }

// unitVector converts degrees to a point of the unit sphere. Index.Insert
// and every route computation use this one function, so a point stored in
// the tree and the same point measured by Route.Measure get the same
// vector, bit for bit.
func unitVector(lon, lat float64) vec3 {
	sφ, cφ := math.Sincos(lat * math.Pi / 180)
	sλ, cλ := math.Sincos(lon * math.Pi / 180)
	return vec3{cφ * cλ, cφ * sλ, sφ}
}

func (a vec3) dot(b vec3) float64 { return a.x*b.x + a.y*b.y + a.z*b.z }

func (a vec3) cross(b vec3) vec3 {
	return vec3{a.y*b.z - a.z*b.y, a.z*b.x - a.x*b.z, a.x*b.y - a.y*b.x}
}

func (a vec3) scale(k float64) vec3 { return vec3{a.x * k, a.y * k, a.z * k} }

func (a vec3) norm() float64 { return math.Sqrt(a.dot(a)) }

// chord2 is the squared straight-line distance between two points of the
// unit sphere: 4 sin²(θ/2) for the angle θ between them, the quantity the
// haversine formula computes as 4h. It is monotone in the great-circle
// distance and costs no trigonometry.
func chord2(a, b vec3) float64 {
	dx, dy, dz := a.x-b.x, a.y-b.y, a.z-b.z
	return dx*dx + dy*dy + dz*dz
}

// MetersToChord returns the squared chord, on the unit sphere, of a
// great-circle distance in metres: (2 sin(d / 2R))², with R =
// EarthRadiusMeters. Distances of half the circumference or more give 4.
func MetersToChord(meters float64) float64 {
	if meters >= MaxDistanceMeters {
		return 4
	}
	s := 2 * math.Sin(meters/(2*EarthRadiusMeters))
	return s * s
}

// ChordToMeters is the inverse of MetersToChord: the great-circle
// distance in metres of a squared chord such as WithinChord reports. It
// agrees with Distance on the same two points to within a few nanometres
// (both are rounded from coordinates in degrees, differently), except
// within about 100 km of the antipode, where the haversine itself is only
// good to a few decimetres.
func ChordToMeters(chord2 float64) float64 {
	if !(chord2 > 0) {
		return 0
	}
	s := math.Sqrt(chord2) / 2
	if s >= 1 {
		return MaxDistanceMeters
	}
	return 2 * EarthRadiusMeters * math.Asin(s)
}

// chordTest decides "within radiusMeters" from a squared chord without
// trigonometry, and gives the same answer as Distance(...) <= radiusMeters.
//
// The chord and the haversine are two roundings of the same quantity
// (4h = chord²), so they can only disagree when a point lies within the
// rounding error of the threshold: a few nanometres, since unit vectors
// and radians carry an absolute error of about 1e-15 whatever the
// distance. Below min the chord alone says yes, above max it says no, and
// in the band between, which is about a hundred times wider than that
// error (1e-13·(c + c²) on the squared chord, plus 1e-28 for distances
// of a few tens of nanometres), the haversine decides. For a 30 km radius
// the band is 0.6 µm wide: points of the disc fall in it about once in
// 2·10¹⁰.
type chordTest struct {
	min, max float64
}

func newChordTest(radiusMeters float64) chordTest {
	t := MetersToChord(radiusMeters)
	band := 1e-13*(math.Sqrt(t)+t) + 1e-28
	return chordTest{min: t - band, max: t + band}
}
