package gateway

import (
	"testing"
	"time"
)

// TestLoad_SpareWhileFewRequestsRun: busy polling is for a request or a
// connection while fewer than half the processors' worth of requests
// run, never with one processor; the runner is asked to linger only then,
// and a native FastCGI program never.
func TestLoad_SpareWhileFewRequestsRun(t *testing.T) {
	for _, tc := range []struct {
		procs, active  int32
		worker, client bool
	}{
		{1, 0, false, false},
		{1, 1, false, false},
		{2, 0, true, true},
		{2, 1, true, false},
		{2, 2, false, false},
		{8, 3, true, true},
		{8, 4, true, false},
		{8, 5, false, false},
	} {
		l := newLoad(int(tc.procs))
		l.active.Store(tc.active)
		if got := l.workerSpare(); got != tc.worker {
			t.Errorf("%d processors, %d requests: workerSpare = %v", tc.procs, tc.active, got)
		}
		if got := l.clientSpare(1); got != tc.client {
			t.Errorf("%d processors, %d requests: clientSpare = %v", tc.procs, tc.active, got)
		}
		if got := l.clientSpare(int(tc.procs)/2 + 1); got {
			t.Errorf("%d processors, %d requests, %d connections: clientSpare = %v", tc.procs, tc.active, tc.procs/2+1, got)
		}
	}

	g := &Gateway{load: newLoad(2), cfg: Config{BusyPoll: 300 * time.Microsecond}}
	perl, native := &poolEntry{kind: "perl"}, &poolEntry{kind: "native"}
	g.load.active.Store(1)
	if got := perl.linger(g); got != 300*time.Microsecond {
		t.Errorf("runner asked to linger %v, want the busy polling's 300µs", got)
	}
	if got := native.linger(g); got != 0 {
		t.Errorf("native program asked to linger %v", got)
	}
	g.load.active.Store(2)
	if got := perl.linger(g); got != 0 {
		t.Errorf("runner asked to linger %v with no processor to spare", got)
	}
	g.load.active.Store(1)
	g.cfg.BusyPoll = -1
	if got := perl.linger(g); got != 0 {
		t.Errorf("runner asked to linger %v with busy polling off", got)
	}
}
