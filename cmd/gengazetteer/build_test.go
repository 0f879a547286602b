package main

import (
	"fmt"
	"slices"
	"testing"
)

// Points of the fixture's GeoNames rows, as lon, lat.
var (
	ptRodez     = [2]float64{2.57338, 44.35258}
	ptMillau    = [2]float64{3.07848, 44.09973}
	ptAguessac  = [2]float64{3.09795, 44.1567}
	ptOlemps    = [2]float64{2.5514, 44.34638}
	ptRadegonde = [2]float64{2.62, 44.33}
	ptSeverac   = [2]float64{3.07123, 44.32196}
	ptLapanouse = [2]float64{3.03112, 44.33678}
	ptConques   = [2]float64{2.39778, 44.59917}
	ptCyprien   = [2]float64{2.41322, 44.54742}
	ptValleraug = [2]float64{3.64195, 44.08128}
	ptSalazie   = [2]float64{55.5395, -21.0271}
)

func findEntry(g *gazetteerOut, code string, kind byte) *entry {
	for _, e := range g.entries {
		if e.c.Code == code && e.kind == kind {
			return e
		}
	}
	return nil
}

func TestBuild(t *testing.T) {
	g := build(loadFixture(t))
	for _, tc := range []struct {
		name   string
		code   string
		kind   byte
		parent string
		source string
		pt     [2]float64 // ignored when source is ""
		alt    []string
	}{
		{name: "geonames by admin4 and name", code: "12002", kind: 'c', source: "geonames", pt: ptAguessac,
			alt: []string{"Agaçac"}},
		{name: "geonames by admin4 and name, seat before larger PPLX", code: "12202", kind: 'c', source: "geonames", pt: ptRodez,
			alt: []string{"Rodés", "Rodezas", "Rodezo", "Segodunum"}},
		{name: "geonames by admin4 and name, Olemps", code: "12174", kind: 'c', source: "geonames", pt: ptOlemps,
			alt: []string{"Olan", "Olem"}},
		{name: "geonames by name and département, empty admin4", code: "12145", kind: 'c', source: "geonames", pt: ptMillau,
			alt: []string{"Mijo", "Milhau"}},
		{name: "geonames by name and département, admin4 not a commune", code: "12211", kind: 'c', source: "geonames", pt: ptRadegonde,
			alt: []string{"Senta Radegonda"}},
		{name: "geonames by name and overseas département", code: "97421", kind: 'c', source: "geonames", pt: ptSalazie,
			alt: []string{"Salazi", "Salazie Village"}},
		{name: "geonames for a délégué commune by admin4 and name", code: "12076", kind: 'd', parent: "12218", source: "geonames", pt: ptConques,
			alt: []string{"Concas"}},
		{name: "geonames for a délégué chef-lieu sharing the code", code: "12270", kind: 'd', parent: "12270", source: "geonames", pt: ptSeverac,
			alt: []string{"Sévérac", "Severac del Castèl"}},
		{name: "geonames for a délégué chef-lieu by name and département", code: "12218", kind: 'd', parent: "12218", source: "geonames", pt: ptCyprien,
			alt: []string{"Saint-Cyprien"}},
		{name: "delegated: row of another name under the commune's code", code: "12270", kind: 'c', source: "delegated", pt: ptSeverac,
			alt: []string{"Sévérac-le-Château", "Sévérac", "Severac del Castèl"}},
		{name: "delegated: row under a former code (Valleraugue)", code: "30339", kind: 'c', source: "delegated", pt: ptValleraug,
			alt: []string{"Valleraugue", "Val'rog", "Valerauga", "Vallerog"}},
		{name: "delegated: from the délégué of the same code, not the first located one", code: "12218", kind: 'c', source: "delegated", pt: ptCyprien,
			alt: []string{"Saint-Cyprien-sur-Dourdou", "Saint-Cyprien"}},
		{name: "postcode: most populous exact commune over both postcodes", code: "12084", kind: 'c', source: "postcode", pt: ptMillau},
		{name: "postcode: rather than the EPCI's largest", code: "12176", kind: 'c', source: "postcode", pt: ptRadegonde},
		{name: "epci: hamlet under another commune's code ignored, largest exact member", code: "12125", kind: 'c', source: "epci", pt: ptRodez},
		{name: "parent: délégué without a point", code: "12040", kind: 'd', parent: "12270", source: "parent", pt: ptSeverac},
		{name: "none: nothing applies", code: "01001", kind: 'c'},
		{name: "geonames for a délégué filed under its parent's code", code: "12123", kind: 'd', parent: "12270", source: "geonames", pt: ptLapanouse,
			alt: nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := findEntry(g, tc.code, tc.kind)
			if e == nil {
				t.Fatalf("no entry %s %c", tc.code, tc.kind)
			}
			if e.parent != tc.parent || e.source != tc.source {
				t.Errorf("%s %s: parent %q source %q, want parent %q source %q", tc.code, e.c.Nom, e.parent, e.source, tc.parent, tc.source)
			}
			var pt [2]float64
			if tc.source != "" {
				pt = tc.pt
			}
			if got := [2]float64{e.lon, e.lat}; got != pt {
				t.Errorf("%s %s at %v, want %v", tc.code, e.c.Nom, got, pt)
			}
			if !slices.Equal(e.alt, tc.alt) {
				t.Errorf("%s %s: alt %q, want %q", tc.code, e.c.Nom, e.alt, tc.alt)
			}
		})
	}

	t.Run("every commune once, sorted by code then status", func(t *testing.T) {
		var got []string
		for _, e := range g.entries {
			got = append(got, fmt.Sprintf("%s%c", e.c.Code, e.kind))
		}
		want := []string{"01001c", "12002c", "12040d", "12076d", "12084c", "12123d", "12125c", "12145c", "12174c",
			"12176c", "12202c", "12211c", "12218c", "12218d", "12270c", "12270d", "30339c", "97421c"}
		if !slices.Equal(got, want) {
			t.Errorf("entries = %q\nwant %q", got, want)
		}
	})
	t.Run("areas passed through", func(t *testing.T) {
		if len(g.regions) != 3 || len(g.depts) != 4 || g.depts[1].Nom != "Aveyron" {
			t.Errorf("regions %+v, depts %+v", g.regions, g.depts)
		}
	})
}

func TestBetter(t *testing.T) {
	for _, tc := range []struct {
		name string
		a, b gnPlace
		want bool
	}{
		{"seat over larger place", gnPlace{feature: "PPLA2", population: 10}, gnPlace{feature: "PPL", population: 1000}, true},
		{"capital is a seat", gnPlace{feature: "PPLC", population: 10}, gnPlace{feature: "PPL", population: 1000}, true},
		{"place over larger section", gnPlace{feature: "PPL", population: 10}, gnPlace{feature: "PPLX", population: 1000}, true},
		{"section under smaller place", gnPlace{feature: "PPLX", population: 1000}, gnPlace{feature: "PPL", population: 10}, false},
		{"larger population", gnPlace{feature: "PPL", population: 11}, gnPlace{feature: "PPL", population: 10}, true},
		{"tie keeps the earlier row", gnPlace{feature: "PPL", population: 10}, gnPlace{feature: "PPL", population: 10}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := better(&tc.a, &tc.b); got != tc.want {
				t.Errorf("better = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestLatinName(t *testing.T) {
	for _, tc := range []struct {
		name string
		want bool
	}{
		{"Rodés", true},
		{"Segodunum", true},
		{"Val'rog", true},
		{"L’Isle", true},
		{"St. Gaudens", true},
		{"Severac del Castèl", true},
		{"Œuilly", true},
		{"TOULOUSE", true}, // all capitals but long: a name
		{"lodejeu", false},
		{"luo de ci", false},
		{"Родез", false},
		{"ロデズ", false},
		{"ردز", false},
		{"RDZ", false},
		{"NIMES", false}, // five capitals: taken for a code
		{"Ur", false},
		{"", false},
		{"Aéroport de Rodez", false},
		{"Lapangan Terbang Blagnac", false},
		{"Rodez Airport", false},
		{"Flughafen Rodez", false},
		{"Rodez (Aveyron)", false},
		{"Rodez 2", false},
		{"Rodez-Родез", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := latinName(tc.name); got != tc.want {
				t.Errorf("latinName(%q) = %v, want %v", tc.name, got, tc.want)
			}
		})
	}
}

func TestAltNames(t *testing.T) {
	var many []string
	for c := 'A'; c <= 'T'; c++ { // 20 names
		many = append(many, string(c)+"ustralis")
	}
	for _, tc := range []struct {
		name string
		p    gnPlace
		key  string
		want []string
	}{
		{"Rodez", gnPlace{name: "Rodez", ascii: "Rodez", alt: []string{"RDZ", "Rodes", "Rodez", "Rodezas", "Rodezo", "Rodés", "Segodunum",
			"lodejeu", "luo de ci", "rdz", "rodezu", "Aéroport de Rodez", "Lapangan Terbang Rodez", "Родез", "ロデズ"}},
			"rodez", []string{"Rodés", "Rodezas", "Rodezo", "Segodunum"}},
		{"chef-lieu name kept for a commune nouvelle", gnPlace{name: "Valleraugue", ascii: "Valleraugue",
			alt: []string{"Val'rog", "Valerauga", "Valleraugue", "Vallerog", "wa lei luo gai", "Валлерог"}},
			"val d aigoual", []string{"Valleraugue", "Val'rog", "Valerauga", "Vallerog"}},
		{"accented form first wins over ASCII", gnPlace{name: "Béziers", ascii: "Beziers", alt: []string{"Besièrs", "Besiers", "Baeterrae"}},
			"beziers", []string{"Besièrs", "Baeterrae"}},
		{"accented form later replaces ASCII", gnPlace{name: "Blagnac", ascii: "Blagnac", alt: []string{"Blanhac", "Blanhàc", "Lapangan Terbang Blagnac"}},
			"blagnac", []string{"Blanhàc"}},
		{"variants of the official name dropped", gnPlace{name: "Le Vigan", ascii: "Le Vigan", alt: []string{"Vigan", "LE VIGAN", "Lo Vigan"}},
			"vigan", []string{"Lo Vigan"}},
		{"spaces trimmed", gnPlace{name: "Albi", ascii: "Albi", alt: []string{" Albiga ", "Albiga"}},
			"albi", []string{"Albiga"}},
		{"nothing left", gnPlace{name: "Rodez", ascii: "Rodez", alt: []string{"RDZ", "rodezu"}},
			"rodez", nil},
		{"capped at 16", gnPlace{name: "X", ascii: "X", alt: many},
			"x", many[:16]},
		{"accented form of a kept name replaces it past the cap", gnPlace{name: "X", ascii: "X", alt: append(slices.Clone(many), "Äustralis")},
			"x", append([]string{"Äustralis"}, many[1:16]...)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := altNames(&tc.p, tc.key); !slices.Equal(got, tc.want) {
				t.Errorf("altNames = %q\nwant %q", got, tc.want)
			}
		})
	}
}
