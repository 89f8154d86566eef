// benchlog_test.go tests the limit on bench's gateway warnings.

package main

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/sirupsen/logrus"
)

// TestRepeatLimiter: per script, the first warnings of each kind pass (a
// new kind still shows), lines that differ every time stop at the cap,
// the gateway's own lines and info lines all pass, and Summary counts
// what did not, per script.
func TestRepeatLimiter(t *testing.T) {
	var out bytes.Buffer
	log := logrus.New()
	log.SetOutput(&out)
	f := newRepeatLimiter(textFormatter{})
	log.SetFormatter(f)
	for i := range 10 {
		log.WithField("script", "a.pl").WithField("reason", "exit 1").Warn("request failed")
		log.WithField("script", "a.pl").Warn(fmt.Sprintf("[%d] died", i))
		log.Warn("gateway warning")
		log.WithField("script", "a.pl").Info("request")
	}
	log.WithField("script", "a.pl").WithField("reason", "queue full").Warn("request failed")
	for i := range 30 {
		log.WithField("script", "b.pl").Warn(fmt.Sprintf("[%d] died", i))
	}
	f.Summary(log)
	s := out.String()
	for _, tc := range []struct {
		what string
		n    int
	}{
		{`msg="request failed" reason="exit 1" script=a.pl`, 3},
		{`msg="request failed" reason="queue full" script=a.pl`, 1},
		{`died" script=a.pl`, 10},
		{`died" script=b.pl`, benchLogPerScript},
		{`msg="gateway warning"`, 10},
		{`msg=request script=a.pl`, 10},
		{`msg="7 more warnings not shown (the first of each kind are above)" script=a.pl`, 1},
		{`msg="10 more warnings not shown (the first of each kind are above)" script=b.pl`, 1},
	} {
		if n := strings.Count(s, tc.what); n != tc.n {
			t.Errorf("%d lines with %s, want %d", n, tc.what, tc.n)
		}
	}
}
