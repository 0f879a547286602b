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
)

// fieldAliases lists, for each canonical field, the French and English
// headers found in spreadsheets and CMS exports, folded with TermKey.
var fieldAliases = map[string][]string{
	FieldID:           {"id", "identifiant", "identifier", "ref", "reference", "uid", "fid"},
	FieldName:         {"name", "nom", "nom du lieu", "raison sociale", "titre", "title", "libelle", "denomination", "structure", "nom de la structure", "nom du tiers lieu"},
	FieldTypes:        {"types", "type", "typologie", "typologies", "categorie", "categories", "category", "famille", "kind", "type de lieu"},
	FieldServices:     {"services", "service", "equipements", "equipement", "equipment", "equipments", "offre", "offres", "prestations", "amenities", "outils", "machines"},
	FieldTags:         {"tags", "tag", "mots cles", "mot cle", "keywords", "etiquettes"},
	FieldDescription:  {"description", "presentation", "resume", "summary", "about", "descriptif"},
	FieldAddress:      {"adresse", "address", "adresse postale", "rue", "street", "voie", "adresse 1", "address line 1"},
	FieldPostcode:     {"code postal", "cp", "postcode", "postal code", "zip", "zipcode", "zip code", "code postale"},
	FieldCommune:      {"commune", "ville", "city", "town", "localite", "municipality", "nom commune", "nom de la commune"},
	FieldINSEE:        {"code insee", "insee", "code commune", "code commune insee", "citycode", "com insee", "insee code", "cog"},
	FieldDept:         {"departement", "dept", "dep", "code departement", "department", "county"},
	FieldLat:          {"latitude", "lat", "y", "coord y", "gps lat"},
	FieldLon:          {"longitude", "lon", "lng", "long", "x", "coord x", "gps lon", "gps lng"},
	FieldPrecision:    {"precision", "precision geo", "geocoding precision"},
	FieldWebsite:      {"site", "url", "website", "site web", "site internet", "web", "lien", "link", "homepage"},
	FieldEmail:        {"email", "e mail", "mail", "courriel", "adresse mail", "contact email"},
	FieldPhone:        {"telephone", "tel", "phone", "phone number", "numero de telephone", "portable"},
	FieldOpeningHours: {"horaires", "horaire", "opening hours", "hours", "heures d ouverture", "ouverture", "horaires d ouverture"},
	FieldLabelYear:    {"label year", "annee label", "annee de labellisation", "annee labellisation", "labellisation"},
	FieldDemo:         {"demo", "fictif", "fictional", "exemple"},
	FieldNote:         {"note", "notes", "remarque", "remarques", "commentaire", "comment"},
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
	return aliasIndex[TermKey(header)]
}
