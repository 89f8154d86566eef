package gateway

import (
	"testing"

	"github.com/menshen/menshen/fastcgi"
)

// TestExchange_FirstRunInExchange: the first script run of a request gets
// the stderr log and FastCGI execution held in its exchange, a retry or
// a local redirect's run new ones, and a later run leaves the earlier
// one's as they were (a worker may still log a line through it after
// its request).
func TestExchange_FirstRunInExchange(t *testing.T) {
	g := &Gateway{}
	x := &exchange{id: 7}
	first := x.newStderrLog(g, "a.pl")
	if first != &x.errLog {
		t.Error("the first run's stderr log is not the exchange's")
	}
	second := x.newStderrLog(g, "b.pl")
	if second == first {
		t.Fatal("a second run got the first run's stderr log")
	}
	if first.script != "a.pl" || first.req != 7 || first.g != g || second.script != "b.pl" || second.req != 7 || second.g != g {
		t.Errorf("stderr logs: first %q/%d, second %q/%d", first.script, first.req, second.script, second.req)
	}
	r1, r2 := new(fastcgi.PoolResponse), new(fastcgi.PoolResponse)
	e1 := x.newFcgiExec(r1)
	if e1 != &x.fexec || e1.resp != r1 {
		t.Error("the first run's execution is not the exchange's, or not of its answer")
	}
	e2 := x.newFcgiExec(r2)
	if e2 == e1 || e2.resp != r2 || e1.resp != r1 {
		t.Error("a second run took the first run's execution, or changed it")
	}
}
