package fastcgi

import (
	"bytes"
	"context"
	"encoding/hex"
	"io"
	"os/exec"
	"sort"
	"strings"
	"testing"
	"time"
)

// envBlockOf is runnerEnvBlock for params that must make a block: the
// test fails when they do not.
func envBlockOf(tb testing.TB, params []string) []byte {
	tb.Helper()
	dst, ok := runnerEnvBlock(params)
	if !ok {
		tb.Fatalf("params %.200q make no environment block", params)
	}
	return dst
}

func TestEnvBlock_Encoding(t *testing.T) {
	got := envBlockOf(t, []string{"A=1", "EMPTY=", "Q=k=7&x"})
	want := append([]byte{0, 0x80, 0, 0, 18}, "A\x001\x00EMPTY\x00\x00Q\x00k=7&x"...)
	if !bytes.Equal(got, want) {
		t.Errorf("block % x, want % x", got, want)
	}
	// It is one pair with an empty name, as any FastCGI reader sees it.
	pairs, err := decodePairs(got)
	if err != nil || len(pairs) != 1 || pairs[0].name != "" || pairs[0].value != string(want[5:]) {
		t.Errorf("decoded as %q, %v", pairs, err)
	}
	if got := envBlockOf(t, nil); !bytes.Equal(got, []byte{0, 0x80, 0, 0, 0}) {
		t.Errorf("empty block % x", got)
	}
	// A block after other bytes: its length counts only its own.
	dst, _ := AppendEnvVar(StartEnvBlock([]byte("xyz")), 3, "B", "2")
	if dst, ok := EndEnvBlock(dst, 3); !ok || string(dst) != "xyz\x00\x80\x00\x00\x03B\x002" {
		t.Errorf("block after a prefix: %q", dst)
	}
}

func TestEnvBlock_RefusesNUL(t *testing.T) {
	start := StartEnvBlock(nil)
	for _, kv := range [][2]string{{"A", "x\x00y"}, {"A\x00B", "1"}, {"", "1"}} {
		if dst, ok := AppendEnvVar(start, 0, kv[0], kv[1]); ok || len(dst) != len(start) {
			t.Errorf("AppendEnvVar(%q, %q) = %q, %v; want refused, nothing appended", kv[0], kv[1], dst, ok)
		}
	}
}

// TestRunner_EnvBlock: the runner's %ENV from an environment block is
// exactly what the same variables as pairs give, for values a pair each
// would carry (long ones, across records, empty, with '=', newlines and
// UTF-8), and what its programs see; params flagged as a block that are
// not one are read as pairs.
func TestRunner_EnvBlock(t *testing.T) {
	script := mustRunnerAbs(t, "testdata/runner/special/env_dump.pl")
	r := startRunner(t, script, IsolationAuto)
	c := r.dial(t)
	params := runnerParams(script, "GET", "a=1&b==2", "",
		"HTTP_COOKIE="+strings.Repeat("c", 200),
		"HTTP_X_BIG="+strings.Repeat("0123456789", 7000), // longer than a record
		"HTTP_X_EMPTY=",
		"HTTP_X_LINES=one\ntwo\r\n",
		"HTTP_X_UTF8=ü €",
		"MENSHEN_LAST=last",
		"ZZ_EMPTY_LAST=") // (a trailing empty field)
	want := "Content-Type: text/plain\n\n"
	var lines []string
	for _, kv := range params {
		k, v, _ := strings.Cut(kv, "=")
		lines = append(lines, k+"="+hex.EncodeToString([]byte(v))+"\n")
	}
	sort.Strings(lines)
	want += strings.Join(lines, "") + "child: last\n"
	pairs, err := encodeParams(params)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name  string
		pairs []byte
		block bool
		want  string
	}{
		{"pairs", pairs, false, want},
		{"block", envBlockOf(t, params), true, want},
		{"pairs flagged as a block", pairs, true, want},
		{"block again", envBlockOf(t, params), true, want},
		{"empty block", envBlockOf(t, nil), true, "Content-Type: text/plain\n\nchild: "},
	} {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		resp, err := c.Do(ctx, &Request{Pairs: tc.pairs, EnvBlock: tc.block})
		if err != nil {
			cancel()
			t.Fatalf("%s: %v", tc.name, err)
		}
		out, err := io.ReadAll(resp)
		resp.Close()
		cancel()
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if string(out) != tc.want {
			t.Errorf("%s: got\n%.600q\nwant\n%.600q", tc.name, out, tc.want)
		}
	}
	// The same bytes as the script run as a CGI process with that
	// environment (less the variables perl or the shell add: none here).
	cmd := exec.Command(script)
	cmd.Env = params
	cmd.Dir = r.cmd.Dir
	cgiOut, err := cmd.Output()
	if err != nil {
		t.Fatal(err)
	}
	if string(cgiOut) != want {
		t.Errorf("CGI process: got\n%.600q\nwant\n%.600q", cgiOut, want)
	}
}

func BenchmarkEnvBlock(b *testing.B) {
	params := runnerParams("/srv/cgi/hello.pl", "GET", "k=7", "", "HTTP_HOST=127.0.0.1:8080", "HTTP_USER_AGENT=wrk")
	var dst []byte
	for b.Loop() {
		dst = StartEnvBlock(dst[:0])
		for _, kv := range params {
			k, v, _ := strings.Cut(kv, "=")
			dst, _ = AppendEnvVar(dst, 0, k, v)
		}
		dst, _ = EndEnvBlock(dst, 0)
	}
}
