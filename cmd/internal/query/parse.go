package query

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/tierslieux/tierslieux/geo"
	"github.com/tierslieux/tierslieux/geo/gazetteer"
	"github.com/tierslieux/tierslieux/index"
	"github.com/tierslieux/tierslieux/ingest"
)

var (
	// "43.6,1.44" or "43.6, 1.44": latitude then longitude, dotted decimals.
	coordRE = regexp.MustCompile(`(-?\d{1,2}\.\d+)\s*[,;]\s*(-?\d{1,3}\.\d+)`)
	// "30 km", "30km", "2,5 km", "500 m", "10 miles".
	// The unit must end the word: "20 m²" and "12 mégapixels" are not
	// distances (Go's \b knows only ASCII letters).
	distanceRE = regexp.MustCompile(`(?i)(\d+(?:[.,]\d+)?)[\s\p{Zs}]*(kms?|kilom[eè]tres?|kilometers?|m[eè]tres?|meters?|miles?|mi|m)(?:[\s\p{Zs},.;:!?)]|$)`)
)

// stopWords are connective words of both languages, dropped from the
// full-text part (folded: no accents, lower case).
var stopWords = setOf(
	// French
	"a", "au", "aux", "avec", "d", "de", "des", "du", "en", "et", "l", "la", "le", "les", "ou", "pour", "sur",
	"un", "une", "dans", "pres", "proche", "proches", "autour", "moins", "rayon", "plus", "chez", "vers",
	"alentours", "proximite", "qui", "offre", "offrant", "propose", "proposant", "equipe", "ayant", "y", "son",
	"sa", "ses", "mon", "ma", "mes", "cote", "environ", "lieu", "lieux", "tiers", "espace", "espaces", "cherche", "trouver", "je", "nous", "ici",
	// English
	"an", "and", "around", "at", "close", "for", "from", "in", "near", "nearby", "nearest", "closest", "of",
	"on", "or", "the", "to", "with", "within", "that", "offering", "has", "have", "having", "me", "my",
	"place", "places", "find", "show", "any", "some",
)

// placeMarkers say that a place name follows; when none resolves, the
// query is refused rather than searched world-wide.
var placeMarkers = setOf("pres", "proche", "autour", "alentours", "proximite", "near", "nearby", "around", "within", "close", "rayon", "moins", "nearest", "closest")

// weakMarkers introduce a place only sometimes ("à Toulouse", "in
// Aveyron", "dans le Gers", "en Lozère").
var weakMarkers = setOf("a", "in", "en", "dans", "at", "au", "aux", "sur", "de", "of", "to")

func setOf(words ...string) map[string]bool {
	m := make(map[string]bool, len(words))
	for _, w := range words {
		m[w] = true
	}
	return m
}

func fold(w string) string { return gazetteer.Normalize(w) }

// Names tells the query language about the places of the index: whether
// folded words (gazetteer.Normalize) begin a place's name, and which
// places' names start with a prefix. *index.Catalog provides it.
type Names interface {
	IsPlaceName(folded string) bool
	PlacesByPrefix(folded string, limit int) []*ingest.Place
}

// Parser turns free text into a query.
type Parser struct {
	Gazetteer *gazetteer.Gazetteer
	// Names, when set, says which words name a place of the index: "Le
	// Pré Vert" is a place to find by name, not a search near Vert (78).
	Names Names
}

// Parse reads free text in French or English: vocabulary terms become
// type and service filters, a place name becomes a point (commune) or a
// filter (département, région), a distance becomes a radius, "nearest"
// asks for the k nearest, and what is left is the full-text part. A place
// name that cannot be resolved is an error with suggestions.
func (p *Parser) Parse(text string) (index.Query, error) {
	var q index.Query
	if len(text) > MaxQueryLen {
		return q, index.Errorf(index.CodeTooLong, "q", "is %d bytes long; the limit is %d", len(text), MaxQueryLen)
	}
	if !utf8.ValidString(text) {
		return q, index.Errorf(index.CodeInvalid, "q", "is not valid UTF-8")
	}
	if m := coordRE.FindStringSubmatchIndex(text); m != nil {
		lat, _ := strconv.ParseFloat(text[m[2]:m[3]], 64)
		lon, _ := strconv.ParseFloat(text[m[4]:m[5]], 64)
		if !geo.ValidPoint(lon, lat) {
			return q, index.Errorf(index.CodeOutOfRange, "q", "%q is not a latitude,longitude pair in range", text[m[0]:m[1]])
		}
		q.Near = &index.Anchor{Name: fmt.Sprintf("%g,%g", lat, lon), Lat: lat, Lon: lon}
		text = text[:m[0]] + " " + text[m[1]:]
	}
	if m := distanceRE.FindStringSubmatchIndex(text); m != nil {
		d, err := geo.ParseDistance(text[m[2]:m[3]] + unitOf(text[m[4]:m[5]]))
		if err != nil {
			return q, index.Errorf(index.CodeOutOfRange, "q", "distance %q: %v", strings.TrimSpace(text[m[0]:m[5]]), err)
		}
		if d == 0 || d > index.MaxRadiusMeters {
			return q, index.Errorf(index.CodeOutOfRange, "q", "distance %q: want more than 0 and at most %s", strings.TrimSpace(text[m[0]:m[5]]), geo.FormatDistance(index.MaxRadiusMeters))
		}
		q.RadiusMeters = d
		text = text[:m[0]] + " " + text[m[5]:]
	}

	words := ingest.Words(text)
	keys := make([]string, len(words))
	for i, w := range words {
		keys[i] = fold(w)
	}
	used := make([]bool, len(words))
	for _, m := range ingest.FindTermsIn(words) {
		if m.Service {
			q.Services = ingest.AppendUnique(q.Services, m.ID)
		} else {
			q.Types = ingest.AppendUnique(q.Types, m.ID)
		}
		for j := m.Start; j < m.End; j++ {
			used[j] = true
		}
	}
	strong := q.RadiusMeters > 0
	for i, k := range keys {
		if used[i] {
			continue
		}
		if k == "nearest" || k == "closest" || (k == "proche" && i > 0 && keys[i-1] == "plus") {
			q.Nearest = true
		}
		if placeMarkers[k] {
			strong = true
		}
	}

	if q.Near == nil && q.RadiusMeters == 0 && hasOtherWord(keys, used) && p.isPlaceName(words) {
		// The whole text is (the start of) a place's name, "L'Atelier
		// Numérique Catalan": search it by name, vocabulary words included.
		q.Types, q.Services = nil, nil
		q.Text = strings.Join(words, " ")
		return q, nil
	}
	if q.Near == nil && !p.namesPlace(words, used) {
		if err := p.findPlace(&q, words, keys, used, strong); err != nil {
			return q, err
		}
	}
	if q.Near != nil && q.RadiusMeters == 0 && !q.Nearest {
		q.AutoRadius = true
	}
	var rest []string
	for i, w := range words {
		if !used[i] && !stopWords[keys[i]] {
			rest = append(rest, w)
		}
	}
	q.Text = strings.Join(rest, " ")
	return q, nil
}

// namesPlace reports whether the words left after the vocabulary are the
// beginning of a catalog place's name, in which case they are all text.
func (p *Parser) namesPlace(words []string, used []bool) bool {
	if p.Names == nil {
		return false
	}
	var rest []string
	for i, w := range words {
		if !used[i] {
			rest = append(rest, w)
		}
	}
	return p.isPlaceName(rest)
}

// hasOtherWord reports whether a word outside the vocabulary and the stop
// words is left: "fablab" alone is a type, not the start of a name.
func hasOtherWord(keys []string, used []bool) bool {
	for i, k := range keys {
		if !used[i] && !stopWords[k] {
			return true
		}
	}
	return false
}

// isPlaceName reports whether words begin a catalog place's name.
func (p *Parser) isPlaceName(words []string) bool {
	if p.Names == nil || len(words) == 0 {
		return false
	}
	folded := gazetteer.Normalize(strings.Join(words, " "))
	return utf8.RuneCountInString(folded) >= 3 && p.Names.IsPlaceName(folded)
}

// unitOf maps the unit words distanceRE accepts to ParseDistance's.
func unitOf(u string) string {
	switch f := fold(u); {
	case strings.HasPrefix(f, "k"):
		return "km"
	case strings.HasPrefix(f, "mi"):
		return "mi"
	}
	return "m"
}

// findPlace looks for the longest run of unused words naming a place,
// preferring one right after a marker. It sets Near, Dept or Region and
// marks the words used.
func (p *Parser) findPlace(q *index.Query, words, keys []string, used []bool, strong bool) error {
	var best *cand
	for i := range words {
		if used[i] || stopWords[keys[i]] {
			continue
		}
		marked := i > 0 && (placeMarkers[keys[i-1]] || weakMarkers[keys[i-1]] || gazetteer.IsArticle(keys[i-1]))
		for j := i + 1; j <= len(words) && j-i <= 6; j++ {
			if used[j-1] {
				break
			}
			last := keys[j-1]
			if stopWords[last] && !isLinkWord(last) {
				continue
			}
			span := strings.Join(words[i:j], " ")
			// A lone short word without a marker is too often a common word
			// that happens to name a commune ("Eu", "Bar", "Lot").
			if !marked && j-i == 1 && utf8.RuneCountInString(keys[i]) < 4 {
				continue
			}
			ms := p.Gazetteer.Lookup(span, 1)
			if len(ms) == 0 || ms[0].Via == "postcode" || ms[0].Via == "insee" || ms[0].Via == "code" {
				continue
			}
			// Without a marker, a lower-case word is a place only if it is
			// one of ours or a city: "atelier bois" is not about Bois (17).
			if !marked && !unicode.IsUpper([]rune(words[i])[0]) && !ms[0].InOccitanie() &&
				(ms[0].Commune == nil || ms[0].Commune.Population < 20000) {
				continue
			}
			c := cand{i, j, ms[0], marked}
			if best == nil || better(c, *best, words) {
				best = &c
			}
		}
	}
	if best == nil {
		return p.unresolved(words, keys, used, strong)
	}
	for k := best.i; k < best.j; k++ {
		used[k] = true
	}
	m := best.m
	switch m.Kind {
	case gazetteer.KindDepartement:
		q.Dept = m.Area.Code
	case gazetteer.KindRegion:
		q.Region = m.Area.Code
	default:
		c := p.qualifier(m.Commune, strings.Join(words[best.i:best.j], " "), words, used, best.j)
		a, err := anchorOf(p.Gazetteer, c, "q")
		if err != nil {
			return err
		}
		q.Near = a
	}
	return nil
}

// qualifier reads the words right after a commune's name that say where
// it is — "Rodez (12)", "Rodez, Aveyron", "Villeneuve 09", "Millau
// Occitanie" — marks them used so they are not searched as text, and
// returns the commune they designate (another homonym, maybe).
func (p *Parser) qualifier(c *gazetteer.Commune, name string, words []string, used []bool, j int) *gazetteer.Commune {
	for n := min(3, len(words)-j); n >= 1; n-- {
		if slices.Contains(used[j:j+n], true) {
			continue
		}
		ms := p.Gazetteer.Lookup(name+", "+strings.Join(words[j:j+n], " "), 1)
		if len(ms) == 0 || ms[0].Commune == nil {
			continue
		}
		for k := j; k < j+n; k++ {
			used[k] = true
		}
		return ms[0].Commune
	}
	return c
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
func (p *Parser) unresolved(words, keys []string, used []bool, strong bool) error {
	start := -1
	for i := range words {
		if used[i] || stopWords[keys[i]] {
			continue
		}
		// An article is a marker only after one ("dans le Xyz"): a query
		// may start with a name, "Le Lab".
		prevMarker := i > 0 && (placeMarkers[keys[i-1]] || weakMarkers[keys[i-1]] ||
			(gazetteer.IsArticle(keys[i-1]) && i > 1 && (placeMarkers[keys[i-2]] || weakMarkers[keys[i-2]])))
		capital := unicode.IsUpper([]rune(words[i])[0])
		if prevMarker && (strong || capital) {
			start = i
		}
	}
	if start < 0 {
		if strong {
			return &index.Error{Code: index.CodeUnknownPlace, Param: "q", Message: "names a distance or says \"near\" but no place this service knows; add a commune, département or région, or use the near parameter"}
		}
		return nil
	}
	end := start
	for end < len(words) && !used[end] && (!stopWords[keys[end]] || isLinkWord(keys[end])) {
		end++
	}
	name := strings.Join(words[start:end], " ")
	return unknownPlace(p.Gazetteer, "q", name, fmt.Sprintf("place %q is not a French commune, département or région", name))
}

// isLinkWord: words inside commune names ("Saint-Cyprien-sur-Dourdou",
// "Villefranche-de-Rouergue") that are stop words elsewhere.
func isLinkWord(k string) bool {
	switch k {
	case "sur", "de", "du", "des", "en", "la", "le", "les", "l", "d", "et", "sous", "aux", "au":
		return true
	}
	return false
}

// anchorOf turns a commune into the point a query is measured from.
func anchorOf(g *gazetteer.Gazetteer, c *gazetteer.Commune, param string) (*index.Anchor, error) {
	if !c.HasPoint() {
		c = g.Current(c)
	}
	if !c.HasPoint() {
		return nil, index.Errorf(index.CodeUnknownPlace, param, "%s (%s) has no known location", c.Name, c.Dept)
	}
	return &index.Anchor{Name: c.Name, INSEE: c.INSEE, Lat: c.Lat, Lon: c.Lon}, nil
}

// unknownPlace is the error for a name that resolves to nothing, with the
// gazetteer's suggestions.
func unknownPlace(g *gazetteer.Gazetteer, param, name, msg string) *index.Error {
	sug := g.Suggest(name, 5)
	return &index.Error{Code: index.CodeUnknownPlace, Param: param, Message: msg + gazetteer.DidYouMean(sug), Suggestions: gazetteer.Labels(sug)}
}
