package index

import "github.com/tierslieux/tierslieux/ingest"

// filterSets are the catalog's filter bitmaps: for each type, service,
// département and région, the places that have it, and the demo places.
// Structured queries are answered from them without the text index.
type filterSets struct {
	n        int
	types    map[string]bitset
	services map[string]bitset
	depts    map[string]bitset
	regions  map[string]bitset
	demo     bitset
	// lists holds, for each controlled list (ingest.Lists) and term, the
	// places that have it: publics, fees, accessibility…
	lists map[string]map[string]bitset
}

// newFilterSets readies the bitmaps of n places, empty; add fills them.
func newFilterSets(n int) filterSets {
	fs := filterSets{n: n, types: map[string]bitset{}, services: map[string]bitset{},
		depts: map[string]bitset{}, regions: map[string]bitset{}, demo: newBitset(n),
		lists: map[string]map[string]bitset{}}
	for _, l := range ingest.Lists {
		fs.lists[l.Name] = map[string]bitset{}
	}
	return fs
}

// add sets place o's bits.
func (fs *filterSets) add(o uint32, p *ingest.Place) {
	for _, t := range p.Types {
		fs.get(fs.types, t).set(o)
	}
	for _, s := range p.Services {
		fs.get(fs.services, s).set(o)
	}
	if p.Dept != "" {
		fs.get(fs.depts, p.Dept).set(o)
	}
	if p.Region != "" {
		fs.get(fs.regions, p.Region).set(o)
	}
	if p.Demo {
		fs.demo.set(o)
	}
	for _, l := range ingest.Lists {
		for _, id := range l.Values(p) {
			fs.get(fs.lists[l.Name], id).set(o)
		}
	}
}

func (fs *filterSets) get(m map[string]bitset, k string) bitset {
	b, ok := m[k]
	if !ok {
		b = newBitset(fs.n)
		m[k] = b
	}
	return b
}

// filter holds a query's bitmaps, one per dimension; nil means no
// filter on it.
type filter struct {
	types, services, dept, region, demo bitset
	// scope is the query's territory (Query.Scope): never a facet, so no
	// facet counts a place outside it.
	scope bitset
	// lists are the controlled lists' filters, by list name: a place
	// holds one of the terms asked in each.
	lists map[string]bitset
	all   bitset      // every dimension
	open  *openFilter // nil: no hours asked
}

// bits is the filter's bitmap as an intersection to walk, nil (every
// place) when no dimension is asked.
func (f *filter) bits() allOf {
	if f.all == nil {
		return nil
	}
	return allOf{f.all}
}

// pass reports whether a place passes every filter, its hours included.
func (f *filter) pass(o uint32) bool { return f.static(o) && (f.open == nil || f.open.pass(o)) }

// static reports whether a place passes the bitmaps.
func (f *filter) static(o uint32) bool { return f.all == nil || f.all.has(o) }

// none reports whether no filter applies.
func (f *filter) none() bool { return f.all == nil && f.open == nil }

// filter composes a query's bitmaps. They are shared when a dimension
// needs only one, and built only when it combines several: at a million
// places each is 125 KB.
func (c *Catalog) filter(q *Query, f *filter) *filter {
	c.filters.filter(q, f)
	if s := c.scopeSet(q.Scope); s != nil {
		f.scope = s
		f.all = intersect(f.all, s)
	}
	if q.Open != nil {
		f.open = newOpenFilter(&c.hours, *q.Open, q.OpenUnknown)
	}
	return f
}

func (fs *filterSets) filter(q *Query, f *filter) {
	*f = filter{}
	var empty bitset
	pick := func(m map[string]bitset, k string) bitset {
		if b, ok := m[k]; ok {
			return b
		}
		if empty == nil {
			empty = newBitset(fs.n)
		}
		return empty
	}
	switch len(q.Types) {
	case 0:
	case 1:
		f.types = pick(fs.types, q.Types[0])
	default:
		f.types = newBitset(fs.n)
		for _, t := range q.Types {
			if b, ok := fs.types[t]; ok {
				f.types.or(b)
			}
		}
	}
	for i, s := range q.Services {
		switch {
		case i == 0:
			f.services = pick(fs.services, s)
		case i == 1:
			f.services = f.services.clone()
			fallthrough
		default:
			f.services.and(pick(fs.services, s))
		}
	}
	if q.Dept != "" {
		f.dept = pick(fs.depts, q.Dept)
	}
	if q.Region != "" {
		f.region = pick(fs.regions, q.Region)
	}
	if q.Demo != nil {
		f.demo = fs.demo
		if !*q.Demo {
			f.demo = fs.demo.not(fs.n)
		}
	}
	dims := []bitset{f.types, f.services, f.dept, f.region, f.demo}
	for name, ids := range q.Lists {
		b := newBitset(fs.n)
		for _, id := range ids {
			if s, ok := fs.lists[name][id]; ok {
				b.or(s)
			}
		}
		if f.lists == nil {
			f.lists = map[string]bitset{}
		}
		f.lists[name] = b
		dims = append(dims, b)
	}
	f.all = intersect(dims...)
}

// intersect is the intersection of the non-nil sets, nil when all are:
// the one set itself when there is one, a new set otherwise.
func intersect(sets ...bitset) bitset {
	var all bitset
	n := 0
	for _, b := range sets {
		if b == nil {
			continue
		}
		switch n++; n {
		case 1:
			all = b
		case 2:
			all = all.clone()
			all.and(b)
		default:
			all.and(b)
		}
	}
	return all
}
