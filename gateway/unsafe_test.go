package gateway

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/fsnotify/fsnotify"
	"github.com/sirupsen/logrus"
	"github.com/sirupsen/logrus/hooks/test"
)

// TestUnsafeScript_Warned: a script anyone on the machine could change
// (what suEXEC refuses) is served, with a warning naming it and why: at
// start, when it is added while menshen runs, and when a chmod makes it
// (or its directory) writable by anyone; a safe one gets none, and an
// unsafe one is not warned of again at each change that leaves it so.
func TestUnsafeScript_Warned(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, mode os.FileMode) {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(helloSh), 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(p, mode); err != nil {
			t.Fatal(err)
		}
	}
	write("ok.sh", 0o755)
	write("ww.sh", 0o777)
	log, hook := test.NewNullLogger()
	g, srv := mustGateway(t, Config{Scripts: dir, Logger: log})
	if err := g.Start(); err != nil {
		t.Fatal(err)
	}
	warnings := func(script, reason string) (n int) {
		for _, e := range hook.AllEntries() {
			if e.Level == logrus.WarnLevel && e.Data["script"] == script && e.Data["reason"] == reason {
				n++
			}
		}
		return n
	}
	warned := func(script string) bool { return warnings(script, "the file is writable by anyone") > 0 }
	waitWarned := func(script, reason, what string) {
		t.Helper()
		for end := time.Now().Add(3 * time.Second); warnings(script, reason) == 0; time.Sleep(20 * time.Millisecond) {
			if time.Now().After(end) {
				t.Fatalf("no warning for %s, %s", script, what)
			}
		}
	}
	if !warned("ww.sh") {
		t.Errorf("no warning for the world-writable ww.sh at start")
	}
	if warned("ok.sh") {
		t.Errorf("a warning for ok.sh, mode 0755")
	}
	if resp, _ := mustGet(t, srv.URL+"/cgi-bin/ww.sh"); resp.StatusCode != 200 {
		t.Errorf("ww.sh: %d, want 200 (served, as Apache without suEXEC serves it)", resp.StatusCode)
	}
	write("late.sh", 0o777)
	waitWarned("late.sh", "the file is writable by anyone", "added world-writable")

	// A chmod of a served script: ww.sh stays unsafe (no second
	// warning), ok.sh becomes unsafe (one). ww.sh's event comes first,
	// so it has been handled once ok.sh's warning is there.
	if err := os.Chmod(filepath.Join(dir, "ww.sh"), 0o777); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(filepath.Join(dir, "ok.sh"), 0o757); err != nil {
		t.Fatal(err)
	}
	waitWarned("ok.sh", "the file is writable by anyone", "after chmod o+w")
	if n := warnings("ww.sh", "the file is writable by anyone"); n != 1 {
		t.Errorf("ww.sh warned of %d times, want once: a chmod that leaves it unsafe is no news", n)
	}

	// A directory made writable by anyone: the scripts under it.
	sub := filepath.Join(dir, "sub")
	if err := os.Mkdir(sub, 0o755); err != nil {
		t.Fatal(err)
	}
	write("sub/s.sh", 0o755)
	time.Sleep(300 * time.Millisecond)
	if err := os.Chmod(sub, 0o777); err != nil {
		t.Fatal(err)
	}
	waitWarned("sub/s.sh", "its directory "+sub+" is writable by anyone", "after chmod o+w of its directory")
}

// TestWatch_NewDirectoryLibsCountAsChanged: a directory first watched at a
// rescan may have been written before its watch existed (a lib/ made,
// filled and edited at once): its Perl libraries count as changed, so
// that workers which loaded a first version retire. At the first scan,
// nothing is new.
func TestWatch_NewDirectoryLibsCountAsChanged(t *testing.T) {
	dir := t.TempDir()
	mustWriteFile(t, filepath.Join(dir, "old", "Old.pm"), "package Old; 1;\n", 0o644)
	g, _ := mustGateway(t, Config{Scripts: dir})
	w, err := fsnotify.NewWatcher()
	if err != nil {
		t.Skip(err)
	}
	defer w.Close()
	st := newWatchState(w)
	g.addWatches(st, g.settings.Load(), false)
	if len(st.touched) != 0 {
		t.Errorf("first scan: %v counted as changed", st.touched)
	}
	st.started = true
	mustWriteFile(t, filepath.Join(dir, "lib", "Local.pm"), "package Local; 1;\n", 0o644)
	g.addWatches(st, g.settings.Load(), false)
	if want := filepath.Join(dir, "lib", "Local.pm"); !st.touched[want] || len(st.touched) != 1 {
		t.Errorf("after lib/ appeared: touched %v, want only %s", st.touched, want)
	}
}
