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
