package gateway

import (
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/sirupsen/logrus/hooks/test"
)

// TestReload_MountsWrappersAndTimeoutsApplyLive guards C32 for the settings
// the other live tests do not touch: a [[mount]] added to the watched config
// is served within a second (and its new directory watched), a [[wrapper]]
// added makes non-executable files of its extension run, a per-script
// timeout applies to the next request, and removing the mount makes it 404.
func TestReload_MountsWrappersAndTimeoutsApplyLive(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	scripts := filepath.Join(dir, "scripts")
	legacy := filepath.Join(dir, "legacy")
	for _, d := range []string{scripts, legacy} {
		if err := os.Mkdir(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	mustWriteFile(t, filepath.Join(legacy, "old.sh"), "#!/bin/sh\nprintf 'Content-Type: text/plain\\n\\nlegacy\\n'\n", 0o755)
	mustWriteFile(t, filepath.Join(scripts, "w.txt"), "wrapped body\n", 0o644)
	mustWriteFile(t, filepath.Join(scripts, "slow.sh"), "#!/bin/sh\nsleep 3\nprintf 'Content-Type: text/plain\\n\\nlate\\n'\n", 0o755)
	conf := filepath.Join(dir, "menshen.toml")
	mustWriteFile(t, conf, "mode = \"cgi\"\n", 0o644)
	g, srv := mustGateway(t, Config{Scripts: scripts, ConfigFile: conf, Queue: 8})
	if err := g.Start(); err != nil {
		t.Fatal(err)
	}
	status := func(path string) (int, string) {
		resp, body := mustGet(t, srv.URL+path)
		return resp.StatusCode, string(body)
	}
	if code, _ := status("/legacy/old.sh"); code != http.StatusNotFound {
		t.Fatalf("before the mount: /legacy/old.sh = %d, want 404", code)
	}
	if code, _ := status("/cgi-bin/w.txt"); code != http.StatusForbidden {
		t.Fatalf("before the wrapper: w.txt = %d, want 403", code)
	}

	cat := "/bin/cat"
	newConf := "mode = \"cgi\"\n" +
		"[[mount]]\nprefix = \"/legacy/\"\ndir = \"" + legacy + "\"\n" +
		"[[wrapper]]\next = \".txt\"\ncommand = \"/bin/sh\"\nargs = [\"-c\", \"printf 'Content-Type: text/plain\\\\n\\\\n'; exec " + cat + " \\\"$0\\\"\", \"{script}\"]\n" +
		"[script.\"slow.sh\"]\ntimeout = \"300ms\"\n"
	mustRenameOver(t, conf, newConf)
	if !waitFor(1500*time.Millisecond, func() bool { code, body := status("/legacy/old.sh"); return code == 200 && body == "legacy\n" }) {
		code, body := status("/legacy/old.sh")
		t.Fatalf("mount added: /legacy/old.sh = %d %q within 1.5s, want 200 legacy", code, body)
	}
	if code, body := status("/cgi-bin/w.txt"); code != 200 || body != "wrapped body\n" {
		t.Errorf("wrapper added: w.txt = %d %q, want 200 and the file through the wrapper", code, body)
	}
	start := time.Now()
	if code, _ := status("/cgi-bin/slow.sh"); code != http.StatusGatewayTimeout {
		t.Errorf("per-script timeout: slow.sh = %d, want 504", code)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("per-script timeout of 300ms took %v", d)
	}

	// A script dropped into the new mount's directory: watched too.
	mustWriteFile(t, filepath.Join(legacy, "new.sh"), "#!/bin/sh\nprintf 'Content-Type: text/plain\\n\\nnew\\n'\n", 0o755)
	if code, body := status("/legacy/new.sh"); code != 200 || !strings.Contains(body, "new") {
		t.Errorf("script added under the new mount: %d %q", code, body)
	}

	mustRenameOver(t, conf, "mode = \"cgi\"\n")
	if !waitFor(1500*time.Millisecond, func() bool { code, _ := status("/legacy/old.sh"); return code == http.StatusNotFound }) {
		t.Fatal("mount removed: /legacy/old.sh still served after 1.5s")
	}
}

// TestReload_IsolationAndWorkersReplacePool guards C32 for the per-script
// FastCGI settings: a live edit of a script's isolation or workers replaces
// its pool (a new worker answers, the old one exits) and /status.json shows
// the new isolation.
func TestReload_IsolationAndWorkersReplacePool(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	scripts := filepath.Join(dir, "scripts")
	if err := os.Mkdir(scripts, 0o755); err != nil {
		t.Fatal(err)
	}
	mustWriteFile(t, filepath.Join(scripts, "pid.pl"), "#!/usr/bin/perl\nprint \"Content-Type: text/plain\\nX-Pid: $$\\n\\nok\\n\";\n", 0o755)
	conf := filepath.Join(dir, "menshen.toml")
	write := func(isolation string, workers int) {
		mustRenameOver(t, conf, "mode = \"fastcgi\"\n[script.\"pid.pl\"]\nisolation = \""+isolation+"\"\nworkers = "+strconv.Itoa(workers)+"\n")
	}
	write("perlrun", 1)
	g, srv := mustGateway(t, Config{Scripts: scripts, ConfigFile: conf, Queue: 8})
	if err := g.Start(); err != nil {
		t.Fatal(err)
	}
	pid := func() string {
		resp, _ := mustGet(t, srv.URL+"/cgi-bin/pid.pl")
		if resp.StatusCode != 200 {
			t.Fatalf("status %d", resp.StatusCode)
		}
		return resp.Header.Get("X-Pid")
	}
	first := pid()
	if again := pid(); again != first {
		t.Fatalf("pids %s then %s: want one persistent worker", first, again)
	}
	if iso := g.scriptStatus(g.settings.Load(), "pid.pl").Isolation; iso != "perlrun" {
		t.Errorf("status isolation %q, want perlrun", iso)
	}
	write("registry", 2)
	if !waitFor(1500*time.Millisecond, func() bool { return pid() != first }) {
		t.Fatal("isolation and workers edited: still the old worker after 1.5s")
	}
	if iso := g.scriptStatus(g.settings.Load(), "pid.pl").Isolation; iso != "registry" {
		t.Errorf("status isolation %q, want registry", iso)
	}
	if max, _ := g.settings.Load().workersFor("pid.pl"); max != 2 {
		t.Errorf("workers %d, want 2", max)
	}
	old, _ := strconv.Atoi(first)
	if !waitGone(3*time.Second, old) {
		t.Errorf("worker %d of the old settings still alive", old)
	}
}

// TestReload_MountRemovedRetiresItsPools: the FastCGI pool of a script of a
// mount the config drops is retired with that reason (it was logged as
// "config switched the script to cgi"), and its worker exits.
func TestReload_MountRemovedRetiresItsPools(t *testing.T) {
	t.Parallel()
	legacy := t.TempDir()
	mustWriteFile(t, filepath.Join(legacy, "x.pl"), "#!/usr/bin/perl\nprint \"Content-Type: text/plain\\nX-Pid: $$\\n\\nlegacy\\n\";\n", 0o755)
	conf := mustConfigFile(t, "[[mount]]\nprefix = \"/legacy/\"\ndir = \""+legacy+"\"\nmode = \"fastcgi\"\n")
	log, hook := test.NewNullLogger()
	g, srv := mustGateway(t, Config{Scripts: t.TempDir(), ConfigFile: conf, Logger: log})
	resp, body := mustGet(t, srv.URL+"/legacy/x.pl")
	pid, _ := strconv.Atoi(resp.Header.Get("X-Pid"))
	if resp.StatusCode != http.StatusOK || string(body) != "legacy\n" || pid == 0 {
		t.Fatalf("/legacy/x.pl: %d %q pid %d", resp.StatusCode, body, pid)
	}
	mustWriteFile(t, conf, "mode = \"cgi\"\n", 0o644)
	if err := g.Reload(); err != nil {
		t.Fatal(err)
	}
	found := false
	for _, e := range hook.AllEntries() {
		if e.Message == "retiring FastCGI pool" && e.Data["script"] == "/legacy/x.pl" {
			found = true
			if e.Data["reason"] != "its mount left the config" {
				t.Errorf("retired with reason %q, want its mount left the config", e.Data["reason"])
			}
		}
	}
	if !found {
		t.Errorf("the pool of /legacy/x.pl was not retired")
	}
	if !waitGone(10*time.Second, pid) {
		t.Errorf("worker %d still alive after its mount left the config", pid)
	}
}
