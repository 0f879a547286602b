package hours_test

import (
	"testing"
	"time"

	"github.com/tierslieux/tierslieux/ingest/hours"
)

// benchValues are the shapes a filter meets, from the common to the rare.
var benchValues = []struct{ name, value string }{
	{"simple", "Mo-Fr 09:00-18:00"},
	{"typical", "Mo-Fr 09:00-12:00,14:00-17:30; Sa 10:00-12:00; PH off"},
	{"night", "Mo-Su 18:00-02:00; Su off"},
	{"seasons", "Oct-Mar Mo-Fr 09:00-17:00; Apr-Sep Mo-Sa 08:00-19:00; Dec 24 09:00-12:00; Dec 25 off; PH off"},
}

func BenchmarkParse(b *testing.B) {
	for _, bv := range benchValues {
		b.Run(bv.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := hours.Parse(bv.value); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// benchInstants spread over a week and the year, so that the zone cache
// and holiday computation are not always on their fast path.
func benchInstants(b *testing.B) []time.Time {
	start := MustTime(b, "2026-01-05 00:00")
	ts := make([]time.Time, 1024)
	for i := range ts {
		ts[i] = start.Add(time.Duration(i)*8*time.Hour + time.Duration(i%60)*time.Minute)
	}
	return ts
}

func BenchmarkOpenAt(b *testing.B) {
	ts := benchInstants(b)
	for _, bv := range benchValues {
		b.Run(bv.name, func(b *testing.B) {
			s := MustParse(b, bv.value)
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				s.OpenAt(ts[i&1023])
				i++
			}
		})
	}
}

func BenchmarkOpenThroughout(b *testing.B) {
	ts := benchInstants(b)
	for _, bv := range benchValues {
		b.Run(bv.name, func(b *testing.B) {
			s := MustParse(b, bv.value)
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				t := ts[i&1023]
				s.OpenThroughout(t, t.Add(3*time.Hour))
				i++
			}
		})
	}
}

func BenchmarkOpenDuringWeekend(b *testing.B) {
	from, to := MustTime(b, "2026-06-06 00:00"), MustTime(b, "2026-06-08 00:00")
	for _, bv := range benchValues {
		b.Run(bv.name, func(b *testing.B) {
			s := MustParse(b, bv.value)
			b.ReportAllocs()
			for b.Loop() {
				s.OpenDuring(from, to)
			}
		})
	}
}

func BenchmarkNextChange(b *testing.B) {
	ts := benchInstants(b)
	for _, bv := range append(benchValues, struct{ name, value string }{"never", "24/7"}) {
		b.Run(bv.name, func(b *testing.B) {
			s := MustParse(b, bv.value)
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				s.NextChange(ts[i&1023])
				i++
			}
		})
	}
}

func BenchmarkParseWhen(b *testing.B) {
	now := MustTime(b, whenNow)
	for _, in := range []string{"now", "samedi soir", "2026-12-24T09:00+01:00/2026-12-24T12:00+01:00"} {
		b.Run(in, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := hours.ParseWhen(in, now); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// TestOpenAtAllocs guards the promise that filtering allocates nothing.
func TestOpenAtAllocs(t *testing.T) {
	s := MustParse(t, "Oct-Mar Mo-Fr 09:00-17:00; Apr-Sep Mo-Sa 08:00-19:00; Fr 18:00-02:00; PH off")
	at := MustTime(t, "2026-05-14 10:00")
	if n := testing.AllocsPerRun(100, func() {
		s.OpenAt(at)
		s.OpenThroughout(at, at.Add(3*time.Hour))
		s.OpenDuring(at, at.Add(48*time.Hour))
		s.NextChange(at)
	}); n != 0 {
		t.Fatalf("evaluation allocates %v times per run, want 0", n)
	}
}
