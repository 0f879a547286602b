package ingest

import (
	"strings"
)

// The national standard "Lieux de médiation numérique" v1.0.2 (La MedNum,
// ANCT, Datactivist; Licence Ouverte 2.0; schema.json in
// testdata/mediation-numerique) is what the national cartography and the
// départements publish. A file in it is recognised by its header (shape
// "mediation-numerique", shape.go), every column maps to a field of the
// Place, and WriteMediationNumerique (export.go) writes places back in it.

// MedNumColumns are the standard's columns, in its order.
var MedNumColumns = []string{
	"id", "pivot", "nom", "commune", "code_postal", "code_insee", "adresse", "complement_adresse",
	"latitude", "longitude", "typologie", "telephone", "courriels", "site_web", "horaires",
	"presentation_resume", "presentation_detail", "source", "itinerance", "structure_parente", "date_maj",
	"services", "publics_specifiquement_adresses", "prise_en_charge_specifique", "frais_a_charge",
	"dispositif_programmes_nationaux", "formations_labels", "autres_formations_labels",
	"modalites_acces", "modalites_accompagnement", "fiche_acces_libre", "prise_rdv",
}

// Typology is a structure typology code of data.inclusion, the list the
// standard's typologie column takes its values from, and the types of our
// vocabulary it gives.
type Typology struct {
	Code  string
	Label string
	Types []string
}

// How typology codes become types. The standard lists places of digital
// inclusion, and data.inclusion's codes say what kind of structure runs
// them: a library, a town hall, a France Services, an association. So:
//   - TIERS_LIEUX ("Tiers lieu & coworking" in data.inclusion) is a
//     coworking: the shared workspace is what our vocabulary calls a
//     third place that is not a fablab;
//   - FABLAB and FABRIQUE (a "fabrique numérique" or "fabrique de
//     territoire", a making workshop) are fablabs;
//   - every other code (EPN, BIB, RFS for France Services, CCAS, MUNI,
//     ASSO…) is a place of digital inclusion: mediation-numerique.
//
// Codes are read when written as codes (upper case, "_" between words);
// "Fablab" or "Bibliothèque" go through the vocabulary as before.
var Typologies = []Typology{
	{"TIERS_LIEUX", "Tiers lieu & coworking", []string{"coworking"}},
	{"FABLAB", "Fablab", []string{"fablab"}},
	{"FABRIQUE", "Fabrique numérique de territoire", []string{"fablab"}},
	{"EPN", "Espace public numérique", []string{"mediation-numerique"}},
	{"BIB", "Bibliothèque / Médiathèque", []string{"mediation-numerique"}},
	{"RFS", "Réseau France Services", []string{"mediation-numerique"}},
	{"CCAS", "Centre communal d'action sociale", []string{"mediation-numerique"}},
	{"CIAS", "Centre intercommunal d'action sociale", []string{"mediation-numerique"}},
	{"MUNI", "Municipalité", []string{"mediation-numerique"}},
	{"ASSO", "Association", []string{"mediation-numerique"}},
	{"ASSO_CHOMEUR", "Association de chômeurs", []string{"mediation-numerique"}},
	{"CS", "Centre social", []string{"mediation-numerique"}},
	{"CSC", "Centre socio-culturel", []string{"mediation-numerique"}},
	{"EVS", "Espace de vie sociale", []string{"mediation-numerique"}},
	{"MJC", "Maison des jeunes et de la culture", []string{"mediation-numerique"}},
	{"MQ", "Maison de quartier", []string{"mediation-numerique"}},
	{"PIJ_BIJ", "Point ou bureau information jeunesse", []string{"mediation-numerique"}},
	{"PIMMS", "Point information médiation multi services", []string{"mediation-numerique"}},
	{"ML", "Mission locale", []string{"mediation-numerique"}},
	{"PE", "Pôle emploi", []string{"mediation-numerique"}},
	{"FT", "France Travail", []string{"mediation-numerique"}},
	{"CAF", "Caisse d'allocations familiales", []string{"mediation-numerique"}},
	{"CPAM", "Caisse primaire d'assurance maladie", []string{"mediation-numerique"}},
	{"MSA", "Mutualité sociale agricole", []string{"mediation-numerique"}},
	{"CC", "Communauté de communes", []string{"mediation-numerique"}},
	{"EPCI", "Intercommunalité", []string{"mediation-numerique"}},
	{"CD", "Conseil départemental", []string{"mediation-numerique"}},
	{"DEPT", "Services sociaux du département", []string{"mediation-numerique"}},
	{"MDS", "Maison départementale des solidarités", []string{"mediation-numerique"}},
	{"MDPH", "Maison départementale des personnes handicapées", []string{"mediation-numerique"}},
	{"REG", "Région", []string{"mediation-numerique"}},
	{"PREF", "Préfecture, sous-préfecture", []string{"mediation-numerique"}},
	{"MDE", "Maison de l'emploi", []string{"mediation-numerique"}},
	{"MDEF", "Maison de l'emploi et de la formation", []string{"mediation-numerique"}},
	{"CITMET", "Cité des métiers", []string{"mediation-numerique"}},
	{"E2C", "École de la deuxième chance", []string{"mediation-numerique"}},
	{"OF", "Organisme de formation", []string{"mediation-numerique"}},
	{"ACI", "Atelier et chantier d'insertion", []string{"mediation-numerique"}},
	{"AI", "Association intermédiaire", []string{"mediation-numerique"}},
	{"EI", "Entreprise d'insertion", []string{"mediation-numerique"}},
	{"ETTI", "Entreprise de travail temporaire d'insertion", []string{"mediation-numerique"}},
	{"GEIQ", "Groupement d'employeurs pour l'insertion et la qualification", []string{"mediation-numerique"}},
	{"PLIE", "Plan local pour l'insertion et l'emploi", []string{"mediation-numerique"}},
	{"CAP_EMPLOI", "Cap emploi", []string{"mediation-numerique"}},
	{"CIDFF", "Centre d'information sur les droits des femmes et des familles", []string{"mediation-numerique"}},
	{"CHRS", "Centre d'hébergement et de réinsertion sociale", []string{"mediation-numerique"}},
	{"CHU", "Centre d'hébergement d'urgence", []string{"mediation-numerique"}},
	{"CADA", "Centre d'accueil de demandeurs d'asile", []string{"mediation-numerique"}},
	{"CPH", "Centre provisoire d'hébergement", []string{"mediation-numerique"}},
	{"HUDA", "Hébergement d'urgence pour demandeurs d'asile", []string{"mediation-numerique"}},
	{"RS_FJT", "Résidence sociale, foyer de jeunes travailleurs", []string{"mediation-numerique"}},
	{"PENSION", "Pension de famille, résidence accueil", []string{"mediation-numerique"}},
	{"UDAF", "Union départementale des associations familiales", []string{"mediation-numerique"}},
	{"PAD", "Point d'accès au droit", []string{"mediation-numerique"}},
	{"SPIP", "Service pénitentiaire d'insertion et de probation", []string{"mediation-numerique"}},
	{"PJJ", "Protection judiciaire de la jeunesse", []string{"mediation-numerique"}},
	{"PREVENTION", "Service ou club de prévention", []string{"mediation-numerique"}},
	{"RESSOURCERIE", "Ressourcerie", []string{"mediation-numerique"}},
	{"ES", "Épicerie solidaire", []string{"mediation-numerique"}},
	{"CCONS", "Chambre consulaire", []string{"mediation-numerique"}},
	{"LA_POSTE", "La Poste", []string{"mediation-numerique"}},
	{"AUTRE", "Autre", []string{"mediation-numerique"}},
}

var typologyByCode = func() map[string]*Typology {
	m := map[string]*Typology{}
	for i := range Typologies {
		m[Typologies[i].Code] = &Typologies[i]
	}
	return m
}()

// TypologyCode returns the typology a value written as a code names:
// "TIERS_LIEUX", " EPN ". Only upper-case values are codes, so that a
// types column saying "Fablab" or "Bib" is still read by the vocabulary.
func TypologyCode(s string) (*Typology, bool) {
	s = strings.TrimSpace(s)
	if s == "" || strings.ToUpper(s) != s {
		return nil, false
	}
	t, ok := typologyByCode[strings.ReplaceAll(strings.ReplaceAll(s, "-", "_"), " ", "_")]
	return t, ok
}

// medNumServices pairs each service of the standard (its label, as the
// schema writes it) with the IDs of our vocabulary that give it, the
// first being the one the label reads as (it is a synonym in vocab.go).
// The export writes a label when a place has any of its IDs.
var medNumServices = []struct {
	Label string
	IDs   []string
}{
	{"Aide aux démarches administratives", []string{"aide-demarches"}},
	{"Maîtrise des outils numériques du quotidien", []string{"outils-numeriques", "ateliers-numeriques"}},
	{"Insertion professionnelle via le numérique", []string{"insertion-professionnelle"}},
	{"Utilisation sécurisée du numérique", []string{"securite-numerique"}},
	{"Parentalité et éducation avec le numérique", []string{"parentalite-numerique"}},
	{"Loisirs et créations numériques", []string{"loisirs-creations-numeriques"}},
	{"Compréhension du monde numérique", []string{"culture-numerique"}},
	{"Accès internet et matériel informatique", []string{"acces-internet"}},
	{"Acquisition de matériel informatique à prix solidaire", []string{"materiel-solidaire"}},
}

// MedNumServiceLabels returns the standard's service labels for a place's
// service IDs, in the standard's order.
func MedNumServiceLabels(ids []string) []string {
	var out []string
	for _, s := range medNumServices {
		for _, id := range s.IDs {
			if contains(ids, id) {
				out = append(out, s.Label)
				break
			}
		}
	}
	return out
}
