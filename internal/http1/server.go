// Package http1 is the HTTP/1.x server of menshen's public listener.
//
// It serves a standard http.Handler and answers as net/http's server does
// (framing, keep-alive, Expect: 100-continue, the errors of a malformed
// request), but one goroutine per connection does all the work of a
// request: it reads the request, runs the handler and writes the answer.
// net/http starts a second goroutine per request to notice a client that
// goes away, and handing work between the two costs about a quarter of a
// fast FastCGI round trip on a small machine. Here a client that goes away
// is noticed by a read started only once a request has run for two ticks of
// watchTick (50-100 ms), which fast requests never reach.
//
// Where it differs from net/http: a client that goes away is noticed 50-100
// ms into its request, not at once, and HTTP/2 (h2c) is not served. And a
// handler may choose the reason phrase of its status line: the
// ResponseWriter has a WriteHeaderReason(code int, reason string) method
// (net/http always sends the standard text), which menshen's gateway uses
// for a CGI script's "Status: 404 Not Here", as Apache passes it on. Date
// is the first field, as Apache and nginx send it, and a handler may lay
// its fields out as Apache does a CGI script's, in their order and
// spelling: SetFieldOrder (net/http sorts them, spelled canonically).
//
// Parsing is net/http's own (http.ReadRequest): this package only frames
// connections and responses.
package http1

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"iter"
	"maps"
	"net"
	"net/http"
	"net/http/httputil"
	"net/textproto"
	"net/url"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/menshen/menshen/internal/ctxhook"
	"github.com/menshen/menshen/internal/httpsyntax"
	"github.com/menshen/menshen/internal/parktick"
	"github.com/menshen/menshen/internal/rawio"
)

// watchTick is how often the server looks for requests to watch: a request
// that has run for two ticks gets its connection watched for the client
// going away. The contract allows one second between a disconnect and the
// script's end (C10). One ticker for the server costs less than a timer per
// request: adding a timer wakes a thread of the Go scheduler.
const watchTick = 50 * time.Millisecond

// watchIdleTicks is how many ticks without an open connection stop the
// watch ticker until the next connection.
const watchIdleTicks = 20

// bufferBeforeChunking is how much body a response holds back before it
// must choose its framing: a handler that writes less and returns gets a
// Content-Length, as with net/http.
const bufferBeforeChunking = 2048

// maxPostHandlerRead is how much unread request body is discarded after a
// handler to keep the connection; past it the connection is closed.
const maxPostHandlerRead = 256 << 10

// defaultMaxHeaderBytes matches net/http's DefaultMaxHeaderBytes.
const defaultMaxHeaderBytes = 1 << 20

// Server serves HTTP/1.x on listeners. The zero value plus a Handler is
// usable; its fields must not change once Serve has been called.
type Server struct {
	Handler           http.Handler
	ReadHeaderTimeout time.Duration // to read a request's header block; 0: none
	ReadTimeout       time.Duration // to read a whole request, body included; 0: none
	IdleTimeout       time.Duration // keep-alive wait for the next request; 0: none
	// BodyWait and BodyMinRate bound a request body that arrives slowly,
	// as Apache's mod_reqtimeout (body=20,MinRate=500): from the
	// handler's first read, BodyWait, and one second more for every
	// BodyMinRate bytes received, within ReadTimeout. 0: none.
	BodyWait    time.Duration
	BodyMinRate int64 // bytes a second
	// WriteTimeout ends a connection whose client reads nothing of its
	// answer for this long: no write of up to stallChunk bytes completes
	// (Apache's Timeout, nginx's send_timeout). A client that reads
	// slowly but reads keeps it. 0: none.
	WriteTimeout   time.Duration
	MaxHeaderBytes int // 0: 1 MiB
	// BaseContext returns the context every request context derives from;
	// nil means context.Background(). A request's context has its values
	// and ends when it ends (at its deadline too), with its cause, as
	// net/http's; its Deadline reports none, its Err is
	// context.Canceled. It is a ctxhook.Cancel: a registration through
	// ctxhook.AfterFunc costs no context of its own.
	BaseContext func(net.Listener) context.Context
	// ErrorLog receives handler panics and accept errors; nil drops them.
	ErrorLog func(msg string, err error)
	// Refused is told of each request the server answers itself because
	// it is malformed (400, 431, 501, 505...), before the handler could
	// see it: the client's address, the status and why. nil drops them.
	Refused func(remote string, code int, reason string)
	// BusyPoll, when above 0, is how long a read of a client's connection
	// that finds nothing yet (the next request on a kept connection, most
	// often) reads again before it waits in Go's poller, while
	// BusyPollSpare says a processor is to spare (nil: always): see
	// internal/rawio's Spin. Default 0: never.
	BusyPoll      time.Duration
	BusyPollSpare func() bool

	mu        sync.Mutex
	spin      *rawio.Spin  // made from BusyPoll by the first Serve
	open      atomic.Int32 // len(conns), read without mu (Conns)
	closing   atomic.Bool
	listeners map[net.Listener]struct{}
	conns     map[*conn]struct{}
	tick      atomic.Int64  // watch ticks so far
	done      chan struct{} // closed when closing starts
	started   bool          // the watch ticker runs
	// watchTicker is watchLoop's ticker, parked (under mu) while no
	// connection is open, woken by the next (track).
	watchTicker *parktick.Ticker
}

// Serve accepts connections on ln and serves each on its own goroutine. It
// returns http.ErrServerClosed once Shutdown or Close has been called, or
// the error that stopped accepting.
func (s *Server) Serve(ln net.Listener) error {
	s.mu.Lock()
	if s.closing.Load() {
		s.mu.Unlock()
		ln.Close()
		return http.ErrServerClosed
	}
	if s.listeners == nil {
		s.listeners = map[net.Listener]struct{}{}
		s.conns = map[*conn]struct{}{}
		s.done = make(chan struct{})
	}
	s.listeners[ln] = struct{}{}
	if !s.started {
		s.started = true
		s.spin = rawio.NewSpin(s.BusyPoll, s.BusyPollSpare)
		s.watchTicker = parktick.New(watchTick)
		go s.watchLoop()
	}
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		delete(s.listeners, ln)
		s.mu.Unlock()
	}()

	base := context.Background()
	if s.BaseContext != nil {
		base = s.BaseContext(ln)
	}
	var backoff time.Duration
	for {
		nc, err := ln.Accept()
		if err != nil {
			if s.closing.Load() {
				return http.ErrServerClosed
			}
			if ne, ok := err.(interface{ Temporary() bool }); ok && ne.Temporary() {
				// Out of descriptors, for instance: wait, do not spin.
				backoff = min(max(2*backoff, 5*time.Millisecond), time.Second)
				s.logf("accept failed; retrying in "+backoff.String(), err)
				time.Sleep(backoff)
				continue
			}
			return err
		}
		backoff = 0
		c := newConn(s, nc, base)
		if !s.track(c) {
			nc.Close()
			return http.ErrServerClosed
		}
		go c.serve()
	}
}

// Shutdown stops accepting, closes idle connections and waits for the
// requests in flight to end (each connection closes after its answer). It
// returns ctx.Err() if ctx ends first; Close can then end the rest.
// Hijacked connections are not waited for.
func (s *Server) Shutdown(ctx context.Context) error {
	s.closeListeners()
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	for {
		if s.closeIdle() == 0 {
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-tick.C:
		}
	}
}

// Close stops accepting and closes every connection at once.
func (s *Server) Close() error {
	s.closeListeners()
	s.mu.Lock()
	defer s.mu.Unlock()
	for c := range s.conns {
		c.nc.Close()
		c.mu.Lock()
		if c.rctx != nil {
			c.rctx.Cancel(nil) // as net/http: the handlers see their clients gone
		}
		c.mu.Unlock()
	}
	return nil
}

func (s *Server) closeListeners() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.closing.Swap(true) && s.done != nil {
		close(s.done)
	}
	for ln := range s.listeners {
		ln.Close()
	}
}

// closeIdle closes the connections waiting for a request and returns how
// many connections are left.
func (s *Server) closeIdle() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	for c := range s.conns {
		c.mu.Lock()
		if c.state == stateIdle {
			c.nc.Close()
		}
		c.mu.Unlock()
	}
	return len(s.conns)
}

// watchLoop starts the watch of every request that has waited for it two
// ticks, until the server closes. It parks while no connection is open
// (watchIdleTicks in a row): an idle server does not wake every tick.
func (s *Server) watchLoop() {
	t := s.watchTicker
	defer t.Stop()
	idle := 0
	for {
		select {
		case <-s.done:
			return
		case <-t.C:
		}
		s.mu.Lock()
		if len(s.conns) > 0 {
			idle = 0
		} else if idle++; idle >= watchIdleTicks {
			if !t.Park(&s.mu, s.done) {
				return
			}
			idle = 0
			continue
		}
		now := s.tick.Add(1)
		stall := int64(s.WriteTimeout / watchTick)
		for c := range s.conns {
			if at := c.writing.Load(); stall > 0 && at != 0 && now-(at-1) >= stall && c.writing.CompareAndSwap(at, 0) {
				// The client has read nothing for WriteTimeout: the
				// write fails (a timeout), and the connection ends.
				c.nc.SetWriteDeadline(aLongTimeAgo)
			}
			if c.watch.Load() != watchArmed {
				continue // idle or a fast request: no lock taken
			}
			c.mu.Lock()
			if c.watch.Load() == watchArmed && now-c.armedAt >= 2 {
				c.watch.Store(watchReading)
				c.aborting = false
				go c.watchRead()
			}
			c.mu.Unlock()
		}
		s.mu.Unlock()
	}
}

func (s *Server) track(c *conn) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closing.Load() {
		return false
	}
	s.conns[c] = struct{}{}
	s.open.Add(1)
	s.watchTicker.Wake()
	return true
}

func (s *Server) untrack(c *conn) {
	s.mu.Lock()
	if _, ok := s.conns[c]; ok {
		delete(s.conns, c)
		s.open.Add(-1)
	}
	s.mu.Unlock()
}

// Conns is how many client connections are open now.
func (s *Server) Conns() int { return int(s.open.Load()) }

func (s *Server) logf(msg string, err error) {
	if s.ErrorLog != nil {
		s.ErrorLog(msg, err)
	}
}

func (s *Server) maxHeaderBytes() int64 {
	if s.MaxHeaderBytes > 0 {
		return int64(s.MaxHeaderBytes)
	}
	return defaultMaxHeaderBytes
}

// Connection states, for Shutdown.
const (
	stateIdle   = iota // waiting for a request: Shutdown may close it
	stateActive        // serving a request
)

// Watch states: the read that notices a client going away.
const (
	watchOff     = iota
	watchArmed   // the request may be watched once it has run two ticks
	watchReading // a read is pending on the connection
)

var (
	readerPool = sync.Pool{New: func() any { return bufio.NewReaderSize(nil, 4<<10) }}
	writerPool = sync.Pool{New: func() any { return bufio.NewWriterSize(nil, 4<<10) }}
)

// conn is one client connection.
type conn struct {
	srv    *Server
	nc     net.Conn
	rw     *rawio.Conn // nc's reads and writes, with raw system calls
	cr     connReader
	br     *bufio.Reader
	bw     *bufio.Writer
	ctx    context.Context // base context with the local address
	remote string
	blank  int       // empty-line bytes skipped before the current request
	reqEnd time.Time // the current request's ReadTimeout deadline

	// mu guards state and the watch; wdone is signalled when a read of
	// the watch ends. watch is written under mu, and read without it by
	// the ticker's quick look.
	mu       sync.Mutex
	state    int
	wdone    *sync.Cond
	watch    atomic.Int32
	armedAt  int64           // the server's watch tick when the watch was armed
	aborting bool            // the pending read is being cut short by us
	rctx     *ctxhook.Cancel // the current (or last) request's context
	gone     bool            // the client went away

	linger bool // close gently: the client may still be sending a body

	writeDeadline atomic.Bool // a handler set one: clear it for the next request
	// writing is 1 + the server's watch tick when the pending write to
	// the client began, 0 when none is pending (see connWriter).
	writing atomic.Int64

	pend []byte // the held-back body of each response, reused

	validHost string     // the last Host validHost took
	snap      headerSnap // the current response's header at WriteHeader

	// parsed is where readBuffered builds a request, copied by
	// WithContext: one allocation fewer per request.
	parsed http.Request
}

func newConn(s *Server, nc net.Conn, base context.Context) *conn {
	c := &conn{srv: s, nc: nc, remote: nc.RemoteAddr().String()}
	c.rw = rawio.New(nc)
	c.rw.SetSpin(s.spin)
	c.cr.nc = c.rw
	c.ctx = context.WithValue(base, http.LocalAddrContextKey, nc.LocalAddr())
	c.wdone = sync.NewCond(&c.mu)
	return c
}

// connReader reads the connection for the request parser: it enforces the
// header size limit and gives back the byte the watch may have read.
type connReader struct {
	nc      net.Conn
	limit   int64 // bytes the header block may still take, when limited
	limited bool
	hit     bool // the limit was reached
	stash   byte
	stashed bool
	record  bool   // append what is read to seen
	seen    []byte // the bytes of the current header block, and maybe more
}

var errHeaderTooLarge = errors.New("http1: request header too large")

func (r *connReader) Read(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	if r.stashed {
		r.stashed = false
		p[0] = r.stash
		if r.record {
			r.seen = append(r.seen, r.stash)
		}
		if r.limited {
			r.limit--
		}
		return 1, nil
	}
	if r.limited {
		if r.limit <= 0 {
			r.hit = true
			return 0, errHeaderTooLarge
		}
		if int64(len(p)) > r.limit {
			p = p[:r.limit]
		}
	}
	n, err := r.nc.Read(p)
	if r.limited {
		r.limit -= int64(n)
	}
	if r.record {
		r.seen = append(r.seen, p[:n]...)
	}
	return n, err
}

func (c *conn) setState(st int) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if st == stateActive && c.srv.closing.Load() {
		return false
	}
	c.state = st
	return true
}

// serve reads and answers requests until the connection ends.
func (c *conn) serve() {
	c.br = readerPool.Get().(*bufio.Reader)
	c.br.Reset(&c.cr)
	c.bw = writerPool.Get().(*bufio.Writer)
	c.bw.Reset((*connWriter)(c))
	hijacked := false
	// A request's context ends when the base context does: one watch a
	// connection, not a registration on base a request (base is the
	// server's, shared by every connection, its lock and child map with
	// them), nor a context of the context package's a request.
	stopBase := context.AfterFunc(c.ctx, c.baseDone)
	defer func() {
		// (run ended the request's context, a hijacked one's too: the
		// watch has nothing left to end.)
		stopBase()
		if !hijacked {
			if c.linger {
				c.lingerClose()
			}
			c.nc.Close()
			c.br.Reset(nil)
			readerPool.Put(c.br)
			c.bw.Reset(nil)
			writerPool.Put(c.bw)
		}
		c.srv.untrack(c)
	}()
	first := true
	for {
		// Keep-alive: wait for the next request's first byte, past the
		// empty lines an old client sends after a POST body.
		c.blank = 0
		if !first && !c.skipBlankLines(true) {
			return
		}
		first = false
		if !c.setState(stateActive) {
			return
		}
		w, err := c.readRequest()
		if err != nil {
			c.badRequest(err)
			return
		}
		if !c.run(w) {
			return
		}
		if w.hijacked {
			hijacked = true
			return
		}
		if c.writeDeadline.Swap(false) {
			c.nc.SetWriteDeadline(time.Time{})
		}
		if w.closeAfter || c.srv.closing.Load() || c.gone {
			return
		}
		c.setState(stateIdle)
	}
}

// baseDone ends the current request's context with the base context's
// cause (run ends the next ones').
func (c *conn) baseDone() {
	c.mu.Lock()
	r := c.rctx
	c.mu.Unlock()
	if r != nil {
		r.Cancel(context.Cause(c.ctx))
	}
}

// connWriter is the writer under the connection's bufio.Writer: it writes
// to the client in pieces of at most stallChunk bytes and notes when each
// began, for the watch loop's WriteTimeout.
type connWriter conn

// aLongTimeAgo is a deadline that has passed: set, it ends a pending write.
var aLongTimeAgo = time.Unix(1, 0)

// stallChunk is the most a write to the client may take before it counts
// as progress: a client that reads this much within WriteTimeout keeps
// its connection.
const stallChunk = 64 << 10

func (w *connWriter) Write(p []byte) (int, error) {
	c := (*conn)(w)
	n := 0
	for len(p) > 0 {
		chunk := p[:min(len(p), stallChunk)]
		c.writing.Store(c.srv.tick.Load() + 1)
		m, err := c.rw.Write(chunk)
		c.writing.Store(0)
		n += m
		if err != nil {
			return n, err
		}
		p = p[m:]
	}
	return n, nil
}

// lingerClose ends a connection whose client may still be sending a request
// body the server will not read: closing at once could reset the connection
// and destroy the answer before the client reads it. It sends FIN, then
// reads and drops what arrives for a moment, as net/http does.
func (c *conn) lingerClose() {
	if cw, ok := c.nc.(interface{ CloseWrite() error }); ok {
		cw.CloseWrite()
	}
	c.nc.SetReadDeadline(time.Now().Add(500 * time.Millisecond))
	io.CopyN(io.Discard, c.nc, 1<<20)
}

// maxBlankBytes bounds the empty lines skipped before a request line
// (Apache allows 10 of them).
const maxBlankBytes = 20

// skipBlankLines drops the empty lines (CRLF or LF) a client may send
// before a request line, at most maxBlankBytes in all (c.blank): RFC 9112 §2.2 asks a
// server to ignore at least one, since old clients end a POST body with a
// CRLF its Content-Length does not count. (Answering it with a 400 put an
// answer nobody asked for on a kept connection, read as the answer to the
// client's next request.) Between two requests of a kept connection
// (keepAlive) it waits up to the idle timeout for a first byte, then up
// to the header timeout; else under the current read deadline. It reports
// false if the connection ended or timed out meanwhile.
func (c *conn) skipBlankLines(keepAlive bool) bool {
	waited, begun := false, false
	for ; ; c.blank++ {
		if keepAlive && !waited && c.br.Buffered() == 0 {
			c.nc.SetReadDeadline(after(time.Now(), c.srv.IdleTimeout))
			waited = true
		}
		b, err := c.br.Peek(1)
		if err != nil {
			return false
		}
		if b[0] != '\r' && b[0] != '\n' || c.blank == maxBlankBytes {
			return true
		}
		c.br.Discard(1)
		if waited && !begun {
			// A blank line after the idle wait does not start it
			// again (a drip of them held a connection for 40
			// minutes): the rest comes within the header timeout.
			// (The CRLF that came with a POST body was skipped before
			// the wait.)
			d := c.srv.ReadHeaderTimeout
			if d <= 0 {
				d = c.srv.ReadTimeout
			}
			c.nc.SetReadDeadline(after(time.Now(), d))
			begun = true
		}
	}
}

// requestError is a malformed request, answered with its status before
// the connection closes.
type requestError struct {
	code  int
	text  string
	cause error // what the parser said, for the log (Refused); may be nil
	head  bool  // the request parsed, and is a HEAD: the answer has no body
}

func (e *requestError) Error() string { return e.text }

// readRequest reads a request's header block and prepares its response.
func (c *conn) readRequest() (_ *response, rerr error) {
	var (
		req *http.Request
		err error
	)
	defer func() {
		// A refusal of a HEAD that parsed is answered without a body
		// (RFC 9110 §9.3.2), as Apache answers it.
		if re, ok := rerr.(*requestError); ok && req != nil && req.Method == http.MethodHead {
			re.head = true
		}
	}()
	start := time.Now()
	// The response, its request body, and the URL and body reader
	// parseHead makes, in one allocation.
	x := new(reqRoom)
	var hostLine, smuggled, te10, folded bool
	req, hostLine = c.readBuffered(&x.head) // (a kept connection's next request, most often)
	if req == nil {
		if d := c.srv.ReadHeaderTimeout; d > 0 {
			c.nc.SetReadDeadline(start.Add(d))
		} else {
			c.nc.SetReadDeadline(after(start, c.srv.ReadTimeout))
		}
		c.skipBlankLines(false) // (an error: ReadRequest meets it again)
		req, hostLine = c.readBuffered(&x.head)
	}
	fast := req != nil
	if req == nil {
		req, hostLine, smuggled, te10, folded, err = c.readSlow(start)
		if err != nil {
			return nil, err
		}
	}
	absolute := req.URL.Host != ""
	if te10 {
		// Transfer-Encoding means nothing in HTTP/1.0, and a front end
		// that decodes it anyway would see another request in the
		// body than this server: refused, as nginx refuses it (a body
		// it cannot frame, RFC 9112 §6.1).
		return nil, &requestError{code: http.StatusBadRequest, text: "Bad Request: Transfer-Encoding in an HTTP/1.0 request"}
	}
	if folded {
		// Obsolete line folding (RFC 9112 §5.2 lets a server refuse
		// it): a folded Transfer-Encoding or Content-Length is read
		// differently by different servers, a smuggling trick
		// (CVE-2024-27982). nginx refuses it too.
		return nil, &requestError{code: http.StatusBadRequest, text: "Bad Request: obsolete line folding"}
	}
	c.reqEnd = after(start, c.srv.ReadTimeout)
	if req.Body != http.NoBody {
		// Only a body is read under this deadline. A request without
		// one reads nothing more of the connection until its answer is
		// done, and whatever reads it sets its own deadline first: the
		// watch (none), Hijack (none), a refusal's lingering close, and
		// the next request's wait (the idle or header timeout). Setting
		// it anyway costs a deadline change in Go's poller a request.
		c.nc.SetReadDeadline(c.reqEnd)
	}
	if req.ProtoMajor != 1 {
		return nil, &requestError{code: http.StatusHTTPVersionNotSupported, text: "HTTP Version Not Supported: unsupported protocol version"}
	}
	switch {
	case req.Method == http.MethodConnect && (req.URL.Host == "" || req.URL.Path != "" || req.URL.RawQuery != ""):
		// CONNECT takes an authority (host:port) only (RFC 9112
		// §3.2.3); a 2xx to it would make the connection a tunnel to
		// the client, with no framing to tell the answers apart. (Go
		// reads "a:80/cgi-bin/x" as host a:80 and a path.)
		return nil, &requestError{code: http.StatusBadRequest, text: "Bad Request: CONNECT to a path"}
	case req.RequestURI == "*" && req.Method != http.MethodOptions:
		// The asterisk form is for OPTIONS alone (RFC 9112 §3.2.4).
		return nil, &requestError{code: http.StatusBadRequest, text: "Bad Request: * target"}
	case req.Method != http.MethodConnect && req.URL.Scheme != "" && req.URL.Scheme != "http" && req.URL.Scheme != "https":
		// (With a host or without: "javascript:/cgi-bin/x" reached the
		// script as its REQUEST_URI.)
		return nil, &requestError{code: http.StatusBadRequest, text: "Bad Request: absolute target of another scheme"}
	case req.Method != http.MethodConnect && req.URL.Scheme != "" && req.URL.Host == "":
		// "http:///x", "http:/x": an http URI with no host is invalid
		// (RFC 9110 §4.2.1).
		return nil, &requestError{code: http.StatusBadRequest, text: "Bad Request: absolute target without a host"}
	case req.URL.User != nil:
		// http://good.example@evil.example/ : a target with userinfo is
		// an error (RFC 9110 §4.2.4), whose host a reader may take for
		// good.example; Apache answers 400.
		return nil, &requestError{code: http.StatusBadRequest, text: "Bad Request: userinfo in request target"}
	}
	if strings.IndexByte(req.RequestURI, '#') >= 0 {
		// A fragment never belongs in a request target (RFC 9112 §3.2);
		// net/url would take it into the query. Apache answers 400 too.
		return nil, &requestError{code: http.StatusBadRequest, text: "Bad Request: fragment in request target"}
	}
	if !fast { // (parseHead took only valid names and values)
		if err := validHeader(req.Header); err != nil {
			return nil, err
		}
	}
	// http.ReadRequest has already refused repeated Host headers and
	// moved the header to req.Host. An HTTP/1.1 request without one is
	// refused (RFC 9112 §3.2: even with an absolute-form target, whose
	// authority net/http has put in req.Host), as Apache refuses it, and
	// so is an empty one unless the target names the host: Apache finds
	// no host name in either ("request without hostname"). HTTP/1.0 may
	// send an empty one.
	switch {
	case req.ProtoAtLeast(1, 1) && (req.Host == "" || absolute && !hostLine):
		return nil, &requestError{code: http.StatusBadRequest, text: "Bad Request: missing required Host header"}
	case req.Host != "" && req.Host != c.validHost && !validHost(req.Host):
		return nil, &requestError{code: http.StatusBadRequest, text: "Bad Request: malformed Host header"}
	}
	if req.Host != "" {
		c.validHost = req.Host // (the next request's is the same, most often)
	}
	// The Host line where req.Host cannot tell it, for a CGI script's
	// HTTP_HOST (see cgi's hostVar): an empty one (HTTP/1.0), and none
	// beside an absolute-form target, whose authority net/http put in
	// req.Host. net/http never leaves a Host in the header map.
	switch {
	case absolute && !hostLine:
		req.Header["Host"] = []string{}
	case !absolute && hostLine && req.Host == "":
		req.Header["Host"] = []string{""}
	}
	req.RemoteAddr = c.remote

	x.ctx.Init(c.ctx) // (base's end reaches it through the connection's watch: run)
	req = req.WithContext(&x.ctx)
	c.parsed = http.Request{} // (what it points to is the handler's now)
	if c.pend == nil {
		c.pend = make([]byte, 0, bufferBeforeChunking)
	}
	w := &x.w
	*w = response{c: c, req: req, header: http.Header{}, contentLength: -1, ctx: &x.ctx, pending: c.pend[:0]}
	connection := getField(req.Header, "Connection")
	w.wants10KeepAlive = req.ProtoMajor == 1 && req.ProtoMinor == 0 && httpsyntax.HasToken(connection, "keep-alive")
	w.wantsClose = req.Close || httpsyntax.HasToken(connection, "close")
	// Content-Length beside Transfer-Encoding is the classic smuggling
	// pattern: the answer closes the connection (RFC 9112 §6.1).
	w.closeAfter = smuggled

	if !fast && len(req.TransferEncoding) > 0 {
		// (Chunked, the one coding net/http takes.) Its decoder ends the
		// body at the first empty line after the last chunk even when
		// that line is a bare LF, and looks for the end of the trailer
		// section in whatever follows, the next pipelined request
		// included: a front end that wants CRLF there (RFC 9112 §7.1)
		// reads a request this server takes for another. So the
		// trailer section is read here, strictly.
		req.Body = &chunkedBody{cr: httputil.NewChunkedReader(c.br), br: c.br, max: c.srv.maxHeaderBytes(), req: req}
	}
	b := &x.b
	*b = requestBody{w: w, rc: req.Body, sawEOF: req.Body == http.NoBody}
	if expect := getField(req.Header, "Expect"); httpsyntax.HasToken(expect, "100-continue") {
		if req.ProtoAtLeast(1, 1) && req.ContentLength != 0 {
			b.needContinue, b.expected = true, true
		}
	} else if expect != "" {
		x.ctx.Cancel(nil)
		return nil, &requestError{code: http.StatusExpectationFailed, text: "Expectation Failed"}
	}
	w.body = b
	if req.Body != http.NoBody {
		req.Body = b
	}
	return w, nil
}

// validHeader refuses a header that http.ReadRequest let through with a
// name that is not a token or a value with a control character.
func validHeader(h http.Header) error {
	for k, vv := range h {
		if !httpsyntax.ValidFieldName(k) {
			return &requestError{code: http.StatusBadRequest, text: "Bad Request: invalid header name"}
		}
		for _, v := range vv {
			if !httpsyntax.ValidFieldValue(v) {
				return &requestError{code: http.StatusBadRequest, text: "Bad Request: invalid header value"}
			}
		}
	}
	return nil
}

// reqRoom is what a request needs beside its http.Request, allocated as
// one.
type reqRoom struct {
	w    response
	b    requestBody
	head headRoom
	ctx  ctxhook.Cancel // the request's context
}

// readBuffered parses the request whose header block is already all in the
// connection's buffer, when it has the common shape parseHead reads, past
// the empty lines skipBlankLines would skip. It consumes nothing and
// returns nil otherwise. No read of the connection is needed: the header
// timeout readSlow sets would govern none.
func (c *conn) readBuffered(room *headRoom) (req *http.Request, hostLine bool) {
	b, _ := c.br.Peek(c.br.Buffered())
	if len(b) == 0 {
		return nil, false
	}
	skip := 0
	for c.blank+skip < maxBlankBytes && skip < len(b) && (b[skip] == '\r' || b[skip] == '\n') {
		skip++
	}
	r := &c.parsed
	n, hostLine, ok := parseHead(b[skip:], r, c.br, room)
	if !ok {
		*r = http.Request{}
		return nil, false
	}
	c.blank += skip
	c.br.Discard(skip + n)
	return r, hostLine
}

// readSlow reads a request's header block with http.ReadRequest (the
// header timeout set), and turns what goes wrong into the answer it gets. It
// also says what net/http's request hides and only the bytes tell: a Host
// line, a Content-Length beside Transfer-Encoding, Transfer-Encoding in an
// HTTP/1.0 request, a folded line.
func (c *conn) readSlow(start time.Time) (req *http.Request, hostLine, smuggled, te10, folded bool, err error) {
	c.cr.limited, c.cr.limit, c.cr.hit = true, c.srv.maxHeaderBytes()+4096, false
	// Keep the bytes of the header block: http.ReadRequest drops the Host
	// header, and only the bytes tell a missing Host from an empty one.
	buffered, _ := c.br.Peek(c.br.Buffered())
	c.cr.seen = append(c.cr.seen[:0], buffered...)
	c.cr.record = true
	req, err = http.ReadRequest(c.br)
	c.cr.limited, c.cr.record = false, false
	// (Asked only where req.Host cannot tell: empty, or taken from an
	// absolute-form target.)
	absolute := err == nil && req.URL.Host != ""
	if err == nil && (req.Host == "" || absolute) {
		hostLine = hasHeaderLine(c.cr.seen, "Host")
	}
	if err == nil && len(req.TransferEncoding) > 0 {
		// http.ReadRequest drops a Content-Length sent beside
		// Transfer-Encoding; the bytes still tell (below).
		smuggled = hasHeaderLine(c.cr.seen, "Content-Length")
	}
	// http.ReadRequest drops Transfer-Encoding from an HTTP/1.0 request
	// and joins folded lines: both only the bytes tell (below).
	te10 = err == nil && req.ProtoMajor == 1 && req.ProtoMinor == 0 && hasHeaderLine(c.cr.seen, "Transfer-Encoding")
	folded = err == nil && hasFoldedLine(c.cr.seen)
	seenAny := err != nil && len(bytes.TrimLeft(c.cr.seen, "\r\n")) > 0 // (a refusal only)
	lineEnded := bytes.IndexByte(c.cr.seen, '\n') >= 0
	if cap(c.cr.seen) > 4<<10 {
		c.cr.seen = nil // a large header block is not kept for the connection's life
	}
	if err != nil {
		if c.cr.hit {
			if !lineEnded {
				// The request line itself never ended: its target is
				// what is too long (RFC 9112 §3), as Apache answers.
				return nil, false, false, false, false, &requestError{code: http.StatusRequestURITooLong, text: "URI Too Long"}
			}
			return nil, false, false, false, false, &requestError{code: http.StatusRequestHeaderFieldsTooLarge, text: "Request Header Fields Too Large"}
		}
		if strings.Contains(err.Error(), "unsupported transfer encoding") {
			return nil, false, false, false, false, &requestError{code: http.StatusNotImplemented, text: "Unsupported transfer encoding"}
		}
		var ue *url.Error
		if errors.As(err, &ue) {
			// A request target net/url refuses (a control character):
			// a bad request, though url.Error looks like a net.Error.
			return nil, false, false, false, false, &requestError{code: http.StatusBadRequest, text: "Bad Request: malformed request target"}
		}
		var ne net.Error
		if d := c.srv.ReadHeaderTimeout; seenAny && (errors.As(err, &ne) && ne.Timeout() || d > 0 && time.Since(start) >= d) {
			// A request begun and not finished in time: told so, as
			// Apache answers 408 (a read cut short by the deadline
			// may look like a malformed line to the parser).
			return nil, false, false, false, false, &requestError{code: http.StatusRequestTimeout, text: "Request Timeout", cause: err}
		}
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || errors.As(err, &ne) {
			return nil, false, false, false, false, err // nobody to answer
		}
		return nil, false, false, false, false, &requestError{code: http.StatusBadRequest, text: "Bad Request", cause: err}
	}
	return req, hostLine, smuggled, te10, folded, nil
}

// badRequest answers a malformed request (nothing for a client that went
// away or was too slow) before the connection closes.
func (c *conn) badRequest(err error) {
	var re *requestError
	if !errors.As(err, &re) {
		return
	}
	if c.srv.Refused != nil {
		why := re.text
		if re.cause != nil {
			why += ": " + re.cause.Error()
		}
		c.srv.Refused(c.remote, re.code, why)
	}
	c.nc.SetWriteDeadline(time.Now().Add(time.Second))
	// Date, as on every answer (RFC 9110 §6.6.1), and no body to a HEAD.
	fmt.Fprintf(c.bw, "HTTP/1.1 %d %s\r\nDate: %s\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\n",
		re.code, statusText(re.code), httpDate())
	if !re.head {
		fmt.Fprintf(c.bw, "%d %s", re.code, re.text)
	}
	if c.bw.Flush() != nil {
		return
	}
	// A lingering close, as Apache's: the client may still be sending
	// (the rest of a header block too large); closing with its bytes
	// unread would reset the connection, and the reset can destroy the
	// answer before the client reads it. The sending side is shut, and
	// what comes is read and dropped for a moment.
	if cw, ok := c.nc.(interface{ CloseWrite() error }); ok && cw.CloseWrite() == nil {
		c.nc.SetReadDeadline(time.Now().Add(lingerTime))
		io.CopyN(io.Discard, c.nc, lingerBytes)
	}
}

// lingerTime and lingerBytes bound the lingering close of a refused
// request's connection.
const (
	lingerTime  = time.Second
	lingerBytes = 256 << 10
)

// run runs the handler on one request and completes its answer. It
// reports whether the connection may serve another request.
func (c *conn) run(w *response) (ok bool) {
	c.mu.Lock()
	c.rctx, c.gone = w.ctx, false
	c.mu.Unlock()
	// base has ended already (baseDone got the last request's context,
	// or has not run yet), or baseDone ends this one.
	if c.ctx.Err() != nil {
		w.ctx.Cancel(context.Cause(c.ctx))
	}
	defer func() {
		w.ctx.Cancel(nil)
		if v := recover(); v != nil {
			c.stopWatch()
			if v != http.ErrAbortHandler {
				buf := make([]byte, 16<<10)
				buf = buf[:runtime.Stack(buf, false)]
				c.srv.logf(fmt.Sprintf("panic serving %s: %v\n%s", c.remote, v, buf), fmt.Errorf("%v", v))
			}
			if !w.hijacked {
				// What was flushed stays flushed; nothing ends the body,
				// so the client sees it cut short.
				c.bw.Flush()
			}
			ok = false
		}
	}()
	if w.body.sawEOF {
		c.armWatch()
	}
	h := c.srv.Handler
	if w.req.RequestURI == "*" && w.req.Method == http.MethodOptions {
		h = http.HandlerFunc(optionsStar)
	}
	h.ServeHTTP(w, w.req)
	if w.hijacked {
		return true
	}
	c.stopWatch()
	w.finish()
	return w.err == nil
}

// optionsStar answers "OPTIONS *", a question about the server, not a
// resource, as net/http does: an empty 200.
func optionsStar(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Length", "0")
	if r.ContentLength != 0 {
		io.Copy(io.Discard, io.LimitReader(r.Body, 4<<10))
	}
}

// armWatch makes the request's connection eligible for the watch: the
// server's ticker starts a read of it once the request has run a while, to
// notice the client going away. Only once the request body is all read: the
// read must not take the body's bytes. Data already buffered means the
// client has sent its next request: it is there, nothing to watch.
func (c *conn) armWatch() {
	if c.br.Buffered() > 0 {
		return
	}
	c.mu.Lock()
	if c.watch.Load() == watchOff {
		c.armedAt = c.srv.tick.Load()
		c.watch.Store(watchArmed)
	}
	c.mu.Unlock()
}

// watchRead reads the connection until the client sends a byte (kept for
// the next request), closes (the request context is cancelled) or stopWatch
// cuts the read short. The ticker has set the watch to watchReading.
func (c *conn) watchRead() {
	c.mu.Lock()
	if c.aborting {
		c.watch.Store(watchOff)
		c.wdone.Broadcast()
		c.mu.Unlock()
		return
	}
	c.nc.SetReadDeadline(time.Time{})
	c.mu.Unlock()

	var b [1]byte
	n, err := c.nc.Read(b[:])

	c.mu.Lock()
	defer c.mu.Unlock()
	if n == 1 {
		c.cr.stash, c.cr.stashed = b[0], true
	} else if err != nil && !c.aborting {
		c.gone = true
		c.rctx.Cancel(nil)
	}
	c.watch.Store(watchOff)
	c.wdone.Broadcast()
}

// stopWatch ends the watch of the request that is over; when it returns no
// read of the watch is pending.
func (c *conn) stopWatch() {
	c.mu.Lock()
	defer c.mu.Unlock()
	switch c.watch.Load() {
	case watchArmed:
		c.watch.Store(watchOff)
	case watchReading:
		c.aborting = true
		c.nc.SetReadDeadline(time.Unix(1, 0))
		for c.watch.Load() == watchReading {
			c.wdone.Wait()
		}
	}
}

// chunkedBody is a chunked request body: net/http's chunk decoder
// (httputil's), then the trailer section read strictly: each line ends
// in CRLF, holds a colon, and all of it fits in max bytes. Its fields go
// to req.Trailer, as net/http puts them there.
type chunkedBody struct {
	cr   io.Reader
	br   *bufio.Reader
	max  int64
	req  *http.Request
	done bool
	err  error
}

// errBadTrailer is a trailer section that is not CRLF-framed fields.
var errBadTrailer = errors.New("http1: malformed chunked trailer section")

func (b *chunkedBody) Read(p []byte) (int, error) {
	if b.done {
		return 0, b.err
	}
	n, err := b.cr.Read(p)
	if err == io.EOF {
		b.done = true
		b.err = b.readTrailer()
		if n > 0 && b.err != io.EOF {
			return n, nil // (the error on the next read)
		}
		return n, b.err
	}
	if err != nil {
		b.done, b.err = true, err
	}
	return n, err
}

// readTrailer reads the trailer section and the empty line that ends the
// body: io.EOF when it is well formed.
func (b *chunkedBody) readTrailer() error {
	total := int64(0)
	var fields http.Header
	for {
		line, err := b.br.ReadSlice('\n')
		total += int64(len(line))
		switch {
		case err == bufio.ErrBufferFull || err == nil && total > b.max:
			return errBadTrailer
		case err != nil:
			return io.ErrUnexpectedEOF
		case len(line) < 2 || line[len(line)-2] != '\r':
			return errBadTrailer // a bare LF
		case len(line) == 2:
			// (All the fields at once, replacing the declared names'
			// empty entries, as net/http merges them.)
			if fields != nil {
				if b.req.Trailer == nil {
					b.req.Trailer = http.Header{}
				}
				maps.Copy(b.req.Trailer, fields)
			}
			return io.EOF
		}
		name, value, ok := bytes.Cut(line[:len(line)-2], []byte{':'})
		if !ok || !httpsyntax.ValidFieldName(name) || !httpsyntax.ValidFieldValue(value) {
			return errBadTrailer
		}
		if fields == nil {
			fields = http.Header{}
		}
		fields.Add(string(name), string(bytes.Trim(value, " \t")))
	}
}

func (b *chunkedBody) Close() error { return nil }

// requestBody is a request's body as the handler sees it: it sends
// "100 Continue" on the first read when the client asked for it, and arms
// the watch once the body is all read.
type requestBody struct {
	w            *response
	rc           io.ReadCloser
	expected     bool // the client sent Expect: 100-continue
	needContinue bool // and it is not answered yet
	continued    bool // 100 Continue was sent
	sawEOF       bool
	closed       bool
	read         int64     // bytes read so far
	first        time.Time // the first read, for BodyWait
}

func (b *requestBody) Read(p []byte) (int, error) {
	if b.closed {
		return 0, http.ErrBodyReadAfterClose
	}
	if b.needContinue {
		b.needContinue = false
		if !b.w.headerSent {
			bw := b.w.c.bw
			bw.WriteString("HTTP/1.1 100 Continue\r\n\r\n")
			if err := bw.Flush(); err != nil {
				return 0, err
			}
		}
		b.continued = true
	}
	c := b.w.c
	if wait := c.srv.BodyWait; wait > 0 && !b.sawEOF {
		if b.first.IsZero() {
			b.first = time.Now()
		}
		if r := c.srv.BodyMinRate; r > 0 {
			wait += time.Duration(b.read) * time.Second / time.Duration(r)
		}
		dl := b.first.Add(wait)
		if !c.reqEnd.IsZero() && dl.After(c.reqEnd) {
			dl = c.reqEnd
		}
		b.w.readDeadline.Lock()
		if !b.w.readDeadlineSet {
			c.nc.SetReadDeadline(dl)
		}
		b.w.readDeadline.Unlock()
	}
	n, err := b.rc.Read(p)
	b.read += int64(n)
	if err == io.EOF && !b.sawEOF {
		b.sawEOF = true
		if c.srv.BodyWait > 0 {
			c.nc.SetReadDeadline(c.reqEnd)
		}
		c.armWatch()
	}
	return n, err
}

// Close does not read the rest of the body: the server decides after the
// handler whether to discard it or to close the connection.
func (b *requestBody) Close() error {
	b.closed = true
	return nil
}

// response is the http.ResponseWriter of one request.
type response struct {
	c      *conn
	req    *http.Request
	body   *requestBody
	header http.Header // the handler's
	sent   http.Header // the header block: header when WriteHeader was called
	// snapped: sent is header itself, and the connection's snap holds
	// what it was at WriteHeader.
	snapped bool
	ctx     *ctxhook.Cancel // the request's context

	status      int
	reason      string // the status line's reason phrase; "": the standard text
	wroteHeader bool   // the handler chose the status
	headerSent  bool   // the header block is in the connection's buffer
	chunked     bool
	hijacked    bool

	closeAfter       bool
	wants10KeepAlive bool
	wantsClose       bool

	contentLength int64 // declared or computed; -1: unknown
	written       int64
	pending       []byte   // body held back until the framing is chosen
	trailers      []string // header keys sent after a chunked body
	err           error    // the first write error
	handlerDone   bool
	completed     bool // Complete has ended the answer early
	ordered       bool // SetFieldOrder was called: its layout, not net/http's
	order         []httpsyntax.Field

	// readDeadline guards readDeadlineSet and the connection's read
	// deadline between the body's reads, which set BodyWait's, and
	// SetReadDeadline, which may come from another goroutine while the
	// handler reads (the gateway stopping a body still arriving at the
	// end of the shutdown's grace): unguarded, the next read's BodyWait
	// deadline undid a past one set between two reads, and the body kept
	// being read.
	readDeadline    sync.Mutex
	readDeadlineSet bool // the handler's deadline rules the body's reads now
}

func (w *response) Header() http.Header { return w.header }

func (w *response) WriteHeader(code int) {
	if w.hijacked || w.wroteHeader {
		return
	}
	if code < 100 || code > 999 {
		panic(fmt.Sprintf("invalid WriteHeader code %v", code))
	}
	if code < 200 && code != http.StatusSwitchingProtocols {
		// Informational: sent now, the final status comes later.
		w.writeStatusLine(code, "")
		w.header.WriteSubset(w.c.bw, map[string]bool{"Content-Length": true, "Transfer-Encoding": true})
		w.c.bw.WriteString("\r\n")
		w.setErr(w.c.bw.Flush())
		return
	}
	w.wroteHeader = true
	w.status = code
	// The header block is the header as it is now: later changes are
	// ignored, but for trailers (net/http does the same). A copy costs
	// more than the rest of the header's work, and handlers seldom
	// change it after WriteHeader: the header stays the handler's map,
	// and sendHeader goes back to what it was if it changed.
	// (The snapshot's walk finds the Content-Length too.)
	if cl := w.c.snap.take(w.header); cl != "" {
		if v, err := strconv.ParseInt(cl, 10, 64); err == nil && v >= 0 {
			w.contentLength = v
		} else {
			w.sent = w.header.Clone()
			w.sent.Del("Content-Length")
			w.c.snap.reset()
		}
	}
	if w.sent == nil {
		w.sent = w.header
		w.snapped = true
	}
	if w.body.needContinue {
		// Answering before reading the body: no 100 Continue, and the
		// client may not send the body at all.
		w.body.needContinue = false
	}
}

// WriteHeaderReason is WriteHeader with reason as the reason phrase of the
// status line instead of the standard text: a CGI script's "Status: 404 Not
// Here" goes out as "HTTP/1.1 404 Not Here", as Apache sends it. A reason
// that httpsyntax.ValidReasonPhrase refuses, and any reason for an
// informational status or 101, gives the standard text. net/http's
// ResponseWriter has no such method: callers fall back to WriteHeader.
func (w *response) WriteHeaderReason(code int, reason string) {
	if w.hijacked || w.wroteHeader {
		return
	}
	if code >= 200 && httpsyntax.ValidReasonPhrase(reason) {
		w.reason = reason
	}
	w.WriteHeader(code)
}

// SetFieldOrder lays the header block out as Apache does a CGI script's
// answer: Date, the header's fields that order names (each key once), in
// that order and each under its Name (a Name that is not its Key in
// another case is not used), then the header's other fields sorted, the
// framing fields, and Content-Type last. Without it the fields go out as
// net/http sends them, sorted and spelled as their keys, Date first
// aside. Called after WriteHeader, it does nothing. net/http's
// ResponseWriter has no such method: callers go without.
func (w *response) SetFieldOrder(order []httpsyntax.Field) {
	if w.hijacked || w.wroteHeader {
		return
	}
	w.ordered, w.order = true, order
}

func (w *response) Write(p []byte) (int, error) {
	if w.hijacked {
		return 0, http.ErrHijacked
	}
	if !w.wroteHeader {
		w.WriteHeader(http.StatusOK)
	}
	if len(p) == 0 {
		return 0, nil
	}
	if !bodyAllowed(w.status) {
		return 0, http.ErrBodyNotAllowed
	}
	if w.err != nil {
		return 0, w.err
	}
	if w.completed {
		return 0, errCompleted
	}
	w.written += int64(len(p))
	if w.contentLength != -1 && w.written > w.contentLength {
		return 0, http.ErrContentLength
	}
	if !w.headerSent {
		if len(w.pending)+len(p) <= bufferBeforeChunking {
			w.pending = append(w.pending, p...)
			return len(p), nil
		}
		w.sendHeader(p)
	}
	w.writeBody(p)
	if w.err != nil {
		return 0, w.err
	}
	return len(p), nil
}

// Flush sends the header and what the handler wrote so far.
func (w *response) Flush() { _ = w.FlushError() }

// FlushError is Flush that reports a failed write (http.ResponseController).
func (w *response) FlushError() error {
	if w.hijacked {
		return http.ErrHijacked
	}
	if !w.wroteHeader {
		w.WriteHeader(http.StatusOK)
	}
	if !w.headerSent {
		w.sendHeader(nil)
	}
	if w.err == nil {
		w.setErr(w.c.bw.Flush())
	}
	return w.err
}

// Hijack hands the connection to the handler, which then owns it.
func (w *response) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	if w.hijacked {
		return nil, nil, http.ErrHijacked
	}
	if w.headerSent {
		return nil, nil, errors.New("http1: Hijack after the header was sent")
	}
	c := w.c
	c.stopWatch()
	w.hijacked = true
	c.nc.SetDeadline(time.Time{})
	c.srv.untrack(c)
	return c.nc, bufio.NewReadWriter(c.br, c.bw), nil
}

// SetReadDeadline and SetWriteDeadline serve http.ResponseController. A
// read deadline the handler sets replaces BodyWait's for the rest of the
// body (as net/http's replaces its ReadTimeout).
func (w *response) SetReadDeadline(t time.Time) error {
	w.readDeadline.Lock()
	defer w.readDeadline.Unlock()
	w.readDeadlineSet = true
	return w.c.nc.SetReadDeadline(t)
}
func (w *response) SetWriteDeadline(t time.Time) error {
	w.c.writeDeadline.Store(true) // possibly from another goroutine
	return w.c.nc.SetWriteDeadline(t)
}

func (w *response) setErr(err error) {
	if err != nil && w.err == nil {
		w.err = err
	}
}

// writeBody writes body bytes after the header, framed.
func (w *response) writeBody(p []byte) {
	if w.req.Method == http.MethodHead || len(p) == 0 || w.err != nil {
		return
	}
	bw := w.c.bw
	if w.chunked {
		bw.Write(strconv.AppendInt(bw.AvailableBuffer(), int64(len(p)), 16))
		bw.WriteString("\r\n")
		bw.Write(p)
		_, err := bw.WriteString("\r\n")
		w.setErr(err)
		return
	}
	_, err := bw.Write(p)
	w.setErr(err)
}

// errCompleted is what a write after Complete returns.
var errCompleted = errors.New("http1: write after the answer was completed")

// Complete ends the answer before the handler returns: the header, what is
// held back and the end of a chunked body are sent now, and later writes
// fail. The handler may go on (say, waiting for a process that closed its
// output but still runs); the connection serves its next request only once
// the handler returns. A close-delimited answer (HTTP/1.0) ends with the
// connection: Complete flushes it and shuts the connection's sending side,
// so the client sees its end; the connection closes when the handler
// returns.
func (w *response) Complete() error {
	if w.hijacked {
		return http.ErrHijacked
	}
	if w.completed {
		return w.err
	}
	w.complete()
	w.completed = true
	if !w.chunked && w.contentLength == -1 && w.req.Method != http.MethodHead && bodyAllowed(w.status) {
		w.closeAfter = true
		if cw, ok := w.c.nc.(interface{ CloseWrite() error }); ok && w.err == nil {
			w.setErr(cw.CloseWrite())
		}
	}
	return w.err
}

// finish completes the answer after the handler has returned.
func (w *response) finish() {
	w.handlerDone = true
	if w.completed {
		if w.err == nil {
			w.setErr(w.c.bw.Flush())
		}
		return
	}
	w.complete()
}

// complete writes what ends the answer: the header if not sent, the end of
// a chunked body with its trailers, and flushes.
func (w *response) complete() {
	if !w.wroteHeader {
		w.WriteHeader(http.StatusOK)
	}
	if !w.headerSent {
		w.sendHeader(nil)
	}
	if w.chunked && w.err == nil {
		bw := w.c.bw
		bw.WriteString("0\r\n")
		for k := range w.header {
			if strings.HasPrefix(k, http.TrailerPrefix) {
				w.trailers = append(w.trailers, k)
			}
		}
		for _, k := range w.trailers {
			for _, v := range w.header[k] {
				bw.WriteString(strings.TrimPrefix(k, http.TrailerPrefix))
				bw.WriteString(": ")
				bw.WriteString(newlineToSpace.Replace(v))
				bw.WriteString("\r\n")
			}
		}
		_, err := bw.WriteString("\r\n")
		w.setErr(err)
	}
	if w.err == nil {
		w.setErr(w.c.bw.Flush())
	}
	if w.req.Method != http.MethodHead && w.contentLength != -1 && bodyAllowed(w.status) && w.contentLength != w.written {
		w.closeAfter = true // short body: the client cannot frame the next answer
	}
}

// sendHeader chooses the framing and writes the header block, then the
// body held back so far. The choices are net/http's.
//
// next is the body about to be written after what was held back: it is
// sniffed for a Content-Type with it.
func (w *response) sendHeader(next []byte) {
	w.headerSent = true
	// snap holds the keys and values of the header block (sent is the
	// header as it was at WriteHeader, or made again from snap): what
	// they are is read from it, with no walk of the map.
	var snap *headerSnap
	if w.snapped {
		if !w.c.snap.same(w.sent) {
			w.sent = w.c.snap.header()
		}
		snap = &w.c.snap
		defer snap.reset()
		w.snapped = false
	}
	h := w.sent
	p := w.pending
	w.pending = nil
	code := w.status
	isHEAD := w.req.Method == http.MethodHead
	is11 := w.req.ProtoAtLeast(1, 1)
	var f framingFields
	if snap != nil {
		f.readSnap(snap)
	} else {
		f.read(h)
	}
	te := f.te
	hasTE := te != ""
	var exclude keySet
	drop := func(k string) {
		if f.has(h, k) {
			exclude.add(k)
		}
	}
	// Trailers: names declared in "Trailer", or keys with
	// http.TrailerPrefix; their values are sent after the body.
	for _, v := range f.trailer {
		for _, k := range strings.Split(v, ",") {
			if k = strings.TrimSpace(k); k != "" {
				w.trailers = append(w.trailers, http.CanonicalHeaderKey(k))
			}
		}
	}
	trailers := w.trailers != nil || f.prefixed
	if f.prefixed {
		for k := range h {
			if strings.HasPrefix(k, http.TrailerPrefix) {
				exclude.add(k)
			}
		}
	}
	for _, k := range w.trailers {
		drop(k)
	}
	var clen []byte
	if w.handlerDone && !trailers && !hasTE && bodyAllowed(code) && !f.cl && (!isHEAD || len(p) > 0) {
		w.contentLength = int64(len(p))
		clen = strconv.AppendInt(nil, int64(len(p)), 10)
	}
	hasCL := w.contentLength != -1
	connection := ""
	if w.wants10KeepAlive && (isHEAD || hasCL || !bodyAllowed(code)) {
		if !f.connKey {
			connection = "keep-alive"
		}
	} else if !is11 || w.wantsClose {
		w.closeAfter = true
	}
	if f.conn == "close" || w.c.srv.closing.Load() {
		// The handler's close (or the shutdown's), not the client's: it
		// may have sent more requests already, and closing over them
		// would reset the connection and destroy this answer's tail
		// before the client reads it. A lingering close, as Apache's.
		w.closeAfter, w.c.linger = true, true
	}
	w.settleBody()

	ctype := ""
	if bodyAllowed(code) {
		if !f.ct && f.cenc == "" && !hasTE && len(p)+len(next) > 0 {
			sniff := p
			if len(p) < 512 && len(next) > 0 {
				sniff = append(append(make([]byte, 0, 512), p...), next[:min(len(next), 512-len(p))]...)
			}
			ctype = http.DetectContentType(sniff)
		}
	} else {
		if code == http.StatusNotModified {
			drop("Content-Type")
		}
		drop("Content-Length")
		drop("Transfer-Encoding")
	}
	if hasCL && hasTE && te != "identity" {
		drop("Content-Length")
		hasCL = false
		clen = nil
	}
	chunkedOut := ""
	switch {
	case isHEAD || !bodyAllowed(code):
		drop("Transfer-Encoding")
	case hasCL:
		drop("Transfer-Encoding")
	case is11:
		if te == "identity" {
			w.closeAfter = true
			drop("Transfer-Encoding")
		} else {
			w.chunked = true
			chunkedOut = "chunked"
			if te == "chunked" {
				drop("Transfer-Encoding")
			}
		}
	default:
		w.closeAfter = true
		drop("Transfer-Encoding")
	}
	if w.chunked {
		drop("Content-Length")
		clen = nil
	}
	if w.closeAfter && !httpsyntax.HasToken(f.conn, "close") {
		// Said to an HTTP/1.0 client too, as Apache does: the status line
		// says 1.1, and a proxy between may be one.
		drop("Connection")
		connection = "close"
	}

	bw := w.c.bw
	w.writeStatusLine(code, w.reason)
	if !f.date {
		// First, as Apache and nginx send it.
		bw.WriteString("Date: ")
		bw.Write(httpDate())
		bw.WriteString("\r\n")
	}
	own := [...][2]string{{"Content-Type", ctype}, {"Connection", connection}, {"Transfer-Encoding", chunkedOut}}
	if w.ordered {
		writeOrdered(bw, h, snap, w.order, &exclude)
		own = [...][2]string{{"Connection", connection}, {"Transfer-Encoding", chunkedOut}, {"Content-Type", ctype}}
	} else {
		h.WriteSubset(bw, exclude.asMap())
	}
	if clen != nil {
		bw.WriteString("Content-Length: ")
		bw.Write(clen)
		bw.WriteString("\r\n")
	}
	for _, kv := range own {
		if kv[1] != "" {
			bw.WriteString(kv[0])
			bw.WriteString(": ")
			bw.WriteString(kv[1])
			bw.WriteString("\r\n")
		}
	}
	if w.ordered && !exclude.has("Content-Type") {
		writeField(bw, "Content-Type", h["Content-Type"])
	}
	_, err := bw.WriteString("\r\n")
	w.setErr(err)
	w.writeBody(p)
}

// writeOrdered writes the fields of h that exclude does not name, as
// SetFieldOrder lays them out: those of order first, then the others
// sorted, but Content-Type, which goes out last. snap, if not nil, holds
// h's keys.
func writeOrdered(bw *bufio.Writer, h http.Header, snap *headerSnap, order []httpsyntax.Field, exclude *keySet) {
	for _, f := range order {
		if exclude.has(f.Key) || f.Key == "Content-Type" {
			continue
		}
		name := f.Name
		if !strings.EqualFold(name, f.Key) {
			// The server frames the answer by the keys: a field goes
			// out under its own name, whatever it is called.
			name = f.Key
		}
		writeField(bw, name, h[f.Key])
	}
	var keys [16]string
	rest := keys[:0]
	others := func(k string) bool {
		return !exclude.has(k) && k != "Content-Type" && !slices.ContainsFunc(order, func(f httpsyntax.Field) bool { return f.Key == k })
	}
	if snap != nil {
		for _, k := range snap.keys {
			if others(k.key) {
				rest = append(rest, k.key)
			}
		}
	} else {
		for k := range h {
			if others(k) {
				rest = append(rest, k)
			}
		}
	}
	slices.Sort(rest)
	for _, k := range rest {
		writeField(bw, k, h[k])
	}
}

// writeField writes a field's lines as http.Header.Write does: one per
// value, a line end in it turned into a space, the value trimmed, and
// nothing under an invalid name.
func writeField(bw *bufio.Writer, name string, values []string) {
	if !validToken(name) {
		return
	}
	for _, v := range values {
		bw.WriteString(name)
		bw.WriteString(": ")
		bw.WriteString(fieldValue(v))
		bw.WriteString("\r\n")
	}
}

// validToken is httpsyntax.ValidFieldName by table.
func validToken(name string) bool {
	for i := 0; i < len(name); i++ {
		if !isTokenByte[name[i]] {
			return false
		}
	}
	return len(name) > 0
}

// fieldValue is textproto.TrimString(newlineToSpace.Replace(v)), with no
// work for a value that has no line end and nothing to trim (most).
func fieldValue(v string) string {
	if n := len(v); n == 0 || v[0] != ' ' && v[0] != '\t' && v[n-1] != ' ' && v[n-1] != '\t' &&
		strings.IndexByte(v, '\n') < 0 && strings.IndexByte(v, '\r') < 0 {
		return v
	}
	return textproto.TrimString(newlineToSpace.Replace(v))
}

// settleBody decides, before the header goes out, what becomes of request
// body the handler did not read: discarded if small and already here, so
// that the connection can serve the next request, or the connection
// closes (lingering: the client may still be sending it). It does not
// wait for the client: one that sends the body only after the answer (or
// slowly) gets the answer now, as Apache answers a 413 at once (net/http
// waits for up to 256 KiB of it first).
func (w *response) settleBody() {
	b := w.body
	if w.req.ContentLength == 0 || b.sawEOF {
		return
	}
	if w.closeAfter {
		// The connection ends anyway (HTTP/1.0, Connection: close): no
		// reason to read the rest, but a close while the client still
		// sends resets the connection, which may throw away the answer
		// before the client reads it (RFC 9112 §9.6): the close lingers.
		// (The handler may still read it.)
		w.c.linger = true
		return
	}
	// From now on the handler's reads fail, as with net/http.
	b.closed = true
	switch n := w.req.ContentLength; {
	case b.expected && !b.continued:
		// The client waits for 100 Continue before it sends the body.
	case n > 0 && n-b.read >= maxPostHandlerRead:
		// Too much to read for the sake of keeping the connection.
	default:
		// What the buffer and the socket hold now, and what arrives
		// within bodyGrace; the next read (of the next request) sets
		// its own deadline.
		w.c.nc.SetReadDeadline(time.Now().Add(bodyGrace))
		if _, err := io.CopyN(io.Discard, b.rc, maxPostHandlerRead+1); err == io.EOF {
			b.sawEOF = true
			return
		}
	}
	w.closeAfter, w.c.linger = true, true
}

// bodyGrace is how long settleBody waits for the rest of a small unread
// body that is on its way (sent with the header, in another packet).
const bodyGrace = 5 * time.Millisecond

// writeStatusLine writes the status line with reason as its phrase, or the
// standard text when reason is "", or none for a code without one
// ("HTTP/1.1 299 ", as Apache sends it; net/http makes up "status code
// 299").
func (w *response) writeStatusLine(code int, reason string) {
	bw := w.c.bw
	// HTTP/1.1 to every client: the highest version the server speaks,
	// as RFC 9110 §6.2 asks and Apache and nginx answer an HTTP/1.0
	// request (net/http says HTTP/1.0). The framing is still one a 1.0
	// client reads: no chunks, the end of the connection.
	if code == http.StatusOK && reason == "" {
		bw.WriteString("HTTP/1.1 200 OK\r\n") // (the most frequent, at once)
		return
	}
	bw.WriteString("HTTP/1.1 ")
	bw.Write(strconv.AppendInt(bw.AvailableBuffer(), int64(code), 10))
	bw.WriteByte(' ')
	if reason != "" {
		bw.WriteString(reason)
	} else {
		bw.WriteString(statusText(code))
	}
	bw.WriteString("\r\n")
}

// statusText is a code's standard reason phrase as Apache 2.4 sends it: Go's
// but for the three Apache words otherwise or has none for (a script's bare
// "Status: 418" is "HTTP/1.1 418 " there, as any code without a phrase is).
func statusText(code int) string {
	switch code {
	case http.StatusRequestURITooLong:
		return "Request-URI Too Long"
	case http.StatusTeapot, http.StatusTooEarly:
		return ""
	}
	return http.StatusText(code)
}

// newlineToSpace keeps a trailer value on its line, as net/http does.
var newlineToSpace = strings.NewReplacer("\r", " ", "\n", " ")

// bodyAllowed reports whether a response with this status may have a body
// (RFC 9110 §6.4.1).
func bodyAllowed(code int) bool {
	switch {
	case code >= 100 && code <= 199:
		return false
	case code == http.StatusNoContent, code == http.StatusNotModified:
		return false
	}
	return true
}

// framingFields are the fields of a header sendHeader decides by, read in
// one pass over it (a lookup of each costs more): whether each key is
// there, the first values as Header.Get gives them, and the Trailer
// values.
type framingFields struct {
	te, conn, cenc             string
	cl, ct, date, connKey, tek bool
	trailer                    []string
	prefixed                   bool // a key has http.TrailerPrefix
}

func (f *framingFields) read(h http.Header) {
	for k, vv := range h {
		f.field(k, vv)
	}
}

// readSnap is read of the header snap recorded.
func (f *framingFields) readSnap(snap *headerSnap) { snap.fields(snap.vals, f.field) }

// field reads one key of the header and its values.
func (f *framingFields) field(k string, vv []string) {
	switch k {
	case "Transfer-Encoding":
		f.tek, f.te = true, first(vv)
	case "Connection":
		f.connKey, f.conn = true, first(vv)
	case "Content-Encoding":
		f.cenc = first(vv)
	case "Content-Length":
		f.cl = true
	case "Content-Type":
		f.ct = true
	case "Date":
		f.date = true
	case "Trailer":
		f.trailer = vv
	default:
		if strings.HasPrefix(k, http.TrailerPrefix) {
			f.prefixed = true
		}
	}
}

// has reports whether h has key k.
func (f *framingFields) has(h http.Header, k string) bool {
	switch k {
	case "Transfer-Encoding":
		return f.tek
	case "Connection":
		return f.connKey
	case "Content-Length":
		return f.cl
	case "Content-Type":
		return f.ct
	}
	_, ok := h[k]
	return ok
}

func first(vv []string) string {
	if len(vv) > 0 {
		return vv[0]
	}
	return ""
}

// keySet is the header keys sendHeader leaves out: a few, most often
// none, kept in a slice (a map for more).
type keySet struct {
	few  [4]string
	n    int
	many map[string]bool
}

func (s *keySet) add(k string) {
	switch {
	case s.many != nil:
		s.many[k] = true
	case s.has(k):
	case s.n < len(s.few):
		s.few[s.n] = k
		s.n++
	default:
		s.many = s.asMap()
		s.many[k] = true
	}
}

func (s *keySet) has(k string) bool {
	if s.many != nil {
		return s.many[k]
	}
	for _, x := range s.few[:s.n] {
		if x == k {
			return true
		}
	}
	return false
}

// asMap returns the set as Header.WriteSubset takes it (nil when empty).
func (s *keySet) asMap() map[string]bool {
	if s.many != nil || s.n == 0 {
		return s.many
	}
	m := make(map[string]bool, s.n+1)
	for _, k := range s.few[:s.n] {
		m[k] = true
	}
	return m
}

// getField is h.Get(k) for a canonical k: no canonicalizing on each call.
func getField(h http.Header, k string) string { return first(h[k]) }

// headerLines yields the lines of the header block at the start of b (the
// request line first, then lines up to the blank one), their line ends
// cut.
func headerLines(b []byte) iter.Seq[[]byte] {
	return func(yield func([]byte) bool) {
		_, b, _ = bytes.Cut(b, []byte("\n")) // the request line
		for len(b) > 0 {
			var line []byte
			line, b, _ = bytes.Cut(b, []byte("\n"))
			line = bytes.TrimSuffix(line, []byte("\r"))
			if len(line) == 0 || !yield(line) {
				return // the end of the header block
			}
		}
	}
}

// hasFoldedLine reports whether the header block at the start of b has a
// line that starts with a space or a tab: a continuation of the line
// before (obs-fold).
func hasFoldedLine(b []byte) bool {
	for line := range headerLines(b) {
		if line[0] == ' ' || line[0] == '\t' {
			return true
		}
	}
	return false
}

// hasHeaderLine reports whether the header block at the start of b has a
// field of that name.
func hasHeaderLine(b []byte, field string) bool {
	for line := range headerLines(b) {
		if name, _, ok := bytes.Cut(line, []byte(":")); ok && strings.EqualFold(string(name), field) {
			return true
		}
	}
	return false
}

// validHost checks a non-empty Host header as Apache 2.4's strict check
// does (its default, HttpProtocolOptions Strict; vhost.c fix_hostname and
// strict_hostname_check, and APR's apr_parse_addr_port for the port):
//
//   - a port is the digits after the last ':', leading zeros allowed, from
//     1 to 65535: `a:`, `a:0`, `a:65536`, `[::1]:` and `a:+80` are refused;
//   - an IPv6 literal is in brackets, without a zone;
//   - a name is letters, digits, '-', '_' and dots, no two dots in a row,
//     one trailing dot allowed; its last label does not start with a digit,
//     '-' or '_' (`a.1`, `x.y.2a`), and a name of digits and dots only is a
//     dotted quad: four numbers without leading zeros (Apache checks no
//     range: `256.1.1.1` passes, as in Apache), not `1.2.3` nor `0`;
//   - a leading dot is no empty label to Apache (`.a` passes).
//
// Apache answers 400 to the others (`a:b:c`, `::1`, `a'b`, `$(id)`,
// `user@evil`, `a..b`, `1.2.3.4.5`), which would otherwise reach scripts as
// SERVER_NAME and SERVER_PORT: a script that builds a URL or a command
// line from its own server name must not find `@`, `#`, quotes or shell
// characters in it. (Apache reads a port of more than ten digits with C's
// atoi, which wraps: `a:4294967376` is its port 80. Here it is out of
// range.)
func validHost(h string) bool {
	host, port := h, ""
	i := len(h)
	for i > 0 && h[i-1] >= '0' && h[i-1] <= '9' {
		i--
	}
	switch {
	case i == 0:
		return false // digits only: Apache reads no host name in it
	case i < len(h) && h[i-1] == ':':
		host, port = h[:i-1], h[i:]
		if host == "" {
			return false
		}
		n := 0
		for j := 0; j < len(port); j++ {
			if n = n*10 + int(port[j]-'0'); n > 65535 {
				return false
			}
		}
		if n == 0 {
			return false
		}
	}
	if strings.HasPrefix(host, "[") {
		if !strings.HasSuffix(host, "]") {
			return false
		}
		host = host[1 : len(host)-1]
		ip := net.ParseIP(host)
		return ip != nil && strings.Contains(host, ":")
	}
	return validHostName(host)
}

// validHostName checks the name part of a Host without brackets and port:
// see validHost.
func validHostName(name string) bool {
	if strings.Contains(name, "..") {
		return false
	}
	name = strings.TrimSuffix(name, ".")
	digits, dots, zeros := true, 0, false
	for i := 0; i < len(name); i++ {
		c := name[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c == '-', c == '_':
			digits = false
		case c == '.':
			dots++
			if i+2 < len(name) && name[i+1] == '0' && name[i+2] >= '0' && name[i+2] <= '9' {
				zeros = true
			}
		case c >= '0' && c <= '9':
		default:
			return false
		}
	}
	if digits {
		// A dotted quad, written the one way (RFC 3986 §7.4).
		if name == "" || name[0] == '.' || len(name) > 1 && name[0] == '0' && name[1] >= '0' && name[1] <= '9' {
			zeros = true
		}
		return !zeros && dots == 3
	}
	// The top-level domain starts with a letter (RFC 1123 §2.1).
	if i := strings.LastIndexByte(name, '.'); i >= 0 && i+1 < len(name) {
		c := name[i+1]
		return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
	}
	return true
}

// after returns t+d, or no deadline when d is 0.
func after(t time.Time, d time.Duration) time.Time {
	if d <= 0 {
		return time.Time{}
	}
	return t.Add(d)
}

// dateCache is the Date header of the current second, shared by every
// connection.
type dateEntry struct {
	sec int64
	b   []byte
}

var dateCache atomic.Pointer[dateEntry]

func httpDate() []byte {
	now := time.Now()
	d := dateCache.Load()
	if d == nil || d.sec != now.Unix() {
		d = &dateEntry{sec: now.Unix(), b: now.UTC().AppendFormat(nil, http.TimeFormat)}
		dateCache.Store(d)
	}
	return d.b
}

// headerSnap is what a response's header held when WriteHeader was called:
// its keys with their value counts, and the values in order. It is the
// connection's, reused from response to response.
type headerSnap struct {
	keys []snapKey
	vals []string
}

type snapKey struct {
	key   string
	n     int
	isNil bool // (as Clone keeps a nil value nil)
}

// take records h, and returns its Content-Length (getField's).
func (s *headerSnap) take(h http.Header) (contentLength string) {
	s.keys, s.vals = s.keys[:0], s.vals[:0]
	for k, vv := range h {
		if k == "Content-Length" {
			contentLength = first(vv)
		}
		s.keys = append(s.keys, snapKey{k, len(vv), vv == nil})
		s.vals = append(s.vals, vv...)
	}
	return contentLength
}

// same reports whether h holds what was recorded.
func (s *headerSnap) same(h http.Header) bool {
	if len(h) != len(s.keys) {
		return false
	}
	vals := s.vals
	for _, k := range s.keys {
		vv, ok := h[k.key]
		if !ok || len(vv) != k.n || (vv == nil) != k.isNil {
			return false
		}
		for i, v := range vv {
			if v != vals[i] {
				return false
			}
		}
		vals = vals[k.n:]
	}
	return true
}

// header returns a new header with what was recorded, as Clone would
// have made it then.
func (s *headerSnap) header() http.Header {
	h := make(http.Header, len(s.keys))
	s.fields(slices.Clone(s.vals), func(k string, vv []string) { h[k] = vv })
	return h
}

// fields calls fn with each recorded key and its values, cut from vals
// (s.vals or a copy of it); a nil value stays nil.
func (s *headerSnap) fields(vals []string, fn func(k string, vv []string)) {
	for _, k := range s.keys {
		var vv []string
		if !k.isNil {
			vv = vals[:k.n:k.n]
		}
		vals = vals[k.n:]
		fn(k.key, vv)
	}
}

// reset drops what was recorded, not to keep it alive.
func (s *headerSnap) reset() {
	clear(s.keys)
	clear(s.vals)
	s.keys, s.vals = s.keys[:0], s.vals[:0]
}
