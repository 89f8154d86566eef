package gateway

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/sirupsen/logrus"
	"github.com/sirupsen/logrus/hooks/test"
)

// TestUnsafeScript_Warned: a script anyone on the machine could change
// (what suEXEC refuses) is served, with a warning naming it and why: at
// start, and when it is added while menshen runs; a safe one gets none.
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
	warned := func(script string) bool {
		for _, e := range hook.AllEntries() {
			if e.Level == logrus.WarnLevel && e.Data["script"] == script && e.Data["reason"] == "the file is writable by anyone" {
				return true
			}
		}
		return false
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
	for end := time.Now().Add(3 * time.Second); !warned("late.sh"); time.Sleep(20 * time.Millisecond) {
		if time.Now().After(end) {
			t.Fatalf("no warning for late.sh, added world-writable")
		}
	}
}
