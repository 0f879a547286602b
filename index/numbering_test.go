package index_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/tierslieux/tierslieux/index"
	"github.com/tierslieux/tierslieux/index/indextest"
)

// TestNumberingWaitIsBounded: a text search that comes while the text
// index is being numbered (the first seconds of a large catalog) waits
// only as long as its context allows, and the numbering goes on for the
// next one; closing the catalog meanwhile ends it.
func TestNumberingWaitIsBounded(t *testing.T) {
	g := indextest.Gazetteer(t)
	places := indextest.SynthPlaces(t, 20_000)
	cat, err := index.NewMem(places, g)
	if err != nil {
		t.Fatal(err)
	}
	e := index.NewEngine(cat)
	gone, cancel := context.WithCancel(context.Background())
	cancel()
	start := time.Now()
	if _, err := e.Search(gone, index.Query{Text: "atelier"}); !errors.Is(err, context.Canceled) {
		t.Fatalf("a search whose client left: %v, want context.Canceled", err)
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("a search whose client left took %v", d)
	}
	res, err := e.Search(context.Background(), index.Query{Text: "atelier"})
	if err != nil || res.Total == 0 {
		t.Fatalf("the next search: %v, %d results", err, res.Total)
	}
	if err := cat.Close(); err != nil {
		t.Fatal(err)
	}

	// Closed while its numbering is being made: Close waits for the
	// making to stop, and later searches say the catalog is closed.
	cat2, err := index.NewMem(places, g)
	if err != nil {
		t.Fatal(err)
	}
	go cat2.PrepareText(context.Background())
	if err := cat2.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := index.NewEngine(cat2).Search(context.Background(), index.Query{Text: "atelier"}); !errors.Is(err, index.ErrStorage) {
		t.Errorf("a search on a closed catalog: %v, want ErrStorage", err)
	}
}
