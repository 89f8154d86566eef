// detached.go keeps reading the stderr of a script's detached children
// after the script was reaped.

package cgi

import (
	"os"
	"sync"
	"time"

	"github.com/menshen/menshen/internal/rawio"
)

// Detached takes over the stderr pipes that, once a script is reaped, a
// process that left its session still holds: the "fork, setsid, carry on"
// background job that kept STDERR. Under Apache (mod_cgid) such a job
// writes into the error log, which stays open; a pipe whose read end was
// closed killed it with SIGPIPE at its first warn, and its line was lost.
// Each pipe is read (and its lines given to the Cmd's Stderr) until every
// writer has closed it, by a goroutine that holds the read end: one
// descriptor and two goroutines per pipe, for as long as such a process
// keeps it, so the processes themselves bound them. Close ends them all.
// The zero value is ready to use; a Detached is safe for concurrent use.
type Detached struct {
	mu     sync.Mutex
	closed bool
	next   int
	stops  map[int]func() // ends the reader of each pipe held
	wg     sync.WaitGroup
}

// take registers a pipe, unless Close has been called (it reports false
// then, and start is not called): start returns what ends the pipe's
// reader and what that reader closes when it has ended. start runs under
// d's lock, so that Close cannot miss the reader it starts.
func (d *Detached) take(start func() (stop func(), done <-chan struct{})) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.closed {
		return false
	}
	if d.stops == nil {
		d.stops = map[int]func(){}
	}
	stop, done := start()
	d.next++
	id := d.next
	d.stops[id] = stop
	d.wg.Add(1)
	go func() {
		<-done
		d.mu.Lock()
		delete(d.stops, id)
		d.mu.Unlock()
		d.wg.Done()
	}()
	return true
}

// Close stops reading every pipe held, closing their read ends (a writer
// left then gets EPIPE, as before the takeover), waits for their readers,
// and makes later takeovers fail: the caller closes such a pipe itself.
func (d *Detached) Close() {
	d.mu.Lock()
	d.closed = true
	for _, stop := range d.stops {
		stop()
	}
	d.mu.Unlock()
	d.wg.Wait()
}

// detach hands the stderr pipe, whose end has not come, to p's Detached:
// the watcher's reader goes on, or (when Close read what the pipe held, a
// script that ended before the watcher started) a reader is started
// through the poller. It reports false, and leaves the pipe to the
// caller, when there is no Detached or it is closed.
func (p *Process) detach() bool {
	if p.detached == nil {
		return false
	}
	return p.detached.take(func() (func(), <-chan struct{}) {
		if p.stderr != nil {
			return p.stopStderr, p.stderrD
		}
		// The read end is non-blocking: NewFile registers it with the
		// poller.
		p.stderr = os.NewFile(uintptr(p.errFD), "stderr")
		done := make(chan struct{})
		go p.readStderr(rawio.NewFile(p.stderr), p.stderrFn, done)
		return p.stopStderr, done
	})
}

// stopStderr ends the stderr reader: its pending and later reads fail.
func (p *Process) stopStderr() { _ = p.stderr.SetReadDeadline(time.Now()) }
