package main

import (
	"runtime"
	"runtime/debug"
	"testing"

	"github.com/tierslieux/tierslieux/cmd/internal/httpapi"
)

func TestGCPercent(t *testing.T) {
	for _, tc := range []struct {
		live uint64
		want int
	}{
		{0, serveGCPercent},        // nothing live: collect rarely
		{30 << 20, serveGCPercent}, // the demo catalog
		{99 << 20, 193},            // 100,000 places
		{192 << 20, 100},           // as much live as headroom
		{738 << 20, 26},            // 1,000,000 places
		{7 << 30, 25},              // ten million: the floor
		{1<<63 - 1 + 1<<63, 25},    // no overflow at the top
		{requestHeadroom / 4, serveGCPercent},
	} {
		if got := gcPercent(tc.live); got != tc.want {
			t.Errorf("gcPercent(%d MB) = %d, want %d", tc.live>>20, got, tc.want)
		}
	}
}

func TestTuneMemory(t *testing.T) {
	defer debug.SetGCPercent(debug.SetGCPercent(100))
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(-1))
	t.Setenv("GOMEMLIMIT", "")

	t.Run("default", func(t *testing.T) {
		t.Setenv("GOGC", "")
		limit, percent := tuneMemory(3<<30, true, 0)
		if limit != 3<<30 || debug.SetMemoryLimit(-1) != 3<<30 {
			t.Errorf("limit %d, runtime's %d; want the one given, %d", limit, debug.SetMemoryLimit(-1), int64(3<<30))
		}
		if got := debug.SetGCPercent(percent); got != percent || percent < 25 || percent > serveGCPercent {
			t.Errorf("GC percent returned %d, runtime's %d; want them equal, in [25, %d]", percent, got, serveGCPercent)
		}
		limit, _ = tuneMemory(0, true, 0)
		if limit <= requestHeadroom {
			t.Errorf("default limit %d: want the live heap's share above %d", limit, requestHeadroom)
		}
		// What the cache will keep raises the limit by as much, so the
		// collector is not held at the limit once it is full.
		const growth = 100 << 20
		if grown, _ := tuneMemory(0, true, growth); grown < limit+growth*9/10 || grown > limit+growth*11/10 {
			t.Errorf("limit %d with %d of growth; %d without", grown, int64(growth), limit)
		}
		debug.SetGCPercent(serveGCPercent)
		if _, percent := tuneMemory(0, false, 0); percent != serveGCPercent || debug.SetGCPercent(serveGCPercent) != serveGCPercent {
			t.Errorf("not yet serving: GC percent %d, want %d left", percent, serveGCPercent)
		}
	})
	t.Run("GOGC set", func(t *testing.T) {
		t.Setenv("GOGC", "77")
		debug.SetGCPercent(77)
		if _, percent := tuneMemory(3<<30, true, 0); percent != 77 || debug.SetGCPercent(77) != 77 {
			t.Errorf("GOGC=77: percent %d; want GOGC's left alone", percent)
		}
	})
}

// TestCacheGrowth: the room the cache may take is its budget, or less
// when every place of the catalog at its longest would fill less, plus
// its references; none without a cache. Whatever the catalog, it is at
// least what the cache can hold of it: a limit below what the cache
// fills would hold the collector at the limit.
func TestCacheGrowth(t *testing.T) {
	for _, tc := range []struct {
		mb, places int
		want       int64
	}{
		{256, 111, 111*httpapi.MaxRenderedPlace + 111*16}, // every place fits
		{256, 100_000, 256<<20 + 100_000*16},
		{256, 1_000_000, 256<<20 + 1_000_000*16},
		{0, 1_000_000, 0}, // no cache
		{1, 0, 0},
	} {
		got := cacheGrowth(tc.mb, tc.places)
		if got != tc.want {
			t.Errorf("cacheGrowth(%d MB, %d places) = %d, want %d", tc.mb, tc.places, got, tc.want)
		}
		if kept := min(int64(tc.mb)<<20, int64(tc.places)*httpapi.MaxRenderedPlace); got < kept {
			t.Errorf("cacheGrowth(%d MB, %d places) = %d, below the %d the cache can hold", tc.mb, tc.places, got, kept)
		}
	}
}

// TestServeGrowth: the memory limit leaves room for the compressed
// answers' memo when answers are compressed, and only then.
func TestServeGrowth(t *testing.T) {
	for _, tc := range []struct {
		cfg  serveConfig
		want int64
	}{
		{serveConfig{ResultCacheMB: 256, GzipMemoMB: 32, Compress: true}, cacheGrowth(256, 100_000) + 32<<20},
		{serveConfig{ResultCacheMB: 256, GzipMemoMB: 32}, cacheGrowth(256, 100_000)},
		{serveConfig{GzipMemoMB: 0, Compress: true}, 0},
	} {
		if got := serveGrowth(tc.cfg, 100_000); got != tc.want {
			t.Errorf("serveGrowth(%+v) = %d, want %d", tc.cfg, got, tc.want)
		}
	}
}

// TestRetarget: GOGC follows the live heap as it grows after ready (the
// cache filling), unless GOGC is set; liveHeap reads the runtime's.
func TestRetarget(t *testing.T) {
	defer debug.SetGCPercent(debug.SetGCPercent(100))
	t.Setenv("GOGC", "")
	for _, live := range []uint64{100 << 20, 170 << 20, 1 << 30, 10 << 20} {
		if got, want := retarget(live), gcPercent(live); got != want || debug.SetGCPercent(want) != want {
			t.Errorf("live %d MB: percent %d, want %d", live>>20, got, want)
		}
	}
	if gcPercent(170<<20) >= gcPercent(100<<20) {
		t.Errorf("a larger live heap keeps its percentage: the test does not test")
	}
	t.Setenv("GOGC", "77")
	debug.SetGCPercent(77)
	if got := retarget(1 << 30); got != 77 || debug.SetGCPercent(77) != 77 {
		t.Errorf("GOGC=77: percent %d, want GOGC's left", got)
	}
	runtime.GC()
	if liveHeap() == 0 {
		t.Errorf("no live heap read after a collection")
	}
}
