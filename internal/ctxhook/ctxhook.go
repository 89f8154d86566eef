// Package ctxhook arranges a call for when a context ends, as
// context.AfterFunc does, with less work for a context that arranges
// such calls itself.
//
// context.AfterFunc on a context of its own type (one with a method
// AfterFunc(func()) func() bool, such as the gateway's script context)
// calls that method, but with layers of its own around it: a context of
// its own for the call, a sync.Once and the closures that tie them, three
// allocations and a lock or two a request. AfterFunc here calls the
// method directly. Such a method must do what context.AfterFunc
// promises: f runs once, on a goroutine of its own, when the context
// ends (at once if it has); stop keeps it from running and reports true
// if it did, false if f had started or was stopped before.
//
// Cancel is such a context, ended by a call: the HTTP server's request
// context and the gateway's script context are each one, embedded in an
// allocation the request makes anyway.
package ctxhook

import "context"

// afterFuncer is a context that arranges its own AfterFuncs.
type afterFuncer interface {
	AfterFunc(f func()) (stop func() bool)
}

// AfterFunc arranges to call f on a goroutine of its own once ctx ends,
// and returns the function that stops that, as context.AfterFunc.
func AfterFunc(ctx context.Context, f func()) (stop func() bool) {
	if a, ok := ctx.(afterFuncer); ok {
		return a.AfterFunc(f)
	}
	return context.AfterFunc(ctx, f)
}

// Func is what Register calls when a context ends.
type Func interface {
	// ContextDone is called once, on a goroutine of its own.
	ContextDone()
}

// Hook is a registration Register made; its zero value is none.
type Hook struct {
	c    *Cancel
	id   uint64
	stop func() bool
}

// embedsCancel is a Cancel, or a type that embeds one.
type embedsCancel interface{ cancelCtx() *Cancel }

// Register arranges to call f.ContextDone() on a goroutine of its own once
// ctx ends, as AfterFunc(ctx, f.ContextDone) does, and returns the
// registration, whose Stop is AfterFunc's stop. On a Cancel, or a context
// that embeds one, it allocates nothing: no method value, no stop
// function (f, a pointer, is stored as it is).
func Register(ctx context.Context, f Func) Hook {
	if e, ok := ctx.(embedsCancel); ok {
		c := e.cancelCtx()
		return Hook{c: c, id: c.register(f)}
	}
	return Hook{stop: AfterFunc(ctx, f.ContextDone)}
}

// Stop keeps the registration's function from running and reports true
// if it did; false if it had started, was stopped before, or h is none.
func (h Hook) Stop() bool {
	switch {
	case h.c != nil:
		return h.id != 0 && h.c.stopFunc(h.id)
	case h.stop != nil:
		return h.stop()
	}
	return false
}
