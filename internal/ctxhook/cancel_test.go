package ctxhook

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

type key string

// TestCancel_SameAsContextPackage does the same things to a Cancel and to
// context.WithCancelCause(context.WithoutCancel(parent)), the context it
// stands for, and compares what each shows: its parent's end does not end
// it, values, deadline, Err, context.Cause (its own, and a derived
// context's, made before and after its end), Done, which AfterFuncs (its
// own, through AfterFunc here, and context.AfterFunc's) ran and what
// their stops returned, a second cancel.
func TestCancel_SameAsContextPackage(t *testing.T) {
	for _, nilCause := range []bool{false, true} {
		transcript := func(ours bool) []string {
			var lines []string
			say := func(format string, a ...any) { lines = append(lines, fmt.Sprintf(format, a...)) }
			parent, endParent := context.WithDeadline(context.WithValue(context.Background(), key("k"), "v"), time.Now().Add(time.Hour))
			defer endParent()
			var ctx context.Context
			var cancel context.CancelCauseFunc
			if ours {
				c := new(Cancel)
				c.Init(parent)
				ctx, cancel = c, c.Cancel
			} else {
				ctx, cancel = context.WithCancelCause(context.WithoutCancel(parent))
			}
			var mu sync.Mutex
			ran := map[string]bool{}
			var wg sync.WaitGroup
			const (
				viaContext  = iota // context.AfterFunc
				viaAfter           // AfterFunc here
				viaRegister        // Register
			)
			register := func(name string, via int) func() bool {
				wg.Add(1)
				f := func() {
					defer wg.Done()
					mu.Lock()
					ran[name] = true
					mu.Unlock()
				}
				var stop func() bool
				switch via {
				case viaAfter:
					stop = AfterFunc(ctx, f)
				case viaRegister:
					stop = Register(ctx, doneFunc(f)).Stop
				default:
					stop = context.AfterFunc(ctx, f)
				}
				return func() bool {
					ok := stop()
					if ok {
						wg.Done() // f will not run
					}
					return ok
				}
			}
			describe := func(name string, c context.Context) {
				dl, ok := c.Deadline()
				say("%s: err=%v cause=%v value=%v deadline=%v,%v", name, c.Err(), context.Cause(c), c.Value(key("k")), !dl.IsZero(), ok)
			}
			a := register("a", viaAfter)
			b := register("b", viaAfter)
			register("c", viaContext)
			d := register("d", viaContext)
			register("f", viaRegister)
			g := register("g", viaRegister)
			child, endChild := context.WithCancel(ctx)
			defer endChild()
			timed, endTimed := context.WithTimeout(ctx, time.Hour)
			defer endTimed()
			say("stop b %v, again %v; stop d %v; stop g %v, again %v", b(), b(), d(), g(), g())
			endParent()
			time.Sleep(10 * time.Millisecond)
			describe("after the parent's end", ctx)
			describe("child", child)
			var cause error
			if !nilCause {
				cause = errors.New("the cause")
			}
			cancel(cause)
			cancel(errors.New("a second cause"))
			<-ctx.Done()
			<-child.Done()
			<-timed.Done()
			describe("ended", ctx)
			describe("child", child)
			describe("timed", timed)
			late, endLate := context.WithCancelCause(ctx)
			defer endLate(nil)
			describe("derived after the end", late)
			e := register("e", viaAfter)
			h := register("h", viaRegister)
			wg.Wait()
			say("stop a %v, stop e %v, stop h %v", a(), e(), h())
			say("ran %v", ran)
			return lines
		}
		ref, ours := transcript(false), transcript(true)
		if fmt.Sprint(ref) != fmt.Sprint(ours) {
			t.Errorf("nil cause %v:\ncontext package:\n%q\nCancel:\n%q", nilCause, ref, ours)
		}
	}
}

// TestCancel_Cause: Cause is nil before the end, then the cause
// (context.Canceled for none), as context.Cause gives it, without making
// anything.
func TestCancel_Cause(t *testing.T) {
	c := new(Cancel)
	c.Init(context.Background())
	if c.Cause() != nil || c.Err() != nil {
		t.Fatalf("before the end: Cause %v, Err %v, want nil", c.Cause(), c.Err())
	}
	c.Cancel(nil)
	if c.Cause() != context.Canceled || context.Cause(c) != context.Canceled {
		t.Errorf("Cause %v, context.Cause %v, want context.Canceled", c.Cause(), context.Cause(c))
	}
	n := testing.AllocsPerRun(10, func() { _ = c.Cause() })
	if n != 0 {
		t.Errorf("Cause allocates %v times", n)
	}
}

// TestCancel_NoAllocs: a Cancel made, a registration through AfterFunc
// made and stopped, and its end, as a request uses it, allocate only the
// stop function.
func TestCancel_NoAllocs(t *testing.T) {
	f := func() {}
	var c Cancel
	n := testing.AllocsPerRun(100, func() {
		c = Cancel{}
		c.Init(context.Background())
		AfterFunc(&c, f)()
		c.Cancel(nil)
	})
	if n > 1 {
		t.Errorf("%v allocations, want at most 1 (the stop function)", n)
	}
}

// doneFunc is a function as a Func.
type doneFunc func()

func (f doneFunc) ContextDone() { f() }

// counter is a Func that counts its calls.
type counter struct{ n atomic.Int32 }

func (c *counter) ContextDone() { c.n.Add(1) }

// TestRegister: on a Cancel, or a type embedding one, a registration and
// its Stop allocate nothing, a stopped one does not run and the others
// run once at the end; one made after the end runs at once and its Stop
// says false; the zero Hook's Stop says false; on another context it
// is context.AfterFunc's.
func TestRegister(t *testing.T) {
	type embeds struct{ Cancel }
	var e embeds
	e.Init(context.Background())
	var kept, stopped counter
	n := testing.AllocsPerRun(100, func() {
		if !Register(&e, &stopped).Stop() {
			t.Fatal("Stop before the end: want true")
		}
	})
	if n != 0 {
		t.Errorf("Register and Stop on a type embedding a Cancel: %v allocations, want 0", n)
	}
	h := Register(&e, &kept)
	e.Cancel.Cancel(nil)
	waitCount(t, &kept, 1)
	if h.Stop() {
		t.Error("Stop after it ran: want false")
	}
	var late counter
	if Register(&e, &late).Stop() {
		t.Error("Stop of a registration made after the end: want false")
	}
	waitCount(t, &late, 1)
	if (Hook{}).Stop() {
		t.Error("the zero Hook's Stop: want false")
	}

	ctx, cancel := context.WithCancel(context.Background())
	var plain, plainStopped counter
	if !Register(ctx, &plainStopped).Stop() {
		t.Error("Stop on a plain context before its end: want true")
	}
	Register(ctx, &plain)
	cancel()
	waitCount(t, &plain, 1)
	time.Sleep(20 * time.Millisecond)
	if stopped.n.Load() != 0 || plainStopped.n.Load() != 0 || kept.n.Load() != 1 || plain.n.Load() != 1 {
		t.Errorf("calls: stopped %d, plain stopped %d, kept %d, plain %d; want 0, 0, 1, 1",
			stopped.n.Load(), plainStopped.n.Load(), kept.n.Load(), plain.n.Load())
	}
}

func waitCount(t *testing.T, c *counter, want int32) {
	t.Helper()
	for start := time.Now(); c.n.Load() != want; time.Sleep(time.Millisecond) {
		if time.Since(start) > 5*time.Second {
			t.Fatalf("called %d times, want %d", c.n.Load(), want)
		}
	}
}
