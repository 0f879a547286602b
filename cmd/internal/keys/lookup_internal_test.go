package keys

import (
	"crypto/subtle"
	"testing"
)

// TestLookupComparesEveryKey: a lookup compares the secret with every
// key, whether it matches the first, the last or none, so its time does
// not say where, or whether, a key matched.
func TestLookupComparesEveryKey(t *testing.T) {
	var f File
	var secrets []string
	for range 5 {
		s, err := f.Add(Entry{Scope: "search"})
		if err != nil {
			t.Fatal(err)
		}
		secrets = append(secrets, s)
	}
	r := f.Ring()
	calls := 0
	constantTimeCompare = func(a, b []byte) int { calls++; return subtle.ConstantTimeCompare(a, b) }
	defer func() { constantTimeCompare = subtle.ConstantTimeCompare }()
	for _, tc := range []struct {
		name   string
		secret string
		want   string
	}{
		{"first", secrets[0], f.Keys[0].ID},
		{"last", secrets[4], f.Keys[4].ID},
		{"none", "tlk_nothing", ""},
		{"empty", "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			calls = 0
			k, ok := r.Lookup(tc.secret)
			if calls != len(secrets) {
				t.Errorf("%d comparisons, want %d", calls, len(secrets))
			}
			if got := ""; ok {
				got = k.ID
				if got != tc.want {
					t.Errorf("Lookup found %s, want %q", got, tc.want)
				}
			} else if tc.want != "" {
				t.Errorf("Lookup found nothing, want %s", tc.want)
			}
		})
	}
}

// FuzzParse: a keys file, whatever it holds, is read or refused with an
// error, never a panic; what is read validates, writes and reads back
// the same.
func FuzzParse(f *testing.F) {
	f.Add([]byte(`{"keys":[]}`))
	f.Add([]byte(`{"keys":[{"id":"ops","scope":"admin","sha256":"` + Hash("s") + `","created":"2026-01-01T00:00:00Z"}]}`))
	f.Add([]byte(`{"keys":[{"id":"av","scope":"search","sha256":"` + Hash("t") + `","created":"2026-01-01T00:00:00Z","depts":["12"],"types":["fablab"],"polygon":[[[2,44],[3,44],[3,45],[2,44]]],"origins":["https://a.example"]}]}`))
	f.Add([]byte(`{"keys":[{"id":"x","dept":["12"]}]}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		file, err := parse("keys.json", b)
		if err != nil {
			return
		}
		for i := range file.Keys {
			if err := file.Keys[i].Validate(); err != nil {
				t.Fatalf("read a key that does not validate: %v", err)
			}
		}
		path := t.TempDir() + "/keys.json"
		if err := file.Write(path); err != nil {
			t.Fatal(err)
		}
		again, err := Read(path)
		if err != nil {
			t.Fatalf("a file written from a read one does not read: %v", err)
		}
		if len(again.Keys) != len(file.Keys) {
			t.Fatalf("%d keys read back, %d written", len(again.Keys), len(file.Keys))
		}
		ring := file.Ring()
		ring.Lookup("tlk_x")
	})
}
