// env.go builds the meta-variables of RFC 3875 §4.1 plus Apache's extras.

package cgi

import (
	"bytes"
	"net"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"sync/atomic"
)

// DefaultPath is the PATH scripts see unless configured otherwise. The
// gateway's own PATH never leaks (C4).
const DefaultPath = "/usr/local/bin:/usr/bin:/bin"

// Params holds what the gateway knows about a request beyond the
// *http.Request itself: where the script is and how it was reached.
type Params struct {
	ScriptFilename string // absolute path of the script
	ScriptName     string // URL path of the script, decoded (e.g. /cgi-bin/sub/a.pl)
	PathInfo       string // decoded rest of the URL path after the script; "" if none
	DocumentRoot   string // the directory the script was found under
	// ContextPrefix is the URL prefix of that directory ("/cgi-bin/"):
	// CONTEXT_PREFIX, and DocumentRoot as CONTEXT_DOCUMENT_ROOT, as Apache
	// 2.4 sets them for a ScriptAlias; none if empty.
	ContextPrefix  string
	ServerSoftware string // e.g. "menshen/0.1"
	Path           string // PATH for the script; DefaultPath if empty
	PassAuth       bool   // pass the Authorization header as HTTP_AUTHORIZATION (Apache CGIPassAuth)
	RemoteUser     string // REMOTE_USER, when known
	AuthType       string // AUTH_TYPE, when known
	// ContentLength is the body length to announce; negative means no body,
	// so neither CONTENT_LENGTH nor CONTENT_TYPE is set (C4, C5).
	ContentLength int64
	// Extra holds configured variables ("NAME=value"), appended last. A
	// name that repeats an earlier variable replaces it in the script's
	// environment: Start keeps the last of duplicate names, as os/exec
	// does. (The gateway's config refuses the names that describe a
	// request; PATH and HTTPS may be among them.)
	Extra []string
	// Redirect holds, for the target of a local redirect, the variables
	// the redirect gives it ("NAME=value", from [RedirectEnv]); nil for a
	// request from a client. They come after the HTTP_* variables; a name
	// that Extra also sets is left to Extra (Apache's SetEnv wins too).
	// REDIRECT_URL is left out for a target with a PATH_INFO (see EachEnv).
	Redirect []string
}

// Env returns the environment of a script for r as "NAME=value" strings: the
// RFC 3875 §4.1 variables, Apache's extras, every request header as HTTP_*,
// p.Redirect and p.Extra. It never includes the gateway's own environment, HTTP_PROXY
// (httpoxy, CVE-2016-5385 and kin), a header whose name holds anything but
// letters, digits and '-' (X_User would pose as X-User), a header value that
// starts with "() {" (Shellshock, CVE-2014-6271), or Authorization unless
// p.PassAuth is set. The query string is never split into argv
// (CVE-2012-1823): only QUERY_STRING carries it.
func Env(r *http.Request, p *Params) []string {
	// The "NAME=value" strings are cut from one string holding them all:
	// three allocations instead of one per variable. (They share it for
	// their lifetime, which is the request's.)
	var buf [48]envPair
	pairs, n := buf[:0], 0
	EachEnv(r, p, func(k, v string) {
		pairs = append(pairs, envPair{k, v})
		n += len(k) + 1 + len(v)
	})
	var b strings.Builder
	b.Grow(n)
	for _, kv := range pairs {
		b.WriteString(kv.name)
		b.WriteByte('=')
		b.WriteString(kv.value)
	}
	all := b.String()
	env := make([]string, len(pairs))
	for i, kv := range pairs {
		n := len(kv.name) + 1 + len(kv.value)
		env[i], all = all[:n], all[n:]
	}
	return env
}

// envPair is a variable of EachEnv.
type envPair struct{ name, value string }

// EachEnv calls add with each variable of Env, name and value apart, in the
// same order: for a FastCGI request, which sends them as pairs, it spares a
// "NAME=value" string per variable.
func EachEnv(r *http.Request, p *Params, add func(name, value string)) {

	path := p.Path
	if path == "" {
		path = DefaultPath
	}
	add("PATH", path)
	add("GATEWAY_INTERFACE", "CGI/1.1")
	add("SERVER_SOFTWARE", p.ServerSoftware)
	add("SERVER_PROTOCOL", r.Proto)
	add("REQUEST_METHOD", r.Method)
	add("REQUEST_URI", r.RequestURI)
	add("QUERY_STRING", r.URL.RawQuery)
	add("SCRIPT_NAME", p.ScriptName)
	add("SCRIPT_FILENAME", p.ScriptFilename)
	add("DOCUMENT_ROOT", p.DocumentRoot)
	if p.ContextPrefix != "" {
		add("CONTEXT_PREFIX", p.ContextPrefix)
		add("CONTEXT_DOCUMENT_ROOT", strings.TrimSuffix(p.DocumentRoot, "/")+"/")
	}
	if p.PathInfo != "" {
		add("PATH_INFO", p.PathInfo)
		// Apache maps PATH_INFO through its URL space; our URL space under a
		// prefix is the script directory, so map it there.
		add("PATH_TRANSLATED", strings.TrimSuffix(p.DocumentRoot, "/")+p.PathInfo)
	}

	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
		add("HTTPS", "on")
	} else if httpsOn(p.Extra) {
		// Configured for a TLS-terminating proxy in front ([env] HTTPS =
		// "on"): the client's scheme, and its default port, are https's.
		scheme = "https"
	}
	add("REQUEST_SCHEME", scheme)

	serverName, serverAddr, serverPort := serverInfo(r, scheme)
	add("SERVER_NAME", serverName)
	add("SERVER_ADDR", serverAddr)
	add("SERVER_PORT", serverPort)
	if host, port, err := net.SplitHostPort(r.RemoteAddr); err == nil {
		add("REMOTE_ADDR", host)
		add("REMOTE_PORT", port)
	} else {
		add("REMOTE_ADDR", r.RemoteAddr)
	}
	// AUTH_TYPE, REMOTE_USER and CONTENT_TYPE come from the client too
	// (a Basic user name, a header), so they pass the Shellshock filter.
	if p.AuthType != "" && safeValue(p.AuthType) {
		add("AUTH_TYPE", p.AuthType)
	}
	if p.RemoteUser != "" && safeValue(p.RemoteUser) {
		add("REMOTE_USER", p.RemoteUser)
	}
	if p.ContentLength >= 0 {
		add("CONTENT_LENGTH", strconv.FormatInt(p.ContentLength, 10))
		// As Apache: an empty line gives an empty variable, repeated
		// lines their values joined by ", ", as for any header.
		if ct, ok := r.Header["Content-Type"]; ok {
			if v := strings.Join(ct, ", "); safeValue(v) {
				add("CONTENT_TYPE", v)
			}
		}
	}
	if host, ok := hostVar(r); ok && safeValue(host) {
		add("HTTP_HOST", host)
	}

	keys := make([]string, 0, len(r.Header))
	for k := range r.Header {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		name, ok := headerVar(k, p.PassAuth)
		if !ok {
			continue
		}
		sep := ", "
		if name == "HTTP_COOKIE" {
			sep = "; "
		}
		v := strings.Join(r.Header[k], sep)
		if !safeValue(v) {
			continue
		}
		add(name, v)
	}
	for _, kv := range p.Redirect {
		k, v, _ := strings.Cut(kv, "=")
		if k == "REDIRECT_URL" && p.PathInfo != "" {
			// php-cgi takes REDIRECT_URL beside a PATH_TRANSLATED that is
			// not SCRIPT_FILENAME for Apache's Action handler, and runs
			// the file PATH_TRANSLATED names instead of the script: an
			// upload, a dot-file, a file through a link out of the
			// directory, run as PHP (and a plain PATH_INFO fails with "No
			// input file specified"). REDIRECT_SCRIPT_NAME and
			// REDIRECT_PATH_INFO still say where the redirect came from.
			continue
		}
		if !setsName(p.Extra, k) {
			add(k, v)
		}
	}
	for _, kv := range p.Extra {
		k, v, _ := strings.Cut(kv, "=")
		add(k, v)
	}
}

// RedirectEnv returns the variables that the target of a local redirect
// gets from the script that answered r (started with p) with a local
// Location, as Apache's internal redirect gives them (http_request.c
// rename_original_env, util_script.c ap_add_common_vars): every variable
// that script got, named with a REDIRECT_ prefix (so those of an earlier
// redirect become REDIRECT_REDIRECT_*), REDIRECT_STATUS=200 (the status of
// the redirecting answer: only a 200 redirects locally) and REDIRECT_URL,
// the decoded URL path the script was reached by, without the query. A
// name the script got twice (an Extra repeating a variable) is copied once,
// with the value it saw: the last.
//
// Only what the script got is copied, so the filters of [Env] hold for the
// copies too: there is no HTTP_PROXY to become REDIRECT_HTTP_PROXY, no
// Authorization unless p.PassAuth, no Shellshock value, and nothing of the
// gateway's own environment. Configured variables (p.Extra) are copied like
// the rest, as Apache copies SetEnv's.
func RedirectEnv(r *http.Request, p *Params) []string {
	env := make([]string, 0, 40+len(r.Header)+len(p.Redirect))
	at := make(map[string]int, cap(env))
	set := func(k, v string) {
		if i, ok := at[k]; ok {
			env[i] = k + "=" + v
			return
		}
		at[k] = len(env)
		env = append(env, k+"="+v)
	}
	EachEnv(r, p, func(k, v string) { set("REDIRECT_"+k, v) })
	set("REDIRECT_STATUS", "200")
	set("REDIRECT_URL", p.ScriptName+p.PathInfo)
	return env
}

// setsName reports whether env ("NAME=value" strings) sets name.
func setsName(env []string, name string) bool {
	for _, kv := range env {
		if len(kv) > len(name) && kv[len(name)] == '=' && kv[:len(name)] == name {
			return true
		}
	}
	return false
}

// headerVar maps a header name to its HTTP_* variable, or reports false for
// a header that must not reach the script.
func headerVar(k string, passAuth bool) (string, bool) {
	if name, ok := commonVars[k]; ok {
		return name, true
	}
	for i := 0; i < len(k); i++ {
		c := k[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-') {
			return "", false // Apache util_script.c: would collide with a '-' form
		}
	}
	switch {
	case strings.EqualFold(k, "proxy"): // httpoxy
		return "", false
	case strings.EqualFold(k, "content-type"), strings.EqualFold(k, "content-length"), strings.EqualFold(k, "host"):
		return "", false // CONTENT_TYPE, CONTENT_LENGTH, HTTP_HOST are set above
	case strings.EqualFold(k, "authorization"):
		if !passAuth {
			return "", false
		}
	case strings.EqualFold(k, "proxy-authorization"):
		return "", false
	}
	return httpVarName(k), true
}

// httpVarName returns "HTTP_" and k in upper case with '-' as '_', k
// being ASCII letters, digits and '-' (headerVar checked): what
// "HTTP_" + strings.ToUpper(strings.ReplaceAll(k, "-", "_")) gives, in one
// allocation instead of four.
func httpVarName(k string) string {
	var b strings.Builder
	b.Grow(len("HTTP_") + len(k))
	b.WriteString("HTTP_")
	for i := 0; i < len(k); i++ {
		c := k[i]
		switch {
		case c == '-':
			c = '_'
		case c >= 'a' && c <= 'z':
			c -= 'a' - 'A'
		}
		b.WriteByte(c)
	}
	return b.String()
}

// commonVars holds the variables of the headers browsers and clients send
// most, under their canonical names (net/http's, as r.Header holds them),
// so that they cost no allocation per request. Each is what headerVar
// makes of the name, whatever passAuth: none of them is refused.
var commonVars = func() map[string]string {
	m := map[string]string{}
	for _, k := range []string{
		"Accept", "Accept-Charset", "Accept-Encoding", "Accept-Language",
		"Cache-Control", "Connection", "Cookie", "Dnt", "If-Match",
		"If-Modified-Since", "If-None-Match", "If-Range", "If-Unmodified-Since",
		"Keep-Alive", "Origin", "Pragma", "Priority", "Range", "Referer",
		"Sec-Ch-Ua", "Sec-Ch-Ua-Mobile", "Sec-Ch-Ua-Platform", "Sec-Fetch-Dest",
		"Sec-Fetch-Mode", "Sec-Fetch-Site", "Sec-Fetch-User", "Te",
		"Upgrade-Insecure-Requests", "User-Agent", "Via", "X-Forwarded-For",
		"X-Forwarded-Host", "X-Forwarded-Proto", "X-Real-Ip", "X-Requested-With",
	} {
		m[k] = httpVarName(k)
	}
	return m
}()

// hostVar returns HTTP_HOST and whether there is one: the Host line as
// the client sent it, or, beside an absolute-form target (GET
// http://a.example/x), that target's authority in lower case, which
// Apache puts in its place (RFC 9112 §3.2.2). menshen's HTTP server puts
// the line in r.Header["Host"] where r.Host cannot tell it (net/http
// never leaves a Host there, so no client can): an empty line
// (HTTP/1.0: HTTP_HOST is empty), and none beside an absolute-form
// target (no values: no HTTP_HOST, while SERVER_NAME is the target's).
func hostVar(r *http.Request) (string, bool) {
	if line, ok := r.Header["Host"]; ok {
		if len(line) == 0 {
			return "", false
		}
		return line[0], true
	}
	if r.Host == "" {
		return "", false
	}
	if r.URL != nil && r.URL.Host != "" {
		return strings.ToLower(r.Host), true
	}
	return r.Host, true
}

// safeValue refuses values that bash would import as functions (Shellshock).
func safeValue(v string) bool {
	return !strings.HasPrefix(strings.TrimLeft(v, " \t"), "() {")
}

// serverInfo returns SERVER_NAME, SERVER_ADDR and SERVER_PORT, as Apache
// gives them (UseCanonicalName Off, its default): the name and port the
// client asked for in Host, the name lower case without a trailing dot and
// an IPv6 literal in brackets, the port the scheme's default when Host has
// none (a client of a proxy in front asked for example.com, port 80, not
// for the port menshen listens on, and a script builds its own URL from
// SERVER_NAME and SERVER_PORT). Without a Host, the connection's local
// address and port.
func serverInfo(r *http.Request, scheme string) (name, addr, port string) {
	la, _ := r.Context().Value(http.LocalAddrContextKey).(net.Addr)
	ta, _ := la.(*net.TCPAddr)
	if ta == nil {
		return serverInfoOf(r.Host, la, scheme)
	}
	if m := lastServerInfo.Load(); m != nil && m.host == r.Host && m.scheme == scheme &&
		m.port == ta.Port && m.zone == ta.Zone && bytes.Equal(m.ip, ta.IP) {
		return m.name, m.addr, m.sport
	}
	name, addr, port = serverInfoOf(r.Host, la, scheme)
	lastServerInfo.Store(&serverInfoMemo{
		host: r.Host, scheme: scheme, ip: bytes.Clone(ta.IP), port: ta.Port, zone: ta.Zone,
		name: name, addr: addr, sport: port,
	})
	return name, addr, port
}

// serverInfoMemo is the last serverInfo answered for a TCP connection: a
// keep-alive client's requests, and most requests to one server, ask the
// same Host on the same address, and serverInfoOf (which formats the
// local address) is a pure function of Host, the scheme and the local
// address's IP, port and zone, all of which the memo is keyed by, by
// value (an address changed in place is another key): it gives exactly
// what serverInfoOf would.
type serverInfoMemo struct {
	host, scheme string
	ip           []byte
	port         int
	zone         string

	name, addr, sport string
}

var lastServerInfo atomic.Pointer[serverInfoMemo]

// serverInfoOf is serverInfo for a request to host over local address la
// (nil: unknown).
func serverInfoOf(host string, la net.Addr, scheme string) (name, addr, port string) {
	var localPort string
	if la != nil {
		if h, p, err := net.SplitHostPort(la.String()); err == nil {
			addr, localPort = h, p
		}
	}
	name = host
	if h, p, err := net.SplitHostPort(host); err == nil {
		name, port = h, p
		if n, err := strconv.Atoi(p); err == nil {
			port = strconv.Itoa(n) // Host: a:00080 is port 80, as Apache reads it
		}
	}
	name = strings.TrimSuffix(strings.TrimPrefix(name, "["), "]")
	name = strings.ToLower(strings.TrimRight(name, "."))
	if name == "" {
		name, port = addr, localPort
	}
	if strings.Contains(name, ":") {
		// An IPv6 literal keeps its brackets, as in Apache.
		name = "[" + name + "]"
	}
	if port == "" {
		port = "80"
		if scheme == "https" {
			port = "443"
		}
	}
	return name, addr, port
}

// httpsOn reports whether the configured variables set HTTPS to "on" (any
// case), as a TLS-terminating proxy in front calls for.
func httpsOn(extra []string) bool {
	for _, kv := range extra {
		if len(kv) == len("HTTPS=on") && strings.HasPrefix(kv, "HTTPS=") && strings.EqualFold(kv[len("HTTPS="):], "on") {
			return true
		}
	}
	return false
}
