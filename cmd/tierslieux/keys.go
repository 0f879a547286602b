package main

import (
	"fmt"
	"log/slog"

	"github.com/tierslieux/tierslieux/cmd/internal/httpapi"
)

// configureKeys reads -keys into the server's options.
func configureKeys(opts *httpapi.Options, cfg serveConfig, rl *reloader, log *slog.Logger) error {
	if cfg.Keys == "" {
		if cfg.RequireKey {
			return fmt.Errorf("-require-key needs -keys")
		}
		return nil
	}
	return fmt.Errorf("-keys: API keys are not available in this build")
}
