// logformat.go: a faster twin of logrus's TextFormatter.

package main

import (
	"bytes"
	"fmt"
	"sort"
	"strconv"
	"sync"
	"time"

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

var _ logrus.Formatter = textFormatter{}

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
	if !needsQuoting(v) {
		b.WriteString(v)
		return
	}
	b.Write(strconv.AppendQuote(scratch, v))
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

// needsQuoting is TextFormatter's rule: quote unless every byte is a
// letter, a digit or one of -._/@^+ (an empty value stays bare).
func needsQuoting(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' ||
			c == '-' || c == '.' || c == '_' || c == '/' || c == '@' || c == '^' || c == '+') {
			return true
		}
	}
	return false
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
