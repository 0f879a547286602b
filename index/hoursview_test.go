package index_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/tierslieux/tierslieux/index"
	"github.com/tierslieux/tierslieux/index/indextest"
	"github.com/tierslieux/tierslieux/ingest/hours"
)

// TestHitsHoursOnReusedPages: each hit's hours say what its place's
// timetable says at the query's time, and are written as it says them,
// page after page, each page's views made in storage a released page
// left (small pages first, then pages of a hundred places with many
// timetables), minute after minute.
func TestHitsHoursOnReusedPages(t *testing.T) {
	cat := indextest.Demo(t)
	e := index.NewEngine(cat)
	withHours := 0
	// Minutes one after another on the same engine, each saying other
	// things (a weekday morning, its lunch break, a Saturday evening, a
	// Sunday), then the first again: no minute's view or text is
	// another's.
	for _, now := range []time.Time{
		time.Date(2026, 6, 3, 10, 30, 0, 0, time.UTC),
		time.Date(2026, 6, 3, 10, 31, 0, 0, time.UTC),
		time.Date(2026, 6, 3, 12, 15, 0, 0, time.UTC),
		time.Date(2026, 6, 6, 17, 5, 0, 0, time.UTC),
		time.Date(2026, 6, 7, 9, 0, 0, 0, time.UTC),
		time.Date(2026, 6, 3, 10, 30, 0, 0, time.UTC),
	} {
		for _, limit := range []int{3, 20, 100, 5, 100} {
			for _, near := range []*index.Anchor{
				{Name: "Toulouse", Lat: 43.60426, Lon: 1.44367},
				{Name: "Rodez", Lat: 44.35, Lon: 2.575},
			} {
				q := index.Query{Near: near, RadiusMeters: 400_000, Sort: index.SortDistance, Limit: limit, Now: now}
				res, err := e.Search(context.Background(), q)
				if err != nil {
					t.Fatal(err)
				}
				for _, h := range res.Hits {
					o, ok := cat.Ordinal(h.Place.ID)
					if !ok {
						t.Fatalf("%s: no ordinal", h.Place.ID)
					}
					s := cat.Schedule(o)
					if s == nil {
						if h.Hours != nil {
							t.Errorf("%s: hours %+v, want none (unknown)", h.Place.ID, h.Hours)
						}
						continue
					}
					withHours++
					if h.Hours == nil || h.Hours.OpenNow == nil {
						t.Fatalf("%s: no hours view, want one", h.Place.ID)
					}
					if got, want := *h.Hours.OpenNow, s.OpenAt(now); got != want {
						t.Errorf("%s: open now %v, timetable says %v", h.Place.ID, got, want)
					}
					if !slices.Equal(h.Hours.Today, s.Day(now)) {
						t.Errorf("%s: today %v, timetable says %v", h.Place.ID, h.Hours.Today, s.Day(now))
					}
					next, ok := s.NextChange(now)
					if !ok {
						next = time.Time{}
					}
					if !h.Hours.NextChange.Equal(next) {
						t.Errorf("%s: next change %v, timetable says %v", h.Place.ID, h.Hours.NextChange, next)
					}
					// As written, from texts the searches of the minute share.
					wantNext := ""
					if !next.IsZero() {
						wantNext = next.Format(time.RFC3339)
					}
					if got := h.Hours.NextChangeText(); got != wantNext {
						t.Errorf("%s: next change written %q, want %q", h.Place.ID, got, wantNext)
					}
					for _, l := range []hours.Lang{hours.French, hours.English} {
						if got, want := h.Hours.TodayText(l), hours.FormatDay(s.Day(now), l); got != want {
							t.Errorf("%s: today written %q, want %q", h.Place.ID, got, want)
						}
					}
				}
				res.Release()
			}
		}
	}
	if withHours < 100 {
		t.Errorf("%d hits with hours checked: the demo data should give more", withHours)
	}
}
