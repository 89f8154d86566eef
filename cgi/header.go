// header.go parses the CGI response header block (RFC 3875 §6).

package cgi

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/textproto"
	"slices"
	"strconv"
	"strings"

	"github.com/menshen/menshen/internal/httpsyntax"
)

// Limits on the header block a script may send. Apache caps one line at
// MAX_STRING_LEN (8 KiB); the total and count bounds keep a runaway script
// from growing the gateway's memory before the body starts, and are wide
// enough for what Apache passes on (a legacy app's many Set-Cookie lines:
// 1000 lines and 68 KB go through Apache's mod_cgid).
const (
	maxHeaderLine  = 8 << 10
	maxHeaderBlock = 256 << 10
	maxHeaderCount = 1000
)

// ErrBadHeader is matched (with errors.Is) by every *HeaderError.
var ErrBadHeader = errors.New("cgi: malformed response header")

// ErrNoHeader reports a script whose output ended before the blank line that
// closes the header block (including a script that printed nothing).
var ErrNoHeader = errors.New("cgi: script output ended before the header block")

// ErrNoOutput is the ErrNoHeader of a script that printed nothing at all
// (it matches ErrNoHeader).
var ErrNoOutput = fmt.Errorf("%w: it wrote nothing", ErrNoHeader)

// HeaderError describes a malformed header block: the offending line (cut to
// a readable length) and what is wrong with it.
type HeaderError struct {
	Line   string
	Reason string
}

func (e *HeaderError) Error() string {
	if e.Line == "" {
		return "cgi: malformed response header: " + e.Reason
	}
	return fmt.Sprintf("cgi: malformed response header %q: %s", e.Line, e.Reason)
}

// Is reports whether target is ErrBadHeader.
func (e *HeaderError) Is(target error) bool { return target == ErrBadHeader }

func headerErr(line []byte, reason string) error {
	const max = 120
	s := string(line)
	if len(s) > max {
		s = s[:max] + "…"
	}
	return &HeaderError{Line: s, Reason: reason}
}

// Response is a parsed CGI header block.
type Response struct {
	// Status is the HTTP status: from a Status header, else 302 for a
	// client redirect, else 200. It is never informational (1xx): a
	// script's answer is final.
	Status int
	// HasStatus reports whether the script sent a Status header: Apache
	// evaluates the request's preconditions only for scripts that did not
	// (util_script.c).
	HasStatus bool
	// Reason is the reason phrase of the script's Status ("Not Here" for
	// "Status: 404 Not Here"), trimmed of surrounding spaces; "" when the
	// script gave none, or one that does not fit on a status line (see
	// [httpsyntax.ValidReasonPhrase]): the standard text goes out then.
	Reason string
	// Header holds the header fields to send to the client, in canonical
	// form, repeated fields kept repeated. Status, Content-Length and
	// Transfer-Encoding are never in it.
	Header http.Header
	// Fields lists Header's keys in the order the script first sent each,
	// with the spelling of that first line (`ETag`, `x-lower-case`): Apache
	// passes a script's fields on in its order and spelling, but its
	// Set-Cookie and then, in its order, its Location (with a Status),
	// Content-Range, ETag and Last-Modified (in Apache's spelling)
	// last. Content-Type is not in it: Apache writes it itself, spelled
	// its way, after the script's fields. Nor is the Location of a client
	// redirect, which goes out on the gateway's own answer.
	Fields []Field
	// fields backs Fields up to its size: an answer of a few fields
	// costs no allocation for them.
	fields [4]Field
	// ones backs Header's first one-value slices (oneValue), nOnes of
	// them in use: nor for their values.
	ones  [4]string
	nOnes int
	// LocalRedirect is set when the script answered with a local
	// Location (a path starting with a single "/") and no other status than
	// 200: the server must serve that path as a fresh GET (RFC 3875 §6.2.2)
	// instead of answering.
	LocalRedirect string
	// ClientRedirect is set when the script answered with an absolute
	// Location and no other status than 200 (none, or "Status: 200"):
	// a client redirect (RFC 3875 §6.2.3), 302, which the server answers
	// with a document of its own, as Apache's mod_cgi does (the script's
	// body, if any, is dropped: one that wants its own says Status: 302).
	ClientRedirect bool
}

// Field is a field name of a script's answer: its key in Response.Header
// and the script's spelling.
type Field = httpsyntax.Field

// CarriedHeader returns the fields of a local redirect's header block that
// Apache keeps for the answer the client finally gets, whatever it is (the
// target's, or an error): util_script.c puts them in r->err_headers_out,
// which the internal redirect hands on. That is every field but Location,
// Content-Type, Last-Modified, ETag and Content-Range, which describe the
// redirecting answer itself (Status, Content-Length and Transfer-Encoding
// are never in Header). It returns nil if there is none; the value slices
// are Header's.
//
// Beyond Apache, the other fields that describe the redirecting answer's
// own body stay behind too (Content-Encoding would label the target's
// plain page gzip), and so do the fields the answer's Connection header
// names, which concern only that hop.
func (r *Response) CarriedHeader() http.Header { return r.keptHeader(false) }

// ErrorHeader returns the fields of the header block that Apache keeps
// when the server answers with an error of its own in place of the
// script's answer (a 412 for a precondition the answer fails; util_script.c
// has put them in r->err_headers_out): those CarriedHeader returns, and
// those that describe the resource rather than a body, Content-Location,
// Content-Language and Content-Disposition, which a local redirect leaves
// behind because its target has its own. Apache keeps Content-Encoding and
// Content-MD5 on such an error too; here they stay behind, as for a local
// redirect: they describe bytes the client does not get, and the server's
// plain-text body would fail to decode as gzip or to match the digest.
func (r *Response) ErrorHeader() http.Header { return r.keptHeader(true) }

// keptHeader is CarriedHeader, and with resource set ErrorHeader.
func (r *Response) keptHeader(resource bool) http.Header {
	var h http.Header
	for k, v := range r.Header {
		switch k {
		case "Content-Language", "Content-Location", "Content-Disposition":
			if !resource {
				continue
			}
		case "Location", "Content-Type", "Last-Modified", "Etag", "Content-Range",
			"Content-Encoding", "Content-Md5",
			"Proxy-Authenticate", "Proxy-Authorization", "Connection", "Keep-Alive", "Proxy-Connection", "Te", "Trailer", "Upgrade":
			continue
		}
		if connectionNames(r.Header, k) {
			continue
		}
		if h == nil {
			h = make(http.Header, len(r.Header))
		}
		h[k] = v
	}
	return h
}

// connectionNames reports whether the Connection field of h names the
// field k (RFC 9110 §7.6.1: such fields are for this hop only).
func connectionNames(h http.Header, k string) bool {
	for _, v := range h["Connection"] {
		for _, name := range strings.Split(v, ",") {
			if http.CanonicalHeaderKey(strings.TrimSpace(name)) == k {
				return true
			}
		}
	}
	return false
}

// ReadResponse reads the header block from r and stops at the first body
// byte, which r still holds. Lines may end in LF or CRLF; r may have any
// buffer size (lines longer than its buffer are assembled, up to 8 KiB). It returns
// ErrNoHeader if the output ends first and a *HeaderError (matching
// ErrBadHeader) for a malformed block: a line that is not "Name: value", a
// bad Status, a script Transfer-Encoding (response splitting,
// CVE-2024-24795), or none of Content-Type, Location and Status (C6, C10).
// An informational Status (1xx) is a malformed block too: a script cannot
// send an interim answer, nor switch protocols.
// A script Content-Length is dropped: the gateway frames the body itself.
func ReadResponse(r *bufio.Reader) (*Response, error) {
	h := make(http.Header)
	resp := &Response{Status: http.StatusOK, Header: h}
	resp.Fields = resp.fields[:0]
	var (
		total, count int
		status       string
		haveStatus   bool
		haveType     bool // a Content-Type line, even an empty one
		// Set-Cookie goes out after the script's other fields, as from
		// Apache, whose util_script.c puts the fields in
		// r->err_headers_out and the cookies at its end; then, in the
		// script's order, those it puts in r->headers_out, written after
		// them (tail: a Location with a Status, Content-Range, ETag,
		// Last-Modified). Spelled as the script's first line, but
		// Last-Modified, which Apache writes itself.
		cookie Field
		tail   [4]Field
		nt     int
	)
	for {
		line, err := readLine(r)
		if err != nil {
			if errors.Is(err, io.EOF) {
				if count == 0 && len(line) == 0 {
					return nil, ErrNoOutput
				}
				return nil, ErrNoHeader
			}
			if errors.Is(err, bufio.ErrBufferFull) {
				return nil, headerErr(line, "line longer than 8 KiB")
			}
			return nil, err
		}
		total += len(line)
		if total > maxHeaderBlock {
			return nil, headerErr(line, "header block larger than 256 KiB")
		}
		if len(line) == 0 {
			break
		}
		if count++; count > maxHeaderCount {
			return nil, headerErr(line, "more than 1000 header lines")
		}
		if line[0] == ' ' || line[0] == '\t' {
			// Obsolete line folding (RFC 9112 §5.2): Apache 2.4.67 takes
			// such a line for a malformed header (500, "Bad header"), or
			// for a field whose name starts with white space, which it
			// refuses too. A block that never worked under Apache is not
			// made to work here: clients differ on how they would read it.
			return nil, headerErr(line, "line starts with white space (obsolete line folding)")
		}
		colon := bytes.IndexByte(line, ':')
		if colon <= 0 {
			return nil, headerErr(line, "no colon")
		}
		name, value := line[:colon], trimOWS(line[colon+1:])
		if !httpsyntax.ValidFieldName(name) {
			return nil, headerErr(line, "invalid field name")
		}
		if !httpsyntax.ValidFieldValue(value) {
			return nil, headerErr(line, "control character in value")
		}
		spelled, key := fieldNames(name)
		switch key {
		case "Status":
			// Copied: value points into r's buffer, which the next
			// read may overwrite.
			status, haveStatus = string(value), true
			continue
		case "Content-Length":
			// Not trusted for framing (CVE-2024-24795).
			continue
		case "Transfer-Encoding":
			return nil, headerErr(line, "script may not set Transfer-Encoding")
		case "Content-Type":
			// Single-valued: a repeat replaces, the last one counts, as
			// in Apache (ap_set_content_type), which lower-cases the
			// media type (not its parameters: ap_content_type_tolower).
			// Apache writes this field itself, so it is not in Fields.
			h[key] = resp.oneValue(contentType(value))
			haveType = true
			continue
		}
		vs, seen := h[key]
		if headersOut(key) {
			// At the first one's place among them. All but
			// Last-Modified single-valued (apr_table_set: an answer
			// has one entity tag, which conditional requests compare);
			// of several Last-Modified lines the gateway keeps the
			// latest date, as Apache.
			if !seen && nt < len(tail) {
				if key == "Last-Modified" {
					spelled = key
				}
				tail[nt] = Field{Key: key, Name: spelled}
				nt++
			}
			if key == "Last-Modified" && seen {
				h[key] = append(vs, string(value))
			} else {
				h[key] = resp.oneValue(string(value))
			}
			continue
		}
		if !seen && key == "Set-Cookie" {
			cookie = Field{Key: key, Name: spelled}
		} else if !seen {
			resp.Fields = append(resp.Fields, Field{Key: key, Name: spelled})
		}
		if !seen {
			h[key] = resp.oneValue(string(value))
		} else {
			h[key] = append(vs, string(value))
		}
	}
	if cookie.Key != "" {
		resp.Fields = append(resp.Fields, cookie)
	}
	resp.Fields = append(resp.Fields, tail[:nt]...)
	if haveStatus {
		code, reason, err := parseStatus(status)
		if err != nil {
			return nil, headerErr([]byte("Status: "+status), err.Error())
		}
		resp.Status, resp.Reason, resp.HasStatus = code, reason, true
	}
	loc := first(h["Location"]) // h.Get("Location"), the key canonical
	switch {
	case loc != "" && isLocal(loc) && resp.Status == http.StatusOK:
		// A fragment is the browser's, never part of the path or query
		// the target gets (Apache's apr_uri_parse drops it too).
		if i := strings.IndexByte(loc, '#'); i >= 0 {
			loc = loc[:i]
		}
		resp.LocalRedirect = loc
	case loc != "" && resp.Status == http.StatusOK:
		// "Status: 200" with it is no status, as for a local Location:
		// Apache redirects (r->status is 200 either way).
		resp.Status, resp.Reason, resp.ClientRedirect = http.StatusFound, "", true
		resp.Fields = slices.DeleteFunc(resp.Fields, func(f Field) bool { return f.Key == "Location" })
	case loc == "" && !haveStatus && !haveType && count == 0:
		// A stray print "\n" before the header, or a page that is only
		// a blank line: the block ended before it began.
		return nil, &HeaderError{Reason: "the output starts with a blank line, which ends an empty header block: none of Content-Type, Location or Status"}
	case loc == "" && !haveStatus && !haveType:
		return nil, &HeaderError{Reason: "none of Content-Type, Location or Status"}
	}
	if haveType && first(h["Content-Type"]) == "" {
		// `print "Content-type: $type\n\n"` with $type undefined: the
		// field is there, its value empty. Apache serves the page with
		// no Content-Type at all, and so does the gateway.
		delete(h, "Content-Type")
	}
	return resp, nil
}

// first is the first of a field's values, "" if none: http.Header's Get
// for a key already canonical, without canonicalizing it again.
func first(vs []string) string {
	if len(vs) == 0 {
		return ""
	}
	return vs[0]
}

// fieldNames returns a field name as the script spelled it (copied: name
// points into the reader's buffer; the copy is the key itself when the
// script spelled it canonically) and its canonical key. The names scripts
// send on nearly every answer come from knownFields, neither copied nor
// canonicalized again.
func fieldNames(name []byte) (spelled, key string) {
	if f, ok := knownFields[string(name)]; ok {
		return f.spelled, f.key
	}
	spelled = string(name)
	return spelled, textproto.CanonicalMIMEHeaderKey(spelled)
}

// knownFields maps the spellings of the fields most scripts send to
// themselves and their canonical keys, computed as fieldNames would.
var knownFields = func() map[string]struct{ spelled, key string } {
	m := make(map[string]struct{ spelled, key string })
	for _, n := range []string{
		"Content-Type", "Content-type", "content-type", "CONTENT-TYPE",
		"Status", "status", "Location", "location",
		"Set-Cookie", "Set-cookie", "set-cookie",
		"Cache-Control", "Cache-control", "Pragma", "Expires",
		"Last-Modified", "ETag", "Etag", "Content-Length", "Content-Disposition",
		"X-Powered-By", "Vary", "Content-Language", "Content-Encoding",
	} {
		m[n] = struct{ spelled, key string }{n, textproto.CanonicalMIMEHeaderKey(n)}
	}
	return m
}()

// headersOut reports whether Apache's util_script.c puts a script's field
// of key in r->headers_out, which goes out after the script's other fields
// (r->err_headers_out, its cookies at the end there).
func headersOut(key string) bool {
	switch key {
	case "Location", "Etag", "Content-Range", "Last-Modified":
		return true
	}
	return false
}

// LaidLast reports whether Apache lays a script's field of key out after
// its other fields, as Response.Fields lists it: its cookies, then its
// r->headers_out fields (headersOut).
func LaidLast(key string) bool { return key == "Set-Cookie" || headersOut(key) }

// oneValue returns the one-value slice of v, backed by r.ones while
// they last. Its capacity is 1: an append (a repeated field, the
// caller's Header.Add) copies it, and leaves the other values alone.
func (r *Response) oneValue(v string) []string {
	if r.nOnes == len(r.ones) {
		return []string{v}
	}
	i := r.nOnes
	r.nOnes++
	r.ones[i] = v
	return r.ones[i : i+1 : i+1]
}

// contentType returns a Content-Type value as the answer gives it,
// its media type lower-cased (mediaTypeLower); the common ones without a
// copy. (A switch on string(v) makes no string of v.)
func contentType(v []byte) string {
	switch string(v) {
	case "text/html":
		return "text/html"
	case "text/plain":
		return "text/plain"
	case "text/html; charset=utf-8":
		return "text/html; charset=utf-8"
	case "text/html; charset=UTF-8":
		return "text/html; charset=UTF-8"
	case "text/html; charset=ISO-8859-1": // CGI.pm's header()
		return "text/html; charset=ISO-8859-1"
	case "text/html; charset=iso-8859-1":
		return "text/html; charset=iso-8859-1"
	case "text/plain; charset=utf-8":
		return "text/plain; charset=utf-8"
	case "text/plain; charset=UTF-8":
		return "text/plain; charset=UTF-8"
	case "text/plain; charset=ISO-8859-1":
		return "text/plain; charset=ISO-8859-1"
	case "application/json":
		return "application/json"
	case "application/json; charset=utf-8":
		return "application/json; charset=utf-8"
	case "text/xml":
		return "text/xml"
	case "application/xml":
		return "application/xml"
	case "text/css":
		return "text/css"
	case "text/csv":
		return "text/csv"
	case "application/javascript":
		return "application/javascript"
	case "image/png":
		return "image/png"
	case "image/gif":
		return "image/gif"
	case "image/jpeg":
		return "image/jpeg"
	case "image/svg+xml":
		return "image/svg+xml"
	case "application/octet-stream":
		return "application/octet-stream"
	}
	return mediaTypeLower(string(v))
}

// mediaTypeLower lower-cases the media type of a Content-Type value (up to
// its parameters), as Apache's ap_content_type_tolower: `TEXT/HTML;
// charset=UTF-8` is `text/html; charset=UTF-8`.
func mediaTypeLower(v string) string {
	t, params, found := strings.Cut(v, ";")
	lower := strings.ToLower(t) // (no copy when it has no upper case)
	switch {
	case lower == t:
		return v
	case found:
		return lower + ";" + params
	}
	return lower
}

// readLine returns one line without its LF or CRLF, or bufio.ErrBufferFull
// (with the start of the line) if it holds more than maxHeaderLine bytes. A
// line longer than r's buffer is assembled in a fresh slice; otherwise the
// result points into r's buffer and is valid only until the next read. At
// EOF before the line ends it returns io.EOF: an unterminated header block
// is no header block.
func readLine(r *bufio.Reader) ([]byte, error) {
	var long []byte
	for {
		frag, err := r.ReadSlice('\n')
		line := frag
		if long != nil || errors.Is(err, bufio.ErrBufferFull) {
			long = append(long, frag...)
			line = long
		}
		// maxHeaderLine bytes plus CRLF is the longest acceptable line.
		if len(line) > maxHeaderLine+2 || (err != nil && len(line) > maxHeaderLine+1) {
			return line, bufio.ErrBufferFull
		}
		switch {
		case err == nil:
		case errors.Is(err, bufio.ErrBufferFull):
			continue
		default:
			return line, err // at io.EOF: the unfinished last line
		}
		line = line[:len(line)-1]
		if n := len(line); n > 0 && line[n-1] == '\r' {
			line = line[:n-1]
		}
		if len(line) > maxHeaderLine {
			return line, bufio.ErrBufferFull
		}
		return line, nil
	}
}

// trimOWS strips the optional white space (SP and HTAB, RFC 9110 §5.6.3)
// around a field value, and nothing else: other control characters must
// stay visible to validValue.
func trimOWS(b []byte) []byte {
	return bytes.Trim(b, " \t")
}

// parseStatus reads "NNN" or "NNN reason" (RFC 3875 §6.3.3), and what
// Apache's mod_cgid takes besides: the code is read as atoi reads it (an
// optional "+", then the digits up to the first other byte), so that the
// "Status: 302Found" or "Status: 0200" of a legacy script is served as it
// is under Apache, not failed. The reason is kept, as Apache sends it,
// when the code is three digits and a space or tab stands between them
// and it, and it can go on a status line; otherwise the code's standard
// text goes out ("302Found" is "302 Found").
func parseStatus(s string) (int, string, error) {
	num := strings.TrimPrefix(s, "+")
	end := 0
	for end < len(num) && '0' <= num[end] && num[end] <= '9' {
		end++
	}
	if end == 0 {
		return 0, "", errors.New("status is not a number")
	}
	n, err := strconv.Atoi(num[:end])
	if err != nil || n < 100 || n > 599 {
		return 0, "", errors.New("status out of range 100-599")
	}
	if n < 200 {
		// Apache would send "100 Continue" and then its own answer, or
		// "101 Switching Protocols" on a connection nobody upgrades.
		return 0, "", errors.New("informational status: a script's answer must be final")
	}
	reason := ""
	if end == 3 && len(num) == len(s) && (len(s) == 3 || s[3] == ' ' || s[3] == '\t') {
		reason = strings.Trim(s[3:], " \t")
		if !httpsyntax.ValidReasonPhrase(reason) {
			reason = ""
		}
	}
	return n, reason, nil
}

// isLocal reports whether a Location value is a local path: it starts with
// "/" but not "//", which would be a network-path reference to another host
// (go#78767). "/\\evil" and "/\t/evil" are local, as in Apache: served
// by the gateway (they name no script: 404), never sent to a browser,
// which would read them as "//evil" (an open redirect).
func isLocal(loc string) bool {
	return strings.HasPrefix(loc, "/") && !strings.HasPrefix(loc, "//")
}
