package httpapi

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"math/rand/v2"
	"strings"
	"testing"
)

// gunzipAll decodes one gzip member with the standard library, which
// checks the CRC-32 and the length of the trailer.
func gunzipAll(t testing.TB, z []byte) []byte {
	t.Helper()
	zr, err := gzip.NewReader(bytes.NewReader(z))
	if err != nil {
		t.Fatalf("not gzip: %v", err)
	}
	zr.Multistream(false)
	out, err := io.ReadAll(zr)
	if err != nil {
		t.Fatalf("gzip: %v", err)
	}
	return out
}

// answerLike is a search answer's shape: repeated keys and values, with
// took_ms at the end; it returns the body and took_ms's span.
func answerLike(rng *rand.Rand, places int) ([]byte, span) {
	var b strings.Builder
	b.WriteString(`{"query":{"text":"atelier","near":{"name":"Rodez"}},"total":42,"results":[`)
	for i := range places {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"id":"p-%d","name":"Atelier %d de Rodez","types":["fablab"],"lat":44.%05d,"lon":2.%05d,"distance_km":%.3f}`,
			rng.IntN(1e6), rng.IntN(1e4), rng.IntN(1e5), rng.IntN(1e5), rng.Float64()*30)
	}
	b.WriteString(`],"took_ms":`)
	from := b.Len()
	fmt.Fprintf(&b, "%.3f", rng.Float64()*5)
	to := b.Len()
	b.WriteString("}\n")
	return []byte(b.String()), span{from, to}
}

// TestAppendGzip: whatever the body and its changing bytes, the member
// decodes to the body, compressed afresh, kept, or copied from the memo
// with other changing bytes than when it was kept.
func TestAppendGzip(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	answer, took := answerLike(rng, 20)
	random := make([]byte, 100_000)
	for i := range random {
		random[i] = byte(rng.Uint32())
	}
	tests := []struct {
		name string
		body []byte
		vol  span
	}{
		{"empty", nil, span{}},
		{"short", []byte(`{"results":[]}`), span{}},
		{"answer", answer, took},
		{"answer, nothing changing", answer, span{}},
		{"changing at the start", answer, span{0, 40}},
		{"changing at the end", answer, span{len(answer) - 10, len(answer)}},
		{"changing in the middle", answer, span{300, 320}},
		{"all changing", answer, span{0, len(answer)}},
		{"span out of the body", answer, span{10, len(answer) + 1}},
		{"span backwards", answer, span{20, 10}},
		{"incompressible", random, span{50_000, 50_010}},
		{"changing part past a stored block", random, span{100, 100 + 70_000}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			for _, g := range []*gzipMemo{nil, newGzipMemo(1 << 20)} {
				body := bytes.Clone(tc.body)
				for round := range 4 {
					if v := tc.vol; v.from >= 0 && v.to <= len(body) && v.from < v.to {
						// Other changing bytes each round.
						for i := v.from; i < v.to; i++ {
							body[i] = '0' + byte(round+i)%10
						}
					}
					z := g.appendGzip([]byte("prefix kept"), body, tc.vol)
					if !bytes.HasPrefix(z, []byte("prefix kept")) {
						t.Fatalf("round %d: dst's bytes not kept", round)
					}
					if got := gunzipAll(t, z[len("prefix kept"):]); !bytes.Equal(got, body) {
						t.Fatalf("round %d (memo %v): decodes to %d bytes that differ from the %d of the body", round, g != nil, len(got), len(body))
					}
				}
				if hits, _, _, _ := g.stats(); g != nil && len(tc.body) > 4*storedPart && tc.vol != (span{0, len(tc.body)}) && hits == 0 {
					t.Errorf("asked four times, never copied from the memo")
				}
			}
		})
	}
}

// TestGzipMemoKeepsWhatIsAskedAgain: a part is kept the second time it
// is compressed, not the first, so that answers asked once leave the
// memo to the ones asked again; and the memo stays within its budget.
func TestGzipMemoKeepsWhatIsAskedAgain(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	g := newGzipMemo(1 << 20)
	const once = 5000
	for range once {
		body, vol := answerLike(rng, 3)
		g.appendGzip(nil, body, vol)
	}
	hits, misses, _, used := g.stats()
	if hits != 0 || misses != once {
		t.Fatalf("%d answers asked once: %d hits, %d misses", once, hits, misses)
	}
	// A false "seen" keeps a part at first sight; a few are allowed.
	if used > 5*(memoEntryCost+1024) {
		t.Errorf("%d answers asked once: %d bytes kept", once, used)
	}

	body, vol := answerLike(rng, 20)
	g.appendGzip(nil, body, vol)
	_, _, _, before := g.stats()
	g.appendGzip(nil, body, vol)
	_, _, _, after := g.stats()
	if after <= before {
		t.Errorf("an answer asked twice is not kept (%d bytes kept, then %d)", before, after)
	}
	g.appendGzip(nil, body, vol)
	if h, _, _, _ := g.stats(); h != 1 {
		t.Errorf("asked a third time: %d hits, want 1", h)
	}

	// A small budget: emptied as it fills, never past it.
	small := newGzipMemo(8 << 10)
	for range 200 {
		body, vol := answerLike(rng, 10)
		for range 2 {
			if got := gunzipAll(t, small.appendGzip(nil, body, vol)); !bytes.Equal(got, body) {
				t.Fatal("decodes to other bytes")
			}
		}
		if _, _, _, used := small.stats(); used > 8<<10 {
			t.Fatalf("%d bytes kept, over the budget of %d", used, 8<<10)
		}
	}
	if _, _, resets, _ := small.stats(); resets == 0 {
		t.Error("200 answers of 2 KB kept in 8 KB, never emptied")
	}
	if newGzipMemo(0) != nil || newGzipMemo(-1) != nil {
		t.Error("a memo without budget keeps something")
	}
}

// FuzzAppendGzip: any body, any span of changing bytes: the member
// decodes to the body, compressed afresh or copied from the memo.
func FuzzAppendGzip(f *testing.F) {
	body, vol := answerLike(rand.New(rand.NewPCG(5, 6)), 5)
	f.Add(body, vol.from, vol.to)
	f.Add([]byte("abc"), 0, 3)
	f.Add(bytes.Repeat([]byte("tiers-lieux "), 200), 100, 90)
	f.Fuzz(func(t *testing.T, body []byte, from, to int) {
		g := newGzipMemo(1 << 20)
		for range 3 {
			if got := gunzipAll(t, g.appendGzip(nil, body, span{from, to})); !bytes.Equal(got, body) {
				t.Fatalf("decodes to %q, want %q", got, body)
			}
		}
	})
}
