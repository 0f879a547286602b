package main

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// rawServer answers every request on a connection with the next of its
// scripted answers, bytes as given, and records the requests' heads.
// An answer "" closes the connection without answering.
type rawServer struct {
	ln      net.Listener
	answers []string
	next    atomic.Int64
	dials   atomic.Int64
	hangUp  atomic.Bool // close each connection after its first answer

	mu       sync.Mutex
	requests []string
}

func newRawServer(tb testing.TB, answers ...string) *rawServer {
	tb.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	s := &rawServer{ln: ln, answers: answers}
	tb.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			s.dials.Add(1)
			go s.serve(c)
		}
	}()
	return s
}

func (s *rawServer) url() string { return "http://" + s.ln.Addr().String() }

func (s *rawServer) serve(c net.Conn) {
	defer c.Close()
	buf := make([]byte, 4096)
	var got []byte
	for {
		for !bytes.Contains(got, []byte("\r\n\r\n")) {
			n, err := c.Read(buf)
			if err != nil {
				return
			}
			got = append(got, buf[:n]...)
		}
		req, rest, _ := bytes.Cut(got, []byte("\r\n\r\n"))
		got = rest
		s.mu.Lock()
		s.requests = append(s.requests, string(req))
		s.mu.Unlock()
		i := int(s.next.Add(1) - 1)
		a := s.answers[min(i, len(s.answers)-1)]
		if a == "" {
			return
		}
		if _, err := c.Write([]byte(a)); err != nil || s.hangUp.Load() {
			return
		}
	}
}

func TestWireAnswers(t *testing.T) {
	const ok = "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello"
	tests := []struct {
		name    string
		answer  string
		status  int
		bytes   int64
		head    string // kept of a 5xx body
		errKind string
		hangUp  bool // the server closes the connection after answering
	}{
		{"length", ok, 200, 5, "", "", false},
		{"no body", "HTTP/1.1 204 No Content\r\n\r\n", 204, 0, "", "", false},
		{"not modified", "HTTP/1.1 304 Not Modified\r\nContent-Length: 90\r\n\r\n", 304, 0, "", "", false},
		{"chunked", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;ext=1\r\nhello\r\nA\r\n0123456789\r\n0\r\nTrailer: x\r\n\r\n", 200, 15, "", "", false},
		{"header case and spaces", "HTTP/1.1 200 OK\r\ncontent-LENGTH:   3  \r\nX-Other: 1\r\n\r\nabc", 200, 3, "", "", false},
		{"continue first", "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok", 200, 2, "", "", false},
		{"5xx head kept", "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 17\r\n\r\n{\"error\":\"busy\"}\n", 503, 17, "{\"error\":\"busy\"}\n", "", false},
		{"5xx head kept, chunked", "HTTP/1.1 500 Internal Server Error\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n", 500, 5, "abcde", "", false},
		{"4xx not failed", "HTTP/1.1 400 Bad Request\r\nContent-Length: 2\r\n\r\n{}", 400, 2, "", "", false},
		{"to the end", "HTTP/1.1 200 OK\r\n\r\nall of it", 200, 9, "", "", true},
		{"HTTP/1.0", "HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok", 200, 2, "", "", false},
		{"short body", "HTTP/1.1 200 OK\r\nContent-Length: 50\r\n\r\nhello", 200, 5, "", "eof", true},
		{"short chunk", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n50\r\nhello", 200, 5, "", "eof", true},
		{"bad status line", "HTTP/2 200\r\n\r\n", 0, 0, "", "malformed answer", false},
		{"status not a number", "HTTP/1.1 2x0 OK\r\n\r\n", 0, 0, "", "malformed answer", false},
		{"bad length", "HTTP/1.1 200 OK\r\nContent-Length: -3\r\n\r\n", 0, 0, "", "malformed answer", false},
		{"unknown transfer encoding", "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n", 0, 0, "", "malformed answer", false},
		{"bad chunk size", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", 200, 0, "", "malformed answer", false},
		{"chunk without line end", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nokX\r\n0\r\n\r\n", 200, 2, "", "malformed answer", false},
		{"header without colon", "HTTP/1.1 200 OK\r\nnonsense\r\n\r\n", 0, 0, "", "malformed answer", false},
		{"head line too long", "HTTP/1.1 200 OK\r\nX: " + strings.Repeat("a", 40<<10) + "\r\n\r\n", 0, 0, "", "malformed answer", false},
		{"closed unanswered", "", 0, 0, "", "eof", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newRawServer(t, tt.answer)
			s.hangUp.Store(tt.hangUp)
			w, err := newWire(s.url(), 2*time.Second)
			if err != nil {
				t.Fatal(err)
			}
			defer w.close()
			rep, err := w.get(context.Background(), "/v1/search?q=x")
			kind := ""
			if err != nil {
				kind = errKind(err)
			}
			if rep.status != tt.status || rep.bytes != tt.bytes || string(rep.head) != tt.head || kind != tt.errKind {
				t.Errorf("status %d, %d bytes, head %q, error %v (%q); want %d, %d, %q, %q",
					rep.status, rep.bytes, rep.head, err, kind, tt.status, tt.bytes, tt.head, tt.errKind)
			}
		})
	}
}

// TestWireKeepAlive: one connection serves every request, until the
// server says close; HTTP/1.0 closes unless it says keep-alive.
func TestWireKeepAlive(t *testing.T) {
	tests := []struct {
		answer string
		dials  int64
	}{
		{"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok", 1},
		{"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n", 1},
		{"HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nok", 5},
		{"HTTP/1.1 200 OK\r\nConnection: keep-alive, close\r\nContent-Length: 2\r\n\r\nok", 5},
		{"HTTP/1.1 200 OK\r\nConnection: TE\r\nContent-Length: 2\r\n\r\nok", 1},
		{"HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok", 5},
		{"HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 2\r\n\r\nok", 1},
	}
	for _, tt := range tests {
		s := newRawServer(t, tt.answer)
		w, _ := newWire(s.url()+"/prefix", time.Second)
		for range 5 {
			rep, err := w.get(context.Background(), "/v1/search?a=1", header{"Accept-Encoding", "gzip"}, header{"X-Forwarded-For", ""})
			if err != nil || rep.status != 200 || rep.bytes != 2 {
				t.Fatalf("%q: %+v, %v", tt.answer, rep, err)
			}
		}
		w.close()
		if d := s.dials.Load(); d != tt.dials {
			t.Errorf("%q: %d connections for 5 requests, want %d", tt.answer, d, tt.dials)
		}
		s.mu.Lock()
		req := s.requests[0]
		s.mu.Unlock()
		want := "GET /prefix/v1/search?a=1 HTTP/1.1\r\nHost: " + s.ln.Addr().String() + "\r\nUser-Agent: tlload\r\nAccept-Encoding: gzip"
		if req != want {
			t.Errorf("request sent:\n%q\nwant\n%q", req, want)
		}
	}
}

// TestWireResend: a reused connection the server closed before answering
// is retried once on a new one, unseen; a new connection closed
// unanswered is a failure.
func TestWireResend(t *testing.T) {
	const ok = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"
	s := newRawServer(t, ok, "", ok)
	w, _ := newWire(s.url(), time.Second)
	defer w.close()
	for i := range 2 {
		if rep, err := w.get(context.Background(), "/"); err != nil || rep.status != 200 {
			t.Fatalf("request %d: %+v, %v", i, rep, err)
		}
	}
	if d := s.dials.Load(); d != 2 {
		t.Errorf("%d connections, want 2 (the resend's)", d)
	}

	s2 := newRawServer(t, "")
	w2, _ := newWire(s2.url(), time.Second)
	defer w2.close()
	if _, err := w2.get(context.Background(), "/"); errKind(err) != "eof" {
		t.Errorf("a new connection closed unanswered: %v, want eof", err)
	}
	if d := s2.dials.Load(); d != 1 {
		t.Errorf("%d connections, want 1: a new connection is not retried", d)
	}
}

// TestWireCancel: ending the context ends a request waiting for its
// answer at once.
func TestWireCancel(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		c, err := ln.Accept()
		if err == nil {
			defer c.Close()
			io.Copy(io.Discard, c) // never answers
		}
	}()
	w, _ := newWire("http://"+ln.Addr().String(), time.Minute)
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err = w.get(ctx, "/")
	if !errors.Is(err, context.DeadlineExceeded) || time.Since(start) > 5*time.Second {
		t.Errorf("after %v: %v, want the context's end", time.Since(start), err)
	}
}

// fakeConn answers with fixed bytes and swallows what is written.
type fakeConn struct {
	net.Conn
	r io.Reader
}

func (c *fakeConn) Read(b []byte) (int, error)         { return c.r.Read(b) }
func (c *fakeConn) Write(b []byte) (int, error)        { return len(b), nil }
func (c *fakeConn) Close() error                       { return nil }
func (c *fakeConn) SetDeadline(t time.Time) error      { return nil }
func (c *fakeConn) SetReadDeadline(t time.Time) error  { return nil }
func (c *fakeConn) SetWriteDeadline(t time.Time) error { return nil }

// FuzzWireAnswer reads any bytes as a server's answer: no panic, never
// more body bytes than were sent, a status only from a status line.
func FuzzWireAnswer(f *testing.F) {
	f.Add([]byte("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello"))
	f.Add([]byte("HTTP/1.1 500 Oops\r\nTransfer-Encoding: chunked\r\n\r\n5;x\r\nhello\r\n0\r\nT: 1\r\n\r\n"))
	f.Add([]byte("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.0 204 No Content\r\nConnection: keep-alive\r\n\r\n"))
	f.Add([]byte("HTTP/1.1 200 OK\r\n\r\nto the end"))
	f.Fuzz(func(t *testing.T, answer []byte) {
		w := &wire{timeout: time.Second}
		w.conn = &fakeConn{r: bytes.NewReader(answer)}
		w.br = newWireReader(w.conn)
		rep, _, err := w.exchange(context.Background(), time.Now().Add(time.Second))
		if rep.bytes > int64(len(answer)) || len(rep.head) > 200 {
			t.Fatalf("%d body bytes and a head of %d from %d bytes sent", rep.bytes, len(rep.head), len(answer))
		}
		if rep.status != 0 && (rep.status < 100 || rep.status > 999 || !bytes.HasPrefix(answer, []byte("HTTP/1."))) {
			t.Fatalf("status %d from %q", rep.status, answer)
		}
		if err == nil && rep.status == 0 {
			t.Fatalf("no error and no status from %q", answer)
		}
	})
}
