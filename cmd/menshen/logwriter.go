// logwriter.go batches log lines into fewer writes, and keeps the log from
// stopping or stalling the gateway.

package main

import (
	"bytes"
	"io"
	"sync"
	"sync/atomic"
	"time"
)

// flushEvery bounds how long a log line may wait in the buffer.
const flushEvery = 50 * time.Millisecond

// batchSize is how much gathered log makes a write before flushEvery.
const batchSize = 32 << 10

// maxPending bounds the log waiting for a write that does not come back (a
// log reader that stopped reading): past it, lines are dropped, and
// counted, instead of making requests wait for the log.
const maxPending = 4 << 20

// batchWriter buffers whole log lines and writes them out at most every
// flushEvery (or when batchSize have gathered): one access line per request
// would otherwise cost one write syscall per request. The flusher sleeps
// while nothing is pending: the first line into an empty buffer wakes it,
// and is written flushEvery later with the lines that came meanwhile (an
// idle gateway does not wake every flushEvery). A Write never waits
// for the output: the writes happen on the flusher's goroutine, outside the
// lock. A failed write (a full disk, a log pipe whose reader went away)
// loses its lines, not the log: the next flush writes again. Lost and
// dropped lines are counted and reported (dropped) once the output takes
// writes again. Close flushes and stops the flusher. It is safe for
// concurrent use.
type batchWriter struct {
	out io.Writer
	// dropped, when set, is told how many lines were lost since its last
	// call, after a write that succeeded; it may log (through b).
	dropped func(n int)

	mu      sync.Mutex // guards pending, lost and reporting
	pending []byte
	lost    int // lines dropped (pending full) or lost (a failed write)
	// reporting: dropped is telling of lost lines, and its line must get
	// through (pending may be full again by then): dropped with the lines
	// it counts, it left a count of 1 for the next report.
	reporting bool

	midLine bool // a failed write left the output in the middle of a line

	wmu   sync.Mutex    // one write to out at a time
	spare []byte        // the buffer of the last write, reused
	wake  chan struct{} // a line came into an empty buffer
	kick  chan struct{} // batchSize have gathered
	stop  chan struct{}
	// rounds counts the flusher's flushes, empty or not (tests: it
	// sleeps while nothing is pending).
	rounds atomic.Int64
	done   chan struct{}
	once   sync.Once
}

func newBatchWriter(out io.Writer, dropped func(n int)) *batchWriter {
	b := &batchWriter{out: out, dropped: dropped, wake: make(chan struct{}, 1), kick: make(chan struct{}, 1), stop: make(chan struct{}), done: make(chan struct{})}
	go b.loop()
	return b
}

func (b *batchWriter) Write(p []byte) (int, error) {
	b.mu.Lock()
	if len(b.pending)+len(p) > maxPending && !b.reporting {
		b.lost += max(1, bytes.Count(p, []byte{'\n'}))
		b.mu.Unlock()
		return len(p), nil
	}
	first := len(b.pending) == 0
	b.pending = append(b.pending, p...)
	full := len(b.pending) >= batchSize
	b.mu.Unlock()
	// (One slot each: a signal already pending says the same. While the
	// buffer holds lines, a wake is pending or the flusher has taken one
	// and has not yet taken the lines: none waits unseen.)
	switch {
	case full:
		select {
		case b.kick <- struct{}{}:
		default:
		}
	case first:
		select {
		case b.wake <- struct{}{}:
		default:
		}
	}
	return len(p), nil
}

func (b *batchWriter) loop() {
	defer close(b.done)
	t := time.NewTimer(flushEvery)
	t.Stop()
	defer t.Stop()
	for {
		select {
		case <-b.wake:
			t.Reset(flushEvery)
			select {
			case <-t.C:
			case <-b.kick:
				t.Stop()
			case <-b.stop:
				b.flush()
				return
			}
		case <-b.kick:
		case <-b.stop:
			b.flush()
			return
		}
		b.rounds.Add(1)
		b.flush()
	}
}

// flush writes what is pending. A write that fails loses those lines (they
// are counted); the next flush writes again.
func (b *batchWriter) flush() {
	b.wmu.Lock()
	defer b.wmu.Unlock()
	b.mu.Lock()
	data := b.pending
	b.pending = b.spare[:0]
	b.mu.Unlock()
	if len(data) == 0 {
		b.spare = data
		return
	}
	var n int
	var err error
	if b.midLine {
		// The line a failed write cut ends here, so that the next ones
		// start their own (a JSON log stays one object per line).
		_, err = b.out.Write([]byte{'\n'})
		b.midLine = err != nil
	}
	if err == nil {
		n, err = b.out.Write(data)
		b.midLine = err != nil && n > 0 && data[n-1] != '\n'
	}
	b.mu.Lock()
	if err != nil {
		b.lost += bytes.Count(data[n:], []byte{'\n'})
	}
	lost := b.lost
	if err == nil {
		b.lost = 0
	}
	b.mu.Unlock()
	if cap(data) <= 2*batchSize {
		b.spare = data[:0]
	} else {
		b.spare = nil // (a burst's buffer is not kept)
	}
	if err == nil && lost > 0 && b.dropped != nil {
		b.mu.Lock()
		b.reporting = true
		b.mu.Unlock()
		b.dropped(lost)
		b.mu.Lock()
		b.reporting = false
		b.mu.Unlock()
	}
}

// closeWait bounds how long Close waits for an output that takes no write:
// a stalled log reader must not keep the gateway from exiting.
const closeWait = 2 * time.Second

// Close flushes what is buffered and stops the flusher, giving up after
// closeWait (what is pending is then lost); later writes are still
// buffered and must be flushed by another Close. Idempotent.
func (b *batchWriter) Close() error {
	b.once.Do(func() { close(b.stop) })
	flushed := make(chan struct{})
	go func() {
		<-b.done
		b.flush()
		close(flushed)
	}()
	t := time.NewTimer(closeWait)
	defer t.Stop()
	select {
	case <-flushed:
	case <-t.C:
	}
	return nil
}
