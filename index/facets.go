package index

import (
	"strconv"

	"github.com/tierslieux/tierslieux/ingest"
)

// FacetDistance counts matches by distance band from the query's point
// (by detour, for a trip), like Elasticsearch's geo_distance aggregation:
// "how many within 10 km?".
const FacetDistance = "distance"

// DefaultRings are the bounds of the distance bands, in metres: 0–5,
// 5–10, 10–20, 20–50 and 50+ km.
var DefaultRings = []float64{5_000, 10_000, 20_000, 50_000}

// MaxRings bounds the bands a query may ask for.
const MaxRings = 12

// ringLabels names the bands of rings: "0-5", "5-10", …, "50+" (km).
func ringLabels(rings []float64) []string {
	km := func(m float64) string { return strconv.FormatFloat(m/1000, 'f', -1, 64) }
	out := make([]string, 0, len(rings)+1)
	lo := "0"
	for _, r := range rings {
		out = append(out, lo+"-"+km(r))
		lo = km(r)
	}
	return append(out, lo+"+")
}

// ring is the band a distance falls in: the first bound at or above it.
func ring(rings []float64, meters float64) int {
	for i, r := range rings {
		if meters <= r {
			return i
		}
	}
	return len(rings)
}

// facets counts, for each facet, the candidates that pass the text and
// every filter except that facet's own, so a filter chip shows what
// choosing it would give. meters gives a candidate's distance, for the
// distance bands.
func facets(cat *Catalog, q *Query, cands []match, text *scoreSet, f *filter, meters func(match) float64) map[string]map[string]int {
	names := q.Facets
	rings := q.Rings
	if len(rings) == 0 {
		rings = DefaultRings
	}
	labels := ringLabels(rings)
	out := map[string]map[string]int{}
	for _, name := range names {
		out[name] = map[string]int{}
	}
	dims := []struct {
		name string
		b    bitset
	}{{FacetType, f.types}, {FacetService, f.services}, {FacetDept, f.dept}, {"region", f.region}, {"demo", f.demo}, {"scope", f.scope}}
	for _, l := range ingest.Lists {
		if b, ok := f.lists[l.Name]; ok {
			dims = append(dims, struct {
				name string
				b    bitset
			}{l.Name, b})
		}
	}
	var p ingest.Place // each candidate read into it, not copied
	for _, c := range cands {
		if f.open != nil && !f.open.pass(c.o) {
			continue // the hours apply to every facet
		}
		if text != nil {
			if !text.has(c.o) {
				continue
			}
		}
		failed := -1 // index of the only dimension failing, -2 for several
		for i, d := range dims {
			if d.b != nil && !d.b.has(c.o) {
				if failed == -1 {
					failed = i
				} else {
					failed = -2
					break
				}
			}
		}
		if failed == -2 {
			continue
		}
		cat.places.decode(c.o, &p)
		count := func(facet string, values []string) {
			m, want := out[facet]
			if !want {
				return
			}
			for _, v := range values {
				m[v]++
			}
		}
		if failed == -1 || dims[failed].name == FacetType {
			count(FacetType, p.Types)
		}
		if failed == -1 || dims[failed].name == FacetService {
			count(FacetService, p.Services)
		}
		if (failed == -1 || dims[failed].name == FacetDept) && p.Dept != "" {
			count(FacetDept, []string{p.Dept})
		}
		for _, l := range ingest.Lists {
			if _, want := out[l.Name]; want && (failed == -1 || dims[failed].name == l.Name) {
				count(l.Name, l.Values(&p))
			}
		}
		if m, want := out[FacetDistance]; want && failed == -1 {
			m[labels[ring(rings, meters(c))]]++
		}
	}
	return out
}
