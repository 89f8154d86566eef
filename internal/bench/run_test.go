// run_test.go tests the verdict of a Report.

package bench

import (
	"errors"
	"testing"
)

// TestReport_Err guards C50's exit status: only the scripts whose answers
// differed are named, a failed run is not a difference.
func TestReport_Err(t *testing.T) {
	rep := testReport()
	rep.Scripts = append(rep.Scripts, &ScriptReport{Script: "broken.pl", Error: "switch to fastcgi: refused"})
	err := rep.Err()
	if !errors.Is(err, ErrAnswersDiffer) {
		t.Fatalf("Err() = %v, want ErrAnswersDiffer", err)
	}
	if got, want := err.Error(), "bench: answers differ for 1 of 3 scripts: counter.pl"; got != want {
		t.Errorf("Err() = %q, want %q", got, want)
	}
	rep.Scripts = rep.Scripts[:1]
	if err := rep.Err(); err != nil {
		t.Errorf("Err() = %v for a report whose scripts all answered the same, want nil", err)
	}
}
