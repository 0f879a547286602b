package ingest

import "testing"

// TestAliasesAreUnambiguous: no folded header is an alias of two fields,
// which would make its reading depend on map order.
func TestAliasesAreUnambiguous(t *testing.T) {
	seen := map[string]string{}
	for field, aliases := range fieldAliases {
		for _, a := range append([]string{field}, aliases...) {
			k := TermKey(a)
			if other, dup := seen[k]; dup && other != field {
				t.Errorf("header %q reads as both %s and %s", a, other, field)
			}
			seen[k] = field
		}
	}
}
