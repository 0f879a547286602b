package keys_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tierslieux/tierslieux/cmd/internal/keys"
	"github.com/tierslieux/tierslieux/geo"
)

// aveyron is a closed ring around part of the Aveyron, [lon, lat].
var aveyron = geo.Polygon{{{2.0, 44.0}, {3.0, 44.0}, {3.0, 45.0}, {2.0, 44.0}}}

// MustAdd adds an entry, failing the test when the file refuses it, and
// returns its secret.
func MustAdd(tb testing.TB, f *keys.File, e keys.Entry) string {
	tb.Helper()
	secret, err := f.Add(e)
	if err != nil {
		tb.Fatalf("Add(%+v): %v", e, err)
	}
	return secret
}

// MustWriteFile writes raw bytes as a keys file in a fresh directory and
// returns its path.
func MustWriteFile(tb testing.TB, content string) string {
	tb.Helper()
	path := filepath.Join(tb.TempDir(), "keys.json")
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		tb.Fatal(err)
	}
	return path
}

// TestKeysWriteRead: what Add and Write store, Read gives back; the file is
// its owner's only, holds every key's hash and none of their secrets.
func TestKeysWriteRead(t *testing.T) {
	var f keys.File
	secrets := map[string]string{
		"ops":    MustAdd(t, &f, keys.Entry{ID: "ops", Scope: "admin"}),
		"loader": MustAdd(t, &f, keys.Entry{ID: "loader", Scope: "ingest"}),
		"aveyron-widget": MustAdd(t, &f, keys.Entry{ID: "aveyron-widget", Scope: "search", Depts: []string{"12", "2A", "971"},
			Types: []string{"fablab"}, Polygon: aveyron, Origins: []string{"https://www.aveyron.example"}}),
	}
	generated := MustAdd(t, &f, keys.Entry{Scope: "search"})
	if id := f.Keys[3].ID; !strings.HasPrefix(id, "search-") {
		t.Errorf("generated id %q, want search-…", id)
	}
	secrets[f.Keys[3].ID] = generated

	dir := t.TempDir()
	path := filepath.Join(dir, "keys.json")
	// An older file, readable by everyone: Write replaces it, and its mode.
	if err := os.WriteFile(path, []byte(`{"keys": []}`), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := f.Write(path); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if mode := fi.Mode().Perm(); mode != 0o600 {
		t.Errorf("mode %v, want 0600", mode)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("the directory holds %d files after Write, want the keys file only", len(entries))
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for id, secret := range secrets {
		if !strings.HasPrefix(secret, "tlk_") || len(secret) < 40 {
			t.Errorf("%s: secret %q: want tlk_ and 32 random bytes", id, secret)
		}
		if seen[secret] {
			t.Errorf("%s: the secret of another key", id)
		}
		seen[secret] = true
		if bytes.Contains(raw, []byte(secret)) || bytes.Contains(raw, []byte(strings.TrimPrefix(secret, "tlk_"))) {
			t.Errorf("%s: the file holds the secret", id)
		}
		if !bytes.Contains(raw, []byte(`"`+keys.Hash(secret)+`"`)) {
			t.Errorf("%s: the file lacks the secret's SHA-256", id)
		}
	}

	got, err := keys.Read(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Keys) != len(f.Keys) {
		t.Fatalf("read %d keys, want %d", len(got.Keys), len(f.Keys))
	}
	for i, want := range f.Keys {
		g := got.Keys[i]
		if g.ID != want.ID || g.Scope != want.Scope || g.SHA256 != want.SHA256 || !g.Created.Equal(want.Created) ||
			!slices.Equal(g.Depts, want.Depts) || !slices.Equal(g.Types, want.Types) || !slices.Equal(g.Origins, want.Origins) ||
			!polygonsEqual(g.Polygon, want.Polygon) {
			t.Errorf("key %d read back as %+v, want %+v", i, g, want)
		}
		if g.SHA256 != keys.Hash(secrets[g.ID]) {
			t.Errorf("key %s: sha256 is not its secret's", g.ID)
		}
		if age := time.Since(g.Created); age < 0 || age > time.Minute {
			t.Errorf("key %s created %v", g.ID, g.Created)
		}
	}

	// Removing a key and writing again leaves the others.
	if err := got.Remove("loader"); err != nil {
		t.Fatal(err)
	}
	if err := got.Remove("loader"); err == nil || !strings.Contains(err.Error(), "loader") {
		t.Errorf("second Remove: %v, want an error naming the key", err)
	}
	if err := got.Write(path); err != nil {
		t.Fatal(err)
	}
	again, err := keys.Read(path)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, e := range again.Keys {
		ids = append(ids, e.ID)
	}
	if want := []string{"ops", "aveyron-widget", f.Keys[3].ID}; !slices.Equal(ids, want) {
		t.Errorf("after Remove: %v, want %v", ids, want)
	}
}

func polygonsEqual(a, b geo.Polygon) bool {
	return slices.EqualFunc(a, b, func(r, s [][2]float64) bool { return slices.Equal(r, s) })
}

// TestKeysAddRefused: Add refuses a key the file could not hold, and leaves
// the file as it was.
func TestKeysAddRefused(t *testing.T) {
	many := geo.Polygon{make([][2]float64, 0, geo.MaxPolygonVertices+2)}
	for i := range geo.MaxPolygonVertices + 1 {
		many[0] = append(many[0], [2]float64{1 + float64(i)*1e-4, 43 + float64(i%2)*1e-3})
	}
	many[0] = append(many[0], many[0][0])
	for _, tc := range []struct {
		name string
		e    keys.Entry
		want string // in the error
	}{
		{"duplicate id", keys.Entry{ID: "ops", Scope: "search"}, "exists already"},
		{"bad id", keys.Entry{ID: "a key", Scope: "search"}, "key id"},
		{"id too long", keys.Entry{ID: strings.Repeat("a", 65), Scope: "search"}, "key id"},
		{"no scope", keys.Entry{ID: "x"}, "scope"},
		{"bad scope", keys.Entry{ID: "x", Scope: "root"}, `scope "root"`},
		{"scope in capitals", keys.Entry{ID: "x", Scope: "Admin"}, "scope"},
		{"département out of range", keys.Entry{ID: "x", Scope: "search", Depts: []string{"96"}}, `"96" is not a département`},
		{"département as a name", keys.Entry{ID: "x", Scope: "search", Depts: []string{"Aveyron"}}, "Aveyron"},
		{"Corse as 20", keys.Entry{ID: "x", Scope: "search", Depts: []string{"20"}}, `"20"`},
		{"one département", keys.Entry{ID: "x", Scope: "search", Depts: []string{"1"}}, `"1"`},
		{"unknown type", keys.Entry{ID: "x", Scope: "search", Types: []string{"bakery"}}, `"bakery" is not a type`},
		{"type as a label", keys.Entry{ID: "x", Scope: "search", Types: []string{"Fablab "}}, "is not a type"},
		{"open ring", keys.Entry{ID: "x", Scope: "search", Polygon: geo.Polygon{{{2, 44}, {3, 44}, {3, 45}, {2, 45}}}}, "not closed"},
		{"short ring", keys.Entry{ID: "x", Scope: "search", Polygon: geo.Polygon{{{2, 44}, {3, 44}, {2, 44}}}}, "not closed"},
		{"position out of range", keys.Entry{ID: "x", Scope: "search", Polygon: geo.Polygon{{{2, 44}, {3, 95}, {3, 45}, {2, 44}}}}, "out of range"},
		{"too many vertices", keys.Entry{ID: "x", Scope: "search", Polygon: many}, "vertices"},
		{"origin with a path", keys.Entry{ID: "x", Scope: "search", Origins: []string{"https://www.example.org/widget"}}, "origin"},
		{"origin without a scheme", keys.Entry{ID: "x", Scope: "search", Origins: []string{"www.example.org"}}, "origin"},
		{"origin of ftp", keys.Entry{ID: "x", Scope: "search", Origins: []string{"ftp://example.org"}}, "origin"},
		{"origin with a user", keys.Entry{ID: "x", Scope: "search", Origins: []string{"https://me@example.org"}}, "origin"},
		{"depts on an admin key", keys.Entry{ID: "x", Scope: "admin", Depts: []string{"12"}}, "only a search key"},
		{"types on an ingest key", keys.Entry{ID: "x", Scope: "ingest", Types: []string{"fablab"}}, "only a search key"},
		{"polygon on an admin key", keys.Entry{ID: "x", Scope: "admin", Polygon: aveyron}, "only a search key"},
		{"origins on an ingest key", keys.Entry{ID: "x", Scope: "ingest", Origins: []string{"https://a.example"}}, "only a search key"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var f keys.File
			MustAdd(t, &f, keys.Entry{ID: "ops", Scope: "admin"})
			secret, err := f.Add(tc.e)
			if err == nil {
				t.Fatalf("Add(%+v) accepted", tc.e)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q does not say %q", err, tc.want)
			}
			if secret != "" {
				t.Errorf("a secret (%q) with an error", secret)
			}
			if len(f.Keys) != 1 {
				t.Errorf("the file holds %d keys after a refused Add, want 1", len(f.Keys))
			}
		})
	}
	// What Add accepts at the edges.
	for _, e := range []keys.Entry{
		{ID: "a", Scope: "search", Depts: []string{"01", "95", "2A", "2B", "971", "976"}},
		{ID: strings.Repeat("a", 64), Scope: "ingest"},
		{ID: "widget.v2_x-1", Scope: "search", Origins: []string{"http://localhost:8080", "https://www.example.org/"}},
		{ID: "types", Scope: "search", Types: []string{"coworking", "fablab", "mediation-numerique"}},
	} {
		var f keys.File
		if _, err := f.Add(e); err != nil {
			t.Errorf("Add(%+v): %v", e, err)
		}
	}
}

// TestKeysReadRefused: a keys file is read strictly: an unknown field (a
// misspelt territory would open a partner's key to everything), a
// malformed key, two keys alike; each error says what and where.
func TestKeysReadRefused(t *testing.T) {
	h1, h2 := keys.Hash("one"), keys.Hash("two")
	entry := func(fields string) string {
		return `{"keys": [{"id": "k", "scope": "search", "sha256": "` + h1 + `", "created": "2026-01-01T12:00:00Z"` + fields + `}]}`
	}
	for _, tc := range []struct {
		name, content string
		want          []string // each in the error
	}{
		{"misspelt depts", entry(`, "dept": ["12"]`), []string{`unknown field "dept"`}},
		{"misspelt polygon", entry(`, "polygone": [[[2, 44], [3, 44], [3, 45], [2, 44]]]`), []string{`unknown field "polygone"`}},
		{"unknown top-level field", `{"keys": [], "version": 2}`, []string{`unknown field "version"`}},
		{"bad scope", strings.Replace(entry(""), `"search"`, `"superuser"`, 1), []string{"key k", "superuser"}},
		{"bad département", entry(`, "depts": ["12", "99"]`), []string{"key k", `"99"`}},
		{"bad type", entry(`, "types": ["bar"]`), []string{"key k", `"bar"`}},
		{"bad polygon", entry(`, "polygon": [[[2, 44], [3, 44], [3, 45]]]`), []string{"key k", "polygon", "not closed"}},
		{"bad origin", entry(`, "origins": ["https://a.example/x"]`), []string{"key k", "origin"}},
		{"territory on an admin key", strings.Replace(entry(`, "depts": ["12"]`), `"search"`, `"admin"`, 1), []string{"key k", "only a search key"}},
		{"hash in capitals", strings.Replace(entry(""), h1, strings.ToUpper(h1), 1), []string{"key k", "sha256"}},
		{"secret instead of hash", strings.Replace(entry(""), h1, "tlk_abc", 1), []string{"sha256"}},
		{"no hash", `{"keys": [{"id": "k", "scope": "search"}]}`, []string{"sha256"}},
		{"duplicate id", `{"keys": [{"id": "k", "scope": "search", "sha256": "` + h1 + `"}, {"id": "k", "scope": "admin", "sha256": "` + h2 + `"}]}`, []string{"key k", "another key's"}},
		{"duplicate secret", `{"keys": [{"id": "k", "scope": "search", "sha256": "` + h1 + `"}, {"id": "l", "scope": "admin", "sha256": "` + h1 + `"}]}`, []string{"key l", "another key's"}},
		{"two values", `{"keys": []} {"keys": []}`, []string{"more than one"}},
		{"not JSON", `keys: []`, []string{"invalid character"}},
		{"keys not a list", `{"keys": {}}`, []string{"cannot unmarshal"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := MustWriteFile(t, tc.content)
			for name, read := range map[string]func(string) error{
				"Read": func(p string) error { _, err := keys.Read(p); return err },
				"Load": func(p string) error { _, err := keys.Load(p); return err },
			} {
				err := read(path)
				if err == nil {
					t.Errorf("%s accepted %s", name, tc.content)
					continue
				}
				for _, w := range append(tc.want, path) {
					if !strings.Contains(err.Error(), w) {
						t.Errorf("%s: error %q does not say %q", name, err, w)
					}
				}
			}
		})
	}
}

// TestKeysReadMissing: a keys file that does not exist is empty to Read (the
// first `keys add` creates it), an error to Load (a server told to use
// one must have it).
func TestKeysReadMissing(t *testing.T) {
	path := filepath.Join(t.TempDir(), "nokeys.json")
	f, err := keys.Read(path)
	if err != nil || f == nil || len(f.Keys) != 0 {
		t.Errorf("Read of a missing file: %v, %v; want an empty file", f, err)
	}
	if r, err := keys.Load(path); err == nil {
		t.Errorf("Load of a missing file gave %d keys, no error", r.Len())
	} else if !strings.Contains(err.Error(), "nokeys.json") {
		t.Errorf("Load error %q does not name the file", err)
	}
	if _, err := keys.Read(t.TempDir()); err == nil {
		t.Error("Read of a directory: no error")
	}
}

// TestKeysLookup: a ring finds the key of each secret, with its scope and
// territory, and no key for anything else: a wrong secret, an empty one,
// a secret's hash (what the file holds), a secret cut or padded.
func TestKeysLookup(t *testing.T) {
	var f keys.File
	secrets := map[string]string{}
	for _, e := range []keys.Entry{
		{ID: "ops", Scope: "admin"},
		{ID: "loader", Scope: "ingest"},
		{ID: "public", Scope: "search"},
		{ID: "aveyron", Scope: "search", Depts: []string{"12"}, Types: []string{"fablab"}, Polygon: aveyron, Origins: []string{"https://a.example"}},
	} {
		secrets[e.ID] = MustAdd(t, &f, e)
	}
	path := filepath.Join(t.TempDir(), "keys.json")
	if err := f.Write(path); err != nil {
		t.Fatal(err)
	}
	loaded, err := keys.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	for name, r := range map[string]*keys.Ring{"Ring": f.Ring(), "Load": loaded} {
		t.Run(name, func(t *testing.T) {
			if r.Len() != 4 {
				t.Errorf("Len %d, want 4", r.Len())
			}
			for _, e := range f.Keys {
				k, ok := r.Lookup(secrets[e.ID])
				if !ok {
					t.Errorf("%s: not found", e.ID)
					continue
				}
				if k.ID != e.ID || k.Scope != e.Scope || !slices.Equal(k.Depts, e.Depts) || !slices.Equal(k.Types, e.Types) ||
					!slices.Equal(k.Origins, e.Origins) || !polygonsEqual(k.Polygon, e.Polygon) {
					t.Errorf("%s: found %+v", e.ID, k)
				}
			}
			s := secrets["public"]
			for _, wrong := range []string{"", "tlk_", s[:len(s)-1], s + "x", " " + s, strings.ToUpper(s), keys.Hash(s), keys.NewSecret()} {
				if k, ok := r.Lookup(wrong); ok || k != nil {
					t.Errorf("Lookup(%q) found %v", wrong, k)
				}
			}
		})
	}
	if k, ok := (&keys.File{}).Ring().Lookup(""); ok || k != nil {
		t.Errorf("an empty ring found %v", k)
	}
}

// TestKeysParsePolygon: a territory comes from GeoJSON as map tools export
// it: a Polygon, a Feature of one, a FeatureCollection of exactly one;
// anything else is refused, saying why.
func TestKeysParsePolygon(t *testing.T) {
	ring := `[[[2.0, 44.0], [3.0, 44.0], [3.0, 45.0], [2.0, 44.0]]]`
	poly := `{"type": "Polygon", "coordinates": ` + ring + `}`
	feature := `{"type": "Feature", "properties": {"name": "Aveyron"}, "geometry": ` + poly + `}`
	for _, tc := range []struct {
		name, in string
		want     string // in the error; "" for success
	}{
		{"Polygon", poly, ""},
		{"Polygon with a hole", `{"type": "Polygon", "coordinates": [[[2, 44], [3, 44], [3, 45], [2, 44]], [[2.5, 44.2], [2.6, 44.2], [2.6, 44.3], [2.5, 44.2]]]}`, ""},
		{"Feature", feature, ""},
		{"FeatureCollection of one", `{"type": "FeatureCollection", "features": [` + feature + `]}`, ""},
		{"FeatureCollection of two", `{"type": "FeatureCollection", "features": [` + feature + `, ` + feature + `]}`, "2 features"},
		{"empty FeatureCollection", `{"type": "FeatureCollection", "features": []}`, "0 features"},
		{"MultiPolygon", `{"type": "MultiPolygon", "coordinates": [` + ring + `]}`, `"MultiPolygon"`},
		{"Point", `{"type": "Point", "coordinates": [2, 44]}`, `"Point"`},
		{"Feature of a Point", `{"type": "Feature", "geometry": {"type": "Point", "coordinates": [2, 44]}}`, `"Point"`},
		{"Feature without geometry", `{"type": "Feature", "geometry": null}`, "want a Polygon"},
		{"no type", `{"coordinates": ` + ring + `}`, "want a Polygon"},
		{"Polygon without coordinates", `{"type": "Polygon"}`, "without coordinates"},
		{"open ring", `{"type": "Polygon", "coordinates": [[[2, 44], [3, 44], [3, 45], [2, 45]]]}`, "not closed"},
		{"out of range", `{"type": "Polygon", "coordinates": [[[200, 44], [3, 44], [3, 45], [200, 44]]]}`, "out of range"},
		{"not JSON", `POLYGON((2 44, 3 44, 3 45, 2 44))`, "not GeoJSON"},
		{"empty", ``, "not GeoJSON"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, err := keys.ParsePolygon([]byte(tc.in))
			if tc.want != "" {
				if err == nil {
					t.Fatalf("accepted, gave %v", p)
				}
				if !strings.Contains(err.Error(), tc.want) {
					t.Errorf("error %q does not say %q", err, tc.want)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(p) == 0 || !polygonsEqual(p[:1], aveyron) && !polygonsEqual(p[:1], geo.Polygon{{{2, 44}, {3, 44}, {3, 45}, {2, 44}}}) {
				t.Errorf("parsed %v", p)
			}
			// What it gives, a key holds.
			var f keys.File
			if _, err := f.Add(keys.Entry{ID: "k", Scope: "search", Polygon: p}); err != nil {
				t.Errorf("a key refuses the polygon: %v", err)
			}
			// And it survives the file's JSON.
			b, _ := json.Marshal(f)
			path := MustWriteFile(t, string(b))
			g, err := keys.Read(path)
			if err != nil || !polygonsEqual(g.Keys[0].Polygon, p) {
				t.Errorf("read back %v, %v; want %v", g, err, p)
			}
		})
	}
}
