// Package httpsyntax holds the lexical rules of HTTP header fields (RFC
// 9110 §5.1, §5.5) that both a script's header block (cgi) and a client's
// request (internal/http1) are checked against.
package httpsyntax

import "strings"

// ValidFieldName reports whether k is a token: one or more of the
// characters RFC 9110 calls tchar.
func ValidFieldName[T ~string | ~[]byte](k T) bool {
	for i := 0; i < len(k); i++ {
		if !isTokenChar(k[i]) {
			return false
		}
	}
	return len(k) > 0
}

func isTokenChar(c byte) bool {
	switch {
	case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
		return true
	}
	return strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0
}

// ValidFieldValue reports whether v holds no control character but tab.
func ValidFieldValue[T ~string | ~[]byte](v T) bool {
	for i := 0; i < len(v); i++ {
		if c := v[i]; (c < ' ' && c != '\t') || c == 0x7f {
			return false
		}
	}
	return true
}

// MaxReasonPhrase is the longest reason phrase ValidReasonPhrase accepts.
// RFC 9112 sets no limit; a phrase is a short text for people, and a longer
// one from a script is more likely a mistake than a message.
const MaxReasonPhrase = 128

// ValidReasonPhrase reports whether s can be sent as the reason phrase of a
// status line: 1 to MaxReasonPhrase bytes of visible ASCII and spaces,
// neither starting nor ending with a space. RFC 9112 §4 also allows HTAB and
// obs-text; they are refused here, so that what a client shows is plain text
// and no control character reaches the status line.
func ValidReasonPhrase(s string) bool {
	if s == "" || len(s) > MaxReasonPhrase || s[0] == ' ' || s[len(s)-1] == ' ' {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < ' ' || c > '~' {
			return false
		}
	}
	return true
}

// HasToken reports whether the comma-separated list v (a Connection or
// Expect field value) has token t, in any case.
func HasToken(v, t string) bool {
	for v != "" {
		var f string
		f, v, _ = strings.Cut(v, ",")
		if strings.EqualFold(strings.TrimSpace(f), t) {
			return true
		}
	}
	return false
}

// Field names one header field of an answer twice: Key is its key in an
// http.Header (the canonical spelling, which every lookup uses) and Name
// the spelling it goes out with. A CGI script's `ETag` or `x-lower-case`
// is kept as the script wrote it, as Apache keeps it.
type Field struct {
	Key, Name string
}
