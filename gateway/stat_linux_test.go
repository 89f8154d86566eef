package gateway

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

// lstatFast answers as os.Lstat does, for every kind of entry the route
// walk meets.
func TestLstatFast_SameAsOSLstat(t *testing.T) {
	dir := t.TempDir()
	mk := func(name string, perm fs.FileMode) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte("#!/bin/sh\necho hi\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(p, perm); err != nil {
			t.Fatal(err)
		}
		return p
	}
	paths := []string{
		mk("script.sh", 0o755),
		mk("plain.txt", 0o644),
		mk("setuid", 0o755|fs.ModeSetuid|fs.ModeSetgid),
		filepath.Join(dir, "sub"),
		filepath.Join(dir, "link"),
		filepath.Join(dir, "fifo"),
		filepath.Join(dir, "sticky"),
	}
	if err := os.Mkdir(paths[3], 0o750); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("script.sh", paths[4]); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mkfifo(paths[5], 0o640); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(paths[6], 0o777); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(paths[6], 0o777|fs.ModeSticky); err != nil {
		t.Fatal(err)
	}
	for _, p := range paths {
		want, err := os.Lstat(p)
		if err != nil {
			t.Fatal(err)
		}
		got, err := lstatFast(p)
		if err != nil {
			t.Fatalf("lstatFast(%q): %v", p, err)
		}
		if got.Name() != want.Name() || got.Mode() != want.Mode() || got.Size() != want.Size() ||
			!got.ModTime().Equal(want.ModTime()) || got.IsDir() != want.IsDir() {
			t.Errorf("lstatFast(%q) = %s %v %d %v, os.Lstat = %s %v %d %v", p,
				got.Name(), got.Mode(), got.Size(), got.ModTime(), want.Name(), want.Mode(), want.Size(), want.ModTime())
		}
		if fileVersionOf(got) != fileVersionOf(want) {
			t.Errorf("lstatFast(%q): version %+v, os.Lstat's %+v", p, fileVersionOf(got), fileVersionOf(want))
		}
	}

	_, err := lstatFast(filepath.Join(dir, "missing"))
	if !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("lstatFast of a missing file: %v, want fs.ErrNotExist", err)
	}
	if _, err := lstatFast(dir + "/bad\x00name"); err == nil {
		t.Error("lstatFast of a name with a NUL byte: no error")
	}
}

// The scripts directory of the tests is on a local file system, so the
// mount uses lstatFast; /proc is not one it knows.
func TestLocalFS(t *testing.T) {
	if !localFS(t.TempDir()) {
		var s syscall.Statfs_t
		syscall.Statfs(t.TempDir(), &s)
		t.Skipf("the temp dir's file system (magic %#x) is not in localFS's list", s.Type)
	}
	if localFS("/proc") {
		t.Error("localFS(/proc) = true")
	}
	if localFS("/no/such/dir") {
		t.Error("localFS of a missing directory = true")
	}
}
