// Package synth generates deterministic synthetic places across France
// for benchmarks and scale tests: drawn around real communes weighted by
// population, with the real vocabulary, and names that say they are
// synthetic. The same seed and count always give the same places.
package synth

import (
	"fmt"
	"math"
	"math/rand/v2"
	"sort"

	"github.com/tierslieux/tierslieux/geo/gazetteer"
	"github.com/tierslieux/tierslieux/ingest"
)

// Generator draws synthetic places.
type Generator struct {
	rng      *rand.Rand
	seed     uint64
	communes []*gazetteer.Commune
	cumPop   []float64 // cumulative population, for weighted draws
	n        int
}

// New returns a generator seeded with seed over the gazetteer's current
// communes that have a town-centre point.
func New(g *gazetteer.Gazetteer, seed uint64) *Generator {
	gen := &Generator{rng: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)), seed: seed}
	all := g.Communes()
	total := 0.0
	for i := range all {
		c := &all[i]
		if c.Status != gazetteer.Current || !c.HasPoint() || c.Approximate() || c.Population <= 0 {
			continue
		}
		// Square-root weighting: big cities get more places, but rural
		// France is not empty, as in the real network.
		total += math.Sqrt(float64(c.Population))
		gen.communes = append(gen.communes, c)
		gen.cumPop = append(gen.cumPop, total)
	}
	return gen
}

var typeWeights = []struct {
	id     string
	weight float64
	names  []string
}{
	{"coworking", 0.54, []string{"Coworking", "Espace de travail partagé", "Bureaux partagés", "Cowork"}},
	{"fablab", 0.35, []string{"Fablab", "Atelier de fabrication", "Makerspace", "Labo"}},
	{"mediation-numerique", 0.11, []string{"Espace numérique", "Point numérique", "Médiathèque numérique"}},
}

var servicesByType = map[string][]string{
	"coworking":           {"poste-nomade", "poste-resident", "bureau-privatif", "salle-de-reunion", "fibre", "wifi", "visioconference", "domiciliation", "impression-papier", "cuisine", "cafe"},
	"fablab":              {"impression-3d", "decoupe-laser", "fraiseuse-numerique", "brodeuse-numerique", "decoupe-vinyle", "electronique", "studio", "wifi"},
	"mediation-numerique": {"ateliers-numeriques", "aide-demarches", "acces-internet", "impression-papier", "wifi", "visioconference"},
}

var common = []string{"accessible-pmr", "parking", "local-velo", "cafe"}

var hours = []string{"Mo-Fr 09:00-18:00", "Mo-Fr 08:30-19:00; Sa 09:00-12:00", "Tu-Sa 10:00-18:00", "Mo,We,Fr 14:00-18:00", "Mo-Su 07:00-22:00"}

// Next returns the next synthetic place. IDs are "syn-" and a sequence
// number; names start with "Synthétique".
func (gen *Generator) Next() ingest.Place {
	gen.n++
	r := gen.rng
	c := gen.communes[sort.SearchFloat64s(gen.cumPop, r.Float64()*gen.cumPop[len(gen.cumPop)-1])]
	x := r.Float64()
	t := typeWeights[len(typeWeights)-1]
	for _, tw := range typeWeights {
		if x < tw.weight {
			t = tw
			break
		}
		x -= tw.weight
	}
	types := []string{t.id}
	if r.IntN(6) == 0 {
		other := typeWeights[r.IntN(len(typeWeights))].id
		if other != t.id {
			types = append(types, other)
		}
	}
	var services []string
	pool := servicesByType[t.id]
	for _, i := range r.Perm(len(pool))[:2+r.IntN(min(5, len(pool)-1))] {
		services = append(services, pool[i])
	}
	for _, s := range common {
		if r.IntN(3) == 0 && !contains(services, s) {
			services = append(services, s)
		}
	}
	// Within a few kilometres of the town centre, further in the country.
	spread := 400 + 6000/math.Sqrt(1+float64(c.Population)/2000)
	var lon, lat float64
	for try := 0; ; try++ {
		d := math.Abs(r.NormFloat64()) * spread
		bearing := r.Float64() * 2 * math.Pi
		lat = c.Lat + d*math.Cos(bearing)/111195
		lon = c.Lon + d*math.Sin(bearing)/(111195*math.Cos(c.Lat*math.Pi/180))
		// A border town's spread may cross out of France: draw again, and
		// after a few tries stand at the town centre.
		if ingest.France.Contains(lon, lat) {
			break
		}
		if try == 8 {
			lon, lat = c.Lon, c.Lat
			break
		}
	}
	label := t.names[r.IntN(len(t.names))]
	return ingest.Place{
		ID:           fmt.Sprintf("syn-%07d", gen.n),
		Name:         fmt.Sprintf("Synthétique %s %d de %s", label, gen.n, c.Name),
		Types:        types,
		Services:     services,
		Description:  fmt.Sprintf("Lieu synthétique généré pour les tests : %s à %s, avec %d services.", label, c.Name, len(services)),
		Address:      fmt.Sprintf("%d rue de l'Exemple", 1+r.IntN(120)),
		Postcode:     first(c.Postcodes),
		Commune:      c.Name,
		INSEE:        c.INSEE,
		Dept:         c.Dept,
		Region:       c.Region,
		Lon:          math.Round(lon*1e5) / 1e5,
		Lat:          math.Round(lat*1e5) / 1e5,
		Precision:    ingest.PrecisionAddress,
		Website:      fmt.Sprintf("https://syn-%07d.example.org", gen.n),
		OpeningHours: hours[r.IntN(len(hours))],
		LabelYear:    2018 + r.IntN(8),
		Demo:         true,
	}
}

// Places returns the next n places.
func (gen *Generator) Places(n int) []ingest.Place {
	out := make([]ingest.Place, n)
	for i := range out {
		out[i] = gen.Next()
	}
	return out
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

func first(s []string) string {
	if len(s) == 0 {
		return ""
	}
	return s[0]
}
