package hours

import "reflect"

// SameRules reports whether two schedules compiled to the same rules, for
// the round-trip property of FuzzParse.
func SameRules(a, b *Schedule) bool { return reflect.DeepEqual(a.rules, b.rules) }
