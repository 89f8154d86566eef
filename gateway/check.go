// check.go validates a scripts directory and config for `menshen check`.

package gateway

import (
	"bytes"
	"debug/elf"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/menshen/menshen/fastcgi"
	"golang.org/x/sys/unix"
)

// Check loads cfg and lists the problems a user should fix, one line each:
// every problem of the config file, [script] tables that name no script,
// files that look like scripts but are not executable, scripts whose
// interpreter is missing, symlinks that leave the directory, wrappers whose
// command is missing, scripts anyone could change (unsafeReason). When the
// config file has problems, the directories are still checked (with the
// flags' settings for what the file gets wrong) and the error matches
// ErrConfig; a file that does not decode at all leaves them unchecked; an
// unusable scripts directory is only that error. Each problem is one line
// (C1): a file's name is escaped as /status shows a script's (\n, \x1b).
func Check(cfg Config) ([]string, error) {
	cfg = cfg.withDefaults()
	var problems []string
	add := func(format string, a ...any) { problems = append(problems, oneLine(fmt.Sprintf(format, a...))) }
	var (
		fc       *fileConfig
		confErrs int
	)
	// A config problem is a line without the ErrConfig prefix; addConf
	// counts it as one that stops serve (exit 2), addNote does not.
	addNote := func(err error) { add("%s", strings.TrimPrefix(err.Error(), ErrConfig.Error()+": ")) }
	addConf := func(err error) {
		addNote(err)
		confErrs++
	}
	// serve refuses this one before anything else (exit 2): so does check.
	if cfg.Admin != "off" && !isLoopback(cfg.Admin) && cfg.AdminToken == "" {
		add("--admin %s: the admin listener is not on loopback: set --admin-token (serve refuses to start)", cfg.Admin)
		confErrs++
	}
	if cfg.ConfigFile != "" {
		var errs []error
		fc, errs = loadFileAll(cfg.ConfigFile)
		for _, e := range errs {
			addConf(e)
		}
		if fc == nil {
			// A file that does not decode: the directories checked
			// without it would get the file's wrappers' files taken for
			// scripts that are not executable, and the like.
			add("%s: scripts not checked until the config file reads", shownPath(cfg.ConfigFile))
			return problems, fmt.Errorf("%w: %s: %d problem(s)", ErrConfig, shownPath(cfg.ConfigFile), confErrs)
		}
	}
	if fc != nil {
		// The mounts whose directory is missing are reported already;
		// the rest of the file is still checked without them (and never
		// the current directory for a mount with no dir).
		// So are those with a prefix no request can reach, or one
		// already served: without them, the [script] tables of the
		// other mounts are still checked.
		// (A prefix already served is reported here: the file's own
		// checks do not know --prefix, nor compare mounts.)
		trimmed := *fc
		trimmed.Mount = nil
		if fc.MaxBody != nil && *fc.MaxBody <= 0 {
			// Reported already: the flag's size for it, as for the
			// other settings the file gets wrong.
			trimmed.MaxBody = nil
		}
		seen := map[string]bool{cfg.Prefix: true} // (withDefaults gave it both slashes)
		for i, m := range fc.Mount {
			fi, err := os.Stat(m.Dir)
			p := strings.TrimSuffix(m.Prefix, "/") + "/"
			bad := m.Dir == "" || err != nil || !fi.IsDir() || !strings.HasPrefix(m.Prefix, "/") || prefixProblem(p) != ""
			if !bad && seen[p] {
				addConf(fc.at(atEntry(fmt.Errorf("mount %q: prefix already served", m.Prefix), "mount", i, "prefix")))
				bad = true
			}
			seen[p] = true
			if !bad {
				trimmed.Mount = append(trimmed.Mount, m)
			}
		}
		fc = &trimmed
	}
	s, err := buildSettings(cfg, fc)
	if err != nil && fc != nil {
		addConf(err)
		// The rest of the file is still checked: without the warm worker
		// counts (more than the workers is the one problem the settings
		// find across keys), else without the file.
		if s, err = buildSettings(cfg, withoutMinWorkers(fc)); err != nil {
			s, err = buildSettings(cfg, nil)
		}
	}
	if err != nil {
		return problems, err
	}
	for _, w := range s.wrappers {
		for _, msg := range wrapperWarnings(w) {
			add("%s", msg)
		}
	}
	for _, name := range strayEnvKeys(s.env) {
		addNote(fc.at(atKey(errors.New(strayEnvWarning(name)), "env", name)))
	}
	for _, key := range unmatchedScripts(s) {
		// A problem, not a bad config: serve starts with it (a warning),
		// and its settings apply once the script exists (a deploy may
		// bring the config first). A CI gate on check's exit 2 refused
		// a config serve runs.
		addNote(fc.at(atKey(fmt.Errorf("[script.%q] names no script (a path under the scripts directory, or the URL path of a script of a [[mount]]); serve takes its settings for when it exists", key), "script", key)))
	}
	for _, m := range s.mounts {
		// With a trailing slash the walk enters a scripts directory that
		// is a symlink (`cgi-bin -> releases/r1`), and names its files
		// under the mount's path.
		root := m.dir + "/"
		_ = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			// The file's name escaped, as /status shows a script's: a
			// newline in it would make one problem two lines (C1).
			name := shownPath(p)
			if err != nil {
				add("%s: %v", name, err)
				return nil
			}
			if p != root && strings.HasPrefix(d.Name(), ".") {
				if d.IsDir() {
					return filepath.SkipDir
				}
				if d.Name() == ".htaccess" {
					add("%s: %s", name, htaccessWarning)
				}
				return nil
			}
			if d.Type()&fs.ModeSymlink != 0 {
				t, err := filepath.EvalSymlinks(p)
				if err != nil {
					add("%s: broken symlink", name)
				} else if !within(m.real, t) {
					add("%s: symlink leaves %s (never served)", name, shownPath(m.dir))
				}
				return nil
			}
			if d.IsDir() || !d.Type().IsRegular() || backupName(d.Name()) {
				return nil // (a backup is never served: see backupName)
			}
			fi, err := d.Info()
			if err != nil {
				return nil
			}
			if s.isWrapped(p) {
				return nil
			}
			interp, hasShebang := shebang(p)
			if fi.Mode().Perm()&0o111 == 0 {
				switch {
				case strings.EqualFold(filepath.Ext(p), ".php"):
					add("%s: a PHP file, and no [[wrapper]] for .php is configured (command = \"/usr/bin/php-cgi\"; 403 until then)", name)
				case hasShebang || looksLikeScript(p):
					add("%s: not executable (chmod +x to serve it; 403 until then)", name)
				}
				return nil
			}
			if hasShebang {
				if why := shebangProblem(p); why != "" {
					add("%s: %s", name, why)
				} else if strings.HasSuffix(interp, "\r") {
					// The kernel splits the #! line at blanks only: with
					// DOS line endings it looks for "perl\r" (500 on every
					// request).
					add("%s: #! line ends in CR (DOS line endings): interpreter %q not found", name, interp)
				} else if ifi, err := os.Stat(interp); err != nil {
					add("%s: interpreter %q not found", name, interp)
				} else if ifi.IsDir() || ifi.Mode().Perm()&0o111 == 0 {
					// The kernel refuses it (EACCES): 500 on every request.
					add("%s: interpreter %q is not an executable file", name, interp)
				}
			}
			if why := noExecBy(p); why != "" {
				add("%s: %s: %s", name, why, noExecAnswer(why))
			}
			if !hasShebang {
				if why := execFormatProblem(p); why != "" {
					add("%s: executable, but %s: every request is a 500 (exec format error)", name, why)
				}
			}
			if why := unsafeReason(m.dir, p); why != "" {
				add("%s: %s (suEXEC refuses such a script)", name, why)
			}
			return nil
		})
	}
	if confErrs > 0 {
		what := shownPath(cfg.ConfigFile)
		if what == "" {
			what = "the flags"
		}
		return problems, fmt.Errorf("%w: %s: %d problem(s)", ErrConfig, what, confErrs)
	}
	return problems, nil
}

// oneLine escapes what a problem still holds that would break its line
// or play on the terminal (a newline or an escape sequence in an error's
// text, which names a file as it is), as scriptName would, and leaves the
// rest: the names check shows are escaped already (shownPath), and a
// quote or backslash in a message is its own.
func oneLine(s string) string {
	if !strings.ContainsFunc(s, func(r rune) bool { return r == utf8.RuneError || !strconv.IsPrint(r) }) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, w := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && w == 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case strconv.IsPrint(r):
			b.WriteString(s[i : i+w])
		default:
			q := strconv.QuoteRune(r)
			b.WriteString(q[1 : len(q)-1])
		}
		i += w
	}
	return b.String()
}

func shebang(p string) (string, bool) {
	f, err := os.Open(p)
	if err != nil {
		return "", false
	}
	defer f.Close()
	buf := make([]byte, 256)
	n, _ := f.Read(buf)
	line := string(buf[:n])
	if !strings.HasPrefix(line, "#!") {
		return "", false
	}
	line, _, _ = strings.Cut(line[2:], "\n")
	// Blanks only, as execve(2) splits it: a CR is part of the name.
	fields := strings.FieldsFunc(line, func(r rune) bool { return r == ' ' || r == '\t' })
	if len(fields) == 0 {
		return "", true
	}
	return fields[0], true
}

// execFormatProblem says why execve(2) would not run the file without a
// #! line, or "": it must be an ELF program, whole, for this machine. A
// file it cannot read has no problem here (nothing to say about it).
func execFormatProblem(p string) string {
	f, err := os.Open(p)
	if err != nil {
		return ""
	}
	defer f.Close()
	magic := make([]byte, 5)
	n, _ := io.ReadFull(f, magic)
	if string(magic[:min(n, 4)]) != "\x7fELF" {
		return notProgram(p, magic[:n])
	}
	ef, err := elf.NewFile(f)
	if err != nil {
		return "not a valid ELF program (" + err.Error() + ")"
	}
	if want, ok := hostMachine[runtime.GOARCH]; ok && ef.Machine != want && !(runtime.GOARCH == "amd64" && ef.Machine == elf.EM_386) {
		return "a program for another machine (" + ef.Machine.String() + ")"
	}
	return ""
}

// noExecBy says why menshen's user may not execute the file p, or "":
// it has no execute bit, the bit is another user's (a script left 0744
// or 0700 by root, menshen running as www-data), or its file system is
// mounted noexec. execve(2) says only EACCES, and
// Apache's log "Permission denied". A file it cannot stat has no problem
// here (nothing to say about it).
func noExecBy(p string) string {
	fi, err := os.Stat(p)
	if err != nil || !fi.Mode().IsRegular() {
		return ""
	}
	var st unix.Statfs_t
	if unix.Statfs(p, &st) == nil && st.Flags&unix.ST_NOEXEC != 0 {
		return noexecMount
	}
	if fi.Mode().Perm()&0o111 == 0 {
		return fmt.Sprintf("no execute bit (mode %v)", fi.Mode().Perm())
	}
	if unix.Access(p, unix.X_OK) == nil {
		return ""
	}
	return notOurs(fi)
}

// noexecMount is noExecBy's reason for a file on a noexec mount.
const noexecMount = "its file system is mounted noexec"

// noExecAnswer is what serve answers a script noExecBy found a reason
// for: the kernel refuses to start one on a noexec mount (500), and
// another user's execute bits are Apache's "file permissions deny
// server execution" (403, see runnable).
func noExecAnswer(why string) string {
	if why == noexecMount {
		return "every request is a 500 (permission denied)"
	}
	return "every request is a 403 (file permissions deny its execution)"
}

// htaccessWarning is what check and serve say of an Apache .htaccess
// file in a scripts directory: never served (C3), and never read, so
// whatever it guarded (Require, Deny from all, AuthType Basic) is open.
const htaccessWarning = "an Apache .htaccess file, which menshen does not read: its access rules and settings (Require, Deny, AuthType, SetEnv) do not apply to the scripts here"

// htaccessFiles lists the .htaccess files of the mount's directory tree
// (not under dot-directories, whose scripts are never served).
func htaccessFiles(m *mount) []string {
	if m.dir == "/" {
		return nil
	}
	var out []string
	root := m.root()
	_ = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		switch {
		case err != nil:
		case d.IsDir() && p != root && strings.HasPrefix(d.Name(), "."):
			return filepath.SkipDir
		case d.Name() == ".htaccess" && !d.IsDir():
			out = append(out, p)
		}
		return nil
	})
	return out
}

// shebangProblem is [fastcgi.ShebangProblem] of the file p: how the
// kernel reads its #! line otherwise than its author meant, or "".
func shebangProblem(p string) string {
	f, err := os.Open(p)
	if err != nil {
		return ""
	}
	defer f.Close()
	head := make([]byte, 256) // execve(2)'s BINPRM_BUF_SIZE
	n, _ := io.ReadFull(f, head)
	return fastcgi.ShebangProblem(head[:n])
}

// notProgram says what a file that is no ELF program is, from its first
// bytes, in words a user can act on where Apache's log says only "exec
// format error": an editor's byte order mark hides a #! line from the
// kernel, a PHP page needs a wrapper, a Perl library needs no execute bit.
// A #! script is "": its interpreter is the question.
func notProgram(p string, head []byte) string {
	ext := strings.ToLower(filepath.Ext(p))
	switch {
	case bytes.HasPrefix(head, []byte("#!")):
		return ""
	case len(head) == 0:
		return "an empty file, neither a #! script nor a program"
	case bytes.HasPrefix(head, []byte("\xef\xbb\xbf#!")):
		return "a UTF-8 byte order mark (BOM) before its #! line hides it from the kernel (save the file without it)"
	case ext == ".php" || ext != "" && bytes.HasPrefix(head, []byte("<?php")):
		return fmt.Sprintf("a PHP file with no #! line and no [[wrapper]] for %q (command = \"/usr/bin/php-cgi\")", ext)
	case ext == ".pl" || ext == ".pm" || ext == ".cgi":
		return "no #! line (a script needs #!/usr/bin/perl; a library that scripts require needs no execute bit)"
	}
	return "neither a #! script nor a program (ELF)"
}

// hostMachine is the ELF machine of the programs a GOARCH runs.
var hostMachine = map[string]elf.Machine{"amd64": elf.EM_X86_64, "arm64": elf.EM_AARCH64, "386": elf.EM_386, "riscv64": elf.EM_RISCV}

func looksLikeScript(p string) bool {
	switch strings.ToLower(filepath.Ext(p)) {
	case ".pl", ".cgi", ".sh", ".fcgi", ".py", ".rb", ".php":
		return true
	}
	return false
}

// withoutMinWorkers returns fc without its min_workers keys, its own and
// its [script] tables'.
func withoutMinWorkers(fc *fileConfig) *fileConfig {
	lax := *fc
	lax.MinWorkers = nil
	lax.Script = make(map[string]fileScript, len(fc.Script))
	for k, sc := range fc.Script {
		sc.MinWorkers = nil
		lax.Script[k] = sc
	}
	return &lax
}

// unmatchedScripts lists, in order, the [script."name"] tables of s that
// name no script now: a typo, or a script still to come.
func unmatchedScripts(s *settings) []string {
	var keys []string
	for _, key := range sortedKeys(s.scripts) {
		rt, err := resolve(s.mounts, keyPath(s, key), s.isWrapped)
		if err != nil || rt.key != key || rt.pathInfo != "" {
			keys = append(keys, key)
		}
	}
	return keys
}
