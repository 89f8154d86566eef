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
