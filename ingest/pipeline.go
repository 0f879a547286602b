package ingest

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"strings"
	"sync/atomic"
)

// Formats the pipeline reads.
const (
	FormatCSV     = "csv"
	FormatGeoJSON = "geojson"
	FormatJSON    = "json"
	FormatNDJSON  = "ndjson"
)

// Duplicate-ID policies.
const (
	DuplicatesReject = "reject" // a later record with a seen ID is rejected
	DuplicatesLast   = "last"   // a later record replaces the earlier one
)

// Options configure a pipeline run.
type Options struct {
	Converter
	Read ReadOptions
	// Format forces the reader; "" picks it from each file's extension.
	Format string
	// Duplicates is DuplicatesReject (the default) or DuplicatesLast.
	Duplicates string
	// Progress, when set, is called from time to time with the bytes read
	// so far across files and the records counted.
	Progress func(Progress)
}

// Progress is a snapshot of a running ingest.
type Progress struct {
	File       string
	Bytes      int64 // read so far, all files
	TotalBytes int64 // sum of file sizes, 0 when unknown
	Stats
}

// Sink receives every accepted place in input order. With
// DuplicatesLast a place may arrive again under the same ID: the later
// one wins.
type Sink func(Place) error

// DetectFormat picks a reader from a file name's extension.
func DetectFormat(name string) (string, error) {
	switch strings.ToLower(path.Ext(name)) {
	case ".csv", ".tsv", ".txt":
		return FormatCSV, nil
	case ".geojson":
		return FormatGeoJSON, nil
	case ".json":
		return FormatJSON, nil
	case ".ndjson", ".jsonl", ".geojsonl", ".geojsonseq":
		return FormatNDJSON, nil
	}
	return "", fmt.Errorf("%s: cannot tell the format from the extension; use -format csv, geojson, json or ndjson", name)
}

// Run reads every file of fsys named in names, converts and checks each
// record, sends accepted places to sink and returns the report. Every
// record read is either sent or reported. An error is returned only for
// what stops a file from being read at all (missing file, unknown format)
// or a sink failure.
func Run(ctx context.Context, fsys fs.FS, names []string, opts Options, sink Sink) (*Report, error) {
	if opts.Duplicates == "" {
		opts.Duplicates = DuplicatesReject
	}
	if opts.Duplicates != DuplicatesReject && opts.Duplicates != DuplicatesLast {
		return nil, fmt.Errorf("duplicates policy %q: want reject or last", opts.Duplicates)
	}
	if opts.Trust != "" && opts.Trust != TrustCommune && opts.Trust != TrustPoint {
		return nil, fmt.Errorf("trust %q: want commune or point", opts.Trust)
	}
	r := &run{opts: opts, sink: sink, seen: map[string]seenAt{}, report: &Report{}}
	r.report.GeocodedBy = map[string]int{}
	for _, name := range names {
		if fi, err := fs.Stat(fsys, name); err == nil {
			r.totalBytes += fi.Size()
		}
	}
	for _, name := range names {
		if err := ctx.Err(); err != nil {
			return r.report, err
		}
		if err := r.file(ctx, fsys, name); err != nil {
			return r.report, err
		}
	}
	r.progress("", true)
	return r.report, nil
}

type seenAt struct {
	file        string
	line, index int
	entry       int    // index in report.Files of the file that holds it
	warned      bool   // counted in Warned
	geocoded    string // geocoding step counted, if any
	hours       bool   // counted in WithHours
}

type run struct {
	opts       Options
	sink       Sink
	seen       map[string]seenAt
	report     *Report
	totalBytes int64
	bytesDone  int64
	counter    *countingReader
	lastTick   int
}

// openFile opens a file of fsys and picks its reader: format, or the
// file's extension; a .json file holding an object is GeoJSON.
func openFile(fsys fs.FS, name, format string, wrap func(io.Reader) io.Reader) (io.Reader, string, io.Closer, error) {
	if format == "" {
		var err error
		if format, err = DetectFormat(name); err != nil {
			return nil, "", nil, err
		}
	}
	f, err := fsys.Open(name)
	if err != nil {
		return nil, "", nil, fmt.Errorf("open %s: %w", name, err)
	}
	src := wrap(f)
	if format == FormatJSON {
		// A .json file may hold GeoJSON: look at its type.
		br := bufio.NewReaderSize(src, 4096)
		head, _ := br.Peek(4096)
		if t := strings.TrimLeft(string(head), "\ufeff \t\r\n"); strings.HasPrefix(t, "{") {
			format = FormatGeoJSON
		}
		src = br
	}
	return src, format, f, nil
}

// read runs the reader of format over src.
func read(src io.Reader, name, format string, opts ReadOptions, fn func(Record) error) (unmapped []string, err error) {
	switch format {
	case FormatCSV:
		return ReadCSV(src, name, opts, fn)
	case FormatGeoJSON:
		return nil, ReadGeoJSON(src, name, opts, fn)
	case FormatJSON:
		return nil, ReadJSON(src, name, opts, fn)
	case FormatNDJSON:
		return nil, ReadNDJSON(src, name, opts, fn)
	}
	return nil, fmt.Errorf("%s: unknown format %q: want csv, geojson, json or ndjson", name, format)
}

func (r *run) file(ctx context.Context, fsys fs.FS, name string) error {
	src, format, f, err := openFile(fsys, name, r.opts.Format, func(rd io.Reader) io.Reader {
		r.counter = &countingReader{r: rd}
		return r.counter
	})
	if err != nil {
		return err
	}
	defer f.Close()
	switch format {
	case FormatCSV, FormatGeoJSON, FormatJSON, FormatNDJSON:
	default:
		return fmt.Errorf("%s: unknown format %q: want csv, geojson, json or ndjson", name, format)
	}
	fst := FileStats{File: name, Format: format}
	fileIdx := len(r.report.Files)
	r.report.Files = append(r.report.Files, fst)
	fn := func(rec Record) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		return r.record(&rec, fileIdx)
	}
	unmapped, err := read(src, name, format, r.opts.Read, fn)
	for _, h := range unmapped {
		r.report.Entries = append(r.report.Entries, Entry{File: name, Line: 1, Severity: SeverityWarning, Field: h,
			Reason: ReasonUnmappedColumn, Message: "column not recognised; its values are not indexed (add it to a mapping file)"})
	}
	r.bytesDone += r.counter.n.Load()
	r.counter = nil
	var stop *sinkError
	if errors.As(err, &stop) {
		return stop.err
	}
	if err != nil && ctx.Err() != nil {
		return ctx.Err()
	}
	if err != nil {
		// The file could not be read as a whole (no header, not JSON):
		// say so in the report, with nothing indexed from it.
		r.report.Entries = append(r.report.Entries, Entry{File: name, Severity: SeverityRejected, Field: "file",
			Reason: ReasonMalformedRow, Message: err.Error()})
		r.report.Files[fileIdx].Rejected++
		r.report.Files[fileIdx].Read++
		r.report.Read++
		r.report.Rejected++
	}
	return nil
}

type sinkError struct{ err error }

func (e *sinkError) Error() string { return e.err.Error() }

func (r *run) record(rec *Record, fileIdx int) error {
	fst := &r.report.Files[fileIdx]
	fst.Read++
	r.report.Read++
	p, problems, step, ok := r.opts.Converter.Convert(rec)
	id := p.ID
	if id == "" {
		id = rec.Get(FieldID)
	}
	if ok {
		if prev, dup := r.seen[p.ID]; dup {
			if r.opts.Duplicates == DuplicatesReject {
				problems = append(problems, Problem{Field: FieldID, Reason: ReasonDuplicateID, Value: p.ID, Reject: true,
					Message: fmt.Sprintf("already used at %s:%d; this record is rejected (-duplicates last keeps the last one)", prev.file, prev.line)})
				ok = false
			} else {
				r.report.Entries = append(r.report.Entries, Entry{File: prev.file, Line: prev.line, Record: prev.index, ID: p.ID,
					Severity: SeverityRejected, Field: FieldID, Reason: ReasonDuplicateID, Value: p.ID,
					Message: fmt.Sprintf("replaced by the record at %s:%d with the same id", rec.File, rec.Line)})
				// The earlier record is no longer indexed: move it from the
				// indexed counts to the rejected ones.
				pf := &r.report.Files[prev.entry]
				r.report.Rejected++
				pf.Rejected++
				r.report.Indexed--
				pf.Indexed--
				if prev.warned {
					r.report.Warned--
					pf.Warned--
				}
				if prev.hours {
					r.report.WithHours--
					pf.WithHours--
				}
				if prev.geocoded != "" {
					r.report.Geocoded--
					pf.Geocoded--
					r.report.GeocodedBy[prev.geocoded]--
					if r.report.GeocodedBy[prev.geocoded] == 0 {
						delete(r.report.GeocodedBy, prev.geocoded)
					}
				}
			}
		}
	}
	warned := false
	for _, pr := range problems {
		sev := SeverityWarning
		if pr.Reject {
			sev = SeverityRejected
		} else {
			warned = true
		}
		r.report.Entries = append(r.report.Entries, Entry{File: rec.File, Line: rec.Line, Record: max(rec.Index, 0), ID: id,
			Severity: sev, Field: pr.Field, Reason: pr.Reason, Value: pr.Value, Message: pr.Message})
	}
	if !ok {
		fst.Rejected++
		r.report.Rejected++
		r.progress(rec.File, false)
		return nil
	}
	hasHours := p.OpeningHours != ""
	r.seen[p.ID] = seenAt{file: rec.File, line: rec.Line, index: rec.Index, entry: fileIdx, warned: warned, geocoded: step, hours: hasHours}
	fst.Indexed++
	r.report.Indexed++
	if hasHours {
		fst.WithHours++
		r.report.WithHours++
	}
	if warned {
		fst.Warned++
		r.report.Warned++
	}
	if step != "" {
		fst.Geocoded++
		r.report.Geocoded++
		r.report.GeocodedBy[step]++
	}
	if err := r.sink(p); err != nil {
		return &sinkError{err}
	}
	r.progress(rec.File, false)
	return nil
}

// progress reports every 1,000 records, and once at the end.
func (r *run) progress(file string, final bool) {
	if r.opts.Progress == nil {
		return
	}
	if !final && r.report.Read-r.lastTick < 1000 {
		return
	}
	r.lastTick = r.report.Read
	b := r.bytesDone
	if r.counter != nil {
		b += r.counter.n.Load()
	}
	r.opts.Progress(Progress{File: file, Bytes: b, TotalBytes: r.totalBytes, Stats: r.report.Stats})
}

type countingReader struct {
	r io.Reader
	n atomic.Int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n.Add(int64(n))
	return n, err
}
