package data_test

import (
	"context"
	"testing"

	"github.com/tierslieux/tierslieux/data"
	"github.com/tierslieux/tierslieux/geo"
	"github.com/tierslieux/tierslieux/geo/gazetteer"
	"github.com/tierslieux/tierslieux/index/indextest"
	"github.com/tierslieux/tierslieux/ingest"
)

// MustDemoPlaces reads the embedded demo set through the ingest pipeline,
// failing on any rejection or warning.
func MustDemoPlaces(tb testing.TB) ([]ingest.Place, *gazetteer.Gazetteer) {
	tb.Helper()
	g := indextest.Gazetteer(tb)
	var places []ingest.Place
	opts := ingest.Options{Converter: ingest.Converter{Gazetteer: g, Area: ingest.OccitanieArea}}
	rep, err := ingest.Run(context.Background(), data.FS, []string{data.Places}, opts, func(p ingest.Place) error {
		places = append(places, p)
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
	for _, e := range rep.Entries {
		tb.Errorf("%s:%d %s %s %s: %s", e.File, e.Line, e.ID, e.Severity, e.Reason, e.Message)
	}
	if rep.Read != 111 || rep.Indexed != 111 {
		tb.Fatalf("read %d, indexed %d; want 111 and 111", rep.Read, rep.Indexed)
	}
	return places, g
}

func TestDemoComposition(t *testing.T) {
	places, _ := MustDemoPlaces(t)
	primary := map[string]int{}
	for _, p := range places {
		if len(p.Types) == 0 {
			primary["unknown"]++
		} else {
			primary[p.Types[0]]++
		}
	}
	want := map[string]int{"coworking": 57, "fablab": 37, "mediation-numerique": 11, "unknown": 6}
	for k, n := range want {
		if primary[k] != n {
			t.Errorf("%d places of primary type %s, want %d", primary[k], k, n)
		}
	}
	if len(primary) != len(want) {
		t.Errorf("primary types %v, want only %v", primary, want)
	}
}

func TestDemoRealPlaces(t *testing.T) {
	places, g := MustDemoPlaces(t)
	real := map[string]string{ // name → INSEE code of its commune
		"Ping Pong Cowork":     "12145",
		"Station A":            "12202",
		"Espace Firmin Pons":   "31033",
		"La Filature du Mazel": "30339",
		"Le Pré Vert":          "81220",
		"L'Ours Brun":          "32160",
		"Carcassonne Agglo":    "11069",
	}
	seen := 0
	for _, p := range places {
		insee, isReal := real[p.Name]
		if !isReal {
			if !p.Demo {
				t.Errorf("%s %q is neither one of the real places nor marked demo", p.ID, p.Name)
			}
			if p.Website == "" || p.OpeningHours == "" || p.Description == "" {
				t.Errorf("%s %q: fictional places have a website, hours and a description", p.ID, p.Name)
			}
			continue
		}
		seen++
		if p.Demo || p.Precision != ingest.PrecisionCommune || p.INSEE != insee {
			t.Errorf("%s: demo %v precision %s insee %s; want real, commune precision, %s", p.Name, p.Demo, p.Precision, p.INSEE, insee)
		}
		c, _ := g.Commune(insee)
		if d := geo.Distance(p.Lon, p.Lat, c.Lon, c.Lat); d > 1 {
			t.Errorf("%s is %.0f m from its commune's point", p.Name, d)
		}
		if p.Name == "Ping Pong Cowork" {
			if len(p.Types) != 1 || p.Types[0] != "coworking" {
				t.Errorf("Ping Pong Cowork types %v, want [coworking]", p.Types)
			}
		} else if len(p.Types) != 0 || p.Note == "" {
			t.Errorf("%s: typology is not public: want no type and a note, got %v %q", p.Name, p.Types, p.Note)
		}
	}
	if seen != len(real) {
		t.Errorf("found %d of the %d real places", seen, len(real))
	}
}

func TestDemoInOccitanie(t *testing.T) {
	places, g := MustDemoPlaces(t)
	perDept := map[string]int{}
	for _, p := range places {
		perDept[p.Dept]++
		if p.Region != gazetteer.Occitanie {
			t.Errorf("%s %s: région %s, want Occitanie", p.ID, p.Name, p.Region)
		}
		c, d, ok := g.Nearest(p.Lon, p.Lat)
		if !ok || c.Region != gazetteer.Occitanie {
			t.Errorf("%s %s: nearest commune %v is not in Occitanie", p.ID, p.Name, c)
		}
		if d > 15000 {
			t.Errorf("%s %s: %.0f m from the nearest town centre", p.ID, p.Name, d)
		}
	}
	for _, d := range []string{"09", "11", "12", "30", "31", "32", "34", "46", "48", "65", "66", "81", "82"} {
		if perDept[d] < 3 {
			t.Errorf("département %s has %d places, want at least 3", d, perDept[d])
		}
	}
}

// TestDemoHeadlineQuery checks the data makes "fablab with 3D printing
// within 30 km of Rodez" meaningful: matches inside, near-misses on both
// sides of the filter.
func TestDemoHeadlineQuery(t *testing.T) {
	places, g := MustDemoPlaces(t)
	rodez, _ := g.Commune("12202")
	var with, without, beyond int
	for _, p := range places {
		if !p.HasType("fablab") {
			continue
		}
		km := geo.Distance(rodez.Lon, rodez.Lat, p.Lon, p.Lat) / 1000
		switch {
		case km <= 30 && p.HasService("impression-3d"):
			with++
		case km <= 30:
			without++
		case km <= 45 && p.HasService("impression-3d"):
			beyond++
		}
	}
	if with < 3 || without < 1 || beyond < 1 {
		t.Errorf("fablabs near Rodez: %d with 3D printing within 30 km (want ≥ 3), %d without (want ≥ 1), %d with it at 30–45 km (want ≥ 1)", with, without, beyond)
	}
}
