//go:build !linux

package index

// adviseHuge does nothing where huge pages are not asked for.
func adviseHuge([]byte) {}
