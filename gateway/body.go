// body.go reads the request body before any process starts (C5).

package gateway

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
)

// memBody is the largest body kept in memory; larger ones go to a temp file.
const memBody = 1 << 20

// body is a request body read in full: a slow client never holds a process
// or worker, and a chunked body gets the CONTENT_LENGTH a script needs.
type body struct {
	r    io.Reader // nil for no body
	n    int64     // -1 for no body
	file *os.File
}

func (b *body) close() {
	if b.file != nil {
		b.file.Close()
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

// readBody spools r's body, refusing more than max bytes with
// ErrBodyTooLarge before reading it when Content-Length says so.
func readBody(r *http.Request, max int64, tmpDir string) (*body, error) {
	if r.ContentLength > max {
		return nil, fmt.Errorf("%w: Content-Length %d over %d", ErrBodyTooLarge, r.ContentLength, max)
	}
	if r.Body == nil || r.Body == http.NoBody || r.ContentLength == 0 {
		if r.ContentLength == 0 && r.Method != http.MethodGet && r.Method != http.MethodHead && r.Header.Get("Content-Length") != "" {
			return &body{r: bytes.NewReader(nil), n: 0}, nil
		}
		return &body{n: -1}, nil
	}
	lr := &io.LimitedReader{R: r.Body, N: max + 1}
	buf := make([]byte, 0, min(max+1, memBody, max64(r.ContentLength, 512)))
	for int64(len(buf)) < memBody {
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)]
		}
		n, err := lr.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if errors.Is(err, io.EOF) {
			if int64(len(buf)) > max {
				return nil, fmt.Errorf("%w: more than %d bytes", ErrBodyTooLarge, max)
			}
			return &body{r: bytes.NewReader(buf), n: int64(len(buf))}, nil
		}
		if err != nil {
			return nil, fmt.Errorf("%w: %w", ErrBadRequestBody, err)
		}
	}
	f, err := os.CreateTemp(tmpDir, "body-*")
	if err != nil {
		return nil, fmt.Errorf("spool body: %w", err)
	}
	os.Remove(f.Name())
	n, err := f.Write(buf)
	if err == nil {
		var m int64
		m, err = io.Copy(f, lr)
		n += int(m)
		if err != nil {
			err = fmt.Errorf("%w: %w", ErrBadRequestBody, err)
		}
	}
	if err == nil && int64(n) > max {
		err = fmt.Errorf("%w: more than %d bytes", ErrBodyTooLarge, max)
	}
	if err == nil {
		_, err = f.Seek(0, io.SeekStart)
	}
	if err != nil {
		f.Close()
		return nil, err
	}
	return &body{r: f, n: int64(n), file: f}, nil
}

func max64(a, b int64) int64 {
	if a > b {
		return a
	}
	return b
}
