package http1

import (
	"io"
	"net"
	"net/http"
	"testing"

	"github.com/menshen/menshen/internal/roundtrip"
)

// BenchmarkServer is one keep-alive request after another over loopback, to
// a handler that writes a short body: the per-request cost of the server
// itself, ours beside net/http's.
//
//	go test -run XXX -bench Server ./internal/http1/
func BenchmarkServer(b *testing.B) {
	benchServer(b, "GET /bench HTTP/1.1\r\nHost: x\r\nUser-Agent: bench\r\n\r\n")
}

// BenchmarkServerPost is BenchmarkServer with a small form posted, which
// the handler reads.
func BenchmarkServerPost(b *testing.B) {
	benchServer(b, "POST /bench HTTP/1.1\r\nHost: x\r\nUser-Agent: bench\r\n"+
		"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 7\r\n\r\nk=7&x=1")
}

func benchServer(b *testing.B, raw string) {
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "text/plain")
		io.WriteString(w, "hello\n")
	})
	for _, im := range []struct {
		name  string
		serve func(net.Listener) (stop func())
	}{
		{"net-http", func(ln net.Listener) func() {
			s := &http.Server{Handler: h}
			go s.Serve(ln)
			return func() { s.Close() }
		}},
		{"http1", func(ln net.Listener) func() {
			s := &Server{Handler: h}
			go s.Serve(ln)
			return func() { s.Close() }
		}},
	} {
		b.Run(im.name, func(b *testing.B) {
			ln, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				b.Fatal(err)
			}
			defer im.serve(ln)()
			roundtrip.Loop(b, ln.Addr().String(), raw, http.StatusOK)
		})
	}
}
