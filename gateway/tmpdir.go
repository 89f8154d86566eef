package gateway

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
)

// The private directory of a gateway (spooled bodies, the Perl runner,
// the pools' sockets) is removed by Close. A gateway that is killed
// (SIGKILL, the OOM killer, a crash) cannot, so each one holds an flock on
// a file in its directory for its whole life, and every new gateway
// removes the directories whose lock is free: their gateway is gone (the
// kernel releases an flock when its holder dies, whatever the pid became
// since). Directories without a lock file are left alone.
//
// A worker dies with its gateway (Pdeathsig), but the processes it
// started itself do not: php-cgi's PHP_FCGI_CHILDREN, a process manager's
// children, left waiting on a socket nobody dials. They still hold the
// pool's listening socket, under the dead gateway's directory, and the
// sweep kills them before it removes the directory.
const (
	privatePrefix = "menshen-"
	lockName      = "lock"
)

// makePrivateDir creates the gateway's private directory with its lock
// held, then sweeps the directories of dead gateways.
func makePrivateDir() (dir string, lock *os.File, err error) {
	dir, err = os.MkdirTemp("", privatePrefix)
	if err != nil {
		return "", nil, fmt.Errorf("create private directory: %w", err)
	}
	// Locked under a temporary name, then renamed: a sweeper that finds
	// the lock file always finds it locked.
	tmp := filepath.Join(dir, lockName+".new")
	lock, err = os.OpenFile(tmp, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
	if err == nil {
		if err = syscall.Flock(int(lock.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err == nil {
			err = os.Rename(tmp, filepath.Join(dir, lockName))
		}
		if err != nil {
			lock.Close()
		}
	}
	if err != nil {
		os.RemoveAll(dir)
		return "", nil, fmt.Errorf("lock private directory: %w", err)
	}
	sweepPrivateDirs(filepath.Dir(dir), dir)
	return dir, lock, nil
}

// sweepPrivateDirs removes the private directories under parent, other
// than keep, that belong to this user and whose lock nobody holds.
func sweepPrivateDirs(parent, keep string) {
	matches, _ := filepath.Glob(filepath.Join(parent, privatePrefix+"*"))
	for _, d := range matches {
		if d == keep || !ownDir(d) {
			continue
		}
		f, err := os.OpenFile(filepath.Join(d, lockName), os.O_RDWR|syscall.O_NOFOLLOW, 0)
		if err != nil {
			continue // no lock file: not ours to judge
		}
		if syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB) == nil {
			killSocketHolders(d)
			os.RemoveAll(d)
		}
		f.Close()
	}
}

// ownDir reports whether d is a real directory (not a symlink) owned by
// this process's user.
func ownDir(d string) bool {
	fi, err := os.Lstat(d)
	if err != nil || !fi.IsDir() {
		return false
	}
	st, ok := fi.Sys().(*syscall.Stat_t)
	return ok && int(st.Uid) == os.Geteuid()
}

// killSocketHolders kills the processes of this user, other than this
// one, that hold a Unix socket bound under dir, and returns their pids.
func killSocketHolders(dir string) []int {
	inodes := socketsUnder(dir)
	if len(inodes) == 0 {
		return nil
	}
	procs, err := os.ReadDir("/proc")
	if err != nil {
		return nil
	}
	var killed []int
	for _, p := range procs {
		pid, err := strconv.Atoi(p.Name())
		if err != nil || pid == os.Getpid() || !ownDir("/proc/"+p.Name()) {
			continue
		}
		if killIfHolding(pid, inodes) {
			killed = append(killed, pid)
		}
	}
	return killed
}

// killIfHolding kills process pid if it holds one of the sockets, and
// reports whether it did. The process is taken by a pidfd before its
// descriptors are read (os.FindProcess on Linux): a pid that a process
// ending meanwhile left to a new one is not signalled.
func killIfHolding(pid int, inodes map[string]bool) bool {
	proc, err := os.FindProcess(pid)
	if err != nil {
		return false
	}
	defer proc.Release()
	fdDir := "/proc/" + strconv.Itoa(pid) + "/fd/"
	fds, _ := os.ReadDir(fdDir)
	for _, fd := range fds {
		link, err := os.Readlink(fdDir + fd.Name())
		if err != nil || !strings.HasPrefix(link, "socket:[") {
			continue
		}
		if inodes[strings.TrimSuffix(strings.TrimPrefix(link, "socket:["), "]")] {
			return proc.Kill() == nil
		}
	}
	return false
}

// socketsUnder returns the inodes of the Unix sockets bound to a path
// under dir (/proc/net/unix: Num RefCount Protocol Flags Type St Inode
// Path).
func socketsUnder(dir string) map[string]bool {
	f, err := os.Open("/proc/net/unix")
	if err != nil {
		return nil
	}
	defer f.Close()
	inodes := map[string]bool{}
	prefix := filepath.Clean(dir) + "/"
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		// (Listening sockets alone, __SO_ACCEPTCON in Flags: a
		// connection a worker accepted shows its listener's path too,
		// and a job a script detached with setsid may hold one it
		// inherited (php-cgi's connection is fd 3 in its children):
		// such a job is meant to outlive its request and the gateway.)
		if len(fields) == 8 && fields[3] == "00010000" && strings.HasPrefix(fields[7], prefix) {
			inodes[fields[6]] = true
		}
	}
	return inodes
}
