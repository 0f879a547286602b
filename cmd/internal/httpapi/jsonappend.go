package httpapi

import (
	"encoding/json"
	"math"
	"net/http"
	"strconv"
	"sync"
	"unicode/utf8"

	"github.com/tierslieux/tierslieux/index"
)

// The search answer is written by hand, field by field, into a pooled
// buffer: it is most of what the server sends, and encoding/json spends
// more on reflection than on the bytes. The output is byte for byte what
// encoding/json writes with SetEscapeHTML(false) (TestAppendMatchesJSON),
// so the hand-written parts and the rest cannot drift apart.

// bufPool holds answer buffers; one grown past maxPooled is dropped, so
// a rare huge answer does not stay in memory.
var bufPool = sync.Pool{New: func() any { b := make([]byte, 0, 16<<10); return &b }}

const maxPooled = 1 << 20

func getBuf() *[]byte { return bufPool.Get().(*[]byte) }

func putBuf(b *[]byte) {
	if cap(*b) > maxPooled {
		return
	}
	*b = (*b)[:0]
	bufPool.Put(b)
}

const hexDigits = "0123456789abcdef"

// safeASCII marks the bytes a JSON string holds as they are.
var safeASCII = func() (t [utf8.RuneSelf]bool) {
	for c := ' '; c < utf8.RuneSelf; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

// appendEscaped appends the escape of an ASCII byte.
func appendEscaped(b []byte, c byte) []byte {
	switch c {
	case '\\', '"':
		return append(b, '\\', c)
	case '\b':
		return append(b, '\\', 'b')
	case '\f':
		return append(b, '\\', 'f')
	case '\n':
		return append(b, '\\', 'n')
	case '\r':
		return append(b, '\\', 'r')
	case '\t':
		return append(b, '\\', 't')
	}
	return append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xF])
}

// appendString appends s as a JSON string, as encoding/json does without
// HTML escaping: invalid UTF-8 becomes U+FFFD, and U+2028 and U+2029 are
// escaped for JavaScript.
func appendString(b []byte, s string) []byte {
	// One pass: the bytes are checked as they are copied, not validated
	// first and copied after.
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		// Eight plain ASCII bytes at a time: most of an answer.
		for i+8 <= len(s) && plainWord(word8(s[i:])) {
			i += 8
		}
		if i >= len(s) {
			break
		}
		c := s[i]
		if c < utf8.RuneSelf {
			if safeASCII[c] {
				i++
				continue
			}
			b = appendEscaped(append(b, s[start:i]...), c)
			i++
			start = i
			continue
		}
		if c >= 0xC2 && c <= 0xDF && i+1 < len(s) && s[i+1]&0xC0 == 0x80 {
			i += 2 // a two-byte letter (é, ü…): valid, never escaped
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hexDigits[r&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

// word8 is the first eight bytes of s as a little-endian word: one load.
func word8(s string) uint64 {
	_ = s[7] // one bounds check, not eight
	return uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
		uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56
}

// plainWord says whether the eight bytes of a word are ASCII a JSON
// string holds as they are: none below a space, none a quote, a
// backslash or past 0x7F. Each test finds a byte of a kind in all eight
// at once (the word "has a zero byte" trick: x-0x01…
// borrows into the high bit of a byte only where it was zero or the
// borrow started below it). Small enough to be inlined, as the loop of
// appendString needs.
func plainWord(x uint64) bool {
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	quote, slash := x^(ones*'"'), x^(ones*'\\')
	return ((x-ones*' ')&^x|(quote-ones)&^quote|(slash-ones)&^slash|x)&highs == 0
}

// appendFewDecimals appends f, of absolute value abs in [1e-6, 1e6), as
// strconv's shortest form when that has at most seven decimals, as an
// answer's coordinates, distances and scores do, and reports whether it
// did. strconv finds the shortest digits by a general method, a fifth of
// the time an answer takes to write; here they are the nearest number of
// seven decimals, m/10^7, its trailing zeros dropped, when m/10^7 is f
// itself. The division of two exact numbers is rounded as parsing the
// decimal is, so that test says the digits read back as f; and below 1e6
// a float's neighbours lie nearer each other than 10^-7, so no other
// number of seven decimals or fewer does.
func appendFewDecimals(b []byte, f, abs float64) ([]byte, bool) {
	m := math.Round(abs * 1e7)
	if m/1e7 != abs {
		return b, false
	}
	u, k := uint64(m), 7
	for k > 0 && u%10 == 0 {
		u, k = u/10, k-1
	}
	var tmp [24]byte
	d := strconv.AppendUint(tmp[:0], u, 10)
	if f < 0 {
		b = append(b, '-')
	}
	if len(d) <= k { // below 1
		b = append(b, "0."...)
		for range k - len(d) {
			b = append(b, '0')
		}
		return append(b, d...), true
	}
	b = append(b, d[:len(d)-k]...)
	if k > 0 {
		b = append(append(b, '.'), d[len(d)-k:]...)
	}
	return b, true
}

// appendFloat appends f as encoding/json writes a float64.
func appendFloat(b []byte, f float64) []byte {
	if math.IsInf(f, 0) || math.IsNaN(f) {
		return append(b, "null"...) // never in an answer; encoding/json would fail
	}
	abs := math.Abs(f)
	if abs >= 1e-6 && abs < 1e6 {
		if out, ok := appendFewDecimals(b, f, abs); ok {
			return out
		}
	}
	format := byte('f')
	if abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		format = 'e'
	}
	b = strconv.AppendFloat(b, f, format, -1, 64)
	if format == 'e' {
		// clean up e-09 to e-9
		n := len(b)
		if n >= 4 && b[n-4] == 'e' && b[n-3] == '-' && b[n-2] == '0' {
			b[n-2] = b[n-1]
			b = b[:n-1]
		}
	}
	return b
}

func appendStrings(b []byte, ss []string) []byte {
	if ss == nil {
		return append(b, "null"...)
	}
	return appendArray(b, ss, appendString)
}

// appendArray appends xs as a JSON array, each element as each writes it.
func appendArray[T any](b []byte, xs []T, each func([]byte, T) []byte) []byte {
	b = append(b, '[')
	for i, x := range xs {
		if i > 0 {
			b = append(b, ',')
		}
		b = each(b, x)
	}
	return append(b, ']')
}

// appendKey appends a member's name and colon, after a comma unless
// first.
func appendKey(b []byte, key string, first bool) []byte {
	if !first {
		b = append(b, ',')
	}
	b = append(b, '"')
	b = append(b, key...)
	return append(b, '"', ':')
}

func appendBool(b []byte, v bool) []byte {
	if v {
		return append(b, "true"...)
	}
	return append(b, "false"...)
}

// appendMarshal appends v through encoding/json, for the small, varied
// parts of an answer.
func appendMarshal(b []byte, v any) ([]byte, error) {
	out, err := json.Marshal(v)
	if err != nil {
		return b, err
	}
	// json.Marshal escapes HTML characters; an Encoder without HTML
	// escaping would allocate one more buffer: undo the three escapes,
	// which only ever appear inside strings.
	return appendUnescapeHTML(b, out), nil
}

// appendUnescapeHTML copies JSON from json.Marshal, turning its \u003c,
// \u003e and \u0026 back into <, > and &: the one difference from an
// Encoder with SetEscapeHTML(false).
func appendUnescapeHTML(b, js []byte) []byte {
	for i := 0; i < len(js); i++ {
		if js[i] == '\\' && i+5 < len(js) && js[i+1] == 'u' && js[i+2] == '0' && js[i+3] == '0' {
			switch string(js[i+4 : i+6]) {
			case "3c":
				b = append(b, '<')
				i += 5
				continue
			case "3e":
				b = append(b, '>')
				i += 5
				continue
			case "26":
				b = append(b, '&')
				i += 5
				continue
			}
		}
		if js[i] == '\\' && i+1 < len(js) {
			// Any other escape: copy both bytes, so an escaped backslash
			// followed by "u0026" is never read as an escape.
			b = append(b, js[i], js[i+1])
			i++
			continue
		}
		b = append(b, js[i])
	}
	return b
}

// appendHead appends what comes of the place alone before a result's
// distance: the object's opening up to "demo".
func (r *resultJSON) appendHead(b []byte) []byte {
	b = appendKey(append(b, '{'), "id", true)
	b = appendString(b, r.ID)
	b = appendString(appendKey(b, "name", false), r.Name)
	b = appendStrings(appendKey(b, "types", false), r.Types)
	b = appendStrings(appendKey(b, "services", false), r.Services)
	if len(r.Tags) > 0 {
		b = appendStrings(appendKey(b, "tags", false), r.Tags)
	}
	b = appendString(appendKey(b, "commune", false), r.Commune)
	b = appendString(appendKey(b, "insee", false), r.INSEE)
	b = appendString(appendKey(b, "dept", false), r.Dept)
	b = appendFloat(appendKey(b, "lat", false), r.Lat)
	b = appendFloat(appendKey(b, "lon", false), r.Lon)
	b = appendString(appendKey(b, "precision", false), r.Precision)
	return strconv.AppendBool(appendKey(b, "demo", false), r.Demo)
}

// appendTail appends what comes of the place alone after a result's
// distance and score: address to description, those it has.
func (r *resultJSON) appendTail(b []byte) []byte {
	for _, f := range [...]struct{ key, v string }{
		{"address", r.Address}, {"postcode", r.Postcode}, {"website", r.Website},
		{"opening_hours", r.OpeningHours}, {"description", r.Description},
	} {
		if f.v != "" {
			b = appendString(appendKey(b, f.key, false), f.v)
		}
	}
	return b
}

// appendJSON appends the result as encoding/json would encode it.
func (r *resultJSON) appendJSON(b []byte) []byte {
	if pre := r.pre; pre.ok() {
		b = append(b, pre.head()...)
	} else {
		b = r.appendHead(b)
	}
	if r.DistanceKM.set {
		b = appendFloat(appendKey(b, "distance_km", false), r.DistanceKM.v)
	}
	if r.Score.set {
		b = appendFloat(appendKey(b, "score", false), r.Score.v)
	}
	if pre := r.pre; pre.ok() {
		b = append(b, pre.tail()...)
	} else {
		b = r.appendTail(b)
	}
	if len(r.Matched) > 0 {
		b = appendStrings(appendKey(b, "matched", false), r.Matched)
	}
	if hl := r.Highlight; hl != (index.Highlight{}) {
		b = append(appendKey(b, "highlight", false), '{')
		if hl.Description != "" {
			b = appendString(append(b, `"description":`...), hl.Description)
		}
		if hl.Name != "" {
			if hl.Description != "" {
				b = append(b, ',')
			}
			b = appendString(append(b, `"name":`...), hl.Name)
		}
		b = append(b, '}')
	}
	b = appendKey(b, "open_now", false)
	if r.OpenNow == nil {
		b = append(b, "null"...)
	} else {
		b = strconv.AppendBool(b, *r.OpenNow)
	}
	if r.NextChange != "" {
		b = appendString(appendKey(b, "next_change", false), r.NextChange)
	}
	if r.TodayHours != "" {
		b = appendString(appendKey(b, "today_hours", false), r.TodayHours)
	}
	if r.DetourKM.set {
		b = appendFloat(appendKey(b, "detour_km", false), r.DetourKM.v)
	}
	if r.AlongKM.set {
		b = appendFloat(appendKey(b, "along_km", false), r.AlongKM.v)
	}
	return append(b, '}')
}

// appendJSON appends the answer as json.Encoder with SetEscapeHTML(false)
// writes it, newline included.
func (s *searchResponse) appendJSON(b []byte) ([]byte, error) {
	b = appendKey(append(b, '{'), "query", true)
	b, err := s.Query.appendJSON(b)
	if err != nil {
		return b, err
	}
	b = strconv.AppendInt(appendKey(b, "total", false), int64(s.Total), 10)
	if s.UnknownHours != nil {
		b = strconv.AppendInt(appendKey(b, "unknown_hours", false), int64(*s.UnknownHours), 10)
	}
	b = appendKey(b, "results", false)
	if s.Results == nil {
		b = append(b, "null"...)
	} else {
		b = append(b, '[')
		for i := range s.Results {
			if i > 0 {
				b = append(b, ',')
			}
			b = s.Results[i].appendJSON(b)
		}
		b = append(b, ']')
	}
	if len(s.Facets) > 0 {
		if b, err = appendMarshal(appendKey(b, "facets", false), s.Facets); err != nil {
			return b, err
		}
	}
	b = appendTook(b, s.TookMS, &s.took)
	return append(b, '}', '\n'), nil
}

// appendJSON appends the GeoJSON answer as json.Encoder with
// SetEscapeHTML(false) writes it, newline included.
func (g *geoJSON) appendJSON(b []byte) ([]byte, error) {
	b, err := appendCollectionHead(b, g.Type, &g.Query, g.Total)
	if err != nil {
		return b, err
	}
	if len(g.Facets) > 0 {
		if b, err = appendMarshal(appendKey(b, "facets", false), g.Facets); err != nil {
			return b, err
		}
	}
	b = appendTook(b, g.TookMS, &g.took)
	b = appendKey(b, "features", false)
	if g.Features == nil {
		b = append(b, "null"...)
	} else {
		b = append(b, '[')
		for i := range g.Features {
			f := &g.Features[i]
			if i > 0 {
				b = append(b, ',')
			}
			b = appendString(appendKey(append(b, '{'), "type", true), f.Type)
			b = appendString(appendKey(b, "id", false), f.ID)
			b = f.Geometry.appendJSON(appendKey(b, "geometry", false))
			b = f.Properties.appendJSON(appendKey(b, "properties", false))
			b = append(b, '}')
		}
		b = append(b, ']')
	}
	return append(b, '}', '\n'), nil
}

// appendCollectionHead opens a GeoJSON answer: its type, the query as
// read and the total.
func appendCollectionHead(b []byte, typ string, q *queryJSON, total int) ([]byte, error) {
	b = appendString(appendKey(append(b, '{'), "type", true), typ)
	b, err := q.appendJSON(appendKey(b, "query", false))
	if err != nil {
		return b, err
	}
	return strconv.AppendInt(appendKey(b, "total", false), int64(total), 10), nil
}

// appendTook appends took_ms, noting in at where its value lies: the
// bytes that differ between two runs of a request (gzipMemo).
func appendTook(b []byte, ms float64, at *span) []byte {
	b = appendKey(b, "took_ms", false)
	at.from = len(b)
	b = appendFloat(b, ms)
	at.to = len(b)
	return b
}

func (p *point) appendJSON(b []byte) []byte {
	b = appendString(appendKey(append(b, '{'), "type", true), p.Type)
	b = append(appendKey(b, "coordinates", false), '[')
	b = append(appendFloat(b, p.Coordinates[0]), ',')
	return append(appendFloat(b, p.Coordinates[1]), ']', '}')
}

// appendJSON appends the clusters' answer as json.Encoder with
// SetEscapeHTML(false) writes it, newline included: a map asks for one
// at each move, and a zoomed-in view holds many places whole.
func (c *clustersResponse) appendJSON(b []byte) ([]byte, error) {
	b, err := appendCollectionHead(b, c.Type, &c.Query, c.Total)
	if err != nil {
		return b, err
	}
	b = strconv.AppendInt(appendKey(b, "zoom", false), int64(c.Zoom), 10)
	if c.Coarsened {
		b = append(appendKey(b, "coarsened", false), "true"...)
	}
	b = appendTook(b, c.TookMS, &c.took)
	b = appendKey(b, "features", false)
	if c.Features == nil {
		return append(b, "null}\n"...), nil
	}
	b = append(b, '[')
	for i := range c.Features {
		f := &c.Features[i]
		if i > 0 {
			b = append(b, ',')
		}
		b = appendString(appendKey(append(b, '{'), "type", true), f.Type)
		if f.ID != "" {
			b = appendString(appendKey(b, "id", false), f.ID)
		}
		b = f.Geometry.appendJSON(appendKey(b, "geometry", false))
		b = appendKey(b, "properties", false)
		switch p := f.Properties.(type) {
		case clusterProps:
			b = appendBool(appendKey(append(b, '{'), "cluster", true), p.Cluster)
			b = strconv.AppendInt(appendKey(b, "count", false), int64(p.Count), 10)
			b = append(appendKey(b, "bbox", false), '[')
			for j, v := range p.BBox {
				if j > 0 {
					b = append(b, ',')
				}
				b = appendFloat(b, v)
			}
			b = append(b, ']', '}')
		case placeProps:
			// The place's fields follow cluster and count in one object.
			b = appendBool(appendKey(append(b, '{'), "cluster", true), p.Cluster)
			b = strconv.AppendInt(appendKey(b, "count", false), int64(p.Count), 10)
			at := len(b)
			b = p.resultJSON.appendJSON(b)
			b[at] = ','
		default:
			if b, err = appendMarshal(b, p); err != nil {
				return b, err
			}
		}
		b = append(b, '}')
	}
	return append(b, ']', '}', '\n'), nil
}

// writeAppended writes an answer built by appending into a pooled buffer,
// compressed with gzip for a client that accepts it (gzipMemo; vol, if
// not nil, is read after build: the bytes that differ between two runs
// of the request).
func (s *Server) writeAppended(w http.ResponseWriter, r *http.Request, status int, contentType string, build func([]byte) ([]byte, error), vol *span) {
	bp := getBuf()
	defer putBuf(bp)
	b, err := build((*bp)[:0])
	*bp = b
	if err != nil {
		writeInternal(w)
		return
	}
	h := w.Header()
	if contentType == jsonType[0] {
		h["Content-Type"] = jsonType
	} else {
		h.Set("Content-Type", contentType)
	}
	// Compressed here, not by compress (which leaves searches alone), so
	// that the parts of answers asked again are compressed once.
	// HEAD is answered plain, as compress answers it: some proxies
	// mishandle a compressed answer without a body.
	if !s.opts.NoCompression && r.Method != http.MethodHead && len(b) >= compressMinSize && acceptsGzip(r.Header.Get("Accept-Encoding")) {
		zp := getBuf()
		defer putBuf(zp)
		var v span
		if vol != nil {
			v = *vol
		}
		*zp = s.gzip.appendGzip((*zp)[:0], b, v)
		b = *zp
		h["Content-Encoding"] = gzipEncoding
	}
	h.Set("Content-Length", strconv.Itoa(len(b)))
	// An answer of a few kilobytes leaves in one write with its head.
	var c *conn
	if len(b) <= maxHeldAnswer {
		if c = connOf(r); c != nil {
			c.hold()
			defer c.release()
		}
	}
	w.WriteHeader(status)
	w.Write(b)
	if c != nil {
		http.NewResponseController(w).Flush()
	}
}

// maxHeldAnswer is the longest answer held to be sent in one write;
// longer ones take several anyway.
const maxHeldAnswer = 256 << 10
