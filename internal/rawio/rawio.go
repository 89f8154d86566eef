// Package rawio reads and writes a socket with raw system calls, without
// the Go runtime's syscall bookkeeping, and waits in the runtime's network
// poller like net.Conn does.
//
// Why: every read and write of a net.Conn enters the runtime through
// entersyscall, and when the program was idle a moment before (all Ps
// parked, which is every request at concurrency 1), that entry wakes the
// runtime's monitor thread (sysmon) with a futex, which then sleeps again
// through a nanosleep: two context switches and a futex on the request's
// path, per request. The reads and writes of a non-blocking socket never
// block, so they need none of that: RawConn.Read/Write run a callback with
// the descriptor, and wait for readiness when it reports EAGAIN. Deadlines
// and Close work as on the net.Conn.
package rawio

import (
	"errors"
	"io"
	"net"
	"os"
	"syscall"
	"unsafe"
)

// Conn is a net.Conn whose Read and Write use raw system calls when the
// underlying conn exposes its descriptor, and the conn's own methods
// otherwise. A Read may run concurrently with a Write, but not with another
// Read (nor a Write with another Write), as with bufio over a conn.
type Conn struct {
	net.Conn
	rc syscall.RawConn

	// rbuf/rn/rerr are the state of the Read in progress; wbuf/wn/werr of
	// the Write. The callbacks are bound once so that no call allocates.
	rbuf    []byte
	rn      int
	rerr    syscall.Errno
	wbuf    []byte
	wn      int
	werr    syscall.Errno
	readFn  func(fd uintptr) bool
	writeFn func(fd uintptr) bool
}

// New returns nc wrapped. nc stays usable for everything else (deadlines,
// Close, addresses) through the embedded field.
func New(nc net.Conn) *Conn {
	c := &Conn{Conn: nc}
	if sc, ok := nc.(syscall.Conn); ok {
		if rc, err := sc.SyscallConn(); err == nil {
			c.rc = rc
		}
	}
	c.readFn = c.read
	c.writeFn = c.write
	return c
}

func (c *Conn) read(fd uintptr) bool {
	for {
		n, _, e := syscall.RawSyscall(syscall.SYS_READ, fd, uintptr(unsafe.Pointer(&c.rbuf[0])), uintptr(len(c.rbuf)))
		switch e {
		case 0:
			c.rn = int(n)
			return true
		case syscall.EINTR:
			continue
		case syscall.EAGAIN:
			return false
		}
		c.rerr = e
		return true
	}
}

func (c *Conn) write(fd uintptr) bool {
	for c.wn < len(c.wbuf) {
		n, _, e := syscall.RawSyscall(syscall.SYS_WRITE, fd, uintptr(unsafe.Pointer(&c.wbuf[c.wn])), uintptr(len(c.wbuf)-c.wn))
		switch e {
		case 0:
			c.wn += int(n)
		case syscall.EINTR:
		case syscall.EAGAIN:
			return false
		default:
			c.werr = e
			return true
		}
	}
	return true
}

// Read reads into p as net.Conn.Read does: io.EOF at the end of the
// stream, a *net.OpError for a failed read, a passed deadline or a closed
// conn.
func (c *Conn) Read(p []byte) (int, error) {
	if c.rc == nil || len(p) == 0 {
		return c.Conn.Read(p)
	}
	c.rbuf, c.rn, c.rerr = p, 0, 0
	err := c.rc.Read(c.readFn)
	n, errno := c.rn, c.rerr
	c.rbuf = nil
	switch {
	case err != nil:
		return 0, c.opError("read", err)
	case errno != 0:
		return 0, c.opError("read", os.NewSyscallError("read", errno))
	case n == 0:
		return 0, io.EOF
	}
	return n, nil
}

// Write writes all of p as net.Conn.Write does, or returns how much was
// written and why it stopped.
func (c *Conn) Write(p []byte) (int, error) {
	if c.rc == nil || len(p) == 0 {
		return c.Conn.Write(p)
	}
	c.wbuf, c.wn, c.werr = p, 0, 0
	err := c.rc.Write(c.writeFn)
	n, errno := c.wn, c.werr
	c.wbuf = nil
	switch {
	case err != nil:
		return n, c.opError("write", err)
	case errno != 0:
		return n, c.opError("write", os.NewSyscallError("write", errno))
	}
	return n, nil
}

// opError gives err the shape net.Conn's errors have: RawConn's own are
// *net.OpError with the operation "raw-read" or "raw-write", renamed here.
func (c *Conn) opError(op string, err error) error {
	var oe *net.OpError
	if errors.As(err, &oe) {
		oe.Op = op
		return oe
	}
	return &net.OpError{Op: op, Net: c.LocalAddr().Network(), Source: c.LocalAddr(), Addr: c.RemoteAddr(), Err: err}
}
