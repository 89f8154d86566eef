package http1

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"testing"
	"time"

	"github.com/menshen/menshen/internal/ctxhook"
)

// TestServer_BaseEndEndsRequests checks that the end of the base context
// ends the request contexts as net/http's (derived from base) end: the
// running request's at once, with base's cause, the contexts derived
// from it and its AfterFuncs too; and a request arriving after it, on the
// same connection or a new one, has its context ended from the start.
// The values stay base's.
func TestServer_BaseEndEndsRequests(t *testing.T) {
	t.Parallel()
	shutdown := errors.New("shutting down")
	forEach(t, func(t *testing.T, im impl) {
		base, end := context.WithCancelCause(context.WithValue(context.Background(), ctxKey{}, "base"))
		defer end(nil)
		started := make(chan struct{}, 1)
		describe := func(ctx context.Context) string {
			return fmt.Sprintf("err=%v cause=%v value=%v", ctx.Err(), context.Cause(ctx), ctx.Value(ctxKey{}))
		}
		h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			ctx := r.Context()
			if r.URL.Path == "/wait" {
				child, cancel := context.WithCancel(ctx)
				defer cancel()
				ran := make(chan struct{})
				ctxhook.AfterFunc(ctx, func() { close(ran) })
				stopped := ctxhook.AfterFunc(ctx, func() { t.Error("a stopped AfterFunc ran") })
				if !stopped() {
					t.Error("stop before the end: want true")
				}
				if ctx.Err() != nil {
					t.Error("the request's context ended before base did")
				}
				started <- struct{}{}
				select {
				case <-child.Done():
				case <-time.After(5 * time.Second):
					t.Error("the derived context did not end within 5s of base's end")
				}
				select {
				case <-ran:
				case <-time.After(5 * time.Second):
					t.Error("the AfterFunc did not run within 5s of base's end")
				}
				fmt.Fprintf(w, "%s child:%v\n", describe(ctx), context.Cause(child))
				return
			}
			fmt.Fprintln(w, describe(ctx))
		})
		tg := mustStart(t, im, h, opts{baseContext: func(net.Listener) context.Context { return base }})
		c := mustDial(t, tg.addr)
		br := bufio.NewReader(c)
		mustWrite(t, c, get("GET", "/now"))
		mustWrite(t, c, get("GET", "/wait"))
		<-started
		end(shutdown)
		mustWrite(t, c, get("GET", "/after"))
		out := readOutcome(c, br, "GET", "GET", "GET")
		c2 := mustDial(t, tg.addr)
		mustWrite(t, c2, get("GET", "/new"))
		out2 := readOutcome(c2, bufio.NewReader(c2), "GET")
		var got []string
		for _, r := range append(out.Responses, out2.Responses...) {
			got = append(got, r.Body)
		}
		ended := "err=context canceled cause=shutting down value=base\n"
		want := []string{"err=<nil> cause=<nil> value=base\n", ended[:len(ended)-1] + " child:shutting down\n", ended, ended}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("got  %q\nwant %q", got, want)
		}
	})
}

// TestServer_RequestContextAllocs counts a request's allocations with the
// gateway's base context (cancellable) and one registration on the
// request's context, made and stopped through ctxhook as the gateway's
// script context makes it: the request's context, its watch of base and
// the registration cost no allocation of their own (context.WithCancel
// and context.AfterFunc on it cost 6 more: 15).
func TestServer_RequestContextAllocs(t *testing.T) {
	if raceOn {
		t.Skip("the race detector drops sync.Pool's buffers at random: the count varies")
	}
	base, end := context.WithCancelCause(context.Background())
	defer end(nil)
	body := []byte("hello\n")
	f := func() {}
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		stop := ctxhook.AfterFunc(r.Context(), f)
		w.Write(body)
		if !stop() {
			t.Error("stop: want true")
		}
	})
	allocs := requestAllocs(t, h, opts{readHeaderTimeout: time.Minute, readTimeout: time.Minute, idleTimeout: time.Minute,
		baseContext: func(net.Listener) context.Context { return base }}, body)
	t.Logf("%v allocations per request", allocs)
	if allocs > 9 {
		t.Errorf("%v allocations per request, want at most 9", allocs)
	}
}
