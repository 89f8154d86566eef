// fcgi.go runs requests on FastCGI worker pools (C21, C22): one pool per
// script and version, replaced when the script or its settings change (C31).

package gateway

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/menshen/menshen/cgi"
	"github.com/menshen/menshen/fastcgi"
	"github.com/sirupsen/logrus"
)

// poolEntry is the pool of one version of one script, or the reason it has
// none (a script that cannot be made persistent).
type poolEntry struct {
	sig   poolVersion // a new one means a new pool
	sum   [32]byte    // the script's content when the pool was built (sameContent)
	class fastcgi.Class
	kind  string // "native", "perl" or "per-request", for status
	pool  *fastcgi.Pool
	// dir is the script's directory, symlinks resolved, when the pool
	// was built: the release its workers run in (dropMoved).
	dir string
	// fellBack is when a request of a Perl script was last served per
	// request while its pool backed off (UnixNano), for one log line a
	// second.
	fellBack atomic.Int64
}

// poolTable owns every FastCGI pool (STYLE §4: no global registries).
type poolTable struct {
	g  *Gateway
	mu sync.Mutex // guards entries, retiring and runner
	// entries by script key.
	entries map[string]*poolEntry
	// retiring holds, by script key, the pools retired and not yet
	// closed: their workers finish the requests they have, and the
	// status page lists them as stopping until they are gone.
	retiring map[string][]*fastcgi.Pool
	runner   string // path of the bundled Perl runner, written on first use
	closed   bool   // closeAll has run: no pool is made any more
	quiet    bool   // quiesce has run (a shutdown): pools are made quiesced
}

func newPoolTable(g *Gateway) *poolTable {
	return &poolTable{g: g, entries: map[string]*poolEntry{}, retiring: map[string][]*fastcgi.Pool{}}
}

// poolVersion is what a pool was built from: a version of the script's file
// and the settings of its pool. It is compared on every FastCGI request, so
// it is made without allocating.
type poolVersion struct {
	file     fileVersion
	settings string // settings.poolSig
}

// fileVersion identifies a version of a file: a rename-over or an edit
// changes it, which is how a changed script gets new workers (C31). The
// change time counts too: an edit in place that keeps the size and puts
// the modification time back (cp -p, install -p, touch -r) changes only
// that.
type fileVersion struct {
	dev, ino           uint64
	mtime, ctime, size int64
}

func fileVersionOf(fi os.FileInfo) fileVersion {
	v := fileVersion{mtime: fi.ModTime().UnixNano(), size: fi.Size()}
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		v.dev, v.ino = uint64(st.Dev), st.Ino
		v.ctime = st.Ctim.Nano()
	}
	return v
}

// poolSig is settingsSig, computed once per script for these settings
// (they never change; a reload builds new ones): it is on every FastCGI
// request's path.
func (s *settings) poolSig(key, file string) string {
	if v, ok := s.sigs.Load(key); ok {
		return v.(string)
	}
	v := settingsSig(s, key, file)
	s.sigs.Store(key, v)
	return v
}

// settingsSig is what of the settings a pool is built from.
func settingsSig(s *settings, key, file string) string {
	max, min := s.workersFor(key)
	w, _ := s.wrapperFor(file)
	return fmt.Sprintf("%s|%d|%d|%d|%s|%d|%d|%s|%s|%v|%s", s.isolationFor(key), max, min, s.scripts[key].capacity, s.idleTimeout, s.maxRequests, s.queue, s.path, strings.Join(s.envFor(key), "\x00"), w.command, strings.Join(w.args, "\x00"))
}

// perRequest tells whether the script of key, in fastcgi mode, was found
// to be served per request (its pool entry has no pool: a shell script, a
// Perl script that cannot persist). A script no request has reached in
// fastcgi mode yet has no entry: false.
func (t *poolTable) perRequest(key string) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	e := t.entries[key]
	return e != nil && e.pool == nil
}

// errLeftFastCGI says that the script of a request switched to cgi before
// the request got a pool: it runs as CGI instead.
var errLeftFastCGI = errors.New("gateway: script left fastcgi mode")

// entry returns the current pool entry of rt, creating it (and retiring a
// previous version) when needed.
func (t *poolTable) entry(s *settings, rt *route) (*poolEntry, error) {
	sig := poolVersion{fileVersionOf(rt.info), s.poolSig(rt.key, rt.file)}
	t.mu.Lock()
	defer t.mu.Unlock()
	// A request in flight when the shutdown began is served through its
	// grace, as in cgi mode (a body still arriving then, an upload during
	// a restart), a new pool made if need be: closeAll, at the end,
	// stops it with the rest. Once the grace is over, or the pools are
	// closed, none is.
	if t.closed || t.g.hard != nil && t.g.hard.Err() != nil {
		return nil, ErrShuttingDown
	}
	// Checked under t.mu, which drain (and sync) take after SetMode (and
	// Reload) have published the new mode (settings): a request that chose
	// fastcgi just before a switch to cgi either finds the mode switched
	// here, or builds a pool that the drain then retires; no pool
	// outlives the switch (C30, C32).
	if t.g.modeFor(t.g.settings.Load(), rt) != ModeFastCGI {
		return nil, errLeftFastCGI
	}
	old := t.entries[rt.key]
	if old != nil && old.sig == sig {
		return old, nil
	}
	if old != nil {
		// The request may have resolved its script, or loaded its
		// settings, before the change that built old: take the file and
		// settings as they are now, so that a late request never brings
		// an older version back and retires the newer pool (pools would
		// flap under load during a rename-over or a reload, C31, C32).
		s = t.g.settings.Load()
		if fi, err := os.Stat(rt.file); err == nil {
			fresh := *rt
			fresh.info = fi
			rt = &fresh
		}
		sig = poolVersion{fileVersionOf(rt.info), s.poolSig(rt.key, rt.file)}
		if old.sig == sig || old.sameContent(sig, rt.file) {
			return old, nil
		}
	}
	e, err := t.build(s, rt, sig)
	if err != nil {
		return nil, err
	}
	e.dir, _ = filepath.EvalSymlinks(filepath.Dir(rt.file))
	t.entries[rt.key] = e
	if old != nil {
		t.retire(rt.key, old, "script or settings changed")
	}
	return e, nil
}

// phpCaches are php-cgi's caches that outlive a request in a persistent
// worker, and the settings that make it look at the files again on every
// request, as a php-cgi started per request (cgi mode) does: opcache
// checks a file's time only every 2 s (an edited include was served stale
// for that long), and the realpath cache keeps a link's old target for
// 120 s (a deploy that switches `current -> releases/r2` was not seen for
// up to two minutes). realpath_cache_ttl=0 would not do: 0 is "never
// expires"; a size of 0 turns the cache off.
var phpCaches = []string{"opcache.revalidate_freq=0", "realpath_cache_size=0"}

// isPHP reports whether a wrapper's command is PHP's (php-cgi,
// php-cgi8.2, php8.2-cgi).
func isPHP(command string) bool {
	return strings.HasPrefix(filepath.Base(command), "php")
}

// phpFollowsEdits puts phpCaches' settings (-d, which wins over php.ini)
// before a php-cgi worker's configured args, each unless the args set it.
func phpFollowsEdits(args []string) []string {
	var out []string
	for _, set := range phpCaches {
		name, _, _ := strings.Cut(set, "=")
		if !slices.ContainsFunc(args, func(a string) bool { return strings.Contains(a, name+"=") }) {
			out = append(out, "-d", set)
		}
	}
	return append(out, args...)
}

// build classifies the script and starts its pool (lazily: workers start
// on the first request unless min-workers says otherwise).
func (t *poolTable) build(s *settings, rt *route, sig poolVersion) (*poolEntry, error) {
	g := t.g
	e := &poolEntry{sig: sig}
	if rt.info.Size() <= maxSummed {
		if data, err := os.ReadFile(rt.file); err == nil {
			e.sum = sha256.Sum256(data)
		}
	}
	env := []string{"PATH=" + s.path}
	var path string
	var args []string
	if w, ok := s.wrapperFor(rt.file); ok {
		// Native FastCGI through a wrapper (mod_fcgid FcgidWrapper), e.g.
		// php-cgi: it reads the script from SCRIPT_FILENAME.
		e.kind = "native"
		path, args = w.command, w.args
		if args != nil {
			args = wrapperArgs(w, rt.exec)
		}
		if isPHP(w.command) {
			args = phpFollowsEdits(args)
		}
		// php-cgi's defaults, before the configured env so that [env] can
		// say otherwise: with PHP_FCGI_CHILDREN=N the worker forks N
		// children and declares FCGI_MAX_CONNS=N, and the pool sends it
		// up to N requests at once.
		env = append(env, "PHP_FCGI_CHILDREN=0", "PHP_FCGI_MAX_REQUESTS="+strconv.Itoa(s.maxRequests))
	} else {
		c, err := classify(rt.exec)
		if err != nil {
			return nil, fmt.Errorf("%w: %w", ErrStartScript, err)
		}
		e.class = c
		switch c.Kind {
		case fastcgi.KindNative:
			e.kind = "native"
			path = rt.exec
		case fastcgi.KindPerl:
			e.kind = "perl"
			runner, err := t.runnerPath()
			if err != nil {
				return nil, err
			}
			path, args = fastcgi.RunnerArgs(runner, c, rt.exec, s.isolationFor(rt.key))
		default:
			e.kind = "per-request"
			g.log.WithFields(logrus.Fields{"script": rt.key, "reason": c.Reason}).Info("cannot be made persistent: served per request in fastcgi mode")
			return e, nil
		}
	}
	env = append(env, s.envFor(rt.key)...)
	mostWorkers, warmWorkers := s.workersFor(rt.key)
	key := rt.key
	// (Only the bundled runner names the files it loaded; the same line
	// from a native program, or a child it started, is not taken.)
	var onLibraries func([]fastcgi.Library)
	if e.kind == "perl" {
		onLibraries = g.onLibraries
	}
	p, err := fastcgi.NewPool(fastcgi.PoolConfig{
		Name:        rt.key,
		Path:        path,
		Args:        args,
		Dir:         filepath.Dir(rt.file),
		Env:         env,
		SocketDir:   g.tmpDir,
		Workers:     mostWorkers,
		MinWorkers:  warmWorkers,
		Capacity:    s.scripts[rt.key].capacity,
		IdleTimeout: s.idleTimeout,
		MaxRequests: s.maxRequests,
		Queue:       s.queue,
		// A retired pool (mode switch, edit, reload) lets its requests in
		// flight finish (C30, C31): each ends by its timeout at the latest.
		DrainTimeout: s.timeoutFor(rt.key) + writeGrace + time.Second,
		// A worker may take as long to start as a request may run, and
		// never less than the pool's default: a slow application (15 s
		// of preloading under --timeout 60s) must be able to come up;
		// its start goes on past a client that gave up (fastcgi's
		// spawnFor).
		StartTimeout:  max(s.timeoutFor(rt.key), fastcgi.DefaultStartTimeout),
		Logger:        g.log.WithFields(logrus.Fields{"script": rt.key, "mode": ModeFastCGI}),
		OnSpawn:       func() { g.stats.spawned(key, ModeFastCGI) }, // a total across pools (C40)
		OnLibraries:   onLibraries,
		BusyPoll:      g.cfg.busyPoll(),
		BusyPollSpare: g.load.workerSpare,
		Hurry:         g.timeUp.Done(),
	})
	if err != nil {
		return nil, fmt.Errorf("%w: pool for %q: %w", ErrStartScript, rt.key, err)
	}
	if t.quiet {
		p.Quiesce()
	}
	e.pool = p
	return e, nil
}

// runnerPath writes the bundled Perl runner to the private directory once.
// Callers hold t.mu.
func (t *poolTable) runnerPath() (string, error) {
	if t.runner != "" {
		return t.runner, nil
	}
	p := filepath.Join(t.g.tmpDir, "runner.pl")
	if err := os.WriteFile(p, fastcgi.RunnerScript(), 0o500); err != nil {
		return "", fmt.Errorf("write perl runner: %w", err)
	}
	t.runner = p
	return p, nil
}

// retire drains a pool in the background: requests in flight finish on the
// old workers, new ones already go to the new pool (C30, C31). Callers hold
// t.mu.
func (t *poolTable) retire(key string, e *poolEntry, why string) {
	if e.pool == nil {
		return
	}
	t.g.log.WithFields(logrus.Fields{"script": key, "reason": why}).Info("retiring FastCGI pool")
	t.retiring[key] = append(t.retiring[key], e.pool)
	t.g.wg.Add(1)
	go func() {
		defer t.g.wg.Done()
		_ = e.pool.Close()
		t.mu.Lock()
		defer t.mu.Unlock()
		rest := slices.DeleteFunc(t.retiring[key], func(p *fastcgi.Pool) bool { return p == e.pool })
		if len(rest) == 0 {
			delete(t.retiring, key)
		} else {
			t.retiring[key] = rest
		}
	}()
}

// drain retires the pools whose script key matches.
func (t *poolTable) drain(match func(string) bool, why string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	for k, e := range t.entries {
		if match(k) {
			delete(t.entries, k)
			t.retire(k, e, why)
		}
	}
}

// drainWhy retires the pool entries for which why, given the script key
// and the entry, names a reason ("": the entry stays). An entry without a
// pool (per request) is dropped: its next request classifies the script
// again.
func (t *poolTable) drainWhy(why func(key string, e *poolEntry) string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	for k, e := range t.entries {
		if reason := why(k, e); reason != "" {
			delete(t.entries, k)
			t.retire(k, e, reason)
		}
	}
}

// dropMoved retires the pools whose script's directory now leads to
// another directory than their workers run in: a symlink on the way was
// switched (a deploy's `current -> releases/r2`, a symlinked subdirectory,
// and back). A release made with hard links has the very same script
// files, so the pool's version alone does not see it.
func (t *poolTable) dropMoved(s *settings) {
	t.mu.Lock()
	defer t.mu.Unlock()
	for k, e := range t.entries {
		if e.pool == nil || e.dir == "" {
			continue
		}
		m, _, file := s.keyFile(k)
		if m == nil {
			continue
		}
		if now, err := filepath.EvalSymlinks(filepath.Dir(file)); err == nil && now != e.dir {
			delete(t.entries, k)
			t.retire(k, e, "its directory now leads to "+now+" (a symlink switched)")
		}
	}
}

// sync retires pools whose settings a reload changed; they are rebuilt on
// their next request.
func (t *poolTable) sync(s *settings) {
	t.mu.Lock()
	defer t.mu.Unlock()
	for k, e := range t.entries {
		rt := s.keyRoute(k)
		if rt.mount == nil {
			continue
		}
		if s.ownerMount(k) == nil {
			// A script of a mount the config no longer has.
			delete(t.entries, k)
			t.retire(k, e, "its mount left the config")
			continue
		}
		if t.g.modeFor(s, rt) != ModeFastCGI {
			delete(t.entries, k)
			t.retire(k, e, "config switched the script to cgi")
			continue
		}
		if e.sig.settings != s.poolSig(k, rt.file) {
			delete(t.entries, k)
			t.retire(k, e, "config changed")
		}
	}
}

// quiesce readies every pool for the shutdown (fastcgi.Pool.Quiesce: idle
// workers stop now, the others once their requests end), and those made
// from now on for the requests still in flight.
func (t *poolTable) quiesce() {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.quiet = true
	for _, e := range t.entries {
		if e.pool != nil {
			e.pool.Quiesce()
		}
	}
}

// closeAll stops every pool and waits for them (shutdown).
func (t *poolTable) closeAll() {
	t.mu.Lock()
	t.closed = true
	var wg sync.WaitGroup
	for k, e := range t.entries {
		delete(t.entries, k)
		if e.pool != nil {
			wg.Go(func() { _ = e.pool.Close() })
		}
	}
	t.mu.Unlock()
	wg.Wait()
}

// describe fills the FastCGI part of a status row.
func (t *poolTable) describe(s *settings, rt *route, ss *ScriptStatus) {
	t.mu.Lock()
	e := t.entries[rt.key]
	retiring := slices.Clone(t.retiring[rt.key])
	t.mu.Unlock()
	if e != nil {
		ss.Kind = e.kind
		ss.Reason = e.class.Reason
		if e.pool != nil {
			st := e.pool.Stats()
			ss.Queue, ss.Starting = st.Waiting, st.Starting
			ss.Runs, ss.RunsReason = st.Runner.Isolation, st.Runner.Reason
			for _, w := range st.Workers {
				ss.Workers = append(ss.Workers, workerStatus(w, false))
			}
		}
	}
	// The workers of retired pools (a mode switch, an edit) still finish
	// their requests: alive, they are listed, as stopping.
	for _, p := range retiring {
		for _, w := range p.Stats().Workers {
			ss.Workers = append(ss.Workers, workerStatus(w, true))
		}
	}
}

// workerStatus is a worker's row of /status.json; one of a retired pool
// is stopping, whatever it does.
func workerStatus(w fastcgi.WorkerStats, retired bool) WorkerStatus {
	state := "idle"
	switch {
	case retired || w.Stopping:
		state = "stopping"
	case w.Busy:
		state = "busy"
	}
	return WorkerStatus{PID: w.PID, Started: w.Started, Requests: w.Requests, Busy: w.Busy, Active: w.Active, Capacity: w.Capacity, State: state}
}

func (g *Gateway) drainPools(match func(string) bool) {
	g.pools.drain(match, "mode switched to cgi")
}

// fcgiExec adapts a pool response to execution.
type fcgiExec struct {
	resp *fastcgi.PoolResponse
	once sync.Once // finish runs once: a spool's fill may call it too
	err  error     // what finish returned
}

// stdout ends with the worker's FCGI_STDOUT stream, not with the request:
// a script that closes its output and works on has its answer completed
// then, as in cgi mode (C8); finish waits for the rest of the request.
func (e *fcgiExec) stdout() io.Reader          { return e }
func (e *fcgiExec) Read(p []byte) (int, error) { return e.resp.ReadStdout(p) }
func (e *fcgiExec) pid() int                   { return e.resp.PID() }
func (e *fcgiExec) ready() bool                { return e.resp.Ready() }
func (e *fcgiExec) outputEnded() bool          { return e.resp.StdoutEnded() }
func (e *fcgiExec) finish(abort bool) error {
	e.once.Do(func() {
		if !abort {
			e.err = e.resp.AwaitEnd()
		}
		e.resp.Close()
		if code, ok := e.resp.AppStatus(); ok && code != 0 && e.err == nil {
			e.err = fmt.Errorf("exit status %d", code)
		}
	})
	return e.err
}

// maxPoolClosedRetries bounds how many pools a request tries when each is
// retired before the request gets a worker; then it runs as CGI.
const maxPoolClosedRetries = 4

// startFastCGI runs the request on the script's pool, or per request when
// the script cannot be made persistent.
//
// A pool retired (mode switch, script change, reload) between the lookup
// and the request's dispatch fails it with ErrPoolClosed before anything
// was sent (queued, waiting for a worker, or while its worker was still
// starting): such a request has not started anywhere, so it is dispatched
// again as a new request would be, in CGI mode if its script has left
// fastcgi meanwhile (C30: toggling fails no request, and no pool is built
// for a script no longer in fastcgi). A request that loses its pool again
// and again (a script rewritten faster than its workers start) runs as CGI
// rather than fail (C31).
func (g *Gateway) startFastCGI(ctx context.Context, r *http.Request, s *settings, rt *route, b *body, x *exchange) (execution, error) {
	for attempt := 0; ; attempt++ {
		e, err := g.pools.entry(s, rt)
		if errors.Is(err, errLeftFastCGI) {
			x.mode = ModeCGI
			return g.startCGI(ctx, r, s, rt, b, x)
		}
		if err != nil {
			return nil, err
		}
		if e.pool == nil {
			x.mode = ModeCGI
			return g.startCGI(ctx, r, s, rt, b, x)
		}
		p := g.cgiParams(s, rt, b, x)
		_, wrapped := s.wrapperFor(rt.file)
		if wrapped {
			p.Extra = append([]string{"REDIRECT_STATUS=200"}, p.Extra...)
		}
		errLog := x.newStderrLog(g, rt.key)
		bp := pairsPool.Get().(*[]byte)
		// The runner takes the variables as one environment block
		// (fastcgi.Request.EnvBlock), which it reads with one split.
		pairs, block := (*bp)[:0], false
		if e.kind == "perl" {
			pairs, block = encodeEnvBlock(pairs, r, p)
		}
		if !block {
			if pairs, err = encodePairs(pairs, r, p); err != nil {
				return nil, err
			}
		}
		if err := straddles(pairs, wrapped); err != nil {
			pairsPool.Put(bp)
			return nil, err
		}
		stdin := b.reader()
		resp, err := e.pool.Do(ctx, &fastcgi.Request{
			Pairs:    pairs,
			EnvBlock: block,
			Stdin:    stdin,
			Stderr:   errLog.line,
			Dequeued: x.queued,
			// The worker's pid is its stderr's from here (a retry on
			// another worker gives that one's).
			Worker: func(pid int) { x.pid, x.assigned = pid, time.Now(); errLog.setPID(pid) },
			// A native program (FCGI.pm, php-cgi) may end a request with
			// a body before it reads the body's end, which libfcgi then
			// takes for a protocol error on the kept connection (the
			// worker exits): such a request gets a connection of its
			// own. The runner reads every record of its request first.
			CloseConn: stdin != nil && e.kind != "perl",
			// A safe method may be sent again when a kept connection
			// leaves in doubt whether the worker began it.
			Idempotent: r.Method == http.MethodGet || r.Method == http.MethodHead,
			// The runner polls for the next request a moment when
			// processors are to spare, as the gateway does (busypoll.go).
			Linger: e.linger(g),
		})
		*bp = pairs[:0] // Do is done with them: sent, and retried if it was to be
		pairsPool.Put(bp)
		if err != nil {
			errLog.setPID(x.pid) // the worker's, if it got that far
		}
		if errors.Is(err, fastcgi.ErrPoolClosed) && ctx.Err() == nil {
			if attempt+1 < maxPoolClosedRetries {
				continue // retired between lookup and use: look up again
			}
			// The script keeps changing faster than its workers start
			// (every retirement abandons the starts in progress): serve
			// this request the way that always works.
			g.log.WithFields(logrus.Fields{"req": x.id, "script": rt.key}).Info("fastcgi pool retired again and again before the request got a worker; serving it as CGI")
			x.mode, x.pid = ModeCGI, 0
			return g.startCGI(ctx, r, s, rt, b, x)
		}
		if errors.Is(err, fastcgi.ErrBackingOff) && e.kind == "perl" && ctx.Err() == nil {
			// The runner's workers die on their first request (a script
			// that kills its process, a request that crashes the
			// interpreter), and none is live: the pool waits before it
			// starts another, and the request, sent to no worker, is
			// served the way that always works for a CGI script, with
			// the same answer (C23), rather than a 502 for the crashes
			// of others: one request that kills its worker must not make
			// every other request of the script fail meanwhile.
			if now := time.Now().UnixNano(); now-e.fellBack.Load() >= int64(time.Second) {
				e.fellBack.Store(now)
				g.log.WithError(err).WithFields(logrus.Fields{"req": x.id, "script": rt.key}).Warn("fastcgi workers of the script back off after dying on their first request; serving its requests per request meanwhile")
			}
			x.mode, x.pid = ModeCGI, 0
			return g.startCGI(ctx, r, s, rt, b, x)
		}
		if errors.Is(err, fastcgi.ErrQueueWait) {
			max, _ := s.workersFor(rt.key)
			return nil, queueWaitErr(ctx, err, fmt.Sprintf("all %d workers of the script busy (--workers)", max))
		}
		if path, ok := execFailed(err); ok {
			// The program cannot be run at all (its #! interpreter is
			// missing, it is no program): the script's fault, a 500 with
			// cgi mode's reason, as in cgi mode (C10, C23) and under
			// mod_fcgid; 502 stays for a worker that ran and failed.
			return nil, fmt.Errorf("%w: %w", ErrStartScript, explainExec(path, err))
		}
		if err != nil {
			return nil, err
		}
		errLog.setPID(resp.PID())
		return x.newFcgiExec(resp), nil
	}
}

// straddles refuses, for a wrapped program (php-cgi), params with a
// variable too long for one FCGI_PARAMS record: php-cgi reads each record
// on its own, and a variable cut in two kills the worker. Refused as
// lighttpd refuses it (the request target's variables: 414); FCGI.pm and
// the runner join such a pair, so their params are not scanned at all.
func straddles(pairs []byte, wrapped bool) error {
	if !wrapped {
		return nil
	}
	name, long := fastcgi.PairTooLong(pairs)
	if !long {
		return nil
	}
	switch name {
	case "QUERY_STRING", "REQUEST_URI", "PATH_INFO", "PATH_TRANSLATED", "SCRIPT_NAME":
		return fmt.Errorf("%w (%s)", ErrURITooLong, name)
	}
	return fmt.Errorf("%w (%s)", ErrHeaderTooLong, name)
}

// execFailed reports whether err is a worker start that failed at exec,
// and the program's path. (A function of its own: the error target
// escapes, and declared in the request's path it was an allocation for
// every request.)
func execFailed(err error) (string, bool) {
	if !errors.Is(err, fastcgi.ErrStartFailed) {
		return "", false
	}
	var pe *fs.PathError
	if errors.As(err, &pe) && pe.Op == "fork/exec" {
		return pe.Path, true
	}
	return "", false
}

// pairsPool holds buffers for the encoded FCGI_PARAMS of a request.
var pairsPool = sync.Pool{New: func() any { b := make([]byte, 0, 2048); return &b }}

// encodePairs appends the request's meta-variables to dst as FastCGI
// name-value pairs.
func encodePairs(dst []byte, r *http.Request, p *cgi.Params) ([]byte, error) {
	var err error
	cgi.EachEnv(r, p, func(k, v string) {
		if err == nil {
			dst, err = appendPair(dst, k, v)
		}
	})
	return dst, err
}

// encodeEnvBlock appends the request's meta-variables to dst as an
// environment block (fastcgi.StartEnvBlock). It reports false, with dst
// as it was, for variables that cannot be one (a NUL in a value).
func encodeEnvBlock(dst []byte, r *http.Request, p *cgi.Params) ([]byte, bool) {
	start := len(dst)
	dst = fastcgi.StartEnvBlock(dst)
	ok := true
	cgi.EachEnv(r, p, func(k, v string) {
		if ok {
			dst, ok = fastcgi.AppendEnvVar(dst, start, k, v)
		}
	})
	if ok {
		dst, ok = fastcgi.EndEnvBlock(dst, start)
	}
	if !ok {
		return dst[:start], false
	}
	return dst, true
}

// appendPair is fastcgi.AppendPair, the one-byte lengths of the common
// pair (name and value under 128 bytes: all but a long query string or
// cookie) written here, inlined in encodePairs' loop over a request's
// twenty-odd pairs.
func appendPair(dst []byte, k, v string) ([]byte, error) {
	if len(k) < 0x80 && len(v) < 0x80 {
		dst = append(dst, byte(len(k)), byte(len(v)))
		dst = append(dst, k...)
		return append(dst, v...), nil
	}
	return fastcgi.AppendPair(dst, k, v)
}

// stderrLog logs a request's stderr lines (a CGI script's stderr, a
// worker's FCGI_STDERR) with the pid (C9). Lines that come before the pid
// is known are held until then, a bounded number of them, in order. Its
// logger is made at the first line: most requests have none.
type stderrLog struct {
	g      *Gateway
	req    uint64
	script string
	// exited: the CGI script has been reaped. A later line is from a
	// background job that left its session and kept its stderr; it says
	// after=exit (its pid is the script's, which has ended).
	exited atomic.Bool
	mu     sync.Mutex
	log    logrus.FieldLogger // made at the first line
	after  bool               // log has after=exit
	pid    int64              // 0 until known
	set    bool
	held   [][]byte
}

// maxHeldStderr bounds the lines held while the pid is unknown: past it
// they are logged without it, the held ones first.
const maxHeldStderr = 64

func (l *stderrLog) line(b []byte) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if !l.set {
		if len(l.held) < maxHeldStderr {
			l.held = append(l.held, bytes.Clone(b))
			return
		}
		l.logHeld()
	}
	stderrLine(l.logger(), l.pid, b)
}

// logHeld logs the held lines with l.pid. l.mu is held.
func (l *stderrLog) logHeld() {
	for _, b := range l.held {
		stderrLine(l.logger(), l.pid, b)
	}
	l.held = nil
}

// logger returns the request's stderr logger. l.mu is held.
func (l *stderrLog) logger() logrus.FieldLogger {
	if l.log == nil {
		l.log = l.g.log.WithFields(logrus.Fields{"req": l.req, "script": l.script})
	}
	if !l.after && l.exited.Load() {
		l.after = true
		l.log = l.log.WithField("after", "exit")
	}
	return l.log
}

// setPID logs the held lines with pid (0: unknown, the request failed) and
// every later line directly.
func (l *stderrLog) setPID(pid int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.pid, l.set = int64(pid), true
	l.logHeld()
}

// fastcgiStatus maps the fastcgi package's errors (C22).
func fastcgiStatus(err error) (int, bool) {
	switch {
	case errors.Is(err, fastcgi.ErrOverloaded), errors.Is(err, fastcgi.ErrPoolClosed):
		return http.StatusServiceUnavailable, true
	case errors.Is(err, fastcgi.ErrWorkerDied), errors.Is(err, fastcgi.ErrConnClosed),
		errors.Is(err, fastcgi.ErrBadRecord), errors.Is(err, fastcgi.ErrStartFailed),
		errors.Is(err, fastcgi.ErrCantMpxConn), errors.Is(err, fastcgi.ErrUnknownRole):
		return http.StatusBadGateway, true
	}
	return 0, false
}

// prune retires the pools of scripts that are gone or changed on disk, so
// that old workers do not linger until the next request (C31).
func (t *poolTable) prune(s *settings) {
	t.mu.Lock()
	defer t.mu.Unlock()
	for k, e := range t.entries {
		rt, err := resolve(s.mounts, keyPath(s, k), s.isWrapped)
		why := "script removed"
		if err == nil {
			v := poolVersion{fileVersionOf(rt.info), e.sig.settings}
			if e.sig == v || e.sameContent(v, rt.file) {
				continue
			}
			why = "script changed"
		}
		delete(t.entries, k)
		t.retire(k, e, why)
	}
}

// sameContent reports whether sig differs from e's only in the file's
// change time while the file's content is what e was built from: a chmod,
// a hard link made or removed (backup tools), which change no code. e then
// takes sig as its own, so the file is read once per change. (The change
// time is in the version for an edit that keeps the size and puts the
// modification time back, cp -p: only the content tells those apart.)
// t.mu is held.
func (e *poolEntry) sameContent(sig poolVersion, file string) bool {
	a, b := e.sig, sig
	a.file.ctime, b.file.ctime = 0, 0
	if a != b || e.sum == ([32]byte{}) {
		return false
	}
	data, err := os.ReadFile(file)
	if err != nil || sha256.Sum256(data) != e.sum {
		return false
	}
	e.sig = sig
	return true
}

// maxSummed bounds the scripts whose content a pool keeps a sum of: a
// bigger file (a compiled FastCGI program) gets new workers on any change
// of its change time.
const maxSummed = 4 << 20

// keyPath returns the URL path of a script key.
func keyPath(s *settings, key string) string {
	m := s.mountFor(key)
	if m == nil || !m.main {
		return key
	}
	return m.prefix + key
}

// classify is [fastcgi.Classify], but a Perl script that menshen's user
// may not execute (another user's execute bit, a noexec mount) is served
// per request: the runner would run it with perl where the kernel
// refuses it to cgi mode, a 200 for a 500 (C23), and past the bits its
// owner set.
func classify(file string) (fastcgi.Class, error) {
	c, err := fastcgi.Classify(file)
	if err == nil && c.Kind == fastcgi.KindPerl {
		if why := noExecBy(file); why != "" {
			c.Kind, c.Reason = fastcgi.KindPerRequest, why
		}
	}
	return c, err
}
