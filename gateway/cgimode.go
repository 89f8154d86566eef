// cgimode.go runs a request as one CGI process (C20).

package gateway

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/menshen/menshen/cgi"
	"github.com/sirupsen/logrus"
)

// cgiExec adapts a *cgi.Process to execution and gives back its slot.
type cgiExec struct {
	p       *cgi.Process
	release func()
	started time.Time // when the process was running (after any wait for a slot, the fork and the exec)
	errLog  *stderrLog

	once sync.Once // finish runs once: a spool's fill may call it too
	err  error
}

func (e *cgiExec) stdout() io.Reader            { return e.p.Stdout() }
func (e *cgiExec) pid() int                     { return e.p.PID() }
func (e *cgiExec) ready() bool                  { return e.p.OutputReady() }
func (e *cgiExec) lingers(d time.Duration) bool { return e.p.Lingers(d) }
func (e *cgiExec) finish(abort bool) error {
	e.once.Do(func() {
		defer e.release()
		e.err = e.p.Close(abort)
		// What comes now is from a process that left the script's
		// session and kept its stderr (g.detached reads it).
		e.errLog.exited.Store(true)
	})
	return e.err
}

// cgiParams returns what the meta-variables of the request's script are
// built from, and keeps them in x for a local redirect to copy.
func (g *Gateway) cgiParams(s *settings, rt *route, b *body, x *exchange) *cgi.Params {
	file := rt.file
	if s.isWrapped(rt.file) {
		// A wrapper (php-cgi) opens SCRIPT_FILENAME itself: the checked,
		// resolved path, as for a script started directly (C3).
		file = rt.exec
	}
	p := &cgi.Params{
		ScriptFilename: file,
		ScriptName:     rt.scriptName,
		PathInfo:       rt.pathInfo,
		DocumentRoot:   rt.mount.dir,
		ContextPrefix:  rt.mount.prefix,
		ServerSoftware: g.software,
		Path:           s.path,
		PassAuth:       s.passAuth,
		ContentLength:  b.n,
		Extra:          s.envFor(rt.key),
		Redirect:       x.redirect,
	}
	x.params = p
	return p
}

// startCGI starts the script (or its wrapper) once the --max-procs
// semaphore grants a slot (C11).
func (g *Gateway) startCGI(ctx context.Context, r *http.Request, s *settings, rt *route, b *body, x *exchange) (execution, error) {
	if !s.procs.TryAcquire() {
		if err := s.procs.Acquire(ctx); err != nil {
			return nil, queueWaitErr(ctx, err, fmt.Sprintf("all %d CGI process slots busy (--max-procs)", s.maxProcs))
		}
		x.queued()
	}
	p := g.cgiParams(s, rt, b, x)
	path, args := rt.exec, []string(nil)
	if w, ok := s.wrapperFor(rt.file); ok {
		path = w.command
		args = wrapperArgs(w, rt.exec)
		// php-cgi refuses to run without it ("force-cgi-redirect"), as it
		// gets it under Apache's Action/FcgidWrapper. A redirect target
		// has it from the redirect too, with the same value: Env sends
		// it once.
		p.Extra = append([]string{"REDIRECT_STATUS=200"}, p.Extra...)
		if opts, ok := phpOptions(w.command, args); ok && phpSkipsOptions(r.URL.RawQuery) {
			// php-cgi will ignore its options for this query: they go
			// by the environment instead, or the request is refused,
			// never run without them (open_basedir, disable_functions).
			scan := ""
			for _, kv := range p.Extra {
				if v, ok := strings.CutPrefix(kv, "PHP_INI_SCAN_DIR="); ok {
					scan = v
				}
			}
			env, ok, err := phpOptionsEnv(opts, g.tmpDir, scan)
			switch {
			case err != nil:
				s.procs.Release()
				return nil, fmt.Errorf("%w: php options for a query php-cgi takes for arguments: %w", ErrStartScript, err)
			case !ok:
				s.procs.Release()
				return nil, errPHPGuard
			}
			p.Extra = append(p.Extra, env...)
		}
	}
	env := cgi.Env(r, p)
	errLog := x.newStderrLog(g, rt.key)
	proc, err := cgi.Start(ctx, &cgi.Cmd{
		Path:   path,
		Args:   args,
		Dir:    filepath.Dir(rt.file),
		Env:    env,
		Stdin:  b.reader(),
		Stderr: errLog.line,
		// A background job that left the session keeps its stderr and
		// lives on, its lines logged, as Apache's error log takes them.
		Detached: &g.detached,
	})
	if err != nil {
		s.procs.Release()
		return nil, fmt.Errorf("%w: %w", ErrStartScript, explainExec(path, err))
	}
	errLog.setPID(proc.PID())
	x.spawned = true
	return &cgiExec{p: proc, release: s.procs.Release, started: time.Now(), errLog: errLog}, nil
}

// wrapperArgs returns a wrapper's argv[1:]: its configured args with
// "{script}" replaced, or just the script path (lighttpd cgi.assign).
func wrapperArgs(w wrapper, file string) []string {
	if w.args == nil {
		return []string{file}
	}
	out := make([]string, len(w.args))
	for i, a := range w.args {
		if a == "{script}" {
			a = file
		}
		out[i] = a
	}
	return out
}

// stderrLine logs one line a script wrote to stderr (C9). The pid is 0 for
// lines that arrive before the process or worker is known to the request.
// At the error level, as Apache's mod_cgid logs a script's stderr: what a
// script says there is kept by every --log-level.
func stderrLine(log logrus.FieldLogger, pid int64, line []byte) {
	if pid != 0 {
		log = log.WithField("pid", pid)
	}
	log.Error(string(line))
}

// explainExec adds to an exec error of the file what the kernel's ENOENT
// and ENOEXEC do not say: that the file exists and its #! interpreter is
// missing (or ends in a CR: DOS line endings), or what it is instead of a
// #! script or a program (execFormatProblem); and what EACCES does not
// say: whose execute bit is missing, a noexec mount, or the interpreter's.
func explainExec(file string, err error) error {
	switch {
	case errors.Is(err, syscall.ENOENT):
		if _, serr := os.Stat(file); serr != nil {
			return err
		}
		interp, ok := shebang(file)
		switch {
		case !ok:
			return err
		case strings.HasSuffix(interp, "\r"):
			return fmt.Errorf("%w (its #! line ends in CR, DOS line endings: interpreter %q not found)", err, interp)
		case interp != "":
			if _, serr := os.Stat(interp); serr != nil {
				return fmt.Errorf("%w (its #! interpreter %q not found)", err, interp)
			}
		}
	case errors.Is(err, syscall.EACCES):
		if why := noExecBy(file); why != "" {
			return fmt.Errorf("%w (%s)", err, why)
		}
		if interp, ok := shebang(file); ok && interp != "" {
			if why := noExecBy(interp); why != "" {
				return fmt.Errorf("%w (its #! interpreter %q: %s)", err, interp, why)
			}
			if fi, serr := os.Stat(interp); serr == nil && fi.IsDir() {
				return fmt.Errorf("%w (its #! interpreter %q is a directory)", err, interp)
			}
		}
	case errors.Is(err, syscall.ENOEXEC):
		if why := shebangProblem(file); why != "" {
			return fmt.Errorf("%w (%s)", err, why)
		}
		if why := execFormatProblem(file); why != "" {
			return fmt.Errorf("%w (%s)", err, why)
		}
		return fmt.Errorf("%w (neither a #! script nor a program)", err)
	}
	return err
}
