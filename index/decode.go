package index

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"runtime"
	"sync"

	jsonv2 "github.com/go-json-experiment/json"

	"github.com/tierslieux/tierslieux/ingest"
)

// decodePlaces decodes places.jsonl held in memory, one place a line, on
// every core: decoding JSON is most of the time a server takes to open a
// large index. It decodes with the encoding/json/v2 prototype, which reads
// these lines 2.5 to 4 times as fast as encoding/json (same places:
// TestDecodeAgrees), and is stricter: invalid UTF-8 or a name given twice,
// which no ingest writes, make the line an error. Each place is validated; the first line that does not
// decode or validate is the error, as a scan would report it.
func decodePlaces(data []byte, want int) ([]ingest.Place, error) {
	var lines [][]byte
	if want > 0 {
		lines = make([][]byte, 0, want)
	}
	for len(data) > 0 {
		i := bytes.IndexByte(data, '\n')
		var line []byte
		if i < 0 {
			line, data = data, nil
		} else {
			line, data = data[:i], data[i+1:]
		}
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		lines = append(lines, line)
	}
	places := make([]ingest.Place, len(lines))
	errs := make([]error, len(lines))
	workers := runtime.GOMAXPROCS(0)
	chunk := (len(lines) + workers - 1) / max(workers, 1)
	var wg sync.WaitGroup
	for w := 0; w < workers && w*chunk < len(lines); w++ {
		wg.Add(1)
		go func(lo, hi int) {
			defer wg.Done()
			for i := lo; i < hi; i++ {
				p := &places[i]
				if err := jsonv2.Unmarshal(lines[i], p); err != nil {
					errs[i] = fmt.Errorf("place %d: %w", i+1, err)
					return
				}
				if ve := p.Validate(); len(ve) > 0 {
					errs[i] = fmt.Errorf("place %d (%q): %w", i+1, p.ID, ve[0])
					return
				}
			}
		}(w*chunk, min((w+1)*chunk, len(lines)))
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	return places, nil
}

// scanPlaces decodes a places file, one place a line, and passes each
// to fn with the first reason it is invalid (nil when valid); an error
// from fn stops the scan, as does one from decoding. It returns the
// number of places decoded. Everything read goes through sum, and after
// a stop the rest of the file too, so its size and checksums can still
// be compared.
func scanPlaces(r io.Reader, sum io.Writer, fn func(n int, p *ingest.Place, invalid error) error) (int, error) {
	tee := io.TeeReader(r, sum)
	dec := json.NewDecoder(bufio.NewReaderSize(tee, 1<<20))
	n := 0
	for {
		var p ingest.Place
		err := dec.Decode(&p)
		if err == io.EOF {
			return n, nil
		}
		if err != nil {
			io.Copy(io.Discard, tee)
			return n, fmt.Errorf("place %d: %w", n+1, err)
		}
		n++
		// What ingest wrote holds the invariants of a place; anything else
		// is a damaged file, not data to serve.
		var invalid error
		if errs := p.Validate(); len(errs) > 0 {
			invalid = fmt.Errorf("place %d (%q): %w", n, p.ID, errs[0])
		}
		if err := fn(n, &p, invalid); err != nil {
			io.Copy(io.Discard, tee)
			return n, err
		}
	}
}
