// output_test.go tests the table and JSON forms of a Report.

package bench

import (
	"bytes"
	"encoding/json"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/rivo/uniseg"
)

func testReport() *Report {
	return &Report{
		Target: "http://127.0.0.1:1/cgi-bin/", Concurrency: 8, Requests: 200, Ceiling: 41000,
		Scripts: []*ScriptReport{
			{Script: "hello.pl", Same: true, SpeedUp: 12.34, Modes: map[string]*ModeResult{
				ModeFastCGI: {Requests: 200, RPS: 2468, P50ms: 3.2, P90ms: 4, P99ms: 9.5, MaxMs: 12, Spawned: 2, Workers: 2},
				ModeCGI:     {Requests: 200, RPS: 200, P50ms: 40, P90ms: 45, P99ms: 60, MaxMs: 130, Spawned: 210},
			}},
			{Script: "counter.pl", Difference: `body differs at byte 33: cgi "1\n", fastcgi "7\n"`, SpeedUp: 9, Modes: map[string]*ModeResult{
				ModeCGI:     {Requests: 200, RPS: 100, Spawned: -1, Errors: 1, FirstError: "status 502 Bad Gateway"},
				ModeFastCGI: {Requests: 200, RPS: 900, Spawned: -1},
			}},
			{Script: "fails.pl", Same: true, SpeedUp: 1, Modes: map[string]*ModeResult{
				ModeCGI:     {Requests: 200, RPS: 100, Spawned: 200, Errors: 200, FirstError: "status 500 Internal Server Error"},
				ModeFastCGI: {Requests: 200, RPS: 100, Spawned: 200, Errors: 200, FirstError: "status 500 Internal Server Error"},
			}},
		},
	}
}

func TestWriteTable(t *testing.T) {
	var b bytes.Buffer
	if err := WriteTable(&b, testReport()); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	lines := strings.Split(out, "\n")
	var rows []string
	for _, l := range lines {
		if f := strings.Fields(l); len(f) > 1 && (f[1] == "cgi" || f[1] == "fastcgi") {
			rows = append(rows, l)
		}
		if strings.HasSuffix(l, " ") {
			t.Errorf("trailing blanks in %q", l)
		}
	}
	if len(rows) != 6 || !strings.Contains(rows[0], "cgi") || !strings.Contains(rows[1], "fastcgi") {
		t.Fatalf("want cgi then fastcgi rows per script, got:\n%s", out)
	}
	for _, want := range []string{"client ceiling: 41000 req/s", "12.3×", "✓", "2468.0", "40.0ms", "3.20ms", "130ms",
		`✗ body differs at byte 33`, "counter.pl (cgi): first error: status 502 Bad Gateway"} {
		if !strings.Contains(out, want) {
			t.Errorf("table lacks %q:\n%s", want, out)
		}
	}
	if !strings.HasSuffix(rows[5], "✓ but requests failed") || strings.HasSuffix(rows[1], "failed") {
		t.Errorf("a script failing the same way in both modes: want '✓ but requests failed' (and only there), got:\n%s", out)
	}
	if !strings.Contains(rows[2], " ?") {
		t.Errorf("unknown spawn count not shown as ?: %q", rows[2])
	}
}

func TestWriteJSON(t *testing.T) {
	var b bytes.Buffer
	if err := WriteJSON(&b, testReport()); err != nil {
		t.Fatal(err)
	}
	var got Report
	if err := json.Unmarshal(b.Bytes(), &got); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, b.String())
	}
	if len(got.Scripts) != 3 || got.Scripts[0].Modes[ModeFastCGI].RPS != 2468 || got.Ceiling != 41000 || got.Scripts[1].Same {
		t.Errorf("round trip lost data:\n%s", b.String())
	}
	if len(got.Scripts) == 3 {
		if ok := []bool{got.Scripts[0].OK, got.Scripts[1].OK, got.Scripts[2].OK}; !ok[0] || ok[1] || ok[2] {
			t.Errorf("ok = %v, want true only for the script that answered the same without failures:\n%s", ok, b.String())
		}
	}
}

// TestWriteTable_PerRequest: a script served per request in both modes (a
// shell script) got a "speed-up" that was noise; its fastcgi row says "per
// request" instead, with why below, and the JSON says it in no_speedup.
func TestWriteTable_PerRequest(t *testing.T) {
	rep := &Report{Target: "http://127.0.0.1:1/cgi-bin/", Concurrency: 8, Requests: 20, Scripts: []*ScriptReport{
		{Script: "hello.sh", Kind: "per-request", Reason: "not a Perl script (#!/bin/sh)", NoSpeedUp: NoSpeedUpPerRequest, Same: true,
			Modes: map[string]*ModeResult{
				ModeCGI:     {Requests: 20, RPS: 1200, Spawned: 20},
				ModeFastCGI: {Requests: 20, RPS: 1550, Spawned: 20},
			}},
	}}
	var b bytes.Buffer
	if err := WriteTable(&b, rep); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	if !regexp.MustCompile(`(?m)^hello\.sh +fastcgi .* 20 +per request +✓$`).MatchString(out) {
		t.Errorf("fastcgi row: want \"per request\" in the speed-up column:\n%s", out)
	}
	if !strings.Contains(out, "\nhello.sh: served per request in both modes: not a Perl script (#!/bin/sh)\n") {
		t.Errorf("table lacks why hello.sh has no speed-up:\n%s", out)
	}
	b.Reset()
	if err := WriteJSON(&b, rep); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), `"no_speedup": "served per request in both modes"`) || !strings.Contains(b.String(), `"speedup": 0,`) {
		t.Errorf("JSON: want speedup 0 and no_speedup:\n%s", b.String())
	}
}

// TestBar_Interrupt: an interrupted run's bar is left as it was, its line
// ended, so that the line saying why does not land on it.
func TestBar_Interrupt(t *testing.T) {
	var b bytes.Buffer
	bar := NewBar(&b)
	bar.Begin("hello.pl", ModeFastCGI)
	bar.Update(10, 0.5)
	bar.Interrupt()
	out := b.String()
	if !strings.HasSuffix(out, "\n") || !strings.Contains(out[strings.LastIndex(out, "\r"):], "hello.pl fastcgi") {
		t.Errorf("bar output %q: want the bar as drawn, then a newline", out)
	}
	bar.Interrupt() // no bar: nothing more
	if b.String() != out {
		t.Errorf("a second Interrupt wrote %q", b.String()[len(out):])
	}
}

// TestWriteTable_WideNames: a script name in CJK characters (two terminal
// columns each) shifted every column after it; the columns now line up
// on a terminal.
func TestWriteTable_WideNames(t *testing.T) {
	rep := testReport()
	rep.Scripts[1].Script = "名前.pl"
	rep.Scripts[2].Script = "ｆａｉｌ.pl" // fullwidth forms
	var b bytes.Buffer
	if err := WriteTable(&b, rep); err != nil {
		t.Fatal(err)
	}
	// The terminal column where each field after the name starts.
	starts := func(line string) []int {
		var cols []int
		col, blank := 0, false
		for _, r := range line {
			if r != ' ' && blank && len(cols) < 3 {
				cols = append(cols, col)
			}
			blank = r == ' '
			col += uniseg.StringWidth(string(r))
		}
		return cols
	}
	var want []int
	for _, l := range strings.Split(b.String(), "\n") {
		if f := strings.Fields(l); len(f) < 3 || (f[1] != "mode" && f[1] != "cgi" && f[1] != "fastcgi") {
			continue
		}
		got := starts(l)
		if want == nil {
			want = got
		} else if !slices.Equal(got, want) {
			t.Errorf("columns of %q start at %v, want %v as in the header:\n%s", l, got, want, b.String())
		}
	}
}

// TestWriteTable_FewerWorkers: a script that waits (sleep, a database)
// showed fastcgi as the slower mode under bench's defaults, which run
// cgi mode with a process per client and fastcgi with as many workers as
// processors; the table says why below, and only there.
func TestWriteTable_FewerWorkers(t *testing.T) {
	rep := &Report{Target: "http://127.0.0.1:1/cgi-bin/", Concurrency: 8, Requests: 20, Scripts: []*ScriptReport{
		{Script: "wait.pl", Same: true, SpeedUp: 0.3, Modes: map[string]*ModeResult{
			ModeCGI:     {Requests: 20, RPS: 60, Spawned: 20},
			ModeFastCGI: {Requests: 20, RPS: 18, Workers: 2},
		}},
		{Script: "hello.pl", Same: true, SpeedUp: 12, Modes: map[string]*ModeResult{
			ModeCGI:     {Requests: 20, RPS: 100, Spawned: 20},
			ModeFastCGI: {Requests: 20, RPS: 1200, Workers: 2},
		}},
		{Script: "all.pl", Same: true, SpeedUp: 0.9, Modes: map[string]*ModeResult{
			ModeCGI:     {Requests: 20, RPS: 100, Spawned: 20},
			ModeFastCGI: {Requests: 20, RPS: 90, Workers: 8},
		}},
	}}
	var b bytes.Buffer
	if err := WriteTable(&b, rep); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	want := "\nwait.pl: fastcgi ran 2 workers (--workers) for 8 clients, where cgi starts a process for each (up to --max-procs): " +
		"a script that waits more than it computes is slower with fewer; --workers 8 compares the modes alike\n"
	if !strings.Contains(out, want) {
		t.Errorf("table lacks the note on wait.pl's workers:\n%s", out)
	}
	if strings.Count(out, "fastcgi ran") != 1 {
		t.Errorf("want the note for wait.pl only (hello.pl is faster persistent, all.pl had a worker a client):\n%s", out)
	}
}
