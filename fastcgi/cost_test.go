// cost_test.go: what a request costs the gateway's side of a pool, in
// allocations: a bound that a regression on the path every request takes
// (a context registration more, a channel or an object made per request)
// breaks.

package fastcgi

import (
	"context"
	"errors"
	"io"
	"testing"
	"time"

	"github.com/menshen/menshen/internal/ctxhook"
	"github.com/menshen/menshen/internal/ctxhook/hooktest"
)

// TestPool_RequestAllocs bounds the allocations of one request through a
// pool to a FCGI.pm worker on its kept connection: Do, the answer read to
// its end, Close, under a context of its own that can be cancelled, as
// the gateway's are. Of the 9: the context and its cancel function; the
// context's Done channel and children map, which the pool's registration
// on it makes; that registration (context.AfterFunc's context and stop
// function) and its function; the PoolResponse. (A registration each for
// the conn and the worker, a channel for the kill, a Response of its own,
// the pool's state channel, made anew at every release, and a replayBody
// for a request with no body made 15.)
func TestPool_RequestAllocs(t *testing.T) {
	if raceOn {
		t.Skip("the race detector drops sync.Pool's buffers at random: the count varies")
	}
	p := mustPool(t, perlConfig(t))
	var pairs []byte
	for _, kv := range [][2]string{{"GATEWAY_INTERFACE", "CGI/1.1"}, {"REQUEST_METHOD", "GET"}, {"SCRIPT_NAME", "/worker.pl"}, {"QUERY_STRING", ""}, {"SERVER_PROTOCOL", "HTTP/1.1"}} {
		pairs, _ = AppendPair(pairs, kv[0], kv[1])
	}
	buf := make([]byte, 4096)
	var failed error
	one := func() {
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		resp, err := p.Do(ctx, &Request{Pairs: pairs, Idempotent: true})
		if err != nil {
			failed = err
			return
		}
		for err == nil {
			_, err = resp.Read(buf)
		}
		if err != io.EOF {
			failed = err
		}
		resp.Close()
	}
	one() // the worker starts
	allocs := testing.AllocsPerRun(200, one)
	if failed != nil {
		t.Fatal(failed)
	}
	if allocs > 9 {
		t.Errorf("%v allocations per request, want at most 9", allocs)
	}
	if s := p.Stats(); s.Spawns != 1 {
		t.Errorf("%d workers started, want 1 for all requests", s.Spawns)
	}
}

// TestPool_CancelCtx: under a ctxhook.Cancel (the gateway's script
// context embeds one), a request's watch of it is registered with
// ctxhook.Register: the request allocates only its PoolResponse (a
// method value and a stop function more through context.AfterFunc or an
// AfterFunc method); the context's end kills the worker.
func TestPool_CancelCtx(t *testing.T) {
	p := mustPool(t, perlConfig(t))
	ctx := new(ctxhook.Cancel)
	ctx.Init(context.Background())
	defer ctx.Cancel(nil)
	one, failed := poolRequest(p, ctx)
	one()
	allocs := testing.AllocsPerRun(100, one)
	if *failed != nil {
		t.Fatal(*failed)
	}
	if !raceOn && allocs > 1 {
		t.Errorf("%v allocations per request, want at most 1", allocs)
	}

	mustKillOnEnd(t, p, ctx, func() { ctx.Cancel(nil) })
}

// TestPool_OwnAfterFunc: under a context that arranges its own
// AfterFuncs (the gateway's), a request registers on it through that
// method, once, and stops the registration when it is over, with 3
// allocations (the registration's stop function, its function, the
// PoolResponse: context.AfterFunc's layers around the method made 3
// more); the context's end, through the method, kills the worker.
func TestPool_OwnAfterFunc(t *testing.T) {
	p := mustPool(t, perlConfig(t))
	ctx := hooktest.New()
	defer ctx.End()
	one, failed := poolRequest(p, ctx)
	one()
	if calls, held := ctx.State(); calls != 1 || held != 0 {
		t.Fatalf("one request: %d AfterFunc calls, %d registrations left, want 1 and 0", calls, held)
	}
	allocs := testing.AllocsPerRun(100, one)
	if *failed != nil {
		t.Fatal(*failed)
	}
	if calls, held := ctx.State(); calls != 102 || held != 0 {
		t.Errorf("102 requests: %d AfterFunc calls, %d registrations left, want 102 and 0", calls, held)
	}
	if !raceOn && allocs > 3 {
		t.Errorf("%v allocations per request, want at most 3", allocs)
	}

	mustKillOnEnd(t, p, ctx, ctx.End)
}

// poolRequest returns a function that makes a GET on p under ctx and
// reads its answer, and where it leaves the last error it met.
func poolRequest(p *testPool, ctx context.Context) (one func(), failed *error) {
	var pairs []byte
	for _, kv := range [][2]string{{"GATEWAY_INTERFACE", "CGI/1.1"}, {"REQUEST_METHOD", "GET"}, {"QUERY_STRING", ""}} {
		pairs, _ = AppendPair(pairs, kv[0], kv[1])
	}
	buf := make([]byte, 4096)
	failed = new(error)
	one = func() {
		resp, err := p.Do(ctx, &Request{Pairs: pairs, Idempotent: true})
		if err != nil {
			*failed = err
			return
		}
		for err == nil {
			_, err = resp.Read(buf)
		}
		if err != io.EOF {
			*failed = err
		}
		resp.Close()
	}
	return one, failed
}

// mustKillOnEnd checks that end, called 200 ms into a long request on p
// under ctx, kills its worker and has Do return soon after.
func mustKillOnEnd(t *testing.T, p *testPool, ctx context.Context, end func()) {
	t.Helper()
	pid := p.mustGet("").pid
	time.AfterFunc(200*time.Millisecond, end)
	start := time.Now()
	if _, err := p.get(ctx, "sleep=30"); !errors.Is(err, context.Canceled) {
		t.Errorf("err %v, want context.Canceled", err)
	}
	waitGone(t, pid, time.Second)
	if d := time.Since(start); d > 1500*time.Millisecond {
		t.Errorf("Do returned after %s, want about 200ms", d)
	}
}
