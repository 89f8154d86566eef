// diff.go fetches one reference answer per mode and names the first
// difference between two of them (C23: status, headers minus Date, body).

package bench

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptrace"
	"slices"
	"strings"
	"time"
)

// maxAnswer bounds the body kept from a reference request; longer bodies
// are compared on their first maxAnswer bytes and their length.
const maxAnswer = 4 << 20

// Answer is what a script answered to one request.
type Answer struct {
	Status int
	Header http.Header
	Body   []byte
	Length int64 // full body length, even past maxAnswer
	// Port is the client's port of the connection the answer came on
	// (REMOTE_PORT to the script), "" when not known.
	Port string
}

// fetch GETs url with a fresh connection and no redirect following.
func fetch(ctx context.Context, url string) (Answer, error) {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Minute)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return Answer{}, fmt.Errorf("bad url %q: %w", url, err)
	}
	req.Header.Set("User-Agent", "menshen-bench")
	var port string
	req = req.WithContext(httptrace.WithClientTrace(ctx, &httptrace.ClientTrace{GotConn: func(ci httptrace.GotConnInfo) {
		_, port, _ = net.SplitHostPort(ci.Conn.LocalAddr().String())
	}}))
	tr := &http.Transport{Proxy: nil, DisableKeepAlives: true, DisableCompression: true}
	defer tr.CloseIdleConnections()
	hc := &http.Client{Transport: tr, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := hc.Do(req)
	if err != nil {
		return Answer{}, fmt.Errorf("get %q: %w", url, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxAnswer))
	if err != nil {
		return Answer{}, fmt.Errorf("read answer of %q: %w", url, err)
	}
	rest, err := io.Copy(io.Discard, resp.Body)
	if err != nil {
		return Answer{}, fmt.Errorf("read answer of %q: %w", url, err)
	}
	return Answer{Status: resp.StatusCode, Header: resp.Header, Body: body, Length: int64(len(body)) + rest, Port: port}, nil
}

// ignoredHeaders differ between any two answers, whatever the mode.
var ignoredHeaders = map[string]bool{"Date": true}

// Diff returns "" when a and b are the same answer (C23: status, every
// header but Date with its values in order, body), else the first
// difference in words, naming the two answers by an and bn:
//
//	status: cgi 200, fastcgi 502
//	header X-Foo: cgi "a", fastcgi (none)
//	body differs at byte 112: cgi "…", fastcgi "…"
//
// Each answer comes on a connection of its own, so a script that shows
// its REMOTE_PORT (an environment dump: Apache's printenv) would differ
// from request to request in any mode: the client port of each answer,
// where it stands as a number of its own in a header value or the body,
// is taken for the same in both.
func Diff(an string, a Answer, bn string, b Answer) string {
	if a.Port != "" && b.Port != "" && a.Port != b.Port {
		a, b = a.maskPort(), b.maskPort()
	}
	if a.Status != b.Status {
		return fmt.Sprintf("status: %s %d, %s %d", an, a.Status, bn, b.Status)
	}
	var keys []string
	for k := range a.Header {
		keys = append(keys, k)
	}
	for k := range b.Header {
		if _, ok := a.Header[k]; !ok {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	for _, k := range keys {
		if ignoredHeaders[k] {
			continue
		}
		av, bv := a.Header[k], b.Header[k]
		if !slices.Equal(av, bv) {
			return fmt.Sprintf("header %s: %s %s, %s %s", k, an, headerValue(av), bn, headerValue(bv))
		}
	}
	n := min(len(a.Body), len(b.Body))
	for i := 0; i < n; i++ {
		if a.Body[i] != b.Body[i] {
			return fmt.Sprintf("body differs at byte %d: %s %q, %s %q", i, an, excerpt(a.Body, i), bn, excerpt(b.Body, i))
		}
	}
	if a.Length != b.Length {
		return fmt.Sprintf("body length: %s %d bytes, %s %d bytes (the same up to byte %d)", an, a.Length, bn, b.Length, n)
	}
	return ""
}

// portMark stands for the client port in a masked answer.
const portMark = "{REMOTE_PORT}"

// maskPort is the answer with its client port, where it stands as a
// number of its own, written as portMark.
func (a Answer) maskPort() Answer {
	m := a
	m.Body = maskNumber(a.Body, a.Port)
	m.Length = a.Length - int64(len(a.Body)-len(m.Body))
	m.Header = make(http.Header, len(a.Header))
	for k, vs := range a.Header {
		for _, v := range vs {
			m.Header[k] = append(m.Header[k], string(maskNumber([]byte(v), a.Port)))
		}
	}
	return m
}

// maskNumber replaces each n in b that no other digit adjoins by portMark.
// (The digit before is looked for in b, not in what is left to search:
// one right after a longer number that ends in n is part of it.)
func maskNumber(b []byte, n string) []byte {
	var out []byte
	from := 0 // b[:from] is in out
	for at := 0; ; {
		i := bytes.Index(b[at:], []byte(n))
		if i < 0 {
			break
		}
		i += at
		at = i + len(n)
		if (i > 0 && isDigit(b[i-1])) || (at < len(b) && isDigit(b[at])) {
			continue
		}
		out = append(append(out, b[from:i]...), portMark...)
		from = at
	}
	if out == nil {
		return b
	}
	return append(out, b[from:]...)
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

func headerValue(v []string) string {
	switch len(v) {
	case 0:
		return "(none)"
	case 1:
		return fmt.Sprintf("%q", v[0])
	}
	q := make([]string, len(v))
	for i, s := range v {
		q[i] = fmt.Sprintf("%q", s)
	}
	return "[" + strings.Join(q, " ") + "]"
}

// excerpt is up to 24 bytes of b starting a few bytes before i, so the
// reader sees where in the text the difference is.
func excerpt(b []byte, i int) string {
	from := max(0, i-8)
	to := min(len(b), i+16)
	s := string(b[from:to])
	if from > 0 {
		s = "…" + s
	}
	if to < len(b) {
		s += "…"
	}
	return s
}
