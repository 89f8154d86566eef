// fast_test.go holds the fast paths of env.go and process.go to the plain
// forms they replace: Env to EachEnv's pairs joined one by one, headerVar
// to its former allocation-per-step form, dedupEnv to os/exec's.

package cgi

import (
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"

	"golang.org/x/sys/unix"
)

// envPlain is Env as it was: one "NAME=value" string per variable.
func envPlain(r *http.Request, p *Params) []string {
	var env []string
	EachEnv(r, p, func(k, v string) { env = append(env, k+"="+v) })
	return env
}

// envRequests returns requests of every shape EachEnv knows: no header,
// the common ones, odd names, many (past Env's 48 pairs on the stack),
// redirect and configured variables, empty values.
func envRequests() []struct {
	r *http.Request
	p *Params
} {
	var out []struct {
		r *http.Request
		p *Params
	}
	add := func(r *http.Request, p *Params) {
		out = append(out, struct {
			r *http.Request
			p *Params
		}{r, p})
	}
	add(httptest.NewRequest("GET", "/cgi-bin/a.pl", nil), testParams())

	r := httptest.NewRequest("POST", "http://www.example.com:8080/cgi-bin/a.pl/x?a=1&b=%20", strings.NewReader("k=v"))
	for _, k := range []string{"Accept", "Accept-Encoding", "User-Agent", "Cookie", "X-Forwarded-For", "Content-Type", "Authorization", "Proxy", "X-Empty"} {
		r.Header.Set(k, "v-"+k)
	}
	r.Header.Set("X-Empty", "")
	r.Header["Cookie"] = []string{"a=1", "b=2"}
	r.Header["lower-case"] = []string{"x"}
	r.Header["X_Under"] = []string{"y"}
	p := testParams()
	p.ContentLength = 3
	p.PassAuth = true
	p.RemoteUser, p.AuthType = "jo", "Basic"
	p.Extra = []string{"APP=1", "PATH=/opt/bin", "EMPTY="}
	p.Redirect = []string{"REDIRECT_STATUS=200", "REDIRECT_URL=/x", "APP=0"}
	add(r, p)

	r = httptest.NewRequest("GET", "/cgi-bin/many.sh?é=ü", nil)
	for i := range 80 {
		r.Header.Set(fmt.Sprintf("X-Header-%d", i), strings.Repeat("v", i)+"ü")
	}
	p = testParams()
	p.ContextPrefix = "/cgi-bin/"
	for i := range 20 {
		p.Extra = append(p.Extra, fmt.Sprintf("E%d=%d", i, i))
	}
	add(r, p)
	return out
}

// TestEnv_SameAsPlain: Env's strings, cut from one string, are those of
// EachEnv's pairs joined one by one, in the same order.
func TestEnv_SameAsPlain(t *testing.T) {
	for i, tc := range envRequests() {
		got, want := Env(tc.r, tc.p), envPlain(tc.r, tc.p)
		if !slices.Equal(got, want) {
			t.Errorf("request %d: Env = %q\nwant %q", i, got, want)
		}
	}
}

// TestEnv_Allocs: Env costs two allocations beyond EachEnv's own (the
// string all variables are cut from, the slice), not one per variable,
// and a common header's name costs none (its variable is in commonVars).
func TestEnv_Allocs(t *testing.T) {
	r := httptest.NewRequest("GET", "http://h/cgi-bin/a.pl?x=1", nil)
	r.Header.Set("User-Agent", "curl/8")
	r.Header.Set("Accept", "*/*")
	r.Header.Set("Accept-Encoding", "gzip")
	r.RemoteAddr = "192.0.2.1:1234"
	p := testParams()
	each := testing.AllocsPerRun(100, func() { EachEnv(r, p, func(k, v string) {}) })
	env := testing.AllocsPerRun(100, func() { Env(r, p) })
	if env > each+2 {
		t.Errorf("Env: %v allocations, EachEnv %v: want 2 more at most", env, each)
	}
	if each > 3 {
		t.Errorf("EachEnv: %v allocations, want 3 at most (the header names sorted, PATH_TRANSLATED, SplitHostPort's error)", each)
	}
}

// headerVarPlain is headerVar as it was, one allocation a step.
func headerVarPlain(k string, passAuth bool) (string, bool) {
	for i := 0; i < len(k); i++ {
		c := k[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-') {
			return "", false
		}
	}
	switch strings.ToLower(k) {
	case "proxy":
		return "", false
	case "content-type", "content-length", "host":
		return "", false
	case "authorization", "proxy-authorization":
		if !passAuth || strings.EqualFold(k, "proxy-authorization") {
			return "", false
		}
	}
	return "HTTP_" + strings.ToUpper(strings.ReplaceAll(k, "-", "_")), true
}

var headerNames = []string{
	"", "-", "a", "Z", "0", "Accept", "accept", "ACCEPT", "User-Agent", "user-agent", "X-Forwarded-For",
	"Proxy", "proxy", "PROXY", "Content-Type", "content-length", "Host", "HOST", "Authorization",
	"authorization", "Proxy-Authorization", "proxy-authorization", "X_Under", "X Space", "X.Dot",
	"Ünicode", "Kelvin\u212a", "--x--", "x-1-2", "Accept-Encoding\x00", "Sec-Ch-Ua-Platform",
}

// TestHeaderVar_SameAsPlain: headerVar, its table of common headers and
// its one-allocation name, answer as the plain form for every name, both
// ways of PassAuth.
func TestHeaderVar_SameAsPlain(t *testing.T) {
	names := slices.Clone(headerNames)
	for k := range commonVars {
		names = append(names, k, strings.ToLower(k), strings.ToUpper(k))
	}
	for _, k := range names {
		for _, pass := range []bool{false, true} {
			got, gotOK := headerVar(k, pass)
			want, wantOK := headerVarPlain(k, pass)
			if got != want || gotOK != wantOK {
				t.Errorf("headerVar(%q, %v) = %q, %v; want %q, %v", k, pass, got, gotOK, want, wantOK)
			}
		}
	}
}

func FuzzHeaderVar(f *testing.F) {
	for _, k := range headerNames {
		f.Add(k, false)
	}
	f.Fuzz(func(t *testing.T, k string, pass bool) {
		got, gotOK := headerVar(k, pass)
		want, wantOK := headerVarPlain(k, pass)
		if got != want || gotOK != wantOK {
			t.Errorf("headerVar(%q, %v) = %q, %v; want %q, %v", k, pass, got, gotOK, want, wantOK)
		}
	})
}

// dedupEnvOSExec is the environment os/exec gives a process for env (and
// the error of its start): env -0 prints it. Not an empty result for a
// start that fails: that has no environment to compare.
func dedupEnvOSExec(t *testing.T, env []string) ([]string, error) {
	t.Helper()
	cmd := exec.Command("/usr/bin/env", "-0")
	cmd.Env = env
	if env == nil {
		cmd.Env = []string{}
	}
	out, err := cmd.Output()
	if err != nil {
		if _, ok := err.(*exec.ExitError); ok {
			t.Fatalf("env -0: %v", err)
		}
		return nil, err
	}
	if len(out) == 0 {
		return []string{}, nil
	}
	return strings.Split(strings.TrimSuffix(string(out), "\x00"), "\x00"), nil
}

var dedupCases = [][]string{
	nil,
	{},
	{""},
	{"A=1"},
	{"A=1", "B=2", "A=3"},
	{"A=1", "A=1"},
	{"A", "A", "A=1"},
	{"A=1", "", "B=2"},
	{"=x", "=y", "==a", "==b", "=", "A==", "A=b=c", "A="},
	{"PATH=/bin", "Q=a\x00b", "PATH=/usr/bin"},
	{"AB=1", "A=2", "A=3", "AB=4", "A"},
	{"a=1", "A=2"},
	{"HTTP_X=1", "HTTP_X_Y=2", "HTTP_X=3", "HTTP_X_Y", "HTTP_X_Y=4"},
	{"AX=1", "BX=2", "CX=3"},         // one length, one last byte: dedupEnv's bits collide
	{"AX=1", "BX=2", "CX=3", "BX=4"}, // and a repeat among them
}

// TestDedupEnv_SameAsOSExec: the environment a script gets, and the error
// of a NUL, are os/exec's, with or without repeats; without, the slice is
// the caller's, unchanged.
func TestDedupEnv_SameAsOSExec(t *testing.T) {
	cases := slices.Clone(dedupCases)
	var long []string
	for i := range 100 {
		long = append(long, fmt.Sprintf("V%d=%d", i%70, i))
	}
	cases = append(cases, long, long[:65], long[:64])
	for _, r := range envRequests() {
		cases = append(cases, Env(r.r, r.p))
	}
	for _, env := range cases {
		checkDedup(t, env)
	}
}

func checkDedup(t *testing.T, env []string) {
	t.Helper()
	orig := slices.Clone(env)
	got, err := dedupEnv(env)
	want, wantErr := dedupEnvOSExec(t, env)
	if wantErr != nil {
		got = nil // (the start fails: no environment to compare)
	}
	if !slices.Equal(got, want) || (err == nil) != (wantErr == nil) || err != nil && err.Error() != wantErr.Error() {
		t.Errorf("dedupEnv(%q) = %q, %v; os/exec: %q, %v", env, got, err, want, wantErr)
	}
	if !slices.Equal(env, orig) {
		t.Errorf("dedupEnv changed its argument: %q, was %q", env, orig)
	}
}

func FuzzDedupEnv(f *testing.F) {
	for _, env := range dedupCases {
		f.Add(strings.Join(env, "\n"))
	}
	f.Fuzz(func(t *testing.T, s string) {
		checkDedup(t, strings.Split(s, "\n"))
	})
}

// TestStart_ErrorsAsOSExec: a start that fails, fails as it did through
// exec.Cmd.Start: the same text (the gateway logs it) and the same types
// and errnos (it maps them to 403, 404, 500), for each way a start fails.
func TestStart_ErrorsAsOSExec(t *testing.T) {
	dir := t.TempDir()
	noexec := filepath.Join(dir, "noexec.sh")
	if err := os.WriteFile(noexec, []byte("#!/bin/sh\necho hi\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, c := range []Cmd{
		{Path: filepath.Join(dir, "missing.pl")},
		{Path: noexec},
		{Path: script(t, "badinterp.sh")},
		{Path: dir},
		{Path: script(t, "hello.sh"), Dir: filepath.Join(dir, "no-such-dir")},
		{Path: "menshen-no-such-program"},
		{Path: ""},
		{Path: script(t, "hello.sh"), Env: []string{"A=1", "B=x\x00y"}},
		{Path: script(t, "hello.sh"), Args: []string{"a\x00b"}},
		{Path: script(t, "hello.sh") + "\x00"},
	} {
		p, err := Start(t.Context(), &c)
		if err == nil {
			p.Close(true)
			t.Errorf("Start(%q) succeeded", c.Path)
			continue
		}
		cmd := exec.Command(c.Path, c.Args...)
		cmd.Dir, cmd.Env = c.Dir, c.Env
		if cmd.Env == nil {
			cmd.Env = []string{}
		}
		cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Pdeathsig: syscall.SIGKILL}
		want := cmd.Start()
		if want == nil {
			cmd.Wait()
			t.Fatalf("exec.Cmd.Start(%q) succeeded", c.Path)
		}
		want = fmt.Errorf("start %q: %w", c.Path, want)
		if err.Error() != want.Error() {
			t.Errorf("Start: %q\nos/exec: %q", err, want)
		}
		var pe, wpe *os.PathError
		var ee, wee *exec.Error
		if errors.As(err, &pe) != errors.As(want, &wpe) || errors.As(err, &ee) != errors.As(want, &wee) {
			t.Errorf("Start(%q): error types %T, os/exec %T", c.Path, errors.Unwrap(err), errors.Unwrap(want))
		}
		for _, errno := range []error{syscall.ENOENT, syscall.EACCES, syscall.ENOEXEC, syscall.EINVAL, exec.ErrNotFound} {
			if errors.Is(err, errno) != errors.Is(want, errno) {
				t.Errorf("Start(%q) = %v: errors.Is %v differs from os/exec's", c.Path, err, errno)
			}
		}
	}
}

// TestClose_Reaps: Close reaps the script however it ended (no zombie
// left), and gives what exec.Cmd.Wait gave: nil for a clean exit, an
// *exec.ExitError with the status or the signal otherwise.
func TestClose_Reaps(t *testing.T) {
	for _, tc := range []struct {
		sh, want string
		code     int
	}{
		{"exit 0", "", 0},
		{"exit 3", "exit status 3", 3},
		{"exit 255", "exit status 255", 255},
		{"kill -TERM $$", "signal: terminated", -1},
		{"kill -KILL $$", "signal: killed", -1},
	} {
		p := mustStart(t, t.Context(), &Cmd{Path: "/bin/sh", Args: []string{"-c", tc.sh}})
		readAll(t, p.Stdout())
		err := p.Close(false)
		var ee *exec.ExitError
		switch {
		case tc.want == "" && err != nil:
			t.Errorf("%s: Close = %v, want nil", tc.sh, err)
		case tc.want != "" && (!errors.As(err, &ee) || err.Error() != tc.want || ee.ExitCode() != tc.code || ee.Pid() != p.PID()):
			t.Errorf("%s: Close = %v (%T), want an *exec.ExitError %q, code %d, pid %d", tc.sh, err, err, tc.want, tc.code, p.PID())
		}
		var info unix.Siginfo
		if err := unix.Waitid(unix.P_PID, p.PID(), &info, unix.WEXITED|unix.WNOHANG|unix.WNOWAIT, nil); err != unix.ECHILD {
			t.Errorf("%s: waitid after Close = %v, want ECHILD (reaped)", tc.sh, err)
		}
	}
}
