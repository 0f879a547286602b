package index

import (
	"cmp"
	"slices"
	"strings"
	"sync"
)

// orders are the places sorted once for the two orders a list with no
// point and no text takes: by name (then ID), and by ID (text whose every
// word is in no place scores nothing). A page of such a list is then its
// first places that pass the filters, not a sort of the whole catalog.
type orders struct {
	once         sync.Once
	byName, byID []uint32
	// rank[o] is o's position in byName.
	rank []uint32
}

func (c *Catalog) order(byName bool) []uint32 {
	c.orders.once.Do(func() { c.orders.set(buildOrders(c.places)) })
	if byName {
		return c.orders.byName
	}
	return c.orders.byID
}

// nameRank is each place's position in the order by name: comparing two
// is comparing their lower-case names, then IDs.
func (c *Catalog) nameRank() []uint32 {
	c.order(true)
	return c.orders.rank
}

func (o *orders) set(byName, byID []uint32) {
	o.byName, o.byID = byName, byID
	o.rank = make([]uint32, len(byName))
	for i, p := range byName {
		o.rank[p] = uint32(i)
	}
}

// buildOrders sorts the places by lower-case name then ID, and by ID.
func buildOrders(st *placeStore) (byName, byID []uint32) {
	n := st.len()
	byName, byID = make([]uint32, n), make([]uint32, n)
	// The IDs and names read once, not at each of the sorts' comparisons.
	ids, names := make([]string, n), make([]string, n)
	for i := range n {
		byName[i], byID[i] = uint32(i), uint32(i)
		ids[i] = st.id(uint32(i))
		names[i] = strings.ToLower(st.name(uint32(i)))
	}
	var wg sync.WaitGroup
	wg.Go(func() {
		slices.SortFunc(byName, func(a, b uint32) int {
			if r := cmp.Compare(names[a], names[b]); r != 0 {
				return r
			}
			return cmp.Compare(ids[a], ids[b])
		})
	})
	slices.SortFunc(byID, func(a, b uint32) int { return cmp.Compare(ids[a], ids[b]) })
	wg.Wait()
	return byName, byID
}

// listOrder is the order of a query answered by walking a list, or nil:
// no point, no area, no facets, sorted by relevance, and no text or text
// that scores nothing (every word in no place).
func (p *planner) listOrder() []uint32 {
	q := p.q
	if q.everyMatch || q.Near != nil || q.HasArea() || len(q.Facets) > 0 || q.Sort != SortRelevance || p.f.open != nil {
		return nil
	}
	if p.text == nil {
		return p.cat.order(true)
	}
	for _, t := range p.text.terms {
		if !t.ignored {
			return nil
		}
	}
	return p.cat.order(false)
}

// firstInOrder answers a listed query: the total from the filters'
// bitmap, the page from the first places of the order that pass them.
func (p *planner) firstInOrder(res *Result, order []uint32) (*Result, []match) {
	q, f := p.q, p.f
	res.Total = p.cat.Len()
	if f.all != nil {
		res.Total = f.all.count()
	}
	res.HasText = p.text != nil
	if p.text != nil {
		res.TextRelaxed, res.TextIgnored = p.text.words()
	}
	k := min(q.Offset+q.Limit, res.Total)
	out := make([]match, 0, k)
	for _, o := range order {
		if len(out) == k || !p.live() {
			break
		}
		if f.static(o) {
			out = append(out, match{o: o})
		}
	}
	return res, out
}
