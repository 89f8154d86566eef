// run.go drives every script in cgi then fastcgi mode and builds the
// Report (C50).

package bench

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// The modes, in the order each script is driven.
const (
	ModeCGI     = "cgi"
	ModeFastCGI = "fastcgi"
)

// ErrNoScripts is returned when there is nothing to measure.
var ErrNoScripts = errors.New("bench: no scripts to measure")

// ErrAnswersDiffer is what [Report.Err] wraps when a script did not answer
// the same in both modes (C23).
var ErrAnswersDiffer = errors.New("bench: answers differ")

// ErrCannotCompare is what [Report.Err] wraps when a script's cgi answers
// varied from request to request (a pid, a random number, the time) so
// that its fastcgi answer could not be shown to be the same, nor to
// differ: no pass, but no verdict that it is unsafe to persist either.
var ErrCannotCompare = errors.New("bench: answers cannot be compared")

// cannotCompare begins the Difference of a script whose answers could not
// be compared.
const cannotCompare = "cgi answers vary from request to request, cannot compare: "

// ErrRequestsFailed is what [Report.Err] wraps when a script's requests
// failed (an answer of 400 or more, a broken connection) in a mode, or
// its run could not be made: a broken script measures nothing.
var ErrRequestsFailed = errors.New("bench: requests failed")

// ErrAdminRefused is returned when the admin listener answers a 4xx:
// its token, or an address that is no menshen admin listener (a bad
// argument, as a missing script).
var ErrAdminRefused = errors.New("bench: the admin listener refused")

// ErrOtherGateway is returned, before any load runs or any mode is
// switched, when the admin listener did not count the probe request sent
// to a script at the URL: it is not the admin listener of the gateway
// there, and each row would measure one gateway in whatever mode it is in
// while the modes are switched on another.
var ErrOtherGateway = errors.New("bench: the admin listener is not the gateway's at the URL")

// ErrInterrupted is what Run wraps when its context ended (Ctrl-C,
// SIGTERM) before every script was measured; its Report then holds the
// scripts measured before.
var ErrInterrupted = errors.New("bench: interrupted")

// ErrNoSuchScript and ErrNotExecutable are returned, before any load runs,
// for a named script the gateway does not serve (it answers 404 or 403,
// C3/C10): a bad argument, not a result to measure.
var (
	ErrNoSuchScript  = errors.New("bench: no such script")
	ErrNotExecutable = errors.New("bench: script is not executable")
)

// Target is the gateway under test.
type Target struct {
	// Base is the URL scripts are served under, prefix included, e.g.
	// "http://127.0.0.1:8090/cgi-bin/".
	Base string
	// Admin is the admin listener's URL, e.g. "http://127.0.0.1:8091": its
	// /status.json counts spawns, and its POST /mode switches modes.
	Admin string
	// Token is the admin token, if the gateway requires one.
	Token string
	// SetMode switches one script's mode. Default: POST {Admin}/mode (C30).
	SetMode func(ctx context.Context, mode, script string) error
}

// Config is one bench run. Zero values mean the stated defaults.
type Config struct {
	Target Target
	// Scripts are script keys as the gateway names them ("sub/report.pl"),
	// each optionally with a query ("report.pl?format=json"). Default:
	// every script in the gateway's /status.json.
	Scripts     []string
	Concurrency int           // clients; default 1
	Requests    int           // per script and mode; default 200 (when Duration is 0)
	Duration    time.Duration // per script and mode, instead of Requests
	// Warmup is how many requests each script gets in a mode before it is
	// measured (in fastcgi mode they start the workers); default
	// 2×Concurrency, at least 4; negative: none.
	Warmup int
	// NoCeiling skips measuring the load generator's own ceiling.
	NoCeiling bool
	// Restore sets every script back to the mode it had before the run
	// (for a gateway that was already running).
	Restore  bool
	Progress Progress // default: none
}

// Report is the result of a run: `menshen bench --json` prints it.
type Report struct {
	Target      string          `json:"target"`
	Concurrency int             `json:"concurrency"`
	Requests    int             `json:"requests,omitempty"` // per script and mode
	Duration    string          `json:"duration,omitempty"` // per script and mode
	Ceiling     float64         `json:"client_ceiling_rps"` // 0 when not measured
	Scripts     []*ScriptReport `json:"scripts"`
	// Interrupted says why the run ended before every script was
	// measured (Ctrl-C, SIGTERM); empty for a whole run.
	Interrupted string `json:"interrupted,omitempty"`
}

// ScriptReport is one script measured in both modes.
type ScriptReport struct {
	Script string                 `json:"script"`           // as given, query included
	Kind   string                 `json:"kind,omitempty"`   // from /status.json, if the gateway says
	Reason string                 `json:"reason,omitempty"` // why it is not persistent, if it is not
	Modes  map[string]*ModeResult `json:"modes"`
	// SpeedUp is fastcgi req/s ÷ cgi req/s (0 if either is missing, if
	// requests failed, or if the script is served per request in both
	// modes).
	SpeedUp float64 `json:"speedup"`
	// NoSpeedUp says why a script measured in both modes has no SpeedUp:
	// NoSpeedUpPerRequest, or NoSpeedUpFailed.
	NoSpeedUp string `json:"no_speedup,omitempty"`
	// Same reports whether both modes gave the same answer (C23);
	// Difference names the first difference when not. A script whose cgi
	// answers, taken before and after the fastcgi one, differ from each
	// other and from it cannot be compared: Same is false and Difference
	// says so.
	Same       bool   `json:"same"`
	Difference string `json:"difference,omitempty"`
	Error      string `json:"error,omitempty"` // the run of this script failed
	// OK is the script's verdict in the JSON form: the same answers in
	// both modes and no request failed (what Err holds against it).
	OK bool `json:"ok"`
}

// passed reports whether the script answered the same in both modes with
// no failed request and no failed run.
func (sr *ScriptReport) passed() bool {
	return sr.Same && sr.Error == "" && !sr.failedRequests()
}

// Err returns nil when every script answered the same in both modes and
// without a failed request, else ErrAnswersDiffer naming the scripts that
// did not answer the same, ErrCannotCompare naming those whose cgi answers
// varied so that they could be shown neither the same nor different,
// and/or ErrRequestsFailed naming those with failed requests or a failed
// run (Error): a script that fails in both modes fails the same way, and
// is no pass.
func (r *Report) Err() error {
	var differ, vary, failed []string
	for _, sr := range r.Scripts {
		switch {
		case sr.incomparable():
			vary = append(vary, sr.Script)
		case !sr.Same && sr.Difference != "":
			differ = append(differ, sr.Script)
		}
		if sr.Error != "" || sr.failedRequests() {
			failed = append(failed, sr.Script)
		}
	}
	var errs []any
	for _, e := range []struct {
		err     error
		scripts []string
	}{{ErrAnswersDiffer, differ}, {ErrCannotCompare, vary}, {ErrRequestsFailed, failed}} {
		if len(e.scripts) > 0 {
			errs = append(errs, fmt.Errorf("%w for %d of %d scripts: %s", e.err, len(e.scripts), len(r.Scripts), strings.Join(e.scripts, ", ")))
		}
	}
	if len(errs) == 0 {
		return nil
	}
	return fmt.Errorf(strings.Repeat("; %w", len(errs))[2:], errs...)
}

// incomparable reports whether the script's answers could not be
// compared.
func (sr *ScriptReport) incomparable() bool {
	return !sr.Same && strings.HasPrefix(sr.Difference, cannotCompare)
}

// failedRequests reports whether a request of the script failed in a mode.
func (sr *ScriptReport) failedRequests() bool {
	for _, m := range sr.Modes {
		if m != nil && m.Errors > 0 {
			return true
		}
	}
	return false
}

// Why a ScriptReport has no SpeedUp. A script that fastcgi mode cannot
// make persistent (kind per-request: a shell script, a Perl script that
// forks...) runs the same way in both modes, and the ratio of its two
// rows is noise (0.3× to 2.8× for a shell script); a failure is fast (a
// 502 in no time).
const (
	NoSpeedUpPerRequest = "served per request in both modes"
	NoSpeedUpFailed     = "requests failed"
)

// ModeResult is one script's numbers in one mode.
type ModeResult struct {
	Requests   int64   `json:"requests"`
	Errors     int64   `json:"errors"`
	FirstError string  `json:"first_error,omitempty"`
	Seconds    float64 `json:"seconds"`
	RPS        float64 `json:"rps"`
	P50ms      float64 `json:"p50_ms"`
	P90ms      float64 `json:"p90_ms"`
	P99ms      float64 `json:"p99_ms"`
	MaxMs      float64 `json:"max_ms"`
	// Spawned is how many processes the gateway started for this script
	// in this mode during the measured load, not the warm-up nor the
	// reference requests: in cgi mode one per request, in fastcgi mode the
	// workers started while measuring (0 when the warm-up already started
	// them all). -1 when the gateway's status did not say.
	Spawned int64 `json:"spawned"`
	// Workers is how many FastCGI workers the script had at the end.
	Workers int `json:"workers"`
}

func newModeResult(r Result) *ModeResult {
	return &ModeResult{
		Requests: r.Requests, Errors: r.Errors, FirstError: r.FirstError,
		Seconds: r.Elapsed.Seconds(), RPS: r.RPS(),
		P50ms: ms(r.Percentile(0.50)), P90ms: ms(r.Percentile(0.90)),
		P99ms: ms(r.Percentile(0.99)), MaxMs: ms(r.Max()),
		Spawned: -1,
	}
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// Progress is told what Run is doing; a terminal shows a bar, a log gets
// lines. Its methods are called from one goroutine at a time.
type Progress interface {
	Begin(script, mode string)
	Update(done int64, frac float64)
	End(script, mode string, r *ModeResult)
}

// status is the part of the gateway's /status.json that bench reads.
type status struct {
	Scripts []struct {
		Name   string `json:"name"`
		Mode   string `json:"mode"`
		Kind   string `json:"kind"`
		Reason string `json:"reason"`
		Modes  map[string]struct {
			Requests int64 `json:"requests"`
			Spawns   int64 `json:"spawns"`
		} `json:"modes"`
		Workers []struct {
			PID int `json:"pid"`
		} `json:"workers"`
	} `json:"scripts"`
}

func (t Target) admin(ctx context.Context, method, path string, form url.Values) ([]byte, error) {
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequestWithContext(ctx, method, strings.TrimSuffix(t.Admin, "/")+path, body)
	if err != nil {
		return nil, fmt.Errorf("admin url %q: %w", t.Admin, err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if t.Token != "" {
		req.Header.Set("Authorization", "Bearer "+t.Token)
	}
	resp, err := (&http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{Proxy: nil}}).Do(req)
	if err != nil {
		return nil, fmt.Errorf("admin %s %s: %w", method, path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 16<<20))
	if err != nil {
		return nil, fmt.Errorf("admin %s %s: %w", method, path, err)
	}
	if resp.StatusCode >= 400 && resp.StatusCode < 500 {
		return nil, fmt.Errorf("%w: admin %s %s: %s: %s", ErrAdminRefused, method, path, resp.Status, strings.TrimSpace(string(b)))
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("admin %s %s: %s: %s", method, path, resp.Status, strings.TrimSpace(string(b)))
	}
	return b, nil
}

func (t Target) status(ctx context.Context) (*status, error) {
	b, err := t.admin(ctx, http.MethodGet, "/status.json", nil)
	if err != nil {
		return nil, err
	}
	var st status
	if err := json.Unmarshal(b, &st); err != nil {
		return nil, fmt.Errorf("decode /status.json: %w", err)
	}
	return &st, nil
}

func (t Target) setMode(ctx context.Context, mode, script string) error {
	if t.SetMode != nil {
		return t.SetMode(ctx, mode, script)
	}
	_, err := t.admin(ctx, http.MethodPost, "/mode", url.Values{"mode": {mode}, "script": {script}})
	return err
}

// counts is one script's process spawns (all modes) and live workers.
type counts struct {
	spawns   int64
	requests int64
	workers  map[int]bool
	mode     string
	kind     string
	reason   string
}

// scriptOf returns the listed name a script name stands for: itself, or
// for a name with PATH_INFO ("report.pl/monthly") the longest listed name
// it starts with, then a slash. A name nothing matches is kept.
func (st *status) scriptOf(script string) string {
	if st == nil {
		return script
	}
	name := ""
	for _, s := range st.Scripts {
		if s.Name == script {
			return script
		}
		if strings.HasPrefix(script, s.Name+"/") && len(s.Name) > len(name) {
			name = s.Name
		}
	}
	if name == "" {
		return script
	}
	return name
}

func (st *status) counts(script string) counts {
	c := counts{workers: map[int]bool{}}
	if st == nil {
		return c
	}
	name := st.scriptOf(script)
	for _, s := range st.Scripts {
		if s.Name != name {
			continue
		}
		// Every process started for the script, whatever mode the gateway
		// counted it under: in fastcgi mode a script that cannot persist
		// runs per request and is counted as cgi; FastCGI workers are
		// counted under fastcgi, a total across pools.
		for _, m := range s.Modes {
			c.spawns += m.Spawns
			c.requests += m.Requests
		}
		for _, w := range s.Workers {
			c.workers[w.PID] = true
		}
		c.mode, c.kind, c.reason = s.Mode, s.Kind, s.Reason
	}
	return c
}

// scriptURL is base + the script's path, each segment escaped, + "?" and
// query unless it is empty. A name with a leading slash is a URL path on
// base's host, as /status.json names the scripts of a [[mount]]
// ("/legacy/x.pl").
func scriptURL(base, name, query string) string {
	if strings.HasPrefix(name, "/") {
		if u, err := url.Parse(base); err == nil {
			base = u.Scheme + "://" + u.Host
			name = name[1:]
		}
	}
	segs := strings.Split(name, "/")
	for i, s := range segs {
		segs[i] = url.PathEscape(s)
	}
	u := strings.TrimSuffix(base, "/") + "/" + strings.Join(segs, "/")
	if query != "" {
		u += "?" + query
	}
	return u
}

// Run measures the load generator's ceiling, then each script in cgi and
// in fastcgi mode under the same load, and checks their answers agree. It
// blocks until done or ctx ends. A script that cannot be measured gets an
// Error in its report; Run fails only when nothing can be measured.
func Run(ctx context.Context, cfg Config) (*Report, error) {
	cfg.Concurrency = max(1, cfg.Concurrency)
	if cfg.Duration <= 0 && cfg.Requests <= 0 {
		cfg.Requests = 200
	}
	switch {
	case cfg.Warmup == 0:
		cfg.Warmup = max(4, 2*cfg.Concurrency)
	case cfg.Warmup < 0:
		cfg.Warmup = 0
	}
	rep := &Report{Target: cfg.Target.Base, Concurrency: cfg.Concurrency}
	if cfg.Duration > 0 {
		rep.Duration = cfg.Duration.String()
	} else {
		rep.Requests = cfg.Requests
	}
	before, err := cfg.Target.status(ctx)
	switch {
	case err != nil && cfg.Target.SetMode == nil:
		// Every mode switch goes through the same listener: without
		// it each row would fail, under a line blaming the script.
		return nil, fmt.Errorf("bench switches modes through the gateway's admin listener (--admin): %w", err)
	case err != nil && len(cfg.Scripts) == 0:
		return nil, fmt.Errorf("list scripts: %w", err)
	}
	// The scripts' listener likewise: a gateway not running at --url
	// failed each script's first request, after the client ceiling's
	// run, and an empty table came out above the error.
	if err := reachable(ctx, cfg.Target.Base); err != nil {
		return nil, fmt.Errorf("bench drives the scripts at %s (--url): %w", cfg.Target.Base, err)
	}
	scripts := slices.Clone(cfg.Scripts)
	if len(scripts) == 0 {
		for _, s := range before.Scripts {
			scripts = append(scripts, s.Name)
		}
	}
	if len(scripts) == 0 {
		return nil, ErrNoScripts
	}
	for i, script := range scripts {
		scripts[i] = canonical(cfg.Target, before, script)
	}
	if err := checkScripts(ctx, cfg.Target, before, scripts); err != nil {
		return nil, err
	}
	if !cfg.NoCeiling {
		l := Load{Concurrency: cfg.Concurrency, Requests: max(cfg.Requests, 2000)}
		if cfg.Duration > 0 {
			l.Duration = min(cfg.Duration, 2*time.Second)
		}
		if cfg.Progress != nil {
			cfg.Progress.Begin("(client ceiling)", "")
			l.Progress = cfg.Progress.Update
		}
		if rep.Ceiling, err = Ceiling(ctx, l); err != nil {
			return nil, fmt.Errorf("measure the client ceiling: %w", err)
		}
		if cfg.Progress != nil {
			cfg.Progress.End("(client ceiling)", "", &ModeResult{RPS: rep.Ceiling})
		}
	}
	for _, script := range scripts {
		sr := runScript(ctx, cfg, script)
		// A script whose run the interruption cut short measured nothing
		// to show: the report keeps the scripts done before.
		if ctx.Err() == nil || sr.Error == "" {
			rep.Scripts = append(rep.Scripts, sr)
		}
		var restored string
		if cfg.Restore && before != nil {
			restored = restore(ctx, cfg.Target, before, script, sr)
		}
		if ctx.Err() != nil {
			return rep, fmt.Errorf("%w during %s%s", ErrInterrupted, script, restored)
		}
	}
	return rep, nil
}

// reachable connects to the host of base, and sends nothing: no script
// runs, and the gateway counts nothing.
func reachable(ctx context.Context, base string) error {
	u, err := url.Parse(base)
	if err != nil {
		return fmt.Errorf("bad url %q: %w", base, err)
	}
	port := u.Port()
	switch {
	case port != "":
	case u.Scheme == "https":
		port = "443"
	default:
		port = "80"
	}
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	conn, err := (&net.Dialer{}).DialContext(ctx, "tcp", net.JoinHostPort(u.Hostname(), port))
	if err != nil {
		return err
	}
	return conn.Close()
}

// restore puts a script back in the mode it had before the run (before),
// and returns what it did, for a run cut short to say: the mode was
// switched for the run, and an interrupted bench must not leave a script
// of a gateway serving others in fastcgi mode, the very mode it may have
// been benched to show unsafe. It uses a context of its own, as ctx is
// done when the run was interrupted; a failure is the script's Error.
func restore(ctx context.Context, t Target, before *status, script string, sr *ScriptReport) string {
	key, _ := before.split(script)
	key = before.scriptOf(key)
	m := before.counts(key).mode
	if m == "" {
		return ""
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	if err := t.setMode(ctx, m, key); err != nil {
		if sr.Error == "" {
			sr.Error = fmt.Sprintf("restore mode %s: %v", m, err)
		}
		return fmt.Sprintf("; could not put %s back in %s mode: %v", key, m, err)
	}
	return fmt.Sprintf("; %s is back in %s mode", key, m)
}

// checkScripts returns ErrNoSuchScript or ErrNotExecutable for the first
// of scripts the gateway does not serve. A script its status lists is
// served; any other (one with PATH_INFO, or a gateway whose status could
// not be read) gets one probe request, in whatever mode it is in, and a
// 404 or 403 answer means it is not a script. The probe goes over HTTP so
// that it works as well for a gateway bench did not start (--url).
func checkScripts(ctx context.Context, t Target, st *status, scripts []string) error {
	listed := map[string]bool{}
	if st != nil {
		for _, s := range st.Scripts {
			listed[s.Name] = true
		}
	}
	for _, script := range scripts {
		key, query := st.split(script)
		u, hint := scriptURL(t.Base, key, query), ""
		if listed[key] {
			if t.SetMode != nil {
				// The gateway bench runs itself: what it lists, it
				// serves under Base.
				continue
			}
			// A gateway at --url lists what it serves under its own
			// prefix, which need not be the one --url names: probed
			// there as the load will ask it, else the whole load ran
			// against 404s.
			u = scriptURL(t.Base, st.pathName(key), query)
			hint = ", though the admin listener lists it: is the prefix in --url the gateway's?"
		}
		a, err := fetch(ctx, u)
		if err != nil {
			return fmt.Errorf("probe %q: %w", script, err)
		}
		switch a.Status {
		case http.StatusNotFound:
			return fmt.Errorf("%w: %q (%s answers %d%s)", ErrNoSuchScript, script, u, a.Status, hint)
		case http.StatusForbidden:
			return fmt.Errorf("%w: %q (%s answers %d%s)", ErrNotExecutable, script, u, a.Status, hint)
		}
	}
	if t.SetMode != nil || st == nil {
		return nil
	}
	// A gateway at --url: the admin listener must have counted the probe
	// of the first script (it counts every request that reaches a
	// script, whatever its answer).
	key, _ := st.split(scripts[0])
	key = st.scriptOf(key)
	after, err := settledStatus(ctx, t, key, st, 1)
	if err != nil {
		return err
	}
	if after.counts(key).requests <= st.counts(key).requests {
		return fmt.Errorf("%w: %s counted no request to %q after one was sent to %s: is it the admin listener of that gateway?",
			ErrOtherGateway, t.Admin, scripts[0], scriptURL(t.Base, st.pathName(key), ""))
	}
	return nil
}

// canonical returns a script's name as the gateway's /status.json lists
// it, when the name given is another way to say it: "/cgi-bin/x.pl" (the
// URL path of a script of the scripts directory) is "x.pl", "legacy/x.pl"
// may be the mount's "/legacy/x.pl". Its mode is switched and its spawns
// counted under that name (a name that is not listed would measure cgi
// mode twice). Others are kept.
func canonical(t Target, st *status, script string) string {
	if st == nil {
		return script
	}
	key, query := st.split(script)
	if st.listed(key) {
		return script
	}
	tries := []string{"/" + key}
	if u, err := url.Parse(t.Base); err == nil && strings.HasPrefix(key, "/") {
		tries = []string{strings.TrimPrefix(key, strings.TrimSuffix(u.Path, "/")+"/")}
	}
	for _, k := range tries {
		// (Listed, or a listed script with PATH_INFO: scriptOf.)
		if k != key && (st.listed(k) || st.scriptOf(k) != k) {
			if query != "" {
				k += "?" + query
			}
			return k
		}
	}
	return script
}

// pathName returns the file path a listed script name stands for: the
// name /status.json shows, which escapes (as a Go string literal would,
// \xfe, \\, \") a name that is not UTF-8 or holds a backslash, a
// double quote or a character that does not print. Other names are kept.
func (st *status) pathName(name string) string {
	if st == nil || !st.listed(name) {
		return name
	}
	u, err := strconv.Unquote(`"` + name + `"`)
	if err != nil {
		return name
	}
	return u
}

// split parts a script as bench is given it into the script's name and a
// query string: at its first "?" ("report.pl?n=100"), unless /status.json
// lists the whole of it as a script's name (a file "what?.sh", which the
// gateway serves as /cgi-bin/what%3F.sh, and bench lists itself when it
// is given no script).
func (st *status) split(script string) (name, query string) {
	if st != nil && st.listed(script) {
		return script, ""
	}
	name, query, _ = strings.Cut(script, "?")
	return name, query
}

// listed reports whether /status.json lists a script by that name.
func (st *status) listed(name string) bool {
	for _, s := range st.Scripts {
		if s.Name == name {
			return true
		}
	}
	return false
}

// runScript measures one script in both modes.
func runScript(ctx context.Context, cfg Config, script string) *ScriptReport {
	sr := &ScriptReport{Script: script, Modes: map[string]*ModeResult{}}
	st, _ := cfg.Target.status(ctx) // nil when it cannot be read: the name as given
	key, query := st.split(script)
	url := scriptURL(cfg.Target.Base, st.pathName(key), query)
	key = st.scriptOf(key) // (a name with PATH_INFO switches its script)
	var c1 Answer          // the first cgi reference answer
	for _, mode := range []string{ModeCGI, ModeFastCGI} {
		if err := cfg.Target.setMode(ctx, mode, key); err != nil {
			sr.Error = fmt.Sprintf("switch to %s: %v", mode, err)
			return sr
		}
		pre, _ := cfg.Target.status(ctx)
		// Warm up: in fastcgi mode this starts the workers, in both it
		// fills the page cache, so the first measured request is not the
		// first one ever.
		if cfg.Warmup > 0 {
			if _, err := (Load{URL: url, Concurrency: cfg.Concurrency, Requests: cfg.Warmup}).Run(ctx); err != nil {
				sr.Error = fmt.Sprintf("warm up in %s: %v", mode, err)
				return sr
			}
		}
		// The first cgi reference answer (the fastcgi one comes after
		// the measured load, see below).
		refs := 0
		if mode == ModeCGI {
			var err error
			if c1, err = fetch(ctx, url); err != nil {
				sr.Error = fmt.Sprintf("reference request in %s: %v", mode, err)
				return sr
			}
			refs = 1
		}
		// The counts start here, once the gateway has counted the warm-up
		// and reference requests: the spawned column is the processes (or
		// workers) the measured load alone started.
		st0, err := settledStatus(ctx, cfg.Target, key, pre, int64(cfg.Warmup+refs))
		if err != nil || pre == nil {
			st0 = nil
		}
		l := Load{URL: url, Concurrency: cfg.Concurrency, Requests: cfg.Requests, Duration: cfg.Duration}
		if cfg.Progress != nil {
			cfg.Progress.Begin(script, mode)
			l.Progress = cfg.Progress.Update
		}
		res, err := l.Run(ctx)
		if err != nil {
			sr.Error = fmt.Sprintf("load in %s: %v", mode, err)
			return sr
		}
		mr := newModeResult(res)
		if st1, err := settledStatus(ctx, cfg.Target, key, st0, res.Requests); err == nil && st0 != nil {
			c0, c1 := st0.counts(key), st1.counts(key)
			mr.Spawned = c1.spawns - c0.spawns
			fresh := int64(0)
			for pid := range c1.workers {
				if !c0.workers[pid] {
					fresh++
				}
			}
			mr.Spawned = max(mr.Spawned, fresh)
			mr.Workers = len(c1.workers)
			if mode == ModeFastCGI {
				sr.Kind, sr.Reason = c1.kind, c1.reason
			}
		}
		sr.Modes[mode] = mr
		if cfg.Progress != nil {
			cfg.Progress.End(script, mode, mr)
		}
	}
	sr.setSpeedUp()
	// The fastcgi reference answer comes after the measured load, from a
	// worker that has served it (the idle worker last used): a script
	// that keeps state in its process shows it only once a worker has
	// served, and before the load, with --warmup 0, it was the first
	// answer of a fresh worker, the same as cgi's.
	f, err := fetch(ctx, url)
	if err != nil {
		sr.Error = fmt.Sprintf("reference request in %s: %v", ModeFastCGI, err)
		return sr
	}
	// A second cgi answer, right after the fastcgi one: the two cgi
	// answers bracket it in time. A script whose answer changes with time
	// (one printing the date) answers in fastcgi mode two loads later
	// than its first cgi answer: that is no difference between the modes
	// if its cgi answers changed as much.
	if err := cfg.Target.setMode(ctx, ModeCGI, key); err != nil {
		sr.Error = fmt.Sprintf("switch to %s: %v", ModeCGI, err)
		return sr
	}
	c2, err := fetch(ctx, url)
	if err != nil {
		sr.Error = fmt.Sprintf("reference request in %s: %v", ModeCGI, err)
		return sr
	}
	sr.Same, sr.Difference = verdict(c1, f, c2)
	return sr
}

// setSpeedUp sets the SpeedUp of a script measured in both modes, or
// NoSpeedUp when it has none to show.
func (sr *ScriptReport) setSpeedUp() {
	switch c, f := sr.Modes[ModeCGI], sr.Modes[ModeFastCGI]; {
	case sr.Kind == "per-request":
		sr.NoSpeedUp = NoSpeedUpPerRequest
	case sr.failedRequests():
		sr.NoSpeedUp = NoSpeedUpFailed
	case c.RPS > 0:
		sr.SpeedUp = f.RPS / c.RPS
	}
}

// verdict compares the fastcgi answer f with the cgi answers c1, taken
// before it, and c2, taken after it. f is the same as cgi when it equals
// either. Else, when c1 and c2 are the same, the script's cgi answer did
// not change around f, and f differs: the difference is the verdict. When
// they are not, the script's answers vary from request to request (a
// pid, a random number, the time), and f cannot be told apart from that
// variation: it cannot be compared.
func verdict(c1, f, c2 Answer) (same bool, difference string) {
	d1, d2 := Diff("cgi", c1, "fastcgi", f), Diff("cgi", c2, "fastcgi", f)
	if d1 == "" || d2 == "" {
		return true, ""
	}
	if d := Diff("cgi#1", c1, "cgi#2", c2); d != "" {
		return false, cannotCompare + d
	}
	return false, d2
}

// sortedModes is the modes of a ScriptReport in run order.
func sortedModes(sr *ScriptReport) []string {
	var out []string
	for m := range sr.Modes {
		out = append(out, m)
	}
	slices.SortFunc(out, func(a, b string) int { return modeRank(a) - modeRank(b) })
	return out
}

func modeRank(m string) int {
	switch m {
	case ModeCGI:
		return 0
	case ModeFastCGI:
		return 1
	}
	return 2
}

// settledStatus reads the status until it has counted the sent requests
// since st0 (the gateway counts a request just after answering it), for at
// most a second, and returns the last one read.
func settledStatus(ctx context.Context, t Target, key string, st0 *status, sent int64) (*status, error) {
	deadline := time.Now().Add(time.Second)
	for {
		st, err := t.status(ctx)
		if err != nil || st0 == nil || st.counts(key).requests-st0.counts(key).requests >= sent || time.Now().After(deadline) {
			return st, err
		}
		time.Sleep(20 * time.Millisecond)
	}
}
