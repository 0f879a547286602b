package geo_test

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"testing"

	"github.com/tierslieux/tierslieux/geo"
)

// TestWithinChord checks WithinChord visits exactly the points Within
// returns, radii exactly at a point's distance included, and that the
// squared chords it reports sort as the distances do and convert back to
// them to within nanometres.
func TestWithinChord(t *testing.T) {
	ix, pts := MustFixtureIndex(t)
	radii := []float64{0, 1, 100, 1000, 5000, 30000, 100000, 500000, 2e6, 12e6, geo.MaxDistanceMeters, 2 * geo.MaxDistanceMeters}
	for _, c := range queryCentres(pts) {
		t.Run(c.name, func(t *testing.T) {
			all := bruteDistances(pts, c.lon, c.lat)
			rs := slices.Clone(radii)
			for _, i := range []int{0, 1, 9, 99, 999} {
				rs = append(rs, all[i].Meters, math.Nextafter(all[i].Meters, 0))
			}
			for _, r := range rs {
				want := bruteWithin(all, r)
				type chordHit struct {
					id     uint32
					chord2 float64
				}
				var got []chordHit
				ix.WithinChord(c.lon, c.lat, r, nil, func(id uint32, chord2 float64) bool {
					got = append(got, chordHit{id, chord2})
					return true
				})
				slices.SortFunc(got, func(a, b chordHit) int { return cmp.Or(cmp.Compare(a.chord2, b.chord2), cmp.Compare(a.id, b.id)) })
				ids := make([]uint32, len(got))
				for i, h := range got {
					ids[i] = h.id
				}
				wantIDs := hitIDs(want)
				slices.Sort(ids)
				slices.Sort(wantIDs)
				MustEqualIDs(t, fmt.Sprintf("WithinChord(%v, %v, %v)", c.lon, c.lat, r), ids, wantIDs)
				meters := map[uint32]float64{}
				for _, h := range want {
					meters[h.ID] = h.Meters
				}
				for i, h := range got {
					m := meters[h.id]
					if d := geo.ChordToMeters(h.chord2); math.Abs(d-m) > 1e-8+1e-12*m && m < geo.MaxDistanceMeters-1e5 {
						t.Fatalf("point %d: ChordToMeters = %v, Distance = %v", h.id, d, m)
					}
					// Chord order is distance order, but for ties
					// within rounding.
					if i > 0 && meters[got[i-1].id] > m+1e-8 {
						t.Fatalf("points %d then %d: chords %v ≤ %v but distances %v > %v", got[i-1].id, h.id, got[i-1].chord2, h.chord2, meters[got[i-1].id], m)
					}
				}
			}
		})
	}
}

func TestWithinChordCallbacks(t *testing.T) {
	ix, pts := MustFixtureIndex(t)
	c := queryCentres(pts)[3]
	even := func(id uint32) bool { return id%2 == 0 }
	for _, r := range []float64{100000, geo.MaxDistanceMeters} {
		want := 0
		for _, h := range bruteWithin(bruteDistances(pts, c.lon, c.lat), r) {
			if even(h.ID) {
				want++
			}
		}
		got := 0
		ix.WithinChord(c.lon, c.lat, r, even, func(id uint32, _ float64) bool {
			if !even(id) {
				t.Fatalf("accept refused %d, fn got it", id)
			}
			got++
			return true
		})
		if got != want {
			t.Errorf("r = %v: %d even points, want %d", r, got, want)
		}
		calls := 0
		ix.WithinChord(c.lon, c.lat, r, nil, func(uint32, float64) bool {
			calls++
			return calls < 3
		})
		if calls != 3 {
			t.Errorf("r = %v: fn called %d times after returning false on the 3rd call", r, calls)
		}
	}
	for _, r := range []float64{-1, math.NaN()} {
		ix.WithinChord(c.lon, c.lat, r, nil, func(id uint32, _ float64) bool {
			t.Fatalf("radius %v: got point %d", r, id)
			return false
		})
	}
}

// Count the places within 60 km of Rodez and name the nearest two,
// converting only those two chords to kilometres.
func ExampleIndex_WithinChord() {
	ix := geo.New()
	ix.Insert(1, 2.57338, 44.35258) // Rodez
	ix.Insert(2, 3.07848, 44.09973) // Millau
	ix.Insert(3, 2.1486, 43.9289)   // Albi
	ix.Insert(4, 1.4442, 43.6047)   // Toulouse

	type near struct {
		id     uint32
		chord2 float64
	}
	var all []near
	ix.WithinChord(2.57338, 44.35258, 60000, nil, func(id uint32, chord2 float64) bool {
		all = append(all, near{id, chord2})
		return true
	})
	slices.SortFunc(all, func(a, b near) int { return cmp.Compare(a.chord2, b.chord2) })
	fmt.Println(len(all), "within 60 km")
	for _, n := range all[:2] {
		fmt.Printf("%d %.1f km\n", n.id, geo.ChordToMeters(n.chord2)/1000)
	}
	// Output:
	// 3 within 60 km
	// 1 0.0 km
	// 2 49.1 km
}
