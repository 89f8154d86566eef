// fuzz_test.go: fuzzing the record reader and the name-value pair codec:
// arbitrary bytes never panic or allocate past what the input allows, and
// what is encoded decodes back.

package fastcgi

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

func FuzzReadRecord(f *testing.F) {
	f.Add([]byte{})
	f.Add([]byte{1, 6, 0, 1, 0, 2, 6, 0, 'h', 'i', 0, 0, 0, 0, 0, 0})
	f.Add([]byte{1, 6, 0, 1, 0xff, 0xff, 0xff, 0})
	f.Add([]byte{2, 6, 0, 1, 0, 0, 0, 0})
	f.Add(append([]byte{1, 3, 0, 1, 0, 8, 0, 0}, 0, 0, 0, 1, 2, 0, 0, 0))
	f.Add(append([]byte{1, 10, 0, 0, 0, 5, 3, 0}, 1, 2, 'a', 'b', 'c', 0, 0, 0))
	f.Add(append([]byte{1, 11, 0, 0, 0, 8, 0, 0}, 9, 0, 0, 0, 0, 0, 0, 0))
	f.Add(appendStream(nil, typeStdout, 1, bytes.Repeat([]byte("x"), 300)))
	f.Fuzz(func(t *testing.T, data []byte) {
		r := bytes.NewReader(data)
		var buf []byte
		for {
			h, content, nb, err := readRecord(r, buf)
			buf = nb
			if limit := 4*len(data) + 16<<10; cap(buf) > limit {
				t.Fatalf("buffer of %d bytes for %d bytes of input", cap(buf), len(data))
			}
			if err != nil {
				break
			}
			if len(content) != int(h.length) {
				t.Fatalf("content of %d bytes, header says %d", len(content), h.length)
			}
			switch h.typ {
			case typeEndRequest:
				parseEndRequest(content)
			case typeUnknownType:
				parseUnknownType(content)
			case typeGetValuesResult, typeParams:
				decodePairs(content)
			}
		}

		// Any byte string survives a trip through a stream of records.
		stream := appendStream(nil, typeStdin, 1, data)
		r = bytes.NewReader(stream)
		var got []byte
		for {
			h, content, nb, err := readRecord(r, buf)
			buf = nb
			if err != nil {
				t.Fatalf("reading back a stream: %v", err)
			}
			if h.typ != typeStdin || h.id != 1 {
				t.Fatalf("read back %v id %d", h.typ, h.id)
			}
			if len(content) == 0 {
				break
			}
			got = append(got, content...)
		}
		if !bytes.Equal(got, data) || r.Len() != 0 {
			t.Fatalf("stream of %d bytes read back as %d, %d left", len(data), len(got), r.Len())
		}
	})
}

func FuzzNameValuePairs(f *testing.F) {
	f.Add([]byte{}, "", "")
	f.Add([]byte{1, 1, 'a', 'b'}, "SCRIPT_NAME", "/x")
	f.Add([]byte{0x7f, 0}, strings.Repeat("n", 127), strings.Repeat("v", 128))
	f.Add([]byte{0x80, 0, 0, 0x80, 0}, strings.Repeat("n", 128), strings.Repeat("v", 127))
	f.Add([]byte{0x80, 0, 0, 1, 0x80, 0, 0, 1, 'a', 'b'}, "A", "b=c")
	f.Add([]byte{0xff, 0xff, 0xff, 0xff, 0}, "NUL\x00", "\r\n")
	f.Add([]byte{3, 0x80, 0, 0}, "", strings.Repeat("x", 200))
	f.Fuzz(func(t *testing.T, data []byte, name, value string) {
		// Arbitrary bytes: no panic, and what decodes re-encodes to the same pairs.
		if pairs, err := decodePairs(data); err == nil {
			var b []byte
			for _, p := range pairs {
				b, _ = AppendPair(b, p.name, p.value)
			}
			again, err := decodePairs(b)
			if err != nil || len(again) != len(pairs) {
				t.Fatalf("re-encoded pairs: %v, %d of %d", err, len(again), len(pairs))
			}
			for i := range pairs {
				if again[i] != pairs[i] {
					t.Fatalf("pair %d changed on re-encoding", i)
				}
			}
		}

		// decode(encode(pairs)) == pairs.
		want := []pair{{name, value}, {value, name}, {name + value, ""}, {"", name}}
		var b []byte
		for _, p := range want {
			var err error
			if b, err = AppendPair(b, p.name, p.value); err != nil {
				t.Fatal(err)
			}
		}
		got, err := decodePairs(b)
		if err != nil {
			t.Fatalf("decode(encode(%q, %q)): %v", name, value, err)
		}
		if len(got) != len(want) {
			t.Fatalf("decoded %d pairs, want %d", len(got), len(want))
		}
		for i := range want {
			if got[i] != want[i] {
				t.Fatalf("pair %d = %q, want %q", i, got[i], want[i])
			}
		}
	})
}

// FuzzRecReader: recReader.next reads any bytes, fed in any pieces, then
// a reset, as readRecord over a bufio.Reader did (TestRecReader_SameAsBufio).
func FuzzRecReader(f *testing.F) {
	f.Add([]byte{}, []byte{})
	f.Add([]byte{1, 6, 0, 1, 0, 2, 6, 0, 'h', 'i', 0, 0, 0, 0, 0, 0}, []byte{3})
	f.Add([]byte{1, 6, 0, 1, 0xff, 0xff, 0xff, 0}, []byte{200})
	f.Add([]byte{2, 6, 0, 1, 0, 0, 0, 0}, []byte{})
	f.Add(append(appendStream(nil, typeStdout, 1, bytes.Repeat([]byte("x"), 300)), 1, 3, 0, 1, 0, 8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0), []byte{17, 0, 255})
	f.Fuzz(func(t *testing.T, data, pieces []byte) {
		sizes := make([]int, len(pieces))
		for i, p := range pieces {
			sizes[i] = int(p)
		}
		for _, size := range []int{16, 256, 16 << 10} {
			compareNextRecord(t, data, size, sizes, nil)
			compareNextRecord(t, data, size, sizes, []error{errTestReset})
		}
	})
}

// FuzzEncodeRequest: encodeRequest gives any params, flags and linger the
// bytes of record by record appends (TestEncodeRequest_SameBytesAsRecords).
func FuzzEncodeRequest(f *testing.F) {
	f.Add([]byte{}, false, int64(0), false)
	f.Add([]byte{4, 3, 'A', 'B', 'C', 'D', 'x', 'y', 'z'}, true, int64(25000), true)
	f.Add(bytes.Repeat([]byte{1}, 65530), false, int64(-1), false)
	f.Fuzz(func(t *testing.T, pairs []byte, closeConn bool, linger int64, body bool) {
		req := Request{CloseConn: closeConn, Linger: time.Duration(linger)}
		if body {
			req.Stdin = strings.NewReader("")
		}
		checkEncodeRequest(t, pairs, req)
	})
}
