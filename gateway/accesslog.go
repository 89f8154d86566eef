// accesslog.go holds the access line: the one log line of every request.

package gateway

import (
	"bytes"
	"sync"
	"time"

	"github.com/sirupsen/logrus"
)

// AccessLine is what the access line of a request says: the fields the
// gateway logs for every request, in a struct rather than a logrus.Fields
// map, so that a formatter that knows them (AccessFormatter) writes the
// line with no map to fill, sort and read back.
type AccessLine struct {
	Time     time.Time
	Level    logrus.Level
	Msg      string
	Req      uint64
	Remote   string
	Method   string
	Path     string
	Status   int
	Bytes    int64
	Duration time.Duration // rounded to the microsecond
	Script   string        // no field when ""
	Mode     Mode          // no field when "" (a file that was refused, 403)
	PID      int           // no field when 0
	// Failed: the request failed, and Reason is logged (even empty).
	Failed bool
	Reason string
}

// AccessFormatter is a logrus.Formatter that also writes an access line
// straight from its fields: AppendAccess appends to b exactly the bytes
// Format gives for the entry of a (a.Fields, a.Time, a.Level, a.Msg).
type AccessFormatter interface {
	logrus.Formatter
	AppendAccess(b []byte, a AccessLine) []byte
}

// Fields fills f with the access line's logrus fields, as the line's
// entry holds them (their Go types are what a hook or a formatter sees),
// and returns it.
func (a *AccessLine) Fields(f logrus.Fields) logrus.Fields {
	f["req"] = a.Req
	f["remote"] = a.Remote
	f["method"] = a.Method
	f["path"] = a.Path
	f["status"] = a.Status
	f["bytes"] = a.Bytes
	f["duration"] = a.Duration.String()
	if a.Script != "" {
		f["script"] = a.Script
	}
	if a.Mode != "" {
		f["mode"] = a.Mode
	}
	if a.PID != 0 {
		f["pid"] = a.PID
	}
	if a.Failed {
		f["reason"] = a.Reason
	}
	return f
}

// fieldsPool holds access line field maps: the formatter and logrus (which
// copies them) keep no reference once the line is written.
var fieldsPool = sync.Pool{New: func() any { return make(logrus.Fields, 10) }}

// entryBufPool holds the buffers a logrus.Formatter formats access lines
// in; lineBufPool those of an AccessFormatter.
var entryBufPool = sync.Pool{New: func() any { return new(bytes.Buffer) }}
var lineBufPool = sync.Pool{New: func() any { b := make([]byte, 0, 512); return &b }}

// maxPooledLine: a buffer grown past it by a long line (a long path or
// reason) is not kept.
const maxPooledLine = 16 << 10

// logAccess writes the access line of a request, stamped now, if its level
// is enabled. With no hook to fire it formats and writes the line itself:
// logrus would copy the fields twice and take its lock four times, a
// twentieth of a fast FastCGI request. A formatter that knows access lines
// (AccessFormatter) gets them with no map at all.
func (g *Gateway) logAccess(a AccessLine) {
	if !g.log.IsLevelEnabled(a.Level) {
		return
	}
	a.Time = time.Now()
	if g.accessFormat != nil {
		bp := lineBufPool.Get().(*[]byte)
		b := g.accessFormat.AppendAccess((*bp)[:0], a)
		_, _ = g.log.Out.Write(b)
		if cap(b) <= maxPooledLine {
			*bp = b[:0]
			lineBufPool.Put(bp)
		}
		return
	}
	f := a.Fields(fieldsPool.Get().(logrus.Fields))
	defer func() {
		clear(f)
		fieldsPool.Put(f)
	}()
	if g.directLog {
		// A buffer for the formatter, as logrus lends one from its pool.
		buf := entryBufPool.Get().(*bytes.Buffer)
		buf.Reset()
		defer entryBufPool.Put(buf)
		e := logrus.Entry{Logger: g.log, Data: f, Time: a.Time, Level: a.Level, Message: a.Msg, Buffer: buf}
		if b, err := g.logFormat.Format(&e); err == nil {
			_, _ = g.log.Out.Write(b)
			return
		}
	}
	g.log.WithFields(f).Log(a.Level, a.Msg)
}
