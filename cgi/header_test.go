// header_test.go checks the RFC 3875 §6 response header parser (C6, C10).

package cgi

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"slices"
	"strings"
	"testing"
	"testing/iotest"
)

type headerCase struct {
	name       string
	in         string
	wantErr    error // nil, ErrBadHeader or ErrNoHeader
	wantStatus int
	wantReason string      // the script's reason phrase, kept
	wantHeader http.Header // compared exactly when non-nil
	wantLocal  string
	wantBody   string
}

var headerCases = []headerCase{
	{
		name:       "lf",
		in:         "Content-Type: text/plain\n\nhello\n",
		wantStatus: 200,
		wantHeader: http.Header{"Content-Type": {"text/plain"}},
		wantBody:   "hello\n",
	},
	{
		name:       "crlf",
		in:         "Content-Type: text/plain\r\nX-A: 1\r\n\r\nbody\r\n",
		wantStatus: 200,
		wantHeader: http.Header{"Content-Type": {"text/plain"}, "X-A": {"1"}},
		wantBody:   "body\r\n",
	},
	{
		name:       "mixed line ends",
		in:         "Content-Type: text/plain\r\nX-A: 1\nX-B: 2\r\n\nbody",
		wantStatus: 200,
		wantHeader: http.Header{"Content-Type": {"text/plain"}, "X-A": {"1"}, "X-B": {"2"}},
		wantBody:   "body",
	},
	{
		name:       "names canonicalised, value white space trimmed",
		in:         "content-type:text/html \t\nx-multi-word:  a b  \n\n",
		wantStatus: 200,
		wantHeader: http.Header{"Content-Type": {"text/html"}, "X-Multi-Word": {"a b"}},
	},
	{
		name:       "status with reason",
		in:         "Status: 404 Not Found\nContent-Type: text/plain\n\nnope",
		wantStatus: 404,
		wantReason: "Not Found",
		wantHeader: http.Header{"Content-Type": {"text/plain"}},
		wantBody:   "nope",
	},
	{
		name:       "status without reason",
		in:         "Status: 201\r\nContent-Type: text/plain\r\n\r\n",
		wantStatus: 201,
	},
	{
		name:       "status alone is enough",
		in:         "Status: 304\n\n",
		wantStatus: 304,
		wantHeader: http.Header{},
	},
	{
		name:       "status lower case name",
		in:         "status: 418 teapot\ncontent-type: text/plain\n\n",
		wantStatus: 418,
		wantReason: "teapot",
	},
	{
		name:       "status with a reason of its own",
		in:         "Status: 404 Custom Text\nContent-Type: text/plain\n\n",
		wantStatus: 404,
		wantReason: "Custom Text",
	},
	{
		name:       "reason of an unregistered status",
		in:         "Status: 299 Odd\nContent-Type: text/plain\n\n",
		wantStatus: 299,
		wantReason: "Odd",
	},
	{
		name:       "reason trimmed, inner spaces kept",
		in:         "Status:   404   Spaced  Out   \nContent-Type: text/plain\n\n",
		wantStatus: 404,
		wantReason: "Spaced  Out",
	},
	{
		name:       "reason of only spaces is none",
		in:         "Status: 404    \r\nContent-Type: text/plain\r\n\r\n",
		wantStatus: 404,
	},
	{
		name:       "reason with non-ascii bytes dropped",
		in:         "Status: 404 caf\xc3\xa9\nContent-Type: text/plain\n\n",
		wantStatus: 404,
	},
	{
		name:       "reason with a tab dropped",
		in:         "Status: 404 a\tb\nContent-Type: text/plain\n\n",
		wantStatus: 404,
	},
	{
		name:       "reason of 128 bytes kept",
		in:         "Status: 404 " + strings.Repeat("r", 128) + "\nContent-Type: text/plain\n\n",
		wantStatus: 404,
		wantReason: strings.Repeat("r", 128),
	},
	{
		name:       "reason of 129 bytes dropped",
		in:         "Status: 404 " + strings.Repeat("r", 129) + "\nContent-Type: text/plain\n\n",
		wantStatus: 404,
	},
	{name: "status 100", in: "Status: 100\nContent-Type: text/plain\n\nbody", wantErr: ErrBadHeader},
	{name: "status 100 continue", in: "Status: 100 Continue\nContent-Type: text/plain\n\nbody", wantErr: ErrBadHeader},
	{name: "status 101", in: "Status: 101 Switching Protocols\nUpgrade: websocket\n\n", wantErr: ErrBadHeader},
	{name: "status 103", in: "Status: 103 Early Hints\nLink: </a.css>; rel=preload\n\n", wantErr: ErrBadHeader},
	{name: "status 199", in: "Status: 199\n\n", wantErr: ErrBadHeader},
	// What Apache's atoi takes is a status; the reason only after three
	// digits and a space or tab (Apache 2.4.67: "302Found" is "302 Found").
	{name: "status 200OK", in: "Status: 200OK\nContent-Type: text/plain\n\n", wantStatus: 200},
	{name: "status 302Found", in: "Status: 302Found\nLocation: http://example.com/\n\n", wantStatus: 302},
	{name: "status 0200", in: "Status: 0200 Fine\nContent-Type: text/plain\n\n", wantStatus: 200},
	{name: "status +200", in: "Status: +200 Fine\nContent-Type: text/plain\n\n", wantStatus: 200},
	{name: "status 404.5", in: "Status: 404.5 Gone\nContent-Type: text/plain\n\n", wantStatus: 404},
	{name: "status tab reason", in: "Status: 403\tGo away\nContent-Type: text/plain\n\n", wantStatus: 403, wantReason: "Go away"},
	{name: "status letter O", in: "Status: 2OO\nContent-Type: text/plain\n\n", wantErr: ErrBadHeader},
	{name: "status minus", in: "Status: -200\nContent-Type: text/plain\n\n", wantErr: ErrBadHeader},
	{name: "status 2000", in: "Status: 2000\nContent-Type: text/plain\n\n", wantErr: ErrBadHeader},
	{name: "status huge", in: "Status: 99999999999999999999999\nContent-Type: text/plain\n\n", wantErr: ErrBadHeader},
	{name: "status two digits", in: "Status: 20\nContent-Type: text/plain\n\n", wantErr: ErrBadHeader},
	{name: "status letters", in: "Status: abc\nContent-Type: text/plain\n\n", wantErr: ErrBadHeader},
	{name: "status 600", in: "Status: 600\nContent-Type: text/plain\n\n", wantErr: ErrBadHeader},
	{name: "status 099", in: "Status: 099\nContent-Type: text/plain\n\n", wantErr: ErrBadHeader},
	{name: "status signed", in: "Status: +20\nContent-Type: text/plain\n\n", wantErr: ErrBadHeader},
	{name: "status empty", in: "Status:\nContent-Type: text/plain\n\n", wantErr: ErrBadHeader},
	{
		name:       "absolute location is a 302",
		in:         "Location: http://example.com/x\n\n",
		wantStatus: 302,
		wantHeader: http.Header{"Location": {"http://example.com/x"}},
	},
	{
		name:       "absolute location keeps a given status",
		in:         "Status: 301 Moved\nLocation: https://example.com/\n\n",
		wantStatus: 301,
		wantReason: "Moved",
		wantHeader: http.Header{"Location": {"https://example.com/"}},
	},
	{
		name:       "local location is a local redirect",
		in:         "Location: /x?y\n\n",
		wantStatus: 200,
		wantLocal:  "/x?y",
	},
	{
		name:       "local location with status 200 is a local redirect",
		in:         "Status: 200 OK\nLocation: /other/page\n\n",
		wantStatus: 200,
		wantReason: "OK",
		wantLocal:  "/other/page",
	},
	{
		name:       "local location with another status is a client redirect",
		in:         "Status: 303 See Other\nLocation: /x\n\n",
		wantStatus: 303,
		wantReason: "See Other",
		wantHeader: http.Header{"Location": {"/x"}},
	},
	{
		// go#78767: a network-path reference names another host.
		name:       "double slash is not local",
		in:         "Location: //evil.example/\n\n",
		wantStatus: 302,
		wantHeader: http.Header{"Location": {"//evil.example/"}},
	},
	{
		// Never sent to a browser, which would read "//evil.example/":
		// served by the gateway, as Apache does (it names no script).
		name:       "slash backslash is local",
		in:         "Location: /\\evil.example/\n\n",
		wantStatus: 200,
		wantLocal:  "/\\evil.example/",
	},
	{
		name:       "slash tab slash is local",
		in:         "Location: /\t/evil.example/\n\n",
		wantStatus: 200,
		wantLocal:  "/\t/evil.example/",
	},
	{
		name:       "relative location is not local",
		in:         "Location: x/y\n\n",
		wantStatus: 302,
	},
	{
		name:       "repeated set-cookie stays repeated and in order",
		in:         "Content-Type: text/plain\nSet-Cookie: a=1\nX-Other: o\nSet-Cookie: b=2; Path=/\nset-cookie: c=3\n\n",
		wantStatus: 200,
		wantHeader: http.Header{
			"Content-Type": {"text/plain"},
			"Set-Cookie":   {"a=1", "b=2; Path=/", "c=3"},
			"X-Other":      {"o"},
		},
	},
	{
		name:       "repeated content-type and location: the last one counts",
		in:         "Content-Type: text/plain\nLocation: http://a.example/\nContent-Type: text/html\nStatus: 301\nLocation: http://b.example/\n\n",
		wantStatus: 301,
		wantHeader: http.Header{
			"Content-Type": {"text/html"},
			"Location":     {"http://b.example/"},
		},
	},
	{
		// CVE-2024-24795: the gateway frames the body itself.
		name:       "script content-length dropped",
		in:         "Content-Type: text/plain\nContent-Length: 1000\n\nshort",
		wantStatus: 200,
		wantHeader: http.Header{"Content-Type": {"text/plain"}},
		wantBody:   "short",
	},
	{name: "transfer-encoding refused", in: "Content-Type: text/plain\nTransfer-Encoding: chunked\n\n", wantErr: ErrBadHeader},
	{name: "transfer-encoding any case refused", in: "Content-Type: text/plain\ntransfer-encoding: identity\n\n", wantErr: ErrBadHeader},
	{name: "none of content-type location status", in: "X-Powered-By: sh\n\nbody", wantErr: ErrBadHeader},
	{name: "only content-length", in: "Content-Length: 3\n\nabc", wantErr: ErrBadHeader},
	{name: "empty location only", in: "Location:\n\n", wantErr: ErrBadHeader},
	// `print "Content-type: $t\n\n"` with $t undefined: Apache serves it
	// with no Content-Type, and so does the gateway.
	{name: "two etags: the last counts", in: "Content-Type: text/plain\nETag: \"a\"\nETag: \"b\"\n\n", wantStatus: 200, wantHeader: http.Header{"Content-Type": {"text/plain"}, "Etag": {`"b"`}}},
	{name: "empty content-type only", in: "Content-Type:\n\nbody", wantStatus: 200, wantHeader: http.Header{}, wantBody: "body"},
	{name: "empty content-type, then a type", in: "Content-Type:\nContent-Type: text/plain\n\n", wantStatus: 200, wantHeader: http.Header{"Content-Type": {"text/plain"}}},
	{name: "no colon", in: "Content-Type text/plain\n\n", wantErr: ErrBadHeader},
	{name: "leading colon", in: ": x\nContent-Type: text/plain\n\n", wantErr: ErrBadHeader},
	{name: "html instead of headers", in: "<html><body>oops</body></html>\n\n", wantErr: ErrBadHeader},
	{
		// CVE-2019-16276: "Name : value" must not be read as "Name".
		name:    "space before colon",
		in:      "Content-Type: text/plain\nTransfer-Encoding : chunked\n\n",
		wantErr: ErrBadHeader,
	},
	{name: "tab before colon", in: "Content-Type\t: text/plain\n\n", wantErr: ErrBadHeader},
	{name: "space inside name", in: "Content Type: text/plain\n\n", wantErr: ErrBadHeader},
	{name: "non-token name", in: "Content-Type: text/plain\nX(y): 1\n\n", wantErr: ErrBadHeader},
	{name: "nul in value", in: "Content-Type: text/plain\nX-A: a\x00b\n\n", wantErr: ErrBadHeader},
	{name: "bare cr in value", in: "Content-Type: text/plain\nX-A: a\rSet-Cookie: evil=1\n\n", wantErr: ErrBadHeader},
	{name: "cr cr lf", in: "Content-Type: text/plain\r\r\n\r\n", wantErr: ErrBadHeader},
	{name: "escape in value", in: "Content-Type: text/plain\nX-A: \x1b[31m\n\n", wantErr: ErrBadHeader},
	{name: "del in value", in: "Content-Type: text/plain\nX-A: a\x7f\n\n", wantErr: ErrBadHeader},
	{name: "vertical tab in value", in: "Content-Type: text/plain\nX-A: a\v\n\n", wantErr: ErrBadHeader},
	{
		name:       "utf-8 and tab in value allowed",
		in:         "Content-Type: text/plain\nX-A: caf\xc3\xa9\tbar\n\n",
		wantStatus: 200,
		wantHeader: http.Header{"Content-Type": {"text/plain"}, "X-A": {"caf\xc3\xa9\tbar"}},
	},
	// Folded lines are malformed, as Apache 2.4.67 takes them (500 there).
	{name: "continuation lines", in: "Content-Type: text/plain\nX-Long: one\n  two\n\tthree\nX-B: b\n\n", wantErr: ErrBadHeader},
	{name: "continuation of a repeated field", in: "Content-Type: text/plain\nSet-Cookie: a=1\nSet-Cookie: b=2\n ; Path=/\n\n", wantErr: ErrBadHeader},
	{name: "continuation with a colon", in: "Content-Type: text/plain\nX-A: 1\n\tb: c\n\n", wantErr: ErrBadHeader},
	{name: "continuation first", in: " X-A: 1\nContent-Type: text/plain\n\n", wantErr: ErrBadHeader},
	{name: "continuation with control character", in: "Content-Type: text/plain\nX-A: 1\n \x00\n\n", wantErr: ErrBadHeader},
	{name: "continuation of status", in: "Status: 200\n OK\nContent-Type: text/plain\n\n", wantErr: ErrBadHeader},
	{
		name:       "cr lf line ends the block",
		in:         "Content-Type: text/plain\nX-A: 1\n\r\nTransfer-Encoding: chunked\n\n",
		wantStatus: 200,
		wantBody:   "Transfer-Encoding: chunked\n\n",
	},
	{name: "empty output", in: "", wantErr: ErrNoOutput},
	{name: "output ends before blank line", in: "Content-Type: text/plain\n", wantErr: ErrNoHeader},
	{name: "output ends in its first line", in: "Content-Ty", wantErr: ErrNoHeader},
	{name: "output ends mid line", in: "Content-Type: text/pl", wantErr: ErrNoHeader},
	{name: "output ends after lone cr", in: "Content-Type: text/plain\n\r", wantErr: ErrNoHeader},
	{
		name:       "8 KiB line accepted",
		in:         "Content-Type: text/plain\nX-Big: " + strings.Repeat("a", maxHeaderLine-len("X-Big: ")) + "\r\n\r\nafter",
		wantStatus: 200,
		wantBody:   "after",
	},
	{
		name:    "8 KiB + 1 line refused",
		in:      "Content-Type: text/plain\nX-Big: " + strings.Repeat("a", maxHeaderLine-len("X-Big: ")+1) + "\n\nafter",
		wantErr: ErrBadHeader,
	},
	{
		name:    "huge line without newline refused",
		in:      "Content-Type: text/plain\nX-Big: " + strings.Repeat("a", 100<<10),
		wantErr: ErrBadHeader,
	},
	{
		name:    "too many lines",
		in:      "Content-Type: text/plain\n" + strings.Repeat("X-A: 1\n", maxHeaderCount) + "\n",
		wantErr: ErrBadHeader,
	},
	{
		name:    "block larger than 256 KiB",
		in:      "Content-Type: text/plain\n" + strings.Repeat("X-A: "+strings.Repeat("b", 8000)+"\n", 33) + "\n",
		wantErr: ErrBadHeader,
	},
	{
		// What Apache passes on: many cookies of a legacy app.
		name:       "999 lines, 96 KiB",
		in:         "Content-Type: text/plain\n" + strings.Repeat("Set-Cookie: c="+strings.Repeat("v", 80)+"\n", 998) + "\nok",
		wantStatus: 200,
		wantBody:   "ok",
	},
	{
		name:       "body that looks like headers stays body",
		in:         "Content-Type: text/plain\n\nTransfer-Encoding: chunked\n\n\x00\xff",
		wantStatus: 200,
		wantBody:   "Transfer-Encoding: chunked\n\n\x00\xff",
	},
}

// readers feeds each case through buffers of several sizes, including the
// minimum (16 bytes, far below one long line) and one byte per Read, which
// makes bufio refill (and overwrite) its buffer between lines, as a script
// that flushes after each header line does.
var readers = []struct {
	name string
	new  func(string) *bufio.Reader
}{
	{"default", func(s string) *bufio.Reader { return bufio.NewReader(strings.NewReader(s)) }},
	{"min", func(s string) *bufio.Reader { return bufio.NewReaderSize(strings.NewReader(s), 16) }},
	{"large", func(s string) *bufio.Reader { return bufio.NewReaderSize(strings.NewReader(s), 64<<10) }},
	{"onebyte", func(s string) *bufio.Reader { return bufio.NewReader(iotest.OneByteReader(strings.NewReader(s))) }},
	{"onebyte-min", func(s string) *bufio.Reader {
		return bufio.NewReaderSize(iotest.OneByteReader(strings.NewReader(s)), 16)
	}},
}

func TestReadResponse(t *testing.T) {
	for _, tc := range headerCases {
		for _, rd := range readers {
			t.Run(tc.name+"/"+rd.name, func(t *testing.T) {
				checkHeaderCase(t, tc, rd.new(tc.in))
			})
		}
	}
}

func checkHeaderCase(t *testing.T, tc headerCase, br *bufio.Reader) {
	t.Helper()
	resp, err := ReadResponse(br)
	if tc.wantErr != nil {
		if !errors.Is(err, tc.wantErr) {
			t.Fatalf("ReadResponse(%.60q) = %+v, %v; want error %v", tc.in, resp, err, tc.wantErr)
		}
		if errors.Is(err, ErrNoOutput) != (tc.in == "") {
			t.Errorf("ReadResponse(%.60q): %v: ErrNoOutput is for no output at all", tc.in, err)
		}
		if errors.Is(err, ErrBadHeader) {
			var he *HeaderError
			if !errors.As(err, &he) || he.Reason == "" {
				t.Errorf("error %v is not a *HeaderError with a reason", err)
			}
			if len(he.Line) > 200 {
				t.Errorf("HeaderError.Line is %d bytes, want it cut", len(he.Line))
			}
		}
		return
	}
	if err != nil {
		t.Fatalf("ReadResponse(%.60q): %v", tc.in, err)
	}
	if resp.Status != tc.wantStatus {
		t.Errorf("Status = %d, want %d", resp.Status, tc.wantStatus)
	}
	if resp.Reason != tc.wantReason {
		t.Errorf("Reason = %q, want %q", resp.Reason, tc.wantReason)
	}
	if want := strings.Contains(strings.ToLower(tc.in), "status:"); resp.HasStatus != want {
		t.Errorf("HasStatus = %v, want %v", resp.HasStatus, want)
	}
	if tc.wantHeader != nil && !reflect.DeepEqual(resp.Header, tc.wantHeader) {
		t.Errorf("Header = %q, want %q", resp.Header, tc.wantHeader)
	}
	if resp.LocalRedirect != tc.wantLocal {
		t.Errorf("LocalRedirect = %q, want %q", resp.LocalRedirect, tc.wantLocal)
	}
	for _, k := range []string{"Status", "Content-Length", "Transfer-Encoding"} {
		if _, ok := resp.Header[k]; ok {
			t.Errorf("Header holds %s: %q", k, resp.Header[k])
		}
	}
	if err := checkFields(resp); err != nil {
		t.Error(err)
	}
	body, err := io.ReadAll(br)
	if err != nil {
		t.Fatalf("read body: %v", err)
	}
	if string(body) != tc.wantBody {
		t.Errorf("body = %q, want %q", body, tc.wantBody)
	}
}

// checkFields checks that resp.Fields lists each key of resp.Header once,
// under a spelling of that key, but for the fields Apache writes itself
// (Content-Type, Last-Modified) and a client redirect's Location.
func checkFields(resp *Response) error {
	seen := map[string]bool{}
	for _, f := range resp.Fields {
		if _, ok := resp.Header[f.Key]; !ok || seen[f.Key] || !strings.EqualFold(f.Name, f.Key) {
			return fmt.Errorf("Fields %q: %q is not a key of Header %q once, spelled its way", resp.Fields, f, resp.Header)
		}
		seen[f.Key] = true
	}
	for k := range resp.Header {
		own := k == "Content-Type" || k == "Location" && resp.ClientRedirect
		if seen[k] == own {
			return fmt.Errorf("Fields %q: key %q listed: %v, want %v", resp.Fields, k, seen[k], !own)
		}
	}
	return nil
}

// TestReadResponse_FieldsInScriptOrder guards the script's order and
// spelling of its field names (Response.Fields), which Apache keeps: the
// first line of a repeated field gives its place and spelling, Set-Cookie
// comes after the others, then the fields Apache keeps in r->headers_out
// (ETag, Last-Modified in its spelling, a Location with a Status) in the
// script's order, as Apache moves them; Content-Type, which Apache writes
// last, is left out.
func TestReadResponse_FieldsInScriptOrder(t *testing.T) {
	in := "X-Zeta: z\nETag: \"a\"\nx-lower-case: yes\ncontent-type: text/plain\nWWW-Authenticate: Basic\n" +
		"x-multi: 1\nStatus: 200\nlast-modified: Tue, 01 Jan 2019 00:00:00 GMT\nSet-Cookie: a=1\nX-MULTI: 2\n" +
		"Content-Length: 3\nSet-Cookie: b=2\nlocation: http://example.com/\n\n"
	want := []Field{{Key: "X-Zeta", Name: "X-Zeta"}, {Key: "X-Lower-Case", Name: "x-lower-case"},
		{Key: "Www-Authenticate", Name: "WWW-Authenticate"}, {Key: "X-Multi", Name: "x-multi"}}
	tail := []Field{{Key: "Set-Cookie", Name: "Set-Cookie"}, {Key: "Etag", Name: "ETag"}, {Key: "Last-Modified", Name: "Last-Modified"}}
	for _, rd := range readers {
		resp, err := ReadResponse(rd.new(in))
		if err != nil {
			t.Fatalf("%s: %v", rd.name, err)
		}
		if want := slices.Concat(want, tail); !resp.ClientRedirect || !reflect.DeepEqual(resp.Fields, want) {
			t.Errorf("%s: Fields %q (client redirect %v), want %q", rd.name, resp.Fields, resp.ClientRedirect, want)
		}
		if err := checkFields(resp); err != nil {
			t.Errorf("%s: %v", rd.name, err)
		}
		// With a status of its own, the Location is the script's field.
		resp, err = ReadResponse(rd.new(strings.Replace(in, "Status: 200", "Status: 302", 1)))
		if err != nil {
			t.Fatalf("%s: %v", rd.name, err)
		}
		if want := slices.Concat(want, tail, []Field{{Key: "Location", Name: "location"}}); !reflect.DeepEqual(resp.Fields, want) {
			t.Errorf("%s, Status 302: Fields %q, want %q", rd.name, resp.Fields, want)
		}
	}
}

// BenchmarkReadResponse parses the header block of a hello script.
func BenchmarkReadResponse(b *testing.B) {
	const in = "Content-type: text/html; charset=utf-8\r\nX-Pid: 1234\r\n\r\nhello\n"
	r := strings.NewReader(in)
	br := bufio.NewReader(r)
	b.ReportAllocs()
	for b.Loop() {
		r.Reset(in)
		br.Reset(r)
		if _, err := ReadResponse(br); err != nil {
			b.Fatal(err)
		}
	}
}

// TestReadResponse_StatusSurvivesRefill pins a bug: the Status value used to
// be kept as a slice of the reader's buffer, so the header lines after it
// overwrote it when a script flushed line by line.
func TestReadResponse_StatusSurvivesRefill(t *testing.T) {
	in := "Status: 404 Not Found\n" + strings.Repeat("X-Pad: 123456789\n", 20) + "Content-Type: text/plain\n\n"
	br := bufio.NewReaderSize(iotest.OneByteReader(strings.NewReader(in)), 16)
	resp, err := ReadResponse(br)
	if err != nil {
		t.Fatalf("ReadResponse: %v", err)
	}
	if resp.Status != 404 {
		t.Errorf("Status = %d, want 404", resp.Status)
	}
}

// TestReadResponse_ErrorText checks the message style: package prefix, the
// quoted line, the reason.
func TestReadResponse_ErrorText(t *testing.T) {
	_, err := ReadResponse(bufio.NewReader(strings.NewReader("Content-Type: text/plain\nBad Name: x\n\n")))
	want := `cgi: malformed response header "Bad Name: x": invalid field name`
	if err == nil || err.Error() != want {
		t.Errorf("err = %v, want %s", err, want)
	}
	_, err = ReadResponse(bufio.NewReader(strings.NewReader("X-A: 1\n\n")))
	want = "cgi: malformed response header: none of Content-Type, Location or Status"
	if err == nil || err.Error() != want {
		t.Errorf("err = %v, want %s", err, want)
	}
	// A stray blank line first ends the block before it began: said so.
	_, err = ReadResponse(bufio.NewReader(strings.NewReader("\nContent-Type: text/html\n\n<p>x</p>\n")))
	want = "cgi: malformed response header: the output starts with a blank line, which ends an empty header block: none of Content-Type, Location or Status"
	if err == nil || err.Error() != want {
		t.Errorf("err = %v, want %s", err, want)
	}
}

// TestReadResponse_ReadError passes a read error through unchanged, so the
// gateway can tell a broken pipe from a malformed block.
func TestReadResponse_ReadError(t *testing.T) {
	boom := errors.New("boom")
	r := io.MultiReader(strings.NewReader("Content-Type: text/plain\n"), iotest.ErrReader(boom))
	_, err := ReadResponse(bufio.NewReader(r))
	if !errors.Is(err, boom) {
		t.Errorf("err = %v, want %v", err, boom)
	}
	if errors.Is(err, ErrBadHeader) || errors.Is(err, ErrNoHeader) {
		t.Errorf("read error %v reported as a header error", err)
	}
}

// TestResponse_LocalRedirectDropsFragment: a fragment in a local Location
// never reaches the target's path or query (Apache drops it too); a client
// redirect keeps it, for the browser.
func TestResponse_LocalRedirectDropsFragment(t *testing.T) {
	for in, want := range map[string]string{"/next?a=1#frag": "/next?a=1", "/next#frag": "/next", "/next?a#b#c": "/next?a"} {
		resp, err := ReadResponse(bufio.NewReader(strings.NewReader("Location: " + in + "\r\n\r\n")))
		if err != nil || resp.LocalRedirect != want {
			t.Errorf("Location %q: LocalRedirect %q, %v; want %q", in, resp.LocalRedirect, err, want)
		}
	}
	resp, err := ReadResponse(bufio.NewReader(strings.NewReader("Location: http://example.com/x#top\r\n\r\n")))
	if err != nil || resp.Header.Get("Location") != "http://example.com/x#top" {
		t.Errorf("client redirect: %v %v", resp, err)
	}
}

// TestResponse_CarriedHeader: a local redirect hands on every field but
// those describing the redirecting answer itself, as Apache's util_script.c
// sorts them (err_headers_out against headers_out), repeats kept in order.
func TestResponse_CarriedHeader(t *testing.T) {
	in := "Set-Cookie: a=1\r\nX-Lost: yes\r\nSet-Cookie: b=2\r\nContent-Type: text/html\r\nLast-Modified: Tue, 01 Jan 2019 00:00:00 GMT\r\n" +
		"ETag: \"e\"\r\nContent-Range: bytes 0-1/2\r\nContent-Length: 3\r\nStatus: 200\r\nCache-Control: no-store\r\nLocation: /next\r\n" +
		"Content-Encoding: gzip\r\nContent-Language: de\r\nContent-Disposition: attachment\r\nContent-Location: /x.gz\r\n" +
		"Proxy-Authenticate: Basic\r\nConnection: X-Drop, x-also\r\nX-Drop: 1\r\nX-Also: 2\r\n\r\n"
	resp, err := ReadResponse(bufio.NewReader(strings.NewReader(in)))
	if err != nil {
		t.Fatalf("ReadResponse: %v", err)
	}
	if resp.LocalRedirect != "/next" {
		t.Fatalf("LocalRedirect = %q, want /next", resp.LocalRedirect)
	}
	want := http.Header{"Set-Cookie": {"a=1", "b=2"}, "X-Lost": {"yes"}, "Cache-Control": {"no-store"}}
	if got := resp.CarriedHeader(); !reflect.DeepEqual(got, want) {
		t.Errorf("CarriedHeader() = %v, want %v", got, want)
	}
	resp, err = ReadResponse(bufio.NewReader(strings.NewReader("Content-Type: text/plain\r\nLocation: /next\r\n\r\n")))
	if err != nil {
		t.Fatalf("ReadResponse: %v", err)
	}
	if got := resp.CarriedHeader(); got != nil {
		t.Errorf("CarriedHeader() = %v, want nil", got)
	}
}

// TestReadResponse_ApacheHeadersOut: the fields util_script.c puts in
// r->headers_out go out after the others, in the script's order (a
// Location with a Status too), Content-Range once, its last value, and
// the media type of Content-Type in lower case, its parameters as
// written, as Apache sends them.
func TestReadResponse_ApacheHeadersOut(t *testing.T) {
	in := "Status: 206\nContent-Range: bytes 0-1/10\nlocation: /elsewhere\nContent-Type: TEXT/HTML; Charset=UTF-8\n" +
		"X-A: 1\nContent-Range: bytes 2-3/10\nSet-Cookie: c=1\n\n"
	resp, err := ReadResponse(bufio.NewReader(strings.NewReader(in)))
	if err != nil {
		t.Fatal(err)
	}
	want := []Field{{Key: "X-A", Name: "X-A"}, {Key: "Set-Cookie", Name: "Set-Cookie"}, {Key: "Content-Range", Name: "Content-Range"}, {Key: "Location", Name: "location"}}
	if !reflect.DeepEqual(resp.Fields, want) {
		t.Errorf("Fields %q, want %q", resp.Fields, want)
	}
	if got := resp.Header["Content-Range"]; !reflect.DeepEqual(got, []string{"bytes 2-3/10"}) {
		t.Errorf("Content-Range %q, want the last one only", got)
	}
	if got := resp.Header.Get("Content-Type"); got != "text/html; Charset=UTF-8" {
		t.Errorf("Content-Type %q, want text/html; Charset=UTF-8", got)
	}
}
