// Package roundtrip is the client side of the per-request benchmarks: one
// keep-alive connection, one request after another, with a client that
// allocates little, so that what a benchmark reports is the server's. Only
// tests import it.
package roundtrip

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"testing"
)

// Loop sends request (raw HTTP/1.1 bytes) to addr once per b.Loop
// iteration on one connection, reads each answer whole and fails b unless
// its status is want.
func Loop(b *testing.B, addr string, request string, want int) {
	b.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	br := bufio.NewReader(c)
	req := []byte(request)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := c.Write(req); err != nil {
			b.Fatal(err)
		}
		resp, err := http.ReadResponse(br, nil)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := io.Copy(io.Discard, resp.Body); err != nil {
			b.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != want {
			b.Fatalf("status %d, want %d", resp.StatusCode, want)
		}
	}
}
