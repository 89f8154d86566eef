package ctxhook

import (
	"context"
	"testing"
	"time"

	"github.com/menshen/menshen/internal/ctxhook/hooktest"
)

// TestAfterFunc_Own: a context with an AfterFunc method arranges the
// call itself: the method is called, its stop is the one returned, and
// its end runs f.
func TestAfterFunc_Own(t *testing.T) {
	c := hooktest.New()
	ran := make(chan struct{}, 2)
	stop := AfterFunc(c, func() { ran <- struct{}{} })
	if calls, held := c.State(); calls != 1 || held != 1 {
		t.Fatalf("AfterFunc method called %d times (%d held), want once", calls, held)
	}
	if !stop() {
		t.Fatal("stop reported false")
	}
	if _, held := c.State(); held != 0 || stop() {
		t.Fatal("stop did not take out the registration the method made, or reported true twice")
	}
	AfterFunc(c, func() { ran <- struct{}{} })
	c.End()
	select {
	case <-ran:
	case <-time.After(5 * time.Second):
		t.Fatal("f did not run when the context ended")
	}
	select {
	case <-ran:
		t.Error("the stopped f ran")
	case <-time.After(50 * time.Millisecond):
	}
}

// TestAfterFunc_Plain: any other context gets context.AfterFunc.
func TestAfterFunc_Plain(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	stopped := AfterFunc(ctx, func() { t.Error("a stopped f ran") })
	if !stopped() {
		t.Fatal("stop before the end reported false")
	}
	ran := make(chan struct{})
	stop := AfterFunc(ctx, func() { close(ran) })
	cancel()
	select {
	case <-ran:
	case <-time.After(5 * time.Second):
		t.Fatal("f did not run when the context ended")
	}
	if stop() {
		t.Error("stop after f ran reported true")
	}
	time.Sleep(50 * time.Millisecond)
}
