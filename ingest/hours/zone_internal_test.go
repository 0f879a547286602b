package hours

import (
	"testing"
	"time"
)

// TestCivil checks the integer calendar against the time package over four
// centuries, leap rules included.
func TestCivil(t *testing.T) {
	for day := int64(-200000); day <= 200000; day += 37 {
		y, m, d := civil(day)
		want := time.Unix(day*secondsPerDay, 0).UTC()
		if y != want.Year() || m != int(want.Month()) || d != want.Day() || weekdayOfDay(day) != int(want.Weekday()) {
			t.Fatalf("day %d: %d-%d-%d weekday %d, want %v", day, y, m, d, weekdayOfDay(day), want)
		}
		if back := dayNumber(y, m, d); back != day {
			t.Fatalf("dayNumber(%d, %d, %d) = %d, want %d", y, m, d, back, day)
		}
	}
}
