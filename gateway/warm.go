// warm.go starts the pools of scripts with warm workers (--min-workers,
// min_workers) before their first request.

package gateway

// warmPools builds the pool of every script in fastcgi mode whose
// min_workers is above 0, so that its workers start ahead of the first
// request (lighttpd's min-procs; a pool starts its MinWorkers when built).
// It runs at start, after a reload, a switch to fastcgi and a change in
// the scripts directories; with no min_workers anywhere it does nothing.
func (g *Gateway) warmPools() {
	if g.closing.Load() {
		return
	}
	s := g.settings.Load()
	if !s.wantsWarm() {
		return
	}
	for _, key := range g.listScripts(s) {
		if _, min := s.workersFor(key); min == 0 {
			continue
		}
		rt, err := resolve(s.mounts, keyPath(s, key), s.isWrapped)
		if err != nil || rt.key != key || rt.nph() {
			continue
		}
		if s.isWrapped(rt.file) && !s.ownMinWorkers(key) {
			// A wrapper runs every file of its extension (AddHandler):
			// an application's include files and tools are "scripts"
			// too, which no request may ever name (MediaWiki has 5 468
			// .php files, of which 10 are entry points). --min-workers
			// would start a php-cgi for each, kept for good. Such a
			// file's pool keeps its warm workers once a request has
			// built it; one started ahead is the script's own
			// min_workers.
			continue
		}
		if g.modeFor(s, rt) != ModeFastCGI {
			continue
		}
		if _, err := g.pools.entry(s, rt); err != nil && err != errLeftFastCGI && err != ErrShuttingDown {
			g.log.WithField("script", key).WithError(err).Warn("could not start warm workers")
		}
	}
}

// wantsWarm reports whether any script may have warm workers.
func (s *settings) wantsWarm() bool {
	if s.minWorkers > 0 {
		return true
	}
	for _, sc := range s.scripts {
		if sc.warm() {
			return true
		}
	}
	return false
}

// ownMinWorkers reports whether a script's own [script."x"] table sets
// its min_workers above 0.
func (s *settings) ownMinWorkers(key string) bool {
	sc, ok := s.scripts[key]
	return ok && sc.warm()
}

// warm reports whether the table sets min_workers above 0.
func (sc scriptSettings) warm() bool {
	return sc.minWorkers != nil && *sc.minWorkers > 0
}
