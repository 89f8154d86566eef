// Command menshen is a gateway for legacy CGI programs: it serves a
// directory of CGI scripts per request (cgi mode) or through persistent
// FastCGI workers (fastcgi mode). See README.md and CONTRACT.md.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"regexp"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/menshen/menshen/gateway"
	"github.com/urfave/cli/v2"
)

// Exit codes (CONTRACT §1).
const (
	exitOK      = 0
	exitRuntime = 1
	exitUsage   = 2
)

// commit is set with -ldflags "-X main.commit=...".
var commit = "unknown"

// started is set when a command's action begins (see run).
var started bool

// errUsage marks bad flags or arguments (exit 2).
var errUsage = errors.New("usage")

func main() {
	// The gateway's live heap is small and every request allocates a little:
	// a lazier collector buys CGI throughput on small machines. GOGC in the
	// environment still wins.
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(400)
	}
	closeInheritedOnExec()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM, syscall.SIGQUIT)
	defer stop()
	os.Exit(run(ctx, os.Args, os.Stdout, os.Stderr))
}

// closeInheritedOnExec marks every descriptor menshen inherited beyond 0-2
// close-on-exec, so that scripts and workers do not inherit them (a shell's
// pipe, a supervisor's socket): they see only what the gateway gives them.
func closeInheritedOnExec() {
	entries, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		return
	}
	for _, e := range entries {
		if fd, err := strconv.Atoi(e.Name()); err == nil && fd > 2 {
			syscall.CloseOnExec(fd)
		}
	}
}

// run executes the CLI and maps its error to an exit code in one place.
//
// Errors before any command's action starts come from parsing flags or
// their MENSHEN_* variables: they are usage errors too.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	app := newApp(stdout, stderr)
	if len(args) > 1 && !strings.HasPrefix(args[1], "-") && args[1] != "help" && args[1] != "h" && app.Command(args[1]) == nil {
		// urfave/cli would answer "No help topic for 'x'", which reads
		// as a problem with help, not with the command's name.
		names := []string{}
		for _, c := range app.VisibleCommands() {
			names = append(names, c.Name)
		}
		fmt.Fprintf(stderr, "menshen: unknown command %q (commands: %s; see menshen help)\n", args[1], strings.Join(names, ", "))
		return exitUsage
	}
	commandLineBeatsEnv(app, args)
	emptyEnvIsUnset(app)
	started = false
	err := app.RunContext(ctx, args)
	if err == nil {
		return exitOK
	}
	if msg := err.Error(); msg != "" {
		fmt.Fprintf(stderr, "menshen: %s\n", msg)
	}
	if errors.Is(err, errUsage) || errors.Is(err, gateway.ErrConfig) || !started {
		return exitUsage
	}
	var ec cli.ExitCoder
	if errors.As(err, &ec) {
		return ec.ExitCode()
	}
	return exitRuntime
}

// exclusive are settings of which the command line gives one: given
// there, the others' MENSHEN_* variables are not read either.
var exclusive = [][]string{{"requests", "duration"}}

// commandLineBeatsEnv makes a flag given on the command line win over its
// MENSHEN_* variable: urfave/cli reads the variable first, and a bad one
// (MENSHEN_TIMEOUT=garbage) failed the command even with --timeout 5s
// given. The variables of flags given on the command line (and of those
// exclusive with them) are not read at all.
func commandLineBeatsEnv(app *cli.App, args []string) {
	if len(args) < 2 {
		return
	}
	cmd := app.Command(args[1])
	if cmd == nil {
		return
	}
	given := map[string]bool{}
	for _, a := range args[2:] {
		if a == "--" {
			break
		}
		if len(a) < 2 || a[0] != '-' {
			continue
		}
		name, _, _ := strings.Cut(strings.TrimLeft(a, "-"), "=")
		given[name] = true
	}
	for _, f := range cmd.Flags {
		names := f.Names()
		hit := slices.ContainsFunc(names, func(n string) bool { return given[n] })
		for _, group := range exclusive {
			if slices.Contains(group, names[0]) && slices.ContainsFunc(group, func(n string) bool { return given[n] }) {
				hit = true
			}
		}
		if !hit {
			continue
		}
		switch f := f.(type) {
		case *cli.StringFlag:
			f.EnvVars = nil
		case *cli.IntFlag:
			f.EnvVars = nil
		case *cli.DurationFlag:
			f.EnvVars = nil
		case *cli.BoolFlag:
			f.EnvVars = nil
		}
	}
}

func newApp(stdout, stderr io.Writer) *cli.App {
	app := &cli.App{
		Name:      "menshen",
		Usage:     "serve legacy CGI scripts, per request or through persistent FastCGI workers",
		Version:   gateway.Version,
		Writer:    stdout,
		ErrWriter: stderr,
		// Keep urfave/cli from calling os.Exit inside Run (STYLE §8).
		ExitErrHandler: func(*cli.Context, error) {},
		OnUsageError:   usageError,
		HideVersion:    true,
		Commands: []*cli.Command{
			serveCommand(),
			checkCommand(),
			modeCommand(),
			benchCommand(),
			versionCommand(),
		},
	}
	for _, cmd := range app.Commands {
		cmd.Before = emptyValues
	}
	return app
}

// emptyEnvIsUnset makes an empty MENSHEN_* variable count as unset, for
// every flag alike: a compose file's `MENSHEN_MODE: ${MODE}` or a unit's
// `Environment=MENSHEN_LOG_LEVEL=` with nothing after it means "no
// setting", not an empty one (which some flags took for their default and
// others refused).
func emptyEnvIsUnset(app *cli.App) {
	keep := func(vars []string) []string {
		return slices.DeleteFunc(slices.Clone(vars), func(v string) bool {
			val, ok := os.LookupEnv(v)
			return ok && val == ""
		})
	}
	for _, cmd := range app.Commands {
		for _, f := range cmd.Flags {
			switch f := f.(type) {
			case *cli.StringFlag:
				f.EnvVars = keep(f.EnvVars)
			case *cli.IntFlag:
				f.EnvVars = keep(f.EnvVars)
			case *cli.DurationFlag:
				f.EnvVars = keep(f.EnvVars)
			case *cli.BoolFlag:
				f.EnvVars = keep(f.EnvVars)
			}
		}
	}
}

// source names where a flag's value came from, for a message about it:
// the MENSHEN_* variable it was read from, else --name. (run has dropped
// the variables of the flags given on the command line, and the empty
// ones: what is left and set is where the value came from.)
func source(c *cli.Context, name string) string {
	if ev, ok := commandFlag(c, name).(interface{ GetEnvVars() []string }); ok && c.IsSet(name) {
		for _, v := range ev.GetEnvVars() {
			if _, ok := os.LookupEnv(v); ok {
				return v
			}
		}
	}
	return "--" + name
}

// commandFlag is the flag of c's command that has name, or nil.
func commandFlag(c *cli.Context, name string) cli.Flag {
	if c.Command == nil {
		return nil
	}
	for _, f := range c.Command.Flags {
		if slices.Contains(f.Names(), name) {
			return f
		}
	}
	return nil
}

// setting is a flag's value as it was given, for a message about it:
// "--queue -1", or "MENSHEN_QUEUE=-1" when it came from that variable.
func setting(c *cli.Context, name string, value any) string {
	if s := source(c, name); !strings.HasPrefix(s, "--") {
		return fmt.Sprintf("%s=%v", s, value)
	}
	return fmt.Sprintf("--%s %v", name, value)
}

// The flag package's own messages, which urfave/cli passes on: they spell
// a flag as Go does (-timeout), and say only "parse error" of a value
// they could not read.
var (
	flagBadValue  = regexp.MustCompile(`^invalid (?:boolean )?value ("(?:[^"\\]|\\.)*") for (?:flag )?-(\S+): (.*)$`)
	flagNoValue   = regexp.MustCompile(`^flag needs an argument: -(\S+)$`)
	flagUndefined = regexp.MustCompile(`^flag provided but not defined: -(\S+)$`)
	// urfave/cli's own, for a MENSHEN_* variable it could not read.
	envBadValue = regexp.MustCompile(`^could not parse ("(?:[^"\\]|\\.)*") as \S+ value from environment variable "([^"]+)" for flag (\S+): (.*)$`)
)

// flagError restates a parse error of the flag package, or urfave/cli's
// of a MENSHEN_* variable: the flag as it is spelled (--timeout), or the
// variable (MENSHEN_TIMEOUT="abc"), and what its value must look like (a
// duration needs a unit: "--timeout 5" is not 5 seconds). Other errors
// are returned as they are.
func flagError(c *cli.Context, err error) error {
	msg := err.Error()
	if m := flagNoValue.FindStringSubmatch(msg); m != nil {
		return fmt.Errorf("%s needs a value", spelled(m[1]))
	}
	if m := flagUndefined.FindStringSubmatch(msg); m != nil {
		return fmt.Errorf("unknown flag %s", spelled(m[1]))
	}
	if m := envBadValue.FindStringSubmatch(msg); m != nil {
		return fmt.Errorf("%s=%s: %s", m[2], m[1], valueWhy(c, m[3], m[1], m[4]))
	}
	m := flagBadValue.FindStringSubmatch(msg)
	if m == nil {
		return err
	}
	return fmt.Errorf("%s %s: %s", spelled(m[2]), m[1], valueWhy(c, m[2], m[1], m[3]))
}

// valueWhy says what is wrong with value (quoted) of the flag name, which
// its parser explained as why.
func valueWhy(c *cli.Context, name, value, why string) string {
	switch f := commandFlag(c, name).(type) {
	case *cli.DurationFlag:
		why = `not a duration (a number with a unit, e.g. "90s", "1m30s", "2h")`
		if v, err := strconv.Unquote(value); err == nil {
			if _, err := strconv.ParseFloat(v, 64); err == nil {
				// The unit of the flag's default: 300 for --busy-poll
				// is 300µs, not 300s.
				unit := "s"
				if f.Value > 0 && f.Value < time.Millisecond {
					unit = "us"
				}
				why = fmt.Sprintf("a duration needs a unit, e.g. %q", v+unit)
			}
		}
	case *cli.IntFlag:
		// (The flag package says "value out of range", urfave/cli
		// strconv's whole error.)
		if strings.HasSuffix(why, "value out of range") {
			why = "value out of range"
		} else {
			why = "not a whole number"
		}
	case *cli.BoolFlag:
		why = "want true or false"
	}
	return why
}

// spelled is a flag's name as it is written: --timeout, -c.
func spelled(name string) string {
	if len(name) == 1 {
		return "-" + name
	}
	return "--" + name
}

// emptyValues refuses a flag given on the command line with an empty value
// (`--scripts "$DIR"` with DIR unset), which would otherwise silently mean
// the default, or nothing. --admin-token may be empty: no token.
func emptyValues(c *cli.Context) error {
	for _, f := range c.Command.Flags {
		sf, ok := f.(*cli.StringFlag)
		if !ok || sf.Name == "admin-token" || !c.IsSet(sf.Name) || c.String(sf.Name) != "" {
			continue
		}
		hint := ""
		if sf.Name == "prefix" {
			hint = " (write / to serve scripts at the root)"
		}
		return fmt.Errorf("%w: --%s: empty value%s", errUsage, sf.Name, hint)
	}
	return nil
}
