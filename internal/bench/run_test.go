// run_test.go tests the verdict of a Report.

package bench

import (
	"errors"
	"strings"
	"testing"
)

// TestReport_Err guards C50's exit status: the scripts whose answers
// differed are named, and apart those whose run or requests failed (a
// script failing the same way in both modes is no pass).
func TestReport_Err(t *testing.T) {
	rep := testReport()
	rep.Scripts = append(rep.Scripts, &ScriptReport{Script: "broken.pl", Error: "switch to fastcgi: refused"})
	err := rep.Err()
	if !errors.Is(err, ErrAnswersDiffer) || !errors.Is(err, ErrRequestsFailed) {
		t.Fatalf("Err() = %v, want ErrAnswersDiffer and ErrRequestsFailed", err)
	}
	if got, want := err.Error(), "bench: answers differ for 1 of 4 scripts: counter.pl; bench: requests failed for 3 of 4 scripts: counter.pl, fails.pl, broken.pl"; got != want {
		t.Errorf("Err() = %q, want %q", got, want)
	}
	rep.Scripts = rep.Scripts[:1]
	if err := rep.Err(); err != nil {
		t.Errorf("Err() = %v for a report whose scripts all answered the same, want nil", err)
	}
	failing := &ScriptReport{Script: "fail.pl", Same: true, Modes: map[string]*ModeResult{
		ModeCGI: {Requests: 10, Errors: 10}, ModeFastCGI: {Requests: 10, Errors: 10}}}
	rep.Scripts = append(rep.Scripts, failing)
	if err := rep.Err(); !errors.Is(err, ErrRequestsFailed) || errors.Is(err, ErrAnswersDiffer) || !strings.Contains(err.Error(), "fail.pl") {
		t.Errorf("Err() = %v for a script failing alike in both modes, want ErrRequestsFailed naming fail.pl", err)
	}
}
