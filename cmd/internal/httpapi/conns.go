package httpapi

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/tierslieux/tierslieux/index"
)

// DefaultMaxConns is the connections a Listener holds at once unless
// told otherwise.
const DefaultMaxConns = 4096

// Listener is the server's side of its connections. It holds at most a
// number of them: past it, the longest-idle keep-alive connection is
// closed to make room, and when none is idle the new one is answered 503
// and closed. It also rewrites the plain-text errors Go's HTTP server
// sends on its own (oversized headers, malformed request lines) as the
// JSON errors the API promises. Plug its ConnState into the http.Server.
type Listener struct {
	net.Listener
	max int
	log *slog.Logger

	mu   sync.Mutex
	open int
	idle map[*conn]time.Time
}

// NewListener wraps ln; maxConns 0 means DefaultMaxConns.
func NewListener(ln net.Listener, maxConns int, log *slog.Logger) *Listener {
	if maxConns <= 0 {
		maxConns = DefaultMaxConns
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Listener{Listener: ln, max: maxConns, log: log, idle: map[*conn]time.Time{}}
}

// Accept returns the next connection the cap lets in.
func (l *Listener) Accept() (net.Conn, error) {
	for {
		c, err := l.Listener.Accept()
		if err != nil {
			return nil, err
		}
		l.mu.Lock()
		if l.open >= l.max {
			victim := l.oldestIdle()
			if victim == nil {
				l.mu.Unlock()
				l.log.Warn("connection refused: too many open", "remote", c.RemoteAddr().String(), "max", l.max)
				go refuse(c)
				continue
			}
			delete(l.idle, victim)
			l.mu.Unlock()
			victim.Close() // gives back its place in the count
			l.mu.Lock()
		}
		l.open++
		l.mu.Unlock()
		return &conn{Conn: c, l: l}, nil
	}
}

// Open is how many connections the listener holds.
func (l *Listener) Open() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.open
}

func (l *Listener) oldestIdle() *conn {
	var (
		oldest *conn
		since  time.Time
	)
	for c, t := range l.idle {
		if oldest == nil || t.Before(since) {
			oldest, since = c, t
		}
	}
	return oldest
}

// ConnState tracks which connections sit idle between requests; set it
// as the http.Server's ConnState.
func (l *Listener) ConnState(nc net.Conn, st http.ConnState) {
	c, ok := nc.(*conn)
	if !ok {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	switch st {
	case http.StateIdle:
		if !c.closed {
			l.idle[c] = time.Now()
		}
	default:
		delete(l.idle, c)
	}
}

// refusedBody is the answer to a connection past the cap.
var refusedBody = mustErrorJSON(codeOverloaded, "too many open connections; try again shortly")

// refuse answers a connection past the cap with a 503 and closes it,
// reading what the client sent first so that the close does not reset
// the connection before the answer arrives.
func refuse(c net.Conn) {
	defer c.Close()
	c.SetDeadline(time.Now().Add(time.Second))
	io.WriteString(c, "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json; charset=utf-8\r\nRetry-After: 1\r\nConnection: close\r\nX-Request-Id: "+newRequestID()+"\r\nContent-Length: "+strconv.Itoa(len(refusedBody))+"\r\n\r\n")
	c.Write(refusedBody)
	if tc, ok := c.(interface{ CloseWrite() error }); ok {
		tc.CloseWrite()
	}
	io.Copy(io.Discard, io.LimitReader(c, 64<<10))
}

// conn is one accepted connection.
type conn struct {
	net.Conn
	l      *Listener
	once   sync.Once
	closed bool    // under l.mu
	held   *[]byte // written but not yet sent, between hold and release
}

// connKey is the context key of a request's connection.
type connKey struct{}

// ConnContext puts the connection in the context of its requests, for
// answers to be sent in one write (see hold); set it as the
// http.Server's ConnContext.
func (l *Listener) ConnContext(ctx context.Context, nc net.Conn) context.Context {
	if c, ok := nc.(*conn); ok {
		return context.WithValue(ctx, connKey{}, c)
	}
	return ctx
}

// connOf returns the connection a request came on, if a Listener's.
func connOf(r *http.Request) *conn {
	c, _ := r.Context().Value(connKey{}).(*conn)
	return c
}

// hold keeps what is written to the connection until release, which
// sends it in one write. Go's server writes through a 4 KB buffer: an
// answer longer than that leaves in two writes (two system calls, two
// TCP segments, the client woken twice) unless held. Only the request's
// own goroutine writes to its connection, and it releases what it held
// before its handler returns; Close, which other goroutines call (the
// connection cap, a forced shutdown), leaves the held bytes alone.
func (c *conn) hold() {
	if c.held == nil {
		c.held = getBuf()
	}
}

// release sends what was held.
func (c *conn) release() error {
	bp := c.held
	if bp == nil {
		return nil
	}
	c.held = nil
	var err error
	if len(*bp) > 0 {
		_, err = c.Conn.Write(*bp)
	}
	putBuf(bp)
	if err != nil {
		// net/http saw every held write succeed: left open, the
		// connection would be kept alive with its answer cut short.
		c.Conn.Close()
	}
	return err
}

func (c *conn) Close() error {
	err := c.Conn.Close()
	c.once.Do(func() {
		c.l.mu.Lock()
		c.closed = true
		c.l.open--
		delete(c.l.idle, c)
		c.l.mu.Unlock()
	})
	return err
}

// serverErrorHeaders are the headers of the errors Go's HTTP server
// writes itself, straight after the status line; a handler's answers
// always carry a Date header, so they never match.
const serverErrorHeaders = "\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\n"

func (c *conn) Write(p []byte) (int, error) {
	if c.held != nil {
		*c.held = append(*c.held, p...)
		return len(p), nil
	}
	if rewritten, ok := jsonServerError(p); ok {
		if _, err := c.Conn.Write(rewritten); err != nil {
			return 0, err
		}
		return len(p), nil
	}
	return c.Conn.Write(p)
}

// codeByServerStatus names the errors Go's server answers on its own;
// any other is a bad request.
var codeByServerStatus = map[int]string{
	http.StatusRequestHeaderFieldsTooLarge: codeHeadersTooLarge,
	http.StatusNotImplemented:              codeNotImplemented,
	http.StatusHTTPVersionNotSupported:     codeHTTPVersion,
}

// jsonServerError recognises one of Go's own plain-text error answers,
// "HTTP/1.1 <status><serverErrorHeaders><text>", and returns it as JSON.
func jsonServerError(p []byte) ([]byte, bool) {
	const proto = "HTTP/1.1 "
	if !bytes.HasPrefix(p, []byte(proto)) {
		return nil, false
	}
	i := bytes.Index(p, []byte(serverErrorHeaders))
	if i < 0 || bytes.Contains(p[:i], []byte("\r\n")) || i < len(proto)+3 {
		return nil, false
	}
	statusLine := string(p[len(proto):i])
	status, err := strconv.Atoi(statusLine[:3])
	if err != nil {
		return nil, false
	}
	code, ok := codeByServerStatus[status]
	if !ok {
		code = codeBadRequest
	}
	text := string(p[i+len(serverErrorHeaders):])
	if len(text) > 4 && text[3] == ' ' {
		text = text[4:] // "431 Request Header…": the status is in the status line
	}
	if status == http.StatusRequestHeaderFieldsTooLarge {
		text += ": the URL and headers together are too long (a polygon parameter is limited to 64 KB)"
	}
	body := mustErrorJSON(code, text)
	var b bytes.Buffer
	b.WriteString(proto + statusLine + "\r\nContent-Type: application/json; charset=utf-8\r\nConnection: close\r\nContent-Length: ")
	b.WriteString(strconv.Itoa(len(body)))
	b.WriteString("\r\nX-Content-Type-Options: nosniff\r\n\r\n")
	b.Write(body)
	return b.Bytes(), true
}

func mustErrorJSON(code, message string) []byte {
	b, err := json.Marshal(errorBody{Error: index.Error{Code: code, Message: message}})
	if err != nil {
		panic(err) // two strings always encode
	}
	return append(b, '\n')
}
