package index

import (
	"context"
	"fmt"
	"math"
	"sort"
	"time"

	"github.com/tierslieux/tierslieux/geo"
)

// MaxZoom is the deepest map zoom the clustering endpoint accepts (web
// map tiles go to about 19).
const MaxZoom = 22

// clusterPixels is the size of a cluster cell on screen: markers closer
// than that merge.
const clusterPixels = 60

// MaxClusters bounds the clusters of one answer: a full-HD map holds
// about 600 cells of 60 pixels. A box larger than the screen at its zoom
// (the whole world at zoom 22) would make one per place; its grid is
// coarsened, a zoom level at a time, until it fits, and the answer says
// the zoom used.
const MaxClusters = 2000

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
	Query Query
	Total int
	// Zoom is the zoom the grid was made at: the one asked, or coarser
	// when the box held more than MaxClusters cells (Coarsened).
	Zoom      int
	Coarsened bool
	Clusters  []Cluster
	Took      time.Duration
	HasText   bool
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
	// Every match, but the page asked for kept: it decides, as for the
	// search the map shows, whether leftover words are relaxed.
	q.everyMatch = true
	asked := zoom
	// A grid far finer than an answer may hold would only be coarsened
	// afterwards: start at the zoom whose grid over the box is a few
	// times MaxClusters at most. Cells nest, so the answer is the same.
	for zoom > 0 && clusterCells(*q.BBox, zoom) > 4*MaxClusters {
		zoom--
	}
	// Degrees of longitude per pixel at this zoom (256-pixel tiles); the
	// same step in latitude, widened by 1/cos(lat) to stay square on screen.
	cell := clusterPixels * 360 / (256 * math.Exp2(float64(zoom)))
	midLat := (q.BBox.MinLat + q.BBox.MaxLat) / 2
	cellLat := cell * math.Cos(midLat*math.Pi/180)
	cells := map[[2]int64]*clusterAcc{}
	// Matches come in the cells' order, along a curve: the next one is
	// most often in the same grid cell as the last, found without the map.
	var last *clusterAcc
	var lastKey [2]int64
	lons, lats := e.cat.places.lon, e.cat.places.lat
	add := func(m match) {
		lon, lat := lons[m.o], lats[m.o]
		k := [2]int64{int64(math.Floor(lon / cell)), int64(math.Floor(lat / cellLat))}
		a := last
		if a == nil || k != lastKey {
			if a = cells[k]; a == nil {
				a = &clusterAcc{}
				cells[k] = a
			}
			last, lastKey = a, k
		}
		a.addPlace(lon, lat, m)
	}
	res, err := e.clusterMatches(ctx, q, add)
	if err != nil {
		return nil, err
	}
	// Too many cells: halve the grid (one zoom level out) until they fit.
	// A cell's key at the coarser level is its key halved, rounded down.
	for len(cells) > MaxClusters && zoom > 0 {
		zoom--
		coarse := make(map[[2]int64]*clusterAcc, len(cells)/2)
		for k, a := range cells {
			ck := [2]int64{floorDiv2(k[0]), floorDiv2(k[1])}
			if c := coarse[ck]; c != nil {
				c.add(a)
			} else {
				coarse[ck] = a
			}
		}
		cells = coarse
	}
	out := &ClusterResult{Query: res.Query, Total: res.Total, Zoom: zoom, Coarsened: zoom != asked, HasText: res.HasText, Clusters: make([]Cluster, 0, len(cells))}
	for _, a := range cells {
		c := Cluster{Lon: a.sumLon / float64(a.n), Lat: a.sumLat / float64(a.n), Count: a.n, Bound: a.b}
		if a.n == 1 {
			c.Place = &Hit{Place: e.cat.places.place(a.first.o), Doc: a.first.o, Meters: a.first.meters, HasDistance: q.Near != nil, Score: a.first.score}
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

// clusterMatches calls add for every match of a clusters query. A box with
// filters and nothing else is walked by the cells, each place passed on
// as found; anything else goes through the engine's match.
func (e *Engine) clusterMatches(ctx context.Context, q Query, add func(match)) (*Result, error) {
	if q.Text == "" && len(q.Facets) == 0 && q.Polygon == nil && q.Trip == nil && q.Near == nil && q.RadiusMeters == 0 {
		if err := q.Validate(); err != nil {
			return nil, err
		}
		p, err := e.plan(ctx, &q)
		if err != nil {
			return nil, err
		}
		defer p.release()
		res := &Result{Query: q}
		p.eachIn(geo.Box(*q.BBox), p.f.bits(), func(o uint32) bool {
			if p.f.open != nil {
				if _, known := p.f.open.state(o); !known {
					res.UnknownHours++
				}
				if !p.f.open.pass(o) {
					return p.live()
				}
			}
			res.Total++
			add(match{o: o})
			return p.live()
		})
		if p.err != nil {
			return nil, fmt.Errorf("clusters stopped: %w", p.err)
		}
		return res, nil
	}
	res, matches, p, err := e.match(ctx, q, false)
	if err != nil {
		return nil, err
	}
	defer p.release()
	for i, m := range matches {
		if i&4095 == 0 && ctx.Err() != nil {
			return nil, fmt.Errorf("clusters stopped: %w", ctx.Err())
		}
		add(m)
	}
	return res, nil
}

// clusterAcc gathers the places of one cell.
type clusterAcc struct {
	sumLon, sumLat float64
	n              int
	b              [4]float64
	// first is the place a cell of one shows: its only one, so no other
	// is ever compared with it.
	first match
}

// addPlace counts the place m at lon, lat: once per match, so kept to
// additions and the built-in min and max (which, as math.Min and
// math.Max did, order -0 before +0).
func (a *clusterAcc) addPlace(lon, lat float64, m match) {
	if a.n == 0 {
		a.b, a.first = [4]float64{lon, lat, lon, lat}, m
	}
	a.sumLon += lon
	a.sumLat += lat
	a.n++
	a.b = [4]float64{min(a.b[0], lon), min(a.b[1], lat), max(a.b[2], lon), max(a.b[3], lat)}
}

// add counts the places of o, a cell merged into a's as the grid is
// coarsened: a holds places already, so no single place is shown.
func (a *clusterAcc) add(o *clusterAcc) {
	a.sumLon += o.sumLon
	a.sumLat += o.sumLat
	a.n += o.n
	a.b = [4]float64{min(a.b[0], o.b[0]), min(a.b[1], o.b[1]), max(a.b[2], o.b[2]), max(a.b[3], o.b[3])}
}

// floorDiv2 is k/2 rounded down, for negative keys too.
func floorDiv2(k int64) int64 { return k >> 1 }
