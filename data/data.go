// Package data holds the files tierslieux ships inside its binary: the
// gazetteer of French communes and the demo set of places. It only embeds;
// the packages that read these files own their formats. See README.md in
// this directory for sources, licences and how to regenerate them.
package data

import "embed"

// FS holds gazetteer.tsv.gz and places.geojson.
//
//go:embed gazetteer.tsv.gz places.geojson
var FS embed.FS

// Names of the embedded files.
const (
	Gazetteer = "gazetteer.tsv.gz"
	Places    = "places.geojson"
)
