// runner.go: the bundled persistent Perl runner (runner.pl, embedded) and
// the classification of scripts into native FastCGI programs, Perl CGI
// scripts the runner keeps alive, and scripts served per request (C21).

package fastcgi

import (
	"bytes"
	_ "embed"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
)

//go:embed runner.pl
var runnerPL []byte

// RunnerScript returns the source of the bundled Perl runner: a pure-Perl,
// core-modules-only FastCGI responder that runs one unmodified CGI script
// for request after request with CGI semantics (C21, C23). Its design and
// how it handles each persistence pitfall are in the comment block at its
// top. The gateway writes it to a private file at start and passes that
// path to [RunnerArgs]. The returned slice is a copy.
func RunnerScript() []byte { return bytes.Clone(runnerPL) }

// Kind says how a script can be served in fastcgi mode (C21).
type Kind int

const (
	// KindPerRequest: the script cannot be made persistent; it is served
	// as CGI, one process per request, even in fastcgi mode. The zero
	// value, so an unclassified script is served the safe way.
	KindPerRequest Kind = iota
	// KindNative: a FastCGI program (*.fcgi, or one using FCGI.pm or
	// CGI::Fast), started directly with the listening socket as fd 0.
	// Configured wrappers (php-cgi) are the gateway's decision.
	KindNative
	// KindPerl: a Perl CGI script that runs inside the bundled runner.
	KindPerl
)

// String returns "per-request", "native" or "perl".
func (k Kind) String() string {
	switch k {
	case KindNative:
		return "native"
	case KindPerl:
		return "perl"
	case KindPerRequest:
		return "per-request"
	}
	return fmt.Sprintf("Kind(%d)", int(k))
}

// Class is the result of [Classify].
type Class struct {
	Kind Kind
	// Perl is the interpreter from the shebang (e.g. /usr/bin/perl; for
	// #!/usr/bin/env perl, perl as found in the gateway's PATH, or "perl").
	// Set for KindPerl, and for KindPerRequest scripts with a Perl shebang.
	Perl string
	// Warnings is true when the shebang has -w: the runner then runs
	// under perl -w, as the script would.
	Warnings bool
	// Taint is the shebang's taint switch, "-T" or "-t" (-T wins when both
	// are there), or "": the runner then runs under the same switch, so
	// the script gets taint mode exactly as under CGI (perlsec).
	Taint string
	// Reason says why the script cannot be persistent (KindPerRequest);
	// empty otherwise. The status page shows it.
	Reason string
	// Libraries lists the files a Perl script requires or runs by a
	// literal name that Classify looked at for hazards (libraryHazard),
	// as paths from the script's directory, read or not there: a change
	// to one of them may change the class.
	Libraries []string
	// viaEnv: the shebang runs Perl through env, which looks it up in
	// PATH; Perl is then not relative to the script's directory.
	viaEnv bool
}

// maxClassifySource bounds how much of a script Classify reads. A larger
// Perl script is still classified from its first part.
const maxClassifySource = 4 << 20

// Classify reads the script at path and says how fastcgi mode can serve
// it (C21). A *.fcgi file, or a Perl script that uses FCGI.pm or
// CGI::Fast, is KindNative. A script whose shebang runs perl
// (#!/usr/bin/perl, #!/usr/local/bin/perl5.36 -wT, #!/usr/bin/env perl) is
// KindPerl unless its shebang has a switch other than -w, -T and -t, or its
// source does something a persistent interpreter cannot give CGI semantics
// for: fork, exec, system() or piped opens whose children write to the
// response, reopening STDOUT/STDERR, syscall, POSIX::_exit or CORE::exit,
// INIT/CHECK blocks, setsid, changing uid/gid... (or a library it requires
// by a literal name does: libraryHazard). Those are KindPerRequest
// with the Reason, as is anything that is not Perl (shell, binaries,
// Python) and every NPH script (nph-*: FastCGI has no non-parsed headers,
// C7). So is a script whose #! line the kernel cannot run, which fails as
// CGI and must fail the same way (C23): its interpreter does not exist, or
// a CR (CRLF line ends) sticks to the interpreter's name. Backticks and
// qx// are fine: their output is captured.
//
// The scan is a heuristic over the source with POD and comments removed:
// it errs towards KindPerRequest, and the runner copes at run time with
// what it misses (see runner.pl). Classify only reads the file; the error
// is for a file it cannot read.
func Classify(path string) (Class, error) {
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrPermission) {
		// Executable but not readable by the gateway (mode 0711): a
		// binary, or a script its interpreter cannot open either. It is
		// served per request, as cgi mode serves it, so that both modes
		// answer alike (C23); a .fcgi program is still a native worker.
		if c := classify(filepath.Base(path), nil); c.Kind == KindNative {
			return c, nil
		}
		return Class{Kind: KindPerRequest, Reason: "not readable by the gateway: what it is cannot be told"}, nil
	}
	if err != nil {
		return Class{}, fmt.Errorf("classify %q: %w", path, err)
	}
	defer f.Close()
	src, err := io.ReadAll(io.LimitReader(f, maxClassifySource))
	if err != nil {
		return Class{}, fmt.Errorf("classify %q: %w", path, err)
	}
	c := classify(filepath.Base(path), src)
	if c.Kind == KindPerl {
		var why string
		if why, c.Libraries = libraryHazard(filepath.Dir(path), src); why != "" {
			c.Kind = KindPerRequest
			c.Reason = why
		}
	}
	if c.Kind == KindPerl && strings.ContainsAny(path, "\r\n") {
		// The runner takes the path on its command line and names the
		// script with it in a #line directive, which cannot hold one.
		return Class{Kind: KindPerRequest, Perl: c.Perl, Reason: "a line break in its path: the runner cannot name such a script"}, nil
	}
	if (c.Kind == KindPerl || c.Kind == KindNative) && c.Perl != "" && (!c.viaEnv || filepath.IsAbs(c.Perl)) {
		// The kernel cannot run a script whose interpreter is missing: CGI
		// mode answers 500, and so must fastcgi mode (C23), not start a
		// runner under another perl or fail to start a worker. A relative
		// one (`#!perl`, from Windows) is looked up by the kernel from
		// the working directory, the script's own in cgi mode (C20), and
		// never in PATH: the runner is started with what it finds there.
		interp := c.Perl
		if !filepath.IsAbs(interp) {
			interp = filepath.Join(filepath.Dir(path), interp)
		}
		if _, err := os.Stat(interp); err != nil {
			c.Kind = KindPerRequest
			c.Reason = fmt.Sprintf("the #! interpreter %q does not exist", c.Perl)
			if interp != c.Perl {
				c.Reason += " in the script's directory"
			}
		} else {
			c.Perl = interp
		}
	}
	return c, nil
}

// classify is Classify on a file's base name and source.
func classify(base string, src []byte) Class {
	if strings.HasPrefix(base, "nph-") {
		return Class{Kind: KindPerRequest, Reason: "NPH script: FastCGI has no non-parsed headers"}
	}
	if strings.HasSuffix(base, ".fcgi") {
		return Class{Kind: KindNative}
	}
	sb, ok := parseShebang(src)
	if !ok {
		return Class{Kind: KindPerRequest, Reason: notPerl(src)}
	}
	if !sb.perl {
		return Class{Kind: KindPerRequest, Reason: fmt.Sprintf("not a Perl script (#!%s)", sb.line)}
	}
	c := Class{Kind: KindPerl, Perl: sb.interp, Warnings: sb.warnings, Taint: sb.taint, viaEnv: sb.env}
	if sb.cr {
		// #!/usr/bin/perl\r (CRLF line ends): the kernel looks for
		// "perl\r" and fails, so CGI mode answers 500; served per
		// request, the script fails the same way (C23).
		c.Kind = KindPerRequest
		c.Reason = fmt.Sprintf("the #! line ends in a carriage return: %q cannot be run", sb.program+"\r")
		return c
	}
	if why := ShebangProblem(src); why != "" {
		// The kernel (or env) fails it, or cuts its switches: served
		// per request, the script fails as in CGI mode (C23).
		c.Kind = KindPerRequest
		c.Reason = why
		return c
	}
	if sb.bad != "" {
		c.Kind = KindPerRequest
		c.Reason = fmt.Sprintf("shebang switch %s changes how perl reads the script", sb.bad)
		return c
	}
	code := perlCode(src)
	if nativeRE.Match(code) {
		return Class{Kind: KindNative, Perl: sb.interp, Warnings: sb.warnings, Taint: sb.taint, viaEnv: sb.env}
	}
	if why := perlHazard(code); why != "" {
		c.Kind = KindPerRequest
		c.Reason = why
	}
	return c
}

func notPerl(src []byte) string {
	switch {
	case bytes.HasPrefix(src, []byte("\x7fELF")):
		return "not a Perl script (binary)"
	case len(src) == 0:
		return "not a Perl script (empty)"
	case bytes.HasPrefix(src, []byte("\xef\xbb\xbf#!")):
		// An editor's byte order mark: the kernel sees no #! line.
		return "no #! line for the kernel: a UTF-8 byte order mark (BOM) before it"
	}
	return "not a Perl script (no #! line)"
}

// kernelHead is how much of a file execve(2) reads for its #! line
// (BINPRM_BUF_SIZE): the line must end within it.
const kernelHead = 256

// ShebangProblem says how the kernel reads the #! line at the start of
// src otherwise than its author meant, or "". execve(2) cuts a line
// longer than 255 bytes (a cut interpreter's name is ENOEXEC, cut switches
// are lost), and passes all that follows the interpreter's name as one
// argument: #!/usr/bin/env perl -w has env look for a program named
// "perl -w" (exit 127), where the runner would have run perl -w.
func ShebangProblem(src []byte) string {
	if !bytes.HasPrefix(src, []byte("#!")) {
		return ""
	}
	isBlank := func(r rune) bool { return r == ' ' || r == '\t' }
	if len(src) >= kernelHead && bytes.IndexByte(src[:kernelHead], '\n') < 0 {
		name := bytes.TrimLeftFunc(src[2:kernelHead-1], isBlank)
		if bytes.IndexFunc(name, isBlank) < 0 {
			return "its #! line is longer than the 255 bytes the kernel reads, which cut the interpreter's name"
		}
		return "its #! line is longer than the 255 bytes the kernel reads, which cut what follows them"
	}
	line, _, _ := bytes.Cut(src[2:], []byte("\n"))
	line = bytes.TrimFunc(bytes.TrimSuffix(line, []byte("\r")), isBlank)
	prog, rest := line, []byte(nil)
	if i := bytes.IndexFunc(line, isBlank); i >= 0 {
		prog, rest = line[:i], bytes.TrimLeftFunc(line[i:], isBlank)
	}
	if filepath.Base(string(prog)) == "env" && bytes.IndexFunc(rest, isBlank) >= 0 && !bytes.HasPrefix(rest, []byte("-")) {
		return fmt.Sprintf("the kernel passes %q to env as one program name, which env does not find (write #!%s -S %s, or the interpreter's path)", rest, prog, rest)
	}
	return ""
}

type shebang struct {
	line     string // the text after #!
	interp   string // the perl to run
	perl     bool
	warnings bool
	taint    string // "-T", "-t" or ""
	bad      string // an unsupported switch
	program  string // the word naming the program the kernel (or env) runs
	cr       bool   // that word carries the line's trailing CR
	env      bool   // run through env
}

var perlNameRE = regexp.MustCompile(`^perl[0-9.]*$`)

// parseShebang reads the #! line. ok is false when there is none.
func parseShebang(src []byte) (sb shebang, ok bool) {
	if !bytes.HasPrefix(src, []byte("#!")) {
		return sb, false
	}
	line, _, _ := bytes.Cut(src[2:], []byte("\n"))
	crlf := bytes.HasSuffix(line, []byte("\r"))
	sb.line = strings.TrimSpace(strings.TrimSuffix(string(line), "\r"))
	words := strings.Fields(sb.line)
	if len(words) == 0 {
		return sb, true
	}
	// A trailing CR sticks to the last word: harmless on a switch (perl
	// ignores it), fatal on the program's name (checked below).
	sb.program, sb.cr = words[0], crlf && len(words) == 1
	interp, args := words[0], words[1:]
	if filepath.Base(interp) == "env" {
		// #!/usr/bin/env [-S] perl [switches]
		for len(args) > 0 && strings.HasPrefix(args[0], "-") {
			if args[0] != "-S" {
				return sb, true // env options we do not model: not ours
			}
			args = args[1:]
		}
		if len(args) == 0 || !perlNameRE.MatchString(args[0]) {
			return sb, true
		}
		sb.program, sb.cr = args[0], crlf && len(args) == 1
		sb.interp, sb.env = args[0], true
		if p, err := exec.LookPath(args[0]); err == nil {
			sb.interp = p
		}
		args = args[1:]
	} else {
		if !perlNameRE.MatchString(filepath.Base(interp)) {
			return sb, true
		}
		sb.interp = interp
	}
	sb.perl = true
	for _, a := range args {
		if a == "--" {
			break
		}
		if len(a) < 2 || a[0] != '-' {
			sb.bad = a
			return sb, true
		}
		for _, r := range a[1:] {
			switch r {
			case 'w':
				sb.warnings = true
			case 'T':
				sb.taint = "-T"
			case 't':
				if sb.taint == "" {
					sb.taint = "-t"
				}
			default:
				sb.bad = "-" + string(r)
				return sb, true
			}
		}
	}
	return sb, true
}

var (
	podRE       = regexp.MustCompile(`(?ms)^=[a-zA-Z].*?(?:^=cut\b[^\n]*\n|\z)`)
	dataRE      = regexp.MustCompile(`(?m)^__(?:END|DATA)__\b`)
	lineComment = regexp.MustCompile(`(?m)^\s*#[^\n]*`)
	tailComment = regexp.MustCompile(`(?m)(\s)#[^\n]*`)
	// quoting finds what may open a string or a regex that a # belongs
	// to: a quote, a slash, a brace, or a quote-like operator.
	quoting = regexp.MustCompile("[\"'`/{}]|\\b(?:q[qwr]?|m|s|tr|y)\\s*[^\\w\\s]")
	// nativeRE finds a FastCGI program: FCGI.pm's or CGI::Fast's loop, a
	// PSGI application run by Plack's FCGI handler (Dancer2's generated
	// public/dispatch.fcgi, when renamed .pl), and Catalyst's generated
	// script/myapp_fastcgi.pl (`Catalyst::ScriptRunner->run('MyApp',
	// 'FastCGI')`), whose source names neither: inside the Perl runner
	// they die "STDIN is not a socket", a 502 in fastcgi mode.
	nativeRE = regexp.MustCompile(`(?m)^\s*use\s+(?:FCGI|CGI::Fast|Plack::Handler::FCGI)\b|\bFCGI::Request\s*\(|\bCGI::Fast\s*->\s*new\b|\bPlack::Handler::FCGI\s*->\s*new\b|\bCatalyst::ScriptRunner\s*->\s*run\s*\(\s*['"][\w:]+['"]\s*,\s*['"]FastCGI['"]`)
)

// perlCode returns the code part of a Perl script, POD and comments
// removed (roughly: a comment after code stays where a string or a regex
// may hold its #, which at worst finds a hazard word in a comment).
func perlCode(src []byte) []byte {
	if i := bytes.IndexByte(src, '\n'); i >= 0 && bytes.HasPrefix(src, []byte("#!")) {
		src = src[i+1:]
	}
	if loc := dataRE.FindIndex(src); loc != nil {
		src = src[:loc[0]]
	}
	src = podRE.ReplaceAll(src, nil)
	src = lineComment.ReplaceAll(src, nil)
	// A comment after code goes only where nothing before it on its line
	// could have opened a string or a regex (`print "see #"; fork;` must
	// keep its fork); else the line stays whole, which at worst finds a
	// hazard word in a comment.
	lines := bytes.Split(src, []byte("\n"))
	for i, l := range lines {
		loc := tailComment.FindIndex(l)
		if loc == nil || quoting.Match(l[:loc[0]]) {
			continue
		}
		lines[i] = l[:loc[0]+1]
	}
	return bytes.Join(lines, []byte("\n"))
}

// A hazard is a construct whose effect a persistent interpreter cannot
// reproduce: the first match names the reason.
type hazard struct {
	re     *regexp.Regexp
	reason string
	// scriptOnly: the runner copes with it in a library the script
	// requires (libraryHazard), where it follows it at run time.
	scriptOnly bool
}

// call matches a Perl builtin called as a function: not a method, hash key,
// sigil variable, fat-comma key or part of a longer name.
func call(name string) string {
	return `(?:^|[^\w$@%&>:{"'-])` + name + `\b(?:\s*(?:[^\s=,}]|=[^>=~])|\s*$)`
}

// word matches a Perl builtin name where a call can start.
func word(name string) string { return `(?:^|[^\w$@%&>:{"'-])` + name + `\b` }

var hazards = []hazard{
	{re: regexp.MustCompile(`(?m)` + call(`fork`)), reason: "calls fork: a child would share the worker's connection"},
	{re: regexp.MustCompile(`(?m)` + call(`exec`)), reason: "calls exec, which would replace the worker"},
	{re: regexp.MustCompile(`(?m)` + word(`system`) + `\s*(?:\{|\$[\w:]+\s+(?:["'$@]|q[qw]?\s*[^\w\s]))`),
		reason: "calls system in its indirect object form (system { PROGRAM } LIST), which the runner cannot take over"},
	{re: regexp.MustCompile(`(?m)` + word(`open`) + `\s*\(?[^,;]*,\s*["']\s*\|`), reason: "opens a pipe to a command that writes to the response"},
	// (A library's reopen the runner follows for the request that does
	// it: fd_taken.)
	{re: regexp.MustCompile(`(?m)` + word(`open`) + `\s*\(?\s*\*?(?:main::)?(?:STDOUT|STDERR)\b`), reason: "reopens STDOUT or STDERR", scriptOnly: true},
	{re: regexp.MustCompile(`(?m)` + call(`syscall`)), reason: "calls syscall"},
	{re: regexp.MustCompile(`\bPOSIX::_exit\b|(?:^|[^\w:$])_exit\s*\(`), reason: "calls POSIX::_exit, which would end the worker"},
	{re: regexp.MustCompile(`\bCORE::(?:exit|dump)\b`), reason: "calls CORE::exit, which would end the worker"},
	{re: regexp.MustCompile(`\bCORE::GLOBAL::`), reason: "overrides CORE::GLOBAL functions"},
	{re: regexp.MustCompile(`(?m)(?:^|[;}\s])(?:INIT|CHECK)\s*\{`), reason: "has INIT or CHECK blocks, which never run in a persistent interpreter"},
	{re: regexp.MustCompile(`(?m)\bPOSIX::setsid\b|` + call(`setsid`) + `|` + call(`setpgrp`)), reason: "starts a new session or process group"},
	// The ids as perl's variables ($> = ..., a list assignment such as
	// `($<, $>) = ...`), POSIX's setuid and setgid (imported too: `use
	// POSIX` exports them), Privileges::Drop, chroot. (A worker started as
	// root also checks its ids and root after each request: restore_ids.)
	{re: regexp.MustCompile(`(?m)\$[<>()]\s*=[^=~>]|` + idListAssign + `|\bPOSIX::set[ug]id\b|` + word(`set[ug]id`) + `\s*[$(\d]` +
		`|\bPrivileges::Drop\b|` + call(`chroot`)), reason: "changes the process's user, group or root"},
	// Programs that, given the script's pid ($$, on the same line),
	// change its I/O priority, limits, CPUs or scheduling, and
	// BSD::Resource's setrlimit: in a worker that lasts (a hard limit
	// lowered for good where it is not root). A pid passed through a
	// variable is not seen; the words in prose ("the taskset tool") are
	// no call. (renice stays: the runner puts the priority back,
	// restore_nice.)
	{re: regexp.MustCompile(`(?m)\b(?:ionice|prlimit|taskset|chrt)\b[^\n]*\$\$|\bsetrlimit\s*\(`),
		reason: "names ionice, prlimit, taskset, chrt or setrlimit, which may change the process's I/O priority, limits, CPUs or scheduling for good"},
}

// idListAssign matches a list assignment to one of the id variables:
// `($>) = (65534)`, `local ($<, $>) = ($>, $<)`. Inside the parentheses:
// $< $> $( $) themselves, or anything but a parenthesis, `;` or `=` (so
// that `($> == 0)`, a comparison, is none).
const idListAssign = `\((?:\$[<>()]|[^();=])*\$[<>()](?:\$[<>()]|[^();=])*\)\s*=[^=~>]`

func perlHazard(code []byte) string {
	for _, h := range hazards {
		if h.re.Match(code) {
			return h.reason
		}
	}
	return ""
}

// ownBuiltinRE finds a library's definition of a sub named as a builtin
// the runner takes over, which is no call of it (the runner leaves perl's
// builtin to the script then, as in a new process).
var ownBuiltinRE = regexp.MustCompile(`\bsub\s+(?:main(?:::|'))?(?:exec|system)\b`)

// libHazard is perlHazard for the code of a library the script requires.
func libHazard(code []byte) string {
	code = ownBuiltinRE.ReplaceAll(code, []byte("sub _"))
	for _, h := range hazards {
		if !h.scriptOnly && h.re.Match(code) {
			return h.reason
		}
	}
	return ""
}

// libraryRE finds the files a Perl script requires or runs by a literal
// name: `require "./lib/cgi-lib.pl"`, `do 'conf.pl'`.
var libraryRE = regexp.MustCompile(`(?:^|[^\w$@%&>:])(?:require|do)\s*\(?\s*(?:"([^"$@\\\n]+)"|'([^'\\\n]+)')`)

// maxLibraries bounds how many required files Classify reads for one
// script.
const maxLibraries = 32

// libraryHazard returns the first hazard (see libHazard) found in the
// libraries the script src requires or runs by a literal name, and in
// those they name the same way, with the library's name; or "", and the
// paths it looked at (Class.Libraries). They
// compile in the runner as the script does, and a library that calls
// exec in a package of its own (which the runner does not take over)
// would replace the worker in the middle of a request: the answer cut
// off after what the script had printed, the program's output lost.
// Names are found
// from the script's directory dir, every request's working directory
// (C20); one that is no readable file there is left to perl.
func libraryHazard(dir string, src []byte) (why string, paths []string) {
	seen := map[string]bool{}
	todo := libraryNames(perlCode(src))
	for len(todo) > 0 && len(seen) < maxLibraries {
		name := todo[0]
		todo = todo[1:]
		path := name
		if !filepath.IsAbs(path) {
			path = filepath.Join(dir, name)
		}
		if seen[path] {
			continue
		}
		seen[path] = true
		paths = append(paths, path)
		f, err := os.Open(path)
		if err != nil {
			continue
		}
		lib, err := io.ReadAll(io.LimitReader(f, maxClassifySource))
		f.Close()
		if err != nil {
			continue
		}
		code := perlCode(lib)
		if why := libHazard(code); why != "" {
			return fmt.Sprintf("its library %s %s", name, why), paths
		}
		todo = append(todo, libraryNames(code)...)
	}
	return "", paths
}

// libraryNames returns the literal file names that code requires or runs.
func libraryNames(code []byte) []string {
	var names []string
	for _, m := range libraryRE.FindAllSubmatch(code, -1) {
		names = append(names, string(m[1])+string(m[2]))
	}
	return names
}

// Isolation levels of the runner (C21; config key isolation).
const (
	IsolationAuto     = "auto"     // registry while provably safe, else perlrun
	IsolationPerlrun  = "perlrun"  // compile per request: CGI semantics
	IsolationRegistry = "registry" // compile once: mod_perl Registry semantics
)

// ErrBadIsolation is returned by [CheckIsolation] for an unknown level.
var ErrBadIsolation = errors.New("fastcgi: isolation must be auto, perlrun or registry")

// CheckIsolation validates an isolation level from a config file or flag;
// "" is auto.
func CheckIsolation(s string) error {
	switch s {
	case "", IsolationAuto, IsolationPerlrun, IsolationRegistry:
		return nil
	}
	return fmt.Errorf("%w: %q", ErrBadIsolation, s)
}

// RunnerArgs returns the command the pool starts for a KindPerl script:
// the interpreter (c.Perl, or "perl") and its arguments, without argv[0],
// as exec.Command takes them: [-w] [-T|-t] runnerPath --isolation=LEVEL
// --tmpdir=DIR script. DIR is runnerPath's directory (the gateway's private
// one): the runner makes its anonymous temp files there (large bodies, the
// fallback of its output capture). The taint switch of the script's shebang (c.Taint) goes to the
// runner: taint mode is per process and must be on from perl's start.
// script must be an absolute path; isolation "" means auto. The process is
// to be started with the listening socket as fd 0, the script's directory
// as working directory and the CGI base environment (the runner resets
// %ENV to each request's params, but perl reads PERL5LIB, PERL5OPT and the
// locale once, at start).
func RunnerArgs(runnerPath string, c Class, script, isolation string) (path string, args []string) {
	path = c.Perl
	if path == "" {
		path = "perl"
	}
	if isolation == "" {
		isolation = IsolationAuto
	}
	if c.Warnings {
		args = append(args, "-w")
	}
	if c.Taint == "-T" || c.Taint == "-t" {
		args = append(args, c.Taint)
	}
	args = append(args, runnerPath, "--isolation="+isolation, "--tmpdir="+filepath.Dir(runnerPath), script)
	return path, args
}
