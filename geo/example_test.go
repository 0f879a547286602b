package geo_test

import (
	"fmt"

	"github.com/tierslieux/tierslieux/geo"
)

// Four towns of Occitanie; which are within 80 km of Rodez?
func ExampleIndex_Within() {
	ix := geo.New()
	ix.Insert(1, 2.57338, 44.35258) // Rodez
	ix.Insert(2, 3.07848, 44.09973) // Millau
	ix.Insert(3, 2.1486, 43.9289)   // Albi
	ix.Insert(4, 1.4442, 43.6047)   // Toulouse

	for _, h := range ix.Within(2.57338, 44.35258, 80000) {
		fmt.Printf("%d %.1f km\n", h.ID, h.Meters/1000)
	}
	// Output:
	// 1 0.0 km
	// 2 49.1 km
	// 3 58.0 km
}

func ExampleParseDistance() {
	for _, s := range []string{"30km", "2,5 km", "30", "1.5mi", "-5km"} {
		m, err := geo.ParseDistance(s)
		if err != nil {
			fmt.Println(err)
			continue
		}
		fmt.Printf("%q = %g m = %s\n", s, m, geo.FormatDistance(m))
	}
	// Output:
	// "30km" = 30000 m = 30km
	// "2,5 km" = 2500 m = 2500m
	// "30" = 30000 m = 30km
	// "1.5mi" = 2414.016 m = 2414.016m
	// invalid distance: "-5km" is negative
}
