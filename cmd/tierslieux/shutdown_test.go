package main

import (
	"bufio"
	"io"
	"log/slog"
	"net/http"
	"os/exec"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// slowRoutes adds /slow, a search that takes a while, and /stuck, one
// that only ends when its request is cancelled, in front of the API;
// started counts the requests that reached them.
func slowRoutes(started *sync.WaitGroup) func(http.Handler) http.Handler {
	return func(api http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			switch r.URL.Path {
			case "/slow":
				started.Done()
				time.Sleep(400 * time.Millisecond)
				r.URL.Path, r.URL.RawQuery = "/v1/search", "type=fablab"
			case "/stuck":
				started.Done()
				<-r.Context().Done()
				r.URL.Path, r.URL.RawQuery = "/v1/search", "type=fablab"
			}
			api.ServeHTTP(w, r)
		})
	}
}

type answer struct {
	status int
	body   string
	err    error
}

func getAll(base, path string, n int) <-chan answer {
	out := make(chan answer, n)
	for range n {
		go func() {
			resp, err := http.Get(base + path)
			if err != nil {
				out <- answer{err: err}
				return
			}
			defer resp.Body.Close()
			b, err := io.ReadAll(resp.Body)
			out <- answer{resp.StatusCode, string(b), err}
		}()
	}
	return out
}

// TestShutdownDrains: a shutdown with slow requests in flight lets them
// finish, every one answered, and serve returns nil (exit status 0).
func TestShutdownDrains(t *testing.T) {
	var logs logBuffer
	var started sync.WaitGroup
	started.Add(3)
	base, stop := MustServe(t, serveConfig{Addr: "127.0.0.1:0", Drain: 10 * time.Second, wrap: slowRoutes(&started)},
		slog.New(slog.NewTextHandler(&logs, nil)))
	answers := getAll(base, "/slow", 3)
	started.Wait()
	if err := stop(); err != nil {
		t.Errorf("serve returned %v, want nil", err)
	}
	for range 3 {
		a := <-answers
		if a.err != nil || a.status != http.StatusOK || !strings.Contains(a.body, `"total":37`) {
			t.Errorf("a request in flight at shutdown got %d %v %.100s", a.status, a.err, a.body)
		}
	}
	if l := logs.String(); !strings.Contains(l, "stopped") || strings.Contains(l, "cut") {
		t.Errorf("log:\n%s", l)
	}
}

// TestShutdownCuts: requests still running when the drain runs out are
// cancelled, answered 503 with Retry-After, and logged; serve still
// returns nil.
func TestShutdownCuts(t *testing.T) {
	var logs logBuffer
	var started sync.WaitGroup
	started.Add(2)
	base, stop := MustServe(t, serveConfig{Addr: "127.0.0.1:0", Drain: 100 * time.Millisecond, wrap: slowRoutes(&started)},
		slog.New(slog.NewJSONHandler(&logs, nil)))
	answers := getAll(base, "/stuck", 2)
	started.Wait()
	begin := time.Now()
	if err := stop(); err != nil {
		t.Errorf("serve returned %v, want nil", err)
	}
	if took := time.Since(begin); took > 5*time.Second {
		t.Errorf("shutdown took %v with a drain of 100ms", took)
	}
	for range 2 {
		a := <-answers
		if a.err != nil || a.status != http.StatusServiceUnavailable || !strings.Contains(a.body, `"shutting_down"`) {
			t.Errorf("a cut request got %d %v %.200s", a.status, a.err, a.body)
		}
	}
	l := logs.String()
	if strings.Count(l, "request cut by shutdown") != 2 || !strings.Contains(l, "drain over") || strings.Contains(l, `"level":"ERROR"`) {
		t.Errorf("log:\n%s", l)
	}
}

// TestSIGTERM runs the command itself: SIGTERM stops it with exit status
// 0 and a last log line.
func TestSIGTERM(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the command")
	}
	bin := mustBinary(t)
	cmd := exec.Command(bin, "serve", "-addr", "127.0.0.1:0", "-drain", "5s")
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	lines := make(chan string, 100)
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	addrRE := regexp.MustCompile(`addr=(http://\S+)`)
	var base string
	timeout := time.After(60 * time.Second)
	for base == "" {
		select {
		case l, ok := <-lines:
			if !ok {
				t.Fatal("the server ended before listening")
			}
			if m := addrRE.FindStringSubmatch(l); m != nil {
				base = m[1]
			}
		case <-timeout:
			t.Fatal("the server did not listen within 60s")
		}
	}
	// A request on a kept-alive connection, then SIGTERM.
	if a := <-getAll(base, "/v1/search?type=fablab", 1); a.status != http.StatusOK {
		t.Fatalf("search: %d %v", a.status, a.err)
	}
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	var rest []string
	for l := range lines {
		rest = append(rest, l)
	}
	err = cmd.Wait()
	if err != nil {
		t.Errorf("exit: %v, want status 0\n%s", err, strings.Join(rest, "\n"))
	}
	if !strings.Contains(strings.Join(rest, "\n"), "stopped") {
		t.Errorf("no last log line:\n%s", strings.Join(rest, "\n"))
	}
}
