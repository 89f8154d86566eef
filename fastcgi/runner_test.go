// runner_test.go: the bundled Perl runner against plain CGI, script by
// script (C23), its FastCGI conduct, isolation levels and lifecycle.

package fastcgi

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// runnerProc is one runner process, started the way the gateway starts it:
// a listening Unix socket as fd 0, its own process group, stderr captured.
type runnerProc struct {
	sock string
	pgid int
	cmd  *exec.Cmd
	done chan struct{} // closed when the process has been reaped
	err  error         // its exit status, once done is closed

	mu  sync.Mutex
	log []string // its own stderr lines
}

func mustRunnerPerl(tb testing.TB) {
	tb.Helper()
	if _, err := exec.LookPath("perl"); err != nil {
		tb.Skip("perl not installed (Debian package perl)")
	}
}

// mustRunnerFile writes the embedded runner where the test can run it.
func mustRunnerFile(tb testing.TB) string {
	tb.Helper()
	path := filepath.Join(tb.TempDir(), "runner.pl")
	if err := os.WriteFile(path, RunnerScript(), 0o600); err != nil {
		tb.Fatal(err)
	}
	return path
}

func mustRunnerAbs(tb testing.TB, rel string) string {
	tb.Helper()
	p, err := filepath.Abs(rel)
	if err != nil {
		tb.Fatal(err)
	}
	return p
}

// runnerGroupGone polls until no process of group pgid is left.
func runnerGroupGone(tb testing.TB, pgid int) {
	tb.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for syscall.Kill(-pgid, 0) != syscall.ESRCH {
		if time.Now().After(deadline) {
			tb.Errorf("process group %d still alive", pgid)
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// startRunner starts the runner on script (an absolute path) with the
// isolation level iso, and kills and reaps its group in Cleanup.
func startRunner(tb testing.TB, script, iso string) *runnerProc {
	tb.Helper()
	mustRunnerPerl(tb)
	c, err := Classify(script)
	if err != nil {
		tb.Fatal(err)
	}
	path, args := RunnerArgs(mustRunnerFile(tb), c, script, iso)
	sock := filepath.Join(tb.TempDir(), "r.sock")
	l, err := net.ListenUnix("unix", &net.UnixAddr{Name: sock, Net: "unix"})
	if err != nil {
		tb.Fatal(err)
	}
	l.SetUnlinkOnClose(false)
	f, err := l.File()
	l.Close()
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	cmd := exec.Command(path, args...)
	cmd.Stdin = f
	cmd.Dir = filepath.Dir(script)
	cmd.Env = []string{"PATH=/usr/bin:/bin"}
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	stderr, err := cmd.StderrPipe()
	if err != nil {
		tb.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		tb.Fatal(err)
	}
	r := &runnerProc{sock: sock, pgid: cmd.Process.Pid, cmd: cmd, done: make(chan struct{})}
	logDone := make(chan struct{})
	go func() {
		defer close(logDone)
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			r.mu.Lock()
			r.log = append(r.log, sc.Text())
			r.mu.Unlock()
		}
	}()
	go func() {
		<-logDone
		r.err = cmd.Wait()
		close(r.done)
	}()
	tb.Cleanup(func() {
		syscall.Kill(-r.pgid, syscall.SIGKILL)
		<-r.done
		runnerGroupGone(tb, r.pgid)
		if tb.Failed() {
			tb.Logf("runner stderr:\n%s", strings.Join(r.logLines(), "\n"))
		}
	})
	return r
}

func (r *runnerProc) logLines() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.log...)
}

// waitLog polls the runner's stderr for a line containing s.
func (r *runnerProc) waitLog(tb testing.TB, s string) string {
	tb.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		for _, l := range r.logLines() {
			if strings.Contains(l, s) {
				return l
			}
		}
		time.Sleep(10 * time.Millisecond)
	}
	tb.Fatalf("runner never logged %q; log:\n%s", s, strings.Join(r.logLines(), "\n"))
	return ""
}

func (r *runnerProc) dial(tb testing.TB) *Conn {
	tb.Helper()
	var nc net.Conn
	var err error
	for i := 0; i < 100; i++ {
		if nc, err = net.Dial("unix", r.sock); err == nil {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	if err != nil {
		tb.Fatal(err)
	}
	c := NewConn(nc)
	tb.Cleanup(func() { c.Close() })
	return c
}

// result is what one request produced, in either mode.
type runnerResult struct {
	out    []byte
	stderr []string
	status int
}

// do runs one request on c and reads it to the end.
func (r *runnerProc) do(tb testing.TB, c *Conn, params []string, body string) runnerResult {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	var res runnerResult
	var mu sync.Mutex
	req := &Request{Params: params, Stderr: func(line []byte) {
		mu.Lock()
		res.stderr = append(res.stderr, string(line))
		mu.Unlock()
	}}
	if body != "" {
		req.Stdin = strings.NewReader(body)
	}
	resp, err := c.Do(ctx, req)
	if err != nil {
		tb.Fatalf("Do: %v", err)
	}
	out, err := io.ReadAll(resp)
	if err != nil {
		resp.Close()
		tb.Fatalf("read response: %v (got %.200q)", err, out)
	}
	resp.Close()
	st, ok := resp.AppStatus()
	if !ok {
		tb.Fatal("no FCGI_END_REQUEST")
	}
	res.out = out
	res.status = st
	return res
}

// runnerCGI runs script as plain CGI: its own process, the params as its
// whole environment, the body on stdin, its directory as cwd (C20).
func runnerCGI(tb testing.TB, script string, params []string, body string) runnerResult {
	tb.Helper()
	cmd := exec.Command(script)
	cmd.Dir = filepath.Dir(script)
	cmd.Env = params
	if body != "" {
		cmd.Stdin = strings.NewReader(body)
	}
	var out, errb bytes.Buffer
	cmd.Stdout = &out
	cmd.Stderr = &errb
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		tb.Fatal(err)
	}
	err := cmd.Wait()
	syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
	runnerGroupGone(tb, cmd.Process.Pid)
	status := 0
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		status = ee.ExitCode()
	} else if err != nil {
		tb.Fatal(err)
	}
	var lines []string
	if errb.Len() > 0 {
		lines = strings.Split(strings.TrimSuffix(errb.String(), "\n"), "\n")
	}
	return runnerResult{out: out.Bytes(), stderr: lines, status: status}
}

// runnerParams builds the meta-variables of a request for script.
func runnerParams(script, method, query, body string, extra ...string) []string {
	p := []string{
		"GATEWAY_INTERFACE=CGI/1.1",
		"PATH=/usr/bin:/bin",
		"QUERY_STRING=" + query,
		"REMOTE_ADDR=127.0.0.1",
		"REMOTE_PORT=40000",
		"REQUEST_METHOD=" + method,
		"REQUEST_URI=/cgi-bin/" + filepath.Base(script) + "?" + query,
		"SCRIPT_FILENAME=" + script,
		"SCRIPT_NAME=/cgi-bin/" + filepath.Base(script),
		"SERVER_NAME=localhost",
		"SERVER_PORT=8080",
		"SERVER_PROTOCOL=HTTP/1.1",
		"SERVER_SOFTWARE=menshen-test",
	}
	if body != "" {
		p = append(p, fmt.Sprintf("CONTENT_LENGTH=%d", len(body)), "CONTENT_TYPE=application/x-www-form-urlencoded")
	}
	return append(p, extra...)
}

// runnerCase is one script of testdata/runner and the request it gets.
type runnerCase struct {
	script string
	method string
	query  string
	body   string
	module string // a Perl module the script needs, skipped without it
}

var runnerCorpus = []runnerCase{
	{script: "lexical_sub.pl"},
	{script: "package_global.pl"},
	{script: "exit_mid.pl"},
	{script: "exit_code.pl"},
	{script: "die_before.pl"},
	{script: "die_after.pl"},
	{script: "stdin.pl", method: "POST", body: "name=x&bytes=" + strings.Repeat("\x00\x01\xfe\xff", 300) + "&end=1"},
	{script: "data.pl"},
	{script: "data_end.pl"},
	{script: "env.pl", query: "a=1"},
	{script: "argv.pl", query: "a+b"},
	{script: "binary.pl"},
	{script: "large.pl"},
	{script: "stream.pl"},
	{script: "specials.pl"},
	{script: "sig.pl"},
	{script: "chdir.pl"},
	{script: "dumper.pl", module: "Data::Dumper"},
	{script: "state.pl"},
	{script: "begin_end.pl"},
	{script: "require_lib.pl"},
	{script: "rand.pl"},
	{script: "warn.pl"},
	{script: "utf8.pl"},
	{script: "wide.pl"},
	{script: "pid.pl"},
	{script: "syswrite.pl"},
	{script: "close_stdout.pl"},
	{script: "autoflush.pl"},
	{script: "cgipm.pl", method: "POST", query: "name=q", body: "p=posted&name=b", module: "CGI"},
	{script: "carp.pl", module: "CGI::Carp"},
	{script: "closure_anon.pl"},
	{script: "fork.pl"},
	{script: "system.pl"},
	{script: "exec.pl"},
	{script: "bigpost.pl", method: "POST", body: strings.Repeat("0123456789abcdef", 1<<17)},
}

var runnerPidLine = regexp.MustCompile(`(?m)^X-Pid: (\d+)\r?\n`)

// runnerNormalize drops the lines a script marks as varying (X-Ignore-*) and
// returns the X-Pid value apart.
func runnerNormalize(out []byte) (rest []byte, pid string) {
	if m := runnerPidLine.FindSubmatch(out); m != nil {
		pid = string(m[1])
		out = runnerPidLine.ReplaceAll(out, nil)
	}
	return regexp.MustCompile(`(?m)^X-Ignore-[^\n]*\n`).ReplaceAll(out, nil), pid
}

func mustRunnerModule(tb testing.TB, module string) {
	tb.Helper()
	if module == "" {
		return
	}
	if err := exec.Command("perl", "-M"+module, "-e1").Run(); err != nil {
		pkg := map[string]string{"CGI": "libcgi-pm-perl", "CGI::Carp": "libcgi-pm-perl"}[module]
		if pkg == "" {
			pkg = "perl"
		}
		tb.Skipf("Perl module %s not installed (Debian package %s)", module, pkg)
	}
}

// TestRunner_SameBytesAsCGI is the differential test of C23: every runnerCorpus
// script, run 3 times as plain CGI and 3 times through ONE runner process,
// gives the same stdout bytes, stderr lines and exit status per request;
// X-Pid shows one runner process and three CGI processes.
func TestRunner_SameBytesAsCGI(t *testing.T) {
	mustRunnerPerl(t)
	for _, iso := range []string{IsolationAuto, IsolationPerlrun} {
		t.Run(iso, func(t *testing.T) {
			for _, tc := range runnerCorpus {
				t.Run(strings.TrimSuffix(tc.script, ".pl"), func(t *testing.T) {
					t.Parallel()
					mustRunnerModule(t, tc.module)
					script := mustRunnerAbs(t, filepath.Join("testdata/runner", tc.script))
					method := tc.method
					if method == "" {
						method = "GET"
					}
					params := runnerParams(script, method, tc.query, tc.body)
					r := startRunner(t, script, iso)
					c := r.dial(t)
					var cgiPIDs, runPIDs []string
					for i := 0; i < 3; i++ {
						if i == 2 {
							// The last request on a new connection: the
							// runner serves one connection at a time.
							c.Close()
							c = r.dial(t)
						}
						want := runnerCGI(t, script, params, tc.body)
						got := r.do(t, c, params, tc.body)
						wout, wpid := runnerNormalize(want.out)
						gout, gpid := runnerNormalize(got.out)
						cgiPIDs = append(cgiPIDs, wpid)
						runPIDs = append(runPIDs, gpid)
						if !bytes.Equal(gout, wout) {
							t.Errorf("request %d: stdout differs\nrunner: %.3000q\ncgi:    %.3000q", i+1, gout, wout)
						}
						if got.status != want.status {
							t.Errorf("request %d: status %d, cgi %d", i+1, got.status, want.status)
						}
						if g, w := strings.Join(got.stderr, "\n"), strings.Join(want.stderr, "\n"); g != w {
							t.Errorf("request %d: stderr differs\nrunner: %q\ncgi:    %q", i+1, g, w)
						}
					}
					if cgiPIDs[0] != "" {
						if runPIDs[0] != runPIDs[1] || runPIDs[1] != runPIDs[2] || runPIDs[0] != fmt.Sprint(r.pgid) {
							t.Errorf("runner X-Pid %v, want %d three times", runPIDs, r.pgid)
						}
						if cgiPIDs[0] == cgiPIDs[1] || cgiPIDs[1] == cgiPIDs[2] {
							t.Errorf("cgi X-Pid %v, want three processes", cgiPIDs)
						}
					}
				})
			}
		})
	}
}
