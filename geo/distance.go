package geo

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// EarthRadiusMeters is the mean radius of the Earth (IUGG), used for every
// distance in the project so that the R-tree bound and the exact check agree.
const EarthRadiusMeters = 6371008.8

// MaxDistanceMeters bounds any distance the service accepts: half the
// Earth's circumference, beyond which "within" means everywhere.
const MaxDistanceMeters = math.Pi * EarthRadiusMeters

// Distance returns the great-circle (haversine) distance in metres between
// two points given as longitude, latitude in degrees.
func Distance(lon1, lat1, lon2, lat2 float64) float64 {
	φ1, φ2 := lat1*math.Pi/180, lat2*math.Pi/180
	dφ := φ2 - φ1
	dλ := (lon2 - lon1) * math.Pi / 180
	s := math.Sin(dφ/2)*math.Sin(dφ/2) + math.Cos(φ1)*math.Cos(φ2)*math.Sin(dλ/2)*math.Sin(dλ/2)
	if s > 1 {
		s = 1
	}
	return 2 * EarthRadiusMeters * math.Asin(math.Sqrt(s))
}

// ValidPoint reports whether lon and lat are finite and within the ranges
// [-180, 180] and [-90, 90].
func ValidPoint(lon, lat float64) bool {
	return !math.IsNaN(lon) && !math.IsNaN(lat) && lon >= -180 && lon <= 180 && lat >= -90 && lat <= 90
}

// ErrDistance is returned, wrapped, by ParseDistance for any input it
// cannot read. ErrNegative and ErrTooFar are wrapped with it when a
// number was read but is out of range.
var (
	ErrDistance = errors.New("invalid distance")
	ErrNegative = errors.New("is negative")
	ErrTooFar   = errors.New("is beyond half the Earth's circumference")
)

var distanceUnits = []struct {
	suffix string
	meters float64
}{
	// Longest suffixes first, so "km" is not read as "m".
	{"kilometres", 1000}, {"kilometers", 1000}, {"kilometre", 1000}, {"kilometer", 1000},
	{"metres", 1}, {"meters", 1}, {"metre", 1}, {"meter", 1},
	{"miles", 1609.344}, {"mile", 1609.344}, {"mi", 1609.344},
	{"kms", 1000}, {"km", 1000}, {"m", 1},
}

// ParseDistance reads a distance such as "30km", "30 km", "500m", "2,5 km"
// or "1.5mi" and returns metres. A bare number is taken as kilometres, the
// unit people mean when they type "30". Negative, zero-length and
// non-finite distances are errors; so is anything above MaxDistanceMeters.
func ParseDistance(s string) (float64, error) {
	t := strings.ToLower(strings.TrimSpace(s))
	if t == "" {
		return 0, fmt.Errorf("%w: empty", ErrDistance)
	}
	unit := 1000.0
	for _, u := range distanceUnits {
		if strings.HasSuffix(t, u.suffix) {
			unit = u.meters
			t = strings.TrimSpace(strings.TrimSuffix(t, u.suffix))
			break
		}
	}
	t = strings.Replace(t, ",", ".", 1)
	v, err := strconv.ParseFloat(t, 64)
	if err != nil || t == "" || strings.ContainsAny(t, "xXpP_") {
		return 0, fmt.Errorf("%w: %q is not a number with an optional unit (m, km, mi)", ErrDistance, s)
	}
	m := v * unit
	switch {
	case math.IsNaN(m) || math.IsInf(m, 0):
		return 0, fmt.Errorf("%w: %q is not finite", ErrDistance, s)
	case m < 0:
		return 0, fmt.Errorf("%w: %q %w", ErrDistance, s, ErrNegative)
	case m > MaxDistanceMeters:
		return 0, fmt.Errorf("%w: %q %w", ErrDistance, s, ErrTooFar)
	}
	return m, nil
}

// FormatDistance writes metres the way ParseDistance reads them back
// exactly: whole kilometres as "30km", anything else in metres ("2500m",
// "3.97m").
func FormatDistance(meters float64) string {
	if km := meters / 1000; km == math.Trunc(km) && km*1000 == meters && km < 1e15 {
		return strconv.FormatFloat(km, 'f', -1, 64) + "km"
	}
	return strconv.FormatFloat(meters, 'f', -1, 64) + "m"
}
