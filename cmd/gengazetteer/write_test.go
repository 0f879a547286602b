package main

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"math"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/tierslieux/tierslieux/geo/gazetteer"
)

// writeFixture builds the fixture afresh and writes it into dir.
func writeFixture(t *testing.T, dir string) (*gazetteerOut, string) {
	t.Helper()
	g := build(loadFixture(t))
	path := filepath.Join(dir, "gazetteer.tsv.gz")
	if err := write(path, g); err != nil {
		t.Fatalf("write: %v", err)
	}
	return g, path
}

func loadFile(t *testing.T, path string) *gazetteer.Gazetteer {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	gz, err := gazetteer.Load(f)
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	return gz
}

var statusOf = map[byte]gazetteer.Status{
	'c': gazetteer.Current, 'd': gazetteer.Delegated, 'a': gazetteer.Associated, 'm': gazetteer.Arrondissement,
}

func TestWriteReadBack(t *testing.T) {
	dir := t.TempDir()
	g, path := writeFixture(t, dir)
	gz := loadFile(t, path)

	t.Run("no temporary file left", func(t *testing.T) {
		ents, err := os.ReadDir(dir)
		if err != nil {
			t.Fatal(err)
		}
		if len(ents) != 1 || ents[0].Name() != "gazetteer.tsv.gz" {
			t.Errorf("dir holds %v", ents)
		}
	})
	t.Run("header", func(t *testing.T) {
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		zr, err := gzip.NewReader(bytes.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		first, err := bufio.NewReader(zr).ReadString('\n')
		if err != nil {
			t.Fatal(err)
		}
		if want := "# tierslieux gazetteer 1\t" + cogPackage + "\t" + geonamesPackage + "\n"; first != want {
			t.Errorf("first line %q, want %q", first, want)
		}
	})

	t.Run("every commune survives", func(t *testing.T) {
		cs := gz.Communes()
		if len(cs) != len(g.entries) {
			t.Fatalf("loaded %d communes, wrote %d", len(cs), len(g.entries))
		}
		for i, e := range g.entries {
			c := cs[i]
			if c.INSEE != e.c.Code || c.Name != e.c.Nom || c.Status != statusOf[e.kind] || c.Parent != e.parent ||
				c.Dept != e.c.Departement || c.Region != e.c.Region || c.Population != e.c.Population ||
				c.Source != e.source || !slices.Equal(c.Postcodes, e.c.CodesPostaux) || !slices.Equal(c.AltNames, e.alt) ||
				math.Abs(c.Lon-e.lon) > 5e-6 || math.Abs(c.Lat-e.lat) > 5e-6 {
				t.Errorf("commune %d: loaded %+v, built %+v %+v", i, c, e, e.c)
			}
		}
	})

	for _, tc := range []struct {
		query, insee, name, via, source string
		lon, lat                        float64
	}{
		{"Rodez", "12202", "Rodez", "name", "geonames", 2.57338, 44.35258},
		{"rodes", "12202", "Rodez", "altname", "geonames", 2.57338, 44.35258},
		{"Segodunum", "12202", "Rodez", "altname", "geonames", 2.57338, 44.35258},
		{"Valleraugue", "30339", "Val-d'Aigoual", "altname", "delegated", 3.64195, 44.08128},
		{"val d'aigoual", "30339", "Val-d'Aigoual", "name", "delegated", 3.64195, 44.08128},
		{"Conques en Rouergue", "12218", "Conques-en-Rouergue", "name", "delegated", 2.41322, 44.54742},
		{"Creissels", "12084", "Creissels", "name", "postcode", 3.07848, 44.09973},
		{"Laval", "12125", "Laval", "name", "epci", 2.57338, 44.35258},
		{"Buzeins", "12040", "Buzeins", "name", "parent", 3.07123, 44.32196},
		{"Salazie", "97421", "Salazie", "name", "geonames", 55.5395, -21.0271},
		{"L'Abergement-Clémenciat", "01001", "L'Abergement-Clémenciat", "name", "", 0, 0},
		{"12270", "12270", "Sévérac-d'Aveyron", "insee", "delegated", 3.07123, 44.32196},
	} {
		t.Run("Lookup "+tc.query, func(t *testing.T) {
			ms := gz.Lookup(tc.query, 1)
			if len(ms) != 1 || ms[0].Commune == nil {
				t.Fatalf("Lookup(%q) = %+v", tc.query, ms)
			}
			m, c := ms[0], ms[0].Commune
			if c.INSEE != tc.insee || c.Name != tc.name || m.Via != tc.via || c.Source != tc.source || c.Lon != tc.lon || c.Lat != tc.lat {
				t.Errorf("Lookup(%q) = %s %s via %s, source %q at %v,%v; want %s %s via %s, source %q at %v,%v",
					tc.query, c.INSEE, c.Name, m.Via, c.Source, c.Lon, c.Lat, tc.insee, tc.name, tc.via, tc.source, tc.lon, tc.lat)
			}
		})
	}

	t.Run("statuses and parents", func(t *testing.T) {
		c, ok := gz.Commune("12040")
		if !ok || c.Status != gazetteer.Delegated || c.Parent != "12270" || !c.Approximate() {
			t.Errorf("Commune(12040) = %+v", c)
		}
		if cur := gz.Current(c); cur == nil || cur.Name != "Sévérac-d'Aveyron" || cur.Status != gazetteer.Current {
			t.Errorf("Current(Buzeins) = %+v", cur)
		}
		if c, ok := gz.Commune("01001"); !ok || c.HasPoint() {
			t.Errorf("Commune(01001) = %+v, want no point", c)
		}
		if c, ok := gz.Commune("12125"); !ok || !c.Approximate() {
			t.Errorf("Commune(12125) = %+v, want approximate", c)
		}
	})
	t.Run("postcodes", func(t *testing.T) {
		var got []string
		for _, c := range gz.ByPostcode("12100") {
			got = append(got, c.Name)
		}
		slices.Sort(got)
		if want := []string{"Creissels", "Millau"}; !slices.Equal(got, want) {
			t.Errorf("ByPostcode(12100) = %q, want %q", got, want)
		}
	})
	t.Run("areas", func(t *testing.T) {
		if d, ok := gz.Departement("12"); !ok || d.Name != "Aveyron" || d.Region != "76" {
			t.Errorf("Departement(12) = %+v", d)
		}
		if r, ok := gz.Region("04"); !ok || r.Name != "La Réunion" {
			t.Errorf("Region(04) = %+v", r)
		}
		if len(gz.Departements()) != 4 || len(gz.Regions()) != 3 {
			t.Errorf("%d départements, %d régions", len(gz.Departements()), len(gz.Regions()))
		}
	})
}

func TestWriteDeterministic(t *testing.T) {
	_, a := writeFixture(t, t.TempDir())
	_, b := writeFixture(t, t.TempDir())
	ba, err := os.ReadFile(a)
	if err != nil {
		t.Fatal(err)
	}
	bb, err := os.ReadFile(b)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(ba, bb) {
		t.Errorf("two runs differ: %d and %d bytes", len(ba), len(bb))
	}
}

func TestWriteErrors(t *testing.T) {
	g := build(loadFixture(t))
	t.Run("missing directory", func(t *testing.T) {
		dir := t.TempDir()
		if err := write(filepath.Join(dir, "no", "such", "g.tsv.gz"), g); err == nil {
			t.Error("write into a missing directory: nil error")
		}
	})
}

func TestStats(t *testing.T) {
	g := build(loadFixture(t))
	const want = `France: 13 communes, population 108893
  delegated       3 communes ( 23.1%)  population  6.53%
  epci            1 communes (  7.7%)  population  0.23%
  geonames        6 communes ( 46.2%)  population 54.36%
  none            1 communes (  7.7%)  population  0.76%
  postcode        2 communes ( 15.4%)  population 38.11%
Occitanie: 11 communes, population 100561
  delegated       3 communes ( 27.3%)  population  7.07%
  epci            1 communes (  9.1%)  population  0.25%
  geonames        5 communes ( 45.5%)  population 51.41%
  postcode        2 communes ( 18.2%)  population 41.27%
`
	if got := g.stats(); got != want {
		t.Errorf("stats() =\n%s\nwant\n%s", got, want)
	}
}
