package gateway

import (
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
		return dl.tick.Parked()
	}
	if !waitFor(5*time.Second, parked) {
		t.Fatalf("the deadline ticker still runs %v after the last request", 5*time.Second)
	}
	mustTimeOutSleeper(t, s) // the woken ticker ends it
	// Idle again, it parks again.
	if !waitFor(5*time.Second, parked) {
		t.Errorf("the deadline ticker did not park again")
	}
}
