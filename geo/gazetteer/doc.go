// Package gazetteer resolves French place names, INSEE codes and postcodes
// to communes, départements and régions with a point, and points back to
// the nearest commune. It also owns Fold, the one text folding every
// package compares names and words with.
//
// Its data is INSEE's Code Officiel Géographique joined with GeoNames
// points (see data/README.md), in the file cmd/gengazetteer writes; the
// caller hands it over (LoadFS with package data's embedded copy), so the
// generator builds without its own output. It imports geo for its R-tree
// and nothing else of this project.
package gazetteer
