package httpapi

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"golang.org/x/text/language"

	"github.com/tierslieux/tierslieux/cmd/internal/query"
	"github.com/tierslieux/tierslieux/index"
	"github.com/tierslieux/tierslieux/index/indextest"
)

// encodingJSON is what the answers were written with before: an Encoder
// without HTML escaping.
func encodingJSON(tb testing.TB, v any) []byte {
	tb.Helper()
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

// TestAppendMatchesJSON: the hand-written search answers are byte for
// byte encoding/json's, over real answers of every shape: text with
// highlights, facets, trips, hours, GeoJSON, no results.
func TestAppendMatchesJSON(t *testing.T) {
	d := newDemoSearches(t)
	s := &Server{}
	for i, q := range d.queries {
		p := demoParams[i]
		res, err := d.eng.Search(context.Background(), q)
		if err != nil {
			t.Fatal(err)
		}
		for _, l := range []language.Tag{language.French, language.English} {
			body := s.searchBody(res, l, nil)
			got, err := body.appendJSON(nil)
			if err != nil {
				t.Fatal(err)
			}
			if want := encodingJSON(t, body); !bytes.Equal(got, want) {
				t.Errorf("%+v:\n got %s\nwant %s", p, got, want)
			}
			g := geoJSONBody(body)
			got, err = g.appendJSON(nil)
			if err != nil {
				t.Fatal(err)
			}
			if want := encodingJSON(t, g); !bytes.Equal(got, want) {
				t.Errorf("%+v GeoJSON:\n got %s\nwant %s", p, got, want)
			}
		}
	}
}

// TestClustersAppendMatchesJSON: the hand-written clusters answers are
// byte for byte encoding/json's, from the world's clusters to places
// shown one by one with their distance, score and hours.
func TestClustersAppendMatchesJSON(t *testing.T) {
	cat := indextest.Demo(t)
	lang := query.New(indextest.Gazetteer(t), cat)
	eng := index.NewEngine(cat)
	s := &Server{}
	now := time.Date(2026, 6, 3, 10, 0, 0, 0, time.UTC)
	seen := map[string]bool{}
	for _, p := range []query.Params{
		{BBox: "-180,-85,180,85"},
		{BBox: "-0.5,42.3,5,45.1"},
		{BBox: "-0.5,42.3,5,45.1", Types: []string{"fablab"}},
		{BBox: "1.2,43.4,1.7,43.8", Q: "atelier <b>vélo</b>"},
		{BBox: "2.3,44.2,2.8,44.5", Near: "Rodez", Sort: "distance"},
		{BBox: "2.3,44.2,2.8,44.5", Open: "now", OpenUnknown: "include"},
		{BBox: "2.3,44.2,2.8,44.5", Q: "nothing is called that"},
		{BBox: "-0.5,42.3,5,45.1", Q: "atelier"},
		{BBox: "-10,50,-9,51"},
	} {
		q, err := lang.Build(p)
		if err != nil {
			t.Fatalf("%+v: %v", p, err)
		}
		q.Now = now
		for _, zoom := range []int{0, 5, 8, 11, 14, index.MaxZoom} {
			res, err := eng.Clusters(context.Background(), q, zoom)
			if err != nil {
				t.Fatal(err)
			}
			for _, l := range []language.Tag{language.French, language.English} {
				body := s.clustersBody(res, l)
				got, err := body.appendJSON(nil)
				if err != nil {
					t.Fatal(err)
				}
				want := encodingJSON(t, body)
				if !bytes.Equal(got, want) {
					t.Errorf("%+v zoom %d:\n got %s\nwant %s", p, zoom, got, want)
				}
				if string(got[body.took.from:body.took.to]) != strconv.FormatFloat(body.TookMS, 'f', -1, 64) {
					t.Errorf("took_ms at %v: %q", body.took, got[body.took.from:body.took.to])
				}
				for _, kind := range []string{`"cluster":true`, `"cluster":false`, `"coarsened":true`, `"distance_km"`, `"score"`, `"features":[]`} {
					seen[kind] = seen[kind] || bytes.Contains(got, []byte(kind))
				}
			}
		}
	}
	for kind, ok := range seen {
		if !ok {
			t.Errorf("no answer holds %s: the test misses a shape", kind)
		}
	}
}

// demoParams are searches of every shape on the demo data: text with
// highlights and a corrected word, facets, trips, hours, rings, a box,
// pages, nothing found.
var demoParams = []query.Params{
	{Q: "fablab with 3D printing within 30 km of Rodez"},
	{Q: "coworking près de Millau", Facets: "type,service,dept"},
	{Q: "atelier couture & <b>réparation</b> \"vélo\" \\ près de Toulouse", Limit: "100"},
	{Q: "coworking entre Toulouse et Albi"},
	{Q: "espace numérique ouvert samedi", Open: "saturday", OpenUnknown: "include"},
	{Q: "imprimeri 3D"},
	{Near: "Montpellier", Radius: "40km", Sort: "distance", Facets: "distance", Rings: "5,10,20"},
	{BBox: "1.2,43.4,1.6,43.8"},
	{Q: "zzzzqqq introuvable"},
	{Types: []string{"fablab"}, Limit: "100", Offset: "10"},
	{Limit: "100"},
	{Limit: "100", Offset: "100"},
}

// TestAppendString and TestAppendFloat: the two leaves, on their edges.
func TestAppendString(t *testing.T) {
	for _, s := range []string{"", "plain", "é à ç", "\x00\x01\x1f\x7f", "\"\\/", "<>&", "\u2028\u2029", "\xff\xfe", "a\xc3", "\t\n\r\b\f", "🙂", strings.Repeat("x", 300)} {
		if got, want := appendString(nil, s), bytes.TrimSuffix(encodingJSON(t, s), []byte("\n")); !bytes.Equal(got, want) {
			t.Errorf("%q: got %s, want %s", s, got, want)
		}
	}
}

// TestPlainWord: every byte value at every place of eight, among plain
// neighbours and among the bytes nearest the limits, agrees with the
// byte-by-byte table; and long strings of each kind are written as
// encoding/json writes them.
func TestPlainWord(t *testing.T) {
	for _, fill := range []byte{'a', ' ', '~', '!', '#', '[', ']', 0x7F} {
		for pos := range 8 {
			for c := range 256 {
				b := bytes.Repeat([]byte{fill}, 8)
				b[pos] = byte(c)
				want := true
				for _, x := range b {
					want = want && x < utf8.RuneSelf && safeASCII[x]
				}
				if got := plainWord(word8(string(b))); got != want {
					t.Fatalf("%q: got %v, want %v", b, got, want)
				}
			}
		}
	}
	for c := range 256 {
		s := strings.Repeat("abcdefg", 5) + string([]byte{byte(c)}) + strings.Repeat("hijklmn", 3)
		if got, want := appendString(nil, s), bytes.TrimSuffix(encodingJSON(t, s), []byte("\n")); !bytes.Equal(got, want) {
			t.Fatalf("%q: got %s, want %s", s, got, want)
		}
	}
}

func TestAppendFloat(t *testing.T) {
	fs := []float64{0, math.Copysign(0, -1), 1, -1, 0.1, 43.60426, -1.5e-7, 1e-6, 9.99e-7, 1e20, 1e21, 123456789.123, 5e-324,
		math.MaxFloat64, 0.000123, 999999.9999999, 1e6, -0.0000012, 0.0000015, 12.5, 100, 0.3, 2.675, 1.0000001, 44.3502461}
	// What answers hold: coordinates of five to seven decimals, distances
	// of three, scores of four, and their neighbours one float away.
	r := rand.New(rand.NewPCG(1, 2))
	for range 200_000 {
		k := r.IntN(8)
		m := math.Round((r.Float64()*400 - 200) * math.Pow(10, float64(k)))
		f := m / math.Pow(10, float64(k))
		fs = append(fs, f, math.Nextafter(f, math.Inf(1)), r.Float64()*2e6-1e6, r.ExpFloat64()*1e-5)
	}
	for _, f := range fs {
		if got, want := appendFloat(nil, f), bytes.TrimSuffix(encodingJSON(t, f), []byte("\n")); !bytes.Equal(got, want) {
			t.Fatalf("%v: got %s, want %s", f, got, want)
		}
	}
}

// FuzzAppendFloat: any float is written as encoding/json writes it.
func FuzzAppendFloat(f *testing.F) {
	for _, v := range []float64{0, 43.60426, -1.44367, 0.000123, 999999.9999999, 1e-6, 12.345} {
		f.Add(v)
	}
	f.Fuzz(func(t *testing.T, v float64) {
		if math.IsInf(v, 0) || math.IsNaN(v) {
			return
		}
		if got, want := appendFloat(nil, v), bytes.TrimSuffix(encodingJSON(t, v), []byte("\n")); !bytes.Equal(got, want) {
			t.Fatalf("%v: got %s, want %s", v, got, want)
		}
	})
}

// FuzzAppendString: any string is written as encoding/json writes it.
func FuzzAppendString(f *testing.F) {
	for _, s := range []string{"", "é", "\xff", "\u2028", "<&>", "\\u003c"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := appendString(nil, s), bytes.TrimSuffix(encodingJSON(t, s), []byte("\n")); !bytes.Equal(got, want) {
			t.Fatalf("%q: got %s, want %s", s, got, want)
		}
	})
}

// FuzzAppendMarshal: undoing json.Marshal's HTML escapes gives what an
// Encoder without them writes, for any string in any structure.
func FuzzAppendMarshal(f *testing.F) {
	for _, s := range []string{"<b>", "\\u003c", `\<`, "&amp;"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v := map[string][]string{s: {s, "x" + s}}
		got, err := appendMarshal(nil, v)
		if err != nil {
			t.Fatal(err)
		}
		if want := bytes.TrimSuffix(encodingJSON(t, v), []byte("\n")); !bytes.Equal(got, want) {
			t.Fatalf("%q: got %s, want %s", s, got, want)
		}
	})
}

// FuzzAppendQuery: a query echo of any strings, list keys and numbers is
// written as encoding/json writes it, or fails where it fails.
func FuzzAppendQuery(f *testing.F) {
	f.Add("coworking près de Millau", "12", "publics", 30.0, 44.1, true)
	f.Add("\xff<&>\u2028", "", "", math.Inf(1), -0.0, false)
	f.Add("x", "", "", 1.0, math.NaN(), true)
	f.Fuzz(func(t *testing.T, text, dept, list string, km, lat float64, open bool) {
		q := queryJSON{Text: text, Types: []string{text}, Dept: dept, Lists: map[string][]string{list: {text}, "b" + list: nil},
			Near: &index.Anchor{Name: text, Dept: dept, Lat: lat, Lon: km}, RadiusKM: &km, BBox: []float64{lat, km},
			Corrected: []index.Correction{{From: text, To: dept, Kind: list}}, Rings: []float64{km}}
		if open {
			q.Open = &openJSON{Kind: list, From: text, To: dept}
			q.Route = &routeJSON{From: q.Near, Kind: dept, LengthKM: lat}
		}
		got, err := q.appendJSON(nil)
		_, jerr := json.Marshal(&q)
		if (err != nil) != (jerr != nil) {
			t.Fatalf("%+v: error %v, encoding/json's %v", q, err, jerr)
		}
		if err == nil {
			if want := bytes.TrimSuffix(encodingJSON(t, &q), []byte("\n")); !bytes.Equal(got, want) {
				t.Fatalf("got %s, want %s", got, want)
			}
		}
	})
}

// BenchmarkAnswer compares writing a 20-result answer by hand and with
// encoding/json.
func BenchmarkAnswer(b *testing.B) {
	cat := indextest.Demo(b)
	q, err := query.New(indextest.Gazetteer(b), cat).Build(query.Params{Q: "atelier près de Toulouse", Limit: "20"})
	if err != nil {
		b.Fatal(err)
	}
	res, err := index.NewEngine(cat).Search(context.Background(), q)
	if err != nil {
		b.Fatal(err)
	}
	body := (&Server{}).searchBody(res, language.French, nil)
	b.Run("append", func(b *testing.B) {
		var buf []byte
		for b.Loop() {
			buf, _ = body.appendJSON(buf[:0])
		}
		b.SetBytes(int64(len(buf)))
	})
	b.Run("encoding-json", func(b *testing.B) {
		var buf bytes.Buffer
		for b.Loop() {
			buf.Reset()
			enc := json.NewEncoder(&buf)
			enc.SetEscapeHTML(false)
			enc.Encode(body)
		}
		b.SetBytes(int64(buf.Len()))
	})
}

// TestAppendQueryMatchesJSON: the query echo written by hand is byte for
// byte encoding/json's, for echoes holding every member, none, and
// random mixes of them with odd strings and numbers; a number JSON
// cannot hold fails it as it fails encoding/json.
func TestAppendQueryMatchesJSON(t *testing.T) {
	km, detour, zero := 12.5, 0.75, 0.0
	full := queryJSON{
		Text: `atelier "vélo" <b>&</b>`, Types: []string{"fablab", "coworking"}, Services: []string{}, Dept: "12", Region: "76",
		Lists: map[string][]string{"publics": {"jeunes", "seniors"}, "frais": nil, "accessibilite": {}, "Zèbre": {"x"}},
		Near: &index.Anchor{Name: "Villeneuve", INSEE: "12300", Dept: "12", DeptName: "Aveyron", Lat: 44.43, Lon: 2.033,
			Alternatives: []index.Alternative{{Name: "Villeneuve", Dept: "09", DeptName: "Ariège", INSEE: "09334"}, {Name: "Villeneuve", Dept: "04", INSEE: "04242"}}},
		RadiusKM: &km, RadiusAuto: true, Nearest: true, BBox: []float64{1.2, 43.4, 1.6, 43.8}, Polygon: true,
		Sort: "distance", Limit: 20, Offset: 40,
		TextRequired: []string{"3d"}, TextRelaxed: []string{"couture"}, TextIgnored: []string{"zzz"},
		Corrected:  []index.Correction{{From: "montpelier", To: "Montpellier (34)", Kind: "place"}, {From: "imprimeri", To: "imprimer", Kind: "text"}},
		DidYouMean: &index.Ambiguity{From: "ville", Options: []string{"Villeneuve (12)", "Villeneuve (09)"}},
		Open:       &openJSON{Kind: "during", From: "2026-12-01T09:00:00+01:00", To: "2026-12-01T12:00:00+01:00", Description: "mardi 9 h – 12 h", Unknown: "include"},
		Route: &routeJSON{From: &index.Anchor{Name: "Toulouse", Lat: 43.6, Lon: 1.44}, To: &index.Anchor{Name: "Albi", Lat: 43.92, Lon: 2.14},
			Kind: "line", LengthKM: 67.123},
		DetourKM: &detour, RadiusFrom: &index.Minutes{Minutes: 20, KMH: 60}, Rings: []float64{5, 10, 20.5},
	}
	// A member added to the echo, or to what it holds, must be set here
	// to be compared: the hand encoder writes only the members it knows.
	for _, v := range []reflect.Value{reflect.ValueOf(full), reflect.ValueOf(*full.Near), reflect.ValueOf(full.Near.Alternatives[0]),
		reflect.ValueOf(full.Corrected[0]), reflect.ValueOf(*full.DidYouMean), reflect.ValueOf(*full.Open), reflect.ValueOf(*full.Route),
		reflect.ValueOf(*full.RadiusFrom)} {
		for f := range v.NumField() {
			if v.Field(f).IsZero() {
				t.Fatalf("the full echo leaves %s.%s empty", v.Type().Name(), v.Type().Field(f).Name)
			}
		}
	}
	cases := map[string]queryJSON{
		"full":          full,
		"empty":         {},
		"nil lists":     {Types: nil, Services: nil, Lists: map[string][]string{}, BBox: []float64{}, Rings: []float64{}},
		"zero radius":   {RadiusKM: &zero, Sort: "relevance", Limit: 1},
		"route no ends": {Route: &routeJSON{Kind: "polyline"}, DidYouMean: &index.Ambiguity{From: "x"}, Open: &openJSON{Kind: "at"}},
		"tiny and huge": {BBox: []float64{1e-9, -1e21, 123456789.125, -0.000001, 5e-324, math.MaxFloat64}, Near: &index.Anchor{Lat: math.Copysign(0, -1), Lon: 1e-7}},
	}
	rng := rand.New(rand.NewPCG(3, 5))
	odd := []string{"", "é", "<>&", "\u2028", "\xff", "a\"b\\c", "\x00\t", "Saint-Affrique"}
	pick := func() string { return odd[rng.IntN(len(odd))] }
	for i := range 300 {
		var q queryJSON
		v := reflect.ValueOf(&full).Elem()
		w := reflect.ValueOf(&q).Elem()
		// Each member taken from the full echo or left zero.
		for f := range v.NumField() {
			if rng.IntN(2) == 0 {
				w.Field(f).Set(v.Field(f))
			}
		}
		q.Text, q.Sort, q.Dept = pick(), pick(), pick()
		if rng.IntN(3) == 0 {
			q.Types = []string{pick(), pick()}
		}
		if rng.IntN(3) == 0 {
			q.Corrected = []index.Correction{{From: pick(), To: pick(), Kind: pick()}}
		}
		if rng.IntN(3) == 0 {
			f := (rng.Float64() - 0.5) * math.Pow(10, float64(rng.IntN(30)-12))
			q.RadiusKM, q.Rings = &f, []float64{f, -f, math.Float64frombits(rng.Uint64() &^ (0x7ff << 52))}
		}
		cases[fmt.Sprintf("random %d", i)] = q
	}
	for name, q := range cases {
		got, err := q.appendJSON(nil)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if want := bytes.TrimSuffix(encodingJSON(t, &q), []byte("\n")); !bytes.Equal(got, want) {
			t.Errorf("%s:\n got %s\nwant %s", name, got, want)
		}
	}
	// Every number of the echo, each in turn made one JSON cannot hold,
	// fails it as it fails encoding/json.
	numbers := 0
	for _, bad := range []float64{math.NaN(), math.Inf(1), math.Inf(-1)} {
		eachFloat(reflect.ValueOf(&full).Elem(), func(v reflect.Value) {
			numbers++
			old := v.Float()
			v.SetFloat(bad)
			defer v.SetFloat(old)
			if _, err := json.Marshal(&full); err == nil {
				t.Fatalf("encoding/json writes %v", bad)
			}
			if got, err := full.appendJSON(nil); err == nil {
				t.Errorf("%v written: %s", bad, got)
			}
		})
	}
	if numbers < 3*16 {
		t.Errorf("only %d numbers made bad in the full echo", numbers/3)
	}
}

// eachFloat calls fn with every float64 reachable from v through
// structs, pointers and slices, settable.
func eachFloat(v reflect.Value, fn func(reflect.Value)) {
	switch v.Kind() {
	case reflect.Float64:
		fn(v)
	case reflect.Pointer:
		if !v.IsNil() {
			eachFloat(v.Elem(), fn)
		}
	case reflect.Struct:
		for i := range v.NumField() {
			eachFloat(v.Field(i), fn)
		}
	case reflect.Slice:
		for i := range v.Len() {
			eachFloat(v.Index(i), fn)
		}
	}
}
