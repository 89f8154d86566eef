// body.go reads the request body before any process starts (C5).

package gateway

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"net/http"
	"os"
	"sync/atomic"
)

// memBody is the largest body kept in memory; larger ones go to a temp file.
const memBody = 1 << 20

// Bodies being read or held, all requests together, are bounded: a crowd
// of clients each sending a body slowly must not fill the gateway's memory
// or its temp directory (whose files are unlinked at once: du does not see
// them). Past memBudget in memory, bodies go to temp files; past
// spoolBudget in all, a request is refused with 503 as its body comes
// (Apache streams a body into the script instead, and its worker
// limit bounds how many are read at once).
const memBudget = 64 << 20

// spoolBudget is the bound on all bodies at once for the largest body
// allowed: 1 GiB, or 16 of the largest bodies if that is more.
// (Saturated: a --max-body near the largest size would wrap to a negative
// bound, and refuse every body.)
func spoolBudget(max int64) int64 {
	if max > math.MaxInt64/16 {
		return math.MaxInt64
	}
	return max64(1<<30, 16*max)
}

// spool counts the bytes of a gateway's bodies being read or held: in
// memory, and in all.
type spool struct{ mem, all atomic.Int64 }

// take adds n to c unless that passes limit.
func take(c *atomic.Int64, n, limit int64) bool {
	if c.Add(n) > limit {
		c.Add(-n)
		return false
	}
	return true
}

// body is a request body read in full: a slow client never holds a process
// or worker, and a chunked body gets the CONTENT_LENGTH a script needs.
type body struct {
	r    io.Reader // nil for no body
	n    int64     // -1 for no body
	file *os.File
	// What it holds of its spool's mem and all.
	sp       *spool
	mem, all int64
}

// noBody is every request's without a body (most are GETs): one shared,
// never written (close has nothing to give back), not one made per
// request.
var noBody = &body{n: -1}

func (b *body) close() {
	if b.file != nil {
		b.file.Close()
	}
	if b.sp != nil {
		b.sp.mem.Add(-b.mem)
		b.sp.all.Add(-b.all)
		b.mem, b.all = 0, 0 // (only a spooled body holds any: noBody is never written)
	}
}

// reader returns a fresh reader over the body (for a second use after a
// retry), or nil.
func (b *body) reader() io.Reader {
	switch {
	case b.file != nil:
		_, _ = b.file.Seek(0, io.SeekStart)
		return b.file
	case b.r != nil:
		if sk, ok := b.r.(io.Seeker); ok {
			_, _ = sk.Seek(0, io.SeekStart)
		}
		return b.r
	}
	return nil
}

// counted reads a request body and takes what it reads of its spool's all.
type counted struct {
	r      io.Reader
	b      *body
	budget int64
}

func (p *counted) Read(q []byte) (int, error) {
	n, err := p.r.Read(q)
	if n > 0 {
		if !take(&p.b.sp.all, int64(n), p.budget) {
			return n, ErrSpoolFull
		}
		p.b.all += int64(n)
	}
	return n, err
}

// readBody spools r's body, refusing more than max bytes with
// ErrBodyTooLarge before reading it when Content-Length says so. (How long
// a slow body may take is the HTTP server's: internal/http1's BodyWait.)
func readBody(r *http.Request, max int64, tmpDir string, sp *spool) (_ *body, err error) {
	if r.ContentLength > max {
		return nil, fmt.Errorf("%w: Content-Length %d over %d", ErrBodyTooLarge, r.ContentLength, max)
	}
	if r.Body == nil || r.Body == http.NoBody || r.ContentLength == 0 {
		if r.ContentLength == 0 && r.Method != http.MethodGet && r.Method != http.MethodHead && r.Header.Get("Content-Length") != "" {
			return &body{r: bytes.NewReader(nil), n: 0}, nil
		}
		return noBody, nil
	}
	b := &body{sp: sp}
	defer func() {
		if err != nil {
			b.close()
		}
	}()
	// The bytes are counted as they come, not as Content-Length declares
	// them: a few clients declaring the largest body and sending it at a
	// trickle held the whole bound, and every other body got a 503 for
	// minutes, while they had sent a few kB.
	budget := spoolBudget(max)
	p := &counted{r: r.Body, b: b, budget: budget}
	// (One byte past max tells a body over it; max+1 saturated, as
	// --max-body may be the largest size, where it would wrap to a
	// negative length.)
	over := max
	if over < math.MaxInt64 {
		over++
	}
	lr := &io.LimitedReader{R: p, N: over}
	spoolErr := func(err error) error {
		if errors.Is(err, ErrSpoolFull) {
			return fmt.Errorf("%w: the body passed the bound of %d bytes of bodies being read or held", ErrSpoolFull, budget)
		}
		return fmt.Errorf("%w: %w", ErrBadRequestBody, err)
	}
	// In memory while it fits memBody and the memory budget.
	var buf []byte
	if want := min(over, memBody, max64(r.ContentLength, 512)); take(&sp.mem, want, memBudget) {
		b.mem = want
		buf = make([]byte, 0, want)
		for int64(len(buf)) < memBody {
			if len(buf) == cap(buf) {
				grown := append(buf, 0)[:len(buf)]
				extra := int64(cap(grown) - cap(buf))
				if !take(&sp.mem, extra, memBudget) {
					break // to a temp file
				}
				b.mem += extra
				buf = grown
			}
			n, err := lr.Read(buf[len(buf):cap(buf)])
			buf = buf[:len(buf)+n]
			if errors.Is(err, io.EOF) {
				if int64(len(buf)) > max {
					return nil, fmt.Errorf("%w: more than %d bytes", ErrBodyTooLarge, max)
				}
				b.r, b.n = bytes.NewReader(buf), int64(len(buf))
				return b, nil
			}
			if err != nil {
				return nil, spoolErr(err)
			}
		}
	}
	f, err := os.CreateTemp(tmpDir, "body-*")
	if err != nil {
		return nil, fmt.Errorf("spool body: %w", err)
	}
	os.Remove(f.Name())
	b.file = f
	n, err := f.Write(buf)
	sp.mem.Add(-b.mem) // (in the file now)
	b.mem = 0
	if err == nil {
		var m int64
		m, err = io.Copy(f, lr)
		n += int(m)
		var pe *fs.PathError
		switch {
		case err == nil:
		case errors.As(err, &pe):
			// The temp file's: its file system full, say.
			err = fmt.Errorf("spool body: %w", err)
		default:
			err = spoolErr(err)
		}
	} else {
		err = fmt.Errorf("spool body: %w", err)
	}
	if err == nil && int64(n) > max {
		err = fmt.Errorf("%w: more than %d bytes", ErrBodyTooLarge, max)
	}
	if err == nil {
		_, err = f.Seek(0, io.SeekStart)
	}
	if err != nil {
		return nil, err
	}
	b.r, b.n = f, int64(n)
	return b, nil
}

func max64(a, b int64) int64 {
	if a > b {
		return a
	}
	return b
}
