package gateway

import (
	"net/http"
	"path/filepath"
	"testing"
	"time"
)

// TestDeadline_ParksWhenIdle checks that the deadline ticker stops once no
// request has come for deadlineIdleTicks (an idle gateway does not wake
// every 50 ms), and that the next request wakes it: a script past its
// timeout still gets its group killed and the client a 504 (C10).
func TestDeadline_ParksWhenIdle(t *testing.T) {
	t.Parallel()
	s := newCGISite(t, func(c *Config) { c.Timeout = time.Second })
	mustGet(t, s.url("quick.sh")) // the ticker starts with the first request
	dl := &s.g.deadlines
	parked := func() bool {
		dl.mu.Lock()
		defer dl.mu.Unlock()
		return dl.parked
	}
	if !waitFor(5*time.Second, parked) {
		t.Fatalf("the deadline ticker still runs %v after the last request", 5*time.Second)
	}
	start := time.Now()
	resp, body := mustGet(t, s.url("sleeper.sh"))
	if resp.StatusCode != http.StatusGatewayTimeout {
		t.Errorf("status %d (body %q), want 504 from the woken ticker", resp.StatusCode, body)
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("504 after %v, want about the 1s timeout", d)
	}
	pids := mustReadPids(t, filepath.Join(s.dir, "pids"), time.Second)
	if !waitGone(time.Second, pids...) {
		t.Errorf("processes %v still alive after the timeout", pids)
	}
	// Idle again, it parks again.
	if !waitFor(5*time.Second, parked) {
		t.Errorf("the deadline ticker did not park again")
	}
}
