// scriptctx.go is the context a request's script runs under: one object
// a request for what took four layers (context.WithoutCancel, a
// WithCancelCause, a registration on the request's context and a
// deadline), each an allocation or a registration more on the path of
// every request.

package gateway

import (
	"context"
	"errors"
	"net/http"
	"sync"
	"sync/atomic"
	"time"
)

// scriptCtx is a context.Context that behaves as
// context.WithCancelCause(context.WithoutCancel(r.Context())) did: the
// request's values, no deadline, Err() nil then context.Canceled, and
// context.Cause the cause it was ended with, also for the contexts derived
// from it. It ends when the client leaves (C10) until the client has the
// whole answer (x.complete): a script still working after a HEAD, 204 or
// 304 answer, or after closing its output, then runs to its end within
// its timeout, its output dropped, as Apache lets it. The end of the
// gateway's shutdown grace ends it in any case (C33), and so does its
// timeout (deadline.go).
//
// It has an AfterFunc method, which the context package uses (for
// context.AfterFunc and the contexts derived from it) in place of the
// child map of its own contexts. It is safe for concurrent use.
type scriptCtx struct {
	parent context.Context // the request's: its values, and its end
	g      *Gateway
	x      *exchange
	rc     *http.ResponseController // its write deadline is set at the timeout
	// stopParent stops the watch of the request's context.
	stopParent func() bool

	// ended and done are read without mu (Err and Done are asked
	// several times a request), written under it.
	ended atomic.Bool
	done  atomic.Value // chan struct{}: made by Done, or closedChan if it ended first

	mu       sync.Mutex
	cause    error
	funcs    []ctxFunc // registered by AfterFunc, not yet run nor stopped
	inline   [2]ctxFunc
	lastFunc uint64
	// causeCtx is a context ended with cause, made on the first Value
	// after the end: context.Cause reads a cause only from the
	// context package's own type, through Value.
	causeCtx context.Context

	dl deadline // its entry in g.deadlines, guarded by g.deadlines.mu
}

type ctxFunc struct {
	id uint64
	f  func()
}

// closedChan is the Done of a scriptCtx that ended before anyone asked.
var closedChan = func() chan struct{} {
	c := make(chan struct{})
	close(c)
	return c
}()

var _ context.Context = (*scriptCtx)(nil)

// scriptContext returns the context a request's script runs under, its
// timeout started (scriptCtx). end must be called when the request is
// over.
func (g *Gateway) scriptContext(r *http.Request, x *exchange, rc *http.ResponseController, timeout time.Duration) *scriptCtx {
	c := &x.sctx
	if c.g != nil { // in use: a local redirect's serve
		c = new(scriptCtx)
	}
	c.parent, c.g, c.x, c.rc = r.Context(), g, x, rc
	c.stopParent = context.AfterFunc(c.parent, c.parentDone)
	g.startDeadline(c, timeout)
	return c
}

// end is the end of the request: its timeout no longer runs, the
// request's context is no longer watched, and c ends.
func (c *scriptCtx) end() {
	c.g.stopDeadline(c)
	c.stopParent()
	c.cancel(context.Canceled)
}

// restart gives the script its whole timeout from now: x.queued.
func (c *scriptCtx) restart() { c.g.restartDeadline(c) }

// parentDone is what the end of the request's context does, on a
// goroutine of its own.
func (c *scriptCtx) parentDone() {
	cause := context.Cause(c.parent)
	if cause == context.Canceled {
		// The server ends a request's context without a cause when
		// its client goes away: the log says so, not "context
		// canceled" beside a script error the kill caused.
		cause = ErrClientGone
	}
	if !c.x.complete.Load() || errors.Is(cause, ErrShuttingDown) {
		c.cancel(cause)
		return
	}
	// The client left a whole answer: only the shutdown ends the
	// script now. (Watched from here only: a request's every
	// registration on the gateway-wide context would cost a lock.)
	if hard := c.g.hard; hard != nil {
		stopHard := context.AfterFunc(hard, func() { c.cancel(context.Cause(hard)) })
		c.AfterFunc(func() { stopHard() })
	}
}

// cancel ends c with cause (context.Canceled if nil), as a
// context.CancelCauseFunc does: the first call wins.
func (c *scriptCtx) cancel(cause error) {
	if cause == nil {
		cause = context.Canceled
	}
	c.mu.Lock()
	if c.ended.Load() {
		c.mu.Unlock()
		return
	}
	c.cause = cause
	c.ended.Store(true)
	if d, _ := c.done.Load().(chan struct{}); d == nil {
		c.done.Store(closedChan)
	} else {
		close(d)
	}
	funcs := c.funcs
	c.funcs = nil
	c.mu.Unlock()
	for _, f := range funcs {
		go f.f()
	}
}

// Deadline reports none: the timeout is the gateway's (deadline.go), as
// it was when this was a context.WithoutCancel's child.
func (c *scriptCtx) Deadline() (time.Time, bool) { return time.Time{}, false }

// Done returns a channel closed when c ends.
func (c *scriptCtx) Done() <-chan struct{} {
	if d, ok := c.done.Load().(chan struct{}); ok {
		return d
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	d, _ := c.done.Load().(chan struct{})
	if d == nil {
		d = make(chan struct{}) // (cancel stores closedChan)
		c.done.Store(d)
	}
	return d
}

// Err returns nil until c ends, then context.Canceled.
func (c *scriptCtx) Err() error {
	if c.ended.Load() {
		return context.Canceled
	}
	return nil
}

// Value returns the request's value for key. Once c has ended it asks a
// context of the context package ended with c's cause, which gives the
// same values and has context.Cause (which asks Value for the package's
// own type, once Err is not nil) find the cause. Before, the request's
// own context may answer for that type, but the context package takes it
// only if its Done is c's (parentCancelCtx), which it never is.
func (c *scriptCtx) Value(key any) any {
	if !c.ended.Load() {
		return c.parent.Value(key)
	}
	c.mu.Lock()
	if c.causeCtx == nil {
		cc, cancel := context.WithCancelCause(context.WithoutCancel(c.parent))
		cancel(c.cause)
		c.causeCtx = cc
	}
	cc := c.causeCtx
	c.mu.Unlock()
	return cc.Value(key)
}

// AfterFunc arranges to call f in its own goroutine once c ends (at once
// if it has), as context.AfterFunc does; stop stops that and reports
// whether it did. The context package calls it for context.AfterFunc on
// c and for the contexts derived from c.
func (c *scriptCtx) AfterFunc(f func()) (stop func() bool) {
	c.mu.Lock()
	if c.ended.Load() {
		c.mu.Unlock()
		go f()
		return func() bool { return false }
	}
	if c.funcs == nil {
		c.funcs = c.inline[:0]
	}
	c.lastFunc++
	id := c.lastFunc
	c.funcs = append(c.funcs, ctxFunc{id: id, f: f})
	c.mu.Unlock()
	return func() bool { return c.stopFunc(id) }
}

// stopFunc takes the function registered as id out, and reports whether
// it was still there (not run, not stopped before).
func (c *scriptCtx) stopFunc(id uint64) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	for i, f := range c.funcs {
		if f.id == id {
			n := len(c.funcs)
			copy(c.funcs[i:], c.funcs[i+1:])
			c.funcs[n-1] = ctxFunc{} // (no reference kept)
			c.funcs = c.funcs[:n-1]
			return true
		}
	}
	return false
}
