package gateway

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/menshen/menshen/internal/ctxhook"
)

// refScriptContext is the script's context as the gateway built it
// before scriptCtx, the layers of the context package: the reference
// TestScriptCtx_SameAsContextPackage compares scriptCtx with.
func refScriptContext(g *Gateway, r *http.Request, x *exchange) (context.Context, func(), context.CancelCauseFunc) {
	parent := r.Context()
	ctx, cancel := context.WithCancelCause(context.WithoutCancel(parent))
	stopClient := context.AfterFunc(parent, func() {
		cause := context.Cause(parent)
		if cause == context.Canceled {
			cause = ErrClientGone
		}
		if !x.complete.Load() || errors.Is(cause, ErrShuttingDown) {
			cancel(cause)
			return
		}
		if g.hard != nil {
			stopHard := context.AfterFunc(g.hard, func() { cancel(context.Cause(g.hard)) })
			context.AfterFunc(ctx, func() { stopHard() })
		}
	})
	return ctx, func() {
		stopClient()
		cancel(context.Canceled)
	}, cancel
}

type ctxKey string

// TestScriptCtx_SameAsContextPackage runs the ways a script's context
// ends (its timeout, its client leaving before or after a whole answer,
// the shutdown, the request's end), with the registrations on it that
// fastcgi and cgi make and the contexts they derive from it, on scriptCtx
// and on the context package's layers it replaces, and compares what
// each one sees: Err, context.Cause (the log's reason and the answer's
// status: 504, 499, 503), the derived contexts' causes, which
// AfterFuncs ran and what their stops returned, values and deadline.
func TestScriptCtx_SameAsContextPackage(t *testing.T) {
	type step int
	const (
		timeout       step = iota // the deadline loop's cancel
		clientGone                // the server ends the request's context
		complete                  // the client has the whole answer
		shutdown                  // the grace is over: hard ends
		end                       // the request is over
		cancelByNPH               // passNPH's own cancel(ErrClientGone)
		registerLate              // an AfterFunc and a child made now
		stopEarlyFunc             // the first AfterFunc's stop
	)
	cases := [][]step{
		{end},
		{timeout},
		{timeout, end},
		{clientGone},
		{clientGone, end},
		{complete, clientGone},
		{complete, clientGone, end},
		{complete, clientGone, shutdown},
		{complete, clientGone, end, shutdown},
		{complete, shutdown},
		{shutdown},
		{shutdown, clientGone},
		{cancelByNPH},
		{cancelByNPH, timeout},
		{timeout, clientGone},
		{stopEarlyFunc, timeout},
		{stopEarlyFunc, end},
		{registerLate, timeout},
		{timeout, registerLate},
		{complete, clientGone, registerLate, shutdown},
		{end, registerLate},
		{stopEarlyFunc, registerLate, clientGone},
	}
	run := func(t *testing.T, steps []step, ours bool) []string {
		hard, killAll := context.WithCancelCause(context.Background())
		defer killAll(nil)
		gctx, gcancel := context.WithCancel(context.Background())
		g := &Gateway{hard: hard, ctx: gctx}
		defer func() {
			gcancel()
			g.wg.Wait()
		}()
		base := context.WithValue(hard, http.LocalAddrContextKey, &net.TCPAddr{Port: 9})
		base = context.WithValue(base, ctxKey("k"), "v")
		rctx, rcancel := context.WithDeadline(base, time.Now().Add(time.Hour))
		defer rcancel()
		r := httptest.NewRequest("GET", "/", nil).WithContext(rctx)
		x := &exchange{}

		var (
			ctx      context.Context
			endReq   func()
			cancel   context.CancelCauseFunc
			sc       *scriptCtx
			timedOut func() // ends ctx with the timeout's cause
		)
		if ours {
			sc = g.scriptContext(r, x, nil, time.Hour)
			ctx, endReq, cancel = sc, sc.end, sc.cancel
			timedOut = func() {
				// The deadline loop's own way: the deadline passes.
				g.deadlines.mu.Lock()
				sc.dl.at = time.Now()
				g.deadlines.mu.Unlock()
				if !waitFor(5*time.Second, func() bool { return sc.Err() != nil }) {
					t.Fatal("the deadline loop did not end the context")
				}
			}
		} else {
			var refCancel context.CancelCauseFunc
			ctx, endReq, refCancel = refScriptContext(g, r, x)
			cancel = refCancel
			timedOut = func() { refCancel(timeoutError{time.Hour}) }
		}

		var (
			seen  []string
			ran   [4]atomic.Bool
			stops []func() bool
		)
		note := func(format string, a ...any) { seen = append(seen, fmt.Sprintf(format, a...)) }
		// As fastcgi's and cgi's: through internal/ctxhook, which
		// calls scriptCtx's AfterFunc directly (ref's through
		// context.AfterFunc).
		register := func(i int) {
			stops = append(stops, ctxhook.AfterFunc(ctx, func() { ran[i].Store(true) }))
		}
		register(0) // fastcgi's ctxWatch
		register(1) // cgi's kill
		child, childCancel := context.WithCancel(ctx)
		defer childCancel()
		children := []context.Context{child}
		note("before: err=%v cause=%v done=%v", ctx.Err(), context.Cause(ctx), isDone(ctx))
		stoppedEarly := false
		// settle waits for what the step set going on goroutines of
		// their own (the client's end and the shutdown are watched
		// from one; the AfterFuncs run on one): the context ended (a
		// client leaving a whole answer does not end it: half a second is
		// waited for then), its children ended with it, and its
		// AfterFuncs not stopped run.
		settle := func(wait time.Duration) {
			waitFor(wait, func() bool { return ctx.Err() != nil })
			waitFor(5*time.Second, func() bool {
				for _, c := range children {
					if (c.Err() != nil) != (ctx.Err() != nil) {
						return false
					}
				}
				for i := range stops {
					if ctx.Err() != nil && !(i == 0 && stoppedEarly) && !ran[i].Load() {
						return false
					}
				}
				return true
			})
		}
		for _, s := range steps {
			switch s {
			case timeout:
				timedOut()
			case clientGone:
				rcancel()
				settle(500 * time.Millisecond)
			case complete:
				x.complete.Store(true)
			case shutdown:
				killAll(ErrShuttingDown)
				settle(500 * time.Millisecond)
			case end:
				endReq()
			case cancelByNPH:
				cancel(ErrClientGone)
			case registerLate:
				register(2)
				c, cc := context.WithCancelCause(ctx)
				defer cc(nil)
				children = append(children, c)
				c2, cc2 := context.WithTimeout(ctx, time.Hour)
				defer cc2()
				children = append(children, c2)
			case stopEarlyFunc:
				stoppedEarly = stops[0]()
				note("stop 0: %v", stoppedEarly)
			}
			settle(0)
			note("after %d: err=%v cause=%v done=%v", s, ctx.Err(), context.Cause(ctx), isDone(ctx))
			for i, c := range children {
				note("child %d: err=%v cause=%v done=%v", i, c.Err(), context.Cause(c), isDone(c))
			}
		}
		settle(0)
		time.Sleep(10 * time.Millisecond) // (an AfterFunc that would run twice, or stopped)
		for i := range ran {
			note("ran %d: %v", i, ran[i].Load())
		}
		for i, stop := range stops {
			note("stop %d at the end: %v", i, stop())
		}
		dl, ok := ctx.Deadline()
		note("deadline %v %v; values %v %v; queue wait: %v", dl, ok, ctx.Value(http.LocalAddrContextKey), ctx.Value(ctxKey("k")),
			queueWaitErr(ctx, errors.New("waited"), "busy"))
		var te timeoutError
		note("status %d, timeout cause %v", statusFor(contextErr(ctx, errors.New("read"))), errors.As(context.Cause(ctx), &te))
		if !ours {
			endReq()
		} else {
			sc.end()
		}
		return seen
	}
	for _, steps := range cases {
		t.Run(fmt.Sprint(steps), func(t *testing.T) {
			want := run(t, steps, false)
			got := run(t, steps, true)
			if len(got) != len(want) {
				t.Fatalf("scriptCtx saw %d things, the context package %d:\n%q\n%q", len(got), len(want), got, want)
			}
			for i := range want {
				if got[i] != want[i] {
					t.Errorf("scriptCtx: %s\n   want: %s", got[i], want[i])
				}
			}
		})
	}
}

func isDone(ctx context.Context) bool {
	select {
	case <-ctx.Done():
		return true
	default:
		return false
	}
}

// TestScriptCtx_AfterFuncStops checks the AfterFunc method itself, as
// context.AfterFunc behaves: f runs once, on its own goroutine, after
// the end; a stop before prevents it and says so, once.
func TestScriptCtx_AfterFuncStops(t *testing.T) {
	c := &scriptCtx{parent: context.Background()}
	c.Init(c.parent)
	var runs [4]atomic.Int32
	var stops [4]func() bool
	for i := range stops {
		stops[i] = c.AfterFunc(func() { runs[i].Add(1) })
	}
	if !stops[1]() || stops[1]() {
		t.Error("stop before the end: want true, then false")
	}
	if !stops[3]() {
		t.Error("stop of the last: want true")
	}
	c.cancel(errors.New("x"))
	c.cancel(errors.New("y"))
	if !waitFor(5*time.Second, func() bool { return runs[0].Load() == 1 && runs[2].Load() == 1 }) {
		t.Fatal("the registered functions did not run")
	}
	late := make(chan struct{})
	if c.AfterFunc(func() { close(late) })() {
		t.Error("stop after the end: want false")
	}
	<-late
	time.Sleep(10 * time.Millisecond)
	for i, want := range []int32{1, 0, 1, 0} {
		if got := runs[i].Load(); got != want {
			t.Errorf("func %d ran %d times, want %d", i, got, want)
		}
	}
	if stops[0]() || stops[2]() {
		t.Error("stop after running: want false")
	}
	if got := context.Cause(c); got == nil || got.Error() != "x" {
		t.Errorf("Cause = %v, want x", got)
	}
}

// BenchmarkScriptCtx is a request's script context as a FastCGI request
// uses it (made, a registration of fastcgi's ctxWatch made and stopped,
// through internal/ctxhook as fastcgi does, ended): scriptCtx (its timeout included) against the context
// package's layers it replaced (theirs not).
func BenchmarkScriptCtx(b *testing.B) {
	hard, killAll := context.WithCancelCause(context.Background())
	defer killAll(nil)
	gctx, gcancel := context.WithCancel(context.Background())
	defer gcancel()
	g := &Gateway{hard: hard, ctx: gctx}
	base := context.WithValue(hard, http.LocalAddrContextKey, &net.TCPAddr{Port: 9})
	r := httptest.NewRequest("GET", "/", nil)
	f := func() {}
	b.Run("ref", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			rctx, rcancel := context.WithCancel(base)
			x := &exchange{}
			ctx, end, _ := refScriptContext(g, r.WithContext(rctx), x)
			context.AfterFunc(ctx, f)()
			end()
			rcancel()
		}
	})
	b.Run("scriptCtx", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			rctx, rcancel := context.WithCancel(base)
			x := &exchange{}
			ctx := g.scriptContext(r.WithContext(rctx), x, nil, time.Hour)
			ctxhook.AfterFunc(ctx, f)()
			ctx.end()
			rcancel()
		}
	})
	gcancel()
	g.wg.Wait()
}
