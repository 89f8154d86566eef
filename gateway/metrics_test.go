// metrics_test.go tests GET /metrics (C40): the Prometheus text parses and
// holds the menshen_ families with the counts the requests made.

package gateway

import (
	"bytes"
	"maps"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
)

// mustMetrics scrapes /metrics and parses it as the Prometheus text format.
func mustMetrics(tb testing.TB, admin string) map[string]*dto.MetricFamily {
	tb.Helper()
	resp, body := mustGet(tb, admin+"/metrics")
	if resp.StatusCode != http.StatusOK {
		tb.Fatalf("GET /metrics: %d %q", resp.StatusCode, body)
	}
	if ct := resp.Header.Get("Content-Type"); !bytes.HasPrefix([]byte(ct), []byte("text/plain")) {
		tb.Errorf("GET /metrics Content-Type = %q, want text/plain", ct)
	}
	p := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := p.TextToMetricFamilies(bytes.NewReader(body))
	if err != nil {
		tb.Fatalf("parse /metrics: %v\n%s", err, body)
	}
	return fams
}

// metricValue returns the value of the sample of family name whose labels
// include want (a counter, gauge or untyped value; a histogram's count),
// and whether there is one.
func metricValue(fams map[string]*dto.MetricFamily, name string, want map[string]string) (float64, bool) {
	f := fams[name]
	if f == nil {
		return 0, false
	}
next:
	for _, m := range f.GetMetric() {
		for k, v := range want {
			found := false
			for _, l := range m.GetLabel() {
				if l.GetName() == k && l.GetValue() == v {
					found = true
				}
			}
			if !found {
				continue next
			}
		}
		switch {
		case m.Counter != nil:
			return m.GetCounter().GetValue(), true
		case m.Gauge != nil:
			return m.GetGauge().GetValue(), true
		case m.Histogram != nil:
			return float64(m.GetHistogram().GetSampleCount()), true
		case m.Untyped != nil:
			return m.GetUntyped().GetValue(), true
		}
	}
	return 0, false
}

// TestMetrics_Families drives requests and reloads, then checks every
// menshen_ family and its counts on /metrics (C40).
func TestMetrics_Families(t *testing.T) {
	dir := mustStatusScripts(t, nil)
	conf := filepath.Join(t.TempDir(), "menshen.toml")
	mustWriteFile(t, conf, "mode = \"cgi\"\n", 0o644)
	g, srv := mustGateway(t, Config{Scripts: dir, ConfigFile: conf})
	admin := mustAdmin(t, g)

	mustHits(t, srv.URL, "hello.sh", 3)
	mustHits(t, srv.URL, "hello.pl", 2)
	if resp, _ := mustGet(t, srv.URL+"/cgi-bin/missing.sh"); resp.StatusCode != http.StatusNotFound {
		t.Fatalf("GET missing.sh: %d, want 404", resp.StatusCode)
	}
	if err := g.Reload(); err != nil {
		t.Fatalf("Reload: %v", err)
	}
	mustWriteFile(t, conf, "mode = \n", 0o644)
	if err := g.Reload(); err == nil {
		t.Fatal("Reload of a broken config: nil error")
	}

	fams := mustMetrics(t, admin.URL)
	for _, name := range []string{
		"menshen_requests_total", "menshen_request_duration_seconds", "menshen_spawns_total",
		"menshen_workers", "menshen_cgi_processes", "menshen_queue_depth", "menshen_reloads_total",
	} {
		if fams[name] == nil {
			t.Errorf("/metrics has no %s", name)
		}
	}
	if f := fams["menshen_request_duration_seconds"]; f != nil && f.GetType() != dto.MetricType_HISTOGRAM {
		t.Errorf("menshen_request_duration_seconds is a %v, want a histogram", f.GetType())
	}
	cases := []struct {
		name   string
		labels map[string]string
		want   float64
	}{
		{"menshen_requests_total", map[string]string{"script": "hello.sh", "mode": "cgi", "code": "200"}, 3},
		{"menshen_requests_total", map[string]string{"script": "hello.pl", "mode": "cgi", "code": "200"}, 2},
		{"menshen_request_duration_seconds", map[string]string{"script": "hello.sh", "mode": "cgi"}, 3},
		{"menshen_request_duration_seconds", map[string]string{"script": "hello.pl", "mode": "cgi"}, 2},
		{"menshen_spawns_total", map[string]string{"script": "hello.sh", "mode": "cgi"}, 3},
		{"menshen_spawns_total", map[string]string{"script": "hello.pl", "mode": "cgi"}, 2},
		{"menshen_workers", map[string]string{"script": "hello.pl"}, 0},
		{"menshen_cgi_processes", nil, 0},
		{"menshen_queue_depth", nil, 0},
		{"menshen_reloads_total", map[string]string{"result": "ok"}, 1},
		{"menshen_reloads_total", map[string]string{"result": "failed"}, 1},
		// The last reload was refused: the file says what is not done.
		{"menshen_config_last_reload_successful", nil, 0},
	}
	for _, tc := range cases {
		got, ok := metricValue(fams, tc.name, tc.labels)
		if !ok || got != tc.want {
			t.Errorf("%s%v = %v (present %v), want %v", tc.name, tc.labels, got, ok, tc.want)
		}
	}
	if _, ok := metricValue(fams, "menshen_requests_total", map[string]string{"script": "missing.sh"}); ok {
		t.Errorf("menshen_requests_total counts a script that does not exist")
	}
	if n := len(fams["menshen_request_duration_seconds"].GetMetric()[0].GetHistogram().GetBucket()); n != len(latencyBuckets)+1 {
		t.Errorf("latency histogram has %d buckets, want %d and +Inf", n, len(latencyBuckets))
	}
}

// TestMetrics_PrivateRegistry: each Gateway counts only its own requests
// (no process-wide registry, which would also panic on the second New).
func TestMetrics_PrivateRegistry(t *testing.T) {
	dir := mustStatusScripts(t, nil)
	g1, srv1 := mustGateway(t, Config{Scripts: dir})
	g2, _ := mustGateway(t, Config{Scripts: dir})
	mustHits(t, srv1.URL, "hello.sh", 2)
	if got, _ := metricValue(mustMetrics(t, mustAdmin(t, g1).URL), "menshen_requests_total", map[string]string{"script": "hello.sh"}); got != 2 {
		t.Errorf("first gateway: hello.sh requests = %v, want 2", got)
	}
	if got, ok := metricValue(mustMetrics(t, mustAdmin(t, g2).URL), "menshen_requests_total", map[string]string{"script": "hello.sh"}); ok {
		t.Errorf("second gateway: hello.sh requests = %v, want none", got)
	}
}

// TestMetrics_NonUTF8ScriptName: file names that are not UTF-8 (legal on
// Linux, common in old Latin-1 trees) cannot break a scrape, and two that
// differ only in such bytes stay two scripts: /metrics and /status.json
// show them escaped (caf\xe9.sh), and POST /mode takes that name.
func TestMetrics_NonUTF8ScriptName(t *testing.T) {
	dir := mustStatusScripts(t, nil)
	for _, name := range []string{"caf\xe9.sh", "caf\xe8.sh"} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(helloSh), 0o755); err != nil {
			t.Skipf("file system refuses a non-UTF-8 name: %v", err)
		}
	}
	g, srv := mustGateway(t, Config{Scripts: dir})
	admin := mustAdmin(t, g)
	resp, _ := mustGet(t, srv.URL+"/cgi-bin/caf%E9.sh")
	mustGet(t, srv.URL+"/cgi-bin/caf%E8.sh")
	mustGet(t, srv.URL+"/cgi-bin/caf%E8.sh")
	fams := mustMetrics(t, admin.URL)
	if resp.StatusCode == http.StatusOK {
		for name, want := range map[string]float64{`caf\xe9.sh`: 1, `caf\xe8.sh`: 2} {
			if got, _ := metricValue(fams, "menshen_requests_total", map[string]string{"script": name}); got != want {
				t.Errorf("requests of %s = %v, want %v", name, got, want)
			}
		}
	}
	for _, name := range []string{`caf\xe9.sh`, `caf\xe8.sh`} {
		if _, ok := metricValue(fams, "menshen_workers", map[string]string{"script": name}); !ok {
			t.Errorf("menshen_workers has no row for %s", name)
		}
		if _, ok := findScript(mustStatusJSON(t, admin.URL+"/status.json"), name); !ok {
			t.Errorf("/status.json has no script %s", name)
		}
	}
	form := url.Values{"mode": {"fastcgi"}, "script": {`caf\xe9.sh`}}
	r, err := http.PostForm(admin.URL+"/mode", form)
	if err != nil {
		t.Fatal(err)
	}
	r.Body.Close()
	if m := g.modes.Load().scripts["caf\xe9.sh"]; r.StatusCode != http.StatusOK || m != ModeFastCGI {
		t.Errorf("POST /mode script=caf\\xe9.sh: %d, mode %q; want 200, fastcgi", r.StatusCode, m)
	}
}

// TestMetrics_RequestsToNoScriptCounted: requests that reach no script (a
// removed script, a typo, a dot-file, a path out of the directory, an
// encoded slash: 404; a file that may not run: 403; a malformed request
// the HTTP server refuses: 400) are counted by status code, in
// menshen_unrouted_requests_total, /status.json's no_script and the
// status page, with no series per path (a scanner's every URL would be
// one), and not under the removed script's name.
func TestMetrics_RequestsToNoScriptCounted(t *testing.T) {
	dir := mustStatusScripts(t, map[string]string{".hidden.sh": helloSh})
	mustWriteFile(t, filepath.Join(dir, "data.txt"), "not a script\n", 0o644)
	g, srv := mustGateway(t, Config{Scripts: dir})
	admin := mustAdmin(t, g)
	mustHits(t, srv.URL, "hello.sh", 1)
	if err := os.Remove(filepath.Join(dir, "hello.sh")); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		target string
		code   int
	}{
		{"/cgi-bin/hello.sh", 404},
		{"/cgi-bin/hello.sh/extra", 404},
		{"/cgi-bin/typo.sh", 404},
		{"/cgi-bin/.hidden.sh", 404},
		{"/cgi-bin/../../etc/passwd", 404},
		{"/cgi-bin/sub%2Fx.sh", 404},
		{"/elsewhere", 404},
		{"/cgi-bin/data.txt", 403},
	} {
		resp, _ := mustRawResponse(t, srv.URL, "GET "+tc.target+" HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
		if resp.StatusCode != tc.code {
			t.Fatalf("GET %s: %d, want %d", tc.target, resp.StatusCode, tc.code)
		}
	}
	if got := string(mustRaw(t, srv.URL, "GET /cgi-bin/hello.pl HTTP/1.1\r\nHost: user@evil\r\n\r\n")); !strings.HasPrefix(got, "HTTP/1.1 400 ") {
		t.Fatalf("bad Host: answered %q, want 400", got)
	}

	want := map[string]int64{"404": 7, "403": 1, "400": 1}
	var st Status
	// (A request is counted after its answer is written.)
	waitFor(5*time.Second, func() bool {
		st = mustStatusJSON(t, admin.URL+"/status.json")
		return st.NoScript.Requests == 9
	})
	if st.NoScript.Requests != 9 || !maps.Equal(st.NoScript.Codes, want) {
		t.Errorf("/status.json no_script = %+v, want 9 requests, codes %v", st.NoScript, want)
	}
	if s, _ := findScript(st, "hello.sh"); s.Modes[ModeCGI].Requests != 1 || len(s.Modes[ModeCGI].Codes) != 1 {
		t.Errorf("removed hello.sh: cgi %+v, want its one 200 only", s.Modes[ModeCGI])
	}

	fams := mustMetrics(t, admin.URL)
	if f := fams["menshen_unrouted_requests_total"]; f == nil || len(f.GetMetric()) != len(want) {
		t.Fatalf("menshen_unrouted_requests_total: %v, want one series per code %v", f, want)
	}
	for code, n := range want {
		if got, _ := metricValue(fams, "menshen_unrouted_requests_total", map[string]string{"code": code}); got != float64(n) {
			t.Errorf("menshen_unrouted_requests_total{code=%q} = %v, want %d", code, got, n)
		}
	}
	for _, m := range fams["menshen_requests_total"].GetMetric() {
		for _, l := range m.GetLabel() {
			if l.GetName() == "code" && l.GetValue() != "200" {
				t.Errorf("menshen_requests_total has a series for an answer no script gave: %v", m.GetLabel())
			}
		}
	}

	_, body := mustGet(t, admin.URL+"/status")
	if card := regexp.MustCompile(`<b>9</b><small>requests to no script · 404: 7 · 400: 1 · 403: 1</small>`); !card.Match(body) {
		t.Errorf("/status shows no \"requests to no script\" card with 9 (404: 7 · 400: 1 · 403: 1):\n%s", body)
	}
}

// TestMetrics_SeriesCache checks that observe, which caches a series'
// children per script, mode and code, counts exactly what looking the
// labels up per request counts: the same series, the same values, over
// scripts whose names quote (quotes, backslashes, control bytes, invalid
// UTF-8), modes switched back and forth, and codes, each key once or
// twice in a row (the series observe used last is reused).
func TestMetrics_SeriesCache(t *testing.T) {
	cached, direct := newMetrics(nil), newMetrics(nil)
	scripts := []string{"hello.fcgi", "sub/a.pl", "/legacy/x.pl", `q"uote.pl`, `back\slash.pl`, "tab\t.pl", "bad\xff.pl", "ünï.pl", ""}
	modes := []Mode{ModeCGI, ModeFastCGI, ModeCGI}
	codes := []int{200, 404, 499, 502, 200}
	n := 0
	for round := 0; round < 3; round++ {
		for _, s := range scripts {
			for _, md := range modes {
				for _, c := range codes {
					// Twice in a row in the second round: observe's
					// last series, then the map again.
					for range 1 + round%2 {
						n++
						d := time.Duration(n%97) * 313 * time.Microsecond
						cached.observe(s, md, c, d)
						name := scriptName(s)
						direct.requests.WithLabelValues(name, string(md), codeLabel(c)).Inc()
						direct.duration.WithLabelValues(name, string(md)).Observe(d.Seconds())
					}
				}
			}
		}
	}
	if got, want := gatherText(t, cached), gatherText(t, direct); got != want {
		t.Fatalf("cached series differ from looked-up ones:\n%s\nwant:\n%s", got, want)
	}
}

// gatherText is the text exposition of m's request counter and histogram.
func gatherText(t *testing.T, m *metrics) string {
	t.Helper()
	reg := prometheus.NewRegistry()
	reg.MustRegister(m.requests, m.duration)
	fams, err := reg.Gather()
	if err != nil {
		t.Fatalf("gather: %v", err)
	}
	var b bytes.Buffer
	for _, f := range fams {
		if _, err := expfmt.MetricFamilyToText(&b, f); err != nil {
			t.Fatalf("format: %v", err)
		}
	}
	return b.String()
}
