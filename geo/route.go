package geo

import (
	"errors"
	"fmt"
	"math"
	"slices"

	"github.com/tidwall/rtree"
)

// MaxRoutePoints bounds the positions of a polyline route; routing services
// return a few hundred for a commute.
const MaxRoutePoints = 10000

// ErrRoute is returned, wrapped with the reason, by StraightRoute and
// PolylineRoute.
var ErrRoute = errors.New("invalid route")

// maxSegmentAngle is the longest segment a route takes, in radians: a few
// metres short of antipodal, where the great circle through both ends
// stops being unique.
const maxSegmentAngle = math.Pi - 1e-6

// Route is a trip from a start to an end: either the great circle between
// them (StraightRoute) or a polyline the caller already has
// (PolylineRoute), each leg a great-circle arc. Places are measured against
// it by their detour (see Measure) and found by Index.Corridor. A Route is
// immutable and safe for concurrent use.
type Route struct {
	straight bool
	segs     []segment
	cum      []float64 // metres from the start to each segment's start
	length   float64
	mid      [2]float64 // a straight route's midpoint, lon, lat
}

// segment is one great-circle arc of a route, with what measuring a point
// against it needs.
type segment struct {
	lonA, latA, lonB, latB float64
	a, b                   vec3    // unit vectors of A and B
	n                      vec3    // unit normal of the arc's plane, A × B direction
	m                      vec3    // n × A: unit tangent at A, towards B
	mB                     vec3    // n × B: a point is past B when its dot with mB is positive
	angle                  float64 // radians from A to B
	meters                 float64 // haversine length, as Distance gives it
	degenerate             bool    // A and B coincide: the segment is a point
}

// StraightRoute is the great-circle route from (fromLon, fromLat) to
// (toLon, toLat). The two ends may coincide but not be (nearly) antipodal.
func StraightRoute(fromLon, fromLat, toLon, toLat float64) (*Route, error) {
	r, err := newRoute([][2]float64{{fromLon, fromLat}, {toLon, toLat}})
	if err != nil {
		return nil, err
	}
	r.straight = true
	s := &r.segs[0]
	if s.degenerate {
		r.mid = [2]float64{fromLon, fromLat}
	} else {
		// The midpoint of the arc: A rotated by half the angle towards B.
		h := s.angle / 2
		v := vec3{s.a.x*math.Cos(h) + s.m.x*math.Sin(h), s.a.y*math.Cos(h) + s.m.y*math.Sin(h), s.a.z*math.Cos(h) + s.m.z*math.Sin(h)}
		r.mid = [2]float64{math.Atan2(v.y, v.x) * 180 / math.Pi, math.Atan2(v.z, math.Hypot(v.x, v.y)) * 180 / math.Pi}
	}
	return r, nil
}

// PolylineRoute is the route through points, [lon, lat] positions such as
// DecodePolyline returns, each leg a great-circle arc. It needs 2 to
// MaxRoutePoints valid positions; consecutive duplicates are fine, but
// consecutive (nearly) antipodal positions are not.
func PolylineRoute(points [][2]float64) (*Route, error) {
	switch {
	case len(points) < 2:
		return nil, fmt.Errorf("%w: %d points, at least 2 needed", ErrRoute, len(points))
	case len(points) > MaxRoutePoints:
		return nil, fmt.Errorf("%w: %d points, at most %d allowed", ErrRoute, len(points), MaxRoutePoints)
	}
	return newRoute(points)
}

func newRoute(points [][2]float64) (*Route, error) {
	for i, p := range points {
		if !ValidPoint(p[0], p[1]) {
			return nil, fmt.Errorf("%w: point %d (lon %v, lat %v) is out of range", ErrRoute, i, p[0], p[1])
		}
	}
	r := &Route{segs: make([]segment, len(points)-1), cum: make([]float64, len(points)-1)}
	for i := range r.segs {
		s, err := newSegment(points[i], points[i+1])
		if err != nil {
			return nil, fmt.Errorf("%w: points %d and %d %w", ErrRoute, i, i+1, err)
		}
		r.segs[i] = s
		r.cum[i] = r.length
		r.length += s.meters
	}
	return r, nil
}

var errAntipodal = errors.New("are nearly antipodal: no single great circle joins them")

func newSegment(a, b [2]float64) (segment, error) {
	s := segment{lonA: a[0], latA: a[1], lonB: b[0], latB: b[1], a: unitVector(a[0], a[1]), b: unitVector(b[0], b[1])}
	s.meters = Distance(a[0], a[1], b[0], b[1])
	d := chordVector(a[0], a[1], b[0], b[1])
	c := d.norm()
	if c < 1e-150 {
		s.degenerate = true
		return s, nil
	}
	s.angle = 2 * math.Asin(math.Min(1, c/2))
	if s.angle > maxSegmentAngle {
		return s, errAntipodal
	}
	// A × (B − A) is A × B, but from a difference computed without
	// cancellation, so the plane is accurate even for a segment of a
	// millimetre measured against a point 100 km away.
	n := s.a.cross(d)
	s.n = n.scale(1 / n.norm())
	s.m = s.n.cross(s.a)
	sin, cos := math.Sincos(s.angle)
	// B as the arc reaches it (A turned by angle in the plane), so that
	// the "past B" test agrees with angle.
	bArc := vec3{s.a.x*cos + s.m.x*sin, s.a.y*cos + s.m.y*sin, s.a.z*cos + s.m.z*sin}
	s.mB = s.n.cross(bArc)
	return s, nil
}

// chordVector is B − A for the unit vectors of two points, computed from
// half-angle differences so that it keeps its relative precision however
// close the points are.
func chordVector(lonA, latA, lonB, latB float64) vec3 {
	const rad = math.Pi / 180
	φ1 := latA * rad
	dφ := (latB - latA) * rad
	dλ := math.Remainder(lonB-lonA, 360) * rad
	φm := φ1 + dφ/2
	λm := lonA*rad + dλ/2
	// cos φ cos λ = (cos(φ+λ) + cos(φ−λ))/2, cos φ sin λ = (sin(φ+λ) −
	// sin(φ−λ))/2, and differences of sines and cosines are products.
	s1, s2 := math.Sin((dφ+dλ)/2), math.Sin((dφ-dλ)/2)
	su, cu := math.Sincos(φm + λm)
	sv, cv := math.Sincos(φm - λm)
	return vec3{
		x: -su*s1 - sv*s2,
		y: cu*s1 - cv*s2,
		z: 2 * math.Cos(φm) * math.Sin(dφ/2),
	}
}

// Where on a segment the point nearest to another lies.
const (
	nearA    int8 = iota // A, or anywhere on a degenerate segment
	nearB                // B
	nearFoot             // the foot of the perpendicular, between A and B
)

// distance returns the great-circle distance in metres from the point
// (lon, lat), whose unit vector is p, to the segment, and where on the
// segment the nearest point lies. Within the arc's span the nearest point
// is the foot of the perpendicular, at the cross-track distance; beyond
// either end, distance along the circle grows with the angle from the
// foot, so it is the nearer end (nearer by chord, which is monotone in the
// distance; exact ties go to A).
func (s *segment) distance(p vec3, lon, lat float64) (float64, int8) {
	if s.degenerate {
		return Distance(lon, lat, s.lonA, s.latA), nearA
	}
	if p.dot(s.m) >= 0 && p.dot(s.mB) <= 0 {
		return math.Asin(math.Min(1, math.Abs(p.dot(s.n)))) * EarthRadiusMeters, nearFoot
	}
	if chord2(p, s.a) <= chord2(p, s.b) {
		return Distance(lon, lat, s.lonA, s.latA), nearA
	}
	return Distance(lon, lat, s.lonB, s.latB), nearB
}

// chordTo is distance without trigonometry: the squared chord of the
// same great-circle distance, to within rounding, and the same where. The
// cross-track sine s becomes the chord of asin(s): 2 − 2√(1 − s²),
// written without cancellation.
func (s *segment) chordTo(p vec3) (float64, int8) {
	if s.degenerate {
		return chord2(p, s.a), nearA
	}
	if p.dot(s.m) >= 0 && p.dot(s.mB) <= 0 {
		sin := math.Min(1, math.Abs(p.dot(s.n)))
		return 2 * sin * sin / (1 + math.Sqrt(1-sin*sin)), nearFoot
	}
	return min(chord2(p, s.a), chord2(p, s.b)), nearA
}

// chordSlack bounds, with a thousandfold margin, how far apart two
// squared chords can be when the distances computed for them (haversine
// or cross-track asin) are equal: both carry an absolute error of about
// 1e-15 radians.
func chordSlack(c2 float64) float64 { return 1e-12*(math.Sqrt(c2)+c2) + 1e-27 }

// along returns how far along the segment, in metres from A, the nearest
// point found by distance lies.
func (s *segment) along(p vec3, where int8) float64 {
	switch where {
	case nearB:
		return s.meters
	case nearFoot:
		return math.Min(math.Atan2(p.dot(s.m), p.dot(s.a))*EarthRadiusMeters, s.meters)
	}
	return 0
}

// LengthMeters is the route's length: the sum of its legs' great-circle
// distances.
func (r *Route) LengthMeters() float64 { return r.length }

// Measure returns the detour of a place at (lon, lat) from the route, and
// how far along the route, in metres from its start, the place's nearest
// point on the route is.
//
// For a straight route from A to B the detour is the extra distance of
// going A → place → B instead of A → B: d(A,P) + d(P,B) − d(A,B), with
// Distance, so the places within a detour D fill an ellipse with foci A
// and B. For a polyline route it is twice the great-circle distance from
// the place to the nearest leg (to the foot of the perpendicular, or to an
// end when the foot falls outside the leg): there and back. Both are NaN
// for an invalid point.
func (r *Route) Measure(lon, lat float64) (detourMeters, alongMeters float64) {
	if !ValidPoint(lon, lat) {
		return math.NaN(), math.NaN()
	}
	p := unitVector(lon, lat)
	if r.straight {
		return r.straightDetour(lon, lat), r.straightAlong(p, lon, lat)
	}
	best, bestK, bestWhere := math.Inf(1), 0, nearA
	for k := range r.segs {
		if d, where := r.segs[k].distance(p, lon, lat); d < best {
			best, bestK, bestWhere = d, k, where
		}
	}
	return 2 * best, r.cum[bestK] + r.segs[bestK].along(p, bestWhere)
}

func (r *Route) straightDetour(lon, lat float64) float64 {
	s := &r.segs[0]
	d := Distance(s.lonA, s.latA, lon, lat) + Distance(lon, lat, s.lonB, s.latB) - s.meters
	// Rounding can take a point on the route a nanometre below zero.
	return math.Max(d, 0)
}

func (r *Route) straightAlong(p vec3, lon, lat float64) float64 {
	_, where := r.segs[0].distance(p, lon, lat)
	return r.segs[0].along(p, where)
}

// CorridorHit is a place found by Index.Corridor: its ID, its detour and
// where along the route it lies, both in metres (see Route.Measure).
type CorridorHit struct {
	ID           uint32
	DetourMeters float64
	AlongMeters  float64
}

// Corridor calls fn, in no particular order, for each point whose detour
// from r is at most maxDetourMeters and that accept lets through (nil
// accepts all), until fn returns false. accept is asked before any
// distance is computed, once per point. The points visited are exactly
// those for which r.Measure gives a detour <= maxDetourMeters, and the hit
// carries Measure's figures.
//
// The R-tree narrows with boxes that provably hold every such point; the
// exact detour confirms:
//
//   - Straight route A → B, detour D. Let M be the arc's midpoint, c half
//     its length, a = c + D/2 (angles on the unit sphere) and P a point
//     with d(A,P) + d(P,B) <= 2a. On the sphere A + B = 2 cos c · M, so
//     cos d(A,P) + cos d(B,P) = 2 cos c · cos d(M,P). The left side is
//     2 cos((d1+d2)/2) cos((d1−d2)/2), where (d1+d2)/2 <= a and, by the
//     triangle inequality, |d1−d2|/2 <= c; with a <= π/2 both cosines are
//     at least cos a and cos c. So cos d(M,P) >= cos a: P lies within a
//     of M, in BoundAround(M, a). Beyond a quarter of the circumference
//     the whole globe is searched.
//   - Polyline, detour D: a point within D/2 of a leg is within D/2 of
//     some point Q of the arc, so its latitude is within D/2 of Q's, which
//     lies between the arc's lowest and highest latitudes (its ends, or
//     the great circle's vertex when the arc passes it), and its longitude
//     within asin(sin(D/2)/cos φ) of Q's, largest at the arc's highest
//     |latitude| φ; the arc's longitudes run monotonically the short way
//     between its ends. Each leg gets that box. A point in several boxes
//     is measured once, from the first leg whose box holds it, against
//     the legs whose boxes hold it: the others are farther than D/2.
//
// Every box is padded by a metre and a relative 1e-9, far more than the
// rounding of the exact test.
func (ix *Index) Corridor(r *Route, maxDetourMeters float64, accept func(id uint32) bool, fn func(CorridorHit) bool) {
	if r == nil || math.IsNaN(maxDetourMeters) || maxDetourMeters < 0 {
		return
	}
	if r.straight {
		ix.straightCorridor(r, maxDetourMeters, accept, fn)
		return
	}
	ix.polylineCorridor(r, maxDetourMeters, accept, fn)
}

// pad widens a radius in metres for the boxes that narrow a corridor.
func pad(meters float64) float64 { return meters*(1+1e-9) + 1 }

func (ix *Index) straightCorridor(r *Route, maxDetour float64, accept func(uint32) bool, fn func(CorridorHit) bool) {
	b := world
	if a := pad((r.length + maxDetour) / 2); a < EarthRadiusMeters*math.Pi/2 {
		b = BoundAround(r.mid[0], r.mid[1], a)
	}
	s := &r.segs[0]
	// Chords are shorter than arcs: R·(c1 + c2) − d(A,B) never exceeds the
	// detour, so a point whose bound exceeds maxDetour needs no haversine.
	// The slack is a thousand times the rounding of either side.
	lbMax := (maxDetour + s.meters + 1e-6) / (EarthRadiusMeters * (1 - 1e-12))
	ix.searchBound(b, func(lon, lat float64, it item) bool {
		if accept != nil && !accept(it.id) {
			return true
		}
		if math.Sqrt(chord2(it.v, s.a))+math.Sqrt(chord2(it.v, s.b)) > lbMax {
			return true
		}
		d := r.straightDetour(lon, lat)
		if !(d <= maxDetour) {
			return true
		}
		return fn(CorridorHit{ID: it.id, DetourMeters: d, AlongMeters: r.straightAlong(it.v, lon, lat)})
	})
}

func (ix *Index) polylineCorridor(r *Route, maxDetour float64, accept func(uint32) bool, fn func(CorridorHit) bool) {
	radius := maxDetour / 2
	lb := newLegBoxes(r, pad(radius))
	lim := newChordTest(radius)
	// Far beyond any commute, distances can near the antipode, where the
	// haversine loses digits: there every leg in the boxes goes through to
	// the haversine.
	filter := radius <= 1e6
	var buf []int32
	for k := range r.segs {
		cont := ix.searchBound(lb.boxes[k], func(lon, lat float64, it item) bool {
			legs := lb.at(buf[:0], k, lon, lat)
			if legs == nil {
				return true // visited from an earlier leg
			}
			buf = legs
			if accept != nil && !accept(it.id) {
				return true
			}
			// The legs in whose boxes the point lies hold its nearest
			// one when that is within radius. By chord, without
			// trigonometry, find the nearest; the legs farther by more
			// than the slack, or beyond radius, cannot hold the minimum
			// when it is within radius. The others are measured in order,
			// as Measure does.
			cmin := math.Inf(1)
			for _, j := range legs {
				if c, _ := r.segs[j].chordTo(it.v); c < cmin {
					cmin = c
				}
			}
			if filter && cmin > lim.max {
				return true
			}
			cmax := math.Inf(1)
			if filter {
				cmax = cmin + chordSlack(cmin)
			}
			best, bestK, bestWhere := math.Inf(1), 0, nearA
			for _, j := range legs {
				s := &r.segs[j]
				if c, _ := s.chordTo(it.v); c > cmax {
					continue
				}
				if d, where := s.distance(it.v, lon, lat); d < best {
					best, bestK, bestWhere = d, int(j), where
				}
			}
			if !(2*best <= maxDetour) {
				return true
			}
			return fn(CorridorHit{ID: it.id, DetourMeters: 2 * best, AlongMeters: r.cum[bestK] + r.segs[bestK].along(it.v, bestWhere)})
		})
		if !cont {
			return
		}
	}
}

// legBoxes are the boxes of a route's legs, with what finds, for a point
// in leg k's box, the legs whose boxes hold it: lists of the boxes each
// box meets when they are short, as for any route that does not fold on
// itself, else an R-tree of the boxes asked point by point.
type legBoxes struct {
	boxes         []Bound
	tree          rtree.RTreeG[int32]
	before, after [][]int32 // nil when the lists would be too long
}

// maxOverlapsPerLeg bounds the average length of the overlap lists; a
// route of 10,000 points folded into a few streets would otherwise need
// 10⁸ entries.
const maxOverlapsPerLeg = 16

func newLegBoxes(r *Route, radiusMeters float64) *legBoxes {
	lb := &legBoxes{boxes: make([]Bound, len(r.segs))}
	for k := range r.segs {
		lb.boxes[k] = r.segs[k].boundAround(radiusMeters)
		eachPart(lb.boxes[k], func(min, max [2]float64) { lb.tree.Insert(min, max, int32(k)) })
	}
	before, after := make([][]int32, len(lb.boxes)), make([][]int32, len(lb.boxes))
	seen := make([]int32, len(lb.boxes)) // k+1 once listed for box k
	budget := maxOverlapsPerLeg*len(lb.boxes) + 1024
	for k, b := range lb.boxes {
		eachPart(b, func(min, max [2]float64) {
			lb.tree.Search(min, max, func(_, _ [2]float64, j int32) bool {
				if int(j) == k || seen[j] == int32(k)+1 {
					return true
				}
				seen[j] = int32(k) + 1
				if int(j) < k {
					before[k] = append(before[k], j)
				} else {
					after[k] = append(after[k], j)
				}
				budget--
				return budget >= 0
			})
		})
		if budget < 0 {
			return lb
		}
		slices.Sort(before[k])
		slices.Sort(after[k])
	}
	lb.before, lb.after = before, after
	return lb
}

// eachPart calls f with b as one or two boxes that do not cross the
// antimeridian.
func eachPart(b Bound, f func(min, max [2]float64)) {
	if b.MinLon <= b.MaxLon {
		f([2]float64{b.MinLon, b.MinLat}, [2]float64{b.MaxLon, b.MaxLat})
		return
	}
	f([2]float64{b.MinLon, b.MinLat}, [2]float64{180, b.MaxLat})
	f([2]float64{-180, b.MinLat}, [2]float64{b.MaxLon, b.MaxLat})
}

// at appends to legs, in increasing order, the legs whose boxes hold
// (lon, lat), found in leg k's box, and returns them; or nil when an
// earlier leg's box holds it too, the point being measured from there.
func (lb *legBoxes) at(legs []int32, k int, lon, lat float64) []int32 {
	if lb.before != nil {
		for _, j := range lb.before[k] {
			if inBound(lb.boxes[j], lon, lat) {
				return nil
			}
		}
		legs = append(legs, int32(k))
		for _, j := range lb.after[k] {
			if inBound(lb.boxes[j], lon, lat) {
				legs = append(legs, j)
			}
		}
		return legs
	}
	p := [2]float64{lon, lat}
	lb.tree.Search(p, p, func(_, _ [2]float64, j int32) bool {
		legs = append(legs, j)
		return true
	})
	slices.Sort(legs)
	legs = slices.Compact(legs)
	if len(legs) == 0 || int(legs[0]) < k {
		return nil
	}
	return legs
}

// inBound reports whether (lon, lat) is in b, edges included, exactly as
// searchBound finds it.
func inBound(b Bound, lon, lat float64) bool {
	if !(lat >= b.MinLat && lat <= b.MaxLat) {
		return false
	}
	if b.MinLon <= b.MaxLon {
		return lon >= b.MinLon && lon <= b.MaxLon
	}
	return (lon >= b.MinLon && lon <= 180) || (lon >= -180 && lon <= b.MaxLon)
}

// boundAround is a box holding every point within radiusMeters of the
// segment (see Corridor for the argument).
func (s *segment) boundAround(radiusMeters float64) Bound {
	if s.degenerate {
		return BoundAround(s.lonA, s.latA, radiusMeters)
	}
	const deg = 180 / math.Pi
	// The arc's latitudes, in radians: between its ends', or up to the
	// great circle's northernmost point (down to its southernmost, the
	// antipode) when the arc passes it. eps covers the rounding of the
	// vertex.
	const eps = 1e-9
	lo, hi := math.Min(s.latA, s.latB)/deg, math.Max(s.latA, s.latB)/deg
	if h := math.Hypot(s.n.x, s.n.y); h > 0 {
		v := vec3{-s.n.x * s.n.z / h, -s.n.y * s.n.z / h, h} // ẑ less its n component, normalised
		vLat := math.Asin(math.Min(1, h))
		if v.dot(s.m) >= 0 && v.dot(s.mB) <= 0 {
			hi = math.Max(hi, vLat)
		}
		if w := v.scale(-1); w.dot(s.m) >= 0 && w.dot(s.mB) <= 0 {
			lo = math.Min(lo, -vLat)
		}
	}
	lo, hi = lo-eps, hi+eps
	δ := radiusMeters / EarthRadiusMeters
	b := Bound{MinLon: -180, MinLat: math.Max(-90, (lo-δ)*deg), MaxLon: 180, MaxLat: math.Min(90, (hi+δ)*deg)}
	dLonAB := math.Remainder(s.lonB-s.lonA, 360)
	if hi+δ >= math.Pi/2 || lo-δ <= -math.Pi/2 || math.Abs(dLonAB) > 179.999 {
		return b // a pole is within reach: every longitude
	}
	// Longitudes run monotonically along the arc, the short way from A to
	// B; a disc of radius δ around a point at latitude φ spans
	// asin(sin δ / cos φ) either side, most at the arc's highest |φ|.
	φ := math.Max(math.Abs(lo), math.Abs(hi))
	dLon := math.Asin(math.Min(1, math.Sin(δ)/math.Cos(φ)))*deg + 1e-9
	west := s.lonA + math.Min(0, dLonAB) - dLon
	east := s.lonA + math.Max(0, dLonAB) + dLon
	switch {
	case east-west >= 360:
		return b
	case west <= -180:
		west += 360
	case east >= 180:
		east -= 360
	}
	b.MinLon, b.MaxLon = west, east
	return b
}
