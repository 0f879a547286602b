package query

import (
	"encoding/json"
	"math"
	"regexp"
	"strconv"
	"strings"

	"github.com/tierslieux/tierslieux/geo"
	"github.com/tierslieux/tierslieux/index"
)

// DefaultSpeedKMH is the straight-line speed "within 20 minutes" is read
// with: about what rural Occitanie's roads give as the crow flies. It is
// an assumption, said in every answer, not a travel time.
const DefaultSpeedKMH = 50

// maxMinutes bounds "within N minutes".
const maxMinutes = 600

var (
	// "à 20 minutes de", "within 20 min of", "20 mn".
	minutesRE = regexp.MustCompile(`(?i)(\d{1,4})[\s\p{Zs}]*(?:minutes?|mins?|mn)(?:[\s\p{Zs},.;:!?)]|$)`)
	// A distance is a detour when the words around it say so: "détour de
	// 5 km maximum", "5 km de détour", "at most 5 km out of my way".
	detourBeforeRE = regexp.MustCompile(`(?i)d[ée]tour\S*\s+(?:de\s+|of\s+)?(?:max(?:imum)?\s+)?$`)
	detourAfterRE  = regexp.MustCompile(`(?i)^\s*(?:max(?:imum)?\s+)?(?:de\s+|of\s+)?(?:d[ée]tour|out of (?:my|the) way)`)
)

// readMinutes reads "within N minutes of" as a radius at the parser's
// speed, said in Notes.
func (p *Parser) readMinutes(q *index.Query, text string) (string, error) {
	if !hasDigit(text) {
		return text, nil
	}
	m := minutesRE.FindStringSubmatchIndex(text)
	if m == nil {
		return text, nil
	}
	n, _ := strconv.Atoi(text[m[2]:m[3]])
	if n == 0 || n > maxMinutes {
		return text, index.Errorf(index.CodeOutOfRange, "q", "%d minutes: want from 1 to %d", n, maxMinutes)
	}
	q.RadiusMeters, q.Notes.RadiusFrom = minutesRadius(n, p.speed())
	return text[:m[0]] + " " + text[m[1]:], nil
}

func minutesRadius(minutes int, kmh float64) (float64, *index.Minutes) {
	return math.Round(float64(minutes) / 60 * kmh * 1000), &index.Minutes{Minutes: minutes, KMH: kmh}
}

func (p *Parser) speed() float64 {
	if p.SpeedKMH > 0 {
		return p.SpeedKMH
	}
	return DefaultSpeedKMH
}

// isDetour reports whether the distance at text[start:end] is a detour.
func isDetour(text string, start, end int) bool {
	return detourBeforeRE.MatchString(text[max(0, start-30):start]) || detourAfterRE.MatchString(text[end:])
}

// tripMarkers are the word sequences that name where a trip goes, folded:
// "sur la route de Toulouse", "on my way to Toulouse", "en allant à …".
var tripMarkers = [][]string{
	{"route", "de"}, {"route", "d"}, {"route", "vers"}, {"route", "pour"}, {"chemin", "de"}, {"chemin", "d"},
	{"trajet", "vers"}, {"trajet", "pour"}, {"allant", "a"}, {"direction", "de"}, {"direction", "d"},
	{"way", "to"}, {"route", "to"}, {"heading", "to"}, {"going", "to"},
}

// trip reads a trip in the words: "entre A et B", "between A and B", "de A
// à B", "from A to B", or a destination ("sur la route de B", "on my way
// to B") whose start is the query's other place, near or from.
func (r *reading) trip() error {
	for i := range r.keys {
		if r.used[i] {
			continue
		}
		var sep []string
		switch r.keys[i] {
		case "entre":
			sep = []string{"et"}
		case "between":
			sep = []string{"and"}
		case "de", "d", "depuis":
			sep = []string{"a", "jusqu"}
		case "from":
			sep = []string{"to"}
		}
		if sep != nil && r.fromTo(i, sep) {
			return nil
		}
	}
	for i := range r.keys {
		for _, m := range tripMarkers {
			if i+len(m) > len(r.keys) || r.used[i] || strings.Join(r.keys[i:i+len(m)], " ") != strings.Join(m, " ") {
				continue
			}
			to, end := r.commune(i+len(m), len(r.words))
			if to == nil {
				continue
			}
			r.use(i, end)
			r.setTrip(nil, to)
			return nil
		}
	}
	return nil
}

// fromTo reads "<marker> A <sep> B" from word i.
func (r *reading) fromTo(i int, sep []string) bool {
	for j := i + 2; j < len(r.keys); j++ {
		if !containsKey(sep, r.keys[j]) || r.used[j] {
			continue
		}
		from, end := r.commune(i+1, j)
		if from == nil || end != j {
			continue
		}
		to, end := r.commune(j+1, len(r.words))
		if to == nil {
			continue
		}
		r.use(i, end)
		r.setTrip(from, to)
		return true
	}
	return false
}

func containsKey(list []string, k string) bool {
	for _, v := range list {
		if v == k {
			return true
		}
	}
	return false
}

// commune reads the longest run of free words from i (up to limit)
// naming a commune (qualifier included: "Villeneuve (09)") and returns
// it with the end of the run.
func (r *reading) commune(i, limit int) (*index.Anchor, int) {
	for j := min(limit, i+6); j > i; j-- {
		if r.used[j-1] || r.required[j-1] {
			continue
		}
		span := strings.Join(r.words[i:j], " ")
		for _, m := range r.p.Gazetteer.Lookup(span, 0) {
			if m.Commune == nil || m.Via == "postcode" || m.Via == "insee" {
				continue
			}
			c, qualified := r.qualifier(m.Commune, span, j)
			asked := span
			if qualified != "" {
				asked = qualified
			}
			a, err := anchorOf(r.p.Gazetteer, c, asked, "q", &r.q.Notes)
			if err != nil {
				return nil, 0
			}
			end := j
			for end < len(r.used) && r.used[end] {
				end++ // the qualifier
			}
			return a, end
		}
	}
	return nil, 0
}

func (r *reading) use(i, j int) {
	for k := i; k < j; k++ {
		r.used[k] = true
	}
}

func (r *reading) setTrip(from, to *index.Anchor) {
	if r.q.Trip == nil {
		r.q.Trip = &index.Trip{}
	}
	r.q.Trip.From, r.q.Trip.To = from, to
}

// finishTrip makes a trip's route once its ends are known: the straight
// line from the start (From, else the query's point) to the end, unless
// a route was given. The trip's start becomes the point distances are
// measured from; a trip has no radius.
func finishTrip(q *index.Query) error {
	t := q.Trip
	if t == nil {
		return nil
	}
	if t.MaxDetourMeters == 0 {
		t.MaxDetourMeters = index.DefaultDetourMeters
	}
	if t.Route == nil {
		if t.From == nil {
			t.From = q.Near
		}
		if t.To == nil {
			return index.Errorf(index.CodeInvalid, "to", "a trip needs its end: give to")
		}
		if t.From == nil {
			return index.Errorf(index.CodeInvalid, "from", "a trip needs its start: give from or near, or a place before \"sur la route de\"")
		}
		if t.From.Lat == t.To.Lat && t.From.Lon == t.To.Lon {
			return index.Errorf(index.CodeInvalid, "to", "the trip ends where it starts (%s): give another end", t.To.Name)
		}
		route, err := geo.StraightRoute(t.From.Lon, t.From.Lat, t.To.Lon, t.To.Lat)
		if err != nil {
			return index.Errorf(index.CodeInvalid, "to", "%v", err)
		}
		t.Route, t.Kind = route, "straight"
	}
	q.Near = t.From
	// A radius asked for stays, for Check to refuse: a trip has a detour.
	q.AutoRadius, q.Nearest = false, false
	return nil
}

// maxAlongLen bounds an along parameter: 10,000 points as an encoded
// polyline take about 60 KB.
const maxAlongLen = 200 << 10

// parseAlong reads a route the client already has: a GeoJSON LineString
// or an encoded polyline of precision 5, as routing services return.
func parseAlong(s string) (*index.Trip, error) {
	if len(s) > maxAlongLen {
		return nil, index.Errorf(index.CodeTooLong, "along", "is %d bytes long; the limit is %d", len(s), maxAlongLen)
	}
	var points [][2]float64
	if strings.HasPrefix(strings.TrimSpace(s), "{") {
		var g struct {
			Type        string       `json:"type"`
			Coordinates [][2]float64 `json:"coordinates"`
		}
		if err := json.Unmarshal([]byte(s), &g); err != nil || g.Type != "LineString" {
			return nil, index.Errorf(index.CodeInvalid, "along", "want a GeoJSON LineString, {\"type\":\"LineString\",\"coordinates\":[[lon,lat],...]}, or an encoded polyline")
		}
		points = g.Coordinates
	} else {
		var err error
		if points, err = geo.DecodePolyline(s, 5); err != nil {
			return nil, index.Errorf(index.CodeInvalid, "along", "is not an encoded polyline of precision 5: %v", err)
		}
	}
	switch {
	case len(points) < 2:
		return nil, index.Errorf(index.CodeInvalid, "along", "has %d points; a route needs at least 2", len(points))
	case len(points) > geo.MaxRoutePoints:
		return nil, index.Errorf(index.CodeTooLong, "along", "has %d points; the limit is %d", len(points), geo.MaxRoutePoints)
	}
	route, err := geo.PolylineRoute(points)
	if err != nil {
		return nil, index.Errorf(index.CodeInvalid, "along", "%v", err)
	}
	end := func(p [2]float64) *index.Anchor {
		return &index.Anchor{Name: pointName(p[1], p[0]), Lat: p[1], Lon: p[0]}
	}
	return &index.Trip{From: end(points[0]), To: end(points[len(points)-1]), Route: route, Kind: "polyline"}, nil
}
