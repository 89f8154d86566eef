// Package proctest kills, for tests, processes they learned of earlier,
// without killing another process that has their pid by then.
//
// A pid a test read a while ago (a daemon's pid file, a worker's X-Pid)
// may name another process at the test's cleanup: pid_max is 32768 on
// many machines, and the suite starts thousands of processes, so pids
// come round within minutes. A bare kill then hit another test's process
// (a FastCGI worker being started, whose requests got 502).
package proctest

import (
	"bytes"
	"os"
	"strconv"
	"time"

	"golang.org/x/sys/unix"
)

// Pin holds on to the process that has pid now (a pidfd) and returns a
// function that sends it SIGKILL, and never another process that gets its
// pid later; the function may be called more than once. Where pidfds are
// missing (Linux before 5.3) it signals the pid itself.
func Pin(pid int) (kill func()) {
	fd, err := unix.PidfdOpen(pid, 0)
	if err != nil {
		if err == unix.ENOSYS {
			return func() { _ = unix.Kill(pid, unix.SIGKILL) }
		}
		return func() {} // gone already
	}
	done := false
	return func() {
		if done {
			return
		}
		done = true
		_ = unix.PidfdSendSignal(fd, unix.SIGKILL, nil, 0)
		_ = unix.Close(fd)
	}
}

// KillIf sends SIGKILL to the process pid if its command line contains
// one of markers (a test's own temporary directory, its script's name),
// and reports whether it did. A process in the middle of an execve shows
// an empty command line for a moment (its new memory has no arguments
// yet): KillIf reads it again then, for up to a second, unless the
// process is a zombie (whose command line is empty for good).
func KillIf(pid int, markers ...string) bool {
	fd, err := unix.PidfdOpen(pid, 0)
	if err != nil {
		return false
	}
	defer unix.Close(fd)
	// (Read after the pidfd is open: if the pid is another process's by
	// then, the pidfd's process is gone and the signal fails.)
	for end := time.Now().Add(time.Second); ; time.Sleep(5 * time.Millisecond) {
		cmd, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/cmdline")
		if err != nil {
			return false
		}
		for _, m := range markers {
			if bytes.Contains(cmd, []byte(m)) {
				return unix.PidfdSendSignal(fd, unix.SIGKILL, nil, 0) == nil
			}
		}
		if len(cmd) > 0 || zombie(pid) || time.Now().After(end) {
			return false
		}
	}
}

// zombie reports whether pid is a zombie (or gone).
func zombie(pid int) bool {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return true
	}
	i := bytes.LastIndexByte(b, ')')
	return i < 0 || len(b) < i+3 || b[i+2] == 'Z' || b[i+2] == 'X'
}

// PinGroup pins (Pin) every process of group pgid but its leader, and
// returns a function that sends them SIGKILL. Called while the group's
// leader has exited but is not reaped (its pid, the pgid, cannot be
// another's yet), it lets the caller reap the leader and still kill what
// it left behind later, and nothing else.
func PinGroup(pgid int) (kill func()) {
	var kills []func()
	ents, _ := os.ReadDir("/proc")
	for _, e := range ents {
		pid, err := strconv.Atoi(e.Name())
		if err != nil || pid == pgid {
			continue
		}
		stat, err := os.ReadFile("/proc/" + e.Name() + "/stat")
		if err != nil {
			continue
		}
		// pid (comm) state ppid pgrp ...: comm may hold spaces and ')'.
		i := bytes.LastIndexByte(stat, ')')
		if i < 0 {
			continue
		}
		f := bytes.Fields(stat[i+1:])
		if len(f) > 2 && string(f[2]) == strconv.Itoa(pgid) {
			kills = append(kills, Pin(pid))
		}
	}
	return func() {
		for _, k := range kills {
			k()
		}
	}
}
