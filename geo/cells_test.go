package geo_test

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/tierslieux/tierslieux/geo"
)

// cellPoints returns n points, dense around a few cities and spread over
// France and the world, in cell order, and their cells.
func cellPoints(n int, seed uint64) (pts [][2]float64, cells *geo.Cells) {
	r := rand.New(rand.NewPCG(seed, 1))
	cities := [][2]float64{{2.35, 48.85}, {1.44, 43.6}, {4.83, 45.76}, {2.57, 44.35}, {179.9, -16.5}, {-179.9, -16.6}, {55.45, -20.9}}
	for range n {
		var p [2]float64
		switch r.IntN(4) {
		case 0:
			p = [2]float64{r.Float64()*360 - 180, r.Float64()*180 - 90}
		case 1:
			p = [2]float64{-5 + r.Float64()*13, 42 + r.Float64()*9}
		default:
			c := cities[r.IntN(len(cities))]
			p = [2]float64{c[0] + r.NormFloat64()*0.3, c[1] + r.NormFloat64()*0.2}
			p[0] = math.Max(-180, math.Min(180, p[0]))
		}
		pts = append(pts, p)
	}
	lon, lat := make([]float64, n), make([]float64, n)
	for i, p := range pts {
		lon[i], lat[i] = p[0], p[1]
	}
	order := geo.CellOrder(lon, lat)
	sorted := make([][2]float64, n)
	for i, o := range order {
		sorted[i] = pts[o]
		lon[i], lat[i] = pts[o][0], pts[o][1]
	}
	return sorted, geo.NewCells(lon, lat)
}

// TestCover: counting with Cover (whole ranges inside, the rest tested
// point by point) finds exactly the points a scan finds, for circles and
// boxes of every size, across the antimeridian and near the poles; the
// ranges never overlap, and an Inside range holds only points of the area.
func TestCover(t *testing.T) {
	pts, cells := cellPoints(30_000, 7)
	r := rand.New(rand.NewPCG(3, 3))
	type area struct {
		a    geo.Area
		in   func(lon, lat float64) bool
		name string
	}
	var areas []area
	for _, m := range []float64{50, 1_000, 5_000, 30_000, 100_000, 1_000_000} {
		for range 15 {
			p := pts[r.IntN(len(pts))]
			lon0 := math.Max(-180, math.Min(180, p[0]+r.NormFloat64()*0.01))
			lat0 := math.Max(-90, math.Min(90, p[1]+r.NormFloat64()*0.01))
			areas = append(areas, area{geo.NewCircle(lon0, lat0, m), func(lon, lat float64) bool { return geo.Distance(lon0, lat0, lon, lat) <= m }, "circle"})
		}
	}
	areas = append(areas, area{geo.NewCircle(0, 89.9, 500_000), func(lon, lat float64) bool { return geo.Distance(0, 89.9, lon, lat) <= 500_000 }, "pole"})
	for range 60 {
		p := pts[r.IntN(len(pts))]
		w, h := r.Float64()*r.Float64()*20, r.Float64()*r.Float64()*10
		b := geo.Bound{MinLon: p[0] - w, MinLat: math.Max(-90, p[1]-h), MaxLon: p[0] + w, MaxLat: math.Min(90, p[1]+h)}
		if b.MinLon < -180 {
			b.MinLon += 360
		}
		if b.MaxLon > 180 {
			b.MaxLon -= 360
		}
		areas = append(areas, area{geo.Box(b), func(lon, lat float64) bool { return inBox(b, lon, lat) }, "box"})
	}
	areas = append(areas, area{geo.Box{MinLon: 170, MinLat: -30, MaxLon: -170, MaxLat: 0}, func(lon, lat float64) bool {
		return inBox(geo.Bound{MinLon: 170, MinLat: -30, MaxLon: -170, MaxLat: 0}, lon, lat)
	}, "antimeridian box"})
	areas = append(areas, area{geo.Box{MinLon: -180, MinLat: -90, MaxLon: 180, MaxLat: 90}, func(float64, float64) bool { return true }, "world"})

	for i, a := range areas {
		want := 0
		for _, p := range pts {
			if a.in(p[0], p[1]) {
				want++
			}
		}
		got, whole := 0, 0
		seen := make([]bool, len(pts))
		cells.Cover(a.a, func(lo, hi int, inside bool) bool {
			for j := lo; j < hi; j++ {
				if seen[j] {
					t.Fatalf("%s %d: position %d in two ranges", a.name, i, j)
				}
				seen[j] = true
				in := a.in(pts[j][0], pts[j][1])
				if inside && !in {
					t.Fatalf("%s %d: %v in an Inside range but outside the area", a.name, i, pts[j])
				}
				if got := cells.Contains(a.a, j); got != in {
					t.Fatalf("%s %d: Contains(%v) = %v, want %v", a.name, i, pts[j], got, in)
				}
				if in {
					got++
				}
			}
			if inside {
				whole += hi - lo
			}
			return true
		})
		if got != want {
			t.Errorf("%s %d (%+v): Cover finds %d points, a scan %d", a.name, i, a.a, got, want)
		}
		_ = whole
	}
}

// TestCoverStops: fn returning false ends the walk.
func TestCoverStops(t *testing.T) {
	_, cells := cellPoints(5_000, 1)
	calls := 0
	cells.Cover(geo.Box{MinLon: -180, MinLat: -90, MaxLon: 180, MaxLat: 90}, func(lo, hi int, inside bool) bool {
		calls++
		return false
	})
	if calls != 1 {
		t.Errorf("%d calls after the first returned false", calls)
	}
}

// TestCellKeyRuns: the points of any quadtree cell are one run of keys.
func TestCellKeyRuns(t *testing.T) {
	pts, cells := cellPoints(20_000, 2)
	for level := 1; level <= 16; level += 3 {
		n := 1 << level
		runs := map[[2]int][2]int{} // cell → first, last position
		for i, p := range pts {
			cx := int(math.Min(float64(n-1), math.Floor((p[0]+180)/360*float64(n))))
			cy := int(math.Min(float64(n-1), math.Floor((p[1]+90)/180*float64(n))))
			c := [2]int{cx, cy}
			r, ok := runs[c]
			if !ok {
				r = [2]int{i, i}
			}
			if i != r[1] && i != r[1]+1 && ok {
				t.Fatalf("level %d (%d points): cell %v's points at positions %d..%d then %d", level, cells.Len(), c, r[0], r[1], i)
			}
			r[1] = i
			runs[c] = r
		}
	}
}

func BenchmarkCoverCount(b *testing.B) {
	_, cells := cellPoints(1_000_000, 9)
	c := geo.NewCircle(2.35, 48.85, 30_000)
	for b.Loop() {
		n := 0
		cells.Cover(c, func(lo, hi int, inside bool) bool {
			if inside {
				n += hi - lo
				return true
			}
			for j := lo; j < hi; j++ {
				if cells.Contains(c, j) {
					n++
				}
			}
			return true
		})
	}
}

// TestCountIn: the points CountIn counts in a run, and those Keep keeps
// of a word, are those Contains says lie in the area, for discs of every size (their edges through
// the points themselves included), boxes (across the antimeridian
// included) and intersections, over runs of every length around them.
func TestCountIn(t *testing.T) {
	pts, cells := cellPoints(20_000, 31)
	rng := rand.New(rand.NewPCG(41, 43))
	inside, outside := 0, 0
	for range 400 {
		j := rng.IntN(len(pts))
		p, q := pts[j], pts[min(len(pts)-1, j+rng.IntN(50))]
		// A radius reaching q exactly puts q on the edge; a hair less,
		// just outside, where the chord alone cannot tell.
		edge := geo.Distance(p[0], p[1], q[0], q[1])
		hair := math.Nextafter(edge, 0)
		disc := geo.NewCircle(p[0], p[1], rng.Float64()*50_000)
		box := geo.Box{MinLon: p[0] - rng.Float64()*0.5, MinLat: p[1] - rng.Float64()*0.3, MaxLon: p[0] + rng.Float64()*0.5, MaxLat: p[1] + rng.Float64()*0.3}
		across := geo.Box{MinLon: 179.5 + rng.Float64()*0.5, MinLat: -30, MaxLon: -179.5 - rng.Float64()*0.5, MaxLat: 0}
		lo, hi := max(0, j-rng.IntN(1500)), min(len(pts), j+rng.IntN(1500))
		for _, a := range []geo.Area{geo.NewCircle(p[0], p[1], edge), geo.NewCircle(p[0], p[1], hair), disc, box, across, geo.Both(disc, box)} {
			want := 0
			for i := lo; i < hi; i++ {
				if cells.Contains(a, i) {
					want++
				}
			}
			if got := cells.CountIn(a, lo, hi); got != want {
				t.Fatalf("%+v over [%d, %d): %d, Contains says %d", a, lo, hi, got, want)
			}
			// Keep, on a word of random places of the run.
			base := lo &^ 63
			if base+64 <= len(pts) {
				w := rng.Uint64()
				var wantW uint64
				for b := range 64 {
					if w&(1<<b) != 0 && cells.Contains(a, base+b) {
						wantW |= 1 << b
					}
				}
				if got := cells.Keep(a, base, w); got != wantW {
					t.Fatalf("%+v, word at %d: Keep %064b, Contains %064b", a, base, got, wantW)
				}
			}
			inside, outside = inside+want, outside+hi-lo-want
		}
	}
	if inside < 10_000 || outside < 10_000 {
		t.Fatalf("%d points in, %d out: the test says little", inside, outside)
	}
}
