// logwriter_test.go checks that the log never stops nor stalls the gateway.

package main

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// flakyOut fails its first fails writes with err (each keeping its first
// partial bytes), then keeps what it gets; while gate is not nil, a write
// waits for it to close.
type flakyOut struct {
	mu      sync.Mutex
	fails   int
	partial int
	err     error
	gate    chan struct{}
	entered chan struct{} // if not nil, told (without blocking) when a Write begins
	got     bytes.Buffer
}

func (o *flakyOut) Write(p []byte) (int, error) {
	o.mu.Lock()
	gate := o.gate
	o.mu.Unlock()
	if o.entered != nil {
		select {
		case o.entered <- struct{}{}:
		default:
		}
	}
	if gate != nil {
		<-gate
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.fails > 0 {
		o.fails--
		n := min(o.partial, len(p))
		o.got.Write(p[:n])
		return n, o.err
	}
	return o.got.Write(p)
}

func (o *flakyOut) String() string {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.got.String()
}

// TestBatchWriter_FailedWriteLosesOnlyItsLines: a write that fails (a full
// disk for a moment) loses its lines; the log goes on, and the loss is
// reported once writes succeed again. A write cut in the middle of a line
// leaves that piece on a line of its own: the next lines start their own
// (a JSON log stays one object per line).
func TestBatchWriter_FailedWriteLosesOnlyItsLines(t *testing.T) {
	for _, tc := range []struct {
		name    string
		partial int // bytes the failed write keeps
		want    string
		lost    int64
	}{
		{"nothing written", 0, "three\n", 2},
		{"cut in a line", 5, "one\nt\nthree\n", 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out := &flakyOut{fails: 1, partial: tc.partial, err: syscall.ENOSPC}
			var lost atomic.Int64
			b := newBatchWriter(out, func(n int) { lost.Add(int64(n)) })
			b.Write([]byte("one\ntwo\n"))
			waitUntil(t, "the failed write", func() bool { out.mu.Lock(); defer out.mu.Unlock(); return out.fails == 0 })
			b.Write([]byte("three\n"))
			b.Close()
			if got := out.String(); got != tc.want {
				t.Errorf("written %q, want %q", got, tc.want)
			}
			if n := lost.Load(); n != tc.lost {
				t.Errorf("%d lines reported lost, want %d", n, tc.lost)
			}
		})
	}
}

// TestBatchWriter_StalledOutputDoesNotStallWriters: while the output takes
// no write (a log reader that stopped reading), Write returns at once;
// past maxPending lines are dropped and counted, and what was kept is
// written once the output moves again.
func TestBatchWriter_StalledOutputDoesNotStallWriters(t *testing.T) {
	gate := make(chan struct{})
	out := &flakyOut{gate: gate}
	var lost atomic.Int64
	b := newBatchWriter(out, func(n int) { lost.Add(int64(n)) })
	line := []byte(strings.Repeat("x", 99) + "\n")
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := 0; i < 2*maxPending/len(line); i++ {
			b.Write(line)
		}
	}()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("Write waited for a stalled output")
	}
	out.mu.Lock()
	out.gate = nil
	out.mu.Unlock()
	close(gate)
	b.Close()
	written := strings.Count(out.String(), "\n")
	if written == 0 || lost.Load() == 0 || written+int(lost.Load()) != 2*maxPending/len(line) {
		t.Errorf("%d lines written and %d reported lost, want both and %d in all", written, lost.Load(), 2*maxPending/len(line))
	}
}

// TestBatchWriter_CloseGivesUpOnAStalledOutput: a log reader that stopped
// reading does not keep the gateway from exiting: Close returns after
// closeWait.
func TestBatchWriter_CloseGivesUpOnAStalledOutput(t *testing.T) {
	gate := make(chan struct{})
	defer close(gate)
	b := newBatchWriter(&flakyOut{gate: gate}, nil)
	b.Write([]byte("line\n"))
	closed := make(chan struct{})
	go func() {
		b.Close()
		close(closed)
	}()
	select {
	case <-closed:
	case <-time.After(closeWait + 5*time.Second):
		t.Fatal("Close waited for a stalled output")
	}
}

func waitUntil(t *testing.T, what string, ok func() bool) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); !ok(); time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
	}
}

// TestBatchWriter_LostLinesReportGetsThrough: the line that tells how many
// lines were lost gets through even when the log has filled up again by
// the time it is written (other requests' lines): dropped with the lines
// it counts, it left a count of 1 for the next report, and tens of
// thousands lost read as "1".
func TestBatchWriter_LostLinesReportGetsThrough(t *testing.T) {
	gate := make(chan struct{})
	out := &flakyOut{gate: gate, entered: make(chan struct{}, 1)}
	line := []byte(strings.Repeat("x", 99) + "\n")
	var b *batchWriter
	b = newBatchWriter(out, func(n int) {
		// Others fill the log again meanwhile.
		for i := 0; i < maxPending/len(line)+1; i++ {
			b.Write(line)
		}
		fmt.Fprintf(b, "lost=%d\n", n)
	})
	// The first line is taken (its write is held at the gate) before the
	// others come: what is lost is then what does not fit the pending
	// bytes, about half, not less as the writer happens to take a batch.
	total := 2 * maxPending / len(line)
	b.Write(line)
	select {
	case <-out.entered:
	case <-time.After(5 * time.Second):
		t.Fatal("the first line was never written")
	}
	for i := 1; i < total; i++ {
		b.Write(line)
	}
	out.mu.Lock()
	out.gate = nil
	out.mu.Unlock()
	close(gate)
	b.Close()
	_, rest, ok := strings.Cut(out.String(), "lost=")
	lost, _ := strconv.Atoi(strings.TrimSpace(strings.SplitN(rest, "\n", 2)[0]))
	if !ok || lost < total/3 {
		t.Errorf("first report of lost lines: %q (found %v), want about %d", "lost="+strings.SplitN(rest, "\n", 2)[0], ok, total/2)
	}
}

// TestBatchWriter_SleepsWhileIdle: with nothing pending the flusher does
// not wake (an idle gateway used to flush an empty buffer every
// flushEvery), and lines written after a while idle are still written.
func TestBatchWriter_SleepsWhileIdle(t *testing.T) {
	out := &flakyOut{}
	b := newBatchWriter(out, nil)
	defer b.Close()
	written := func(want string) bool {
		deadline := time.Now().Add(2 * time.Second)
		for !strings.Contains(out.String(), want) {
			if time.Now().After(deadline) {
				return false
			}
			time.Sleep(5 * time.Millisecond)
		}
		return true
	}
	fmt.Fprintln(b, "first")
	if !written("first\n") {
		t.Fatalf("first line not written; got %q", out.String())
	}
	before := b.rounds.Load()
	time.Sleep(10 * flushEvery)
	if n := b.rounds.Load() - before; n != 0 {
		t.Errorf("the flusher woke %d times in %v with nothing pending, want 0", n, 10*flushEvery)
	}
	fmt.Fprintln(b, "second")
	fmt.Fprintln(b, "third")
	if !written("first\nsecond\nthird\n") {
		t.Fatalf("lines after the idle time not written; got %q", out.String())
	}
}
