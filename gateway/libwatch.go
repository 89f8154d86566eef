package gateway

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/fsnotify/fsnotify"
	"github.com/menshen/menshen/fastcgi"
	"github.com/sirupsen/logrus"
	"golang.org/x/sys/unix"
)

// The Perl runner keeps what a script loaded, so an edit of a module the
// script takes from outside its scripts directory (`use lib
// "$Bin/../lib"`, `require "/srv/app/lib.pl"`, a PERL5LIB tree) would
// not be seen until its workers recycled, where a new CGI process loads
// the new code. Its workers say which files they loaded from outside
// perl's own directories (fastcgi.PoolConfig.OnLibraries); the watcher
// watches their directories and retires the pools that loaded a file
// that changed (refreshLibs, fastcgi.Pool.Loaded). A file edited between
// its load and its directory's watch (a few milliseconds after the first
// request that loaded it) has its change time after the start of the
// worker that loaded it (fastcgi.Library.Since): the watcher looks at it
// once the watch is in place (changedSince), and that is a change too.
// (One edited after that start but before the load is taken as one as
// well: its pool is retired once, needlessly.) A library directory moved
// as a whole in that moment is not seen: its files keep their times.

// maxLibDirs bounds the directories watched for the runners' libraries
// (each an inotify watch).
const maxLibDirs = 1000

// libNotes carries the files the runners loaded to the watch goroutine.
type libNotes struct {
	mu    sync.Mutex
	libs  []fastcgi.Library
	ready chan struct{} // holds one token while libs is not empty
}

// note queues libraries for the watcher. It never blocks.
func (n *libNotes) note(libs []fastcgi.Library) {
	n.mu.Lock()
	n.libs = append(n.libs, libs...)
	n.mu.Unlock()
	select {
	case n.ready <- struct{}{}:
	default:
	}
}

// take returns the queued libraries and empties the queue.
func (n *libNotes) take() []fastcgi.Library {
	n.mu.Lock()
	defer n.mu.Unlock()
	l := n.libs
	n.libs = nil
	return l
}

// onLibraries is the pools' fastcgi.PoolConfig.OnLibraries.
func (g *Gateway) onLibraries(libs []fastcgi.Library) {
	if g.events.on.Load() {
		g.libNotes.note(libs)
	}
}

// watchLibs watches the directories of libraries the runners loaded:
// a module's, and those above it up to its lib (/srv/app/lib/My and
// /srv/app/lib for /srv/app/lib/My/Auth.pm), whose move or removal as a
// whole (a deploy's mv of a new lib) is a change of every library under
// it. A directory the watcher has for the scripts or the config sends its
// events already.
// It reports whether one of them changed since a worker loaded it
// (changedSince), which it takes as an event of the file's.
func (g *Gateway) watchLibs(st *watchState, libs []fastcgi.Library) bool {
	changed := false
	for _, l := range libs {
		st.extFiles[l.File] = true
		for dir := filepath.Dir(l.File); ; dir = filepath.Dir(dir) {
			g.watchLibDir(st, dir, l.File)
			if l.Root == "" || dir == l.Root || !within(l.Root, dir) {
				break
			}
		}
		if changedSince(l.File, l.Since) {
			g.log.WithField("file", l.File).Debug("library changed since a worker that loaded it started")
			st.extTouched[l.File] = true
			st.dirty = true
			changed = true
		}
	}
	return changed
}

// ctimeSlack is how much earlier than a change its file's change time
// may say: the kernel stamps most changes with a clock that is read
// once a tick (up to 10 ms behind).
const ctimeSlack = 20 * time.Millisecond

// changedSince tells whether the file's status (its contents, its name:
// a new file renamed over it) changed at since or after, as far as its
// change time tells: not its modification time, which a deploy's copy
// keeps from the source. A file gone is changed, as a new process
// would not find it.
func changedSince(file string, since time.Time) bool {
	if since.IsZero() {
		return false
	}
	var st unix.Stat_t
	if err := unix.Stat(file, &st); err != nil {
		return errors.Is(err, unix.ENOENT)
	}
	return !time.Unix(st.Ctim.Unix()).Before(since.Add(-ctimeSlack))
}

// watchLibDir watches one directory of libraries (watchLibs).
func (g *Gateway) watchLibDir(st *watchState, dir, file string) {
	if _, ok := st.watched[dir]; ok || st.extDirs[dir] {
		return
	}
	if name, ino := st.watchedAs(dir); name != "" {
		// The same directory, watched for the scripts under another
		// name: the directory holding a symlinked scripts directory
		// (current for releases/r1, where a script's require
		// "$Bin/../lib.pl" is). inotify has one watch for it, whose
		// events come under that name (libEvent); a watch added under
		// this one would be that one again.
		st.extAlias[name] = libAlias{dir: dir, ino: ino}
		return
	}
	if len(st.extDirs) >= maxLibDirs {
		g.log.WithField("file", file).Debug("too many library directories watched; a change of this one is seen when the workers recycle")
		return
	}
	if err := st.w.Add(dir); err != nil {
		g.log.WithError(err).WithField("dir", dir).Warn("cannot watch a directory of Perl libraries; their changes are seen when the workers recycle")
		return
	}
	st.extDirs[dir] = true
}

// libAlias is a directory of libraries that the watcher watches under
// another name (watchLibDir), with the inode it had then.
type libAlias struct {
	dir string
	ino uint64
}

// watchedAs returns the name under which the watcher already watches
// dir, by another name (a path through a symbolic link), and its inode;
// or "".
func (st *watchState) watchedAs(dir string) (string, uint64) {
	fi, err := os.Stat(dir)
	if err != nil {
		return "", 0
	}
	ino := inodeOfInfo(fi)
	for name, wino := range st.watched {
		if wino != ino || name == dir {
			continue
		}
		if wfi, err := os.Stat(name); err == nil && os.SameFile(fi, wfi) {
			return name, ino
		}
	}
	return "", 0
}

// libName is the name under which the runners announced the file an
// event names: the event's, or, in a directory watched under another
// name (libAlias), that directory's name for it.
func (st *watchState) libName(name string) string {
	dir := filepath.Dir(name)
	if a, ok := st.extAlias[dir]; ok && st.watched[dir] == a.ino {
		return filepath.Join(a.dir, filepath.Base(name))
	}
	return name
}

// libEvent takes note of an event about a library a runner loaded (the
// file, or a directory of them moved or deleted as a whole: every such
// library under it), for refreshLibs: lib reports that it was one. only
// reports that the event is for a directory watched only for such
// libraries: it concerns nothing else.
func (g *Gateway) libEvent(st *watchState, ev fsnotify.Event) (lib, only bool) {
	dir := filepath.Dir(ev.Name)
	only = (st.extDirs[dir] || st.extDirs[ev.Name]) && !st.ownDir(dir) && st.parents[dir] == nil
	touch := func(f string) {
		st.extTouched[f] = true
		st.dirty = true
		lib = true
	}
	if name := st.libName(ev.Name); st.extFiles[name] {
		g.log.WithFields(logrus.Fields{"file": name, "op": ev.Op.String()}).Debug("library event")
		touch(name)
	}
	if st.extDirs[ev.Name] && ev.Op&(fsnotify.Remove|fsnotify.Rename) != 0 {
		prefix := ev.Name + string(filepath.Separator)
		for f := range st.extFiles {
			if strings.HasPrefix(f, prefix) {
				touch(f)
			}
		}
		for d := range st.extDirs {
			if d == ev.Name || strings.HasPrefix(d, prefix) {
				// Watched again when a new worker says it loaded
				// something there.
				delete(st.extDirs, d)
				_ = st.w.Remove(d)
			}
		}
	}
	return lib, only
}
