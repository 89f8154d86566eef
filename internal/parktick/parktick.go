// Package parktick is a ticker for a loop that has nothing to do while its
// owner is idle (no request in flight, no connection open, no worker): the
// loop parks it instead of waking every tick, and whoever brings work wakes
// it. Park and Wake are both called with the owner's mutex held, so a
// wake-up cannot be lost between the loop's last look and its sleep, and
// there is one send a park, so Wake never blocks.
package parktick

import (
	"sync"
	"time"
)

// Ticker is a time.Ticker that can be parked. Its fields other than C are
// guarded by the owner's mutex, the one passed to Park.
type Ticker struct {
	C      <-chan time.Time
	t      *time.Ticker
	every  time.Duration
	parked bool
	wake   chan struct{} // one slot: one send a park
}

// New returns a running Ticker that ticks every d.
func New(d time.Duration) *Ticker {
	t := time.NewTicker(d)
	return &Ticker{C: t.C, t: t, every: d, wake: make(chan struct{}, 1)}
}

// Stop stops the ticker for good.
func (t *Ticker) Stop() { t.t.Stop() }

// Park, called with mu held, marks the ticker parked, releases mu, stops
// the ticking and waits for Wake or for done to close. It returns false if
// done closed first (mu released); true once woken, ticking again every d
// from then (mu released too).
func (t *Ticker) Park(mu sync.Locker, done <-chan struct{}) bool {
	t.parked = true
	mu.Unlock()
	t.t.Stop()
	select {
	case <-done:
		return false
	case <-t.wake:
	}
	t.t.Reset(t.every)
	return true
}

// Wake, called with the owner's mutex held, restarts a parked ticker; it
// does nothing to one that runs.
func (t *Ticker) Wake() {
	if t.parked {
		t.parked = false
		t.wake <- struct{}{}
	}
}

// Parked reports, with the owner's mutex held, whether the ticker is
// parked (or about to be: Park has been called and not yet woken).
func (t *Ticker) Parked() bool { return t.parked }
