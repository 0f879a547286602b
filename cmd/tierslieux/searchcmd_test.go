package main

import (
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// TestSearchTrip checks that a trip's table shows the detour and the
// distance along the route, and that its rows, ranked by detour, read in
// that order.
func TestSearchTrip(t *testing.T) {
	stdout, stderr, status := runCmd(t, "search", "coworking entre L'Isle-Jourdain et Toulouse")
	if status != 0 {
		t.Fatalf("exit status %d\nstdout:\n%s\nstderr:\n%s", status, stdout, stderr)
	}
	header := ""
	for _, line := range strings.Split(stdout, "\n") {
		if strings.HasPrefix(line, "NAME") {
			header = line
			break
		}
	}
	if !strings.Contains(header, "DETOUR") || !strings.Contains(header, "ALONG") || strings.Contains(header, "DISTANCE") {
		t.Fatalf("header %q, want DETOUR and ALONG instead of DISTANCE:\n%s", header, stdout)
	}
	rows := tableRows(stdout, "NAME")
	if len(rows) < 2 {
		t.Fatalf("%d rows, want several to compare:\n%s", len(rows), stdout)
	}
	cols := regexp.MustCompile(`  (\d+\.\d) km  +(\d+\.\d) km$`)
	prev := -1.0
	for _, row := range rows {
		m := cols.FindStringSubmatch(row)
		if m == nil {
			t.Fatalf("row %q lacks a detour and an along distance", row)
		}
		detour, err := strconv.ParseFloat(m[1], 64)
		if err != nil {
			t.Fatal(err)
		}
		if detour < prev {
			t.Errorf("detour %g km after %g km: rows are not in detour order:\n%s", detour, prev, stdout)
		}
		prev = detour
	}
}
