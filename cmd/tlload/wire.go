package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"strconv"
	"syscall"
	"time"
)

// wire is one client's keep-alive HTTP/1.1 connection, spoken directly:
// a GET written in one call, the answer's head parsed in place and its
// body read whole. Go's http.Client costs about as much CPU a request as
// the server spends answering it (two goroutines a connection, a Request,
// a Response and their header maps every time); on a machine shared with
// the server, every cycle the load generator spends is taken from the
// server being measured.
type wire struct {
	addr    string      // host:port to dial
	host    string      // Host header
	prefix  string      // the base URL's path, before each request's
	tls     *tls.Config // nil for http
	timeout time.Duration

	conn net.Conn
	br   *bufio.Reader
	req  []byte // the request being written, reused
}

// wireBufSize is the read buffer: answers' heads fit many times over,
// and bodies are discarded through it.
const wireBufSize = 32 << 10

// maxHeadLine bounds one line of an answer's head.
const maxHeadLine = 8 << 10

func newWireReader(r io.Reader) *bufio.Reader { return bufio.NewReaderSize(r, wireBufSize) }

func newWire(base string, timeout time.Duration) (*wire, error) {
	u, err := url.Parse(base)
	if err != nil {
		return nil, err
	}
	w := &wire{host: u.Host, prefix: u.EscapedPath(), timeout: timeout}
	port := u.Port()
	switch u.Scheme {
	case "http":
		port = cmpOr(port, "80")
	case "https":
		port = cmpOr(port, "443")
		w.tls = &tls.Config{ServerName: u.Hostname()}
	default:
		return nil, fmt.Errorf("scheme %q: want http or https", u.Scheme)
	}
	w.addr = net.JoinHostPort(u.Hostname(), port)
	return w, nil
}

func cmpOr(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// header is one extra request header; empty values are not sent.
type header struct{ name, value string }

// reply is what get saw of an answer.
type reply struct {
	status int   // 0 when no answer came
	bytes  int64 // body bytes read (as sent: not decompressed, not chunk-framed)
	head   []byte
}

// errBadReply is an answer that is not HTTP/1.x as it should be.
var errBadReply = errors.New("malformed answer")

// get sends GET path and reads the answer whole, within the timeout and
// until ctx ends. For a 5xx it keeps the body's first bytes, to say
// what went wrong. As browsers and Go's transport do, a request whose
// reused connection turns out closed before any byte of an answer is
// sent once more on a new one: the server may close an idle connection
// at any time.
func (w *wire) get(ctx context.Context, path string, hdrs ...header) (reply, error) {
	deadline := time.Now().Add(w.timeout)
	w.req = w.request(w.req[:0], path, hdrs)
	for attempt := 0; ; attempt++ {
		reused := w.conn != nil
		if !reused {
			if err := w.dial(ctx, deadline); err != nil {
				return reply{}, err
			}
		}
		rep, started, err := w.exchange(ctx, deadline)
		if err == nil {
			return rep, nil
		}
		w.close()
		if ctx.Err() != nil {
			return rep, ctx.Err()
		}
		if reused && !started && attempt == 0 && closedByPeer(err) {
			continue
		}
		return rep, err
	}
}

// closedByPeer reports an error of a connection the server had closed.
func closedByPeer(err error) bool {
	return errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE)
}

func (w *wire) request(b []byte, path string, hdrs []header) []byte {
	b = append(b, "GET "...)
	b = append(b, w.prefix...)
	b = append(b, path...)
	b = append(b, " HTTP/1.1\r\nHost: "...)
	b = append(b, w.host...)
	b = append(b, "\r\nUser-Agent: tlload\r\n"...)
	for _, h := range hdrs {
		if h.value != "" {
			b = append(b, h.name...)
			b = append(b, ": "...)
			b = append(b, h.value...)
			b = append(b, "\r\n"...)
		}
	}
	return append(b, "\r\n"...)
}

func (w *wire) dial(ctx context.Context, deadline time.Time) error {
	ctx, cancel := context.WithDeadline(ctx, deadline)
	defer cancel()
	d := net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}
	conn, err := d.DialContext(ctx, "tcp", w.addr)
	if err != nil {
		return err
	}
	if w.tls != nil {
		tc := tls.Client(conn, w.tls)
		if err := tc.HandshakeContext(ctx); err != nil {
			conn.Close()
			return err
		}
		conn = tc
	}
	w.conn = conn
	if w.br == nil {
		w.br = newWireReader(conn)
	} else {
		w.br.Reset(conn)
	}
	return nil
}

func (w *wire) close() {
	if w.conn != nil {
		w.conn.Close()
		w.conn = nil
	}
}

// exchange writes the request and reads the answer; started says
// whether any byte of an answer came.
func (w *wire) exchange(ctx context.Context, deadline time.Time) (rep reply, started bool, err error) {
	conn := w.conn
	conn.SetDeadline(deadline)
	// An interrupt ends the exchange at once: the deadline moved to the
	// past fails the read or write in progress.
	stop := context.AfterFunc(ctx, func() { conn.SetDeadline(time.Unix(1, 0)) })
	defer stop()
	if _, err := conn.Write(w.req); err != nil {
		return rep, false, err
	}
	keep := true
	for {
		if _, err := w.br.Peek(1); err != nil {
			return rep, started, err
		}
		started = true
		var h head
		if h, err = w.readHead(); err != nil {
			return rep, true, err
		}
		rep.status = h.status
		if h.status >= 100 && h.status < 200 {
			continue // 100 Continue and the like: the answer follows
		}
		keep = !h.close
		if h.status == 204 || h.status == 304 {
			break
		}
		var keepHead int
		if h.status >= 500 {
			keepHead = 200
		}
		switch {
		case h.chunked:
			err = w.readChunked(&rep, keepHead)
		case h.length >= 0:
			err = w.readN(&rep, h.length, keepHead)
		default:
			// No length: the body runs to the connection's end.
			keep = false
			err = w.readN(&rep, -1, keepHead)
		}
		if err != nil {
			return rep, true, err
		}
		break
	}
	if !keep {
		w.close()
	}
	return rep, true, nil
}

// head is what matters of an answer's head.
type head struct {
	status  int
	length  int64 // -1: not given
	chunked bool
	close   bool
}

func (w *wire) line() ([]byte, error) {
	l, err := w.br.ReadSlice('\n')
	if err != nil {
		if errors.Is(err, bufio.ErrBufferFull) {
			return nil, fmt.Errorf("%w: a head line longer than %d bytes", errBadReply, wireBufSize)
		}
		if errors.Is(err, io.EOF) {
			err = io.ErrUnexpectedEOF
		}
		return nil, err
	}
	if len(l) > maxHeadLine {
		return nil, fmt.Errorf("%w: a head line of %d bytes", errBadReply, len(l))
	}
	return bytes.TrimRight(l, "\r\n"), nil
}

var (
	hContentLength    = []byte("content-length")
	hTransferEncoding = []byte("transfer-encoding")
	hConnection       = []byte("connection")
)

func (w *wire) readHead() (head, error) {
	h := head{length: -1}
	l, err := w.line()
	if err != nil {
		return h, err
	}
	// HTTP/1.1 200 OK
	if len(l) < 12 || !bytes.HasPrefix(l, []byte("HTTP/1.")) || l[8] != ' ' {
		return h, fmt.Errorf("%w: status line %q", errBadReply, shorten(string(l), 60))
	}
	h.status, err = strconv.Atoi(string(l[9:12]))
	if err != nil || h.status < 100 || h.status > 999 {
		return h, fmt.Errorf("%w: status line %q", errBadReply, shorten(string(l), 60))
	}
	h.close = l[7] == '0' // HTTP/1.0 closes unless it says keep-alive
	for n := 0; ; n++ {
		if n > 200 {
			return h, fmt.Errorf("%w: more than 200 header lines", errBadReply)
		}
		l, err := w.line()
		if err != nil {
			return h, err
		}
		if len(l) == 0 {
			return h, nil
		}
		name, value, ok := bytes.Cut(l, []byte(":"))
		if !ok {
			return h, fmt.Errorf("%w: header line %q", errBadReply, shorten(string(l), 60))
		}
		value = bytes.TrimSpace(value)
		switch {
		case bytes.EqualFold(name, hContentLength):
			n, err := strconv.ParseInt(string(value), 10, 64)
			if err != nil || n < 0 {
				return h, fmt.Errorf("%w: Content-Length %q", errBadReply, shorten(string(value), 40))
			}
			h.length = n
		case bytes.EqualFold(name, hTransferEncoding):
			h.chunked = bytes.EqualFold(value, []byte("chunked"))
			if !h.chunked {
				return h, fmt.Errorf("%w: Transfer-Encoding %q", errBadReply, shorten(string(value), 40))
			}
		case bytes.EqualFold(name, hConnection):
			// A list of options: "close" wins over "keep-alive".
			for _, opt := range bytes.Split(value, []byte(",")) {
				opt = bytes.TrimSpace(opt)
				if bytes.EqualFold(opt, []byte("close")) {
					h.close = true
					break
				}
				if bytes.EqualFold(opt, []byte("keep-alive")) {
					h.close = false
				}
			}
		}
	}
}

// readN reads n bytes of body (n < 0: to the end of the connection),
// keeping the first keepHead of them in rep.head.
func (w *wire) readN(rep *reply, n int64, keepHead int) error {
	if keepHead > 0 {
		k := keepHead - len(rep.head)
		if n >= 0 && int64(k) > n {
			k = int(n)
		}
		if k > 0 {
			b, err := w.br.Peek(k)
			rep.head = append(rep.head, b...)
			if err != nil && (n >= 0 || !errors.Is(err, io.EOF)) {
				rep.bytes += int64(len(b))
				return unexpected(err)
			}
		}
	}
	if n < 0 {
		m, err := io.Copy(io.Discard, w.br)
		rep.bytes += m
		return err
	}
	for n > 0 {
		m := int(min(n, wireBufSize))
		d, err := w.br.Discard(m)
		rep.bytes += int64(d)
		n -= int64(d)
		if err != nil {
			return unexpected(err)
		}
	}
	return nil
}

func unexpected(err error) error {
	if errors.Is(err, io.EOF) {
		return io.ErrUnexpectedEOF
	}
	return err
}

// maxChunkSize bounds one chunk's announced size.
const maxChunkSize = 1 << 40

func (w *wire) readChunked(rep *reply, keepHead int) error {
	for {
		l, err := w.line()
		if err != nil {
			return err
		}
		size, _, _ := bytes.Cut(l, []byte(";"))
		n, err := strconv.ParseInt(string(bytes.TrimSpace(size)), 16, 64)
		if err != nil || n < 0 || n > maxChunkSize {
			return fmt.Errorf("%w: chunk size %q", errBadReply, shorten(string(l), 40))
		}
		if n == 0 {
			// Trailers, up to the empty line.
			for {
				l, err := w.line()
				if err != nil {
					return err
				}
				if len(l) == 0 {
					return nil
				}
			}
		}
		if err := w.readN(rep, n, keepHead); err != nil {
			return err
		}
		l, err = w.line()
		if err != nil {
			return err
		}
		if len(l) != 0 {
			return fmt.Errorf("%w: no line end after a chunk", errBadReply)
		}
	}
}
