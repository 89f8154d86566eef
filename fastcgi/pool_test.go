// pool_test.go: pools of real worker processes (FCGI.pm and the re-executed
// test binary) over real Unix sockets: reuse, growth, queueing, recycling,
// retirement, death, timeouts, start failures and draining (C10, C11, C22).

package fastcgi

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sirupsen/logrus"
	logtest "github.com/sirupsen/logrus/hooks/test"
)

// TestPool_ReusesWorker checks that sequential requests are served by the
// same process over its kept connection.
func TestPool_ReusesWorker(t *testing.T) {
	p := mustPool(t, perlConfig(t))
	var pids []int
	for i := 1; i <= 3; i++ {
		res := p.mustGet("")
		if want := "count=" + string(rune('0'+i)); !strings.Contains(res.out, want) {
			t.Errorf("request %d: answer %q, want %s", i, res.out, want)
		}
		pids = append(pids, res.pid)
	}
	if pids[0] != pids[1] || pids[1] != pids[2] {
		t.Errorf("pids %v, want one worker for all", pids)
	}
	s := p.Stats()
	if s.Spawns != 1 || len(s.Workers) != 1 || s.Workers[0].Requests != 3 || s.Workers[0].Busy {
		t.Errorf("stats %+v, want 1 spawn, 1 idle worker with 3 requests", s)
	}
}

// TestPool_BusyPoll: with BusyPoll, the read of a worker's answer polls
// for it while BusyPollSpare says a processor is to spare, asking before
// each poll; without, it never asks. The answers are the same.
func TestPool_BusyPoll(t *testing.T) {
	for _, poll := range []time.Duration{0, 5 * time.Second} {
		var asked atomic.Int64
		cfg := perlConfig(t)
		cfg.BusyPoll = poll
		cfg.BusyPollSpare = func() bool { return asked.Add(1) < 1000 }
		p := mustPool(t, cfg)
		for i := 1; i <= 2; i++ {
			// The worker answers 0.2 s later: the reads wait for it.
			if res := p.mustGet("sleep=0.2"); !strings.Contains(res.out, fmt.Sprintf("count=%d", i)) {
				t.Errorf("answer %q", res.out)
			}
		}
		switch n := asked.Load(); {
		case poll == 0 && n != 0:
			t.Errorf("without busy polling, BusyPollSpare asked %d times", n)
		case poll > 0 && n < 20:
			// A read that waits asks before its first poll and again
			// after each poll that found nothing (without polling, once:
			// 3 in all here). How many polls fit in the wait depends on
			// the machine's load, each yielding the processor: under CI's
			// parallel packages 29 in 40 ms once, so 0.4 s of waiting.
			t.Errorf("with busy polling, BusyPollSpare asked %d times in 0.4 s, want 20 and more: the reads of the answers did not poll", n)
		}
	}
}

// TestPool_BusyPollStopsWhileStreaming: an answer that comes in pieces,
// apart, has only its first reads poll (spinsPerRequest); the reads of
// its later pieces wait at once and ask BusyPollSpare nothing, where a
// poll between each two pieces would take the processor the worker needs
// to make the next. The next request polls again.
func TestPool_BusyPollStopsWhileStreaming(t *testing.T) {
	var asked atomic.Int64
	cfg := perlConfig(t)
	cfg.BusyPoll = 5 * time.Second
	cfg.BusyPollSpare = func() bool { asked.Add(1); return true }
	p := mustPool(t, cfg)
	for round := 1; round <= 2; round++ {
		asked.Store(0)
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		resp, err := p.Do(ctx, &Request{Params: params("pieces=8", nil)})
		if err != nil {
			cancel()
			t.Fatal(err)
		}
		var out []byte
		var atFifth int64 = -1
		buf := make([]byte, 4096)
		for {
			n, err := resp.Read(buf)
			out = append(out, buf[:n]...)
			if atFifth < 0 && bytes.Contains(out, []byte("piece 5\n")) {
				atFifth = asked.Load()
			}
			if err != nil {
				break
			}
		}
		resp.Close()
		cancel()
		if !bytes.Contains(out, []byte("piece 8\n")) {
			t.Fatalf("round %d: answer %q", round, out)
		}
		if atFifth < 1 {
			t.Errorf("round %d: BusyPollSpare asked %d times by the fifth piece: the first reads did not poll", round, atFifth)
		}
		if n := asked.Load(); n != atFifth {
			t.Errorf("round %d: BusyPollSpare asked %d times after the fifth piece: the reads of a streaming answer still poll", round, n-atFifth)
		}
	}
}

// TestPool_NextRequestWaitsForFinishingWorker: a request that comes while
// the only worker has given its whole answer but is not back yet (its
// caller is still writing the answer to its client) takes that worker a
// moment later, instead of starting a second process that would pay the
// script's start-up.
func TestPool_NextRequestWaitsForFinishingWorker(t *testing.T) {
	cfg := perlConfig(t)
	cfg.Workers = 2
	p := mustPool(t, cfg)
	// The worker comes back a millisecond after its answer, here; under
	// -race on two loaded processors that may take longer than the pool's
	// 5 ms, and the test is not about how long.
	p.finishWait = 5 * time.Second
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	first, err := p.Do(ctx, &Request{Params: params("", nil)})
	if err != nil {
		t.Fatal(err)
	}
	p.seen(first.PID())
	if _, err := io.ReadAll(first); err != nil {
		t.Fatal(err)
	}
	go func() {
		time.Sleep(time.Millisecond) // the caller writing to its client
		first.Close()
	}()
	res := p.mustGet("")
	if res.pid != first.PID() {
		t.Errorf("second request served by worker %d, want the first one (%d) back", res.pid, first.PID())
	}
	if s := p.Stats(); s.Spawns != 1 {
		t.Errorf("%d workers started, want 1", s.Spawns)
	}
}

// TestPool_GrowsToWorkersAndNoMore checks that concurrent load grows the
// pool to Workers processes and never past it (C11, C22).
func TestPool_GrowsToWorkersAndNoMore(t *testing.T) {
	cfg := helperConfig(t, "serve")
	cfg.Workers = 3
	cfg.Queue = 20
	p := mustPool(t, cfg)

	stop := make(chan struct{})
	var most int
	var watch sync.WaitGroup
	watch.Go(func() {
		for {
			if n := len(p.Stats().Workers); n > most {
				most = n
			}
			select {
			case <-stop:
				return
			case <-time.After(5 * time.Millisecond):
			}
		}
	})
	var mu sync.Mutex
	pids := map[int]int{}
	var wg sync.WaitGroup
	for range 9 {
		wg.Go(func() {
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			res, err := p.get(ctx, "sleep=200ms")
			if err != nil {
				t.Errorf("get: %v", err)
				return
			}
			mu.Lock()
			pids[res.pid]++
			mu.Unlock()
		})
	}
	wg.Wait()
	close(stop)
	watch.Wait()
	if len(pids) != 3 {
		t.Errorf("requests served by %d processes (%v), want 3", len(pids), pids)
	}
	if most > 3 {
		t.Errorf("%d workers live at once, want at most 3", most)
	}
	if s := p.Stats(); s.Spawns != 3 {
		t.Errorf("spawns = %d, want 3", s.Spawns)
	}
}

// TestPool_QueuesThenRefuses checks that a request waits for a busy worker
// while the queue has room, and gets ErrQueueFull past it (C11 → 503).
func TestPool_QueuesThenRefuses(t *testing.T) {
	cfg := helperConfig(t, "serve")
	cfg.Workers = 1
	cfg.Queue = 1
	p := mustPool(t, cfg)
	p.mustGet("") // start the worker

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	errs := make(chan error, 2)
	go func() { _, err := p.get(ctx, "sleep=400ms"); errs <- err }()
	waitFor(t, "a busy worker", func() bool { s := p.Stats(); return len(s.Workers) == 1 && s.Workers[0].Busy })
	go func() { _, err := p.get(ctx, ""); errs <- err }()
	waitFor(t, "a queued request", func() bool { return p.Stats().Waiting == 1 })

	start := time.Now()
	_, err := p.get(ctx, "")
	if !errors.Is(err, ErrQueueFull) {
		t.Errorf("third request: err %v, want ErrQueueFull", err)
	}
	if d := time.Since(start); d > 100*time.Millisecond {
		t.Errorf("ErrQueueFull took %s, want at once", d)
	}
	for range 2 {
		if err := <-errs; err != nil {
			t.Errorf("in-flight or queued request: %v", err)
		}
	}
	if s := p.Stats(); s.Spawns != 1 {
		t.Errorf("spawns = %d, want 1", s.Spawns)
	}
}

// TestPool_RecyclesAfterMaxRequests checks that a worker is replaced after
// MaxRequests requests (C22).
func TestPool_RecyclesAfterMaxRequests(t *testing.T) {
	cfg := perlConfig(t)
	cfg.MaxRequests = 2
	p := mustPool(t, cfg)
	var pids []int
	for range 5 {
		pids = append(pids, p.mustGet("").pid)
	}
	if pids[0] != pids[1] || pids[2] != pids[3] || pids[1] == pids[2] || pids[3] == pids[4] || pids[0] == pids[4] {
		t.Errorf("pids %v, want a new worker every 2 requests", pids)
	}
	waitGone(t, pids[0], 3*time.Second)
	if s := p.Stats(); s.Spawns != 3 {
		t.Errorf("spawns = %d, want 3", s.Spawns)
	}
}

// TestPool_OnSpawnCountsEveryStart checks that OnSpawn is told of every
// worker the pool starts, the warm one and the recycled ones alike, so that
// the gateway can keep a total that outlives the pool (C40).
func TestPool_OnSpawnCountsEveryStart(t *testing.T) {
	cfg := helperConfig(t, "serve")
	cfg.MinWorkers = 1
	cfg.MaxRequests = 1
	var told atomic.Int64
	cfg.OnSpawn = func() { told.Add(1) }
	p := mustPool(t, cfg)
	for range 3 {
		p.mustGet("")
	}
	// Three recycled workers and a warm replacement: at least 4 starts,
	// each told once (polled: OnSpawn runs just after the count).
	waitFor(t, "OnSpawn told of every start", func() bool {
		n := p.Stats().Spawns
		return n >= 4 && told.Load() == n
	})
}

// TestPool_RetiresIdleWorkers checks that idle workers are stopped after
// IdleTimeout, down to MinWorkers (C22).
func TestPool_RetiresIdleWorkers(t *testing.T) {
	cfg := helperConfig(t, "serve")
	cfg.Workers = 3
	cfg.MinWorkers = 1
	cfg.IdleTimeout = 200 * time.Millisecond
	cfg.Queue = 10
	// Started, not alive at the end: on a loaded machine one worker can
	// start so much later than another that the first is already idle
	// past IdleTimeout when the last answers.
	var spawns atomic.Int32
	cfg.OnSpawn = func() { spawns.Add(1) }
	p := mustPool(t, cfg)
	var wg sync.WaitGroup
	for range 3 {
		wg.Go(func() { p.mustGet("sleep=150ms") })
	}
	wg.Wait()
	if n := spawns.Load(); n != 3 {
		t.Fatalf("%d workers started for 3 concurrent requests, want 3", n)
	}
	waitFor(t, "idle workers retired", func() bool { return len(p.Stats().Workers) == 1 })
	time.Sleep(400 * time.Millisecond)
	if n := len(p.Stats().Workers); n != 1 {
		t.Errorf("%d workers long after retirement, want MinWorkers = 1", n)
	}
}

// TestPool_IdleCountsFromReady checks that a worker's idle time counts
// from when it is ready, not from its process's start: a worker slower to
// start than IdleTimeout (a script that compiles for long, a loaded
// machine) is not retired the moment it is ready. It was: a warm worker
// ready while others started was stopped at the janitor's next look, and
// the request waiting for it started a worker of its own
// (TestPool_RetiresIdleWorkers saw 4 starts for 3 requests under load).
func TestPool_IdleCountsFromReady(t *testing.T) {
	cfg := helperConfig(t, "slowstart") // ready a second after its start
	cfg.Workers = 1
	cfg.IdleTimeout = 800 * time.Millisecond // the janitor looks every 200 ms
	p := mustPool(t, cfg)
	// A request that gives up while its worker starts leaves the worker
	// idle when it is ready, never used.
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	if _, err := p.get(ctx, ""); err == nil {
		t.Fatal("a request was served before its worker could be ready")
	}
	waitFor(t, "the start to end", func() bool { return p.Stats().Starting == 0 })
	s := p.Stats()
	if len(s.Workers) != 1 || s.Workers[0].Stopping {
		t.Fatalf("workers %+v just after the start: want the new one, idle and kept", s.Workers)
	}
	if w := s.Workers[0]; w.LastUsed.Sub(w.Started) < 900*time.Millisecond {
		t.Errorf("worker started %v, idle since %v: want idle since it was ready, a second after", w.Started, w.LastUsed)
	}
	waitFor(t, "the idle worker retired", func() bool { return len(p.Stats().Workers) == 0 })
}

// TestPool_JanitorParksWithoutWorkers checks that a pool with no worker
// and none to keep warm does not wake its janitor every round (a gateway
// with many idle scripts woke once a second for each), and that the next
// start wakes it: the idle worker is still retired.
func TestPool_JanitorParksWithoutWorkers(t *testing.T) {
	cfg := helperConfig(t, "serve")
	cfg.IdleTimeout = 40 * time.Millisecond // the janitor looks every 10 ms
	p := mustPool(t, cfg)
	parked := func() bool {
		p.Pool.mu.Lock()
		defer p.Pool.mu.Unlock()
		return p.janitorTick.Parked()
	}
	waitFor(t, "the janitor of an empty pool parked", parked)
	p.mustGet("")
	waitFor(t, "the idle worker retired by the woken janitor", func() bool { return len(p.Stats().Workers) == 0 })
	waitFor(t, "the janitor parked again", parked)
}

// TestPool_QuiesceStopsWorkersNoRequestNeeds checks Quiesce (the grace of a
// shutdown): the idle workers stop at once and MinWorkers is not kept warm
// any more; a request is still served, by a worker started for it, which
// stops once its answer is given; and Hurry kills the workers being
// stopped that ignore SIGTERM at once, not after StopGrace.
func TestPool_QuiesceStopsWorkersNoRequestNeeds(t *testing.T) {
	cfg := helperConfig(t, "noterm")
	cfg.Workers = 2
	cfg.MinWorkers = 1
	cfg.IdleTimeout = 40 * time.Millisecond // the janitor looks every 10 ms
	cfg.StopGrace = 20 * time.Second        // longer than any wait below
	hurry := make(chan struct{})
	cfg.Hurry = hurry
	p := mustPool(t, cfg)
	waitFor(t, "the warm worker", func() bool { return len(p.Stats().Workers) == 1 })
	stopping := func() bool {
		s := p.Stats()
		for _, w := range s.Workers {
			if !w.Stopping {
				return false
			}
		}
		return s.Starting == 0
	}
	p.Quiesce()
	waitFor(t, "the idle worker stopping", stopping)
	p.mustGet("")
	waitFor(t, "the worker of the request stopping", stopping)
	time.Sleep(200 * time.Millisecond) // twenty janitor rounds
	if s := p.Stats(); s.Spawns != 2 || !stopping() {
		t.Errorf("spawns = %d, workers %+v: want the warm one and the request's, both stopping, none warm again", s.Spawns, s.Workers)
	}
	close(hurry)
	waitFor(t, "the workers killed", func() bool { return len(p.Stats().Workers) == 0 })
}

// TestPool_StartsMinWorkersWarm checks that NewPool starts MinWorkers
// before any request, and that they serve.
func TestPool_StartsMinWorkersWarm(t *testing.T) {
	cfg := perlConfig(t)
	cfg.Workers = 3
	cfg.MinWorkers = 2
	p := mustPool(t, cfg)
	waitFor(t, "two warm workers", func() bool { return len(p.Stats().Workers) == 2 })
	var warm []int
	for _, w := range p.Stats().Workers {
		warm = append(warm, w.PID)
	}
	p.seen(warm...)
	res := p.mustGet("")
	if res.pid != warm[0] && res.pid != warm[1] {
		t.Errorf("served by %d, want one of the warm workers %v", res.pid, warm)
	}
	if s := p.Stats(); s.Spawns != 2 {
		t.Errorf("spawns = %d, want 2", s.Spawns)
	}
}

// TestPool_FirstRequestTakesTheWarmStart checks that a request arriving
// while a MinWorkers start is under way waits for that worker instead of
// starting a second one beside it (which then idled until IdleTimeout).
func TestPool_FirstRequestTakesTheWarmStart(t *testing.T) {
	cfg := perlConfig(t)
	cfg.Workers = 3
	cfg.MinWorkers = 1
	p := mustPool(t, cfg)
	p.mustGet("")
	if s := p.Stats(); s.Spawns != 1 || len(s.Workers) != 1 {
		t.Errorf("spawns = %d, workers = %d after one request beside a warm start, want 1 and 1", s.Spawns, len(s.Workers))
	}
}

// TestPool_QuiescedRequestTakesTheWarmStart: a pool made during a
// shutdown is quiesced as it is made (the gateway's poolTable), its
// MinWorkers start under way. The request it was made for waits for that
// worker, which the end of its start stopped (no request waited in the
// queue), and then started a second.
func TestPool_QuiescedRequestTakesTheWarmStart(t *testing.T) {
	cfg := perlConfig(t)
	cfg.Workers = 1
	cfg.MinWorkers = 1
	p := mustPool(t, cfg)
	p.Quiesce()
	p.mustGet("")
	if s := p.Stats(); s.Spawns != 1 {
		t.Errorf("spawns = %d after one request beside a warm start of a quiesced pool, want 1", s.Spawns)
	}
}

// TestPool_WorkerDiesMidRequest checks that a worker exiting mid-request
// fails that request with ErrWorkerDied (C22 → 502), and that the next
// request is served by a new worker.
func TestPool_WorkerDiesMidRequest(t *testing.T) {
	t.Run("perl after output", func(t *testing.T) {
		p := mustPool(t, perlConfig(t))
		first := p.mustGet("")
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		res, err := p.get(ctx, "die=1")
		if !errors.Is(err, ErrWorkerDied) || !errors.Is(err, ErrConnClosed) {
			t.Errorf("err %v, want ErrWorkerDied and ErrConnClosed", err)
		}
		if !strings.Contains(res.out, "partial") {
			t.Errorf("answer %q, want the part written before dying", res.out)
		}
		next := p.mustGet("")
		if next.pid == first.pid || !strings.Contains(next.out, "count=1") {
			t.Errorf("next request served by %d (%q), want a new worker (the dead one was %d)", next.pid, next.out, first.pid)
		}
	})
	t.Run("before output on a kept connection", func(t *testing.T) {
		// The worker read the request and died: it must not be retried,
		// since it may have acted on it.
		p := mustPool(t, helperConfig(t, "serve"))
		first := p.mustGet("")
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_, err := p.get(ctx, "exit=1")
		if !errors.Is(err, ErrWorkerDied) {
			t.Errorf("err %v, want ErrWorkerDied", err)
		}
		if s := p.Stats(); s.Spawns != 1 {
			t.Errorf("spawns = %d, want 1: a request the worker read is not retried", s.Spawns)
		}
		waitGone(t, first.pid, 2*time.Second)
		if next := p.mustGet(""); next.pid == first.pid {
			t.Errorf("next request served by the dead worker %d", next.pid)
		}
	})
}

// TestPool_RetriesStaleConnection checks that a worker exiting between
// requests, with the next request unread on its kept connection (php-cgi
// after PHP_FCGI_MAX_REQUESTS), does not fail that request: it is sent
// again on a fresh worker.
func TestPool_RetriesStaleConnection(t *testing.T) {
	cfg := perlConfig(t)
	logger, hook := logtest.NewNullLogger()
	logger.SetLevel(logrus.DebugLevel)
	cfg.Logger = logger
	p := mustPool(t, cfg)
	first := p.mustGet("linger=0.3")
	second := p.mustGet("")
	if second.pid == first.pid || !strings.Contains(second.out, "count=1") {
		t.Errorf("second request served by %d (%q), want a fresh worker (the lingering one was %d)", second.pid, second.out, first.pid)
	}
	retried := false
	for _, e := range hook.AllEntries() {
		retried = retried || strings.Contains(e.Message, "retrying")
	}
	if !retried {
		t.Errorf("no retry logged: the test did not hit a stale connection")
	}
	t.Run("body replayed", func(t *testing.T) {
		cfg.SocketDir = t.TempDir()
		p := mustPool(t, cfg)
		first := p.mustGet("linger=0.3")
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		res, err := p.do(ctx, "echo=1", strings.NewReader("payload"))
		if err != nil {
			t.Fatalf("request on the stale connection: %v", err)
		}
		if !strings.Contains(res.out, "body=payload") || res.pid == first.pid {
			t.Errorf("answer %q from %d, want the body echoed by a new worker", res.out, res.pid)
		}
	})
}

// managerPool starts a pool of one worker, testdata/pool/manager.pl (a
// process manager with two children), and counts its worker starts.
func managerPool(t *testing.T) (*testPool, *atomic.Int32) {
	cfg := perlConfig(t)
	cfg.Path = strings.TrimSuffix(cfg.Path, "worker.pl") + "manager.pl"
	cfg.Name = "manager.pl"
	cfg.Workers = 1
	spawns := new(atomic.Int32)
	cfg.OnSpawn = func() { spawns.Add(1) }
	return mustPool(t, cfg), spawns
}

// TestPool_ProcessManagerKeepsItsWorker: a worker that is a process
// manager (FCGI::ProcManager, plackup -s FCGI) whose children end by design
// after a few requests closes the kept connection with each of them. The
// next request goes on a new connection to the same worker: the manager,
// its other children and the loaded application are not killed and
// started again (lighttpd and mod_fcgid keep it too).
func TestPool_ProcessManagerKeepsItsWorker(t *testing.T) {
	p, spawns := managerPool(t)
	children := map[string]bool{}
	var manager int
	for i := 0; i < 9; i++ {
		res := p.mustGet("")
		_, child, _ := strings.Cut(res.out, "child=")
		child, _, _ = strings.Cut(child, " ")
		children[child] = true
		if i == 0 {
			manager = res.pid
		} else if res.pid != manager {
			t.Fatalf("request %d served by worker %d, want the first one, %d (%q)", i+1, res.pid, manager, res.out)
		}
	}
	if len(children) < 4 {
		t.Errorf("%d children served 9 requests, want at least 4 (each ends after 2): %v", len(children), children)
	}
	if n := spawns.Load(); n != 1 {
		t.Errorf("%d workers started, want 1", n)
	}
}

// TestPool_ProcessManagerChildDyingRunsOnce guards C22 with a process
// manager (php-cgi with PHP_FCGI_CHILDREN, FCGI::ProcManager) whose child
// dies while it runs a request: its manager lives, and the reset of the
// kept connection looks like a child that ended by design between
// requests. A POST is then not sent again (it could run twice: 502), and
// the manager stays. (A GET, which may run twice, is sent again, as nginx
// retries it: TestPool_ProcessManagerKeepsItsWorker fails without that.)
func TestPool_ProcessManagerChildDyingRunsOnce(t *testing.T) {
	p, spawns := managerPool(t)
	p.mustGet("") // started, its connection kept
	runs := filepath.Join(t.TempDir(), "runs")
	count := func() int {
		b, _ := os.ReadFile(runs)
		return strings.Count(string(b), "ran\n")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if _, err := p.do(ctx, "crash="+runs, strings.NewReader("amount=250")); err == nil {
		t.Error("a POST whose child died answered, want an error (502)")
	}
	if n := count(); n != 1 {
		t.Errorf("the POST ran %d times, want once", n)
	}
	if res := p.mustGet(""); res.pid == 0 {
		t.Error("no answer after the crash")
	}
	if n := spawns.Load(); n != 1 {
		t.Errorf("%d workers started, want the manager kept (1)", n)
	}
}

// TestPool_ProcessManagerChildDyingGETWarned: a GET whose process
// manager's child dies while it runs it (php-cgi with PHP_FCGI_CHILDREN, a
// child killed or segfaulting; php-cgi leaves the end of the request
// unread, so the connection is reset as by a child that ended by design)
// is sent again, as nginx retries it. The log warns that it was: the
// answer (a 200 from the next child, or a 504 when the second run ends
// past the timeout) tells nothing of the death, which was logged at debug
// level only.
func TestPool_ProcessManagerChildDyingGETWarned(t *testing.T) {
	cfg, script := phpConfig(t, "slow.php", "PHP_FCGI_CHILDREN=2")
	cfg.Workers = 1
	logger, hook := logtest.NewNullLogger()
	cfg.Logger = logger
	p := mustPool(t, cfg)
	get := func(ms int) (string, error) {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		resp, err := p.Do(ctx, &Request{Params: append(params("ms="+strconv.Itoa(ms), nil),
			"SCRIPT_FILENAME="+script, "REDIRECT_STATUS=200"), Idempotent: true})
		if err != nil {
			return "", err
		}
		defer resp.Close()
		p.seen(resp.PID())
		out, err := io.ReadAll(resp)
		return string(out), err
	}
	if _, err := get(0); err != nil { // started, its connection kept
		t.Fatal(err)
	}
	manager := p.Stats().Workers[0].PID
	done := make(chan error, 1)
	go func() { _, err := get(1500); done <- err }()
	waitFor(t, "the request running", func() bool {
		s := p.Stats()
		return len(s.Workers) == 1 && s.Workers[0].Active == 1
	})
	time.Sleep(300 * time.Millisecond) // (the child runs the script)
	kids, err := os.ReadFile(fmt.Sprintf("/proc/%d/task/%d/children", manager, manager))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range strings.Fields(string(kids)) {
		if pid, err := strconv.Atoi(f); err == nil {
			if p, err := os.FindProcess(pid); err == nil {
				_ = p.Kill()
			}
		}
	}
	if err := <-done; err != nil {
		t.Fatalf("the GET whose child died: %v, want it sent again and answered", err)
	}
	warned := false
	for _, e := range hook.AllEntries() {
		warned = warned || e.Level == logrus.WarnLevel && strings.Contains(e.Message, "is sent again")
	}
	if !warned {
		t.Errorf("no warning that the GET whose child died was sent again; logged: %v", messages(hook))
	}
}

// TestPool_CapacityForAProcessManager: Capacity makes a worker that
// declares one request at a time (libfcgi does, for a process manager with
// several children on its socket) take that many at once, each on a
// connection of its own, served by different children of the one worker.
func TestPool_CapacityForAProcessManager(t *testing.T) {
	cfg := perlConfig(t)
	cfg.Path = strings.TrimSuffix(cfg.Path, "worker.pl") + "manager.pl"
	cfg.Name = "manager.pl"
	cfg.Workers = 1
	cfg.Capacity = 2
	cfg.Queue = 4
	p := mustPool(t, cfg)
	p.mustGet("") // started
	var wg sync.WaitGroup
	results := make([]result, 2)
	for i := range results {
		wg.Go(func() { results[i] = p.mustGet("sleep=0.4") })
	}
	waitFor(t, "two requests at once on the one worker", func() bool {
		ws := p.Stats().Workers
		return len(ws) == 1 && ws[0].Active == 2 && ws[0].Capacity == 2
	})
	wg.Wait()
	if results[0].pid != results[1].pid {
		t.Errorf("served by workers %d and %d, want the one", results[0].pid, results[1].pid)
	}
	child := func(out string) string {
		_, c, _ := strings.Cut(out, "child=")
		c, _, _ = strings.Cut(c, " ")
		return c
	}
	if child(results[0].out) == child(results[1].out) {
		t.Errorf("both served by child %s, want two children at once", child(results[0].out))
	}
}

// TestPool_TimeoutKillsWorkerGroup checks that when a request's context
// ends, the worker's whole process group, grandchild included, is killed
// within 1 s and the worker replaced (C10).
func TestPool_TimeoutKillsWorkerGroup(t *testing.T) {
	p := mustPool(t, helperConfig(t, "serve"))
	// The worker started first: on a loaded machine its start alone can
	// take the 300 ms the request below is given.
	p.mustGet("")
	// (Long enough for the fork of a child and a grandchild on a loaded
	// machine: with 300 ms the deadline came before they were there.)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	resp, err := p.Do(ctx, &Request{Params: params("fork=1&sleep=30s", nil)})
	if err != nil {
		t.Fatalf("Do: %v", err)
	}
	defer resp.Close()
	p.seen(resp.PID())
	buf := make([]byte, 4096)
	var out []byte
	for !strings.Contains(string(out), "grandchild=") || !strings.HasSuffix(string(out), "\n") {
		n, err := resp.Read(buf)
		out = append(out, buf[:n]...)
		if err != nil {
			t.Fatalf("read %q: %v", out, err)
		}
	}
	var grandchild int
	for _, line := range strings.Split(string(out), "\n") {
		if v, ok := strings.CutPrefix(line, "grandchild="); ok {
			grandchild = atoi(v)
		}
	}
	if grandchild == 0 {
		t.Fatalf("no grandchild pid in %q", out)
	}
	for {
		_, err = resp.Read(buf)
		if err != nil {
			break
		}
	}
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("read error %v, want DeadlineExceeded", err)
	}
	deadline, _ := ctx.Deadline()
	waitGone(t, resp.PID(), time.Until(deadline.Add(time.Second)))
	waitGone(t, grandchild, time.Until(deadline.Add(time.Second)))
	resp.Close()
	if next := p.mustGet(""); next.pid == resp.PID() {
		t.Errorf("next request served by the killed worker %d", next.pid)
	}
}

// TestPool_ClientGoneKillsWorker checks that cancelling the context while
// Do waits for the first output kills the worker too (C10).
func TestPool_ClientGoneKillsWorker(t *testing.T) {
	cfg := perlConfig(t)
	p := mustPool(t, cfg)
	pid := p.mustGet("").pid
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(200*time.Millisecond, cancel)
	start := time.Now()
	_, err := p.get(ctx, "sleep=30")
	if !errors.Is(err, context.Canceled) {
		t.Errorf("err %v, want context.Canceled", err)
	}
	waitGone(t, pid, time.Second)
	if d := time.Since(start); d > 1500*time.Millisecond {
		t.Errorf("Do returned after %s, want about 200ms", d)
	}
}

// TestPool_WorkerIgnoringGetValues: a FastCGI program that knows only the
// records of a request (Apache, lighttpd, nginx and Caddy never send
// FCGI_GET_VALUES) reads the query and skips it, or closes its
// connection: it is taken as started once it has read it, and served one
// request at a time, or its configured capacity. It got a 504 at every
// request, then a 502 (no answer to FCGI_GET_VALUES) for good.
func TestPool_WorkerIgnoringGetValues(t *testing.T) {
	for _, mode := range []string{"ignorevalues", "closevalues"} {
		for _, capacity := range []int{0, 3} {
			t.Run(fmt.Sprintf("%s/capacity%d", mode, capacity), func(t *testing.T) {
				t.Parallel()
				cfg := helperConfig(t, mode)
				cfg.Capacity = capacity
				logger, hook := logtest.NewNullLogger()
				cfg.Logger = logger
				p := mustPool(t, cfg)
				var pids []int
				for range 3 {
					res := p.mustGet("")
					if !strings.Contains(res.out, "requests only") {
						t.Fatalf("answer %q", res.out)
					}
					pids = append(pids, res.pid)
				}
				if pids[0] != pids[1] || pids[1] != pids[2] || p.Stats().Spawns != 1 {
					t.Errorf("pids %v, %d spawns: want one worker serving all", pids, p.Stats().Spawns)
				}
				want := max(capacity, 1)
				if ws := p.Stats().Workers; len(ws) != 1 || ws[0].Capacity != want {
					t.Errorf("workers %+v, want one of capacity %d", ws, want)
				}
				logged := false
				for _, e := range hook.AllEntries() {
					logged = logged || strings.Contains(e.Message, "FCGI_GET_VALUES") && strings.Contains(e.Message, "taken as started")
				}
				if !logged {
					t.Errorf("no log line says the worker did not answer FCGI_GET_VALUES")
				}
			})
		}
	}
}

// TestPool_WorkerDyingOnGetValues: a FastCGI program that dies of the
// FCGI_GET_VALUES query (Ruby's fcgi library without its C extension,
// Debian 12's ruby-fcgi: it cannot encode its answer), which Apache and
// nginx never send, is started again at once without it, and its workers
// are not asked from then on: the requests are served, one at a time. It
// was a 502 (start failure, exit status 1) at every request, for good.
func TestPool_WorkerDyingOnGetValues(t *testing.T) {
	cfg := helperConfig(t, "dievalues")
	cfg.Workers = 2
	logger, hook := logtest.NewNullLogger()
	cfg.Logger = logger
	p := mustPool(t, cfg)
	for i := range 3 {
		res, err := p.get(context.Background(), "")
		if err != nil {
			t.Fatalf("request %d: %v", i, err)
		}
		if !strings.Contains(res.out, "requests only") {
			t.Fatalf("request %d: answer %q", i, res.out)
		}
	}
	// A second worker, started while the first is busy, is not asked
	// either: it serves.
	first, err := p.Do(context.Background(), &Request{Params: params("", nil)})
	if err != nil {
		t.Fatal(err)
	}
	p.seen(first.PID())
	res := p.mustGet("")
	first.Close()
	if !strings.Contains(res.out, "requests only") {
		t.Errorf("second worker's answer %q", res.out)
	}
	if st := p.Stats(); st.Spawns != 3 {
		t.Errorf("%d spawns, want 3: the one that died of the query, then two not asked", st.Spawns)
	}
	warned := 0
	for _, e := range hook.AllEntries() {
		if strings.Contains(e.Message, "ended on FCGI_GET_VALUES") {
			warned++
		}
	}
	if warned != 1 {
		t.Errorf("%d log lines say the worker ended on FCGI_GET_VALUES, want 1", warned)
	}
}

// TestPool_ApplicationClosingEachConnection: an application that closes
// its connection after each request, whatever FCGI_KEEP_CONN asks
// (Mojo::Server::FastCGI, Ruby's fcgi library), a moment after its
// answer. A kept connection took the next request in that moment, unread:
// it went again on a new connection only after run's half-second look at
// whether the process had ended, for most requests of a client sending
// them one after another. Once it is seen closing one, its connections
// are not kept: each request is answered at once, by the same worker.
func TestPool_ApplicationClosingEachConnection(t *testing.T) {
	cfg := helperConfig(t, "closeeach")
	p := mustPool(t, cfg)
	var slow []string
	pids := map[int]bool{}
	for i := range 8 {
		start := time.Now()
		res := p.mustGet("")
		if d := time.Since(start); i > 0 && d > 300*time.Millisecond {
			slow = append(slow, fmt.Sprintf("request %d: %s", i+1, d.Round(time.Millisecond)))
		}
		pids[res.pid] = true
	}
	// The first close can meet a request (it teaches the pool): one slow
	// answer at most.
	if len(slow) > 1 {
		t.Errorf("slow answers: %v", slow)
	}
	if len(pids) != 1 || p.Stats().Spawns != 1 {
		t.Errorf("pids %v, %d spawns: want one worker serving all", pids, p.Stats().Spawns)
	}
}

// TestPool_NextRequestWaitsForAnsweredWorker: an application that writes
// FCGI_END_REQUEST apart from the end of its FCGI_STDOUT (Mojo's and
// Net::FastCGI's servers, Go's net/http/fcgi) has given its whole answer
// at the stream's end: the gateway sends it then, and the client's next
// request can come before FCGI_END_REQUEST. It waits for that worker
// (finishingWait) rather than start another, which would pay the
// script's start-up: a client sending one request after another had
// every worker up to --workers started.
func TestPool_NextRequestWaitsForAnsweredWorker(t *testing.T) {
	cfg := helperConfig(t, "slowend")
	cfg.Workers = 2
	p := mustPool(t, cfg)
	p.finishWait = 2 * time.Second // (generous on a loaded machine; the worker is back in 20 ms)
	p.mustGet("")
	resp, err := p.Do(context.Background(), &Request{Params: params("", nil)})
	if err != nil {
		t.Fatal(err)
	}
	p.seen(resp.PID())
	// As the gateway does: the answer to the stream's end, the client's
	// next request, then the end of the request.
	if _, err := io.ReadAll(readerFunc(resp.ReadStdout)); err != nil {
		t.Fatal(err)
	}
	next := make(chan result, 1)
	go func() { next <- p.mustGet("") }()
	if err := resp.AwaitEnd(); err != nil {
		t.Error(err)
	}
	resp.Close()
	if res := <-next; res.pid != resp.PID() {
		t.Errorf("next request served by worker %d, want %d, whose answer it followed", res.pid, resp.PID())
	}
	if n := p.Stats().Spawns; n != 1 {
		t.Errorf("%d workers started, want 1", n)
	}
}

// TestPool_StartFailure checks that a worker that cannot start fails the
// request with ErrStartFailed and the reason.
func TestPool_StartFailure(t *testing.T) {
	for _, tc := range []struct {
		name   string
		cfg    func(*testing.T) PoolConfig
		reason []string
		is     error
	}{
		{"exec error", func(t *testing.T) PoolConfig {
			cfg := helperConfig(t, "serve")
			cfg.Path = "/nonexistent/worker"
			return cfg
		}, []string{"/nonexistent/worker"}, fs.ErrNotExist},
		{"exits at once", func(t *testing.T) PoolConfig {
			return helperConfig(t, "exit")
		}, []string{"exit status 3", "boom: no config"}, nil},
		{"never accepts", func(t *testing.T) PoolConfig {
			cfg := helperConfig(t, "noaccept")
			cfg.StartTimeout = 300 * time.Millisecond
			return cfg
		}, []string{"no answer", "300ms"}, nil},
		{"never accepts, past the patience for a query read and ignored", func(t *testing.T) PoolConfig {
			// (Its query waits unread: no ignoring program.)
			cfg := helperConfig(t, "noaccept")
			cfg.StartTimeout = 1500 * time.Millisecond
			return cfg
		}, []string{"no answer", "1.5s"}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := mustPool(t, tc.cfg(t))
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			_, err := p.get(ctx, "")
			if !errors.Is(err, ErrStartFailed) {
				t.Fatalf("err %v, want ErrStartFailed", err)
			}
			if tc.is != nil && !errors.Is(err, tc.is) {
				t.Errorf("err %v, want it to match %v", err, tc.is)
			}
			for _, r := range tc.reason {
				if !strings.Contains(err.Error(), r) {
					t.Errorf("err %q, want the reason %q in it", err, r)
				}
			}
		})
	}
}

// TestPool_StartOutlivesItsClient: a client that gives up while the worker
// it made the pool start is still starting does not have that start
// killed: the worker joins the pool idle and serves the next request, with
// no second start (C22; mod_fcgid keeps such a process too).
func TestPool_StartOutlivesItsClient(t *testing.T) {
	cfg := helperConfig(t, "slowstart")
	cfg.Workers = 1
	p := mustPool(t, cfg)
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	if _, err := p.get(ctx, ""); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("first request: %v, want its own deadline", err)
	}
	ctx2, cancel2 := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel2()
	start := time.Now()
	res, err := p.get(ctx2, "")
	if err != nil {
		t.Fatalf("second request: %v", err)
	}
	// (How long the kept start still takes depends on the machine: a
	// loaded one under -race starts the test binary slowly. The count of
	// starts is what tells a kept start from a second one.)
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("second request took %v", d)
	}
	if st := p.Stats(); st.Spawns != 1 {
		t.Errorf("%d starts for pid %d, want 1", st.Spawns, res.pid)
	}
}

// TestPool_StartFailureBacksOff checks that consecutive start failures
// back off: during the back-off Do fails at once with the same error and
// starts nothing (no respawn storm), and the back-off doubles. The
// failure's log line gives the back-off as text, as the access line's
// duration (in JSON a time.Duration is a bare count of nanoseconds).
func TestPool_StartFailureBacksOff(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	// A back-off of 2 s, so that the requests made during it are made
	// during it however loaded the machine: one that waited for it, or
	// started a worker, would take it too.
	p := mustPool(t, helperConfig(t, "exit"))
	p.backoff = 2 * time.Second
	_, first := p.get(ctx, "")
	if !errors.Is(first, ErrStartFailed) {
		t.Fatalf("err %v, want ErrStartFailed", first)
	}
	start := time.Now()
	for range 20 {
		_, err := p.get(ctx, "")
		if !errors.Is(err, ErrStartFailed) || err.Error() != first.Error() {
			t.Fatalf("during back-off: err %v, want the first failure %v", err, first)
		}
	}
	if d := time.Since(start); d > p.backoff/2 {
		t.Errorf("20 requests during a back-off of %s took %s, want them to fail at once", p.backoff, d)
	}
	if s := p.Stats(); s.Spawns != 1 || s.Failures != 1 {
		t.Errorf("stats %+v, want 1 spawn and 1 failure during back-off", s)
	}

	// The default back-off, 100 ms, doubling.
	cfg := helperConfig(t, "exit")
	logger, hook := logtest.NewNullLogger()
	cfg.Logger = logger
	p = mustPool(t, cfg)
	if _, err := p.get(ctx, ""); !errors.Is(err, ErrStartFailed) {
		t.Fatalf("err %v, want ErrStartFailed", err)
	}
	logged := false
	for _, e := range hook.AllEntries() {
		if e.Message == "fastcgi worker did not start" {
			logged = true
			if b := e.Data["backoff"]; b != "100ms" {
				t.Errorf("backoff field %v (%T), want the text \"100ms\"", b, b)
			}
		}
	}
	if !logged {
		t.Error("the start failure was not logged")
	}
	// Hammer it for a second: back-off doubles (100, 200, 400, 800 ms), so
	// a handful of spawns at most.
	start = time.Now()
	for time.Since(start) < time.Second {
		p.get(ctx, "")
		time.Sleep(5 * time.Millisecond)
	}
	if s := p.Stats(); s.Spawns < 2 || s.Spawns > 5 {
		t.Errorf("spawns = %d in about a second of requests, want 2..5", s.Spawns)
	}
}

// TestPool_CrashLoopBacksOff: a program that starts but dies on every
// request (it cannot reach its database) is not started again for every
// request. From the second worker in a row that dies on its first
// request, the pool backs off as after start failures, and the requests
// meanwhile fail at once, with the reason, instead of each forking a
// process. A worker that dies after serving, or a crash between served
// requests, starts no back-off.
// TestPool_BackOffWaitsForLiveWorker guards C22: while the pool backs
// off after workers died on their first request, a request that finds
// no idle worker but a live one busy waits for it and is served, instead
// of failing for the crashes of others (found by an audit killing new
// workers under load: every request during the back-off got a 502).
func TestPool_BackOffWaitsForLiveWorker(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	cfg := helperConfig(t, "serve")
	cfg.Workers = 2
	p := mustPool(t, cfg)
	p.backoff = 10 * time.Second
	busy := make(chan error, 1)
	go func() { _, err := p.get(ctx, "sleep=1.5s"); busy <- err }()
	waitFor(t, "a busy worker", func() bool {
		ws := p.Stats().Workers
		return len(ws) == 1 && ws[0].Busy
	})
	for i := 1; i <= 2; i++ {
		if _, err := p.get(ctx, "exit=1"); !errors.Is(err, ErrWorkerDied) {
			t.Fatalf("crash %d: err %v, want ErrWorkerDied", i, err)
		}
	}
	p.Pool.mu.Lock()
	backingOff := p.backoffLocked() != nil
	p.Pool.mu.Unlock()
	if !backingOff {
		t.Fatal("no back-off after two crashes in a row")
	}
	res, err := p.get(ctx, "")
	if err != nil {
		t.Fatalf("a request during the back-off, a worker busy: %v, want it served by that worker", err)
	}
	if err := <-busy; err != nil {
		t.Fatalf("the busy worker's request: %v", err)
	}
	if s := p.Stats(); s.Spawns != 3 {
		t.Errorf("spawns = %d, want 3: the request waited for the live worker (pid %d)", s.Spawns, res.pid)
	}
}

// TestPool_DeathAfterOutputIsNoCrashLoop guards C22: workers that die
// on their first request after sending output (a script that kills
// itself after its page) are served as far as they go, each request on
// a new worker; they make no crash loop, whose back-off failed the next
// requests unserved (a cross-mode audit: a 502 at once from the third).
func TestPool_DeathAfterOutputIsNoCrashLoop(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	p := mustPool(t, helperConfig(t, "serve"))
	p.backoff = 10 * time.Second
	for i := 1; i <= 4; i++ {
		res, err := p.get(ctx, "die=1")
		if !errors.Is(err, ErrWorkerDied) || strings.Contains(err.Error(), "in a row") || !strings.Contains(res.out, "pid=") {
			t.Fatalf("request %d: %q, %v; want its output, then the worker's death", i, res.out, err)
		}
		waitGone(t, res.pid, 5*time.Second) // (its death counted before the next)
	}
	if s := p.Stats(); s.Spawns != 4 {
		t.Errorf("spawns = %d, want 4", s.Spawns)
	}
}

func TestPool_CrashLoopBacksOff(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	cfg := helperConfig(t, "serve")
	logger, hook := logtest.NewNullLogger()
	cfg.Logger = logger
	p := mustPool(t, cfg)
	// Long enough that the requests below come during it however loaded
	// the machine (nothing waits for its end).
	p.backoff = 10 * time.Second
	for i := 1; i <= 2; i++ {
		// (How it died is in the request's error: "exit status 4".)
		if _, err := p.get(ctx, "exit=1"); !errors.Is(err, ErrWorkerDied) || !strings.Contains(err.Error(), "exit status 4") {
			t.Fatalf("crash %d: err %v, want ErrWorkerDied with the exit status", i, err)
		}
	}
	start := time.Now()
	for range 20 {
		_, err := p.get(ctx, "")
		if !errors.Is(err, ErrWorkerDied) || !strings.Contains(err.Error(), "2 workers in a row died on their first request") {
			t.Fatalf("during the back-off: err %v, want the crash loop named", err)
		}
	}
	if d := time.Since(start); d > p.backoff/2 {
		t.Errorf("20 requests during a back-off of %s took %s, want them to fail at once", p.backoff, d)
	}
	if s := p.Stats(); s.Spawns != 2 {
		t.Errorf("spawns = %d, want 2: none during the back-off", s.Spawns)
	}
	logged := false
	for _, e := range hook.AllEntries() {
		if strings.Contains(e.Message, "die on their first request") {
			logged = true
			if b := e.Data["backoff"]; b != "10s" {
				t.Errorf("backoff field %v, want \"10s\"", b)
			}
		}
	}
	if !logged {
		t.Error("the crash loop was not logged")
	}

	// An FCGI.pm loop that dies in its request: FCGI.pm's destructor ends
	// the request, with no output, as the process exits in error.
	t.Run("FCGI.pm dying in its loop", func(t *testing.T) {
		p := mustPool(t, perlConfig(t))
		p.backoff = 10 * time.Second
		for i := 1; i <= 2; i++ {
			res, err := p.get(ctx, "fail=1")
			if err != nil || res.out != "" {
				t.Fatalf("request %d: %q, %v; want an empty answer", i, res.out, err)
			}
			// (The crash counts once its exit is seen.)
			waitGone(t, res.pid, 5*time.Second)
		}
		waitFor(t, "the back-off", func() bool {
			p.Pool.mu.Lock()
			defer p.Pool.mu.Unlock()
			return p.backoffLocked() != nil
		})
		if _, err := p.get(ctx, ""); !errors.Is(err, ErrWorkerDied) || !strings.Contains(err.Error(), "with: no answer, then exit status ") {
			t.Errorf("during the back-off: err %v, want the crash loop named", err)
		}
		if s := p.Stats(); s.Spawns != 2 {
			t.Errorf("spawns = %d, want 2: none during the back-off", s.Spawns)
		}
	})

	// Crashes with served requests between them back nothing off: the
	// next request starts a worker at once and is served.
	p = mustPool(t, helperConfig(t, "serve"))
	p.backoff = 2 * time.Second
	for i := range 3 {
		if _, err := p.get(ctx, "exit=1"); !errors.Is(err, ErrWorkerDied) {
			t.Fatalf("round %d: err %v, want ErrWorkerDied", i+1, err)
		}
		if _, err := p.get(ctx, ""); err != nil {
			t.Fatalf("round %d: a request after one crash: %v", i+1, err)
		}
		// (A worker that dies after serving is no first-request crash.)
		if _, err := p.get(ctx, "exit=1"); !errors.Is(err, ErrWorkerDied) {
			t.Fatalf("round %d: err %v, want ErrWorkerDied", i+1, err)
		}
	}
	if _, err := p.get(ctx, ""); err != nil {
		t.Errorf("after crashes between served requests: %v, want the request served", err)
	}
}

// TestPool_CloseDrainsInFlight checks that Close refuses new requests, lets
// in-flight ones finish, then leaves no process and no socket (C33), and
// that it is idempotent.
func TestPool_CloseDrainsInFlight(t *testing.T) {
	cfg := perlConfig(t)
	cfg.Workers = 2
	p := mustPool(t, cfg)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	type answer struct {
		res result
		err error
	}
	answers := make(chan answer, 2)
	for range 2 {
		go func() {
			res, err := p.get(ctx, "sleep=0.4")
			answers <- answer{res, err}
		}()
	}
	waitFor(t, "two busy workers", func() bool {
		s := p.Stats()
		return len(s.Workers) == 2 && s.Workers[0].Busy && s.Workers[1].Busy
	})
	var pids []int
	for _, w := range p.Stats().Workers {
		pids = append(pids, w.PID)
	}
	closed := make(chan struct{})
	go func() { p.Close(); close(closed) }()
	waitFor(t, "Close to begin", func() bool {
		_, err := p.get(ctx, "")
		return errors.Is(err, ErrPoolClosed)
	})
	for range 2 {
		a := <-answers
		if a.err != nil || !strings.Contains(a.res.out, "count=1") {
			t.Errorf("in-flight request: %q, %v; want it to complete", a.res.out, a.err)
		}
	}
	select {
	case <-closed:
	case <-time.After(5 * time.Second):
		t.Fatal("Close did not return")
	}
	for _, pid := range pids {
		if syscallKillGroup(pid) == nil {
			t.Errorf("worker group %d alive after Close", pid)
		}
	}
	p.Close() // idempotent
	if _, err := p.get(ctx, ""); !errors.Is(err, ErrPoolClosed) {
		t.Errorf("after Close: err %v, want ErrPoolClosed", err)
	}
}

// TestPool_CloseKillsStubbornWorker checks that Close kills a worker that
// ignores SIGTERM after StopGrace.
func TestPool_CloseKillsStubbornWorker(t *testing.T) {
	mustCloseWithin(t, "noterm", 200*time.Millisecond, 2*time.Second, "want about the 200ms grace")
}

// TestPool_CloseWakesWorkerBlockedInAccept checks that Close does not wait
// out the grace for a worker that took SIGTERM as a flag and still sits in
// accept (the Perl runner, when the signal lands between its look at the
// flag and the accept): Close connects to wake it.
func TestPool_CloseWakesWorkerBlockedInAccept(t *testing.T) {
	mustCloseWithin(t, "flagterm", 10*time.Second, 5*time.Second, "the worker waited in accept for the grace's SIGKILL")
}

// mustCloseWithin starts a pool of the helper worker mode with StopGrace
// grace, serves one request, and fails unless Close returns within bound
// and leaves no process of the worker's group.
func mustCloseWithin(t *testing.T, mode string, grace, bound time.Duration, why string) {
	t.Helper()
	cfg := helperConfig(t, mode)
	cfg.StopGrace = grace
	p := mustPool(t, cfg)
	pid := p.mustGet("").pid
	start := time.Now()
	p.Close()
	if d := time.Since(start); d > bound {
		t.Errorf("Close took %s: %s", d, why)
	}
	if syscallKillGroup(pid) == nil {
		t.Errorf("worker group %d alive after Close", pid)
	}
}

// TestPool_CloseWakesQueuedRequests checks that requests waiting for a
// worker get ErrPoolClosed when the pool closes.
func TestPool_CloseWakesQueuedRequests(t *testing.T) {
	cfg := helperConfig(t, "serve")
	cfg.Queue = 5
	p := mustPool(t, cfg)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	busy := make(chan error, 1)
	go func() { _, err := p.get(ctx, "sleep=300ms"); busy <- err }()
	waitFor(t, "a busy worker", func() bool { s := p.Stats(); return len(s.Workers) == 1 && s.Workers[0].Busy })
	queued := make(chan error, 1)
	go func() { _, err := p.get(ctx, ""); queued <- err }()
	waitFor(t, "a queued request", func() bool { return p.Stats().Waiting == 1 })
	p.Close()
	if err := <-queued; !errors.Is(err, ErrPoolClosed) {
		t.Errorf("queued request: err %v, want ErrPoolClosed", err)
	}
	if err := <-busy; err != nil {
		t.Errorf("in-flight request: %v", err)
	}
}

// TestPool_ConcurrentDo runs many requests at once on a small pool; run
// with -race.
func TestPool_ConcurrentDo(t *testing.T) {
	cfg := helperConfig(t, "serve")
	cfg.Workers = 2
	cfg.Queue = 100
	cfg.MaxRequests = 7
	p := mustPool(t, cfg)
	var wg sync.WaitGroup
	for i := range 40 {
		wg.Go(func() {
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			body := strings.NewReader(strings.Repeat("z", i*1000))
			res, err := p.do(ctx, "body=1", body)
			if err != nil {
				t.Errorf("request %d: %v", i, err)
				return
			}
			if got := strings.Count(res.out, "z"); got != i*1000 {
				t.Errorf("request %d: body echoed %d bytes, want %d", i, got, i*1000)
			}
			_ = p.Stats()
		})
	}
	wg.Wait()
	if s := p.Stats(); len(s.Workers) > 2 {
		t.Errorf("%d workers, want at most 2", len(s.Workers))
	}
}

// waitFor polls cond until it holds, failing the test after 3 s.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(3 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// TestPool_PHPMaxRequests checks that php-cgi exiting on its own after
// PHP_FCGI_MAX_REQUESTS (mod_fcgid's classic 500s, ANCHORS §5 FCGI_KEEP_CONN)
// fails no request: the stale kept connection is noticed and the request
// goes to a fresh worker.
func TestPool_PHPMaxRequests(t *testing.T) {
	cfg, script := phpConfig(t, "pid.php", "PHP_FCGI_MAX_REQUESTS=2")
	p := mustPool(t, cfg)
	pids := map[int]int{}
	for i := range 7 {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		resp, err := p.Do(ctx, &Request{Params: append(params("", nil),
			"SCRIPT_FILENAME="+script, "REDIRECT_STATUS=200")})
		if err != nil {
			cancel()
			t.Fatalf("request %d: %v", i, err)
		}
		p.seen(resp.PID())
		out, err := io.ReadAll(resp)
		resp.Close()
		cancel()
		if err != nil || !strings.Contains(string(out), "pid="+strconv.Itoa(resp.PID())) {
			t.Fatalf("request %d: %q, %v", i, out, err)
		}
		pids[resp.PID()]++
	}
	if len(pids) < 3 {
		t.Errorf("pids %v: want php-cgi to have exited after every 2 requests", pids)
	}
}

// TestPool_ReplacesWorkerKilledWhileIdle checks that a worker dying while
// idle is noticed and counted, that the next request gets a new one, and
// that MinWorkers are restored (C22).
func TestPool_ReplacesWorkerKilledWhileIdle(t *testing.T) {
	cfg := helperConfig(t, "serve")
	cfg.MinWorkers = 1
	p := mustPool(t, cfg)
	waitFor(t, "the warm worker", func() bool { return len(p.Stats().Workers) == 1 })
	dead := p.Stats().Workers[0].PID
	p.seen(dead)
	if err := killAndWait(dead); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "a replacement warm worker", func() bool {
		s := p.Stats()
		return len(s.Workers) == 1 && s.Workers[0].PID != dead
	})
	if s := p.Stats(); s.Failures != 1 || s.Spawns != 2 {
		t.Errorf("stats %+v, want 1 failure and 2 spawns", s)
	}
	if res := p.mustGet(""); res.pid == dead {
		t.Errorf("served by the dead worker %d", dead)
	}
}

// TestPool_PHPChildrenShareOneWorker checks pool sizing from FCGI_GET_VALUES:
// php-cgi with PHP_FCGI_CHILDREN=3 declares FCGI_MAX_CONNS=3, so one worker
// process gets three requests at once (on three connections), served by
// three children; ending one of them closes its connection only, and the
// shared worker and its other requests carry on.
func TestPool_PHPChildrenShareOneWorker(t *testing.T) {
	p, do := mustPHPSlowPool(t, 3, 1, 10)
	if _, err := do(context.Background(), 0); err != nil {
		t.Fatal(err)
	}
	if s := p.Stats(); len(s.Workers) != 1 || s.Workers[0].Capacity != 3 {
		t.Fatalf("stats %+v, want one worker of capacity 3", s)
	}

	var mu sync.Mutex
	children := map[string]bool{}
	var wg sync.WaitGroup
	for range 3 {
		wg.Go(func() {
			out, err := do(context.Background(), 600)
			if err != nil || !strings.HasPrefix(out, "pid=") {
				t.Errorf("request: %q, %v", out, err)
				return
			}
			mu.Lock()
			children[out] = true
			mu.Unlock()
		})
	}
	waitFor(t, "three requests on the one worker", func() bool {
		s := p.Stats()
		return len(s.Workers) == 1 && s.Workers[0].Active == 3
	})
	wg.Wait()
	if len(children) != 3 {
		t.Errorf("answers came from %d php children (%v), want 3 at once", len(children), children)
	}

	// A request given up on (timeout, client gone) leaves the others be.
	ctx, cancel := context.WithCancel(context.Background())
	gone := make(chan error, 1)
	go func() { _, err := do(ctx, 2000); gone <- err }()
	for range 2 {
		wg.Go(func() {
			if out, err := do(context.Background(), 500); err != nil || !strings.HasPrefix(out, "pid=") {
				t.Errorf("request beside the cancelled one: %q, %v", out, err)
			}
		})
	}
	waitFor(t, "three requests in flight", func() bool {
		s := p.Stats()
		return len(s.Workers) == 1 && s.Workers[0].Active == 3
	})
	cancel()
	if err := <-gone; !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled request: %v, want context.Canceled", err)
	}
	wg.Wait()
	if s := p.Stats(); s.Spawns != 1 || s.Failures != 0 {
		t.Errorf("stats %+v, want the one worker still serving (1 spawn, no failure)", s)
	}
}

// phpConfig returns a pool configuration of php-cgi workers with env
// serving testdata/pool/NAME, and that script's absolute path (the test
// skips without php-cgi).
func phpConfig(t *testing.T, name string, env ...string) (PoolConfig, string) {
	t.Helper()
	php, err := exec.LookPath("php-cgi")
	if err != nil {
		t.Skip("php-cgi is needed (Debian package php-cgi)")
	}
	script, err := filepath.Abs(filepath.Join("testdata/pool", name))
	if err != nil {
		t.Fatal(err)
	}
	cfg := perlConfig(t)
	cfg.Name, cfg.Path = name, php
	cfg.Env = append([]string{"PATH=/usr/bin:/bin"}, env...)
	return cfg, script
}

// mustPHPSlowPool starts a pool of php-cgi workers with PHP_FCGI_CHILDREN
// children each, serving testdata/pool/slow.php, and returns it with a
// function that runs one request sleeping ms and returns the body.
func mustPHPSlowPool(t *testing.T, children, workers, queue int) (*testPool, func(ctx context.Context, ms int) (string, error)) {
	t.Helper()
	cfg, script := phpConfig(t, "slow.php", "PHP_FCGI_CHILDREN="+strconv.Itoa(children))
	cfg.Workers = workers
	cfg.Queue = queue
	p := mustPool(t, cfg)
	return p, func(ctx context.Context, ms int) (string, error) {
		resp, err := p.Do(ctx, &Request{Params: append(params("ms="+strconv.Itoa(ms), nil),
			"SCRIPT_FILENAME="+script, "REDIRECT_STATUS=200")})
		if err != nil {
			return "", err
		}
		defer resp.Close()
		p.seen(resp.PID())
		out, err := io.ReadAll(resp)
		_, body, _ := strings.Cut(string(out), "\r\n\r\n")
		return body, err
	}
}

// TestPool_RecordsAfterTheEndAreNoAnswer guards C22 against a worker that
// sends records after its FCGI_END_REQUEST (a double finish, a late
// flush) on a kept connection: they must not be read as the next
// request's answer, which would give each client the page of the one
// before (the ids tell nothing: 1 for every request). The connection is
// dropped, with a warning, and each client gets its own answer.
func TestPool_RecordsAfterTheEndAreNoAnswer(t *testing.T) {
	cfg := perlConfig(t)
	cfg.Path = strings.TrimSuffix(cfg.Path, "worker.pl") + "late.pl"
	log, hook := logtest.NewNullLogger()
	cfg.Logger = log
	p := mustPool(t, cfg)
	for _, user := range []string{"alice", "bob", "carol", "dave&late=0.05", "erin&late=0.05", "frank"} {
		res := p.mustGet("user=" + user)
		if want := "answer for user=" + user + "\n"; !strings.HasSuffix(res.out, want) || strings.Contains(res.out, "LATE") {
			t.Errorf("%s got %q, want its own answer", user, res.out)
		}
		if strings.Contains(user, "late") {
			// The next request comes after the late copy, which waits
			// on the kept connection.
			time.Sleep(250 * time.Millisecond)
		}
	}
	warned := 0
	for _, e := range hook.AllEntries() {
		if e.Level == logrus.WarnLevel && strings.Contains(e.Message, "after its request had ended") {
			warned++
		}
	}
	if warned == 0 {
		t.Error("no warning that the worker sent records after its request ended")
	}
}

// TestPool_EmptyRecordAfterGetValuesIsNoStray: Go's net/http/fcgi ends
// its FCGI_GET_VALUES_RESULT with an empty record, which the first
// request on that connection (the one the start checked) finds waiting:
// it is no late answer of a request, and the connection is kept.
func TestPool_EmptyRecordAfterGetValuesIsNoStray(t *testing.T) {
	t.Parallel()
	cfg := helperConfig(t, "serve")
	log, hook := logtest.NewNullLogger()
	cfg.Logger = log
	p := mustPool(t, cfg)
	for range 3 {
		p.mustGet("")
	}
	for _, e := range hook.AllEntries() {
		if strings.Contains(e.Message, "after its request had ended") {
			t.Errorf("logged %q for Go's net/http/fcgi", e.Message)
		}
	}
}

// TestPool_StatsShowStartingAndStopping: a worker being started (a slow
// start: the script's compilation) is counted in Starting before it
// answers, and one being stopped (retired when idle; here it outlives its
// FastCGI loop, ignoring SIGTERM, so its stop takes the grace) is marked
// Stopping: the status page
// shows them instead of an empty or idle-looking pool.
func TestPool_StatsShowStartingAndStopping(t *testing.T) {
	cfg := perlConfig(t)
	slow := filepath.Join(t.TempDir(), "slow-start.sh")
	if err := os.WriteFile(slow, []byte("#!/bin/sh\ntrap '' TERM\nsleep 0.5\nperl "+cfg.Path+"\nsleep 5\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	cfg.Path = slow
	cfg.IdleTimeout = 300 * time.Millisecond
	cfg.StopGrace = 2 * time.Second
	p := mustPool(t, cfg)
	done := make(chan error, 1)
	go func() {
		// (Not mustGet: the answer's X-Pid is perl's, the worker is sh.)
		resp, err := p.Do(context.Background(), &Request{Params: params("", nil)})
		if err == nil {
			p.seen(resp.PID())
			_, err = io.ReadAll(resp)
			resp.Close()
		}
		done <- err
	}()
	waitFor(t, "a worker counted as starting", func() bool { s := p.Stats(); return s.Starting == 1 && len(s.Workers) == 0 })
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if s := p.Stats(); s.Starting != 0 || len(s.Workers) != 1 || s.Workers[0].Stopping {
		t.Errorf("after the first answer: %+v, want one live worker, none starting", s)
	}
	waitFor(t, "the retired worker, ignoring SIGTERM, shown as stopping", func() bool { s := p.Stats(); return len(s.Workers) == 1 && s.Workers[0].Stopping })
}

// TestPool_LibrariesSinceOldestWorker: a file the runner says it loaded
// comes with a time before any live worker of the pool could have loaded
// it (the oldest one's start, another worker may have loaded it first
// and say so later), once per pool; the caller compares the file's
// change time with it (gateway/libwatch.go).
func TestPool_LibrariesSinceOldestWorker(t *testing.T) {
	var got []Library
	p := &Pool{cfg: PoolConfig{OnLibraries: func(l []Library) { got = append(got, l...) }}, workers: map[*worker]struct{}{}}
	t0 := time.Now()
	old, young := &worker{started: t0.Add(-time.Minute)}, &worker{started: t0}
	p.workers[old], p.workers[young] = struct{}{}, struct{}{}
	line := runnerLogPrefix + "x.pl" + runnerLibsMarker + "/srv/lib//My/A.pm /srv/b.pl"
	p.runnerLine(line, young.started)
	if len(got) != 2 {
		t.Fatalf("libraries %+v, want 2", got)
	}
	for _, l := range got {
		if !l.Since.Equal(old.started) {
			t.Errorf("%s since %v, want the oldest worker's start %v", l.File, l.Since, old.started)
		}
	}
	delete(p.workers, old)
	p.runnerLine(runnerLogPrefix+"x.pl"+runnerLibsMarker+"/srv/b.pl /srv/c.pl", young.started)
	if len(got) != 3 || got[2].File != "/srv/c.pl" || !got[2].Since.Equal(young.started) {
		t.Errorf("after the old worker: %+v, want /srv/c.pl alone, since %v", got[2:], young.started)
	}
}

// messages lists the messages a test logger's hook holds.
func messages(hook *logtest.Hook) []string {
	var out []string
	for _, e := range hook.AllEntries() {
		out = append(out, e.Level.String()+": "+e.Message)
	}
	return out
}
