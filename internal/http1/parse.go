// parse.go reads the common shape of request header block straight from
// the connection's buffer, as http.ReadRequest would read it.

package http1

import (
	"bytes"
	"io"
	"net/http"
	"net/textproto"
	"net/url"
	"sync"
)

// parseHead parses the header block at the start of b into req when the
// block is all in b and has the shape most clients send: an upper-case
// method other than CONNECT, an origin-form target whose path needs no
// escaping and whose query holds visible ASCII but '#', HTTP/1.1 or
// HTTP/1.0, lines ending in CRLF or LF, token names, values of visible
// characters, spaces and tabs, no folded line, at most one Host, at most
// one Content-Length of at most 18 digits (the body is then read from
// body, as net/http reads it), and no Transfer-Encoding or Trailer. It
// returns the block's length and whether it has a Host line. Anything
// else (ok false) goes to http.ReadRequest, whose result parseHead's
// equals where it answers (TestParseHead, FuzzParseHead): it costs a
// quarter of http.ReadRequest's instructions, with one string for all the
// block's. The block is checked before anything is allocated, so that
// what goes to net/http costs little more. The request's URL and body
// reader are made in room.
func parseHead(b []byte, req *http.Request, body io.Reader, room *headRoom) (n int, hostLine, ok bool) {
	end := headEnd(b)
	if end < 0 {
		return 0, false, false
	}
	var rl requestLine
	rest, ok := rl.scan(b[:end])
	if !ok {
		return 0, false, false
	}
	var buf [16]fieldSpan
	fields, host, length, ok := scanFields(b[:end], rest, buf[:0])
	if !ok {
		return 0, false, false
	}
	s := string(b[:end])
	req.Method, req.RequestURI = s[:rl.method], s[rl.method+1:rl.targetEnd]
	room.url = url.URL{Path: s[rl.method+1 : rl.pathEnd]}
	req.URL = &room.url
	if rl.pathEnd < rl.targetEnd {
		req.URL.RawQuery = s[rl.pathEnd+1 : rl.targetEnd]
	}
	req.Proto, req.ProtoMajor, req.ProtoMinor = "HTTP/1.1", 1, 1
	if rl.minor == 0 {
		req.Proto, req.ProtoMinor = "HTTP/1.0", 0
	}
	h := buildHeader(s, fields, host)
	req.Header = h
	if host >= 0 {
		hostLine, req.Host = true, s[fields[host].value.lo:fields[host].value.hi]
	}
	if hp, ok := h["Pragma"]; ok && len(hp) > 0 && hp[0] == "no-cache" {
		// net/http's fixPragmaCacheControl.
		if _, cc := h["Cache-Control"]; !cc {
			h["Cache-Control"] = []string{"no-cache"}
		}
	}
	req.Close = shouldClose(req.ProtoMinor, h["Connection"])
	req.Body, req.ContentLength = http.NoBody, max(length, 0)
	if length > 0 {
		room.body.src = io.LimitedReader{R: body, N: length}
		req.Body = &room.body
	}
	return end, hostLine, true
}

// headRoom is where parseHead makes a request's URL and body reader:
// allocated with the request's response (readRequest), one allocation
// for all.
type headRoom struct {
	url  url.URL
	body lengthBody
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

// lineAt returns the line of b that starts at i, its CRLF or LF dropped
// as bufio.Reader.ReadLine drops it, and where the next one starts.
func lineAt(b []byte, i int) (lo, hi, next int) {
	j := bytes.IndexByte(b[i:], '\n')
	if j < 0 {
		return i, len(b), len(b)
	}
	hi = i + j
	if hi > i && b[hi-1] == '\r' {
		hi--
	}
	return i, hi, i + j + 1
}

// requestLine is where the parts of a request line of the common shape
// end: an upper-case method but CONNECT (whose target net/http reads
// apart), one space, an origin-form target, one space, HTTP/1.1 or
// HTTP/1.0.
type requestLine struct {
	method, pathEnd, targetEnd int // offsets in the block
	minor                      int
}

// scan checks the request line at the start of the block and returns
// where the field lines start.
func (rl *requestLine) scan(b []byte) (rest int, ok bool) {
	_, hi, next := lineAt(b, 0)
	line := b[:hi]
	i := 0
	for i < len(line) && line[i] >= 'A' && line[i] <= 'Z' {
		i++
	}
	if i == 0 || i == len(line) || line[i] != ' ' || string(line[:i]) == http.MethodConnect {
		return 0, false
	}
	rl.method = i
	i++
	if i == len(line) || line[i] != '/' {
		return 0, false
	}
	for i < len(line) && pathByte[line[i]] {
		i++
	}
	rl.pathEnd = i
	if i < len(line) && line[i] == '?' {
		// url.ParseRequestURI: a '?' ending the target (and its only
		// one) is ForceQuery; left to it.
		i++
		if i == len(line) || line[i] == ' ' {
			return 0, false
		}
		for i < len(line) && queryByte[line[i]] {
			i++
		}
	}
	rl.targetEnd = i
	if i == len(line) || line[i] != ' ' {
		return 0, false
	}
	switch string(line[i+1:]) {
	case "HTTP/1.1":
		rl.minor = 1
	case "HTTP/1.0":
		rl.minor = 0
	default:
		return 0, false
	}
	return next, true
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

// span is a part of the block: b[lo:hi].
type span struct{ lo, hi int }

// fieldSpan is a field line's name and its value, spaces and tabs trimmed.
type fieldSpan struct {
	name, value span
	canonical   bool // the name is spelled as its key
}

// scanFields checks the field lines of a header block from rest to its
// empty line as textproto.Reader.ReadMIMEHeader and http.ReadRequest read
// them, appending them to fields. It returns the index of the Host line
// (-1: none) and the Content-Length (-1: none), and refuses (ok false)
// what parseHead leaves to net/http.
func scanFields(b []byte, rest int, fields []fieldSpan) (_ []fieldSpan, host int, length int64, ok bool) {
	host, length = -1, -1
	for i := rest; ; {
		lo, hi, next := lineAt(b, i)
		i = next
		if lo == hi {
			return fields, host, length, true
		}
		f, ok := cutField(b, lo, hi)
		if !ok {
			return nil, 0, 0, false
		}
		name := b[f.name.lo:f.name.hi]
		switch {
		case tokenEqual(name, "host"):
			if host >= 0 {
				return nil, 0, 0, false // too many Host headers
			}
			host = len(fields)
		case tokenEqual(name, "content-length"):
			// One, of digits only: net/http's parseContentLength takes
			// it as it is (more are deduplicated or refused there).
			v := b[f.value.lo:f.value.hi]
			if length >= 0 || len(v) == 0 || len(v) > 18 {
				return nil, 0, 0, false
			}
			length = 0
			for _, c := range v {
				if c < '0' || c > '9' {
					return nil, 0, 0, false
				}
				length = length*10 + int64(c-'0')
			}
		case tokenEqual(name, "transfer-encoding"), tokenEqual(name, "trailer"):
			return nil, 0, 0, false
		}
		fields = append(fields, f)
	}
}

// cutField splits the field line b[lo:hi] into its name (a token) and its
// value with spaces and tabs trimmed, refusing a line whose value has a
// control character but tab, or a byte past ASCII.
func cutField(b []byte, lo, hi int) (f fieldSpan, ok bool) {
	i := lo
	f.canonical = true
	upper := true
	for i < hi && isTokenByte[b[i]] {
		c := b[i]
		if upper && c >= 'a' && c <= 'z' || !upper && c >= 'A' && c <= 'Z' {
			f.canonical = false
		}
		upper = c == '-'
		i++
	}
	if i == lo || i == hi || b[i] != ':' {
		return f, false
	}
	f.name = span{lo, i}
	v := i + 1
	for j := v; j < hi; j++ {
		if c := b[j]; (c < ' ' && c != '\t') || c >= 0x7f {
			return f, false
		}
	}
	for v < hi && (b[v] == ' ' || b[v] == '\t') {
		v++
	}
	for hi > v && (b[hi-1] == ' ' || b[hi-1] == '\t') {
		hi--
	}
	f.value = span{v, hi}
	return f, true
}

// buildHeader makes the header of the fields of the block s but its Host
// (at index host), as textproto.Reader.ReadMIMEHeader makes it: canonical
// keys, values in order, the first of each key in a slice of capacity one
// (a later append copies).
func buildHeader(s string, fields []fieldSpan, host int) http.Header {
	n := len(fields)
	if host >= 0 {
		n--
	}
	h := make(http.Header, n)
	var strs []string
	if n > 1 {
		strs = make([]string, n)
	}
	for i, f := range fields {
		if i == host {
			continue
		}
		key := s[f.name.lo:f.name.hi]
		if !f.canonical {
			key = textproto.CanonicalMIMEHeaderKey(key)
		}
		value := s[f.value.lo:f.value.hi]
		if vv, seen := h[key]; seen || len(strs) == 0 {
			h[key] = append(vv, value)
		} else {
			vv, strs = strs[:1:1], strs[1:]
			vv[0] = value
			h[key] = vv
		}
	}
	return h
}

// isTokenByte holds RFC 9110's tchar.
var isTokenByte = func() (t [256]bool) {
	for c := 0; c < 256; c++ {
		t[c] = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' ||
			c < 0x80 && bytes.IndexByte([]byte("!#$%&'*+-.^_`|~"), byte(c)) >= 0
	}
	return t
}()

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
func tokenEqual[T ~string | ~[]byte](a T, b string) bool {
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

// lengthBody is net/http's body of a request with a Content-Length (its
// transfer.go body over an io.LimitedReader, without trailers): the same
// reads, the same io.ErrUnexpectedEOF for a body cut short and the same
// io.EOF with its last bytes.
type lengthBody struct {
	mu     sync.Mutex
	src    io.LimitedReader
	sawEOF bool
	closed bool
}

func (b *lengthBody) Read(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closed {
		return 0, http.ErrBodyReadAfterClose
	}
	if b.sawEOF {
		return 0, io.EOF
	}
	n, err := b.src.Read(p)
	if err == io.EOF {
		b.sawEOF = true
		if b.src.N > 0 {
			err = io.ErrUnexpectedEOF
		}
	}
	if err == nil && n > 0 && b.src.N == 0 {
		err = io.EOF
		b.sawEOF = true
	}
	return n, err
}

// Close ends the reads. (The server never calls it: the handler's body is
// requestBody, whose Close leaves the rest to the server.)
func (b *lengthBody) Close() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.closed = true
	return nil
}
