package index

import (
	"math/bits"

	"github.com/tierslieux/tierslieux/geo"
)

// bitset is a fixed-size set of place ordinals: the in-memory index that
// answers type, service, département and région filters without Bleve.
type bitset []uint64

func newBitset(n int) bitset { return make(bitset, (n+63)/64) }

func (b bitset) set(i uint32)      { b[i>>6] |= 1 << (i & 63) }
func (b bitset) has(i uint32) bool { return b[i>>6]&(1<<(i&63)) != 0 }

func (b bitset) clone() bitset { return append(bitset(nil), b...) }

func (b bitset) and(o bitset) {
	for i := range b {
		b[i] &= o[i]
	}
}

func (b bitset) or(o bitset) {
	for i := range b {
		b[i] |= o[i]
	}
}

// intersects reports whether b and o share a member.
func (b bitset) intersects(o bitset) bool {
	for i := range min(len(b), len(o)) {
		if b[i]&o[i] != 0 {
			return true
		}
	}
	return false
}

// countAnd is the number of places in both b and o (of b's length).
func (b bitset) countAnd(o bitset) int {
	n := 0
	for i, w := range b {
		n += bits.OnesCount64(w & o[i])
	}
	return n
}

func (b bitset) count() int {
	n := 0
	for _, w := range b {
		n += bits.OnesCount64(w)
	}
	return n
}

// each calls fn for every ordinal in the set, in increasing order, until
// fn returns false.
func (b bitset) each(fn func(uint32) bool) {
	for wi, w := range b {
		for w != 0 {
			t := bits.TrailingZeros64(w)
			if !fn(uint32(wi<<6 + t)) {
				return
			}
			w &= w - 1
		}
	}
}

// not is the complement of b over n places: the bits past the last place
// stay clear, or counts would include them.
func (b bitset) not(n int) bitset {
	c := b.clone()
	for i := range c {
		c[i] = ^c[i]
	}
	if r := n % 64; r != 0 && len(c) > 0 {
		c[len(c)-1] &= 1<<r - 1
	}
	return c
}

// countRange counts the ordinals of [lo, hi) in the set: a whole word at
// a time, 64 places a popcount.
func (b bitset) countRange(lo, hi uint32) int {
	if lo >= hi {
		return 0
	}
	wl, wh := lo>>6, (hi-1)>>6
	first := b[wl] &^ (1<<(lo&63) - 1)
	if wl == wh {
		return bits.OnesCount64(first & lastMask(hi))
	}
	n := bits.OnesCount64(first)
	for _, w := range b[wl+1 : wh] {
		n += bits.OnesCount64(w)
	}
	return n + bits.OnesCount64(b[wh]&lastMask(hi))
}

// lastMask keeps the bits of hi's last word below hi.
func lastMask(hi uint32) uint64 {
	if r := hi & 63; r != 0 {
		return 1<<r - 1
	}
	return ^uint64(0)
}

// eachRange calls fn for every ordinal of the set in [lo, hi), in
// increasing order, until fn returns false; it reports whether fn never
// did.
func (b bitset) eachRange(lo, hi uint32, fn func(uint32) bool) bool {
	return allOf{b}.eachRange(lo, hi, fn)
}

// allOf is the places in every one of its bitsets, read a word at a time
// where asked: no bitset of the intersection is made, so a query over a
// small area costs its area, not a pass over the whole catalog.
type allOf []bitset

// countRange counts the places of [lo, hi) in every bitset.
func (a allOf) countRange(lo, hi uint32) int {
	n := 0
	for wi := lo >> 6; lo < hi && wi <= (hi-1)>>6; wi++ {
		n += bits.OnesCount64(a.word(wi, lo, hi))
	}
	return n
}

// word is word wi of the sets ANDed (every place when there are none),
// cut to [lo, hi).
func (a allOf) word(wi, lo, hi uint32) uint64 {
	w := ^uint64(0)
	for _, b := range a {
		w &= b[wi]
	}
	if wi == lo>>6 {
		w &^= 1<<(lo&63) - 1
	}
	if wi == (hi-1)>>6 {
		w &= lastMask(hi)
	}
	return w
}

// countIn counts the places of [lo, hi) in every bitset (every place
// when there are none) that lie in area, a word at a time.
func (a allOf) countIn(cells *geo.Cells, area geo.Area, lo, hi uint32) int {
	n := 0
	for wi := lo >> 6; lo < hi && wi <= (hi-1)>>6; wi++ {
		if w := a.word(wi, lo, hi); w != 0 {
			n += bits.OnesCount64(cells.Keep(area, int(wi<<6), w))
		}
	}
	return n
}

// eachIn calls fn for each place of [lo, hi) in every bitset (every
// place when there are none) that lies in area (every one for a nil
// area), in order, until fn returns false; it reports whether fn always
// returned true. The area tests a word of places at a time.
func (a allOf) eachIn(cells *geo.Cells, area geo.Area, lo, hi uint32, fn func(uint32) bool) bool {
	for wi := lo >> 6; lo < hi && wi <= (hi-1)>>6; wi++ {
		w := a.word(wi, lo, hi)
		if w != 0 && area != nil {
			w = cells.Keep(area, int(wi<<6), w)
		}
		for w != 0 {
			t := bits.TrailingZeros64(w)
			if !fn(wi<<6 + uint32(t)) {
				return false
			}
			w &= w - 1
		}
	}
	return true
}

// eachRange calls fn for each place of [lo, hi) in every bitset, in
// order, until fn returns false; it reports whether fn always returned
// true.
func (a allOf) eachRange(lo, hi uint32, fn func(uint32) bool) bool {
	return a.eachIn(nil, nil, lo, hi, fn)
}
