// admin.go serves the admin listener (C40): health, status, metrics and the
// mode switch (C30).

package gateway

import (
	"crypto/subtle"
	"encoding/json"
	"io/fs"
	"net/http"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

// AdminHandler returns the admin API. When an admin token is configured,
// every request must carry it as "Authorization: Bearer TOKEN" (or
// ?token=TOKEN for a browser), except /healthz.
func (g *Gateway) AdminHandler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		_, _ = w.Write([]byte("ok\n"))
	})
	mux.HandleFunc("GET /status.json", g.serveStatusJSON)
	mux.HandleFunc("POST /mode", g.serveMode)
	return g.requireToken(mux)
}

func (g *Gateway) requireToken(h http.Handler) http.Handler {
	tok := g.cfg.AdminToken
	if tok == "" {
		return h
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/healthz" {
			got := r.URL.Query().Get("token")
			if a := r.Header.Get("Authorization"); len(a) > 7 && a[:7] == "Bearer " {
				got = a[7:]
			}
			if subtle.ConstantTimeCompare([]byte(got), []byte(tok)) != 1 {
				w.Header().Set("WWW-Authenticate", `Bearer realm="menshen admin"`)
				http.Error(w, "admin token required", http.StatusUnauthorized)
				return
			}
		}
		h.ServeHTTP(w, r)
	})
}

// serveMode is POST /mode with form fields mode and optional script (C30).
func (g *Gateway) serveMode(w http.ResponseWriter, r *http.Request) {
	mode, err := ParseMode(r.FormValue("mode"))
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	script := r.FormValue("script")
	g.SetMode(mode, script)
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	_, _ = w.Write([]byte("mode " + string(mode) + " for " + orAll(script) + "\n"))
}

// ScriptStatus is one script's row of /status.json.
type ScriptStatus struct {
	Name      string              `json:"name"`
	Mode      Mode                `json:"mode"`
	Isolation string              `json:"isolation,omitempty"`
	Kind      string              `json:"kind,omitempty"`
	Reason    string              `json:"reason,omitempty"`
	Modes     map[Mode]ModeReport `json:"modes"`
	Workers   []WorkerStatus      `json:"workers"`
}

// WorkerStatus is one live FastCGI worker.
type WorkerStatus struct {
	PID      int       `json:"pid"`
	Started  time.Time `json:"started"`
	Requests int64     `json:"requests"`
	Busy     bool      `json:"busy"`
}

// Status is the document of /status.json.
type Status struct {
	Version  string         `json:"version"`
	Mode     Mode           `json:"mode"`
	Uptime   string         `json:"uptime"`
	Scripts  []ScriptStatus `json:"scripts"`
	InFlight int            `json:"cgi_processes"`
	Queue    int            `json:"cgi_queue"`
}

func (g *Gateway) status() Status {
	s := g.settings.Load()
	st := Status{Version: Version, Mode: s.mode, InFlight: s.procs.InUse(), Queue: s.procs.Waiting()}
	if t := g.modes.Load(); t.all != "" {
		st.Mode = t.all
	}
	names := map[string]bool{}
	for _, n := range g.stats.names() {
		names[n] = true
	}
	for _, n := range g.listScripts(s) {
		names[n] = true
	}
	keys := make([]string, 0, len(names))
	for n := range names {
		keys = append(keys, n)
	}
	sort.Strings(keys)
	for _, n := range keys {
		st.Scripts = append(st.Scripts, g.scriptStatus(s, n))
	}
	return st
}

func (g *Gateway) serveStatusJSON(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(g.status())
}

// listScripts walks the mounts and returns the key of every script that
// would run: executable (or wrapped) regular files outside dot-directories.
func (g *Gateway) listScripts(s *settings) []string {
	var out []string
	for _, m := range s.mounts {
		_ = filepath.WalkDir(m.dir, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return nil
			}
			if p != m.dir && strings.HasPrefix(d.Name(), ".") {
				if d.IsDir() {
					return filepath.SkipDir
				}
				return nil
			}
			if d.IsDir() {
				return nil
			}
			rel, err := filepath.Rel(m.dir, p)
			if err != nil {
				return nil
			}
			rt, err := resolve([]*mount{m}, m.prefix+filepath.ToSlash(rel), s.isWrapped)
			if err == nil && rt.pathInfo == "" {
				out = append(out, rt.key)
			}
			return nil
		})
	}
	return out
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

func (g *Gateway) scriptStatus(s *settings, key string) ScriptStatus {
	m := s.mountFor(key)
	rt := &route{mount: m, key: key}
	if m != nil {
		rel := key
		if !m.main {
			rel = strings.TrimPrefix(key, m.prefix)
		}
		rt.rel, rt.file = rel, filepath.Join(m.dir, filepath.FromSlash(rel))
	}
	ss := ScriptStatus{Name: key, Mode: g.modeFor(s, rt), Modes: g.stats.report(key), Workers: []WorkerStatus{}}
	if ss.Mode == ModeFastCGI {
		ss.Isolation = s.isolationFor(key)
	}
	g.pools.describe(s, rt, &ss)
	return ss
}
