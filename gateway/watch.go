// watch.go follows the script directories and the config file (C31, C32).
//
// Correctness does not depend on it: every request resolves its script on
// the file system and every FastCGI pool is keyed by the script's identity
// (device, inode, mtime, size), so an added, removed or changed script is
// seen by the very next request even with no watcher at all (for example
// when the inotify watch limit is reached). The watcher makes changes
// visible without a request: it retires pools of changed or removed scripts
// at once, logs what changed, and re-applies the config file (C32).

package gateway

import (
	"crypto/sha256"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/fsnotify/fsnotify"
	"github.com/sirupsen/logrus"
	"golang.org/x/sys/unix"
)

// debounce is how long the watcher waits for a burst of events (an editor's
// write-rename-chmod, a deploy's mv) to settle before it rescans: small
// enough to fit the 1 s budget of C31. maxWait bounds the wait when events
// never settle (a script writing a counter file on every request, a log
// beside the config file): the rescan comes at most that long after the
// first event of a burst.
const (
	debounce = 100 * time.Millisecond
	maxWait  = 500 * time.Millisecond
)

// startWatch starts the watcher goroutine. A watcher that cannot start is
// logged, not fatal: requests still see every change (see the file comment).
func (g *Gateway) startWatch() error {
	w, err := fsnotify.NewWatcher()
	if err != nil {
		g.log.WithError(err).Warn("cannot watch for changes; scripts are still checked on every request, but the config file is only re-read on SIGHUP")
		s := g.settings.Load()
		g.warnUnsafe(s, g.listScripts(s), nil)
		return nil
	}
	st := newWatchState(w)
	g.addWatches(st, g.settings.Load(), false)
	keys := g.listScripts(g.settings.Load())
	for _, k := range keys {
		st.scripts[k] = true
	}
	g.warnUnsafe(g.settings.Load(), keys, st.unsafe)
	st.started = true
	g.events.on.Store(true)
	g.wg.Add(1)
	go g.watchLoop(st)
	return nil
}

// watchState is owned by the watch goroutine alone.
type watchState struct {
	w *fsnotify.Watcher
	// watched maps each watched directory to its inode when the watch was
	// added: a directory replaced under the same name (a deploy's mv of a
	// whole new version) gets a new watch.
	watched map[string]uint64
	// parents are the directories holding a mount's directory, watched
	// for that name only, so that a scripts directory moved away and
	// back, or replaced, is seen.
	parents map[string]map[string]bool
	own     map[string]bool // directories watched for their own events
	scripts map[string]bool
	started bool            // the first scan is done: directories watched from now on are new
	touched map[string]bool // files named by events since the last rescan
	// born holds the touched files whose first event since the last
	// rescan made them where libs had none, with when that event came:
	// one gone again by the rescan (a copy renamed at once, a tool's
	// staging name) was never a library a worker loaded. (A rename onto
	// an existing library's name is a Create too: libs tells them apart.)
	born map[string]time.Time
	// libs holds the Perl libraries of the watched directories as last
	// seen: listed when a directory's watch is added, kept by the rescans;
	// each with when its name came to be, at the earliest (bornSince), or
	// zero when that is not known (it was there before the watch). No
	// worker idle since before then can have loaded it (refreshLibs).
	libs map[string]time.Time
	// modes holds the files and directories whose mode or identity an
	// event may have changed (a chmod, a file renamed into place) since
	// the last rescan: the scripts at or under them are checked for
	// unsafe modes again. unsafe is what warnUnsafe last said of each
	// script, so that a script is warned of once per change, not at
	// every save.
	modes  map[string]bool
	unsafe map[string]string
	// extFiles are the files outside perl's own directories that the
	// runners said they loaded, extDirs the directories watched for
	// them alone, extTouched those of them named by events since the
	// last rescan (libwatch.go).
	extFiles, extDirs, extTouched map[string]bool
	// extAlias maps a directory watched for the scripts to the name
	// the runners give it, where they differ (libAlias).
	extAlias map[string]libAlias
	// dirty: an event since the last rescan was in (or named) a scripts
	// directory. Without one (only a log written beside the config
	// file), a rescan reads the config file and nothing else: walking a
	// big scripts tree on every write of that log would cost a core.
	dirty bool
}

// newWatchState returns the state of a watcher that has scanned nothing yet.
func newWatchState(w *fsnotify.Watcher) *watchState {
	return &watchState{w: w, scripts: map[string]bool{}, unsafe: map[string]string{}, libs: map[string]time.Time{}, born: map[string]time.Time{},
		extFiles: map[string]bool{}, extDirs: map[string]bool{}, extTouched: map[string]bool{}, extAlias: map[string]libAlias{}}
}

// addWatches watches every directory of every mount (unless configOnly),
// and the directory of the config file (editors replace files by renaming
// over them).
func (g *Gateway) addWatches(st *watchState, s *settings, configOnly bool) {
	if st.watched == nil {
		st.watched, st.parents = map[string]uint64{}, map[string]map[string]bool{}
	}
	st.own = map[string]bool{}
	add := func(dir string, parent bool) {
		if !parent {
			st.own[dir] = true
		}
		ino := inodeOf(dir)
		if ino == 0 {
			return // gone meanwhile
		}
		if old, ok := st.watched[dir]; ok {
			if old == ino {
				return
			}
			_ = st.w.Remove(dir) // another directory now has this name
		}
		_, before := st.watched[dir]
		if err := st.w.Add(dir); err != nil {
			delete(st.watched, dir)
			if parent {
				// Then only a scripts directory moved as a whole goes
				// unseen; requests still see it (file comment).
				g.log.WithError(err).WithField("dir", dir).Debug("cannot watch the directory holding a scripts directory")
				return
			}
			g.log.WithError(err).WithField("dir", dir).Warn("cannot watch directory; changes there are seen per request only")
			return
		}
		st.watched[dir] = ino
		if !parent && !before {
			// Its Perl libraries (libs). In a directory new since the
			// last scan, what was written before its watch existed sent
			// no event: its libraries count as changed (a lib/ made and
			// filled, then edited, at once: workers that loaded the first
			// version retire).
			if ents, err := os.ReadDir(dir); err == nil {
				for _, e := range ents {
					p := filepath.Join(dir, e.Name())
					if e.IsDir() || !isPerlLib(p) {
						continue
					}
					st.libs[p] = time.Time{}
					if st.started {
						if st.touched == nil {
							st.touched = map[string]bool{}
						}
						st.touched[p] = true
					}
				}
			}
		}
	}
	watchParent := func(dir string) {
		parent := filepath.Dir(dir)
		if st.parents[parent] == nil {
			st.parents[parent] = map[string]bool{}
		}
		st.parents[parent][filepath.Base(dir)] = true
	}
	for _, m := range s.mounts {
		watchParent(m.dir)
	}
	// The config file's directory, and, for a symbolic link, its
	// target's: an edit of the file the link names (a config kept in a
	// checkout) is an event there. Their parents too, for a directory
	// replaced as a whole.
	var configDirs []string
	if g.cfg.ConfigFile != "" {
		if abs, err := filepath.Abs(g.cfg.ConfigFile); err == nil {
			configDirs = append(configDirs, filepath.Dir(abs))
			if real, err := filepath.EvalSymlinks(abs); err == nil && filepath.Dir(real) != filepath.Dir(abs) {
				configDirs = append(configDirs, filepath.Dir(real))
			}
		}
	}
	for _, d := range configDirs {
		watchParent(d)
	}
	for parent := range st.parents {
		add(parent, true)
	}
	for _, m := range s.mounts {
		if configOnly {
			break
		}
		// (The directory the mount's path leads to: a scripts directory
		// that is a symlink, `current -> releases/r1`, is walked too.
		// Its events are named back under the mount's path: mountPath.)
		root := m.root()
		_ = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err != nil || !d.IsDir() {
				return nil
			}
			if p != root && strings.HasPrefix(d.Name(), ".") {
				return filepath.SkipDir
			}
			add(p, false)
			return nil
		})
	}
	for _, d := range configDirs {
		add(d, false)
	}
}

func (g *Gateway) watchLoop(st *watchState) {
	defer g.wg.Done()
	defer st.w.Close()
	defer g.events.on.Store(false)
	timer := time.NewTimer(time.Hour)
	timer.Stop()
	var burst time.Time // the first event since the last rescan
	settle := func() {
		now := time.Now()
		if burst.IsZero() {
			burst = now
		}
		timer.Reset(min(debounce, max(0, maxWait-now.Sub(burst))))
	}
	for {
		select {
		case <-g.ctx.Done():
			return
		case ev, ok := <-st.w.Events:
			if !ok {
				return
			}
			if lib, only := g.libEvent(st, ev); only {
				if lib {
					settle()
				}
				continue
			} else if lib {
				settle()
			}
			dir := filepath.Dir(ev.Name)
			if names, ok := st.parents[dir]; ok && !names[filepath.Base(ev.Name)] && !st.ownDir(dir) {
				continue // a neighbour of a scripts directory
			}
			g.log.WithFields(logrus.Fields{"file": ev.Name, "op": ev.Op.String()}).Debug("file event")
			if _, ok := st.watched[ev.Name]; ok && ev.Op&(fsnotify.Remove|fsnotify.Rename) != 0 {
				// A watched directory moved or went away: watched again
				// at the rescan if something is back under its name. So
				// are its subdirectories, which went with it: what is
				// under their names then is new (a release moved into
				// place, hard links and all), its Perl libraries too.
				delete(st.watched, ev.Name)
				prefix := ev.Name + string(filepath.Separator)
				for d, ino := range st.watched {
					// (One a rescan already watches again, under the
					// name's new directory, stays.)
					if strings.HasPrefix(d, prefix) && inodeOf(d) != ino {
						delete(st.watched, d)
						_ = st.w.Remove(d)
					}
				}
				// A directory holding a scripts directory (a release
				// swapped in above it, /srv/app/cgi): the scripts tree
				// went with it, and the rescan walks the new one.
				for _, m := range g.settings.Load().mounts {
					if strings.HasPrefix(m.dir, prefix) {
						st.dirty = true
						break
					}
				}
			}
			ev.Name = mountPath(g.settings.Load(), ev.Name)
			g.events.note(ev.Name, time.Now())
			if !st.dirty {
				for _, m := range g.settings.Load().mounts {
					if within(m.dir, ev.Name) {
						st.dirty = true
						break
					}
				}
			}
			if ev.Op&(fsnotify.Chmod|fsnotify.Create) != 0 {
				if st.modes == nil {
					st.modes = map[string]bool{}
				}
				st.modes[ev.Name] = true
			}
			if isPerlLib(ev.Name) {
				if st.touched == nil {
					st.touched = map[string]bool{}
				}
				if _, known := st.libs[ev.Name]; !st.touched[ev.Name] && ev.Op&fsnotify.Create != 0 && !known {
					st.born[ev.Name] = time.Now()
				}
				st.touched[ev.Name] = true
			}
			settle()
		case err, ok := <-st.w.Errors:
			if !ok {
				return
			}
			g.log.WithError(err).Warn("file watcher error; rescanning")
			st.dirty = true
			settle()
		case <-g.libNotes.ready:
			if g.watchLibs(st, g.libNotes.take()) {
				settle()
			}
		case <-timer.C:
			burst = time.Time{}
			g.rescan(st)
		}
	}
}

// mountPath names a file under a mount's resolved directory (a symlinked
// scripts directory's target, where the watches are) under the mount's
// own path, as requests and scripts' keys name it.
func mountPath(s *settings, name string) string {
	for _, m := range s.mounts {
		if m.real != "" && m.real != m.dir && within(m.real, name) && !within(m.dir, name) {
			return m.dir + strings.TrimPrefix(name, strings.TrimSuffix(m.real, "/"))
		}
	}
	return name
}

// rescan applies what changed since the last scan: config first, then
// scripts, then new directories.
func (g *Gateway) rescan(st *watchState) {
	reloaded := false
	if g.configUnread() {
		if err := g.Reload(); err != nil {
			g.log.WithError(err).Error("config change rejected; kept the previous config (tried again when the file is written or touched, or on SIGHUP)")
		} else {
			reloaded = true
		}
	}
	if st.dirty && !reloaded {
		if m := relinked(g.settings.Load()); m != nil {
			// A deploy switched the link (`ln -sfn releases/r2 current`):
			// the link's target is where scripts are confined, walked
			// and watched.
			if err := g.reload("scripts directory " + m.dir + " now leads to another directory"); err != nil {
				g.log.WithError(err).Error("scripts directory link changed, but the config is rejected; kept the previous one")
			} else {
				reloaded = true
			}
		}
	}
	s := g.settings.Load()
	if !st.dirty && !reloaded {
		g.addWatches(st, s, true)
		return
	}
	st.dirty = false
	g.addWatches(st, s, false)
	now := map[string]bool{}
	var check []string
	for _, k := range g.listScripts(s) {
		now[k] = true
		if !st.scripts[k] {
			g.log.WithField("script", k).Info("script added")
			check = append(check, k)
		} else if st.modes != nil && st.modeChanged(s, k) {
			check = append(check, k)
		}
	}
	st.modes = nil
	g.warnUnsafe(s, check, st.unsafe)
	for k := range st.scripts {
		if !now[k] {
			g.log.WithField("script", k).Info("script removed")
			delete(st.unsafe, k)
		}
	}
	old := st.scripts
	st.scripts = now
	g.pools.prune(s)
	// (Workers of a release a switched symlink no longer leads to go, in
	// every mount and subdirectory: a release made with hard links, cp
	// -al or rsync --link-dest, has the same script files.)
	g.pools.dropMoved(s)
	g.refreshLibs(st, s, old)
	g.warmPools()
}

// relinked returns a mount whose directory now resolves to another
// directory than when the settings were made (a symlink switched), or nil.
func relinked(s *settings) *mount {
	for _, m := range s.mounts {
		if real, err := filepath.EvalSymlinks(m.dir); err == nil && real != m.real {
			return m
		}
	}
	return nil
}

// modeChanged reports whether an event since the last rescan may have
// changed the mode of script k: its file, or a directory on its way from
// its mount's directory, was chmod-ed or renamed into place.
func (st *watchState) modeChanged(s *settings, k string) bool {
	m, _, file := s.keyFile(k)
	if m == nil {
		return false
	}
	for p := file; within(m.dir, p); p = filepath.Dir(p) {
		if st.modes[p] {
			return true
		}
		if p == m.dir {
			break
		}
	}
	return false
}

// ownDir reports whether dir is watched for its own sake (a directory of a
// mount, the config file's), not only as a mount's parent.
func (st *watchState) ownDir(dir string) bool { return st.own[dir] }

// inodeOf returns a directory's inode, or 0 if it cannot be read.
func inodeOf(dir string) uint64 {
	fi, err := os.Stat(dir)
	if err != nil {
		return 0
	}
	return inodeOfInfo(fi)
}

// inodeOfInfo is inodeOf from a stat already made.
func inodeOfInfo(fi os.FileInfo) uint64 {
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		return st.Ino
	}
	return 1
}

// isPerlLib reports whether a file name looks like a Perl library: a
// module, or a file of subs a script requires.
func isPerlLib(name string) bool {
	switch filepath.Ext(name) {
	case ".pm", ".pl", ".ph", ".pli":
		return true
	}
	return false
}

// refreshLibs retires the Perl runner pools of a mount when a library
// under its directory changed (a module a script loads with `use lib`):
// the runner keeps loaded modules across requests, so new code needs new
// workers, as Plack's -R or Apache2::Reload give. A changed script is not
// a library (its own pool is replaced by prune), but for a .pm, executable
// or not. Libraries elsewhere stay loaded until the workers recycle.
//
// Only the pools that may have loaded the library retire: a library that
// came to be while the gateway watched (a new .pl an editor saves before
// its chmod +x makes it a script, a module just added) cannot be in the
// %INC of a worker that has run nothing since, and a warm worker of
// another script keeps its compilation. That takes no measure per
// request: the pool knows when each worker last served one. A script whose
// class came from the library (fastcgi.Class.Libraries: it requires it by
// a literal name) is classified again, its pool retired or its
// per-request entry dropped, workers or not.
func (g *Gateway) refreshLibs(st *watchState, s *settings, before map[string]bool) {
	if len(st.touched) == 0 && len(st.extTouched) == 0 {
		return
	}
	type change struct {
		name  string
		since time.Time // fastcgi.Pool.UsedSince
	}
	changed := map[*mount][]change{}
	var libs []string // every library touched, symlinks resolved (realPath)
	for name := range st.touched {
		fi, lerr := os.Lstat(name)
		gone := errors.Is(lerr, fs.ErrNotExist)
		since := st.libs[name]
		firstAt, born := st.born[name]
		if born {
			since = bornSince(name, firstAt)
		}
		if gone {
			delete(st.libs, name)
			if born {
				continue // made and gone again since the last rescan
			}
		} else {
			st.libs[name] = since
		}
		libs = append(libs, realPath(name))
		for _, m := range s.mounts {
			if !within(m.dir, name) {
				continue
			}
			rel, err := filepath.Rel(m.dir, name)
			if err != nil {
				break
			}
			if k := scriptKey(m, filepath.ToSlash(rel)); (st.scripts[k] || before[k] || lerr == nil && missedScript(fi, rel)) && !strings.HasSuffix(name, ".pm") {
				// A script (or one just removed): prune dealt with its
				// pool. A .pm is a module whatever its mode: legacy
				// cgi-bin trees are often chmod -R 755.
				break
			}
			changed[m] = append(changed[m], change{name, since})
			break
		}
	}
	for name := range st.extTouched {
		libs = append(libs, realPath(name))
	}
	clear(st.touched)
	clear(st.born)
	clear(st.extTouched)
	if len(libs) == 0 {
		return
	}
	g.pools.drainWhy(func(key string, e *poolEntry) string {
		// A library the script requires by a literal name may have
		// changed what it is (fastcgi.Classify: an exec put in, or
		// taken out), whether or not a worker has loaded it: an
		// executable library or one outside its mount too.
		for _, l := range e.class.Libraries {
			if l = realPath(l); slices.Contains(libs, l) {
				return "a library it requires changed: " + l
			}
		}
		if e.kind != "perl" {
			return ""
		}
		// A library one of its workers said it loaded (outside
		// perl's own directories: libwatch.go).
		for _, l := range libs {
			if e.pool != nil && e.pool.Loaded(l) {
				return "Perl library changed: " + l
			}
		}
		for _, l := range changed[s.mountFor(key)] {
			if e.pool.UsedSince(l.since) {
				return "Perl library changed: " + l.name
			}
		}
		return ""
	})
}

// realPath is p with the symlinks of its directory resolved, or p where
// that fails: a library's name as the watcher gives it and as a script
// requires it meet there.
func realPath(p string) string {
	if dir, err := filepath.EvalSymlinks(filepath.Dir(p)); err == nil {
		return filepath.Join(dir, filepath.Base(p))
	}
	return p
}

// bornSlack is how long before its first event came a new file may have
// been made: the event waits while a rescan holds the watcher, and on a
// loaded machine.
const bornSlack = debounce

// bornSince returns when a file whose name was new at firstAt (its first
// event) came to be, at the earliest: the file's birth time where the file
// system keeps one (statx; before the event, however late the event came),
// or bornSlack before the event, whichever is earlier (an editor's file
// renamed over the new one was born after it).
func bornSince(name string, firstAt time.Time) time.Time {
	since := firstAt.Add(-bornSlack)
	var stx unix.Statx_t
	if unix.Statx(unix.AT_FDCWD, name, unix.AT_SYMLINK_NOFOLLOW, unix.STATX_BTIME, &stx) == nil && stx.Mask&unix.STATX_BTIME != 0 {
		if b := time.Unix(stx.Btime.Sec, int64(stx.Btime.Nsec)); b.Before(since) {
			since = b
		}
	}
	return since
}

// missedScript tells whether a file (fi, rel under its mount's
// directory) that the rescan did not list is an executable regular file
// outside dot-files and dot-directories all the same: a script the walk
// missed (it read the directory just before a rename brought the file
// in), which the next rescan lists; not a library.
func missedScript(fi fs.FileInfo, rel string) bool {
	return fi.Mode().IsRegular() && fi.Mode()&0o111 != 0 && !hidden(filepath.ToSlash(rel)) && !backupName(filepath.Base(rel))
}

// configSum fingerprints the config file's content.
func (g *Gateway) configSum() [32]byte { return fileSum(g.cfg.ConfigFile) }

// configUnread reports whether the config file's content is not the one
// last read (by New, a reload of the watcher's, SIGHUP's), or is one a
// reload refused and the file was written or touched since.
func (g *Gateway) configUnread() bool {
	sum := g.configSum()
	g.reloadMu.Lock()
	defer g.reloadMu.Unlock()
	return sum != g.configRead || g.configRefused != 0 && fileChanged(g.cfg.ConfigFile) != g.configRefused
}

// fileChanged is a file's last change (its inode's change time, which a
// write, a touch or a rename onto its name sets), in nanoseconds; 1 when
// it cannot be read (never 0, which says "not refused").
func fileChanged(name string) int64 {
	var st syscall.Stat_t
	if name == "" || syscall.Stat(name, &st) != nil {
		return 1
	}
	return max(st.Ctim.Nano(), 1)
}

// fileSum fingerprints a file's content (zero for no file, another
// constant when it cannot be read).
func fileSum(name string) [32]byte {
	if name == "" {
		return [32]byte{}
	}
	b, err := os.ReadFile(name)
	if err != nil {
		return [32]byte{1}
	}
	return sha256.Sum256(b)
}
