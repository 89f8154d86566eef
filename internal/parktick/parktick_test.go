package parktick

import (
	"sync"
	"testing"
	"time"
)

// TestTicker_ParkWake checks the handshake: a parked ticker does not tick,
// Wake under the mutex restarts it (also when it comes between Park's
// release of the mutex and its sleep), a second Wake does nothing and
// never blocks, and done ends a park.
func TestTicker_ParkWake(t *testing.T) {
	var mu sync.Mutex
	tk := New(5 * time.Millisecond)
	defer tk.Stop()
	<-tk.C
	woken := make(chan bool, 1)
	mu.Lock()
	go func() {
		woken <- tk.Park(&mu, nil) // releases mu
	}()
	time.Sleep(30 * time.Millisecond)
	mu.Lock()
	if !tk.Parked() {
		t.Fatal("not parked after Park")
	}
	select {
	case <-tk.C:
		t.Fatal("a parked ticker ticked")
	default:
	}
	tk.Wake()
	tk.Wake() // not parked any more: nothing, no block
	mu.Unlock()
	if !<-woken {
		t.Fatal("Park returned false without done")
	}
	select {
	case <-tk.C:
	case <-time.After(2 * time.Second):
		t.Fatal("no tick after Wake")
	}

	// A Wake before Park sleeps (mu taken right after Park released it).
	mu.Lock()
	go func() { woken <- tk.Park(&mu, nil) }()
	mu.Lock()
	tk.Wake()
	mu.Unlock()
	select {
	case ok := <-woken:
		if !ok {
			t.Fatal("Park returned false without done")
		}
	case <-time.After(2 * time.Second):
		t.Fatal("a Wake right after Park's release was lost")
	}

	done := make(chan struct{})
	mu.Lock()
	go func() { woken <- tk.Park(&mu, done) }()
	close(done)
	select {
	case ok := <-woken:
		if ok {
			t.Fatal("Park returned true after done")
		}
	case <-time.After(2 * time.Second):
		t.Fatal("done did not end the park")
	}
}
