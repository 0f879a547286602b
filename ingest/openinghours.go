package ingest

import (
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/tierslieux/tierslieux/ingest/hours"
)

// Reason codes of opening hours that could not be read. Each is a
// warning: the place is kept, its hours unknown (OpeningHours empty,
// never "closed"), and the hours as published stay in OpeningHoursRaw.
const (
	// ReasonBadOpeningHours: an opening_hours value that is not
	// OpenStreetMap syntax, nor a French timetable either; the message
	// names the syntax error.
	ReasonBadOpeningHours = "bad_opening_hours"
	// ReasonHoursAppointment: the hours say "sur rendez-vous" and nothing
	// else.
	ReasonHoursAppointment = "hours_by_appointment"
	// ReasonHoursNotCommunicated: the hours say they are not known
	// ("Horaires non communiqués"), or mark every day closed, which
	// exports write for "not filled in".
	ReasonHoursNotCommunicated = "hours_not_communicated"
	// ReasonHoursUnreadable: French hours that do not read as a timetable.
	ReasonHoursUnreadable = "hours_unreadable"
	// ReasonHoursPartlyRead: some days could not be read; they are
	// "unknown" in the opening_hours value, the others are converted.
	ReasonHoursPartlyRead = "hours_partly_read"
)

var dayFields = []struct {
	field string
	day   time.Weekday
	name  string
}{
	{FieldHoursMo, time.Monday, "lundi"}, {FieldHoursTu, time.Tuesday, "mardi"}, {FieldHoursWe, time.Wednesday, "mercredi"},
	{FieldHoursTh, time.Thursday, "jeudi"}, {FieldHoursFr, time.Friday, "vendredi"}, {FieldHoursSa, time.Saturday, "samedi"},
	{FieldHoursSu, time.Sunday, "dimanche"},
}

// openingHours reads the hours: an opening_hours value, checked with
// hours.Parse (and, when it is not OSM syntax, read as a French timetable
// with hours.FromText); else French hours per weekday (hours.FromDays);
// else a week described in text or HTML (hours.FromText). A value in OSM
// syntax is kept as written; a converted one is hours' normalised form.
func (cv *conversion) openingHours(p *Place) {
	rec := cv.rec
	if v := rec.Get(FieldOpeningHours); v != "" {
		_, perr := hours.Parse(v)
		if perr == nil {
			p.OpeningHours = v
			return
		}
		osm, probs, err := hours.FromText(v)
		if cv.keepHours(p, osm, probs, err, v) {
			return
		}
		reason, msg := hoursFailure(err)
		if reason == ReasonHoursUnreadable {
			reason, msg = ReasonBadOpeningHours, fmt.Sprintf("is not opening_hours syntax (%v) nor a French timetable", perr)
		} else {
			msg = "is not opening_hours syntax: " + msg
		}
		cv.unknownHours(p, reason, v, msg)
		return
	}
	days := map[time.Weekday]string{}
	var raw []string
	for _, d := range dayFields {
		if v := rec.Get(d.field); v != "" {
			days[d.day] = v
			raw = append(raw, d.name+" : "+v)
		}
	}
	text := rec.Get(FieldHoursText)
	if len(days) == 0 && text == "" {
		return
	}
	var err error
	if len(days) > 0 {
		osm, probs, derr := hours.FromDays(days)
		if cv.keepHours(p, osm, probs, derr, strings.Join(raw, " | ")) {
			return
		}
		err = derr
	}
	if text != "" {
		osm, probs, terr := hours.FromText(text)
		if cv.keepHours(p, osm, probs, terr, text) {
			return
		}
		if err == nil || hoursRank(terr) > hoursRank(err) {
			err = terr
		}
		raw = append(raw, text)
	}
	reason, msg := hoursFailure(err)
	cv.unknownHours(p, reason, strings.Join(raw, " | "), msg)
}

// keepHours keeps a conversion that gave hours, warning about the days
// it could not read; it reports whether it kept it. A week closed every
// day is not kept: an export writes "-" in every column for hours it
// does not have.
func (cv *conversion) keepHours(p *Place, osm string, probs []hours.Problem, err error, raw string) bool {
	if err != nil || osm == "" || osm == "off" {
		return false
	}
	p.OpeningHours = osm
	if len(probs) > 0 {
		p.OpeningHoursRaw = raw
		parts := make([]string, len(probs))
		for i, pr := range probs {
			parts[i] = pr.String()
		}
		cv.warn(FieldOpeningHours, ReasonHoursPartlyRead, clipValue(raw),
			fmt.Sprintf("read as %q; not read, so unknown: %s", osm, strings.Join(parts, "; ")))
	}
	return true
}

func (cv *conversion) unknownHours(p *Place, reason, raw, msg string) {
	p.OpeningHours, p.OpeningHoursRaw = "", raw
	cv.warn(FieldOpeningHours, reason, clipValue(raw), msg+"; the hours are left unknown")
}

// hoursFailure gives the reason code and message of a failed conversion;
// a nil error is a week closed every day.
func hoursFailure(err error) (string, string) {
	var ce *hours.ConvertError
	if !errors.As(err, &ce) {
		return ReasonHoursNotCommunicated, "every day is marked closed, which exports write for hours they do not have"
	}
	switch ce.Reason {
	case hours.ReasonAppointment:
		return ReasonHoursAppointment, "opens by appointment only"
	case hours.ReasonNotCommunicated:
		return ReasonHoursNotCommunicated, "says the hours are not known"
	}
	return ReasonHoursUnreadable, "does not read as French opening hours"
}

// hoursRank orders failures by how much they tell.
func hoursRank(err error) int {
	switch r, _ := hoursFailure(err); r {
	case ReasonHoursAppointment:
		return 3
	case ReasonHoursNotCommunicated:
		if err != nil {
			return 2
		}
		return 0
	}
	return 1
}

// maxValue bounds a value quoted in a report entry, in bytes.
const maxValue = 200

func clipValue(s string) string {
	if len(s) <= maxValue {
		return s
	}
	n := maxValue
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}
