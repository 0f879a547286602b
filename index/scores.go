package index

// scoreSet holds one query's text scores by place number: a dense array
// stamped by use, so that setting or reading a score is an index rather
// than a map's hash and probe, and emptying it is one increment. A
// catalog lends them (Catalog.scoreSet), one per query at a time.
type scoreSet struct {
	gen   uint32
	stamp []uint32 // stamp[o] == gen: o has a score
	val   []float64
	keys  []uint32 // the places scored, in the order they were
}

func newScoreSet(n int) *scoreSet {
	return &scoreSet{gen: 1, stamp: make([]uint32, n), val: make([]float64, n)}
}

// reset empties the set.
func (s *scoreSet) reset() {
	s.keys = s.keys[:0]
	if s.gen++; s.gen == 0 {
		clear(s.stamp)
		s.gen = 1
	}
}

func (s *scoreSet) set(o uint32, v float64) {
	if s.stamp[o] != s.gen {
		s.stamp[o] = s.gen
		s.keys = append(s.keys, o)
	}
	s.val[o] = v
}

func (s *scoreSet) get(o uint32) (float64, bool) {
	if s.stamp[o] != s.gen {
		return 0, false
	}
	return s.val[o], true
}

func (s *scoreSet) has(o uint32) bool { return s.stamp[o] == s.gen }

func (s *scoreSet) len() int { return len(s.keys) }

// scoreSet lends an empty score set the size of the catalog; putScores
// takes it back.
func (c *Catalog) scoreSet() *scoreSet {
	if s, ok := c.scoreSets.Get().(*scoreSet); ok {
		s.reset()
		return s
	}
	return newScoreSet(c.Len())
}

func (c *Catalog) putScores(s *scoreSet) { c.scoreSets.Put(s) }
