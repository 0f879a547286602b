package index_test

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/tierslieux/tierslieux/geo"
	"github.com/tierslieux/tierslieux/index"
	"github.com/tierslieux/tierslieux/ingest"
)

// routes are trips the exactness tests walk: short and long, straight
// and polyline, across dense and empty country.
func routes(tb testing.TB) []struct {
	name  string
	trip  *index.Trip
	start point
} {
	tb.Helper()
	straight := func(a, b point) *index.Trip {
		r, err := geo.StraightRoute(a.lon, a.lat, b.lon, b.lat)
		if err != nil {
			tb.Fatal(err)
		}
		return &index.Trip{From: &index.Anchor{Name: a.name, Lat: a.lat, Lon: a.lon}, To: &index.Anchor{Name: b.name, Lat: b.lat, Lon: b.lon}, Route: r, Kind: "straight"}
	}
	// A polyline from L'Isle-Jourdain to Toulouse by the road's bends,
	// and a long winding one across the south, drawn at random.
	rng := rand.New(rand.NewPCG(3, 4))
	wind := [][2]float64{{1.0866, 43.6122}}
	for i := 0; i < 40; i++ {
		last := wind[len(wind)-1]
		wind = append(wind, [2]float64{last[0] + 0.08 + rng.Float64()*0.05, last[1] + (rng.Float64()-0.5)*0.15})
	}
	poly := func(name string, pts [][2]float64) *index.Trip {
		r, err := geo.PolylineRoute(pts)
		if err != nil {
			tb.Fatal(err)
		}
		return &index.Trip{From: &index.Anchor{Name: name, Lat: pts[0][1], Lon: pts[0][0]}, Route: r, Kind: "polyline"}
	}
	isle := point{"L'Isle-Jourdain", 43.6122, 1.0866}
	return []struct {
		name  string
		trip  *index.Trip
		start point
	}{
		{"L'Isle-Jourdain to Toulouse", straight(isle, centres[0]), isle},
		{"Rodez to Mende", straight(centres[1], centres[2]), centres[1]},
		{"Paris to Lyon", straight(centres[3], centres[9]), centres[3]},
		{"road to Toulouse", poly("road", [][2]float64{{1.0866, 43.6122}, {1.2, 43.63}, {1.3, 43.6}, {1.44367, 43.60426}}), isle},
		{"winding across the south", poly("winding", wind), isle},
	}
}

// TestTripExact: the places of a trip are exactly those a scan of every
// place finds within the detour (Route.Measure), with every filter, and
// detour and along are the route's own figures, sorted by detour or in
// route order.
func TestTripExact(t *testing.T) {
	e, places := MustSynthEngine(t, exactN)
	for _, rt := range routes(t) {
		for _, detour := range []float64{1_000, 5_000, 10_000, 50_000} {
			for _, f := range filterSpecs[:4] {
				t.Run(fmt.Sprintf("%s/%gkm/%s", rt.name, detour/1000, f.name), func(t *testing.T) {
					trip := *rt.trip
					trip.MaxDetourMeters = detour
					q := index.Query{Trip: &trip, Near: trip.From, Sort: index.SortDetour}
					f.apply(&q)
					type want struct{ detour, along float64 }
					wants := map[string]want{}
					for i := range places {
						p := &places[i]
						if d, a := trip.Route.Measure(p.Lon, p.Lat); d <= detour && f.pass(p) {
							wants[p.ID] = want{d, a}
						}
					}
					hits, total := MustSearchAll(t, e, q)
					if total != len(wants) || len(hits) != min(len(wants), index.MaxOffset+index.MaxLimit) {
						t.Fatalf("total %d, %d hits; brute force %d", total, len(hits), len(wants))
					}
					for i, h := range hits {
						w, ok := wants[h.Place.ID]
						if !ok || h.Detour == nil || h.Detour.Meters != w.detour || h.Detour.AlongMeters != w.along {
							t.Fatalf("hit %s: %+v, brute force %+v (found %v)", h.Place.ID, h.Detour, w, ok)
						}
						if d := geo.Distance(trip.From.Lon, trip.From.Lat, h.Place.Lon, h.Place.Lat); h.Meters != d {
							t.Fatalf("hit %s at %v m from the start, want %v", h.Place.ID, h.Meters, d)
						}
						if i > 0 && hits[i-1].Detour.Meters > h.Detour.Meters {
							t.Fatalf("not by detour: %v then %v", hits[i-1].Detour.Meters, h.Detour.Meters)
						}
					}
				})
			}
		}
	}
}

// TestTripAlongOrder: sort=along lists places in the order the route
// passes them.
func TestTripAlongOrder(t *testing.T) {
	e, _ := MustSynthEngine(t, exactN)
	rt := routes(t)[4]
	trip := *rt.trip
	trip.MaxDetourMeters = 20_000
	hits, _ := MustSearchAll(t, e, index.Query{Trip: &trip, Near: trip.From, Sort: index.SortAlong})
	if len(hits) < 10 {
		t.Fatalf("%d hits", len(hits))
	}
	if !slices.IsSortedFunc(hits, func(a, b index.Hit) int {
		switch {
		case a.Detour.AlongMeters < b.Detour.AlongMeters:
			return -1
		case a.Detour.AlongMeters > b.Detour.AlongMeters:
			return 1
		}
		return 0
	}) {
		t.Error("sort=along is not in route order")
	}
}

// TestTripHandComputed: detour and along of places set by hand on a route
// from Toulouse due east, checked against figures worked out from
// geo.Distance.
func TestTripHandComputed(t *testing.T) {
	a, b := [2]float64{1.0, 43.6}, [2]float64{2.0, 43.6}
	mid := [2]float64{1.5, 43.6}
	north := [2]float64{1.5, 43.6 + 0.05} // about 5.6 km north of the middle
	beyond := [2]float64{2.1, 43.6}
	places := []ingest.Place{
		{ID: "on", Name: "on the route", Lon: mid[0], Lat: mid[1], Types: []string{"coworking"}, Precision: ingest.PrecisionAddress},
		{ID: "north", Name: "north of it", Lon: north[0], Lat: north[1], Types: []string{"coworking"}, Precision: ingest.PrecisionAddress},
		{ID: "beyond", Name: "past the end", Lon: beyond[0], Lat: beyond[1], Types: []string{"coworking"}, Precision: ingest.PrecisionAddress},
	}
	cat, err := index.NewMem(places, MustGazetteer(t))
	if err != nil {
		t.Fatal(err)
	}
	defer cat.Close()
	e := index.NewEngine(cat)
	r, _ := geo.StraightRoute(a[0], a[1], b[0], b[1])
	trip := &index.Trip{From: &index.Anchor{Lat: a[1], Lon: a[0]}, To: &index.Anchor{Lat: b[1], Lon: b[0]}, Route: r, Kind: "straight", MaxDetourMeters: 50_000}
	res := MustSearch(t, e, index.Query{Trip: trip, Near: trip.From})
	got := map[string]*index.Detour{}
	for _, h := range res.Hits {
		got[h.Place.ID] = h.Detour
	}
	ab := geo.Distance(a[0], a[1], b[0], b[1])
	for _, tc := range []struct {
		id            string
		detour, along float64
	}{
		{"on", 0, geo.Distance(a[0], a[1], mid[0], mid[1])},
		{"north", geo.Distance(a[0], a[1], north[0], north[1]) + geo.Distance(north[0], north[1], b[0], b[1]) - ab, ab / 2},
		// Past the end: 2 × its distance beyond B, and along is the whole route.
		{"beyond", 2 * geo.Distance(b[0], b[1], beyond[0], beyond[1]), ab},
	} {
		d := got[tc.id]
		if d == nil {
			t.Fatalf("%s not found", tc.id)
		}
		if math.Abs(d.Meters-tc.detour) > 1 || math.Abs(d.AlongMeters-tc.along) > 60 {
			t.Errorf("%s: detour %.0f m along %.0f m, want %.0f and %.0f", tc.id, d.Meters, d.AlongMeters, tc.detour, tc.along)
		}
	}
	// The middle place's detour is 0; the north one's is about twice its
	// offset squared over half the route (an ellipse near its axis).
	if d := got["north"].Meters; d < 300 || d > 1200 {
		t.Errorf("north detour %.0f m, want about 700 m", d)
	}
}
