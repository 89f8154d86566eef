// Package session starts the processes of menshen's scripts and workers,
// and kills what is left of a process session.
//
// menshen starts every script and worker in a session of its own, whose id
// is the leader's pid. A group kill (kill(-pgid)) reaches only the
// leader's process group; a child that moved to a group of its own with
// setpgid (coreutils timeout does, and so does every job of a shell under
// `set -m`) stays in the session. Only a real setsid leaves it.
package session

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"strconv"
	"syscall"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"
)

// TextBusyWait bounds how long Start tries again a start that failed with
// ETXTBSY.
const TextBusyWait = 200 * time.Millisecond

// Start starts cmd as cmd.Start does, and tries again (with a copy of cmd)
// for up to TextBusyWait while the start fails with ETXTBSY: the program
// is open for writing somewhere for a moment (a deploy writing it in
// place, a writer a loaded machine holds off the CPU with the file open,
// or a writer's descriptor inherited by a child that has not reached exec
// yet, go#22315). Counted as a failure, it failed the request (75 ms of
// tries were not enough under load), or a worker pool's back-off failed
// the requests of the next seconds. It returns the command last started.
func Start(cmd *exec.Cmd) (*exec.Cmd, error) {
	err := cmd.Start()
	var busy textBusy
	for busy.again(err) {
		cmd = &exec.Cmd{
			Path: cmd.Path, Args: cmd.Args, Env: cmd.Env, Dir: cmd.Dir,
			Stdin: cmd.Stdin, Stdout: cmd.Stdout, Stderr: cmd.Stderr,
			ExtraFiles: cmd.ExtraFiles, SysProcAttr: cmd.SysProcAttr,
		}
		err = cmd.Start()
	}
	return cmd, err
}

// ForkExec starts the program at path with syscall.ForkExec, and tries
// again as Start does while the start fails with ETXTBSY. It fails as
// os.StartProcess (under exec.Cmd.Start) would: with an *os.PathError
// ("fork/exec", path) around the error. attr.Env is the whole environment,
// nil an empty one (syscall.ForkExec, unlike os.StartProcess, never
// substitutes the gateway's own). For a start per request: os/exec adds
// a pidfd, a finalizer, a copy of the environment into a map and its
// bookkeeping, none of which a caller that reaps the pid itself (Wait)
// needs.
func ForkExec(path string, argv []string, attr *syscall.ProcAttr) (int, error) {
	pid, err := syscall.ForkExec(path, argv, attr)
	var busy textBusy
	for busy.again(err) {
		pid, err = syscall.ForkExec(path, argv, attr)
	}
	if err != nil {
		return 0, &os.PathError{Op: "fork/exec", Path: path, Err: err}
	}
	return pid, nil
}

// textBusy paces the tries of a start that failed with ETXTBSY (see
// Start); the zero value is ready before the first.
type textBusy struct {
	end time.Time
	try int
}

// again reports whether a start that failed with err is to be tried again,
// after a pause, with TextBusyWait counted from the first failure.
func (b *textBusy) again(err error) bool {
	if !errors.Is(err, syscall.ETXTBSY) {
		return false
	}
	if b.try == 0 {
		b.end = time.Now().Add(TextBusyWait)
	} else if !time.Now().Before(b.end) {
		return false
	}
	b.try++
	time.Sleep(time.Duration(min(b.try, 5)) * 5 * time.Millisecond)
	return true
}

// Wait reaps the exited leader pid (the caller has seen it exit: WaitExit)
// and returns what exec.Cmd.Wait returns: nil for an exit status of 0,
// an *exec.ExitError for another status or a signal. A clean exit costs
// two raw waitids; another goes by os.Process.Wait, for the
// *os.ProcessState an *exec.ExitError holds.
func Wait(pid int) error {
	if reapedClean(pid) {
		return nil
	}
	proc, err := os.FindProcess(pid)
	if err != nil {
		return err
	}
	state, err := proc.Wait()
	if err != nil {
		return err
	}
	if !state.Success() {
		return &exec.ExitError{ProcessState: state}
	}
	return nil
}

// reapedClean reaps pid if it has exited with status 0, and reports
// whether it did. The waitids are raw: with WNOHANG they never block (see
// ExitedNow).
func reapedClean(pid int) bool {
	var info siginfoChild
	if waitidRaw(pid, &info, unix.WEXITED|unix.WNOWAIT|unix.WNOHANG) != 0 ||
		info.Signo == 0 || info.Code != cldExited || info.Status != 0 {
		return false
	}
	info = siginfoChild{}
	return waitidRaw(pid, &info, unix.WEXITED|unix.WNOHANG) == 0 && info.Signo != 0
}

// waitidRaw is waitid(P_PID, pid) without the runtime's syscall entry,
// tried again on EINTR.
func waitidRaw(pid int, info *siginfoChild, options int) unix.Errno {
	for {
		_, _, e := unix.RawSyscall6(unix.SYS_WAITID, unix.P_PID, uintptr(pid), uintptr(unsafe.Pointer(info)), uintptr(options), 0, 0)
		if e != unix.EINTR {
			return e
		}
	}
}

// is64bit is 1 on a 64-bit host, 0 on a 32-bit one.
const is64bit = ^uint(0) >> 63

// siginfoChild is the siginfo_t waitid fills in for a child (SIGCHLD),
// as the standard library's internal/syscall/unix.SiginfoChild lays it out
// (unix.Siginfo does not give the status). On MIPS errno and code are
// swapped: Code reads si_errno there, 0, and Wait takes os.Process.Wait's
// way for every exit, which is right, only slower.
type siginfoChild struct {
	Signo int32
	Errno int32
	Code  int32
	_     [is64bit]int32 // the union is 8-byte aligned on 64-bit hosts

	Pid    int32
	Uid    uint32
	Status int32 // exit status (CLD_EXITED) or signal

	_ [128 - (6+is64bit)*4]byte
}

// cldExited is si_code for a child that exited (not killed by a signal).
const cldExited = 1

// Kill sends SIGKILL to every process of session sid outside the leader's
// group (the caller kills that group itself), found in /proc, and looks
// again while it finds some (they may fork meanwhile). It returns how many
// it signalled. The caller must hold the leader unreaped (running or a
// zombie): while it does, sid cannot name another session.
func Kill(sid int) int {
	return killFound(func() []int { return members(sid) })
}

// killFound sends SIGKILL to the processes find lists, and looks again
// while it finds some (they may fork meanwhile), five times at most. It
// returns how many it signalled.
func killFound(find func() []int) int {
	n := 0
	for pass := 0; pass < 5; pass++ {
		found := 0
		for _, pid := range find() {
			if syscall.Kill(pid, syscall.SIGKILL) == nil {
				found++
			}
		}
		if found == 0 {
			break
		}
		n += found
	}
	return n
}

// members lists the pids of session sid outside group sid that are not
// zombies.
func members(sid int) []int {
	var out []int
	buf := make([]byte, 512)
	eachProc(func(pid int, dir string) {
		if pid == sid {
			return
		}
		state, pgrp, s, ok := procStat(dir, buf)
		if ok && s == sid && pgrp != sid && state != 'Z' && state != 'X' {
			out = append(out, pid)
		}
	})
	return out
}

// eachProc calls fn with the pid and /proc directory ("/proc/PID/") of
// every process.
func eachProc(fn func(pid int, dir string)) {
	d, err := os.Open("/proc")
	if err != nil {
		return
	}
	names, _ := d.Readdirnames(-1)
	d.Close()
	for _, name := range names {
		if pid, err := strconv.Atoi(name); err == nil {
			fn(pid, "/proc/"+name+"/")
		}
	}
}

// procStat reads the state, group and session of the process of /proc
// directory dir, with buf for its stat line.
func procStat(dir string, buf []byte) (state byte, pgrp, sid int, ok bool) {
	f, err := os.Open(dir + "stat")
	if err != nil {
		return 0, 0, 0, false
	}
	k, _ := f.Read(buf)
	f.Close()
	return parseStat(buf[:k])
}

// parseStat reads the state, process group and session of a
// /proc/PID/stat line: "pid (comm) state ppid pgrp session ...", where comm
// may hold spaces and parentheses (the last ')' ends it).
func parseStat(b []byte) (state byte, pgrp, sid int, ok bool) {
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return 0, 0, 0, false
	}
	f := bytes.Fields(b[i+1:])
	if len(f) < 4 || len(f[0]) != 1 {
		return 0, 0, 0, false
	}
	pgrp, err1 := strconv.Atoi(string(f[2]))
	sid, err2 := strconv.Atoi(string(f[3]))
	return f[0][0], pgrp, sid, err1 == nil && err2 == nil
}

// Listening reports whether the Unix socket at path is listening: some
// process still holds it open (a connect is queued, or finds the backlog
// full). Once every holder has closed it, a connect is refused.
func Listening(path string) bool {
	fd, err := unix.Socket(unix.AF_UNIX, unix.SOCK_STREAM|unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return false
	}
	defer unix.Close(fd)
	err = unix.Connect(fd, &unix.SockaddrUnix{Name: path})
	return err == nil || err == unix.EAGAIN || err == unix.EINPROGRESS
}

// KillHolders sends SIGKILL to every process outside session sid that
// holds the socket of inode ino (its "socket:[ino]" in /proc/PID/fd),
// and looks again while it finds some; it returns how many it
// signalled. A worker's listening socket is held only by the worker and
// what it forked, so a holder outside the worker's session is something
// that left it (setsid): a program that daemonized itself, its parent
// gone, accepting on the socket for good. Those of the session are the
// caller's to kill (Kill, a group kill); the caller holds sid's leader
// unreaped, as for Kill. The search reads every process's descriptors:
// for a socket found still listening after its worker ended, not for
// every worker's end.
func KillHolders(ino uint64, sid int) int {
	link := "socket:[" + strconv.FormatUint(ino, 10) + "]"
	return killFound(func() []int { return holders(link, sid) })
}

// holders lists the pids outside session sid, not zombies and not this
// process, that have link among their descriptors.
func holders(link string, sid int) []int {
	self := os.Getpid()
	var out []int
	buf := make([]byte, 512)
	eachProc(func(pid int, dir string) {
		if pid == self {
			return
		}
		f, err := os.Open(dir + "fd/")
		if err != nil {
			return // gone, or another user's
		}
		fds, _ := f.Readdirnames(-1)
		f.Close()
		held := false
		for _, fd := range fds {
			if l, err := os.Readlink(dir + "fd/" + fd); err == nil && l == link {
				held = true
				break
			}
		}
		if !held {
			return
		}
		state, _, s, ok := procStat(dir, buf)
		if ok && s != sid && state != 'Z' && state != 'X' {
			out = append(out, pid)
		}
	})
	return out
}

// WritersLeft reports whether a pipe's write end is still open somewhere
// (no POLLHUP on its read end fd): one raw ppoll that does not wait. Once
// a leader and its group are gone, a writer left is a process that moved
// out of the group, and Kill is worth its /proc scan.
func WritersLeft(fd int) bool {
	fds := [1]unix.PollFd{{Fd: int32(fd), Events: unix.POLLIN}}
	var ts unix.Timespec
	for {
		_, _, e := unix.RawSyscall6(unix.SYS_PPOLL, uintptr(unsafe.Pointer(&fds[0])), 1, uintptr(unsafe.Pointer(&ts)), 0, 0, 0)
		if e == unix.EINTR {
			continue
		}
		return e == 0 && fds[0].Revents&unix.POLLHUP == 0
	}
}

// ExitedNow reports whether the leader pid has exited (not reaping it), or
// is no child to wait for. The waitid is raw: with WNOHANG it never
// blocks, and the runtime's syscall entry would wake its monitor thread
// (internal/rawio says why that matters).
func ExitedNow(pid int) bool {
	var info siginfoChild
	return waitidRaw(pid, &info, unix.WEXITED|unix.WNOWAIT|unix.WNOHANG) != 0 || info.Signo != 0
}

// WaitExit returns when the process pid has exited, without reaping it
// (WNOWAIT), so that its group can still be signalled safely. It waits on a
// pidfd through the runtime's poller, which costs no thread per running
// script or worker; where pidfds are missing it falls back to a blocking waitid.
func WaitExit(pid int) {
	if ExitedNow(pid) {
		return // exited (the common case when a script has closed stdout), or not our child
	}
	fd, err := unix.PidfdOpen(pid, unix.PIDFD_NONBLOCK)
	if err == nil {
		f := os.NewFile(uintptr(fd), "pidfd")
		defer f.Close()
		if rc, err := f.SyscallConn(); err == nil {
			var info unix.Siginfo
			var werr error
			err = rc.Read(func(fd uintptr) bool {
				werr = unix.Waitid(unix.P_PIDFD, int(fd), &info, unix.WEXITED|unix.WNOWAIT|unix.WNOHANG, nil)
				if werr == unix.EINTR {
					return false
				}
				// Not exited yet: info stays zero; wait for the pidfd to
				// become readable, which it does when the process exits.
				return werr != nil || exitedInfo(&info)
			})
			if err == nil && werr == nil {
				return
			}
		}
	}
	for {
		var info unix.Siginfo
		if err := unix.Waitid(unix.P_PID, pid, &info, unix.WEXITED|unix.WNOWAIT, nil); err != unix.EINTR {
			return
		}
	}
}

// exitedInfo reports whether waitid filled info with a child state change:
// with WNOHANG and nothing to report, the kernel leaves it zeroed, and a
// report carries si_signo = SIGCHLD.
func exitedInfo(info *unix.Siginfo) bool { return info.Signo != 0 }
