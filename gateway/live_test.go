// live_test.go tests live operation without restart or failed requests:
// mode toggles through SetMode and POST /mode (C30), hot reload of the
// scripts directory with the watcher running (C31), and live config reload,
// watched and through Reload (C32, C33).

package gateway

import (
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sirupsen/logrus"
	"github.com/sirupsen/logrus/hooks/test"
)

// liveBudget is how soon a change on disk must be visible (C31, C32).
const liveBudget = time.Second

// versionScript is a Perl CGI script that says which version it is; every
// version has the same size, as when an editor changes one character.
func versionScript(v int) string {
	return fmt.Sprintf("#!/usr/bin/perl\nprint \"Content-Type: text/plain\\r\\nX-Pid: $$\\r\\n\\r\\n\";\nprint \"version %03d\\n\";\n", v)
}

func versionBody(v int) string { return fmt.Sprintf("version %03d\n", v) }

// mustRenameOver replaces path the way editors and deploy tools do: write a
// temporary file beside it, make it executable, rename it over the original.
func mustRenameOver(tb testing.TB, path, content string) {
	tb.Helper()
	tmp := filepath.Join(filepath.Dir(path), "."+filepath.Base(path)+".tmp")
	mustWriteFile(tb, tmp, content, 0o644)
	if err := os.Chmod(tmp, 0o755); err != nil {
		tb.Fatal(err)
	}
	if err := os.Rename(tmp, path); err != nil {
		tb.Fatal(err)
	}
}

// waitAnswer polls a script until it answers with status and (when want is
// not "") body, for at most d, and returns the last answer and how long it
// took. It records pids.
func (s *fcgiSite) waitAnswer(tb testing.TB, rel string, status int, want string, d time.Duration) (result, time.Duration, bool) {
	tb.Helper()
	start := time.Now()
	var r result
	ok := waitFor(d, func() bool {
		r = fetch(noRedirectClient, s.url(rel))
		if r.err != nil {
			return false
		}
		s.record(r)
		return r.status == status && (want == "" || r.body == want)
	})
	return r, time.Since(start), ok
}

// record notes the X-Pid of an answer, if any.
func (s *fcgiSite) record(r result) int {
	if r.header == nil {
		return 0
	}
	var pid int
	if _, err := fmt.Sscan(r.header.Get("X-Pid"), &pid); err == nil {
		s.seen.add(pid)
	}
	return pid
}

// loadClient is a keep-alive client for load tests, private to the test.
func loadClient(tb testing.TB) *http.Client {
	tr := &http.Transport{MaxIdleConnsPerHost: 16}
	tb.Cleanup(tr.CloseIdleConnections)
	return &http.Client{Transport: tr, Timeout: 15 * time.Second}
}

// loadStats counts what a hammer saw.
type loadStats struct {
	total atomic.Int64
	mu    sync.Mutex
	bad   []string // the first failures
}

// failReasons lists the reasons of the requests the Gateway logged as
// failed, for a failure message.
func (s *fcgiSite) failReasons() string {
	var out []string
	for _, e := range s.hook.AllEntries() {
		if e.Message == "request failed" && len(out) < 10 {
			out = append(out, fmt.Sprintf("%v %v: %v", e.Data["status"], e.Data["path"], e.Data["reason"]))
		}
	}
	return strings.Join(out, "\n")
}

// checkLoad fails the test with a hammer's failures, if any, and the
// reasons the Gateway logged; what (may be "") starts the message.
func (s *fcgiSite) checkLoad(tb testing.TB, st *loadStats, what string) {
	tb.Helper()
	if len(st.bad) > 0 {
		tb.Errorf("%s%d requests; failures:\n%s\nlogged:\n%s", what, st.total.Load(), strings.Join(st.bad, "\n"), s.failReasons())
	}
}

// isVersion is a hammer's check of a versionScript answer whose body
// starts with prefix.
func isVersion(prefix string) func(result) string {
	return func(r result) string {
		if !strings.HasPrefix(r.body, prefix) || len(r.body) != len(versionBody(0)) {
			return fmt.Sprintf("body %q is no version", r.body)
		}
		return ""
	}
}

func (l *loadStats) fail(msg string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.bad) < 10 {
		l.bad = append(l.bad, msg)
	}
}

// hammer runs clients goroutines that GET the URLs of next until stop is
// closed, and returns once they have all ended. check judges a 200 answer
// ("" for fine).
func (s *fcgiSite) hammer(tb testing.TB, clients int, stop <-chan struct{}, next func(i int) string, check func(result) string) *loadStats {
	tb.Helper()
	c := loadClient(tb)
	st := &loadStats{}
	var wg sync.WaitGroup
	for w := range clients {
		wg.Go(func() {
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				u := next(w + i*clients)
				r := fetch(c, s.url(u))
				st.total.Add(1)
				s.record(r)
				switch {
				case r.err != nil:
					st.fail(fmt.Sprintf("GET %s: %v", u, r.err))
				case r.status != http.StatusOK:
					st.fail(fmt.Sprintf("GET %s: %d %q", u, r.status, r.body))
				case check != nil:
					if msg := check(r); msg != "" {
						st.fail(fmt.Sprintf("GET %s: %s", u, msg))
					}
				}
			}
		})
	}
	wg.Wait()
	return st
}

// TestMode_AdminSwitchesOneScriptOrAll guards C30 through POST /mode: one
// script or all of them switch for new requests, and the pools of scripts
// leaving fastcgi drain and their workers exit.
func TestMode_AdminSwitchesOneScriptOrAll(t *testing.T) {
	t.Parallel()
	s := newFCGISite(t, "live", ModeCGI, nil)
	persistent := func(rel string) (int, bool) {
		p1, _ := s.get(t, rel)
		p2, _ := s.get(t, rel)
		return p1, p1 == p2
	}
	if _, same := persistent("pid.pl"); same {
		t.Fatal("cgi mode: two requests ran in the same process")
	}

	if rec := postMode(t, s.g, url.Values{"mode": {"fastcgi"}, "script": {"pid.pl"}}); rec.Code != http.StatusOK {
		t.Fatalf("POST /mode fastcgi pid.pl: %d %q", rec.Code, rec.Body.String())
	}
	worker, same := persistent("pid.pl")
	if !same {
		t.Error("pid.pl switched to fastcgi: not served by a persistent worker")
	}
	if _, same := persistent("other.pl"); same {
		t.Error("other.pl was not switched but runs in a persistent worker")
	}
	if m := s.row(t, "pid.pl").Mode; m != ModeFastCGI {
		t.Errorf("status: pid.pl mode %q, want fastcgi", m)
	}
	if m := s.row(t, "other.pl").Mode; m != ModeCGI {
		t.Errorf("status: other.pl mode %q, want cgi", m)
	}

	if rec := postMode(t, s.g, url.Values{"mode": {"fastcgi"}}); rec.Code != http.StatusOK {
		t.Fatalf("POST /mode fastcgi: %d %q", rec.Code, rec.Body.String())
	}
	other, same := persistent("other.pl")
	if !same {
		t.Error("all switched to fastcgi: other.pl not persistent")
	}
	if p, _ := s.get(t, "pid.pl"); p != worker {
		t.Errorf("pid.pl moved from worker %d to %d although its mode did not change", worker, p)
	}

	if rec := postMode(t, s.g, url.Values{"mode": {"cgi"}, "script": {"pid.pl"}}); rec.Code != http.StatusOK {
		t.Fatalf("POST /mode cgi pid.pl: %d %q", rec.Code, rec.Body.String())
	}
	if _, same := persistent("pid.pl"); same {
		t.Error("pid.pl switched back to cgi: still one process for two requests")
	}
	if !waitGone(3*time.Second, worker) {
		t.Errorf("pid.pl left fastcgi but its worker %d is still alive after 3s", worker)
	}
	if p, _ := s.get(t, "other.pl"); p != other || !pidAlive(other) {
		t.Errorf("other.pl (still fastcgi) moved from worker %d to %d", other, p)
	}

	if rec := postMode(t, s.g, url.Values{"mode": {"cgi"}}); rec.Code != http.StatusOK {
		t.Fatalf("POST /mode cgi: %d %q", rec.Code, rec.Body.String())
	}
	if _, same := persistent("other.pl"); same {
		t.Error("all switched to cgi: other.pl still persistent")
	}
	if !waitGone(3*time.Second, other) {
		t.Errorf("other.pl left fastcgi but its worker %d is still alive after 3s", other)
	}
	if w := s.row(t, "other.pl").Workers; len(w) != 0 {
		t.Errorf("status lists workers %v after switching to cgi", w)
	}

	if rec := postMode(t, s.g, url.Values{"mode": {"turbo"}}); rec.Code != http.StatusBadRequest {
		t.Errorf("POST /mode turbo: %d, want 400", rec.Code)
	}
}

// TestMode_InFlightRequestFinishesWhereItStarted guards C30: a slow request
// started in fastcgi completes on its worker after a switch to cgi, new
// requests run as CGI at once, and the worker exits afterwards.
func TestMode_InFlightRequestFinishesWhereItStarted(t *testing.T) {
	t.Parallel()
	s := newFCGISite(t, "live", ModeFastCGI, nil)
	done := make(chan result, 1)
	go func() { done <- fetch(noRedirectClient, s.url("sleep.pl?s=1&tag=slow")) }()
	worker := s.pidFile(t, "slow")

	s.g.SetMode(ModeCGI, "")
	c1, _ := s.get(t, "sleep.pl")
	c2, _ := s.get(t, "sleep.pl")
	if c1 == worker || c2 == worker || c1 == c2 {
		t.Errorf("after the switch: pids %d, %d (worker %d), want a new process per request", c1, c2, worker)
	}

	r := <-done
	if r.err != nil || r.status != http.StatusOK || s.record(r) != worker {
		t.Errorf("in-flight request: status %d err %v X-Pid %q, want 200 from worker %d", r.status, r.err, r.header.Get("X-Pid"), worker)
	}
	if !waitGone(3*time.Second, worker) {
		t.Errorf("worker %d still alive 3s after its pool was drained", worker)
	}
}

// TestMode_ToggleUnderLoadFailsNothing guards C30: switching every 50 ms
// between cgi and fastcgi, for all scripts and for one, under 4 concurrent
// clients, fails no request.
func TestMode_ToggleUnderLoadFailsNothing(t *testing.T) {
	t.Parallel()
	s := newFCGISite(t, "live", ModeCGI, nil)
	stop := make(chan struct{})
	toggled := make(chan int)
	go func() {
		n := 0
		tick := time.NewTicker(50 * time.Millisecond)
		defer tick.Stop()
		for deadline := time.Now().Add(2 * time.Second); time.Now().Before(deadline); n++ {
			<-tick.C
			mode := ModeFastCGI
			if n%2 == 1 {
				mode = ModeCGI
			}
			script := ""
			if n%5 == 4 {
				script = "pid.pl"
			}
			s.g.SetMode(mode, script)
		}
		close(stop)
		toggled <- n
	}()
	scripts := []string{"pid.pl", "other.pl"}
	st := s.hammer(t, 4, stop, func(i int) string { return scripts[i%2] }, nil)
	n := <-toggled
	s.checkLoad(t, st, fmt.Sprintf("%d toggles, ", n))
	if st.total.Load() < 20 {
		t.Errorf("only %d requests in 2s", st.total.Load())
	}
	// Ending in cgi: every worker drains and exits.
	s.g.SetMode(ModeCGI, "")
	if !waitFor(5*time.Second, func() bool {
		return len(s.row(t, "pid.pl").Workers)+len(s.row(t, "other.pl").Workers) == 0
	}) {
		t.Errorf("workers still listed 5s after the last switch to cgi: pid.pl %v, other.pl %v",
			s.row(t, "pid.pl").Workers, s.row(t, "other.pl").Workers)
	}
}

// TestLive_ScriptsAddedAndRemoved guards C31 with the watcher running: a
// new script, a script in a new subdirectory and a removed script are seen
// within 1 s, and the removed script's worker exits.
func TestLive_ScriptsAddedAndRemoved(t *testing.T) {
	t.Parallel()
	s := newFCGISite(t, "live", ModeFastCGI, nil)
	if err := s.g.Start(); err != nil {
		t.Fatal(err)
	}
	mustWriteFile(t, filepath.Join(s.dir, "new.pl"), versionScript(1), 0o755)
	if r, d, ok := s.waitAnswer(t, "new.pl", http.StatusOK, versionBody(1), liveBudget); !ok {
		t.Errorf("added script: %d %q after %v", r.status, r.body, d)
	}
	newWorker, _ := s.get(t, "new.pl")

	if err := os.MkdirAll(filepath.Join(s.dir, "fresh", "deeper"), 0o755); err != nil {
		t.Fatal(err)
	}
	time.Sleep(20 * time.Millisecond) // let the watcher see the directory empty first
	mustWriteFile(t, filepath.Join(s.dir, "fresh", "deeper", "x.pl"), versionScript(2), 0o755)
	if r, d, ok := s.waitAnswer(t, "fresh/deeper/x.pl", http.StatusOK, versionBody(2), liveBudget); !ok {
		t.Errorf("script in a new subdirectory: %d %q after %v", r.status, r.body, d)
	}
	if !waitFor(liveBudget, func() bool { return slices.Contains(s.g.listScripts(s.g.settings.Load()), "fresh/deeper/x.pl") }) {
		t.Error("status does not list the script of the new subdirectory")
	}

	if err := os.Remove(filepath.Join(s.dir, "new.pl")); err != nil {
		t.Fatal(err)
	}
	if r, d, ok := s.waitAnswer(t, "new.pl", http.StatusNotFound, "", liveBudget); !ok {
		t.Errorf("removed script: %d %q after %v", r.status, r.body, d)
	}
	if !waitGone(2*time.Second, newWorker) {
		t.Errorf("worker %d of the removed script still alive", newWorker)
	}
}

// TestLive_ScriptRemovedUnderItsStartIs404 guards C31 and C10: a request
// whose script goes away between its lookup and its start (here the
// script removes itself and ends at once, the way perl or a worker fails
// on a file removed under it) gets 404, the answer of a request a moment
// later, in both modes, not the failed start's 502.
func TestLive_ScriptRemovedUnderItsStartIs404(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		mode   Mode
		script string
	}{
		{ModeCGI, "gone.sh"},
		{ModeFastCGI, "gone.fcgi"}, // a native worker that never starts
	} {
		t.Run(string(tc.mode), func(t *testing.T) {
			t.Parallel()
			s := newFCGISite(t, "live", tc.mode, nil)
			mustWriteFile(t, filepath.Join(s.dir, tc.script), "#!/bin/sh\nrm -f \"$0\"\nexit 1\n", 0o755)
			resp, body := mustGet(t, s.url(tc.script))
			if resp.StatusCode != http.StatusNotFound {
				t.Errorf("%s removed under its start: %d %q, want 404", tc.script, resp.StatusCode, body)
			}
		})
	}
}

// TestLive_ChangedScriptRunsNewCode guards C31 in both modes: the request
// after an edit runs the new code; in fastcgi mode on a new worker, while
// the old worker exits.
func TestLive_ChangedScriptRunsNewCode(t *testing.T) {
	t.Parallel()
	for _, mode := range []Mode{ModeCGI, ModeFastCGI} {
		t.Run(string(mode), func(t *testing.T) {
			t.Parallel()
			s := newFCGISite(t, "live", mode, nil)
			if err := s.g.Start(); err != nil {
				t.Fatal(err)
			}
			path := filepath.Join(s.dir, "edit.pl")
			mustWriteFile(t, path, versionScript(1), 0o755)
			p1, b1 := s.get(t, "edit.pl")
			if b1 != versionBody(1) {
				t.Fatalf("version 1: body %q", b1)
			}
			time.Sleep(20 * time.Millisecond) // a later mtime, even on a coarse clock
			// In place, same size, same inode: what `echo >` or a plain
			// editor save does.
			if err := os.WriteFile(path, []byte(versionScript(2)), 0o755); err != nil {
				t.Fatal(err)
			}
			p2, b2 := s.get(t, "edit.pl")
			if b2 != versionBody(2) {
				t.Errorf("request right after the edit: body %q, want %q", b2, versionBody(2))
			}
			if mode == ModeFastCGI {
				if p2 == p1 {
					t.Errorf("edited script still served by the old worker %d", p1)
				}
				if !waitGone(2*time.Second, p1) {
					t.Errorf("old worker %d still alive 2s after the script changed", p1)
				}
				if p3, _ := s.get(t, "edit.pl"); p3 != p2 {
					t.Errorf("new worker %d not reused: %d", p2, p3)
				}
			}
			if mode == ModeFastCGI {
				// A chmod that changes nothing and a hard link made and
				// removed (backup tools) change the change time only:
				// no new code, the same worker.
				p2, _ := s.get(t, "edit.pl")
				if err := os.Chmod(path, 0o755); err != nil {
					t.Fatal(err)
				}
				bak := filepath.Join(t.TempDir(), "edit.pl.bak")
				if err := os.Link(path, bak); err == nil {
					os.Remove(bak)
				}
				time.Sleep(300 * time.Millisecond) // the watcher's rescan
				if p3, b3 := s.get(t, "edit.pl"); p3 != p2 || b3 != versionBody(2) {
					t.Errorf("after a chmod and a hard link: worker %d %q, want %d still (no new code)", p3, b3, p2)
				}
			}
			// In place again, and the old modification time put back, as
			// cp -p, install -p or touch -r leave it: only the change
			// time tells.
			fi, err := os.Stat(path)
			if err != nil {
				t.Fatal(err)
			}
			time.Sleep(20 * time.Millisecond)
			if err := os.WriteFile(path, []byte(versionScript(3)), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.Chtimes(path, fi.ModTime(), fi.ModTime()); err != nil {
				t.Fatal(err)
			}
			if _, b3 := s.get(t, "edit.pl"); b3 != versionBody(3) {
				t.Errorf("after an edit that kept size and mtime: body %q, want %q", b3, versionBody(3))
			}
		})
	}
}

// TestLive_EditorBurstAndMovedDirectory guards C31: an editor's
// write-temp, rename-over and chmod burst, and a deploy that moves a whole
// new version of a directory into place, are both served within 1 s, on
// new workers.
func TestLive_EditorBurstAndMovedDirectory(t *testing.T) {
	t.Parallel()
	s := newFCGISite(t, "live", ModeFastCGI, nil)
	if err := s.g.Start(); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(s.dir, "page.pl")
	mustWriteFile(t, path, versionScript(1), 0o755)
	p1, _ := s.get(t, "page.pl")

	// vim with backupcopy=no: probe file, rename the original to a
	// backup, write the new file, chmod it, remove the backup.
	probe := filepath.Join(s.dir, "4913")
	mustWriteFile(t, probe, "", 0o644)
	os.Remove(probe)
	if err := os.Rename(path, path+"~"); err != nil {
		t.Fatal(err)
	}
	mustWriteFile(t, path, versionScript(2), 0o644)
	if err := os.Chmod(path, 0o755); err != nil {
		t.Fatal(err)
	}
	os.Remove(path + "~")
	if r, d, ok := s.waitAnswer(t, "page.pl", http.StatusOK, versionBody(2), liveBudget); !ok {
		t.Errorf("after the vim-style save: %d %q after %v", r.status, r.body, d)
	}
	// Then a write-temp + rename-over + chmod burst.
	mustRenameOver(t, path, versionScript(3))
	if err := os.Chmod(path, 0o755); err != nil {
		t.Fatal(err)
	}
	r, d, ok := s.waitAnswer(t, "page.pl", http.StatusOK, versionBody(3), liveBudget)
	if !ok {
		t.Errorf("after the rename-over burst: %d %q after %v", r.status, r.body, d)
	}
	if p3 := s.record(r); p3 == p1 {
		t.Errorf("still the first worker %d", p1)
	}
	if !waitGone(2*time.Second, p1) {
		t.Errorf("first worker %d still alive after two new versions", p1)
	}

	// A deploy: build app.new beside the tree, then mv the old version
	// away and the new one into place.
	app := filepath.Join(s.dir, "app")
	mustWriteFile(t, filepath.Join(app, "run.pl"), versionScript(10), 0o755)
	a1, _ := s.get(t, "app/run.pl")
	stage := filepath.Join(filepath.Dir(s.dir), "app.new")
	mustWriteFile(t, filepath.Join(stage, "run.pl"), versionScript(11), 0o755)
	mustWriteFile(t, filepath.Join(stage, "admin", "tool.pl"), versionScript(12), 0o755)
	if err := os.Rename(app, filepath.Join(filepath.Dir(s.dir), "app.old")); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(stage, app); err != nil {
		t.Fatal(err)
	}
	r, d, ok = s.waitAnswer(t, "app/run.pl", http.StatusOK, versionBody(11), liveBudget)
	if !ok {
		t.Errorf("after mv of a new version: %d %q after %v", r.status, r.body, d)
	}
	if a2 := s.record(r); a2 == a1 {
		t.Errorf("new version served by the old worker %d", a1)
	}
	if r, d, ok := s.waitAnswer(t, "app/admin/tool.pl", http.StatusOK, versionBody(12), liveBudget); !ok {
		t.Errorf("script in the moved-in subdirectory: %d %q after %v", r.status, r.body, d)
	}
	if !waitGone(2*time.Second, a1) {
		t.Errorf("worker %d of the moved-away version still alive", a1)
	}
}

// TestLive_RewriteUnderLoadFailsNothing guards C31: 4 clients hammer a
// script in fastcgi mode while it is replaced 10 times by rename-over; no
// request fails, every answer is one of the versions, and the last version
// is served at the end.
func TestLive_RewriteUnderLoadFailsNothing(t *testing.T) {
	t.Parallel()
	s := newFCGISite(t, "live", ModeFastCGI, nil)
	if err := s.g.Start(); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(s.dir, "hot.pl")
	mustWriteFile(t, path, versionScript(0), 0o755)
	s.get(t, "hot.pl")
	stop := make(chan struct{})
	var writeErr error
	go func() {
		defer close(stop)
		for v := 1; v <= 10; v++ {
			time.Sleep(100 * time.Millisecond)
			tmp := filepath.Join(s.dir, ".hot.pl.tmp")
			if err := os.WriteFile(tmp, []byte(versionScript(v)), 0o755); err != nil {
				writeErr = err
				return
			}
			if err := os.Rename(tmp, path); err != nil {
				writeErr = err
				return
			}
		}
		time.Sleep(100 * time.Millisecond)
	}()
	st := s.hammer(t, 4, stop, func(int) string { return "hot.pl" }, isVersion("version 0"))
	if writeErr != nil {
		t.Fatal(writeErr)
	}
	s.checkLoad(t, st, "")
	if r, d, ok := s.waitAnswer(t, "hot.pl", http.StatusOK, versionBody(10), liveBudget); !ok {
		t.Errorf("last version: %d %q after %v", r.status, r.body, d)
	}
	// Only the last version's workers may remain.
	if !waitFor(3*time.Second, func() bool { return len(s.row(t, "hot.pl").Workers) <= 2 }) {
		t.Errorf("old versions' workers linger: %v", s.row(t, "hot.pl").Workers)
	}
}

// TestLive_WriteInPlaceUnderLoadFailsNothing guards C31 for a save that
// writes the file in place (`cat > script`: truncate, then write): 4
// clients hammer a shell and a Perl script in cgi mode while another
// process rewrites each so 60 times, 50 ms apart. sh or perl that read
// the file in the instant it was empty printed nothing; the start again
// of a script caught by a save missed it when the check met the truncate
// between its size change and its times (size 0, the old mtime), and the
// client got a 502.
func TestLive_WriteInPlaceUnderLoadFailsNothing(t *testing.T) {
	t.Parallel()
	s := newFCGISite(t, "live", ModeCGI, nil)
	if err := s.g.Start(); err != nil {
		t.Fatal(err)
	}
	scripts := map[string]func(v int) string{
		"inplace.sh": func(v int) string {
			return fmt.Sprintf("#!/bin/sh\nprintf 'Content-Type: text/plain\\n\\nversion %03d\\n'\n", v)
		},
		"inplace.pl": versionScript,
	}
	for name, content := range scripts {
		mustWriteFile(t, filepath.Join(s.dir, name), content(0), 0o755)
	}
	// The writer is another process, as an editor is: a descriptor this
	// test process held open for writing would be inherited by the
	// gateway's own forks (go#22315) and keep the scripts busy.
	writer := exec.Command("perl", "-e", inPlaceWriter, s.dir)
	writer.Stderr = os.Stderr
	if err := writer.Start(); err != nil {
		t.Fatal(err)
	}
	stop := make(chan struct{})
	var writeErr error
	go func() {
		defer close(stop)
		writeErr = writer.Wait()
	}()
	st := s.hammer(t, 4, stop, func(i int) string { return []string{"inplace.sh", "inplace.pl"}[i%2] }, isVersion("version "))
	if writeErr != nil {
		t.Fatal(writeErr)
	}
	s.checkLoad(t, st, "")
	for name := range scripts {
		if r, d, ok := s.waitAnswer(t, name, http.StatusOK, versionBody(60), liveBudget); !ok {
			t.Errorf("%s, last version: %d %q after %v", name, r.status, r.body, d)
		}
	}
}

// inPlaceWriter rewrites inplace.sh and inplace.pl in the directory it is
// given in place (open with O_TRUNC, write: `cat > script`), 60 times,
// 50 ms apart, with the versions TestLive_WriteInPlaceUnderLoadFailsNothing
// writes first.
const inPlaceWriter = `my ($dir) = @ARGV;
for my $v (1 .. 60) {
    select(undef, undef, undef, 0.05);
    for (["inplace.sh", sprintf("#!/bin/sh\nprintf 'Content-Type: text/plain\\n\\nversion %03d\\n'\n", $v)],
         ["inplace.pl", sprintf("#!/usr/bin/perl\nprint \"Content-Type: text/plain\\r\\nX-Pid: \$\$\\r\\n\\r\\n\";\nprint \"version %03d\\n\";\n", $v)]) {
        my ($name, $body) = @$_;
        my $f;
        until (open($f, '>', "$dir/$name")) {
            die "$name: $!" unless $!{ETXTBSY};    # being exec'd this instant
            select(undef, undef, undef, 0.001);
        }
        print $f $body;
        close $f or die "$name: $!";
    }
}
`

// liveConfig is the config file of the reload tests.
func liveConfig(greeting string, fastcgi bool) string {
	c := fmt.Sprintf("[env]\nGREETING = %q\n", greeting)
	if fastcgi {
		c += "\n[script.\"env.pl\"]\nmode = \"fastcgi\"\n"
	}
	return c
}

// badConfig has an unknown key, flavour, on line 5.
const badConfig = "[env]\nGREETING = \"bad\"\n[script.\"env.pl\"]\nmode = \"cgi\"\nflavour = \"strawberry\"\n"

// mustGreeting GETs env.pl and returns its pid and greeting.
func (s *fcgiSite) mustGreeting(tb testing.TB) (int, string) {
	tb.Helper()
	pid, body := s.get(tb, "env.pl")
	return pid, strings.TrimSuffix(strings.TrimPrefix(body, "GREETING="), "\n")
}

// waitGreeting polls env.pl until it says want, within d.
func (s *fcgiSite) waitGreeting(tb testing.TB, want string, d time.Duration) bool {
	tb.Helper()
	_, _, ok := s.waitAnswer(tb, "env.pl", http.StatusOK, "GREETING="+want+"\n", d)
	return ok
}

// TestReload_WatchedConfigAppliesOrIsRejected guards C32: an edit of the
// --config file (env value, a script's mode) takes effect within about 1 s;
// a bad edit is logged with the line it is on and the previous config stays
// in force.
// TestReload_WatchedConfigUnderTrickleAndSwaps guards C32 where the
// watcher's events never settle or come from elsewhere: a file written
// every 30 ms beside the config (a log) does not hold the rescan back past
// its bound; a config directory replaced as a whole, and a config that is
// a symbolic link to a file in another directory, are still followed.
func TestReload_WatchedConfigUnderTrickleAndSwaps(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	confDir := filepath.Join(root, "conf")
	realDir := filepath.Join(root, "checkout")
	for _, d := range []string{confDir, realDir} {
		if err := os.Mkdir(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	conf := filepath.Join(confDir, "menshen.toml")
	mustWriteFile(t, conf, liveConfig("one", false), 0o644)
	s := newFCGISite(t, "live", ModeCGI, func(c *Config) { c.ConfigFile = conf })
	if err := s.g.Start(); err != nil {
		t.Fatal(err)
	}
	if _, g := s.mustGreeting(t); g != "one" {
		t.Fatalf("before the edits: greeting %q", g)
	}

	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		log := filepath.Join(confDir, "app.log")
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			case <-time.After(30 * time.Millisecond):
			}
			f, err := os.OpenFile(log, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
			if err == nil {
				fmt.Fprintf(f, "line %d\n", i)
				f.Close()
			}
		}
	})
	mustRenameOver(t, conf, liveConfig("two", false))
	ok := s.waitGreeting(t, "two", 1500*time.Millisecond)
	close(stop)
	wg.Wait()
	if !ok {
		t.Fatal("config edited while a file beside it is written every 30ms: not applied within 1.5s")
	}

	// The whole directory replaced: the new one is watched too.
	newDir := filepath.Join(root, "conf.new")
	if err := os.Mkdir(newDir, 0o755); err != nil {
		t.Fatal(err)
	}
	mustWriteFile(t, filepath.Join(newDir, "menshen.toml"), liveConfig("three", false), 0o644)
	if err := os.Rename(confDir, filepath.Join(root, "conf.old")); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(newDir, confDir); err != nil {
		t.Fatal(err)
	}
	if !s.waitGreeting(t, "three", 1500*time.Millisecond) {
		t.Fatal("config directory replaced: not applied within 1.5s")
	}
	time.Sleep(200 * time.Millisecond) // the new directory's watch is added at the rescan
	mustRenameOver(t, conf, liveConfig("four", false))
	if !s.waitGreeting(t, "four", 1500*time.Millisecond) {
		t.Fatal("config edited in the replacing directory: not applied within 1.5s")
	}

	// The config a link to a file in a checkout: edits of that file count.
	real := filepath.Join(realDir, "menshen.toml")
	mustWriteFile(t, real, liveConfig("five", false), 0o644)
	link := filepath.Join(confDir, ".menshen.toml.link")
	if err := os.Symlink(real, link); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(link, conf); err != nil {
		t.Fatal(err)
	}
	if !s.waitGreeting(t, "five", 1500*time.Millisecond) {
		t.Fatal("config replaced by a symbolic link: not applied within 1.5s")
	}
	time.Sleep(200 * time.Millisecond)
	if err := os.WriteFile(real, []byte(liveConfig("six", false)), 0o644); err != nil {
		t.Fatal(err)
	}
	if !s.waitGreeting(t, "six", 1500*time.Millisecond) {
		t.Fatal("the link's target edited: not applied within 1.5s")
	}
}

func TestReload_WatchedConfigAppliesOrIsRejected(t *testing.T) {
	t.Parallel()
	conf := filepath.Join(t.TempDir(), "menshen.toml")
	mustWriteFile(t, conf, liveConfig("one", false), 0o644)
	s := newFCGISite(t, "live", ModeCGI, func(c *Config) { c.ConfigFile = conf })
	if err := s.g.Start(); err != nil {
		t.Fatal(err)
	}
	p1, g1 := s.mustGreeting(t)
	p2, _ := s.mustGreeting(t)
	if g1 != "one" || p1 == p2 {
		t.Fatalf("before the edit: greeting %q pids %d %d, want one in two processes", g1, p1, p2)
	}

	mustRenameOver(t, conf, liveConfig("two", true))
	if !s.waitGreeting(t, "two", 1500*time.Millisecond) {
		t.Fatal("edited [env] not applied within 1.5s")
	}
	w1, _ := s.mustGreeting(t)
	w2, g := s.mustGreeting(t)
	if w1 != w2 || g != "two" {
		t.Errorf("script switched to fastcgi by the config: pids %d %d greeting %q, want one worker", w1, w2, g)
	}
	if m := s.row(t, "env.pl").Mode; m != ModeFastCGI {
		t.Errorf("status mode %q, want fastcgi", m)
	}

	// A bad edit, written in place as `echo >` would.
	if err := os.WriteFile(conf, []byte(badConfig), 0o644); err != nil {
		t.Fatal(err)
	}
	var rejected *logrus.Entry
	waitFor(1500*time.Millisecond, func() bool {
		for _, e := range s.hook.AllEntries() {
			if err, ok := e.Data[logrus.ErrorKey].(error); ok && e.Level <= logrus.ErrorLevel && strings.Contains(err.Error(), "flavour") {
				rejected = e
				return true
			}
		}
		return false
	})
	if rejected == nil {
		t.Fatal("bad config edit: no error logged within 1.5s")
	}
	if msg := rejected.Data[logrus.ErrorKey].(error).Error(); !strings.Contains(msg, "line 5") {
		t.Errorf("rejection %q does not name line 5", msg)
	}
	time.Sleep(200 * time.Millisecond) // what a wrongly applied config would need
	w3, g := s.mustGreeting(t)
	if g != "two" || w3 != w2 {
		t.Errorf("after the bad edit: greeting %q pid %d, want the previous config (two, worker %d)", g, w3, w2)
	}

	// Fixed again: applied, and the worker of the old settings retires.
	mustRenameOver(t, conf, liveConfig("three", true))
	if !s.waitGreeting(t, "three", 1500*time.Millisecond) {
		t.Fatal("config fixed after a bad edit: not applied within 1.5s")
	}
	if !waitGone(3*time.Second, w2) {
		t.Errorf("worker %d of the previous env still alive", w2)
	}
}

// TestReload_ConfigEmptyFromTheStart: a config file that is empty from
// the start (a placeholder) is reloaded fine (a deploy's link switch
// reloads it too); only one that had settings and became empty is
// refused.
func TestReload_ConfigEmptyFromTheStart(t *testing.T) {
	t.Parallel()
	conf := filepath.Join(t.TempDir(), "menshen.toml")
	mustWriteFile(t, conf, "", 0o644)
	s := newFCGISite(t, "live", ModeCGI, func(c *Config) { c.ConfigFile = conf })
	if err := s.g.Reload(); err != nil {
		t.Fatalf("Reload of a config empty from the start: %v", err)
	}
	mustWriteFile(t, conf, liveConfig("one", false), 0o644)
	if err := s.g.Reload(); err != nil {
		t.Fatalf("Reload: %v", err)
	}
	mustWriteFile(t, conf, "\n", 0o644)
	if err := s.g.Reload(); err == nil {
		t.Errorf("Reload of a config that became empty: no error")
	}
	if _, g := s.mustGreeting(t); g != "one" {
		t.Errorf("greeting %q after the emptied config, want one", g)
	}
}

// TestReload_RereadsConfig guards C33: Reload (what SIGHUP calls) re-reads
// the config file without a watcher; a bad file is an error naming its line
// and changes nothing.
// TestWatch_RefusedConfigTriedAgainOnTouch guards C32: a config edit
// refused for a reason outside the file (a [[mount]] whose directory is
// made only after) was never tried again, as its content had been read:
// creating the directory, then touching the file, changed nothing; only
// SIGHUP applied it. A touch (or any write) of a refused file tries it
// again; an untouched one is not tried on every rescan.
func TestWatch_RefusedConfigTriedAgainOnTouch(t *testing.T) {
	t.Parallel()
	conf := filepath.Join(t.TempDir(), "menshen.toml")
	mustWriteFile(t, conf, "[env]\nWATCH_MARK = \"one\"\n", 0o644)
	s := newCGISite(t, func(c *Config) { c.ConfigFile = conf })
	if err := s.g.Start(); err != nil {
		t.Fatal(err)
	}
	mark := func() string {
		return mustEnv(t, newRequest(t, "GET", s.url("env.pl"), nil))["WATCH_MARK"]
	}
	waitMark := func(want string) {
		t.Helper()
		for deadline := time.Now().Add(3 * time.Second); mark() != want; time.Sleep(50 * time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatalf("WATCH_MARK = %q 3 s on, want %q", mark(), want)
			}
		}
	}
	later := filepath.Join(t.TempDir(), "later")
	mustWriteFile(t, conf, "[env]\nWATCH_MARK = \"two\"\n[[mount]]\nprefix = \"/later/\"\ndir = \""+later+"\"\n", 0o644)
	for deadline := time.Now().Add(3 * time.Second); !slices.ContainsFunc(s.hook.AllEntries(), func(e *logrus.Entry) bool { return strings.Contains(e.Message, "config change rejected") }); time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the edit naming a missing directory was not refused within 3 s")
		}
	}
	if err := os.Mkdir(later, 0o755); err != nil {
		t.Fatal(err)
	}
	time.Sleep(300 * time.Millisecond) // (a rescan or two: nothing to retry untouched)
	if m := mark(); m != "one" {
		t.Fatalf("WATCH_MARK = %q before the touch, want the kept config's one", m)
	}
	now := time.Now()
	if err := os.Chtimes(conf, now, now); err != nil {
		t.Fatal(err)
	}
	waitMark("two")
}

func TestReload_RereadsConfig(t *testing.T) {
	t.Parallel()
	conf := filepath.Join(t.TempDir(), "menshen.toml")
	mustWriteFile(t, conf, liveConfig("one", true), 0o644)
	s := newFCGISite(t, "live", ModeCGI, func(c *Config) { c.ConfigFile = conf })
	w1, g := s.mustGreeting(t)
	if g != "one" {
		t.Fatalf("greeting %q, want one", g)
	}

	mustWriteFile(t, conf, liveConfig("two", true), 0o644)
	if err := s.g.Reload(); err != nil {
		t.Fatalf("Reload: %v", err)
	}
	w2, g := s.mustGreeting(t)
	if g != "two" || w2 == w1 {
		t.Errorf("after Reload: greeting %q worker %d (before %d), want two on a new worker", g, w2, w1)
	}

	mustWriteFile(t, conf, badConfig, 0o644)
	err := s.g.Reload()
	if err == nil || !strings.Contains(err.Error(), "line 5") || !strings.Contains(err.Error(), "flavour") {
		t.Errorf("Reload of a bad file = %v, want an error naming flavour on line 5", err)
	}
	if w3, g := s.mustGreeting(t); g != "two" || w3 != w2 {
		t.Errorf("after a failed Reload: greeting %q worker %d, want two on worker %d", g, w3, w2)
	}
	// An empty file (a save cut short) is refused too, as a missing one:
	// applied, it dropped every setting at once.
	mustWriteFile(t, conf, " \n", 0o644)
	if err := s.g.Reload(); err == nil || !strings.Contains(err.Error(), "empty") {
		t.Errorf("Reload of an empty file = %v, want an error saying it is empty", err)
	}
	if w3, g := s.mustGreeting(t); g != "two" || w3 != w2 {
		t.Errorf("after the empty file: greeting %q worker %d, want two on worker %d", g, w3, w2)
	}

	// Only the mode changes: the script leaves fastcgi, its pool drains.
	mustWriteFile(t, conf, liveConfig("two", false), 0o644)
	if err := s.g.Reload(); err != nil {
		t.Fatalf("Reload: %v", err)
	}
	c1, g := s.mustGreeting(t)
	c2, _ := s.mustGreeting(t)
	if g != "two" || c1 == c2 {
		t.Errorf("after Reload to cgi: greeting %q pids %d %d, want two, a process per request", g, c1, c2)
	}
	if !waitGone(3*time.Second, w2) {
		t.Errorf("worker %d still alive after its script left fastcgi by Reload", w2)
	}
}

// TestReload_ModeEditAfterRuntimeSwitchApplies guards C30 with C32: a
// runtime switch holds across reloads that leave the file's modes alone,
// and a later edit of the file's modes is not shadowed by it (the newest
// word wins).
func TestReload_ModeEditAfterRuntimeSwitchApplies(t *testing.T) {
	t.Parallel()
	conf := filepath.Join(t.TempDir(), "menshen.toml")
	mustWriteFile(t, conf, liveConfig("one", false), 0o644)
	s := newFCGISite(t, "live", ModeCGI, func(c *Config) { c.ConfigFile = conf })
	s.g.SetMode(ModeCGI, "")
	s.g.SetMode(ModeCGI, "env.pl")

	// Only [env] changes: the switches stay.
	mustWriteFile(t, conf, liveConfig("two", false), 0o644)
	if err := s.g.Reload(); err != nil {
		t.Fatalf("Reload: %v", err)
	}
	if m := s.g.modes.Load(); m.all != ModeCGI || m.scripts["env.pl"] != ModeCGI {
		t.Errorf("a reload that changed no mode cleared the runtime switches: %+v", m)
	}
	// A mount added with no mode of its own, then removed again (as a
	// config caught half-written would): no mode of what was served changed.
	legacy := t.TempDir()
	mustWriteFile(t, conf, liveConfig("two", false)+fmt.Sprintf("\n[[mount]]\nprefix = \"/legacy/\"\ndir = %q\n", legacy), 0o644)
	if err := s.g.Reload(); err != nil {
		t.Fatalf("Reload: %v", err)
	}
	mustWriteFile(t, conf, liveConfig("two", false), 0o644)
	if err := s.g.Reload(); err != nil {
		t.Fatalf("Reload: %v", err)
	}
	if m := s.g.modes.Load(); m.all != ModeCGI || m.scripts["env.pl"] != ModeCGI {
		t.Errorf("a mount added and removed cleared the runtime switches: %+v", m)
	}

	// The file now puts env.pl in fastcgi: that applies, and clears the
	// switch of all scripts; pid.pl's own switch stays, as the edit
	// changed nothing of pid.pl's mode (an unrelated edit undid an
	// operator's `menshen mode cgi broken.pl`).
	s.g.SetMode(ModeFastCGI, "pid.pl")
	time.Sleep(30 * time.Millisecond)
	mustWriteFile(t, conf, liveConfig("two", true), 0o644)
	if err := s.g.Reload(); err != nil {
		t.Fatalf("Reload: %v", err)
	}
	if m := s.g.modes.Load(); m.all != "" || m.scripts["env.pl"] != "" || m.scripts["pid.pl"] != ModeFastCGI {
		t.Errorf("after an edit of env.pl's mode: switches %+v, want pid.pl's alone", m)
	}
	s.g.SetMode(ModeCGI, "pid.pl")
	w1, g := s.mustGreeting(t)
	w2, _ := s.mustGreeting(t)
	if g != "two" || w1 != w2 {
		t.Errorf("after the file put env.pl in fastcgi: greeting %q pids %d %d, want two from one worker", g, w1, w2)
	}

	// A switch made after an edit that is applied later (the watcher
	// waits for a burst to settle) is the newer word: it stays.
	mustWriteFile(t, conf, liveConfig("two", false), 0o644)
	time.Sleep(30 * time.Millisecond)
	s.g.SetMode(ModeFastCGI, "env.pl")
	if err := s.g.Reload(); err != nil {
		t.Fatalf("Reload: %v", err)
	}
	if m := s.g.modes.Load(); m.scripts["env.pl"] != ModeFastCGI {
		t.Errorf("a reload of an edit made before a switch cleared the switch: %+v", m)
	}

	// A file put in place after a switch but keeping an old mtime (cp -p,
	// rsync -a, tar x): it is the newer word all the same (its ctime).
	s.g.SetMode(ModeCGI, "env.pl")
	time.Sleep(30 * time.Millisecond)
	mustWriteFile(t, conf, liveConfig("two", true), 0o644)
	hourAgo := time.Now().Add(-time.Hour)
	if err := os.Chtimes(conf, hourAgo, hourAgo); err != nil {
		t.Fatal(err)
	}
	if err := s.g.Reload(); err != nil {
		t.Fatalf("Reload: %v", err)
	}
	if m := s.g.modes.Load(); m.scripts["env.pl"] != "" {
		t.Errorf("a file deployed with an old mtime after a switch was shadowed by it: %+v", m)
	}
}

// TestLive_ChangeDuringRequestCompletesOnOldWorker guards C31: when a
// script changes while a request runs on its worker, that request completes
// there, new requests go to a new worker, and the old worker exits after.
func TestLive_ChangeDuringRequestCompletesOnOldWorker(t *testing.T) {
	t.Parallel()
	s := newFCGISite(t, "live", ModeFastCGI, nil)
	if err := s.g.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan result, 1)
	go func() { done <- fetch(noRedirectClient, s.url("sleep.pl?s=1&tag=old")) }()
	old := s.pidFile(t, "old")

	path := filepath.Join(s.dir, "sleep.pl")
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	mustRenameOver(t, path, string(src)+"# version 2\n")
	if p, _ := s.get(t, "sleep.pl"); p == old {
		t.Errorf("request after the change ran on the old worker %d", old)
	}
	r := <-done
	if r.err != nil || r.status != http.StatusOK || s.record(r) != old {
		t.Errorf("in-flight request: status %d err %v X-Pid %q, want 200 from the old worker %d", r.status, r.err, r.header.Get("X-Pid"), old)
	}
	// (Generous: the bound is the retirement's, not a contract's, and a
	// loaded test machine once needed more than 3 s.)
	if !waitGone(10*time.Second, old) {
		t.Errorf("old worker %d still alive 10s after its request completed", old)
	}
}

// TestLive_ChangedLibraryRunsNewCode guards C31 for what a persistent Perl
// script loads from its directory (`use lib "$FindBin::Bin/lib"`): the
// runner keeps modules loaded, so an edit of one must retire its workers,
// and the next request after the watcher has seen it runs the new code.
func TestLive_ChangedLibraryRunsNewCode(t *testing.T) {
	t.Parallel()
	s := newFCGISite(t, "live", ModeFastCGI, nil)
	if err := s.g.Start(); err != nil {
		t.Fatal(err)
	}
	lib := filepath.Join(s.dir, "lib")
	if err := os.MkdirAll(lib, 0o755); err != nil {
		t.Fatal(err)
	}
	// An executable module too: legacy cgi-bin trees are often chmod -R
	// 755, and such a module counted as a script, whose edit reached no
	// worker that had loaded it.
	for _, perm := range []os.FileMode{0o644, 0o755} {
		name := fmt.Sprintf("LiveMod%o", perm)
		script := fmt.Sprintf("usemod%o.pl", perm)
		module := func(v int) string {
			return fmt.Sprintf("package %s;\nsub version { %d }\n1;\n", name, v)
		}
		mustWriteFile(t, filepath.Join(lib, name+".pm"), module(1), perm)
		mustWriteFile(t, filepath.Join(s.dir, script), "#!/usr/bin/perl\nuse FindBin;\nuse lib \"$FindBin::Bin/lib\";\nuse "+name+";\n"+
			"print \"Content-Type: text/plain\\nX-Pid: $$\\n\\n\", "+name+"::version(), \"\\n\";\n", 0o755)
		time.Sleep(300 * time.Millisecond) // the new directory is watched
		p1, b1 := s.get(t, script)
		if b1 != "1\n" {
			t.Fatalf("%s, version 1: body %q", name, b1)
		}
		mustWriteFile(t, filepath.Join(lib, name+".pm"), module(2), perm)
		if !waitFor(time.Second, func() bool { _, b := s.get(t, script); return b == "2\n" }) {
			t.Errorf("%s: the edited module's code not served within 1s", name)
		}
		for range 5 {
			if p, b := s.get(t, script); b != "2\n" {
				t.Errorf("%s: worker %d still serves %q", name, p, b)
			}
		}
		if !waitGone(2*time.Second, p1) {
			t.Errorf("%s: worker %d that loaded the old module still alive", name, p1)
		}
	}
}

// keepSite starts a watched fastcgi site of testdata/live with keep.pl, a
// Perl script that answers "kept" and its pid, whose source it returns.
func keepSite(t *testing.T) (*fcgiSite, string) {
	t.Helper()
	s := newFCGISite(t, "live", ModeFastCGI, nil)
	if err := s.g.Start(); err != nil {
		t.Fatal(err)
	}
	src := "#!/usr/bin/perl\nprint \"Content-Type: text/plain\\nX-Pid: $$\\n\\nkept\\n\";\n"
	mustWriteFile(t, filepath.Join(s.dir, "keep.pl"), src, 0o755)
	return s, src
}

// TestLive_StagedCopyRetiresNoWorker: a .pl file made and renamed at once
// (`cp ok.pl a.pl && mv a.pl b.pl`, a deploy tool's staging name) was
// taken for a Perl library that changed, gone by the rescan, and retired
// every Perl worker of the directory. No worker can have loaded it: they
// stay.
func TestLive_StagedCopyRetiresNoWorker(t *testing.T) {
	t.Parallel()
	s, src := keepSite(t)
	time.Sleep(300 * time.Millisecond)
	p1, b := s.get(t, "keep.pl")
	if b != "kept\n" {
		t.Fatalf("keep.pl: %q", b)
	}
	mustWriteFile(t, filepath.Join(s.dir, "a.pl"), src, 0o755)
	if err := os.Rename(filepath.Join(s.dir, "a.pl"), filepath.Join(s.dir, "b.pl")); err != nil {
		t.Fatal(err)
	}
	if _, b := s.get(t, "b.pl"); b != "kept\n" { // (the watcher has seen it)
		t.Fatalf("b.pl: %q", b)
	}
	time.Sleep(500 * time.Millisecond)
	if p2, _ := s.get(t, "keep.pl"); p2 != p1 {
		t.Errorf("keep.pl's worker %d replaced by %d after a.pl was made and renamed to b.pl", p1, p2)
	}
}

// TestLive_NewLibraryRetiresOnlyItsUsers: a new .pl saved before it is
// made executable (an editor's first write, then chmod +x) is a library
// for a moment, and retired every Perl worker of the directory, each then
// compiling its script again. No worker idle since before the file came to
// be can have loaded it: they stay. A worker that loaded a new library
// does retire when it changes, and the next request runs the new code.
func TestLive_NewLibraryRetiresOnlyItsUsers(t *testing.T) {
	t.Parallel()
	s, src := keepSite(t)
	lib := filepath.Join(s.dir, "lib")
	if err := os.MkdirAll(lib, 0o755); err != nil {
		t.Fatal(err)
	}
	time.Sleep(300 * time.Millisecond) // keep.pl and lib/ are seen
	p1, b := s.get(t, "keep.pl")
	if b != "kept\n" {
		t.Fatalf("keep.pl: %q", b)
	}
	time.Sleep(300 * time.Millisecond) // its worker idle well before what follows

	// The editor's new script: not executable for a rescan or two.
	mustWriteFile(t, filepath.Join(s.dir, "new.pl"), src, 0o644)
	time.Sleep(400 * time.Millisecond)
	mustWriteFile(t, filepath.Join(s.dir, "new.pl"), src+"# saved again\n", 0o644)
	time.Sleep(400 * time.Millisecond)
	if err := os.Chmod(filepath.Join(s.dir, "new.pl"), 0o755); err != nil {
		t.Fatal(err)
	}
	time.Sleep(400 * time.Millisecond)
	if _, b := s.get(t, "new.pl"); b != "kept\n" {
		t.Fatalf("new.pl: %q", b)
	}

	// A new module, then a script that loads it, then an edit of it.
	module := func(v int) string { return fmt.Sprintf("package FreshMod;\nsub v { %d }\n1;\n", v) }
	mustWriteFile(t, filepath.Join(lib, "FreshMod.pm"), module(1), 0o644)
	time.Sleep(400 * time.Millisecond)
	mustWriteFile(t, filepath.Join(s.dir, "fresh.pl"), "#!/usr/bin/perl\nuse FindBin;\nuse lib \"$FindBin::Bin/lib\";\nuse FreshMod;\n"+
		"print \"Content-Type: text/plain\\nX-Pid: $$\\n\\n\", FreshMod::v(), \"\\n\";\n", 0o755)
	time.Sleep(400 * time.Millisecond)
	f1, b := s.get(t, "fresh.pl")
	if b != "1\n" {
		t.Fatalf("fresh.pl: %q", b)
	}
	mustWriteFile(t, filepath.Join(lib, "FreshMod.pm"), module(2), 0o644)
	if !waitFor(time.Second, func() bool { _, b := s.get(t, "fresh.pl"); return b == "2\n" }) {
		t.Errorf("the edited new module's code not served within 1s")
	}
	if !waitGone(2*time.Second, f1) {
		t.Errorf("worker %d that loaded the new module still alive after its edit", f1)
	}

	if p2, _ := s.get(t, "keep.pl"); p2 != p1 {
		t.Errorf("keep.pl's worker %d, idle since before new.pl and lib/FreshMod.pm came to be, replaced by %d", p1, p2)
	}
	for _, e := range s.hook.AllEntries() {
		if e.Message == "retiring FastCGI pool" && e.Data["script"] == "keep.pl" {
			t.Errorf("keep.pl's pool retired: %v", e.Data["reason"])
		}
	}
}

// TestLive_RequiredLibraryChangeReclassifies: a library a script requires
// by a literal name decides whether it may run persistent (Classify: a
// cgi-lib style helper that calls exec). An edit that puts an exec in it
// reclassified the script only when the pool had a worker used since: a
// pool whose workers had retired idle kept the runner, whose next request
// the exec cut off; and a script made per request by its library stayed
// so after the exec was taken out again. Both follow the library now.
func TestLive_RequiredLibraryChangeReclassifies(t *testing.T) {
	t.Parallel()
	s := newFCGISite(t, "live", ModeFastCGI, func(c *Config) { c.IdleTimeout = 200 * time.Millisecond })
	if err := s.g.Start(); err != nil {
		t.Fatal(err)
	}
	lib := filepath.Join(s.dir, "lib", "runlib.pl")
	plain := "package runlib;\nsub show { print \"@_\\n\" }\n1;\n"
	execs := "package runlib;\nsub show { exec '/bin/echo', @_ }\n1;\n"
	mustWriteFile(t, lib, plain, 0o644)
	mustWriteFile(t, filepath.Join(s.dir, "runs.pl"), "#!/usr/bin/perl\nrequire \"./lib/runlib.pl\";\n$| = 1;\n"+
		"print \"Content-Type: text/plain\\nX-Pid: $$\\n\\n\";\nrunlib::show('ok');\n", 0o755)
	time.Sleep(300 * time.Millisecond) // lib/ is watched
	p1, b := s.get(t, "runs.pl")
	if b != "ok\n" {
		t.Fatalf("runs.pl: %q", b)
	}
	if !waitGone(3*time.Second, p1) {
		t.Fatalf("worker %d not retired idle", p1)
	}

	mustWriteFile(t, lib, execs, 0o644)
	time.Sleep(time.Second) // the rescan
	for range 3 {
		resp, b := mustGet(t, s.url("runs.pl"))
		if resp.StatusCode != http.StatusOK || string(b) != "ok\n" {
			t.Fatalf("runs.pl with an exec in its library: %d %q, want 200 \"ok\\n\" (served per request)", resp.StatusCode, b)
		}
		s.pidOf(t, resp.Header)
	}

	mustWriteFile(t, lib, plain, 0o644)
	if !waitFor(2*time.Second, func() bool {
		a, _ := s.get(t, "runs.pl")
		b, _ := s.get(t, "runs.pl")
		return a == b
	}) {
		t.Errorf("runs.pl still served per request 2s after the exec left its library")
	}
}

// TestWatch_ScriptTheWalkMissedIsNoLibrary: a new executable .pl that a
// rescan's walk did not list (it read the directory just before a rename
// brought the file in) is a script, not a changed Perl library: no Perl
// worker retires. A .pl that is not executable is a library: the workers
// that may have loaded it retire. (TestLive_StagedCopyRetiresNoWorker
// failed once under heavy load, most likely so.)
func TestWatch_ScriptTheWalkMissedIsNoLibrary(t *testing.T) {
	t.Parallel()
	s := newFCGISite(t, "live", ModeFastCGI, nil)
	src := "#!/usr/bin/perl\nprint \"Content-Type: text/plain\\nX-Pid: $$\\n\\nkept\\n\";\n"
	mustWriteFile(t, filepath.Join(s.dir, "keep.pl"), src, 0o755)
	p1, b := s.get(t, "keep.pl")
	if b != "kept\n" {
		t.Fatalf("keep.pl: %q", b)
	}
	missed := func(name string, mode os.FileMode) int {
		t.Helper()
		mustWriteFile(t, filepath.Join(s.dir, name), src, mode)
		st := newWatchState(nil)
		st.touched = map[string]bool{filepath.Join(s.dir, name): true}
		s.g.refreshLibs(st, s.g.settings.Load(), map[string]bool{})
		p, _ := s.get(t, "keep.pl")
		return p
	}
	if p2 := missed("b.pl", 0o755); p2 != p1 {
		t.Errorf("keep.pl's worker %d replaced by %d after a script the walk missed", p1, p2)
	}
	if p3 := missed("lib.pl", 0o644); p3 == p1 {
		t.Errorf("keep.pl's worker %d kept after a library changed", p1)
	}
}

// TestLive_LibraryRenamedOverThenRemoved: a library replaced by a rename
// onto its name (an event that reads as the name made anew) and removed
// before the rescan was loaded by the workers all the same: they retire,
// and the next request fails to load it, as a CGI process would.
func TestLive_LibraryRenamedOverThenRemoved(t *testing.T) {
	t.Parallel()
	s := newFCGISite(t, "live", ModeFastCGI, nil)
	if err := s.g.Start(); err != nil {
		t.Fatal(err)
	}
	lib := filepath.Join(s.dir, "lib")
	mustWriteFile(t, filepath.Join(lib, "RoLib.pm"), "package RoLib;\nsub v { 1 }\n1;\n", 0o644)
	mustWriteFile(t, filepath.Join(s.dir, "ro.pl"), "#!/usr/bin/perl\nuse FindBin;\nuse lib \"$FindBin::Bin/lib\";\nuse RoLib;\n"+
		"print \"Content-Type: text/plain\\nX-Pid: $$\\n\\n\", RoLib::v(), \"\\n\";\n", 0o755)
	time.Sleep(300 * time.Millisecond) // the new directory is watched
	p1, b := s.get(t, "ro.pl")
	if b != "1\n" {
		t.Fatalf("ro.pl: %q", b)
	}
	time.Sleep(300 * time.Millisecond) // a rescan since: lib/RoLib.pm is known
	mustWriteFile(t, filepath.Join(lib, "new.pm"), "package RoLib;\nsub v { 2 }\n1;\n", 0o644)
	if err := os.Rename(filepath.Join(lib, "new.pm"), filepath.Join(lib, "RoLib.pm")); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(filepath.Join(lib, "RoLib.pm")); err != nil {
		t.Fatal(err)
	}
	if !waitGone(2*time.Second, p1) {
		t.Errorf("worker %d that loaded RoLib.pm still alive after it was replaced and removed", p1)
	}
}

// TestLive_HardLinkedReleaseMovedIn: a release built with hard links (cp
// -al, rsync --link-dest) and moved into place with mv keeps its scripts'
// files, and so their workers. Its first request must still run in the
// new release's directory (its data files), and a Perl module changed in
// the release's lib/ must be loaded: the old one was served until the
// workers retired, while cgi mode served the new one.
func TestLive_HardLinkedReleaseMovedIn(t *testing.T) {
	t.Parallel()
	s := newFCGISite(t, "live", ModeFastCGI, nil)
	if err := s.g.Start(); err != nil {
		t.Fatal(err)
	}
	app := filepath.Join(s.dir, "app")
	mustWriteFile(t, filepath.Join(app, "lib", "HLMod.pm"), "package HLMod;\nsub ver { 'OLD' }\n1;\n", 0o644)
	mustWriteFile(t, filepath.Join(app, "data.txt"), "OLD\n", 0o644)
	mustWriteFile(t, filepath.Join(app, "run.pl"), "#!/usr/bin/perl\nuse FindBin;\nuse lib \"$FindBin::Bin/lib\";\nuse HLMod;\n"+
		"open(my $f, '<', 'data.txt') or die \"data.txt: $!\";\nmy $d = <$f>;\nchomp $d;\n"+
		"print \"Content-Type: text/plain\\nX-Pid: $$\\n\\n\", HLMod::ver(), \" $d\\n\";\n", 0o755)
	time.Sleep(300 * time.Millisecond) // the new directories are watched
	if _, b := s.get(t, "app/run.pl"); b != "OLD OLD\n" {
		t.Fatalf("before: %q", b)
	}
	release := func(n int, files map[string]string) {
		t.Helper()
		stage := filepath.Join(filepath.Dir(s.dir), fmt.Sprintf("app.%d", n))
		err := filepath.WalkDir(app, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			rel, _ := filepath.Rel(app, p)
			if d.IsDir() {
				return os.MkdirAll(filepath.Join(stage, rel), 0o755)
			}
			return os.Link(p, filepath.Join(stage, rel))
		})
		if err != nil {
			t.Fatal(err)
		}
		for rel, body := range files {
			mustRenameOver(t, filepath.Join(stage, rel), body)
		}
		if err := os.Rename(app, filepath.Join(filepath.Dir(s.dir), fmt.Sprintf("app.old%d", n))); err != nil {
			t.Fatal(err)
		}
		if err := os.Rename(stage, app); err != nil {
			t.Fatal(err)
		}
	}
	// New data only: the worker may stay, but its next request runs in
	// the new directory, the very first one included.
	release(1, map[string]string{"data.txt": "NEW\n"})
	if _, b := s.get(t, "app/run.pl"); b != "OLD NEW\n" {
		t.Errorf("first request after the release: %q, want the new release's data", b)
	}
	// A new module: served within the live budget, as an edited one is.
	release(2, map[string]string{"lib/HLMod.pm": "package HLMod;\nsub ver { 'NEW' }\n1;\n"})
	if r, d, ok := s.waitAnswer(t, "app/run.pl", http.StatusOK, "NEW NEW\n", liveBudget); !ok {
		t.Errorf("after a release with a new module: %d %q after %v", r.status, r.body, d)
	}
}

// TestMode_LongInFlightRequestOutlivesDrain guards C30 for a request longer
// than the pool's default drain (10 s): after a switch to cgi it still
// finishes on its worker, within its own --timeout, instead of being
// killed when the drain gives up.
func TestMode_LongInFlightRequestOutlivesDrain(t *testing.T) {
	t.Parallel()
	s := newFCGISite(t, "live", ModeFastCGI, func(c *Config) { c.Timeout = 30 * time.Second })
	done := make(chan result, 1)
	go func() { done <- fetch(noRedirectClient, s.url("sleep.pl?s=11&tag=long")) }()
	worker := s.pidFile(t, "long")
	s.g.SetMode(ModeCGI, "")
	r := <-done
	if r.err != nil || r.status != http.StatusOK || s.record(r) != worker {
		t.Errorf("in-flight 11 s request: status %d err %v, want 200 from worker %d", r.status, r.err, worker)
	}
}

// TestLive_CompileTimeConstantFollowsFile guards C21/C31 in auto
// isolation: a constant computed at compile time from a data file (`use
// constant TITLE => do { open ... }`) shows the file's new content on the
// next request, as a new process would (compiled once, it kept the first).
func TestLive_CompileTimeConstantFollowsFile(t *testing.T) {
	t.Parallel()
	s := newFCGISite(t, "live", ModeFastCGI, nil)
	title := filepath.Join(s.dir, "title.txt")
	mustWriteFile(t, title, "Old Title\n", 0o644)
	mustWriteFile(t, filepath.Join(s.dir, "titled.pl"), "#!/usr/bin/perl\n"+
		"use constant TITLE => do { open my $fh, '<', 'title.txt' or die; scalar <$fh> };\n"+
		"print \"Content-Type: text/plain\\nX-Pid: $$\\n\\n\", TITLE;\n", 0o755)
	p1, b := s.get(t, "titled.pl")
	if b != "Old Title\n" {
		t.Fatalf("first: %q", b)
	}
	mustWriteFile(t, title, "New Title\n", 0o644)
	p2, b := s.get(t, "titled.pl")
	if b != "New Title\n" {
		t.Errorf("after the data file changed: %q, want the new title", b)
	}
	if p1 != p2 {
		t.Errorf("pids %d and %d: want one worker (the speed-up kept)", p1, p2)
	}
}

// TestLive_DeploySwitchesSymlink guards C31 for the deploy that switches a
// symlinked scripts directory to a new release (`ln -sfn releases/r2
// current`): the new release is the confinement root (a symlink inside
// it, to a script beside it, is served), and it is watched (a library
// edited there reaches the workers).
func TestLive_DeploySwitchesSymlink(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	module := func(rel string, v int) string {
		return fmt.Sprintf("package RelMod;\nsub version { \"%s %d\" }\n1;\n", rel, v)
	}
	page := "#!/usr/bin/perl\nuse FindBin;\nuse lib \"$FindBin::Bin/lib\";\nuse RelMod;\n" +
		"print \"Content-Type: text/plain\\n\\n\", RelMod::version(), \"\\n\";\n"
	for _, rel := range []string{"r1", "r2"} {
		dir := filepath.Join(root, "releases", rel)
		mustWriteFile(t, filepath.Join(dir, "lib", "RelMod.pm"), module(rel, 1), 0o644)
		mustWriteFile(t, filepath.Join(dir, "page.pl"), page, 0o755)
		if err := os.Symlink("page.pl", filepath.Join(dir, "index.pl")); err != nil {
			t.Fatal(err)
		}
	}
	link := filepath.Join(root, "current")
	if err := os.Symlink(filepath.Join("releases", "r1"), link); err != nil {
		t.Fatal(err)
	}
	log, _ := test.NewNullLogger()
	g, srv := mustGateway(t, Config{Scripts: link, Logger: log, Mode: ModeFastCGI, Timeout: 10 * time.Second})
	if err := g.Start(); err != nil {
		t.Fatal(err)
	}
	// A second gateway without a watcher (Start not called) sees the
	// switch on the request's path alone: before the watcher's rescan
	// the first one is in the same case.
	bareLog, _ := test.NewNullLogger()
	_, bare := mustGateway(t, Config{Scripts: link, Logger: bareLog, Mode: ModeCGI, Timeout: 10 * time.Second})
	get := func(name string) result { return fetch(noRedirectClient, srv.URL+"/cgi-bin/"+name) }
	if r := get("index.pl"); r.status != http.StatusOK || r.body != "r1 1\n" {
		t.Fatalf("release 1: %d %q", r.status, r.body)
	}
	// switchTo points the link at a release as a deploy does: a new link
	// renamed over it.
	switchTo := func(rel string) {
		t.Helper()
		tmp := filepath.Join(root, "current.tmp")
		if err := os.Symlink(filepath.Join("releases", rel), tmp); err != nil {
			t.Fatal(err)
		}
		if err := os.Rename(tmp, link); err != nil {
			t.Fatal(err)
		}
	}
	switchTo("r2")
	if r := fetch(noRedirectClient, bare.URL+"/cgi-bin/index.pl"); r.status != http.StatusOK || r.body != "r2 1\n" {
		t.Errorf("right after the switch, without a watcher: %d %q, want release 2", r.status, r.body)
	}
	var last result
	if !waitFor(time.Second, func() bool { last = get("index.pl"); return last.status == http.StatusOK && last.body == "r2 1\n" }) {
		t.Fatalf("after the switch: %d %q, want release 2 within 1s", last.status, last.body)
	}
	time.Sleep(300 * time.Millisecond) // (the switch's rescan is over)
	mustWriteFile(t, filepath.Join(root, "releases", "r2", "lib", "RelMod.pm"), module("r2", 2), 0o644)
	if !waitFor(1500*time.Millisecond, func() bool { last = get("page.pl"); return last.body == "r2 2\n" }) {
		t.Errorf("a library edited in the new release: %d %q, want its new code within 1.5s", last.status, last.body)
	}

	// A release made with hard links (cp -al, rsync --link-dest): the
	// same script file, another library.
	r3 := filepath.Join(root, "releases", "r3")
	mustWriteFile(t, filepath.Join(r3, "lib", "RelMod.pm"), module("r3", 1), 0o644)
	if err := os.Link(filepath.Join(root, "releases", "r2", "page.pl"), filepath.Join(r3, "page.pl")); err != nil {
		t.Fatal(err)
	}
	// (The link changed the file's change time: its pool is renewed
	// now, so that the switch below finds the file as the pool has it.)
	if r := get("page.pl"); r.body != "r2 2\n" {
		t.Fatalf("before the switch to r3: %d %q", r.status, r.body)
	}
	switchTo("r3")
	if !waitFor(time.Second, func() bool { last = get("page.pl"); return last.body == "r3 1\n" }) {
		t.Errorf("a hard-linked release: %d %q, want its library within 1s", last.status, last.body)
	}
	// And back (a rollback): r2's directories are watched already, so
	// nothing in them is new; the switch itself renews the workers.
	time.Sleep(300 * time.Millisecond)
	switchTo("r2")
	if !waitFor(time.Second, func() bool { last = get("page.pl"); return last.body == "r2 2\n" }) {
		t.Errorf("rolled back to a hard-linked release: %d %q, want its library within 1s", last.status, last.body)
	}
	// A switch to r3 and back within the watcher's debounce, with a
	// request between that starts the first worker of a script linked in
	// both (the same file): that worker, in r3, goes too.
	mustWriteFile(t, filepath.Join(root, "releases", "r2", "blip.pl"), page, 0o755)
	if err := os.Link(filepath.Join(root, "releases", "r2", "blip.pl"), filepath.Join(r3, "blip.pl")); err != nil {
		t.Fatal(err)
	}
	time.Sleep(300 * time.Millisecond)
	for _, rel := range []string{"r3", "r2"} {
		switchTo(rel)
		if rel == "r3" {
			get("blip.pl")
		}
	}
	time.Sleep(time.Second)
	if r := get("blip.pl"); r.body != "r2 2\n" {
		t.Errorf("after a switch and back: %d %q, want release 2", r.status, r.body)
	}
}

// TestLive_ScriptsDirectoryMovedAwayAndBack guards C31 for the watcher when
// the scripts directory itself moves: after `mv scripts away; mv away
// scripts`, or a whole new directory renamed into place, changes in it are
// still seen (here: a library edit, which only the watcher acts on).
func TestLive_ScriptsDirectoryMovedAwayAndBack(t *testing.T) {
	t.Parallel()
	s := newFCGISite(t, "live", ModeFastCGI, nil)
	if err := s.g.Start(); err != nil {
		t.Fatal(err)
	}
	module := func(v int) string { return fmt.Sprintf("package TopMod;\nsub version { %d }\n1;\n", v) }
	mustWriteFile(t, filepath.Join(s.dir, "TopMod.pm"), module(1), 0o644)
	mustWriteFile(t, filepath.Join(s.dir, "top.pl"), "#!/usr/bin/perl\nuse FindBin;\nuse lib $FindBin::Bin;\nuse TopMod;\n"+
		"print \"Content-Type: text/plain\\nX-Pid: $$\\n\\n\", TopMod::version(), \"\\n\";\n", 0o755)
	if _, b := s.get(t, "top.pl"); b != "1\n" {
		t.Fatalf("version 1: body %q", b)
	}
	away := s.dir + ".away"
	if err := os.Rename(s.dir, away); err != nil {
		t.Fatal(err)
	}
	time.Sleep(300 * time.Millisecond)
	if err := os.Rename(away, s.dir); err != nil {
		t.Fatal(err)
	}
	time.Sleep(300 * time.Millisecond)
	if _, b := s.get(t, "top.pl"); b != "1\n" { // a worker with the module loaded
		t.Fatalf("moved back: body %q", b)
	}
	mustWriteFile(t, filepath.Join(s.dir, "TopMod.pm"), module(2), 0o644)
	if !waitFor(1500*time.Millisecond, func() bool { _, b := s.get(t, "top.pl"); return b == "2\n" }) {
		t.Errorf("after the directory moved away and back, the edited module is not served within 1.5s")
	}

	// A whole new version renamed into place (a new inode under the name).
	fresh := s.dir + ".new"
	if err := os.CopyFS(fresh, os.DirFS(s.dir)); err != nil {
		t.Fatal(err)
	}
	old := s.dir + ".old"
	if err := os.Rename(s.dir, old); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(fresh, s.dir); err != nil {
		t.Fatal(err)
	}
	time.Sleep(300 * time.Millisecond)
	if _, b := s.get(t, "top.pl"); b != "2\n" {
		t.Fatalf("new directory: body %q", b)
	}
	mustWriteFile(t, filepath.Join(s.dir, "TopMod.pm"), module(3), 0o644)
	if !waitFor(1500*time.Millisecond, func() bool { _, b := s.get(t, "top.pl"); return b == "3\n" }) {
		t.Errorf("after a new directory was renamed into place, the edited module is not served within 1.5s")
	}
}

// TestLive_ReleaseSwappedAboveTheScriptsDirectory guards C31 for a release
// that holds the scripts directory (/srv/app/{cgi,...}, scripts in
// app/cgi) swapped in with mv, the old one kept: the new tree is watched,
// so a module edited in it afterwards reaches the workers.
func TestLive_ReleaseSwappedAboveTheScriptsDirectory(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	app := filepath.Join(root, "app")
	cgiDir := filepath.Join(app, "cgi")
	module := func(v string) string { return "package PSMod;\nsub v { '" + v + "' }\n1;\n" }
	mustWriteFile(t, filepath.Join(cgiDir, "lib", "PSMod.pm"), module("v1"), 0o644)
	mustWriteFile(t, filepath.Join(cgiDir, "m.pl"), "#!/usr/bin/perl\nuse FindBin;\nuse lib \"$FindBin::Bin/lib\";\nuse PSMod;\n"+
		"print \"Content-Type: text/plain\\nX-Pid: $$\\n\\n\", PSMod::v(), \"\\n\";\n", 0o755)
	s := newFCGISite(t, "live", ModeFastCGI, func(c *Config) { c.Scripts = cgiDir })
	if err := s.g.Start(); err != nil {
		t.Fatal(err)
	}
	if _, b := s.get(t, "m.pl"); b != "v1\n" {
		t.Fatalf("before: %q", b)
	}
	fresh := filepath.Join(root, "app.new")
	if err := os.CopyFS(fresh, os.DirFS(app)); err != nil {
		t.Fatal(err)
	}
	mustWriteFile(t, filepath.Join(fresh, "cgi", "lib", "PSMod.pm"), module("v2"), 0o644)
	if err := os.Rename(app, filepath.Join(root, "app.old")); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(fresh, app); err != nil {
		t.Fatal(err)
	}
	if r, d, ok := s.waitAnswer(t, "m.pl", http.StatusOK, "v2\n", liveBudget); !ok {
		t.Fatalf("after the release: %d %q after %v", r.status, r.body, d)
	}
	time.Sleep(300 * time.Millisecond) // (the release's rescan is over)
	mustWriteFile(t, filepath.Join(cgiDir, "lib", "PSMod.pm"), module("v3"), 0o644)
	if r, d, ok := s.waitAnswer(t, "m.pl", http.StatusOK, "v3\n", 1500*time.Millisecond); !ok {
		t.Errorf("a module edited in the new release: %d %q after %v, want its new code", r.status, r.body, d)
	}
}

// TestLive_ScriptsDirectorySwappedByTwoRenames guards C31 for a release
// swapped in as `mv scripts scripts.old; mv scripts.new scripts`: a
// request that arrives between the two renames, when there is no scripts
// directory at all, waits for the new one instead of a 404, in both
// modes.
func TestLive_ScriptsDirectorySwappedByTwoRenames(t *testing.T) {
	t.Parallel()
	for _, mode := range []Mode{ModeCGI, ModeFastCGI} {
		s := newFCGISite(t, "live", mode, nil)
		if err := s.g.Start(); err != nil {
			t.Fatal(err)
		}
		mustWriteFile(t, filepath.Join(s.dir, "swap.pl"), versionScript(1), 0o755)
		if _, b := s.get(t, "swap.pl"); b != versionBody(1) {
			t.Fatalf("%s: version 1: body %q", mode, b)
		}
		fresh := s.dir + ".new"
		if err := os.CopyFS(fresh, os.DirFS(s.dir)); err != nil {
			t.Fatal(err)
		}
		mustWriteFile(t, filepath.Join(fresh, "swap.pl"), versionScript(2), 0o755)
		if err := os.Rename(s.dir, s.dir+".old"); err != nil {
			t.Fatal(err)
		}
		got := make(chan result, 1)
		go func() { got <- fetch(noRedirectClient, s.url("swap.pl")) }()
		time.Sleep(100 * time.Millisecond) // the request is in the gap
		if err := os.Rename(fresh, s.dir); err != nil {
			t.Fatal(err)
		}
		if r := <-got; r.status != http.StatusOK || r.body != versionBody(2) {
			t.Errorf("%s: a request between the two renames: %d %q, want the new release", mode, r.status, r.body)
		}
	}
}

// TestLive_EditorSaveStepsFailNothing guards C31 against requests that
// arrive between an editor's steps, each held open for a few tens of
// milliseconds here: after a rename-over of a new file not yet made
// executable (403 before), after vim renamed the script away and before
// it wrote the new one (404), and when a script is replaced while it
// starts, so that perl ran nothing (502). Each request must get the new
// version. A script that prints nothing and did not change is still a
// 502, run once.
func TestLive_EditorSaveStepsFailNothing(t *testing.T) {
	t.Parallel()
	for _, mode := range []Mode{ModeCGI, ModeFastCGI} {
		t.Run(string(mode), func(t *testing.T) {
			t.Parallel()
			s := newFCGISite(t, "live", mode, nil)
			path := filepath.Join(s.dir, "saved.pl")
			mustWriteFile(t, path, versionScript(1), 0o755)
			s.get(t, "saved.pl")
			// (step runs the editor's next steps while a request is
			// under way, and returns that request's answer, and whether
			// two steps, since the change made at since, were further
			// apart than the quiet moment that ends a save's wait.)
			step := func(since time.Time, steps ...func()) (result, bool) {
				got := make(chan result, 1)
				go func() { got <- fetch(noRedirectClient, s.url("saved.pl")) }()
				slow := false
				for _, f := range steps {
					time.Sleep(40 * time.Millisecond)
					f()
					now := time.Now()
					slow = slow || now.Sub(since) >= settleQuiet
					since = now
				}
				return <-got, slow
			}
			// (paced makes a save again when it failed while a loaded
			// machine held this test's own steps further apart than
			// settleQuiet, or made a script that ends at once take
			// longer than quickFailure: the gateway then rightly fails
			// the request. Only a save at an editor's pace, and a quick
			// end, count.)
			paced := func(what, want string, save func() (result, bool)) {
				for try := 1; ; try++ {
					r, slow := save()
					if r.status == http.StatusOK && r.body == want {
						return
					}
					if slow && try < 5 {
						t.Logf("%s: %d %q at a loaded machine's pace: saved again", what, r.status, r.body)
						continue
					}
					t.Errorf("%s: %d %q %v; logged:\n%s", what, r.status, r.body, r.err, s.failReasons())
					return
				}
			}
			chmod := func() {
				if err := os.Chmod(path, 0o755); err != nil {
					t.Error(err)
				}
			}

			// Write a temporary file, rename it over, then chmod.
			tmp := filepath.Join(s.dir, ".saved.pl.swp")
			paced("rename-over, then chmod", versionBody(2), func() (result, bool) {
				mustWriteFile(t, tmp, versionScript(2), 0o644)
				renamed := time.Now()
				if err := os.Rename(tmp, path); err != nil {
					t.Fatal(err)
				}
				return step(renamed, chmod)
			})

			// vim: rename away, write the new file, chmod, drop the backup.
			paced("vim-style save", versionBody(3), func() (result, bool) {
				renamed := time.Now()
				if err := os.Rename(path, path+"~"); err != nil {
					t.Fatal(err)
				}
				return step(renamed, func() { mustWriteFile(t, path, versionScript(3), 0o644) }, chmod, func() { os.Remove(path + "~") })
			})

			// Replaced as it starts: the version caught ends at once with
			// no output (as perl does with its file gone or still
			// empty), the new one renamed over it by then (here by the
			// caught version itself, so that it is in time).
			paced("replaced as it started", versionBody(4), func() (result, bool) {
				mustWriteFile(t, filepath.Join(s.dir, ".next"), versionScript(4), 0o755)
				mustWriteFile(t, path, "#!/bin/sh\nexec mv .next saved.pl\n", 0o755)
				start := time.Now()
				r := fetch(noRedirectClient, s.url("saved.pl"))
				return r, time.Since(start) >= quickFailure
			})

			// Written in place in two steps, a pause between (`{ printf
			// part; sleep 0.2; printf rest; } > saved.pl`): a request in
			// the pause finds the first part, which the Perl runner
			// compiles cut short at once (in cgi mode the kernel refuses
			// to start a file open for writing, ETXTBSY, and the request
			// waits). Served again once the file has been quiet a moment.
			paced("written in place in two steps", versionBody(5), func() (result, bool) {
				full := versionScript(5)
				cut := strings.Index(full, "X-Pid") // (inside a string: a compile error)
				f, err := os.OpenFile(path, os.O_WRONLY|os.O_TRUNC, 0)
				if err != nil {
					t.Fatal(err)
				}
				defer f.Close()
				if _, err := f.WriteString(full[:cut]); err != nil {
					t.Fatal(err)
				}
				wrote := time.Now()
				got := make(chan result, 1)
				go func() { got <- fetch(noRedirectClient, s.url("saved.pl")) }()
				time.Sleep(200 * time.Millisecond)
				if _, err := f.WriteString(full[cut:]); err != nil {
					t.Fatal(err)
				}
				slow := time.Since(wrote) >= settleQuiet
				f.Close()
				return <-got, slow
			})

			// Silent and unchanged: a plain 502, one run. Silent, and
			// touched while it ran a while: it ran its code, and is not
			// started again (a 502, one run).
			runs := filepath.Join(s.dir, "runs")
			mute := filepath.Join(s.dir, "mute.sh")
			mustWriteFile(t, mute, "#!/bin/sh\necho run >> runs\nsleep \"${QUERY_STRING:-0}\"\n", 0o755)
			if r := fetch(noRedirectClient, s.url("mute.sh")); r.status != http.StatusBadGateway {
				t.Errorf("mute.sh: %d %q, want 502", r.status, r.body)
			}
			got := make(chan result, 1)
			go func() { got <- fetch(noRedirectClient, s.url("mute.sh?0.4")) }()
			time.Sleep(200 * time.Millisecond)
			now := time.Now()
			if err := os.Chtimes(mute, now, now); err != nil {
				t.Fatal(err)
			}
			if r := <-got; r.status != http.StatusBadGateway {
				t.Errorf("mute.sh touched while it ran: %d %q, want 502", r.status, r.body)
			}
			if b, err := os.ReadFile(runs); err != nil || string(b) != "run\nrun\n" {
				t.Errorf("mute.sh ran %q (%v), want once per request", b, err)
			}
			// The same through the Perl runner in fastcgi mode (whose
			// request ends, output and all, before its start returns).
			os.Remove(runs)
			mutePl := filepath.Join(s.dir, "mute.pl")
			mustWriteFile(t, mutePl, "#!/usr/bin/perl\nopen my $f, '>>', 'runs' or die; print $f \"run\\n\"; close $f;\nselect(undef, undef, undef, 0.4);\n", 0o755)
			go func() { got <- fetch(noRedirectClient, s.url("mute.pl")) }()
			time.Sleep(200 * time.Millisecond)
			now = time.Now()
			if err := os.Chtimes(mutePl, now, now); err != nil {
				t.Fatal(err)
			}
			if r := <-got; r.status != http.StatusBadGateway {
				t.Errorf("mute.pl touched while it ran: %d %q, want 502", r.status, r.body)
			}
			if b, err := os.ReadFile(runs); err != nil || string(b) != "run\n" {
				t.Errorf("mute.pl ran %q (%v), want once", b, err)
			}
		})
	}
}

// TestLive_MissingNameInBusyDirectory: a directory some script writes into
// all the time (a counter file) changes constantly; a name missing there
// is a 404 at once, not after the wait for an editor's save to end, which
// only a change to that very name starts (C31's wait must not make every
// 404 of such a directory take a second).
func TestLive_MissingNameInBusyDirectory(t *testing.T) {
	t.Parallel()
	s := newFCGISite(t, "live", ModeCGI, nil)
	if err := s.g.Start(); err != nil {
		t.Fatal(err)
	}
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			case <-time.After(5 * time.Millisecond):
			}
			os.WriteFile(filepath.Join(s.dir, "counter.txt"), []byte(fmt.Sprint(i)), 0o644)
			os.Rename(filepath.Join(s.dir, "counter.txt"), filepath.Join(s.dir, "counter.dat"))
		}
	}()
	defer func() { close(stop); <-done }()
	time.Sleep(50 * time.Millisecond)
	// (Timed where the wait would be, not around a whole HTTP exchange,
	// which a loaded machine running the race detector stretched past
	// 300 ms, and once past 1.5 s: a wait for the save to end lasts at
	// least settleQuiet, and here, where the directory never goes quiet,
	// settleMax. The handler's look is this one.)
	for i := range 5 {
		if r := fetch(noRedirectClient, s.url("missing.pl")); r.status != http.StatusNotFound {
			t.Errorf("request %d: %d %q, want 404", i+1, r.status, r.body)
		}
		start := time.Now()
		_, _, err := s.g.settleRoute(t.Context(), s.g.settings.Load(), "/cgi-bin/missing.pl")
		if d := time.Since(start); !errors.Is(err, ErrNotFound) || d >= settleQuiet {
			t.Errorf("look %d: %v after %v, want ErrNotFound at once (a save's wait lasts %v at least)", i+1, err, d, settleQuiet)
		}
	}
}

// TestLive_EditorSaveThroughSymlinkedDirectory: a scripts directory that
// is a symlink (`current -> releases/r1`) is watched in its target, and a
// request that meets a vim-style save there waits for it as elsewhere.
func TestLive_EditorSaveThroughSymlinkedDirectory(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	real := filepath.Join(root, "releases", "r1")
	if err := os.MkdirAll(real, 0o755); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(root, "current")
	if err := os.Symlink(filepath.Join("releases", "r1"), link); err != nil {
		t.Fatal(err)
	}
	editorSavesThroughLink(t, link, link, "page.pl")
}

// TestLive_EditorSaveThroughSymlinkedSubdirectory: the same for a
// subdirectory of the scripts directory that is a symlink to another one
// in it (`cgi-bin/app -> releases/r1`): the watcher names the events
// under the link's target, the request under the link.
func TestLive_EditorSaveThroughSymlinkedSubdirectory(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	if err := os.MkdirAll(filepath.Join(root, "releases", "r1"), 0o755); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(root, "app")
	if err := os.Symlink(filepath.Join("releases", "r1"), link); err != nil {
		t.Fatal(err)
	}
	editorSavesThroughLink(t, root, link, "app/page.pl")
}

// editorSavesThroughLink serves scripts, makes dir/page.pl (dir holds a
// symlink on the way), then saves it three times vim's way (rename away,
// write, chmod) with a request (to rel) arriving after the rename: each
// must get the new version.
func editorSavesThroughLink(t *testing.T, scripts, dir, rel string) {
	log, _ := test.NewNullLogger()
	g, srv := mustGateway(t, Config{Scripts: scripts, Logger: log, Mode: ModeCGI, Timeout: 10 * time.Second})
	if err := g.Start(); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "page.pl")
	mustWriteFile(t, path, versionScript(1), 0o755)
	url := srv.URL + "/cgi-bin/" + rel
	if r := fetch(noRedirectClient, url); r.status != http.StatusOK {
		t.Fatalf("first: %d %q", r.status, r.body)
	}
	for v := 2; v <= 4; v++ {
		for try := 1; ; try++ {
			renamed := time.Now()
			if err := os.Rename(path, path+"~"); err != nil {
				t.Fatal(err)
			}
			time.Sleep(60 * time.Millisecond) // (past the first look's grace: only the name's event counts)
			got := make(chan result, 1)
			go func() { got <- fetch(noRedirectClient, url) }()
			time.Sleep(40 * time.Millisecond)
			wrote := time.Now()
			mustWriteFile(t, path, versionScript(v), 0o644)
			time.Sleep(40 * time.Millisecond)
			chmodded := time.Now()
			if err := os.Chmod(path, 0o755); err != nil {
				t.Fatal(err)
			}
			os.Remove(path + "~")
			r := <-got
			if r.status == http.StatusOK && r.body == versionBody(v) {
				break
			}
			// A loaded machine can hold this test's own steps further
			// apart than the quiet moment that ends a save's wait
			// (settleQuiet): the gateway then rightly took the save for
			// over. Only a save at an editor's pace counts.
			if slow := max(wrote.Sub(renamed), chmodded.Sub(wrote)); slow >= settleQuiet && try < 5 {
				t.Logf("save %d: %d %q with steps %v apart (over %v): saved again", v, r.status, r.body, slow, settleQuiet)
				continue
			}
			t.Errorf("save %d: %d %q, want the new version", v, r.status, r.body)
			break
		}
	}
}

// TestLive_WorkerStartFailsAsFileIsReplaced: a FastCGI worker that fails
// to start because its file is replaced as it starts (the runner reading
// a script an editor renamed away) is started again from the new file
// once the save is over, not a 502. Here the version caught replaces
// itself with a working FCGI.pm program and exits.
func TestLive_WorkerStartFailsAsFileIsReplaced(t *testing.T) {
	t.Parallel()
	mustPerlFCGI(t)
	s := newFCGISite(t, "live", ModeFastCGI, nil)
	native, err := os.ReadFile("../testdata/fastcgi/native.fcgi")
	if err != nil {
		t.Fatal(err)
	}
	mustWriteFile(t, filepath.Join(s.dir, ".next"), string(native), 0o755)
	mustWriteFile(t, filepath.Join(s.dir, "app.fcgi"), "#!/bin/sh\nmv .next app.fcgi\nexit 1\n", 0o755)
	r := fetch(noRedirectClient, s.url("app.fcgi"))
	if r.status != http.StatusOK || r.body != "native request 1\n" {
		t.Errorf("%d %q %v, want the new program's answer; logged:\n%s", r.status, r.body, r.err, s.failReasons())
	}
}

// mustAppLibSite serves testdata/live in fastcgi mode under isolation
// iso, watched, and returns it with the path of a lib beside its scripts
// directory (not made yet), where the library tests put what scripts load
// with use lib "$FindBin::Bin/../applib".
func mustAppLibSite(t *testing.T, iso string) (*fcgiSite, string) {
	t.Helper()
	s := newFCGISite(t, "live", ModeFastCGI, func(c *Config) { c.Isolation = iso })
	if err := s.g.Start(); err != nil {
		t.Fatal(err)
	}
	return s, filepath.Join(filepath.Dir(s.dir), "applib")
}

// TestLive_SiblingLibraryRunsNewCode: an application's lib beside the
// scripts' directory (`use lib "$FindBin::Bin/../lib"`), a Perl 4 library
// a script requires by its path there, and that lib replaced as a whole
// (a deploy's mv) are what a new CGI process loads afresh: the runner's
// workers, which keep them loaded, retire when one changes, and the next
// requests run the new code. The watcher watched only the scripts'
// directories, and the old code was served until the workers recycled.
func TestLive_SiblingLibraryRunsNewCode(t *testing.T) {
	t.Parallel()
	for _, iso := range []string{IsolationAuto, IsolationRegistry} {
		t.Run(iso, func(t *testing.T) {
			t.Parallel()
			s, applib := mustAppLibSite(t, iso)
			module := func(v string) string { return "package My::Sib;\nsub v { '" + v + "' }\n1;\n" }
			oldlib := func(v string) string { return "sub old_v { '" + v + "' }\n1;\n" }
			mustWriteFile(t, filepath.Join(applib, "My", "Sib.pm"), module("m1"), 0o644)
			mustWriteFile(t, filepath.Join(applib, "old-lib.pl"), oldlib("o1"), 0o644)
			// (Under auto, a require of a file at run time makes perlrun,
			// which loads it again on every request: auto's script has
			// the module alone, kept with its compilation.)
			src := "#!/usr/bin/perl\nuse FindBin;\nuse lib \"$FindBin::Bin/../applib\";\nuse My::Sib;\n" +
				"require \"$FindBin::Bin/../applib/old-lib.pl\";\n" +
				"print \"Content-Type: text/plain\\nX-Pid: $$\\n\\n\", My::Sib::v(), ' ', old_v(), \"\\n\";\n"
			if iso == IsolationAuto {
				src = strings.Replace(strings.Replace(src, "require", "# require", 1), "old_v()", "'o1'", 1)
			}
			mustWriteFile(t, filepath.Join(s.dir, "sib.pl"), src, 0o755)
			served := func(want string) {
				t.Helper()
				// (The first request says what it loaded, and its
				// directories are watched a moment later: an edit
				// before that is seen by its change time,
				// TestLive_LibraryEditedBeforeItsWatchRunsNewCode.)
				if !waitFor(5*time.Second, func() bool { _, b := s.get(t, "sib.pl"); return b == want }) {
					_, b := s.get(t, "sib.pl")
					t.Fatalf("sib.pl serves %q, want %q", b, want)
				}
			}
			served("m1 o1\n")
			mustWriteFile(t, filepath.Join(applib, "My", "Sib.pm"), module("m2"), 0o644)
			served("m2 o1\n")
			if iso == IsolationRegistry {
				mustRenameOver(t, filepath.Join(applib, "old-lib.pl"), oldlib("o2"))
				served("m2 o2\n")
			}
			// The whole lib replaced: the old directories' files never
			// changed.
			next := filepath.Join(filepath.Dir(s.dir), "applib.new")
			mustWriteFile(t, filepath.Join(next, "My", "Sib.pm"), module("m3"), 0o644)
			mustWriteFile(t, filepath.Join(next, "old-lib.pl"), oldlib("o3"), 0o644)
			if err := os.Rename(applib, applib+".old"); err != nil {
				t.Fatal(err)
			}
			if err := os.Rename(next, applib); err != nil {
				t.Fatal(err)
			}
			if iso == IsolationRegistry {
				served("m3 o3\n")
			} else {
				served("m3 o1\n")
			}
		})
	}
}

// TestLive_LibraryEditedBeforeItsWatchRunsNewCode: a library edited
// after a worker loaded it and before the gateway heard of it (here by
// the first request itself, before its end, when the runner says what
// it loaded) has no event for the watch that comes later: the gateway
// looks at its change time then, and the worker that holds the old code
// is retired all the same.
func TestLive_LibraryEditedBeforeItsWatchRunsNewCode(t *testing.T) {
	t.Parallel()
	for _, iso := range []string{IsolationAuto, IsolationRegistry} {
		t.Run(iso, func(t *testing.T) {
			t.Parallel()
			s, applib := mustAppLibSite(t, iso)
			mustWriteFile(t, filepath.Join(applib, "My", "Bump.pm"), "package My::Bump;\nsub v { 'b1' }\n1;\n", 0o644)
			mustWriteFile(t, filepath.Join(s.dir, "bump.pl"), "#!/usr/bin/perl\nuse FindBin;\nuse lib \"$FindBin::Bin/../applib\";\nuse My::Bump;\n"+
				"print \"Content-Type: text/plain\\nX-Pid: $$\\n\\n\", My::Bump::v(), \"\\n\";\n"+
				"if (($ENV{QUERY_STRING} || '') eq 'edit') {\n"+
				"  open my $f, '>', \"$FindBin::Bin/../applib/My/Bump.pm\" or die $!;\n"+
				"  print $f \"package My::Bump;\\nsub v { 'b2' }\\n1;\\n\";\n  close $f or die $!;\n}\n", 0o755)
			if _, b := s.get(t, "bump.pl?edit"); b != "b1\n" {
				t.Fatalf("first request: %q, want b1", b)
			}
			if !waitFor(5*time.Second, func() bool { _, b := s.get(t, "bump.pl"); return b == "b2\n" }) {
				_, b := s.get(t, "bump.pl")
				t.Fatalf("bump.pl serves %q after its library was edited, want b2", b)
			}
		})
	}
}

// TestLive_LibraryBesideSymlinkedScriptsRunsNewCode: a scripts directory
// reached through a release link (current -> releases/r1, scripts in
// current/cgi-bin) and a Perl 4 library beside it (require
// "$FindBin::Bin/../common.pl", which FindBin names under releases/r1).
// The watcher watches current for the scripts directory's name, and
// inotify has that one watch for releases/r1 too: the library's events
// came named under current, and its edit was never seen.
func TestLive_LibraryBesideSymlinkedScriptsRunsNewCode(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	real := filepath.Join(root, "releases", "r1")
	lib := func(v string) string { return "sub common_v { '" + v + "' }\n1;\n" }
	mustWriteFile(t, filepath.Join(real, "common.pl"), lib("c1"), 0o644)
	mustWriteFile(t, filepath.Join(real, "cgi-bin", "lib.pl"), "#!/usr/bin/perl\nuse FindBin;\nrequire \"$FindBin::Bin/../common.pl\";\n"+
		"print \"Content-Type: text/plain\\n\\n\", common_v(), \"\\n\";\n", 0o755)
	if err := os.Symlink(filepath.Join("releases", "r1"), filepath.Join(root, "current")); err != nil {
		t.Fatal(err)
	}
	log, _ := test.NewNullLogger()
	g, srv := mustGateway(t, Config{Scripts: filepath.Join(root, "current", "cgi-bin"), Logger: log, Mode: ModeFastCGI,
		Isolation: IsolationRegistry, Timeout: 10 * time.Second, Workers: 1, Queue: 8})
	if err := g.Start(); err != nil {
		t.Fatal(err)
	}
	served := func(want string) {
		t.Helper()
		// (The first request says what it loaded: its directory is
		// watched a moment later.)
		time.Sleep(300 * time.Millisecond)
		var r result
		if !waitFor(2*time.Second, func() bool { r = fetch(noRedirectClient, srv.URL+"/cgi-bin/lib.pl"); return r.body == want }) {
			t.Fatalf("lib.pl serves %d %q, want %q", r.status, r.body, want)
		}
	}
	served("c1\n")
	mustWriteFile(t, filepath.Join(real, "common.pl"), lib("c2"), 0o644)
	served("c2\n")
}

// TestLive_WriteInPlaceInStepsQueuedFastCGIFailsNothing guards C31 for a
// write in place in two steps ({ printf part; sleep 0.2; printf rest; } >
// script) of a Perl script in fastcgi mode whose requests queue for its
// workers (16 clients, 2 workers, 0.2 s a request; the saves 3 s apart,
// more than a request waits): a request that waited
// past quickFailure for a worker and then met the half-written script was
// not started again (its wait counted as its run), and one started again
// met the same half-written file (the retry did not wait for the write to
// be quiet); the clients got 502s.
func TestLive_WriteInPlaceInStepsQueuedFastCGIFailsNothing(t *testing.T) {
	t.Parallel()
	s := newFCGISite(t, "live", ModeFastCGI, nil)
	if err := s.g.Start(); err != nil {
		t.Fatal(err)
	}
	// (The script's versions, for fmt and for the writer's sprintf.)
	const slow = "#!/usr/bin/perl\nuse strict;\nmy $v = \"version %03d\\n\";\nselect(undef, undef, undef, 0.2);\nprint \"Content-Type: text/plain\\r\\n\\r\\n$v\";\n"
	mustWriteFile(t, filepath.Join(s.dir, "steps.pl"), fmt.Sprintf(slow, 0), 0o755)
	const writer = `my ($dir, $n, $script) = @ARGV;
for my $v (1 .. $n) {
    select(undef, undef, undef, 3);
    my $body = sprintf($script, $v);
    my $h = int(length($body) / 2);
    open(my $f, '>', "$dir/steps.pl") or die "steps.pl: $!";
    syswrite($f, substr($body, 0, $h));
    select(undef, undef, undef, 0.2);
    syswrite($f, substr($body, $h));
    close $f or die "steps.pl: $!";
}
select(undef, undef, undef, 1.5);
`
	w := exec.Command("perl", "-e", writer, s.dir, "3", slow)
	w.Stderr = os.Stderr
	if err := w.Start(); err != nil {
		t.Fatal(err)
	}
	stop := make(chan struct{})
	var writeErr error
	go func() {
		defer close(stop)
		writeErr = w.Wait()
	}()
	st := s.hammer(t, 16, stop, func(int) string { return "steps.pl" }, isVersion("version "))
	if writeErr != nil {
		t.Fatal(writeErr)
	}
	s.checkLoad(t, st, "")
}

// TestLive_ManyLibrariesKeepTheirWorker: an application of a few hundred
// modules (RT loads about 800) made the runner's "libraries" line longer
// than the 8 KiB at which the gateway cuts a worker's line. The cut named
// a file by a piece of its path, a library the watcher found gone: the
// pool was retired after every request (each one compiled the
// application again), the other pieces were logged as the request's
// stderr, and their files were not watched (an edit of the last module
// was not served). The worker stays now, and such an edit is served.
func TestLive_ManyLibrariesKeepTheirWorker(t *testing.T) {
	t.Parallel()
	s := newFCGISite(t, "live", ModeFastCGI, nil)
	if err := s.g.Start(); err != nil {
		t.Fatal(err)
	}
	const n = 300
	dir := filepath.Join(s.dir, "lib", "Menshen", "AVeryLongLibraryDirectoryNameForTesting")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	module := func(i, v int) string {
		return fmt.Sprintf("package Menshen::AVeryLongLibraryDirectoryNameForTesting::Module%03d;\nsub v { %d }\n1;\n", i, v)
	}
	var src strings.Builder
	src.WriteString("#!/usr/bin/perl\nuse FindBin;\nuse lib \"$FindBin::Bin/lib\";\n")
	for i := 1; i <= n; i++ {
		mustWriteFile(t, filepath.Join(dir, fmt.Sprintf("Module%03d.pm", i)), module(i, 1), 0o644)
		fmt.Fprintf(&src, "use Menshen::AVeryLongLibraryDirectoryNameForTesting::Module%03d;\n", i)
	}
	fmt.Fprintf(&src, "print \"Content-Type: text/plain\\nX-Pid: $$\\n\\n\", Menshen::AVeryLongLibraryDirectoryNameForTesting::Module%03d::v(), \"\\n\";\n", n)
	mustWriteFile(t, filepath.Join(s.dir, "many.pl"), src.String(), 0o755)
	time.Sleep(300 * time.Millisecond) // the new directories are watched
	p1, b := s.get(t, "many.pl")
	if b != "1\n" {
		t.Fatalf("many.pl: %q", b)
	}
	time.Sleep(300 * time.Millisecond) // what the runner said is heard
	for i := range 3 {
		if p, b := s.get(t, "many.pl"); p != p1 || b != "1\n" {
			t.Errorf("request %d: worker %d (%q), want the first one, %d", i+2, p, b, p1)
		}
	}
	for _, e := range s.hook.AllEntries() {
		if strings.Contains(e.Message, "ForTesting/Module") {
			t.Errorf("logged: %.200s", e.Message)
		}
	}
	mustWriteFile(t, filepath.Join(dir, fmt.Sprintf("Module%03d.pm", n)), module(n, 2), 0o644)
	if !waitFor(2*time.Second, func() bool { _, b := s.get(t, "many.pl"); return b == "2\n" }) {
		t.Errorf("the edit of Module%03d.pm not served within 2s", n)
	}
}
