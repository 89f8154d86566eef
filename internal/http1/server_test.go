// Tests for the HTTP/1.1 server over real loopback sockets. net/http's server
// is the reference: most tests serve the same handler with both and compare
// what a raw client sees on the wire.
package http1

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/url"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/menshen/menshen/internal/httpsyntax"
)

// closeWait is how long a client waits to learn whether the server kept a
// connection open: a read that times out means open, EOF or a reset means
// closed. net/http closes (or half-closes) at once, so this only has to cover
// scheduling delays.
const closeWait = 500 * time.Millisecond

// connDeadline bounds every test connection, so that a server that never
// answers fails the test instead of hanging it.
const connDeadline = 5 * time.Second

// opts are the settings that both servers share. Where net/http falls back
// from one zero timeout to another, tests set both explicitly.
type opts struct {
	readHeaderTimeout time.Duration
	readTimeout       time.Duration
	idleTimeout       time.Duration
	maxHeaderBytes    int
	baseContext       func(net.Listener) context.Context
}

// server is what *http.Server and *Server have in common, so that lifecycle
// tests can run against both.
type server interface {
	Serve(net.Listener) error
	Shutdown(context.Context) error
	Close() error
}

var (
	_ server = (*Server)(nil)
	_ server = (*http.Server)(nil)
)

// impl builds one server implementation.
type impl struct {
	name string
	new  func(h http.Handler, o opts, logs *logSink) server
}

// impls lists the reference first: agree reports net/http's result as "want".
var impls = []impl{
	{"net/http", func(h http.Handler, o opts, logs *logSink) server {
		return &http.Server{
			Handler:           h,
			ReadHeaderTimeout: o.readHeaderTimeout,
			ReadTimeout:       o.readTimeout,
			IdleTimeout:       o.idleTimeout,
			MaxHeaderBytes:    o.maxHeaderBytes,
			BaseContext:       o.baseContext,
			ErrorLog:          log.New(logs, "", 0),
		}
	}},
	{"http1", func(h http.Handler, o opts, logs *logSink) server {
		return &Server{
			Handler:           h,
			ReadHeaderTimeout: o.readHeaderTimeout,
			ReadTimeout:       o.readTimeout,
			IdleTimeout:       o.idleTimeout,
			MaxHeaderBytes:    o.maxHeaderBytes,
			BaseContext:       o.baseContext,
			ErrorLog:          logs.log,
		}
	}},
}

// logSink collects what a server reports through its error log. Servers may
// log after a test has ended, so it never calls t.Log.
type logSink struct {
	mu      sync.Mutex
	entries []string
}

func (l *logSink) log(msg string, err error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.entries = append(l.entries, fmt.Sprintf("%s: %v", msg, err))
}

// Write lets net/http's *log.Logger write into the sink.
func (l *logSink) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.entries = append(l.entries, strings.TrimSpace(string(p)))
	return len(p), nil
}

func (l *logSink) snapshot() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]string(nil), l.entries...)
}

// target is one running server.
type target struct {
	name     string
	addr     string
	srv      server
	logs     *logSink
	done     chan struct{} // closed when Serve has returned
	serveErr error         // Serve's result, written before done is closed
}

// mustStart serves h with im on a loopback port. Cleanup closes the server
// and checks that Serve returned http.ErrServerClosed.
func mustStart(t *testing.T, im impl, h http.Handler, o opts) *target {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("listen: %v", err)
	}
	tg := &target{name: im.name, addr: ln.Addr().String(), logs: new(logSink), done: make(chan struct{})}
	tg.srv = im.new(h, o, tg.logs)
	go func() {
		tg.serveErr = tg.srv.Serve(ln)
		close(tg.done)
	}()
	t.Cleanup(func() {
		tg.srv.Close()
		select {
		case <-tg.done:
			if !errors.Is(tg.serveErr, http.ErrServerClosed) {
				t.Errorf("%s: Serve = %v, want %v", tg.name, tg.serveErr, http.ErrServerClosed)
			}
		case <-time.After(2 * time.Second):
			t.Errorf("%s: Serve still running 2s after Close", tg.name)
		}
	})
	return tg
}

// forEach runs f as a parallel subtest against each implementation.
func forEach(t *testing.T, f func(t *testing.T, im impl)) {
	t.Helper()
	for _, im := range impls {
		t.Run(im.name, func(t *testing.T) {
			t.Parallel()
			f(t, im)
		})
	}
}

// agree runs f against net/http and against our server, each with its own
// server serving h, and fails if the client saw different things. f should
// return everything the client can observe in a comparable form.
func agree[T any](t *testing.T, h http.Handler, o opts, f func(t *testing.T, tg *target) T) (std, ours T) {
	t.Helper()
	std = f(t, mustStart(t, impls[0], h, o))
	ours = f(t, mustStart(t, impls[1], h, o))
	if !reflect.DeepEqual(std, ours) {
		t.Errorf("client sees a different exchange\nnet/http:%v\nhttp1:   %v", std, ours)
	}
	return std, ours
}

func mustDial(t testing.TB, addr string) net.Conn {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	c.SetDeadline(time.Now().Add(connDeadline))
	t.Cleanup(func() { c.Close() })
	return c
}

func mustWrite(t testing.TB, c net.Conn, s string) {
	t.Helper()
	if _, err := io.WriteString(c, s); err != nil {
		t.Fatalf("write request: %v", err)
	}
}

// clientResponse is one response as a client sees it, with the Date header removed.
type clientResponse struct {
	Proto            string
	Status           string
	Header           http.Header
	TransferEncoding []string
	ContentLength    int64
	Body             string
	BodyErr          string
	Trailer          http.Header
	Close            bool // the response says the connection will close
}

// outcome is what a client sees on one connection: the responses in order,
// the error that ended reading them, and whether the server then closed the
// connection.
type outcome struct {
	Responses []clientResponse
	Err       string // error reading the next expected response, if any
	Closed    bool
	Extra     string // bytes after the last response that belong to none
}

func (o outcome) String() string {
	var b strings.Builder
	for i, r := range o.Responses {
		fmt.Fprintf(&b, "\n  [%d] %s %s te=%q cl=%d close=%v header=%v body=%s", i, r.Proto, r.Status, r.TransferEncoding, r.ContentLength, r.Close, r.Header, short(r.Body))
		if r.BodyErr != "" {
			fmt.Fprintf(&b, " body error=%q", r.BodyErr)
		}
		if r.Trailer != nil {
			fmt.Fprintf(&b, " trailer=%v", r.Trailer)
		}
	}
	if o.Err != "" {
		fmt.Fprintf(&b, "\n  read error: %s", o.Err)
	}
	fmt.Fprintf(&b, "\n  closed=%v", o.Closed)
	if o.Extra != "" {
		fmt.Fprintf(&b, " extra=%s", short(o.Extra))
	}
	return b.String()
}

func short(s string) string {
	if len(s) <= 80 {
		return fmt.Sprintf("%q", s)
	}
	return fmt.Sprintf("%q…(%d bytes)", s[:80], len(s))
}

// errClass names an error the way a client would tell errors apart, so that
// equal conditions compare equal across implementations.
func errClass(err error) string {
	var ne net.Error
	switch {
	case err == nil:
		return ""
	case errors.Is(err, io.ErrUnexpectedEOF):
		return "unexpected EOF"
	case errors.Is(err, io.EOF):
		return "EOF"
	case errors.Is(err, syscall.ECONNRESET):
		return "connection reset"
	case errors.As(err, &ne) && ne.Timeout():
		return "timeout"
	}
	return err.Error()
}

// exchange writes raw on a new connection in one write and reads one
// response for each method (the request methods, which tell the reader
// whether a body follows).
func exchange(t *testing.T, addr, raw string, methods ...string) outcome {
	t.Helper()
	c := mustDial(t, addr)
	mustWrite(t, c, raw)
	return readOutcome(c, bufio.NewReader(c), methods...)
}

func readOutcome(c net.Conn, br *bufio.Reader, methods ...string) outcome {
	var o outcome
	for _, m := range methods {
		resp, err := http.ReadResponse(br, &http.Request{Method: m})
		if err != nil {
			o.Err = errClass(err)
			break
		}
		o.Responses = append(o.Responses, readResponse(resp))
	}
	o.Closed, o.Extra = probeClosed(c, br)
	return o
}

// readOne reads one complete response to a request with method, without
// probing whether the connection stays open.
func readOne(t *testing.T, br *bufio.Reader, method string) clientResponse {
	t.Helper()
	resp, err := http.ReadResponse(br, &http.Request{Method: method})
	if err != nil {
		t.Fatalf("read response: %v", err)
	}
	return readResponse(resp)
}

func readResponse(resp *http.Response) clientResponse {
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	h := resp.Header.Clone()
	h.Del("Date")
	proto := resp.Proto
	if proto == "HTTP/1.0" {
		// net/http answers an HTTP/1.0 request with an HTTP/1.0 status
		// line, http1 with HTTP/1.1, as Apache and nginx do: a difference
		// by design (TestServer_HTTP10StatusLine), else the same exchange.
		proto = "HTTP/1.1"
	}
	r := clientResponse{
		Proto:            proto,
		Status:           resp.Status,
		Header:           h,
		TransferEncoding: resp.TransferEncoding,
		ContentLength:    resp.ContentLength,
		Body:             string(body),
		BodyErr:          errClass(err),
		Trailer:          resp.Trailer,
		Close:            resp.Close,
	}
	if len(r.Header) == 0 {
		r.Header = nil
	}
	if len(r.Trailer) == 0 {
		r.Trailer = nil
	}
	return r
}

// probeClosed reports whether the server closed c, and returns any bytes
// that arrived meanwhile (which would be a framing error).
func probeClosed(c net.Conn, br *bufio.Reader) (closed bool, extra string) {
	c.SetReadDeadline(time.Now().Add(closeWait))
	b, err := io.ReadAll(br)
	c.SetReadDeadline(time.Now().Add(connDeadline))
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return false, string(b)
	}
	return true, string(b)
}

// waitClosed reads c until the server closes it, and fails if that takes
// longer than within.
func waitClosed(t *testing.T, c net.Conn, br io.Reader, within time.Duration) {
	t.Helper()
	start := time.Now()
	c.SetReadDeadline(start.Add(within + time.Second))
	b, err := io.ReadAll(br)
	elapsed := time.Since(start)
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		t.Fatalf("connection still open after %v (read %q)", elapsed, b)
	}
	if elapsed > within {
		t.Errorf("connection closed after %v, want within %v", elapsed, within)
	}
	if len(b) > 0 {
		t.Logf("server sent %q before closing", b)
	}
}

func recv[T any](t *testing.T, ch <-chan T, within time.Duration, what string) T {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(within):
		t.Fatalf("%s: nothing after %v", what, within)
		panic("unreachable")
	}
}

// get is a minimal HTTP/1.1 request with no body.
func get(method, path string) string {
	return method + " " + path + " HTTP/1.1\r\nHost: example.com\r\n\r\n"
}

// withNext answers "/next" itself and passes everything else to h. Framing
// tests pipeline a request for "/next" behind the one under test: the
// client can only read its answer if the first response was delimited right.
func withNext(h http.HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/next" {
			io.WriteString(w, "next")
			return
		}
		h(w, r)
	})
}

func flush(w http.ResponseWriter) {
	if err := http.NewResponseController(w).Flush(); err != nil {
		panic(fmt.Sprintf("flush: %v", err))
	}
}

// Checks on a response, used by table tests to state the premise of a case
// so that it holds for net/http too, not only that both agree.

func wantChunked(t *testing.T, r clientResponse) {
	t.Helper()
	if !reflect.DeepEqual(r.TransferEncoding, []string{"chunked"}) || r.Header.Get("Content-Length") != "" {
		t.Errorf("response te=%q Content-Length=%q, want chunked with no length", r.TransferEncoding, r.Header.Get("Content-Length"))
	}
}

func wantLength(t *testing.T, r clientResponse, n string) {
	t.Helper()
	if r.TransferEncoding != nil || r.Header.Get("Content-Length") != n {
		t.Errorf("response te=%q Content-Length=%q, want no te and length %s", r.TransferEncoding, r.Header.Get("Content-Length"), n)
	}
}

func wantResponses(t *testing.T, o outcome, n int, closed bool) {
	t.Helper()
	if len(o.Responses) != n || o.Closed != closed {
		t.Errorf("got %d responses, closed=%v; want %d, closed=%v:%v", len(o.Responses), o.Closed, n, closed, o)
	}
}

// TestServer_KeepAlive sends several requests one after another on one
// connection, and checks that all are answered in order on that connection.
func TestServer_KeepAlive(t *testing.T) {
	t.Parallel()
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "%s from %s", r.URL.Path, r.RemoteAddr)
	})
	forEach(t, func(t *testing.T, im impl) {
		tg := mustStart(t, im, h, opts{})
		c := mustDial(t, tg.addr)
		br := bufio.NewReader(c)
		for _, path := range []string{"/1", "/2", "/3"} {
			mustWrite(t, c, get("GET", path))
			resp, err := http.ReadResponse(br, nil)
			if err != nil {
				t.Fatalf("read response to %s: %v", path, err)
			}
			body, err := io.ReadAll(resp.Body)
			if err != nil {
				t.Fatalf("read body of %s: %v", path, err)
			}
			// The client address proves that the same connection answered.
			if want := path + " from " + c.LocalAddr().String(); string(body) != want {
				t.Errorf("body = %q, want %q", body, want)
			}
		}
	})
}

// TestServer_Pipelining writes several requests in a single write. Each must
// be answered in order, including ones whose bodies arrive in the same
// segment as the next request.
func TestServer_Pipelining(t *testing.T) {
	t.Parallel()
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		fmt.Fprintf(w, "%s %s %q", r.Method, r.URL.Path, b)
	})
	raw := get("GET", "/1") + get("GET", "/2") +
		"POST /3 HTTP/1.1\r\nHost: example.com\r\nContent-Length: 5\r\n\r\nhello" +
		get("HEAD", "/4") +
		"POST /5 HTTP/1.1\r\nHost: example.com\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n"
	methods := []string{"GET", "GET", "POST", "HEAD", "POST"}
	for i := 6; i <= 12; i++ {
		raw += get("GET", fmt.Sprintf("/%d", i))
		methods = append(methods, "GET")
	}
	std, _ := agree(t, h, opts{}, func(t *testing.T, tg *target) outcome {
		return exchange(t, tg.addr, raw, methods...)
	})
	wantResponses(t, std, len(methods), false)
}

// TestServer_Framing checks how a response body is delimited, following
// net/http: a small body written by a handler that returns without flushing
// gets Content-Length; a handler-set Transfer-Encoding, a flush, or a body
// larger than the buffer gets chunked encoding; a handler-set Content-Length
// is kept. Each case pipelines a request for /next behind it, so a framing
// error also shows up as a lost or garbled second response.
func TestServer_Framing(t *testing.T) {
	t.Parallel()
	big := strings.Repeat("a", 8<<10)
	tests := []struct {
		name    string
		method  string
		handler http.HandlerFunc
		check   func(t *testing.T, o outcome)
	}{
		{"small body", "GET", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/plain")
			io.WriteString(w, "hello")
		}, func(t *testing.T, o outcome) { wantLength(t, o.Responses[0], "5") }},
		{"small body sniffed type", "GET", func(w http.ResponseWriter, r *http.Request) {
			io.WriteString(w, "<html><body>hi</body></html>")
		}, func(t *testing.T, o outcome) {
			if got := o.Responses[0].Header.Get("Content-Type"); got != "text/html; charset=utf-8" {
				t.Errorf("Content-Type = %q, want sniffed text/html", got)
			}
		}},
		{"empty body", "GET", func(w http.ResponseWriter, r *http.Request) {}, func(t *testing.T, o outcome) { wantLength(t, o.Responses[0], "0") }},
		{"small body in many writes", "GET", func(w http.ResponseWriter, r *http.Request) {
			for range 10 {
				io.WriteString(w, "ab")
			}
		}, func(t *testing.T, o outcome) { wantLength(t, o.Responses[0], "20") }},
		{"handler sets chunked", "GET", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Transfer-Encoding", "chunked")
			io.WriteString(w, "hello")
		}, func(t *testing.T, o outcome) { wantChunked(t, o.Responses[0]) }},
		{"flush before return", "GET", func(w http.ResponseWriter, r *http.Request) {
			io.WriteString(w, "hello ")
			flush(w)
			io.WriteString(w, "world")
		}, func(t *testing.T, o outcome) { wantChunked(t, o.Responses[0]) }},
		{"flush with nothing written", "GET", func(w http.ResponseWriter, r *http.Request) {
			flush(w)
		}, func(t *testing.T, o outcome) { wantChunked(t, o.Responses[0]) }},
		{"large body", "GET", func(w http.ResponseWriter, r *http.Request) {
			io.WriteString(w, big)
		}, func(t *testing.T, o outcome) { wantChunked(t, o.Responses[0]) }},
		{"large body in small writes", "GET", func(w http.ResponseWriter, r *http.Request) {
			for i := 0; i < len(big); i += 100 {
				io.WriteString(w, big[i:min(i+100, len(big))])
			}
		}, func(t *testing.T, o outcome) { wantChunked(t, o.Responses[0]) }},
		{"handler sets length and flushes", "GET", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Length", "11")
			io.WriteString(w, "hello ")
			flush(w)
			io.WriteString(w, "world")
		}, func(t *testing.T, o outcome) { wantLength(t, o.Responses[0], "11") }},
		{"handler sets length of large body", "GET", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Length", fmt.Sprint(len(big)))
			io.WriteString(w, big)
		}, func(t *testing.T, o outcome) { wantLength(t, o.Responses[0], fmt.Sprint(len(big))) }},
		{"handler sets length and chunked", "GET", func(w http.ResponseWriter, r *http.Request) {
			// net/http drops the Content-Length and chunks.
			w.Header().Set("Content-Length", "5")
			w.Header().Set("Transfer-Encoding", "chunked")
			io.WriteString(w, "hello")
		}, nil},
		{"body shorter than length", "GET", func(w http.ResponseWriter, r *http.Request) {
			// The client must see a truncated body and a closed
			// connection, never a next response parsed from the gap.
			w.Header().Set("Content-Length", "10")
			io.WriteString(w, "hello")
		}, func(t *testing.T, o outcome) { wantResponses(t, o, 1, true) }},
		{"body longer than length", "GET", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Length", "3")
			io.WriteString(w, "hello")
		}, func(t *testing.T, o outcome) { wantResponses(t, o, 1, true) }},
		{"status with body", "GET", func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(http.StatusNotFound)
			io.WriteString(w, "not here")
		}, nil},
		{"http.Error", "GET", func(w http.ResponseWriter, r *http.Request) {
			http.Error(w, "oops", http.StatusInternalServerError)
		}, nil},
		// (A code without a standard text, 299, is not compared:
		// net/http makes up "status code 299", the server sends an empty
		// phrase as Apache does: TestServer_ReasonPhrase.)
		{"status without reason", "GET", func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(http.StatusAccepted)
		}, nil},
		{"WriteHeader twice", "GET", func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(http.StatusAccepted)
			w.WriteHeader(http.StatusTeapot)
			io.WriteString(w, "x")
		}, nil},
		{"repeated header", "GET", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Add("X-A", "1")
			w.Header().Add("X-A", "2")
			w.Header()["x-raw-case"] = []string{"v"}
			io.WriteString(w, "x")
		}, nil},
		{"trailer declared", "GET", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Trailer", "X-Sum")
			io.WriteString(w, "hello")
			w.Header().Set("X-Sum", "5")
		}, func(t *testing.T, o outcome) {
			wantChunked(t, o.Responses[0])
			if got := o.Responses[0].Trailer.Get("X-Sum"); got != "5" {
				t.Errorf("trailer X-Sum = %q, want 5", got)
			}
		}},
		{"trailer by prefix", "GET", func(w http.ResponseWriter, r *http.Request) {
			io.WriteString(w, "hello")
			flush(w)
			w.Header().Set(http.TrailerPrefix+"X-Late", "1")
		}, func(t *testing.T, o outcome) {
			if got := o.Responses[0].Trailer.Get("X-Late"); got != "1" {
				t.Errorf("trailer X-Late = %q, want 1", got)
			}
		}},
		{"header changed after WriteHeader", "GET", func(w http.ResponseWriter, r *http.Request) {
			// net/http sends the header as it was when WriteHeader
			// ran; later changes are not sent.
			w.Header().Set("X-Before", "1")
			w.WriteHeader(http.StatusOK)
			w.Header().Set("X-After", "1")
			w.Header().Set("Content-Type", "text/html")
			io.WriteString(w, "x")
		}, func(t *testing.T, o outcome) {
			if h := o.Responses[0].Header; h.Get("X-Before") != "1" || h.Get("X-After") != "" {
				t.Errorf("header %v, want X-Before and no X-After", h)
			}
		}},
		{"value changed in place after WriteHeader", "GET", func(w http.ResponseWriter, r *http.Request) {
			h := w.Header()
			h["X-A"] = []string{"1", "2"}
			w.WriteHeader(http.StatusOK)
			h["X-A"][1] = "changed"
			io.WriteString(w, "x")
		}, nil},
		{"value added after WriteHeader", "GET", func(w http.ResponseWriter, r *http.Request) {
			h := w.Header()
			h["X-A"] = make([]string, 1, 4)
			h["X-A"][0] = "1"
			w.WriteHeader(http.StatusOK)
			h.Add("X-A", "2")
			io.WriteString(w, "x")
		}, nil},
		{"field deleted after WriteHeader", "GET", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("X-A", "1")
			w.Header().Set("Content-Type", "text/plain")
			w.WriteHeader(http.StatusOK)
			w.Header().Del("X-A")
			w.Header().Del("Content-Type")
			io.WriteString(w, "<html>x")
		}, nil},
		{"field swapped after WriteHeader", "GET", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("X-A", "1")
			w.WriteHeader(http.StatusOK)
			w.Header().Del("X-A")
			w.Header().Set("X-B", "1")
			io.WriteString(w, "x")
		}, nil},
		{"nil value set after WriteHeader", "GET", func(w http.ResponseWriter, r *http.Request) {
			w.Header()["X-Nil"] = nil
			w.Header()["Content-Type"] = nil
			w.WriteHeader(http.StatusOK)
			w.Header()["X-Nil"] = []string{"v"}
			w.Header()["Content-Type"] = []string{"text/plain"}
			io.WriteString(w, "<html>x")
			flush(w)
		}, nil},
		{"framing set after WriteHeader", "GET", func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(http.StatusOK)
			w.Header().Set("Content-Length", "1")
			w.Header().Set("Transfer-Encoding", "identity")
			w.Header().Set("Connection", "close")
			w.Header().Set("Trailer", "X-T")
			io.WriteString(w, "x")
			flush(w)
		}, func(t *testing.T, o outcome) { wantChunked(t, o.Responses[0]) }},
		{"Content-Encoding without a type", "GET", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Encoding", "gzip")
			io.WriteString(w, "<html>x")
		}, nil},
		{"empty Content-Encoding", "GET", func(w http.ResponseWriter, r *http.Request) {
			w.Header()["Content-Encoding"] = []string{}
			io.WriteString(w, "<html>x")
		}, nil},
		{"declared trailers in lists", "GET", func(w http.ResponseWriter, r *http.Request) {
			w.Header()["Trailer"] = []string{"x-one, X-Two", " ,x-three"}
			io.WriteString(w, "x")
			flush(w)
			w.Header().Set("X-One", "1")
			w.Header().Set("X-Two", "2")
			w.Header().Set("X-Three", "3")
		}, nil},
		{"prefixed and declared trailers", "GET", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Trailer", "X-Sum")
			w.Header().Set(http.TrailerPrefix+"X-Early", "e")
			io.WriteString(w, "x")
			w.Header().Set("X-Sum", "s")
			w.Header().Set(http.TrailerPrefix+"X-Late", "l")
		}, nil},
		{"prefixed trailer only, set early", "GET", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set(http.TrailerPrefix+"X-Only", "1")
			io.WriteString(w, "x")
		}, nil},
		{"Content-Length and chunked", "GET", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Length", "1")
			w.Header().Set("Transfer-Encoding", "chunked")
			io.WriteString(w, "x")
		}, nil},
		{"Content-Length and identity", "GET", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Length", "1")
			w.Header().Set("Transfer-Encoding", "identity")
			io.WriteString(w, "x")
		}, nil},
		{"304 with framing fields", "GET", func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == "/next" {
				return
			}
			w.Header().Set("Content-Type", "text/plain")
			w.Header().Set("Transfer-Encoding", "chunked")
			w.Header().Set("Connection", "keep-alive")
			w.WriteHeader(http.StatusNotModified)
		}, nil},
		{"handler Connection value", "GET", func(w http.ResponseWriter, r *http.Request) {
			w.Header()["Connection"] = []string{"Close"}
			io.WriteString(w, "x")
		}, nil},
		{"same header after WriteHeader", "GET", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("X-A", "1")
			w.Header()["X-Nil"] = nil
			w.WriteHeader(http.StatusOK)
			w.Header().Set("X-A", "1")
			w.Header()["X-Nil"] = nil
			io.WriteString(w, "x")
		}, nil},
		{"header changed after first Write", "GET", func(w http.ResponseWriter, r *http.Request) {
			io.WriteString(w, "x")
			w.Header().Set("X-After", "1")
		}, nil},
		{"handler sets Connection close", "GET", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Connection", "close")
			io.WriteString(w, "bye")
		}, func(t *testing.T, o outcome) { wantResponses(t, o, 1, true) }},
		{"204", "GET", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/plain")
			w.Header().Set("Content-Length", "5")
			w.WriteHeader(http.StatusNoContent)
			io.WriteString(w, "hello")
		}, func(t *testing.T, o outcome) {
			wantResponses(t, o, 2, false)
			if r := o.Responses[0]; r.TransferEncoding != nil || r.Header.Get("Content-Length") != "" {
				t.Errorf("204 has te=%q Content-Length=%q, want neither", r.TransferEncoding, r.Header.Get("Content-Length"))
			}
		}},
		{"304", "GET", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/plain")
			w.Header().Set("Content-Length", "5")
			w.Header().Set("ETag", `"x"`)
			w.WriteHeader(http.StatusNotModified)
			io.WriteString(w, "hello")
		}, func(t *testing.T, o outcome) { wantResponses(t, o, 2, false) }},
		{"HEAD small body", "HEAD", func(w http.ResponseWriter, r *http.Request) {
			io.WriteString(w, "hello")
		}, func(t *testing.T, o outcome) {
			wantLength(t, o.Responses[0], "5")
			wantResponses(t, o, 2, false)
		}},
		{"HEAD with length", "HEAD", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Length", "100")
		}, func(t *testing.T, o outcome) { wantLength(t, o.Responses[0], "100") }},
		{"HEAD without body", "HEAD", func(w http.ResponseWriter, r *http.Request) {
			// net/http sends no Content-Length here: it cannot tell
			// an empty body from a handler that skipped it for HEAD.
			w.Header().Set("Content-Type", "text/plain")
		}, nil},
		{"HEAD large body", "HEAD", func(w http.ResponseWriter, r *http.Request) {
			io.WriteString(w, big)
		}, func(t *testing.T, o outcome) { wantResponses(t, o, 2, false) }},
		{"HEAD flushed", "HEAD", func(w http.ResponseWriter, r *http.Request) {
			io.WriteString(w, "hello")
			flush(w)
		}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			raw := get(tc.method, "/") + get("GET", "/next")
			std, ours := agree(t, withNext(tc.handler), opts{}, func(t *testing.T, tg *target) outcome {
				return exchange(t, tg.addr, raw, tc.method, "GET")
			})
			if tc.check != nil {
				for _, o := range []outcome{std, ours} {
					if len(o.Responses) == 0 {
						t.Errorf("no response:%v", o)
						continue
					}
					tc.check(t, o)
				}
			}
		})
	}
}

// TestServer_WriteErrors checks the errors ResponseWriter.Write returns
// where a body is not allowed or overruns the declared length.
func TestServer_WriteErrors(t *testing.T) {
	t.Parallel()
	forEach(t, func(t *testing.T, im impl) {
		type result struct {
			n   int
			err error
		}
		results := make(chan result, 1)
		h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			switch r.URL.Path {
			case "/204":
				w.WriteHeader(http.StatusNoContent)
			case "/304":
				w.WriteHeader(http.StatusNotModified)
			case "/length":
				w.Header().Set("Content-Length", "3")
			}
			n, err := io.WriteString(w, "hello")
			results <- result{n, err}
		})
		tg := mustStart(t, im, h, opts{})
		tests := []struct {
			method, path string
			wantN        int
			wantErr      error
		}{
			{"GET", "/204", 0, http.ErrBodyNotAllowed},
			{"GET", "/304", 0, http.ErrBodyNotAllowed},
			{"GET", "/length", 0, http.ErrContentLength},
			{"HEAD", "/head", 5, nil},
		}
		for _, tc := range tests {
			c := mustDial(t, tg.addr)
			mustWrite(t, c, get(tc.method, tc.path))
			readOne(t, bufio.NewReader(c), tc.method)
			got := recv(t, results, time.Second, tc.path)
			if got.n != tc.wantN || !errors.Is(got.err, tc.wantErr) {
				t.Errorf("%s %s: Write = %d, %v; want %d, %v", tc.method, tc.path, got.n, got.err, tc.wantN, tc.wantErr)
			}
		}
	})
}

// TestServer_HTTP10 checks responses to HTTP/1.0 clients, which cannot
// read chunked encoding: a body of unknown length is delimited by closing
// the connection, and only "Connection: keep-alive" with a known length
// keeps it open. It also checks that "Connection: close" from an HTTP/1.1
// client is honoured.
func TestServer_HTTP10(t *testing.T) {
	t.Parallel()
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		switch r.URL.Path {
		case "/flush":
			io.WriteString(w, "hello ")
			flush(w)
			io.WriteString(w, "world")
		case "/te":
			w.Header().Set("Transfer-Encoding", "chunked")
			io.WriteString(w, "hello")
		case "/204":
			w.WriteHeader(http.StatusNoContent)
		case "/large":
			io.WriteString(w, strings.Repeat("b", 8<<10))
		default:
			io.WriteString(w, "hello")
		}
	})
	get10 := func(path, headers string) string {
		return "GET " + path + " HTTP/1.0\r\n" + headers + "\r\n"
	}
	const ka = "Connection: keep-alive\r\n"
	tests := []struct {
		name      string
		raw       string
		methods   []string
		responses int
		closed    bool
	}{
		{"small body", get10("/", ""), []string{"GET"}, 1, true},
		{"flushed body", get10("/flush", ""), []string{"GET"}, 1, true},
		{"large body", get10("/large", ""), []string{"GET"}, 1, true},
		{"handler sets chunked", get10("/te", ""), []string{"GET"}, 1, true},
		{"keep-alive small body", get10("/", ka) + get10("/", ka), []string{"GET", "GET"}, 2, false},
		{"keep-alive then no keep-alive", get10("/", ka) + get10("/", ""), []string{"GET", "GET"}, 2, true},
		{"keep-alive flushed body", get10("/flush", ka) + get10("/", ka), []string{"GET", "GET"}, 1, true},
		{"keep-alive large body", get10("/large", ka) + get10("/", ka), []string{"GET", "GET"}, 1, true},
		{"keep-alive 204", get10("/204", ka) + get10("/", ka), []string{"GET", "GET"}, 2, false},
		{"keep-alive HEAD", "HEAD /large HTTP/1.0\r\n" + ka + "\r\n" + get10("/", ka), []string{"HEAD", "GET"}, 2, false},
		{"HTTP/1.1 Connection close", "GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n" + get("GET", "/"), []string{"GET", "GET"}, 1, true},
		{"HTTP/1.1 Connection close in a list", "GET /flush HTTP/1.1\r\nHost: a\r\nConnection: foo, Close\r\n\r\n" + get("GET", "/"), []string{"GET", "GET"}, 1, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			std, ours := agree(t, h, opts{}, func(t *testing.T, tg *target) outcome {
				return exchange(t, tg.addr, tc.raw, tc.methods...)
			})
			for _, o := range []outcome{std, ours} {
				wantResponses(t, o, tc.responses, tc.closed)
				for _, r := range o.Responses {
					if r.TransferEncoding != nil && strings.Contains(tc.raw, "HTTP/1.0") {
						t.Errorf("HTTP/1.0 client got te=%q", r.TransferEncoding)
					}
				}
				// http.ReadResponse moves "Connection: close" into
				// Response.Close.
				if tc.closed && strings.Contains(tc.raw, "HTTP/1.1") && len(o.Responses) > 0 && !o.Responses[0].Close {
					t.Errorf("response lacks Connection: close")
				}
			}
		})
	}
}

// echoBody answers with what the handler saw of the request body. On
// /flush-first it sends the header before reading: net/http then settles
// the body (discards it) first, so the read fails.
func echoBody(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == "/flush-first" {
		flush(w)
	}
	b, err := io.ReadAll(r.Body)
	fmt.Fprintf(w, "%s %s cl=%d te=%q body=%q err=%v trailer=%v", r.Method, r.URL.Path, r.ContentLength, r.TransferEncoding, b, err != nil, r.Trailer)
}

// TestServer_RequestBody checks that handlers read request bodies exactly,
// whether delimited by Content-Length or by chunked encoding, and that the
// request after the body is parsed from the right place.
func TestServer_RequestBody(t *testing.T) {
	t.Parallel()
	post := func(headers, body string) string {
		return "POST /body HTTP/1.1\r\nHost: example.com\r\n" + headers + "\r\n" + body
	}
	next := get("GET", "/next")
	tests := []struct {
		name string
		raw  string
	}{
		{"content-length", post("Content-Length: 11\r\n", "hello world") + next},
		{"content-length zero", post("Content-Length: 0\r\n", "") + next},
		{"content-length padded", post("content-length: \t011 \r\n", "hello world") + next},
		{"content-length beyond the body sent", post("Content-Length: 4\r\n", "hello world") + next},
		{"content-length twice", post("Content-Length: 5\r\nContent-Length: 5\r\n", "hello") + next},
		{"no length", post("", "") + next},
		{"GET with body", "GET /body HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n\r\nabc" + next},
		{"chunked", post("Transfer-Encoding: chunked\r\n", "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n") + next},
		{"chunked with extensions", post("Transfer-Encoding: chunked\r\n", "5;a=b\r\nhello\r\nA; x\r\n0123456789\r\n0\r\n\r\n") + next},
		{"chunked with trailer", post("Transfer-Encoding: chunked\r\nTrailer: X-Sum\r\n", "3\r\nabc\r\n0\r\nX-Sum: 3\r\n\r\n") + next},
		{"chunked binary", post("Transfer-Encoding: chunked\r\n", "4\r\n\x00\r\n\xff\r\n0\r\n\r\n") + next},
		{"bad chunk size", post("Transfer-Encoding: chunked\r\n", "zz\r\nhello\r\n0\r\n\r\n") + next},
		{"HTTP/1.0 with length", "POST /body HTTP/1.0\r\nContent-Length: 5\r\n\r\nhello"},
		{"read after flush", "POST /flush-first HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhello" + next},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			agree(t, withNext(echoBody), opts{}, func(t *testing.T, tg *target) outcome {
				return exchange(t, tg.addr, tc.raw, "POST", "GET")
			})
		})
	}
}

// TestServer_ExpectContinue checks "Expect: 100-continue" (RFC 9110
// §10.1.1): the interim response is sent when, and only when, the handler
// reads the body.
func TestServer_ExpectContinue(t *testing.T) {
	t.Parallel()
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/ignore" {
			io.WriteString(w, "ignored")
			return
		}
		// Waiting first lets the client check that nothing, in
		// particular no 100 Continue, arrives before the handler reads.
		time.Sleep(200 * time.Millisecond)
		b, _ := io.ReadAll(r.Body)
		fmt.Fprintf(w, "read %q", b)
	})
	const head = " HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n"
	t.Run("handler reads", func(t *testing.T) {
		t.Parallel()
		forEach(t, func(t *testing.T, im impl) {
			tg := mustStart(t, im, h, opts{})
			c := mustDial(t, tg.addr)
			br := bufio.NewReader(c)
			mustWrite(t, c, "POST /read"+head)
			c.SetReadDeadline(time.Now().Add(100 * time.Millisecond))
			if b, err := br.Peek(1); err == nil {
				t.Errorf("server sent %q before the handler read the body", b)
			}
			c.SetReadDeadline(time.Now().Add(connDeadline))
			resp, err := http.ReadResponse(br, nil)
			if err != nil {
				t.Fatalf("read interim response: %v", err)
			}
			if resp.StatusCode != http.StatusContinue {
				t.Fatalf("first response %q, want 100 Continue", resp.Status)
			}
			mustWrite(t, c, "hello")
			o := readOutcome(c, br, "POST")
			if len(o.Responses) != 1 || o.Responses[0].Body != `read "hello"` || o.Closed {
				t.Errorf("after 100 Continue, got:%v\nwant one response with the body and the connection open", o)
			}
		})
	})
	t.Run("handler ignores body", func(t *testing.T) {
		t.Parallel()
		agree(t, h, opts{}, func(t *testing.T, tg *target) []clientResponse {
			o := exchange(t, tg.addr, "POST /ignore"+head, "POST")
			if len(o.Responses) == 1 && o.Responses[0].Status != "200 OK" {
				t.Errorf("%s: first response %q, want the final 200 with no 100 Continue", tg.name, o.Responses[0].Status)
			}
			// Only the response is compared: it says "Connection:
			// close", and net/http then waits for a body that never
			// comes while closing at once is as good.
			return o.Responses
		})
	})
}

// TestServer_UnreadBody checks what happens to a request body the handler
// does not read: a small one is discarded so the connection can serve the
// next request; a large one ends the connection after the response
// (net/http's limit is 256 KiB), and the client must still be able to read
// that response rather than see a reset.
// TestServer_AnswersBeforeAnUnsentBody: a handler that answers without
// reading a small body the client has not sent yet (a 413 for its
// Content-Length, a 404) is heard at once, as from Apache: the client may
// be waiting for the answer before it sends the body (net/http waits for
// the body first). The connection then closes.
func TestServer_AnswersBeforeAnUnsentBody(t *testing.T) {
	t.Parallel()
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "too large", http.StatusRequestEntityTooLarge)
	})
	tg := mustStart(t, impls[1], h, opts{})
	c := mustDial(t, tg.addr)
	mustWrite(t, c, "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5000\r\n\r\n")
	c.SetReadDeadline(time.Now().Add(2 * time.Second))
	o := readOutcome(c, bufio.NewReader(c), "POST")
	if len(o.Responses) != 1 || !strings.HasPrefix(o.Responses[0].Status, "413") || !o.Responses[0].Close {
		t.Errorf("answer to a request whose body was not sent: %v, want one 413 that closes", o)
	}
}

// bodyRead is what a handler's read of a request body got.
type bodyRead struct {
	n   int
	err error
}

// mustServeBodyBound serves h with a Server that bounds bodies as
// TestServer_SlowBodyBound says (BodyWait 300 ms, then 10 kB/s) on a
// loopback port, closed in Cleanup, and returns its address.
func mustServeBodyBound(t *testing.T, h http.Handler) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &Server{Handler: h, ReadTimeout: 30 * time.Second, BodyWait: 300 * time.Millisecond, BodyMinRate: 10000}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return ln.Addr().String()
}

// TestServer_SlowBodyBound: with BodyWait and BodyMinRate, a body that
// arrives slower than the rate fails its read with a timeout long before
// ReadTimeout, while one that keeps the rate may take longer than
// BodyWait.
func TestServer_SlowBodyBound(t *testing.T) {
	t.Parallel()
	got := make(chan bodyRead, 2)
	addr := mustServeBodyBound(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, err := io.ReadAll(r.Body)
		got <- bodyRead{len(b), err}
		if err != nil {
			w.WriteHeader(http.StatusRequestTimeout)
		}
	}))
	send := func(chunk string, every time.Duration, times int) {
		c := mustDial(t, addr)
		mustWrite(t, c, fmt.Sprintf("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: %d\r\n\r\n", len(chunk)*times))
		for i := 0; i < times; i++ {
			if _, err := io.WriteString(c, chunk); err != nil {
				return // the server gave up
			}
			time.Sleep(every)
		}
	}
	// 10 bytes every 100 ms: 100 B/s, far under 10 kB/s.
	start := time.Now()
	go send("0123456789", 100*time.Millisecond, 50)
	r := <-got
	if ne, ok := r.err.(net.Error); !ok || !ne.Timeout() {
		t.Errorf("a dribbled body: read %d bytes, error %v; want a timeout", r.n, r.err)
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("a dribbled body failed after %v, want about BodyWait (300 ms)", d)
	}
	// 2 kB every 100 ms (20 kB/s) for 1 s: past BodyWait, within the rate.
	go send(strings.Repeat("x", 2000), 100*time.Millisecond, 10)
	if r := <-got; r.err != nil || r.n != 20000 {
		t.Errorf("a body at 20 kB/s: read %d bytes, error %v; want all 20000", r.n, r.err)
	}
}

// TestServer_ReadDeadlineFromAnotherGoroutineStopsBody: a read deadline
// in the past that another goroutine sets while the handler reads a body
// still arriving (the gateway at the end of its shutdown's grace) ends
// the body's reads, although each read sets BodyWait's own deadline: set
// between two reads, it used to be undone by the next one, and the body
// went on being read.
func TestServer_ReadDeadlineFromAnotherGoroutineStopsBody(t *testing.T) {
	t.Parallel()
	got := make(chan bodyRead, 1)
	stopAt := make(chan time.Time, 1)
	addr := mustServeBodyBound(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rc := http.NewResponseController(w)
		time.AfterFunc(200*time.Millisecond, func() {
			stopAt <- time.Now()
			rc.SetReadDeadline(time.Unix(1, 0))
		})
		n, err := io.Copy(io.Discard, r.Body)
		got <- bodyRead{int(n), err}
		w.WriteHeader(http.StatusServiceUnavailable)
	}))
	const size = 1 << 40
	c := mustDial(t, addr)
	mustWrite(t, c, fmt.Sprintf("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: %d\r\n\r\n", size))
	go func() { // as fast as the server reads: its reads seldom wait
		chunk := strings.Repeat("x", 64<<10)
		for {
			if _, err := io.WriteString(c, chunk); err != nil {
				return // the server gave up
			}
		}
	}()
	select {
	case r := <-got:
		stop := <-stopAt
		if ne, ok := r.err.(net.Error); !ok || !ne.Timeout() || r.n >= size {
			t.Errorf("body read %d bytes of %d, error %v; want a timeout once the deadline is past", r.n, size, r.err)
		}
		if d := time.Since(stop); d > 2*time.Second {
			t.Errorf("the body's reads ended %v after the past deadline, want at once", d)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the handler still reads 10s after a past read deadline")
	}
}

func TestServer_UnreadBody(t *testing.T) {
	t.Parallel()
	h := withNext(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "ignored")
	})
	t.Run("small", func(t *testing.T) {
		t.Parallel()
		raw := "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 100\r\n\r\n" + strings.Repeat("x", 100) +
			"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n64\r\n" + strings.Repeat("y", 100) + "\r\n0\r\n\r\n" +
			get("GET", "/next")
		std, _ := agree(t, h, opts{}, func(t *testing.T, tg *target) outcome {
			return exchange(t, tg.addr, raw, "POST", "POST", "GET")
		})
		wantResponses(t, std, 3, false)
	})
	const largeHead = "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1048576\r\n\r\n"
	t.Run("large", func(t *testing.T) {
		t.Parallel()
		// The client declares 1 MiB, sends 64 KiB of it and then reads,
		// as a client that got its answer early would. The declared
		// length is enough to know the body is too large to discard.
		raw := largeHead + strings.Repeat("x", 64<<10)
		std, _ := agree(t, h, opts{}, func(t *testing.T, tg *target) outcome {
			return exchange(t, tg.addr, raw, "POST")
		})
		wantResponses(t, std, 1, true)
	})
	t.Run("large sent in full", func(t *testing.T) {
		t.Parallel()
		// The client sends all of the body while reading. The server
		// closes with body still arriving; it must do so in a way
		// that does not reset the connection before the client has
		// read the answer (net/http half-closes and lingers).
		std, _ := agree(t, h, opts{}, func(t *testing.T, tg *target) outcome {
			c := mustDial(t, tg.addr)
			go io.WriteString(c, largeHead+strings.Repeat("x", 1<<20))
			return readOutcome(c, bufio.NewReader(c), "POST")
		})
		wantResponses(t, std, 1, true)
	})
}

// TestServer_BadRequest checks that malformed or unsupported requests get
// net/http's status code and a closed connection, and that large but legal
// header blocks are accepted.
func TestServer_BadRequest(t *testing.T) {
	t.Parallel()
	bigHeader := func(n int) string {
		return "GET / HTTP/1.1\r\nHost: a\r\nX-Big: " + strings.Repeat("z", n) + "\r\n\r\n"
	}
	tests := []struct {
		name           string
		raw            string
		maxHeaderBytes int
		want           int
	}{
		{"garbage request line", "GARBAGE\r\n\r\n", 0, 400},
		{"bad method", "G(T / HTTP/1.1\r\nHost: a\r\n\r\n", 0, 400},
		{"missing host", "GET / HTTP/1.1\r\n\r\n", 0, 400},
		{"missing host, absolute form", "GET http://evil.example/ HTTP/1.1\r\n\r\n", 0, 400},
		{"two hosts", "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 0, 400},
		{"header without colon", "GET / HTTP/1.1\r\nHost: a\r\nNoColon\r\n\r\n", 0, 400},
		{"space before colon", "GET / HTTP/1.1\r\nHost: a\r\nX-Bad : 1\r\n\r\n", 0, 400},
		{"conflicting content-length", "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab", 0, 400},
		{"negative content-length", "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: -1\r\n\r\n", 0, 400},
		{"non-numeric content-length", "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1x\r\n\r\n", 0, 400},
		{"gzip transfer-encoding", "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip\r\n\r\n", 0, 501},
		{"unknown expectation", "POST / HTTP/1.1\r\nHost: a\r\nExpect: bogus\r\nContent-Length: 1\r\n\r\nx", 0, 417},
		{"unsupported version", "GET / HTTP/2.0\r\nHost: a\r\n\r\n", 0, 505},
		{"control character in header value", "GET / HTTP/1.1\r\nHost: a\r\nX-A: a\x01b\r\n\r\n", 0, 400},
		{"control character in request target", "GET /x?a\x01 HTTP/1.1\r\nHost: a\r\n\r\n", 0, 400},
		{"DEL in request target", "GET /x?a\x7f HTTP/1.1\r\nHost: a\r\n\r\n", 0, 400},
		{"encoded hash in request target", "GET /x?a%23b HTTP/1.1\r\nHost: a\r\n\r\n", 0, 200},
		{"empty host", "GET / HTTP/1.0\r\nHost:\r\n\r\n", 0, 200},
		{"HTTP/1.0 expecting 100-continue", "POST / HTTP/1.0\r\nExpect: 100-continue\r\nContent-Length: 1\r\n\r\nx", 0, 200},
		{"100-continue in capitals", "POST / HTTP/1.1\r\nHost: a\r\nExpect: 100-Continue\r\nContent-Length: 1\r\n\r\nx", 0, 200},
		{"header over limit", bigHeader(64 << 10), 4096, 431},
		{"header over default limit", bigHeader(3 << 19), 0, 431},
		{"header under limit", bigHeader(3000), 4096, 200},
		{"header under default limit", bigHeader(512 << 10), 0, 200},
	}
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "ok") })
	type result struct {
		Status int
		Err    string
		Closed bool
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			agree(t, h, opts{maxHeaderBytes: tc.maxHeaderBytes}, func(t *testing.T, tg *target) result {
				c := mustDial(t, tg.addr)
				// Write from another goroutine: a server that
				// rejects a huge header stops reading, and the
				// client must still be able to read the answer.
				go io.WriteString(c, tc.raw)
				br := bufio.NewReader(c)
				var res result
				resp, err := http.ReadResponse(br, nil)
				if err != nil {
					res.Err = errClass(err)
				} else {
					res.Status = resp.StatusCode
					io.Copy(io.Discard, resp.Body)
				}
				if tc.want >= 400 {
					res.Closed, _ = probeClosed(c, br)
				}
				if res.Status != tc.want {
					t.Errorf("%s: status %d (read error %q), want %d", tg.name, res.Status, res.Err, tc.want)
				}
				if tc.want >= 400 && !res.Closed {
					t.Errorf("%s: connection left open after %d", tg.name, res.Status)
				}
				return res
			})
		})
	}
}

// TestServer_Flush checks that a flush puts what was written so far on the
// wire while the handler is still running.
func TestServer_Flush(t *testing.T) {
	t.Parallel()
	forEach(t, func(t *testing.T, im impl) {
		release := make(chan struct{})
		h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			// Handlers such as httputil.ReverseProxy find these
			// by type assertion, not through ResponseController.
			_, flusher := w.(http.Flusher)
			_, hijacker := w.(http.Hijacker)
			fmt.Fprintf(w, "flusher=%v hijacker=%v;", flusher, hijacker)
			if err := http.NewResponseController(w).Flush(); err != nil {
				fmt.Fprintf(w, "flush error %v", err)
			}
			<-release
			io.WriteString(w, "rest")
		})
		tg := mustStart(t, im, h, opts{})
		c := mustDial(t, tg.addr)
		mustWrite(t, c, get("GET", "/"))
		c.SetReadDeadline(time.Now().Add(2 * time.Second))
		resp, err := http.ReadResponse(bufio.NewReader(c), nil)
		if err != nil {
			close(release)
			t.Fatalf("read header before release: %v", err)
		}
		const first = "flusher=true hijacker=true;"
		buf := make([]byte, len(first))
		_, err = io.ReadFull(resp.Body, buf)
		close(release)
		if err != nil || string(buf) != first {
			t.Fatalf("read %q, %v before release; want %q", buf, err, first)
		}
		rest, err := io.ReadAll(resp.Body)
		if err != nil || string(rest) != "rest" {
			t.Errorf("rest of body = %q, %v; want %q", rest, err, "rest")
		}
	})
}

// TestServer_Hijack checks that a hijacking handler owns the raw
// connection, including bytes the client sent after the request that the
// server had already read, and that the server writes nothing itself. In
// the "late" case the client sends those bytes while a slow handler runs,
// when the server may be reading the connection to notice a disconnect.
func TestServer_Hijack(t *testing.T) {
	t.Parallel()
	for _, late := range []bool{false, true} {
		t.Run(fmt.Sprintf("late=%v", late), func(t *testing.T) {
			t.Parallel()
			testHijack(t, late)
		})
	}
}

func testHijack(t *testing.T, late bool) {
	forEach(t, func(t *testing.T, im impl) {
		h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if late {
				time.Sleep(400 * time.Millisecond)
			}
			conn, brw, err := http.NewResponseController(w).Hijack()
			if err != nil {
				http.Error(w, err.Error(), 500)
				return
			}
			defer conn.Close()
			conn.SetDeadline(time.Now().Add(connDeadline))
			buf := make([]byte, 4)
			if _, err := io.ReadFull(brw, buf); err != nil {
				fmt.Fprintf(conn, "read error %v", err)
				return
			}
			brw.WriteString("hijacked " + conn.RemoteAddr().String() + " ")
			brw.Flush()
			conn.Write(buf)
		})
		tg := mustStart(t, im, h, opts{})
		c := mustDial(t, tg.addr)
		if late {
			mustWrite(t, c, get("GET", "/"))
			time.Sleep(200 * time.Millisecond)
			mustWrite(t, c, "ping")
		} else {
			mustWrite(t, c, get("GET", "/")+"ping")
		}
		got, err := io.ReadAll(c)
		if err != nil {
			t.Fatalf("read: %v", err)
		}
		if want := "hijacked " + c.LocalAddr().String() + " ping"; string(got) != want {
			t.Errorf("client read %q, want %q", got, want)
		}
	})
}

// TestServer_PipelinedDuringHandler sends the next request while a slow
// handler runs, when the server may be reading the connection to notice a
// disconnect: the bytes it reads then must not be lost, and the arriving
// request must not cancel the running one.
func TestServer_PipelinedDuringHandler(t *testing.T) {
	t.Parallel()
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		if r.URL.Path == "/slow" {
			select {
			case <-r.Context().Done():
			case <-time.After(400 * time.Millisecond):
			}
		}
		fmt.Fprintf(w, "%s %q ctx.Err()=%v", r.URL.Path, b, r.Context().Err())
	})
	forEach(t, func(t *testing.T, im impl) {
		tg := mustStart(t, im, h, opts{})
		c := mustDial(t, tg.addr)
		br := bufio.NewReader(c)
		mustWrite(t, c, "POST /slow HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\n\r\nab")
		time.Sleep(200 * time.Millisecond)
		mustWrite(t, c, "POST /next HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\n\r\ncd")
		for _, want := range []string{`/slow "ab" ctx.Err()=<nil>`, `/next "cd" ctx.Err()=<nil>`} {
			if r := readOne(t, br, "POST"); r.Body != want {
				t.Errorf("body %q, want %q", r.Body, want)
			}
		}
	})
}

// TestServer_ClientDisconnect checks that the request context is cancelled
// when the client closes its connection, so a handler can stop work (C10
// allows one second). Like net/http, the server can only notice once the
// request body has been read to its end.
func TestServer_ClientDisconnect(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		raw  string
	}{
		{"GET", get("GET", "/")},
		{"POST with length", "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhello"},
		{"POST chunked", "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			forEach(t, func(t *testing.T, im impl) {
				h, started, released := untilGone()
				tg := mustStart(t, im, h, opts{})
				c := mustDial(t, tg.addr)
				mustWrite(t, c, tc.raw)
				recv(t, started, time.Second, "handler start")
				c.Close()
				start := time.Now()
				err := recv(t, released, 4*time.Second, "handler release")
				if err == nil || time.Since(start) > time.Second {
					t.Errorf("handler released after %v with ctx.Err() = %v, want cancelled within 1s", time.Since(start), err)
				}
			})
		})
	}
}

// untilGone returns a handler that reads its request's body, says so on
// started, and then waits for the request's context to end (its error on
// released) or 3 s to pass (nil on released).
func untilGone() (h http.Handler, started chan struct{}, released chan error) {
	started, released = make(chan struct{}, 1), make(chan error, 1)
	h = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.ReadAll(r.Body)
		started <- struct{}{}
		select {
		case <-r.Context().Done():
			released <- r.Context().Err()
		case <-time.After(3 * time.Second):
			released <- nil
		}
	})
	return h, started, released
}

// TestServer_Concurrent runs many keep-alive connections at once, for the
// race detector and for buffer reuse between connections: every client
// must get back exactly its own bodies.
func TestServer_Concurrent(t *testing.T) {
	t.Parallel()
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		if r.URL.Query().Get("flush") != "" {
			flush(w)
		}
		w.Write(b)
	})
	forEach(t, func(t *testing.T, im impl) {
		tg := mustStart(t, im, h, opts{})
		const clients, requests = 16, 20
		errs := make(chan error, clients)
		var wg sync.WaitGroup
		for i := range clients {
			wg.Go(func() {
				c, err := net.Dial("tcp", tg.addr)
				if err != nil {
					errs <- err
					return
				}
				defer c.Close()
				c.SetDeadline(time.Now().Add(connDeadline))
				br := bufio.NewReader(c)
				for j := range requests {
					body := strings.Repeat(fmt.Sprintf("<%d.%d>", i, j), 1+j*50)
					fmt.Fprintf(c, "POST /?flush=%s HTTP/1.1\r\nHost: a\r\nContent-Length: %d\r\n\r\n%s", strings.Repeat("1", j%2), len(body), body)
					resp, err := http.ReadResponse(br, nil)
					if err != nil {
						errs <- fmt.Errorf("client %d request %d: %w", i, j, err)
						return
					}
					got, err := io.ReadAll(resp.Body)
					if err != nil || string(got) != body {
						errs <- fmt.Errorf("client %d request %d: body of %d bytes (%v), want %d", i, j, len(got), err, len(body))
						return
					}
				}
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Error(err)
		}
	})
}

// TestServer_ContextAliveWhileConnected checks that the request context is
// not cancelled while the client waits, nor when the client pipelines the
// next request behind the current one.
func TestServer_ContextAliveWhileConnected(t *testing.T) {
	t.Parallel()
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		wait := 300 * time.Millisecond
		if r.URL.Path == "/long" {
			wait = 1500 * time.Millisecond
		}
		select {
		case <-r.Context().Done():
		case <-time.After(wait):
		}
		fmt.Fprintf(w, "ctx.Err()=%v", r.Context().Err())
	})
	t.Run("waiting", func(t *testing.T) {
		t.Parallel()
		forEach(t, func(t *testing.T, im impl) {
			tg := mustStart(t, im, h, opts{})
			c := mustDial(t, tg.addr)
			mustWrite(t, c, get("GET", "/long"))
			if r := readOne(t, bufio.NewReader(c), "GET"); r.Body != "ctx.Err()=<nil>" {
				t.Errorf("handler saw %q, want ctx.Err()=<nil>", r.Body)
			}
		})
	})
	t.Run("pipelined", func(t *testing.T) {
		t.Parallel()
		forEach(t, func(t *testing.T, im impl) {
			tg := mustStart(t, im, h, opts{})
			c := mustDial(t, tg.addr)
			mustWrite(t, c, get("GET", "/1")+get("GET", "/2"))
			br := bufio.NewReader(c)
			for i := range 2 {
				if r := readOne(t, br, "GET"); r.Body != "ctx.Err()=<nil>" {
					t.Errorf("request %d: handler saw %q, want ctx.Err()=<nil>", i+1, r.Body)
				}
			}
		})
	})
}

// TestServer_PanicAbortHandler checks that panic(http.ErrAbortHandler)
// after part of a chunked body has been sent leaves the client with a
// truncated body (no terminating chunk), so it cannot mistake the response
// for a complete one, and that the panic is not logged.
func TestServer_PanicAbortHandler(t *testing.T) {
	t.Parallel()
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "part")
		flush(w)
		panic(http.ErrAbortHandler)
	})
	forEach(t, func(t *testing.T, im impl) {
		tg := mustStart(t, im, h, opts{})
		c := mustDial(t, tg.addr)
		mustWrite(t, c, get("GET", "/"))
		raw, err := io.ReadAll(c)
		if err != nil && !errors.Is(err, syscall.ECONNRESET) {
			t.Fatalf("read: %v", err)
		}
		if !strings.Contains(string(raw), "part") || strings.HasSuffix(string(raw), "0\r\n\r\n") {
			t.Errorf("client read %q; want the flushed part and no terminating chunk", raw)
		}
		resp, err := http.ReadResponse(bufio.NewReader(strings.NewReader(string(raw))), nil)
		if err != nil {
			t.Fatalf("parse %q: %v", raw, err)
		}
		if _, err := io.ReadAll(resp.Body); !errors.Is(err, io.ErrUnexpectedEOF) {
			t.Errorf("body read error = %v, want %v", err, io.ErrUnexpectedEOF)
		}
		if logs := tg.logs.snapshot(); len(logs) > 0 {
			t.Errorf("ErrAbortHandler was logged: %q", logs)
		}
	})
}

// TestServer_Panic checks that another panic closes that connection, is
// reported to the error log, and does not stop the server.
func TestServer_Panic(t *testing.T) {
	t.Parallel()
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/before":
			panic("boom before writing")
		case "/buffered":
			// Nothing has reached the client yet, so the client
			// must not receive what looks like a complete answer.
			io.WriteString(w, "partial")
			panic("boom after buffering")
		case "/flushed":
			io.WriteString(w, "partial")
			flush(w)
			panic("boom after flushing")
		}
		io.WriteString(w, "ok")
	})
	for _, path := range []string{"/before", "/buffered", "/flushed"} {
		t.Run(path, func(t *testing.T) {
			t.Parallel()
			agree(t, h, opts{}, func(t *testing.T, tg *target) outcome {
				o := exchange(t, tg.addr, get("GET", path)+get("GET", "/next"), "GET", "GET")
				deadline := time.Now().Add(time.Second)
				for len(tg.logs.snapshot()) == 0 && time.Now().Before(deadline) {
					time.Sleep(10 * time.Millisecond)
				}
				if len(tg.logs.snapshot()) == 0 {
					t.Errorf("%s: panic not logged", tg.name)
				}
				if after := exchange(t, tg.addr, get("GET", "/ok"), "GET"); len(after.Responses) != 1 || after.Responses[0].Body != "ok" {
					t.Errorf("%s: after the panic, a new connection got:%v", tg.name, after)
				}
				return o
			})
		})
	}
}

// TestServer_ReadHeaderTimeout checks that a client that stalls inside its
// request header is disconnected, and that the timeout covers neither the
// handler nor the wait between keep-alive requests (net/http starts it at
// the first byte of a request).
func TestServer_ReadHeaderTimeout(t *testing.T) {
	t.Parallel()
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/slow" {
			time.Sleep(400 * time.Millisecond)
		}
		io.WriteString(w, "ok")
	})
	o := opts{readHeaderTimeout: 200 * time.Millisecond}
	t.Run("silent connection", func(t *testing.T) {
		t.Parallel()
		forEach(t, func(t *testing.T, im impl) {
			tg := mustStart(t, im, h, o)
			c := mustDial(t, tg.addr)
			waitClosed(t, c, c, time.Second)
		})
	})
	t.Run("stalled request line", func(t *testing.T) {
		t.Parallel()
		forEach(t, func(t *testing.T, im impl) {
			tg := mustStart(t, im, h, o)
			c := mustDial(t, tg.addr)
			mustWrite(t, c, "GET / HT")
			waitClosed(t, c, c, time.Second)
		})
	})
	t.Run("stalled header", func(t *testing.T) {
		t.Parallel()
		forEach(t, func(t *testing.T, im impl) {
			tg := mustStart(t, im, h, o)
			c := mustDial(t, tg.addr)
			br := bufio.NewReader(c)
			mustWrite(t, c, get("GET", "/"))
			readOne(t, br, "GET")
			mustWrite(t, c, "GET / HTTP/1.1\r\nHost: a\r\n")
			waitClosed(t, c, br, time.Second)
		})
	})
	t.Run("not while idle or in handler", func(t *testing.T) {
		t.Parallel()
		forEach(t, func(t *testing.T, im impl) {
			tg := mustStart(t, im, h, o)
			c := mustDial(t, tg.addr)
			br := bufio.NewReader(c)
			for i, path := range []string{"/slow", "/after-idle"} {
				if i > 0 {
					time.Sleep(400 * time.Millisecond)
				}
				mustWrite(t, c, get("GET", path))
				if r := readOne(t, br, "GET"); r.Body != "ok" || r.BodyErr != "" {
					t.Fatalf("%s: body %q, error %q; want ok", path, r.Body, r.BodyErr)
				}
			}
		})
	})
}

// TestServer_IdleTimeout checks that an idle keep-alive connection is
// closed once IdleTimeout passes, and not before a request sent within it.
func TestServer_IdleTimeout(t *testing.T) {
	t.Parallel()
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "ok") })
	forEach(t, func(t *testing.T, im impl) {
		tg := mustStart(t, im, h, opts{idleTimeout: 200 * time.Millisecond})
		c := mustDial(t, tg.addr)
		br := bufio.NewReader(c)
		for i := range 2 {
			if i > 0 {
				time.Sleep(100 * time.Millisecond)
			}
			mustWrite(t, c, get("GET", "/"))
			if r := readOne(t, br, "GET"); r.Body != "ok" || r.BodyErr != "" {
				t.Fatalf("request %d: body %q, error %q; want ok", i, r.Body, r.BodyErr)
			}
		}
		waitClosed(t, c, br, time.Second)
	})
}

// TestServer_ReadTimeout checks that a body that stops arriving fails the
// handler's read once ReadTimeout has passed since the request began.
func TestServer_ReadTimeout(t *testing.T) {
	t.Parallel()
	forEach(t, func(t *testing.T, im impl) {
		readErr := make(chan error, 1)
		h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			_, err := io.ReadAll(r.Body)
			readErr <- err
		})
		// Both timeouts are set so that the test does not depend on how
		// a server treats a zero ReadHeaderTimeout (both fall back to
		// ReadTimeout, net/http documents it).
		tg := mustStart(t, im, h, opts{readTimeout: 300 * time.Millisecond, readHeaderTimeout: 300 * time.Millisecond})
		c := mustDial(t, tg.addr)
		mustWrite(t, c, "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 10\r\n\r\nhello")
		start := time.Now()
		err := recv(t, readErr, 2*time.Second, "handler read")
		if err == nil || time.Since(start) > time.Second {
			t.Errorf("body read ended after %v with %v, want an error within 1s", time.Since(start), err)
		}
	})
}

// TestServer_Shutdown checks graceful shutdown: in-flight requests finish
// and are answered, idle connections are closed at once, Serve returns
// http.ErrServerClosed and the port stops accepting.
func TestServer_Shutdown(t *testing.T) {
	t.Parallel()
	forEach(t, func(t *testing.T, im impl) {
		started := make(chan struct{}, 1)
		var handlerDone atomic.Bool
		h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == "/slow" {
				started <- struct{}{}
				time.Sleep(300 * time.Millisecond)
				defer handlerDone.Store(true)
			}
			io.WriteString(w, "done "+r.URL.Path)
		})
		tg := mustStart(t, im, h, opts{})

		idle := mustDial(t, tg.addr)
		idleR := bufio.NewReader(idle)
		mustWrite(t, idle, get("GET", "/idle"))
		readOne(t, idleR, "GET")
		busy := mustDial(t, tg.addr)
		mustWrite(t, busy, get("GET", "/slow"))
		recv(t, started, time.Second, "slow handler start")

		shutdownErr := make(chan error, 1)
		go func() {
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			err := tg.srv.Shutdown(ctx)
			if !handlerDone.Load() {
				err = errors.New("returned before the in-flight handler finished")
			}
			shutdownErr <- err
		}()

		waitClosed(t, idle, idleR, time.Second)
		o := readOutcome(busy, bufio.NewReader(busy), "GET")
		if len(o.Responses) != 1 || o.Responses[0].Body != "done /slow" {
			t.Errorf("in-flight request got:%v", o)
		}
		if err := recv(t, shutdownErr, 2*time.Second, "Shutdown"); err != nil {
			t.Errorf("Shutdown: %v", err)
		}
		recv(t, tg.done, time.Second, "Serve return")
		if !errors.Is(tg.serveErr, http.ErrServerClosed) {
			t.Errorf("Serve = %v, want %v", tg.serveErr, http.ErrServerClosed)
		}
		if c, err := net.DialTimeout("tcp", tg.addr, time.Second); err == nil {
			c.Close()
			t.Errorf("dial after Shutdown succeeded")
		}
	})
}

// TestServer_ShutdownContext checks that Shutdown gives up when its context
// ends while a handler is still running.
func TestServer_ShutdownContext(t *testing.T) {
	t.Parallel()
	forEach(t, func(t *testing.T, im impl) {
		started := make(chan struct{}, 1)
		release := make(chan struct{})
		h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			started <- struct{}{}
			<-release
		})
		tg := mustStart(t, im, h, opts{})
		t.Cleanup(func() { close(release) })
		c := mustDial(t, tg.addr)
		mustWrite(t, c, get("GET", "/"))
		recv(t, started, time.Second, "handler start")
		ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
		defer cancel()
		start := time.Now()
		if err := tg.srv.Shutdown(ctx); !errors.Is(err, context.DeadlineExceeded) || time.Since(start) > time.Second {
			t.Errorf("Shutdown = %v after %v, want %v after about 100ms", err, time.Since(start), context.DeadlineExceeded)
		}
	})
}

// TestServer_Close checks that Close drops connections with requests in
// flight, cancels their contexts and makes Serve return.
func TestServer_Close(t *testing.T) {
	t.Parallel()
	forEach(t, func(t *testing.T, im impl) {
		started := make(chan struct{}, 1)
		released := make(chan struct{}, 1)
		h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			started <- struct{}{}
			select {
			case <-r.Context().Done():
				released <- struct{}{}
			case <-time.After(3 * time.Second):
			}
		})
		tg := mustStart(t, im, h, opts{})
		c := mustDial(t, tg.addr)
		mustWrite(t, c, get("GET", "/"))
		recv(t, started, time.Second, "handler start")
		if err := tg.srv.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
		waitClosed(t, c, c, time.Second)
		recv(t, released, time.Second, "handler context cancellation")
		recv(t, tg.done, time.Second, "Serve return")
		if !errors.Is(tg.serveErr, http.ErrServerClosed) {
			t.Errorf("Serve = %v, want %v", tg.serveErr, http.ErrServerClosed)
		}
	})
}

// TestServer_ShutdownBeforeServe checks that a Shutdown that wins the race
// against Serve (a signal during start-up) still stops the server: Serve
// must return http.ErrServerClosed at once instead of serving forever.
func TestServer_ShutdownBeforeServe(t *testing.T) {
	t.Parallel()
	forEach(t, func(t *testing.T, im impl) {
		srv := im.new(http.NotFoundHandler(), opts{}, new(logSink))
		if err := srv.Shutdown(context.Background()); err != nil {
			t.Errorf("Shutdown: %v", err)
		}
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatalf("listen: %v", err)
		}
		defer ln.Close()
		served := make(chan error, 1)
		go func() { served <- srv.Serve(ln) }()
		select {
		case err := <-served:
			if !errors.Is(err, http.ErrServerClosed) {
				t.Errorf("Serve = %v, want %v", err, http.ErrServerClosed)
			}
		case <-time.After(time.Second):
			srv.Close()
			t.Errorf("Serve still running 1s after Shutdown")
			<-served
		}
	})
}

// reqInfo is what a handler can see of a request, apart from addresses.
type reqInfo struct {
	Method           string
	Proto            string
	ProtoMajor       int
	ProtoMinor       int
	Host             string
	RequestURI       string
	URL              string
	Scheme           string
	URLHost          string
	Path             string
	RawPath          string
	RawQuery         string
	Header           http.Header
	ContentLength    int64
	TransferEncoding []string
	Close            bool
	NoBody           bool
	BodyNil          bool
	TLS              bool
}

// TestServer_RequestFields checks that handlers see the same *http.Request
// fields that net/http would give them, for the request-target forms of
// RFC 9112 §3.2 and for odd but legal header blocks.
func TestServer_RequestFields(t *testing.T) {
	t.Parallel()
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		info := reqInfo{
			Method: r.Method, Proto: r.Proto, ProtoMajor: r.ProtoMajor, ProtoMinor: r.ProtoMinor,
			Host: r.Host, RequestURI: r.RequestURI, URL: r.URL.String(),
			Scheme: r.URL.Scheme, URLHost: r.URL.Host, Path: r.URL.Path, RawPath: r.URL.RawPath, RawQuery: r.URL.RawQuery,
			Header: r.Header, ContentLength: r.ContentLength, TransferEncoding: r.TransferEncoding,
			Close: r.Close, NoBody: r.Body == http.NoBody, BodyNil: r.Body == nil, TLS: r.TLS != nil,
		}
		json.NewEncoder(w).Encode(info)
	})
	tests := []struct {
		name string
		raw  string
	}{
		{"origin form with query", "GET /a/b?x=1&y=%20 HTTP/1.1\r\nHost: example.com\r\n\r\n"},
		{"encoded path", "GET /a%2Fb/c%20d HTTP/1.1\r\nHost: example.com\r\n\r\n"},
		{"double slash", "GET //x//y HTTP/1.1\r\nHost: example.com\r\n\r\n"},
		{"absolute form", "GET http://other.example:8080/p?q=1 HTTP/1.1\r\nHost: example.com\r\n\r\n"},
		{"authority form", "CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n"},
		{"host with port and case", "GET / HTTP/1.1\r\nHost: Example.COM:8080\r\n\r\n"},
		{"HTTP/1.0 without host", "GET /old HTTP/1.0\r\n\r\n"},
		{"headers", "GET / HTTP/1.1\r\nHost: a\r\nx-foo: 1\r\nX-FOO:2\r\nCookie: a=1\r\ncookie: b=2\r\nX-Space:   padded value  \r\nX-Empty:\r\n\r\n"},
		{"LF line endings", "GET /lf HTTP/1.1\nHost: a\nX-A: 1\n\n"},
		{"connection close", "POST /c HTTP/1.1\r\nHost: a\r\nConnection: close\r\nContent-Length: 0\r\n\r\n"},
		{"chunked", "POST /chunked HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"},
		{"lower-case method", "get / HTTP/1.1\r\nHost: a\r\n\r\n"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			std, _ := agree(t, h, opts{}, func(t *testing.T, tg *target) outcome {
				return exchange(t, tg.addr, tc.raw, "GET")
			})
			if len(std.Responses) != 1 || std.Responses[0].Status != "200 OK" {
				t.Errorf("net/http did not serve the request:%v", std)
			}
		})
	}
}

type ctxKey struct{}

// TestServer_Addresses checks r.RemoteAddr, the local address in the
// request context (http.LocalAddrContextKey) and that the request context
// derives from BaseContext.
func TestServer_Addresses(t *testing.T) {
	t.Parallel()
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		local, _ := r.Context().Value(http.LocalAddrContextKey).(net.Addr)
		fmt.Fprintf(w, "%s|%v|%v", r.RemoteAddr, local, r.Context().Value(ctxKey{}))
	})
	forEach(t, func(t *testing.T, im impl) {
		var baseLn net.Listener
		var mu sync.Mutex
		o := opts{baseContext: func(ln net.Listener) context.Context {
			mu.Lock()
			baseLn = ln
			mu.Unlock()
			return context.WithValue(context.Background(), ctxKey{}, "base")
		}}
		tg := mustStart(t, im, h, o)
		c := mustDial(t, tg.addr)
		mustWrite(t, c, get("GET", "/"))
		out := readOutcome(c, bufio.NewReader(c), "GET")
		if len(out.Responses) != 1 {
			t.Fatalf("got:%v", out)
		}
		want := c.LocalAddr().String() + "|" + tg.addr + "|base"
		if got := out.Responses[0].Body; got != want {
			t.Errorf("RemoteAddr|LocalAddr|base value = %q, want %q", got, want)
		}
		mu.Lock()
		defer mu.Unlock()
		if baseLn == nil || baseLn.Addr().String() != tg.addr {
			t.Errorf("BaseContext called with %v, want the listener on %s", baseLn, tg.addr)
		}
	})
}

// TestServer_OptionsAsterisk checks "OPTIONS *" (RFC 9112 §3.2.4), which
// asks about the server rather than a resource: net/http answers it itself
// with an empty 200 and never calls the handler.
func TestServer_OptionsAsterisk(t *testing.T) {
	t.Parallel()
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "handler called")
	})
	std, _ := agree(t, h, opts{}, func(t *testing.T, tg *target) outcome {
		return exchange(t, tg.addr, "OPTIONS * HTTP/1.1\r\nHost: a\r\n\r\n"+get("GET", "/"), "OPTIONS", "GET")
	})
	wantResponses(t, std, 2, false)
}

// TestServer_Complete checks Complete: the whole chunked answer reaches the
// client while the handler still runs, a later write fails, and the
// connection serves its next request once the handler has returned.
func TestServer_Complete(t *testing.T) {
	t.Parallel()
	release := make(chan struct{})
	writeErr := make(chan error, 1)
	h := withNext(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Transfer-Encoding", "chunked")
		io.WriteString(w, "whole")
		if err := w.(interface{ Complete() error }).Complete(); err != nil {
			t.Errorf("Complete: %v", err)
		}
		_, err := io.WriteString(w, "late")
		writeErr <- err
		<-release
	})
	tg := mustStart(t, impls[1], h, opts{})
	c := mustDial(t, tg.addr)
	br := bufio.NewReader(c)
	mustWrite(t, c, get("GET", "/x")+get("GET", "/next"))
	resp, err := http.ReadResponse(br, nil)
	if err != nil {
		t.Fatal(err)
	}
	body, err := io.ReadAll(resp.Body)
	if err != nil || string(body) != "whole" {
		t.Fatalf("body %q, %v: want the whole answer while the handler runs", body, err)
	}
	if err := <-writeErr; err == nil {
		t.Errorf("a write after Complete succeeded")
	}
	close(release)
	resp, err = http.ReadResponse(br, nil)
	if err != nil {
		t.Fatalf("next request: %v", err)
	}
	if body, _ := io.ReadAll(resp.Body); string(body) != "next" {
		t.Errorf("next answer %q", body)
	}
}

// TestServer_ChunkedAndContentLengthCloses checks RFC 9112 §6.1: a request
// with both Transfer-Encoding and Content-Length (the classic smuggling
// pattern) is read as chunked and answered, and then the connection closes
// (net/http keeps it open).
func TestServer_ChunkedAndContentLengthCloses(t *testing.T) {
	t.Parallel()
	tg := mustStart(t, impls[1], withNext(echoBody), opts{})
	c := mustDial(t, tg.addr)
	br := bufio.NewReader(c)
	mustWrite(t, c, "POST /body HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n"+get("GET", "/next"))
	resp, err := http.ReadResponse(br, nil)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	if !strings.Contains(string(body), `body="hello"`) || !resp.Close {
		t.Errorf("answer %q close=%v, want the chunked body read and Connection: close", body, resp.Close)
	}
	if resp, err := http.ReadResponse(br, nil); err == nil {
		t.Errorf("the pipelined request was answered (%s) on the connection", resp.Status)
	}
}

// TestServer_FragmentInTargetIs400: a request target with a fragment is
// malformed (RFC 9112 §3.2): 400 and the connection closed, as Apache
// answers. net/http would take "#b" into the query string (a script would
// see QUERY_STRING=a#b), so this is one place the two servers differ.
func TestServer_FragmentInTargetIs400(t *testing.T) {
	t.Parallel()
	tg := mustStart(t, impls[1], http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "ok") }), opts{})
	for _, target := range []string{"/x?a#b", "/x#b", "/x/#"} {
		if status, closed := mustAnswer(t, tg.addr, "GET "+target+" HTTP/1.1\r\nHost: a\r\n\r\n"); status != http.StatusBadRequest || !closed {
			t.Errorf("%s: status %d, closed %v; want 400 and the connection closed", target, status, closed)
		}
	}
}

// mustAnswer sends raw on a new connection to addr and reads one answer
// (its body read and dropped); it returns its status and whether the
// server closed the connection after it.
func mustAnswer(t testing.TB, addr, raw string) (status int, closed bool) {
	t.Helper()
	c := mustDial(t, addr)
	defer c.Close()
	br := bufio.NewReader(c)
	mustWrite(t, c, raw)
	resp, err := http.ReadResponse(br, nil)
	if err != nil {
		t.Fatalf("%q: %v", raw, err)
	}
	io.Copy(io.Discard, resp.Body)
	closed, _ = probeClosed(c, br)
	return resp.StatusCode, closed
}

// TestServer_ReasonPhrase checks WriteHeaderReason, which menshen's gateway
// calls to pass a CGI script's reason phrase on ("Status: 404 Not Here"):
// our server puts a valid phrase on the status line, and a phrase that could
// break it (CR LF, control characters, non-ASCII bytes, too long) gives the
// standard text. Everything else on the wire is what net/http sends with
// WriteHeader, which has no reason phrase to give.
func TestServer_ReasonPhrase(t *testing.T) {
	t.Parallel()
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		code, _ := strconv.Atoi(r.URL.Query().Get("code"))
		reason := r.URL.Query().Get("reason")
		w.Header().Set("Content-Type", "text/plain")
		if rw, ok := w.(interface{ WriteHeaderReason(int, string) }); ok {
			rw.WriteHeaderReason(code, reason)
		} else {
			w.WriteHeader(code)
		}
		if r.URL.Query().Has("twice") {
			// A second call changes nothing, as WriteHeader's.
			if rw, ok := w.(interface{ WriteHeaderReason(int, string) }); ok {
				rw.WriteHeaderReason(500, "Later")
			}
		}
		io.WriteString(w, "body")
	})
	std := mustStart(t, impls[0], h, opts{})
	ours := mustStart(t, impls[1], h, opts{})
	date := regexp.MustCompile(`(?m)^Date: .*\r\n`)
	raw := func(addr, proto, query string) string {
		c := mustDial(t, addr)
		mustWrite(t, c, "GET /?"+query+" "+proto+"\r\nHost: a\r\nConnection: close\r\n\r\n")
		b, err := io.ReadAll(c)
		if err != nil {
			t.Fatalf("read: %v (got %q)", err, b)
		}
		return date.ReplaceAllString(string(b), "")
	}
	for _, tc := range []struct {
		name, proto string
		code        int
		reason      string
		want        string // our status line
	}{
		{"custom text", "HTTP/1.1", 404, "Custom Text", "HTTP/1.1 404 Custom Text"},
		{"unregistered code", "HTTP/1.1", 299, "Odd", "HTTP/1.1 299 Odd"},
		{"200", "HTTP/1.1", 200, "Fine", "HTTP/1.1 200 Fine"},
		{"no body status", "HTTP/1.1", 204, "Nothing Here", "HTTP/1.1 204 Nothing Here"},
		{"HTTP/1.0", "HTTP/1.0", 404, "Custom Text", "HTTP/1.1 404 Custom Text"},
		{"second call ignored", "HTTP/1.1", 404, "First", "HTTP/1.1 404 First"},
		{"128 bytes", "HTTP/1.1", 404, strings.Repeat("r", 128), "HTTP/1.1 404 " + strings.Repeat("r", 128)},
		{"no reason", "HTTP/1.1", 404, "", "HTTP/1.1 404 Not Found"},
		{"no reason, unregistered code", "HTTP/1.1", 299, "", "HTTP/1.1 299 "},
		{"crlf injection", "HTTP/1.1", 404, "x\r\nSet-Cookie: evil=1", "HTTP/1.1 404 Not Found"},
		{"bare lf", "HTTP/1.1", 404, "x\ny", "HTTP/1.1 404 Not Found"},
		{"tab", "HTTP/1.1", 404, "a\tb", "HTTP/1.1 404 Not Found"},
		{"non-ascii", "HTTP/1.1", 404, "caf\u00e9", "HTTP/1.1 404 Not Found"},
		{"leading space", "HTTP/1.1", 404, " x", "HTTP/1.1 404 Not Found"},
		{"129 bytes", "HTTP/1.1", 404, strings.Repeat("r", 129), "HTTP/1.1 404 Not Found"},
		{"informational", "HTTP/1.1", 103, "Hints", "HTTP/1.1 103 Early Hints"},
		// Apache 2.4's words, where they are not Go's.
		{"apache's 414", "HTTP/1.1", 414, "", "HTTP/1.1 414 Request-URI Too Long"},
		{"apache has none for 418", "HTTP/1.1", 418, "", "HTTP/1.1 418 "},
		{"apache has none for 425", "HTTP/1.1", 425, "", "HTTP/1.1 425 "},
	} {
		t.Run(tc.name, func(t *testing.T) {
			q := url.Values{"code": {strconv.Itoa(tc.code)}, "reason": {tc.reason}}
			if tc.name == "second call ignored" {
				q.Set("twice", "1")
			}
			want := raw(std.addr, tc.proto, q.Encode())
			got := raw(ours.addr, tc.proto, q.Encode())
			line, rest, _ := strings.Cut(got, "\r\n")
			if line != tc.want {
				t.Errorf("status line %q, want %q", line, tc.want)
			}
			_, stdRest, _ := strings.Cut(want, "\r\n")
			if tc.proto == "HTTP/1.0" {
				// Ours says the connection closes, as Apache does.
				stdRest = strings.Replace(stdRest, "\r\n\r\n", "\r\nConnection: close\r\n\r\n", 1)
			}
			if rest != stdRest {
				t.Errorf("after the status line, http1 sent\n%q\nnet/http sent\n%q", rest, stdRest)
			}
			if strings.Contains(got, "evil") {
				t.Errorf("the reason reached the header: %q", got)
			}
		})
	}
}

// TestServer_SetFieldOrder checks the layout menshen's gateway asks for a
// CGI script's answer, as Apache writes one: Date first, the fields in the
// handler's order and spelling (a name that is not its key in another case
// is not used; a key not in the header, or one the status forbids, is
// skipped), the handler's other fields sorted, the framing fields, then
// Content-Type; values as net/http writes them. Called after WriteHeader,
// it changes nothing: the fields go out sorted, as net/http's, after Date.
func TestServer_SetFieldOrder(t *testing.T) {
	t.Parallel()
	f := func(key, name string) httpsyntax.Field { return httpsyntax.Field{Key: key, Name: name} }
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		o := w.(interface{ SetFieldOrder([]httpsyntax.Field) })
		hd := w.Header()
		hd["X-A"] = []string{"a"}
		hd["X-B"] = []string{"b1", " b2 "}
		hd["Etag"] = []string{`"e"`}
		hd["Content-Type"] = []string{"text/plain"}
		hd["X-Nl"] = []string{"x\r\ny"}
		order := []httpsyntax.Field{f("X-B", "x-b"), f("Etag", "ETag"), f("Content-Type", "content-type"), f("X-None", "x-none"), f("X-Nl", "x-NL")}
		code := http.StatusOK
		switch r.URL.RawQuery {
		case "misnamed":
			order = []httpsyntax.Field{f("X-B", "Content-Length"), f("Etag", "ETag")}
		case "304":
			code = http.StatusNotModified
		}
		if r.URL.RawQuery == "late" {
			w.WriteHeader(code)
			o.SetFieldOrder(order)
		} else {
			o.SetFieldOrder(order)
			w.WriteHeader(code)
		}
		io.WriteString(w, "body")
	})
	tg := mustStart(t, impls[1], h, opts{})
	date := regexp.MustCompile(`\A(HTTP/1.1 \d+ [\w ]+\r\n)Date: [^\r\n]+ GMT\r\n`)
	for _, tc := range []struct{ query, want string }{
		{"ordered", "HTTP/1.1 200 OK\r\nx-b: b1\r\nx-b: b2\r\nETag: \"e\"\r\nx-NL: x  y\r\nX-A: a\r\n" +
			"Content-Length: 4\r\nConnection: close\r\nContent-Type: text/plain\r\n\r\nbody"},
		{"misnamed", "HTTP/1.1 200 OK\r\nX-B: b1\r\nX-B: b2\r\nETag: \"e\"\r\nX-A: a\r\nX-Nl: x  y\r\n" +
			"Content-Length: 4\r\nConnection: close\r\nContent-Type: text/plain\r\n\r\nbody"},
		{"304", "HTTP/1.1 304 Not Modified\r\nx-b: b1\r\nx-b: b2\r\nETag: \"e\"\r\nx-NL: x  y\r\nX-A: a\r\n" +
			"Connection: close\r\n\r\n"},
		{"late", "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nEtag: \"e\"\r\nX-A: a\r\nX-B: b1\r\nX-B: b2\r\nX-Nl: x  y\r\n" +
			"Content-Length: 4\r\nConnection: close\r\n\r\nbody"},
	} {
		c := mustDial(t, tg.addr)
		mustWrite(t, c, "GET /?"+tc.query+" HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n")
		b, err := io.ReadAll(c)
		c.Close()
		if err != nil {
			t.Fatalf("%s: read: %v (got %q)", tc.query, err, b)
		}
		if !date.Match(b) {
			t.Errorf("%s: no Date after the status line: %q", tc.query, b)
		}
		if got := date.ReplaceAllString(string(b), "$1"); got != tc.want {
			t.Errorf("%s: answered\n%q\nwant\n%q", tc.query, got, tc.want)
		}
	}
}

// TestServer_MalformedHostIs400: a Host that is no uri-host [":" port] is
// refused with 400, as Apache refuses it, instead of reaching scripts as
// SERVER_NAME and SERVER_PORT (net/http accepts these). Each answer is
// the one Apache 2.4.67 (HttpProtocolOptions Strict, its default) gave,
// at the edges too: a port of 0 or none after the ':' is refused, a
// leading dot or a dotted quad above 255 is not.
func TestServer_MalformedHostIs400(t *testing.T) {
	t.Parallel()
	tg := mustStart(t, impls[1], http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "ok") }), opts{})
	for host, want := range map[string]int{
		"example.com": 200, "example.com:8080": 200, "[::1]": 200, "[::1]:8080": 200, "[::1]:080": 200,
		"EXAMPLE.com.": 200, "x:08080": 200, "a:000080": 200, "a:65535": 200, "1.2.3.4:80": 200,
		"[::ffff:1.2.3.4]": 200,
		"a:b:c":            400, "::1": 400, "[::1": 400, "[::1]x": 400, "x:+80": 400, "x:-1": 400, "x:99999": 400, "x:123456": 400,
		"x]:80": 400, "x[y]": 400, "[fe80::1%eth0]": 400, "[v1.x]": 400,
		// The edges: no port after the ':', port 0 or above 65535.
		"example.com:": 400, "[::1]:": 400, "1.2.3.4:": 400, "127.0.0.1:0": 400, "a:00000": 400, "a:65536": 400,
		"[::1]:0": 400,
		// Apache's strict check (vhost.c): letters, digits, '-', '_' and
		// dots in a name, four numbers in a dotted quad (none checked
		// against 255), a top-level label that starts with a letter.
		"a_b.c": 200, "www-1.example": 200, "10.0.0.1": 200, "[2001:db8::1]": 200, "_": 200, "-a": 200, "a-": 200,
		"_.a": 200, "a.b-": 200, ".a": 200, "a.": 200, "a.b.": 200, "1.2.3.4.": 200, "256.1.1.1": 200,
		"1.2.3.256": 200, "999.999.999.999": 200, "xn--a": 200,
		"a'b": 400, "a;b": 400, "$(id)": 400, "user@evil": 400, "a#b": 400, "a?b": 400, "a%0a": 400,
		"a..b": 400, "a..": 400, "..a": 400, ".": 400, "..": 400, "1.2.3.4.5": 400, "1.2.3": 400, "01.2.3.4": 400,
		"1.2.3.04": 400, ".1.2.3": 400, "0": 400, "4294967296": 400,
		"a.1": 400, "a.1.": 400, "1a.2": 400, "a-1.2": 400, "x.y.2a": 400, "a.-b": 400, "a._b": 400, "a._": 400,
		":80": 400, "[1.2.3.4]": 400, "a,b": 400, "a*b": 400, "a+b": 400, "a=b": 400, "a!b": 400, "a~b": 400,
		"a/b": 400, "a b": 400, "*": 400, "%41": 400,
	} {
		if status, _ := mustAnswer(t, tg.addr, "GET / HTTP/1.1\r\nHost: "+host+"\r\nConnection: close\r\n\r\n"); status != want {
			t.Errorf("Host %q: status %d, want %d", host, status, want)
		}
	}
	// An empty Host: refused in HTTP/1.1 unless the target names the
	// host, taken in HTTP/1.0, as Apache does.
	for req, want := range map[string]int{
		"GET / HTTP/1.1\r\nHost:\r\nConnection: close\r\n\r\n":         400,
		"GET http://a/ HTTP/1.1\r\nHost:\r\nConnection: close\r\n\r\n": 200,
		"GET / HTTP/1.0\r\nHost:\r\n\r\n":                              200,
	} {
		if status, _ := mustAnswer(t, tg.addr, req); status != want {
			t.Errorf("%q: status %d, want %d", req, status, want)
		}
	}
}

// TestServer_BlankLinesDoNotExtendTheIdleWait: empty lines that arrive
// one by one on a kept connection do not start its idle timeout again:
// the connection closes within the idle timeout and the header timeout
// (it stayed open for 20 idle timeouts, one per byte).
func TestServer_BlankLinesDoNotExtendTheIdleWait(t *testing.T) {
	t.Parallel()
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "ok") })
	tg := mustStart(t, impls[1], h, opts{idleTimeout: 300 * time.Millisecond, readHeaderTimeout: 300 * time.Millisecond})
	c := mustDial(t, tg.addr)
	br := bufio.NewReader(c)
	mustWrite(t, c, "GET / HTTP/1.1\r\nHost: a\r\n\r\n")
	if r := readOne(t, br, "GET"); r.Status != "200 OK" {
		t.Fatalf("answer: %+v", r)
	}
	start := time.Now()
	for range 8 {
		time.Sleep(200 * time.Millisecond)
		if _, err := c.Write([]byte("\n")); err != nil {
			break // closed: as it should be
		}
	}
	waitClosed(t, c, br, time.Second)
	if d := time.Since(start); d > 1500*time.Millisecond {
		t.Errorf("connection closed after %v of blank lines, want within the idle and header timeouts (0.6 s)", d)
	}
}

// TestServer_HandlerCloseLingers: a handler that asks to close the
// connection (a CGI script's "Connection: close") while the client has
// already sent more (a pipelined POST and its body) gets a lingering
// close: the client reads the whole answer. Closed at once over the unread
// bytes, the connection was reset and the answer's tail destroyed.
func TestServer_HandlerCloseLingers(t *testing.T) {
	t.Parallel()
	big := strings.Repeat("z", 300<<10)
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Connection", "close")
		io.WriteString(w, big)
	})
	tg := mustStart(t, impls[1], h, opts{})
	c := mustDial(t, tg.addr)
	mustWrite(t, c, "GET /close HTTP/1.1\r\nHost: a\r\n\r\nPOST /next HTTP/1.1\r\nHost: a\r\nContent-Length: 200000\r\n\r\n"+strings.Repeat("x", 200000))
	time.Sleep(300 * time.Millisecond) // the answer is written and the connection closed meanwhile
	c.SetReadDeadline(time.Now().Add(5 * time.Second))
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		t.Fatalf("no answer: %v", err)
	}
	b, err := io.ReadAll(resp.Body)
	if err != nil || len(b) != len(big) || !resp.Close {
		t.Errorf("answer: %d of %d bytes, error %v, close %v; want it whole and the connection closed", len(b), len(big), err, resp.Close)
	}
}

// TestServer_UnreadBodyOfALastRequestLingers: an answer that ends the
// connection anyway (an HTTP/1.0 request, Connection: close) to a request
// whose body the handler did not read (a 404, a 413) closes gently too.
// Closed at once over the unread bytes, the connection was reset and the
// answer's tail destroyed (RFC 9112 §9.6).
func TestServer_UnreadBodyOfALastRequestLingers(t *testing.T) {
	t.Parallel()
	big := strings.Repeat("z", 300<<10)
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, big)
	})
	body := strings.Repeat("x", 200000)
	for _, head := range []string{
		"POST /x HTTP/1.0\r\nContent-Length: 200000\r\n\r\n",
		"POST /x HTTP/1.1\r\nHost: a\r\nConnection: close\r\nContent-Length: 200000\r\n\r\n",
	} {
		tg := mustStart(t, impls[1], h, opts{})
		c := mustDial(t, tg.addr)
		mustWrite(t, c, head+body)
		time.Sleep(300 * time.Millisecond) // the answer is written and the connection closed meanwhile
		c.SetReadDeadline(time.Now().Add(5 * time.Second))
		resp, err := http.ReadResponse(bufio.NewReader(c), nil)
		if err != nil {
			t.Fatalf("%q: no answer: %v", head, err)
		}
		b, err := io.ReadAll(resp.Body)
		if err != nil || len(b) != len(big) {
			t.Errorf("%q: answer: %d of %d bytes, error %v; want it whole", head, len(b), len(big), err)
		}
	}
}

// TestServer_ChunkedTrailerNeedsCRLF: the empty line that ends a chunked
// body must be a CRLF (RFC 9112 §7.1), as each line of its chunks must.
// net/http's decoder took a bare LF there, and looked for the trailer's
// end in the next pipelined request: a front end that wants the CRLF
// reads that request as part of the body, this server served it (the
// bare-LF class of CVE-2025-22871). A well-formed trailer is still read
// and dropped.
func TestServer_ChunkedTrailerNeedsCRLF(t *testing.T) {
	t.Parallel()
	var served atomic.Int32
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		served.Add(1)
		b, err := io.ReadAll(r.Body)
		if err != nil {
			http.Error(w, "bad body: "+err.Error(), http.StatusBadRequest)
			return
		}
		fmt.Fprintf(w, "%s?%s %q", r.URL.Path, r.URL.RawQuery, b)
	})
	post := "POST /form HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n"
	next := "GET /next?smuggled HTTP/1.1\r\nHost: a\r\n\r\n"
	for _, tc := range []struct {
		name, trailer string
		want          []string // the answers' bodies, in order
	}{
		{"bare LF ends the body", "\n", []string{"bad body: http1: malformed chunked trailer section\n"}},
		{"bare LF after a field", "X: y\n\n", []string{"bad body: http1: malformed chunked trailer section\n"}},
		{"field without a colon", "Xy\r\n\r\n", []string{"bad body: http1: malformed chunked trailer section\n"}},
		{"CRLF", "\r\n", []string{`/form? "abc"`, `/next?smuggled ""`}},
		{"a field, then CRLF", "X: y\r\n\r\n", []string{`/form? "abc"`, `/next?smuggled ""`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tg := mustStart(t, impls[1], h, opts{})
			c := mustDial(t, tg.addr)
			mustWrite(t, c, post+tc.trailer+next)
			c.SetReadDeadline(time.Now().Add(5 * time.Second))
			br := bufio.NewReader(c)
			var got []string
			for range tc.want {
				resp, err := http.ReadResponse(br, nil)
				if err != nil {
					break
				}
				b, _ := io.ReadAll(resp.Body)
				got = append(got, string(b))
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("answers %q, want %q", got, tc.want)
			}
			if len(tc.want) == 1 {
				if closed, extra := probeClosed(c, br); !closed {
					t.Errorf("connection left open after the refusal (then %q)", extra)
				}
			}
		})
	}
}

// TestServer_SkipsEmptyLinesBeforeARequest guards RFC 9112 §2.2: the CRLF
// an old client sends after a POST body (its Content-Length does not count
// it), and one on a fresh connection, are skipped, whether the next request
// follows at once or later. It was answered with a 400 as soon as it
// arrived, which a client reusing the connection took for the answer to
// its next request.
func TestServer_SkipsEmptyLinesBeforeARequest(t *testing.T) {
	t.Parallel()
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		fmt.Fprintf(w, "%s %s %q", r.Method, r.URL.Path, b)
	})
	post := "POST /form HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n\r\nabc\r\n"
	for _, tc := range []struct {
		name   string
		first  string
		pause  bool
		second string
	}{
		{"CRLF after a POST body, next request in the same write", post, false, "GET /next HTTP/1.1\r\nHost: a\r\n\r\n"},
		{"CRLF after a POST body, next request later", post, true, "GET /next HTTP/1.1\r\nHost: a\r\n\r\n"},
		{"LF and CRLF before the first request", "\n\r\nGET /first HTTP/1.1\r\nHost: a\r\n\r\n", true, "GET /next HTTP/1.1\r\nHost: a\r\n\r\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tg := mustStart(t, impls[1], h, opts{})
			c := mustDial(t, tg.addr)
			br := bufio.NewReader(c)
			if tc.pause {
				mustWrite(t, c, tc.first)
				if r := readOne(t, br, "GET"); r.Status != "200 OK" {
					t.Fatalf("first answer: %+v", r)
				}
				// Nothing may come before the second request.
				c.SetReadDeadline(time.Now().Add(300 * time.Millisecond))
				if b, err := br.Peek(1); err == nil {
					t.Fatalf("unasked answer on the connection: %q...", b)
				}
				c.SetReadDeadline(time.Time{})
				mustWrite(t, c, tc.second)
			} else {
				mustWrite(t, c, tc.first+tc.second)
				if r := readOne(t, br, "GET"); r.Status != "200 OK" {
					t.Fatalf("first answer: %+v", r)
				}
			}
			if r := readOne(t, br, "GET"); r.Status != "200 OK" || r.Body != `GET /next ""` {
				t.Errorf("second answer: status %q body %q, want 200 and the next request's", r.Status, r.Body)
			}
		})
	}
	// The bound (10 empty lines) holds across the wait between two
	// requests and the start of the next one.
	t.Run("more than 10 empty lines between requests", func(t *testing.T) {
		t.Parallel()
		tg := mustStart(t, impls[1], h, opts{})
		c := mustDial(t, tg.addr)
		br := bufio.NewReader(c)
		mustWrite(t, c, post+strings.Repeat("\r\n", 5))
		if r := readOne(t, br, "POST"); r.Status != "200 OK" {
			t.Fatalf("first answer: %+v", r)
		}
		time.Sleep(100 * time.Millisecond)
		mustWrite(t, c, strings.Repeat("\r\n", 6)+"GET /next HTTP/1.1\r\nHost: a\r\n\r\n")
		if r := readOne(t, br, "GET"); r.Status != "400 Bad Request" {
			t.Errorf("after 12 empty lines: status %q body %q, want 400", r.Status, r.Body)
		}
	})
}

// TestServer_RefusesWhatNetHTTPLetsThrough: where net/http's parser hides
// what the bytes say, this server refuses (and closes): Transfer-Encoding
// in an HTTP/1.0 request (net/http drops it, and a keep-alive connection
// then read the "chunked" body as the next request: smuggling, as nginx
// refuses it), and obsolete line folding (a folded Transfer-Encoding is
// read differently by different servers, CVE-2024-27982). A request begun
// and not finished in time gets 408, as from Apache. A refusal lingers, so
// that a client still sending gets the answer instead of a reset.
func TestServer_RefusesWhatNetHTTPLetsThrough(t *testing.T) {
	t.Parallel()
	var served atomic.Int32
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		served.Add(1)
		io.WriteString(w, "ok")
	})
	for _, tc := range []struct {
		name, raw string
		want      int
	}{
		{"HTTP/1.0 with Transfer-Encoding", "HEAD / HTTP/1.0\r\nConnection: keep-alive\r\nTransfer-Encoding: chunked\r\n\r\n" +
			"GET /smuggled HTTP/1.1\r\nHost: a\r\n\r\n", 400},
		{"HTTP/1.0 with Transfer-Encoding and Content-Length", "POST / HTTP/1.0\r\nConnection: keep-alive\r\nTransfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n0\r\n\r\n", 400},
		{"folded Transfer-Encoding", "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding:\r\n chunked\r\n\r\n0\r\n\r\n", 400},
		{"folded other header", "GET / HTTP/1.1\r\nHost: a\r\nX-A: one\r\n\ttwo\r\n\r\n", 400},
		// A 2xx to CONNECT makes the connection a tunnel: no framing.
		{"CONNECT to a path", "CONNECT /cgi-bin/x.pl HTTP/1.1\r\nHost: a\r\n\r\n", 400},
		{"CONNECT to an authority and a path", "CONNECT a:80/cgi-bin/x.pl HTTP/1.1\r\nHost: a\r\n\r\n", 400},
		{"CONNECT to a host and a path", "CONNECT a/cgi-bin/x.pl?q HTTP/1.1\r\nHost: a\r\n\r\n", 400},
		{"asterisk target of GET", "GET * HTTP/1.1\r\nHost: a\r\n\r\n", 400},
		{"absolute target of another scheme", "GET ftp://a/x HTTP/1.1\r\nHost: a\r\n\r\n", 400},
		// Without a host these reached the handler, with the target as
		// the script's REQUEST_URI; an http URI with no host is invalid
		// (RFC 9110 §4.2.1).
		{"another scheme without a host", "GET javascript:/cgi-bin/x?y HTTP/1.1\r\nHost: a\r\n\r\n", 400},
		{"absolute target without a host", "GET http:///cgi-bin/x HTTP/1.1\r\nHost: a\r\n\r\n", 400},
		{"absolute target without slashes", "GET http:/cgi-bin/x HTTP/1.1\r\nHost: a\r\n\r\n", 400},
		{"userinfo in an absolute target", "GET http://good.example@evil.example/x HTTP/1.1\r\nHost: good.example\r\n\r\n", 400},
		{"request line over the limit", "GET /?" + strings.Repeat("a", 3<<19) + " HTTP/1.1\r\nHost: a\r\n\r\n", 414},
		{"more empty lines than a client's slip", strings.Repeat("\r\n", 11) + "GET / HTTP/1.1\r\nHost: a\r\n\r\n", 400},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tg := mustStart(t, impls[1], h, opts{})
			c := mustDial(t, tg.addr)
			mustWrite(t, c, tc.raw)
			br := bufio.NewReader(c)
			resp, err := http.ReadResponse(br, nil)
			if err != nil {
				t.Fatalf("no answer: %v", err)
			}
			io.Copy(io.Discard, resp.Body)
			if resp.StatusCode != tc.want {
				t.Errorf("status %d, want %d", resp.StatusCode, tc.want)
			}
			if closed, extra := probeClosed(c, br); !closed {
				t.Errorf("connection left open (then %q)", extra)
			}
		})
	}
	if n := served.Load(); n != 0 {
		t.Errorf("the handler ran %d times: a refused request, or one hidden in it, was served", n)
	}

	t.Run("timeout within a request", func(t *testing.T) {
		tg := mustStart(t, impls[1], h, opts{readHeaderTimeout: 200 * time.Millisecond})
		c := mustDial(t, tg.addr)
		mustWrite(t, c, "GET / HTTP/1.1\r\nHost: a\r\nX-Slow: aa")
		c.SetReadDeadline(time.Now().Add(3 * time.Second))
		resp, err := http.ReadResponse(bufio.NewReader(c), nil)
		if err != nil || resp.StatusCode != http.StatusRequestTimeout {
			t.Errorf("answer %v, %v; want 408", resp, err)
		}
	})

	t.Run("refusal read by a client still sending", func(t *testing.T) {
		tg := mustStart(t, impls[1], h, opts{maxHeaderBytes: 4096})
		c := mustDial(t, tg.addr)
		done := make(chan struct{})
		go func() {
			defer close(done)
			io.WriteString(c, "GET / HTTP/1.1\r\nHost: a\r\nX-Big: "+strings.Repeat("z", 200<<10)+"\r\n\r\n")
		}()
		c.SetReadDeadline(time.Now().Add(3 * time.Second))
		body, err := io.ReadAll(c)
		if !strings.HasPrefix(string(body), "HTTP/1.1 431 ") || err != nil {
			t.Errorf("read %q, %v; want the whole 431 answer and a clean end", short(string(body)), err)
		}
		<-done
	})
}

// TestServer_HTTP10StatusLine: an HTTP/1.0 request is answered with an
// HTTP/1.1 status line (RFC 9110 §6.2: the highest version the server
// speaks), in the framing a 1.0 client reads (no chunks: the end of the
// connection, which "Connection: close" says), as Apache answers it; a
// 1.0 keep-alive request with a length keeps its connection.
func TestServer_HTTP10StatusLine(t *testing.T) {
	t.Parallel()
	tg := mustStart(t, impls[1], http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/flushed" {
			io.WriteString(w, "part")
			w.(http.Flusher).Flush()
		}
		io.WriteString(w, "body")
	}), opts{})
	for _, tc := range []struct{ name, raw, want string }{
		{"close-delimited", "GET /flushed HTTP/1.0\r\n\r\n", "HTTP/1.1 200 OK\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\npartbody"},
		{"with a length", "GET / HTTP/1.0\r\n\r\n", "HTTP/1.1 200 OK\r\nContent-Length: 4\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\nbody"},
		{"keep-alive with a length", "GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\nGET / HTTP/1.0\r\n\r\n", "HTTP/1.1 200 OK\r\nContent-Length: 4\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: keep-alive\r\n\r\nbody" +
			"HTTP/1.1 200 OK\r\nContent-Length: 4\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\nbody"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := mustDial(t, tg.addr)
			mustWrite(t, c, tc.raw)
			b, err := io.ReadAll(c)
			if err != nil {
				t.Fatal(err)
			}
			got := regexp.MustCompile(`Date: [^\r]*\r\n`).ReplaceAllString(string(b), "")
			if got != tc.want {
				t.Errorf("got\n%q\nwant\n%q", got, tc.want)
			}
		})
	}
}

// TestServer_WriteTimeout: a client that reads nothing of its answers loses
// its connection after WriteTimeout, whether the handler is still writing
// a large body or the server flushes answers to requests it pipelined
// (a 404 has no timeout of its own); one that reads slowly keeps it.
func TestServer_WriteTimeout(t *testing.T) {
	t.Parallel()
	const big, medium = 32 << 20, 32 << 20
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/big":
			w.Write(make([]byte, big))
			return
		case "/medium":
			w.Write(make([]byte, medium))
			return
		}
		io.WriteString(w, "small answer")
	})
	// start also returns when the server last began an answer (Unix
	// nanoseconds): the time WriteTimeout counts from is when the
	// server's writes stopped making progress, not when the client
	// connected (on a loaded CI machine under -race, answering the
	// tens of thousands of pipelined requests that fill the socket
	// buffers took more than 8 s).
	start := func(t *testing.T) (*Server, string, *atomic.Int64) {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		began := new(atomic.Int64)
		srv := &Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			began.Store(time.Now().UnixNano())
			h(w, r)
		}), WriteTimeout: 2 * time.Second}
		go srv.Serve(ln)
		t.Cleanup(func() { srv.Close() })
		return srv, ln.Addr().String(), began
	}
	for _, tc := range []struct{ name, raw string }{
		{"large body", "GET /big HTTP/1.1\r\nHost: a\r\n\r\n"},
		{"pipelined answers", strings.Repeat("GET /small HTTP/1.1\r\nHost: a\r\n\r\n", 200000)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv, addr, began := start(t)
			c, err := net.Dial("tcp", addr)
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			go io.WriteString(c, tc.raw) // (it may block too: the server stops reading)
			// The server answers until the socket buffers are full
			// (a 200 000 requests take at most some seconds), then
			// must close within WriteTimeout; 10 s after the last
			// answer began is a generous bound for the latter, 2
			// minutes a guard against a server that never stops.
			guard := time.Now().Add(2 * time.Minute)
			for srv.Conns() == 0 && time.Now().Before(guard) {
				time.Sleep(10 * time.Millisecond)
			}
			for srv.Conns() != 0 {
				last := time.Unix(0, began.Load())
				if began.Load() != 0 && time.Since(last) > 10*time.Second {
					t.Fatal("the connection of a client that reads nothing is still open 10s after its last answer began (WriteTimeout 2s)")
				}
				if time.Now().After(guard) {
					t.Fatal("the server still answers a client that reads nothing after 2 minutes (WriteTimeout 2s)")
				}
				time.Sleep(20 * time.Millisecond)
			}
		})
	}
	t.Run("slow reader", func(t *testing.T) {
		t.Parallel()
		_, addr, _ := start(t)
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		c.(*net.TCPConn).SetReadBuffer(64 << 10)
		io.WriteString(c, "GET /medium HTTP/1.1\r\nHost: a\r\n\r\n")
		c.SetReadDeadline(time.Now().Add(60 * time.Second))
		resp, err := http.ReadResponse(bufio.NewReader(c), nil)
		if err != nil {
			t.Fatal(err)
		}
		// 64 KiB every 5 ms: the whole answer takes longer than
		// WriteTimeout, and the kernel wakes the writer (once half its
		// send buffer, up to some MiB, is free) well within it.
		n, began := 0, time.Now()
		buf := make([]byte, 64<<10)
		for {
			m, err := io.ReadFull(resp.Body, buf)
			n += m
			if err != nil {
				break
			}
			time.Sleep(5 * time.Millisecond)
		}
		if n != medium {
			t.Errorf("a slow reader got %d bytes in %v, want %d", n, time.Since(began), medium)
		}
	})
}

// TestServer_BusyPoll: with BusyPoll, a kept connection waiting for its
// next request polls for it while BusyPollSpare says a processor is to
// spare, asking before each poll; without, it never asks. The requests
// are answered alike.
func TestServer_BusyPoll(t *testing.T) {
	t.Parallel()
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, r.URL.Path) })
	for _, poll := range []time.Duration{0, 5 * time.Second} {
		var asked atomic.Int64
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		srv := &Server{Handler: h, BusyPoll: poll, BusyPollSpare: func() bool { return asked.Add(1) < 1000 }}
		go srv.Serve(ln)
		t.Cleanup(func() { srv.Close() })
		c := mustDial(t, ln.Addr().String())
		br := bufio.NewReader(c)
		for _, path := range []string{"/1", "/2"} {
			time.Sleep(200 * time.Millisecond) // the server waits for it
			mustWrite(t, c, get("GET", path))
			resp, err := http.ReadResponse(br, nil)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			if string(body) != path {
				t.Errorf("answer %q to %s", body, path)
			}
		}
		switch n := asked.Load(); {
		case poll == 0 && n != 0:
			t.Errorf("without busy polling, BusyPollSpare asked %d times", n)
		case poll > 0 && n < 20:
			// A wait asks before its first poll and after each poll that
			// found nothing (without polling, once). How many polls fit
			// in 0.2 s depends on the machine's load, each yielding the
			// processor: under CI's parallel packages, tens.
			t.Errorf("with busy polling, BusyPollSpare asked %d times in 0.4 s, want 20 and more: the waits for the next request did not poll", n)
		}
		// Conns (what the gateway's BusyPollSpare weighs) counts it.
		if n := srv.Conns(); n != 1 {
			t.Errorf("Conns = %d with one connection open", n)
		}
		c.Close()
		deadline := time.Now().Add(5 * time.Second)
		for srv.Conns() != 0 && time.Now().Before(deadline) {
			time.Sleep(5 * time.Millisecond)
		}
		if n := srv.Conns(); n != 0 {
			t.Errorf("Conns = %d after the connection closed", n)
		}
	}
}

// TestServer_RefusalHeadHasNoBody: the server's own answer to a request it
// refuses has a Date, as every answer (RFC 9110 §6.6.1), and no body when
// the request is a HEAD (§9.3.2), as Apache answers; a GET's has its text.
func TestServer_RefusalHeadHasNoBody(t *testing.T) {
	t.Parallel()
	tg := mustStart(t, impls[1], http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "ok") }), opts{})
	for _, tc := range []struct{ method, extra, status string }{
		{"HEAD", "Expect: 200-ok\r\n", "417"},
		{"GET", "Expect: 200-ok\r\n", "417"},
		{"HEAD", "X: a\r\n b\r\n", "400"},
		{"GET", "X: a\r\n b\r\n", "400"},
	} {
		c := mustDial(t, tg.addr)
		mustWrite(t, c, tc.method+" / HTTP/1.1\r\nHost: a\r\n"+tc.extra+"\r\n")
		c.SetReadDeadline(time.Now().Add(connDeadline))
		raw, _ := io.ReadAll(c)
		c.Close()
		head, body, _ := strings.Cut(string(raw), "\r\n\r\n")
		what := fmt.Sprintf("%s with %q", tc.method, tc.extra)
		if !strings.HasPrefix(head, "HTTP/1.1 "+tc.status+" ") || !regexp.MustCompile(`\r\nDate: [^\r]+ GMT(\r\n|$)`).MatchString(head) {
			t.Errorf("%s: answered %q, want %s with a Date", what, head, tc.status)
		}
		if (tc.method == "HEAD") != (body == "") {
			t.Errorf("%s: body %q", what, body)
		}
	}
}

// deadlineConn counts the read deadlines set on a connection.
type deadlineConn struct {
	net.Conn
	reads *atomic.Int32
}

func (c deadlineConn) SetReadDeadline(t time.Time) error {
	c.reads.Add(1)
	return c.Conn.SetReadDeadline(t)
}

// deadlineListener hands out deadlineConns that share one count.
type deadlineListener struct {
	net.Listener
	reads atomic.Int32
}

func (l *deadlineListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return deadlineConn{c, &l.reads}, nil
}

// TestServer_OneReadDeadlineARequestWithoutBody: a keep-alive request
// without a body costs the connection one read deadline, the wait for it
// (the header timeout for the first, the idle timeout for the next ones):
// nothing reads the connection under the deadline of the request itself,
// whose change in Go's poller cost every request. A request with a body
// still gets it, and its body read is still cut off by ReadTimeout
// (TestServer_ReadTimeout); the idle and header waits are still bounded
// (TestServer_IdleTimeout, TestServer_ReadHeaderTimeout).
func TestServer_OneReadDeadlineARequestWithoutBody(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	dl := &deadlineListener{Listener: ln}
	s := &Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		io.WriteString(w, "ok")
	}), ReadHeaderTimeout: 10 * time.Second, ReadTimeout: time.Minute, IdleTimeout: 10 * time.Second}
	go s.Serve(dl)
	t.Cleanup(func() { s.Close() })
	// deadlines sends the requests on a connection of their own, and
	// returns the read deadlines it had once the client has closed it:
	// each request's wait, the wait for one more, and what the requests
	// set themselves.
	deadlines := func(method, raw string, n int) int32 {
		dl.reads.Store(0)
		c := mustDial(t, ln.Addr().String())
		br := bufio.NewReader(c)
		for i := range n {
			mustWrite(t, c, raw)
			if r := readOne(t, br, method); r.Body != "ok" {
				t.Fatalf("%s %d: %+v", method, i, r)
			}
		}
		c.Close()
		for start := time.Now(); s.Conns() > 0; time.Sleep(time.Millisecond) {
			if time.Since(start) > 2*time.Second {
				t.Fatal("the server still has the connection 2s after the client closed it")
			}
		}
		return dl.reads.Load()
	}
	const n = 5
	if got := deadlines("GET", get("GET", "/"), n); got != n+1 {
		t.Errorf("%d requests without a body: %d read deadlines, want %d", n, got, n+1)
	}
	if got := deadlines("POST", "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\n\r\nhi", n); got != 2*n+1 {
		t.Errorf("%d requests with a body: %d read deadlines, want %d", n, got, 2*n+1)
	}
}

// TestServer_RequestAllocs counts the allocations of a keep-alive GET with
// a Host and two more fields, answered by a handler that allocates
// nothing: the server's own per request (the request, its header, its
// context, the response and its header), the client allocating nothing.
func TestServer_RequestAllocs(t *testing.T) {
	if raceOn {
		t.Skip("the race detector drops sync.Pool's buffers at random: the count varies")
	}
	body := []byte("hello\n")
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write(body) })
	allocs := requestAllocs(t, h, opts{readHeaderTimeout: time.Minute, readTimeout: time.Minute, idleTimeout: time.Minute}, body)
	if allocs > 10 {
		t.Errorf("%v allocations per request, want at most 10", allocs)
	}
}

// requestAllocs counts the allocations of a keep-alive GET with a Host
// and two more fields on our server, with options o, answered by h with
// an answer ending in body.
func requestAllocs(t *testing.T, h http.Handler, o opts, body []byte) float64 {
	t.Helper()
	tg := mustStart(t, impls[1], h, o)
	c := mustDial(t, tg.addr)
	req := []byte("GET /cgi-bin/x?k=7 HTTP/1.1\r\nHost: a\r\nUser-Agent: t\r\nAccept: */*\r\n\r\n")
	buf := make([]byte, 4096)
	var failed error
	one := func() {
		if _, err := c.Write(req); err != nil {
			failed = err
			return
		}
		// The answer ends with its body, whose length it gives.
		for n := 0; !bytes.HasSuffix(buf[:n], body); {
			m, err := c.Read(buf[n:])
			if err != nil {
				failed = err
				return
			}
			n += m
		}
	}
	one()
	allocs := testing.AllocsPerRun(200, one)
	if failed != nil {
		t.Fatal(failed)
	}
	return allocs
}

// TestServer_WatchParksWhileNoConnection checks that the watch ticker
// stops once no connection has been open for watchIdleTicks (an idle
// server does not wake every watchTick), that the next connection wakes
// it (a client going away is still noticed within a second, C10), and
// that it stops again once that connection is gone.
func TestServer_WatchParksWhileNoConnection(t *testing.T) {
	t.Parallel()
	h, started, released := untilGone()
	tg := mustStart(t, impls[1], h, opts{})
	s := tg.srv.(*Server)
	parked := func() bool {
		s.mu.Lock()
		defer s.mu.Unlock()
		return s.watchTicker != nil && s.watchTicker.Parked() // (nil until Serve has begun)
	}
	waitParked := func(what string) {
		deadline := time.Now().Add(5 * time.Second)
		for !parked() {
			if time.Now().After(deadline) {
				t.Fatalf("the watch ticker still runs 5s %s", what)
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
	waitParked("after the start, no connection open")
	c := mustDial(t, tg.addr)
	mustWrite(t, c, get("GET", "/"))
	recv(t, started, time.Second, "handler start")
	if parked() {
		t.Error("the watch ticker is parked while a request runs")
	}
	c.Close()
	start := time.Now()
	if err := recv(t, released, 4*time.Second, "handler release"); err == nil || time.Since(start) > time.Second {
		t.Errorf("handler released after %v with ctx.Err() = %v, want cancelled within 1s", time.Since(start), err)
	}
	waitParked("after the last connection closed")
}
