package gateway

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"testing"
)

// TestMode_UnknownScriptIs404 guards C30 against typos: switching a script
// that does not exist answers 404 and switches nothing, while an existing
// script (in a subdirectory) is switched.
func TestMode_UnknownScriptIs404(t *testing.T) {
	dir := t.TempDir()
	mustWriteFile(t, filepath.Join(dir, "sub", "report.pl"), "#!/usr/bin/perl\nprint \"Content-Type: text/plain\\n\\nok\\n\";\n", 0o755)
	g, _ := mustGateway(t, Config{Scripts: dir})
	admin := httptest.NewServer(g.AdminHandler())
	defer admin.Close()
	post := func(script string) int {
		resp, err := http.PostForm(admin.URL+"/mode", url.Values{"mode": {"fastcgi"}, "script": {script}})
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	for _, bad := range []string{"sub/reprot.pl", "sub", "../etc/passwd", "sub/report.pl/extra"} {
		if code := post(bad); code != http.StatusNotFound {
			t.Errorf("POST /mode script=%q: %d, want 404", bad, code)
		}
	}
	if t2 := g.modes.Load(); len(t2.scripts) != 0 {
		t.Errorf("unknown scripts were switched: %v", t2.scripts)
	}
	if code := post("sub/report.pl"); code != http.StatusOK {
		t.Fatalf("POST /mode script=sub/report.pl: %d, want 200", code)
	}
	if m := g.modes.Load().scripts["sub/report.pl"]; m != ModeFastCGI {
		t.Errorf("sub/report.pl mode %q, want fastcgi", m)
	}
}

// TestMode_RawNameFirst: a name given as it is on disk wins over its
// reading as an escaped /status name: x\x41.sh (a backslash in the file
// name) switches that script, not xA.sh.
func TestMode_RawNameFirst(t *testing.T) {
	dir := t.TempDir()
	for _, name := range []string{`x\x41.sh`, "xA.sh"} {
		mustWriteFile(t, filepath.Join(dir, name), "#!/bin/sh\nprintf 'Content-Type: text/plain\\n\\nhi\\n'\n", 0o755)
	}
	g, _ := mustGateway(t, Config{Scripts: dir})
	admin := httptest.NewServer(g.AdminHandler())
	defer admin.Close()
	resp, err := http.PostForm(admin.URL+"/mode", url.Values{"mode": {"fastcgi"}, "script": {`x\x41.sh`}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if m := g.modes.Load().scripts; resp.StatusCode != http.StatusOK || m[`x\x41.sh`] != ModeFastCGI || m["xA.sh"] != "" {
		t.Errorf("POST /mode script=x\\x41.sh: %d, modes %v; want x\\x41.sh switched alone", resp.StatusCode, m)
	}
}
