// Package keys keeps a server's API keys in a JSON file and finds the key
// a request presents. The file holds, for each key, its scope and a
// SHA-256 of its secret, never the secret itself: a copy of the file
// (a backup, a leaked disk) lets nobody in. A partner's search key also
// holds its territory and the origins allowed to use it:
//
//	{"keys": [
//	  {"id": "ops", "scope": "admin", "sha256": "9f86d0…", "created": "2026-01-01T12:00:00Z"},
//	  {"id": "aveyron-widget", "scope": "search", "sha256": "…", "created": "…",
//	   "depts": ["12"], "types": ["fablab"],
//	   "polygon": [[[2.0, 44.0], [3.0, 44.0], [3.0, 45.0], [2.0, 44.0]]],
//	   "origins": ["https://www.aveyron.example"]}
//	]}
//
// Unknown fields are an error, not ignored: a territory misspelt
// ("dept") would otherwise open a partner's key to the whole catalog. It
// imports httpapi for the Key it hands the server, and nothing of the
// engine.
package keys

import (
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"time"

	"github.com/tierslieux/tierslieux/cmd/internal/httpapi"
	"github.com/tierslieux/tierslieux/geo"
)

// File is the keys file.
type File struct {
	Keys []Entry `json:"keys"`
}

// Entry is one key as the file holds it.
type Entry struct {
	ID      string    `json:"id"`
	Scope   string    `json:"scope"`  // admin, ingest or search
	SHA256  string    `json:"sha256"` // of the secret, hex
	Created time.Time `json:"created"`
	// The territory of a search key: its searches keep the places in one
	// of Depts (département codes), of one of Types (vocabulary IDs) and
	// inside Polygon (GeoJSON Polygon coordinates), whatever they ask.
	Depts   []string    `json:"depts,omitempty"`
	Types   []string    `json:"types,omitempty"`
	Polygon geo.Polygon `json:"polygon,omitempty"`
	// Origins are the pages' origins (https://www.example.org) a search
	// key may be used from; empty: any.
	Origins []string `json:"origins,omitempty"`
}

// secretPrefix starts every secret, so that secret scanners and people
// recognise one in a config file or a log.
const secretPrefix = "tlk_"

// NewSecret returns a new secret: 32 random bytes, base64url, after
// secretPrefix.
func NewSecret() string {
	b := make([]byte, 32)
	rand.Read(b)
	return secretPrefix + base64.RawURLEncoding.EncodeToString(b)
}

// Hash is what the file holds of a secret: its SHA-256, in hex. A
// secret of 256 random bits needs no salt nor slow hash: it cannot be
// guessed, only stolen.
func Hash(secret string) string {
	h := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(h[:])
}

var (
	idPattern   = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$`)
	hashPattern = regexp.MustCompile(`^[0-9a-f]{64}$`)
	// A département code: 01 to 95, 2A, 2B, 971 to 976; not 20, Corsica's
	// before it was split, which no place has.
	deptPattern = regexp.MustCompile(`^(0[1-9]|1[0-9]|2[1-9]|[3-8][0-9]|9[0-5]|2A|2B|97[1-6])$`)
)

// Validate checks an entry: an ID, a scope, a hash, and a territory only
// for a search key, each part well formed.
func (e *Entry) Validate() error {
	switch {
	case !idPattern.MatchString(e.ID):
		return fmt.Errorf("key id %q: want 1 to 64 letters, digits, '.', '_' or '-'", e.ID)
	case !httpapi.ValidScope(e.Scope):
		return fmt.Errorf("key %s: scope %q: want admin, ingest or search", e.ID, e.Scope)
	case !hashPattern.MatchString(e.SHA256):
		return fmt.Errorf("key %s: sha256 %q: want 64 lower-case hex digits", e.ID, e.SHA256)
	case e.Scope != httpapi.ScopeSearch && (len(e.Depts) > 0 || len(e.Types) > 0 || len(e.Polygon) > 0 || len(e.Origins) > 0):
		return fmt.Errorf("key %s: only a search key has a territory or origins; an %s key reaches everything", e.ID, e.Scope)
	}
	for _, d := range e.Depts {
		if !deptPattern.MatchString(d) {
			return fmt.Errorf("key %s: %q is not a département code (12, 2A, 971)", e.ID, d)
		}
	}
	for _, t := range e.Types {
		if !validType(t) {
			return fmt.Errorf("key %s: %q is not a type (%s)", e.ID, t, typeIDs())
		}
	}
	if len(e.Polygon) > 0 {
		if err := checkPolygon(e.Polygon); err != nil {
			return fmt.Errorf("key %s: polygon: %w", e.ID, err)
		}
	}
	for _, o := range e.Origins {
		if err := checkOrigin(o); err != nil {
			return fmt.Errorf("key %s: %w", e.ID, err)
		}
	}
	return nil
}

// Read reads and checks a keys file. A file that does not exist is
// empty (the first `keys add` creates it); Load, for a server, wants one.
func Read(path string) (*File, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return &File{}, nil
	}
	if err != nil {
		return nil, err
	}
	return parse(path, b)
}

func parse(path string, b []byte) (*File, error) {
	var f File
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&f); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if dec.More() {
		return nil, fmt.Errorf("%s: more than one JSON value", path)
	}
	seenID, seenHash := map[string]bool{}, map[string]bool{}
	for i := range f.Keys {
		e := &f.Keys[i]
		if err := e.Validate(); err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		if seenID[e.ID] || seenHash[e.SHA256] {
			return nil, fmt.Errorf("%s: key %s: its id or its secret is another key's too", path, e.ID)
		}
		seenID[e.ID], seenHash[e.SHA256] = true, true
	}
	return &f, nil
}

// Add adds a key with a new secret, which it returns: the only time the
// secret exists outside its holder's hands. An empty e.ID gets a random
// one; e.SHA256 and e.Created are set here.
func (f *File) Add(e Entry) (secret string, err error) {
	if e.ID == "" {
		b := make([]byte, 4)
		rand.Read(b)
		e.ID = e.Scope + "-" + hex.EncodeToString(b)
	}
	if f.find(e.ID) >= 0 {
		return "", fmt.Errorf("a key named %s exists already", e.ID)
	}
	secret = NewSecret()
	e.SHA256, e.Created = Hash(secret), time.Now().UTC().Truncate(time.Second)
	if err := e.Validate(); err != nil {
		return "", err
	}
	f.Keys = append(f.Keys, e)
	return secret, nil
}

// Remove removes the key named id.
func (f *File) Remove(id string) error {
	i := f.find(id)
	if i < 0 {
		return fmt.Errorf("no key named %s", id)
	}
	f.Keys = slices.Delete(f.Keys, i, i+1)
	return nil
}

func (f *File) find(id string) int {
	return slices.IndexFunc(f.Keys, func(e Entry) bool { return e.ID == id })
}

// Write writes the file atomically, readable by its owner only: through a
// temporary file in the same directory, synced, then renamed over the
// old one, so a server reading it sees the old keys or the new ones.
func (f *File) Write(path string) error {
	b, err := json.MarshalIndent(f, "", "  ")
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return err
	}
	_, err = tmp.Write(append(b, '\n'))
	err = errors.Join(err, tmp.Chmod(0o600), tmp.Sync(), tmp.Close())
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

// Ring is the keys of a file as the server looks them up: an
// httpapi.Keyring.
type Ring struct {
	hashes [][sha256.Size]byte
	keys   []*httpapi.Key
}

// Load reads a keys file for a server: it must exist.
func Load(path string) (*Ring, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("keys: %w", err)
	}
	f, err := parse(path, b)
	if err != nil {
		return nil, fmt.Errorf("keys: %w", err)
	}
	return f.Ring(), nil
}

// Ring returns the file's keys for lookups.
func (f *File) Ring() *Ring {
	r := &Ring{}
	for _, e := range f.Keys {
		var h [sha256.Size]byte
		hex.Decode(h[:], []byte(e.SHA256))
		r.hashes = append(r.hashes, h)
		r.keys = append(r.keys, &httpapi.Key{ID: e.ID, Scope: e.Scope, Depts: e.Depts, Types: e.Types,
			Polygon: e.Polygon, Origins: e.Origins})
	}
	return r
}

// constantTimeCompare is subtle's; tests count its calls.
var constantTimeCompare = subtle.ConstantTimeCompare

// Len is the number of keys.
func (r *Ring) Len() int { return len(r.keys) }

// Lookup finds the key whose secret is presented. It compares the
// secret's hash with every key's, in constant time, without stopping at
// a match: how long it takes says nothing of which keys exist.
func (r *Ring) Lookup(secret string) (*httpapi.Key, bool) {
	h := sha256.Sum256([]byte(secret))
	found := -1
	for i := range r.hashes {
		eq := constantTimeCompare(h[:], r.hashes[i][:])
		found = subtle.ConstantTimeSelect(eq, i, found)
	}
	if found < 0 {
		return nil, false
	}
	return r.keys[found], true
}
