package index

import (
	"syscall"
	"unsafe"
)

// adviseHuge asks that the 2 MB-aligned part of b, not yet touched, be
// backed by huge pages: one fault per 2 MB instead of one per 4 kB. The
// advice is only that; an error changes nothing.
func adviseHuge(b []byte) {
	const huge = 2 << 20
	if len(b) < 2*huge {
		return
	}
	p := uintptr(unsafe.Pointer(unsafe.SliceData(b)))
	start := (p + huge - 1) &^ (huge - 1)
	end := (p + uintptr(len(b))) &^ (huge - 1)
	if end > start {
		_ = syscall.Madvise(b[start-p:end-p], syscall.MADV_HUGEPAGE)
	}
}
