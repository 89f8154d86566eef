// stats_test.go tests the per-script counters behind /status.json.

package gateway

import (
	"encoding/json"
	"maps"
	"strconv"
	"testing"
	"time"
)

// TestStats_ReportBothModes: a script's report has both modes, zeroed for
// one it has not run in (a reader takes modes.fastcgi.requests without
// asking whether it is there), and its percentiles are nearest ranks: of
// two samples, p50 is the lower, p99 the higher.
func TestStats_ReportBothModes(t *testing.T) {
	s := newStats()
	s.record("a.pl", ModeCGI, 200, 50*time.Millisecond, true)
	s.record("a.pl", ModeCGI, 200, time.Second, true)
	rep := s.report("a.pl")
	b, err := json.Marshal(rep)
	if err != nil {
		t.Fatal(err)
	}
	var got map[string]struct {
		Requests *int64           `json:"requests"`
		Codes    map[string]int64 `json:"codes"`
		P50      float64          `json:"p50_ms"`
		P99      float64          `json:"p99_ms"`
	}
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatal(err)
	}
	f, ok := got["fastcgi"]
	if !ok || f.Requests == nil || *f.Requests != 0 || f.Codes == nil {
		t.Errorf("modes.fastcgi of a script never run in fastcgi: %s, want it there with 0 requests and codes {}", b)
	}
	c := got["cgi"]
	if c.Requests == nil || *c.Requests != 2 || c.P50 != 50 || c.P99 != 1000 {
		t.Errorf("modes.cgi = %s, want 2 requests, p50 50 ms (the lower of two), p99 1000 ms", b)
	}
	for n := 1; n <= 100; n++ {
		s.record("b.pl", ModeFastCGI, 200, time.Duration(n)*time.Millisecond, false)
	}
	if r := s.report("b.pl")[ModeFastCGI]; r.P50ms != 50 || r.P99ms != 99 {
		t.Errorf("1..100 ms: p50 %v p99 %v, want 50 and 99", r.P50ms, r.P99ms)
	}
}

// TestStats_RecordCounts: record, which reuses the counters it updated
// last, counts every request in its own script and mode, over scripts
// and modes that alternate or repeat, with spawns between (the counts
// /status.json shows, against ones kept here).
func TestStats_RecordCounts(t *testing.T) {
	s := newStats()
	type sm struct {
		script string
		mode   Mode
	}
	want := map[sm]ModeReport{}
	scripts := []string{"a.pl", "b.pl", "", "a.pl/x"}
	modes := []Mode{ModeCGI, ModeFastCGI}
	n := 0
	for round := 0; round < 4; round++ {
		for _, sc := range scripts {
			for _, md := range modes {
				for rep := 0; rep <= round%3; rep++ {
					n++
					code := []int{200, 404, 502}[n%3]
					spawned := n%2 == 0
					s.record(sc, md, code, time.Millisecond, spawned)
					w := want[sm{sc, md}]
					if w.Codes == nil {
						w.Codes = map[string]int64{}
					}
					w.Requests++
					w.Codes[strconv.Itoa(code)]++
					if spawned {
						w.Spawns++
					}
					if n%5 == 0 {
						s.spawned(sc, ModeFastCGI)
						fw := want[sm{sc, ModeFastCGI}]
						fw.Spawns++
						want[sm{sc, ModeFastCGI}] = fw
						if md == ModeFastCGI {
							w.Spawns++
						}
					}
					want[sm{sc, md}] = w
				}
			}
		}
	}
	for _, sc := range scripts {
		rep := s.report(sc)
		for _, md := range modes {
			got, w := rep[md], want[sm{sc, md}]
			if got.Requests != w.Requests || got.Spawns != w.Spawns || !maps.Equal(got.Codes, w.Codes) {
				t.Errorf("%q in %s: %d requests %v, %d spawns; want %d %v, %d", sc, md, got.Requests, got.Codes, got.Spawns, w.Requests, w.Codes, w.Spawns)
			}
		}
	}
}
