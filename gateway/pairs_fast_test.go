package gateway

import (
	"bytes"
	"strings"
	"testing"

	"github.com/menshen/menshen/fastcgi"
)

// TestAppendPair_SameAsFastCGI compares encodePairs' appendPair with
// fastcgi.AppendPair over names and values around the one-byte length's
// bound (127/128) and beyond, appended to an empty and a non-empty dst.
func TestAppendPair_SameAsFastCGI(t *testing.T) {
	lens := []int{0, 1, 2, 126, 127, 128, 129, 255, 256, 1000, 65536}
	for _, nl := range lens {
		for _, vl := range lens {
			for _, pre := range []string{"", "\x05\x03HELLOabc"} {
				checkAppendPair(t, pre, strings.Repeat("N", nl), strings.Repeat("v", vl))
			}
		}
	}
}

func checkAppendPair(t *testing.T, pre, k, v string) {
	t.Helper()
	want, werr := fastcgi.AppendPair([]byte(pre), k, v)
	got, gerr := appendPair([]byte(pre), k, v)
	if !bytes.Equal(got, want) || (gerr == nil) != (werr == nil) {
		t.Errorf("appendPair(%q, %d-byte name, %d-byte value) = %q, %v; fastcgi.AppendPair gives %q, %v",
			pre, len(k), len(v), got, gerr, want, werr)
	}
}

// FuzzAppendPair: appendPair and fastcgi.AppendPair write the same bytes
// for any pair.
func FuzzAppendPair(f *testing.F) {
	f.Add("", "QUERY_STRING", "k=7")
	f.Add("x", strings.Repeat("a", 127), strings.Repeat("b", 128))
	f.Add("", "", "")
	f.Fuzz(func(t *testing.T, pre, k, v string) {
		checkAppendPair(t, pre, k, v)
	})
}
