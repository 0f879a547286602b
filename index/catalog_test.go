package index_test

import (
	"context"
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/tierslieux/tierslieux/data"
	"github.com/tierslieux/tierslieux/geo"
	"github.com/tierslieux/tierslieux/index"
	"github.com/tierslieux/tierslieux/ingest"
)

// MustEmbedded builds the demo catalog, closed with the test.
func MustEmbedded(tb testing.TB) *index.Catalog {
	tb.Helper()
	c, err := index.Load(context.Background(), data.FS, []string{data.Places}, MustGazetteer(tb))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { c.Close() })
	return c
}

// MustTextSearch runs a full-text search over a catalog that must succeed
// and returns the IDs found, best first, with the total.
func MustTextSearch(tb testing.TB, c *index.Catalog, text string) (ids []string, total int) {
	tb.Helper()
	hits, total, err := c.Text.Search(context.Background(), text, nil, 0)
	if err != nil {
		tb.Fatalf("Search(%q): %v", text, err)
	}
	for _, h := range hits {
		ids = append(ids, h.ID)
	}
	return ids, total
}

func TestEmbedded(t *testing.T) {
	c := MustEmbedded(t)
	const n = 111
	if c.Len() != n {
		t.Errorf("%d places, want %d", c.Len(), n)
	}
	if c.Report == nil {
		t.Fatal("no report")
	}
	if c.Report.Read != n || c.Report.Indexed != n || c.Report.Rejected != 0 {
		t.Errorf("report: read %d, indexed %d, rejected %d; want %d, %d, 0",
			c.Report.Read, c.Report.Indexed, c.Report.Rejected, n, n)
	}
	if got := c.Geo().Len(); got != n {
		t.Errorf("Geo.Len() = %d, want %d", got, n)
	}
	if got, err := c.Text.Count(); err != nil || got != n {
		t.Errorf("Text.Count() = %d, %v; want %d", got, err, n)
	}

	seen := map[string]bool{}
	places := c.Places()
	for i := range places {
		p := &places[i]
		if seen[p.ID] {
			t.Errorf("ID %s appears twice", p.ID)
		}
		seen[p.ID] = true
		got, ok := c.Place(p.ID)
		if !ok || !reflect.DeepEqual(*got, *p) {
			t.Errorf("Place(%s) = %v, %v; want Places[%d]", p.ID, got, ok, i)
		}
		ord, ok := c.Ordinal(p.ID)
		if !ok || ord != uint32(i) {
			t.Errorf("Ordinal(%s) = %d, %v; want %d", p.ID, ord, ok, i)
		}
		// The R-tree holds the place under its ordinal, at its point.
		if hits := c.Geo().Within(p.Lon, p.Lat, 1); !slices.ContainsFunc(hits, func(h geo.Hit) bool { return h.ID == uint32(i) }) {
			t.Errorf("Geo.Within(%s's point) = %v, want ordinal %d among them", p.ID, hits, i)
		}
	}

	p, ok := c.Place("tlo-001")
	if !ok || p.Name != "Ping Pong Cowork" || p.Commune != "Millau" {
		t.Errorf("Place(tlo-001) = %+v, %v; want Ping Pong Cowork in Millau", p, ok)
	}
	for _, id := range []string{"", "tlo-000", "tlo-999", "TLO-001"} {
		if p, ok := c.Place(id); ok {
			t.Errorf("Place(%q) = %s, want not found", id, p.ID)
		}
		if i, ok := c.Ordinal(id); ok {
			t.Errorf("Ordinal(%q) = %d, want not found", id, i)
		}
	}
}

func TestEmbeddedTextSearch(t *testing.T) {
	c := MustEmbedded(t)
	tests := []struct {
		name  string
		query string
		first string   // the best hit, if not ""
		has   []string // among the hits
	}{
		{"name", "Ping Pong", "tlo-001", nil},
		{"name folded", "ping PONG cowork", "tlo-001", nil},
		{"name and commune", "ping pong millau", "tlo-001", nil},
		{"name and département", "ping pong aveyron", "tlo-001", nil},
		{"name and région", "ping pong occitanie", "tlo-001", nil},
		{"commune", "Rodez", "", []string{"tlo-002", "tlo-008"}},
		{"elided name", "établi ruthénois", "tlo-008", nil},
		{"département", "Aveyron", "", []string{"tlo-001", "tlo-002", "tlo-008", "tlo-009"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, _ := MustTextSearch(t, c, tc.query)
			if len(got) == 0 {
				t.Fatalf("Search(%q) found nothing", tc.query)
			}
			if tc.first != "" && got[0] != tc.first {
				t.Errorf("Search(%q) = %q, want %s first", tc.query, got, tc.first)
			}
			for _, id := range tc.has {
				if !slices.Contains(got, id) {
					t.Errorf("Search(%q) = %q, want %s among them", tc.query, got, id)
				}
			}
		})
	}
}

func TestEmbeddedServiceLabels(t *testing.T) {
	// Doc indexes service labels in both languages: the French and the
	// English name of a service find every place that offers it.
	c := MustEmbedded(t)
	var want []string
	for _, p := range c.Places() {
		if p.HasService("impression-3d") {
			want = append(want, p.ID)
		}
	}
	if len(want) == 0 {
		t.Fatal("no demo place offers impression-3d")
	}
	for _, q := range []string{"impression 3D", "3D printing"} {
		got, _ := MustTextSearch(t, c, q)
		for _, id := range want {
			if !slices.Contains(got, id) {
				t.Errorf("Search(%q) misses %s, which offers impression-3d", q, id)
			}
		}
	}
}

func TestEmbeddedCanceled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	c, err := index.Load(ctx, data.FS, []string{data.Places}, MustGazetteer(t))
	if err == nil {
		c.Close()
		t.Fatal("Embedded with a canceled context succeeded")
	}
	if !errors.Is(err, context.Canceled) {
		t.Errorf("Embedded error = %v, want context.Canceled", err)
	}
}

func TestDoc(t *testing.T) {
	g := MustGazetteer(t)
	place := ingest.Place{
		ID: "occ-1", Name: "La Fabrique du Piton", Description: "Atelier partagé au cœur de Rodez.",
		Types: []string{"coworking", "fablab"}, Services: []string{"impression-3d", "wifi", "salle-de-reunion"},
		Tags: []string{"jardin partagé"}, Commune: "Rodez", Dept: "12", Region: "76",
	}
	tests := []struct {
		name        string
		mod         func(p *ingest.Place)
		noGazetteer bool
		keywords    []string
		notKeywords []string
		noKeywords  bool
		where       []string
		notWhere    []string
	}{
		{
			name: "types, services, tags, commune, département and région",
			keywords: []string{"Coworking", "Coworking space", "Fablab", "Fab lab",
				"Impression 3D", "3D printing", "Wi-Fi", "Salle de réunion", "Meeting room", "jardin partagé"},
			where: []string{"Rodez", "Aveyron", "Occitanie"},
		},
		{
			name: "mediation and online procedures",
			mod: func(p *ingest.Place) {
				p.Types, p.Services, p.Tags = []string{"mediation-numerique"}, []string{"aide-demarches"}, nil
			},
			keywords:    []string{"Médiation numérique", "Digital inclusion", "Aide aux démarches en ligne", "Help with online procedures"},
			notKeywords: []string{"Coworking", "Fablab"},
			where:       []string{"Rodez", "Aveyron", "Occitanie"},
		},
		{
			name:        "unknown vocabulary IDs are skipped",
			mod:         func(p *ingest.Place) { p.Types, p.Services, p.Tags = []string{"piscine"}, []string{"sauna"}, nil },
			notKeywords: []string{"piscine", "sauna"},
			noKeywords:  true,
			where:       []string{"Rodez"},
		},
		{
			name:        "without a gazetteer, the commune only",
			noGazetteer: true,
			keywords:    []string{"Coworking space", "3D printing"},
			where:       []string{"Rodez"},
			notWhere:    []string{"Aveyron", "Occitanie"},
		},
		{
			name:     "unknown codes",
			mod:      func(p *ingest.Place) { p.Dept, p.Region = "00", "00" },
			where:    []string{"Rodez"},
			notWhere: []string{"Aveyron", "Occitanie"},
		},
		{
			name:  "another département",
			mod:   func(p *ingest.Place) { p.Commune, p.Dept = "Albi", "81" },
			where: []string{"Albi", "Tarn", "Occitanie"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := place
			if tc.mod != nil {
				tc.mod(&p)
			}
			gz := g
			if tc.noGazetteer {
				gz = nil
			}
			d := index.Doc(gz, &p)
			if d.ID != p.ID || d.Name != p.Name || d.Description != p.Description {
				t.Errorf("Doc = %+v, want ID, name and description of %+v", d, p)
			}
			kw := strings.Split(d.Keywords, " | ")
			for _, k := range tc.keywords {
				if !slices.Contains(kw, k) {
					t.Errorf("Keywords = %q, want %q among them", d.Keywords, k)
				}
			}
			for _, k := range tc.notKeywords {
				if strings.Contains(d.Keywords, k) {
					t.Errorf("Keywords = %q, want no %q", d.Keywords, k)
				}
			}
			if tc.noKeywords && d.Keywords != "" {
				t.Errorf("Keywords = %q, want none", d.Keywords)
			}
			where := strings.Split(d.Place, " | ")
			for _, w := range tc.where {
				if !slices.Contains(where, w) {
					t.Errorf("Place = %q, want %q among them", d.Place, w)
				}
			}
			for _, w := range tc.notWhere {
				if slices.Contains(where, w) {
					t.Errorf("Place = %q, want no %q", d.Place, w)
				}
			}
		})
	}
}
