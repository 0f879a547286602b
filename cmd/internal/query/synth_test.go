package query_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"os"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/tierslieux/tierslieux/cmd/internal/query"
	"github.com/tierslieux/tierslieux/index"
	"github.com/tierslieux/tierslieux/index/indextest"
	"github.com/tierslieux/tierslieux/ingest"
	"github.com/tierslieux/tierslieux/ingest/synth"
)

// roundTripEnv sets the size of the synthetic file the service phrases
// round-trip over (5,000 by default; the README's figure is 100,000).
const roundTripEnv = "TIERSLIEUX_ROUNDTRIP_N"

// TestSynthServicePhrasesRoundTrip: a synthetic export writes services as
// people do ("accompagnement aux démarches en ligne", "3D printer"); after
// ingest, a query with a place's service text finds that place — searched
// at its own point, so each check is one small query.
func TestSynthServicePhrasesRoundTrip(t *testing.T) {
	n := 5000
	if v := os.Getenv(roundTripEnv); v != "" {
		var err error
		if n, err = strconv.Atoi(v); err != nil {
			t.Fatalf("%s=%q", roundTripEnv, v)
		}
	}
	g := indextest.Gazetteer(t)
	var file bytes.Buffer
	if err := synth.Write(&file, ingest.FormatCSV, synth.New(g, 7), n); err != nil {
		t.Fatal(err)
	}
	cat, err := index.Load(context.Background(), fstest.MapFS{"synth.csv": {Data: file.Bytes()}}, []string{"synth.csv"}, g)
	if err != nil {
		t.Fatal(err)
	}
	defer cat.Close()
	h := newHarness(t, cat)
	r := csv.NewReader(bytes.NewReader(file.Bytes()))
	r.Comma = ';'
	rows, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	checked := 0
	for _, row := range rows[1:] {
		id, lat, lon := row[0], strings.Replace(row[9], ",", ".", 1), strings.Replace(row[10], ",", ".", 1)
		for _, phrase := range ingest.SplitList(row[3]) {
			q, err := h.Build(query.Params{Q: phrase, Near: lat + "," + lon, Radius: "1m", Limit: "100"})
			if err != nil {
				t.Fatalf("%s %q: %v", id, phrase, err)
			}
			res := MustSearch(t, h, q)
			found := false
			for _, hit := range res.Hits {
				found = found || hit.Place.ID == id
			}
			if !found {
				t.Errorf("%s with %q is not found by a query with it (%s)", id, phrase, q.String())
			}
			checked++
		}
	}
	t.Logf("%d service phrases of %d places round-trip", checked, n)
}
