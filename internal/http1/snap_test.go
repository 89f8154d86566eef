package http1

import (
	"bufio"
	"bytes"
	"net/http"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/menshen/menshen/internal/httpsyntax"
)

// snapHeaders are headers of the shapes sendHeader meets: the framing
// fields, trailers declared and prefixed, nil and empty values, repeated
// values, keys that are not canonical, more keys than writeOrdered keeps
// on its stack.
var snapHeaders = []http.Header{
	{},
	{"Content-Type": {"text/plain"}, "Transfer-Encoding": {"chunked"}},
	{"Content-Type": {"text/html"}, "Status": {"200"}, "X-Powered-By": {"PHP"}, "Set-Cookie": {"a=1", "b=2"}},
	{"Connection": {"close"}, "Content-Length": {"5"}, "Content-Encoding": {"gzip"}, "Date": {"x"}},
	{"Content-Length": {"x", "7"}, "content-length": {"3"}},
	{"Content-Length": nil},
	{"Content-Length": {}, "Content-Type": {"a"}},
	{"Trailer": {"X-Sum, X-Len", "X-Other"}, "X-Sum": {"1"}, "Transfer-Encoding": {"identity"}},
	{"Trailer:X-Late": {"v"}, "X-A": nil, "X-B": {}, "x-lower": {"l"}, "Content-Type": nil},
	{"Transfer-Encoding": {}, "Connection": nil, "Trailer": nil, "Location": {"/x"}},
	func() http.Header {
		h := http.Header{"Content-Type": {"a/b"}}
		for i := range 20 {
			h["X-F"+strings.Repeat("a", i)] = []string{strings.Repeat("v", i)}
		}
		return h
	}(),
}

// snapOrders are SetFieldOrder's orders for writeOrdered: none, some keys
// of the headers (one twice, one under another spelling), keys absent.
var snapOrders = [][]httpsyntax.Field{
	nil,
	{{Key: "Content-Type", Name: "content-type"}, {Key: "Status", Name: "status"}},
	{{Key: "X-Powered-By", Name: "X-Powered-By"}, {Key: "Set-Cookie", Name: "set-cookie"}, {Key: "X-Powered-By", Name: "x"}},
	{{Key: "Location", Name: "LOCATION"}, {Key: "X-Fa", Name: "X-Fa"}, {Key: "Nope", Name: "Nope"}},
}

// checkSnapSame fails t unless what WriteHeader and sendHeader read of h
// from its snapshot (the Content-Length take finds, framingFields.readSnap,
// writeOrdered with it) equals what they read of the map.
func checkSnapSame(t *testing.T, h http.Header) {
	t.Helper()
	var s headerSnap
	if cl, want := s.take(h), getField(h, "Content-Length"); cl != want {
		t.Fatalf("header %q: Content-Length %q from the snapshot's walk, %q from the map", h, cl, want)
	}
	var walk, snap framingFields
	walk.read(h)
	snap.readSnap(&s)
	if !slices.Equal(walk.trailer, snap.trailer) {
		t.Fatalf("header %q: trailer %q from the snapshot, %q from the map", h, snap.trailer, walk.trailer)
	}
	walk.trailer, snap.trailer = nil, nil
	if !reflect.DeepEqual(walk, snap) {
		t.Fatalf("header %q: framing fields %+v from the snapshot, %+v from the map", h, snap, walk)
	}
	excludes := [][]string{nil, {"Content-Type"}, {"Transfer-Encoding", "Connection"}, {"Status", "Set-Cookie", "X-A", "X-B", "Location"}}
	for _, order := range snapOrders {
		for _, ex := range excludes {
			var exclude keySet
			for _, k := range ex {
				exclude.add(k)
			}
			var a, b bytes.Buffer
			wa, wb := bufio.NewWriter(&a), bufio.NewWriter(&b)
			writeOrdered(wa, h, nil, order, &exclude)
			writeOrdered(wb, h, &s, order, &exclude)
			wa.Flush()
			wb.Flush()
			if a.String() != b.String() {
				t.Fatalf("header %q, order %q, excluding %q: with the snapshot\n%q\nwalking the map\n%q", h, order, ex, b.String(), a.String())
			}
		}
	}
}

// TestHeaderSnap_SameAsWalk: WriteHeader takes the Content-Length from the
// walk of its snapshot, and sendHeader reads the framing fields and the
// keys writeOrdered sorts from the snapshot, not from the header map: the
// same values, the same bytes.
func TestHeaderSnap_SameAsWalk(t *testing.T) {
	for _, h := range snapHeaders {
		checkSnapSame(t, h)
	}
}

// FuzzHeaderSnap is TestHeaderSnap_SameAsWalk on headers made of the
// input's lines ("key: value", a key alone for a nil value).
func FuzzHeaderSnap(f *testing.F) {
	f.Add("Content-Type: text/plain\nTransfer-Encoding: chunked")
	f.Add("Trailer: a, b\nTrailer:A: 1\nX\nStatus: 200\nSet-Cookie: a\nSet-Cookie: b")
	f.Add("Connection: close\nContent-Length: 3\nDate: d\nContent-Encoding: gzip\nLocation: /")
	f.Add("Content-Length: -1\nContent-Length: 2\ncontent-length: 4\nContent-Length")
	f.Fuzz(func(t *testing.T, in string) {
		h := http.Header{}
		for line := range strings.SplitSeq(in, "\n") {
			k, v, ok := strings.Cut(line, ": ")
			if !ok {
				if _, seen := h[line]; !seen {
					h[line] = nil
				}
				continue
			}
			h[k] = append(h[k], v)
		}
		checkSnapSame(t, h)
	})
}
