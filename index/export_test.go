package index

// Die stands for the death of an ingest's process in tests: the lock
// goes, the half-written build stays.
func (b *Builder) Die() { b.unlock() }

// DecodePlaces is decodePlaces, for tests.
var DecodePlaces = decodePlaces

// SetDecayBound turns the bound of decay scores on or off, and returns
// what restores it.
func SetDecayBound(on bool) (restore func()) {
	was := decayBound
	decayBound = on
	return func() { decayBound = was }
}
