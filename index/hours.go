package index

import (
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/tierslieux/tierslieux/ingest/hours"
)

// schedules are the catalog's opening hours, parsed once: places sharing
// a value share a schedule, so a query evaluates each value once however
// many places have it.
type schedules struct {
	list    []*hours.Schedule
	byPlace []int32 // index into list, -1 when the hours are unknown
	// minutes keeps, for each schedule, what it says in the last minute
	// asked: every search of that minute answers the same.
	minutes *minuteViews
}

func newSchedules(n int) schedules {
	return schedules{byPlace: make([]int32, n), minutes: &minuteViews{}}
}

// minuteViews are the schedules' last minute views, one slot a schedule,
// made at the first search (the list is complete by then).
type minuteViews struct {
	once  sync.Once
	slots []atomic.Pointer[minuteView]
}

// minuteView is what a schedule says throughout one minute. States only
// change at a schedule's cut minutes and at UTC-offset changes, both on
// the Paris minute, so every instant of a minute has the same state and
// day, and the same next change: the first cut after the minute, found
// from its start. (Next changes and days are Paris times whatever the
// location asked in.)
type minuteView struct {
	start time.Time // of the minute
	open  bool
	next  time.Time // zero when none
	today []hours.Span
	text  *hoursText
}

// at returns what schedule i says at now.
func (s *schedules) at(i int32, now time.Time) minuteView {
	m := s.minutes
	m.once.Do(func() { m.slots = make([]atomic.Pointer[minuteView], len(s.list)) })
	start := now.Truncate(time.Minute)
	slot := &m.slots[i]
	if v := slot.Load(); v != nil && v.start.Equal(start) {
		return *v
	}
	sc := s.list[i]
	// Read only, and shared: clipped, so that an append copies.
	v := minuteView{start: start, open: sc.OpenAt(now), today: slices.Clip(sc.Day(now)), text: &hoursText{}}
	next, found := sc.NextChange(start)
	if found {
		v.next = next
	}
	if _, offset := start.In(hours.Location()).Zone(); offset%60 != 0 {
		// Paris's minutes were not UTC's before 1911 (+0:09:21): the
		// minute's start is not the Paris minute's, nothing is shared.
		v.next, _ = sc.NextChange(now)
		return v
	}
	if !found && sc.OpenAt(start.Add(hours.Horizon)) != v.open {
		// A change at the horizon's very end, in the window of an
		// instant after the minute's start but not of the start: this
		// one is not the minute's to share.
		v.next, _ = sc.NextChange(now)
		return v
	}
	slot.Store(&v)
	return v
}

// add parses a place's hours; a value that does not parse (ingest warned
// of it) is unknown, not closed.
func (s *schedules) add(o int, value string, seen map[string]int32) {
	i, ok := seen[value]
	if !ok {
		i = -1
		if sc, err := hours.Parse(value); err == nil && value != "" {
			i = int32(len(s.list))
			s.list = append(s.list, sc)
		}
		seen[value] = i
	}
	s.byPlace[o] = i
}

// Schedule returns a place's opening hours, nil when unknown.
func (c *Catalog) Schedule(o uint32) *hours.Schedule {
	if i := c.hours.byPlace[o]; i >= 0 {
		return c.hours.list[i]
	}
	return nil
}

// openFilter is a query's open= condition: each schedule is evaluated
// once, when a place with it is first met.
type openFilter struct {
	when    hours.When
	include bool // places with unknown hours pass
	sched   *schedules
	memo    []int8 // per schedule: 0 not yet, 1 open, 2 not
}

func newOpenFilter(s *schedules, w hours.When, includeUnknown bool) *openFilter {
	return &openFilter{when: w, include: includeUnknown, sched: s, memo: make([]int8, len(s.list))}
}

// state says whether a place is open when asked: known says its hours
// are known at all.
func (f *openFilter) state(o uint32) (open, known bool) {
	i := f.sched.byPlace[o]
	if i < 0 {
		return false, false
	}
	if f.memo[i] == 0 {
		f.memo[i] = 2
		if f.when.Match(f.sched.list[i]) {
			f.memo[i] = 1
		}
	}
	return f.memo[i] == 1, true
}

func (f *openFilter) pass(o uint32) bool {
	open, known := f.state(o)
	return open || (!known && f.include)
}

// HoursView is what a result says of its hours at the query's time.
type HoursView struct {
	// OpenNow is nil when the hours are unknown.
	OpenNow *bool
	// NextChange is when it next opens or closes; zero when never or
	// unknown. Read only: its text is kept (NextChangeText).
	NextChange time.Time
	// Today are the opening spans of the query's day, shared by the
	// searches of that minute: read only.
	Today []hours.Span
	// text holds the above as written, shared like Today; nil in a view
	// made otherwise.
	text *hoursText
}

// hoursText is a minute view's hours as answers write them, made by the
// first answer that writes them: the pages of a minute share a few
// timetables, each written the same in every answer.
type hoursText struct {
	next  atomic.Pointer[string]
	today [2]atomic.Pointer[string] // by hours.Lang
}

// NextChangeText is NextChange in RFC 3339, "" when zero.
func (v *HoursView) NextChangeText() string {
	if v.NextChange.IsZero() {
		return ""
	}
	if v.text == nil {
		return v.NextChange.Format(time.RFC3339)
	}
	if s := v.text.next.Load(); s != nil {
		return *s
	}
	s := v.NextChange.Format(time.RFC3339)
	v.text.next.Store(&s)
	return s
}

// TodayText is hours.FormatDay(v.Today, l).
func (v *HoursView) TodayText(l hours.Lang) string {
	if v.text == nil || int(l) >= len(v.text.today) {
		return hours.FormatDay(v.Today, l)
	}
	if s := v.text.today[l].Load(); s != nil {
		return *s
	}
	s := hours.FormatDay(v.Today, l)
	v.text.today[l].Store(&s)
	return s
}

// hoursView is what place o's hours say at now, nil when unknown. The
// view is made in pg, once a page for each timetable: the places of a
// page share a few, each read once (a view is read-only).
func (c *Catalog) hoursView(o uint32, now time.Time, pg *page) *HoursView {
	i := c.hours.byPlace[o]
	if i < 0 {
		return nil
	}
	if j := slices.Index(pg.sched, i); j >= 0 {
		return &pg.views[j]
	}
	mv := c.hours.at(i, now)
	n := len(pg.views)
	pg.sched = append(pg.sched, i)
	pg.open = append(pg.open, mv.open)
	pg.views = append(pg.views, HoursView{OpenNow: &pg.open[n], Today: mv.today, NextChange: mv.next, text: mv.text})
	return &pg.views[n]
}
