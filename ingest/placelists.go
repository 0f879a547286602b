package ingest

import (
	"fmt"
	"slices"
)

// listFields pairs each controlled list with the canonical field it is
// read from and the Place field it fills.
var listFields = []struct {
	field string
	list  *List
	get   func(*Place) *[]string
}{
	{FieldMobility, Mobility, func(p *Place) *[]string { return &p.Mobility }},
	{FieldPublics, Publics, func(p *Place) *[]string { return &p.Publics }},
	{FieldAccessibility, Accessibility, func(p *Place) *[]string { return &p.Accessibility }},
	{FieldFees, Fees, func(p *Place) *[]string { return &p.Fees }},
	{FieldPrograms, Programs, func(p *Place) *[]string { return &p.Programs }},
	{FieldLabels, Labels, func(p *Place) *[]string { return &p.Labels }},
	{FieldAccessModes, AccessModes, func(p *Place) *[]string { return &p.AccessModes }},
	{FieldSupportModes, SupportModes, func(p *Place) *[]string { return &p.SupportModes }},
}

// lists reads the columns of the controlled lists (lists.go). A value a
// list does not hold is a warning and is kept as a tag, for text search;
// a label outside the standard's list is kept in OtherLabels, as the
// standard's autres_formations_labels column would hold it.
func (cv *conversion) lists(p *Place) {
	for _, lf := range listFields {
		dst := lf.get(p)
		for _, v := range cv.rec.List(lf.field) {
			if id, ok := lf.list.ID(v); ok {
				*dst = AppendUnique(*dst, id)
				continue
			}
			if lf.list == Labels {
				p.OtherLabels = AppendUnique(p.OtherLabels, v)
				continue
			}
			cv.warn(lf.field, ReasonUnknownValue, v, fmt.Sprintf("is not one of the %s of the standard (%s); kept as a tag",
				lf.list.Name, joinLabels(lf.list)))
			p.Tags = AppendUnique(p.Tags, v)
		}
	}
	for _, v := range cv.rec.List(FieldOtherLabels) {
		p.OtherLabels = AppendUnique(p.OtherLabels, v)
	}
	sameMeaning(p)
}

// sameMeaning keeps together what two vocabularies say alike: support for
// physical disabilities (the standard's list) and access for people of
// reduced mobility (our service), so a query for either finds both.
func sameMeaning(p *Place) {
	switch {
	case slices.Contains(p.Accessibility, "handicap-moteur"):
		p.Services = AppendUnique(p.Services, "accessible-pmr")
	case slices.Contains(p.Services, "accessible-pmr"):
		p.Accessibility = AppendUnique(p.Accessibility, "handicap-moteur")
	}
}

func joinLabels(l *List) string {
	s := ""
	for i, t := range l.Terms {
		if i > 0 {
			s += ", "
		}
		s += t.FR
	}
	return s
}

// Values returns the IDs a place holds in the list: its publics, its
// fees…
func (l *List) Values(p *Place) []string {
	for _, lf := range listFields {
		if lf.list == l {
			return *lf.get(p)
		}
	}
	return nil
}

// ListNamed returns the list of this name ("fees").
func ListNamed(name string) (*List, bool) {
	for _, l := range Lists {
		if l.Name == name {
			return l, true
		}
	}
	return nil, false
}
