package ctxhook

import (
	"context"
	"errors"
	"fmt"
	"sync"
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
			register := func(name string, hook bool) func() bool {
				wg.Add(1)
				f := func() {
					defer wg.Done()
					mu.Lock()
					ran[name] = true
					mu.Unlock()
				}
				var stop func() bool
				if hook {
					stop = AfterFunc(ctx, f)
				} else {
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
			a := register("a", true)
			b := register("b", true)
			register("c", false)
			d := register("d", false)
			child, endChild := context.WithCancel(ctx)
			defer endChild()
			timed, endTimed := context.WithTimeout(ctx, time.Hour)
			defer endTimed()
			say("stop b %v, again %v; stop d %v", b(), b(), d())
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
			e := register("e", true)
			wg.Wait()
			say("stop a %v, stop e %v", a(), e())
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
