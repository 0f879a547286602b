package geo

import (
	"cmp"
	"math"
	"slices"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
)

// MaxPolygonVertices bounds the vertices, all rings together, of a polygon
// the service accepts. PreparePolygon itself takes any size; callers
// enforce this so that preparing a request's polygon stays a matter of
// milliseconds and a megabyte or two.
const MaxPolygonVertices = 10000

// PreparedPolygon answers "is this point inside?" for one polygon in time
// that depends on the few edges near the point, not on the polygon's size.
// It gives exactly the answers of orb's planar.PolygonContains, which
// InPolygon used before: the outer ring's boundary is inside, a hole's
// boundary is outside, and points on an edge follow orb's arithmetic.
// It is safe for concurrent use.
type PreparedPolygon struct {
	poly  orb.Polygon // orb's view: the reference, and the fallback
	bound Bound       // the outer ring's bound, as orb computes it
	grid  *polygonGrid
}

// PreparePolygon builds the point-in-polygon structure for p: a grid over
// the outer ring's bound whose cells list the edges passing near them, plus
// what every other edge contributes to a point of the cell. An empty
// polygon (no outer ring, or an empty one) contains nothing. Polygons with
// a non-finite coordinate, or one beyond ±1e6, are tested by orb directly.
func PreparePolygon(p Polygon) *PreparedPolygon {
	pp := &PreparedPolygon{}
	if len(p) == 0 || len(p[0]) == 0 {
		return pp
	}
	// Empty holes contain nothing, and would make orb index an empty ring
	// for a NaN point: leave them out.
	pp.poly = toOrb(slices.DeleteFunc(slices.Clone(p), func(r [][2]float64) bool { return len(r) == 0 }))
	bb := pp.poly.Bound()
	pp.bound = Bound{bb.Min[0], bb.Min[1], bb.Max[0], bb.Max[1]}
	pp.grid = newPolygonGrid(pp.poly, bb)
	return pp
}

func (pp *PreparedPolygon) empty() bool { return pp == nil || pp.poly == nil }

// Bound is the outer ring's bounding box: no point outside it is inside
// the polygon. It is the zero Bound for an empty polygon.
func (pp *PreparedPolygon) Bound() Bound {
	if pp.empty() {
		return Bound{}
	}
	return pp.bound
}

// Contains reports whether (lon, lat) is inside the polygon, holes
// excluded, exactly as orb's planar.PolygonContains decides.
func (pp *PreparedPolygon) Contains(lon, lat float64) bool {
	if pp.empty() {
		return false
	}
	if pp.grid == nil || math.IsNaN(lon) || math.IsNaN(lat) {
		return planar.PolygonContains(pp.poly, orb.Point{lon, lat})
	}
	b := pp.bound
	if lat < b.MinLat || lat > b.MaxLat || lon < b.MinLon || lon > b.MaxLon {
		return false
	}
	return pp.grid.contains([2]float64{lon, lat})
}

// The grid. orb casts a ray from the point towards +latitude and counts,
// per ring, the edges it crosses (rayIntersect), an edge through the
// point deciding at once. Only edges whose longitude range holds the point
// can count. For a point in a cell, every such edge is one of:
//
//   - local: it passes within the margin of the cell, and is tested for
//     the point itself (see contains);
//   - above: over the cell's column it stays higher than the cell's top by
//     more than the margin. orb's arithmetic then always says "crossed"
//     when minLon <= lon < maxLon (see classify), so the parity it adds
//     depends only on lon: it flips at each endpoint longitude. Per cell
//     we keep the parity at the column's left edge (odd rings) and the
//     flips inside the column (breaks); endpoints shared by two above
//     edges cancel, so breaks stay few;
//   - below: lower than the cell's bottom by more than the margin: never
//     crossed.
//
// The margin (1e-9 of the largest coordinate) is over 10⁵ times the
// rounding error of rayIntersect's slope comparison (a few ulps of the
// largest coordinate) and of the grid's own interpolation, so wherever the
// grid decides without rayIntersect, rayIntersect could not decide
// otherwise. Cells with neither local edges nor breaks are wholly in or
// out.
type polygonGrid struct {
	nx, ny     int
	colX, rowY []float64 // cell boundaries, nx+1 and ny+1 of them, nondecreasing
	scaleX     float64   // nx / width, for the first guess of a column
	scaleY     float64
	margin     float64
	oneRing    bool // no holes: every edge is the outer ring's
	edges      []gridEdge
	cells      []gridCell // row by row
	localEdges []uint32   // the cells' local edges, by cell
	breakList  []gridBreak
	oddRings   []uint32
}

// gridEdge is one edge as rayIntersect sees it: west is the end with the
// smaller longitude (the first one if they tie).
type gridEdge struct {
	westLon, westLat float64
	eastLon, eastLat float64
	slope            float64 // latitude per longitude; NaN when steep
	ring             uint32
}

func (e *gridEdge) steep() bool { return !(e.eastLon-e.westLon >= steepDx) }

type gridCell struct {
	local, breaks, odd span // into localEdges, breakList and oddRings
	state              uint8
}

type span struct{ lo, hi uint32 }

const (
	cellOut uint8 = iota
	cellIn
	cellMixed
)

// gridBreak is a longitude at which the parity of ring's above edges flips.
type gridBreak struct {
	lon  float64
	ring uint32
}

// gridMaxCoord bounds the coordinates the grid takes, so that slopes stay
// finite and the margin argument holds; lon/lat are far below it.
const gridMaxCoord = 1e6

// steepDx is the smallest longitude extent for which an edge's slope is
// used; steeper edges are classified by their bounding box alone.
const steepDx = 1e-200

// Grid shape: about cellsPerEdge cells per edge, each cellAspect times as
// wide as high (each column an edge crosses costs a classification on top
// of the cells it passes through), and at most maxEntriesPerEdge local
// entries per edge on average, beyond which the grid gets coarser, so that
// no polygon of MaxPolygonVertices takes more than a few megabytes.
// Measured on a 7,004-vertex star over 100,000 points: more cells make
// the tests cheaper but the building dearer by as much.
const (
	cellsPerEdge      = 1
	cellAspect        = 3
	maxEntriesPerEdge = 64
	maxAxisCells      = 4096
)

func newPolygonGrid(p orb.Polygon, bb orb.Bound) *polygonGrid {
	var edges []gridEdge
	scale := 1.0
	for ri, r := range p {
		if len(r) == 0 {
			continue
		}
		for _, pt := range r {
			for _, v := range pt {
				if math.IsNaN(v) || math.Abs(v) > gridMaxCoord {
					return nil
				}
				scale = max(scale, math.Abs(v))
			}
		}
		// The same edges, in the same orientation, as orb.RingContains.
		add := func(a, b orb.Point) {
			if a[0] > b[0] {
				a, b = b, a
			}
			e := gridEdge{westLon: a[0], westLat: a[1], eastLon: b[0], eastLat: b[1], slope: math.NaN(), ring: uint32(ri)}
			if !e.steep() {
				e.slope = (b[1] - a[1]) / (b[0] - a[0])
			}
			edges = append(edges, e)
		}
		add(r[0], r[len(r)-1])
		for i := 0; i < len(r)-1; i++ {
			add(r[i], r[i+1])
		}
	}
	g := &polygonGrid{edges: edges, margin: 1e-9 * scale, oneRing: len(p) == 1}
	g.shape(bb)
	g.build()
	return g
}

// shape chooses the grid's columns and rows: about cellsPerEdge cells per
// edge, each cellAspect times as wide as high. When that would list the
// edges in more local entries than the budget allows (long steep edges
// want narrow columns, long flat ones low rows), other proportions are
// tried, then fewer cells.
func (g *polygonGrid) shape(bb orb.Bound) {
	w, h := bb.Max[0]-bb.Min[0], bb.Max[1]-bb.Min[1]
	budget := maxEntriesPerEdge*len(g.edges) + 4096
	set := func(nx, ny int) int {
		g.nx, g.ny = nx, ny
		g.colX, g.scaleX = axis(bb.Min[0], bb.Max[0], nx)
		g.rowY, g.scaleY = axis(bb.Min[1], bb.Max[1], ny)
		return g.entries()
	}
	rows := func(cells, nx int) int { return min(max(cells/nx, 1), maxAxisCells) }
	for cells := min(cellsPerEdge*len(g.edges), 1<<18); ; cells /= 4 {
		nx, ny := 1, 1
		switch {
		case w > 0 && h > 0:
			nx = min(max(int(math.Round(math.Sqrt(float64(cells)*w/(h*cellAspect)))), 1), maxAxisCells)
			ny = rows(cells, nx)
		case w > 0:
			nx = min(max(cells, 1), maxAxisCells)
		case h > 0:
			ny = min(max(cells, 1), maxAxisCells)
		}
		n := set(nx, ny)
		if n <= budget {
			return
		}
		if w > 0 && h > 0 {
			best, bestN := [2]int{nx, ny}, n
			for cols := 1; cols <= maxAxisCells; cols *= 2 {
				if n := set(cols, rows(cells, cols)); n < bestN {
					best, bestN = [2]int{cols, rows(cells, cols)}, n
				}
			}
			n = set(best[0], best[1])
		}
		if n <= budget || cells <= 1 {
			return
		}
	}
}

// axis splits [lo, hi] into n intervals whose bounds are nondecreasing and
// end exactly on lo and hi.
func axis(lo, hi float64, n int) ([]float64, float64) {
	a := make([]float64, n+1)
	a[0], a[n] = lo, hi
	for k := 1; k < n; k++ {
		a[k] = min(max(lo+(hi-lo)*float64(k)/float64(n), a[k-1]), hi)
	}
	scale := 0.0
	if hi > lo {
		scale = float64(n) / (hi - lo)
	}
	return a, scale
}

// index returns k with a[k] <= v <= a[k+1] for v in [a[0], a[n]], from a
// first guess by arithmetic corrected against the stored bounds.
func index(a []float64, scale, v float64) int {
	n := len(a) - 1
	k := min(max(int((v-a[0])*scale), 0), n-1)
	for k > 0 && v < a[k] {
		k--
	}
	for k < n-1 && v > a[k+1] {
		k++
	}
	return k
}

// countBelow is the number of cells of axis a whose upper bound is below
// v: the rows an edge at v or higher lies wholly above.
func countBelow(a []float64, scale, v float64) int {
	n := len(a) - 1
	switch {
	case !(v > a[0]):
		return 0
	case v > a[n]:
		return n
	}
	// The first k >= 1 with a[k] >= v, less one.
	k := index(a, scale, v) + 1
	for k > 1 && a[k-1] >= v {
		k--
	}
	return k - 1
}

// countAtMost is the number of cells of axis a whose lower bound is at
// most v.
func countAtMost(a []float64, scale, v float64) int {
	n := len(a) - 1
	switch {
	case v < a[0]:
		return 0
	case !(v < a[n]):
		return n
	}
	// The last k <= n-1 with a[k] <= v, plus one.
	k := index(a, scale, v)
	for k < n-1 && a[k+1] <= v {
		k++
	}
	return k + 1
}

// entries estimates the local entries the grid would hold: a segment
// passes through at most one cell per column and per row it crosses, and
// the margin seldom adds one.
func (g *polygonGrid) entries() int {
	n := 0
	for k := range g.edges {
		e := &g.edges[k]
		if e.eastLon < g.colX[0] || e.westLon > g.colX[g.nx] {
			continue
		}
		cols := countAtMost(g.colX, g.scaleX, e.eastLon) - countBelow(g.colX, g.scaleX, e.westLon)
		rows := countAtMost(g.rowY, g.scaleY, max(e.westLat, e.eastLat)+g.margin) - countBelow(g.rowY, g.scaleY, min(e.westLat, e.eastLat)-g.margin)
		n += cols + rows
	}
	return n
}

// colEntry is an edge as seen from one column: above the rows below
// `above`, local to rows above..last, below the rest.
type colEntry struct {
	edge        uint32
	above, last int32
}

// classify places edge k in the column [x0, x1]; x1up is nextafter(x1).
func (g *polygonGrid) classify(k uint32, x0, x1up float64) colEntry {
	e := &g.edges[k]
	lo, hi := min(e.westLat, e.eastLat), max(e.westLat, e.eastLat)
	if !e.steep() {
		// Over the column, rayIntersect meets lon in [x0, x1] and, once
		// nudged, nextafter(x1); the edge's latitude there lies between
		// its values at the ends of that range. The interpolation is off
		// by a few ulps of the largest coordinate, far less than the
		// margin.
		a := max(x0, e.westLon)
		b := min(x1up, e.eastLon)
		ya, yb := e.westLat+e.slope*(a-e.westLon), e.westLat+e.slope*(b-e.westLon)
		lo, hi = min(ya, yb)-g.margin, max(ya, yb)+g.margin
	}
	// A steep edge keeps its latitude range: rayIntersect decides by
	// comparisons alone for a point outside it (south of it, crossed iff
	// minLon <= lon < maxLon, an empty range for a vertical edge), so its
	// bounding box is exact.
	return colEntry{
		edge:  k,
		above: int32(countBelow(g.rowY, g.scaleY, lo)),
		last:  int32(countAtMost(g.rowY, g.scaleY, hi) - 1),
	}
}

// build sweeps the columns west to east, keeping the edges whose
// longitude range meets the column, and fills each column's cells.
func (g *polygonGrid) build() {
	nx, ny := g.nx, g.ny
	// Edges by first column, by counting sort.
	startAt := make([]uint32, nx+1)
	first := make([]int32, len(g.edges))
	for k := range g.edges {
		e := &g.edges[k]
		if e.eastLon < g.colX[0] || e.westLon > g.colX[nx] {
			first[k] = -1
			continue
		}
		i0 := countBelow(g.colX, g.scaleX, e.westLon)
		first[k] = int32(i0)
		startAt[i0+1]++
	}
	for i := range nx {
		startAt[i+1] += startAt[i]
	}
	order := make([]uint32, startAt[nx])
	for k, i0 := range first {
		if i0 >= 0 {
			order[startAt[i0]] = uint32(k)
			startAt[i0]++
		}
	}
	g.cells = make([]gridCell, nx*ny)
	g.localEdges = make([]uint32, 0, g.entries())
	var active []uint32
	var col, sorted []colEntry
	perRow := make([]uint32, ny+1)
	byAbove := make([]uint32, ny+2)
	// The breaks of the current row: endpoint longitudes inside the
	// column whose count of above edges is odd. Shared endpoints cancel,
	// so the set stays small and a slice beats a map.
	var toggles []gridBreak
	// Base parity, and whether listed in touched, by ring (rings <= edges).
	base := make([]bool, len(g.edges))
	seen := make([]bool, len(g.edges))
	var touched []uint32
	var snap []gridBreak
	added := 0
	for i := range nx {
		x0, x1 := g.colX[i], g.colX[i+1]
		active = slices.DeleteFunc(active, func(k uint32) bool { return g.edges[k].eastLon < x0 })
		// startAt[i] now ends column i's edges.
		for ; added < int(startAt[i]); added++ {
			active = append(active, order[added])
		}
		col = col[:0]
		x1up := math.Nextafter(x1, math.Inf(1))
		for _, k := range active {
			col = append(col, g.classify(k, x0, x1up))
		}

		// Local edges, row by row, by counting sort.
		clear(perRow)
		for _, ce := range col {
			for j := int(max(ce.above, 0)); j <= int(ce.last); j++ {
				perRow[j+1]++
			}
		}
		for j := range ny {
			perRow[j+1] += perRow[j]
		}
		start := uint32(len(g.localEdges))
		g.localEdges = slices.Grow(g.localEdges, int(perRow[ny]))[:int(start+perRow[ny])]
		for j := range ny {
			g.cells[j*nx+i].local = span{start + perRow[j], start + perRow[j+1]}
			perRow[j] += start // now where row j's next edge goes
		}
		for _, ce := range col {
			for j := int(max(ce.above, 0)); j <= int(ce.last); j++ {
				g.localEdges[perRow[j]] = ce.edge
				perRow[j]++
			}
		}

		// Above edges, sweeping down: an entry is above row j when
		// j < ce.above, so entries join in decreasing order of above
		// (sorted by counting).
		clear(byAbove)
		for _, ce := range col {
			byAbove[ny-int(ce.above)+1]++
		}
		for k := range ny + 1 {
			byAbove[k+1] += byAbove[k]
		}
		sorted = slices.Grow(sorted[:0], len(col))[:len(col)]
		for _, ce := range col {
			sorted[byAbove[ny-int(ce.above)]] = ce
			byAbove[ny-int(ce.above)]++
		}
		toggles = toggles[:0]
		for _, r := range touched {
			base[r], seen[r] = false, false
		}
		touched = touched[:0]
		k := 0
		for j := ny - 1; j >= 0; j-- {
			for ; k < len(sorted) && int(sorted[k].above) > j; k++ {
				e := &g.edges[sorted[k].edge]
				for _, t := range [2]float64{e.westLon, e.eastLon} {
					switch {
					case t <= x0:
						if !seen[e.ring] {
							seen[e.ring] = true
							touched = append(touched, e.ring)
						}
						base[e.ring] = !base[e.ring]
					case t <= x1:
						b := gridBreak{t, e.ring}
						if at := slices.Index(toggles, b); at >= 0 {
							toggles[at] = toggles[len(toggles)-1]
							toggles = toggles[:len(toggles)-1]
						} else {
							toggles = append(toggles, b)
						}
					}
				}
			}
			c := &g.cells[j*nx+i]
			lo := uint32(len(g.breakList))
			if len(toggles) > 0 {
				snap = append(snap[:0], toggles...)
				slices.SortFunc(snap, func(a, b gridBreak) int {
					if c := cmp.Compare(a.lon, b.lon); c != 0 {
						return c
					}
					return cmp.Compare(a.ring, b.ring)
				})
				g.breakList = append(g.breakList, snap...)
			}
			c.breaks = span{lo, uint32(len(g.breakList))}
			lo = uint32(len(g.oddRings))
			for _, r := range touched {
				if base[r] {
					g.oddRings = append(g.oddRings, r)
				}
			}
			slices.Sort(g.oddRings[lo:])
			c.odd = span{lo, uint32(len(g.oddRings))}

			switch {
			case c.local.lo != c.local.hi || len(toggles) > 0:
				c.state = cellMixed
			case c.odd.hi-c.odd.lo == 1 && g.oddRings[lo] == 0:
				c.state = cellIn
			}
		}
	}
}

// ringState is the running result of one ring for one point.
type ringState struct {
	ring    uint32
	odd, on bool
}

// ringStates is a small set of ringState, on the stack for the usual one
// to four rings.
type ringStates struct {
	n    int
	buf  [4]ringState
	more []ringState
}

func (rs *ringStates) find(ring uint32) *ringState {
	for k := range rs.n {
		if rs.buf[k].ring == ring {
			return &rs.buf[k]
		}
	}
	for k := range rs.more {
		if rs.more[k].ring == ring {
			return &rs.more[k]
		}
	}
	if rs.n < len(rs.buf) {
		rs.buf[rs.n] = ringState{ring: ring}
		rs.n++
		return &rs.buf[rs.n-1]
	}
	rs.more = append(rs.more, ringState{ring: ring})
	return &rs.more[len(rs.more)-1]
}

func (rs *ringStates) flip(ring uint32) {
	st := rs.find(ring)
	st.odd = !st.odd
}

func (rs *ringStates) setOn(ring uint32) { rs.find(ring).on = true }

// inside combines the rings as orb.PolygonContains does: in the outer
// ring (ring 0) and in no hole.
func (rs *ringStates) inside() bool {
	in := false
	for _, st := range append(rs.buf[:rs.n:rs.n], rs.more...) {
		inside := st.on || st.odd
		if st.ring == 0 {
			in = inside
		} else if inside {
			return false
		}
	}
	return in
}

// contains is orb's PolygonContains for a point inside the outer ring's
// bound. Rings absent from the state have an even count and no edge
// through the point, as orb finds for any ring whose bound misses it.
func (g *polygonGrid) contains(p [2]float64) bool {
	c := &g.cells[index(g.rowY, g.scaleY, p[1])*g.nx+index(g.colX, g.scaleX, p[0])]
	switch c.state {
	case cellOut:
		return false
	case cellIn:
		return true
	}
	breaks := g.breakList[c.breaks.lo:c.breaks.hi]
	local := g.localEdges[c.local.lo:c.local.hi]
	if g.oneRing {
		// The usual polygon, without holes: one parity, and an edge
		// through the point settles it.
		odd := c.odd.hi > c.odd.lo
		for _, b := range breaks {
			if b.lon > p[0] {
				break
			}
			odd = !odd
		}
		lon, lat := p[0], p[1]
		for _, k := range local {
			// crossing, inlined by hand for this hot loop.
			e := &g.edges[k]
			if lon < e.westLon || lon > e.eastLon {
				continue
			}
			if lon != e.westLon && lon != e.eastLon {
				d := lat - (e.westLat + e.slope*(lon-e.westLon))
				if d > g.margin {
					continue
				}
				if d < -g.margin {
					odd = !odd
					continue
				}
			}
			crossed, on := rayIntersect(p, [2]float64{e.westLon, e.westLat}, [2]float64{e.eastLon, e.eastLat})
			if on {
				return true
			}
			odd = odd != crossed
		}
		return odd
	}
	var rs ringStates
	for _, r := range g.oddRings[c.odd.lo:c.odd.hi] {
		rs.flip(r)
	}
	for _, b := range breaks {
		if b.lon > p[0] {
			break
		}
		rs.flip(b.ring)
	}
	for _, k := range local {
		e := &g.edges[k]
		crossed, on := g.crossing(e, p)
		if on {
			rs.setOn(e.ring)
		} else if crossed {
			rs.flip(e.ring)
		}
	}
	return rs.inside()
}

// crossing is rayIntersect(p, e), mostly without running it. Outside the
// edge's longitude range rayIntersect says (false, false). Strictly inside
// it, away from the edge's line by more than the margin, its slope
// comparison cannot but agree with the line's: north of the line, not
// crossed; south, crossed. A steep edge's NaN slope fails both tests.
func (g *polygonGrid) crossing(e *gridEdge, p [2]float64) (crossed, on bool) {
	lon := p[0]
	if lon < e.westLon || lon > e.eastLon {
		return false, false
	}
	if lon != e.westLon && lon != e.eastLon {
		d := p[1] - (e.westLat + e.slope*(lon-e.westLon))
		if d > g.margin {
			return false, false
		}
		if d < -g.margin {
			return true, false
		}
	}
	return rayIntersect(p, [2]float64{e.westLon, e.westLat}, [2]float64{e.eastLon, e.eastLat})
}

// rayIntersect is orb's planar ray test (github.com/paulmach/orb, MIT
// licence, from Rosetta Code's ray-casting algorithm), copied operation
// for operation: the grid must reproduce orb's answers bit for bit,
// including its nudge of a point level with a vertex.
func rayIntersect(p, s, e [2]float64) (intersects, on bool) {
	if s[0] > e[0] {
		s, e = e, s
	}

	switch p[0] {
	case s[0]:
		if p[1] == s[1] {
			return false, true
		} else if s[0] == e[0] {
			if s[1] > e[1] && s[1] >= p[1] && p[1] >= e[1] {
				return false, true
			}
			if e[1] > s[1] && e[1] >= p[1] && p[1] >= s[1] {
				return false, true
			}
		}
		p[0] = math.Nextafter(p[0], math.Inf(1))
	case e[0]:
		if p[1] == e[1] {
			return false, true
		}
		p[0] = math.Nextafter(p[0], math.Inf(1))
	}

	if p[0] < s[0] || p[0] > e[0] {
		return false, false
	}

	if s[1] > e[1] {
		if p[1] > s[1] {
			return false, false
		} else if p[1] < e[1] {
			return true, false
		}
	} else {
		if p[1] > e[1] {
			return false, false
		} else if p[1] < s[1] {
			return true, false
		}
	}

	rs := (p[1] - s[1]) / (p[0] - s[0])
	ds := (e[1] - s[1]) / (e[0] - s[0])

	if rs == ds {
		return false, true
	}

	return rs <= ds, false
}

var cellsMult = 2
var budgetMult = 1000
