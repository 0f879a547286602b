//go:build linux

package index

import (
	"path/filepath"
	"testing"
)

// TestFreeBytes: the file system of a directory says how much it has
// free; a path that does not exist says nothing.
func TestFreeBytes(t *testing.T) {
	dir := t.TempDir()
	if free := freeBytes(dir); free <= 0 {
		t.Errorf("freeBytes(%s) = %d", dir, free)
	}
	if free := freeBytes(filepath.Join(dir, "missing", "deeper")); free != -1 {
		t.Errorf("a missing directory: %d, want -1", free)
	}
}
