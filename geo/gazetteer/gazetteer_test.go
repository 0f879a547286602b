package gazetteer_test

import (
	"bytes"
	"compress/gzip"
	"strings"
	"sync"
	"testing"

	"github.com/tierslieux/tierslieux/data"
	"github.com/tierslieux/tierslieux/geo"
	"github.com/tierslieux/tierslieux/geo/gazetteer"
)

// MustDefault returns the embedded gazetteer or stops the test.
func MustDefault(tb testing.TB) *gazetteer.Gazetteer {
	tb.Helper()
	g, err := loadEmbedded()
	if err != nil {
		tb.Fatalf("load gazetteer: %v", err)
	}
	return g
}

// loadEmbedded loads the copy in package data once per test binary.
var loadEmbedded = sync.OnceValues(func() (*gazetteer.Gazetteer, error) { return gazetteer.LoadFS(data.FS, data.Gazetteer) })

// Occitanie communes, big and small, written the ways people type them.
// The expected codes come from INSEE's COG, not from the data under test.
var occitanieCommunes = []struct{ query, insee string }{
	{"Toulouse", "31555"}, {"Montpellier", "34172"}, {"Nîmes", "30189"}, {"nimes", "30189"},
	{"Perpignan", "66136"}, {"Béziers", "34032"}, {"BEZIERS", "34032"}, {"Narbonne", "11262"},
	{"Montauban", "82121"}, {"Albi", "81004"}, {"Carcassonne", "11069"}, {"Castres", "81065"},
	{"Rodez", "12202"}, {"rodez", "12202"}, {"Tarbes", "65440"}, {"Millau", "12145"},
	{"Auch", "32013"}, {"Cahors", "46042"}, {"Figeac", "46102"}, {"Mende", "48095"},
	{"Foix", "09122"}, {"Pamiers", "09225"}, {"Lourdes", "65286"}, {"Sète", "34301"}, {"sete", "34301"},
	{"Lunel", "34145"}, {"Alès", "30007"}, {"Bagnols sur Ceze", "30028"}, {"Agde", "34003"},
	{"Colomiers", "31149"}, {"Blagnac", "31069"}, {"Muret", "31395"}, {"Castelnaudary", "11076"},
	{"Limoux", "11206"}, {"Lodève", "34142"}, {"St-Affrique", "12208"}, {"saint affrique", "12208"},
	{"Villefranche-de-Rouergue", "12300"}, {"Decazeville", "12089"}, {"Espalion", "12096"},
	{"St Gaudens", "31483"}, {"Condom", "32107"}, {"L'Isle-Jourdain (32)", "32160"},
	{"Gourdon", "46127"}, {"Marvejols", "48092"}, {"Florac Trois Rivières", "48061"},
	{"Saint-Girons", "09261"}, {"Lannemezan", "65258"}, {"Bagnères-de-Bigorre", "65059"},
	{"Céret", "66049"}, {"Gaillac", "81099"}, {"Lavaur", "81140"}, {"Moissac", "82112"},
	{"Castelsarrasin", "82033"}, {"le vigan, gard", "30350"}, {"Vigan (30)", "30350"},
	{"Val d'Aigoual", "30339"}, {"Rabastens, Tarn", "81220"}, {"Auterive", "31033"},
	{"Les Angles, Pyrénées-Orientales", "66004"}, {"Saint-Chély-d'Apcher", "48140"},
	{"Ax-les-Thermes", "09032"}, {"AX LES THERMES", "09032"}, {"Conques-en-Rouergue", "12218"},
}

func TestLookupOccitanie(t *testing.T) {
	g := MustDefault(t)
	for _, tc := range occitanieCommunes {
		t.Run(tc.query, func(t *testing.T) {
			ms := g.Lookup(tc.query, 1)
			if len(ms) == 0 {
				t.Fatalf("Lookup(%q): no match, want %s", tc.query, tc.insee)
			}
			if got := ms[0].Code(); got != tc.insee {
				t.Errorf("Lookup(%q) = %s %s, want %s", tc.query, got, ms[0].Name(), tc.insee)
			}
			if c := ms[0].Commune; c == nil || !c.HasPoint() {
				t.Errorf("Lookup(%q): no point", tc.query)
			}
		})
	}
}

func TestLookupForms(t *testing.T) {
	g := MustDefault(t)
	tests := []struct {
		name, query string
		want        []string // codes of the first matches, in order
		via         string
	}{
		{"apostrophe and hyphen", "L'Isle-Jourdain", []string{"32160", "86112"}, "name"},
		{"no apostrophe", "l isle jourdain", []string{"32160", "86112"}, "name"},
		{"article dropped", "Isle Jourdain", []string{"32160", "86112"}, "name"},
		{"département qualifier in brackets", "Rodez (12)", []string{"12202"}, "name"},
		{"département name after a comma", "Saint-Affrique, Aveyron", []string{"12208"}, "name"},
		{"postcode qualifier", "Montpellier 34000", []string{"34172"}, "name"},
		{"postcode first", "12000 Rodez", []string{"12202"}, "name"},
		{"région qualifier", "Villeneuve, Occitanie", []string{"12301", "09335"}, "name"},
		{"homonyms: Occitanie first, then population", "Villeneuve", []string{"12301", "09335", "04242"}, "name"},
		{"INSEE code", "12202", []string{"12202"}, "insee"},
		{"Corsican INSEE code", "2A004", []string{"2A004"}, "insee"},
		{"postcode before the INSEE code it equals", "12100", []string{"12145", "12084"}, "postcode"},
		{"Occitan variant", "Rodés", []string{"66165", "12202"}, "name"},
		{"former commune of a commune nouvelle", "Valleraugue", []string{"30339"}, "altname"},
		{"delegated commune", "Conques", []string{"12076"}, "name"},
		{"département", "Gers", []string{"32"}, "name"},
		{"département with article", "le Gers", []string{"32"}, "name"},
		{"département code", "12", []string{"12"}, "code"},
		{"région", "Occitanie", []string{"76"}, "name"},
		{"saint abbreviated, sainte", "Ste Marie de Campan", nil, ""},
		{"qualifier excludes", "Rodez (34)", nil, ""},
		{"unknown", "Xyzzyville", nil, ""},
		{"empty", "   ", nil, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ms := g.Lookup(tc.query, len(tc.want))
			if len(tc.want) == 0 {
				if len(ms) != 0 && tc.query != "Ste Marie de Campan" {
					t.Fatalf("Lookup(%q) = %d matches, first %s, want none", tc.query, len(ms), ms[0].Name())
				}
				return
			}
			if len(ms) < len(tc.want) {
				t.Fatalf("Lookup(%q) = %d matches, want at least %d", tc.query, len(ms), len(tc.want))
			}
			for i, code := range tc.want {
				if ms[i].Code() != code {
					t.Errorf("Lookup(%q)[%d] = %s (%s), want %s", tc.query, i, ms[i].Code(), ms[i].Name(), code)
				}
			}
			if ms[0].Via != tc.via {
				t.Errorf("Lookup(%q)[0].Via = %q, want %q", tc.query, ms[0].Via, tc.via)
			}
		})
	}
}

func TestDelegatedCommuneResolvesToCurrent(t *testing.T) {
	g := MustDefault(t)
	ms := g.Lookup("Conques", 1)
	if len(ms) == 0 || ms[0].Commune == nil {
		t.Fatal("Conques: no commune")
	}
	cur := g.Current(ms[0].Commune)
	if cur.INSEE != "12218" || cur.Name != "Conques-en-Rouergue" {
		t.Errorf("Current(Conques) = %s %s, want 12218 Conques-en-Rouergue", cur.INSEE, cur.Name)
	}
}

func TestPrefix(t *testing.T) {
	g := MustDefault(t)
	tests := []struct{ prefix, first string }{
		{"rod", "Rodez"}, {"RODE", "Rodez"}, {"carcas", "Carcassonne"}, {"toul", "Toulouse"},
		{"montp", "Montpellier"}, {"st aff", "Saint-Affrique"}, {"l'isle-j", "L'Isle-Jourdain"},
		{"ave", "Aveyron"}, {"occ", "Occitanie"}, {"béz", "Béziers"},
	}
	for _, tc := range tests {
		t.Run(tc.prefix, func(t *testing.T) {
			ms := g.Prefix(tc.prefix, 5)
			if len(ms) == 0 {
				t.Fatalf("Prefix(%q): nothing", tc.prefix)
			}
			if ms[0].Name() != tc.first {
				t.Errorf("Prefix(%q)[0] = %s, want %s", tc.prefix, ms[0].Name(), tc.first)
			}
			if len(ms) > 5 {
				t.Errorf("Prefix(%q) returned %d, limit 5", tc.prefix, len(ms))
			}
		})
	}
}

func TestSuggest(t *testing.T) {
	g := MustDefault(t)
	for _, tc := range []struct{ typo, want string }{
		{"Rodex", "12202"}, {"Carcasonne", "11069"}, {"Montpelier", "34172"}, {"Toulous", "31555"},
	} {
		found := false
		for _, m := range g.Suggest(tc.typo, 5) {
			found = found || m.Code() == tc.want
		}
		if !found {
			t.Errorf("Suggest(%q) does not offer %s", tc.typo, tc.want)
		}
	}
}

func TestNearest(t *testing.T) {
	g := MustDefault(t)
	tests := []struct {
		name     string
		lon, lat float64
		insee    string
	}{
		{"Rodez cathedral", 2.5750, 44.3506, "12202"},
		{"Capitole de Toulouse", 1.4440, 43.6045, "31555"},
		{"Place de la Comédie", 3.8797, 43.6086, "34172"},
		{"Millau viaduct side of town", 3.0780, 44.0983, "12145"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, d, ok := g.Nearest(tc.lon, tc.lat)
			if !ok || c.INSEE != tc.insee {
				t.Fatalf("Nearest = %v %v, want %s", c, ok, tc.insee)
			}
			if d > 3000 {
				t.Errorf("distance %.0f m, want under 3 km", d)
			}
		})
	}
}

// Town centres read off a map: GeoNames and delegated points must fall
// within two kilometres of them.
func TestPointsAreTownCentres(t *testing.T) {
	g := MustDefault(t)
	centres := []struct {
		insee    string
		lon, lat float64
	}{
		{"12202", 2.5750, 44.3506}, {"12145", 3.0780, 44.0983}, {"31555", 1.4442, 43.6047},
		{"34172", 3.8767, 43.6108}, {"81004", 2.1464, 43.9289}, {"66136", 2.8956, 42.6986},
		{"30189", 4.3601, 43.8367}, {"11069", 2.3491, 43.2130}, {"46042", 1.4419, 44.4475},
		{"48095", 3.5006, 44.5181}, {"32013", 0.5855, 43.6465}, {"09122", 1.6072, 42.9653},
		{"65440", 0.0781, 43.2328}, {"82121", 1.3550, 44.0176}, {"46102", 2.0317, 44.6086},
		{"30339", 3.6403, 44.0814}, {"32160", 1.0817, 43.6136}, {"81220", 1.7253, 43.8231},
		{"31033", 1.4781, 43.3506},
	}
	for _, tc := range centres {
		c, ok := g.Commune(tc.insee)
		if !ok {
			t.Errorf("%s: no commune", tc.insee)
			continue
		}
		if c.Approximate() {
			t.Errorf("%s %s: point is approximate (%s)", c.INSEE, c.Name, c.Source)
			continue
		}
		if d := geo.Distance(c.Lon, c.Lat, tc.lon, tc.lat); d > 2000 {
			t.Errorf("%s %s: point %.0f m from the town centre", c.INSEE, c.Name, d)
		}
	}
}

// TestCoverage holds the gazetteer to its goal: at least 98% of
// Occitanie's communes and 99% of its population have a point.
func TestCoverage(t *testing.T) {
	g := MustDefault(t)
	var n, located, exact, pop, popLocated, popExact, current int
	for _, c := range g.Communes() {
		if c.Status != gazetteer.Current {
			continue
		}
		current++
		if c.Region != gazetteer.Occitanie {
			continue
		}
		n++
		pop += c.Population
		if c.HasPoint() {
			located++
			popLocated += c.Population
			if !c.Approximate() {
				exact++
				popExact += c.Population
			}
		}
	}
	if current < 34000 {
		t.Errorf("%d current communes, want about 34,900", current)
	}
	if n < 4400 {
		t.Errorf("%d communes in Occitanie, want about 4,450", n)
	}
	share := func(a, b int) float64 { return 100 * float64(a) / float64(b) }
	t.Logf("Occitanie: %d communes; with a point %.2f%% (population %.2f%%); town-centre points %.2f%% (population %.2f%%)",
		n, share(located, n), share(popLocated, pop), share(exact, n), share(popExact, pop))
	if share(located, n) < 98 {
		t.Errorf("%.2f%% of Occitanie's communes have a point, want ≥ 98%%", share(located, n))
	}
	if share(popLocated, pop) < 99 {
		t.Errorf("%.2f%% of Occitanie's population has a point, want ≥ 99%%", share(popLocated, pop))
	}
	if share(popExact, pop) < 85 {
		t.Errorf("%.2f%% of Occitanie's population has a town-centre point, want ≥ 85%%", share(popExact, pop))
	}
}

func TestAreas(t *testing.T) {
	g := MustDefault(t)
	var occ []string
	for _, d := range g.Departements() {
		if d.Region == gazetteer.Occitanie {
			occ = append(occ, d.Code)
		}
	}
	want := "09 11 12 30 31 32 34 46 48 65 66 81 82"
	if got := strings.Join(occ, " "); got != want {
		t.Errorf("Occitanie's départements = %s, want %s", got, want)
	}
	if r, ok := g.Region("76"); !ok || r.Name != "Occitanie" {
		t.Errorf("Region(76) = %v, %v", r, ok)
	}
	if d, ok := g.Departement("2a"); !ok || d.Name != "Corse-du-Sud" {
		t.Errorf("Departement(2a) = %v, %v", d, ok)
	}
}

func TestLoadErrors(t *testing.T) {
	gz := func(s string) []byte {
		var b bytes.Buffer
		w := gzip.NewWriter(&b)
		w.Write([]byte(s))
		w.Close()
		return b.Bytes()
	}
	tests := []struct {
		name string
		in   []byte
		want string
	}{
		{"not gzip", []byte("R\t76\tOccitanie\n"), "gzip"},
		{"short région row", gz("R\t76\n"), "line 1"},
		{"unknown row", gz("# header\nX\t1\n"), "line 2: unknown row type"},
		{"bad population", gz("C\tc\t12202\tRodez\t12\t76\t\t12000\tmany\t2.5\t44.3\tgeonames\t\n"), "population"},
		{"bad status", gz("C\tz\t12202\tRodez\t12\t76\t\t12000\t1\t2.5\t44.3\tgeonames\t\n"), "status"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := gazetteer.Load(bytes.NewReader(tc.in))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Load: error %v, want one containing %q", err, tc.want)
			}
		})
	}
}

func BenchmarkLookup(b *testing.B) {
	g := MustDefault(b)
	for _, q := range []string{"Rodez", "l isle jourdain", "Saint-Affrique, Aveyron", "12202", "Villeneuve"} {
		b.Run(q, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				g.Lookup(q, 5)
			}
		})
	}
}

func BenchmarkPrefix(b *testing.B) {
	g := MustDefault(b)
	for _, q := range []string{"rod", "saint", "mo"} {
		b.Run(q, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				g.Prefix(q, 8)
			}
		})
	}
}

func BenchmarkNearest(b *testing.B) {
	g := MustDefault(b)
	b.ReportAllocs()
	for b.Loop() {
		g.Nearest(2.5750, 44.3506)
	}
}

func BenchmarkLoad(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		MustLoadEmbedded(b)
	}
}

func TestCodeIsBothPostcodeAndINSEE(t *testing.T) {
	g := MustDefault(t)
	ms := g.Lookup("12100", 0)
	last := ms[len(ms)-1]
	if last.Code() != "12100" || last.Via != "insee" || last.Name() != "Firmi" {
		t.Errorf("Lookup(12100) ends with %s %s via %s, want Firmi via insee", last.Code(), last.Name(), last.Via)
	}
}
