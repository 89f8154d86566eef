// run_test.go tests the verdict of a Report.

package bench

import (
	"errors"
	"fmt"
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
	// A script whose cgi answers varied is no pass, but is not said to
	// differ.
	rep.Scripts = []*ScriptReport{rep.Scripts[0], {Script: "time.pl", Difference: cannotCompare + "body differs at byte 3"}}
	err = rep.Err()
	if got, want := fmt.Sprint(err), "bench: answers cannot be compared for 1 of 2 scripts: time.pl"; got != want || !errors.Is(err, ErrCannotCompare) || errors.Is(err, ErrAnswersDiffer) {
		t.Errorf("Err() = %q for a script whose cgi answers varied, want %q", got, want)
	}
}

// TestVerdict guards the comparison of a fastcgi answer with the cgi
// answers before and after it: a difference only when the cgi answers
// agree around it, the same when it equals either (a script printing the
// time), and "cannot compare" when it equals neither and they differ.
func TestVerdict(t *testing.T) {
	ans := func(body string) Answer { return Answer{Status: 200, Body: []byte(body), Length: int64(len(body))} }
	for _, tc := range []struct {
		name       string
		c1, f, c2  string
		same       bool
		difference string
	}{
		{"all the same", "a", "a", "a", true, ""},
		{"fastcgi differs", "count=1", "count=7", "count=1", false, `body differs at byte 6: cgi "count=1", fastcgi "count=7"`},
		{"time: equals the later cgi answer", "at 10", "at 12", "at 12", true, ""},
		{"time: equals the earlier cgi answer", "at 10", "at 10", "at 11", true, ""},
		{"varies", "pid 1", "pid 2", "pid 3", false, `cgi answers vary from request to request, cannot compare: body differs at byte 4: cgi#1 "pid 1", cgi#2 "pid 3"`},
	} {
		same, d := verdict(ans(tc.c1), ans(tc.f), ans(tc.c2))
		if same != tc.same || d != tc.difference {
			t.Errorf("%s: verdict = %v, %q; want %v, %q", tc.name, same, d, tc.same, tc.difference)
		}
	}
}

// TestScriptReport_SpeedUp: fastcgi req/s ÷ cgi req/s, except for a
// script served per request in both modes (the same path twice: the ratio
// was noise, 0.3× to 2.8× for a shell script) and for failures (a 502 is
// fast), which get none and say why (C50).
func TestScriptReport_SpeedUp(t *testing.T) {
	modes := func(errs int64) map[string]*ModeResult {
		return map[string]*ModeResult{
			ModeCGI:     {Requests: 10, RPS: 100, Errors: errs},
			ModeFastCGI: {Requests: 10, RPS: 1500, Errors: errs},
		}
	}
	for _, tc := range []struct {
		sr      ScriptReport
		speedUp float64
		why     string
	}{
		{ScriptReport{Kind: "perl", Modes: modes(0)}, 15, ""},
		{ScriptReport{Modes: modes(0)}, 15, ""}, // kind unknown: the gateway's status did not say
		{ScriptReport{Kind: "per-request", Reason: "not a Perl script (#!/bin/sh)", Modes: modes(0)}, 0, NoSpeedUpPerRequest},
		{ScriptReport{Kind: "perl", Modes: modes(10)}, 0, NoSpeedUpFailed},
		{ScriptReport{Kind: "per-request", Modes: modes(10)}, 0, NoSpeedUpPerRequest},
	} {
		tc.sr.setSpeedUp()
		if tc.sr.SpeedUp != tc.speedUp || tc.sr.NoSpeedUp != tc.why {
			t.Errorf("kind %q, %d errors: speed-up %v (%q), want %v (%q)", tc.sr.Kind, tc.sr.Modes[ModeCGI].Errors, tc.sr.SpeedUp, tc.sr.NoSpeedUp, tc.speedUp, tc.why)
		}
	}
}
