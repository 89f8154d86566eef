// conditional.go evaluates a request's preconditions against the validators
// a script answered with (RFC 9110 §13), as Apache does for CGI scripts.

package gateway

import (
	"context"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/menshen/menshen/cgi"
)

// precondition returns the status that answers r instead of the script's
// own 200 (304 Not Modified or 412 Precondition Failed), or 0 to answer as
// the script did. h is the script's header block, with its ETag and
// Last-Modified.
//
// Apache's util_script.c calls ap_meets_conditions for a script that sent no
// Status, on GET (HEAD counts as GET in httpd); the caller checks that. The
// preconditions are evaluated in RFC 9110 §13.2.2's order: If-Match, else
// If-Unmodified-Since; then If-None-Match, else If-Modified-Since. If-Match
// compares strongly and If-None-Match weakly (§8.8.3.2); "*" matches the
// script's answer, which is a current representation. A date that does not
// parse is ignored, as are If-Unmodified-Since and If-Modified-Since when the
// script sent no valid Last-Modified, and an If-Modified-Since later than
// now (Apache's ap_condition_if_modified_since; RFC 2616 §14.25 called it
// invalid). Where Apache departs from RFC 9110 (README, "A script's
// validators"), the RFC is followed.
func precondition(r *http.Request, h http.Header) int {
	rh := r.Header
	if rh["If-Match"] == nil && rh["If-None-Match"] == nil && rh["If-Modified-Since"] == nil && rh["If-Unmodified-Since"] == nil {
		return 0 // the common case, on every GET's path
	}
	etag := h.Get("Etag")
	lastMod, haveLastMod := parseDate(h.Get("Last-Modified"))
	if im := r.Header.Values("If-Match"); len(im) > 0 {
		if !etagListMatches(strings.Join(im, ","), etag, false) {
			return http.StatusPreconditionFailed
		}
	} else if ius, ok := parseDate(r.Header.Get("If-Unmodified-Since")); ok && haveLastMod && lastMod.After(ius) {
		return http.StatusPreconditionFailed
	}
	if inm := r.Header.Values("If-None-Match"); len(inm) > 0 {
		if etagListMatches(strings.Join(inm, ","), etag, true) {
			return http.StatusNotModified
		}
	} else if ims, ok := parseDate(r.Header.Get("If-Modified-Since")); ok && haveLastMod && !lastMod.After(ims) && !ims.After(time.Now()) {
		return http.StatusNotModified
	}
	return 0
}

// conditionalMethod reports whether preconditions are evaluated for a
// request with this method: GET, and HEAD, which httpd handles as GET.
func conditionalMethod(method string) bool {
	return method == http.MethodGet || method == http.MethodHead
}

// parseDate reads an HTTP date as Apache's apr_date_parse_http does, which
// reads a script's Last-Modified and a request's If-Modified-Since and
// If-Unmodified-Since for httpd: after a first word (any weekday), the
// IMF-fixdate form with a day of one or two digits, the RFC 850 form and
// asctime's, a zone or anything else after the time ignored (taken as GMT:
// `gmtime . " GMT"`, strftime's `UTC`, `+0100`), the month spelled Jan to
// Dec, a second up to 61; nothing in or before 1970. ok is false for
// anything else.
func parseDate(s string) (t time.Time, ok bool) {
	s = strings.TrimLeft(s, " \t\r\n\v\f")
	i := strings.IndexByte(s, ' ')
	if s == "" || i < 0 {
		return time.Time{}, false
	}
	d := s[i+1:]
	num := func(b string) int {
		n := 0
		for _, c := range []byte(b) {
			n = n*10 + int(c-'0')
		}
		return n
	}
	var year, day int
	var mon, tim string
	switch {
	case dateMask(d, "## @$$ #### ##:##:## *"):
		year, day, mon, tim = num(d[7:11]), num(d[0:2]), d[3:6], d[12:]
	case dateMask(d, "##-@$$-## ##:##:## *"):
		year, day, mon, tim = 1900+num(d[7:9]), num(d[0:2]), d[3:6], d[10:]
		if year < 1970 {
			year += 100
		}
	case dateMask(d, "@$$ ~# ##:##:## ####*"):
		year, day, mon, tim = num(d[16:20]), num(strings.TrimLeft(d[4:6], " ")), d[0:3], d[7:]
	case dateMask(d, "# @$$ #### ##:##:## *"):
		year, day, mon, tim = num(d[6:10]), num(d[0:1]), d[2:5], d[11:]
	default:
		return time.Time{}, false
	}
	hour, minute, sec := num(tim[0:2]), num(tim[3:5]), num(tim[6:8])
	m := strings.Index("JanFebMarAprMayJunJulAugSepOctNovDec", mon)
	if m < 0 || m%3 != 0 || day < 1 || hour > 23 || minute > 59 || sec > 61 {
		return time.Time{}, false
	}
	month := time.Month(m/3 + 1)
	if day > time.Date(year, month+1, 0, 0, 0, 0, 0, time.UTC).Day() {
		return time.Time{}, false // 31 April, 29 February of a common year
	}
	t = time.Date(year, month, day, hour, minute, sec, 0, time.UTC)
	return t, t.Unix() > 0
}

// dateMask is apr_date_checkmask: whether s fits mask, where '@' is an
// upper-case letter, '$' a lower-case one, '#' a digit, '~' a digit or a
// space, '*' anything to the end, and any other byte itself.
func dateMask(s, mask string) bool {
	for i := 0; i < len(mask); i++ {
		if mask[i] == '*' {
			return true
		}
		if i >= len(s) {
			return false
		}
		c := s[i]
		switch mask[i] {
		case '@':
			if c < 'A' || c > 'Z' {
				return false
			}
		case '$':
			if c < 'a' || c > 'z' {
				return false
			}
		case '#':
			if c < '0' || c > '9' {
				return false
			}
		case '~':
			if c != ' ' && (c < '0' || c > '9') {
				return false
			}
		default:
			if c != mask[i] {
				return false
			}
		}
	}
	return len(s) == len(mask)
}

// lastModified rewrites a script's Last-Modified as Apache's
// util_script.c does (ap_update_mtime, ap_set_last_modified): a date in
// any of the three HTTP forms goes out as an IMF-fixdate, one later than
// the request's arrival (a clock ahead, a date typed wrong) as that time,
// which is what caches and If-Modified-Since then compare, and one that
// is no date to Apache's parser (parseDate: `yesterday`, empty) not at
// all; of several lines the latest date counts. Only answers that have
// the field pay.
func lastModified(h http.Header, arrived time.Time) {
	v, ok := h["Last-Modified"]
	if !ok {
		return
	}
	var last time.Time
	for _, s := range v {
		if t, ok := parseDate(s); ok && t.After(last) {
			last = t
		}
	}
	if last.IsZero() {
		delete(h, "Last-Modified")
		return
	}
	if last.After(arrived) {
		last = arrived
	}
	h["Last-Modified"] = []string{last.UTC().Format(http.TimeFormat)}
}

// etagListMatches reports whether the If-Match or If-None-Match value list
// is "*" or holds an entity tag that matches etag, the script's ETag:
// weakly (W/"x" matches "x") or strongly (both strong and equal). An ETag
// that is not one entity tag matches nothing but "*", and a list that stops
// parsing matches on what came before, as net/http reads it.
func etagListMatches(list, etag string, weak bool) bool {
	own, ownWeak, rest, ok := scanETag(strings.TrimLeft(etag, " \t"))
	if ok && strings.TrimSpace(rest) != "" {
		ok = false
	}
	for {
		list = strings.TrimLeft(list, " \t")
		switch {
		case list == "":
			return false
		case list[0] == ',':
			list = list[1:]
			continue
		case list[0] == '*':
			return true
		}
		tag, tagWeak, more, valid := scanETag(list)
		if !valid {
			return false
		}
		if ok && tag == own && (weak || !tagWeak && !ownWeak) {
			return true
		}
		list = more
	}
}

// scanETag reads one entity-tag (RFC 9110 §8.8.3) at the start of s: its
// opaque-tag with the quotes, whether it is weak, and what follows it.
func scanETag(s string) (tag string, weak bool, rest string, ok bool) {
	if strings.HasPrefix(s, "W/") {
		weak, s = true, s[2:]
	}
	if len(s) < 2 || s[0] != '"' {
		return "", false, "", false
	}
	for i := 1; i < len(s); i++ {
		switch c := s[i]; {
		case c == '"':
			return s[:i+1], weak, s[i+1:], true
		case c == 0x21, c >= 0x23 && c <= 0x7e, c >= 0x80:
			// etagc
		default:
			return "", false, "", false
		}
	}
	return "", false, "", false
}

// failPrecondition answers 412 to a request whose If-Match or
// If-Unmodified-Since the script's answer resp fails. The script's output is
// read to its end and dropped first, as for HEAD: the script ends normally (a
// FastCGI worker stays reusable) and never blocks on a full pipe; Apache too
// answers once the output has ended. The 412 is the gateway's own error
// answer with the fields of the script's that Apache keeps on an error
// (Set-Cookie, Cache-Control, Content-Location, but not ETag or
// Last-Modified: cgi.Response.ErrorHeader). It is the
// client's condition, not the script's failure: it is logged as an answer,
// with no reason.
func (g *Gateway) failPrecondition(ctx context.Context, w http.ResponseWriter, x *exchange, ex execution, br io.Reader, resp *cgi.Response) {
	if !g.dropOutput(ctx, w, x, ex, br) {
		return
	}
	// The script's own fields first, then those carried from the local
	// redirects before it, as on every other answer.
	addCarried(w.Header(), ownFields(resp.ErrorHeader()))
	orderFields(w, x.fieldOrder(resp.Fields))
	answerStatus(w, x, http.StatusPreconditionFailed)
}

// dropOutput reads the rest of a script's output and drops it, for an
// answer the gateway gives in its place, and lets the script end as it
// would. It reports whether that answer is still to be given: false when
// the output was cut short (the timeout, the client gone, a worker that
// died), which it has answered as the failure it is.
func (g *Gateway) dropOutput(ctx context.Context, w http.ResponseWriter, x *exchange, ex execution, br io.Reader) bool {
	_, rerr := io.Copy(io.Discard, br)
	ferr := ex.finish(rerr != nil)
	switch {
	case rerr != nil:
		g.fail(w, x, contextErr(ctx, rerr))
		return false
	case ctx.Err() != nil && statusFor(context.Cause(ctx)) == statusClientClosedRequest:
		g.fail(w, x, context.Cause(ctx))
		return false
	case ferr != nil:
		g.logExit(x, ferr)
	}
	return true
}
