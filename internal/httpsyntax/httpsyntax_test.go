package httpsyntax

import (
	"strings"
	"testing"
)

func TestValidFieldName(t *testing.T) {
	for _, tc := range []struct {
		name string
		ok   bool
	}{
		{"Content-Type", true},
		{"x!#$%&'*+-.^_`|~9", true},
		{"", false},
		{"X-Bad ", false}, // space before the colon (CVE-2019-16276)
		{"X Bad", false},
		{"a:b", false},
		{"a(b", false},
		{"a\x7fb", false},
		{"caf\xc3\xa9", false},
	} {
		if got := ValidFieldName(tc.name); got != tc.ok {
			t.Errorf("ValidFieldName(%q) = %v, want %v", tc.name, got, tc.ok)
		}
		if got := ValidFieldName([]byte(tc.name)); got != tc.ok {
			t.Errorf("ValidFieldName([]byte(%q)) = %v, want %v", tc.name, got, tc.ok)
		}
	}
}

func TestValidFieldValue(t *testing.T) {
	for _, tc := range []struct {
		value string
		ok    bool
	}{
		{"text/html; charset=utf-8", true},
		{"a\tb", true},
		{"", true},
		{"caf\xc3\xa9", true}, // obs-text
		{"a\r\nSet-Cookie: x", false},
		{"a\nb", false},
		{"a\x00b", false},
		{"a\x7fb", false},
	} {
		if got := ValidFieldValue(tc.value); got != tc.ok {
			t.Errorf("ValidFieldValue(%q) = %v, want %v", tc.value, got, tc.ok)
		}
		if got := ValidFieldValue([]byte(tc.value)); got != tc.ok {
			t.Errorf("ValidFieldValue([]byte(%q)) = %v, want %v", tc.value, got, tc.ok)
		}
	}
}

func TestValidReasonPhrase(t *testing.T) {
	for _, tc := range []struct {
		reason string
		ok     bool
	}{
		{"Not Found", true},
		{"Custom Text", true},
		{"x", true},
		{"Odd: (really) 100%", true},
		{strings.Repeat("a", MaxReasonPhrase), true},
		{strings.Repeat("a", MaxReasonPhrase+1), false},
		{"", false},
		{" Spaced", false},
		{"Spaced ", false},
		{"a\tb", false},
		{"a\r\nSet-Cookie: x", false},
		{"a\x00b", false},
		{"a\x7fb", false},
		{"caf\xc3\xa9", false},
	} {
		if got := ValidReasonPhrase(tc.reason); got != tc.ok {
			t.Errorf("ValidReasonPhrase(%q) = %v, want %v", tc.reason, got, tc.ok)
		}
	}
}
