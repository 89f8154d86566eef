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
	"sync"
	"sync/atomic"
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
// again or nothing there has changed for settleQuiet (the save is over
// and the failure real; an editor's steps on a busy machine, or writing a
// big file, can be further apart than the watcher's debounce), at most
// settleMax. A
// script that is really missing costs its requests nothing: only a change
// in the last second makes one wait, and then not past a quiet moment.
const (
	// quickFailure: a script that printed nothing and ended sooner than
	// this, while its file was replaced, is taken for one that found
	// its file gone or empty; one that ran longer is not started again.
	// (100 ms was too short on a loaded machine: perl reading an empty
	// file under a write in place took 105-210 ms in the Perl runner,
	// and past 100 ms in cgi mode beside CPU burners.)
	quickFailure = 250 * time.Millisecond
	settleRecent = time.Second
	settleQuiet  = 250 * time.Millisecond
	settleStep   = 10 * time.Millisecond
	settleMax    = time.Second
)

// settlable reports whether err is a failure an editor's save in progress
// can cause.
func settlable(err error) bool {
	if routeGone(err) {
		return true
	}
	return errors.Is(err, ErrStartScript) &&
		(errors.Is(err, syscall.EACCES) || errors.Is(err, syscall.ENOENT) || errors.Is(err, syscall.ETXTBSY) || errors.Is(err, syscall.ENOEXEC))
}

// routeGone reports whether err says a script is no longer there to run:
// missing, or no longer executable.
func routeGone(err error) bool {
	return errors.Is(err, ErrNotFound) || errors.Is(err, ErrNotExecutable)
}

// settleRoute waits for a change under way where urlPath leads (see above)
// and resolves it again; it returns the first successful resolution, or
// the last failure, and whether it waited. It does not wait when nothing
// there changed recently, and stops when ctx ends.
func (g *Gateway) settleRoute(ctx context.Context, s *settings, urlPath string) (*route, bool, error) {
	start := time.Now()
	changed, seen := g.lastChange(s.mounts, urlPath, time.Time{})
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
		if err == nil || !settlable(err) || time.Since(start) >= settleMax || time.Since(first(g.lastChange(s.mounts, urlPath, seen))) >= settleQuiet {
			return rt, true, err
		}
		t.Reset(settleStep)
	}
}

func first(t, _ time.Time) time.Time { return t }

// lastChange returns when what urlPath names last changed. A file there
// (not executable, not startable): its change time (ctime), which a
// chmod, a write or a rename over it sets. A missing one: the watcher's
// last event for that name (an editor renamed it away, a deploy removed
// it), or, while the watcher has not yet heard of the change of its
// directory that seen (the directory's change time at the first look;
// zero: this is the first look) names, that change: the request can find
// a file gone before the watcher hears of it, later still on a busy
// machine. Only that one change counts, so that a directory some script
// writes into all the time does not make every missing name wait. Without
// a watcher, the directory's change time. Zero when urlPath is under no
// mount. The second result is the directory's change time, to be passed
// as seen to the next look.
func (g *Gateway) lastChange(mounts []*mount, urlPath string, seen time.Time) (time.Time, time.Time) {
	clean := path.Clean("/" + urlPath)
	m := mountOf(mounts, clean)
	if m == nil {
		return time.Time{}, time.Time{}
	}
	var st syscall.Stat_t
	dir := m.dir
	if syscall.Stat(dir, &st) != nil {
		// The scripts directory itself is missing: a release swapped in
		// by two renames (mv scripts old; mv new scripts) leaves a moment
		// without it. The change of the directory holding it, or the
		// watcher's event for its name, says when it went.
		if syscall.Stat(filepath.Dir(dir), &st) != nil {
			return time.Time{}, time.Time{}
		}
		t := time.Unix(0, st.Ctim.Nano())
		if e := g.events.at(dir); e.After(t) {
			t = e
		}
		return t, t
	}
	dirCtime := st.Ctim.Nano()
	missing := ""
	rest := strings.Trim(strings.TrimPrefix(clean+"/", m.prefix), "/")
	for _, seg := range strings.Split(rest, "/") {
		if seg == "" || seg == "." || seg == ".." {
			break
		}
		p := filepath.Join(dir, seg)
		if syscall.Stat(p, &st) != nil {
			missing = p
			break
		}
		if st.Mode&syscall.S_IFMT != syscall.S_IFDIR {
			ct := time.Unix(0, st.Ctim.Nano()) // the script (the rest is PATH_INFO)
			return ct, ct
		}
		dir, dirCtime = p, st.Ctim.Nano()
	}
	d := time.Unix(0, dirCtime)
	if missing == "" || !g.events.watching() {
		return d, d
	}
	if seen.IsZero() {
		seen = d
	}
	t := g.events.at(missing)
	heard := g.events.inDir(dir)
	// A directory on the way may be a symbolic link to another one in the
	// tree (`app -> releases/r1`): the watcher names its events under the
	// target.
	if real, err := filepath.EvalSymlinks(dir); err == nil {
		if alt := mountPath(g.settings.Load(), filepath.Join(real, filepath.Base(missing))); alt != missing {
			if a := g.events.at(alt); a.After(t) {
				t = a
			}
			if h := g.events.inDir(filepath.Dir(alt)); h.After(heard) {
				heard = h
			}
		}
	}
	// (heard is the directory's change time when the watcher last read
	// an event of it: a later one, seen, is a change it has not read.)
	if time.Since(seen) < settleRecent && heard.Before(seen) && seen.After(t) {
		t = seen
	}
	return t, seen
}

// eventTimes remembers, for a while, when the watcher last saw each file
// name change (settle.go asks about missing scripts).
type eventTimes struct {
	on    atomic.Bool // the watcher runs
	mu    sync.Mutex
	times map[string]time.Time
	// dirs holds, for each directory an event was heard in (or of),
	// its change time as the watcher found it then: a change time of
	// the directory after it is a change the watcher has not read yet.
	// (The kernel's coarse clock, the directory's own: an event's time
	// of noting, compared with it, ran ahead of a rename's change time
	// made a few milliseconds later, and took it for heard.)
	dirs   map[string]time.Time
	pruned time.Time
}

func (e *eventTimes) watching() bool { return e.on.Load() }

// note records an event for name at now, and forgets the events older
// than settleRecent now and then.
func (e *eventTimes) note(name string, now time.Time) {
	dir := filepath.Dir(name)
	// (A watched directory's own events, a chmod of it, name it.)
	dct, nct := ctimeOf(dir), ctimeOf(name)
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.times == nil {
		e.times, e.dirs = map[string]time.Time{}, map[string]time.Time{}
	}
	e.times[name] = now
	if !dct.IsZero() {
		e.dirs[dir] = dct
	}
	if !nct.IsZero() {
		e.dirs[name] = nct
	}
	if now.Sub(e.pruned) > settleRecent {
		for _, m := range []map[string]time.Time{e.times, e.dirs} {
			for k, t := range m {
				if now.Sub(t) > settleRecent {
					delete(m, k)
				}
			}
		}
		e.pruned = now
	}
}

// ctimeOf is the change time of the file p (fileChanged), zero if it
// cannot be read.
func ctimeOf(p string) time.Time {
	if n := fileChanged(p); n > 1 {
		return time.Unix(0, n)
	}
	return time.Time{}
}

// inDir returns the change time directory dir had when the watcher last
// heard of an event in it (or naming it), or zero.
func (e *eventTimes) inDir(dir string) time.Time {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.dirs[dir]
}

// at returns the time of the last event for name, or zero.
func (e *eventTimes) at(name string) time.Time {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.times[name]
}

// writtenJustBefore reports whether rt's file, as the request found it,
// had been written within settleRecent before the request started it
// (its modification time): a write in place in steps (`{ printf part;
// sleep; printf rest; } > script`) leaves a file that the kernel starts
// in cgi mode only once the writer closed it (ETXTBSY before, which
// settles), but that the Perl runner reads and compiles cut short at
// once.
func writtenJustBefore(rt *route, started time.Time) bool {
	return started.Sub(rt.info.ModTime()) < settleRecent
}

// quietRoute waits until what urlPath names has not changed for
// settleQuiet (at most settleMax, or until ctx ends) and resolves it
// again: settleRoute's wait for a file that resolves all along.
//
// A file that never goes quiet (saved again every few tens of
// milliseconds) is resolved just after its next change instead, as far
// as can be from the one after it: a script started at a random moment
// of such a stream could meet the next truncate as it reads itself.
func (g *Gateway) quietRoute(ctx context.Context, s *settings, urlPath string) (*route, error) {
	start := time.Now()
	t := time.NewTimer(settleStep)
	defer t.Stop()
	step := settleStep
	var busy time.Time // the last change seen once settleMax is over
	for {
		changed, _ := g.lastChange(s.mounts, urlPath, time.Time{})
		if changed.IsZero() || time.Since(changed) >= settleQuiet {
			break
		}
		if time.Since(start) >= settleMax {
			if busy.IsZero() {
				busy, step = changed, time.Millisecond
			} else if changed.After(busy) || time.Since(start) >= settleMax+settleQuiet {
				break
			}
		}
		select {
		case <-ctx.Done():
			return resolve(s.mounts, urlPath, s.isWrapped)
		case <-t.C:
		}
		t.Reset(step)
	}
	return resolve(s.mounts, urlPath, s.isWrapped)
}

// sameContent reports whether a and b are the same file with the same
// content as far as its version tells (device, inode, modification time,
// size; not the change time: a chmod is no new content).
func sameContent(a, b os.FileInfo) bool {
	va, vb := fileVersionOf(a), fileVersionOf(b)
	va.ctime, vb.ctime = 0, 0
	return va == vb
}

// scriptChanged reports whether the file of rt is no longer the version
// the route found, and changed since the script was started (since: a
// touch while a slow client sent the body, before the start, is no
// change under the start): renamed over, removed, or written.
func scriptChanged(rt *route, since time.Time) bool {
	fi, err := os.Stat(rt.file)
	if err != nil {
		return true
	}
	// (The change time alone, a chmod, is no new content: a script that
	// ran its code quickly under a chmod is not run twice.)
	if sameContent(fi, rt.info) {
		return false
	}
	now, then := fileVersionOf(fi).ctime, fileVersionOf(rt.info).ctime
	changed, inProgress := time.Unix(0, now), now == then
	// Another size under the same times: a truncate caught between its
	// size change and its times (ext4 sets them after freeing the
	// blocks), so happening right now, after the start. (A write in
	// place, `cat > script`, under load: perl or sh had read it empty.)
	return inProgress || changed.After(since.Add(-10*time.Millisecond))
}
