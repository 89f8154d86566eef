package rawio

import (
	"bytes"
	"errors"
	"io"
	"io/fs"
	"net"
	"os"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// pair returns a connected TCP or Unix pair: a, wrapped, and b, plain.
func pair(t *testing.T, network string) (*Conn, net.Conn) {
	t.Helper()
	addr := "127.0.0.1:0"
	if network == "unix" {
		addr = t.TempDir() + "/s"
	}
	ln, err := net.Listen(network, addr)
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	ch := make(chan net.Conn, 1)
	go func() {
		c, _ := ln.Accept()
		ch <- c
	}()
	a, err := net.Dial(network, ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	b := <-ch
	if b == nil {
		t.Fatal("accept failed")
	}
	t.Cleanup(func() { a.Close(); b.Close() })
	c := New(a)
	if c.fd.rc == nil {
		t.Fatalf("%s conn: no raw conn", network)
	}
	return c, b
}

func TestConn_ReadWriteLikeNetConn(t *testing.T) {
	for _, network := range []string{"tcp", "unix"} {
		t.Run(network, func(t *testing.T) {
			c, peer := pair(t, network)
			// A write far larger than the socket buffers: it must wait for
			// the peer to read (EAGAIN, then the poller) and still write
			// everything, in order.
			big := bytes.Repeat([]byte("0123456789abcdef"), 1<<18) // 4 MiB
			got := make(chan []byte)
			go func() {
				b, _ := io.ReadAll(io.LimitReader(peer, int64(len(big))))
				got <- b
			}()
			n, err := c.Write(big)
			if err != nil || n != len(big) {
				t.Fatalf("Write = %d, %v; want %d, nil", n, err, len(big))
			}
			if b := <-got; !bytes.Equal(b, big) {
				t.Fatalf("peer read %d bytes, not what was written", len(b))
			}

			// A read that must wait for the data.
			go func() {
				time.Sleep(20 * time.Millisecond)
				peer.Write([]byte("hello"))
			}()
			buf := make([]byte, 16)
			n, err = c.Read(buf)
			if err != nil || string(buf[:n]) != "hello" {
				t.Fatalf("Read = %q, %v", buf[:n], err)
			}

			// The peer's close is io.EOF, as for net.Conn.
			peer.Close()
			if n, err = c.Read(buf); n != 0 || err != io.EOF {
				t.Fatalf("Read after peer close = %d, %v; want 0, io.EOF", n, err)
			}
		})
	}
}

func TestConn_Deadlines(t *testing.T) {
	c, _ := pair(t, "tcp")
	c.SetReadDeadline(time.Now().Add(30 * time.Millisecond))
	start := time.Now()
	_, err := c.Read(make([]byte, 1))
	if !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("Read past its deadline: %v, want os.ErrDeadlineExceeded", err)
	}
	var ne net.Error
	if !errors.As(err, &ne) || !ne.Timeout() {
		t.Fatalf("Read past its deadline: %v is not a net.Error timeout", err)
	}
	var oe *net.OpError
	if !errors.As(err, &oe) || oe.Op != "read" {
		t.Fatalf("Read past its deadline: %#v, want a *net.OpError with Op read", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Fatalf("Read returned after %v", d)
	}

	// A write that cannot finish (the peer never reads) ends at the write
	// deadline with what was written so far. (Half a second: a loaded
	// machine may not run the first write before a shorter one passes.)
	c.SetWriteDeadline(time.Now().Add(500 * time.Millisecond))
	n, err := c.Write(make([]byte, 64<<20))
	if !errors.Is(err, os.ErrDeadlineExceeded) || n == 0 || n == 64<<20 {
		t.Fatalf("Write past its deadline = %d, %v; want part, os.ErrDeadlineExceeded", n, err)
	}
}

func TestConn_ClosedAndBroken(t *testing.T) {
	c, peer := pair(t, "tcp")
	done := make(chan error)
	go func() {
		_, err := c.Read(make([]byte, 1))
		done <- err
	}()
	time.Sleep(20 * time.Millisecond)
	c.Close()
	if err := <-done; !errors.Is(err, net.ErrClosed) {
		t.Fatalf("Read cut by Close: %v, want net.ErrClosed", err)
	}

	// Writing to a peer that is gone fails with EPIPE or ECONNRESET, and
	// the process lives on (the runtime ignores SIGPIPE for sockets).
	c2, peer2 := pair(t, "unix")
	peer2.Close()
	_ = peer
	var err error
	for i := 0; i < 100 && err == nil; i++ {
		_, err = c2.Write([]byte("x"))
	}
	if !errors.Is(err, syscall.EPIPE) && !errors.Is(err, syscall.ECONNRESET) {
		t.Fatalf("Write to a closed peer: %v, want EPIPE or ECONNRESET", err)
	}
	var oe *net.OpError
	if !errors.As(err, &oe) || oe.Op != "write" {
		t.Fatalf("Write to a closed peer: %#v, want a *net.OpError with Op write", err)
	}
}

// A conn without a descriptor (net.Pipe) is used through its own methods.
func TestConn_WithoutDescriptor(t *testing.T) {
	a, b := net.Pipe()
	defer a.Close()
	defer b.Close()
	c := New(a)
	go b.Write([]byte("hi"))
	buf := make([]byte, 4)
	n, err := c.Read(buf)
	if err != nil || string(buf[:n]) != "hi" {
		t.Fatalf("Read = %q, %v", buf[:n], err)
	}
}

// Read and Write allocate nothing: they are on every request's path.
func TestConn_NoAllocs(t *testing.T) {
	c, peer := pair(t, "unix")
	msg := []byte("ping")
	buf := make([]byte, 16)
	pbuf := make([]byte, 16)
	allocs := testing.AllocsPerRun(200, func() {
		if _, err := c.Write(msg); err != nil {
			t.Fatal(err)
		}
		if _, err := io.ReadFull(peer, pbuf[:len(msg)]); err != nil {
			t.Fatal(err)
		}
		peer.Write(msg)
		if _, err := c.Read(buf); err != nil {
			t.Fatal(err)
		}
	})
	// The peer's plain net.Conn side allocates nothing either; allow one
	// for the runtime's own bookkeeping.
	if allocs > 1 {
		t.Fatalf("%v allocations per round trip, want at most 1", allocs)
	}
}

func TestFile_ReadLikeOSFile(t *testing.T) {
	r, w, err := os.Pipe() // both ends non-blocking, r registered with the poller
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	f := NewFile(r)
	if f.fd.rc == nil {
		t.Fatal("pipe: no raw conn")
	}
	go func() {
		time.Sleep(20 * time.Millisecond)
		w.Write([]byte("line\n"))
	}()
	buf := make([]byte, 16)
	n, err := f.Read(buf)
	if err != nil || string(buf[:n]) != "line\n" {
		t.Fatalf("Read = %q, %v", buf[:n], err)
	}

	f.SetReadDeadline(time.Now().Add(20 * time.Millisecond))
	_, err = f.Read(buf)
	var pe *fs.PathError
	if !errors.Is(err, os.ErrDeadlineExceeded) || !errors.As(err, &pe) || pe.Op != "read" {
		t.Fatalf("Read past its deadline: %#v, want a *fs.PathError of os.ErrDeadlineExceeded", err)
	}
	f.SetReadDeadline(time.Time{})

	w.Write([]byte("x"))
	w.Close()
	if n, err = f.Read(buf); n != 1 || err != nil {
		t.Fatalf("Read = %d, %v; want the last byte", n, err)
	}
	if n, err = f.Read(buf); n != 0 || err != io.EOF {
		t.Fatalf("Read at the end = %d, %v; want 0, io.EOF", n, err)
	}

	r2, w2, _ := os.Pipe()
	defer w2.Close()
	f2 := NewFile(r2)
	done := make(chan error)
	go func() {
		_, err := f2.Read(buf[:1])
		done <- err
	}()
	time.Sleep(20 * time.Millisecond)
	f2.Close()
	if err := <-done; !errors.Is(err, os.ErrClosed) {
		t.Fatalf("Read cut by Close: %v, want os.ErrClosed", err)
	}
	if _, err := f2.Read(buf); !errors.Is(err, os.ErrClosed) {
		t.Fatalf("Read after Close: %v, want os.ErrClosed", err)
	}
}

// TestFile_Ready: Ready tells a read that would wait from one that would
// not (data, or the end of the stream), without reading.
func TestFile_Ready(t *testing.T) {
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	f := NewFile(r)
	defer f.Close()
	if f.Ready() {
		t.Fatal("Ready on an empty pipe")
	}
	w.Write([]byte("ab"))
	for i := 0; i < 2; i++ { // twice: Ready must not consume the data
		if !f.Ready() {
			t.Fatalf("not Ready with data waiting (call %d)", i+1)
		}
	}
	buf := make([]byte, 8)
	if n, err := f.Read(buf); n != 2 || err != nil {
		t.Fatalf("Read = %d, %v", n, err)
	}
	if f.Ready() {
		t.Fatal("Ready once the data is read")
	}
	w.Close()
	if !f.Ready() {
		t.Fatal("not Ready at the end of the stream")
	}
	f.Close()
	if f.Ready() {
		t.Fatal("Ready after Close")
	}
}

// TestConn_Spin: a read that finds nothing keeps reading while Spare says
// so and For lasts, and gets what comes meanwhile; it asks Spare before
// each read of the spin and stops as soon as Spare says no, then waits in
// the poller as without a spin; without a Spin, or with For 0, it asks
// nothing.
func TestConn_Spin(t *testing.T) {
	var asked atomic.Int64
	spare := atomic.Bool{}
	s := &Spin{For: 5 * time.Second, Spare: func() bool { asked.Add(1); return spare.Load() }}

	c, peer := pair(t, "unix")
	c.SetSpin(s)
	spare.Store(true)
	readLate(t, c, peer, 200*time.Millisecond)
	// Each poll yields the processor, so how many fit in the wait depends
	// on the machine's load (CI's parallel packages once left 29 in 40 ms
	// to another such test); more than one ask is a spin.
	if n := asked.Load(); n < 3 {
		t.Errorf("a spin of 200 ms asked Spare %d times: it did not spin", n)
	}

	// Spare says no from the start, then after a few reads of the spin.
	asked.Store(0)
	spare.Store(false)
	readLate(t, c, peer, 30*time.Millisecond)
	// (Once for each time the read finds nothing: the poller may wake it
	// once for readiness it saw before.)
	if n := asked.Load(); n < 1 || n > 3 {
		t.Errorf("Spare asked %d times while it said no, want 1 or 2", n)
	}
	asked.Store(0)
	spare.Store(true)
	s.Spare = func() bool { return asked.Add(1) < 5 }
	readLate(t, c, peer, 200*time.Millisecond) // four polls, each yielding the processor
	if n := asked.Load(); n < 5 || n > 7 {
		t.Errorf("Spare asked %d times, want 5 or 6: the spin goes on after it said no", n)
	}

	// Data already there: no spin.
	asked.Store(0)
	peer.Write([]byte("late"))
	time.Sleep(10 * time.Millisecond)
	readLate(t, c, peer, time.Hour)
	if n := asked.Load(); n != 0 {
		t.Errorf("Spare asked %d times with data waiting", n)
	}

	// No spin set, and a spin of no time.
	for _, sp := range []*Spin{nil, {For: 0, Spare: func() bool { asked.Add(1); return true }}} {
		asked.Store(0)
		c.SetSpin(sp)
		readLate(t, c, peer, 10*time.Millisecond)
		if n := asked.Load(); n != 0 {
			t.Errorf("Spare asked %d times by %+v", n, sp)
		}
	}
}

// readLate writes "late" to peer after the given time, and reads it from
// c (within 10 s).
func readLate(t *testing.T, c *Conn, peer net.Conn, after time.Duration) {
	t.Helper()
	go func() {
		time.Sleep(after)
		peer.Write([]byte("late"))
	}()
	buf := make([]byte, 16)
	c.SetReadDeadline(time.Now().Add(10 * time.Second))
	n, err := c.Read(buf)
	if err != nil || string(buf[:n]) != "late" {
		t.Fatalf("Read = %q, %v", buf[:n], err)
	}
}

// TestConn_SpinBudget: after SpinBudget(n), only the next n reads that
// find nothing spin; the reads after them wait in the poller at once and
// ask Spare nothing, until SpinBudget or SetSpin gives spins again.
func TestConn_SpinBudget(t *testing.T) {
	var asked atomic.Int64
	s := &Spin{For: 5 * time.Second, Spare: func() bool { asked.Add(1); return true }}
	c, peer := pair(t, "unix")
	c.SetSpin(s)
	read := func(after time.Duration) int64 {
		t.Helper()
		asked.Store(0)
		readLate(t, c, peer, after)
		return asked.Load()
	}
	c.SpinBudget(2)
	for i := range 2 {
		if n := read(50 * time.Millisecond); n < 3 {
			t.Errorf("read %d of a budget of 2 asked Spare %d times: it did not spin", i+1, n)
		}
	}
	for i := range 3 {
		if n := read(20 * time.Millisecond); n != 0 {
			t.Errorf("read %d past the budget asked Spare %d times: it spun", i+3, n)
		}
	}
	c.SpinBudget(-1)
	if n := read(50 * time.Millisecond); n < 3 {
		t.Errorf("with SpinBudget(-1) a read asked Spare %d times: it did not spin", n)
	}
	c.SpinBudget(0)
	c.SetSpin(s) // (SetSpin: every read spins again)
	if n := read(50 * time.Millisecond); n < 3 {
		t.Errorf("after SetSpin a read asked Spare %d times: it did not spin", n)
	}
}
