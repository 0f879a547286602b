// Package gazetteer resolves French place names, INSEE codes and postcodes
// to communes, départements and régions with a point, and points back to
// the nearest commune.
//
// Its data is INSEE's Code Officiel Géographique joined with GeoNames
// points (see data/README.md); Default loads the copy embedded in package
// data. It imports geo for its R-tree and data for the embedded file, and
// nothing else of this project.
package gazetteer
