// helpers_test.go holds the test helpers every gateway test may use: a
// Gateway behind an httptest.Server with a process-leak check, copies of the
// top-level testdata, plain and raw HTTP requests, and process polling.

package gateway

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"io"
	"io/fs"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/menshen/menshen/internal/http1"
	"github.com/sirupsen/logrus"
	"github.com/sirupsen/logrus/hooks/test"
)

// leakWait bounds how long a test waits, after its server has closed, for
// the process groups it started to disappear (init reaps orphans
// asynchronously).
const leakWait = 3 * time.Second

// mustGateway builds a Gateway from cfg and serves it with an
// httptest.Server. A nil cfg.Logger becomes a null logger (pass your own
// from test.NewNullLogger to assert on entries). Cleanup closes the server
// (waiting for requests in flight), closes the Gateway, and then fails the
// test if any process group whose pid was logged (every script start is
// logged with a "pid" field) is still alive.
func mustGateway(tb testing.TB, cfg Config) (*Gateway, *publicServer) {
	tb.Helper()
	if cfg.Logger == nil {
		cfg.Logger, _ = test.NewNullLogger()
	}
	pids := pidHook{newPidSet()}
	cfg.Logger.AddHook(pids)
	g, err := New(cfg)
	if err != nil {
		tb.Fatalf("New: %v", err)
	}
	srv := startPublic(tb, g)
	tb.Cleanup(func() {
		srv.Close()
		if err := g.Close(); err != nil {
			tb.Errorf("Gateway.Close: %v", err)
		}
		mustNoLeak(tb, pids.all()...)
	})
	return g, srv
}

// publicServer is a Gateway's public listener as `menshen serve` runs it:
// the internal/http1 server on a loopback port.
type publicServer struct {
	URL      string
	Listener net.Listener
	g        *Gateway
	srv      *http1.Server
	done     chan error
}

func startPublic(tb testing.TB, g *Gateway) *publicServer {
	tb.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	srv := g.newPublicServer()
	p := &publicServer{URL: "http://" + ln.Addr().String(), Listener: ln, g: g, srv: srv, done: make(chan error, 1)}
	go func() { p.done <- srv.Serve(ln) }()
	return p
}

// Close closes the listener and every connection, then waits for the
// requests in flight to end, as httptest.Server.Close does.
func (p *publicServer) Close() {
	p.srv.Close()
	<-p.done
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	p.g.waitInflight(ctx)
}

// pidSet is the pids a test saw, for the leak check. It is safe for
// concurrent use.
type pidSet struct {
	mu   sync.Mutex
	pids map[int]bool
}

func newPidSet() *pidSet { return &pidSet{pids: map[int]bool{}} }

func (p *pidSet) add(pids ...int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, pid := range pids {
		if pid > 0 {
			p.pids[pid] = true
		}
	}
}

func (p *pidSet) all() []int {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := make([]int, 0, len(p.pids))
	for pid := range p.pids {
		out = append(out, pid)
	}
	return out
}

// pidHook records every "pid" field logged, so that the leak check knows
// which process groups a test started.
type pidHook struct{ *pidSet }

func (h pidHook) Levels() []logrus.Level { return logrus.AllLevels }

func (h pidHook) Fire(e *logrus.Entry) error {
	if pid, ok := fieldInt(e.Data["pid"]); ok {
		h.add(pid)
	}
	return nil
}

// fieldInt reads a logrus field holding any integer type.
func fieldInt(v any) (int, bool) {
	switch n := v.(type) {
	case int:
		return n, true
	case int32:
		return int(n), true
	case int64:
		return int(n), true
	case uint32:
		return int(n), true
	case uint64:
		return int(n), true
	}
	return 0, false
}

// mustNoLeak fails tb unless every process group in pgids is gone (or only
// zombies waiting for init) within leakWait.
func mustNoLeak(tb testing.TB, pgids ...int) {
	tb.Helper()
	deadline := time.Now().Add(leakWait)
	for _, pg := range pgids {
		for groupAlive(pg) {
			if time.Now().After(deadline) {
				tb.Errorf("process group %d still alive %v after the test: leaked", pg, leakWait)
				break
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
}

// waitGone waits up to d for every pid to be gone (or a zombie) and
// reports whether they all were.
func waitGone(d time.Duration, pids ...int) bool {
	deadline := time.Now().Add(d)
	for _, p := range pids {
		for pidAlive(p) {
			if time.Now().After(deadline) {
				return false
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
	return true
}

// groupAlive reports whether a process group has a member that is not a
// zombie. Kill(-pgid, 0) alone counts zombies, which a container's init may
// be slow to reap.
func groupAlive(pgid int) bool {
	if err := syscall.Kill(-pgid, 0); errors.Is(err, syscall.ESRCH) {
		return false
	}
	ents, err := os.ReadDir("/proc")
	if err != nil {
		return true // no /proc: trust kill
	}
	for _, e := range ents {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		state, pg, ok := procStat(pid)
		if ok && pg == pgid && state != 'Z' && state != 'X' {
			return true
		}
	}
	return false
}

// pidAlive reports whether pid is a live process (not a zombie).
func pidAlive(pid int) bool {
	if err := syscall.Kill(pid, 0); errors.Is(err, syscall.ESRCH) {
		return false
	}
	state, _, ok := procStat(pid)
	if !ok {
		return syscall.Kill(pid, 0) == nil && !fileExists("/proc/self") // no /proc: trust kill
	}
	return state != 'Z' && state != 'X'
}

// procStat reads the state and process group of pid from /proc.
func procStat(pid int) (state byte, pgrp int, ok bool) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return 0, 0, false
	}
	// "pid (comm) S ppid pgrp ...": comm may hold spaces and parentheses.
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return 0, 0, false
	}
	f := strings.Fields(string(b[i+1:]))
	if len(f) < 3 || len(f[0]) != 1 {
		return 0, 0, false
	}
	pg, err := strconv.Atoi(f[2])
	if err != nil {
		return 0, 0, false
	}
	return f[0][0], pg, true
}

func fileExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

// testdataDir returns the path of a top-level testdata directory
// ("cgi" → ../testdata/cgi), where the end-to-end fixtures live.
func testdataDir(name string) string {
	return filepath.Join("..", "testdata", filepath.FromSlash(name))
}

// mustCopyTestdata copies the top-level testdata directory name into a fresh
// temp dir and returns that copy: tests may add, remove and write files
// (scripts leave marker and pid files in their directory) without touching
// the repository. Modes and symlinks are preserved.
func mustCopyTestdata(tb testing.TB, name string) string {
	tb.Helper()
	dst := filepath.Join(tb.TempDir(), filepath.Base(name))
	mustCopyDir(tb, testdataDir(name), dst)
	return dst
}

// mustCopyDir copies the tree at src to dst (which must not exist),
// preserving permission bits and symlinks.
func mustCopyDir(tb testing.TB, src, dst string) {
	tb.Helper()
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, p)
		if err != nil {
			return err
		}
		to := filepath.Join(dst, rel)
		info, err := d.Info()
		if err != nil {
			return err
		}
		switch {
		case d.Type()&fs.ModeSymlink != 0:
			target, err := os.Readlink(p)
			if err != nil {
				return err
			}
			return os.Symlink(target, to)
		case d.IsDir():
			return os.MkdirAll(to, info.Mode().Perm()|0o700)
		case d.Type().IsRegular():
			data, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			return os.WriteFile(to, data, info.Mode().Perm())
		}
		return nil
	})
	if err != nil {
		tb.Fatalf("copy %q to %q: %v", src, dst, err)
	}
}

// mustWriteFile writes a file (making its directory), e.g. a script made up
// by a test or a config file.
func mustWriteFile(tb testing.TB, path, content string, perm os.FileMode) {
	tb.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		tb.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), perm); err != nil {
		tb.Fatal(err)
	}
	if err := os.Chmod(path, perm); err != nil { // WriteFile keeps an old file's mode
		tb.Fatal(err)
	}
}

// noRedirectClient does not follow redirects, so tests see what the gateway
// answered. Its Transport is private to the tests: CloseIdleConnections on
// it never disturbs another test.
var noRedirectClient = &http.Client{
	Transport:     &http.Transport{DisableKeepAlives: true},
	Timeout:       30 * time.Second,
	CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
}

// mustGet GETs url without following redirects and returns the response
// (body closed) and its body.
func mustGet(tb testing.TB, url string) (*http.Response, []byte) {
	tb.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		tb.Fatal(err)
	}
	return mustDo(tb, req)
}

// mustDo sends req without following redirects and returns the response
// (body closed) and its body.
func mustDo(tb testing.TB, req *http.Request) (*http.Response, []byte) {
	tb.Helper()
	resp, err := noRedirectClient.Do(req)
	if err != nil {
		tb.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		tb.Fatalf("%s %s: read body: %v", req.Method, req.URL, err)
	}
	return resp, body
}

// mustRaw sends raw bytes (a request line Go's client would clean, a chunked
// body, ...) to the server at addr ("127.0.0.1:port" or an http:// URL) and
// returns everything it answers until it closes the connection. Send
// "Connection: close" in req.
func mustRaw(tb testing.TB, addr, req string) []byte {
	tb.Helper()
	conn := mustDial(tb, addr)
	defer conn.Close()
	if err := conn.SetDeadline(time.Now().Add(10 * time.Second)); err != nil {
		tb.Fatal(err)
	}
	if _, err := io.WriteString(conn, req); err != nil {
		tb.Fatalf("write raw request: %v", err)
	}
	out, err := io.ReadAll(conn)
	if err != nil {
		tb.Fatalf("read raw response: %v (got %q)", err, out)
	}
	return out
}

// mustRawResponse is mustRaw parsed as one HTTP response (body read).
func mustRawResponse(tb testing.TB, addr, req string) (*http.Response, []byte) {
	tb.Helper()
	raw := mustRaw(tb, addr, req)
	resp, err := http.ReadResponse(bufio.NewReader(bytes.NewReader(raw)), nil)
	if err != nil {
		tb.Fatalf("parse response to %q: %v (raw %q)", firstLine(req), err, raw)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		tb.Fatalf("read response body to %q: %v (raw %q)", firstLine(req), err, raw)
	}
	return resp, body
}

// mustDial connects to addr ("host:port" or an http:// URL).
func mustDial(tb testing.TB, addr string) net.Conn {
	tb.Helper()
	addr = strings.TrimPrefix(addr, "http://")
	conn, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		tb.Fatalf("dial %s: %v", addr, err)
	}
	return conn
}

func firstLine(s string) string {
	l, _, _ := strings.Cut(s, "\r\n")
	return l
}

// waitFor polls cond every 10 ms until it holds or d has passed, and reports
// whether it held.
func waitFor(d time.Duration, cond func() bool) bool {
	deadline := time.Now().Add(d)
	for {
		if cond() {
			return true
		}
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// mustReadPids waits up to d for a script to write the file of pids (one per
// line) and returns them.
func mustReadPids(tb testing.TB, path string, d time.Duration) []int {
	tb.Helper()
	var pids []int
	ok := waitFor(d, func() bool {
		b, err := os.ReadFile(path)
		if err != nil {
			return false
		}
		pids = pids[:0]
		for _, f := range strings.Fields(string(b)) {
			if n, err := strconv.Atoi(f); err == nil {
				pids = append(pids, n)
			}
		}
		return len(pids) > 0
	})
	if !ok {
		tb.Fatalf("no pids in %s after %v", path, d)
	}
	return pids
}

// entriesWith returns the logged entries whose field key equals value.
func entriesWith(h *test.Hook, key string, value any) []*logrus.Entry {
	var out []*logrus.Entry
	for _, e := range h.AllEntries() {
		if v, ok := e.Data[key]; ok && v == value {
			out = append(out, e)
		}
	}
	return out
}
