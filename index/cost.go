package index

import (
	"math"

	"github.com/tierslieux/tierslieux/geo"
)

// HeavyPolygonVertices is the size above which a polygon makes a query
// heavy: preparing it costs more than a typical query's whole run.
const HeavyPolygonVertices = 1000

// heavyClusterCells is the grid size above which clusters are heavy: a
// box holding far more cells than an answer may carry.
const heavyClusterCells = 16 * MaxClusters

// Heavy reports, before any work, whether a query is likely to cost far
// more than a typical one, so a server can keep such queries from
// crowding out the others: a polygon of more than HeavyPolygonVertices
// vertices, or clusters over far more cells than an answer may hold.
// zoom is the clusters' zoom, or -1 for a search. Words are not: a term
// not yet cached costs a few milliseconds to read even when every place
// holds it, once however many queries ask for it at the same time.
func (e *Engine) Heavy(q Query, zoom int) bool {
	if q.Polygon.Vertices() > HeavyPolygonVertices {
		return true
	}
	if zoom >= 0 && q.BBox != nil && clusterCells(*q.BBox, zoom) > heavyClusterCells {
		return true
	}
	return false
}

// clusterCells is how many cluster cells a box spans at a zoom.
func clusterCells(b geo.Bound, zoom int) float64 {
	cell := clusterPixels * 360 / (256 * math.Exp2(float64(zoom)))
	w := b.MaxLon - b.MinLon
	if w < 0 {
		w += 360 // across the antimeridian
	}
	return math.Ceil(w/cell) * math.Ceil((b.MaxLat-b.MinLat)/cell)
}
