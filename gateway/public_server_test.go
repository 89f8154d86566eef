package gateway

import (
	"net/http/httptest"
	"regexp"
	"testing"
)

// TestPublicServer_SameBytesAsNetHTTP guards the switch of the public
// listener to internal/http1: for the answers scripts give (plain, status,
// repeated headers, redirects, no Content-Type, 304, errors, HEAD,
// HTTP/1.0, a POST body, a malformed header block), a client gets the same
// bytes as from net/http's server over the same Gateway, Date aside.
func TestPublicServer_SameBytesAsNetHTTP(t *testing.T) {
	t.Parallel()
	s := newCGISite(t, nil)
	std := httptest.NewServer(s.g)
	t.Cleanup(std.Close)
	volatile := regexp.MustCompile(`(?m)^Date: .*\r\n|(REMOTE|SERVER)_PORT=\d+`)
	for _, tc := range []struct{ name, req string }{
		{"plain", "GET /cgi-bin/hello.sh HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"},
		{"status", "GET /cgi-bin/status.sh HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"},
		{"repeated headers", "GET /cgi-bin/cookies.sh HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"},
		{"client redirect", "GET /cgi-bin/redirect-abs.sh HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"},
		{"local redirect", "GET /cgi-bin/redirect-local.sh HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"},
		{"no content type", "GET /cgi-bin/no-ctype.sh HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"},
		{"304", "GET /cgi-bin/not-modified.sh HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"},
		{"CRLF header block", "GET /cgi-bin/crlf.sh HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"},
		{"malformed header block", "GET /cgi-bin/malformed.sh HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"},
		{"404", "GET /cgi-bin/missing.sh HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"},
		{"403", "GET /cgi-bin/noexec.pl HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"},
		{"HEAD", "HEAD /cgi-bin/hello.sh HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"},
		{"HTTP/1.0", "GET /cgi-bin/hello.sh HTTP/1.0\r\n\r\n"},
		{"POST body", "POST /cgi-bin/echo.sh HTTP/1.1\r\nHost: x\r\nContent-Length: 11\r\nConnection: close\r\n\r\nhello world"},
		{"chunked POST", "POST /cgi-bin/echo.sh HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n5\r\nhello\r\n0\r\n\r\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			want := volatile.ReplaceAllString(string(mustRaw(t, std.Listener.Addr().String(), tc.req)), "")
			got := volatile.ReplaceAllString(string(mustRaw(t, s.addr(), tc.req)), "")
			if got != want {
				t.Errorf("internal/http1 answered\n%q\nnet/http answered\n%q", got, want)
			}
		})
	}
}
