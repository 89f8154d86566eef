package gateway

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

// TestNoWatcher_ChangesSeenPerRequest proves the fallback of C31: with no
// file watcher at all (as when the inotify limit is reached), an added
// script is served, an edited one runs its new code on the next request in
// fastcgi mode (its pool is keyed by the file's identity), and a removed one
// is 404: stale code is never served silently.
func TestNoWatcher_ChangesSeenPerRequest(t *testing.T) {
	dir := t.TempDir()
	_, srv := mustGateway(t, Config{Scripts: dir, Mode: ModeFastCGI, Queue: 8})
	script := filepath.Join(dir, "v.pl")
	write := func(version string) {
		mustWriteFile(t, script+".tmp", "#!/usr/bin/perl\nprint \"Content-Type: text/plain\\n\\nversion "+version+"\\n\";\n", 0o755)
		if err := os.Rename(script+".tmp", script); err != nil {
			t.Fatal(err)
		}
	}
	write("1")
	if _, body := mustGet(t, srv.URL+"/cgi-bin/v.pl"); string(body) != "version 1\n" {
		t.Fatalf("first version: body %q", body)
	}
	time.Sleep(20 * time.Millisecond) // a new mtime tick
	write("2")
	if _, body := mustGet(t, srv.URL+"/cgi-bin/v.pl"); string(body) != "version 2\n" {
		t.Fatalf("after the edit: body %q, want the new code at once", body)
	}
	if err := os.Remove(script); err != nil {
		t.Fatal(err)
	}
	if resp, _ := mustGet(t, srv.URL+"/cgi-bin/v.pl"); resp.StatusCode != 404 {
		t.Fatalf("after removal: status %d, want 404", resp.StatusCode)
	}
}
