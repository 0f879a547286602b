package index

import (
	"errors"
	"fmt"
)

// ErrLocked says that another ingest holds an index directory's lock:
// errors.Is finds it in what NewBuilder and Restore return, so a caller
// that can wait (the write API's tasks) tells it from a failure.
var ErrLocked = errors.New("index directory locked by another ingest")

// lockedError is ErrLocked naming the directory.
type lockedError struct{ dir string }

func (e lockedError) Error() string {
	return fmt.Sprintf("another ingest is building %s: wait for it to finish", e.dir)
}

func (lockedError) Is(target error) bool { return target == ErrLocked }
