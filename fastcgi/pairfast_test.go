// pairfast_test.go: the name-value pair sizing (PairTooLong's and
// pairSize's lengths read by lenAt, with no error values) gives exactly
// what the plain definitions through readLen give, over a table and a
// fuzz target.

package fastcgi

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"strings"
	"testing"
)

// slowPairSize is pairSize through readLen.
func slowPairSize(b []byte) (int, bool) {
	nlen, s1, err := readLen(b)
	if err != nil {
		return 0, false
	}
	vlen, s2, err := readLen(b[s1:])
	if err != nil {
		return 0, false
	}
	size := s1 + s2 + nlen + vlen
	return size, size <= len(b)
}

// slowPairTooLong is PairTooLong through readLen.
func slowPairTooLong(pairs []byte) (string, bool) {
	for len(pairs) > 0 {
		size, ok := slowPairSize(pairs)
		if !ok {
			return "", true
		}
		if size > maxParamsContent {
			nlen, s1, _ := readLen(pairs)
			_, s2, _ := readLen(pairs[s1:])
			return string(pairs[s1+s2 : s1+s2+nlen]), true
		}
		pairs = pairs[size:]
	}
	return "", false
}

// checkPairFast fails t if a fast path and its plain definition differ on
// b, or on the pairs (name, value) appended to prefix.
func checkPairFast(t *testing.T, b, prefix []byte, name, value string) {
	t.Helper()
	s, ok := pairSize(b)
	if ws, wok := slowPairSize(b); s != ws || ok != wok {
		t.Fatalf("pairSize(% x) = %d, %v, want %d, %v", b[:min(len(b), 16)], s, ok, ws, wok)
	}
	for i := 0; i <= len(b) && i < 12; i++ {
		n, size, ok := lenAt(b, i)
		wn, wsize, err := readLen(b[i:])
		if n != wn || size != wsize || ok != (err == nil) {
			t.Fatalf("lenAt(% x, %d) = %d, %d, %v, want %d, %d, %v", b[:min(len(b), 16)], i, n, size, ok, wn, wsize, err)
		}
	}
	name1, long := PairTooLong(b)
	wname, wlong := slowPairTooLong(b)
	if name1 != wname || long != wlong {
		t.Fatalf("PairTooLong(% x…) = %.20q, %v, want %.20q, %v", b[:min(len(b), 16)], name1, long, wname, wlong)
	}
	// The pair appended to prefix: the run is whole from there on.
	if enc, err := AppendPair(bytes.Clone(prefix), name, value); err == nil {
		name2, long2 := PairTooLong(enc)
		wname2, wlong2 := slowPairTooLong(enc)
		if name2 != wname2 || long2 != wlong2 {
			t.Fatalf("PairTooLong after AppendPair = %.20q, %v, want %.20q, %v", name2, long2, wname2, wlong2)
		}
	}
}

// TestPairFast_EqualsPlain compares the fast paths with the plain
// definitions over the length boundaries (127/128, one record) and
// malformed runs.
func TestPairFast_EqualsPlain(t *testing.T) {
	long4 := func(n uint32) []byte { return binary.BigEndian.AppendUint32(nil, n|1<<31) }
	var runs [][]byte
	for _, n := range []int{0, 1, 126, 127, 128, 129, 255, 256, maxParamsContent - 3, maxParamsContent - 2, maxParamsContent, maxParamsContent + 1, 70000} {
		for _, m := range []int{0, 1, 127, 128, 70000 - n} {
			if m < 0 {
				continue
			}
			name, value := strings.Repeat("N", n), strings.Repeat("v", m)
			b, _ := AppendPair([]byte{1, 1, 'A', 'b'}, name, value)
			runs = append(runs, b, b[:len(b)-1], b[4:], b[4:len(b)-1], b[4:min(len(b), 9)])
			checkPairFast(t, b, nil, name, value)
			checkPairFast(t, nil, []byte{7}, name, value)
		}
	}
	runs = append(runs,
		nil, []byte{}, []byte{0}, []byte{0, 0}, []byte{1}, []byte{1, 0}, []byte{1, 0, 'x'},
		[]byte{0x80}, []byte{0x80, 0, 0}, []byte{0x80, 0, 0, 0}, []byte{0x80, 0, 0, 0, 0},
		append(long4(0), long4(0)...), append(long4(1<<31-1), 0), append(long4(maxParamsContent), 0),
		[]byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff},
		[]byte{0, 0x80, 0, 0, 1, 'x'}, []byte{2, 0x80, 0, 0, 0, 'a', 'b', 0, 0},
	)
	for _, b := range runs {
		checkPairFast(t, b, b, "NAME", "value")
	}
}

// FuzzPairFast: the fast paths equal the plain definitions on any bytes
// and any pair.
func FuzzPairFast(f *testing.F) {
	f.Add([]byte{}, "", "")
	f.Add([]byte{1, 1, 'a', 'b'}, "SCRIPT_NAME", "/x")
	f.Add([]byte{0x7f, 0}, strings.Repeat("n", 127), strings.Repeat("v", 128))
	f.Add([]byte{0x80, 0, 0, 0x80, 0}, strings.Repeat("n", 128), strings.Repeat("v", 127))
	f.Add([]byte{0x80, 0, 0xff, 0xf8, 0, 'x'}, "A", "b=c")
	f.Add([]byte{0xff, 0xff, 0xff, 0xff, 0}, "NUL\x00", "\r\n")
	f.Fuzz(func(t *testing.T, data []byte, name, value string) {
		checkPairFast(t, data, data, name, value)
	})
}

func BenchmarkPairTooLong(b *testing.B) {
	var pairs []byte
	for i := range 30 {
		pairs, _ = AppendPair(pairs, fmt.Sprintf("HTTP_VARIABLE_%d", i), strings.Repeat("v", i*3))
	}
	for b.Loop() {
		if _, long := PairTooLong(pairs); long {
			b.Fatal("long")
		}
	}
}
