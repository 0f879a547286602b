package index

import (
	"fmt"
	"io"
	"os"
	"runtime"
	"sync"
)

// readWhole reads a file into memory as os.ReadFile does, faster for the
// hundreds of megabytes of an image: the buffer is asked for in huge
// pages where the system allows (hugepages_linux.go), and each core reads
// a share. Most of reading a file that is in the page cache is the
// faulting in of the fresh memory, at a cost per page that some virtual
// machines make ten times a native one.
func readWhole(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, err
	}
	size := fi.Size()
	if size == 0 || size != int64(int(size)) {
		return io.ReadAll(f) // empty, or not a regular file's size
	}
	buf := make([]byte, size)
	adviseHuge(buf)
	workers := int64(max(runtime.GOMAXPROCS(0), 1))
	chunk := (size + workers - 1) / workers
	errs := make([]error, workers)
	var wg sync.WaitGroup
	for w := range workers {
		lo, hi := min(w*chunk, size), min((w+1)*chunk, size)
		wg.Go(func() {
			if _, err := f.ReadAt(buf[lo:hi], lo); err != nil {
				errs[w] = fmt.Errorf("read %s: %w", path, err)
			}
		})
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	return buf, nil
}
