// serverinfo_test.go checks serverInfo's memo against serverInfoOf, the
// computation it stands for: SERVER_NAME, SERVER_ADDR and SERVER_PORT must
// be the same whether or not the memo answers.

package cgi

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"testing"
)

// TestServerInfo_MemoMatches asks serverInfo over every combination of
// Host, scheme and local address, each twice in a row (the second from
// the memo) and interleaved (the memo replaced), and with an address
// changed in place, and compares with serverInfoOf.
func TestServerInfo_MemoMatches(t *testing.T) {
	hosts := []string{"", "example.com", "Example.COM.", "example.com:8080", "a:00080", "[::1]:80", "[fe80::1%25eth0]", "::1", "127.0.0.1:9711", "x:y", "[", "example.com:", "ÿ.example"}
	schemes := []string{"http", "https"}
	addrs := []net.Addr{
		nil,
		&net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 9711},
		&net.TCPAddr{IP: net.IP{127, 0, 0, 1}, Port: 80},
		&net.TCPAddr{IP: net.ParseIP("::1"), Port: 443},
		&net.TCPAddr{IP: net.ParseIP("fe80::1"), Port: 8080, Zone: "eth0"},
		&net.TCPAddr{IP: net.ParseIP("fe80::1"), Port: 8080, Zone: "a]b"},
		&net.TCPAddr{Port: 81},
		&net.TCPAddr{IP: net.IP{1, 2, 3}, Port: 1},
		(*net.TCPAddr)(nil),
		&net.UnixAddr{Name: "/run/m.sock", Net: "unix"},
	}
	check := func(host, scheme string, la net.Addr) {
		t.Helper()
		r := httptest.NewRequest(http.MethodGet, "/", nil)
		r.Host = host
		if la != nil {
			r = r.WithContext(context.WithValue(r.Context(), http.LocalAddrContextKey, la))
		}
		wn, wa, wp := serverInfoOf(host, la, scheme)
		if n, a, p := serverInfo(r, scheme); n != wn || a != wa || p != wp {
			t.Errorf("serverInfo(Host %q, %s, %v) = %q %q %q, want %q %q %q", host, scheme, la, n, a, p, wn, wa, wp)
		}
	}
	for _, h := range hosts {
		for _, s := range schemes {
			for _, la := range addrs {
				check(h, s, la)
				check(h, s, la)
			}
		}
	}
	for i := range 3 * len(hosts) * len(addrs) {
		check(hosts[i%len(hosts)], schemes[i%2], addrs[i%len(addrs)])
	}
	// An address changed in place after the memo took it.
	ta := &net.TCPAddr{IP: net.IPv4(10, 0, 0, 1), Port: 80}
	for _, change := range []func(){
		func() {},
		func() { ta.IP[15] = 2 },
		func() { ta.Port = 8080 },
		func() { ta.IP = net.ParseIP("fe80::2") },
		func() { ta.Zone = "lo" },
		func() { ta.IP = nil },
	} {
		change()
		check("", "http", ta)
		check("example.com", "http", ta)
	}
}
