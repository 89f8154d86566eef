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
