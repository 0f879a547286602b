package query_test

import "testing"

// BenchmarkParse measures the free-text parser alone.
func BenchmarkParse(b *testing.B) {
	p := MustParser(b)
	for _, text := range []string{
		"fablab with 3D printing within 30 km of Rodez",
		"coworking près de Villefranche-de-Rouergue",
		"atelier bois",
	} {
		b.Run(text, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := p.Parse(text); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
