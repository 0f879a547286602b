package index

import (
	"bufio"
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"unsafe"

	"github.com/tierslieux/tierslieux/ingest"
)

// randomPlaces makes n random places (randomPlace) from a seed.
func randomPlaces(seed1, seed2 uint64, n int) []ingest.Place {
	rng := rand.New(rand.NewPCG(seed1, seed2))
	places := make([]ingest.Place, n)
	for i := range places {
		places[i] = randomPlace(rng, i)
	}
	return places
}

func mustImage(tb testing.TB, s *placeStore) []byte {
	tb.Helper()
	var buf bytes.Buffer
	if err := encodeImage(bufio.NewWriter(&buf), newImage(s)); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

// TestImageRoundTrip: a store written and read back holds the same
// places, in the same order.
func TestImageRoundTrip(t *testing.T) {
	places := randomPlaces(5, 6, 3000)
	s := storePlaces(places)
	im, err := decodeImage(mustImage(t, s))
	if err != nil {
		t.Fatal(err)
	}
	got := im.st
	want := newImage(s)
	if !im.namesFoldedNow || !slices.Equal(im.names, want.names) || !bytes.Equal(im.nameText, want.nameText) ||
		!slices.Equal(im.byName, want.byName) || !slices.Equal(im.byID, want.byID) {
		t.Error("the name index or the orders read back differ")
	}
	if got.len() != s.len() {
		t.Fatalf("%d places read back, want %d", got.len(), s.len())
	}
	for o := range s.len() {
		if a, b := got.place(uint32(o)), s.place(uint32(o)); !reflect.DeepEqual(a, b) {
			t.Fatalf("place %d:\n got %+v\nwant %+v", o, a, b)
		}
	}
	// Off its alignment, the image is decoded rather than taken in place,
	// to the same store.
	img := mustImage(t, s)
	odd := make([]byte, len(img)+1)[1:]
	copy(odd, img)
	im2, err := decodeImage(odd)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(im2.st.lon, s.lon) || !slices.Equal(im2.st.at, s.at) || !slices.Equal(im2.names, want.names) ||
		!slices.Equal(im2.byID, want.byID) {
		t.Error("an image off its alignment reads otherwise")
	}
}

// TestImageRefusesDamage: cut, grown or with a byte changed, an image
// is refused with a reason, or reads as a store whose every record
// decodes (a changed byte inside a string).
func TestImageRefusesDamage(t *testing.T) {
	places := randomPlaces(7, 8, 200)
	img := mustImage(t, storePlaces(places))
	for _, cut := range []int{0, 7, imageHeader - 1, imageHeader, len(img) / 2, len(img) - 1} {
		if _, err := decodeImage(img[:cut]); err == nil {
			t.Errorf("an image cut at %d of %d bytes reads", cut, len(img))
		}
	}
	if _, err := decodeImage(append(bytes.Clone(img), 0)); err == nil {
		t.Error("an image with a byte appended reads")
	}
	rng := rand.New(rand.NewPCG(7, 8))
	for range 2000 {
		bad := bytes.Clone(img)
		bad[rng.IntN(len(bad))] ^= byte(1 + rng.IntN(255))
		im, err := decodeImage(bad)
		if err != nil {
			continue
		}
		s := im.st
		for o := range s.len() {
			s.place(uint32(o)) // must not panic
		}
	}
}

// FuzzDecodeImage: whatever the bytes, an image is refused or reads as a
// store every place of which decodes.
func FuzzDecodeImage(f *testing.F) {
	places := randomPlaces(9, 10, 5)
	f.Add(mustImage(f, storePlaces(places)))
	f.Add(mustImage(f, storePlaces(nil)))
	f.Fuzz(func(t *testing.T, data []byte) {
		im, err := decodeImage(data)
		if err != nil {
			return
		}
		s := im.st
		for _, k := range im.names {
			(&nameIndex{text: im.nameText}).key(k)
		}
		for o := range s.len() {
			s.place(uint32(o))
			s.id(uint32(o))
			s.name(uint32(o))
		}
	})
}

// TestCatalogRefusesBadOrders: an image whose order by ID is not sorted,
// or holds an ID twice, is refused, not served with IDs that cannot be
// found.
func TestCatalogRefusesBadOrders(t *testing.T) {
	places := randomPlaces(11, 12, 300)
	im, err := decodeImage(mustImage(t, storePlaces(places)))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := catalogFromStore(im.st, im, nil, nil, false); err != nil {
		t.Fatalf("a sound image is refused: %v", err)
	}
	swapped := *im
	swapped.byID = slices.Clone(im.byID)
	swapped.byID[10], swapped.byID[11] = swapped.byID[11], swapped.byID[10]
	if _, err := catalogFromStore(im.st, &swapped, nil, nil, false); err == nil || !strings.Contains(err.Error(), "order by ID") {
		t.Errorf("an unsorted order by ID: %v", err)
	}
	twice := *im
	twice.byID = slices.Clone(im.byID)
	twice.byID[11] = twice.byID[10]
	if _, err := catalogFromStore(im.st, &twice, nil, nil, false); err == nil || !strings.Contains(err.Error(), "order by ID") {
		t.Errorf("a place twice in the order by ID: %v", err)
	}
	// A store holding two places of one ID (storePlaces keeps one).
	b := newStoreBuilder(3, 0)
	for _, id := range []string{"a", "b", "a"} {
		b.add(&ingest.Place{ID: id, Name: id})
	}
	if _, err := catalogFromStore(b.done(), nil, nil, nil, false); err == nil || !strings.Contains(err.Error(), `two places have the ID "a"`) {
		t.Errorf("an ID twice: %v", err)
	}
}

// TestIDIndex: every ID is found at its place, and no other string is.
func TestIDIndex(t *testing.T) {
	places := randomPlaces(13, 14, 5000)
	st := storePlaces(places)
	ix, err := newIDIndex(st)
	if err != nil {
		t.Fatal(err)
	}
	for o := range uint32(st.len()) {
		if got, ok := ix.find(st, st.id(o)); !ok || got != o {
			t.Fatalf("find(%q) = %d, %v; want %d", st.id(o), got, ok, o)
		}
	}
	for _, id := range []string{"", "p-", "p-5000", "p-1 ", "P-1"} {
		if o, ok := ix.find(st, id); ok {
			t.Errorf("find(%q) = %d, want none", id, o)
		}
	}
}

// TestReadStoreAgrees: a places file read line by line into a store is
// the store of the same places in memory, duplicates resolved alike
// (the later kept) and in the same cell order.
func TestReadStoreAgrees(t *testing.T) {
	places := randomPlaces(15, 16, 2000)
	for i := range 300 {
		p := places[i*5]
		p.Name = "again " + p.Name // a later record of an ID replaces it
		places = append(places, p)
	}
	path := filepath.Join(t.TempDir(), placesFile)
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	for i := range places {
		if err := enc.Encode(&places[i]); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	got, err := readStore(path, len(places))
	if err != nil {
		t.Fatal(err)
	}
	// The places as the file holds them: an empty list is left out.
	var decoded []ingest.Place
	dec := json.NewDecoder(&buf)
	for dec.More() {
		var p ingest.Place
		if err := dec.Decode(&p); err != nil {
			t.Fatal(err)
		}
		decoded = append(decoded, p)
	}
	want := storePlaces(decoded)
	if got.len() != want.len() || got.len() != 2000 {
		t.Fatalf("%d places read, %d in memory, want 2000", got.len(), want.len())
	}
	for o := range uint32(want.len()) {
		if a, b := got.place(o), want.place(o); !reflect.DeepEqual(a, b) {
			t.Fatalf("place %d:\n got %+v\nwant %+v", o, a, b)
		}
	}
}

// TestListsInPlaceOrder: however a store is made (from places, read
// back from an image, put in cell order after a read), its lists lie in
// one block in the order its records first name them, each right after
// the one before, and the places read the same.
func TestListsInPlaceOrder(t *testing.T) {
	places := randomPlaces(11, 12, 2000)
	s := storePlaces(places)
	im, err := decodeImage(mustImage(t, s))
	if err != nil {
		t.Fatal(err)
	}
	ordered := inCellOrder(s)
	for name, st := range map[string]*placeStore{"from places": s, "from an image": im.st, "in cell order": ordered} {
		var prev []string
		seen := make([]bool, len(st.lists))
		checked := 0
		for o := range st.len() {
			p := st.place(uint32(o))
			for _, l := range listFields(p) {
				if len(*l) == 0 {
					continue
				}
				v := slices.IndexFunc(st.lists, func(x []string) bool { return len(x) > 0 && &x[0] == &(*l)[0] })
				if v < 0 {
					t.Fatalf("%s: place %d holds a list that is not the store's", name, o)
				}
				if seen[v] {
					continue
				}
				seen[v] = true
				next := unsafe.Add(unsafe.Pointer(unsafe.SliceData(prev)), uintptr(len(prev))*unsafe.Sizeof(""))
				if prev != nil && next != unsafe.Pointer(&(*l)[0]) {
					t.Fatalf("%s: place %d's list %d does not follow the list named before it", name, o, v)
				}
				prev = *l
				checked++
			}
		}
		if checked < 100 {
			t.Fatalf("%s: %d lists checked", name, checked)
		}
	}
	for o := range s.len() {
		if a, b := im.st.place(uint32(o)), s.place(uint32(o)); !reflect.DeepEqual(a, b) {
			t.Fatalf("place %d differs once read back", o)
		}
	}
}
