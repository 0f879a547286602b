package index

import (
	"cmp"
	"slices"
	"sync"
)

// orders are the places sorted once for the two orders a list with no
// point and no text takes: by name (then ID), and by ID (text whose every
// word is in no place scores nothing). A page of such a list is then its
// first places that pass the filters, not a sort of the whole catalog.
type orders struct {
	once         sync.Once
	byName, byID []uint32
}

func (c *Catalog) order(byName bool) []uint32 {
	c.orders.once.Do(func() {
		n := len(c.Places)
		c.orders.byName, c.orders.byID = make([]uint32, n), make([]uint32, n)
		for i := range n {
			c.orders.byName[i], c.orders.byID[i] = uint32(i), uint32(i)
		}
		var wg sync.WaitGroup
		wg.Go(func() {
			slices.SortFunc(c.orders.byName, func(a, b uint32) int {
				if r := cmp.Compare(c.sortName[a], c.sortName[b]); r != 0 {
					return r
				}
				return cmp.Compare(c.Places[a].ID, c.Places[b].ID)
			})
		})
		slices.SortFunc(c.orders.byID, func(a, b uint32) int { return cmp.Compare(c.Places[a].ID, c.Places[b].ID) })
		wg.Wait()
	})
	if byName {
		return c.orders.byName
	}
	return c.orders.byID
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
