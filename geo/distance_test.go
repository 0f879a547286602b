package geo_test

import (
	"errors"
	"math"
	"math/rand/v2"
	"strconv"
	"testing"

	"github.com/tierslieux/tierslieux/geo"
)

const mile = 1609.344

// parseDistanceOK lists inputs ParseDistance accepts and the metres each
// means. It also seeds FuzzParseDistance.
var parseDistanceOK = []struct {
	name, in string
	want     float64
}{
	{"km", "30km", 30000},
	{"km with space", "30 km", 30000},
	{"metres", "500m", 500},
	{"bare number is km", "30", 30000},
	{"decimal comma", "2,5 km", 2500},
	{"decimal point", "2.5km", 2500},
	{"miles abbreviated", "1.5mi", 1.5 * mile},
	{"zero", "0", 0},
	{"zero metres", "0m", 0},
	{"upper case and padding", "  12KM ", 12000},
	{"tab before unit", "30\tkm", 30000},
	{"kms", "2 kms", 2000},
	{"kilometre", "1 kilometre", 1000},
	{"kilometres", "3 kilometres", 3000},
	{"kilometers", "3 Kilometers", 3000},
	{"kilometer", "1kilometer", 1000},
	{"metre", "1 metre", 1},
	{"metres long", "250 metres", 250},
	{"meters", "250 meters", 250},
	{"meter", "7meter", 7},
	{"mile", "1 mile", mile},
	{"miles", "5 miles", 5 * mile},
	{"leading dot", ".5", 500},
	{"trailing dot", "5.", 5000},
	{"explicit plus", "+5km", 5000},
	{"exponent", "1e3m", 1000},
	{"fractional metres", "0.25m", 0.25},
	// Half the circumference is 20015.114 km, so 20000 km is still fine.
	{"20000 km is below the limit", "20000km", 20000e3},
	{"exactly the limit", geo.FormatDistance(geo.MaxDistanceMeters), geo.MaxDistanceMeters},
	{"limit in metres", "20015114m", 20015114},
}

// parseDistanceBad lists inputs ParseDistance must refuse. It also seeds
// FuzzParseDistance.
var parseDistanceBad = []struct{ name, in string }{
	{"empty", ""},
	{"blank", "   "},
	{"negative", "-5km"},
	{"negative bare", "-0.001"},
	{"letters", "abc"},
	{"unit only", "km"},
	{"unit only miles", " mi "},
	{"overflow", "1e400"},
	{"overflow metres", "1e400m"},
	{"NaN", "NaN"},
	{"NaN km", "nan km"},
	{"Inf", "Inf"},
	{"minus Inf", "-Inf"},
	{"infinity km", "infinity km"},
	{"unknown unit", "30 parsecs"},
	{"hex", "0x10"},
	{"hex km", "0x10km"},
	{"hex float", "0x1p4"},
	{"just beyond half circumference", "20016km"},
	{"far beyond half circumference", "40000km"},
	{"miles beyond", "12500mi"},
	{"underscore", "1_000"},
	{"underscore km", "1_000km"},
	{"thousands comma", "1,000.5"},
	{"two units", "5 km km"},
	{"unit first", "km5"},
	{"split unit", "5 k m"},
	{"double sign", "--5"},
	{"dangling exponent", "5e"},
	{"two dots", "1.2.3"},
	{"two commas", "1,2,3"},
	{"millimetres", "5mm"},
	{"space in number", "1 000"},
}

func TestParseDistance(t *testing.T) {
	for _, tc := range parseDistanceOK {
		t.Run(tc.name, func(t *testing.T) {
			got, err := geo.ParseDistance(tc.in)
			if err != nil {
				t.Fatalf("ParseDistance(%q): %v", tc.in, err)
			}
			if !closeRel(got, tc.want, 1e-12) {
				t.Errorf("ParseDistance(%q) = %v m, want %v m", tc.in, got, tc.want)
			}
		})
	}
	for _, tc := range parseDistanceBad {
		t.Run("error/"+tc.name, func(t *testing.T) {
			got, err := geo.ParseDistance(tc.in)
			if err == nil {
				t.Fatalf("ParseDistance(%q) = %v m, want an error", tc.in, got)
			}
			if !errors.Is(err, geo.ErrDistance) {
				t.Errorf("ParseDistance(%q) error %v does not wrap geo.ErrDistance", tc.in, err)
			}
			if got != 0 {
				t.Errorf("ParseDistance(%q) = %v with an error, want 0", tc.in, got)
			}
		})
	}
}

func TestParseDistanceLimit(t *testing.T) {
	if _, err := geo.ParseDistance(geo.FormatDistance(geo.MaxDistanceMeters)); err != nil {
		t.Errorf("the limit itself is refused: %v", err)
	}
	above := strconv.FormatFloat(math.Nextafter(geo.MaxDistanceMeters, math.Inf(1)), 'g', -1, 64) + "m"
	if m, err := geo.ParseDistance(above); err == nil {
		t.Errorf("ParseDistance(%q) = %v: accepted a distance one ulp above the limit", above, m)
	}
}

func TestFormatDistance(t *testing.T) {
	for _, tc := range []struct {
		name   string
		meters float64
		want   string
	}{
		{"zero", 0, "0km"},
		{"whole km", 30000, "30km"},
		{"half km", 500, "500m"},
		{"decimal", 2500, "2500m"},
		{"metre", 1, "1m"},
		{"mile and a half", 1.5 * mile, "2414.016m"},
		{"large", 20000e3, "20000km"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := geo.FormatDistance(tc.meters); got != tc.want {
				t.Errorf("FormatDistance(%v) = %q, want %q", tc.meters, got, tc.want)
			}
		})
	}
}

// TestFormatDistanceRoundTrip checks FormatDistance(ParseDistance(s)) reads
// back as the same metres. The km conversion (÷1000 then ×1000) may move
// the last bit, so "same" is to 1e-12 relative.
func TestFormatDistanceRoundTrip(t *testing.T) {
	for _, tc := range parseDistanceOK {
		t.Run(tc.name, func(t *testing.T) {
			m := MustParseDistance(t, tc.in)
			s := geo.FormatDistance(m)
			back, err := geo.ParseDistance(s)
			if err != nil {
				t.Fatalf("ParseDistance(FormatDistance(%v) = %q): %v", m, s, err)
			}
			if !closeRel(back, m, 1e-12) {
				t.Errorf("%q → %v m → %q → %v m", tc.in, m, s, back)
			}
		})
	}
}

// MustParseDistance parses s or stops the test.
func MustParseDistance(tb testing.TB, s string) float64 {
	tb.Helper()
	m, err := geo.ParseDistance(s)
	if err != nil {
		tb.Fatalf("ParseDistance(%q): %v", s, err)
	}
	return m
}

func FuzzParseDistance(f *testing.F) {
	for _, tc := range parseDistanceOK {
		f.Add(tc.in)
	}
	for _, tc := range parseDistanceBad {
		f.Add(tc.in)
	}
	for _, s := range []string{"1e-320m", "4.9e-324 km", "-0", "0.0000001mi", "99999999999999999999m", "١٢km", "12\u00a0km", "3,", ",5"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		m, err := geo.ParseDistance(s)
		if err != nil {
			if !errors.Is(err, geo.ErrDistance) {
				t.Fatalf("ParseDistance(%q) error %v does not wrap geo.ErrDistance", s, err)
			}
			if m != 0 {
				t.Fatalf("ParseDistance(%q) = %v with an error", s, m)
			}
			return
		}
		if math.IsNaN(m) || math.IsInf(m, 0) || m < 0 || m > geo.MaxDistanceMeters {
			t.Fatalf("ParseDistance(%q) = %v, outside [0, %v]", s, m, geo.MaxDistanceMeters)
		}
		out := geo.FormatDistance(m)
		back, err := geo.ParseDistance(out)
		if err != nil {
			t.Fatalf("ParseDistance(%q) = %v, but FormatDistance gives %q which does not parse: %v", s, m, out, err)
		}
		// 1e-6 relative; the absolute nanometre only forgives subnormal
		// inputs, whose km value underflows to zero.
		if math.Abs(back-m) > 1e-6*m+1e-9 {
			t.Fatalf("ParseDistance(%q) = %v, FormatDistance → %q → %v", s, m, out, back)
		}
	})
}

// Expected distances were computed independently with the haversine
// formula at 40 significant digits (mpmath) and R = 6371008.8 m.
func TestDistance(t *testing.T) {
	const (
		rodezLon, rodezLat         = 2.57338, 44.35258
		millauLon, millauLat       = 3.07848, 44.09973
		parisLon, parisLat         = 2.3522, 48.8566
		marseilleLon, marseilleLat = 5.3698, 43.2965
	)
	halfCircumference := math.Pi * 6371008.8
	for _, tc := range []struct {
		name                   string
		lon1, lat1, lon2, lat2 float64
		want                   float64
	}{
		{"Rodez to Millau", rodezLon, rodezLat, millauLon, millauLat, 49094.894235123},
		{"Millau to Rodez", millauLon, millauLat, rodezLon, rodezLat, 49094.894235123},
		{"Paris to Marseille", parisLon, parisLat, marseilleLon, marseilleLat, 660479.291965258},
		{"Rodez to Albi", rodezLon, rodezLat, 2.1486, 43.9289, 58037.8190458534},
		{"Rodez to Toulouse", rodezLon, rodezLat, 1.4442, 43.6047, 122795.152594276},
		{"same point", rodezLon, rodezLat, rodezLon, rodezLat, 0},
		{"one degree of latitude", 0, 0, 0, 1, 111195.080233533},
		{"one degree of longitude at the equator", 0, 0, 1, 0, 111195.080233533},
		{"one degree of longitude at 60°N", 10, 60, 11, 60, 55597.0108648969},
		{"across the antimeridian", 179.5, 0, -179.5, 0, 111195.080233533},
		{"antimeridian both ways", 180, 12, -180, 12, 0},
		{"equatorial antipodes", 0, 0, 180, 0, halfCircumference},
		{"antipode of Rodez", rodezLon, rodezLat, rodezLon - 180, -rodezLat, halfCircumference},
		{"pole to pole", 0, 90, 0, -90, halfCircumference},
		{"north pole at two longitudes", 0, 90, 123, 90, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := geo.Distance(tc.lon1, tc.lat1, tc.lon2, tc.lat2)
			if math.Abs(got-tc.want) > 1 {
				t.Errorf("Distance(%v, %v, %v, %v) = %.3f m, want %.3f m ±1", tc.lon1, tc.lat1, tc.lon2, tc.lat2, got, tc.want)
			}
			if got < 0 || got > geo.MaxDistanceMeters*(1+1e-15) {
				t.Errorf("Distance = %v, outside [0, MaxDistanceMeters]", got)
			}
		})
	}
}

// TestDistanceAgainstVectors compares Distance on random pairs with the
// well-conditioned atan2(|a×b|, a·b) form on unit vectors.
func TestDistanceAgainstVectors(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 11))
	for range 20000 {
		lon1, lat1 := rng.Float64()*360-180, rng.Float64()*180-90
		lon2, lat2 := rng.Float64()*360-180, rng.Float64()*180-90
		if rng.IntN(4) == 0 { // close pairs too
			lon2, lat2 = lon1+rng.NormFloat64()*0.01, math.Max(-90, math.Min(90, lat1+rng.NormFloat64()*0.01))
		}
		got := geo.Distance(lon1, lat1, lon2, lat2)
		want := vectorDistance(lon1, lat1, lon2, lat2)
		if math.Abs(got-want) > 1e-3 {
			t.Fatalf("Distance(%v, %v, %v, %v) = %.6f, vector form %.6f", lon1, lat1, lon2, lat2, got, want)
		}
		if back := geo.Distance(lon2, lat2, lon1, lat1); math.Abs(back-got) > 1e-6 {
			t.Fatalf("Distance is not symmetric: %v vs %v", got, back)
		}
	}
}

// TestDistanceAntipodes checks rounding at antipodes (the haversine term
// can exceed 1 by an ulp) never yields NaN.
func TestDistanceAntipodes(t *testing.T) {
	rng := rand.New(rand.NewPCG(13, 17))
	for range 2000 {
		lon, lat := rng.Float64()*360-180, rng.Float64()*180-90
		alon := lon - 180
		if alon < -180 {
			alon += 360
		}
		d := geo.Distance(lon, lat, alon, -lat)
		if math.IsNaN(d) || math.Abs(d-geo.MaxDistanceMeters) > 1 {
			t.Fatalf("Distance(%v, %v) to its antipode (%v, %v) = %v, want %v", lon, lat, alon, -lat, d, geo.MaxDistanceMeters)
		}
	}
}

func vectorDistance(lon1, lat1, lon2, lat2 float64) float64 {
	a, b := unitVector(lon1, lat1), unitVector(lon2, lat2)
	cx := a[1]*b[2] - a[2]*b[1]
	cy := a[2]*b[0] - a[0]*b[2]
	cz := a[0]*b[1] - a[1]*b[0]
	dot := a[0]*b[0] + a[1]*b[1] + a[2]*b[2]
	return 6371008.8 * math.Atan2(math.Sqrt(cx*cx+cy*cy+cz*cz), dot)
}

func unitVector(lon, lat float64) [3]float64 {
	λ, φ := lon*math.Pi/180, lat*math.Pi/180
	return [3]float64{math.Cos(φ) * math.Cos(λ), math.Cos(φ) * math.Sin(λ), math.Sin(φ)}
}

func TestValidPoint(t *testing.T) {
	nan, inf := math.NaN(), math.Inf(1)
	for _, tc := range []struct {
		name     string
		lon, lat float64
		want     bool
	}{
		{"origin", 0, 0, true},
		{"Rodez", 2.57338, 44.35258, true},
		{"north-east corner", 180, 90, true},
		{"south-west corner", -180, -90, true},
		{"longitude just over", math.Nextafter(180, 181), 0, false},
		{"longitude just under", math.Nextafter(-180, -181), 0, false},
		{"latitude just over", 0, math.Nextafter(90, 91), false},
		{"latitude just under", 0, math.Nextafter(-90, -91), false},
		{"swapped lat/lon", 2.5, 144.3, false},
		{"longitude 360", 360, 0, false},
		{"NaN longitude", nan, 0, false},
		{"NaN latitude", 0, nan, false},
		{"both NaN", nan, nan, false},
		{"+Inf longitude", inf, 0, false},
		{"-Inf longitude", -inf, 0, false},
		{"+Inf latitude", 0, inf, false},
		{"-Inf latitude", 0, -inf, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := geo.ValidPoint(tc.lon, tc.lat); got != tc.want {
				t.Errorf("ValidPoint(%v, %v) = %v, want %v", tc.lon, tc.lat, got, tc.want)
			}
		})
	}
}

// closeRel reports whether a and b agree to rel relative (exactly when
// want is zero).
func closeRel(a, b, rel float64) bool {
	return math.Abs(a-b) <= rel*math.Max(math.Abs(a), math.Abs(b))
}
