package gateway

import (
	"strings"
	"testing"
)

// TestPHPSkipsOptions: the queries php-cgi's CVE-2012-1823 guard takes
// for arguments (it then ignores its command line), read as php reads
// them: php_url_decode, with a bad escape left as it is.
func TestPHPSkipsOptions(t *testing.T) {
	for q, want := range map[string]bool{
		"":           false,
		"x=1":        false,
		"-s":         true,
		"-d=1":       false, // an "=" anywhere: php passes no arguments
		"%2Ds":       true,
		"%2ds":       true,
		"+-s":        true,
		"%20%09-s":   true,
		"%00-s":      false, // php's C string ends at the NUL
		"%2D%zz":     true,  // the bad escape after it changes nothing
		"%zz-s":      false,
		"%2":         false,
		"a-s":        false,
		"%41":        false,
		"%2B-s":      false, // a "+" escaped is a "+", no space
		"\x01\x02-s": true,
		"%01-s":      true,
	} {
		if got := phpSkipsOptions(q); got != want {
			t.Errorf("phpSkipsOptions(%q) = %v, want %v", q, got, want)
		}
	}
}

// TestPHPOptions: php-cgi's options in a wrapper's args, whether the
// wrapper is php-cgi or starts it (/usr/bin/env php-cgi).
func TestPHPOptions(t *testing.T) {
	for _, tc := range []struct {
		command string
		args    []string
		want    []string
		ok      bool
	}{
		{"/usr/bin/php-cgi", []string{"-d", "x=1", "{script}"}, []string{"-d", "x=1", "{script}"}, true},
		{"/usr/bin/env", []string{"php-cgi", "-d", "x=1", "{script}"}, []string{"-d", "x=1", "{script}"}, true},
		{"/usr/bin/env", []string{"-i", "/usr/bin/php-cgi8.2", "-n"}, []string{"-n"}, true},
		{"/usr/bin/perl", []string{"-w", "{script}"}, nil, false},
	} {
		got, ok := phpOptions(tc.command, tc.args)
		if ok != tc.ok || strings.Join(got, " ") != strings.Join(tc.want, " ") {
			t.Errorf("phpOptions(%q, %q) = %q, %v; want %q, %v", tc.command, tc.args, got, ok, tc.want, tc.ok)
		}
	}
}
