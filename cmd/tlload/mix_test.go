package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"math"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/tierslieux/tierslieux/cmd/internal/embedded"
	"github.com/tierslieux/tierslieux/geo/gazetteer"
	"github.com/tierslieux/tierslieux/ingest"
)

// MustGazetteer returns the embedded gazetteer, loaded once.
func MustGazetteer(tb testing.TB) *gazetteer.Gazetteer {
	tb.Helper()
	g, err := embedded.Gazetteer()
	if err != nil {
		tb.Fatal(err)
	}
	return g
}

// MustMix generates the mix over the embedded gazetteer.
func MustMix(tb testing.TB, n int, seed uint64) []string {
	tb.Helper()
	mix, err := genMix(MustGazetteer(tb).Communes(), n, seed)
	if err != nil {
		tb.Fatal(err)
	}
	if len(mix) != n {
		tb.Fatalf("%d queries, want %d", len(mix), n)
	}
	return mix
}

func TestMixDeterministic(t *testing.T) {
	a, b := MustMix(t, 2000, 1), MustMix(t, 2000, 1)
	if !slices.Equal(a, b) {
		t.Error("the same seed gave two mixes")
	}
	if c := MustMix(t, 2000, 2); slices.Equal(a, c) {
		t.Error("seeds 1 and 2 gave the same mix")
	}
}

func TestMixShares(t *testing.T) {
	for _, n := range []int{2000, 777} {
		t.Run(strconv.Itoa(n), func(t *testing.T) {
			counts := map[kind]int{}
			for _, q := range MustMix(t, n, 1) {
				counts[kindOf(q)]++
			}
			for _, s := range mixShares {
				got := float64(counts[s.kind]) / float64(n)
				if math.Abs(got-s.share) > 0.02 {
					t.Errorf("%s: %.3f of the mix, want %.2f ± 0.02", s.kind, got, s.share)
				}
				delete(counts, s.kind)
			}
			if len(counts) > 0 {
				t.Errorf("queries of other kinds: %v", counts)
			}
		})
	}
}

func TestShareOut(t *testing.T) {
	for _, n := range []int{0, 1, 3, 7, 2000, 2001} {
		kinds := shareOut(n)
		if len(kinds) != n {
			t.Errorf("shareOut(%d): %d kinds", n, len(kinds))
		}
		for _, s := range mixShares {
			got := float64(countOf(kinds, s.kind))
			if want := float64(n) * s.share; math.Abs(got-want) >= 1 {
				t.Errorf("shareOut(%d): %g %s, want %g", n, got, s.kind, want)
			}
		}
	}
}

func countOf(kinds []kind, k kind) int {
	n := 0
	for _, x := range kinds {
		if x == k {
			n++
		}
	}
	return n
}

// TestMixWellFormed checks every query is a URL the API reads as meant:
// the parameters of its kind, numbers in range, limit 20.
func TestMixWellFormed(t *testing.T) {
	for i, q := range MustMix(t, 2000, 1) {
		if err := checkQuery(q); err != nil {
			t.Errorf("query %d %s: %v", i, q, err)
		}
	}
}

func checkQuery(q string) error {
	u, err := url.ParseRequestURI(q)
	if err != nil {
		return err
	}
	if u.Path != "/v1/search" {
		return fmt.Errorf("path %q", u.Path)
	}
	v, err := url.ParseQuery(u.RawQuery)
	if err != nil {
		return err
	}
	if v.Get("limit") != "20" {
		return fmt.Errorf("limit %q", v.Get("limit"))
	}
	lat, lon, err := latLon(v.Get("near"))
	if err != nil {
		return fmt.Errorf("near: %w", err)
	}
	k := kindOf(q)
	want := map[kind][]string{
		kindText:    {"q", "type", "near", "radius", "limit"},
		kindRadius:  {"near", "radius", "sort", "limit"},
		kindBBox:    {"bbox", "near", "sort", "limit"},
		kindNearest: {"near", "sort", "limit"},
	}[k]
	if want == nil {
		return fmt.Errorf("kind %s", k)
	}
	if got := slices.Sorted(maps.Keys(v)); !slices.Equal(got, slices.Sorted(slices.Values(want))) {
		return fmt.Errorf("parameters %v, want %v", got, want)
	}
	if v.Has("sort") && v.Get("sort") != "distance" {
		return fmt.Errorf("sort %q", v.Get("sort"))
	}
	if v.Has("radius") {
		km, ok := strings.CutSuffix(v.Get("radius"), "km")
		r, err := strconv.Atoi(km)
		if !ok || err != nil || r < 5 || r > 50 {
			return fmt.Errorf("radius %q, want 5km to 50km", v.Get("radius"))
		}
	}
	if k == kindText {
		if !slices.Contains(mixWords, v.Get("q")) || !slices.Contains(mixTypes, v.Get("type")) {
			return fmt.Errorf("q %q, type %q", v.Get("q"), v.Get("type"))
		}
	}
	if k == kindBBox {
		f := strings.Split(v.Get("bbox"), ",")
		if len(f) != 4 {
			return fmt.Errorf("bbox %q", v.Get("bbox"))
		}
		var b [4]float64
		for i := range f {
			if b[i], err = strconv.ParseFloat(f[i], 64); err != nil {
				return fmt.Errorf("bbox: %w", err)
			}
		}
		if math.Abs(b[2]-b[0]-bboxLonSpan) > 1e-4 || math.Abs(b[3]-b[1]-bboxLatSpan) > 1e-4 ||
			math.Abs((b[0]+b[2])/2-lon) > 1e-4 || math.Abs((b[1]+b[3])/2-lat) > 1e-4 {
			return fmt.Errorf("bbox %v is not 0.5° × 0.35° around %g,%g", b, lat, lon)
		}
	}
	return nil
}

// latLon reads "lat,lon" as the mix writes it.
func latLon(s string) (lat, lon float64, err error) {
	a, b, ok := strings.Cut(s, ",")
	if !ok {
		return 0, 0, fmt.Errorf("%q is not lat,lon", s)
	}
	if lat, err = strconv.ParseFloat(a, 64); err != nil {
		return 0, 0, err
	}
	if lon, err = strconv.ParseFloat(b, 64); err != nil {
		return 0, 0, err
	}
	if !ingest.France.Contains(lon, lat) {
		return 0, 0, fmt.Errorf("%g,%g is not in France", lat, lon)
	}
	return lat, lon, nil
}

// TestMixPopulationWeighted checks the big cities get their share of
// queries: the population's, within five standard deviations.
func TestMixPopulationWeighted(t *testing.T) {
	g := MustGazetteer(t)
	total := 0.0
	for _, c := range g.Communes() {
		if c.Status == gazetteer.Current && c.HasPoint() && c.Population > 0 {
			total += float64(c.Population)
		}
	}
	const n = 2000
	near := map[string]int{}
	for _, q := range MustMix(t, n, 1) {
		u, _ := url.Parse(q)
		near[u.Query().Get("near")]++
	}
	for _, insee := range []string{"75056", "13055", "69123", "31555"} { // Paris, Marseille, Lyon, Toulouse
		c, ok := g.Commune(insee)
		if !ok {
			t.Fatalf("no commune %s", insee)
		}
		p := float64(c.Population) / total
		mean, sd := n*p, math.Sqrt(n*p*(1-p))
		got := near[fmt.Sprintf("%.5f,%.5f", c.Lat, c.Lon)]
		if math.Abs(float64(got)-mean) > 5*sd {
			t.Errorf("%s: %d queries, want about %.0f (± %.0f)", c.Name, got, mean, 5*sd)
		}
		t.Logf("%s: %d queries (population share %.1f%%)", c.Name, got, 100*p)
	}
}

func TestMixFileRoundTrip(t *testing.T) {
	mix := MustMix(t, 200, 3)
	var buf bytes.Buffer
	if err := writeMix(&buf, mix, "200 queries, seed 3"); err != nil {
		t.Fatal(err)
	}
	got, err := readMix(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got, mix) {
		t.Error("the mix read back differs from the mix written")
	}
}

func TestReadMix(t *testing.T) {
	got, err := readMix(strings.NewReader("# a comment\n\n  near=43.6,1.44&sort=distance \n?q=atelier\n/v1/clusters?bbox=1,43,2,44&zoom=9\n"))
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"/v1/search?near=43.6,1.44&sort=distance", "/v1/search?q=atelier", "/v1/clusters?bbox=1,43,2,44&zoom=9"}
	if !slices.Equal(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
	for _, bad := range []string{"", "# only a comment\n", "/v1/search?q=%zz\n"} {
		if _, err := readMix(strings.NewReader(bad)); err == nil {
			t.Errorf("readMix(%q) accepted it", bad)
		}
	}
}

func TestKindOf(t *testing.T) {
	for _, tc := range []struct {
		path string
		want kind
	}{
		{"/v1/search?q=atelier&type=fablab&near=43.6,1.44&radius=5km", kindText},
		{"/v1/search?near=43.6,1.44&radius=5km&sort=distance", kindRadius},
		{"/v1/search?bbox=1,43,2,44&near=43.5,1.5&sort=distance", kindBBox},
		{"/v1/search?near=43.6,1.44&sort=distance&limit=20", kindNearest},
		{"/v1/search?polygon=%7B%7D", kindOther},
		{"/v1/search?dept=12", kindOther},
		{clustersPath, kindOther},
	} {
		if got := kindOf(tc.path); got != tc.want {
			t.Errorf("kindOf(%s) = %s, want %s", tc.path, got, tc.want)
		}
	}
}

// TestHostilePolygon checks the polygon is one the server accepts and
// must work through: under its size limit, closed, in range.
func TestHostilePolygon(t *testing.T) {
	s := hostilePolygon(hostileVertices, 1)
	if len(s) > maxPolygonBytes {
		t.Fatalf("%d bytes, over the server's %d", len(s), maxPolygonBytes)
	}
	var g struct {
		Type        string
		Coordinates [][][2]float64
	}
	if err := json.Unmarshal([]byte(s), &g); err != nil {
		t.Fatal(err)
	}
	if g.Type != "Polygon" || len(g.Coordinates) != 1 {
		t.Fatalf("type %q with %d rings", g.Type, len(g.Coordinates))
	}
	ring := g.Coordinates[0]
	if len(ring) != hostileVertices+1 || ring[0] != ring[len(ring)-1] {
		t.Errorf("%d positions, closed %v; want %d, closed", len(ring), ring[0] == ring[len(ring)-1], hostileVertices+1)
	}
	for _, p := range ring {
		if p[0] < 0 || p[0] > 9 || p[1] < 42 || p[1] > 51 {
			t.Fatalf("position %v outside 0–9°E, 42–51°N", p)
		}
	}
	if hostilePolygon(hostileVertices, 1) != s {
		t.Error("the polygon is not the same for the same seed")
	}
	t.Logf("%d bytes, %d URL-encoded", len(s), len(url.QueryEscape(s)))
}
