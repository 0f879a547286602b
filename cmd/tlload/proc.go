package main

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"
)

// What Linux's /proc says of a process: CPU time and resident memory.

// atClkTck is the auxiliary-vector entry holding the kernel's clock ticks
// per second, which is where the C library's sysconf(_SC_CLK_TCK) reads it.
const atClkTck = 17

// clockTicks returns the unit of /proc/PID/stat's CPU times, per second:
// AT_CLKTCK from /proc/self/auxv, or 100 (what Linux uses everywhere)
// when it cannot be read.
var clockTicks = sync.OnceValue(func() int64 {
	b, err := os.ReadFile("/proc/self/auxv")
	if err != nil {
		return 100
	}
	if t := auxvValue(b, atClkTck, strconv.IntSize/8); t > 0 {
		return t
	}
	return 100
})

// auxvValue returns the value of key in an auxiliary vector of word-sized
// (key, value) pairs in the machine's byte order, or 0.
func auxvValue(b []byte, key uint64, word int) int64 {
	for ; len(b) >= 2*word; b = b[2*word:] {
		var k, v uint64
		if word == 8 {
			k, v = binary.NativeEndian.Uint64(b), binary.NativeEndian.Uint64(b[8:])
		} else {
			k, v = uint64(binary.NativeEndian.Uint32(b)), uint64(binary.NativeEndian.Uint32(b[4:]))
		}
		if k == key {
			return int64(v)
		}
		if k == 0 { // AT_NULL ends the vector
			break
		}
	}
	return 0
}

// processCPU returns the CPU time, user and system, that process pid has
// used so far.
func processCPU(pid int) (time.Duration, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, err
	}
	ticks, err := parseStatCPU(b)
	if err != nil {
		return 0, fmt.Errorf("/proc/%d/stat: %w", pid, err)
	}
	return time.Duration(ticks) * time.Second / time.Duration(clockTicks()), nil
}

// parseStatCPU returns utime + stime, in clock ticks, from the contents of
// /proc/PID/stat. The command name, field 2, is in parentheses and may
// hold spaces and parentheses itself, so fields are counted after the
// last ")": utime and stime are fields 14 and 15.
func parseStatCPU(b []byte) (int64, error) {
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return 0, fmt.Errorf("no command name")
	}
	f := strings.Fields(string(b[i+1:]))
	if len(f) < 13 {
		return 0, fmt.Errorf("%d fields after the command name, want at least 13", len(f))
	}
	utime, err := strconv.ParseInt(f[11], 10, 64)
	if err != nil {
		return 0, fmt.Errorf("utime: %w", err)
	}
	stime, err := strconv.ParseInt(f[12], 10, 64)
	if err != nil {
		return 0, fmt.Errorf("stime: %w", err)
	}
	return utime + stime, nil
}

// processRSS returns the resident set size of process pid, in kilobytes.
func processRSS(pid int) (int64, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	return parseVmRSS(b)
}

// parseVmRSS reads the VmRSS line of /proc/PID/status ("VmRSS:  812 kB").
func parseVmRSS(b []byte) (int64, error) {
	for _, line := range strings.Split(string(b), "\n") {
		rest, ok := strings.CutPrefix(line, "VmRSS:")
		if !ok {
			continue
		}
		f := strings.Fields(rest)
		if len(f) != 2 || f[1] != "kB" {
			return 0, fmt.Errorf("VmRSS: unexpected %q", strings.TrimSpace(rest))
		}
		return strconv.ParseInt(f[0], 10, 64)
	}
	return 0, fmt.Errorf("no VmRSS line (a kernel thread, or a zombie)")
}

// rssSampler reads a process's RSS at an interval and keeps the largest.
type rssSampler struct {
	pid     int
	stop    chan struct{}
	done    chan struct{}
	maxKB   int64
	samples int
}

func startRSSSampler(pid int, every time.Duration) *rssSampler {
	s := &rssSampler{pid: pid, stop: make(chan struct{}), done: make(chan struct{})}
	go func() {
		defer close(s.done)
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			s.sample()
			select {
			case <-s.stop:
				return
			case <-t.C:
			}
		}
	}()
	return s
}

func (s *rssSampler) sample() {
	if kb, err := processRSS(s.pid); err == nil {
		s.maxKB = max(s.maxKB, kb)
		s.samples++
	}
}

// Stop takes a last sample and returns the largest RSS seen, in kB, and
// how many samples were read.
func (s *rssSampler) Stop() (maxKB int64, samples int) {
	close(s.stop)
	<-s.done
	s.sample()
	return s.maxKB, s.samples
}
