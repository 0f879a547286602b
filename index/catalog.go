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
	"github.com/tierslieux/tierslieux/index/text"
	"github.com/tierslieux/tierslieux/ingest"
)

// Catalog is the index of a set of places: their records, an R-tree of
// their points, filter bitmaps, the postings of their text and their
// names, all keyed by place number (the position in Places). It is
// read-only once built and safe for concurrent readers. Whoever opens a
// catalog closes it; engines only borrow it.
type Catalog struct {
	Places []ingest.Place
	Geo    *geo.Index
	Text   *text.Index
	// Report is what the ingest that built the catalog found.
	Report *ingest.Report

	byID map[string]uint32
	// cells finds the places of a disc or a box by runs of ordinals: the
	// places are in cell order.
	cells   *geo.Cells
	filters filterSets
	// sortName holds lower-case names, for alphabetical order.
	sortName []string
	orders   orders
	terms    *termCache
	names    nameIndex
	// deptNames and regionNames give the names of the codes places carry.
	deptNames, regionNames map[string]string
	words                  wordTerms
	hours                  schedules
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
func (c *Catalog) Len() int { return len(c.Places) }

// Place returns the place with this ID.
func (c *Catalog) Place(id string) (*ingest.Place, bool) {
	i, ok := c.byID[id]
	if !ok {
		return nil, false
	}
	return &c.Places[i], true
}

// Ordinal returns the position of the place with this ID in Places.
func (c *Catalog) Ordinal(id string) (uint32, bool) {
	i, ok := c.byID[id]
	return i, ok
}

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
// same ID winning, and builds the R-tree and the filter bitmaps. text is
// the catalog's text index, which it then owns; so are places when owned
// (read from a file for it), which are then reordered where they lie.
func newCatalog(places []ingest.Place, owned bool, txt *text.Index, g *gazetteer.Gazetteer) *Catalog {
	c := &Catalog{byID: make(map[string]uint32, len(places)), Geo: geo.New(), Text: txt,
		deptNames: map[string]string{}, regionNames: map[string]string{}}
	// Which record each place is: the later of two with the same ID.
	keep := make([]int, 0, len(places))
	for i := range places {
		if k, dup := c.byID[places[i].ID]; dup {
			keep[k] = i
			continue
		}
		c.byID[places[i].ID] = uint32(len(keep))
		keep = append(keep, i)
	}
	c.orderByCell(places, keep, owned)
	c.sortName = make([]string, len(c.Places))
	c.hours = newSchedules(len(c.Places))
	seenHours := map[string]int32{}
	for i := range c.Places {
		p := &c.Places[i]
		c.Geo.Insert(uint32(i), p.Lon, p.Lat)
		c.sortName[i] = strings.ToLower(p.Name)
		c.hours.add(i, p.OpeningHours, seenHours)
		if g != nil {
			c.nameAreas(g, p)
		}
	}
	c.filters = newFilterSets(c.Places)
	c.terms = newTermCache(len(c.Places))
	c.names.cat = c
	return c
}

// orderByCell puts the places in cell order (geo.CellOrder): the places
// of any map cell are then one run of ordinals, so the places of a disc
// or a box are counted a run at a time (geo.Cells, bitset.countRange),
// and neighbours sit side by side in memory.
func (c *Catalog) orderByCell(places []ingest.Place, keep []int, owned bool) {
	lon, lat := make([]float64, len(keep)), make([]float64, len(keep))
	for i, k := range keep {
		lon[i], lat[i] = places[k].Lon, places[k].Lat
	}
	order := geo.CellOrder(lon, lat)
	var sorted []ingest.Place
	if owned && len(keep) == len(places) {
		// Every record kept, in a slice of our own: permute it in place
		// rather than hold two copies of a million places at once.
		permute(places, order)
		sorted = places
	} else {
		sorted = make([]ingest.Place, len(keep))
		for i, o := range order {
			sorted[i] = places[keep[o]]
		}
	}
	for i := range sorted {
		lon[i], lat[i] = sorted[i].Lon, sorted[i].Lat
	}
	compact(sorted)
	// A new map, keyed by the compacted IDs: the old keys would keep the
	// strings they were read into alive.
	c.byID = make(map[string]uint32, len(sorted))
	for i := range sorted {
		c.byID[sorted[i].ID] = uint32(i)
	}
	c.Places = sorted
	c.cells = geo.NewCells(lon, lat)
}

// permute reorders places so that places[i] is the one at order[i]
// before, one cycle of the permutation at a time.
func permute(places []ingest.Place, order []int) {
	done := newBitset(len(places))
	for start := range places {
		if done.has(uint32(start)) {
			continue
		}
		tmp := places[start]
		j := start
		for {
			done.set(uint32(j))
			k := order[j]
			if k == start {
				places[j] = tmp
				break
			}
			places[j] = places[k]
			j = k
		}
	}
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
	c := newCatalog(places, false, txt, g)
	docs := make([]text.Doc, len(c.Places))
	for i := range c.Places {
		docs[i] = Doc(g, &c.Places[i])
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
