package index

import (
	"math/rand/v2"
	"reflect"
	"testing"
	"time"

	"github.com/tierslieux/tierslieux/ingest/hours"
)

// TestMinuteViews: what a schedule says through its minute view is, at
// every instant, what the schedule says when asked at that instant: its
// state, its day, its next change (found or not, and when); asked in any
// order within a minute, in any location, across changes of offset,
// before 1911 (when Paris's minutes were not UTC's), and at the
// horizon's edge, where an instant after the minute's start sees a
// change its start does not.
func TestMinuteViews(t *testing.T) {
	values := []string{
		"Mo-Fr 09:00-17:00", "24/7", "off", "Su 01:00-04:00", "Su 02:30-05:00", "24/7; Dec 25 off",
		"Dec 25 10:00-12:00", "Feb 29 10:00-12:00", "Fr 18:00-02:00", "2027 Dec 02 10:00-12:00",
		"Mo-Fr 09:00-12:00,14:00-18:00; PH off", "Mo-Sa 08:30-19:00; Su 10:00-13:00",
	}
	s := newSchedules(len(values))
	seen := map[string]int32{}
	for o, v := range values {
		s.add(o, v, seen)
		if s.byPlace[o] < 0 {
			t.Fatalf("%q does not parse", v)
		}
	}
	paris := hours.Location()
	zones := []*time.Location{time.UTC, paris, time.FixedZone("UTC+5:30", 5*3600+1800)}
	var instants []time.Time
	r := rand.New(rand.NewPCG(3, 4))
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for range 3000 {
		at := base.Add(time.Duration(r.Int64N(int64(2 * 365 * 24 * time.Hour))))
		instants = append(instants, at)
		// The same minute again, earlier and later.
		start := at.Truncate(time.Minute)
		instants = append(instants, start.Add(time.Duration(r.Int64N(int64(time.Minute)))), start)
	}
	// Around the changes of offset, minute by minute and second by second.
	for _, day := range []time.Time{time.Date(2026, 3, 29, 0, 0, 0, 0, paris), time.Date(2026, 10, 25, 0, 0, 0, 0, paris)} {
		for m := range 6 * 60 {
			at := day.Add(time.Duration(m) * time.Minute)
			instants = append(instants, at.Add(59*time.Second), at, at.Add(time.Second))
		}
	}
	// Before 1911 Paris ran 9 min 21 s ahead of UTC: its minutes are not
	// UTC's.
	for _, day := range []time.Time{time.Date(1900, 6, 1, 8, 50, 0, 0, time.UTC), time.Date(1911, 3, 10, 23, 40, 0, 0, time.UTC)} {
		for sec := range 40 * 60 {
			if sec%7 == 0 {
				instants = append(instants, day.Add(time.Duration(sec)*time.Second))
			}
		}
	}
	// The horizon's edge: the dated opening a horizon after a minute's
	// start, asked at that start and just after, in both orders.
	change := time.Date(2027, 12, 2, 10, 0, 0, 0, paris)
	edge := change.Add(-hours.Horizon)
	instants = append(instants, edge, edge.Add(time.Second), edge.Add(59*time.Second), edge.Add(30*time.Second), edge,
		edge.Add(-time.Second), edge.Add(time.Minute))
	checked := 0
	for k, now := range instants {
		now = now.In(zones[k%len(zones)])
		for o, v := range values {
			i := s.byPlace[o]
			sc := s.list[i]
			got := s.at(i, now)
			if open := sc.OpenAt(now); got.open != open {
				t.Fatalf("%q at %v: open %v, want %v", v, now, got.open, open)
			}
			if day := sc.Day(now); !reflect.DeepEqual(got.today, day) {
				t.Fatalf("%q at %v: day %v, want %v", v, now, got.today, day)
			}
			next, found := sc.NextChange(now)
			if found == got.next.IsZero() || (found && (!got.next.Equal(next) || got.next.Format(time.RFC3339) != next.Format(time.RFC3339))) {
				t.Fatalf("%q at %v: next change %v, want %v (%v)", v, now, got.next, next, found)
			}
			checked++
		}
	}
	if checked < 100_000 {
		t.Fatalf("%d checks", checked)
	}
	// The edge is there: a change seen a second after the minute's start
	// and not at it.
	i := s.byPlace[9]
	if _, found := s.list[i].NextChange(edge); found {
		t.Errorf("the dated opening is within the horizon of %v: the edge is not tested", edge)
	}
	if _, found := s.list[i].NextChange(edge.Add(time.Second)); !found {
		t.Errorf("the dated opening is beyond the horizon of %v: the edge is not tested", edge.Add(time.Second))
	}
}
