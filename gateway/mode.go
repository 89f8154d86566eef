// mode.go is the runtime mode table: toggles made through the admin API
// (C30) on top of the configured modes.

package gateway

// modeTable is an immutable snapshot of the runtime toggles.
type modeTable struct {
	all     Mode            // set by a toggle of every script; "" = none
	scripts map[string]Mode // per-script toggles made after `all`
}

// modeFor returns the mode a new request to rt runs in: a per-script toggle,
// else a toggle of all scripts, else the configuration.
func (g *Gateway) modeFor(s *settings, rt *route) Mode {
	t := g.modes.Load()
	if m, ok := t.scripts[rt.key]; ok {
		return m
	}
	if t.all != "" {
		return t.all
	}
	return s.configuredMode(rt)
}

// SetMode switches new requests of one script (key as in the config, e.g.
// "sub/report.pl"), or of all scripts when script is "", to mode. Requests
// in flight finish where they started; pools no script uses any more are
// drained (C30). It is safe for concurrent use.
func (g *Gateway) SetMode(mode Mode, script string) {
	g.modeMu.Lock()
	old := g.modes.Load()
	next := &modeTable{all: old.all, scripts: map[string]Mode{}}
	if script == "" {
		next.all = mode
	} else {
		for k, v := range old.scripts {
			next.scripts[k] = v
		}
		next.scripts[script] = mode
	}
	g.modes.Store(next)
	g.modeMu.Unlock()
	g.log.WithField("mode", mode).WithField("script", orAll(script)).Info("mode switched")
	if mode == ModeCGI {
		g.drainPools(func(key string) bool { return script == "" || key == script })
	} else {
		g.warmPools()
	}
}

// clearModes drops every runtime toggle, so that the configured modes
// apply again, and reports whether there was one. The caller syncs the
// pools.
func (g *Gateway) clearModes() bool {
	g.modeMu.Lock()
	defer g.modeMu.Unlock()
	old := g.modes.Load()
	if old.all == "" && len(old.scripts) == 0 {
		return false
	}
	g.modes.Store(&modeTable{scripts: map[string]Mode{}})
	return true
}

func orAll(s string) string {
	if s == "" {
		return "(all)"
	}
	return s
}
