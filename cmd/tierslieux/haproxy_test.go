package main

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// freePorts returns n ports free on the loopback interface.
func freePorts(t *testing.T, n int) []int {
	t.Helper()
	var ports []int
	var lns []net.Listener
	for range n {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		lns = append(lns, ln)
		ports = append(ports, ln.Addr().(*net.TCPAddr).Port)
	}
	for _, ln := range lns {
		ln.Close()
	}
	return ports
}

// replica is one `tierslieux serve` process of the pool.
type replica struct {
	port int
	cmd  *exec.Cmd
	logs *logBuffer
}

func startReplica(t *testing.T, bin, dir string, port int) *replica {
	t.Helper()
	r := &replica{port: port, logs: &logBuffer{}}
	r.cmd = exec.Command(bin, "serve", "-addr", fmt.Sprintf("127.0.0.1:%d", port), "-index", dir, "-watch", "0", "-rate", "0", "-drain", "5s")
	r.cmd.Stderr = r.logs
	if err := r.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	waitReady(t, fmt.Sprintf("http://127.0.0.1:%d", port))
	return r
}

// waitReady waits for /readyz to answer 200.
func waitReady(t *testing.T, base string) {
	t.Helper()
	c := &http.Client{Timeout: time.Second}
	for range 600 {
		if resp, err := c.Get(base + "/readyz"); err == nil {
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("%s never ready", base)
}

// TestHAProxyReplicas runs the shipped HAProxy configuration in front of
// three replicas under load: one replica is killed and restarted, then a
// new build is rolled to all three, one restart at a time. No request may
// fail, and at the end every replica serves the new build.
func TestHAProxyReplicas(t *testing.T) {
	haproxy, err := exec.LookPath("haproxy")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("no haproxy: CI must install Debian's haproxy package (see .ci/run)")
		}
		t.Skip("no haproxy on this machine (apt-get install haproxy): replica test skipped")
	}
	if testing.Short() {
		t.Skip("starts HAProxy and three servers")
	}
	bin := mustBinary(t)
	dir := filepath.Join(t.TempDir(), "index")
	ingestVersion(t, dir, 0)

	ports := freePorts(t, 4)
	front := fmt.Sprintf("http://127.0.0.1:%d", ports[0])
	cfg, err := os.ReadFile("deploy/haproxy.cfg")
	if err != nil {
		t.Fatal(err)
	}
	conf := strings.NewReplacer(
		"127.0.0.1:8080", fmt.Sprintf("127.0.0.1:%d", ports[0]),
		"127.0.0.1:8081", fmt.Sprintf("127.0.0.1:%d", ports[1]),
		"127.0.0.1:8082", fmt.Sprintf("127.0.0.1:%d", ports[2]),
		"127.0.0.1:8083", fmt.Sprintf("127.0.0.1:%d", ports[3]),
		"log stdout format raw local0 info", "log stdout format raw local0 notice",
	).Replace(string(cfg))
	confFile := filepath.Join(t.TempDir(), "haproxy.cfg")
	if err := os.WriteFile(confFile, []byte(conf), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command(haproxy, "-c", "-f", confFile).CombinedOutput(); err != nil {
		t.Fatalf("haproxy -c: %v\n%s", err, out)
	}

	replicas := make([]*replica, 3)
	for i := range replicas {
		replicas[i] = startReplica(t, bin, dir, ports[i+1])
	}
	defer func() {
		for _, r := range replicas {
			if r != nil && r.cmd.ProcessState == nil {
				r.cmd.Process.Kill()
				r.cmd.Wait()
			}
		}
	}()
	var hlogs logBuffer
	hp := exec.Command(haproxy, "-db", "-f", confFile)
	hp.Stdout, hp.Stderr = &hlogs, &hlogs
	if err := hp.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { hp.Process.Kill(); hp.Wait() }()
	waitReady(t, front)

	// Load through HAProxy for the whole test.
	ld := startLoad(front+"/v1/search?q=tiers-lieu&limit=5", 4)
	time.Sleep(time.Second)

	// Kill one replica outright, then bring it back.
	replicas[1].cmd.Process.Signal(syscall.SIGKILL)
	replicas[1].cmd.Wait()
	time.Sleep(time.Second)
	replicas[1] = startReplica(t, bin, dir, ports[2])
	time.Sleep(1500 * time.Millisecond) // HAProxy's two good checks

	// A new build, rolled one replica at a time: drain, stop, start.
	ingestVersion(t, dir, 1)
	cur, err := os.ReadFile(filepath.Join(dir, "CURRENT"))
	if err != nil {
		t.Fatal(err)
	}
	want := strings.TrimSpace(string(cur))
	for i, r := range replicas {
		r.cmd.Process.Signal(syscall.SIGTERM)
		if err := r.cmd.Wait(); err != nil {
			t.Errorf("replica %d exited with %v on SIGTERM:\n%s", i+1, err, r.logs.String())
		}
		replicas[i] = startReplica(t, bin, dir, r.port)
		time.Sleep(1500 * time.Millisecond)
	}
	time.Sleep(500 * time.Millisecond)
	requests, failures, firstFailures := ld.stop()

	for i, r := range replicas {
		v, err := dataVersion(&http.Client{Timeout: time.Second}, fmt.Sprintf("http://127.0.0.1:%d", r.port))
		if err != nil || v != want {
			t.Errorf("replica %d serves %q (%v), want the new build %s", i+1, v, err, want)
		}
	}
	if failures != 0 {
		t.Errorf("%d of %d requests failed through HAProxy; first: %v\nHAProxy:\n%s", failures, requests, firstFailures, tail(hlogs.String(), 3000))
	}
	if requests < 200 {
		t.Errorf("only %d requests went through", requests)
	}
	t.Logf("%d requests through HAProxy, %d failed; replicas killed once and rolled to %s", requests, failures, want)
}

func tail(s string, n int) string {
	if len(s) > n {
		return s[len(s)-n:]
	}
	return s
}
