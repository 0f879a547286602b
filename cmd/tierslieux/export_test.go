package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// medNumDir holds the standard's schema.json and example, with their
// licence and attribution.
const medNumDir = "../../ingest/testdata/mediation-numerique"

// tableSchema is the part of a Frictionless TableSchema that the
// standard "Lieux de médiation numérique" uses.
type tableSchema struct {
	Fields []struct {
		Name        string `json:"name"`
		Type        string `json:"type"`
		Format      string `json:"format"`
		Constraints struct {
			Required  bool     `json:"required"`
			Unique    bool     `json:"unique"`
			Pattern   string   `json:"pattern"`
			MaxLength *int     `json:"maxLength"`
			Enum      []string `json:"enum"`
		} `json:"constraints"`
	} `json:"fields"`
	PrimaryKey string `json:"primaryKey"`
}

// MustSchema reads the standard's schema.json.
func MustSchema(tb testing.TB) *tableSchema {
	tb.Helper()
	b, err := os.ReadFile(filepath.Join(medNumDir, "schema.json"))
	if err != nil {
		tb.Fatal(err)
	}
	var s tableSchema
	if err := json.Unmarshal(b, &s); err != nil {
		tb.Fatal(err)
	}
	if len(s.Fields) != 32 {
		tb.Fatalf("schema.json has %d fields, want 32", len(s.Fields))
	}
	return &s
}

// validate checks a CSV file against the schema as a Frictionless
// validator does for the checks this schema uses: the header names the
// fields in order; required cells are not empty; numbers, integers and
// dates parse; strings match their pattern (anchored, as XML Schema
// patterns are), maxLength and enum; unique and primary key columns
// hold no repeat. It returns every error found.
func (s *tableSchema) validate(data []byte) []string {
	r := csv.NewReader(bytes.NewReader(data))
	r.FieldsPerRecord = -1
	rows, err := r.ReadAll()
	if err != nil {
		return []string{err.Error()}
	}
	if len(rows) == 0 {
		return []string{"no header"}
	}
	var errs []string
	addf := func(format string, args ...any) { errs = append(errs, fmt.Sprintf(format, args...)) }
	if len(rows[0]) != len(s.Fields) {
		addf("header has %d columns, the schema %d fields", len(rows[0]), len(s.Fields))
		return errs
	}
	patterns := make([]*regexp.Regexp, len(s.Fields))
	for i, f := range s.Fields {
		if rows[0][i] != f.Name {
			addf("column %d is %q, want %q", i+1, rows[0][i], f.Name)
		}
		if f.Constraints.Pattern != "" {
			patterns[i] = regexp.MustCompile(`^(?:` + f.Constraints.Pattern + `)$`)
		}
	}
	seen := make([]map[string]int, len(s.Fields))
	for i := range seen {
		seen[i] = map[string]int{}
	}
	for n, row := range rows[1:] {
		line := n + 2
		if len(row) != len(s.Fields) {
			addf("row %d: %d cells", line, len(row))
			continue
		}
		for i, f := range s.Fields {
			v := row[i]
			if !utf8.ValidString(v) {
				addf("row %d %s: not UTF-8", line, f.Name)
			}
			if v == "" {
				if f.Constraints.Required || f.Name == s.PrimaryKey {
					addf("row %d %s: required, empty", line, f.Name)
				}
				continue
			}
			switch f.Type {
			case "number":
				if _, err := strconv.ParseFloat(v, 64); err != nil {
					addf("row %d %s: %q is not a number", line, f.Name, v)
				}
			case "integer":
				if _, err := strconv.Atoi(v); err != nil {
					addf("row %d %s: %q is not an integer", line, f.Name, v)
				}
			case "date":
				if _, err := time.Parse("2006-01-02", v); err != nil {
					addf("row %d %s: %q is not a date", line, f.Name, v)
				}
			case "string", "":
			default:
				addf("field %s: type %q not checked by this validator", f.Name, f.Type)
			}
			if patterns[i] != nil && !patterns[i].MatchString(v) {
				addf("row %d %s: %q does not match %s", line, f.Name, v, f.Constraints.Pattern)
			}
			if m := f.Constraints.MaxLength; m != nil && utf8.RuneCountInString(v) > *m {
				addf("row %d %s: %d characters, at most %d", line, f.Name, utf8.RuneCountInString(v), *m)
			}
			if len(f.Constraints.Enum) > 0 && !contains(f.Constraints.Enum, v) {
				addf("row %d %s: %q is not one of %q", line, f.Name, v, f.Constraints.Enum)
			}
			if f.Constraints.Unique || f.Name == s.PrimaryKey {
				if prev, dup := seen[i][v]; dup {
					addf("row %d %s: %q repeats row %d", line, f.Name, v, prev)
				}
				seen[i][v] = line
			}
		}
	}
	return errs
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// runFunc runs one subcommand's function as run would.
func runFunc(tb testing.TB, fn func(context.Context, []string, *bytes.Buffer, *bytes.Buffer) error, args ...string) (stdout, stderr string, status int) {
	tb.Helper()
	var out, errOut bytes.Buffer
	err := fn(context.Background(), args, &out, &errOut)
	return out.String(), errOut.String(), exitStatus(err)
}

func exportCmd(ctx context.Context, args []string, out, errOut *bytes.Buffer) error {
	return runExport(ctx, args, out, errOut)
}

func ingestCmd(ctx context.Context, args []string, out, errOut *bytes.Buffer) error {
	return runIngest(ctx, args, out, errOut)
}

// TestSchemaValidator: the validator accepts the standard's example and
// finds what is wrong in broken copies of it.
func TestSchemaValidator(t *testing.T) {
	s := MustSchema(t)
	example, err := os.ReadFile(filepath.Join(medNumDir, "exemple-valide.csv"))
	if err != nil {
		t.Fatal(err)
	}
	if errs := s.validate(example); len(errs) > 0 {
		t.Errorf("the standard's example does not validate: %q", errs)
	}
	lines := strings.SplitN(string(example), "\n", 2)
	row := lines[1]
	broken := []struct{ name, from, to, want string }{
		{"pivot pattern", `"43493312300029"`, `"434933"`, "pivot"},
		{"postcode pattern", `"51100"`, `"5110"`, "code_postal"},
		{"latitude type", `"43.52609"`, `"43,52609"`, "latitude"},
		{"date type", `"2024-04-02"`, `"02/04/2024"`, "date_maj"},
		{"list value", `"Jeunes|Femmes"`, `"Jeunes|Retraités"`, "publics_specifiquement_adresses"},
		{"required", `"Anonymal"`, `""`, "nom"},
		{"phone pattern", `"+33180059880"`, `"01 80 05 98 80"`, "telephone"},
	}
	for _, b := range broken {
		t.Run(b.name, func(t *testing.T) {
			if !strings.Contains(row, b.from) {
				t.Fatalf("example has no %s", b.from)
			}
			data := lines[0] + "\n" + strings.Replace(row, b.from, b.to, 1)
			errs := s.validate([]byte(data))
			if len(errs) != 1 || !strings.Contains(errs[0], b.want) {
				t.Errorf("errors %q, want one about %s", errs, b.want)
			}
		})
	}
	dup := lines[0] + "\n" + row + row
	if errs := s.validate([]byte(dup)); len(errs) != 1 || !strings.Contains(errs[0], "repeats") {
		t.Errorf("repeated id: errors %q", errs)
	}
}

// TestExportValidates: the demo catalog, and an index built from exports
// of the standard, export to files that validate against schema.json.
func TestExportValidates(t *testing.T) {
	s := MustSchema(t)
	tmp := t.TempDir()

	t.Run("demo catalog", func(t *testing.T) {
		file := filepath.Join(tmp, "demo.csv")
		_, stderr, status := runFunc(t, exportCmd, "-format", "mediation-numerique", "-date", "2026-01-15", "-o", file)
		if status != 0 {
			t.Fatalf("export: status %d\n%s", status, stderr)
		}
		for _, want := range []string{"111 places written", "111 without a SIRET", "7 without a street address", "111 without an update date"} {
			if !strings.Contains(stderr, want) {
				t.Errorf("stderr lacks %q:\n%s", want, stderr)
			}
		}
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		if errs := s.validate(data); len(errs) > 0 {
			t.Errorf("%d errors, first: %q", len(errs), errs[:min(5, len(errs))])
		}
		if n := bytes.Count(data, []byte("\n")); n < 112 {
			t.Errorf("%d lines, want the header and 111 places", n)
		}
	})

	t.Run("index of real-shaped exports", func(t *testing.T) {
		dir := filepath.Join(tmp, "index")
		fixtures := "../../ingest/testdata/"
		files := []string{"realworld/mediation_numerique.csv", "realworld/mediation_numerique.json", "realworld/hub_occitanie.csv",
			"realworld/france_services.csv", "mediation-numerique/exemple-valide.csv"}
		args := []string{"-index", dir, "-quiet"}
		for _, f := range files {
			args = append(args, fixtures+f)
		}
		if _, stderr, status := runFunc(t, ingestCmd, args...); status != 0 {
			t.Fatalf("ingest: status %d\n%s", status, stderr)
		}
		stdout, stderr, status := runFunc(t, exportCmd, "-index", dir)
		if status != 0 {
			t.Fatalf("export: status %d\n%s", status, stderr)
		}
		if !strings.Contains(stderr, "24 places written to standard output") {
			t.Errorf("stderr:\n%s", stderr)
		}
		if errs := s.validate([]byte(stdout)); len(errs) > 0 {
			t.Errorf("%d errors, first: %q", len(errs), errs[:min(5, len(errs))])
		}
		for _, want := range []string{"occ-tl-001,81234567800012,La Grange Numérique", "Fabriques de Territoire", "Mo-Fr 09:00-12:00"} {
			if !strings.Contains(stdout, want) {
				t.Errorf("export lacks %q", want)
			}
		}
	})
}

// TestExportErrors: what export refuses.
func TestExportErrors(t *testing.T) {
	tmp := t.TempDir()
	for _, tc := range []struct {
		name   string
		args   []string
		status int
		stderr string
	}{
		{"unknown format", []string{"-format", "geojson"}, 1, ""},
		{"bad date", []string{"-date", "demain"}, 1, ""},
		{"extra argument", []string{"file.csv"}, 2, "Usage: tierslieux export"},
		{"not an index", []string{"-index", tmp}, 1, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, stderr, status := runFunc(t, exportCmd, tc.args...)
			if status != tc.status || !strings.Contains(stderr, tc.stderr) {
				t.Errorf("status %d, stderr %q; want %d, %q", status, stderr, tc.status, tc.stderr)
			}
		})
	}
	var out, errOut bytes.Buffer
	err := runExport(context.Background(), []string{"-index", tmp}, &out, &errOut)
	if err == nil || !strings.Contains(err.Error(), "no CURRENT file") {
		t.Errorf("export of an empty directory: %v", err)
	}
}

// TestIngestExplainAndTrust: -explain reads headers only, -trust picks
// what a far point keeps.
func TestIngestExplainAndTrust(t *testing.T) {
	fixtures := "../../ingest/testdata/realworld/"
	stdout, stderr, status := runFunc(t, ingestCmd, "-explain", fixtures+"france_services.csv", fixtures+"hub_occitanie.csv")
	if status != 0 {
		t.Fatalf("status %d\n%s", status, stderr)
	}
	for _, want := range []string{
		"france_services.csv: csv, \";\"-separated, utf-8; national list of France Services",
		"  every record: types mediation-numerique; programs france-services",
		"lib_france_services                name",
		"Goupe_Antennes                     ignored: unmapped",
		"hub_occitanie.csv: csv, \",\"-separated, utf-8; regional hub export",
		"lundi             hours_mo: Monday's hours (French, converted to opening_hours)",
	} {
		if !strings.Contains(stdout, want) {
			t.Errorf("stdout lacks %q:\n%s", want, stdout)
		}
	}
	tmp := t.TempDir()
	for _, trust := range []string{"commune", "point"} {
		stdout, stderr, status := runFunc(t, ingestCmd, "-index", filepath.Join(tmp, trust), "-quiet", "-trust", trust, fixtures+"hub_occitanie.csv")
		if status != 0 || !strings.Contains(stdout, "warning  far_from_commune         1") {
			t.Errorf("-trust %s: status %d\n%s%s", trust, status, stdout, stderr)
		}
		places, err := os.ReadFile(filepath.Join(tmp, trust, "report.json"))
		if err != nil || !bytes.Contains(places, []byte(`"reason": "far_from_commune"`)) {
			t.Errorf("-trust %s: report %v", trust, err)
		}
	}
	if _, _, status := runFunc(t, ingestCmd, "-index", tmp, "-trust", "maybe", fixtures+"hub_occitanie.csv"); status != 1 {
		t.Errorf("-trust maybe: status %d", status)
	}
}
