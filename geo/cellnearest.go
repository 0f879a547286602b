package geo

import (
	"math"
	"sync"
)

// Nearest returns the k points of c nearest to (lon, lat) that accept
// lets through, within maxMeters when it is above 0, with their
// distances, nearest first and ties by position. Points as far as the
// k-th, to within TieMeters, come too (ties the caller may break its own
// way), so there may be more than k. live is asked before each cell is
// opened whether to go on; Nearest returns nil once it says no.
//
// It is what Index.Nearest answers (TestCellsNearest checks it), found
// on the cells instead of the R-tree: cells open nearest first, as the
// R-tree's nodes do, but a point is only kept when it beats the k-th
// found so far, where the R-tree's walk queues every point of every leaf
// it opens; and a cell's points lie next to each other. accept is only
// asked about points that would be kept.
func (c *Cells) Nearest(lon, lat float64, k int, maxMeters float64, accept func(i int) bool, live func() bool) []Hit {
	if k <= 0 || len(c.keys) == 0 {
		return []Hit{}
	}
	q := unitVector(lon, lat)
	limit := radiusLimit(maxMeters)
	nb := newNodeBound(lon, lat)
	w := walks.Get().(*nearestWalk)
	defer w.release()
	w.k, w.worst = k, math.Inf(1)
	w.cells.push(cellVisit{l: 0, h: len(c.keys)})
	for len(w.cells) > 0 {
		if live != nil && !live() {
			return nil
		}
		cv := w.cells.pop()
		if cv.bound > w.reach() || cv.bound > limit.max {
			break
		}
		if cv.h-cv.l <= leafPoints || cv.level == cellBits {
			for i := cv.l; i < cv.h; i++ {
				d := chord2(q, c.v[i])
				if d > limit.max || d > w.reach() {
					continue
				}
				if d >= limit.min && Distance(lon, lat, c.lon[i], c.lat[i]) > maxMeters {
					continue // in the rounding band of the radius: the haversine decides
				}
				if accept != nil && !accept(i) {
					continue
				}
				w.keep(d, i)
			}
			continue
		}
		c.split(cv, func(kid cellVisit) {
			shift := uint(cellBits - kid.level)
			b := cellBound(kid.cx<<shift, kid.cy<<shift, (kid.cx+1)<<shift, (kid.cy+1)<<shift)
			kid.bound = nb.chord2([2]float64{b.MinLon, b.MinLat}, [2]float64{b.MaxLon, b.MaxLat})
			if kid.bound <= w.reach() && kid.bound <= limit.max {
				w.cells.push(kid)
			}
		})
	}
	// The kept points, measured, nearest first; then those beyond the
	// k-th's distance and its ties are let go.
	reach := w.reach()
	hits := make([]Hit, 0, len(w.best)+len(w.ties))
	for _, p := range w.best {
		hits = append(hits, Hit{ID: uint32(p.i), Meters: Distance(lon, lat, c.lon[p.i], c.lat[p.i])})
	}
	for _, p := range w.ties {
		if p.d <= reach {
			hits = append(hits, Hit{ID: uint32(p.i), Meters: Distance(lon, lat, c.lon[p.i], c.lat[p.i])})
		}
	}
	SortHits(hits)
	if len(hits) > k {
		last := hits[k-1].Meters + TieMeters
		n := k
		for n < len(hits) && hits[n].Meters <= last {
			n++
		}
		hits = hits[:n]
	}
	return hits
}

// tieSlack is how much farther, in squared chord, than the k-th kept
// point a point may be and still be kept: more than TieMeters at any
// distance (the squared chord grows by at most 4/R a metre, 6.3·10⁻¹³
// over TieMeters) and than the rounding of a squared chord, so that a
// tie in distance is never lost to the squared chords' order.
const tieSlack = 1e-12

// nearestWalk is the state of a Nearest: the cells to open, nearest
// first; the k nearest points kept, in a max-heap by squared chord whose
// top is the k-th; and the points kept beside them as near as the k-th
// give or take tieSlack, whom a nearer point may leave behind.
type nearestWalk struct {
	k     int
	cells cellQueue
	best  []keptPoint
	ties  []keptPoint
	worst float64 // best's top once it holds k, +Inf before
}

type keptPoint struct {
	d float64
	i int
}

// walks keeps the walks' slices from one Nearest to the next.
var walks = sync.Pool{New: func() any { return new(nearestWalk) }}

func (w *nearestWalk) release() {
	w.cells, w.best, w.ties = w.cells[:0], w.best[:0], w.ties[:0]
	walks.Put(w)
}

// reach is the squared chord beyond which nothing more is kept.
func (w *nearestWalk) reach() float64 { return w.worst + tieSlack }

// keep takes in a point no farther than reach.
func (w *nearestWalk) keep(d float64, i int) {
	p := keptPoint{d, i}
	switch {
	case len(w.best) < w.k:
		w.best = append(w.best, p)
		for j := len(w.best) - 1; j > 0; {
			up := (j - 1) / 2
			if w.best[up].d >= w.best[j].d {
				break
			}
			w.best[up], w.best[j] = w.best[j], w.best[up]
			j = up
		}
		if len(w.best) == w.k {
			w.worst = w.best[0].d
		}
	case d < w.best[0].d:
		out := w.best[0]
		w.best[0] = p
		for j, n := 0, len(w.best); ; {
			l := 2*j + 1
			if l >= n {
				break
			}
			if r := l + 1; r < n && w.best[r].d > w.best[l].d {
				l = r
			}
			if w.best[j].d >= w.best[l].d {
				break
			}
			w.best[j], w.best[l] = w.best[l], w.best[j]
			j = l
		}
		w.worst = w.best[0].d
		if out.d <= w.reach() {
			w.ties = append(w.ties, out)
		}
	default:
		w.ties = append(w.ties, p)
	}
}

// cellVisit is a cell to open: its level, grid origin in cells of that
// level, first key, the curve's orientation in it (curveTurn) and the
// run [l, h) of its points; bound is at most the squared chord to any of
// them.
type cellVisit struct {
	bound  float64
	level  int
	cx, cy uint32
	first  uint64
	turn   curveTurn
	l, h   int
}

// cellQueue is a min-heap of cells by bound.
type cellQueue []cellVisit

func (q *cellQueue) push(v cellVisit) {
	*q = append(*q, v)
	h := *q
	for i := len(h) - 1; i > 0; {
		p := (i - 1) / 2
		if h[p].bound <= h[i].bound {
			break
		}
		h[p], h[i] = h[i], h[p]
		i = p
	}
}

func (q *cellQueue) pop() cellVisit {
	h := *q
	top := h[0]
	n := len(h) - 1
	h[0] = h[n]
	h = h[:n]
	for i := 0; ; {
		l := 2*i + 1
		if l >= n {
			break
		}
		if r := l + 1; r < n && h[r].bound < h[l].bound {
			l = r
		}
		if h[i].bound <= h[l].bound {
			break
		}
		h[i], h[l] = h[l], h[i]
		i = l
	}
	*q = h
	return top
}

// split calls fn with each child of cell v that holds points.
func (c *Cells) split(v cellVisit, fn func(cellVisit)) {
	shift := uint(cellBits - v.level - 1)
	span := uint64(1) << (2 * shift)
	bounds := [5]int{v.l, -1, -1, -1, v.h}
	for j := 1; j < 4; j++ {
		c.childBound(&bounds, j, v.level, v.first, span)
	}
	for i := range uint32(4) {
		x, y := v.cx*2+(i&1), v.cy*2+(i>>1)
		j, turn := v.turn.child(x, y)
		if lo, hi := bounds[j], bounds[j+1]; lo < hi {
			fn(cellVisit{level: v.level + 1, cx: x, cy: y, first: v.first + uint64(j)*span, turn: turn, l: lo, h: hi})
		}
	}
}
