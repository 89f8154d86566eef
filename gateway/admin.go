// admin.go serves the admin listener (C40): health, status, metrics and the
// mode switch (C30).

package gateway

import (
	"cmp"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"mime"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/menshen/menshen/fastcgi"
	"github.com/sirupsen/logrus"
)

// AdminHandler returns the admin API (C40): GET /status (HTML for people),
// GET /status.json, GET /metrics (Prometheus), POST /mode (C30) and
// GET /healthz.
//
// Access control: when an admin token is configured (required by New when
// the admin listener is not on loopback), every request but /healthz must
// carry it as "Authorization: Bearer TOKEN", as ?token=TOKEN (a browser
// opening /status), or as a form field "token" of POST /mode (the buttons of
// the status page). Without a token the listener is loopback-only, and
// requests whose Host is not a loopback name or address are refused, so that
// a web page cannot reach it through DNS rebinding. Cross-origin browser
// POSTs are refused in every case (CSRF: [http.CrossOriginProtection]).
func (g *Gateway) AdminHandler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		_, _ = w.Write([]byte("ok\n"))
	})
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/status"+tokenQuery(r), http.StatusSeeOther)
	})
	mux.HandleFunc("GET /status", g.serveStatusPage)
	mux.HandleFunc("GET /status.json", g.serveStatusJSON)
	mux.Handle("GET /metrics", g.metrics.handler())
	mux.HandleFunc("POST /mode", g.serveMode)
	return g.requireToken(http.NewCrossOriginProtection().Handler(mux))
}

// maxAdminForm bounds the body of POST /mode.
const maxAdminForm = 64 << 10

func (g *Gateway) requireToken(h http.Handler) http.Handler {
	tok := g.cfg.AdminToken
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Body != nil {
			r.Body = http.MaxBytesReader(w, r.Body, maxAdminForm)
		}
		if r.Method == http.MethodPost {
			// A form either way: urlencoded (the mode command, the
			// /status buttons) or multipart (curl -F). ParseForm alone
			// would leave a multipart body unread, and FormValue would
			// not read it afterwards.
			var err error
			if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt == "multipart/form-data" {
				err = r.ParseMultipartForm(maxAdminForm)
			} else {
				err = r.ParseForm()
			}
			if err != nil {
				// Named here, not taken later for a missing field (a
				// body past maxAdminForm answered `mode ""`).
				code := http.StatusBadRequest
				if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
					code = http.StatusRequestEntityTooLarge
					err = fmt.Errorf("form over %d bytes", maxAdminForm)
				}
				http.Error(w, "admin: "+err.Error(), code)
				return
			}
		}
		if tok == "" {
			// /healthz tells nothing but "ok", whoever reads it; and a
			// request without a Host (HTTP/1.0: a load balancer's health
			// check, HAProxy's httpchk) comes from no browser, which
			// always sends one: neither can be DNS rebinding.
			if r.URL.Path != "/healthz" && r.Host != "" && !loopbackHost(r.Host) {
				g.adminRefused(r, http.StatusForbidden, "Host is no loopback name or address (DNS rebinding?)")
				http.Error(w, "admin: Host must be a loopback name or address (or set --admin-token)", http.StatusForbidden)
				return
			}
			h.ServeHTTP(w, r)
			return
		}
		if got := requestToken(r); r.URL.Path != "/healthz" && subtle.ConstantTimeCompare([]byte(got), []byte(tok)) != 1 {
			// The answer says which, as the log does: "admin token
			// required" to a client that sent one had its user look for
			// a missing flag rather than at the token's value.
			why, say := "no admin token", "admin token required"
			if got != "" {
				why, say = "wrong admin token", "wrong admin token"
			}
			g.adminRefused(r, http.StatusUnauthorized, why)
			w.Header().Set("WWW-Authenticate", `Bearer realm="menshen admin"`)
			http.Error(w, say, http.StatusUnauthorized)
			return
		}
		h.ServeHTTP(w, r)
	})
}

// adminRefused logs an admin request refused for who sent it (a wrong
// token, a foreign Host), with the client's address: someone knocking at
// the admin listener is seen, as on the public one.
func (g *Gateway) adminRefused(r *http.Request, status int, why string) {
	g.log.WithFields(logrus.Fields{"remote": remoteHost(r.RemoteAddr), "method": r.Method, "path": r.URL.Path, "status": status, "reason": why}).Warn("admin request refused")
}

// requestToken is the admin token a request carries: the Authorization
// bearer, else the token form field of a POST, else ?token=.
func requestToken(r *http.Request) string {
	if a := r.Header.Get("Authorization"); len(a) > 7 && strings.EqualFold(a[:7], "Bearer ") {
		return a[7:]
	}
	if r.Method == http.MethodPost {
		if t := r.PostFormValue("token"); t != "" {
			return t
		}
	}
	return r.URL.Query().Get("token")
}

// tokenQuery is "?token=..." when the request carried its token in the URL
// or a form, so that a browser redirected elsewhere on the admin listener
// keeps it; "" otherwise.
func tokenQuery(r *http.Request) string {
	t := r.URL.Query().Get("token")
	if t == "" && r.Method == http.MethodPost {
		t = r.PostFormValue("token")
	}
	if t == "" {
		return ""
	}
	return "?" + url.Values{"token": {t}}.Encode()
}

// loopbackHost reports whether a Host header names this machine's loopback:
// "localhost" (or its fully qualified "localhost.") or a loopback address,
// with or without a port.
func loopbackHost(host string) bool {
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	host = strings.TrimSuffix(strings.TrimPrefix(host, "["), "]")
	if strings.EqualFold(strings.TrimSuffix(host, "."), "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// serveMode is POST /mode with form fields mode and optional script (C30),
// each at most once, in the query or a form body (urlencoded or
// multipart); a body of another type is a 415.
// It answers in plain text, or, to a browser (Accept: text/html, the
// buttons of /status), with 303 back to /status.
func (g *Gateway) serveMode(w http.ResponseWriter, r *http.Request) {
	if what := notAForm(r); what != "" {
		// Checked here, past the token and the cross-origin checks,
		// so that a request refused for who sent it (401, 403) is
		// refused for that, whatever its body.
		w.Header().Set("Accept-Post", "application/x-www-form-urlencoded, multipart/form-data")
		http.Error(w, "POST /mode takes a form, application/x-www-form-urlencoded or multipart/form-data, not "+what, http.StatusUnsupportedMediaType)
		return
	}
	// A field given twice (in the body, or in the body and the query) is
	// ambiguous, and its first value switched one script of two, or took
	// the first of two modes, and answered 200 as if asked.
	for _, f := range []string{"mode", "script", "token"} {
		if vs := r.Form[f]; len(vs) > 1 {
			http.Error(w, repeatedField(f, vs), http.StatusBadRequest)
			return
		}
	}
	mode, err := ParseMode(r.FormValue("mode"))
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	script := r.FormValue("script")
	if _, given := r.Form["script"]; given && script == "" {
		// (An unset variable in `menshen mode fastcgi "$S"` must not
		// switch every script.)
		http.Error(w, "empty script name: leave the script field out to switch every script", http.StatusBadRequest)
		return
	}
	if script != "" {
		key, ok := modeKeyShown(g.settings.Load(), script, r.FormValue("shown") == "1")
		if !ok {
			// A typo must not look like a switch that happened.
			http.Error(w, "no such script: "+script+" (give its path under the scripts directory, e.g. sub/report.pl)", http.StatusNotFound)
			return
		}
		script = key
	}
	g.setMode(mode, script, logrus.Fields{"remote": remoteHost(r.RemoteAddr)})
	if strings.Contains(r.Header.Get("Accept"), "text/html") {
		http.Redirect(w, r, "/status"+tokenQuery(r), http.StatusSeeOther)
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	said := "mode " + string(mode) + " for " + orAll(scriptName(script))
	if mode == ModeFastCGI && script != "" {
		// A script fastcgi mode cannot make persistent (a shell script, a
		// Perl script that forks) runs per request all the same: the
		// answer says so, as the status page does (C21).
		if ss := g.scriptStatus(g.settings.Load(), script); ss.Kind == "per-request" {
			said += "; it is still served per request: " + ss.Reason
		}
	}
	_, _ = w.Write([]byte(said + "\n"))
}

// notAForm says what r's body is when it is no form POST /mode reads (a
// quoted media type, or "a body without a Content-Type"), "" when it is
// a form or there is no body. ParseForm reads the query alone then, and
// leaves such a body unread: a mode sent as JSON, or as mode=cgi under
// text/plain, was answered `mode ""`, as if the client had sent none.
// A request without a body keeps its fields in the query.
func notAForm(r *http.Request) string {
	ct := r.Header.Get("Content-Type")
	mt, _, _ := mime.ParseMediaType(ct)
	if mt == "application/x-www-form-urlencoded" || mt == "multipart/form-data" || r.Body == nil {
		return ""
	}
	// One byte tells a body from none: a chunked one has no length.
	if n, _ := io.ReadFull(r.Body, make([]byte, 1)); n == 0 {
		return ""
	}
	if ct == "" {
		return "a body without a Content-Type"
	}
	return strconv.Quote(cmp.Or(mt, ct))
}

// repeatedField says that form field f was given more than once, with
// its values, but a token's.
func repeatedField(f string, vs []string) string {
	msg := fmt.Sprintf("%s given %d times", f, len(vs))
	if f != "token" {
		q := make([]string, len(vs))
		for i, v := range vs {
			q[i] = strconv.Quote(v)
		}
		msg += " (" + strings.Join(q, ", ") + ")"
	}
	msg += ": give it once"
	if f == "script" {
		msg += " (one script per request; leave the field out to switch every script)"
	}
	return msg
}

// modeKey returns the key of the script name names, and whether there is
// one: a script of another mount by its URL path (/legacy/x.pl), a script
// of the scripts directory by its path there (sub/report.pl). A name
// without its leading slash that is no script of the scripts directory
// may name another mount's script (legacy/x.pl); one with a slash that
// no mount serves may be a path in the scripts directory (/sub/report.pl).
// The scripts directory's own sub/report.pl is found by that name even
// when a mount's prefix is /sub/, and by its URL path under the main
// prefix (/cgi-bin/sub/report.pl) when no other name fits.
func modeKey(s *settings, name string) (string, bool) {
	is := func(key string) bool {
		if s.ownerMount(key) == nil {
			return false
		}
		rt, err := resolve(s.mounts, keyPath(s, key), s.isWrapped)
		return err == nil && rt.pathInfo == "" && rt.key == key
	}
	rel := strings.TrimPrefix(name, "/")
	tries := []string{rel, "/" + rel}
	if strings.HasPrefix(name, "/") {
		tries = []string{"/" + rel, rel}
	}
	for _, m := range s.mounts {
		if m.main && strings.HasPrefix(name, m.prefix) {
			// Its URL path (/cgi-bin/sub/report.pl), as bench takes it.
			tries = append(tries, strings.TrimPrefix(name, m.prefix))
		}
	}
	for _, k := range tries {
		if k != "" && k != "/" && is(k) {
			return k, true
		}
	}
	// A directory named with its slash (app/, /cgi-bin/app/): its index
	// script, which a request for it runs (route.go's dirIndex).
	if strings.HasSuffix(name, "/") {
		for _, k := range tries {
			if k = strings.TrimSuffix(k, "/"); k == "" {
				continue
			}
			if rt, err := resolve(s.mounts, keyPath(s, k)+"/", s.isWrapped); err == nil && rt.pathInfo == "" && s.ownerMount(rt.key) != nil {
				return rt.key, true
			}
		}
	}
	return rel, false
}

// modeKeyShown is modeKey for a name as it is, or as /status shows it
// (scriptName: escaped). A name said to be in the shown form (shown: the
// status page's buttons) is that only: `new\nline.pl` is then the file
// with a newline in its name, never one named with a backslash and an n,
// which the name as it is would have found first.
func modeKeyShown(s *settings, name string, shown bool) (string, bool) {
	u, err := strconv.Unquote(`"` + name + `"`)
	if shown && err == nil {
		return modeKey(s, u)
	}
	key, ok := modeKey(s, name)
	if !ok && err == nil && u != name {
		key, ok = modeKey(s, u)
	}
	return key, ok
}

// ScriptKey returns the key of the script name designates, as POST /mode
// takes names (modeKey), or as the URL path it would be under the main
// prefix (or, with a leading slash, by itself) leads to, PATH_INFO and all
// ("report.pl/monthly" is report.pl), and whether there is one.
func (g *Gateway) ScriptKey(name string) (string, bool) {
	s := g.settings.Load()
	if key, ok := modeKeyShown(s, name, false); ok {
		return key, true
	}
	p := name
	if !strings.HasPrefix(p, "/") {
		p = keyPath(s, p) // under the main prefix
	}
	if rt, err := resolve(s.mounts, p, s.isWrapped); err == nil {
		return rt.key, true
	}
	return "", false
}

// scriptName is a script's key as /status, /status.json and /metrics show
// it: the key itself, unless it holds bytes that are not UTF-8, characters
// that do not print, a backslash or a double quote; then the key as a Go
// string literal would write it, without the quotes (\xfe, \r, \\). File
// names need not be UTF-8: JSON would show two names that differ only
// there as the same U+FFFD, and the metrics library refuses such labels
// (making them valid merged two scripts' series and failed every scrape).
// POST /mode takes either form.
func scriptName(key string) string {
	q := strconv.Quote(key)
	return q[1 : len(q)-1]
}

// ScriptStatus is one script's row of /status.json.
type ScriptStatus struct {
	Name      string `json:"name"`
	Mode      Mode   `json:"mode"`
	Isolation string `json:"isolation,omitempty"`
	// Runs is the isolation the Perl runner works in: Isolation, or under
	// auto what the runner chose once a worker compiled the script
	// (registry, or perlrun and RunsReason why); empty until then.
	Runs       string              `json:"runs,omitempty"`
	RunsReason string              `json:"runs_reason,omitempty"`
	Kind       string              `json:"kind,omitempty"`
	Reason     string              `json:"reason,omitempty"`
	Modes      map[Mode]ModeReport `json:"modes"`
	Workers    []WorkerStatus      `json:"workers"`
	// Removed says that the script is no longer there to serve (its file
	// is gone, or no longer executable, or its mount left the config): it
	// stays listed with its history, and is unmarked if it comes back.
	Removed bool `json:"removed"`
	// Queue is how many requests wait for one of its FastCGI workers.
	Queue int `json:"queue"`
	// Starting is how many of its workers are being started (a slow
	// start: the script's compilation, a module's load), not listed in
	// Workers until they answer.
	Starting int `json:"starting"`
}

// WorkerStatus is one live FastCGI worker.
type WorkerStatus struct {
	PID      int       `json:"pid"`
	Started  time.Time `json:"started"`
	Requests int64     `json:"requests"`
	Busy     bool      `json:"busy"`
	Active   int       `json:"active"`   // requests it serves now
	Capacity int       `json:"capacity"` // requests it takes at once (FCGI_MAX_CONNS); 1 for most
	// State is "busy", "idle", or "stopping" (retired or recycled: sent
	// SIGTERM, it takes no request).
	State string `json:"state"`
	// AgeSeconds is how long it has been running, set by status.
	AgeSeconds float64 `json:"age_seconds"`
}

// Status is the document of /status.json.
type Status struct {
	Version  string         `json:"version"`
	Mode     Mode           `json:"mode"`
	Started  time.Time      `json:"started"`
	Uptime   string         `json:"uptime"`
	Scripts  []ScriptStatus `json:"scripts"`
	InFlight int            `json:"cgi_processes"`
	Queue    int            `json:"cgi_queue"`
	// NoScript is the requests that reached no script (stats.unrouted).
	NoScript NoScriptReport `json:"no_script"`
}

func (g *Gateway) status() Status {
	s := g.settings.Load()
	now := time.Now()
	st := Status{
		Version:  Version,
		Mode:     s.mode,
		Started:  g.metrics.started,
		Uptime:   now.Sub(g.metrics.started).Round(time.Second).String(),
		NoScript: g.stats.noScript.report(),
		InFlight: s.procs.InUse(),
		Queue:    s.procs.Waiting(),
	}
	if t := g.modes.Load(); t.all != "" {
		st.Mode = t.all
	}
	// Every script there is, and every one that has counted something
	// (history is kept, so that counters never vanish): the latter are
	// marked removed when the former lacks them.
	present := map[string]bool{}
	for _, n := range g.listScripts(s) {
		present[n] = true
	}
	keys := make([]string, 0, len(present))
	for n := range present {
		keys = append(keys, n)
	}
	for _, n := range g.stats.names() {
		if !present[n] {
			keys = append(keys, n)
		}
	}
	sort.Strings(keys)
	st.Scripts = make([]ScriptStatus, 0, len(keys)) // [] in JSON, not null, when there is none
	for _, n := range keys {
		ss := g.scriptStatus(s, n)
		ss.Removed = !present[n]
		for i := range ss.Workers {
			if ss.Workers[i].Started.IsZero() {
				continue
			}
			ss.Workers[i].AgeSeconds = float64(now.Sub(ss.Workers[i].Started).Round(time.Millisecond).Milliseconds()) / 1000 // (1.378, not Seconds()'s 1.3780000000000001)
		}
		st.Scripts = append(st.Scripts, ss)
	}
	return st
}

func (g *Gateway) serveStatusJSON(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(g.status())
}

// statusClass is classify of a script's file, cached while the
// file stays the same version.
func (g *Gateway) statusClass(key, file string) (fastcgi.Class, bool) {
	type entry struct {
		ver fileVersion
		c   fastcgi.Class
	}
	fi, err := os.Stat(file)
	if err != nil {
		return fastcgi.Class{}, false
	}
	ver := fileVersionOf(fi)
	if v, ok := g.classes.Load(key); ok && v.(entry).ver == ver {
		return v.(entry).c, true
	}
	c, err := classify(file)
	if err != nil {
		return fastcgi.Class{}, false
	}
	g.classes.Store(key, entry{ver, c})
	return c, true
}

// perlCandidate reports whether a script not classified yet (no request
// reached its pool) may be one for the Perl runner: not a wrapper's file
// (php-cgi...) nor a native *.fcgi program.
func perlCandidate(s *settings, file string) bool {
	if _, ok := s.wrapperFor(file); ok {
		return false
	}
	return !strings.HasSuffix(file, ".fcgi")
}

// listScripts walks the mounts and returns the key of every script that
// would run: executable (or wrapped) regular files outside dot-directories,
// also under a symlink to a directory inside the mount (`app ->
// releases/r1`), which requests go through.
func (g *Gateway) listScripts(s *settings) []string {
	var out []string
	for _, m := range s.mounts {
		root := m.root()
		// (A link is followed unless it leads to a directory the walk is
		// in already, a loop, and at most maxLinkDepth links deep: every
		// alias of a release is listed, at a bounded cost.)
		var walk func(dir, relDir string, in []string)
		walk = func(dir, relDir string, in []string) {
			_ = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
				if err != nil {
					return nil
				}
				if p != dir && strings.HasPrefix(d.Name(), ".") {
					if d.IsDir() {
						return filepath.SkipDir
					}
					return nil
				}
				if d.IsDir() {
					return nil
				}
				if backupName(d.Name()) {
					return nil // (never served: see backupName)
				}
				r, err := filepath.Rel(dir, p)
				if err != nil {
					return nil
				}
				rel := filepath.Join(relDir, r)
				if d.Type()&fs.ModeSymlink != 0 && len(in) <= maxLinkDepth {
					if t, err := filepath.EvalSymlinks(p); err == nil && m.reaches(t) {
						if fi, err := os.Stat(t); err == nil && fi.IsDir() {
							if !slices.ContainsFunc(in, func(a string) bool { return within(t, a) }) {
								walk(t, rel, append(in[:len(in):len(in)], t))
							}
							return nil
						}
					}
				}
				urlPath := m.prefix + filepath.ToSlash(rel)
				rt, err := resolve([]*mount{m}, urlPath, s.isWrapped)
				if err != nil || rt.pathInfo != "" {
					return nil
				}
				if len(s.mounts) > 1 {
					// A longer prefix of another mount hides it (a mount
					// at /cgi-bin/sub/ hides the scripts directory's
					// sub/): requests never reach it.
					if all, err := resolve(s.mounts, urlPath, s.isWrapped); err != nil || all.key != rt.key {
						return nil
					}
				}
				out = append(out, rt.key)
				return nil
			})
		}
		walk(root, "", []string{root})
	}
	return out
}

// maxLinkDepth bounds how many symlinked directories deep listScripts
// follows.
const maxLinkDepth = 4

// keyFile returns the mount a script key belongs to, the key's path under
// the mount's directory and the script's file; a nil mount (and empty
// paths) when none has it.
func (s *settings) keyFile(key string) (m *mount, rel, file string) {
	if m = s.mountFor(key); m == nil {
		return nil, "", ""
	}
	rel = key
	if !m.main {
		rel = strings.TrimPrefix(key, m.prefix)
	}
	return m, rel, filepath.Join(m.dir, filepath.FromSlash(rel))
}

// mountFor returns the mount a script key belongs to.
func (s *settings) mountFor(key string) *mount {
	for _, m := range s.mounts {
		if !m.main && strings.HasPrefix(key, m.prefix) {
			return m
		}
	}
	for _, m := range s.mounts {
		if m.main {
			return m
		}
	}
	return nil
}

// ownerMount returns the mount whose script key is key, or nil: a key
// with a leading slash names a script of another mount (by its URL path),
// one without a script of the scripts directory; a key of a mount the
// config no longer has is nobody's (mountFor would give the main mount).
func (s *settings) ownerMount(key string) *mount {
	m := s.mountFor(key)
	if m == nil || m.main == strings.HasPrefix(key, "/") {
		return nil
	}
	return m
}

func (g *Gateway) scriptStatus(s *settings, key string) ScriptStatus {
	rt := s.keyRoute(key)
	ss := ScriptStatus{Name: scriptName(key), Mode: g.modeFor(s, rt), Modes: g.stats.report(key), Workers: []WorkerStatus{}}
	if ss.Mode == ModeFastCGI {
		ss.Isolation = s.isolationFor(key)
	}
	g.pools.describe(s, rt, &ss)
	if ss.Kind == "" && rt.file != "" && rt.nph() {
		// Never given to a pool (serve sends it to startCGI): say so
		// here, as for the other scripts served per request.
		ss.Kind, ss.Reason = "per-request", nphReason
	}
	if ss.Kind == "" && rt.file != "" {
		// No request in fastcgi mode yet: what its first one will find
		// (C21: the page says what cannot be made persistent before
		// anyone asks, and in cgi mode too, where an operator weighs
		// the switch).
		if !perlCandidate(s, rt.file) {
			ss.Kind = "native" // a wrapper's, or a .fcgi program
		} else if c, ok := g.statusClass(key, rt.file); ok {
			switch c.Kind {
			case fastcgi.KindPerl:
				ss.Kind = "perl"
			case fastcgi.KindNative:
				ss.Kind = "native"
			default:
				ss.Kind, ss.Reason = "per-request", c.Reason
			}
		}
	}
	if ss.Kind != "" && ss.Kind != "perl" || ss.Kind == "" && rt.file != "" && !perlCandidate(s, rt.file) {
		ss.Isolation = "" // only the Perl runner has isolation levels
	}
	switch ss.Isolation {
	case fastcgi.IsolationAuto:
		// What the runner chose, once it said (pools.describe).
	case "":
		ss.Runs, ss.RunsReason = "", ""
	default:
		ss.Runs, ss.RunsReason = ss.Isolation, ""
	}
	return ss
}
