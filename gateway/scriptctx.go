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
	"time"

	"github.com/menshen/menshen/internal/ctxhook"
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
// Its context part is a ctxhook.Cancel: it arranges its own AfterFuncs,
// which the context package uses (for context.AfterFunc and the contexts
// derived from it) in place of the child map of its own contexts. It is
// safe for concurrent use.
type scriptCtx struct {
	ctxhook.Cancel
	parent context.Context // the request's: its values, and its end
	g      *Gateway
	x      *exchange
	rc     *http.ResponseController // its write deadline is set at the timeout
	// parentWatch is the watch of the request's context (parentDone).
	parentWatch ctxhook.Hook

	dl deadline // its entry in g.deadlines, guarded by g.deadlines.mu
}

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
	c.Init(c.parent)
	c.parentWatch = ctxhook.Register(c.parent, (*parentWatch)(c))
	g.startDeadline(c, timeout)
	return c
}

// end is the end of the request: its timeout no longer runs, the
// request's context is no longer watched, and c ends.
func (c *scriptCtx) end() {
	c.g.stopDeadline(c)
	c.parentWatch.Stop()
	c.cancel(context.Canceled)
}

// restart gives the script its whole timeout from now: x.queued.
func (c *scriptCtx) restart() { c.g.restartDeadline(c) }

// parentWatch is a scriptCtx as what its watch of the request's context
// calls: a registration that allocates nothing (ctxhook.Register).
type parentWatch scriptCtx

// ContextDone is the end of the request's context: parentDone.
func (w *parentWatch) ContextDone() { (*scriptCtx)(w).parentDone() }

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
func (c *scriptCtx) cancel(cause error) { c.Cancel.Cancel(cause) }
