package main

import (
	"bufio"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"net/url"
	"sort"
	"strings"

	"github.com/tierslieux/tierslieux/geo/gazetteer"
)

// kind is the shape of a request: the four of the mix, other for a mix
// file's line of another shape, and the three hostile ones.
type kind uint8

const (
	kindText     kind = iota // q, type, near and a radius
	kindRadius               // near and a radius, sorted by distance
	kindBBox                 // a map's box, sorted by distance from its centre
	kindNearest              // the k nearest, no radius
	kindOther                // a mix file's line of none of these shapes
	kindPolygon              // hostile: a polygon of thousands of vertices
	kindClusters             // hostile: clusters of the whole world at the deepest zoom
	kindWords                // hostile: a word no place holds
	numKinds
)

var kindNames = [numKinds]string{"text", "radius", "bbox", "nearest", "other", "polygon", "clusters", "words"}

func (k kind) String() string { return kindNames[k] }

func (k kind) hostile() bool { return k >= kindPolygon }

// mixShares are the shares of the generated mix, as in the PostGIS
// comparison: they add up to 1.
var mixShares = []struct {
	kind  kind
	share float64
}{
	{kindText, 0.40},
	{kindRadius, 0.25},
	{kindBBox, 0.20},
	{kindNearest, 0.15},
}

// mixWords are words the synthetic places hold (`tierslieux synth`:
// names, labels and descriptions), so text queries find something.
var mixWords = []string{"atelier", "synthétique", "espace", "numérique", "coworking", "bureaux", "fabrication", "médiathèque", "partagé"}

// mixTypes are the vocabulary's types, all three present in synthetic data.
var mixTypes = []string{"coworking", "fablab", "mediation-numerique"}

// mixLimit is the page size of every generated query.
const mixLimit = 20

// Box of a map query, in degrees: about 40 × 39 km in mainland France.
const (
	bboxLonSpan = 0.5
	bboxLatSpan = 0.35
)

// genMix draws n queries around the current communes, weighted by
// population, with exactly the shares of mixShares (to a query) in an
// order shuffled by seed. The same communes, n and seed give the same
// queries. Points travel as "lat,lon", so the server parses numbers, not
// names.
func genMix(communes []gazetteer.Commune, n int, seed uint64) ([]string, error) {
	var pool []*gazetteer.Commune
	var cum []float64 // cumulative population
	total := 0.0
	for i := range communes {
		c := &communes[i]
		if c.Status != gazetteer.Current || !c.HasPoint() || c.Population <= 0 {
			continue
		}
		total += float64(c.Population)
		pool = append(pool, c)
		cum = append(cum, total)
	}
	if len(pool) == 0 {
		return nil, fmt.Errorf("no current commune with a point and a population to draw queries around")
	}
	rng := rand.New(rand.NewPCG(seed, seed^0x5eed5eed5eed5eed))
	kinds := shareOut(n)
	rng.Shuffle(len(kinds), func(i, j int) { kinds[i], kinds[j] = kinds[j], kinds[i] })
	mix := make([]string, n)
	for i, k := range kinds {
		x := rng.Float64() * total
		c := pool[sort.Search(len(cum), func(j int) bool { return cum[j] > x })]
		radiusKM := 5 + rng.IntN(46) // 5 to 50 km
		switch k {
		case kindText:
			mix[i] = fmt.Sprintf("/v1/search?q=%s&type=%s&near=%.5f,%.5f&radius=%dkm&limit=%d",
				url.QueryEscape(mixWords[rng.IntN(len(mixWords))]), mixTypes[rng.IntN(len(mixTypes))], c.Lat, c.Lon, radiusKM, mixLimit)
		case kindRadius:
			mix[i] = fmt.Sprintf("/v1/search?near=%.5f,%.5f&radius=%dkm&sort=distance&limit=%d", c.Lat, c.Lon, radiusKM, mixLimit)
		case kindBBox:
			mix[i] = fmt.Sprintf("/v1/search?bbox=%.5f,%.5f,%.5f,%.5f&near=%.5f,%.5f&sort=distance&limit=%d",
				c.Lon-bboxLonSpan/2, c.Lat-bboxLatSpan/2, c.Lon+bboxLonSpan/2, c.Lat+bboxLatSpan/2, c.Lat, c.Lon, mixLimit)
		case kindNearest:
			mix[i] = fmt.Sprintf("/v1/search?near=%.5f,%.5f&sort=distance&limit=%d", c.Lat, c.Lon, mixLimit)
		}
	}
	return mix, nil
}

// shareOut returns n kinds in the proportions of mixShares, rounded by
// largest remainder so the counts add up to n.
func shareOut(n int) []kind {
	counts := make([]int, len(mixShares))
	rest := n
	for i, s := range mixShares {
		counts[i] = int(math.Floor(float64(n) * s.share))
		rest -= counts[i]
	}
	order := make([]int, len(mixShares))
	for i := range order {
		order[i] = i
	}
	frac := func(i int) float64 {
		x := float64(n) * mixShares[i].share
		return x - math.Floor(x)
	}
	sort.SliceStable(order, func(a, b int) bool { return frac(order[a]) > frac(order[b]) })
	for i := 0; rest > 0; i, rest = i+1, rest-1 {
		counts[order[i%len(order)]]++
	}
	kinds := make([]kind, 0, n)
	for i, s := range mixShares {
		for range counts[i] {
			kinds = append(kinds, s.kind)
		}
	}
	return kinds
}

// kindOf says which shape of the mix a request has.
func kindOf(path string) kind {
	u, err := url.Parse(path)
	if err != nil || u.Path != "/v1/search" {
		return kindOther
	}
	v := u.Query()
	switch {
	case v.Has("polygon"):
		return kindOther
	case v.Get("q") != "":
		return kindText
	case v.Has("bbox"):
		return kindBBox
	case v.Has("near") && v.Has("radius"):
		return kindRadius
	case v.Has("near"):
		return kindNearest
	}
	return kindOther
}

// writeMix writes one request a line, after a comment saying where the
// mix came from.
func writeMix(w io.Writer, mix []string, comment string) error {
	bw := bufio.NewWriter(w)
	if comment != "" {
		fmt.Fprintf(bw, "# %s\n", comment)
	}
	for _, q := range mix {
		bw.WriteString(q)
		bw.WriteByte('\n')
	}
	return bw.Flush()
}

// readMix reads a mix file: one request a line, blank lines and lines
// starting with # skipped. A line is a path and query ("/v1/search?near=…",
// "/v1/clusters?…") or a query string of /v1/search ("near=…" or "?near=…").
func readMix(r io.Reader) ([]string, error) {
	var mix []string
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for line := 1; sc.Scan(); line++ {
		q := strings.TrimSpace(sc.Text())
		switch {
		case q == "" || strings.HasPrefix(q, "#"):
			continue
		case strings.HasPrefix(q, "?"):
			q = "/v1/search" + q
		case !strings.HasPrefix(q, "/"):
			q = "/v1/search?" + q
		}
		u, err := url.ParseRequestURI(q)
		if err == nil {
			_, err = url.ParseQuery(u.RawQuery)
		}
		if err != nil {
			return nil, fmt.Errorf("line %d: %w", line, err)
		}
		mix = append(mix, q)
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if len(mix) == 0 {
		return nil, fmt.Errorf("no requests")
	}
	return mix, nil
}

// Hostile requests.
const (
	// hostileVertices is the polygon's size: as many as fit the server's
	// 64 KiB limit on the parameter (maxPolygonBytes) at 9 bytes a
	// vertex, under geo.MaxPolygonVertices.
	hostileVertices = 7000
	// maxPolygonBytes is the server's limit on a polygon parameter
	// (cmd/internal/query): a longer one is a cheap 400, not a load.
	maxPolygonBytes = 64 << 10
	clustersPath    = "/v1/clusters?bbox=-180,-90,180,90&zoom=22"
)

// hostilePolygon returns a GeoJSON Polygon of n+1 positions (the last
// closing the ring): a scribble of random vertices over most of
// France, every edge long and crossing others, the case point-in-polygon
// tests find hardest. Coordinates are coarse (0.1° of longitude, whole
// degrees of latitude) so that 7,000 vertices fit in 64 KiB.
func hostilePolygon(n int, seed uint64) string {
	rng := rand.New(rand.NewPCG(seed, seed^0x9017))
	var b strings.Builder
	b.WriteString(`{"type":"Polygon","coordinates":[[`)
	var first string
	for i := range n {
		// Longitude 0.0 to 8.9 and latitude 42 to 50: nine bytes a
		// vertex with its comma.
		v := fmt.Sprintf("[%d.%d,%d]", rng.IntN(9), rng.IntN(10), 42+rng.IntN(9))
		if i == 0 {
			first = v
		}
		b.WriteString(v)
		b.WriteByte(',')
	}
	b.WriteString(first)
	b.WriteString(`]]}`)
	return b.String()
}

// hostileGen makes hostile requests: the polygon (built once), the
// world's clusters, and words no place holds, drawn with the caller's rng.
type hostileGen struct {
	polygonPath string
}

func newHostileGen(seed uint64) *hostileGen {
	return &hostileGen{polygonPath: "/v1/search?polygon=" + url.QueryEscape(hostilePolygon(hostileVertices, seed)) + "&limit=20"}
}

// hostileKinds are the kinds hostile requests take in turn.
var hostileKinds = []kind{kindPolygon, kindClusters, kindWords}

func (h *hostileGen) path(k kind, rng *rand.Rand) string {
	switch k {
	case kindPolygon:
		return h.polygonPath
	case kindClusters:
		return clustersPath
	}
	const letters = "abcdefghijklmnopqrstuvwxyz"
	w := []byte("zq")
	for range 10 {
		w = append(w, letters[rng.IntN(len(letters))])
	}
	return "/v1/search?q=" + string(w) + "&limit=20"
}
