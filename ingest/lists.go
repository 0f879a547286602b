package ingest

// A List is one of the controlled lists a place field takes its values
// from, beside the types and services: the publics a place addresses, the
// support it gives to particular needs, its fees, how to reach it and how
// it helps. The lists are those of the national standard "Lieux de
// médiation numérique" v1.0.2 (schema.json): each Term's FR label is the
// standard's own value, written as it is in the schema, so the export
// writes it back unchanged; the ID is ours and stable, the EN label and
// synonyms are what people type in either language.
type List struct {
	Name   string // the Place field's JSON name: "publics"
	Column string // the standard's column: "publics_specifiquement_adresses"
	Terms  []Term
	ix     *termIndex
}

func newList(name, column string, terms []Term) *List {
	return &List{Name: name, Column: column, Terms: terms, ix: buildTermIndex(terms)}
}

// ID maps any label or synonym of the list ("pour les seniors", "Seniors",
// "for seniors") to its term's ID.
func (l *List) ID(s string) (string, bool) {
	id, ok := l.ix.byKey[TermKey(s)]
	return id, ok
}

// Term returns the term with this ID.
func (l *List) Term(id string) (*Term, bool) {
	t, ok := l.ix.terms[id]
	return t, ok
}

// Labels returns the French labels, the standard's values, of the IDs the
// list knows, in the order given.
func (l *List) Labels(ids []string) []string {
	var out []string
	for _, id := range ids {
		if t, ok := l.Term(id); ok {
			out = append(out, t.FR)
		}
	}
	return out
}

// Publics: the publics a place specifically addresses
// (publics_specifiquement_adresses). By default a place welcomes everyone.
var Publics = newList("publics", "publics_specifiquement_adresses", []Term{
	{ID: "jeunes", FR: "Jeunes", EN: "Young people", Synonyms: []string{
		"jeune", "jeunesse", "pour les jeunes", "youth", "young", "for young people", "16-25 ans"}},
	{ID: "etudiants", FR: "Étudiants", EN: "Students", Synonyms: []string{
		"étudiant", "étudiantes", "pour les étudiants", "student", "for students"}},
	{ID: "familles-enfants", FR: "Familles et/ou enfants", EN: "Families and children", Synonyms: []string{
		"familles et enfants", "familles", "enfants", "parents", "pour les familles", "families", "children", "kids", "for families"}},
	{ID: "seniors", FR: "Seniors", EN: "Seniors", Synonyms: []string{
		"senior", "personnes âgées", "retraités", "pour les seniors", "pour les personnes âgées", "elderly", "older people", "for seniors"}},
	{ID: "femmes", FR: "Femmes", EN: "Women", Synonyms: []string{"pour les femmes", "woman", "for women"}},
})

// Accessibility: the particular needs a place can support
// (prise_en_charge_specifique).
var Accessibility = newList("accessibility", "prise_en_charge_specifique", []Term{
	{ID: "surdite", FR: "Surdité", EN: "Deafness", Synonyms: []string{
		"sourds", "sourd", "malentendants", "personnes sourdes", "langue des signes", "LSF", "deaf", "hard of hearing", "sign language",
		// Whole phrases, so that "accessible" in them is not the service
		// accessible-pmr.
		"accessible aux sourds", "accessible aux malentendants", "accessible aux personnes sourdes",
		"deaf people", "accessible to deaf people", "accessible for deaf people", "deaf-friendly"}},
	{ID: "handicap-moteur", FR: "Handicaps moteurs", EN: "Physical disability", Synonyms: []string{
		// "PMR" and "wheelchair accessible" name the service accessible-pmr,
		// which places with this support also get (sameMeaning).
		"handicap moteur", "accessible en fauteuil", "fauteuil roulant", "fauteuil", "mobilité réduite",
		"wheelchair", "wheelchair users", "physical disabilities", "reduced mobility"}},
	{ID: "handicap-mental", FR: "Handicaps mentaux", EN: "Intellectual disability", Synonyms: []string{
		"handicap mental", "handicap psychique", "handicap cognitif", "intellectual disabilities", "learning disability", "mental disability"}},
	{ID: "illettrisme", FR: "Illettrisme", EN: "Illiteracy", Synonyms: []string{
		"illettrés", "illettré", "difficultés de lecture", "analphabétisme", "illiteracy support", "literacy", "reading difficulties"}},
	{ID: "anglais", FR: "Langues étrangères (anglais)", EN: "English spoken", Synonyms: []string{
		"anglais", "en anglais", "anglophone", "english", "in english", "english speaking"}},
	{ID: "langues-etrangeres", FR: "Langues étrangères (autres)", EN: "Other languages", Synonyms: []string{
		"langues étrangères", "autres langues", "allophones", "FLE", "foreign languages", "other languages", "non-french speakers"}},
	{ID: "deficience-visuelle", FR: "Déficience visuelle", EN: "Visual impairment", Synonyms: []string{
		"malvoyants", "malvoyant", "aveugles", "non-voyants", "déficients visuels", "blind", "visually impaired", "partially sighted"}},
})

// Fees: what it costs (frais_a_charge).
var Fees = newList("fees", "frais_a_charge", []Term{
	{ID: "gratuit", FR: "Gratuit", EN: "Free", Synonyms: []string{
		"gratuite", "gratuitement", "sans frais", "accès gratuit", "free of charge", "no fee", "no charge"}},
	{ID: "gratuit-sous-condition", FR: "Gratuit sous condition", EN: "Free under conditions", Synonyms: []string{
		"gratuit sous conditions", "gratuit sous condition de ressources", "gratuit pour les adhérents",
		"conditionally free", "free under conditions", "free for members"}},
	{ID: "payant", FR: "Payant", EN: "Paid", Synonyms: []string{"payante", "tarif", "tarifs", "paid", "fee", "charged", "not free"}},
})

// AccessModes: how to reach the place's help (modalites_acces).
var AccessModes = newList("access_modes", "modalites_acces", []Term{
	{ID: "se-presenter", FR: "Se présenter", EN: "Walk in", Synonyms: []string{
		"sans rendez-vous", "accueil libre", "venir sur place", "walk-in", "drop in", "no appointment"}},
	{ID: "telephoner", FR: "Téléphoner", EN: "Phone", Synonyms: []string{
		"par téléphone", "appeler", "téléphone", "call", "by phone", "phone call"}},
	{ID: "contacter-par-mail", FR: "Contacter par mail", EN: "Email", Synonyms: []string{
		"par mail", "par courriel", "par e-mail", "mail", "courriel", "e-mail", "by email"}},
	{ID: "rdv-en-ligne", FR: "Prendre un RDV en ligne", EN: "Online appointment", Synonyms: []string{
		"rendez-vous en ligne", "RDV en ligne", "prise de rendez-vous en ligne", "prendre rendez-vous en ligne",
		"online appointment", "book online", "online booking"}},
	{ID: "pas-de-public", FR: "Ce lieu n'accueille pas de public", EN: "Not open to the public", Synonyms: []string{
		"n'accueille pas de public", "pas d'accueil du public", "pas de public", "no public access", "closed to the public"}},
	{ID: "fiche-prescription", FR: "Envoyer un mail avec une fiche de prescription", EN: "Referral by email", Synonyms: []string{
		"fiche de prescription", "sur prescription", "prescription", "referral", "referral form", "by referral"}},
})

// SupportModes: how the place helps (modalites_accompagnement).
var SupportModes = newList("support_modes", "modalites_accompagnement", []Term{
	{ID: "autonomie", FR: "En autonomie", EN: "On your own", Synonyms: []string{
		"autonomie", "libre-service", "en libre accès", "self-service", "on your own", "unassisted"}},
	{ID: "individuel", FR: "Accompagnement individuel", EN: "One-to-one support", Synonyms: []string{
		"individuel", "accompagnement individualisé", "en individuel", "one-to-one", "one to one", "individual support", "personal support"}},
	{ID: "atelier-collectif", FR: "Dans un atelier collectif", EN: "Group workshop", Synonyms: []string{
		"atelier collectif", "ateliers collectifs", "en groupe", "collectif", "group workshop", "group workshops", "group session"}},
	{ID: "a-distance", FR: "À distance", EN: "Remote support", Synonyms: []string{
		"à distance", "distance", "par téléphone ou en visioconférence", "remote", "remotely", "by phone or video"}},
})

// Mobility: whether the place stays put or travels, as a digital bus
// does (itinerance). "oui" and "non" are what the France Services list's
// ITINERANCE column holds.
var Mobility = newList("mobility", "itinerance", []Term{
	{ID: "itinerant", FR: "Itinérant", EN: "Mobile", Synonyms: []string{
		"itinérante", "itinérance", "bus", "bus numérique", "bus France Services", "camion", "mobile unit", "roaming", "travelling", "oui", "yes"}},
	{ID: "fixe", FR: "Fixe", EN: "Fixed", Synonyms: []string{"sédentaire", "fixed", "fixed site", "permanent", "non", "no"}},
})

// Programs: the national programmes a place belongs to
// (dispositif_programmes_nationaux). The French labels are the standard's.
var Programs = newList("programs", "dispositif_programmes_nationaux", []Term{
	{ID: "aidants-connect", FR: "Aidants Connect", EN: "Aidants Connect", Synonyms: []string{"aidant connect"}},
	{ID: "bibliotheques-numeriques", FR: "Bibliothèques numérique de référence", EN: "Reference digital libraries", Synonyms: []string{
		"bibliothèques numériques de référence", "bibliothèque numérique de référence", "BNR"}},
	{ID: "pix", FR: "Certification PIX", EN: "PIX certification", Synonyms: []string{"PIX"}},
	{ID: "conseillers-numeriques", FR: "Conseillers numériques", EN: "Digital advisers", Synonyms: []string{
		"conseiller numérique", "conseillers numériques France Services", "conseiller numérique France Services", "CNFS", "digital adviser"}},
	{ID: "emmaus-connect", FR: "Emmaüs Connect", EN: "Emmaüs Connect"},
	{ID: "france-services", FR: "France Services", EN: "France Services", Synonyms: []string{
		"France Service", "maison France Services", "espace France Services", "RFS", "MSAP",
		"maison de services au public", "maisons de services au public"}},
	{ID: "grande-ecole-du-numerique", FR: "Grande école du numérique", EN: "Grande école du numérique", Synonyms: []string{"GEN"}},
	{ID: "croix-rouge", FR: "La Croix Rouge", EN: "Red Cross", Synonyms: []string{"Croix-Rouge", "Croix-Rouge française"}},
	{ID: "point-numerique-caf", FR: "Point d'accès numérique CAF", EN: "CAF digital access point", Synonyms: []string{
		"point numérique CAF", "point d'accès numérique de la CAF"}},
	{ID: "promeneurs-du-net", FR: "Promeneurs du net", EN: "Promeneurs du net"},
	{ID: "relais-numerique-emmaus", FR: "Relais numérique (Emmaüs Connect)", EN: "Emmaüs Connect digital relay", Synonyms: []string{
		"relais numérique", "relais numérique Emmaüs Connect"}},
})

// Labels: the trainings and labels the standard lists (formations_labels);
// others are kept as written in Place.OtherLabels.
var Labels = newList("labels", "formations_labels", []Term{
	{ID: "mon-espace-sante", FR: "Formé à « Mon Espace Santé »", EN: "Trained in Mon Espace Santé", Synonyms: []string{"Mon Espace Santé"}},
	{ID: "duplex", FR: "Formé à « DUPLEX » (illettrisme)", EN: "Trained in DUPLEX (illiteracy)", Synonyms: []string{"DUPLEX"}},
	{ID: "arnia-mednum-bfc", FR: "Arnia/MedNum BFC (Bourgogne-Franche-Comté)", EN: "Arnia/MedNum BFC", Synonyms: []string{"Arnia", "MedNum BFC"}},
	{ID: "reemploi-normandie", FR: "Collectif ressources et acteurs réemploi (Normandie)", EN: "Réemploi collective (Normandy)"},
	{ID: "etapes-numeriques", FR: "Étapes numériques(La Poste)", EN: "Étapes numériques (La Poste)", Synonyms: []string{"Étapes numériques"}},
	{ID: "fabriques-de-territoire", FR: "Fabriques de Territoire", EN: "Fabriques de Territoire", Synonyms: []string{
		"Fabrique de Territoire", "Fabrique numérique de territoire", "Fabriques numériques de territoire"}},
	{ID: "eclaireurs-du-numerique", FR: "Les Éclaireurs du numérique (Drôme)", EN: "Éclaireurs du numérique (Drôme)", Synonyms: []string{"Éclaireurs du numérique"}},
	{ID: "mes-papiers", FR: "Mes Papiers (Métropole de Lyon)", EN: "Mes Papiers (Lyon)", Synonyms: []string{"Mes Papiers"}},
	{ID: "ordi-3-0", FR: "ORDI 3.0", EN: "ORDI 3.0", Synonyms: []string{"ORDI 3"}},
	{ID: "sud-labs", FR: "SUD LABS (PACA)", EN: "SUD LABS (PACA)", Synonyms: []string{"SUD LABS"}},
})

// Lists are the controlled lists, in the order of the standard's columns.
var Lists = []*List{Mobility, Publics, Accessibility, Fees, Programs, Labels, AccessModes, SupportModes}

// PublicID maps a label or synonym of a public ("pour les seniors") to
// its ID.
func PublicID(s string) (string, bool) { return Publics.ID(s) }

// AccessibilityID maps a label or synonym of a particular need ("accessible
// en fauteuil", "sourds") to its ID.
func AccessibilityID(s string) (string, bool) { return Accessibility.ID(s) }

// FeeID maps a label or synonym of a fee ("gratuit", "free") to its ID.
func FeeID(s string) (string, bool) { return Fees.ID(s) }

// AccessModeID maps a label or synonym of an access mode ("rendez-vous en
// ligne", "online appointment") to its ID.
func AccessModeID(s string) (string, bool) { return AccessModes.ID(s) }

// SupportModeID maps a label or synonym of a support mode ("atelier
// collectif", "one-to-one") to its ID.
func SupportModeID(s string) (string, bool) { return SupportModes.ID(s) }

// MobilityID maps "Itinérant", "Fixe" and their synonyms to an ID.
func MobilityID(s string) (string, bool) { return Mobility.ID(s) }

// ProgramID maps a national programme's label or synonym ("France
// Services", "MSAP", "Conseillers numériques") to its ID.
func ProgramID(s string) (string, bool) { return Programs.ID(s) }

// LabelID maps a training or label of the standard's list ("Fabriques de
// Territoire") to its ID.
func LabelID(s string) (string, bool) { return Labels.ID(s) }

// Keys returns the folded keys (TermKey) that name a term of the list.
func (l *List) Keys(id string) []string { return l.ix.byID[id] }
