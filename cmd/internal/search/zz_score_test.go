package search_test

import (
	"context"
	"os"
	"testing"
)

func TestZZScore(t *testing.T) {
	if os.Getenv("ZZS") == "" {
		t.Skip()
	}
	e := MustDemoEngine(t)
	ctx := context.Background()
	all, _, _ := e.Catalog().Text.Search(ctx, "atelier", nil, 0)
	ids := []string{}
	for _, h := range all {
		ids = append(ids, h.ID)
	}
	only, _, _ := e.Catalog().Text.Search(ctx, "atelier", ids, 0)
	m := map[string]float64{}
	for _, h := range only {
		m[h.ID] = h.Score
	}
	for _, h := range all[:5] {
		t.Logf("%s all=%v only=%v diff=%v", h.ID, h.Score, m[h.ID], m[h.ID]-h.Score)
	}
}
