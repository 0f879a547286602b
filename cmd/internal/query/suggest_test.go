package query_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/tierslieux/tierslieux/cmd/internal/query"
	"github.com/tierslieux/tierslieux/index"
)

func TestSuggest(t *testing.T) {
	e := MustDemoEngine(t)
	for _, tc := range []struct {
		prefix string
		limit  int
		// want are kind|id pairs that must be among the suggestions.
		want  []string
		first string // kind|id of the first suggestion, when set
	}{
		{prefix: "fab", limit: 10, want: []string{"type|fablab"}, first: "type|fablab"},
		{prefix: "impr", limit: 10, want: []string{"service|impression-3d", "service|impression-papier"}},
		{prefix: "Rod", limit: 10, want: []string{"commune|12202"}},
		{prefix: "rodez", limit: 5, want: []string{"commune|12202"}},
		{prefix: "Avey", limit: 5, want: []string{"departement|12"}},
		{prefix: "ping", limit: 5, want: []string{"place|tlo-001"}},
		{prefix: "Ping Pong", limit: 5, want: []string{"place|tlo-001"}},
		{prefix: "établi", limit: 5, want: []string{"place|tlo-008"}},
		{prefix: "ETABLI", limit: 5, want: []string{"place|tlo-008"}},
		{prefix: "fabrique", limit: 20, want: []string{"place|tlo-012", "place|tlo-033"}},
	} {
		t.Run(fmt.Sprintf("%s/%d", tc.prefix, tc.limit), func(t *testing.T) {
			got, err := e.Suggest(tc.prefix, tc.limit)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) > tc.limit {
				t.Errorf("%d suggestions, limit %d", len(got), tc.limit)
			}
			keys := map[string]bool{}
			var all []string
			for _, s := range got {
				k := s.Kind + "|" + s.ID
				if keys[k] && s.Kind == "place" {
					t.Errorf("%s suggested twice", k)
				}
				keys[k] = true
				all = append(all, k)
				if s.Label == "" || s.Value == "" {
					t.Errorf("%s: empty label or value: %+v", k, s)
				}
			}
			for _, k := range tc.want {
				if !keys[k] {
					t.Errorf("%s missing from %v", k, all)
				}
			}
			if tc.first != "" && (len(all) == 0 || all[0] != tc.first) {
				t.Errorf("first %v, want %s", all, tc.first)
			}
		})
	}
}

func TestSuggestErrors(t *testing.T) {
	e := MustDemoEngine(t)
	if got, err := e.Suggest("   ", 5); err != nil || len(got) != 0 {
		t.Errorf("blank prefix: %v, %v; want none and no error", got, err)
	}
	for _, tc := range []struct {
		name   string
		prefix string
		limit  int
		param  string
		code   string
	}{
		{"limit 0", "rod", 0, "limit", index.CodeOutOfRange},
		{"limit above max", "rod", query.MaxSuggestions + 1, "limit", index.CodeOutOfRange},
		{"too long", strings.Repeat("a", query.MaxQueryLen+1), 5, "q", index.CodeTooLong},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := e.Suggest(tc.prefix, tc.limit)
			se, ok := index.AsError(err)
			if !ok || se.Param != tc.param || se.Code != tc.code {
				t.Errorf("Suggest(%.20q, %d): %v, want %s on %s", tc.prefix, tc.limit, err, tc.code, tc.param)
			}
		})
	}
}

func TestGeocode(t *testing.T) {
	e := MustDemoEngine(t)
	matches, sugg, err := e.Geocode("Rodez", 5)
	if err != nil || len(matches) == 0 || matches[0].Commune == nil || matches[0].Commune.INSEE != inseeRodez || len(sugg) != 0 {
		t.Errorf("Geocode(Rodez) = %v, %v, %v; want Rodez (12202) first and no suggestion", matches, sugg, err)
	}
	matches, sugg, err = e.Geocode("Rodex", 5)
	if err != nil || len(matches) != 0 || len(sugg) == 0 || sugg[0].Commune == nil || sugg[0].Commune.INSEE != inseeRodez {
		t.Errorf("Geocode(Rodex) = %v, %v, %v; want no match and Rodez suggested first", matches, sugg, err)
	}
	for _, tc := range []struct {
		q, code string
	}{{"", index.CodeInvalid}, {"  -- ", index.CodeInvalid}, {strings.Repeat("a", query.MaxQueryLen+1), index.CodeTooLong}} {
		_, _, err := e.Geocode(tc.q, 5)
		if se, ok := index.AsError(err); !ok || se.Param != "q" || se.Code != tc.code {
			t.Errorf("Geocode(%.20q): %v, want %s on q", tc.q, err, tc.code)
		}
	}
}
