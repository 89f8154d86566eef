// logformat.go: a faster twin of logrus's TextFormatter.

package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/menshen/menshen/gateway"
	"github.com/sirupsen/logrus"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"
)

// textFormatter writes exactly what logrus.TextFormatter{FullTimestamp:
// true, DisableColors: true} writes (time, level, msg, then the fields in
// key order, quoted where needed), with a fraction of its allocations: the
// gateway writes one such line per request.
type textFormatter struct{}

var (
	_ gateway.AccessFormatter = textFormatter{}
	_ gateway.AccessFormatter = (*jsonFormatter)(nil)
)

var keyPool = sync.Pool{New: func() any { s := make([]string, 0, 16); return &s }}

func (textFormatter) Format(e *logrus.Entry) ([]byte, error) {
	b := e.Buffer
	if b == nil {
		b = &bytes.Buffer{}
	}
	kp := keyPool.Get().(*[]string)
	keys := (*kp)[:0]
	for k := range e.Data {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var scratch [64]byte
	appendKV(b, scratch[:0], "time", e.Time.Format(time.RFC3339))
	appendKV(b, scratch[:0], "level", e.Level.String())
	if e.Message != "" {
		appendKV(b, scratch[:0], "msg", e.Message)
	}
	for _, k := range keys {
		appendKV(b, scratch[:0], k, valueString(e.Data[k]))
	}
	*kp = keys[:0]
	keyPool.Put(kp)
	b.WriteByte('\n')
	return b.Bytes(), nil
}

// appendKV writes " key=value" (no leading space for the first pair),
// quoting the value as TextFormatter does.
func appendKV(b *bytes.Buffer, scratch []byte, k, v string) {
	if b.Len() > 0 {
		b.WriteByte(' ')
	}
	b.WriteString(k)
	b.WriteByte('=')
	b.Write(appendText(scratch, v))
}

func valueString(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case int:
		return strconv.Itoa(x)
	case int64:
		return strconv.FormatInt(x, 10)
	case uint64:
		return strconv.FormatUint(x, 10)
	case error:
		return x.Error()
	case fmt.Stringer:
		return x.String()
	}
	return fmt.Sprint(v)
}

// AppendAccess appends what Format writes for a's entry: time, level, msg,
// then a's fields in key order (the order below), with no map to sort.
func (textFormatter) AppendAccess(b []byte, a gateway.AccessLine) []byte {
	b = append(b, "time="...)
	b = appendTextStamp(b, a.Time)
	b = append(b, " level="...)
	b = appendText(b, a.Level.String())
	if a.Msg != "" {
		b = append(b, " msg="...)
		b = appendText(b, a.Msg)
	}
	b = append(b, " bytes="...)
	b = strconv.AppendInt(b, a.Bytes, 10)
	b = append(b, " duration="...)
	b = appendTextDuration(b, a.Duration)
	b = append(b, " method="...)
	b = appendText(b, a.Method)
	if a.Mode != "" {
		b = append(b, " mode="...)
		b = appendText(b, string(a.Mode))
	}
	b = append(b, " path="...)
	b = appendText(b, a.Path)
	if a.PID != 0 {
		b = append(b, " pid="...)
		b = strconv.AppendInt(b, int64(a.PID), 10)
	}
	if a.Failed {
		b = append(b, " reason="...)
		b = appendText(b, a.Reason)
	}
	b = append(b, " remote="...)
	b = appendText(b, a.Remote)
	b = append(b, " req="...)
	b = strconv.AppendUint(b, a.Req, 10)
	if a.Script != "" {
		b = append(b, " script="...)
		b = appendText(b, a.Script)
	}
	b = append(b, " status="...)
	b = strconv.AppendInt(b, int64(a.Status), 10)
	return append(b, '\n')
}

// appendText appends s as appendKV writes a value: bare, or quoted as
// strconv.Quote does. Most quoted values (a time, a duration in µs, a
// message with spaces) are printable ASCII with no quote or backslash,
// which Quote only wraps.
func appendText(b []byte, s string) []byte {
	var class uint8
	for i := 0; i < len(s); i++ {
		class |= textClass[s[i]]
	}
	switch {
	case class == textBare:
		return append(b, s...)
	case class&textEscaped != 0:
		return strconv.AppendQuote(b, s)
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
}

// The classes of a byte in a text value, or'ed over its bytes: bare (a
// value of bare bytes is written as it is), wrapped (printable ASCII but
// for " and \: strconv.Quote writes it between quotes as it is), escaped
// (a quote, a backslash, a control or a byte of UTF-8, which Quote may
// escape).
const (
	textBare    = 0
	textWrap    = 1
	textEscaped = 2
	jsonPlain   = 0
	jsonEscaped = 1
)

// textClass and jsonClass are each byte's class in a text value and in a
// JSON string (plain: printable ASCII but for "\<>&, which encoding/json
// writes as it is).
var textClass, jsonClass = func() (text, js [256]uint8) {
	for c := range 256 {
		switch {
		case bareByte(byte(c)):
			text[c] = textBare
		case c >= ' ' && c <= '~' && c != '"' && c != '\\':
			text[c] = textWrap
		default:
			text[c] = textWrap | textEscaped
		}
		if c < ' ' || c > '~' || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			js[c] = jsonEscaped
		}
	}
	return text, js
}()

// appendTextDuration appends d as appendText writes its String: a
// duration's bytes are digits, '.', '-', the letters of its units and µ's,
// which strconv.Quote leaves as they are (µ is printable). The string
// stays on the stack, as in appendJSONDuration.
func appendTextDuration(b []byte, d time.Duration) []byte {
	s := d.String()
	if !needsQuoting(s) {
		return append(b, s...)
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
}

// appendTextStamp appends t as RFC 3339 (logrus's default timestamp),
// quoted by appendText.
func appendTextStamp(b []byte, t time.Time) []byte {
	return append(b, stampOf(t).text...)
}

// stamp is the time of the log lines of one second in one zone, as each
// format writes it: RFC 3339 has no fraction of a second.
type stamp struct {
	sec  int64
	loc  *time.Location
	text string // as appendText writes it
	json string // as appendJSON writes it
}

// lastStamp is the stamp of the last access line: the lines of a second
// share it, instead of formatting the time again (a quarter of the line's
// cost).
var lastStamp atomic.Pointer[stamp]

// stampOf is t's stamp. What Format writes of t depends on its second and
// its zone only.
func stampOf(t time.Time) *stamp {
	sec, loc := t.Unix(), t.Location()
	if s := lastStamp.Load(); s != nil && s.sec == sec && s.loc == loc {
		return s
	}
	var scratch [40]byte
	v := string(t.AppendFormat(scratch[:0], time.RFC3339))
	s := &stamp{sec: sec, loc: loc, text: string(appendText(nil, v)), json: string(appendJSON(nil, v))}
	lastStamp.Store(s)
	return s
}

// needsQuoting is TextFormatter's rule: quote unless every byte is bare
// (an empty value stays bare).
func needsQuoting(s string) bool {
	for i := 0; i < len(s); i++ {
		if textClass[s[i]] != textBare {
			return true
		}
	}
	return false
}

// bareByte: c is a letter, a digit or one of -._/@^+, which TextFormatter
// leaves unquoted.
func bareByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' ||
		c == '-' || c == '.' || c == '_' || c == '/' || c == '@' || c == '^' || c == '+'
}

// jsonFormatter is logrus's JSON formatter with Unicode's format characters
// (category Cf: the bidirectional overrides and isolates, the zero-width
// ones) and the controls encoding/json leaves raw (DEL, the C1 set: 8-bit
// CSI and NEL) escaped, as the text format quotes them: a requested path or a
// script's stderr line cannot reorder what a reader of the log sees
// (Trojan Source, CVE-2021-42574). encoding/json leaves them raw. The log
// stays valid JSON: they only ever stand inside its strings.
type jsonFormatter struct{ logrus.JSONFormatter }

func (f *jsonFormatter) Format(e *logrus.Entry) ([]byte, error) {
	b, err := f.JSONFormatter.Format(e)
	if err != nil {
		return b, err
	}
	return escapeFormatChars(b), nil
}

// AppendAccess appends what Format writes for a's entry: logrus's JSON
// object (its keys in order, the order below; strings escaped as
// encoding/json escapes them, HTML characters included), through
// escapeFormatChars. A JSONFormatter with options set (none of menshen's)
// formats the entry itself.
func (f *jsonFormatter) AppendAccess(b []byte, a gateway.AccessLine) []byte {
	if !f.plain() {
		return f.appendEntry(b, a)
	}
	b = append(b, `{"bytes":`...)
	b = strconv.AppendInt(b, a.Bytes, 10)
	b = append(b, `,"duration":`...)
	b = appendJSONDuration(b, a.Duration)
	b = append(b, `,"level":`...)
	b = appendJSON(b, a.Level.String())
	b = append(b, `,"method":`...)
	b = appendJSON(b, a.Method)
	if a.Mode != "" {
		b = append(b, `,"mode":`...)
		b = appendJSON(b, string(a.Mode))
	}
	b = append(b, `,"msg":`...)
	b = appendJSON(b, a.Msg)
	b = append(b, `,"path":`...)
	b = appendJSON(b, a.Path)
	if a.PID != 0 {
		b = append(b, `,"pid":`...)
		b = strconv.AppendInt(b, int64(a.PID), 10)
	}
	if a.Failed {
		b = append(b, `,"reason":`...)
		b = appendJSON(b, a.Reason)
	}
	b = append(b, `,"remote":`...)
	b = appendJSON(b, a.Remote)
	b = append(b, `,"req":`...)
	b = strconv.AppendUint(b, a.Req, 10)
	if a.Script != "" {
		b = append(b, `,"script":`...)
		b = appendJSON(b, a.Script)
	}
	b = append(b, `,"status":`...)
	b = strconv.AppendInt(b, int64(a.Status), 10)
	b = append(b, `,"time":`...)
	b = appendJSONStamp(b, a.Time)
	return append(b, "}\n"...)
}

// plain reports whether f is logrus's JSONFormatter with its defaults (the
// one AppendAccess writes).
func (f *jsonFormatter) plain() bool {
	j := &f.JSONFormatter
	return j.TimestampFormat == "" && !j.DisableTimestamp && !j.DisableHTMLEscape &&
		j.DataKey == "" && j.FieldMap == nil && !j.PrettyPrint
}

// appendEntry appends what Format writes for a's entry.
func (f *jsonFormatter) appendEntry(b []byte, a gateway.AccessLine) []byte {
	e := logrus.Entry{Logger: logrus.StandardLogger(), Data: a.Fields(logrus.Fields{}), Time: a.Time, Level: a.Level, Message: a.Msg}
	line, err := f.Format(&e)
	if err != nil {
		return b
	}
	return append(b, line...)
}

// appendJSON appends s as a JSON string, as jsonFormatter writes it:
// encoding/json's escapes (HTML's <, > and & too), then escapeFormatChars'.
// Printable ASCII with none of "\<>& is the string between quotes.
func appendJSON(b []byte, s string) []byte {
	var class uint8
	for i := 0; i < len(s); i++ {
		class |= jsonClass[s[i]]
	}
	if class != jsonPlain {
		if q, err := json.Marshal(s); err == nil { // (a string always marshals)
			return append(b, escapeFormatChars(q)...)
		}
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
}

// appendJSONDuration appends d as appendJSON writes its String: between
// quotes, as it is (encoding/json and escapeFormatChars leave µ as it is).
func appendJSONDuration(b []byte, d time.Duration) []byte {
	b = append(b, '"')
	b = append(b, d.String()...)
	return append(b, '"')
}

// appendJSONStamp appends t as RFC 3339, as appendJSON writes it.
func appendJSONStamp(b []byte, t time.Time) []byte {
	return append(b, stampOf(t).json...)
}

// escapeFormatChars writes every rune of category Cf or Cc in b as a JSON
// \u escape (a surrogate pair above U+FFFF); encoding/json has escaped
// those below U+0020 already.
func escapeFormatChars(b []byte) []byte {
	i := 0
	for i < len(b) && b[i] < utf8.RuneSelf && b[i] != 0x7f {
		i++
	}
	if i == len(b) {
		return b // ASCII: the usual line
	}
	out := make([]byte, 0, len(b)+16)
	out = append(out, b[:i]...)
	for i < len(b) {
		r, n := utf8.DecodeRune(b[i:])
		if r < 0x7f || r == utf8.RuneError || !unicode.Is(unicode.Cf, r) && !unicode.IsControl(r) {
			out = append(out, b[i:i+n]...)
		} else if r > 0xFFFF {
			r1, r2 := utf16.EncodeRune(r)
			out = fmt.Appendf(out, `\u%04x\u%04x`, r1, r2)
		} else {
			out = fmt.Appendf(out, `\u%04x`, r)
		}
		i += n
	}
	return out
}
