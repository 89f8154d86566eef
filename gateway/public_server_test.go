package gateway

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// TestPublicServer_SameBytesAsNetHTTP guards the switch of the public
// listener to internal/http1: for the answers scripts give (plain, status,
// repeated headers, redirects, no Content-Type, 304, errors, HEAD,
// HTTP/1.0, a POST body, a malformed header block, a conditional request
// answered 304 or 412, a 1xx Status refused), a client gets the same bytes
// as from net/http's server over the same Gateway, Date aside. The
// differences are on purpose: a script's own reason phrase ("Status: 418 I
// am a teapot") is on menshen's status line, where net/http can only send
// the standard text; an HTTP/1.0 request gets HTTP/1.1 and "Connection:
// close", as from Apache, where net/http says HTTP/1.0; and the header
// block is laid out as Apache's (the script's fields in its order and
// spelling, Content-Type last), where net/http sorts the fields and
// spells them canonically: the fields are compared sorted, so spelled
// (TestAnswer_FieldsInScriptOrder checks that layout).
func TestPublicServer_SameBytesAsNetHTTP(t *testing.T) {
	t.Parallel()
	volatile := regexp.MustCompile(`(?m)^Date: .*\r\n|(REMOTE|SERVER)_PORT=\d+|X-Pid: \d+`)
	type sameBytesCase struct {
		name, req string
		reason    string // the script's reason phrase, on our status line only
	}
	compare := func(t *testing.T, g *Gateway, ours string, cases []sameBytesCase) {
		std := httptest.NewServer(g)
		t.Cleanup(std.Close)
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				want := string(mustRaw(t, std.Listener.Addr().String(), tc.req))
				got := volatile.ReplaceAllString(sortedHead(string(mustRaw(t, ours, tc.req))), "")
				if tc.reason != "" {
					line, rest, _ := strings.Cut(want, "\r\n")
					if code, _, ok := strings.Cut(strings.TrimPrefix(line, "HTTP/1.1 "), " "); ok {
						want = "HTTP/1.1 " + code + " " + tc.reason + "\r\n" + rest
					}
				}
				if strings.HasSuffix(strings.SplitN(tc.req, "\r\n", 2)[0], "HTTP/1.0") {
					// Another difference on purpose: HTTP/1.1 and
					// "Connection: close" to a 1.0 client, as from Apache.
					want = strings.Replace(strings.Replace(want, "HTTP/1.0 ", "HTTP/1.1 ", 1), "\r\n\r\n", "\r\nConnection: close\r\n\r\n", 1)
				}
				want = volatile.ReplaceAllString(sortedHead(want), "")
				if got != want {
					t.Errorf("internal/http1 answered\n%q\nnet/http answered (reason phrase %q)\n%q", got, tc.reason, want)
				}
			})
		}
	}
	s := newCGISite(t, nil)
	compare(t, s.g, s.addr(), []sameBytesCase{
		{"plain", "GET /cgi-bin/hello.sh HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", ""},
		{"status", "GET /cgi-bin/status.sh HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", "I am a teapot"},
		{"repeated headers", "GET /cgi-bin/cookies.sh HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", ""},
		{"client redirect", "GET /cgi-bin/redirect-abs.sh HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", ""},
		{"local redirect", "GET /cgi-bin/redirect-local.sh HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", ""},
		{"no content type", "GET /cgi-bin/no-ctype.sh HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", ""},
		{"304", "GET /cgi-bin/not-modified.sh HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", ""},
		{"CRLF header block", "GET /cgi-bin/crlf.sh HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", ""},
		{"malformed header block", "GET /cgi-bin/malformed.sh HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", ""},
		{"404", "GET /cgi-bin/missing.sh HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", ""},
		{"403", "GET /cgi-bin/noexec.pl HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", ""},
		{"HEAD", "HEAD /cgi-bin/hello.sh HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", ""},
		{"HTTP/1.0", "GET /cgi-bin/hello.sh HTTP/1.0\r\n\r\n", ""},
		{"POST body", "POST /cgi-bin/echo.sh HTTP/1.1\r\nHost: x\r\nContent-Length: 11\r\nConnection: close\r\n\r\nhello world", ""},
		{"chunked POST", "POST /cgi-bin/echo.sh HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n5\r\nhello\r\n0\r\n\r\n", ""},
	})
	a := newFCGISite(t, "answer", ModeCGI, nil)
	compare(t, a.g, a.srv.URL, []sameBytesCase{
		{"reason phrase", "GET /cgi-bin/status.pl?404%20Custom%20Text HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", "Custom Text"},
		{"reason phrase not sent", "GET /cgi-bin/status.pl?404%20caf%C3%A9 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", ""},
		{"conditional 304", "GET /cgi-bin/validators.pl HTTP/1.1\r\nHost: x\r\nIf-None-Match: \"abc\"\r\nConnection: close\r\n\r\n", ""},
		{"conditional 304 to HEAD", "HEAD /cgi-bin/validators.pl HTTP/1.1\r\nHost: x\r\nIf-None-Match: \"abc\"\r\nConnection: close\r\n\r\n", ""},
		{"conditional 412", "GET /cgi-bin/validators.pl?big HTTP/1.1\r\nHost: x\r\nIf-Match: \"zzz\"\r\nConnection: close\r\n\r\n", ""},
		{"1xx status", "GET /cgi-bin/status.pl?100%20Continue HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", ""},
	})
}

// sortedHead returns an answer with the field lines of its header block
// sorted, their names spelled canonically.
func sortedHead(raw string) string {
	head, body, ok := strings.Cut(raw, "\r\n\r\n")
	if !ok {
		return raw
	}
	lines := strings.Split(head, "\r\n")
	for i := 1; i < len(lines); i++ {
		if name, value, ok := strings.Cut(lines[i], ":"); ok {
			lines[i] = http.CanonicalHeaderKey(name) + ":" + value
		}
	}
	slices.Sort(lines[1:])
	return strings.Join(lines, "\r\n") + "\r\n\r\n" + body
}

// TestPublicServer_RefusedRequestIsLogged: a request the HTTP layer refuses
// before routing (a bad Host, two Content-Lengths) is logged with its
// status and reason, as every failed request is (C10): probes are seen.
func TestPublicServer_RefusedRequestIsLogged(t *testing.T) {
	t.Parallel()
	s := newCGISite(t, nil)
	for _, tc := range []struct{ req, reason string }{
		{"GET /cgi-bin/hello.sh HTTP/1.1\r\nHost: user@evil\r\n\r\n", "malformed Host"},
		{"POST /cgi-bin/echo.sh HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab", "Content-Length"},
	} {
		if got := string(mustRaw(t, s.addr(), tc.req)); !strings.HasPrefix(got, "HTTP/1.1 400 ") {
			t.Fatalf("%q: answered %q, want 400", tc.req, got)
		}
		found := false
		for _, e := range s.hook.AllEntries() {
			if e.Message == "request refused" && e.Data["status"] == 400 && strings.Contains(fmt.Sprint(e.Data["reason"]), tc.reason) && e.Data["remote"] != "" {
				found = true
			}
		}
		if !found {
			t.Errorf("%q: no \"request refused\" line with status 400 and a reason naming %s", tc.req, tc.reason)
		}
	}
}
