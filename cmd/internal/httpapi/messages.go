package httpapi

import (
	"net/http"

	"golang.org/x/text/language"
	"golang.org/x/text/message"

	"github.com/tierslieux/tierslieux/index/memo"
)

// languages are those the API speaks, the first the default.
var languages = []language.Tag{language.English, language.French}

var languageMatcher = language.NewMatcher(languages)

// lang is the language of a request: lang=fr|en, else the best of
// Accept-Language, else English. Error codes stay the same in every
// language; only messages change. Found once a request: several layers
// ask.
func lang(r *http.Request) language.Tag {
	st := state(r)
	if st != nil && st.langFound {
		return st.lang
	}
	l := findLang(r)
	if st != nil {
		st.lang, st.langFound = l, true
	}
	return l
}

func findLang(r *http.Request) language.Tag {
	switch params(r).Get("lang") {
	case "fr":
		return language.French
	case "en":
		return language.English
	}
	return acceptedLangs.Of(r.Header.Get("Accept-Language"), maxAcceptedLangs, acceptedLang)
}

// acceptedLangs keeps what acceptedLang gives for the Accept-Language
// headers seen: a browser sends the same one with every request.
var acceptedLangs memo.Memo[language.Tag]

// maxAcceptedLangs bounds the headers acceptedLangs keeps.
const maxAcceptedLangs = 1024

// acceptedLang is the language an Accept-Language header asks for,
// English when it names neither.
func acceptedLang(header string) language.Tag {
	tags, _, _ := language.ParseAcceptLanguage(header)
	_, i, conf := languageMatcher.Match(tags...)
	if conf == language.No {
		return language.English
	}
	return languages[i]
}

func printer(r *http.Request) *message.Printer { return message.NewPrinter(lang(r)) }

// french translates every message the query language, the index and this
// package say to users, keyed by their English format: a test checks that
// every Errorf format of those packages is here.
var french = map[string]string{
	"is required: minLon,minLat,maxLon,maxLat of the map view": "est requis : minLon,minLat,maxLon,maxLat de la vue de la carte",
	"%d is outside [0, %d]": "%d est hors de [0, %d]",
	"%q is not a type (coworking, fablab, mediation-numerique)":                                 "%q n'est pas un type (coworking, fablab, mediation-numerique)",
	"%q is not a service of the vocabulary":                                                     "%q n'est pas un service du vocabulaire",
	"latitude must be within [-90, 90] and longitude within [-180, 180]":                        "la latitude doit être dans [-90, 90] et la longitude dans [-180, 180]",
	"must be between 1 and %d":                                                                  "doit être entre 1 et %d",
	"must be between 0 and %d":                                                                  "doit être entre 0 et %d",
	"must be more than 0":                                                                       "doit être supérieur à 0",
	"%s is beyond the %s maximum":                                                               "%s dépasse le maximum de %s",
	"needs a place to measure from: add near, or a place in q":                                  "demande un lieu d'où mesurer : ajoutez near, ou un lieu dans q",
	"is required for the nearest places":                                                        "est requis pour les lieux les plus proches",
	"%q: want relevance or distance":                                                            "%q : attendu relevance ou distance",
	"distance needs a place to measure from: add near":                                          "la distance demande un lieu d'où mesurer : ajoutez near",
	"has %d distinct search terms; the limit is %d":                                             "contient %d termes de recherche distincts ; la limite est %d",
	"is %d bytes long; the limit is %d":                                                         "fait %d octets ; la limite est %d",
	"%q: want more than 0 and at most %s":                                                       "%q : attendu plus de 0 et au plus %s",
	"%q is not a distance such as 30km, 500m or 30":                                             "%q n'est pas une distance comme 30km, 500m ou 30",
	"%q: want type, service or dept":                                                            "%q : attendu type, service ou dept",
	"%q: want true or false":                                                                    "%q : attendu true ou false",
	"%q: latitude must be within [-90, 90] and longitude within [-180, 180]":                    "%q : la latitude doit être dans [-90, 90] et la longitude dans [-180, 180]",
	"%q is a %s: %s needs a commune or lat,lon (use dept for a département)":                    "%q est un(e) %s : %s demande une commune ou lat,lon (utilisez dept pour un département)",
	"%q is not a French commune":                                                                "%q n'est pas une commune française",
	"%q is not a département code or name":                                                      "%q n'est pas un code ou un nom de département",
	"%q: want minLon,minLat,maxLon,maxLat":                                                      "%q : attendu minLon,minLat,maxLon,maxLat",
	"%q: %q is not a number":                                                                    "%q : %q n'est pas un nombre",
	"%q: longitudes must be within [-180, 180] and latitudes within [-90, 90]":                  "%q : les longitudes doivent être dans [-180, 180] et les latitudes dans [-90, 90]",
	"%q: minLat is above maxLat":                                                                "%q : minLat est au-dessus de maxLat",
	"want a GeoJSON Polygon geometry: {\"type\":\"Polygon\",\"coordinates\":[[[lon,lat],...]]}": "attendu une géométrie GeoJSON Polygon : {\"type\":\"Polygon\",\"coordinates\":[[[lon,lat],...]]}",
	"the outer ring needs at least 4 positions, the last equal to the first":                    "l'anneau extérieur demande au moins 4 positions, la dernière égale à la première",
	"ring %d is not closed: its last position must equal its first (RFC 7946)":                  "l'anneau %d n'est pas fermé : sa dernière position doit égaler la première (RFC 7946)",
	"position [%g, %g] is out of range":                                                         "la position [%g, %g] est hors limites",
	"%q is not a whole number":                                                                  "%q n'est pas un nombre entier",
	"%d is outside [%d, %d]":                                                                    "%d est hors de [%d, %d]",
	"is not valid UTF-8":                                                                        "n'est pas de l'UTF-8 valide",
	"%q is not a latitude,longitude pair in range":                                              "%q n'est pas une paire latitude,longitude valide",
	"distance %q: %v":                                                                           "distance %q : %v",
	"distance %q: want more than 0 and at most %s":                                              "distance %q : attendu plus de 0 et au plus %s",
	"names a distance or says \"near\" but no place this service knows; add a commune, département or région, or use the near parameter": "donne une distance ou dit « près de » sans lieu connu de ce service ; ajoutez une commune, un département ou une région, ou utilisez le paramètre near",
	"place %q is not a French commune, département or région":                                                                            "le lieu %q n'est pas une commune, un département ou une région de France",
	"%s (%s) has no known location": "%s (%s) n'a pas de position connue",
	"%d is outside [1, %d]":         "%d est hors de [1, %d]",
	"is empty: give a commune, département or région name, an INSEE code or a postcode": "est vide : donnez un nom de commune, de département ou de région, un code INSEE ou un code postal",
	"%q: want json or geojson":                 "%q : attendu json ou geojson",
	"no place with id %q":                      "aucun lieu n'a l'identifiant %q",
	"is required: a whole number from 0 to %d": "est requis : un nombre entier de 0 à %d",
	"no route %s":                              "aucune route %s",
	"%s is not allowed here; use GET":          "%s n'est pas permis ici ; utilisez GET",
	"%q: want fr or en":                        "%q : attendu fr ou en",
	"%q: %v; want now, today, tomorrow, weekend, a day (sa, samedi), a day and time (mo 18:00), a window (we 09:00-12:00) or a date (2026-12-24T09:00)": "%q : %v ; attendu now, today, tomorrow, weekend, un jour (sa, samedi), un jour et une heure (mo 18:00), une plage (we 09:00-12:00) ou une date (2026-12-24T09:00)",
	"%q: want include or exclude":                                                      "%q : attendu include ou exclude",
	"has %d bounds; the limit is %d":                                                   "a %d bornes ; la limite est %d",
	"bounds must be more than 0 and increasing, in km: 5,10,20,50":                     "les bornes doivent être supérieures à 0 et croissantes, en km : 5,10,20,50",
	"%s needs a trip: add from and to, or along":                                       "%s demande un trajet : ajoutez from et to, ou along",
	"a trip needs its start and its end: from and to, or along":                        "un trajet demande son départ et son arrivée : from et to, ou along",
	"must be more than 0 and at most %s":                                               "doit être supérieur à 0 et au plus %s",
	"a trip is limited by its detour, not by a radius: use detour":                     "un trajet est limité par son détour, pas par un rayon : utilisez detour",
	"a trip cannot be limited to a box or a polygon as well":                           "un trajet ne peut pas être limité en plus à un rectangle ou à un polygone",
	"%q: want relevance, distance, detour or along":                                    "%q : attendu relevance, distance, detour ou along",
	"%q: want type, service, dept or distance":                                         "%q : attendu type, service, dept ou distance",
	"a route given with along has its own ends":                                        "un itinéraire donné par along a ses propres extrémités",
	"%q is not a distance such as 5km or 500m":                                         "%q n'est pas une distance comme 5km ou 500m",
	"needs a trip: add from and to, or along":                                          "demande un trajet : ajoutez from et to, ou along",
	"%q is not a number of km":                                                         "%q n'est pas un nombre de km",
	"%d minutes: want from 1 to %d":                                                    "%d minutes : attendu de 1 à %d",
	"a trip needs its end: give to":                                                    "un trajet demande son arrivée : donnez to",
	"a trip needs its start: give from or near, or a place before \"sur la route de\"": "un trajet demande son départ : donnez from ou near, ou un lieu avant « sur la route de »",
	"the trip ends where it starts (%s): give another end":                             "le trajet finit où il commence (%s) : donnez une autre arrivée",
	"%v": "%v",
	"want a GeoJSON LineString, {\"type\":\"LineString\",\"coordinates\":[[lon,lat],...]}, or an encoded polyline": "attendu une LineString GeoJSON, {\"type\":\"LineString\",\"coordinates\":[[lon,lat],...]}, ou une polyline encodée",
	"is not an encoded polyline of precision 5: %v":                                                                "n'est pas une polyline encodée de précision 5 : %v",
	"has %d points; a route needs at least 2":                                                                      "a %d points ; un itinéraire en demande au moins 2",
	"has %d points; the limit is %d":                                                                               "a %d points ; la limite est %d",
	"%q is not one of the terms of this list":                                                                      "%q n'est pas un des termes de cette liste",
	"is not a list of the vocabulary":                                                                              "n'est pas une liste du vocabulaire",
	"%q is not one of the %s":                                                                                      "%q n'est pas un des %s",
	"%q: want type, service, dept, distance or a list (fees, publics, accessibility…)":                             "%q : attendu type, service, dept, distance ou une liste (fees, publics, accessibility…)",
	"has %d vertices; the limit is %d":                                                                             "a %d sommets ; la limite est %d",
	"the server is restarting; try again shortly":                                                                  "le serveur redémarre ; réessayez dans un instant",
	"the search took longer than %s and was stopped; narrow it (a smaller area, fewer words)":                      "la recherche a duré plus de %s et a été arrêtée ; précisez-la (une zone plus petite, moins de mots)",
	"too many costly searches at once (large polygons, whole-world clusters, rare words); try again shortly":       "trop de recherches coûteuses à la fois (grands polygones, regroupements du monde entier, mots rares) ; réessayez dans un instant",
	"the server is busy; try again shortly":                                                                        "le serveur est occupé ; réessayez dans un instant",
	"too many requests from this address (at most %g a second); retry in %d s":                                     "trop de requêtes depuis cette adresse (au plus %g par seconde) ; réessayez dans %d s",
	"contains a semicolon: separate parameters with & and encode a semicolon as %%3B":                              "contient un point-virgule : séparez les paramètres par & et encodez un point-virgule en %%3B",
	"the parameter's name is not valid percent-encoding":                                                           "le nom du paramètre n'est pas un encodage pour-cent valide",
	"is not valid percent-encoding: encode %% as %%25":                                                             "n'est pas un encodage pour-cent valide : encodez %% en %%25",
	"; did you mean %s?": " ; vouliez-vous dire %s ?",
	// The keys and the write API.
	"a valid API key is required: send it as Authorization: Bearer KEY, or as the key parameter": "une clé d'API valide est requise : envoyez-la en Authorization: Bearer CLÉ, ou dans le paramètre key",
	"a valid API key is required: send it as Authorization: Bearer KEY":                          "une clé d'API valide est requise : envoyez-la en Authorization: Bearer CLÉ",
	"this API key's scope does not allow this":                                                   "la portée de cette clé d'API ne le permet pas",
	"this API key may not be used from this origin":                                              "cette clé d'API ne peut pas servir depuis cette origine",
	"%s is not allowed here; use %s":                                                             "%s n'est pas permis ici ; utilisez %s",
	"the current build did not load, the one served stays: %v":                                   "la version courante de l'index ne s'est pas chargée, celle servie reste : %v",
	"is required: rebuild or upsert":                                                             "est requis : rebuild ou upsert",
	"%q: want rebuild or upsert":                                                                 "%q : attendu rebuild ou upsert",
	"is required: csv, geojson, json or ndjson (or a Content-Type that says it)":                 "est requis : csv, geojson, json ou ndjson (ou un Content-Type qui le dit)",
	"%q: want csv, geojson, json or ndjson":                                                      "%q : attendu csv, geojson, json ou ndjson",
	"is empty: send the export file as the request's body":                                       "est vide : envoyez le fichier d'export comme corps de la requête",
	"is larger than %d MB":                                                                       "dépasse %d Mo",
	"%d tasks are waiting already; try again once one has run":                                   "%d tâches attendent déjà ; réessayez quand l'une aura tourné",
	"the task failed on an internal error; the data served is unchanged":                         "la tâche a échoué sur une erreur interne ; les données servies sont inchangées",
	"names a distance from a département or région: a distance is measured from a commune or a point; name a commune, or drop the distance": "donne une distance depuis un département ou une région : une distance se mesure depuis une commune ou un point ; nommez une commune, ou retirez la distance",
	"no task with id %q": "aucune tâche n'a l'identifiant %q",
}

func init() {
	for en, fr := range french {
		message.SetString(language.French, en, fr)
	}
}
