package ingest_test

import (
	"encoding/json"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/tierslieux/tierslieux/ingest"
)

// MustSchemaEnums returns, for each column of the standard's schema.json
// whose pattern is a list of alternatives, the alternatives as written.
func MustSchemaEnums(tb testing.TB) map[string][]string {
	tb.Helper()
	var schema struct {
		Fields []struct {
			Name        string `json:"name"`
			Constraints struct {
				Pattern string `json:"pattern"`
			} `json:"constraints"`
		} `json:"fields"`
	}
	if err := json.Unmarshal(MustReadFixture(tb, "mediation-numerique/schema.json"), &schema); err != nil {
		tb.Fatal(err)
	}
	alt := regexp.MustCompile(`^\(\?:\(\?:\^\|\\\|\)\((.*)\)\)\+\$$`)
	unescape := strings.NewReplacer(`\(`, "(", `\)`, ")", `\.`, ".")
	out := map[string][]string{}
	for _, f := range schema.Fields {
		if m := alt.FindStringSubmatch(f.Constraints.Pattern); m != nil {
			for _, a := range strings.Split(m[1], "|") {
				out[f.Name] = append(out[f.Name], unescape.Replace(a))
			}
		}
	}
	if len(out) < 8 {
		tb.Fatalf("only %d enumerated columns in schema.json", len(out))
	}
	return out
}

// TestListsAreTheStandards: every value the schema allows reads as a term
// whose French label is that value, and every term is one the schema
// allows, so the export writes back what the schema accepts.
func TestListsAreTheStandards(t *testing.T) {
	enums := MustSchemaEnums(t)
	for _, l := range ingest.Lists {
		t.Run(l.Name, func(t *testing.T) {
			values := enums[l.Column]
			if len(values) != len(l.Terms) {
				t.Errorf("%d terms, the schema has %d values: %q", len(l.Terms), len(values), values)
			}
			for _, v := range values {
				id, ok := l.ID(v)
				if !ok {
					t.Errorf("%q is not read", v)
					continue
				}
				if term, _ := l.Term(id); term.FR != v {
					t.Errorf("%q reads as %s, whose label is %q", v, id, term.FR)
				}
			}
			for _, term := range l.Terms {
				if term.ID == "" || term.EN == "" || !slices.Contains(values, term.FR) {
					t.Errorf("term %+v: no ID or EN label, or its FR label is not the schema's", term)
				}
			}
		})
	}
	t.Run("services", func(t *testing.T) {
		values := enums["services"]
		for _, v := range values {
			id, ok := ingest.ServiceID(v)
			if !ok {
				t.Errorf("service %q is not read", v)
				continue
			}
			MustEqualStrings(t, v, ingest.MedNumServiceLabels([]string{id}), []string{v})
			if m := ingest.Match(v); len(m.Services) != 1 || m.Services[0] != id || m.Rest {
				t.Errorf("Match(%q) = %v, rest %v; want %s alone", v, m.Services, m.Rest, id)
			}
		}
		if got := ingest.MedNumServiceLabels([]string{"impression-3d", "ateliers-numeriques", "acces-internet"}); !slices.Equal(got,
			[]string{"Maîtrise des outils numériques du quotidien", "Accès internet et matériel informatique"}) {
			t.Errorf("labels of our services = %q", got)
		}
	})
}

// TestListIDs: what people type, in French and English.
func TestListIDs(t *testing.T) {
	tests := []struct {
		lookup func(string) (string, bool)
		in     string
		want   string
	}{
		{ingest.PublicID, "pour les seniors", "seniors"},
		{ingest.PublicID, "for seniors", "seniors"},
		{ingest.PublicID, "Personnes âgées", "seniors"},
		{ingest.PublicID, "familles", "familles-enfants"},
		{ingest.PublicID, "Étudiants", "etudiants"},
		{ingest.AccessibilityID, "accessible en fauteuil", "handicap-moteur"},
		{ingest.AccessibilityID, "wheelchair", "handicap-moteur"},
		{ingest.AccessibilityID, "sourds", "surdite"},
		{ingest.AccessibilityID, "deaf", "surdite"},
		{ingest.AccessibilityID, "Langues étrangères (anglais)", "anglais"},
		{ingest.AccessibilityID, "malvoyants", "deficience-visuelle"},
		{ingest.FeeID, "gratuit", "gratuit"},
		{ingest.FeeID, "free", "gratuit"},
		{ingest.FeeID, "GRATUIT SOUS CONDITIONS", "gratuit-sous-condition"},
		{ingest.FeeID, "paid", "payant"},
		{ingest.AccessModeID, "rendez-vous en ligne", "rdv-en-ligne"},
		{ingest.AccessModeID, "online appointment", "rdv-en-ligne"},
		{ingest.AccessModeID, "sans rendez-vous", "se-presenter"},
		{ingest.AccessModeID, "Ce lieu n’accueille pas de public", "pas-de-public"},
		{ingest.SupportModeID, "atelier collectif", "atelier-collectif"},
		{ingest.SupportModeID, "one-to-one", "individuel"},
		{ingest.SupportModeID, "A distance", "a-distance"},
		{ingest.MobilityID, "Itinérant", "itinerant"},
		{ingest.MobilityID, "Oui", "itinerant"},
		{ingest.MobilityID, "bus", "itinerant"},
		{ingest.MobilityID, "Non", "fixe"},
		{ingest.ProgramID, "France Services", "france-services"},
		{ingest.ProgramID, "MSAP", "france-services"},
		{ingest.ProgramID, "conseiller numérique", "conseillers-numeriques"},
		{ingest.LabelID, "Fabriques de Territoire", "fabriques-de-territoire"},
		{ingest.LabelID, "Fabrique numérique de territoire", "fabriques-de-territoire"},
	}
	for _, tc := range tests {
		if got, ok := tc.lookup(tc.in); !ok || got != tc.want {
			t.Errorf("%q = %q, %v; want %q", tc.in, got, ok, tc.want)
		}
	}
	for _, unknown := range []string{"", "  ", "piscine", "Demandeurs d'emploi"} {
		if id, ok := ingest.PublicID(unknown); ok {
			t.Errorf("PublicID(%q) = %q, want unknown", unknown, id)
		}
	}
}

func TestTypologyCode(t *testing.T) {
	tests := []struct {
		in    string
		code  string
		types []string
	}{
		{"TIERS_LIEUX", "TIERS_LIEUX", []string{"coworking"}},
		{" FABLAB ", "FABLAB", []string{"fablab"}},
		{"FABRIQUE", "FABRIQUE", []string{"fablab"}},
		{"EPN", "EPN", []string{"mediation-numerique"}},
		{"RFS", "RFS", []string{"mediation-numerique"}},
		{"CCAS", "CCAS", []string{"mediation-numerique"}},
		{"TIERS LIEUX", "TIERS_LIEUX", []string{"coworking"}},
		{"PIJ-BIJ", "PIJ_BIJ", []string{"mediation-numerique"}},
		{"Fablab", "", nil},
		{"Epn", "", nil},
		{"XYZ_INCONNU", "", nil},
		{"", "", nil},
	}
	for _, tc := range tests {
		ty, ok := ingest.TypologyCode(tc.in)
		if ok != (tc.code != "") || ok && (ty.Code != tc.code || !slices.Equal(ty.Types, tc.types)) {
			t.Errorf("TypologyCode(%q) = %+v, %v; want %s %v", tc.in, ty, ok, tc.code, tc.types)
		}
	}
	for _, ty := range ingest.Typologies {
		for _, id := range ty.Types {
			if _, ok := ingest.TypeTerm(id); !ok {
				t.Errorf("%s gives unknown type %q", ty.Code, id)
			}
		}
	}
}
