// outspool.go sets a script's output aside when its client stops reading,
// so that the process or worker that made it is free again.

package gateway

import (
	"net/http"
	"os"
	"sync"
	"sync/atomic"
	"time"
)

const (
	// spoolAfter is how much of an answer goes to the client directly:
	// the rest goes through a spool. A smaller answer fits in the
	// connection's buffers, and costs no goroutine.
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
	// spoolChunk is the most one write to the client takes from the spool.
	spoolChunk = 64 << 10
	// spoolTotal bounds what all answers together hold set aside, in
	// memory and on disk: many clients that stop reading fill neither
	// (past it, a script waits for its client again).
	spoolTotal = 1 << 30
)

// answerSpools counts what the spools of every answer hold: in all
// (spoolTotal) and in memory (spoolMemTotal).
type answerSpools struct{ all, mem atomic.Int64 }

// outSpool holds the rest of an answer whose client stopped reading, and
// writes it to the client in order from a goroutine of its own (drain):
// a client that never reads a large answer (a download, an export) held
// the script's process, or its FastCGI worker, until --timeout, and a few
// such clients held every process slot (C11). nginx and lighttpd buffer
// an answer so; Apache holds the process.
type outSpool struct {
	w     http.ResponseWriter
	rc    *http.ResponseController
	dir   string
	total *answerSpools

	mu    sync.Mutex
	cond  *sync.Cond
	mem   []byte   // the oldest bytes not yet written, when file has none
	file  *os.File // the bytes after mem, from rpos to wpos; nil: none yet
	rpos  int64
	wpos  int64
	ended bool  // the script's output ended: drain ends once it is written
	stop  bool  // the request fails: drain ends now
	err   error // drain's write error
	sent  int64 // bytes written to the client

	done chan struct{} // closed when drain returns
}

// newOutSpool starts draining to w.
func newOutSpool(w http.ResponseWriter, rc *http.ResponseController, dir string, total *answerSpools) *outSpool {
	sp := &outSpool{w: w, rc: rc, dir: dir, total: total, done: make(chan struct{})}
	sp.cond = sync.NewCond(&sp.mu)
	go sp.drain()
	return sp
}

// pending is how many bytes wait to be written. sp.mu is held.
func (sp *outSpool) pending() int64 { return int64(len(sp.mem)) + sp.wpos - sp.rpos }

// put sets p aside, waiting while spoolMax bytes already wait. It returns
// drain's error once the client failed.
func (sp *outSpool) put(p []byte) error {
	sp.mu.Lock()
	defer sp.mu.Unlock()
	for sp.err == nil && sp.pending() >= spoolMax {
		sp.cond.Wait()
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
	if sp.wpos == sp.rpos && len(sp.mem)+len(p) <= spoolMemory {
		if sp.total.mem.Add(n) <= spoolMemTotal {
			sp.mem = append(sp.mem, p...)
			sp.cond.Broadcast()
			return nil
		}
		sp.total.mem.Add(-n)
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
			sp.cond.Broadcast()
			return nil
		}
	}
	sp.total.all.Add(-n)
	return sp.putWhenEmpty(p)
}

// putWhenEmpty holds p in memory once the client has taken what waits,
// as a client that does not read holds the script: no room on disk, no
// file, or the spools' bound. sp.mu is held.
func (sp *outSpool) putWhenEmpty(p []byte) error {
	for sp.err == nil && sp.pending() > 0 {
		sp.cond.Wait()
	}
	if sp.err != nil {
		return sp.err
	}
	sp.total.all.Add(int64(len(p)))
	sp.total.mem.Add(int64(len(p)))
	sp.mem = append(sp.mem, p...)
	sp.cond.Broadcast()
	return nil
}

// drain writes what is set aside to the client, in order, flushing when
// it has written all there is, until the output ended and all of it is
// written, the client fails, or stop.
func (sp *outSpool) drain() {
	defer close(sp.done)
	buf := make([]byte, spoolChunk)
	dirty := false
	sp.mu.Lock()
	for {
		for !sp.stop && sp.pending() == 0 && !sp.ended {
			if dirty {
				// Caught up: what the script wrote so far goes out (C8).
				sp.mu.Unlock()
				err := sp.rc.Flush()
				sp.mu.Lock()
				dirty = false
				if err != nil {
					sp.fail(err)
					sp.mu.Unlock()
					return
				}
				continue
			}
			sp.cond.Wait()
		}
		if sp.stop || sp.pending() == 0 {
			sp.mu.Unlock()
			return
		}
		var chunk []byte
		fromMem := len(sp.mem) > 0
		if fromMem {
			chunk = sp.mem[:min(len(sp.mem), spoolChunk)]
		} else {
			n := int(min(sp.wpos-sp.rpos, spoolChunk))
			m, err := sp.file.ReadAt(buf[:n], sp.rpos)
			if m < n {
				sp.fail(err)
				sp.mu.Unlock()
				return
			}
			chunk = buf[:n]
		}
		sp.mu.Unlock()
		k, err := sp.w.Write(chunk)
		sp.mu.Lock()
		sp.sent += int64(k)
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
		sp.cond.Broadcast()
		if err != nil {
			sp.fail(err)
			sp.mu.Unlock()
			return
		}
		dirty = true
	}
}

// fail records drain's error. sp.mu is held.
func (sp *outSpool) fail(err error) {
	if sp.err == nil {
		sp.err = err
	}
	sp.cond.Broadcast()
}

// end says the script's output ended, waits until the client has all of
// it (or failed) and returns the bytes written and drain's error.
func (sp *outSpool) end() (int64, error) {
	sp.mu.Lock()
	sp.ended = true
	sp.cond.Broadcast()
	sp.mu.Unlock()
	<-sp.done
	sp.close()
	return sp.sent, sp.err
}

// abort stops drain: the request failed. A write the client holds up is
// cut by the write deadline, set to now.
func (sp *outSpool) abort() int64 {
	sp.mu.Lock()
	sp.stop = true
	sp.cond.Broadcast()
	sp.mu.Unlock()
	select {
	case <-sp.done:
	default:
		_ = sp.rc.SetWriteDeadline(time.Unix(1, 0))
		<-sp.done
	}
	sp.close()
	return sp.sent
}

func (sp *outSpool) close() {
	sp.total.all.Add(-sp.pending())
	sp.total.mem.Add(-int64(len(sp.mem)))
	sp.rpos, sp.wpos = 0, 0
	if sp.file != nil {
		sp.file.Close()
		sp.file = nil
	}
	sp.mem = nil
}
