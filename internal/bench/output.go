// output.go writes a Report as a table or JSON, and shows progress as a
// bar on a terminal or as plain lines elsewhere.

package bench

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/rivo/uniseg"
	"github.com/schollz/progressbar/v3"
)

// WriteJSON writes rep as one indented JSON document.
func WriteJSON(w io.Writer, rep *Report) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	for _, sr := range rep.Scripts {
		sr.OK = sr.passed()
	}
	if err := enc.Encode(rep); err != nil {
		return fmt.Errorf("write json: %w", err)
	}
	return nil
}

// WriteTable writes rep for people: the client ceiling, then one row per
// script and mode, the speed-up (or "per request", and why below, for a
// script served per request in both modes) and the equivalence verdict
// on the fastcgi row.
func WriteTable(w io.Writer, rep *Report) error {
	load := fmt.Sprintf("%d requests", rep.Requests)
	if rep.Duration != "" {
		load = rep.Duration
	}
	fmt.Fprintf(w, "target: %s, concurrency %d, %s per script and mode\n", rep.Target, rep.Concurrency, load)
	if rep.Ceiling > 0 {
		fmt.Fprintf(w, "client ceiling: %.0f req/s (the same load against a trivial in-process handler)\n", rep.Ceiling)
	}
	fmt.Fprintln(w)
	rows := [][]string{{"script", "mode", "req/s", "p50", "p90", "p99", "max", "errors", "spawned", "speed-up", "same?"}}
	var notes []string
	for _, sr := range rep.Scripts {
		if sr.Error != "" {
			notes = append(notes, fmt.Sprintf("%s: %s", sr.Script, sr.Error))
		}
		for _, m := range sortedModes(sr) {
			r := sr.Modes[m]
			speed, same := "", ""
			if m == ModeFastCGI {
				switch {
				case sr.SpeedUp > 0:
					speed = fmt.Sprintf("%.1f×", sr.SpeedUp)
				case sr.NoSpeedUp == NoSpeedUpPerRequest:
					speed = "per request"
				}
				switch {
				case sr.Same && (sr.Error != "" || sr.failedRequests()):
					// The same answers, but failures: no pass (see Err).
					same = "✓ but requests failed"
				case sr.Same:
					same = "✓"
				case sr.incomparable():
					// Not known to differ: no ✗ (see Err).
					same = "? " + sr.Difference
				case sr.Difference != "":
					same = "✗ " + sr.Difference
				}
			}
			spawned := "?"
			if r.Spawned >= 0 {
				spawned = fmt.Sprint(r.Spawned)
			}
			rows = append(rows, []string{sr.Script, m, fmt.Sprintf("%.1f", r.RPS),
				dur(r.P50ms), dur(r.P90ms), dur(r.P99ms), dur(r.MaxMs), fmt.Sprint(r.Errors), spawned, speed, same})
			if r.FirstError != "" {
				notes = append(notes, fmt.Sprintf("%s (%s): first error: %s", sr.Script, m, r.FirstError))
			}
		}
		note := sr.Reason
		if sr.NoSpeedUp == NoSpeedUpPerRequest {
			note = strings.TrimSuffix(NoSpeedUpPerRequest+": "+sr.Reason, ": ")
		}
		if note != "" {
			notes = append(notes, fmt.Sprintf("%s: %s", sr.Script, note))
		}
		if n := fewerWorkers(sr, rep.Concurrency); n > 0 {
			workers := fmt.Sprintf("%d workers", n)
			if n == 1 {
				workers = "1 worker"
			}
			notes = append(notes, fmt.Sprintf("%s: fastcgi ran %s (--workers) for %d clients, where cgi starts a process for each (up to --max-procs): "+
				"a script that waits more than it computes is slower with fewer; --workers %d compares the modes alike",
				sr.Script, workers, rep.Concurrency, rep.Concurrency))
		}
	}
	for _, line := range align(rows) {
		fmt.Fprintln(w, line)
	}
	if len(notes) > 0 {
		fmt.Fprintln(w)
		for _, n := range notes {
			fmt.Fprintln(w, n)
		}
	}
	return nil
}

// fewerWorkers returns how many FastCGI workers a script had when its
// fastcgi row is the slower one and it had fewer workers than clients,
// else 0: cgi mode ran a process for each client (up to --max-procs), so
// a script that waits (on a database, a sleep) ran more at once there,
// and the row says less of persistence than of the worker cap.
func fewerWorkers(sr *ScriptReport, clients int) int {
	f := sr.Modes[ModeFastCGI]
	if f == nil || sr.SpeedUp <= 0 || sr.SpeedUp >= 1 || f.Workers <= 0 || f.Workers >= clients {
		return 0
	}
	return f.Workers
}

// align lays rows out in columns two spaces apart, each as wide as its
// widest cell on a terminal: a script name in Chinese or Japanese takes
// two columns a character (text/tabwriter counts one, and shifted every
// column after it). No line ends in blanks (the cgi rows' empty last
// cells).
func align(rows [][]string) []string {
	var widths []int
	for _, row := range rows {
		for i, cell := range row {
			if i == len(widths) {
				widths = append(widths, 0)
			}
			widths[i] = max(widths[i], uniseg.StringWidth(cell))
		}
	}
	lines := make([]string, len(rows))
	for r, row := range rows {
		var b strings.Builder
		for i, cell := range row {
			b.WriteString(cell)
			if i < len(row)-1 {
				b.WriteString(strings.Repeat(" ", widths[i]-uniseg.StringWidth(cell)+2))
			}
		}
		lines[r] = strings.TrimRight(b.String(), " ")
	}
	return lines
}

// padRight pads s with blanks to n terminal columns.
func padRight(s string, n int) string {
	return s + strings.Repeat(" ", max(0, n-uniseg.StringWidth(s)))
}

// dur formats milliseconds with three significant digits or so.
func dur(ms float64) string {
	switch {
	case ms >= 100:
		return fmt.Sprintf("%.0fms", ms)
	case ms >= 10:
		return fmt.Sprintf("%.1fms", ms)
	}
	return fmt.Sprintf("%.2fms", ms)
}

// Lines is a Progress that writes one line per finished script and mode,
// for logs and pipes.
type Lines struct{ W io.Writer }

// Begin does nothing: the line comes at the end.
func (l Lines) Begin(script, mode string) {}

// Update does nothing.
func (l Lines) Update(done int64, frac float64) {}

// End writes one line.
func (l Lines) End(script, mode string, r *ModeResult) {
	if mode == "" {
		fmt.Fprintf(l.W, "%s: %.0f req/s\n", script, r.RPS)
		return
	}
	fmt.Fprintf(l.W, "%s %s: %d requests, %.1f req/s, %d errors\n", script, mode, r.Requests, r.RPS, r.Errors)
}

// Bar is a Progress that redraws a progress bar on a terminal.
type Bar struct {
	w    io.Writer
	bar  *progressbar.ProgressBar
	desc string
	t0   time.Time
}

// NewBar returns a Bar drawing on w, which should be a terminal.
func NewBar(w io.Writer) *Bar { return &Bar{w: w} }

// Begin starts a bar for one script and mode.
func (b *Bar) Begin(script, mode string) {
	desc := script
	if mode != "" {
		desc += " " + mode
	}
	b.desc = padRight(desc, 28)
	b.bar = progressbar.NewOptions(1000,
		progressbar.OptionSetWriter(b.w),
		progressbar.OptionSetDescription(b.desc),
		progressbar.OptionSetWidth(30),
		progressbar.OptionThrottle(100*time.Millisecond),
		progressbar.OptionClearOnFinish(),
		progressbar.OptionSetPredictTime(false),
	)
	b.t0 = time.Now()
}

// Update moves the bar and shows the current rate.
func (b *Bar) Update(done int64, frac float64) {
	if b.bar == nil {
		return
	}
	if s := time.Since(b.t0).Seconds(); s > 0 {
		b.bar.Describe(fmt.Sprintf("%s %6.0f req/s", b.desc, float64(done)/s))
	}
	_ = b.bar.Set(int(frac * 1000))
}

// Interrupt leaves the bar as it is and ends its line, so that what comes
// next (why the run stopped) is not written onto the bar.
func (b *Bar) Interrupt() {
	if b.bar != nil {
		_ = b.bar.Exit()
		fmt.Fprintln(b.w)
		b.bar = nil
	}
}

// End clears the bar and leaves a line with the result.
func (b *Bar) End(script, mode string, r *ModeResult) {
	if b.bar != nil {
		_ = b.bar.Finish()
		_ = b.bar.Clear()
		b.bar = nil
	}
	Lines{W: b.w}.End(script, mode, r)
}
