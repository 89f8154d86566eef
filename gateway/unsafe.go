// unsafe.go tells which scripts anyone could change: suEXEC refuses them,
// menshen serves them and says so (the log, menshen check).

package gateway

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// unsafeReason returns why the script file, in the mount directory dir,
// could be changed by any local user, or run with other rights than the
// gateway's, or "": the file writable by others, set-user-ID or
// set-group-ID, or a directory on its way from dir writable by others
// (anyone may then put a script there, or replace this one). These are
// the checks of Apache's suEXEC that a gateway not switching users can
// make; suEXEC refuses such a script, menshen serves it and says so.
func unsafeReason(dir, file string) string {
	fi, err := os.Stat(file)
	if err != nil {
		return ""
	}
	switch {
	case fi.Mode().Perm()&0o002 != 0:
		return "the file is writable by anyone"
	case fi.Mode()&(fs.ModeSetuid|fs.ModeSetgid) != 0:
		return "the file is set-user-ID or set-group-ID"
	}
	rel, err := filepath.Rel(dir, filepath.Dir(file))
	if err != nil || strings.HasPrefix(rel, "..") {
		return ""
	}
	d := dir
	for _, part := range append([]string{""}, strings.Split(rel, string(filepath.Separator))...) {
		if part != "." {
			d = filepath.Join(d, part)
		}
		if di, err := os.Stat(d); err == nil && di.Mode().Perm()&0o002 != 0 {
			return "its directory " + d + " is writable by anyone"
		}
	}
	return ""
}

// warnUnsafe logs a warning for each of keys that unsafeReason finds
// something in. said, when not nil, holds what was last logged for each
// script: a script is warned of again only when its reason changed (it
// became unsafe again after a fix, or for another reason), so that a
// world-writable script saved every minute is not warned of every minute.
func (g *Gateway) warnUnsafe(s *settings, keys []string, said map[string]string) {
	for _, k := range keys {
		m, _, file := s.keyFile(k)
		if m == nil {
			continue
		}
		why := unsafeReason(m.dir, file)
		if said != nil {
			if said[k] == why {
				continue
			}
			if why == "" {
				delete(said, k)
			} else {
				said[k] = why
			}
		}
		if why != "" {
			g.log.WithField("script", k).WithField("reason", why).Warn("served, though suEXEC would refuse it")
		}
	}
}
