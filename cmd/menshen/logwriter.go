// logwriter.go batches log lines into fewer writes.

package main

import (
	"bufio"
	"io"
	"sync"
	"time"
)

// flushEvery bounds how long a log line may wait in the buffer.
const flushEvery = 50 * time.Millisecond

// batchWriter buffers whole log lines and writes them out at most every
// flushEvery (or when 32 KiB have gathered): one access line per request
// would otherwise cost one write syscall per request. Close flushes and
// stops the flusher. It is safe for concurrent use.
type batchWriter struct {
	mu   sync.Mutex // guards w
	w    *bufio.Writer
	stop chan struct{}
	done chan struct{}
	once sync.Once
}

func newBatchWriter(out io.Writer) *batchWriter {
	b := &batchWriter{w: bufio.NewWriterSize(out, 32<<10), stop: make(chan struct{}), done: make(chan struct{})}
	go b.loop()
	return b
}

func (b *batchWriter) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.w.Write(p)
}

func (b *batchWriter) loop() {
	defer close(b.done)
	t := time.NewTicker(flushEvery)
	defer t.Stop()
	for {
		select {
		case <-t.C:
			b.flush()
		case <-b.stop:
			b.flush()
			return
		}
	}
}

func (b *batchWriter) flush() {
	b.mu.Lock()
	defer b.mu.Unlock()
	_ = b.w.Flush()
}

// Close flushes what is buffered and stops the flusher; later writes are
// still buffered and must be flushed by another Close. Idempotent.
func (b *batchWriter) Close() error {
	b.once.Do(func() { close(b.stop) })
	<-b.done
	b.flush()
	return nil
}
