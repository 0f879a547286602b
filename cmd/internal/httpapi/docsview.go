package httpapi

import (
	"encoding/json"
	"fmt"
	"html"
	"html/template"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"
)

// The /docs page is rendered from the OpenAPI document by walking it as
// plain JSON: the few parts a reader needs (operations by tag, their
// parameters and responses, the schemas), with $refs turned into links.

// docView is what the docs template sees.
type docView struct {
	Title, Version, Summary string
	Description             string
	Server                  string
	CSS                     template.CSS
	Tags                    []tagView
	Schemas                 []schemaView
	Security                []securityView
}

type tagView struct {
	Name, Description string
	Ops               []opView
}

type opView struct {
	Method, Path, ID     string
	Summary, Description string
	Security             string
	Params               []paramView
	Body                 []contentView
	Responses            []responseView
}

type paramView struct {
	Name, In, Type, Description string
	Required                    bool
	Constraints                 string
}

type responseView struct {
	Status, Description string
	Headers             []string
	Content             []contentView
}

type contentView struct {
	MediaType string
	Type      typeView
}

// typeView names a schema: a link to a component, or a short type.
type typeView struct {
	Text, Link string
	Of         []typeView // for unions and containers
	Suffix     string
}

type schemaView struct {
	Name, Description string
	Composed          []typeView // allOf or oneOf members
	ComposedHow       string
	Props             []propView
	Constraints       string
}

type propView struct {
	Name        string
	Type        typeView
	Required    bool
	Description string
	Constraints string
}

type securityView struct {
	Name, Kind, Description string
}

// node is a JSON object of the document.
type node = map[string]any

func str(n node, key string) string {
	s, _ := n[key].(string)
	return s
}

func child(n node, key string) node {
	c, _ := n[key].(node)
	return c
}

func newDocView(raw []byte) (*docView, error) {
	var doc node
	if err := json.Unmarshal(raw, &doc); err != nil {
		return nil, err
	}
	r := resolver{doc}
	info := child(doc, "info")
	v := &docView{Title: str(info, "title"), Version: str(info, "version"), Summary: str(info, "summary"), Description: str(info, "description")}
	if servers, _ := doc["servers"].([]any); len(servers) > 0 {
		if s, ok := servers[0].(node); ok {
			v.Server = str(s, "url")
		}
	}
	byTag := map[string]*tagView{}
	tags, _ := doc["tags"].([]any)
	for _, t := range tags {
		tn, _ := t.(node)
		v.Tags = append(v.Tags, tagView{Name: str(tn, "name"), Description: str(tn, "description")})
	}
	for i := range v.Tags {
		byTag[v.Tags[i].Name] = &v.Tags[i]
	}
	paths := child(doc, "paths")
	for _, path := range sortedKeys(paths) {
		item := child(paths, path)
		for _, method := range []string{"get", "head", "post", "put", "patch", "delete", "options"} {
			o := child(item, method)
			if o == nil {
				continue
			}
			ov := opView{Method: strings.ToUpper(method), Path: path, ID: str(o, "operationId"), Summary: str(o, "summary"), Description: str(o, "description")}
			ov.Security = securityText(o)
			params, _ := item["parameters"].([]any)
			ops, _ := o["parameters"].([]any)
			for _, p := range append(slices.Clone(params), ops...) {
				pn := r.resolve(p)
				schema := r.resolve(pn["schema"])
				req, _ := pn["required"].(bool)
				ov.Params = append(ov.Params, paramView{Name: str(pn, "name"), In: str(pn, "in"), Required: req,
					Type: r.typeOf(pn["schema"]).plain(), Description: str(pn, "description"), Constraints: constraints(schema)})
			}
			if body := r.resolve(o["requestBody"]); body != nil {
				ov.Body = r.contents(child(body, "content"))
			}
			resps := child(o, "responses")
			for _, status := range sortedKeys(resps) {
				rn := r.resolve(resps[status])
				rv := responseView{Status: status, Description: str(rn, "description"), Content: r.contents(child(rn, "content"))}
				rv.Headers = sortedKeys(child(rn, "headers"))
				ov.Responses = append(ov.Responses, rv)
			}
			tag := "other"
			if ts, _ := o["tags"].([]any); len(ts) > 0 {
				tag, _ = ts[0].(string)
			}
			tv := byTag[tag]
			if tv == nil {
				v.Tags = append(v.Tags, tagView{Name: tag})
				tv = &v.Tags[len(v.Tags)-1]
				// The slice may have moved: index again.
				for i := range v.Tags {
					byTag[v.Tags[i].Name] = &v.Tags[i]
				}
			}
			tv.Ops = append(tv.Ops, ov)
		}
	}
	comps := child(doc, "components")
	schemas := child(comps, "schemas")
	for _, name := range sortedKeys(schemas) {
		v.Schemas = append(v.Schemas, r.schemaView(name, child(schemas, name)))
	}
	sec := child(comps, "securitySchemes")
	for _, name := range sortedKeys(sec) {
		s := child(sec, name)
		kind := str(s, "type")
		switch kind {
		case "http":
			kind = "HTTP " + str(s, "scheme")
		case "apiKey":
			kind = fmt.Sprintf("API key in the %s parameter %s", str(s, "in"), str(s, "name"))
		}
		v.Security = append(v.Security, securityView{Name: name, Kind: kind, Description: str(s, "description")})
	}
	return v, nil
}

// resolver follows the document's local $refs.
type resolver struct{ doc node }

func (r resolver) resolve(v any) node {
	n, _ := v.(node)
	for i := 0; n != nil && i < 10; i++ {
		ref := str(n, "$ref")
		if ref == "" {
			return n
		}
		n = r.lookup(ref)
	}
	return n
}

func (r resolver) lookup(ref string) node {
	cur := r.doc
	for _, part := range strings.Split(strings.TrimPrefix(ref, "#/"), "/") {
		cur = child(cur, part)
	}
	return cur
}

func (r resolver) contents(c node) []contentView {
	var out []contentView
	for _, mt := range sortedKeys(c) {
		out = append(out, contentView{MediaType: mt, Type: r.typeOf(child(c, mt)["schema"])})
	}
	return out
}

// typeOf names a schema briefly: a component by name, an array by its
// items, a map by its values.
func (r resolver) typeOf(v any) typeView {
	s, _ := v.(node)
	if s == nil {
		return typeView{Text: "any"}
	}
	if ref := str(s, "$ref"); ref != "" {
		name := ref[strings.LastIndex(ref, "/")+1:]
		return typeView{Text: name, Link: "#schema-" + name}
	}
	if c, ok := s["const"]; ok {
		b, _ := json.Marshal(c)
		return typeView{Text: string(b)}
	}
	for _, key := range []string{"oneOf", "anyOf"} {
		if alts, _ := s[key].([]any); len(alts) > 0 {
			tv := typeView{Text: "one of"}
			for _, a := range alts {
				tv.Of = append(tv.Of, r.typeOf(a))
			}
			return tv
		}
	}
	if all, _ := s["allOf"].([]any); len(all) > 0 {
		if len(all) == 1 && len(child(s, "properties")) == 0 {
			return r.typeOf(all[0])
		}
		tv := typeView{Text: "all of"}
		for _, a := range all {
			tv.Of = append(tv.Of, r.typeOf(a))
		}
		if len(child(s, "properties")) > 0 {
			tv.Of = append(tv.Of, typeView{Text: "object"})
		}
		return tv
	}
	var types []string
	switch t := s["type"].(type) {
	case string:
		types = []string{t}
	case []any:
		for _, x := range t {
			if ts, ok := x.(string); ok {
				types = append(types, ts)
			}
		}
	}
	if len(types) == 2 && slices.Contains(types, "null") {
		// A value or null: the value's type, said nullable.
		other := types[0]
		if other == "null" {
			other = types[1]
		}
		s2 := make(node, len(s))
		for k, v := range s {
			s2[k] = v
		}
		s2["type"] = other
		tv := r.typeOf(s2)
		if tv.Suffix != "" {
			tv.Suffix += " "
		}
		tv.Suffix += "or null"
		return tv
	}
	if len(types) == 1 {
		switch types[0] {
		case "array":
			return typeView{Text: "array of", Of: []typeView{r.typeOf(s["items"])}}
		case "object":
			if ap, ok := s["additionalProperties"].(node); ok && len(child(s, "properties")) == 0 {
				return typeView{Text: "map of", Of: []typeView{r.typeOf(ap)}}
			}
		case "string":
			if f := str(s, "format"); f != "" {
				return typeView{Text: "string", Suffix: "(" + f + ")"}
			}
		}
	}
	if len(types) == 0 {
		if len(child(s, "properties")) > 0 {
			return typeView{Text: "object"}
		}
		return typeView{Text: "any"}
	}
	return typeView{Text: strings.Join(types, " | ")}
}

// plain is a type's name as text.
func (t typeView) plain() string {
	var parts []string
	for _, o := range t.Of {
		parts = append(parts, o.plain())
	}
	s := t.Text
	switch {
	case t.Text == "one of":
		s = strings.Join(parts, " | ")
	case t.Text == "all of":
		s = strings.Join(parts, " & ")
	case len(parts) > 0:
		s += " " + strings.Join(parts, ", ")
	}
	if t.Suffix != "" {
		s += " " + t.Suffix
	}
	return s
}

func (r resolver) schemaView(name string, s node) schemaView {
	sv := schemaView{Name: name, Description: str(s, "description"), Constraints: constraints(s)}
	for _, key := range []string{"allOf", "oneOf"} {
		if parts, _ := s[key].([]any); len(parts) > 0 {
			sv.ComposedHow = map[string]string{"allOf": "Has every field of", "oneOf": "One of"}[key]
			for _, p := range parts {
				sv.Composed = append(sv.Composed, r.typeOf(p))
			}
		}
	}
	props := child(s, "properties")
	required := map[string]bool{}
	if req, _ := s["required"].([]any); req != nil {
		for _, x := range req {
			if name, ok := x.(string); ok {
				required[name] = true
			}
		}
	}
	// The document lists properties in a meaningful order; JSON objects
	// decoded into maps lose it, so take it from the raw keys' order.
	for _, p := range orderedKeys(props) {
		ps, _ := props[p].(node)
		sv.Props = append(sv.Props, propView{Name: p, Type: r.typeOf(ps), Required: required[p], Description: str(ps, "description"), Constraints: constraints(r.resolveIfRef(ps))})
	}
	return sv
}

func (r resolver) resolveIfRef(s node) node {
	if str(s, "$ref") != "" {
		return nil // the linked schema says it
	}
	return s
}

// constraints says in words what a schema allows beyond its type.
func constraints(s node) string {
	if s == nil {
		return ""
	}
	var parts []string
	if enum, _ := s["enum"].([]any); len(enum) > 0 {
		var vs []string
		for _, e := range enum {
			b, _ := json.Marshal(e)
			vs = append(vs, string(b))
		}
		parts = append(parts, "one of "+strings.Join(vs, ", "))
	}
	if items, ok := s["items"].(node); ok {
		if c := constraints(items); c != "" {
			parts = append(parts, "each "+c)
		}
	}
	for _, k := range []struct{ key, say string }{
		{"minimum", "≥"}, {"exclusiveMinimum", ">"}, {"maximum", "≤"}, {"exclusiveMaximum", "<"},
		{"minLength", "length ≥"}, {"maxLength", "length ≤"}, {"minItems", "items ≥"}, {"maxItems", "items ≤"},
		{"default", "default"}, {"pattern", "matches"},
	} {
		if x, ok := s[k.key]; ok {
			b, _ := json.Marshal(x)
			parts = append(parts, k.say+" "+string(b))
		}
	}
	return strings.Join(parts, "; ")
}

func securityText(o node) string {
	reqs, ok := o["security"].([]any)
	if !ok {
		return ""
	}
	var alts []string
	for _, req := range reqs {
		rn, _ := req.(node)
		if len(rn) == 0 {
			alts = append(alts, "none")
			continue
		}
		var all []string
		for _, name := range sortedKeys(rn) {
			// Roles (OpenAPI 3.1): the scope a key needs.
			roles, _ := rn[name].([]any)
			var rs []string
			for _, role := range roles {
				if s, ok := role.(string); ok {
					rs = append(rs, s)
				}
			}
			if len(rs) > 0 {
				name += " (scope " + strings.Join(rs, ", ") + ")"
			}
			all = append(all, name)
		}
		alts = append(alts, strings.Join(all, " + "))
	}
	return strings.Join(alts, " or ")
}

func sortedKeys(n node) []string {
	keys := make([]string, 0, len(n))
	for k := range n {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// orderedKeys returns an object's keys in the document's order, which
// the properties' raw JSON keeps: re-encoding a map sorts them, so this
// re-reads the embedded document for the order of each properties
// object, keyed by its set of names.
func orderedKeys(n node) []string {
	keys := sortedKeys(n)
	if order, ok := propertyOrder()[strings.Join(keys, "\x00")]; ok {
		return order
	}
	return keys
}

// propertyOrder maps each properties object of the document, by its
// sorted names, to its names in document order.
var propertyOrder = sync.OnceValue(func() map[string][]string {
	out := map[string][]string{}
	dec := json.NewDecoder(strings.NewReader(string(openAPIDoc)))
	var walk func(inProperties bool) []string
	walk = func(inProperties bool) []string {
		tok, err := dec.Token()
		if err != nil {
			return nil
		}
		switch tok {
		case json.Delim('{'):
			var names []string
			for dec.More() {
				kt, _ := dec.Token()
				k, _ := kt.(string)
				names = append(names, k)
				walk(k == "properties" && !inProperties)
			}
			dec.Token() // }
			if inProperties {
				sorted := slices.Clone(names)
				sort.Strings(sorted)
				out[strings.Join(sorted, "\x00")] = names
			}
			return names
		case json.Delim('['):
			for dec.More() {
				walk(false)
			}
			dec.Token() // ]
		}
		return nil
	}
	walk(false)
	return out
})

var (
	mdCode   = regexp.MustCompile("`([^`]+)`")
	mdStrong = regexp.MustCompile(`\*\*([^*]+)\*\*`)
)

// markdown renders the little Markdown the document's descriptions use:
// paragraphs, `code` and **strong**, everything else escaped.
func markdown(s string) template.HTML {
	var b strings.Builder
	for _, para := range strings.Split(s, "\n\n") {
		if strings.TrimSpace(para) == "" {
			continue
		}
		p := html.EscapeString(para)
		p = mdCode.ReplaceAllString(p, "<code>$1</code>")
		p = mdStrong.ReplaceAllString(p, "<strong>$1</strong>")
		b.WriteString("<p>" + p + "</p>\n")
	}
	return template.HTML(b.String())
}
