package ingest

import (
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"
)

// Canonical field names a record can carry. Readers map whatever headers
// or keys an export uses onto these.
const (
	FieldID           = "id"
	FieldName         = "name"
	FieldTypes        = "types"
	FieldServices     = "services"
	FieldTags         = "tags"
	FieldDescription  = "description"
	FieldAddress      = "address"
	FieldPostcode     = "postcode"
	FieldCommune      = "commune"
	FieldINSEE        = "insee"
	FieldDept         = "dept"
	FieldLat          = "lat"
	FieldLon          = "lon"
	FieldPrecision    = "precision"
	FieldWebsite      = "website"
	FieldEmail        = "email"
	FieldPhone        = "phone"
	FieldOpeningHours = "opening_hours"
	FieldLabelYear    = "label_year"
	FieldDemo         = "demo"
	FieldNote         = "note"

	FieldPivot         = "pivot"
	FieldAddressExtra  = "address_extra"
	FieldDetails       = "details"
	FieldBookingURL    = "booking_url"
	FieldAccesLibreURL = "acceslibre_url"
	FieldUpdated       = "updated"
	FieldSource        = "source"
	FieldParent        = "parent"
	FieldMobility      = "mobility"
	FieldPublics       = "publics"
	FieldAccessibility = "accessibility"
	FieldFees          = "fees"
	FieldAccessModes   = "access_modes"
	FieldSupportModes  = "support_modes"
	FieldPrograms      = "programs"
	FieldLabels        = "labels"
	FieldOtherLabels   = "other_labels"
	// Hours given per weekday, in French ("9:00 - 12:00 / 13:30 - 17:30",
	// "fermé"), and as a text or HTML week ("<p>Lundi : 9h-12h</p>…"):
	// converted to opening_hours (hours.go).
	FieldHoursMo   = "hours_mo"
	FieldHoursTu   = "hours_tu"
	FieldHoursWe   = "hours_we"
	FieldHoursTh   = "hours_th"
	FieldHoursFr   = "hours_fr"
	FieldHoursSa   = "hours_sa"
	FieldHoursSu   = "hours_su"
	FieldHoursText = "hours_text"
	FieldHoursNote = "hours_note"
)

// fieldAliases lists, for each canonical field, the French and English
// headers found in spreadsheets and CMS exports, folded with TermKey.
var fieldAliases = map[string][]string{
	FieldID:           {"id", "identifiant", "identifier", "ref", "reference", "uid", "fid", "matricule"},
	FieldName:         {"name", "nom", "nom du lieu", "raison sociale", "titre", "title", "libelle", "denomination", "structure", "nom de la structure", "nom du tiers lieu", "lib france services", "nom france services"},
	FieldTypes:        {"types", "type", "typologie", "typologies", "categorie", "categories", "category", "famille", "kind", "type de lieu", "type lieu", "label full"},
	FieldServices:     {"services", "service", "equipements", "equipement", "equipment", "equipments", "offre", "offres", "prestations", "amenities", "outils", "machines"},
	FieldTags:         {"tags", "tag", "mots cles", "mot cle", "keywords", "etiquettes"},
	FieldDescription:  {"description", "presentation", "resume", "summary", "about", "descriptif", "presentation resume"},
	FieldAddress:      {"adresse", "address", "adresse postale", "rue", "street", "voie", "adresse 1", "address line 1"},
	FieldPostcode:     {"code postal", "cp", "postcode", "postal code", "zip", "zipcode", "zip code", "code postale"},
	FieldCommune:      {"commune", "ville", "city", "town", "localite", "municipality", "nom commune", "nom de la commune", "lib com", "libelle commune"},
	FieldINSEE:        {"code insee", "insee", "code commune", "code commune insee", "citycode", "com insee", "insee code", "cog", "insee com"},
	FieldDept:         {"departement", "dept", "dep", "code departement", "department", "county"},
	FieldLat:          {"latitude", "lat", "y", "coord y", "gps lat", "geo lat"},
	FieldLon:          {"longitude", "lon", "lng", "long", "x", "coord x", "gps lon", "gps lng", "geo lon", "geo lng"},
	FieldPrecision:    {"precision", "precision geo", "geocoding precision"},
	FieldWebsite:      {"site", "url", "website", "site web", "site internet", "web", "lien", "link", "homepage", "site web", "sites web"},
	FieldEmail:        {"email", "e mail", "mail", "courriel", "adresse mail", "contact email", "contact mail", "courriels", "emails"},
	FieldPhone:        {"telephone", "tel", "phone", "phone number", "numero de telephone", "portable"},
	FieldOpeningHours: {"horaires", "horaire", "opening hours", "hours", "heures d ouverture", "ouverture", "horaires d ouverture"},
	FieldLabelYear:    {"label year", "annee label", "annee de labellisation", "annee labellisation", "labellisation"},
	FieldDemo:         {"demo", "fictif", "fictional", "exemple"},
	FieldNote:         {"note", "notes", "remarque", "remarques", "commentaire", "comment"},

	FieldPivot:         {"pivot", "siret", "rna", "ridet", "numero siret"},
	FieldAddressExtra:  {"complement adresse", "complement d adresse", "adresse complement", "adresse 2", "address line 2", "lieu dit"},
	FieldDetails:       {"presentation detail", "description detaillee", "presentation detaillee", "details", "long description"},
	FieldBookingURL:    {"prise rdv", "prise de rdv", "prise de rendez vous", "rendez vous en ligne", "booking", "booking url", "appointment url"},
	FieldAccesLibreURL: {"fiche acces libre", "acces libre", "acceslibre"},
	FieldUpdated:       {"date maj", "date de mise a jour", "mise a jour", "updated", "last updated", "date modification", "updated at"},
	FieldSource:        {"source", "sources", "producteur", "collected by"},
	FieldParent:        {"structure parente", "reseau", "network", "parent"},
	FieldMobility:      {"itinerance", "itinerant", "mobility", "mobile"},
	FieldPublics:       {"publics specifiquement adresses", "publics", "public", "public cible", "publics cibles", "audience"},
	FieldAccessibility: {"prise en charge specifique", "accessibilite", "accessibility", "besoins specifiques"},
	FieldFees:          {"frais a charge", "frais", "tarifs", "tarif", "fees", "cost", "gratuite"},
	FieldAccessModes:   {"modalites acces", "modalites d acces", "acces", "access modes", "how to access"},
	FieldSupportModes:  {"modalites accompagnement", "modalites d accompagnement", "accompagnement", "support modes"},
	FieldPrograms:      {"dispositif programmes nationaux", "dispositifs", "programmes nationaux", "programs", "programmes"},
	FieldLabels:        {"formations labels", "labels", "formations et labels"},
	FieldOtherLabels:   {"autres formations labels", "autres labels", "other labels"},
	FieldHoursMo:       {"lundi", "h lundi", "horaires lundi", "horaire lundi", "lundi horaires", "monday", "hours monday"},
	FieldHoursTu:       {"mardi", "h mardi", "horaires mardi", "horaire mardi", "mardi horaires", "tuesday", "hours tuesday"},
	FieldHoursWe:       {"mercredi", "h mercredi", "horaires mercredi", "horaire mercredi", "mercredi horaires", "wednesday", "hours wednesday"},
	FieldHoursTh:       {"jeudi", "h jeudi", "horaires jeudi", "horaire jeudi", "jeudi horaires", "thursday", "hours thursday"},
	FieldHoursFr:       {"vendredi", "h vendredi", "horaires vendredi", "horaire vendredi", "vendredi horaires", "friday", "hours friday"},
	FieldHoursSa:       {"samedi", "h samedi", "horaires samedi", "horaire samedi", "samedi horaires", "saturday", "hours saturday"},
	FieldHoursSu:       {"dimanche", "h dimanche", "horaires dimanche", "horaire dimanche", "dimanche horaires", "sunday", "hours sunday"},
	FieldHoursText:     {"horaires semaine", "horaires detailles", "horaires texte", "horaires html", "hours text", "opening hours text"},
	FieldHoursNote:     {"commentaire horaires", "commentaires horaires", "horaires commentaire", "precisions horaires", "hours note", "hours comment"},
}

var aliasIndex = func() map[string]string {
	m := map[string]string{}
	for field, aliases := range fieldAliases {
		for _, a := range aliases {
			m[TermKey(a)] = field
		}
		m[TermKey(field)] = field
	}
	return m
}()

// Mapping maps an export's column headers or JSON keys to canonical
// fields. The zero value recognises French and English headers only.
type Mapping struct {
	// Columns maps a header, as written in the file, to a canonical field
	// name; it is consulted before the built-in aliases.
	Columns map[string]string `json:"columns"`
}

// ReadMapping reads a mapping file: {"columns": {"Nom du lieu": "name"}}.
func ReadMapping(r io.Reader) (*Mapping, error) {
	var m Mapping
	dec := json.NewDecoder(r)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&m); err != nil {
		return nil, fmt.Errorf("mapping: %w", err)
	}
	for header, field := range m.Columns {
		if _, ok := fieldAliases[field]; !ok {
			return nil, fmt.Errorf("mapping: column %q maps to unknown field %q (known: %s)", header, field, strings.Join(CanonicalFields(), ", "))
		}
	}
	return &m, nil
}

// CanonicalFields lists the field names a mapping may target.
func CanonicalFields() []string {
	out := make([]string, 0, len(fieldAliases))
	for f := range fieldAliases {
		out = append(out, f)
	}
	sort.Strings(out)
	return out
}

// Field returns the canonical field for a header, or "" when unknown.
func (m *Mapping) Field(header string) string {
	if f := m.mapped(header); f != "" {
		return f
	}
	return aliasIndex[TermKey(header)]
}

// mapped returns the field the mapping file gives a header, or "".
func (m *Mapping) mapped(header string) string {
	if m != nil {
		if f, ok := m.Columns[header]; ok {
			return f
		}
		k := TermKey(header)
		for h, f := range m.Columns {
			if TermKey(h) == k {
				return f
			}
		}
	}
	return ""
}
