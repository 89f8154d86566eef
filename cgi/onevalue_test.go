// onevalue_test.go: the header's values backed by the Response
// (oneValue) and the common Content-Types without a copy (contentType)
// give what plain slices and mediaTypeLower give.

package cgi

import (
	"go/ast"
	"go/parser"
	"go/token"
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"testing"
)

// TestReadResponse_OneValues: fields past the Response's backing, fields
// repeated after others, and the caller's Add and append on the Header
// each keep every other value as it is.
func TestReadResponse_OneValues(t *testing.T) {
	in := "Content-Type: text/plain\nX-A: 1\nETag: \"e\"\nX-B: 2\nX-C: 3\nX-D: 4\nX-A: 5\n" +
		"Last-Modified: Tue, 01 Jan 2019 00:00:00 GMT\nX-E: 6\nX-B: 7\nLast-Modified: Wed, 02 Jan 2019 00:00:00 GMT\n\n"
	want := http.Header{
		"Content-Type":  {"text/plain"},
		"X-A":           {"1", "5"},
		"Etag":          {`"e"`},
		"X-B":           {"2", "7"},
		"X-C":           {"3"},
		"X-D":           {"4"},
		"X-E":           {"6"},
		"Last-Modified": {"Tue, 01 Jan 2019 00:00:00 GMT", "Wed, 02 Jan 2019 00:00:00 GMT"}, // (the gateway keeps the latest)
	}
	for _, rd := range readers {
		resp, err := ReadResponse(rd.new(in))
		if err != nil {
			t.Fatalf("%s: %v", rd.name, err)
		}
		if !reflect.DeepEqual(resp.Header, want) {
			t.Fatalf("%s: Header %q, want %q", rd.name, resp.Header, want)
		}
		h := resp.Header
		h.Add("Content-Type", "x")
		h["Etag"] = append(h["Etag"], "y")
		h.Add("X-C", "z")
		h.Set("X-D", "w")
		for k, v := range map[string][]string{"Content-Type": {"text/plain", "x"}, "Etag": {`"e"`, "y"},
			"X-C": {"3", "z"}, "X-D": {"w"}, "X-A": {"1", "5"}, "X-B": {"2", "7"}, "X-E": {"6"}} {
			if !reflect.DeepEqual(h[k], v) {
				t.Errorf("%s: after the changes, %s = %q, want %q", rd.name, k, h[k], v)
			}
		}
	}
}

// TestContentType: each common Content-Type of contentType's table, and
// others, come out as mediaTypeLower gives them.
func TestContentType(t *testing.T) {
	f, err := parser.ParseFile(token.NewFileSet(), "header.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	var table []string
	ast.Inspect(f, func(n ast.Node) bool {
		fn, ok := n.(*ast.FuncDecl)
		if !ok || fn.Name.Name != "contentType" {
			return true
		}
		ast.Inspect(fn.Body, func(n ast.Node) bool {
			if cc, ok := n.(*ast.CaseClause); ok {
				for _, e := range cc.List {
					if lit, ok := e.(*ast.BasicLit); ok && lit.Kind == token.STRING {
						s, _ := strconv.Unquote(lit.Value)
						table = append(table, s)
					}
				}
				if len(cc.Body) != 1 {
					t.Errorf("case %q: want one return", cc.List)
				} else if ret, ok := cc.Body[0].(*ast.ReturnStmt); ok {
					if lit, ok := ret.Results[0].(*ast.BasicLit); ok {
						s, _ := strconv.Unquote(lit.Value)
						if s != table[len(table)-1] {
							t.Errorf("case %q returns %q", table[len(table)-1], s)
						}
					}
				}
			}
			return true
		})
		return false
	})
	if len(table) < 10 {
		t.Fatalf("found %d cases in contentType, want its table", len(table))
	}
	others := []string{"", "TEXT/HTML", "Text/Plain; Charset=UTF-8", "text/html;charset=utf-8",
		"image/PNG", "application/x-www-form-urlencoded", "text/html ", "multipart/x-mixed-replace; boundary=AB"}
	for _, v := range append(table, others...) {
		if got, want := contentType([]byte(v)), mediaTypeLower(v); got != want {
			t.Errorf("contentType(%q) = %q, want %q", v, got, want)
		}
		if got, want := contentType([]byte(strings.ToUpper(v))), mediaTypeLower(strings.ToUpper(v)); got != want {
			t.Errorf("contentType(%q) = %q, want %q", strings.ToUpper(v), got, want)
		}
	}
}
