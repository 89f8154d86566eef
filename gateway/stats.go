// stats.go counts requests, codes, latency and spawns per script and mode,
// for /status, /status.json and /metrics (C40).

package gateway

import (
	"math"
	"sort"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// latencyWindow is how many recent durations each script and mode keeps for
// its percentiles.
const latencyWindow = 2048

type modeStats struct {
	Requests int64
	Codes    map[int]int64
	// Spawns is processes started: one per request that ran a process in
	// cgi mode, FastCGI workers started in fastcgi mode.
	Spawns int64
	ring   []time.Duration
	next   int
}

func (m *modeStats) add(code int, d time.Duration, spawned bool) {
	m.Requests++
	m.Codes[code]++
	if spawned {
		m.Spawns++
	}
	if len(m.ring) < latencyWindow {
		m.ring = append(m.ring, d)
	} else {
		m.ring[m.next] = d
		m.next = (m.next + 1) % latencyWindow
	}
}

func (m *modeStats) percentiles() (p50, p99 time.Duration) {
	if len(m.ring) == 0 {
		return 0, 0
	}
	s := append([]time.Duration(nil), m.ring...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	// The nearest rank: the smallest value with at least q of the
	// samples at or below it (of two, p50 is the lower).
	at := func(q float64) time.Duration {
		return s[max(0, min(len(s)-1, int(math.Ceil(q*float64(len(s))))-1))]
	}
	return at(0.50), at(0.99)
}

// stats is every script's counters. It is safe for concurrent use.
type stats struct {
	mu      sync.Mutex
	scripts map[string]map[Mode]*modeStats
	// last is the counters record updated last, of lastScript in
	// lastMode: the next request is most often the same script's, found
	// then without the two map lookups. Counters are never removed.
	last       *modeStats
	lastScript string
	lastMode   Mode
	// noScript counts the requests that reached no script (unrouted).
	noScript codeCounts
}

// codeCounts counts answers by status code, without a lock: a scanner's
// flood of 404s must not queue behind the scripts' counters, and a code
// is not a name a client can choose, so the set stays bounded.
type codeCounts [600]atomic.Int64

// add counts one answer with code (the gateway's own answers and 499 are
// all below 600).
func (c *codeCounts) add(code int) {
	if uint(code) < uint(len(c)) {
		c[code].Add(1)
	}
}

// report is the total and the counts by code (only codes answered).
func (c *codeCounts) report() NoScriptReport {
	r := NoScriptReport{Codes: map[string]int64{}}
	for code := range c {
		if n := c[code].Load(); n > 0 {
			r.Requests += n
			r.Codes[strconv.Itoa(code)] = n
		}
	}
	return r
}

// unrouted counts a request that reached no script, answered code by the
// gateway itself: no script at its path (404: missing, removed, a
// dot-file, a path out of the directory), a file that may not run (403),
// a malformed request refused before routing (400...). Such requests
// have no series of their own per path, which a scanner would make
// endless.
func (s *stats) unrouted(code int) { s.noScript.add(code) }

func newStats() *stats { return &stats{scripts: map[string]map[Mode]*modeStats{}} }

func (s *stats) record(script string, mode Mode, code int, d time.Duration, spawned bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	m := s.last
	if m == nil || s.lastScript != script || s.lastMode != mode {
		m = s.modeLocked(script, mode)
		s.last, s.lastScript, s.lastMode = m, script, mode
	}
	m.add(code, d, spawned)
}

// spawned counts a process started for script in mode apart from a
// request's record: a FastCGI worker (fastcgi.PoolConfig OnSpawn; pools
// come and go, script changed, mode switched, reload, and the count stays,
// so that spawns is a total that never goes down, C40), or the process of
// a script whose answer was a local redirect (the request is recorded
// under the script it led to).
func (s *stats) spawned(script string, mode Mode) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.modeLocked(script, mode).Spawns++
}

// modeLocked returns the counters of script in mode, made on first use.
// s.mu is held.
func (s *stats) modeLocked(script string, mode Mode) *modeStats {
	bym := s.scripts[script]
	if bym == nil {
		bym = map[Mode]*modeStats{}
		s.scripts[script] = bym
	}
	m := bym[mode]
	if m == nil {
		m = &modeStats{Codes: map[int]int64{}}
		bym[mode] = m
	}
	return m
}

// ModeReport is one script's numbers in one mode.
type ModeReport struct {
	Requests int64            `json:"requests"`
	Codes    map[string]int64 `json:"codes"`
	// Spawns is how many processes the script started in this mode since
	// the gateway started: one per request in cgi mode (a script served
	// per request in fastcgi mode counts here too, as cgi), and every
	// FastCGI worker in fastcgi mode, across pool replacements, drains,
	// recycles and crashes. It never goes down.
	Spawns int64   `json:"spawns"`
	P50ms  float64 `json:"p50_ms"`
	P99ms  float64 `json:"p99_ms"`
}

// NoScriptReport is the requests that reached no script, in
// /status.json: their total and their counts by status code.
type NoScriptReport struct {
	Requests int64            `json:"requests"`
	Codes    map[string]int64 `json:"codes"`
}

func (s *stats) report(script string) map[Mode]ModeReport {
	s.mu.Lock()
	defer s.mu.Unlock()
	// Both modes, zero for one a script has not run in: a reader can
	// take modes.fastcgi.requests without asking whether it is there.
	out := map[Mode]ModeReport{
		ModeCGI:     {Codes: map[string]int64{}},
		ModeFastCGI: {Codes: map[string]int64{}},
	}
	for mode, m := range s.scripts[script] {
		p50, p99 := m.percentiles()
		codes := make(map[string]int64, len(m.Codes))
		for c, n := range m.Codes {
			codes[strconv.Itoa(c)] = n
		}
		out[mode] = ModeReport{Requests: m.Requests, Codes: codes, Spawns: m.Spawns, P50ms: ms(p50), P99ms: ms(p99)}
	}
	return out
}

func (s *stats) names() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]string, 0, len(s.scripts))
	for k := range s.scripts {
		out = append(out, k)
	}
	return out
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
