// Package geo owns geometry for tierslieux: great-circle distances in
// metres, distance strings such as "30km", and Index, an in-memory R-tree of
// points answering radius, bounding-box, polygon and k-nearest queries.
//
// It wraps github.com/tidwall/rtree and github.com/paulmach/orb so that no
// other package sees their types in a signature. It imports no other package
// of this project.
package geo
