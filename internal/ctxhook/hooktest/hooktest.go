// Package hooktest gives tests a context that arranges its own
// AfterFuncs, as the gateway's script context does (internal/ctxhook),
// and tells what was registered on it.
package hooktest

import (
	"context"
	"sync"
)

// Ctx is a context that arranges its own AfterFuncs: those registered
// and not stopped run, each on a goroutine of its own, when End is
// called (at once when registered after it).
type Ctx struct {
	context.Context
	cancel context.CancelFunc

	mu    sync.Mutex
	ended bool
	calls int            // AfterFunc calls
	held  map[int]func() // registered, neither stopped nor run
	next  int
}

// New returns a Ctx, not ended.
func New() *Ctx {
	ctx, cancel := context.WithCancel(context.Background())
	return &Ctx{Context: ctx, cancel: cancel, held: map[int]func(){}}
}

// AfterFunc registers f, as context.AfterFunc: stop takes it out and
// reports whether it was still there.
func (c *Ctx) AfterFunc(f func()) (stop func() bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.calls++
	if c.ended {
		go f()
		return func() bool { return false }
	}
	id := c.next
	c.next++
	c.held[id] = f
	return func() bool {
		c.mu.Lock()
		defer c.mu.Unlock()
		_, ok := c.held[id]
		delete(c.held, id)
		return ok
	}
}

// End ends c (its Err is context.Canceled) and runs what is registered.
func (c *Ctx) End() {
	c.cancel()
	c.mu.Lock()
	defer c.mu.Unlock()
	c.ended = true
	for id, f := range c.held {
		delete(c.held, id)
		go f()
	}
}

// State is the number of AfterFunc calls so far and of the registrations
// held (neither stopped nor run).
func (c *Ctx) State() (calls, held int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.calls, len(c.held)
}
