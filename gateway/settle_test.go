package gateway

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/sirupsen/logrus/hooks/test"
)

// TestLastChange_RenameTheWatcherHasNotRead guards C31 for a
// subdirectory swapped in by two renames (mv sub sub.old; mv sub.new
// sub): a request in the gap finds sub missing before the watcher has
// read the rename, and must wait for the new one, not get a 404. The
// watcher had read the event before it (sub.new made) late, after the
// rename: its time of reading ran ahead of the rename's change time (the
// kernel's coarse clock), and the rename was taken for heard. Here no
// watcher runs: the test notes that earlier event as a late watcher does.
func TestLastChange_RenameTheWatcherHasNotRead(t *testing.T) {
	t.Parallel()
	log, _ := test.NewNullLogger()
	dir := t.TempDir()
	mustWriteFile(t, filepath.Join(dir, "sub", "a.pl"), "#!/usr/bin/perl\n", 0o755)
	g, err := New(Config{Scripts: dir, Logger: log, Admin: "off", Mode: ModeCGI})
	if err != nil {
		t.Fatal(err)
	}
	g.events.on.Store(true) // as the watcher does when it starts
	mounts := g.settings.Load().mounts
	if err := os.Mkdir(filepath.Join(dir, "sub.new"), 0o755); err != nil {
		t.Fatal(err)
	}
	// The watcher reads sub.new's event, late: after the rename below.
	g.events.note(filepath.Join(dir, "sub.new"), time.Now().Add(50*time.Millisecond))
	time.Sleep(20 * time.Millisecond) // more than a tick of the coarse clock
	if err := os.Rename(filepath.Join(dir, "sub"), filepath.Join(dir, "sub.old")); err != nil {
		t.Fatal(err)
	}
	changed, _ := g.lastChange(mounts, "/cgi-bin/sub/a.pl", time.Time{})
	if changed.IsZero() || time.Since(changed) > time.Second {
		t.Fatalf("lastChange = %v (%v ago): the rename the watcher has not read is not seen, a request in the gap gets 404", changed, time.Since(changed))
	}
	// Once the watcher has read it, the change is its event's.
	g.events.note(filepath.Join(dir, "sub"), time.Now())
	if changed, _ := g.lastChange(mounts, "/cgi-bin/sub/a.pl", time.Time{}); changed.IsZero() {
		t.Fatal("lastChange after the watcher read the rename: zero")
	}
	// A name that has been missing all along, in a directory whose last
	// change the watcher has read, is a 404 at once.
	if changed, _ := g.lastChange(mounts, "/cgi-bin/never.pl", time.Time{}); !changed.IsZero() {
		t.Fatalf("lastChange of a name missing all along = %v, want zero", changed)
	}
}
