// bench.go: `menshen bench`, the same scripts under the same load in cgi and
// in fastcgi mode, side by side (C50).

package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/menshen/menshen/gateway"
	"github.com/menshen/menshen/internal/bench"
	"github.com/sirupsen/logrus"
	"github.com/urfave/cli/v2"
	"golang.org/x/term"
)

func benchCommand() *cli.Command {
	return &cli.Command{
		Name:      "bench",
		Usage:     "drive scripts in cgi and in fastcgi mode under the same load and compare",
		ArgsUsage: "[SCRIPT[?QUERY]...]",
		Description: "Starts a gateway on a free loopback port over --scripts (or drives the one at --url),\n" +
			"measures the load generator's own ceiling, then each script (all of them, or those named)\n" +
			"in cgi and then fastcgi mode, and checks both modes gave the same answer.",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "scripts", Value: "./scripts", Usage: "the script directory", EnvVars: env("scripts")},
			&cli.IntFlag{Name: "requests", Value: 200, Usage: "requests per script and mode", EnvVars: benchEnv("requests")},
			&cli.DurationFlag{Name: "duration", Usage: "run each script and mode this long instead of --requests", EnvVars: benchEnv("duration")},
			&cli.IntFlag{Name: "concurrency", Aliases: []string{"c"}, Value: 8, Usage: "clients, each with its own keep-alive connection", EnvVars: benchEnv("concurrency")},
			&cli.IntFlag{Name: "warmup", DefaultText: "2×concurrency, at least 4", Usage: "requests per script and mode before measuring", EnvVars: benchEnv("warmup")},
			&cli.BoolFlag{Name: "json", Usage: "print one JSON document instead of the table", EnvVars: benchEnv("json")},
			&cli.StringFlag{Name: "url", Usage: "drive the gateway already running at this URL (e.g. http://127.0.0.1:8080/cgi-bin/)", EnvVars: benchEnv("url")},
			&cli.StringFlag{Name: "admin", Value: "127.0.0.1:8081", Usage: "with --url: the running gateway's admin address", EnvVars: env("admin")},
			&cli.StringFlag{Name: "admin-token", Usage: "with --url: its admin token, if it requires one", EnvVars: env("admin-token")},
			&cli.StringFlag{Name: "prefix", Value: "/cgi-bin/", Usage: "URL prefix of the scripts", EnvVars: env("prefix")},
			&cli.StringFlag{Name: "config", Usage: "optional TOML config file for the bench's own gateway", EnvVars: env("config")},
			&cli.StringFlag{Name: "isolation", Value: "auto", Usage: "Perl runner isolation: auto, perlrun or registry", EnvVars: env("isolation")},
			&cli.IntFlag{Name: "workers", Value: runtime.NumCPU(), Usage: "most FastCGI workers per script", EnvVars: env("workers")},
			&cli.IntFlag{Name: "queue", Value: 256, Usage: "requests allowed to wait for a process or worker before 503", EnvVars: env("queue")},
			&cli.IntFlag{Name: "max-requests", Value: 10000, Usage: "recycle a FastCGI worker after this many requests", EnvVars: env("max-requests")},
			&cli.IntFlag{Name: "max-procs", Value: 4 * runtime.NumCPU(), Usage: "most CGI processes alive at once", EnvVars: env("max-procs")},
			&cli.DurationFlag{Name: "timeout", Value: 60 * time.Second, Usage: "longest a script may run for one request", EnvVars: env("timeout")},
			&cli.StringFlag{Name: "log-level", Value: "warn", Usage: "the bench gateway's log level on stderr", EnvVars: env("log-level")},
		},
		OnUsageError: usageError,
		Action:       benchAction,
	}
}

// benchEnv is the variables a bench flag reads: MENSHEN_<FLAG> first (C1),
// then MENSHEN_BENCH_<FLAG>, the name these flags read before, kept as an
// alias so existing scripts and CI jobs keep working.
func benchEnv(name string) []string {
	return append(env(name), env("bench-"+name)...)
}

func benchAction(c *cli.Context) error {
	started = true
	if c.IsSet("requests") && c.IsSet("duration") {
		return fmt.Errorf("%w: give %s or %s, not both", errUsage, source(c, "requests"), source(c, "duration"))
	}
	for _, n := range []string{"requests", "concurrency", "workers", "max-procs"} {
		if c.Int(n) <= 0 {
			return fmt.Errorf("%w: %s: must be positive", errUsage, setting(c, n, c.Int(n)))
		}
	}
	for _, n := range []string{"queue", "max-requests"} {
		if c.Int(n) < 0 {
			return fmt.Errorf("%w: %s: must not be negative", errUsage, setting(c, n, c.Int(n)))
		}
	}
	if c.IsSet("duration") && c.Duration("duration") <= 0 {
		// (Unset, it is 0: --requests counts.)
		return fmt.Errorf("%w: %s: must be positive", errUsage, setting(c, "duration", c.Duration("duration")))
	}
	if c.Duration("timeout") <= 0 {
		return fmt.Errorf("%w: %s: must be positive", errUsage, setting(c, "timeout", c.Duration("timeout")))
	}
	if c.IsSet("warmup") && c.Int("warmup") < 0 {
		return fmt.Errorf("%w: %s: must be 0 or more", errUsage, setting(c, "warmup", c.Int("warmup")))
	}
	cfg := bench.Config{
		Scripts:     c.Args().Slice(),
		Concurrency: c.Int("concurrency"),
		Requests:    c.Int("requests"),
		Duration:    c.Duration("duration"),
		Warmup:      c.Int("warmup"),
		Progress:    progressFor(c.App.ErrWriter),
	}
	if c.IsSet("warmup") && cfg.Warmup == 0 {
		cfg.Warmup = -1 // none, as asked
	}
	var (
		rep *bench.Report
		err error
	)
	if u := c.String("url"); u != "" {
		if cfg.Target, err = remoteTarget(c, c.String("prefix"), c.String("admin"), c.String("admin-token")); err != nil {
			return err
		}
		cfg.Restore = true
		rep, err = bench.Run(c.Context, cfg)
	} else {
		rep, err = benchLocal(c, cfg)
	}
	if errors.Is(err, bench.ErrNoSuchScript) || errors.Is(err, bench.ErrNotExecutable) || errors.Is(err, bench.ErrAdminRefused) || errors.Is(err, bench.ErrOtherGateway) {
		return fmt.Errorf("%w: %w", errUsage, err)
	}
	if err != nil && c.Context.Err() != nil {
		return benchInterrupted(c, cfg.Progress, rep, err)
	}
	if err != nil {
		return err
	}
	if err := writeReport(c, rep); err != nil {
		return err
	}
	// After the whole table: a script that answers differently in the two
	// modes fails the run (exit 1), so that CI can rely on bench (C23, C50).
	return rep.Err()
}

// writeReport writes rep on stdout, as a table or as --json asks.
func writeReport(c *cli.Context, rep *bench.Report) error {
	if c.Bool("json") {
		return bench.WriteJSON(c.App.Writer, rep)
	}
	return bench.WriteTable(c.App.Writer, rep)
}

// benchInterrupted ends a run that Ctrl-C or SIGTERM cut short: the
// progress bar's line ended, the scripts measured before written as
// usual, then one line saying so (and what was put back on a gateway at
// --url: Run's error), and exit 130, the shell's code for an interrupted
// command.
func benchInterrupted(c *cli.Context, p bench.Progress, rep *bench.Report, err error) error {
	if b, ok := p.(*bench.Bar); ok {
		b.Interrupt()
	}
	msg := bench.ErrInterrupted.Error()
	if errors.Is(err, bench.ErrInterrupted) {
		msg = err.Error()
	}
	if rep == nil || len(rep.Scripts) == 0 {
		return cli.Exit(msg+"; no results", 130)
	}
	rep.Interrupted = msg
	if werr := writeReport(c, rep); werr != nil {
		return werr
	}
	done := fmt.Sprintf("the %d scripts", len(rep.Scripts))
	if len(rep.Scripts) == 1 {
		done = "the script"
	}
	return cli.Exit(fmt.Sprintf("%s; results above for %s measured before", msg, done), 130)
}

// progressFor shows a bar when w is a terminal, plain lines otherwise.
func progressFor(w io.Writer) bench.Progress {
	if f, ok := w.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		return bench.NewBar(w)
	}
	return bench.Lines{W: w}
}

// remoteTarget is a gateway already running: --url is its base URL; with
// no path, the scripts are under prefix.
func remoteTarget(c *cli.Context, prefix, admin, token string) (bench.Target, error) {
	rawURL := c.String("url")
	u, err := url.Parse(rawURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return bench.Target{}, fmt.Errorf("%w: %s: want http://HOST:PORT/PREFIX/", errUsage, setting(c, "url", strconv.Quote(rawURL)))
	}
	if u.Path == "" || u.Path == "/" {
		u.Path = prefix
	}
	if !strings.Contains(admin, "://") {
		admin = "http://" + admin
	}
	return bench.Target{Base: u.String(), Admin: admin, Token: token}, nil
}

// benchLocal starts a gateway over --scripts on free loopback ports, runs
// the bench against it, and stops it, leaving no process behind (C33).
func benchLocal(c *cli.Context, cfg bench.Config) (*bench.Report, error) {
	iso := c.String("isolation")
	switch iso {
	case "auto", "perlrun", "registry":
	default:
		return nil, fmt.Errorf("%w: %s: want auto, perlrun or registry", errUsage, setting(c, "isolation", strconv.Quote(iso)))
	}
	log, err := newLogger(c, "text")
	if err != nil {
		return nil, err
	}
	// The gateway's lines wait until the load begins: a script named
	// that it does not serve is one line of bench's and exit 2, without
	// the gateway's line about the probe request before it.
	held := &heldWriter{w: c.App.ErrWriter}
	log.SetOutput(held)
	defer held.release() // (a no-op once dropped)
	cfg.Progress = releasing{cfg.Progress, held}
	quiet := newRepeatLimiter(log.Formatter)
	log.SetFormatter(quiet)
	if st, err := os.Stat(c.String("scripts")); err != nil || !st.IsDir() {
		return nil, fmt.Errorf("%w: %s is not a directory", errUsage, setting(c, "scripts", strconv.Quote(c.String("scripts"))))
	}
	set, sources := map[string]bool{}, map[string]string{}
	for _, n := range []string{"isolation", "workers", "max-procs", "queue", "max-requests", "timeout", "prefix"} {
		if c.IsSet(n) {
			set[n] = true
			sources[n] = source(c, n)
		}
	}
	g, err := gateway.New(gateway.Config{
		Listen:      "127.0.0.1:0",
		Admin:       "127.0.0.1:0",
		Scripts:     c.String("scripts"),
		Prefix:      c.String("prefix"),
		Mode:        gateway.ModeCGI,
		Isolation:   iso,
		ConfigFile:  c.String("config"),
		Timeout:     c.Duration("timeout"),
		MaxProcs:    c.Int("max-procs"),
		Queue:       c.Int("queue"),
		Workers:     c.Int("workers"),
		MaxRequests: c.Int("max-requests"),
		Logger:      log,
		Set:         set,
		Sources:     sources,
	})
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		g.Close()
		return nil, fmt.Errorf("listen: %w", err)
	}
	aln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		ln.Close()
		g.Close()
		return nil, fmt.Errorf("admin listen: %w", err)
	}
	ctx, stop := context.WithCancel(c.Context)
	done := make(chan error, 1)
	go func() { done <- g.Serve(ctx, ln, aln, nil) }()
	defer func() {
		stop()
		<-done
		if log.IsLevelEnabled(logrus.WarnLevel) {
			quiet.Summary(log)
		}
	}()
	prefix := c.String("prefix")
	if !strings.HasPrefix(prefix, "/") {
		prefix = "/" + prefix
	}
	cfg.Target = bench.Target{
		Base:  "http://" + ln.Addr().String() + prefix,
		Admin: "http://" + aln.Addr().String(),
		SetMode: func(_ context.Context, mode, script string) error {
			m, err := gateway.ParseMode(mode)
			if err != nil {
				return err
			}
			key, ok := g.ScriptKey(script)
			if !ok {
				// (As POST /mode answers 404: else both rows would
				// measure the mode the script was in.)
				return fmt.Errorf("no such script %q", script)
			}
			g.SetMode(m, key)
			return nil
		},
	}
	rep, err := bench.Run(ctx, cfg)
	if errors.Is(err, bench.ErrNoSuchScript) || errors.Is(err, bench.ErrNotExecutable) {
		held.drop()
	} else {
		held.release()
	}
	if errors.Is(err, bench.ErrNoScripts) {
		return nil, fmt.Errorf("%w: no executable scripts in %q", err, c.String("scripts"))
	}
	return rep, err
}

// heldWriter keeps what is written to it until release (which writes it
// out, and everything after it straight through) or drop (which throws
// it away, and passes what comes after).
type heldWriter struct {
	mu   sync.Mutex
	w    io.Writer
	buf  []byte
	done bool
}

func (h *heldWriter) Write(p []byte) (int, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.done {
		return h.w.Write(p)
	}
	h.buf = append(h.buf, p...)
	return len(p), nil
}

func (h *heldWriter) release() {
	h.mu.Lock()
	defer h.mu.Unlock()
	if !h.done {
		h.done = true
		_, _ = h.w.Write(h.buf)
		h.buf = nil
	}
}

func (h *heldWriter) drop() {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.done, h.buf = true, nil
}

// releasing is a bench.Progress that releases the held log lines when
// the first load begins (the client ceiling's).
type releasing struct {
	bench.Progress
	held *heldWriter
}

func (r releasing) Begin(script, mode string) {
	r.held.release()
	r.Progress.Begin(script, mode)
}
