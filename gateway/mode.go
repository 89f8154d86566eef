// mode.go is the runtime mode table: toggles made through the admin API
// (C30) on top of the configured modes.

package gateway

import (
	"time"

	"github.com/sirupsen/logrus"
)

// modeTable is an immutable snapshot of the runtime toggles.
type modeTable struct {
	all     Mode            // set by a toggle of every script; "" = none
	scripts map[string]Mode // per-script toggles made after `all`
	// When each was made: a config edit clears the toggles made before
	// it, not one made after it (the newest word wins).
	allAt time.Time
	at    map[string]time.Time
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
func (g *Gateway) SetMode(mode Mode, script string) { g.setMode(mode, script, nil) }

// setMode is SetMode whose log line has fields more (who asked for it).
func (g *Gateway) setMode(mode Mode, script string, who logrus.Fields) {
	g.modeMu.Lock()
	old := g.modes.Load()
	now := time.Now()
	next := &modeTable{all: old.all, allAt: old.allAt, scripts: map[string]Mode{}, at: map[string]time.Time{}}
	if script == "" {
		next.all, next.allAt = mode, now
	} else {
		for k, v := range old.scripts {
			next.scripts[k], next.at[k] = v, old.at[k]
		}
		next.scripts[script], next.at[script] = mode, now
	}
	g.modes.Store(next)
	g.modeMu.Unlock()
	g.log.WithFields(who).WithField("mode", mode).WithField("script", orAll(script)).Info("mode switched")
	if mode == ModeCGI {
		g.drainPools(func(key string) bool { return script == "" || key == script })
	} else {
		g.warmPools()
	}
}

// clearModes drops the runtime toggles made before edit (every one when
// edit is zero): a toggle of all scripts, and the toggles of the scripts
// whose configured mode the edit changed (changed), so that the
// configured modes apply again, and reports whether it dropped one. A toggle made after the edit stays: the
// watcher applies an edit up to half a second late, and a `menshen mode`
// run in between is the newer word. The caller syncs the pools.
func (g *Gateway) clearModes(edit time.Time, changed func(key string) bool) bool {
	g.modeMu.Lock()
	defer g.modeMu.Unlock()
	old := g.modes.Load()
	// (File times come from a coarse clock, up to a few ms behind.)
	before := func(t time.Time) bool { return edit.IsZero() || !t.After(edit.Add(10*time.Millisecond)) }
	next := &modeTable{scripts: map[string]Mode{}, at: map[string]time.Time{}}
	dropped := false
	if old.all != "" {
		if before(old.allAt) {
			dropped = true
		} else {
			next.all, next.allAt = old.all, old.allAt
		}
	}
	for k, m := range old.scripts {
		// (A script whose configured mode the edit left as it was keeps
		// its toggle: an edit about another script, an operator's
		// `menshen mode cgi broken.pl` undone by a colleague's edit of
		// another script's mode.)
		if before(old.at[k]) && changed(k) {
			dropped = true
			continue
		}
		next.scripts[k], next.at[k] = m, old.at[k]
	}
	if dropped {
		g.modes.Store(next)
	}
	return dropped
}

func orAll(s string) string {
	if s == "" {
		return "(all)"
	}
	return s
}
