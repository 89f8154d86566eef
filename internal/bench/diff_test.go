// diff_test.go tests the naming of the first difference between answers.

package bench

import (
	"net/http"
	"testing"
)

func TestDiff(t *testing.T) {
	ans := func(status int, body string, kv ...string) Answer {
		h := http.Header{}
		for i := 0; i+1 < len(kv); i += 2 {
			h.Add(kv[i], kv[i+1])
		}
		return Answer{Status: status, Header: h, Body: []byte(body), Length: int64(len(body))}
	}
	base := ans(200, "hello from perl\nquery=\n", "Content-Type", "text/plain", "Date", "Mon, 01 Jan 2026 00:00:00 GMT")
	for _, tc := range []struct {
		name string
		b    Answer
		want string
	}{
		{"same but Date", ans(200, "hello from perl\nquery=\n", "Content-Type", "text/plain", "Date", "Tue, 02 Jan 2026 00:00:00 GMT"), ""},
		{"status", ans(502, "hello from perl\nquery=\n", "Content-Type", "text/plain"), "status: cgi 200, fastcgi 502"},
		{"header value", ans(200, "hello from perl\nquery=\n", "Content-Type", "text/html"), `header Content-Type: cgi "text/plain", fastcgi "text/html"`},
		{"header added", ans(200, "hello from perl\nquery=\n", "Content-Type", "text/plain", "X-Pid", "42"), `header X-Pid: cgi (none), fastcgi "42"`},
		{"repeated header", ans(200, "hello from perl\nquery=\n", "Content-Type", "text/plain", "Content-Type", "x"), `header Content-Type: cgi "text/plain", fastcgi ["text/plain" "x"]`},
		{"body byte", ans(200, "hello from PERL\nquery=\n", "Content-Type", "text/plain"), `body differs at byte 11: cgi "…lo from perl\nquery=\n", fastcgi "…lo from PERL\nquery=\n"`},
		{"body longer", ans(200, "hello from perl\nquery=\nmore", "Content-Type", "text/plain"), "body length: cgi 23 bytes, fastcgi 27 bytes (the same up to byte 23)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := Diff("cgi", base, "fastcgi", tc.b); got != tc.want {
				t.Errorf("Diff = %q, want %q", got, tc.want)
			}
		})
	}
}

// TestDiff_ClientPortMasked: each answer's own client port, where it
// stands as a number of its own (REMOTE_PORT in an environment dump, in
// the body or a header), is no difference; the same digits inside a
// longer number still are, and so is any other difference.
func TestDiff_ClientPortMasked(t *testing.T) {
	ans := func(port, body, hdr string) Answer {
		h := http.Header{"X-Port": {hdr}}
		return Answer{Status: 200, Header: h, Body: []byte(body), Length: int64(len(body)), Port: port}
	}
	for _, tc := range []struct {
		name string
		a, b Answer
		want string
	}{
		{"port in body and header", ans("40001", "REMOTE_PORT=\"40001\"\n", "p=40001"), ans("40123", "REMOTE_PORT=\"40123\"\n", "p=40123"), ""},
		{"port at the ends", ans("40001", "40001", "40001"), ans("40123", "40123", "40123"), ""},
		{"inside a longer number", ans("40001", "n=140001\n", ""), ans("40123", "n=140123\n", ""), `body differs at byte 5: cgi "n=140001\n", fastcgi "n=140123\n"`},
		{"twice in a longer number", ans("40000", "n=4000040000\n", ""), ans("40123", "n=4000040000\n", ""), ""},
		{"other difference", ans("40001", "port=40001 pid=7\n", ""), ans("40123", "port=40123 pid=8\n", ""), `body differs at byte 23: cgi "…RT} pid=7\n", fastcgi "…RT} pid=8\n"`},
		{"port unknown", ans("", "p=40001", ""), ans("40123", "p=40123", ""), `body differs at byte 4: cgi "p=40001", fastcgi "p=40123"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := Diff("cgi", tc.a, "fastcgi", tc.b); got != tc.want {
				t.Errorf("Diff = %q, want %q", got, tc.want)
			}
		})
	}
}
