package query_test

import (
	"context"
	"os"
	"slices"
	"testing"
	"time"

	"github.com/tierslieux/tierslieux/cmd/internal/query"
	"github.com/tierslieux/tierslieux/index"
	"github.com/tierslieux/tierslieux/index/indextest"
	"github.com/tierslieux/tierslieux/ingest"
)

// MustRealWorld builds a catalog of the real-shaped exports in ingest's
// testdata (the national standard, France Services, a regional hub), as
// `tierslieux ingest` reads them: their rejected rows are the reports'
// business, not this catalog's.
func MustRealWorld(tb testing.TB) *harness {
	tb.Helper()
	g := indextest.Gazetteer(tb)
	var places []ingest.Place
	opts := ingest.Options{Converter: ingest.Converter{Gazetteer: g, Area: ingest.France}}
	_, err := ingest.Run(context.Background(), os.DirFS("../../../ingest/testdata/realworld"),
		[]string{"mediation_numerique.csv", "mediation_numerique.json", "france_services.csv", "hub_occitanie.csv"}, opts,
		func(p ingest.Place) error {
			places = append(places, p)
			return nil
		})
	if err != nil {
		tb.Fatal(err)
	}
	cat, err := index.NewMem(places, g)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { cat.Close() })
	h := newHarness(tb, cat)
	h.Parser.Now = func() time.Time { return commuterNow }
	return h
}

// TestRealDataFilters: what the national standard says of a place —
// fees, publics, specific support, access — is a filter a user reaches
// in words or parameters, and a facet; per-day hours are searchable.
func TestRealDataFilters(t *testing.T) {
	h := MustRealWorld(t)
	for _, tc := range []struct {
		name       string
		p          query.Params
		list, id   string // every result holds it, when set
		wantSome   bool
		wantAbsent string
	}{
		{name: "gratuit", p: query.Params{Q: "médiation numérique gratuit"}, list: "fees", id: "gratuit", wantSome: true},
		{name: "free", p: query.Params{Q: "free digital help"}, list: "fees", id: "gratuit", wantSome: true},
		{name: "pour les seniors", p: query.Params{Q: "aide numérique pour les seniors"}, list: "publics", id: "seniors", wantSome: true},
		{name: "for seniors", p: query.Params{Q: "digital help for seniors in Toulouse"}, list: "publics", id: "seniors", wantSome: true},
		{name: "sourds", p: query.Params{Q: "accessible aux sourds"}, list: "accessibility", id: "surdite", wantSome: true},
		{name: "deaf", p: query.Params{Q: "deaf people"}, list: "accessibility", id: "surdite", wantSome: true},
		{name: "accessible to deaf people", p: query.Params{Q: "accessible to deaf people"}, list: "accessibility", id: "surdite", wantSome: true},
		{name: "malentendants", p: query.Params{Q: "lieu accessible aux malentendants"}, list: "accessibility", id: "surdite", wantSome: true},
		{name: "fauteuil", p: query.Params{Q: "accessible en fauteuil"}, list: "accessibility", id: "handicap-moteur", wantSome: true},
		{name: "rendez-vous en ligne", p: query.Params{Q: "rendez-vous en ligne"}, list: "access_modes", id: "rdv-en-ligne", wantSome: true},
		{name: "parameter", p: query.Params{Lists: map[string][]string{"fees": {"Gratuit"}}}, list: "fees", id: "gratuit", wantSome: true},
		{name: "per-day hours are searchable", p: query.Params{Open: "mo 10:00"}, wantSome: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			q := MustBuild(t, h, tc.p)
			// The words are the list's term and nothing more: a service or
			// text read from them as well would lose places.
			if tc.list != "" && tc.p.Q != "" && (len(q.Services) > 0 || q.Text != "") {
				t.Errorf("%q also reads services %v, text %q", tc.p.Q, q.Services, q.Text)
			}
			res := MustSearch(t, h, q)
			if tc.wantSome && res.Total == 0 {
				t.Fatalf("%s: nothing", q.String())
			}
			for _, hit := range res.Hits {
				if tc.list == "" {
					continue
				}
				l, _ := ingest.ListNamed(tc.list)
				if !slices.Contains(l.Values(hit.Place), tc.id) {
					t.Errorf("%s: %s has %s %v, not %s", q.String(), hit.Place.ID, tc.list, l.Values(hit.Place), tc.id)
				}
			}
		})
	}
	// A facet counts each term.
	res := MustSearch(t, h, MustBuild(t, h, query.Params{Facets: "fees,publics"}))
	if res.Facets["fees"]["gratuit"] == 0 || res.Facets["publics"]["seniors"] == 0 {
		t.Errorf("facets %v", res.Facets)
	}
	// Places with usable per-day hours answer open=; the others are unknown.
	open := MustSearch(t, h, MustBuild(t, h, query.Params{Open: "mo 10:00"}))
	if open.UnknownHours == 0 {
		t.Error("no place of the real exports has unknown hours: the fixture says some do")
	}
}
