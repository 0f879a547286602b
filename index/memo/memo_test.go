package memo

import (
	"fmt"
	"strings"
	"sync"
	"testing"
)

// TestOf: a value is computed once while kept, long keys are computed
// each time, the memo starts afresh at its limit, and concurrent callers
// agree (run with -race).
func TestOf(t *testing.T) {
	var m Memo[string]
	calls := map[string]int{}
	var mu sync.Mutex
	f := func(k string) string {
		mu.Lock()
		calls[k]++
		mu.Unlock()
		return strings.ToUpper(k)
	}
	long := strings.Repeat("x", MaxKey+1)
	for range 3 {
		for _, k := range []string{"atelier", "", "é", long, strings.Repeat("y", MaxKey)} {
			if got := m.Of(k, 10, f); got != strings.ToUpper(k) {
				t.Fatalf("Of(%q) = %q", k, got)
			}
		}
	}
	for k, n := range calls {
		if want := map[bool]int{true: 3, false: 1}[k == long]; n != want {
			t.Errorf("%.10q computed %d times, want %d", k, n, want)
		}
	}
	if m.Len() != 4 {
		t.Errorf("%d keys kept, want 4", m.Len())
	}
	for i := range 25 {
		m.Of(fmt.Sprint(i), 10, f)
		if m.Len() > 10 {
			t.Fatalf("%d keys kept over a limit of 10", m.Len())
		}
	}
	// Started afresh: "atelier" is computed again, once.
	m.Of("atelier", 10, f)
	m.Of("atelier", 10, f)
	if calls["atelier"] != 2 {
		t.Errorf("atelier computed %d times after the memo started afresh, want 2", calls["atelier"])
	}
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 200 {
				k := fmt.Sprint((i + g) % 30)
				if got := m.Of(k, 16, f); got != k {
					t.Errorf("Of(%q) = %q", k, got)
				}
			}
		})
	}
	wg.Wait()
}
