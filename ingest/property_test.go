package ingest_test

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"sort"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"

	"golang.org/x/text/encoding/charmap"

	"github.com/tierslieux/tierslieux/geo/gazetteer"
	"github.com/tierslieux/tierslieux/ingest"
)

// MustOccitanieCommunes returns the current communes of Occitanie that
// have their own point.
func MustOccitanieCommunes(tb testing.TB) []gazetteer.Commune {
	tb.Helper()
	var out []gazetteer.Commune
	for _, c := range MustGazetteer(tb).Communes() {
		if c.Region == gazetteer.Occitanie && c.Status == gazetteer.Current && c.HasPoint() && !c.Approximate() {
			out = append(out, c)
		}
	}
	if len(out) < 500 {
		tb.Fatalf("only %d communes in Occitanie with a point", len(out))
	}
	return out
}

// Faults a generated record may carry. Every one of them gets the record
// rejected, with the reason given.
type fault int

const (
	faultNone fault = iota
	faultNoName
	faultBadLat
	faultSwapped
	faultUnknownCommune
	faultDuplicateID
	faultColumns // CSV only
	faultBadJSON // NDJSON only: an invalid line inserted before the record
)

var faultReason = map[fault]string{
	faultNoName:         ingest.ReasonMissingName,
	faultBadLat:         ingest.ReasonBadCoordinate,
	faultSwapped:        ingest.ReasonOutsideArea,
	faultUnknownCommune: ingest.ReasonUnknownCommune,
	faultDuplicateID:    ingest.ReasonDuplicateID,
	faultColumns:        ingest.ReasonMalformedRow,
	faultBadJSON:        ingest.ReasonMalformedJSON,
}

// genPlace is one generated record, its values as they will be written.
type genPlace struct {
	id, name                  string
	types, services           []string
	lat, lon                  string
	commune, postcode, insee  string
	latNum, lonNum            float64
	numeric, columns, badJSON bool
}

// genFile is a generated export and what the pipeline must make of it.
type genFile struct {
	name     string
	data     []byte
	records  int            // records written, the invalid JSON lines included
	rejected map[int]string // record number → reason of its rejection
	faults   map[fault]int  // faults injected, by kind
	valid    []string       // ids that must reach the sink, in order
}

type generator struct {
	rng      *rand.Rand
	g        *gazetteer.Gazetteer
	communes []gazetteer.Commune
	validIDs []string // ids accepted so far, across files
}

var garbledLats = []string{"44.3x", "N44", "quarante-quatre", "44..35", "NaN", "44°21'", "4 4"}

func (gen *generator) pick(list []string) string { return list[gen.rng.IntN(len(list))] }

// unknownCommune makes up a name no commune has.
func (gen *generator) unknownCommune() string {
	const letters = "bcdfghjklmnpqrstvwxz"
	for {
		var b strings.Builder
		b.WriteString("Zq")
		for range 6 {
			b.WriteByte(letters[gen.rng.IntN(len(letters))])
		}
		b.WriteString("-sur-Quix")
		name := b.String()
		known := false
		for _, m := range gen.g.Lookup(name, 0) {
			known = known || m.Commune != nil
		}
		if !known {
			return name
		}
	}
}

func (gen *generator) vocabulary(terms []ingest.Term, n int) []string {
	var out []string
	for range n {
		t := terms[gen.rng.IntN(len(terms))]
		out = append(out, gen.pick(append([]string{t.FR, t.EN}, t.Synonyms...)))
	}
	return out
}

// place generates a valid record, then maybe spoils it with one fault
// among allowed.
func (gen *generator) place(prefix string, i int, allowed []fault) (genPlace, fault) {
	c := gen.communes[gen.rng.IntN(len(gen.communes))]
	p := genPlace{
		id:       fmt.Sprintf("%s-%03d", prefix, i),
		name:     fmt.Sprintf("%s de %s n°%d", gen.pick([]string{"Tiers-lieu", "La Fabrique", "Cowork", "L'Atelier", "Espace numérique"}), c.Name, i),
		types:    gen.vocabulary(ingest.Types, 1+gen.rng.IntN(2)),
		services: gen.vocabulary(ingest.Services, gen.rng.IntN(4)),
		commune:  c.Name,
		numeric:  gen.rng.IntN(2) == 0,
	}
	if gen.rng.IntN(5) == 0 {
		p.types = append(p.types, "Ressourcerie") // a warning, not a fault
	}
	if len(c.Postcodes) > 0 && gen.rng.IntN(3) > 0 {
		p.postcode = c.Postcodes[0]
	}
	withPoint := func() {
		p.latNum = c.Lat + (gen.rng.Float64()-0.5)/50
		p.lonNum = c.Lon + (gen.rng.Float64()-0.5)/50
		p.lat = strconv.FormatFloat(p.latNum, 'f', 5, 64)
		p.lon = strconv.FormatFloat(p.lonNum, 'f', 5, 64)
	}
	if gen.rng.IntN(8) == 0 {
		p.insee = c.INSEE // no coordinates: geocoded from the code
	} else {
		withPoint()
	}

	f := faultNone
	if gen.rng.IntN(5) == 0 {
		f = allowed[gen.rng.IntN(len(allowed))]
	}
	switch f {
	case faultNoName:
		p.name = gen.pick([]string{"", "   "})
	case faultBadLat:
		if p.lat == "" {
			withPoint()
		}
		p.lat, p.numeric = gen.pick(garbledLats), false
	case faultSwapped:
		if p.lat == "" {
			withPoint()
		}
		p.lat, p.lon = p.lon, p.lat
		p.latNum, p.lonNum = p.lonNum, p.latNum
	case faultUnknownCommune:
		p.lat, p.lon, p.insee, p.postcode = "", "", "", ""
		p.commune = gen.unknownCommune()
	case faultDuplicateID:
		if len(gen.validIDs) == 0 {
			f = faultNone
			break
		}
		p.id = gen.pick(gen.validIDs)
	case faultColumns:
		p.columns = true
	case faultBadJSON:
		p.badJSON = true
	}
	if f == faultNone || f == faultBadJSON {
		gen.validIDs = append(gen.validIDs, p.id)
	}
	return p, f
}

// csvFile generates a CSV export of n places: English or French headers,
// "," or ";" (with decimal commas), UTF-8, UTF-8 with BOM or
// Windows-1252.
func (gen *generator) csvFile(name string, n int) genFile {
	out := genFile{name: name, rejected: map[int]string{}, faults: map[fault]int{}}
	headers := [][]string{
		{"id", "name", "type", "services", "lat", "lng", "city", "zip", "insee"},
		{"identifiant", "nom", "typologie", "équipements", "latitude", "longitude", "commune", "code_postal", "code_insee"},
	}[gen.rng.IntN(2)]
	comma := []rune{',', ';'}[gen.rng.IntN(2)]
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	w.Comma = comma
	w.Write(headers)
	allowed := []fault{faultNoName, faultBadLat, faultSwapped, faultUnknownCommune, faultDuplicateID, faultColumns}
	for i := range n {
		p, f := gen.place("csv", i, allowed)
		lat, lon := p.lat, p.lon
		if comma == ';' {
			lat, lon = strings.Replace(lat, ".", ",", 1), strings.Replace(lon, ".", ",", 1)
		}
		row := []string{p.id, p.name, strings.Join(p.types, "|"), strings.Join(p.services, "|"), lat, lon, p.commune, p.postcode, p.insee}
		if p.columns {
			if gen.rng.IntN(2) == 0 {
				row = append(row, "en trop", "encore")
			} else {
				row = row[:5]
			}
		}
		w.Write(row)
		out.records++
		if f != faultNone {
			out.rejected[out.records] = faultReason[f]
			out.faults[f]++
		} else {
			out.valid = append(out.valid, p.id)
		}
	}
	w.Flush()
	data := buf.Bytes()
	switch gen.rng.IntN(3) {
	case 1:
		data = append([]byte("\ufeff"), data...)
	case 2:
		if b, err := charmap.Windows1252.NewEncoder().Bytes(data); err == nil {
			data = b
		}
	}
	out.data = data
	return out
}

// ndjsonFile generates an NDJSON export of n places, with blank lines and
// invalid JSON lines here and there.
func (gen *generator) ndjsonFile(name string, n int) genFile {
	out := genFile{name: name, rejected: map[int]string{}, faults: map[fault]int{}}
	var buf bytes.Buffer
	allowed := []fault{faultNoName, faultBadLat, faultSwapped, faultUnknownCommune, faultDuplicateID, faultBadJSON}
	brokenLines := []string{
		`{"id": "cassé", "nom": "Le Relais", "typologie": "Coworking",`,
		`{"nom": 'Le Relais'}`,
		`{"nom" "Le Relais"}`,
		`Le Relais;Albi;43.9`,
		`{"nom": "Le Relais"}}`,
	}
	for i := range n {
		p, f := gen.place("nd", i, allowed)
		if gen.rng.IntN(20) == 0 {
			buf.WriteString("\n")
		}
		if p.badJSON {
			buf.WriteString(gen.pick(brokenLines) + "\n")
			out.records++
			out.rejected[out.records] = faultReason[faultBadJSON]
			out.faults[faultBadJSON]++
		}
		obj := map[string]any{}
		set := func(keys []string, v any) { obj[gen.pick(keys)] = v }
		set([]string{"id", "identifiant"}, p.id)
		if p.name != "" {
			set([]string{"nom", "name"}, p.name)
		}
		if gen.rng.IntN(2) == 0 {
			set([]string{"typologie", "types"}, p.types)
		} else {
			set([]string{"typologie", "types"}, strings.Join(p.types, "|"))
		}
		if len(p.services) > 0 {
			set([]string{"equipements", "services"}, p.services)
		}
		switch {
		case p.lat != "" && p.numeric:
			obj["latitude"], obj["longitude"] = p.latNum, p.lonNum
		case p.lat != "":
			obj["latitude"], obj["longitude"] = p.lat, p.lon
		}
		set([]string{"commune", "ville"}, p.commune)
		if p.postcode != "" {
			set([]string{"cp", "code_postal"}, p.postcode)
		}
		if p.insee != "" {
			obj["code_insee"] = p.insee
		}
		b, err := json.Marshal(obj)
		if err != nil {
			panic(err)
		}
		buf.Write(b)
		buf.WriteString("\n")
		out.records++
		if f != faultNone && f != faultBadJSON {
			out.rejected[out.records] = faultReason[f]
			out.faults[f]++
		} else {
			out.valid = append(out.valid, p.id)
		}
	}
	out.data = buf.Bytes()
	return out
}

// TestPipelineProperties generates exports with known faults and checks
// that every record is accounted for: each fault rejected once, with its
// reason, every other record indexed once.
func TestPipelineProperties(t *testing.T) {
	g := MustGazetteer(t)
	communes := MustOccitanieCommunes(t)
	for seed := range uint64(20) {
		t.Run(fmt.Sprintf("seed %d", seed), func(t *testing.T) {
			gen := &generator{rng: rand.New(rand.NewPCG(seed, 0x7131e5)), g: g, communes: communes}
			files := []genFile{gen.csvFile("lieux.csv", 200), gen.ndjsonFile("lieux.ndjson", 200)}
			mfs := fstest.MapFS{}
			var names, wantValid []string
			wantRead, wantRejected := 0, 0
			for _, f := range files {
				mfs[f.name] = &fstest.MapFile{Data: f.data}
				names = append(names, f.name)
				wantRead += f.records
				wantRejected += len(f.rejected)
				wantValid = append(wantValid, f.valid...)
			}
			injected := 0
			for _, f := range files {
				for _, n := range f.faults {
					injected += n
				}
			}
			if injected < 40 || injected > 130 {
				t.Fatalf("%d faults injected in 400 records: the generator is off", injected)
			}

			rep, places := MustRun(t, mfs, names, MustOptions(t))
			t.Logf("%d records, faults %v %v, %d indexed, %d geocoded, %d warned", rep.Read, files[0].faults, files[1].faults, rep.Indexed, rep.Geocoded, rep.Warned)

			if rep.Read != wantRead {
				t.Errorf("read %d records, %d written", rep.Read, wantRead)
			}
			if rep.Indexed+rep.Rejected != rep.Read {
				t.Errorf("indexed %d + rejected %d != read %d", rep.Indexed, rep.Rejected, rep.Read)
			}
			if rep.Rejected != injected || rep.Rejected != wantRejected {
				t.Errorf("rejected %d, %d faults injected", rep.Rejected, injected)
			}
			if rep.Indexed != len(wantValid) {
				t.Errorf("indexed %d, want %d", rep.Indexed, len(wantValid))
			}
			for i, f := range files {
				fs := rep.Files[i]
				if fs.File != f.name || fs.Read != f.records || fs.Rejected != len(f.rejected) || fs.Indexed != len(f.valid) {
					t.Errorf("%s: %+v; want read %d, rejected %d, indexed %d", f.name, fs, f.records, len(f.rejected), len(f.valid))
				}
			}

			// Each rejection at the record where the fault was put, with
			// the fault's reason.
			type at struct {
				file   string
				record int
			}
			want := map[at]string{}
			for _, f := range files {
				for n, reason := range f.rejected {
					want[at{f.name, n}] = reason
				}
			}
			got := map[at]string{}
			for _, e := range rep.Entries {
				if e.Severity != ingest.SeverityRejected {
					continue
				}
				k := at{e.File, e.Record}
				if prev, dup := got[k]; dup {
					t.Errorf("%s record %d rejected twice: %s and %s (%s)", e.File, e.Record, prev, e.Reason, e.Message)
				}
				got[k] = e.Reason
				if want[k] != e.Reason {
					t.Errorf("%s record %d (line %d): rejected %s (%s: %s), want %q", e.File, e.Record, e.Line, e.Reason, e.Field, e.Message, want[k])
				}
			}
			for k, reason := range want {
				if _, ok := got[k]; !ok {
					t.Errorf("%s record %d: fault %s not reported", k.file, k.record, reason)
				}
			}

			// Every indexed id reaches the sink exactly once, in order.
			var sent []string
			count := map[string]int{}
			for _, p := range places {
				sent = append(sent, p.ID)
				count[p.ID]++
				if errs := p.Validate(); len(errs) > 0 {
					t.Errorf("place %s: %v", p.ID, errs)
				}
				if !ingest.OccitanieArea.Contains(p.Lon, p.Lat) {
					t.Errorf("place %s at (%v, %v), outside Occitanie", p.ID, p.Lon, p.Lat)
				}
			}
			for id, n := range count {
				if n != 1 {
					t.Errorf("id %s sent %d times", id, n)
				}
			}
			if strings.Join(sent, " ") != strings.Join(wantValid, " ") {
				a, b := append([]string(nil), sent...), append([]string(nil), wantValid...)
				sort.Strings(a)
				sort.Strings(b)
				t.Errorf("sink got %d ids, want %d; same set: %v", len(sent), len(wantValid), strings.Join(a, " ") == strings.Join(b, " "))
			}
		})
	}
}
