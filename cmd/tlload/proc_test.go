package main

import (
	"encoding/binary"
	"os"
	"strconv"
	"syscall"
	"testing"
	"time"
)

func TestParseStatCPU(t *testing.T) {
	for _, tc := range []struct {
		name, stat string
		want       int64
		wantErr    bool
	}{
		{"plain", "1234 (tierslieux) S 1 1234 1234 0 -1 4194560 5000 0 0 0 250 75 0 0 20 0 9 0 100 2000000 3000 18446744073709551615", 325, false},
		{"name with spaces and parentheses", "42 (a (b) c) R 1 42 42 0 -1 0 0 0 0 0 7 3 0 0 20 0 1 0 5 100 10 0", 10, false},
		{"no name", "42 a R 1", 0, true},
		{"short", "42 (x) R 1 2 3", 0, true},
		{"not a number", "42 (x) R 1 42 42 0 -1 0 0 0 0 0 x 3 0", 0, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := parseStatCPU([]byte(tc.stat))
			if (err != nil) != tc.wantErr || got != tc.want {
				t.Errorf("got %d, %v; want %d, error %v", got, err, tc.want, tc.wantErr)
			}
		})
	}
}

func TestParseVmRSS(t *testing.T) {
	status := "Name:\ttierslieux\nVmPeak:\t  900000 kB\nVmRSS:\t  812345 kB\nThreads:\t9\n"
	if got, err := parseVmRSS([]byte(status)); err != nil || got != 812345 {
		t.Errorf("got %d, %v; want 812345", got, err)
	}
	for _, bad := range []string{"Name:\tkthreadd\n", "VmRSS:\t12 MB\n"} {
		if _, err := parseVmRSS([]byte(bad)); err == nil {
			t.Errorf("parseVmRSS(%q) accepted it", bad)
		}
	}
}

func TestAuxvValue(t *testing.T) {
	for _, word := range []int{4, 8} {
		var b []byte
		for _, x := range []uint64{6, 4096, atClkTck, 250, 0, 0, atClkTck, 1} {
			if word == 8 {
				b = binary.NativeEndian.AppendUint64(b, x)
			} else {
				b = binary.NativeEndian.AppendUint32(b, uint32(x))
			}
		}
		if got := auxvValue(b, atClkTck, word); got != 250 {
			t.Errorf("%d-byte words: AT_CLKTCK %d, want 250", word, got)
		}
		if got := auxvValue(b, 99, word); got != 0 {
			t.Errorf("%d-byte words: missing key gave %d", word, got)
		}
	}
	if hz := clockTicks(); hz <= 0 || hz > 10000 {
		t.Errorf("clockTicks() = %d", hz)
	}
}

// TestProcessCPU burns CPU in this process and checks /proc saw it.
// TestProcessCPU: the CPU /proc says the process used over some work is
// what getrusage says (to the clock tick, 10 ms, and a little more),
// however busy the machine: the work is measured in CPU, not wall time.
func TestProcessCPU(t *testing.T) {
	rusage := func() time.Duration {
		var ru syscall.Rusage
		if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
			t.Fatal(err)
		}
		return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	}
	before, err := processCPU(os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	r0 := rusage()
	x := 0
	for rusage()-r0 < 100*time.Millisecond {
		for range 10_000 {
			x += len(strconv.Itoa(x))
		}
	}
	r1 := rusage()
	after, err := processCPU(os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	if d, want := after-before, r1-r0; d < want-30*time.Millisecond || d > want+30*time.Millisecond {
		t.Errorf("/proc: %v of CPU for work getrusage measured at %v (x=%d)", d, want, x)
	}
	if kb, err := processRSS(os.Getpid()); err != nil || kb <= 0 {
		t.Errorf("RSS %d kB, %v", kb, err)
	}
}
