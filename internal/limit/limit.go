// Package limit bounds how many things run at once and how many may wait
// for a slot (C11): a counting semaphore with a bounded queue of waiters.
package limit

import (
	"context"
	"errors"
	"sync/atomic"
)

// ErrQueueFull is returned by Acquire when the slots are taken and the queue
// of waiters is already full.
var ErrQueueFull = errors.New("limit: queue full")

// Limiter is a semaphore of Max slots with at most Queue waiters.
// It is safe for concurrent use.
type Limiter struct {
	slots   chan struct{}
	queue   int64
	waiting atomic.Int64
}

// New returns a Limiter with max slots (at least 1) and room for queue
// waiters (0 means no waiting: a request either gets a slot or fails).
func New(max, queue int) *Limiter {
	if max < 1 {
		max = 1
	}
	if queue < 0 {
		queue = 0
	}
	return &Limiter{slots: make(chan struct{}, max), queue: int64(queue)}
}

// Acquire takes a slot, waiting while ctx lives if the queue has room.
// It returns ErrQueueFull at once when it does not, or ctx.Err() if ctx ends
// first. Each successful Acquire must be paired with one Release.
func (l *Limiter) Acquire(ctx context.Context) error {
	select {
	case l.slots <- struct{}{}:
		return nil
	default:
	}
	if l.waiting.Add(1) > l.queue {
		l.waiting.Add(-1)
		return ErrQueueFull
	}
	defer l.waiting.Add(-1)
	select {
	case l.slots <- struct{}{}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// TryAcquire takes a slot only if one is free now.
func (l *Limiter) TryAcquire() bool {
	select {
	case l.slots <- struct{}{}:
		return true
	default:
		return false
	}
}

// Release gives back a slot taken by Acquire or TryAcquire.
func (l *Limiter) Release() { <-l.slots }

// InUse reports how many slots are taken.
func (l *Limiter) InUse() int { return len(l.slots) }

// Waiting reports how many callers are queued for a slot.
func (l *Limiter) Waiting() int { return int(l.waiting.Load()) }

// Max reports the number of slots.
func (l *Limiter) Max() int { return cap(l.slots) }
