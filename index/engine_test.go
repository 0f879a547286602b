package index_test

import (
	"context"
	"fmt"
	"maps"
	"math"
	"math/rand/v2"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/tierslieux/tierslieux/geo"
	"github.com/tierslieux/tierslieux/index"
	"github.com/tierslieux/tierslieux/index/indextest"
	"github.com/tierslieux/tierslieux/ingest"
)

// exactN is the size of the synthetic catalog the exactness tests compare
// with brute force: large enough for dense cities and empty countryside,
// small enough to build in about a second.
const exactN = 10_000

// point is a centre for queries around a point.
type point struct {
	name     string
	lat, lon float64
}

// centres cover a dense city, towns, the countryside, the sea, the
// corners of France and Corsica.
var centres = []point{
	{"Toulouse", 43.60426, 1.44367},
	{"Rodez", 44.35258, 2.57338},
	{"Mende", 44.52161, 3.49978},
	{"Paris", 48.8566, 2.3522},
	{"Brest", 48.3904, -4.4861},
	{"Strasbourg", 48.5734, 7.7521},
	{"Ajaccio", 41.9192, 8.7386},
	{"Aubrac", 44.62, 2.98},
	{"Bay of Biscay", 45.0, -3.0},
	{"Lyon", 45.764, 4.8357},
}

var radii = []float64{500, 2_000, 5_000, 10_000, 30_000, 75_000}

// filterSpec is a set of filters the oracle applies by brute force.
type filterSpec struct {
	name     string
	types    []string
	services []string
	dept     string
	region   string
	demo     *bool
}

func ptr[T any](v T) *T { return &v }

var filterSpecs = []filterSpec{
	{name: "none"},
	{name: "fablab", types: []string{"fablab"}},
	{name: "coworking or médiation", types: []string{"coworking", "mediation-numerique"}},
	{name: "wifi", services: []string{"wifi"}},
	{name: "fablab with 3D printing", types: []string{"fablab"}, services: []string{"impression-3d"}},
	{name: "two services", services: []string{"parking", "accessible-pmr"}},
	{name: "Occitanie", region: "76"},
	{name: "Haute-Garonne coworking", types: []string{"coworking"}, dept: "31"},
	{name: "real only", demo: ptr(false)},
	{name: "demo fablabs", types: []string{"fablab"}, demo: ptr(true)},
}

func (f filterSpec) pass(p *ingest.Place) bool {
	if len(f.types) > 0 && !slices.ContainsFunc(f.types, func(t string) bool { return slices.Contains(p.Types, t) }) {
		return false
	}
	for _, s := range f.services {
		if !slices.Contains(p.Services, s) {
			return false
		}
	}
	switch {
	case f.dept != "" && p.Dept != f.dept,
		f.region != "" && p.Region != f.region,
		f.demo != nil && p.Demo != *f.demo:
		return false
	}
	return true
}

// without returns the filters without one facet's own.
func (f filterSpec) without(facet string) filterSpec {
	switch facet {
	case index.FacetType:
		f.types = nil
	case index.FacetService:
		f.services = nil
	case index.FacetDept:
		f.dept = ""
	}
	return f
}

func (f filterSpec) apply(q *index.Query) {
	q.Types, q.Services, q.Dept, q.Region, q.Demo = f.types, f.services, f.dept, f.region, f.demo
}

// bruteScan returns the places that keep lets through, with their distance
// from c, nearest first, ties by ID.
func bruteScan(places []ingest.Place, c point, keep func(p *ingest.Place, d float64) bool) []indextest.Found {
	var out []indextest.Found
	for i := range places {
		p := &places[i]
		d := geo.Distance(c.lon, c.lat, p.Lon, p.Lat)
		if keep(p, d) {
			out = append(out, indextest.Found{ID: p.ID, Meters: d})
		}
	}
	indextest.SortByDistance(out)
	return out
}

// MustTextIDs asks the text index, not the engine, which places match
// text: the oracle for the text part.
func MustTextIDs(tb testing.TB, e *index.Engine, text string) map[string]bool {
	tb.Helper()
	hits, _, err := e.Catalog().Text.Search(context.Background(), text, nil, 0)
	if err != nil {
		tb.Fatalf("text index, %q: %v", text, err)
	}
	out := make(map[string]bool, len(hits))
	for _, h := range hits {
		out[h.ID] = true
	}
	return out
}

// withPlan returns a copy of e that always uses plan.
func withPlan(e *index.Engine, plan index.Plan) *index.Engine {
	c := *e
	c.Plan = plan
	return &c
}

var plans = []struct {
	name string
	plan index.Plan
}{{"auto", index.PlanAuto}, {"geo-first", index.PlanGeoFirst}, {"text-first", index.PlanTextFirst}}

// TestWithinExact: the places within R of a point, with filters, equal a
// scan of every place with d <= R, in the same order, and the total is
// their number.
func TestWithinExact(t *testing.T) {
	e, places := MustSynthEngine(t, exactN)
	for _, c := range centres {
		for _, r := range radii {
			for _, f := range filterSpecs {
				t.Run(fmt.Sprintf("%s/%gkm/%s", c.name, r/1000, f.name), func(t *testing.T) {
					q := index.Query{Near: &index.Anchor{Name: c.name, Lat: c.lat, Lon: c.lon}, RadiusMeters: r}
					f.apply(&q)
					want := bruteScan(places, c, func(p *ingest.Place, d float64) bool { return d <= r && f.pass(p) })
					hits, total := MustSearchAll(t, e, q)
					if total != len(want) {
						t.Errorf("total %d, brute force %d", total, len(want))
					}
					if d := indextest.DiffIDs(hitIDs(hits), indextest.FoundIDs(want)); d != "" {
						t.Fatal(d)
					}
					indextest.CheckDistanceOrder(t, hits, want)
				})
			}
		}
	}
}

// TestWithinEdge: a place exactly R away is within R; with R one float
// step shorter, it is not. The département filter keeps the lists short.
func TestWithinEdge(t *testing.T) {
	e, places := MustSynthEngine(t, exactN)
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range 60 {
		c := centres[i%len(centres)]
		p := places[rng.IntN(len(places))]
		r := geo.Distance(c.lon, c.lat, p.Lon, p.Lat)
		if r == 0 || r > index.MaxRadiusMeters {
			continue
		}
		t.Run(fmt.Sprintf("%s/%s", c.name, p.ID), func(t *testing.T) {
			for _, radius := range []float64{r, math.Nextafter(r, 0)} {
				q := index.Query{Near: &index.Anchor{Lat: c.lat, Lon: c.lon}, RadiusMeters: radius, Dept: p.Dept}
				want := bruteScan(places, c, func(o *ingest.Place, d float64) bool { return d <= radius && o.Dept == p.Dept })
				hits, total := MustSearchAll(t, e, q)
				if total != len(want) {
					t.Errorf("radius %v m: total %d, brute force %d", radius, total, len(want))
				}
				got := slices.ContainsFunc(hits, func(h index.Hit) bool { return h.Place.ID == p.ID })
				if inside := radius == r; got != inside {
					t.Errorf("radius %v m, %s at %v m: found %v, want %v", radius, p.ID, r, got, inside)
				}
			}
		})
	}
}

// MustHitsAll returns every hit of q, page after page.
func MustHitsAll(tb testing.TB, e *index.Engine, q index.Query) []index.Hit {
	tb.Helper()
	hits, _ := MustSearchAll(tb, e, q)
	return hits
}

// TestWithinText: with a text part, every plan gives the places within R
// passing the filters that the text index matches.
func TestWithinText(t *testing.T) {
	e, places := MustSynthEngine(t, exactN)
	texts := []string{"atelier", "makerspace", "Toulouse", "cuisine partagée", "Rodez fablab"}
	for _, text := range texts {
		match := MustTextIDs(t, e, text)
		for _, c := range centres[:4] {
			for _, r := range []float64{2_000, 30_000, 100_000} {
				for _, f := range filterSpecs[:4] {
					want := bruteScan(places, c, func(p *ingest.Place, d float64) bool { return d <= r && f.pass(p) && match[p.ID] })
					wantIDs := indextest.FoundIDs(want)
					slices.Sort(wantIDs)
					for _, pl := range plans {
						t.Run(fmt.Sprintf("%s/%s/%gkm/%s/%s", text, c.name, r/1000, f.name, pl.name), func(t *testing.T) {
							q := index.Query{Text: text, Near: &index.Anchor{Lat: c.lat, Lon: c.lon}, RadiusMeters: r, Sort: index.SortDistance}
							f.apply(&q)
							hits, total := MustSearchAll(t, withPlan(e, pl.plan), q)
							if total != len(want) {
								t.Errorf("total %d, brute force %d", total, len(want))
							}
							got := hitIDs(hits)
							slices.Sort(got)
							if d := indextest.DiffIDs(got, wantIDs); d != "" {
								t.Fatal(d)
							}
							for i := 1; i < len(hits); i++ {
								if hits[i-1].Meters > hits[i].Meters {
									t.Fatalf("sort=distance: %s at %v m before %s at %v m", hits[i-1].Place.ID, hits[i-1].Meters, hits[i].Place.ID, hits[i].Meters)
								}
							}
						})
					}
				}
			}
		}
	}
}

// TestPlansAgree: the plan is an optimisation; whatever it is, a query
// gives the same places in the same order with the same scores.
func TestPlansAgree(t *testing.T) {
	e, _ := MustSynthEngine(t, exactN)
	for _, tc := range []struct {
		name string
		q    index.Query
	}{
		{"atelier 30 km Toulouse decay", index.Query{Text: "atelier", Near: &index.Anchor{Lat: 43.60426, Lon: 1.44367}, RadiusMeters: 30_000}},
		{"numérique 75 km Rodez decay", index.Query{Text: "numérique", Near: &index.Anchor{Lat: 44.35258, Lon: 2.57338}, RadiusMeters: 75_000}},
		{"makerspace 100 km Paris decay", index.Query{Text: "makerspace", Near: &index.Anchor{Lat: 48.8566, Lon: 2.3522}, RadiusMeters: 100_000}},
		{"atelier 30 km Toulouse relevance", index.Query{Text: "atelier", Near: &index.Anchor{Lat: 43.60426, Lon: 1.44367}, RadiusMeters: 30_000, Sort: index.SortRelevance}},
		{"synthétique fablab bbox", index.Query{Text: "synthétique fablab", BBox: &geo.Bound{MinLon: 1.19, MinLat: 43.43, MaxLon: 1.69, MaxLat: 43.78}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var first []index.Hit
			for _, pl := range plans {
				hits := MustHitsAll(t, withPlan(e, pl.plan), tc.q)
				if len(hits) == 0 {
					t.Fatalf("%s: no hits", pl.name)
				}
				if first == nil {
					first = hits
					continue
				}
				if d := indextest.DiffIDs(hitIDs(hits), hitIDs(first)); d != "" {
					t.Errorf("%s against %s: %s", pl.name, plans[0].name, d)
					for i := range min(len(hits), len(first)) {
						if a, b := hits[i], first[i]; a.Place.ID != b.Place.ID {
							t.Logf("%d: %s %s scores %v at %v m; %s %s scores %v at %v m", i, pl.name, a.Place.ID, a.Score, a.Meters, plans[0].name, b.Place.ID, b.Score, b.Meters)
							break
						}
					}
					continue
				}
				for i := range hits {
					if math.Abs(hits[i].Score-first[i].Score) > 1e-9 {
						t.Errorf("%s: %s scores %v, %s scores it %v", pl.name, hits[i].Place.ID, hits[i].Score, plans[0].name, first[i].Score)
						break
					}
				}
			}
		})
	}
}

// insideBound is the oracle for boxes, across the antimeridian too.
func insideBound(b geo.Bound, lon, lat float64) bool {
	if lat < b.MinLat || lat > b.MaxLat {
		return false
	}
	if b.MinLon <= b.MaxLon {
		return lon >= b.MinLon && lon <= b.MaxLon
	}
	return lon >= b.MinLon || lon <= b.MaxLon
}

func insidePolygon(p geo.Polygon, lon, lat float64) bool { return indextest.InsidePolygon(p, lon, lat) }

// Polygon vertices have digits beyond the fifth decimal, where synthetic
// points are rounded, so no point lies on an edge and the even-odd rule
// agrees with any containment test.
var (
	toulouseHexagon = geo.Polygon{{{1.2000031, 43.5000017}, {1.4500013, 43.4000029}, {1.7000047, 43.5000011}, {1.7000023, 43.7000041}, {1.4500037, 43.8000013}, {1.2000019, 43.7000027}, {1.2000031, 43.5000017}}}
	toulouseRing    = geo.Polygon{
		{{1.2000031, 43.4000017}, {1.7000047, 43.4000029}, {1.7000023, 43.8000041}, {1.2000019, 43.8000013}, {1.2000031, 43.4000017}},
		{{1.4000033, 43.5500019}, {1.5000021, 43.5500043}, {1.5000039, 43.6500011}, {1.4000017, 43.6500037}, {1.4000033, 43.5500019}},
	}
	// A concave "C" over the Massif Central.
	massifC = geo.Polygon{{{2.0000011, 44.0000013}, {4.0000027, 44.0000031}, {4.0000013, 44.3000019}, {2.6000041, 44.3000037}, {2.6000023, 44.7000011}, {4.0000037, 44.7000029}, {4.0000019, 45.0000041}, {2.0000043, 45.0000017}, {2.0000011, 44.0000013}}}
)

// TestAreaExact: boxes and polygons give what a scan of every place does,
// alphabetically without a point, nearest first with one.
func TestAreaExact(t *testing.T) {
	e, places := MustSynthEngine(t, exactN)
	type area struct {
		name string
		b    *geo.Bound
		p    geo.Polygon
	}
	areas := []area{
		{name: "Toulouse map", b: &geo.Bound{MinLon: 1.19, MinLat: 43.43, MaxLon: 1.69, MaxLat: 43.78}},
		{name: "Occitanie box", b: &geo.Bound{MinLon: -0.33, MinLat: 42.33, MaxLon: 4.85, MaxLat: 45.05}},
		{name: "a line of latitude", b: &geo.Bound{MinLon: -5, MinLat: 44.35258, MaxLon: 10, MaxLat: 44.35258}},
		{name: "across the antimeridian", b: &geo.Bound{MinLon: 5, MinLat: 42, MaxLon: -2, MaxLat: 51}},
		{name: "the sea", b: &geo.Bound{MinLon: -10, MinLat: 44, MaxLon: -5, MaxLat: 46}},
		{name: "Toulouse hexagon", p: toulouseHexagon},
		{name: "Toulouse with a hole", p: toulouseRing},
		{name: "concave C", p: massifC},
	}
	toulouse := centres[0]
	for _, a := range areas {
		inside := func(p *ingest.Place) bool {
			if a.b != nil {
				return insideBound(*a.b, p.Lon, p.Lat)
			}
			return insidePolygon(a.p, p.Lon, p.Lat)
		}
		for _, f := range filterSpecs {
			for _, withPoint := range []bool{false, true} {
				t.Run(fmt.Sprintf("%s/%s/point=%v", a.name, f.name, withPoint), func(t *testing.T) {
					q := index.Query{BBox: a.b, Polygon: a.p}
					f.apply(&q)
					want := bruteScan(places, toulouse, func(p *ingest.Place, _ float64) bool { return inside(p) && f.pass(p) })
					if withPoint {
						q.Near = &index.Anchor{Lat: toulouse.lat, Lon: toulouse.lon}
					} else {
						sortByName(want, places)
					}
					hits, total := MustSearchAll(t, e, q)
					if total != len(want) {
						t.Errorf("total %d, brute force %d", total, len(want))
					}
					if d := indextest.DiffIDs(hitIDs(hits), indextest.FoundIDs(want)); d != "" {
						t.Fatal(d)
					}
					if withPoint {
						indextest.CheckDistanceOrder(t, hits, want)
					}
				})
			}
		}
	}
}

// TestAreaBoxAndPolygon: a box and a polygon together (Build accepts
// both parameters) find the places inside both, not inside one of them.
func TestAreaBoxAndPolygon(t *testing.T) {
	e, places := MustSynthEngine(t, exactN)
	// The box covers the west half of the Toulouse hexagon.
	box := geo.Bound{MinLon: 1.0, MinLat: 43.3, MaxLon: 1.45, MaxLat: 43.9}
	for _, f := range filterSpecs[:3] {
		t.Run(f.name, func(t *testing.T) {
			q := index.Query{BBox: &box, Polygon: toulouseHexagon}
			f.apply(&q)
			want := bruteScan(places, centres[0], func(p *ingest.Place, _ float64) bool {
				return insideBound(box, p.Lon, p.Lat) && insidePolygon(toulouseHexagon, p.Lon, p.Lat) && f.pass(p)
			})
			sortByName(want, places)
			hits, total := MustSearchAll(t, e, q)
			if total != len(want) {
				t.Errorf("total %d, want the %d places inside both the box and the polygon", total, len(want))
			}
			if d := indextest.DiffIDs(hitIDs(hits), indextest.FoundIDs(want)); d != "" {
				t.Error(d)
			}
		})
	}
}

// sortByName sorts as the engine lists places with nothing to rank them
// by: lower-case name, then ID.
func sortByName(fs []indextest.Found, places []ingest.Place) {
	name := map[string]string{}
	for i := range places {
		name[places[i].ID] = strings.ToLower(places[i].Name)
	}
	sort.Slice(fs, func(i, j int) bool {
		if a, b := name[fs[i].ID], name[fs[j].ID]; a != b {
			return a < b
		}
		return fs[i].ID < fs[j].ID
	})
}

// TestNearestExact: the k nearest are the first k of every place sorted
// by distance then ID, and the total counts every place passing the
// filters, wherever it is.
func TestNearestExact(t *testing.T) {
	e, places := MustSynthEngine(t, exactN)
	// A place's own point as a centre: distance 0, and ties with any
	// other place at the same rounded coordinates.
	extra := []point{{"on a place", places[17].Lat, places[17].Lon}, {"on another", places[4242].Lat, places[4242].Lon}}
	for _, c := range append(slices.Clone(centres), extra...) {
		for _, f := range filterSpecs {
			all := bruteScan(places, c, func(p *ingest.Place, _ float64) bool { return f.pass(p) })
			for _, k := range []int{1, 5, 20, 100} {
				t.Run(fmt.Sprintf("%s/%s/k=%d", c.name, f.name, k), func(t *testing.T) {
					q := index.Query{Near: &index.Anchor{Lat: c.lat, Lon: c.lon}, Nearest: true, Limit: k}
					f.apply(&q)
					want := all[:min(k, len(all))]
					res := MustSearch(t, e, q)
					if res.Total != len(all) {
						t.Errorf("total %d, brute force %d", res.Total, len(all))
					}
					if d := indextest.DiffIDs(hitIDs(res.Hits), indextest.FoundIDs(want)); d != "" {
						t.Fatal(d)
					}
					indextest.CheckDistanceOrder(t, res.Hits, want)
				})
			}
		}
	}
}

// TestNearestWithinRadius: "the nearest … within 10 km" (Parse gives
// Nearest and a radius together) returns the nearest inside the radius,
// and its total counts the places inside the radius, not in all France.
func TestNearestWithinRadius(t *testing.T) {
	e, places := MustSynthEngine(t, exactN)
	for _, c := range centres[:4] {
		for _, r := range []float64{5_000, 30_000} {
			t.Run(fmt.Sprintf("%s/%gkm", c.name, r/1000), func(t *testing.T) {
				f := filterSpecs[1]
				q := index.Query{Near: &index.Anchor{Lat: c.lat, Lon: c.lon}, Nearest: true, RadiusMeters: r, Limit: 3}
				f.apply(&q)
				all := bruteScan(places, c, func(p *ingest.Place, d float64) bool { return d <= r && f.pass(p) })
				res := MustSearch(t, e, q)
				if d := indextest.DiffIDs(hitIDs(res.Hits), indextest.FoundIDs(all[:min(3, len(all))])); d != "" {
					t.Error(d)
				}
				if res.Total != len(all) {
					t.Errorf("total %d, want the %d places within %g km", res.Total, len(all), r/1000)
				}
			})
		}
	}
}

// TestPaging: pages of any size are disjoint, in order, and together are
// the full list; the total does not change with limit or offset.
func TestPaging(t *testing.T) {
	e, _ := MustSynthEngine(t, exactN)
	toulouse := &index.Anchor{Lat: 43.60426, Lon: 1.44367}
	for _, tc := range []struct {
		name string
		q    index.Query
	}{
		{"radius by distance", index.Query{Near: toulouse, RadiusMeters: 30_000}},
		{"radius with text, decay", index.Query{Text: "atelier", Near: toulouse, RadiusMeters: 75_000}},
		{"radius with text, relevance", index.Query{Text: "synthétique", Near: toulouse, RadiusMeters: 20_000, Sort: index.SortRelevance}},
		{"bbox by name", index.Query{BBox: &geo.Bound{MinLon: 1.19, MinLat: 43.43, MaxLon: 1.69, MaxLat: 43.78}}},
		{"filters only by name", index.Query{Types: []string{"mediation-numerique"}, Region: "76"}},
		{"text only", index.Query{Text: "makerspace"}},
		{"nearest", index.Query{Near: toulouse, Nearest: true, Types: []string{"fablab"}}},
		{"adaptive", index.Query{Near: toulouse, AutoRadius: true}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ref, total := MustSearchAll(t, e, tc.q)
			if len(ref) < 10 {
				t.Fatalf("only %d hits: the query must fill several pages", len(ref))
			}
			// Pages of 1 through 150 results are enough to cross page
			// boundaries of every size.
			n := min(len(ref), 150)
			q := tc.q
			for _, size := range []int{1, 7, 25, 100} {
				var union []string
				seen := map[string]bool{}
				for off := 0; off < n; off += size {
					q.Limit, q.Offset = size, off
					page := MustSearch(t, e, q)
					if page.Total != total {
						t.Fatalf("limit %d offset %d: total %d, %d on the first page of 100", size, off, page.Total, total)
					}
					if want := min(size, len(ref)-off); len(page.Hits) != want {
						t.Fatalf("limit %d offset %d: %d hits, want %d", size, off, len(page.Hits), want)
					}
					for _, h := range page.Hits {
						if seen[h.Place.ID] {
							t.Fatalf("limit %d offset %d: %s is on an earlier page too", size, off, h.Place.ID)
						}
						seen[h.Place.ID] = true
						union = append(union, h.Place.ID)
					}
				}
				if d := indextest.DiffIDs(union[:min(len(union), n)], hitIDs(ref[:n])); d != "" {
					t.Fatalf("pages of %d against pages of 100: %s", size, d)
				}
			}
			if tc.q.Nearest {
				return // the k nearest have no end before the total
			}
			// Beyond the end: no hits, the same total.
			q.Limit, q.Offset = 10, total
			if page := MustSearch(t, e, q); len(page.Hits) != 0 || page.Total != total {
				t.Errorf("offset %d: %d hits total %d, want none of %d", total, len(page.Hits), page.Total, total)
			}
		})
	}
}

// TestDemoFilterAlone: demo=false with no area and no text lists the
// real places, and their number, in the demo catalog and a synthetic one.
func TestDemoFilterAlone(t *testing.T) {
	synthE, synthPlaces := MustSynthEngine(t, exactN)
	demoE := MustDemoEngine(t)
	for _, tc := range []struct {
		name   string
		e      *index.Engine
		places []ingest.Place
	}{
		{"demo catalog", demoE, demoE.Catalog().Places()},
		{"synthetic", synthE, synthPlaces},
	} {
		for _, demo := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/demo=%v", tc.name, demo), func(t *testing.T) {
				want := 0
				for i := range tc.places {
					if tc.places[i].Demo == demo {
						want++
					}
				}
				for _, q := range []index.Query{
					{Demo: ptr(demo)},
					{Demo: ptr(demo), Near: &index.Anchor{Lat: 43.6, Lon: 1.44}, Nearest: true},
				} {
					res := MustSearch(t, tc.e, q)
					if res.Total != want {
						t.Errorf("%s: total %d, want %d", q.String(), res.Total, want)
					}
					for _, h := range res.Hits {
						if h.Place.Demo != demo {
							t.Errorf("%s: %s has demo=%v", q.String(), h.Place.ID, h.Place.Demo)
						}
					}
				}
			})
		}
	}
}

// TestSortOrders: distance ascending with ties by ID; relevance
// non-increasing; with nothing to rank by, names in order.
func TestSortOrders(t *testing.T) {
	e, places := MustSynthEngine(t, exactN)
	name := map[string]string{}
	for i := range places {
		name[places[i].ID] = strings.ToLower(places[i].Name)
	}
	rodez := &index.Anchor{Lat: 44.35258, Lon: 2.57338}
	for _, tc := range []struct {
		name string
		q    index.Query
		less func(a, b index.Hit) bool // a may come before b
	}{
		{"distance", index.Query{Near: rodez, RadiusMeters: 75_000, Sort: index.SortDistance}, distanceOrder},
		{"distance with text", index.Query{Text: "atelier", Near: rodez, RadiusMeters: 100_000, Sort: index.SortDistance}, func(a, b index.Hit) bool {
			return a.Meters < b.Meters || (a.Meters == b.Meters && (a.Score > b.Score || (a.Score == b.Score && a.Place.ID < b.Place.ID)))
		}},
		{"relevance with text", index.Query{Text: "atelier numérique", Sort: index.SortRelevance}, scoreOrder},
		{"relevance with text and point", index.Query{Text: "atelier", Near: rodez, RadiusMeters: 100_000, Sort: index.SortRelevance}, func(a, b index.Hit) bool {
			return a.Score > b.Score || (a.Score == b.Score && (a.Meters < b.Meters || (a.Meters == b.Meters && a.Place.ID < b.Place.ID)))
		}},
		{"decay", index.Query{Text: "atelier", Near: rodez, RadiusMeters: 100_000}, scoreOrder},
		{"name", index.Query{Types: []string{"fablab"}, Dept: "12"}, func(a, b index.Hit) bool {
			na, nb := name[a.Place.ID], name[b.Place.ID]
			return na < nb || (na == nb && a.Place.ID < b.Place.ID)
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			hits := MustHitsAll(t, e, tc.q)
			if len(hits) < 10 {
				t.Fatalf("only %d hits", len(hits))
			}
			for i := 1; i < len(hits); i++ {
				if !tc.less(hits[i-1], hits[i]) {
					a, b := hits[i-1], hits[i]
					t.Fatalf("hits %d and %d out of order: %s (%v m, score %v) then %s (%v m, score %v)",
						i-1, i, a.Place.ID, a.Meters, a.Score, b.Place.ID, b.Meters, b.Score)
				}
			}
			if tc.q.Text != "" {
				for _, h := range hits {
					if h.Score <= 0 || math.IsNaN(h.Score) || math.IsInf(h.Score, 0) {
						t.Fatalf("%s: score %v, want a positive number", h.Place.ID, h.Score)
					}
				}
			}
		})
	}
}

func distanceOrder(a, b index.Hit) bool {
	return a.Meters < b.Meters || (a.Meters == b.Meters && a.Place.ID < b.Place.ID)
}

func scoreOrder(a, b index.Hit) bool {
	return a.Score > b.Score || (a.Score == b.Score && (a.Meters < b.Meters || (a.Meters == b.Meters && a.Place.ID < b.Place.ID)))
}

// bruteFacets counts, for each facet, the places in the area and the text
// passing every filter but the facet's own.
func bruteFacets(places []ingest.Place, inArea func(p *ingest.Place) bool, f filterSpec, names []string) map[string]map[string]int {
	out := map[string]map[string]int{}
	for _, name := range names {
		m := map[string]int{}
		g := f.without(name)
		for i := range places {
			p := &places[i]
			if !inArea(p) || !g.pass(p) {
				continue
			}
			switch name {
			case index.FacetType:
				for _, v := range p.Types {
					m[v]++
				}
			case index.FacetService:
				for _, v := range p.Services {
					m[v]++
				}
			case index.FacetDept:
				if p.Dept != "" {
					m[p.Dept]++
				}
			}
		}
		out[name] = m
	}
	return out
}

// TestFacetsExact: each facet counts the matches as if its own filter
// were not set, so a filter chip shows what choosing it would give.
func TestFacetsExact(t *testing.T) {
	e, places := MustSynthEngine(t, exactN)
	facets := []string{index.FacetType, index.FacetService, index.FacetDept}
	toulouse := centres[0]
	within := func(c point, r float64) func(p *ingest.Place) bool {
		return func(p *ingest.Place) bool { return geo.Distance(c.lon, c.lat, p.Lon, p.Lat) <= r }
	}
	everywhere := func(*ingest.Place) bool { return true }
	box := geo.Bound{MinLon: 1.19, MinLat: 43.43, MaxLon: 1.69, MaxLat: 43.78}
	matchAtelier := MustTextIDs(t, e, "atelier")
	for _, tc := range []struct {
		name   string
		q      index.Query
		inArea func(p *ingest.Place) bool
	}{
		{"radius", index.Query{Near: &index.Anchor{Lat: toulouse.lat, Lon: toulouse.lon}, RadiusMeters: 50_000}, within(toulouse, 50_000)},
		{"bbox", index.Query{BBox: &box}, func(p *ingest.Place) bool { return insideBound(box, p.Lon, p.Lat) }},
		{"polygon", index.Query{Polygon: massifC}, func(p *ingest.Place) bool { return insidePolygon(massifC, p.Lon, p.Lat) }},
		{"radius and text", index.Query{Text: "atelier", Near: &index.Anchor{Lat: toulouse.lat, Lon: toulouse.lon}, RadiusMeters: 100_000},
			func(p *ingest.Place) bool { return matchAtelier[p.ID] && within(toulouse, 100_000)(p) }},
		{"text only", index.Query{Text: "atelier"}, func(p *ingest.Place) bool { return matchAtelier[p.ID] }},
		{"no area", index.Query{}, everywhere},
	} {
		for _, f := range filterSpecs {
			t.Run(tc.name+"/"+f.name, func(t *testing.T) {
				q := tc.q
				q.Facets = facets
				f.apply(&q)
				want := bruteFacets(places, tc.inArea, f, facets)
				for _, pl := range plans {
					res := MustSearch(t, withPlan(e, pl.plan), q)
					for _, name := range facets {
						if got := res.Facets[name]; !maps.Equal(got, want[name]) {
							t.Errorf("plan %s, facet %s:\n got %v\nwant %v", pl.name, name, got, want[name])
						}
					}
					if q.Text == "" {
						break // the plan only matters with text
					}
				}
			})
		}
	}
}

// TestFacetsAutoRadius: with an adaptive radius, facets count within the
// radius the engine chose (checked by TestAutoRadiusExact).
func TestFacetsAutoRadius(t *testing.T) {
	e, places := MustSynthEngine(t, exactN)
	facets := []string{index.FacetType, index.FacetService, index.FacetDept}
	match := MustTextIDs(t, e, "atelier")
	for _, c := range []point{centres[0], centres[2], centres[7]} {
		for _, f := range filterSpecs {
			for _, text := range []string{"", "atelier"} {
				t.Run(fmt.Sprintf("%s/%s/%q", c.name, f.name, text), func(t *testing.T) {
					q := index.Query{Text: text, Near: &index.Anchor{Lat: c.lat, Lon: c.lon}, AutoRadius: true, Facets: facets}
					f.apply(&q)
					for _, pl := range plans {
						res := MustSearch(t, withPlan(e, pl.plan), q)
						r := res.Query.RadiusMeters
						want := bruteFacets(places, func(p *ingest.Place) bool {
							return (text == "" || match[p.ID]) && geo.Distance(c.lon, c.lat, p.Lon, p.Lat) <= r
						}, f, facets)
						for _, name := range facets {
							if got := res.Facets[name]; !maps.Equal(got, want[name]) {
								t.Errorf("plan %s, radius %g km, facet %s:\n got %v\nwant %v", pl.name, r/1000, name, got, want[name])
							}
						}
						if text == "" {
							break
						}
					}
				})
			}
		}
	}
}

// autoRadiusOracle returns the radius an adaptive query must use: the
// first step reaching AutoRadiusTarget matches, else the cap. all is
// every match, nearest first.
func autoRadiusOracle(all []indextest.Found) float64 {
	steps := []float64{5_000, 10_000, 20_000, 30_000, 50_000, 75_000, 100_000}
	for _, r := range steps {
		n := sort.Search(len(all), func(i int) bool { return all[i].Meters > r })
		if n >= index.AutoRadiusTarget {
			return r
		}
	}
	return steps[len(steps)-1]
}

// TestAutoRadiusExact: the adaptive radius is the smallest step in {5,
// 10, 20, 30, 50, 75, 100} km reaching 5 matches, or 100 km, and the
// results are every match within it.
func TestAutoRadiusExact(t *testing.T) {
	e, places := MustSynthEngine(t, exactN)
	seenRadius := map[float64]bool{}
	texts := []string{"", "atelier", "makerspace"}
	matches := map[string]map[string]bool{}
	for _, text := range texts[1:] {
		matches[text] = MustTextIDs(t, e, text)
	}
	for _, c := range centres {
		for _, f := range filterSpecs {
			for _, text := range texts {
				match := matches[text]
				all := bruteScan(places, c, func(p *ingest.Place, _ float64) bool { return f.pass(p) && (text == "" || match[p.ID]) })
				r := autoRadiusOracle(all)
				seenRadius[r] = true
				want := all[:sort.Search(len(all), func(i int) bool { return all[i].Meters > r })]
				wantIDs := indextest.FoundIDs(want)
				slices.Sort(wantIDs)
				for _, pl := range plans {
					if text == "" && pl.plan != index.PlanAuto {
						continue
					}
					t.Run(fmt.Sprintf("%s/%s/%q/%s", c.name, f.name, text, pl.name), func(t *testing.T) {
						q := index.Query{Text: text, Near: &index.Anchor{Lat: c.lat, Lon: c.lon}, AutoRadius: true, Sort: index.SortDistance}
						f.apply(&q)
						res := MustSearch(t, withPlan(e, pl.plan), q)
						hits, total := MustSearchAll(t, withPlan(e, pl.plan), q)
						if !res.Query.AutoRadius || res.Query.RadiusMeters != r {
							t.Errorf("radius used %v m (auto %v), brute force %v m", res.Query.RadiusMeters, res.Query.AutoRadius, r)
						}
						if total != len(want) {
							t.Errorf("total %d, brute force %d within %g km", total, len(want), r/1000)
						}
						got := hitIDs(hits)
						slices.Sort(got)
						if d := indextest.DiffIDs(got, wantIDs); d != "" {
							t.Fatal(d)
						}
					})
				}
			}
		}
	}
	// The centres and filters must exercise small and capped radii.
	for _, r := range []float64{5_000, 100_000} {
		if !seenRadius[r] {
			t.Errorf("no case had an adaptive radius of %g km", r/1000)
		}
	}
}

// TestEmptyResults: queries matching nothing answer with no hits and a
// zero total, not an error.
func TestEmptyResults(t *testing.T) {
	e, _ := MustSynthEngine(t, exactN)
	sea := &index.Anchor{Lat: 45.0, Lon: -3.0}
	for _, tc := range []struct {
		name string
		q    index.Query
	}{
		{"radius at sea", index.Query{Near: sea, RadiusMeters: 10_000}},
		{"box at sea", index.Query{BBox: &geo.Bound{MinLon: -4, MinLat: 44.5, MaxLon: -3, MaxLat: 45.5}}},
		{"box across the antimeridian in the Pacific", index.Query{BBox: &geo.Bound{MinLon: 170, MinLat: -10, MaxLon: -170, MaxLat: 10}}},
		{"unknown word", index.Query{Text: "xyzzyplugh"}},
		{"unknown word near Toulouse", index.Query{Text: "xyzzyplugh", Near: &index.Anchor{Lat: 43.6, Lon: 1.44}, RadiusMeters: 30_000}},
		{"unknown département", index.Query{Dept: "99"}},
		{"real demo contradiction", index.Query{Demo: ptr(false), Types: []string{"fablab"}, Services: []string{"impression-3d", "domiciliation"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			q := tc.q
			q.Facets = []string{index.FacetType}
			res := MustSearch(t, e, q)
			if res.Total != 0 || len(res.Hits) != 0 {
				t.Errorf("total %d, %d hits, want none", res.Total, len(res.Hits))
			}
		})
	}
}

// TestConcurrentSearch: an engine serves many requests at once (its
// caches included): concurrent searches give what they give alone. Run
// with -race to check for data races too.
func TestConcurrentSearch(t *testing.T) {
	e, _ := MustSynthEngine(t, exactN)
	toulouse := &index.Anchor{Lat: 43.60426, Lon: 1.44367}
	rodez := &index.Anchor{Lat: 44.35258, Lon: 2.57338}
	queries := []index.Query{
		{Text: "atelier", Near: toulouse, RadiusMeters: 30_000},
		{Text: "makerspace", Near: rodez, RadiusMeters: 100_000, Facets: []string{index.FacetType, index.FacetDept}},
		{Text: "numérique synthétique", Near: toulouse, RadiusMeters: 5_000},
		{Text: "cuisine", Near: rodez, AutoRadius: true},
		{Types: []string{"fablab"}, Near: toulouse, Nearest: true, Limit: 50},
		{BBox: &geo.Bound{MinLon: 1.19, MinLat: 43.43, MaxLon: 1.69, MaxLat: 43.78}, Limit: 100},
		{Polygon: massifC, Services: []string{"wifi"}},
		{Demo: ptr(false), Limit: 30, Offset: 60},
		{Text: "Toulouse"},
	}
	type answer struct {
		ids   []string
		total int
	}
	want := make([]answer, len(queries))
	engines := []*index.Engine{withPlan(e, index.PlanAuto), withPlan(e, index.PlanGeoFirst), withPlan(e, index.PlanTextFirst)}
	for i, q := range queries {
		res := MustSearch(t, engines[0], q)
		want[i] = answer{hitIDs(res.Hits), res.Total}
	}
	const workers, rounds = 8, 15
	done := make(chan struct{})
	for w := range workers {
		go func() {
			defer func() { done <- struct{}{} }()
			for r := range rounds {
				i := (w*7 + r) % len(queries)
				eng := engines[(w+r)%len(engines)]
				res, err := eng.Search(context.Background(), queries[i])
				if err != nil {
					t.Errorf("worker %d: %s: %v", w, queries[i].String(), err)
					return
				}
				if got := (answer{hitIDs(res.Hits), res.Total}); got.total != want[i].total || !slices.Equal(got.ids, want[i].ids) {
					t.Errorf("worker %d: %s: total %d, %s", w, queries[i].String(), got.total, indextest.DiffIDs(got.ids, want[i].ids))
				}
			}
		}()
	}
	for range workers {
		<-done
	}
}

// TestNearestFacets: the nearest places fill one page, but facets count
// every match, each without its own filter, as the total does.
func TestNearestFacets(t *testing.T) {
	e := MustDemoEngine(t)
	// What near=Rodez&sort=distance&type=fablab&facets=type&limit=3 builds.
	rodez := &index.Anchor{Name: "Rodez", INSEE: inseeRodez, Lat: 44.35258, Lon: 2.57338}
	q := index.Query{Types: []string{"fablab"}, Near: rodez, Nearest: true, Sort: index.SortDistance, Facets: []string{"type"}, Limit: 3}
	res := MustSearch(t, e, q)
	want := map[string]int{}
	for _, p := range e.Catalog().Places() {
		for _, ty := range p.Types {
			want[ty]++
		}
	}
	for ty, n := range want {
		if got := res.Facets["type"][ty]; got != n {
			t.Errorf("facet type %s = %d, want %d (every place: the type facet ignores the type filter)", ty, got, n)
		}
	}
	if res.Total != want["fablab"] || len(res.Hits) != 3 {
		t.Errorf("total %d, %d hits; want %d and 3", res.Total, len(res.Hits), want["fablab"])
	}
}

// TestSearchErrors: a Query built by hand is checked again by Search, and
// every error names its parameter.
func TestSearchErrors(t *testing.T) {
	e := MustDemoEngine(t)
	rodez := &index.Anchor{Name: "Rodez", INSEE: inseeRodez, Lat: 44.35258, Lon: 2.57338}
	for _, tc := range []struct {
		name  string
		q     index.Query
		param string
		code  string
	}{
		{"unknown type", index.Query{Types: []string{"bakery"}}, "type", index.CodeUnknownType},
		{"unknown service", index.Query{Services: []string{"jacuzzi"}}, "service", index.CodeUnknownService},
		{"label instead of ID", index.Query{Types: []string{"Fab Lab"}}, "type", index.CodeUnknownType},
		{"limit above max", index.Query{Limit: index.MaxLimit + 1}, "limit", index.CodeOutOfRange},
		{"limit negative", index.Query{Limit: -1}, "limit", index.CodeOutOfRange},
		{"offset negative", index.Query{Offset: -1}, "offset", index.CodeOutOfRange},
		{"offset above max", index.Query{Offset: index.MaxOffset + 1}, "offset", index.CodeOutOfRange},
		{"radius negative", index.Query{Near: rodez, RadiusMeters: -1}, "radius", index.CodeOutOfRange},
		{"radius above max", index.Query{Near: rodez, RadiusMeters: index.MaxRadiusMeters + 1}, "radius", index.CodeOutOfRange},
		{"radius without near", index.Query{RadiusMeters: 1000}, "radius", index.CodeInvalid},
		{"nearest without near", index.Query{Nearest: true}, "near", index.CodeInvalid},
		{"near out of range", index.Query{Near: &index.Anchor{Lat: 91, Lon: 0}, AutoRadius: true}, "near", index.CodeOutOfRange},
		{"sort unknown", index.Query{Sort: "name"}, "sort", index.CodeInvalid},
		{"sort distance without near", index.Query{Sort: index.SortDistance}, "sort", index.CodeInvalid},
		{"sort decay without near", index.Query{Text: "atelier", Sort: index.SortDecay}, "sort", index.CodeInvalid},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, err := e.Search(context.Background(), tc.q)
			if err == nil {
				t.Fatalf("Search(%s) = %d hits, want a %s error on %s", tc.q.String(), len(res.Hits), tc.code, tc.param)
			}
			se, ok := index.AsError(err)
			if !ok {
				t.Fatalf("Search(%s): %T %v is not a *index.Error", tc.q.String(), err, err)
			}
			if se.Param != tc.param || se.Code != tc.code {
				t.Errorf("Search(%s): error on %q with code %q, want %q with %q", tc.q.String(), se.Param, se.Code, tc.param, tc.code)
			}
		})
	}
}

// inseeRodez is Rodez's INSEE code.
const inseeRodez = "12202"

// TestSparse: a Sparse search finds the same hits, their places holding
// coordinates, ID, name and description only; Complete makes each the
// whole place, whatever a caller did to the hits' numbers or order, and
// does nothing to a place not of the page, nor once the result is
// released.
func TestSparse(t *testing.T) {
	e, _ := MustSynthEngine(t, exactN)
	toulouse := &index.Anchor{Lat: 43.60426, Lon: 1.44367}
	for _, q := range []index.Query{
		{Near: toulouse, RadiusMeters: 30_000, Limit: 50},
		{Text: "atelier", Near: toulouse, RadiusMeters: 75_000, Limit: 50},
		{Text: "atelier", Limit: 50, NoHighlight: true},
		{Near: toulouse, Nearest: true, Limit: 20},
	} {
		whole, err := e.Search(context.Background(), q)
		if err != nil {
			t.Fatal(err)
		}
		q.Sparse = true
		sparse, err := e.Search(context.Background(), q)
		if err != nil {
			t.Fatal(err)
		}
		if len(sparse.Hits) != len(whole.Hits) || len(whole.Hits) < 10 {
			t.Fatalf("%+v: %d sparse hits, %d whole", q, len(sparse.Hits), len(whole.Hits))
		}
		for i := range sparse.Hits {
			w, s := whole.Hits[i], sparse.Hits[i]
			p := *w.Place
			want := ingest.Place{ID: p.ID, Name: p.Name, Description: p.Description, Lat: p.Lat, Lon: p.Lon}
			if !reflect.DeepEqual(*s.Place, want) {
				t.Fatalf("hit %d: sparse place %+v, want %+v", i, *s.Place, want)
			}
			if s.Doc != w.Doc || s.Meters != w.Meters || s.Score != w.Score || s.Highlight != w.Highlight || !slices.Equal(s.Matched, w.Matched) {
				t.Fatalf("hit %d differs beside its place: %+v against %+v", i, s, w)
			}
			if whole, ok := e.Place(p.ID); !ok || !reflect.DeepEqual(p, *whole) {
				t.Fatalf("hit %d: %+v is not the catalog's place", i, p)
			}
		}
		// The hits are the caller's to renumber and reorder.
		sparse.Hits[0].Doc++
		slices.Reverse(sparse.Hits)
		for i := range sparse.Hits {
			sparse.Complete(i)
			w := whole.Hits[len(whole.Hits)-1-i]
			if !reflect.DeepEqual(*sparse.Hits[i].Place, *w.Place) {
				t.Fatalf("hit %d completed: %+v, want %+v", i, *sparse.Hits[i].Place, *w.Place)
			}
		}
		// A place that is not the page's is left alone.
		stranger := ingest.Place{ID: "elsewhere"}
		sparse.Hits[0].Place = &stranger
		if sparse.Complete(0); stranger.ID != "elsewhere" || stranger.Name != "" {
			t.Fatalf("a place not of the page was completed: %+v", stranger)
		}
		sparse.Complete(-1)
		sparse.Complete(len(sparse.Hits))
		whole.Complete(0) // not sparse: nothing to do
		sparse.Release()
		sparse.Complete(0)
		whole.Release()
	}
}

// TestReportedDistances: every hit of a query from a point reports its
// haversine distance exactly, whichever way the query was answered (a
// nearest-first walk that measured it already, a disc counted then
// measured, a text plan ranked by a cheaper measure, a text relaxed and
// answered again another way).
func TestReportedDistances(t *testing.T) {
	e, _ := MustSynthEngine(t, exactN)
	rng := rand.New(rand.NewPCG(5, 6))
	centres := []*index.Anchor{
		{Name: "Toulouse", Lat: 43.60426, Lon: 1.44367},
		{Name: "Paris", Lat: 48.8566, Lon: 2.3522},
		{Name: "Millau", Lat: 44.0981, Lon: 3.0776},
		{Name: "Lozère", Lat: 44.52, Lon: 3.5},
	}
	texts := []string{"", "", "atelier", "coworking", "atelier zzzunknown", "numérique impression"}
	types := [][]string{nil, nil, {"fablab"}, {"coworking"}, {"mediation-numerique"}}
	measured := 0
	for i := range 600 {
		near := centres[rng.IntN(len(centres))]
		q := index.Query{Near: near, Text: texts[rng.IntN(len(texts))], Types: types[rng.IntN(len(types))],
			Limit: []int{1, 5, 20, 50}[rng.IntN(4)], Offset: []int{0, 0, 3}[rng.IntN(3)], RelaxText: rng.IntN(2) == 0}
		switch i % 4 {
		case 0:
			q.Nearest = true
		case 1:
			q.RadiusMeters, q.Sort = []float64{2_000, 15_000, 60_000}[rng.IntN(3)], index.SortDistance
		case 2:
			d := []float64{0.05, 0.3, 1}[rng.IntN(3)]
			q.BBox = &geo.Bound{MinLon: near.Lon - d, MinLat: near.Lat - d, MaxLon: near.Lon + d, MaxLat: near.Lat + d}
			q.Sort = index.SortDistance
		case 3:
			q.RadiusMeters = []float64{10_000, 50_000}[rng.IntN(2)]
		}
		if q.Text == "" && q.Sort != index.SortDistance && !q.Nearest {
			q.Sort = index.SortDistance
		}
		res, err := e.Search(context.Background(), q)
		if err != nil {
			t.Fatalf("%+v: %v", q, err)
		}
		for _, h := range res.Hits {
			if want := geo.Distance(near.Lon, near.Lat, h.Place.Lon, h.Place.Lat); h.Meters != want {
				t.Fatalf("%+v: %s reported at %v m, its distance is %v m", q, h.Place.ID, h.Meters, want)
			}
			measured++
		}
		res.Release()
	}
	if measured < 5_000 {
		t.Fatalf("%d distances checked: the queries find too little to say anything", measured)
	}
}
