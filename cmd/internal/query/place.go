package query

import (
	"fmt"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/tierslieux/tierslieux/geo/gazetteer"
	"github.com/tierslieux/tierslieux/index"
)

// marked reports whether word i follows a place marker, maybe through an
// article ("près de Millau", "in the Lot", "dans le Gers").
func (r *reading) marked(i int) bool {
	if i == 0 {
		return false
	}
	k := r.keys[i-1]
	return placeMarkers[k] || weakMarkers[k] || isArticle(k)
}

// findPlace looks for the longest run of free words naming a place,
// preferring one right after a marker. It sets Near, Dept or Region and
// marks the words used.
func (r *reading) findPlace() error {
	g := r.p.Gazetteer
	var best *cand
	for i := range r.words {
		if !r.free(i) {
			continue
		}
		marked := r.marked(i)
		for j := i + 1; j <= len(r.words) && j-i <= 6; j++ {
			if r.used[j-1] || r.required[j-1] {
				break
			}
			last := r.keys[j-1]
			if stopWords[last] && !isLinkWord(last) {
				continue
			}
			span := strings.Join(r.words[i:j], " ")
			// A lone short word without a marker is too often a common word
			// that happens to name a commune ("Eu", "Bar", "Lot").
			if !marked && j-i == 1 && utf8.RuneCountInString(r.keys[i]) < 4 {
				continue
			}
			ms := g.Lookup(span, 0)
			if len(ms) == 0 || ms[0].Via == "postcode" || ms[0].Via == "insee" || ms[0].Via == "code" {
				continue
			}
			ms = r.pointFirst(i, ms)
			if !marked && !r.plausible(i, ms[0]) {
				continue
			}
			c := cand{i, j, ms[0], marked}
			if best == nil || better(c, *best, r.words) {
				best = &c
			}
		}
	}
	if best == nil {
		if r.fuzzyPlace() {
			return nil
		}
		return r.unresolved()
	}
	return r.takePlace(best.i, best.j, best.m, strings.Join(r.words[best.i:best.j], " "))
}

// pointMarkers introduce a point to measure from, not an area: "près de
// Paris", "à Paris", "within 30 km of Paris" read the commune, where "dans
// le Gers" or "in Aveyron" read the département.
var pointMarkers = setOf("pres", "proche", "autour", "alentours", "proximite", "near", "nearby", "around", "within",
	"close", "rayon", "moins", "nearest", "closest", "a", "at", "au")

// pointFirst puts first, after a marker of a point or with a distance,
// the commune that shares its name with the département or région
// matched first (Paris).
func (r *reading) pointFirst(i int, ms []gazetteer.Match) []gazetteer.Match {
	if ms[0].Commune != nil || i == 0 {
		return ms
	}
	k := r.keys[i-1]
	of := k == "of" || k == "de" || k == "d" || k == "du" || k == "from"
	if of && i > 1 && pointMarkers[r.keys[i-2]] {
		k = r.keys[i-2] // "près de Paris", "close to": the marker before
	}
	if !pointMarkers[k] && !(r.q.RadiusMeters > 0 && of) {
		return ms
	}
	for _, m := range ms[1:] {
		if m.Commune != nil && gazetteer.Normalize(m.Commune.Name) == gazetteer.Normalize(ms[0].Name()) {
			return []gazetteer.Match{m}
		}
	}
	return ms
}

// plausible says whether a name without a marker is a place: a
// capitalised word, or a lower-case one that is ours or a city; "atelier
// bois" is not about Bois (17).
func (r *reading) plausible(i int, m gazetteer.Match) bool {
	return unicode.IsUpper([]rune(r.words[i])[0]) || m.InOccitanie() ||
		(m.Commune != nil && m.Commune.Population >= 20000)
}

// takePlace uses words i to j as the place m, written as asked: a
// département or région filter, or a commune (read with its qualifier,
// "Villeneuve (09)") to measure from.
func (r *reading) takePlace(i, j int, m gazetteer.Match, asked string) error {
	for k := i; k < j; k++ {
		r.used[k] = true
	}
	switch m.Kind {
	case gazetteer.KindDepartement:
		r.q.Dept = m.Area.Code
	case gazetteer.KindRegion:
		r.q.Region = m.Area.Code
	default:
		c, qualified := r.qualifier(m.Commune, strings.Join(r.words[i:j], " "), j)
		if qualified != "" {
			asked = qualified
		}
		a, err := anchorOf(r.p.Gazetteer, c, asked, "q", &r.q.Notes)
		if err != nil {
			return err
		}
		r.q.Near = a
	}
	return nil
}

// qualifier reads the words right after a commune's name that say where
// it is — "Rodez (12)", "Rodez, Aveyron", "Villeneuve 09", "Millau
// Occitanie" — marks them used so they are not searched as text, and
// returns the commune they designate (another homonym, maybe) and the
// name as qualified.
func (r *reading) qualifier(c *gazetteer.Commune, name string, j int) (*gazetteer.Commune, string) {
	for n := min(3, len(r.words)-j); n >= 1; n-- {
		if slices.Contains(r.used[j:j+n], true) {
			continue
		}
		qualified := name + " (" + strings.Join(r.words[j:j+n], " ") + ")"
		ms := r.p.Gazetteer.Lookup(name+", "+strings.Join(r.words[j:j+n], " "), 1)
		if len(ms) == 0 || ms[0].Commune == nil {
			continue
		}
		for k := j; k < j+n; k++ {
			r.used[k] = true
		}
		return ms[0].Commune, qualified
	}
	return c, ""
}

type cand struct {
	i, j   int
	m      gazetteer.Match
	marked bool
}

// better prefers, in order: a name after a marker ("près de Millau"), a
// capitalised one, one in Occitanie, a commune, a longer one, a later one
// (place names tend to end a query).
func better(a, b cand, words []string) bool {
	if a.marked != b.marked {
		return a.marked
	}
	ca, cb := unicode.IsUpper([]rune(words[a.i])[0]), unicode.IsUpper([]rune(words[b.i])[0])
	if ca != cb {
		return ca
	}
	if oa, ob := a.m.InOccitanie(), b.m.InOccitanie(); oa != ob {
		return oa
	}
	// A commune is more precise than the département or région that may
	// follow it as a qualifier ("Millau Occitanie").
	if ca, cb := a.m.Commune != nil, b.m.Commune != nil; ca != cb {
		return ca
	}
	if a.j-a.i != b.j-b.i {
		return a.j-a.i > b.j-b.i
	}
	return a.i > b.i
}

// unresolved decides whether words that look like a place name but are
// not one make the query an error: after a strong marker ("près de",
// "near", a distance), or a capitalised word after "à", "in", "en".
func (r *reading) unresolved() error {
	start := -1
	for i := range r.words {
		if !r.free(i) {
			continue
		}
		// An article is a marker only after one ("dans le Xyz"): a query
		// may start with a name, "Le Lab".
		k := func(n int) string { return r.keys[n] }
		prevMarker := i > 0 && (placeMarkers[k(i-1)] || weakMarkers[k(i-1)] ||
			(isArticle(k(i-1)) && i > 1 && (placeMarkers[k(i-2)] || weakMarkers[k(i-2)])))
		capital := unicode.IsUpper([]rune(r.words[i])[0])
		if prevMarker && (r.strong || capital) {
			start = i
		}
	}
	if start < 0 {
		if r.strong {
			return index.Errorf(index.CodeUnknownPlace, "q", "names a distance or says \"near\" but no place this service knows; add a commune, département or région, or use the near parameter")
		}
		return nil
	}
	end := start
	for end < len(r.words) && !r.used[end] && (!stopWords[r.keys[end]] || isLinkWord(r.keys[end])) {
		end++
	}
	name := strings.Join(r.words[start:end], " ")
	return unknownPlace(r.p.Gazetteer, "q", name, "place %q is not a French commune, département or région")
}

// fuzzyPlace reads a typo in a place name in free text ("fablab
// montpelier"): one or two free words one edit away from the name of a
// commune of Occitanie or a city, a département or a région. It is taken
// as that place when it can mean only that one, and said as a correction;
// when it could mean several, they are offered (DidYouMean) and the words
// stay text. A word the catalog's text holds is not a typo, unless it
// reads as the place's own name; without the catalog to tell, nothing is
// corrected. It reports whether it took a place.
func (r *reading) fuzzyPlace() bool {
	q := r.q
	if q.Near != nil || q.Dept != "" || q.Region != "" || r.p.Names == nil {
		return false
	}
	for n := 2; n >= 1; n-- {
		for i := 0; i+n <= len(r.words); i++ {
			if !r.spanFree(i, i+n) {
				continue
			}
			span := strings.Join(r.words[i:i+n], " ")
			ms := r.plausibleAll(i, r.p.fuzzy(span))
			if len(ms) == 0 {
				continue
			}
			if names := distinctNames(ms); len(names) > 1 {
				q.Notes.DidYouMean = &index.Ambiguity{From: span, Options: gazetteer.Labels(ms[:min(len(ms), 5)])}
				continue
			}
			if !r.p.Names.IsTypo(span, ms[0].Name()) {
				continue
			}
			q.Notes.DidYouMean = nil
			q.Notes.Corrections = append(q.Notes.Corrections, index.Correction{From: span, To: ms[0].Label(), Kind: "place"})
			if err := r.takePlace(i, i+n, ms[0], ms[0].Name()); err == nil {
				return true
			}
		}
	}
	return false
}

// spanFree reports whether words i to j are all free.
func (r *reading) spanFree(i, j int) bool {
	for k := i; k < j; k++ {
		if !r.free(k) {
			return false
		}
	}
	return true
}

// plausibleAll keeps the matches that words starting at i may mean, in
// a slice of its own: ms may be shared (Parser.fuzzy).
func (r *reading) plausibleAll(i int, ms []gazetteer.Match) []gazetteer.Match {
	var out []gazetteer.Match
	for _, m := range ms {
		if r.marked(i) || r.plausible(i, m) {
			out = append(out, m)
		}
	}
	return out
}

// distinctNames lists the different folded names among matches:
// homonyms are one name.
func distinctNames(ms []gazetteer.Match) []string {
	var out []string
	for _, m := range ms {
		if k := gazetteer.Normalize(m.Name()); !slices.Contains(out, k) {
			out = append(out, k)
		}
	}
	return out
}

// anchorOf turns a commune into the point a query is measured from, with
// its département and its homonyms. When the name asked is not the
// commune's own ("Villeneuve (30)" read as Villeneuve-lès-Avignon, an old
// name), notes say so.
func anchorOf(g *gazetteer.Gazetteer, c *gazetteer.Commune, asked, param string, notes *index.Notes) (*index.Anchor, error) {
	if !c.HasPoint() {
		c = g.Current(c)
	}
	if !c.HasPoint() {
		return nil, index.Errorf(index.CodeUnknownPlace, param, "%s (%s) has no known location", c.Name, c.Dept)
	}
	a := &index.Anchor{Name: c.Name, INSEE: c.INSEE, Dept: c.Dept, Lat: c.Lat, Lon: c.Lon}
	if d, ok := g.Departement(c.Dept); ok {
		a.DeptName = d.Name
	}
	for _, h := range g.Homonyms(c) {
		alt := index.Alternative{Name: h.Commune.Name, Dept: h.Commune.Dept, INSEE: h.Commune.INSEE}
		if d, ok := g.Departement(alt.Dept); ok {
			alt.DeptName = d.Name
		}
		a.Alternatives = append(a.Alternatives, alt)
	}
	name, _, _ := strings.Cut(asked, "(")
	if asked != "" && gazetteer.Normalize(name) != gazetteer.Normalize(c.Name) && !alreadyCorrected(notes, c) {
		notes.Corrections = append(notes.Corrections, index.Correction{From: asked, To: fmt.Sprintf("%s (%s)", c.Name, c.Dept), Kind: "place"})
	}
	return a, nil
}

func alreadyCorrected(notes *index.Notes, c *gazetteer.Commune) bool {
	to := fmt.Sprintf("%s (%s)", c.Name, c.Dept)
	for _, n := range notes.Corrections {
		if n.To == to {
			return true
		}
	}
	return false
}

// unknownPlace is the error for a name that resolves to nothing, said by
// format (which names it with %q), with the gazetteer's suggestions.
func unknownPlace(g *gazetteer.Gazetteer, param, name, format string) *index.Error {
	return index.Errorf(index.CodeUnknownPlace, param, format, name).WithSuggestions(gazetteer.Labels(g.Suggest(name, 5)))
}
