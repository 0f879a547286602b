package ingest

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
)

// Encodings a CSV file may be read in.
const (
	EncodingAuto        = ""             // UTF-8 unless the start of the file is not valid UTF-8
	EncodingUTF8        = "utf-8"        // with or without BOM
	EncodingWindows1252 = "windows-1252" // what French spreadsheets export as "CSV"
	EncodingLatin1      = "latin-1"      // ISO-8859-1
)

// sniffSize is how much of a file encoding and delimiter detection read.
const sniffSize = 64 << 10

// Reason codes for records that cannot be read.
const (
	ReasonMalformedRow  = "malformed_row"
	ReasonMalformedJSON = "malformed_json"
	ReasonBadEncoding   = "bad_encoding"
	ReasonBadGeometry   = "bad_geometry"
)

// ReadOptions control the readers.
type ReadOptions struct {
	Mapping  *Mapping
	Encoding string // one of the Encoding constants
	// Comma forces the CSV delimiter; 0 detects ",", ";" or tab from the
	// header line.
	Comma rune
}

// ReadCSV reads a CSV export with a header row and calls fn once for every
// record, readable or not. It detects the delimiter and the encoding
// (UTF-8 with or without BOM, else Windows-1252) unless told. Headers are
// mapped to canonical fields; unmapped columns are returned so the caller
// can report them.
func ReadCSV(r io.Reader, name string, opts ReadOptions, fn func(Record) error) (unmapped []string, err error) {
	br := bufio.NewReaderSize(r, sniffSize)
	head, _ := br.Peek(sniffSize)
	enc := opts.Encoding
	if enc == EncodingAuto {
		enc = EncodingUTF8
		if !validUTF8Prefix(head) {
			enc = EncodingWindows1252
		}
	}
	var src io.Reader = br
	switch strings.ToLower(enc) {
	case EncodingUTF8, "utf8":
		if bytes.HasPrefix(head, []byte("\ufeff")) {
			br.Discard(3)
		}
	case EncodingWindows1252, "cp1252":
		src = charmap.Windows1252.NewDecoder().Reader(br)
	case EncodingLatin1, "iso-8859-1", "latin1":
		src = charmap.ISO8859_1.NewDecoder().Reader(br)
	default:
		return nil, fmt.Errorf("%s: unknown encoding %q (want utf-8, windows-1252 or latin-1)", name, enc)
	}
	utf8In := strings.HasPrefix(strings.ToLower(enc), "utf")

	comma := opts.Comma
	if comma == 0 {
		comma = detectComma(head)
	}
	cr := csv.NewReader(src)
	cr.Comma = comma
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true

	header, err := cr.Read()
	if err == io.EOF {
		return nil, fmt.Errorf("%s: empty file, no header row", name)
	}
	if err != nil {
		return nil, fmt.Errorf("%s: header row: %w", name, err)
	}
	fields := make([]string, len(header))
	for i, h := range header {
		h = strings.TrimSpace(h)
		fields[i] = opts.Mapping.Field(h)
		if fields[i] == "" && h != "" {
			unmapped = append(unmapped, h)
		}
	}

	for index := 1; ; index++ {
		row, err := cr.Read()
		if err == io.EOF {
			return unmapped, nil
		}
		rec := Record{File: name, Index: index}
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			rec.Line = pe.StartLine
			rec.Err = &FieldError{Field: "row", Reason: ReasonMalformedRow, Message: pe.Err.Error()}
			if pe.Err == csv.ErrQuote || pe.Err == csv.ErrBareQuote {
				rec.Err.Message = fmt.Sprintf("broken quoting at line %d, column %d: %v", pe.Line, pe.Column, pe.Err)
			}
			if ferr := fn(rec); ferr != nil {
				return unmapped, ferr
			}
			continue
		}
		if err != nil {
			return unmapped, fmt.Errorf("%s: %w", name, err)
		}
		rec.Line, _ = cr.FieldPos(0)
		if n := trimEmptyTail(row, len(header)); n != len(header) {
			rec.Err = &FieldError{Field: "row", Reason: ReasonMalformedRow, Value: fmt.Sprint(n),
				Message: fmt.Sprintf("has %d columns, the header has %d", n, len(header))}
		} else {
			for i, v := range row[:len(header)] {
				if utf8In && !utf8.ValidString(v) {
					rec.Err = &FieldError{Field: header[i], Reason: ReasonBadEncoding, Value: strings.ToValidUTF8(v, "?"),
						Message: "is not valid UTF-8: read the file with -encoding windows-1252"}
					break
				}
				if fields[i] != "" && strings.TrimSpace(v) != "" {
					rec.set(fields[i], v)
				}
			}
			if rec.Err != nil {
				rec.Fields = nil
			}
		}
		if ferr := fn(rec); ferr != nil {
			return unmapped, ferr
		}
	}
}

// trimEmptyTail returns the row's length once empty cells beyond want are
// dropped: spreadsheets often pad rows with trailing separators.
func trimEmptyTail(row []string, want int) int {
	n := len(row)
	for n > want && strings.TrimSpace(row[n-1]) == "" {
		n--
	}
	return n
}

// validUTF8Prefix is utf8.Valid, forgiving a rune cut at the end of the
// sniffed window.
func validUTF8Prefix(b []byte) bool {
	if utf8.Valid(b) {
		return true
	}
	for cut := 1; cut < utf8.UTFMax && cut < len(b); cut++ {
		if utf8.Valid(b[:len(b)-cut]) {
			return !utf8.FullRune(b[len(b)-cut:])
		}
	}
	return false
}

// detectComma picks the delimiter that occurs most often, outside quotes,
// on the header line: ",", ";" or tab.
func detectComma(head []byte) rune {
	counts := map[rune]int{}
	quoted := false
	for _, c := range string(head) {
		if c == '"' {
			quoted = !quoted
		}
		if !quoted && (c == '\n' || c == '\r') {
			break
		}
		if !quoted && (c == ',' || c == ';' || c == '\t') {
			counts[c]++
		}
	}
	best := ','
	for _, c := range []rune{';', '\t'} {
		if counts[c] > counts[best] {
			best = c
		}
	}
	return best
}
