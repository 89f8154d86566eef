// record.go: the FastCGI 1.0 wire format (spec §3): record headers, padding,
// streams split into records, name-value pairs and the fixed-size bodies.

package fastcgi

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"slices"
	"time"
)

// version1 is FCGI_VERSION_1, the only version there is (spec §8).
const version1 = 1

const (
	headerLen  = 8     // FCGI_HEADER_LEN
	maxContent = 65535 // contentLength is 16 bits: a 65536-byte chunk must be split, never wrapped to 0 (ANCHORS §5, ferron#19)
	maxPairLen = 1<<31 - 1
)

// recType is a record's type byte (spec §8).
type recType uint8

const (
	typeBeginRequest    recType = 1
	typeAbortRequest    recType = 2
	typeEndRequest      recType = 3
	typeParams          recType = 4
	typeStdin           recType = 5
	typeStdout          recType = 6
	typeStderr          recType = 7
	typeData            recType = 8
	typeGetValues       recType = 9
	typeGetValuesResult recType = 10
	typeUnknownType     recType = 11
)

var recTypeNames = [...]string{
	typeBeginRequest:    "BEGIN_REQUEST",
	typeAbortRequest:    "ABORT_REQUEST",
	typeEndRequest:      "END_REQUEST",
	typeParams:          "PARAMS",
	typeStdin:           "STDIN",
	typeStdout:          "STDOUT",
	typeStderr:          "STDERR",
	typeData:            "DATA",
	typeGetValues:       "GET_VALUES",
	typeGetValuesResult: "GET_VALUES_RESULT",
	typeUnknownType:     "UNKNOWN_TYPE",
}

func (t recType) String() string {
	if int(t) < len(recTypeNames) && recTypeNames[t] != "" {
		return "FCGI_" + recTypeNames[t]
	}
	return fmt.Sprintf("type %d", uint8(t))
}

// role is the role field of FCGI_BEGIN_REQUEST (spec §5.1). Only the
// responder role is used: AUTHORIZER and FILTER are not implemented.
type role uint16

const roleResponder role = 1

// flagKeepConn asks the application to leave the connection open after the
// request (spec §5.1): the client owns the connection and reuses it.
const flagKeepConn = 1

// protoStatus is the protocolStatus byte of FCGI_END_REQUEST (spec §5.5).
type protoStatus uint8

const (
	statusRequestComplete protoStatus = 0
	statusCantMpxConn     protoStatus = 1
	statusOverloaded      protoStatus = 2
	statusUnknownRole     protoStatus = 3
)

// header is a record header (spec §3.3, FCGI_Header).
type header struct {
	version uint8
	typ     recType
	id      uint16
	length  uint16 // contentLength
	padding uint8  // paddingLength
}

// padLen is the padding that ends a record of n content bytes on a multiple
// of eight bytes, as the spec recommends (§3.3).
func padLen(n int) int { return -n & 7 }

// putHeader writes the header of a record of typ for request id with n
// content bytes (n <= maxContent) and pad padding bytes into b[:8].
func putHeader(b []byte, typ recType, id uint16, n, pad int) {
	b[0] = version1
	b[1] = byte(typ)
	binary.BigEndian.PutUint16(b[2:4], id)
	binary.BigEndian.PutUint16(b[4:6], uint16(n))
	b[6] = byte(pad)
	b[7] = 0
}

// appendRecord appends one record carrying content (at most maxContent
// bytes), padded to a multiple of eight bytes.
func appendRecord(dst []byte, typ recType, id uint16, content []byte) []byte {
	return appendPaddedRecord(dst, typ, id, content, padLen(len(content)))
}

// appendPaddedRecord is appendRecord with pad (0 to 8) bytes of padding.
func appendPaddedRecord(dst []byte, typ recType, id uint16, content []byte, pad int) []byte {
	if len(content) > maxContent {
		panic("fastcgi: record content longer than 65535 bytes")
	}
	var h [headerLen]byte
	putHeader(h[:], typ, id, len(content), pad)
	dst = append(dst, h[:]...)
	dst = append(dst, content...)
	var zeros [8]byte
	return append(dst, zeros[:pad]...)
}

// appendStream appends data as a stream of typ (spec §3.3): records of at
// most maxContent bytes, then the empty record that ends the stream, which is
// sent even when data is empty. Name-value pairs may straddle two records.
func appendStream(dst []byte, typ recType, id uint16, data []byte) []byte {
	for len(data) > 0 {
		n := min(len(data), maxContent)
		dst = appendRecord(dst, typ, id, data[:n])
		data = data[n:]
	}
	return appendRecord(dst, typ, id, nil)
}

// maxParamsContent is the most an FCGI_PARAMS record carries: a multiple
// of 8, so that it needs no padding. php-cgi refuses a record whose
// content and padding pass 65535 (65535 bytes pad to 65536).
const maxParamsContent = maxContent &^ 7

// appendPairStream is appendStream for the FCGI_PARAMS stream: its
// records end between two name-value pairs, never inside one, as long as
// each pair fits a record. The spec lets a pair straddle records, and
// FCGI.pm and the Perl runner join them, but php-cgi reads each record on
// its own: a request whose headers passed 64 KiB in all got a 502, and its
// worker died. A pair longer than a record is still cut (the spec's way).
// pairs must be a run of whole pairs (AppendPair); should it not parse,
// it is cut as appendStream cuts.
func appendPairStream(dst []byte, id uint16, pairs []byte) []byte {
	for len(pairs) > maxParamsContent {
		n := 0 // the bytes of whole pairs that fit
		for n < len(pairs) {
			size, ok := pairSize(pairs[n:])
			if !ok || n+size > maxParamsContent {
				break
			}
			n += size
		}
		if n == 0 {
			n = maxParamsContent // one pair alone over a record, or no pair at all
		}
		dst = appendRecord(dst, typeParams, id, pairs[:n])
		pairs = pairs[n:]
	}
	return appendStream(dst, typeParams, id, pairs)
}

// PairTooLong returns the name of the first name-value pair of pairs (a
// run of AppendPair) that does not fit one FastCGI record, and whether
// there is one: such a pair straddles two records (appendPairStream),
// which some responders (php-cgi) cannot read.
func PairTooLong(pairs []byte) (string, bool) {
	for len(pairs) > 0 {
		size, ok := pairSize(pairs)
		if !ok {
			return "", true
		}
		if size > maxParamsContent {
			nlen, s1, _ := lenAt(pairs, 0)
			_, s2, _ := lenAt(pairs, s1)
			return string(pairs[s1+s2 : s1+s2+nlen]), true
		}
		pairs = pairs[size:]
	}
	return "", false
}

// pairSize returns the encoded size of the name-value pair at the start of
// b, and whether b holds one whole.
func pairSize(b []byte) (int, bool) {
	nlen, s1, ok := lenAt(b, 0)
	if !ok {
		return 0, false
	}
	vlen, s2, ok := lenAt(b, s1)
	if !ok {
		return 0, false
	}
	size := s1 + s2 + nlen + vlen
	return size, size <= len(b)
}

// lenAt decodes the name-value pair length at b[i:] as readLen does,
// reporting a truncated one with ok rather than an error: small enough to
// be inlined where pairs are only sized.
func lenAt(b []byte, i int) (n, size int, ok bool) {
	if i >= len(b) {
		return 0, 0, false
	}
	if b[i] < 0x80 {
		return int(b[i]), 1, true
	}
	if len(b)-i < 4 {
		return 0, 0, false
	}
	return int(binary.BigEndian.Uint32(b[i:]) &^ (1 << 31)), 4, true
}

// writeRecord writes one record with a single Write call, so that a record
// is never interleaved with another writer's.
func writeRecord(w io.Writer, typ recType, id uint16, content []byte) error {
	buf := appendRecord(make([]byte, 0, headerLen+len(content)+7), typ, id, content)
	_, err := w.Write(buf)
	return err
}

// frameRecord turns buf, whose bytes [8, 8+n) already hold the content, into
// a complete record of typ in place and returns it. buf must have room for
// the padding (cap >= 8+n+7).
func frameRecord(buf []byte, typ recType, id uint16, n int) []byte {
	pad := padLen(n)
	putHeader(buf, typ, id, n, pad)
	rec := buf[:headerLen+n+pad]
	clear(rec[headerLen+n:])
	return rec
}

// readRecord reads one record from r: the header, the content and the
// padding, which it skips. It reuses buf and returns it (possibly grown) for
// the next call; content aliases it. It only checks the version: what a type
// means is for the caller to judge. A stream that ends cleanly between two
// records gives io.EOF, one that ends inside a record io.ErrUnexpectedEOF.
func readRecord(r io.Reader, buf []byte) (h header, content, newBuf []byte, err error) {
	buf = slices.Grow(buf[:0], headerLen)[:headerLen]
	if _, err := io.ReadFull(r, buf); err != nil {
		return h, nil, buf, err
	}
	h = parseHeader(buf)
	if h.version != version1 {
		return h, nil, buf, fmt.Errorf("%w: version %d", ErrBadRecord, h.version)
	}
	buf, err = readN(r, buf, int(h.length)+int(h.padding))
	if err != nil {
		if err == io.EOF {
			err = io.ErrUnexpectedEOF
		}
		return h, nil, buf, err
	}
	return h, buf[:h.length], buf, nil
}

// recReader is a conn's read side: the buffering of a bufio.Reader (its
// Read is bufio.Reader.Read's, read for read: the same reads of rd, the
// same bytes and errors), and next, which takes a record from the buffer
// in place. Its own rather than a bufio.Reader's, so that next can fill an
// empty buffer with the one read bufio.Reader.Read would make for a
// record's header, and take the record from it, which bufio's API cannot
// do without consuming a read error (a reset read twice is an end of
// stream the second time).
type recReader struct {
	rd   io.Reader
	buf  []byte
	r, w int   // buf[r:w] is buffered
	err  error // the last read's error, returned once the buffer is drained
}

func newRecReader(rd io.Reader, size int) *recReader {
	return &recReader{rd: rd, buf: make([]byte, size)}
}

// buffered is the number of bytes that can be read without reading rd.
func (b *recReader) buffered() int { return b.w - b.r }

func (b *recReader) readErr() error {
	err := b.err
	b.err = nil
	return err
}

// Read is bufio.Reader.Read: buffered bytes first; with none, the error of
// the last read if any, else one read, straight into p when p is at least
// as large as the buffer.
func (b *recReader) Read(p []byte) (int, error) {
	if len(p) == 0 {
		if b.buffered() > 0 {
			return 0, nil
		}
		return 0, b.readErr()
	}
	if b.r == b.w {
		if b.err != nil {
			return 0, b.readErr()
		}
		if len(p) >= len(b.buf) {
			n, err := b.rd.Read(p)
			if n < 0 {
				panic(errNegativeRead)
			}
			b.err = err
			return n, b.readErr()
		}
		b.fill()
		if b.r == b.w {
			return 0, b.readErr()
		}
	}
	n := copy(p, b.buf[b.r:b.w])
	b.r += n
	return n, nil
}

// fill makes the one read of Read into the empty buffer.
func (b *recReader) fill() {
	b.r, b.w = 0, 0
	n, err := b.rd.Read(b.buf)
	if n < 0 {
		panic(errNegativeRead)
	}
	b.w, b.err = n, err
}

var errNegativeRead = errors.New("fastcgi: reader returned negative count from Read")

// next is readRecord(b, rbuf), which reads the record's header first: a
// record whose header, content and padding are all buffered, once the one
// read that header's Read would make has filled an empty buffer (an
// answer's records mostly arrive together), is taken from the buffer in
// place, its content aliasing it, valid until the next read of b; any
// other (one not whole in the buffer, a bad version, whose error
// readRecord gives) goes through readRecord, into rbuf. The same reads of
// rd, the same records, the same errors.
func (b *recReader) next(rbuf []byte) (h header, content, newBuf []byte, err error) {
	if b.r == b.w && b.err == nil && len(b.buf) > headerLen {
		b.fill()
	}
	if n := b.w - b.r; n >= headerLen {
		h = parseHeader(b.buf[b.r:b.w])
		if end := headerLen + int(h.length) + int(h.padding); h.version == version1 && end <= n {
			content = b.buf[b.r+headerLen : b.r+headerLen+int(h.length)]
			b.r += end
			return h, content, rbuf, nil
		}
	}
	return readRecord(b, rbuf)
}

// parseHeader decodes a record header from b[:8].
func parseHeader(b []byte) header {
	_ = b[headerLen-1]
	return header{
		version: b[0],
		typ:     recType(b[1]),
		id:      binary.BigEndian.Uint16(b[2:4]),
		length:  binary.BigEndian.Uint16(b[4:6]),
		padding: b[6],
	}
}

// readN reads exactly n bytes into buf[:n]. When buf is too small it grows
// as the bytes arrive rather than trusting n up front, so a header that
// claims 64 KiB on a stream that holds 10 bytes costs no 64 KiB buffer.
func readN(r io.Reader, buf []byte, n int) ([]byte, error) {
	if cap(buf) >= n {
		buf = buf[:n]
		_, err := io.ReadFull(r, buf)
		return buf, err
	}
	buf = buf[:0]
	for len(buf) < n {
		chunk := min(n-len(buf), max(len(buf), 4096))
		buf = slices.Grow(buf, chunk)
		m, err := io.ReadFull(r, buf[len(buf):len(buf)+chunk])
		buf = buf[:len(buf)+m]
		if err != nil {
			return buf, err
		}
	}
	return buf, nil
}

// beginRequestBody is the body of FCGI_BEGIN_REQUEST (spec §5.1) for a
// responder, that keeps the connection or not.
func beginRequestBody(keep bool, linger time.Duration, envBlock bool) []byte {
	b := make([]byte, 8)
	putBeginRequestBody(b, keep, linger, envBlock)
	return b
}

// putBeginRequestBody writes beginRequestBody into b[:8], every byte.
func putBeginRequestBody(b []byte, keep bool, linger time.Duration, envBlock bool) {
	_ = b[7]
	binary.BigEndian.PutUint16(b[0:2], uint16(roleResponder))
	b[2] = 0
	if keep {
		b[2] = flagKeepConn
	}
	b[3] = 0
	if linger > 0 {
		// The first reserved byte: Request.Linger, in tens of µs.
		b[3] = byte(min(255, (linger+9*time.Microsecond)/(10*time.Microsecond)))
	}
	b[4] = 0
	if envBlock {
		// The second reserved byte: the params are an environment
		// block (Request.EnvBlock, envblock.go).
		b[4] = envBlockFlag
	}
	clear(b[5:8])
}

// parseEndRequest decodes the body of FCGI_END_REQUEST (spec §5.5), which
// is exactly eight bytes.
func parseEndRequest(b []byte) (appStatus uint32, status protoStatus, err error) {
	if len(b) != 8 {
		return 0, 0, fmt.Errorf("%w: %s body of %d bytes, want 8", ErrBadRecord, typeEndRequest, len(b))
	}
	return binary.BigEndian.Uint32(b[0:4]), protoStatus(b[4]), nil
}

// parseUnknownType decodes the body of FCGI_UNKNOWN_TYPE (spec §4.2): the
// type of the management record the application did not understand.
func parseUnknownType(b []byte) (recType, error) {
	if len(b) != 8 {
		return 0, fmt.Errorf("%w: %s body of %d bytes, want 8", ErrBadRecord, typeUnknownType, len(b))
	}
	return recType(b[0]), nil
}

// pair is one name-value pair (spec §3.4).
type pair struct {
	name, value string
}

// appendLen appends a name-value pair length: one byte up to 127, otherwise
// four bytes with the high bit set (spec §3.4; the 127/128 boundary is where
// h2o#3204 and nginx PR#1648 went wrong).
func appendLen(dst []byte, n int) []byte {
	if n <= 127 {
		return append(dst, byte(n))
	}
	return binary.BigEndian.AppendUint32(dst, uint32(n)|1<<31)
}

// AppendPair appends one name-value pair to dst, encoded as the FCGI_PARAMS
// stream carries it (spec §3.4). Request.Pairs is a run of these.
func AppendPair(dst []byte, name, value string) ([]byte, error) {
	if len(name) > maxPairLen || len(value) > maxPairLen {
		return dst, fmt.Errorf("fastcgi: name-value pair %.32q longer than 2^31-1 bytes", name)
	}
	dst = appendLen(dst, len(name))
	dst = appendLen(dst, len(value))
	dst = append(dst, name...)
	return append(dst, value...), nil
}

// readLen decodes a name-value pair length at the start of b and returns it
// with the number of bytes it took.
func readLen(b []byte) (n, size int, err error) {
	if len(b) == 0 {
		return 0, 0, fmt.Errorf("%w: truncated name-value length", ErrBadRecord)
	}
	if b[0]&0x80 == 0 {
		return int(b[0]), 1, nil
	}
	if len(b) < 4 {
		return 0, 0, fmt.Errorf("%w: truncated name-value length", ErrBadRecord)
	}
	return int(binary.BigEndian.Uint32(b) &^ (1 << 31)), 4, nil
}

// decodePairs decodes a complete name-value pair stream. It allocates no
// more than the input holds, whatever the lengths claim.
func decodePairs(b []byte) ([]pair, error) {
	var pairs []pair
	for len(b) > 0 {
		nlen, s1, err := readLen(b)
		if err != nil {
			return nil, err
		}
		vlen, s2, err := readLen(b[s1:])
		if err != nil {
			return nil, err
		}
		b = b[s1+s2:]
		if nlen > len(b) || vlen > len(b)-nlen {
			return nil, fmt.Errorf("%w: name-value pair longer than its record", ErrBadRecord)
		}
		pairs = append(pairs, pair{string(b[:nlen]), string(b[nlen : nlen+vlen])})
		b = b[nlen+vlen:]
	}
	return pairs, nil
}
