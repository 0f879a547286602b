package index_test

import (
	"bytes"
	"encoding/json"
	"reflect"
	"testing"

	"github.com/tierslieux/tierslieux/index"
	"github.com/tierslieux/tierslieux/index/indextest"
	"github.com/tierslieux/tierslieux/ingest"
)

// TestDecodeAgrees: the places an ingest writes (encoding/json, one a
// line) decode to the same places through decodePlaces as through
// encoding/json: synthetic and demo places, and strings with what JSON
// escapes (quotes, HTML characters, control characters, U+2028, emoji).
func TestDecodeAgrees(t *testing.T) {
	places := append(indextest.SynthPlaces(t, 5000), indextest.Demo(t).Places()...)
	odd := places[0]
	odd.ID, odd.Name = "odd-1", "Le \"Lab\" <Fab> & Co\u2028\u2029 \x01 — 🚀 l'été"
	odd.Description = "ligne 1\nligne 2\ttab \\ fin"
	odd.Services = []string{}
	places = append(places, odd)
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	for i := range places {
		if err := enc.Encode(&places[i]); err != nil {
			t.Fatal(err)
		}
	}
	got, err := index.DecodePlaces(buf.Bytes(), len(places))
	if err != nil {
		t.Fatal(err)
	}
	lines := bytes.Split(bytes.TrimSpace(buf.Bytes()), []byte("\n"))
	if len(got) != len(lines) {
		t.Fatalf("%d places decoded from %d lines", len(got), len(lines))
	}
	for i, line := range lines {
		var want ingest.Place
		if err := json.Unmarshal(line, &want); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got[i], want) {
			t.Fatalf("line %d decodes differently:\n got %+v\nwant %+v", i+1, got[i], want)
		}
	}
}

// TestDecodeRefuses: what no ingest writes is an error naming the line.
func TestDecodeRefuses(t *testing.T) {
	for _, tc := range []struct{ name, data string }{
		{"not JSON", "{\"id\":\"a\",\"name\":\"A\",\"lat\":43,\"lon\":1}\nnot json\n"},
		{"a name twice", `{"id":"a","id":"b","name":"A","lat":43,"lon":1}` + "\n"},
		{"invalid UTF-8", "{\"id\":\"a\",\"name\":\"\xff\",\"lat\":43,\"lon\":1}\n"},
		{"out of range", `{"id":"a","name":"A","lat":999,"lon":1}` + "\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := index.DecodePlaces([]byte(tc.data), 0); err == nil {
				t.Errorf("%q decoded without an error", tc.data)
			}
		})
	}
}
