package search_test

import (
	"bufio"
	"context"
	"fmt"
	"github.com/tierslieux/tierslieux/cmd/internal/catalog"
	"os"
	"testing"

	"github.com/tierslieux/tierslieux/cmd/internal/search"
	"github.com/tierslieux/tierslieux/geo/gazetteer"
)

func TestZZScratch(t *testing.T) {
	f := os.Getenv("SCRATCH")
	if f == "" {
		t.Skip()
	}
	g, err := gazetteer.Default()
	if err != nil {
		t.Fatal(err)
	}
	p := &MustDemoEngine(t).Parser
	_ = g
	fh, _ := os.Open(f)
	sc := bufio.NewScanner(fh)
	for sc.Scan() {
		q, err := p.Parse(sc.Text())
		if e, ok := search.AsError(err); ok {
			fmt.Printf("%-60q ERR %s %s %s %v\n", sc.Text(), e.Code, e.Param, e.Message, e.Suggestions)
			continue
		}
		fmt.Printf("%-60q %s\n", sc.Text(), q.String())
	}
}

func TestZZScratchSearch(t *testing.T) {
	f := os.Getenv("SCRATCHS")
	if f == "" {
		t.Skip()
	}
	g, err := gazetteer.Default()
	if err != nil {
		t.Fatal(err)
	}
	cat, err := catalog.Embedded(context.Background(), g)
	if err != nil {
		t.Fatal(err)
	}
	e := search.New(cat, g)
	fh, _ := os.Open(f)
	sc := bufio.NewScanner(fh)
	for sc.Scan() {
		q, err := e.Build(search.Params{Q: sc.Text(), Limit: "100"})
		var res *search.Result
		if err == nil {
			res, err = e.Search(context.Background(), q)
		}
		if err != nil {
			fmt.Printf("%q ERR %v\n", sc.Text(), err)
			continue
		}
		fmt.Printf("%q => %s total=%d\n", sc.Text(), res.Query.String(), res.Total)
		for _, h := range res.Hits {
			fmt.Printf("    %s %-45s %v %v %s(%s) %.1fkm %.3f\n", h.Place.ID, h.Place.Name, h.Place.Types, h.Place.Services, h.Place.Commune, h.Place.Dept, h.Meters/1000, h.Score)
		}
	}
}
