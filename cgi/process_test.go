// process_test.go runs real sh and perl scripts through Start and Close
// (C5, C8, C9, C10, STYLE §4).

package cgi

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"io"
	"io/fs"
	"math/rand/v2"
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

	"github.com/menshen/menshen/internal/ctxhook"
	"github.com/menshen/menshen/internal/ctxhook/hooktest"
	"github.com/menshen/menshen/internal/proctest"
)

// script returns the absolute path of a testdata script.
func script(tb testing.TB, name string) string {
	tb.Helper()
	p, err := filepath.Abs(filepath.Join("testdata", name))
	if err != nil {
		tb.Fatal(err)
	}
	return p
}

func mustPerl(tb testing.TB) {
	tb.Helper()
	if _, err := exec.LookPath("perl"); err != nil {
		tb.Skip("perl not installed (Debian package perl)")
	}
}

// mustStart starts c and registers a Cleanup that aborts the script if the
// test did not Close it, then checks that its group is gone.
func mustStart(tb testing.TB, ctx context.Context, c *Cmd) *Process {
	tb.Helper()
	p, err := Start(ctx, c)
	if err != nil {
		tb.Fatalf("Start(%q): %v", c.Path, err)
	}
	tb.Cleanup(func() {
		p.Close(true)
		mustGroupGone(tb, p.PID())
	})
	return p
}

// mustGroupGone polls until process group pgid has no live member. Members
// that are zombies count as gone: once orphaned they wait for init to reap
// them, and some inits (containers, this sandbox) never do, so
// kill(-pgid, 0) alone would keep succeeding.
func mustGroupGone(tb testing.TB, pgid int) {
	tb.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		if err := syscall.Kill(-pgid, 0); errors.Is(err, syscall.ESRCH) {
			return
		}
		live := liveGroupMembers(pgid)
		if len(live) == 0 {
			return
		}
		if time.Now().After(deadline) {
			tb.Fatalf("process group %d still has live members: %v", pgid, live)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// liveGroupMembers lists "pid state comm" of the non-zombie processes in
// group pgid, read from /proc.
func liveGroupMembers(pgid int) []string {
	dirs, _ := os.ReadDir("/proc")
	var live []string
	for _, d := range dirs {
		pid, err := strconv.Atoi(d.Name())
		if err != nil {
			continue
		}
		b, err := os.ReadFile("/proc/" + d.Name() + "/stat")
		if err != nil {
			continue
		}
		// pid (comm) state ppid pgrp ...; comm may hold spaces and ')'.
		i := bytes.LastIndexByte(b, ')')
		if i < 0 {
			continue
		}
		f := strings.Fields(string(b[i+1:]))
		if len(f) < 3 || f[2] != strconv.Itoa(pgid) || f[0] == "Z" || f[0] == "X" {
			continue
		}
		live = append(live, strconv.Itoa(pid)+" "+f[0]+" "+string(b[bytes.IndexByte(b, '(')+1:i]))
	}
	return live
}

// mustProcessGone polls until pid is dead (gone or a zombie).
func mustProcessGone(tb testing.TB, pid int) {
	tb.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
		if err != nil {
			return
		}
		if i := bytes.LastIndexByte(b, ')'); i >= 0 && len(b) > i+2 && (b[i+2] == 'Z' || b[i+2] == 'X') {
			return
		}
		if time.Now().After(deadline) {
			tb.Fatalf("process %d still alive: %s", pid, b)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// countFDs returns how many file descriptors this process has open.
func countFDs(tb testing.TB) int {
	tb.Helper()
	ents, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		tb.Skipf("no /proc/self/fd: %v", err)
	}
	return len(ents)
}

// checkNoFDLeak records the fd count now and checks it again in Cleanup,
// after the Cleanups registered later (the processes' Close) have run.
func checkNoFDLeak(tb testing.TB) {
	tb.Helper()
	before := countFDs(tb)
	tb.Cleanup(func() {
		// The runtime may still be closing a pidfd of a reaped process.
		deadline := time.Now().Add(2 * time.Second)
		for {
			after := countFDs(tb)
			if after <= before {
				return
			}
			if time.Now().After(deadline) {
				tb.Errorf("fd count %d after the test, %d before", after, before)
				return
			}
			time.Sleep(10 * time.Millisecond)
		}
	})
}

func readAll(tb testing.TB, r io.Reader) []byte {
	tb.Helper()
	b, err := io.ReadAll(r)
	if err != nil {
		tb.Fatalf("read stdout: %v", err)
	}
	return b
}

// TestStart_StreamsStdout: the first line is readable while the script
// still sleeps (C8).
func TestStart_StreamsStdout(t *testing.T) {
	checkNoFDLeak(t)
	p := mustStart(t, t.Context(), &Cmd{Path: script(t, "stream.sh"), Env: []string{"PATH=" + DefaultPath}})
	type res struct {
		line string
		err  error
	}
	ch := make(chan res, 1)
	br := bufio.NewReader(p.Stdout())
	go func() {
		line, err := br.ReadString('\n')
		ch <- res{line, err}
	}()
	select {
	case r := <-ch:
		if r.err != nil || r.line != "first\n" {
			t.Fatalf("first line = %q, %v", r.line, r.err)
		}
	case <-time.After(time.Second):
		t.Fatal("first line not readable within 1 s")
	}
	start := time.Now()
	if err := p.Close(true); !errors.Is(err, ErrKilled) {
		t.Errorf("Close(true) = %v, want ErrKilled", err)
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("Close(true) took %v", d)
	}
	mustGroupGone(t, p.PID())
}

// TestStart_StdinExact: the body arrives byte for byte, whether it is copied
// through a pipe or handed over as a file (C5).
func TestStart_StdinExact(t *testing.T) {
	all := make([]byte, 256)
	for i := range all {
		all[i] = byte(i)
	}
	big := make([]byte, 1<<20)
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range big {
		big[i] = byte(rng.Uint32())
	}
	for _, tc := range []struct {
		name string
		body []byte
	}{
		{"empty", nil},
		{"binary", all},
		{"1MiB", big},
	} {
		t.Run(tc.name+"/pipe", func(t *testing.T) {
			checkNoFDLeak(t)
			// An io.Reader that is not an *os.File: copied by Start.
			body := io.MultiReader(bytes.NewReader(tc.body))
			p := mustStart(t, t.Context(), &Cmd{Path: script(t, "cat.sh"), Env: []string{"PATH=" + DefaultPath}, Stdin: body})
			if got := readAll(t, p.Stdout()); !bytes.Equal(got, tc.body) {
				t.Errorf("script read %d bytes, want %d (equal prefix %d)", len(got), len(tc.body), commonPrefix(got, tc.body))
			}
			if err := p.Close(false); err != nil {
				t.Errorf("Close: %v", err)
			}
		})
		t.Run(tc.name+"/file", func(t *testing.T) {
			checkNoFDLeak(t)
			f, err := os.CreateTemp(t.TempDir(), "body")
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			if _, err := f.Write(tc.body); err != nil {
				t.Fatal(err)
			}
			if _, err := f.Seek(0, io.SeekStart); err != nil {
				t.Fatal(err)
			}
			p := mustStart(t, t.Context(), &Cmd{Path: script(t, "cat.sh"), Env: []string{"PATH=" + DefaultPath}, Stdin: f})
			if got := readAll(t, p.Stdout()); !bytes.Equal(got, tc.body) {
				t.Errorf("script read %d bytes, want %d (equal prefix %d)", len(got), len(tc.body), commonPrefix(got, tc.body))
			}
			if err := p.Close(false); err != nil {
				t.Errorf("Close: %v", err)
			}
		})
	}
	t.Run("nil", func(t *testing.T) {
		p := mustStart(t, t.Context(), &Cmd{Path: script(t, "cat.sh"), Env: []string{"PATH=" + DefaultPath}})
		if got := readAll(t, p.Stdout()); len(got) != 0 {
			t.Errorf("script read %q from a nil Stdin", got)
		}
		if err := p.Close(false); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
}

func commonPrefix(a, b []byte) int {
	n := 0
	for n < len(a) && n < len(b) && a[n] == b[n] {
		n++
	}
	return n
}

// TestStart_StderrLines: stderr reaches the callback line by line, in
// order, long lines split at MaxStderrLine, the last one without newline
// included, and never on stdout (C9).
func TestStart_StderrLines(t *testing.T) {
	mustPerl(t)
	checkNoFDLeak(t)
	var (
		mu    sync.Mutex
		lines []string
	)
	p := mustStart(t, t.Context(), &Cmd{
		Path: script(t, "stderr.pl"),
		Env:  []string{"PATH=" + DefaultPath},
		Stderr: func(line []byte) {
			mu.Lock()
			lines = append(lines, string(line))
			mu.Unlock()
		},
	})
	if got := string(readAll(t, p.Stdout())); got != "Content-Type: text/plain\n\nok\n" {
		t.Errorf("stdout = %q", got)
	}
	if err := p.Close(false); err != nil {
		t.Fatalf("Close: %v", err)
	}
	x := strings.Repeat("x", MaxStderrLine)
	want := []string{"one", "two", "", x, x, strings.Repeat("x", 20<<10-2*MaxStderrLine), "after long", "last"}
	mu.Lock()
	defer mu.Unlock()
	if !slices.Equal(lines, want) {
		t.Errorf("stderr lines (lengths) = %v, want %v", lens(lines), lens(want))
		for i := range min(len(lines), len(want)) {
			if lines[i] != want[i] {
				t.Errorf("line %d = %.40q, want %.40q", i, lines[i], want[i])
			}
		}
	}
}

func lens(ss []string) []int {
	n := make([]int, len(ss))
	for i, s := range ss {
		n[i] = len(s)
	}
	return n
}

// TestStart_TimeoutKillsGroup: when ctx ends the whole group dies, the
// grandchild included, and Close reports ErrKilled (C10).
func TestStart_TimeoutKillsGroup(t *testing.T) {
	checkNoFDLeak(t)
	ctx, cancel := context.WithTimeout(t.Context(), 300*time.Millisecond)
	defer cancel()
	p := mustStart(t, ctx, &Cmd{Path: script(t, "fork-sleep.sh"), Env: []string{"PATH=" + DefaultPath}})
	br := bufio.NewReader(p.Stdout())
	line, err := br.ReadString('\n')
	if err != nil {
		t.Fatalf("read grandchild pid: %v", err)
	}
	grandchild, err := strconv.Atoi(strings.TrimSpace(line))
	if err != nil {
		t.Fatalf("grandchild pid %q: %v", line, err)
	}
	start := time.Now()
	if _, err := io.Copy(io.Discard, br); err != nil && !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Errorf("read after kill: %v", err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("stdout stayed open %v after start of wait", d)
	}
	select {
	case <-p.Exited():
	case <-time.After(2 * time.Second):
		t.Fatal("leader not exited 2 s after the deadline")
	}
	if err := p.Close(false); !errors.Is(err, ErrKilled) {
		t.Errorf("Close = %v, want ErrKilled", err)
	}
	mustGroupGone(t, p.PID())
	mustProcessGone(t, grandchild)
}

// TestStart_CancelKillsGroup: a client that goes away (ctx canceled) gets
// the script killed within 1 s, even if nobody reads its stdout (C10).
func TestStart_CancelKillsGroup(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	p := mustStart(t, ctx, &Cmd{Path: script(t, "fork-sleep.sh"), Env: []string{"PATH=" + DefaultPath}})
	mustKilledOnEnd(t, p, cancel)
}

// TestStart_OwnAfterFuncKillsGroup: under a context that arranges its
// own AfterFuncs (the gateway's script context), the kill is registered
// through that method, and the context's end kills the group (C10); a
// script that ends on its own leaves no registration behind.
func TestStart_OwnAfterFuncKillsGroup(t *testing.T) {
	ctx := hooktest.New()
	p := mustStart(t, ctx, &Cmd{Path: script(t, "fork-sleep.sh"), Env: []string{"PATH=" + DefaultPath}})
	if calls, held := ctx.State(); calls != 1 || held != 1 {
		t.Fatalf("%d AfterFunc calls, %d held, want the kill registered through the method", calls, held)
	}
	mustKilledOnEnd(t, p, ctx.End)

	ctx = hooktest.New()
	defer ctx.End()
	p = mustStart(t, ctx, &Cmd{Path: "/bin/true", Env: []string{"PATH=" + DefaultPath}})
	io.Copy(io.Discard, p.Stdout())
	if err := p.Close(false); err != nil {
		t.Errorf("Close = %v, want nil", err)
	}
	if calls, held := ctx.State(); calls != 1 || held != 0 {
		t.Errorf("after Close: %d AfterFunc calls, %d held, want 1 and 0", calls, held)
	}
}

// TestStart_CancelCtxKillsGroup: under a ctxhook.Cancel (the HTTP
// server's request context, the gateway's script context) the kill is
// registered with ctxhook.Register, and the context's end kills the
// group (C10).
func TestStart_CancelCtxKillsGroup(t *testing.T) {
	ctx := new(ctxhook.Cancel)
	ctx.Init(context.Background())
	p := mustStart(t, ctx, &Cmd{Path: script(t, "fork-sleep.sh"), Env: []string{"PATH=" + DefaultPath}})
	mustKilledOnEnd(t, p, func() { ctx.Cancel(nil) })
}

// mustKilledOnEnd checks that end, called 50 ms into p's run, kills
// its group: the leader exits within a second, Close says ErrKilled, no
// process of the group is left.
func mustKilledOnEnd(t *testing.T, p *Process, end func()) {
	t.Helper()
	time.Sleep(50 * time.Millisecond)
	end()
	select {
	case <-p.Exited():
	case <-time.After(time.Second):
		t.Fatal("leader not exited 1 s after the context's end")
	}
	if err := p.Close(false); !errors.Is(err, ErrKilled) {
		t.Errorf("Close = %v, want ErrKilled", err)
	}
	mustGroupGone(t, p.PID())
}

// TestClose_KillsStraggler: a script that exits leaving a background child
// holding stdout does not pin the response: stdout reaches EOF shortly
// after the leader's exit, and Close returns the script's own status
// (C10).
func TestClose_KillsStraggler(t *testing.T) {
	t.Run("read to EOF", func(t *testing.T) {
		checkNoFDLeak(t)
		p := mustStart(t, t.Context(), &Cmd{Path: script(t, "straggler.sh"), Env: []string{"PATH=" + DefaultPath}})
		start := time.Now()
		if got := string(readAll(t, p.Stdout())); got != "Content-Type: text/plain\n\nhi\n" {
			t.Errorf("stdout = %q", got)
		}
		if d := time.Since(start); d > lingerGrace+time.Second {
			t.Errorf("stdout EOF after %v", d)
		}
		if err := p.Close(false); err != nil {
			t.Errorf("Close = %v, want nil", err)
		}
		mustGroupGone(t, p.PID())
	})
	t.Run("close without reading", func(t *testing.T) {
		checkNoFDLeak(t)
		p := mustStart(t, t.Context(), &Cmd{Path: script(t, "straggler.sh"), Env: []string{"PATH=" + DefaultPath}})
		<-p.Exited()
		start := time.Now()
		if err := p.Close(false); err != nil {
			t.Errorf("Close = %v, want nil", err)
		}
		if d := time.Since(start); d > time.Second {
			t.Errorf("Close took %v", d)
		}
		mustGroupGone(t, p.PID())
	})
}

// TestClose_EscapedChildDoesNotHang: a child that left the group (setsid)
// still holds stdout and stderr. It cannot be killed by group, but once
// ctx ends, stdout reads fail instead of blocking, and Close returns
// (C10).
func TestClose_EscapedChildDoesNotHang(t *testing.T) {
	if _, err := exec.LookPath("setsid"); err != nil {
		t.Skip("setsid not installed (Debian package util-linux)")
	}
	checkNoFDLeak(t)
	ctx, cancel := context.WithTimeout(t.Context(), 300*time.Millisecond)
	defer cancel()
	p := mustStart(t, ctx, &Cmd{Path: script(t, "escape.sh"), Env: []string{"PATH=" + DefaultPath}})
	br := bufio.NewReader(p.Stdout())
	line, err := br.ReadString('\n')
	if err != nil {
		t.Fatalf("read escaped pid: %v", err)
	}
	escaped, err := strconv.Atoi(strings.TrimSpace(line))
	if err != nil {
		t.Fatalf("escaped pid %q: %v", line, err)
	}
	kill := proctest.Pin(escaped) // (its pid may be another's at the cleanup)
	t.Cleanup(func() {
		kill()
		mustProcessGone(t, escaped)
	})
	start := time.Now()
	_, err = io.Copy(io.Discard, br)
	if !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Errorf("read = %v, want os.ErrDeadlineExceeded once ctx ended", err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("read blocked %v", d)
	}
	start = time.Now()
	if err := p.Close(false); err != nil {
		t.Errorf("Close = %v, want nil (the script itself exited 0)", err)
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("Close took %v", d)
	}
}

// TestClose_DetachedReadsAJobsStderr: a job that left the script's session
// (setsid) and kept its stderr has the pipe read by Detached after Close,
// which does not wait for it: the job's later line comes through Stderr,
// whether the script ended before the watcher started or after, and the
// descriptor is released when the job exits, or at once by Detached.Close
// for one that goes on.
func TestClose_DetachedReadsAJobsStderr(t *testing.T) {
	if _, err := exec.LookPath("setsid"); err != nil {
		t.Skip("setsid not installed (Debian package util-linux)")
	}
	for _, tc := range []struct {
		name                    string
		lineAfter, lives, exits string // the script's arguments
	}{
		{"line then exit", "0.3", "0", "0"},
		{"script watched", "0.5", "0", "0.2"},
		{"closed while held", "0.2", "30", "0"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			checkNoFDLeak(t)
			fds := countFDs(t)
			var d Detached
			lines := make(chan string, 4)
			p := mustStart(t, t.Context(), &Cmd{
				Path:     script(t, "detach-stderr.sh"),
				Args:     []string{tc.lineAfter, tc.lives, tc.exits},
				Env:      []string{"PATH=" + DefaultPath},
				Stderr:   func(l []byte) { lines <- string(l) },
				Detached: &d,
			})
			out := string(readAll(t, p.Stdout()))
			job, err := strconv.Atoi(strings.TrimSpace(out))
			if err != nil {
				t.Fatalf("job pid %q: %v", out, err)
			}
			t.Cleanup(func() {
				// (Its pid may be another's by now. No pidfd held from
				// here: the test counts descriptors.)
				// (The job's shell, or the sleep it ends with, exec'd.)
				proctest.KillIf(job, "echo job line", "sleep")
				mustProcessGone(t, job)
			})
			start := time.Now()
			if err := p.Close(false); err != nil {
				t.Errorf("Close = %v", err)
			}
			if d := time.Since(start); d > time.Second {
				t.Errorf("Close took %v", d)
			}
			select {
			case l := <-lines:
				if l != "job line" {
					t.Errorf("line %q, want the job's", l)
				}
			case <-time.After(3 * time.Second):
				t.Fatal("the job's line did not come")
			}
			if tc.lives != "0" {
				start := time.Now()
				d.Close()
				if d := time.Since(start); d > time.Second {
					t.Errorf("Detached.Close took %v", d)
				}
			}
			// The pipe is closed (the job still lives in the last case).
			for end := time.Now().Add(2 * time.Second); countFDs(t) > fds; time.Sleep(10 * time.Millisecond) {
				if time.Now().After(end) {
					t.Fatalf("%d descriptors open, %d before: the job's stderr is still held", countFDs(t), fds)
				}
			}
		})
	}
}

// TestKill_OtherGroupOfTheSession: a child that moved to a process group
// of its own (setpgid: coreutils timeout, a `set -m` job) is killed with
// the script, as it stays in the script's session: when ctx ends, when it
// holds the output after the script's exit, and when it holds only
// stderr (C10).
func TestKill_OtherGroupOfTheSession(t *testing.T) {
	if _, err := exec.LookPath("perl"); err != nil {
		t.Skip("perl not installed (Debian package perl)")
	}
	for _, tc := range []struct {
		name, arg string
		timeout   time.Duration
		want      error
	}{
		{"ctx ends", "wait", 300 * time.Millisecond, ErrKilled},
		{"holds the output", "", 0, nil},
		{"holds stderr", "stderr", 0, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := t.Context()
			if tc.timeout > 0 {
				var cancel func()
				ctx, cancel = context.WithTimeout(ctx, tc.timeout)
				defer cancel()
			}
			p := mustStart(t, ctx, &Cmd{Path: script(t, "pgrp-escape.sh"), Args: []string{tc.arg}, Env: []string{"PATH=" + DefaultPath}})
			br := bufio.NewReader(p.Stdout())
			line, err := br.ReadString('\n')
			child, aerr := strconv.Atoi(strings.TrimSpace(line))
			if err != nil || aerr != nil {
				t.Fatalf("read the child's pid: %q, %v", line, err)
			}
			t.Cleanup(proctest.Pin(child)) // (its pid may be another's at the cleanup)
			start := time.Now()
			_, _ = io.Copy(io.Discard, br)
			if d := time.Since(start); d > lingerGrace+2*time.Second {
				t.Errorf("stdout open %v", d)
			}
			if err := p.Close(false); !errors.Is(err, tc.want) && err != tc.want {
				t.Errorf("Close = %v, want %v", err, tc.want)
			}
			mustProcessGone(t, child)
		})
	}
}

// TestStart_StdinNotRead: a script that never reads a large body neither
// hangs the body copy nor Close, whether it exits at once or after the pipe
// has filled (C10).
func TestStart_StdinNotRead(t *testing.T) {
	body := bytes.Repeat([]byte("z"), 4<<20)
	for _, pause := range []string{"0", "0.2"} {
		t.Run("pause "+pause, func(t *testing.T) {
			checkNoFDLeak(t)
			p := mustStart(t, t.Context(), &Cmd{
				Path:  script(t, "noread.sh"),
				Args:  []string{pause},
				Env:   []string{"PATH=" + DefaultPath},
				Stdin: bytes.NewReader(body),
			})
			if got := string(readAll(t, p.Stdout())); got != "Content-Type: text/plain\n\nok\n" {
				t.Errorf("stdout = %q", got)
			}
			done := make(chan error, 1)
			go func() { done <- p.Close(false) }()
			select {
			case err := <-done:
				if err != nil {
					t.Errorf("Close = %v", err)
				}
			case <-time.After(3 * time.Second):
				t.Fatal("Close hangs on an unread body")
			}
		})
	}
}

// TestStart_Errors: a program that cannot start is an error from Start,
// with no fd and no process left behind (C10: 404/500 in the gateway).
func TestStart_Errors(t *testing.T) {
	dir := t.TempDir()
	noexec := filepath.Join(dir, "noexec.sh")
	if err := os.WriteFile(noexec, []byte("#!/bin/sh\necho hi\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		path string
		want error
	}{
		{"missing", filepath.Join(dir, "missing.pl"), fs.ErrNotExist},
		{"not executable", noexec, fs.ErrPermission},
		{"bad interpreter", script(t, "badinterp.sh"), fs.ErrNotExist},
		{"directory", dir, fs.ErrPermission},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, stdin := range []io.Reader{nil, strings.NewReader("body")} {
				before := countFDs(t)
				p, err := Start(t.Context(), &Cmd{Path: tc.path, Env: []string{}, Stdin: stdin})
				if err == nil {
					p.Close(true)
					t.Fatalf("Start(%q) succeeded", tc.path)
				}
				if !errors.Is(err, tc.want) {
					t.Errorf("Start(%q) = %v, want errors.Is %v", tc.path, err, tc.want)
				}
				if !strings.Contains(err.Error(), strconv.Quote(tc.path)) {
					t.Errorf("error %q does not name the program", err)
				}
				if after := countFDs(t); after != before {
					t.Errorf("fd count %d after failed Start, %d before", after, before)
				}
			}
		})
	}
}

// TestStart_CanceledContext: an ended ctx starts nothing.
func TestStart_CanceledContext(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	p, err := Start(ctx, &Cmd{Path: script(t, "hello.sh"), Env: []string{}})
	if err == nil {
		p.Close(true)
		t.Fatal("Start with a canceled ctx succeeded")
	}
	if !errors.Is(err, context.Canceled) {
		t.Errorf("Start = %v, want context.Canceled", err)
	}
}

// TestStart_EnvExact: the script sees exactly Cmd.Env, nothing of the
// gateway's environment, and a nil Env means an empty one (C4).
func TestStart_EnvExact(t *testing.T) {
	mustPerl(t)
	t.Setenv("MENSHEN_TEST_SECRET", "s3cret")
	for _, env := range [][]string{
		{"PATH=" + DefaultPath, "GATEWAY_INTERFACE=CGI/1.1", "QUERY_STRING=a=1&b=%20", "HTTP_X_WEIRD=a b\tc=d"},
		nil,
	} {
		p := mustStart(t, t.Context(), &Cmd{Path: script(t, "env.pl"), Env: env})
		out := readAll(t, p.Stdout())
		if err := p.Close(false); err != nil {
			t.Fatalf("Close: %v", err)
		}
		var got []string
		for kv := range strings.SplitSeq(strings.TrimSuffix(string(out), "\x00"), "\x00") {
			if kv != "" {
				got = append(got, kv)
			}
		}
		want := slices.Clone(env)
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Errorf("script env = %q, want %q", got, want)
		}
	}
}

// TestStart_EnvLastOfRepeatedNames: of a name given twice the script sees
// the last value once (os/exec drops the earlier ones): a configured
// variable (Params.Extra, last) replaces the request's.
func TestStart_EnvLastOfRepeatedNames(t *testing.T) {
	env := []string{"APP=request", "PATH=" + DefaultPath, "QUERY_STRING=q", "APP=configured", "PATH=/opt/bin:" + DefaultPath}
	// env(1) prints the environment block as it is, repeats included.
	p := mustStart(t, t.Context(), &Cmd{Path: "/usr/bin/env", Env: env})
	out := readAll(t, p.Stdout())
	if err := p.Close(false); err != nil {
		t.Fatalf("Close: %v", err)
	}
	got := strings.Split(strings.TrimSuffix(string(out), "\n"), "\n")
	want := []string{"QUERY_STRING=q", "APP=configured", "PATH=/opt/bin:" + DefaultPath}
	if !slices.Equal(got, want) {
		t.Errorf("script env = %q, want %q", got, want)
	}
	if env[0] != "APP=request" || len(env) != 5 {
		t.Errorf("Start changed the caller's Env: %q", env)
	}
}

// TestClose_SignalStatus: a script killed by a signal it got from elsewhere
// (not the gateway) ends with an *exec.ExitError saying so, not ErrKilled.
func TestClose_SignalStatus(t *testing.T) {
	p := mustStart(t, t.Context(), &Cmd{Path: "/bin/sh", Args: []string{"-c", "echo up; kill -TERM $$"}, Env: []string{}})
	readAll(t, p.Stdout())
	err := p.Close(false)
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != -1 || err.Error() != "signal: terminated" {
		t.Errorf("Close = %v, want signal: terminated", err)
	}
}

// TestStart_Dir: the script runs in Cmd.Dir (C20).
func TestStart_Dir(t *testing.T) {
	dir, err := filepath.EvalSymlinks(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	p := mustStart(t, t.Context(), &Cmd{Path: script(t, "pwd.sh"), Dir: dir, Env: []string{"PATH=" + DefaultPath}})
	if got := strings.TrimSpace(string(readAll(t, p.Stdout()))); got != dir {
		t.Errorf("script ran in %q, want %q", got, dir)
	}
	if err := p.Close(false); err != nil {
		t.Errorf("Close: %v", err)
	}
}

// TestClose_AbortKillsAtOnce: Close(true) does not wait for a running
// script.
func TestClose_AbortKillsAtOnce(t *testing.T) {
	checkNoFDLeak(t)
	p := mustStart(t, t.Context(), &Cmd{Path: script(t, "fork-sleep.sh"), Env: []string{"PATH=" + DefaultPath}, Stdin: strings.NewReader("unread")})
	start := time.Now()
	if err := p.Close(true); !errors.Is(err, ErrKilled) {
		t.Errorf("Close(true) = %v, want ErrKilled", err)
	}
	if d := time.Since(start); d > 500*time.Millisecond {
		t.Errorf("Close(true) took %v", d)
	}
	mustGroupGone(t, p.PID())
}

// TestClose_ExitStatus: a failing script's status comes back as an
// *exec.ExitError, and Close is idempotent. Aborting a script that has
// already exited is not a kill.
func TestClose_ExitStatus(t *testing.T) {
	p := mustStart(t, t.Context(), &Cmd{Path: script(t, "exit3.sh"), Env: []string{}})
	if got := string(readAll(t, p.Stdout())); got != "partial\n" {
		t.Errorf("stdout = %q", got)
	}
	<-p.Exited()
	err := p.Close(true)
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 3 || ee.Error() != "exit status 3" {
		t.Fatalf("Close = %v, want exit status 3", err)
	}
	if err2 := p.Close(false); err2 != err {
		t.Errorf("second Close = %v, want the first result %v", err2, err)
	}
}

// TestStart_DoesNotModifyCmd: Start leaves the caller's Cmd alone.
func TestStart_DoesNotModifyCmd(t *testing.T) {
	c := &Cmd{Path: script(t, "hello.sh")}
	p := mustStart(t, t.Context(), c)
	readAll(t, p.Stdout())
	if err := p.Close(false); err != nil {
		t.Errorf("Close: %v", err)
	}
	if c.Env != nil {
		t.Errorf("Start set c.Env to %q", c.Env)
	}
}

// BenchmarkStart_Hello measures the per-request overhead of CGI mode: one
// Start, read stdout to EOF, Close of a trivial sh script.
func BenchmarkStart_Hello(b *testing.B) {
	c := &Cmd{Path: script(b, "hello.sh"), Env: []string{"PATH=" + DefaultPath}}
	ctx := b.Context()
	var before, after syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &before)
	defer func() {
		// The gateway's own CPU per script, children excluded: what a CGI
		// request costs beyond the script itself.
		syscall.Getrusage(syscall.RUSAGE_SELF, &after)
		cpu := time.Duration(after.Utime.Nano() + after.Stime.Nano() - before.Utime.Nano() - before.Stime.Nano())
		b.ReportMetric(float64(cpu.Microseconds())/float64(b.N), "parent-µs/op")
	}()
	for b.Loop() {
		p, err := Start(ctx, c)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := io.Copy(io.Discard, p.Stdout()); err != nil {
			b.Fatal(err)
		}
		if err := p.Close(false); err != nil {
			b.Fatal(err)
		}
	}
}

// TestLingers: a script that ends with its output does not linger, even
// when asked the moment its stdout ends; one that closes stdout and goes on
// does, until it exits.
func TestLingers(t *testing.T) {
	for range 20 {
		p := mustStart(t, t.Context(), &Cmd{Path: "/bin/sh", Args: []string{"-c", "echo done"}, Env: []string{}})
		readAll(t, p.Stdout())
		start := time.Now()
		if p.Lingers(2 * time.Second) {
			t.Fatalf("a script that ended with its output lingers")
		}
		if d := time.Since(start); d > 500*time.Millisecond {
			t.Errorf("Lingers took %v for a script that ended with its output", d)
		}
		p.Close(false)
	}
	p := mustStart(t, t.Context(), &Cmd{Path: "/bin/sh", Args: []string{"-c", "echo done; exec >&- 2>&-; sleep 0.6"}, Env: []string{"PATH=" + DefaultPath}})
	readAll(t, p.Stdout())
	if !p.Lingers(100 * time.Millisecond) {
		t.Errorf("a script still sleeping after closing stdout does not linger")
	}
	if p.Lingers(3 * time.Second) {
		t.Errorf("the script still lingers after its 0.6 s sleep")
	}
	if err := p.Close(false); err != nil {
		t.Errorf("Close: %v", err)
	}
}

// TestOutputReady: after a read, OutputReady tells a script that has
// ended its output from one that paused, without reading or waiting.
func TestOutputReady(t *testing.T) {
	buf := make([]byte, 64)
	t.Run("Ended", func(t *testing.T) {
		p := mustStart(t, context.Background(), &Cmd{Path: "/bin/sh", Args: []string{"-c", "printf x; exec >&-; sleep 0.2"}})
		if n, err := p.Stdout().Read(buf); n != 1 || err != nil {
			t.Fatalf("Read = %d, %v", n, err)
		}
		ready := false
		for end := time.Now().Add(5 * time.Second); !ready && time.Now().Before(end); time.Sleep(time.Millisecond) {
			ready = p.OutputReady()
		}
		if !ready {
			t.Error("OutputReady false for a script that closed its output")
		}
		if n, err := p.Stdout().Read(buf); n != 0 || err != io.EOF {
			t.Errorf("Read after it = %d, %v; want the end", n, err)
		}
		if err := p.Close(false); err != nil {
			t.Error(err)
		}
	})
	t.Run("Pauses", func(t *testing.T) {
		p := mustStart(t, context.Background(), &Cmd{Path: "/bin/sh", Args: []string{"-c", "printf x; sleep 0.3; printf y"}})
		if n, err := p.Stdout().Read(buf); n != 1 || err != nil {
			t.Fatalf("Read = %d, %v", n, err)
		}
		if p.OutputReady() {
			t.Error("OutputReady true for a script that sleeps")
		}
		if n, err := p.Stdout().Read(buf); n != 1 || err != nil || buf[0] != 'y' {
			t.Errorf("Read = %q, %v; want the y after the pause", buf[:n], err)
		}
		if err := p.Close(false); err != nil {
			t.Error(err)
		}
	})
}

// TestKill_OutputNeverEndsCleanly: a script killed while it writes (its
// timeout, its client gone) has its output fail with the deadline, never
// end at EOF as if the script had ended it: the gateway read that EOF,
// come between the signal and a deadline set after it, as the end of a
// whole answer, and a timed-out stream went out complete (seen in 2 of
// 35 runs with a slow client; here the reader keeps the pipe empty, as a
// spool's does, which made it most runs).
func TestKill_OutputNeverEndsCleanly(t *testing.T) {
	for i := range 20 {
		ctx, cancel := context.WithCancel(t.Context())
		p := mustStart(t, ctx, &Cmd{Path: "/usr/bin/yes", Env: []string{"PATH=" + DefaultPath}})
		errc := make(chan error, 1)
		go func() {
			buf := make([]byte, 64<<10)
			for {
				if _, err := p.Stdout().Read(buf); err != nil {
					errc <- err
					return
				}
			}
		}()
		time.Sleep(5 * time.Millisecond)
		cancel()
		if err := <-errc; !errors.Is(err, os.ErrDeadlineExceeded) {
			t.Fatalf("run %d: the killed script's output ended with %v, want the deadline (os.ErrDeadlineExceeded)", i, err)
		}
		if err := p.Close(false); !errors.Is(err, ErrKilled) {
			t.Errorf("run %d: Close = %v, want ErrKilled", i, err)
		}
		if at := p.KilledAt(); at.IsZero() {
			t.Errorf("run %d: KilledAt is zero for a script killed running", i)
		}
	}
}
