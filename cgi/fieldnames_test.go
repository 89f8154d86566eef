// fieldnames_test.go checks ReadResponse's field-name shortcut against the
// copy and canonicalization it stands for.

package cgi

import (
	"net/textproto"
	"strings"
	"testing"
)

func checkFieldNames(t *testing.T, name string) {
	t.Helper()
	spelled, key := fieldNames([]byte(name))
	if spelled != name || key != textproto.CanonicalMIMEHeaderKey(name) {
		t.Errorf("fieldNames(%q) = %q, %q; want %q, %q", name, spelled, key, name, textproto.CanonicalMIMEHeaderKey(name))
	}
}

// TestFieldNames_MatchCanonical compares fieldNames with string() and
// textproto.CanonicalMIMEHeaderKey for every known spelling, each in
// every case pattern of its first letters, and names that are near them.
func TestFieldNames_MatchCanonical(t *testing.T) {
	for n := range knownFields {
		checkFieldNames(t, n)
		checkFieldNames(t, strings.ToLower(n))
		checkFieldNames(t, strings.ToUpper(n))
		checkFieldNames(t, n+"x")
		checkFieldNames(t, n[1:])
		checkFieldNames(t, n+" ")
		for mask := 0; mask < 16; mask++ {
			b := []byte(n)
			for i := 0; i < 4 && i < len(b); i++ {
				if mask&(1<<i) != 0 {
					b[i] ^= 0x20
				}
			}
			checkFieldNames(t, string(b))
		}
	}
	for _, n := range []string{"", "X-Foo", "x-foo", "content_type", "Content Type", "ÿ", "a-b-c"} {
		checkFieldNames(t, n)
	}
}

// FuzzFieldNames compares fieldNames with the slow path on any name.
func FuzzFieldNames(f *testing.F) {
	for n := range knownFields {
		f.Add(n)
	}
	f.Fuzz(func(t *testing.T, name string) { checkFieldNames(t, name) })
}
