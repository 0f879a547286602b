package index

import (
	"bufio"
	"bytes"
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"

	"github.com/tierslieux/tierslieux/ingest"
)

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
	rng := rand.New(rand.NewPCG(5, 6))
	var places []ingest.Place
	for i := range 3000 {
		places = append(places, randomPlace(rng, i))
	}
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
}

// TestImageRefusesDamage: cut, grown or with a byte changed, an image
// is refused with a reason, or reads as a store whose every record
// decodes (a changed byte inside a string).
func TestImageRefusesDamage(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	var places []ingest.Place
	for i := range 200 {
		places = append(places, randomPlace(rng, i))
	}
	img := mustImage(t, storePlaces(places))
	for _, cut := range []int{0, 7, imageHeader - 1, imageHeader, len(img) / 2, len(img) - 1} {
		if _, err := decodeImage(img[:cut]); err == nil {
			t.Errorf("an image cut at %d of %d bytes reads", cut, len(img))
		}
	}
	if _, err := decodeImage(append(bytes.Clone(img), 0)); err == nil {
		t.Error("an image with a byte appended reads")
	}
	for i := range 2000 {
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
		_ = i
	}
}

// FuzzDecodeImage: whatever the bytes, an image is refused or reads as a
// store every place of which decodes.
func FuzzDecodeImage(f *testing.F) {
	rng := rand.New(rand.NewPCG(9, 10))
	var places []ingest.Place
	for i := range 5 {
		places = append(places, randomPlace(rng, i))
	}
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
