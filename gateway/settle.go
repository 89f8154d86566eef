// settle.go lets a request that meets a script in the middle of a change
// wait for the change to end (C31: no failed request while editors save).

package gateway

import (
	"context"
	"errors"
	"os"
	"path"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

// An editor saves in steps: it writes a new file (mode 0644 at first) and
// renames it over the script, then sets the mode; or (vim) renames the
// script away, writes it anew and sets the mode. A request arriving
// between two steps finds no script (404), one that is not executable
// (403), or one the kernel refuses to start (EACCES, ENOENT, ETXTBSY): the
// same failures a script really missing or broken gives, and the watcher
// cannot help, since the request resolves its script on the file system.
// So a request that fails so while the script's directory or file changed
// within settleRecent waits, checking every settleStep, until it resolves
// again or nothing there has changed for settleQuiet (the watcher's
// debounce: the save is over and the failure real), at most settleMax. A
// script that is really missing costs its requests nothing: only a change
// in the last second makes one wait, and then not past a quiet moment.
const (
	settleRecent = time.Second
	settleQuiet  = debounce
	settleStep   = 10 * time.Millisecond
	settleMax    = time.Second
)

// settlable reports whether err is a failure an editor's save in progress
// can cause.
func settlable(err error) bool {
	if errors.Is(err, ErrNotFound) || errors.Is(err, ErrNotExecutable) {
		return true
	}
	return errors.Is(err, ErrStartScript) &&
		(errors.Is(err, syscall.EACCES) || errors.Is(err, syscall.ENOENT) || errors.Is(err, syscall.ETXTBSY) || errors.Is(err, syscall.ENOEXEC))
}

// settleRoute waits for a change under way where urlPath leads (see above)
// and resolves it again; it returns the first successful resolution, or
// the last failure, and whether it waited. It does not wait when nothing
// there changed recently, and stops when ctx ends.
func (g *Gateway) settleRoute(ctx context.Context, s *settings, urlPath string) (*route, bool, error) {
	start := time.Now()
	changed := lastChange(s.mounts, urlPath)
	if changed.IsZero() || start.Sub(changed) > settleRecent {
		rt, err := resolve(s.mounts, urlPath, s.isWrapped)
		return rt, false, err
	}
	t := time.NewTimer(settleStep)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			rt, err := resolve(s.mounts, urlPath, s.isWrapped)
			return rt, true, err
		case <-t.C:
		}
		rt, err := resolve(s.mounts, urlPath, s.isWrapped)
		if err == nil || !settlable(err) || time.Since(start) >= settleMax || time.Since(lastChange(s.mounts, urlPath)) >= settleQuiet {
			return rt, true, err
		}
		t.Reset(settleStep)
	}
}

// lastChange returns the latest status change (ctime) of the directory
// urlPath leads to under its mount (the deepest one of its path that
// exists) and of the file it names there, if any: a rename or removal in a
// directory changes the directory's, a chmod or a write the file's. Zero
// when urlPath is under no mount.
func lastChange(mounts []*mount, urlPath string) time.Time {
	clean := path.Clean("/" + urlPath)
	var m *mount
	for _, c := range mounts {
		if strings.HasPrefix(clean+"/", c.prefix) {
			m = c
			break
		}
	}
	if m == nil {
		return time.Time{}
	}
	var dirCtime, fileCtime int64
	dir := m.dir
	var st syscall.Stat_t
	if syscall.Stat(dir, &st) != nil {
		return time.Time{}
	}
	dirCtime = st.Ctim.Nano()
	rest := strings.Trim(strings.TrimPrefix(clean+"/", m.prefix), "/")
	for _, seg := range strings.Split(rest, "/") {
		if seg == "" || seg == "." || seg == ".." {
			break
		}
		p := filepath.Join(dir, seg)
		if syscall.Stat(p, &st) != nil {
			break // missing: its directory tells
		}
		if st.Mode&syscall.S_IFMT != syscall.S_IFDIR {
			fileCtime = st.Ctim.Nano() // the script (the rest is PATH_INFO)
			break
		}
		dir, dirCtime = p, st.Ctim.Nano()
	}
	return time.Unix(0, max(dirCtime, fileCtime))
}

// scriptChanged reports whether the file of rt is no longer the version
// the route found: renamed over, removed, or written since.
func scriptChanged(rt *route) bool {
	fi, err := os.Stat(rt.file)
	return err != nil || fileVersionOf(fi) != fileVersionOf(rt.info)
}
