package ingest

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strconv"
)

// Severities of report entries.
const (
	SeverityRejected = "rejected"
	SeverityWarning  = "warning"
)

// Entry is one line of an ingest report: a record rejected, or a warning
// about a record that was indexed. File-level warnings have no line.
type Entry struct {
	File     string `json:"file"`
	Line     int    `json:"line,omitempty"`
	Record   int    `json:"record,omitempty"`
	ID       string `json:"id,omitempty"`
	Severity string `json:"severity"`
	Field    string `json:"field"`
	Reason   string `json:"reason"`
	Value    string `json:"value,omitempty"`
	Message  string `json:"message"`
}

// Stats counts what an ingest did. Read = Indexed + Rejected always holds.
type Stats struct {
	Read     int `json:"read"`
	Indexed  int `json:"indexed"`
	Rejected int `json:"rejected"`
	// Warned counts indexed records with at least one warning.
	Warned int `json:"warned"`
	// Geocoded counts indexed records whose point came from the gazetteer,
	// by step (insee, postcode+commune, commune, postcode).
	Geocoded   int            `json:"geocoded"`
	GeocodedBy map[string]int `json:"geocoded_by,omitempty"`
	// WithHours counts indexed places whose opening hours are usable: an
	// opening_hours value that hours.Parse reads.
	WithHours int `json:"with_hours"`
}

// FileStats are the Stats of one input file.
type FileStats struct {
	File   string `json:"file"`
	Format string `json:"format"`
	Stats
}

// Report is the full account of an ingest: totals, per file, and every
// rejection and warning.
type Report struct {
	Stats
	Files   []FileStats `json:"files"`
	Entries []Entry     `json:"entries"`
}

// WriteJSON writes the report as indented JSON.
func (r *Report) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}

var reportHeader = []string{"file", "line", "record", "id", "severity", "field", "reason", "value", "message"}

// WriteCSV writes the entries as CSV, one per line, with a header row.
func (r *Report) WriteCSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	cw.Write(reportHeader)
	for _, e := range r.Entries {
		line, rec := "", ""
		if e.Line > 0 {
			line = strconv.Itoa(e.Line)
		}
		if e.Record > 0 {
			rec = strconv.Itoa(e.Record)
		}
		cw.Write([]string{e.File, line, rec, e.ID, e.Severity, e.Field, e.Reason, e.Value, e.Message})
	}
	cw.Flush()
	return cw.Error()
}

// WriteSummary prints the totals and the most frequent reasons, for a
// terminal.
func (r *Report) WriteSummary(w io.Writer) error {
	geo := ""
	if r.Geocoded > 0 {
		var parts []string
		for _, step := range []string{GeocodedINSEE, GeocodedPostcode, GeocodedCommune, GeocodedOnlyCP, GeocodedName} {
			if n := r.GeocodedBy[step]; n > 0 {
				parts = append(parts, fmt.Sprintf("%s %d", step, n))
			}
		}
		geo = fmt.Sprintf(" (%s)", join(parts))
	}
	_, err := fmt.Fprintf(w, "read %d, indexed %d, geocoded %d%s, warned %d, rejected %d\n",
		r.Read, r.Indexed, r.Geocoded, geo, r.Warned, r.Rejected)
	if err != nil {
		return err
	}
	if r.WithHours > 0 || r.hoursWarned() {
		fmt.Fprintf(w, "  hours: %d of %d indexed places have usable opening hours\n", r.WithHours, r.Indexed)
	}
	if len(r.Files) > 1 {
		for _, f := range r.Files {
			fmt.Fprintf(w, "  %s (%s): read %d, indexed %d, rejected %d\n", f.File, f.Format, f.Read, f.Indexed, f.Rejected)
		}
	}
	type count struct {
		sev, reason string
		n           int
	}
	counts := map[[2]string]int{}
	for _, e := range r.Entries {
		counts[[2]string{e.Severity, e.Reason}]++
	}
	var cs []count
	for k, n := range counts {
		cs = append(cs, count{k[0], k[1], n})
	}
	sort.Slice(cs, func(i, j int) bool {
		if cs[i].sev != cs[j].sev {
			return cs[i].sev < cs[j].sev
		}
		if cs[i].n != cs[j].n {
			return cs[i].n > cs[j].n
		}
		return cs[i].reason < cs[j].reason
	})
	for _, c := range cs {
		fmt.Fprintf(w, "  %-8s %-24s %d\n", c.sev, c.reason, c.n)
	}
	return nil
}

func join(parts []string) string {
	out := ""
	for i, p := range parts {
		if i > 0 {
			out += ", "
		}
		out += p
	}
	return out
}

// hoursWarned reports whether some record had hours that could not be read.
func (r *Report) hoursWarned() bool {
	for _, e := range r.Entries {
		switch e.Reason {
		case ReasonBadOpeningHours, ReasonHoursAppointment, ReasonHoursNotCommunicated, ReasonHoursUnreadable, ReasonHoursPartlyRead:
			return true
		}
	}
	return false
}
