package httpapi

import (
	"math"
	"net/http"
	"slices"
	"sync"
	"time"

	"github.com/gorilla/mux"
	"golang.org/x/text/language"

	"github.com/tierslieux/tierslieux/cmd/internal/query"
	"github.com/tierslieux/tierslieux/geo/gazetteer"
	"github.com/tierslieux/tierslieux/index"
	"github.com/tierslieux/tierslieux/ingest"
	"github.com/tierslieux/tierslieux/ingest/hours"
)

// searchParams reads the search parameters of a request.
func searchParams(r *http.Request) (query.Params, string, error) {
	v := params(r)
	p := query.Params{
		Q: v.Get("q"), Types: v["type"], Services: v["service"], Dept: v.Get("dept"), Near: v.Get("near"),
		Radius: v.Get("radius"), BBox: v.Get("bbox"), Polygon: v.Get("polygon"), Sort: v.Get("sort"),
		Limit: v.Get("limit"), Offset: v.Get("offset"), Facets: v.Get("facets"), Demo: v.Get("demo"),
		Highlight: v.Get("highlight"), Open: v.Get("open"), OpenUnknown: v.Get("open_unknown"),
		From: v.Get("from"), To: v.Get("to"), Along: v.Get("along"), Detour: v.Get("detour"),
		Within: v.Get("within"), Rings: v.Get("rings"),
	}
	for _, l := range ingest.Lists {
		if vs := v[l.Name]; len(vs) > 0 {
			if p.Lists == nil {
				p.Lists = map[string][]string{}
			}
			p.Lists[l.Name] = vs
		}
	}
	format := v.Get("format")
	switch format {
	case "", "json", "geojson":
	default:
		return p, "", index.Errorf(index.CodeInvalid, "format", "%q: want json or geojson", format)
	}
	return p, format, nil
}

func (s *Server) handleSearch(w http.ResponseWriter, r *http.Request) {
	be := backend(r)
	scope, ok := s.searchScope(w, r)
	if !ok {
		return
	}
	p, format, err := searchParams(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	ctx, cancel := s.searchContext(r)
	defer cancel()
	// A polygon this long is heavy whatever it holds: take the heavy lane
	// before reading it, so a refused one costs next to nothing.
	var release func()
	if len(p.Polygon) > heavyPolygonBytes {
		if release, err = s.limits.acquire(ctx, true); err != nil {
			s.writeError(w, r, err)
			return
		}
		defer release()
	}
	q, err := be.Query.Build(p)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	q.Scope = scope
	// The places the cache holds rendered are not read whole.
	q.Sparse = be.results != nil
	if release == nil {
		if release, err = s.limits.acquire(ctx, be.Search.Heavy(q, -1)); err != nil {
			s.writeError(w, r, err)
			return
		}
		defer release()
	}
	res, err := be.Search.Search(ctx, q)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	body := s.searchBody(res, lang(r), be.results)
	// Once written, the answer's storage and the hits' go back for the
	// next searches.
	defer res.Release()
	defer body.release()
	if format == "geojson" {
		g := geoJSONBody(body)
		s.writeAppended(w, r, http.StatusOK, "application/geo+json; charset=utf-8", g.appendJSON, &g.took)
		return
	}
	s.writeAppended(w, r, http.StatusOK, "application/json; charset=utf-8", body.appendJSON, &body.took)
}

// searchResponse is the JSON answer of /v1/search.
type searchResponse struct {
	Query queryJSON `json:"query"`
	Total int       `json:"total"`
	// UnknownHours counts the places an open= search left out (or kept,
	// with open_unknown=include) for want of known hours.
	UnknownHours *int                      `json:"unknown_hours,omitempty"`
	Results      []resultJSON              `json:"results"`
	Facets       map[string]map[string]int `json:"facets,omitempty"`
	TookMS       float64                   `json:"took_ms"`
	// took is where appendJSON wrote took_ms's value, which differs
	// between two runs of a request (gzipMemo).
	took span
	// warmed keeps resultCache.warm's reads from being optimised away.
	warmed byte
	// pooled holds Results in the pool, given back with them (release).
	pooled *[]resultJSON
}

type queryJSON struct {
	Text     string   `json:"text"`
	Types    []string `json:"types"`
	Services []string `json:"services"`
	Dept     string   `json:"dept,omitempty"`
	Region   string   `json:"region,omitempty"`
	// Lists are the controlled lists' filters, by list name.
	Lists      map[string][]string `json:"lists,omitempty"`
	Near       *index.Anchor       `json:"near,omitempty"`
	RadiusKM   *float64            `json:"radius_km,omitempty"`
	RadiusAuto bool                `json:"radius_auto,omitempty"`
	Nearest    bool                `json:"nearest,omitempty"`
	BBox       []float64           `json:"bbox,omitempty"`
	Polygon    bool                `json:"polygon,omitempty"`
	Sort       string              `json:"sort"`
	Limit      int                 `json:"limit"`
	Offset     int                 `json:"offset"`
	// What the query language noticed, and what the engine relaxed.
	TextRequired []string           `json:"text_required,omitempty"`
	TextRelaxed  []string           `json:"text_relaxed,omitempty"`
	TextIgnored  []string           `json:"text_ignored,omitempty"`
	Corrected    []index.Correction `json:"corrected,omitempty"`
	DidYouMean   *index.Ambiguity   `json:"did_you_mean,omitempty"`
	Open         *openJSON          `json:"open,omitempty"`
	Route        *routeJSON         `json:"route,omitempty"`
	DetourKM     *float64           `json:"detour_km,omitempty"`
	RadiusFrom   *index.Minutes     `json:"radius_from,omitempty"`
	Rings        []float64          `json:"rings_km,omitempty"`
}

// routeJSON is a trip's route: its ends, whether it is the straight line
// between them or a polyline the client sent, and its length.
type routeJSON struct {
	From     *index.Anchor `json:"from"`
	To       *index.Anchor `json:"to"`
	Kind     string        `json:"kind"`
	LengthKM float64       `json:"length_km"`
}

// openJSON is an open= condition as understood: its kind (at an instant,
// throughout a window, at some moment of a span), its bounds in
// Europe/Paris time, and what it means in words.
type openJSON struct {
	Kind        string `json:"kind"`
	From        string `json:"from"`
	To          string `json:"to,omitempty"`
	Description string `json:"description"`
	Unknown     string `json:"unknown"` // include or exclude
}

type resultJSON struct {
	ID           string   `json:"id"`
	Name         string   `json:"name"`
	Types        []string `json:"types"`
	Services     []string `json:"services"`
	Tags         []string `json:"tags,omitempty"`
	Commune      string   `json:"commune"`
	INSEE        string   `json:"insee"`
	Dept         string   `json:"dept"`
	Lat          float64  `json:"lat"`
	Lon          float64  `json:"lon"`
	Precision    string   `json:"precision"`
	Demo         bool     `json:"demo"`
	DistanceKM   optFloat `json:"distance_km,omitzero"`
	Score        optFloat `json:"score,omitzero"`
	Address      string   `json:"address,omitempty"`
	Postcode     string   `json:"postcode,omitempty"`
	Website      string   `json:"website,omitempty"`
	OpeningHours string   `json:"opening_hours,omitempty"`
	Description  string   `json:"description,omitempty"`
	// Matched lists the fields holding a word of a text query; Highlight
	// shows name and description with those words in <mark>, escaped
	// for HTML.
	Matched   []string        `json:"matched,omitempty"`
	Highlight index.Highlight `json:"highlight,omitzero"`
	// OpenNow is null when the hours are unknown; NextChange is when it
	// next opens or closes; TodayHours the day's hours in the request's
	// language.
	OpenNow    *bool  `json:"open_now"`
	NextChange string `json:"next_change,omitempty"`
	TodayHours string `json:"today_hours,omitempty"`
	// DetourKM and AlongKM place a result of a trip: the extra distance
	// it costs, and how far along the route it lies.
	DetourKM optFloat `json:"detour_km,omitzero"`
	AlongKM  optFloat `json:"along_km,omitzero"`

	// pre, when set, is the place's part already rendered (resultCache):
	// appendJSON copies it rather than writing those fields. doc is the
	// hit's number in its catalog, which the cache is kept by.
	pre renderedPlace
	doc uint32
}

// optFloat is a number a result may leave out (omitzero leaves it out
// unset): a pointer would cost an allocation a result.
type optFloat struct {
	v   float64
	set bool
}

func some(v float64) optFloat { return optFloat{v, true} }

func (f optFloat) IsZero() bool { return !f.set }

func (f optFloat) MarshalJSON() ([]byte, error) { return appendFloat(nil, f.v), nil }

func round(v float64, digits int) float64 {
	var p float64
	if digits >= 0 && digits < len(powersOf10) {
		p = powersOf10[digits] // Pow's own answer, without its work at every number
	} else {
		p = math.Pow(10, float64(digits))
	}
	return math.Round(v*p) / p
}

var powersOf10 = [...]float64{1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9}

// searchBody is a search's answer. With a cache, each result is written
// from its place as kept rendered, or completed (a Sparse search's place)
// and kept.
func (s *Server) searchBody(res *index.Result, l language.Tag, cache *resultCache) searchResponse {
	q := res.Query
	body := searchResponse{
		Query: queryJSON{Text: q.Text, Types: nonNil(q.Types), Services: nonNil(q.Services), Dept: q.Dept, Region: q.Region, Lists: q.Lists,
			Near: q.Near, RadiusAuto: q.AutoRadius, Nearest: q.Nearest, Polygon: len(q.Polygon) > 0, Sort: q.Sort, Limit: q.Limit, Offset: q.Offset,
			TextRequired: q.TextRequired, TextRelaxed: res.TextRelaxed, TextIgnored: res.TextIgnored,
			Corrected: append(slices.Clip(q.Notes.Corrections), res.TextCorrected...), DidYouMean: q.Notes.DidYouMean, Open: openOf(q, l), RadiusFrom: q.Notes.RadiusFrom},
		Total:  res.Total,
		Facets: res.Facets,
		TookMS: round(float64(res.Took.Microseconds())/1000, 3),
	}
	body.Results, body.pooled = getResults(len(res.Hits))
	if q.RadiusMeters > 0 {
		km := q.RadiusMeters / 1000
		body.Query.RadiusKM = &km
	}
	if q.BBox != nil {
		body.Query.BBox = []float64{q.BBox.MinLon, q.BBox.MinLat, q.BBox.MaxLon, q.BBox.MaxLat}
	}
	if q.Open != nil {
		body.UnknownHours = &res.UnknownHours
	}
	if t := q.Trip; t != nil {
		body.Query.Route = &routeJSON{From: t.From, To: t.To, Kind: t.Kind, LengthKM: round(t.Route.LengthMeters()/1000, 3)}
		km := t.MaxDetourMeters / 1000
		body.Query.DetourKM = &km
	}
	for _, r := range q.Rings {
		body.Query.Rings = append(body.Query.Rings, r/1000)
	}
	hasText := res.HasText
	hits := 0
	body.warmed = cache.warm(res.Hits)
	for i := range res.Hits {
		var pre renderedPlace
		if cache != nil {
			if pre = cache.lookup(res.Hits[i].Doc, res.Hits[i].Place.ID); !pre.ok() {
				res.Complete(i)
			} else {
				hits++
			}
		}
		r := resultOf(res.Hits[i], hasText, l)
		if !pre.ok() {
			pre = cache.keep(&r)
		}
		r.pre = pre
		body.Results = append(body.Results, r)
	}
	cache.counted(hits, len(res.Hits)-hits)
	return body
}

// resultsPool recycles the results of answers: twenty of them are a few
// kilobytes holding pointers, cleared and scanned by the collector when
// allocated anew for every answer.
var resultsPool = sync.Pool{New: func() any { return new([]resultJSON) }}

// maxPooledResults bounds the result lists kept for reuse.
const maxPooledResults = 1000

func getResults(n int) (rs []resultJSON, holder *[]resultJSON) {
	holder = resultsPool.Get().(*[]resultJSON)
	if *holder == nil || cap(*holder) < n {
		*holder = make([]resultJSON, 0, max(n, 20)) // never nil: [] in JSON
	}
	return (*holder)[:0], holder
}

// release gives the body's results back to the pool: the body must not
// be read after.
func (b *searchResponse) release() {
	if b.Results == nil || cap(b.Results) > maxPooledResults {
		return
	}
	clear(b.Results)
	holder := b.pooled
	if holder == nil {
		holder = new([]resultJSON)
	}
	*holder = b.Results[:0]
	b.Results, b.pooled = nil, nil
	resultsPool.Put(holder) // the holder it came in: no new one a search
}

func openOf(q index.Query, l language.Tag) *openJSON {
	if q.Open == nil {
		return nil
	}
	w := q.Open
	o := &openJSON{Kind: [...]string{"at", "throughout", "during"}[w.Kind], From: w.From.Format(time.RFC3339),
		Description: w.Describe(hoursLang(l)), Unknown: "exclude"}
	if !w.To.IsZero() {
		o.To = w.To.Format(time.RFC3339)
	}
	if q.OpenUnknown {
		o.Unknown = "include"
	}
	return o
}

func hoursLang(l language.Tag) hours.Lang {
	if l == language.French {
		return hours.French
	}
	return hours.English
}

// resultOf is a hit as answered. Its hours are written once a minute for
// every answer (index.HoursView's texts).
func resultOf(h index.Hit, hasText bool, l language.Tag) resultJSON {
	p := h.Place
	r := resultJSON{ID: p.ID, Name: p.Name, Types: nonNil(p.Types), Services: nonNil(p.Services), Tags: p.Tags,
		Commune: p.Commune, INSEE: p.INSEE, Dept: p.Dept, Lat: p.Lat, Lon: p.Lon, Precision: p.Precision, Demo: p.Demo,
		Address: p.Address, Postcode: p.Postcode, Website: p.Website, OpeningHours: p.OpeningHours, Description: p.Description,
		Matched: h.Matched, Highlight: h.Highlight, doc: h.Doc}
	if d := h.Detour; d != nil {
		r.DetourKM, r.AlongKM = some(round(d.Meters/1000, 3)), some(round(d.AlongMeters/1000, 3))
	}
	if v := h.Hours; v != nil {
		r.OpenNow = v.OpenNow
		r.NextChange, r.TodayHours = v.NextChangeText(), v.TodayText(hoursLang(l))
	}
	if h.HasDistance {
		r.DistanceKM = some(round(h.Meters/1000, 3))
	}
	if hasText {
		r.Score = some(round(h.Score, 4))
	}
	return r
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// geoJSON is an RFC 7946 FeatureCollection with the interpreted query,
// the total and the facets as foreign members.
type geoJSON struct {
	Type     string                    `json:"type"`
	Query    queryJSON                 `json:"query"`
	Total    int                       `json:"total"`
	Facets   map[string]map[string]int `json:"facets,omitempty"`
	TookMS   float64                   `json:"took_ms"`
	Features []feature                 `json:"features"`
	took     span                      // as searchResponse.took
}

type feature struct {
	Type       string     `json:"type"`
	ID         string     `json:"id"`
	Geometry   point      `json:"geometry"`
	Properties resultJSON `json:"properties"`
}

type point struct {
	Type        string     `json:"type"`
	Coordinates [2]float64 `json:"coordinates"`
}

func geoJSONBody(b searchResponse) geoJSON {
	g := geoJSON{Type: "FeatureCollection", Query: b.Query, Total: b.Total, Facets: b.Facets, TookMS: b.TookMS, Features: make([]feature, len(b.Results))}
	for i, r := range b.Results {
		g.Features[i] = feature{Type: "Feature", ID: r.ID, Geometry: point{Type: "Point", Coordinates: [2]float64{r.Lon, r.Lat}}, Properties: r}
	}
	return g
}

func (s *Server) handlePlace(w http.ResponseWriter, r *http.Request) {
	be := backend(r)
	scope, ok := s.searchScope(w, r)
	if !ok {
		return
	}
	id := mux.Vars(r)["id"]
	p, ok := be.Places.Place(id)
	if !ok || !scope.Contains(p) { // outside a partner's territory: as if absent
		s.writeError(w, r, index.Errorf(index.CodeNotFound, "id", "no place with id %q", id))
		return
	}
	dept, region := be.Places.AreaNames(p)
	writeJSON(w, http.StatusOK, placeOf(p, dept, region))
}

// placeJSON is a whole place with the names of its département and
// région, for a details card: the API's own shape, whatever the storage.
type placeJSON struct {
	ID           string   `json:"id"`
	Name         string   `json:"name"`
	Types        []string `json:"types"`
	Services     []string `json:"services,omitempty"`
	Tags         []string `json:"tags,omitempty"`
	Description  string   `json:"description,omitempty"`
	Address      string   `json:"address,omitempty"`
	Postcode     string   `json:"postcode,omitempty"`
	Commune      string   `json:"commune,omitempty"`
	INSEE        string   `json:"insee,omitempty"`
	Dept         string   `json:"dept,omitempty"`
	Region       string   `json:"region,omitempty"`
	Lon          float64  `json:"lon"`
	Lat          float64  `json:"lat"`
	Precision    string   `json:"precision,omitempty"`
	Website      string   `json:"website,omitempty"`
	Email        string   `json:"email,omitempty"`
	Phone        string   `json:"phone,omitempty"`
	OpeningHours string   `json:"opening_hours,omitempty"`
	LabelYear    int      `json:"label_year,omitempty"`
	Demo         bool     `json:"demo,omitempty"`
	Note         string   `json:"note,omitempty"`
	DeptName     string   `json:"dept_name,omitempty"`
	RegionName   string   `json:"region_name,omitempty"`
	// What the national standard of digital-inclusion places says: the
	// lists hold IDs of /v1/vocabulary's lists.
	Typologie       []string `json:"typologie,omitempty"`
	Details         string   `json:"details,omitempty"`
	AddressExtra    string   `json:"address_extra,omitempty"`
	BookingURL      string   `json:"booking_url,omitempty"`
	AccesLibreURL   string   `json:"acceslibre_url,omitempty"`
	OpeningHoursRaw string   `json:"opening_hours_raw,omitempty"`
	HoursNote       string   `json:"hours_note,omitempty"`
	Updated         string   `json:"updated,omitempty"`
	Source          string   `json:"source,omitempty"`
	Mobility        []string `json:"mobility,omitempty"`
	Publics         []string `json:"publics,omitempty"`
	Accessibility   []string `json:"accessibility,omitempty"`
	Fees            []string `json:"fees,omitempty"`
	AccessModes     []string `json:"access_modes,omitempty"`
	SupportModes    []string `json:"support_modes,omitempty"`
	Programs        []string `json:"programs,omitempty"`
	Labels          []string `json:"labels,omitempty"`
	OtherLabels     []string `json:"other_labels,omitempty"`
}

func placeOf(p *ingest.Place, dept, region string) placeJSON {
	return placeJSON{ID: p.ID, Name: p.Name, Types: nonNil(p.Types), Services: p.Services, Tags: p.Tags,
		Description: p.Description, Address: p.Address, Postcode: p.Postcode, Commune: p.Commune, INSEE: p.INSEE,
		Dept: p.Dept, Region: p.Region, Lon: p.Lon, Lat: p.Lat, Precision: p.Precision, Website: p.Website,
		Email: p.Email, Phone: p.Phone, OpeningHours: p.OpeningHours, LabelYear: p.LabelYear, Demo: p.Demo,
		Note: p.Note, DeptName: dept, RegionName: region, Typologie: p.Typologie, Details: p.Details, AddressExtra: p.AddressExtra,
		BookingURL: p.BookingURL, AccesLibreURL: p.AccesLibreURL, OpeningHoursRaw: p.OpeningHoursRaw, HoursNote: p.HoursNote,
		Updated: p.Updated, Source: p.Source, Mobility: p.Mobility, Publics: p.Publics, Accessibility: p.Accessibility,
		Fees: p.Fees, AccessModes: p.AccessModes, SupportModes: p.SupportModes, Programs: p.Programs, Labels: p.Labels,
		OtherLabels: p.OtherLabels}
}

type geocodeResponse struct {
	Query       string        `json:"query"`
	Results     []geocodeJSON `json:"results"`
	Suggestions []geocodeJSON `json:"suggestions,omitempty"`
}

type geocodeJSON struct {
	Kind        string   `json:"kind"`
	Name        string   `json:"name"`
	Code        string   `json:"code"`
	Status      string   `json:"status,omitempty"`
	Dept        string   `json:"dept,omitempty"`
	Region      string   `json:"region,omitempty"`
	Postcodes   []string `json:"postcodes,omitempty"`
	Population  int      `json:"population,omitempty"`
	Lat         *float64 `json:"lat,omitempty"`
	Lon         *float64 `json:"lon,omitempty"`
	Source      string   `json:"source,omitempty"`
	Approximate bool     `json:"approximate,omitempty"`
	Matched     string   `json:"matched"`
}

func geocodeOf(m gazetteer.Match) geocodeJSON {
	out := geocodeJSON{Kind: string(m.Kind), Name: m.Name(), Code: m.Code(), Matched: m.Via}
	if c := m.Commune; c != nil {
		out.Status, out.Dept, out.Region, out.Postcodes, out.Population = string(c.Status), c.Dept, c.Region, c.Postcodes, c.Population
		if c.HasPoint() {
			lat, lon := c.Lat, c.Lon
			out.Lat, out.Lon, out.Source, out.Approximate = &lat, &lon, c.Source, c.Approximate()
		}
	} else if m.Kind == gazetteer.KindDepartement {
		out.Region = m.Area.Region
	}
	return out
}

func (s *Server) handleGeocode(w http.ResponseWriter, r *http.Request) {
	be := backend(r)
	v := params(r)
	q := v.Get("q")
	limit, err := query.IntParam("limit", v.Get("limit"), 5, 1, maxGeocodeLimit)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	ms, sugs, err := be.Query.Geocode(q, limit)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	body := geocodeResponse{Query: q, Results: make([]geocodeJSON, 0, len(ms))}
	for _, m := range ms {
		body.Results = append(body.Results, geocodeOf(m))
	}
	for _, m := range sugs {
		body.Suggestions = append(body.Suggestions, geocodeOf(m))
	}
	writeJSON(w, http.StatusOK, body)
}

// maxGeocodeLimit bounds a geocoding answer.
const maxGeocodeLimit = 50

type suggestResponse struct {
	Query       string             `json:"query"`
	Suggestions []query.Suggestion `json:"suggestions"`
}

// handleSuggest completes a search box. Its place names are places the
// request may search: a key is checked as for a search, and a partner's
// key gets none outside its territory.
func (s *Server) handleSuggest(w http.ResponseWriter, r *http.Request) {
	be := backend(r)
	scope, ok := s.searchScope(w, r)
	if !ok {
		return
	}
	v := params(r)
	limit, err := query.IntParam("limit", v.Get("limit"), 8, 1, query.MaxSuggestions)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	var keep func(*ingest.Place) bool
	if scope != nil {
		keep = scope.Contains
	}
	sugs, err := be.Query.SuggestWithin(v.Get("q"), limit, keep)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, suggestResponse{Query: v.Get("q"), Suggestions: sugs})
}

// clustersResponse is a GeoJSON FeatureCollection: a cluster is a Point
// feature with cluster=true and a count; a lone place is a Point feature
// with the place's fields, as in a search result.
type clustersResponse struct {
	Type  string    `json:"type"`
	Query queryJSON `json:"query"`
	Total int       `json:"total"`
	// Zoom is the grid's zoom: coarser than asked (Coarsened) when the
	// box held more than index.MaxClusters cells.
	Zoom      int              `json:"zoom"`
	Coarsened bool             `json:"coarsened,omitempty"`
	TookMS    float64          `json:"took_ms"`
	Features  []clusterFeature `json:"features"`
	took      span             // as searchResponse.took
}

type clusterFeature struct {
	Type       string `json:"type"`
	ID         string `json:"id,omitempty"`
	Geometry   point  `json:"geometry"`
	Properties any    `json:"properties"`
}

type clusterProps struct {
	Cluster bool       `json:"cluster"`
	Count   int        `json:"count"`
	BBox    [4]float64 `json:"bbox"`
}

type placeProps struct {
	Cluster bool `json:"cluster"`
	Count   int  `json:"count"`
	resultJSON
}

func (s *Server) handleClusters(w http.ResponseWriter, r *http.Request) {
	be := backend(r)
	scope, ok := s.searchScope(w, r)
	if !ok {
		return
	}
	p, _, err := searchParams(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	zs := params(r).Get("zoom")
	if zs == "" {
		s.writeError(w, r, index.Errorf(index.CodeInvalid, "zoom", "is required: a whole number from 0 to %d", index.MaxZoom))
		return
	}
	zoom, err := query.IntParam("zoom", zs, 0, 0, index.MaxZoom)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	q, err := be.Query.Build(p)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	q.Scope = scope
	ctx, cancel := s.searchContext(r)
	defer cancel()
	release, err := s.limits.acquire(ctx, be.Search.Heavy(q, zoom))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	res, err := be.Search.Clusters(ctx, q, zoom)
	release()
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	body := s.clustersBody(res, lang(r))
	s.writeAppended(w, r, http.StatusOK, "application/geo+json; charset=utf-8", body.appendJSON, &body.took)
}

// clustersBody is the answer of /v1/clusters.
func (s *Server) clustersBody(res *index.ClusterResult, l language.Tag) clustersResponse {
	body := clustersResponse{Type: "FeatureCollection", Query: s.searchBody(&index.Result{Query: res.Query}, l, nil).Query,
		Total: res.Total, Zoom: res.Zoom, Coarsened: res.Coarsened, TookMS: round(float64(res.Took.Microseconds())/1000, 3), Features: make([]clusterFeature, 0, len(res.Clusters))}
	hasText := res.HasText
	for _, c := range res.Clusters {
		f := clusterFeature{Type: "Feature", Geometry: point{Type: "Point", Coordinates: [2]float64{round(c.Lon, 6), round(c.Lat, 6)}}}
		if c.Place != nil {
			f.ID = c.Place.Place.ID
			f.Properties = placeProps{Count: 1, resultJSON: resultOf(*c.Place, hasText, l)}
		} else {
			f.Properties = clusterProps{Cluster: true, Count: c.Count, BBox: c.Bound}
		}
		body.Features = append(body.Features, f)
	}
	return body
}

func (s *Server) handleVocabulary(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "public, max-age=3600")
	writeJSON(w, http.StatusOK, s.pages.vocabulary)
}
