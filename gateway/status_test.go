// status_test.go tests the admin listener's status page, its access control
// and the mode buttons (C40, C30), up to a real headless Chromium.

package gateway

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
	"unicode/utf8"
)

const (
	helloSh = "#!/bin/sh\nprintf 'Content-Type: text/plain\\n\\nhello\\n'\n"
	helloPl = "#!/usr/bin/perl\nprint \"Content-Type: text/plain\\n\\nhello\\n\";\n"
)

// mustStatusScripts writes a scripts directory with a shell and a Perl
// script (plus extra name → content) and returns it.
func mustStatusScripts(tb testing.TB, extra map[string]string) string {
	tb.Helper()
	dir := filepath.Join(tb.TempDir(), "scripts")
	mustWriteFile(tb, filepath.Join(dir, "hello.sh"), helloSh, 0o755)
	mustWriteFile(tb, filepath.Join(dir, "hello.pl"), helloPl, 0o755)
	for name, content := range extra {
		mustWriteFile(tb, filepath.Join(dir, name), content, 0o755)
	}
	return dir
}

// mustAdmin serves g's admin API on a loopback httptest.Server, closed
// before the Gateway in Cleanup.
func mustAdmin(tb testing.TB, g *Gateway) *httptest.Server {
	tb.Helper()
	srv := httptest.NewServer(g.AdminHandler())
	tb.Cleanup(srv.Close)
	return srv
}

// mustHits GETs a script n times and fails unless each answered 200.
func mustHits(tb testing.TB, base, script string, n int) {
	tb.Helper()
	for range n {
		resp, body := mustGet(tb, base+"/cgi-bin/"+script)
		if resp.StatusCode != http.StatusOK {
			tb.Fatalf("GET %s: %d %q", script, resp.StatusCode, body)
		}
	}
}

// mustStatusJSON fetches and decodes /status.json.
func mustStatusJSON(tb testing.TB, url string) Status {
	tb.Helper()
	resp, body := mustGet(tb, url)
	if resp.StatusCode != http.StatusOK {
		tb.Fatalf("GET /status.json: %d %q", resp.StatusCode, body)
	}
	var st Status
	if err := json.Unmarshal(body, &st); err != nil {
		tb.Fatalf("decode /status.json: %v\n%s", err, body)
	}
	return st
}

func findScript(st Status, name string) (ScriptStatus, bool) {
	for _, s := range st.Scripts {
		if s.Name == name {
			return s, true
		}
	}
	return ScriptStatus{}, false
}

// TestStatus_RendersRowsAndChart drives scripts in CGI mode, switches to
// FastCGI and drives them again: /status then shows a row per script and a
// chart bar per mode it ran in, and /status.json the same data (C40). The
// shell script cannot be made persistent: in FastCGI mode it is still run
// per request, counted as CGI, and its row says why.
func TestStatus_RendersRowsAndChart(t *testing.T) {
	dir := mustStatusScripts(t, nil)
	g, srv := mustGateway(t, Config{Scripts: dir})
	admin := mustAdmin(t, g)

	mustHits(t, srv.URL, "hello.sh", 3)
	mustHits(t, srv.URL, "hello.pl", 3)
	g.SetMode(ModeFastCGI, "")
	mustHits(t, srv.URL, "hello.sh", 2)
	mustHits(t, srv.URL, "hello.pl", 4)

	st := mustStatusJSON(t, admin.URL+"/status.json")
	if st.Mode != ModeFastCGI {
		t.Errorf("status mode = %q, want fastcgi", st.Mode)
	}
	if st.Started.IsZero() || st.Uptime == "" {
		t.Errorf("status started %v uptime %q, want both set", st.Started, st.Uptime)
	}
	want := map[string][2]int64{"hello.sh": {5, 0}, "hello.pl": {3, 4}}
	rows := map[string]ScriptStatus{}
	for name, n := range want {
		s, ok := findScript(st, name)
		if !ok {
			t.Fatalf("status.json has no %s: %+v", name, st.Scripts)
		}
		rows[name] = s
		if s.Mode != ModeFastCGI {
			t.Errorf("%s mode = %q, want fastcgi", name, s.Mode)
		}
		for i, mode := range []Mode{ModeCGI, ModeFastCGI} {
			rep := s.Modes[mode]
			if rep.Requests != n[i] || rep.Codes["200"] != n[i] {
				t.Errorf("%s %s: requests %d codes %v, want %d × 200", name, mode, rep.Requests, rep.Codes, n[i])
			}
			if n[i] > 0 && (rep.P50ms <= 0 || rep.P99ms < rep.P50ms) {
				t.Errorf("%s %s: p50 %v p99 %v, want 0 < p50 <= p99", name, mode, rep.P50ms, rep.P99ms)
			}
		}
		if got := s.Modes[ModeCGI].Spawns; got != n[0] {
			t.Errorf("%s: CGI spawns = %d, want %d (one per request)", name, got, n[0])
		}
	}
	if r := rows["hello.sh"].Reason; r == "" {
		t.Errorf("hello.sh: no reason why it cannot be made persistent")
	}
	pl := rows["hello.pl"]
	if len(pl.Workers) == 0 || pl.Modes[ModeFastCGI].Spawns < 1 {
		t.Fatalf("hello.pl: %d workers, %d spawned; want at least one", len(pl.Workers), pl.Modes[ModeFastCGI].Spawns)
	}
	var served int64
	for _, w := range pl.Workers {
		if w.PID <= 0 || w.Started.IsZero() || w.AgeSeconds < 0 {
			t.Errorf("hello.pl worker %+v: want pid, start and age", w)
		}
		// In milliseconds, as JSON writes it: 1.378, not the
		// 1.3780000000000001 of Duration.Seconds().
		if b, _ := json.Marshal(w.AgeSeconds); len(b) > len("123456.789") && !strings.Contains(string(b), "e") {
			t.Errorf("hello.pl worker age_seconds %s: want milliseconds", b)
		}
		served += w.Requests
	}
	if served != 4 {
		t.Errorf("hello.pl workers served %d requests, want 4", served)
	}

	resp, body := mustGet(t, admin.URL+"/status")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET /status: %d %q", resp.StatusCode, body)
	}
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/html") {
		t.Errorf("Content-Type = %q, want text/html", ct)
	}
	if csp := resp.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'none'") {
		t.Errorf("Content-Security-Policy = %q, want default-src 'none'", csp)
	}
	page := string(body)
	for _, s := range []string{
		`<tr class="script">`, `<td class="name">hello.sh`, `<td class="name">hello.pl`,
		"<svg", `<rect class="cgi"`, `<rect class="fastcgi"`, "CGI vs FastCGI",
	} {
		if !strings.Contains(page, s) {
			t.Errorf("/status lacks %q", s)
		}
	}
	if n := strings.Count(page, `<tr class="script">`); n != 2 {
		t.Errorf("/status has %d script rows, want 2", n)
	}
	if n := strings.Count(page, `<g class="script">`); n != 2 {
		t.Errorf("/status chart has %d script groups, want 2", n)
	}
	if n := strings.Count(page, `<rect class="fastcgi"`); n != 1 {
		t.Errorf("/status chart has %d FastCGI bars, want 1 (hello.pl)", n)
	}
	if !strings.Contains(page, `<span class="pid">`+strconv.Itoa(pl.Workers[0].PID)+`</span>`) {
		t.Errorf("/status does not show worker pid %d", pl.Workers[0].PID)
	}
	if !strings.Contains(page, `<div class="reason">`) {
		t.Errorf("/status does not show why hello.sh cannot be made persistent")
	}
	if regexp.MustCompile(`(?i)<script|src="http|href="http`).MatchString(page) {
		t.Errorf("/status uses script or external assets")
	}
}

// TestStatus_KindShownInCGIMode: the status says which scripts fastcgi
// mode could make persistent, and why not the others, in cgi mode too
// (the default), where an operator decides whether to switch (C21, C40).
func TestStatus_KindShownInCGIMode(t *testing.T) {
	dir := mustStatusScripts(t, nil)
	g, _ := mustGateway(t, Config{Scripts: dir})
	admin := mustAdmin(t, g)
	st := mustStatusJSON(t, admin.URL+"/status.json")
	for name, kind := range map[string]string{"hello.sh": "per-request", "hello.pl": "perl"} {
		s, ok := findScript(st, name)
		if !ok {
			t.Fatalf("status.json has no %s", name)
		}
		if s.Mode != ModeCGI || s.Kind != kind || (kind == "per-request") != (s.Reason != "") {
			t.Errorf("%s: mode %q kind %q reason %q, want cgi, %q, and a reason only if per-request", name, s.Mode, s.Kind, s.Reason, kind)
		}
	}
	if _, body := mustGet(t, admin.URL+"/status"); !strings.Contains(string(body), "not a Perl script") {
		t.Errorf("/status in cgi mode does not say why hello.sh cannot be made persistent")
	}
}

// TestStatus_RefusedBodyCountsInTheModeServed: a body refused before
// anything runs (413 past --max-body) counts in the mode the script is
// served in, as its other requests do: for a shell script in fastcgi mode
// that is cgi, not a FastCGI request the chart would compare (C40).
func TestStatus_RefusedBodyCountsInTheModeServed(t *testing.T) {
	dir := mustStatusScripts(t, nil)
	g, srv := mustGateway(t, Config{Scripts: dir, MaxBody: 10})
	admin := mustAdmin(t, g)
	g.SetMode(ModeFastCGI, "")
	for _, script := range []string{"hello.sh", "hello.pl"} {
		mustHits(t, srv.URL, script, 2)
		resp, err := http.Post(srv.URL+"/cgi-bin/"+script, "text/plain", strings.NewReader(strings.Repeat("x", 100)))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusRequestEntityTooLarge {
			t.Fatalf("POST %s of 100 bytes with --max-body 10: %d, want 413", script, resp.StatusCode)
		}
	}
	st := mustStatusJSON(t, admin.URL+"/status.json")
	for name, want := range map[string]Mode{"hello.sh": ModeCGI, "hello.pl": ModeFastCGI} {
		s, _ := findScript(st, name)
		for _, mode := range []Mode{ModeCGI, ModeFastCGI} {
			n := s.Modes[mode].Codes["413"]
			if mode == want && n != 1 || mode != want && n != 0 {
				t.Errorf("%s: %d 413s counted in %s, want the one in %s", name, n, mode, want)
			}
		}
	}
}

// TestStatus_ChartCaption renders a page from a made-up status, so that the
// chart's numbers are known: the caption states both p50s and the speed-up,
// and bars, ticks and workers show (C40). A script served per request in
// both modes (a shell script) was captioned "no FastCGI requests yet",
// which it never gets: its caption says it is served per request in both
// modes, and why; a Perl script not yet run in fastcgi mode still waits.
func TestStatus_ChartCaption(t *testing.T) {
	now := time.Now()
	st := Status{Version: "test", Mode: ModeFastCGI, Uptime: "1m0s", Scripts: []ScriptStatus{
		{
			Name: "report.pl", Mode: ModeFastCGI, Kind: "perl", Isolation: "auto",
			Modes: map[Mode]ModeReport{
				ModeCGI:     {Requests: 40, Codes: map[string]int64{"200": 38, "502": 2}, Spawns: 40, P50ms: 76, P99ms: 120},
				ModeFastCGI: {Requests: 400, Codes: map[string]int64{"200": 400}, Spawns: 2, P50ms: 1.2, P99ms: 4.5},
			},
			Workers: []WorkerStatus{
				{PID: 4242, Started: now.Add(-3 * time.Minute), Requests: 210, Busy: true, Active: 1, Capacity: 1, AgeSeconds: 192},
				{PID: 4243, Started: now.Add(-time.Minute), Requests: 9, Busy: true, Active: 2, Capacity: 4, AgeSeconds: 60},
			},
		},
		{
			Name: "hello.sh", Mode: ModeFastCGI, Kind: "per-request", Reason: "not a Perl script (#!/bin/sh)",
			Modes: map[Mode]ModeReport{ModeCGI: {Requests: 5, Codes: map[string]int64{"200": 5}, Spawns: 5, P50ms: 3.1, P99ms: 3.9}},
		},
		{
			Name: "later.pl", Mode: ModeCGI, Kind: "perl",
			Modes: map[Mode]ModeReport{ModeCGI: {Requests: 2, Codes: map[string]int64{"200": 2}, Spawns: 2, P50ms: 20, P99ms: 25}},
		},
	}}
	var buf bytes.Buffer
	if err := statusTmpl.Execute(&buf, buildStatusView(st, now)); err != nil {
		t.Fatalf("render: %v", err)
	}
	page := buf.String()
	for _, s := range []string{
		"report.pl: CGI 76 ms vs FastCGI 1.2 ms, 63× faster</title>",
		`<tspan class="speedup">63× faster</tspan>`,
		`<tspan class="caption" dx="10">CGI 3.1 ms; served per request in both modes: not a Perl script (#!/bin/sh)</tspan>`,
		"later.pl: CGI 20 ms; no FastCGI requests yet</title>",
		"p50 76 ms · p99 120 ms",
		"p50 1.2 ms · p99 4.5 ms",
		`<span class="pid">4242</span> · 3m12s · 210 req · <span class="busy">busy</span></li>`,
		`<span class="pid">4243</span> · 1m00s · 9 req · <span class="busy">busy</span> · 2/4 at once</li>`,
		"(2 5xx)",
		`<div class="reason">not a Perl script (#!/bin/sh)</div>`,
		`<td class="num">42<div class="by">40 CGI · 2 FastCGI</div></td>`, // report.pl spawns: 40 CGI + 2 workers
		`<td class="num">5</td>`,
		">1 ms</text>", ">100 ms</text>",
	} {
		if !strings.Contains(page, s) {
			t.Errorf("page lacks %q", s)
		}
	}
	if strings.Contains(page, "hello.sh: CGI 3.1 ms; no FastCGI") {
		t.Errorf("hello.sh, served per request in both modes, waits for FastCGI requests")
	}
	// A long reason is cut in the headline, and whole in its tooltip.
	nph := ScriptStatus{Name: "nph-x.sh", Kind: "per-request", Reason: nphReason,
		Modes: map[Mode]ModeReport{ModeCGI: {Requests: 1, Codes: map[string]int64{"200": 1}, Spawns: 1, P50ms: 3, P99ms: 3}}}
	gr := buildChart([]ScriptStatus{nph}).Groups[0]
	if n := utf8.RuneCountInString(gr.Caption); n > maxCaptionRunes || !strings.HasSuffix(gr.Caption, "…") || !strings.HasSuffix(gr.Title, nphReason) {
		t.Errorf("nph-x.sh: caption %q (%d runes), title %q; want it cut to %d runes, and the reason whole in the title", gr.Caption, n, gr.Title, maxCaptionRunes)
	}
}

// TestStatus_ChartNoRatioForFailures: a script that answered 502 to every
// request in both modes (no header block) had a headline "9.4× faster",
// the speed of its failures. A mode whose every answer was a 5xx now gives
// no ratio, and the headline says why; some 5xx among good answers keep
// it (report.pl in TestStatus_ChartCaption) (C40).
func TestStatus_ChartNoRatioForFailures(t *testing.T) {
	failed := func(n int64, ms float64) ModeReport {
		return ModeReport{Requests: n, Codes: map[string]int64{"502": n}, Spawns: n, P50ms: ms, P99ms: ms}
	}
	st := Status{Version: "test", Mode: ModeFastCGI, Uptime: "1m0s", Scripts: []ScriptStatus{
		{Name: "broken.pl", Mode: ModeFastCGI, Kind: "perl", Modes: map[Mode]ModeReport{ModeCGI: failed(5, 7.2), ModeFastCGI: failed(5, 0.77)}},
		{Name: "half.pl", Mode: ModeFastCGI, Kind: "perl", Modes: map[Mode]ModeReport{
			ModeCGI:     {Requests: 5, Codes: map[string]int64{"200": 5}, Spawns: 5, P50ms: 40, P99ms: 50},
			ModeFastCGI: failed(5, 1.5),
		}},
	}}
	var buf bytes.Buffer
	if err := statusTmpl.Execute(&buf, buildStatusView(st, time.Now())); err != nil {
		t.Fatalf("render: %v", err)
	}
	page := buf.String()
	for _, s := range []string{
		"broken.pl: CGI 7.2 ms vs FastCGI 0.77 ms; no ratio: every answer in both modes was a 5xx</title>",
		"half.pl: CGI 40 ms vs FastCGI 1.5 ms; no ratio: every FastCGI answer was a 5xx</title>",
	} {
		if !strings.Contains(page, s) {
			t.Errorf("page lacks %q", s)
		}
	}
	if regexp.MustCompile(`faster|slower|class="speedup"`).MatchString(page) {
		t.Errorf("page shows a speed-up of failures:\n%s", page)
	}
}

// TestStatusEscapesScriptNames serves a script whose file name is markup:
// the status page shows it as text, in the table and in the chart, and
// never as a tag (CVE-2009-0796, Apache::Status XSS).
func TestStatusEscapesScriptNames(t *testing.T) {
	const evil = `<img src=x onerror=alert(1)>.pl`
	dir := mustStatusScripts(t, map[string]string{evil: helloSh})
	g, srv := mustGateway(t, Config{Scripts: dir})
	admin := mustAdmin(t, g)
	mustHits(t, srv.URL, url.PathEscape(evil), 1)

	_, body := mustGet(t, admin.URL+"/status")
	page := string(body)
	if strings.Contains(page, "<img") {
		t.Errorf("/status contains the script name as a tag:\n%s", page)
	}
	if n := strings.Count(page, "&lt;img src=x onerror=alert(1)&gt;.pl"); n < 3 { // row, form, chart
		t.Errorf("/status shows the escaped name %d times, want at least 3 (row, button, chart)", n)
	}
	_, js := mustGet(t, admin.URL+"/status.json")
	if bytes.Contains(js, []byte("<img")) {
		t.Errorf("/status.json contains a raw tag: %s", js)
	}
	if st := mustStatusJSON(t, admin.URL+"/status.json"); func() bool { _, ok := findScript(st, evil); return !ok }() {
		t.Errorf("/status.json lost the name %q", evil)
	}
}

// TestAdmin_TokenRequired: with an admin token, status, metrics and mode
// need it (bearer, query or form field) and /healthz does not (C40).
func TestAdmin_TokenRequired(t *testing.T) {
	const tok = "s3cret-token"
	dir := mustStatusScripts(t, nil)
	g, _ := mustGateway(t, Config{Scripts: dir, AdminToken: tok})
	admin := mustAdmin(t, g)

	type req struct {
		method, path string
		form         url.Values
	}
	cases := []req{
		{"GET", "/status", nil},
		{"GET", "/status.json", nil},
		{"GET", "/metrics", nil},
		{"POST", "/mode", url.Values{"mode": {"cgi"}}},
	}
	do := func(rq req, auth, query string, form url.Values) int {
		t.Helper()
		var body *strings.Reader
		if form != nil {
			body = strings.NewReader(form.Encode())
		} else {
			body = strings.NewReader("")
		}
		r, err := http.NewRequest(rq.method, admin.URL+rq.path+query, body)
		if err != nil {
			t.Fatal(err)
		}
		if form != nil {
			r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		}
		if auth != "" {
			r.Header.Set("Authorization", auth)
		}
		resp, _ := mustDo(t, r)
		return resp.StatusCode
	}
	for _, rq := range cases {
		t.Run(rq.method+rq.path, func(t *testing.T) {
			if got := do(rq, "", "", rq.form); got != http.StatusUnauthorized {
				t.Errorf("no token: %d, want 401", got)
			}
			if got := do(rq, "Bearer wrong", "", rq.form); got != http.StatusUnauthorized {
				t.Errorf("wrong token: %d, want 401", got)
			}
			if got := do(rq, "Bearer "+tok, "", rq.form); got != http.StatusOK {
				t.Errorf("bearer token: %d, want 200", got)
			}
			if got := do(rq, "", "?token="+tok, rq.form); got != http.StatusOK {
				t.Errorf("?token: %d, want 200", got)
			}
			if rq.method == "POST" {
				f := url.Values{"mode": {"cgi"}, "token": {tok}}
				if got := do(rq, "", "", f); got != http.StatusOK {
					t.Errorf("form token: %d, want 200", got)
				}
			}
		})
	}
	if got := do(req{"GET", "/healthz", nil}, "", "", nil); got != http.StatusOK {
		t.Errorf("/healthz without token: %d, want 200", got)
	}

	// / sends a browser on to the page, token kept.
	if resp, _ := mustGet(t, admin.URL+"/?token="+tok); resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/status?token="+tok {
		t.Errorf("GET /?token=: %d Location %q, want 303 /status?token=%s", resp.StatusCode, resp.Header.Get("Location"), tok)
	}

	// The page carries the token to its links and buttons.
	_, body := mustGet(t, admin.URL+"/status?token="+tok)
	if !strings.Contains(string(body), `name="token" value="`+tok+`"`) {
		t.Errorf("/status?token= has no token in its forms")
	}
}

// TestAdmin_ModeFormRedirectsBrowser: the status page's buttons switch a
// script and a browser lands back on /status (303, token kept); other
// clients get the plain-text answer (C30).
func TestAdmin_ModeFormRedirectsBrowser(t *testing.T) {
	const tok = "tok"
	dir := mustStatusScripts(t, nil)
	g, _ := mustGateway(t, Config{Scripts: dir, AdminToken: tok})
	admin := mustAdmin(t, g)

	post := func(accept string) (*http.Response, []byte) {
		form := url.Values{"mode": {"fastcgi"}, "script": {"hello.pl"}, "token": {tok}}
		r, err := http.NewRequest("POST", admin.URL+"/mode", strings.NewReader(form.Encode()))
		if err != nil {
			t.Fatal(err)
		}
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		r.Header.Set("Origin", admin.URL)
		r.Header.Set("Sec-Fetch-Site", "same-origin")
		if accept != "" {
			r.Header.Set("Accept", accept)
		}
		return mustDo(t, r)
	}
	resp, _ := post("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8")
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/status?token="+tok {
		t.Errorf("browser POST /mode: %d Location %q, want 303 /status?token=%s", resp.StatusCode, resp.Header.Get("Location"), tok)
	}
	resp, body := post("")
	if resp.StatusCode != http.StatusOK || string(body) != "mode fastcgi for hello.pl\n" {
		t.Errorf("plain POST /mode: %d %q, want 200 %q", resp.StatusCode, body, "mode fastcgi for hello.pl\n")
	}
	st := mustStatusJSON(t, admin.URL+"/status.json?token="+tok)
	for name, want := range map[string]Mode{"hello.pl": ModeFastCGI, "hello.sh": ModeCGI} {
		if s, _ := findScript(st, name); s.Mode != want {
			t.Errorf("%s mode = %q after POST /mode script=hello.pl, want %q", name, s.Mode, want)
		}
	}
}

// TestAdminRefusesCrossSiteAndRebinding: a web page the admin visits can
// neither post a mode switch to the loopback admin listener (CSRF) nor read
// it under its own host name (DNS rebinding).
func TestAdminRefusesCrossSiteAndRebinding(t *testing.T) {
	dir := mustStatusScripts(t, nil)
	g, _ := mustGateway(t, Config{Scripts: dir})
	admin := mustAdmin(t, g)

	r, err := http.NewRequest("POST", admin.URL+"/mode", strings.NewReader("mode=fastcgi"))
	if err != nil {
		t.Fatal(err)
	}
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	r.Header.Set("Origin", "https://evil.example")
	r.Header.Set("Sec-Fetch-Site", "cross-site")
	if resp, _ := mustDo(t, r); resp.StatusCode != http.StatusForbidden {
		t.Errorf("cross-site POST /mode: %d, want 403", resp.StatusCode)
	}
	if m := g.modes.Load().all; m != "" {
		t.Errorf("cross-site POST switched the mode to %q", m)
	}

	r, err = http.NewRequest("GET", admin.URL+"/status.json", nil)
	if err != nil {
		t.Fatal(err)
	}
	r.Host = "rebind.evil.example"
	if resp, _ := mustDo(t, r); resp.StatusCode != http.StatusForbidden {
		t.Errorf("GET /status.json with Host %q: %d, want 403", r.Host, resp.StatusCode)
	}
	for _, host := range []string{"localhost.evil.example", "localhost..", "127.0.0.1.evil.example"} {
		r.Host = host
		if resp, _ := mustDo(t, r); resp.StatusCode != http.StatusForbidden {
			t.Errorf("GET /status.json with Host %q: %d, want 403", host, resp.StatusCode)
		}
	}
	for _, host := range []string{"localhost:1", "LocalHost.:8081", "localhost.", "127.0.0.1", "[::1]:8081"} {
		r.Host = host
		if resp, _ := mustDo(t, r); resp.StatusCode != http.StatusOK {
			t.Errorf("GET /status.json with Host %q: %d, want 200", host, resp.StatusCode)
		}
	}
	// /healthz says only "ok", under any Host; and a request with no Host
	// at all (HTTP/1.0, as HAProxy's health check sends it) is no
	// browser's: both answered.
	r.URL.Path = "/healthz"
	r.Host = "rebind.evil.example"
	if resp, body := mustDo(t, r); resp.StatusCode != http.StatusOK || string(body) != "ok\n" {
		t.Errorf("GET /healthz with Host %q: %d %q, want 200 ok", r.Host, resp.StatusCode, body)
	}
	for _, path := range []string{"/healthz", "/status.json"} {
		c, err := net.Dial("tcp", strings.TrimPrefix(admin.URL, "http://"))
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(c, "GET %s HTTP/1.0\r\n\r\n", path)
		resp, err := http.ReadResponse(bufio.NewReader(c), nil)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		c.Close()
		if resp.StatusCode != http.StatusOK {
			t.Errorf("GET %s HTTP/1.0 with no Host: %d, want 200", path, resp.StatusCode)
		}
	}
}

// TestStatus_Chromium opens /status in headless Chromium: the rendered DOM
// has the script rows and the chart, and a screenshot is kept in the test's
// temp dir (its path is logged; the README describes it).
func TestStatus_Chromium(t *testing.T) {
	bin, err := exec.LookPath("chromium")
	if err != nil {
		t.Skip("chromium not found: install the Debian package chromium (.ci/run does)")
	}
	dir := mustStatusScripts(t, nil)
	g, srv := mustGateway(t, Config{Scripts: dir})
	admin := mustAdmin(t, g)
	mustHits(t, srv.URL, "hello.sh", 4)
	mustHits(t, srv.URL, "hello.pl", 4)
	g.SetMode(ModeFastCGI, "")
	mustHits(t, srv.URL, "hello.sh", 4)
	mustHits(t, srv.URL, "hello.pl", 8)

	out := t.TempDir()
	png := filepath.Join(out, "status.png")
	mustChromium(t, bin, "--screenshot="+png, "--window-size=1280,1000", admin.URL+"/status")
	b, err := os.ReadFile(png)
	if err != nil || !bytes.HasPrefix(b, []byte("\x89PNG\r\n\x1a\n")) || len(b) < 10<<10 {
		t.Fatalf("screenshot %s: %d bytes, err %v: want a PNG", png, len(b), err)
	}
	t.Logf("status page screenshot: %s", png)
	if keep := os.Getenv("MENSHEN_TEST_ARTIFACTS"); keep != "" { // outlives t.TempDir
		if err := os.MkdirAll(keep, 0o755); err == nil {
			kept := filepath.Join(keep, "status.png")
			if err := os.WriteFile(kept, b, 0o644); err == nil {
				t.Logf("kept a copy: %s", kept)
			}
		}
	}

	dom := mustChromium(t, bin, "--dump-dom", admin.URL+"/status")
	for _, s := range []string{"<svg", `<tr class="script">`, "hello.sh", "hello.pl", `<rect class="cgi"`, `<rect class="fastcgi"`} {
		if !strings.Contains(dom, s) {
			t.Errorf("rendered DOM lacks %q", s)
		}
	}
}

// mustChromium runs headless Chromium in its own process group with a
// fresh profile, returns its stdout, and checks that none of its processes
// outlive it.
func mustChromium(tb testing.TB, bin string, args ...string) string {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	base := []string{
		"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--disable-dev-shm-usage", "--hide-scrollbars",
		"--user-data-dir=" + tb.TempDir(),
	}
	cmd := exec.CommandContext(ctx, bin, append(base, args...)...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	cmd.WaitDelay = 5 * time.Second
	cmd.Env = []string{"HOME=" + tb.TempDir(), "PATH=/usr/bin:/bin", "LANG=C.UTF-8"}
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	if cmd.Process != nil {
		pg := cmd.Process.Pid
		_ = syscall.Kill(-pg, syscall.SIGKILL) // helpers Chromium left behind
		mustNoLeak(tb, pg)
	}
	if err != nil {
		tb.Fatalf("chromium %v: %v\n%s", args, err, stderr.Bytes())
	}
	return stdout.String()
}

// TestStatus_FastCGISpawnsAreATotal guards C40: a script's FastCGI spawns
// count every worker started for it, across a new pool for a changed file
// (C31), a drain by a switch to cgi (C30), a crash replacement and a
// recycle (C22), in /status.json (modes.fastcgi.spawns), on /status and as
// a Prometheus counter that never goes down; CGI spawns stay one per
// request.
func TestStatus_FastCGISpawnsAreATotal(t *testing.T) {
	t.Parallel()
	s := newFCGISite(t, "fastcgi", ModeFastCGI, func(c *Config) { c.MaxRequests = 3 })
	admin := mustAdmin(t, s.g)
	file := filepath.Join(s.dir, "pid.pl")
	check := func(step string, cgi, fcgi int64) {
		t.Helper()
		row := s.row(t, "pid.pl")
		if got := row.Modes[ModeFastCGI].Spawns; got != fcgi {
			t.Errorf("%s: /status.json fastcgi spawns = %d, want %d", step, got, fcgi)
		}
		if got := row.Modes[ModeCGI].Spawns; got != cgi {
			t.Errorf("%s: /status.json cgi spawns = %d, want %d", step, got, cgi)
		}
		fams := mustMetrics(t, admin.URL)
		for mode, want := range map[Mode]int64{ModeCGI: cgi, ModeFastCGI: fcgi} {
			got, ok := metricValue(fams, "menshen_spawns_total", map[string]string{"script": "pid.pl", "mode": string(mode)})
			if want > 0 && (!ok || got != float64(want)) {
				t.Errorf("%s: menshen_spawns_total{mode=%q} = %v (present %v), want %d", step, mode, got, ok, want)
			}
		}
		_, page := mustGet(t, admin.URL+"/status")
		if want := fmt.Sprintf(`<td class="num">%d`, cgi+fcgi); !strings.Contains(string(page), want) {
			t.Errorf("%s: /status lacks the spawns cell %q", step, want)
		}
	}

	first, _ := s.get(t, "pid.pl")
	for range 2 {
		if pid, _ := s.get(t, "pid.pl"); pid != first {
			t.Fatalf("pid %d, want the worker %d again", pid, first)
		}
	}
	check("3 requests on one worker", 0, 1)

	// A changed file gets a new pool: its worker is the second spawn.
	later := time.Now().Add(2 * time.Second)
	if err := os.Chtimes(file, later, later); err != nil {
		t.Fatal(err)
	}
	second, _ := s.get(t, "pid.pl")
	if second == first {
		t.Fatalf("pid %d after touch, want a new worker", second)
	}
	check("touched", 0, 2)

	// Switching to cgi drains the pool; the total stays.
	s.g.SetMode(ModeCGI, "pid.pl")
	if !waitGone(5*time.Second, second) {
		t.Fatalf("worker %d still alive after the switch to cgi", second)
	}
	s.get(t, "pid.pl")
	check("switched to cgi", 1, 2)

	// Back in fastcgi a new pool starts at its own zero; the total goes on.
	s.g.SetMode(ModeFastCGI, "pid.pl")
	third, _ := s.get(t, "pid.pl")
	check("back to fastcgi", 1, 3)

	// A worker that crashes is replaced: one more.
	if err := syscall.Kill(third, syscall.SIGKILL); err != nil {
		t.Fatalf("kill worker %d: %v", third, err)
	}
	if !waitGone(2*time.Second, third) || !waitFor(2*time.Second, func() bool { return len(s.row(t, "pid.pl").Workers) == 0 }) {
		t.Fatalf("killed worker %d still listed", third)
	}
	fourth, _ := s.get(t, "pid.pl")
	if fourth == third {
		t.Fatalf("request ran on the killed worker %d", third)
	}
	check("crash replaced", 1, 4)

	// MaxRequests 3: the fourth worker's third request recycles it, and
	// the next request starts a fifth.
	s.get(t, "pid.pl")
	s.get(t, "pid.pl")
	if fifth, _ := s.get(t, "pid.pl"); fifth == fourth {
		t.Fatalf("worker %d served past --max-requests", fourth)
	}
	check("recycled", 1, 5)
}

// TestStatus_SymlinkedScriptsDirectory: with a scripts directory that is
// a symlink (`cgi-bin -> releases/r1`), /status.json lists its scripts,
// served or not, and marks none removed (the walk did not enter the link:
// every script was listed as removed once requested, none before).
func TestStatus_SymlinkedScriptsDirectory(t *testing.T) {
	dir := mustStatusScripts(t, nil)
	link := filepath.Join(t.TempDir(), "current")
	if err := os.Symlink(dir, link); err != nil {
		t.Fatal(err)
	}
	// And a subdirectory that is a symlink to another one inside, and one
	// that loops back.
	mustWriteFile(t, filepath.Join(dir, "releases", "r1", "deep.sh"), helloSh, 0o755)
	if err := os.Symlink(filepath.Join("releases", "r1"), filepath.Join(dir, "app")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("..", filepath.Join(dir, "releases", "up")); err != nil {
		t.Fatal(err)
	}
	// A second alias of the same release, and a link to a dot-directory
	// (as hidden as its target: never listed nor served).
	if err := os.Symlink(filepath.Join("releases", "r1"), filepath.Join(dir, "aaa")); err != nil {
		t.Fatal(err)
	}
	mustWriteFile(t, filepath.Join(dir, ".hidden", "h.sh"), helloSh, 0o755)
	if err := os.Symlink(".hidden", filepath.Join(dir, "hid")); err != nil {
		t.Fatal(err)
	}
	g, srv := mustGateway(t, Config{Scripts: link})
	admin := mustAdmin(t, g)
	mustHits(t, srv.URL, "hello.sh", 1)
	mustHits(t, srv.URL, "app/deep.sh", 1)
	st := mustStatusJSON(t, admin.URL+"/status.json")
	if r, err := http.Get(srv.URL + "/cgi-bin/hid/h.sh"); err != nil || r.StatusCode != http.StatusNotFound {
		t.Errorf("a link to a dot-directory: %v %v, want 404", r, err)
	} else {
		r.Body.Close()
	}
	for _, name := range []string{"hello.sh", "hello.pl", "app/deep.sh", "aaa/deep.sh", "releases/r1/deep.sh"} {
		s, ok := findScript(st, name)
		if !ok {
			t.Errorf("/status.json does not list %s", name)
		} else if s.Removed {
			t.Errorf("%s marked removed, but it is there", name)
		}
	}
	if _, ok := findScript(st, "hid/h.sh"); ok {
		t.Errorf("/status.json lists hid/h.sh, behind a link to a dot-directory")
	}
}

// TestStatus_MountHidesScriptsOfTheScriptsDirectory: a mount at
// /cgi-bin/sub/ hides the scripts directory's sub/ (the longest prefix
// wins): requests go to the mount, so /status.json lists the mount's
// scripts and not the hidden ones, which nothing can reach nor switch.
func TestStatus_MountHidesScriptsOfTheScriptsDirectory(t *testing.T) {
	dir := mustStatusScripts(t, nil)
	other := t.TempDir()
	mustWriteFile(t, filepath.Join(dir, "sub", "x.sh"), helloSh, 0o755)
	mustWriteFile(t, filepath.Join(other, "y.sh"), helloSh, 0o755)
	conf := mustConfigFile(t, "[[mount]]\nprefix = \"/cgi-bin/sub/\"\ndir = \""+other+"\"\n")
	g, srv := mustGateway(t, Config{Scripts: dir, ConfigFile: conf})
	admin := mustAdmin(t, g)
	if r, err := http.Get(srv.URL + "/cgi-bin/sub/x.sh"); err != nil || r.StatusCode != http.StatusNotFound {
		t.Fatalf("the hidden script: %v %v, want 404 from the mount", r, err)
	} else {
		r.Body.Close()
	}
	st := mustStatusJSON(t, admin.URL+"/status.json")
	if _, ok := findScript(st, "sub/x.sh"); ok {
		t.Errorf("/status.json lists sub/x.sh, which the mount hides")
	}
	for _, name := range []string{"hello.sh", "/cgi-bin/sub/y.sh"} {
		if _, ok := findScript(st, name); !ok {
			t.Errorf("/status.json does not list %s", name)
		}
	}
}

// TestStatus_RemovedScriptsMarked guards C40 with C31: a script that is
// gone (or no longer executable) stays listed with its history, marked
// removed in /status.json and on /status, and its Prometheus counters stay;
// a script that comes back is unmarked.
func TestStatus_RemovedScriptsMarked(t *testing.T) {
	dir := mustStatusScripts(t, map[string]string{"gone.pl": helloPl})
	g, srv := mustGateway(t, Config{Scripts: dir})
	admin := mustAdmin(t, g)
	mustHits(t, srv.URL, "gone.pl", 2)
	mustHits(t, srv.URL, "hello.sh", 1)
	file := filepath.Join(dir, "gone.pl")

	removed := func(step string, want bool) {
		t.Helper()
		st := mustStatusJSON(t, admin.URL+"/status.json")
		s, ok := findScript(st, "gone.pl")
		if !ok {
			t.Fatalf("%s: /status.json does not list gone.pl", step)
		}
		if s.Removed != want {
			t.Errorf("%s: gone.pl removed = %v, want %v", step, s.Removed, want)
		}
		if n := s.Modes[ModeCGI].Requests; n != 2 {
			t.Errorf("%s: gone.pl cgi requests = %d, want its history (2)", step, n)
		}
		for _, name := range []string{"hello.sh", "hello.pl"} {
			if s, _ := findScript(st, name); s.Removed {
				t.Errorf("%s: %s marked removed, but it is there", step, name)
			}
		}
		_, body := mustGet(t, admin.URL+"/status")
		page := string(body)
		row := regexp.MustCompile(`<tr class="script( removed)?">\s*<td class="name">gone\.pl(<span class="gone"[^>]*>removed</span>)?`).FindStringSubmatch(page)
		if row == nil {
			t.Fatalf("%s: /status has no row for gone.pl", step)
		}
		if got := row[1] != "" && row[2] != ""; got != want {
			t.Errorf("%s: /status marks gone.pl removed: %v, want %v (%q)", step, got, want, row[0])
		}
		if n := strings.Count(page, `<span class="gone"`); (n > 0) != want {
			t.Errorf("%s: /status has %d removed markers", step, n)
		}
		fams := mustMetrics(t, admin.URL)
		for _, m := range []struct {
			name   string
			labels map[string]string
		}{
			{"menshen_requests_total", map[string]string{"script": "gone.pl", "mode": "cgi", "code": "200"}},
			{"menshen_spawns_total", map[string]string{"script": "gone.pl", "mode": "cgi"}},
		} {
			if got, ok := metricValue(fams, m.name, m.labels); !ok || got != 2 {
				t.Errorf("%s: %s%v = %v (present %v), want 2", step, m.name, m.labels, got, ok)
			}
		}
	}

	removed("served", false)
	if err := os.Remove(file); err != nil {
		t.Fatal(err)
	}
	if resp, _ := mustGet(t, srv.URL+"/cgi-bin/gone.pl"); resp.StatusCode != http.StatusNotFound {
		t.Fatalf("GET removed gone.pl: %d, want 404", resp.StatusCode)
	}
	removed("deleted", true)

	mustWriteFile(t, file, helloPl, 0o755)
	removed("back", false)

	if err := os.Chmod(file, 0o644); err != nil {
		t.Fatal(err)
	}
	removed("not executable", true)
}
