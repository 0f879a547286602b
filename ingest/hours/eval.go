package hours

import "time"

// Horizon bounds NextChange: a year and a day, so that yearly rules
// ("Dec 25 off" in an otherwise 24/7 schedule) are always found.
const Horizon = 367 * 24 * time.Hour

// layer is what the rules of one day say about one minute of that day's own
// timeline, which runs from its midnight to 48:00 (times past midnight).
type layer uint8

const (
	lNone    layer = iota // no rule covers the minute
	lClosed               // closed by a rule without times ("Su off"): leaves the previous night alone
	lMask                 // closed by explicit times ("12:00-14:00 off"): closes whatever else opens
	lOpen                 // open
	lUnknown              // unknown
)

// dayInfo is what selectors look at: one Paris calendar date.
type dayInfo struct {
	y, m, d int
	wd      int    // time.Weekday
	nth     uint16 // daySel.nth bits this date satisfies
	ph      bool
}

func (s *Schedule) info(di *dayInfo, day int64) {
	y, m, d := civil(day)
	di.y, di.m, di.d = y, m, d
	di.wd = weekdayOfDay(day)
	di.nth = 1<<((d-1)/7) | 1<<(5+(daysIn(y, m)-d)/7)
	di.ph = false
	if s.usesPH {
		_, di.ph = holidayName(y, m, d)
	}
}

func (ds *daySel) match(di *dayInfo) bool {
	days := ds.mask != 0
	wdOK := ds.mask&(1<<di.wd) != 0
	if n := ds.nth[di.wd]; n != 0 {
		days = true
		wdOK = wdOK || n&di.nth != 0
	} else if !days {
		for _, n := range ds.nth {
			if n != 0 {
				days = true
				break
			}
		}
	}
	hols := ds.ph || ds.sh
	hol := ds.ph && di.ph
	switch {
	case !days && !hols:
		return true
	case ds.both:
		return hol && wdOK
	}
	return wdOK || hol
}

func (d *dateRange) match(di *dayInfo) bool {
	k := di.m*32 + di.d
	if d.y1 != 0 {
		k += di.y * 512
		return d.from <= k && k <= d.to
	}
	if d.from <= d.to {
		return d.from <= k && k <= d.to
	}
	return k >= d.from || k <= d.to
}

func (r *rule) selects(di *dayInfo) bool {
	if len(r.years) > 0 {
		ok := false
		for _, y := range r.years {
			if y.from <= di.y && di.y <= y.to {
				ok = true
				break
			}
		}
		if !ok {
			return false
		}
	}
	if len(r.dates) > 0 {
		ok := false
		for i := range r.dates {
			if r.dates[i].match(di) {
				ok = true
				break
			}
		}
		if !ok {
			return false
		}
	}
	return r.days.match(di)
}

// at says what the rule paints on minute m of a day it selects.
func (r *rule) at(m int) (layer, bool) {
	if len(r.spans) == 0 {
		switch r.state {
		case Closed:
			// A closed day also cancels its own night: "Mo-Su 18:00-02:00; Su off"
			// is not open early on Monday.
			return lClosed, m < 2*minutesPerDay
		case Unknown:
			return lUnknown, m < minutesPerDay
		}
		return lOpen, m < minutesPerDay
	}
	hit, sure := false, false
	for _, sp := range r.spans {
		if sp.from <= m && m < sp.to {
			hit = true
			if !sp.openEnd {
				sure = true
				break
			}
		}
	}
	switch {
	case !hit:
		return lNone, false
	case r.state == Closed:
		return lMask, true
	case r.state == Unknown || !sure:
		return lUnknown, true
	}
	return lOpen, true
}

// own evaluates the rules for minute m of the day's own timeline.
func (s *Schedule) own(di *dayInfo, m int) layer {
	st := lNone
	for i := range s.rules {
		r := &s.rules[i]
		if !r.selects(di) {
			continue
		}
		if r.resets {
			st = lNone
		}
		v, ok := r.at(m)
		if !ok || r.kind == fallback && st != lNone {
			continue
		}
		st = v
	}
	return st
}

// stateAt combines the day's own timeline with what the previous day's
// rules run past midnight: "Fr 18:00-02:00" is open early on Saturday
// whatever Saturday's rules say, unless they close those times explicitly.
func (s *Schedule) stateAt(cur, prev *dayInfo, m int) State {
	o := s.own(cur, m)
	p := lNone
	if s.spills {
		p = s.own(prev, m+minutesPerDay)
	}
	return combine(o, p)
}

func combine(o, p layer) State {
	switch {
	case o == lMask || p == lMask:
		return Closed
	case o == lOpen || p == lOpen:
		return Open
	case o == lUnknown || p == lUnknown:
		return Unknown
	}
	return Closed
}

// StateAt returns the state of the schedule at t, read on the Paris wall
// clock. It allocates nothing.
func (s *Schedule) StateAt(t time.Time) State {
	if s == nil {
		return Unknown
	}
	w := wallSeconds(t)
	day := floorDiv(w, secondsPerDay)
	var cur, prev dayInfo
	s.info(&cur, day)
	if s.spills {
		s.info(&prev, day-1)
	}
	return s.stateAt(&cur, &prev, int((w-day*secondsPerDay)/60))
}

// OpenAt reports whether the place is open at t. Unknown counts as not open.
// It allocates nothing.
func (s *Schedule) OpenAt(t time.Time) bool { return s.StateAt(t) == Open }

// OpenThroughout reports whether the place is open at every moment of
// [from, to). An empty window asks about from alone.
func (s *Schedule) OpenThroughout(from, to time.Time) bool {
	if s == nil {
		return false
	}
	if !to.After(from) {
		return s.OpenAt(from)
	}
	_, found := s.scan(from, to, notOpen)
	return !found
}

// OpenDuring reports whether the place is open at some moment of [from, to).
// An empty window asks about from alone.
func (s *Schedule) OpenDuring(from, to time.Time) bool {
	if s == nil {
		return false
	}
	if !to.After(from) {
		return s.OpenAt(from)
	}
	_, found := s.scan(from, to, isOpen)
	return found
}

// NextChange returns the first instant after t at which the place opens or
// closes (OpenAt changes), looking a year and a day ahead. It returns false
// when nothing changes in that horizon, as for 24/7 or a closed place. The
// time is in Europe/Paris.
func (s *Schedule) NextChange(t time.Time) (time.Time, bool) {
	if s == nil {
		return time.Time{}, false
	}
	stop := isOpen
	if s.OpenAt(t) {
		stop = notOpen
	}
	return s.scan(t, t.Add(Horizon), stop)
}

func isOpen(st State) bool  { return st == Open }
func notOpen(st State) bool { return st != Open }

// scan returns the first instant of [from, to) whose state satisfies stop.
// States only change at the schedule's cut minutes and at UTC-offset
// changes, so it checks from itself and then each cut, walking the window
// in pieces of constant offset: inside a piece wall time and instants move
// together, which makes the spring-forward gap and the repeated autumn hour
// fall out of the arithmetic. It allocates nothing.
func (s *Schedule) scan(from, to time.Time, stop func(State) bool) (time.Time, bool) {
	for from.Before(to) {
		local := from.In(paris)
		_, off := local.Zone()
		end := to
		if _, zoneEnd := local.ZoneBounds(); !zoneEnd.IsZero() && zoneEnd.Before(end) {
			end = zoneEnd
		}
		w0 := from.Unix() + int64(off)
		w1 := end.Unix() + int64(off)
		if end.Nanosecond() > 0 {
			w1++
		}
		day := floorDiv(w0, secondsPerDay)
		var cur, prev dayInfo
		s.info(&cur, day)
		if s.spills {
			s.info(&prev, day-1)
		}
		if stop(s.stateAt(&cur, &prev, int((w0-day*secondsPerDay)/60))) {
			return from.In(paris), true
		}
		for first := true; day*secondsPerDay < w1; day++ {
			if !first {
				prev = cur
				s.info(&cur, day)
			}
			first = false
			for _, c := range s.cuts {
				w := day*secondsPerDay + int64(c)*60
				if w <= w0 {
					continue
				}
				if w >= w1 {
					break
				}
				if stop(s.stateAt(&cur, &prev, c)) {
					return time.Unix(w-int64(off), 0).In(paris), true
				}
			}
		}
		from = end
	}
	return time.Time{}, false
}

// Span is a stretch of time during which a place is open (or its state is
// unknown). End is exclusive.
type Span struct {
	Start, End time.Time
	State      State // Open or Unknown
}

// Day returns the opening spans of the Paris calendar date of date, as a
// day's hours are shown: spans that begin that day, a span running past
// midnight kept whole ("Fr 18:00-02:00" gives Friday 18:00 to Saturday
// 02:00), and the previous night's continuation left to the previous day.
// It returns nil when the place is closed all day.
func (s *Schedule) Day(date time.Time) []Span {
	if s == nil {
		return nil
	}
	day := localDay(date)
	var prev, cur, next dayInfo
	s.info(&prev, day-1)
	s.info(&cur, day)
	s.info(&next, day+1)
	var spans []Span
	runStart, runState := 0, Closed
	cuts := len(s.cuts)
	for k := 0; k <= 2*cuts; k++ {
		m, st := 2*minutesPerDay, Closed
		if k < 2*cuts {
			m = s.cuts[k%cuts] + (k/cuts)*minutesPerDay
			st = s.business(&prev, &cur, &next, m)
		}
		if st == runState {
			continue
		}
		if runState != Closed {
			spans = append(spans, Span{Start: wallInstant(day, runStart), End: wallInstant(day, m), State: runState})
		}
		runStart, runState = m, st
	}
	return spans
}

// business is the state of minute m of the day's own timeline, counting
// only what the day's own rules open.
func (s *Schedule) business(prev, cur, next *dayInfo, m int) State {
	o := s.own(cur, m)
	if o != lOpen && o != lUnknown {
		return Closed
	}
	if m < minutesPerDay {
		p := lNone
		if s.spills {
			p = s.own(prev, m+minutesPerDay)
		}
		return combine(o, p)
	}
	if s.own(next, m-minutesPerDay) == lMask {
		return Closed
	}
	return combine(o, lNone)
}
