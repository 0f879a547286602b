package geo_test

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/tierslieux/tierslieux/geo"
)

// nearestPoints is cellPoints with exact duplicates (ties in distance
// from anywhere) and points stacked at a few places, in cell order, with
// the R-tree of the same points, whose IDs are their positions.
func nearestPoints(tb testing.TB, n int, seed uint64) ([][2]float64, *geo.Cells, *geo.Index) {
	tb.Helper()
	pts, _ := cellPoints(n, seed)
	r := rand.New(rand.NewPCG(seed, 2))
	for range n / 20 {
		pts = append(pts, pts[r.IntN(len(pts))])
	}
	for range 300 {
		pts = append(pts, [2]float64{2.35, 48.85}) // one address, many places
	}
	lon, lat := make([]float64, len(pts)), make([]float64, len(pts))
	for i, p := range pts {
		lon[i], lat[i] = p[0], p[1]
	}
	sorted := make([][2]float64, len(pts))
	for i, o := range geo.CellOrder(lon, lat) {
		sorted[i] = pts[o]
	}
	ix := geo.New()
	for i, p := range sorted {
		lon[i], lat[i] = p[0], p[1]
		ix.Insert(uint32(i), p[0], p[1])
	}
	return sorted, geo.NewCells(lon, lat), ix
}

// TestCellsNearest: Cells.Nearest finds what a scan finds (the k nearest
// accepted points within the radius, and every point as far as the k-th
// to within TieMeters), and its first k are Index.Nearest's, from
// centres in crowds, on stacked points, in empty seas, across the
// antimeridian and near the poles, with radii through crowds and
// filters that let few points through.
func TestCellsNearest(t *testing.T) {
	pts, cells, ix := nearestPoints(t, 20_000, 11)
	r := rand.New(rand.NewPCG(5, 8))
	type centre struct {
		name     string
		lon, lat float64
	}
	centres := []centre{{"stack", 2.35, 48.85}, {"pole", 0, 89.99}, {"south pole", 45, -90}, {"antimeridian", 180, -16.55}, {"sea", -30, 40}}
	for i := range 60 {
		p := pts[r.IntN(len(pts))]
		switch i % 3 {
		case 0:
			centres = append(centres, centre{fmt.Sprintf("point %d", i), p[0], p[1]})
		case 1:
			centres = append(centres, centre{fmt.Sprintf("near point %d", i), math.Max(-180, math.Min(180, p[0]+r.NormFloat64()*0.05)), math.Max(-90, math.Min(90, p[1]+r.NormFloat64()*0.05))})
		default:
			centres = append(centres, centre{fmt.Sprintf("anywhere %d", i), r.Float64()*360 - 180, math.Asin(r.Float64()*2-1) * 180 / math.Pi})
		}
	}
	filters := []struct {
		name   string
		accept func(i int) bool
	}{
		{"all", nil},
		{"one in 3", func(i int) bool { return i%3 == 0 }},
		{"one in 500", func(i int) bool { return i%500 == 7 }},
	}
	for _, c := range centres {
		all := make([]geo.Hit, len(pts))
		for i, p := range pts {
			all[i] = geo.Hit{ID: uint32(i), Meters: geo.Distance(c.lon, c.lat, p[0], p[1])}
		}
		slices.SortFunc(all, byDistance)
		for _, k := range []int{1, 20, 137} {
			for _, maxM := range []float64{0, 2_000, 50_000, all[min(40, len(all)-1)].Meters} {
				for _, f := range filters {
					what := fmt.Sprintf("%s (%v, %v) k=%d max=%v %s", c.name, c.lon, c.lat, k, maxM, f.name)
					var want []geo.Hit
					for _, h := range all {
						if maxM > 0 && h.Meters > maxM {
							break
						}
						if len(want) >= k && h.Meters > want[k-1].Meters+geo.TieMeters {
							break
						}
						if f.accept == nil || f.accept(int(h.ID)) {
							want = append(want, h)
						}
					}
					got := cells.Nearest(c.lon, c.lat, k, maxM, f.accept, nil)
					MustEqualHits(t, what, got, want)
					var accept func(uint32) bool
					if f.accept != nil {
						accept = func(id uint32) bool { return f.accept(int(id)) }
					}
					MustEqualHits(t, what+" (first k, against the R-tree)", got[:min(k, len(got))], ix.Nearest(c.lon, c.lat, k, maxM, accept))
				}
			}
		}
	}
}

func TestCellsNearestEdges(t *testing.T) {
	_, cells, _ := nearestPoints(t, 2_000, 3)
	if got := cells.Nearest(1, 45, 0, 0, nil, nil); len(got) != 0 {
		t.Errorf("k=0: %d hits", len(got))
	}
	if got := geo.NewCells(nil, nil).Nearest(1, 45, 5, 0, nil, nil); len(got) != 0 {
		t.Errorf("no points: %d hits", len(got))
	}
	if got := cells.Nearest(1, 45, 5, 0, func(int) bool { return false }, nil); len(got) != 0 {
		t.Errorf("nothing accepted: %d hits", len(got))
	}
	if got := cells.Nearest(1, 45, cells.Len()+10, 0, nil, nil); len(got) != cells.Len() {
		t.Errorf("k above the points: %d hits, want all %d", len(got), cells.Len())
	}
	asked := 0
	if got := cells.Nearest(1, 45, cells.Len(), 0, nil, func() bool { asked++; return false }); got != nil || asked == 0 {
		t.Errorf("live says no: %d hits, asked %d times; want nil, asked", len(got), asked)
	}
}

// TestCellsNearestFarEdges: the antipode is found with no radius (its
// squared chord is 4, or a hair above), and a radius of a fraction of a
// millimetre finds a place across the antimeridian, in cells split
// around it; both as the R-tree finds them.
func TestCellsNearestFarEdges(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 9))
	var lon, lat []float64
	for range 3000 {
		lon = append(lon, r.Float64()*360-180)
		lat = append(lat, r.Float64()*180-90)
	}
	for range 200 { // crowds on both sides of the antimeridian at 10°N
		lon, lat = append(lon, 180-r.Float64()*0.01), append(lat, 10+r.Float64()*0.01)
		lon, lat = append(lon, -180+r.Float64()*0.01), append(lat, 10+r.Float64()*0.01)
	}
	lon, lat = append(lon, 0, 0, 180, -180), append(lat, 90, -90, 10, 10)
	order := geo.CellOrder(lon, lat)
	slon, slat := make([]float64, len(lon)), make([]float64, len(lon))
	ix := geo.New()
	for i, o := range order {
		slon[i], slat[i] = lon[o], lat[o]
		ix.Insert(uint32(i), lon[o], lat[o])
	}
	cells := geo.NewCells(slon, slat)
	n := cells.Len()
	for _, tc := range []struct {
		name          string
		lon, lat, max float64
		k             int
	}{
		{"north pole, all", 0, 90, 0, n + 3},
		{"north pole, the farthest within the Earth's half", 0, 90, geo.MaxDistanceMeters, n},
		{"0.01 mm at -180", -180, 10, 1e-5, 5},
		{"0.01 mm at 180", 180, 10, 1e-5, 5},
	} {
		got := cells.Nearest(tc.lon, tc.lat, tc.k, tc.max, nil, nil)
		want := ix.Nearest(tc.lon, tc.lat, tc.k, tc.max, nil)
		MustEqualHits(t, tc.name, got[:min(tc.k, len(got))], want)
		switch {
		case tc.k > n && len(got) != n:
			t.Errorf("%s: %d hits, want every one of the %d points", tc.name, len(got), n)
		case tc.max > 0 && tc.max < 1 && len(got) != 2:
			t.Errorf("%s: %d hits, want the two places at (±180, 10)", tc.name, len(got))
		}
	}
}

// TestCellsNearestStops: a walk told to stop part way returns nil, and
// the next walk, on the same pooled state, answers in full.
func TestCellsNearestStops(t *testing.T) {
	pts, cells, _ := nearestPoints(t, 20_000, 4)
	asked := 0
	if got := cells.Nearest(2.35, 48.85, 500, 0, nil, func() bool { asked++; return asked < 10 }); got != nil {
		t.Errorf("stopped at the 10th cell: %d hits, want nil", len(got))
	}
	if asked != 10 {
		t.Errorf("asked %d times, want 10", asked)
	}
	got := cells.Nearest(2.35, 48.85, 500, 0, nil, nil)
	if len(got) < 500 {
		t.Fatalf("after a stopped walk: %d hits, want 500 or more", len(got))
	}
	for _, h := range got[:500] {
		if d := geo.Distance(2.35, 48.85, pts[h.ID][0], pts[h.ID][1]); d != h.Meters {
			t.Fatalf("hit %d at %v m, measured %v", h.ID, h.Meters, d)
		}
	}
}
