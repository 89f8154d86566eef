// status.go renders GET /status (C40): the status page for people, one
// server-rendered HTML document (html/template, inline SVG chart, inline
// CSS) with no script and no external asset.

package gateway

import (
	_ "embed"
	"fmt"
	"html/template"
	"math"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

//go:embed status.html
var statusHTML string

// statusTmpl escapes everything it prints: script names are file names,
// which whoever can write to the scripts directory chooses, and a name such
// as "<img src=x onerror=...>.pl" must show as text (CVE-2009-0796, the
// Apache::Status XSS).
var statusTmpl = template.Must(template.New("status").Parse(statusHTML))

// statusView is what status.html renders.
type statusView struct {
	Status
	Token     string // the admin token, carried in links and forms when set
	Refresh   int    // seconds between reloads; 0 = none
	Generated string
	Rows      []statusRow
	Chart     *latencyChart // nil until some script has answered
	Present   int           // scripts there to serve
	Removed   int           // scripts listed for their history only
	// NoScriptCodes is the requests that reached no script by code,
	// "404: 12 · 400: 3", most frequent first.
	NoScriptCodes string
}

// statusRow is one script's row of the table.
type statusRow struct {
	ScriptStatus
	Cells  []modeCell // CGI, then FastCGI
	Spawns int64      // in both modes
	// SpawnsBy is "40 CGI · 2 FastCGI" when it spawned in both modes.
	SpawnsBy string
	Toggle   Mode // the mode its button switches to
	Workers  []workerView
}

// modeCell is one script's numbers in one mode.
type modeCell struct {
	Mode     Mode
	Ran      bool
	Requests int64
	Errors   int64 // 5xx answers
	P50, P99 string
}

type workerView struct {
	PID      int
	Age      string
	Requests int64
	Busy     bool
	Active   int
	Capacity int
}

// latencyChart is a horizontal bar chart on a log scale: per script, a bar
// for the p50 latency in each mode it has run in, with its p99 as a thin
// whisker, so that CGI's process start and FastCGI's reuse show side by side.
type latencyChart struct {
	Width, Height int
	Left, Right   float64 // the plot area's x range
	Top, Bottom   float64 // the grid's y range
	Ticks         []chartTick
	Groups        []chartGroup
}

type chartTick struct {
	X     float64
	Label string
}

type chartGroup struct {
	Y        float64 // baseline of the caption
	Name     string  // the script, shortened to fit
	FullName string
	Removed  bool   // listed for its history only
	Caption  string // "CGI 76 ms vs FastCGI 1.2 ms, ", cut to fit
	Speedup  string // "63× faster", set when it ran in both modes
	Title    string // the caption and speed-up in full, for the tooltip
	Bars     []chartBar
}

type chartBar struct {
	Y, W       float64
	MidY       float64 // the whisker's height
	TopY, BotY float64 // the p99 marker's ends
	P99X       float64
	TextX      float64
	Mode       string // CSS class: cgi or fastcgi
	Label      string
	Value      string
	BarEndX    float64
	HasWhisker bool
}

// serveStatusPage is GET /status. ?refresh=N reloads the page every N
// seconds.
func (g *Gateway) serveStatusPage(w http.ResponseWriter, r *http.Request) {
	v := buildStatusView(g.status(), time.Now())
	v.Token = requestToken(r)
	if g.cfg.AdminToken == "" {
		v.Token = ""
	}
	if n, err := strconv.Atoi(r.URL.Query().Get("refresh")); err == nil && n > 0 {
		v.Refresh = min(n, 3600)
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'")
	if err := statusTmpl.Execute(w, v); err != nil {
		g.log.WithError(err).Warn("render status page")
	}
}

// buildStatusView turns the status document into the page's rows and chart.
func buildStatusView(st Status, now time.Time) statusView {
	v := statusView{Status: st, Generated: now.Format("2006-01-02 15:04:05 MST")}
	for _, s := range st.Scripts {
		row := statusRow{ScriptStatus: s, Toggle: ModeFastCGI}
		if s.Mode == ModeFastCGI {
			row.Toggle = ModeCGI
		}
		if s.Removed {
			v.Removed++
		} else {
			v.Present++
		}
		for _, mode := range []Mode{ModeCGI, ModeFastCGI} {
			rep, ran := s.Modes[mode]
			c := modeCell{Mode: mode, Ran: ran && rep.Requests > 0, Requests: rep.Requests, Errors: errors5xx(rep)}
			if c.Ran {
				c.P50, c.P99 = fmtMS(rep.P50ms), fmtMS(rep.P99ms)
			}
			row.Cells = append(row.Cells, c)
			row.Spawns += rep.Spawns
		}
		if cgi, fcgi := s.Modes[ModeCGI].Spawns, s.Modes[ModeFastCGI].Spawns; cgi > 0 && fcgi > 0 {
			row.SpawnsBy = fmt.Sprintf("%d CGI · %d FastCGI", cgi, fcgi)
		}
		for _, wk := range s.Workers {
			row.Workers = append(row.Workers, workerView{
				PID:      wk.PID,
				Age:      fmtAge(time.Duration(wk.AgeSeconds * float64(time.Second))),
				Requests: wk.Requests,
				Busy:     wk.Busy,
				Active:   wk.Active,
				Capacity: wk.Capacity,
			})
		}
		v.Rows = append(v.Rows, row)
	}
	v.Chart = buildChart(st.Scripts)
	v.NoScriptCodes = codesLine(st.NoScript.Codes)
	return v
}

// codesLine lists counts by status code, "404: 12 · 400: 3": the most
// frequent first, then by code.
func codesLine(codes map[string]int64) string {
	keys := make([]string, 0, len(codes))
	for c := range codes {
		keys = append(keys, c)
	}
	sort.Slice(keys, func(i, j int) bool {
		if a, b := codes[keys[i]], codes[keys[j]]; a != b {
			return a > b
		}
		return keys[i] < keys[j]
	})
	parts := make([]string, len(keys))
	for i, c := range keys {
		parts[i] = c + ": " + strconv.FormatInt(codes[c], 10)
	}
	return strings.Join(parts, " · ")
}

// Chart geometry, in SVG user units (the SVG scales to the page width).
const (
	chartWidth   = 960
	chartLeft    = 84  // room for the mode labels
	chartRight   = 770 // room after the plot for the values
	chartTop     = 28  // room for the tick labels
	groupGap     = 18  // after a group's last bar
	captionGap   = 20  // caption baseline to the first bar
	barHeight    = 18
	barGap       = 6
	maxNameRunes = 60
	// maxCaptionRunes bounds a headline (a per-request script's carries
	// why, which may be long).
	maxCaptionRunes = 100
)

// buildChart lays out the latency chart of every script that has run in
// some mode, on one log scale shared by all so that scripts compare too.
func buildChart(scripts []ScriptStatus) *latencyChart {
	type point struct{ p50, p99 float64 }
	type entry struct {
		s   ScriptStatus
		pts map[Mode]point
	}
	var entries []entry
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, s := range scripts {
		e := entry{s: s, pts: map[Mode]point{}}
		for _, mode := range []Mode{ModeCGI, ModeFastCGI} {
			rep, ok := s.Modes[mode]
			if !ok || rep.Requests == 0 {
				continue
			}
			p := point{max(rep.P50ms, 0.001), max(rep.P99ms, rep.P50ms, 0.001)}
			e.pts[mode] = p
			lo, hi = min(lo, p.p50), max(hi, p.p99)
		}
		if len(e.pts) > 0 {
			entries = append(entries, e)
		}
	}
	if len(entries) == 0 {
		return nil
	}
	// Whole decades around the data; a bar's length is its log distance
	// from lo, so lo sits a decade below the fastest answer.
	lo = math.Pow(10, math.Floor(math.Log10(lo))-1)
	hi = math.Pow(10, math.Ceil(math.Log10(hi)))
	x := func(ms float64) float64 {
		f := math.Log10(ms/lo) / math.Log10(hi/lo)
		return chartLeft + math.Max(0, math.Min(1, f))*(chartRight-chartLeft)
	}
	c := &latencyChart{Width: chartWidth, Left: chartLeft, Right: chartRight, Top: chartTop - 8}
	decades := int(math.Round(math.Log10(hi / lo)))
	for d := 0; d <= decades; d++ {
		base := lo * math.Pow(10, float64(d))
		c.Ticks = append(c.Ticks, chartTick{X: x(base), Label: fmtMS(base)})
		if decades <= 3 && d < decades {
			for _, m := range []float64{2, 5} {
				c.Ticks = append(c.Ticks, chartTick{X: x(base * m), Label: fmtMS(base * m)})
			}
		}
	}
	y := float64(chartTop)
	for _, e := range entries {
		gr := chartGroup{Y: y + 14, FullName: e.s.Name, Name: shorten(e.s.Name, maxNameRunes), Removed: e.s.Removed}
		text, speedup := caption(e.s, e.pts[ModeCGI].p50, e.pts[ModeFastCGI].p50)
		gr.Caption, gr.Speedup, gr.Title = shorten(text, maxCaptionRunes), speedup, text+speedup
		by := y + captionGap
		for _, mode := range []Mode{ModeCGI, ModeFastCGI} {
			p, ok := e.pts[mode]
			if !ok {
				continue
			}
			end := x(p.p50)
			b := chartBar{
				Y:       by,
				MidY:    by + barHeight/2,
				TopY:    by - 3,
				BotY:    by + barHeight + 3,
				W:       math.Max(2, end-chartLeft),
				P99X:    x(p.p99),
				Mode:    string(mode),
				Label:   modeLabel(mode),
				Value:   fmt.Sprintf("p50 %s · p99 %s", fmtMS(p.p50), fmtMS(p.p99)),
				BarEndX: math.Max(chartLeft+2, end),
			}
			b.HasWhisker = b.P99X > b.BarEndX+1
			b.TextX = math.Max(b.BarEndX, b.P99X) + 8
			gr.Bars = append(gr.Bars, b)
			by += barHeight + barGap
		}
		c.Groups = append(c.Groups, gr)
		y = by + groupGap
	}
	c.Bottom = y - 8
	c.Height = int(y) + 4
	return c
}

// caption is the chart's headline for script s: both p50s and, apart,
// the speed-up; or the one mode it has run in so far. A mode whose every
// answer was a 5xx gives no ratio, and the headline says why: a failure
// is fast (a script with no header block fails sooner persistent), and
// bench shows no speed-up for failures either. A script served per
// request in both modes (a shell script) waits for no FastCGI request:
// the headline says so, and why.
func caption(s ScriptStatus, cgi, fcgi float64) (text, speedup string) {
	switch {
	case cgi > 0 && fcgi > 0:
		text = fmt.Sprintf("CGI %s vs FastCGI %s", fmtMS(cgi), fmtMS(fcgi))
		switch c, f := allFailed(s.Modes[ModeCGI]), allFailed(s.Modes[ModeFastCGI]); {
		case c && f:
			return text + "; no ratio: every answer in both modes was a 5xx", ""
		case c:
			return text + "; no ratio: every CGI answer was a 5xx", ""
		case f:
			return text + "; no ratio: every FastCGI answer was a 5xx", ""
		}
		text += ", "
		if r := cgi / fcgi; r >= 1 {
			return text, fmtRatio(r) + " faster"
		}
		return text, "FastCGI " + fmtRatio(fcgi/cgi) + " slower"
	case cgi > 0 && s.Kind == "per-request":
		text = fmt.Sprintf("CGI %s; served per request in both modes", fmtMS(cgi))
		if s.Reason != "" {
			text += ": " + s.Reason
		}
		return text, ""
	case cgi > 0:
		return fmt.Sprintf("CGI %s; no FastCGI requests yet", fmtMS(cgi)), ""
	default:
		return fmt.Sprintf("FastCGI %s; no CGI requests yet", fmtMS(fcgi)), ""
	}
}

// errors5xx is how many of a mode's answers were 5xx.
func errors5xx(rep ModeReport) int64 {
	var n int64
	for code, k := range rep.Codes {
		if len(code) == 3 && code[0] == '5' {
			n += k
		}
	}
	return n
}

// allFailed reports whether a mode has answers and every one was a 5xx:
// then its latencies, the window's as well as the total's, are all of
// failures.
func allFailed(rep ModeReport) bool {
	return rep.Requests > 0 && errors5xx(rep) == rep.Requests
}

func modeLabel(m Mode) string {
	if m == ModeFastCGI {
		return "FastCGI"
	}
	return "CGI"
}

// fmtMS formats milliseconds with about two significant digits: "450 µs",
// "1.2 ms", "76 ms", "2.5 s".
func fmtMS(ms float64) string {
	switch {
	case ms >= 1000:
		return num(ms/1000) + " s"
	case ms >= 0.1:
		return num(ms) + " ms"
	default:
		return num(ms*1000) + " µs"
	}
}

// num keeps one decimal below 10 and two below 1, without trailing zeros.
func num(v float64) string {
	d := 0
	switch {
	case v < 1:
		d = 2
	case v < 10:
		d = 1
	}
	s := strconv.FormatFloat(v, 'f', d, 64)
	if d > 0 {
		s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	}
	return s
}

func fmtRatio(r float64) string {
	if r >= 10 {
		return strconv.FormatFloat(r, 'f', 0, 64) + "×"
	}
	return strconv.FormatFloat(r, 'f', 1, 64) + "×"
}

// fmtAge formats a worker's age as the two largest units: "42s", "3m12s",
// "2h05m".
func fmtAge(d time.Duration) string {
	d = d.Round(time.Second)
	switch {
	case d < time.Minute:
		return strconv.Itoa(int(d.Seconds())) + "s"
	case d < time.Hour:
		return fmt.Sprintf("%dm%02ds", int(d.Minutes()), int(d.Seconds())%60)
	default:
		return fmt.Sprintf("%dh%02dm", int(d.Hours()), int(d.Minutes())%60)
	}
}

// shorten cuts s to n runes with an ellipsis; the chart shows the full name
// in a tooltip.
func shorten(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}
