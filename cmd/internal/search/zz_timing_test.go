package search_test

import (
	"github.com/tierslieux/tierslieux/cmd/internal/search"
	"os"
	"testing"
	"time"
)

func TestZZTiming(t *testing.T) {
	if os.Getenv("TIMING") == "" {
		t.Skip()
	}
	start := time.Now()
	MustDemoEngine(t)
	t.Log("demo", time.Since(start))
	start = time.Now()
	MustSynthEngine(t, 10000)
	t.Log("10k", time.Since(start))
}

func TestZZDemoFalse(t *testing.T) {
	if os.Getenv("TIMING") == "" {
		t.Skip()
	}
	e, _ := MustSynthEngine(t, 10000)
	f := false
	res := MustSearch(t, e, search.Query{Demo: &f, Limit: 100, Offset: 1400})
	t.Log(res.Total, len(res.Hits))
}
