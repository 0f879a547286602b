package index

import (
	"context"
	"math"
	"sort"
	"time"
)

// MaxZoom is the deepest map zoom the clustering endpoint accepts (web
// map tiles go to about 19).
const MaxZoom = 22

// clusterPixels is the size of a cluster cell on screen: markers closer
// than that merge.
const clusterPixels = 60

// Cluster is a group of matching places drawn as one marker, or a single
// place (Count 1, Place set).
type Cluster struct {
	Lon, Lat float64 // mean position of its places
	Count    int
	// Bound is the box holding its places: a map zooms to it on click.
	Bound [4]float64
	Place *Hit
}

// ClusterResult answers a clustering request.
type ClusterResult struct {
	Query    Query
	Total    int
	Zoom     int
	Clusters []Cluster
	Took     time.Duration
	HasText  bool
}

// Clusters groups every match of q (which must have a bbox) into a grid
// whose cells are about 60 screen pixels at zoom, so a map shows counts
// instead of 100,000 markers. Cells are aligned on a fixed grid, so
// panning does not reshuffle them.
func (e *Engine) Clusters(ctx context.Context, q Query, zoom int) (*ClusterResult, error) {
	start := time.Now()
	if q.BBox == nil {
		return nil, Errorf(CodeInvalid, "bbox", "is required: minLon,minLat,maxLon,maxLat of the map view")
	}
	if zoom < 0 || zoom > MaxZoom {
		return nil, Errorf(CodeOutOfRange, "zoom", "%d is outside [0, %d]", zoom, MaxZoom)
	}
	q.Limit, q.Offset = 1, 0
	res, matches, _, err := e.match(ctx, q)
	if err != nil {
		return nil, err
	}
	// Degrees of longitude per pixel at this zoom (256-pixel tiles); the
	// same step in latitude, widened by 1/cos(lat) to stay square on screen.
	cell := clusterPixels * 360 / (256 * math.Exp2(float64(zoom)))
	midLat := (q.BBox.MinLat + q.BBox.MaxLat) / 2
	cellLat := cell * math.Cos(midLat*math.Pi/180)
	type acc struct {
		sumLon, sumLat float64
		n              int
		b              [4]float64
		first          match
	}
	cells := map[[2]int64]*acc{}
	for _, m := range matches {
		p := &e.cat.Places[m.o]
		k := [2]int64{int64(math.Floor(p.Lon / cell)), int64(math.Floor(p.Lat / cellLat))}
		a := cells[k]
		if a == nil {
			a = &acc{b: [4]float64{p.Lon, p.Lat, p.Lon, p.Lat}, first: m}
			cells[k] = a
		}
		a.sumLon += p.Lon
		a.sumLat += p.Lat
		a.n++
		a.b = [4]float64{math.Min(a.b[0], p.Lon), math.Min(a.b[1], p.Lat), math.Max(a.b[2], p.Lon), math.Max(a.b[3], p.Lat)}
		if p.ID < e.cat.Places[a.first.o].ID {
			a.first = m
		}
	}
	out := &ClusterResult{Query: res.Query, Total: res.Total, Zoom: zoom, HasText: res.HasText, Clusters: make([]Cluster, 0, len(cells))}
	for _, a := range cells {
		c := Cluster{Lon: a.sumLon / float64(a.n), Lat: a.sumLat / float64(a.n), Count: a.n, Bound: a.b}
		if a.n == 1 {
			c.Place = &Hit{Place: &e.cat.Places[a.first.o], Meters: a.first.meters, HasDistance: q.Near != nil, Score: a.first.score}
		}
		out.Clusters = append(out.Clusters, c)
	}
	// Biggest first, then west to east: a stable order for clients and tests.
	sort.Slice(out.Clusters, func(i, j int) bool {
		a, b := out.Clusters[i], out.Clusters[j]
		if a.Count != b.Count {
			return a.Count > b.Count
		}
		if a.Lon != b.Lon {
			return a.Lon < b.Lon
		}
		return a.Lat < b.Lat
	})
	out.Took = time.Since(start)
	return out, nil
}
