package search_test

import (
	"fmt"
	"os"
	"testing"

	"github.com/tierslieux/tierslieux/cmd/internal/search"
)

func TestZZBuild(t *testing.T) {
	if os.Getenv("ZZB") == "" {
		t.Skip()
	}
	e := MustDemoEngine(t)
	for _, p := range []search.Params{
		{Dept: "99"}, {Dept: "2A"}, {Dept: "Corse-du-Sud"}, {Dept: "Toulouse"}, {Dept: "Occitanie"}, {Near: "43.6,1.44,3"}, {Near: "Aveyron"}, {Near: "Rodex"},
		{Near: "Occitanie"}, {Radius: "-5km", Near: "Rodez"}, {Radius: "30000km", Near: "Rodez"}, {Radius: "Inf", Near: "Rodez"}, {Radius: "NaN", Near: "Rodez"},
		{Polygon: `{"type":"Polygon","coordinates":[[[1,43],[2,43],[2,44],[1,44]]]}`},
		{Q: "the of"}, {Q: "   "}, {Near: "St Affrique"}, {Near: "paris"}, {Near: "Lyon"}, {Near: "12202"}, {Near: "12000"},
		{BBox: "170,-10,-170,10"}, {Types: []string{"Fab Lab", "makerspace"}},
	} {
		q, err := e.Build(p)
		fmt.Printf("%+v => %s | %v %#v\n", p, q.String(), err, err)
	}
}
