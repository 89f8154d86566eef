// gateway.go is the Gateway's lifetime: build it from a Config, serve the
// public and admin listeners, reload, and shut down leaving no process
// behind (C33).

package gateway

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/menshen/menshen/cgi"
	"github.com/menshen/menshen/internal/http1"
	"github.com/sirupsen/logrus"
)

// Version is the gateway's version, set by the build.
var Version = "0.1.0-dev"

// ShutdownGrace is how long in-flight requests may take to finish after
// SIGTERM/SIGINT (C33).
const ShutdownGrace = 10 * time.Second

// Gateway serves scripts over HTTP. Build it with New, serve it with Run (or
// as an http.Handler in tests) and stop it with Close.
type Gateway struct {
	cfg Config
	// panicHook, when set (by a test), is called before each request is
	// served: a panic there stands for a bug of the gateway's
	// (serveGuarded).
	panicHook atomic.Pointer[func(*http.Request)]
	log       *logrus.Logger
	software  string
	tmpDir    string       // private: spooled bodies, the Perl runner, sockets
	tmpLock   *os.File     // flock held on tmpDir's lock file while the gateway lives (tmpdir.go)
	spool     spool        // the request bodies being read or held (body.go)
	answers   answerSpools // the answers set aside for slow clients (outspool.go)

	// classes caches, per script key, what a file version is for the
	// FastCGI mode (fastcgi.Classify) for the status of a script no
	// pool has seen yet (statusClass).
	classes sync.Map
	// events: when the watcher last saw each file name change, for a
	// request that finds its script missing (settle.go).
	events eventTimes
	// libNotes: the files the Perl runners loaded, for the watcher
	// (libwatch.go).
	libNotes libNotes

	// hard is Serve's base of every request context, cancelled when the
	// shutdown grace is over; nil when requests come by ServeHTTP alone.
	hard context.Context

	settings atomic.Pointer[settings]
	modes    atomic.Pointer[modeTable]
	modeMu   sync.Mutex // serializes writers of modes
	reloadMu sync.Mutex // serializes Reload
	// blankConfig: the config in force came from a blank file (or none);
	// guarded by reloadMu.
	blankConfig bool
	// configRead is the config file's content last read, by New or a
	// reload (taken or refused), as fileSum gives it: the watcher
	// reloads for a content no reload read yet, so that a SIGHUP after
	// an edit is one reload, not two. configRefused is the file's change
	// time (fileChanged) when the last reload refused it, else 0: the
	// same content is tried again once the file changes (a touch).
	// Guarded by reloadMu.
	configRead    [32]byte
	configRefused int64

	stats   *stats
	metrics *metrics
	pools   *poolTable
	// detached reads the stderr that background jobs of CGI scripts,
	// out of their session, keep after the script ends (cgi.Detached).
	detached cgi.Detached
	reqID    atomic.Uint64
	// deadlines times out the requests in flight (C10).
	deadlines deadlines
	// directLog: the logger has no hooks, so logAccess formats with
	// logFormat and writes to its Out itself; with accessFormat (the same
	// formatter) when it knows access lines.
	directLog    bool
	logFormat    logrus.Formatter
	accessFormat AccessFormatter

	inflight sync.WaitGroup
	load     *load // the requests being served, for busy polling
	closing  atomic.Bool
	closeMu  sync.Mutex
	closed   bool
	wg       sync.WaitGroup // background goroutines (watcher)
	cancel   context.CancelFunc
	ctx      context.Context
	// hurry ends when Abort is called: the shutdown grace is cut short.
	hurry context.Context
	abort context.CancelFunc
	// timeUp ends with the shutdown's grace (its 10 s, or Abort): a
	// worker still being stopped then gets SIGKILL at once, its own stop
	// grace cut short (fastcgi.PoolConfig.Hurry), so that the shutdown
	// ends with the grace.
	timeUp  context.Context
	stopNow context.CancelFunc
}

// New validates cfg, loads the config file and prepares the gateway. It
// starts no listener and no process. Configuration errors match ErrConfig.
func New(cfg Config) (*Gateway, error) {
	cfg = cfg.withDefaults()
	if cfg.Admin != "off" && !isLoopback(cfg.Admin) && cfg.AdminToken == "" {
		return nil, fmt.Errorf("%w: admin listener %q is not on loopback: set --admin-token", ErrConfig, cfg.Admin)
	}
	read := fileSum(cfg.ConfigFile) // (before it is read: a later edit is seen)
	s, err := loadSettings(cfg)
	if err != nil {
		return nil, err
	}
	tmp, lock, err := makePrivateDir()
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithCancel(context.Background())
	hurry, abort := context.WithCancel(context.Background())
	timeUp, stopNow := context.WithCancel(context.Background())
	g := &Gateway{
		hurry:    hurry,
		timeUp:   timeUp,
		stopNow:  stopNow,
		load:     newLoad(runtime.GOMAXPROCS(0)),
		libNotes: libNotes{ready: make(chan struct{}, 1)},
		abort:    abort,
		cfg:      cfg,
		log:      cfg.Logger,
		software: "menshen/" + Version,
		tmpDir:   tmp,
		tmpLock:  lock,
		stats:    newStats(),
		ctx:      ctx,
		cancel:   cancel,
	}
	g.blankConfig = isBlankConfig(cfg.ConfigFile)
	g.configRead = read
	g.directLog = len(cfg.Logger.Hooks) == 0 && !cfg.Logger.ReportCaller
	g.logFormat = cfg.Logger.Formatter
	if af, ok := g.logFormat.(AccessFormatter); ok && g.directLog {
		g.accessFormat = af
	}
	g.settings.Store(s)
	g.modes.Store(&modeTable{})
	g.metrics = newMetrics(g)
	g.pools = newPoolTable(g)
	return g, nil
}

// Start begins the background work that does not need a listener: watching
// the scripts and config file. Run calls it; tests that use the Gateway as
// an http.Handler call it themselves.
func (g *Gateway) Start() error {
	if err := g.startWatch(); err != nil {
		return err
	}
	g.warmPools()
	g.noteUnmatched(g.settings.Load())
	g.noteHtaccess(g.settings.Load())
	g.noteWrappers(nil, g.settings.Load())
	return nil
}

// noteWrappers logs what is wrong with the wrappers of s that old (the
// settings before a reload; nil at start) did not have as they are: a
// wrapper added by a live edit is warned about as one given at start.
func (g *Gateway) noteWrappers(old, s *settings) {
	for ext, w := range s.wrappers {
		if old != nil {
			if ow, ok := old.wrappers[ext]; ok && ow.command == w.command && slices.Equal(ow.args, w.args) {
				continue
			}
		}
		for _, msg := range wrapperWarnings(w) {
			g.log.WithField("config", g.cfg.ConfigFile).Warn(msg)
		}
	}
}

// noteHtaccess logs the Apache .htaccess files of the scripts directories
// at start: a tree moved from Apache keeps them, and the scripts they
// guarded would be open without a word (check lists them too).
func (g *Gateway) noteHtaccess(s *settings) {
	for _, m := range s.mounts {
		for _, f := range htaccessFiles(m) {
			g.log.WithField("file", f).Warn(htaccessWarning)
		}
	}
}

// noteUnmatched logs the [script."name"] tables that name no script: serve
// takes them (the script may come later, and then has its settings), but a
// mistyped name would else leave its timeout or mode unapplied without a
// word (check lists them too).
func (g *Gateway) noteUnmatched(s *settings) {
	for _, key := range unmatchedScripts(s) {
		g.log.WithFields(logrus.Fields{"config": g.cfg.ConfigFile, "script": key}).Warn("the config has settings for a script that does not exist (yet): they apply once it does")
	}
	for _, name := range strayEnvKeys(s.env) {
		g.log.WithField("config", g.cfg.ConfigFile).Warn(strayEnvWarning(name))
	}
}

// Run serves the public and admin listeners until ctx ends, then shuts down
// gracefully: stop accepting, let in-flight requests finish (ShutdownGrace),
// stop every worker. A value on reload re-reads the config file (SIGHUP).
func (g *Gateway) Run(ctx context.Context, reload <-chan os.Signal) error {
	ln, err := net.Listen("tcp", g.cfg.Listen)
	if err != nil {
		return fmt.Errorf("listen %q: %w", g.cfg.Listen, err)
	}
	var aln net.Listener
	if g.cfg.Admin != "off" {
		if aln, err = net.Listen("tcp", g.cfg.Admin); err != nil {
			ln.Close()
			return fmt.Errorf("admin listen %q: %w", g.cfg.Admin, err)
		}
	}
	return g.Serve(ctx, ln, aln, reload)
}

// Serve is Run on listeners the caller opened (aln may be nil).
func (g *Gateway) Serve(ctx context.Context, ln, aln net.Listener, reload <-chan os.Signal) error {
	if err := g.Start(); err != nil {
		ln.Close()
		if aln != nil {
			aln.Close()
		}
		return err
	}
	// Every request context derives from hard, cancelled when the grace
	// period is over: that kills the scripts of requests Shutdown cannot
	// end, hijacked NPH connections included (C33).
	hard, killAll := context.WithCancelCause(context.Background())
	defer killAll(nil)
	g.hard = hard // before any request: serve watches it
	// The cause tells the requests' logs why they ended (not "client gone").
	kill := func() { killAll(ErrShuttingDown) }
	srv := g.newPublicServer()
	srv.BaseContext = func(net.Listener) context.Context { return hard }
	errc := make(chan error, 2)
	g.log.WithFields(logrus.Fields{"listen": ln.Addr().String(), "scripts": g.cfg.Scripts, "prefix": g.cfg.Prefix, "mode": g.settings.Load().mode}).Info("menshen serving")
	if os.Geteuid() == 0 {
		// Apache refuses to serve as root; menshen does not switch users
		// (README), so the scripts get root's rights.
		g.log.Warn("running as root: every script runs as root too; run menshen as an unprivileged user")
	}
	go func() { errc <- srv.Serve(ln) }()
	var asrv *http.Server
	if aln != nil {
		asrv = g.newAdminServer()
		g.log.WithField("admin", aln.Addr().String()).Info("admin listening")
		go func() { errc <- asrv.Serve(aln) }()
	}
	var runErr error
loop:
	for {
		select {
		case <-ctx.Done():
			break loop
		case <-reload:
			if err := g.Reload(); err != nil {
				g.log.WithError(err).Error("reload failed; kept the previous config")
			}
		case err := <-errc:
			if !errors.Is(err, http.ErrServerClosed) {
				runErr = err
				break loop
			}
		}
	}
	g.log.Info("shutting down: waiting for requests in flight")
	g.closing.Store(true)
	sctx, cancel := context.WithTimeout(context.Background(), ShutdownGrace)
	defer cancel()
	stopHurry := context.AfterFunc(g.hurry, cancel) // Abort: a second signal
	defer stopHurry()
	// The workers no request needs stop now, and the others as their
	// requests end: a worker's stop grace (SIGTERM, then SIGKILL 3 s on)
	// runs while the requests finish, not after them. Whatever still runs
	// when the grace is over is killed then (timeUp).
	context.AfterFunc(sctx, g.stopNow)
	g.pools.quiesce()
	// The admin listener closes beside the public one, not before it: it
	// serves operators' short requests and gets adminGrace, then its
	// connections are closed. Waited for first, a stalled admin
	// connection (one byte sent, or a POST /mode whose body never came,
	// from anyone who can reach the port: the token is read after the
	// request) kept the public listener accepting for the whole grace.
	adminDone := make(chan struct{})
	go func() {
		defer close(adminDone)
		if asrv == nil {
			return
		}
		actx, acancel := context.WithTimeout(sctx, adminGrace)
		defer acancel()
		if asrv.Shutdown(actx) != nil {
			_ = asrv.Close()
		}
	}()
	if err := srv.Shutdown(sctx); err != nil {
		g.log.WithError(err).Warn("grace period over: closing remaining connections")
		// The requests' contexts end with ErrShuttingDown first, so that
		// their logs say so rather than "the client went away", and a
		// request whose answer had not started gets its 503 (with
		// Retry-After) before the connections close: a moment for the
		// handlers to write it.
		kill()
		wctx, wcancel := context.WithTimeout(context.Background(), answerGrace)
		g.waitInflight(wctx)
		wcancel()
		_ = srv.Close()
	}
	// Shutdown waits neither for hijacked (NPH) connections nor, after the
	// grace, for the handlers it abandoned: wait for every request, so that
	// no script outlives the gateway (C7, C33).
	if !g.waitInflight(sctx) {
		g.log.Warn("grace period over: killing the scripts still running")
		kill()
		wctx, wcancel := context.WithTimeout(context.Background(), 5*time.Second)
		if !g.waitInflight(wctx) {
			g.log.Error("requests still running 5s after their scripts were killed")
		}
		wcancel()
	}
	<-adminDone
	g.Close()
	g.log.Info("stopped")
	return runErr
}

// adminGrace is how long the admin listener's requests have to finish
// at shutdown.
const adminGrace = time.Second

// answerGrace is how long the requests stopped at the end of the shutdown
// grace have to write their 503 before their connections close.
const answerGrace = time.Second

// Abort cuts the shutdown grace short: the requests still running are
// stopped at once, as when the grace is over (a second SIGTERM or SIGINT).
// It may be called before or during shutdown, and more than once.
func (g *Gateway) Abort() { g.abort() }

// waitInflight waits until no request is being served or ctx ends, and
// reports whether the requests were all done. Call it only once no new
// request can arrive (sync.WaitGroup: no Add during Wait from zero).
func (g *Gateway) waitInflight(ctx context.Context) bool {
	done := make(chan struct{})
	go func() {
		g.inflight.Wait()
		close(done)
	}()
	select {
	case <-done:
		return true
	case <-ctx.Done():
		return false
	}
}

// The timeouts of both listeners keep slow clients from holding processes:
// the body is read in full before a script starts, so the read timeout
// bounds how long a client can make a slot wait. A body must also keep
// coming: bodyWait, and a second more for every bodyMinRate bytes (Apache's
// mod_reqtimeout, body=20,MinRate=500), so that a crowd dribbling bodies
// cannot hold connections and spooled bodies for minutes. A kept
// connection waits idleTimeout for its next request (Apache 5 s, nginx
// 75 s). A client that reads nothing of its answers for writeTimeout loses
// its connection (Apache's Timeout, nginx's send_timeout, both 60 s): the
// script's --timeout ends with the script, and the gateway's own answers
// (a 404) have none, so that a client pipelining requests it never reads
// held its connection for ever.
const (
	writeTimeout      = 60 * time.Second
	readHeaderTimeout = 10 * time.Second
	readTimeout       = 5 * time.Minute
	bodyWait          = 20 * time.Second
	bodyMinRate       = 500
	idleTimeout       = 15 * time.Second
	maxHeaderBytes    = 64 << 10
)

// newPublicServer returns the server of the public listener: our own
// HTTP/1 server (internal/http1). It answers as net/http would, a quarter
// faster on a fast FastCGI script.
func (g *Gateway) newPublicServer() *http1.Server {
	srv := &http1.Server{
		Handler:           g,
		ReadHeaderTimeout: readHeaderTimeout,
		ReadTimeout:       readTimeout,
		BodyWait:          bodyWait,
		BodyMinRate:       bodyMinRate,
		IdleTimeout:       idleTimeout,
		WriteTimeout:      writeTimeout,
		MaxHeaderBytes:    maxHeaderBytes,
		BusyPoll:          g.cfg.busyPoll(),
		ErrorLog: func(msg string, err error) {
			g.log.WithError(err).Error(msg)
		},
		// A request refused before routing (a smuggling shape, a bad
		// Host, a header block too large) is logged as every failed
		// request is (C10), and counted as one that reached no script,
		// so that probes are seen.
		Refused: func(remote string, code int, reason string) {
			g.stats.unrouted(code)
			g.log.WithFields(logrus.Fields{"status": code, "remote": remote, "reason": "http: " + reason}).Warn("request refused")
		},
	}
	srv.BusyPollSpare = func() bool { return g.load.clientSpare(srv.Conns()) }
	return srv
}

// newAdminServer returns the net/http server of the admin listener.
func (g *Gateway) newAdminServer() *http.Server {
	return &http.Server{
		Handler:           g.AdminHandler(),
		ReadHeaderTimeout: readHeaderTimeout,
		ReadTimeout:       readTimeout,
		// (Its answers are small: a client that does not read one
		// holds no more than a goroutine for this long.)
		WriteTimeout:   writeTimeout,
		IdleTimeout:    idleTimeout,
		MaxHeaderBytes: maxHeaderBytes,
	}
}

// Close stops the watcher and every worker pool, waiting for them, and
// removes the private directory. Requests still in flight get their
// processes killed. It is idempotent and blocking.
func (g *Gateway) Close() error {
	g.closeMu.Lock()
	defer g.closeMu.Unlock()
	if g.closed {
		return nil
	}
	g.closed = true
	g.closing.Store(true)
	g.cancel()
	g.wg.Wait()
	g.pools.closeAll()
	// Those jobs may run for days: their pipes are closed, not awaited.
	g.detached.Close()
	err := os.RemoveAll(g.tmpDir)
	g.tmpLock.Close()
	return err
}

// Reload re-reads the config file and applies it to new requests; on error
// the previous config stays in force (C32).
func (g *Gateway) Reload() error {
	return g.reload("config reloaded")
}

// reload builds the settings anew from the flags and the config file, and
// puts them in force; done is what the log says then.
func (g *Gateway) reload(done string) (err error) {
	g.reloadMu.Lock()
	defer g.reloadMu.Unlock()
	g.configRead = g.configSum()
	// A refused content is tried again when the file is written or
	// touched, the same content or not: what made it fail may be gone
	// (a mount's directory made since), and `touch` is how an operator
	// says so, as SIGHUP does.
	g.configRefused = 0
	defer func() {
		if err != nil {
			g.configRefused = fileChanged(g.cfg.ConfigFile)
		}
	}()
	// Empty is valid TOML, but a config that had settings and is now
	// empty is a save cut short (an editor's truncate, a full disk), not
	// a wish to drop every wrapper, mount and variable: refused, as a
	// missing file is. (One empty from the start stays valid.)
	blank := isBlankConfig(g.cfg.ConfigFile)
	if blank && !g.blankConfig {
		g.metrics.reloaded(false)
		return fmt.Errorf("config file %s is now empty (a save cut short?); a config meant to set nothing says so in a comment", g.cfg.ConfigFile)
	}
	s, err := loadSettings(g.cfg)
	if err != nil {
		g.metrics.reloaded(false)
		return err
	}
	g.blankConfig = blank
	// The CGI processes running and waiting are counted by the limiter
	// they took their slot from: a new one would start from zero, and
	// every reload would let another --max-procs of them run beside
	// those (C11). The one limiter takes the new bounds instead.
	old := g.settings.Load()
	s.procs = old.procs
	s.procs.SetMax(s.maxProcs)
	s.procs.SetQueue(s.queue)
	g.settings.Store(s)
	g.metrics.reloaded(true)
	changed := func(key string) bool { return old.keyMode(key) != s.keyMode(key) }
	if modesChanged(old, s) && g.clearModes(configEdited(g.cfg.ConfigFile), changed) {
		// The newest word wins: an edit of the file's modes after a
		// runtime switch must not be silently shadowed by it.
		g.log.WithField("config", g.cfg.ConfigFile).Warn("the config changed script modes: runtime mode switches (menshen mode, POST /mode) made before the edit cleared, of every script for a switch of all, else of the scripts whose mode it changed")
	}
	g.pools.sync(s)
	g.warmPools()
	g.noteUnmatched(s)
	g.noteWrappers(old, s)
	if g.cfg.ConfigFile == "" {
		g.log.Info(done + " (flags and scripts only: no --config)")
	} else {
		g.log.WithField("config", g.cfg.ConfigFile).Info(done)
	}
	return nil
}

// isBlankConfig reports whether the config file holds nothing but white
// space (or there is none to read).
func isBlankConfig(file string) bool {
	if file == "" {
		return true
	}
	b, err := os.ReadFile(file)
	return err == nil && len(bytes.TrimSpace(b)) == 0
}

// configEdited returns when the config file was last written or put in
// place, or zero if it cannot be told: its inode's change time, when later
// than its modification time. A deploy that keeps a file's old mtime
// (cp -p, rsync -a, tar x, install -p) still changes its ctime, which no
// program can set back: taken by the mtime alone, such a file looked older
// than the runtime switches made before it arrived, and they kept
// overriding what it said.
func configEdited(file string) time.Time {
	if file == "" {
		return time.Time{}
	}
	fi, err := os.Stat(file)
	if err != nil {
		return time.Time{}
	}
	t := fi.ModTime()
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		if c := time.Unix(st.Ctim.Unix()); c.After(t) {
			t = c
		}
	}
	return t
}

// modesChanged reports whether new sets another mode than old for what
// both serve: the default, a mount both have, a script's own. A mount
// added or removed changes no mode a runtime switch was made on (nor does
// a config caught half-written without one of its mounts).
func modesChanged(old, new *settings) bool {
	if old.mode != new.mode {
		return true
	}
	for _, m := range new.mounts {
		for _, o := range old.mounts {
			if o.prefix == m.prefix && o.mode != m.mode {
				return true
			}
		}
	}
	for k, sc := range new.scripts {
		if old.scripts[k].mode != sc.mode {
			return true
		}
	}
	for k, sc := range old.scripts {
		if _, ok := new.scripts[k]; !ok && sc.mode != "" {
			return true
		}
	}
	return false
}

func isLoopback(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
