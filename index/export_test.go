package index

// Die stands for the death of an ingest's process in tests: the lock
// goes, the half-written build stays.
func (b *Builder) Die() { b.unlock() }

// DecodePlaces is decodePlaces, for tests.
var DecodePlaces = decodePlaces
