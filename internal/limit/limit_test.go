package limit

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"
)

func TestLimiter_QueueThenFull(t *testing.T) {
	l := New(1, 1)
	if err := l.Acquire(context.Background()); err != nil {
		t.Fatalf("first Acquire = %v", err)
	}
	got := make(chan error, 1)
	go func() { got <- l.Acquire(context.Background()) }()
	for l.Waiting() != 1 {
		time.Sleep(time.Millisecond)
	}
	if err := l.Acquire(context.Background()); !errors.Is(err, ErrQueueFull) {
		t.Fatalf("Acquire past the queue = %v, want ErrQueueFull", err)
	}
	l.Release()
	if err := <-got; err != nil {
		t.Fatalf("queued Acquire = %v", err)
	}
	if l.InUse() != 1 || l.Waiting() != 0 {
		t.Fatalf("InUse %d Waiting %d, want 1 0", l.InUse(), l.Waiting())
	}
	l.Release()
}

func TestLimiter_ContextEndsWait(t *testing.T) {
	l := New(1, 5)
	if !l.TryAcquire() {
		t.Fatal("TryAcquire on an empty limiter failed")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	if err := l.Acquire(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Acquire = %v, want DeadlineExceeded", err)
	}
	if l.Waiting() != 0 {
		t.Fatalf("Waiting = %d after the wait ended", l.Waiting())
	}
}

func TestLimiter_NeverMoreThanMax(t *testing.T) {
	const most = 3
	l := New(most, 100)
	var mu sync.Mutex
	in, peak := 0, 0
	var wg sync.WaitGroup
	for range 50 {
		wg.Go(func() {
			if err := l.Acquire(context.Background()); err != nil {
				t.Error(err)
				return
			}
			mu.Lock()
			in++
			peak = max(peak, in)
			mu.Unlock()
			time.Sleep(time.Millisecond)
			mu.Lock()
			in--
			mu.Unlock()
			l.Release()
		})
	}
	wg.Wait()
	if peak > most {
		t.Fatalf("peak %d holders, want at most %d", peak, most)
	}
}

func TestLimiter_SetMaxHandsSlotsToWaiters(t *testing.T) {
	l := New(1, 5)
	if !l.TryAcquire() {
		t.Fatal("TryAcquire on an empty limiter failed")
	}
	got := make(chan error, 2)
	for range 2 {
		go func() { got <- l.Acquire(context.Background()) }()
	}
	for l.Waiting() != 2 {
		time.Sleep(time.Millisecond)
	}
	l.SetMax(3)
	for range 2 {
		if err := <-got; err != nil {
			t.Fatalf("waiter after SetMax(3) = %v", err)
		}
	}
	if l.InUse() != 3 || l.Max() != 3 {
		t.Fatalf("InUse %d Max %d, want 3 3", l.InUse(), l.Max())
	}
	// Shrinking takes effect as slots come back: a waiter gets a slot only
	// once fewer than the new max are in use.
	l.SetMax(1)
	go func() { got <- l.Acquire(context.Background()) }()
	for l.Waiting() != 1 {
		time.Sleep(time.Millisecond)
	}
	l.Release()
	l.Release()
	select {
	case err := <-got:
		t.Fatalf("waiter got a slot with 1 in use of max 1: %v", err)
	case <-time.After(20 * time.Millisecond):
	}
	l.Release()
	if err := <-got; err != nil {
		t.Fatalf("waiter = %v", err)
	}
	if l.InUse() != 1 {
		t.Fatalf("InUse %d, want 1", l.InUse())
	}
}

func TestLimiter_CancelledWaiterPassesHandedSlotOn(t *testing.T) {
	l := New(1, 5)
	l.TryAcquire()
	var wg sync.WaitGroup
	for range 50 {
		ctx, cancel := context.WithCancel(context.Background())
		ok := make(chan error, 1)
		wg.Go(func() { ok <- l.Acquire(ctx) })
		for l.Waiting() == 0 && len(ok) == 0 {
			time.Sleep(10 * time.Microsecond)
		}
		go cancel()
		l.Release() // races with the cancel: either way one slot stays accounted
		if err := <-ok; err == nil {
			l.Release()
		}
		wg.Wait()
		if !l.TryAcquire() {
			t.Fatalf("slot lost: InUse %d Waiting %d", l.InUse(), l.Waiting())
		}
	}
	l.Release()
	if l.InUse() != 0 {
		t.Fatalf("InUse %d at the end, want 0", l.InUse())
	}
}
