package main

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

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
