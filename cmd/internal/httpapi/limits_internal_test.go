package httpapi

import (
	"runtime"
	"testing"
)

// TestLimitsGiveBack: what a search takes from its lane, light or heavy,
// its release gives back to that lane: after many searches in both,
// each lane still holds every slot.
func TestLimitsGiveBack(t *testing.T) {
	l := newLimits(Options{MaxInFlight: 3, HeavyPerSecond: 1000})
	for i := range 40 {
		heavy := i%3 == 0
		release, err := l.acquire(t.Context(), heavy)
		if err != nil {
			t.Fatalf("search %d (heavy %v): %v", i, heavy, err)
		}
		release()
	}
	if !l.light.TryAcquire(3) {
		t.Error("the light lane lost slots")
	}
	if heavy := int64(max(1, runtime.GOMAXPROCS(0)/2)); !l.heavy.TryAcquire(heavy) {
		t.Errorf("the heavy lane lost slots (of %d)", heavy)
	}
}
