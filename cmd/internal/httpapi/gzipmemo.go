package httpapi

import (
	"encoding/binary"
	"hash/crc32"
	"hash/maphash"
	"sync"
	"sync/atomic"

	"github.com/klauspost/compress/flate"
)

// DefaultGzipMemo is the memory the compressed parts of answers may take
// (Options.GzipMemoBytes).
const DefaultGzipMemo = 32 << 20

// An answer is compressed as one gzip member whose deflate stream is
// made of parts, each ending on a byte: the parts that do not change
// between two runs of the same request (the whole answer but took_ms)
// are compressed on their own, so that their compressed bytes can be
// kept and sent again, and the bytes that change go as they are, in a
// stored block. A part compressed on its own finds no repeats in the
// parts before it; an answer has one or two, so next to nothing is
// lost. The checksum and the length are of the whole answer.
//
// Compressing is most of the CPU of a compressed answer (about a third
// of the server's, 0.05 ms for the 15 KB of twenty places), and a map
// asks for the same views again and again; a view asked once costs what
// it did.

// span is bytes of an answer that differ from one run of its request to
// the next (took_ms); the zero span is none.
type span struct{ from, to int }

// storedPart is the longest part sent as it is rather than compressed:
// below it a deflate block's tables cost more than they save.
const storedPart = 64

// gzipMemo keeps the compressed parts of answers, by their content, up
// to a budget of bytes. A part is kept the second time it is compressed
// (seen remembers the first), so that answers asked once do not push
// out the ones asked again; once the budget is spent it is emptied and
// fills again with what is asked from then on. A nil *gzipMemo keeps
// nothing and compresses every time.
type gzipMemo struct {
	budget int64
	seed   maphash.Seed

	mu   sync.RWMutex
	m    map[memoKey][]byte
	used int64

	seen  [seenBits / 64]atomic.Uint64
	marks atomic.Int64

	hits, misses, resets atomic.Int64
}

// memoKey names a part by a hash of the process's own seed, its CRC-32
// and its length: two parts of different bytes share one with a
// probability of about 2⁻⁹⁶, and no one who does not know the seed can
// aim at it. The CRC is the gzip trailer's, wanted anyway.
type memoKey struct {
	h   uint64
	crc uint32
	n   uint32
}

// seenBits is the size of the filter of parts seen once: two bits a
// part, cleared when seenMarks parts have been marked, so that at most
// a fifth of the bits are set and few parts pass for seen that were
// not (which only costs a part kept at its first sight).
const (
	seenBits  = 1 << 20
	seenMarks = seenBits / 10
)

// memoEntryCost is what an entry costs beyond its bytes: the map's slot
// and the slice header, about.
const memoEntryCost = 64

func newGzipMemo(budget int64) *gzipMemo {
	if budget <= 0 {
		return nil
	}
	return &gzipMemo{budget: budget, seed: maphash.MakeSeed(), m: map[memoKey][]byte{}}
}

// appendGzip appends to dst body compressed as one gzip member, the
// bytes of vol sent as they are.
func (g *gzipMemo) appendGzip(dst, body []byte, vol span) []byte {
	// RFC 1952: deflate, no flags, no time, no extra flags, OS unknown.
	dst = append(dst, 0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 255)
	if vol.from < 0 || vol.to > len(body) || vol.from > vol.to {
		vol = span{}
	}
	var crc uint32
	if vol.from == vol.to {
		dst, crc = g.appendPart(dst, body, crc, true)
	} else {
		dst, crc = g.appendPart(dst, body[:vol.from], crc, true)
		dst = appendStored(dst, body[vol.from:vol.to])
		crc = crc32.Update(crc, crc32.IEEETable, body[vol.from:vol.to])
		dst, crc = g.appendPart(dst, body[vol.to:], crc, false)
	}
	// The last block: stored, empty, final.
	dst = append(dst, 1, 0, 0, 0xff, 0xff)
	dst = binary.LittleEndian.AppendUint32(dst, crc)
	return binary.LittleEndian.AppendUint32(dst, uint32(len(body)))
}

// appendPart appends p's deflate blocks, ending on a byte and not final
// (kept ones copied, others compressed, and kept when seen before), and
// returns crc, the CRC-32 of the bytes before p, updated with p; first
// says no bytes come before p.
func (g *gzipMemo) appendPart(dst, p []byte, crc uint32, first bool) ([]byte, uint32) {
	if len(p) <= storedPart {
		return appendStored(dst, p), crc32.Update(crc, crc32.IEEETable, p)
	}
	if g == nil {
		return appendDeflate(dst, p), crc32.Update(crc, crc32.IEEETable, p)
	}
	own := crc32.ChecksumIEEE(p)
	if first {
		crc = own
	} else {
		crc = crc32.Update(crc, crc32.IEEETable, p) // a second pass, rare
	}
	k := memoKey{maphash.Bytes(g.seed, p), own, uint32(len(p))}
	g.mu.RLock()
	z, ok := g.m[k]
	g.mu.RUnlock()
	if ok {
		g.hits.Add(1)
		return append(dst, z...), crc
	}
	g.misses.Add(1)
	start := len(dst)
	dst = appendDeflate(dst, p)
	if g.seenBefore(k.h) {
		g.keep(k, dst[start:])
	}
	return dst, crc
}

// seenBefore reports whether the part hashed h was seen before, and
// marks it seen.
func (g *gzipMemo) seenBefore(h uint64) bool {
	b1, b2 := h%seenBits, (h>>32)%seenBits
	w1, w2 := &g.seen[b1/64], &g.seen[b2/64]
	m1, m2 := uint64(1)<<(b1%64), uint64(1)<<(b2%64)
	if w1.Load()&m1 != 0 && w2.Load()&m2 != 0 {
		return true
	}
	if g.marks.Add(1) > seenMarks {
		// Racing marks may be lost with the rest: they are seen again.
		g.marks.Store(0)
		for i := range g.seen {
			g.seen[i].Store(0)
		}
	}
	w1.Or(m1)
	w2.Or(m2)
	return false
}

// keep stores a copy of z as k's compressed bytes, emptying the memo
// first when they would take it past its budget.
func (g *gzipMemo) keep(k memoKey, z []byte) {
	cost := int64(len(z)) + memoEntryCost
	if cost > g.budget {
		return
	}
	z = append([]byte(nil), z...)
	g.mu.Lock()
	defer g.mu.Unlock()
	if _, ok := g.m[k]; ok {
		return
	}
	if g.used+cost > g.budget {
		clear(g.m)
		g.used = 0
		g.resets.Add(1)
	}
	g.m[k] = z
	g.used += cost
}

// stats returns the memo's lookups by outcome, its emptyings and the
// bytes it holds.
func (g *gzipMemo) stats() (hits, misses, resets, used int64) {
	if g == nil {
		return 0, 0, 0, 0
	}
	g.mu.RLock()
	used = g.used
	g.mu.RUnlock()
	return g.hits.Load(), g.misses.Load(), g.resets.Load(), used
}

// appendStored appends p as stored blocks, not final (RFC 1951 §3.2.4):
// the stream is on a byte when they start, and stays on one.
func appendStored(dst, p []byte) []byte {
	for len(p) > 0 {
		n := min(len(p), 0xffff)
		dst = append(dst, 0)
		dst = binary.LittleEndian.AppendUint16(dst, uint16(n))
		dst = binary.LittleEndian.AppendUint16(dst, ^uint16(n))
		dst = append(dst, p[:n]...)
		p = p[n:]
	}
	return dst
}

// appendDeflate appends p compressed at the fastest level, ending with a
// flush: the stream is then on a byte, no block final.
func appendDeflate(dst, p []byte) []byte {
	fw := deflaters.Get().(*deflater)
	fw.out = dst
	fw.w.Reset(fw)
	fw.w.Write(p) // an appender's writes do not fail
	fw.w.Flush()
	dst = fw.out
	fw.out = nil
	deflaters.Put(fw)
	return dst
}

// deflater is a compressor that appends to out.
type deflater struct {
	w   *flate.Writer
	out []byte
}

func (d *deflater) Write(p []byte) (int, error) {
	d.out = append(d.out, p...)
	return len(p), nil
}

var deflaters = sync.Pool{New: func() any {
	d := &deflater{}
	d.w, _ = flate.NewWriter(d, flate.BestSpeed) // a valid level: no error
	return d
}}
