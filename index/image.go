package index

import (
	"bufio"
	"bytes"
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

	jsonv2 "github.com/go-json-experiment/json"
	"github.com/tierslieux/tierslieux/geo"
	"github.com/tierslieux/tierslieux/ingest"
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

// writeBuildImage writes the image of a build from its places.jsonl of
// records lines.
func writeBuildImage(build string, records int) error {
	st, err := readStore(filepath.Join(build, placesFile), records)
	if err != nil {
		return fmt.Errorf("write %s: %w", imageFile, err)
	}
	return writeImage(filepath.Join(build, imageFile), newImage(st))
}

// readStore reads a places file written by a Builder into a store in
// cell order, the later of two places with one ID kept. Lines are decoded
// a batch at a time on every core and stored in file order as they come,
// so that a million places never stand in memory as structs (an upload
// through the write API runs this inside the server).
func readStore(path string, records int) (*placeStore, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	type batch struct {
		first  int // the line number of lines[0] (blank lines skipped after it are not counted)
		lines  [][]byte
		places []ingest.Place
		err    error
		done   chan struct{}
	}
	workers := max(runtime.GOMAXPROCS(0), 1)
	todo := make(chan *batch, workers)
	inOrder := make(chan *batch, 2*workers)
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for b := range todo {
				b.places = make([]ingest.Place, len(b.lines))
				for i, l := range b.lines {
					if err := jsonv2.Unmarshal(l, &b.places[i]); err != nil {
						b.err = fmt.Errorf("line %d: %w", b.first+i, err)
						break
					}
				}
				close(b.done)
			}
		})
	}
	readErr := make(chan error, 1)
	go func() {
		defer close(inOrder)
		defer close(todo)
		sc := bufio.NewScanner(f)
		sc.Buffer(make([]byte, 0, 1<<20), maxPlaceLine)
		b := &batch{done: make(chan struct{})}
		for line := 1; ; line++ {
			more := sc.Scan()
			if more && len(bytes.TrimSpace(sc.Bytes())) > 0 {
				if len(b.lines) == 0 {
					b.first = line
				}
				b.lines = append(b.lines, bytes.Clone(sc.Bytes()))
			}
			if len(b.lines) == readBatch || (!more && len(b.lines) > 0) {
				todo <- b
				inOrder <- b
				b = &batch{done: make(chan struct{})}
			}
			if !more {
				readErr <- sc.Err()
				return
			}
		}
	}()
	// Records take about two fifths of their JSON lines: room for half,
	// so that the block is not copied again at each doubling.
	size := 0
	if fi, err := f.Stat(); err == nil {
		size = int(fi.Size() / 2)
	}
	sb := newStoreBuilder(records, size)
	var bad error
	for b := range inOrder {
		<-b.done
		if bad == nil && b.err != nil {
			bad = b.err
		}
		for i := range b.places {
			if bad == nil {
				sb.add(&b.places[i])
			}
		}
	}
	wg.Wait()
	if err := errors.Join(<-readErr, bad); err != nil {
		return nil, err
	}
	return inCellOrder(sb.done()), nil
}

// readBatch is how many lines readStore decodes at once.
const readBatch = 4096

// maxPlaceLine bounds a line of a places file: far above what any reader
// of ingest lets a record be (16 MB a JSON line).
const maxPlaceLine = 64 << 20

// inCellOrder returns the places of a store in file order as a store in
// cell order, the later of two with one ID kept: its records copied
// whole, the tables shared.
func inCellOrder(st *placeStore) *placeStore {
	n := st.len()
	latest := make(map[string]int, n)
	keep := make([]int, 0, n)
	for o := range n {
		id := st.id(uint32(o))
		if k, dup := latest[id]; dup {
			keep[k] = o
			continue
		}
		latest[id] = len(keep)
		keep = append(keep, o)
	}
	latest = nil
	lon, lat := make([]float64, len(keep)), make([]float64, len(keep))
	for i, o := range keep {
		lon[i], lat[i] = st.lon[o], st.lat[o]
	}
	order := geo.CellOrder(lon, lat)
	out := &placeStore{lon: make([]float64, len(keep)), lat: make([]float64, len(keep)), at: make([]uint64, len(keep)),
		data: make([]byte, 0, len(st.data)), shared: st.shared, lists: st.lists}
	for i, k := range order {
		o := keep[k]
		end := uint64(len(st.data))
		if o+1 < n {
			end = st.at[o+1]
		}
		out.lon[i], out.lat[i], out.at[i] = st.lon[o], st.lat[o], uint64(len(out.data))
		out.data = append(out.data, st.data[st.at[o]:end]...)
	}
	out.repackLists()
	return out
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
	// The keys start on 8 bytes, so that a reader may take them in place.
	w.Write(make([]byte, keysPad(uint64(s.len()), uint64(len(shared)), uint64(len(lists)), uint64(len(s.data)), uint64(len(im.nameText)))))
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

// keysPad is the padding before the keys, after the folded names.
func keysPad(n, sharedLen, listsLen, dataLen, nameLen uint64) uint64 {
	return (8 - (imageHeader+24*n+sharedLen+listsLen+dataLen+nameLen)%8) % 8
}

// littleEndian says whether this machine lays numbers out as images do:
// then the image's columns, keys and orders are used where they lie
// (view), not copied.
var littleEndian = binary.NativeEndian.Uint16([]byte{1, 0}) == 1

// view returns the first n values of type T held in b, where b lies on
// T's alignment and this machine is little-endian; ok is false
// otherwise, and the caller decodes. T holds no pointer.
func view[T any](b []byte, n uint64) (v []T, ok bool) {
	var zero T
	size := uint64(unsafe.Sizeof(zero))
	if !littleEndian || n == 0 || uint64(len(b)) < n*size ||
		uintptr(unsafe.Pointer(unsafe.SliceData(b)))%unsafe.Alignof(zero) != 0 {
		return nil, false
	}
	return unsafe.Slice((*T)(unsafe.Pointer(unsafe.SliceData(b))), n), true
}

// nameKeyInPlace says whether nameKey is laid out as an image's keys
// are: three uint32 and the tail's byte at 12, in 16 bytes.
var nameKeyInPlace = unsafe.Sizeof(nameKey{}) == 16 && unsafe.Offsetof(nameKey{}.tail) == 12

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
		32*n+sharedLen+listsLen+dataLen+nameLen+keysPad(n, sharedLen, listsLen, dataLen, nameLen)+16*nKeys != rest ||
		nShared > sharedLen || nLists > listsLen {
		return nil, fmt.Errorf("sizes do not add up: %d places, %d+%d+%d+%d bytes of strings, lists, records and names, %d name keys, in %d", n, sharedLen, listsLen, dataLen, nameLen, nKeys, rest)
	}
	body := data[imageHeader:]
	s := &placeStore{}
	var okLon, okLat, okAt bool
	s.lon, okLon = view[float64](body, n)
	s.lat, okLat = view[float64](body[8*n:], n)
	s.at, okAt = view[uint64](body[16*n:], n)
	if !okLon || !okLat || !okAt {
		s.lon, s.lat, s.at = make([]float64, n), make([]float64, n), make([]uint64, n)
		for i := range n {
			s.lon[i] = math.Float64frombits(binary.LittleEndian.Uint64(body[8*i:]))
			s.lat[i] = math.Float64frombits(binary.LittleEndian.Uint64(body[8*(n+i):]))
			s.at[i] = binary.LittleEndian.Uint64(body[8*(2*n+i):])
		}
	}
	body = body[24*n:]
	sharedB, listsB := body[:sharedLen], body[sharedLen:sharedLen+listsLen]
	listsBlock := listsB
	body = body[sharedLen+listsLen:]
	recs, nameText := body[:dataLen], body[dataLen:dataLen+nameLen]
	body = body[dataLen+nameLen+keysPad(n, sharedLen, listsLen, dataLen, nameLen):]
	keysB, ordersB := body[:16*nKeys], body[16*nKeys:]
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
	// The lists are checked and found here, and laid out once the
	// records are checked (packLists).
	listAt := make([]uint64, nLists+1) // where list v's numbers start in the block
	listLen := make([]uint32, nLists+1)
	for v := uint64(1); v <= nLists; v++ {
		c, k := binary.Uvarint(listsB[0:])
		if k <= 0 || c > uint64(len(listsB)) {
			return nil, errors.New("a list runs past its block")
		}
		at := listsLen - uint64(len(listsB)) + uint64(k)
		listsB = listsB[k:]
		for range c {
			w, k := binary.Uvarint(listsB)
			if k <= 0 || w >= uint64(len(s.shared)) {
				return nil, errors.New("a list names a string that is not there")
			}
			listsB = listsB[k:]
		}
		listAt[v], listLen[v] = at, uint32(c)
	}
	s.lists = make([][]string, nLists+1)
	s.lists[0] = []string{}
	if len(sharedB) != 0 || len(listsB) != 0 {
		return nil, errors.New("the strings or lists block holds more than it lists")
	}
	s.data = recs
	// The records, the name keys and the orders are read side by side.
	im := &image{st: s, nameText: nameText, namesFoldedNow: foldVersion == nameFoldVersion}
	var recErr, keyErr, nameErr, idErr error
	var wg sync.WaitGroup
	var listOrder []uint32
	wg.Go(func() { listOrder, recErr = s.checkRecords() })
	wg.Go(func() { im.names, keyErr = readKeys(keysB, nKeys, nameLen, n) })
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
	s.packLists(listOrder, func(v int) int { return int(listLen[v]) }, func(v int, dst []string) {
		b := listsBlock[listAt[v]:]
		for j := range dst {
			w, k := binary.Uvarint(b)
			dst[j], b = s.shared[w], b[k:]
		}
	})
	return im, nil
}

// repackLists lays out the store's own lists (packLists).
func (s *placeStore) repackLists() {
	lists := s.lists
	s.packLists(s.listsFirstNamed(), func(v int) int { return len(lists[v]) }, func(v int, dst []string) { copy(dst, lists[v]) })
}

// listsFirstNamed returns the lists in the order the records first name
// them.
func (s *placeStore) listsFirstNamed() []uint32 {
	seen := newBitset(len(s.lists))
	order := make([]uint32, 0, len(s.lists))
	for o := range s.at {
		d := s.data[s.at[o]:]
		mask, i := binary.Uvarint(d)
		for m := mask &^ (1 << bitDemo); m != 0; m &= m - 1 {
			f := bits.TrailingZeros64(m)
			if f == bitYear {
				_, n := binary.Varint(d[i:])
				i += n
				continue
			}
			v, n := binary.Uvarint(d[i:])
			i += n
			switch {
			case f < nOwn:
				i += int(v)
			case f >= listBase && !seen.has(uint32(v)):
				seen.set(uint32(v))
				order = append(order, uint32(v))
			}
		}
	}
	return order
}

// packLists lays the lists out in one block in the given order, the
// order the records first name them, which is the places' order, by
// cell: the lists of places near one another, which answers show
// together, then lie together in memory, where a block each would
// scatter them over the heap, a cache miss each in a large catalog (the
// population mix at 1,000,000 places takes a fifth less CPU a request).
// The collector sees one object instead of millions. List v has
// count(v) strings, which fill writes; lists the order leaves out come
// last.
func (s *placeStore) packLists(order []uint32, count func(v int) int, fill func(v int, dst []string)) {
	out := make([][]string, len(s.lists))
	out[0] = []string{}
	seen := newBitset(len(s.lists))
	seen.set(0)
	full := make([]uint32, 0, len(s.lists))
	for _, v := range order {
		if !seen.has(v) {
			seen.set(v)
			full = append(full, v)
		}
	}
	// Lists no record names, if any, last.
	for v := range uint32(len(s.lists)) {
		if !seen.has(v) {
			full = append(full, v)
		}
	}
	total := 0
	for _, v := range full {
		total += count(int(v))
	}
	arena := make([]string, total)
	for _, v := range full {
		n := count(int(v))
		out[v], arena = arena[:n:n], arena[n:]
	}
	// Filling reads the lists where they lie, out of order: a share on
	// each core.
	workers := max(runtime.GOMAXPROCS(0), 1)
	chunk := (len(full) + workers - 1) / workers
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for _, v := range full[min(w*chunk, len(full)):min((w+1)*chunk, len(full))] {
				fill(int(v), out[v])
			}
		})
	}
	wg.Wait()
	s.lists = out
}

// readKeys reads nKeys name keys from b, each within the folded names
// (nameLen bytes) and naming one of the n places: where they lie when
// they can be (view), checked first.
func readKeys(b []byte, nKeys, nameLen, n uint64) ([]nameKey, error) {
	for i := range nKeys {
		k := b[16*i:]
		at, end, o, tail := binary.LittleEndian.Uint32(k), binary.LittleEndian.Uint32(k[4:]), binary.LittleEndian.Uint32(k[8:]), binary.LittleEndian.Uint32(k[12:])
		if at > end || uint64(end) > nameLen || uint64(o) >= n || tail > 1 {
			return nil, fmt.Errorf("name key %d is out of bounds", i+1)
		}
	}
	if keys, ok := view[nameKey](b, nKeys); ok && nameKeyInPlace {
		return keys, nil
	}
	keys := make([]nameKey, nKeys)
	for i := range keys {
		k := b[16*i:]
		keys[i] = nameKey{binary.LittleEndian.Uint32(k), binary.LittleEndian.Uint32(k[4:]), binary.LittleEndian.Uint32(k[8:]), k[12] == 1}
	}
	return keys, nil
}

// readOrder reads n place numbers, each once: where they lie when they
// can be (view), checked first.
func readOrder(b []byte, n uint64) ([]uint32, error) {
	seen := newBitset(int(n))
	for i := range n {
		o := binary.LittleEndian.Uint32(b[4*i:])
		if uint64(o) >= n || seen.has(o) {
			return nil, fmt.Errorf("place %d is out of bounds or twice", o)
		}
		seen.set(o)
	}
	if out, ok := view[uint32](b, n); ok {
		return out, nil
	}
	out := make([]uint32, n)
	for i := range out {
		out[i] = binary.LittleEndian.Uint32(b[4*i:])
	}
	return out, nil
}

// checkRecords checks every record (checkRecord), a share on each core,
// and returns the lists in the order the records first name them.
func (s *placeStore) checkRecords() ([]uint32, error) {
	workers := max(runtime.GOMAXPROCS(0), 1)
	errs := make([]error, workers)
	firsts := make([][]uint32, workers)
	chunk := (len(s.at) + workers - 1) / workers
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			seen := newBitset(len(s.lists))
			named := func(v uint32) {
				if !seen.has(v) {
					seen.set(v)
					firsts[w] = append(firsts[w], v)
				}
			}
			for o := w * chunk; o < min((w+1)*chunk, len(s.at)); o++ {
				if err := s.checkRecord(uint32(o), named); err != nil {
					errs[w] = fmt.Errorf("place %d: %w", o+1, err)
					return
				}
			}
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return firstNamed(len(s.lists), firsts), nil
}

// firstNamed merges the lists first named by each share of the
// records, in the shares' order, into the order the records first name
// them.
func firstNamed(nLists int, shares [][]uint32) []uint32 {
	seen := newBitset(nLists)
	order := make([]uint32, 0, nLists)
	for _, share := range shares {
		for _, v := range share {
			if !seen.has(v) {
				seen.set(v)
				order = append(order, v)
			}
		}
	}
	return order
}

// checkRecord checks that place o's record decodes within the records
// and the tables, so that decode, which does not check, cannot fail,
// and calls named with each list it names.
func (s *placeStore) checkRecord(o uint32, named func(v uint32)) error {
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
		case f >= listBase && f < bitYear:
			if v >= uint64(len(s.lists)) {
				return fmt.Errorf("field %d names a list that is not there", f)
			}
			named(uint32(v))
		}
	}
	return nil
}
