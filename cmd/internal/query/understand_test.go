package query_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/tierslieux/tierslieux/cmd/internal/query"
	"github.com/tierslieux/tierslieux/geo"
	"github.com/tierslieux/tierslieux/index"
)

// understood is how a phrasing must be read: parts of the query's
// canonical form, what is said back (corrections, ignored words, offers),
// and what the results must be.
type understood struct {
	name string
	p    query.Params
	// parts must all appear in Query.String(); absent must not.
	parts, absent []string
	// corrected is "from→to" of a correction the answer must carry.
	corrected string
	// ignored words must be echoed as relaxed or ignored.
	ignored []string
	// offers: did_you_mean must offer this option.
	offers string
	// alternative: a homonym of the place, by département, must be echoed.
	alternative string
	// first is the first result, when set; minTotal the least total.
	first    string
	minTotal int
	// within: every result within km of the place (lat, lon).
	within *struct{ lat, lon, km float64 }
}

func near(lat, lon, km float64) *struct{ lat, lon, km float64 } {
	return &struct{ lat, lon, km float64 }{lat, lon, km}
}

// understoodCases are phrasings people type that the first parser read
// silently wrong: leftover words, typos in towns and vocabulary, homonyms,
// in French and English.
var understoodCases = []understood{
	// Leftover words are preferences, said out loud, never an empty list.
	{name: "open on Saturday", p: query.Params{Q: "coworking open on Saturday"}, parts: []string{"type=coworking", "open="}, absent: []string{"text="}, minTotal: 5},
	{name: "not open, a word", p: query.Params{Q: "coworking open xyzzq"}, parts: []string{"type=coworking"}, absent: []string{"open="}, ignored: []string{"xyzzq"}, minTotal: 50},
	{name: "machine unknown", p: query.Params{Q: "fablab avec une machine xyzzy"}, parts: []string{"type=fablab"}, ignored: []string{"xyzzy"}, minTotal: 30},
	{name: "sympa near Millau", p: query.Params{Q: "un coworking sympa près de Millau"}, parts: []string{"type=coworking", "near=" + inseeMillau}, absent: []string{"text="}, first: "tlo-001"},
	{name: "polite French", p: query.Params{Q: "coworking près de Rodez s'il vous plaît"}, parts: []string{"type=coworking", "near=" + inseeRodez}, absent: []string{"text="}, minTotal: 3},
	{name: "English filler", p: query.Params{Q: "I am looking for a fablab near Albi please"}, parts: []string{"type=fablab", "near=" + inseeAlbi}, minTotal: 1},
	{name: "unknown word near a town", p: query.Params{Q: "coworking zzzqx près de Millau"}, parts: []string{"type=coworking", "near=" + inseeMillau}, ignored: []string{"zzzqx"}, first: "tlo-001"},
	{name: "word that would empty the list", p: query.Params{Q: "atelier céramique Millau"}, parts: []string{"near=" + inseeMillau}, ignored: []string{"céramique"}, minTotal: 1},
	{name: "word that matches stays a condition", p: query.Params{Q: "fablab Rodez imprimerie"}, parts: []string{"text=\"imprimerie\"", "type=fablab"}, first: "tlo-008"},
	{name: "a day is when to be open", p: query.Params{Q: "fablab Rodez le samedi"}, parts: []string{"type=fablab", "open="}, absent: []string{"text="}, minTotal: 1},
	{name: "required word is never relaxed", p: query.Params{Q: "coworking +zzzqx"}, parts: []string{"require=zzzqx"}},
	{name: "quoted word is required", p: query.Params{Q: `fablab "samedi"`}, parts: []string{"require=samedi"}, first: "tlo-008"},
	{name: "way and my", p: query.Params{Q: "coworking on my way near Toulouse"}, parts: []string{"type=coworking", "near=" + inseeToulouse}, minTotal: 3},
	// Typos in towns, in free text.
	{name: "montpelier", p: query.Params{Q: "fablab montpelier"}, parts: []string{"type=fablab", "near=" + inseeMontpellier}, absent: []string{"text="},
		corrected: "montpelier→Montpellier (34)", first: "tlo-044", within: near(43.61093, 3.87635, 100)},
	{name: "Carcasonne", p: query.Params{Q: "coworking Carcasonne"}, parts: []string{"near=11069"}, corrected: "Carcasonne→Carcassonne (11)", minTotal: 1},
	{name: "Toulousse", p: query.Params{Q: "fablab Toulousse"}, parts: []string{"near=" + inseeToulouse}, corrected: "Toulousse→Toulouse (31)", minTotal: 3},
	{name: "Perpigan", p: query.Params{Q: "coworking Perpigan"}, parts: []string{"near=" + inseePerpignan}, corrected: "Perpigan→Perpignan (66)", first: "tlo-107"},
	{name: "Narbone", p: query.Params{Q: "médiation numérique Narbone"}, parts: []string{"near=11262", "type=mediation-numerique"}, corrected: "Narbone→Narbonne (11)", minTotal: 1},
	{name: "Figeak", p: query.Params{Q: "coworking Figeak"}, parts: []string{"near=" + inseeFigeac}, corrected: "Figeak→Figeac (46)", first: "tlo-064"},
	{name: "Millaux", p: query.Params{Q: "fablab Millaux"}, parts: []string{"near=" + inseeMillau}, corrected: "Millaux→Millau (12)", minTotal: 1},
	{name: "Aveyorn", p: query.Params{Q: "fablab Aveyorn"}, parts: []string{"dept=12", "type=fablab"}, corrected: "Aveyorn→Aveyron", minTotal: 5},
	{name: "ambiguous typo is offered", p: query.Params{Q: "coworking Lozer"}, parts: []string{"type=coworking"}, offers: "Lozère", minTotal: 10},
	{name: "typo after a marker asks", p: query.Params{Q: "coworking près de Rodex"}},
	{name: "English typo", p: query.Params{Q: "coworking in Montpelier"}, parts: []string{"near=" + inseeMontpellier}, corrected: "Montpelier→Montpellier (34)", minTotal: 1},
	// Typos and forms of vocabulary words.
	{name: "cowroking", p: query.Params{Q: "cowroking Rodez"}, parts: []string{"type=coworking", "near=" + inseeRodez}, corrected: "cowroking→coworking", first: "tlo-018"},
	{name: "imprimente 3d", p: query.Params{Q: "imprimente 3d près de Rodez"}, parts: []string{"service=impression-3d"}, corrected: "imprimente 3d→imprimante 3d", first: "tlo-008"},
	{name: "fab lab", p: query.Params{Q: "fab lab Albi"}, parts: []string{"type=fablab", "near=" + inseeAlbi}, first: "tlo-060"},
	{name: "lazer", p: query.Params{Q: "découpe lazer Toulouse"}, parts: []string{"service=decoupe-laser", "near=" + inseeToulouse}, corrected: "découpe lazer→découpe laser", minTotal: 1},
	{name: "makerspce", p: query.Params{Q: "makerspce Montpellier"}, parts: []string{"type=fablab"}, corrected: "makerspce→makerspace", first: "tlo-044"},
	{name: "coworkng", p: query.Params{Q: "coworkng Albi"}, parts: []string{"type=coworking", "near=" + inseeAlbi}, corrected: "coworkng→coworking", minTotal: 1},
	// Synonyms met in real phrasings.
	{name: "espace numérique", p: query.Params{Q: "espace numérique Tarbes"}, parts: []string{"type=mediation-numerique", "near=" + inseeTarbes}, absent: []string{"text="}, minTotal: 1},
	{name: "digital help in the Lot", p: query.Params{Q: "digital help in the Lot"}, parts: []string{"type=mediation-numerique", "dept=46"}, absent: []string{"text="}, minTotal: 1},
	{name: "aide numérique", p: query.Params{Q: "aide numérique dans le Gers"}, parts: []string{"type=mediation-numerique", "dept=32"}, minTotal: 1},
	{name: "EPN", p: query.Params{Q: "EPN à Mende"}, parts: []string{"type=mediation-numerique", "near=" + inseeMende}, minTotal: 1},
	{name: "tiers-lieu is every type", p: query.Params{Q: "tiers-lieu à Rodez"}, parts: []string{"near=" + inseeRodez}, absent: []string{"type=", "text="}, minTotal: 3},
	{name: "third place is every type", p: query.Params{Q: "third place near Albi"}, parts: []string{"near=" + inseeAlbi}, absent: []string{"type=", "text="}, minTotal: 3},
	{name: "démarches en ligne", p: query.Params{Q: "accompagnement aux démarches en ligne à Toulouse"}, parts: []string{"service=aide-demarches", "near=" + inseeToulouse}, minTotal: 1},
	// Homonyms, with and without a qualifier.
	{name: "near Villeneuve names its département", p: query.Params{Near: "Villeneuve"}, parts: []string{"near=12301"}, alternative: "09"},
	{name: "near Villeneuve (09)", p: query.Params{Near: "Villeneuve (09)"}, parts: []string{"near=09335"}, alternative: "12"},
	{name: "near Villeneuve (30) is a correction", p: query.Params{Near: "Villeneuve (30)"}, parts: []string{"near=30351"}, corrected: "Villeneuve (30)→Villeneuve-lès-Avignon (30)"},
	{name: "Villeneuve (09) in text", p: query.Params{Q: "coworking Villeneuve (09)"}, parts: []string{"near=09335"}, alternative: "12"},
	{name: "Villeneuve Ariège in text", p: query.Params{Q: "fablab à Villeneuve, Ariège"}, parts: []string{"near=09335"}},
	{name: "old name", p: query.Params{Near: "Valleraugue"}, parts: []string{"near=30339"}, corrected: "Valleraugue→Val-d'Aigoual (30)", first: "tlo-004"},
	{name: "Saint-Affrique", p: query.Params{Q: "coworking Saint-Affrique"}, parts: []string{"near=12208"}, minTotal: 1},
	// Commune sharing its name with its département: the commune.
	{name: "Paris as a commune", p: query.Params{Q: "fablab within 30 km of Paris"}, parts: []string{"near=75056", "radius=30km"}},
	{name: "près de Paris", p: query.Params{Q: "coworking près de Paris"}, parts: []string{"near=75056"}},
}

func TestUnderstood(t *testing.T) {
	e := MustDemoEngine(t)
	if len(understoodCases) < 40 {
		t.Fatalf("%d cases, want at least 40", len(understoodCases))
	}
	for _, tc := range understoodCases {
		t.Run(tc.name, func(t *testing.T) {
			q, err := e.Build(tc.p)
			if tc.name == "typo after a marker asks" {
				// After "près de", a name that is not one is asked about.
				if se, ok := index.AsError(err); !ok || se.Code != index.CodeUnknownPlace || !slices.Contains(se.Suggestions, "Rodez (12)") {
					t.Errorf("Build: %v, want unknown_place offering Rodez (12)", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("Build(%+v): %v", tc.p, err)
			}
			res := MustSearch(t, e, q)
			checkUnderstood(t, tc, res)
		})
	}
}

func checkUnderstood(t *testing.T, tc understood, res *index.Result) {
	t.Helper()
	q := res.Query
	s := q.String()
	for _, part := range tc.parts {
		if !strings.Contains(s, part) {
			t.Errorf("query %s lacks %s", s, part)
		}
	}
	for _, part := range tc.absent {
		if strings.Contains(s, part) {
			t.Errorf("query %s has %s", s, part)
		}
	}
	if tc.corrected != "" {
		var got []string
		for _, c := range q.Notes.Corrections {
			got = append(got, c.From+"→"+c.To)
		}
		if !slices.Contains(got, tc.corrected) {
			t.Errorf("corrections %q, want %q", got, tc.corrected)
		}
	}
	for _, w := range tc.ignored {
		if !slices.Contains(res.TextIgnored, w) && !slices.Contains(res.TextRelaxed, w) {
			t.Errorf("%q neither relaxed %q nor ignored %q", w, res.TextRelaxed, res.TextIgnored)
		}
	}
	if tc.offers != "" && (q.Notes.DidYouMean == nil || !slices.Contains(q.Notes.DidYouMean.Options, tc.offers)) {
		t.Errorf("did you mean %+v, want %q offered", q.Notes.DidYouMean, tc.offers)
	}
	if tc.alternative != "" {
		var depts []string
		if q.Near != nil {
			for _, a := range q.Near.Alternatives {
				depts = append(depts, a.Dept)
			}
		}
		if !slices.Contains(depts, tc.alternative) || q.Near.Dept == "" || q.Near.DeptName == "" {
			t.Errorf("near %+v: want its département and a homonym in %s", q.Near, tc.alternative)
		}
	}
	if tc.first != "" && (len(res.Hits) == 0 || res.Hits[0].Place.ID != tc.first) {
		t.Errorf("first %.3v, want %s", hitIDs(res.Hits), tc.first)
	}
	if res.Total < tc.minTotal || (tc.first != "" && res.Total == 0) {
		t.Errorf("total %d, want at least %d", res.Total, max(tc.minTotal, 1))
	}
	if w := tc.within; w != nil {
		for _, h := range res.Hits {
			if d := geo.Distance(w.lon, w.lat, h.Place.Lon, h.Place.Lat); d > w.km*1000 {
				t.Errorf("%s is %.0f km away, want within %g", h.Place.ID, d/1000, w.km)
			}
		}
	}
}
