// route.go maps a URL path to a script file, refusing anything that would
// execute or disclose what it should not (C2, C3).

package gateway

import (
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"

	"golang.org/x/sys/unix"
)

// Routing errors; statusFor maps them to 404 and 403.
var (
	ErrNotFound      = errors.New("gateway: no such script")
	ErrNotExecutable = errors.New("gateway: script is not executable")
	// ErrNoAccess: a directory on the way to the script cannot be
	// searched by menshen's user (403, as Apache answers).
	ErrNoAccess = errors.New("gateway: permission denied on the way to the script (a directory menshen's user cannot search)")
	// ErrDirectorySlash: a directory that has an index script, named
	// without its trailing slash (301 to the name with it, as Apache's
	// mod_dir answers: the page's relative links are then its own).
	ErrDirectorySlash = errors.New("gateway: a directory named without its trailing slash")
)

// The 404s of names that are there and never served (C3): the client
// gets the answer of a missing script, which discloses nothing; the log
// says why, so that an operator who mounted a directory of links (Debian's
// /usr/lib/cgi-bin) or a backup copy is not left guessing.
var (
	errDotName    = fmt.Errorf("%w: a dot-file or dot-directory on the path (never served)", ErrNotFound)
	errLinkOut    = fmt.Errorf("%w: a symlink on the path leads out of the scripts directory, or nowhere (never served)", ErrNotFound)
	errBackupName = fmt.Errorf("%w: an editor's backup or a package manager's old copy (never served)", ErrNotFound)
	errNotRegular = fmt.Errorf("%w: not a regular file (a FIFO, socket or device: never run)", ErrNotFound)
)

// dirIndex names the scripts that answer for their directory, in the
// order of the DirectoryIndex of Debian's Apache (its index.html and
// other static pages aside: this is a directory of programs). A request
// for the directory runs the first that is there.
var dirIndex = [...]string{"index.cgi", "index.pl", "index.php"}

// mount is one URL prefix served from one directory.
type mount struct {
	prefix string // ends in "/"
	dir    string // absolute
	real   string // dir with symlinks resolved: the confinement root
	mode   Mode   // "" = the default mode
	main   bool   // the --scripts/--prefix mount
	local  bool   // dir is on a local file system: lstatFast may be used
}

// root is the directory to walk for the mount's files: dir with symlinks
// resolved (filepath.WalkDir does not enter a root that is a symlink:
// `cgi-bin -> releases/r1` would list nothing).
func (m *mount) root() string {
	if m.real != "" {
		return m.real
	}
	return m.dir
}

// reaches reports whether a resolved path (a symlink's target) may be
// served from the mount: it is inside the mount's directory, and not a
// dot-file nor in a dot-directory there (`hid -> .hidden`: what a link
// leads to is as hidden as its target, C3). The directory is m.real; when
// a deploy has just switched a symlinked scripts directory to another
// release, and the watcher has not yet rebuilt the settings, it is where
// the directory leads now.
func (m *mount) reaches(real string) bool {
	root := m.real
	if !within(root, real) {
		now, err := filepath.EvalSymlinks(m.dir)
		if err != nil || now == m.real || !within(now, real) {
			return false
		}
		root = now
	}
	rel, err := filepath.Rel(root, real)
	return err == nil && !hidden(rel)
}

// hidden tells whether the relative path rel has a dot-file or
// dot-directory segment ("." itself is none).
func hidden(rel string) bool {
	return slices.ContainsFunc(strings.Split(rel, "/"), func(seg string) bool { return seg != "." && strings.HasPrefix(seg, ".") })
}

// backupName tells whether a file's name is an editor's or a package
// manager's leftover beside a script: a backup (`report.pl~`, `.bak`,
// `.orig`), an Emacs auto-save (`#report.pl#`), a vim swap file, a
// patch's rejects, a dpkg or rpm copy of a changed file. Such a copy
// keeps the execute bit of the script it copies, and the old version,
// with the bug since fixed, would run (lighttpd's default configuration
// denies "~" for that): it is as hidden as a dot-file (C3), never run nor
// listed.
func backupName(name string) bool {
	if strings.HasSuffix(name, "~") || len(name) > 2 && name[0] == '#' && name[len(name)-1] == '#' {
		return true
	}
	switch path.Ext(name) {
	case ".bak", ".orig", ".rej", ".swp", ".swo", ".swx",
		".dpkg-old", ".dpkg-new", ".dpkg-dist", ".dpkg-bak", ".rpmsave", ".rpmnew", ".rpmorig":
		return true
	}
	return false
}

// lstat is os.Lstat, or lstatFast on a local file system.
func (m *mount) lstat(p string) (fs.FileInfo, error) {
	if m.local {
		return lstatFast(p)
	}
	return os.Lstat(p)
}

// route is a resolved request: which script runs and with what PATH_INFO.
type route struct {
	mount *mount
	rel   string // slash path of the script under mount.dir
	key   string // the script's name in modes, config and stats
	file  string // absolute path of the script under mount.dir
	// exec is the path to run: file, or, when the walk went through a
	// symlink, file with every symlink resolved (checked to be inside the
	// mount), so that a symlink swapped after the check cannot make an
	// outside file run (C3).
	exec       string
	scriptName string // URL path of the script (decoded)
	pathInfo   string // decoded rest of the path, "" if none
	info       fs.FileInfo
}

// nph reports whether the script is an NPH one (C7): its name starts
// with "nph-".
func (rt *route) nph() bool { return strings.HasPrefix(filepath.Base(rt.file), "nph-") }

// nphReason is why an nph- script is served per request in fastcgi mode,
// as status says.
const nphReason = "nph- script: it writes the whole HTTP response itself, so it runs per request as in cgi mode (C7)"

// scriptKey names a script: its path under the main directory, or, for
// another mount, its URL path ("/legacy/x.pl").
func scriptKey(m *mount, rel string) string {
	if m.main {
		return rel
	}
	return m.prefix + rel
}

// mountOf returns the mount a cleaned URL path is under (mounts are in
// longest-prefix order), or nil.
func mountOf(mounts []*mount, clean string) *mount {
	for _, m := range mounts {
		if underPrefix(clean, m.prefix) {
			return m
		}
	}
	return nil
}

// underPrefix is strings.HasPrefix(clean+"/", prefix), without building
// clean+"/" on every request.
func underPrefix(clean, prefix string) bool {
	if len(clean) >= len(prefix) {
		return clean[:len(prefix)] == prefix
	}
	return len(prefix) == len(clean)+1 && prefix[len(clean)] == '/' && prefix[:len(clean)] == clean
}

// splitSegs appends to dst the parts of s between slashes: for a non-empty
// s, strings.Split(s, "/") without allocating where dst has room.
func splitSegs(dst []string, s string) []string {
	for {
		i := strings.IndexByte(s, '/')
		if i < 0 {
			return append(dst, s)
		}
		dst = append(dst, s[:i])
		s = s[i+1:]
	}
}

// cleanPath is path.Clean("/" + urlPath), without the concatenation for a
// path that starts with a slash (a run of leading slashes cleans to one).
func cleanPath(urlPath string) string {
	if strings.HasPrefix(urlPath, "/") {
		return path.Clean(urlPath)
	}
	return path.Clean("/" + urlPath)
}

// joinName is filepath.Join(dir, name). For a clean absolute dir and a
// name that is one plain segment (no slash, not "", "." or ".."), as on
// resolve's walk, that is dir + "/" + name, built without Join's Clean of
// the whole path; anything else goes to Join.
func joinName(dir, name string) string {
	if !plainName(name) || !cleanAbs(dir) {
		return filepath.Join(dir, name)
	}
	if dir == "/" {
		return "/" + name
	}
	return dir + "/" + name
}

// plainName reports whether name is one path segment that Clean keeps as
// it is: not empty, not "." or "..", no slash.
func plainName(name string) bool {
	return name != "" && name != "." && name != ".." && strings.IndexByte(name, '/') < 0
}

// cleanAbs reports whether dir is an absolute path that filepath.Clean
// returns unchanged: "/", or slash-separated plain names with no trailing
// slash.
func cleanAbs(dir string) bool {
	if dir == "/" {
		return true
	}
	if len(dir) < 2 || dir[0] != '/' || dir[len(dir)-1] == '/' {
		return false
	}
	start := 1
	for i := 1; i <= len(dir); i++ {
		if i < len(dir) && dir[i] != '/' {
			continue
		}
		seg := dir[start:i]
		if seg == "" || seg == "." || seg == ".." {
			return false
		}
		start = i + 1
	}
	return true
}

// resolve finds the script for a decoded URL path. The path is cleaned
// first; if the cleaned path leaves the prefix, if any segment is a dot-file
// or dot-directory, or if a symlink leads out of the mount's directory, the
// answer is ErrNotFound, exactly as for a missing file, so nothing about the
// outside is disclosed (C3, CVE-2021-41773). The walk goes segment by
// segment: the first regular file is the script, the rest is PATH_INFO (C2).
// A path that ends at a directory runs its index script (dirIndex), as
// Apache's mod_dir does; named without the trailing slash, it is
// ErrDirectorySlash; a directory without one is ErrNotFound (C3).
// A backslash is an ordinary character of a name, as on Linux and in
// Apache there (git allows back\slash.txt, and cgit links to it); a NUL
// is 404, as in Apache.
func resolve(mounts []*mount, urlPath string, wrapped func(string) bool) (*route, error) {
	if strings.IndexByte(urlPath, 0) >= 0 {
		return nil, ErrNotFound
	}
	clean := cleanPath(urlPath)
	// The path names a directory when it ends in a slash, or in a "." or
	// ".." segment, which RFC 3986 resolves to one (/x.pl/a/.. is
	// /x.pl/a/: PATH_INFO "/a/", as in Apache).
	slash := strings.HasSuffix(urlPath, "/") || strings.HasSuffix(urlPath, "/.") || strings.HasSuffix(urlPath, "/..")
	trailing := slash && clean != "/"
	m := mountOf(mounts, clean)
	if m == nil {
		return nil, ErrNotFound
	}
	if !slash && len(m.prefix) == len(clean)+1 && len(mounts) > 1 { // clean+"/" == m.prefix (mountOf)
		// The path is a mount's prefix without its slash (/cgi-bin/x.sh
		// for a mount at /cgi-bin/x.sh/): Apache's Alias with a trailing
		// slash does not take it, so what a shorter prefix has of that
		// name is served (the script x.sh of the scripts directory).
		// Only where that has nothing is it the mount's directory, named
		// without its slash (a 301 to the prefix).
		outer := slices.DeleteFunc(slices.Clone(mounts), func(o *mount) bool { return o == m })
		if rt, err := resolve(outer, urlPath, wrapped); !errors.Is(err, ErrNotFound) {
			return rt, err
		}
	}
	// strings.TrimSuffix(strings.TrimPrefix(clean+"/", m.prefix), "/"),
	// clean+"/" having m.prefix (mountOf): the rest of clean past it.
	rest := ""
	if len(clean) > len(m.prefix) {
		rest = clean[len(m.prefix):]
	}
	// The segments and the key's parts live in arrays on the stack for
	// a path of up to 8 segments (every request splits one).
	var segBuf, keyBuf [8]string
	segs := segBuf[:0]
	if rest != "" {
		segs = splitSegs(segs, rest)
	}
	dir := m.dir
	linked := false
	// The script's key (its pool, its settings, its counters) is its path
	// from the mount, except under a link to a directory that holds the
	// link (`compat -> .`, `sub/up -> ..`): every path through such a loop
	// would else be a script of its own, with a pool of workers each, and
	// escape the settings of its real name. Such a link's part of the path
	// is replaced by where it leads.
	keySegs := keyBuf[:0]
	for i, seg := range segs {
		if seg == "" {
			return nil, ErrNotFound
		}
		if seg[0] == '.' {
			return nil, errDotName
		}
		p := joinName(dir, seg)
		li, err := m.lstat(p)
		if err != nil {
			if errors.Is(err, fs.ErrPermission) {
				return nil, ErrNoAccess
			}
			return nil, ErrNotFound
		}
		fi, real, err := m.follow(p, li)
		if err != nil {
			return nil, err
		}
		linked = linked || real != ""
		switch {
		case fi.IsDir():
			if loop, ok := loopKey(m, dir, p, li); ok {
				keySegs = append(keySegs[:0], loop...)
			} else {
				keySegs = append(keySegs, seg)
			}
			dir = p
			continue
		case !fi.Mode().IsRegular():
			return nil, errNotRegular
		case backupName(seg):
			return nil, errBackupName
		}
		r := m.scriptRoute(segs[:i+1], append(keySegs, seg), p, fi, linked, real, clean)
		if r == nil {
			return nil, errLinkOut
		}
		switch {
		case i+1 < len(segs):
			r.pathInfo = "/" + strings.Join(segs[i+1:], "/")
			if trailing {
				r.pathInfo += "/"
			}
		case trailing:
			r.pathInfo = "/" // script.sh/ has PATH_INFO "/", as in Apache
		}
		return r, runnable(r, wrapped)
	}
	for _, name := range dirIndex {
		p := joinName(dir, name)
		li, err := m.lstat(p)
		if err != nil {
			continue
		}
		fi, real, err := m.follow(p, li)
		if err != nil || !fi.Mode().IsRegular() {
			continue
		}
		if !slash {
			return nil, ErrDirectorySlash
		}
		r := m.scriptRoute(append(segs[:len(segs):len(segs)], name), append(keySegs, name), p, fi, linked, real, clean)
		if r == nil {
			continue
		}
		return r, runnable(r, wrapped)
	}
	return nil, ErrNotFound // a directory without a script
}

// follow returns what the path p (lstat li) is: li itself, or, for a
// symlink, what it leads to, and then real, p with every symlink
// resolved ("" for no symlink). A symlink that leads nowhere or out of
// the mount is errLinkOut (C3), one to a backup's name errBackupName.
func (m *mount) follow(p string, li fs.FileInfo) (fi fs.FileInfo, real string, err error) {
	if li.Mode()&fs.ModeSymlink == 0 {
		return li, "", nil
	}
	real, err = filepath.EvalSymlinks(p)
	if err != nil || !m.reaches(real) {
		return nil, "", errLinkOut
	}
	if fi, err = os.Stat(real); err != nil {
		return nil, "", errLinkOut
	}
	if !fi.IsDir() && backupName(filepath.Base(real)) {
		return nil, "", errBackupName
	}
	return fi, real, nil
}

// scriptRoute is the route of the regular file p (stat fi), the script
// whose path from the mount is relSegs and whose key is keySegs'; linked
// tells whether a symlink was on the way to p, real is p resolved when p
// itself is one (follow), "" else. It is nil if p, resolved, is no
// longer inside the mount.
func (m *mount) scriptRoute(relSegs, keySegs []string, p string, fi fs.FileInfo, linked bool, real, clean string) *route {
	rel := strings.Join(relSegs, "/")
	r := &route{
		mount:      m,
		rel:        rel,
		key:        scriptKey(m, strings.Join(keySegs, "/")),
		file:       p,
		exec:       p,
		scriptName: prefixed(m.prefix, rel, clean),
		info:       fi,
	}
	switch {
	case real != "":
		r.exec = real // (resolved and checked by follow)
	case linked:
		real, err := filepath.EvalSymlinks(p)
		if err != nil || !m.reaches(real) {
			return nil
		}
		r.exec = real
	}
	return r
}

// prefixed is prefix+rel, taken from clean (the cleaned URL path) when it
// starts with it, as it does for a script named in the path: no string
// built on every request for its SCRIPT_NAME.
func prefixed(prefix, rel, clean string) string {
	if n := len(prefix) + len(rel); n <= len(clean) && clean[:len(prefix)] == prefix && clean[len(prefix):n] == rel {
		return clean[:n]
	}
	return prefix + rel
}

// runnable is ErrNotExecutable for a route whose file may not run (no
// execute bit, or none that menshen's user has, and no wrapper for its
// name), else nil.
func runnable(r *route, wrapped func(string) bool) error {
	perm := r.info.Mode().Perm()
	if perm&0o111 == 0 && !wrapped(r.file) {
		if strings.EqualFold(filepath.Ext(r.file), ".php") {
			// A PHP page from mod_php's Apache: chmod +x is not the fix.
			return fmt.Errorf("%w (a PHP file, and no [[wrapper]] for .php is configured)", ErrNotExecutable)
		}
		return ErrNotExecutable
	}
	if perm&0o111 != 0 && !mayExec(r.info, r.exec) {
		// Another user's execute bit (root's 0744 script, menshen as
		// www-data): Apache's "file permissions deny server execution",
		// a 403 too; the kernel would refuse the exec.
		return fmt.Errorf("%w: %s", ErrNotExecutable, notOurs(r.info))
	}
	return nil
}

// notOurs says of a file whose execute bits menshen's user does not
// have whose they are.
func notOurs(fi fs.FileInfo) string {
	owner := "?"
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		owner = strconv.FormatUint(uint64(st.Uid), 10)
	}
	return fmt.Sprintf("not executable by menshen's user (uid %d): mode %v, owner uid %s", os.Geteuid(), fi.Mode().Perm(), owner)
}

// execIDs are menshen's effective user and groups, as the kernel checks
// an exec's permission against them.
var execIDs = sync.OnceValue(func() (ids struct {
	uid    uint32
	groups map[uint32]bool
}) {
	ids.uid = uint32(os.Geteuid())
	ids.groups = map[uint32]bool{uint32(os.Getegid()): true}
	if gs, err := os.Getgroups(); err == nil {
		for _, g := range gs {
			ids.groups[uint32(g)] = true
		}
	}
	return ids
})

// mayExec reports whether menshen's user may execute the file of stat
// info fi (at path, for the rare check below): root with any execute bit,
// its owner with the owner's, a member of its group with the group's,
// anyone else with the others'; as Apache's ap_can_exec. From the stat
// the route has already, no system call: only where the bits say no is
// the kernel asked (an ACL may grant more than the bits).
func mayExec(fi fs.FileInfo, path string) bool {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return true
	}
	perm, ids := fi.Mode().Perm(), execIDs()
	var bit fs.FileMode
	switch {
	case ids.uid == 0:
		return true // (any execute bit: checked by the caller)
	case st.Uid == ids.uid:
		bit = 0o100
	case ids.groups[st.Gid]:
		bit = 0o010
	default:
		bit = 0o001
	}
	if perm&bit != 0 {
		return true
	}
	return unix.Faccessat(unix.AT_FDCWD, path, unix.X_OK, unix.AT_EACCESS) == nil
}

// loopKey reports whether link (a directory entry of dir, lstat li) is a
// symlink to dir itself or a directory above it, and then the path of
// where it leads, from the mount, in parts (none for the mount's root).
func loopKey(m *mount, dir, link string, li fs.FileInfo) ([]string, bool) {
	if li.Mode()&fs.ModeSymlink == 0 {
		return nil, false
	}
	target, err1 := filepath.EvalSymlinks(link)
	real, err2 := filepath.EvalSymlinks(dir)
	if err1 != nil || err2 != nil || !within(target, real) {
		return nil, false
	}
	rel, err := filepath.Rel(m.real, target)
	if err != nil || rel == ".." || strings.HasPrefix(rel, "../") {
		return nil, false
	}
	if rel == "." {
		return nil, true
	}
	return strings.Split(rel, "/"), true
}

// encodedSlash reports whether the path of u holds an encoded slash
// (%2F): 404, as Apache answers by default (AllowEncodedSlashes Off), so
// that no script sees a "/" in PATH_INFO that was not a path separator
// on the wire and no path check is fooled by one. (u.RawPath is set only
// when the path's escaping is not the default one, which %2F never is.)
func encodedSlash(u *url.URL) bool {
	return strings.Contains(u.RawPath, "%2F") || strings.Contains(u.RawPath, "%2f")
}

// within reports whether p is root or below it.
func within(root, p string) bool {
	return p == root || strings.HasPrefix(p, strings.TrimSuffix(root, "/")+"/")
}
