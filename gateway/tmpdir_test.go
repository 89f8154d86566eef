package gateway

import (
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// A gateway's private directory outlives a gateway that was killed; the
// next gateway removes it, and only it: not a live gateway's directory,
// not a directory without a lock file, not something else of that name.
func TestPrivateDir_SweepsOnlyDeadGateways(t *testing.T) {
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)

	live, liveLock, err := makePrivateDir()
	if err != nil {
		t.Fatal(err)
	}
	defer liveLock.Close()
	dead, deadLock, err := makePrivateDir()
	if err != nil {
		t.Fatal(err)
	}
	deadLock.Close() // what the kernel does when its gateway dies
	if err := os.WriteFile(filepath.Join(dead, "runner.pl"), []byte("x"), 0o500); err != nil {
		t.Fatal(err)
	}
	noLock := filepath.Join(tmp, privatePrefix+"nolock")
	if err := os.Mkdir(noLock, 0o700); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(tmp, privatePrefix+"file")
	if err := os.WriteFile(file, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(tmp, privatePrefix+"link")
	if err := os.Symlink(dead, link); err != nil {
		t.Fatal(err)
	}

	next, nextLock, err := makePrivateDir()
	if err != nil {
		t.Fatal(err)
	}
	defer nextLock.Close()

	if _, err := os.Stat(dead); !os.IsNotExist(err) {
		t.Errorf("the dead gateway's directory is still there (%v)", err)
	}
	for _, p := range []string{live, noLock, file, next} {
		if _, err := os.Stat(p); err != nil {
			t.Errorf("%s was removed: %v", filepath.Base(p), err)
		}
	}
	if _, err := os.Lstat(link); err != nil {
		t.Errorf("the symlink was removed: %v", err)
	}
	if _, err := os.Stat(filepath.Join(next, lockName)); err != nil {
		t.Errorf("no lock file in the new directory: %v", err)
	}
}

// TestPrivateDir_SweepKillsSocketHolders: the processes a dead gateway's
// worker started itself (php-cgi's PHP_FCGI_CHILDREN, a process manager's
// children), which outlive it still holding the pool's listening socket
// as their fd 0, are killed by the next gateway's sweep; a process
// holding no socket of the directory is left alone.
func TestPrivateDir_SweepKillsSocketHolders(t *testing.T) {
	dead, deadLock, ln := deadPoolSocket(t)
	lf, err := ln.File()
	if err != nil {
		t.Fatal(err)
	}
	orphan, bystander := startSleep(t, lf), startSleep(t, nil)
	// The gateway and its worker are gone: only the orphan holds the
	// socket.
	lf.Close()
	ln.Close()
	deadLock.Close()

	next, nextLock, err := makePrivateDir()
	if err != nil {
		t.Fatal(err)
	}
	defer nextLock.Close()
	done := make(chan error, 1)
	go func() { done <- orphan.Wait() }()
	select {
	case err := <-done:
		if ws, ok := orphan.ProcessState.Sys().(syscall.WaitStatus); !ok || ws.Signal() != syscall.SIGKILL {
			t.Errorf("the orphan ended with %v, want SIGKILL", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the process holding the dead gateway's socket still runs after the next gateway's sweep")
	}
	if err := bystander.Process.Signal(syscall.Signal(0)); err != nil {
		t.Errorf("a process holding no socket of the directory was killed: %v", err)
	}
	if _, err := os.Stat(dead); !os.IsNotExist(err) {
		t.Errorf("the dead gateway's directory is still there (%v)", err)
	}
	if _, err := os.Stat(next); err != nil {
		t.Error(err)
	}
}

// TestPrivateDir_SweepSparesAcceptedConnHolders: a job a script detached
// (setsid) that inherited a worker's accepted FastCGI connection, not its
// listening socket (php-cgi's fd 3 in an exec()'d job), is not killed by
// the next gateway's sweep: /proc/net/unix shows the listener's path for
// an accepted connection too.
func TestPrivateDir_SweepSparesAcceptedConnHolders(t *testing.T) {
	_, deadLock, ln := deadPoolSocket(t)
	client, err := net.Dial("unix", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer client.Close()
	conn, err := ln.AcceptUnix()
	if err != nil {
		t.Fatal(err)
	}
	cf, err := conn.File()
	if err != nil {
		t.Fatal(err)
	}
	job := startSleep(t, cf)
	cf.Close()
	conn.Close()
	ln.Close()
	deadLock.Close()

	_, nextLock, err := makePrivateDir()
	if err != nil {
		t.Fatal(err)
	}
	defer nextLock.Close()
	time.Sleep(200 * time.Millisecond)
	var ws syscall.WaitStatus
	if pid, _ := syscall.Wait4(job.Process.Pid, &ws, syscall.WNOHANG, nil); pid == job.Process.Pid {
		t.Fatalf("a detached job holding an accepted connection of the dead gateway's socket was killed (%v)", ws.Signal())
	}
}

// deadPoolSocket makes, under a private TMPDIR, a gateway's private
// directory with a pool's listening socket in it, and returns the
// directory, its lock (close it: the gateway is dead) and the listener.
func deadPoolSocket(t *testing.T) (string, *os.File, *net.UnixListener) {
	t.Helper()
	t.Setenv("TMPDIR", t.TempDir())
	dead, deadLock, err := makePrivateDir()
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(filepath.Join(dead, "p1"), 0o700); err != nil {
		t.Fatal(err)
	}
	ln, err := net.ListenUnix("unix", &net.UnixAddr{Name: filepath.Join(dead, "p1", "1.sock"), Net: "unix"})
	if err != nil {
		t.Fatal(err)
	}
	return dead, deadLock, ln
}

// startSleep starts a `sleep 60` with stdin as its fd 0, killed at the
// test's end.
func startSleep(t *testing.T, stdin *os.File) *exec.Cmd {
	t.Helper()
	cmd := exec.Command("sleep", "60")
	if stdin != nil {
		cmd.Stdin = stdin
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	return cmd
}
