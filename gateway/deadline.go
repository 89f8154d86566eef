// deadline.go ends requests that run past their timeout (C10) with one
// ticker for the gateway instead of a runtime timer per request: adding a
// timer can wake a thread of the Go scheduler, which costs a fast FastCGI
// request several microseconds.

package gateway

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"
)

// deadlineTick is the granularity of timeouts: a request is cancelled at
// most this long after its timeout.
const deadlineTick = 50 * time.Millisecond

// deadlines holds the requests in flight with their deadlines. The ticker
// runs while the Gateway is open.
type deadlines struct {
	mu      sync.Mutex // guards the list and started
	head    *deadline  // doubly linked list of requests in flight
	started bool
}

type deadline struct {
	at         time.Time
	timeout    time.Duration
	cancel     context.CancelCauseFunc
	expire     func() // may be nil
	prev, next *deadline
}

// withTimeout ends a request's context, through its cancel, once timeout
// has passed, with a cause that is context.DeadlineExceeded (read it with
// context.Cause; ctx.Err() says Canceled). It adds no context of its own:
// one more layer per request would cost allocations and a registration
// with its parent. expire, if not nil, is called then too, even if the
// context has ended before; it is never called once stop has returned.
// stop must be called when the request is over; it does not end the
// context. restart, called when the script starts after waiting in a
// queue, gives it its whole timeout from then (unless it has already
// expired).
func (g *Gateway) withTimeout(cancel context.CancelCauseFunc, timeout time.Duration, expire func()) (stop, restart func()) {
	d := &deadline{at: time.Now().Add(timeout), timeout: timeout, cancel: cancel, expire: expire}
	dl := &g.deadlines
	dl.mu.Lock()
	if !dl.started {
		dl.started = true
		g.wg.Add(1)
		go g.deadlineLoop()
	}
	d.next = dl.head
	if dl.head != nil {
		dl.head.prev = d
	}
	dl.head = d
	dl.mu.Unlock()
	stop = func() {
		dl.mu.Lock()
		dl.remove(d)
		dl.mu.Unlock()
	}
	restart = func() {
		dl.mu.Lock()
		if dl.head == d || d.prev != nil { // not expired yet
			d.at = time.Now().Add(timeout)
		}
		dl.mu.Unlock()
	}
	return stop, restart
}

// remove unlinks d; it may already be unlinked. dl.mu is held.
func (dl *deadlines) remove(d *deadline) {
	if d.prev != nil {
		d.prev.next = d.next
	} else if dl.head == d {
		dl.head = d.next
	}
	if d.next != nil {
		d.next.prev = d.prev
	}
	d.prev, d.next = nil, nil
}

// deadlineLoop cancels the requests past their deadline, every tick, until
// the Gateway closes.
func (g *Gateway) deadlineLoop() {
	defer g.wg.Done()
	t := time.NewTicker(deadlineTick)
	defer t.Stop()
	dl := &g.deadlines
	var due []*deadline
	for {
		select {
		case <-g.ctx.Done():
			return
		case now := <-t.C:
			dl.mu.Lock()
			for d := dl.head; d != nil; {
				next := d.next
				if !now.Before(d.at) {
					dl.remove(d)
					due = append(due, d)
					if d.expire != nil {
						d.expire() // under dl.mu: stop waits for it
					}
				}
				d = next
			}
			dl.mu.Unlock()
			for i, d := range due {
				d.cancel(timeoutError{d.timeout})
				due[i] = nil
			}
			due = due[:0]
		}
	}
}

// timeoutError is the cause of a request's context once its timeout has
// passed: context.DeadlineExceeded (a 504), saying which timeout, so that
// the log line's reason tells it ("ran past its timeout (5s)") rather than
// what the interrupted read or wait said.
type timeoutError struct{ d time.Duration }

func (e timeoutError) Error() string {
	return fmt.Sprintf("ran past its timeout (%v, --timeout or its [script] timeout)", e.d)
}
func (e timeoutError) Unwrap() error { return context.DeadlineExceeded }

// queueWaitErr is err, the end of a wait in a queue for a process or a
// worker, as the request's failure: ErrQueueWait saying what was busy
// when its timeout ended the wait, else err.
func queueWaitErr(ctx context.Context, err error, busy string) error {
	var te timeoutError
	if errors.As(context.Cause(ctx), &te) {
		return fmt.Errorf("%w (%v): %s", ErrQueueWait, te.d, busy)
	}
	return err
}
