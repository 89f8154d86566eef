// bench_test.go tests `menshen bench` (C50) as users run it: the binary over
// a scripts directory of real sh and Perl scripts, and against a running
// `menshen serve` with --url.

package main

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// Every script records its pid in ../state (beside the scripts directory,
// not in it, so that the watcher sees no change) for the leak check.
const (
	// benchSlowPl starts slowly the way legacy Perl does: modules first.
	benchSlowPl = `#!/usr/bin/perl
use strict;
use warnings;
use POSIX ();
use Data::Dumper ();
use Storable ();
use JSON::PP ();
use Encode ();
use Time::Piece ();
use Math::BigInt ();
use File::Find ();
(my $state = $ENV{SCRIPT_FILENAME}) =~ s{/[^/]+/[^/]+$}{/state};
if (open my $p, '>', "$state/slow.$$") { close $p }
print "Content-Type: application/json\r\n\r\n";
print JSON::PP->new->canonical->encode({ok => 1, floor => POSIX::floor(2.5)}), "\n";
`
	// benchCounterPl keeps a count per process in a file named for its
	// pid: always 1 under CGI, more once a persistent worker serves it
	// again. No runner can make that the same: it is the deliberately
	// non-persistable script.
	benchCounterPl = `#!/usr/bin/perl
use strict;
use warnings;
(my $state = $ENV{SCRIPT_FILENAME}) =~ s{/[^/]+/[^/]+$}{/state};
my $f = "$state/counter.$$";
my $n = 0;
if (open my $in, '<', $f) { $n = <$in> || 0; close $in }
$n++;
open my $out, '>', $f or die "write $f: $!";
print $out $n;
close $out;
print "Content-Type: text/plain\r\n\r\nrequests served by this process: $n\n";
`
	benchHelloSh = `#!/bin/sh
d=${SCRIPT_FILENAME%/*}
: > "${d%/*}/state/sh.$$"
printf 'Content-Type: text/plain\r\n\r\nhello from sh\nquery=%s\n' "${QUERY_STRING-}"
`
)

// mustBenchDir writes a scripts directory (and its state directory) and
// registers a Cleanup that fails if any process that ran a script is still
// alive, with its group (C33).
func mustBenchDir(tb testing.TB) string {
	tb.Helper()
	root := tb.TempDir()
	dir, state := filepath.Join(root, "scripts"), filepath.Join(root, "state")
	for _, d := range []string{dir, state} {
		if err := os.Mkdir(d, 0o755); err != nil {
			tb.Fatal(err)
		}
	}
	for name, body := range map[string]string{
		"slow.pl":    benchSlowPl,
		"counter.pl": benchCounterPl,
		"hello.sh":   benchHelloSh,
		"data.txt":   "not a script\n",
	} {
		perm := os.FileMode(0o755)
		if name == "data.txt" {
			perm = 0o644
		}
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), perm); err != nil {
			tb.Fatal(err)
		}
	}
	tb.Cleanup(func() {
		ents, _ := os.ReadDir(state)
		for _, e := range ents {
			_, p, _ := strings.Cut(e.Name(), ".")
			if pid, err := strconv.Atoi(p); err == nil {
				mustGroupGone(tb, pid)
			}
		}
	})
	return dir
}

// benchReport is the part of `menshen bench --json` the tests read.
type benchReport struct {
	Concurrency int     `json:"concurrency"`
	Requests    int     `json:"requests"`
	Ceiling     float64 `json:"client_ceiling_rps"`
	Interrupted string  `json:"interrupted"`
	Scripts     []struct {
		Script     string  `json:"script"`
		SpeedUp    float64 `json:"speedup"`
		NoSpeedUp  string  `json:"no_speedup"`
		Same       bool    `json:"same"`
		Difference string  `json:"difference"`
		Error      string  `json:"error"`
		Modes      map[string]struct {
			Requests int64   `json:"requests"`
			Errors   int64   `json:"errors"`
			RPS      float64 `json:"rps"`
			P50ms    float64 `json:"p50_ms"`
			P99ms    float64 `json:"p99_ms"`
			Spawned  int64   `json:"spawned"`
			Workers  int     `json:"workers"`
		} `json:"modes"`
	} `json:"scripts"`
}

func mustParseBench(tb testing.TB, stdout string) benchReport {
	tb.Helper()
	var rep benchReport
	if err := json.Unmarshal([]byte(stdout), &rep); err != nil {
		tb.Fatalf("stdout is not JSON: %v\n%s", err, stdout)
	}
	return rep
}

// TestBench_JSONBothModesAndFlagsDifference guards C50: every script the
// gateway serves (not data files) is driven in both modes; the slow-start
// Perl script is faster persistent; the script whose output depends on its
// process living on is flagged with its first difference, and fails the
// run (exit 1, after the whole JSON, one line naming it).
func TestBench_JSONBothModesAndFlagsDifference(t *testing.T) {
	if _, err := os.Stat("/usr/bin/perl"); err != nil {
		t.Skip("perl not installed (Debian package perl)")
	}
	t.Parallel()
	dir := mustBenchDir(t)
	code, stdout, stderr := runMenshen(t, nil, "bench", "--scripts", dir, "--requests", "24", "--concurrency", "2", "--workers", "2", "--json")
	if code != 1 {
		t.Errorf("exit %d, want 1 (counter.pl differs); stderr:\n%s", code, stderr)
	}
	if last := lastLine(stderr); last != "menshen: bench: answers differ for 1 of 3 scripts: counter.pl" {
		t.Errorf("last line of stderr %q, want the one naming counter.pl only", last)
	}
	rep := mustParseBench(t, stdout)
	if rep.Ceiling <= 0 || rep.Concurrency != 2 || rep.Requests != 24 {
		t.Errorf("ceiling %.0f, concurrency %d, requests %d; want >0, 2, 24", rep.Ceiling, rep.Concurrency, rep.Requests)
	}
	var names []string
	for _, s := range rep.Scripts {
		names = append(names, s.Script)
		if s.Error != "" {
			t.Errorf("%s: error %q", s.Script, s.Error)
		}
		for _, m := range []string{"cgi", "fastcgi"} {
			r, ok := s.Modes[m]
			if !ok {
				t.Errorf("%s: no %s row", s.Script, m)
				continue
			}
			if r.Requests != 24 || r.Errors != 0 || r.RPS <= 0 || r.P50ms <= 0 || r.P99ms < r.P50ms {
				t.Errorf("%s %s: %+v; want 24 requests, no errors, a rate and ordered percentiles", s.Script, m, r)
			}
		}
		switch s.Script {
		case "hello.sh":
			if !s.Same {
				t.Errorf("hello.sh flagged as differing: %s", s.Difference)
			}
			// One process per measured request in both modes (a shell
			// script runs per request in fastcgi mode too); the warm-up and
			// reference requests are not counted.
			for _, m := range []string{"cgi", "fastcgi"} {
				if r := s.Modes[m]; r.Spawned != 24 {
					t.Errorf("hello.sh %s spawned %d processes for 24 measured requests, want 24", m, r.Spawned)
				}
			}
			// The same path in both modes: their ratio is noise, no
			// speed-up, and the report says why.
			if s.SpeedUp != 0 || s.NoSpeedUp != "served per request in both modes" {
				t.Errorf("hello.sh: speedup %.2f, no_speedup %q; want 0 and \"served per request in both modes\"", s.SpeedUp, s.NoSpeedUp)
			}
		case "slow.pl":
			if !s.Same {
				t.Errorf("slow.pl flagged as differing: %s", s.Difference)
			}
			if r := s.Modes["cgi"]; r.Spawned != 24 {
				t.Errorf("slow.pl cgi spawned %d processes for 24 measured requests, want 24", r.Spawned)
			}
			c, f := s.Modes["cgi"], s.Modes["fastcgi"]
			if f.Spawned < 0 || f.Spawned > 2 {
				t.Errorf("slow.pl fastcgi spawned %d workers, want 0 to --workers 2", f.Spawned)
			}
			if f.RPS <= c.RPS || s.SpeedUp <= 1 {
				t.Errorf("slow.pl: fastcgi %.1f req/s, cgi %.1f req/s (speed-up %.2f); want fastcgi faster (workers %d, spawned %d)", f.RPS, c.RPS, s.SpeedUp, f.Workers, f.Spawned)
			}
		case "counter.pl":
			if s.Same || !strings.Contains(s.Difference, "body differs") {
				t.Errorf("counter.pl: same %v, difference %q; want flagged with the body difference", s.Same, s.Difference)
			}
		}
	}
	if got := strings.Join(names, " "); got != "counter.pl hello.sh slow.pl" {
		t.Errorf("scripts benched: %q, want \"counter.pl hello.sh slow.pl\" (no data file)", got)
	}
}

// lastLine is the last line of s.
func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return lines[len(lines)-1]
}

// TestBench_DifferenceExits1 guards C50's check for CI: the whole table
// comes out, differing scripts marked, then exit 1 with one line naming
// only the scripts whose answers differed.
func TestBench_DifferenceExits1(t *testing.T) {
	if _, err := os.Stat("/usr/bin/perl"); err != nil {
		t.Skip("perl not installed (Debian package perl)")
	}
	t.Parallel()
	dir := mustBenchDir(t)
	code, stdout, stderr := runMenshen(t, nil, "bench", "--scripts", dir, "--requests", "8", "--concurrency", "2", "--workers", "1", "counter.pl", "hello.sh")
	if code != 1 {
		t.Errorf("exit %d, want 1; stderr:\n%s", code, stderr)
	}
	if last := lastLine(stderr); last != "menshen: bench: answers differ for 1 of 2 scripts: counter.pl" {
		t.Errorf("last line of stderr %q, want the one naming counter.pl only", last)
	}
	for _, want := range []string{"counter.pl  fastcgi", "✗ body differs", "hello.sh    fastcgi", "✓"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("table lacks %q:\n%s", want, stdout)
		}
	}
}

// TestBench_BundledScriptsAnswerTheSame is the smoke test of scripts/: the
// examples menshen ships answer identically in both modes, so bench over
// them exits 0 (C23, C50).
func TestBench_BundledScriptsAnswerTheSame(t *testing.T) {
	if _, err := os.Stat("/usr/bin/perl"); err != nil {
		t.Skip("perl not installed (Debian package perl)")
	}
	t.Parallel()
	code, stdout, stderr := runMenshen(t, nil, "bench", "--scripts", filepath.Join("..", "..", "scripts"), "--requests", "4", "--concurrency", "2", "--workers", "2", "--json")
	if code != 0 {
		t.Fatalf("exit %d, stderr:\n%s", code, stderr)
	}
	rep := mustParseBench(t, stdout)
	var names []string
	for _, s := range rep.Scripts {
		names = append(names, s.Script)
		if !s.Same || s.Error != "" {
			t.Errorf("%s: same %v, difference %q, error %q", s.Script, s.Same, s.Difference, s.Error)
		}
	}
	if got := strings.Join(names, " "); got != "form.pl hello.pl hello.sh report.pl" {
		t.Errorf("scripts benched: %q, want the four bundled ones", got)
	}
}

// TestBench_TableAndProgressLines checks the output for people: a table on
// stdout, and plain progress lines (not a bar) on a stderr that is not a
// terminal.
func TestBench_TableAndProgressLines(t *testing.T) {
	t.Parallel()
	dir := mustBenchDir(t)
	code, stdout, stderr := runMenshen(t, nil, "bench", "--scripts", dir, "--requests", "8", "--concurrency", "2", "hello.sh?x=1")
	if code != 0 {
		t.Fatalf("exit %d, stderr:\n%s", code, stderr)
	}
	for _, want := range []string{"client ceiling:", "script", "speed-up", "hello.sh?x=1", "cgi", "fastcgi", "✓"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("table lacks %q:\n%s", want, stdout)
		}
	}
	if strings.Contains(stderr, "\r") || !strings.Contains(stderr, "hello.sh?x=1 fastcgi: 8 requests") {
		t.Errorf("stderr is not plain progress lines:\n%q", stderr)
	}
}

// TestBench_URLDrivesRunningGateway guards --url: the bench drives a
// gateway it did not start, through its admin listener, and leaves each
// script in the mode it found it in. An --admin or a --url where nothing
// answers is one line, before any output.
func TestBench_URLDrivesRunningGateway(t *testing.T) {
	t.Parallel()
	dir := mustBenchDir(t)
	addr, admin := freeAddr(t), freeAddr(t)
	s := mustServe(t, addr, nil, "--listen", addr, "--admin", admin, "--scripts", dir)
	code, stdout, stderr := runMenshen(t, nil, "bench", "--url", "http://"+addr, "--admin", admin, "--requests", "10", "--concurrency", "2", "--json", "hello.sh?q=1")
	if code != 0 {
		t.Fatalf("exit %d, stderr:\n%s", code, stderr)
	}
	rep := mustParseBench(t, stdout)
	if len(rep.Scripts) != 1 || rep.Scripts[0].Script != "hello.sh?q=1" {
		t.Fatalf("scripts: %+v, want hello.sh?q=1 only", rep.Scripts)
	}
	sr := rep.Scripts[0]
	for _, m := range []string{"cgi", "fastcgi"} {
		if r := sr.Modes[m]; r.Requests != 10 || r.Errors != 0 {
			t.Errorf("%s: %+v, want 10 requests without error", m, r)
		}
	}
	if r := sr.Modes["cgi"]; r.Spawned != 10 {
		t.Errorf("cgi spawned %d, want the gateway's count for the 10 measured requests", r.Spawned)
	}
	if !sr.Same {
		t.Errorf("hello.sh flagged as differing: %s", sr.Difference)
	}
	if mode := scriptMode(t, admin, "hello.sh"); mode != "cgi" {
		t.Errorf("hello.sh left in mode %q, want cgi as before the bench", mode)
	}
	// An --admin that does not answer is named before any load, not
	// reported as the script's failure.
	wrong := freeAddr(t)
	code, stdout, stderr = runMenshen(t, nil, "bench", "--url", "http://"+addr, "--admin", wrong, "--requests", "10", "hello.sh")
	if code != 1 || !strings.Contains(stderr, "admin listener (--admin)") || !strings.Contains(stderr, wrong) || strings.Contains(stdout, "req/s") {
		t.Errorf("bench with --admin %s answering nothing: exit %d, stdout %q, stderr %q; want 1 and a line naming the admin address", wrong, code, stdout, stderr)
	}
	oneLine(t, "stderr", stderr)
	// A --url where no gateway runs likewise: it printed the table's
	// header, empty, before the error.
	code, stdout, stderr = runMenshen(t, nil, "bench", "--url", "http://"+wrong, "--admin", admin, "--requests", "10", "hello.sh")
	if code != 1 || stdout != "" || !strings.Contains(stderr, "(--url)") || !strings.Contains(stderr, wrong) {
		t.Errorf("bench with --url %s answering nothing: exit %d, stdout %q, stderr %q; want 1, no table, and a line naming the address", wrong, code, stdout, stderr)
	}
	oneLine(t, "stderr", stderr)
	// An --admin that is another gateway's, serving the same scripts:
	// the rows measured the gateway at --url in cgi mode twice while the
	// modes were switched on the other, and the run passed.
	addr2, admin2 := freeAddr(t), freeAddr(t)
	s2 := mustServe(t, addr2, nil, "--listen", addr2, "--admin", admin2, "--scripts", dir)
	code, stdout, stderr = runMenshen(t, nil, "bench", "--url", "http://"+addr, "--admin", admin2, "--requests", "10", "hello.sh")
	if code != 2 || stdout != "" || !strings.Contains(stderr, "is it the admin listener of that gateway?") || !strings.Contains(stderr, admin2) {
		t.Errorf("bench with --admin %s of another gateway: exit %d, stdout %q, stderr %q; want 2, no table, and a line naming the admin address", admin2, code, stdout, stderr)
	}
	oneLine(t, "stderr", stderr)
	if mode := scriptMode(t, admin2, "hello.sh"); mode != "cgi" {
		t.Errorf("the other gateway's hello.sh left in mode %q, want cgi: no mode is switched before the check", mode)
	}
	s2.stop(t, syscall.SIGTERM)
	s.stop(t, syscall.SIGTERM)
}

// TestBench_BadFlagsExit2 checks the usage errors of C50's flags.
func TestBench_BadFlagsExit2(t *testing.T) {
	t.Parallel()
	dir := mustBenchDir(t)
	for _, args := range [][]string{
		{"bench", "--requests", "10", "--duration", "1s"},
		{"bench", "--concurrency", "0"},
		{"bench", "--url", "ftp://x"},
		{"bench", "--scripts", dir, "--timeout", "0s", "hello.sh"},
		{"bench", "--scripts", dir, "--timeout", "-5s", "hello.sh"},
		{"bench", "--scripts", dir, "--warmup", "-3", "hello.sh"},
		{"bench", "--scripts", dir, "--duration", "0s", "hello.sh"},
	} {
		if code, _, stderr := runMenshen(t, nil, args...); code != 2 {
			t.Errorf("menshen %s: exit %d (stderr %q), want 2", strings.Join(args, " "), code, stderr)
		}
	}
}

// TestBench_FlagsFromEnv guards C1 for bench: each flag reads
// MENSHEN_<FLAG>, and the older MENSHEN_BENCH_<FLAG> is still accepted
// when the first is not set.
func TestBench_FlagsFromEnv(t *testing.T) {
	t.Parallel()
	dir := mustBenchDir(t)
	for _, tc := range []struct {
		name string
		env  []string
		want int
	}{
		{"contract name", []string{"MENSHEN_REQUESTS=6", "MENSHEN_JSON=true"}, 6},
		{"contract name wins over alias", []string{"MENSHEN_BENCH_REQUESTS=5", "MENSHEN_REQUESTS=7", "MENSHEN_JSON=true"}, 7},
		{"alias alone", []string{"MENSHEN_BENCH_REQUESTS=5", "MENSHEN_BENCH_JSON=true"}, 5},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, stdout, stderr := runMenshen(t, tc.env, "bench", "--scripts", dir, "--concurrency", "1", "hello.sh")
			if code != 0 {
				t.Fatalf("exit %d, stderr:\n%s", code, stderr)
			}
			rep := mustParseBench(t, stdout)
			if rep.Requests != tc.want {
				t.Errorf("requests per mode %d, want %d", rep.Requests, tc.want)
			}
			if len(rep.Scripts) != 1 || rep.Scripts[0].Modes["cgi"].Requests != int64(tc.want) {
				t.Errorf("scripts %+v, want hello.sh with %d cgi requests", rep.Scripts, tc.want)
			}
		})
	}
}

// TestCLI_CommandLineBeatsEnv guards C1: a flag given on the command line
// wins over its MENSHEN_* variable, even a bad one (urfave/cli read the
// variable first, and MENSHEN_REQUESTS=abc failed --requests 4 with exit
// 2), and over the variable of a setting exclusive with it (--requests
// with MENSHEN_DURATION set was "not both").
func TestCLI_CommandLineBeatsEnv(t *testing.T) {
	t.Parallel()
	dir := mustBenchDir(t)
	for _, tc := range []struct {
		name string
		env  []string
		args []string
		want int // requests per mode; 0: a --duration run
	}{
		{"bad variable, flag given", []string{"MENSHEN_REQUESTS=abc"}, []string{"--requests", "4"}, 4},
		{"bad variable, flag given with =", []string{"MENSHEN_REQUESTS=abc"}, []string{"--requests=3"}, 3},
		{"duration in the environment, requests given", []string{"MENSHEN_DURATION=1s"}, []string{"--requests", "3"}, 3},
		{"requests in the environment, duration given", []string{"MENSHEN_REQUESTS=50"}, []string{"--duration", "200ms"}, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			args := append([]string{"bench", "--scripts", dir, "-c", "1", "--json"}, tc.args...)
			code, stdout, stderr := runMenshen(t, tc.env, append(args, "hello.sh")...)
			if code != 0 {
				t.Fatalf("exit %d, stderr:\n%s", code, stderr)
			}
			if rep := mustParseBench(t, stdout); tc.want != 0 && rep.Requests != tc.want {
				t.Errorf("requests per mode %d, want %d", rep.Requests, tc.want)
			}
		})
	}
	// Without the flag, the bad variable is still an error.
	if code, _, stderr := runMenshen(t, []string{"MENSHEN_REQUESTS=abc"}, "bench", "--scripts", dir, "hello.sh"); code != 2 || !strings.Contains(stderr, "MENSHEN_REQUESTS") {
		t.Errorf("bad MENSHEN_REQUESTS alone: exit %d, stderr %q; want 2 naming it", code, stderr)
	}
}

// TestBench_NotAScriptExits2 guards C50's arguments: a named script that
// does not exist or is not executable is a bad argument (exit 2, one line
// naming it) found before any load runs, both for the bench's own gateway
// and for one at --url, not a table of 404 or 403 answers.
func TestBench_NotAScriptExits2(t *testing.T) {
	t.Parallel()
	dir := mustBenchDir(t)
	addr, admin := freeAddr(t), freeAddr(t)
	s := mustServe(t, addr, nil, "--listen", addr, "--admin", admin, "--scripts", dir)
	t.Cleanup(func() { s.stop(t, syscall.SIGTERM) })
	local := []string{"bench", "--scripts", dir, "--requests", "4"}
	remote := []string{"bench", "--url", "http://" + addr, "--admin", admin, "--requests", "4"}
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"missing", slices.Concat(local, []string{"hello.sh", "nope.pl"}), `no such script: "nope.pl"`},
		{"missing with query", slices.Concat(local, []string{"nope.pl?x=1"}), `no such script: "nope.pl?x=1"`},
		{"not executable", slices.Concat(local, []string{"data.txt"}), `not executable: "data.txt"`},
		{"missing at --url", slices.Concat(remote, []string{"nope.pl"}), `no such script: "nope.pl"`},
		{"not executable at --url", slices.Concat(remote, []string{"data.txt"}), `not executable: "data.txt"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, stdout, stderr := runMenshen(t, nil, tc.args...)
			if code != 2 {
				t.Errorf("exit %d, want 2; stderr:\n%s", code, stderr)
			}
			lines := strings.Split(strings.TrimSpace(stderr), "\n")
			if last := lines[len(lines)-1]; !strings.HasPrefix(last, "menshen: ") || !strings.Contains(last, tc.want) {
				t.Errorf("last line of stderr %q, want the error naming it (%q)", last, tc.want)
			}
			// Only that line: the bench's own gateway logged its 403 to
			// the probe request before it.
			oneLine(t, "stderr", stderr)
			if stdout != "" || strings.Contains(stderr, "client ceiling") || strings.Contains(stderr, "req/s") {
				t.Errorf("a load ran before the error; stdout:\n%s\nstderr:\n%s", stdout, stderr)
			}
		})
	}
}

// TestBench_URLWrongPrefixExits2 guards C50's arguments at --url: a script
// the admin listener lists, named with a --url whose prefix the gateway
// does not serve, is a bad argument (exit 2, one line naming the URL that
// answered 404) found before any load runs. Bench skipped the probe for a
// listed script, and ran the whole load against 404s, then exited 1.
func TestBench_URLWrongPrefixExits2(t *testing.T) {
	t.Parallel()
	dir := mustBenchDir(t)
	addr, admin := freeAddr(t), freeAddr(t)
	s := mustServe(t, addr, nil, "--listen", addr, "--admin", admin, "--scripts", dir, "--prefix", "/app/")
	t.Cleanup(func() { s.stop(t, syscall.SIGTERM) })
	for _, tc := range []struct {
		name, url, script, want string
	}{
		{"wrong path", "http://" + addr + "/wrong/", "hello.sh", "http://" + addr + "/wrong/hello.sh"},
		{"wrong path, with query", "http://" + addr + "/wrong/", "hello.sh?q=1", "http://" + addr + "/wrong/hello.sh?q=1"},
		// (No path: --prefix, /cgi-bin/ by default, not the gateway's.)
		{"no path", "http://" + addr, "hello.sh", "http://" + addr + "/cgi-bin/hello.sh"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, stdout, stderr := runMenshen(t, nil, "bench", "--url", tc.url, "--admin", admin, "--requests", "4", tc.script)
			if code != 2 {
				t.Errorf("exit %d, want 2; stderr:\n%s", code, stderr)
			}
			if !strings.HasPrefix(stderr, "menshen: ") || !strings.Contains(stderr, fmt.Sprintf("no such script: %q", tc.script)) ||
				!strings.Contains(stderr, tc.want+" answers 404") {
				t.Errorf("stderr %q, want the error naming %s and its 404", stderr, tc.want)
			}
			oneLine(t, "stderr", stderr)
			if stdout != "" {
				t.Errorf("a load ran before the error; stdout:\n%s", stdout)
			}
		})
	}
	// The prefix the gateway serves is no bad argument.
	code, stdout, stderr := runMenshen(t, nil, "bench", "--url", "http://"+addr+"/app/", "--admin", admin, "--requests", "4", "--json", "hello.sh")
	if code != 0 {
		t.Fatalf("--url with the gateway's prefix: exit %d, stderr:\n%s", code, stderr)
	}
	if rep := mustParseBench(t, stdout); len(rep.Scripts) != 1 || rep.Scripts[0].Modes["cgi"].Errors != 0 || rep.Scripts[0].Modes["fastcgi"].Errors != 0 {
		t.Errorf("--url with the gateway's prefix: %+v; want hello.sh without errors", rep.Scripts)
	}
}

// TestBench_RefusedTokenExits2: a token the admin listener refuses, or
// none where it wants one, is a bad argument of bench --url (exit 2, as
// for mode), not a failed bench (exit 1), and no load runs.
func TestBench_RefusedTokenExits2(t *testing.T) {
	t.Parallel()
	dir := mustBenchDir(t)
	addr, admin := freeAddr(t), freeAddr(t)
	s := mustServe(t, addr, []string{"MENSHEN_ADMIN_TOKEN=sekret"}, "--listen", addr, "--admin", admin, "--scripts", dir)
	t.Cleanup(func() { s.stop(t, syscall.SIGTERM) })
	for _, token := range [][]string{{"--admin-token", "wrong"}, nil} {
		args := slices.Concat([]string{"bench", "--url", "http://" + addr, "--admin", admin, "--requests", "4"}, token, []string{"hello.sh"})
		code, stdout, stderr := runMenshen(t, nil, args...)
		if code != 2 || !strings.Contains(stderr, "401") || stdout != "" || strings.Contains(stderr, "req/s") {
			t.Errorf("bench with token %v: exit %d, stdout %q, stderr %q; want 2, the 401 named, no load", token, code, stdout, stderr)
		}
	}
	code, _, stderr := runMenshen(t, nil, "bench", "--url", "http://"+addr, "--admin", admin, "--admin-token", "sekret", "--requests", "4", "hello.sh")
	if code != 0 {
		t.Errorf("bench with the token: exit %d, stderr:\n%s", code, stderr)
	}
}

// TestBench_ScriptNames guards C50 over the names /status.json gives and
// the other ways to say them: a [[mount]]'s script ("/legacy/slow.pl",
// requested under its own prefix), a script's URL path
// ("/cgi-bin/slow.pl") and a name with PATH_INFO: each is measured in
// both modes (the fastcgi row really in fastcgi mode: fewer processes
// than requests) and counted under its script. A slash name under no
// mount is no script (exit 2).
func TestBench_ScriptNames(t *testing.T) {
	if _, err := os.Stat("/usr/bin/perl"); err != nil {
		t.Skip("perl not installed (Debian package perl)")
	}
	t.Parallel()
	dir := mustBenchDir(t)
	legacy := filepath.Join(filepath.Dir(dir), "legacy")
	if err := os.Mkdir(legacy, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(legacy, "slow.pl"), []byte(benchSlowPl), 0o755); err != nil {
		t.Fatal(err)
	}
	conf := filepath.Join(filepath.Dir(dir), "m.toml")
	if err := os.WriteFile(conf, []byte(fmt.Sprintf("[[mount]]\nprefix = \"/legacy/\"\ndir = %q\n", legacy)), 0o644); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := runMenshen(t, nil, "bench", "--scripts", dir, "--config", conf, "--requests", "8", "--workers", "1", "--json",
		"/legacy/slow.pl", "/cgi-bin/slow.pl", "slow.pl/extra?x=1")
	if code != 0 {
		t.Fatalf("exit %d, stderr:\n%s", code, stderr)
	}
	rep := mustParseBench(t, stdout)
	var names []string
	for _, s := range rep.Scripts {
		names = append(names, s.Script)
		c, f := s.Modes["cgi"], s.Modes["fastcgi"]
		if s.Error != "" || !s.Same || c.Requests != 8 || f.Requests != 8 || c.Errors != 0 || f.Errors != 0 {
			t.Errorf("%s: error %q, same %v, cgi %+v, fastcgi %+v", s.Script, s.Error, s.Same, c, f)
		}
		if c.Spawned != 8 || f.Spawned > 1 {
			t.Errorf("%s: spawned %d in cgi, %d in fastcgi; want 8 and at most the one worker", s.Script, c.Spawned, f.Spawned)
		}
	}
	if got := strings.Join(names, " "); got != "/legacy/slow.pl slow.pl slow.pl/extra?x=1" {
		t.Errorf("scripts %q", got)
	}
	if code, _, stderr := runMenshen(t, nil, "bench", "--scripts", dir, "--requests", "4", "/slow.pl"); code != 2 || !strings.Contains(stderr, `no such script: "/slow.pl"`) {
		t.Errorf("/slow.pl: exit %d, stderr %q; want 2 naming it", code, stderr)
	}

	// The same against a running gateway (--url): POST /mode takes the
	// script's name, not the one with PATH_INFO.
	addr, admin := freeAddr(t), freeAddr(t)
	srv := mustServe(t, addr, nil, "--listen", addr, "--admin", admin, "--scripts", dir, "--workers", "1")
	t.Cleanup(func() { srv.stop(t, syscall.SIGTERM) })
	for _, name := range []string{"slow.pl/extra", "/cgi-bin/slow.pl/extra"} {
		code, stdout, stderr = runMenshen(t, nil, "bench", "--url", "http://"+addr, "--admin", admin, "--requests", "8", "--json", name)
		if code != 0 {
			t.Fatalf("--url %s: exit %d, stderr:\n%s", name, code, stderr)
		}
		if rep := mustParseBench(t, stdout); len(rep.Scripts) != 1 || rep.Scripts[0].Modes["cgi"].Spawned != 8 || rep.Scripts[0].Modes["fastcgi"].Spawned > 1 {
			t.Errorf("--url %s: %+v; want 8 processes in cgi, at most the worker in fastcgi", name, rep.Scripts)
		}
	}
}

// TestBench_EscapedScriptName: a script whose file name is not UTF-8 is
// listed by /status.json escaped (caf\xe9.pl); bench measures it by that
// name, in process and against a running gateway (--url), with every
// request a real one (it was "no such script" in process, and a 404 for
// every request with --url). A name with a "?" too.
func TestBench_EscapedScriptName(t *testing.T) {
	if _, err := os.Stat("/usr/bin/perl"); err != nil {
		t.Skip("perl not installed (Debian package perl)")
	}
	t.Parallel()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "caf\xe9.pl"), []byte(benchSlowPl), 0o755); err != nil {
		t.Fatal(err)
	}
	check := func(what string, code int, stdout, stderr string) {
		t.Helper()
		if code != 0 {
			t.Fatalf("%s: exit %d, stderr:\n%s", what, code, stderr)
		}
		rep := mustParseBench(t, stdout)
		if len(rep.Scripts) != 1 {
			t.Fatalf("%s: %+v", what, rep.Scripts)
		}
		s := rep.Scripts[0]
		if c, f := s.Modes["cgi"], s.Modes["fastcgi"]; s.Error != "" || !s.Same || c.Spawned != 4 || f.Spawned > 1 || c.Errors != 0 || f.Errors != 0 {
			t.Errorf("%s: error %q, same %v, cgi %+v, fastcgi %+v; want 4 processes in cgi, at most the worker in fastcgi", what, s.Error, s.Same, c, f)
		}
	}
	code, stdout, stderr := runMenshen(t, nil, "bench", "--scripts", dir, "--requests", "4", "--workers", "1", "--json", `caf\xe9.pl`)
	check("in process", code, stdout, stderr)
	addr, admin := freeAddr(t), freeAddr(t)
	srv := mustServe(t, addr, nil, "--listen", addr, "--admin", admin, "--scripts", dir, "--workers", "1")
	t.Cleanup(func() { srv.stop(t, syscall.SIGTERM) })
	code, stdout, stderr = runMenshen(t, nil, "bench", "--url", "http://"+addr, "--admin", admin, "--requests", "4", "--json")
	check("--url", code, stdout, stderr)

	// A "?" in a file's name is the name's, not a query's: bench of the
	// directory stopped at it ("no such script"), and so did the name.
	qdir := t.TempDir()
	if err := os.WriteFile(filepath.Join(qdir, "what?.pl"), []byte(benchSlowPl), 0o755); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr = runMenshen(t, nil, "bench", "--scripts", qdir, "--requests", "4", "--workers", "1", "--json")
	check("a ? in the name, listed", code, stdout, stderr)
	code, stdout, stderr = runMenshen(t, nil, "bench", "--scripts", qdir, "--requests", "4", "--workers", "1", "--json", "what?.pl")
	check("a ? in the name, named", code, stdout, stderr)
}

// benchClockPl prints the "time" on a clock that ticks once per request
// (to any process, in any mode) and shows only every 20th tick, as a page
// footer shows the minute: two requests in a row usually answer the same,
// two a round apart do not. It stands for a script printing time(),
// without making the test wait for the clock.
const benchClockPl = `#!/usr/bin/perl
use strict;
use warnings;
use Fcntl qw(:flock O_RDWR O_CREAT);
(my $state = $ENV{SCRIPT_FILENAME}) =~ s{/[^/]+/[^/]+$}{/state};
sysopen my $fh, "$state/ticks", O_RDWR | O_CREAT or die "ticks: $!";
flock $fh, LOCK_EX or die "flock: $!";
my $n = <$fh> || 0;
$n++;
seek $fh, 0, 0;
truncate $fh, 0;
print $fh $n;
close $fh;
print "Content-Type: text/plain\r\n\r\ngenerated at minute ", int($n / 20), "\n";
`

// TestBench_TimeVaryingScriptIsNoDifference guards C50's verdict for a
// script whose answer changes with time: its fastcgi answer, a round after
// the first cgi one, was called a difference between the modes ("answers
// differ": not safe to persist). Its cgi answers are now taken before and
// after the fastcgi one: it is the same, or, when the cgi answers changed
// around it, "cannot compare", never a difference. The script that keeps
// state in its worker still differs.
func TestBench_TimeVaryingScriptIsNoDifference(t *testing.T) {
	if _, err := os.Stat("/usr/bin/perl"); err != nil {
		t.Skip("perl not installed (Debian package perl)")
	}
	t.Parallel()
	dir := mustBenchDir(t)
	if err := os.WriteFile(filepath.Join(dir, "clock.pl"), []byte(benchClockPl), 0o755); err != nil {
		t.Fatal(err)
	}
	_, stdout, stderr := runMenshen(t, nil, "bench", "--scripts", dir, "--requests", "20", "--concurrency", "1", "--workers", "1", "--json", "clock.pl", "counter.pl")
	rep := mustParseBench(t, stdout)
	if len(rep.Scripts) != 2 {
		t.Fatalf("scripts %+v; stderr:\n%s", rep.Scripts, stderr)
	}
	clock, counter := rep.Scripts[0], rep.Scripts[1]
	if clock.Error != "" || !clock.Same && !strings.HasPrefix(clock.Difference, "cgi answers vary from request to request, cannot compare") {
		t.Errorf("clock.pl: same %v, difference %q, error %q; want the same, or cannot compare", clock.Same, clock.Difference, clock.Error)
	}
	if counter.Same || !strings.HasPrefix(counter.Difference, "body differs") {
		t.Errorf("counter.pl: same %v, difference %q; want its body difference", counter.Same, counter.Difference)
	}
}

// TestBench_EnvironmentDumpIsTheSame: a script that prints its
// environment (Apache's printenv, the first script many try) answers the
// same in both modes but for REMOTE_PORT, which differs between any two
// connections: bench's reference requests each come on a connection of
// their own, and it said "cannot compare" and exited 1. The client port of
// each answer is taken for the same now; another difference still shows.
func TestBench_EnvironmentDumpIsTheSame(t *testing.T) {
	if _, err := os.Stat("/usr/bin/perl"); err != nil {
		t.Skip("perl not installed (Debian package perl)")
	}
	t.Parallel()
	dir := mustBenchDir(t)
	printenv := "#!/usr/bin/perl\nprint \"Content-Type: text/plain\\n\\n\";\nprint \"$_=\\\"$ENV{$_}\\\"\\n\" for sort keys %ENV;\n"
	// The same, and the process's own pid: a real difference per request.
	withPid := "#!/usr/bin/perl\nprint \"Content-Type: text/plain\\n\\n\";\nprint \"$_=$ENV{$_}\\n\" for sort keys %ENV;\nprint \"pid=$$\\n\";\n"
	for name, src := range map[string]string{"printenv.pl": printenv, "envpid.pl": withPid} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(src), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	code, stdout, stderr := runMenshen(t, nil, "bench", "--scripts", dir, "--requests", "10", "--concurrency", "1", "--workers", "1", "--json", "printenv.pl", "envpid.pl")
	rep := mustParseBench(t, stdout)
	if len(rep.Scripts) != 2 {
		t.Fatalf("scripts %+v; stderr:\n%s", rep.Scripts, stderr)
	}
	if env := rep.Scripts[0]; !env.Same || env.Error != "" {
		t.Errorf("printenv.pl: same %v, difference %q, error %q; want the same", env.Same, env.Difference, env.Error)
	}
	if pid := rep.Scripts[1]; pid.Same || !strings.Contains(pid.Difference, "pid=") {
		t.Errorf("envpid.pl: same %v, difference %q; want its pid named as what varies", pid.Same, pid.Difference)
	}
	if code != 1 {
		t.Errorf("exit %d, want 1 (envpid.pl cannot be compared)", code)
	}
}

// TestBench_NoWarmupStillFindsStateInWorker guards C50's verdict with
// --warmup 0: the fastcgi reference answer was the first one of a fresh
// worker, the same as cgi's, and a script keeping state in its worker was
// judged the same (safe to persist). It is now taken after the measured
// load, from a worker that has served.
func TestBench_NoWarmupStillFindsStateInWorker(t *testing.T) {
	if _, err := os.Stat("/usr/bin/perl"); err != nil {
		t.Skip("perl not installed (Debian package perl)")
	}
	t.Parallel()
	dir := mustBenchDir(t)
	code, stdout, stderr := runMenshen(t, nil, "bench", "--scripts", dir, "--requests", "4", "--concurrency", "1", "--workers", "1", "--warmup", "0", "--json", "counter.pl")
	rep := mustParseBench(t, stdout)
	if code != 1 || len(rep.Scripts) != 1 {
		t.Fatalf("exit %d, scripts %+v, want 1 and counter.pl; stderr:\n%s", code, rep.Scripts, stderr)
	}
	if s := rep.Scripts[0]; s.Same || !strings.HasPrefix(s.Difference, "body differs") {
		t.Errorf("counter.pl with --warmup 0: same %v, difference %q; want its body difference", s.Same, s.Difference)
	}
}

// startBench starts `menshen bench` with args in the background; stop
// signals it and returns its exit code. Cleanup kills it if the test has
// not stopped it.
func startBench(tb testing.TB, args ...string) *server {
	tb.Helper()
	s := &server{stderr: &syncBuffer{}, done: make(chan struct{})}
	s.cmd = exec.Command(binary, append([]string{"bench"}, args...)...)
	s.cmd.Env = menshenEnv()
	s.cmd.Stdout = &syncBuffer{}
	s.cmd.Stderr = s.stderr
	s.start(tb)
	return s
}

// scriptMode is a script's mode in the gateway's /status.json at admin.
func scriptMode(tb testing.TB, admin, name string) string {
	tb.Helper()
	code, body := get(tb, "http://"+admin+"/status.json")
	var st struct {
		Scripts []struct{ Name, Mode string } `json:"scripts"`
	}
	if err := json.Unmarshal([]byte(body), &st); code != 200 || err != nil {
		tb.Fatalf("status.json: %d %v", code, err)
	}
	for _, s := range st.Scripts {
		if s.Name == name {
			return s.Mode
		}
	}
	tb.Fatalf("status.json does not list %s:\n%s", name, body)
	return ""
}

// TestBench_URLInterruptedRestoresMode guards --url: Ctrl-C (SIGINT) or
// SIGTERM during the fastcgi round left the script in fastcgi mode on the
// running gateway (the mode was put back with the cancelled context, and
// that failed). It is put back, and bench says so.
func TestBench_URLInterruptedRestoresMode(t *testing.T) {
	t.Parallel()
	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM} {
		t.Run(sig.String(), func(t *testing.T) {
			t.Parallel()
			dir := mustBenchDir(t)
			addr, admin := freeAddr(t), freeAddr(t)
			srv := mustServe(t, addr, nil, "--listen", addr, "--admin", admin, "--scripts", dir)
			t.Cleanup(func() { srv.stop(t, syscall.SIGTERM) })
			b := startBench(t, "--url", "http://"+addr, "--admin", admin, "--duration", "800ms", "--concurrency", "1", "hello.sh")
			deadline := time.Now().Add(10 * time.Second)
			for scriptMode(t, admin, "hello.sh") != "fastcgi" {
				if time.Now().After(deadline) {
					t.Fatalf("hello.sh never in fastcgi mode; bench stderr:\n%s", b.stderr)
				}
				time.Sleep(10 * time.Millisecond)
			}
			b.stop(t, sig)
			if m := scriptMode(t, admin, "hello.sh"); m != "cgi" {
				t.Errorf("hello.sh left in %s mode after %v, want cgi as before the bench", m, sig)
			}
			if last := lastLine(b.stderr.String()); !strings.Contains(last, "hello.sh is back in cgi mode") {
				t.Errorf("last line of stderr %q, want it to say hello.sh is back in cgi mode", last)
			}
		})
	}
}

// TestBench_InterruptedSaysSoAndExits130 guards an interrupted bench: it
// printed "menshen: context canceled" (on the progress bar's line) and
// exited 1. It now writes the scripts measured before the interruption,
// as usual, then one line saying it was interrupted, and exits 130.
func TestBench_InterruptedSaysSoAndExits130(t *testing.T) {
	if _, err := os.Stat("/usr/bin/perl"); err != nil {
		t.Skip("perl not installed (Debian package perl)")
	}
	t.Parallel()
	for _, tc := range []struct {
		name    string
		scripts []string
		wait    string   // the state file whose appearance says the bench got there
		rows    []string // the table's scripts
		last    string
		json    bool
	}{
		{"during the first script", []string{"hello.sh", "slow.pl"}, "sh.", nil,
			"menshen: bench: interrupted during hello.sh; no results", false},
		{"during the second script", []string{"hello.sh", "slow.pl"}, "slow.", []string{"hello.sh", "hello.sh"},
			"menshen: bench: interrupted during slow.pl; results above for the script measured before", false},
		// --json says so in the document too, for a machine that reads
		// stdout only: it looked like a whole run of one script.
		{"json, during the second script", []string{"--json", "hello.sh", "slow.pl"}, "slow.", []string{"hello.sh"},
			"menshen: bench: interrupted during slow.pl; results above for the script measured before", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			dir := mustBenchDir(t)
			state := filepath.Join(filepath.Dir(dir), "state")
			b := startBench(t, append([]string{"--scripts", dir, "--duration", "400ms", "--concurrency", "1", "--workers", "1"}, tc.scripts...)...)
			deadline := time.Now().Add(10 * time.Second)
			for {
				ents, _ := os.ReadDir(state)
				if slices.ContainsFunc(ents, func(e os.DirEntry) bool { return strings.HasPrefix(e.Name(), tc.wait) }) {
					break
				}
				if time.Now().After(deadline) {
					t.Fatalf("no %s* file in the state directory after 10 s; stderr:\n%s", tc.wait, b.stderr)
				}
				time.Sleep(5 * time.Millisecond)
			}
			if code := b.stop(t, syscall.SIGINT); code != 130 {
				t.Errorf("exit %d, want 130; stderr:\n%s", code, b.stderr)
			}
			if last := lastLine(b.stderr.String()); last != tc.last {
				t.Errorf("last line of stderr %q, want %q", last, tc.last)
			}
			var rows []string
			if tc.json {
				rep := mustParseBench(t, b.cmd.Stdout.(*syncBuffer).String())
				for _, sr := range rep.Scripts {
					rows = append(rows, sr.Script)
				}
				if want := "bench: interrupted during slow.pl"; rep.Interrupted != want {
					t.Errorf("interrupted %q in the JSON, want %q", rep.Interrupted, want)
				}
			}
			for _, l := range strings.Split(b.cmd.Stdout.(*syncBuffer).String(), "\n") {
				if f := strings.Fields(l); !tc.json && len(f) > 1 && (f[1] == "cgi" || f[1] == "fastcgi") {
					rows = append(rows, f[0])
				}
			}
			if !slices.Equal(rows, tc.rows) {
				t.Errorf("table rows for %q, want %q", rows, tc.rows)
			}
		})
	}
}

// TestBench_BrokenScriptWarningsSummarised guards the log of bench's own
// gateway: it wrote two warnings per request of a broken script (its
// stderr line and "request failed"), a hundred lines for a short run. The
// first of each kind are still shown (what is wrong stays visible), the
// rest counted in one line per script.
func TestBench_BrokenScriptWarningsSummarised(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	broken := "#!/bin/sh\necho 'cannot open the database' >&2\nexit 1\n"
	if err := os.WriteFile(filepath.Join(dir, "broken.sh"), []byte(broken), 0o755); err != nil {
		t.Fatal(err)
	}
	code, _, stderr := runMenshen(t, nil, "bench", "--scripts", dir, "--requests", "20", "--concurrency", "1", "broken.sh")
	if code != 1 {
		t.Errorf("exit %d, want 1 (requests failed); stderr:\n%s", code, stderr)
	}
	failed, said := strings.Count(stderr, `msg="request failed"`), strings.Count(stderr, `msg="cannot open the database"`)
	if failed < 1 || failed > 6 || said < 1 || said > 3 {
		t.Errorf("%d request failed lines and %d of the script's stderr line, want 1 to 3 of each kind (per mode):\n%s", failed, said, stderr)
	}
	if !regexp.MustCompile(`level=warning msg="\d+ more warnings not shown \(the first of each kind are above\)" script=broken.sh\n`).MatchString(stderr) {
		t.Errorf("no line counting the warnings not shown:\n%s", stderr)
	}
}
