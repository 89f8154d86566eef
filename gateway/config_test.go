// config_test.go tests the config file of CONTRACT §7: validation with
// errors that name the line, and the rule that explicit flags win.

package gateway

import (
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/sirupsen/logrus"
	"github.com/sirupsen/logrus/hooks/test"
)

// mustConfigFile writes a TOML config into a temp dir and returns its path.
func mustConfigFile(tb testing.TB, content string) string {
	tb.Helper()
	p := filepath.Join(tb.TempDir(), "menshen.toml")
	mustWriteFile(tb, p, content, 0o644)
	return p
}

// newFromFile builds a Gateway over a copy of testdata/cgi with the config
// file content; the Gateway is closed at cleanup.
func newFromFile(tb testing.TB, content string, edit func(*Config)) (*Gateway, error) {
	tb.Helper()
	cfg := Config{Scripts: mustCopyTestdata(tb, "cgi"), ConfigFile: mustConfigFile(tb, content)}
	if edit != nil {
		edit(&cfg)
	}
	g, err := New(cfg)
	if g != nil {
		tb.Cleanup(func() { g.Close() })
	}
	return g, err
}

// TestConfig_RejectsInvalidFile guards §7: an invalid file is ErrConfig
// (exit 2 at start, "kept the previous config" on reload), and the message
// names the file and, where it can, the line.
func TestConfig_RejectsInvalidFile(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, file string
		want       []string // substrings of the error
	}{
		{"unknown top-level key", "mode = \"cgi\"\n\ntimeot = \"5s\"\n", []string{"line 3", `"timeot"`}},
		{"unknown key after a longer one", "timeout = \"5s\"\ntime = \"x\"\n", []string{"line 2", `"time"`}},
		{"unknown key named like a value", "mode = \"fastcgi\"\nfastcgi = 1\n", []string{"line 2", `"fastcgi"`}},
		{"unknown table", "[env]\nA = \"b\"\n\n[bogus]\nx = 1\n", []string{"line 4", "bogus"}},
		{"unknown key in a script table", "mode = \"cgi\"\n\n[script.\"sub/report.pl\"]\nmode = \"fastcgi\"\nworkrs = 2\n", []string{"line 5", "workrs"}},
		// TOML's dots part an unquoted path: the hint says to quote it.
		{"script path unquoted", "[script.env.pl]\nmode = \"fastcgi\"\n", []string{"line 1", `unknown key "script.env.pl": a script's path with a dot is quoted, [script."env.pl"]`}},
		{"same unknown key in the second script", "[script.\"a.pl\"]\nworkers = 2\n[script.\"b.pl\"]\nworkers = 3\nmode = \"cgi\"\nbogus = 1\n", []string{"line 6", "bogus"}},
		{"unknown key in a wrapper", "[[wrapper]]\next = \".php\"\ncommand = \"/usr/bin/php-cgi\"\nargs = []\ncmd = \"x\"\n", []string{"line 5", "cmd"}},
		{"unknown key in a mount", "[[mount]]\nprefix = \"/x/\"\ndir = \"/tmp\"\n\n[[mount]]\nprefix = \"/y/\"\ndir = \"/tmp\"\nmod = \"cgi\"\n", []string{"line 8", "mod"}},
		// TOML keys are case-sensitive: the decoder's own match of struct
		// fields is not.
		{"key in another case", "mode = \"cgi\"\nMode = \"fastcgi\"\n", []string{"line 2", `"Mode"`, "case-sensitive"}},
		{"table in another case", "mode = \"cgi\"\n\n[Env]\nFOO = \"x\"\n", []string{"line 3", `"Env"`}},
		{"array table in another case", "[[Wrapper]]\next = \".php\"\ncommand = \"/usr/bin/php-cgi\"\n", []string{"line 1", `"Wrapper"`}},
		{"script table in another case", "mode = \"cgi\"\n[Script.\"a.pl\"]\nmode = \"cgi\"\n", []string{"line 2", `"Script"`}},
		{"script key in another case", "[script.\"a.pl\"]\nmode = \"cgi\"\nTimeout = \"5s\"\n", []string{"line 3", "Timeout", "(\"timeout\")"}},
		{"size key in another case", "MAX_BODY = 10\n", []string{"line 1", "MAX_BODY"}},
		{"bad duration", "\ntimeout = \"soon\"\n", []string{"line 2", "timeout: ", "soon"}},
		{"empty mode", "\nmode = \"\"\n", []string{"line 2", "mode: empty value"}},
		{"empty isolation", "isolation = \"\"\n", []string{"line 1", "isolation: empty value"}},
		{"empty path", "path = \"\"\n", []string{"line 1", "path: empty value"}},
		{"empty script mode", "[script.\"a.pl\"]\nworkers = 2\nmode = \"\"\n", []string{"line 3", `script "a.pl": mode: empty value`}},
		{"empty script isolation", "[script.\"a.pl\"]\nisolation = \"\"\n", []string{"line 2", `script "a.pl": isolation: empty value`}},
		{"empty env name", "[env]\nA = \"b\"\n\"\" = \"x\"\n", []string{"line 3", `env name ""`}},
		{"bad size", "max_body = \"lots\"\n", []string{"line 1", "max_body: ", "lots"}},
		{"key twice", "timeout = \"1s\"\ntimeout = \"2s\"\n", []string{"line 2: Key 'timeout' has already been defined"}},
		{"duration without unit", "timeout = \"5\"\n", []string{"line 1", "5"}},
		{"negative duration", "idle_timeout = \"-1s\"\n", []string{"line 1", "-1s"}},
		{"bad script duration", "[script.\"a.pl\"]\ntimeout = \"1 minute\"\n", []string{"line 2", "minute"}},
		{"bad mode", "\nmode = \"turbo\"\n", []string{"line 2", "turbo", "cgi or fastcgi"}},
		{"bad script mode", "mode = \"cgi\"\n[script.\"a.pl\"]\nmode = \"fast\"\n", []string{"line 3", "a.pl", "fast"}},
		{"bad script mode, quoted key", "[script]\n'b.pl' = { mode = \"cgi\" }\n\"a.pl\".mode = \"fast\"\n", []string{"line 3", "a.pl", "fast"}},
		{"negative script min_workers", "[script.\"a.pl\"]\nmin_workers = -1\n", []string{"line 2", "min_workers"}},
		{"zero script capacity", "[script.\"a.fcgi\"]\n\ncapacity = 0\n", []string{"line 3", "capacity 0", "1 to 64"}},
		{"script capacity past the bound", "[script.\"a.fcgi\"]\ncapacity = 65\n", []string{"line 2", "capacity 65"}},
		{"negative queue", "queue = -3\n", []string{"line 1", "queue"}},
		// The bounds of the flags of the same names.
		{"zero workers", "workers = 0\n", []string{"line 1", "workers", "positive"}},
		{"zero timeout", "\ntimeout = \"0s\"\n", []string{"line 2", "timeout", "positive"}},
		{"min_workers above workers", "workers = 2\nmin_workers = 5\n", []string{"line 2", "min_workers"}},
		{"script min_workers above its workers", "[script.\"a.pl\"]\nworkers = 1\nmin_workers = 4\n", []string{"line 3", "a.pl", "min_workers"}},
		{"bad mount mode", "[[mount]]\nprefix = \"/x/\"\ndir = \"/tmp\"\nmode = \"cgl\"\n", []string{"line 4", "/x/", "cgl"}},
		{"bad mode in the second mount", "[[mount]]\nprefix = \"/x/\"\ndir = \"/tmp\"\nmode = \"cgi\"\n[[mount]]\nprefix = \"/y/\"\ndir = \"/tmp\"\nmode = \"cgl\"\n", []string{"line 8", "/y/", "cgl"}},
		{"mount without dir", "mode = \"cgi\"\n[[mount]]\nprefix = \"/x/\"\n", []string{"line 2", "/x/", "dir"}},
		{"bad isolation", "isolation = \"sandbox\"\n", []string{"sandbox"}},
		{"wrapper with relative command", "[[wrapper]]\next = \".php\"\ncommand = \"php-cgi\"\n", []string{"line 3", "php-cgi", "absolute"}},
		{"two wrappers for one ext", "[[wrapper]]\next = \".php\"\ncommand = \"/bin/sh\"\n[[wrapper]]\next = \".PHP\"\ncommand = \"/bin/cat\"\n", []string{"line 5", ".PHP", "wrapper 1"}},
		{"wrapper ext of two dots", "[[wrapper]]\next = \".cgi.txt\"\ncommand = \"/bin/sh\"\n", []string{"line 2", ".cgi.txt", "one extension"}},
		{"wrapper ext with a slash", "[[wrapper]]\ncommand = \"/bin/sh\"\next = \"./php\"\n", []string{"line 3", "./php", "one extension"}},
		{"wrapper without dot", "[[wrapper]]\next = \"php\"\ncommand = \"/usr/bin/php-cgi\"\n", []string{"line 2", "php", "dot"}},
		{"bad env name", "[env]\nOK = \"1\"\n\"BAD-NAME\" = \"x\"\n", []string{"line 3", "BAD-NAME"}},
		// Digits are letters' equals but in front: say so.
		{"env name starting with a digit", "[env]\n\"1X\" = \"y\"\n", []string{"line 2", `"1X"`, "must not start with a digit"}},
		{"script env name starting with a digit", "[script.\"a.pl\"]\nenv = { \"9_A\" = \"y\" }\n", []string{"line 2", `"9_A"`, "must not start with a digit"}},
		{"env sets a request's variable", "[env]\nHTTPS = \"on\"\nREQUEST_METHOD = \"PUT\"\n", []string{"line 3", "REQUEST_METHOD", "set from each request"}},
		{"env sets REMOTE_IDENT", "[env]\nREMOTE_IDENT = \"x\"\n", []string{"line 2", "REMOTE_IDENT"}},
		{"env sets a header's variable", "[env]\nHTTP_X_USER = \"admin\"\n", []string{"line 2", "HTTP_X_USER"}},
		{"env sets HTTP_PROXY", "[script.\"a.pl\"]\nenv = { HTTP_PROXY = \"http://p:3128\" }\n", []string{"line 2", "HTTP_PROXY", "httpoxy"}},
		{"script outside the directory", "[script.\"../etc/x.pl\"]\nmode = \"cgi\"\n", []string{"line 1", "../etc/x.pl"}},
		{"negative max_body", "max_body = -1\n", []string{"line 1", "max_body"}},
		{"zero max_body", "\nmax_body = 0\n", []string{"line 2", "max_body 0", "positive"}},
		{"zero max_body size", "max_body = \"0MiB\"\n", []string{"line 1", "max_body 0", "positive"}},
		{"negative max_body size", "max_body = \"-1KiB\"\n", []string{"line 1", "max_body -1024", "positive"}},
		{"bad max_body size", "\nmax_body = \"lots\"\n", []string{"line 2", "lots"}},
		{"script of no mount", "[script.\"/legacy/x.pl\"]\nmode = \"cgi\"\n", []string{"line 1", "/legacy/x.pl"}},
		{"wrong type", "max_procs = \"many\"\n", []string{"line 1", "max_procs"}},
		{"syntax error", "mode = \"cgi\"\n[script.\"a.pl\"\n", []string{"line "}},
		{"mount with a missing dir", "[[mount]]\nprefix = \"/x/\"\ndir = \"/nonexistent/menshen\"\n", []string{"line 3", "/nonexistent/menshen"}},
		{"mount over the main prefix", "[[mount]]\nprefix = \"/cgi-bin/\"\ndir = \"/tmp\"\n", []string{"line 2", "/cgi-bin/"}},
		// A value no environment can hold: every script would fail.
		{"NUL in an env value", "[env]\nOK = \"1\"\nFOO = \"a\\u0000b\"\n", []string{"line 3", "FOO", "NUL"}},
		{"NUL in a script's env value", "[script.\"a.pl\"]\nenv = { A = \"\\u0000\" }\n", []string{"line 2", "a.pl", "NUL"}},
		{"NUL in path", "\npath = \"/bin\\u0000/usr/bin\"\n", []string{"line 2", "path", "NUL"}},
		// A plain value where a table belongs set nothing, silently.
		{"env as a string", "mode = \"cgi\"\nenv = \"FOO=1\"\n", []string{"line 2", "env", "want a table"}},
		{"env as an array", "env = [\"FOO=1\"]\n", []string{"line 1", "env", "want a table"}},
		{"script as a string", "script = \"a.pl\"\n", []string{"line 1", "script", "want a table"}},
		{"a script as a string", "[script]\n\"a.pl\" = \"fastcgi\"\n", []string{"line 2", "a.pl", "table"}},
		{"a script's env as a string", "[script.\"a.pl\"]\nmode = \"cgi\"\nenv = \"A=1\"\n", []string{"line 3", "env", "want a table"}},
		// Script names no request's script can have.
		{"script name with ./", "[script.\"./a.pl\"]\nmode = \"cgi\"\n", []string{"line 1", "./a.pl", "clean path"}},
		{"script name with //", "mode = \"cgi\"\n[script.\"sub//a.pl\"]\nmode = \"cgi\"\n", []string{"line 2", "sub//a.pl", "clean path"}},
		{"empty script name", "[script.\"\"]\nmode = \"cgi\"\n", []string{"line 1", "clean path"}},
		// Sizes whose bytes pass int64 wrapped, to a negative limit.
		{"max_body past int64", "max_body = \"99999999999GiB\"\n", []string{"line 1", "too large"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := newFromFile(t, tc.file, nil)
			if err == nil {
				t.Fatalf("New accepted:\n%s", tc.file)
			}
			if !errors.Is(err, ErrConfig) {
				t.Errorf("error %v does not match ErrConfig", err)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
			if strings.Contains(err.Error(), "\n") {
				t.Errorf("error %q spans lines; the CLI prints it as one", err)
			}
		})
	}
}

// TestConfig_ContractExampleLoads guards §7: the example of the contract is
// valid as written.
func TestConfig_ContractExampleLoads(t *testing.T) {
	t.Parallel()
	legacy := t.TempDir()
	g, err := newFromFile(t, `
mode = "cgi"                 # default mode, like --mode
isolation = "auto"           # Perl runner default: auto | perlrun | registry
timeout = "60s"              # like --timeout; durations in Go syntax

[env]                        # extra variables for every script (Apache SetEnv)
GITWEB_CONFIG = "/etc/gitweb.conf"

[[wrapper]]                  # files with this extension run through a program
ext = ".php"                 # (Apache FcgidWrapper / lighttpd cgi.assign)
command = "/usr/bin/php-cgi" # in fastcgi mode a native FastCGI worker pool

[script."sub/report.pl"]     # per script, path under the scripts dir
mode = "fastcgi"
isolation = "registry"
workers = 4
timeout = "5m"
env = { REPORT_DB = "/srv/spc.db" }

[[mount]]                    # more URL prefixes, each with its own directory
prefix = "/legacy/"
dir = "`+legacy+`"
mode = "fastcgi"
`, nil)
	if err != nil {
		t.Fatal(err)
	}
	s := g.settings.Load()
	if got := s.timeoutFor("sub/report.pl"); got != 5*time.Minute {
		t.Errorf("sub/report.pl timeout %v, want 5m", got)
	}
	if got := s.timeoutFor("env.pl"); got != 60*time.Second {
		t.Errorf("env.pl timeout %v, want 60s", got)
	}
	if max, _ := s.workersFor("sub/report.pl"); max != 4 {
		t.Errorf("sub/report.pl workers %d, want 4", max)
	}
	if got := s.isolationFor("sub/report.pl"); got != IsolationRegistry {
		t.Errorf("sub/report.pl isolation %q, want registry", got)
	}
	if _, ok := s.wrapperFor("x.PHP"); !ok {
		t.Errorf("no wrapper for .PHP files")
	}
	if len(s.mounts) != 2 || s.mounts[0].prefix != "/legacy/" && s.mounts[1].prefix != "/legacy/" {
		t.Errorf("mounts %v, want /cgi-bin/ and /legacy/", s.mounts)
	}
	env := strings.Join(s.envFor("sub/report.pl"), " ")
	if !strings.Contains(env, "GITWEB_CONFIG=/etc/gitweb.conf") || !strings.Contains(env, "REPORT_DB=/srv/spc.db") {
		t.Errorf("sub/report.pl env %q, want [env] and its own", env)
	}
}

// TestConfig_ExplicitFlagsWin guards §7: "values apply where no flag was
// given explicitly": a flag in Config.Set beats the file, a default does
// not.
func TestConfig_ExplicitFlagsWin(t *testing.T) {
	t.Parallel()
	const file = `
mode = "fastcgi"
timeout = "9s"
max_procs = 3
queue = 7
max_body = 1000
path = "/file/bin"
pass_authorization = true
`
	t.Run("file over defaults", func(t *testing.T) {
		t.Parallel()
		g, err := newFromFile(t, file, func(c *Config) {
			c.Mode, c.Timeout, c.MaxProcs, c.Queue = ModeCGI, 2*time.Second, 5, 11
		})
		if err != nil {
			t.Fatal(err)
		}
		s := g.settings.Load()
		if s.mode != ModeFastCGI || s.timeout != 9*time.Second || s.maxProcs != 3 || s.queue != 7 ||
			s.maxBody != 1000 || s.path != "/file/bin" || !s.passAuth {
			t.Errorf("settings %+v, want the file's values", s)
		}
		if s.procs.Max() != 3 {
			t.Errorf("CGI limiter has %d slots, want max_procs 3", s.procs.Max())
		}
	})
	t.Run("explicit flags over file", func(t *testing.T) {
		t.Parallel()
		g, err := newFromFile(t, file, func(c *Config) {
			c.Mode, c.Timeout, c.MaxProcs, c.Queue, c.MaxBody, c.Path = ModeCGI, 2*time.Second, 5, 11, 64, "/flag/bin"
			c.Set = map[string]bool{"mode": true, "timeout": true, "max-procs": true, "queue": true,
				"max-body": true, "path": true, "pass-authorization": true}
		})
		if err != nil {
			t.Fatal(err)
		}
		s := g.settings.Load()
		if s.mode != ModeCGI || s.timeout != 2*time.Second || s.maxProcs != 5 || s.queue != 11 ||
			s.maxBody != 64 || s.path != "/flag/bin" || s.passAuth {
			t.Errorf("settings %+v, want the explicit flags' values", s)
		}
	})
}

// TestConfig_Defaults guards §1: the documented defaults of Config.
func TestConfig_Defaults(t *testing.T) {
	t.Parallel()
	c := Config{}.withDefaults()
	if c.Listen != "127.0.0.1:8080" || c.Admin != "127.0.0.1:8081" || c.Scripts != "./scripts" ||
		c.Prefix != "/cgi-bin/" || c.Mode != ModeCGI || c.Timeout != 60*time.Second ||
		c.MaxBody != 64<<20 || c.IdleTimeout != 5*time.Minute || c.Isolation != IsolationAuto {
		t.Errorf("defaults %+v", c)
	}
	if p := (Config{Prefix: "legacy"}).withDefaults().Prefix; p != "/legacy/" {
		t.Errorf("prefix \"legacy\" → %q, want /legacy/", p)
	}
}

// TestNew_RefusesExposedAdminWithoutToken guards C40: an admin listener
// off loopback needs a token.
func TestNew_RefusesExposedAdminWithoutToken(t *testing.T) {
	t.Parallel()
	_, err := New(Config{Scripts: t.TempDir(), Admin: "0.0.0.0:8081"})
	if !errors.Is(err, ErrConfig) {
		t.Errorf("New with admin 0.0.0.0 and no token: %v, want ErrConfig", err)
	}
}

// TestConfig_MountScriptSettingsAndSizes guards §7 for two forms the README
// documents: a per-script table named by the URL path of a script of a
// [[mount]] applies to it, and max_body takes a size string as --max-body
// does.
func TestConfig_MountScriptSettingsAndSizes(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	scripts, legacy := filepath.Join(dir, "scripts"), filepath.Join(dir, "legacy")
	for _, d := range []string{scripts, legacy} {
		if err := os.Mkdir(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	mustWriteFile(t, filepath.Join(legacy, "lv.sh"), "#!/bin/sh\nprintf 'Content-Type: text/plain\\n\\nLV=%s\\n' \"$LV\"\n", 0o755)
	conf := mustConfigFile(t, "max_body = \"1MiB\"\n\n[[mount]]\nprefix = \"/legacy\"\ndir = \""+legacy+"\"\n\n[script.\"/legacy/lv.sh\"]\nenv = { LV = \"lv1\" }\n")
	g, srv := mustGateway(t, Config{Scripts: scripts, ConfigFile: conf})
	if s := g.settings.Load(); s.maxBody != 1<<20 {
		t.Errorf("max_body \"1MiB\" gave %d bytes", s.maxBody)
	}
	if s := g.settings.Load(); s.scripts["/legacy/lv.sh"].capacity != 0 {
		t.Errorf("capacity %d without the key, want 0 (as the worker declares)", s.scripts["/legacy/lv.sh"].capacity)
	}
	resp, body := mustGet(t, srv.URL+"/legacy/lv.sh")
	if resp.StatusCode != http.StatusOK || string(body) != "LV=lv1\n" {
		t.Errorf("/legacy/lv.sh = %d %q, want 200 \"LV=lv1\\n\" from its [script] table", resp.StatusCode, body)
	}
}

// TestConfig_AllProblemsInLineOrder guards `menshen check`'s "one line per
// problem": every problem of a file is reported, in the order of its lines.
func TestConfig_AllProblemsInLineOrder(t *testing.T) {
	t.Parallel()
	// (An unknown table is one problem, not one more for each of its keys.)
	path := mustConfigFile(t, "mode = \"fast\"\nbogus = 1\n[[wrapper]]\next = \"php\"\ncommand = \"/usr/bin/php-cgi\"\n[script.\"a.pl\"]\nworkers = -1\n[scripts.\"b.pl\"]\nmode = \"cgi\"\n[scripts.\"b.pl\".env]\nA = \"b\"\n")
	_, errs := loadFileAll(path)
	var got []string
	for _, err := range errs {
		got = append(got, err.Error())
	}
	want := []string{"line 1", "line 2", "line 4", "line 7", "line 8"}
	if len(got) != len(want) {
		t.Fatalf("%d problems %q, want %d", len(got), got, len(want))
	}
	for i, w := range want {
		if !strings.Contains(got[i], w) || !strings.Contains(got[i], path) {
			t.Errorf("problem %d = %q, want it to name %s of %s", i+1, got[i], w, path)
		}
	}
}

// TestConfig_SyntaxErrorLine: a file that does not decode is reported at
// the line of its error, without the name of the key read before it when
// that line is a table header (the decoder counts an unclosed header's
// newline as the next line, under the table before).
func TestConfig_SyntaxErrorLine(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		file, want, not string
	}{
		{"[[wrapper]]\next = \".php\"\ncommand = \"/usr/bin/php-cgi\"\n\n[env\nX = \"1\"\n", "line 5: expected", "wrapper"},
		{"mode = \"cgi\"\ntimeout = \"x\nworkers = 2\n", "line 2: timeout: strings cannot contain newlines", ""},
		{"mode = \"cgi\"\nworkers = 2x\n", "line 2:", ""},
	} {
		_, errs := loadFileAll(mustConfigFile(t, tc.file))
		if len(errs) != 1 {
			t.Fatalf("%q: %d errors %v, want 1", tc.file, len(errs), errs)
		}
		if msg := errs[0].Error(); !strings.Contains(msg, tc.want) || tc.not != "" && strings.Contains(msg, tc.not) {
			t.Errorf("%q: %q, want %q in it and not %q", tc.file, msg, tc.want, tc.not)
		}
	}
}

// TestCheck_UnreadableConfigChecksNoScripts: with a config file that does
// not decode, check reports it and says the scripts were not checked,
// rather than checking them without the file (its wrapper's files would
// be "not executable").
func TestCheck_UnreadableConfigChecksNoScripts(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	mustWriteFile(t, filepath.Join(dir, "i.php"), "<?php echo 1;\n", 0o644)
	conf := mustConfigFile(t, "[[wrapper]]\next = \".php\"\ncommand = \"/usr/bin/php-cgi\"\n[env\n")
	problems, err := Check(Config{Scripts: dir, ConfigFile: conf, Admin: "off"})
	if !errors.Is(err, ErrConfig) {
		t.Errorf("error %v, want ErrConfig", err)
	}
	if len(problems) != 2 || !strings.Contains(problems[0], "line 4") || !strings.Contains(problems[1], "scripts not checked") {
		t.Errorf("problems %q, want the syntax error at line 4, then that scripts were not checked", problems)
	}
}

// TestConfig_BadMaxBodyHidesNoProblem guards C1 and the README's "none
// hiding another": a max_body that is not positive is a bad value, listed
// with the file's other problems, and check still checks the scripts, as
// for queue = -1. Before, the decoder stopped at it: it was the only
// problem listed, and the scripts went unchecked.
func TestConfig_BadMaxBodyHidesNoProblem(t *testing.T) {
	t.Parallel()
	for _, size := range []string{"0", "-1", `"0"`, `"-1MiB"`} {
		t.Run(size, func(t *testing.T) {
			t.Parallel()
			path := mustConfigFile(t, "max_body = "+size+"\nqueue = -1\nmode = \"x\"\ntimeout = \"-1s\"\n")
			_, errs := loadFileAll(path)
			want := []string{"line 1: max_body", "line 2: queue", "line 3: mode", "line 4: timeout"}
			if len(errs) != len(want) {
				t.Fatalf("%d problems %v, want %d", len(errs), errs, len(want))
			}
			for i, w := range want {
				if !strings.Contains(errs[i].Error(), w) {
					t.Errorf("problem %d = %q, want %q in it", i+1, errs[i], w)
				}
			}
			dir := t.TempDir()
			mustWriteFile(t, filepath.Join(dir, "report.pl"), "#!/usr/bin/perl\n", 0o644)
			problems, err := Check(Config{Scripts: dir, ConfigFile: path, Admin: "off"})
			if !errors.Is(err, ErrConfig) {
				t.Errorf("error %v, want ErrConfig", err)
			}
			if len(problems) != 5 || !strings.Contains(problems[0], "max_body") || !strings.Contains(problems[4], "report.pl: not executable") {
				t.Errorf("check %q, want the 4 problems of the file, then report.pl's", problems)
			}
		})
	}
}

// TestConfig_WrongTypeSaidInTheFilesTerms: a value of a type its key does
// not take stops the reading (README), and the one line says what to
// write, at the line of the value, without the decoder's Go types
// (map[string]any, gateway.fileScript, destination has type slice).
func TestConfig_WrongTypeSaidInTheFilesTerms(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, file string
		want       []string // substrings of the one error
	}{
		{"[mount] for [[mount]]", "mode = \"cgi\"\n[mount]\nprefix = \"/x/\"\ndir = \"/tmp\"\n", []string{"line 2", "mount is an array of tables", "write [[mount]]"}},
		{"[wrapper] for [[wrapper]]", "[wrapper]\next = \".php\"\ncommand = \"/usr/bin/php-cgi\"\n", []string{"line 1", "wrapper is an array of tables", "write [[wrapper]]"}},
		{"wrapper as a string", "wrapper = \".php\"\n", []string{"line 1", "wrapper is an array of tables, not a string"}},
		{"wrapper as an array of strings", "wrapper = [\".php\"]\n", []string{"line 1", "wrapper is an array of tables", "holding a string"}},
		{"a script's key under [script]", "[script]\nmode = \"cgi\"\n", []string{"line 2", `[script."PATH"]`, "sub/report.pl", `mode = "cgi" below it`}},
		{"a script's settings as a string", "[script]\n\"a.pl\" = \"fastcgi\"\n", []string{"line 2", `script "a.pl": want a table, not a string`, `[script."a.pl"]`}},
		{"env value a number", "[env]\nA = \"x\"\nFOO = 1\n", []string{"line 3", `env values are strings: FOO = "1"`}},
		{"env value a boolean", "[env]\nON = true\n", []string{"line 2", `ON = "true"`}},
		{"env value an array", "[env]\nPATHS = [\"/a\"]\n", []string{"line 2", "env values are strings", "PATHS is an array"}},
		{"script env value a number", "[script.\"a.pl\"]\nenv = { PORT = 8080 }\n", []string{"line 2", `script "a.pl": env values are strings: PORT = "8080"`}},
		{"integer in quotes", "workers = \"4\"\n", []string{"line 1", "workers: want an integer, not a string", "workers = 4, without quotes"}},
		{"script integer as a word", "[script.\"a.pl\"]\nmode = \"cgi\"\nworkers = \"many\"\n", []string{"line 3", `script "a.pl": workers: want an integer, not a string`}},
		{"boolean in quotes", "pass_authorization = \"true\"\n", []string{"line 1", "want true or false", "pass_authorization = true"}},
		{"mode a number", "mode = 1\n", []string{"line 1", "mode: want a string"}},
		{"mount prefix a number", "[[mount]]\ndir = \"/tmp\"\n[[mount]]\ndir = \"/tmp\"\nprefix = 2\n", []string{"line 5", "mount 2: prefix: want a string"}},
		{"args a string", "[[wrapper]]\next = \".php\"\ncommand = \"/bin/sh\"\nargs = \"-x\"\n", []string{"line 4", "wrapper 1: args: want an array of strings, not a string"}},
		{"inline wrapper's ext a number", "wrapper = [{ ext = 1, command = \"/bin/sh\" }]\n", []string{"line 1", "wrapper 1: ext: want a string"}},
		{"duration without quotes", "timeout = 30\n", []string{"line 1", `timeout = "30s"`}},
		{"duration without unit", "[script.\"a.pl\"]\ntimeout = \"30\"\n", []string{"line 2", `script "a.pl": timeout: "30": a duration needs a unit, e.g. "30s"`}},
		{"duration a word", "idle_timeout = \"soon\"\n", []string{"line 1", `idle_timeout: "soon" is not a duration`}},
		{"size a boolean", "max_body = true\n", []string{"line 1", "max_body: want a size", "not a boolean"}},
		// Of two, the first in the file, whatever order the walk of its
		// tables takes (the decoder's is a Go map's: any).
		{"two wrong types", "mode = \"cgi\"\nworkers = \"x\"\n[env]\nB = 2\n", []string{"line 2", "workers: want an integer"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, errs := loadFileAll(mustConfigFile(t, tc.file))
			if len(errs) != 1 {
				t.Fatalf("%d problems %q, want 1", len(errs), errs)
			}
			msg := errs[0].Error()
			if !errors.Is(errs[0], ErrConfig) {
				t.Errorf("error %q does not match ErrConfig", msg)
			}
			for _, w := range tc.want {
				if !strings.Contains(msg, w) {
					t.Errorf("error %q does not contain %q", msg, w)
				}
			}
			for _, goish := range []string{"toml:", "map[string]", "gateway.", "destination", "int64", "slice", "time:"} {
				if strings.Contains(msg, goish) {
					t.Errorf("error %q says %q, the decoder's Go", msg, goish)
				}
			}
		})
	}
}

// TestConfig_ArrayOfTablesForATable: [[env]] or [[script]] where a table
// belongs is one problem at its header, listed with the others, not an
// unknown key for each key under it.
func TestConfig_ArrayOfTablesForATable(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ file, want string }{
		{"mode = \"cgi\"\n[[env]]\nA = \"b\"\nC = \"d\"\n", "line 2: env: want a table ([env] then NAME = \"value\" lines), not an array of tables ([[env]])"},
		{"[[script]]\nmode = \"cgi\"\n", "line 1: script: want a table ([script.\"name\"] headers), not an array of tables ([[script]])"},
	} {
		_, errs := loadFileAll(mustConfigFile(t, tc.file))
		if len(errs) != 1 || !strings.Contains(errs[0].Error(), tc.want) {
			t.Errorf("%q: problems %q, want one: %q", tc.file, errs, tc.want)
		}
	}
}

// TestCheck_NamesWithControlCharactersAreOneLine guards C1's "one line per
// problem": a file name holding a newline (or a carriage return, or a
// terminal's escape sequence, or bytes that are not UTF-8) is shown
// escaped as /status shows a script's name (scriptName), in check's lines
// and in the config file's.
func TestCheck_NamesWithControlCharactersAreOneLine(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	names := map[string]string{"a\nb.pl": `a\nb.pl`, "c\rd.pl": `c\rd.pl`, "e\x1b[31m.pl": `e\x1b[31m.pl`, "f\xfe\u2028.pl": `f\xfe\u2028.pl`}
	for name := range names {
		mustWriteFile(t, filepath.Join(dir, name), "#!/usr/bin/perl\n", 0o644)
	}
	conf := filepath.Join(t.TempDir(), "x\ny.toml")
	mustWriteFile(t, conf, "queue = -1\n", 0o644)
	problems, err := Check(Config{Scripts: dir, ConfigFile: conf, Admin: "off"})
	if !errors.Is(err, ErrConfig) {
		t.Errorf("error %v, want ErrConfig", err)
	}
	all := strings.Join(problems, "\n")
	if len(problems) != 1+len(names) {
		t.Errorf("%d problems %q, want %d", len(problems), problems, 1+len(names))
	}
	for _, p := range problems {
		if strings.ContainsFunc(p, func(r rune) bool { return r == utf8.RuneError || !strconv.IsPrint(r) }) {
			t.Errorf("problem %q holds a character that does not print", p)
		}
	}
	for _, want := range names {
		if !strings.Contains(all, want+": not executable") {
			t.Errorf("no problem names %s in %q", want, all)
		}
	}
	if !strings.Contains(all, `x\ny.toml line 1: queue -1`) {
		t.Errorf("no problem names the config file x\\ny.toml in %q", all)
	}
}

// TestCheck_InterpreterWrapperWarned: a [[wrapper]] through a plain
// interpreter (lighttpd's cgi.assign = (".pl" => "/usr/bin/perl")) works
// in cgi mode and fails every file of its extension in fastcgi mode (its
// worker runs the script once and exits): check lists it, serve warns.
func TestCheck_InterpreterWrapperWarned(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	for _, tc := range []struct {
		command string
		warned  bool
	}{{"/usr/bin/perl", true}, {"/bin/sh", true}, {"/usr/bin/env", false}} {
		if _, err := os.Stat(tc.command); err != nil {
			continue
		}
		conf := mustConfigFile(t, "[[wrapper]]\next = \".x\"\ncommand = \""+tc.command+"\"\n")
		checked, logged := warnedOf(t, dir, conf, "is an interpreter, not a FastCGI server")
		if checked != tc.warned || logged != tc.warned {
			t.Errorf("%s: check listed it %v, serve warned %v; want %v", tc.command, checked, logged, tc.warned)
		}
	}
}

// warnedOf reports whether check lists a problem holding msg for the
// config file conf over dir, and whether serve warns of it at start.
func warnedOf(t *testing.T, dir, conf, msg string) (checked, logged bool) {
	t.Helper()
	problems, err := Check(Config{Scripts: dir, ConfigFile: conf, Admin: "off"})
	if err != nil {
		t.Fatalf("check: %v", err)
	}
	checked = slices.ContainsFunc(problems, func(p string) bool { return strings.Contains(p, msg) })
	log, hook := test.NewNullLogger()
	g, _ := mustGateway(t, Config{Scripts: dir, ConfigFile: conf, Admin: "off", Logger: log})
	if err := g.Start(); err != nil {
		t.Fatal(err)
	}
	logged = slices.ContainsFunc(hook.AllEntries(), func(e *logrus.Entry) bool {
		return e.Level == logrus.WarnLevel && strings.Contains(e.Message, msg)
	})
	return checked, logged
}

// TestCheck_StrayEnvKeyWarned: a top-level key written below [env]
// (`mode = "fastcgi"` after it) is an [env] variable in TOML, which set
// nothing and passed silently: check lists it with its line, serve warns.
func TestCheck_StrayEnvKeyWarned(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	conf := mustConfigFile(t, "[env]\nFOO = \"x\"\nmode = \"fastcgi\"\nMODE = \"upper case is a variable\"\n")
	problems, err := Check(Config{Scripts: dir, ConfigFile: conf, Admin: "off"})
	if err != nil {
		t.Fatal(err)
	}
	want := "line 3: [env] mode: a key of the config's top level, written below [env], is an [env] variable in TOML and sets nothing"
	if len(problems) != 1 || !strings.Contains(problems[0], want) {
		t.Errorf("check: %q, want one problem with %q", problems, want)
	}
	log, hook := test.NewNullLogger()
	g, _ := mustGateway(t, Config{Scripts: dir, ConfigFile: conf, Admin: "off", Logger: log})
	if err := g.Start(); err != nil {
		t.Fatal(err)
	}
	if !slices.ContainsFunc(hook.AllEntries(), func(e *logrus.Entry) bool {
		return e.Level == logrus.WarnLevel && strings.Contains(e.Message, "[env] mode: a key of the config's top level")
	}) {
		t.Errorf("serve did not warn: %v", messages(hook))
	}
}

// TestCheck_PHPCLIWrapperWarned: a [[wrapper]] through PHP's command-line
// php (what a mod_php Apache has at hand; php-cgi is another package)
// sends no header, so nearly every page is a 502. It is not refused (a
// page that prints its own header works, and args may run a FastCGI
// server script): check lists it and serve warns of it at start; a
// wrapper with args is neither.
func TestCheck_PHPCLIWrapperWarned(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	php := filepath.Join(t.TempDir(), "php8.2")
	mustWriteFile(t, php, "#!/bin/sh\n", 0o755)
	for _, tc := range []struct {
		name, conf string
		warned     bool
	}{
		{"script alone", "[[wrapper]]\next = \".php\"\ncommand = \"" + php + "\"\n", true},
		{"with args", "[[wrapper]]\next = \".php\"\ncommand = \"" + php + "\"\nargs = [\"/srv/fcgi-server.php\"]\n", false},
	} {
		conf := mustConfigFile(t, tc.conf)
		checked, logged := warnedOf(t, dir, conf, "command-line interpreter, which speaks neither CGI nor FastCGI (its pages send no header: 502): use php-cgi")
		if checked != tc.warned || logged != tc.warned {
			t.Errorf("%s: check listed it %v, serve warned %v; want %v", tc.name, checked, logged, tc.warned)
		}
	}
	// Added by a live edit, it is warned about as at start; a reload
	// that leaves it as it was does not repeat the warning.
	conf := mustConfigFile(t, "mode = \"cgi\"\n")
	log, hook := test.NewNullLogger()
	g, _ := mustGateway(t, Config{Scripts: dir, ConfigFile: conf, Admin: "off", Logger: log})
	if err := g.Start(); err != nil {
		t.Fatal(err)
	}
	warnings := func() int {
		n := 0
		for _, e := range hook.AllEntries() {
			if e.Level == logrus.WarnLevel && strings.Contains(e.Message, "command-line interpreter") {
				n++
			}
		}
		return n
	}
	mustWriteFile(t, conf, "[[wrapper]]\next = \".php\"\ncommand = \""+php+"\"\n", 0o644)
	if err := g.Reload(); err != nil {
		t.Fatal(err)
	}
	if n := warnings(); n != 1 {
		t.Errorf("wrapper added by a reload: %d warnings, want 1 (%v)", n, messages(hook))
	}
	if err := g.Reload(); err != nil {
		t.Fatal(err)
	}
	if n := warnings(); n != 1 {
		t.Errorf("a reload that left the wrapper as it was: %d warnings in all, want 1 (%v)", n, messages(hook))
	}
}

// TestConfig_MinWorkersOnValuesInEffect: min-workers is checked against
// workers as they apply (a flag, else the file, else the default): a flag
// and a file key that together make a valid setup start, and a file's
// min_workers above the flag's workers is refused, naming both.
func TestConfig_MinWorkersOnValuesInEffect(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, file string
		edit       func(*Config)
		want       []string // substrings of the error; none: valid
	}{
		{"file workers, flag min-workers", "workers = 4\n", func(c *Config) {
			c.MinWorkers, c.Set = 3, map[string]bool{"min-workers": true}
		}, nil},
		{"file min_workers above file workers a flag overrides", "min_workers = 3\nworkers = 1\n", func(c *Config) {
			c.Workers, c.Set = 4, map[string]bool{"workers": true}
		}, nil},
		{"file min_workers above flag workers", "min_workers = 3\n", func(c *Config) {
			c.Workers, c.Set = 1, map[string]bool{"workers": true}
		}, []string{"line 1", "min_workers", "--workers", "3", "1"}},
		{"flag min-workers above file workers", "mode = \"cgi\"\nworkers = 2\n", func(c *Config) {
			c.MinWorkers, c.Set = 3, map[string]bool{"min-workers": true}
		}, []string{"line 2", "--min-workers", "workers"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := newFromFile(t, tc.file, tc.edit)
			if tc.want == nil {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			if err == nil || !errors.Is(err, ErrConfig) {
				t.Fatalf("err %v, want ErrConfig", err)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
		})
	}
}

// TestConfig_PrefixWithEmptySegment: a prefix that no cleaned request path
// can match (/cgi-bin//, /a/../x/, /x/./) is refused, for --prefix and for
// a mount, instead of starting a gateway that answers 404 to everything.
func TestConfig_PrefixWithEmptySegment(t *testing.T) {
	t.Parallel()
	for _, p := range []string{"/cgi-bin//", "/a/../cgi-bin/", "/x/./"} {
		_, err := New(Config{Scripts: mustCopyTestdata(t, "cgi"), Prefix: p})
		if err == nil || !errors.Is(err, ErrConfig) || !strings.Contains(err.Error(), "segment") {
			t.Errorf("--prefix %q: err %v, want ErrConfig naming the segment", p, err)
		}
		_, err = newFromFile(t, fmt.Sprintf("[[mount]]\nprefix = %q\ndir = \"/tmp\"\n", p), nil)
		if err == nil || !strings.Contains(err.Error(), "line 2") || !strings.Contains(err.Error(), "segment") {
			t.Errorf("mount prefix %q: err %v, want line 2 naming the segment", p, err)
		}
	}
	if g, err := New(Config{Scripts: mustCopyTestdata(t, "cgi"), Prefix: "/"}); err != nil {
		t.Errorf("--prefix /: %v", err)
	} else {
		g.Close()
	}
}

// TestConfig_UnmatchedScriptWarned: serve takes a [script."name"] table
// for a script that does not exist (it may come later), but says so at
// start and at every reload that keeps it, so that a typo does not leave
// its settings unapplied without a word.
func TestConfig_UnmatchedScriptWarned(t *testing.T) {
	t.Parallel()
	log, hook := test.NewNullLogger()
	g, err := newFromFile(t, "[script.\"helo.sh\"]\ntimeout = \"1s\"\n[script.\"hello.sh\"]\ntimeout = \"2s\"\n", func(c *Config) { c.Logger = log })
	if err != nil {
		t.Fatal(err)
	}
	warned := func() (names []string) {
		for _, e := range hook.AllEntries() {
			if e.Level == logrus.WarnLevel && strings.Contains(e.Message, "does not exist") {
				names = append(names, fmt.Sprint(e.Data["script"]))
			}
		}
		return names
	}
	if err := g.Start(); err != nil {
		t.Fatal(err)
	}
	if got := warned(); len(got) != 1 || got[0] != "helo.sh" {
		t.Errorf("warnings at start name %q, want only helo.sh", got)
	}
	if err := g.Reload(); err != nil {
		t.Fatal(err)
	}
	if got := warned(); len(got) != 2 || got[1] != "helo.sh" {
		t.Errorf("warnings after a reload name %q, want helo.sh twice", got)
	}
}
