package httpapi

import (
	"context"

	"github.com/tierslieux/tierslieux/index"
)

// Admin carries out the write API's work on the index directory.
type Admin interface {
	// Reload loads the index directory's current build if it is not the
	// one served, and returns the version served after.
	Reload(ctx context.Context) (index.Version, error)
}

// adminRoutes registers the write API under /v1/admin/, when the server
// has keys.
func (s *Server) adminRoutes() {}
