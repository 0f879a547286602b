// Package geo owns geometry for tierslieux: great-circle distances in
// metres, distance strings such as "30km", and Index, an in-memory R-tree of
// points answering radius, bounding-box, polygon, corridor and k-nearest
// queries.
//
// Every query follows one rule: a cheap, conservative index narrows; an
// exact check confirms, so results equal a scan of every point.
//
//   - Radius: the R-tree box around the centre, then the haversine
//     (Distance). Each point's unit vector is stored beside it, so the
//     corners of the box are dropped by comparing squared chords, without
//     trigonometry; WithinChord reports the chord itself for callers that
//     only count or rank, and ChordToMeters converts the few they keep.
//   - Polygons: PreparePolygon builds, once per polygon, a grid whose cells
//     list the few edges near them, so a point test costs about the same
//     for 10 vertices or 10,000 (MaxPolygonVertices), with exactly the
//     answers of orb's planar.PolygonContains.
//   - Routes and corridors: a Route is a trip, either the great circle
//     between two points (StraightRoute) or a polyline the client has
//     (PolylineRoute, DecodePolyline for routing services' encoded
//     polylines). Route.Measure gives a place's detour and how far along
//     the route it lies; Index.Corridor finds the places within a detour,
//     narrowing with boxes proved to hold them.
//
// Long walks take a callback that stops them when it returns false
// (WithinFilter, WithinChord, InBoundFunc, InPolygonFunc, Corridor), so a
// caller can check its context every few hundred points.
//
// It wraps github.com/tidwall/rtree and github.com/paulmach/orb so that no
// other package sees their types in a signature. It imports no other package
// of this project.
package geo
