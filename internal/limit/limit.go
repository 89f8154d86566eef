// Package limit bounds how many things run at once and how many may wait
// for a slot (C11): a counting semaphore with a bounded queue of waiters.
package limit

import (
	"context"
	"errors"
	"sync"
)

// ErrQueueFull is returned by Acquire when the slots are taken and the queue
// of waiters is already full.
var ErrQueueFull = errors.New("limit: queue full")

// Limiter is a semaphore of Max slots with at most Queue waiters, served in
// arrival order. It is safe for concurrent use.
type Limiter struct {
	mu      sync.Mutex
	max     int
	inUse   int
	queue   int
	waiters []chan struct{} // FIFO; a slot is handed over by closing one
}

// New returns a Limiter with the given slots (at least 1) and room for queue
// waiters (0 means no waiting: a request either gets a slot or fails).
func New(slots, queue int) *Limiter {
	return &Limiter{max: max(slots, 1), queue: max(queue, 0)}
}

// Acquire takes a slot, waiting while ctx lives if the queue has room.
// It returns ErrQueueFull at once when it does not, or ctx.Err() if ctx ends
// first. Each successful Acquire must be paired with one Release.
func (l *Limiter) Acquire(ctx context.Context) error {
	l.mu.Lock()
	if l.takeLocked() {
		l.mu.Unlock()
		return nil
	}
	if len(l.waiters) >= l.queue {
		l.mu.Unlock()
		return ErrQueueFull
	}
	ch := make(chan struct{})
	l.waiters = append(l.waiters, ch)
	l.mu.Unlock()
	select {
	case <-ch:
		return nil
	case <-ctx.Done():
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	select {
	case <-ch:
		// The slot was handed over as ctx ended: pass it on.
		l.releaseLocked()
	default:
		for i, w := range l.waiters {
			if w == ch {
				l.waiters = append(l.waiters[:i], l.waiters[i+1:]...)
				break
			}
		}
	}
	return ctx.Err()
}

// TryAcquire takes a slot only if one is free now and nobody waits.
func (l *Limiter) TryAcquire() bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.takeLocked()
}

// takeLocked takes a slot if one is free and nobody waits for it.
func (l *Limiter) takeLocked() bool {
	if l.inUse < l.max && len(l.waiters) == 0 {
		l.inUse++
		return true
	}
	return false
}

// Release gives back a slot taken by Acquire or TryAcquire.
func (l *Limiter) Release() {
	l.mu.Lock()
	l.releaseLocked()
	l.mu.Unlock()
}

// releaseLocked frees a slot, or hands it to the first waiter while the
// slots in use do not exceed max.
func (l *Limiter) releaseLocked() {
	if l.inUse <= l.max && len(l.waiters) > 0 {
		l.handOverLocked()
		return
	}
	l.inUse--
}

// handOverLocked gives a slot already counted in inUse to the first waiter.
func (l *Limiter) handOverLocked() {
	close(l.waiters[0])
	l.waiters = l.waiters[1:]
}

// SetMax changes the number of slots (at least 1). Growing hands the new
// slots to waiters at once; shrinking takes effect as slots are released.
func (l *Limiter) SetMax(n int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.max = max(n, 1)
	for l.inUse < l.max && len(l.waiters) > 0 {
		l.inUse++
		l.handOverLocked()
	}
}

// SetQueue changes how many callers may wait (at least 0). Shrinking turns
// away new callers past the new bound; those already waiting keep their
// place.
func (l *Limiter) SetQueue(n int) {
	l.mu.Lock()
	l.queue = max(n, 0)
	l.mu.Unlock()
}

// InUse reports how many slots are taken.
func (l *Limiter) InUse() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.inUse
}

// Waiting reports how many callers are queued for a slot.
func (l *Limiter) Waiting() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.waiters)
}

// Max reports the number of slots.
func (l *Limiter) Max() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.max
}
