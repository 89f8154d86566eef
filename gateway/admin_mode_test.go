package gateway

import (
	"bytes"
	"fmt"
	"html"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sirupsen/logrus/hooks/test"
)

// TestMode_UnknownScriptIs404 guards C30 against typos: switching a script
// that does not exist answers 404 and switches nothing, while an existing
// script (in a subdirectory) is switched.
func TestMode_UnknownScriptIs404(t *testing.T) {
	dir := t.TempDir()
	mustWriteFile(t, filepath.Join(dir, "sub", "report.pl"), "#!/usr/bin/perl\nprint \"Content-Type: text/plain\\n\\nok\\n\";\n", 0o755)
	g, _ := mustGateway(t, Config{Scripts: dir})
	admin := httptest.NewServer(g.AdminHandler())
	defer admin.Close()
	post := func(script string) int {
		resp, err := http.PostForm(admin.URL+"/mode", url.Values{"mode": {"fastcgi"}, "script": {script}})
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	for _, bad := range []string{"sub/reprot.pl", "sub", "../etc/passwd", "sub/report.pl/extra"} {
		if code := post(bad); code != http.StatusNotFound {
			t.Errorf("POST /mode script=%q: %d, want 404", bad, code)
		}
	}
	if t2 := g.modes.Load(); len(t2.scripts) != 0 {
		t.Errorf("unknown scripts were switched: %v", t2.scripts)
	}
	if code := post("sub/report.pl"); code != http.StatusOK {
		t.Fatalf("POST /mode script=sub/report.pl: %d, want 200", code)
	}
	if m := g.modes.Load().scripts["sub/report.pl"]; m != ModeFastCGI {
		t.Errorf("sub/report.pl mode %q, want fastcgi", m)
	}
	// Its URL path names it too, as bench takes it.
	g.SetMode(ModeCGI, "sub/report.pl")
	if code := post("/cgi-bin/sub/report.pl"); code != http.StatusOK || g.modes.Load().scripts["sub/report.pl"] != ModeFastCGI {
		t.Errorf("POST /mode script=/cgi-bin/sub/report.pl: %d, modes %v; want sub/report.pl switched", code, g.modes.Load().scripts)
	}
}

// TestMode_RawNameFirst: a name given as it is on disk wins over its
// reading as an escaped /status name: x\x41.sh (a backslash in the file
// name) switches that script, not xA.sh.
func TestMode_RawNameFirst(t *testing.T) {
	dir := t.TempDir()
	for _, name := range []string{`x\x41.sh`, "xA.sh"} {
		mustWriteFile(t, filepath.Join(dir, name), "#!/bin/sh\nprintf 'Content-Type: text/plain\\n\\nhi\\n'\n", 0o755)
	}
	g, _ := mustGateway(t, Config{Scripts: dir})
	admin := httptest.NewServer(g.AdminHandler())
	defer admin.Close()
	resp, err := http.PostForm(admin.URL+"/mode", url.Values{"mode": {"fastcgi"}, "script": {`x\x41.sh`}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if m := g.modes.Load().scripts; resp.StatusCode != http.StatusOK || m[`x\x41.sh`] != ModeFastCGI || m["xA.sh"] != "" {
		t.Errorf("POST /mode script=x\\x41.sh: %d, modes %v; want x\\x41.sh switched alone", resp.StatusCode, m)
	}
}

// TestMode_PerRequestScriptSaysSo: switching a script fastcgi mode cannot
// make persistent (a shell script) answers that it stays per request, and
// why, as the status page says; it answered as for any other script.
func TestMode_PerRequestScriptSaysSo(t *testing.T) {
	dir := t.TempDir()
	mustWriteFile(t, filepath.Join(dir, "hi.sh"), "#!/bin/sh\nprintf 'Content-Type: text/plain\\n\\nhi\\n'\n", 0o755)
	mustWriteFile(t, filepath.Join(dir, "hi.pl"), "#!/usr/bin/perl\nprint \"Content-Type: text/plain\\n\\nhi\\n\";\n", 0o755)
	g, _ := mustGateway(t, Config{Scripts: dir})
	admin := httptest.NewServer(g.AdminHandler())
	defer admin.Close()
	for script, want := range map[string]string{
		"hi.sh": "mode fastcgi for hi.sh; it is still served per request: not a Perl script (#!/bin/sh)\n",
		"hi.pl": "mode fastcgi for hi.pl\n",
	} {
		resp, err := http.PostForm(admin.URL+"/mode", url.Values{"mode": {"fastcgi"}, "script": {script}})
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK || string(b) != want {
			t.Errorf("POST /mode fastcgi %s: %d %q, want 200 %q", script, resp.StatusCode, b, want)
		}
	}
}

// TestMode_StatusButtonNamesItsScript: the /status page shows x\x41.sh's
// name as x\\x41.sh and xA.sh's as xA.sh, a file with a newline in its
// name as new\nline.pl; its buttons post that shown form with shown=1,
// which names that script only. Taken as a name as it is first, the
// button of the file with a newline switched the one named with a
// backslash and an n.
func TestMode_StatusButtonNamesItsScript(t *testing.T) {
	dir := t.TempDir()
	names := []string{`x\x41.sh`, "xA.sh", "new\nline.sh", `new\nline.sh`}
	for _, name := range names {
		mustWriteFile(t, filepath.Join(dir, name), "#!/bin/sh\nprintf 'Content-Type: text/plain\\n\\nhi\\n'\n", 0o755)
	}
	g, _ := mustGateway(t, Config{Scripts: dir})
	admin := httptest.NewServer(g.AdminHandler())
	defer admin.Close()
	resp, err := http.Get(admin.URL + "/status")
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	for _, name := range names {
		shown := scriptName(name)
		if !strings.Contains(string(page), `name="script" value="`+html.EscapeString(shown)+`"><input type="hidden" name="shown" value="1">`) {
			t.Fatalf("/status has no button posting %q with shown=1:\n%s", shown, page)
		}
		g.SetMode(ModeCGI, "")
		resp, err := http.PostForm(admin.URL+"/mode", url.Values{"mode": {"fastcgi"}, "script": {shown}, "shown": {"1"}})
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		m := g.modes.Load().scripts
		if resp.StatusCode != http.StatusOK || m[name] != ModeFastCGI || len(m) != 1 {
			t.Errorf("the button of %q (script=%q shown=1): %d, modes %q; want it switched alone", name, shown, resp.StatusCode, m)
		}
	}
}

// TestMode_DirectoryNamesItsIndex: a directory named with its slash, by
// its path (app/) or its URL (/cgi-bin/app/), switches its index script,
// the one a request for it runs; without the slash, or without an index
// script, it names nothing (404).
func TestMode_DirectoryNamesItsIndex(t *testing.T) {
	dir := t.TempDir()
	const hello = "#!/bin/sh\nprintf 'Content-Type: text/plain\\n\\nhi\\n'\n"
	mustWriteFile(t, filepath.Join(dir, "app", "index.pl"), hello, 0o755)
	mustWriteFile(t, filepath.Join(dir, "bare", "x.pl"), hello, 0o755)
	g, _ := mustGateway(t, Config{Scripts: dir})
	admin := httptest.NewServer(g.AdminHandler())
	defer admin.Close()
	for name, code := range map[string]int{"app/": 200, "/cgi-bin/app/": 200, "app": 404, "bare/": 404} {
		resp, err := http.PostForm(admin.URL+"/mode", url.Values{"mode": {"fastcgi"}, "script": {name}})
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != code {
			t.Errorf("POST /mode script=%s: %d, want %d", name, resp.StatusCode, code)
		}
	}
	if m := g.modes.Load().scripts; m["app/index.pl"] != ModeFastCGI || len(m) != 1 {
		t.Errorf("modes %v, want app/index.pl switched alone", m)
	}
}

// TestMode_ScriptsDirBeforeMount: a name without a leading slash is a path
// under the scripts directory first (the contract's sub/report.pl), also
// when a mount's prefix is /sub/ and holds a report.pl of its own; the
// mount's is named by its URL path, /sub/report.pl. An empty script
// field is refused (an unset variable must not switch every script).
func TestMode_ScriptsDirBeforeMount(t *testing.T) {
	dir, other := t.TempDir(), t.TempDir()
	const hello = "#!/bin/sh\nprintf 'Content-Type: text/plain\\n\\nhi\\n'\n"
	mustWriteFile(t, filepath.Join(dir, "sub", "report.pl"), hello, 0o755)
	mustWriteFile(t, filepath.Join(other, "report.pl"), hello, 0o755)
	mustWriteFile(t, filepath.Join(other, "only.pl"), hello, 0o755)
	conf := mustConfigFile(t, "[[mount]]\nprefix = \"/sub/\"\ndir = \""+other+"\"\n")
	g, _ := mustGateway(t, Config{Scripts: dir, ConfigFile: conf})
	admin := httptest.NewServer(g.AdminHandler())
	defer admin.Close()
	post := func(form url.Values) (int, string) {
		resp, err := http.PostForm(admin.URL+"/mode", form)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	for _, tc := range []struct{ name, key string }{
		{"sub/report.pl", "sub/report.pl"},
		{"/sub/report.pl", "/sub/report.pl"},
		{"sub/only.pl", "/sub/only.pl"}, // no such script in the scripts directory: the mount's
	} {
		code, body := post(url.Values{"mode": {"fastcgi"}, "script": {tc.name}})
		if code != http.StatusOK || !strings.HasPrefix(body, "mode fastcgi for "+tc.key+"\n") && !strings.HasPrefix(body, "mode fastcgi for "+tc.key+"; ") {
			t.Errorf("POST /mode script=%s: %d %q, want 200 switching %s", tc.name, code, body, tc.key)
		}
	}
	m := g.modes.Load().scripts
	if m["sub/report.pl"] != ModeFastCGI || m["/sub/report.pl"] != ModeFastCGI || m["/sub/only.pl"] != ModeFastCGI || len(m) != 3 {
		t.Errorf("modes %v, want the three scripts switched", m)
	}
	if code, _ := post(url.Values{"mode": {"cgi"}, "script": {""}}); code != http.StatusBadRequest {
		t.Errorf("POST /mode with an empty script: %d, want 400", code)
	}
	if g.modes.Load().all != "" {
		t.Errorf("an empty script name switched every script")
	}
}

// TestStatusJSON_NoScriptsIsEmptyList: with nothing to serve, /status.json
// lists [] (JSON consumers iterate it), not null.
func TestStatusJSON_NoScriptsIsEmptyList(t *testing.T) {
	g, _ := mustGateway(t, Config{Scripts: t.TempDir()})
	rec := httptest.NewRecorder()
	req := httptest.NewRequest(http.MethodGet, "/status.json", nil)
	req.Host = "127.0.0.1"
	g.AdminHandler().ServeHTTP(rec, req)
	if !strings.Contains(strings.ReplaceAll(rec.Body.String(), " ", ""), `"scripts":[]`) {
		t.Errorf("/status.json = %s, want \"scripts\":[]", rec.Body.String())
	}
}

// TestMode_MultipartForm: POST /mode takes a multipart form too (curl -F),
// with its token field.
func TestMode_MultipartForm(t *testing.T) {
	dir := t.TempDir()
	mustWriteFile(t, filepath.Join(dir, "a.pl"), "#!/usr/bin/perl\nprint \"Content-Type: text/plain\\n\\nok\\n\";\n", 0o755)
	g, _ := mustGateway(t, Config{Scripts: dir, AdminToken: "sesame"})
	admin := httptest.NewServer(g.AdminHandler())
	defer admin.Close()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	mw.WriteField("mode", "fastcgi")
	mw.WriteField("script", "a.pl")
	mw.WriteField("token", "sesame")
	mw.Close()
	resp, err := http.Post(admin.URL+"/mode", mw.FormDataContentType(), &buf)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("multipart POST /mode: %d %q, want 200", resp.StatusCode, body)
	}
	if m := g.modes.Load().scripts["a.pl"]; m != ModeFastCGI {
		t.Errorf("a.pl mode %q, want fastcgi", m)
	}
}

// TestMode_RepeatedFieldIs400: POST /mode with a field given twice
// (mode=fastcgi&mode=cgi, two scripts, or a mode in the query and the
// body) took its first value and answered 200, switching one script of
// two; it is a 400 naming the field, and nothing switches (C30, C40).
// A repeated token too, without showing it.
func TestMode_RepeatedFieldIs400(t *testing.T) {
	dir := t.TempDir()
	for _, n := range []string{"a.sh", "b.sh"} {
		mustWriteFile(t, filepath.Join(dir, n), helloSh, 0o755)
	}
	g, _ := mustGateway(t, Config{Scripts: dir, AdminToken: "sesame"})
	admin := httptest.NewServer(g.AdminHandler())
	defer admin.Close()
	post := func(query string, form url.Values) (int, string) {
		t.Helper()
		req, _ := http.NewRequest(http.MethodPost, admin.URL+"/mode"+query, strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		if form.Get("token") == "" {
			req.Header.Set("Authorization", "Bearer sesame")
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		return resp.StatusCode, strings.TrimSpace(string(body))
	}
	for _, tc := range []struct {
		name, query string
		form        url.Values
		want        string
	}{
		{"two modes", "", url.Values{"mode": {"fastcgi", "cgi"}}, `mode given 2 times ("fastcgi", "cgi"): give it once`},
		{"two scripts", "", url.Values{"mode": {"fastcgi"}, "script": {"a.sh", "b.sh"}},
			`script given 2 times ("a.sh", "b.sh"): give it once (one script per request; leave the field out to switch every script)`},
		{"mode in the query and the body", "?mode=cgi", url.Values{"mode": {"fastcgi"}}, `mode given 2 times ("fastcgi", "cgi"): give it once`},
		{"two tokens", "", url.Values{"mode": {"fastcgi"}, "token": {"sesame", "sesame"}}, `token given 2 times: give it once`},
	} {
		if code, body := post(tc.query, tc.form); code != http.StatusBadRequest || body != tc.want {
			t.Errorf("%s: %d %q, want 400 %q", tc.name, code, body, tc.want)
		}
	}
	if m := g.modes.Load(); m.all != "" || len(m.scripts) != 0 {
		t.Errorf("a repeated field switched a mode: %+v", m)
	}
	if code, body := post("", url.Values{"mode": {"fastcgi"}, "script": {"b.sh"}}); code != http.StatusOK || g.modes.Load().scripts["b.sh"] != ModeFastCGI {
		t.Errorf("POST /mode script=b.sh: %d %q, modes %+v; want b.sh switched", code, body, g.modes.Load())
	}
}

// TestMode_OversizedFormIs413: a POST /mode body past the admin's limit is
// named as such, not read as a missing mode field; nothing switches.
func TestMode_OversizedFormIs413(t *testing.T) {
	dir := t.TempDir()
	mustWriteFile(t, filepath.Join(dir, "a.pl"), "#!/usr/bin/perl\nprint \"Content-Type: text/plain\\n\\nok\\n\";\n", 0o755)
	g, _ := mustGateway(t, Config{Scripts: dir})
	admin := httptest.NewServer(g.AdminHandler())
	defer admin.Close()
	form := url.Values{"mode": {"fastcgi"}, "pad": {strings.Repeat("x", maxAdminForm)}}.Encode()
	resp, err := http.Post(admin.URL+"/mode", "application/x-www-form-urlencoded", strings.NewReader(form))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusRequestEntityTooLarge || !strings.Contains(string(body), "form over 65536 bytes") {
		t.Errorf("oversized POST /mode: %d %q, want 413 naming the limit", resp.StatusCode, body)
	}
	if m := g.modes.Load(); m.all != "" || len(m.scripts) != 0 {
		t.Errorf("an oversized form switched a mode: %+v", m)
	}
}

// TestAdmin_RefusedAndSwitchesLogged: an admin request refused for a wrong
// or missing token is logged with the client's address and why, and a
// mode switch says who asked for it: someone knocking at the admin
// listener, or switching scripts, is seen.
func TestAdmin_RefusedAndSwitchesLogged(t *testing.T) {
	dir := t.TempDir()
	mustWriteFile(t, filepath.Join(dir, "a.pl"), "#!/usr/bin/perl\nprint \"Content-Type: text/plain\\n\\nok\\n\";\n", 0o755)
	log, hook := test.NewNullLogger()
	g, _ := mustGateway(t, Config{Scripts: dir, AdminToken: "sesame", Logger: log})
	admin := httptest.NewServer(g.AdminHandler())
	defer admin.Close()
	for _, u := range []string{"/status.json?token=guess", "/status.json"} {
		resp, err := http.Get(admin.URL + u)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusUnauthorized {
			t.Errorf("GET %s: %d, want 401", u, resp.StatusCode)
		}
	}
	resp, err := http.PostForm(admin.URL+"/mode", url.Values{"mode": {"fastcgi"}, "script": {"a.pl"}, "token": {"sesame"}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	var refused []string
	switched := false
	for _, e := range hook.AllEntries() {
		switch e.Message {
		case "admin request refused":
			if e.Data["remote"] != "127.0.0.1" || e.Data["status"] != http.StatusUnauthorized {
				t.Errorf("refusal logged with %v", e.Data)
			}
			refused = append(refused, fmt.Sprint(e.Data["reason"]))
		case "mode switched":
			switched = e.Data["remote"] == "127.0.0.1" && e.Data["script"] == "a.pl"
		}
	}
	if strings.Join(refused, "|") != "wrong admin token|no admin token" {
		t.Errorf("refusals logged: %q, want a wrong token, then none", refused)
	}
	if !switched {
		t.Error("the mode switch is not logged with the client's address")
	}
}

// TestMode_NonFormBodyIs415: POST /mode reads a form. A body of another
// type (JSON, mode=cgi under text/plain), or one without a Content-Type,
// chunked or not, was left unread and answered 400 `mode ""`, as if the
// client had sent no mode; it is a 415 naming the two types it takes,
// with Accept-Post, and nothing switches (C30, C40). Who sent it is
// checked first: without the token such a body is a 401, from another
// origin a 403 (CSRF: a cross-site form may post text/plain). A request
// without a body keeps today's answers: its fields are in the query, or
// missing.
func TestMode_NonFormBodyIs415(t *testing.T) {
	dir := t.TempDir()
	mustWriteFile(t, filepath.Join(dir, "a.sh"), helloSh, 0o755)
	g, _ := mustGateway(t, Config{Scripts: dir, AdminToken: "sesame"})
	admin := mustAdmin(t, g)
	const (
		types = "application/x-www-form-urlencoded, multipart/form-data"
		takes = "POST /mode takes a form, application/x-www-form-urlencoded or multipart/form-data, not "
	)
	for _, tc := range []struct {
		name, query, ctype, auth, site string
		body                           io.Reader
		code                           int
		want                           string
	}{
		{"json", "", "application/json", "Bearer sesame", "", strings.NewReader(`{"mode":"cgi"}`), 415, takes + `"application/json"`},
		{"a form's bytes under text/plain", "", "text/plain; charset=utf-8", "Bearer sesame", "", strings.NewReader("mode=cgi"), 415, takes + `"text/plain"`},
		{"no Content-Type", "", "", "Bearer sesame", "", strings.NewReader("mode=cgi"), 415, takes + "a body without a Content-Type"},
		// (A reader that is no strings.Reader has no length: the client
		// sends it chunked.)
		{"chunked json", "", "application/json", "Bearer sesame", "", io.MultiReader(strings.NewReader(`{"mode":"cgi"}`)), 415, takes + `"application/json"`},
		{"token in the query", "?token=sesame", "application/json", "", "", strings.NewReader(`{"mode":"cgi"}`), 415, takes + `"application/json"`},
		{"json without the token", "", "application/json", "", "", strings.NewReader(`{"mode":"cgi"}`), 401, "admin token required"},
		{"from another site", "", "text/plain", "Bearer sesame", "cross-site", strings.NewReader("mode=cgi"), 403, "cross-origin request detected from Sec-Fetch-Site header"},
		{"no body, no Content-Type", "", "", "Bearer sesame", "", nil, 400, `mode "": want cgi or fastcgi`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req, err := http.NewRequest(http.MethodPost, admin.URL+"/mode"+tc.query, tc.body)
			if err != nil {
				t.Fatal(err)
			}
			if tc.ctype != "" {
				req.Header.Set("Content-Type", tc.ctype)
			}
			if tc.auth != "" {
				req.Header.Set("Authorization", tc.auth)
			}
			if tc.site != "" {
				req.Header.Set("Sec-Fetch-Site", tc.site)
			}
			resp, body := mustDo(t, req)
			if got := string(body); resp.StatusCode != tc.code || got != tc.want+"\n" {
				t.Errorf("POST /mode: %d %q, want %d %q", resp.StatusCode, got, tc.code, tc.want+"\n")
			}
			if got := resp.Header.Get("Accept-Post"); tc.code == 415 && got != types {
				t.Errorf("Accept-Post %q, want %q", got, types)
			}
		})
	}
	if m := g.modes.Load(); m.all != "" || len(m.scripts) != 0 {
		t.Fatalf("a body that is no form switched a mode: %+v", m)
	}
	// Without a body, the query's fields switch, whatever the
	// Content-Type says of the body there is not.
	for _, ctype := range []string{"", "application/json"} {
		req, err := http.NewRequest(http.MethodPost, admin.URL+"/mode?mode=fastcgi&script=a.sh", nil)
		if err != nil {
			t.Fatal(err)
		}
		if ctype != "" {
			req.Header.Set("Content-Type", ctype)
		}
		req.Header.Set("Authorization", "Bearer sesame")
		g.SetMode(ModeCGI, "a.sh")
		if resp, body := mustDo(t, req); resp.StatusCode != http.StatusOK || g.modes.Load().scripts["a.sh"] != ModeFastCGI {
			t.Errorf("POST /mode?mode=fastcgi&script=a.sh, Content-Type %q, no body: %d %q, modes %+v; want a.sh switched", ctype, resp.StatusCode, body, g.modes.Load())
		}
	}
}

// TestAdmin_WrongTokenIsNamed: a 401 for a token that was given says it
// is wrong, and one for none that it is required, in its body (which
// `menshen mode` shows) as in the log; a wrong one was answered "admin
// token required", sending its user after a flag already given. Both
// keep WWW-Authenticate.
func TestAdmin_WrongTokenIsNamed(t *testing.T) {
	g, _ := mustGateway(t, Config{Scripts: t.TempDir(), AdminToken: "sesame"})
	admin := mustAdmin(t, g)
	for _, tc := range []struct {
		name, method, path, auth string
		form                     url.Values
		want                     string
	}{
		{"wrong bearer", "GET", "/status.json", "Bearer nope", nil, "wrong admin token"},
		{"wrong ?token", "GET", "/status.json?token=nope", "", nil, "wrong admin token"},
		{"wrong form token", "POST", "/mode", "", url.Values{"mode": {"cgi"}, "token": {"nope"}}, "wrong admin token"},
		{"wrong bearer of POST /mode", "POST", "/mode", "Bearer nope", url.Values{"mode": {"cgi"}}, "wrong admin token"},
		{"no token", "GET", "/status.json", "", nil, "admin token required"},
		{"empty bearer", "GET", "/metrics", "Bearer ", nil, "admin token required"},
		{"no token to POST /mode", "POST", "/mode", "", url.Values{"mode": {"cgi"}}, "admin token required"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var body io.Reader
			if tc.form != nil {
				body = strings.NewReader(tc.form.Encode())
			}
			req, err := http.NewRequest(tc.method, admin.URL+tc.path, body)
			if err != nil {
				t.Fatal(err)
			}
			if tc.form != nil {
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			}
			if tc.auth != "" {
				req.Header.Set("Authorization", tc.auth)
			}
			resp, got := mustDo(t, req)
			if resp.StatusCode != http.StatusUnauthorized || string(got) != tc.want+"\n" {
				t.Errorf("%s %s: %d %q, want 401 %q", tc.method, tc.path, resp.StatusCode, got, tc.want+"\n")
			}
			if a := resp.Header.Get("WWW-Authenticate"); a != `Bearer realm="menshen admin"` {
				t.Errorf("WWW-Authenticate %q, want the bearer realm", a)
			}
		})
	}
	if m := g.modes.Load(); m.all != "" || len(m.scripts) != 0 {
		t.Errorf("a refused POST /mode switched a mode: %+v", m)
	}
}
