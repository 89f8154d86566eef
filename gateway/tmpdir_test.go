package gateway

import (
	"os"
	"path/filepath"
	"testing"
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
