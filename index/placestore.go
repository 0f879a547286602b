package index

import (
	"encoding/binary"
	"math/bits"
	"strings"
	"unsafe"

	"github.com/tierslieux/tierslieux/ingest"
)

// placeStore holds a catalog's places with no pointer the garbage
// collector must follow: each place is a record in one block of bytes,
// its point in two columns. A million places as ingest.Place structs are
// most of the heap, and every collection would walk their forty pointers
// each; as records they are a few hundred megabytes the collector skips.
// A place is read back (decode) for the few a request returns.
//
// A record is the set of its fields present, a uvarint bit mask in
// storeFields order, then each present field: an own string as its
// length and bytes, a shared string or a list as its number in the
// store's tables, the label year as a varint; Demo is its bit alone.
type placeStore struct {
	lon, lat []float64
	at       []uint64 // start of each place's record in data
	data     []byte
	// shared are strings many places share (communes, hours, sources…),
	// lists the lists of strings (types, services…), each kept once.
	// lists[0] is the empty list.
	shared []string
	lists  [][]string
}

// The fields of a record, in their bit order.
const (
	nOwn     = 14 // ownStrings
	nShared  = 11 // sharedStrings
	nLists   = 15 // listFields
	bitYear  = nOwn + nShared + nLists
	bitDemo  = bitYear + 1
	nFields  = bitDemo + 1
	idBit    = 0 // ID is the first own string, Name the second
	nameBit  = 1
	descBit  = 2
	listBase = nOwn + nShared
)

// ownStrings are the strings of a place that are its own, stored with it.
func ownStrings(p *ingest.Place) [nOwn]*string {
	return [...]*string{&p.ID, &p.Name, &p.Description, &p.Address, &p.Website, &p.Email, &p.Phone,
		&p.Note, &p.AddressExtra, &p.Details, &p.BookingURL, &p.AccesLibreURL, &p.OpeningHoursRaw, &p.Pivot}
}

// sharedStrings are the strings many places share, kept once.
func sharedStrings(p *ingest.Place) [nShared]*string {
	return [...]*string{&p.Commune, &p.INSEE, &p.Postcode, &p.Dept, &p.Region, &p.Precision,
		&p.OpeningHours, &p.HoursNote, &p.Updated, &p.Source, &p.Parent}
}

// listFields are the lists of strings of a place, each distinct list
// kept once.
func listFields(p *ingest.Place) [nLists]*[]string {
	return [...]*[]string{&p.Types, &p.Services, &p.Tags, &p.Typologie, &p.OtherEmails, &p.OtherWebsites,
		&p.Mobility, &p.Publics, &p.Accessibility, &p.Fees, &p.AccessModes, &p.SupportModes, &p.Programs,
		&p.Labels, &p.OtherLabels}
}

// storeBuilder adds places to a store, one after the other.
type storeBuilder struct {
	s        *placeStore
	sharedIx map[string]uint32
	listIx   map[string]uint32
	key      []byte
}

// newStoreBuilder readies a store for n places whose records take up to
// size bytes (recordBound): growing a block of hundreds of megabytes
// as it fills would copy it again at each doubling.
func newStoreBuilder(n, size int) *storeBuilder {
	return &storeBuilder{
		s: &placeStore{lon: make([]float64, 0, n), lat: make([]float64, 0, n), at: make([]uint64, 0, n),
			data: make([]byte, 0, size), lists: [][]string{{}}},
		sharedIx: map[string]uint32{}, listIx: map[string]uint32{"": 0},
	}
}

// recordBound bounds the size of a place's record.
func recordBound(p *ingest.Place) int {
	size := binary.MaxVarintLen64 // the mask
	for _, f := range ownStrings(p) {
		if *f != "" {
			size += binary.MaxVarintLen32 + len(*f)
		}
	}
	// Shared strings, lists and the year: a number each.
	return size + (nShared+nLists+1)*binary.MaxVarintLen32
}

// add appends a place's record. p is only read.
func (b *storeBuilder) add(p *ingest.Place) {
	s := b.s
	s.lon, s.lat = append(s.lon, p.Lon), append(s.lat, p.Lat)
	s.at = append(s.at, uint64(len(s.data)))
	var mask uint64
	own, shared, lists := ownStrings(p), sharedStrings(p), listFields(p)
	for i, f := range own {
		if *f != "" {
			mask |= 1 << i
		}
	}
	for i, f := range shared {
		if *f != "" {
			mask |= 1 << (nOwn + i)
		}
	}
	for i, l := range lists {
		if *l != nil {
			mask |= 1 << (listBase + i)
		}
	}
	if p.LabelYear != 0 {
		mask |= 1 << bitYear
	}
	if p.Demo {
		mask |= 1 << bitDemo
	}
	d := binary.AppendUvarint(s.data, mask)
	for _, f := range own {
		if *f != "" {
			d = append(binary.AppendUvarint(d, uint64(len(*f))), *f...)
		}
	}
	for _, f := range shared {
		if *f != "" {
			d = binary.AppendUvarint(d, uint64(b.sharedString(*f)))
		}
	}
	for _, l := range lists {
		if *l != nil {
			d = binary.AppendUvarint(d, uint64(b.list(*l)))
		}
	}
	if p.LabelYear != 0 {
		d = binary.AppendVarint(d, int64(p.LabelYear))
	}
	s.data = d
}

func (b *storeBuilder) sharedString(v string) uint32 {
	if i, ok := b.sharedIx[v]; ok {
		return i
	}
	i := uint32(len(b.s.shared))
	v = strings.Clone(v) // not the decoded line it came from
	b.s.shared = append(b.s.shared, v)
	b.sharedIx[v] = i
	return i
}

func (b *storeBuilder) list(l []string) uint32 {
	b.key = b.key[:0]
	for _, v := range l {
		b.key = append(append(b.key, v...), 0)
	}
	if i, ok := b.listIx[string(b.key)]; ok { // no allocation to look up
		return i
	}
	i := uint32(len(b.s.lists))
	kept := make([]string, len(l))
	for j, v := range l {
		kept[j] = b.s.shared[b.sharedString(v)]
	}
	b.s.lists = append(b.s.lists, kept)
	b.listIx[string(b.key)] = i
	return i
}

// done returns the store.
func (b *storeBuilder) done() *placeStore {
	s := b.s
	b.s, b.sharedIx, b.listIx = nil, nil, nil
	return s
}

func (s *placeStore) len() int { return len(s.at) }

// text is n bytes of the records from i, as a string that shares them:
// the records never change once built.
func (s *placeStore) text(i, n uint64) string {
	if n == 0 {
		return ""
	}
	return unsafe.String(&s.data[i], int(n))
}

// own returns the own string of bit field (< nOwn) of place o, "" when
// the place has none: the fields before it are skipped, not decoded.
func (s *placeStore) own(o uint32, field int) string {
	i := s.at[o]
	mask, n := binary.Uvarint(s.data[i:])
	i += uint64(n)
	if mask&(1<<field) == 0 {
		return ""
	}
	for f := range field {
		if mask&(1<<f) != 0 {
			l, n := binary.Uvarint(s.data[i:])
			i += uint64(n) + l
		}
	}
	l, n := binary.Uvarint(s.data[i:])
	return s.text(i+uint64(n), l)
}

// id is the ID of place o.
func (s *placeStore) id(o uint32) string { return s.own(o, idBit) }

// name is the name of place o.
func (s *placeStore) name(o uint32) string { return s.own(o, nameBit) }

// warm reads a byte of every cache line of the records of matches ms,
// and their coordinates, before any is decoded: the loads do not depend
// on one another, so their misses overlap instead of coming one after
// the other as decoding met them (a page's places lie apart in a large
// catalog). It returns a sum that callers discard, so that the reads
// are not optimised away.
func (s *placeStore) warm(ms []match) byte {
	var sum byte
	for _, m := range ms {
		o := m.o
		end := uint64(len(s.data))
		if int(o)+1 < len(s.at) {
			end = s.at[o+1]
		}
		for i := s.at[o]; i < end; i += 64 {
			sum += s.data[i]
		}
		if s.lon[o] > 1e300 || s.lat[o] > 1e300 {
			sum++
		}
	}
	return sum
}

// decode sets p to place o. Its strings and lists are the store's:
// they must not be changed.
func (s *placeStore) decode(o uint32, p *ingest.Place) {
	*p = ingest.Place{}
	s.fill(o, p, nFields)
}

// decodeFirst sets p to place o's coordinates and its fields of bits up
// to last: a record's fields come in bit order, so the rest is not read.
func (s *placeStore) decodeFirst(o uint32, p *ingest.Place, last int) {
	*p = ingest.Place{}
	s.fill(o, p, last)
}

// fill sets the fields of place o of bits up to last in p, which is
// zero.
func (s *placeStore) fill(o uint32, p *ingest.Place, last int) {
	p.Lon, p.Lat = s.lon[o], s.lat[o]
	base := s.at[o]
	d := s.data[base:]
	mask, i := binary.Uvarint(d)
	for m := mask; m != 0; m &= m - 1 {
		f := bits.TrailingZeros64(m)
		if f > last {
			return
		}
		if f == bitDemo {
			p.Demo = true
			continue
		}
		if f == bitYear {
			v, n := binary.Varint(d[i:])
			i += n
			p.LabelYear = int(v)
			continue
		}
		v, n := binary.Uvarint(d[i:])
		i += n
		if f < nOwn {
			setString(p, f, s.text(base+uint64(i), v))
			i += int(v)
		} else if f < listBase {
			setString(p, f, s.shared[v])
		} else {
			setList(p, f, s.lists[v])
		}
	}
}

// setString sets the string field of bit f (ownStrings, then
// sharedStrings): a switch, where taking the fields' addresses each time
// would cost more than reading the record.
func setString(p *ingest.Place, f int, v string) {
	switch f {
	case 0:
		p.ID = v
	case 1:
		p.Name = v
	case 2:
		p.Description = v
	case 3:
		p.Address = v
	case 4:
		p.Website = v
	case 5:
		p.Email = v
	case 6:
		p.Phone = v
	case 7:
		p.Note = v
	case 8:
		p.AddressExtra = v
	case 9:
		p.Details = v
	case 10:
		p.BookingURL = v
	case 11:
		p.AccesLibreURL = v
	case 12:
		p.OpeningHoursRaw = v
	case 13:
		p.Pivot = v
	case nOwn + 0:
		p.Commune = v
	case nOwn + 1:
		p.INSEE = v
	case nOwn + 2:
		p.Postcode = v
	case nOwn + 3:
		p.Dept = v
	case nOwn + 4:
		p.Region = v
	case nOwn + 5:
		p.Precision = v
	case nOwn + 6:
		p.OpeningHours = v
	case nOwn + 7:
		p.HoursNote = v
	case nOwn + 8:
		p.Updated = v
	case nOwn + 9:
		p.Source = v
	case nOwn + 10:
		p.Parent = v
	}
}

// setList sets the list field of bit f (listFields).
func setList(p *ingest.Place, f int, v []string) {
	switch f - listBase {
	case 0:
		p.Types = v
	case 1:
		p.Services = v
	case 2:
		p.Tags = v
	case 3:
		p.Typologie = v
	case 4:
		p.OtherEmails = v
	case 5:
		p.OtherWebsites = v
	case 6:
		p.Mobility = v
	case 7:
		p.Publics = v
	case 8:
		p.Accessibility = v
	case 9:
		p.Fees = v
	case 10:
		p.AccessModes = v
	case 11:
		p.SupportModes = v
	case 12:
		p.Programs = v
	case 13:
		p.Labels = v
	case 14:
		p.OtherLabels = v
	}
}

// place returns a copy of place o.
func (s *placeStore) place(o uint32) *ingest.Place {
	p := new(ingest.Place)
	s.fill(o, p, nFields)
	return p
}
