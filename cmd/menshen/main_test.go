// main_test.go tests the menshen binary as users run it (CONTRACT §1, C33):
// built once in TestMain, started as a real process on free ports, stopped
// with real signals.

package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// binary is the menshen executable built by TestMain.
var binary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "menshen-bin-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binary = filepath.Join(dir, "menshen")
	out, err := exec.Command("go", "build", "-o", binary, ".").CombinedOutput()
	if err != nil {
		fmt.Fprintf(os.Stderr, "go build: %v\n%s", err, out)
		os.RemoveAll(dir)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// syncBuffer is a bytes.Buffer safe to read while the process writes it.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// menshenEnv is the test process's environment without MENSHEN_* variables,
// plus extra.
func menshenEnv(extra ...string) []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "MENSHEN_") {
			env = append(env, kv)
		}
	}
	return append(env, extra...)
}

// runMenshen runs the binary to completion (10 s at most) and returns its
// exit code, stdout and stderr.
func runMenshen(tb testing.TB, env []string, args ...string) (code int, stdout, stderr string) {
	tb.Helper()
	return runMenshenIn(tb, "", env, args...)
}

// runMenshenIn is runMenshen with dir as the working directory ("" for
// the test's).
func runMenshenIn(tb testing.TB, dir string, env []string, args ...string) (code int, stdout, stderr string) {
	tb.Helper()
	// A guard against a hung command, not a bound: a bench run drives its
	// scripts in both modes, and on a loaded machine (CPU-bound tests
	// beside it) took over 10 s.
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, binary, args...)
	cmd.Dir = dir
	cmd.Env = menshenEnv(env...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	var ee *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &ee):
		code = ee.ExitCode()
	default:
		tb.Fatalf("menshen %s: %v", strings.Join(args, " "), err)
	}
	return code, out.String(), errb.String()
}

// freeAddr returns a loopback address with a port that was free a moment
// ago.
func freeAddr(tb testing.TB) string {
	tb.Helper()
	for {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			tb.Fatal(err)
		}
		addr := ln.Addr().String()
		ln.Close()
		// (Parallel tests: the kernel may give a port just closed to the
		// next caller; each is handed out once, so that two gateways of
		// this binary never race for one.)
		handedMu.Lock()
		fresh := !handed[addr]
		handed[addr] = true
		handedMu.Unlock()
		if fresh {
			return addr
		}
	}
}

var (
	handedMu sync.Mutex
	handed   = map[string]bool{}
)

// mustCopyTestdata copies ../../testdata/<name> to a temp dir, keeping modes.
func mustCopyTestdata(tb testing.TB, name string) string {
	tb.Helper()
	src := filepath.Join("..", "..", "testdata", name)
	dst := filepath.Join(tb.TempDir(), name)
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		info, err := d.Info()
		if err != nil {
			return err
		}
		to := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(to, 0o755)
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(to, data, info.Mode().Perm())
	})
	if err != nil {
		tb.Fatal(err)
	}
	return dst
}

// server is a running `menshen serve`.
type server struct {
	cmd    *exec.Cmd
	addr   string
	stderr *syncBuffer
	done   chan struct{} // closed when Wait has returned
	err    error         // Wait's result, valid after done
}

// start starts s.cmd and waits for it in the background (done, err);
// cleanup kills it if the test has not stopped it.
func (s *server) start(tb testing.TB) {
	tb.Helper()
	// A binary a test copied (os.WriteFile) may still be open for writing
	// in a child another test is forking at that moment, until that child
	// execs: exec then fails with ETXTBSY ("text file busy", a CI run of
	// TestServe_ScriptsCannotReadTheGatewayEnviron). Tried again a moment
	// later, with a new Cmd (one whose Start failed is not started again).
	for try := 0; ; try++ {
		err := s.cmd.Start()
		if err == nil {
			break
		}
		if !errors.Is(err, syscall.ETXTBSY) || try == 100 {
			tb.Fatal(err)
		}
		time.Sleep(20 * time.Millisecond)
		c := exec.Command(s.cmd.Path, s.cmd.Args[1:]...)
		c.Env, c.Dir, c.Stdin, c.Stdout, c.Stderr = s.cmd.Env, s.cmd.Dir, s.cmd.Stdin, s.cmd.Stdout, s.cmd.Stderr
		c.ExtraFiles, c.SysProcAttr = s.cmd.ExtraFiles, s.cmd.SysProcAttr
		s.cmd = c
	}
	go func() {
		s.err = s.cmd.Wait()
		close(s.done)
	}()
	tb.Cleanup(func() {
		select {
		case <-s.done:
		default:
			_ = s.cmd.Process.Kill()
			<-s.done
		}
	})
}

// mustServe starts `menshen serve` with args and env, and waits until it
// serves: it has logged "menshen serving", and addr (and the --admin
// address among args, if any) accepts connections. Cleanup kills it if the
// test has not stopped it.
func mustServe(tb testing.TB, addr string, env []string, args ...string) *server {
	tb.Helper()
	return mustServeInheriting(tb, addr, nil, env, args...)
}

// mustServeInheriting is mustServe with files menshen inherits as fds 3....
func mustServeInheriting(tb testing.TB, addr string, files []*os.File, env []string, args ...string) *server {
	tb.Helper()
	s := &server{addr: addr, stderr: &syncBuffer{}, done: make(chan struct{})}
	if !slices.ContainsFunc(env, func(kv string) bool { return strings.HasPrefix(kv, "TMPDIR=") }) {
		// The private directory of a gateway the cleanup kills stays in
		// the test's directory, not in /tmp.
		env = append(env[:len(env):len(env)], "TMPDIR="+tb.TempDir())
	}
	s.cmd = exec.Command(binary, append([]string{"serve"}, args...)...)
	s.cmd.Env = menshenEnv(env...)
	s.cmd.ExtraFiles = files
	s.cmd.Stderr = s.stderr
	s.start(tb)
	// Ready is more than addr accepting: menshen opens its admin listener
	// just after the public one, and serves neither before its start (the
	// scripts' watch, the warm pools) is done, which it logs as "menshen
	// serving". A test that talked to the admin at once, or signalled a
	// gateway whose first request was still in the listen queue, could
	// otherwise meet a refused connection or a reset one.
	addrs := []string{addr}
	if i := slices.Index(args, "--admin"); i >= 0 && i+1 < len(args) && args[i+1] != "off" {
		addrs = append(addrs, args[i+1])
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		ready := strings.Contains(s.stderr.String(), "menshen serving")
		for _, a := range addrs {
			if !ready {
				break
			}
			c, err := net.DialTimeout("tcp", a, time.Second)
			if ready = err == nil; ready {
				c.Close()
			}
		}
		if ready {
			return s
		}
		select {
		case <-s.done:
			tb.Fatalf("menshen serve exited early: %v\n%s", s.err, s.stderr)
		default:
		}
		if time.Now().After(deadline) {
			tb.Fatalf("menshen serve not serving on %s after 10s:\n%s", strings.Join(addrs, " and "), s.stderr)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// stop sends sig and waits (up to 15 s) for the exit code.
func (s *server) stop(tb testing.TB, sig syscall.Signal) int {
	tb.Helper()
	if err := s.cmd.Process.Signal(sig); err != nil {
		tb.Fatal(err)
	}
	select {
	case <-s.done:
	case <-time.After(15 * time.Second):
		tb.Fatalf("menshen serve still running 15s after %v:\n%s", sig, s.stderr)
	}
	var ee *exec.ExitError
	if errors.As(s.err, &ee) {
		return ee.ExitCode()
	}
	if s.err != nil {
		tb.Fatalf("wait: %v", s.err)
	}
	return 0
}

// waitShutdown waits up to 5 s for the gateway to log that it is shutting
// down: the first stop signal is handled.
func (s *server) waitShutdown(tb testing.TB) {
	tb.Helper()
	for deadline := time.Now().Add(5 * time.Second); !strings.Contains(s.stderr.String(), "shutting down"); time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			tb.Fatalf("no shutdown logged 5s after SIGTERM:\n%s", s.stderr)
		}
	}
}

// readPid waits for a script to write its pid into file.
func readPid(tb testing.TB, file string) int {
	tb.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		b, err := os.ReadFile(file)
		if err == nil {
			if pid, err := strconv.Atoi(strings.TrimSpace(strings.Fields(string(b) + " x")[0])); err == nil {
				return pid
			}
		}
		if time.Now().After(deadline) {
			tb.Fatalf("no pid in %s after 5s", file)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// mustGroupGone fails unless process group pgid is gone (zombies aside)
// within 3 s.
func mustGroupGone(tb testing.TB, pgid int) {
	tb.Helper()
	deadline := time.Now().Add(3 * time.Second)
	for groupAlive(pgid) {
		if time.Now().After(deadline) {
			tb.Errorf("process group %d outlived menshen", pgid)
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func groupAlive(pgid int) bool {
	if errors.Is(syscall.Kill(-pgid, 0), syscall.ESRCH) {
		return false
	}
	ents, err := os.ReadDir("/proc")
	if err != nil {
		return true
	}
	for _, e := range ents {
		b, err := os.ReadFile("/proc/" + e.Name() + "/stat")
		if err != nil {
			continue
		}
		i := bytes.LastIndexByte(b, ')')
		f := strings.Fields(string(b[i+1:]))
		if len(f) > 2 && f[2] == strconv.Itoa(pgid) && f[0] != "Z" && f[0] != "X" {
			return true
		}
	}
	return false
}

// get GETs url and returns its status and body.
func get(tb testing.TB, url string) (int, string) {
	tb.Helper()
	resp, err := http.Get(url)
	if err != nil {
		tb.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		tb.Fatalf("GET %s: %v", url, err)
	}
	return resp.StatusCode, string(b)
}

// answer is what a GET got: getLater's.
type answer struct {
	code   int
	header http.Header
	body   string
	err    error // of the request or of the body's read
}

// getLater GETs url in the background; its answer comes on the channel.
func getLater(url string) <-chan answer {
	ch := make(chan answer, 1)
	go func() {
		resp, err := http.Get(url)
		if err != nil {
			ch <- answer{err: err}
			return
		}
		b, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		ch <- answer{resp.StatusCode, resp.Header, string(b), err}
	}()
	return ch
}

// oneLine fails unless s is exactly one non-empty line.
func oneLine(tb testing.TB, what, s string) {
	tb.Helper()
	if strings.Count(s, "\n") != 1 || !strings.HasSuffix(s, "\n") || len(strings.TrimSpace(s)) == 0 {
		tb.Errorf("%s: want one line, got %q", what, s)
	}
}

// TestServe_SIGTERMLetsRequestFinish guards C33: SIGTERM during a slow
// request stops the listener, lets the request finish, exits 0 and leaves
// no script behind. SIGQUIT (Ctrl-\, nginx's graceful stop) is the same stop: Go's own
// handling dumped the goroutines and exited 2, the request cut, the
// script's children left running.
func TestServe_SIGTERMLetsRequestFinish(t *testing.T) {
	t.Parallel()
	for _, sig := range []syscall.Signal{syscall.SIGTERM, syscall.SIGQUIT} {
		t.Run(sig.String(), func(t *testing.T) {
			t.Parallel()
			dir := mustCopyTestdata(t, "cgi")
			addr := freeAddr(t)
			s := mustServe(t, addr, nil, "--listen", addr, "--admin", "off", "--scripts", dir)

			res := getLater("http://" + addr + "/cgi-bin/slow.sh")
			pid := readPid(t, filepath.Join(dir, "started"))
			if code := s.stop(t, sig); code != 0 {
				t.Errorf("exit code %d after %v, want 0\n%s", code, sig, s.stderr)
			}
			r := <-res
			if r.err != nil || r.code != 200 || r.body != "slow done\n" {
				t.Errorf("request in flight during %v: %d %q %v, want 200 %q", sig, r.code, r.body, r.err, "slow done\n")
			}
			mustGroupGone(t, pid)
			if _, err := net.DialTimeout("tcp", addr, time.Second); err == nil {
				t.Errorf("%s still accepts connections after exit", addr)
			}
		})
	}
}

// TestServe_SIGTERMStalledAdminConnection guards C33 against the admin
// listener: a connection to it that stalls (one byte sent; a POST /mode
// whose body never comes), which anyone who reaches the port can open,
// since the token is read after the request, kept the public listener
// accepting and the gateway running for the whole grace (10 s). The
// gateway now stops at once: the admin listener closes beside the public
// one, and its connections within a second.
func TestServe_SIGTERMStalledAdminConnection(t *testing.T) {
	t.Parallel()
	for _, stall := range []string{
		"G",
		"POST /mode HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 100\r\n\r\nmode=",
	} {
		dir := mustCopyTestdata(t, "cgi")
		addr, admin := freeAddr(t), freeAddr(t)
		s := mustServe(t, addr, []string{"MENSHEN_ADMIN_TOKEN=s3cret"}, "--listen", addr, "--admin", admin, "--scripts", dir)
		c, err := net.Dial("tcp", admin)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		if _, err := io.WriteString(c, stall); err != nil {
			t.Fatal(err)
		}
		time.Sleep(100 * time.Millisecond) // (read by the admin server)
		start := time.Now()
		if code := s.stop(t, syscall.SIGTERM); code != 0 {
			t.Errorf("exit code %d, want 0\n%s", code, s.stderr)
		}
		if d := time.Since(start); d > 3*time.Second {
			t.Errorf("%q stalled on the admin listener: the gateway stopped %v after SIGTERM, want within 3 s (the admin's second, not the 10 s grace)", stall, d.Round(time.Millisecond))
		}
	}
}

// TestServe_SIGTERMStopsWorkersWithinTheGrace guards C33's 10 s (docker
// stop sends SIGKILL 10 s after its SIGTERM): a FastCGI worker no request
// needs is stopped as the shutdown begins, not once the requests are done,
// and one that ignores SIGTERM is killed when the grace is over, not 3 s
// after it. A request in flight still finishes, one past the grace gets its
// 503, and nothing is left behind.
func TestServe_SIGTERMStopsWorkersWithinTheGrace(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	// A native FastCGI program that ignores SIGTERM; ?N: it notes its pid
	// in busy.pid and sleeps N seconds before it answers.
	stubborn := `#!/usr/bin/perl
use strict;
use warnings;
use FCGI;
$SIG{TERM} = 'IGNORE';
my $req = FCGI::Request();
while ($req->Accept() >= 0) {
    if (($ENV{QUERY_STRING} // '') =~ /\A(\d+)\z/) {
        open my $fh, '>', 'busy.pid' or die $!;
        print $fh "$$\n";
        close $fh;
        sleep $1;
    }
    print "Content-Type: text/plain\r\nX-Pid: $$\r\n\r\nstubborn\n";
}
`
	for name, text := range map[string]string{"idle.fcgi": stubborn, "busy.fcgi": stubborn, "forever.sh": "#!/bin/sh\necho $$ > forever.pid\nsleep 60\n"} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	addr := freeAddr(t)
	s := mustServe(t, addr, nil, "--listen", addr, "--admin", "off", "--scripts", dir, "--mode", "fastcgi")
	resp, err := http.Get("http://" + addr + "/cgi-bin/idle.fcgi")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	idle, err := strconv.Atoi(resp.Header.Get("X-Pid"))
	if err != nil {
		t.Fatalf("idle.fcgi: %d, X-Pid %q", resp.StatusCode, resp.Header.Get("X-Pid"))
	}
	// One request that ends within the grace (its worker is then idle, 2 s
	// before the grace is over), one that runs past it.
	busyRes := getLater("http://" + addr + "/cgi-bin/busy.fcgi?8")
	busy := readPid(t, filepath.Join(dir, "busy.pid"))
	foreverRes := getLater("http://" + addr + "/cgi-bin/forever.sh")
	forever := readPid(t, filepath.Join(dir, "forever.pid"))

	start := time.Now()
	if err := s.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if r := <-busyRes; r.err != nil || r.code != 200 {
		t.Errorf("busy.fcgi, in flight during SIGTERM: %d %v, want it finished (200)", r.code, r.err)
	}
	if syscall.Kill(idle, 0) == nil {
		t.Errorf("the idle worker (pid %d) still ran %v after SIGTERM, when the request in flight ended: want it stopped as the shutdown began (SIGKILL 3 s on)",
			idle, time.Since(start).Round(time.Millisecond))
	}
	select {
	case <-s.done:
	case <-time.After(20 * time.Second):
		t.Fatalf("menshen serve still running 20s after SIGTERM:\n%s", s.stderr)
	}
	if d := time.Since(start); d > 12*time.Second {
		t.Errorf("menshen serve took %v to stop, want the 10 s grace and little more:\n%s", d.Round(time.Millisecond), s.stderr)
	}
	if s.err != nil {
		t.Errorf("exit: %v, want 0\n%s", s.err, s.stderr)
	}
	if r := <-foreverRes; r.err != nil || r.code != 503 {
		t.Errorf("forever.sh, past the grace: %d %v, want 503", r.code, r.err)
	}
	for _, pid := range []int{idle, busy, forever} {
		mustGroupGone(t, pid)
	}
}

// TestServe_DoubledSignalIsOneStop: a stop signalled twice in the same
// instant (coreutils' timeout signals its child, then its own process
// group, the child in it) is one graceful stop: the request in flight
// finishes, it is not cut short as by a second Ctrl-C.
func TestServe_DoubledSignalIsOneStop(t *testing.T) {
	t.Parallel()
	dir := mustCopyTestdata(t, "cgi")
	addr := freeAddr(t)
	s := mustServe(t, addr, nil, "--listen", addr, "--admin", "off", "--scripts", dir)
	res := getLater("http://" + addr + "/cgi-bin/slow.sh")
	readPid(t, filepath.Join(dir, "started"))
	start := time.Now()
	if err := s.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	// The second a moment later: sent at once, the kernel can merge them
	// into one, which would test nothing.
	time.Sleep(5 * time.Millisecond)
	sent := time.Since(start)
	if code := s.stop(t, syscall.SIGTERM); code != 0 {
		t.Errorf("exit code %d, want 0\n%s", code, s.stderr)
	}
	if sent >= signalBounce {
		t.Skipf("the second signal went %v after the first (a loaded machine): past signalBounce, it rightly counts", sent)
	}
	if r := <-res; r.err != nil || r.code != 200 || r.body != "slow done\n" {
		t.Errorf("request in flight during a doubled SIGTERM: %d %q %v, want it finished (200)\n%s", r.code, r.body, r.err, s.stderr)
	}
	if strings.Contains(s.stderr.String(), "second signal") {
		t.Errorf("a doubled SIGTERM taken for a second signal:\n%s", s.stderr)
	}
}

// TestServe_SIGTERMWaitsForNPH guards C33 with C7: an NPH script's
// connection is hijacked, so http.Server.Shutdown does not wait for it; the
// gateway must, or the script outlives it and the client gets nothing.
func TestServe_SIGTERMWaitsForNPH(t *testing.T) {
	t.Parallel()
	dir := mustCopyTestdata(t, "cgi")
	addr := freeAddr(t)
	s := mustServe(t, addr, nil, "--listen", addr, "--admin", "off", "--scripts", dir)
	res := make(chan string, 1)
	go func() {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			res <- err.Error()
			return
		}
		defer c.Close()
		_ = c.SetDeadline(time.Now().Add(10 * time.Second))
		fmt.Fprint(c, "GET /cgi-bin/nph-slow.sh HTTP/1.1\r\nHost: x\r\n\r\n")
		b, _ := io.ReadAll(c)
		res <- string(b)
	}()
	pid := readPid(t, filepath.Join(dir, "nph-pid"))
	if code := s.stop(t, syscall.SIGTERM); code != 0 {
		t.Errorf("exit code %d after SIGTERM, want 0\n%s", code, s.stderr)
	}
	if got := <-res; !strings.HasSuffix(got, "\r\n\r\nnph slow done\n") {
		t.Errorf("NPH response cut by shutdown: %q", got)
	}
	mustGroupGone(t, pid)
}

// TestServe_ListenFromEnv guards §1: every flag reads MENSHEN_<FLAG>. An
// empty one counts as unset, for every flag alike (a compose file's
// `${VAR}` with nothing in VAR): some took it for their default, others
// refused to start.
func TestServe_ListenFromEnv(t *testing.T) {
	t.Parallel()
	dir := mustCopyTestdata(t, "cgi")
	addr := freeAddr(t)
	s := mustServe(t, addr, []string{"MENSHEN_LISTEN=" + addr, "MENSHEN_ADMIN=off", "MENSHEN_SCRIPTS=" + dir, "MENSHEN_PREFIX=/x/",
		"MENSHEN_MODE=", "MENSHEN_MAX_BODY=", "MENSHEN_ISOLATION=", "MENSHEN_LOG_FORMAT=", "MENSHEN_LOG_LEVEL=", "MENSHEN_TIMEOUT=", "MENSHEN_CONFIG="})
	if code, body := get(t, "http://"+addr+"/x/hello.sh"); code != 200 || body != "hello\n" {
		t.Errorf("GET /x/hello.sh: %d %q, want 200 hello", code, body)
	}
	if code := s.stop(t, syscall.SIGINT); code != 0 {
		t.Errorf("exit code %d after SIGINT, want 0", code)
	}
}

// TestServe_BadFlagExits2 guards §1: bad flags exit 2 with a one-line reason.
func TestServe_BadFlagExits2(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		env  []string
		args []string
		want string
	}{
		// The flag package's own errors, restated with the flag as it
		// is spelled and what its value must look like.
		{"unknown flag", nil, []string{"serve", "--no-such-flag"}, "unknown flag --no-such-flag"},
		{"bad duration", nil, []string{"serve", "--timeout", "soon"}, `--timeout "soon": not a duration (a number with a unit, e.g. "90s"`},
		{"duration without unit", nil, []string{"serve", "--timeout", "5"}, `--timeout "5": a duration needs a unit, e.g. "5s"`},
		{"idle timeout without unit", nil, []string{"check", "--idle-timeout=300"}, `--idle-timeout "300": a duration needs a unit, e.g. "300s"`},
		{"bench duration without unit", nil, []string{"bench", "--duration", "10"}, `--duration "10": a duration needs a unit, e.g. "10s"`},
		{"busy poll without unit", nil, []string{"serve", "--busy-poll", "300"}, `--busy-poll "300": a duration needs a unit, e.g. "300us"`},
		{"flag without its value", nil, []string{"serve", "--timeout"}, "--timeout needs a value"},
		{"bad number", nil, []string{"bench", "--requests", "many"}, `--requests "many": not a whole number`},
		{"bad boolean", nil, []string{"bench", "--json=maybe"}, `--json "maybe": want true or false`},
		{"bad mode", nil, []string{"serve", "--mode", "turbo"}, "turbo"},
		{"bad size", nil, []string{"serve", "--max-body", "lots"}, "max-body"},
		{"prefix without its slash", nil, []string{"serve", "--prefix", "cgi"}, `--prefix "cgi": must start with /`},
		// A MENSHEN_* variable urfave/cli cannot read: the same reason,
		// naming the variable.
		{"bad env value", []string{"MENSHEN_MAX_PROCS=many"}, []string{"serve"}, `MENSHEN_MAX_PROCS="many": not a whole number`},
		{"bad env duration", []string{"MENSHEN_TIMEOUT=abc"}, []string{"serve"}, `MENSHEN_TIMEOUT="abc": not a duration (a number with a unit, e.g. "90s"`},
		{"env duration without unit", []string{"MENSHEN_BUSY_POLL=300"}, []string{"serve"}, `MENSHEN_BUSY_POLL="300": a duration needs a unit, e.g. "300us"`},
		{"env number out of range", []string{"MENSHEN_WORKERS=99999999999999999999"}, []string{"check"}, `MENSHEN_WORKERS="99999999999999999999": value out of range`},
		{"bad env boolean", []string{"MENSHEN_PASS_AUTHORIZATION=maybe"}, []string{"serve"}, `MENSHEN_PASS_AUTHORIZATION="maybe": want true or false`},
		{"missing scripts dir", nil, []string{"serve", "--scripts", "/nonexistent/menshen-scripts", "--admin", "off"}, "/nonexistent/menshen-scripts"},
		{"bad mode command", nil, []string{"mode", "turbo"}, "turbo"},
		{"mode with an empty script name", nil, []string{"mode", "fastcgi", ""}, "empty script name"},
		{"mode with the admin listener off", nil, []string{"mode", "--admin", "off", "cgi"}, "--admin off"},
		// urfave/cli stops reading flags at a word: the --listen after it
		// would be ignored without a word.
		{"word after serve", nil, []string{"serve", "extra", "--listen", "127.0.0.1:1"}, "extra"},
		{"word after check", nil, []string{"check", "extra"}, "extra"},
		{"word after version", nil, []string{"version", "extra"}, "extra"},
		{"unknown flag of version", nil, []string{"version", "--bogus"}, "bogus"},
		{"negative timeout", []string{"MENSHEN_TIMEOUT=-5s"}, []string{"serve"}, "MENSHEN_TIMEOUT=-5s: must be positive"},
		{"negative busy poll", nil, []string{"serve", "--busy-poll", "-1ms"}, "--busy-poll -1ms: must not be negative"},
		{"busy poll too long", []string{"MENSHEN_BUSY_POLL=2ms"}, []string{"serve"}, "MENSHEN_BUSY_POLL=2ms: at most 1ms (it keeps a processor busy)"},
		// A value from a variable is named by the variable, not by a
		// flag the user never gave; one given on the command line by
		// its flag, its variable set or not.
		{"negative queue from the environment", []string{"MENSHEN_QUEUE=-1"}, []string{"serve", "--admin", "off"}, "MENSHEN_QUEUE=-1: must not be negative"},
		{"negative queue beside its variable", []string{"MENSHEN_QUEUE=5"}, []string{"serve", "--admin", "off", "--queue", "-1"}, "--queue -1: must not be negative"},
		{"zero workers from the environment", []string{"MENSHEN_WORKERS=0"}, []string{"check"}, "MENSHEN_WORKERS=0: must be positive"},
		{"isolation from the environment", []string{"MENSHEN_ISOLATION=strict"}, []string{"serve", "--admin", "off"}, `MENSHEN_ISOLATION="strict": want auto, perlrun or registry`},
		{"admin from the environment on the listen address", []string{"MENSHEN_ADMIN=127.0.0.1:9"}, []string{"serve", "--listen", "127.0.0.1:9"}, `MENSHEN_ADMIN="127.0.0.1:9" is --listen's address too`},
		{"min-workers from the environment above workers", []string{"MENSHEN_MIN_WORKERS=5"}, []string{"serve", "--scripts", "../../scripts", "--admin", "off", "--workers", "2"}, "min-workers 5 (MENSHEN_MIN_WORKERS): more than workers 2 (--workers)"},
		{"bench duration from its old variable", []string{"MENSHEN_BENCH_DURATION=-1s"}, []string{"bench"}, "MENSHEN_BENCH_DURATION=-1s: must be positive"},
		{"mode with the admin listener off from the environment", []string{"MENSHEN_ADMIN=off"}, []string{"mode", "cgi"}, "MENSHEN_ADMIN=off: menshen mode talks"},
		{"zero timeout", nil, []string{"serve", "--timeout", "0s"}, "timeout"},
		{"negative idle timeout", nil, []string{"serve", "--idle-timeout", "-1s"}, "idle-timeout"},
		{"min-workers above workers", nil, []string{"serve", "--scripts", "../../scripts", "--admin", "off", "--min-workers", "5", "--workers", "2"}, "min-workers 5 (--min-workers): more than workers 2 (--workers)"},
		{"listen without port", nil, []string{"serve", "--listen", "notanaddr"}, "notanaddr"},
		// Apache's `Listen 8080`: a port alone.
		{"listen as a port alone", nil, []string{"serve", "--listen", "8080"}, `want HOST:PORT: "127.0.0.1:8080" for loopback, ":8080" for every address`},
		{"listen port out of range", nil, []string{"serve", "--listen", "127.0.0.1:99999"}, "99999"},
		{"admin without port", nil, []string{"serve", "--admin", "localhost"}, "admin"},
		{"admin on the listen address", nil, []string{"serve", "--listen", "127.0.0.1:9", "--admin", "127.0.0.1:9"}, "is --listen's address too"},
		{"admin on the listen port of every address", nil, []string{"serve", "--listen", "127.0.0.1:9", "--admin", "0.0.0.0:9", "--admin-token", "x"}, "is --listen's address too"},
		// A host name is what it resolves to: this was the bind's
		// "address already in use", exit 1.
		{"admin on the listen address by name", nil, []string{"serve", "--listen", "127.0.0.1:9", "--admin", "localhost:9"}, `--admin "localhost:9" is --listen's address too`},
		// No HTTP header carries a token with blanks at its ends: no
		// client could present it.
		{"admin token of blanks", nil, []string{"serve", "--admin-token", " "}, "--admin-token: must not begin or end with white space"},
		{"admin token with a trailing blank", []string{"MENSHEN_ADMIN_TOKEN=s3cret "}, []string{"serve"}, "MENSHEN_ADMIN_TOKEN: must not begin or end with white space"},
		{"admin token with a newline", nil, []string{"serve", "--admin-token", "s3\ncret"}, "nor hold a control character"},
		// An empty value on the command line (`--scripts "$DIR"` with DIR
		// unset) is refused, not taken for the default.
		{"empty scripts", nil, []string{"serve", "--scripts", ""}, "--scripts: empty value"},
		{"empty prefix", nil, []string{"serve", "--prefix="}, "--prefix: empty value (write / to serve scripts at the root)"},
		{"empty mode of check", nil, []string{"check", "--mode", ""}, "--mode: empty value"},
		{"prefix of an empty segment", nil, []string{"serve", "--scripts", "../../scripts", "--admin", "off", "--prefix", "//"}, "(write /)"},
		{"prefix climbing to the root", nil, []string{"serve", "--scripts", "../../scripts", "--admin", "off", "--prefix", "/cgi-bin/../"}, "(write /)"},
		{"unknown command", nil, []string{"serv"}, `unknown command "serv" (commands: serve, check, mode, bench, version`},
		{"negative bench queue", nil, []string{"bench", "--queue", "-1"}, "--queue -1: must not be negative"},
		{"negative bench duration", nil, []string{"bench", "--duration", "-1s"}, "--duration -1s: must be positive"},
		{"zero bench duration", nil, []string{"bench", "--duration", "0s"}, "--duration 0s: must be positive"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			code, stdout, stderr := runMenshen(t, tc.env, tc.args...)
			if code != 2 {
				t.Errorf("exit code %d, want 2 (stderr %q)", code, stderr)
			}
			oneLine(t, "stderr", stderr)
			if !strings.Contains(stderr, tc.want) {
				t.Errorf("stderr %q does not name %q", stderr, tc.want)
			}
			if stdout != "" {
				t.Errorf("stdout %q, want nothing (no help dump)", stdout)
			}
		})
	}
}

// TestServe_BadConfigExits2 guards §7: an unknown key in the config file
// exits 2 naming the file's line.
func TestServe_BadConfigExits2(t *testing.T) {
	t.Parallel()
	conf := filepath.Join(t.TempDir(), "menshen.toml")
	if err := os.WriteFile(conf, []byte("mode = \"cgi\"\n\ntimeot = \"5s\"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, stderr := runMenshen(t, nil, "serve", "--admin", "off", "--listen", freeAddr(t), "--scripts", mustCopyTestdata(t, "cgi"), "--config", conf)
	if code != 2 {
		t.Errorf("exit code %d, want 2 (stderr %q)", code, stderr)
	}
	oneLine(t, "stderr", stderr)
	for _, want := range []string{"line 3", "timeot", conf} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr %q does not name %q", stderr, want)
		}
	}
}

// TestCheck_SymlinkedScriptsDirectory: check walks a scripts directory
// that is a symlink (a deploy's `current -> releases/r1`) and names the
// problems under the path given.
func TestCheck_SymlinkedScriptsDirectory(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	real := filepath.Join(root, "releases", "r1")
	if err := os.MkdirAll(real, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(real, "report.pl"), []byte("#!/usr/bin/perl\nprint 1;\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(root, "current")
	if err := os.Symlink(filepath.Join("releases", "r1"), link); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := runMenshen(t, nil, "check", "--scripts", link)
	if code == 0 || !strings.Contains(stdout, filepath.Join(link, "report.pl")+": not executable") {
		t.Errorf("exit %d, stdout %q (stderr %q): want current/report.pl reported not executable", code, stdout, stderr)
	}
}

// TestCheck_ReportsNonExecutableScript guards §1 `menshen check`: one line
// per problem and a non-zero exit; a clean directory passes.
func TestCheck_ReportsNonExecutableScript(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "ok.sh"), []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := runMenshen(t, nil, "check", "--scripts", dir)
	if code != 0 {
		t.Errorf("clean dir: exit %d (stdout %q stderr %q), want 0", code, stdout, stderr)
	}
	if err := os.WriteFile(filepath.Join(dir, "report.pl"), []byte("#!/usr/bin/perl\nprint 1;\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr = runMenshen(t, nil, "check", "--scripts", dir)
	if code == 0 {
		t.Errorf("exit 0 with a non-executable report.pl, want non-zero")
	}
	oneLine(t, "stdout", stdout)
	if !strings.Contains(stdout, "report.pl") || !strings.Contains(stdout, "not executable") {
		t.Errorf("stdout %q does not say report.pl is not executable", stdout)
	}
	if stderr != "" {
		// (A count of the problems here made N+1 lines for N.)
		t.Errorf("stderr %q, want nothing but the problem lines", stderr)
	}

	t.Run("DOS line endings", func(t *testing.T) {
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, "dos.pl"), []byte("#!/usr/bin/perl\r\nprint 1;\r\n"), 0o755); err != nil {
			t.Fatal(err)
		}
		code, stdout, _ := runMenshen(t, nil, "check", "--scripts", dir)
		if code == 0 {
			t.Errorf("exit 0 for a #!/usr/bin/perl\\r script, which can never run")
		}
		oneLine(t, "stdout", stdout)
		if !strings.Contains(stdout, "dos.pl") || !strings.Contains(stdout, "CR") {
			t.Errorf("stdout %q does not blame dos.pl's line endings", stdout)
		}
	})

	// One file check must blame, each alone in a directory: a problem
	// line naming it and saying what is wrong, and a non-zero exit.
	for _, tc := range []struct {
		name, file, src string
		perm            os.FileMode
		says            string
	}{
		// An editor's byte order mark hides the #! line from the
		// kernel: named, not "neither a #! script nor a program".
		{"byte order mark", "bom.pl", "\xef\xbb\xbf#!/usr/bin/perl\nprint 1;\n", 0o755, "byte order mark"},
		// #!/usr/bin/env perl -w: the kernel gives env "perl -w" as one name.
		{"env with a switch", "envw.pl", "#!/usr/bin/env perl -w\nprint 1;\n", 0o755, `"perl -w" to env as one program name`},
		// An Apache .htaccess is never read: what it guarded is open.
		{"htaccess", ".htaccess", "Require valid-user\n", 0o644, "does not read"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			mustWriteMode(t, filepath.Join(dir, tc.file), tc.src, tc.perm)
			code, stdout, _ := runMenshen(t, nil, "check", "--scripts", dir)
			if code == 0 {
				t.Errorf("exit 0 for %s, want non-zero", tc.file)
			}
			oneLine(t, "stdout", stdout)
			if !strings.Contains(stdout, tc.file) || !strings.Contains(stdout, tc.says) {
				t.Errorf("stdout %q does not blame %s: want %q", stdout, tc.file, tc.says)
			}
		})
	}

	// What suEXEC refuses, check names: a script anyone may write, a
	// set-user-ID one, one in a directory anyone may write.
	t.Run("anyone could change it", func(t *testing.T) {
		for name, setup := range map[string]func(dir string) string{
			"world-writable file": func(dir string) string {
				p := filepath.Join(dir, "ww.sh")
				mustWriteMode(t, p, "#!/bin/sh\n", 0o777)
				return "writable by anyone"
			},
			"setuid file": func(dir string) string {
				p := filepath.Join(dir, "suid.sh")
				mustWriteMode(t, p, "#!/bin/sh\n", 0o755|os.ModeSetuid)
				return "set-user-ID"
			},
			"world-writable directory": func(dir string) string {
				sub := filepath.Join(dir, "open")
				if err := os.Mkdir(sub, 0o755); err != nil || os.Chmod(sub, 0o777) != nil {
					t.Fatal(err)
				}
				mustWriteMode(t, filepath.Join(sub, "x.sh"), "#!/bin/sh\n", 0o755)
				return "directory " + sub + " is writable by anyone"
			},
		} {
			t.Run(name, func(t *testing.T) {
				dir := t.TempDir()
				want := setup(dir)
				code, stdout, _ := runMenshen(t, nil, "check", "--scripts", dir)
				if code == 0 {
					t.Errorf("exit 0, want non-zero")
				}
				oneLine(t, "stdout", stdout)
				if !strings.Contains(stdout, want) {
					t.Errorf("stdout %q does not say %q", stdout, want)
				}
			})
		}
	})
}

// TestCheck_RootDirectory: a scripts directory of / (a mount made by
// mistake) is a bad setting, named at once, not a walk of the whole
// machine, by check and by serve alike (exit 2): serve took it, and its
// watcher walked /proc and /sys for minutes before it listened, deaf to
// SIGTERM.
func TestCheck_RootDirectory(t *testing.T) {
	t.Parallel()
	start := time.Now()
	code, stdout, stderr := runMenshen(t, nil, "check", "--scripts", "/")
	if code != 2 || !strings.Contains(stderr, "root directory") {
		t.Errorf("check --scripts /: exit %d, stderr %.300q; want 2 and the line naming the root directory", code, stderr)
	}
	conf := filepath.Join(t.TempDir(), "menshen.toml")
	if err := os.WriteFile(conf, []byte("[[mount]]\nprefix = \"/a/\"\ndir = \"/\"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{
		{"serve", "--listen", freeAddr(t), "--admin", "off", "--scripts", "/"},
		{"serve", "--listen", freeAddr(t), "--admin", "off", "--scripts", "../../scripts", "--config", conf},
	} {
		code, _, stderr := runMenshen(t, nil, args...)
		if code != 2 || !strings.Contains(stderr, "root directory") {
			t.Errorf("%q: exit %d, stderr %.300q; want 2 and the line naming the root directory", args, code, stderr)
		}
	}
	if n := strings.Count(stdout, "\n"); n > 3 {
		t.Errorf("check --scripts / printed %d lines: it walked the machine", n)
	}
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("check --scripts / took %v", d)
	}
}

// mustWriteMode writes a file and sets its mode exactly (umask aside).
func mustWriteMode(tb testing.TB, p, content string, mode os.FileMode) {
	tb.Helper()
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		tb.Fatal(err)
	}
	if err := os.Chmod(p, mode); err != nil {
		tb.Fatal(err)
	}
}

// TestVersion guards §1 `menshen version`: version, Go version, commit.
func TestVersion(t *testing.T) {
	t.Parallel()
	code, stdout, stderr := runMenshen(t, nil, "version")
	if code != 0 || stderr != "" {
		t.Errorf("exit %d stderr %q, want 0 and nothing", code, stderr)
	}
	oneLine(t, "stdout", stdout)
	for _, want := range []string{"menshen", "go1.", "commit"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("version %q lacks %q", stdout, want)
		}
	}
}

// TestMode_NoGatewayIsClearError guards §1 `menshen mode`: no gateway at
// --admin is a clear one-line error and a non-zero exit.
func TestMode_NoGatewayIsClearError(t *testing.T) {
	t.Parallel()
	addr := freeAddr(t)
	code, stdout, stderr := runMenshen(t, nil, "mode", "--admin", addr, "fastcgi")
	if code == 0 {
		t.Errorf("exit 0 with no gateway at %s (stdout %q)", addr, stdout)
	}
	oneLine(t, "stderr", stderr)
	if !strings.Contains(stderr, addr) {
		t.Errorf("stderr %q does not name the admin address %s", stderr, addr)
	}
}

// TestMode_PublicListenerIsNoAdmin: `mode --admin` given the public
// listener's address says that is no admin listener, not only "404 Not
// Found" (exit 2, as for any refusal of the request).
func TestMode_PublicListenerIsNoAdmin(t *testing.T) {
	t.Parallel()
	dir := mustCopyTestdata(t, "cgi")
	addr := freeAddr(t)
	s := mustServe(t, addr, nil, "--listen", addr, "--admin", "off", "--scripts", dir)
	defer s.stop(t, syscall.SIGTERM)
	code, _, stderr := runMenshen(t, nil, "mode", "--admin", addr, "cgi")
	if code != 2 || !strings.Contains(stderr, "is "+addr+" menshen's admin listener?") {
		t.Errorf("mode --admin <public listener>: exit %d, %q; want 2 and a word that this is no admin listener", code, stderr)
	}
	oneLine(t, "stderr", stderr)
}

// TestMode_AdminWithoutPort: --admin without a port is a usage error, as
// for serve, not a request dialled on port 80.
func TestMode_AdminWithoutPort(t *testing.T) {
	t.Parallel()
	code, _, stderr := runMenshen(t, nil, "mode", "--admin", "127.0.0.1", "fastcgi")
	if code != 2 || !strings.Contains(stderr, "host:port") {
		t.Errorf("exit %d, stderr %q; want 2 and a host:port hint", code, stderr)
	}
	oneLine(t, "stderr", stderr)
}

// TestMode_SwitchesRunningGateway guards C30 from the command line: `menshen
// mode` posts to the admin listener of a running gateway.
func TestMode_SwitchesRunningGateway(t *testing.T) {
	t.Parallel()
	dir := mustCopyTestdata(t, "cgi")
	addr, admin := freeAddr(t), freeAddr(t)
	s := mustServe(t, addr, nil, "--listen", addr, "--admin", admin, "--scripts", dir)
	code, stdout, stderr := runMenshen(t, nil, "mode", "--admin", admin, "cgi", "hello.sh")
	if code != 0 {
		t.Errorf("exit %d (stderr %q), want 0", code, stderr)
	}
	if !strings.Contains(stdout, "hello.sh") {
		t.Errorf("stdout %q does not confirm the switch of hello.sh", stdout)
	}
	if code, body := get(t, "http://"+addr+"/cgi-bin/hello.sh"); code != 200 || body != "hello\n" {
		t.Errorf("GET hello.sh after the switch: %d %q", code, body)
	}
	// A script the gateway does not serve is a bad argument (exit 2, as
	// for bench), not a runtime failure.
	code, _, stderr = runMenshen(t, nil, "mode", "--admin", admin, "fastcgi", "nosuch.sh")
	if code != 2 || !strings.Contains(stderr, "no such script: nosuch.sh") {
		t.Errorf("mode for a missing script: exit %d, stderr %q; want 2 naming it", code, stderr)
	}
	oneLine(t, "stderr", stderr)
	s.stop(t, syscall.SIGTERM)
	sc := bufio.NewScanner(strings.NewReader(s.stderr.String()))
	for sc.Scan() {
		if strings.Contains(sc.Text(), "mode switched") {
			return
		}
	}
	t.Errorf("no \"mode switched\" in the log:\n%s", s.stderr)
}

// TestServe_WorkersHoldNoThreads: a live FastCGI worker costs the gateway
// no OS thread (its exit is watched through a pidfd and the runtime's
// poller): with a low process limit (ulimit -u, a cgroup's pids.max) a
// thread per worker made the runtime fail to create one, which Go does
// not survive.
func TestServe_WorkersHoldNoThreads(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "w.pl"), []byte("#!/usr/bin/perl\nprint \"Content-Type: text/plain\\n\\nok\\n\";\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	addr, admin := freeAddr(t), freeAddr(t)
	const workers = 40
	s := mustServe(t, addr, nil, "--listen", addr, "--admin", admin, "--scripts", dir, "--mode", "fastcgi",
		"--workers", fmt.Sprint(workers), "--min-workers", fmt.Sprint(workers))
	waitUntil(t, "the warm workers", func() bool {
		_, body := get(t, "http://"+admin+"/status.json")
		return strings.Count(body, `"pid"`) >= workers
	})
	time.Sleep(200 * time.Millisecond)
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", s.cmd.Process.Pid))
	if err != nil {
		t.Fatal(err)
	}
	var threads int
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "Threads:"); ok {
			threads, _ = strconv.Atoi(strings.TrimSpace(v))
		}
	}
	if threads == 0 || threads >= workers/2 {
		t.Errorf("the gateway has %d threads with %d live workers, want a few, whatever the workers", threads, workers)
	}
	s.stop(t, syscall.SIGTERM)
}

// TestServe_ClosedLogPipeDoesNotKill: a log pipe whose reader went away
// (serve 2>&1 | tee, a logger restarting) does not end the gateway: it
// goes on answering (Go ends a program whose write to fd 2 meets a broken
// pipe unless it asks for SIGPIPE).
func TestServe_ClosedLogPipeDoesNotKill(t *testing.T) {
	t.Parallel()
	dir := mustCopyTestdata(t, "cgi")
	addr := freeAddr(t)
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(binary, "serve", "--listen", addr, "--admin", "off", "--scripts", dir)
	cmd.Env = menshenEnv("TMPDIR=" + t.TempDir())
	cmd.Stderr = w
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	w.Close()
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	t.Cleanup(func() {
		cmd.Process.Kill()
		<-done
	})
	waitUntil(t, "the listener", func() bool {
		c, err := net.Dial("tcp", addr)
		if err == nil {
			c.Close()
		}
		return err == nil
	})
	r.Close() // the log's reader goes away
	for i := 0; i < 5; i++ {
		if code, body := get(t, "http://"+addr+"/cgi-bin/hello.sh"); code != 200 || body != "hello\n" {
			t.Fatalf("request %d after the log pipe closed: %d %q", i+1, code, body)
		}
		time.Sleep(2 * flushEvery) // the access lines are written, and fail
	}
	select {
	case err := <-done:
		t.Fatalf("menshen ended when its log pipe closed: %v", err)
	default:
	}
}

// TestServe_SIGHUPReloadsConfig guards C33 (and C32): after the config file
// changes and SIGHUP arrives, new requests see the new [env]; a bad edit
// keeps the previous config and the gateway running.
func TestServe_SIGHUPReloadsConfig(t *testing.T) {
	t.Parallel()
	dir := mustCopyTestdata(t, "cgi")
	conf := filepath.Join(t.TempDir(), "menshen.toml")
	write := func(content string) {
		t.Helper()
		if err := os.WriteFile(conf, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("[env]\nRELOAD_MARK = \"one\"\n")
	addr := freeAddr(t)
	s := mustServe(t, addr, nil, "--listen", addr, "--admin", "off", "--scripts", dir, "--config", conf)
	mark := func() string {
		_, body := get(t, "http://"+addr+"/cgi-bin/env.pl")
		for _, l := range strings.Split(body, "\n") {
			if v, ok := strings.CutPrefix(l, "RELOAD_MARK="); ok {
				return v
			}
		}
		return ""
	}
	if m := mark(); m != "one" {
		t.Fatalf("RELOAD_MARK = %q, want one", m)
	}
	waitMark := func(want string) {
		t.Helper()
		deadline := time.Now().Add(3 * time.Second)
		for mark() != want {
			if time.Now().After(deadline) {
				t.Fatalf("RELOAD_MARK = %q 3s after SIGHUP, want %q\n%s", mark(), want, s.stderr)
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
	write("[env]\nRELOAD_MARK = \"two\"\n")
	if err := s.cmd.Process.Signal(syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
	waitMark("two")

	write("[env]\nRELOAD_MARK = \"three\"\nbogus_key = 1\n")
	if err := s.cmd.Process.Signal(syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
	time.Sleep(300 * time.Millisecond)
	if m := mark(); m != "two" {
		t.Errorf("after a bad edit RELOAD_MARK = %q, want the previous config's two", m)
	}
	if code := s.stop(t, syscall.SIGTERM); code != 0 {
		t.Errorf("exit code %d, want 0", code)
	}
	if !strings.Contains(s.stderr.String(), "bogus_key") {
		t.Errorf("the rejected reload is not logged with its reason:\n%s", s.stderr)
	}
	// One edit and its SIGHUP are one reload: the watcher, which saw the
	// same edit, read it again, and logged it twice (a rejected one as
	// twice the error).
	if n, m := strings.Count(s.stderr.String(), "config reloaded"), strings.Count(s.stderr.String(), "bogus_key"); n != 1 || m != 1 {
		t.Errorf("%d lines say the config was reloaded and %d name the rejected edit, want 1 each:\n%s", n, m, s.stderr)
	}
}

// TestServe_AccessLine guards the access log of `menshen serve` (issue 2):
// one line per request with method, path, status, bytes, duration, mode and
// pid, in each log format. serve's logger has no hooks, so the gateway
// formats and writes these lines itself; this is the test of that path.
func TestServe_AccessLine(t *testing.T) {
	t.Parallel()
	for _, format := range []string{"text", "json"} {
		t.Run(format, func(t *testing.T) {
			t.Parallel()
			dir := mustCopyTestdata(t, "cgi")
			addr := freeAddr(t)
			s := mustServe(t, addr, nil, "--listen", addr, "--admin", "off", "--scripts", dir, "--log-format", format)
			if code, body := get(t, "http://"+addr+"/cgi-bin/hello.sh?q=1"); code != 200 || body != "hello\n" {
				t.Fatalf("GET hello.sh: %d %q", code, body)
			}
			if code, _ := get(t, "http://"+addr+"/cgi-bin/missing.sh"); code != 404 {
				t.Fatalf("GET missing.sh: %d, want 404", code)
			}
			if code := s.stop(t, syscall.SIGTERM); code != 0 {
				t.Fatalf("exit code %d", code)
			}
			var ok, notFound map[string]string
			for _, line := range strings.Split(s.stderr.String(), "\n") {
				f := parseLogLine(t, format, line)
				switch {
				case f["msg"] == "request" && f["path"] == "/cgi-bin/hello.sh":
					ok = f
				case f["msg"] == "request failed" && f["path"] == "/cgi-bin/missing.sh":
					notFound = f
				}
			}
			if ok == nil || notFound == nil {
				t.Fatalf("access lines missing (ok %v, 404 %v) in:\n%s", ok, notFound, s.stderr)
			}
			for k, want := range map[string]string{"level": "info", "method": "GET", "status": "200", "bytes": "6", "mode": "cgi", "script": "hello.sh"} {
				if ok[k] != want {
					t.Errorf("access line %s = %q, want %q (%v)", k, ok[k], want, ok)
				}
			}
			if pid, err := strconv.Atoi(ok["pid"]); err != nil || pid <= 0 {
				t.Errorf("access line pid = %q, want the script's pid", ok["pid"])
			}
			if _, err := time.ParseDuration(ok["duration"]); err != nil {
				t.Errorf("access line duration = %q: %v", ok["duration"], err)
			}
			// (A 404 is information, as in Apache's error log: scanners
			// ask for them all day.)
			if notFound["level"] != "info" || notFound["status"] != "404" || notFound["reason"] == "" || notFound["remote"] != "127.0.0.1" {
				t.Errorf("404 line = %v, want level info, status 404, a reason and the client's address", notFound)
			}
		})
	}
}

// parseLogLine returns the fields of a text (key=value) or JSON log line as
// strings; nil for a line that is neither.
func parseLogLine(tb testing.TB, format, line string) map[string]string {
	tb.Helper()
	f := map[string]string{}
	if format == "json" {
		var m map[string]any
		if json.Unmarshal([]byte(line), &m) != nil {
			return nil
		}
		for k, v := range m {
			f[k] = fmt.Sprint(v)
		}
		return f
	}
	for rest := line; rest != ""; {
		rest = strings.TrimLeft(rest, " ")
		k, v, ok := strings.Cut(rest, "=")
		if !ok {
			return f
		}
		if strings.HasPrefix(v, `"`) {
			q, err := strconv.QuotedPrefix(v)
			if err != nil {
				return nil
			}
			rest = v[len(q):]
			f[k], _ = strconv.Unquote(q)
			continue
		}
		v, rest, _ = strings.Cut(v, " ")
		f[k] = v
	}
	return f
}

// TestCheck_ListsEveryProblem guards §1 `menshen check` "one line per
// problem": every problem of the config file, in line order, a [script]
// table naming no script, and the directory's own problems even when the
// config is bad.
func TestCheck_ListsEveryProblem(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "report.pl"), []byte("#!/usr/bin/perl\nprint 1;\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	conf := filepath.Join(t.TempDir(), "menshen.toml")
	if err := os.WriteFile(conf, []byte("bogus = 1\nmode = \"fast\"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, stdout, _ := runMenshen(t, nil, "check", "--scripts", dir, "--config", conf)
	if code != 2 {
		t.Errorf("bad config: exit %d, want 2", code)
	}
	lines := strings.Split(strings.TrimSpace(stdout), "\n")
	if len(lines) != 3 || !strings.Contains(lines[0], "line 1") || !strings.Contains(lines[1], "line 2") || !strings.Contains(lines[2], "report.pl") {
		t.Errorf("stdout %q, want line 1's and line 2's problems, then report.pl's", stdout)
	}

	if err := os.WriteFile(conf, []byte("[script.\"nope.pl\"]\nmode = \"cgi\"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, stdout, _ = runMenshen(t, nil, "check", "--scripts", dir, "--config", conf)
	if code == 0 || !strings.Contains(stdout, "nope.pl") || !strings.Contains(stdout, "report.pl") {
		t.Errorf("exit %d, stdout %q: want nope.pl named as no script and report.pl's problem", code, stdout)
	}
}

// TestCheck_ProblemsDoNotHideEachOther: a negative duration, a mount
// whose directory is missing, a wrapper whose command is missing (a config
// problem: exit 2, and serve refuses it), a negative per-script workers, and a
// mount with no dir (never the current directory scanned in its place)
// are each one line, and none hides the others.
func TestCheck_ProblemsDoNotHideEachOther(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "ok.pl"), []byte("#!/usr/bin/perl\nprint \"Content-Type: text/plain\\n\\nok\\n\";\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	conf := filepath.Join(t.TempDir(), "menshen.toml")
	body := "[[mount]]\nprefix = \"/legacy/\"\ndir = \"/nonexistent-menshen-dir\"\n" +
		"[[mount]]\nprefix = \"/empty/\"\n" +
		"[[mount]]\nprefix = \"/x//\"\ndir = \"/tmp\"\n" +
		"[[wrapper]]\next = \".php\"\ncommand = \"/nonexistent-menshen-php-cgi\"\n" +
		"[script.\"ok.pl\"]\nmode = \"x\"\nworkers = -1\ntimeout = \"-1s\"\n" +
		"[script.\"missing.pl\"]\nmode = \"cgi\"\n"
	if err := os.WriteFile(conf, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	// Run from a directory holding a non-executable script: a mount with
	// no dir must not make check scan it.
	cwd := t.TempDir()
	if err := os.WriteFile(filepath.Join(cwd, "stray.pl"), []byte("#!/usr/bin/perl\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, stdout, _ := runMenshenIn(t, cwd, nil, "check", "--scripts", dir, "--config", conf)
	if code != 2 {
		t.Errorf("exit %d, want 2 (config problems)", code)
	}
	for _, want := range []string{"/nonexistent-menshen-dir", "dir is required", "/nonexistent-menshen-php-cgi", `mode "x"`, "workers -1", "timeout must be positive", "missing.pl", "segment"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("no line about %s in %q", want, stdout)
		}
	}
	if strings.Contains(stdout, "stray.pl") {
		t.Errorf("check scanned the current directory: %q", stdout)
	}
	// More warm workers than workers (the one problem found across keys)
	// does not hide a [script] table that names no script.
	if err := os.WriteFile(conf, []byte("workers = 1\nmin_workers = 2\n[script.\"missing.pl\"]\nmode = \"cgi\"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, stdout, _ = runMenshenIn(t, cwd, nil, "check", "--scripts", dir, "--config", conf)
	if code != 2 || !strings.Contains(stdout, "min-workers 2") || !strings.Contains(stdout, `[script."missing.pl"] names no script`) {
		t.Errorf("min_workers above workers and a table naming no script: exit %d, %q; want both lines", code, stdout)
	}
	// A [script] table naming no script alone is a problem (exit 1), not
	// a bad config (2): serve starts with it, with a warning.
	if err := os.WriteFile(conf, []byte("[script.\"missing.pl\"]\nmode = \"cgi\"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, stdout, _ = runMenshenIn(t, cwd, nil, "check", "--scripts", dir, "--config", conf)
	if code != 1 || !strings.Contains(stdout, `[script."missing.pl"] names no script`) {
		t.Errorf("a table naming no script: exit %d, %q; want 1 and the line", code, stdout)
	}
	// A script's own min_workers above its own workers: one line, not two.
	if err := os.WriteFile(conf, []byte("[script.\"ok.pl\"]\nmin_workers = 5\nworkers = 2\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, stdout, _ = runMenshenIn(t, cwd, nil, "check", "--scripts", dir, "--config", conf)
	if code != 2 || strings.Count(stdout, "min_workers 5") != 1 {
		t.Errorf("a script's min_workers above its workers: exit %d, %q; want the problem once", code, stdout)
	}
	// serve refuses the missing wrapper command as a config problem.
	if err := os.WriteFile(conf, []byte("[[wrapper]]\next = \".php\"\ncommand = \"/nonexistent-menshen-php-cgi\"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, stderr := runMenshen(t, nil, "serve", "--listen", freeAddr(t), "--admin", "off", "--scripts", dir, "--config", conf)
	if code != 2 || !strings.Contains(stderr, "nonexistent-menshen-php-cgi") {
		t.Errorf("serve with a missing wrapper command: exit %d, stderr %q; want 2 naming it", code, stderr)
	}
}

// TestServe_InheritedDescriptorsDoNotReachScripts guards C4's "the gateway's
// own environment does not leak" for descriptors: one menshen inherited
// (a shell's pipe, a supervisor's socket) is not open in a script.
func TestServe_InheritedDescriptorsDoNotReachScripts(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "fds.sh"), []byte("#!/bin/sh\nprintf 'Content-Type: text/plain\\n\\n'\nfor f in 3 4; do [ -e /proc/$$/fd/$f ] && echo open $f; done\necho done\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	inherited, err := os.Open(os.DevNull)
	if err != nil {
		t.Fatal(err)
	}
	defer inherited.Close()
	addr := freeAddr(t)
	mustServeInheriting(t, addr, []*os.File{inherited, inherited}, nil, "--listen", addr, "--admin", "off", "--scripts", dir)
	resp, err := http.Get("http://" + addr + "/cgi-bin/fds.sh")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if string(body) != "done\n" {
		t.Errorf("script saw %q, want no descriptor 3 or 4 open (menshen's inherited ones)", body)
	}
}

// TestServe_WorkersDieWithTheGateway guards "never leak a process": a
// gateway killed outright (SIGKILL, a crash) takes its FastCGI workers with
// it instead of leaving them blocked in accept for good.
func TestServe_WorkersDieWithTheGateway(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "pid.pl"), []byte("#!/usr/bin/perl\nprint \"Content-Type: text/plain\\n\\n$$\\n\";\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	addr := freeAddr(t)
	s := mustServe(t, addr, nil, "--listen", addr, "--admin", "off", "--scripts", dir, "--mode", "fastcgi")
	resp, err := http.Get("http://" + addr + "/cgi-bin/pid.pl")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	worker, err := strconv.Atoi(strings.TrimSpace(string(body)))
	if err != nil {
		t.Fatalf("body %q: %v", body, err)
	}
	_ = s.cmd.Process.Kill()
	<-s.done
	deadline := time.Now().Add(3 * time.Second)
	for {
		stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", worker))
		// Gone, or a zombie waiting for init: dead either way.
		if err != nil || strings.Contains(string(stat), ") Z ") {
			return
		}
		if time.Now().After(deadline) {
			_ = syscall.Kill(-worker, syscall.SIGKILL)
			t.Fatalf("worker %d still running 3s after its gateway was killed", worker)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestServe_KilledGatewaysDirectoryIsSwept: a gateway killed outright
// cannot remove its private directory (the Perl runner, sockets, spooled
// bodies); the next gateway started by the same user does.
func TestServe_KilledGatewaysDirectoryIsSwept(t *testing.T) {
	t.Parallel()
	tmp := t.TempDir()
	private := func() []string {
		m, _ := filepath.Glob(filepath.Join(tmp, "menshen-*"))
		return m
	}
	addr := freeAddr(t)
	s := mustServe(t, addr, []string{"TMPDIR=" + tmp}, "--listen", addr, "--admin", "off", "--scripts", t.TempDir())
	first := private()
	if len(first) != 1 {
		t.Fatalf("private directories of one gateway: %v", first)
	}
	_ = s.cmd.Process.Kill()
	<-s.done
	if _, err := os.Stat(first[0]); err != nil {
		t.Fatalf("a SIGKILLed gateway removed its directory? %v", err)
	}

	addr2 := freeAddr(t)
	s2 := mustServe(t, addr2, []string{"TMPDIR=" + tmp}, "--listen", addr2, "--admin", "off", "--scripts", t.TempDir())
	if now := private(); len(now) != 1 || now[0] == first[0] {
		t.Errorf("private directories after the second start: %v, want only a new one (the killed gateway's was %s)", now, first[0])
	}
	s2.cmd.Process.Signal(syscall.SIGTERM)
	<-s2.done
	if now := private(); len(now) != 0 {
		t.Errorf("private directories after a graceful stop: %v", now)
	}
}

// TestServe_SecondSignalCutsGraceShort guards C33's grace from the other
// side: a second SIGTERM during a graceful stop ends the requests still
// running at once (their process groups killed), the log says the gateway
// stopped them (not a client gone), and menshen exits 0 long before the
// 10 s grace.
func TestServe_SecondSignalCutsGraceShort(t *testing.T) {
	t.Parallel()
	dir := mustCopyTestdata(t, "cgi")
	addr := freeAddr(t)
	s := mustServe(t, addr, nil, "--listen", addr, "--admin", "off", "--scripts", dir)
	res := getLater("http://" + addr + "/cgi-bin/sleeper.sh")
	readPid(t, filepath.Join(dir, "pids"))
	b, _ := os.ReadFile(filepath.Join(dir, "pids"))
	f := strings.Fields(string(b)) // the background child, then the script (its group)
	if len(f) != 2 {
		t.Fatalf("pids %q", b)
	}
	group, _ := strconv.Atoi(f[1])
	start := time.Now()
	if err := s.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	// The second signal once the first is handled (two sent at once can
	// reach the process as one), and past signalBounce after menshen had
	// the first (sooner, it is taken for the same stop signalled twice):
	// it had it before it logged the shutdown, which a loaded machine may
	// make well after it was sent.
	s.waitShutdown(t)
	time.Sleep(signalBounce + 100*time.Millisecond)
	if code := s.stop(t, syscall.SIGTERM); code != 0 {
		t.Errorf("exit code %d, want 0\n%s", code, s.stderr)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("exit %v after the first signal, want well within the 10 s grace", d)
	}
	mustGroupGone(t, group)
	if log := s.stderr.String(); !strings.Contains(log, "shutting down") || !strings.Contains(log, "status=503") {
		t.Errorf("log does not say the request was stopped by the shutdown (503):\n%s", log)
	}
	// The script had written no header yet: the client gets the 503 the
	// log says, not a connection closed without an answer.
	select {
	case r := <-res:
		if r.code != 503 || r.header.Get("Retry-After") != "1" {
			t.Errorf("client got %d (Retry-After %q, %v), want 503 with Retry-After: 1", r.code, r.header.Get("Retry-After"), r.err)
		}
	case <-time.After(5 * time.Second):
		t.Error("client got no answer")
	}
}

// TestServe_BodyStillArrivingAtTheEndOfTheGrace: a request whose body is
// still coming in when the shutdown's grace ends (here cut short by a
// second signal) is answered 503 with Retry-After, and logged so with the
// shutdown as its reason, as the requests whose scripts the shutdown
// stops: not a connection closed without an answer, logged as the
// client's 400.
func TestServe_BodyStillArrivingAtTheEndOfTheGrace(t *testing.T) {
	t.Parallel()
	dir := mustCopyTestdata(t, "cgi")
	addr := freeAddr(t)
	s := mustServe(t, addr, nil, "--listen", addr, "--admin", "off", "--scripts", dir)
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := fmt.Fprintf(c, "POST /cgi-bin/echo.sh HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nContent-Length: 4000\r\n\r\n"); err != nil {
		t.Fatal(err)
	}
	stopSending := make(chan struct{})
	defer close(stopSending)
	go func() { // the body, a little at a time
		for range 100 {
			select {
			case <-stopSending:
				return
			case <-time.After(50 * time.Millisecond):
			}
			if _, err := c.Write(bytes.Repeat([]byte("x"), 10)); err != nil {
				return
			}
		}
	}()
	time.Sleep(300 * time.Millisecond)
	start := time.Now()
	if err := s.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	s.waitShutdown(t)
	time.Sleep(time.Until(start.Add(signalBounce + 100*time.Millisecond)))
	if code := s.stop(t, syscall.SIGTERM); code != 0 {
		t.Errorf("exit code %d, want 0\n%s", code, s.stderr)
	}
	c.SetReadDeadline(time.Now().Add(5 * time.Second))
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		t.Fatalf("no answer to a request whose body was arriving at the end of the grace: %v\n%s", err, s.stderr)
	}
	resp.Body.Close()
	if resp.StatusCode != 503 || resp.Header.Get("Retry-After") != "1" {
		t.Errorf("answer %s (Retry-After %q), want 503 with Retry-After: 1", resp.Status, resp.Header.Get("Retry-After"))
	}
	if log := s.stderr.String(); !strings.Contains(log, "status=503") || !strings.Contains(log, "the request body was still arriving") {
		t.Errorf("log does not say the shutdown stopped the body's read (503):\n%s", log)
	}
}

// TestServe_BodyFinishingInTheGraceIsServed guards C33 in fastcgi mode: a
// request in flight when SIGTERM comes, its body still arriving (an upload
// during a restart), is served once the body is in, as in cgi mode: it got
// a 503 because no worker pool could be had once the shutdown had begun.
func TestServe_BodyFinishingInTheGraceIsServed(t *testing.T) {
	t.Parallel()
	dir := mustCopyTestdata(t, "cgi")
	addr := freeAddr(t)
	s := mustServe(t, addr, nil, "--listen", addr, "--admin", "off", "--scripts", dir, "--mode", "fastcgi")
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := fmt.Fprintf(c, "POST /cgi-bin/env.pl HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nContent-Length: 20\r\n\r\n0123456789"); err != nil {
		t.Fatal(err)
	}
	time.Sleep(200 * time.Millisecond)
	if err := s.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	s.waitShutdown(t)
	if _, err := c.Write([]byte("abcdefghij")); err != nil {
		t.Fatal(err)
	}
	c.SetReadDeadline(time.Now().Add(10 * time.Second))
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		t.Fatalf("no answer: %v\n%s", err, s.stderr)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(b), "CONTENT_LENGTH=20") {
		t.Errorf("a request whose body came in during the grace: %s %.200q, want 200 from env.pl\n%s", resp.Status, b, s.stderr)
	}
	if code := s.stop(t, syscall.SIGTERM); code != 0 {
		t.Errorf("exit code %d, want 0", code)
	}
}

// TestCheck_ExecutableWithoutShebang: an executable text file without a #!
// line fails every request (exec format error); check names it, and so an
// ELF file cut short or garbled and a program for another machine. A
// program (ELF, here a copy of /bin/true) is no problem.
func TestCheck_ExecutableWithoutShebang(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "x.cgi"), []byte("echo no shebang\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	prog, err := os.ReadFile("/bin/true")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "prog"), prog, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "garbled"), []byte("\x7fELF garbage"), 0o755); err != nil {
		t.Fatal(err)
	}
	// /bin/true for another machine: e_machine (at 18) says ARM64, or
	// x86-64 on an ARM64 host.
	foreign := slices.Clone(prog)
	if foreign[18] == 183 && foreign[19] == 0 {
		foreign[18] = 62
	} else {
		foreign[18], foreign[19] = 183, 0
	}
	if err := os.WriteFile(filepath.Join(dir, "foreign"), foreign, 0o755); err != nil {
		t.Fatal(err)
	}
	code, stdout, _ := runMenshen(t, nil, "check", "--scripts", dir)
	if code != 1 || !strings.Contains(stdout, "x.cgi") || !strings.Contains(stdout, "exec format") || strings.Contains(stdout, "/prog:") {
		t.Errorf("exit %d, stdout %q: want x.cgi named (exec format error), prog not", code, stdout)
	}
	if !strings.Contains(stdout, "/garbled: executable, but not a valid ELF program") || !strings.Contains(stdout, "/foreign: executable, but a program for another machine") {
		t.Errorf("stdout %q: want the garbled ELF file and the other machine's program named", stdout)
	}
}

// TestCheck_InterpreterNotExecutable: a #! interpreter that exists but is
// not an executable file (a directory, a file without x) is reported: the
// kernel refuses it, and every request is a 500.
func TestCheck_InterpreterNotExecutable(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	plain := filepath.Join(t.TempDir(), "plain")
	if err := os.WriteFile(plain, []byte("not a program\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for name, interp := range map[string]string{"dir.sh": t.TempDir(), "plain.sh": plain, "ok.sh": "/bin/sh"} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte("#!"+interp+"\necho\n"), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	code, stdout, _ := runMenshen(t, nil, "check", "--scripts", dir)
	if code != 1 || !strings.Contains(stdout, "dir.sh: interpreter") || !strings.Contains(stdout, "plain.sh: interpreter") || strings.Contains(stdout, "ok.sh") {
		t.Errorf("exit %d, stdout %q: want dir.sh and plain.sh named (not an executable file), ok.sh not", code, stdout)
	}
}

// TestCheck_AdminWithoutToken: check refuses what serve refuses, an admin
// listener off loopback without a token, as a flag problem (exit 2).
func TestCheck_AdminWithoutToken(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	code, stdout, _ := runMenshen(t, nil, "check", "--scripts", dir, "--admin", "0.0.0.0:1")
	if code != 2 || !strings.Contains(stdout, "--admin-token") {
		t.Errorf("exit %d, stdout %q: want 2 and the admin problem named", code, stdout)
	}
	if code, stdout, _ := runMenshen(t, nil, "check", "--scripts", dir, "--admin", "0.0.0.0:1", "--admin-token", "s3cret"); code != 0 {
		t.Errorf("with a token: exit %d, stdout %q, want 0", code, stdout)
	}
}

// TestCheck_AgreesWithServe: what serve refuses (exit 2) check reports
// (exit 2, one line naming the file's line): two mounts with one prefix, a
// mount on --prefix, and a [script] table's min_workers above the workers
// in effect for it (its own, else the file's or the flag's).
func TestCheck_AgreesWithServe(t *testing.T) {
	t.Parallel()
	dir, other := t.TempDir(), t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "ok.pl"), []byte("#!/usr/bin/perl\nprint \"Content-Type: text/plain\\n\\nok\\n\";\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, body string
		flags      []string
		want       string
	}{
		{"same prefix twice", fmt.Sprintf("[[mount]]\nprefix = \"/l/\"\ndir = %q\n[[mount]]\nprefix = \"/l/\"\ndir = %q\n", other, other), nil, `line 5: mount "/l/": prefix already served`},
		{"mount on --prefix", fmt.Sprintf("[[mount]]\nprefix = \"/cgi-bin\"\ndir = %q\n", other), nil, `line 2: mount "/cgi-bin": prefix already served`},
		{"script min_workers over the file's workers", "workers = 1\n[script.\"ok.pl\"]\nmin_workers = 2\n", nil, `line 3: script "ok.pl": min_workers 2 more than workers 1`},
		{"script min_workers over --workers", "[script.\"ok.pl\"]\nmin_workers = 2\n", []string{"--workers", "1"}, `line 2: script "ok.pl": min_workers 2 more than workers 1`},
		{"file's min_workers over a script's workers", "min_workers = 2\nworkers = 3\n[script.\"ok.pl\"]\nworkers = 1\n", nil, `line 4: script "ok.pl": min_workers 2 more than workers 1`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			conf := filepath.Join(t.TempDir(), "menshen.toml")
			if err := os.WriteFile(conf, []byte(tc.body), 0o644); err != nil {
				t.Fatal(err)
			}
			args := slices.Concat([]string{"check", "--scripts", dir, "--config", conf}, tc.flags)
			if code, stdout, _ := runMenshen(t, nil, args...); code != 2 || !strings.Contains(stdout, tc.want) {
				t.Errorf("check: exit %d, stdout %q; want 2 and %q", code, stdout, tc.want)
			}
			args = slices.Concat([]string{"serve", "--listen", freeAddr(t), "--admin", "off", "--scripts", dir, "--config", conf}, tc.flags)
			if code, _, stderr := runMenshen(t, nil, args...); code != 2 || !strings.Contains(stderr, tc.want) {
				t.Errorf("serve: exit %d, stderr %q; want 2 and %q", code, stderr, tc.want)
			}
		})
	}
}

// TestServe_ScriptsCannotReadTheGatewayEnviron guards C4 against a script
// of the gateway's own user reading /proc/$PPID/environ (a legacy script's
// path bug does it for a client): the gateway's environment (its admin
// token, a password no script is given) stays its own. As root, which
// reads any process, the gateway runs as nobody for the test.
func TestServe_ScriptsCannotReadTheGatewayEnviron(t *testing.T) {
	t.Parallel()
	// Directories nobody can enter, with the binary and the scripts.
	root, err := os.MkdirTemp("", "menshen-environ-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(root) })
	bin := filepath.Join(root, "menshen")
	data, err := os.ReadFile(binary)
	if err != nil {
		t.Fatal(err)
	}
	scripts, tmp := filepath.Join(root, "scripts"), filepath.Join(root, "tmp")
	if err := os.Mkdir(scripts, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(bin, data, 0o755); err != nil {
		t.Fatal(err)
	}
	peek := []byte("#!/bin/sh\nprintf 'Content-Type: text/plain\\n\\n'\nif tr '\\0' '\\n' < /proc/$PPID/environ 2>/dev/null | grep -q '^PEEK_SECRET='; then echo read; else echo denied; fi\n")
	if err := os.WriteFile(filepath.Join(scripts, "peek.sh"), peek, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, d := range []string{root, scripts} {
		if err := os.Chmod(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Mkdir(tmp, 0o1777); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(tmp, 0o1777); err != nil {
		t.Fatal(err)
	}
	addr := freeAddr(t)
	s := &server{addr: addr, stderr: &syncBuffer{}, done: make(chan struct{})}
	s.cmd = exec.Command(bin, "serve", "--listen", addr, "--admin", "off", "--scripts", scripts)
	s.cmd.Env = menshenEnv("TMPDIR="+tmp, "PEEK_SECRET=xyz")
	s.cmd.Stderr = s.stderr
	if os.Getuid() == 0 {
		s.cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65534, Gid: 65534}}
	}
	s.start(t)
	waitUntil(t, "menshen serving", func() bool { return strings.Contains(s.stderr.String(), "menshen serving") })
	if code, body := get(t, "http://"+addr+"/cgi-bin/peek.sh"); code != 200 || body != "denied\n" {
		t.Errorf("peek.sh: %d %q, want 200 \"denied\\n\" (the script read the gateway's environment)\n%s", code, body, s.stderr)
	}
}

// TestServe_ScriptNotExecutableByItsUser guards C3, C10's reason and
// C23: a script whose execute bit is its owner's only (root's 0744,
// menshen running as www-data) was a 500 logged as "permission denied" in
// cgi mode, and a 200 in fastcgi mode, where the Perl runner ran it with
// perl past the bits its owner set. It is not executable to menshen's
// user: both modes answer 403, as Apache ("file permissions deny server
// execution"), and log whose bit is missing; a script its group may run
// runs. As root, the gateway runs as nobody for the test.
func TestServe_ScriptNotExecutableByItsUser(t *testing.T) {
	t.Parallel()
	if os.Getuid() != 0 {
		t.Skip("needs root: a script of another user")
	}
	root, err := os.MkdirTemp("", "menshen-ownerx-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(root) })
	bin, scripts := filepath.Join(root, "menshen"), filepath.Join(root, "scripts")
	data, err := os.ReadFile(binary)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(scripts, 0o755); err != nil {
		t.Fatal(err)
	}
	mustWriteMode(t, bin, string(data), 0o755)
	mustWriteMode(t, filepath.Join(scripts, "ownerx.pl"), "#!/usr/bin/perl\nprint \"Content-Type: text/plain\\n\\nran\\n\";\n", 0o744)
	mustWriteMode(t, filepath.Join(scripts, "groupx.pl"), "#!/usr/bin/perl\nprint \"Content-Type: text/plain\\n\\nran\\n\";\n", 0o754)
	if err := os.Chown(filepath.Join(scripts, "groupx.pl"), 0, 65534); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(root, 0o755); err != nil {
		t.Fatal(err)
	}
	tmp := filepath.Join(root, "tmp") // for menshen's private temp directory
	if err := os.Mkdir(tmp, 0o755); err != nil || os.Chmod(tmp, 0o1777) != nil {
		t.Fatal(err)
	}
	for _, mode := range []string{"cgi", "fastcgi"} {
		addr := freeAddr(t)
		s := &server{addr: addr, stderr: &syncBuffer{}, done: make(chan struct{})}
		s.cmd = exec.Command(bin, "serve", "--listen", addr, "--admin", "off", "--scripts", scripts, "--mode", mode)
		s.cmd.Env = menshenEnv("TMPDIR=" + tmp)
		s.cmd.Stderr = s.stderr
		s.cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65534, Gid: 65534}}
		s.start(t)
		waitUntil(t, "menshen serving", func() bool { return strings.Contains(s.stderr.String(), "menshen serving") })
		if code, body := get(t, "http://"+addr+"/cgi-bin/ownerx.pl"); code != 403 || strings.Contains(body, "print") {
			t.Errorf("%s mode: %d %q, want 403 (the kernel refuses it to menshen's user)", mode, code, body)
		}
		if code, body := get(t, "http://"+addr+"/cgi-bin/groupx.pl"); code != 200 || body != "ran\n" {
			t.Errorf("%s mode: group-executable script: %d %q, want 200 \"ran\"", mode, code, body)
		}
		waitUntil(t, "the reason", func() bool {
			return strings.Contains(s.stderr.String(), "not executable by menshen's user (uid 65534)")
		})
	}
}

// TestServe_OutOfDescriptorsIs503: a script that cannot start because the
// gateway is out of descriptors (a passing limit of the machine) gets 503
// with Retry-After, so that a client or a load balancer comes back, not a
// 500 that reads as the script's fault; and once descriptors are free the
// script is served again.
func TestServe_OutOfDescriptorsIs503(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "hi.sh"), []byte("#!/bin/sh\nprintf 'Content-Type: text/plain\\n\\nhi\\n'\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	addr := freeAddr(t)
	s := &server{addr: addr, stderr: &syncBuffer{}, done: make(chan struct{})}
	s.cmd = exec.Command("sh", "-c", `ulimit -n 64 && exec "$@"`, "sh", binary, "serve", "--listen", addr, "--admin", "off", "--scripts", dir)
	s.cmd.Env = menshenEnv("TMPDIR=" + t.TempDir())
	s.cmd.Stderr = s.stderr
	s.start(t)
	waitUntil(t, "menshen serving", func() bool { return strings.Contains(s.stderr.String(), "menshen serving") })
	// The request's connection first, then idle ones until the gateway
	// accepts no more.
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	var idle []net.Conn
	defer func() {
		for _, ic := range idle {
			ic.Close()
		}
	}()
	for range 80 {
		ic, err := net.Dial("tcp", addr)
		if err != nil {
			break
		}
		idle = append(idle, ic)
	}
	waitUntil(t, "the gateway out of descriptors", func() bool { return strings.Contains(s.stderr.String(), "accept failed") })
	c.SetDeadline(time.Now().Add(10 * time.Second))
	fmt.Fprintf(c, "GET /cgi-bin/hi.sh HTTP/1.1\r\nHost: x\r\n\r\n")
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusServiceUnavailable || resp.Header.Get("Retry-After") == "" {
		t.Errorf("out of descriptors: %d (Retry-After %q), want 503 with Retry-After\n%s", resp.StatusCode, resp.Header.Get("Retry-After"), s.stderr)
	}
	for _, ic := range idle {
		ic.Close()
	}
	idle = nil
	var code int
	waitUntil(t, "hi.sh served again", func() bool {
		resp, err := http.Get("http://" + addr + "/cgi-bin/hi.sh")
		if err == nil {
			code = resp.StatusCode
			resp.Body.Close()
		}
		return code == http.StatusOK
	})
}
