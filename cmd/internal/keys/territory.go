package keys

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strings"

	"github.com/tierslieux/tierslieux/geo"
	"github.com/tierslieux/tierslieux/ingest"
)

func validType(id string) bool {
	_, ok := ingest.TypeTerm(id)
	return ok
}

func typeIDs() string {
	ids := make([]string, len(ingest.Types))
	for i, t := range ingest.Types {
		ids[i] = t.ID
	}
	return strings.Join(ids, ", ")
}

// checkPolygon holds a key's polygon to the rules of a polygon parameter
// (RFC 7946 rings, positions in range, the vertex limit).
func checkPolygon(p geo.Polygon) error {
	if n := p.Vertices(); n > geo.MaxPolygonVertices {
		return fmt.Errorf("has %d vertices; the limit is %d", n, geo.MaxPolygonVertices)
	}
	for i, ring := range p {
		if len(ring) < 4 || ring[0] != ring[len(ring)-1] {
			return fmt.Errorf("ring %d is not closed: it needs at least 4 positions, the last equal to the first (RFC 7946)", i+1)
		}
		for _, pt := range ring {
			if !geo.ValidPoint(pt[0], pt[1]) {
				return fmt.Errorf("position [%g, %g] is out of range: [lon, lat]", pt[0], pt[1])
			}
		}
	}
	return nil
}

// checkOrigin wants an origin as browsers send it: a scheme and a host,
// nothing else.
func checkOrigin(o string) error {
	u, err := url.Parse(o)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || (u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.User != nil {
		return fmt.Errorf("origin %q: want a scheme and a host, such as https://www.example.org", o)
	}
	return nil
}

// ParsePolygon reads a territory from GeoJSON: a Polygon geometry, or a
// Feature of one, or a FeatureCollection of exactly one (what map tools
// export).
func ParsePolygon(b []byte) (geo.Polygon, error) {
	var g struct {
		Type string `json:"type"`
		// Read once the type is known: a MultiPolygon's or a Point's
		// coordinates are no Polygon's, and the error should say so.
		Coordinates json.RawMessage `json:"coordinates"`
		Geometry    json.RawMessage `json:"geometry"`
		Features    []struct {
			Geometry json.RawMessage `json:"geometry"`
		} `json:"features"`
	}
	if err := json.Unmarshal(b, &g); err != nil {
		return nil, fmt.Errorf("not GeoJSON: %w", err)
	}
	switch g.Type {
	case "Polygon":
		var p geo.Polygon
		if err := json.Unmarshal(g.Coordinates, &p); err != nil && len(g.Coordinates) > 0 {
			return nil, fmt.Errorf("a Polygon's coordinates: %w", err)
		}
		if len(p) == 0 {
			return nil, errors.New("a Polygon without coordinates")
		}
		if err := checkPolygon(p); err != nil {
			return nil, err
		}
		return p, nil
	case "Feature":
		return ParsePolygon(g.Geometry)
	case "FeatureCollection":
		if len(g.Features) != 1 {
			return nil, fmt.Errorf("a FeatureCollection of %d features: want one Polygon", len(g.Features))
		}
		return ParsePolygon(g.Features[0].Geometry)
	}
	return nil, fmt.Errorf("a GeoJSON %q: want a Polygon (a MultiPolygon: one key a part)", g.Type)
}
