package gateway

import (
	"io/fs"
	"path/filepath"
	"syscall"
	"time"
	"unsafe"
)

// lstatFast is os.Lstat made with a raw system call, for the route lookup
// on every request's path. os.Lstat enters the runtime's syscall
// bookkeeping, which, when the gateway was idle a moment before (every
// request at concurrency 1), wakes the runtime's monitor thread: a futex
// and two context switches per request (internal/rawio says more). A raw
// call keeps its processor while it runs, which is fine for a local file
// system, where an lstat of a cached entry never waits, but not for a
// network one, where it may: the mount decides (localFS).
func lstatFast(p string) (fs.FileInfo, error) {
	b, err := syscall.BytePtrFromString(p)
	if err != nil {
		return nil, &fs.PathError{Op: "lstat", Path: p, Err: err}
	}
	fi := &statInfo{path: p}
	for {
		_, _, e := syscall.RawSyscall6(syscall.SYS_NEWFSTATAT, atFDCWD, uintptr(unsafe.Pointer(b)), uintptr(unsafe.Pointer(&fi.st)), atSymlinkNoFollow, 0, 0)
		if e == syscall.EINTR {
			continue
		}
		if e != 0 {
			return nil, &fs.PathError{Op: "lstat", Path: p, Err: e}
		}
		return fi, nil
	}
}

const (
	atFDCWD           = ^uintptr(99) // AT_FDCWD, -100
	atSymlinkNoFollow = 0x100        // AT_SYMLINK_NOFOLLOW
)

// statInfo is the fs.FileInfo of lstatFast, as os.Lstat would fill it.
// Its name is taken from the path when asked for: the route lookup never
// asks.
type statInfo struct {
	path string
	st   syscall.Stat_t
}

func (fi *statInfo) Name() string       { return filepath.Base(fi.path) }
func (fi *statInfo) Size() int64        { return fi.st.Size }
func (fi *statInfo) ModTime() time.Time { return time.Unix(fi.st.Mtim.Unix()) }
func (fi *statInfo) IsDir() bool        { return fi.Mode().IsDir() }
func (fi *statInfo) Sys() any           { return &fi.st }

func (fi *statInfo) Mode() fs.FileMode {
	m := fs.FileMode(fi.st.Mode & 0o777)
	switch fi.st.Mode & syscall.S_IFMT {
	case syscall.S_IFBLK:
		m |= fs.ModeDevice
	case syscall.S_IFCHR:
		m |= fs.ModeDevice | fs.ModeCharDevice
	case syscall.S_IFDIR:
		m |= fs.ModeDir
	case syscall.S_IFIFO:
		m |= fs.ModeNamedPipe
	case syscall.S_IFLNK:
		m |= fs.ModeSymlink
	case syscall.S_IFSOCK:
		m |= fs.ModeSocket
	}
	if fi.st.Mode&syscall.S_ISGID != 0 {
		m |= fs.ModeSetgid
	}
	if fi.st.Mode&syscall.S_ISUID != 0 {
		m |= fs.ModeSetuid
	}
	if fi.st.Mode&syscall.S_ISVTX != 0 {
		m |= fs.ModeSticky
	}
	return m
}

// localFS reports whether dir is on a file system where lstatFast may be
// used: a local disk or memory one. Network and FUSE file systems, and any
// this does not know, get os.Lstat.
func localFS(dir string) bool {
	var s syscall.Statfs_t
	if err := syscall.Statfs(dir, &s); err != nil {
		return false
	}
	switch uint32(s.Type) {
	case 0xef53, // ext2/3/4
		0x58465342, // xfs
		0x9123683e, // btrfs
		0x01021994, // tmpfs
		0x794c7630, // overlayfs
		0x2fc12fc1, // zfs
		0xf2f52010, // f2fs
		0x3153464a, // jfs
		0x52654973: // reiserfs
		return true
	}
	return false
}

var _ fs.FileInfo = (*statInfo)(nil)
