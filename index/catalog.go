package index

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"strings"
	"sync"

	"github.com/tierslieux/tierslieux/geo"
	"github.com/tierslieux/tierslieux/geo/gazetteer"
	"github.com/tierslieux/tierslieux/index/memo"
	"github.com/tierslieux/tierslieux/index/text"
	"github.com/tierslieux/tierslieux/ingest"
)

// Catalog is the index of a set of places: their records, an R-tree of
// their points, filter bitmaps, the postings of their text and their
// names, all keyed by place number (the position in Places). It is
// read-only once built and safe for concurrent readers. Whoever opens a
// catalog closes it; engines only borrow it.
type Catalog struct {
	Text *text.Index
	// Report is what the ingest that built the catalog found.
	Report *ingest.Report

	// places holds the places' records, by ordinal; ids finds one by ID.
	places *placeStore
	ids    *idIndex
	// cells finds the places of a disc or a box by runs of ordinals: the
	// places are in cell order.
	cells *geo.Cells
	// rtree holds the points for polygons and trips (Geo), built once
	// the catalog is open; rtreeDone is closed when it is.
	rtree     *geo.Index
	rtreeDone chan struct{}
	filters   filterSets
	orders    orders
	terms     *termCache
	names     nameIndex
	// deptNames and regionNames give the names of the codes places carry.
	deptNames, regionNames map[string]string
	words                  memo.Memo[string]
	hours                  schedules
	// scoreSets lends queries their score sets (scoreSet).
	scoreSets sync.Pool
	// scopes caches the bitmaps of the partners' territories (Scope).
	scopes scopeCache

	// version says which data the catalog holds: set by Open, or made
	// from the places at the first Version call for one built in memory.
	versionMu sync.Mutex
	version   *Version
	closeOnce sync.Once
	closeErr  error
}

// Len is the number of places.
func (c *Catalog) Len() int { return c.places.len() }

// Place returns a copy of the place with this ID.
func (c *Catalog) Place(id string) (*ingest.Place, bool) {
	i, ok := c.Ordinal(id)
	if !ok {
		return nil, false
	}
	return c.places.place(i), true
}

// Places returns a copy of every place, in ordinal order.
func (c *Catalog) Places() []ingest.Place {
	out := make([]ingest.Place, c.Len())
	for i := range out {
		c.places.decode(uint32(i), &out[i])
	}
	return out
}

// At returns a copy of the place at ordinal o (0 ≤ o < Len). Its lists
// are the catalog's: they must not be changed.
func (c *Catalog) At(o int) *ingest.Place { return c.places.place(uint32(o)) }

// Ordinal returns the position of the place with this ID in Places.
func (c *Catalog) Ordinal(id string) (uint32, bool) { return c.ids.find(c.places, id) }

// AreaNames returns the names of a place's département and région, "" when
// unknown.
func (c *Catalog) AreaNames(p *ingest.Place) (dept, region string) {
	return c.deptNames[p.Dept], c.regionNames[p.Region]
}

// Close releases the text index; closing again does nothing.
func (c *Catalog) Close() error {
	if c.Text == nil {
		return nil
	}
	c.closeOnce.Do(func() { c.closeErr = errors.Join(c.terms.closeNumbering(), c.Text.Close()) })
	return c.closeErr
}

// newCatalog indexes places in memory order, the later of two with the
// same ID winning: it stores them in cell order and builds the R-tree and
// the filter bitmaps. text is the catalog's text index, which it then
// owns; places are only read.
func newCatalog(places []ingest.Place, txt *text.Index, g *gazetteer.Gazetteer) (*Catalog, error) {
	return catalogFromStore(storePlaces(places), nil, txt, g, false)
}

// storePlaces stores places in cell order, the later of two with the same
// ID kept.
func storePlaces(places []ingest.Place) *placeStore {
	keep := make([]int, 0, len(places))
	seen := make(map[string]int, len(places))
	for i := range places {
		if k, dup := seen[places[i].ID]; dup {
			keep[k] = i
			continue
		}
		seen[places[i].ID] = len(keep)
		keep = append(keep, i)
	}
	seen = nil
	order := cellOrder(places, keep)
	size := 0
	for _, k := range keep {
		size += recordBound(&places[k])
	}
	sb := newStoreBuilder(len(keep), size)
	for _, o := range order {
		sb.add(&places[keep[o]])
	}
	st := sb.done()
	st.repackLists()
	return st
}

// catalogFromStore indexes the places of a store, which it then owns: an
// R-tree and cells of their points, the filter bitmaps, names and hours,
// and takes what an image holds of the rest (nil: sorts the orders).
// Two places with one ID are an error.
//
// With number, the text index's numbering (PrepareText) starts as soon
// as the IDs are known, beside the rest.
func catalogFromStore(st *placeStore, im *image, txt *text.Index, g *gazetteer.Gazetteer, number bool) (*Catalog, error) {
	n := st.len()
	c := &Catalog{places: st, Text: txt, deptNames: map[string]string{}, regionNames: map[string]string{},
		hours: newSchedules(n), terms: newTermCache(n)}
	c.names.cat = c
	// Three independent parts, side by side: a million places take
	// seconds each way.
	var wg sync.WaitGroup
	var idErr, cellErr error // two places of one ID or IDs out of order; points out of cell order
	wg.Go(func() {
		if c.ids, idErr = newIDIndex(st); idErr != nil {
			return
		}
		if number {
			c.startNumbering()
		}
		if im != nil {
			// The list by ID is read in that order: it must be sorted.
			for i := 1; i < len(im.byID); i++ {
				if id, prev := st.id(im.byID[i]), st.id(im.byID[i-1]); id <= prev {
					idErr = fmt.Errorf("the order by ID puts %q after %q", id, prev)
					return
				}
			}
			c.orders.once.Do(func() { c.orders.set(im.byName, im.byID) })
		}
	})
	wg.Go(func() {
		for i := 1; i < n; i++ {
			if geo.CellKey(st.lon[i], st.lat[i]) < geo.CellKey(st.lon[i-1], st.lat[i-1]) {
				cellErr = fmt.Errorf("place %d is out of cell order", i+1)
				return
			}
		}
		c.cells = geo.NewCells(st.lon, st.lat)
	})
	seenHours := map[string]int32{}
	var p ingest.Place
	c.filters = newFilterSets(n)
	for i := range n {
		st.decode(uint32(i), &p)
		c.filters.add(uint32(i), &p)
		c.hours.add(i, p.OpeningHours, seenHours)
		if g != nil {
			c.nameAreas(g, &p)
		}
	}
	wg.Wait()
	if err := errors.Join(idErr, cellErr); err != nil {
		c.terms.closeNumbering()
		return nil, err
	}
	// The R-tree serves only polygons and trips (the cells answer discs,
	// boxes and the k nearest): built beside the first requests rather
	// than before the catalog is ready (0.6 s of CPU at a million places).
	c.rtree, c.rtreeDone = geo.New(), make(chan struct{})
	go func() {
		defer close(c.rtreeDone)
		for i := range n {
			c.rtree.Insert(uint32(i), st.lon[i], st.lat[i])
		}
	}()
	return c, nil
}

// Geo is the R-tree of the places' points. A caller in the moment after
// the catalog opened waits for it to be built.
func (c *Catalog) Geo() *geo.Index {
	<-c.rtreeDone
	return c.rtree
}

// cellOrder is the order of the kept places by cell (geo.CellOrder): the
// places of any map cell are then one run of ordinals, so the places of
// a disc or a box are counted a run at a time (geo.Cells,
// bitset.countRange), and neighbours sit side by side in memory.
func cellOrder(places []ingest.Place, keep []int) []int {
	lon, lat := make([]float64, len(keep)), make([]float64, len(keep))
	for i, k := range keep {
		lon[i], lat[i] = places[k].Lon, places[k].Lat
	}
	return geo.CellOrder(lon, lat)
}

func (c *Catalog) nameAreas(g *gazetteer.Gazetteer, p *ingest.Place) {
	if _, ok := c.deptNames[p.Dept]; !ok && p.Dept != "" {
		if d, ok := g.Departement(p.Dept); ok {
			c.deptNames[p.Dept] = d.Name
		}
	}
	if _, ok := c.regionNames[p.Region]; !ok && p.Region != "" {
		if r, ok := g.Region(p.Region); ok {
			c.regionNames[p.Region] = r.Name
		}
	}
}

// Load builds a catalog in memory from files of fsys (the embedded demo
// data, or a test's fixtures) through the same ingest pipeline as any
// export. A record that is rejected is an error: such files are ours.
func Load(ctx context.Context, fsys fs.FS, names []string, g *gazetteer.Gazetteer) (*Catalog, error) {
	var places []ingest.Place
	opts := ingest.Options{Converter: ingest.Converter{Gazetteer: g, Area: ingest.France}}
	rep, err := ingest.Run(ctx, fsys, names, opts, func(p ingest.Place) error {
		places = append(places, p)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("load %s: %w", strings.Join(names, ", "), err)
	}
	if rep.Rejected > 0 {
		return nil, fmt.Errorf("load %s: %d of %d records rejected, first: %s", strings.Join(names, ", "), rep.Rejected, rep.Read, firstRejection(rep))
	}
	c, err := NewMem(places, g)
	if err != nil {
		return nil, err
	}
	c.Report = rep
	return c, nil
}

// NewMem builds a catalog of places in memory, text index included.
func NewMem(places []ingest.Place, g *gazetteer.Gazetteer) (*Catalog, error) {
	txt, err := text.NewMemOnly()
	if err != nil {
		return nil, err
	}
	c, err := newCatalog(places, txt, g)
	if err != nil {
		txt.Close()
		return nil, err
	}
	docs := make([]text.Doc, c.Len())
	for i := range docs {
		docs[i] = Doc(g, c.At(i))
	}
	if err := txt.Add(docs); err != nil {
		txt.Close()
		return nil, err
	}
	return c, nil
}

func firstRejection(rep *ingest.Report) string {
	for _, e := range rep.Entries {
		if e.Severity == ingest.SeverityRejected {
			return fmt.Sprintf("%s:%d %s %s: %s", e.File, e.Line, e.Field, e.Reason, e.Message)
		}
	}
	return "none"
}

// Doc is the text the full-text index holds for a place: its name and
// description, the labels of its types and services in French and English
// (so "3D printing" finds "impression 3D"), its tags,
// and the names of its commune, département and région.
func Doc(g *gazetteer.Gazetteer, p *ingest.Place) text.Doc {
	var kw []string
	// Labels only: synonyms in a query are mapped to vocabulary IDs before
	// the text index is asked, and indexing every synonym of every
	// service would triple the analysis work.
	add := func(t *ingest.Term) { kw = append(kw, t.FR, t.EN) }
	for _, id := range p.Types {
		if t, ok := ingest.TypeTerm(id); ok {
			add(t)
		}
	}
	for _, id := range p.Services {
		if t, ok := ingest.ServiceTerm(id); ok {
			add(t)
		}
	}
	kw = append(kw, p.Tags...)
	where := []string{p.Commune}
	if g != nil {
		if d, ok := g.Departement(p.Dept); ok {
			where = append(where, d.Name)
		}
		if r, ok := g.Region(p.Region); ok {
			where = append(where, r.Name)
		}
	}
	return text.Doc{
		ID:          p.ID,
		Name:        p.Name,
		Description: p.Description,
		Keywords:    strings.Join(kw, " | "),
		Place:       strings.Join(where, " | "),
	}
}
