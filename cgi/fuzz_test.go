// fuzz_test.go fuzzes the CGI response header parser (STYLE §6, C6, C10).

package cgi

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"slices"
	"testing"
	"testing/iotest"

	"github.com/menshen/menshen/internal/httpsyntax"
)

// FuzzReadResponse checks that ReadResponse never panics and that whatever
// it accepts is safe to hand to net/http: a final status (200..599), a reason
// phrase that fits on a status line and came from the script's Status, no
// framing or Status fields, token names, and values free of CR, LF and NUL. The
// second argument picks the buffer size and whether the input arrives one
// byte per Read, so the result must not depend on how the script's output
// was chunked. What a local redirect carries never describes the
// redirecting answer (Location, Content-Type, …).
func FuzzReadResponse(f *testing.F) {
	for _, tc := range headerCases {
		f.Add([]byte(tc.in), uint16(0))
	}
	f.Add([]byte("Status: 404 Not Found\nX-Pad: 0123456789abcdef\nContent-Type: text/plain\n\n"), uint16(17))
	f.Add([]byte("Location: /a\n\n"), uint16(1))
	f.Add([]byte("Content-Type: a\n b\n\tc\n\n"), uint16(16))
	f.Add([]byte("Status: 404 Custom Text\nContent-Type: text/plain\n\nbody"), uint16(3))
	f.Add([]byte("Status:   404   Spaced   \r\nContent-Type: text/plain\r\n\r\n"), uint16(0))
	f.Add([]byte("Status: 299 Odd\n\n"), uint16(1))
	f.Add([]byte("Status: 404 caf\xc3\xa9\n\n"), uint16(0))
	f.Add([]byte("Status: 404 a\r\nSet-Cookie: x\n\n"), uint16(0))
	f.Add([]byte("Status: 100\nContent-Type: text/plain\n\nbody"), uint16(0))
	f.Add([]byte("Status: 101 Switching Protocols\nUpgrade: websocket\n\n"), uint16(1))

	f.Fuzz(func(t *testing.T, in []byte, mode uint16) {
		size := 16 + int(mode>>1)
		var src io.Reader = bytes.NewReader(in)
		if mode&1 == 1 {
			src = iotest.OneByteReader(src)
		}
		br := bufio.NewReaderSize(src, size)
		resp, err := ReadResponse(br)

		// Same input, one big buffer: same verdict.
		ref, refErr := ReadResponse(bufio.NewReaderSize(bytes.NewReader(in), 128<<10))
		if (err == nil) != (refErr == nil) || errors.Is(err, ErrNoHeader) != errors.Is(refErr, ErrNoHeader) ||
			errors.Is(err, ErrNoOutput) != (len(in) == 0) {
			t.Fatalf("buffer %d (mode %d): err %v; large buffer: err %v", size, mode, err, refErr)
		}
		if err != nil {
			if !errors.Is(err, ErrBadHeader) && !errors.Is(err, ErrNoHeader) {
				t.Fatalf("unexpected error kind %T: %v", err, err)
			}
			return
		}
		if resp.Status != ref.Status || resp.Reason != ref.Reason || resp.HasStatus != ref.HasStatus || resp.LocalRedirect != ref.LocalRedirect || len(resp.Header) != len(ref.Header) {
			t.Fatalf("buffer %d (mode %d): %+v; large buffer: %+v", size, mode, resp, ref)
		}
		if !slices.Equal(resp.Fields, ref.Fields) {
			t.Fatalf("buffer %d (mode %d): Fields %q; large buffer: %q", size, mode, resp.Fields, ref.Fields)
		}
		if err := checkFields(resp); err != nil {
			t.Fatal(err)
		}
		if resp.Status < 200 || resp.Status > 599 {
			t.Fatalf("Status = %d", resp.Status)
		}
		if resp.Reason != "" {
			if !httpsyntax.ValidReasonPhrase(resp.Reason) {
				t.Fatalf("Reason %q cannot go on a status line", resp.Reason)
			}
			if !resp.HasStatus || !bytes.Contains(in, []byte(resp.Reason)) {
				t.Fatalf("Reason %q is not the script's (HasStatus %v)", resp.Reason, resp.HasStatus)
			}
		}
		for k, vs := range resp.Header {
			switch k {
			case "Status", "Content-Length", "Transfer-Encoding":
				t.Fatalf("Header holds %q", k)
			}
			if !httpsyntax.ValidFieldName(k) {
				t.Fatalf("invalid header name %q", k)
			}
			if len(vs) == 0 {
				t.Fatalf("header %q has no values", k)
			}
			for _, v := range vs {
				if bytes.ContainsAny([]byte(v), "\r\n\x00") {
					t.Fatalf("header %q value %q holds CR, LF or NUL", k, v)
				}
			}
		}
		if resp.LocalRedirect != "" {
			if resp.LocalRedirect[0] != '/' || len(resp.LocalRedirect) > 1 && resp.LocalRedirect[1] == '/' {
				t.Fatalf("LocalRedirect %q is not a local path", resp.LocalRedirect)
			}
			if resp.Status != 200 {
				t.Fatalf("LocalRedirect with Status %d", resp.Status)
			}
		}
		// A local redirect never hands on what describes its own answer.
		for k := range resp.CarriedHeader() {
			switch k {
			case "Location", "Content-Type", "Last-Modified", "Etag", "Content-Range":
				t.Fatalf("CarriedHeader holds %q", k)
			}
		}
		if _, ok := resp.Header["Location"]; !ok && resp.Header.Get("Content-Type") == "" && resp.Status == 200 && !bytes.Contains(bytes.ToLower(in), []byte("status")) && !bytes.Contains(bytes.ToLower(in), []byte("content-type")) {
			t.Fatalf("accepted a block with none of Content-Type, Location, Status: %q", in)
		}
		// The body is exactly what follows the blank line.
		body, err := io.ReadAll(br)
		if err != nil {
			t.Fatalf("read body: %v", err)
		}
		if !bytes.HasSuffix(in, body) {
			t.Fatalf("body %q is not a suffix of the input", body)
		}
		if rest := in[:len(in)-len(body)]; !bytes.HasSuffix(rest, []byte("\n\n")) && !bytes.HasSuffix(rest, []byte("\n\r\n")) {
			t.Fatalf("header block %q does not end in a blank line", rest)
		}
	})
}
