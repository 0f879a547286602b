package hours_test

import (
	"testing"
	"time"

	"github.com/tierslieux/tierslieux/ingest/hours"
)

// MustTime reads a Paris wall time ("2026-06-01 10:00", "2026-06-01") or an
// instant with its offset ("2026-10-25T02:30+01:00", needed inside the
// repeated autumn hour).
func MustTime(tb testing.TB, s string) time.Time {
	tb.Helper()
	for _, layout := range []string{"2006-01-02T15:04Z07:00", time.RFC3339} {
		if t, err := time.Parse(layout, s); err == nil {
			return t
		}
	}
	for _, layout := range []string{"2006-01-02 15:04", "2006-01-02"} {
		if t, err := time.ParseInLocation(layout, s, hours.Location()); err == nil {
			return t
		}
	}
	tb.Fatalf("bad test time %q", s)
	return time.Time{}
}

// MustParse parses an opening_hours value the test expects to be valid.
func MustParse(tb testing.TB, value string) *hours.Schedule {
	tb.Helper()
	s, err := hours.Parse(value)
	if err != nil {
		tb.Fatalf("Parse(%q): %v", value, err)
	}
	return s
}
