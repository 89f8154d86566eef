package gateway

import (
	"net/http"
	"testing"
)

// TestPrecondition checks the parsing corners of precondition that the end
// to end cases (answer_e2e_test.go) leave out: entity-tag lists, malformed
// tags on either side, repeated fields, the three date formats.
func TestPrecondition(t *testing.T) {
	const lm = "Wed, 01 Jan 2025 00:00:00 GMT"
	for _, tc := range []struct {
		name     string
		etag, lm string // the script's validators
		req      http.Header
		want     int
	}{
		{"weak script tag, If-None-Match strong", `W/"abc"`, "", http.Header{"If-None-Match": {`"abc"`}}, 304},
		{"weak script tag, If-Match", `W/"abc"`, "", http.Header{"If-Match": {`W/"abc"`}}, 412},
		{"If-None-Match unquoted", `"abc"`, "", http.Header{"If-None-Match": {`abc`}}, 0},
		{"If-None-Match match after spaces and commas", `"abc"`, "", http.Header{"If-None-Match": {` ,, "x" ,"abc"`}}, 304},
		{"If-None-Match stops at garbage", `"abc"`, "", http.Header{"If-None-Match": {`"x", garbage, "abc"`}}, 0},
		{"If-None-Match repeated field", `"abc"`, "", http.Header{"If-None-Match": {`"x"`, `"abc"`}}, 304},
		{"If-None-Match empty tag", `""`, "", http.Header{"If-None-Match": {`""`}}, 304},
		{"If-None-Match tag with a space", `"abc"`, "", http.Header{"If-None-Match": {`"ab c"`}}, 0},
		{"If-None-Match prefix of the tag", `"abc"`, "", http.Header{"If-None-Match": {`"ab"`}}, 0},
		{"script tag unquoted", `abc`, "", http.Header{"If-None-Match": {`"abc"`}}, 0},
		{"script tag unquoted, If-Match", `abc`, "", http.Header{"If-Match": {`abc`}}, 412},
		{"script tag with junk after it", `"abc" x`, "", http.Header{"If-None-Match": {`"abc"`}}, 0},
		{"If-Match repeated field", `"abc"`, "", http.Header{"If-Match": {`"x"`, `"abc"`}}, 0},
		{"If-Match empty", `"abc"`, "", http.Header{"If-Match": {``}}, 412},
		{"If-Modified-Since asctime", "", lm, http.Header{"If-Modified-Since": {"Wed Jan  1 00:00:00 2025"}}, 304},
		{"If-Modified-Since one second early", "", lm, http.Header{"If-Modified-Since": {"Tue, 31 Dec 2024 23:59:59 GMT"}}, 0},
		{"script Last-Modified unparsable", "", "yesterday", http.Header{"If-Modified-Since": {lm}}, 0},
		{"If-Unmodified-Since RFC 850", "", lm, http.Header{"If-Unmodified-Since": {"Tuesday, 31-Dec-24 23:59:59 GMT"}}, 412},
		{"If-Match star without ETag", "", "", http.Header{"If-Match": {`*`}}, 0},
		{"no preconditions", `"abc"`, lm, http.Header{}, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := &http.Request{Method: http.MethodGet, Header: tc.req}
			h := http.Header{}
			if tc.etag != "" {
				h.Set("ETag", tc.etag)
			}
			if tc.lm != "" {
				h.Set("Last-Modified", tc.lm)
			}
			if got := precondition(r, h); got != tc.want {
				t.Errorf("precondition(%v) against ETag %q, Last-Modified %q = %d, want %d", tc.req, tc.etag, tc.lm, got, tc.want)
			}
		})
	}
}

// TestParseDate: dates are read as Apache's apr_date_parse_http reads a
// script's Last-Modified and a request's If-Modified-Since (each case's
// answer measured against Apache 2.4.67: the Last-Modified it sent, or
// none).
func TestParseDate(t *testing.T) {
	for in, want := range map[string]string{
		"Wed, 01 Jan 2025 00:00:00 GMT":     "Wed, 01 Jan 2025 00:00:00 GMT",
		"Wednesday, 01-Jan-25 00:00:00 GMT": "Wed, 01 Jan 2025 00:00:00 GMT",
		"Wed Jan  1 00:00:00 2025":          "Wed, 01 Jan 2025 00:00:00 GMT",
		"Mon Nov 30 20:00:00 2026 GMT":      "Mon, 30 Nov 2026 20:00:00 GMT", // gmtime . " GMT"
		"Mon Nov 30 20:00:00 2025":          "Sun, 30 Nov 2025 20:00:00 GMT", // the weekday is not checked
		"Wed, 01 Jan 2025 00:00:00 UTC":     "Wed, 01 Jan 2025 00:00:00 GMT", // strftime's %Z
		"Wed, 01 Jan 2025 00:00:00 +0100":   "Wed, 01 Jan 2025 00:00:00 GMT", // the zone is not read
		"Wed, 01 Jan 2025 00:00:00 gmt":     "Wed, 01 Jan 2025 00:00:00 GMT",
		"x 01 Jan 2025 00:00:00 GMTxyz":     "Wed, 01 Jan 2025 00:00:00 GMT",
		"Mon, 1 Dec 2025 00:00:00 GMT":      "Mon, 01 Dec 2025 00:00:00 GMT",
		"Mon, 30 Nov 2025 20:00:60 GMT":     "Sun, 30 Nov 2025 20:01:00 GMT",
		"Fri, 02 Jan 1970 00:00:00 GMT":     "Fri, 02 Jan 1970 00:00:00 GMT",
		"  Wed, 01 Jan 2025 00:00:00 GMT":   "Wed, 01 Jan 2025 00:00:00 GMT",
		"Wed, 01 Jan 2025 00:00:00":         "", // no zone
		"Mon Nov 1 20:00:00 2025":           "", // asctime's day takes two places
		"Wed, 31 Apr 2025 00:00:00 GMT":     "",
		"Sat, 29 Feb 2025 00:00:00 GMT":     "",
		"Thu, 01 Jan 1970 00:00:00 GMT":     "",
		"Wed, 01 JAN 2025 00:00:00 GMT":     "",
		"Wed, 01 Jan 2025 24:00:00 GMT":     "",
		"Wed, 00 Jan 2025 00:00:00 GMT":     "",
		"yesterday":                         "",
		"":                                  "",
		"Wed,":                              "",
	} {
		got := ""
		if d, ok := parseDate(in); ok {
			got = d.Format(http.TimeFormat)
		}
		if got != want {
			t.Errorf("parseDate(%q) = %q, want %q", in, got, want)
		}
	}
}
