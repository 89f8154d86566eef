package gateway

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

// TestConfig_ExampleFileLoads keeps examples/menshen.toml, which the README
// documents key by key, valid and complete (CONTRACT §7).
func TestConfig_ExampleFileLoads(t *testing.T) {
	path := filepath.Join("..", "examples", "menshen.toml")
	fc, err := loadFile(path)
	if err != nil {
		t.Fatalf("loadFile(%q) = %v", path, err)
	}
	if fc.Mode != "cgi" || fc.Isolation != "auto" || fc.Timeout == nil || fc.Timeout.Duration != 60*time.Second {
		t.Errorf("top-level keys = %q %q %v", fc.Mode, fc.Isolation, fc.Timeout)
	}
	if fc.Env["GITWEB_CONFIG"] != "/etc/gitweb.conf" {
		t.Errorf("env = %v", fc.Env)
	}
	if len(fc.Wrapper) != 0 {
		t.Errorf("wrapper = %+v, want the example's commented out (its command must exist)", fc.Wrapper)
	}
	sc, ok := fc.Script["report.pl"]
	if !ok || sc.Mode != "fastcgi" || sc.Isolation != "auto" || deref(sc.Workers) != 4 || sc.Env["REPORT_DB"] == "" {
		t.Errorf("script = %+v", sc)
	}
	if len(fc.Mount) != 0 {
		t.Errorf("mount = %+v, want the example's commented out (its directory must exist)", fc.Mount)
	}
	// As shipped, it works with the bundled scripts: what the README's
	// "menshen serve --config examples/menshen.toml" runs.
	if _, err := buildSettings(Config{Scripts: filepath.Join("..", "scripts")}.withDefaults(), fc); err != nil {
		t.Errorf("the example over ../scripts: %v", err)
	}
	if _, err := os.Stat(filepath.Join("..", "scripts", "report.pl")); err != nil {
		t.Errorf("the example's [script] names no bundled script: %v", err)
	}
	for _, p := range []*int{fc.Queue, fc.MinWorkers, fc.MaxRequests} {
		if p == nil {
			t.Errorf("a numeric key of the example is not decoded")
		}
	}
	// max_procs and workers default to the machine's CPUs: the example
	// shows them commented out, so that a copy does not cap a bigger
	// machine at this one's numbers.
	if fc.MaxProcs != nil || fc.Workers != nil {
		t.Errorf("the example sets max_procs or workers: a copy would cap another machine at these numbers")
	}

	// Built into settings over real directories, the file's values apply.
	dir := t.TempDir()
	mountDir := filepath.Join(dir, "legacy")
	if err := os.Mkdir(mountDir, 0o755); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	cfgPath := filepath.Join(dir, "menshen.toml")
	// With its [[mount]] uncommented over a real directory, and its
	// [[wrapper]] over a command that exists.
	text := strings.NewReplacer("# [[mount]]", "[[mount]]", "# prefix =", "prefix =", "# dir =", "dir =", "# mode =", "mode =",
		"/srv/legacy-cgi", mountDir, "# [[wrapper]]", "[[wrapper]]", "# ext =", "ext =", "# command =", "command =",
		"/usr/bin/php-cgi", "/bin/sh").Replace(string(data))
	if err := os.WriteFile(cfgPath, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	fc, err = loadFile(cfgPath)
	if err != nil {
		t.Fatal(err)
	}
	s, err := buildSettings(Config{Scripts: dir}.withDefaults(), fc)
	if err != nil {
		t.Fatalf("buildSettings: %v", err)
	}
	// The example leaves workers and max_procs to their defaults (the
	// machine's CPUs, four processes per CPU): not 2 and 8 on every machine.
	if cpus := runtime.NumCPU(); s.workers != cpus || s.maxProcs != 4*cpus || len(s.mounts) != 2 {
		t.Errorf("settings: workers %d, max_procs %d, %d mounts; want %d, %d, 2 (the defaults on %d CPUs)", s.workers, s.maxProcs, len(s.mounts), cpus, 4*cpus, cpus)
	}
	if max, min := s.workersFor("report.pl"); max != 4 || min != 1 {
		t.Errorf("workersFor(report.pl) = %d, %d; want 4, 1", max, min)
	}
	if len(fc.Mount) != 1 || fc.Mount[0].Prefix != "/legacy/" || fc.Mount[0].Mode != "fastcgi" {
		t.Errorf("mount = %+v", fc.Mount)
	}
	if w, ok := s.wrappers[".php"]; !ok || w.command != "/bin/sh" {
		t.Errorf("wrapper = %+v", s.wrappers)
	}
}
