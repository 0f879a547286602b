package gazetteer

import (
	"bufio"
	"compress/gzip"
	"fmt"
	"io"
	"io/fs"
	"sort"
	"strconv"
	"strings"

	"github.com/tierslieux/tierslieux/geo"
)

// Occitanie is the INSEE code of the région this service is built for;
// homonyms there rank first.
const Occitanie = "76"

// Status says what kind of municipal unit a Commune is.
type Status string

// Statuses, as INSEE names them.
const (
	Current        Status = "commune"          // a commune today
	Delegated      Status = "commune-deleguee" // part of a commune nouvelle
	Associated     Status = "commune-associee"
	Arrondissement Status = "arrondissement-municipal" // Paris, Lyon, Marseille
)

// Point sources, in decreasing order of precision. Only the first two are
// town centres; the others borrow a neighbour's point and are approximate.
const (
	SourceGeoNames  = "geonames"  // GeoNames point of the commune itself
	SourceDelegated = "delegated" // GeoNames point of the chef-lieu of a commune nouvelle
	SourcePostcode  = "postcode"  // largest located commune sharing a postcode
	SourceEPCI      = "epci"      // largest located commune of the same intercommunality
	SourceParent    = "parent"    // a delegated commune or arrondissement standing at its parent's point
)

// Commune is one municipal unit. Lon and Lat are meaningful only when
// Source is not empty.
type Commune struct {
	INSEE      string
	Name       string
	Status     Status
	Parent     string // INSEE code of the current commune, for the other statuses
	Dept       string
	Region     string
	Postcodes  []string
	Population int
	Lon, Lat   float64
	Source     string
	AltNames   []string
}

// HasPoint reports whether the commune has coordinates.
func (c *Commune) HasPoint() bool { return c.Source != "" }

// Approximate reports whether the point is borrowed from a neighbour
// rather than the commune's own centre.
func (c *Commune) Approximate() bool {
	return c.Source != SourceGeoNames && c.Source != SourceDelegated
}

// Area is a département or a région.
type Area struct {
	Code   string
	Name   string
	Region string // for a département, its région's code
}

// Kind says what a Match refers to.
type Kind string

// Kinds of Match.
const (
	KindCommune     Kind = "commune"
	KindDepartement Kind = "departement"
	KindRegion      Kind = "region"
)

// Match is one answer to a lookup. Exactly one of Commune and Area is set.
type Match struct {
	Kind    Kind
	Commune *Commune
	Area    *Area
	// Via says what matched: "name", "altname", "insee", "postcode",
	// "code" or "prefix".
	Via string
}

// Name is the official name of what matched.
func (m Match) Name() string {
	if m.Commune != nil {
		return m.Commune.Name
	}
	return m.Area.Name
}

// Label names what matched for people: a commune with its département
// code, "Rodez (12)", so homonyms can be told apart; an area by its name.
func (m Match) Label() string {
	if m.Commune != nil {
		return fmt.Sprintf("%s (%s)", m.Commune.Name, m.Commune.Dept)
	}
	return m.Area.Name
}

// InOccitanie reports whether what matched is in the Occitanie région
// (or is the région).
func (m Match) InOccitanie() bool {
	switch {
	case m.Commune != nil:
		return m.Commune.Region == Occitanie
	case m.Kind == KindRegion:
		return m.Area.Code == Occitanie
	}
	return m.Area.Region == Occitanie
}

// Code is the INSEE code of the commune, département or région.
func (m Match) Code() string {
	if m.Commune != nil {
		return m.Commune.INSEE
	}
	return m.Area.Code
}

type ref struct {
	kind Kind
	i    int
	alt  bool
}

// Gazetteer answers lookups over communes, départements and régions. It
// is read-only once loaded and safe for concurrent use.
type Gazetteer struct {
	communes   []Commune
	depts      []Area
	regions    []Area
	byINSEE    map[string]int
	byPostcode map[string][]int
	deptByCode map[string]int
	regByCode  map[string]int
	byKey      map[string][]ref
	keys       []string // sorted keys of byKey, for prefix search
	tree       *geo.Index
	scores     map[Kind][]int64 // autocompletion rank of each place, by kind
	fuzzy      fuzzyIndex
}

// LoadFS reads the gazetteer file name from fsys, in Load's format:
// callers hand over the copy embedded in package data, or another.
func LoadFS(fsys fs.FS, name string) (*Gazetteer, error) {
	f, err := fsys.Open(name)
	if err != nil {
		return nil, fmt.Errorf("gazetteer: %w", err)
	}
	defer f.Close()
	return Load(f)
}

// Load reads a gazetteer in the gzipped TSV format that cmd/gengazetteer
// writes.
func Load(r io.Reader) (*Gazetteer, error) {
	zr, err := gzip.NewReader(r)
	if err != nil {
		return nil, fmt.Errorf("gazetteer: %w", err)
	}
	g := &Gazetteer{
		byINSEE:    map[string]int{},
		byPostcode: map[string][]int{},
		deptByCode: map[string]int{},
		regByCode:  map[string]int{},
		byKey:      map[string][]ref{},
		tree:       geo.New(),
	}
	sc := bufio.NewScanner(zr)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	line := 0
	for sc.Scan() {
		line++
		t := sc.Text()
		if t == "" || t[0] == '#' {
			continue
		}
		f := strings.Split(t, "\t")
		if err := g.addRow(f); err != nil {
			return nil, fmt.Errorf("gazetteer: line %d: %w", line, err)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("gazetteer: %w", err)
	}
	g.index()
	return g, nil
}

func (g *Gazetteer) addRow(f []string) error {
	switch f[0] {
	case "R":
		if len(f) != 3 {
			return fmt.Errorf("région row has %d fields, want 3", len(f))
		}
		g.regByCode[f[1]] = len(g.regions)
		g.regions = append(g.regions, Area{Code: f[1], Name: f[2]})
	case "D":
		if len(f) != 4 {
			return fmt.Errorf("département row has %d fields, want 4", len(f))
		}
		g.deptByCode[f[1]] = len(g.depts)
		g.depts = append(g.depts, Area{Code: f[1], Region: f[2], Name: f[3]})
	case "C":
		if len(f) != 13 {
			return fmt.Errorf("commune row has %d fields, want 13", len(f))
		}
		c := Commune{INSEE: f[2], Name: f[3], Dept: f[4], Region: f[5], Parent: f[6], Source: f[11]}
		switch f[1] {
		case "c":
			c.Status = Current
		case "d":
			c.Status = Delegated
		case "a":
			c.Status = Associated
		case "m":
			c.Status = Arrondissement
		default:
			return fmt.Errorf("unknown commune status %q", f[1])
		}
		if f[7] != "" {
			c.Postcodes = strings.Split(f[7], ",")
		}
		var err error
		if c.Population, err = strconv.Atoi(f[8]); err != nil {
			return fmt.Errorf("population: %w", err)
		}
		if c.Source != "" {
			if c.Lon, err = strconv.ParseFloat(f[9], 64); err != nil {
				return fmt.Errorf("longitude: %w", err)
			}
			if c.Lat, err = strconv.ParseFloat(f[10], 64); err != nil {
				return fmt.Errorf("latitude: %w", err)
			}
		}
		if f[12] != "" {
			c.AltNames = strings.Split(f[12], "|")
		}
		g.communes = append(g.communes, c)
	default:
		return fmt.Errorf("unknown row type %q", f[0])
	}
	return nil
}

// index builds the lookup maps once every row is read.
func (g *Gazetteer) index() {
	for i := range g.communes {
		c := &g.communes[i]
		// A current commune owns its code over a delegated one sharing it.
		if j, ok := g.byINSEE[c.INSEE]; !ok || g.communes[j].Status != Current {
			g.byINSEE[c.INSEE] = i
		}
		if c.Status == Current {
			for _, pc := range c.Postcodes {
				g.byPostcode[pc] = append(g.byPostcode[pc], i)
			}
			if c.HasPoint() && !c.Approximate() {
				g.tree.Insert(uint32(i), c.Lon, c.Lat)
			}
		}
		g.addKey(c.Name, ref{KindCommune, i, false})
		for _, a := range c.AltNames {
			g.addKey(a, ref{KindCommune, i, true})
		}
	}
	for i, d := range g.depts {
		g.addKey(d.Name, ref{KindDepartement, i, false})
	}
	for i, r := range g.regions {
		g.addKey(r.Name, ref{KindRegion, i, false})
	}
	g.scores = map[Kind][]int64{
		KindCommune:     make([]int64, len(g.communes)),
		KindDepartement: make([]int64, len(g.depts)),
		KindRegion:      make([]int64, len(g.regions)),
	}
	for kind, s := range g.scores {
		for i := range s {
			s[i] = g.score(ref{kind: kind, i: i})
		}
	}
	g.keys = make([]string, 0, len(g.byKey))
	for k := range g.byKey {
		g.keys = append(g.keys, k)
	}
	sort.Strings(g.keys)
}

func (g *Gazetteer) addKey(name string, r ref) {
	k := Normalize(name)
	if k == "" {
		return
	}
	for _, old := range g.byKey[k] {
		if old.kind == r.kind && old.i == r.i {
			return
		}
	}
	g.byKey[k] = append(g.byKey[k], r)
}

// Len is the number of communes of every status.
func (g *Gazetteer) Len() int { return len(g.communes) }

// Communes returns every commune of every status, in INSEE code order.
// The slice is shared: callers must not modify it.
func (g *Gazetteer) Communes() []Commune { return g.communes }

// Commune returns the commune with this INSEE code. A code shared by a
// commune nouvelle and its delegated chef-lieu returns the commune nouvelle.
func (g *Gazetteer) Commune(insee string) (*Commune, bool) {
	i, ok := g.byINSEE[strings.ToUpper(strings.TrimSpace(insee))]
	if !ok {
		return nil, false
	}
	return &g.communes[i], true
}

// Current returns the commune today holding c: c itself, or its parent.
func (g *Gazetteer) Current(c *Commune) *Commune {
	if c.Status == Current || c.Parent == "" {
		return c
	}
	if p, ok := g.Commune(c.Parent); ok {
		return p
	}
	return c
}

// ByPostcode returns the current communes served by a postcode, largest
// first.
func (g *Gazetteer) ByPostcode(pc string) []*Commune {
	idx := g.byPostcode[strings.TrimSpace(pc)]
	out := make([]*Commune, len(idx))
	for i, j := range idx {
		out[i] = &g.communes[j]
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Population > out[j].Population })
	return out
}

// Departement returns a département by code ("12", "2A", "971").
func (g *Gazetteer) Departement(code string) (*Area, bool) {
	i, ok := g.deptByCode[strings.ToUpper(strings.TrimSpace(code))]
	if !ok {
		return nil, false
	}
	return &g.depts[i], true
}

// Region returns a région by code ("76").
func (g *Gazetteer) Region(code string) (*Area, bool) {
	i, ok := g.regByCode[strings.TrimSpace(code)]
	if !ok {
		return nil, false
	}
	return &g.regions[i], true
}

// Departements returns every département in code order.
func (g *Gazetteer) Departements() []Area { return g.depts }

// Regions returns every région in code order.
func (g *Gazetteer) Regions() []Area { return g.regions }

// Nearest returns the current commune whose own centre is nearest to
// (lon, lat), with the distance in metres. Communes whose point is
// borrowed from a neighbour are left out: they would tie with it.
func (g *Gazetteer) Nearest(lon, lat float64) (*Commune, float64, bool) {
	hits := g.tree.Nearest(lon, lat, 1, 0, nil)
	if len(hits) == 0 {
		return nil, 0, false
	}
	return &g.communes[hits[0].ID], hits[0].Meters, true
}
