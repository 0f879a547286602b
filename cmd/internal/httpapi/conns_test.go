package httpapi_test

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"net"
	"net/http"
	"regexp"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tierslieux/tierslieux/cmd/internal/httpapi"
)

// writeCounter is a listener whose connections count their writes.
type writeCounter struct {
	net.Listener
	writes atomic.Int64
}

func (l *writeCounter) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return &countedConn{Conn: c, writes: &l.writes}, nil
}

type countedConn struct {
	net.Conn
	writes *atomic.Int64
}

func (c *countedConn) Write(p []byte) (int, error) {
	c.writes.Add(1)
	return c.Conn.Write(p)
}

// TestAnswerInOneWrite: a search answer longer than Go's 4 KB connection
// buffer leaves in one write with its head, on a connection kept alive,
// and is the same answer, whole; compressed ones and errors still go
// out as they should. Without the connection in the requests' context
// (no ConnContext) the same answers take two writes: what is counted
// is what the hold changes.
func TestAnswerInOneWrite(t *testing.T) {
	api := newTestServer(t)
	for _, withContext := range []bool{true, false} {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		wc := &writeCounter{Listener: ln}
		l := httpapi.NewListener(wc, 0, nil)
		srv := &http.Server{Handler: api, ConnState: l.ConnState, ReadHeaderTimeout: 5 * time.Second}
		if withContext {
			srv.ConnContext = l.ConnContext
		}
		go srv.Serve(l)
		defer srv.Close()

		c, err := net.Dial("tcp", ln.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		c.SetDeadline(time.Now().Add(10 * time.Second))
		br := bufio.NewReader(c)
		get := func(target string, hdr string) (*http.Response, []byte, int64) {
			t.Helper()
			before := wc.writes.Load()
			fmt.Fprintf(c, "GET %s HTTP/1.1\r\nHost: x\r\n%s\r\n", target, hdr)
			resp, err := http.ReadResponse(br, nil)
			if err != nil {
				t.Fatalf("%s: %v", target, err)
			}
			body, err := io.ReadAll(resp.Body)
			resp.Body.Close()
			if err != nil {
				t.Fatalf("%s: %v", target, err)
			}
			return resp, body, wc.writes.Load() - before
		}

		wantWrites := int64(2)
		if withContext {
			wantWrites = 1
		}
		var plain []byte
		for i := range 3 {
			resp, body, writes := get("/v1/search?near=Toulouse&sort=distance&limit=40", "")
			if resp.StatusCode != 200 || len(body) < 8<<10 || int64(len(body)) != resp.ContentLength {
				t.Fatalf("status %d, %d bytes (Content-Length %d): want a whole answer over 8 KB", resp.StatusCode, len(body), resp.ContentLength)
			}
			var sr searchResponse
			MustDecode(t, body, &sr)
			if len(sr.Results) != 40 {
				t.Errorf("%d results, want 40", len(sr.Results))
			}
			if writes != wantWrites {
				t.Errorf("context %v, answer %d: %d writes, want %d", withContext, i, writes, wantWrites)
			}
			plain = body
		}
		resp, body, _ := get("/v1/search?near=Toulouse&sort=distance&limit=40", "Accept-Encoding: gzip\r\n")
		if resp.Header.Get("Content-Encoding") != "gzip" {
			t.Fatalf("Content-Encoding %q, want gzip", resp.Header.Get("Content-Encoding"))
		}
		zr, err := gzip.NewReader(bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		unzipped, err := io.ReadAll(zr)
		if err != nil {
			t.Fatal(err)
		}
		tookMS := regexp.MustCompile(`"took_ms":[0-9.e-]+`)
		if a, b := tookMS.ReplaceAll(unzipped, nil), tookMS.ReplaceAll(plain, nil); !bytes.Equal(a, b) {
			t.Errorf("the compressed answer differs from the plain one:\n%.300s\n%.300s", a, b)
		}
		resp, body, writes := get("/v1/search?radius=abc&near=Toulouse", "")
		if resp.StatusCode != 400 || !bytes.Contains(body, []byte(`"param":"radius"`)) || writes < 1 {
			t.Errorf("error answer: status %d, %d writes: %s", resp.StatusCode, writes, body)
		}
		// Still alive, still one answer a write.
		if _, _, writes := get("/v1/search?near=Toulouse&sort=distance&limit=40", ""); writes != wantWrites {
			t.Errorf("context %v, after an error: %d writes, want %d", withContext, writes, wantWrites)
		}
	}
}
