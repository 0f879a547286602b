package text_test

import (
	"context"
	"fmt"

	"github.com/tierslieux/tierslieux/index/text"
)

func ExampleIndex_Search() {
	ix, err := text.NewMemOnly()
	if err != nil {
		panic(err)
	}
	defer ix.Close()
	err = ix.Add([]text.Doc{
		{ID: "tlo-1", Name: "Fablab de Béziers", Description: "Deux imprimantes 3D et une découpeuse laser.",
			Keywords: "Fablab | Fab lab | Impression 3D | 3D printing", Place: "Béziers | Hérault | Occitanie"},
		{ID: "tlo-2", Name: "L'Atelier du Causse", Description: "Coworking et imprimante 3D.",
			Keywords: "Coworking | Coworking space", Place: "Millau | Aveyron | Occitanie"},
		{ID: "tlo-3", Name: "La Grange", Description: "Médiation numérique près de Béziers.",
			Keywords: "Médiation numérique | Digital inclusion", Place: "Sérignan | Hérault | Occitanie"},
	})
	if err != nil {
		panic(err)
	}

	// No accents, an elision, a plural: every term must match, in any field.
	fmt.Println(ix.Terms("l'imprimante BEZIERS"))
	hits, total, err := ix.Search(context.Background(), "l'imprimante BEZIERS", nil, 10)
	if err != nil {
		panic(err)
	}
	fmt.Println(total, "match:", hits[0].ID)

	// A name match ranks first; limit cuts the list, not the total.
	hits, total, _ = ix.Search(context.Background(), "beziers", nil, 1)
	fmt.Println(total, "matches, best:", hits[0].ID)

	// Restricted to some IDs, say those a map shows.
	hits, total, _ = ix.Search(context.Background(), "imprimantes", []string{"tlo-2", "tlo-3"}, 0)
	fmt.Println(total, "match in view:", hits[0].ID)

	_, _, err = ix.Search(context.Background(), "le la les", nil, 10)
	fmt.Println(err)
	// Output:
	// [imprimant bezi]
	// 1 match: tlo-1
	// 2 matches, best: tlo-1
	// 1 match in view: tlo-2
	// no searchable terms
}
