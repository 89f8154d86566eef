// process.go starts one CGI script per request and guarantees that it ends:
// its own process group, streamed stdout, stderr line by line, and a group
// kill on timeout, disconnect or exit (C10, STYLE §4).

package cgi

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"time"

	"golang.org/x/sys/unix"

	"github.com/menshen/menshen/internal/ctxhook"
	"github.com/menshen/menshen/internal/rawio"
	"github.com/menshen/menshen/internal/session"
)

// MaxStderrLine bounds one logged stderr line; longer lines are split.
const MaxStderrLine = 8 << 10

// Cmd describes one script execution.
type Cmd struct {
	Path string   // program to run (the script itself, or a wrapper)
	Args []string // argv[1:]; never built from the query string (CVE-2012-1823)
	Dir  string   // working directory (C20: the script's directory)
	Env  []string // complete environment, from [Env]; never the gateway's
	// Stdin is the request body; nil means no body (the script reads EOF).
	// When it is an *os.File it is handed to the script directly.
	// Otherwise a goroutine copies it into a pipe, stopping when the
	// script exits; Close waits for that goroutine, so a Read on Stdin
	// must not block for ever (a spooled body, or a request body under
	// the server's read timeout).
	Stdin io.Reader
	// Stderr receives each stderr line without its newline (C9), lines
	// longer than MaxStderrLine in pieces; nil discards. It is called from
	// one goroutine at a time, never concurrently, and line is only valid
	// during the call. With Detached, it may be called after Close has
	// returned.
	Stderr func(line []byte)
	// Detached, if not nil, takes over the stderr pipe when a process
	// that left the script's session (setsid) still holds it once the
	// script is reaped, and reads it to its end: such a background job
	// lives on and has its lines logged, as under Apache. Without it the
	// pipe is closed, and the job's next write to stderr kills it
	// (SIGPIPE).
	Detached *Detached
}

// watchDelay is how long a script runs before a watcher follows its exit.
// lingerGrace is how long processes the script left in its group may keep
// running after the leader has exited before they are killed, so that one
// holding stdout cannot keep the response open (C10). stderrGrace bounds
// the wait, in Close, for stderr to reach EOF after the group is killed:
// only a process that left the group (setsid) can hold it longer.
const (
	lingerGrace = 500 * time.Millisecond
	watchDelay  = 100 * time.Millisecond
	stderrGrace = 250 * time.Millisecond
)

// Process is a running script. Read its output with Stdout, then call
// Close, from the goroutine that read it.
type Process struct {
	stdout *rawio.File // read with raw system calls (internal/rawio says why)
	errFD  int         // stderr read end (non-blocking), until watchT wraps it
	stderr *os.File    // errFD as a pollable file, once watchT fired; Close may set its deadline
	pid    int

	exited chan struct{} // closed when the leader has exited (not yet reaped)
	exitAt time.Time     // when watchExit saw it exit; written before exited is closed
	// closing is closed by Close: it ends watchExit's linger timer. It
	// and watchD are made by the watcher, for the watcher, before it
	// closes exited: Close reads them once exited is closed.
	closing chan struct{}
	watchT  *time.Timer // starts watchExit and the stderr reader unless Close comes first
	// stderrFn receives stderr lines. Scripts that end within watchDelay
	// (most) have their stderr read by Close, without a goroutine: the
	// pipe holds 64 KiB, and a script that fills it sooner waits at most
	// watchDelay for the reader.
	stderrFn func([]byte)
	detached *Detached     // Cmd.Detached
	watchD   chan struct{} // closed when watchExit has ended
	stderrD  chan struct{} // closed when the stderr reader has finished
	stdinD   chan struct{} // closed when the body copier has finished (noBody: none)
	ctxWatch ctxhook.Hook  // the ctx kill (ctxKill); Stop unregisters it (kill checks final itself)

	mu       sync.Mutex // guards final, killed and killedAt
	final    bool       // set by Close just before Wait: no signal after it
	killed   bool       // the gateway killed the running leader
	killedAt time.Time  // when, before the signal was sent

	closeOnce sync.Once
	closeErr  error

	// lazy is whether the watcher never started (stopWatch decides it, once).
	lazy, watchStopped bool
}

// ErrKilled reports that the script's group was killed by the gateway
// because its context ended (timeout or client gone) or Close was asked to
// abort it while it was still running.
var ErrKilled = errors.New("cgi: script killed")

// Start runs c in a new session and process group. The group (and what
// moved from it to another group of the session) is killed with SIGKILL
// when ctx ends; the caller maps ctx.Err() to an HTTP answer. Start returns
// an *exec.Error or *os.PathError-wrapping error if the program cannot be
// started (missing, not executable, bad interpreter), and ctx.Err() if ctx
// has already ended. Start does not modify c.
func Start(ctx context.Context, c *Cmd) (*Process, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("start %q: %w", c.Path, err)
	}
	outR, outW, err := stdoutPipe()
	if err != nil {
		return nil, fmt.Errorf("stdout pipe: %w", err)
	}
	errFD, errW, err := stderrPipe()
	if err != nil {
		outR.Close()
		unix.Close(outW)
		return nil, fmt.Errorf("stderr pipe: %w", err)
	}

	var stdin, inW *os.File
	switch in := c.Stdin.(type) {
	case nil:
		// A request without a body reads EOF: one /dev/null shared by all
		// (os/exec would open and close one per process).
		if dn, err := devNull(); err == nil {
			stdin = dn
		}
	case *os.File:
		stdin = in
	default:
		var inR *os.File
		inR, inW, err = os.Pipe()
		if err != nil {
			outR.Close()
			unix.Close(outW)
			unix.Close(errFD)
			unix.Close(errW)
			return nil, fmt.Errorf("stdin pipe: %w", err)
		}
		stdin = inR
		defer inR.Close()
	}

	// (ETXTBSY: tried again for a moment, see session.ForkExec.)
	pid, err := spawn(c, stdin, outW, errW)
	unix.Close(outW)
	unix.Close(errW)
	if err != nil {
		outR.Close()
		unix.Close(errFD)
		if inW != nil {
			inW.Close()
		}
		return nil, fmt.Errorf("start %q: %w", c.Path, err)
	}

	p := &Process{
		stdout:  rawio.NewFile(outR),
		errFD:   errFD,
		pid:     pid,
		exited:  make(chan struct{}),
		stderrD: make(chan struct{}),
		stdinD:  noBody,
	}
	// Most scripts are done long before this fires: Close then waits for
	// the leader itself and no watcher (pidfd, poller registration,
	// goroutine) is ever set up. Long runners get one.
	p.watchT = time.AfterFunc(watchDelay, func() {
		p.closing, p.watchD = make(chan struct{}), make(chan struct{})
		// A longer runner: read its stderr as it comes, through the
		// poller (the read end is non-blocking, so NewFile registers it).
		p.stderr = os.NewFile(uintptr(errFD), "stderr")
		go p.readStderr(rawio.NewFile(p.stderr), c.Stderr, p.stderrD)
		p.watchExit()
	})
	p.stderrFn, p.detached = c.Stderr, c.Detached
	if inW != nil {
		p.stdinD = make(chan struct{})
		go p.copyStdin(inW, c.Stdin)
	}
	// Kill the group when the request context ends before Close; no
	// goroutine waits for that unless it happens.
	p.ctxWatch = ctxhook.Register(ctx, (*ctxKill)(p))
	return p, nil
}

// scriptAttr is what every script starts with: a session of its own (so
// a group too, both of the script's pid), so that what moves to another
// group (setpgid) stays in it and is killed with the script
// (internal/session); Pdeathsig, so that a gateway that dies takes the
// script with it (see fastcgi's workers). Read only.
var scriptAttr = &syscall.SysProcAttr{Setsid: true, Pdeathsig: syscall.SIGKILL}

// spawn starts c as exec.Command(c.Path, c.Args...).Start() would with
// c's Dir and Env (nil: an empty environment, never the gateway's), stdin
// (nil for a nil c.Stdin: /dev/null), stdout and stderr as fds 0, 1 and
// 2, everything else closed on exec, and scriptAttr; and fails with the
// same errors: an *exec.Error for a bare name not found in PATH, os/exec's
// for a NUL in the environment, an *os.PathError ("fork/exec") from the
// start itself. It goes to syscall.ForkExec directly (session.ForkExec):
// os/exec's pidfd, finalizer, environment map and bookkeeping cost as
// much user CPU as the rest of Start, and Close reaps the pid itself.
func spawn(c *Cmd, stdin *os.File, stdout, stderr int) (int, error) {
	path := c.Path
	if filepath.Base(path) == path {
		// A bare name (a wrapper's "php-cgi") is looked up in the
		// gateway's PATH, as exec.Command does.
		lp, err := exec.LookPath(path)
		if err != nil {
			return 0, err
		}
		path = lp
	}
	if path == "" {
		return 0, errors.New("exec: no command")
	}
	if stdin == nil && c.Stdin == nil {
		// No shared /dev/null: one of its own, as os/exec would.
		f, err := os.Open(os.DevNull)
		if err != nil {
			return 0, err
		}
		defer f.Close()
		stdin = f
	}
	env, err := dedupEnv(c.Env)
	if err != nil {
		return 0, err
	}
	argv := make([]string, 1+len(c.Args))
	argv[0] = c.Path
	copy(argv[1:], c.Args)
	pid, err := session.ForkExec(path, argv, &syscall.ProcAttr{
		Dir:   c.Dir,
		Env:   env,
		Files: []uintptr{stdin.Fd(), uintptr(stdout), uintptr(stderr)},
		Sys:   scriptAttr,
	})
	runtime.KeepAlive(stdin) // its fd must stay open through the fork
	return pid, err
}

// dedupEnv returns env as os/exec passes it to a process: of a name given
// more than once only the last "NAME=value" is kept, in its place; an
// entry without '=' is kept as it is (os/exec's #52436) and an empty one
// dropped; an entry with a NUL is an error (os/exec's message, #56284).
// Most environments repeat no name and have no empty entry: env itself is
// returned then, without os/exec's map and copy.
func dedupEnv(env []string) ([]string, error) {
	if len(env) > 64 {
		return dedupEnvSlow(env) // (the search for repeats is quadratic)
	}
	// seen has a bit for each name's length and last byte: a name whose
	// bit is clear is new, and only one whose bit is set is looked for
	// among those before it.
	var seen [4]uint64
	clean := true
	for i, kv := range env {
		if strings.IndexByte(kv, 0) >= 0 {
			return dedupEnvSlow(env)
		}
		if !clean {
			continue
		}
		k, ok := envKey(kv)
		if kv == "" {
			clean = false
		}
		if !ok {
			continue
		}
		h := len(k) * 31
		if len(k) > 0 {
			h += int(k[len(k)-1])
		}
		h &= 255
		if seen[h>>6]&(1<<(h&63)) != 0 && seenKey(env[:i], k) {
			clean = false
		}
		seen[h>>6] |= 1 << (h & 63)
	}
	if clean {
		return env, nil
	}
	return dedupEnvSlow(env)
}

// envKey returns the name of the entry kv as os/exec's dedupEnv reads it,
// or false for an entry without '=' (which os/exec never merges).
func envKey(kv string) (string, bool) {
	i := strings.IndexByte(kv, '=')
	if i == 0 {
		// os/exec: a name with a leading '=' (seen on Windows) runs to
		// the next '=', or is empty.
		i = strings.IndexByte(kv[1:], '=') + 1
	}
	if i < 0 {
		return "", false
	}
	return kv[:i], true
}

// seenKey reports whether an entry of env has the name k.
func seenKey(env []string, k string) bool {
	for _, kv := range env {
		if len(kv) > len(k) && kv[len(k)] == '=' && kv[:len(k)] == k {
			if k2, ok := envKey(kv); ok && k2 == k {
				return true
			}
		}
	}
	return false
}

// dedupEnvSlow gives what os/exec gives a process for env: of the entries
// naming one variable, the last one, in its place; an entry without '='
// as it is, an empty one dropped; an entry with a NUL dropped, and the
// error os/exec returns for it.
func dedupEnvSlow(env []string) ([]string, error) {
	var err error
	last := make(map[string]int, len(env))
	for i, kv := range env {
		if strings.IndexByte(kv, 0) >= 0 {
			err = errEnvNUL
		} else if k, ok := envKey(kv); ok {
			last[k] = i
		}
	}
	out := make([]string, 0, len(last))
	for i, kv := range env {
		if kv == "" || strings.IndexByte(kv, 0) >= 0 {
			continue
		}
		if k, ok := envKey(kv); ok && last[k] != i {
			continue
		}
		out = append(out, kv)
	}
	return out, err
}

// errEnvNUL is os/exec's error for an environment entry with a NUL byte.
var errEnvNUL = errors.New("exec: environment variable contains NUL")

// PID returns the script's process id, which is also its process group id.
func (p *Process) PID() int { return p.pid }

// Stdout returns the script's standard output. Reads return what the script
// has written so far (no buffering here, C8) and io.EOF once every holder of
// the pipe has closed it: processes the script left in its group are killed
// lingerGrace after it exits, so they cannot hold the response open. Once
// ctx has ended, a pending or later Read fails with os.ErrDeadlineExceeded
// even if a process that left the group still holds the pipe.
func (p *Process) Stdout() io.Reader { return (*output)(p) }

// output is a Process's standard output as Stdout gives it.
type output Process

// Read is the pipe's, but for an end of the output read once the gateway
// has killed the running script: that end may be the kill's, not the
// script's (kill sets the deadline first, yet a read that had passed the
// deadline's check before it makes its system call after the signal), and
// it is reported as the deadline, never as a whole answer.
func (o *output) Read(b []byte) (int, error) {
	p := (*Process)(o)
	n, err := p.stdout.Read(b)
	if err == io.EOF && !p.KilledAt().IsZero() {
		return n, &fs.PathError{Op: "read", Path: p.stdout.Name(), Err: os.ErrDeadlineExceeded}
	}
	return n, err
}

// OutputReady reports whether a read of Stdout would return at once (more
// output, or its end) instead of waiting. A script that printed its answer
// and exited is at the end of its output: the caller can then give the
// client the whole answer in one write instead of flushing its first part.
func (p *Process) OutputReady() bool { return p.stdout.Ready() }

// stopWatch stops the watcher's timer, once, and reports whether the
// watcher never started: Close then reads stderr itself, and waits for
// nothing but the leader. Called by the goroutine that calls Close.
func (p *Process) stopWatch() bool {
	if !p.watchStopped {
		p.watchStopped = true
		p.lazy = p.watchT.Stop()
	}
	return p.lazy
}

// CloseWaits reports whether Close may have to wait before it returns (up
// to twice stderrGrace): the script ran long enough to have its stderr
// read as it comes, and that reader has not seen the end of stderr yet (a
// process that left the script's session, a daemon, may hold it). The
// caller gives the client what it has before calling Close then. Call it
// from the goroutine that calls Close, after the output has ended.
func (p *Process) CloseWaits() bool {
	if p.stopWatch() {
		return false
	}
	select {
	case <-p.stderrD:
		return false
	default:
		return true
	}
}

// Exited is closed when the script's leader process has exited.
func (p *Process) Exited() <-chan struct{} { return p.exited }

// KilledAt is when the gateway killed the running leader (its context
// ended: the timeout, the client gone), taken before the signal went: an
// end of its output read after it may be the kill's, not the script's.
// The zero time if it was not killed while it ran.
func (p *Process) KilledAt() time.Time {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.killedAt
}

// ExitedAt is when the leader was seen to have exited (by the watch that
// starts a moment after the start), or the zero time while it runs or
// was not watched yet.
func (p *Process) ExitedAt() time.Time {
	select {
	case <-p.exited:
		return p.exitAt
	default:
		return time.Time{}
	}
}

// Lingers reports whether the script's leader is still running d after
// the call (without reaping it): a script that closed its stdout and goes
// on working (the legacy "send the page, then clean up" idiom). Most have
// exited at once, which one waitid tells; one that is still closing down
// (its files are closed before it becomes a zombie) is waited for through
// a pidfd, for d at most.
func (p *Process) Lingers(d time.Duration) bool {
	if session.ExitedNow(p.pid) {
		return false
	}
	fd, err := unix.PidfdOpen(p.pid, 0)
	if err != nil {
		for end := time.Now().Add(d); time.Now().Before(end); time.Sleep(time.Millisecond) {
			if session.ExitedNow(p.pid) {
				return false
			}
		}
		return true
	}
	defer unix.Close(fd)
	fds := []unix.PollFd{{Fd: int32(fd), Events: unix.POLLIN}}
	for end := time.Now().Add(d); ; {
		left := time.Until(end)
		if left <= 0 {
			return !session.ExitedNow(p.pid)
		}
		n, err := unix.Poll(fds, int(left.Milliseconds())+1)
		switch {
		case err == unix.EINTR:
		case err != nil || n > 0:
			return false
		}
	}
}

// Close ends the script and reaps it. If the leader is still running it
// waits for it to exit (the context bounds that wait; pass abort to kill at
// once, e.g. after a write error to the client). Then any process left in
// the group — a background child still holding a pipe — is killed, so
// nothing outlives the request. It returns the script's exit error (an
// *exec.ExitError), ErrKilled when the gateway killed the running script,
// or nil. Close blocks until every goroutine of the process has ended,
// but the stderr reader it hands to Cmd.Detached; it is idempotent (later
// calls return the first result and ignore abort).
func (p *Process) Close(abort bool) error {
	p.closeOnce.Do(func() { p.closeErr = p.close(abort) })
	return p.closeErr
}

func (p *Process) close(abort bool) error {
	if abort {
		p.kill()
	}
	lazyStderr := p.stopWatch()
	if lazyStderr {
		// The watcher never started: wait for the leader here (after
		// stdout's EOF it has almost always exited already). Its stderr,
		// at most a pipe's worth by now, is read below.
		session.WaitExit(p.pid)
		close(p.exited)
	} else {
		<-p.exited
		close(p.closing)
		<-p.watchD
	}
	p.ctxWatch.Stop()
	// Nothing else signals the group now. The leader has exited but is not
	// reaped, so its pid (= the pgid) cannot be reused yet: killing the
	// group is safe and reaches only stragglers it left behind.
	p.mu.Lock()
	_ = syscall.Kill(-p.pid, syscall.SIGKILL)
	p.final = true
	killed := p.killed
	p.mu.Unlock()
	p.stdout.Close()
	// Something outside the group that still holds the script's stderr
	// moved to a group of its own (coreutils timeout, a job of `set -m`):
	// its session is searched, before the leader is reaped (its pid names
	// the session until then). Holders that closed their output are left,
	// as Apache leaves every child (README).
	held := false // (lazyStderr) a writer was left: the pipe may outlive Close
	if lazyStderr {
		if held = session.WritersLeft(p.errFD); held {
			session.Kill(p.pid)
		}
	} else {
		select {
		case <-p.stderrD:
		case <-time.After(stderrGrace):
			session.Kill(p.pid)
		}
	}
	err := session.Wait(p.pid)
	if lazyStderr {
		// Every writer in the group is gone, so everything the script
		// wrote is in the pipe: drain it without waiting (a process that
		// left the group and holds the pipe cannot stall us), no poller
		// registration, no goroutine.
		p.readStderr(drainFD(p.errFD), p.stderrFn, nil)
		// A writer still there now left the session (or is dying of
		// the kill above): Detached reads on. (The check costs only a
		// script that left one.)
		if !held || !session.WritersLeft(p.errFD) || !p.detach() {
			unix.Close(p.errFD)
		}
	} else {
		select {
		case <-p.stderrD:
		case <-time.After(stderrGrace):
			// A process outside the session holds stderr: Detached reads
			// on, or the reading stops.
			if !p.detach() {
				p.stopStderr()
				<-p.stderrD
			}
		}
	}
	<-p.stdinD
	if killed {
		return ErrKilled
	}
	return err
}

// ctxKill is a Process as the end of its request's context calls it
// (kill): a registration that allocates nothing (ctxhook.Register).
type ctxKill Process

// ContextDone is the end of the request's context: kill.
func (k *ctxKill) ContextDone() { (*Process)(k).kill() }

// kill kills the whole group, unless Close has reaped the leader, and
// unblocks a pending Stdout read. It counts as killing the script only if
// the leader was still running.
func (p *Process) kill() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.final {
		return
	}
	select {
	case <-p.exited:
	default:
		p.killed, p.killedAt = true, time.Now()
	}
	// The reads fail first: the end of the output the kill makes must
	// not be read as the script's own (an answer cut short delivered as
	// a whole one: seen when a spool's read came between the signal and
	// a deadline set after it, while session.Kill looked for the group's
	// strays).
	_ = p.stdout.SetReadDeadline(time.Now())
	_ = syscall.Kill(-p.pid, syscall.SIGKILL)
	session.Kill(p.pid) // what moved to a group of its own
}

// killStragglers kills what the exited leader left in its group.
func (p *Process) killStragglers() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if !p.final {
		_ = syscall.Kill(-p.pid, syscall.SIGKILL)
		session.Kill(p.pid)
	}
}

// watchExit waits for the leader to exit without reaping it (WNOWAIT), so
// that the group can still be signalled safely afterwards; then, unless
// Close comes first, it kills the stragglers after lingerGrace.
func (p *Process) watchExit() {
	defer close(p.watchD)
	session.WaitExit(p.pid)
	p.exitAt = time.Now()
	close(p.exited)
	t := time.NewTimer(lingerGrace)
	defer t.Stop()
	select {
	case <-t.C:
		p.killStragglers()
	case <-p.closing:
	}
}

// readStderr logs r line by line until EOF or an error, then closes done
// (unless nil) and r, when it is a file.
func (p *Process) readStderr(r io.Reader, fn func([]byte), done chan<- struct{}) {
	if done != nil {
		defer close(done)
	}
	if f, ok := r.(io.Closer); ok {
		defer f.Close()
	}
	br := stderrPool.Get().(*bufio.Reader)
	br.Reset(r)
	defer func() {
		br.Reset(nil)
		stderrPool.Put(br)
	}()
	// split: the last piece was cut at MaxStderrLine. A line of exactly
	// that length (or a multiple) then ends in a bare newline, which is
	// its terminator, not an empty line of its own.
	split := false
	for {
		line, err := br.ReadSlice('\n')
		if len(line) > 0 && fn != nil {
			if line[len(line)-1] == '\n' {
				line = line[:len(line)-1]
				if n := len(line); n > 0 && line[n-1] == '\r' {
					line = line[:n-1]
				}
			}
			if len(line) > 0 || !split {
				fn(line)
			}
		}
		split = err == bufio.ErrBufferFull // (as ReadSlice returns it, never wrapped)
		if err != nil && !split {
			return
		}
	}
}

// copyStdin feeds the body. It stops when the body ends, when the script
// closes its stdin, or when the script exits (the pipe is closed then so a
// script that never reads cannot pin this goroutine).
func (p *Process) copyStdin(w *os.File, body io.Reader) {
	defer close(p.stdinD)
	done := make(chan struct{})
	go func() {
		select {
		case <-p.exited:
			// Unblock a pending write: the reader is gone or going.
			_ = w.SetWriteDeadline(time.Now())
		case <-done:
		}
	}()
	_, _ = io.Copy(w, body)
	close(done)
	w.Close()
}

// noBody is the stdinD of every script without a body copier: closed.
var noBody = func() chan struct{} {
	c := make(chan struct{})
	close(c)
	return c
}()

// stderrPool recycles the line readers of stderr pipes.
var stderrPool = sync.Pool{New: func() any { return bufio.NewReaderSize(nil, MaxStderrLine) }}

// stdoutPipe returns a pipe for a script's stdout: the read end
// non-blocking, so that the runtime's poller serves its reads and deadlines,
// the write end a raw blocking descriptor, for the script. os.Pipe would
// make both ends non-blocking and then, to hand the write end over, blocking
// again: three more fcntl calls per request.
func stdoutPipe() (r *os.File, w int, err error) {
	fds, err := nonblockReadPipe()
	if err != nil {
		return nil, -1, err
	}
	return os.NewFile(uintptr(fds[0]), "stdout-r"), fds[1], nil
}

// stderrPipe returns a pipe for a script's stderr: the write end blocking
// (for the script), the read end non-blocking, which Close can drain
// without the poller; both raw descriptors.
func stderrPipe() (r, w int, err error) {
	fds, err := nonblockReadPipe()
	if err != nil {
		return -1, -1, err
	}
	return fds[0], fds[1], nil
}

// nonblockReadPipe makes a close-on-exec pipe whose read end (fds[0]) is
// non-blocking and whose write end is blocking. A new pipe's read end has
// no other status flag, so one F_SETFL sets it.
func nonblockReadPipe() ([2]int, error) {
	var fds [2]int
	if err := unix.Pipe2(fds[:], unix.O_CLOEXEC); err != nil {
		return fds, err
	}
	// A raw fcntl: it never blocks, and the runtime's syscall entry would
	// wake its monitor thread (internal/rawio says why that matters).
	if _, _, e := unix.RawSyscall(unix.SYS_FCNTL, uintptr(fds[0]), unix.F_SETFL, unix.O_NONBLOCK); e != 0 {
		unix.Close(fds[0])
		unix.Close(fds[1])
		return fds, e
	}
	return fds, nil
}

// drainFD reads a non-blocking descriptor until it is empty: io.EOF at the
// end of the pipe or when nothing more is there right now.
type drainFD int

func (d drainFD) Read(b []byte) (int, error) {
	if len(b) == 0 {
		return 0, nil
	}
	// Raw: the descriptor never blocks (see nonblockReadPipe).
	if n, e := rawio.ReadRaw(uintptr(d), b); e == 0 && n > 0 {
		return n, nil
	}
	return 0, io.EOF
}

// devNullFile is /dev/null opened once for the process (at start, so that
// it never shows up as a descriptor opened by a request); it is only ever
// handed to children, never read here.
var devNullFile, devNullErr = os.Open(os.DevNull)

func devNull() (*os.File, error) { return devNullFile, devNullErr }
