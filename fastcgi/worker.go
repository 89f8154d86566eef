// worker.go: one FastCGI application process, listening on its own Unix
// socket handed to it as file descriptor 0 (C21), supervised until it exits.

package fastcgi

import (
	"context"
	"errors"
	"fmt"
	"golang.org/x/sys/unix"
	"io"
	"net"
	"os"
	"os/exec"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/menshen/menshen/internal/rawio"
	"github.com/menshen/menshen/internal/session"
	"github.com/sirupsen/logrus"
)

// maxLogLine bounds one logged line of a worker's stdout/stderr; longer lines
// are cut into pieces of this size, as FCGI_STDERR lines and a CGI
// script's stderr are.
const maxLogLine = maxStderrLine

// logDrainWait is how long cleanup waits for the output reader to reach EOF
// once the worker's group is gone. Only a process that left the group (setsid)
// can hold the pipe longer; then the read end is closed under it.
const logDrainWait = time.Second

// exitNoticeWait is how long a failed probe waits to learn whether the
// process has exited, to report its exit status rather than a socket error.
const exitNoticeWait = 500 * time.Millisecond

// workerConfig says how to start one worker.
type workerConfig struct {
	id   int    // sequence number within the pool, for logs
	name string // script name for logs (C9)
	path string
	args []string
	dir  string
	env  []string
	sock string // path of the listening socket to create
	log  logrus.FieldLogger
	// runnerLine, if set, is given each line the bundled Perl runner
	// writes about itself (runnerLogPrefix), after it is logged, with
	// the time the worker was started (before its fork: what it says
	// it loaded, it loaded after that).
	runnerLine func(line string, started time.Time)
	spin       *rawio.Spin // busy polling of its connections' reads; nil: none
	// noKeep, if set, is shared by the workers of one program: set once
	// one closed a connection after a request unasked (closesConns).
	noKeep *atomic.Bool
}

// worker is one FastCGI application process (mod_fcgid / lighttpd bin-path
// style): the gateway creates a listening Unix socket, starts the program in
// its own process group with that socket as fd 0 (FCGI_LISTENSOCK_FILENO),
// and talks to it over one kept connection.
//
// Exactly one goroutine (wait) reaps the process and closes done; everyone
// else selects on done. Stop and Kill are idempotent and block until the
// process is reaped and the socket file is removed.
type worker struct {
	gone    atomic.Bool // its process has exited (reaped or not): exited
	id      int
	name    string
	path    string
	sock    string
	sockIno uint64 // the listening socket's inode: what holds it (wait)
	pid     int
	started time.Time
	log     logrus.FieldLogger
	cmd     *exec.Cmd

	done    chan struct{} // closed by wait after the leader is reaped
	waitErr error         // the leader's exit status; written before done is closed

	// sigMu orders group signals with reaping: the group is signalled only
	// while reaped is false, that is while the leader is alive or a zombie,
	// so its pid (the pgid) cannot have been reused by another process.
	sigMu  sync.Mutex
	reaped bool

	out      *os.File      // read end of the stdout/stderr pipe
	outDone  chan struct{} // closed when logOutput ends
	outMu    sync.Mutex
	lastLine string // last line the process wrote to stderr/stdout; guarded by outMu
	cgiLine  string // its first line that is a CGI header field (cgiHeaderRE); guarded by outMu
	// serving is the Stderr of the last request a worker of capacity 1
	// was given, nil before its first and once it is being stopped;
	// guarded by outMu. What its output pipe brings goes there (see
	// serve).
	serving func(line []byte)

	runnerLine func(string, time.Time) // workerConfig.runnerLine
	spin       *rawio.Spin             // workerConfig.spin
	noKeep     *atomic.Bool            // workerConfig.noKeep
	closed     atomic.Int32            // connections the application closed after a request, unasked (closesConns)

	cleanOnce sync.Once

	connMu sync.Mutex
	conns  []keptConn // open connections, owned by a request or kept idle; guarded by connMu

	// capacity is how many requests the worker takes at once, each on a
	// connection of its own: what it declares as FCGI_MAX_CONNS and
	// FCGI_MAX_REQS (php-cgi with PHP_FCGI_CHILDREN=N says N), else 1.
	// Set by ready, read-only once the pool has registered the worker.
	capacity int

	// ctxKill is what the end of a request's context does to the worker
	// (a Pool's run): made once by the pool before the worker serves,
	// read-only from then on.
	ctxKill func()

	// Bookkeeping owned by the pool and guarded by the pool's mutex.
	state    workerState
	active   int   // requests it is serving now
	requests int64 // requests dispatched to this worker
	lastUsed time.Time
	recycle  bool // stop it once active drops to 0 (MaxRequests reached)
	// emptyFirst: its first request completed with no output at all (an
	// FCGI.pm loop that died in the request: FCGI.pm's destructor ends
	// the request as the process exits). With an exit in error, a crash
	// (Pool.crashedLocked).
	emptyFirst bool
}

// keptConn is one of a worker's open connections.
type keptConn struct {
	c    *Conn
	busy bool // a request owns it (getConn to putConn)
}

// MaxCapacity bounds what a worker's FCGI_MAX_CONNS (or the pool's
// Capacity) can make the pool send it at once.
const MaxCapacity = 64

// workerState is where a worker is in the pool's life cycle.
type workerState int

const (
	stateStarting workerState = iota // started, not yet answered the probe
	stateIdle                        // serving nothing, in the idle stack
	stateBusy                        // serving at least one request
	stateStopping                    // being stopped (retired, recycled, drained)
)

// startWorker creates the worker's listening socket and starts the process.
// It does not wait for the process to be ready; see ready.
func startWorker(cfg workerConfig) (*worker, error) {
	ln, err := net.ListenUnix("unix", &net.UnixAddr{Name: cfg.sock, Net: "unix"})
	if err != nil {
		return nil, fmt.Errorf("listen on %q: %w", cfg.sock, err)
	}
	// The socket file must outlive our copy of the listener: we close that
	// copy right after Start and remove the file in cleanup.
	ln.SetUnlinkOnClose(false)
	lf, err := ln.File()
	ln.Close()
	if err != nil {
		os.Remove(cfg.sock)
		return nil, fmt.Errorf("listen on %q: %w", cfg.sock, err)
	}
	var sockIno uint64
	if rc, err := lf.SyscallConn(); err == nil {
		_ = rc.Control(func(fd uintptr) {
			var st unix.Stat_t
			if unix.Fstat(int(fd), &st) == nil {
				sockIno = st.Ino
			}
		})
	}
	pr, pw, err := os.Pipe()
	if err != nil {
		lf.Close()
		os.Remove(cfg.sock)
		return nil, fmt.Errorf("create output pipe: %w", err)
	}

	cmd := exec.Command(cfg.path, cfg.args...)
	// The environment comes from the config alone (C4); a nil Env
	// would inherit the gateway's.
	cmd.Env = append([]string{}, cfg.env...)
	cmd.Dir = cfg.dir
	cmd.Stdin = lf // FCGI_LISTENSOCK_FILENO == STDIN_FILENO (spec §2.2)
	cmd.Stdout = pw
	cmd.Stderr = pw
	// Pdeathsig: a gateway that dies (SIGKILL, a crash) takes its
	// workers with it instead of leaving them blocked in accept for
	// good. (It is sent when the forking thread exits; Go keeps its
	// threads, as nothing here locks one.) A session of its own:
	// see wait.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Pdeathsig: syscall.SIGKILL}
	// ETXTBSY (a deploy writing the program): tried again for a
	// moment before it counts as a start failure, whose back-off
	// would fail requests for longer (session.Start).
	started := time.Now()
	cmd, err = session.Start(cmd)
	// The child holds its own copies now. Closing ours means that once the
	// worker's group is gone nobody listens: dials fail with ECONNREFUSED and
	// queued connections are reset instead of hanging.
	lf.Close()
	pw.Close()
	if err != nil {
		pr.Close()
		os.Remove(cfg.sock)
		return nil, err // names the program already: fork/exec PATH: ...
	}

	w := &worker{
		id:         cfg.id,
		name:       cfg.name,
		path:       cfg.path,
		sock:       cfg.sock,
		sockIno:    sockIno,
		pid:        cmd.Process.Pid,
		started:    started,
		cmd:        cmd,
		done:       make(chan struct{}),
		out:        pr,
		outDone:    make(chan struct{}),
		capacity:   1,
		runnerLine: cfg.runnerLine,
		spin:       cfg.spin,
		noKeep:     cfg.noKeep,
	}
	w.lastUsed = w.started
	w.log = cfg.log.WithFields(logrus.Fields{"script": cfg.name, "pid": w.pid, "worker": cfg.id})
	go w.logOutput() // exits at EOF, or when cleanup closes w.out
	go w.wait()      // exits when the leader is reaped
	return w, nil
}

// wait is the only goroutine that reaps the worker.
func (w *worker) wait() {
	// Watch for the leader's exit without reaping it (WNOWAIT): while it is a
	// zombie its pid, which is also the pgid, cannot be reused. Through a
	// pidfd and the runtime's poller: a blocking waitid held an OS thread
	// per live worker, and with a low process limit (ulimit -u, a
	// cgroup's pids.max) the runtime's next thread could not be made,
	// which Go cannot survive.
	session.WaitExit(w.pid)
	// From now on the pool hands it to nobody, though wait has work to do
	// before done closes (a /proc scan, at times).
	w.gone.Store(true)
	w.sigMu.Lock()
	// The leader is gone; whatever it left in its group (a forked child that
	// still holds the listening socket or the output pipe) goes with it, while
	// the pgid is still certainly ours; and so does what moved to a group
	// of its own (setpgid) but stayed in the worker's session, when it
	// still holds the worker's output (a /proc scan: not for every exit of
	// an application that ends after each request, whose replacement it
	// would delay).
	_ = syscall.Kill(-w.pid, syscall.SIGKILL)
	if w.outputHeld() {
		session.Kill(w.pid)
	}
	if w.sockIno != 0 && w.socketHeld() {
		// Its socket still listens: what holds it is the worker's own
		// child, left behind, which would accept on it for good and
		// outlive the gateway: in the session, in a group of its own
		// (setpgid); or outside it (a program that daemonized itself:
		// fork, setsid, the parent's exit).
		session.Kill(w.pid)
		if n := session.KillHolders(w.sockIno, w.pid); n > 0 {
			w.log.WithField("killed", n).Warn("fastcgi worker left a process holding its socket outside its session (did the program daemonize itself?): killed")
		}
	}
	w.waitErr = w.cmd.Wait()
	w.reaped = true
	w.sigMu.Unlock()
	close(w.done)
}

// socketHeld reports whether the worker's listening socket still listens
// after its leader exited and its group was killed: the group's
// processes, killed a moment ago, may hold it until they are gone, so it
// is looked at again for up to 50 ms before it counts (a worker with
// children, a process manager's, would otherwise cost a look through
// every process at each of its ends).
func (w *worker) socketHeld() bool {
	for i := 0; i < 10; i++ {
		if !session.Listening(w.sock) {
			return false
		}
		time.Sleep(5 * time.Millisecond)
	}
	return session.Listening(w.sock)
}

// signal sends sig to the worker's whole process group, unless the leader has
// already been reaped: after that the pgid may belong to another process
// group (for instance a newer worker's), so a late signal is dropped. The
// group's leftovers were killed by wait just before reaping.
func (w *worker) signal(sig syscall.Signal) {
	w.sigMu.Lock()
	defer w.sigMu.Unlock()
	if !w.reaped {
		_ = syscall.Kill(-w.pid, sig)
	}
}

// outputHeld reports whether something still holds the write end of the
// worker's output pipe.
func (w *worker) outputHeld() bool {
	rc, err := w.out.SyscallConn()
	if err != nil {
		return false
	}
	held := false
	_ = rc.Control(func(fd uintptr) { held = session.WritersLeft(int(fd)) })
	return held
}

// exited reports whether the worker's process has exited (reaped or not):
// gone, which wait sets before it closes done, so that a closed done
// always finds it set. (A look at done first, a select on every request's
// path three times, told nothing more.)
func (w *worker) exited() bool { return w.gone.Load() }

// waitEnd waits up to d for the worker's process to be reaped and reports
// whether it was, and whether it exited with status 0 (an end by design,
// not a crash nor a kill).
func (w *worker) waitEnd(d time.Duration) (ended, clean bool) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-w.done:
		return true, w.waitErr == nil
	case <-t.C:
		return false, false
	}
}

// Stop ends the worker gracefully: SIGTERM to its process group, up to grace
// for it to exit (or until hurry closes), then SIGKILL to the group. It
// blocks until the process is reaped and the socket file removed, and is
// idempotent and safe for concurrent use.
func (w *worker) Stop(grace time.Duration, hurry <-chan struct{}) {
	// What it says from now on (on SIGTERM) is its own.
	w.serve(nil)
	if !w.exited() {
		// Close the connections first: libfcgi (FCGI.pm) blocks in read
		// on a kept connection and shrugs SIGTERM off there, while in
		// accept it takes SIGTERM as "exit now".
		w.connMu.Lock()
		conns := w.conns
		w.conns = nil
		w.connMu.Unlock()
		for _, k := range conns {
			k.c.Close()
		}
		w.signal(syscall.SIGTERM)
		t := time.NewTimer(grace)
		poke := time.NewTicker(pokeAfter)
	wait:
		for {
			select {
			case <-w.done:
				break wait
			case <-poke.C:
				w.poke()
			case <-t.C:
				w.signal(syscall.SIGKILL)
				<-w.done
				break wait
			case <-hurry:
				w.signal(syscall.SIGKILL)
				<-w.done
				break wait
			}
		}
		t.Stop()
		poke.Stop()
	}
	w.cleanup()
}

// pokeAfter is how long Stop waits after SIGTERM before it connects to a
// worker that has not exited, and again between two such connections.
const pokeAfter = 100 * time.Millisecond

// poke connects to the worker's socket and hangs up. A worker that checks a
// "stop" flag and then blocks in accept can take SIGTERM in between (the
// Perl runner: its handler runs between Perl ops, so the signal only sets
// the flag and accept does not return): the connection wakes it, it reads
// the end of it and sees the flag. It does nothing to a worker that has
// exited or is busy. Stop pokes until the worker exits: one whose flag is
// set after the poke (a Go program's signal goroutine, not yet run on a
// loaded machine) takes the poke for a request and waits in accept again,
// and only the next poke ends it (TestPool_CloseWakesWorkerBlockedInAccept
// waited the whole grace so once, under -race in a full CI run).
func (w *worker) poke() {
	c, err := net.DialTimeout("unix", w.sock, pokeAfter)
	if err == nil {
		c.Close()
	}
}

// Kill ends the worker at once with SIGKILL to its process group. It blocks
// like Stop and is idempotent.
func (w *worker) Kill() {
	w.signal(syscall.SIGKILL)
	<-w.done
	w.cleanup()
}

// cleanup releases what the gateway holds for a reaped worker: the kept
// connection, the output pipe and the socket file. Concurrent callers block
// until the first one has finished.
func (w *worker) cleanup() {
	w.cleanOnce.Do(func() {
		w.connMu.Lock()
		w.conns = slices.DeleteFunc(w.conns, func(k keptConn) bool {
			if !k.busy {
				k.c.Close()
			}
			return !k.busy
		})
		w.connMu.Unlock()
		t := time.NewTimer(logDrainWait)
		select {
		case <-w.outDone:
		case <-t.C:
			w.out.Close() // unblocks logOutput's Read
			<-w.outDone
		}
		t.Stop()
		if err := os.Remove(w.sock); err != nil && !errors.Is(err, os.ErrNotExist) {
			w.log.WithError(err).Warn("remove worker socket")
		}
	})
}

// runnerLogPrefix starts the lines the bundled Perl runner writes about
// itself on its stderr.
const runnerLogPrefix = "menshen-runner: "

// partialLineWait is how long a worker's unfinished output line waits for
// its end before it is logged as it is: php-cgi's php://stderr, say, ends
// a request's last line without a newline, and it was glued to a later
// request's first line, logged seconds later.
const partialLineWait = 200 * time.Millisecond

// logOutput logs the worker's stdout and stderr line by line (C9): they are
// the process's own streams, not FCGI_STDERR, and never reach a client.
// They are cut as FCGI_STDERR is (lineSplitter): a line longer than
// maxLogLine is logged in pieces; an unfinished line, after
// partialLineWait without more output, and what is left of it then, when
// that is only its end, is no line of its own.
func (w *worker) logOutput() {
	defer close(w.outDone)
	defer w.out.Close()
	lines := lineSplitter{emit: w.logLine}
	buf := make([]byte, maxLogLine)
	for {
		var deadline time.Time
		if len(lines.buf) > 0 {
			deadline = time.Now().Add(partialLineWait)
		}
		_ = w.out.SetReadDeadline(deadline)
		n, err := w.out.Read(buf)
		lines.write(buf[:n])
		if err != nil {
			lines.flush()
		}
		if err != nil && !errors.Is(err, os.ErrDeadlineExceeded) {
			return
		}
	}
}

// serve makes stderr, a request's Stderr, receive what the worker's output
// pipe brings from now on (nil: the worker's own log), until the next
// request or the worker's stop. That is what the script's children wrote
// (system, backticks: they inherit the worker's stderr, not FCGI_STDERR),
// which then has its request id as in cgi mode. Not cleared when the
// request ends: a line its children wrote may still be in the pipe then
// (nothing orders the pipe with the connection, and looking costs a
// system call per request), and what a worker writes after a request (an
// FCGI.pm program after Finish) is its epilogue. (A worker that takes
// several requests at once cannot tell whose a line is: it is the
// worker's.)
func (w *worker) serve(stderr func(line []byte)) {
	w.outMu.Lock()
	w.serving = stderr
	w.outMu.Unlock()
}

// logLine logs one line of the worker's own output, without its end of
// line: as a line of the request it serves, if any (serve), else as the
// worker's.
func (w *worker) logLine(line []byte) {
	s := string(line)
	w.outMu.Lock()
	w.lastLine = s
	if w.cgiLine == "" && cgiHeaderRE.MatchString(s) {
		w.cgiLine = s
	}
	stderr := w.serving
	w.outMu.Unlock()
	if strings.HasPrefix(s, runnerLogPrefix) {
		// The bundled runner reporting a decision (isolation level, a
		// switch to perlrun): news, not trouble. The files it loaded
		// are detail.
		if strings.Contains(s, runnerLibsMarker) {
			w.log.Debug(s)
		} else {
			w.log.Info(s)
		}
		if w.runnerLine != nil {
			w.runnerLine(s, w.started)
		}
		return
	}
	if stderr != nil {
		stderr(line)
		return
	}
	w.log.Warn(s)
}

// exitReason describes why a worker ended, for start-failure errors: its
// exit status and the last line it wrote. It waits briefly for the output to
// be drained so that last line is there.
func (w *worker) exitReason() error {
	<-w.done
	t := time.NewTimer(logDrainWait)
	select {
	case <-w.outDone:
	case <-t.C:
	}
	t.Stop()
	err := w.waitErr
	if err == nil {
		err = errors.New("exited with status 0")
	}
	w.outMu.Lock()
	last, header := w.lastLine, w.cgiLine
	w.outMu.Unlock()
	if w.waitErr == nil && header != "" {
		// It answered as a CGI script does, to no request.
		return fmt.Errorf("%w: it wrote a CGI answer (%q) and %w", ErrNotFastCGI, header, err)
	}
	if last != "" {
		return fmt.Errorf("%w (last output %q)", err, last)
	}
	return err
}

// cgiHeaderRE matches the header line that every CGI answer has one of
// (RFC 3875 §6.2).
var cgiHeaderRE = regexp.MustCompile(`(?i)^(?:content-type|location|status)\s*:`)

// dial opens a new connection to the worker's socket.
func (w *worker) dial(ctx context.Context) (*Conn, error) {
	var d net.Dialer
	nc, err := d.DialContext(ctx, "unix", w.sock)
	if err != nil {
		return nil, err
	}
	c := NewConn(nc)
	c.rw.SetSpin(w.spin)
	return c, nil
}

// getConn returns a kept idle connection (kept true), dialling a new one
// when there is none (the last request left it unusable, this is the first, or the
// worker takes several requests at once). The caller owns it until
// putConn: meanwhile cleanup leaves it alone, so a reaped worker does not
// turn the caller's read error (a reset, say) into "use of closed network
// connection".
func (w *worker) getConn(ctx context.Context) (_ *Conn, kept bool, _ error) {
	var found *Conn
	var stale []*Conn
	w.connMu.Lock()
	for i := 0; i < len(w.conns) && found == nil; {
		c := w.conns[i].c
		switch {
		case w.conns[i].busy:
			i++
		case !c.Unchanged():
			// Closed by the application, or bytes came on it while it
			// waited: the last request's, sent late (the check when it
			// ended saw those that came at once). The next request
			// would read them as its answer: a client would get the
			// page of the one before, and every later one too.
			w.conns = slices.Delete(w.conns, i, i+1)
			stale = append(stale, c)
			if c.PeerClosed() {
				w.closesConns(false)
			}
		default:
			w.conns[i].busy = true
			found = c
		}
	}
	w.connMu.Unlock()
	for _, c := range stale {
		w.warnStray(c)
		c.Close()
	}
	if found != nil {
		return found, true, nil
	}
	c, err := w.dial(ctx)
	if err != nil {
		return nil, false, err
	}
	w.connMu.Lock()
	w.conns = append(w.conns, keptConn{c: c, busy: true})
	w.connMu.Unlock()
	return c, false, nil
}

// warnStray warns of a connection given up for bytes the worker sent
// after a request's end.
func (w *worker) warnStray(c *Conn) {
	if c.Stray() {
		w.log.Warn("the FastCGI worker sent records after its request had ended (FCGI_END_REQUEST): its connection is not used again, else the next request would take them for its answer")
	}
}

// closesConns notes that the application closed a connection after a
// request, unasked, while its process lived (alive: run saw it live on; else
// it takes a second close by the same process, as a program that exits
// after its own max-requests closes one, the once): one that closes after
// every request (Mojo's and Ruby's FastCGI servers), a process manager
// whose children end by design. The program's connections are not kept
// from then on: a kept one would take the next request in the moment
// before the application closes it, unread, and that request would go
// again only after run's look at whether the process ended (half a
// second), or fail if it is no GET.
func (w *worker) closesConns(alive bool) {
	if !alive && w.closed.Add(1) < 2 {
		return
	}
	if w.noKeep != nil && !w.noKeep.Swap(true) {
		w.log.Info("the FastCGI application closes its connection after a request: each request of this script gets a new one")
	}
}

// putConn gives back the connection from getConn. It stays the kept one if
// keep is true, the worker lives and its application keeps connections
// (closesConns); otherwise it is closed.
func (w *worker) putConn(c *Conn, keep bool) {
	w.warnStray(c)
	w.connMu.Lock()
	defer w.connMu.Unlock()
	for i := range w.conns {
		if w.conns[i].c == c {
			if keep && !w.exited() && (w.noKeep == nil || !w.noKeep.Load()) {
				w.conns[i].busy = false
				return
			}
			w.conns = slices.Delete(w.conns, i, i+1)
			break
		}
	}
	c.Close()
}

// errValuesFatal is the start failure of a worker that took the
// FCGI_GET_VALUES query whole and then exited without an answer.
var errValuesFatal = errors.New("fastcgi: worker ended on FCGI_GET_VALUES")

// ready waits until the worker answers an FCGI_GET_VALUES query on a fresh
// connection (spec §4.1), which proves it accepts connections and speaks
// FastCGI, and sets its capacity from the answer. It fails if the process
// exits first or timeout passes; with errValuesFatal when it read the
// query whole and then exited (Ruby's fcgi library without its C
// extension fails to encode its answer and dies). The connection is kept
// for the first request: a single-threaded application (libfcgi, php-cgi)
// serves one connection at a time. Without ask, no query is sent (the
// program's last worker died of it): the worker is taken as started, one
// request at a time, as Apache and nginx, which never ask, take it.
func (w *worker) ready(parent context.Context, timeout time.Duration, ask bool) error {
	if !ask {
		if w.exited() {
			return w.exitReason()
		}
		w.capacity = 1
		return nil
	}
	ctx, cancel := context.WithTimeout(parent, timeout)
	defer cancel()
	go func() { // exits when ready returns (cancel) or the worker exits
		select {
		case <-w.done:
			cancel()
		case <-ctx.Done():
		}
	}()
	c, _, err := w.getConn(ctx)
	if err == nil {
		vctx, vcancel := context.WithCancelCause(ctx)
		stop, watched := make(chan struct{}), make(chan struct{})
		go watchValues(c, vcancel, stop, watched)
		var vals map[string]string
		vals, err = c.GetValues(vctx, "FCGI_MAX_CONNS", "FCGI_MAX_REQS", "FCGI_MPXS_CONNS")
		close(stop)
		<-watched
		vcancel(nil)
		w.putConn(c, err == nil && c.Reusable())
		w.capacity = capacityFrom(vals)
		if err != nil && errors.Is(context.Cause(vctx), errValuesIgnored) && !w.exited() {
			w.valuesIgnored("read FCGI_GET_VALUES and did not answer")
			return nil
		}
	}
	if err == nil {
		return nil
	}
	if parent.Err() != nil {
		return parent.Err()
	}
	if errors.Is(ctx.Err(), context.DeadlineExceeded) && !w.exited() {
		return fmt.Errorf("no answer to FCGI_GET_VALUES within %s", timeout)
	}
	// A process that exits closes the connection a moment before wait
	// reaps it; give wait that moment so the reason is the exit status.
	t := time.NewTimer(exitNoticeWait)
	defer t.Stop()
	select {
	case <-w.done:
		if errors.Is(err, io.ErrUnexpectedEOF) {
			return fmt.Errorf("%w: %w", errValuesFatal, w.exitReason())
		}
		return w.exitReason()
	case <-t.C:
	}
	if errors.Is(err, ErrConnClosed) {
		// Alive, having closed the connection the query came on: a
		// program that takes records of requests only.
		w.valuesIgnored("closed the connection of FCGI_GET_VALUES")
		return nil
	}
	return err
}

// Apache, lighttpd, nginx and Caddy never send FCGI_GET_VALUES, and some
// FastCGI programs skip it (uWSGI's FastCGI reads past it) or close the
// connection it came on: the answer cannot be what proves them started.
// A query such a program has read (none of it waits unread on the
// socket, Conn.Unread) and not answered within valuesPatience is one it
// ignores: the worker is taken as started and given one request at a
// time (as those servers give it), or its configured capacity.
const (
	valuesPatience = time.Second
	valuesPoll     = 50 * time.Millisecond
)

var errValuesIgnored = errors.New("fastcgi: FCGI_GET_VALUES read and not answered")

// watchValues cancels the FCGI_GET_VALUES of c with errValuesIgnored
// once the worker has read it and not answered within valuesPatience; it
// ends, closing done, at that or when stop is closed (the query over).
func watchValues(c *Conn, cancel context.CancelCauseFunc, stop <-chan struct{}, done chan<- struct{}) {
	defer close(done)
	t := time.NewTicker(valuesPoll)
	defer t.Stop()
	start := time.Now()
	for {
		select {
		case <-stop:
			return
		case <-t.C:
		}
		if time.Since(start) >= valuesPatience && !c.Unread() {
			cancel(errValuesIgnored)
			return
		}
	}
}

// valuesIgnored logs that the worker did not answer FCGI_GET_VALUES, and
// why it is taken as started all the same.
func (w *worker) valuesIgnored(what string) {
	w.capacity = 1
	w.log.WithField("worker", w.id).Info("fastcgi worker " + what + ": taken as started, one request at a time (or its configured capacity)")
}

// capacityFrom reads how many requests at once a worker takes from its
// FCGI_GET_VALUES answer: the smaller of FCGI_MAX_CONNS and FCGI_MAX_REQS
// (each request gets its own connection: menshen never multiplexes, whatever
// FCGI_MPXS_CONNS says), 1 when neither is a positive number, at most
// MaxCapacity.
func capacityFrom(vals map[string]string) int {
	n := 0
	for _, name := range []string{"FCGI_MAX_CONNS", "FCGI_MAX_REQS"} {
		v, err := strconv.Atoi(vals[name])
		if err != nil || v < 1 {
			continue
		}
		if n == 0 || v < n {
			n = v
		}
	}
	return min(max(n, 1), MaxCapacity)
}
