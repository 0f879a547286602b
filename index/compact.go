package index

import (
	"strings"

	"github.com/tierslieux/tierslieux/ingest"
)

// compactChunk is how many places share one block of text.
const compactChunk = 256

// compact lays the places' text out for reading. Strings many places
// share (vocabulary IDs, communes, départements, opening hours…) are
// kept once; each place's own strings (ID, name, description…) are
// copied, in ordinal order, into blocks of compactChunk places. In cell
// order neighbours are then neighbours in memory too, so an answer reads
// a few runs of memory instead of thousands of scattered strings, and a
// million places hold far fewer copies of the same words.
func compact(places []ingest.Place) {
	strs := map[string]string{}
	shared := func(p *string) {
		if *p == "" {
			return
		}
		if s, ok := strs[*p]; ok {
			*p = s
			return
		}
		s := strings.Clone(*p)
		strs[s] = s
		*p = s
	}
	lists := map[string][]string{}
	var key []byte
	sharedList := func(p *[]string) {
		if len(*p) == 0 {
			return // nil stays nil, empty stays empty
		}
		key = key[:0]
		for _, s := range *p {
			key = append(append(key, s...), 0)
		}
		if l, ok := lists[string(key)]; ok { // no allocation to look up
			*p = l
			return
		}
		l := make([]string, len(*p))
		for i, s := range *p {
			l[i] = s
			shared(&l[i])
		}
		lists[string(key)] = l
		*p = l
	}
	var (
		block strings.Builder
		owned []*string
	)
	for start := 0; start < len(places); start += compactChunk {
		block.Reset()
		owned = owned[:0]
		size := 0
		for i := start; i < min(start+compactChunk, len(places)); i++ {
			p := &places[i]
			for _, f := range ownStrings(p) {
				if *f != "" {
					owned = append(owned, f)
					size += len(*f)
				}
			}
		}
		block.Grow(size)
		for _, f := range owned {
			block.WriteString(*f)
		}
		for i := start; i < min(start+compactChunk, len(places)); i++ {
			p := &places[i]
			for _, f := range [...]*string{&p.Commune, &p.INSEE, &p.Postcode, &p.Dept, &p.Region, &p.Precision,
				&p.OpeningHours, &p.Pivot, &p.HoursNote, &p.Updated, &p.Source, &p.Parent} {
				shared(f)
			}
			for _, l := range [...]*[]string{&p.Types, &p.Services, &p.Tags, &p.Typologie, &p.OtherEmails, &p.OtherWebsites,
				&p.Mobility, &p.Publics, &p.Accessibility, &p.Fees, &p.AccessModes, &p.SupportModes, &p.Programs,
				&p.Labels, &p.OtherLabels} {
				sharedList(l)
			}
		}
		text := block.String()
		at := 0
		for _, f := range owned {
			n := len(*f)
			*f = text[at : at+n]
			at += n
		}
	}
}

// ownStrings are the strings of a place that are its own.
func ownStrings(p *ingest.Place) [13]*string {
	return [...]*string{&p.ID, &p.Name, &p.Description, &p.Address, &p.Website, &p.Email, &p.Phone,
		&p.Note, &p.AddressExtra, &p.Details, &p.BookingURL, &p.AccesLibreURL, &p.OpeningHoursRaw}
}
