// answer_e2e_test.go tests how a script's answer reaches the client, as
// Apache 2.4 passes it on: conditional requests against the script's
// validators, its reason phrase, and the informational statuses it may not
// send. Real Perl scripts from testdata/answer, in both modes (C6, C10,
// C23).

package gateway

import (
	"bufio"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
)

// validatorsLastModified is the Last-Modified validators.pl sends.
const validatorsLastModified = "Wed, 01 Jan 2025 00:00:00 GMT"

// tomorrow is an If-Modified-Since later than the request: Apache ignores it
// (ap_condition_if_modified_since; RFC 2616 §14.25 called it invalid).
var tomorrow = time.Now().Add(24 * time.Hour).UTC().Format(http.TimeFormat)

// conditionalCase is one request to validators.pl.
type conditionalCase struct {
	name   string
	method string
	query  string
	header map[string]string
	status int
}

var conditionalCases = []conditionalCase{
	{name: "no preconditions", status: 200},
	{name: "If-None-Match same tag", header: map[string]string{"If-None-Match": `"abc"`}, status: 304},
	{name: "If-None-Match weak tag", header: map[string]string{"If-None-Match": `W/"abc"`}, status: 304},
	{name: "If-None-Match list", header: map[string]string{"If-None-Match": `"x", "abc"`}, status: 304},
	{name: "If-None-Match other tag", header: map[string]string{"If-None-Match": `"zzz"`}, status: 200},
	{name: "If-None-Match star", header: map[string]string{"If-None-Match": `*`}, status: 304},
	{name: "If-None-Match star without validators", query: "none", header: map[string]string{"If-None-Match": `*`}, status: 304},
	{name: "If-None-Match without ETag", query: "none", header: map[string]string{"If-None-Match": `"abc"`}, status: 200},
	{name: "If-Modified-Since same date", header: map[string]string{"If-Modified-Since": validatorsLastModified}, status: 304},
	{name: "If-Modified-Since later", header: map[string]string{"If-Modified-Since": "Sun, 01 Jun 2025 12:00:00 GMT"}, status: 304},
	{name: "If-Modified-Since RFC 850 date", header: map[string]string{"If-Modified-Since": "Wednesday, 01-Jan-25 00:00:00 GMT"}, status: 304},
	{name: "If-Modified-Since earlier", header: map[string]string{"If-Modified-Since": "Tue, 31 Dec 2024 23:59:59 GMT"}, status: 200},
	{name: "If-Modified-Since unparsable", header: map[string]string{"If-Modified-Since": "yesterday"}, status: 200},
	{name: "If-Modified-Since in the future", header: map[string]string{"If-Modified-Since": tomorrow}, status: 200},
	{name: "If-Modified-Since without Last-Modified", query: "none", header: map[string]string{"If-Modified-Since": validatorsLastModified}, status: 200},
	{name: "If-None-Match ignores If-Modified-Since", header: map[string]string{"If-None-Match": `"zzz"`, "If-Modified-Since": validatorsLastModified}, status: 200},
	{name: "If-Match same tag", header: map[string]string{"If-Match": `"abc"`}, status: 200},
	{name: "If-Match other tag", header: map[string]string{"If-Match": `"zzz"`}, status: 412},
	{name: "If-Match weak tag is no strong match", header: map[string]string{"If-Match": `W/"abc"`}, status: 412},
	{name: "If-Match list", header: map[string]string{"If-Match": `"x", "abc"`}, status: 200},
	{name: "If-Match star", header: map[string]string{"If-Match": `*`}, status: 200},
	{name: "If-Match without ETag", query: "none", header: map[string]string{"If-Match": `"abc"`}, status: 412},
	{name: "If-Unmodified-Since earlier", header: map[string]string{"If-Unmodified-Since": "Tue, 31 Dec 2024 23:59:59 GMT"}, status: 412},
	{name: "If-Unmodified-Since same date", header: map[string]string{"If-Unmodified-Since": validatorsLastModified}, status: 200},
	{name: "If-Unmodified-Since unparsable", header: map[string]string{"If-Unmodified-Since": "yesterday"}, status: 200},
	{name: "If-Unmodified-Since without Last-Modified", query: "none", header: map[string]string{"If-Unmodified-Since": "Tue, 31 Dec 2024 23:59:59 GMT"}, status: 200},
	{name: "If-Match ignores If-Unmodified-Since", header: map[string]string{"If-Match": `"abc"`, "If-Unmodified-Since": "Tue, 31 Dec 2024 23:59:59 GMT"}, status: 200},
	{name: "If-Match before If-None-Match", header: map[string]string{"If-Match": `"zzz"`, "If-None-Match": `"abc"`}, status: 412},
	{name: "HEAD If-None-Match", method: http.MethodHead, header: map[string]string{"If-None-Match": `"abc"`}, status: 304},
	{name: "HEAD If-Match", method: http.MethodHead, header: map[string]string{"If-Match": `"zzz"`}, status: 412},
	{name: "POST untouched", method: http.MethodPost, header: map[string]string{"If-None-Match": `"abc"`}, status: 200},
	{name: "POST If-Match untouched", method: http.MethodPost, header: map[string]string{"If-Match": `"zzz"`}, status: 200},
	{name: "script Status untouched", query: "status", header: map[string]string{"If-None-Match": `"abc"`}, status: 200},
	{name: "script Status If-Match untouched", query: "status", header: map[string]string{"If-Match": `"zzz"`}, status: 200},
	{name: "304 after a long body", query: "big&tag=nm", header: map[string]string{"If-None-Match": `"abc"`}, status: 304},
	{name: "412 after a long body", query: "big&tag=pf", header: map[string]string{"If-Match": `"zzz"`}, status: 412},
	{name: "412 without the body's encoding", query: "encoded", header: map[string]string{"If-Match": `"zzz"`}, status: 412},
}

// TestAnswer_ConditionalRequests checks that the request's preconditions are
// evaluated against the validators of a script that sent no Status, as
// Apache does (util_script.c, ap_meets_conditions), in RFC 9110 §13.2.2's
// order: a 304 with the script's header fields but no Content-Type,
// Content-Length or body; a 412 answered as the gateway's own errors (with
// the script's fields Apache keeps on one) and not logged as a failure; the script still runs to its end (256 KiB it writes
// after its header are read and dropped), and a FastCGI worker serves the
// next request. Both modes answer alike (C23).
func TestAnswer_ConditionalRequests(t *testing.T) {
	t.Parallel()
	s := newFCGISite(t, "answer", ModeCGI, nil)
	answers := map[Mode][]string{}
	var workers []int // the pids that answered in fastcgi mode
	for _, mode := range []Mode{ModeCGI, ModeFastCGI} {
		s.g.SetMode(mode, "")
		for _, tc := range conditionalCases {
			a, pids := mustConditional(t, s, mode, tc)
			answers[mode] = append(answers[mode], a)
			if mode == ModeFastCGI {
				workers = append(workers, pids...)
			}
		}
	}
	for i, tc := range conditionalCases {
		if c, f := answers[ModeCGI][i], answers[ModeFastCGI][i]; c != f {
			t.Errorf("%s: cgi and fastcgi answer differently\ncgi:\n%sfastcgi:\n%s", tc.name, c, f)
		}
	}
	for _, e := range entriesWith(s.hook, "path", "/cgi-bin/validators.pl") {
		if r, ok := e.Data["reason"]; ok {
			t.Errorf("a precondition's answer logged as a failure: %v %q", e.Data["status"], r)
		}
	}
	for _, m := range messages(s.hook) {
		if strings.Contains(m, "script exited with an error") || strings.Contains(m, "killed") {
			t.Errorf("the script did not end normally: %s", m)
		}
	}
	// The fastcgi answers, 304s and 412s included, came from runner
	// workers that the gateway kept: none was killed or replaced.
	row := s.row(t, "validators.pl")
	live := workerPIDs(row)
	if row.Kind != "perl" || int64(len(live)) != row.Modes[ModeFastCGI].Spawns {
		t.Errorf("fastcgi: kind %q, live workers %v, spawns %d; want perl workers, none replaced", row.Kind, live, row.Modes[ModeFastCGI].Spawns)
	}
	for _, pid := range workers {
		if !slices.Contains(live, pid) {
			t.Errorf("fastcgi: worker %d answered and is gone (live: %v)", pid, live)
		}
	}
}

// mustConditional sends tc to validators.pl and checks the answer; it
// returns what the client saw, minus Date and X-Pid, for the comparison of
// the modes, and the pids of the script (X-Pid, its end marker).
func mustConditional(t *testing.T, s *fcgiSite, mode Mode, tc conditionalCase) (answer string, pids []int) {
	t.Helper()
	method := tc.method
	if method == "" {
		method = http.MethodGet
	}
	query, marker := tc.query, ""
	if _, name, ok := strings.Cut(tc.query, "tag="); ok {
		query = strings.Replace(tc.query, "tag=", "tag="+string(mode)+"_", 1)
		marker = "ended." + string(mode) + "_" + name
	}
	req := newRequest(t, method, s.url("validators.pl?"+query), nil)
	for k, v := range tc.header {
		req.Header.Set(k, v)
	}
	resp, body := mustDo(t, req)
	if resp.Header.Get("X-Pid") != "" {
		pids = append(pids, s.pidOf(t, resp.Header))
	}
	what := fmt.Sprintf("%s mode, %s (%s ?%s %v)", mode, tc.name, method, tc.query, tc.header)
	if resp.StatusCode != tc.status {
		t.Errorf("%s: status %d, want %d (body %.60q)", what, resp.StatusCode, tc.status, body)
	}
	switch tc.status {
	case http.StatusNotModified:
		// What Apache 2.4 keeps on a 304: every field of the script's
		// but Content-Type and Content-Length.
		kept := map[string]string{"Etag": `"abc"`, "Last-Modified": validatorsLastModified, "Set-Cookie": "a=1", "Cache-Control": "max-age=60", "X-Other": "kept",
			"Content-Location": "/doc/v1.txt", "Content-Language": "en", "Content-Disposition": "inline"}
		if tc.query == "none" {
			kept["Etag"], kept["Last-Modified"] = "", ""
		}
		for k, want := range kept {
			if got := resp.Header.Get(k); got != want {
				t.Errorf("%s: 304 with %s %q, want %q", what, k, got, want)
			}
		}
		for _, k := range []string{"Content-Type", "Content-Length", "Transfer-Encoding"} {
			if v, ok := resp.Header[k]; ok {
				t.Errorf("%s: 304 with %s %q", what, k, v)
			}
		}
		if len(body) != 0 {
			t.Errorf("%s: 304 with a body of %d bytes", what, len(body))
		}
	case http.StatusPreconditionFailed:
		// As the gateway's other error answers, with the script's fields
		// that Apache 2.4 keeps on an error (r->err_headers_out; those of
		// the resource, Content-Location, too), but none that describe
		// the answer not sent, nor its body's bytes (Apache keeps
		// Content-Encoding and Content-MD5, which would misdescribe the
		// gateway's text).
		if ct := resp.Header.Get("Content-Type"); ct != "text/plain; charset=utf-8" {
			t.Errorf("%s: 412 with Content-Type %q", what, ct)
		}
		for k, want := range map[string]string{"Set-Cookie": "a=1", "Cache-Control": "max-age=60", "X-Other": "kept",
			"Content-Location": "/doc/v1.txt", "Content-Language": "en", "Content-Disposition": "inline"} {
			if got := resp.Header.Values(k); len(got) != 1 || got[0] != want {
				t.Errorf("%s: 412 with %s %q, want %q", what, k, got, want)
			}
		}
		for _, k := range []string{"Etag", "Last-Modified", "Content-Encoding", "Content-Md5"} {
			if v, ok := resp.Header[k]; ok {
				t.Errorf("%s: 412 with the script's %s %q", what, k, v)
			}
		}
		if want := "Precondition Failed\n"; method != http.MethodHead && string(body) != want {
			t.Errorf("%s: 412 body %q, want %q", what, body, want)
		}
	default:
		if method != http.MethodHead && !strings.HasPrefix(string(body), "body\n") {
			t.Errorf("%s: body %.60q, want the script's", what, body)
		}
	}
	if marker != "" {
		// The script got past its 256 KiB to its last line.
		ended := mustReadPids(t, filepath.Join(s.dir, marker), 5*time.Second)
		s.seen.add(ended...)
		pids = append(pids, ended...)
	}
	return fmt.Sprintf("%s\n%sbody %d bytes\n", resp.Status, headerDump(resp.Header), len(body)), pids
}

// TestAnswer_ReasonPhrase checks that the reason phrase of a script's Status
// reaches the status line, as Apache sends it (trimmed), that one that could
// not go there (control characters, non-ASCII, over 128 bytes) gives the
// standard text, as does a Status with none; in both modes, byte for byte
// alike (C23).
func TestAnswer_ReasonPhrase(t *testing.T) {
	t.Parallel()
	s := newFCGISite(t, "answer", ModeCGI, nil)
	long := strings.Repeat("r", 128)
	cases := []struct {
		name, proto, status, want string
	}{
		{"custom text", "HTTP/1.1", "404%20Custom%20Text", "HTTP/1.1 404 Custom Text"},
		{"unregistered code", "HTTP/1.1", "299%20Odd", "HTTP/1.1 299 Odd"},
		{"200 with a phrase", "HTTP/1.1", "200%20Fine", "HTTP/1.1 200 Fine"},
		{"spaces trimmed", "HTTP/1.1", "%20%20%20404%20%20%20Spaced%20%20%20", "HTTP/1.1 404 Spaced"},
		{"HTTP/1.0", "HTTP/1.0", "404%20Custom%20Text", "HTTP/1.1 404 Custom Text"},
		{"128 bytes", "HTTP/1.1", "404%20" + long, "HTTP/1.1 404 " + long},
		{"no phrase", "HTTP/1.1", "404", "HTTP/1.1 404 Not Found"},
		{"no phrase, unregistered code", "HTTP/1.1", "299", "HTTP/1.1 299 "},
		{"non-ASCII", "HTTP/1.1", "404%20caf%C3%A9", "HTTP/1.1 404 Not Found"},
		{"tab", "HTTP/1.1", "404%20a%09b", "HTTP/1.1 404 Not Found"},
		{"129 bytes", "HTTP/1.1", "404%20" + long + "r", "HTTP/1.1 404 Not Found"},
	}
	date := regexp.MustCompile(`(?m)^Date: .*\r\n`)
	answers := map[Mode][]string{}
	for _, mode := range []Mode{ModeCGI, ModeFastCGI} {
		s.g.SetMode(mode, "")
		for _, tc := range cases {
			host := "Host: x\r\n"
			if tc.proto == "HTTP/1.0" {
				host = ""
			}
			raw := string(mustRaw(t, s.srv.URL, "GET /cgi-bin/status.pl?"+tc.status+" "+tc.proto+"\r\n"+host+"Connection: close\r\n\r\n"))
			if line, _, _ := strings.Cut(raw, "\r\n"); line != tc.want {
				t.Errorf("%s mode, %s: status line %q, want %q", mode, tc.name, line, tc.want)
			}
			if !strings.HasSuffix(raw, "body\n") && !strings.HasSuffix(raw, "body\n\r\n0\r\n\r\n") {
				t.Errorf("%s mode, %s: answer %q lacks the script's body", mode, tc.name, raw)
			}
			answers[mode] = append(answers[mode], date.ReplaceAllString(raw, ""))
		}
	}
	for i, tc := range cases {
		if c, f := answers[ModeCGI][i], answers[ModeFastCGI][i]; c != f {
			t.Errorf("%s: cgi answered\n%q\nfastcgi answered\n%q", tc.name, c, f)
		}
	}
}

// TestAnswer_EmptyContentTypeIsServed: a script that prints an empty
// Content-Type line (its type variable undefined) is served as Apache
// serves it: 200, the body, and no Content-Type at all (nothing sniffed),
// in both modes.
func TestAnswer_EmptyContentTypeIsServed(t *testing.T) {
	t.Parallel()
	eachMode(t, "untyped.pl", func(mode Mode, head, body string) {
		if !strings.HasPrefix(head, "HTTP/1.1 200 OK\r\n") || !strings.Contains(body, "<p>untyped</p>") {
			t.Errorf("%s mode: answered %q %q, want 200 with the page", mode, head, body)
		}
		if strings.Contains(strings.ToLower(head), "content-type") {
			t.Errorf("%s mode: a Content-Type went out: %q", mode, head)
		}
	})
}

// TestAnswer_FieldsInScriptOrder: a script's header fields go out in the
// order and spelling it wrote them (ETag, x-lower-case, WWW-Authenticate),
// as Apache passes them on, a repeat at its first line's place and in its
// spelling (kept apart, where Apache joins it); Date first and
// Content-Type last, spelled as Apache spells them, as are Last-Modified
// and the framing fields after the script's; in both modes, byte for
// byte. The fields a local redirect carries to its target's answer go
// first, in their script's spelling, as Apache's err_headers_out: a field
// both send goes there, under the first spelling. Set-Cookie (the whole
// chain's) and ETag go after the others, as Apache moves them.
func TestAnswer_FieldsInScriptOrder(t *testing.T) {
	t.Parallel()
	own := "X-Zeta: z\r\n" +
		"x-lower-case: yes\r\n" +
		"WWW-Authenticate: Basic realm=\"menshen\"\r\n" +
		"X-Multi: one\r\n" +
		"X-Multi: two\r\n" +
		"cache-control: no-cache\r\n"
	end := "ETag: \"abc\"\r\n" +
		"Last-Modified: Wed, 01 Jan 2025 00:00:00 GMT\r\n" +
		"Connection: close\r\n" +
		"Transfer-Encoding: chunked\r\n" +
		"Content-Type: text/plain"
	date := regexp.MustCompile(`\AHTTP/1.1 200 OK\r\nDate: [^\r\n]+ GMT\r\n`)
	for script, want := range map[string]string{
		"spelled.pl":          own + "Set-Cookie: a=1\r\n" + end,
		"spelled-redirect.pl": "x-carried: 1\r\n" + own + "set-cookie: r=1\r\nset-cookie: a=1\r\n" + end,
	} {
		want = "HTTP/1.1 200 OK\r\n" + want
		eachMode(t, script, func(mode Mode, head, body string) {
			if !date.MatchString(head) {
				t.Errorf("%s, %s mode: no Date after the status line: %q", script, mode, head)
			}
			if got := date.ReplaceAllString(head, "HTTP/1.1 200 OK\r\n"); got != want || body != "8\r\nspelled\n\r\n0\r\n\r\n" {
				t.Errorf("%s, %s mode: answered\n%s\n\n%q\nwant\n%s", script, mode, got, body, want)
			}
		})
	}
}

// TestAnswer_LastModifiedAsApache: a script's Last-Modified goes out as
// Apache's util_script.c rewrites it, in both modes: an IMF-fixdate
// whatever form the script wrote, no later than the request (a date in
// the future is the request's time, which If-Modified-Since then
// compares), dropped when it is no date, the latest of several.
func TestAnswer_LastModifiedAsApache(t *testing.T) {
	t.Parallel()
	const jan2025 = "Wed, 01 Jan 2025 00:00:00 GMT"
	for q, want := range map[string]string{"rfc850": jan2025, "asctime": jan2025, "zone": jan2025, "two": jan2025, "bad": "", "empty": ""} {
		eachMode(t, "lastmod.pl?"+q, func(mode Mode, head, body string) {
			lm := regexp.MustCompile(`(?m)^Last-Modified: (.*)\r$`).FindAllStringSubmatch(head+"\r\n", -1)
			switch {
			case want == "" && lm != nil:
				t.Errorf("%s, %s mode: Last-Modified %q, want none", q, mode, lm)
			case want != "" && (len(lm) != 1 || lm[0][1] != want):
				t.Errorf("%s, %s mode: Last-Modified %q, want %q", q, mode, lm, want)
			}
		})
	}
	eachMode(t, "lastmod.pl?future", func(mode Mode, head, body string) {
		date := regexp.MustCompile(`(?m)^Date: (.*)\r$`).FindStringSubmatch(head + "\r\n")
		lm := regexp.MustCompile(`(?m)^Last-Modified: (.*)\r$`).FindStringSubmatch(head + "\r\n")
		if date == nil || lm == nil {
			t.Fatalf("%s mode: no Date or Last-Modified in\n%s", mode, head)
		}
		d, err1 := http.ParseTime(date[1])
		l, err2 := http.ParseTime(lm[1])
		if err1 != nil || err2 != nil || l.After(d) || d.Sub(l) > 5*time.Second {
			t.Errorf("%s mode: a future Last-Modified went out as %q with Date %q, want the request's time", mode, lm[1], date[1])
		}
	})
}

// eachMode GETs a script of testdata/answer in cgi mode, then in fastcgi
// mode, and gives check each raw answer's head and body.
func eachMode(t *testing.T, script string, check func(mode Mode, head, body string)) {
	s := newFCGISite(t, "answer", ModeCGI, nil)
	for _, mode := range []Mode{ModeCGI, ModeFastCGI} {
		s.g.SetMode(mode, "")
		raw := string(mustRaw(t, s.srv.URL, "GET /cgi-bin/"+script+" HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"))
		head, body, _ := strings.Cut(raw, "\r\n\r\n")
		check(mode, head, body)
	}
}

// TestAnswer_NoContentHasNoType: a script's 204 goes out without the
// Content-Type it printed (and without its body), as Apache sends it: no
// content has no type. Both modes.
func TestAnswer_NoContentHasNoType(t *testing.T) {
	t.Parallel()
	eachMode(t, "status.pl?204", func(mode Mode, head, body string) {
		if !strings.HasPrefix(head, "HTTP/1.1 204 No Content\r\n") || body != "" {
			t.Errorf("%s mode: answered %q %q, want 204 and no body", mode, head, body)
		}
		if strings.Contains(strings.ToLower(head), "content-type") {
			t.Errorf("%s mode: a Content-Type went out with the 204: %q", mode, head)
		}
	})
}

// TestAnswer_ScriptDateIsReplaced: a script's Date does not reach the
// client; the answer has one Date, the server's clock, as under Apache (a
// wrong Date skews caches' idea of the answer's age). Both modes.
func TestAnswer_ScriptDateIsReplaced(t *testing.T) {
	t.Parallel()
	s := newFCGISite(t, "answer", ModeCGI, nil)
	for _, mode := range []Mode{ModeCGI, ModeFastCGI} {
		s.g.SetMode(mode, "")
		resp, body := mustRawResponse(t, s.srv.URL, "GET /cgi-bin/dated.pl HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
		dates := resp.Header.Values("Date")
		if resp.StatusCode != 200 || string(body) != "dated\n" || len(dates) != 1 {
			t.Fatalf("%s mode: %d %q with Date %q, want 200, the body and one Date", mode, resp.StatusCode, body, dates)
		}
		if d, err := http.ParseTime(dates[0]); err != nil || time.Since(d).Abs() > time.Minute {
			t.Errorf("%s mode: Date %q, want the server's clock", mode, dates[0])
		}
	}
}

// TestAnswer_InformationalStatusIsInvalid guards C10: a script cannot send
// an interim answer (100, 103) nor switch protocols (101); a Status of 1xx
// is an invalid response: one 502, with its reason logged, and nothing of
// the script's, in both modes.
func TestAnswer_InformationalStatusIsInvalid(t *testing.T) {
	t.Parallel()
	s := newFCGISite(t, "answer", ModeCGI, nil)
	for _, mode := range []Mode{ModeCGI, ModeFastCGI} {
		s.g.SetMode(mode, "")
		for _, status := range []string{"100", "100%20Continue", "101%20Switching%20Protocols", "103%20Early%20Hints", "199"} {
			raw := string(mustRaw(t, s.srv.URL, "GET /cgi-bin/status.pl?"+status+" HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"))
			if !strings.HasPrefix(raw, "HTTP/1.1 502 Bad Gateway\r\n") || strings.Count(raw, "HTTP/1.1 ") != 1 {
				t.Errorf("%s mode, Status: %s: answered %q, want one 502", mode, status, raw)
			}
			if strings.Contains(raw, "body") {
				t.Errorf("%s mode, Status: %s: the script's body reached the client: %q", mode, status, raw)
			}
		}
	}
	mustLoggedReason(t, s.hook, "/cgi-bin/status.pl", http.StatusBadGateway)
	n := 0
	for _, e := range entriesWith(s.hook, "path", "/cgi-bin/status.pl") {
		if reason, _ := e.Data["reason"].(string); strings.Contains(reason, "informational status") {
			n++
		}
	}
	if n != 10 {
		t.Errorf("%d requests logged with the informational status as their reason, want 10", n)
	}
}

// TestAnswer_NotModifiedLeavesAtOnce: a 304 is the whole answer once the
// script's header is read; the client gets it then, not when the script
// ends, and a script that runs past --timeout after it is stopped without
// breaking the connection or counting as a failure (the next request on
// the same connection is answered). Both modes.
func TestAnswer_NotModifiedLeavesAtOnce(t *testing.T) {
	t.Parallel()
	for _, mode := range []Mode{ModeCGI, ModeFastCGI} {
		t.Run(string(mode), func(t *testing.T) {
			t.Parallel()
			s := newFCGISite(t, "answer", mode, func(c *Config) { c.Timeout = 1500 * time.Millisecond })
			// The worker started first: the bound is the answer's, not a
			// start's, which took over 1 s once under -race on a loaded
			// machine.
			s.get(t, "validators.pl")
			conn := mustDial(t, s.srv.Listener.Addr().String())
			br := bufio.NewReader(conn)
			start := time.Now()
			io.WriteString(conn, "GET /cgi-bin/validators.pl?sleep=4 HTTP/1.1\r\nHost: x\r\nIf-None-Match: \"abc\"\r\n\r\n")
			resp, err := http.ReadResponse(br, nil)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if d := time.Since(start); resp.StatusCode != http.StatusNotModified || d > time.Second {
				t.Fatalf("status %d after %v, want 304 at once (the script sleeps 4 s)", resp.StatusCode, d)
			}
			// The same connection serves the next request after the
			// timeout has stopped the sleeping script.
			io.WriteString(conn, "GET /cgi-bin/validators.pl HTTP/1.1\r\nHost: x\r\n\r\n")
			conn.SetReadDeadline(time.Now().Add(10 * time.Second))
			resp, err = http.ReadResponse(br, nil)
			if err != nil {
				t.Fatalf("next request on the connection: %v", err)
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				t.Errorf("next request: status %d", resp.StatusCode)
			}
			for _, e := range entriesWith(s.hook, "path", "/cgi-bin/validators.pl") {
				if r, ok := e.Data["reason"]; ok && e.Message == "request failed" {
					t.Errorf("the 304 logged as a failure: %v", r)
				}
			}
		})
	}
}

// TestAnswer_ClientLeavingAWholeAnswerLetsTheScriptEnd: a client that
// hangs up once it has a whole answer (a HEAD's header, a 304) does not
// stop the script: it runs to its end, as Apache lets it (the file it
// writes after its sleep appears), and the request is no failure. Both
// modes. (A client leaving before its answer is whole still ends the
// script: TestCGI_ClientDisconnectKillsScript and its FastCGI twin.)
func TestAnswer_ClientLeavingAWholeAnswerLetsTheScriptEnd(t *testing.T) {
	t.Parallel()
	for _, mode := range []Mode{ModeCGI, ModeFastCGI} {
		t.Run(string(mode), func(t *testing.T) {
			t.Parallel()
			s := newFCGISite(t, "answer", mode, nil)
			for _, tc := range []struct{ tag, request string }{
				{"head", "HEAD /cgi-bin/validators.pl?sleep=1&tag=head HTTP/1.1\r\nHost: x\r\n\r\n"},
				{"nm", "GET /cgi-bin/validators.pl?sleep=1&tag=nm HTTP/1.1\r\nHost: x\r\nIf-None-Match: \"abc\"\r\n\r\n"},
			} {
				conn := mustDial(t, s.srv.Listener.Addr().String())
				io.WriteString(conn, tc.request)
				resp, err := http.ReadResponse(bufio.NewReader(conn), &http.Request{Method: strings.Fields(tc.request)[0]})
				if err != nil {
					t.Fatalf("%s: %v", tc.tag, err)
				}
				resp.Body.Close()
				conn.Close() // the client has its answer and leaves
				marker := filepath.Join(s.dir, "ended."+tc.tag)
				deadline := time.Now().Add(5 * time.Second)
				for {
					if _, err := os.Stat(marker); err == nil {
						break
					}
					if time.Now().After(deadline) {
						for _, e := range s.hook.AllEntries() {
							t.Logf("%s %v", e.Message, e.Data)
						}
						t.Fatalf("%s: the script did not run to its end after the client left its whole answer (status %d)", tc.tag, resp.StatusCode)
					}
					time.Sleep(20 * time.Millisecond)
				}
			}
			time.Sleep(100 * time.Millisecond) // the access lines follow the scripts' ends
			for _, e := range entriesWith(s.hook, "path", "/cgi-bin/validators.pl") {
				if e.Message == "request failed" {
					t.Errorf("logged as a failure: %v", e.Data["reason"])
				}
			}
		})
	}
}
