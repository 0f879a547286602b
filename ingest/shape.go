package ingest

// A Shape is a kind of export recognised by its header, without a mapping
// file: the national standard "Lieux de médiation numérique", the national
// list of France Services, and the shapes the regional hubs export (hours
// per French weekday, label_full / type_lieu, geo_lat / geo_lon). It says
// how some columns read where the aliases of fields.go would read them
// otherwise, and what every record of it is.
type Shape struct {
	// Name is stable, for reports and flags; Title is for people.
	Name, Title string
	// Columns maps folded headers (TermKey) to canonical fields. A mapping
	// file wins over it; it wins over the aliases.
	Columns map[string]string
	// Types and Programs every record of the shape has: a France Services
	// is a place of digital inclusion of the France Services programme.
	Types, Programs []string
	// TypeValues maps folded values of a types column to types, read
	// before the vocabulary: a hub's "Tiers lieu" is a coworking (see
	// TIERS_LIEUX in mednum.go), where elsewhere it names no type.
	TypeValues map[string][]string
	// TypesFromName adds the types the name holds ("FABLAB de Limoux").
	TypesFromName bool
	// match reports whether folded headers are of this shape.
	match func(has func(string) bool, keys []string) bool
}

// Shape names.
const (
	ShapeMedNum         = "mediation-numerique"
	ShapeFranceServices = "france-services"
	ShapeRegionalHub    = "regional-hub"
)

var dayHeaders = [][]string{
	{"lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"},
	{"h lundi", "h mardi", "h mercredi", "h jeudi", "h vendredi", "h samedi", "h dimanche"},
}

// Shapes are the known shapes, tried in order.
var Shapes = []*Shape{
	{
		Name:  ShapeMedNum,
		Title: `national standard "Lieux de médiation numérique" v1.0.2`,
		Types: []string{"mediation-numerique"},
		// The standard's own columns all have aliases in fields.go.
		match: func(has func(string) bool, keys []string) bool {
			n := 0
			for _, c := range MedNumColumns {
				if has(TermKey(c)) {
					n++
				}
			}
			return has("pivot") && has(TermKey("date_maj")) && n >= len(MedNumColumns)/2
		},
	},
	{
		Name:     ShapeFranceServices,
		Title:    "national list of France Services",
		Types:    []string{"mediation-numerique"},
		Programs: []string{"france-services"},
		Columns: map[string]string{
			// A structure's category ("Antenne", "Bus"): its type is known.
			TermKey("categorie"): FieldTags,
			TermKey("FORMAT_FS"): FieldMobility,
		},
		match: func(has func(string) bool, keys []string) bool {
			return has(TermKey("lib_france_services")) || has("matricule") && countHas(has, dayHeaders[1]) >= 3
		},
	},
	{
		Name:  ShapeRegionalHub,
		Title: "regional hub export (hours per weekday, label_full / type_lieu, geo_lat / geo_lon)",
		TypeValues: map[string][]string{
			TermKey("Tiers lieu"): {"coworking"}, TermKey("Tiers-lieux"): {"coworking"}, TermKey("Tiers lieu et coworking"): {"coworking"},
		},
		TypesFromName: true,
		match: func(has func(string) bool, keys []string) bool {
			return countHas(has, dayHeaders[0]) >= 3 || countHas(has, dayHeaders[1]) >= 3 ||
				has(TermKey("label_full")) || has(TermKey("type_lieu")) || has(TermKey("geo_lat")) && has(TermKey("geo_lon"))
		},
	},
}

func countHas(has func(string) bool, keys []string) int {
	n := 0
	for _, k := range keys {
		if has(k) {
			n++
		}
	}
	return n
}

// DetectShape returns the shape of an export from its headers (or JSON
// keys), or nil for any other export, read by the aliases alone.
func DetectShape(headers []string) *Shape {
	keys := make(map[string]bool, len(headers))
	folded := make([]string, 0, len(headers))
	for _, h := range headers {
		k := TermKey(h)
		keys[k] = true
		folded = append(folded, k)
	}
	has := func(k string) bool { return keys[k] }
	for _, s := range Shapes {
		if s.match(has, folded) {
			return s
		}
	}
	return nil
}

// ShapeNamed returns the shape with this name, or nil.
func ShapeNamed(name string) *Shape {
	for _, s := range Shapes {
		if s.Name == name {
			return s
		}
	}
	return nil
}

// Column says how one header of an export is read.
type Column struct {
	Header string
	Field  string // canonical field; "" when the column is ignored
	By     string // "mapping", "shape" or "alias"; "" when ignored
}

// Columns describes how an export's headers are read: its shape, and the
// field of each header. Readers hand it to ReadOptions.Header.
type Columns struct {
	Shape   *Shape // nil: no known shape
	Columns []Column
	// Comma and Encoding are the CSV delimiter and encoding, as detected
	// or forced; zero for JSON.
	Comma    rune
	Encoding string
}

// columns maps headers to fields: the mapping file first, then the
// shape's columns, then the aliases.
func (o *ReadOptions) columns(headers []string) Columns {
	cs := Columns{Shape: DetectShape(headers), Columns: make([]Column, len(headers))}
	for i, h := range headers {
		c := Column{Header: h}
		if f := o.Mapping.mapped(h); f != "" {
			c.Field, c.By = f, "mapping"
		} else if f := cs.Shape.column(h); f != "" {
			c.Field, c.By = f, "shape"
		} else if f := aliasIndex[TermKey(h)]; f != "" {
			c.Field, c.By = f, "alias"
		}
		cs.Columns[i] = c
	}
	return cs
}

func (s *Shape) column(h string) string {
	if s == nil {
		return ""
	}
	return s.Columns[TermKey(h)]
}

func (s *Shape) name() string {
	if s == nil {
		return ""
	}
	return s.Name
}
