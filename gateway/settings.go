// settings.go merges the command line and the config file into one
// immutable snapshot that requests read without locks (STYLE §5).

package gateway

import (
	"fmt"
	"os"
	"path"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/menshen/menshen/cgi"
	"github.com/menshen/menshen/internal/limit"
	"golang.org/x/sys/unix"
)

// settings is the effective configuration. It is never modified after
// being published; a reload builds a new one.
type settings struct {
	mounts      []*mount // longest prefix first
	mode        Mode
	isolation   string
	timeout     time.Duration
	maxProcs    int
	queue       int
	workers     int
	minWorkers  int
	idleTimeout time.Duration
	maxRequests int
	maxBody     int64
	path        string
	passAuth    bool
	env         []string
	wrappers    map[string]wrapper // by extension, e.g. ".php"
	scripts     map[string]scriptSettings
	procs       *limit.Limiter // CGI processes (C11): one for the gateway's life, see reload
	sigs        sync.Map       // script key → poolSig, filled lazily
}

type wrapper struct {
	ext     string
	command string
	args    []string // nil: the script path as the only argument
}

type scriptSettings struct {
	mode       Mode
	isolation  string
	workers    int
	minWorkers *int
	capacity   int // requests at once per worker; 0: as the worker declares
	timeout    time.Duration
	env        []string
}

// loadSettings reads cfg's config file, if any, and builds the settings
// from both; cfg must have its defaults. Errors match ErrConfig.
func loadSettings(cfg Config) (*settings, error) {
	var fc *fileConfig
	if cfg.ConfigFile != "" {
		var err error
		if fc, err = loadFile(cfg.ConfigFile); err != nil {
			return nil, err
		}
	}
	return buildSettings(cfg, fc)
}

// buildSettings applies fc (may be nil) under the explicit flags of c.
func buildSettings(c Config, fc *fileConfig) (*settings, error) {
	s := &settings{
		mode:        c.Mode,
		isolation:   c.Isolation,
		timeout:     c.Timeout,
		maxProcs:    c.MaxProcs,
		queue:       c.Queue,
		workers:     c.Workers,
		minWorkers:  c.MinWorkers,
		idleTimeout: c.IdleTimeout,
		maxRequests: c.MaxRequests,
		maxBody:     c.MaxBody,
		path:        c.Path,
		passAuth:    c.PassAuth,
		wrappers:    map[string]wrapper{},
		scripts:     map[string]scriptSettings{},
	}
	main, err := newMount(c.Prefix, c.Scripts, "")
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrConfig, err)
	}
	main.main = true
	s.mounts = []*mount{main}
	if fc != nil {
		if err := s.apply(c, fc); err != nil {
			return nil, err
		}
	}
	if err := s.checkMinWorkers(c, fc); err != nil {
		return nil, err
	}
	sort.SliceStable(s.mounts, func(i, j int) bool { return len(s.mounts[i].prefix) > len(s.mounts[j].prefix) })
	if s.path == "" {
		s.path = cgi.DefaultPath
	}
	s.procs = limit.New(s.maxProcs, s.queue)
	return s, nil
}

func (s *settings) apply(c Config, fc *fileConfig) error {
	set := func(flag string) bool { return c.Set[flag] }
	if fc.Mode != "" && !set("mode") {
		s.mode = Mode(fc.Mode)
	}
	if fc.Isolation != "" && !set("isolation") {
		s.isolation = fc.Isolation
	}
	if fc.Timeout != nil && fc.Timeout.Duration > 0 && !set("timeout") {
		s.timeout = fc.Timeout.Duration
	}
	setInt := func(dst *int, v *int, flag string) {
		if v != nil && !set(flag) {
			*dst = *v
		}
	}
	setInt(&s.maxProcs, fc.MaxProcs, "max-procs")
	setInt(&s.queue, fc.Queue, "queue")
	setInt(&s.workers, fc.Workers, "workers")
	setInt(&s.minWorkers, fc.MinWorkers, "min-workers")
	setInt(&s.maxRequests, fc.MaxRequests, "max-requests")
	if fc.IdleTimeout != nil && fc.IdleTimeout.Duration > 0 && !set("idle-timeout") {
		s.idleTimeout = fc.IdleTimeout.Duration
	}
	if fc.MaxBody != nil && !set("max-body") {
		s.maxBody = int64(*fc.MaxBody)
	}
	if fc.Path != "" && !set("path") {
		s.path = fc.Path
	}
	if fc.PassAuth != nil && !set("pass-authorization") {
		s.passAuth = *fc.PassAuth
	}
	if s.workers < 1 {
		s.workers = 1
	}
	s.env = envList(fc.Env)
	if set("path") {
		// An explicit --path (MENSHEN_PATH) wins over the file's PATH in
		// [env] as over its path key, the same setting (§7: the file
		// applies where no flag was given). A script's own env is more
		// specific, and keeps its PATH.
		s.env = slices.DeleteFunc(s.env, func(kv string) bool { return strings.HasPrefix(kv, "PATH=") })
	}
	for _, w := range fc.Wrapper {
		s.wrappers[strings.ToLower(w.Ext)] = wrapper{ext: w.Ext, command: w.Command, args: w.Args}
	}
	for name, sc := range fc.Script {
		ss := scriptSettings{
			mode:       Mode(sc.Mode),
			isolation:  sc.Isolation,
			workers:    deref(sc.Workers),
			minWorkers: sc.MinWorkers,
			capacity:   deref(sc.Capacity),
			env:        envList(sc.Env),
		}
		if sc.Timeout != nil {
			ss.timeout = sc.Timeout.Duration
		}
		s.scripts[name] = ss
	}
	for i, fm := range fc.Mount {
		m, err := newMount(fm.Prefix, fm.Dir, Mode(fm.Mode))
		if err != nil {
			return fc.at(atEntry(fmt.Errorf("mount %q: %w", fm.Prefix, err), "mount", i, "dir"))
		}
		for _, o := range s.mounts {
			if o.prefix == m.prefix {
				return fc.at(atEntry(fmt.Errorf("mount %q: prefix already served", fm.Prefix), "mount", i, "prefix"))
			}
		}
		s.mounts = append(s.mounts, m)
	}
	return nil
}

// checkMinWorkers refuses more warm workers than workers, on the values in
// effect: each from its flag, else the file, else the default (workers =
// 4 in the file and --min-workers 3 is a valid setup).
func (s *settings) checkMinWorkers(c Config, fc *fileConfig) error {
	if s.minWorkers <= s.workers {
		return s.checkScriptMinWorkers(fc)
	}
	from := func(flag, key string, inFile bool) string {
		switch {
		case c.Set[flag]:
			return c.source(flag)
		case inFile:
			return "the config's " + key
		}
		return "the default"
	}
	fileMin := fc != nil && fc.MinWorkers != nil && !c.Set["min-workers"]
	err := fmt.Errorf("min-workers %d (%s): more than workers %d (%s)", s.minWorkers,
		from("min-workers", "min_workers", fileMin), s.workers,
		from("workers", "workers", fc != nil && fc.Workers != nil))
	if fileMin {
		return fc.at(atKey(err, "min_workers"))
	}
	if fc != nil && fc.Workers != nil && !c.Set["workers"] {
		return fc.at(atKey(err, "workers"))
	}
	return fmt.Errorf("%w: %w", ErrConfig, err)
}

// checkScriptMinWorkers is checkMinWorkers for each [script] table that
// sets workers or min_workers: on its values, else those in effect for
// all (workers = 1 and a script's min_workers = 2 was cut to 1 without a
// word).
func (s *settings) checkScriptMinWorkers(fc *fileConfig) error {
	for _, key := range sortedKeys(s.scripts) {
		sc := s.scripts[key]
		if sc.workers > 0 && sc.minWorkers != nil {
			continue // both its own: the file's validation says so
		}
		most, warm := s.workers, s.minWorkers
		if sc.workers > 0 {
			most = sc.workers
		}
		if sc.minWorkers != nil {
			warm = *sc.minWorkers
		}
		if warm <= most {
			continue
		}
		err := fmt.Errorf("script %q: min_workers %d more than workers %d", key, warm, most)
		field := "workers"
		if sc.minWorkers != nil {
			field = "min_workers"
		}
		return fc.at(atKey(err, "script", key, field))
	}
	return nil
}

// prefixProblem says why a URL prefix (with its leading and trailing
// slash) can never match, or "": request paths are cleaned before they are
// routed, so a prefix with an empty, "." or ".." segment (/cgi-bin//,
// /a/../cgi-bin/) would serve nothing.
func prefixProblem(prefix string) string {
	clean := path.Clean(prefix)
	if clean != "/" {
		clean += "/"
	}
	if prefix == clean {
		return ""
	}
	return "an empty, . or .. segment: requests are cleaned, and would never match it (write " + clean + ")"
}

// deref is *p, or 0 for nil.
func deref(p *int) int {
	if p == nil {
		return 0
	}
	return *p
}

func newMount(prefix, dir string, mode Mode) (*mount, error) {
	if !strings.HasPrefix(prefix, "/") {
		prefix = "/" + prefix
	}
	if !strings.HasSuffix(prefix, "/") {
		prefix += "/"
	}
	if why := prefixProblem(prefix); why != "" {
		return nil, fmt.Errorf("prefix %q: %s", prefix, why)
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("scripts directory %q: %w", dir, err)
	}
	fi, err := os.Stat(abs)
	if err != nil {
		return nil, fmt.Errorf("scripts directory %q: %w", dir, err)
	}
	if !fi.IsDir() {
		return nil, fmt.Errorf("scripts directory %q is not a directory", dir)
	}
	// Without search permission nothing in it can be served (every
	// request would be a 403).
	if err := unix.Faccessat(unix.AT_FDCWD, abs, unix.X_OK, unix.AT_EACCESS); err != nil {
		return nil, fmt.Errorf("scripts directory %q: %w (menshen runs as uid %d)", dir, err, os.Geteuid())
	}
	real, err := filepath.EvalSymlinks(abs)
	if err != nil {
		return nil, fmt.Errorf("scripts directory %q: %w", dir, err)
	}
	if real == "/" {
		// Every executable file of the machine would be served, and the
		// watcher would walk all of /proc and /sys before the gateway
		// listened (it ran for minutes, deaf to SIGTERM).
		return nil, fmt.Errorf("scripts directory %q is the root directory: every executable file of the machine (/bin/sh...) would be served", dir)
	}
	return &mount{prefix: prefix, dir: abs, real: real, mode: mode, local: localFS(real)}, nil
}

// wrapperFor returns the wrapper configured for a file's extension.
func (s *settings) wrapperFor(file string) (wrapper, bool) {
	w, ok := s.wrappers[strings.ToLower(filepath.Ext(file))]
	return w, ok
}

func (s *settings) isWrapped(file string) bool {
	_, ok := s.wrapperFor(file)
	return ok
}

// timeoutFor returns the per-request time limit of a script.
func (s *settings) timeoutFor(key string) time.Duration {
	if sc, ok := s.scripts[key]; ok && sc.timeout > 0 {
		return sc.timeout
	}
	return s.timeout
}

// configuredMode returns the mode the settings give a script, before any
// runtime toggle (C30).
func (s *settings) configuredMode(r *route) Mode {
	if sc, ok := s.scripts[r.key]; ok && sc.mode != "" {
		return sc.mode
	}
	if r.mount.mode != "" {
		return r.mount.mode
	}
	return s.mode
}

// keyRoute is the route of a script key, its file found by keyFile (its
// mount nil when no mount has the key).
func (s *settings) keyRoute(key string) *route {
	m, rel, file := s.keyFile(key)
	return &route{mount: m, key: key, rel: rel, file: file, exec: file}
}

// keyMode is configuredMode for a script key ("" when no mount has it).
func (s *settings) keyMode(key string) Mode {
	rt := s.keyRoute(key)
	if rt.mount == nil {
		return ""
	}
	return s.configuredMode(rt)
}

func (s *settings) isolationFor(key string) string {
	if sc, ok := s.scripts[key]; ok && sc.isolation != "" {
		return sc.isolation
	}
	return s.isolation
}

func (s *settings) workersFor(key string) (max, min int) {
	max, min = s.workers, s.minWorkers
	if sc, ok := s.scripts[key]; ok {
		if sc.workers > 0 {
			max = sc.workers
		}
		if sc.minWorkers != nil {
			min = *sc.minWorkers
		}
	}
	if min > max {
		min = max
	}
	return max, min
}

// envFor returns the configured variables of a script: [env], then the
// script's own env.
func (s *settings) envFor(key string) []string {
	sc, ok := s.scripts[key]
	if !ok || len(sc.env) == 0 {
		return s.env
	}
	out := make([]string, 0, len(s.env)+len(sc.env))
	return append(append(out, s.env...), sc.env...)
}
