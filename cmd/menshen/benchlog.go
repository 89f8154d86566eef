// benchlog.go keeps the log of bench's own gateway short: a broken script
// fails every request of the run the same way.

package main

import (
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/sirupsen/logrus"
)

// Per script, the most warnings of one kind (the same message, reason and
// mode) shown, and the most shown at all: a script's stderr lines may differ
// from request to request (CGI::Carp puts the time in front of each).
const (
	benchLogSameKind  = 3
	benchLogPerScript = 20
)

// repeatLimiter is a logrus.Formatter that lets through the first
// warnings (and errors) of each script, up to benchLogSameKind of a kind
// and benchLogPerScript in all, and counts the others for Summary. The
// gateway logs one warning per failed request, and the script's stderr
// lines too: a broken script under bench's load wrote hundreds of the same
// lines, and an overflowing queue thousands, burying anything else. Lines
// without a script (the gateway's own) and info lines (asked for with
// --log-level info) all pass.
type repeatLimiter struct {
	next logrus.Formatter

	mu     sync.Mutex
	kinds  map[[4]string]int // script, message, reason, mode: warnings seen
	shown  map[string]int    // script: warnings shown
	hidden map[string]int    // script: warnings not shown
}

func newRepeatLimiter(next logrus.Formatter) *repeatLimiter {
	return &repeatLimiter{next: next, kinds: map[[4]string]int{}, shown: map[string]int{}, hidden: map[string]int{}}
}

// Format is called concurrently: the gateway formats its access lines
// itself, outside logrus's lock.
func (f *repeatLimiter) Format(e *logrus.Entry) ([]byte, error) {
	script := field(e, "script")
	if script == "" || e.Level > logrus.WarnLevel {
		return f.next.Format(e)
	}
	k := [4]string{script, e.Message, field(e, "reason"), field(e, "mode")}
	f.mu.Lock()
	f.kinds[k]++
	show := f.kinds[k] <= benchLogSameKind && f.shown[script] < benchLogPerScript
	if show {
		f.shown[script]++
	} else {
		f.hidden[script]++
	}
	f.mu.Unlock()
	if !show {
		return nil, nil
	}
	return f.next.Format(e)
}

// field is an entry's field as text, "" when it has none (the mode is a
// gateway.Mode, not a string).
func field(e *logrus.Entry, name string) string {
	v, ok := e.Data[name]
	if !ok {
		return ""
	}
	return fmt.Sprint(v)
}

// Summary logs, on log, one warning per script some of whose warnings
// were not shown, with their count.
func (f *repeatLimiter) Summary(log *logrus.Logger) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var scripts []string
	for s := range f.hidden {
		scripts = append(scripts, s)
	}
	slices.Sort(scripts)
	for _, s := range scripts {
		e := &logrus.Entry{Logger: log, Time: time.Now(), Level: logrus.WarnLevel,
			Message: fmt.Sprintf("%d more warnings not shown (the first of each kind are above)", f.hidden[s]),
			Data:    logrus.Fields{"script": s}}
		if b, err := f.next.Format(e); err == nil {
			_, _ = log.Out.Write(b)
		}
	}
}
