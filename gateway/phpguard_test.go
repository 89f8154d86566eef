package gateway

import "testing"

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
		"%00-s":      true,
		"%2D%zz":     true, // the bad escape after it changes nothing
		"%zz-s":      false,
		"%2":         false,
		"a-s":        false,
		"%41":        false,
		"%2B-s":      false, // a "+" escaped is a "+", no space
		"\x01\x02-s": true,
	} {
		if got := phpSkipsOptions(q); got != want {
			t.Errorf("phpSkipsOptions(%q) = %v, want %v", q, got, want)
		}
	}
}
