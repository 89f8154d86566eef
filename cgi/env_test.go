// env_test.go checks the script environment built by Env (C4, C5).

package cgi

import (
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// envMap turns Env's list into a map and fails on a malformed or repeated
// entry (repeats would leave the winner to os/exec).
func envMap(tb testing.TB, env []string) map[string]string {
	tb.Helper()
	m := make(map[string]string, len(env))
	for _, kv := range env {
		k, v, ok := strings.Cut(kv, "=")
		if !ok || k == "" {
			tb.Fatalf("malformed env entry %q", kv)
		}
		if _, dup := m[k]; dup {
			tb.Fatalf("env entry %q repeated", k)
		}
		m[k] = v
	}
	return m
}

func testParams() *Params {
	return &Params{
		ScriptFilename: "/srv/cgi-bin/sub dir/a.pl",
		ScriptName:     "/cgi-bin/sub dir/a.pl",
		PathInfo:       "/extra/p q",
		DocumentRoot:   "/srv/cgi-bin",
		ServerSoftware: "menshen/test",
		ContentLength:  -1,
	}
}

func TestEnv_Vars(t *testing.T) {
	r := httptest.NewRequest("POST", "http://www.example.com:8080/cgi-bin/sub%20dir/a.pl/extra/p%20q?a=1&b=%20x+y", strings.NewReader("k=v"))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	r.Header.Set("User-Agent", "test/1")
	r.Header.Add("Accept", "text/html")
	r.Header.Add("Accept", "text/plain")
	r.Header.Add("Cookie", "a=1")
	r.Header.Add("Cookie", "b=2")
	r.RemoteAddr = "192.0.2.7:40123"
	p := testParams()
	p.ContentLength = 3
	p.AuthType = "Basic"
	p.RemoteUser = "alice"

	got := envMap(t, Env(r, p))
	want := map[string]string{
		"PATH":              DefaultPath,
		"GATEWAY_INTERFACE": "CGI/1.1",
		"SERVER_SOFTWARE":   "menshen/test",
		"SERVER_PROTOCOL":   "HTTP/1.1",
		"SERVER_NAME":       "www.example.com",
		"SERVER_PORT":       "8080",
		"SERVER_ADDR":       "", // no local address on a synthetic request
		"REQUEST_METHOD":    "POST",
		"REQUEST_URI":       "http://www.example.com:8080/cgi-bin/sub%20dir/a.pl/extra/p%20q?a=1&b=%20x+y",
		"REQUEST_SCHEME":    "http",
		"QUERY_STRING":      "a=1&b=%20x+y",
		"SCRIPT_NAME":       "/cgi-bin/sub dir/a.pl",
		"SCRIPT_FILENAME":   "/srv/cgi-bin/sub dir/a.pl",
		"PATH_INFO":         "/extra/p q",
		"PATH_TRANSLATED":   "/srv/cgi-bin/extra/p q",
		"DOCUMENT_ROOT":     "/srv/cgi-bin",
		"REMOTE_ADDR":       "192.0.2.7",
		"REMOTE_PORT":       "40123",
		"AUTH_TYPE":         "Basic",
		"REMOTE_USER":       "alice",
		"CONTENT_LENGTH":    "3",
		"CONTENT_TYPE":      "application/x-www-form-urlencoded",
		"HTTP_HOST":         "www.example.com:8080",
		"HTTP_USER_AGENT":   "test/1",
		"HTTP_ACCEPT":       "text/html, text/plain",
		"HTTP_COOKIE":       "a=1; b=2",
	}
	for k, w := range want {
		if g, ok := got[k]; !ok || g != w {
			t.Errorf("%s = %q (present %v), want %q", k, g, ok, w)
		}
	}
	for k := range got {
		if _, ok := want[k]; !ok {
			t.Errorf("unexpected variable %s=%q", k, got[k])
		}
	}
}

func TestEnv_Optional(t *testing.T) {
	r := httptest.NewRequest("GET", "/cgi-bin/a.pl", nil)
	r.Header.Set("Content-Type", "text/plain") // no body: not announced
	p := testParams()
	p.PathInfo = ""
	got := envMap(t, Env(r, p))
	for _, k := range []string{"PATH_INFO", "PATH_TRANSLATED", "CONTENT_LENGTH", "CONTENT_TYPE", "HTTPS", "AUTH_TYPE", "REMOTE_USER", "HTTP_CONTENT_TYPE", "HTTP_CONTENT_LENGTH"} {
		if v, ok := got[k]; ok {
			t.Errorf("%s=%q present, want absent", k, v)
		}
	}
	if got["QUERY_STRING"] != "" {
		t.Errorf("QUERY_STRING = %q, want empty", got["QUERY_STRING"])
	}
	if got["SERVER_NAME"] != "example.com" || got["SERVER_PORT"] != "80" {
		t.Errorf("SERVER_NAME, SERVER_PORT = %q, %q; want example.com, 80", got["SERVER_NAME"], got["SERVER_PORT"])
	}

	// A zero-length body is a body: CONTENT_LENGTH=0 (C5).
	p.ContentLength = 0
	got = envMap(t, Env(r, p))
	if got["CONTENT_LENGTH"] != "0" || got["CONTENT_TYPE"] != "text/plain" {
		t.Errorf("CONTENT_LENGTH, CONTENT_TYPE = %q, %q; want 0, text/plain", got["CONTENT_LENGTH"], got["CONTENT_TYPE"])
	}

	p.Path = "/opt/bin"
	if got := envMap(t, Env(r, p)); got["PATH"] != "/opt/bin" {
		t.Errorf("PATH = %q, want the configured /opt/bin", got["PATH"])
	}
}

func TestEnv_IPv6Host(t *testing.T) {
	r := httptest.NewRequest("GET", "/a", nil)
	r.Host = "[2001:db8::1]:8443"
	r.RemoteAddr = "[2001:db8::2]:5555"
	got := envMap(t, Env(r, testParams()))
	if got["SERVER_NAME"] != "[2001:db8::1]" || got["SERVER_PORT"] != "8443" { // as Apache and lighttpd give it
		t.Errorf("SERVER_NAME, SERVER_PORT = %q, %q", got["SERVER_NAME"], got["SERVER_PORT"])
	}
	if got["REMOTE_ADDR"] != "2001:db8::2" || got["REMOTE_PORT"] != "5555" {
		t.Errorf("REMOTE_ADDR, REMOTE_PORT = %q, %q", got["REMOTE_ADDR"], got["REMOTE_PORT"])
	}
}

// serverEnv runs Env inside a real server's handler and returns the result.
func serverEnv(tb testing.TB, srv *httptest.Server, req *http.Request, p *Params) map[string]string {
	tb.Helper()
	ch := make(chan []string, 1)
	srv.Config.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ch <- Env(r, p)
	})
	resp, err := srv.Client().Do(req)
	if err != nil {
		tb.Fatalf("request: %v", err)
	}
	resp.Body.Close()
	return envMap(tb, <-ch)
}

func TestEnv_RealServer(t *testing.T) {
	srv := httptest.NewServer(nil)
	defer srv.Close()
	req, err := http.NewRequest("GET", srv.URL+"/cgi-bin/a.pl?q=%41", nil)
	if err != nil {
		t.Fatal(err)
	}
	got := serverEnv(t, srv, req, testParams())
	host, port, _ := net.SplitHostPort(srv.Listener.Addr().String())
	for k, w := range map[string]string{
		"SERVER_NAME":    host,
		"SERVER_ADDR":    host,
		"SERVER_PORT":    port,
		"REQUEST_SCHEME": "http",
		"REQUEST_URI":    "/cgi-bin/a.pl?q=%41",
		"QUERY_STRING":   "q=%41",
		"REMOTE_ADDR":    "127.0.0.1",
	} {
		if got[k] != w {
			t.Errorf("%s = %q, want %q", k, got[k], w)
		}
	}
	if got["REMOTE_PORT"] == "" || got["REMOTE_PORT"] == port {
		t.Errorf("REMOTE_PORT = %q, want the client's port", got["REMOTE_PORT"])
	}
	if _, ok := got["HTTPS"]; ok {
		t.Error("HTTPS set on a plain connection")
	}
}

func TestEnv_TLS(t *testing.T) {
	srv := httptest.NewTLSServer(nil)
	defer srv.Close()
	req, err := http.NewRequest("GET", srv.URL+"/a", nil)
	if err != nil {
		t.Fatal(err)
	}
	got := serverEnv(t, srv, req, testParams())
	_, port, _ := net.SplitHostPort(srv.Listener.Addr().String())
	if got["HTTPS"] != "on" || got["REQUEST_SCHEME"] != "https" || got["SERVER_PORT"] != port {
		t.Errorf("HTTPS, REQUEST_SCHEME, SERVER_PORT = %q, %q, %q; want on, https, %s", got["HTTPS"], got["REQUEST_SCHEME"], got["SERVER_PORT"], port)
	}

	// Without a local address, the default port follows the scheme.
	r := httptest.NewRequest("GET", "https://secure.example/a", nil)
	got = envMap(t, Env(r, testParams()))
	if got["HTTPS"] != "on" || got["SERVER_PORT"] != "443" || got["SERVER_NAME"] != "secure.example" {
		t.Errorf("HTTPS, SERVER_PORT, SERVER_NAME = %q, %q, %q; want on, 443, secure.example", got["HTTPS"], got["SERVER_PORT"], got["SERVER_NAME"])
	}
}

// TestEnv_HTTPSConfigured: behind a TLS-terminating proxy the config sets
// HTTPS=on ([env]): the scheme is https, and a Host without a port means
// 443, as the client asked; the variable itself is given once.
func TestEnv_HTTPSConfigured(t *testing.T) {
	p := testParams()
	p.Extra = []string{"HTTPS=On"}
	r := httptest.NewRequest("GET", "http://shop.example/a", nil)
	env := Env(r, p)
	got := envMap(t, env)
	if got["HTTPS"] != "On" || got["REQUEST_SCHEME"] != "https" || got["SERVER_PORT"] != "443" {
		t.Errorf("HTTPS, REQUEST_SCHEME, SERVER_PORT = %q, %q, %q; want On, https, 443", got["HTTPS"], got["REQUEST_SCHEME"], got["SERVER_PORT"])
	}
	n := 0
	for _, kv := range env {
		if strings.HasPrefix(kv, "HTTPS=") {
			n++
		}
	}
	if n != 1 {
		t.Errorf("HTTPS given %d times", n)
	}
	p.Extra = []string{"HTTPS=off"}
	if got := envMap(t, Env(r, p)); got["REQUEST_SCHEME"] != "http" || got["SERVER_PORT"] != "80" {
		t.Errorf("HTTPS=off: REQUEST_SCHEME, SERVER_PORT = %q, %q; want http, 80", got["REQUEST_SCHEME"], got["SERVER_PORT"])
	}
}

// TestEnvDropsProxyHeader: a client "Proxy:" header must never become
// HTTP_PROXY, which HTTP libraries read as their proxy (httpoxy,
// CVE-2016-5385, CVE-2016-5386, C4). Proxy-Authorization stays out too.
func TestEnvDropsProxyHeader(t *testing.T) {
	srv := httptest.NewServer(nil)
	defer srv.Close()
	req, _ := http.NewRequest("GET", srv.URL+"/a", nil)
	req.Header.Set("Proxy", "http://evil.example:3128")
	req.Header.Set("Proxy-Authorization", "Basic ZXZpbDpldmls")
	req.Header.Set("X-Ok", "1")
	got := serverEnv(t, srv, req, testParams())
	for k, v := range got {
		if strings.HasPrefix(k, "HTTP_PROXY") || strings.Contains(v, "evil") || strings.Contains(v, "ZXZpbDpldmls") {
			t.Errorf("%s=%q reached the script", k, v)
		}
	}
	if got["HTTP_X_OK"] != "1" {
		t.Errorf("HTTP_X_OK = %q, want 1 (the filter is too wide)", got["HTTP_X_OK"])
	}
}

// TestEnvDropsUnderscoreHeaders: "X_User: admin" would map to the same
// HTTP_X_USER as "X-User", letting a client spoof what a front proxy set;
// Apache drops any name with characters other than letters, digits and '-'
// (C4).
func TestEnvDropsUnderscoreHeaders(t *testing.T) {
	srv := httptest.NewServer(nil)
	defer srv.Close()
	req, _ := http.NewRequest("GET", srv.URL+"/a", nil)
	req.Header["X_User"] = []string{"admin"}
	req.Header["X.Role"] = []string{"admin"}
	req.Header["X-Real-User"] = []string{"bob"}
	got := serverEnv(t, srv, req, testParams())
	for k, v := range got {
		if v == "admin" {
			t.Errorf("%s=%q reached the script", k, v)
		}
	}
	if got["HTTP_X_REAL_USER"] != "bob" {
		t.Errorf("HTTP_X_REAL_USER = %q, want bob", got["HTTP_X_REAL_USER"])
	}

	// The same for names the server did not canonicalise.
	r := httptest.NewRequest("GET", "/a", nil)
	r.Header["x_user"] = []string{"admin"}
	r.Header["X User"] = []string{"admin"}
	r.Header["X=User"] = []string{"admin"}
	for k, v := range envMap(t, Env(r, testParams())) {
		if v == "admin" {
			t.Errorf("%s=%q reached the script", k, v)
		}
	}
}

// TestEnvDropsAuthorizationUnlessPassAuth: credentials reach the script
// only when configured (Apache CGIPassAuth, C4).
func TestEnvDropsAuthorizationUnlessPassAuth(t *testing.T) {
	r := httptest.NewRequest("GET", "/a", nil)
	r.Header.Set("Authorization", "Basic YWxpY2U6c2VjcmV0")
	r.Header.Set("Proxy-Authorization", "Basic cHJveHk6c2VjcmV0")
	p := testParams()
	got := envMap(t, Env(r, p))
	if v, ok := got["HTTP_AUTHORIZATION"]; ok {
		t.Errorf("HTTP_AUTHORIZATION=%q without PassAuth", v)
	}
	p.PassAuth = true
	got = envMap(t, Env(r, p))
	if got["HTTP_AUTHORIZATION"] != "Basic YWxpY2U6c2VjcmV0" {
		t.Errorf("HTTP_AUTHORIZATION = %q with PassAuth", got["HTTP_AUTHORIZATION"])
	}
	if v, ok := got["HTTP_PROXY_AUTHORIZATION"]; ok {
		t.Errorf("HTTP_PROXY_AUTHORIZATION=%q: the proxy's credentials are never passed", v)
	}
}

// TestEnvDropsShellshockValues: a value bash would import as a function
// (CVE-2014-6271) never reaches the environment, from any client-controlled
// source: a header, the Content-Type, the user name.
func TestEnvDropsShellshockValues(t *testing.T) {
	const bomb = "() { :;}; echo pwned"
	r := httptest.NewRequest("POST", "/a", strings.NewReader("x"))
	r.Header.Set("User-Agent", bomb)
	r.Header.Set("Referer", "  "+bomb)
	r.Header.Set("Cookie", bomb)
	r.Header.Set("Content-Type", bomb)
	r.Header.Set("X-Fine", "(){ not a function")
	p := testParams()
	p.ContentLength = 1
	p.RemoteUser = bomb
	p.AuthType = bomb
	got := envMap(t, Env(r, p))
	for k, v := range got {
		if strings.Contains(v, "pwned") {
			t.Errorf("%s=%q reached the script", k, v)
		}
	}
	if got["HTTP_X_FINE"] != "(){ not a function" {
		t.Errorf("HTTP_X_FINE = %q, want it kept", got["HTTP_X_FINE"])
	}
	if got["CONTENT_LENGTH"] != "1" {
		t.Errorf("CONTENT_LENGTH = %q, want 1", got["CONTENT_LENGTH"])
	}
}

// TestEnvDoesNotLeakGatewayEnvironment: the script sees only the C4
// variables, never the gateway's own (secrets, LD_PRELOAD, PERL5OPT...).
func TestEnvDoesNotLeakGatewayEnvironment(t *testing.T) {
	t.Setenv("MENSHEN_TEST_SECRET", "s3cret")
	t.Setenv("PERL5OPT", "-Mevil")
	t.Setenv("PATH", "/gateway/only/bin:/usr/bin")
	r := httptest.NewRequest("GET", "/a", nil)
	got := envMap(t, Env(r, testParams()))
	for k, v := range got {
		if k == "MENSHEN_TEST_SECRET" || k == "PERL5OPT" || strings.Contains(v, "s3cret") || strings.Contains(v, "/gateway/only") {
			t.Errorf("%s=%q leaked from the gateway", k, v)
		}
	}
	if got["PATH"] != DefaultPath {
		t.Errorf("PATH = %q, want %q", got["PATH"], DefaultPath)
	}
}

// TestEnv_ExtraAppended: configured variables come last, so they win over
// an earlier variable of the same name once os/exec dedups.
func TestEnv_ExtraAppended(t *testing.T) {
	r := httptest.NewRequest("GET", "/a", nil)
	p := testParams()
	p.Extra = []string{"APP_MODE=test", "PATH=/opt/app/bin"}
	env := Env(r, p)
	if n := len(env); n < 2 || env[n-2] != "APP_MODE=test" || env[n-1] != "PATH=/opt/app/bin" {
		t.Errorf("Env ends %q, want Extra last", env[max(0, len(env)-2):])
	}
}

// TestEnv_QueryStringNeverArgv: the query string goes to QUERY_STRING only;
// Env has no say over argv, but a "-s"-style query must arrive unchanged
// (php-cgi CVE-2012-1823).
func TestEnv_QueryStringNeverArgv(t *testing.T) {
	r := httptest.NewRequest("GET", "/a.php?-s+-d+allow_url_include%3d1", nil)
	got := envMap(t, Env(r, testParams()))
	if got["QUERY_STRING"] != "-s+-d+allow_url_include%3d1" {
		t.Errorf("QUERY_STRING = %q", got["QUERY_STRING"])
	}
}

// TestEnv_ServerPortFromHost: SERVER_NAME and SERVER_PORT are what the
// client asked for in Host, as Apache gives them (UseCanonicalName Off),
// not the port menshen listens on: behind a proxy that forwards
// example.com to menshen's 8080, a script's self-made URL must say
// example.com:80, not :8080. Checked against Apache 2.4 in the peer lab.
func TestEnv_ServerPortFromHost(t *testing.T) {
	srv := httptest.NewServer(nil)
	defer srv.Close()
	_, listenPort, _ := net.SplitHostPort(srv.Listener.Addr().String())
	for _, tc := range []struct{ host, name, port string }{
		{"example.com", "example.com", "80"},
		{"example.com:1234", "example.com", "1234"},
		{"EXAMPLE.com.", "example.com", "80"},
		{"Example.COM.:77", "example.com", "77"},
		{"127.0.0.1:" + listenPort, "127.0.0.1", listenPort},
	} {
		req, err := http.NewRequest("GET", srv.URL+"/a", nil)
		if err != nil {
			t.Fatal(err)
		}
		req.Host = tc.host
		got := serverEnv(t, srv, req, testParams())
		if got["SERVER_NAME"] != tc.name || got["SERVER_PORT"] != tc.port {
			t.Errorf("Host %q: SERVER_NAME, SERVER_PORT = %q, %q; want %q, %q", tc.host, got["SERVER_NAME"], got["SERVER_PORT"], tc.name, tc.port)
		}
	}
}

// TestRedirectEnv: a local redirect's target gets every variable the
// redirecting script got under REDIRECT_, REDIRECT_STATUS=200 and
// REDIRECT_URL (the decoded path, no query), as Apache's internal redirect
// gives them; a name the script got twice once, with the value it saw; and
// nothing C4 keeps from scripts (httpoxy).
func TestRedirectEnv(t *testing.T) {
	r := httptest.NewRequest("POST", "http://www.example.com/cgi-bin/sub%20dir/a.pl/extra/p%20q?a=1", strings.NewReader("k=v"))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	r.Header.Set("X-Custom", "v1")
	r.Header.Set("Proxy", "http://evil.example:3128")
	p := testParams()
	p.ContentLength = 3
	p.Extra = []string{"SITE=one", "PATH=/opt/app/bin"}
	p.Redirect = []string{"REDIRECT_STATUS=200", "REDIRECT_URL=/cgi-bin/first.pl"}
	got := envMap(t, RedirectEnv(r, p))
	for k, v := range map[string]string{
		"REDIRECT_REQUEST_METHOD":  "POST",
		"REDIRECT_REQUEST_URI":     "http://www.example.com/cgi-bin/sub%20dir/a.pl/extra/p%20q?a=1",
		"REDIRECT_QUERY_STRING":    "a=1",
		"REDIRECT_SCRIPT_NAME":     "/cgi-bin/sub dir/a.pl",
		"REDIRECT_PATH_INFO":       "/extra/p q",
		"REDIRECT_CONTENT_LENGTH":  "3",
		"REDIRECT_CONTENT_TYPE":    "application/x-www-form-urlencoded",
		"REDIRECT_HTTP_HOST":       "www.example.com",
		"REDIRECT_HTTP_X_CUSTOM":   "v1",
		"REDIRECT_SITE":            "one",
		"REDIRECT_PATH":            "/opt/app/bin",
		"REDIRECT_STATUS":          "200",
		"REDIRECT_URL":             "/cgi-bin/sub dir/a.pl/extra/p q",
		"REDIRECT_REDIRECT_STATUS": "200",
	} {
		if got[k] != v {
			t.Errorf("%s = %q, want %q", k, got[k], v)
		}
	}
	// The script had a PATH_INFO, so it did not get the first
	// redirect's REDIRECT_URL (TestEnv_RedirectURLWithPathInfo), and its
	// copy is not there either: only what a script got is copied.
	if v, ok := got["REDIRECT_REDIRECT_URL"]; ok {
		t.Errorf("REDIRECT_REDIRECT_URL = %q, want none", v)
	}
	p.PathInfo = ""
	if got := envMap(t, RedirectEnv(r, p)); got["REDIRECT_REDIRECT_URL"] != "/cgi-bin/first.pl" {
		t.Errorf("without PATH_INFO: REDIRECT_REDIRECT_URL = %q, want /cgi-bin/first.pl", got["REDIRECT_REDIRECT_URL"])
	}
	for k, v := range got {
		if !strings.HasPrefix(k, "REDIRECT_") {
			t.Errorf("%s=%q: not a REDIRECT_ variable", k, v)
		}
		if strings.HasSuffix(k, "HTTP_PROXY") || strings.Contains(v, "evil.example") {
			t.Errorf("%s=%q: the Proxy header came back through the redirect (httpoxy)", k, v)
		}
	}
}

// TestEnv_RedirectBeforeExtra: a redirect target gets the redirect's
// variables, and a name that Extra sets too only once, Extra's: a php-cgi
// target has REDIRECT_STATUS=200 from its wrapper and from the redirect, and
// a FastCGI application would see both (os/exec dedups, FCGI_PARAMS do not).
func TestEnv_RedirectBeforeExtra(t *testing.T) {
	r := httptest.NewRequest("GET", "/a", nil)
	p := testParams()
	p.PathInfo = ""
	p.Redirect = []string{"REDIRECT_STATUS=200", "REDIRECT_URL=/first", "REDIRECT_SITE=old"}
	p.Extra = []string{"REDIRECT_STATUS=200", "REDIRECT_SITE=configured"}
	var names []string
	got := map[string]string{}
	EachEnv(r, p, func(k, v string) { names = append(names, k); got[k] = v })
	envMap(t, Env(r, p)) // fails on a repeated name
	if got["REDIRECT_URL"] != "/first" || got["REDIRECT_STATUS"] != "200" || got["REDIRECT_SITE"] != "configured" {
		t.Errorf("REDIRECT_URL %q, REDIRECT_STATUS %q, REDIRECT_SITE %q, want /first, 200, configured", got["REDIRECT_URL"], got["REDIRECT_STATUS"], got["REDIRECT_SITE"])
	}
	if n := len(names); n < 2 || names[n-2] != "REDIRECT_STATUS" || names[n-1] != "REDIRECT_SITE" {
		t.Errorf("EachEnv ends %q, want Extra last", names[max(0, len(names)-2):])
	}
}

// TestEnv_RedirectURLWithPathInfo: a redirect target with a PATH_INFO
// gets no REDIRECT_URL (php-cgi would take it, with PATH_TRANSLATED, for
// Apache's Action handler and run the file PATH_TRANSLATED names), and
// keeps the rest of the redirect's variables; without a PATH_INFO it gets
// REDIRECT_URL.
func TestEnv_RedirectURLWithPathInfo(t *testing.T) {
	r := httptest.NewRequest("GET", "/cgi-bin/sub%20dir/a.pl/up/avatar.gif", nil)
	p := testParams()
	p.PathInfo = "/up/avatar.gif"
	p.Redirect = []string{"REDIRECT_STATUS=200", "REDIRECT_URL=/cgi-bin/login.sh", "REDIRECT_SCRIPT_NAME=/cgi-bin/login.sh"}
	got := envMap(t, Env(r, p))
	if v, ok := got["REDIRECT_URL"]; ok {
		t.Errorf("REDIRECT_URL = %q beside PATH_TRANSLATED %q, want none", v, got["PATH_TRANSLATED"])
	}
	if got["PATH_INFO"] != "/up/avatar.gif" || got["REDIRECT_STATUS"] != "200" || got["REDIRECT_SCRIPT_NAME"] != "/cgi-bin/login.sh" {
		t.Errorf("PATH_INFO %q, REDIRECT_STATUS %q, REDIRECT_SCRIPT_NAME %q, want /up/avatar.gif, 200, /cgi-bin/login.sh", got["PATH_INFO"], got["REDIRECT_STATUS"], got["REDIRECT_SCRIPT_NAME"])
	}
	p.PathInfo = ""
	if got := envMap(t, Env(r, p)); got["REDIRECT_URL"] != "/cgi-bin/login.sh" {
		t.Errorf("without PATH_INFO: REDIRECT_URL = %q, want /cgi-bin/login.sh", got["REDIRECT_URL"])
	}
}

// TestEnv_HostPortLeadingZeros: Host a:00080 is port 80 to the script, as
// Apache reads it (a number), not the digits as sent.
func TestEnv_HostPortLeadingZeros(t *testing.T) {
	r := httptest.NewRequest("GET", "/a", nil)
	r.Host = "example.com:00080"
	got := envMap(t, Env(r, testParams()))
	if got["SERVER_NAME"] != "example.com" || got["SERVER_PORT"] != "80" {
		t.Errorf("SERVER_NAME, SERVER_PORT = %q, %q; want example.com, 80", got["SERVER_NAME"], got["SERVER_PORT"])
	}
}
