package index_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"testing/fstest"

	"github.com/tierslieux/tierslieux/index"
	"github.com/tierslieux/tierslieux/ingest"
	"github.com/tierslieux/tierslieux/ingest/synth"
)

var synthFiles sync.Map // "format/n" → []byte

// MustSynthFile returns n synthetic places written in format, made once.
func MustSynthFile(tb testing.TB, format string, n int) []byte {
	tb.Helper()
	key := fmt.Sprintf("%s/%d", format, n)
	if b, ok := synthFiles.Load(key); ok {
		return b.([]byte)
	}
	g := MustGazetteer(tb)
	var buf bytes.Buffer
	if err := synth.Write(&buf, format, synth.New(g, 1), n); err != nil {
		tb.Fatal(err)
	}
	synthFiles.Store(key, buf.Bytes())
	return buf.Bytes()
}

// MustIngest builds an index directory from a file held in memory.
func MustIngest(tb testing.TB, dir, name string, content []byte) *ingest.Report {
	tb.Helper()
	g := MustGazetteer(tb)
	b, err := index.NewBuilder(dir, g)
	if err != nil {
		tb.Fatal(err)
	}
	fsys := fstest.MapFS{name: {Data: content}}
	opts := ingest.Options{Converter: ingest.Converter{Gazetteer: g, Area: ingest.France}}
	rep, err := ingest.Run(context.Background(), fsys, []string{name}, opts, b.Add)
	if err != nil {
		b.Abort()
		tb.Fatal(err)
	}
	if err := b.Commit(rep); err != nil {
		tb.Fatal(err)
	}
	return rep
}

// BenchmarkIngest measures the whole pipeline, from file bytes to a
// committed index directory, in records per second.
func BenchmarkIngest(b *testing.B) {
	for _, format := range []string{ingest.FormatCSV, ingest.FormatGeoJSON, ingest.FormatNDJSON} {
		for _, n := range []int{100_000} {
			b.Run(fmt.Sprintf("%s/%d", format, n), func(b *testing.B) {
				content := MustSynthFile(b, format, n)
				b.ReportAllocs()
				b.ResetTimer()
				for i := 0; b.Loop(); i++ {
					MustIngest(b, filepath.Join(b.TempDir(), fmt.Sprint(i)), "places."+format, content)
				}
				b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "records/s")
			})
		}
	}
}

// BenchmarkOpen measures opening an index directory of 100,000 places
// (or the one TIERSLIEUX_BENCH_1M_INDEX names): reading the places and
// rebuilding the R-tree, the cells and the bitmaps.
func BenchmarkOpen(b *testing.B) {
	dir := os.Getenv("TIERSLIEUX_BENCH_1M_INDEX")
	if dir == "" {
		dir = b.TempDir()
		MustIngest(b, dir, "places.csv", MustSynthFile(b, ingest.FormatCSV, 100_000))
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		c, err := index.Open(dir, MustGazetteer(b))
		if err != nil {
			b.Fatal(err)
		}
		c.Geo() // the R-tree too, which Open leaves building: all an open costs
		c.Close()
	}
}
