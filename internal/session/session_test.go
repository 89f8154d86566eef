package session

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

func TestParseStat(t *testing.T) {
	for line, want := range map[string][3]int{
		"42 (sleep) S 1 40 39 0 -1":          {'S', 40, 39},
		"43 (a) (b) c) Z 1 7 7 0":            {'Z', 7, 7},
		"44 (with space) R 12 44 44 34816 0": {'R', 44, 44},
	} {
		st, pg, sid, ok := parseStat([]byte(line))
		if !ok || int(st) != want[0] || pg != want[1] || sid != want[2] {
			t.Errorf("parseStat(%q) = %c %d %d %v, want %c %d %d", line, st, pg, sid, ok, want[0], want[1], want[2])
		}
	}
	if _, _, _, ok := parseStat([]byte("45 (x")); ok {
		t.Errorf("a line cut in the name parsed")
	}
}

// TestKill: a process that moved to a group of its own in a session is
// killed through the session; the session's leader group is left to the
// caller.
func TestKill(t *testing.T) {
	if _, err := exec.LookPath("perl"); err != nil {
		t.Skip("perl not installed (Debian package perl)")
	}
	cmd := exec.Command("perl", "-e", `$| = 1; my $p = fork; if (!$p) { setpgrp(0, 0); sleep 30; exit } print "$p\n"; sleep 30`)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL); cmd.Wait() }()
	buf := make([]byte, 32)
	n, _ := out.Read(buf)
	child, err := strconv.Atoi(strings.TrimSpace(string(buf[:n])))
	if err != nil {
		t.Fatalf("child pid %q: %v", buf[:n], err)
	}
	defer syscall.Kill(child, syscall.SIGKILL)
	for end := time.Now().Add(3 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		b, _ := os.ReadFile("/proc/" + strconv.Itoa(child) + "/stat")
		if _, pg, _, ok := parseStat(b); ok && pg == child {
			break
		}
		if time.Now().After(end) {
			t.Fatal("the child never moved to its own group")
		}
	}
	if got := Kill(cmd.Process.Pid); got < 1 {
		t.Errorf("Kill signalled %d processes, want the child", got)
	}
	for end := time.Now().Add(3 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		b, err := os.ReadFile("/proc/" + strconv.Itoa(child) + "/stat")
		if st, _, _, ok := parseStat(b); err != nil || ok && (st == 'Z' || st == 'X') {
			break
		}
		if time.Now().After(end) {
			t.Fatal("the child still runs")
		}
	}
	if err := syscall.Kill(cmd.Process.Pid, 0); err != nil {
		t.Errorf("the leader was killed too: %v", err)
	}
}

// TestForkExec_TextBusy: a program open for writing for a moment (a
// deploy writing it in place) starts once the writer closes it, as with
// Start; a program that cannot start fails as os.StartProcess does.
func TestForkExec_TextBusy(t *testing.T) {
	prog := filepath.Join(t.TempDir(), "prog.sh")
	if err := os.WriteFile(prog, []byte("#!/bin/sh\nexit 7\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	w, err := os.OpenFile(prog, os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	time.AfterFunc(40*time.Millisecond, func() { w.Close() })
	pid, err := ForkExec(prog, []string{prog}, &syscall.ProcAttr{})
	if err != nil {
		t.Fatalf("ForkExec while the program was open for a moment: %v", err)
	}
	WaitExit(pid)
	var ee *exec.ExitError
	if err := Wait(pid); !errors.As(err, &ee) || ee.ExitCode() != 7 {
		t.Errorf("Wait = %v, want exit status 7", err)
	}

	missing := prog + ".missing"
	_, err = ForkExec(missing, []string{missing}, &syscall.ProcAttr{})
	var pe *os.PathError
	if !errors.As(err, &pe) || pe.Op != "fork/exec" || pe.Path != missing || !errors.Is(err, syscall.ENOENT) {
		t.Errorf("ForkExec(missing) = %v, want an *os.PathError fork/exec ENOENT", err)
	}
}
