//go:build stress

// Stress runs of the pools, outside the default suite and .ci/run:
//
//	go test -tags stress -race -run Stress -v ./fastcgi/

package fastcgi

import (
	"context"
	"errors"
	"math/rand/v2"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// TestStress_SharedWorkers drives php-cgi workers that take three requests
// each (PHP_FCGI_CHILDREN=3) with many clients, a third of which give up
// midway: every other request must succeed, the shared workers must survive
// the abandoned ones, and at the end nothing is busy and nothing leaks
// (mustPool's cleanup checks processes and sockets).
func TestStress_SharedWorkers(t *testing.T) {
	p, do := mustPHPSlowPool(t, 3, 2, 1000)

	var ok, gaveUp, failed atomic.Int64
	var wg sync.WaitGroup
	for i := range 400 {
		wg.Go(func() {
			ms := rand.IntN(30)
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			quit := i%3 == 0
			if quit {
				ctx, cancel = context.WithTimeout(ctx, time.Duration(rand.IntN(20))*time.Millisecond)
				defer cancel()
			}
			out, err := do(ctx, ms)
			if err == nil && !strings.HasPrefix(out, "pid=") {
				t.Errorf("answer %q", out)
			}
			switch {
			case err == nil:
				ok.Add(1)
			case quit && errors.Is(err, context.DeadlineExceeded):
				gaveUp.Add(1)
			default:
				failed.Add(1)
				t.Errorf("request %d: %v", i, err)
			}
		})
	}
	wg.Wait()
	t.Logf("ok %d, gave up %d, failed %d, stats %+v", ok.Load(), gaveUp.Load(), failed.Load(), p.Stats())
	s := p.Stats()
	for _, w := range s.Workers {
		if w.Active != 0 || w.Capacity != 3 {
			t.Errorf("worker %+v after the run, want idle with capacity 3", w)
		}
	}
	if len(s.Workers) > 2 {
		t.Errorf("%d workers, want at most 2", len(s.Workers))
	}
}
