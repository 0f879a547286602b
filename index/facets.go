package index

import (
	"math"
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
//
// The counts are popcounts: the candidates (those the hours and the text
// keep) as a bitset, ANDed with every other dimension's filter, then with
// each value's bitmap, over the words the candidates span only. No place
// is read.
func facets(cat *Catalog, q *Query, cands []match, text *scoreSet, f *filter, meters func(match) float64) map[string]map[string]int {
	out := map[string]map[string]int{}
	for _, name := range q.Facets {
		out[name] = map[string]int{}
	}
	dims := []struct {
		name string
		b    bitset
	}{{FacetType, f.types}, {FacetService, f.services}, {FacetDept, f.dept}, {"region", f.region}, {"demo", f.demo}, {"scope", f.scope}}
	values := map[string]map[string]bitset{FacetType: cat.filters.types, FacetService: cat.filters.services, FacetDept: cat.filters.depts}
	for _, l := range ingest.Lists {
		values[l.Name] = cat.filters.lists[l.Name]
		if b, ok := f.lists[l.Name]; ok {
			dims = append(dims, struct {
				name string
				b    bitset
			}{l.Name, b})
		}
	}
	kept := newBitset(cat.Len())
	lo, hi := uint32(math.MaxUint32), uint32(0) // the words the candidates span
	for _, c := range cands {
		if f.open != nil && !f.open.pass(c.o) {
			continue // the hours apply to every facet
		}
		if text != nil && !text.has(c.o) {
			continue
		}
		kept.set(c.o)
		lo, hi = min(lo, c.o>>6), max(hi, c.o>>6+1)
	}
	if lo >= hi {
		return out
	}
	for name, m := range out {
		vals, ok := values[name]
		if !ok {
			continue // the distance bands, below; a name no dimension has counts nothing
		}
		base := kept[lo:hi:hi]
		base = append(bitset(nil), base...)
		for _, d := range dims {
			if d.b != nil && d.name != name {
				base.and(d.b[lo:hi])
			}
		}
		for v, b := range vals {
			if n := base.countAnd(b[lo:hi]); n > 0 {
				m[v] = n
			}
		}
	}
	if m, want := out[FacetDistance]; want {
		rings := q.Rings
		if len(rings) == 0 {
			rings = DefaultRings
		}
		labels := ringLabels(rings)
		for _, c := range cands {
			if !kept.has(c.o) {
				continue
			}
			if f.all == nil || allDims(dims, c.o) {
				m[labels[ring(rings, meters(c))]]++
			}
		}
	}
	return out
}

// allDims reports whether place o passes every dimension's filter.
func allDims(dims []struct {
	name string
	b    bitset
}, o uint32) bool {
	for _, d := range dims {
		if d.b != nil && !d.b.has(o) {
			return false
		}
	}
	return true
}
