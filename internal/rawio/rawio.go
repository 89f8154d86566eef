// Package rawio reads and writes sockets and pipes with raw system calls,
// without the Go runtime's syscall bookkeeping, and waits in the runtime's
// network poller like net.Conn and os.File do.
//
// Why: every read and write of a net.Conn enters the runtime through
// entersyscall, and when the program was idle a moment before (all Ps
// parked, which is every request at concurrency 1), that entry wakes the
// runtime's monitor thread (sysmon) with a futex, which then sleeps again
// through a nanosleep: two context switches and a futex on the request's
// path, per request. The reads and writes of a non-blocking descriptor
// never block, so they need none of that: RawConn.Read/Write run a callback
// with the descriptor, and wait for readiness when it reports EAGAIN.
// Deadlines and Close work as on the net.Conn or os.File.
package rawio

import (
	"errors"
	"io"
	"io/fs"
	"net"
	"os"
	"syscall"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"
)

// fd is the raw reading and writing of one descriptor. A read may run
// concurrently with a write, but not with another read (nor a write with
// another write), as with bufio over a conn.
type fd struct {
	rc syscall.RawConn // nil: no descriptor, use the wrapped type's methods

	// rbuf/rn/rerr are the state of the read in progress; wbuf/wn/werr of
	// the write. The callbacks are bound once so that no call allocates.
	rbuf    []byte
	rn      int
	rerr    syscall.Errno
	wbuf    []byte
	wn      int
	werr    syscall.Errno
	readFn  func(fd uintptr) bool
	writeFn func(fd uintptr) bool
	spin    *Spin // nil: a read that finds nothing waits in the poller at once
	// spins is how many more reads may spin (SpinBudget); below 0: all.
	spins int
}

// Spin is busy polling (Linux's SO_BUSY_POLL, done by the reader): a read
// that finds nothing waiting reads again and again, for up to For, before
// it waits in the poller. Waiting there costs the answer a wake-up: the
// reading thread sleeps, and the data's arrival must wake it (and, in Go,
// the poller thread hand the goroutine to a processor, often a second
// thread), tens of microseconds on a virtual machine; an answer that
// comes within For is read by a thread already running. It keeps a
// processor meanwhile, which is worth it only when one is idle: Spare,
// asked before each read of the spin, says whether one is (nil: always),
// and the spin yields the processor between reads to anything else that
// is ready to run.
type Spin struct {
	For   time.Duration
	Spare func() bool
}

// NewSpin is the spin of d while spare says so, or nil (no spin) when d
// is not above 0.
func NewSpin(d time.Duration, spare func() bool) *Spin {
	if d <= 0 {
		return nil
	}
	return &Spin{For: d, Spare: spare}
}

// read reads fd into p again and again until something comes or the spin
// ends: what ReadRaw returns, EAGAIN when nothing came.
func (s *Spin) read(fd uintptr, p []byte) (int, syscall.Errno) {
	if s.For <= 0 || s.Spare != nil && !s.Spare() {
		return 0, syscall.EAGAIN
	}
	start := time.Now()
	for {
		n, e := ReadRaw(fd, p)
		if e != syscall.EAGAIN || time.Since(start) >= s.For || s.Spare != nil && !s.Spare() {
			return n, e
		}
		// Between two reads the processor goes to whatever else is
		// ready to run on it (the client reading the last answer, a
		// script, another program), which Spare cannot see: the spin
		// takes only what would be idle. With nothing else to run,
		// sched_yield returns at once and the thread stays awake.
		syscall.RawSyscall(syscall.SYS_SCHED_YIELD, 0, 0, 0)
	}
}

func (f *fd) init(x any) {
	if sc, ok := x.(syscall.Conn); ok {
		if rc, err := sc.SyscallConn(); err == nil {
			f.rc = rc
		}
	}
	f.readFn = f.readCall
	f.writeFn = f.writeCall
}

// ReadRaw is one read(2) of the non-blocking descriptor fd into p (not
// empty) made with a raw system call, retried on EINTR: n bytes (0 at the
// end of the stream), or the errno, EAGAIN when nothing is there yet. For
// a descriptor outside the poller (cgi's stderr drain) as for the Conn and
// File here.
func ReadRaw(fd uintptr, p []byte) (int, syscall.Errno) {
	for {
		n, _, e := syscall.RawSyscall(syscall.SYS_READ, fd, uintptr(unsafe.Pointer(&p[0])), uintptr(len(p)))
		if e != syscall.EINTR {
			return int(n), e
		}
	}
}

func (f *fd) readCall(fd uintptr) bool {
	n, e := ReadRaw(fd, f.rbuf)
	if e == syscall.EAGAIN && f.spin != nil && f.spins != 0 {
		if f.spins > 0 {
			f.spins--
		}
		n, e = f.spin.read(fd, f.rbuf)
	}
	switch e {
	case 0:
		f.rn = n
	case syscall.EAGAIN:
		return false
	default:
		f.rerr = e
	}
	return true
}

func (f *fd) writeCall(fd uintptr) bool {
	for f.wn < len(f.wbuf) {
		n, _, e := syscall.RawSyscall(syscall.SYS_WRITE, fd, uintptr(unsafe.Pointer(&f.wbuf[f.wn])), uintptr(len(f.wbuf)-f.wn))
		switch e {
		case 0:
			f.wn += int(n)
		case syscall.EINTR:
		case syscall.EAGAIN:
			return false
		default:
			f.werr = e
			return true
		}
	}
	return true
}

// read reads into p (not empty): n > 0, or 0 at the end of the stream, or
// the poller's error (deadline, closed), or the system call's.
func (f *fd) read(p []byte) (int, syscall.Errno, error) {
	f.rbuf, f.rn, f.rerr = p, 0, 0
	err := f.rc.Read(f.readFn)
	n, errno := f.rn, f.rerr
	f.rbuf = nil
	return n, errno, err
}

// write writes all of p, or says why not.
func (f *fd) write(p []byte) (int, syscall.Errno, error) {
	f.wbuf, f.wn, f.werr = p, 0, 0
	err := f.rc.Write(f.writeFn)
	n, errno := f.wn, f.werr
	f.wbuf = nil
	return n, errno, err
}

// Conn is a net.Conn whose Read and Write use raw system calls when the
// underlying conn exposes its descriptor, and the conn's own methods
// otherwise. A Read may run concurrently with a Write, but not with another
// Read (nor a Write with another Write).
type Conn struct {
	net.Conn
	fd fd
}

// New returns nc wrapped. nc stays usable for everything else (deadlines,
// Close, addresses) through the embedded field.
func New(nc net.Conn) *Conn {
	c := &Conn{Conn: nc}
	c.fd.init(nc)
	return c
}

// SetSpin makes the reads that find nothing waiting spin as s says before
// they wait (nil: never). It must not be called while a Read runs.
func (c *Conn) SetSpin(s *Spin) { c.fd.spin = s; c.fd.spins = -1 }

// SpinBudget lets only the next n reads that find nothing waiting spin
// (SetSpin); the reads after them wait in the poller at once, until the
// next SpinBudget (n below 0: every read spins again). A quick answer
// comes in a read or two, which the spin serves; an answer that streams
// (a script printing line by line with $| set) finds nothing waiting
// between two of its pieces again and again, and a spin there only takes
// the processor its producer needs. It must not be called while a Read
// runs.
func (c *Conn) SpinBudget(n int) { c.fd.spins = n }

// Read reads into p as net.Conn.Read does: io.EOF at the end of the
// stream, a *net.OpError for a failed read, a passed deadline or a closed
// conn.
func (c *Conn) Read(p []byte) (int, error) {
	if c.fd.rc == nil || len(p) == 0 {
		return c.Conn.Read(p)
	}
	n, errno, err := c.fd.read(p)
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
	if c.fd.rc == nil || len(p) == 0 {
		return c.Conn.Write(p)
	}
	n, errno, err := c.fd.write(p)
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

// File is the read side of a non-blocking *os.File (a pipe's read end
// registered with the poller) read with raw system calls. Its other
// methods (Close, SetReadDeadline) are the file's.
type File struct {
	*os.File
	fd fd
}

// NewFile returns f wrapped for reading. f must be in non-blocking mode
// (os.NewFile of a non-blocking descriptor, or os.Pipe's ends): a raw read
// of a blocking descriptor would hold its thread and processor.
func NewFile(f *os.File) *File {
	r := &File{File: f}
	r.fd.init(f)
	return r
}

// Read reads into p as os.File.Read does: io.EOF at the end, a
// *fs.PathError for a failed read, with os.ErrDeadlineExceeded past the
// read deadline and os.ErrClosed once the file is closed.
func (f *File) Read(p []byte) (int, error) {
	if f.fd.rc == nil || len(p) == 0 {
		return f.File.Read(p)
	}
	n, errno, err := f.fd.read(p)
	switch {
	case err != nil:
		// The poller's errors for a file are the deadline's or "file
		// closing", which os.File.Read reports as os.ErrClosed.
		if !errors.Is(err, os.ErrDeadlineExceeded) {
			err = os.ErrClosed
		}
		return 0, &fs.PathError{Op: "read", Path: f.Name(), Err: err}
	case errno != 0:
		return 0, &fs.PathError{Op: "read", Path: f.Name(), Err: errno}
	case n == 0:
		return 0, io.EOF
	}
	return n, nil
}

// Ready reports whether a Read would return at once (data, the end of the
// stream, or an error) instead of waiting: a poll(2) with no timeout, made
// with a raw system call for the reason the package exists. False when
// the file has no descriptor or is closed.
func (f *File) Ready() bool {
	if f.fd.rc == nil {
		return false
	}
	ready := false
	_ = f.fd.rc.Control(func(fd uintptr) { ready = pollNow(fd) })
	return ready
}

// pollNow reports whether the descriptor fd is readable now (data, end of
// stream, hang-up or error): one ppoll(2) with a zero timeout.
func pollNow(fd uintptr) bool {
	pfd := unix.PollFd{Fd: int32(fd), Events: unix.POLLIN}
	var ts unix.Timespec
	for {
		n, _, e := syscall.RawSyscall6(unix.SYS_PPOLL, uintptr(unsafe.Pointer(&pfd)), 1, uintptr(unsafe.Pointer(&ts)), 0, 0, 0)
		if e != syscall.EINTR {
			return e == 0 && n > 0
		}
	}
}
