package index

// facets counts, for each facet, the candidates that pass the text and
// every filter except that facet's own, so a filter chip shows what
// choosing it would give.
func facets(cat *Catalog, names []string, cands []match, text map[uint32]float64, f *filter) map[string]map[string]int {
	out := map[string]map[string]int{}
	for _, name := range names {
		out[name] = map[string]int{}
	}
	dims := []struct {
		name string
		b    bitset
	}{{FacetType, f.types}, {FacetService, f.services}, {FacetDept, f.dept}, {"region", f.region}, {"demo", f.demo}}
	for _, c := range cands {
		if text != nil {
			if _, ok := text[c.o]; !ok {
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
		p := &cat.Places[c.o]
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
	}
	return out
}
