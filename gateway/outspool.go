// outspool.go sets a script's output aside when its client stops reading,
// so that the process or worker that made it is free again.

package gateway

import (
	"fmt"
	"io"
	"net/http"
	"os"
	"sync"
	"sync/atomic"
	"time"
)

const (
	// spoolAfter is how much of an answer goes out before its writes are
	// watched: a smaller one fits in the connection's buffers.
	spoolAfter = 64 << 10
	// spoolMemory is how much of a set-aside answer is held in memory,
	// and spoolMemTotal how much all of them hold: the rest goes to a
	// file in the private temp directory.
	spoolMemory   = 256 << 10
	spoolMemTotal = 64 << 20
	// spoolMax is the most of one answer that is set aside (nginx's
	// fastcgi_max_temp_file_size is 1 GiB); past it the script waits for
	// its client again, as it did before.
	spoolMax = 256 << 20
	// spoolStall is how long a write to the client may wait before the
	// script's output is read on into a spool, and how long a client may
	// take nothing of a full memory spool before the rest goes to the file.
	spoolStall = 50 * time.Millisecond
	// spoolChunk is the most one write to the client takes from the spool.
	spoolChunk = 256 << 10
	// spoolTotal bounds what all answers together hold set aside, in
	// memory and on disk: many clients that stop reading fill neither
	// (past it, a script waits for its client again).
	spoolTotal = 1 << 30
)

// answerSpools counts what the spools of every answer hold: in all
// (spoolTotal) and in memory (spoolMemTotal).
type answerSpools struct{ all, mem atomic.Int64 }

// outSpool holds the rest of an answer whose client is slow, read from the
// script's output by a goroutine of its own (fill) while the request's
// goroutine writes it to the client (drain): a client that never reads a
// large answer (a download, an export) held the script's process, or its
// FastCGI worker, until --timeout, and a few such clients held every
// process slot (C11). stream starts one when a write to the client has
// waited spoolStall; a client that keeps up costs nothing. At the end of
// the output fill frees the process or worker (ex's finish). nginx and
// lighttpd buffer an answer so; Apache holds the process.
type outSpool struct {
	w     http.ResponseWriter
	rc    *http.ResponseController
	dir   string
	total *answerSpools
	ex    execution // what makes the output, freed at its end

	mu    sync.Mutex
	cond  *sync.Cond
	mem   []byte   // the oldest bytes not yet written, when file has none
	file  *os.File // the bytes after mem, from rpos to wpos; nil: none yet
	rpos  int64
	wpos  int64
	ended bool  // the script's output ended (at EOF, or rerr)
	rerr  error // fill's read error
	err   error // drain's write error: fill stops
	// progress is when drain last wrote to the client, or when the spool
	// was made (at the first watched write: a client stalled since then
	// has its rest go to the file once the memory is full).
	progress time.Time
	waiters  int // goroutines in wait: a change wakes them, or no one

	started chan struct{} // closed when fill runs
	filled  chan struct{} // closed when fill returns
}

func newOutSpool(w http.ResponseWriter, rc *http.ResponseController, dir string, total *answerSpools, ex execution) *outSpool {
	sp := &outSpool{w: w, rc: rc, dir: dir, total: total, ex: ex, progress: time.Now(),
		started: make(chan struct{}), filled: make(chan struct{})}
	sp.cond = sync.NewCond(&sp.mu)
	return sp
}

// watch returns a timer that starts the spool (reading r on) when a write
// to the client has waited spoolStall: the caller stops it when the write
// is done, and the spool has started when it was too late. (A method of
// the spool: a closure in stream made its variables escape, two
// allocations for every answer.)
func (sp *outSpool) watch(r io.Reader) *time.Timer {
	return time.AfterFunc(spoolStall, func() { sp.start(r) })
}

// takeOver is stream's way on once the spool started: the write (or
// flush) that waited ended with err; the rest goes from the spool.
func (sp *outSpool) takeOver(err error) (n int64, werr, rerr error) {
	<-sp.started
	if err != nil {
		sp.mu.Lock()
		sp.fail(err)
		sp.mu.Unlock()
		return 0, err, nil
	}
	return sp.drain()
}

// start reads r on into the spool, from a goroutine of its own.
func (sp *outSpool) start(r io.Reader) {
	go sp.fill(r)
	close(sp.started)
}

// fill reads r into the spool until its end, an error, or drain's
// failure. At the end it frees the process or worker: what the client
// has not taken is set aside. A script that closed its output and goes
// on working (the "send the page, then clean up" idiom) is waited for
// here, within its timeout, not after its slow client: serve completes
// the answer as without a spool, and its own finish waits for this one.
func (sp *outSpool) fill(r io.Reader) {
	bp := bufPool.Get().(*[]byte)
	buf := *bp
	for {
		m, err := r.Read(buf)
		if m > 0 {
			if sp.put(buf[:m]) != nil {
				break
			}
		}
		if err != nil {
			sp.mu.Lock()
			sp.ended = true
			if err != io.EOF {
				sp.rerr = err
			}
			sp.wake()
			sp.mu.Unlock()
			if err == io.EOF {
				_ = sp.ex.finish(false)
			}
			break
		}
	}
	bufPool.Put(bp)
	close(sp.filled)
}

// pending is how many bytes wait to be written. sp.mu is held.
func (sp *outSpool) pending() int64 { return int64(len(sp.mem)) + sp.wpos - sp.rpos }

// put sets p aside, waiting while spoolMax bytes already wait. It returns
// drain's error once the client failed.
func (sp *outSpool) put(p []byte) error {
	sp.mu.Lock()
	defer sp.mu.Unlock()
	for sp.err == nil && sp.pending() >= spoolMax {
		sp.wait()
	}
	if sp.err != nil {
		return sp.err
	}
	n := int64(len(p))
	if sp.total.all.Add(n) > spoolTotal {
		// Every answer's spools are full: this one waits for its client.
		sp.total.all.Add(-n)
		return sp.putWhenEmpty(p)
	}
	for sp.wpos == sp.rpos {
		if len(sp.mem)+len(p) <= spoolMemory {
			if sp.total.mem.Add(n) <= spoolMemTotal {
				sp.mem = append(sp.mem, p...)
				sp.wake()
				return nil
			}
			sp.total.mem.Add(-n)
			break
		}
		// Memory is full. A client that takes what is written is
		// waited for, as without a spool (a file would only cost a copy
		// more); one that took nothing for spoolStall has the rest set
		// aside in the file.
		stalled := time.Since(sp.progress)
		if stalled >= spoolStall {
			break
		}
		sp.waitAtMost(spoolStall - stalled)
		if sp.err != nil {
			sp.total.all.Add(-n)
			return sp.err
		}
	}
	if sp.file == nil {
		f, err := os.CreateTemp(sp.dir, "answer-*")
		if err == nil {
			os.Remove(f.Name()) // held open: gone with the descriptor
			sp.file = f
		}
	}
	if sp.file != nil {
		if _, err := sp.file.WriteAt(p, sp.wpos); err == nil {
			sp.wpos += int64(len(p))
			sp.wake()
			return nil
		}
	}
	sp.total.all.Add(-n)
	return sp.putWhenEmpty(p)
}

// wait waits for a change of the spool (a put, a write, the end). sp.mu
// is held.
func (sp *outSpool) wait() {
	sp.waiters++
	sp.cond.Wait()
	sp.waiters--
}

// wake tells the goroutines that wait of a change. sp.mu is held. (A
// broadcast nobody waits for would cost every put and write a call.)
func (sp *outSpool) wake() {
	if sp.waiters > 0 {
		sp.cond.Broadcast()
	}
}

// waitAtMost waits for drain's next step, or d. sp.mu is held.
func (sp *outSpool) waitAtMost(d time.Duration) {
	t := time.AfterFunc(d, func() {
		sp.mu.Lock()
		sp.cond.Broadcast()
		sp.mu.Unlock()
	})
	sp.wait()
	t.Stop()
}

// putWhenEmpty holds p in memory once the client has taken what waits,
// as a client that does not read holds the script: no room on disk, no
// file, or the spools' bound. sp.mu is held.
func (sp *outSpool) putWhenEmpty(p []byte) error {
	for sp.err == nil && sp.pending() > 0 {
		sp.wait()
	}
	if sp.err != nil {
		return sp.err
	}
	sp.total.all.Add(int64(len(p)))
	sp.total.mem.Add(int64(len(p)))
	sp.mem = append(sp.mem, p...)
	sp.wake()
	return nil
}

// drain writes what is set aside to the client, in order, flushing when
// it has written all there is, until the output ended and all of it is
// written (rerr: fill's read error), or the client fails (werr: fill is
// told). It returns the bytes written. fill may still run when drain
// returns: the caller waits for it (finish) after stopping the script.
func (sp *outSpool) drain() (n int64, werr, rerr error) {
	var buf []byte // for the file's part, made when there is one
	dirty := false
	sp.mu.Lock()
	defer sp.mu.Unlock()
	for {
		for sp.pending() == 0 && !sp.ended {
			if dirty {
				// Caught up: what the script wrote so far goes out (C8).
				sp.mu.Unlock()
				err := sp.rc.Flush()
				sp.mu.Lock()
				dirty = false
				if err != nil {
					sp.fail(err)
					return n, err, nil
				}
				continue
			}
			sp.wait()
		}
		if sp.pending() == 0 {
			return n, nil, sp.rerr
		}
		var chunk []byte
		fromMem := len(sp.mem) > 0
		if fromMem {
			chunk = sp.mem[:min(len(sp.mem), spoolChunk)]
		} else {
			if buf == nil {
				buf = make([]byte, spoolChunk)
			}
			k := int(min(sp.wpos-sp.rpos, spoolChunk))
			m, err := sp.file.ReadAt(buf[:k], sp.rpos)
			if m < k {
				sp.fail(err)
				return n, fmt.Errorf("read the spooled answer: %w", err), nil
			}
			chunk = buf[:k]
		}
		sp.mu.Unlock()
		k, err := sp.w.Write(chunk)
		sp.mu.Lock()
		n += int64(k)
		sp.progress = time.Now()
		sp.total.all.Add(-int64(k))
		if fromMem {
			sp.mem = sp.mem[k:]
			sp.total.mem.Add(-int64(k))
		} else {
			sp.rpos += int64(k)
			if sp.rpos == sp.wpos {
				// All of it written: the file is emptied, its space
				// used again (the bound counts what waits, not what
				// the file once held).
				sp.rpos, sp.wpos = 0, 0
				_ = sp.file.Truncate(0)
			}
		}
		sp.wake()
		if err != nil {
			sp.fail(err)
			return n, err, nil
		}
		dirty = true
	}
}

// fail records drain's error: fill stops. sp.mu is held.
func (sp *outSpool) fail(err error) {
	if sp.err == nil {
		sp.err = err
	}
	sp.wake()
}

// finish waits for fill (the script's output has ended, or the script was
// stopped) and gives back what the spool held.
func (sp *outSpool) finish() {
	<-sp.filled
	sp.total.all.Add(-sp.pending())
	sp.total.mem.Add(-int64(len(sp.mem)))
	sp.rpos, sp.wpos = 0, 0
	if sp.file != nil {
		sp.file.Close()
		sp.file = nil
	}
	sp.mem = nil
}
