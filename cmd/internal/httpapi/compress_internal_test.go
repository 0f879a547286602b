package httpapi

import "testing"

func TestAcceptsGzip(t *testing.T) {
	for _, c := range []struct {
		header string
		want   bool
	}{
		{"", false},
		{"gzip", true},
		{"GZIP", true},
		{"x-gzip", true},
		{"deflate, br", false},
		{"gzip;q=0", false},
		{"gzip; q=0.0", false},
		{"gzip;q=0.5, br", true},
		{"*", true},
		{"*;q=0", false},
		{"*, gzip;q=0", false},
		{"identity", false},
		{"br, *;q=0.1", true},
	} {
		if got := acceptsGzip(c.header); got != c.want {
			t.Errorf("acceptsGzip(%q) = %v, want %v", c.header, got, c.want)
		}
	}
	// Read at every search.
	if n := testing.AllocsPerRun(100, func() { acceptsGzip("gzip, deflate, br, zstd;q=0.9") }); n != 0 {
		t.Errorf("acceptsGzip allocates %v times", n)
	}
}
