package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"net"
	"net/http"
	"os/exec"
	"reflect"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/menshen/menshen/gateway"
	"github.com/sirupsen/logrus"
)

type stringer struct{}

func (stringer) String() string { return "a stringer" }

// TestTextFormatter_SameBytesAsLogrus keeps the fast formatter a drop-in
// for logrus.TextFormatter{FullTimestamp, DisableColors}: operators' log
// parsers must not notice the difference.
func TestTextFormatter_SameBytesAsLogrus(t *testing.T) {
	ref := &logrus.TextFormatter{FullTimestamp: true, DisableColors: true}
	when := time.Date(2026, 11, 28, 20, 10, 4, 123456789, time.UTC)
	cases := []struct {
		name  string
		level logrus.Level
		msg   string
		data  logrus.Fields
	}{
		{"access line", logrus.InfoLevel, "request", logrus.Fields{"req": uint64(12345), "method": "GET", "path": "/cgi-bin/hello.pl", "status": 200, "bytes": int64(26), "duration": (1234 * time.Microsecond).String(), "script": "hello.pl", "mode": "fastcgi", "pid": 4242}},
		{"quoting", logrus.WarnLevel, "Variable \"@x\" is not available at /a b.pl line 3.", logrus.Fields{"reason": "cgi: script output ended before the header block", "empty": "", "tab": "a\tb", "utf8": "é", "chars": "a-b.c_d/e@f^g+h"}},
		{"types", logrus.ErrorLevel, "reload failed", logrus.Fields{"error": errors.New("bad \"line\" 5"), "s": stringer{}, "f": 1.5, "b": true, "neg": -3}},
		{"no message", logrus.DebugLevel, "", logrus.Fields{"k": "v"}},
		{"no fields", logrus.InfoLevel, "stopped", nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e := &logrus.Entry{Logger: logrus.New(), Data: tc.data, Time: when, Level: tc.level, Message: tc.msg}
			if e.Data == nil {
				e.Data = logrus.Fields{}
			}
			want, err := ref.Format(e)
			if err != nil {
				t.Fatal(err)
			}
			got, err := textFormatter{}.Format(e)
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != string(want) {
				t.Errorf("got  %s\nwant %s", got, want)
			}
		})
	}
}

func BenchmarkTextFormatter(b *testing.B) {
	e := &logrus.Entry{Logger: logrus.New(), Time: time.Now(), Level: logrus.InfoLevel, Message: "request", Data: logrus.Fields{"req": uint64(12345), "method": "GET", "path": "/cgi-bin/hello.pl", "status": 200, "bytes": int64(26), "duration": "1.234ms", "script": "hello.pl", "mode": "fastcgi", "pid": 4242}}
	for b.Loop() {
		_, _ = textFormatter{}.Format(e)
	}
}

// TestJSONFormatter_EscapesFormatCharacters: a bidirectional override or a
// zero-width character in a logged value (a requested path, a script's
// stderr) is written as a \u escape, as the text format quotes it, and the
// line stays the same JSON; an ASCII line is logrus's own.
func TestJSONFormatter_EscapesFormatCharacters(t *testing.T) {
	when := time.Date(2026, 11, 28, 20, 10, 4, 0, time.UTC)
	path := "/cgi-bin/x\u202egpj.pl\u200b\U000E0041é\x7f\u009b\u0085"
	e := &logrus.Entry{Logger: logrus.New(), Data: logrus.Fields{"path": path}, Time: when, Level: logrus.InfoLevel, Message: "request"}
	b, err := (&jsonFormatter{}).Format(e)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range []string{"\u202e", "\u200b", "\U000E0041", "\x7f", "\u009b", "\u0085"} {
		if strings.Contains(string(b), r) {
			t.Errorf("line %q holds %+q raw", b, r)
		}
	}
	if !strings.Contains(string(b), `\u202e`) || !strings.Contains(string(b), "é") {
		t.Errorf("line %q: want \\u202e escaped and é as it is", b)
	}
	var got map[string]string
	if err := json.Unmarshal(b, &got); err != nil || got["path"] != path {
		t.Errorf("line %q decodes to %q (%v), want the path back", b, got["path"], err)
	}
	e.Data = logrus.Fields{"path": "/cgi-bin/hello.pl"}
	want, _ := (&logrus.JSONFormatter{}).Format(e)
	if b, _ := (&jsonFormatter{}).Format(e); string(b) != string(want) {
		t.Errorf("ASCII line %q, want logrus's %q", b, want)
	}
}

// accessValues are the string values an access line's fields are tried
// with: what a client can put in a path or method, what a reason or a
// script name can hold, and what each format quotes or escapes.
var accessValues = []string{
	"", "GET", "request", "request failed", "/cgi-bin/hello.fcgi", "127.0.0.1", "::1", "fe80::1%eth0",
	"hello.fcgi", "sub/x.pl", "cgi", "fastcgi", "-._/@^+", "a=b", "a b", " ", `/q"uote`, `/back\slash`,
	"/ctl\x00\x01\x1f", "tab\there", "nl\nline", "cr\r", "\x7f", "\x80", "\xff\xfe", "\xc2", "bad\xe2\x82",
	"é", "µ", "日本語", "\u202e", "\u200b", "\U000E0041", "\u2028\u2029", "\u0085\u009b", "\ufffd", "\U0001F600",
	"<script>&amp;", "a&b", "1>0", "a<b", "/x?a=1&b=2", "%2F%00", "cgi: script output ended before the header block", "fastcgi: worker exited (exit status 255)",
	"M-SEARCH", strings.Repeat("/very/long/path", 100), "\b\f", "'single'", "{}", "[1,2]", "\\u0041",
}

var accessDurations = []time.Duration{
	0, 1, 999, time.Microsecond, 1234 * time.Microsecond, 999 * time.Microsecond, time.Millisecond,
	1500 * time.Millisecond, time.Second, 61 * time.Second, 3*time.Hour + 2*time.Minute + 1234567*time.Microsecond,
	-1, -time.Microsecond, -90 * time.Minute, 1<<63 - 1, -1 << 63,
}

var accessLevels = []logrus.Level{logrus.PanicLevel, logrus.FatalLevel, logrus.ErrorLevel, logrus.WarnLevel, logrus.InfoLevel, logrus.DebugLevel, logrus.TraceLevel, 42}

var accessZones = []*time.Location{time.UTC, time.Local, time.FixedZone("", 5*3600+1800), time.FixedZone("X", -(3*3600 + 17*60 + 5))}

// oldAccessFields are the fields ServeHTTP put in its map before the
// access line had a struct (the reference: a hook sees these, and the
// formatters wrote them).
func oldAccessFields(a gateway.AccessLine) logrus.Fields {
	f := logrus.Fields{}
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

// checkAccessLine fails unless each formatter's AppendAccess writes what
// its Format writes for the entry of the old fields (and what logrus's
// TextFormatter writes), and AccessLine.Fields are the old fields.
func checkAccessLine(t testing.TB, a gateway.AccessLine) {
	t.Helper()
	old := oldAccessFields(a)
	if got := a.Fields(logrus.Fields{}); !reflect.DeepEqual(got, old) {
		t.Fatalf("Fields %#v, want %#v", got, old)
	}
	ref := &logrus.TextFormatter{FullTimestamp: true, DisableColors: true}
	for _, f := range []gateway.AccessFormatter{textFormatter{}, &jsonFormatter{}, &jsonFormatter{logrus.JSONFormatter{DisableHTMLEscape: true}}} {
		e := &logrus.Entry{Logger: logrus.New(), Data: old, Time: a.Time, Level: a.Level, Message: a.Msg, Buffer: &bytes.Buffer{}}
		want, err := f.Format(e)
		if err != nil {
			t.Fatal(err)
		}
		if _, text := f.(textFormatter); text {
			e.Buffer = &bytes.Buffer{}
			if logrusWant, _ := ref.Format(e); string(logrusWant) != string(want) {
				t.Fatalf("textFormatter %q, logrus %q", want, logrusWant)
			}
		}
		prefix := []byte("previous line\n")
		got := f.AppendAccess(prefix[:len(prefix):len(prefix)], a)
		if string(got[len(prefix):]) != string(want) || string(got[:len(prefix)]) != string(prefix) {
			t.Fatalf("%T AppendAccess(%#v)\n got %q\nwant %q", f, a, got[len(prefix):], want)
		}
	}
}

// TestAccessLine_AppendAccessSameBytesAsFormat: the access line written
// straight from its fields (gateway.AccessFormatter, no logrus.Fields) is
// byte for byte the line Format writes from the fields ServeHTTP used to
// build, in text and JSON, for every value the fields can take: each string
// value in each string field, each number's edges, each level, duration
// and time zone, and random mixes of them.
func TestAccessLine_AppendAccessSameBytesAsFormat(t *testing.T) {
	when := time.Date(2026, 11, 28, 20, 10, 4, 123456789, time.UTC)
	base := gateway.AccessLine{Time: when, Level: logrus.InfoLevel, Msg: "request", Req: 12345, Remote: "127.0.0.1", Method: "GET",
		Path: "/cgi-bin/hello.fcgi", Status: 200, Bytes: 26, Duration: 1234 * time.Microsecond, Script: "hello.fcgi", Mode: gateway.ModeFastCGI, PID: 4242}
	n := 0
	check := func(a gateway.AccessLine) {
		checkAccessLine(t, a)
		n++
	}
	for _, v := range accessValues {
		for i := range 7 {
			a := base
			a.Failed = true
			switch i {
			case 0:
				a.Msg = v
			case 1:
				a.Remote = v
			case 2:
				a.Method = v
			case 3:
				a.Path = v
			case 4:
				a.Script = v
			case 5:
				a.Mode = gateway.Mode(v)
			case 6:
				a.Reason = v
			}
			check(a)
		}
	}
	for _, d := range accessDurations {
		a := base
		a.Duration = d
		check(a)
		a.Duration = d.Round(time.Microsecond)
		check(a)
	}
	for _, s := range []int{0, -1, 100, 200, 204, 206, 301, 302, 304, 400, 403, 404, 405, 408, 413, 414, 431, 499, 500, 501, 502, 503, 504, 999, math.MaxInt, math.MinInt} {
		for _, failed := range []bool{false, true} {
			a := base
			a.Status, a.Failed, a.Reason = s, failed, "x"
			check(a)
		}
	}
	for _, p := range []int{0, 1, -1, 65535, 4194304, math.MaxInt, math.MinInt} {
		a := base
		a.PID, a.Bytes, a.Req = p, int64(p), uint64(p)
		check(a)
	}
	for _, u := range []uint64{0, 1, math.MaxUint64} {
		a := base
		a.Req = u
		check(a)
	}
	for _, l := range accessLevels {
		a := base
		a.Level = l
		check(a)
	}
	for _, z := range accessZones {
		for _, tm := range []time.Time{when, {}, time.Unix(0, 0), time.Date(9999, 12, 31, 23, 59, 59, 999999999, time.UTC), time.Date(-5, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC), time.Now()} {
			a := base
			a.Time = tm.In(z)
			check(a)
		}
	}
	for _, tm := range []time.Time{when, when.Add(time.Second - 1), when.Add(time.Second)} {
		for _, z := range accessZones { // (one second in each zone, in a row)
			a := base
			a.Time = tm.In(z)
			check(a)
		}
	}
	for _, tm := range []time.Time{when, when.Add(time.Second - 1), when.Add(time.Second)} {
		for _, z := range accessZones { // (one second in each zone, in a row)
			a := base
			a.Time = tm.In(z)
			check(a)
		}
	}
	rng := rand.New(rand.NewPCG(1, 2))
	pick := func() string { return accessValues[rng.IntN(len(accessValues))] }
	for range 5000 {
		a := gateway.AccessLine{Time: when.Add(time.Duration(rng.Int64N(1 << 50))).In(accessZones[rng.IntN(len(accessZones))]),
			Level: accessLevels[rng.IntN(len(accessLevels))], Msg: pick(), Req: rng.Uint64(), Remote: pick(), Method: pick(), Path: pick() + pick(),
			Status: rng.IntN(1000), Bytes: rng.Int64() >> rng.IntN(64), Duration: accessDurations[rng.IntN(len(accessDurations))] / time.Duration(1+rng.IntN(1000)),
			Script: pick(), Mode: gateway.Mode(pick()), PID: rng.IntN(1 << 22), Failed: rng.IntN(2) == 0, Reason: pick()}
		check(a)
	}
	t.Logf("%d access lines, each in 3 formatters", n)
}

// FuzzAccessLine: AppendAccess equals Format over any field values.
func FuzzAccessLine(f *testing.F) {
	for i, v := range accessValues {
		f.Add(v, "GET", "/cgi-bin/"+v, "127.0.0.1", "hello.pl", "fastcgi", v, 200+i, int64(i), int64(i)*int64(time.Millisecond), i, uint64(i), i%2 == 0, uint8(i), int64(1764360604+i), i*3600)
	}
	f.Fuzz(func(t *testing.T, msg, method, path, remote, script, mode, reason string, status int, bytes, dur int64, pid int, req uint64, failed bool, level uint8, sec int64, zone int) {
		a := gateway.AccessLine{Time: time.Unix(sec%(1<<40), 0).In(time.FixedZone("", zone%(24*3600))), Level: logrus.Level(level % 8), Msg: msg, Req: req,
			Remote: remote, Method: method, Path: path, Status: status, Bytes: bytes, Duration: time.Duration(dur), Script: script,
			Mode: gateway.Mode(mode), PID: pid, Failed: failed, Reason: reason}
		checkAccessLine(t, a)
	})
}

func BenchmarkAccessLine(b *testing.B) {
	a := gateway.AccessLine{Time: time.Now(), Level: logrus.InfoLevel, Msg: "request", Req: 12345, Remote: "127.0.0.1", Method: "GET",
		Path: "/cgi-bin/hello.fcgi", Status: 200, Bytes: 26, Duration: 123 * time.Microsecond, Script: "hello.fcgi", Mode: gateway.ModeFastCGI, PID: 4242}
	for _, f := range []gateway.AccessFormatter{textFormatter{}, &jsonFormatter{}} {
		b.Run(fmt.Sprintf("%T", f), func(b *testing.B) {
			buf := make([]byte, 0, 512)
			for b.Loop() {
				buf = f.AppendAccess(buf[:0], a)
			}
		})
	}
}

// TestServe_AccessLineLevel: --log-level drops the access lines below it,
// in each log format (the gateway writes them itself, past logrus): at
// warn, a request served (info) and a 404 (info) leave no line, a TRACE
// refused (405, a warning) leaves its own.
func TestServe_AccessLineLevel(t *testing.T) {
	t.Parallel()
	for _, format := range []string{"text", "json"} {
		t.Run(format, func(t *testing.T) {
			t.Parallel()
			dir := mustCopyTestdata(t, "cgi")
			addr := freeAddr(t)
			// (mustServe waits for "menshen serving", an info line.)
			s := &server{addr: addr, stderr: &syncBuffer{}, done: make(chan struct{})}
			s.cmd = exec.Command(binary, "serve", "--listen", addr, "--admin", "off", "--scripts", dir, "--log-format", format, "--log-level", "warn")
			s.cmd.Env = menshenEnv("TMPDIR=" + t.TempDir())
			s.cmd.Stderr = s.stderr
			s.start(t)
			for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(20 * time.Millisecond) {
				if c, err := net.DialTimeout("tcp", addr, time.Second); err == nil {
					c.Close()
					break
				}
				if time.Now().After(deadline) {
					t.Fatalf("menshen serve not listening on %s after 10s:\n%s", addr, s.stderr)
				}
			}
			if code, _ := get(t, "http://"+addr+"/cgi-bin/hello.sh"); code != 200 {
				t.Fatalf("GET hello.sh: %d", code)
			}
			if code, _ := get(t, "http://"+addr+"/cgi-bin/missing.sh"); code != 404 {
				t.Fatalf("GET missing.sh: %d, want 404", code)
			}
			req, _ := http.NewRequest("TRACE", "http://"+addr+"/cgi-bin/hello.sh", nil)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusMethodNotAllowed {
				t.Fatalf("TRACE hello.sh: %d, want 405", resp.StatusCode)
			}
			if code := s.stop(t, syscall.SIGTERM); code != 0 {
				t.Fatalf("exit code %d", code)
			}
			var lines []map[string]string
			for _, line := range strings.Split(s.stderr.String(), "\n") {
				if f := parseLogLine(t, format, line); f != nil && f["req"] != "" {
					lines = append(lines, f)
				}
			}
			if len(lines) != 1 || lines[0]["method"] != "TRACE" || lines[0]["level"] != "warning" || lines[0]["status"] != "405" {
				t.Errorf("access lines at --log-level warn: %v, want the TRACE's alone, a warning", lines)
			}
		})
	}
}
