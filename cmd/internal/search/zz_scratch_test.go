package search_test

import (
	"bufio"
	"fmt"
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
	p := search.Parser{Gazetteer: g}
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
