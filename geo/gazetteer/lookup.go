package gazetteer

import (
	"sort"
	"strings"
	"unicode/utf8"
)

// MaxQueryLen bounds the text a lookup reads, in bytes; place names are
// far shorter.
const MaxQueryLen = 200

// Lookup resolves a place name, INSEE code or postcode, best match first.
// It forgives case, accents, hyphens, apostrophes, "St"/"Ste" and leading
// articles, and reads a qualifier after the name to pick among homonyms:
// "Rodez (12)", "Saint-Affrique, Aveyron", "Villeneuve, Occitanie",
// "Montpellier 34000". Homonyms rank Occitanie first, then by population.
// limit <= 0 returns every match.
func (g *Gazetteer) Lookup(q string, limit int) []Match {
	name, qual := splitQualifier(clip(q))
	if name == "" {
		return nil
	}
	var out []Match
	switch {
	case isDigits(name, 5) || isCorsicanINSEE(name):
		// People type postcodes far more often than INSEE codes, and the two
		// overlap (12100 is Millau's postcode and Firmi's code).
		for _, c := range g.ByPostcode(name) {
			out = append(out, Match{Kind: KindCommune, Commune: c, Via: "postcode"})
		}
		if c, ok := g.Commune(name); ok && (len(out) == 0 || out[0].Commune != c) {
			out = append(out, Match{Kind: KindCommune, Commune: c, Via: "insee"})
		}
	case isDeptCode(name):
		if d, ok := g.Departement(name); ok {
			out = append(out, Match{Kind: KindDepartement, Area: d, Via: "code"})
		}
	default:
		for _, r := range g.byKey[Normalize(name)] {
			via := "name"
			if r.alt {
				via = "altname"
			}
			out = append(out, g.match(r, via))
		}
		g.rank(out)
	}
	if qual != "" {
		out = g.qualify(out, qual)
	}
	if limit > 0 && len(out) > limit {
		out = out[:limit]
	}
	return out
}

// Prefix returns places whose name (or a variant) starts with prefix, for
// autocompletion: Occitanie first, régions and départements before
// communes, then the most populous, so "toul" offers Toulouse before Toul.
func (g *Gazetteer) Prefix(prefix string, limit int) []Match {
	p := Normalize(clip(prefix))
	if p == "" {
		return nil
	}
	if limit <= 0 {
		limit = 10
	}
	// Short prefixes span thousands of keys: keep only the best limit
	// refs, ranked by a score computed at load time.
	top := make([]ref, 0, limit+1)
	i := sort.SearchStrings(g.keys, p)
	for ; i < len(g.keys) && strings.HasPrefix(g.keys[i], p); i++ {
		for _, r := range g.byKey[g.keys[i]] {
			top = g.insertTop(top, r, limit)
		}
	}
	out := make([]Match, len(top))
	for i, r := range top {
		m := g.match(r, "prefix")
		if Normalize(m.Name()) == p {
			m.Via = "name"
		}
		out[i] = m
	}
	return out
}

// insertTop adds r to top, kept sorted by descending score and at most
// limit long, ignoring a place already there under another name.
func (g *Gazetteer) insertTop(top []ref, r ref, limit int) []ref {
	s := g.rankOf(r)
	if len(top) == limit && s <= g.rankOf(top[len(top)-1]) {
		return top
	}
	for k, t := range top {
		if t.kind == r.kind && t.i == r.i {
			if t.alt && !r.alt {
				// Found again by its official name: rank it as such.
				top = append(top[:k], top[k+1:]...)
				break
			}
			return top
		}
	}
	j := sort.Search(len(top), func(k int) bool { return g.rankOf(top[k]) < s })
	top = append(top, ref{})
	copy(top[j+1:], top[j:])
	top[j] = r
	if len(top) > limit {
		top = top[:limit]
	}
	return top
}

// score ranks a place for autocompletion: Occitanie, then régions and
// départements, then current communes by population; ties go to the lower
// index, so the order is deterministic. rankOf adds the name's weight.
func (g *Gazetteer) score(r ref) int64 {
	var occ, kind, pop int64
	switch r.kind {
	case KindRegion:
		kind = 3
		if g.regions[r.i].Code == Occitanie {
			occ = 1
		}
	case KindDepartement:
		kind = 2
		if g.depts[r.i].Region == Occitanie {
			occ = 1
		}
	default:
		c := &g.communes[r.i]
		pop = min(int64(c.Population), 1<<24-1)
		if c.Region == Occitanie {
			occ = 1
		}
		if c.Status == Current {
			kind = 1
		}
	}
	return ((occ<<2|kind)<<24|pop)<<20 - int64(r.i)
}

// rankOf is a ref's autocompletion rank: a match on the official name
// beats one on a variant (typing "rod" wants Rodez, not Rouen's Latin
// name), then score.
func (g *Gazetteer) rankOf(r ref) int64 {
	s := g.scores[r.kind][r.i]
	if !r.alt {
		s += 1 << 50
	}
	return s
}

var kindRank = map[Kind]int{KindRegion: 0, KindDepartement: 1, KindCommune: 2}

// Suggest proposes places for a name that Lookup did not resolve: names
// starting with it, then names within a small edit distance (typos).
func (g *Gazetteer) Suggest(q string, limit int) []Match {
	if limit <= 0 {
		limit = 5
	}
	name, _ := splitQualifier(clip(q))
	out := g.Prefix(name, limit)
	if len(out) >= limit {
		return out
	}
	k := Normalize(name)
	n := utf8.RuneCountInString(k)
	if n < 3 {
		return out
	}
	maxDist := 1
	if n >= 7 {
		maxDist = 2
	}
	seen := map[string]bool{}
	for _, m := range out {
		seen[string(m.Kind)+m.Code()] = true
	}
	var extra []Match
	for _, key := range g.keys {
		if d := utf8.RuneCountInString(key) - n; d > maxDist || d < -maxDist {
			continue
		}
		if editDistance(k, key, maxDist) > maxDist {
			continue
		}
		for _, r := range g.byKey[key] {
			m := g.match(r, "similar")
			if !seen[string(m.Kind)+m.Code()] {
				seen[string(m.Kind)+m.Code()] = true
				extra = append(extra, m)
			}
		}
	}
	g.rank(extra)
	out = append(out, extra...)
	if len(out) > limit {
		out = out[:limit]
	}
	return out
}

func (g *Gazetteer) match(r ref, via string) Match {
	switch r.kind {
	case KindDepartement:
		return Match{Kind: r.kind, Area: &g.depts[r.i], Via: via}
	case KindRegion:
		return Match{Kind: r.kind, Area: &g.regions[r.i], Via: via}
	}
	return Match{Kind: r.kind, Commune: &g.communes[r.i], Via: via}
}

// rank orders matches: exact official names before variants and prefixes,
// régions and départements before communes of the same name, Occitanie
// first, current communes before former ones, then by population and code.
func (g *Gazetteer) rank(ms []Match) {
	sort.SliceStable(ms, func(i, j int) bool {
		a, b := ms[i], ms[j]
		if va, vb := a.Via == "name", b.Via == "name"; va != vb {
			return va
		}
		if a.Kind != b.Kind {
			return kindRank[a.Kind] < kindRank[b.Kind]
		}
		if oa, ob := a.InOccitanie(), b.InOccitanie(); oa != ob {
			return oa
		}
		if a.Commune != nil {
			if ca, cb := a.Commune.Status == Current, b.Commune.Status == Current; ca != cb {
				return ca
			}
			if a.Commune.Population != b.Commune.Population {
				return a.Commune.Population > b.Commune.Population
			}
		}
		return a.Code() < b.Code()
	})
}

// qualify keeps the matches that the qualifier describes: a département
// code or name, a région name or a postcode.
func (g *Gazetteer) qualify(ms []Match, qual string) []Match {
	qk := Normalize(qual)
	var out []Match
	for _, m := range ms {
		dept, region := "", ""
		var postcodes []string
		switch {
		case m.Commune != nil:
			dept, region, postcodes = m.Commune.Dept, m.Commune.Region, g.Current(m.Commune).Postcodes
		case m.Kind == KindDepartement:
			dept, region = m.Area.Code, m.Area.Region
		default:
			region = m.Area.Code
		}
		ok := strings.EqualFold(qk, dept)
		if d, found := g.Departement(dept); found && Normalize(d.Name) == qk {
			ok = true
		}
		if r, found := g.Region(region); found && Normalize(r.Name) == qk {
			ok = true
		}
		for _, pc := range postcodes {
			if pc == qk {
				ok = true
			}
		}
		if ok {
			out = append(out, m)
		}
	}
	return out
}

// splitQualifier separates "Rodez (12)", "Saint-Affrique, Aveyron",
// "Montpellier 34000" and "34000 Montpellier" into a name and a qualifier.
func splitQualifier(q string) (name, qual string) {
	q = strings.TrimSpace(q)
	if strings.HasSuffix(q, ")") {
		if i := strings.LastIndexByte(q, '('); i > 0 {
			return strings.TrimSpace(q[:i]), strings.TrimSpace(q[i+1 : len(q)-1])
		}
	}
	if i := strings.LastIndexByte(q, ','); i > 0 {
		return strings.TrimSpace(q[:i]), strings.TrimSpace(q[i+1:])
	}
	f := strings.Fields(q)
	if len(f) >= 2 {
		if last := f[len(f)-1]; isDigits(last, 5) {
			return strings.Join(f[:len(f)-1], " "), last
		}
		if isDigits(f[0], 5) {
			return strings.Join(f[1:], " "), f[0]
		}
	}
	return q, ""
}

func clip(s string) string {
	if len(s) <= MaxQueryLen {
		return s
	}
	s = s[:MaxQueryLen]
	for !utf8.ValidString(s) {
		s = s[:len(s)-1]
	}
	return s
}

func isDigits(s string, n int) bool {
	if len(s) != n {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// isCorsicanINSEE matches codes such as 2A004 and 2B033.
func isCorsicanINSEE(s string) bool {
	return len(s) == 5 && s[0] == '2' && (s[1] == 'A' || s[1] == 'B' || s[1] == 'a' || s[1] == 'b') && isDigits(s[2:], 3)
}

func isDeptCode(s string) bool {
	return isDigits(s, 2) || isDigits(s, 3) || strings.EqualFold(s, "2A") || strings.EqualFold(s, "2B")
}

// editDistance is the Levenshtein distance between a and b, or max+1 as
// soon as it is known to exceed max.
func editDistance(a, b string, max int) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		rowMin := cur[0]
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			rowMin = min(rowMin, cur[j])
		}
		if rowMin > max {
			return max + 1
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}

// Labels lists the labels of matches, "Rodez (12)", for suggestions.
func Labels(ms []Match) []string {
	out := make([]string, 0, len(ms))
	for _, m := range ms {
		out = append(out, m.Label())
	}
	return out
}

// DidYouMean is the clause that ends a message about a name that matched
// nothing: "; did you mean Rodez (12), Rodès (66)?", or "" without
// suggestions.
func DidYouMean(ms []Match) string {
	if len(ms) == 0 {
		return ""
	}
	return "; did you mean " + strings.Join(Labels(ms), ", ") + "?"
}

// Homonyms returns the other current communes whose official name folds
// to c's, best first as Lookup ranks them: "Villeneuve (12)" has
// Villeneuve (09), (04), (01)… A page says them out loud.
func (g *Gazetteer) Homonyms(c *Commune) []Match {
	var out []Match
	for _, r := range g.byKey[Normalize(c.Name)] {
		if r.kind != KindCommune || r.alt {
			continue
		}
		if h := &g.communes[r.i]; h.INSEE != c.INSEE && h.Status == Current {
			out = append(out, g.match(r, "name"))
		}
	}
	g.rank(out)
	return out
}
