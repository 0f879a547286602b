package query

import (
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/tierslieux/tierslieux/geo"
	"github.com/tierslieux/tierslieux/geo/gazetteer"
	"github.com/tierslieux/tierslieux/index"
	"github.com/tierslieux/tierslieux/index/memo"
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

// Names tells the query language about the places of the index: whether
// folded words (gazetteer.Normalize) begin a place's name, which places'
// names start with a prefix, and whether a word is a typo of a name
// rather than a word of the catalog's text. *index.Catalog provides it.
type Names interface {
	IsPlaceName(folded string) bool
	// PlacesByPrefix keeps only the places keep accepts (nil: all).
	PlacesByPrefix(folded string, limit int, keep func(*ingest.Place) bool) []*ingest.Place
	IsTypo(word, name string) bool
}

// Parser turns free text into a query. Its fields are set before its
// first Parse and not changed after it (it keeps what the gazetteer
// answered), and a Parser is not copied once used.
type Parser struct {
	Gazetteer *gazetteer.Gazetteer
	// Names, when set, says which words name a place of the index: "Le
	// Pré Vert" is a place to find by name, not a search near Vert (78).
	Names Names
	// Now is the clock "ouvert demain" is read against; nil is the present.
	Now func() time.Time
	// SpeedKMH reads "within 20 minutes" as a radius; 0 is DefaultSpeedKMH.
	SpeedKMH float64

	// typos keeps the gazetteer's typo matches of the words of queries:
	// each word of a query's text that is not otherwise read is looked up
	// as a possible typo of a place, mostly the same few words ("atelier",
	// "coworking") in query after query.
	typos memo.Memo[[]gazetteer.Match]
	// vocabularyNear keeps the vocabulary terms one edit away from the
	// other words.
	vocabularyNear memo.Memo[[]string]
}

// maxMemoTypos bounds the words whose typo matches each memo keeps (a few
// hundred bytes each).
const maxMemoTypos = 20_000

// fuzzy is Gazetteer.Fuzzy(span), kept: the matches are shared by every
// caller, which must not change them.
func (p *Parser) fuzzy(span string) []gazetteer.Match {
	return p.typos.Of(span, maxMemoTypos, p.Gazetteer.Fuzzy)
}

// Parse reads free text in French or English: vocabulary terms become
// type and service filters, a place name becomes a point (commune) or a
// filter (département, région), a distance becomes a radius, "nearest"
// asks for the k nearest, and what is left is the full-text part. A typo
// in a place or a vocabulary word is corrected when it can mean only one
// thing, and said (Notes); a place name after a marker that cannot be
// resolved is an error with suggestions. Words marked "+word" or in
// quotes are always text, and required.
func (p *Parser) Parse(text string) (index.Query, error) {
	var q index.Query
	if len(text) > MaxQueryLen {
		return q, index.Errorf(index.CodeTooLong, "q", "is %d bytes long; the limit is %d", len(text), MaxQueryLen)
	}
	if !utf8.ValidString(text) {
		return q, index.Errorf(index.CodeInvalid, "q", "is not valid UTF-8")
	}
	text, required := requiredWords(text)
	now := p.now()
	q.Now = now
	text = readHours(&q, text, now, required)
	text, err := p.readMinutes(&q, text)
	if err != nil {
		return q, err
	}
	if text, err = readNumbers(&q, text); err != nil {
		return q, err
	}
	r := newReading(p, &q, text, required)
	r.vocabulary()
	if err := r.trip(); err != nil {
		return q, err
	}
	r.markers()
	if q.Near == nil && q.RadiusMeters == 0 && r.hasOtherWord() && p.isPlaceName(r.words) {
		// The whole text is (the start of) a place's name, "L'Atelier
		// Numérique Catalan": search it by name, vocabulary words included.
		q.Types, q.Services, q.Lists, q.Notes = nil, nil, nil, index.Notes{}
		q.Text, q.RelaxText = strings.Join(r.words, " "), true
		return q, nil
	}
	if q.Near == nil && !p.namesPlace(r.words, r.used) {
		if err := r.findPlace(); err != nil {
			return q, err
		}
	}
	if q.RadiusMeters > 0 && q.Near == nil && q.Trip == nil && (q.Dept != "" || q.Region != "") {
		// "à 30 km de l'Aveyron": an area has no point to measure from.
		return q, index.Errorf(index.CodeInvalid, "q", "names a distance from a département or région: a distance is measured from a commune or a point; name a commune, or drop the distance")
	}
	if q.Near != nil && q.RadiusMeters == 0 && !q.Nearest {
		q.AutoRadius = true
	}
	if t := q.Trip; t != nil && (t.From != nil || q.Near != nil) && t.To != nil {
		if err := finishTrip(&q); err != nil {
			return q, err
		}
	}
	r.text()
	return q, nil
}

// readNumbers reads a point ("43.6,1.44") and a distance ("30 km") out
// of text, and returns the rest.
func readNumbers(q *index.Query, text string) (string, error) {
	if !hasDigit(text) {
		return text, nil
	}
	if m := coordRE.FindStringSubmatchIndex(text); m != nil {
		lat, _ := strconv.ParseFloat(text[m[2]:m[3]], 64)
		lon, _ := strconv.ParseFloat(text[m[4]:m[5]], 64)
		if !geo.ValidPoint(lon, lat) {
			return text, index.Errorf(index.CodeOutOfRange, "q", "%q is not a latitude,longitude pair in range", text[m[0]:m[1]])
		}
		q.Near = &index.Anchor{Name: pointName(lat, lon), Lat: lat, Lon: lon}
		text = text[:m[0]] + " " + text[m[1]:]
	}
	if m := distanceRE.FindStringSubmatchIndex(text); m != nil {
		d, err := geo.ParseDistance(text[m[2]:m[3]] + unitOf(text[m[4]:m[5]]))
		if err != nil {
			return text, index.Errorf(index.CodeOutOfRange, "q", "distance %q: %v", strings.TrimSpace(text[m[0]:m[5]]), err)
		}
		if d == 0 || d > index.MaxRadiusMeters {
			return text, index.Errorf(index.CodeOutOfRange, "q", "distance %q: want more than 0 and at most %s", strings.TrimSpace(text[m[0]:m[5]]), geo.FormatDistance(index.MaxRadiusMeters))
		}
		if isDetour(text, m[0], m[5]) {
			q.Trip = &index.Trip{MaxDetourMeters: d}
		} else {
			q.RadiusMeters = d
		}
		text = text[:m[0]] + " " + text[m[5]:]
	}
	return text, nil
}

// reading is one text being parsed: its words as written, their folded
// keys, which words are used up (vocabulary, place, markers) and which
// the user required as text.
type reading struct {
	p           *Parser
	q           *index.Query
	words, keys []string
	used        []bool
	required    []bool
	// strong says a place must follow: a distance, "près de", "near".
	strong bool
}

func newReading(p *Parser, q *index.Query, text string, required map[string]bool) *reading {
	r := &reading{p: p, q: q, words: ingest.Words(text)}
	r.keys = make([]string, len(r.words))
	r.used = make([]bool, len(r.words))
	r.required = make([]bool, len(r.words))
	for i, w := range r.words {
		r.keys[i] = fold(w)
		r.required[i] = required[r.keys[i]]
	}
	return r
}

// free reports whether word i is still to be read: not used, not
// required text, not a stop word.
func (r *reading) free(i int) bool {
	return !r.used[i] && !r.required[i] && !stopWords[r.keys[i]]
}

// vocabulary reads types and services, "tiers-lieu" (every type), and
// vocabulary words with a typo.
func (r *reading) vocabulary() {
	for _, m := range ingest.FindTermsIn(r.words) {
		if slices.Contains(r.required[m.Start:m.End], true) {
			continue
		}
		r.mention(m)
	}
	r.vocabularyTypos()
}

func (r *reading) mention(m ingest.Mention) {
	switch {
	case m.AnyType:
	case m.List != "":
		if r.q.Lists == nil {
			r.q.Lists = map[string][]string{}
		}
		r.q.Lists[m.List] = ingest.AppendUnique(r.q.Lists[m.List], m.ID)
	case m.Service:
		r.q.Services = ingest.AppendUnique(r.q.Services, m.ID)
	default:
		r.q.Types = ingest.AppendUnique(r.q.Types, m.ID)
	}
	for j := m.Start; j < m.End; j++ {
		r.used[j] = true
	}
}

// markers reads "nearest" and the words that say a place must follow.
func (r *reading) markers() {
	r.strong = r.q.RadiusMeters > 0
	for i, k := range r.keys {
		if r.used[i] {
			continue
		}
		if k == "nearest" || k == "closest" || (k == "proche" && i > 0 && r.keys[i-1] == "plus") {
			r.q.Nearest = true
		}
		if placeMarkers[k] {
			r.strong = true
		}
	}
}

// hasOtherWord reports whether a word outside the vocabulary and the stop
// words is left: "fablab" alone is a type, not the start of a name.
func (r *reading) hasOtherWord() bool {
	for i, k := range r.keys {
		if !r.used[i] && !stopWords[k] {
			return true
		}
	}
	return false
}

// text makes the words left, stop words apart, the full-text part, and
// keeps which of them the user required.
func (r *reading) text() {
	var rest []string
	for i, w := range r.words {
		if r.required[i] {
			r.q.TextRequired = ingest.AppendUnique(r.q.TextRequired, w)
		}
		if !r.used[i] && (r.required[i] || !stopWords[r.keys[i]]) {
			rest = append(rest, w)
		}
	}
	r.q.Text = strings.Join(rest, " ")
	r.q.RelaxText = r.q.Text != ""
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
