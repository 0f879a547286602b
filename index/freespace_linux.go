package index

import "syscall"

// freeBytes is the space the file system holding path leaves to
// unprivileged writers, -1 when it cannot be told.
func freeBytes(path string) int64 {
	var st syscall.Statfs_t
	if err := syscall.Statfs(path, &st); err != nil {
		return -1
	}
	return int64(st.Bavail) * int64(st.Bsize)
}
