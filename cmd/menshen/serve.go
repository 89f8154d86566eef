// serve.go: `menshen serve` and `menshen check`, flags to gateway.Config.

package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/signal"
	"runtime"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"
	"unicode"

	"github.com/menshen/menshen/gateway"
	"github.com/sirupsen/logrus"
	"github.com/urfave/cli/v2"
	"golang.org/x/sys/unix"
)

func env(name string) []string {
	return []string{"MENSHEN_" + strings.ToUpper(strings.ReplaceAll(name, "-", "_"))}
}

func serveFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: "listen", Value: "127.0.0.1:8080", Usage: "public HTTP listener", EnvVars: env("listen")},
		&cli.StringFlag{Name: "admin", Value: "127.0.0.1:8081", Usage: "admin listener (off disables it)", EnvVars: env("admin")},
		&cli.StringFlag{Name: "admin-token", Usage: "token required by the admin listener (mandatory when it is not on loopback)", EnvVars: env("admin-token")},
		&cli.StringFlag{Name: "scripts", Value: "./scripts", Usage: "the script directory", EnvVars: env("scripts")},
		&cli.StringFlag{Name: "prefix", Value: "/cgi-bin/", Usage: "URL prefix under which scripts are served", EnvVars: env("prefix")},
		&cli.StringFlag{Name: "mode", Value: "cgi", Usage: "default mode: cgi or fastcgi", EnvVars: env("mode")},
		&cli.StringFlag{Name: "isolation", Value: "auto", Usage: "Perl runner isolation: auto, perlrun or registry", EnvVars: env("isolation")},
		&cli.StringFlag{Name: "config", Usage: "optional TOML config file, watched and re-applied live", EnvVars: env("config")},
		&cli.DurationFlag{Name: "timeout", Value: 60 * time.Second, Usage: "longest a script may run for one request", EnvVars: env("timeout")},
		&cli.IntFlag{Name: "max-procs", Value: 4 * runtime.NumCPU(), Usage: "most CGI processes alive at once", EnvVars: env("max-procs")},
		&cli.IntFlag{Name: "queue", Value: 256, Usage: "requests allowed to wait for a process or worker before 503", EnvVars: env("queue")},
		&cli.IntFlag{Name: "workers", Value: runtime.NumCPU(), Usage: "most FastCGI workers per script", EnvVars: env("workers")},
		&cli.IntFlag{Name: "min-workers", Value: 0, Usage: "FastCGI workers kept warm per script", EnvVars: env("min-workers")},
		&cli.DurationFlag{Name: "idle-timeout", Value: 5 * time.Minute, Usage: "retire a FastCGI worker idle this long (above min-workers)", EnvVars: env("idle-timeout")},
		&cli.IntFlag{Name: "max-requests", Value: 10000, Usage: "recycle a FastCGI worker after this many requests", EnvVars: env("max-requests")},
		&cli.StringFlag{Name: "max-body", Value: "64MiB", Usage: "largest request body (bytes, or with KiB/MiB/GiB)", EnvVars: env("max-body")},
		&cli.StringFlag{Name: "path", Usage: "PATH given to scripts (default /usr/local/bin:/usr/bin:/bin)", EnvVars: env("path")},
		&cli.DurationFlag{Name: "busy-poll", Value: gateway.DefaultBusyPoll, Usage: "poll a FastCGI worker's answer or a client's next request this long before sleeping, while processors are idle (0: never)", EnvVars: env("busy-poll")},
		&cli.BoolFlag{Name: "pass-authorization", Usage: "pass the Authorization header to scripts (Apache CGIPassAuth)", EnvVars: env("pass-authorization")},
		&cli.StringFlag{Name: "log-format", Value: "text", Usage: "text or json", EnvVars: env("log-format")},
		&cli.StringFlag{Name: "log-level", Value: "info", Usage: "debug, info, warn, error", EnvVars: env("log-level")},
	}
}

func serveCommand() *cli.Command {
	return &cli.Command{
		Name:         "serve",
		Usage:        "run the gateway",
		Flags:        serveFlags(),
		OnUsageError: usageError,
		Action: func(c *cli.Context) error {
			started = true
			if err := noArgs(c); err != nil {
				return err
			}
			cfg, err := configFrom(c)
			if err != nil {
				return err
			}
			hideEnviron(cfg.Logger)
			g, err := gateway.New(cfg)
			if err != nil {
				return err
			}
			if bw, ok := cfg.Logger.Out.(*batchWriter); ok {
				defer bw.Close()
			}
			hup := make(chan os.Signal, 1)
			signal.Notify(hup, syscall.SIGHUP)
			defer signal.Stop(hup)
			// A log pipe whose reader went away (serve 2>&1 | tee, a
			// logger restarting) must not kill the gateway: Go ends a
			// program whose write to fd 1 or 2 meets a broken pipe,
			// unless it asks for SIGPIPE; then the write fails (EPIPE),
			// and the log writer counts the lost lines. (Asked for, not
			// ignored: scripts still start with SIGPIPE at its default.)
			signal.Notify(make(chan os.Signal, 1), syscall.SIGPIPE)
			// The first SIGTERM or SIGINT ends c.Context: a graceful stop.
			// So does SIGQUIT (Ctrl-\, nginx's graceful stop), which Go
			// would take for a goroutine dump and an exit that cuts the
			// requests and leaves the scripts' children behind.
			// A second one cuts its grace short. Both are counted here
			// from now on: a channel asked for only once the first had
			// ended c.Context missed a second signal sent before that
			// (the grace then ran its full 10 s).
			sigs := make(chan os.Signal, 2)
			had := 0
			if c.Context.Err() != nil {
				had = 1 // the first came as menshen started
			}
			signal.Notify(sigs, os.Interrupt, syscall.SIGTERM, syscall.SIGQUIT)
			defer signal.Stop(sigs)
			ran := make(chan struct{})
			defer close(ran)
			go func() {
				var first time.Time
				if had == 1 {
					first = time.Now()
				}
				for had < 2 {
					select {
					case <-sigs:
					case <-ran:
						return
					}
					switch {
					case had == 0:
						first = time.Now()
					case time.Since(first) < signalBounce:
						// The same stop, signalled twice: coreutils'
						// timeout signals its child and then its own
						// process group, the child in it.
						continue
					}
					had++
				}
				cfg.Logger.Warn("second signal: stopping the requests still running now")
				g.Abort()
			}()
			return g.Run(c.Context, hup)
		},
	}
}

// signalBounce is how soon after the first a second SIGTERM or SIGINT is
// taken for the same one, not for "stop now".
const signalBounce = 100 * time.Millisecond

func checkCommand() *cli.Command {
	return &cli.Command{
		Name:         "check",
		Usage:        "validate a scripts directory and config; one line per problem",
		Flags:        serveFlags(),
		OnUsageError: usageError,
		Action: func(c *cli.Context) error {
			started = true
			if err := noArgs(c); err != nil {
				return err
			}
			cfg, err := configFrom(c)
			if err != nil {
				return err
			}
			problems, err := gateway.Check(cfg)
			for _, p := range problems {
				fmt.Fprintln(c.App.Writer, p)
			}
			// One line per problem (C1) and nothing else: the exit code
			// says which kind (2: the config or the flags, 1: scripts).
			if errors.Is(err, gateway.ErrConfig) && len(problems) > 0 {
				return cli.Exit("", exitUsage)
			}
			if err != nil {
				return err
			}
			if len(problems) > 0 {
				return cli.Exit("", exitRuntime)
			}
			fmt.Fprintln(c.App.Writer, "ok")
			return nil
		},
	}
}

func versionCommand() *cli.Command {
	return &cli.Command{
		Name:         "version",
		Usage:        "print version, Go version and commit",
		OnUsageError: usageError,
		Action: func(c *cli.Context) error {
			started = true
			if err := noArgs(c); err != nil {
				return err
			}
			fmt.Fprintf(c.App.Writer, "menshen %s (%s, commit %s)\n", gateway.Version, runtime.Version(), buildCommit())
			return nil
		},
	}
}

// noArgs refuses words after a command that takes none: urfave/cli stops
// reading flags at the first one, so `serve extra --listen X` would
// otherwise run with every flag after it silently ignored.
func noArgs(c *cli.Context) error {
	if c.NArg() > 0 {
		return fmt.Errorf("%w: unexpected argument %q (it takes none; flags after it would be ignored)", errUsage, c.Args().First())
	}
	return nil
}

func usageError(c *cli.Context, err error, _ bool) error {
	return fmt.Errorf("%w: %w", errUsage, flagError(c, err))
}

// configFrom turns flags and MENSHEN_* variables into a gateway.Config.
func configFrom(c *cli.Context) (gateway.Config, error) {
	mode, err := gateway.ParseMode(c.String("mode"))
	if err != nil {
		return gateway.Config{}, fmt.Errorf("%w: %s: %w", errUsage, source(c, "mode"), err)
	}
	maxBody, err := gateway.ParseBytes(c.String("max-body"))
	if err != nil {
		return gateway.Config{}, fmt.Errorf("%w: %s: %w", errUsage, source(c, "max-body"), err)
	}
	log, err := newLogger(c, c.String("log-format"))
	if err != nil {
		return gateway.Config{}, err
	}
	for _, n := range []string{"max-procs", "workers"} {
		if c.Int(n) <= 0 {
			return gateway.Config{}, fmt.Errorf("%w: %s: must be positive", errUsage, setting(c, n, c.Int(n)))
		}
	}
	for _, n := range []string{"max-requests", "queue", "min-workers"} {
		if c.Int(n) < 0 {
			return gateway.Config{}, fmt.Errorf("%w: %s: must not be negative", errUsage, setting(c, n, c.Int(n)))
		}
	}
	// (min-workers against workers: on the values in effect, config
	// file included; gateway.New checks it.)
	busyPoll := c.Duration("busy-poll")
	switch {
	case busyPoll < 0:
		return gateway.Config{}, fmt.Errorf("%w: %s: must not be negative", errUsage, setting(c, "busy-poll", busyPoll))
	case busyPoll > gateway.MaxBusyPoll:
		return gateway.Config{}, fmt.Errorf("%w: %s: at most %s (it keeps a processor busy)", errUsage, setting(c, "busy-poll", busyPoll), gateway.MaxBusyPoll)
	case busyPoll == 0:
		busyPoll = -1 // never (0 is the default in gateway.Config)
	}
	for _, n := range []string{"timeout", "idle-timeout"} {
		if c.Duration(n) <= 0 {
			return gateway.Config{}, fmt.Errorf("%w: %s: must be positive", errUsage, setting(c, n, c.Duration(n)))
		}
	}
	if p := c.String("prefix"); !strings.HasPrefix(p, "/") {
		// As a [[mount]]'s prefix: a URL path starts with one.
		return gateway.Config{}, fmt.Errorf("%w: %s: must start with /", errUsage, setting(c, "prefix", strconv.Quote(p)))
	}
	if err := checkAddr(c, "listen"); err != nil {
		return gateway.Config{}, err
	}
	if a := c.String("admin"); a != "off" {
		if err := checkAddr(c, "admin"); err != nil {
			return gateway.Config{}, err
		}
		if sameAddr(a, c.String("listen")) {
			return gateway.Config{}, fmt.Errorf("%w: %s is %s's address too: give the admin listener an address of its own (or off)", errUsage, setting(c, "admin", strconv.Quote(a)), source(c, "listen"))
		}
	}
	if tok := c.String("admin-token"); strings.TrimSpace(tok) != tok || strings.ContainsFunc(tok, unicode.IsControl) {
		// An HTTP header cannot carry it (its value's ends are trimmed,
		// a control character is refused): no client could ever present
		// it, and the admin listener would refuse everyone. " " was
		// taken, though a token that is all blanks guards nothing.
		return gateway.Config{}, fmt.Errorf("%w: %s: must not begin or end with white space nor hold a control character (no HTTP header could carry it)", errUsage, source(c, "admin-token"))
	}
	switch c.String("isolation") {
	case "auto", "perlrun", "registry":
	default:
		return gateway.Config{}, fmt.Errorf("%w: %s: want auto, perlrun or registry", errUsage, setting(c, "isolation", strconv.Quote(c.String("isolation"))))
	}
	set, sources := map[string]bool{}, map[string]string{}
	for _, f := range serveFlags() {
		name := f.Names()[0]
		if c.IsSet(name) {
			set[name] = true
			sources[name] = source(c, name)
		}
	}
	return gateway.Config{
		Listen:      c.String("listen"),
		Admin:       c.String("admin"),
		AdminToken:  c.String("admin-token"),
		Scripts:     c.String("scripts"),
		Prefix:      c.String("prefix"),
		Mode:        mode,
		Isolation:   c.String("isolation"),
		ConfigFile:  c.String("config"),
		Timeout:     c.Duration("timeout"),
		MaxProcs:    c.Int("max-procs"),
		Queue:       c.Int("queue"),
		Workers:     c.Int("workers"),
		MinWorkers:  c.Int("min-workers"),
		IdleTimeout: c.Duration("idle-timeout"),
		MaxRequests: c.Int("max-requests"),
		MaxBody:     maxBody,
		Path:        c.String("path"),
		PassAuth:    c.Bool("pass-authorization"),
		BusyPoll:    busyPoll,
		Logger:      log,
		Set:         set,
		Sources:     sources,
	}, nil
}

// sameAddr reports whether two listen addresses would bind the same port
// of the same host (a port 0 is a new port each time: never the same).
func sameAddr(a, b string) bool {
	ha, pa, err1 := net.SplitHostPort(a)
	hb, pb, err2 := net.SplitHostPort(b)
	if err1 != nil || err2 != nil {
		return false
	}
	na, err1 := net.LookupPort("tcp", pa)
	nb, err2 := net.LookupPort("tcp", pb)
	if err1 != nil || err2 != nil || na != nb || na == 0 {
		return false
	}
	// A wildcard takes the port on every address, the other's included;
	// a host name binds what it resolves to ("localhost" is 127.0.0.1).
	aa, ab := hostAddrs(ha), hostAddrs(hb)
	if slices.Contains(aa, "") || slices.Contains(ab, "") {
		return true
	}
	return slices.ContainsFunc(aa, func(a string) bool { return slices.Contains(ab, a) })
}

// hostAddrs returns the addresses a listen address's host stands for: ""
// for every address (an empty host, 0.0.0.0, ::), an IP address itself,
// or the one a host name resolves to that net.Listen binds, its first
// IPv4 address if it has one ("localhost" is 127.0.0.1; the name itself,
// lower case, if it resolves to nothing within a second).
func hostAddrs(h string) []string {
	if h == "" {
		return []string{""}
	}
	if ip := net.ParseIP(h); ip != nil {
		if ip.IsUnspecified() {
			return []string{""}
		}
		return []string{ip.String()}
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	ips, err := net.DefaultResolver.LookupIPAddr(ctx, h)
	if err != nil || len(ips) == 0 {
		return []string{strings.ToLower(h)}
	}
	for _, ip := range ips {
		if ip.IP.To4() != nil {
			return []string{ip.IP.String()}
		}
	}
	return []string{ips[0].IP.String()}
}

// checkAddr refuses a listen address that can never be bound (no port, a
// port out of range): a bad flag value (exit 2), unlike an address in use.
func checkAddr(c *cli.Context, flag string) error {
	addr := c.String(flag)
	_, port, err := net.SplitHostPort(addr)
	if err == nil {
		_, err = net.LookupPort("tcp", port)
	}
	if err != nil {
		if _, aerr := strconv.ParseUint(addr, 10, 16); aerr == nil {
			// Apache's `Listen 8080` takes a port alone; here the
			// address says which interface, and "missing port" read
			// as nonsense beside a port.
			return fmt.Errorf("%w: %s: want HOST:PORT: %q for loopback, %q for every address", errUsage, setting(c, flag, strconv.Quote(addr)), "127.0.0.1:"+addr, ":"+addr)
		}
		return fmt.Errorf("%w: %s: %w", errUsage, setting(c, flag, strconv.Quote(addr)), err)
	}
	return nil
}

// newLogger is the logger for the command of c, in format (--log-format,
// or the one a command writes in) at --log-level.
func newLogger(c *cli.Context, format string) (*logrus.Logger, error) {
	log := logrus.New()
	log.SetOutput(newBatchWriter(os.Stderr, func(n int) {
		log.WithField("lines", n).Warn("log lines lost: the log output failed or stopped taking them")
	}))
	switch format {
	case "text":
		log.SetFormatter(textFormatter{})
	case "json":
		log.SetFormatter(&jsonFormatter{})
	default:
		return nil, fmt.Errorf("%w: %s: want text or json", errUsage, setting(c, "log-format", strconv.Quote(format)))
	}
	lvl, err := logrus.ParseLevel(c.String("log-level"))
	if err != nil {
		return nil, fmt.Errorf("%w: %s: %w", errUsage, source(c, "log-level"), err)
	}
	log.SetLevel(lvl)
	return log, nil
}

// buildCommit is the -ldflags commit, or the VCS revision go build stamped.
func buildCommit() string {
	if commit != "unknown" {
		return commit
	}
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return commit
	}
	rev, dirty := "", false
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			dirty = s.Value == "true"
		}
	}
	if rev == "" {
		return commit
	}
	if len(rev) > 12 {
		rev = rev[:12]
	}
	if dirty {
		rev += "+dirty"
	}
	return rev
}

// hideEnviron keeps the gateway's memory, and so its environment
// (MENSHEN_ADMIN_TOKEN, a database password the scripts are not given),
// from the scripts: they run as the same user, and a legacy script's
// path bug (`?file=/proc/$PPID/environ`) would else read it. A process
// that is not dumpable can be read through /proc only by a ptrace-capable
// administrator. Under Apache the scripts run as another user than the
// one that read the configuration, to the same end. The scripts
// themselves are dumpable again: exec resets it.
func hideEnviron(log *logrus.Logger) {
	if err := unix.Prctl(unix.PR_SET_DUMPABLE, 0, 0, 0, 0); err != nil {
		log.WithError(err).Warn("cannot keep the gateway's environment from scripts (prctl PR_SET_DUMPABLE)")
	}
}
