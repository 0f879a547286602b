package httpapi

import (
	"errors"
	"net"
	"testing"
)

// brokenConn fails every write and records whether it was closed.
type brokenConn struct {
	net.Conn
	writes int
	closed bool
}

func (c *brokenConn) Write(p []byte) (int, error) { c.writes++; return 0, errors.New("broken pipe") }
func (c *brokenConn) Close() error                { c.closed = true; return nil }

// TestReleaseFailureCloses: what was held goes out in one write; when
// that write fails, the connection is closed, since net/http saw the
// held writes succeed and would keep it alive with its answer cut.
func TestReleaseFailureCloses(t *testing.T) {
	bc := &brokenConn{}
	c := &conn{Conn: bc, l: NewListener(nil, 1, nil)}
	c.hold()
	for _, part := range []string{"HTTP/1.1 200 OK\r\n\r\n", "a", "b"} {
		if n, err := c.Write([]byte(part)); n != len(part) || err != nil {
			t.Fatalf("held write: %d, %v", n, err)
		}
	}
	if bc.writes != 0 {
		t.Fatalf("%d writes while held", bc.writes)
	}
	if err := c.release(); err == nil || bc.writes != 1 || !bc.closed {
		t.Errorf("release: %v, %d writes, closed %v; want the error, one write, closed", err, bc.writes, bc.closed)
	}
	if c.held != nil {
		t.Error("still holding after release")
	}
}
