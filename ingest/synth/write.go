package synth

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"strconv"
	"strings"

	"github.com/tierslieux/tierslieux/ingest"
)

// csvHeader is in French, as the network's spreadsheets are; the ingest
// pipeline maps it without configuration.
var csvHeader = []string{"identifiant", "nom", "typologie", "services", "description", "adresse", "code_postal", "commune", "code_insee", "latitude", "longitude", "site", "horaires", "annee_labellisation", "demo"}

// Write writes n places from gen in a format the ingest pipeline reads:
// csv (";"-separated, decimal commas, as French spreadsheets export),
// geojson, json or ndjson.
func Write(w io.Writer, format string, gen *Generator, n int) error {
	bw := bufio.NewWriterSize(w, 1<<20)
	var err error
	switch format {
	case ingest.FormatCSV:
		err = writeCSV(bw, gen, n)
	case ingest.FormatGeoJSON:
		err = writeJSONSeq(bw, gen, n, "{\"type\":\"FeatureCollection\",\"features\":[\n", "]}\n", ",\n", feature)
	case ingest.FormatJSON:
		err = writeJSONSeq(bw, gen, n, "[\n", "]\n", ",\n", func(p *ingest.Place) any { return p })
	case ingest.FormatNDJSON:
		err = writeJSONSeq(bw, gen, n, "", "", "\n", func(p *ingest.Place) any { return p })
		if err == nil && n > 0 {
			_, err = bw.WriteString("\n")
		}
	default:
		return fmt.Errorf("unknown format %q: want csv, geojson, json or ndjson", format)
	}
	if err != nil {
		return err
	}
	return bw.Flush()
}

func writeCSV(w io.Writer, gen *Generator, n int) error {
	cw := csv.NewWriter(w)
	cw.Comma = ';'
	cw.Write(csvHeader)
	comma := func(f float64) string { return strings.Replace(strconv.FormatFloat(f, 'f', -1, 64), ".", ",", 1) }
	for i := 0; i < n; i++ {
		p := gen.exported(gen.Next())
		cw.Write([]string{p.ID, p.Name, strings.Join(p.Types, "|"), strings.Join(p.Services, "|"), p.Description,
			p.Address, p.Postcode, p.Commune, p.INSEE, comma(p.Lat), comma(p.Lon), p.Website, p.OpeningHours,
			strconv.Itoa(p.LabelYear), strconv.FormatBool(p.Demo)})
	}
	cw.Flush()
	return cw.Error()
}

func writeJSONSeq(w *bufio.Writer, gen *Generator, n int, open, close, sep string, shape func(*ingest.Place) any) error {
	w.WriteString(open)
	for i := 0; i < n; i++ {
		p := gen.exported(gen.Next())
		b, err := json.Marshal(shape(&p))
		if err != nil {
			return err
		}
		if i > 0 {
			w.WriteString(sep)
		}
		w.Write(b)
	}
	_, err := w.WriteString(close)
	return err
}

func feature(p *ingest.Place) any {
	props := *p
	props.Lon, props.Lat = 0, 0
	type properties struct {
		ingest.Place
		Lon float64 `json:"lon,omitempty"`
		Lat float64 `json:"lat,omitempty"`
	}
	return map[string]any{
		"type":       "Feature",
		"geometry":   map[string]any{"type": "Point", "coordinates": []float64{p.Lon, p.Lat}},
		"properties": properties{Place: props},
	}
}

// decorations are words exports put around a service ("accompagnement
// aux démarches en ligne", "accès à l'imprimante 3D"); most phrases have
// none.
var decorations = []string{"", "", "", "", "accompagnement aux ", "mise à disposition d'", "service ", "avec ", "atelier "}

// exported is p as an export writes it: each service as one of the
// phrases people use for it (a label, a synonym, maybe with words
// around), not as its ID. The choice is drawn from the place's own
// number, so a file is the same for the same seed.
func (gen *Generator) exported(p ingest.Place) ingest.Place {
	r := rand.New(rand.NewPCG(gen.seed, uint64(gen.n)))
	phrases := make([]string, len(p.Services))
	for i, id := range p.Services {
		t, _ := ingest.ServiceTerm(id)
		forms := append([]string{t.FR, t.EN}, t.Synonyms...)
		phrases[i] = decorations[r.IntN(len(decorations))] + forms[r.IntN(len(forms))]
	}
	p.Services = phrases
	return p
}
