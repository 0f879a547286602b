package geo

import (
	"errors"
	"fmt"
	"math"
	"strings"
)

// ErrPolyline is returned, wrapped with what is wrong and where, by
// DecodePolyline and EncodePolyline.
var ErrPolyline = errors.New("invalid polyline")

// MaxPolylinePrecision is the largest number of decimal digits a polyline
// may carry: 5 is Google's, 6 OSRM's and Valhalla's; beyond 9, a
// longitude's integer no longer fits the chunks this decoder allows.
const MaxPolylinePrecision = 9

// maxPolylineChunks bounds the 5-bit chunks of one value: 13 chunks hold
// 65 bits, enough for any int64.
const maxPolylineChunks = 13

// DecodePolyline reads an encoded polyline (Google's "encoded polyline
// algorithm format", as routing services return it) whose coordinates
// carry precision decimal digits, and returns its positions as [lon, lat]
// — the format itself stores latitude first. The empty string is the empty
// line. Errors wrap ErrPolyline and say what is wrong and at which byte:
// a character outside '?'..'~', a value cut short, a latitude without its
// longitude, or a coordinate beyond ±90 / ±180.
func DecodePolyline(s string, precision int) ([][2]float64, error) {
	if precision < 0 || precision > MaxPolylinePrecision {
		return nil, fmt.Errorf("%w: precision %d is not between 0 and %d", ErrPolyline, precision, MaxPolylinePrecision)
	}
	scale := math.Pow10(precision)
	var pts [][2]float64
	var lat, lon int64
	for i := 0; i < len(s); {
		dLat, next, err := decodeValue(s, i)
		if err != nil {
			return nil, err
		}
		if next == len(s) {
			return nil, fmt.Errorf("%w: truncated: point %d has a latitude but no longitude (byte %d)", ErrPolyline, len(pts), next)
		}
		dLon, next, err := decodeValue(s, next)
		if err != nil {
			return nil, err
		}
		lat += dLat
		lon += dLon
		p := [2]float64{float64(lon) / scale, float64(lat) / scale}
		if !ValidPoint(p[0], p[1]) {
			return nil, fmt.Errorf("%w: point %d (lat %v, lon %v, ending at byte %d) is out of range", ErrPolyline, len(pts), p[1], p[0], next)
		}
		pts = append(pts, p)
		i = next
	}
	return pts, nil
}

// decodeValue reads one zigzag-encoded value starting at byte i and
// returns it with the index of the byte after it.
func decodeValue(s string, i int) (int64, int, error) {
	var u uint64
	start := i
	for shift := uint(0); ; shift += 5 {
		if i == len(s) {
			return 0, i, fmt.Errorf("%w: truncated: the value starting at byte %d is cut short", ErrPolyline, start)
		}
		c := s[i]
		if c < 63 || c > 126 {
			return 0, i, fmt.Errorf("%w: invalid character %q at byte %d", ErrPolyline, c, i)
		}
		if i-start == maxPolylineChunks {
			return 0, i, fmt.Errorf("%w: the value starting at byte %d is longer than %d characters", ErrPolyline, start, maxPolylineChunks)
		}
		b := uint64(c - 63)
		u |= (b & 0x1f) << shift
		i++
		if b < 0x20 {
			break
		}
	}
	// Zigzag: the low bit is the sign.
	v := int64(u >> 1)
	if u&1 != 0 {
		v = ^v
	}
	return v, i, nil
}

// EncodePolyline writes [lon, lat] positions as an encoded polyline with
// precision decimal digits, rounding each coordinate to the nearest unit
// of the last digit. Positions must be valid (ValidPoint).
func EncodePolyline(points [][2]float64, precision int) (string, error) {
	if precision < 0 || precision > MaxPolylinePrecision {
		return "", fmt.Errorf("%w: precision %d is not between 0 and %d", ErrPolyline, precision, MaxPolylinePrecision)
	}
	scale := math.Pow10(precision)
	var b strings.Builder
	var lat, lon int64
	for i, p := range points {
		if !ValidPoint(p[0], p[1]) {
			return "", fmt.Errorf("%w: point %d (lon %v, lat %v) is out of range", ErrPolyline, i, p[0], p[1])
		}
		la, lo := int64(math.Round(p[1]*scale)), int64(math.Round(p[0]*scale))
		encodeValue(&b, la-lat)
		encodeValue(&b, lo-lon)
		lat, lon = la, lo
	}
	return b.String(), nil
}

func encodeValue(b *strings.Builder, v int64) {
	u := uint64(v) << 1
	if v < 0 {
		u = ^u
	}
	for u >= 0x20 {
		b.WriteByte(byte(0x20|u&0x1f) + 63)
		u >>= 5
	}
	b.WriteByte(byte(u) + 63)
}
