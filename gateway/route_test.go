// route_test.go tests URL-to-script routing (C2) and its path safety (C3):
// resolve on its own, then every escape attempt over a real socket.

package gateway

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"

	"golang.org/x/sys/unix"
)

// outsideScript is a script next to (not inside) the scripts directory:
// reaching it through the gateway is an escape.
const outsideScript = "#!/bin/sh\nprintf 'Content-Type: text/plain\\n\\nOUTSIDE-RAN\\n'\n"

// mustRouteSite serves a copy of testdata/cgi with, next to it, an
// executable outside.sh, and inside it symlinks made for C3: passwd →
// /etc/passwd, etc → /etc, outside.sh and outdir → out of the tree,
// link.sh → hello.sh, linkdir → sub, dangling → nowhere, fifo (a named
// pipe).
func mustRouteSite(tb testing.TB) *cgiSite {
	tb.Helper()
	s := newCGISite(tb, nil)
	parent := filepath.Dir(s.dir)
	mustWriteFile(tb, filepath.Join(parent, "outside.sh"), outsideScript, 0o755)
	mustWriteFile(tb, filepath.Join(parent, "outdir", "evil.sh"), outsideScript, 0o755)
	for link, target := range map[string]string{
		"passwd":     "/etc/passwd",
		"etc":        "/etc",
		"outside.sh": "../outside.sh",
		"abs-out.sh": filepath.Join(parent, "outside.sh"),
		"outdir":     "../outdir",
		"link.sh":    "hello.sh",
		"linkdir":    "sub",
		"sub/up.sh":  "../hello.sh",
		"dangling":   "no-such-target",
		"devnull":    "/dev/null",
	} {
		if err := os.Symlink(target, filepath.Join(s.dir, link)); err != nil {
			tb.Fatal(err)
		}
	}
	if err := syscall.Mkfifo(filepath.Join(s.dir, "fifo"), 0o755); err != nil {
		tb.Fatal(err)
	}
	return s
}

// mustNotLeak checks a refused request's body for anything from outside.
func mustNotDisclose(tb testing.TB, what string, body []byte) {
	tb.Helper()
	for _, secret := range []string{"OUTSIDE-RAN", "root:", "SECRET-SOURCE-MARKER", "hidden\n"} {
		if strings.Contains(string(body), secret) {
			tb.Errorf("%s: body %q discloses %q", what, body, secret)
		}
	}
}

// rawGet sends "GET target" exactly as given: Go's client would clean or
// re-encode the path.
func rawGet(tb testing.TB, s *cgiSite, target string) (*http.Response, []byte) {
	tb.Helper()
	return mustRawResponse(tb, s.addr(), "GET "+target+" HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
}

// TestRouteRejectsTraversal guards C3 (CVE-2021-41773, CVE-2021-42013):
// "..", its percent-encodings and encoded slashes never leave the scripts
// directory; the answer is 404, as for a missing file.
func TestRouteRejectsTraversal(t *testing.T) {
	t.Parallel()
	s := mustRouteSite(t)
	for _, target := range []string{
		"/cgi-bin/../outside.sh",
		"/cgi-bin/%2e%2e/outside.sh",
		"/cgi-bin/%2E%2E/outside.sh",
		"/cgi-bin/.%2e/outside.sh",
		"/cgi-bin/%2e./outside.sh",
		"/cgi-bin/..%2foutside.sh",
		"/cgi-bin/%2e%2e%2foutside.sh",
		"/cgi-bin/sub/..%2f..%2foutside.sh",
		"/cgi-bin/sub/%2e%2e/%2e%2e/outside.sh",
		"/cgi-bin/./../outside.sh",
		"/cgi-bin/..%5coutside.sh",
		"/cgi-bin/%252e%252e/outside.sh",
		"/cgi-bin/../../../../../../etc/passwd",
		"/cgi-bin/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
		"/cgi-bin/.%2e/.%2e/.%2e/.%2e/etc/passwd",
		"/cgi-bin/..",
		"/cgi-bin/%2e%2e",
		"/cgi-bin/sub/..%2f..%2f..%2f..%2fetc%2fpasswd",
		"/../cgi-bin/../outside.sh",
		"/outside.sh",
	} {
		t.Run(target, func(t *testing.T) {
			resp, body := rawGet(t, s, target)
			if resp.StatusCode != http.StatusNotFound && resp.StatusCode != http.StatusBadRequest {
				t.Errorf("GET %s: status %d, want 404 (body %q)", target, resp.StatusCode, body)
			}
			mustNotDisclose(t, target, body)
		})
	}
}

// TestRouteHidesDotFiles guards C3: dot-files and anything under a
// dot-directory are never executed (.git, .htpasswd, editor backups).
func TestRouteHidesDotFiles(t *testing.T) {
	t.Parallel()
	s := mustRouteSite(t)
	for _, target := range []string{
		"/cgi-bin/.hidden.sh",
		"/cgi-bin/%2ehidden.sh",
		"/cgi-bin/.hidden-dir/visible.sh",
		"/cgi-bin/%2ehidden-dir/visible.sh",
		"/cgi-bin/.hidden-dir%2fvisible.sh",
		"/cgi-bin/sub/../.hidden.sh",
		"/cgi-bin/.hidden-dir/../.hidden.sh",
		"/cgi-bin/./.hidden.sh",
	} {
		t.Run(target, func(t *testing.T) {
			resp, body := rawGet(t, s, target)
			if resp.StatusCode != http.StatusNotFound {
				t.Errorf("GET %s: status %d, want 404 (body %q)", target, resp.StatusCode, body)
			}
			mustNotDisclose(t, target, body)
		})
	}
	t.Run("dot segments that stay inside are cleaned", func(t *testing.T) {
		resp, body := rawGet(t, s, "/cgi-bin/sub/./../hello.sh")
		if resp.StatusCode != 200 || string(body) != "hello\n" {
			t.Errorf("status %d body %q, want 200 hello", resp.StatusCode, body)
		}
	})
}

// TestRouteHidesBackups guards C3 as lighttpd's default configuration
// does ("~" denied): an editor's or a package manager's copy of a
// script, which keeps its execute bit, is neither run (the old version,
// a bug since fixed) nor listed on the status page, in any mode; a link
// to one neither (found by a security audit: they ran).
func TestRouteHidesBackups(t *testing.T) {
	t.Parallel()
	s := mustRouteSite(t)
	names := []string{"old.sh~", "#old.sh#", "old.sh.bak", "old.sh.orig", "old.sh.swp", "old.sh.rej", "old.sh.dpkg-old", "old.sh.rpmsave"}
	for _, n := range names {
		mustWriteFile(t, filepath.Join(s.dir, n), "#!/bin/sh\nprintf 'Content-Type: text/plain\\n\\nBACKUP-RAN\\n'\n", 0o755)
	}
	if err := os.Symlink("old.sh~", filepath.Join(s.dir, "current.sh")); err != nil {
		t.Fatal(err)
	}
	for _, n := range append(names, "current.sh") {
		target := "/cgi-bin/" + strings.ReplaceAll(n, "#", "%23")
		resp, body := rawGet(t, s, target)
		if resp.StatusCode != http.StatusNotFound || strings.Contains(string(body), "BACKUP-RAN") {
			t.Errorf("GET %s: %d %q, want 404", target, resp.StatusCode, body)
		}
	}
	rec := httptest.NewRecorder()
	req := httptest.NewRequest(http.MethodGet, "/status.json", nil)
	req.Host = "127.0.0.1"
	s.g.AdminHandler().ServeHTTP(rec, req)
	if !strings.Contains(rec.Body.String(), `"hello.sh"`) {
		t.Fatalf("/status.json lists no hello.sh: %s", rec.Body.String())
	}
	for _, n := range names {
		if strings.Contains(rec.Body.String(), `"`+n+`"`) {
			t.Errorf("/status.json lists %s", n)
		}
	}
}

// TestRouteRejectsSymlinkEscape guards C3: a symlink that resolves outside
// the scripts directory (to /etc/passwd, /etc, a script next to the
// directory), a dangling one, and special files are 404 and never run.
func TestRouteRejectsSymlinkEscape(t *testing.T) {
	t.Parallel()
	s := mustRouteSite(t)
	for _, rel := range []string{
		"passwd",
		"etc/passwd",
		"outside.sh",
		"abs-out.sh",
		"outdir/evil.sh",
		"outside.sh/path/info",
		"dangling",
		"devnull",
		"fifo",
	} {
		t.Run(rel, func(t *testing.T) {
			resp, body := rawGet(t, s, "/cgi-bin/"+rel)
			if resp.StatusCode != http.StatusNotFound {
				t.Errorf("GET %s: status %d, want 404 (body %q)", rel, resp.StatusCode, body)
			}
			mustNotDisclose(t, rel, body)
			// The log tells the operator why (a mount of Debian's
			// /usr/lib/cgi-bin holds links out of it); the client's body
			// is a missing script's.
			want := "leads out of the scripts directory"
			if rel == "fifo" {
				want = "not a regular file"
			}
			if strings.Contains(string(body), want) {
				t.Errorf("GET %s: the body tells the reason: %q", rel, body)
			}
			var reasons []string
			for _, e := range entriesWith(s.hook, "path", "/cgi-bin/"+rel) {
				if r, ok := e.Data["reason"]; ok {
					reasons = append(reasons, fmt.Sprint(r))
				}
			}
			if len(reasons) != 1 || !strings.Contains(reasons[0], want) {
				t.Errorf("GET %s: logged reasons %q, want one saying %q", rel, reasons, want)
			}
		})
	}
}

// TestRouteFollowsSymlinkInside guards C2/C3: symlinks that stay inside the
// directory work, to a script or to a subdirectory.
func TestRouteFollowsSymlinkInside(t *testing.T) {
	t.Parallel()
	s := mustRouteSite(t)
	for _, tc := range []struct{ rel, want string }{
		{"link.sh", "hello\n"},
		{"sub/up.sh", "hello\n"},
	} {
		resp, body := mustGet(t, s.url(tc.rel))
		if resp.StatusCode != 200 || string(body) != tc.want {
			t.Errorf("GET %s: %d %q, want 200 %q", tc.rel, resp.StatusCode, body, tc.want)
		}
	}
	env := mustEnv(t, newRequest(t, "GET", s.url("linkdir/env.pl/pi"), nil))
	if env["SCRIPT_NAME"] != "/cgi-bin/linkdir/env.pl" || env["PATH_INFO"] != "/pi" {
		t.Errorf("linkdir/env.pl: SCRIPT_NAME=%q PATH_INFO=%q", env["SCRIPT_NAME"], env["PATH_INFO"])
	}
}

// TestRouteNonExecutableIs403WithoutSource guards C3: a non-executable
// regular file is 403 and its contents are never sent (no source
// disclosure, unlike a static file server).
func TestRouteNonExecutableIs403WithoutSource(t *testing.T) {
	t.Parallel()
	s := mustRouteSite(t)
	for _, rel := range []string{"noexec.pl", "noexec.pl/path/info", "README.md", "hello.php"} {
		resp, body := mustGet(t, s.url(rel))
		if resp.StatusCode != http.StatusForbidden {
			t.Errorf("GET %s: status %d, want 403", rel, resp.StatusCode)
		}
		for _, secret := range []string{"SECRET-SOURCE-MARKER", "should not run", "#!", "<?php", "fixtures"} {
			if strings.Contains(string(body), secret) {
				t.Errorf("GET %s: body %q discloses the file (%q)", rel, body, secret)
			}
		}
	}
}

// TestRouteDirectoryIs404 guards C3: a directory without a script is 404,
// never a listing.
func TestRouteDirectoryIs404(t *testing.T) {
	t.Parallel()
	s := mustRouteSite(t)
	for _, target := range []string{"/cgi-bin/", "/cgi-bin", "/cgi-bin/sub", "/cgi-bin/sub/", "/cgi-bin/linkdir/", "/", "/cgi-binx/hello.sh"} {
		resp, body := rawGet(t, s, target)
		if resp.StatusCode != http.StatusNotFound {
			t.Errorf("GET %s: status %d, want 404", target, resp.StatusCode)
		}
		if strings.Contains(string(body), "env.pl") || strings.Contains(string(body), "hello.sh") {
			t.Errorf("GET %s: body %q lists the directory", target, body)
		}
	}
}

// TestRouteDirectoryIndex checks what Apache's mod_dir gives a user of a
// directory of scripts (C2, C3): a request for a directory runs its index
// script (index.cgi, index.pl, index.php), with its own SCRIPT_NAME and
// the client's REQUEST_URI; named without the slash, the directory is a
// 301 to the name with it, the query kept; one without an index script
// stays 404, and one whose index may not run is 403.
func TestRouteDirectoryIndex(t *testing.T) {
	t.Parallel()
	s := mustRouteSite(t)
	env, err := os.ReadFile(filepath.Join(s.dir, "env.pl"))
	if err != nil {
		t.Fatal(err)
	}
	mustWriteFile(t, filepath.Join(s.dir, "app", "index.pl"), string(env), 0o755)
	mustWriteFile(t, filepath.Join(s.dir, "index.cgi"), string(env), 0o755)
	mustWriteFile(t, filepath.Join(s.dir, "shut", "index.pl"), "#!/usr/bin/perl\nprint \"SECRET-SOURCE-MARKER\";\n", 0o644)

	for _, tc := range []struct{ target, script, uri string }{
		{"/cgi-bin/app/?a=1", "/cgi-bin/app/index.pl", "/cgi-bin/app/?a=1"},
		{"/cgi-bin/", "/cgi-bin/index.cgi", "/cgi-bin/"},
		{"/cgi-bin/linkdir/../app/", "/cgi-bin/app/index.pl", "/cgi-bin/linkdir/../app/"},
	} {
		resp, body := rawGet(t, s, tc.target)
		if resp.StatusCode != http.StatusOK {
			t.Errorf("GET %s: status %d, want 200 from the index script (body %q)", tc.target, resp.StatusCode, body)
			continue
		}
		got := parseEnv(body)
		checkEnv(t, "GET "+tc.target+": ", got, map[string]string{"SCRIPT_NAME": tc.script, "REQUEST_URI": tc.uri})
		if v, ok := got["PATH_INFO"]; ok {
			t.Errorf("GET %s: PATH_INFO %q, want none", tc.target, v)
		}
	}
	for target, loc := range map[string]string{
		"/cgi-bin/app?a=1&b": "/cgi-bin/app/?a=1&b",
		"/cgi-bin":           "/cgi-bin/",
		"/cgi-bin//app":      "/cgi-bin/app/",
	} {
		resp, body := rawGet(t, s, target)
		if resp.StatusCode != http.StatusMovedPermanently || resp.Header.Get("Location") != loc {
			t.Errorf("GET %s: status %d Location %q, want 301 to %q", target, resp.StatusCode, resp.Header.Get("Location"), loc)
		}
		if strings.Contains(string(body), "SCRIPT_NAME") {
			t.Errorf("GET %s: the redirect ran the script: %q", target, body)
		}
	}
	for target, code := range map[string]int{"/cgi-bin/sub/": http.StatusNotFound, "/cgi-bin/sub": http.StatusNotFound, "/cgi-bin/shut/": http.StatusForbidden} {
		resp, body := rawGet(t, s, target)
		if resp.StatusCode != code {
			t.Errorf("GET %s: status %d, want %d", target, resp.StatusCode, code)
		}
		mustNotDisclose(t, target, body)
	}
}

// TestRouteRefusesTrace checks that a TRACE request reaches no script: it
// would echo the request, cookies included (cross-site tracing). 405 with
// the methods a script may answer, as nginx (and Apache with TraceEnable
// off) answer.
func TestRouteRefusesTrace(t *testing.T) {
	t.Parallel()
	s := mustRouteSite(t)
	resp, body := mustRawResponse(t, s.addr(), "TRACE /cgi-bin/env.pl HTTP/1.1\r\nHost: x\r\nCookie: session=SECRET-COOKIE\r\nConnection: close\r\n\r\n")
	if resp.StatusCode != http.StatusMethodNotAllowed || !strings.Contains(resp.Header.Get("Allow"), "GET") {
		t.Errorf("TRACE: status %d Allow %q, want 405 with an Allow field", resp.StatusCode, resp.Header.Get("Allow"))
	}
	if strings.Contains(string(body), "SECRET-COOKIE") || strings.Contains(string(body), "SCRIPT_NAME") {
		t.Errorf("TRACE reached the script: %q", body)
	}
}

// TestRouteRejectsNUL guards C3: a NUL byte (%00) in the path, which C APIs
// would cut the name at, is 404.
func TestRouteRejectsNUL(t *testing.T) {
	t.Parallel()
	s := mustRouteSite(t)
	for _, target := range []string{"/cgi-bin/hello.sh%00.txt", "/cgi-bin/hello.sh%00", "/cgi-bin/env.pl/a%00b", "/cgi-bin/sub%00/env.pl"} {
		resp, body := rawGet(t, s, target)
		if resp.StatusCode != http.StatusNotFound && resp.StatusCode != http.StatusBadRequest {
			t.Errorf("GET %s: status %d, want 404 (body %q)", target, resp.StatusCode, body)
		}
		if strings.Contains(string(body), "hello") || strings.Contains(string(body), "SCRIPT_NAME") {
			t.Errorf("GET %s ran a script: %q", target, body)
		}
	}
}

// TestResolve checks the walk of C2 and the refusals of C3 on resolve
// itself: no process, no socket.
func TestResolve(t *testing.T) {
	t.Parallel()
	dir := mustCopyTestdata(t, "cgi")
	other := filepath.Join(t.TempDir(), "legacy")
	mustWriteFile(t, filepath.Join(other, "old.sh"), "#!/bin/sh\n", 0o755)
	// Links to a directory: to itself or above (loops, which give a
	// script endless paths: one key), and to another (one more path: its
	// own key, as the config may name it).
	for link, target := range map[string]string{"escape": "../outside", "compat": ".", "sub/up": "..", "sub/here": ".", "also": "sub"} {
		if err := os.Symlink(target, filepath.Join(dir, link)); err != nil {
			t.Fatal(err)
		}
	}
	mainM, err := newMount("/cgi-bin/", dir, "")
	if err != nil {
		t.Fatal(err)
	}
	mainM.main = true
	legacy, err := newMount("/cgi-bin/legacy/", other, ModeFastCGI)
	if err != nil {
		t.Fatal(err)
	}
	// A mount at a script's URL plus a slash: the script stays the
	// scripts directory's, as Apache's Alias with a trailing slash does
	// not take the name without it.
	shadow := filepath.Join(t.TempDir(), "shadow")
	mustWriteFile(t, filepath.Join(shadow, "index.cgi"), "#!/bin/sh\n", 0o755)
	onScript, err := newMount("/cgi-bin/env.pl/", shadow, "")
	if err != nil {
		t.Fatal(err)
	}
	mounts := []*mount{legacy, onScript, mainM} // longest prefix first, as buildSettings sorts
	wrapped := func(p string) bool { return strings.HasSuffix(p, ".php") }
	// Directories with an index script (dirIndex, first found), and one
	// with only a page: no script.
	mustWriteFile(t, filepath.Join(dir, "app", "index.pl"), "#!/usr/bin/perl\n", 0o755)
	mustWriteFile(t, filepath.Join(dir, "both", "index.cgi"), "#!/bin/sh\n", 0o755)
	mustWriteFile(t, filepath.Join(dir, "both", "index.pl"), "#!/usr/bin/perl\n", 0o755)
	mustWriteFile(t, filepath.Join(dir, "php", "index.php"), "<?php\n", 0o644)
	mustWriteFile(t, filepath.Join(dir, "shut", "index.pl"), "#!/usr/bin/perl\n", 0o644)
	mustWriteFile(t, filepath.Join(dir, "static", "index.html"), "<p>\n", 0o755)

	for _, tc := range []struct {
		path                      string
		err                       error
		key, file, name, pathInfo string
	}{
		{path: "/cgi-bin/env.pl", key: "env.pl", file: "env.pl", name: "/cgi-bin/env.pl"},
		{path: "/cgi-bin/sub/env.pl/a/b", key: "sub/env.pl", file: "sub/env.pl", name: "/cgi-bin/sub/env.pl", pathInfo: "/a/b"},
		{path: "/cgi-bin/sub/env.pl/a/", key: "sub/env.pl", file: "sub/env.pl", name: "/cgi-bin/sub/env.pl", pathInfo: "/a/"},
		{path: "/cgi-bin/sub/env.pl/", key: "sub/env.pl", file: "sub/env.pl", name: "/cgi-bin/sub/env.pl", pathInfo: "/"},
		{path: "/cgi-bin/sub//env.pl", key: "sub/env.pl", file: "sub/env.pl", name: "/cgi-bin/sub/env.pl"},
		// A path ending in a dot segment names a directory (RFC 3986):
		// its PATH_INFO keeps the slash, as in Apache.
		{path: "/cgi-bin/sub/env.pl/.", key: "sub/env.pl", file: "sub/env.pl", name: "/cgi-bin/sub/env.pl", pathInfo: "/"},
		{path: "/cgi-bin/sub/env.pl/a/.", key: "sub/env.pl", file: "sub/env.pl", name: "/cgi-bin/sub/env.pl", pathInfo: "/a/"},
		{path: "/cgi-bin/sub/env.pl/a/b/..", key: "sub/env.pl", file: "sub/env.pl", name: "/cgi-bin/sub/env.pl", pathInfo: "/a/"},
		{path: "/cgi-bin/app/", key: "app/index.pl", file: "app/index.pl", name: "/cgi-bin/app/index.pl"},
		{path: "/cgi-bin/app/.", key: "app/index.pl", file: "app/index.pl", name: "/cgi-bin/app/index.pl"},
		{path: "/cgi-bin/app/x/..", key: "app/index.pl", file: "app/index.pl", name: "/cgi-bin/app/index.pl"},
		{path: "/cgi-bin/app", err: ErrDirectorySlash},
		{path: "/cgi-bin/both/", key: "both/index.cgi", file: "both/index.cgi", name: "/cgi-bin/both/index.cgi"},
		{path: "/cgi-bin/compat/app/", key: "app/index.pl", file: "compat/app/index.pl", name: "/cgi-bin/compat/app/index.pl"},
		{path: "/cgi-bin/php/", key: "php/index.php", file: "php/index.php", name: "/cgi-bin/php/index.php"},
		{path: "/cgi-bin/shut/", err: ErrNotExecutable, key: "shut/index.pl", file: "shut/index.pl", name: "/cgi-bin/shut/index.pl"},
		{path: "/cgi-bin/static/", err: ErrNotFound},
		{path: "/cgi-bin/static", err: ErrNotFound},
		{path: "/cgi-bin/app/index.pl/", key: "app/index.pl", file: "app/index.pl", name: "/cgi-bin/app/index.pl", pathInfo: "/"},
		{path: "/cgi-bin/hello.php", key: "hello.php", file: "hello.php", name: "/cgi-bin/hello.php"},
		{path: "/cgi-bin/compat/env.pl", key: "env.pl", file: "compat/env.pl", name: "/cgi-bin/compat/env.pl"},
		{path: "/cgi-bin/compat/compat/sub/up/env.pl/x", key: "env.pl", file: "compat/compat/sub/up/env.pl", name: "/cgi-bin/compat/compat/sub/up/env.pl", pathInfo: "/x"},
		{path: "/cgi-bin/sub/here/env.pl", key: "sub/env.pl", file: "sub/here/env.pl", name: "/cgi-bin/sub/here/env.pl"},
		{path: "/cgi-bin/compat/sub/env.pl", key: "sub/env.pl", file: "compat/sub/env.pl", name: "/cgi-bin/compat/sub/env.pl"},
		{path: "/cgi-bin/also/env.pl", key: "also/env.pl", file: "also/env.pl", name: "/cgi-bin/also/env.pl"},
		{path: "/cgi-bin/also/up/env.pl", key: "env.pl", file: "also/up/env.pl", name: "/cgi-bin/also/up/env.pl"},
		{path: "/cgi-bin/legacy/old.sh/x", key: "/cgi-bin/legacy/old.sh", name: "/cgi-bin/legacy/old.sh", pathInfo: "/x"},
		{path: "/cgi-bin/env.pl/", key: "/cgi-bin/env.pl/index.cgi", name: "/cgi-bin/env.pl/index.cgi"},
		{path: "/cgi-bin/env.pl/.", key: "/cgi-bin/env.pl/index.cgi", name: "/cgi-bin/env.pl/index.cgi"},
		{path: "/cgi-bin/env.pl/x", err: ErrNotFound},
		{path: "/cgi-bin//env.pl", key: "env.pl", file: "env.pl", name: "/cgi-bin/env.pl"},
		{path: "/cgi-bin/legacy", err: ErrNotFound},
		{path: "/cgi-bin/noexec.pl", err: ErrNotExecutable, key: "noexec.pl", file: "noexec.pl", name: "/cgi-bin/noexec.pl"},
		{path: "/cgi-bin/no-such.sh", err: ErrNotFound},
		{path: "/cgi-bin/", err: ErrNotFound},
		{path: "/cgi-bin/sub", err: ErrNotFound},
		{path: "/cgi-bin/../env.pl", err: ErrNotFound},
		{path: "/cgi-bin/.hidden.sh", err: errDotName},
		{path: "/cgi-bin/.hidden-dir/visible.sh", err: errDotName},
		{path: "/cgi-bin/escape/x.sh", err: errLinkOut},
		{path: "/cgi-bin/env.pl\x00", err: ErrNotFound},
		{path: "/cgi-bin/sub\\env.pl", err: ErrNotFound},
		{path: "/elsewhere/env.pl", err: ErrNotFound},
	} {
		t.Run(tc.path, func(t *testing.T) {
			rt, err := resolve(mounts, tc.path, wrapped)
			if !errors.Is(err, tc.err) || (tc.err == nil) != (err == nil) || !errors.Is(err, ErrNotFound) && errors.Is(tc.err, ErrNotFound) {
				t.Fatalf("resolve(%q) error %v, want %v", tc.path, err, tc.err)
			}
			if tc.key == "" {
				return
			}
			if rt == nil {
				t.Fatalf("resolve(%q) = nil route with %v", tc.path, err)
			}
			if rt.key != tc.key || rt.scriptName != tc.name || rt.pathInfo != tc.pathInfo {
				t.Errorf("resolve(%q) = key %q name %q pathInfo %q, want %q %q %q",
					tc.path, rt.key, rt.scriptName, rt.pathInfo, tc.key, tc.name, tc.pathInfo)
			}
			if tc.file != "" && rt.file != filepath.Join(dir, tc.file) {
				t.Errorf("resolve(%q).file = %q, want %q", tc.path, rt.file, filepath.Join(dir, tc.file))
			}
		})
	}
}

// TestRouteRunsResolvedSymlink guards C3 against a symlink swapped between
// the check and the start: a route through a symlink runs the path with
// every symlink resolved, as checked, so pointing the link outside after
// resolve changes nothing for that request.
func TestRouteRunsResolvedSymlink(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	dir, outside := filepath.Join(root, "scripts"), filepath.Join(root, "outside")
	mustWriteFile(t, filepath.Join(dir, "sub", "in.sh"), "#!/bin/sh\nprintf 'Content-Type: text/plain\\n\\ninside\\n'\n", 0o755)
	mustWriteFile(t, filepath.Join(outside, "out.sh"), "#!/bin/sh\nprintf 'Content-Type: text/plain\\n\\nOUTSIDE\\n'\n", 0o755)
	link := filepath.Join(dir, "swap.sh")
	if err := os.Symlink("sub/in.sh", link); err != nil {
		t.Fatal(err)
	}
	g, srv := mustGateway(t, Config{Scripts: dir})
	s := g.settings.Load()
	rt, err := resolve(s.mounts, "/cgi-bin/swap.sh", s.isWrapped)
	if err != nil {
		t.Fatal(err)
	}
	real, _ := filepath.EvalSymlinks(filepath.Join(dir, "sub", "in.sh"))
	if rt.exec != real || rt.file != link {
		t.Errorf("route exec %q file %q, want exec %q (resolved) and file %q", rt.exec, rt.file, real, link)
	}
	// The swap: the same route must still run the inside script.
	if err := os.Remove(link); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("../outside/out.sh", link); err != nil {
		t.Fatal(err)
	}
	req := httptest.NewRequest("GET", "/cgi-bin/swap.sh", nil)
	x := &exchange{queued: func() {}}
	ex, err := g.startCGI(t.Context(), req, s, rt, &body{n: -1}, x)
	if err != nil {
		t.Fatal(err)
	}
	out, _ := io.ReadAll(ex.stdout())
	ex.finish(false)
	if strings.Contains(string(out), "OUTSIDE") || !strings.Contains(string(out), "inside") {
		t.Errorf("after the swap the checked route ran %q, want the inside script", out)
	}
	// And a new request sees the link pointing outside: 404.
	if resp, _ := mustGet(t, srv.URL+"/cgi-bin/swap.sh"); resp.StatusCode != http.StatusNotFound {
		t.Errorf("link now pointing outside: %d, want 404", resp.StatusCode)
	}
}

// asNobody runs f on one OS thread whose file-system uid is nobody's when
// the test runs as root (root searches every directory), else as is.
func asNobody(t *testing.T, f func()) {
	t.Helper()
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	if os.Geteuid() == 0 {
		unix.Setfsuid(65534)
		defer unix.Setfsuid(0)
	}
	f()
}

// TestResolve_NoSearchPermission: a scripts directory menshen's user cannot
// search is refused at start (every request would fail), and a directory
// on the way to a script that it cannot search is a 403 with its reason,
// as in Apache, not a 404 "no such script" that would mislead the
// operator.
func TestResolve_NoSearchPermission(t *testing.T) {
	dir := t.TempDir()
	for _, d := range []string{filepath.Dir(dir), dir} {
		if err := os.Chmod(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	sub := filepath.Join(dir, "sub")
	if err := os.Mkdir(sub, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(sub, "x.sh"), []byte(helloSh), 0o755); err != nil {
		t.Fatal(err)
	}
	m, err := newMount("/cgi-bin/", dir, "")
	if err != nil {
		t.Fatal(err)
	}
	m.main = true
	if err := os.Chmod(sub, 0o600); err != nil {
		t.Fatal(err)
	}
	defer os.Chmod(sub, 0o755)
	asNobody(t, func() {
		if _, err := os.Lstat(filepath.Join(sub, "x.sh")); err == nil {
			t.Skip("the directory is still searchable: cannot test")
		}
		_, err := resolve([]*mount{m}, "/cgi-bin/sub/x.sh", func(string) bool { return false })
		if !errors.Is(err, ErrNoAccess) || statusFor(err) != http.StatusForbidden {
			t.Errorf("resolve through an unsearchable directory: %v (status %d), want ErrNoAccess, 403", err, statusFor(err))
		}
		if _, err := resolve([]*mount{m}, "/cgi-bin/nosuch.sh", func(string) bool { return false }); !errors.Is(err, ErrNotFound) {
			t.Errorf("a missing script: %v, want ErrNotFound", err)
		}
		if _, err := newMount("/x/", sub, ""); err == nil || !strings.Contains(err.Error(), "permission denied") {
			t.Errorf("newMount of an unsearchable directory: %v, want permission denied", err)
		}
	})
}

// TestCheck_NoExecAnswerAsServe: what check says serve answers a script
// it may not start is what serve answers (a security audit found check
// saying 500 for another user's execute bits, which runnable answers
// 403): 403 for those, 500 for a noexec mount, whose exec fails.
func TestCheck_NoExecAnswerAsServe(t *testing.T) {
	fi, err := os.Stat("/bin/sh")
	if err != nil {
		t.Fatal(err)
	}
	if st := statusFor(fmt.Errorf("%w: %s", ErrNotExecutable, notOurs(fi))); st != http.StatusForbidden {
		t.Fatalf("serve answers another user's script %d, want 403", st)
	}
	if got := noExecAnswer(notOurs(fi)); !strings.Contains(got, "403") {
		t.Errorf("check says %q of another user's script, want the 403 serve answers", got)
	}
	if got := noExecAnswer(noexecMount); !strings.Contains(got, "500") {
		t.Errorf("check says %q of a noexec mount, want 500", got)
	}
}
