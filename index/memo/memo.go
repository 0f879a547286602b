// Package memo keeps what a pure function gives for short strings (the
// analysed terms of a word, the places a word may be a typo of), read
// without a lock by concurrent searches.
package memo

import (
	"strings"
	"sync"
	"sync/atomic"
)

// MaxKey is the longest key kept: a longer one is computed each time, so
// that the memory a memo holds stays bounded whatever strings it sees.
const MaxKey = 64

// Memo maps strings to values computed once. The zero value is empty and
// ready. It is bounded: once it holds about the limit given to Of (a key
// or so more per caller racing the start of a fresh map), it starts
// afresh, which costs one computation per key asked again.
type Memo[V any] struct {
	m atomic.Pointer[sync.Map] // key → V
	n atomic.Int64
}

// Of returns f(key), from the memo when it holds key, else computed and
// kept (keys up to MaxKey bytes, about limit keys). A key kept is a copy,
// so that it never holds a longer string it was cut from; a value kept
// is shared by every caller: f must return what no caller changes.
func (c *Memo[V]) Of(key string, limit int, f func(string) V) V {
	m := c.m.Load()
	if m != nil {
		if v, ok := m.Load(key); ok {
			return v.(V)
		}
	}
	v := f(key)
	if len(key) > MaxKey {
		return v
	}
	if m == nil || c.n.Load() >= int64(limit) {
		fresh := new(sync.Map)
		if c.m.CompareAndSwap(m, fresh) {
			c.n.Store(0)
		}
		m = c.m.Load()
	}
	if _, loaded := m.LoadOrStore(strings.Clone(key), v); !loaded {
		c.n.Add(1)
	}
	return v
}

// Len is about how many keys the memo holds.
func (c *Memo[V]) Len() int { return int(c.n.Load()) }
