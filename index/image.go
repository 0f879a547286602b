package index

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"math/bits"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"unsafe"
)

// imageFile holds a build's places as the catalog keeps them in memory:
// the place store (placestore.go), in cell order, duplicates resolved.
// Commit writes it from places.jsonl, so that Open reads one file instead
// of decoding a million JSON lines and laying them out again; places.jsonl
// stays what verify, exports and snapshots read, and what a build written
// before images opens from.
//
// It also holds what the catalog would otherwise work out before it is
// ready: the name index (names.go) and the orders (order.go).
//
// Layout, little-endian: the magic, nine uint64 (places, shared strings,
// lists, the bytes of the shared strings, of the lists and of the
// records, the name index's folding version, the bytes of its folded
// names and its number of keys), the places' longitudes, latitudes and
// record offsets as uint64s, the shared strings (uvarint length, bytes),
// the lists after the empty one (uvarint count, uvarint shared-string
// numbers), the records, the folded names, the keys (four uint32: at,
// end, place, tail), the orders by name and by ID (uint32s).
const imageFile = "places.bin"

var imageMagic = [8]byte{'T', 'L', 'P', 'L', 'A', 'C', 'E', '1'}

const imageHeader = 8 + 9*8

// image is what an image file holds: the places, their name index (nil
// when folded otherwise than by this program) and their orders.
type image struct {
	st             *placeStore
	nameText       []byte
	names          []nameKey
	byName, byID   []uint32
	namesFoldedNow bool
}

// prepare sets what the image holds of the catalog's name index and
// orders.
func (im *image) prepare(c *Catalog) {
	if im.namesFoldedNow {
		c.names.once.Do(func() { c.names.set(im.nameText, im.names) })
	}
	c.orders.once.Do(func() { c.orders.set(im.byName, im.byID) })
}

// writeBuildImage writes the image of a build from its places.jsonl of
// records lines.
func writeBuildImage(build string, records int) error {
	data, err := os.ReadFile(filepath.Join(build, placesFile))
	if err != nil {
		return fmt.Errorf("write %s: %w", imageFile, err)
	}
	places, err := decodePlaces(data, records)
	if err != nil {
		return fmt.Errorf("write %s: %w", imageFile, err)
	}
	data = nil
	return writeImage(filepath.Join(build, imageFile), newImage(storePlaces(places)))
}

// newImage works out the name index and the orders of a store.
func newImage(st *placeStore) *image {
	im := &image{st: st, namesFoldedNow: true}
	im.nameText, im.names = buildNames(st)
	im.byName, im.byID = buildOrders(st)
	return im
}

// writeImage writes an image to path.
func writeImage(path string, im *image) error {
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("write %s: %w", imageFile, err)
	}
	err = encodeImage(bufio.NewWriterSize(f, 1<<20), im)
	return errors.Join(err, f.Sync(), f.Close())
}

func encodeImage(w *bufio.Writer, im *image) error {
	s := im.st
	num := make(map[string]uint64, len(s.shared))
	var shared, lists []byte
	for i, v := range s.shared {
		num[v] = uint64(i)
		shared = append(binary.AppendUvarint(shared, uint64(len(v))), v...)
	}
	for _, l := range s.lists[1:] {
		lists = binary.AppendUvarint(lists, uint64(len(l)))
		for _, v := range l {
			lists = binary.AppendUvarint(lists, num[v])
		}
	}
	w.Write(imageMagic[:])
	var b []byte
	for _, v := range []uint64{uint64(s.len()), uint64(len(s.shared)), uint64(len(s.lists) - 1),
		uint64(len(shared)), uint64(len(lists)), uint64(len(s.data)),
		nameFoldVersion, uint64(len(im.nameText)), uint64(len(im.names))} {
		b = binary.LittleEndian.AppendUint64(b, v)
	}
	w.Write(b)
	for _, col := range [][]float64{s.lon, s.lat} {
		for _, v := range col {
			b = binary.LittleEndian.AppendUint64(b[:0], math.Float64bits(v))
			w.Write(b)
		}
	}
	for _, v := range s.at {
		b = binary.LittleEndian.AppendUint64(b[:0], v)
		w.Write(b)
	}
	w.Write(shared)
	w.Write(lists)
	w.Write(s.data)
	w.Write(im.nameText)
	for _, k := range im.names {
		tail := uint32(0)
		if k.tail {
			tail = 1
		}
		for _, v := range [...]uint32{k.at, k.end, k.o, tail} {
			b = binary.LittleEndian.AppendUint32(b[:0], v)
			w.Write(b)
		}
	}
	for _, order := range [][]uint32{im.byName, im.byID} {
		for _, v := range order {
			b = binary.LittleEndian.AppendUint32(b[:0], v)
			w.Write(b)
		}
	}
	return w.Flush()
}

// readImage reads a store written by writeImage. Whatever the bytes, it
// returns a store every record of which decodes within its bounds, or an
// error saying what is wrong.
func readImage(path string) (*image, error) {
	data, err := readWhole(path)
	if err != nil {
		return nil, err
	}
	return decodeImage(data)
}

func decodeImage(data []byte) (*image, error) {
	if len(data) < imageHeader || [8]byte(data[:8]) != imageMagic {
		return nil, errors.New("is not a places image (no header)")
	}
	var h [9]uint64
	for i := range h {
		h[i] = binary.LittleEndian.Uint64(data[8+8*i:])
	}
	n, nShared, nLists, sharedLen, listsLen, dataLen := h[0], h[1], h[2], h[3], h[4], h[5]
	foldVersion, nameLen, nKeys := h[6], h[7], h[8]
	rest := uint64(len(data) - imageHeader)
	if n > rest/32 || sharedLen > rest || listsLen > rest || dataLen > rest || nameLen > rest || nKeys > rest/16 ||
		32*n+sharedLen+listsLen+dataLen+nameLen+16*nKeys != rest || nShared > sharedLen || nLists > listsLen {
		return nil, fmt.Errorf("sizes do not add up: %d places, %d+%d+%d+%d bytes of strings, lists, records and names, %d name keys, in %d", n, sharedLen, listsLen, dataLen, nameLen, nKeys, rest)
	}
	body := data[imageHeader:]
	s := &placeStore{lon: make([]float64, n), lat: make([]float64, n), at: make([]uint64, n)}
	for i := range n {
		s.lon[i] = math.Float64frombits(binary.LittleEndian.Uint64(body[8*i:]))
		s.lat[i] = math.Float64frombits(binary.LittleEndian.Uint64(body[8*(n+i):]))
		s.at[i] = binary.LittleEndian.Uint64(body[8*(2*n+i):])
	}
	body = body[24*n:]
	sharedB, listsB := body[:sharedLen], body[sharedLen:sharedLen+listsLen]
	body = body[sharedLen+listsLen:]
	recs, nameText, keysB, ordersB := body[:dataLen], body[dataLen:dataLen+nameLen], body[dataLen+nameLen:dataLen+nameLen+16*nKeys], body[dataLen+nameLen+16*nKeys:]
	s.shared = make([]string, 0, nShared)
	for range nShared {
		l, k := binary.Uvarint(sharedB)
		if k <= 0 || l > uint64(len(sharedB)-k) {
			return nil, errors.New("a shared string runs past its block")
		}
		// The strings share the file's bytes, which never change.
		s.shared = append(s.shared, unsafe.String(unsafe.SliceData(sharedB[k:]), int(l)))
		sharedB = sharedB[k+int(l):]
	}
	s.lists = make([][]string, 1, nLists+1)
	s.lists[0] = []string{}
	for range nLists {
		c, k := binary.Uvarint(listsB)
		if k <= 0 || c > uint64(len(listsB)) {
			return nil, errors.New("a list runs past its block")
		}
		listsB = listsB[k:]
		l := make([]string, c)
		for j := range l {
			v, k := binary.Uvarint(listsB)
			if k <= 0 || v >= uint64(len(s.shared)) {
				return nil, errors.New("a list names a string that is not there")
			}
			l[j], listsB = s.shared[v], listsB[k:]
		}
		s.lists = append(s.lists, l)
	}
	if len(sharedB) != 0 || len(listsB) != 0 {
		return nil, errors.New("the strings or lists block holds more than it lists")
	}
	s.data = recs
	// The records, the name keys and the orders are read side by side.
	im := &image{st: s, nameText: nameText, namesFoldedNow: foldVersion == nameFoldVersion,
		names: make([]nameKey, nKeys)}
	var recErr, keyErr, nameErr, idErr error
	var wg sync.WaitGroup
	wg.Go(func() { recErr = s.checkRecords() })
	wg.Go(func() { keyErr = readKeys(im.names, keysB, nameLen, n) })
	wg.Go(func() {
		if im.byName, nameErr = readOrder(ordersB[:4*n], n); nameErr != nil {
			nameErr = fmt.Errorf("the order by name: %w", nameErr)
		}
		if im.byID, idErr = readOrder(ordersB[4*n:], n); idErr != nil {
			idErr = fmt.Errorf("the order by ID: %w", idErr)
		}
	})
	wg.Wait()
	if err := errors.Join(recErr, keyErr, nameErr, idErr); err != nil {
		return nil, err
	}
	return im, nil
}

// readKeys reads the name keys of b into keys, each within the folded
// names (nameLen bytes) and naming one of the n places.
func readKeys(keys []nameKey, b []byte, nameLen, n uint64) error {
	for i := range keys {
		k := b[16*i:]
		at, end, o, tail := binary.LittleEndian.Uint32(k), binary.LittleEndian.Uint32(k[4:]), binary.LittleEndian.Uint32(k[8:]), binary.LittleEndian.Uint32(k[12:])
		if at > end || uint64(end) > nameLen || uint64(o) >= n || tail > 1 {
			return fmt.Errorf("name key %d is out of bounds", i+1)
		}
		keys[i] = nameKey{at, end, o, tail == 1}
	}
	return nil
}

// readOrder reads n place numbers, each once.
func readOrder(b []byte, n uint64) ([]uint32, error) {
	out := make([]uint32, n)
	seen := newBitset(int(n))
	for i := range out {
		o := binary.LittleEndian.Uint32(b[4*i:])
		if uint64(o) >= n || seen.has(o) {
			return nil, fmt.Errorf("place %d is out of bounds or twice", o)
		}
		seen.set(o)
		out[i] = o
	}
	return out, nil
}

// checkRecords checks every record (checkRecord), a share on each core.
func (s *placeStore) checkRecords() error {
	workers := max(runtime.GOMAXPROCS(0), 1)
	errs := make([]error, workers)
	chunk := (len(s.at) + workers - 1) / workers
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for o := w * chunk; o < min((w+1)*chunk, len(s.at)); o++ {
				if err := s.checkRecord(uint32(o)); err != nil {
					errs[w] = fmt.Errorf("place %d: %w", o+1, err)
					return
				}
			}
		})
	}
	wg.Wait()
	return errors.Join(errs...)
}

// checkRecord checks that place o's record decodes within the records
// and the tables, so that decode, which does not check, cannot fail.
func (s *placeStore) checkRecord(o uint32) error {
	start := s.at[o]
	if start >= uint64(len(s.data)) {
		return errors.New("its record starts past the records")
	}
	d := s.data[start:]
	if o+1 < uint32(len(s.at)) && s.at[o+1] > start && s.at[o+1]-start <= uint64(len(d)) {
		d = d[:s.at[o+1]-start]
	}
	mask, i := binary.Uvarint(d)
	if i <= 0 || mask >= 1<<nFields {
		return errors.New("its record's field mask does not read")
	}
	if mask&(1<<idBit) == 0 {
		return errors.New("it has no ID")
	}
	for m := mask &^ (1 << bitDemo); m != 0; m &= m - 1 {
		f := bits.TrailingZeros64(m)
		var n int
		var v uint64
		if f == bitYear {
			_, n = binary.Varint(d[i:])
		} else {
			v, n = binary.Uvarint(d[i:])
		}
		if n <= 0 {
			return fmt.Errorf("field %d of its record does not read", f)
		}
		i += n
		switch {
		case f < nOwn:
			if v > uint64(len(d)-i) {
				return fmt.Errorf("field %d of its record runs past it", f)
			}
			i += int(v)
		case f < listBase && v >= uint64(len(s.shared)):
			return fmt.Errorf("field %d names a shared string that is not there", f)
		case f >= listBase && f < bitYear && v >= uint64(len(s.lists)):
			return fmt.Errorf("field %d names a list that is not there", f)
		}
	}
	return nil
}
