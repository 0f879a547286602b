package ingest

import (
	"bufio"
	"bytes"
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
	// Header, when set, is told how the columns are read: once, after the
	// header row of a CSV file; for JSON, with every object's keys.
	Header func(Columns)
}

// ReadCSV reads a CSV export with a header row and calls fn once for every
// record, readable or not. It detects the delimiter and the encoding
// (UTF-8 with or without BOM, else Windows-1252) unless told. Headers are
// mapped to canonical fields; unmapped columns are returned so the caller
// can report them.
func ReadCSV(r io.Reader, name string, opts ReadOptions, fn func(Record) error) (unmapped []string, err error) {
	br := bufio.NewReaderSize(r, sniffSize)
	head, peekErr := br.Peek(sniffSize)
	enc := opts.Encoding
	if enc == EncodingAuto {
		enc = EncodingUTF8
		if !validUTF8Prefix(head, peekErr == nil) {
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
	rr := &recordReader{r: bufio.NewReaderSize(src, 64<<10), comma: comma}

	header, _, err := rr.next()
	if err == io.EOF {
		return nil, fmt.Errorf("%s: empty file, no header row", name)
	}
	if err != nil {
		return nil, fmt.Errorf("%s: header row: %w", name, err)
	}
	for i, h := range header {
		header[i] = strings.TrimSpace(h)
	}
	cols := opts.columns(header)
	cols.Comma, cols.Encoding = comma, strings.ToLower(enc)
	if opts.Header != nil {
		opts.Header(cols)
	}
	shape := cols.Shape.name()
	fields := make([]string, len(header))
	for i, c := range cols.Columns {
		fields[i] = c.Field
		if fields[i] == "" && c.Header != "" {
			unmapped = append(unmapped, c.Header)
		}
	}

	for index := 1; ; index++ {
		row, line, err := rr.next()
		if err == io.EOF {
			return unmapped, nil
		}
		rec := Record{File: name, Index: index, Line: line, Shape: shape}
		var pe *rowError
		switch {
		case errors.As(err, &pe):
			rec.Err = &FieldError{Field: "row", Reason: ReasonMalformedRow, Message: pe.msg}
		case err != nil:
			return unmapped, fmt.Errorf("%s: %w", name, err)
		case trimEmptyTail(row, len(header)) != len(header):
			n := trimEmptyTail(row, len(header))
			rec.Err = &FieldError{Field: "row", Reason: ReasonMalformedRow, Value: fmt.Sprint(n),
				Message: fmt.Sprintf("has %d columns, the header has %d", n, len(header))}
		default:
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

// Limits on one CSV record: a quoted field may span lines, but an
// unclosed quote must not swallow the rest of the file.
const (
	maxRecordLines = 200
	maxRecordBytes = 1 << 20
)

type rowError struct{ msg string }

func (e *rowError) Error() string { return e.msg }

// recordReader reads CSV records line by line, so a broken row costs only
// itself: a record whose quotes never close within maxRecordLines (or by
// the end of the file) is reported on its first line, and reading resumes
// on the next one.
type recordReader struct {
	r       *bufio.Reader
	comma   rune
	line    int      // lines consumed from r
	pending []string // lines read ahead, not yet part of a record
	start   int      // line number of pending[0]
	eof     bool
}

func (rr *recordReader) readLine() (string, bool, error) {
	if rr.eof {
		return "", false, nil
	}
	s, err := rr.r.ReadString('\n')
	if err == io.EOF {
		rr.eof = true
		if s == "" {
			return "", false, nil
		}
	} else if err != nil {
		return "", false, err
	}
	rr.line++
	return strings.TrimRight(s, "\r\n"), true, nil
}

// next returns the next record's fields and the line it starts on; io.EOF
// at the end. Blank lines are skipped.
func (rr *recordReader) next() ([]string, int, error) {
	for {
		if len(rr.pending) == 0 {
			l, ok, err := rr.readLine()
			if err != nil {
				return nil, 0, err
			}
			if !ok {
				return nil, 0, io.EOF
			}
			rr.pending = append(rr.pending, l)
			rr.start = rr.line
		}
		if strings.TrimSpace(rr.pending[0]) == "" && len(rr.pending) == 1 {
			rr.pending = rr.pending[:0]
			continue
		}
		// Gather lines until the quotes balance.
		n := 1
		size := len(rr.pending[0])
		quotes := strings.Count(rr.pending[0], `"`)
		for quotes%2 == 1 && n < maxRecordLines && size < maxRecordBytes {
			if n == len(rr.pending) {
				l, ok, err := rr.readLine()
				if err != nil {
					return nil, 0, err
				}
				if !ok {
					break
				}
				rr.pending = append(rr.pending, l)
			}
			quotes += strings.Count(rr.pending[n], `"`)
			size += len(rr.pending[n])
			n++
		}
		line := rr.start
		if quotes%2 == 1 {
			// Never closed: the first line alone is the broken row.
			rr.pending = rr.pending[1:]
			rr.start++
			return nil, line, &rowError{msg: fmt.Sprintf("broken quoting at line %d: a quoted field is never closed", line)}
		}
		text := strings.Join(rr.pending[:n], "\n")
		row, err := splitRecord(text, rr.comma)
		if err != nil {
			// A stray quote may have pulled the next lines in: report the
			// first line alone and read the others again as records.
			rr.pending = rr.pending[1:]
			rr.start++
			return nil, line, &rowError{msg: fmt.Sprintf("broken quoting at line %d: %v", line, err)}
		}
		rr.pending = rr.pending[n:]
		rr.start += n
		return row, line, nil
	}
}

// splitRecord splits one CSV record (RFC 4180: fields may be quoted, with
// "" for a quote inside). A quote inside an unquoted field, or text after
// a closing quote, is an error.
func splitRecord(s string, comma rune) ([]string, error) {
	var fields []string
	var b strings.Builder
	i := 0
	for {
		b.Reset()
		if i < len(s) && s[i] == '"' {
			i++
			for {
				j := strings.IndexByte(s[i:], '"')
				if j < 0 {
					return nil, errors.New("a quoted field is never closed")
				}
				b.WriteString(s[i : i+j])
				i += j + 1
				if i < len(s) && s[i] == '"' {
					b.WriteByte('"')
					i++
					continue
				}
				break
			}
			if i < len(s) {
				r, size := utf8.DecodeRuneInString(s[i:])
				if r != comma {
					return nil, fmt.Errorf("text after the closing quote of field %d", len(fields)+1)
				}
				i += size
				fields = append(fields, b.String())
				continue
			}
			fields = append(fields, b.String())
			return fields, nil
		}
		j := strings.IndexRune(s[i:], comma)
		field := s[i:]
		if j >= 0 {
			field = s[i : i+j]
		}
		if strings.Contains(field, `"`) {
			return nil, fmt.Errorf("a quote inside unquoted field %d", len(fields)+1)
		}
		fields = append(fields, field)
		if j < 0 {
			return fields, nil
		}
		i += j + utf8.RuneLen(comma)
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
// sniffed window when the file goes on beyond it.
func validUTF8Prefix(b []byte, more bool) bool {
	if utf8.Valid(b) {
		return true
	}
	if !more {
		return false
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
