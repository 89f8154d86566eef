// worker_test.go: the helper worker (the test binary re-executed) and the
// tests of one worker process: socket as fd 0, environment, output logging.

package fastcgi

import (
	"bufio"
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/fcgi"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/sirupsen/logrus"
	logtest "github.com/sirupsen/logrus/hooks/test"
)

// helperEnv selects what the re-executed test binary does as a worker.
const helperEnv = "MENSHEN_TEST_WORKER"

// TestMain turns the test binary into a FastCGI worker when helperEnv is
// set (the stdlib's and go-plugin's trick), for misbehaviour no real
// application offers on demand.
func TestMain(m *testing.M) {
	if mode := os.Getenv(helperEnv); mode != "" {
		runHelper(mode)
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// runHelper is the worker side. Modes:
//
//	serve     net/http/fcgi on the socket at fd 0 (see helperHandler)
//	noterm    like serve, but ignores SIGTERM
//	flagterm  like serve, but SIGTERM only sets a flag that is looked at
//	          when accept returns (a worker that took the signal just
//	          before it blocked in accept)
//	noaccept  never accepts a connection
//	ignorevalues  answers requests only, reading past FCGI_GET_VALUES
//	closevalues   answers requests only, closing the connection of
//	          an FCGI_GET_VALUES (Apache, lighttpd, nginx send none)
//	dievalues     answers requests only, and exits in error on an
//	          FCGI_GET_VALUES (Ruby's fcgi library without its C
//	          extension, as Debian 12's ruby-fcgi, cannot encode its
//	          answer and dies)
//	closeeach     like closevalues, and closes its connection 50 ms
//	          after each answer, whatever FCGI_KEEP_CONN says (Mojo's
//	          and Ruby's FastCGI servers close after each request)
//	slowend       like closevalues, and writes FCGI_END_REQUEST 20 ms
//	          after the end of FCGI_STDOUT (Mojo's and Net::FastCGI's
//	          servers, Go's net/http/fcgi write them apart)
//	exit      writes a line to stderr and exits with status 3 at once
//	hold      sleeps (a grandchild forked by ?fork=1)
func runHelper(mode string) {
	switch mode {
	case "serve":
	case "noterm":
		signal.Ignore(syscall.SIGTERM)
	case "flagterm":
		l, err := net.FileListener(os.Stdin)
		if err != nil {
			fmt.Fprintln(os.Stderr, "listener:", err)
			os.Exit(1)
		}
		var stop atomic.Bool
		term := make(chan os.Signal, 1)
		signal.Notify(term, syscall.SIGTERM)
		go func() { <-term; stop.Store(true) }()
		if err := fcgi.Serve(flagListener{l, &stop}, helperHandler()); err != nil {
			fmt.Fprintln(os.Stderr, "serve:", err)
			os.Exit(1)
		}
		os.Exit(0)
	case "noaccept":
		time.Sleep(time.Minute)
		os.Exit(1)
	case "ignorevalues", "closevalues", "dievalues", "closeeach", "slowend":
		requestsOnly(strings.TrimSuffix(mode, "values"))
		os.Exit(0)
	case "slowstart":
		time.Sleep(time.Second) // loading its modules, then serves
	case "exit":
		fmt.Fprintln(os.Stderr, "boom: no config")
		os.Exit(3)
	case "hold":
		time.Sleep(time.Minute)
		os.Exit(1)
	default:
		fmt.Fprintf(os.Stderr, "unknown helper mode %q\n", mode)
		os.Exit(2)
	}
	if err := fcgi.Serve(nil, helperHandler()); err != nil {
		fmt.Fprintln(os.Stderr, "serve:", err)
		os.Exit(1)
	}
}

// requestsOnly is a FastCGI responder that knows the records of a request
// and nothing else, as hand-rolled ones do: an FCGI_GET_VALUES is read
// whole and skipped (onValues "ignore"), ends its connection ("close",
// "closeeach", "slowend") or its process ("die"). It answers "requests
// only" with its pid in X-Pid; with "closeeach" it closes the connection
// 50 ms after, with "slowend" it ends the request 20 ms after its output.
func requestsOnly(onValues string) {
	l, err := net.FileListener(os.Stdin)
	if err != nil {
		fmt.Fprintln(os.Stderr, "listener:", err)
		os.Exit(1)
	}
	for {
		c, err := l.Accept()
		if err != nil {
			os.Exit(0)
		}
		for {
			h := make([]byte, 8)
			if _, err := io.ReadFull(c, h); err != nil {
				break
			}
			typ, id, n := recType(h[1]), binary.BigEndian.Uint16(h[2:4]), int(binary.BigEndian.Uint16(h[4:6]))+int(h[6])
			if _, err := io.ReadFull(c, make([]byte, n)); err != nil {
				break
			}
			if typ == typeGetValues && onValues == "die" {
				fmt.Fprintln(os.Stderr, "undefined method `length' for 1:Integer (NoMethodError)")
				os.Exit(1)
			}
			if typ == typeGetValues && (onValues == "close" || onValues == "closeeach" || onValues == "slowend") {
				break
			}
			if typ == typeStdin && n == 0 {
				var out []byte
				out = appendRecord(out, typeStdout, id, []byte(fmt.Sprintf("Content-Type: text/plain\r\nX-Pid: %d\r\n\r\nrequests only\n", os.Getpid())))
				out = appendRecord(out, typeStdout, id, nil)
				if onValues == "slowend" {
					c.Write(out)
					time.Sleep(20 * time.Millisecond)
					out = nil
				}
				out = appendRecord(out, typeEndRequest, id, make([]byte, 8))
				c.Write(out)
				if onValues == "closeeach" {
					time.Sleep(50 * time.Millisecond)
					break
				}
			}
		}
		c.Close()
	}
}

// flagListener exits the process when an accept returns after stop was set.
type flagListener struct {
	net.Listener
	stop *atomic.Bool
}

func (l flagListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if l.stop.Load() {
		os.Exit(0)
	}
	return c, err
}

// helperHandler answers with X-Pid and a request counter. Query:
//
//	sleep=DUR   sleep before the body's end (after a first flushed line)
//	stderr=TEXT write TEXT to the process's own stderr (not FCGI_STDERR)
//	stderrpart=TEXT  the same without the newline
//	exit=1      exit at once, before any output
//	die=1       write part of the answer, flush, and exit
//	fork=1      start a grandchild holding the listening socket; print its pid
//	env=1       print the process environment
//	body=1      echo the request body
func helperHandler() http.Handler {
	var count atomic.Int64
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := count.Add(1)
		q := r.URL.Query()
		if q.Get("exit") != "" {
			os.Exit(4)
		}
		if s := q.Get("stderr"); s != "" {
			fmt.Fprintln(os.Stderr, s)
		}
		if s := q.Get("stderrpart"); s != "" {
			fmt.Fprint(os.Stderr, s)
		}
		w.Header().Set("Content-Type", "text/plain")
		w.Header().Set("X-Pid", strconv.Itoa(os.Getpid()))
		w.Header().Set("X-Count", strconv.FormatInt(n, 10))
		fmt.Fprintf(w, "pid=%d count=%d\n", os.Getpid(), n)
		if q.Get("fork") != "" {
			cmd := exec.Command(os.Args[0])
			cmd.Env = []string{helperEnv + "=hold", markEnv + "=" + os.Getenv(markEnv)}
			cmd.Stdin = os.Stdin // the listening socket
			if err := cmd.Start(); err != nil {
				fmt.Fprintln(w, "fork:", err)
				return
			}
			fmt.Fprintf(w, "grandchild=%d\n", cmd.Process.Pid)
		}
		if q.Get("env") != "" {
			for _, kv := range os.Environ() {
				fmt.Fprintf(w, "env %s\n", kv)
			}
		}
		if q.Get("body") != "" {
			io.Copy(w, r.Body)
		}
		w.(http.Flusher).Flush()
		if q.Get("die") != "" {
			time.Sleep(50 * time.Millisecond) // let the flushed record leave
			os.Exit(3)
		}
		if d, err := time.ParseDuration(q.Get("sleep")); err == nil {
			time.Sleep(d)
		}
		fmt.Fprintln(w, "done")
	})
}

// markEnv carries a per-test marker into every worker (and its children),
// so that leak checks find processes whose pid the test never learnt.
const markEnv = "MENSHEN_TEST_MARK"

var markSeq atomic.Int64

// helperConfig returns a pool config running the test binary in mode.
func helperConfig(t *testing.T, mode string) PoolConfig {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	return PoolConfig{
		Name:         "helper-" + mode,
		Path:         exe,
		Env:          []string{helperEnv + "=" + mode},
		SocketDir:    t.TempDir(),
		StartTimeout: 5 * time.Second,
		StopGrace:    time.Second,
		DrainTimeout: 5 * time.Second,
	}
}

// perlConfig returns a pool config running testdata/pool/worker.pl, or
// skips the test without FCGI.pm.
func perlConfig(t *testing.T) PoolConfig {
	t.Helper()
	if err := exec.Command("perl", "-MFCGI", "-e1").Run(); err != nil {
		t.Skip("perl with FCGI.pm is needed (Debian package libfcgi-perl)")
	}
	path, err := filepath.Abs("testdata/pool/worker.pl")
	if err != nil {
		t.Fatal(err)
	}
	return PoolConfig{
		Name:         "worker.pl",
		Path:         path,
		Dir:          filepath.Dir(path),
		Env:          []string{"PATH=/usr/bin:/bin"},
		SocketDir:    t.TempDir(),
		StartTimeout: 5 * time.Second,
		StopGrace:    time.Second,
		DrainTimeout: 5 * time.Second,
	}
}

// testPool is a pool under test with what its leak check needs.
type testPool struct {
	*Pool
	t    *testing.T
	mark string

	mu   sync.Mutex
	pids map[int]bool // every worker pid seen
}

// mustPool starts a pool and registers a Cleanup that closes it and checks
// that no worker, grandchild or socket file is left behind.
func mustPool(t *testing.T, cfg PoolConfig) *testPool {
	t.Helper()
	mark := fmt.Sprintf("%d-%d", os.Getpid(), markSeq.Add(1))
	cfg.Env = append(slices.Clip(cfg.Env), markEnv+"="+mark)
	if cfg.Logger == nil {
		l, _ := logtest.NewNullLogger()
		cfg.Logger = l
	}
	p, err := NewPool(cfg)
	if err != nil {
		t.Fatalf("NewPool: %v", err)
	}
	tp := &testPool{Pool: p, t: t, mark: mark, pids: map[int]bool{}}
	t.Cleanup(func() {
		p.Close()
		tp.mu.Lock()
		pids := make([]int, 0, len(tp.pids))
		for pid := range tp.pids {
			pids = append(pids, pid)
		}
		tp.mu.Unlock()
		for _, pid := range pids {
			waitGroupGone(t, pid, 5*time.Second)
		}
		waitMarkGone(t, mark, 5*time.Second)
		if ents, err := os.ReadDir(cfg.SocketDir); err != nil || len(ents) > 0 {
			t.Errorf("socket dir %q after Close: %v entries, err %v", cfg.SocketDir, len(ents), err)
		}
	})
	return tp
}

// seen records worker pids for the leak check.
func (tp *testPool) seen(pids ...int) {
	tp.mu.Lock()
	defer tp.mu.Unlock()
	for _, pid := range pids {
		if pid > 0 {
			tp.pids[pid] = true
		}
	}
}

// result is a worker's answer.
type result struct {
	pid  int
	out  string
	resp *PoolResponse
}

var pidRE = regexp.MustCompile(`X-Pid: (\d+)`)

// get runs one GET with query on the pool and reads the whole answer.
func (tp *testPool) get(ctx context.Context, query string) (result, error) {
	return tp.do(ctx, query, nil)
}

func (tp *testPool) do(ctx context.Context, query string, body io.Reader) (result, error) {
	// A GET may be sent again, as the gateway marks it.
	resp, err := tp.Do(ctx, &Request{Params: params(query, body), Stdin: body, Idempotent: body == nil})
	if err != nil {
		return result{}, err
	}
	defer resp.Close()
	tp.seen(resp.PID())
	b, err := io.ReadAll(resp)
	res := result{pid: resp.PID(), out: string(b), resp: resp}
	if m := pidRE.FindStringSubmatch(res.out); m != nil {
		if pid, _ := strconv.Atoi(m[1]); pid != res.pid {
			tp.t.Errorf("X-Pid %d, but PID() = %d", pid, res.pid)
		}
	}
	return res, err
}

// mustGet is get that fails the test on error.
func (tp *testPool) mustGet(query string) result {
	tp.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	res, err := tp.get(ctx, query)
	if err != nil {
		tp.t.Fatalf("get %q: %v", query, err)
	}
	return res
}

// params are the CGI meta-variables of a GET (or POST with body).
func params(query string, body io.Reader) []string {
	method := "GET"
	var extra []string
	if body != nil {
		method = "POST"
		n := 0
		if l, ok := body.(interface{ Len() int }); ok {
			n = l.Len()
		}
		extra = []string{"CONTENT_LENGTH=" + strconv.Itoa(n), "CONTENT_TYPE=application/octet-stream"}
	}
	return append([]string{
		"GATEWAY_INTERFACE=CGI/1.1",
		"REQUEST_METHOD=" + method,
		"SERVER_PROTOCOL=HTTP/1.1",
		"SERVER_NAME=localhost",
		"SERVER_PORT=80",
		"HTTP_HOST=localhost",
		"REMOTE_ADDR=127.0.0.1",
		"REMOTE_PORT=40000",
		"SCRIPT_NAME=/w",
		"REQUEST_URI=/w?" + query,
		"QUERY_STRING=" + query,
	}, extra...)
}

// processGone reports whether pid has exited (a zombie counts as gone: it
// runs nothing, and init reaps orphans at its own pace).
func processGone(pid int) bool {
	if err := syscall.Kill(pid, 0); err == syscall.ESRCH {
		return true
	}
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return true
	}
	// The state follows the parenthesised command name.
	if i := bytes.LastIndexByte(b, ')'); i >= 0 && i+2 < len(b) {
		return b[i+2] == 'Z'
	}
	return false
}

// waitGone waits until pid has exited.
func waitGone(t *testing.T, pid int, within time.Duration) {
	t.Helper()
	deadline := time.Now().Add(within)
	for !processGone(pid) {
		if time.Now().After(deadline) {
			t.Errorf("process %d still running after %s", pid, within)
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// waitGroupGone polls kill(-pgid, 0) until ESRCH: the worker's whole
// process group is gone and reaped.
func waitGroupGone(t *testing.T, pgid int, within time.Duration) {
	t.Helper()
	deadline := time.Now().Add(within)
	for syscall.Kill(-pgid, 0) != syscall.ESRCH {
		if time.Now().After(deadline) {
			t.Errorf("process group %d still exists after %s", pgid, within)
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// waitMarkGone waits until no running process carries the test's marker in
// its environment: not a worker whose pid the test never learnt, nor a
// grandchild.
func waitMarkGone(t *testing.T, mark string, within time.Duration) {
	t.Helper()
	deadline := time.Now().Add(within)
	for {
		left := markedProcesses(mark)
		if len(left) == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Errorf("processes %v of this test still running after %s", left, within)
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// markedProcesses lists running processes with markEnv=mark.
func markedProcesses(mark string) []int {
	want := []byte(markEnv + "=" + mark + "\x00")
	ents, _ := os.ReadDir("/proc")
	var pids []int
	for _, e := range ents {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		env, err := os.ReadFile("/proc/" + e.Name() + "/environ")
		if err != nil || !bytes.Contains(env, want) || processGone(pid) {
			continue
		}
		pids = append(pids, pid)
	}
	return pids
}

// TestWorker_SocketIsFD0 checks that a worker gets its own listening socket
// as fd 0 and serves through it (C21), and that the socket file lives in the
// pool's socket directory only while the worker does.
func TestWorker_SocketIsFD0(t *testing.T) {
	cfg := helperConfig(t, "serve")
	p := mustPool(t, cfg)
	res := p.mustGet("")
	if !strings.Contains(res.out, "count=1") {
		t.Fatalf("answer %q, want count=1", res.out)
	}
	socks, _ := filepath.Glob(filepath.Join(cfg.SocketDir, "*", "*.sock"))
	if len(socks) != 1 {
		t.Fatalf("socket files %v, want one", socks)
	}
	p.Close()
	if _, err := os.Stat(socks[0]); !os.IsNotExist(err) {
		t.Errorf("socket %q after Close: %v", socks[0], err)
	}
}

// TestWorker_EnvFromConfigOnly checks that a worker sees exactly the
// configured environment, never the gateway's (C4).
func TestWorker_EnvFromConfigOnly(t *testing.T) {
	t.Setenv("MENSHEN_GATEWAY_SECRET", "leak")
	cfg := helperConfig(t, "serve")
	cfg.Env = append(cfg.Env, "FOO=bar")
	p := mustPool(t, cfg)
	res := p.mustGet("env=1")
	var got []string
	sc := bufio.NewScanner(strings.NewReader(res.out))
	for sc.Scan() {
		if kv, ok := strings.CutPrefix(sc.Text(), "env "); ok {
			got = append(got, kv)
		}
	}
	want := []string{helperEnv + "=serve", "FOO=bar", markEnv + "=" + p.mark}
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("worker environment = %q, want %q", got, want)
	}
}

// TestWorker_LogsProcessStderr checks that what a worker writes to its own
// stderr is logged line by line with script, pid and worker (C9).
func TestWorker_LogsProcessStderr(t *testing.T) {
	logger, hook := logtest.NewNullLogger()
	logger.SetLevel(logrus.DebugLevel)
	cfg := helperConfig(t, "serve")
	cfg.Logger = logger
	p := mustPool(t, cfg)
	res := p.mustGet("stderr=hello-from-worker")
	deadline := time.Now().Add(2 * time.Second)
	for {
		for _, e := range hook.AllEntries() {
			if e.Message != "hello-from-worker" {
				continue
			}
			if e.Data["script"] != cfg.Name || e.Data["pid"] != res.pid || e.Data["worker"] != 1 {
				t.Errorf("log fields %v, want script %q, pid %d, worker 1", e.Data, cfg.Name, res.pid)
			}
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("stderr line not logged; entries: %v", hook.AllEntries())
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestWorker_LogsUnfinishedStderrLine: a worker's stderr line without its
// newline (php-cgi's php://stderr at the end of a request) is logged on
// its own within a second, not glued to whatever the worker writes next
// (a later request's line, seconds later).
func TestWorker_LogsUnfinishedStderrLine(t *testing.T) {
	logger, hook := logtest.NewNullLogger()
	cfg := helperConfig(t, "serve")
	cfg.Logger = logger
	p := mustPool(t, cfg)
	p.mustGet("stderrpart=first-half")
	deadline := time.Now().Add(time.Second)
	for !slices.ContainsFunc(hook.AllEntries(), func(e *logrus.Entry) bool { return e.Message == "first-half" }) {
		if time.Now().After(deadline) {
			t.Fatalf("unfinished stderr line not logged within 1s; entries: %v", hook.AllEntries())
		}
		time.Sleep(10 * time.Millisecond)
	}
	p.mustGet("stderr=next-line")
	waitFor(t, "the next line, on its own", func() bool {
		return slices.ContainsFunc(hook.AllEntries(), func(e *logrus.Entry) bool { return e.Message == "next-line" })
	})
}

// TestWorker_StopEscalatesToKill checks that Stop kills the group of a
// worker that ignores SIGTERM once the grace has passed, and that Stop and
// Kill are idempotent.
func TestWorker_StopEscalatesToKill(t *testing.T) {
	cfg := helperConfig(t, "noterm")
	l, _ := logtest.NewNullLogger()
	w, err := startWorker(workerConfig{
		id: 1, name: "noterm", path: cfg.Path, env: cfg.Env,
		sock: filepath.Join(cfg.SocketDir, "1.sock"), log: l,
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { w.Kill(); waitGroupGone(t, w.pid, 5*time.Second) })
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := w.ready(ctx, 5*time.Second, true); err != nil {
		t.Fatalf("ready: %v", err)
	}
	if w.exited() {
		t.Fatal("exited() before the worker was stopped")
	}
	start := time.Now()
	w.Stop(300*time.Millisecond, nil)
	if !w.exited() {
		t.Error("exited() false once Stop has returned (its process reaped)")
	}
	if d := time.Since(start); d < 300*time.Millisecond || d > 2*time.Second {
		t.Errorf("Stop took %s, want the 300ms grace then a kill", d)
	}
	if ws, ok := w.waitErr.(*exec.ExitError); !ok || ws.Sys().(syscall.WaitStatus).Signal() != syscall.SIGKILL {
		t.Errorf("exit %v, want killed by SIGKILL", w.waitErr)
	}
	w.Stop(time.Second, nil)
	w.Kill()
	if _, err := os.Stat(w.sock); !os.IsNotExist(err) {
		t.Errorf("socket %q after Stop: %v", w.sock, err)
	}
}

// syscallKill sends SIGKILL to pid.
func syscallKill(pid int) error { return syscall.Kill(pid, syscall.SIGKILL) }

// syscallKillGroup probes process group pgid: nil means it still exists.
func syscallKillGroup(pgid int) error { return syscall.Kill(-pgid, 0) }

// atoi parses a decimal pid, 0 if it is not one.
func atoi(s string) int {
	n, _ := strconv.Atoi(strings.TrimSpace(s))
	return n
}

// killAndWait SIGKILLs pid and waits until it is gone.
func killAndWait(pid int) error {
	if err := syscallKill(pid); err != nil {
		return err
	}
	deadline := time.Now().Add(2 * time.Second)
	for !processGone(pid) {
		if time.Now().After(deadline) {
			return fmt.Errorf("process %d did not die", pid)
		}
		time.Sleep(5 * time.Millisecond)
	}
	return nil
}

// daemonPl is a program that daemonizes itself as some FastCGI programs do
// unless told not to: it forks, the child leaves the session (setsid) and
// keeps fd 0, the listening socket, and the parent exits once the child
// has written its pid.
const daemonPl = `#!/usr/bin/perl
use POSIX ();
my $file = $ENV{PIDFILE};
if (my $kid = fork) {
    select(undef, undef, undef, 0.01) until -e $file;
    exit 0;
}
if ($ENV{HOW} eq 'setsid') {
    POSIX::setsid();
} else {
    # Out of the group only, its output let go: the worker's group kill
    # misses it, and nothing holds the output the session kill looks for.
    POSIX::setpgid(0, 0);
    open STDOUT, '>', '/dev/null';
    open STDERR, '>', '/dev/null';
}
open my $f, '>', "$file.tmp" or die;
print $f $$;
close $f;
rename "$file.tmp", $file;
sleep 30;
`

// TestWorker_DaemonizedChildKilled: a worker program that daemonized
// itself left its child, in a session of its own, accepting on the
// worker's socket for good, past the gateway's end (C10, C33). What holds
// the socket of a worker that ended is killed now.
func TestWorker_DaemonizedChildKilled(t *testing.T) {
	if _, err := os.Stat("/usr/bin/perl"); err != nil {
		t.Skip("perl not installed (Debian package perl)")
	}
	for _, how := range []string{"setsid", "setpgid"} {
		t.Run(how, func(t *testing.T) {
			dir := t.TempDir()
			prog := filepath.Join(dir, "daemon.fcgi")
			if err := os.WriteFile(prog, []byte(daemonPl), 0o755); err != nil {
				t.Fatal(err)
			}
			pidFile := filepath.Join(dir, "pid")
			l, _ := logtest.NewNullLogger()
			w, err := startWorker(workerConfig{
				id: 1, name: "daemon.fcgi", path: prog, env: []string{"PIDFILE=" + pidFile, "HOW=" + how},
				sock: filepath.Join(dir, "1.sock"), log: l,
			})
			if err != nil {
				t.Fatal(err)
			}
			select {
			case <-w.done:
			case <-time.After(5 * time.Second):
				w.Kill()
				t.Fatal("the daemonizing parent did not exit")
			}
			w.cleanup()
			b, err := os.ReadFile(pidFile)
			if err != nil {
				t.Fatalf("the child wrote no pid: %v", err)
			}
			kid, _ := strconv.Atoi(strings.TrimSpace(string(b)))
			if kid <= 0 {
				t.Fatalf("pid file %q", b)
			}
			deadline := time.Now().Add(2 * time.Second)
			for alive(kid) {
				if time.Now().After(deadline) {
					syscall.Kill(kid, syscall.SIGKILL)
					t.Fatalf("the daemonized child %d still runs after its worker ended", kid)
				}
				time.Sleep(10 * time.Millisecond)
			}
		})
	}
}

// alive reports whether pid is a process that is not a zombie.
func alive(pid int) bool {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return false
	}
	i := bytes.LastIndexByte(b, ')')
	return i < 0 || i+2 >= len(b) || b[i+2] != 'Z'
}
