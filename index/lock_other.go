//go:build !unix

package index

import (
	"fmt"
	"os"
	"path/filepath"
)

// lockDir opens the lock file; without flock, two ingests into one
// directory are not prevented on this system.
func lockDir(dir string) (*os.File, error) {
	f, err := os.OpenFile(filepath.Join(dir, "LOCK"), os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return nil, fmt.Errorf("lock %s: %w", dir, err)
	}
	return f, nil
}
