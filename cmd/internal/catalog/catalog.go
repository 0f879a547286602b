package catalog

import (
	"context"
	"fmt"
	"strings"

	"github.com/tierslieux/tierslieux/data"
	"github.com/tierslieux/tierslieux/geo"
	"github.com/tierslieux/tierslieux/geo/gazetteer"
	"github.com/tierslieux/tierslieux/index"
	"github.com/tierslieux/tierslieux/ingest"
)

// Catalog is a read-only set of places with their spatial and text
// indexes. Place i has ID uint32(i) in Geo.
type Catalog struct {
	Places []ingest.Place
	Geo    *geo.Index
	Text   *index.Index
	// Report is what the ingest that built the catalog found.
	Report *ingest.Report
	byID   map[string]uint32
	dir    string // build directory on disk, "" in memory
}

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

// Close releases the text index.
func (c *Catalog) Close() error {
	if c.Text == nil {
		return nil
	}
	return c.Text.Close()
}

// newCatalog indexes places in memory order, the later of two with the
// same ID winning, and builds the R-tree.
func newCatalog(places []ingest.Place) *Catalog {
	c := &Catalog{byID: make(map[string]uint32, len(places)), Geo: geo.New()}
	for _, p := range places {
		if i, dup := c.byID[p.ID]; dup {
			c.Places[i] = p
			continue
		}
		c.byID[p.ID] = uint32(len(c.Places))
		c.Places = append(c.Places, p)
	}
	for i := range c.Places {
		c.Geo.Insert(uint32(i), c.Places[i].Lon, c.Places[i].Lat)
	}
	return c
}

// Embedded builds a catalog in memory from the demo data shipped in
// package data, through the same pipeline as any ingest.
func Embedded(ctx context.Context, g *gazetteer.Gazetteer) (*Catalog, error) {
	text, err := index.NewMemOnly()
	if err != nil {
		return nil, err
	}
	var places []ingest.Place
	opts := ingest.Options{Converter: ingest.Converter{Gazetteer: g, Area: ingest.France}}
	rep, err := ingest.Run(ctx, data.FS, []string{data.Places}, opts, func(p ingest.Place) error {
		places = append(places, p)
		return nil
	})
	if err != nil {
		text.Close()
		return nil, fmt.Errorf("embedded places: %w", err)
	}
	if rep.Rejected > 0 {
		text.Close()
		return nil, fmt.Errorf("embedded places: %d of %d records rejected, first: %s", rep.Rejected, rep.Read, firstRejection(rep))
	}
	c := newCatalog(places)
	docs := make([]index.Doc, len(c.Places))
	for i := range c.Places {
		docs[i] = Doc(g, &c.Places[i])
	}
	if err := text.Add(docs); err != nil {
		text.Close()
		return nil, err
	}
	c.Text, c.Report = text, rep
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
func Doc(g *gazetteer.Gazetteer, p *ingest.Place) index.Doc {
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
	return index.Doc{
		ID:          p.ID,
		Name:        p.Name,
		Description: p.Description,
		Keywords:    strings.Join(kw, " | "),
		Place:       strings.Join(where, " | "),
	}
}
