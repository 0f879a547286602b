package geo

import (
	"cmp"
	"math"
	"math/bits"
	"slices"
	"sync"
)

// cellBits is the resolution of the cell grid per axis: 2^16 columns of
// 0.0055° of longitude (about 400 m at mid-latitudes) and as many rows.
const cellBits = 16

const cellGrid = 1 << cellBits

// CellKey is the position of (lon, lat) along a Hilbert curve over the
// longitude/latitude plane, at cellBits per axis. Points close on the
// curve are close on the map, and every square cell of the quadtree over
// the plane holds one contiguous run of keys: sort points by key and
// the points of a cell are one range of positions.
func CellKey(lon, lat float64) uint32 {
	return hilbert(gridCoord((lon+180)/360), gridCoord((lat+90)/180))
}

func gridCoord(f float64) uint32 {
	v := math.Floor(f * cellGrid)
	switch {
	case !(v >= 0): // NaN included
		return 0
	case v >= cellGrid:
		return cellGrid - 1
	}
	return uint32(v)
}

// hilbert maps grid coordinates to their distance along the curve.
func hilbert(x, y uint32) uint32 {
	var d uint32
	for s := uint32(cellGrid / 2); s > 0; s /= 2 {
		var rx, ry uint32
		if x&s != 0 {
			rx = 1
		}
		if y&s != 0 {
			ry = 1
		}
		d += s * s * ((3 * rx) ^ ry)
		if ry == 0 {
			if rx == 1 {
				x, y = cellGrid-1-x, cellGrid-1-y
			}
			x, y = y, x
		}
	}
	return d
}

// curveTurn is how the Hilbert curve runs through a cell of the
// quadtree: the transform hilbert has applied to the coordinates on its
// way down to the cell, a complement of both (bit 0) and a swap (bit 1),
// which commute. The root's is 0.
type curveTurn uint8

// child returns the place along the curve (0 to 3) of the child of a
// cell turned t whose grid origin, in cells of the child's level, is
// (x, y), and the child's turn: hilbert's step for one level, where
// computing the place from the whole key costs a step per level.
func (t curveTurn) child(x, y uint32) (int, curveTurn) {
	rx, ry := x&1, y&1
	if t&1 != 0 {
		rx, ry = rx^1, ry^1
	}
	if t&2 != 0 {
		rx, ry = ry, rx
	}
	if ry == 0 {
		if rx == 1 {
			t ^= 1
		}
		t ^= 2
	}
	return int((3 * rx) ^ ry), t
}

// CellOrder returns the permutation that sorts points by CellKey, ties
// in their given order: whoever keeps points in that order can hand them
// to NewCells.
func CellOrder(lon, lat []float64) []int {
	keys := make([]uint32, len(lon))
	order := make([]int, len(lon))
	for i := range lon {
		keys[i] = CellKey(lon[i], lat[i])
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int {
		if c := cmp.Compare(keys[a], keys[b]); c != 0 {
			return c
		}
		return cmp.Compare(a, b)
	})
	return order
}

// Cells is a set of points kept in cell order (CellOrder): their keys,
// coordinates and unit vectors by position. Cover finds, for an area, the
// runs of positions entirely inside it, and the few points along its edge
// that Contains must decide one by one, so counting the points of a disc
// costs about its perimeter, not its area. It is safe for concurrent use.
type Cells struct {
	keys     []uint32
	lon, lat []float64
	v        []vec3
	// start[k] is the position of the first point of cell k at level
	// startLevel (the number of points before it), for a cover to find
	// the run of a cell down to that level by two reads instead of two
	// binary searches; startLevel is -1 without a table (few points).
	start      []uint32
	startLevel int
}

// startTable sizes the table of cell starts: about one cell a point, at
// most 4^11 cells (16 MB), none under 4,096 points.
func startTable(n int) int {
	if n < 1<<12 {
		return -1
	}
	level := 0
	for level < 11 && 1<<(2*(level+1)) <= n {
		level++
	}
	return level
}

// NewCells indexes points already in cell order; it panics otherwise,
// which would be a bug of the caller.
func NewCells(lon, lat []float64) *Cells {
	c := &Cells{keys: make([]uint32, len(lon)), lon: lon, lat: lat, v: make([]vec3, len(lon))}
	for i := range lon {
		c.keys[i] = CellKey(lon[i], lat[i])
		if i > 0 && c.keys[i] < c.keys[i-1] {
			panic("geo.NewCells: points not in cell order")
		}
		c.v[i] = unitVector(lon[i], lat[i])
	}
	if c.startLevel = startTable(len(c.keys)); c.startLevel >= 0 {
		shift := 2 * uint(cellBits-c.startLevel)
		c.start = make([]uint32, 1<<(2*c.startLevel)+1)
		for _, k := range c.keys {
			c.start[(k>>shift)+1]++
		}
		for i := 1; i < len(c.start); i++ {
			c.start[i] += c.start[i-1]
		}
	}
	return c
}

// Len is the number of points.
func (c *Cells) Len() int { return len(c.keys) }

// Relation is how an area relates to a cell: the cell is outside it, in
// it entirely, or neither (its points must be tested one by one).
type Relation int

const (
	Disjoint Relation = iota
	Inside
	Partial
)

// Area is what Cells.Cover covers and Cells.Contains tests: a Circle or
// a Box.
type Area interface {
	// relate classifies a cell given by its grid lines, answering
	// Partial whenever unsure.
	relate(x0, y0, x1, y1 uint32) Relation
	// contains is the exact test of point i of c.
	contains(c *Cells, i int) bool
}

// leafPoints is the size below which Cover stops splitting a cell and
// hands its points over to be tested one by one: a test costs a few
// multiplications over points next to each other, a split two binary
// searches whose steps miss the cache in a large catalog (128 serves the
// population-weighted mix 8% faster than 64 at 1,000,000 places, and as
// fast at 100,000).
const leafPoints = 128

// Cover calls fn with ranges of positions [lo, hi) holding every point of
// the area: inside is true when all the range's points are in it, false
// when each must be tested with Contains. Ranges do not overlap and come
// in no particular order; fn returns false to stop.
func (c *Cells) Cover(a Area, fn func(lo, hi int, inside bool) bool) {
	rel := a.relate(0, 0, cellGrid, cellGrid)
	if rel != Disjoint {
		c.cover(a, 0, 0, 0, 0, 0, rel, 0, len(c.keys), fn)
	}
}

// Contains reports whether point i lies in the area: for a circle, the
// same answer as Distance(...) <= radius.
func (c *Cells) Contains(a Area, i int) bool { return a.contains(c, i) }

// Keep returns the bits of w whose points lie in the area, bit t
// standing for point base+t: the places of a bitmap word along an
// area's edge, tested with the area's own loop.
func (c *Cells) Keep(a Area, base int, w uint64) uint64 {
	out := w
	switch x := a.(type) {
	case *Circle:
		// contains, inlined.
		for m := w; m != 0; m &= m - 1 {
			t := bits.TrailingZeros64(m)
			switch d := chord2(x.center, c.v[base+t]); {
			case d < x.test.min:
			case d > x.test.max || !x.onEdge(c, base+t):
				out &^= 1 << t
			}
		}
	default:
		for m := w; m != 0; m &= m - 1 {
			if t := bits.TrailingZeros64(m); !a.contains(c, base+t) {
				out &^= 1 << t
			}
		}
	}
	return out
}

// CountIn is how many of the points [lo, hi) lie in the area, as many
// as Contains says yes to: the count of a run along an area's edge, a
// loop of the area's own test rather than a call through Area for each
// point.
func (c *Cells) CountIn(a Area, lo, hi int) int {
	n := 0
	switch x := a.(type) {
	case *Circle:
		// contains, inlined: a disc's edge is most of its cost.
		for i, v := range c.v[lo:hi] {
			switch d := chord2(x.center, v); {
			case d < x.test.min:
				n++
			case d <= x.test.max && x.onEdge(c, lo+i):
				n++
			}
		}
	case Box:
		for i := lo; i < hi; i++ {
			if x.contains(c, i) {
				n++
			}
		}
	default:
		for i := lo; i < hi; i++ {
			if a.contains(c, i) {
				n++
			}
		}
	}
	return n
}

// cover visits the cell at level with grid origin (cx, cy) in cells of
// that level, whose keys start at first, the curve turned turn in it,
// related to the area by rel (not Disjoint), whose points are positions
// [l, h).
func (c *Cells) cover(a Area, level int, cx, cy uint32, first uint64, turn curveTurn, rel Relation, l, h int, fn func(lo, hi int, inside bool) bool) bool {
	switch {
	case l == h:
		return true
	case rel == Inside:
		return fn(l, h, true)
	case h-l <= leafPoints || level == cellBits:
		return fn(l, h, false)
	}
	// The four children, by their place along the curve: each holds a
	// quarter of the cell's keys, so their runs split [l, h) at three
	// bounds. The geometry first: a child apart from the area needs
	// none of its bounds, and a bound two children share is found once.
	shift := uint(cellBits - level - 1)
	span := uint64(1) << (2 * shift)
	var kids [4]struct {
		x, y uint32
		turn curveTurn
		rel  Relation // Disjoint for a child left out
	}
	for i := range uint32(4) {
		x, y := cx*2+(i&1), cy*2+(i>>1)
		rel := a.relate(x<<shift, y<<shift, (x+1)<<shift, (y+1)<<shift)
		if rel == Disjoint {
			continue
		}
		j, t := turn.child(x, y)
		kids[j].x, kids[j].y, kids[j].turn, kids[j].rel = x, y, t, rel
	}
	bounds := [5]int{l, -1, -1, -1, h}
	for j := range 4 {
		k := kids[j]
		if k.rel == Disjoint {
			continue
		}
		lo, hi := c.childBound(&bounds, j, level, first, span), c.childBound(&bounds, j+1, level, first, span)
		if !c.cover(a, level+1, k.x, k.y, first+uint64(j)*span, k.turn, k.rel, lo, hi, fn) {
			return false
		}
	}
	return true
}

// childBound returns bounds[j], finding it first if it is below 0: the
// first position of the j-th child along the curve (the end of the run
// at j = 4) of a cell at level whose keys start at first, each child
// spanning span keys. It reads the start table down to its level, and
// searches below it between the nearest bounds known on either side.
func (c *Cells) childBound(bounds *[5]int, j, level int, first, span uint64) int {
	if bounds[j] < 0 {
		if level+1 <= c.startLevel {
			bounds[j] = int(c.start[(first+uint64(j)*span)>>(2*uint(cellBits-c.startLevel))])
		} else {
			lo, hi := j-1, j+1
			for bounds[lo] < 0 {
				lo--
			}
			for bounds[hi] < 0 {
				hi++
			}
			bounds[j] = lowerBound(c.keys, bounds[lo], bounds[hi], first+uint64(j)*span)
		}
	}
	return bounds[j]
}

// lowerBound is the first position in [lo, hi) whose key is at least v
// (hi when none): sort.Search without its closure, on the hot path of
// every area query.
func lowerBound(keys []uint32, lo, hi int, v uint64) int {
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if uint64(keys[m]) < v {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return lo
}

// cellPad widens a cell before it is compared with a box: a point whose
// key puts it in a cell lies at most a rounding error outside it.
const cellPad = 1e-9

// gridLon and gridLat are the longitude and latitude of a grid line.
func gridLon(x uint32) float64 { return float64(x)*(360.0/cellGrid) - 180 }
func gridLat(y uint32) float64 { return float64(y)*(180.0/cellGrid) - 90 }

// cellBound is the box of the cell between grid lines x0, x1 and y0, y1,
// widened by cellPad: every point whose key puts it there lies inside.
func cellBound(x0, y0, x1, y1 uint32) Bound {
	return Bound{gridLon(x0) - cellPad, gridLat(y0) - cellPad, gridLon(x1) + cellPad, gridLat(y1) + cellPad}
}

// gridTrig holds the sine and cosine of every grid line, so that the
// corners of a cell cost no trigonometry: 2 MB, made at first use.
var gridTrig = sync.OnceValue(func() *[2][cellGrid + 1][2]float64 {
	t := new([2][cellGrid + 1][2]float64)
	for i := range uint32(cellGrid + 1) {
		s, c := math.Sincos(gridLon(i) * math.Pi / 180)
		t[0][i] = [2]float64{s, c}
		s, c = math.Sincos(gridLat(i) * math.Pi / 180)
		t[1][i] = [2]float64{s, c}
	}
	return t
})

// Circle is the area within a distance of a point.
type Circle struct {
	lon, lat, meters float64
	center           vec3
	box              Bound // around the circle
	test             chordTest
	inside           float64 // a corner's squared chord below this is inside
	small            bool    // under a quarter turn: its corners decide
}

// NewCircle is the area within meters of (lon, lat).
func NewCircle(lon, lat, meters float64) *Circle {
	c := &Circle{lon: lon, lat: lat, meters: meters, center: unitVector(lon, lat), test: newChordTest(meters)}
	c.box = BoundAround(lon, lat, meters)
	if meters >= MaxDistanceMeters {
		c.box = world
	}
	// A metre of margin keeps Inside on the safe side of every rounding.
	c.inside = MetersToChord(math.Max(0, meters-1))
	c.small = meters < MaxDistanceMeters/4
	return c
}

func (c *Circle) relate(x0, y0, x1, y1 uint32) Relation {
	b := cellBound(x0, y0, x1, y1)
	if Box(c.box).relateBound(b) == Disjoint {
		return Disjoint
	}
	// On a box narrower than a quarter turn, distance from a point is
	// largest at a corner (along a parallel it grows with the difference
	// of longitude, along a meridian it has one minimum), so a circle of
	// less than a quarter turn that holds the corners holds the box.
	if !c.small || x1-x0 >= cellGrid/4 {
		return Partial
	}
	t := gridTrig()
	for _, x := range [2]uint32{x0, x1} {
		sλ, cλ := t[0][x][0], t[0][x][1]
		for _, y := range [2]uint32{y0, y1} {
			sφ, cφ := t[1][y][0], t[1][y][1]
			if chord2(c.center, vec3{cφ * cλ, cφ * sλ, sφ}) > c.inside {
				return Partial
			}
		}
	}
	return Inside
}

func (c *Circle) contains(cs *Cells, i int) bool {
	d := chord2(c.center, cs.v[i])
	switch {
	case d > c.test.max:
		return false
	case d < c.test.min:
		return true
	}
	return c.onEdge(cs, i)
}

// onEdge decides a point whose chord is within rounding of the radius,
// apart from contains so that contains is inlined.
func (c *Circle) onEdge(cs *Cells, i int) bool {
	return Distance(c.lon, c.lat, cs.lon[i], cs.lat[i]) <= c.meters
}

// Box is a longitude/latitude box as an area (MinLon > MaxLon crosses the
// antimeridian); edges are inside.
type Box Bound

func (x Box) relate(x0, y0, x1, y1 uint32) Relation {
	return x.relateBound(cellBound(x0, y0, x1, y1))
}

func (x Box) relateBound(b Bound) Relation {
	if b.MaxLat < x.MinLat || b.MinLat > x.MaxLat {
		return Disjoint
	}
	latIn := b.MinLat >= x.MinLat && b.MaxLat <= x.MaxLat
	if x.MinLon <= x.MaxLon {
		if b.MaxLon < x.MinLon || b.MinLon > x.MaxLon {
			return Disjoint
		}
		if latIn && b.MinLon >= x.MinLon && b.MaxLon <= x.MaxLon {
			return Inside
		}
		return Partial
	}
	// Across the antimeridian: [MinLon, 180] and [-180, MaxLon].
	if b.MinLon > x.MaxLon && b.MaxLon < x.MinLon {
		return Disjoint
	}
	if latIn && (b.MinLon >= x.MinLon || b.MaxLon <= x.MaxLon) {
		return Inside
	}
	return Partial
}

func (x Box) contains(c *Cells, i int) bool {
	lon, lat := c.lon[i], c.lat[i]
	if lat < x.MinLat || lat > x.MaxLat {
		return false
	}
	if x.MinLon <= x.MaxLon {
		return lon >= x.MinLon && lon <= x.MaxLon
	}
	return lon >= x.MinLon || lon <= x.MaxLon
}

// Both is the intersection of two areas.
func Both(a, b Area) Area { return both{a, b} }

type both struct{ a, b Area }

func (x both) relate(x0, y0, x1, y1 uint32) Relation {
	ra := x.a.relate(x0, y0, x1, y1)
	if ra == Disjoint {
		return Disjoint
	}
	rb := x.b.relate(x0, y0, x1, y1)
	switch {
	case rb == Disjoint:
		return Disjoint
	case ra == Inside && rb == Inside:
		return Inside
	}
	return Partial
}

func (x both) contains(c *Cells, i int) bool { return x.a.contains(c, i) && x.b.contains(c, i) }

// FarthestMeters bounds the distance from (lon, lat) to any point of the
// box: its farthest corner, or half the circumference for a box half the
// world wide or more.
func FarthestMeters(lon, lat float64, b Bound) float64 {
	w := b.MaxLon - b.MinLon
	if w < 0 {
		w += 360
	}
	if w >= 180 {
		return MaxDistanceMeters
	}
	far := 0.0
	for _, p := range [4][2]float64{{b.MinLon, b.MinLat}, {b.MinLon, b.MaxLat}, {b.MaxLon, b.MinLat}, {b.MaxLon, b.MaxLat}} {
		far = math.Max(far, Distance(lon, lat, p[0], p[1]))
	}
	return far
}

// Ruler measures distances from one point to the points of a Cells by
// their unit vectors: a square root and an arcsine a point instead of the
// haversine's four sines and cosines. Its distances agree with Distance
// to within a few nanometres, which is enough to rank places, not to
// report them (Distance does that).
type Ruler struct{ from vec3 }

// NewRuler measures from (lon, lat).
func NewRuler(lon, lat float64) Ruler { return Ruler{unitVector(lon, lat)} }

// Meters is the distance to point i of c.
func (r Ruler) Meters(c *Cells, i int) float64 { return ChordToMeters(chord2(r.from, c.v[i])) }

// MetersAtLeast is at most Meters(c, i), and within 0.2% of it below
// 100 km, for a square root instead of an arc sine: an arc is longer
// than its chord.
func (r Ruler) MetersAtLeast(c *Cells, i int) float64 {
	return math.Sqrt(chord2(r.from, c.v[i])) * EarthRadiusMeters * (1 - 1e-12)
}
