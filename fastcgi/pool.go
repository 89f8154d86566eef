// pool.go: a pool of FastCGI workers for one script: grow on demand, reuse,
// retire when idle, recycle after MaxRequests, replace the dead, back off on
// crash loops, and drain on Close (C11, C21, C22).

package fastcgi

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/menshen/menshen/internal/limit"
	"github.com/menshen/menshen/internal/parktick"
	"github.com/menshen/menshen/internal/rawio"
	"github.com/sirupsen/logrus"
)

// Errors of the pool. Callers branch on them with [errors.Is].
var (
	// ErrQueueFull is returned by [Pool.Do] when every worker is busy and
	// the queue of waiting requests is full (C11 → 503). It is the same
	// value as limit.ErrQueueFull.
	ErrQueueFull = limit.ErrQueueFull
	// ErrPoolClosed is returned by [Pool.Do] once [Pool.Close] has begun.
	ErrPoolClosed = errors.New("fastcgi: pool closed")
	// ErrWorkerDied is returned when the worker's connection broke before
	// the request ended: the process died or closed it mid-request (C22 →
	// 502). The error also matches the client's error (often ErrConnClosed).
	// While the pool backs off after workers died on their first request
	// (a crash loop), Do returns an error matching it at once.
	ErrWorkerDied = errors.New("fastcgi: worker died")
	// ErrStartFailed is returned when a worker could not be started: the
	// program could not be executed, exited at once, or did not answer
	// within StartTimeout. The wrapped error tells which. While the pool
	// backs off after consecutive failures, Do returns the last one at once.
	ErrStartFailed = errors.New("fastcgi: worker start failed")
	// ErrNotFastCGI is matched, with ErrStartFailed, by the start failure
	// of a worker that wrote a CGI header line on its stdout and exited
	// with status 0: a CGI script named *.fcgi (mod_fcgid's "Premature
	// end of script headers" hides it).
	ErrNotFastCGI = errors.New("a CGI script, not a FastCGI program")
	// ErrQueueWait is returned by [Pool.Do] when its context ended while
	// the request waited in the queue for a worker; it also matches the
	// context's error.
	ErrQueueWait = errors.New("fastcgi: gave up waiting in the queue for a worker")
	// ErrBackingOff is matched, with ErrWorkerDied or ErrStartFailed, by
	// the error [Pool.Do] returns at once, with no worker tried, while the
	// pool backs off and none of its workers is live: the request was
	// sent nowhere, and a caller may serve it another way.
	ErrBackingOff = errors.New("fastcgi: backing off")
)

// backoffError is the last crash or start failure, returned while the
// pool backs off: its text, and ErrBackingOff besides.
type backoffError struct{ err error }

func (e backoffError) Error() string   { return e.err.Error() }
func (e backoffError) Unwrap() []error { return []error{e.err, ErrBackingOff} }

// Defaults of [PoolConfig].
const (
	DefaultStartTimeout = 10 * time.Second
	DefaultStopGrace    = 3 * time.Second
	DefaultDrainTimeout = 10 * time.Second
)

// Back-off after consecutive start failures: the first failure waits
// backoffMin, each further one doubles it, up to backoffMax. The same
// after workers die on their first request, from the second in a row.
const (
	backoffMin = 100 * time.Millisecond
	backoffMax = 10 * time.Second
)

// finishingWait bounds how long get waits for a worker that has given its
// whole answer to come back before it starts a process instead: its caller
// may be writing a large answer to a slow client.
const finishingWait = 5 * time.Millisecond

// PoolConfig configures a [Pool].
type PoolConfig struct {
	// Name is the script name used in logs and stats, e.g. "sub/report.pl".
	Name string
	// Path is the program to execute. Required.
	Path string
	// Args are argv[1:] of the program.
	Args []string
	// Dir is the workers' working directory; empty means the gateway's.
	Dir string
	// Env is the workers' whole process environment ("K=V"). The gateway's
	// own environment is never inherited (C4); nil means an empty one.
	Env []string
	// SocketDir is where the pool creates a private subdirectory for the
	// workers' listening sockets; it is removed by Close. Default
	// os.TempDir(). Socket paths must fit sun_path (108 bytes), so keep it
	// short.
	SocketDir string
	// Workers is the most live worker processes (C11, C22). Default 1.
	Workers int
	// MinWorkers are kept running even when idle, and started by NewPool.
	// Default 0; at most Workers.
	MinWorkers int
	// Capacity, when above 0, is how many requests at once each worker
	// takes (each on a connection of its own), whatever its
	// FCGI_GET_VALUES answer says: a process manager (FCGI::ProcManager,
	// plackup -s FCGI) forks N children on its socket, but libfcgi
	// declares 1. At most MaxCapacity.
	Capacity int
	// IdleTimeout retires a worker idle this long, down to MinWorkers.
	// Default 0: never.
	IdleTimeout time.Duration
	// MaxRequests recycles a worker after this many requests. Default 0:
	// unlimited.
	MaxRequests int
	// Queue is how many requests may wait for a worker; past it Do returns
	// ErrQueueFull. Default 0: none wait.
	Queue int
	// StartTimeout is how long a new worker may take to answer its first
	// connection (an FCGI_GET_VALUES query). Default DefaultStartTimeout.
	StartTimeout time.Duration
	// StopGrace is how long a worker may take to exit after SIGTERM before
	// its process group is killed. Default DefaultStopGrace.
	StopGrace time.Duration
	// Hurry, once closed, cuts StopGrace short: a worker being stopped,
	// or stopped from then on, gets SIGKILL at once (the caller's own
	// time is up: the end of a shutdown's grace). Default nil: never.
	Hurry <-chan struct{}
	// DrainTimeout is how long Close waits for in-flight requests before it
	// stops their workers anyway. Default DefaultDrainTimeout.
	DrainTimeout time.Duration
	// Logger receives worker output and life-cycle events. Default: discard.
	Logger logrus.FieldLogger
	// OnSpawn, when set, is called once for every worker process the pool
	// starts (each one [PoolStats.Spawns] counts), whether or not it then
	// answers, on the goroutine that started it and without the pool's
	// lock. It must not block. A pool's stats end with the pool; this lets
	// the caller keep a total across the pools of a script. Default nil.
	OnSpawn func()
	// OnLibraries, when set, is called with the files the bundled Perl
	// runner's workers say they loaded from outside perl's own
	// directories (an application's lib beside the scripts, a `require
	// "lib.pl"`, a PERL5LIB tree), each once per pool, as they say it, on
	// the worker's output goroutine and without the pool's lock; it must
	// not block. A caller that watches them retires the pool when one
	// changes ([Pool.Loaded]): the runner keeps what it loaded. Default nil.
	OnLibraries func(libs []Library)
	// BusyPoll, when above 0, is how long a read of a worker's answer
	// that finds nothing yet reads again before it waits in Go's poller,
	// while BusyPollSpare says a processor is to spare (nil: always).
	// An answer that comes within it is read without a wake-up, which at
	// low load is a good part of a quick request's time (internal/rawio's
	// Spin says more). Default 0: never.
	BusyPoll      time.Duration
	BusyPollSpare func() bool
}

// WorkerStats describes one live worker.
type WorkerStats struct {
	PID      int
	Started  time.Time
	Requests int64 // requests dispatched to it
	Busy     bool  // serving at least one request
	Active   int   // requests it is serving now
	Capacity int   // requests it takes at once (FCGI_MAX_CONNS, FCGI_MAX_REQS)
	LastUsed time.Time
	// Stopping: it is being stopped (retired, recycled, drained): SIGTERM
	// sent, SIGKILL after the stop grace; it takes no request.
	Stopping bool
}

// PoolStats is a snapshot of a pool.
type PoolStats struct {
	Workers  []WorkerStats // live workers, oldest first
	Spawns   int64         // worker processes started in total
	Waiting  int           // requests queued for a worker
	Starting int           // workers being started, not in Workers yet
	Failures int64         // start failures plus workers that died unexpectedly
	// Runner is what the bundled Perl runner last said it does with the
	// script under isolation auto (its workers decide alike); zero
	// before it said anything, and for other programs.
	Runner RunnerChoice
}

// RunnerChoice is the isolation the Perl runner took for a script under
// auto: IsolationRegistry or IsolationPerlrun, and for perlrun why.
type RunnerChoice struct {
	Isolation string
	Reason    string
}

// parseRunnerLine reads a runner's decision from one of its log lines
// ("menshen-runner: x.pl: registry: compiled once",
// "menshen-runner: x.pl: perlrun: BEGIN block",
// "menshen-runner: x.pl: switching to perlrun: package variable ...").
func parseRunnerLine(line string) (RunnerChoice, bool) {
	for _, m := range []struct{ marker, iso string }{
		{": switching to perlrun: ", IsolationPerlrun},
		{": perlrun: ", IsolationPerlrun},
		{": registry: ", IsolationRegistry},
	} {
		if i := strings.Index(line, m.marker); i >= 0 {
			c := RunnerChoice{Isolation: m.iso}
			if m.iso == IsolationPerlrun {
				c.Reason = line[i+len(m.marker):]
			}
			return c, true
		}
	}
	return RunnerChoice{}, false
}

// runnerLibsMarker starts what the runner's "libraries" line lists:
// "menshen-runner: x.pl: libraries: FILE FILE...", each file with %, white
// space and control characters %-encoded, a module's with a // after the
// @INC directory it came from (/srv/app/lib//My/Auth.pm).
const runnerLibsMarker = ": libraries: "

// Library is a file a Perl runner worker loaded from outside perl's own
// directories (PoolConfig.OnLibraries).
type Library struct {
	File string // its path, symbolic links resolved
	// Root is the @INC directory File came from, a module's lib (File is
	// under it: /srv/app/lib for /srv/app/lib/My/Auth.pm), or "".
	Root string
	// Since is a time before any worker of the pool alive when it was
	// said loaded the file (the start of the oldest): a change of File
	// after it may not be in the code a worker holds, though it came
	// before a watch the caller sets up on hearing of it.
	Since time.Time
}

// parseRunnerLibs reads the files of a runner's "libraries" line.
func parseRunnerLibs(line string) ([]Library, bool) {
	i := strings.Index(line, runnerLibsMarker)
	if i < 0 || !strings.HasPrefix(line, runnerLogPrefix) {
		return nil, false
	}
	var libs []Library
	for _, f := range strings.Fields(line[i+len(runnerLibsMarker):]) {
		f, err := url.PathUnescape(f)
		if err != nil || !strings.HasPrefix(f, "/") {
			continue
		}
		var l Library
		if root, rel, ok := strings.Cut(f, "//"); ok && root != "" && rel != "" {
			l = Library{File: root + "/" + rel, Root: root}
		} else {
			l = Library{File: f}
		}
		libs = append(libs, l)
	}
	return libs, true
}

// maxLibs bounds the files a pool keeps of what its runners loaded.
const maxLibs = 4000

// runnerLine takes what a line of the runner says: the files it loaded
// (Loaded, OnLibraries), or its isolation (PoolStats.Runner).
func (p *Pool) runnerLine(line string, started time.Time) {
	if libs, ok := parseRunnerLibs(line); ok {
		var news []Library
		p.mu.Lock()
		if p.libs == nil {
			p.libs = map[string]bool{}
		}
		// (Another worker may have loaded the file before this one, and
		// say so later.)
		since := started
		for w := range p.workers {
			if w.started.Before(since) {
				since = w.started
			}
		}
		for _, l := range libs {
			if !p.libs[l.File] && len(p.libs) < maxLibs {
				p.libs[l.File] = true
				l.Since = since
				news = append(news, l)
			}
		}
		p.mu.Unlock()
		if len(news) > 0 && p.cfg.OnLibraries != nil {
			p.cfg.OnLibraries(news)
		}
		return
	}
	if c, ok := parseRunnerLine(line); ok {
		p.mu.Lock()
		p.runner = c
		p.mu.Unlock()
	}
}

// Loaded reports whether a worker of the pool said it loaded the file
// (the bundled Perl runner's "libraries" line; file as it said it, its
// symbolic links resolved).
func (p *Pool) Loaded(file string) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.libs[file]
}

// Pool runs the FastCGI workers of one script. Its methods are safe for
// concurrent use.
type Pool struct {
	cfg  PoolConfig
	spin *rawio.Spin // the workers' connections' busy polling; nil: none
	// finishWait is finishingWait, for this pool (a test on a loaded
	// machine gives the worker longer to come back).
	finishWait time.Duration
	log        logrus.FieldLogger
	dir        string         // private socket directory
	lim        *limit.Limiter // one slot per request holding a worker; bounded queue

	// backoff is backoffMin, for this pool (a test on a loaded machine
	// gives itself longer than the requests it makes during the back-off
	// take).
	backoff time.Duration
	// quiet: Quiesce was called. Guarded by mu.
	quiet bool

	ctx    context.Context // pool lifetime; cancelled when Close begins
	cancel context.CancelFunc
	wg     sync.WaitGroup // janitor, warm starts, background stops, exit watchers

	closeOnce sync.Once

	mu sync.Mutex
	// changed is closed whenever the state below changes, and made anew
	// only when someone waits for that (changedLocked): nil while no one
	// does, as after most releases of a worker.
	changed  chan struct{}
	workers  map[*worker]struct{} // every started worker not yet reaped
	idle     []*worker            // workers that can take a request (active < capacity), most recently used last
	capacity int                  // requests per worker, as the last worker that started declared
	starting int                  // workers being started (counted as live)
	// warming counts the starts of starting that are for no request
	// (MinWorkers), warmWaiters the requests waiting for one of them to
	// be ready rather than starting a worker of their own.
	warming, warmWaiters int
	// getWaiters counts the requests that hold a slot and wait in get for
	// the pool's state to change (a worker to start, finish or stop):
	// not in the queue, yet they wait for a worker (nobodyWaitsLocked).
	getWaiters int
	// finishing counts requests whose worker has given its whole answer
	// (the end of FCGI_STDOUT, or FCGI_END_REQUEST) but is not back yet:
	// the caller is still writing that answer to its client, which it
	// does first, and the worker returns microseconds later (with
	// FCGI_END_REQUEST, which Mojo's and Net::FastCGI's servers, Go's
	// net/http/fcgi write apart from the stream's end: the client may
	// have the answer, and send its next request, before it comes). get
	// waits a moment for one rather than start a process (a client
	// sending its next request at once would otherwise find no idle
	// worker, and a new one would pay the script's compilation).
	finishing int
	nextID    int          // id of the next worker
	closed    bool         // Close has begun
	spawns    int64        // processes started
	failures  int64        // start failures and unexpected exits
	streak    int          // consecutive start failures
	crashes   atomic.Int32 // consecutive workers that died on their first request (written with mu held)
	retryAt   time.Time    // no start before this while streak > 0 or crashes > 1
	lastErr   error        // last start failure or crash, returned during back-off
	runner    RunnerChoice // what the Perl runner last said (PoolStats.Runner)
	// noValues: a worker of this program ended on FCGI_GET_VALUES; the
	// next are not asked (worker.ready).
	noValues bool
	// noKeep: the program closes its connections after a request; they
	// are not kept (worker.closesConns).
	noKeep atomic.Bool

	// libs holds the files its runner workers said they loaded (Loaded).
	libs map[string]bool

	// janitorTick is the janitor's ticker, parked (under mu) while the
	// pool has no worker and keeps none warm, woken by the next start
	// (reserveLocked).
	janitorTick *parktick.Ticker
}

// NewPool creates a pool and starts its MinWorkers in the background.
// Other workers start on demand.
func NewPool(cfg PoolConfig) (*Pool, error) {
	if cfg.Path == "" {
		return nil, errors.New("fastcgi: pool needs a program path")
	}
	if cfg.Workers < 1 {
		cfg.Workers = 1
	}
	cfg.MinWorkers = max(0, min(cfg.MinWorkers, cfg.Workers))
	if cfg.StartTimeout <= 0 {
		cfg.StartTimeout = DefaultStartTimeout
	}
	if cfg.StopGrace <= 0 {
		cfg.StopGrace = DefaultStopGrace
	}
	if cfg.DrainTimeout <= 0 {
		cfg.DrainTimeout = DefaultDrainTimeout
	}
	if cfg.SocketDir == "" {
		cfg.SocketDir = os.TempDir()
	}
	if cfg.Logger == nil {
		l := logrus.New()
		l.SetOutput(io.Discard)
		cfg.Logger = l
	}
	dir, err := os.MkdirTemp(cfg.SocketDir, "p")
	if err != nil {
		return nil, fmt.Errorf("create socket directory in %q: %w", cfg.SocketDir, err)
	}
	// sun_path holds 107 bytes and a NUL; leave room for "<n>.sock".
	if probe := filepath.Join(dir, "999999.sock"); len(probe) > 107 {
		os.Remove(dir)
		return nil, fmt.Errorf("socket path %q: %w", probe, syscall.ENAMETOOLONG)
	}
	ctx, cancel := context.WithCancel(context.Background())
	p := &Pool{
		cfg:        cfg,
		spin:       rawio.NewSpin(cfg.BusyPoll, cfg.BusyPollSpare),
		finishWait: finishingWait,
		backoff:    backoffMin,
		log:        cfg.Logger.WithField("script", cfg.Name),
		dir:        dir,
		lim:        limit.New(cfg.Workers, cfg.Queue),
		ctx:        ctx,
		cancel:     cancel,
		workers:    make(map[*worker]struct{}),
		capacity:   1,
	}
	every := time.Second // the janitor's round
	if t := cfg.IdleTimeout / 4; t > 0 {
		every = max(10*time.Millisecond, min(t, every))
	}
	p.janitorTick = parktick.New(every)
	p.mu.Lock()
	p.keepWarmLocked()
	p.mu.Unlock()
	p.wg.Go(p.janitor)
	return p, nil
}

// Do runs req on a worker and returns the response, whose body streams the
// worker's FCGI_STDOUT. It waits for a worker while the queue has room
// (ErrQueueFull past it) and starts one if fewer than Workers live. The
// caller must Close the response, which gives the worker back.
//
// If ctx ends before the response is closed, the worker's process group is
// killed and the worker replaced (C10): a stuck script cannot hold a worker.
// A worker that declared it takes several requests at once (FCGI_MAX_CONNS
// and FCGI_MAX_REQS above 1, such as php-cgi with PHP_FCGI_CHILDREN) gets
// up to that many, each on its own connection; it is shared, so ending a
// request closes that request's connection instead of killing the group.
// A request that finds its kept connection stale (the worker exited between
// requests, like php-cgi after PHP_FCGI_MAX_REQUESTS) is retried once on a
// fresh worker when its body can be replayed.
func (p *Pool) Do(ctx context.Context, req *Request) (*PoolResponse, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	waited, err := p.acquire(ctx)
	if err != nil {
		return nil, err
	}
	if waited && req.Dequeued != nil {
		req.Dequeued()
	}
	// From here the slot is either handed to the PoolResponse or released.
	// Without a body, there is none to replay (an attempt may always go
	// again), and no replayBody to make.
	var body *replayBody
	if req.Stdin != nil {
		body = &replayBody{r: req.Stdin}
	}
	for attempt := 0; ; attempt++ {
		w, late, err := p.get(ctx)
		if err != nil {
			p.lim.Release()
			return nil, err
		}
		if late && req.Dequeued != nil {
			// The request waited for its worker to start (or for one to
			// come free): its time limit starts now, as a CGI script's
			// starts with its process (C10). A worker's start has a
			// limit of its own; counted against the request's, a script
			// whose run fits its --timeout was cut after a slow cold
			// start, and every next request started a worker again.
			req.Dequeued()
		}
		if req.Worker != nil {
			req.Worker(w.pid)
		}
		r := *req
		if req.Stdin != nil {
			r.Stdin = body.view()
		}
		resp, retry, err := p.run(ctx, w, &r)
		if err == nil {
			return resp, nil
		}
		// An application that exits after each request (its own
		// max-requests) leaves stale workers that several requests at
		// once can meet in a row: a few attempts, each on a fresh one.
		if retry && attempt < maxAttempts-1 && (body == nil || body.rewind()) {
			p.log.WithFields(logrus.Fields{"pid": w.pid, "worker": w.id}).WithError(err).
				Debug("stale worker connection, retrying on a fresh one")
			continue
		}
		p.lim.Release()
		return nil, err
	}
}

// maxAttempts bounds how many workers one request is sent to when each
// attempt provably left it unprocessed (a stale connection, a worker gone).
// An application that exits after each request, under load, leaves idle
// workers whose exit the pool has not seen yet: a request can meet
// several in a row (4 was once not enough in a loaded test run).
const maxAttempts = 8

// acquire takes a request slot, waiting in the queue while ctx lives and the
// pool is open; waited says whether it had to wait.
func (p *Pool) acquire(ctx context.Context) (waited bool, err error) {
	if p.ctx.Err() != nil {
		return false, ErrPoolClosed
	}
	if p.lim.TryAcquire() {
		return false, nil // a free slot: no queue, no watcher to set up
	}
	actx, cancel := context.WithCancel(ctx)
	stop := context.AfterFunc(p.ctx, cancel)
	err = p.lim.Acquire(actx)
	stop()
	cancel()
	switch {
	case err == nil:
		if p.ctx.Err() != nil {
			p.lim.Release()
			return false, ErrPoolClosed
		}
		return true, nil
	case errors.Is(err, limit.ErrQueueFull):
		return false, fmt.Errorf("pool %q: %w", p.cfg.Name, err)
	case ctx.Err() != nil:
		return false, fmt.Errorf("%w: %w", ErrQueueWait, ctx.Err())
	default:
		return false, ErrPoolClosed
	}
}

// get returns a worker for the caller, who holds a slot: the most recently
// used idle one, else a new one if fewer than Workers live, else it waits
// for one of the workers being stopped to go away.
func (p *Pool) get(ctx context.Context) (w *worker, late bool, err error) {
	waited := false // for a finishing worker, once
	for {
		p.mu.Lock()
		if p.closed {
			p.mu.Unlock()
			return nil, late, ErrPoolClosed
		}
		for len(p.idle) > 0 {
			w := p.idle[len(p.idle)-1]
			p.idle = p.idle[:len(p.idle)-1]
			if w.exited() {
				continue // its exit watcher removes it
			}
			w.state = stateBusy
			w.active++
			if w.active < w.capacity {
				p.idle = append(p.idle, w) // it takes more at once
			}
			p.mu.Unlock()
			return w, late, nil
		}
		if p.liveLocked() < p.cfg.Workers {
			if p.finishing > 0 && !waited {
				waited = true
				late = true
				if err := p.awaitChangeLocked(ctx, &p.getWaiters, p.finishWait); err != nil {
					return nil, late, err
				}
				continue
			}
			if err := p.backoffLocked(); err != nil {
				if p.liveLocked() == 0 {
					p.mu.Unlock()
					return nil, late, backoffError{err}
				}
				// Workers that serve are live (busy): the request waits
				// for one, as when the pool is full, or for the back-off
				// to end; it does not fail for the crashes of others.
				late = true
				if err := p.awaitChangeLocked(ctx, &p.getWaiters, time.Until(p.retryAt)); err != nil {
					return nil, late, err
				}
				continue
			}
			if p.warming > p.warmWaiters {
				// A worker is starting for no request: this one takes
				// it (or, if another took it, starts its own then).
				late = true
				if err := p.awaitChangeLocked(ctx, &p.warmWaiters, 0); err != nil {
					return nil, late, err
				}
				continue
			}
			id := p.reserveLocked()
			p.mu.Unlock()
			w, err := p.spawnFor(ctx, id)
			return w, true, err
		}
		// Every live worker is starting, full with other slot holders'
		// requests or stopping; since we hold a slot, at least one is
		// starting without an owner (MinWorkers) or stopping, and that
		// ends soon.
		late = true
		if err := p.awaitChangeLocked(ctx, &p.getWaiters, 0); err != nil {
			return nil, late, err
		}
	}
}

// awaitChangeLocked waits, with p.mu released, until the pool's state
// changes, ctx ends, or d passes (d > 0), counted meanwhile in waiters
// (warmWaiters or getWaiters: nobodyWaitsLocked). It returns with p.mu
// released, and ctx's error if ctx has ended.
func (p *Pool) awaitChangeLocked(ctx context.Context, waiters *int, d time.Duration) error {
	*waiters++
	ch := p.changedLocked()
	p.mu.Unlock()
	var timeout <-chan time.Time
	if d > 0 {
		t := time.NewTimer(d)
		defer t.Stop()
		timeout = t.C
	}
	select {
	case <-ch:
	case <-timeout:
	case <-ctx.Done():
	}
	p.mu.Lock()
	*waiters--
	p.mu.Unlock()
	return ctx.Err()
}

// liveLocked counts worker processes that exist or are being started.
func (p *Pool) liveLocked() int { return len(p.workers) + p.starting }

// notifyLocked wakes everyone waiting for a state change.
func (p *Pool) notifyLocked() {
	if p.changed != nil {
		close(p.changed)
		p.changed = nil
	}
}

// changedLocked returns the channel the next state change closes.
func (p *Pool) changedLocked() chan struct{} {
	if p.changed == nil {
		p.changed = make(chan struct{})
	}
	return p.changed
}

// backoffLocked returns the last start failure, or the last crash of a
// crash loop, while the pool backs off.
func (p *Pool) backoffLocked() error {
	if (p.streak > 0 || p.crashes.Load() > 1) && time.Now().Before(p.retryAt) {
		return p.lastErr
	}
	return nil
}

// answered notes how r's request ended for the crash count: an answer
// with output ends a crash loop, even one its worker's death then cut
// (a script that sends itself SIGKILL or SIGALRM after its page: each
// request is served as far as it goes, as a CGI process's would be, and
// the requests after it must not fail unserved); a first request completed with none
// marks its worker (emptyFirst), whose exit in error then counts as a
// crash (watch).
func (p *Pool) answered(r *PoolResponse) {
	if r.got > 0 && p.crashes.Load() == 0 || r.got == 0 && !r.complete {
		return // (an answer, and no crash to forget: no lock)
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if r.got > 0 {
		p.crashes.Store(0)
		return
	}
	if !r.first {
		return
	}
	r.w.emptyFirst = true
	if _, live := p.workers[r.w]; !live && r.w.exited() && r.w.waitErr != nil {
		// (Its exit was seen first: watch found no mark.)
		p.crashedLocked(r.w, fmt.Errorf("no answer, then %w", r.w.waitErr))
	}
}

// crashed notes that worker w died on the first request it took, of err.
// From the second such worker in a row, with no request served in
// between, the pool backs off as after start failures:
// a program that dies on every request (a missing database, a bad
// configuration) is not started again for every request, which would
// take the processors from every other script (mod_fcgid's spawn score).
// The requests meanwhile fail at once, as the crashes would have made
// them fail (502), with the reason, unless a worker is live (busy with a
// request, or starting): then they wait for it, as for a full pool (get).
func (p *Pool) crashed(w *worker, err error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.crashedLocked(w, err)
}

// crashedLocked is crashed with p.mu held.
func (p *Pool) crashedLocked(w *worker, err error) {
	n := p.crashes.Add(1)
	if n < 2 || p.closed {
		return
	}
	wait := min(p.backoff<<min(n-2, 10), backoffMax)
	p.retryAt = time.Now().Add(wait)
	p.lastErr = fmt.Errorf("%w: %d workers in a row died on their first request, the last (pid %d) with: %w; none starts for %s",
		ErrWorkerDied, n, w.pid, err, wait)
	w.log.WithError(err).WithFields(logrus.Fields{"crashes": n, "backoff": wait.String()}).
		Error("fastcgi workers die on their first request; backing off before starting another")
}

// reserveLocked books a start and returns the new worker's id.
func (p *Pool) reserveLocked() int {
	p.starting++
	p.nextID++
	p.janitorTick.Wake()
	return p.nextID
}

// spawnOwner is the caller a start is for (spawnFor), guarded by p.mu:
// gone once it stopped waiting, taken once the worker is registered busy
// for it.
type spawnOwner struct{ gone, taken bool }

type spawnResult struct {
	w   *worker
	err error
}

// spawnFor starts worker id (booked with reserveLocked) for the caller,
// who holds a slot, and returns it busy for the caller. The start does not
// depend on the caller: when ctx ends first, it goes on (within
// StartTimeout, until the pool closes) and the worker joins the pool idle,
// as mod_fcgid and lighttpd keep a process whatever became of the request
// that made them start it. Else clients that give up before a slow
// application has started (a health check's timeout, an impatient user)
// would have every start killed, and no worker would ever be ready.
func (p *Pool) spawnFor(ctx context.Context, id int) (*worker, error) {
	o := &spawnOwner{}
	done := make(chan spawnResult, 1)
	p.wg.Go(func() {
		w, err := p.spawn(p.ctx, id, stateBusy, o)
		done <- spawnResult{w, err}
	})
	select {
	case r := <-done:
		return r.w, r.err
	case <-ctx.Done():
	}
	p.mu.Lock()
	taken := o.taken
	o.gone = true
	p.mu.Unlock()
	if taken {
		// Registered busy for us just now: ours, as if it had come first.
		r := <-done
		return r.w, r.err
	}
	return nil, fmt.Errorf("a new worker was still starting: %w", ctx.Err())
}

// spawn starts worker id (booked with reserveLocked) and waits until it
// answers. On success the worker is registered in the given state (busy for
// the caller, or idle), or, for an owner (spawnFor), busy unless the owner
// is gone. The start is abandoned if ctx or the pool ends.
func (p *Pool) spawn(ctx context.Context, id int, state workerState, o *spawnOwner) (*worker, error) {
	sctx, cancel := context.WithCancel(ctx)
	defer cancel()
	defer context.AfterFunc(p.ctx, cancel)()

	w, err := p.startReady(sctx, id)
	if errors.Is(err, errValuesFatal) && sctx.Err() == nil && p.stopAsking(err) {
		w, err = p.startReady(sctx, id)
	}

	p.mu.Lock()
	defer p.mu.Unlock()
	p.starting--
	if o == nil && state == stateIdle {
		p.warming--
	}
	p.notifyLocked()
	if err != nil {
		if sctx.Err() != nil && (ctx.Err() != nil || p.ctx.Err() != nil) {
			// Abandoned, not failed: the caller or the pool went away.
			if p.ctx.Err() != nil {
				return nil, ErrPoolClosed
			}
			return nil, ctx.Err()
		}
		err = fmt.Errorf("start worker %q: %w: %w", p.cfg.Path, ErrStartFailed, err)
		p.failures++
		p.streak++
		wait := min(p.backoff<<min(p.streak-1, 10), backoffMax)
		p.retryAt = time.Now().Add(wait)
		p.lastErr = err
		// The back-off as text ("100ms"), as the access line's duration:
		// a time.Duration field is a bare count of nanoseconds in JSON.
		p.log.WithError(err).WithFields(logrus.Fields{"worker": id, "backoff": wait.String()}).
			Error("fastcgi worker did not start")
		return nil, err
	}
	p.streak = 0
	if p.crashes.Load() < 2 {
		p.lastErr = nil
	}
	p.workers[w] = struct{}{}
	// Idle from now, not from its process's start: a worker slower to
	// start than IdleTimeout would otherwise be retired as it is ready
	// (and a request waiting for it start another).
	w.lastUsed = time.Now()
	if o != nil {
		if o.gone {
			state = stateIdle
		} else {
			o.taken = true
		}
	}
	w.state = state
	if state == stateBusy {
		w.active = 1
	}
	if state == stateIdle && p.quiet && p.nobodyWaitsLocked() {
		// A warm start, or one whose request gave up, that ends after
		// Quiesce: nothing waits for it.
		p.stopLocked(w)
	} else if w.active < w.capacity {
		p.idle = append(p.idle, w)
	}
	if w.capacity != p.capacity {
		p.capacity = w.capacity
		p.lim.SetMax(p.cfg.Workers * w.capacity)
		w.log.WithField("capacity", w.capacity).
			Info("fastcgi worker takes several requests at once (FCGI_MAX_CONNS, FCGI_MAX_REQS); the pool sends it that many")
	}
	p.wg.Go(func() { p.watch(w) })
	w.log.Debug("fastcgi worker started")
	return w, nil
}

// stopAsking notes that a worker ended on FCGI_GET_VALUES (err): the
// program's workers are started without it from now on, the first at
// once, for the request that waits. It reports whether that is news, so
// that a program that ends so at every start is started once more only.
func (p *Pool) stopAsking(err error) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.noValues {
		return false
	}
	p.noValues = true
	p.log.WithError(err).Warn("fastcgi worker ended on FCGI_GET_VALUES, which Apache and nginx never send: its workers are started without it, one request at a time (or its configured capacity)")
	return true
}

// startReady starts worker id and waits until it is ready (worker.ready):
// asked FCGI_GET_VALUES unless the pool stopped asking. A worker that is
// not ready is killed.
func (p *Pool) startReady(sctx context.Context, id int) (*worker, error) {
	w, err := startWorker(workerConfig{
		id:         id,
		name:       p.cfg.Name,
		path:       p.cfg.Path,
		args:       p.cfg.Args,
		dir:        p.cfg.Dir,
		env:        p.cfg.Env,
		sock:       filepath.Join(p.dir, fmt.Sprintf("%d.sock", id)),
		log:        p.cfg.Logger,
		spin:       p.spin,
		noKeep:     &p.noKeep,
		runnerLine: p.runnerLine,
	})
	if err == nil {
		p.mu.Lock()
		p.spawns++
		ask := !p.noValues
		p.mu.Unlock()
		if p.cfg.OnSpawn != nil {
			p.cfg.OnSpawn()
		}
		if err = w.ready(sctx, p.cfg.StartTimeout, ask); err != nil {
			w.Kill()
		} else if p.cfg.Capacity > 0 {
			w.capacity = min(p.cfg.Capacity, MaxCapacity)
		}
		w.ctxKill = func() {
			if w.capacity > 1 {
				return
			}
			w.log.Debug("request ended early; killing fastcgi worker")
			p.kill(w)
		}
	}
	return w, err
}

// watch waits for w's process to end and removes it from the pool. A worker
// that was idle or busy, rather than being stopped, died unexpectedly.
func (p *Pool) watch(w *worker) {
	<-w.done
	w.cleanup()
	p.mu.Lock()
	defer p.mu.Unlock()
	delete(p.workers, w)
	if i := slices.Index(p.idle, w); i >= 0 {
		p.idle = slices.Delete(p.idle, i, i+1)
	}
	switch {
	case w.state == stateStopping && !diedAfterEmptyFirst(w):
	case w.waitErr == nil && w.requests > 0:
		// Its own max-requests (php-cgi's PHP_FCGI_MAX_REQUESTS, an FCGI.pm
		// loop that ends): a planned exit, not a failure. (It may be seen
		// before its last request is given back; a request it left
		// unanswered fails, and logs why, on its own.)
		w.log.WithField("requests", w.requests).Info("fastcgi worker exited on its own (status 0)")
	default:
		p.failures++
		w.log.WithError(w.waitErr).Warn("fastcgi worker exited")
		if w.waitErr != nil && w.emptyFirst && w.requests == 1 {
			p.crashedLocked(w, fmt.Errorf("no answer, then %w", w.waitErr))
		}
	}
	p.notifyLocked()
}

// diedAfterEmptyFirst reports whether w, though the pool was stopping it,
// ended on its own in error after an empty answer to its one request:
// a request that met its connection closed on the way out stops it as
// broken, yet the exit is its own crash (an exit status, not the pool's
// signal), which the crash loop's count must see.
func diedAfterEmptyFirst(w *worker) bool {
	var ee *exec.ExitError
	return w.emptyFirst && w.requests == 1 && errors.As(w.waitErr, &ee) && ee.ExitCode() > 0
}

// run sends req to w and waits for the first piece of the response. retry
// reports a failure that provably left the request unprocessed, so Do may
// send it once more on a fresh connection.
func (p *Pool) run(ctx context.Context, w *worker, req *Request) (_ *PoolResponse, retry bool, _ error) {
	if err := ctx.Err(); err != nil {
		p.release(w, true, false) // untouched: do not kill it for a request already over
		return nil, false, err
	}
	p.mu.Lock()
	served := w.requests
	w.requests++
	w.lastUsed = time.Now()
	p.mu.Unlock()
	if w.capacity == 1 {
		w.serve(req.Stderr)
	}

	// A client that goes away or a timeout kills the worker's group (C10),
	// unless the worker is shared: then the connection's party of the same
	// watch (armed by Conn.do) ends just this request.
	pr := &PoolResponse{pool: p, w: w, ctx: ctx, first: served == 0}
	pr.resp = &pr.response
	pr.response.watch = &pr.watch
	pr.watch.killWorker = w.ctxKill
	pr.watch.worker = watchArmed
	pr.watch.register(ctx)
	// fail gives the worker back after a failed attempt: a broken one is
	// killed and replaced, and its error wraps ErrWorkerDied.
	fail := func(err error, broken, retry bool) (*PoolResponse, bool, error) {
		if !pr.watch.disarmWorker() {
			broken = true
		}
		if broken && !retry && ctx.Err() == nil {
			err = withExitStatus(w, err) // (before release kills it)
		}
		if retry {
			// The worker never had the request: it is no request it
			// took (watch counts a worker dying after its first one).
			p.mu.Lock()
			w.requests--
			p.mu.Unlock()
		}
		p.release(w, !broken, false)
		switch {
		case ctx.Err() != nil:
			return nil, false, ctx.Err()
		case broken:
			if !retry && served == 0 {
				p.crashed(w, err)
			}
			return nil, retry, fmt.Errorf("worker %d: %w: %w", w.pid, ErrWorkerDied, err)
		}
		return nil, retry, err
	}
	// A kept connection the application closed between requests, while
	// its process lives, is no broken worker: a process manager
	// (FCGI::ProcManager, plackup -s FCGI) whose child that held the
	// connection ended by design (its max_requests), or an application
	// that closes after each request. The attempt goes again on a new
	// connection; the worker is not killed (with its manager, all its
	// children and the loaded application). One whose process is gone
	// fails its dial then, as a broken worker.
	staleOnly := func(err error) (*PoolResponse, bool, error) {
		w.log.WithError(err).Debug("kept fastcgi connection closed by the application; the attempt goes again on a new one")
		return fail(err, false, true)
	}

	c, kept, err := w.getConn(ctx)
	if err != nil {
		// Dialling failed: the worker is gone and never saw the request.
		return fail(err, true, true)
	}
	if err := c.do(ctx, req, pr.resp); err != nil {
		if !errors.Is(err, ErrConnClosed) {
			w.putConn(c, c.Reusable())
			return fail(err, false, false) // refused before sending, such as a bad param
		}
		// The request was not sent: a stale kept connection (the worker
		// exited between requests) or one that broke while sending.
		w.putConn(c, false)
		if kept && !w.exited() {
			return staleOnly(err)
		}
		return fail(err, true, true)
	}
	pr.conn = c
	resp := pr.resp
	err = resp.Wait()
	if err != nil && (ctx.Err() != nil || errors.Is(err, ErrConnClosed)) {
		resp.Close()
		w.putConn(c, false)
		if ctx.Err() != nil {
			return fail(err, true, false)
		}
		// A reset, rather than a plain end, means the worker's end of the
		// connection closed with some of the request unread (Unix sockets
		// report unread data as ECONNRESET): an application ending by
		// design between requests (its own max-requests; a process
		// manager's child) left it all unread, and another worker may
		// have it. But one that died while it ran the request may have
		// left its end unread too (php-cgi runs the script before it
		// reads the end of FCGI_STDIN): run again, it would run twice
		// (C22: 502). Only an exit with status 0 tells the first.
		ended, clean := w.waitEnd(endWait)
		if !ended && kept {
			w.closesConns(true)
		}
		switch {
		case !ended && kept && isStale(err) && req.Idempotent:
			// Sent again, as nginx retries it; but the child may have
			// died running it (killed, a segfault), and the request then
			// runs twice and its answer or 504 tells nothing of it: the
			// log does.
			w.log.WithError(err).Warn("fastcgi connection ended during a request while the worker lives (a process manager's child ended, by design or killed while it ran it?); the GET or HEAD is sent again on a new connection")
			return staleOnly(err)
		case !ended:
			// The process lives: a process manager whose child that held
			// the connection ended, by design between requests or killed
			// while it ran this one (php-cgi with PHP_FCGI_CHILDREN, its
			// child segfaulting). Nothing tells which: a request that must
			// not run twice fails (C22: 502), and the manager, with its
			// other children and the loaded application, stays.
			w.log.WithError(err).Warn("fastcgi connection ended during a request while the worker lives (a process manager's child ended?); the request is not sent again: it may have run")
			return fail(err, false, false)
		case ended && clean && isStale(err) && (kept || served > 0):
			return fail(err, true, true)
		}
		return fail(err, true, false)
	}
	if err != nil {
		pr.setErr(err)
	}
	return pr, false, nil
}

// endWait bounds how long run waits for a worker whose connection was
// reset to end, to learn how it ended.
const endWait = 500 * time.Millisecond

// isStale reports whether err says the peer was gone before it read the
// request: the write found the socket closed (EPIPE), or the worker exited
// with the request unread in its socket buffer (ECONNRESET).
func isStale(err error) bool {
	return errors.Is(err, syscall.EPIPE) || errors.Is(err, syscall.ECONNRESET)
}

// kill ends w at once, on purpose: its exit is not counted as a failure.
func (p *Pool) kill(w *worker) {
	p.mu.Lock()
	w.state = stateStopping
	p.mu.Unlock()
	w.Kill()
}

// release takes w back from a request that held it; ok reports that the
// request completed cleanly. It also gives back the request's slot unless
// the caller retries (see Do), which is why it does not touch the limiter.
func (p *Pool) release(w *worker, ok, finished bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if finished {
		p.finishing--
	}
	w.lastUsed = time.Now()
	w.active--
	defer p.notifyLocked()
	if w.exited() || w.state == stateStopping {
		if w.recycle && w.active == 0 && !p.closed && !w.exited() {
			w.recycle = false
			p.wg.Go(func() { p.stop(w) })
		}
		return // the exit watcher or the stopper takes it from here
	}
	shared := w.capacity > 1
	if shared {
		// Out of the stack, to go back on top (most recently used) below.
		p.idle = slices.DeleteFunc(p.idle, func(x *worker) bool { return x == w })
	}
	switch {
	case !ok && !shared:
		// The request broke or was abandoned: the worker may still be
		// running the script, its connection holds an unknown state.
		// (A shared worker only loses that request's connection.)
		w.state = stateStopping
		if p.closed {
			return // Close stops every worker
		}
		p.wg.Go(w.Kill)
	case p.quiet && w.active == 0 && p.nobodyWaitsLocked() && !p.closed:
		// Quiesce: no request waits for it.
		p.stopLocked(w)
	case p.cfg.MaxRequests > 0 && w.requests >= int64(p.cfg.MaxRequests):
		w.state = stateStopping
		if p.closed {
			return
		}
		w.log.Debug("fastcgi worker reached max requests; recycling")
		if w.active > 0 {
			w.recycle = true // its other requests finish first
			return
		}
		p.wg.Go(func() { p.stop(w) })
	default:
		if w.active == 0 {
			w.state = stateIdle
		}
		p.idle = append(p.idle, w)
	}
}

// janitor retires idle workers and keeps MinWorkers running until Close.
// While the pool has no worker and keeps none warm it has nothing to do:
// it parks until a worker is booked (reserveLocked), so that a gateway
// with many scripts, idle, does not wake once a second for each.
func (p *Pool) janitor() {
	tick := p.janitorTick
	defer tick.Stop()
	for {
		select {
		case <-p.ctx.Done():
			return
		case <-tick.C:
		}
		p.mu.Lock()
		p.retireLocked(time.Now())
		p.keepWarmLocked()
		if p.liveLocked() > 0 || p.cfg.MinWorkers > 0 && !p.quiet {
			p.mu.Unlock()
			continue
		}
		if !tick.Park(&p.mu, p.ctx.Done()) {
			return
		}
	}
}

// retireLocked stops workers idle for IdleTimeout, least recently used
// first, while more than MinWorkers are running.
func (p *Pool) retireLocked(now time.Time) {
	if p.cfg.IdleTimeout <= 0 || p.closed {
		return
	}
	running := p.runningLocked()
	for i := 0; i < len(p.idle) && running > p.cfg.MinWorkers; {
		w := p.idle[i]
		if w.active > 0 {
			i++ // a shared worker serving others
			continue
		}
		if now.Sub(w.lastUsed) < p.cfg.IdleTimeout {
			break // the rest were used more recently
		}
		p.idle = slices.Delete(p.idle, i, i+1)
		running--
		w.log.Debug("fastcgi worker idle; retiring")
		p.stopLocked(w)
	}
	p.notifyLocked()
}

// runningLocked counts workers that are starting or not being stopped.
func (p *Pool) runningLocked() int {
	n := p.starting
	for w := range p.workers {
		if w.state != stateStopping {
			n++
		}
	}
	return n
}

// keepWarmLocked starts workers in the background until MinWorkers run,
// unless the pool backs off after failures.
func (p *Pool) keepWarmLocked() {
	if p.closed || p.quiet {
		return
	}
	for p.runningLocked() < p.cfg.MinWorkers && p.liveLocked() < p.cfg.Workers {
		if p.backoffLocked() != nil {
			return
		}
		id := p.reserveLocked()
		p.warming++
		p.wg.Go(func() { _, _ = p.spawn(p.ctx, id, stateIdle, nil) })
	}
}

// UsedSince reports whether a worker of the pool may have run the script
// since t: one is starting, or serving a request, or has started or ended
// one at t or later. A worker that did none of that cannot have loaded a
// file that came to be at t (a Perl library). Workers being stopped do
// not count: they serve nothing more.
func (p *Pool) UsedSince(t time.Time) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.starting > 0 {
		return true
	}
	for w := range p.workers {
		if w.state != stateStopping && (w.active > 0 || !w.started.Before(t) || !w.lastUsed.Before(t)) {
			return true
		}
	}
	return false
}

// Quiesce readies the pool for its end while requests still come (the
// grace of a shutdown): its idle workers are stopped now, so that their
// stop grace runs while requests finish rather than after them, none is
// started to keep MinWorkers warm, and a worker left idle while no
// request waits for one is stopped then. Requests are served as before,
// a worker started for one that needs it. Close still ends the pool.
func (p *Pool) Quiesce() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed || p.quiet {
		return
	}
	p.quiet = true
	for i := 0; i < len(p.idle); {
		w := p.idle[i]
		if w.active > 0 {
			i++ // a shared worker serving others
			continue
		}
		p.idle = slices.Delete(p.idle, i, i+1)
		p.stopLocked(w)
	}
	p.notifyLocked()
}

// nobodyWaitsLocked reports whether no request waits for a worker: none
// in the queue for a slot, and none holding a slot that waits in get for
// a start to end or a worker to come back, whose worker a quiesced pool
// would else stop under it, and then start another for it.
func (p *Pool) nobodyWaitsLocked() bool {
	return p.lim.Waiting() == 0 && p.warmWaiters == 0 && p.getWaiters == 0
}

// stop stops a worker: SIGTERM, then SIGKILL after StopGrace, or at once
// when Hurry closes.
func (p *Pool) stop(w *worker) { w.Stop(p.cfg.StopGrace, p.cfg.Hurry) }

// stopLocked marks w stopping, out of every request's reach, and stops it
// in the background.
func (p *Pool) stopLocked(w *worker) {
	w.state = stateStopping
	p.wg.Go(func() { p.stop(w) })
}

// Close stops the pool: Do fails with ErrPoolClosed from now on, in-flight
// requests may finish for up to DrainTimeout, then every worker is stopped
// (SIGTERM, StopGrace, SIGKILL to its group) and the socket directory
// removed. It blocks until all of that is done, and is idempotent.
func (p *Pool) Close() error {
	p.closeOnce.Do(p.close)
	return nil
}

func (p *Pool) close() {
	p.mu.Lock()
	p.closed = true
	p.notifyLocked()
	p.mu.Unlock()
	p.cancel() // janitor, queued requests, starts in progress

	deadline := time.NewTimer(p.cfg.DrainTimeout)
	defer deadline.Stop()
	drained := false
	for {
		p.mu.Lock()
		busy := 0
		for w := range p.workers {
			if w.active > 0 {
				busy++
			}
		}
		starting, ch := p.starting, p.changedLocked()
		p.mu.Unlock()
		if starting == 0 && (busy == 0 || drained) {
			break
		}
		select {
		case <-ch:
		case <-deadline.C:
			// Starts end quickly once cancelled; busy workers are
			// stopped below, failing their requests.
			drained = true
			p.log.WithField("busy", busy).Warn("fastcgi pool drain timed out; stopping busy workers")
		}
	}

	p.mu.Lock()
	all := make([]*worker, 0, len(p.workers))
	for w := range p.workers {
		w.state = stateStopping
		all = append(all, w)
	}
	p.idle = nil
	p.mu.Unlock()
	var wg sync.WaitGroup
	for _, w := range all {
		wg.Go(func() { p.stop(w) })
	}
	wg.Wait()
	p.wg.Wait()
	if err := os.RemoveAll(p.dir); err != nil {
		p.log.WithError(err).Warn("remove fastcgi socket directory")
	}
}

// Stats returns a snapshot of the pool.
func (p *Pool) Stats() PoolStats {
	p.mu.Lock()
	defer p.mu.Unlock()
	s := PoolStats{Spawns: p.spawns, Failures: p.failures, Waiting: p.lim.Waiting(), Starting: p.starting, Runner: p.runner}
	ws := make([]*worker, 0, len(p.workers))
	for w := range p.workers {
		ws = append(ws, w)
	}
	slices.SortFunc(ws, func(a, b *worker) int { return a.id - b.id })
	for _, w := range ws {
		s.Workers = append(s.Workers, WorkerStats{
			PID:      w.pid,
			Started:  w.started,
			Requests: w.requests,
			Busy:     w.active > 0,
			Active:   w.active,
			Capacity: w.capacity,
			LastUsed: w.lastUsed,
			Stopping: w.state == stateStopping,
		})
	}
	return s
}

// PoolResponse is the response of [Pool.Do]: an [io.ReadCloser] over the
// worker's FCGI_STDOUT. Read and Close are for one goroutine; Close must be
// called, and gives the worker back to the pool.
type PoolResponse struct {
	pool *Pool
	w    *worker
	conn *Conn
	resp *Response // &response
	ctx  context.Context
	// watch kills the worker (its worker party) and the conn (its conn
	// party, resp's) when ctx ends; response is resp, in the same
	// allocation.
	watch    ctxWatch
	response Response

	err       error // sticky read error
	first     bool  // the worker's first request (Pool.crashed)
	got       int64 // stdout bytes read
	complete  bool  // END_REQUEST(COMPLETE) seen
	finished  bool  // counted in the pool's finishing until Close
	disarmed  bool  // the worker party of watch was disarmed
	wasKilled bool  // the ctx kill fired before that
	closeOnce sync.Once
}

// disarm stops the ctx watch once the request is over and reports whether
// it had already killed the worker.
func (r *PoolResponse) disarm() bool {
	if !r.disarmed {
		r.disarmed = true
		if !r.watch.disarmWorker() {
			r.wasKilled = true
		}
	}
	return r.wasKilled
}

// PID returns the process id of the worker that served the request.
func (r *PoolResponse) PID() int { return r.w.pid }

// AppStatus returns the application's exit status from FCGI_END_REQUEST,
// once the body has been read to EOF.
func (r *PoolResponse) AppStatus() (int, bool) { return r.resp.AppStatus() }

// Ready reports whether a Read would return without waiting for the
// worker (see [Response.Ready]). It does not block.
func (r *PoolResponse) Ready() bool {
	return r.err != nil || r.resp.Ready()
}

// Waiting reports whether a Read would find something now (see
// [Response.Waiting]).
func (r *PoolResponse) Waiting() bool { return r.err != nil || r.resp.Waiting() }

// StdoutEnded reports whether the worker has ended the answer's stdout
// stream (see [Response.StdoutEnded]).
func (r *PoolResponse) StdoutEnded() bool { return r.resp.StdoutEnded() }

// Read reads the worker's FCGI_STDOUT. It returns io.EOF after the request
// completed. If the worker died mid-request the error matches ErrWorkerDied;
// if ctx ended (and the worker was killed), it matches ctx.Err().
func (r *PoolResponse) Read(p []byte) (int, error) { return r.read(p, false) }

// ReadStdout reads the worker's FCGI_STDOUT as Read does, but returns
// io.EOF as soon as the worker ends that stream, even if its request goes
// on (a script that closed its output and works on): the answer is whole.
// Call AwaitEnd before Close then, or Close takes the request for
// abandoned.
func (r *PoolResponse) ReadStdout(p []byte) (int, error) { return r.read(p, true) }

// read is Read, or ReadStdout when stdoutOnly.
func (r *PoolResponse) read(p []byte, stdoutOnly bool) (int, error) {
	if r.err != nil {
		return 0, r.err
	}
	n, err := r.resp.read(p, stdoutOnly)
	r.got += int64(n)
	if _, ended := r.resp.AppStatus(); err == io.EOF && !ended {
		// The stream's end; the request's is still to come, most often
		// a moment later.
		r.finishing()
		return n, io.EOF
	}
	if err != nil {
		r.setErr(err)
		err = r.err
	}
	return n, err
}

// AwaitEnd waits for the end of the request after its stdout stream: nil
// once the worker completed it; else the error Read would return (the
// worker died, ctx ended and the worker was killed, ...).
func (r *PoolResponse) AwaitEnd() error {
	if r.err == nil {
		r.setErr(cmp.Or(r.resp.AwaitEnd(), io.EOF))
	}
	if r.err == io.EOF {
		return nil
	}
	return r.err
}

// finishing counts the request in the pool's finishing, once: its worker
// has given its whole answer, and Close gives it back.
func (r *PoolResponse) finishing() {
	if r.finished {
		return
	}
	r.pool.mu.Lock()
	r.pool.finishing++
	r.pool.mu.Unlock()
	r.finished = true
}

// setErr records the stream's end, classifying a broken connection.
func (r *PoolResponse) setErr(err error) {
	switch {
	case err == io.EOF:
		r.complete = true
		r.err = io.EOF
		r.disarm()
		r.finishing()
	case r.ctx.Err() != nil:
		r.err = fmt.Errorf("worker %d: %w", r.w.pid, r.ctx.Err())
	case errors.Is(err, ErrOverloaded), errors.Is(err, ErrCantMpxConn), errors.Is(err, ErrUnknownRole):
		// The application refused the request and said so; it is alive.
		r.err = err
	case errors.Is(err, ErrBadRecord):
		r.err = fmt.Errorf("worker %d: %w", r.w.pid, err)
	default:
		r.err = fmt.Errorf("worker %d: %w: %w", r.w.pid, ErrWorkerDied, withExitStatus(r.w, err))
	}
}

// withExitStatus adds to err, the end of worker w's connection, how w
// died when its exit comes with it (a signal, an exit code), so that the
// request's reason says so, not only the worker's own log line. It waits
// for the exit at most exitStatusWait (a worker that closed its
// connection and lives on is left as it is).
func withExitStatus(w *worker, err error) error {
	t := time.NewTimer(exitStatusWait)
	defer t.Stop()
	select {
	case <-w.done:
		if w.waitErr != nil {
			return fmt.Errorf("%w (%v)", err, w.waitErr)
		}
	case <-t.C:
	}
	return err
}

// exitStatusWait bounds withExitStatus's wait.
const exitStatusWait = 100 * time.Millisecond

// Close ends the request and gives the worker back. A response not read to
// EOF (the caller gave up) costs the worker: it is killed and replaced, since
// the script may still be running. Close is idempotent.
func (r *PoolResponse) Close() error {
	r.closeOnce.Do(func() {
		ok := r.complete || errors.Is(r.err, ErrOverloaded) ||
			errors.Is(r.err, ErrCantMpxConn) || errors.Is(r.err, ErrUnknownRole)
		if r.disarm() {
			ok = false
		}
		if !ok && r.w.capacity == 1 {
			// Kill before closing the response, so Close does not wait
			// on a drain the script may never finish. (A shared worker
			// keeps running: the connection is closed below.)
			r.pool.kill(r.w)
		}
		r.resp.Close()
		// A connection the application closed (no FCGI_KEEP_CONN) or
		// left in doubt is not kept: the next request dials anew.
		if ok && r.conn.PeerClosed() {
			r.w.closesConns(false)
		}
		r.w.putConn(r.conn, ok && r.conn.Reusable())
		r.pool.answered(r)
		r.pool.release(r.w, ok, r.finished)
		if r.first && errors.Is(r.err, ErrWorkerDied) {
			cause := r.err
			if u, ok := r.err.(interface{ Unwrap() []error }); ok && len(u.Unwrap()) == 2 {
				cause = u.Unwrap()[1] // (not "worker N: worker died" again)
			}
			r.pool.crashed(r.w, cause)
		}
		r.pool.lim.Release()
	})
	return nil
}

// errBodyRetired is what a request body reader from an abandoned attempt
// gets: the body now belongs to the retry.
var errBodyRetired = errors.New("fastcgi: request body taken by a retry")

// replayBody lets Do tell whether a request may be sent again after a stale
// connection: it may if its body was never read, or if the body is an
// [io.Seeker] that goes back to where it started. Each attempt reads through
// its own view, so a stray copier of a failed attempt cannot steal bytes.
type replayBody struct {
	r io.Reader

	mu      sync.Mutex
	gen     int   // current attempt; views of older ones are refused
	touched bool  // the current attempt read from r
	busy    bool  // a Read of r is in progress
	start   int64 // offset of r when first read, if it is a Seeker
	seeked  bool  // start is valid
}

// view returns the body reader for the current attempt.
func (b *replayBody) view() io.Reader {
	b.mu.Lock()
	defer b.mu.Unlock()
	return &bodyView{b: b, gen: b.gen}
}

type bodyView struct {
	b   *replayBody
	gen int
}

func (v *bodyView) Read(p []byte) (int, error) {
	b := v.b
	b.mu.Lock()
	if v.gen != b.gen {
		b.mu.Unlock()
		return 0, errBodyRetired
	}
	if !b.touched && !b.seeked {
		if s, ok := b.r.(io.Seeker); ok {
			if off, err := s.Seek(0, io.SeekCurrent); err == nil {
				b.start, b.seeked = off, true
			}
		}
	}
	b.touched, b.busy = true, true
	b.mu.Unlock()
	n, err := b.r.Read(p)
	b.mu.Lock()
	b.busy = false
	b.mu.Unlock()
	return n, err
}

// rewind retires the current attempt's view and reports whether the body
// can be sent again from its start.
func (b *replayBody) rewind() bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.gen++
	if !b.touched {
		return true
	}
	if b.busy || !b.seeked {
		return false
	}
	if _, err := b.r.(io.Seeker).Seek(b.start, io.SeekStart); err != nil {
		return false
	}
	b.touched = false
	return true
}
