package http1

import (
	"context"
	"io"
	"net"
	"net/http"
	"testing"
	"time"

	"github.com/menshen/menshen/internal/httpsyntax"
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

// BenchmarkServerGateway is BenchmarkServer with what menshen's gateway
// does on each request: its timeouts, a request context derived from a
// cancellable base and watched with context.AfterFunc, a chunked answer
// with its fields in the script's order, completed before the handler
// returns.
//
//	go test -run XXX -bench ServerGateway ./internal/http1/
func BenchmarkServerGateway(b *testing.B) {
	hard, kill := context.WithCancelCause(context.Background())
	defer kill(nil)
	order := []httpsyntax.Field{{Key: "Content-Type", Name: "Content-Type"}}
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		stop := context.AfterFunc(r.Context(), func() {})
		w.Header().Set("Content-Type", "text/plain")
		w.Header().Set("Transfer-Encoding", "chunked")
		w.(interface{ SetFieldOrder([]httpsyntax.Field) }).SetFieldOrder(order)
		w.WriteHeader(http.StatusOK)
		io.WriteString(w, "hello from perl\nquery=k=7\n")
		w.(interface{ Complete() error }).Complete()
		stop()
	})
	s := &Server{Handler: h, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 5 * time.Minute,
		IdleTimeout: 15 * time.Second, WriteTimeout: time.Minute, BodyWait: 20 * time.Second, BodyMinRate: 500,
		MaxHeaderBytes: 64 << 10, BaseContext: func(net.Listener) context.Context { return hard }}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	go s.Serve(ln)
	defer s.Close()
	roundtrip.Loop(b, ln.Addr().String(), "GET /cgi-bin/hello.fcgi?k=7 HTTP/1.1\r\nHost: 127.0.0.1:8080\r\n"+
		"User-Agent: wrk\r\nAccept: */*\r\n\r\n", http.StatusOK)
}
