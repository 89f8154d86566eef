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
