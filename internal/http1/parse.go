// parse.go reads the common shape of request header block straight from
// the connection's buffer, as http.ReadRequest would read it.

package http1

import (
	"bytes"
	"net/http"
	"net/textproto"
	"net/url"
)

// parseHead parses the header block at the start of b into req when the
// block is all in b and has the shape most clients send: an upper-case
// method other than CONNECT, an origin-form target whose path needs no
// escaping and whose query holds visible ASCII but '#', HTTP/1.1 or
// HTTP/1.0, lines ending in CRLF or LF, token names, values of visible
// characters, spaces and tabs, no folded line, at most one Host, and no
// Content-Length, Transfer-Encoding or Trailer (no body). It returns the
// block's length and whether it has a Host line. Anything else (ok false)
// goes to http.ReadRequest, whose result parseHead's equals where it
// answers (TestParseHead, FuzzParseHead): it costs a quarter of
// http.ReadRequest's instructions, with one string for all the block's.
func parseHead(b []byte, req *http.Request) (n int, hostLine, ok bool) {
	end := headEnd(b)
	if end < 0 {
		return 0, false, false
	}
	s := string(b[:end])
	line, rest, _ := cutLine(s)
	method, target, proto, ok := splitRequestLine(line)
	if !ok {
		return 0, false, false
	}
	u, ok := originTarget(target)
	if !ok {
		return 0, false, false
	}
	switch proto {
	case "HTTP/1.1":
		req.Proto, req.ProtoMajor, req.ProtoMinor = "HTTP/1.1", 1, 1
	case "HTTP/1.0":
		req.Proto, req.ProtoMajor, req.ProtoMinor = "HTTP/1.0", 1, 0
	default:
		return 0, false, false
	}
	h, host, hostLine, ok := parseFields(rest)
	if !ok {
		return 0, false, false
	}
	req.Method, req.RequestURI, req.URL = method, target, u
	req.Header, req.Host = h, host
	if hp, ok := h["Pragma"]; ok && len(hp) > 0 && hp[0] == "no-cache" {
		// net/http's fixPragmaCacheControl.
		if _, cc := h["Cache-Control"]; !cc {
			h["Cache-Control"] = []string{"no-cache"}
		}
	}
	req.Close = shouldClose(req.ProtoMinor, h["Connection"])
	req.Body, req.ContentLength = http.NoBody, 0
	return end, hostLine, true
}

// headEnd returns the length of the header block at the start of b, up to
// and with the empty line that ends it, or -1 if b does not hold it all.
func headEnd(b []byte) int {
	for i := 0; ; {
		j := bytes.IndexByte(b[i:], '\n')
		if j < 0 {
			return -1
		}
		if j == 0 || j == 1 && b[i] == '\r' {
			if i == 0 {
				return -1 // an empty request line: ReadRequest's error
			}
			return i + j + 1
		}
		i += j + 1
	}
}

// cutLine cuts the first line off s, its CRLF or LF dropped, as
// bufio.Reader.ReadLine does.
func cutLine(s string) (line, rest string, ok bool) {
	for i := 0; i < len(s); i++ {
		if s[i] == '\n' {
			line, rest = s[:i], s[i+1:]
			if len(line) > 0 && line[len(line)-1] == '\r' {
				line = line[:len(line)-1]
			}
			return line, rest, true
		}
	}
	return s, "", false
}

// splitRequestLine splits a request line of the common shape: an
// upper-case method but CONNECT (whose target net/http reads apart), one
// space, a target, one space, the version.
func splitRequestLine(line string) (method, target, proto string, ok bool) {
	i := 0
	for i < len(line) && line[i] >= 'A' && line[i] <= 'Z' {
		i++
	}
	if i == 0 || i == len(line) || line[i] != ' ' {
		return "", "", "", false
	}
	method, rest := line[:i], line[i+1:]
	if method == http.MethodConnect {
		return "", "", "", false
	}
	j := 0
	for j < len(rest) && rest[j] != ' ' {
		j++
	}
	if j == len(rest) {
		return "", "", "", false
	}
	return method, rest[:j], rest[j+1:], true
}

// pathByte holds the bytes a path may have for url.ParseRequestURI to give
// it back as it is, with no RawPath: letters, digits and $&+,-./:;=@_~.
// queryByte holds visible ASCII but '#' (a fragment, which the server
// refuses).
var pathByte, queryByte [256]bool

func init() {
	for c := 0; c < 256; c++ {
		pathByte[c] = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' ||
			c < 0x80 && bytes.IndexByte([]byte("$&+,-./:;=@_~"), byte(c)) >= 0
		queryByte[c] = c > ' ' && c < 0x7f && c != '#'
	}
}

// originTarget is url.ParseRequestURI(target) for an origin-form target
// whose path pathByte takes and whose query, if any, is not empty and
// queryByte takes.
func originTarget(target string) (*url.URL, bool) {
	if len(target) == 0 || target[0] != '/' {
		return nil, false
	}
	i := 0
	for i < len(target) && pathByte[target[i]] {
		i++
	}
	path, query := target[:i], ""
	if i < len(target) {
		if target[i] != '?' || i+1 == len(target) {
			return nil, false
		}
		query = target[i+1:]
		for j := 0; j < len(query); j++ {
			if !queryByte[query[j]] {
				return nil, false
			}
		}
	}
	return &url.URL{Path: path, RawQuery: query}, true
}

// parseFields reads the field lines of a header block (up to and with its
// empty line) as textproto.Reader.ReadMIMEHeader does, then takes the Host
// out as http.ReadRequest does. It refuses (ok false) what parseHead
// leaves to net/http.
func parseFields(s string) (h http.Header, host string, hostLine, ok bool) {
	lines := 0
	for i := 0; i < len(s); i++ {
		if s[i] == '\n' {
			lines++
		}
	}
	h = make(http.Header, lines-1)
	// One backing array for the fields' first values, each of capacity
	// one as textproto's (a later append copies).
	var strs []string
	if lines > 2 {
		strs = make([]string, lines-2)
	}
	for {
		line, rest, _ := cutLine(s)
		s = rest
		if line == "" {
			return h, host, hostLine, true
		}
		name, value, ok := cutField(line)
		if !ok {
			return nil, "", false, false
		}
		key := name
		if !canonical(name) {
			key = textproto.CanonicalMIMEHeaderKey(name)
		}
		switch key {
		case "Host":
			if hostLine {
				return nil, "", false, false // too many Host headers
			}
			host, hostLine = value, true
			continue
		case "Content-Length", "Transfer-Encoding", "Trailer":
			return nil, "", false, false
		}
		if vv, seen := h[key]; seen || len(strs) == 0 {
			h[key] = append(vv, value)
		} else {
			vv, strs = strs[:1:1], strs[1:]
			vv[0] = value
			h[key] = vv
		}
	}
}

// cutField splits a field line into its name (a token) and its value with
// spaces and tabs trimmed, refusing a line whose value has a control
// character but tab, or a byte past ASCII.
func cutField(line string) (name, value string, ok bool) {
	i := 0
	for i < len(line) && isTokenByte[line[i]] {
		i++
	}
	if i == 0 || i == len(line) || line[i] != ':' {
		return "", "", false
	}
	name, v := line[:i], line[i+1:]
	for j := 0; j < len(v); j++ {
		if c := v[j]; (c < ' ' && c != '\t') || c >= 0x7f {
			return "", "", false
		}
	}
	lo, hi := 0, len(v)
	for lo < hi && (v[lo] == ' ' || v[lo] == '\t') {
		lo++
	}
	for hi > lo && (v[hi-1] == ' ' || v[hi-1] == '\t') {
		hi--
	}
	return name, v[lo:hi], true
}

// isTokenByte holds RFC 9110's tchar.
var isTokenByte = func() (t [256]bool) {
	for c := 0; c < 256; c++ {
		t[c] = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' ||
			c < 0x80 && bytes.IndexByte([]byte("!#$%&'*+-.^_`|~"), byte(c)) >= 0
	}
	return t
}()

// canonical reports whether the token name is spelled as
// textproto.CanonicalMIMEHeaderKey spells it: upper case first and after
// each '-', lower case elsewhere.
func canonical(name string) bool {
	upper := true
	for i := 0; i < len(name); i++ {
		c := name[i]
		if upper && c >= 'a' && c <= 'z' || !upper && c >= 'A' && c <= 'Z' {
			return false
		}
		upper = c == '-'
	}
	return true
}

// shouldClose is net/http's shouldClose for a request of HTTP/1.minor: the
// connection closes after it if its Connection fields have "close", or,
// for HTTP/1.0, lack "keep-alive" (httpguts.HeaderValuesContainsToken).
func shouldClose(minor int, conn []string) bool {
	hasClose := valuesContainToken(conn, "close")
	if minor == 0 {
		return hasClose || !valuesContainToken(conn, "keep-alive")
	}
	return hasClose
}

// valuesContainToken is httpguts.HeaderValuesContainsToken: whether a
// comma-separated element of one of values, spaces and tabs trimmed, is
// token in ASCII case folding.
func valuesContainToken(values []string, token string) bool {
	for _, v := range values {
		for {
			elem, rest, more := cutComma(v)
			if tokenEqual(trimOWS(elem), token) {
				return true
			}
			if !more {
				break
			}
			v = rest
		}
	}
	return false
}

func cutComma(v string) (elem, rest string, more bool) {
	for i := 0; i < len(v); i++ {
		if v[i] == ',' {
			return v[:i], v[i+1:], true
		}
	}
	return v, "", false
}

func trimOWS(s string) string {
	for len(s) > 0 && (s[0] == ' ' || s[0] == '\t') {
		s = s[1:]
	}
	for len(s) > 0 && (s[len(s)-1] == ' ' || s[len(s)-1] == '\t') {
		s = s[:len(s)-1]
	}
	return s
}

// tokenEqual compares ASCII case-insensitively; any byte past ASCII makes
// the two unequal, as in httpguts.
func tokenEqual(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		x, y := a[i], b[i]
		if x >= 0x80 || y >= 0x80 {
			return false
		}
		if 'A' <= x && x <= 'Z' {
			x += 'a' - 'A'
		}
		if 'A' <= y && y <= 'Z' {
			y += 'a' - 'A'
		}
		if x != y {
			return false
		}
	}
	return true
}
