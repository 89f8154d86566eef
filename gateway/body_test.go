// body_test.go tests the bounds on request bodies being read or held, all
// requests together (body.go).

package gateway

import (
	"bytes"
	"fmt"
	"io"
	"math"
	"net"
	"net/http"
	"net/http/httptest"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestBody_SpoolBoundIs503: once the bodies being read or held take the
// bound of them all, a request with a body is refused with 503 and
// Retry-After (declared length or chunked), logged with the reason; a
// smaller body still fits; nothing of the refused or served bodies stays
// counted.
func TestBody_SpoolBoundIs503(t *testing.T) {
	t.Parallel()
	s := newCGISite(t, nil)
	budget := spoolBudget(s.g.settings.Load().maxBody)
	held := budget - 50
	s.g.spool.all.Store(held) // others' bodies, as far as this gateway knows
	post := func(in io.Reader, n int64) (*http.Response, string) {
		t.Helper()
		req, err := http.NewRequest(http.MethodPost, s.url("echo.sh"), in)
		if err != nil {
			t.Fatal(err)
		}
		req.ContentLength = n
		resp, out := mustDo(t, req)
		return resp, string(out)
	}
	if resp, _ := post(strings.NewReader(strings.Repeat("x", 100)), 100); resp.StatusCode != http.StatusServiceUnavailable || resp.Header.Get("Retry-After") == "" {
		t.Errorf("100 bytes past the bound: %d (Retry-After %q), want 503 with Retry-After", resp.StatusCode, resp.Header.Get("Retry-After"))
	}
	// Chunked: counted as it is read.
	chunked := "POST /cgi-bin/echo.sh HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n64\r\n" + strings.Repeat("y", 100) + "\r\n0\r\n\r\n"
	if raw := string(mustRaw(t, s.srv.URL, chunked)); !strings.HasPrefix(raw, "HTTP/1.1 503 ") {
		t.Errorf("a chunked body past the bound: %q, want 503", raw)
	}
	if resp, body := post(strings.NewReader("fits"), 4); resp.StatusCode != http.StatusOK || body != "fits" {
		t.Errorf("4 bytes within the bound: %d %q, want 200 and the body", resp.StatusCode, body)
	}
	mustLoggedReason(t, s.hook, "/cgi-bin/echo.sh", http.StatusServiceUnavailable)
	if all, mem := s.g.spool.all.Load(), s.g.spool.mem.Load(); all != held || mem != 0 {
		t.Errorf("after the requests: %d bytes counted in all, %d in memory; want %d and 0", all, mem, held)
	}
	s.g.spool.all.Store(0)
}

// TestBody_MemoryBoundSpillsToFile: a body that would take the bodies held
// in memory past memBudget goes to a temp file, whole; closing it gives
// back what it took.
func TestBody_MemoryBoundSpillsToFile(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name    string
		inMem   int64 // already held in memory
		n       int   // body bytes
		length  bool  // Content-Length given
		wantMem bool
	}{
		{"room", 0, 1000, true, true},
		{"no room", memBudget - 100, 50, true, false},
		{"no room, chunked", memBudget - 100, 50, false, false},
		{"grows past the room", memBudget - 2000, 100000, false, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sp := &spool{}
			sp.mem.Store(tc.inMem)
			want := bytes.Repeat([]byte("z"), tc.n)
			req, _ := http.NewRequest(http.MethodPost, "/x", bytes.NewReader(want))
			req.ContentLength = -1
			if tc.length {
				req.ContentLength = int64(tc.n)
			}
			b, err := readBody(req, 1<<20, t.TempDir(), sp)
			if err != nil {
				t.Fatal(err)
			}
			if (b.file == nil) != tc.wantMem {
				t.Errorf("in memory: %v, want %v", b.file == nil, tc.wantMem)
			}
			got, _ := io.ReadAll(b.reader())
			if !bytes.Equal(got, want) || b.n != int64(tc.n) {
				t.Errorf("body of %d bytes read back as %d (n %d)", tc.n, len(got), b.n)
			}
			if m := sp.mem.Load(); m > memBudget {
				t.Errorf("%d bytes counted in memory, over the budget %d", m, memBudget)
			}
			b.close()
			if m, a := sp.mem.Load(), sp.all.Load(); m != tc.inMem || a != 0 {
				t.Errorf("after close: %d in memory, %d in all; want %d and 0", m, a, tc.inMem)
			}
		})
	}
}

// TestBody_FullDiskIs503: a body its temp file cannot take (a full disk)
// is the gateway's failure, not the client's 400, and a passing one: 503
// (with Retry-After), so that a client or a load balancer comes back,
// where a 500 reads as the script's fault. Needs a small tmpfs: root, and
// a mount the machine allows.
func TestBody_FullDiskIs503(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", dir).CombinedOutput(); err != nil {
		t.Skipf("cannot mount a small tmpfs (root and a mount the machine allows are needed): %v %s", err, out)
	}
	// Before TempDir's RemoveAll (cleanups run last first). A child
	// another parallel test forks holds a copy of every descriptor until
	// its exec, the spool file's too: the mount can be busy an instant.
	t.Cleanup(func() { unmount(t, dir) })
	sp := &spool{}
	req, _ := http.NewRequest(http.MethodPost, "/x", bytes.NewReader(bytes.Repeat([]byte("z"), 4<<20)))
	b, err := readBody(req, 64<<20, dir, sp)
	if err == nil {
		b.close()
		t.Fatal("a 4 MiB body spooled to a 2 MiB file system")
	}
	if code := statusFor(err); code != http.StatusServiceUnavailable {
		t.Errorf("status %d for %v, want 503", code, err)
	}
	if m, a := sp.mem.Load(), sp.all.Load(); m != 0 || a != 0 {
		t.Errorf("after the failure: %d in memory, %d in all; want 0 and 0", m, a)
	}
}

// unmount takes the tmpfs at dir away, retrying while it is busy, and
// at last detaches it lazily: a mount point left behind fails
// TempDir's cleanup ("device or resource busy").
func unmount(t *testing.T, dir string) {
	var out []byte
	var err error
	for range 50 {
		if out, err = exec.Command("umount", dir).CombinedOutput(); err == nil {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Logf("umount %s: %v %s; detaching it lazily", dir, err, out)
	if out, err := exec.Command("umount", "-l", dir).CombinedOutput(); err != nil {
		t.Errorf("umount -l %s: %v %s", dir, err, out)
	}
}

// TestBody_DeclaredLengthHoldsNoSpool: the bound on bodies counts the bytes
// that came, not the Content-Length declared: clients declaring the
// largest body and sending it at a trickle hold nothing of it, and another
// body is still read and served (they held the whole bound: every other
// POST got a 503 until their read timeout, minutes).
func TestBody_DeclaredLengthHoldsNoSpool(t *testing.T) {
	t.Parallel()
	s := newCGISite(t, nil)
	max := s.g.settings.Load().maxBody
	n := int(spoolBudget(max)/max) + 1 // declared, more than the bound
	for range n {
		c, err := net.Dial("tcp", strings.TrimPrefix(s.srv.URL, "http://"))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.Close() })
		fmt.Fprintf(c, "POST /cgi-bin/echo.sh HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\n\r\nx", max)
	}
	if !waitFor(5*time.Second, func() bool { return s.g.spool.all.Load() >= int64(n) }) {
		t.Fatalf("the %d trickling bodies are not being read (%d bytes counted)", n, s.g.spool.all.Load())
	}
	req, err := http.NewRequest(http.MethodPost, s.url("echo.sh"), strings.NewReader("fits"))
	if err != nil {
		t.Fatal(err)
	}
	if resp, body := mustDo(t, req); resp.StatusCode != http.StatusOK || string(body) != "fits" {
		t.Errorf("a 4-byte body beside %d declared %d-byte ones: %d %q, want 200", n, max, resp.StatusCode, body)
	}
}

// TestBody_NoBodyShared: a request without a body (a GET, a POST with
// Content-Length: 0 aside) gets the shared noBody, made once: no
// allocation per request, and nothing written to it when many requests
// use and close it at once (-race).
func TestBody_NoBodyShared(t *testing.T) {
	sp := &spool{}
	get := httptest.NewRequest(http.MethodGet, "/cgi-bin/x.pl", nil)
	tmp := t.TempDir()
	if n := testing.AllocsPerRun(100, func() {
		b, err := readBody(get, 1<<20, tmp, sp)
		if err != nil || b.n != -1 || b.reader() != nil {
			t.Fatalf("readBody of a GET = %+v, %v; want no body", b, err)
		}
		b.close()
	}); n != 0 {
		t.Errorf("readBody of a GET: %v allocations, want 0", n)
	}
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 100 {
				b, _ := readBody(get, 1<<20, tmp, sp)
				_ = b.reader()
				b.close()
			}
		})
	}
	wg.Wait()
	if noBody.n != -1 || noBody.r != nil || noBody.mem != 0 || noBody.all != 0 || sp.mem.Load() != 0 || sp.all.Load() != 0 {
		t.Errorf("noBody after use: %+v, spool %d/%d; want it as made", noBody, sp.mem.Load(), sp.all.Load())
	}
}

// TestBody_LargestMaxBody: --max-body at the largest size (2^63-1 bytes,
// which the flag and the config take) serves bodies as any other bound
// does. The byte past it and the bound on all bodies wrapped to negative
// numbers, and every request with a body ended in a panic.
func TestBody_LargestMaxBody(t *testing.T) {
	t.Parallel()
	s := newCGISite(t, func(c *Config) { c.MaxBody = math.MaxInt64 })
	for _, n := range []int{4, 3 << 20} { // in memory, and spooled to a file
		in := strings.Repeat("z", n)
		req, err := http.NewRequest(http.MethodPost, s.url("echo.sh"), strings.NewReader(in))
		if err != nil {
			t.Fatal(err)
		}
		resp, out := mustDo(t, req)
		if resp.StatusCode != http.StatusOK || string(out) != in {
			t.Errorf("%d bytes under the largest --max-body: %d, %d bytes back; want 200 and the body", n, resp.StatusCode, len(out))
		}
	}
	chunked := "POST /cgi-bin/echo.sh HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n5\r\nhello\r\n0\r\n\r\n"
	if raw := string(mustRaw(t, s.srv.URL, chunked)); !strings.HasPrefix(raw, "HTTP/1.1 200 ") || !strings.Contains(raw, "hello") {
		t.Errorf("a chunked body under the largest --max-body: %q, want 200 and the body", raw)
	}
	if all, mem := s.g.spool.all.Load(), s.g.spool.mem.Load(); all != 0 || mem != 0 {
		t.Errorf("after the requests: %d bytes counted in all, %d in memory; want 0", all, mem)
	}
}
