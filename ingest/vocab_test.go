package ingest_test

import (
	"strings"
	"testing"

	"github.com/tierslieux/tierslieux/ingest"
)

func TestTypeAndServiceIDs(t *testing.T) {
	tests := []struct {
		in      string
		service bool
		want    string
	}{
		{"Fab Lab", false, "fablab"}, {"fablab", false, "fablab"}, {"FabLab", false, "fablab"},
		{"fab-lab", false, "fablab"}, {"Fablabs", false, "fablab"}, {"makerspace", false, "fablab"},
		{"Coworking", false, "coworking"}, {"co-working", false, "coworking"},
		{"espace de travail partagé", false, "coworking"}, {"Espaces de travail partages", false, "coworking"},
		{"Médiation numérique", false, "mediation-numerique"}, {"mediation numerique", false, "mediation-numerique"},
		{"EPN", false, "mediation-numerique"}, {"digital inclusion", false, "mediation-numerique"},
		{"imprimante 3D", true, "impression-3d"}, {"Imprimantes 3D", true, "impression-3d"},
		{"3D printing", true, "impression-3d"}, {"impression 3d", true, "impression-3d"}, {"3D printer", true, "impression-3d"},
		{"Découpe laser", true, "decoupe-laser"}, {"laser cutter", true, "decoupe-laser"},
		{"CNC", true, "fraiseuse-numerique"}, {"salle de réunion", true, "salle-de-reunion"},
		{"Meeting room", true, "salle-de-reunion"}, {"visio", true, "visioconference"},
		{"fibre optique", true, "fibre"}, {"accès PMR", true, "accessible-pmr"},
		{"aide aux démarches en ligne", true, "aide-demarches"}, {"printing", true, "impression-papier"},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			var got string
			var ok bool
			if tc.service {
				got, ok = ingest.ServiceID(tc.in)
			} else {
				got, ok = ingest.TypeID(tc.in)
			}
			if !ok || got != tc.want {
				t.Errorf("ID(%q) = %q, %v; want %q", tc.in, got, ok, tc.want)
			}
		})
	}
	for _, unknown := range []string{"piscine", "3D", "", "  "} {
		if id, ok := ingest.ServiceID(unknown); ok {
			t.Errorf("ServiceID(%q) = %q, want unknown", unknown, id)
		}
	}
}

func TestVocabularyIsConsistent(t *testing.T) {
	seen := map[string]string{}
	all := [][]ingest.Term{ingest.Types, ingest.Services}
	for _, l := range ingest.TextLists {
		all = append(all, l.Terms) // read in free text too: no key may be in two
	}
	for _, list := range all {
		for _, term := range list {
			if term.ID == "" || term.FR == "" || term.EN == "" {
				t.Errorf("term %+v lacks an ID or a label", term)
			}
			for _, s := range append([]string{term.ID, term.FR, term.EN}, term.Synonyms...) {
				k := ingest.TermKey(s)
				if other, dup := seen[k]; dup && other != term.ID {
					t.Errorf("%q means both %s and %s", s, other, term.ID)
				}
				seen[k] = term.ID
			}
		}
	}
}

func TestFindTerms(t *testing.T) {
	tests := []struct {
		text      string
		types     string
		services  string
		remainder string
	}{
		{"fablab with 3D printing", "fablab", "impression-3d", "with"},
		{"fablab avec impression 3D", "fablab", "impression-3d", "avec"},
		{"Fab Lab imprimantes 3D et découpe laser", "fablab", "impression-3d decoupe-laser", "et"},
		{"espace de travail partagé à Toulouse", "coworking", "", "à Toulouse"},
		{"médiation numérique dans le Gers", "mediation-numerique", "", "dans le Gers"},
		{"atelier de fabrication numérique", "fablab", "", ""},
		{"ateliers numériques", "", "ateliers-numeriques", ""},
		{"3D printing and printing", "", "impression-3d impression-papier", "and"},
		{"", "", "", ""},
	}
	for _, tc := range tests {
		t.Run(tc.text, func(t *testing.T) {
			words := ingest.Words(tc.text)
			found := ingest.FindTermsIn(words)
			used := make([]bool, len(words))
			var types, services, rest []string
			for _, m := range found {
				if m.Service {
					services = append(services, m.ID)
				} else {
					types = append(types, m.ID)
				}
				for j := m.Start; j < m.End; j++ {
					used[j] = true
				}
			}
			for i, w := range words {
				if !used[i] {
					rest = append(rest, w)
				}
			}
			if got := strings.Join(types, " "); got != tc.types {
				t.Errorf("types %q, want %q", got, tc.types)
			}
			if got := strings.Join(services, " "); got != tc.services {
				t.Errorf("services %q, want %q", got, tc.services)
			}
			if got := strings.Join(rest, " "); got != tc.remainder {
				t.Errorf("remainder %q, want %q", got, tc.remainder)
			}
		})
	}
}
