// client_test.go: the client against peers that share no code with it: Go's
// net/http/fcgi server, FCGI.pm, php-cgi, and hand-written raw servers that
// misbehave on purpose.

package fastcgi

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/fcgi"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// clientListen listens on a Unix socket in a fresh temporary directory.
func clientListen(tb testing.TB) *net.UnixListener {
	tb.Helper()
	l, err := net.Listen("unix", filepath.Join(tb.TempDir(), "s"))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { l.Close() })
	return l.(*net.UnixListener)
}

// clientDial connects a Conn to addr and closes it in Cleanup.
func clientDial(tb testing.TB, addr string) *Conn {
	tb.Helper()
	nc, err := net.Dial("unix", addr)
	if err != nil {
		tb.Fatal(err)
	}
	c := NewConn(nc)
	tb.Cleanup(func() { c.Close() })
	return c
}

// clientCountingListener counts accepted connections.
type clientCountingListener struct {
	net.Listener
	n atomic.Int32
}

func (l *clientCountingListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err == nil {
		l.n.Add(1)
	}
	return c, err
}

// clientServeGo runs Go's net/http/fcgi server with h in process.
func clientServeGo(tb testing.TB, h http.Handler) (addr string, l *clientCountingListener) {
	tb.Helper()
	l = &clientCountingListener{Listener: clientListen(tb)}
	done := make(chan struct{})
	go func() {
		defer close(done)
		fcgi.Serve(l, h)
	}()
	tb.Cleanup(func() {
		l.Close()
		<-done
	})
	return l.Addr().String(), l
}

// clientParams returns the meta-variables of a minimal request plus extra.
func clientParams(method, uri string, bodyLen int, extra ...string) []string {
	p := []string{
		"GATEWAY_INTERFACE=CGI/1.1",
		"REQUEST_METHOD=" + method,
		"REQUEST_URI=" + uri,
		"SCRIPT_NAME=/test",
		"SERVER_PROTOCOL=HTTP/1.1",
		"SERVER_NAME=localhost",
		"SERVER_PORT=80",
		"REMOTE_ADDR=127.0.0.1",
		"HTTP_HOST=localhost",
	}
	if bodyLen > 0 || method == "POST" {
		p = append(p, "CONTENT_LENGTH="+strconv.Itoa(bodyLen), "CONTENT_TYPE=application/octet-stream")
	}
	return append(p, extra...)
}

// clientRoundTrip runs one request to its end and returns stdout.
func clientRoundTrip(tb testing.TB, c *Conn, req *Request) string {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	resp, err := c.Do(ctx, req)
	if err != nil {
		tb.Fatalf("Do: %v", err)
	}
	out, err := io.ReadAll(resp)
	if err != nil {
		tb.Fatalf("read response: %v (after %d bytes)", err, len(out))
	}
	if err := resp.Close(); err != nil {
		tb.Fatalf("close response: %v", err)
	}
	return string(out)
}

// clientCutBody splits a CGI response into its header block and body.
func clientCutBody(tb testing.TB, out string) (head, body string) {
	tb.Helper()
	head, body, ok := strings.Cut(out, "\r\n\r\n")
	if !ok {
		if head, body, ok = strings.Cut(out, "\n\n"); !ok {
			tb.Fatalf("no header block in %.200q", out)
		}
	}
	return head, body
}

// clientWritersGone polls until no body writer goroutine is left.
func clientWritersGone(tb testing.TB) {
	tb.Helper()
	deadline := time.Now().Add(3 * time.Second)
	for {
		buf := make([]byte, 1<<20)
		buf = buf[:runtime.Stack(buf, true)]
		if !bytes.Contains(buf, []byte("(*Response).writeStdin")) {
			return
		}
		if time.Now().After(deadline) {
			tb.Fatalf("body writer goroutine leaked:\n%s", buf)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestConn_GoServer_Params(t *testing.T) {
	addr, _ := clientServeGo(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		env := fcgi.ProcessEnv(r)
		env["header:X-Extra"] = r.Header.Get("X-Extra")
		json.NewEncoder(w).Encode(env)
	}))
	c := clientDial(t, addr)
	longName := "X_" + strings.Repeat("N", 300)
	want := map[string]string{
		"X_LEN_0":                "",
		"X_LEN_127":              strings.Repeat("a", 127),
		"X_LEN_128":              strings.Repeat("b", 128),
		"X_LEN_65535":            strings.Repeat("c", 65535),
		"X_LEN_70000":            strings.Repeat("d", 70000),
		"X_EQUALS":               "a=b=c",
		longName:                 "long name",
		strings.Repeat("M", 127): "name of 127",
		strings.Repeat("O", 128): "name of 128",
	}
	extra := []string{"HTTP_X_EXTRA=header value"}
	for k, v := range want {
		extra = append(extra, k+"="+v)
	}
	params := clientParams("GET", "/test?q=1", 0, extra...)
	// The same variables given as Params and as Pairs made with AppendPair.
	var pairs []byte
	for _, kv := range params {
		k, v, _ := strings.Cut(kv, "=")
		var err error
		if pairs, err = AppendPair(pairs, k, v); err != nil {
			t.Fatal(err)
		}
	}
	for _, req := range []*Request{{Params: params}, {Pairs: pairs, Params: []string{"IGNORED"}}} {
		out := clientRoundTrip(t, c, req)
		_, body := clientCutBody(t, out)
		var got map[string]string
		if err := json.Unmarshal([]byte(body), &got); err != nil {
			t.Fatalf("decode %.200q: %v", body, err)
		}
		for k, v := range want {
			if got[k] != v {
				t.Errorf("pairs %v: param %.20s… (%d bytes) = %d bytes, want %d", req.Pairs != nil, k, len(k), len(got[k]), len(v))
			}
		}
		if got["header:X-Extra"] != "header value" {
			t.Errorf("pairs %v: X-Extra header = %q, want %q", req.Pairs != nil, got["header:X-Extra"], "header value")
		}
	}
}

func TestConn_GoServer_Body(t *testing.T) {
	const bigResponse = 4 << 20
	addr, _ := clientServeGo(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("X-Write-First") != "" {
			// Write a large response before reading the body: a client that
			// sends the whole body before reading deadlocks here.
			chunk := bytes.Repeat([]byte("x"), 64<<10)
			for range bigResponse / len(chunk) {
				w.Write(chunk)
			}
		}
		h := sha256.New()
		n, err := io.Copy(h, r.Body)
		fmt.Fprintf(w, "\nlen=%d sum=%x err=%v", n, h.Sum(nil), err)
	}))
	c := clientDial(t, addr)
	for _, tc := range []struct {
		name       string
		body       []byte
		nilStdin   bool
		writeFirst bool
	}{
		{name: "nil", nilStdin: true},
		{name: "empty", body: []byte{}},
		{name: "small", body: []byte("hello, world")},
		{name: "exactly65535", body: bytes.Repeat([]byte{7}, 65535)},
		{name: "exactly65536", body: bytes.Repeat([]byte{8}, 65536)},
		{name: "5MiB-full-duplex", body: clientRandBytes(5 << 20), writeFirst: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req := &Request{}
			if !tc.nilStdin {
				req.Stdin = bytes.NewReader(tc.body)
			}
			var extra []string
			if tc.writeFirst {
				extra = append(extra, "HTTP_X_WRITE_FIRST=1")
			}
			req.Params = clientParams("POST", "/upload", len(tc.body), extra...)
			_, body := clientCutBody(t, clientRoundTrip(t, c, req))
			if tc.writeFirst {
				if n := strings.Count(body, "x"); n != bigResponse {
					t.Errorf("got %d bytes of the large response, want %d", n, bigResponse)
				}
				body = strings.TrimLeft(body, "x")
			}
			want := fmt.Sprintf("\nlen=%d sum=%x err=<nil>", len(tc.body), sha256.Sum256(tc.body))
			if body != want {
				t.Errorf("handler saw %q, want %q", body, want)
			}
			if !c.Reusable() {
				t.Errorf("Reusable() = false after a clean request")
			}
		})
	}
	clientWritersGone(t)
}

func clientRandBytes(n int) []byte {
	b := make([]byte, n)
	r := rand.NewChaCha8([32]byte{1})
	r.Read(b)
	return b
}

func TestConn_GoServer_Streaming(t *testing.T) {
	// The second line is written once the client has read the first, not
	// after a pause the client must read the first within (a loaded
	// machine can hold the reader off the processor longer); if the client
	// held the first back, it gets both together after 10 s.
	read := make(chan struct{})
	addr, _ := clientServeGo(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "first\n")
		w.(http.Flusher).Flush()
		select {
		case <-read:
		case <-time.After(10 * time.Second):
		}
		io.WriteString(w, "second\n")
	}))
	c := clientDial(t, addr)
	resp, err := c.Do(context.Background(), &Request{Params: clientParams("GET", "/", 0)})
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Close()
	var out []byte
	first := false
	buf := make([]byte, 64<<10)
	for !bytes.Contains(out, []byte("second\n")) {
		n, err := resp.Read(buf)
		out = append(out, buf[:n]...)
		if !first && bytes.Contains(out, []byte("first\n")) {
			first = true
			if bytes.Contains(out, []byte("second")) {
				t.Fatalf("first line only readable together with the second: %q", out)
			}
			close(read)
		}
		if err != nil {
			t.Fatalf("read: %v after %q", err, out)
		}
	}
}

func TestConn_GoServer_KeepConn(t *testing.T) {
	addr, l := clientServeGo(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		fmt.Fprintf(w, "%s %s %s", r.Method, r.URL.Path, b)
	}))
	c := clientDial(t, addr)
	for i := range 5 {
		body := fmt.Sprintf("body-%d", i)
		req := &Request{Params: clientParams("POST", fmt.Sprintf("/req%d", i), len(body)), Stdin: strings.NewReader(body)}
		if i%2 == 1 {
			req = &Request{Params: clientParams("GET", fmt.Sprintf("/req%d", i), 0)}
			body = ""
		}
		_, got := clientCutBody(t, clientRoundTrip(t, c, req))
		method := map[bool]string{true: "GET", false: "POST"}[i%2 == 1]
		if want := fmt.Sprintf("%s /req%d %s", method, i, body); got != want {
			t.Errorf("request %d: got %q, want %q", i, got, want)
		}
		if !c.Reusable() {
			t.Fatalf("request %d: Reusable() = false", i)
		}
	}
	if n := l.n.Load(); n != 1 {
		t.Errorf("server accepted %d connections, want 1", n)
	}
}

func TestConn_GoServer_GetValues(t *testing.T) {
	addr, _ := clientServeGo(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "ok")
	}))
	c := clientDial(t, addr)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	got, err := c.GetValues(ctx, "FCGI_MPXS_CONNS", "FCGI_MAX_CONNS")
	if err != nil {
		t.Fatal(err)
	}
	if got["FCGI_MPXS_CONNS"] != "1" {
		t.Errorf("GetValues = %v, want FCGI_MPXS_CONNS=1", got)
	}
	if !c.Reusable() {
		t.Fatal("Reusable() = false after GetValues")
	}
	if _, body := clientCutBody(t, clientRoundTrip(t, c, &Request{Params: clientParams("GET", "/", 0)})); body != "ok" {
		t.Errorf("request after GetValues: body %q, want %q", body, "ok")
	}
}

func BenchmarkConn_Do(b *testing.B) {
	addr, _ := clientServeGo(b, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "hello")
	}))
	c := clientDial(b, addr)
	req := &Request{Params: clientParams("GET", "/bench", 0)}
	ctx := context.Background()
	buf := make([]byte, 4096)
	for b.Loop() {
		resp, err := c.Do(ctx, req)
		if err != nil {
			b.Fatal(err)
		}
		for {
			_, err := resp.Read(buf)
			if err == io.EOF {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
		}
		resp.Close()
	}
}

// clientStartApp starts a FastCGI application with a listening Unix socket as
// fd 0 (FCGI_LISTENSOCK_FILENO) in a process group of its own, and kills
// and reaps the group in Cleanup.
func clientStartApp(t *testing.T, env []string, name string, args ...string) string {
	t.Helper()
	l := clientListen(t)
	f, err := l.File()
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	stderr, err := os.Create(filepath.Join(t.TempDir(), "stderr"))
	if err != nil {
		t.Fatal(err)
	}
	defer stderr.Close()
	cmd := exec.Command(name, args...)
	cmd.Stdin = f
	cmd.Stderr = stderr
	cmd.Env = env
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	pgid := cmd.Process.Pid
	t.Cleanup(func() {
		syscall.Kill(-pgid, syscall.SIGKILL)
		cmd.Wait()
		deadline := time.Now().Add(5 * time.Second)
		for syscall.Kill(-pgid, 0) != syscall.ESRCH {
			if time.Now().After(deadline) {
				t.Errorf("process group %d still alive", pgid)
				break
			}
			time.Sleep(10 * time.Millisecond)
		}
		if t.Failed() {
			b, _ := os.ReadFile(stderr.Name())
			t.Logf("%s stderr:\n%s", name, b)
		}
	})
	return l.Addr().String()
}

func clientStartFCGIpm(t *testing.T) string {
	t.Helper()
	if _, err := exec.LookPath("perl"); err != nil {
		t.Skip("perl not installed (Debian package perl)")
	}
	if err := exec.Command("perl", "-MFCGI", "-e1").Run(); err != nil {
		t.Skip("FCGI.pm not installed (Debian package libfcgi-perl)")
	}
	script, err := filepath.Abs("testdata/client/echo.pl")
	if err != nil {
		t.Fatal(err)
	}
	return clientStartApp(t, []string{"PATH=/usr/bin:/bin"}, "perl", script)
}

// clientHeader returns the value of the CGI header name in head.
func clientHeader(head, name string) string {
	for _, line := range strings.Split(head, "\n") {
		k, v, ok := strings.Cut(strings.TrimRight(line, "\r"), ":")
		if ok && strings.EqualFold(k, name) {
			return strings.TrimSpace(v)
		}
	}
	return ""
}

func TestConn_FCGIpm(t *testing.T) {
	addr := clientStartFCGIpm(t)
	c := clientDial(t, addr)

	var pid string
	t.Run("env", func(t *testing.T) {
		long := strings.Repeat("v", 70000)
		head, body := clientCutBody(t, clientRoundTrip(t, c, &Request{Params: clientParams("GET", "/env", 0,
			"TEST_MODE=env", "X_LEN_127="+long[:127], "X_LEN_128="+long[:128], "X_LONG="+long)}))
		pid = clientHeader(head, "X-Pid")
		for _, want := range []string{"REQUEST_METHOD=GET\n", "X_LEN_127=" + long[:127] + "\n", "X_LEN_128=" + long[:128] + "\n", "X_LONG=" + long + "\n"} {
			if !strings.Contains(body, want) {
				t.Errorf("env misses %.40q… (%d bytes)", want, len(want))
			}
		}
	})
	t.Run("stdin", func(t *testing.T) {
		in := clientRandBytes(1 << 20)
		head, body := clientCutBody(t, clientRoundTrip(t, c, &Request{
			Params: clientParams("POST", "/stdin", len(in), "TEST_MODE=stdin"),
			Stdin:  bytes.NewReader(in),
		}))
		if body != string(in) {
			t.Errorf("echoed %d bytes, want the %d sent", len(body), len(in))
		}
		if got := clientHeader(head, "X-Pid"); got != pid {
			t.Errorf("X-Pid = %q, want %q (the conn was kept)", got, pid)
		}
		if !c.Reusable() {
			t.Errorf("Reusable() = false after a request with a body")
		}
	})
	t.Run("stderr", func(t *testing.T) {
		var lines []string
		_, body := clientCutBody(t, clientRoundTrip(t, c, &Request{
			Params: clientParams("GET", "/stderr", 0, "TEST_MODE=stderr"),
			Stderr: func(line []byte) { lines = append(lines, string(line)) },
		}))
		if body != "ok\n" {
			t.Errorf("body = %q, want %q", body, "ok\n")
		}
		want := []string{"first line", "second line", "no newline"}
		if fmt.Sprint(lines) != fmt.Sprint(want) {
			t.Errorf("stderr lines = %q, want %q", lines, want)
		}
	})
	t.Run("keep-conn", func(t *testing.T) {
		head, body := clientCutBody(t, clientRoundTrip(t, c, &Request{Params: clientParams("GET", "/env", 0, "TEST_MODE=env")}))
		if got := clientHeader(head, "X-Pid"); got != pid || pid == "" {
			t.Errorf("X-Pid = %q, want %q", got, pid)
		}
		if strings.Contains(body, "X_LONG=") {
			t.Errorf("params of an earlier request leaked into this one")
		}
		if !c.Reusable() {
			t.Errorf("Reusable() = false")
		}
	})
	t.Run("get-values", func(t *testing.T) {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		got, err := c.GetValues(ctx, "FCGI_MPXS_CONNS")
		if err != nil {
			t.Fatal(err)
		}
		if got["FCGI_MPXS_CONNS"] != "0" {
			t.Errorf("GetValues = %v, want FCGI_MPXS_CONNS=0", got)
		}
	})
	// libfcgi never answers a management record without padding: names
	// whose pairs fill a multiple of 8 bytes used to hang here.
	t.Run("get-values-aligned", func(t *testing.T) {
		for _, names := range [][]string{{"FCGI_MAX_CONNS"}, {"FCGI_MAX_CONNS", "FCGI_MAX_REQS", "FCGI_MPXS_CONNS"}} {
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			got, err := c.GetValues(ctx, names...)
			cancel()
			if err != nil {
				t.Fatalf("GetValues(%v): %v", names, err)
			}
			if got["FCGI_MAX_CONNS"] != "1" {
				t.Errorf("GetValues(%v) = %v, want FCGI_MAX_CONNS=1", names, got)
			}
		}
	})
}

func TestConn_FCGIpm_WorkerDiesMidRequest(t *testing.T) {
	addr := clientStartFCGIpm(t)
	c := clientDial(t, addr)
	resp, err := c.Do(context.Background(), &Request{Params: clientParams("GET", "/die", 0, "TEST_MODE=die")})
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Close()
	out, err := io.ReadAll(resp)
	if !errors.Is(err, ErrConnClosed) {
		t.Fatalf("read = %v, want ErrConnClosed", err)
	}
	if !strings.HasSuffix(string(out), "partial") {
		t.Errorf("stdout before the crash = %q, want it to end in %q", out, "partial")
	}
	if _, ok := resp.AppStatus(); ok {
		t.Errorf("AppStatus ok without END_REQUEST")
	}
	resp.Close()
	if c.Reusable() {
		t.Errorf("Reusable() = true after the worker died")
	}
	if _, err := c.Do(context.Background(), &Request{Params: clientParams("GET", "/", 0)}); !errors.Is(err, ErrConnClosed) {
		t.Errorf("Do on the dead conn = %v, want ErrConnClosed", err)
	}
}

func TestConn_PHPCGI(t *testing.T) {
	php, err := exec.LookPath("php-cgi")
	if err != nil {
		t.Skip("php-cgi not installed (Debian package php-cgi)")
	}
	dir := t.TempDir()
	script := filepath.Join(dir, "index.php")
	src := `<?php header("X-Test: yes"); echo "hello ", $_GET["name"] ?? "", " ", file_get_contents("php://input");`
	if err := os.WriteFile(script, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	addr := clientStartApp(t, []string{"PATH=/usr/bin:/bin", "PHP_FCGI_CHILDREN=0", "PHP_FCGI_MAX_REQUESTS=0"}, php)
	c := clientDial(t, addr)
	for i, body := range []string{"", "posted"} {
		method := map[bool]string{true: "GET", false: "POST"}[body == ""]
		req := &Request{Params: clientParams(method, "/index.php?name=php", len(body),
			"SCRIPT_FILENAME="+script, "REDIRECT_STATUS=200", "QUERY_STRING=name=php")}
		if body != "" {
			req.Stdin = strings.NewReader(body)
		}
		head, got := clientCutBody(t, clientRoundTrip(t, c, req))
		if want := "hello php " + body; got != want {
			t.Errorf("request %d: body %q, want %q", i, got, want)
		}
		if clientHeader(head, "X-Test") != "yes" {
			t.Errorf("request %d: header block %q lacks X-Test", i, head)
		}
	}
}

// The raw servers below speak FastCGI byte by byte, with no help from
// record.go, so that they test it rather than agree with it.

type clientRec struct {
	typ     byte
	id      uint16
	content []byte
}

func clientRawRead(r io.Reader) (clientRec, error) {
	var h [8]byte
	if _, err := io.ReadFull(r, h[:]); err != nil {
		return clientRec{}, err
	}
	if h[0] != 1 {
		return clientRec{}, fmt.Errorf("client sent version %d", h[0])
	}
	n := int(h[4])<<8 | int(h[5])
	b := make([]byte, n+int(h[6]))
	if _, err := io.ReadFull(r, b); err != nil {
		return clientRec{}, err
	}
	return clientRec{typ: h[1], id: uint16(h[2])<<8 | uint16(h[3]), content: b[:n]}, nil
}

func clientRawRecord(typ byte, id uint16, content []byte, pad int) []byte {
	b := []byte{1, typ, byte(id >> 8), byte(id), byte(len(content) >> 8), byte(len(content)), byte(pad), 0}
	b = append(b, content...)
	return append(b, make([]byte, pad)...)
}

func clientRawEnd(app uint32, status byte) []byte {
	body := binary.BigEndian.AppendUint32(nil, app)
	return clientRawRecord(3, 1, append(body, status, 0, 0, 0), 0)
}

// clientRawRequest reads a request up to its empty STDIN record, or up to the
// empty PARAMS record when stdin is false.
func clientRawRequest(r io.Reader, stdin bool) (body []byte, err error) {
	for {
		rec, err := clientRawRead(r)
		if err != nil {
			return body, err
		}
		switch {
		case rec.typ == 1 && (rec.id != 1 || len(rec.content) != 8 || rec.content[1] != 1 || rec.content[2] != 1):
			return body, fmt.Errorf("bad BEGIN_REQUEST id %d body %v", rec.id, rec.content)
		case rec.typ == 4 && len(rec.content) == 0 && !stdin:
			return body, nil
		case rec.typ == 5 && len(rec.content) == 0:
			return body, nil
		case rec.typ == 5:
			body = append(body, rec.content...)
		}
	}
}

// clientRawServer accepts one connection and runs serve on it; Cleanup waits for
// serve to return after closing the client side.
func clientRawServer(t *testing.T, serve func(nc net.Conn)) string {
	t.Helper()
	l := clientListen(t)
	var wg sync.WaitGroup
	wg.Go(func() {
		nc, err := l.Accept()
		if err != nil {
			return
		}
		defer nc.Close()
		serve(nc)
	})
	t.Cleanup(func() {
		l.Close()
		wg.Wait()
	})
	return l.Addr().String()
}

func TestResponse_ProtocolStatus(t *testing.T) {
	for _, tc := range []struct {
		status byte
		want   error
	}{
		{1, ErrCantMpxConn},
		{2, ErrOverloaded},
		{3, ErrUnknownRole},
		{9, ErrBadRecord},
	} {
		t.Run(strconv.Itoa(int(tc.status)), func(t *testing.T) {
			addr := clientRawServer(t, func(nc net.Conn) {
				if _, err := clientRawRequest(nc, true); err != nil {
					t.Error(err)
					return
				}
				nc.Write(clientRawEnd(5, tc.status))
				io.Copy(io.Discard, nc)
			})
			c := clientDial(t, addr)
			resp, err := c.Do(context.Background(), &Request{Params: []string{"A=b"}})
			if err != nil {
				t.Fatal(err)
			}
			_, err = io.ReadAll(resp)
			if !errors.Is(err, tc.want) {
				t.Errorf("read = %v, want %v", err, tc.want)
			}
			var pse *ProtocolStatusError
			if !errors.As(err, &pse) || pse.Status != int(tc.status) || pse.AppStatus != 5 {
				t.Errorf("read = %#v, want a *ProtocolStatusError{%d, 5}", err, tc.status)
			}
			if app, ok := resp.AppStatus(); app != 5 || !ok {
				t.Errorf("AppStatus() = %d, %v, want 5, true", app, ok)
			}
			resp.Close()
			if c.Reusable() {
				t.Errorf("Reusable() = true after protocol status %d", tc.status)
			}
		})
	}
}

func TestResponse_BadRecord(t *testing.T) {
	for _, tc := range []struct {
		name  string
		reply []byte
	}{
		{"version", append([]byte{2, 6, 0, 1, 0, 2, 0, 0}, "hi"...)},
		{"begin-request", clientRawRecord(1, 1, []byte{0, 1, 0, 0, 0, 0, 0, 0}, 0)},
		{"stdin", clientRawRecord(5, 1, []byte("x"), 7)},
		{"unknown-type", clientRawRecord(42, 1, nil, 0)},
		{"short-end-request", clientRawRecord(3, 1, []byte{0, 0, 0, 0, 0, 0, 0}, 1)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			addr := clientRawServer(t, func(nc net.Conn) {
				if _, err := clientRawRequest(nc, true); err != nil {
					t.Error(err)
					return
				}
				nc.Write(clientRawRecord(6, 1, []byte("before"), 2))
				nc.Write(tc.reply)
				nc.Write(clientRawEnd(0, 0))
				io.Copy(io.Discard, nc)
			})
			c := clientDial(t, addr)
			resp, err := c.Do(context.Background(), &Request{})
			if err != nil {
				t.Fatal(err)
			}
			out, err := io.ReadAll(resp)
			if !errors.Is(err, ErrBadRecord) {
				t.Errorf("read = %q, %v, want ErrBadRecord", out, err)
			}
			if string(out) != "before" {
				t.Errorf("read %q before the bad record, want %q", out, "before")
			}
			resp.Close()
			if c.Reusable() {
				t.Error("Reusable() = true after a bad record")
			}
		})
	}
}

func TestResponse_IgnoresOtherRequests(t *testing.T) {
	addr := clientRawServer(t, func(nc net.Conn) {
		if _, err := clientRawRequest(nc, true); err != nil {
			t.Error(err)
			return
		}
		var b []byte
		b = append(b, clientRawRecord(6, 2, []byte("wrong id"), 0)...)
		b = append(b, clientRawRecord(200, 0, []byte("unknown management"), 6)...)
		b = append(b, clientRawRecord(10, 0, []byte{1, 1, 'A', 'b'}, 4)...)
		b = append(b, clientRawRecord(3, 7, make([]byte, 8), 0)...) // END_REQUEST of another id
		b = append(b, clientRawRecord(6, 1, []byte("right"), 3)...)
		b = append(b, clientRawRecord(6, 1, nil, 0)...)
		b = append(b, clientRawEnd(7, 0)...)
		nc.Write(b)
		io.Copy(io.Discard, nc)
	})
	c := clientDial(t, addr)
	out := clientRoundTrip(t, c, &Request{Params: []string{"A=b"}})
	if out != "right" {
		t.Errorf("stdout = %q, want %q", out, "right")
	}
	if !c.Reusable() {
		t.Errorf("Reusable() = false")
	}
}

func TestResponse_Padding(t *testing.T) {
	want := make([]byte, 0, 256+maxContent)
	addr := clientRawServer(t, func(nc net.Conn) {
		if _, err := clientRawRequest(nc, true); err != nil {
			t.Error(err)
			return
		}
		var b []byte
		for pad := range 256 {
			b = append(b, clientRawRecord(6, 1, []byte{byte(pad)}, pad)...)
		}
		b = append(b, clientRawRecord(6, 1, bytes.Repeat([]byte{'z'}, maxContent), 255)...)
		b = append(b, clientRawRecord(7, 1, []byte("padded stderr\n"), 200)...)
		b = append(b, clientRawRecord(6, 1, nil, 255)...)
		b = append(b, clientRawRecord(3, 1, make([]byte, 8), 255)...)
		nc.Write(b)
		io.Copy(io.Discard, nc)
	})
	for i := range 256 {
		want = append(want, byte(i))
	}
	want = append(want, bytes.Repeat([]byte{'z'}, maxContent)...)
	c := clientDial(t, addr)
	var lines []string
	out := clientRoundTrip(t, c, &Request{Stderr: func(l []byte) { lines = append(lines, string(l)) }})
	if out != string(want) {
		t.Errorf("stdout of %d bytes differs from the %d sent", len(out), len(want))
	}
	if len(lines) != 1 || lines[0] != "padded stderr" {
		t.Errorf("stderr = %q, want [padded stderr]", lines)
	}
}

func TestResponse_StderrAfterStdoutEOF(t *testing.T) {
	addr := clientRawServer(t, func(nc net.Conn) {
		if _, err := clientRawRequest(nc, true); err != nil {
			t.Error(err)
			return
		}
		nc.Write(clientRawRecord(7, 1, []byte("early\n"), 2))
		nc.Write(clientRawRecord(6, 1, []byte("body"), 4))
		nc.Write(clientRawRecord(6, 1, nil, 0))
		nc.Write(clientRawRecord(7, 1, []byte("late line\npar"), 3))
		nc.Write(clientRawRecord(7, 1, []byte("tial"), 4))
		nc.Write(clientRawEnd(0, 0))
		io.Copy(io.Discard, nc)
	})
	c := clientDial(t, addr)
	var lines []string
	out := clientRoundTrip(t, c, &Request{Stderr: func(l []byte) { lines = append(lines, string(l)) }})
	if out != "body" {
		t.Errorf("stdout = %q, want %q", out, "body")
	}
	if want := []string{"early", "late line", "partial"}; fmt.Sprint(lines) != fmt.Sprint(want) {
		t.Errorf("stderr lines = %q, want %q", lines, want)
	}
	if !c.Reusable() {
		t.Errorf("Reusable() = false")
	}
}

// TestResponse_ReadStdoutEndsBeforeRequest: ReadStdout ends at the empty
// FCGI_STDOUT record while the application goes on with the request;
// AwaitEnd then reads its stderr and FCGI_END_REQUEST, and the connection
// stays reusable.
func TestResponse_ReadStdoutEndsBeforeRequest(t *testing.T) {
	sawEOF := make(chan struct{})
	addr := clientRawServer(t, func(nc net.Conn) {
		if _, err := clientRawRequest(nc, true); err != nil {
			t.Error(err)
			return
		}
		nc.Write(clientRawRecord(6, 1, []byte("body"), 4))
		nc.Write(clientRawRecord(6, 1, nil, 0))
		select {
		case <-sawEOF:
		case <-time.After(5 * time.Second):
			t.Error("the client saw no end of stdout before FCGI_END_REQUEST")
		}
		nc.Write(clientRawRecord(7, 1, []byte("after the answer\n"), 0))
		nc.Write(clientRawEnd(3, 0))
		io.Copy(io.Discard, nc)
	})
	c := clientDial(t, addr)
	var lines []string
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	resp, err := c.Do(ctx, &Request{Stderr: func(l []byte) { lines = append(lines, string(l)) }})
	if err != nil {
		t.Fatal(err)
	}
	out, err := io.ReadAll(readerFunc(resp.ReadStdout))
	close(sawEOF)
	if err != nil || string(out) != "body" {
		t.Fatalf("ReadStdout: %q, %v; want \"body\"", out, err)
	}
	if _, ok := resp.AppStatus(); ok {
		t.Errorf("the request ended before the application sent FCGI_END_REQUEST")
	}
	if err := resp.AwaitEnd(); err != nil {
		t.Fatalf("AwaitEnd: %v", err)
	}
	if app, ok := resp.AppStatus(); !ok || app != 3 {
		t.Errorf("AppStatus = %d, %v; want 3, true", app, ok)
	}
	if fmt.Sprint(lines) != "[after the answer]" {
		t.Errorf("stderr lines = %q", lines)
	}
	resp.Close()
	if !c.Reusable() {
		t.Errorf("Reusable() = false after a clean end")
	}
}

type readerFunc func([]byte) (int, error)

func (f readerFunc) Read(p []byte) (int, error) { return f(p) }

func TestLineSplitter_BoundsLines(t *testing.T) {
	var got []string
	s := lineSplitter{emit: func(l []byte) { got = append(got, string(l)) }}
	long := strings.Repeat("a", 20000)
	s.write([]byte("one\ntw"))
	s.write([]byte("o\n" + long[:5000]))
	s.write([]byte(long[5000:] + "\nx\n\n"))
	s.write([]byte(strings.Repeat("b", maxStderrLine)))
	s.write([]byte("\ncrlf\r\n\r\n"))
	s.write([]byte(strings.Repeat("c", maxStderrLine) + "\r"))
	s.write([]byte("\n" + strings.Repeat("d", 2*maxStderrLine) + "\r\n"))
	s.write([]byte("tail"))
	s.flush()
	// As a CGI script's stderr is cut: CRLF ends a line too, and a line of
	// maxStderrLine bytes (or a multiple) is followed by no empty line.
	want := []string{"one", "two", long[:8192], long[8192:16384], long[16384:], "x", "", strings.Repeat("b", maxStderrLine),
		"crlf", "", strings.Repeat("c", maxStderrLine), strings.Repeat("d", maxStderrLine), strings.Repeat("d", maxStderrLine), "tail"}
	if len(got) != len(want) {
		t.Fatalf("got %d lines, want %d", len(got), len(want))
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("line %d: %d bytes %.10q, want %d bytes %.10q", i, len(got[i]), got[i], len(want[i]), want[i])
		}
	}
}

func TestResponse_ConnClosedBeforeEnd(t *testing.T) {
	addr := clientRawServer(t, func(nc net.Conn) {
		if _, err := clientRawRequest(nc, true); err != nil {
			t.Error(err)
			return
		}
		nc.Write(clientRawRecord(6, 1, []byte("partial"), 1))
		nc.Write([]byte{1, 6, 0, 1, 0, 9}) // half a header
	})
	c := clientDial(t, addr)
	resp, err := c.Do(context.Background(), &Request{})
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Close()
	out, err := io.ReadAll(resp)
	if !errors.Is(err, ErrConnClosed) || !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Errorf("read = %v, want ErrConnClosed wrapping io.ErrUnexpectedEOF", err)
	}
	if string(out) != "partial" {
		t.Errorf("stdout = %q, want %q", out, "partial")
	}
	resp.Close()
	if c.Reusable() {
		t.Errorf("Reusable() = true")
	}
}

func TestConn_ContextEndsPromptly(t *testing.T) {
	silent := func(t *testing.T, readAll bool) string {
		release := make(chan struct{})
		addr := clientRawServer(t, func(nc net.Conn) {
			if readAll {
				go io.Copy(io.Discard, nc)
			}
			<-release
		})
		t.Cleanup(func() { close(release) }) // before the server's Cleanup waits for it
		return addr
	}
	check := func(t *testing.T, err error, start time.Time) {
		t.Helper()
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("err = %v, want context.DeadlineExceeded", err)
		}
		if d := time.Since(start); d > 2*time.Second {
			t.Errorf("took %v after a 100ms timeout", d)
		}
	}
	t.Run("read", func(t *testing.T) {
		c := clientDial(t, silent(t, true))
		ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
		defer cancel()
		start := time.Now()
		resp, err := c.Do(ctx, &Request{})
		if err == nil {
			_, err = resp.Read(make([]byte, 10))
			resp.Close()
		}
		check(t, err, start)
		if c.Reusable() {
			t.Errorf("Reusable() = true")
		}
	})
	t.Run("do", func(t *testing.T) {
		c := clientDial(t, silent(t, false))
		ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
		defer cancel()
		start := time.Now()
		_, err := c.Do(ctx, &Request{Params: []string{"BIG=" + strings.Repeat("p", 8<<20)}})
		check(t, err, start)
	})
	t.Run("body", func(t *testing.T) {
		c := clientDial(t, silent(t, false))
		ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
		defer cancel()
		start := time.Now()
		resp, err := c.Do(ctx, &Request{Stdin: bytes.NewReader(make([]byte, 16<<20))})
		if err == nil {
			_, err = io.ReadAll(resp)
			resp.Close()
		}
		// (On a loaded machine the deadline may pass before Do returns.)
		check(t, err, start)
		clientWritersGone(t)
	})
	t.Run("get-values", func(t *testing.T) {
		c := clientDial(t, silent(t, true))
		ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
		defer cancel()
		start := time.Now()
		_, err := c.GetValues(ctx, "FCGI_MAX_CONNS")
		check(t, err, start)
	})
}

func TestResponse_CloseSendsAbort(t *testing.T) {
	aborted := make(chan struct{})
	addr := clientRawServer(t, func(nc net.Conn) {
		if _, err := clientRawRequest(nc, true); err != nil {
			t.Error(err)
			return
		}
		nc.Write(clientRawRecord(6, 1, []byte("partial"), 1))
		rec, err := clientRawRead(nc)
		if err != nil || rec.typ != 2 || rec.id != 1 {
			t.Errorf("after stdout: read %+v, %v, want ABORT_REQUEST for id 1", rec, err)
			return
		}
		close(aborted)
		nc.Write(clientRawRecord(6, 1, []byte("discarded"), 7))
		nc.Write(clientRawEnd(0, 0))
		// The conn is kept: serve one more request on it.
		if _, err := clientRawRequest(nc, true); err != nil {
			t.Error(err)
			return
		}
		nc.Write(append(clientRawRecord(6, 1, []byte("second"), 2), clientRawEnd(0, 0)...))
		io.Copy(io.Discard, nc)
	})
	c := clientDial(t, addr)
	resp, err := c.Do(context.Background(), &Request{Stdin: strings.NewReader("a small body")})
	if err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 100)
	if n, err := resp.Read(buf); err != nil || string(buf[:n]) != "partial" {
		t.Fatalf("read = %q, %v, want %q", buf[:n], err, "partial")
	}
	resp.Close()
	select {
	case <-aborted:
	default:
		t.Fatal("the server saw no ABORT_REQUEST")
	}
	if !c.Reusable() {
		t.Fatal("Reusable() = false after an abort the application answered")
	}
	if out := clientRoundTrip(t, c, &Request{}); out != "second" {
		t.Errorf("next request: %q, want %q", out, "second")
	}
}

// TestResponse_AbortDeadlineCleared: the deadline an abort sets (its
// drain's bound) is cleared when the conn is given back, even though most
// requests set none and so clear none: the next request on the kept conn,
// made after that deadline has passed, is answered.
func TestResponse_AbortDeadlineCleared(t *testing.T) {
	addr := clientRawServer(t, func(nc net.Conn) {
		if _, err := clientRawRequest(nc, true); err != nil {
			t.Error(err)
			return
		}
		nc.Write(clientRawRecord(6, 1, []byte("partial"), 1))
		if rec, err := clientRawRead(nc); err != nil || rec.typ != 2 {
			t.Errorf("after stdout: read %+v, %v, want ABORT_REQUEST", rec, err)
			return
		}
		nc.Write(clientRawEnd(0, 0))
		for range 2 {
			if _, err := clientRawRequest(nc, true); err != nil {
				t.Error(err)
				return
			}
			nc.Write(append(clientRawRecord(6, 1, []byte("next"), 4), clientRawEnd(0, 0)...))
		}
		io.Copy(io.Discard, nc)
	})
	c := clientDial(t, addr)
	c.abortWait = 100 * time.Millisecond
	resp, err := c.Do(context.Background(), &Request{})
	if err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 100)
	if n, err := resp.Read(buf); err != nil || string(buf[:n]) != "partial" {
		t.Fatalf("read = %q, %v, want %q", buf[:n], err, "partial")
	}
	resp.Close()
	for i := range 2 {
		time.Sleep(2 * c.abortWait) // past the abort's deadline
		if out := clientRoundTrip(t, c, &Request{}); out != "next" {
			t.Fatalf("request %d after the abort: %q, want %q", i+1, out, "next")
		}
	}
}

func TestResponse_CloseAbortUnanswered(t *testing.T) {
	release := make(chan struct{})
	defer close(release)
	addr := clientRawServer(t, func(nc net.Conn) {
		if _, err := clientRawRequest(nc, true); err != nil {
			t.Error(err)
			return
		}
		nc.Write(clientRawRecord(6, 1, []byte("partial"), 1))
		go io.Copy(io.Discard, nc)
		<-release
	})
	c := clientDial(t, addr)
	c.abortWait = 100 * time.Millisecond
	resp, err := c.Do(context.Background(), &Request{})
	if err != nil {
		t.Fatal(err)
	}
	resp.Read(make([]byte, 100))
	start := time.Now()
	resp.Close()
	if d := time.Since(start); d > time.Second {
		t.Errorf("Close took %v with a 100ms abort wait", d)
	}
	if c.Reusable() {
		t.Errorf("Reusable() = true after an unanswered abort")
	}
	if err := resp.Close(); err != nil {
		t.Errorf("second Close = %v", err)
	}
}

func TestResponse_CloseBreaksBlockedRead(t *testing.T) {
	release := make(chan struct{})
	defer close(release)
	addr := clientRawServer(t, func(nc net.Conn) {
		go io.Copy(io.Discard, nc)
		<-release
	})
	c := clientDial(t, addr)
	resp, err := c.Do(context.Background(), &Request{Stdin: strings.NewReader("body")})
	if err != nil {
		t.Fatal(err)
	}
	readErr := make(chan error, 1)
	go func() {
		_, err := resp.Read(make([]byte, 10))
		readErr <- err
	}()
	time.Sleep(50 * time.Millisecond)
	resp.Close()
	select {
	case err := <-readErr:
		if err == nil {
			t.Errorf("blocked Read returned no error after Close")
		}
	case <-time.After(2 * time.Second):
		t.Fatal("Read still blocked 2s after Close")
	}
	if c.Reusable() {
		t.Errorf("Reusable() = true")
	}
	clientWritersGone(t)
}

func TestResponse_AppIgnoresBody(t *testing.T) {
	release := make(chan struct{})
	defer close(release)
	addr := clientRawServer(t, func(nc net.Conn) {
		// Answer after the params without reading the body, then read nothing more.
		if _, err := clientRawRequest(nc, false); err != nil {
			t.Error(err)
			return
		}
		nc.Write(clientRawRecord(6, 1, []byte("early answer"), 4))
		nc.Write(clientRawEnd(0, 0))
		<-release
	})
	c := clientDial(t, addr)
	resp, err := c.Do(context.Background(), &Request{Stdin: bytes.NewReader(make([]byte, 16<<20))})
	if err != nil {
		t.Fatal(err)
	}
	out, err := io.ReadAll(resp)
	if err != nil || string(out) != "early answer" {
		t.Errorf("read = %q, %v, want %q, nil", out, err, "early answer")
	}
	start := time.Now()
	resp.Close()
	if d := time.Since(start); d > time.Second {
		t.Errorf("Close took %v", d)
	}
	if c.Reusable() {
		t.Errorf("Reusable() = true though stdin was not fully written")
	}
	clientWritersGone(t)
}

func TestResponse_StdinReadError(t *testing.T) {
	errBody := errors.New("client went away")
	addr := clientRawServer(t, func(nc net.Conn) {
		io.Copy(io.Discard, nc)
	})
	c := clientDial(t, addr)
	resp, err := c.Do(context.Background(), &Request{Stdin: io.MultiReader(strings.NewReader("abc"), clientErrReader{errBody})})
	if err != nil {
		t.Fatal(err)
	}
	_, err = io.ReadAll(resp)
	if !errors.Is(err, errBody) {
		t.Errorf("read = %v, want the body's error", err)
	}
	resp.Close()
	if c.Reusable() {
		t.Errorf("Reusable() = true")
	}
	clientWritersGone(t)
}

type clientErrReader struct{ err error }

func (r clientErrReader) Read([]byte) (int, error) { return 0, r.err }

// TestConn_AppClosedAfterEnd: an application may close a kept conn after
// END_REQUEST, or half-close it and drain, as libfcgi does when a script
// left stdin unread; the conn must not be reused (ANCHORS §5 KEEP_CONN).
func TestConn_AppClosedAfterEnd(t *testing.T) {
	for _, half := range []bool{false, true} {
		t.Run(map[bool]string{false: "close", true: "half-close"}[half], func(t *testing.T) {
			closed := make(chan struct{})
			addr := clientRawServer(t, func(nc net.Conn) {
				if _, err := clientRawRequest(nc, true); err != nil {
					t.Error(err)
					return
				}
				nc.Write(append(clientRawRecord(6, 1, []byte("bye"), 5), clientRawEnd(0, 0)...))
				if half {
					nc.(*net.UnixConn).CloseWrite()
					close(closed)
					io.Copy(io.Discard, nc)
					return
				}
				nc.Close()
				close(closed)
			})
			c := clientDial(t, addr)
			resp, err := c.Do(context.Background(), &Request{})
			if err != nil {
				t.Fatal(err)
			}
			if out, err := io.ReadAll(resp); err != nil || string(out) != "bye" {
				t.Fatalf("read = %q, %v", out, err)
			}
			<-closed
			resp.Close()
			if c.Reusable() {
				t.Errorf("Reusable() = true though the application closed the conn")
			}
			if _, err := c.Do(context.Background(), &Request{}); !errors.Is(err, ErrConnClosed) {
				t.Errorf("Do = %v, want ErrConnClosed", err)
			}
		})
	}
}

func TestConn_OneRequestAtATime(t *testing.T) {
	addr := clientRawServer(t, func(nc net.Conn) { io.Copy(io.Discard, nc) })
	c := clientDial(t, addr)
	c.abortWait = 50 * time.Millisecond // the server never answers the abort
	resp, err := c.Do(context.Background(), &Request{})
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Close()
	if _, err := c.Do(context.Background(), &Request{}); err == nil {
		t.Errorf("second Do on a busy conn succeeded")
	}
	if _, err := c.GetValues(context.Background(), "FCGI_MAX_CONNS"); err == nil {
		t.Errorf("GetValues on a busy conn succeeded")
	}
	if c.Reusable() {
		t.Errorf("Reusable() = true while a request is open")
	}
}

func TestConn_Close(t *testing.T) {
	addr := clientRawServer(t, func(nc net.Conn) { io.Copy(io.Discard, nc) })
	c := clientDial(t, addr)
	resp, err := c.Do(context.Background(), &Request{})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Close(); err != nil {
		t.Errorf("Close = %v", err)
	}
	if err := c.Close(); err != nil {
		t.Errorf("second Close = %v", err)
	}
	if _, err := resp.Read(make([]byte, 1)); !errors.Is(err, ErrConnClosed) {
		t.Errorf("Read after Conn.Close = %v, want ErrConnClosed", err)
	}
	resp.Close()
	if _, err := c.Do(context.Background(), &Request{}); !errors.Is(err, ErrConnClosed) {
		t.Errorf("Do after Close = %v, want ErrConnClosed", err)
	}
}

func TestConn_DoRejectsBadParams(t *testing.T) {
	c := NewConn(nil) // never touched: the params fail first
	for _, p := range []string{"NOEQUALS", "=value"} {
		if _, err := c.Do(context.Background(), &Request{Params: []string{p}}); err == nil {
			t.Errorf("Do with param %q succeeded", p)
		}
	}
}

func TestConn_GetValuesUnknownType(t *testing.T) {
	addr := clientRawServer(t, func(nc net.Conn) {
		rec, err := clientRawRead(nc)
		if err != nil || rec.typ != 9 || rec.id != 0 {
			t.Errorf("read %+v, %v, want GET_VALUES", rec, err)
			return
		}
		if want := []byte{14, 0, 'F', 'C', 'G', 'I', '_', 'M', 'A', 'X', '_', 'C', 'O', 'N', 'N', 'S'}; !bytes.Equal(rec.content, want) {
			t.Errorf("GET_VALUES body = %q, want %q", rec.content, want)
		}
		nc.Write(clientRawRecord(6, 1, []byte("stale"), 0))
		nc.Write(clientRawRecord(11, 0, []byte{9, 0, 0, 0, 0, 0, 0, 0}, 0))
		io.Copy(io.Discard, nc)
	})
	c := clientDial(t, addr)
	got, err := c.GetValues(context.Background(), "FCGI_MAX_CONNS")
	if err != nil || len(got) != 0 {
		t.Errorf("GetValues = %v, %v, want empty, nil", got, err)
	}
	if !c.Reusable() {
		t.Errorf("Reusable() = false")
	}
}
