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

	"github.com/menshen/menshen/internal/parktick"
)

// deadlineTick is the granularity of timeouts: a request is cancelled at
// most this long after its timeout.
const deadlineTick = 50 * time.Millisecond

// deadlineIdleTicks is how many ticks the list stays empty before the
// ticker stops: an idle gateway does not wake every tick, and a steady
// load, whose list is empty between two requests, does not stop it.
const deadlineIdleTicks = 20

// deadlines holds the requests in flight with their deadlines. The ticker
// runs while the Gateway is open and requests come; it parks after
// deadlineIdleTicks without one, and the next startDeadline wakes it.
type deadlines struct {
	mu      sync.Mutex // guards the list, started and tick's parking
	head    *deadline  // doubly linked list of requests in flight
	started bool
	tick    *parktick.Ticker // the loop's, made with it; parked and woken under mu
}

type deadline struct {
	at         time.Time
	timeout    time.Duration
	ctx        *scriptCtx // ended with timeoutError once at has passed
	prev, next *deadline
}

// startDeadline ends ctx with a cause that is context.DeadlineExceeded
// (timeoutError; ctx.Err() says Canceled) once timeout has passed, and
// first sets the answer's write deadline to writeGrace from then, even if
// ctx has ended before (not once stopDeadline has returned).
// stopDeadline must be called when the request is over; it does not end
// ctx. restartDeadline, called when the script starts after waiting in a
// queue, gives it its whole timeout from then (unless it has already
// expired). The entry lives in ctx: no allocation per request.
func (g *Gateway) startDeadline(ctx *scriptCtx, timeout time.Duration) {
	d := &ctx.dl
	*d = deadline{at: time.Now().Add(timeout), timeout: timeout, ctx: ctx}
	dl := &g.deadlines
	dl.mu.Lock()
	if !dl.started {
		dl.started = true
		dl.tick = parktick.New(deadlineTick)
		g.wg.Add(1)
		go g.deadlineLoop()
	} else {
		dl.tick.Wake()
	}
	d.next = dl.head
	if dl.head != nil {
		dl.head.prev = d
	}
	dl.head = d
	dl.mu.Unlock()
}

// stopDeadline takes ctx's deadline out of the list (see startDeadline).
func (g *Gateway) stopDeadline(ctx *scriptCtx) {
	dl := &g.deadlines
	dl.mu.Lock()
	dl.remove(&ctx.dl)
	dl.mu.Unlock()
}

// restartDeadline gives ctx its whole timeout from now (see
// startDeadline).
func (g *Gateway) restartDeadline(ctx *scriptCtx) {
	d, dl := &ctx.dl, &g.deadlines
	dl.mu.Lock()
	if dl.head == d || d.prev != nil { // not expired yet
		d.at = time.Now().Add(d.timeout)
	}
	dl.mu.Unlock()
}

// expire is what a deadline does first, under dl.mu (so that stopDeadline
// waits for it): the client gets writeGrace to take the 504 or the cut
// answer.
func (d *deadline) expire() {
	if rc := d.ctx.rc; rc != nil {
		_ = rc.SetWriteDeadline(time.Now().Add(writeGrace))
	}
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
// the Gateway closes; it parks while no request comes (deadlines).
func (g *Gateway) deadlineLoop() {
	defer g.wg.Done()
	dl := &g.deadlines
	t := dl.tick
	defer t.Stop()
	var due []*deadline
	idle := 0
	for {
		select {
		case <-g.ctx.Done():
			return
		case now := <-t.C:
			dl.mu.Lock()
			if dl.head != nil {
				idle = 0
			} else if idle++; idle >= deadlineIdleTicks {
				if !t.Park(&dl.mu, g.ctx.Done()) {
					return
				}
				idle = 0
				continue
			}
			for d := dl.head; d != nil; {
				next := d.next
				if !now.Before(d.at) {
					dl.remove(d)
					due = append(due, d)
					d.expire() // under dl.mu: stopDeadline waits for it
				}
				d = next
			}
			dl.mu.Unlock()
			for i, d := range due {
				d.ctx.cancel(timeoutError{d.timeout})
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
