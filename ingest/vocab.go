package ingest

import (
	"slices"
	"sort"
	"strings"
	"unicode"

	"github.com/tierslieux/tierslieux/geo/gazetteer"
	"golang.org/x/text/unicode/norm"
)

// Term is one entry of the controlled vocabulary: a stable ID, French and
// English labels, and the other ways people write it.
type Term struct {
	ID       string   `json:"id"`
	FR       string   `json:"fr"`
	EN       string   `json:"en"`
	Synonyms []string `json:"synonyms,omitempty"`
}

// Types are the typologies of the Tiers-Lieux Occitanie network.
var Types = []Term{
	{ID: "coworking", FR: "Coworking", EN: "Coworking space", Synonyms: []string{
		"co-working", "cowork", "espace de coworking", "coworking space", "espace de travail partagé",
		"espaces de travail partagés", "bureau partagé", "bureaux partagés", "shared office", "shared workspace",
		"espace de travail collaboratif", "télétravail", "telework", "remote work"}},
	{ID: "fablab", FR: "Fablab", EN: "Fab lab", Synonyms: []string{
		"fab lab", "fab-lab", "makerspace", "maker space", "hackerspace", "hacklab",
		"atelier de fabrication numérique", "atelier de fabrication", "laboratoire de fabrication"}},
	{ID: "mediation-numerique", FR: "Médiation numérique", EN: "Digital inclusion", Synonyms: []string{
		"médiation", "espace de médiation numérique", "espace public numérique", "EPN", "inclusion numérique",
		"digital inclusion", "digital inclusion space", "digital help", "conseiller numérique", "point numérique",
		"espace numérique", "aide numérique", "accompagnement numérique", "digital support", "digital skills centre",
		"France Services", "maison France Services", "espace France Services", "MSAP", "maison de services au public",
		"maisons de services au public", "APTIC", "pass numérique", "point d'accès numérique"}},
}

// Services are the services and equipment a place may offer.
var Services = []Term{
	{ID: "impression-3d", FR: "Impression 3D", EN: "3D printing", Synonyms: []string{
		"imprimante 3D", "imprimantes 3D", "3D printer", "3D printers", "impression en 3D", "3D print"}},
	{ID: "decoupe-laser", FR: "Découpe laser", EN: "Laser cutting", Synonyms: []string{
		"découpeuse laser", "graveuse laser", "gravure laser", "laser cutter", "laser engraving", "laser"}},
	{ID: "fraiseuse-numerique", FR: "Fraiseuse numérique", EN: "CNC milling", Synonyms: []string{
		"fraiseuse CNC", "CNC", "CNC router", "CNC mill", "défonceuse numérique", "fraisage numérique"}},
	{ID: "brodeuse-numerique", FR: "Brodeuse numérique", EN: "Digital embroidery", Synonyms: []string{
		"machine à broder", "broderie numérique", "embroidery machine", "embroidery"}},
	{ID: "decoupe-vinyle", FR: "Découpe vinyle", EN: "Vinyl cutting", Synonyms: []string{
		"plotter de découpe", "traceur de découpe", "vinyl cutter", "vinyle"}},
	{ID: "electronique", FR: "Électronique", EN: "Electronics", Synonyms: []string{
		"atelier électronique", "arduino", "soudure électronique", "electronics bench", "electronic"}},
	{ID: "salle-de-reunion", FR: "Salle de réunion", EN: "Meeting room", Synonyms: []string{
		"salle de réunions", "salles de réunion", "meeting rooms", "conference room", "salle de séminaire"}},
	{ID: "bureau-privatif", FR: "Bureau privatif", EN: "Private office", Synonyms: []string{
		"bureau fermé", "bureaux privatifs", "private offices", "bureau individuel"}},
	{ID: "poste-nomade", FR: "Poste nomade", EN: "Hot desk", Synonyms: []string{
		"poste de travail nomade", "bureau nomade", "hot desking", "hot-desk", "open space", "flex desk"}},
	{ID: "poste-resident", FR: "Poste résident", EN: "Dedicated desk", Synonyms: []string{
		"poste fixe", "bureau dédié", "dedicated desks", "fixed desk"}},
	{ID: "fibre", FR: "Fibre", EN: "Fibre broadband", Synonyms: []string{
		"fibre optique", "très haut débit", "THD", "fiber", "fiber optic", "high-speed internet", "haut débit"}},
	{ID: "wifi", FR: "Wi-Fi", EN: "Wi-Fi", Synonyms: []string{"wi fi", "wifi gratuit", "free wifi"}},
	{ID: "visioconference", FR: "Visioconférence", EN: "Video conferencing", Synonyms: []string{
		"visio", "salle de visioconférence", "video conference", "videoconference", "video call"}},
	{ID: "domiciliation", FR: "Domiciliation", EN: "Business address", Synonyms: []string{
		"domiciliation d'entreprise", "domiciliation entreprise", "registered address", "business registration address"}},
	{ID: "ateliers-numeriques", FR: "Ateliers numériques", EN: "Digital skills workshops", Synonyms: []string{
		"atelier numérique", "initiation informatique", "formation numérique", "digital workshops", "computer classes", "cours d'informatique"}},
	{ID: "aide-demarches", FR: "Aide aux démarches en ligne", EN: "Help with online procedures", Synonyms: []string{
		"démarches en ligne", "démarches administratives", "aide administrative", "accompagnement aux démarches",
		"e-administration", "online procedures", "paperwork help", "Aide aux démarches administratives"}},
	{ID: "acces-internet", FR: "Accès libre à Internet", EN: "Public internet access", Synonyms: []string{
		"ordinateurs en libre accès", "postes informatiques en libre accès", "accès internet", "public computers", "internet access",
		"Accès internet et matériel informatique"}},
	{ID: "impression-papier", FR: "Impression et scan", EN: "Printing and scanning", Synonyms: []string{
		"photocopieuse", "imprimante papier", "scanner", "reprographie", "printer", "printing", "scanning", "photocopies"}},
	{ID: "studio", FR: "Studio son et vidéo", EN: "Audio and video studio", Synonyms: []string{
		"studio d'enregistrement", "studio vidéo", "studio son", "podcast", "recording studio", "video studio"}},
	{ID: "cuisine", FR: "Cuisine partagée", EN: "Shared kitchen", Synonyms: []string{"cuisine", "kitchen", "coin cuisine", "kitchenette"}},
	{ID: "cafe", FR: "Café associatif", EN: "Community café", Synonyms: []string{"café", "buvette", "bar associatif", "cafe"}},
	{ID: "accessible-pmr", FR: "Accessible PMR", EN: "Wheelchair accessible", Synonyms: []string{
		"PMR", "accès PMR", "accessibilité PMR", "accessible aux personnes à mobilité réduite", "wheelchair access", "accessible"}},
	{ID: "parking", FR: "Parking", EN: "Parking", Synonyms: []string{"stationnement", "car park", "parking gratuit"}},
	// The services of the national standard "Lieux de médiation
	// numérique" (mednum.go) that no service above already means: their
	// French labels are the standard's own.
	{ID: "outils-numeriques", FR: "Maîtrise des outils numériques du quotidien", EN: "Everyday digital skills", Synonyms: []string{
		"outils numériques du quotidien", "usages numériques du quotidien", "prise en main d'un ordinateur",
		"prise en main du smartphone", "everyday digital tools", "basic digital skills"}},
	{ID: "insertion-professionnelle", FR: "Insertion professionnelle via le numérique", EN: "Job seeking with digital tools", Synonyms: []string{
		"insertion professionnelle", "recherche d'emploi en ligne", "emploi et numérique", "online job search", "digital job seeking", "job search help"}},
	{ID: "securite-numerique", FR: "Utilisation sécurisée du numérique", EN: "Online safety", Synonyms: []string{
		"sécurité numérique", "cybersécurité", "sécurité en ligne", "arnaques en ligne", "cybersecurity", "staying safe online"}},
	{ID: "parentalite-numerique", FR: "Parentalité et éducation avec le numérique", EN: "Digital parenting and education", Synonyms: []string{
		"parentalité numérique", "éducation au numérique", "contrôle parental", "digital parenting", "parental controls"}},
	{ID: "loisirs-creations-numeriques", FR: "Loisirs et créations numériques", EN: "Digital leisure and creation", Synonyms: []string{
		"création numérique", "loisirs numériques", "digital creation", "digital hobbies"}},
	{ID: "culture-numerique", FR: "Compréhension du monde numérique", EN: "Understanding the digital world", Synonyms: []string{
		"culture numérique", "citoyenneté numérique", "digital literacy", "digital culture", "digital citizenship"}},
	{ID: "materiel-solidaire", FR: "Acquisition de matériel informatique à prix solidaire", EN: "Low-cost computers", Synonyms: []string{
		"matériel informatique à prix solidaire", "ordinateurs reconditionnés", "ordinateur reconditionné",
		"ordinateurs à prix solidaire", "refurbished computers", "low-cost computers"}},
	{ID: "local-velo", FR: "Local vélo", EN: "Bike storage", Synonyms: []string{"abri vélo", "parking vélo", "bike parking", "bicycle storage"}},
}

// AnyType are the words for a third place of any type: "tiers-lieu",
// "third place". A query saying so asks for every type, and a data value
// saying only that names no type.
var AnyType = []string{"tiers-lieu", "tiers-lieux", "tiers lieu", "tiers lieux", "third place", "third places", "third-place"}

// Connectors are the words that tie a phrase together in either language
// and say nothing alone ("aux", "with", "et"): a value whose words outside
// the vocabulary are only connectors is wholly read by it. Folded.
var Connectors = map[string]bool{}

func init() {
	for _, w := range strings.Fields("a au aux avec d de des du en et l la le les ou pour sur un une dans par " +
		"an and at for from in of on or the to with by") {
		Connectors[w] = true
	}
}

var (
	anyTypeKeys = func() map[string]bool {
		m := map[string]bool{}
		for _, s := range AnyType {
			m[TermKey(s)] = true
			m[strings.ReplaceAll(TermKey(s), " ", "")] = true
		}
		return m
	}()
	typeIndex    = buildTermIndex(Types)
	serviceIndex = buildTermIndex(Services)
	// maxPhrase is the most words a label or synonym has: the longest
	// span FindTermsIn tries.
	maxPhrase = func() int {
		n := max(typeIndex.maxWords, serviceIndex.maxWords)
		for _, l := range TextLists {
			n = max(n, l.ix.maxWords)
		}
		return n
	}()
)

// TermKey folds a label for vocabulary matching: gazetteer.Fold, and a
// plural "s" dropped from longer words, so "Imprimantes 3D",
// "imprimante-3d" and "IMPRIMANTE 3D" are one key.
func TermKey(s string) string {
	if gazetteer.Folded(s) {
		// Most keys asked are one folded word: cut, not copied.
		if !strings.Contains(s, " ") {
			if plural(s) {
				return s[:len(s)-1]
			}
			return s
		}
		kept := true
		for w := range strings.SplitSeq(s, " ") {
			kept = kept && !plural(w)
		}
		if kept {
			return s
		}
	}
	words := strings.Fields(gazetteer.Fold(s))
	for i, w := range words {
		if plural(w) {
			words[i] = w[:len(w)-1]
		}
	}
	return strings.Join(words, " ")
}

// plural says whether TermKey takes a folded word for a plural: longer
// than three letters, ending in one s.
func plural(w string) bool {
	return len(w) > 3 && strings.HasSuffix(w, "s") && !strings.HasSuffix(w, "ss")
}

type termIndex struct {
	byKey map[string]string   // folded label or synonym → term ID
	byID  map[string][]string // term ID → its keys, sorted
	keys  []string            // longest first, for phrase search in text
	terms map[string]*Term
	// maxWords is the most words a key has.
	maxWords int
}

func buildTermIndex(terms []Term) *termIndex {
	ix := &termIndex{byKey: map[string]string{}, terms: map[string]*Term{}}
	for i := range terms {
		t := &terms[i]
		ix.terms[t.ID] = t
		for _, s := range append([]string{t.ID, t.FR, t.EN}, t.Synonyms...) {
			k := TermKey(s)
			if _, dup := ix.byKey[k]; !dup && k != "" {
				ix.byKey[k] = t.ID
				ix.keys = append(ix.keys, k)
			}
		}
	}
	// Also the joined form of every phrase: "fablab" for "fab lab".
	for k, id := range ix.byKey {
		j := strings.ReplaceAll(k, " ", "")
		if _, dup := ix.byKey[j]; !dup {
			ix.byKey[j] = id
			ix.keys = append(ix.keys, j)
		}
	}
	ix.byID = map[string][]string{}
	for k, id := range ix.byKey {
		ix.byID[id] = append(ix.byID[id], k)
		ix.maxWords = max(ix.maxWords, strings.Count(k, " ")+1)
	}
	for _, keys := range ix.byID {
		sort.Strings(keys)
	}
	sort.Slice(ix.keys, func(i, j int) bool {
		if len(ix.keys[i]) != len(ix.keys[j]) {
			return len(ix.keys[i]) > len(ix.keys[j])
		}
		return ix.keys[i] < ix.keys[j]
	})
	return ix
}

// TypeID maps any label or synonym of a type ("Fab Lab", "makerspace") to
// its ID.
func TypeID(s string) (string, bool) {
	id, ok := typeIndex.byKey[TermKey(s)]
	return id, ok
}

// ServiceID maps any label or synonym of a service ("imprimante 3D",
// "3D printing") to its ID.
func ServiceID(s string) (string, bool) {
	id, ok := serviceIndex.byKey[TermKey(s)]
	return id, ok
}

// TermKeys returns the folded keys (TermKey) that name the type or
// service with this ID: its ID, labels, synonyms and their joined forms.
func TermKeys(id string) []string {
	if keys, ok := typeIndex.byID[id]; ok {
		return keys
	}
	return serviceIndex.byID[id]
}

// TypeTerm returns the type with this ID.
func TypeTerm(id string) (*Term, bool) {
	t, ok := typeIndex.terms[id]
	return t, ok
}

// ServiceTerm returns the service with this ID.
func ServiceTerm(id string) (*Term, bool) {
	t, ok := serviceIndex.terms[id]
	return t, ok
}

// Mention is a vocabulary term found in free text.
type Mention struct {
	ID         string
	Service    bool   // false: a type, unless List is set
	List       string // the name of the List the term is in ("fees")
	AnyType    bool   // "tiers-lieu": every type, ID empty
	Start, End int    // word positions in the text
}

// Matched is what Match read in a value.
type Matched struct {
	Types, Services []string
	// Lists holds the IDs of the controlled lists' terms, by list name.
	Lists map[string][]string
	// Rest says words other than connectors are left.
	Rest bool
}

// Match reads a data value — a cell of a types, services or tags column —
// with the same matcher the query parser reads queries with: every label
// or synonym it contains maps to its type, service or list term, longest
// first, and Rest says whether words other than connectors are left
// ("accompagnement aux démarches en ligne" is aide-demarches with
// "accompagnement" left), in which case the value is worth keeping as a
// tag.
func Match(value string) Matched {
	var m Matched
	words := Words(value)
	used := make([]bool, len(words))
	for _, f := range FindTermsIn(words) {
		switch {
		case f.AnyType:
		case f.List != "":
			if m.Lists == nil {
				m.Lists = map[string][]string{}
			}
			m.Lists[f.List] = AppendUnique(m.Lists[f.List], f.ID)
		case f.Service:
			m.Services = AppendUnique(m.Services, f.ID)
		default:
			m.Types = AppendUnique(m.Types, f.ID)
		}
		for j := f.Start; j < f.End; j++ {
			used[j] = true
		}
	}
	for i, w := range words {
		if !used[i] && !Connectors[TermKey(w)] {
			m.Rest = true
		}
	}
	return m
}

// Words splits text into words as the vocabulary matcher sees them: runs
// of letters and digits, in NFC, as written.
func Words(text string) []string {
	var words []string
	for _, w := range strings.FieldsFunc(norm.NFC.String(text), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r) && !unicode.Is(unicode.Mn, r)
	}) {
		if TermKey(w) != "" {
			words = append(words, w)
		}
	}
	return words
}

// TextLists are the lists free text is read against, those people filter
// on in words ("gratuit", "pour les seniors", "accessible aux sourds",
// "rendez-vous en ligne"); programmes, labels and mobility are filters of
// the API only, their names being too close to places' own names.
var TextLists = []*List{Publics, Accessibility, Fees, AccessModes, SupportModes}

// listTerm finds a phrase among the text lists' labels and synonyms.
func listTerm(phrase string) (*List, string, bool) {
	for _, l := range TextLists {
		if id, ok := l.ix.byKey[phrase]; ok {
			return l, id, true
		}
	}
	return nil, "", false
}

// FindTermsIn finds vocabulary mentions in a list of words (from Words),
// longest phrase first.
func FindTermsIn(words []string) (found []Mention) {
	keys := make([]string, len(words))
	for i, w := range words {
		keys[i] = TermKey(w)
	}
	used := make([]bool, len(words))
	// Try every span, longest first, across both vocabularies, so "atelier
	// de fabrication numérique" wins over "ateliers numériques".
	for n := min(len(words), maxPhrase); n >= 1; n-- {
		for i := 0; i+n <= len(words); i++ {
			if slices.Contains(used[i:i+n], true) {
				continue
			}
			phrase := strings.Join(keys[i:i+n], " ")
			if id, ok := typeIndex.byKey[phrase]; ok {
				found = append(found, Mention{ID: id, Start: i, End: i + n})
			} else if anyTypeKeys[phrase] {
				found = append(found, Mention{AnyType: true, Start: i, End: i + n})
			} else if id, ok := serviceIndex.byKey[phrase]; ok {
				found = append(found, Mention{ID: id, Service: true, Start: i, End: i + n})
			} else if l, id, ok := listTerm(phrase); ok {
				found = append(found, Mention{ID: id, List: l.Name, Start: i, End: i + n})
			} else {
				continue
			}
			for j := i; j < i+n; j++ {
				used[j] = true
			}
		}
	}
	sort.Slice(found, func(i, j int) bool { return found[i].Start < found[j].Start })
	return found
}
