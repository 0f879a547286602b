package index

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"testing"

	"github.com/tierslieux/tierslieux/ingest"
)

// TestStoreRoundTrip stores places with every field of ingest.Place set
// or not, at random, and reads back each one as it was: a field added to
// ingest.Place and forgotten by the store fails here.
func TestStoreRoundTrip(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	var places []ingest.Place
	for i := range 2000 {
		places = append(places, randomPlace(rng, i))
	}
	// Every field at once, and none.
	full := ingest.Place{}
	fillAll(reflect.ValueOf(&full).Elem(), rng, 1)
	places = append(places, full, ingest.Place{ID: "bare"})

	size := 0
	for i := range places {
		size += recordBound(&places[i])
	}
	b := newStoreBuilder(len(places), size)
	for i := range places {
		b.add(&places[i])
	}
	s := b.done()
	if len(s.data) > size {
		t.Errorf("records take %d bytes, more than their bound %d", len(s.data), size)
	}
	if s.len() != len(places) {
		t.Fatalf("%d places stored, want %d", s.len(), len(places))
	}
	for i, want := range places {
		got := s.place(uint32(i))
		if !reflect.DeepEqual(*got, want) {
			t.Fatalf("place %d:\n got %+v\nwant %+v", i, *got, want)
		}
		if s.id(uint32(i)) != want.ID || s.name(uint32(i)) != want.Name {
			t.Fatalf("place %d: id %q name %q, want %q %q", i, s.id(uint32(i)), s.name(uint32(i)), want.ID, want.Name)
		}
	}
}

// TestStoreCoversEveryField checks that the store's three field lists
// name every string and list field of ingest.Place exactly once.
func TestStoreCoversEveryField(t *testing.T) {
	var p ingest.Place
	seen := map[uintptr]int{}
	base := reflect.ValueOf(&p).Pointer()
	for _, f := range ownStrings(&p) {
		seen[reflect.ValueOf(f).Pointer()-base]++
	}
	for _, f := range sharedStrings(&p) {
		seen[reflect.ValueOf(f).Pointer()-base]++
	}
	for _, f := range listFields(&p) {
		seen[reflect.ValueOf(f).Pointer()-base]++
	}
	typ := reflect.TypeFor[ingest.Place]()
	for f := range typ.Fields() {
		switch f.Type.Kind() {
		case reflect.String, reflect.Slice:
			if seen[f.Offset] != 1 {
				t.Errorf("field %s is stored %d times, want once", f.Name, seen[f.Offset])
			}
		case reflect.Float64, reflect.Int, reflect.Bool:
			// Lon, Lat, LabelYear, Demo: stored apart.
		default:
			t.Errorf("field %s of kind %s: the store does not know it", f.Name, f.Type.Kind())
		}
	}
}

func randomPlace(rng *rand.Rand, i int) ingest.Place {
	var p ingest.Place
	fillAll(reflect.ValueOf(&p).Elem(), rng, 0.4)
	p.ID = fmt.Sprintf("p-%d", i)
	return p
}

// fillAll sets each field of v with probability share, from a few values
// (so that shared strings and lists repeat), empty lists included.
func fillAll(v reflect.Value, rng *rand.Rand, share float64) {
	words := []string{"a", "Toulouse", "é ü \u2028", "Mo-Fr 09:00-18:00", "x\x00y", "31", "longer text with spaces"}
	for i := range v.NumField() {
		if rng.Float64() >= share {
			continue
		}
		f := v.Field(i)
		switch f.Kind() {
		case reflect.String:
			f.SetString(words[rng.IntN(len(words))] + fmt.Sprint(rng.IntN(3)))
		case reflect.Slice:
			n := rng.IntN(4)
			l := make([]string, n) // n = 0: empty, not nil
			for j := range l {
				l[j] = words[rng.IntN(len(words))]
			}
			f.Set(reflect.ValueOf(l))
		case reflect.Float64:
			f.SetFloat(rng.Float64()*360 - 180)
		case reflect.Int:
			f.SetInt(int64(rng.IntN(4000)) - 100)
		case reflect.Bool:
			f.SetBool(true)
		}
	}
}

func BenchmarkStorePlace(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 2))
	b.StopTimer()
	sb := newStoreBuilder(100_000, 0)
	for i := range 100_000 {
		p := randomPlace(rng, i)
		sb.add(&p)
	}
	s := sb.done()
	b.StartTimer()
	for i := 0; b.Loop(); i++ {
		storeSink = s.place(uint32(i*7919) % 100_000)
	}
}

var storeSink *ingest.Place

func BenchmarkStoreDecode(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 2))
	sb := newStoreBuilder(100_000, 0)
	for i := range 100_000 {
		p := randomPlace(rng, i)
		sb.add(&p)
	}
	s := sb.done()
	p := new(ingest.Place)
	for i := 0; b.Loop(); i++ {
		s.decode(uint32(i*7919)%100_000, p)
	}
	storeSink = p
}
