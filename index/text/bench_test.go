package text_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/tierslieux/tierslieux/index/text"
)

// Vocabulary of the synthetic docs: what the labels, names and
// descriptions of real third places are made of.
var (
	benchTypes = []struct {
		weight   float64
		labels   string
		names    []string
		services []string
	}{
		{0.54, "Coworking | Coworking space", []string{"Coworking", "Espace de travail partagé", "Bureaux partagés", "Cowork"},
			[]string{"Poste nomade | Hot desk", "Poste résident | Dedicated desk", "Bureau privatif | Private office",
				"Salle de réunion | Meeting room", "Fibre | Fibre broadband", "Wi-Fi", "Visioconférence | Video conferencing",
				"Domiciliation | Business address", "Cuisine partagée | Shared kitchen", "Café associatif | Community café"}},
		{0.35, "Fablab | Fab lab", []string{"Fablab", "Atelier de fabrication", "Makerspace", "Labo"},
			[]string{"Impression 3D | 3D printing", "Découpe laser | Laser cutting", "Fraiseuse numérique | CNC milling",
				"Brodeuse numérique | Digital embroidery", "Découpe vinyle | Vinyl cutting", "Électronique | Electronics",
				"Studio son et vidéo | Audio and video studio"}},
		{0.11, "Médiation numérique | Digital inclusion", []string{"Espace numérique", "Point numérique", "Médiathèque numérique"},
			[]string{"Ateliers numériques | Digital skills workshops", "Aide aux démarches en ligne | Help with online procedures",
				"Accès libre à Internet | Public internet access", "Impression et scan | Printing and scanning"}},
	}
	benchNames = []string{"La Ruche", "La Fabrique", "Le Hangar", "La Grange", "L'Établi", "La Forge", "Le Labo",
		"La Station", "Le Relais", "L'Atelier", "La Cordée", "Le Quai", "La Filature", "Le Moulin", "La Coopérative"}
	benchCommunes = []struct{ name, dept string }{
		{"Toulouse", "Haute-Garonne"}, {"Montpellier", "Hérault"}, {"Nîmes", "Gard"}, {"Perpignan", "Pyrénées-Orientales"},
		{"Béziers", "Hérault"}, {"Montauban", "Tarn-et-Garonne"}, {"Narbonne", "Aude"}, {"Albi", "Tarn"},
		{"Carcassonne", "Aude"}, {"Sète", "Hérault"}, {"Castres", "Tarn"}, {"Alès", "Gard"}, {"Tarbes", "Hautes-Pyrénées"},
		{"Rodez", "Aveyron"}, {"Millau", "Aveyron"}, {"Cahors", "Lot"}, {"Auch", "Gers"}, {"Foix", "Ariège"},
		{"Mende", "Lozère"}, {"Lunel", "Hérault"}, {"Agde", "Hérault"}, {"Lourdes", "Hautes-Pyrénées"},
		{"Figeac", "Lot"}, {"Pamiers", "Ariège"}, {"Villefranche-de-Rouergue", "Aveyron"}, {"Muret", "Haute-Garonne"},
		{"Colomiers", "Haute-Garonne"}, {"Blagnac", "Haute-Garonne"}, {"Lodève", "Hérault"}, {"Saint-Gaudens", "Haute-Garonne"},
	}
	benchPhrases = []string{"ouvert à tous", "au cœur du village", "dans une ancienne gare", "accompagnement des porteurs de projets",
		"animations et formations", "espace convivial", "accueil des télétravailleurs", "ateliers pour les enfants",
		"ouvert le samedi", "réseau Tiers-Lieux Occitanie", "près de la médiathèque", "entre ville et campagne"}
)

// benchDocs returns n deterministic synthetic docs.
func benchDocs(n int) []text.Doc {
	r := rand.New(rand.NewPCG(1, 2))
	docs := make([]text.Doc, n)
	for i := range docs {
		x := r.Float64()
		t := benchTypes[len(benchTypes)-1]
		for _, bt := range benchTypes {
			if x < bt.weight {
				t = bt
				break
			}
			x -= bt.weight
		}
		// Weighted towards the first communes, as places are towards cities.
		c := benchCommunes[min(int(r.ExpFloat64()*6), len(benchCommunes)-1)]
		name := t.names[r.IntN(len(t.names))] + " de " + c.name
		if r.IntN(2) == 0 {
			name = benchNames[r.IntN(len(benchNames))] + " " + name
		}
		kw := []string{t.labels}
		var offered []string
		for _, s := range t.services {
			if r.IntN(3) == 0 {
				kw = append(kw, s)
				offered = append(offered, strings.ToLower(strings.SplitN(s, " | ", 2)[0]))
			}
		}
		desc := fmt.Sprintf("%s à %s, %s", t.names[0], c.name, benchPhrases[r.IntN(len(benchPhrases))])
		if len(offered) > 0 {
			desc += " : " + strings.Join(offered, ", ")
		}
		docs[i] = text.Doc{
			ID:          fmt.Sprintf("syn-%06d", i),
			Name:        name,
			Description: desc + ".",
			Keywords:    strings.Join(kw, " | "),
			Place:       c.name + " | " + c.dept + " | Occitanie",
		}
	}
	return docs
}

// MustBenchIndex returns an in-memory index of n synthetic docs, added in
// batches as the catalog does.
func MustBenchIndex(tb testing.TB, n int) *text.Index {
	tb.Helper()
	ix := MustIndex(tb)
	docs := benchDocs(n)
	for len(docs) > 0 {
		k := min(2000, len(docs))
		if err := ix.Add(docs[:k]); err != nil {
			tb.Fatal(err)
		}
		docs = docs[k:]
	}
	return ix
}

// BenchmarkSearch measures searches over 100,000 docs, built once outside
// the timer. Every search asks for the first 20 hits and counts all.
func BenchmarkSearch(b *testing.B) {
	const n = 100_000
	ix := MustBenchIndex(b, n)
	var only []string
	for i := 0; i < n; i += n / 500 {
		only = append(only, fmt.Sprintf("syn-%06d", i))
	}
	tests := []struct {
		name  string
		query string
		only  []string
	}{
		{"selective", "lodeve", nil},
		{"common", "coworking", nil},
		{"common two terms", "fablab toulouse", nil},
		{"restricted 500", "coworking", only},
	}
	ctx := context.Background()
	for _, tc := range tests {
		b.Run(tc.name, func(b *testing.B) {
			_, total, err := ix.Search(ctx, tc.query, tc.only, 20)
			if err != nil {
				b.Fatal(err)
			}
			if total == 0 {
				b.Fatalf("Search(%q) matches nothing", tc.query)
			}
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				if _, _, err := ix.Search(ctx, tc.query, tc.only, 20); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(total), "matches")
		})
	}
}
