// classify_test.go: which scripts the runner keeps, which run natively,
// which stay per request (C21).

package fastcgi

import (
	"errors"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"

	"golang.org/x/sys/unix"
)

func TestClassify(t *testing.T) {
	for _, tc := range []struct {
		name, base, src string
		kind            Kind
		reason          string // substring of Reason; "" means Reason must be empty
		perl            string
		warnings        bool
		taint           string
	}{
		{name: "plain perl", base: "a.pl", src: "#!/usr/bin/perl\nprint \"Content-Type: text/plain\\n\\nhi\";\n", kind: KindPerl, perl: "/usr/bin/perl"},
		{name: "cgi extension", base: "a.cgi", src: "#!/usr/local/bin/perl5.36 -w\nprint 1;\n", kind: KindPerl, perl: "/usr/local/bin/perl5.36", warnings: true},
		{name: "wT", base: "a.pl", src: "#!/usr/bin/perl -wT\nprint 1;\n", kind: KindPerl, perl: "/usr/bin/perl", warnings: true, taint: "-T"},
		{name: "T alone, CRLF", base: "a.pl", src: "#!/usr/bin/perl -T\r\nprint 1;\r\n", kind: KindPerl, perl: "/usr/bin/perl", taint: "-T"},
		{name: "CRLF on the interpreter", base: "a.pl", src: "#!/usr/bin/perl\r\nprint 1;\r\n", kind: KindPerRequest, reason: "carriage return", perl: "/usr/bin/perl"},
		{name: "CRLF after a space", base: "a.pl", src: "#!/usr/bin/perl \r\nprint 1;\r\n", kind: KindPerRequest, reason: "carriage return"},
		{name: "CRLF on env's perl", base: "a.pl", src: "#!/usr/bin/env perl\r\nprint 1;\r\n", kind: KindPerRequest, reason: `"perl\r"`},
		{name: "CRLF on a switch", base: "a.pl", src: "#!/usr/bin/perl -w\r\nprint 1;\r\n", kind: KindPerl, perl: "/usr/bin/perl", warnings: true},
		{name: "t", base: "a.pl", src: "#!/usr/bin/perl -t\nprint 1;\n", kind: KindPerl, perl: "/usr/bin/perl", taint: "-t"},
		{name: "t and T", base: "a.pl", src: "#!/usr/bin/perl -t -w -T\nprint 1;\n", kind: KindPerl, perl: "/usr/bin/perl", warnings: true, taint: "-T"},
		{name: "space after #!", base: "a.pl", src: "#! /usr/bin/perl -w\nprint 1;\n", kind: KindPerl, perl: "/usr/bin/perl", warnings: true},
		{name: "env perl", base: "a.pl", src: "#!/usr/bin/env perl\nprint 1;\n", kind: KindPerl},
		{name: "env -S perl -w", base: "a.pl", src: "#!/usr/bin/env -S perl -w\nprint 1;\n", kind: KindPerl, warnings: true},
		{name: "env perl -w", base: "a.pl", src: "#!/usr/bin/env perl -w\nprint 1;\n", kind: KindPerRequest, reason: `passes "perl -w" to env as one program name`, warnings: true},
		{name: "#! line past the kernel's 255 bytes, switches cut", base: "a.pl", src: "#!/usr/bin/perl -w" + strings.Repeat(" ", 300) + "-T\nprint 1;\n", kind: KindPerRequest, reason: "cut what follows them", warnings: true, taint: "-T"},
		{name: "#! line past the kernel's 255 bytes, name cut", base: "a.pl", src: "#!/usr/bin" + strings.Repeat("/.", 130) + "/perl\nprint 1;\n", kind: KindPerRequest, reason: "cut the interpreter's name"},
		{name: "switch -l", base: "a.pl", src: "#!/usr/bin/perl -l\nprint 1;\n", kind: KindPerRequest, reason: "switch -l"},
		{name: "switch -n in a bundle", base: "a.pl", src: "#!/usr/bin/perl -wn\nprint;\n", kind: KindPerRequest, reason: "switch -n", warnings: true},
		{name: "switch -0777", base: "a.pl", src: "#!/usr/bin/perl -0777\nprint;\n", kind: KindPerRequest, reason: "switch -0"},
		{name: "shell", base: "a.sh", src: "#!/bin/sh\necho hi\n", kind: KindPerRequest, reason: "not a Perl script (#!/bin/sh)"},
		{name: "python", base: "a.py", src: "#!/usr/bin/env python3\nprint(1)\n", kind: KindPerRequest, reason: "not a Perl script (#!/usr/bin/env python3)"},
		{name: "perl without shebang", base: "a.pl", src: "print 1;\n", kind: KindPerRequest, reason: "no #! line"},
		{name: "byte order mark", base: "a.pl", src: "\xef\xbb\xbf#!/usr/bin/perl\nprint 1;\n", kind: KindPerRequest, reason: "byte order mark"},
		{name: "binary", base: "a", src: "\x7fELF\x02\x01", kind: KindPerRequest, reason: "binary"},
		{name: "fcgi", base: "app.fcgi", src: "#!/bin/sh\nexec something\n", kind: KindNative},
		{name: "nph", base: "nph-trace.pl", src: "#!/usr/bin/perl\nprint \"HTTP/1.0 200 OK\\r\\n\";\n", kind: KindPerRequest, reason: "NPH"},
		{name: "CGI::Fast loop", base: "a.pl", src: "#!/usr/bin/perl\nuse CGI::Fast;\nwhile (my $q = CGI::Fast->new) { print $q->header }\n", kind: KindNative, perl: "/usr/bin/perl"},
		{name: "FCGI.pm", base: "a.pl", src: "#!/usr/bin/perl\nuse FCGI;\nmy $r = FCGI::Request();\n", kind: KindNative, perl: "/usr/bin/perl"},
		{name: "Catalyst's myapp_fastcgi.pl", base: "myapp_fastcgi.pl", src: "#!/usr/bin/env perl\n\nuse Catalyst::ScriptRunner;\nCatalyst::ScriptRunner->run('MyApp', 'FastCGI');\n\n1;\n", kind: KindNative},
		{name: "Catalyst's myapp_cgi.pl", base: "myapp_cgi.pl", src: "#!/usr/bin/env perl\n\nuse Catalyst::ScriptRunner;\nCatalyst::ScriptRunner->run('MyApp', 'CGI');\n\n1;\n", kind: KindPerl},
		{name: "Plack's FCGI handler", base: "dispatch.pl", src: "#!/usr/bin/perl\nuse Plack::Handler::FCGI;\nmy $server = Plack::Handler::FCGI->new(nproc => 5, detach => 1);\n$server->run($app);\n", kind: KindNative, perl: "/usr/bin/perl"},
		{name: "fork", base: "a.pl", src: "#!/usr/bin/perl\nmy $pid = fork;\n", kind: KindPerRequest, reason: "fork"},
		{name: "fork()", base: "a.pl", src: "#!/usr/bin/perl\nif (fork() == 0) { exit }\n", kind: KindPerRequest, reason: "fork"},
		{name: "exec", base: "a.pl", src: "#!/usr/bin/perl\nexec '/bin/date';\n", kind: KindPerRequest, reason: "exec"},
		{name: "exec dq", base: "a.pl", src: "#!/usr/bin/perl\nexec \"/bin/date\";\n", kind: KindPerRequest, reason: "exec"},
		{name: "system dq", base: "a.pl", src: "#!/usr/bin/perl\nsystem \"ls\";\n", kind: KindPerl, perl: "/usr/bin/perl"},
		{name: "exec indirect", base: "a.pl", src: "#!/usr/bin/perl\nexec { $prog } @args;\n", kind: KindPerRequest, reason: "exec"},
		{name: "system to stdout", base: "a.pl", src: "#!/usr/bin/perl\nsystem('ls', '-l');\nsystem(git_cmd(), 'cat-file', '-e', $h) == 0 or die;\n", kind: KindPerl, perl: "/usr/bin/perl"},
		{name: "system indirect", base: "a.pl", src: "#!/usr/bin/perl\nsystem { $prog } 'name', @args;\n", kind: KindPerRequest, reason: "indirect object"},
		{name: "system indirect var", base: "a.pl", src: "#!/usr/bin/perl\nmy $prog = '/bin/echo';\nsystem $prog \"greeter\", 'hi';\n", kind: KindPerRequest, reason: "indirect object"},
		{name: "system indirect var qw", base: "a.pl", src: "#!/usr/bin/perl\nsystem $prog qw(a b);\n", kind: KindPerRequest, reason: "indirect object"},
		{name: "system var direct", base: "a.pl", src: "#!/usr/bin/perl\nsystem $cmd if $ok;\nsystem $cmd, @args;\nsystem $cmd or die;\nsystem($cmd) == 0;\n", kind: KindPerl, perl: "/usr/bin/perl"},
		{name: "system redirected", base: "a.pl", src: "#!/usr/bin/perl\nsystem(\"gzip -c x > /tmp/x.gz\");\nsystem(\"cmd >/dev/null 2>&1\");\n", kind: KindPerl, perl: "/usr/bin/perl"},
		{name: "system to stderr", base: "a.pl", src: "#!/usr/bin/perl\nsystem(\"make 1>&2\");\n", kind: KindPerl, perl: "/usr/bin/perl"},
		{name: "pipe to command", base: "a.pl", src: "#!/usr/bin/perl\nopen(my $m, '|-', 'sort') or die;\n", kind: KindPerRequest, reason: "pipe"},
		{name: "pipe to command, 2-arg", base: "a.pl", src: "#!/usr/bin/perl\nopen(MAIL, \"| /usr/sbin/sendmail -t\");\n", kind: KindPerRequest, reason: "pipe"},
		{name: "pipe from command", base: "a.pl", src: "#!/usr/bin/perl\nopen(my $p, '-|', 'ls') or die;\nopen(L, \"ls |\");\nmy $d = `date`; my $e = qx(uptime);\n", kind: KindPerl, perl: "/usr/bin/perl"},
		// gitweb's syntax highlighter: a shell pipeline read from, built by
		// concatenation (" | " inside, the read "|" at the end).
		{name: "pipeline from commands", base: "a.pl", src: "#!/usr/bin/perl\nopen $fd, quote_command(git_cmd(), 'cat-file', 'blob', $hash).\" | \".\n\tquote_command($bin).\" --fragment |\"\n\tor die_error(500, 'x');\n", kind: KindPerl, perl: "/usr/bin/perl"},
		{name: "reopen STDOUT", base: "a.pl", src: "#!/usr/bin/perl\nopen(STDOUT, '>', '/tmp/out');\n", kind: KindPerRequest, reason: "STDOUT"},
		{name: "stderr to stdout", base: "a.pl", src: "#!/usr/bin/perl\nopen STDERR, '>&STDOUT';\n", kind: KindPerRequest, reason: "STDERR"},
		{name: "syscall", base: "a.pl", src: "#!/usr/bin/perl\nsyscall(39);\n", kind: KindPerRequest, reason: "syscall"},
		{name: "POSIX::_exit", base: "a.pl", src: "#!/usr/bin/perl\nuse POSIX;\nPOSIX::_exit(0);\n", kind: KindPerRequest, reason: "_exit"},
		{name: "CORE::exit", base: "a.pl", src: "#!/usr/bin/perl\nCORE::exit(0);\n", kind: KindPerRequest, reason: "CORE::exit"},
		{name: "INIT block", base: "a.pl", src: "#!/usr/bin/perl\nINIT { $x = 1 }\n", kind: KindPerRequest, reason: "INIT"},
		{name: "setsid", base: "a.pl", src: "#!/usr/bin/perl\nuse POSIX qw(setsid);\nsetsid();\n", kind: KindPerRequest, reason: "session"},
		{name: "setuid", base: "a.pl", src: "#!/usr/bin/perl\n$> = 65534;\n", kind: KindPerRequest, reason: "user"},
		{name: "setuid imported", base: "a.pl", src: "#!/usr/bin/perl\nuse POSIX qw(setuid setgid);\nif ($user) { setgid($user); setuid($user); }\n", kind: KindPerRequest, reason: "user"},
		{name: "setuid from use POSIX", base: "a.pl", src: "#!/usr/bin/perl\nuse POSIX;\nsetuid $uid or die;\n", kind: KindPerRequest, reason: "user"},
		{name: "euid in a list assignment", base: "a.pl", src: "#!/usr/bin/perl\n($>) = (65534) if $drop;\n", kind: KindPerRequest, reason: "user"},
		{name: "ids swapped", base: "a.pl", src: "#!/usr/bin/perl\nlocal ($<, $>) = ($>, $<);\n", kind: KindPerRequest, reason: "user"},
		{name: "gids in a list assignment", base: "a.pl", src: "#!/usr/bin/perl\n($(, $)) = ($gid, \"$gid $gid\");\n", kind: KindPerRequest, reason: "group"},
		{name: "Privileges::Drop", base: "a.pl", src: "#!/usr/bin/perl\nuse Privileges::Drop;\ndrop_uidgid(65534, 65534);\n", kind: KindPerRequest, reason: "user"},
		{name: "ionice on itself", base: "a.pl", src: "#!/usr/bin/perl\nsystem(\"ionice -c3 -p $$\");\n", kind: KindPerRequest, reason: "I/O priority"},
		{name: "prlimit on itself", base: "a.pl", src: "#!/usr/bin/perl\nsystem(\"prlimit --pid $$ --nofile=256:256\");\n", kind: KindPerRequest, reason: "limits"},
		{name: "taskset on itself", base: "a.pl", src: "#!/usr/bin/perl\nsystem('taskset', '-pc', '0', $$);\n", kind: KindPerRequest, reason: "CPUs"},
		{name: "chrt on itself", base: "a.pl", src: "#!/usr/bin/perl\n`chrt -b -p 0 $$`;\n", kind: KindPerRequest, reason: "scheduling"},
		{name: "setrlimit", base: "a.pl", src: "#!/usr/bin/perl\nuse BSD::Resource;\nsetrlimit(RLIMIT_CPU, 10, 20);\n", kind: KindPerRequest, reason: "limits"},
		{name: "the words in prose", base: "a.pl",
			src:  "#!/usr/bin/perl\nprint \"<p>Files with the setuid bit set are listed below.</p>\\n\";\nprint <<EOT;\nA directory with setgid set gives new files its group.\nEOT\nmy $cpu = \"The taskset tool pins CPUs\";\n",
			kind: KindPerl, perl: "/usr/bin/perl"},
		{name: "renice is put back", base: "a.pl", src: "#!/usr/bin/perl\nsystem(\"renice -n 5 -p $$\");\n", kind: KindPerl, perl: "/usr/bin/perl"},
		{name: "ids read, not set", base: "a.pl",
			src:  "#!/usr/bin/perl\nprint \"root\" if ($> == 0 && ($<) == 0);\nmy ($u, $g) = ($<, $();\nmy %id = (uid => $<, euid => $>);\n$acct->setuid(1); $h{setuid} = 1;\nprint \"($<) ($>)\\n\";\n",
			kind: KindPerl, perl: "/usr/bin/perl"},
		{name: "method and key named like builtins", base: "a.pl",
			src:  "#!/usr/bin/perl\n$obj->fork; $h{exec} = 1; my %o = (system => 2); $self->system('x'); my $forked = 1; print \"fork\";\n",
			kind: KindPerl, perl: "/usr/bin/perl"},
		{name: "hazard in a comment or POD or data", base: "a.pl",
			src:  "#!/usr/bin/perl\n# we never fork here\nprint 1; # exec would be bad\n\n=pod\n\nfork()\n\n=cut\n\nprint 2;\n__END__\nsystem('x');\n",
			kind: KindPerl, perl: "/usr/bin/perl"},
		{name: "hazard after a # in a string", base: "a.pl", src: "#!/usr/bin/perl\nmy $s = \"see #\"; my $pid = fork;\n", kind: KindPerRequest, reason: "fork"},
		{name: "hazard after a # in a regex", base: "a.pl", src: "#!/usr/bin/perl\n$x =~ s/ #//; exec '/bin/date';\n", kind: KindPerRequest, reason: "exec"},
		{name: "exit is fine", base: "a.pl", src: "#!/usr/bin/perl\nprint 1;\nexit 0;\n", kind: KindPerl, perl: "/usr/bin/perl"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := classify(tc.base, []byte(tc.src))
			if got.Kind != tc.kind {
				t.Errorf("Kind = %v, want %v (reason %q)", got.Kind, tc.kind, got.Reason)
			}
			if tc.reason == "" && got.Reason != "" {
				t.Errorf("Reason = %q, want none", got.Reason)
			}
			if tc.reason != "" && !strings.Contains(got.Reason, tc.reason) {
				t.Errorf("Reason = %q, want it to mention %q", got.Reason, tc.reason)
			}
			if tc.perl != "" && got.Perl != tc.perl {
				t.Errorf("Perl = %q, want %q", got.Perl, tc.perl)
			}
			if got.Warnings != tc.warnings {
				t.Errorf("Warnings = %v, want %v", got.Warnings, tc.warnings)
			}
			if got.Taint != tc.taint {
				t.Errorf("Taint = %q, want %q", got.Taint, tc.taint)
			}
		})
	}
}

// TestClassify_Corpus: the runner corpus is Perl the runner keeps, except
// the scripts that fork, exec, reopen STDOUT or pipe into a command, which
// the runner copes with at run time but Classify still sends to CGI.
func TestClassify_Corpus(t *testing.T) {
	perRequest := map[string]string{"fork.pl": "fork", "exec.pl": "exec", "open_std.pl": "exec", "pipe_to.pl": "pipe", "taint_exec.pl": "exec",
		"taint_t_exec.pl": "exec", "taint_t_warn.pl": "pipe",
		"reopen_stdout.pl": "reopens STDOUT", "own_builtins_subs.pl": "exec"}
	names, err := filepath.Glob("testdata/runner/*.pl")
	if err != nil || len(names) == 0 {
		t.Fatalf("corpus: %v", err)
	}
	for _, n := range names {
		c, err := Classify(n)
		if err != nil {
			t.Fatal(err)
		}
		base := filepath.Base(n)
		if why, ok := perRequest[base]; ok {
			if c.Kind != KindPerRequest || !strings.Contains(c.Reason, why) {
				t.Errorf("%s: %v %q, want per-request for %s", base, c.Kind, c.Reason, why)
			}
			continue
		}
		if c.Kind != KindPerl {
			t.Errorf("%s: %v %q, want perl", base, c.Kind, c.Reason)
		}
	}
}

// TestClassify_ShebangAsCGI: a #! line the kernel cannot run (the
// interpreter missing, or "perl\r" from CRLF line ends) fails in CGI mode,
// so fastcgi mode must serve it per request, where it fails the same way,
// not in a runner (C23); a CR after a switch is harmless to both.
func TestClassify_ShebangAsCGI(t *testing.T) {
	mustRunnerPerl(t)
	dir := t.TempDir()
	if err := os.Mkdir(filepath.Join(dir, "bin"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("/usr/bin/perl", filepath.Join(dir, "bin", "perl")); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, src string
		kind      Kind
	}{
		{"missing.pl", "#!/usr/local/no/such/perl\nprint \"Content-Type: text/plain\\n\\nhi\\n\";\n", KindPerRequest},
		{"crlf.pl", "#!/usr/bin/perl\r\nprint \"Content-Type: text/plain\\n\\nhi\\n\";\r\n", KindPerRequest},
		{"crlf_w.pl", "#!/usr/bin/perl -w\r\nprint \"Content-Type: text/plain\\n\\nhi\\n\";\r\n", KindPerl},
		// A relative interpreter is the kernel's from the working
		// directory (the script's), never from PATH.
		{"relative.pl", "#!perl\nprint \"Content-Type: text/plain\\n\\nhi\\n\";\n", KindPerRequest},
		{"relative_bin.pl", "#!bin/perl\nprint \"Content-Type: text/plain\\n\\nhi\\n\";\n", KindPerl},
		{"env.pl", "#!/usr/bin/env perl\nprint \"Content-Type: text/plain\\n\\nhi\\n\";\n", KindPerl},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := os.Stat("/usr/bin/perl"); err != nil {
				t.Skip("needs /usr/bin/perl (Debian package perl)")
			}
			path := filepath.Join(dir, tc.name)
			if err := os.WriteFile(path, []byte(tc.src), 0o755); err != nil {
				t.Fatal(err)
			}
			c, err := Classify(path)
			if err != nil {
				t.Fatal(err)
			}
			if c.Kind != tc.kind {
				t.Errorf("Kind = %v (%q), want %v", c.Kind, c.Reason, tc.kind)
			}
			if c.Kind == KindPerl && !filepath.IsAbs(c.Perl) {
				t.Errorf("Perl = %q: the runner would be looked up in the gateway's PATH", c.Perl)
			}
			cmd := exec.Command(path)
			cmd.Dir = dir
			cmd.Env = []string{"PATH=/usr/bin:/bin"}
			out, err := cmd.Output()
			if runs := err == nil && strings.HasSuffix(string(out), "hi\n"); runs != (tc.kind == KindPerl) {
				t.Errorf("as CGI: %q, %v; want it to run only when kept in a runner", out, err)
			}
		})
	}
}

func TestClassify_Errors(t *testing.T) {
	if _, err := Classify(filepath.Join(t.TempDir(), "missing.pl")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("missing file: %v, want not-exist", err)
	}
}

func TestRunnerArgs(t *testing.T) {
	path, args := RunnerArgs("/run/r.pl", Class{Kind: KindPerl, Perl: "/usr/bin/perl", Warnings: true}, "/srv/cgi/a.pl", "")
	if path != "/usr/bin/perl" || strings.Join(args, " ") != "-w /run/r.pl --isolation=auto --tmpdir=/run /srv/cgi/a.pl" {
		t.Errorf("RunnerArgs = %q %q", path, args)
	}
	path, args = RunnerArgs("/run/r.pl", Class{Kind: KindPerl}, "/srv/cgi/a.pl", IsolationRegistry)
	if path != "perl" || strings.Join(args, " ") != "/run/r.pl --isolation=registry --tmpdir=/run /srv/cgi/a.pl" {
		t.Errorf("RunnerArgs = %q %q", path, args)
	}
	_, args = RunnerArgs("/run/r.pl", Class{Kind: KindPerl, Warnings: true, Taint: "-T"}, "/srv/cgi/a.pl", "")
	if strings.Join(args, " ") != "-w -T /run/r.pl --isolation=auto --tmpdir=/run /srv/cgi/a.pl" {
		t.Errorf("RunnerArgs with -T = %q", args)
	}
	if err := CheckIsolation("fast"); err == nil {
		t.Error("CheckIsolation(fast) = nil")
	}
	for _, s := range []string{"", "auto", "perlrun", "registry"} {
		if err := CheckIsolation(s); err != nil {
			t.Errorf("CheckIsolation(%q) = %v", s, err)
		}
	}
}

// TestRunnerScript: the embedded runner is the file next to this test,
// and perl compiles it.
func TestRunnerScript(t *testing.T) {
	b, err := os.ReadFile("runner.pl")
	if err != nil {
		t.Fatal(err)
	}
	if string(RunnerScript()) != string(b) {
		t.Error("RunnerScript differs from runner.pl")
	}
	mustRunnerPerl(t)
	path := mustRunnerFile(t)
	if out, err := exec.Command("perl", "-c", path).CombinedOutput(); err != nil {
		t.Errorf("perl -c runner.pl: %v\n%s", err, out)
	}
}

// TestClassify_Unreadable: a script the gateway may execute but not read
// (mode 0711, another owner) is served per request, as cgi mode serves it,
// not refused with a 500 (C23); a .fcgi program stays a native worker. As
// root the test reads through a file-system uid of nobody (this thread's
// only), which takes root's power to read anything away.
func TestClassify_Unreadable(t *testing.T) {
	dir := t.TempDir()
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	perl := filepath.Join(dir, "noread.pl")
	native := filepath.Join(dir, "noread.fcgi")
	for _, p := range []string{perl, native} {
		if err := os.WriteFile(p, []byte("#!/usr/bin/perl\nprint \"Content-Type: text/plain\\n\\nhi\\n\";\n"), 0o711); err != nil {
			t.Fatal(err)
		}
		if os.Geteuid() != 0 {
			if err := os.Chmod(p, 0o111); err != nil {
				t.Fatal(err)
			}
		}
	}
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	if os.Geteuid() == 0 {
		unix.Setfsuid(65534)
		defer unix.Setfsuid(0)
	}
	if f, err := os.Open(perl); err == nil {
		f.Close()
		t.Skip("the file is still readable: cannot test")
	}
	c, err := Classify(perl)
	if err != nil || c.Kind != KindPerRequest || c.Reason == "" {
		t.Errorf("Classify(unreadable .pl) = %+v, %v; want per-request with a reason", c, err)
	}
	if c, err := Classify(native); err != nil || c.Kind != KindNative {
		t.Errorf("Classify(unreadable .fcgi) = %+v, %v; want native", c, err)
	}
}

// TestClassify_RequiredLibraries: the libraries a script requires or runs
// by a literal name (from its directory, and those they name) are read
// for the same hazards as the script, whose names the reason gives: a
// cgi-lib style helper that calls exec in a package of its own would
// replace the worker in the middle of a request. What the runner copes
// with in a library stays in it: a reopen of STDOUT, a `sub system` of
// the library's own; so does a name that is no file there.
func TestClassify_RequiredLibraries(t *testing.T) {
	if _, err := os.Stat("/usr/bin/perl"); err != nil {
		t.Skip("needs /usr/bin/perl (Debian package perl)")
	}
	dir := t.TempDir()
	for name, src := range map[string]string{
		"lib/runlib.pl":  "package runlib;\nsub show { exec '/bin/echo', @_ }\n1;\n",
		"lib/outer.pl":   "do 'lib/inner.pl';\n1;\n",
		"lib/inner.pl":   "sub spawn { my $pid = fork; $pid }\n1;\n",
		"lib/tofile.pl":  "sub to_file { open(STDOUT, '>', $_[0]) }\n1;\n",
		"lib/runlog.pl":  "sub system { print \"[run: @_]\\n\"; CORE::system(@_) }\n1;\n",
		"lib/helpers.pl": "sub header { \"Content-Type: text/plain\\n\\n\" }\n1;\n",
	} {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, tc := range []struct {
		name, code string
		reason     string // "" for KindPerl
	}{
		{"exec.pl", `require "./lib/runlib.pl";`, "its library ./lib/runlib.pl calls exec"},
		{"nested.pl", `require('lib/outer.pl');`, "its library lib/inner.pl calls fork"},
		{"abs.pl", `require "` + filepath.Join(dir, "lib/runlib.pl") + `";`, "calls exec"},
		{"reopen.pl", `require "./lib/tofile.pl";`, ""},
		{"own_system.pl", `require "./lib/runlog.pl"; system("ls");`, ""},
		{"plain.pl", `require "./lib/helpers.pl";`, ""},
		{"missing.pl", `require "./lib/none.pl";`, ""},
		{"interpolated.pl", `require "./lib/$name.pl";`, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(dir, tc.name)
			if err := os.WriteFile(path, []byte("#!/usr/bin/perl\n"+tc.code+"\nprint 1;\n"), 0o755); err != nil {
				t.Fatal(err)
			}
			c, err := Classify(path)
			if err != nil {
				t.Fatal(err)
			}
			if tc.reason == "" && c.Kind != KindPerl || tc.reason != "" && (c.Kind != KindPerRequest || !strings.Contains(c.Reason, tc.reason)) {
				t.Errorf("%v %q, want %q", c.Kind, c.Reason, tc.reason)
			}
			if tc.name == "nested.pl" && !slices.Equal(c.Libraries, []string{filepath.Join(dir, "lib/outer.pl"), filepath.Join(dir, "lib/inner.pl")}) {
				t.Errorf("Libraries = %q, want lib/outer.pl and lib/inner.pl (a change to either may change the class)", c.Libraries)
			}
		})
	}
}
