package ingest

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"strings"
	"text/tabwriter"
)

// Explanation says how a file will be read, from its header (CSV) or the
// keys of its first record (JSON), before anything is ingested.
type Explanation struct {
	File, Format string
	Columns
	// Empty is set when the file holds no record to take keys from.
	Empty bool
}

var errExplained = errors.New("explained")

// Explain reads the header of a file of fsys, or its first record, and
// says which shape it has and how each column will be read. It reads
// nothing else and builds nothing.
func Explain(fsys fs.FS, name string, opts Options) (*Explanation, error) {
	src, format, f, err := openFile(fsys, name, opts.Format, func(r io.Reader) io.Reader { return r })
	if err != nil {
		return nil, err
	}
	defer f.Close()
	e := &Explanation{File: name, Format: format, Empty: true}
	ro := opts.Read
	ro.Header = func(c Columns) {
		if e.Empty {
			e.Columns, e.Empty = c, false
		}
	}
	_, err = read(src, name, format, ro, func(Record) error { return errExplained })
	if err != nil && !errors.Is(err, errExplained) {
		return nil, err
	}
	return e, nil
}

// fieldNotes say more than a field's name for the fields that are
// converted or read against a list.
var fieldNotes = map[string]string{
	FieldTypes:         "types (vocabulary; typology codes such as TIERS_LIEUX kept in typologie)",
	FieldServices:      "services (vocabulary; other values kept as tags)",
	FieldOpeningHours:  "opening_hours (OSM syntax, checked; French text converted)",
	FieldHoursMo:       "Monday's hours (French, converted to opening_hours)",
	FieldHoursTu:       "Tuesday's hours (French, converted to opening_hours)",
	FieldHoursWe:       "Wednesday's hours (French, converted to opening_hours)",
	FieldHoursTh:       "Thursday's hours (French, converted to opening_hours)",
	FieldHoursFr:       "Friday's hours (French, converted to opening_hours)",
	FieldHoursSa:       "Saturday's hours (French, converted to opening_hours)",
	FieldHoursSu:       "Sunday's hours (French, converted to opening_hours)",
	FieldHoursText:     "the week's hours as text or HTML (converted to opening_hours)",
	FieldDept:          "dept (locates a record with nothing else, through a commune in its name)",
	FieldPostcode:      "postcode (11170.0 read as 11170)",
	FieldLat:           "lat (nan, null, None and 0,0 read as missing)",
	FieldLon:           "lon (nan, null, None and 0,0 read as missing)",
	FieldMobility:      "mobility (list: " + listIDs(Mobility) + ")",
	FieldPublics:       "publics (list: " + listIDs(Publics) + ")",
	FieldAccessibility: "accessibility (list: " + listIDs(Accessibility) + ")",
	FieldFees:          "fees (list: " + listIDs(Fees) + ")",
	FieldAccessModes:   "access_modes (list: " + listIDs(AccessModes) + ")",
	FieldSupportModes:  "support_modes (list: " + listIDs(SupportModes) + ")",
	FieldPrograms:      "programs (list of national programmes)",
	FieldLabels:        "labels (the standard's list; others kept in other_labels)",
}

func listIDs(l *List) string {
	ids := make([]string, len(l.Terms))
	for i, t := range l.Terms {
		ids[i] = t.ID
	}
	return strings.Join(ids, ", ")
}

// Write prints the explanation for a terminal.
func (e *Explanation) Write(w io.Writer) error {
	kind := "no known shape: columns read by their names"
	if e.Shape != nil {
		kind = e.Shape.Title
	}
	what := e.Format
	if e.Comma != 0 {
		comma := string(e.Comma)
		if e.Comma == '\t' {
			comma = "tab"
		}
		what = fmt.Sprintf("%s, %q-separated, %s", e.Format, comma, e.Encoding)
	}
	fmt.Fprintf(w, "%s: %s; %s\n", e.File, what, kind)
	if e.Shape != nil && len(e.Shape.Types)+len(e.Shape.Programs) > 0 {
		fmt.Fprintf(w, "  every record: types %s", strings.Join(e.Shape.Types, ", "))
		if len(e.Shape.Programs) > 0 {
			fmt.Fprintf(w, "; programs %s", strings.Join(e.Shape.Programs, ", "))
		}
		fmt.Fprintln(w)
	}
	if e.Shape != nil && len(e.Shape.TypeValues) > 0 {
		fmt.Fprintln(w, `  types: "Tiers lieu" is a coworking (as TIERS_LIEUX)`)
	}
	if e.Shape != nil && e.Shape.TypesFromName {
		fmt.Fprintln(w, `  types: also those the name says ("FABLAB de …")`)
	}
	if e.Empty {
		_, err := fmt.Fprintln(w, "  no record to read columns from")
		return err
	}
	tw := tabwriter.NewWriter(w, 2, 8, 2, ' ', 0)
	fmt.Fprintln(tw, "  COLUMN\tREAD AS")
	for _, c := range e.Columns.Columns {
		header := c.Header
		if header == "" {
			header = `""`
		}
		as := "ignored: unmapped"
		if c.Field != "" {
			as = c.Field
			if n, ok := fieldNotes[c.Field]; ok {
				as = n
			}
			if strings.HasPrefix(c.Field, "hours_") && !strings.HasPrefix(as, c.Field) {
				as = c.Field + ": " + as
			}
			switch c.By {
			case "mapping":
				as += " [mapping file]"
			case "shape":
				as += " [" + e.Shape.Name + "]"
			}
		}
		fmt.Fprintf(tw, "  %s\t%s\n", header, as)
	}
	return tw.Flush()
}
