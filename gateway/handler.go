// handler.go serves the public listener: route, read the body, run the
// script in its mode, parse its header block and stream its output.

package gateway

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"html"
	"io"
	"io/fs"
	"net"
	"net/http"
	"net/url"
	"os"
	"path"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/menshen/menshen/cgi"
	"github.com/menshen/menshen/fastcgi"
	"github.com/menshen/menshen/internal/ctxhook"
	"github.com/menshen/menshen/internal/httpsyntax"
	"github.com/sirupsen/logrus"
)

var _ http.Handler = (*Gateway)(nil)

// hopByHop are the connection-level headers (RFC 9110 §7.6.1) a script
// cannot set for the client connection.
var hopByHop = map[string]bool{
	"Connection": true, "Keep-Alive": true, "Proxy-Connection": true,
	"Te": true, "Trailer": true, "Upgrade": true,
}

// Buffers reused across requests: a request must not cost the garbage
// collector 48 KiB (it shows in CGI req/s on small machines).
var (
	readerPool = sync.Pool{New: func() any { return bufio.NewReaderSize(nil, 16<<10) }}
	bufPool    = sync.Pool{New: func() any { b := make([]byte, 32<<10); return &b }}
)

// writeGrace is how long a request that has timed out or lost its client
// may still take to write its answer.
const writeGrace = time.Second

// maxLocalRedirects bounds chains of local Location answers (Apache: 10).
const maxLocalRedirects = 10

// execution is one running request: a CGI process or a FastCGI request on a
// worker. The body is read from stdout; finish is called exactly once.
type execution interface {
	stdout() io.Reader
	pid() int
	// ready reports whether reading stdout would return at once; nil when
	// it cannot tell (then every read is flushed to the client).
	ready() bool
	// finish ends the execution; abort kills or aborts it instead of
	// waiting for a normal end.
	finish(abort bool) error
}

// exchange is one request, across the local redirects it may go through:
// what the access log line says about it, and what a redirect hands on.
type exchange struct {
	id      uint64
	script  string
	mode    Mode
	pid     int
	status  int
	bytes   int64 // body bytes sent to the client (none for HEAD, as Apache's %b)
	head    bool  // a HEAD request: the server drops whatever body is written
	spawned bool
	err     error
	// cut is set when the body was cut short after the headers went out
	// (timeout, script killed): the connection must break so that the
	// client cannot take the truncated body for a whole one (C10).
	cut bool
	// sent is set once the script's own header went out: status is then
	// the script's, not what a failure after it would have given.
	sent bool
	// queued is called when the script starts after waiting in the
	// queue: --timeout bounds its run, not its wait too.
	queued func()
	// assigned is when a FastCGI request got its worker (zero before):
	// where the script began to run, after the wait for a worker.
	assigned time.Time
	start    time.Time // when the request arrived
	counted  bool      // in the stats and metrics already (count)
	// params are what the running script's meta-variables were built
	// from: a local redirect copies them, under REDIRECT_, to its target.
	params *cgi.Params
	// redirect is what the next script gets from the local redirects
	// before it (cgi.RedirectEnv); nil for the client's own request.
	redirect []string
	// carry holds the header fields of the redirecting answers that the
	// final answer gets too, after its own, whatever its status (C6, as
	// Apache's r->err_headers_out).
	carry http.Header
	// carryOrder lists carry's keys in the chain's order, each spelled as
	// the script that sent it first spelled it.
	carryOrder []cgi.Field
	// complete is set once the client has the whole answer: its leaving
	// then no longer ends the script (serve).
	complete atomic.Bool
	// sctx is the script context of the request's first serve
	// (scriptContext), made with the exchange, not on its own; a local
	// redirect's serve, within it, makes its own.
	sctx scriptCtx
	// errLog and fexec are the stderr log and the FastCGI execution of
	// the request's first script run, made with the exchange, not on
	// their own (newStderrLog, newFcgiExec); a retry's or a local
	// redirect's run, within it, makes its own.
	errLog stderrLog
	fexec  fcgiExec
}

// newStderrLog returns the stderr log of a script run of x: the one in x
// for its first, a new one after.
func (x *exchange) newStderrLog(g *Gateway, script string) *stderrLog {
	l := &x.errLog
	if l.g != nil {
		l = new(stderrLog)
	}
	l.g, l.req, l.script = g, x.id, script
	return l
}

// newFcgiExec returns the execution of the FastCGI answer resp: the one
// in x for the request's first, a new one after.
func (x *exchange) newFcgiExec(resp *fastcgi.PoolResponse) *fcgiExec {
	e := &x.fexec
	if e.resp != nil {
		e = new(fcgiExec)
	}
	e.resp = resp
	return e
}

// ServeHTTP serves a request under one of the mounts. It is safe for
// concurrent use.
func (g *Gateway) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	x := &exchange{id: g.reqID.Add(1), start: start, head: r.Method == http.MethodHead}
	s := g.settings.Load()
	g.inflight.Add(1)
	defer g.inflight.Done()
	g.load.active.Add(1)
	defer g.load.active.Add(-1)
	g.serveGuarded(w, r, s, x)
	d := time.Since(start)
	g.count(x, d)
	a := AccessLine{Level: logrus.InfoLevel, Msg: "request", Req: x.id, Remote: remoteHost(r.RemoteAddr),
		Method: r.Method, Path: r.URL.Path, Status: x.status, Bytes: x.bytes,
		Duration: d.Round(time.Microsecond), Script: x.script, Mode: x.mode, PID: x.pid}
	if x.err != nil {
		a.Level, a.Msg, a.Failed, a.Reason = failLevel(failedStatus(x)), "request failed", true, x.err.Error()
	}
	g.logAccess(a)
	if g.closing.Load() && x.status != statusClientClosedRequest && !x.cut {
		// The shutdown closes the connections as soon as no request is
		// in flight: the answer (a 503 for a request it stopped) leaves
		// before this one counts as done, not after the server's own
		// finish, which may come too late. (An NPH answer was hijacked:
		// this is a no-op then.)
		_ = completeAnswer(w, http.NewResponseController(w))
	}
	if x.status == statusClientClosedRequest && !x.cut {
		// The client went away (or half-closed its side, which reads the
		// same): nothing is sent, as the log says. Returning would let
		// the server make up an empty 200 for a client that may still
		// read (nc -N, shutdown(SHUT_WR)), which a cache could keep.
		panic(http.ErrAbortHandler)
	}
	if x.cut {
		// Logged above. What the script did write goes out first (the
		// header at least, so the client sees the status it was given),
		// then the server drops the connection instead of ending the
		// chunked body cleanly.
		_ = http.NewResponseController(w).Flush()
		panic(http.ErrAbortHandler)
	}
}

// count records a request in the stats and metrics, once: under its
// script and mode if it ran one (or was meant to), else as a request that
// reached no script.
func (g *Gateway) count(x *exchange, d time.Duration) {
	if x.counted {
		return
	}
	x.counted = true
	if x.mode == "" {
		g.stats.unrouted(x.status)
		return
	}
	g.stats.record(x.script, x.mode, x.status, d, x.spawned)
	g.metrics.observe(x.script, x.mode, x.status, d)
}

// failLevel is the level of a failed request's line, by its status, as
// Apache's error log ranks them: a script or worker that failed (500, 502,
// 504) is an error, seen at --log-level error; a request refused for its
// own sake or the gateway's load (400, 403, 413, 503...) a warning; one for
// nothing (404, what scanners ask for all day) or a client that left (499)
// is information, hidden at --log-level warn.
func failLevel(status int) logrus.Level {
	switch {
	case status == http.StatusNotFound || status == statusClientClosedRequest:
		return logrus.InfoLevel
	case status >= 500 && status != http.StatusServiceUnavailable:
		return logrus.ErrorLevel
	}
	return logrus.WarnLevel
}

// failedStatus is the status a failed request is ranked by: its own, or,
// when the failure came after the header went out (the status is then the
// script's: a 200, or a 404 page of its own), the one the failure would
// have given before it: a script that ran past its timeout or a worker
// that died is still an error, and a client that left is still
// information.
func failedStatus(x *exchange) int {
	if x.sent {
		return statusFor(x.err)
	}
	return x.status
}

// remoteHost is the client's address without its port, as Apache's %h.
func remoteHost(addr string) string {
	if host, _, err := net.SplitHostPort(addr); err == nil {
		return host
	}
	return addr
}

// serveGuarded is serve, whose panic (a bug of menshen's, not a script's)
// is an answer like any failure: a 500, or the answer cut short if its
// header went out already, with the access line saying why and the stack
// logged. Whatever the request had started was let go by the deferred
// calls on the way up (a script's process group killed, a worker given
// back or stopped).
func (g *Gateway) serveGuarded(w http.ResponseWriter, r *http.Request, s *settings, x *exchange) {
	defer func() {
		v := recover()
		if v == nil {
			return
		}
		if v == http.ErrAbortHandler {
			panic(v)
		}
		buf := make([]byte, 16<<10)
		buf = buf[:runtime.Stack(buf, false)]
		err := fmt.Errorf("internal error, a bug of menshen's (please report it): %v", v)
		g.log.WithFields(logrus.Fields{"req": x.id, "script": x.script, "stack": string(buf)}).Error(err.Error())
		if x.status != 0 || x.sent {
			x.err, x.cut = err, true
			return
		}
		clear(w.Header())
		w.Header().Set("Connection", "close")
		g.fail(w, x, err)
	}()
	if h := g.panicHook.Load(); h != nil {
		(*h)(r)
	}
	g.serve(w, r, s, x, 0)
}

func (g *Gateway) serve(w http.ResponseWriter, r *http.Request, s *settings, x *exchange, depth int) {
	if r.Method == http.MethodTrace {
		w.Header().Set("Allow", traceAllow)
		g.fail(w, x, errTrace)
		return
	}
	if encodedSlash(r.URL) {
		g.fail(w, x, errEncodedSlash)
		return
	}
	rt, err := resolve(s.mounts, r.URL.Path, s.isWrapped)
	if err != nil && settlable(err) {
		// An editor's save in progress? (settle.go)
		rt, _, err = g.settleRoute(r.Context(), s, r.URL.Path)
	}
	if rt != nil {
		x.script = rt.key
	}
	if errors.Is(err, ErrDirectorySlash) {
		redirectDirectory(w, r, x)
		return
	}
	if err != nil {
		g.fail(w, x, err)
		return
	}
	mode := g.modeFor(s, rt)
	x.mode = mode
	rc := http.NewResponseController(w)
	b, err := g.readBody(r, rc, s)
	if err != nil {
		if mode == ModeFastCGI && g.pools.perRequest(rt.key) {
			// Counted in the mode the script is served in, as it
			// would have been (a shell script in fastcgi mode is
			// cgi's): a refused body is no FastCGI request.
			x.mode = ModeCGI
		}
		g.fail(w, x, err)
		return
	}
	defer b.close()

	// The timeout bounds the whole answer: a client that stops reading
	// must not hold the script's slot past it (C10). It gets writeGrace
	// to take the 504 or the cut answer. (A client that went away ends the
	// script at once; writes to it fail, or, if it only half-closed and
	// stopped reading, meet the same deadline.)
	ctx := g.scriptContext(r, x, rc, s.timeoutFor(rt.key))
	defer ctx.end()
	x.queued = ctx.restart

	nph := rt.nph()
	var (
		ex   execution
		resp *cgi.Response
		// running is when the script began to run, for quickFailure:
		// a CGI process once started (the wait for a process slot, the
		// fork and the exec are the gateway's time, which a loaded
		// machine stretches past quickFailure), also where fastcgi mode
		// runs the script per request; a FastCGI request once it has
		// its worker (x.assigned: a wait for one, in the queue behind
		// busy workers or for a cold start, is the gateway's time too).
		running time.Time
	)
	start := func() {
		running = time.Now()
		if mode == ModeFastCGI && !nph {
			x.assigned = time.Time{}
			ex, err = g.startFastCGI(ctx, r, s, rt, b, x)
			if !x.assigned.IsZero() {
				// Its wait for a worker (a queue behind busy workers, a
				// cold start) is the gateway's time, as a CGI process's
				// wait for a slot is: quickFailure counts from here.
				running = x.assigned
			}
		} else {
			x.mode = ModeCGI
			ex, err = g.startCGI(ctx, r, s, rt, b, x)
		}
		if c, ok := ex.(*cgiExec); ok && err == nil {
			running = c.started
		}
	}
	br := readerPool.Get().(*bufio.Reader)
	defer func() {
		br.Reset(nil)
		readerPool.Put(br)
	}()
	// At most twice: a script caught by an editor's save is started
	// again once the save is over (settle.go).
	for again := false; ; again = true {
		started := time.Now() // (startFastCGI returns at the first output: before it)
		start()
		if !again && err != nil && ctx.Err() == nil && (settlable(err) || errors.Is(err, fastcgi.ErrStartFailed) && scriptChanged(rt, started.Add(-settleRecent))) {
			// The script changed between the walk and the start: an
			// editor's save in progress? Started again once it is over.
			// (A worker that did not start because its file went away
			// under it, the runner reading the script, is one of these.)
			if rt2, waited, err2 := g.settleRoute(ctx, s, r.URL.Path); waited && err2 == nil && rt2.key == rt.key {
				rt, nph = rt2, rt2.nph()
				start()
			} else if routeGone(err2) {
				// Removed under its start: the answer a request a
				// moment later gets (C31), not the start's failure.
				err = err2
			}
		}
		if err != nil {
			if errors.Is(err, fastcgi.ErrNotFastCGI) {
				// A plain CGI script named *.fcgi, in fastcgi mode: the
				// mode decides here, not the name (the reverse of the
				// hint in cgi mode below).
				err = fmt.Errorf("%w; serve it in cgi mode (menshen mode cgi %s, or mode = \"cgi\" in its [script.%q])", err, rt.key, rt.key)
			}
			g.fail(w, x, contextErr(ctx, err))
			return
		}
		x.pid = ex.pid()
		if nph {
			g.passNPH(ctx, ctx.cancel, w, r, ex, x)
			return
		}
		br.Reset(ex.stdout())
		resp, err = cgi.ReadResponse(br)
		if again || !errors.Is(err, cgi.ErrNoOutput) || ctx.Err() != nil || time.Since(running) >= quickFailure {
			break
		}
		changed := scriptChanged(rt, started)
		if !changed && !writtenJustBefore(rt, started) {
			break
		}
		// The script file changed under its start (an editor's save, a
		// write in place): perl found it gone, or empty or cut short (a
		// runner too, compiling it), and ran nothing. Once the change is
		// over the request is served again, once. Only a script that
		// ended at once: one that ran a while ran its code, and must not
		// run twice. A file written just before the start, and not
		// since, may be a write in place between two of its steps: once
		// it has been quiet a moment, the request is served again if the
		// file is another now, and its failure stands if not (a script
		// just saved broken).
		ferr := ex.finish(false)
		var (
			rt2    *route
			waited = true
			err2   error
		)
		if changed {
			rt2, waited, err2 = g.settleRoute(ctx, s, r.URL.Path)
			if err2 == nil {
				// It resolves again, but a write in place in steps may
				// still be under way (the file is there, half written):
				// started again only once it has been quiet a moment.
				rt2, err2 = g.quietRoute(ctx, s, r.URL.Path)
			}
		} else {
			rt2, err2 = g.quietRoute(ctx, s, r.URL.Path)
			if err2 == nil && rt2.key == rt.key && sameContent(rt2.info, rt.info) {
				if ferr != nil {
					err = fmt.Errorf("%w (%v)", err, ferr)
				}
				g.fail(w, x, contextErr(ctx, nativeHint(ctx, x, rt, err)))
				return
			}
		}
		if err2 != nil || rt2.key != rt.key {
			if routeGone(err2) {
				err = err2 // (as above)
			} else if ferr != nil {
				err = fmt.Errorf("%w (%v)", err, ferr)
			}
			g.fail(w, x, contextErr(ctx, err))
			return
		}
		g.log.WithFields(logrus.Fields{"req": x.id, "script": x.script, "pid": x.pid, "waited": waited, "exit": ferr}).
			Info("the script changed while it started; started again")
		rt, nph = rt2, rt2.nph()
	}
	if err != nil {
		// A script whose output ended early has exited (or closed it and
		// goes on: killed then): how it ended belongs in the reason.
		abort := !errors.Is(err, cgi.ErrNoHeader) || ctx.Err() != nil
		if l, ok := ex.(lingerer); ok && !abort && l.lingers(lingerCheck) {
			abort = true
		}
		var he *cgi.HeaderError
		if abort && ctx.Err() == nil && errors.As(err, &he) && outputOver(ex, br) {
			// A worker's script wrote a bad header block and is done:
			// its request ends cleanly, and the worker stays (aborted,
			// it would be replaced, the script compiled again, for every
			// such request).
			abort = false
		}
		if ferr := ex.finish(abort); !abort && ferr != nil {
			err = fmt.Errorf("%w (%v)", err, ferr)
		}
		g.fail(w, x, contextErr(ctx, nativeHint(ctx, x, rt, err)))
		return
	}
	if resp.LocalRedirect != "" {
		// RFC 3875 §6.2.2: the rest of the output is discarded and the
		// path is served as a fresh GET.
		_, _ = io.Copy(io.Discard, br)
		if err := ex.finish(false); err != nil {
			g.logExit(x, err)
		}
		x.carryFields(resp)
		x.redirect = cgi.RedirectEnv(r, x.params)
		x.pid = 0 // the target's, once it has one
		g.localRedirect(w, r, s, x, resp.LocalRedirect, depth)
		return
	}

	lastModified(resp.Header, x.start)
	if resp.ClientRedirect {
		g.clientRedirect(ctx, w, x, ex, br, resp)
		return
	}

	if !resp.HasStatus && resp.Status == http.StatusOK && conditionalMethod(r.Method) {
		// The script's validators against the request's preconditions,
		// as Apache evaluates them for a script that sent no Status.
		switch precondition(r, resp.Header) {
		case http.StatusNotModified:
			// Answered as a script's own 304: its header fields, no
			// body; the rest of its output is read and dropped.
			resp.Status = http.StatusNotModified
		case http.StatusPreconditionFailed:
			g.failPrecondition(ctx, w, x, ex, br, resp)
			return
		}
	}

	h := w.Header()
	for k, v := range resp.Header {
		if k == "Date" {
			// The server's clock, not the script's: Apache drops a
			// script's Date too (a wrong one skews every cache's idea
			// of the answer's age). The HTTP server sets its own.
			continue
		}
		if k == "Content-Type" && resp.Status == http.StatusNoContent {
			// No content, no type: Apache drops a 204's (a 304's goes
			// too, in the server).
			continue
		}
		if hopByHop[k] {
			// The gateway owns the connection, not the script; but a
			// script may ask for it to be closed after its answer, as
			// Apache lets it (an error page of a legacy script).
			if k == "Connection" && slices.ContainsFunc(v, func(v string) bool { return httpsyntax.HasToken(v, "close") }) {
				h["Connection"] = []string{"close"}
			}
			continue
		}
		h[k] = v
	}
	addCarried(h, x.carry)
	if _, ok := h["Content-Type"]; !ok {
		h["Content-Type"] = nil // no sniffing: send what the script sent
	}
	if r.ProtoMajor == 1 && r.ProtoMinor >= 1 {
		// Always chunked: the framing must not depend on how fast the
		// script was (the server, like net/http, would add a
		// Content-Length to a short answer that ended before its first
		// flush), or the same script would answer differently from
		// request to request and mode to mode (C23). The server writes
		// this header itself.
		h.Set("Transfer-Encoding", "chunked")
	}
	x.status, x.sent = resp.Status, true
	orderFields(w, x.fieldOrder(resp.Fields))
	writeHeader(w, resp.Status, resp.Reason)
	if !r.ProtoAtLeast(1, 1) || br.Buffered() == 0 && !ex.ready() {
		// HTTP/1.0 has no chunked framing: the body ends with the
		// connection. Sending the header now keeps it that way whether or
		// not the script was done before the first flush (else a quick
		// script would get a Content-Length and a slow one none, C23).
		// And a header block with no body behind it yet goes out at once,
		// as Apache flushes when the script has nothing more to give: an
		// event stream or a long poll starts with its header (C8).
		_ = rc.Flush()
	}
	var (
		werr, rerr error
		completed  bool
	)
	if x.head || resp.Status == http.StatusNoContent || resp.Status == http.StatusNotModified {
		// The header is the whole answer: the client has it now, and the
		// script goes on to its end, its output dropped, as Apache lets
		// it: neither a client that hangs up after a HEAD nor a
		// conditional GET answered 304 stops the script's work.
		if werr = finishAnswer(w, rc, x); werr == nil {
			completed = true
			_, rerr = io.Copy(io.Discard, br)
		}
	} else {
		var sp *outSpool
		x.bytes, sp, werr, rerr = stream(w, rc, br, ex.ready, g, ex)
		if sp != nil {
			// The spool's fill still reads the script's output when the
			// answer failed: the script is stopped first (finish is
			// idempotent), then fill is waited for. Else the client has
			// the whole answer, completed now: fill's end may wait for
			// a script that closed its output and works on.
			if werr != nil || rerr != nil {
				_ = ex.finish(true)
			} else if werr = finishAnswer(w, rc, x); werr == nil {
				completed = true
			}
			sp.finish()
		}
	}
	abort := werr != nil || rerr != nil
	switch e := ex.(type) {
	case *fcgiExec:
		// The worker ended its output (the empty FCGI_STDOUT record,
		// normally with FCGI_END_REQUEST; alone from a script that
		// closed STDOUT and goes on): the answer is whole and nothing
		// after it can change it. A request that ended with it (its
		// FCGI_END_REQUEST is at hand: ready) gives its worker back
		// first, so that the client's next request finds it idle; one
		// still running has its answer completed now, and finish below
		// waits for it. It is counted first: /status.json asked right
		// after the answer includes it.
		if !abort && ctx.Err() == nil {
			g.count(x, time.Since(x.start))
			if e.ready() {
				e.finish(false)
			}
			if !completed { // (a spooled answer is)
				completed = finishAnswer(w, rc, x) == nil
			}
		}
	case lingerer:
		if !abort && !completed && ctx.Err() == nil && e.lingers(exitGrace) {
			// Still running a moment after its output ended: what it
			// wrote goes out now (stream held it back, the end of the
			// output being at hand), not after the longer look below.
			if werr = rc.Flush(); werr != nil {
				abort = true
			} else if e.lingers(lingerCheck) {
				// The script closed its output and goes on working: its
				// answer is whole, so the client gets it now, as Apache
				// ends it at the end of the output (C8). The script still
				// runs within its timeout, and this connection's next
				// request waits for it.
				completed = finishAnswer(w, rc, x) == nil
			}
		}
	}
	if e, ok := ex.(*cgiExec); ok && !abort && !completed && e.p.CloseWaits() {
		// The script is done but something outside it holds its stderr
		// (a daemon it started): what it wrote goes out before the wait
		// for that, as stream would have sent it.
		if werr = rc.Flush(); werr != nil {
			abort = true
		}
	}
	ferr := ex.finish(abort)
	switch {
	case werr != nil && ctx.Err() != nil:
		// The timeout set the write deadline that failed the write.
		x.err, x.cut = contextErr(ctx, werr), true
	case werr != nil:
		x.err = fmt.Errorf("%w (%w)", ErrClientGone, werr) // (as contextErr says it)
	case ctx.Err() != nil && (completed || rerr != nil && outputEnded(ex)):
		// The client has (or the worker had ended) the whole answer: the
		// script that went on after it was stopped by its timeout or the
		// client leaving. (completed implies no read error.)
		what := "script killed after its answer was complete"
		if _, ok := ex.(*fcgiExec); ok {
			// A worker is told (FCGI_ABORT_REQUEST) and goes on serving.
			what = "request aborted after its answer was complete"
		}
		g.log.WithFields(logrus.Fields{"req": x.id, "script": x.script, "pid": x.pid, "reason": context.Cause(ctx)}).
			Info(what)
		ferr = nil
	case rerr != nil:
		x.err, x.cut = contextErr(ctx, heldOutput(ctx, ex, rerr)), true
	case ctx.Err() != nil:
		x.err, x.cut = context.Cause(ctx), true
	}
	if x.err == nil && ferr != nil {
		g.logExit(x, ferr)
	}
}

// readBody reads r's body (readBody). A body still arriving when the
// shutdown's grace is over (the request's context ends with
// ErrShuttingDown) stops being read at once, and the request is answered
// 503 like those whose scripts the shutdown stops, before the connections
// close: the client is not left without an answer, nor the log with a 400
// for a read the gateway cut.
func (g *Gateway) readBody(r *http.Request, rc *http.ResponseController, s *settings) (*body, error) {
	if r.ContentLength == 0 {
		return readBody(r, s.maxBody, g.tmpDir, &g.spool)
	}
	ctx := r.Context()
	stop := ctxhook.AfterFunc(ctx, func() {
		if errors.Is(context.Cause(ctx), ErrShuttingDown) {
			_ = rc.SetReadDeadline(time.Unix(1, 0))
		}
	})
	b, err := readBody(r, s.maxBody, g.tmpDir, &g.spool)
	stop()
	if err != nil && errors.Is(context.Cause(ctx), ErrShuttingDown) {
		err = fmt.Errorf("%w: the request body was still arriving (%v)", ErrShuttingDown, err)
	}
	return b, err
}

// finishAnswer completes the answer (completeAnswer) and, if the client
// has it, marks the exchange complete.
func finishAnswer(w http.ResponseWriter, rc *http.ResponseController, x *exchange) error {
	// Marked before the write: a client that reads the answer and hangs
	// up at once could otherwise be seen leaving in between, and stop a
	// script that has every right to run to its end. A write that fails
	// fails the request anyway (the caller aborts on its error).
	x.complete.Store(true)
	if err := completeAnswer(w, rc); err != nil {
		x.complete.Store(false)
		return err
	}
	return nil
}

// outputOver reads what a FastCGI worker's script wrote after a bad
// header block (at most 64 KiB), and reports whether its request ended
// within outputOverWait. Other executions: false (a CGI process is
// killed). What a script writes with $| set comes record by record, and
// the end of its request after them: each read waits for what is on its
// way, as long as something is (a look at the connection, not a blocking
// read, which a script still running would hold up to its timeout).
func outputOver(ex execution, br *bufio.Reader) bool {
	f, ok := ex.(*fcgiExec)
	if !ok {
		return false
	}
	if _, err := br.Discard(br.Buffered()); err != nil {
		return false
	}
	var buf [4096]byte
	deadline := time.Now().Add(outputOverWait)
	for n := 0; n < 16; {
		if !f.resp.Waiting() {
			if time.Now().After(deadline) {
				return false
			}
			time.Sleep(time.Millisecond)
			continue
		}
		if _, err := f.resp.Read(buf[:]); err != nil {
			return errors.Is(err, io.EOF)
		}
		n++
	}
	return false
}

// outputOverWait bounds outputOver's wait for the end of a worker's output.
const outputOverWait = 100 * time.Millisecond

// lingerer is an execution that can tell a script still running after its
// output ended.
type lingerer interface {
	// lingers reports whether the script is still running d after the
	// call.
	lingers(d time.Duration) bool
}

// outputEnded reports whether ex knows that its script's output has ended
// (a FastCGI worker's empty FCGI_STDOUT record).
func outputEnded(ex execution) bool {
	e, ok := ex.(interface{ outputEnded() bool })
	return ok && e.outputEnded()
}

// exitGrace is how long a script that ended its output is given to exit
// before what it wrote is flushed: most take well under a millisecond,
// and their whole answer then costs the client one write.
const exitGrace = 5 * time.Millisecond

// lingerCheck is how long a script may take to exit after closing its
// output before its answer is completed without waiting for it.
const lingerCheck = 200 * time.Millisecond

// writeHeader sends the status with the script's reason phrase where the
// server can: menshen's own (internal/http1) writes it on the status line,
// as Apache does; net/http's sends the standard text.
func writeHeader(w http.ResponseWriter, code int, reason string) {
	if rw, ok := w.(interface{ WriteHeaderReason(int, string) }); ok && reason != "" {
		rw.WriteHeaderReason(code, reason)
		return
	}
	w.WriteHeader(code)
}

// orderFields has a script's fields go out in its order and spelling
// (cgi.Response.Fields) where the server can: menshen's own
// (internal/http1) writes them so, as Apache does; net/http's sorts them,
// spelled canonically.
func orderFields(w http.ResponseWriter, fields []cgi.Field) {
	if o, ok := w.(interface{ SetFieldOrder([]httpsyntax.Field) }); ok {
		o.SetFieldOrder(fields)
	}
}

// completeAnswer ends the answer before the handler returns: with menshen's
// server the end of the chunked body goes out too; with another server,
// what was written is flushed.
func completeAnswer(w http.ResponseWriter, rc *http.ResponseController) error {
	if c, ok := w.(interface{ Complete() error }); ok {
		return c.Complete()
	}
	return rc.Flush()
}

// stream copies the body to the client. What the script has written is
// flushed to the client as soon as the script pauses (C8): after each read,
// if more output is already waiting (pending), the flush is left to the next
// round, so a script that writes its answer in a few quick pieces costs one
// write to the client, not one per piece. pending may be nil (always flush).
// (An answer with no body, HEAD, 204 or 304, never comes here: serve
// completes it with its header.)
//
// Past spoolAfter bytes, a write (or flush) to the client that waits
// spoolStall (a client that reads slowly or not at all) starts an
// outSpool: the script's output is read on into it from then on, by a
// goroutine of its own, which frees ex's process or worker at the
// output's end; stream writes the rest from the spool, and returns it
// (nil if none was started; g nil: none is). The caller stops the script
// if the answer failed, then calls its finish.
func stream(w http.ResponseWriter, rc *http.ResponseController, br *bufio.Reader, pending func() bool, g *Gateway, ex execution) (n int64, _ *outSpool, werr, rerr error) {
	bp := bufPool.Get().(*[]byte)
	defer bufPool.Put(bp)
	buf := *bp
	var sp *outSpool // made once, started by the write that waits
	for {
		m, err := br.Read(buf)
		if m > 0 {
			var watch *time.Timer
			if g != nil && n >= spoolAfter && err == nil {
				if sp == nil {
					sp = newOutSpool(w, rc, g.tmpDir, &g.answers, ex)
				}
				watch = sp.watch(br)
			}
			k, err := w.Write(buf[:m])
			n += int64(k)
			if watch != nil && !watch.Stop() {
				// The write waited: the output is read on meanwhile
				// (br is fill's now), the rest goes from the spool.
				k, werr, rerr := sp.takeOver(err)
				return n + k, sp, werr, rerr
			}
			if err != nil {
				return n, nil, err, nil
			}
			if br.Buffered() == 0 && (pending == nil || !pending()) {
				// The flush may wait for the client as a write does.
				if sp != nil {
					watch = sp.watch(br)
				}
				err := rc.Flush()
				if watch != nil && !watch.Stop() {
					k, werr, rerr := sp.takeOver(err)
					return n + k, sp, werr, rerr
				}
				if err != nil {
					return n, nil, err, nil
				}
			}
		}
		if err == io.EOF {
			return n, nil, nil, nil
		}
		if err != nil {
			return n, nil, nil, err
		}
	}
}

// carryFields keeps the fields of a script's answer that Apache puts in
// r->err_headers_out (cgi.Response.CarriedHeader) for the answer the client
// finally gets: a local redirect's target's, or the gateway's own.
func (x *exchange) carryFields(resp *cgi.Response) {
	carried := carriedFields(resp)
	// Every carried field is one of resp.Fields: those it leaves out
	// (Content-Type, a client redirect's Location) are never carried.
	for _, f := range resp.Fields {
		v, ok := carried[f.Key]
		if !ok {
			continue
		}
		if x.carry == nil {
			x.carry = make(http.Header)
		}
		if _, seen := x.carry[f.Key]; !seen {
			x.carryOrder = append(x.carryOrder, f)
		}
		x.carry[f.Key] = append(x.carry[f.Key], v...)
	}
}

// fieldOrder returns the order of an answer's fields as Apache lays them
// out after local redirects: the carried ones first (its err_headers_out,
// where each script's fields are merged in turn), then the answer's own
// fields that none of them named, then the Set-Cookie fields of the whole
// chain and the answer's r->headers_out fields (ETag, Last-Modified...:
// cgi.LaidLast, which cgi.Response.Fields has last, as Apache moves them).
func (x *exchange) fieldOrder(fields []cgi.Field) []cgi.Field {
	if x.carryOrder == nil {
		return fields
	}
	order := make([]cgi.Field, 0, len(x.carryOrder)+len(fields))
	for _, late := range [...]bool{false, true} {
		for _, f := range x.carryOrder {
			if cgi.LaidLast(f.Key) == late {
				order = append(order, f)
			}
		}
		for _, f := range fields {
			if _, ok := x.carry[f.Key]; !ok && cgi.LaidLast(f.Key) == late {
				order = append(order, f)
			}
		}
	}
	return order
}

// carriedFields is resp.CarriedHeader without the hop-by-hop fields (the
// gateway owns the connection) and Date (the server's clock).
func carriedFields(resp *cgi.Response) http.Header { return ownFields(resp.CarriedHeader()) }

// ownFields deletes from h the hop-by-hop fields and Date: see carriedFields.
func ownFields(h http.Header) http.Header {
	for k := range h {
		if hopByHop[k] || k == "Date" {
			delete(h, k)
		}
	}
	return h
}

// addCarried adds the fields carried from local redirects to an answer's
// header, before its own (both stay, repeated ones repeated), as Apache
// sends its err_headers_out before the answer's headers: of two
// Set-Cookie of one name, a browser keeps the target's, the last.
func addCarried(h, carry http.Header) {
	for k, vs := range carry {
		h[k] = append(slices.Clip(vs), h[k]...)
	}
}

// localRedirect serves a script's local Location as a new GET of that path,
// keeping the client's Host and headers but not its body (RFC 3875 §6.2.2).
// REQUEST_URI stays the client's, as in Apache (util_script.c
// original_uri): the target learns where it was sent from x.redirect.
func (g *Gateway) localRedirect(w http.ResponseWriter, r *http.Request, s *settings, x *exchange, loc string, depth int) {
	if x.spawned {
		// The redirecting script's process is counted under it: the
		// request itself is recorded once, under where it led.
		g.stats.spawned(x.script, x.mode)
		x.spawned = false
	}
	if depth+1 >= maxLocalRedirects {
		g.fail(w, x, ErrRedirectLoop)
		return
	}
	u, err := url.ParseRequestURI(loc)
	if err != nil {
		g.fail(w, x, errors.Join(ErrNotFound, err))
		return
	}
	r2 := r.Clone(r.Context())
	r2.Method = http.MethodGet
	r2.URL = u
	r2.Body = http.NoBody
	r2.ContentLength = 0
	r2.Header.Del("Content-Length")
	r2.Header.Del("Content-Type")
	r2.Header.Del("Transfer-Encoding")
	g.serve(w, r2, s, x, depth+1)
}

// passNPH copies a non-parsed-header script's output to the connection
// untouched (C7), as it comes: each read is written at once (C8). The
// connection is not reused afterwards, as in Apache. Nothing else reads
// the connection once it is taken over, so a reader here tells when the
// client goes away, which ends the script (cancel, C10). A script that
// wrote nothing before its timeout gets the client a 504, one that wrote
// nothing at all a 502 (C10), as other scripts.
func (g *Gateway) passNPH(ctx context.Context, cancel context.CancelCauseFunc, w http.ResponseWriter, r *http.Request, ex execution, x *exchange) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		// HTTP/2 has no raw connection: parse the status line ourselves?
		// Refuse clearly instead of garbling the stream.
		_ = ex.finish(true)
		g.fail(w, x, errors.Join(ErrStartScript, errors.New("nph script needs an HTTP/1 connection"), err))
		return
	}
	var over atomic.Bool
	watched := make(chan struct{})
	defer func() {
		over.Store(true)
		conn.Close() // ends the watch's read
		<-watched
	}()
	go func() {
		defer close(watched)
		var b [512]byte
		for {
			// (Bytes a client sends after its request are dropped: the
			// connection ends with this answer.)
			if _, err := conn.Read(b[:]); err != nil {
				if !over.Load() {
					cancel(ErrClientGone)
				}
				return
			}
		}
	}()

	buf := make([]byte, 32<<10)
	var werr, rerr error
	out := ex.stdout()
	for werr == nil && rerr == nil {
		var n int
		n, rerr = out.Read(buf)
		if n > 0 {
			if x.bytes == 0 {
				x.status, x.sent = nphStatus(buf[:n]), true
			}
			n, werr = conn.Write(buf[:n])
			x.bytes += int64(n)
		}
	}
	if errors.Is(rerr, io.EOF) {
		rerr = nil
	}
	ferr := ex.finish(werr != nil || rerr != nil || ctx.Err() != nil)
	switch {
	case ctx.Err() != nil && x.bytes == 0:
		cause := contextErr(ctx, errors.New("the script wrote nothing"))
		x.status, x.err = statusFor(cause), cause
		if x.status != statusClientClosedRequest {
			writeRawStatus(conn, r, x.status)
		}
	case ctx.Err() != nil:
		x.err, x.cut = contextErr(ctx, errors.Join(werr, rerr)), true
	case werr != nil:
		x.err = fmt.Errorf("%w (%w)", ErrClientGone, werr) // (as contextErr says it)
	case rerr != nil:
		x.err, x.cut = rerr, true
	case x.bytes == 0:
		err := errors.Join(cgi.ErrNoHeader, errors.New("the nph script wrote nothing"))
		if ferr != nil {
			err = fmt.Errorf("%w (%v)", err, ferr)
		}
		x.status, x.err = statusFor(err), err
		writeRawStatus(conn, r, x.status)
	case ferr != nil:
		g.logExit(x, ferr)
	}
}

// nphStatus reads the status code of an NPH script's status line
// ("HTTP/1.1 404 Not Found") from the start of its output, for the access
// log; 200 when there is none to read.
func nphStatus(b []byte) int {
	if i := bytes.IndexByte(b, ' '); i > 0 && bytes.HasPrefix(b, []byte("HTTP/")) && len(b) >= i+4 {
		if code, err := strconv.Atoi(string(b[i+1 : i+4])); err == nil && code >= 100 && code <= 999 {
			return code
		}
	}
	return http.StatusOK
}

// nativeHint adds to the failure of a .fcgi program that printed
// nothing in cgi mode how to serve it: Apache and lighttpd send every
// .fcgi to FastCGI; here the mode decides, and a program with no CGI
// fallback (Go's net/http/fcgi, Plack's FCGI handler) prints nothing.
// (Not one the gateway stopped: its client left, its time ran out.)
func nativeHint(ctx context.Context, x *exchange, rt *route, err error) error {
	if x.mode == ModeCGI && errors.Is(err, cgi.ErrNoOutput) && strings.HasSuffix(rt.key, ".fcgi") && ctx.Err() == nil {
		return fmt.Errorf("%w; a FastCGI program that cannot run as a CGI script is served in fastcgi mode (menshen mode fastcgi %s)", err, rt.key)
	}
	return err
}

// writeRawStatus answers code on a taken-over connection, as answerStatus
// does on others, and ends it there.
func writeRawStatus(conn net.Conn, r *http.Request, code int) {
	msg := http.StatusText(code) + "\n"
	body := msg
	if r.Method == http.MethodHead {
		body = ""
	}
	_ = conn.SetWriteDeadline(time.Now().Add(writeGrace))
	// (HTTP/1.1 for an HTTP/1.0 client too, as every answer of the
	// gateway's: see "HTTP/1.0 clients" in the README.)
	_, _ = fmt.Fprintf(conn, "HTTP/1.1 %d %s\r\nDate: %s\r\nContent-Type: text/plain; charset=utf-8\r\nX-Content-Type-Options: nosniff\r\nContent-Length: %d\r\nConnection: close\r\n\r\n%s",
		code, http.StatusText(code), time.Now().UTC().Format(http.TimeFormat), len(msg), body)
}

// fail answers with the status for err (unless the client is gone) and
// records the reason for the access log line.
func (g *Gateway) fail(w http.ResponseWriter, x *exchange, err error) {
	code := statusFor(err)
	x.status, x.err = code, err
	if code == statusClientClosedRequest {
		return
	}
	if code == http.StatusServiceUnavailable {
		w.Header().Set("Retry-After", "1")
	}
	if x.carryOrder != nil {
		orderFields(w, x.carryOrder)
	}
	answerStatus(w, x, code)
}

// answerStatus answers code as the gateway answers on its own: the status
// text as a plain-text body.
func answerStatus(w http.ResponseWriter, x *exchange, code int) {
	x.status = code
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	// Apache sends err_headers_out with its error pages too: the cookie a
	// script set before redirecting to a page that failed still counts.
	addCarried(w.Header(), x.carry)
	w.WriteHeader(code)
	msg := http.StatusText(code)
	if !x.head {
		x.bytes = int64(len(msg) + 1)
	}
	_, _ = io.WriteString(w, msg+"\n")
}

// redirectDirectory answers a request for a directory that has an index
// script, named without its trailing slash, as Apache's mod_dir does: 301
// to the name with the slash (the path cleaned, the query kept), so that
// the index page's relative links start from the directory. The Location
// is the path alone, not a URL built from the client's Host.
func redirectDirectory(w http.ResponseWriter, r *http.Request, x *exchange) {
	loc := (&url.URL{Path: path.Clean("/"+r.URL.Path) + "/", RawQuery: r.URL.RawQuery}).String()
	answerMoved(w, x, http.StatusMovedPermanently, loc)
}

// answerMoved answers a redirect of the gateway's own, code to loc, with
// Apache's short document pointing there.
func answerMoved(w http.ResponseWriter, x *exchange, code int, loc string) {
	h := w.Header()
	h.Set("Location", loc)
	h.Set("Content-Type", "text/html; charset=iso-8859-1")
	x.status = code
	w.WriteHeader(code)
	text := http.StatusText(code)
	doc := "<!DOCTYPE HTML PUBLIC \"-//W3C//DTD HTML 4.01//EN\" \"http://www.w3.org/TR/html4/strict.dtd\">\n<html><head>\n<title>" + strconv.Itoa(code) + " " + text + "</title>\n</head><body>\n<h1>" + text + "</h1>\n<p>The document has moved <a href=\"" + html.EscapeString(loc) + "\">here</a>.</p>\n</body></html>\n"
	if !x.head {
		x.bytes = int64(len(doc))
	}
	_, _ = io.WriteString(w, doc)
}

// clientRedirect answers a script's client redirect (an absolute Location,
// no other status than 200) as Apache's mod_cgi does: 302 with the
// Location, the script's fields Apache keeps on an answer of its own
// (err_headers_out: Set-Cookie, Cache-Control...; not Content-Type, ETag,
// Last-Modified), and its own short document pointing there. The
// script's body, if any, is read and dropped; it ends as it would.
func (g *Gateway) clientRedirect(ctx context.Context, w http.ResponseWriter, x *exchange, ex execution, br io.Reader, resp *cgi.Response) {
	if !g.dropOutput(ctx, w, x, ex, br) {
		return
	}
	loc := resp.Header.Get("Location")
	h := w.Header()
	// The fields of the scripts before this one in a chain of local
	// redirects go first, in the chain's order, as Apache's shared
	// err_headers_out has them.
	// (Those Apache keeps on an answer of its own: ErrorHeader, as for a
	// 412.)
	addCarried(h, ownFields(resp.ErrorHeader()))
	addCarried(h, x.carry)
	orderFields(w, x.fieldOrder(resp.Fields))
	answerMoved(w, x, http.StatusFound, loc)
}

// logExit logs how a script ended when that is worth knowing (non-zero exit)
// after a response that was otherwise served.
func (g *Gateway) logExit(x *exchange, err error) {
	g.log.WithFields(logrus.Fields{"req": x.id, "script": x.script, "pid": x.pid}).WithError(err).Info("script exited with an error")
}

// contextErr prefers the context's reason (timeout, client gone) over the
// error it caused downstream (a short read, a killed process): that error
// says only "context canceled" when the cause was the timeout.
// heldOutput is rerr, a read of a cgi script's output that its timeout
// ended, with the reason when the script itself had exited well before:
// a process it started that left its session (a daemon, `setsid cmd &`)
// still held its stdout, and the answer waited for it until the timeout (Apache's mod_cgi
// waits the same, "Timeout waiting for output from CGI script"). Its
// timeout alone would send the user looking in the script.
func heldOutput(ctx context.Context, ex execution, rerr error) error {
	e, ok := ex.(*cgiExec)
	if !ok || ctx.Err() == nil || !e.p.KilledAt().IsZero() {
		// (A script the gateway killed running did not exit on its
		// own: a late read of its output was the stream's, busy with
		// the client, not a process holding the pipe.)
		return rerr
	}
	if at := e.p.ExitedAt(); !at.IsZero() && time.Since(at) > lingerCheck {
		return fmt.Errorf("%w; the script had exited %v before, but a process it started still held its output open (a daemon or a background job: send its output elsewhere, as in setsid sh -c 'cmd > /dev/null 2>&1 < /dev/null &')", rerr, time.Since(at).Round(time.Millisecond))
	}
	return rerr
}

func contextErr(ctx context.Context, err error) error {
	if ctx.Err() == nil || errors.Is(err, ErrQueueWait) {
		return err
	}
	cause := context.Cause(ctx)
	if err == nil || cutByDeadline(err) || errors.Is(err, context.Canceled) {
		// (A read or write the timeout or the client's going cut at its
		// deadline, "read stdout-r: i/o timeout", says nothing the cause
		// does not; nor does the context's own error, which a FastCGI
		// worker's read ended by it returns: "worker 7: context
		// canceled", the pid being the log line's own.)
		return cause
	}
	if errors.Is(err, cause) {
		return err
	}
	return fmt.Errorf("%w (%v)", cause, err)
}

// cutByDeadline reports whether err is a read or write ended by its
// deadline and nothing more (not wrapped with more to say).
func cutByDeadline(err error) bool {
	switch err.(type) {
	case *fs.PathError, *net.OpError:
		return errors.Is(errors.Unwrap(err), os.ErrDeadlineExceeded)
	}
	return false
}
