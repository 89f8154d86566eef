// route_fast_test.go checks resolve's string helpers against the library
// calls they stand for: underPrefix, cleanPath, joinName, splitSegs and
// prefixed must give exactly what strings.HasPrefix(clean+"/", prefix),
// path.Clean("/"+p), filepath.Join, strings.Split and prefix+rel give, or
// routing (C2, C3) would change.

package gateway

import (
	"path"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// pathPieces are the parts the inputs are made of: every case Clean and
// Join treat apart (slashes, runs of them, dot segments, names).
var pathPieces = []string{"/", "//", ".", "..", "a", "b.pl", ".h", "x..", "\\", "\x00", "ü"}

// pathInputs returns every string of up to n pieces.
func pathInputs(n int) []string {
	out := []string{""}
	prev := []string{""}
	for i := 0; i < n; i++ {
		var next []string
		for _, p := range prev {
			for _, q := range pathPieces {
				next = append(next, p+q)
			}
		}
		out = append(out, next...)
		prev = next
	}
	return out
}

func checkRouteHelpers(t *testing.T, a, b string) {
	t.Helper()
	if got, want := underPrefix(a, b), strings.HasPrefix(a+"/", b); got != want {
		t.Errorf("underPrefix(%q, %q) = %v, want %v", a, b, got, want)
	}
	if got, want := cleanPath(a), path.Clean("/"+a); got != want {
		t.Errorf("cleanPath(%q) = %q, want %q", a, got, want)
	}
	if got, want := joinName(a, b), filepath.Join(a, b); got != want {
		t.Errorf("joinName(%q, %q) = %q, want %q", a, b, got, want)
	}
	for _, clean := range []string{a + b, a + b + "/x", a + "/" + b, b, a, b + a, ""} {
		if got, want := prefixed(a, b, clean), a+b; got != want {
			t.Errorf("prefixed(%q, %q, %q) = %q, want %q", a, b, clean, got, want)
		}
	}
	if a != "" {
		var buf [2]string
		if got, want := splitSegs(buf[:0], a), strings.Split(a, "/"); !slices.Equal(got, want) {
			t.Errorf("splitSegs(%q) = %q, want %q", a, got, want)
		}
		if got, want := splitSegs([]string{b}, a), append([]string{b}, strings.Split(a, "/")...); !slices.Equal(got, want) {
			t.Errorf("splitSegs(%q) after %q = %q, want %q", a, b, got, want)
		}
	}
}

// TestRouteHelpers_MatchLibrary compares the helpers with the library over
// every pair of inputs of up to 3 pieces (and 4 for one side).
func TestRouteHelpers_MatchLibrary(t *testing.T) {
	small, large := pathInputs(3), pathInputs(4)
	for _, a := range small {
		for _, b := range small {
			checkRouteHelpers(t, a, b)
		}
	}
	for _, a := range large {
		for _, b := range []string{"", "/", "a", "a/", "/a/", "b.pl", "..", "."} {
			checkRouteHelpers(t, a, b)
			checkRouteHelpers(t, b, a)
		}
	}
	// The fast paths are taken where resolve takes them.
	if !cleanAbs("/srv/cgi-bin") || !cleanAbs("/") || cleanAbs("/srv/") || cleanAbs("/srv//x") || cleanAbs("/srv/./x") || cleanAbs("srv") {
		t.Error("cleanAbs misjudges a path")
	}
}

// FuzzRouteHelpers compares the helpers with the library on any input.
func FuzzRouteHelpers(f *testing.F) {
	for _, s := range []string{"", "/", "/cgi-bin/", "/cgi-bin/x.pl", "//a/../b", "/a/./b/", "a", "..", "/srv/cgi-bin"} {
		f.Add(s, "x.pl")
		f.Add(s, "/cgi-bin/")
	}
	f.Fuzz(func(t *testing.T, a, b string) { checkRouteHelpers(t, a, b) })
}
