package geo

import (
	"cmp"
	"math"
	"slices"

	"github.com/paulmach/orb"
	orbgeo "github.com/paulmach/orb/geo"
	"github.com/tidwall/rtree"
)

// Hit is one point found by a query: its ID and, for queries around a
// point, its great-circle distance in metres.
type Hit struct {
	ID     uint32
	Meters float64
}

// Bound is a longitude/latitude box. MinLon > MaxLon means the box crosses
// the antimeridian.
type Bound struct {
	MinLon, MinLat, MaxLon, MaxLat float64
}

// Polygon is a GeoJSON-style polygon: an outer ring then holes, each ring a
// list of [lon, lat] positions.
type Polygon [][][2]float64

// Vertices counts the positions of every ring, the measure
// MaxPolygonVertices bounds.
func (p Polygon) Vertices() int {
	n := 0
	for _, r := range p {
		n += len(r)
	}
	return n
}

// Index is an in-memory R-tree of points identified by uint32 IDs. It is
// not safe for concurrent writes; concurrent reads are fine once built.
type Index struct {
	tr rtree.RTreeG[item]
}

// item is what the R-tree stores beside each point: its ID and its unit
// vector, computed once at Insert so that radius and corridor tests on a
// candidate cost a few multiplications instead of four sines and cosines.
type item struct {
	id uint32
	v  vec3
}

// New returns an empty Index.
func New() *Index { return &Index{} }

// Insert adds the point (lon, lat) under id. Inserting the same id twice
// stores it twice; callers own uniqueness.
func (ix *Index) Insert(id uint32, lon, lat float64) {
	p := [2]float64{lon, lat}
	ix.tr.Insert(p, p, item{id, unitVector(lon, lat)})
}

// Delete removes the point stored under id at (lon, lat).
func (ix *Index) Delete(id uint32, lon, lat float64) {
	p := [2]float64{lon, lat}
	ix.tr.Delete(p, p, item{id, unitVector(lon, lat)})
}

// Len is the number of points stored.
func (ix *Index) Len() int { return ix.tr.Len() }

// BoundAround returns the smallest longitude/latitude box that contains
// every point within radiusMeters of (lon, lat), rounded outward so float
// error never drops a point on the edge.
func BoundAround(lon, lat, radiusMeters float64) Bound {
	// orb measures with its own (equatorial) radius: scale the distance so
	// the angular radius is ours.
	b := orbgeo.NewBoundAroundPoint(orb.Point{lon, lat}, radiusMeters*orb.EarthRadius/EarthRadiusMeters)
	if math.IsNaN(b.Min[0]) || math.IsNaN(b.Max[0]) {
		// The circle touches a pole within rounding: every longitude.
		b.Min[0], b.Max[0] = -180, 180
	}
	const pad = 1e-9
	out := Bound{
		MinLon: math.Nextafter(b.Min[0], math.Inf(-1)) - pad,
		MinLat: math.Max(-90, b.Min[1]-pad),
		MaxLon: math.Nextafter(b.Max[0], math.Inf(1)) + pad,
		MaxLat: math.Min(90, b.Max[1]+pad),
	}
	// Carry the padding across the antimeridian.
	switch {
	case out.MinLon < -180 && out.MaxLon > 180:
	case out.MinLon < -180:
		out.MinLon += 360
	case out.MaxLon > 180:
		out.MaxLon -= 360
	}
	return out
}

// searchBound calls fn for every point inside b, splitting boxes that cross
// the antimeridian, and reports whether fn never returned false.
func (ix *Index) searchBound(b Bound, fn func(lon, lat float64, it item) bool) bool {
	cont := true
	iter := func(min, _ [2]float64, it item) bool {
		cont = fn(min[0], min[1], it)
		return cont
	}
	if b.MinLon <= b.MaxLon {
		ix.tr.Search([2]float64{b.MinLon, b.MinLat}, [2]float64{b.MaxLon, b.MaxLat}, iter)
		return cont
	}
	ix.tr.Search([2]float64{b.MinLon, b.MinLat}, [2]float64{180, b.MaxLat}, iter)
	if cont {
		ix.tr.Search([2]float64{-180, b.MinLat}, [2]float64{b.MaxLon, b.MaxLat}, iter)
	}
	return cont
}

// world is the box of every point.
var world = Bound{-180, -90, 180, 90}

// Within returns the points within radiusMeters of (lon, lat), nearest
// first, ties by ID. The R-tree narrows to a box; the exact distance
// confirms, so the result equals a scan of every point.
func (ix *Index) Within(lon, lat, radiusMeters float64) []Hit {
	var hits []Hit
	ix.WithinFunc(lon, lat, radiusMeters, func(h Hit) bool {
		hits = append(hits, h)
		return true
	})
	SortHits(hits)
	return hits
}

// WithinFunc calls fn, in no particular order, for each point within
// radiusMeters of (lon, lat) until fn returns false.
func (ix *Index) WithinFunc(lon, lat, radiusMeters float64, fn func(Hit) bool) {
	ix.WithinFilter(lon, lat, radiusMeters, nil, fn)
}

// WithinFilter is WithinFunc for the points that accept lets through (nil
// accepts all); accept is asked before the distance is computed, so a
// selective filter saves the great-circle arithmetic. The corners of the
// R-tree box are dropped by the chord test, without trigonometry; only the
// points kept pay for the haversine that Hit.Meters reports.
func (ix *Index) WithinFilter(lon, lat, radiusMeters float64, accept func(id uint32) bool, fn func(Hit) bool) {
	if math.IsNaN(radiusMeters) || radiusMeters < 0 {
		return
	}
	if radiusMeters >= MaxDistanceMeters {
		ix.searchBound(world, func(plon, plat float64, it item) bool {
			if accept != nil && !accept(it.id) {
				return true
			}
			return fn(Hit{ID: it.id, Meters: Distance(lon, lat, plon, plat)})
		})
		return
	}
	q, ct := unitVector(lon, lat), newChordTest(radiusMeters)
	ix.searchBound(BoundAround(lon, lat, radiusMeters), func(plon, plat float64, it item) bool {
		if accept != nil && !accept(it.id) {
			return true
		}
		// Beyond ct.max the haversine is certainly above the radius.
		if chord2(q, it.v) > ct.max {
			return true
		}
		d := Distance(lon, lat, plon, plat)
		if d > radiusMeters {
			return true
		}
		return fn(Hit{ID: it.id, Meters: d})
	})
}

// WithinChord calls fn, in no particular order, for each point within
// radiusMeters of (lon, lat) that accept lets through (nil accepts all),
// until fn returns false. It visits exactly the points WithinFilter
// visits, but reports the squared chord instead of metres: monotone in the
// distance, so callers can count, sort or keep the k nearest by chord2 and
// convert only what they return with ChordToMeters. Deciding costs no
// trigonometry except for points within nanometres of the radius.
func (ix *Index) WithinChord(lon, lat, radiusMeters float64, accept func(id uint32) bool, fn func(id uint32, chord2 float64) bool) {
	if math.IsNaN(radiusMeters) || radiusMeters < 0 {
		return
	}
	q := unitVector(lon, lat)
	if radiusMeters >= MaxDistanceMeters {
		ix.searchBound(world, func(_, _ float64, it item) bool {
			if accept != nil && !accept(it.id) {
				return true
			}
			return fn(it.id, chord2(q, it.v))
		})
		return
	}
	ct := newChordTest(radiusMeters)
	ix.searchBound(BoundAround(lon, lat, radiusMeters), func(plon, plat float64, it item) bool {
		if accept != nil && !accept(it.id) {
			return true
		}
		c := chord2(q, it.v)
		if c > ct.max {
			return true
		}
		// In the band around the radius, the haversine decides, so the
		// predicate is Distance(...) <= radiusMeters exactly.
		if c >= ct.min && Distance(lon, lat, plon, plat) > radiusMeters {
			return true
		}
		return fn(it.id, c)
	})
}

// InBound returns the IDs of the points inside b (edges included), sorted.
func (ix *Index) InBound(b Bound) []uint32 {
	var ids []uint32
	ix.InBoundFunc(b, func(id uint32) bool {
		ids = append(ids, id)
		return true
	})
	slices.Sort(ids)
	return ids
}

// InBoundFunc calls fn, in no particular order, for each point inside b
// (edges included) until fn returns false, so a caller can stop a large
// box early, for instance when its context is done.
func (ix *Index) InBoundFunc(b Bound, fn func(id uint32) bool) {
	ix.searchBound(b, func(_, _ float64, it item) bool { return fn(it.id) })
}

// InPolygon returns the IDs of the points inside p (holes excluded), sorted.
func (ix *Index) InPolygon(p Polygon) []uint32 {
	if len(p) == 0 || len(p[0]) == 0 {
		return nil
	}
	var ids []uint32
	ix.InPolygonFunc(PreparePolygon(p), func(id uint32) bool {
		ids = append(ids, id)
		return true
	})
	slices.Sort(ids)
	return ids
}

// InPolygonFunc calls fn, in no particular order, for each point inside
// pp until fn returns false, so a caller can stop a long walk early (for
// instance when its context is done). The R-tree narrows to pp.Bound();
// pp.Contains confirms.
func (ix *Index) InPolygonFunc(pp *PreparedPolygon, fn func(id uint32) bool) {
	if pp.empty() {
		return
	}
	ix.searchBound(pp.Bound(), func(lon, lat float64, it item) bool {
		if !pp.Contains(lon, lat) {
			return true
		}
		return fn(it.id)
	})
}

// PolygonTest returns a test of whether (lon, lat) is inside p, holes
// excluded: the same test InPolygon applies, with p prepared once.
func PolygonTest(p Polygon) func(lon, lat float64) bool {
	return PreparePolygon(p).Contains
}

func toOrb(p Polygon) orb.Polygon {
	poly := make(orb.Polygon, len(p))
	for i, ring := range p {
		r := make(orb.Ring, len(ring))
		for j, pt := range ring {
			r[j] = orb.Point(pt)
		}
		poly[i] = r
	}
	return poly
}

// Nearest returns up to k points nearest to (lon, lat) that accept lets
// through (nil accepts all), nearest first, ties by ID. maxMeters > 0 stops
// the walk at that distance.
func (ix *Index) Nearest(lon, lat float64, k int, maxMeters float64, accept func(id uint32) bool) []Hit {
	if k <= 0 {
		return nil
	}
	var hits []Hit
	// Ties at the k-th distance are resolved by ID, so keep walking while
	// the next candidate is as close as the last one taken.
	ix.NearestFunc(lon, lat, maxMeters, func(id uint32, d float64) bool {
		if len(hits) >= k && d > hits[len(hits)-1].Meters+TieMeters {
			return false
		}
		if accept == nil || accept(id) {
			hits = append(hits, Hit{ID: id, Meters: d})
		}
		return true
	})
	SortHits(hits)
	if len(hits) > k {
		hits = hits[:k]
	}
	return hits
}

// TieMeters is how much farther than the k-th a point may be and still
// be looked at by a k-nearest walk: points in NearestFunc's order may be a
// few nanometres out of Distance's order, so the walk takes in anything
// that close and sorts by Distance after.
const TieMeters = 1e-6

// radiusLimit is the chord test of a nearest-first walk within
// maxMeters; with none (0, or the Earth's half round or more) nothing is
// beyond it, the antipode included (its squared chord may round above 4).
func radiusLimit(maxMeters float64) chordTest {
	if maxMeters > 0 && maxMeters < MaxDistanceMeters {
		return newChordTest(maxMeters)
	}
	return chordTest{min: math.Inf(1), max: math.Inf(1)}
}

// NearestFunc calls fn with the points in order of distance from (lon,
// lat), nearest first, with their distance, until fn returns false or,
// with maxMeters > 0, the distance passes maxMeters. Points within a few
// nanometres of each other's distance come in no set order.
//
// The walk orders by squared chord, which costs no trigonometry per
// point; only the points handed to fn are measured with Distance.
func (ix *Index) NearestFunc(lon, lat float64, maxMeters float64, fn func(id uint32, meters float64) bool) {
	q := unitVector(lon, lat)
	limit := radiusLimit(maxMeters)
	nb := newNodeBound(lon, lat)
	ix.tr.Nearby(func(min, max [2]float64, it item, isItem bool) float64 {
		if isItem {
			return chord2(q, it.v)
		}
		return nb.chord2(min, max)
	}, func(min, _ [2]float64, it item, c float64) bool {
		if c > limit.max {
			return false
		}
		d := Distance(lon, lat, min[0], min[1])
		if c >= limit.min && d > maxMeters {
			// In the rounding band of the limit: the haversine decides,
			// and the walk goes on, for a nearer point may follow.
			return true
		}
		return fn(it.id, d)
	})
}

// SortHits orders hits nearest first, ties by ID, so results are stable.
func SortHits(hits []Hit) {
	slices.SortFunc(hits, func(a, b Hit) int {
		if c := cmp.Compare(a.Meters, b.Meters); c != 0 {
			return c
		}
		return cmp.Compare(a.ID, b.ID)
	})
}

// nodeBound gives, without trigonometry, a lower bound of the squared
// chord from a point to any point of a box of longitudes and latitudes:
// the bound a best-first k-nearest walk needs to be exact, computed for
// every child of every node it opens. Two bounds hold and the larger is
// taken: the latitude gap (no path is shorter than its change of
// latitude) and, when the point is west or east of the box, the
// cross-track distance to the nearer bounding meridian's great circle,
// whose sine is cos(lat)·sin(Δlon). Sines are bounded below by their
// series cut after a negative term (sinBelow), and the squared chord of
// an angle whose sine is s is 2s²/(1+√(1-s²)), so no sin or asin is
// needed; a hair is taken off, so that rounding never makes a node wait
// behind a point of its own.
type nodeBound struct {
	lon, lat, cosLat float64
}

func newNodeBound(lon, lat float64) nodeBound {
	return nodeBound{lon: lon, lat: lat, cosLat: math.Cos(lat * math.Pi / 180)}
}

func (b nodeBound) chord2(min, max [2]float64) float64 {
	var latGap float64
	switch {
	case b.lat < min[1]:
		latGap = min[1] - b.lat
	case b.lat > max[1]:
		latGap = b.lat - max[1]
	}
	// The chord of an angle x is 2·sin(x/2).
	c := 2 * sinBelow(latGap*math.Pi/360)
	best := c * c
	if b.lon < min[0] || b.lon > max[0] {
		if dLon := math.Min(angularGap(b.lon, min[0]), angularGap(b.lon, max[0])); dLon < 90 {
			s := math.Min(1, b.cosLat*sinBelow(dLon*math.Pi/180))
			if xt := 2 * s * s / (1 + math.Sqrt(1-s*s)); xt > best {
				best, c = xt, 2*s // the chord is below 2s
			}
		}
	}
	// Unit vectors are rounded to about 1e-16: a point's squared chord
	// may come out ~1e-15·chord low; take ten times that off.
	return best*(1-1e-12) - 1e-14*c
}

// sinBelow is at most sin(y) for y in [0, π/2], and within 2·10⁻⁴ of it
// (1e-13 relative below 0.01 rad, 60 km): the sine's series cut after
// its fourth term, a negative one, which leaves it below.
func sinBelow(y float64) float64 {
	y2 := y * y
	return y * (1 - y2/6*(1-y2/20*(1-y2/42)))
}

// angularGap is the absolute difference between two longitudes, in
// degrees, the short way round.
func angularGap(a, b float64) float64 {
	d := math.Abs(a - b)
	if d > 180 {
		// Never below 0: a box padded past ±180 would otherwise be
		// farther than a point it holds.
		d = max(360-d, 0)
	}
	return d
}
