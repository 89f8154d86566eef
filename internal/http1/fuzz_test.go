package http1

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

// FuzzServer feeds arbitrary bytes to a running server as one client
// connection. Whatever the bytes, the server must answer with HTTP/1.x
// responses only, end the connection within a few seconds once the client
// has stopped sending, and never panic. The handler reads the body and
// echoes what it parsed, so that framing mistakes show as garbage.
func FuzzServer(f *testing.F) {
	for _, seed := range []string{
		"GET / HTTP/1.1\r\nHost: x\r\n\r\n",
		"GET /a?b=c HTTP/1.1\r\nHost: x\r\n\r\nGET /d HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
		"POST /p HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello",
		"POST /p HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n",
		"POST /p HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
		"POST /p HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\nok",
		"HEAD / HTTP/1.0\r\nConnection: keep-alive\r\n\r\nGET / HTTP/1.0\r\n\r\n",
		"GET / HTTP/1.1\r\nHost:\r\n\r\n",
		"GET / HTTP/1.1\r\n\r\n",
		"GET / HTTP/1.1\nHost: x\n\n",
		"OPTIONS * HTTP/1.1\r\nHost: x\r\n\r\n",
		"GET / HTTP/2.0\r\nHost: x\r\n\r\n",
		"GET / HTTP/1.1\r\nHost: x\r\nX: a\r\n b\r\n\r\n",
		"\x00\xff garbage\r\n\r\n",
		"POST /p HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\nT: 1\r\n\r\nGET /n HTTP/1.1\r\nHost: x\r\n\r\n",
		"POST /p HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\nGET /s HTTP/1.1\r\nHost: x\r\n\r\n",
		"\r\nPOST /p HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\nok\r\nGET /n HTTP/1.1\r\nHost: x\r\n\r\n",
	} {
		f.Add([]byte(seed))
	}
	var logs logSink
	srv := &Server{
		Handler:           http.HandlerFunc(fuzzEcho),
		ReadHeaderTimeout: 2 * time.Second,
		ReadTimeout:       2 * time.Second,
		IdleTimeout:       2 * time.Second,
		MaxHeaderBytes:    4 << 10,
		ErrorLog:          logs.log,
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		f.Fatal(err)
	}
	go srv.Serve(ln)
	f.Cleanup(func() { srv.Close() })

	f.Fuzz(func(t *testing.T, in []byte) {
		c, err := net.Dial("tcp", ln.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		c.SetDeadline(time.Now().Add(10 * time.Second))
		// Write and half-close from another goroutine: a server that
		// answers before reading everything must not deadlock the test.
		go func() {
			c.Write(in)
			c.(*net.TCPConn).CloseWrite()
		}()
		start := time.Now()
		out, err := io.ReadAll(c)
		if err != nil && !isReset(err) {
			t.Fatalf("reading the answers: %v after %v (input %q)", err, time.Since(start).Round(time.Millisecond), in)
		}
		if len(out) > 0 && !bytes.HasPrefix(out, []byte("HTTP/1.")) {
			t.Fatalf("answer does not start with a status line: %q (input %q)", short(string(out)), in)
		}
		// Any entry fails the run, so entries never pile up across inputs.
		if msg := logs.snapshot(); len(msg) > 0 {
			t.Fatalf("server logged %q (input %q)", msg, in)
		}
		// The requests served are those a reference parser (net/http's,
		// each body read whole) finds in the same bytes, in order: the
		// server may refuse sooner (it refuses more: smuggling shapes),
		// never frame a request another way (a body taken for a request,
		// a request taken for a body).
		served := echoedRequests(out)
		ref := referenceRequests(in)
		for i, got := range served {
			if i >= len(ref) {
				t.Fatalf("served %d requests where the reference parser finds %d: %q (input %q)", len(served), len(ref), served, in)
			}
			if got != ref[i] {
				t.Fatalf("request %d served as %q, the reference parser reads %q (input %q)", i+1, got, ref[i], in)
			}
		}
	})
}

// echoedRequests returns the requests fuzzEcho described in the server's
// answers out, up to the first answer that is not its 200, or that read
// its body with an error.
func echoedRequests(out []byte) []string {
	var reqs []string
	br := bufio.NewReader(bytes.NewReader(out))
	for {
		resp, err := http.ReadResponse(br, nil)
		if err != nil {
			return reqs
		}
		b, err := io.ReadAll(resp.Body)
		if err != nil || resp.StatusCode != http.StatusOK || !bytes.HasSuffix(b, []byte(" err=false\n")) {
			return reqs
		}
		reqs = append(reqs, string(bytes.TrimSuffix(b, []byte(" err=false\n"))))
	}
}

// referenceRequests returns the requests net/http's parser reads in in,
// described as fuzzEcho describes them, up to its first error (a body cut
// short included). The empty lines a server skips before a request line
// (RFC 9112 §2.2) are skipped first.
func referenceRequests(in []byte) []string {
	var reqs []string
	br := bufio.NewReader(bytes.NewReader(in))
	for {
		for {
			c, err := br.ReadByte()
			if err != nil {
				return reqs
			}
			if c != '\r' && c != '\n' {
				br.UnreadByte()
				break
			}
		}
		r, err := http.ReadRequest(br)
		if err != nil {
			return reqs
		}
		b, err := io.ReadAll(r.Body)
		if err != nil {
			return reqs
		}
		reqs = append(reqs, fmt.Sprintf("%s %s %q body=%d", r.Method, r.RequestURI, r.Host, len(b)))
		if r.Close {
			return reqs
		}
	}
}

// fuzzEcho reads the whole body and describes the request.
func fuzzEcho(w http.ResponseWriter, r *http.Request) {
	b, err := io.ReadAll(r.Body)
	fmt.Fprintf(w, "%s %s %q body=%d err=%v\n", r.Method, r.RequestURI, r.Host, len(b), err != nil)
}

func isReset(err error) bool {
	return strings.Contains(err.Error(), "connection reset")
}
