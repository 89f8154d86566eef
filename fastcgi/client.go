// client.go: one responder request on one connection: BEGIN_REQUEST, PARAMS,
// STDIN (written concurrently), then STDOUT/STDERR until END_REQUEST.

package fastcgi

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
	"unsafe"

	"github.com/menshen/menshen/internal/ctxhook"
	"github.com/menshen/menshen/internal/rawio"
)

// Errors a caller branches on. Response.Read and Conn.GetValues return them
// wrapped; match them with [errors.Is].
var (
	// ErrConnClosed means the connection ended or broke before the request
	// did (the application died or closed it), or that the Conn can no
	// longer carry requests. It may wrap [io.ErrUnexpectedEOF].
	ErrConnClosed = errors.New("fastcgi: connection closed")
	// ErrBadRecord means the application sent bytes that are not FastCGI
	// for this client: a bad version, a malformed body, or a record type a
	// client never receives (such as FCGI_BEGIN_REQUEST).
	ErrBadRecord = errors.New("fastcgi: bad record")
	// ErrOverloaded is FCGI_OVERLOADED: the application refused the
	// request for lack of resources; another worker may take it.
	ErrOverloaded = errors.New("fastcgi: application overloaded")
	// ErrCantMpxConn is FCGI_CANT_MPX_CONN: the application refused a
	// second concurrent request on the connection.
	ErrCantMpxConn = errors.New("fastcgi: application cannot multiplex connections")
	// ErrUnknownRole is FCGI_UNKNOWN_ROLE: the application does not play
	// the responder role.
	ErrUnknownRole = errors.New("fastcgi: application does not know the responder role")
)

var (
	errConnBusy       = errors.New("fastcgi: connection busy with another request")
	errResponseClosed = errors.New("fastcgi: read on closed response")
)

// ProtocolStatusError is the error of a request that the application ended
// with FCGI_END_REQUEST and a protocolStatus other than
// FCGI_REQUEST_COMPLETE (spec §5.5). It unwraps to [ErrCantMpxConn],
// [ErrOverloaded] or [ErrUnknownRole], or to [ErrBadRecord] for a status the
// spec does not define.
type ProtocolStatusError struct {
	Status    int // the protocolStatus byte
	AppStatus int // the appStatus field
}

func (e *ProtocolStatusError) Error() string {
	if errors.Is(e.Unwrap(), ErrBadRecord) {
		return fmt.Sprintf("%v: unknown protocol status %d", ErrBadRecord, e.Status)
	}
	return fmt.Sprintf("%v (protocol status %d)", e.Unwrap(), e.Status)
}

func (e *ProtocolStatusError) Unwrap() error {
	switch protoStatus(e.Status) {
	case statusCantMpxConn:
		return ErrCantMpxConn
	case statusOverloaded:
		return ErrOverloaded
	case statusUnknownRole:
		return ErrUnknownRole
	}
	return ErrBadRecord
}

const (
	// reqID is the one request id this client uses: one request per
	// connection at a time, like nginx and lighttpd (ANCHORS §5).
	reqID = 1
	// maxStderrLine bounds a FCGI_STDERR line: longer ones are split, so a
	// worker that writes without newlines cannot grow our memory.
	maxStderrLine = 8 << 10
	// defaultAbortWait bounds Response.Close of an unfinished request.
	defaultAbortWait = time.Second
	// defaultStdinGrace is how long Response.Close lets the body writer
	// finish after the application has ended the request.
	defaultStdinGrace = 200 * time.Millisecond
)

// aLongTimeAgo is a deadline in the past: every pending and later I/O on the
// conn fails at once.
var aLongTimeAgo = time.Unix(1, 0)

// Request is one responder request.
type Request struct {
	// Params are the CGI meta-variables as "NAME=value", the same slice a
	// CGI process would get as its environment. The first '=' splits.
	Params []string
	// Pairs, when not nil, are the meta-variables already encoded with
	// AppendPair, and Params is ignored: a gateway that builds them one by
	// one need not make a "NAME=value" string of each.
	Pairs []byte
	// Stdin is the request body, exactly CONTENT_LENGTH bytes; nil means
	// empty. It is read from a goroutine of its own; if its Read blocks
	// forever, that goroutine lingers until it returns (it then writes
	// nothing more).
	Stdin io.Reader
	// Stderr is called with each FCGI_STDERR line, without the newline.
	// Lines longer than 8 KiB are split; a final partial line is passed at
	// the end of the request. line is only valid during the call. Calls
	// come from the goroutine that calls Response.Read or Response.Close.
	// A Pool also passes the lines that a worker serving one request at a
	// time writes to its own stdout and stderr, from this request on until
	// its next (its children's: system, backticks), from another
	// goroutine, and after the request too: Stderr must then be safe for
	// concurrent use, and for use after the request. nil discards stderr.
	Stderr func(line []byte)
	// Dequeued, if not nil, is called by Pool.Do when the request got its
	// slot after waiting in the queue (not when a slot was free at once),
	// and again when it got its worker after waiting for one to start (or
	// to come free): the request's own time starts then.
	Dequeued func()
	// Worker, if not nil, is called by Pool.Do with the pid of the worker
	// the request is about to be sent to (again for a retry on another),
	// so that a request that fails or times out before its answer can
	// still be logged with it.
	Worker func(pid int)
	// CloseConn asks the application to close the connection after the
	// request (FCGI_KEEP_CONN unset), and the conn is not used again.
	// For a body sent to an application that may end the request before
	// it has read the body's last (empty) FCGI_STDIN record: libfcgi
	// (FCGI.pm) leaves it in the socket, takes it for a protocol error
	// at its next accept on that connection, and exits.
	CloseConn bool
	// Linger asks the application to poll its connection about this long
	// after this request before it sleeps: a processor is to spare, and
	// the next request may come at once (see PoolConfig.BusyPoll). It is
	// sent in tens of microseconds, at most 2.55 ms, in the first of
	// FCGI_BeginRequestBody's reserved bytes, which the spec leaves zero:
	// only for menshen's Perl runner, which reads it.
	Linger time.Duration
	// EnvBlock says Pairs hold the variables as one environment block
	// (StartEnvBlock, AppendEnvVar, EndEnvBlock), not as a pair each:
	// only for menshen's Perl runner, which reads the block with one
	// split where a pair each costs it a loop of Perl operations; said
	// in the second of FCGI_BeginRequestBody's reserved bytes.
	EnvBlock bool
	// Idempotent says the request may run twice without harm (GET, HEAD:
	// RFC 9110 §9.2.2). Pool.Do sends it again on another connection when
	// its kept connection was reset while the worker's process lives, which
	// cannot tell a process manager's child that ended by design with the
	// request unread from one that died running it; a request that is not
	// idempotent (a POST) fails then instead, as nginx does not retry one.
	Idempotent bool
}

// Conn is a client connection to one FastCGI application process. It
// carries one request at a time (request id 1) and asks the application to
// keep the connection (FCGI_KEEP_CONN) so it can be reused. Its methods are
// safe for concurrent use, but a second Do or GetValues while a Response is
// open fails.
type Conn struct {
	nc net.Conn
	rw *rawio.Conn // nc's reads and writes, with raw system calls

	// br and rbuf are the read side: only the holder of busy (the open
	// Response or a running GetValues) touches them.
	br   *recReader
	rbuf []byte

	// wlock is a one-slot token held while a record is written, so that an
	// FCGI_ABORT_REQUEST never lands inside an FCGI_STDIN record. It is a
	// channel so Close can give up waiting for it.
	wlock chan struct{}

	abortWait  time.Duration
	stdinGrace time.Duration

	// Made once, for the path of every request: the peek that tells
	// whether the application closed the connection (raw is nil without a
	// descriptor).
	raw        syscall.RawConn
	peekFn     func(fd uintptr) bool
	peekClosed bool // peekFn's answer; only the holder of busy uses it
	peekData   bool // peekFn found bytes waiting

	mu     sync.Mutex // guards the fields below and the conn's deadlines
	closed bool       // Close was called
	killed bool       // deadline set in the past for good
	broken bool       // state unknown: not reusable
	busy   bool       // a Response is open or GetValues runs
	stray  bool       // the application sent bytes after its request ended
	gone   bool       // peerClosed saw the application close or reset it
	ended  bool       // the last use was a request, not FCGI_GET_VALUES (release's ended)
	// deadline: a deadline may be set, which release clears; false
	// while none was set since (a dialled conn has none), as for most
	// requests: they need no SetDeadline.
	deadline bool
}

// NewConn returns a Conn that speaks FastCGI over nc, which it owns from
// now on.
func NewConn(nc net.Conn) *Conn {
	rw := rawio.New(nc)
	c := &Conn{
		nc:         nc,
		rw:         rw,
		br:         newRecReader(rw, 16<<10),
		wlock:      make(chan struct{}, 1),
		abortWait:  defaultAbortWait,
		stdinGrace: defaultStdinGrace,
	}
	c.wlock <- struct{}{}
	if sc, ok := nc.(syscall.Conn); ok {
		c.raw, _ = sc.SyscallConn()
	}
	c.peekFn = c.peek
	return c
}

// Close closes the connection. An open Response then fails with
// [ErrConnClosed]. Close is idempotent and does not block.
func (c *Conn) Close() error {
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return nil
	}
	c.closed, c.broken = true, true
	c.mu.Unlock()
	return c.nc.Close()
}

// Reusable reports whether the Conn can carry another request: the last
// request ended cleanly with FCGI_END_REQUEST(FCGI_REQUEST_COMPLETE), its
// stdin was fully written, its Response was closed, and the application did
// not close the connection (as far as can be seen without blocking). A
// fresh Conn is reusable.
func (c *Conn) Reusable() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return !c.closed && !c.broken && !c.busy
}

// kill makes every pending and later read and write fail at once, for good.
// It is how a context cancellation or a failed body unblocks the I/O.
func (c *Conn) kill() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.killed {
		return
	}
	c.killed, c.broken, c.deadline = true, true, true
	c.nc.SetDeadline(aLongTimeAgo)
}

func (c *Conn) markBroken() {
	c.mu.Lock()
	c.broken = true
	c.mu.Unlock()
}

// setDeadline sets the read and write deadlines unless the conn was killed
// or closed, which it reports by returning false.
func (c *Conn) setDeadline(t time.Time) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.killed || c.closed {
		return false
	}
	c.deadline = true
	return c.nc.SetDeadline(t) == nil
}

func (c *Conn) setWriteDeadline(t time.Time) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.killed || c.closed {
		return false
	}
	c.deadline = true
	return c.nc.SetWriteDeadline(t) == nil
}

// acquire claims the conn for one request or GetValues.
func (c *Conn) acquire() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	switch {
	case c.closed:
		return fmt.Errorf("%w: closed by client", ErrConnClosed)
	case c.busy:
		return errConnBusy
	case c.broken:
		return fmt.Errorf("%w: not reusable after the previous request", ErrConnClosed)
	}
	// An application that exits between requests (PHP_FCGI_MAX_REQUESTS,
	// recycling) leaves a stale conn that release could not see yet: the
	// write or the first read then fails with EPIPE or ECONNRESET, which
	// callers such as Pool take as "not processed" and retry. (A Pool
	// asks Unchanged before it gives a kept conn a request.)
	c.busy = true
	return nil
}

// release ends what acquire started. A conn that stays healthy gets its
// deadlines cleared for the next request. ended says a request ended on
// it: nothing may follow then (see peerClosed). After FCGI_GET_VALUES
// something may (Go's net/http/fcgi ends its result with an empty
// record), which the next request ignores: management records have id 0.
func (c *Conn) release(broken, ended bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.busy = false
	c.ended = ended
	if broken {
		c.broken = true
	}
	if c.broken || c.killed || c.closed {
		return
	}
	if c.deadline {
		if c.nc.SetDeadline(time.Time{}) != nil {
			c.broken = true
			return
		}
		c.deadline = false
	}
	if c.peerClosed(ended) {
		c.broken = true
	}
}

// peerClosed reports whether the connection can carry no other request:
// the application has closed or reset it, or, when ended, sent bytes after
// the end of its request (c.stray), which the next request would read as its own
// answer: one client's page in the next one's, the answers shifted by one
// from then on. (The request id tells them apart no better: it is 1 for
// every request, as from Apache, nginx and lighttpd, which open a
// connection per request and so never meet such bytes; applications that
// answer with id 1 whatever they were asked exist.) It does not block nor
// consume data. c.mu is held.
func (c *Conn) peerClosed(ended bool) bool {
	if c.br.buffered() > 0 {
		c.stray = ended
		return ended
	}
	if c.raw == nil {
		return false
	}
	err := c.peekNow()
	if c.peekData && ended {
		c.stray = true
		return true
	}
	c.gone = c.peekClosed
	return c.peekClosed || err != nil
}

// peekNow looks at the socket once (peek), for peerClosed and Waiting:
// peekData and peekClosed say what it found. c.raw is not nil, c.mu held.
func (c *Conn) peekNow() error {
	c.peekClosed, c.peekData = false, false
	return c.raw.Read(c.peekFn)
}

// peek is peerClosed's look at the socket: a recv of one byte that leaves
// it there and does not wait, made without the allocations of
// syscall.Recvfrom (it is on every request's path).
func (c *Conn) peek(fd uintptr) bool {
	var b [1]byte
	n, _, errno := syscall.RawSyscall6(syscall.SYS_RECVFROM, fd, uintptr(unsafe.Pointer(&b[0])), 1, syscall.MSG_PEEK|syscall.MSG_DONTWAIT, 0, 0)
	c.peekClosed = (n == 0 && errno == 0) || errno == syscall.ECONNRESET
	c.peekData = n == 1 && errno == 0
	return true
}

// Unchanged reports whether a kept conn is as its last request left it,
// to be given the next: the application has not closed it, and nothing
// came on it since (bytes that did are the last request's, sent late: a
// double finish, a late flush; Stray tells them then; after
// FCGI_GET_VALUES they may follow, as for release). A conn that is not
// unchanged is not reusable. One system call; a conn in use or broken is
// not unchanged either.
func (c *Conn) Unchanged() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed || c.broken || c.killed || c.busy {
		return false
	}
	if c.peerClosed(c.ended) {
		c.broken = true
		return false
	}
	return true
}

// Unread reports whether bytes written on the conn wait unread by the
// application (SIOCOUTQ: what the peer's socket has not yet handed to a
// read), true when it cannot be told.
func (c *Conn) Unread() bool {
	if c.raw == nil {
		return true
	}
	n := 1
	if err := c.raw.Control(func(fd uintptr) {
		var q int32
		if _, _, e := syscall.Syscall(syscall.SYS_IOCTL, fd, syscall.TIOCOUTQ, uintptr(unsafe.Pointer(&q))); e == 0 {
			n = int(q)
		}
	}); err != nil {
		return true
	}
	return n > 0
}

// PeerClosed reports whether the application was seen closing the
// connection after a request (when the request ended, or by Unchanged),
// as one that closes after every request, whatever FCGI_KEEP_CONN asked,
// does; not when the request itself asked it to (CloseConn).
func (c *Conn) PeerClosed() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.gone
}

// Stray reports whether the application sent bytes after the end of its
// last request: the connection was not kept.
func (c *Conn) Stray() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.stray
}

// readRecord reads the next record from the conn; its content is valid
// until the next call (it may alias c.br's buffer: nothing else reads c.br
// meanwhile, and Ready only peeks once the content is consumed).
func (c *Conn) readRecord() (header, []byte, error) {
	h, content, buf, err := c.br.next(c.rbuf)
	c.rbuf = buf
	return h, content, err
}

// ioErr maps a failed read or write to what the caller returns: the
// context's error if it caused it, bad records as they are, and anything
// else as ErrConnClosed.
func ioErr(ctx context.Context, err error) error {
	if cerr := ctx.Err(); cerr != nil {
		return cerr
	}
	if errors.Is(err, ErrBadRecord) {
		return err
	}
	if err == io.EOF {
		err = io.ErrUnexpectedEOF
	}
	return fmt.Errorf("%w: %w", ErrConnClosed, err)
}

// encodeRequest appends BEGIN_REQUEST and the PARAMS stream to dst, and the
// empty STDIN record too when there is no body, so that they leave in one
// write.
func encodeRequest(dst []byte, req *Request) ([]byte, error) {
	pairs := req.Pairs
	if pairs == nil {
		var err error
		if pairs, err = encodeParams(req.Params); err != nil {
			return nil, err
		}
	}
	if len(pairs) <= maxParamsContent {
		return appendRequest(dst, pairs, !req.CloseConn, req.Linger, req.EnvBlock, req.Stdin == nil), nil
	}
	n := 2*headerLen + 8 + len(pairs) + (len(pairs)/maxContent+1)*(headerLen+7) + headerLen
	msg := appendRecord(slices.Grow(dst, n), typeBeginRequest, reqID, beginRequestBody(!req.CloseConn, req.Linger, req.EnvBlock))
	msg = appendPairStream(msg, reqID, pairs)
	if req.Stdin == nil {
		msg = appendRecord(msg, typeStdin, reqID, nil)
	}
	return msg, nil
}

// appendRequest is encodeRequest for params that fit one FCGI_PARAMS
// record, as nearly all do: the same records (BEGIN_REQUEST, the params
// and the empty one that ends them, the empty STDIN when stdinEnd), the
// same bytes, written in place in one grown buffer rather than record by
// record through appends. Every byte is written: a pooled buffer holds
// the last request's.
func appendRequest(dst, pairs []byte, keep bool, linger time.Duration, envBlock, stdinEnd bool) []byte {
	size := 3 * headerLen // BEGIN_REQUEST and its body, the empty FCGI_PARAMS
	pad := padLen(len(pairs))
	if len(pairs) > 0 {
		size += headerLen + len(pairs) + pad
	}
	if stdinEnd {
		size += headerLen
	}
	start := len(dst)
	msg := slices.Grow(dst, size)[:start+size]
	b := msg[start:]
	putHeader(b, typeBeginRequest, reqID, 8, 0)
	putBeginRequestBody(b[headerLen:], keep, linger, envBlock)
	b = b[2*headerLen:]
	if len(pairs) > 0 {
		putHeader(b, typeParams, reqID, len(pairs), pad)
		n := headerLen + copy(b[headerLen:], pairs)
		clear(b[n : n+pad])
		b = b[n+pad:]
	}
	putHeader(b, typeParams, reqID, 0, 0)
	if stdinEnd {
		putHeader(b[headerLen:], typeStdin, reqID, 0, 0)
	}
	return msg
}

// msgPool holds the buffers requests are encoded in: a request is written
// whole before Do returns, so one buffer serves request after request.
var msgPool = sync.Pool{New: func() any { b := make([]byte, 0, 2048); return &b }}

// maxPooledMsg bounds the buffers msgPool keeps.
const maxPooledMsg = 64 << 10

// encodeParams encodes "NAME=value" strings as name-value pairs.
func encodeParams(params []string) ([]byte, error) {
	var pairs []byte
	for _, kv := range params {
		name, value, ok := strings.Cut(kv, "=")
		if !ok || name == "" {
			return nil, fmt.Errorf("fastcgi: param %.64q is not NAME=value", kv)
		}
		var err error
		if pairs, err = AppendPair(pairs, name, value); err != nil {
			return nil, err
		}
	}
	return pairs, nil
}

// Do starts req: it writes FCGI_BEGIN_REQUEST and the FCGI_PARAMS stream,
// then streams Stdin as FCGI_STDIN records from a goroutine of its own, so
// that reading the Response never waits for the whole body to be written
// (spec §6.2: the application may write before it has read all of stdin).
// It returns once the request is sent far enough to be read; the caller
// must Close the Response.
//
// ctx governs the whole request, reading the Response included: when it
// ends, pending I/O fails at once, Do or Read return ctx.Err(), and the Conn
// is not reusable. An error from Do means the application never received
// the end of the request's params, and so never ran it; it wraps
// [ErrConnClosed] when the Conn cannot carry requests.
func (c *Conn) Do(ctx context.Context, req *Request) (*Response, error) {
	r := &Response{watch: &ctxWatch{}}
	if err := c.do(ctx, req, r); err != nil {
		return nil, err
	}
	return r, nil
}

// do is Do into r, whose watch is either new, and registered here on ctx
// for the conn alone, or already registered on ctx by the caller (a
// Pool's run, for its worker), and armed here for the conn too.
func (c *Conn) do(ctx context.Context, req *Request, r *Response) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	mp := msgPool.Get().(*[]byte)
	defer func() {
		if cap(*mp) <= maxPooledMsg {
			msgPool.Put(mp)
		}
	}()
	msg, err := encodeRequest((*mp)[:0], req)
	if err != nil {
		return err
	}
	*mp = msg
	if err := c.acquire(); err != nil {
		return err
	}
	r.c, r.ctx, r.lines, r.closeConn = c, ctx, lineSplitter{emit: req.Stderr}, req.CloseConn
	r.watching = true
	if w := r.watch; !w.registered {
		w.conn, w.c = watchArmed, c // (not registered yet: no one else sees w)
		w.register(ctx)
	} else {
		w.armConn(c)
	}
	// No need for the write token (wlock): no other writer can run. The
	// conn is ours (acquire), and one on which a request's body writer or
	// abort could still write was killed, which leaves it broken, not to
	// be acquired again (Response.Close, finishStdin).
	c.rw.SpinBudget(spinsPerRequest)
	_, err = c.rw.Write(msg)
	if err != nil {
		r.watching = false
		r.watch.disarmConn()
		c.release(true, false)
		return ioErr(ctx, fmt.Errorf("send request: %w", err))
	}
	if req.Stdin == nil {
		r.stdinDone = true
		return nil
	}
	r.wstop = make(chan struct{})
	r.wdone = make(chan struct{})
	go r.writeStdin(req.Stdin)
	return nil
}

// spinsPerRequest is how many reads of a request's answer that find
// nothing waiting may busy-poll (rawio.Conn.SpinBudget), when the conn
// spins at all: the answer of a quick request comes in at most a few
// writes (the Perl runner's in one; FCGI.pm's stdout and end of request
// in two), and the reads past them are of an answer that streams, whose
// pieces come as fast as its script makes them.
const spinsPerRequest = 3

// watchState is where one party's watch of a request's context is.
type watchState uint8

const (
	watchNone     watchState = iota // not armed (yet)
	watchArmed                      // the context's end runs the party's kill
	watchDisarmed                   // disarmed before the context ended
	watchFired                      // the context ended while armed: its kill runs or ran
)

// ctxWatch watches one request's context for the two parties that act
// when it ends (C10): the Conn, whose I/O it kills at once, and, for a
// Pool, the worker, whose process group it kills. One context.AfterFunc
// registration serves both, where a registration each took a lock, a map
// entry in the context and an allocation or two more per request; yet
// each party is armed and disarmed on its own, under mu, exactly as with
// a registration of its own: one disarmed before the context ended is not
// acted on, disarming tells whether it was, and the worker's disarming
// waits for a kill under way, as stopping a fired registration and
// waiting for its function did. The registration is stopped when the
// last armed party is disarmed.
type ctxWatch struct {
	hook       ctxhook.Hook // the registration; set by register
	registered bool

	mu         sync.Mutex
	ended      bool // fire ran: the context has ended
	conn       watchState
	c          *Conn // the conn party's conn, once armed
	worker     watchState
	killWorker func()        // the worker party's kill
	killed     chan struct{} // closed when killWorker has returned; made by fire
}

// register registers w on ctx: fire runs when ctx ends.
func (w *ctxWatch) register(ctx context.Context) {
	w.hook, w.registered = ctxhook.Register(ctx, (*watchFire)(w)), true
}

// watchFire is a ctxWatch as its registration calls it (fire): a
// registration that allocates nothing (ctxhook.Register).
type watchFire ctxWatch

// ContextDone is the end of the watched context: fire.
func (f *watchFire) ContextDone() { (*ctxWatch)(f).fire() }

// fire is what the context's end runs, on a goroutine of its own: the
// kill of each party that is armed.
func (w *ctxWatch) fire() {
	w.mu.Lock()
	w.ended = true
	conn := w.conn == watchArmed
	if conn {
		w.conn = watchFired
	}
	var killed chan struct{}
	if w.worker == watchArmed {
		w.worker = watchFired
		killed = make(chan struct{})
		w.killed = killed
	}
	w.mu.Unlock()
	if conn {
		w.c.kill()
	}
	if killed != nil {
		defer close(killed)
		w.killWorker()
	}
}

// armConn arms the conn party on a registered watch. Should the context
// have ended already, c is killed at once, as a registration made then
// would have had it killed.
func (w *ctxWatch) armConn(c *Conn) {
	w.mu.Lock()
	w.c = c
	if !w.ended {
		w.conn = watchArmed
		w.mu.Unlock()
		return
	}
	w.conn = watchFired
	w.mu.Unlock()
	c.kill()
}

// disarmConn disarms the conn party and reports whether its kill was not
// run (the context had not ended while it was armed).
func (w *ctxWatch) disarmConn() bool {
	w.mu.Lock()
	if w.conn != watchArmed {
		fired := w.conn == watchFired
		w.mu.Unlock()
		return !fired
	}
	w.conn = watchDisarmed
	last := w.worker != watchArmed
	w.mu.Unlock()
	if last {
		w.hook.Stop()
	}
	return true
}

// disarmWorker disarms the worker party and reports whether its kill was
// not run; if it was, it returns once the kill has.
func (w *ctxWatch) disarmWorker() bool {
	w.mu.Lock()
	switch w.worker {
	case watchArmed:
		w.worker = watchDisarmed
		last := w.conn != watchArmed
		w.mu.Unlock()
		if last {
			w.hook.Stop()
		}
		return true
	case watchFired:
		killed := w.killed
		w.mu.Unlock()
		<-killed
		return false
	}
	w.mu.Unlock()
	return true
}

// GetValues asks the application for the values of names with an
// FCGI_GET_VALUES management record (spec §4.1), such as FCGI_MAX_CONNS,
// FCGI_MAX_REQS and FCGI_MPXS_CONNS, and returns its FCGI_GET_VALUES_RESULT.
// Names the application does not know are absent; an application that does
// not know FCGI_GET_VALUES at all (FCGI_UNKNOWN_TYPE) gives an empty map.
// It blocks until the reply or the end of ctx, and fails while a Response
// is open.
func (c *Conn) GetValues(ctx context.Context, names ...string) (map[string]string, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	var body []byte
	for _, name := range names {
		var err error
		if body, err = AppendPair(body, name, ""); err != nil {
			return nil, err
		}
	}
	if len(body) > maxContent {
		return nil, fmt.Errorf("fastcgi: get values: %d bytes of names do not fit one record", len(body))
	}
	if err := c.acquire(); err != nil {
		return nil, err
	}
	stop := context.AfterFunc(ctx, c.kill)
	broken := true
	defer func() {
		if !stop() {
			broken = true
		}
		c.release(broken, false)
	}()
	<-c.wlock
	_, err := c.rw.Write(getValuesRecord(body))
	c.wlock <- struct{}{}
	if err != nil {
		return nil, ioErr(ctx, fmt.Errorf("send get values: %w", err))
	}
	for {
		h, content, err := c.readRecord()
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			// The application closed the connection having read the
			// query whole (on a Unix socket, bytes it left unread make
			// it a reset): a fact, whatever became of ctx meanwhile (a
			// Pool cancels it when the process exits), and what tells
			// an application that ended on the query (worker.ready).
			return nil, fmt.Errorf("%w: %w", ErrConnClosed, io.ErrUnexpectedEOF)
		}
		if err != nil {
			return nil, ioErr(ctx, err)
		}
		if h.id != 0 {
			continue // a late record of a past request
		}
		switch h.typ {
		case typeGetValuesResult:
			pairs, err := decodePairs(content)
			if err != nil {
				return nil, err
			}
			values := make(map[string]string, len(pairs))
			for _, p := range pairs {
				values[p.name] = p.value
			}
			broken = false
			return values, nil
		case typeUnknownType:
			t, err := parseUnknownType(content)
			if err != nil {
				return nil, err
			}
			if t == typeGetValues {
				broken = false
				return map[string]string{}, nil
			}
		}
	}
}

// Response is the FCGI_STDOUT stream of one request. Read it to io.EOF (or
// an error), then Close it; Close may also be called early, or from another
// goroutine while Read blocks.
type Response struct {
	c         *Conn
	ctx       context.Context
	watch     *ctxWatch // the watch of ctx (its conn party is this request's)
	watching  bool      // the conn party is armed: finishCtx has not run
	closeConn bool      // the request did not ask to keep the conn

	// The body writer: wstop asks it to stop, wdone is closed when it has
	// returned. Both are nil when there was no body.
	wstop    chan struct{}
	wdone    chan struct{}
	stopOnce sync.Once

	wmu       sync.Mutex // guards the writer's outcome below
	stdinDone bool       // the empty FCGI_STDIN record was written
	werr      error      // why stdin is unfinished
	srcErr    error      // reading Request.Stdin failed

	mu      sync.Mutex // held by Read and Close: they own the conn's read side
	pending []byte     // unread FCGI_STDOUT bytes of the last record
	ended   bool       // FCGI_END_REQUEST was read
	err     error      // what Read returns once pending is drained
	closed  bool
	lines   lineSplitter

	// endStatus is the appStatus of FCGI_END_REQUEST plus 1<<32 once it
	// was read, 0 before: AppStatus must not wait for a blocked Read.
	endStatus atomic.Int64
	// stdoutEnded is set once the empty FCGI_STDOUT record was read.
	stdoutEnded atomic.Bool
}

// Read reads FCGI_STDOUT bytes as they arrive: it returns what one record
// carried without waiting to fill p. It returns io.EOF after
// FCGI_END_REQUEST with FCGI_REQUEST_COMPLETE, a [*ProtocolStatusError] for
// another protocol status, an error wrapping [ErrConnClosed] if the
// connection ends first, [ErrBadRecord] for garbage, and ctx.Err() if the
// request's context ends. FCGI_STDERR lines reach Request.Stderr meanwhile.
func (r *Response) Read(p []byte) (int, error) { return r.read(p, false) }

// ReadStdout is Read for a caller that wants the answer as soon as it is
// whole: it returns io.EOF at the end of the FCGI_STDOUT stream (the empty
// record), even while the application goes on with the request. The
// request is then still open: [Response.AwaitEnd] waits for its end,
// Close aborts it.
func (r *Response) ReadStdout(p []byte) (int, error) { return r.read(p, true) }

// read is Read, or ReadStdout when stdoutOnly.
func (r *Response) read(p []byte, stdoutOnly bool) (int, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed {
		return 0, errResponseClosed
	}
	if len(p) == 0 {
		return 0, nil
	}
	if err := r.awaitLocked(stdoutOnly); err != nil {
		return 0, err
	}
	n := copy(p, r.pending)
	r.pending = r.pending[n:]
	return n, nil
}

// AwaitEnd reads, after the stdout stream, until FCGI_END_REQUEST: it
// returns nil once the request completed, else what Read would return.
// Stdout bytes still arriving are dropped (the answer was whole);
// FCGI_STDERR lines reach Request.Stderr meanwhile.
func (r *Response) AwaitEnd() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed {
		return errResponseClosed
	}
	for r.err == nil {
		r.pending = nil
		r.next()
	}
	r.pending = nil
	if r.err == io.EOF {
		return nil
	}
	return r.err
}

// Wait blocks until a Read would return at once: stdout bytes, or the end
// of the request. It returns the error that Read would then return, if no
// bytes are at hand; it consumes nothing.
func (r *Response) Wait() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed {
		return errResponseClosed
	}
	return r.awaitLocked(false)
}

// awaitLocked reads records until stdout bytes are pending or the request
// has ended (its error, io.EOF included, is returned), or, when
// stdoutOnly, the stdout stream has (io.EOF). r.mu is held.
func (r *Response) awaitLocked(stdoutOnly bool) error {
	for len(r.pending) == 0 {
		if r.err != nil {
			return r.err
		}
		if stdoutOnly && r.stdoutEnded.Load() {
			return io.EOF
		}
		r.next()
	}
	return nil
}

// Waiting reports whether a read of the answer would find something
// now: a record buffered (Ready), or bytes, or the end, waiting on the
// connection (one system call, a peek that takes nothing). False when
// the connection cannot be asked. For a caller that must not block on
// an application still running, and waits for its end only a moment.
func (r *Response) Waiting() bool {
	if r.Ready() {
		return true
	}
	c := r.c
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.raw == nil || c.killed || c.closed {
		return false
	}
	if c.peekNow() != nil {
		return true // (the read says what went wrong)
	}
	return c.peekData || c.peekClosed
}

// Ready reports whether a Read would return without waiting for the
// application: stdout bytes or the end of the request are at hand, or a
// whole next record is already buffered. It does not block; the gateway uses
// it to flush to its client only when the application pauses (C8).
func (r *Response) Ready() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	for {
		if len(r.pending) > 0 || r.err != nil {
			return true
		}
		br := r.c.br
		if br.buffered() < headerLen {
			return false
		}
		h := parseHeader(br.buf[br.r:br.w])
		if br.buffered() < headerLen+int(h.length)+int(h.padding) {
			return false
		}
		// A whole record is buffered. One that brings no stdout bytes
		// (stderr, the end of stdout, another request's or a management
		// record) is acted on now: it must not pass for output about to
		// come, or what was read before it would wait unflushed (C8).
		if h.version == version1 && h.id == reqID &&
			(h.typ == typeStdout && h.length > 0 || h.typ == typeEndRequest) {
			return true
		}
		r.next()
	}
}

// StdoutEnded reports whether the application has ended its FCGI_STDOUT
// stream (the empty record): the answer is whole, even if the request has
// not ended yet. It does not block.
func (r *Response) StdoutEnded() bool { return r.stdoutEnded.Load() }

// AppStatus returns the appStatus of FCGI_END_REQUEST (the CGI exit
// status); ok is false until FCGI_END_REQUEST has been read. It does not block.
func (r *Response) AppStatus() (status int, ok bool) {
	v := r.endStatus.Load()
	return int(uint32(v)), v != 0
}

// next reads one record and acts on it; a terminal outcome lands in r.err.
// r.mu is held.
func (r *Response) next() {
	h, content, err := r.c.readRecord()
	if err != nil {
		r.fail(r.readErr(err))
		return
	}
	if h.id != reqID {
		// Management records (id 0) and other requests' records are none of
		// this request's business (spec §3.3: ignore inactive ids).
		return
	}
	switch h.typ {
	case typeStdout:
		// An empty record ends the stream, but FCGI_STDERR may still come:
		// only FCGI_END_REQUEST ends the request (h2o#621).
		r.pending = content
		if len(content) == 0 {
			r.stdoutEnded.Store(true)
		}
	case typeStderr:
		if len(content) == 0 {
			r.lines.flush()
		} else {
			r.lines.write(content)
		}
	case typeEndRequest:
		app, status, err := parseEndRequest(content)
		if err != nil {
			r.fail(err)
			return
		}
		r.lines.flush()
		r.ended = true
		r.endStatus.Store(int64(app) | 1<<32)
		if status != statusRequestComplete {
			r.fail(&ProtocolStatusError{Status: int(status), AppStatus: int(app)})
			return
		}
		r.fail(io.EOF)
	default:
		r.fail(fmt.Errorf("%w: unexpected %v for request %d", ErrBadRecord, h.typ, h.id))
	}
}

// readErr explains a failed read: a cancelled context or a failed body
// comes first, since both break the conn on purpose.
func (r *Response) readErr(err error) error {
	if cerr := r.ctx.Err(); cerr != nil {
		return cerr
	}
	r.wmu.Lock()
	srcErr := r.srcErr
	r.wmu.Unlock()
	if srcErr != nil {
		return srcErr
	}
	return ioErr(r.ctx, err)
}

// fail records the request's outcome: io.EOF for success.
func (r *Response) fail(err error) {
	r.err = err
	r.finishCtx()
	if err != io.EOF {
		r.c.markBroken()
	}
}

// finishCtx stops watching the request's context.
func (r *Response) finishCtx() {
	if !r.watching {
		return
	}
	r.watching = false
	if !r.watch.disarmConn() {
		r.c.markBroken() // the watcher fired: the conn is (being) killed
	}
}

// Close ends the request. If it has not ended, Close sends
// FCGI_ABORT_REQUEST and discards stdout until FCGI_END_REQUEST, for at most
// about a second; if that fails the Conn is left not reusable. A Read
// blocked in another goroutine is broken off. Close never blocks for long,
// is idempotent and returns nil.
func (r *Response) Close() error {
	if !r.mu.TryLock() {
		r.c.kill() // a Read holds the read side: break it
		r.mu.Lock()
	}
	defer r.mu.Unlock()
	if r.closed {
		return nil
	}
	r.closed = true
	if r.err == nil {
		r.abort()
	}
	r.pending = nil
	r.finishStdin()
	r.finishCtx()
	r.lines.flush()
	r.wmu.Lock()
	stdinDone := r.stdinDone
	r.wmu.Unlock()
	r.c.release(r.err != io.EOF || !stdinDone || r.closeConn, true)
	return nil
}

// abort sends FCGI_ABORT_REQUEST (spec §5.4) and reads until the
// application's FCGI_END_REQUEST, within c.abortWait. r.mu is held.
func (r *Response) abort() {
	c := r.c
	r.err = errResponseClosed // Close marks the conn broken unless the drain below ends cleanly
	deadline := time.Now().Add(c.abortWait)
	if !c.setDeadline(deadline) {
		return
	}
	r.stopWriter()
	timer := time.NewTimer(c.abortWait)
	defer timer.Stop()
	select {
	case <-c.wlock:
	case <-timer.C:
		return // the body writer is stuck in a write: the conn is lost
	}
	r.wmu.Lock()
	torn := r.werr != nil || r.srcErr != nil // a record may be cut short
	r.wmu.Unlock()
	var err error
	if !torn {
		err = writeRecord(c.nc, typeAbortRequest, reqID, nil)
	}
	c.wlock <- struct{}{}
	if torn || err != nil {
		return
	}
	if r.wdone != nil {
		// The writer was told to stop; let it return, so that stdinDone
		// is final.
		select {
		case <-r.wdone:
		case <-timer.C:
			return
		}
	}
	r.wmu.Lock()
	stdinDone := r.stdinDone
	r.wmu.Unlock()
	if !stdinDone {
		// Without a complete stdin the conn is not reusable anyway; the
		// record just told the application to stop early.
		return
	}
	r.err = nil
	for r.err == nil {
		r.pending = nil
		r.next()
	}
}

// stopWriter asks the body writer to stop before its next record.
func (r *Response) stopWriter() {
	if r.wstop != nil {
		r.stopOnce.Do(func() { close(r.wstop) })
	}
}

// finishStdin makes sure the body writer ends. After a clean end of the
// request it may finish the body within c.stdinGrace (the application may
// still be draining it); otherwise it is stopped, and a write stuck because
// the application stopped reading is broken off by killing the conn, which
// is not reusable then anyway.
func (r *Response) finishStdin() {
	if r.wdone == nil {
		return
	}
	select {
	case <-r.wdone:
		return
	default:
	}
	if r.err == io.EOF && r.c.setWriteDeadline(time.Now().Add(r.c.stdinGrace)) {
		timer := time.NewTimer(r.c.stdinGrace)
		defer timer.Stop()
		select {
		case <-r.wdone:
			return
		case <-timer.C:
		}
	}
	r.stopWriter()
	r.c.kill()
}

// writeStdin streams src as FCGI_STDIN records, then the empty one. It runs
// in its own goroutine and returns on EOF, a failed read or write, or stop.
func (r *Response) writeStdin(src io.Reader) {
	defer close(r.wdone)
	c := r.c
	bp := stdinBufs.Get().(*[]byte)
	defer stdinBufs.Put(bp)
	buf := *bp
	for {
		n, rerr := src.Read(buf[headerLen : headerLen+maxContent])
		if rerr != nil && rerr != io.EOF {
			r.wmu.Lock()
			r.srcErr = fmt.Errorf("fastcgi: read request body: %w", rerr)
			r.wmu.Unlock()
			c.kill() // the stream cannot be finished: fail the request
			return
		}
		var rec []byte
		if n > 0 {
			rec = frameRecord(buf, typeStdin, reqID, n)
		}
		if rerr == io.EOF {
			rec = appendRecord(rec, typeStdin, reqID, nil)
		}
		if len(rec) > 0 && !r.writeLocked(rec) {
			return
		}
		if rerr == io.EOF {
			r.wmu.Lock()
			r.stdinDone = true
			r.wmu.Unlock()
			return
		}
	}
}

// writeLocked writes one or two records under the write token unless the
// writer was asked to stop.
func (r *Response) writeLocked(rec []byte) bool {
	c := r.c
	select {
	case <-r.wstop:
		return false
	case <-c.wlock:
	}
	select {
	case <-r.wstop:
		c.wlock <- struct{}{}
		return false
	default:
	}
	_, err := c.rw.Write(rec)
	c.wlock <- struct{}{}
	if err != nil {
		r.wmu.Lock()
		r.werr = err
		r.wmu.Unlock()
		return false
	}
	return true
}

// stdinBufs holds body buffers: a header, the largest content, and room
// for padding plus the empty end record.
var stdinBufs = sync.Pool{New: func() any {
	b := make([]byte, headerLen+maxContent+7+headerLen)
	return &b
}}

// lineSplitter cuts the FCGI_STDERR stream into lines of at most
// maxStderrLine bytes, without their LF or CRLF, as a CGI script's stderr
// is cut (cgi.Process): the same script logs the same lines in both modes.
type lineSplitter struct {
	emit  func(line []byte) // nil discards
	buf   []byte            // the partial line
	split bool              // the line's last piece was cut at maxStderrLine
}

func (s *lineSplitter) write(p []byte) {
	if s.emit == nil {
		return
	}
	for len(p) > 0 {
		i := bytes.IndexByte(p, '\n')
		chunk := p
		if i >= 0 {
			chunk = p[:i]
		}
		for len(s.buf)+len(chunk) > maxStderrLine {
			s.split = true
			if len(s.buf) == 0 {
				s.emit(chunk[:maxStderrLine])
				chunk = chunk[maxStderrLine:]
				continue
			}
			k := maxStderrLine - len(s.buf)
			s.buf = append(s.buf, chunk[:k]...)
			s.emit(s.buf)
			s.buf = s.buf[:0]
			chunk = chunk[k:]
		}
		if i < 0 {
			s.buf = append(s.buf, chunk...)
			return
		}
		line := chunk
		if len(s.buf) > 0 {
			s.buf = append(s.buf, chunk...)
			line = s.buf
		}
		if n := len(line); n > 0 && line[n-1] == '\r' {
			line = line[:n-1]
		}
		// What is left of a line cut at maxStderrLine may be nothing but
		// its end: no empty line for it.
		if len(line) > 0 || !s.split {
			s.emit(line)
		}
		s.buf, s.split = s.buf[:0], false
		p = p[i+1:]
	}
}

// flush passes on a partial line: the stream's last, or one unfinished for
// long. What comes of it later, if that is only its end, is no line.
func (s *lineSplitter) flush() {
	if len(s.buf) > 0 && s.emit != nil {
		s.emit(s.buf)
		s.split = true
	}
	s.buf = s.buf[:0]
}

// getValuesRecord frames an FCGI_GET_VALUES record. Its padding is never
// empty: libfcgi (FCGI.pm, the C FastCGI kit) never answers a management
// record that has no padding, so content that is already a multiple of 8
// bytes (FCGI_MAX_CONNS alone, or the three standard names together) gets
// 8 bytes of it, which keeps the alignment and is valid for any
// application (spec §3.3: paddingLength is 0 to 255).
func getValuesRecord(content []byte) []byte {
	pad := padLen(len(content))
	if pad == 0 {
		pad = 8
	}
	return appendPaddedRecord(nil, typeGetValues, 0, content, pad)
}
