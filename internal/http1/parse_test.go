package http1

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/textproto"
	"reflect"
	"strings"
	"testing"

	"github.com/menshen/menshen/internal/httpsyntax"
)

// parseHeadCases are header blocks of many shapes: fast marks those
// parseHead must take itself (the common ones), the others it may leave
// to http.ReadRequest.
var parseHeadCases = []struct {
	raw  string
	fast bool
}{
	{"GET /cgi-bin/hello.fcgi?k=7 HTTP/1.1\r\nHost: 127.0.0.1:8080\r\n\r\n", true},
	{"GET / HTTP/1.1\r\nHost: x\r\nUser-Agent: curl/8.0\r\nAccept: */*\r\n\r\n", true},
	{"GET /a/b?x=1&y=%20&z=%zz HTTP/1.1\r\nHost: example.com\r\n\r\n", true},
	{"GET //x//y HTTP/1.1\r\nHost: a\r\n\r\n", true},
	{"GET /$&+,-./:;=@_~ HTTP/1.1\r\nHost: a\r\n\r\n", true},
	{"GET /a?b?c HTTP/1.1\r\nHost: a\r\n\r\n", true},
	{"GET /a?/b:c@d!e'f(g)h*i$j HTTP/1.1\r\nHost: a\r\n\r\n", true},
	{"HEAD /h HTTP/1.0\r\n\r\n", true},
	{"GET /old HTTP/1.0\r\nConnection: keep-alive\r\n\r\n", true},
	{"GET /old HTTP/1.0\r\nConnection: Keep-Alive, close\r\n\r\n", true},
	{"GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n", true},
	{"GET / HTTP/1.1\r\nHost: a\r\nConnection: Upgrade,\t CLOSE \r\n\r\n", true},
	{"GET / HTTP/1.1\r\nHost: a\r\nConnection: keep-alive\r\nConnection: close\r\n\r\n", true},
	{"GET / HTTP/1.1\r\nHost: a\r\nConnection: cloſe\r\n\r\n", false},
	{"GET / HTTP/1.1\r\nHost: a\r\nx-foo: 1\r\nX-FOO:2\r\nCookie: a=1\r\ncookie: b=2\r\nX-Space:   padded value  \r\nX-Empty:\r\n\r\n", true},
	{"GET / HTTP/1.1\r\nhost: a\r\nCONTENT-TYPE: text/plain\r\nx_y: 1\r\nX-!#$%&'*+.^_`|~: t\r\n\r\n", true},
	{"GET / HTTP/1.1\r\nHOST:a\r\naccept-encoding: gzip\r\nuser-agent: x\r\nX-A-B-C: \t \r\n\r\n", true},
	{"GET /lf HTTP/1.1\nHost: a\nX-A: 1\n\n", true},
	{"GET /mixed HTTP/1.1\r\nHost: a\nX-A: 1\r\n\n", true},
	{"GET / HTTP/1.1\r\nHost: a\r\nPragma: no-cache\r\n\r\n", true},
	{"GET / HTTP/1.1\r\nHost: a\r\nPragma: no-cache\r\nCache-Control: max-age=0\r\n\r\n", true},
	{"GET / HTTP/1.1\r\nHost: a\r\nPragma: No-Cache\r\n\r\n", true},
	{"GET / HTTP/1.1\r\n\r\n", true},
	{"GET / HTTP/1.1\r\nHost:\r\n\r\n", true},
	{"GET / HTTP/1.1\r\nX-A: 1\r\n\r\n", true},
	{"POST /p HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\n\r\n", true},
	{"GET / HTTP/1.1\r\nHost: a\r\n\r\nGET /next HTTP/1.1\r\nHost: a\r\n\r\n", true},
	{"GET / HTTP/1.1\r\nHost: a\r\n\r\nextra bytes", true},
	{"DELETE /d HTTP/1.1\r\nHost: a\r\nX-Tab:\tv\t\r\n\r\n", true},
	{"OPTIONS * HTTP/1.1\r\nHost: a\r\n\r\n", false},
	{"CONNECT a:443 HTTP/1.1\r\nHost: a:443\r\n\r\n", false},
	{"CONNECT /rpc HTTP/1.1\r\nHost: a\r\n\r\n", false},
	{"get / HTTP/1.1\r\nHost: a\r\n\r\n", false},
	{"M-SEARCH * HTTP/1.1\r\nHost: a\r\n\r\n", false},
	{"GET http://a/p HTTP/1.1\r\nHost: a\r\n\r\n", false},
	{"GET /a%2Fb HTTP/1.1\r\nHost: a\r\n\r\n", false},
	{"GET /a!b HTTP/1.1\r\nHost: a\r\n\r\n", false},
	{"GET /a#f HTTP/1.1\r\nHost: a\r\n\r\n", false},
	{"GET /a?b#f HTTP/1.1\r\nHost: a\r\n\r\n", false},
	{"GET /a? HTTP/1.1\r\nHost: a\r\n\r\n", false},
	{"GET /a?? HTTP/1.1\r\nHost: a\r\n\r\n", false},
	{"GET /é HTTP/1.1\r\nHost: a\r\n\r\n", false},
	{"GET /a?é HTTP/1.1\r\nHost: a\r\n\r\n", false},
	{"GET /a\x7f HTTP/1.1\r\nHost: a\r\n\r\n", false},
	{"GET  / HTTP/1.1\r\nHost: a\r\n\r\n", false},
	{"GET / HTTP/1.1 \r\nHost: a\r\n\r\n", false},
	{"GET / HTTP/1.1\r\r\nHost: a\r\n\r\n", false},
	{"GET / HTTP/2.0\r\nHost: a\r\n\r\n", false},
	{"GET / HTTP/1.2\r\nHost: a\r\n\r\n", false},
	{"GET / http/1.1\r\nHost: a\r\n\r\n", false},
	{"GET /\r\nHost: a\r\n\r\n", false},
	{"GET\r\n\r\n", false},
	{"\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n", false},
	{"GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", false},
	{"GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\n\r\n", true},
	{"POST / HTTP/1.1\r\nHost: a\r\ncontent-length: 3\r\n\r\nabc", true},
	{"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n\r\nabcGET / HTTP/1.1\r\n\r\n", true},
	{"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nab", true},
	{"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\n", true},
	{"POST / HTTP/1.1\r\nHost: a\r\nContent-Length:\t 0007 \r\n\r\n1234567", true},
	{"POST / HTTP/1.0\r\nContent-Length: 2\r\nConnection: keep-alive\r\n\r\nab", true},
	{"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 999999999999999999\r\n\r\nab", true},
	{"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 9999999999999999999\r\n\r\nab", false},
	{"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\nContent-Length: 2\r\n\r\nab", false},
	{"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\nab", false},
	{"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 2, 2\r\n\r\nab", false},
	{"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: +2\r\n\r\nab", false},
	{"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: -1\r\n\r\nab", false},
	{"POST / HTTP/1.1\r\nHost: a\r\nContent-Length:\r\n\r\nab", false},
	{"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", false},
	{"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", false},
	{"GET / HTTP/1.1\r\nHost: a\r\nTrailer: X\r\n\r\n", false},
	{"GET / HTTP/1.1\r\nHost: a\r\nX: a\r\n b\r\n\r\n", false},
	{"GET / HTTP/1.1\r\n X: a\r\nHost: a\r\n\r\n", false},
	{"GET / HTTP/1.1\r\nHost: a\r\nX : a\r\n\r\n", false},
	{"GET / HTTP/1.1\r\nHost: a\r\nX\r\n\r\n", false},
	{"GET / HTTP/1.1\r\nHost: a\r\n: x\r\n\r\n", false},
	{"GET / HTTP/1.1\r\nHost: a\r\nX(: a\r\n\r\n", false},
	{"GET / HTTP/1.1\r\nHost: a\r\nX: a\rb\r\n\r\n", false},
	{"GET / HTTP/1.1\r\nHost: a\r\nX: a\r\r\n\r\n", false},
	{"GET / HTTP/1.1\r\nHost: a\r\nX: a\x00b\r\n\r\n", false},
	{"GET / HTTP/1.1\r\nHost: a\r\nX: caf\xc3\xa9\r\n\r\n", false},
	{"GET / HTTP/1.1\r\nHost: a\r\nX: \x7f\r\n\r\n", false},
	{"GET / HTTP/1.1\r\nHost: a\r\n\r", false},
	{"GET / HTTP/1.1\r\nHost: a\r\n", false},
	{"GET / HTTP/1.1", false},
	{"", false},
}

// TestParseHead checks parseHead against http.ReadRequest on many shapes
// of header block: where it takes one, the request (every field, the
// header values' capacities too), the bytes used and the Host line must
// be what net/http gives; the common shapes must be taken.
func TestParseHead(t *testing.T) {
	for _, tc := range parseHeadCases {
		if fast := checkParseHead(t, []byte(tc.raw)); tc.fast && !fast {
			t.Errorf("parseHead(%q) left it to net/http", tc.raw)
		}
	}
}

// FuzzParseHead checks parseHead against http.ReadRequest on any bytes.
func FuzzParseHead(f *testing.F) {
	for _, tc := range parseHeadCases {
		f.Add([]byte(tc.raw))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		checkParseHead(t, in)
	})
}

// checkParseHead fails t if parseHead takes in and reads it otherwise
// than http.ReadRequest (Host deleted from the header, as there). It
// reports whether parseHead took it.
func checkParseHead(t *testing.T, in []byte) bool {
	t.Helper()
	var got http.Request
	rest := new(bytes.Reader) // the bytes after the header block, once known
	n, hostLine, ok := parseHead(in, &got, rest, new(headRoom))
	if !ok {
		return false
	}
	rest.Reset(in[n:])
	br := bufio.NewReaderSize(bytes.NewReader(in), len(in)+16)
	want, err := http.ReadRequest(br)
	if err != nil {
		t.Errorf("parseHead(%q) took what http.ReadRequest refuses: %v", in, err)
		return true
	}
	if used := len(in) - br.Buffered(); n != used {
		t.Errorf("parseHead(%q) used %d bytes, http.ReadRequest %d", in, n, used)
	}
	// The bodies, read a few bytes at a time: the same bytes and errors
	// at the same reads.
	if want.Body == http.NoBody {
		if got.Body != http.NoBody {
			t.Errorf("parseHead(%q) body %T, want http.NoBody", in, got.Body)
		}
	} else if _, ok := got.Body.(*lengthBody); !ok {
		t.Errorf("parseHead(%q) body %T, want a lengthBody", in, got.Body)
	} else if g, w := readSteps(got.Body), readSteps(want.Body); g != w {
		t.Errorf("parseHead(%q) body reads %s, http.ReadRequest's %s", in, g, w)
	}
	got.Body, want.Body = nil, nil
	if !reflect.DeepEqual(&got, want) {
		t.Errorf("parseHead(%q) =\n%#v\nhttp.ReadRequest:\n%#v\nURL %#v vs %#v", in, got, *want, got.URL, want.URL)
	}
	for k, vv := range want.Header {
		if cap(got.Header[k]) != cap(vv) {
			t.Errorf("parseHead(%q): %s has capacity %d, http.ReadRequest's %d", in, k, cap(got.Header[k]), cap(vv))
		}
	}
	for k, vv := range got.Header {
		// readRequest skips its check of names and values for parseHead's.
		if !httpsyntax.ValidFieldName(k) {
			t.Errorf("parseHead(%q) took the invalid name %q", in, k)
		}
		for _, v := range vv {
			if !httpsyntax.ValidFieldValue(v) {
				t.Errorf("parseHead(%q) took the invalid value %q", in, v)
			}
		}
	}
	if wantHost := hasHeaderLine(in, "Host"); hostLine != wantHost {
		t.Errorf("parseHead(%q): Host line %v, want %v", in, hostLine, wantHost)
	}
	if strings.Contains(string(in[:n]), "\n ") {
		t.Errorf("parseHead(%q) took a folded line", in)
	}
	return true
}

var fieldValueCases = []string{
	"", "text/plain", " a", "a ", "\ta", "a\t", " ", "\t", "a b", "a\r\nb", "a\nb", "a\rb",
	"\r\n", "a\r\n", "\na", "a\x00b", "\x0b", "a\x0c", "é ", " é", "a  b", "\r", "x\t\ty",
}

// TestFieldValue checks fieldValue and validToken against what they stand
// for: textproto.TrimString(newlineToSpace.Replace(v)) and
// httpsyntax.ValidFieldName.
func TestFieldValue(t *testing.T) {
	for _, v := range fieldValueCases {
		checkFieldValue(t, v)
	}
	for c := 0; c < 256; c++ {
		checkFieldValue(t, string(rune(c)))
		checkFieldValue(t, "a"+string([]byte{byte(c)}))
		checkFieldValue(t, string([]byte{byte(c)})+"a")
	}
}

// FuzzFieldValue checks fieldValue and validToken on any string.
func FuzzFieldValue(f *testing.F) {
	for _, v := range fieldValueCases {
		f.Add(v)
	}
	f.Fuzz(checkFieldValue)
}

func checkFieldValue(t *testing.T, v string) {
	if got, want := fieldValue(v), textproto.TrimString(newlineToSpace.Replace(v)); got != want {
		t.Errorf("fieldValue(%q) = %q, want %q", v, got, want)
	}
	if got, want := validToken(v), httpsyntax.ValidFieldName(v); got != want {
		t.Errorf("validToken(%q) = %v, want %v", v, got, want)
	}
}

// readSteps reads r to its end three bytes at a time, and then once more,
// and tells what each read gave.
func readSteps(r io.Reader) string {
	var b strings.Builder
	p := make([]byte, 3)
	for range 64 {
		n, err := r.Read(p)
		fmt.Fprintf(&b, "%q,%v;", p[:n], err)
		if err != nil {
			n, err = r.Read(p)
			fmt.Fprintf(&b, "then %q,%v", p[:n], err)
			break
		}
	}
	return b.String()
}

// TestParseHeadRefusalAllocatesNothing checks that what parseHead leaves
// to http.ReadRequest costs it no allocation: it checks the block before
// it builds anything.
func TestParseHeadRefusalAllocatesNothing(t *testing.T) {
	for _, tc := range parseHeadCases {
		in := []byte(tc.raw)
		var req http.Request
		var room headRoom
		if _, _, ok := parseHead(in, &req, nil, &room); ok {
			continue
		}
		if n := testing.AllocsPerRun(10, func() { parseHead(in, &req, nil, &room) }); n != 0 {
			t.Errorf("parseHead(%q) refused it after %v allocations", in, n)
		}
	}
}
