package query_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/tierslieux/tierslieux/cmd/internal/query"
	"github.com/tierslieux/tierslieux/data"
	"github.com/tierslieux/tierslieux/geo/gazetteer"
	"github.com/tierslieux/tierslieux/index"
)

// INSEE codes of the communes the queries below name.
const (
	inseeRodez        = "12202"
	inseeMillau       = "12145"
	inseeAlbi         = "81004"
	inseeToulouse     = "31555"
	inseeMontpellier  = "34172"
	inseeFigeac       = "46102"
	inseeStAffrique   = "12208"
	inseeVillefranche = "12300" // Villefranche-de-Rouergue
	inseeIsleJourdain = "32160" // L'Isle-Jourdain (Gers), not the one in Vienne
	inseeSteRadegonde = "12241" // Sainte-Radegonde (Aveyron)
	inseeStGirons     = "09261"
	inseeNimes        = "30189"
	inseeSete         = "34301"
	inseePerpignan    = "66136"
	inseeMende        = "48095"
	inseeTarbes       = "65440"
	inseeCastres      = "81065"
	inseeFoix         = "09122"
	inseeAuch         = "32013"
	inseeBois         = "17050" // Bois (Charente-Maritime): "atelier bois" must not find it
	inseeConques      = "12218" // Conques-en-Rouergue, which Saint-Cyprien-sur-Dourdou joined
	inseeCastelnau    = "34057" // Castelnau-le-Lez
	inseeBagneres     = "65059" // Bagnères-de-Bigorre
)

// parseCases are free-text queries with the canonical form of what the
// parser must understand, or the error it must give.
var parseCases = []struct {
	name string
	text string
	want string // Query.String(), when no error
	// code, when set, is the error code expected; the error must name q.
	code string
	// suggest, when set, must be one of the error's suggestions.
	suggest string
}{
	// The headline query, in both languages.
	{name: "headline EN", text: "fablab with 3D printing within 30 km of Rodez",
		want: "type=fablab service=impression-3d near=" + inseeRodez + " radius=30km"},
	{name: "headline FR", text: "fablab avec impression 3D à moins de 30 km de Rodez",
		want: "type=fablab service=impression-3d near=" + inseeRodez + " radius=30km"},

	// "near X" without a distance: the radius adapts.
	{name: "près de", text: "coworking près de Millau", want: "type=coworking near=" + inseeMillau + " radius=auto"},
	{name: "near", text: "coworking near Albi", want: "type=coworking near=" + inseeAlbi + " radius=auto"},
	{name: "around", text: "3D printing around Montpellier", want: "service=impression-3d near=" + inseeMontpellier + " radius=auto"},
	{name: "à with a synonym phrase", text: "espace de travail partagé à Toulouse", want: "type=coworking near=" + inseeToulouse + " radius=auto"},
	{name: "distance before autour de", text: "coworking 15 km autour de Figeac", want: "type=coworking near=" + inseeFigeac + " radius=15km"},
	{name: "commune without marker", text: "coworking Montpellier", want: "type=coworking near=" + inseeMontpellier + " radius=auto"},
	{name: "lower-case city without marker", text: "coworking toulouse", want: "type=coworking near=" + inseeToulouse + " radius=auto"},
	{name: "hackerspace synonym", text: "hackerspace near Toulouse", want: "type=fablab near=" + inseeToulouse + " radius=auto"},
	{name: "télétravail synonym", text: "télétravail à Toulouse", want: "type=coworking near=" + inseeToulouse + " radius=auto"},
	{name: "EPN acronym", text: "EPN à Nîmes", want: "type=mediation-numerique near=" + inseeNimes + " radius=auto"},

	// Qualifiers after a commune say where it is; they are not text.
	{name: "département code in brackets", text: "coworking près de Millau (12)", want: "type=coworking near=" + inseeMillau + " radius=auto"},
	{name: "département name after a comma", text: "coworking à Millau, Aveyron", want: "type=coworking near=" + inseeMillau + " radius=auto"},
	{name: "région after the commune", text: "fablab Millau Occitanie", want: "type=fablab near=" + inseeMillau + " radius=auto"},
	{name: "qualifier picks a homonym", text: "fablab près de Villeneuve (09)", want: "type=fablab near=09335 radius=auto"},
	{name: "homonym without a qualifier", text: "fablab près de Villeneuve", want: "type=fablab near=12301 radius=auto"},

	// Accents and case.
	{name: "upper case", text: "COWORKING PRÈS DE MILLAU", want: "type=coworking near=" + inseeMillau + " radius=auto"},
	{name: "no accents, lower case", text: "coworking pres de millau", want: "type=coworking near=" + inseeMillau + " radius=auto"},
	{name: "title case", text: "Coworking Près De Millau", want: "type=coworking near=" + inseeMillau + " radius=auto"},
	{name: "Nimes without accent", text: "coworking près de Nimes", want: "type=coworking near=" + inseeNimes + " radius=auto"},
	{name: "Sete without accent", text: "coworking à Sete", want: "type=coworking near=" + inseeSete + " radius=auto"},
	{name: "médiation upper-case département", text: "Médiation Numérique dans le GERS", want: "type=mediation-numerique dept=32"},
	{name: "médiation without accents", text: "mediation numerique dans le gers", want: "type=mediation-numerique dept=32"},
	{name: "service upper case", text: "IMPRESSION 3D", want: "service=impression-3d"},
	{name: "service hyphenated", text: "Impression-3D", want: "service=impression-3d"},

	// Saint, Sainte and their abbreviations.
	{name: "St", text: "coworking à St Affrique", want: "type=coworking near=" + inseeStAffrique + " radius=auto"},
	{name: "St-", text: "coworking à St-Affrique", want: "type=coworking near=" + inseeStAffrique + " radius=auto"},
	{name: "ST upper case", text: "coworking à ST AFFRIQUE", want: "type=coworking near=" + inseeStAffrique + " radius=auto"},
	{name: "Saint hyphenated", text: "coworking à Saint-Affrique", want: "type=coworking near=" + inseeStAffrique + " radius=auto"},
	{name: "Saint spaced, no marker", text: "coworking Saint Affrique", want: "type=coworking near=" + inseeStAffrique + " radius=auto"},
	{name: "Ste", text: "coworking à Ste Radegonde", want: "type=coworking near=" + inseeSteRadegonde + " radius=auto"},
	{name: "Ste-", text: "Fablab près de Ste-Radegonde", want: "type=fablab near=" + inseeSteRadegonde + " radius=auto"},
	{name: "St Girons EN", text: "coworking near Saint-Girons", want: "type=coworking near=" + inseeStGirons + " radius=auto"},

	// Hyphenated communes, with or without their hyphens and apostrophes.
	{name: "Villefranche-de-Rouergue", text: "fablab à Villefranche-de-Rouergue", want: "type=fablab near=" + inseeVillefranche + " radius=auto"},
	{name: "Villefranche de Rouergue lower case", text: "coworking à villefranche de rouergue", want: "type=coworking near=" + inseeVillefranche + " radius=auto"},
	{name: "L'Isle-Jourdain", text: "coworking à L'Isle-Jourdain", want: "type=coworking near=" + inseeIsleJourdain + " radius=auto"},
	{name: "l'Isle Jourdain", text: "coworking à l'Isle Jourdain", want: "type=coworking near=" + inseeIsleJourdain + " radius=auto"},
	{name: "Castelnau-le-Lez", text: "coworking à Castelnau-le-Lez", want: "type=coworking near=" + inseeCastelnau + " radius=auto"},
	{name: "Bagnères-de-Bigorre", text: "coworking à Bagnères-de-Bigorre", want: "type=coworking near=" + inseeBagneres + " radius=auto"},
	{name: "delegated commune", text: "fablab près de Saint-Cyprien-sur-Dourdou", want: "type=fablab near=" + inseeConques + " radius=auto"},

	// Départements and the région filter rather than measure.
	{name: "dans le Gers", text: "médiation numérique dans le Gers", want: "type=mediation-numerique dept=32"},
	{name: "fablabs in Aveyron", text: "fablabs in Aveyron", want: "type=fablab dept=12"},
	{name: "en Aveyron", text: "coworking en Aveyron", want: "type=coworking dept=12"},
	{name: "dans l'Aveyron", text: "fablab dans l'Aveyron", want: "type=fablab dept=12"},
	{name: "dans le Lot", text: "fablab dans le Lot", want: "type=fablab dept=46"},
	{name: "en Lozère", text: "fablab en Lozère", want: "type=fablab dept=48"},
	{name: "en Lozere", text: "fablab en Lozere", want: "type=fablab dept=48"},
	{name: "dans l'Hérault", text: "coworking dans l'Hérault", want: "type=coworking dept=34"},
	{name: "in the Hérault", text: "coworking in the Hérault", want: "type=coworking dept=34"},
	{name: "Pyrénées-Orientales", text: "coworking dans les Pyrénées-Orientales", want: "type=coworking dept=66"},
	{name: "haute garonne lower case", text: "tiers-lieux en haute garonne", want: "dept=31"},
	{name: "digital inclusion in Ariège", text: "digital inclusion in Ariège", want: "type=mediation-numerique dept=09"},
	{name: "en Occitanie", text: "coworking en Occitanie", want: "type=coworking region=76"},
	{name: "en occitanie lower case", text: "coworking en occitanie", want: "type=coworking region=76"},
	{name: "lieux en Occitanie", text: "lieux en Occitanie", want: "region=76"},

	// Distances in other units.
	{name: "miles", text: "coworking within 10 miles of Albi", want: "type=coworking near=" + inseeAlbi + " radius=16093.44m"},
	{name: "mi abbreviated", text: "coworking à 2 miles de Sète", want: "type=coworking near=" + inseeSete + " radius=3218.688m"},
	{name: "metres abbreviated", text: "coworking à moins de 500 m de Rodez", want: "type=coworking near=" + inseeRodez + " radius=500m"},
	{name: "metres EN", text: "coworking within 800 metres of Albi", want: "type=coworking near=" + inseeAlbi + " radius=800m"},
	{name: "mètres FR", text: "coworking à moins de 800 mètres d'Albi", want: "type=coworking near=" + inseeAlbi + " radius=800m"},
	{name: "kilomètres", text: "coworking 20 kilomètres autour de Mende", want: "type=coworking near=" + inseeMende + " radius=20km"},
	{name: "kilometers", text: "fablab within 12 kilometers of Tarbes", want: "type=fablab near=" + inseeTarbes + " radius=12km"},
	{name: "km glued", text: "fablab within 5km of Castres", want: "type=fablab near=" + inseeCastres + " radius=5km"},
	{name: "decimal point", text: "coworking within 1.5 km of Montpellier", want: "type=coworking near=" + inseeMontpellier + " radius=1500m"},
	{name: "decimal comma", text: "coworking within 2,5 km of Rodez", want: "type=coworking near=" + inseeRodez + " radius=2500m"},
	// French typography puts a no-break space between a number and its
	// unit; phones and word processors type it.
	{name: "no-break space", text: "fablab à moins de 30\u00a0km de Rodez", want: "type=fablab near=" + inseeRodez + " radius=30km"},
	{name: "narrow no-break space", text: "fablab à moins de 30\u202fkm de Rodez", want: "type=fablab near=" + inseeRodez + " radius=30km"},

	// Coordinates, and the k nearest.
	{name: "nearest to coordinates", text: "nearest coworking to 43.6,1.44", want: "type=coworking near=43.6000,1.4400 nearest=true"},
	{name: "coordinates with a space", text: "coworking 43.6, 1.44", want: "type=coworking near=43.6000,1.4400 radius=auto"},
	{name: "le plus proche", text: "le plus proche coworking de Rodez", want: "type=coworking near=" + inseeRodez + " nearest=true"},
	{name: "closest", text: "closest fablab to Toulouse", want: "type=fablab near=" + inseeToulouse + " nearest=true"},
	{name: "the nearest", text: "the nearest fablab to Rodez", want: "type=fablab near=" + inseeRodez + " nearest=true"},

	// Services.
	{name: "découpe laser", text: "fablab avec découpe laser près de Toulouse", want: "type=fablab service=decoupe-laser near=" + inseeToulouse + " radius=auto"},
	{name: "salle de réunion", text: "coworking avec salle de réunion à Montpellier", want: "type=coworking service=salle-de-reunion near=" + inseeMontpellier + " radius=auto"},
	{name: "visio", text: "coworking avec visio à Albi", want: "type=coworking service=visioconference near=" + inseeAlbi + " radius=auto"},
	{name: "two services EN", text: "fablab with laser cutter and 3D printer in Toulouse", want: "type=fablab service=decoupe-laser,impression-3d near=" + inseeToulouse + " radius=auto"},
	{name: "two services and a place", text: "coworking with meeting room and wifi near Nîmes", want: "type=coworking service=salle-de-reunion,wifi near=" + inseeNimes + " radius=auto"},
	{name: "service after the place", text: "coworking à Montpellier avec fibre", want: "type=coworking service=fibre near=" + inseeMontpellier + " radius=auto"},
	{name: "plural service", text: "coworking bureaux privatifs à Perpignan", want: "type=coworking service=bureau-privatif near=" + inseePerpignan + " radius=auto"},
	{name: "cuisine partagée", text: "lieu avec cuisine partagée à Foix", want: "service=cuisine near=" + inseeFoix + " radius=auto"},
	{name: "service alone", text: "salle de réunion", want: "service=salle-de-reunion"},
	{name: "visio alone", text: "visio", want: "service=visioconference"},
	{name: "découpe laser alone", text: "découpe laser", want: "service=decoupe-laser"},
	{name: "café associatif", text: "café associatif", want: "service=cafe"},

	// What is left is the full-text part; common words are not places.
	{name: "atelier bois is text", text: "atelier bois", want: `text="atelier bois"`},
	{name: "atelier bois near a place", text: "atelier bois près de Rodez", want: `text="atelier bois" near=` + inseeRodez + " radius=auto"},
	{name: "text with type and place", text: "fablab atelier bois près de Rodez", want: `text="atelier bois" type=fablab near=` + inseeRodez + " radius=auto"},
	{name: "Bois after a marker is the commune", text: "coworking à Bois", want: "type=coworking near=" + inseeBois + " radius=auto"},
	{name: "name only", text: "Ping Pong", want: `text="Ping Pong"`},
	{name: "leftover words", text: "coworking pas cher à Toulouse", want: `text="pas cher" type=coworking near=` + inseeToulouse + " radius=auto"},
	{name: "leftover word in a name", text: "Fablab des Usines", want: `text="Usines" type=fablab`},
	{name: "jardin partagé", text: "jardin partagé à Auch", want: `text="jardin partagé" near=` + inseeAuch + " radius=auto"},
	{name: "weak marker without a place", text: "coworking à", want: "type=coworking"},

	// Errors.
	{name: "misspelt place after près de", text: "coworking près de Rodex", code: index.CodeUnknownPlace, suggest: "Rodez (12)"},
	{name: "unknown place after à", text: "coworking à Xyzville", code: index.CodeUnknownPlace},
	{name: "a distance from a département", text: "fablab à 30 km de l'Aveyron", code: index.CodeInvalid},
	{name: "a distance from a région", text: "coworking within 20 km of Occitanie", code: index.CodeInvalid},
	{name: "unknown région", text: "coworking in Occitania", code: index.CodeUnknownPlace, suggest: "Occitanie"},
	{name: "distance without a place", text: "coworking within 30 km", code: index.CodeUnknownPlace},
	{name: "glued distance without a place", text: "coworking 30km", code: index.CodeUnknownPlace},
	{name: "nearest without a place", text: "nearest fablab", code: index.CodeUnknownPlace},
	{name: "près de and nothing", text: "coworking près de", code: index.CodeUnknownPlace},
	{name: "latitude out of range", text: "coworking near 95.0,1.44", code: index.CodeOutOfRange},
	{name: "longitude out of range", text: "coworking near 43.6,200.5", code: index.CodeOutOfRange},
	{name: "too long", text: "coworking " + strings.Repeat("x", query.MaxQueryLen), code: index.CodeTooLong},
	{name: "invalid UTF-8", text: "coworking \xff\xfe à Rodez", code: index.CodeInvalid},
	// A distance the engine refuses must be refused here, naming q: else
	// Search answers that a "radius" parameter nobody gave is wrong.
	{name: "radius beyond the maximum", text: "coworking within 2000 km of Rodez", code: index.CodeOutOfRange},
	// Build refuses radius=0; a zero distance in q must not silently
	// become an adaptive radius of up to 100 km.
	{name: "zero radius", text: "coworking within 0 km of Rodez", code: index.CodeOutOfRange},
}

func TestParse(t *testing.T) {
	p := MustParser(t)
	for _, tc := range parseCases {
		t.Run(tc.name, func(t *testing.T) {
			q, err := p.Parse(tc.text)
			if tc.code != "" {
				if err == nil {
					t.Fatalf("Parse(%q) = %s, want error %s", tc.text, q.String(), tc.code)
				}
				e, ok := index.AsError(err)
				if !ok {
					t.Fatalf("Parse(%q): error %v is not a *index.Error", tc.text, err)
				}
				if e.Code != tc.code || e.Param != "q" {
					t.Errorf("Parse(%q): error code %q param %q, want %q param q (%v)", tc.text, e.Code, e.Param, tc.code, e)
				}
				if tc.suggest != "" && !slices.Contains(e.Suggestions, tc.suggest) {
					t.Errorf("Parse(%q): suggestions %q, want %q among them", tc.text, e.Suggestions, tc.suggest)
				}
				return
			}
			if err != nil {
				t.Fatalf("Parse(%q): %v", tc.text, err)
			}
			if got := q.String(); got != tc.want {
				t.Errorf("Parse(%q)\n got %s\nwant %s", tc.text, got, tc.want)
			}
		})
	}
}

// TestParseAnchor checks the point a commune resolves to: its town centre
// in the gazetteer, and its name.
func TestParseAnchor(t *testing.T) {
	p := MustParser(t)
	g := MustGazetteer(t)
	for _, tc := range []struct {
		text, insee, name string
	}{
		{"fablab with 3D printing within 30 km of Rodez", inseeRodez, "Rodez"},
		{"coworking près de Millau", inseeMillau, "Millau"},
		{"coworking à L'Isle-Jourdain", inseeIsleJourdain, "L'Isle-Jourdain"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			q, err := p.Parse(tc.text)
			if err != nil {
				t.Fatal(err)
			}
			c, ok := g.Commune(tc.insee)
			if !ok {
				t.Fatalf("no commune %s", tc.insee)
			}
			if q.Near == nil || q.Near.INSEE != tc.insee || q.Near.Name != tc.name || q.Near.Lat != c.Lat || q.Near.Lon != c.Lon {
				t.Errorf("Parse(%q).Near = %+v, want %s %s at %g,%g", tc.text, q.Near, tc.insee, tc.name, c.Lat, c.Lon)
			}
		})
	}
	// Rodez's centre is the point the relevance set measures from.
	q, err := p.Parse("coworking près de Rodez")
	if err != nil {
		t.Fatal(err)
	}
	if q.Near.Lat != 44.35258 || q.Near.Lon != 2.57338 {
		t.Errorf("Rodez at %g,%g, want 44.35258,2.57338", q.Near.Lat, q.Near.Lon)
	}
}

// TestParseDeterministic parses every table query many times: map
// iteration or anything random must not change what is understood.
func TestParseDeterministic(t *testing.T) {
	p := MustParser(t)
	for _, tc := range parseCases {
		first, err := p.Parse(tc.text)
		for range 5 {
			q, err2 := p.Parse(tc.text)
			if (err == nil) != (err2 == nil) || (err == nil && q.String() != first.String()) {
				t.Errorf("Parse(%q) changed: %s (%v) then %s (%v)", tc.text, first.String(), err, q.String(), err2)
				break
			}
		}
	}
}

// TestParseWhitespaceAndPunctuation: spacing and punctuation around words
// change nothing.
func TestParseWhitespaceAndPunctuation(t *testing.T) {
	p := MustParser(t)
	want := "type=fablab service=impression-3d near=" + inseeRodez + " radius=30km"
	for _, text := range []string{
		"  fablab   with 3D printing   within 30 km of Rodez  ",
		"fablab, with 3D printing, within 30 km of Rodez!",
		"fablab\twith 3D printing\nwithin 30 km of Rodez?",
		"Fablab With 3D Printing Within 30 KM Of Rodez",
	} {
		q, err := p.Parse(text)
		if err != nil {
			t.Errorf("Parse(%q): %v", text, err)
			continue
		}
		if got := q.String(); got != want {
			t.Errorf("Parse(%q) = %s, want %s", text, got, want)
		}
	}
}

// TestParseUnitNeedsWordEnd: a unit letter must end a word to make a
// distance. distanceRE ends with \b, which in Go is an ASCII word boundary:
// it matches between "m" and "²" or "é", so "20 m²" reads as 20 metres.
func TestParseUnitNeedsWordEnd(t *testing.T) {
	p := MustParser(t)
	for _, tc := range []struct {
		name, text string
	}{
		{"square metres", "bureau privatif de 20 m² à Toulouse"},
		{"accented word after a number", "fablab imprimante 3D 12 mégapixels à Rodez"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			q, err := p.Parse(tc.text)
			if err != nil {
				t.Fatal(err)
			}
			if q.RadiusMeters != 0 || !q.AutoRadius {
				t.Errorf("Parse(%q) = %s, want no distance (radius=auto)", tc.text, q.String())
			}
		})
	}
}

func ExampleParser_Parse() {
	g, err := gazetteer.LoadFS(data.FS, data.Gazetteer)
	if err != nil {
		fmt.Println(err)
		return
	}
	p := query.Parser{Gazetteer: g}
	for _, text := range []string{
		"fablab with 3D printing within 30 km of Rodez",
		"coworking près de Millau",
		"médiation numérique dans le Gers",
		"atelier bois",
	} {
		q, err := p.Parse(text)
		if err != nil {
			fmt.Println(err)
			continue
		}
		fmt.Println(q.String())
	}
	_, err = p.Parse("coworking près de Rodex")
	if e, ok := index.AsError(err); ok {
		fmt.Println(e.Code, e.Suggestions[0])
	}
	// Output:
	// type=fablab service=impression-3d near=12202 radius=30km
	// type=coworking near=12145 radius=auto
	// type=mediation-numerique dept=32
	// text="atelier bois"
	// unknown_place Rodez (12)
}
