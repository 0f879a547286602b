package httpapi

import (
	"bytes"
	"context"
	"math"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/text/language"

	"github.com/tierslieux/tierslieux/cmd/internal/query"
	"github.com/tierslieux/tierslieux/index"
	"github.com/tierslieux/tierslieux/index/indextest"
)

// demoSearches are searches of every shape on the demo data.
type demoSearches struct {
	eng     *index.Engine
	queries []index.Query
	places  int // in the catalog
}

func newDemoSearches(tb testing.TB) demoSearches {
	tb.Helper()
	cat := indextest.Demo(tb)
	lang := query.New(indextest.Gazetteer(tb), cat)
	d := demoSearches{eng: index.NewEngine(cat), places: cat.Len()}
	now := time.Date(2026, 6, 3, 10, 0, 0, 0, time.UTC)
	for _, p := range demoParams {
		q, err := lang.Build(p)
		if err != nil {
			tb.Fatalf("%+v: %v", p, err)
		}
		q.Now = now
		d.queries = append(d.queries, q)
	}
	return d
}

// bodies runs the searches, Sparse or not, and writes their answers'
// bodies with cache; doc, when set, renumbers the hits.
func (d demoSearches) bodies(tb testing.TB, cache *resultCache, sparse bool, doc func(uint32) uint32) []searchResponse {
	tb.Helper()
	var out []searchResponse
	for _, q := range d.queries {
		q.Sparse = sparse
		res, err := d.eng.Search(context.Background(), q)
		if err != nil {
			tb.Fatal(err)
		}
		tb.Cleanup(res.Release)
		if doc != nil {
			for i := range res.Hits {
				res.Hits[i].Doc = doc(res.Hits[i].Doc)
			}
		}
		b := (&Server{}).searchBody(res, language.French, cache)
		b.TookMS = 0
		out = append(out, b)
	}
	return out
}

// answers writes each body as JSON and as GeoJSON.
func answers(tb testing.TB, bodies []searchResponse) [][]byte {
	tb.Helper()
	var out [][]byte
	for i := range bodies {
		b, err := bodies[i].appendJSON(nil)
		if err != nil {
			tb.Fatal(err)
		}
		g := geoJSONBody(bodies[i])
		gb, err := g.appendJSON(nil)
		if err != nil {
			tb.Fatal(err)
		}
		out = append(out, b, gb)
	}
	return out
}

// TestResultCacheAnswers: answers of Sparse searches written from
// rendered places are byte for byte those of whole places written field
// by field, whether the places were asked once (not kept), just kept,
// found kept, or the cache was emptied on the way, or its slots hold
// other places; and the budget is kept.
func TestResultCacheAnswers(t *testing.T) {
	d := newDemoSearches(t)
	whole := d.bodies(t, nil, false, nil)
	want := answers(t, whole)
	results := 0
	for _, b := range whole {
		results += len(b.Results)
	}
	if results < 150 {
		t.Fatalf("%d results in all: too few to test with", results)
	}
	for _, tc := range []struct {
		name   string
		budget int64
		chunk  int
		resets bool // the budget cannot hold the places asked
		// doc, when set, numbers every hit wrongly: a slot holds
		// another place, or none exists.
		doc func(uint32) uint32
	}{
		{"roomy", DefaultResultCache, maxChunkSize, false, nil},
		{"a few places", 4 << 10, 1 << 10, true, nil},
		{"less than one place", 100, 100, false, nil},
		{"numbers shifted", DefaultResultCache, maxChunkSize, false, func(d uint32) uint32 { return (d + 1) % 7 }},
		{"numbers past the catalog", DefaultResultCache, maxChunkSize, false, func(doc uint32) uint32 { return doc + uint32(d.places) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := newChunkedCache(tc.budget, d.places, tc.chunk)
			const rounds = 3
			for round := range rounds {
				bodies := d.bodies(t, c, true, tc.doc)
				for i, got := range answers(t, bodies) {
					if !bytes.Equal(got, want[i]) {
						t.Fatalf("round %d, answer %d:\n got %s\nwant %s", round, i, got, want[i])
					}
				}
				if round == rounds-1 && tc.name == "roomy" {
					// Asked a third time, every place is found kept.
					for i, b := range bodies {
						for j, r := range b.Results {
							if !r.pre.ok() {
								t.Errorf("round %d, answer %d, result %d (%s): not kept", round, i, j, r.ID)
							}
						}
					}
				}
			}
			hits, misses, resets, used := c.stats()
			if hits+misses != int64(rounds*results) {
				t.Errorf("hits %d + misses %d, want %d lookups", hits, misses, rounds*results)
			}
			if used > max(tc.budget, int64(tc.chunk)) {
				t.Errorf("%d bytes of chunks, over the budget of %d", used, tc.budget)
			}
			if (resets > 0) != tc.resets {
				t.Errorf("%d resets, want some: %v", resets, tc.resets)
			}
			switch tc.name {
			case "roomy":
				if hits < int64(results) || misses > int64(2*results) {
					t.Errorf("%d hits, %d misses over %d rounds of %d results", hits, misses, rounds, results)
				}
			case "less than one place", "numbers past the catalog":
				if hits != 0 || used != 0 {
					t.Errorf("%d hits, %d bytes kept, with room for no place", hits, used)
				}
			}
		})
	}
}

// TestResultCacheAdmits: a place is kept the second time it is missed,
// not the first; and once the cache is emptied, asked twice again.
func TestResultCacheAdmits(t *testing.T) {
	d := newDemoSearches(t)
	d.queries = d.queries[:1]
	c := newResultCache(DefaultResultCache, d.places)
	rendered := func() (n int) {
		for _, b := range d.bodies(t, c, true, nil) {
			for _, r := range b.Results {
				if r.pre.ok() {
					n++
				}
			}
		}
		return n
	}
	results := len(d.bodies(t, nil, false, nil)[0].Results)
	// Written field by field, then rendered and kept, then found.
	for round, name := range []string{"first", "emptied"} {
		for i, want := range [][2]int{{0, 0}, {results, 0}, {results, results}} {
			before, _, _, _ := c.stats()
			if got := rendered(); got != want[0] {
				t.Errorf("%s, search %d: %d of %d results rendered, want %d", name, i+1, got, results, want[0])
			}
			hits, _, _, used := c.stats()
			if int(hits-before) != want[1] || (used == 0) != (i == 0) {
				t.Errorf("%s, search %d: %d found kept, want %d; %d bytes kept", name, i+1, hits-before, want[1], used)
			}
		}
		if round == 0 {
			// Emptied: the places start again from being asked once.
			c.gen.Store(newCacheGen(d.places, c.chunks))
		}
	}
}

// TestResultCacheOff: a budget of nothing keeps nothing, and the results
// are written field by field.
func TestResultCacheOff(t *testing.T) {
	d := newDemoSearches(t)
	c := newResultCache(-1, d.places)
	if c != nil {
		t.Fatalf("a negative budget gave a cache")
	}
	for _, b := range d.bodies(t, c, false, nil) {
		for _, r := range b.Results {
			if r.pre.ok() {
				t.Fatalf("%s rendered without a cache", r.ID)
			}
		}
	}
}

// TestResultCacheConcurrent: requests rendering at once, under a budget
// that keeps emptying the cache, still write the right answers (run with
// -race).
func TestResultCacheConcurrent(t *testing.T) {
	d := newDemoSearches(t)
	want := answers(t, d.bodies(t, nil, false, nil))
	c := newChunkedCache(16<<10, d.places, 2<<10)
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for range 20 {
				for i, got := range answers(t, d.bodies(t, c, true, nil)) {
					if !bytes.Equal(got, want[i]) {
						t.Errorf("answer %d differs", i)
						return
					}
				}
			}
		})
	}
	wg.Wait()
	if _, _, resets, _ := c.stats(); resets == 0 {
		t.Errorf("never emptied: the test does not reach the budget")
	}
}

// TestPackRef: a reference gives back its chunk, offset, length and
// middle, at their limits too, and is never 0 (none) nor neverRef.
func TestPackRef(t *testing.T) {
	for _, v := range [][4]int{{0, 0, 1, 0}, {3, 12345, 700, 321}, {maxChunks - 1, maxChunkSize - maxEntry, maxEntry, maxEntry},
		{maxChunks - 1, maxChunkSize - 1, 1, 1}, {0, 1, maxEntry, 0}} {
		ref := packRef(v[0], v[1], v[2], v[3])
		chunk, off, n, mid := unpackRef(ref)
		if got := [4]int{chunk, off, n, mid}; got != v {
			t.Errorf("packed %v, unpacked %v", v, got)
		}
		if ref == 0 || ref == neverRef {
			t.Errorf("%v packs to %#x, which is none or never", v, ref)
		}
	}
}

// TestResultCacheOdd: a place whose ID JSON escapes, or too long for a
// chunk or for a reference, is written field by field every time, never
// kept, and once known as such not rendered for nothing again; the
// places kept beside it are unharmed.
func TestResultCacheOdd(t *testing.T) {
	plain := resultJSON{ID: "plain", Name: "Un lieu", Types: []string{}, Services: []string{}, doc: 0}
	for _, tc := range []struct {
		name  string
		chunk int
		r     resultJSON
	}{
		{"escaped ID", maxChunkSize, resultJSON{ID: `a"b`, Name: "Guillemets", Types: []string{}, Services: []string{}, doc: 1}},
		{"longer than a chunk", 1 << 10, resultJSON{ID: "long", Name: strings.Repeat("x", 2<<10), Types: []string{}, Services: []string{}, doc: 2}},
		// Past 16 KB the length would spill into the offset.
		{"longer than a reference", maxChunkSize, resultJSON{ID: "huge", Name: strings.Repeat("é", 10<<10), Types: []string{}, Services: []string{}, doc: 3}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := newChunkedCache(4<<20, 4, tc.chunk)
			// A short place first, so that the odd one would start at an
			// odd offset.
			short := plain
			short.Name = "Un lieu!"
			c.keep(&short)
			if p := c.keep(&short); !p.ok() {
				t.Fatalf("the short place is not kept")
			}
			r := tc.r
			want := r.appendJSON(nil)
			for range 3 {
				if p := c.keep(&r); p.ok() {
					t.Fatalf("%.20s kept", r.ID)
				}
				if p := c.lookup(r.doc, r.ID); p.ok() {
					t.Fatalf("%.20s found", r.ID)
				}
			}
			if got := r.appendJSON(nil); !bytes.Equal(got, want) {
				t.Errorf("got %.100s, want %.100s", got, want)
			}
			if ref := c.gen.Load().refs[r.doc].Load(); ref != neverRef {
				t.Errorf("reference %#x, want it marked never kept", ref)
			}
			if p := c.lookup(short.doc, short.ID); !p.ok() || !bytes.Equal(append(append(p.head(), ","...), p.tail()...), append(append(short.appendHead(nil), ","...), short.appendTail(nil)...)) {
				t.Errorf("the short place kept beside it is not intact")
			}
		})
	}
}

// TestResultCacheBudget: budgets are whole chunks, clamped to what the
// references address, and none is no cache.
func TestResultCacheBudget(t *testing.T) {
	for _, tc := range []struct {
		budget int64
		chunks int // 0: no cache
	}{
		{-1, 0}, {0, 0}, {1, 1}, {maxChunkSize, 1}, {maxChunkSize + 1, 2}, {DefaultResultCache, 256},
		{MaxResultCache, maxChunks}, {MaxResultCache + 1, maxChunks}, {math.MaxInt64, maxChunks},
	} {
		got := 0
		if c := newResultCache(tc.budget, 10); c != nil {
			got = c.chunks
		}
		if got != tc.chunks {
			t.Errorf("budget %d: %d chunks, want %d", tc.budget, got, tc.chunks)
		}
	}
}

// TestResultCacheWarm: warming a page reads the references of its hits
// and every cache line of the places kept, skips the rest (none kept,
// never kept, numbers beyond the catalog) without harm, and leaves what
// lookup finds as it was.
func TestResultCacheWarm(t *testing.T) {
	var nilCache *resultCache
	if got := nilCache.warm([]index.Hit{{Doc: 3}}); got != 0 {
		t.Errorf("a cache that keeps nothing warmed to %d", got)
	}
	c := newChunkedCache(4<<20, 8, maxChunkSize)
	long := resultJSON{ID: "long", Name: strings.Repeat("abcdefgh", 40), Types: []string{}, Services: []string{}, doc: 5}
	short := resultJSON{ID: "short", Name: "Un lieu", Types: []string{}, Services: []string{}, doc: 2}
	odd := resultJSON{ID: `a"b`, Name: "Guillemets", Types: []string{}, Services: []string{}, doc: 6}
	once := resultJSON{ID: "once", Name: "Une fois", Types: []string{}, Services: []string{}, doc: 1}
	for _, r := range []*resultJSON{&long, &short, &odd, &long, &short, &odd, &once} {
		c.keep(r)
	}
	hits := []index.Hit{{Doc: 5}, {Doc: 2}, {Doc: 6}, {Doc: 1}, {Doc: 0}, {Doc: 8}, {Doc: math.MaxUint32}, {Doc: 5}}
	ids := map[uint32]string{5: "long", 2: "short", 6: `a"b`, 1: "once"}
	// The references' low bytes, then a byte of every cache line of the
	// places kept (the long one spans several), read through lookup.
	var want byte
	g := c.gen.Load()
	for _, h := range hits {
		if int(h.Doc) < len(g.refs) {
			want += byte(g.refs[h.Doc].Load())
		}
	}
	for _, h := range hits {
		p := c.lookup(h.Doc, ids[h.Doc])
		for j := 0; j < len(p.b); j += 64 {
			want += p.b[j]
		}
	}
	before := c.lookup(5, "long")
	if len(before.b) <= 2*64 || !c.lookup(2, "short").ok() {
		t.Fatalf("the long place (%d bytes) should be kept over several cache lines, and the short one kept", len(before.b))
	}
	if got := c.warm(hits); got != want {
		t.Errorf("warm read %d, want %d", got, want)
	}
	if after := c.lookup(5, "long"); !bytes.Equal(after.b, before.b) || after.mid != before.mid {
		t.Errorf("warm changed what lookup finds")
	}
	// A place never kept, marked so before any chunk exists, is skipped.
	fresh := newChunkedCache(4<<20, 8, maxChunkSize)
	fresh.keep(&odd)
	fresh.keep(&odd)
	if fresh.gen.Load().refs[odd.doc].Load() != neverRef {
		t.Fatalf("the place with an escaped ID is not marked never kept")
	}
	if got := fresh.warm([]index.Hit{{Doc: odd.doc}}); got != byte(neverRef) {
		t.Errorf("warm of a place never kept read %d, want its reference's low byte %d", got, byte(neverRef))
	}
}
