package ctxhook

import (
	"context"
	"sync"
	"sync/atomic"
	"time"
)

// Cancel is a context.Context ended by its Cancel method, with the values
// of its parent and no deadline, as
// context.WithCancelCause(context.WithoutCancel(parent)) is: the parent's
// end does not end it (whoever embeds it watches what should). Err is nil,
// then context.Canceled; context.Cause gives the cause it was ended with,
// for the contexts derived from it too.
//
// It arranges its own AfterFuncs (AfterFunc, which AfterFunc above and
// the context package call): no context of the context package's is made
// for it, and none of its locks is taken. Embedded in a struct allocated
// for other reasons, it costs a request no allocation; Done makes a
// channel only when asked. Init must be called before any use; it is
// safe for concurrent use after that.
type Cancel struct {
	parent context.Context // its values

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
	// after the end: context.Cause reads a cause only from the context
	// package's own type, through Value.
	causeCtx context.Context
}

// ctxFunc is a registration: fn's ContextDone.
type ctxFunc struct {
	id uint64
	fn Func
}

// funcDone is an AfterFunc's function as a Func (a func value fits in an
// interface without an allocation).
type funcDone func()

func (f funcDone) ContextDone() { f() }

// closedChan is the Done of a Cancel that ended before anyone asked.
var closedChan = func() chan struct{} {
	c := make(chan struct{})
	close(c)
	return c
}()

var _ context.Context = (*Cancel)(nil)

// Init makes c a context with parent's values, not ended. c must be
// new: its zero value, not yet used.
func (c *Cancel) Init(parent context.Context) { c.parent = parent }

// Cancel ends c with cause (context.Canceled if nil), as a
// context.CancelCauseFunc does: the first call wins, and the functions
// registered by AfterFunc start.
func (c *Cancel) Cancel(cause error) {
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
		go f.fn.ContextDone()
	}
}

// Cause is the cause c ended with, nil before: context.Cause(c) without
// the context it makes for that.
func (c *Cancel) Cause() error {
	if !c.ended.Load() {
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.cause
}

// Deadline reports none.
func (c *Cancel) Deadline() (time.Time, bool) { return time.Time{}, false }

// Done returns a channel closed when c ends.
func (c *Cancel) Done() <-chan struct{} {
	if d, ok := c.done.Load().(chan struct{}); ok {
		return d
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	d, _ := c.done.Load().(chan struct{})
	if d == nil {
		d = make(chan struct{}) // (Cancel stores closedChan)
		c.done.Store(d)
	}
	return d
}

// Err returns nil until c ends, then context.Canceled.
func (c *Cancel) Err() error {
	if c.ended.Load() {
		return context.Canceled
	}
	return nil
}

// Value returns the parent's value for key. Once c has ended it asks a
// context of the context package ended with c's cause, which gives the
// same values and has context.Cause (which asks Value for the package's
// own type, once Err is not nil) find the cause. Before, the parent may
// answer for that type, but the context package takes it only if its
// Done is c's (parentCancelCtx), which it never is.
func (c *Cancel) Value(key any) any {
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
func (c *Cancel) AfterFunc(f func()) (stop func() bool) {
	id := c.register(funcDone(f))
	if id == 0 {
		return func() bool { return false }
	}
	return func() bool { return c.stopFunc(id) }
}

// register registers fn to be called on a goroutine of its own when c
// ends, and returns its id for stopFunc; if c has ended it calls fn at
// once and returns 0, which stopFunc knows nothing of.
func (c *Cancel) register(fn Func) uint64 {
	c.mu.Lock()
	if c.ended.Load() {
		c.mu.Unlock()
		go fn.ContextDone()
		return 0
	}
	if c.funcs == nil {
		c.funcs = c.inline[:0]
	}
	c.lastFunc++
	id := c.lastFunc
	c.funcs = append(c.funcs, ctxFunc{id: id, fn: fn})
	c.mu.Unlock()
	return id
}

// cancelCtx returns c: a type that embeds a Cancel has it too, which
// Register looks for.
func (c *Cancel) cancelCtx() *Cancel { return c }

// stopFunc takes the function registered as id out, and reports whether
// it was still there (not run, not stopped before).
func (c *Cancel) stopFunc(id uint64) bool {
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
