package search_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/tierslieux/tierslieux/cmd/internal/search"
	"github.com/tierslieux/tierslieux/geo"
	"github.com/tierslieux/tierslieux/ingest"
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
		{"limit 0", "rod", 0, "limit", search.CodeOutOfRange},
		{"limit above max", "rod", search.MaxSuggestions + 1, "limit", search.CodeOutOfRange},
		{"too long", strings.Repeat("a", search.MaxQueryLen+1), 5, "q", search.CodeTooLong},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := e.Suggest(tc.prefix, tc.limit)
			se, ok := search.AsError(err)
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
	}{{"", search.CodeInvalid}, {"  -- ", search.CodeInvalid}, {strings.Repeat("a", search.MaxQueryLen+1), search.CodeTooLong}} {
		_, _, err := e.Geocode(tc.q, 5)
		if se, ok := search.AsError(err); !ok || se.Param != "q" || se.Code != tc.code {
			t.Errorf("Geocode(%.20q): %v, want %s on q", tc.q, err, tc.code)
		}
	}
}

// TestClustersExact: clusters account for every match once, singletons
// carry their place, each cluster's box holds its mean, and zooming out
// never makes more clusters (the grid cells nest).
func TestClustersExact(t *testing.T) {
	e, places := MustSynthEngine(t, exactN)
	box := geo.Bound{MinLon: 0.5, MinLat: 43.0, MaxLon: 2.5, MaxLat: 44.5}
	for _, f := range filterSpecs[:5] {
		t.Run(f.name, func(t *testing.T) {
			want := 0
			for i := range places {
				if insideBound(box, places[i].Lon, places[i].Lat) && f.pass(&places[i]) {
					want++
				}
			}
			prev := -1
			for zoom := search.MaxZoom; zoom >= 0; zoom -= 3 {
				q := search.Query{BBox: &box}
				f.apply(&q)
				res, err := e.Clusters(context.Background(), q, zoom)
				if err != nil {
					t.Fatal(err)
				}
				sum := 0
				for _, c := range res.Clusters {
					sum += c.Count
					if c.Count == 1 && (c.Place == nil || c.Place.Place.Lon != c.Lon || c.Place.Place.Lat != c.Lat) {
						t.Errorf("zoom %d: singleton at %g,%g without its place: %+v", zoom, c.Lat, c.Lon, c.Place)
					}
					if c.Count > 1 && c.Place != nil {
						t.Errorf("zoom %d: cluster of %d with a place", zoom, c.Count)
					}
					if b := c.Bound; c.Lon < b[0]-1e-9 || c.Lon > b[2]+1e-9 || c.Lat < b[1]-1e-9 || c.Lat > b[3]+1e-9 || !insideBound(box, b[0], b[1]) || !insideBound(box, b[2], b[3]) {
						t.Errorf("zoom %d: cluster mean %g,%g outside its bound %v, or bound outside the box", zoom, c.Lat, c.Lon, b)
					}
				}
				if sum != want || res.Total != want {
					t.Errorf("zoom %d: clusters hold %d places, total %d; brute force %d", zoom, sum, res.Total, want)
				}
				if prev >= 0 && len(res.Clusters) > prev {
					t.Errorf("zoom %d: %d clusters, more than the %d one level of 3 deeper", zoom, len(res.Clusters), prev)
				}
				prev = len(res.Clusters)
			}
		})
	}
}

func TestClustersErrors(t *testing.T) {
	e := MustDemoEngine(t)
	box := &geo.Bound{MinLon: 0, MinLat: 42, MaxLon: 5, MaxLat: 45}
	for _, tc := range []struct {
		name  string
		q     search.Query
		zoom  int
		param string
		code  string
	}{
		{"no bbox", search.Query{}, 10, "bbox", search.CodeInvalid},
		{"zoom negative", search.Query{BBox: box}, -1, "zoom", search.CodeOutOfRange},
		{"zoom too deep", search.Query{BBox: box}, search.MaxZoom + 1, "zoom", search.CodeOutOfRange},
		{"bad type", search.Query{BBox: box, Types: []string{"bakery"}}, 10, "type", search.CodeUnknownType},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := e.Clusters(context.Background(), tc.q, tc.zoom)
			if se, ok := search.AsError(err); !ok || se.Param != tc.param || se.Code != tc.code {
				t.Errorf("Clusters: %v, want %s on %s", err, tc.code, tc.param)
			}
		})
	}
}

// Make sure the vocabulary the tests name exists: a renamed ID would
// make filters silently match nothing.
func TestVocabularyIDs(t *testing.T) {
	for _, f := range filterSpecs {
		for _, id := range f.types {
			if _, ok := ingest.TypeTerm(id); !ok {
				t.Errorf("filter %s: no type %s", f.name, id)
			}
		}
		for _, id := range f.services {
			if _, ok := ingest.ServiceTerm(id); !ok {
				t.Errorf("filter %s: no service %s", f.name, id)
			}
		}
	}
}
