package geo_test

import (
	"errors"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/tierslieux/tierslieux/geo"
)

// googleExample is the example of Google's polyline documentation: the
// points (38.5, -120.2), (40.7, -120.95), (43.252, -126.453) as lat, lon.
const googleExample = "_p~iF~ps|U_ulLnnqC_mqNvxq`@"

var googlePoints = [][2]float64{{-120.2, 38.5}, {-120.95, 40.7}, {-126.453, 43.252}}

// polylineOK lists polylines DecodePolyline accepts. It also seeds
// FuzzDecodePolyline.
var polylineOK = []struct {
	name      string
	in        string
	precision int
	want      [][2]float64
}{
	{"Google's example", googleExample, 5, googlePoints},
	{"empty", "", 5, nil},
	{"origin", "??", 5, [][2]float64{{0, 0}}},
	{"one point", "_p~iF~ps|U", 5, [][2]float64{{-120.2, 38.5}}},
	{"precision 6 reads the same digits as a tenth", googleExample, 6, [][2]float64{{-12.02, 3.85}, {-12.095, 4.07}, {-12.6453, 4.3252}}},
	{"precision 0", "d@c@", 0, [][2]float64{{18, -19}}},
	{"the corners of the world", "_cidP~fsia@~bidP??_ogtcA", 5, [][2]float64{{-180, 90}, {-180, 0}, {180, 0}}},
	{"a zero written with an extra chunk", "_????", 5, [][2]float64{{0, 0}, {0, 0}}},
}

// polylineBad lists polylines DecodePolyline refuses, with a word its
// error must contain. It also seeds FuzzDecodePolyline.
var polylineBad = []struct {
	name, in  string
	precision int
	wantErr   string
}{
	{"truncated value", googleExample[:len(googleExample)-1], 5, "truncated"},
	{"latitude without longitude", "_p~iF", 5, "no longitude"},
	{"continuation at the end", "_p~iF~ps|U_", 5, "truncated"},
	{"space", "_p~iF ~ps|U", 5, "invalid character"},
	{"below '?'", "_p~iF>ps|U", 5, "invalid character"},
	{"DEL", "_p~iF~ps|U\x7f?", 5, "invalid character"},
	{"non-ASCII", "_p~iF~ps|Ué", 5, "invalid character"},
	{"latitude beyond 90", "_mljP?", 5, "out of range"},
	{"longitude beyond 180", "?agsia@", 5, "out of range"},
	{"longitude beyond 180 after a sum", "?_gsia@?A", 5, "out of range"},
	{"value too long", strings.Repeat("~", 13) + "??", 5, "longer than"},
	{"negative precision", googleExample, -1, "precision"},
	{"precision too large", googleExample, geo.MaxPolylinePrecision + 1, "precision"},
}

func TestDecodePolyline(t *testing.T) {
	for _, tc := range polylineOK {
		t.Run(tc.name, func(t *testing.T) {
			got, err := geo.DecodePolyline(tc.in, tc.precision)
			if err != nil {
				t.Fatalf("DecodePolyline(%q, %d): %v", tc.in, tc.precision, err)
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("DecodePolyline(%q, %d) = %v, want %v", tc.in, tc.precision, got, tc.want)
			}
		})
	}
	for _, tc := range polylineBad {
		t.Run(tc.name, func(t *testing.T) {
			got, err := geo.DecodePolyline(tc.in, tc.precision)
			if !errors.Is(err, geo.ErrPolyline) || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("DecodePolyline(%q, %d) = %v, %v; want an ErrPolyline saying %q", tc.in, tc.precision, got, err, tc.wantErr)
			}
		})
	}
}

func TestEncodePolyline(t *testing.T) {
	t.Run("Google's example", func(t *testing.T) {
		got, err := geo.EncodePolyline(googlePoints, 5)
		if err != nil || got != googleExample {
			t.Errorf("EncodePolyline = %q, %v; want %q", got, err, googleExample)
		}
	})
	t.Run("rounds to the precision", func(t *testing.T) {
		got, err := geo.EncodePolyline([][2]float64{{-120.200004, 38.499996}, {-120.95, 40.7}, {-126.453, 43.252}}, 5)
		if err != nil || got != googleExample {
			t.Errorf("EncodePolyline = %q, %v; want %q", got, err, googleExample)
		}
	})
	t.Run("round trip of random routes", func(t *testing.T) {
		rng := rand.New(rand.NewPCG(1, 5))
		for _, precision := range []int{0, 5, 6, 9} {
			scale := math.Pow10(precision)
			for range 200 {
				pts := make([][2]float64, rng.IntN(60))
				for i := range pts {
					pts[i] = [2]float64{math.Round((rng.Float64()*360-180)*scale) / scale, math.Round((rng.Float64()*180-90)*scale) / scale}
				}
				s, err := geo.EncodePolyline(pts, precision)
				if err != nil {
					t.Fatal(err)
				}
				back, err := geo.DecodePolyline(s, precision)
				if err != nil || len(back) != len(pts) || (len(pts) > 0 && !slices.Equal(back, pts)) {
					t.Fatalf("precision %d: %v → %q → %v, %v", precision, pts, s, back, err)
				}
			}
		}
	})
	for _, tc := range []struct {
		name      string
		pts       [][2]float64
		precision int
	}{
		{"NaN", [][2]float64{{1, math.NaN()}}, 5},
		{"beyond 180", [][2]float64{{180.5, 0}}, 5},
		{"bad precision", googlePoints, 10},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if s, err := geo.EncodePolyline(tc.pts, tc.precision); !errors.Is(err, geo.ErrPolyline) {
				t.Errorf("EncodePolyline(%v, %d) = %q, %v; want an ErrPolyline", tc.pts, tc.precision, s, err)
			}
		})
	}
}

// A decoded polyline becomes a route.
func TestPolylineRouteFromDecoded(t *testing.T) {
	pts, err := geo.DecodePolyline(googleExample, 5)
	if err != nil {
		t.Fatal(err)
	}
	r := MustPolylineRoute(t, pts)
	if d, along := r.Measure(-120.95, 40.7); d > 1e-6 || math.Abs(along-geo.Distance(-120.2, 38.5, -120.95, 40.7)) > 1e-6 {
		t.Errorf("the second point: detour %v, along %v", d, along)
	}
}

// FuzzDecodePolyline: DecodePolyline never panics, returns only valid
// points, and what it accepts survives a round trip through
// EncodePolyline (the string may differ: a value can be written with
// extra zero chunks).
func FuzzDecodePolyline(f *testing.F) {
	for _, tc := range polylineOK {
		f.Add(tc.in, tc.precision)
	}
	for _, tc := range polylineBad {
		f.Add(tc.in, tc.precision)
	}
	f.Fuzz(func(t *testing.T, s string, precision int) {
		pts, err := geo.DecodePolyline(s, precision)
		if err != nil {
			if !errors.Is(err, geo.ErrPolyline) {
				t.Fatalf("error %v does not wrap ErrPolyline", err)
			}
			return
		}
		for i, p := range pts {
			if !geo.ValidPoint(p[0], p[1]) {
				t.Fatalf("point %d = %v is invalid", i, p)
			}
		}
		enc, err := geo.EncodePolyline(pts, precision)
		if err != nil {
			t.Fatalf("EncodePolyline(%v, %d): %v", pts, precision, err)
		}
		back, err := geo.DecodePolyline(enc, precision)
		if err != nil {
			t.Fatalf("DecodePolyline(%q) of the re-encoded %q: %v", enc, s, err)
		}
		if len(back) != len(pts) || (len(pts) > 0 && !slices.Equal(back, pts)) {
			t.Fatalf("%q → %v → %q → %v", s, pts, enc, back)
		}
	})
}
