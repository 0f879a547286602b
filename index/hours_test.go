package index_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/tierslieux/tierslieux/geo"
	"github.com/tierslieux/tierslieux/index"
	"github.com/tierslieux/tierslieux/ingest"
	"github.com/tierslieux/tierslieux/ingest/hours"
)

// TestOpenExact: an open= search keeps exactly the places whose hours
// match, as a scan with the hours parser finds, with every filter and
// around a point; places with unknown hours are left out and counted, or
// kept with OpenUnknown.
func TestOpenExact(t *testing.T) {
	e, places := MustSynthEngine(t, exactN)
	now := time.Date(2026, 11, 30, 10, 0, 0, 0, hours.Location()) // a Monday morning
	for _, when := range []string{"now", "sa", "we 09:00-12:00", "weekend", "su 10:00", "2026-12-24T19:00"} {
		w, err := hours.ParseWhen(when, now)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range filterSpecs[:4] {
			t.Run(fmt.Sprintf("%s/%s", when, f.name), func(t *testing.T) {
				c := centres[0]
				q := index.Query{Near: &index.Anchor{Lat: c.lat, Lon: c.lon}, RadiusMeters: 75_000, Open: &w, Now: now}
				f.apply(&q)
				want := bruteScan(places, c, func(p *ingest.Place, d float64) bool {
					s, err := hours.Parse(p.OpeningHours)
					return d <= 75_000 && f.pass(p) && err == nil && w.Match(s)
				})
				hits, total := MustSearchAll(t, e, q)
				if total != len(want) {
					t.Fatalf("total %d, brute force %d", total, len(want))
				}
				got := map[string]bool{}
				for _, h := range hits {
					got[h.Place.ID] = true
					if h.Hours == nil || h.Hours.OpenNow == nil {
						t.Fatalf("%s: no hours in the hit", h.Place.ID)
					}
				}
				for _, fd := range want {
					if !got[fd.ID] {
						t.Fatalf("%s missing", fd.ID)
					}
				}
			})
		}
	}
}

// TestOpenUnknown: the demo catalog's places without usable hours are not
// "closed": left out of an open= search and counted, kept on request.
func TestOpenUnknown(t *testing.T) {
	e := MustDemoEngine(t)
	unknown := 0
	for _, p := range e.Catalog().Places() {
		if _, err := hours.Parse(p.OpeningHours); err != nil || p.OpeningHours == "" {
			unknown++
		}
	}
	if unknown == 0 {
		t.Fatal("every demo place has hours: the fixture tests nothing")
	}
	w, _ := hours.ParseWhen("weekend", time.Date(2026, 11, 30, 10, 0, 0, 0, hours.Location()))
	res := MustSearch(t, e, index.Query{Open: &w})
	if res.UnknownHours != unknown {
		t.Errorf("unknown_hours %d, want %d", res.UnknownHours, unknown)
	}
	with := MustSearch(t, e, index.Query{Open: &w, OpenUnknown: true})
	if with.Total != res.Total+unknown || with.UnknownHours != unknown {
		t.Errorf("open_unknown=include: total %d, want %d + %d", with.Total, res.Total, unknown)
	}
}

// TestDistanceRings: facets=distance counts the matches in each band
// from the point, as a scan does, with the default bands or given ones.
func TestDistanceRings(t *testing.T) {
	e, places := MustSynthEngine(t, exactN)
	c := centres[1]
	for _, rings := range [][]float64{nil, {2_000, 30_000}} {
		q := index.Query{Near: &index.Anchor{Lat: c.lat, Lon: c.lon}, RadiusMeters: 80_000, Facets: []string{index.FacetDistance}, Rings: rings}
		res := MustSearch(t, e, q)
		bounds := rings
		if bounds == nil {
			bounds = index.DefaultRings
		}
		want := map[string]int{}
		for i := range places {
			d := geo.Distance(c.lon, c.lat, places[i].Lon, places[i].Lat)
			if d > 80_000 {
				continue
			}
			lo := "0"
			label := ""
			for _, b := range bounds {
				km := fmt.Sprint(b / 1000)
				if d <= b {
					label = lo + "-" + km
					break
				}
				lo = km
			}
			if label == "" {
				label = lo + "+"
			}
			want[label]++
		}
		got := res.Facets[index.FacetDistance]
		for k, n := range want {
			if got[k] != n {
				t.Errorf("rings %v: band %s = %d, brute force %d (%v)", rings, k, got[k], n, got)
			}
		}
	}
}
