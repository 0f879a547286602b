package index_test

import (
	"context"
	"math"
	"testing"

	"github.com/tierslieux/tierslieux/geo"
	"github.com/tierslieux/tierslieux/index"
	"github.com/tierslieux/tierslieux/ingest"
)

// TestClustersExact: clusters account for every match once, singletons
// carry their place, each cluster's box holds its mean, and zooming out
// never makes more clusters (the grid cells nest).
func TestClustersExact(t *testing.T) {
	e, places := MustSynthEngine(t, exactN)
	box := geo.Bound{MinLon: 0.5, MinLat: 43.0, MaxLon: 2.5, MaxLat: 44.5}
	for _, f := range filterSpecs[:5] {
		t.Run(f.name, func(t *testing.T) {
			want := 0
			for i := range places {
				if insideBound(box, places[i].Lon, places[i].Lat) && f.pass(&places[i]) {
					want++
				}
			}
			prev := -1
			for zoom := index.MaxZoom; zoom >= 0; zoom -= 3 {
				q := index.Query{BBox: &box}
				f.apply(&q)
				res, err := e.Clusters(context.Background(), q, zoom)
				if err != nil {
					t.Fatal(err)
				}
				sum := 0
				for _, c := range res.Clusters {
					sum += c.Count
					if c.Count == 1 && (c.Place == nil || c.Place.Place.Lon != c.Lon || c.Place.Place.Lat != c.Lat) {
						t.Errorf("zoom %d: singleton at %g,%g without its place: %+v", zoom, c.Lat, c.Lon, c.Place)
					}
					if c.Count > 1 && c.Place != nil {
						t.Errorf("zoom %d: cluster of %d with a place", zoom, c.Count)
					}
					if b := c.Bound; c.Lon < b[0]-1e-9 || c.Lon > b[2]+1e-9 || c.Lat < b[1]-1e-9 || c.Lat > b[3]+1e-9 || !insideBound(box, b[0], b[1]) || !insideBound(box, b[2], b[3]) {
						t.Errorf("zoom %d: cluster mean %g,%g outside its bound %v, or bound outside the box", zoom, c.Lat, c.Lon, b)
					}
				}
				if sum != want || res.Total != want {
					t.Errorf("zoom %d: clusters hold %d places, total %d; brute force %d", zoom, sum, res.Total, want)
				}
				if prev >= 0 && len(res.Clusters) > prev {
					t.Errorf("zoom %d: %d clusters, more than the %d one level of 3 deeper", zoom, len(res.Clusters), prev)
				}
				prev = len(res.Clusters)
			}
		})
	}
}

// TestClustersEveryMatch: a point to measure from, with or without a
// radius, sorted by distance or not, does not cut the clusters to the
// first page of a search: they hold every match.
func TestClustersEveryMatch(t *testing.T) {
	e, places := MustSynthEngine(t, exactN)
	box := geo.Bound{MinLon: 0.5, MinLat: 43.0, MaxLon: 2.5, MaxLat: 44.5}
	near := &index.Anchor{Name: "Toulouse", Lon: 1.44, Lat: 43.6}
	for _, tc := range []struct {
		name   string
		radius float64
		sort   string
	}{{"near, distance", 0, index.SortDistance}, {"near, relevance", 0, index.SortRelevance}, {"near and radius, distance", 40000, index.SortDistance}} {
		t.Run(tc.name, func(t *testing.T) {
			want := 0
			for i := range places {
				p := &places[i]
				if insideBound(box, p.Lon, p.Lat) && (tc.radius == 0 || geo.Distance(near.Lon, near.Lat, p.Lon, p.Lat) <= tc.radius) {
					want++
				}
			}
			q := index.Query{BBox: &box, Near: near, RadiusMeters: tc.radius, Sort: tc.sort, Limit: 5}
			res, err := e.Clusters(context.Background(), q, 9)
			if err != nil {
				t.Fatal(err)
			}
			sum := 0
			for _, c := range res.Clusters {
				sum += c.Count
			}
			if sum != want || res.Total != want {
				t.Errorf("clusters hold %d places, total %d; brute force %d", sum, res.Total, want)
			}
		})
	}
}

func TestClustersErrors(t *testing.T) {
	e := MustDemoEngine(t)
	box := &geo.Bound{MinLon: 0, MinLat: 42, MaxLon: 5, MaxLat: 45}
	for _, tc := range []struct {
		name  string
		q     index.Query
		zoom  int
		param string
		code  string
	}{
		{"no bbox", index.Query{}, 10, "bbox", index.CodeInvalid},
		{"zoom negative", index.Query{BBox: box}, -1, "zoom", index.CodeOutOfRange},
		{"zoom too deep", index.Query{BBox: box}, index.MaxZoom + 1, "zoom", index.CodeOutOfRange},
		{"bad type", index.Query{BBox: box, Types: []string{"bakery"}}, 10, "type", index.CodeUnknownType},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := e.Clusters(context.Background(), tc.q, tc.zoom)
			if se, ok := index.AsError(err); !ok || se.Param != tc.param || se.Code != tc.code {
				t.Errorf("Clusters: %v, want %s on %s", err, tc.code, tc.param)
			}
		})
	}
}

// Make sure the vocabulary the tests name exists: a renamed ID would
// make filters silently match nothing.
func TestVocabularyIDs(t *testing.T) {
	for _, f := range filterSpecs {
		for _, id := range f.types {
			if _, ok := ingest.TypeTerm(id); !ok {
				t.Errorf("filter %s: no type %s", f.name, id)
			}
		}
		for _, id := range f.services {
			if _, ok := ingest.ServiceTerm(id); !ok {
				t.Errorf("filter %s: no service %s", f.name, id)
			}
		}
	}
}

// TestClustersAsBruteForce: each cluster is what grouping the matches by
// hand on the grid of the answer's zoom gives: its count, its box and its
// mean, over boxes up to France's and zooms whose grids are coarsened.
func TestClustersAsBruteForce(t *testing.T) {
	e, places := MustSynthEngine(t, exactN)
	boxes := []geo.Bound{
		{MinLon: 0.5, MinLat: 43.0, MaxLon: 2.5, MaxLat: 44.5},
		{MinLon: -5, MinLat: 41, MaxLon: 10, MaxLat: 51},       // France
		{MinLon: 2.0, MinLat: 48.6, MaxLon: 2.7, MaxLat: 49.1}, // Paris
	}
	type group struct {
		n              int
		sumLon, sumLat float64
		b              [4]float64
	}
	for _, box := range boxes {
		for _, f := range filterSpecs[:5] {
			for _, zoom := range []int{0, 3, 6, 9, 12, 16} {
				q := index.Query{BBox: &box}
				f.apply(&q)
				res, err := e.Clusters(context.Background(), q, zoom)
				if err != nil {
					t.Fatal(err)
				}
				cell := 60 * 360 / (256 * math.Exp2(float64(res.Zoom)))
				cellLat := cell * math.Cos((box.MinLat+box.MaxLat)/2*math.Pi/180)
				groups := map[[2]int64]*group{}
				for i := range places {
					p := &places[i]
					if !insideBound(box, p.Lon, p.Lat) || !f.pass(p) {
						continue
					}
					k := [2]int64{int64(math.Floor(p.Lon / cell)), int64(math.Floor(p.Lat / cellLat))}
					g := groups[k]
					if g == nil {
						g = &group{b: [4]float64{p.Lon, p.Lat, p.Lon, p.Lat}}
						groups[k] = g
					}
					g.n++
					g.sumLon += p.Lon
					g.sumLat += p.Lat
					g.b = [4]float64{min(g.b[0], p.Lon), min(g.b[1], p.Lat), max(g.b[2], p.Lon), max(g.b[3], p.Lat)}
				}
				byBound := map[[4]float64]*group{}
				for _, g := range groups {
					byBound[g.b] = g
				}
				if len(res.Clusters) != len(groups) {
					t.Errorf("%v %s zoom %d (%d): %d clusters, %d by hand", box, f.name, zoom, res.Zoom, len(res.Clusters), len(groups))
					continue
				}
				for _, c := range res.Clusters {
					g := byBound[c.Bound]
					if g == nil || g.n != c.Count {
						t.Errorf("%v %s zoom %d: cluster of %d in %v: none such by hand", box, f.name, zoom, c.Count, c.Bound)
						continue
					}
					if math.Abs(c.Lon-g.sumLon/float64(g.n)) > 1e-9 || math.Abs(c.Lat-g.sumLat/float64(g.n)) > 1e-9 {
						t.Errorf("%v %s zoom %d: cluster mean %g,%g, by hand %g,%g", box, f.name, zoom, c.Lon, c.Lat, g.sumLon/float64(g.n), g.sumLat/float64(g.n))
					}
				}
			}
		}
	}
}
