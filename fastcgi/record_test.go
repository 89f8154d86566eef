// record_test.go: byte-level tests of the record and name-value pair codec.

package fastcgi

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestAppendLen(t *testing.T) {
	for _, tc := range []struct {
		n    int
		want []byte
	}{
		{0, []byte{0}},
		{1, []byte{1}},
		{127, []byte{0x7f}},
		{128, []byte{0x80, 0, 0, 0x80}},
		{255, []byte{0x80, 0, 0, 0xff}},
		{65535, []byte{0x80, 0, 0xff, 0xff}},
		{65536, []byte{0x80, 1, 0, 0}},
		{1<<31 - 1, []byte{0xff, 0xff, 0xff, 0xff}},
	} {
		if got := appendLen(nil, tc.n); !bytes.Equal(got, tc.want) {
			t.Errorf("appendLen(%d) = % x, want % x", tc.n, got, tc.want)
		}
		n, size, err := readLen(append(tc.want, 'x'))
		if err != nil || n != tc.n || size != len(tc.want) {
			t.Errorf("readLen(% x) = %d, %d, %v, want %d, %d, nil", tc.want, n, size, err, tc.n, len(tc.want))
		}
	}
}

func TestPairs_RoundTrip(t *testing.T) {
	var pairs []pair
	for _, n := range []int{0, 1, 127, 128, 129, 65535, 65536, 70000} {
		pairs = append(pairs,
			pair{strings.Repeat("n", max(n, 1)), "v"},
			pair{"N", strings.Repeat("v", n)},
			pair{strings.Repeat("a", n+1), strings.Repeat("b", n)},
		)
	}
	pairs = append(pairs, pair{"WITH=EQUALS", "a=b"}, pair{"NUL\x00", "\x00\r\n"})
	var b []byte
	for _, p := range pairs {
		var err error
		if b, err = AppendPair(b, p.name, p.value); err != nil {
			t.Fatal(err)
		}
	}
	got, err := decodePairs(b)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(pairs) {
		t.Fatalf("decoded %d pairs, want %d", len(got), len(pairs))
	}
	for i := range pairs {
		if got[i] != pairs[i] {
			t.Errorf("pair %d: name %d bytes value %d bytes, want %d and %d",
				i, len(got[i].name), len(got[i].value), len(pairs[i].name), len(pairs[i].value))
		}
	}
}

func TestPairs_Encoding(t *testing.T) {
	b, _ := AppendPair(nil, strings.Repeat("n", 127), strings.Repeat("v", 128))
	want := append([]byte{0x7f, 0x80, 0, 0, 0x80}, strings.Repeat("n", 127)+strings.Repeat("v", 128)...)
	if !bytes.Equal(b, want) {
		t.Errorf("pair of 127/128 bytes = % x…, want % x…", b[:8], want[:8])
	}
}

func TestDecodePairs_Malformed(t *testing.T) {
	for _, tc := range []struct {
		name string
		in   []byte
	}{
		{"no value length", []byte{1}},
		{"short 4-byte name length", []byte{0x80, 0}},
		{"short 4-byte value length", []byte{1, 0x80, 0, 0}},
		{"name past end", []byte{5, 0, 'a'}},
		{"value past end", []byte{1, 5, 'a', 'b'}},
		{"huge claimed length", []byte{0xff, 0xff, 0xff, 0xff, 0, 'a'}},
		{"huge value length", []byte{1, 0xff, 0xff, 0xff, 0xff, 'a'}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := decodePairs(tc.in); !errors.Is(err, ErrBadRecord) {
				t.Errorf("decodePairs(% x) = %v, want ErrBadRecord", tc.in, err)
			}
		})
	}
}

func TestAppendStream_Splits(t *testing.T) {
	for _, n := range []int{0, 1, 7, 8, 65534, 65535, 65536, 70000, 2 * 65535, 2*65535 + 1} {
		data := make([]byte, n)
		for i := range data {
			data[i] = byte(i * 7)
		}
		stream := appendStream(nil, typeParams, 1, data)
		r := bytes.NewReader(stream)
		var got []byte
		var buf []byte
		for records := 0; ; records++ {
			before := r.Len()
			h, content, nb, err := readRecord(r, buf)
			buf = nb
			if err != nil {
				t.Fatalf("n=%d record %d: %v", n, records, err)
			}
			if size := before - r.Len(); size%8 != 0 {
				t.Errorf("n=%d record %d: %d bytes, not a multiple of 8", n, records, size)
			}
			if h.typ != typeParams || h.id != 1 {
				t.Errorf("n=%d record %d: %v id %d", n, records, h.typ, h.id)
			}
			if len(content) == 0 {
				if r.Len() != 0 {
					t.Errorf("n=%d: %d bytes after the empty record", n, r.Len())
				}
				if want := (n + maxContent - 1) / maxContent; records != want {
					t.Errorf("n=%d: %d data records, want %d", n, records, want)
				}
				break
			}
			got = append(got, content...)
		}
		if !bytes.Equal(got, data) {
			t.Errorf("n=%d: stream reassembles to %d bytes", n, len(got))
		}
	}
}

func TestReadRecord_Padding(t *testing.T) {
	var stream []byte
	for pad := range 256 {
		stream = append(stream, 1, byte(typeStdout), 0, 1, 0, 3, byte(pad), 0, 'a', 'b', byte(pad))
		stream = append(stream, bytes.Repeat([]byte{0xee}, pad)...)
	}
	r := bytes.NewReader(stream)
	var buf []byte
	for pad := range 256 {
		h, content, nb, err := readRecord(r, buf)
		buf = nb
		if err != nil {
			t.Fatalf("pad %d: %v", pad, err)
		}
		if h.padding != uint8(pad) || !bytes.Equal(content, []byte{'a', 'b', byte(pad)}) {
			t.Fatalf("pad %d: header %+v content %q", pad, h, content)
		}
	}
	if _, _, _, err := readRecord(r, buf); err != io.EOF {
		t.Errorf("after the last record: %v, want io.EOF", err)
	}
}

func TestReadRecord_Errors(t *testing.T) {
	for _, tc := range []struct {
		name string
		in   []byte
		want error
	}{
		{"empty", nil, io.EOF},
		{"half header", []byte{1, 6, 0}, io.ErrUnexpectedEOF},
		{"short content", []byte{1, 6, 0, 1, 0, 5, 0, 0, 'a'}, io.ErrUnexpectedEOF},
		{"short padding", []byte{1, 6, 0, 1, 0, 1, 4, 0, 'a', 0}, io.ErrUnexpectedEOF},
		{"version 0", []byte{0, 6, 0, 1, 0, 0, 0, 0}, ErrBadRecord},
		{"version 2", []byte{2, 6, 0, 1, 0, 0, 0, 0}, ErrBadRecord},
		{"claims 64 KiB", []byte{1, 6, 0, 1, 0xff, 0xff, 0xff, 0, 'a'}, io.ErrUnexpectedEOF},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, _, buf, err := readRecord(bytes.NewReader(tc.in), nil)
			if !errors.Is(err, tc.want) {
				t.Errorf("readRecord(% x) = %v, want %v", tc.in, err, tc.want)
			}
			if cap(buf) > 8192 {
				t.Errorf("readRecord(% x) grew its buffer to %d bytes", tc.in, cap(buf))
			}
		})
	}
}

func TestFixedBodies(t *testing.T) {
	if got, want := beginRequestBody(true, 0, false), []byte{0, 1, 1, 0, 0, 0, 0, 0}; !bytes.Equal(got, want) {
		t.Errorf("beginRequestBody(true, 0) = % x, want % x", got, want)
	}
	if got, want := beginRequestBody(false, 0, false), []byte{0, 1, 0, 0, 0, 0, 0, 0}; !bytes.Equal(got, want) {
		t.Errorf("beginRequestBody(false, 0) = % x, want % x", got, want)
	}
	// Request.Linger: tens of microseconds in the first reserved byte,
	// rounded up, at most 255.
	for _, tc := range []struct {
		linger time.Duration
		want   byte
	}{{100 * time.Microsecond, 10}, {time.Microsecond, 1}, {15 * time.Microsecond, 2}, {2550 * time.Microsecond, 255}, {time.Second, 255}, {-time.Second, 0}} {
		if got, want := beginRequestBody(true, tc.linger, false), []byte{0, 1, 1, tc.want, 0, 0, 0, 0}; !bytes.Equal(got, want) {
			t.Errorf("beginRequestBody(true, %v) = % x, want % x", tc.linger, got, want)
		}
	}
	app, status, err := parseEndRequest([]byte{0xff, 0xff, 0xff, 0xfe, 2, 0, 0, 0})
	if app != 0xfffffffe || status != statusOverloaded || err != nil {
		t.Errorf("parseEndRequest = %d, %d, %v", app, status, err)
	}
	if _, _, err := parseEndRequest(make([]byte, 9)); !errors.Is(err, ErrBadRecord) {
		t.Errorf("parseEndRequest of 9 bytes = %v, want ErrBadRecord", err)
	}
	if typ, err := parseUnknownType([]byte{9, 0, 0, 0, 0, 0, 0, 0}); typ != typeGetValues || err != nil {
		t.Errorf("parseUnknownType = %v, %v", typ, err)
	}
	if _, err := parseUnknownType([]byte{9}); !errors.Is(err, ErrBadRecord) {
		t.Errorf("parseUnknownType of 1 byte = %v, want ErrBadRecord", err)
	}
}

func TestFrameRecord(t *testing.T) {
	buf := make([]byte, headerLen+16)
	for i := range buf {
		buf[i] = 0xaa
	}
	copy(buf[headerLen:], "hello")
	rec := frameRecord(buf, typeStdin, 1, 5)
	want := []byte{1, 5, 0, 1, 0, 5, 3, 0, 'h', 'e', 'l', 'l', 'o', 0, 0, 0}
	if !bytes.Equal(rec, want) {
		t.Errorf("frameRecord = % x, want % x", rec, want)
	}
}

func TestRecType_String(t *testing.T) {
	for typ, want := range map[recType]string{
		typeBeginRequest: "FCGI_BEGIN_REQUEST",
		typeUnknownType:  "FCGI_UNKNOWN_TYPE",
		0:                "type 0",
		200:              "type 200",
	} {
		if got := typ.String(); got != want {
			t.Errorf("recType(%d).String() = %q, want %q", uint8(typ), got, want)
		}
	}
}

// TestAppendPairStream_CutsBetweenPairs: the FCGI_PARAMS records end
// between two pairs (php-cgi reads each record on its own), each record
// whole pairs only while they fit; one pair over a record is cut; the
// stream reassembles to the same pairs.
func TestAppendPairStream_CutsBetweenPairs(t *testing.T) {
	big := func(n int) string { return strings.Repeat("v", n) }
	for _, tc := range []struct {
		name  string
		pairs [][2]string
	}{
		{"small", [][2]string{{"A", "1"}, {"B", "2"}}},
		{"eleven 6 KB headers", func() (p [][2]string) {
			for i := range 11 {
				p = append(p, [2]string{fmt.Sprintf("HTTP_X_%d", i), big(6000)})
			}
			return p
		}()},
		{"one pair of exactly a record", [][2]string{{"A", "1"}, {"HTTP_X", big(maxParamsContent - 14)}, {"B", "2"}}},
		{"one pair over a record", [][2]string{{"A", "1"}, {"HTTP_X", big(maxContent + 500)}, {"B", "2"}}},
		{"one pair between the unpadded and the padded size", [][2]string{{"A", "1"}, {"HTTP_X", big(maxContent - 20)}, {"B", "2"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var enc []byte
			var bounds []int // offsets where a pair ends
			for _, p := range tc.pairs {
				var err error
				if enc, err = AppendPair(enc, p[0], p[1]); err != nil {
					t.Fatal(err)
				}
				bounds = append(bounds, len(enc))
			}
			stream := appendPairStream(nil, 1, enc)
			r := bytes.NewReader(stream)
			var got []byte
			for {
				h, content, _, err := readRecord(r, nil)
				if err != nil {
					t.Fatal(err)
				}
				if h.typ != typeParams {
					t.Fatalf("record type %v", h.typ)
				}
				if len(content)+padLen(len(content)) > maxContent {
					t.Errorf("a record of %d bytes pads past %d (php-cgi refuses it)", len(content), maxContent)
				}
				if len(content) == 0 {
					break
				}
				got = append(got, content...)
				end := len(got)
				inside := !slices.Contains(bounds, end)
				if inside {
					// Only a pair that alone is over a record may be cut.
					start := 0
					for _, b := range bounds {
						if b > end {
							if b-start <= maxParamsContent {
								t.Errorf("a record ends at %d, inside a pair of %d bytes that fits a record", end, b-start)
							}
							break
						}
						start = b
					}
				}
			}
			if !bytes.Equal(got, enc) {
				t.Fatalf("reassembled %d bytes, want %d", len(got), len(enc))
			}
			pairs, err := decodePairs(got)
			if err != nil || len(pairs) != len(tc.pairs) {
				t.Fatalf("decoded %d pairs (%v), want %d", len(pairs), err, len(tc.pairs))
			}
		})
	}
}

// chunkReader hands out its bytes in reads of the sizes of sizes, in turn
// (0 is an empty read with no error, but never twice in a row), then the errors of errs, one a
// read, then io.EOF for good; it counts its reads. Over it a buffered
// reader holds records whole, cut in two, or in many pieces.
type chunkReader struct {
	data  []byte
	sizes []int
	errs  []error
	i     int
	reads int
	empty bool // the last read was empty
}

func (r *chunkReader) Read(p []byte) (int, error) {
	r.reads++
	if len(r.data) == 0 {
		if len(r.errs) > 0 {
			err := r.errs[0]
			r.errs = r.errs[1:]
			return 0, err
		}
		return 0, io.EOF
	}
	k := 1
	if len(r.sizes) > 0 {
		k = r.sizes[r.i%len(r.sizes)]
		r.i++
	}
	if k == 0 && r.empty {
		k = 1 // no two empty reads in a row: io.ReadFull would wait for good
	}
	r.empty = k == 0
	n := copy(p, r.data[:min(k, len(r.data))])
	r.data = r.data[n:]
	return n, nil
}

var errTestReset = errors.New("test: connection reset by peer")

// compareNextRecord reads stream with readRecord over a bufio.Reader of
// size bytes (the reading recReader.next replaces) and with next over a
// recReader of the same size, each over a chunkReader that hands out the
// stream in reads of sizes then fails with errs, and fails unless both
// give the same records (header and content), end with the same error,
// and read their chunkReader as many times, record by record. It returns
// how many records next took from its buffer in place.
func compareNextRecord(t *testing.T, stream []byte, size int, sizes []int, errs []error) (inPlace int) {
	t.Helper()
	src := &chunkReader{data: stream, sizes: sizes, errs: errs}
	br := bufio.NewReaderSize(src, size)
	dst := &chunkReader{data: stream, sizes: sizes, errs: errs}
	rr := newRecReader(dst, max(size, 16))
	var pbuf, nbuf []byte
	for i := 0; ; i++ {
		ph, pc, pb, perr := readRecord(br, pbuf)
		pbuf = pb
		nh, nc, nb, nerr := rr.next(nbuf)
		if nerr == nil && len(nc) > 0 && (len(nb) < len(nc) || &nb[0] != &nc[0]) {
			inPlace++
		}
		nbuf = nb
		sameErr := perr == nerr || perr != nil && nerr != nil && perr.Error() == nerr.Error() && errors.Is(nerr, ErrBadRecord)
		if ph != nh || !bytes.Equal(pc, nc) || !sameErr || src.reads != dst.reads {
			t.Fatalf("record %d of % x (buffer %d, reads %v, errors %v): bufio and readRecord give %+v %q %v after %d reads, next %+v %q %v after %d",
				i, stream, size, sizes, errs, ph, pc, perr, src.reads, nh, nc, nerr, dst.reads)
		}
		if perr != nil && !errors.Is(perr, ErrBadRecord) && perr != errTestReset {
			return inPlace
		}
		if i > len(stream)+len(errs)+4 {
			t.Fatalf("no end after %d records", i)
		}
	}
}

// TestRecReader_SameAsBufio: recReader.next, which takes a record buffered
// whole in place, reads every stream as readRecord over a bufio.Reader
// did, read for read: records whole in the buffer, cut by it, longer than
// it, padded or not, a bad version, a stream cut short, empty reads, a
// read error (a reset) before the end.
func TestRecReader_SameAsBufio(t *testing.T) {
	var streams [][]byte
	for _, pad := range []int{0, 1, 7, 8, 255} {
		for _, n := range []int{0, 1, 5, 8, 15, 16, 17, 100, 4095, 20000, 65535} {
			content := bytes.Repeat([]byte{byte(n), byte(pad)}, n)[:n]
			s := make([]byte, headerLen, headerLen+n+pad)
			putHeader(s, typeStdout, 1, n, pad)
			s = append(append(s, content...), bytes.Repeat([]byte{0xee}, pad)...)
			s = appendRecord(s, typeStderr, 1, []byte("line\n"))
			s = appendRecord(s, typeStdout, 1, nil)
			s = appendRecord(s, typeEndRequest, 1, []byte{0, 0, 0, 3, 0, 0, 0, 0})
			streams = append(streams, s)
		}
	}
	answer := appendStream(nil, typeStdout, 1, []byte("Content-Type: text/plain\r\n\r\nhello\n"))
	answer = appendRecord(answer, typeEndRequest, 1, make([]byte, 8))
	streams = append(streams, answer,
		answer[:len(answer)-3],                                   // cut in the last record
		append(slices.Clip(answer), 2, 6, 0, 1, 0, 0, 0, 0),      // then a bad version
		append(slices.Clip(answer), 1, 6, 0, 1, 0, 9, 0, 0, 'a'), // then a record cut short
		append(slices.Clip(answer), 1, 6, 0),                     // then half a header
		nil)
	inPlace := 0
	for _, s := range streams {
		for _, size := range []int{16, 64, 4096, 16 << 10} {
			for _, sizes := range [][]int{nil, {1 << 20}, {3}, {8}, {9, 1, 30}, {7, 100, 2}, {4096}, {0, 5, 0, 0, 64}} {
				for _, errs := range [][]error{nil, {errTestReset}, {nil, errTestReset, io.ErrClosedPipe}} {
					inPlace += compareNextRecord(t, s, size, sizes, errs)
				}
			}
		}
	}
	if inPlace == 0 {
		t.Fatal("no record was taken from the buffer in place")
	}
}

// encodeRequestByRecords is encodeRequest record by record through
// appendRecord and appendPairStream, as it was before appendRequest:
// the reference appendRequest must give the bytes of.
func encodeRequestByRecords(dst, pairs []byte, req *Request) []byte {
	msg := appendRecord(dst, typeBeginRequest, reqID, beginRequestBody(!req.CloseConn, req.Linger, req.EnvBlock))
	msg = appendPairStream(msg, reqID, pairs)
	if req.Stdin == nil {
		msg = appendRecord(msg, typeStdin, reqID, nil)
	}
	return msg
}

// checkEncodeRequest fails unless encodeRequest gives the bytes of
// encodeRequestByRecords for pairs and req, after a prefix, into a
// buffer full of stale bytes as a pooled one is.
func checkEncodeRequest(t *testing.T, pairs []byte, req Request) {
	t.Helper()
	req.Pairs = pairs
	prefix := []byte("prefix")
	want := encodeRequestByRecords(slices.Clone(prefix), pairs, &req)
	for _, room := range []int{0, len(want) + 64} {
		dirty := bytes.Repeat([]byte{0xab}, len(prefix)+room)
		copy(dirty, prefix)
		got, err := encodeRequest(dirty[:len(prefix)], &req)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Fatalf("encodeRequest of %d bytes of params (CloseConn %v, Linger %v, Stdin %v, room %d):\n% x\nwant\n% x",
				len(pairs), req.CloseConn, req.Linger, req.Stdin != nil, room, got, want)
		}
	}
}

// TestEncodeRequest_SameBytesAsRecords: appendRequest, which writes a
// request whose params fit one record in place, gives the bytes record by
// record appends gave, for params of every length to 600 bytes and around
// the one-record limit, each flag, a linger or none, a body or none.
func TestEncodeRequest_SameBytesAsRecords(t *testing.T) {
	var lens []int
	for n := range 601 {
		lens = append(lens, n)
	}
	for n := maxParamsContent - 9; n <= maxContent+9; n++ {
		lens = append(lens, n)
	}
	lens = append(lens, 2*maxParamsContent+3)
	reqs := []Request{{}, {CloseConn: true}, {Linger: 50 * time.Microsecond}, {Linger: time.Hour, CloseConn: true}, {Stdin: strings.NewReader("body")}, {Stdin: strings.NewReader(""), Linger: 5 * time.Microsecond}}
	for _, n := range lens {
		raw := make([]byte, n)
		for i := range raw {
			raw[i] = byte(i*7 + n)
		}
		var pairs []byte // whole pairs of about n bytes, and a run of bytes of n
		for len(pairs) < n-300 {
			pairs, _ = AppendPair(pairs, "HTTP_X", strings.Repeat("v", min(200, n-len(pairs))))
		}
		for _, req := range reqs {
			checkEncodeRequest(t, raw, req)
			checkEncodeRequest(t, pairs, req)
		}
	}
}
