// Package embedded loads the data the binary ships (package data) into
// the types that read it: the gazetteer, and the demo catalog. Only the
// commands import it; the generator of the gazetteer does not.
package embedded

import (
	"context"
	"sync"

	"github.com/tierslieux/tierslieux/data"
	"github.com/tierslieux/tierslieux/geo/gazetteer"
	"github.com/tierslieux/tierslieux/index"
)

// Gazetteer returns the embedded gazetteer, loaded once per process.
var Gazetteer = sync.OnceValues(func() (*gazetteer.Gazetteer, error) {
	return gazetteer.LoadFS(data.FS, data.Gazetteer)
})

// Catalog builds the demo catalog in memory, through the same ingest
// pipeline as any export. The caller closes it.
func Catalog(ctx context.Context, g *gazetteer.Gazetteer) (*index.Catalog, error) {
	return index.Load(ctx, data.FS, []string{data.Places}, g)
}
