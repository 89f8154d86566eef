// cgi_e2e_test.go tests CGI mode end to end (C2, C4-C11, C20): real scripts
// from testdata/cgi, run by a Gateway behind a real HTTP server.

package gateway

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/menshen/menshen/cgi"
	"github.com/menshen/menshen/internal/proctest"
	"github.com/sirupsen/logrus"
	"github.com/sirupsen/logrus/hooks/test"
)

// cgiSite is a Gateway in CGI mode over a private copy of testdata/cgi.
type cgiSite struct {
	dir  string // the scripts directory (a copy)
	g    *Gateway
	srv  *publicServer
	hook *test.Hook
}

// url returns the public URL of a path under the /cgi-bin/ prefix.
func (s *cgiSite) url(rel string) string { return s.srv.URL + "/cgi-bin/" + rel }

// addr is the server's host:port, for raw requests.
func (s *cgiSite) addr() string { return s.srv.Listener.Addr().String() }

// newCGISite copies testdata/cgi and serves it in CGI mode; edit adjusts
// the Config first (may be nil). The timeout defaults to 10 s so that a
// broken test cannot hang.
func newCGISite(tb testing.TB, edit func(c *Config)) *cgiSite {
	tb.Helper()
	log, hook := test.NewNullLogger()
	s := &cgiSite{dir: mustCopyTestdata(tb, "cgi"), hook: hook}
	cfg := Config{Scripts: s.dir, Logger: log, Timeout: 10 * time.Second, Mode: ModeCGI}
	if edit != nil {
		edit(&cfg)
	}
	s.g, s.srv = mustGateway(tb, cfg)
	return s
}

// parseEnv reads env.pl's output: NAME=value lines.
func parseEnv(body []byte) map[string]string {
	env := map[string]string{}
	for _, line := range strings.Split(string(body), "\n") {
		if k, v, ok := strings.Cut(line, "="); ok {
			env[k] = v
		}
	}
	return env
}

// mustEnv runs env.pl (or another env-printing script) with req and returns
// the variables it saw.
func mustEnv(tb testing.TB, req *http.Request) map[string]string {
	tb.Helper()
	resp, body := mustDo(tb, req)
	if resp.StatusCode != http.StatusOK {
		tb.Fatalf("%s %s: status %d, body %q", req.Method, req.URL, resp.StatusCode, body)
	}
	return parseEnv(body)
}

// TestCGI_PathFlagWinsOverEnvPATH guards §7's precedence: a PATH given
// explicitly (--path, MENSHEN_PATH) wins over the config file's, in its
// [env] as in its path key; [env] PATH reached the scripts.
func TestCGI_PathFlagWinsOverEnvPATH(t *testing.T) {
	t.Parallel()
	conf := filepath.Join(t.TempDir(), "menshen.toml")
	mustWriteFile(t, conf, "path = \"/from/key:/usr/bin:/bin\"\n[env]\nPATH = \"/from/env:/usr/bin:/bin\"\n", 0o644)
	for _, tc := range []struct {
		name string
		edit func(c *Config)
		want string
	}{
		{"flag", func(c *Config) {
			c.ConfigFile, c.Path, c.Set = conf, "/from/flag:/usr/bin:/bin", map[string]bool{"path": true}
		}, "/from/flag:/usr/bin:/bin"},
		// (Without the flag the file's [env] PATH, its more specific
		// word, as before.)
		{"no flag", func(c *Config) { c.ConfigFile = conf }, "/from/env:/usr/bin:/bin"},
	} {
		s := newCGISite(t, tc.edit)
		env := mustEnv(t, newRequest(t, "GET", s.url("env.pl"), nil))
		if env["PATH"] != tc.want {
			t.Errorf("%s: PATH = %q, want %q", tc.name, env["PATH"], tc.want)
		}
	}
}

// checkEnv fails tb for each variable of want that env does not set to
// that value; what prefixes the variable's name in the messages.
func checkEnv(tb testing.TB, what string, env, want map[string]string) {
	tb.Helper()
	for k, v := range want {
		if got, ok := env[k]; !ok || got != v {
			tb.Errorf("%s%s = %q (set: %v), want %q", what, k, got, ok, v)
		}
	}
}

func newRequest(tb testing.TB, method, url string, body io.Reader) *http.Request {
	tb.Helper()
	req, err := http.NewRequest(method, url, body)
	if err != nil {
		tb.Fatal(err)
	}
	return req
}

// TestCGI_SubdirectoryPathInfoQuery guards C2: a script in a subdirectory,
// the rest of the path as PATH_INFO (decoded), the query string raw.
func TestCGI_SubdirectoryPathInfoQuery(t *testing.T) {
	t.Parallel()
	s := newCGISite(t, nil)
	env := mustEnv(t, newRequest(t, "GET", s.url("sub/env.pl/a/b%20c?x=1%202&y=%41&z"), nil))
	want := map[string]string{
		"SCRIPT_NAME":     "/cgi-bin/sub/env.pl",
		"SCRIPT_FILENAME": filepath.Join(s.dir, "sub", "env.pl"),
		"PATH_INFO":       "/a/b c",
		"PATH_TRANSLATED": s.dir + "/a/b c",
		"QUERY_STRING":    "x=1%202&y=%41&z",
		"REQUEST_URI":     "/cgi-bin/sub/env.pl/a/b%20c?x=1%202&y=%41&z",
	}
	for k, v := range want {
		if env[k] != v {
			t.Errorf("%s = %q, want %q", k, env[k], v)
		}
	}

	t.Run("no path info", func(t *testing.T) {
		env := mustEnv(t, newRequest(t, "GET", s.url("sub/env.pl"), nil))
		for _, k := range []string{"PATH_INFO", "PATH_TRANSLATED"} {
			if v, ok := env[k]; ok {
				t.Errorf("%s = %q, want it unset without path info", k, v)
			}
		}
		if env["QUERY_STRING"] != "" {
			t.Errorf("QUERY_STRING = %q, want empty", env["QUERY_STRING"])
		}
	})
	t.Run("encoded slash is 404", func(t *testing.T) {
		// As Apache with its default AllowEncodedSlashes Off: a %2F is
		// never a "/" a script or a path check would take for a
		// separator.
		for _, p := range []string{"sub/env.pl/a%2Fb", "sub/env.pl/a%2fb", "sub%2Fenv.pl", "sub/env.pl/%2F"} {
			if resp, body := mustGet(t, s.url(p)); resp.StatusCode != http.StatusNotFound {
				t.Errorf("%s: status %d, body %q; want 404", p, resp.StatusCode, body)
			}
		}
		n := 0
		for _, e := range s.hook.AllEntries() {
			if reason, _ := e.Data["reason"].(string); strings.Contains(reason, "encoded slash (%2F)") {
				n++
			}
		}
		if n < 4 {
			t.Errorf("%d requests logged with the encoded slash as their reason, want 4", n)
		}
		env := mustEnv(t, newRequest(t, "GET", s.url("sub/env.pl/a%2Cb%252F"), nil))
		if env["PATH_INFO"] != "/a,b%2F" {
			t.Errorf("PATH_INFO = %q, want /a,b%%2F (other escapes decoded as before)", env["PATH_INFO"])
		}
	})
	t.Run("backslash is an ordinary character", func(t *testing.T) {
		// As in Apache on Linux: git allows a file named back\slash.txt
		// and cgit links to it as .../plain/back%5Cslash.txt.
		env := mustEnv(t, newRequest(t, "GET", s.url("sub/env.pl/plain/back%5Cslash.txt"), nil))
		if env["PATH_INFO"] != "/plain/back\\slash.txt" {
			t.Errorf("PATH_INFO = %q, want /plain/back\\slash.txt", env["PATH_INFO"])
		}
		src, err := os.ReadFile(filepath.Join(s.dir, "sub", "env.pl"))
		if err != nil {
			t.Fatal(err)
		}
		mustWriteFile(t, filepath.Join(s.dir, "sub", `back\slash.pl`), string(src), 0o755)
		env = mustEnv(t, newRequest(t, "GET", s.url("sub/back%5Cslash.pl/x"), nil))
		if env["SCRIPT_NAME"] != "/cgi-bin/sub/back\\slash.pl" || env["PATH_INFO"] != "/x" {
			t.Errorf("SCRIPT_NAME = %q, PATH_INFO = %q: want the script named back\\slash.pl", env["SCRIPT_NAME"], env["PATH_INFO"])
		}
	})
	t.Run("trailing slash kept in path info", func(t *testing.T) {
		env := mustEnv(t, newRequest(t, "GET", s.url("sub/env.pl/dir/"), nil))
		if env["PATH_INFO"] != "/dir/" {
			t.Errorf("PATH_INFO = %q, want %q", env["PATH_INFO"], "/dir/")
		}
	})
	t.Run("working directory is the script's", func(t *testing.T) {
		// C20: touch.sh writes "ran" into its working directory.
		resp, body := mustGet(t, s.url("touch.sh"))
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("touch.sh: status %d, body %q", resp.StatusCode, body)
		}
		if !fileExists(filepath.Join(s.dir, "ran")) {
			t.Errorf("touch.sh did not run in %s", s.dir)
		}
	})
}

// metaVars is every variable a script may see without configuration (C4):
// RFC 3875 §4.1, Apache's extras and PATH. HTTP_* are checked apart.
var metaVars = map[string]bool{
	"PATH": true, "GATEWAY_INTERFACE": true, "SERVER_SOFTWARE": true, "SERVER_NAME": true,
	"SERVER_PORT": true, "SERVER_PROTOCOL": true, "SERVER_ADDR": true, "REQUEST_METHOD": true,
	"REQUEST_URI": true, "REQUEST_SCHEME": true, "QUERY_STRING": true, "SCRIPT_NAME": true,
	"SCRIPT_FILENAME": true, "PATH_INFO": true, "PATH_TRANSLATED": true, "DOCUMENT_ROOT": true,
	"REMOTE_ADDR": true, "REMOTE_PORT": true, "CONTENT_TYPE": true, "CONTENT_LENGTH": true,
	"HTTPS": true, "AUTH_TYPE": true, "REMOTE_USER": true,
	"CONTEXT_PREFIX": true, "CONTEXT_DOCUMENT_ROOT": true,
}

// TestCGI_MetaVariables guards C4: every meta-variable of the contract with
// the value RFC 3875 §4.1 gives it, and nothing from the gateway's own
// environment (the test sets a marker variable that must not leak). Not
// parallel: it uses t.Setenv.
func TestCGI_MetaVariables(t *testing.T) {
	t.Setenv("MENSHEN_LEAK_MARKER", "gateway-env-leaked")
	s := newCGISite(t, nil)
	_, port, _ := net.SplitHostPort(s.addr())

	req := newRequest(t, "POST", s.url("env.pl/x/y?q=a%20b"), strings.NewReader("a=1&b"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-Custom-Thing", "v1")
	req.Header.Add("Cookie", "a=1")
	req.Header.Add("Cookie", "b=2")
	req.Header.Set("Accept", "text/plain")
	env := mustEnv(t, req)

	want := map[string]string{
		"PATH":                  cgi.DefaultPath,
		"GATEWAY_INTERFACE":     "CGI/1.1",
		"SERVER_SOFTWARE":       "menshen/" + Version,
		"SERVER_NAME":           "127.0.0.1",
		"SERVER_PORT":           port,
		"SERVER_PROTOCOL":       "HTTP/1.1",
		"SERVER_ADDR":           "127.0.0.1",
		"REQUEST_METHOD":        "POST",
		"REQUEST_URI":           "/cgi-bin/env.pl/x/y?q=a%20b",
		"REQUEST_SCHEME":        "http",
		"QUERY_STRING":          "q=a%20b",
		"SCRIPT_NAME":           "/cgi-bin/env.pl",
		"SCRIPT_FILENAME":       filepath.Join(s.dir, "env.pl"),
		"PATH_INFO":             "/x/y",
		"PATH_TRANSLATED":       s.dir + "/x/y",
		"DOCUMENT_ROOT":         s.dir,
		"CONTEXT_PREFIX":        "/cgi-bin/",
		"CONTEXT_DOCUMENT_ROOT": s.dir + "/",
		"REMOTE_ADDR":           "127.0.0.1",
		"CONTENT_TYPE":          "application/x-www-form-urlencoded",
		"CONTENT_LENGTH":        "5",
		"HTTP_HOST":             s.addr(),
		"HTTP_X_CUSTOM_THING":   "v1",
		"HTTP_ACCEPT":           "text/plain",
		"HTTP_COOKIE":           "a=1; b=2",
	}
	checkEnv(t, "", env, want)
	if !filepath.IsAbs(env["SCRIPT_FILENAME"]) {
		t.Errorf("SCRIPT_FILENAME = %q, want an absolute path", env["SCRIPT_FILENAME"])
	}
	if p, err := strconv.Atoi(env["REMOTE_PORT"]); err != nil || p <= 0 {
		t.Errorf("REMOTE_PORT = %q, want a port number", env["REMOTE_PORT"])
	}
	for _, k := range []string{"HTTPS", "HTTP_CONTENT_TYPE", "HTTP_CONTENT_LENGTH"} {
		if v, ok := env[k]; ok {
			t.Errorf("%s = %q, want it unset", k, v)
		}
	}
	for k, v := range env {
		if !metaVars[k] && !strings.HasPrefix(k, "HTTP_") {
			t.Errorf("unexpected variable %s=%q: the gateway's environment leaks (C4)", k, v)
		}
		if strings.Contains(v, "gateway-env-leaked") || k == "MENSHEN_LEAK_MARKER" {
			t.Errorf("gateway environment leaked: %s=%q", k, v)
		}
	}

	t.Run("GET has no CONTENT_LENGTH or CONTENT_TYPE", func(t *testing.T) {
		req := newRequest(t, "GET", s.url("env.pl"), nil)
		req.Header.Set("Content-Type", "text/plain")
		env := mustEnv(t, req)
		for _, k := range []string{"CONTENT_LENGTH", "CONTENT_TYPE"} {
			if v, ok := env[k]; ok {
				t.Errorf("%s = %q on a GET without body, want it unset", k, v)
			}
		}
	})
	t.Run("query string is not argv", func(t *testing.T) {
		// CVE-2012-1823: "?-s" must not become an argument. env.pl would
		// print nothing different, so ask a shell script for "$@".
		mustWriteFile(t, filepath.Join(s.dir, "argv.sh"), "#!/bin/sh\nprintf 'Content-Type: text/plain\\n\\nargc=%d\\n' $#\n", 0o755)
		resp, body := mustGet(t, s.url("argv.sh?-s+-d+foo"))
		if resp.StatusCode != 200 || string(body) != "argc=0\n" {
			t.Errorf("argv.sh?-s: %d %q, want 200 \"argc=0\\n\"", resp.StatusCode, body)
		}
	})
}

// TestCGI_MetaVariablesUnderTLS guards C4: HTTPS=on and REQUEST_SCHEME=https
// under TLS.
func TestCGI_MetaVariablesUnderTLS(t *testing.T) {
	t.Parallel()
	log, _ := test.NewNullLogger()
	pids := pidHook{newPidSet()}
	log.AddHook(pids)
	g, err := New(Config{Scripts: mustCopyTestdata(t, "cgi"), Logger: log, Timeout: 10 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewUnstartedServer(g)
	srv.StartTLS()
	t.Cleanup(func() {
		srv.Close()
		g.Close()
		mustNoLeak(t, pids.all()...)
	})
	resp, err := srv.Client().Get(srv.URL + "/cgi-bin/env.pl")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	env := parseEnv(body)
	_, port, _ := net.SplitHostPort(srv.Listener.Addr().String())
	for k, v := range map[string]string{"HTTPS": "on", "REQUEST_SCHEME": "https", "SERVER_PORT": port} {
		if env[k] != v {
			t.Errorf("%s = %q, want %q", k, env[k], v)
		}
	}
}

// TestEnvDropsProxyHeader guards C4 against httpoxy (CVE-2016-5385 and kin):
// a "Proxy:" request header never becomes HTTP_PROXY, which CGI libraries
// would take as their outgoing proxy.
func TestEnvDropsProxyHeader(t *testing.T) {
	t.Parallel()
	s := newCGISite(t, nil)
	req := newRequest(t, "GET", s.url("env.pl"), nil)
	req.Header.Set("Proxy", "http://evil.example:3128")
	env := mustEnv(t, req)
	for k, v := range env {
		if k == "HTTP_PROXY" || strings.Contains(v, "evil.example") {
			t.Errorf("%s=%q reached the script (httpoxy)", k, v)
		}
	}
}

// TestEnvDropsUnderscoreHeaders guards C4: a header named with "_" ("X_User")
// is dropped, so it cannot pose as the X-User a front proxy set (Apache
// util_script.c; CVE-2016-1000104-style spoofing). Sent raw: clients may
// refuse or rewrite such names.
func TestEnvDropsUnderscoreHeaders(t *testing.T) {
	t.Parallel()
	s := newCGISite(t, nil)
	for _, order := range []string{"spoof first", "spoof last"} {
		t.Run(order, func(t *testing.T) {
			hdr := "X-User: alice\r\nX_User: mallory\r\n"
			if order == "spoof last" {
				hdr = "X_User: mallory\r\nX-User: alice\r\n"
			}
			resp, body := mustRawResponse(t, s.addr(), "GET /cgi-bin/env.pl HTTP/1.1\r\nHost: x\r\n"+hdr+"Connection: close\r\n\r\n")
			if resp.StatusCode != 200 {
				t.Fatalf("status %d, body %q", resp.StatusCode, body)
			}
			env := parseEnv(body)
			if env["HTTP_X_USER"] != "alice" {
				t.Errorf("HTTP_X_USER = %q, want %q", env["HTTP_X_USER"], "alice")
			}
			if strings.Contains(string(body), "mallory") {
				t.Errorf("X_User header reached the script: %q", body)
			}
		})
	}
}

// TestEnv_HostAndContentTypeAsApache guards C4 where a header line is
// empty, repeated or replaced: HTTP_HOST and CONTENT_TYPE as Apache's
// mod_cgid gives them (checked against Apache 2.4). An empty line is an
// empty variable; no line, none; an absolute-form target's authority,
// lower case, stands in for the Host line when there is one, and there
// is no HTTP_HOST without one (SERVER_NAME is the target's either way);
// repeated Content-Type lines are joined by ", ".
func TestEnv_HostAndContentTypeAsApache(t *testing.T) {
	t.Parallel()
	s := newCGISite(t, nil)
	const none = "\x00none" // (no such variable)
	for _, c := range []struct {
		name, req string
		want      map[string]string
	}{
		{"host as sent", "GET /cgi-bin/env.pl HTTP/1.1\r\nHost: H.Example:80\r\nConnection: close\r\n\r\n",
			map[string]string{"HTTP_HOST": "H.Example:80", "SERVER_NAME": "h.example", "SERVER_PORT": "80"}},
		{"empty host line", "GET /cgi-bin/env.pl HTTP/1.0\r\nHost:\r\n\r\n",
			map[string]string{"HTTP_HOST": ""}},
		{"no host line", "GET /cgi-bin/env.pl HTTP/1.0\r\n\r\n",
			map[string]string{"HTTP_HOST": none}},
		{"absolute target without a host line", "GET http://A.Example:8080/cgi-bin/env.pl HTTP/1.0\r\n\r\n",
			map[string]string{"HTTP_HOST": none, "SERVER_NAME": "a.example", "SERVER_PORT": "8080"}},
		{"absolute target beside a host line", "GET http://A.Example:8080/cgi-bin/env.pl HTTP/1.1\r\nHost: h.example:99\r\nConnection: close\r\n\r\n",
			map[string]string{"HTTP_HOST": "a.example:8080", "SERVER_NAME": "a.example", "SERVER_PORT": "8080"}},
		{"empty content type", "POST /cgi-bin/env.pl HTTP/1.0\r\nContent-Type:\r\nContent-Length: 1\r\n\r\nx",
			map[string]string{"CONTENT_TYPE": "", "CONTENT_LENGTH": "1"}},
		{"repeated content type", "POST /cgi-bin/env.pl HTTP/1.0\r\nContent-Type: text/plain\r\nContent-Type: text/html\r\nContent-Length: 1\r\n\r\nx",
			map[string]string{"CONTENT_TYPE": "text/plain, text/html"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			resp, body := mustRawResponse(t, s.addr(), c.req)
			if resp.StatusCode != 200 {
				t.Fatalf("status %d, body %q", resp.StatusCode, body)
			}
			env := parseEnv(body)
			for k, want := range c.want {
				got, ok := env[k]
				switch {
				case want == none && ok:
					t.Errorf("%s = %q, want none", k, got)
				case want != none && (!ok || got != want):
					t.Errorf("%s = %q (set: %v), want %q", k, got, ok, want)
				}
			}
		})
	}
}

// TestEnvDropsShellshockValues guards C4 against CVE-2014-6271: a header
// value that bash would import as a function never reaches the script.
func TestEnvDropsShellshockValues(t *testing.T) {
	t.Parallel()
	s := newCGISite(t, nil)
	req := newRequest(t, "GET", s.url("env.pl"), nil)
	req.Header.Set("User-Agent", "() { :; }; echo pwned")
	env := mustEnv(t, req)
	if v, ok := env["HTTP_USER_AGENT"]; ok {
		t.Errorf("HTTP_USER_AGENT = %q reached the script (Shellshock)", v)
	}
}

// TestEnvAuthorizationOnlyWhenConfigured guards C4: Authorization holds
// credentials and reaches scripts only with PassAuth (Apache CGIPassAuth);
// Proxy-Authorization never does.
func TestEnvAuthorizationOnlyWhenConfigured(t *testing.T) {
	t.Parallel()
	for _, pass := range []bool{false, true} {
		t.Run(fmt.Sprintf("PassAuth=%v", pass), func(t *testing.T) {
			t.Parallel()
			s := newCGISite(t, func(c *Config) { c.PassAuth = pass })
			req := newRequest(t, "GET", s.url("env.pl"), nil)
			req.SetBasicAuth("user", "secret")
			req.Header.Set("Proxy-Authorization", "Basic cHJveHk6c2VjcmV0")
			env := mustEnv(t, req)
			got, ok := env["HTTP_AUTHORIZATION"]
			if ok != pass {
				t.Errorf("HTTP_AUTHORIZATION set = %v (%q), want %v", ok, got, pass)
			}
			if pass && got != req.Header.Get("Authorization") {
				t.Errorf("HTTP_AUTHORIZATION = %q, want %q", got, req.Header.Get("Authorization"))
			}
			if v, ok := env["HTTP_PROXY_AUTHORIZATION"]; ok {
				t.Errorf("HTTP_PROXY_AUTHORIZATION = %q reached the script", v)
			}
		})
	}
}

// TestCGI_ConfiguredEnvironment guards C4 and §7: [env] of the config file
// reaches every script, a script's own env only that script, and PATH is
// configurable.
func TestCGI_ConfiguredEnvironment(t *testing.T) {
	t.Parallel()
	conf := filepath.Join(t.TempDir(), "menshen.toml")
	mustWriteFile(t, conf, `
[env]
GITWEB_CONFIG = "/etc/gitweb.conf"
SHARED = "global"

[script."env.pl"]
env = { REPORT_DB = "/srv/spc.db", SHARED = "per-script" }
`, 0o644)
	s := newCGISite(t, func(c *Config) { c.ConfigFile = conf; c.Path = "/opt/menshen/bin:/usr/bin:/bin" })

	env := mustEnv(t, newRequest(t, "GET", s.url("env.pl"), nil))
	for k, v := range map[string]string{
		"GITWEB_CONFIG": "/etc/gitweb.conf",
		"REPORT_DB":     "/srv/spc.db",
		"SHARED":        "per-script",
		"PATH":          "/opt/menshen/bin:/usr/bin:/bin",
	} {
		if env[k] != v {
			t.Errorf("env.pl: %s = %q, want %q", k, env[k], v)
		}
	}
	env = mustEnv(t, newRequest(t, "GET", s.url("sub/env.pl"), nil))
	if env["GITWEB_CONFIG"] != "/etc/gitweb.conf" || env["SHARED"] != "global" {
		t.Errorf("sub/env.pl: GITWEB_CONFIG=%q SHARED=%q, want the [env] values", env["GITWEB_CONFIG"], env["SHARED"])
	}
	if v, ok := env["REPORT_DB"]; ok {
		t.Errorf("sub/env.pl: REPORT_DB = %q: another script's env leaked", v)
	}
}

// TestCGI_BodyExactBytes guards C5: the script's stdin is exactly the body,
// binary-safe, with its CONTENT_LENGTH, whether kept in memory or spooled
// to a file (over 1 MiB).
func TestCGI_BodyExactBytes(t *testing.T) {
	t.Parallel()
	s := newCGISite(t, nil)
	every := make([]byte, 256)
	for i := range every {
		every[i] = byte(i)
	}
	for _, tc := range []struct {
		name string
		body []byte
	}{
		{"every byte value", bytes.Repeat(every, 3)},
		{"spooled over 1 MiB", bytes.Repeat(every, (2<<20)/256+3)},
		{"empty", []byte{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req := newRequest(t, "POST", s.url("echo.sh"), bytes.NewReader(tc.body))
			req.Header.Set("Content-Type", "application/octet-stream")
			resp, got := mustDo(t, req)
			if resp.StatusCode != 200 {
				t.Fatalf("status %d, body %q", resp.StatusCode, got)
			}
			if cl := resp.Header.Get("X-Content-Length"); cl != strconv.Itoa(len(tc.body)) {
				t.Errorf("CONTENT_LENGTH = %q, want %d", cl, len(tc.body))
			}
			if !bytes.Equal(got, tc.body) {
				t.Errorf("script read %d bytes (sha256 %x), want %d (sha256 %x)", len(got), sha256.Sum256(got), len(tc.body), sha256.Sum256(tc.body))
			}
		})
	}
}

// TestCGI_ChunkedBodyGetsContentLength guards C5: a chunked body (no
// Content-Length) is spooled and the script gets its length.
func TestCGI_ChunkedBodyGetsContentLength(t *testing.T) {
	t.Parallel()
	s := newCGISite(t, nil)
	resp, body := mustRawResponse(t, s.addr(), "POST /cgi-bin/echo.sh HTTP/1.1\r\nHost: x\r\n"+
		"Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n"+
		"5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n")
	if resp.StatusCode != 200 {
		t.Fatalf("status %d, body %q", resp.StatusCode, body)
	}
	if cl := resp.Header.Get("X-Content-Length"); cl != "11" {
		t.Errorf("CONTENT_LENGTH = %q, want 11", cl)
	}
	if string(body) != "hello world" {
		t.Errorf("script read %q, want %q", body, "hello world")
	}
}

// TestCGI_BodyOverMaxBodyRefusedBeforeStart guards C5: a body over MaxBody
// gets 413 and the script never starts (touch.sh would leave "ran"),
// whether Content-Length announces it or a chunked body grows past it.
func TestCGI_BodyOverMaxBodyRefusedBeforeStart(t *testing.T) {
	t.Parallel()
	s := newCGISite(t, func(c *Config) { c.MaxBody = 16 })
	marker := filepath.Join(s.dir, "ran")
	big := strings.Repeat("x", 100)
	for _, tc := range []struct{ name, req string }{
		{"content-length", "POST /cgi-bin/touch.sh HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\nConnection: close\r\n\r\n" + big},
		{"chunked", "POST /cgi-bin/touch.sh HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n" +
			"a\r\n0123456789\r\n5a\r\n" + big[:90] + "\r\n0\r\n\r\n"},
		{"chunked one byte over", "POST /cgi-bin/touch.sh HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n" +
			"11\r\n" + big[:17] + "\r\n0\r\n\r\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp, body := mustRawResponse(t, s.addr(), tc.req)
			if resp.StatusCode != http.StatusRequestEntityTooLarge {
				t.Errorf("status %d (body %q), want 413", resp.StatusCode, body)
			}
			if fileExists(marker) {
				t.Errorf("touch.sh ran although the body was over MaxBody")
			}
		})
	}
	t.Run("exactly MaxBody is served", func(t *testing.T) {
		resp, body := mustRawResponse(t, s.addr(), "POST /cgi-bin/touch.sh HTTP/1.1\r\nHost: x\r\nContent-Length: 16\r\nConnection: close\r\n\r\n"+big[:16])
		if resp.StatusCode != 200 {
			t.Errorf("status %d (body %q), want 200", resp.StatusCode, body)
		}
		if !fileExists(marker) {
			t.Errorf("touch.sh did not run for a body of exactly MaxBody")
		}
	})
}

// TestCGI_ResponseHeaderBlock guards C6 (RFC 3875 §6): Status, client
// redirects, "//host" not local, repeated headers, LF and CRLF endings, and
// the invalid responses: no Content-Type/Location/Status, a script
// Transfer-Encoding (response splitting, CVE-2024-24795); a script's
// Content-Length is not trusted for framing.
func TestCGI_ResponseHeaderBlock(t *testing.T) {
	t.Parallel()
	s := newCGISite(t, nil)
	for _, tc := range []struct {
		script  string
		status  int
		headers map[string][]string
		body    string // exact, when not ""
		notBody string // must not appear
	}{
		{script: "status.sh", status: 418, body: "teapot\n"},
		{script: "redirect-abs.sh", status: 302, headers: map[string][]string{"Location": {"http://example.com/elsewhere"}}},
		{script: "redirect-evil.sh", status: 302, headers: map[string][]string{"Location": {"//evil.example/x"}}},
		{script: "cookies.sh", status: 200, headers: map[string][]string{"Set-Cookie": {"a=1", "b=2"}}, body: "cookies\n"},
		{script: "crlf.sh", status: 200, headers: map[string][]string{"X-Crlf": {"yes"}, "X-Lf": {"yes"}, "Content-Type": {"text/plain"}}, body: "mixed\n"},
		{script: "cl-lie.sh", status: 200, body: "0123456789abcdefghij"},
		{script: "no-ctype.sh", status: 502, notBody: "body"},
		{script: "te.sh", status: 502, notBody: "hello"},
		{script: "not-modified.sh", status: 304, notBody: "must not"},
	} {
		t.Run(tc.script, func(t *testing.T) {
			resp, body := mustGet(t, s.url(tc.script))
			if resp.StatusCode != tc.status {
				t.Errorf("status %d, want %d (body %q)", resp.StatusCode, tc.status, body)
			}
			for k, want := range tc.headers {
				if got := resp.Header.Values(k); strings.Join(got, "|") != strings.Join(want, "|") {
					t.Errorf("header %s = %q, want %q", k, got, want)
				}
			}
			if tc.body != "" && string(body) != tc.body {
				t.Errorf("body %q, want %q", body, tc.body)
			}
			if tc.notBody != "" && strings.Contains(string(body), tc.notBody) {
				t.Errorf("body %q holds the script's output %q", body, tc.notBody)
			}
			if tc.script == "cl-lie.sh" && resp.ContentLength == 5 {
				t.Errorf("the script's Content-Length: 5 framed the response")
			}
			if tc.status < 500 {
				for _, e := range entriesWith(s.hook, "path", "/cgi-bin/"+tc.script) {
					if r, ok := e.Data["reason"]; ok {
						t.Errorf("a valid answer logged as a failure: %q", r)
					}
				}
			}
		})
	}
}

// TestCGI_LocalRedirectIsFreshGET guards C6 (RFC 3875 §6.2.2): a local
// Location is served as a new GET of that path: the target sees
// REQUEST_METHOD=GET, its own query and no body, and the client sees only
// the target's answer.
func TestCGI_LocalRedirectIsFreshGET(t *testing.T) {
	t.Parallel()
	s := newCGISite(t, nil)
	req := newRequest(t, "POST", s.url("redirect-local.sh?orig=1"), strings.NewReader("posted=body"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, body := mustDo(t, req)
	if resp.StatusCode != 200 {
		t.Fatalf("status %d, want 200 (body %q)", resp.StatusCode, body)
	}
	if loc := resp.Header.Get("Location"); loc != "" {
		t.Errorf("Location %q reached the client", loc)
	}
	if strings.Contains(string(body), "discarded") {
		t.Errorf("the redirecting script's body reached the client: %q", body)
	}
	env := parseEnv(body)
	for k, v := range map[string]string{
		"REQUEST_METHOD": "GET",
		"SCRIPT_NAME":    "/cgi-bin/env.pl",
		"QUERY_STRING":   "via=local",
		// The client's, as in Apache (util_script.c original_uri).
		"REQUEST_URI": "/cgi-bin/redirect-local.sh?orig=1",
	} {
		if env[k] != v {
			t.Errorf("target %s = %q, want %q", k, env[k], v)
		}
	}
	for _, k := range []string{"CONTENT_LENGTH", "CONTENT_TYPE"} {
		if v, ok := env[k]; ok {
			t.Errorf("target got %s = %q: the original body leaked into the GET", k, v)
		}
	}

	// Each process is counted (C40), under the script it ran: the
	// redirecting script's under it, the request once, under its target.
	// The redirecting script's spawn was lost: the exchange counted the
	// target alone.
	counts := map[string][2]int64{}
	for _, sc := range s.g.status().Scripts {
		m := sc.Modes[ModeCGI]
		counts[sc.Name] = [2]int64{m.Requests, m.Spawns}
	}
	if c := counts["redirect-local.sh"]; c[1] != 1 {
		t.Errorf("redirect-local.sh: %d requests, %d spawns in cgi mode; want its 1 process counted", c[0], c[1])
	}
	if c := counts["env.pl"]; c != [2]int64{1, 1} {
		t.Errorf("env.pl: %d requests, %d spawns in cgi mode; want 1 and 1", c[0], c[1])
	}

	t.Run("loop ends", func(t *testing.T) {
		mustWriteFile(t, filepath.Join(s.dir, "loop.sh"), "#!/bin/sh\nprintf 'Location: /cgi-bin/loop.sh\\n\\n'\n", 0o755)
		resp, body := mustGet(t, s.url("loop.sh"))
		if resp.StatusCode < 500 {
			t.Errorf("self-redirect: status %d (body %q), want a 5xx", resp.StatusCode, body)
		}
	})
	t.Run("to a missing script", func(t *testing.T) {
		mustWriteFile(t, filepath.Join(s.dir, "gone.sh"), "#!/bin/sh\nprintf 'Location: /cgi-bin/no-such.sh\\n\\n'\n", 0o755)
		resp, body := mustGet(t, s.url("gone.sh"))
		if resp.StatusCode != 404 {
			t.Errorf("redirect to a missing script: status %d (body %q), want 404", resp.StatusCode, body)
		}
	})
}

// TestCGI_StartWhileScriptOpenForWriting: a script held open for writing
// for a moment (a deploy writing it, a writer a loaded machine keeps off
// the CPU) cannot be exec'd (ETXTBSY); the start is tried again for up to
// 200 ms, not 75 ms as before, instead of failing the request with a 500.
func TestCGI_StartWhileScriptOpenForWriting(t *testing.T) {
	t.Parallel()
	s := newCGISite(t, nil)
	// Nothing changed in the last second: no editor's save to wait for
	// (settle.go), only the start's own tries.
	time.Sleep(1100 * time.Millisecond)
	if r := fetchWhileOpenForWriting(t, filepath.Join(s.dir, "hello.sh"), s.url("hello.sh"), 120*time.Millisecond); r.status != http.StatusOK {
		t.Errorf("%d %q %v, want the script's answer once the file is closed", r.status, r.body, r.err)
	}
}

// TestCGI_StalledBodyIs408: a chunked body that stops arriving gets 408
// once the read timeout has passed, as Apache answers it (it was a 400,
// which says the client sent something wrong), and no script runs.
func TestCGI_StalledBodyIs408(t *testing.T) {
	t.Parallel()
	s := newCGISite(t, nil)
	srv := s.g.newPublicServer()
	srv.ReadTimeout = time.Second
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(ln)
	defer srv.Close()
	conn := mustDial(t, ln.Addr().String())
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(10 * time.Second))
	io.WriteString(conn, "POST /cgi-bin/echo.sh HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nabc")
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusRequestTimeout {
		t.Errorf("status %d, want 408", resp.StatusCode)
	}
}

// keepAliveGet GETs /cgi-bin/rel on a connection of its own that asks
// for nothing about keep-alive, and reads the answer's header (10 s at
// most for the whole exchange); the caller reads the body.
func keepAliveGet(t *testing.T, s *cgiSite, rel string) (net.Conn, *bufio.Reader, *http.Response) {
	t.Helper()
	conn := mustDial(t, s.addr())
	t.Cleanup(func() { conn.Close() })
	if err := conn.SetDeadline(time.Now().Add(10 * time.Second)); err != nil {
		t.Fatal(err)
	}
	if _, err := io.WriteString(conn, "GET /cgi-bin/"+rel+" HTTP/1.1\r\nHost: x\r\n\r\n"); err != nil {
		t.Fatal(err)
	}
	br := bufio.NewReader(conn)
	resp, err := http.ReadResponse(br, nil)
	if err != nil {
		t.Fatal(err)
	}
	return conn, br, resp
}

// TestCGI_ScriptAsksToCloseTheConnection: a script's "Connection: close"
// closes the connection after its answer, as Apache honours it (it was
// dropped with the other hop-by-hop fields); its Keep-Alive is still
// dropped, and a script without it keeps the connection.
func TestCGI_ScriptAsksToCloseTheConnection(t *testing.T) {
	t.Parallel()
	s := newCGISite(t, nil)
	mustWriteFile(t, filepath.Join(s.dir, "bye.sh"), "#!/bin/sh\nprintf 'Content-Type: text/plain\\nConnection: Keep-Alive, Close\\nKeep-Alive: timeout=9\\n\\nbye\\n'\n", 0o755)
	for _, tc := range []struct {
		script string
		closed bool
	}{{"bye.sh", true}, {"hello.sh", false}} {
		conn, br, resp := keepAliveGet(t, s, tc.script)
		io.Copy(io.Discard, resp.Body)
		if resp.Close != tc.closed || resp.Header.Get("Keep-Alive") != "" {
			t.Errorf("%s: Connection %q, Keep-Alive %q; want close %v and no Keep-Alive", tc.script, resp.Header.Get("Connection"), resp.Header.Get("Keep-Alive"), tc.closed)
		}
		conn.SetReadDeadline(time.Now().Add(2 * time.Second))
		_, err := br.ReadByte()
		if gotClosed := err == io.EOF; gotClosed != tc.closed {
			t.Errorf("%s: connection closed %v (read: %v), want %v", tc.script, gotClosed, err, tc.closed)
		}
	}
}

// TestCGI_LocalRedirectCarriesHeaders guards C6 as Apache serves it: the
// headers of a script that redirects locally (a login page's Set-Cookie)
// are added to the final answer before the target's own (Apache sends its
// err_headers_out first), whatever its status (the target's page, a 404,
// a 502), repeated ones kept repeated; the
// fields that describe the redirecting answer itself and the hop-by-hop
// ones are not carried.
func TestCGI_LocalRedirectCarriesHeaders(t *testing.T) {
	t.Parallel()
	s := newCGISite(t, nil)
	mustWriteFile(t, filepath.Join(s.dir, "chain.sh"), "#!/bin/sh\nprintf 'Set-Cookie: first=1\\nX-Lost: first\\nLocation: /cgi-bin/redirect-carry.sh?cookies.sh\\n\\n'\n", 0o755)
	notCarried := []string{"Last-Modified", "Etag", "Content-Range", "Keep-Alive", "Content-Encoding", "Content-Language"}
	for _, tc := range []struct {
		name, path  string
		status      int
		cookies     string // Set-Cookie values, in order, joined with "|"
		lost, ctype string
	}{
		{"target answers", "redirect-carry.sh?cookies.sh", 200, "login=1|theme=dark|a=1|b=2", "yes", "text/plain"},
		{"target missing", "redirect-carry.sh?no-such.sh", 404, "login=1|theme=dark", "yes", "text/plain; charset=utf-8"},
		{"target malformed", "redirect-carry.sh?malformed.sh", 502, "login=1|theme=dark", "yes", "text/plain; charset=utf-8"},
		{"chain", "chain.sh", 200, "first=1|login=1|theme=dark|a=1|b=2", "first|yes", "text/plain"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			// Keep-alive, so that a carried "Connection: close" would show.
			_, _, resp := keepAliveGet(t, s, tc.path)
			body, err := io.ReadAll(resp.Body)
			if err != nil {
				t.Fatal(err)
			}
			if resp.StatusCode != tc.status {
				t.Errorf("status %d, want %d (body %q)", resp.StatusCode, tc.status, body)
			}
			if got := strings.Join(resp.Header.Values("Set-Cookie"), "|"); got != tc.cookies {
				t.Errorf("Set-Cookie %q, want %q", got, tc.cookies)
			}
			if got := strings.Join(resp.Header.Values("X-Lost"), "|"); got != tc.lost {
				t.Errorf("X-Lost %q, want %q", got, tc.lost)
			}
			if got := strings.Join(resp.Header.Values("Content-Type"), "|"); got != tc.ctype {
				t.Errorf("Content-Type %q, want %q (the redirecting script's text/html does not carry)", got, tc.ctype)
			}
			for _, k := range notCarried {
				if v, ok := resp.Header[k]; ok {
					t.Errorf("%s %q carried to the final answer", k, v)
				}
			}
			if resp.Close || resp.Header.Get("Connection") != "" {
				t.Errorf("Connection %q (close %v): the script's hop-by-hop header was carried", resp.Header.Get("Connection"), resp.Close)
			}
			if strings.Contains(string(body), "discarded") {
				t.Errorf("the redirecting script's body reached the client: %q", body)
			}
		})
	}
}

// TestCGI_LocalRedirectTargetEnv guards C4 and C6 as Apache serves a local
// redirect: the target gets the client's REQUEST_URI, a REDIRECT_ copy of
// every variable the redirecting script got (REDIRECT_REDIRECT_ through a
// chain), REDIRECT_STATUS=200 and REDIRECT_URL; copies of configured [env]
// variables too, and never anything C4 keeps from scripts (no HTTP_PROXY,
// under any prefix).
func TestCGI_LocalRedirectTargetEnv(t *testing.T) {
	t.Parallel()
	conf := filepath.Join(t.TempDir(), "menshen.toml")
	mustWriteFile(t, conf, "[env]\nSITE_NAME = \"menshen test\"\n", 0o644)
	s := newCGISite(t, func(c *Config) { c.ConfigFile = conf })
	req := newRequest(t, "POST", s.url("redirect-carry.sh/p%20i?env.pl"), strings.NewReader("posted=body"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-Custom", "v1")
	req.Header.Set("Proxy", "http://evil.example:3128")
	env := mustEnv(t, req)
	checkEnv(t, "target ", env, map[string]string{
		"REQUEST_METHOD":             "GET",
		"REQUEST_URI":                "/cgi-bin/redirect-carry.sh/p%20i?env.pl",
		"SCRIPT_NAME":                "/cgi-bin/env.pl",
		"QUERY_STRING":               "",
		"SITE_NAME":                  "menshen test",
		"REDIRECT_STATUS":            "200",
		"REDIRECT_URL":               "/cgi-bin/redirect-carry.sh/p i",
		"REDIRECT_QUERY_STRING":      "env.pl",
		"REDIRECT_REQUEST_METHOD":    "POST",
		"REDIRECT_REQUEST_URI":       "/cgi-bin/redirect-carry.sh/p%20i?env.pl",
		"REDIRECT_SCRIPT_NAME":       "/cgi-bin/redirect-carry.sh",
		"REDIRECT_SCRIPT_FILENAME":   filepath.Join(s.dir, "redirect-carry.sh"),
		"REDIRECT_PATH_INFO":         "/p i",
		"REDIRECT_CONTENT_LENGTH":    "11",
		"REDIRECT_CONTENT_TYPE":      "application/x-www-form-urlencoded",
		"REDIRECT_HTTP_HOST":         s.addr(),
		"REDIRECT_HTTP_X_CUSTOM":     "v1",
		"REDIRECT_SITE_NAME":         "menshen test",
		"REDIRECT_PATH":              cgi.DefaultPath,
		"REDIRECT_GATEWAY_INTERFACE": "CGI/1.1",
	})
	for k, v := range env {
		if strings.HasSuffix(k, "HTTP_PROXY") || strings.Contains(v, "evil.example") {
			t.Errorf("%s=%q reached the target (httpoxy, C4)", k, v)
		}
		if strings.HasPrefix(k, "REDIRECT_") && !strings.HasPrefix(k, "REDIRECT_HTTP_") {
			if base := strings.TrimPrefix(k, "REDIRECT_"); !metaVars[base] && base != "SITE_NAME" && base != "STATUS" && base != "URL" {
				t.Errorf("unexpected variable %s=%q: not a copy of the redirecting script's", k, v)
			}
		}
	}

	t.Run("chain", func(t *testing.T) {
		mustWriteFile(t, filepath.Join(s.dir, "chain.sh"), "#!/bin/sh\nprintf 'Location: /cgi-bin/redirect-carry.sh?env.pl\\n\\n'\n", 0o755)
		env := mustEnv(t, newRequest(t, "GET", s.url("chain.sh?c=1"), nil))
		checkEnv(t, "target ", env, map[string]string{
			"REQUEST_URI":                      "/cgi-bin/chain.sh?c=1",
			"REDIRECT_URL":                     "/cgi-bin/redirect-carry.sh",
			"REDIRECT_QUERY_STRING":            "env.pl",
			"REDIRECT_SCRIPT_NAME":             "/cgi-bin/redirect-carry.sh",
			"REDIRECT_REQUEST_URI":             "/cgi-bin/chain.sh?c=1",
			"REDIRECT_STATUS":                  "200",
			"REDIRECT_REDIRECT_STATUS":         "200",
			"REDIRECT_REDIRECT_URL":            "/cgi-bin/chain.sh",
			"REDIRECT_REDIRECT_QUERY_STRING":   "c=1",
			"REDIRECT_REDIRECT_SCRIPT_NAME":    "/cgi-bin/chain.sh",
			"REDIRECT_REDIRECT_REQUEST_METHOD": "GET",
		})
	})
	t.Run("client request has none", func(t *testing.T) {
		env := mustEnv(t, newRequest(t, "GET", s.url("env.pl"), nil))
		for k, v := range env {
			if strings.HasPrefix(k, "REDIRECT_") {
				t.Errorf("%s=%q set for a request from a client", k, v)
			}
		}
	})
}

// TestCGI_NPHPassthrough guards C7: an nph- script's output is the response,
// byte for byte: status line and headers exactly as written.
func TestCGI_NPHPassthrough(t *testing.T) {
	t.Parallel()
	s := newCGISite(t, nil)
	want, err := exec.Command("sh", filepath.Join(s.dir, "nph-raw.sh")).Output()
	if err != nil {
		t.Fatal(err)
	}
	got := mustRaw(t, s.addr(), "GET /cgi-bin/nph-raw.sh HTTP/1.1\r\nHost: x\r\n\r\n")
	if !bytes.Equal(got, want) {
		t.Errorf("nph response:\n got %q\nwant %q", got, want)
	}
}

// TestCGI_NPHSilentIs502InHTTP11 guards C10 for an NPH script that
// writes nothing: a 502 of the gateway's, whose status line says
// HTTP/1.1 to an HTTP/1.0 client too, as every answer of the gateway's
// (it said HTTP/1.0 there, found by a response audit against Apache).
func TestCGI_NPHSilentIs502InHTTP11(t *testing.T) {
	t.Parallel()
	s := newCGISite(t, nil)
	mustWriteFile(t, filepath.Join(s.dir, "nph-silent.sh"), "#!/bin/sh\nexit 0\n", 0o755)
	for _, proto := range []string{"HTTP/1.0", "HTTP/1.1"} {
		got := mustRaw(t, s.addr(), "GET /cgi-bin/nph-silent.sh "+proto+"\r\nHost: x\r\n\r\n")
		if line, _, _ := bytes.Cut(got, []byte("\r\n")); string(line) != "HTTP/1.1 502 Bad Gateway" {
			t.Errorf("%s: status line %q, want %q", proto, line, "HTTP/1.1 502 Bad Gateway")
		}
	}
}

// TestCGI_NPHStreams guards C8 for NPH scripts (C7): what the script
// wrote reaches the client while it still runs, not when it exits.
func TestCGI_NPHStreams(t *testing.T) {
	t.Parallel()
	s := newCGISite(t, nil)
	conn := mustDial(t, s.addr())
	defer conn.Close()
	start := time.Now()
	if _, err := io.WriteString(conn, "GET /cgi-bin/nph-stream.sh HTTP/1.1\r\nHost: x\r\n\r\n"); err != nil {
		t.Fatal(err)
	}
	br := bufio.NewReader(conn)
	var got []string
	for {
		line, err := br.ReadString('\n')
		if err != nil {
			t.Fatalf("after %q: %v", got, err)
		}
		got = append(got, line)
		if line == "first\n" {
			break
		}
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("first part after %v: held back until the script ended", d)
	}
	rest, _ := io.ReadAll(br)
	if string(rest) != "second\n" {
		t.Errorf("rest %q, want the second part", rest)
	}
}

// TestCGI_NPHClientDisconnectKillsGroup guards C10 for NPH scripts: the
// connection is the script's once taken over, and a client that goes away
// still gets the script's whole group killed within 1 s.
func TestCGI_NPHClientDisconnectKillsGroup(t *testing.T) {
	t.Parallel()
	s := newCGISite(t, nil)
	conn := mustDial(t, s.addr())
	if _, err := io.WriteString(conn, "GET /cgi-bin/nph-sleeper.sh HTTP/1.1\r\nHost: x\r\n\r\n"); err != nil {
		t.Fatal(err)
	}
	pids := mustReadPids(t, filepath.Join(s.dir, "pids"), 5*time.Second)
	conn.Close()
	if !waitGone(time.Second, pids...) {
		t.Errorf("processes %v still alive 1s after the client went away", pids)
	}
	if !waitFor(2*time.Second, func() bool { return len(entriesWith(s.hook, "path", "/cgi-bin/nph-sleeper.sh")) > 0 }) {
		t.Fatalf("disconnect not logged; entries %v", messages(s.hook))
	}
	mustReasonSays(t, s.hook, "/cgi-bin/nph-sleeper.sh", "client went away")
}

// TestContextErr: the reason of a request its context ended names the
// cause, then what failed; with nothing failed, the cause alone (it was
// "cause (<nil>)" for an NPH script whose output had ended).
func TestContextErr(t *testing.T) {
	ctx, cancel := context.WithCancelCause(context.Background())
	failed := errors.New("read stdout: i/o timeout")
	if err := contextErr(ctx, failed); err != failed {
		t.Errorf("live context: %v, want the error itself", err)
	}
	cancel(ErrClientGone)
	for _, tc := range []struct {
		err  error
		want string
	}{
		{nil, "gateway: client went away"},
		{failed, "gateway: client went away (read stdout: i/o timeout)"},
		{fmt.Errorf("x: %w", ErrClientGone), "x: gateway: client went away"},
		// The read the client's going cut at its deadline (cgi mode),
		// and a FastCGI worker's read the context ended, say nothing
		// more: "(read stdout-r: i/o timeout)", "(worker 7: context
		// canceled)" were logged.
		{&fs.PathError{Op: "read", Path: "stdout-r", Err: os.ErrDeadlineExceeded}, "gateway: client went away"},
		{fmt.Errorf("worker 7: %w", context.Canceled), "gateway: client went away"},
	} {
		got := contextErr(ctx, tc.err)
		if got == nil || got.Error() != tc.want || !errors.Is(got, ErrClientGone) {
			t.Errorf("contextErr(%v) = %v, want %q", tc.err, got, tc.want)
		}
	}
	// The timeout: a read it cut at its deadline adds nothing to the
	// cause ("ran past its timeout (1m0s, ...) (read stdout-r: i/o
	// timeout)" was logged); one wrapped with more to say keeps it.
	tctx, tcancel := context.WithCancelCause(context.Background())
	tcancel(timeoutError{time.Minute})
	cut := &fs.PathError{Op: "read", Path: "stdout-r", Err: os.ErrDeadlineExceeded}
	for _, tc := range []struct {
		err  error
		want string
	}{
		{cut, timeoutError{time.Minute}.Error()},
		{&net.OpError{Op: "read", Net: "unix", Err: os.ErrDeadlineExceeded}, timeoutError{time.Minute}.Error()},
		{fmt.Errorf("%w; a process it started still held its output open", cut), timeoutError{time.Minute}.Error() + " (read stdout-r: i/o timeout; a process it started still held its output open)"},
		{failed, timeoutError{time.Minute}.Error() + " (read stdout: i/o timeout)"},
		{context.Canceled, timeoutError{time.Minute}.Error()},
		{fmt.Errorf("worker 7: %w", context.Canceled), timeoutError{time.Minute}.Error()},
	} {
		got := contextErr(tctx, tc.err)
		if got == nil || got.Error() != tc.want || !errors.Is(got, context.DeadlineExceeded) {
			t.Errorf("contextErr(%v) = %v, want %q", tc.err, got, tc.want)
		}
	}
}

// TestCGI_NPHTimeout guards C10 for NPH scripts: one that wrote nothing
// by its timeout gets the client a 504 and its group killed, with the
// reason logged; one that wrote nothing at all is a 502.
func TestCGI_NPHTimeout(t *testing.T) {
	t.Parallel()
	s := newCGISite(t, func(c *Config) { c.Timeout = time.Second })
	resp, body := mustGet(t, s.url("nph-sleeper.sh"))
	if resp.StatusCode != http.StatusGatewayTimeout {
		t.Errorf("status %d (body %q), want 504", resp.StatusCode, body)
	}
	pids := mustReadPids(t, filepath.Join(s.dir, "pids"), time.Second)
	if !waitGone(time.Second, pids...) {
		t.Errorf("processes %v still alive after the timeout", pids)
	}
	mustLoggedReason(t, s.hook, "/cgi-bin/nph-sleeper.sh", http.StatusGatewayTimeout)
	mustReasonSays(t, s.hook, "/cgi-bin/nph-sleeper.sh", "ran past its timeout (1s")

	if err := os.WriteFile(filepath.Join(s.dir, "nph-mute.sh"), []byte("#!/bin/sh\nexit 3\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	resp, body = mustGet(t, s.url("nph-mute.sh"))
	if resp.StatusCode != http.StatusBadGateway {
		t.Errorf("nph-mute.sh: status %d (body %q), want 502", resp.StatusCode, body)
	}
	mustLoggedReason(t, s.hook, "/cgi-bin/nph-mute.sh", http.StatusBadGateway)
}

// TestCGI_StreamsOutput guards C8: what the script has flushed reaches the
// client while it still runs (stream.sh sleeps 2 s between two lines).
func TestCGI_StreamsOutput(t *testing.T) {
	t.Parallel()
	s := newCGISite(t, nil)
	start := time.Now()
	resp, err := noRedirectClient.Get(s.url("stream.sh"))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	br := bufio.NewReader(resp.Body)
	line, err := br.ReadString('\n')
	if err != nil || line != "first\n" {
		t.Fatalf("first line %q, %v", line, err)
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("first line arrived after %v, want within 1s (output buffered?)", d)
	}
	rest, err := io.ReadAll(br)
	if err != nil || string(rest) != "second\n" {
		t.Errorf("rest %q, %v; want %q", rest, err, "second\n")
	}
}

// TestCGI_ReadyAtTheEndOfOutput: stream flushes what it read only when
// the script's execution says nothing more is waiting (ready): a script
// that printed its answer and ended its output must say so, or its answer
// costs the client two writes (the body, then the end of the chunked
// framing after the process is reaped), as every CGI answer did while
// ready asked for an *os.File the cgi package no longer gives. One that
// paused must not.
func TestCGI_ReadyAtTheEndOfOutput(t *testing.T) {
	dir := mustCopyTestdata(t, "cgi")
	for _, tc := range []struct {
		script string
		ready  bool
	}{
		{"quick.sh", true},
		{"stream.sh", false},
	} {
		p, err := cgi.Start(context.Background(), &cgi.Cmd{Path: filepath.Join(dir, tc.script), Dir: dir})
		if err != nil {
			t.Fatal(err)
		}
		e := &cgiExec{p: p, release: func() {}, errLog: &stderrLog{}}
		br := bufio.NewReader(e.stdout())
		if _, err := cgi.ReadResponse(br); err != nil {
			t.Fatalf("%s: %v", tc.script, err)
		}
		if _, err := br.ReadString('\n'); err != nil {
			t.Fatalf("%s: %v", tc.script, err)
		}
		ready := false
		for end := time.Now().Add(300 * time.Millisecond); !ready && time.Now().Before(end); time.Sleep(5 * time.Millisecond) {
			ready = e.ready()
		}
		if ready != tc.ready {
			t.Errorf("%s: ready() = %v after its first line, want %v", tc.script, ready, tc.ready)
		}
		e.finish(true)
	}
}

// TestCGI_StderrIsLoggedNotSent guards C9: stderr lines are logged with the
// script and its pid, and never reach the client.
func TestCGI_StderrIsLoggedNotSent(t *testing.T) {
	t.Parallel()
	s := newCGISite(t, nil)
	resp, body := mustGet(t, s.url("stderr.sh"))
	if resp.StatusCode != 200 || string(body) != "body only\n" {
		t.Errorf("got %d %q, want 200 %q", resp.StatusCode, body, "body only\n")
	}
	var found *logrus.Entry
	waitFor(2*time.Second, func() bool {
		for _, e := range s.hook.AllEntries() {
			if strings.Contains(e.Message, "secret-stderr-line") {
				found = e
				return true
			}
		}
		return false
	})
	if found == nil {
		t.Fatalf("stderr line not logged; entries: %v", messages(s.hook))
	}
	if found.Message != "warning: secret-stderr-line" {
		t.Errorf("logged %q, want the line without its newline", found.Message)
	}
	if found.Data["script"] != "stderr.sh" {
		t.Errorf("stderr entry script = %v, want stderr.sh", found.Data["script"])
	}
	pid, ok := fieldInt(found.Data["pid"])
	if !ok || pid <= 0 {
		t.Errorf("stderr entry pid = %v, want the script's pid", found.Data["pid"])
	}
	for _, e := range entriesWith(s.hook, "path", "/cgi-bin/stderr.sh") {
		if p, _ := fieldInt(e.Data["pid"]); p != pid {
			t.Errorf("access log pid %d, stderr pid %d: want the same process", p, pid)
		}
	}
}

func messages(h *test.Hook) []string {
	var out []string
	for _, e := range h.AllEntries() {
		out = append(out, fmt.Sprintf("%s %v", e.Message, e.Data))
	}
	return out
}

// TestCGI_FailuresAreCleanAnswers guards C10: each failure is a clean HTTP
// status, logged once with a reason, and never discloses the script.
func TestCGI_FailuresAreCleanAnswers(t *testing.T) {
	t.Parallel()
	s := newCGISite(t, nil)
	for _, tc := range []struct {
		name, path string
		status     int
	}{
		{"missing", "no-such.sh", 404},
		{"not executable", "noexec.pl", 403},
		{"bad interpreter", "badinterp.pl", 500},
		{"exits before headers", "early-exit.sh", 502},
		{"malformed header", "malformed.sh", 502},
		{"no content type", "no-ctype.sh", 502},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp, body := mustGet(t, s.url(tc.path))
			if resp.StatusCode != tc.status {
				t.Errorf("status %d, want %d (body %q)", resp.StatusCode, tc.status, body)
			}
			for _, secret := range []string{"SECRET-SOURCE-MARKER", "unreachable", "not a header", "#!"} {
				if strings.Contains(string(body), secret) {
					t.Errorf("body %q discloses %q", body, secret)
				}
			}
			mustLoggedReason(t, s.hook, "/cgi-bin/"+tc.path, tc.status)
		})
	}
	// A refused file ran in no mode: its line has none (not an empty one).
	for _, e := range entriesWith(s.hook, "path", "/cgi-bin/noexec.pl") {
		if m, ok := e.Data["mode"]; ok {
			t.Errorf("noexec.pl logged with mode %q, want no mode field", m)
		}
	}
	// What is missing is named: the interpreter, not the script.
	for _, e := range entriesWith(s.hook, "path", "/cgi-bin/badinterp.pl") {
		if reason, _ := e.Data["reason"].(string); !strings.Contains(reason, `interpreter "/nonexistent/perl" not found`) {
			t.Errorf("badinterp.pl logged reason %q, want the missing interpreter named", reason)
		}
	}
	// How the script ended is in the reason.
	for _, e := range entriesWith(s.hook, "path", "/cgi-bin/early-exit.sh") {
		if reason, _ := e.Data["reason"].(string); !strings.Contains(reason, "exit status 3") {
			t.Errorf("early-exit.sh logged reason %q, want its exit status 3 in it", reason)
		}
	}

	// A native FastCGI program with a bad interpreter is the same 500 in
	// both modes (C23), with the same reason, as under mod_fcgid: it was
	// a 502 in fastcgi mode, a worker that did not start.
	for _, mode := range []Mode{ModeCGI, ModeFastCGI} {
		s := newCGISite(t, func(c *Config) { c.Mode = mode })
		if err := os.WriteFile(filepath.Join(s.dir, "badinterp.fcgi"), []byte("#!/nonexistent/perl\nuse FCGI;\n"), 0o755); err != nil {
			t.Fatal(err)
		}
		for i := 0; i < 2; i++ { // the start, then its back-off
			if resp, body := mustGet(t, s.url("badinterp.fcgi")); resp.StatusCode != 500 {
				t.Errorf("%s mode, request %d: status %d, want 500 (body %q)", mode, i+1, resp.StatusCode, body)
			}
		}
		for _, e := range entriesWith(s.hook, "path", "/cgi-bin/badinterp.fcgi") {
			if reason, _ := e.Data["reason"].(string); !strings.Contains(reason, `interpreter "/nonexistent/perl" not found`) {
				t.Errorf("%s mode: badinterp.fcgi logged reason %q, want the missing interpreter named", mode, reason)
			}
		}
	}
}

// TestCGI_ExecFormatErrorNamesTheCause guards C10's logged reason for the
// files a move from Apache brings that the kernel will not run: the log
// said "neither a #! script nor a program" for a script whose editor put
// a UTF-8 byte order mark before its #! line, as for a PHP page with no
// wrapper, and told nothing more for a .php without the execute bit. Both
// modes say the same (C23).
func TestCGI_ExecFormatErrorNamesTheCause(t *testing.T) {
	t.Parallel()
	for _, mode := range []Mode{ModeCGI, ModeFastCGI} {
		s := newCGISite(t, func(c *Config) { c.Mode = mode })
		for _, tc := range []struct {
			name, src string
			perm      os.FileMode
			status    int
			want      string
		}{
			{"bom.pl", "\xef\xbb\xbf#!/usr/bin/perl\nprint qq(Content-Type: text/plain\\n\\nx);\n", 0o755, 500, "byte order mark"},
			{"page.php", "<?php echo 1;\n", 0o755, 500, `a PHP file with no #! line and no [[wrapper]] for ".php"`},
			{"plain.php", "<?php echo 1;\n", 0o644, 403, "a PHP file, and no [[wrapper]] for .php"},
			{"lib.pl", "package My::Lib;\n1;\n", 0o755, 500, "a library that scripts require needs no execute bit"},
			{"empty.pl", "", 0o755, 500, "an empty file"},
		} {
			mustWriteFile(t, filepath.Join(s.dir, tc.name), tc.src, tc.perm)
			s.mustAnswerWithReason(t, mode, tc.name, tc.status, tc.want)
		}
	}
}

// TestCGI_PermissionDeniedNamesTheCause guards C10's logged reason for
// an EACCES from execve(2) on a script with its execute bit: its #!
// interpreter is no executable file (a copied tree's helper that lost
// its bit). The log said only "permission denied". (A script whose bit
// is another user's: TestServe_ScriptNotExecutableByItsUser.)
func TestCGI_PermissionDeniedNamesTheCause(t *testing.T) {
	t.Parallel()
	for _, mode := range []Mode{ModeCGI, ModeFastCGI} {
		s := newCGISite(t, func(c *Config) { c.Mode = mode })
		interp := filepath.Join(s.dir, "bin", "myperl")
		mustWriteFile(t, interp, "not a program\n", 0o644)
		mustWriteFile(t, filepath.Join(s.dir, "x.pl"), "#!"+interp+"\nprint 1;\n", 0o755)
		s.mustAnswerWithReason(t, mode, "x.pl", 500, fmt.Sprintf("its #! interpreter %q: no execute bit (mode -rw-r--r--)", interp))
	}
}

// TestCGI_ShebangAsTheKernelReadsIt guards C23 for #! lines the kernel
// reads otherwise than the Perl runner did: #!/usr/bin/env perl -w (env
// gets "perl -w" as one name and fails) and a #! line past the kernel's
// 255 bytes were a 502 and a 500 in cgi mode and a 200 in fastcgi mode;
// and the 500 was logged as "neither a #! script nor a program".
func TestCGI_ShebangAsTheKernelReadsIt(t *testing.T) {
	t.Parallel()
	const body = "print qq(Content-Type: text/plain\\n\\nran\\n);\n"
	for _, mode := range []Mode{ModeCGI, ModeFastCGI} {
		s := newCGISite(t, func(c *Config) { c.Mode = mode })
		for _, tc := range []struct {
			name, src string
			status    int
			want      string // in the logged reason
		}{
			{"envw.pl", "#!/usr/bin/env perl -w\n" + body, 502, "exit status 127"},
			{"longname.pl", "#!/usr/bin" + strings.Repeat("/.", 130) + "/perl\n" + body, 500, "cut the interpreter's name"},
		} {
			mustWriteFile(t, filepath.Join(s.dir, tc.name), tc.src, 0o755)
			s.mustAnswerWithReason(t, mode, tc.name, tc.status, tc.want)
		}
	}
}

// TestGateway_WarnsOfHtaccess: a tree moved from Apache keeps its
// .htaccess files, whose rules (AuthType, Require) guarded the scripts
// beside them; menshen never serves one (C3) nor reads it, and said
// nothing: the scripts were open without a word. It is named at start.
func TestGateway_WarnsOfHtaccess(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	htaccess := filepath.Join(dir, "admin", ".htaccess")
	mustWriteFile(t, htaccess, "AuthType Basic\nRequire valid-user\n", 0o644)
	mustWriteFile(t, filepath.Join(dir, "admin", "users.sh"), "#!/bin/sh\nprintf 'Content-Type: text/plain\\n\\nusers\\n'\n", 0o755)
	log, hook := test.NewNullLogger()
	g, srv := mustGateway(t, Config{Scripts: dir, Logger: log, Mode: ModeCGI})
	if err := g.Start(); err != nil {
		t.Fatal(err)
	}
	if !waitFor(2*time.Second, func() bool { return len(entriesWith(hook, "file", htaccess)) > 0 }) {
		t.Errorf("no warning naming %s; entries %v", htaccess, messages(hook))
	}
	for _, e := range entriesWith(hook, "file", htaccess) {
		if e.Level != logrus.WarnLevel || !strings.Contains(e.Message, "does not read") {
			t.Errorf("%s %q, want a warning that it is not read", e.Level, e.Message)
		}
	}
	if resp, body := mustGet(t, srv.URL+"/cgi-bin/admin/.htaccess"); resp.StatusCode != 404 || strings.Contains(string(body), "AuthType") {
		t.Errorf(".htaccess: %d %q, want 404 and not its content", resp.StatusCode, body)
	}
}

// mustAnswerWithReason GETs the script name (under /cgi-bin/) and checks
// the answer's status, and that its log line has that status and a reason
// saying want (C10).
func (s *cgiSite) mustAnswerWithReason(tb testing.TB, mode Mode, name string, status int, want string) {
	tb.Helper()
	if resp, body := mustGet(tb, s.url(name)); resp.StatusCode != status {
		tb.Errorf("%s mode, %s: status %d, want %d (body %q)", mode, name, resp.StatusCode, status, body)
	}
	mustLoggedReason(tb, s.hook, "/cgi-bin/"+name, status)
	for _, e := range entriesWith(s.hook, "path", "/cgi-bin/"+name) {
		if reason, _ := e.Data["reason"].(string); !strings.Contains(reason, want) {
			tb.Errorf("%s mode, %s: reason %q, want it to say %q", mode, name, reason, want)
		}
	}
}

// mustLoggedReason checks that the request to path was logged with status
// and a non-empty reason (C10: every response error is logged).
func mustLoggedReason(tb testing.TB, h *test.Hook, path string, status int) {
	tb.Helper()
	var got []string
	ok := waitFor(2*time.Second, func() bool {
		got = got[:0]
		for _, e := range entriesWith(h, "path", path) {
			code, _ := fieldInt(e.Data["status"])
			reason, _ := e.Data["reason"].(string)
			got = append(got, fmt.Sprintf("%d %q", code, reason))
			if code == status && reason != "" {
				return true
			}
		}
		return false
	})
	if !ok {
		tb.Errorf("no log entry for %s with status %d and a reason; got %v", path, status, got)
	}
}

// TestCGI_TimeoutKillsWholeGroup guards C10: a script past the timeout gets
// the client a 504, and its whole process group dies, including a
// background grandchild.
func TestCGI_TimeoutKillsWholeGroup(t *testing.T) {
	t.Parallel()
	mustTimeOutSleeper(t, newCGISite(t, func(c *Config) { c.Timeout = time.Second }))
}

// mustTimeOutSleeper runs sleeper.sh on s, whose timeout is 1 s, and checks
// C10: a 504 in about that time, the script and its background grandchild
// gone, the reason logged.
func mustTimeOutSleeper(t *testing.T, s *cgiSite) {
	t.Helper()
	start := time.Now()
	resp, body := mustGet(t, s.url("sleeper.sh"))
	if resp.StatusCode != http.StatusGatewayTimeout {
		t.Errorf("status %d (body %q), want 504", resp.StatusCode, body)
	}
	if d := time.Since(start); d > 4*time.Second {
		t.Errorf("answered after %v with a 1s timeout", d)
	}
	pids := mustReadPids(t, filepath.Join(s.dir, "pids"), time.Second)
	if len(pids) != 2 {
		t.Fatalf("pids %v, want the script and its grandchild", pids)
	}
	if !waitGone(time.Second, pids...) {
		t.Errorf("processes %v still alive after the timeout", pids)
	}
	mustLoggedReason(t, s.hook, "/cgi-bin/sleeper.sh", http.StatusGatewayTimeout)
	mustReasonSays(t, s.hook, "/cgi-bin/sleeper.sh", "ran past its timeout (1s")
}

// mustReasonSays checks that a log line of path has a reason holding want.
func mustReasonSays(tb testing.TB, h *test.Hook, path, want string) {
	tb.Helper()
	var got []string
	for _, e := range entriesWith(h, "path", path) {
		reason, _ := e.Data["reason"].(string)
		if strings.Contains(reason, want) {
			return
		}
		got = append(got, reason)
	}
	tb.Errorf("no log line for %s whose reason says %q; reasons %q", path, want, got)
}

// TestCGI_TimeoutAfterHeadersBreaksResponse guards C10: when the timeout
// strikes after the headers went out, the group is killed and the
// connection breaks, so the client cannot take the cut body for a whole one
// (a clean end of a chunked body would say it was complete).
func TestCGI_TimeoutAfterHeadersBreaksResponse(t *testing.T) {
	t.Parallel()
	s := newCGISite(t, func(c *Config) { c.Timeout = time.Second })
	resp, err := noRedirectClient.Get(s.url("partial.sh"))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Errorf("status %d, want the script's 200 (headers were sent)", resp.StatusCode)
	}
	body, err := io.ReadAll(resp.Body)
	if err == nil {
		t.Errorf("body %q read without error: the truncation is invisible to the client", body)
	}
	if string(body) != "partial\n" {
		t.Errorf("body %q, want what the script wrote before the timeout", body)
	}
	mustLoggedReason(t, s.hook, "/cgi-bin/partial.sh", 200)
}

// TestCGI_TimeoutEndsAnswerToClientNotReading guards C10 against a client
// that keeps its connection open but stops reading: the script writes
// without end, the connection's buffers fill, and the timeout must still
// end the request and kill the script, not leave both blocked on a write.
func TestCGI_TimeoutEndsAnswerToClientNotReading(t *testing.T) {
	t.Parallel()
	s := newCGISite(t, func(c *Config) { c.Timeout = time.Second })
	conn := mustDial(t, s.addr())
	defer conn.Close() // and keeps it from the garbage collector, which would close it
	if _, err := io.WriteString(conn, "GET /cgi-bin/flood.sh HTTP/1.1\r\nHost: x\r\n\r\n"); err != nil {
		t.Fatal(err)
	}
	// conn is not read until the request is logged as over.
	if !waitFor(5*time.Second, func() bool { return len(entriesWith(s.hook, "path", "/cgi-bin/flood.sh")) > 0 }) {
		t.Fatalf("request to a client that does not read still running 5s after a 1s timeout; entries %v", messages(s.hook))
	}
	e := entriesWith(s.hook, "path", "/cgi-bin/flood.sh")[0]
	if r, _ := e.Data["reason"].(string); !strings.Contains(r, "ran past its timeout") {
		t.Errorf("logged reason %q, want the timeout", r)
	}
	pid, ok := fieldInt(e.Data["pid"])
	if !ok {
		t.Fatalf("no pid logged: %v", e.Data)
	}
	if !waitGone(time.Second, pid) {
		t.Errorf("script %d still alive after its timeout", pid)
	}
}

// TestCGI_ClientDisconnectKillsGroup guards C10: a client that goes away
// mid-request gets its script's whole group killed within 1 s.
func TestCGI_ClientDisconnectKillsGroup(t *testing.T) {
	t.Parallel()
	s := newCGISite(t, nil)
	conn := mustDial(t, s.addr())
	if _, err := io.WriteString(conn, "GET /cgi-bin/sleeper.sh HTTP/1.1\r\nHost: x\r\n\r\n"); err != nil {
		t.Fatal(err)
	}
	pids := mustReadPids(t, filepath.Join(s.dir, "pids"), 5*time.Second)
	conn.Close()
	gone := time.Now()
	if !waitGone(time.Second, pids...) {
		t.Errorf("processes %v still alive 1s after the client went away", pids)
	}
	t.Logf("group gone %v after disconnect", time.Since(gone))
	// Logged, not answered (nobody is left to answer).
	if !waitFor(2*time.Second, func() bool { return len(entriesWith(s.hook, "path", "/cgi-bin/sleeper.sh")) > 0 }) {
		t.Errorf("disconnect not logged; entries %v", messages(s.hook))
	}
	for _, e := range entriesWith(s.hook, "path", "/cgi-bin/sleeper.sh") {
		if r, _ := e.Data["reason"].(string); !strings.HasPrefix(r, ErrClientGone.Error()) {
			t.Errorf("disconnect logged with reason %q, want %q first (not the script's error the kill caused): %s", r, ErrClientGone, e.Message)
		}
	}
}

// TestCGI_HalfCloseGetsNoMadeUpAnswer: a client that half-closes after its
// request (shutdown(SHUT_WR), nc -N) reads like one that went away: its
// script is killed (C10) and logged as 499, and nothing is sent. The
// server must not make up an empty 200 for it, which it could still read
// and a cache could keep.
func TestCGI_HalfCloseGetsNoMadeUpAnswer(t *testing.T) {
	t.Parallel()
	s := newCGISite(t, nil)
	conn := mustDial(t, s.addr())
	if _, err := io.WriteString(conn, "GET /cgi-bin/sleeper.sh HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"); err != nil {
		t.Fatal(err)
	}
	pids := mustReadPids(t, filepath.Join(s.dir, "pids"), 5*time.Second)
	conn.(*net.TCPConn).CloseWrite()
	if !waitGone(time.Second, pids...) {
		t.Errorf("processes %v still alive 1s after the client half-closed", pids)
	}
	conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	got, _ := io.ReadAll(conn)
	if len(got) > 0 {
		t.Errorf("the half-closed client got %q, want nothing", got)
	}
}

// TestCGI_PreconditionFailedAfterRedirectKeepsOrder: a 412 for the target
// of a local redirect carries the redirecting script's fields first, then
// the target's own, as every other answer does and as Apache does (the
// last Set-Cookie of a name wins in a browser: the target's).
func TestCGI_PreconditionFailedAfterRedirectKeepsOrder(t *testing.T) {
	t.Parallel()
	s := newCGISite(t, nil)
	mustWriteFile(t, filepath.Join(s.dir, "tagged.sh"), "#!/bin/sh\nprintf 'Set-Cookie: t=target\\nETag: \"t\"\\nContent-Type: text/plain\\n\\nbody\\n'\n", 0o755)
	req := newRequest(t, "GET", s.url("redirect-carry.sh?tagged.sh"), nil)
	req.Header.Set("If-Match", `"other"`)
	resp, err := noRedirectClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if got := strings.Join(resp.Header.Values("Set-Cookie"), "|"); resp.StatusCode != http.StatusPreconditionFailed || got != "login=1|theme=dark|t=target" {
		t.Errorf("status %d, Set-Cookie %q; want 412 and login=1|theme=dark|t=target", resp.StatusCode, got)
	}
}

// TestCGI_QueueFullGets503 guards C11: with MaxProcs 1 and Queue 1, of three
// concurrent requests to a slow script one waits, one runs, and the third
// gets 503 with Retry-After; never two scripts at once.
func TestCGI_QueueFullGets503(t *testing.T) {
	t.Parallel()
	s := newCGISite(t, func(c *Config) { c.MaxProcs = 1; c.Queue = 1 })
	type result struct {
		code       int
		retryAfter string
	}
	results := make(chan result, 3)
	var wg sync.WaitGroup
	for range 3 {
		wg.Go(func() {
			resp, err := noRedirectClient.Get(s.url("slow.sh"))
			if err != nil {
				t.Error(err)
				return
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			results <- result{resp.StatusCode, resp.Header.Get("Retry-After")}
		})
	}
	wg.Wait()
	close(results)
	var ok, busy int
	for r := range results {
		switch r.code {
		case 200:
			ok++
		case 503:
			busy++
			if r.retryAfter == "" {
				t.Errorf("503 without Retry-After")
			}
		default:
			t.Errorf("unexpected status %d", r.code)
		}
	}
	if ok != 2 || busy != 1 {
		t.Errorf("%d×200 and %d×503, want 2 and 1", ok, busy)
	}
	if b, err := os.ReadFile(filepath.Join(s.dir, "overlaps")); err == nil {
		t.Errorf("two slow.sh ran at once with MaxProcs 1: %q", b)
	}
	if b, _ := os.ReadFile(filepath.Join(s.dir, "started")); len(strings.Fields(string(b))) != 2 {
		t.Errorf("slow.sh started %d times, want 2 (the 503 must not start it)", len(strings.Fields(string(b))))
	}
	mustLoggedReason(t, s.hook, "/cgi-bin/slow.sh", http.StatusServiceUnavailable)
}

// TestCGI_ReloadKeepsCountingProcesses guards C11 across a reload (C32):
// a reload, even of an unchanged config, must not forget the CGI processes
// running, nor let another --max-procs of them start beside those; new
// bounds from the file apply to the same count.
func TestCGI_ReloadKeepsCountingProcesses(t *testing.T) {
	t.Parallel()
	conf := filepath.Join(t.TempDir(), "menshen.toml")
	mustWriteFile(t, conf, "max_procs = 1\nqueue = 0\n", 0o644)
	s := newCGISite(t, func(c *Config) { c.ConfigFile = conf })
	get := func() chan int {
		code := make(chan int, 1)
		go func() {
			resp, err := noRedirectClient.Get(s.url("slow.sh"))
			if err != nil {
				t.Error(err)
				code <- 0
				return
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			code <- resp.StatusCode
		}()
		return code
	}
	started := func(n int) bool {
		return waitFor(5*time.Second, func() bool {
			b, _ := os.ReadFile(filepath.Join(s.dir, "started"))
			return len(strings.Fields(string(b))) >= n
		})
	}
	first := get()
	if !started(1) {
		t.Fatal("slow.sh did not start")
	}
	if err := s.g.Reload(); err != nil {
		t.Fatal(err)
	}
	if code := <-get(); code != http.StatusServiceUnavailable {
		t.Errorf("second request after a reload: status %d, want 503 (one process already runs, --max-procs 1, no queue)", code)
	}
	if n := s.g.status().InFlight; n != 1 {
		t.Errorf("status says %d CGI processes after the reload, want the 1 running", n)
	}
	if code := <-first; code != http.StatusOK {
		t.Errorf("first request: status %d", code)
	}
	if b, err := os.ReadFile(filepath.Join(s.dir, "overlaps")); err == nil {
		t.Errorf("two slow.sh ran at once with max_procs 1: %q", b)
	}
	// A larger bound from the file applies to the count kept.
	mustWriteFile(t, conf, "max_procs = 2\nqueue = 0\n", 0o644)
	if err := s.g.Reload(); err != nil {
		t.Fatal(err)
	}
	a, b := get(), get()
	if ca, cb := <-a, <-b; ca != http.StatusOK || cb != http.StatusOK {
		t.Errorf("two requests with max_procs = 2: statuses %d and %d, want 200 and 200", ca, cb)
	}
}

// TestCGI_QueuedRequestHonoursClientGone guards C11: a request waiting in
// the queue whose client leaves gives up its place and starts nothing.
func TestCGI_QueuedRequestHonoursClientGone(t *testing.T) {
	t.Parallel()
	s := newCGISite(t, func(c *Config) { c.MaxProcs = 1; c.Queue = 4 })
	first := make(chan int, 1)
	go func() {
		resp, err := noRedirectClient.Get(s.url("slow.sh"))
		if err != nil {
			first <- 0
			return
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		first <- resp.StatusCode
	}()
	mustReadPids(t, filepath.Join(s.dir, "started"), 5*time.Second)
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", s.url("touch.sh"), nil)
	if resp, err := noRedirectClient.Do(req); err == nil {
		resp.Body.Close()
		t.Errorf("queued request answered %d before the slot was free", resp.StatusCode)
	}
	if code := <-first; code != 200 {
		t.Errorf("first request: %d, want 200", code)
	}
	time.Sleep(100 * time.Millisecond)
	if fileExists(filepath.Join(s.dir, "ran")) {
		t.Errorf("touch.sh ran for a client that had gone")
	}
}

// TestCGI_NativeFastCGIProgramHint: a .fcgi program that cannot run as a
// CGI script (it prints nothing) is a 502 in cgi mode, and the log says
// how to serve it (Apache and lighttpd send every .fcgi to FastCGI).
func TestCGI_NativeFastCGIProgramHint(t *testing.T) {
	t.Parallel()
	s := newCGISite(t, nil)
	if resp, _ := mustGet(t, s.url("native.fcgi")); resp.StatusCode != http.StatusBadGateway {
		t.Errorf("native.fcgi in cgi mode: %d, want 502", resp.StatusCode)
	}
	mustLoggedReason(t, s.hook, "/cgi-bin/native.fcgi", http.StatusBadGateway)
	for _, e := range entriesWith(s.hook, "path", "/cgi-bin/native.fcgi") {
		if reason, _ := e.Data["reason"].(string); reason != "" && !strings.Contains(reason, "menshen mode fastcgi native.fcgi") {
			t.Errorf("reason %q does not say to serve it in fastcgi mode", reason)
		}
	}
	// One the gateway stopped (its client left) is no such program: no
	// hint then.
	if err := os.WriteFile(filepath.Join(s.dir, "slow.fcgi"), []byte("#!/bin/sh\nsleep 5\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	c := &http.Client{Timeout: 300 * time.Millisecond}
	if resp, err := c.Get(s.url("slow.fcgi")); err == nil {
		resp.Body.Close()
		t.Fatalf("slow.fcgi answered %d before the client gave up", resp.StatusCode)
	}
	if !waitFor(2*time.Second, func() bool { return len(entriesWith(s.hook, "path", "/cgi-bin/slow.fcgi")) > 0 }) {
		t.Fatalf("slow.fcgi not logged; entries %v", messages(s.hook))
	}
	mustReasonSays(t, s.hook, "/cgi-bin/slow.fcgi", "client went away")
	for _, e := range entriesWith(s.hook, "path", "/cgi-bin/slow.fcgi") {
		if reason, _ := e.Data["reason"].(string); strings.Contains(reason, "menshen mode fastcgi") {
			t.Errorf("reason %q of a program killed for its client blames cgi mode", reason)
		}
	}
}

// TestFastCGI_PlainCGIScriptHint: the reverse of the hint above. A plain
// CGI script named .fcgi (a legacy tree's habit) is a 502 in fastcgi
// mode, and the log said only that its worker "exited with status 0",
// its page logged as the worker's warnings; it now says it is a CGI
// script and how to serve it.
func TestFastCGI_PlainCGIScriptHint(t *testing.T) {
	t.Parallel()
	s := newCGISite(t, func(c *Config) { c.Mode = ModeFastCGI })
	mustWriteFile(t, filepath.Join(s.dir, "plain.fcgi"), "#!/bin/sh\nprintf 'Content-Type: text/plain\\n\\nhi\\n'\n", 0o755)
	for i := 0; i < 2; i++ { // the start, then its back-off
		if resp, _ := mustGet(t, s.url("plain.fcgi")); resp.StatusCode != http.StatusBadGateway {
			t.Errorf("request %d: %d, want 502", i+1, resp.StatusCode)
		}
	}
	mustLoggedReason(t, s.hook, "/cgi-bin/plain.fcgi", http.StatusBadGateway)
	for _, e := range entriesWith(s.hook, "path", "/cgi-bin/plain.fcgi") {
		if reason, _ := e.Data["reason"].(string); !strings.Contains(reason, "a CGI script, not a FastCGI program") || !strings.Contains(reason, "menshen mode cgi plain.fcgi") {
			t.Errorf("reason %q does not say it is a CGI script to serve in cgi mode", reason)
		}
	}
}

// TestCGI_WrapperRunsNonExecutable guards §7 [[wrapper]] in CGI mode: a
// non-executable hello.php runs through php-cgi.
func TestCGI_WrapperRunsNonExecutable(t *testing.T) {
	t.Parallel()
	conf := mustPHPConfig(t, "")
	s := newCGISite(t, func(c *Config) { c.ConfigFile = conf })
	resp, body := mustGet(t, s.url("hello.php?x=1"))
	if resp.StatusCode != 200 {
		t.Fatalf("status %d, body %q", resp.StatusCode, body)
	}
	if string(body) != "hello from php GET\n" {
		t.Errorf("body %q, want %q", body, "hello from php GET\n")
	}
	if resp.Header.Get("X-Wrapped") != "php" {
		t.Errorf("X-Wrapped = %q, want php (headers from the wrapped script)", resp.Header.Get("X-Wrapped"))
	}
	t.Run("other non-executable files still 403", func(t *testing.T) {
		resp, _ := mustGet(t, s.url("noexec.pl"))
		if resp.StatusCode != 403 {
			t.Errorf("noexec.pl: status %d, want 403", resp.StatusCode)
		}
	})
}

// BenchmarkGateway_CGIHello measures one GET of the smallest sh script in
// CGI mode: a fork+exec per request.
func BenchmarkGateway_CGIHello(b *testing.B) {
	s := newCGISite(b, nil)
	url := s.url("hello.sh")
	client := &http.Client{Transport: &http.Transport{}}
	defer client.CloseIdleConnections()
	for b.Loop() {
		resp, err := client.Get(url)
		if err != nil {
			b.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 {
			b.Fatalf("status %d", resp.StatusCode)
		}
	}
}

// TestCGI_HeaderWithoutBodyGoesOutAtOnce guards C8 for the header block: a
// script that flushes its header and then pauses (an event stream, a long
// poll) has its header at the client within a second, as Apache flushes
// when the script has nothing more to give.
func TestCGI_HeaderWithoutBodyGoesOutAtOnce(t *testing.T) {
	t.Parallel()
	s := newCGISite(t, nil)
	start := time.Now()
	resp, err := noRedirectClient.Get(s.url("header-first.sh"))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if d := time.Since(start); d > time.Second {
		t.Errorf("header arrived after %v, want within 1s", d)
	}
	if ct := resp.Header.Get("Content-Type"); ct != "text/event-stream" {
		t.Errorf("Content-Type %q", ct)
	}
	if body, err := io.ReadAll(resp.Body); err != nil || string(body) != "data: late\n\n" {
		t.Errorf("body %q, %v", body, err)
	}
}

// TestCGI_AnswerEndsWhenOutputCloses guards C8 and C10 for a script that
// closes its output and goes on working: the client has the whole answer
// without waiting for the script's exit, the answer is not cut when the
// timeout then stops the script, and the script is not left behind.
func TestCGI_AnswerEndsWhenOutputCloses(t *testing.T) {
	t.Parallel()
	s := newCGISite(t, func(c *Config) { c.Timeout = 3 * time.Second })
	for _, keepReading := range []bool{false, true} {
		start := time.Now()
		conn, err := net.Dial("tcp", strings.TrimPrefix(s.srv.URL, "http://"))
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		fmt.Fprintf(conn, "GET /cgi-bin/close-early.sh HTTP/1.1\r\nHost: x\r\n\r\n")
		br := bufio.NewReader(conn)
		resp, err := http.ReadResponse(br, nil)
		if err != nil {
			t.Fatal(err)
		}
		body, err := io.ReadAll(resp.Body)
		if err != nil || string(body) != "bye\n" || resp.StatusCode != 200 {
			t.Fatalf("answer %d %q, %v; want 200 \"bye\\n\", whole", resp.StatusCode, body, err)
		}
		if d := time.Since(start); d > 1500*time.Millisecond {
			t.Errorf("answer complete after %v, want within 1.5s (the script sleeps 30s)", d)
		}
		pid := mustReadPids(t, filepath.Join(s.dir, "close-early.pid"), 2*time.Second)[0]
		if keepReading {
			// The connection stays open: the timeout stops the script,
			// and the connection then serves its next request.
			fmt.Fprintf(conn, "GET /cgi-bin/hello.sh HTTP/1.1\r\nHost: x\r\n\r\n")
			conn.SetReadDeadline(time.Now().Add(10 * time.Second))
			resp, err := http.ReadResponse(br, nil)
			if err != nil || resp.StatusCode != 200 {
				t.Fatalf("next request on the connection: %v", err)
			}
			resp.Body.Close()
		} else {
			conn.Close()
		}
		if !waitGone(5*time.Second, pid) {
			t.Errorf("script %d still running after its answer (keep reading %v)", pid, keepReading)
		}
	}
}

// mustPageBeforeEnd GETs script on a raw connection to addr and fails tb
// (saying why) if its page, up to and including page, arrives together
// with the end of the chunked answer instead of before it; then it reads
// the answer to its end.
func mustPageBeforeEnd(tb testing.TB, addr, script, page, why string) {
	tb.Helper()
	conn := mustDial(tb, addr)
	defer conn.Close()
	fmt.Fprintf(conn, "GET /cgi-bin/%s HTTP/1.1\r\nHost: x\r\n\r\n", script)
	conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	var got []byte
	buf := make([]byte, 4096)
	readOn := func(done func() bool) {
		for !done() {
			n, err := conn.Read(buf)
			if err != nil {
				tb.Fatalf("%q, %v", got, err)
			}
			got = append(got, buf[:n]...)
		}
	}
	ended := func() bool { return bytes.HasSuffix(got, []byte("\r\n0\r\n\r\n")) }
	readOn(func() bool { return bytes.Contains(got, []byte(page)) })
	if ended() {
		tb.Errorf("the page came with the end of the answer (%q): %s", got, why)
	}
	readOn(ended)
}

// TestCGI_LingeringScriptsPageAtOnce: a script that ends its output and
// goes on working has its page sent at once (C8), before the gateway's
// longer look at whether it exits (lingerCheck) decides when the answer
// ends: the body arrives first, the end of the chunked framing later.
func TestCGI_LingeringScriptsPageAtOnce(t *testing.T) {
	t.Parallel()
	s := newCGISite(t, func(c *Config) { c.Timeout = 3 * time.Second })
	mustPageBeforeEnd(t, s.addr(), "close-early.sh", "bye\n", "held back until the script's exit was looked at")
}

// TestCGI_PageBeforeADaemonsStderr: a script that started a daemon which
// keeps its stderr open has its page sent when it is done, before the
// gateway's wait for that stderr (twice stderrGrace) ends the answer.
func TestCGI_PageBeforeADaemonsStderr(t *testing.T) {
	t.Parallel()
	if _, err := exec.LookPath("setsid"); err != nil {
		t.Skip("setsid not installed (Debian package util-linux)")
	}
	s := newCGISite(t, nil)
	t.Cleanup(func() {
		if b, err := os.ReadFile(filepath.Join(s.dir, "daemon.pid")); err == nil {
			if pid, err := strconv.Atoi(strings.TrimSpace(string(b))); err == nil {
				proctest.KillIf(pid, "sleep\x005") // (its pid may be another's by now)
			}
		}
	})
	mustPageBeforeEnd(t, s.addr(), "daemon-stderr.sh", "page\n", "held back while the gateway waited for the daemon's stderr")
}

// TestCGI_DetachedJobKeepsItsStderr guards C9 for a background job that
// left the script's session (setsid) and kept its stderr, the Perl "fork,
// setsid, carry on" daemon: it lives on past its request, and its warning,
// a moment later, is logged with the script, the request's id and
// after=exit, as Apache's error log takes it (the closed pipe killed it
// with SIGPIPE at that warning, which was lost). The request is not held
// for it, whether the script ended before its stderr was watched or after
// (?linger), and the gateway's Close does not wait for a job that keeps
// its stderr open (?hold).
func TestCGI_DetachedJobKeepsItsStderr(t *testing.T) {
	t.Parallel()
	for _, q := range []string{"", "linger", "hold"} {
		t.Run("q="+q, func(t *testing.T) {
			t.Parallel()
			s := newCGISite(t, nil)
			t.Cleanup(func() {
				if b, err := os.ReadFile(filepath.Join(s.dir, "job.pid")); err == nil {
					if pid, err := strconv.Atoi(strings.TrimSpace(string(b))); err == nil {
						proctest.KillIf(pid, s.dir) // (its pid may be another's by now)
					}
				}
			})
			start := time.Now()
			resp, body := mustGet(t, s.url("daemon-warn.pl?"+q))
			if resp.StatusCode != 200 || string(body) != "started\n" {
				t.Fatalf("got %d %q", resp.StatusCode, body)
			}
			if d := time.Since(start); d > 1400*time.Millisecond {
				t.Errorf("the request took %v: held for the job", d)
			}
			var warned *logrus.Entry
			waitFor(5*time.Second, func() bool {
				for _, e := range s.hook.AllEntries() {
					if e.Message == "background job: step 1 done" {
						warned = e
						return true
					}
				}
				return false
			})
			if warned == nil {
				b, _ := os.ReadFile(filepath.Join(s.dir, "job.txt"))
				t.Fatalf("the job's warning was not logged (the job: %q)", b)
			}
			acc := entriesWith(s.hook, "path", "/cgi-bin/daemon-warn.pl")
			if len(acc) != 1 || acc[0].Data["req"] != warned.Data["req"] {
				t.Errorf("the job's warning has req %v, want the request's (%d access lines)", warned.Data["req"], len(acc))
			}
			if warned.Data["script"] != "daemon-warn.pl" || warned.Data["after"] != "exit" {
				t.Errorf("the job's warning logged with %v, want script daemon-warn.pl and after=exit", warned.Data)
			}
			if q == "hold" {
				start := time.Now()
				s.g.Close()
				if d := time.Since(start); d > 2*time.Second {
					t.Errorf("Gateway.Close took %v: it waited for the job's stderr", d)
				}
				return
			}
			var job []byte
			waitFor(3*time.Second, func() bool {
				job, _ = os.ReadFile(filepath.Join(s.dir, "job.txt"))
				return len(job) > 0
			})
			if string(job) != "finished\n" {
				t.Errorf("the job noted %q, want it finished", job)
			}
		})
	}
}

// TestDetachedJobOutlivesTheRequest: a job queued the README's way
// (`setsid sh -c 'cmd > /dev/null 2>&1 < /dev/null &'`, setsid in the
// foreground) outlives its request every time, in cgi mode and from the
// Perl runner, though the script ends at once and its group is killed.
// (`setsid cmd ... &` lost the job in most requests: the group was
// killed before the background setsid had left it.)
func TestDetachedJobOutlivesTheRequest(t *testing.T) {
	t.Parallel()
	if _, err := exec.LookPath("setsid"); err != nil {
		t.Skip("setsid not installed (Debian package util-linux)")
	}
	perl := "#!/usr/bin/perl\nsystem(q{setsid sh -c 'sleep 30 > /dev/null 2>&1 < /dev/null & echo $! > job.pid'});\n" +
		"print \"Content-Type: text/plain\\n\\nqueued\\n\";\n"
	for _, tc := range []struct {
		mode   Mode
		script string
	}{{ModeCGI, "detach.sh"}, {ModeFastCGI, "detach.pl"}} {
		t.Run(string(tc.mode), func(t *testing.T) {
			t.Parallel()
			s := newCGISite(t, func(c *Config) { c.Mode = tc.mode })
			mustWriteFile(t, filepath.Join(s.dir, "detach.pl"), perl, 0o755)
			pidFile := filepath.Join(s.dir, "job.pid")
			for i := range 8 {
				os.Remove(pidFile)
				resp, body := mustGet(t, s.url(tc.script))
				if resp.StatusCode != http.StatusOK || string(body) != "queued\n" {
					t.Fatalf("request %d: %d %q", i, resp.StatusCode, body)
				}
				b, err := os.ReadFile(pidFile)
				pid, _ := strconv.Atoi(strings.TrimSpace(string(b)))
				if err != nil || pid <= 0 {
					t.Fatalf("request %d: no job pid: %q %v", i, b, err)
				}
				t.Cleanup(proctest.Pin(pid))
				time.Sleep(200 * time.Millisecond) // the script's group is killed by now
				if !pidAlive(pid) {
					t.Errorf("request %d: the detached job %d did not outlive it", i, pid)
				}
			}
		})
	}
}

// TestCGI_DaemonHoldingOutputIsNamed: a script that starts a daemon which
// keeps its stdout (setsid, no redirection) and exits has its answer
// held until the timeout, as under Apache; the reason said only "ran past
// its timeout", sending the user to a script that had ended at once. It
// now says the script had exited and something it started held its
// output.
func TestCGI_DaemonHoldingOutputIsNamed(t *testing.T) {
	t.Parallel()
	if _, err := exec.LookPath("setsid"); err != nil {
		t.Skip("setsid not installed (Debian package util-linux)")
	}
	s := newCGISite(t, func(c *Config) { c.Timeout = time.Second })
	// (The sleep lets the background setsid leave the script's group
	// before the script ends.)
	mustWriteFile(t, filepath.Join(s.dir, "daemon.sh"), "#!/bin/sh\nprintf 'Content-Type: text/plain\\n\\nstarted\\n'\nsetsid sleep 30 &\necho $! > job.pid\nsleep 0.3\n", 0o755)
	// One that is still running at its timeout is no such case.
	mustWriteFile(t, filepath.Join(s.dir, "slow.sh"), "#!/bin/sh\nprintf 'Content-Type: text/plain\\n\\npartial\\n'\nexec sleep 30\n", 0o755)
	for _, tc := range []struct {
		script string
		held   bool
	}{{"daemon.sh", true}, {"slow.sh", false}} {
		// The answer is cut at the timeout: the connection breaks.
		if resp, err := http.Get(s.url(tc.script)); err == nil {
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
		}
		path := "/cgi-bin/" + tc.script
		if !waitFor(2*time.Second, func() bool { return len(entriesWith(s.hook, "path", path)) > 0 }) {
			t.Fatalf("%s not logged", tc.script)
		}
		for _, e := range entriesWith(s.hook, "path", path) {
			reason, _ := e.Data["reason"].(string)
			if !strings.Contains(reason, "ran past its timeout") || strings.Contains(reason, "a process it started still held its output open") != tc.held {
				t.Errorf("%s: reason %q, want its timeout, and blaming something it started: %v", tc.script, reason, tc.held)
			}
		}
	}
	if b, err := os.ReadFile(filepath.Join(s.dir, "job.pid")); err == nil {
		if pid, _ := strconv.Atoi(strings.TrimSpace(string(b))); pid > 0 {
			syscall.Kill(pid, syscall.SIGKILL)
		}
	}
}

// TestCGI_AnswerEndsWhenOutputClosesHTTP10 is TestCGI_AnswerEndsWhenOutputCloses
// for an HTTP/1.0 client, whose answer ends with the connection: the
// connection's sending side is shut when the output ends.
func TestCGI_AnswerEndsWhenOutputClosesHTTP10(t *testing.T) {
	t.Parallel()
	s := newCGISite(t, func(c *Config) { c.Timeout = 5 * time.Second })
	start := time.Now()
	conn, err := net.Dial("tcp", strings.TrimPrefix(s.srv.URL, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprintf(conn, "GET /cgi-bin/close-early.sh HTTP/1.0\r\n\r\n")
	conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	all, err := io.ReadAll(conn)
	if err != nil || !strings.HasSuffix(string(all), "\r\n\r\nbye\n") {
		t.Fatalf("answer %q, %v", all, err)
	}
	if d := time.Since(start); d > 1500*time.Millisecond {
		t.Errorf("answer ended after %v, want within 1.5s (the script sleeps 30s)", d)
	}
	pid := mustReadPids(t, filepath.Join(s.dir, "close-early.pid"), 2*time.Second)[0]
	if !waitGone(8*time.Second, pid) {
		t.Errorf("script %d still running after its timeout", pid)
	}
}

// TestAccessLog_HEADSendsNoBodyBytes: the access line's bytes are the body
// bytes the client got, as Apache's %b: none for HEAD, whatever the
// script wrote (the server drops it), on success and on failure, in both
// modes.
func TestAccessLog_HEADSendsNoBodyBytes(t *testing.T) {
	t.Parallel()
	c := newCGISite(t, nil)
	f := newFCGISite(t, "fastcgi", ModeFastCGI, nil)
	for _, tc := range []struct {
		base   string
		hook   *test.Hook
		method string
		script string
	}{
		{c.srv.URL, c.hook, http.MethodGet, "hello.sh"},
		{c.srv.URL, c.hook, http.MethodHead, "hello.sh"},
		{c.srv.URL, c.hook, http.MethodHead, "missing.sh"},
		{c.srv.URL, c.hook, http.MethodGet, "missing.sh"},
		{f.srv.URL, f.hook, http.MethodHead, "corpus/hello.pl"},
		{f.srv.URL, f.hook, http.MethodGet, "corpus/hello.pl"},
		{f.srv.URL, f.hook, http.MethodHead, "native.fcgi"},
	} {
		req, _ := http.NewRequest(tc.method, tc.base+"/cgi-bin/"+tc.script, nil)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		var found bool
		for deadline := time.Now().Add(2 * time.Second); !found && time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
			for _, e := range entriesWith(tc.hook, "path", "/cgi-bin/"+tc.script) {
				if e.Data["method"] != tc.method {
					continue
				}
				found = true
				n, _ := fieldInt(e.Data["bytes"])
				if head := tc.method == http.MethodHead; head && n != 0 || !head && n == 0 {
					t.Errorf("%s %s (status %d) logged bytes=%d", tc.method, tc.script, resp.StatusCode, n)
				}
			}
		}
		if !found {
			t.Errorf("no access line for %s %s", tc.method, tc.script)
		}
	}
}

// TestLog_FailureLevelAndClient: a failed request's line is ranked by what
// failed, as Apache's error log ranks it (a script that failed is an error,
// seen at --log-level error; a 404 is information, hidden at warn), and
// every request's line names the client's address, as Apache's %h.
func TestLog_FailureLevelAndClient(t *testing.T) {
	t.Parallel()
	s := newCGISite(t, nil)
	for _, tc := range []struct {
		script string
		status int
		level  logrus.Level
	}{
		{"hello.sh", http.StatusOK, logrus.InfoLevel},
		{"no-such.sh", http.StatusNotFound, logrus.InfoLevel},
		{"noexec.pl", http.StatusForbidden, logrus.WarnLevel},
		{"malformed.sh", http.StatusBadGateway, logrus.ErrorLevel},
	} {
		resp, _ := mustGet(t, s.url(tc.script))
		if resp.StatusCode != tc.status {
			t.Errorf("%s: status %d, want %d", tc.script, resp.StatusCode, tc.status)
			continue
		}
		var e *logrus.Entry
		waitFor(2*time.Second, func() bool {
			es := entriesWith(s.hook, "path", "/cgi-bin/"+tc.script)
			if len(es) > 0 {
				e = es[len(es)-1]
			}
			return e != nil
		})
		if e == nil {
			t.Errorf("%s: no log line", tc.script)
			continue
		}
		if e.Level != tc.level || e.Data["remote"] != "127.0.0.1" {
			t.Errorf("%s (%d): logged at %v with remote %v, want %v and 127.0.0.1", tc.script, tc.status, e.Level, e.Data["remote"], tc.level)
		}
	}
}

// TestLog_FailureAfterHeaderLevel: a failure after the header went out
// (the line's status is then the script's 200) is ranked by what failed,
// as before it: a script cut by its timeout is an error, seen at
// --log-level error, and a client that left is information.
func TestLog_FailureAfterHeaderLevel(t *testing.T) {
	t.Parallel()
	s := newCGISite(t, func(c *Config) { c.Timeout = time.Second })
	mustWriteFile(t, filepath.Join(s.dir, "header-then-sleep.sh"),
		"#!/bin/sh\nprintf 'Content-Type: text/plain\\n\\nfirst\\n'\nsleep 5\necho late\n", 0o755)
	lineOf := func(path string) *logrus.Entry {
		var e *logrus.Entry
		waitFor(5*time.Second, func() bool {
			for _, c := range entriesWith(s.hook, "path", path) {
				if c.Message == "request failed" {
					e = c
				}
			}
			return e != nil
		})
		return e
	}

	// Cut by the timeout: the client reads to the cut. Also when the
	// script's own status is an error page (404): the line is still an
	// error, not a 404's info.
	mustWriteFile(t, filepath.Join(s.dir, "notfound-then-sleep.sh"),
		"#!/bin/sh\nprintf 'Status: 404 Not Found\\nContent-Type: text/plain\\n\\nfirst\\n'\nsleep 5\necho late\n", 0o755)
	for _, c := range []struct {
		script string
		status int
	}{{"header-then-sleep.sh", http.StatusOK}, {"notfound-then-sleep.sh", http.StatusNotFound}} {
		resp, err := http.Get(s.url(c.script))
		if err != nil {
			t.Fatal(err)
		}
		_, _ = io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != c.status {
			t.Fatalf("%s: status %d, want the script's %d before the cut", c.script, resp.StatusCode, c.status)
		}
		if e := lineOf("/cgi-bin/" + c.script); e == nil || e.Level != logrus.ErrorLevel {
			t.Errorf("%s cut by its timeout after its %d header: line %v, want one at error", c.script, c.status, e)
		}
	}

	// The client leaves once it has the header.
	resp, err := http.Get(s.url("header-then-sleep.sh/left"))
	if err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 6)
	_, _ = io.ReadFull(resp.Body, buf)
	resp.Body.Close()
	if e := lineOf("/cgi-bin/header-then-sleep.sh/left"); e == nil || e.Level != logrus.InfoLevel {
		t.Errorf("a client that left after the header: line %v, want one at info", e)
	}
}

// TestCGI_ClientRedirectAsApache guards C6 as Apache's mod_cgi answers a
// client redirect (an absolute Location, no other status than 200): 302,
// "Status: 200" included (as for a local Location), with the Location, the
// fields Apache keeps on an answer of its own (Set-Cookie,
// Content-Location, Content-Language, not the script's Content-Type), and
// its own short document pointing there; a
// body the script wrote is dropped. With another status (301) the script's
// answer goes out as it is.
func TestCGI_ClientRedirectAsApache(t *testing.T) {
	t.Parallel()
	s := newCGISite(t, nil)
	for name, out := range map[string]string{
		"plain.sh":     `Location: http://example.com/a?x=1&y=<2>\n\n`,
		"status200.sh": `Status: 200 OK\nLocation: http://example.com/a?x=1&y=<2>\n\n`,
		"withbody.sh":  `Location: http://example.com/a?x=1&y=<2>\nSet-Cookie: s=1\nContent-Location: /doc/a\nContent-Language: en\nContent-Type: text/plain\n\nthe scripts own words\n`,
		"moved.sh":     `Status: 301 Moved Permanently\nLocation: http://example.com/a\nContent-Type: text/plain\n\nmine\n`,
	} {
		mustWriteFile(t, filepath.Join(s.dir, name), "#!/bin/sh\nprintf '"+out+"'\n", 0o755)
	}
	for _, name := range []string{"plain.sh", "status200.sh", "withbody.sh"} {
		resp, body := mustGet(t, s.url(name))
		if resp.StatusCode != http.StatusFound || resp.Header.Get("Location") != "http://example.com/a?x=1&y=<2>" {
			t.Errorf("%s: %d, Location %q; want 302 to the script's Location", name, resp.StatusCode, resp.Header.Get("Location"))
		}
		// Apache 2.4's document, byte for byte (without its signature).
		const doc = "<!DOCTYPE HTML PUBLIC \"-//W3C//DTD HTML 4.01//EN\" \"http://www.w3.org/TR/html4/strict.dtd\">\n<html><head>\n<title>302 Found</title>\n</head><body>\n<h1>Found</h1>\n" +
			`<p>The document has moved <a href="http://example.com/a?x=1&amp;y=&lt;2&gt;">here</a>.</p>` + "\n</body></html>\n"
		if ct := resp.Header.Get("Content-Type"); ct != "text/html; charset=iso-8859-1" || string(body) != doc {
			t.Errorf("%s: %s body %q, want Apache's document pointing to the Location, escaped", name, ct, body)
		}
		if strings.Contains(string(body), "own words") {
			t.Errorf("%s: the script's body went out with the redirect: %q", name, body)
		}
	}
	if resp, _ := mustGet(t, s.url("withbody.sh")); resp.Header.Get("Set-Cookie") != "s=1" || resp.Header.Get("Content-Location") != "/doc/a" || resp.Header.Get("Content-Language") != "en" {
		t.Errorf("withbody.sh: Set-Cookie %q, Content-Location %q, Content-Language %q, want the script's (Apache keeps them)",
			resp.Header.Get("Set-Cookie"), resp.Header.Get("Content-Location"), resp.Header.Get("Content-Language"))
	}
	resp, body := mustGet(t, s.url("moved.sh"))
	if resp.StatusCode != http.StatusMovedPermanently || string(body) != "mine\n" {
		t.Errorf("moved.sh: %d %q, want the script's own 301 and body", resp.StatusCode, body)
	}
}

// TestCGI_PHPWrapperOptionsHoldForAnyQuery: php-cgi started per request
// ignores its whole command line for a query with no "=" that starts with
// "-" (its guard against CVE-2012-1823), so a wrapper's -d
// open_basedir=... or disable_functions=... went for any client asking
// "?-x", in cgi mode only. Its -d settings now hold for every query, in
// both modes; an option the environment cannot give (-n) refuses such a
// query (403) rather than run without it.
func TestCGI_PHPWrapperOptionsHoldForAnyQuery(t *testing.T) {
	t.Parallel()
	php, err := exec.LookPath("php-cgi")
	if err != nil {
		t.Skip("php-cgi not found (install Debian package php-cgi)")
	}
	conf := filepath.Join(t.TempDir(), "menshen.toml")
	mustWriteFile(t, conf, fmt.Sprintf("[[wrapper]]\next = \".php\"\ncommand = %q\nargs = [\"-d\", \"disable_functions=system,exec\", \"-dmemory_limit=77M\", \"--define\", \"precision=/9\", \"{script}\"]\n", php), 0o644)
	const ini = `<?php echo ini_get("disable_functions"), " ", ini_get("memory_limit"), " ", ini_get("precision"), "\n";`
	want := "system,exec 77M /9\n"
	queries := []string{"", "x=1", "-x", "%2Dd+memory_limit%3D1M", "+-s", "%20-n"}
	for _, mode := range []Mode{ModeCGI, ModeFastCGI} {
		t.Run(string(mode), func(t *testing.T) {
			t.Parallel()
			s := newCGISite(t, func(c *Config) { c.ConfigFile = conf; c.Mode = mode })
			mustWriteFile(t, filepath.Join(s.dir, "ini.php"), ini, 0o644)
			for _, q := range queries {
				resp, body := mustGet(t, s.url("ini.php?"+q))
				if resp.StatusCode != 200 || string(body) != want {
					t.Errorf("?%s: %d %q, want 200 %q", q, resp.StatusCode, body, want)
				}
			}
		})
	}
	t.Run("an option only the command line gives", func(t *testing.T) {
		t.Parallel()
		conf := filepath.Join(t.TempDir(), "menshen.toml")
		mustWriteFile(t, conf, fmt.Sprintf("[[wrapper]]\next = \".php\"\ncommand = %q\nargs = [\"-n\", \"-d\", \"memory_limit=77M\", \"{script}\"]\n", php), 0o644)
		s := newCGISite(t, func(c *Config) { c.ConfigFile = conf })
		mustWriteFile(t, filepath.Join(s.dir, "ini.php"), ini, 0o644)
		if resp, body := mustGet(t, s.url("ini.php?x=1")); resp.StatusCode != 200 || !strings.Contains(string(body), "77M") {
			t.Errorf("?x=1: %d %q, want 200 with 77M", resp.StatusCode, body)
		}
		if resp, body := mustGet(t, s.url("ini.php?-x")); resp.StatusCode != 403 {
			t.Errorf("?-x: %d %q, want 403", resp.StatusCode, body)
		}
		mustLoggedReason(t, s.hook, "/cgi-bin/ini.php", 403)
	})
}

// TestAnswer_StalledClientFreesTheScript guards C11 against a client that
// stops reading a large answer: the script's process (cgi) or worker
// (fastcgi) was held until --timeout, and two or three such clients held
// every slot. The rest of the answer is now set aside (outspool.go), the
// script is done and its slot free at once, and the client still gets the
// whole answer, in order, when it reads.
func TestAnswer_StalledClientFreesTheScript(t *testing.T) {
	t.Parallel()
	const size = 24 << 20
	big := fmt.Sprintf("#!/usr/bin/perl\n$| = 0;\nprint \"Content-Type: text/plain\\r\\n\\r\\n\";\nmy $line = join('', map { chr(97 + $_ %% 26) } 0 .. 1023);\nprint $line for 1 .. %d;\n", size/1024)
	for _, mode := range []Mode{ModeCGI, ModeFastCGI} {
		t.Run(string(mode), func(t *testing.T) {
			t.Parallel()
			// A held slot is freed by --timeout: a minute, far from
			// what the answers take on a loaded machine (under -race,
			// 24 MiB took over 5 s), and the stalled client's answer
			// must be out within it too.
			s := newCGISite(t, func(c *Config) { c.Mode = mode; c.MaxProcs = 1; c.Workers = 1; c.Queue = 8; c.Timeout = time.Minute })
			mustWriteFile(t, filepath.Join(s.dir, "big.pl"), big, 0o755)
			conn := dialSmallWindow(t, s.addr(), "/cgi-bin/big.pl")
			defer conn.Close()
			br := bufio.NewReaderSize(conn, 1024)
			if line, err := br.ReadString('\n'); err != nil || !strings.Contains(line, " 200 ") {
				t.Fatalf("status line %q, %v", line, err)
			}
			// The client reads nothing more. The one slot (process or
			// worker) must be free for the next request once the
			// script's output is set aside, not at its timeout: the
			// next answer's header within 30 s.
			start := time.Now()
			tr := &http.Transport{ResponseHeaderTimeout: 30 * time.Second}
			defer tr.CloseIdleConnections()
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute) // (a guard for the body)
			defer cancel()
			req, _ := http.NewRequestWithContext(ctx, http.MethodGet, s.url("big.pl?again"), nil)
			resp, err := (&http.Client{Transport: tr}).Do(req)
			if err != nil {
				t.Fatalf("a request while a client stalls: %v (after %v)", err, time.Since(start))
			}
			n, err := io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode != 200 || n != size {
				t.Errorf("a request while a client stalls: %d, %d bytes (%v), want 200 and %d", resp.StatusCode, n, err, size)
			}
			// The stalled client reads now, and gets all of it.
			rest, err := http.ReadResponse(bufio.NewReader(io.MultiReader(strings.NewReader("HTTP/1.1 200 OK\r\n"), br)), nil)
			if err != nil {
				t.Fatal(err)
			}
			body, err := io.ReadAll(rest.Body)
			if err != nil || len(body) != size {
				t.Fatalf("stalled client's answer: %d bytes, %v; want %d", len(body), err, size)
			}
			for i := 0; i < len(body); i += 4099 {
				if body[i] != byte(97+(i%1024)%26) {
					t.Fatalf("byte %d is %q, want %q: the answer is out of order", i, body[i], byte(97+(i%1024)%26))
				}
			}
			// What the spools hold in all is given back (their bound).
			if !waitFor(2*time.Second, func() bool { return s.g.answers.all.Load() == 0 && s.g.answers.mem.Load() == 0 }) {
				t.Errorf("the spools hold %d bytes after every answer went out", s.g.answers.all.Load())
			}
		})
	}
}

// TestAnswer_StalledClientThatLeaves: a client that stops reading a large
// answer, whose rest is set aside, and then hangs up: the request is
// logged as cut by the client, and the set-aside answer's file is closed.
func TestAnswer_StalledClientThatLeaves(t *testing.T) {
	t.Parallel()
	s := newCGISite(t, func(c *Config) { c.MaxProcs = 1; c.Queue = 8 })
	mustWriteFile(t, filepath.Join(s.dir, "big.sh"), "#!/bin/sh\nprintf 'Content-Type: text/plain\\r\\n\\r\\n'\nhead -c 25165824 /dev/zero\n", 0o755)
	conn := dialSmallWindow(t, s.addr(), "/cgi-bin/big.sh")
	if _, err := bufio.NewReaderSize(conn, 1024).ReadString('\n'); err != nil {
		t.Fatal(err)
	}
	spooled := func() bool {
		ents, _ := os.ReadDir("/proc/self/fd")
		for _, e := range ents {
			if l, _ := os.Readlink("/proc/self/fd/" + e.Name()); strings.HasPrefix(l, filepath.Join(s.g.tmpDir, "answer-")) { // (this gateway's: tests run in parallel)
				return true
			}
		}
		return false
	}
	if !waitFor(5*time.Second, spooled) {
		t.Fatal("the answer of a client that reads nothing was not set aside")
	}
	conn.Close()
	if !waitFor(5*time.Second, func() bool { return len(entriesWith(s.hook, "path", "/cgi-bin/big.sh")) > 0 }) {
		t.Fatalf("big.sh not logged; entries %v", messages(s.hook))
	}
	mustReasonSays(t, s.hook, "/cgi-bin/big.sh", "client went away")
	if !waitFor(2*time.Second, func() bool { return !spooled() }) {
		t.Error("the set-aside answer's file is still open after its client left")
	}
	if !waitFor(2*time.Second, func() bool { return s.g.answers.all.Load() == 0 && s.g.answers.mem.Load() == 0 }) {
		t.Errorf("the spools hold %d bytes after their client left", s.g.answers.all.Load())
	}
}

// TestAnswer_SpooledAnswerOfALingeringScript: a script that writes a large
// page, closes its output and goes on working ("send the page, then clean
// up"), to a client that stalls a moment: its answer ends when its bytes
// are out, not when the script ends (the spool waited for the script
// first), and the script's work still runs to its end.
func TestAnswer_SpooledAnswerOfALingeringScript(t *testing.T) {
	t.Parallel()
	s := newCGISite(t, func(c *Config) { c.Queue = 8 })
	mark := filepath.Join(t.TempDir(), "done")
	const size = 8 << 20
	mustWriteFile(t, filepath.Join(s.dir, "linger.pl"), fmt.Sprintf("#!/usr/bin/perl\n$| = 1;\nprint \"Content-Type: text/plain\\r\\n\\r\\n\";\nprint 'x' x 1024 for 1 .. %d;\nclose STDOUT;\nsleep 3;\nopen my $f, '>', '%s'; close $f;\n", size/1024, mark), 0o755)
	conn := dialSmallWindow(t, s.addr(), "/cgi-bin/linger.pl")
	defer conn.Close()
	br := bufio.NewReaderSize(conn, 1024)
	if _, err := br.ReadString('\n'); err != nil {
		t.Fatal(err)
	}
	time.Sleep(300 * time.Millisecond)
	start := time.Now()
	conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	resp, err := http.ReadResponse(bufio.NewReader(io.MultiReader(strings.NewReader("HTTP/1.1 200 OK\r\n"), br)), nil)
	if err != nil {
		t.Fatal(err)
	}
	n, err := io.Copy(io.Discard, resp.Body) // to the terminating chunk
	if err != nil || n != size {
		t.Fatalf("answer: %d bytes, %v; want %d", n, err, size)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("the answer ended %v after the client read on: it waited for the script's end", d)
	}
	if fileExists(mark) {
		t.Errorf("the script had ended before its answer: the test shows nothing")
	}
	if !waitFor(5*time.Second, func() bool { return fileExists(mark) }) {
		t.Errorf("the script's work after its answer did not run to its end")
	}
}

// dialSmallWindow connects to addr with a 4 KiB receive buffer (a client
// that takes a large answer slowly, as over a real network) and sends a
// GET of path.
func dialSmallWindow(t *testing.T, addr, path string) net.Conn {
	t.Helper()
	d := net.Dialer{Control: func(_, _ string, rc syscall.RawConn) error {
		return rc.Control(func(fd uintptr) { syscall.SetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_RCVBUF, 4096) })
	}}
	conn, err := d.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.WriteString(conn, "GET "+path+" HTTP/1.1\r\nHost: x\r\n\r\n"); err != nil {
		t.Fatal(err)
	}
	return conn
}

// TestAnswer_StalledClientOfALingeringScript: a script that closes its
// output and works on a moment, whose client stops reading: its slot is
// free when the script ends, not when its client reads (the spool waited
// for the client before it waited for the script).
func TestAnswer_StalledClientOfALingeringScript(t *testing.T) {
	t.Parallel()
	s := newCGISite(t, func(c *Config) { c.MaxProcs = 1; c.Queue = 8 })
	const size = 8 << 20
	mustWriteFile(t, filepath.Join(s.dir, "linger.pl"), fmt.Sprintf("#!/usr/bin/perl\n$| = 1;\nprint \"Content-Type: text/plain\\r\\n\\r\\n\";\nprint 'x' x 1024 for 1 .. %d;\nclose STDOUT;\nsleep 1;\n", size/1024), 0o755)
	conn := dialSmallWindow(t, s.addr(), "/cgi-bin/linger.pl")
	defer conn.Close()
	br := bufio.NewReaderSize(conn, 1024)
	if _, err := br.ReadString('\n'); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	c := &http.Client{Timeout: 6 * time.Second}
	resp, err := c.Get(s.url("hello.sh"))
	if err != nil {
		t.Fatalf("a request while a client stalls on a lingering script: %v (after %v)", err, time.Since(start))
	}
	resp.Body.Close()
	if d := time.Since(start); resp.StatusCode != 200 || d > 4*time.Second {
		t.Errorf("a request while a client stalls: %d after %v; want 200 once the script ended (about 1 s)", resp.StatusCode, d)
	}
	conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	rest, err := http.ReadResponse(bufio.NewReader(io.MultiReader(strings.NewReader("HTTP/1.1 200 OK\r\n"), br)), nil)
	if err != nil {
		t.Fatal(err)
	}
	if n, err := io.Copy(io.Discard, rest.Body); err != nil || n != size {
		t.Errorf("stalled client's answer: %d bytes, %v; want %d", n, err, size)
	}
}

// TestGateway_PanicIs500: a panic while serving a request (a bug of the
// gateway's, standing in here for the one --max-body's largest size
// caused) is a 500 with the connection closed, an access line with the
// reason and the stack in the log, and the gateway serves on. It was an
// empty reply and no access line.
func TestGateway_PanicIs500(t *testing.T) {
	t.Parallel()
	s := newCGISite(t, nil)
	hook := func(r *http.Request) {
		if r.URL.RawQuery == "boom" {
			panic("boom")
		}
	}
	s.g.panicHook.Store(&hook)
	resp, body := mustGet(t, s.url("hello.sh?boom"))
	if resp.StatusCode != http.StatusInternalServerError || !resp.Close {
		t.Errorf("a request whose serving panics: %d (close %v) %q, want 500 and the connection closed", resp.StatusCode, resp.Close, body)
	}
	mustLoggedReason(t, s.hook, "/cgi-bin/hello.sh", http.StatusInternalServerError)
	if !waitFor(2*time.Second, func() bool { return hasStack(s.hook) }) {
		t.Error("no log line with the panic's stack")
	}
	if resp, body := mustGet(t, s.url("hello.sh")); resp.StatusCode != http.StatusOK {
		t.Errorf("the next request: %d %q, want 200", resp.StatusCode, body)
	}
}

// hasStack tells whether a log entry carries a stack field naming the
// gateway's serveGuarded.
func hasStack(h *test.Hook) bool {
	for _, e := range h.AllEntries() {
		if st, ok := e.Data["stack"].(string); ok && strings.Contains(st, "serveGuarded") {
			return true
		}
	}
	return false
}
