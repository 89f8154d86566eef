// metrics.go exports Prometheus metrics on the admin listener's GET /metrics
// (C40): counters and a latency histogram updated per request, and gauges
// read from the gateway at scrape time.

package gateway

import (
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// latencyBuckets span a fast FastCGI answer (0.5 ms) to the longest script
// run a default --timeout allows (60 s), in seconds.
var latencyBuckets = []float64{
	0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1,
	0.25, 0.5, 1, 2.5, 5, 10, 30, 60,
}

// metrics is one Gateway's Prometheus registry. Each Gateway has its own
// (tests build many), never the process-wide default registry. It is safe
// for concurrent use.
type metrics struct {
	g        *Gateway
	started  time.Time // when the Gateway was built: uptime on /status
	reg      *prometheus.Registry
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
	reloads  *prometheus.CounterVec
	// configOK is 1 while the config in force is the file's last content
	// (the last reload was taken), 0 while a refused one waits.
	configOK prometheus.Gauge
	// series caches, per script, mode and code, the children of requests
	// and duration that observe updates (seriesKey -> *series), sparing a
	// request the quoting of the script's name and two label lookups
	// (hashing, a lock). It cannot go stale: a vector's child for given
	// labels is made once and never replaced, as no child is ever deleted
	// (nothing calls Delete or Reset on them), and every label is in the
	// key (a mode switch, a script added or removed, a reload: another key,
	// or the same labels and so the same child). It holds no more entries
	// than the vectors hold children.
	series sync.Map
	// last is the series observe updated last: the next request is most
	// often for the same script, mode and code, found then without the
	// map's hashing of the key. A series never goes stale (above).
	last atomic.Pointer[series]
}

// seriesKey names the series of one script, mode and status code.
type seriesKey struct {
	script string
	mode   Mode
	code   int
}

// series is what observe updates for one seriesKey.
type series struct {
	key      seriesKey
	requests prometheus.Counter
	duration prometheus.Observer
}

func newMetrics(g *Gateway) *metrics {
	m := &metrics{
		g:       g,
		started: time.Now(),
		reg:     prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "menshen_requests_total",
			Help: "Requests served by a script, by script, mode and HTTP status code (those that reached no script: menshen_unrouted_requests_total).",
		}, []string{"script", "mode", "code"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "menshen_request_duration_seconds",
			Help:    "Time from receiving a request to the end of its response, by script and mode.",
			Buckets: latencyBuckets,
		}, []string{"script", "mode"}),
		reloads: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "menshen_reloads_total",
			Help: "Config reloads, by result (ok or failed: the previous config stayed in force).",
		}, []string{"result"}),
		configOK: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "menshen_config_last_reload_successful",
			Help: "1 when the last config reload was taken (or none was tried), 0 when it was refused and the previous config stayed in force: the file says what the gateway does not do.",
		}),
	}
	m.reloads.WithLabelValues("ok")
	m.reloads.WithLabelValues("failed")
	m.configOK.Set(1)
	m.reg.MustRegister(
		m.requests, m.duration, m.reloads, m.configOK,
		&liveCollector{g: g},
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
	)
	return m
}

// observe counts one request to script in mode answered with code after d.
func (m *metrics) observe(script string, mode Mode, code int, d time.Duration) {
	k := seriesKey{script: script, mode: mode, code: code}
	s := m.last.Load()
	if s == nil || s.key != k {
		v, ok := m.series.Load(k)
		if !ok {
			v, _ = m.series.LoadOrStore(k, m.newSeries(script, mode, code))
		}
		s = v.(*series)
		m.last.Store(s)
	}
	s.requests.Inc()
	s.duration.Observe(d.Seconds())
}

// newSeries looks up (creating them on first use) the children of
// requests and duration for a script, mode and code.
func (m *metrics) newSeries(script string, mode Mode, code int) *series {
	s, md := scriptName(script), string(mode)
	return &series{
		key:      seriesKey{script: script, mode: mode, code: code},
		requests: m.requests.WithLabelValues(s, md, codeLabel(code)),
		duration: m.duration.WithLabelValues(s, md),
	}
}

// reloaded counts one config reload (C32).
func (m *metrics) reloaded(ok bool) {
	if ok {
		m.reloads.WithLabelValues("ok").Inc()
		m.configOK.Set(1)
	} else {
		m.reloads.WithLabelValues("failed").Inc()
		m.configOK.Set(0)
	}
}

// handler serves the registry in the Prometheus text format (or what the
// scraper negotiates).
func (m *metrics) handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{Registry: m.reg})
}

var (
	spawnsDesc = prometheus.NewDesc("menshen_spawns_total",
		"Processes started, by script and mode: one per request in CGI mode (scripts served per request in FastCGI mode count as cgi), and every FastCGI worker in fastcgi mode, across pool replacements.",
		[]string{"script", "mode"}, nil)
	workersDesc = prometheus.NewDesc("menshen_workers",
		"Live FastCGI workers, by script.",
		[]string{"script"}, nil)
	cgiProcsDesc = prometheus.NewDesc("menshen_cgi_processes",
		"CGI processes running now (all scripts, limited by --max-procs).",
		nil, nil)
	queueDesc = prometheus.NewDesc("menshen_queue_depth",
		"Requests waiting for a CGI process slot or a FastCGI worker.",
		nil, nil)
	unroutedDesc = prometheus.NewDesc("menshen_unrouted_requests_total",
		"Requests that reached no script, answered by the gateway itself, by HTTP status code: no script at the path (404: missing or removed, a dot-file, a path out of the directory), a file that may not run (403), a malformed request refused before routing (400, 408, 414, 431, 501, 505).",
		[]string{"code"}, nil)
)

// liveCollector reads the gateway's status at scrape time, so that spawns,
// workers, queues and requests that reached no script need no bookkeeping
// beside the stats and pools that already hold them. Spawns come from
// stats, which keeps every script it has counted (removed ones too) and
// never lowers a count: the counter neither goes down nor vanishes.
type liveCollector struct{ g *Gateway }

func (c *liveCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- spawnsDesc
	ch <- workersDesc
	ch <- cgiProcsDesc
	ch <- queueDesc
	ch <- unroutedDesc
}

func (c *liveCollector) Collect(ch chan<- prometheus.Metric) {
	st := c.g.status()
	queue := st.Queue
	for _, s := range st.Scripts {
		name := s.Name // scriptName: valid UTF-8, one per script
		for _, mode := range []Mode{ModeCGI, ModeFastCGI} {
			rep, ran := s.Modes[mode]
			if !ran || rep.Requests == 0 && rep.Spawns == 0 {
				continue // (a series from the first request or spawn on)
			}
			n := rep.Spawns
			ch <- prometheus.MustNewConstMetric(spawnsDesc, prometheus.CounterValue, float64(n), name, string(mode))
		}
		ch <- prometheus.MustNewConstMetric(workersDesc, prometheus.GaugeValue, float64(len(s.Workers)), name)
		queue += s.Queue
	}
	ch <- prometheus.MustNewConstMetric(cgiProcsDesc, prometheus.GaugeValue, float64(st.InFlight))
	ch <- prometheus.MustNewConstMetric(queueDesc, prometheus.GaugeValue, float64(queue))
	for code, n := range st.NoScript.Codes {
		ch <- prometheus.MustNewConstMetric(unroutedDesc, prometheus.CounterValue, float64(n), code)
	}
}

// codeLabel is the status code as a label (499: the client went away).
func codeLabel(code int) string { return strconv.Itoa(code) }
