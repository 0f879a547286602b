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
