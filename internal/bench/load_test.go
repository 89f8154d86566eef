// load_test.go tests the load generator against real loopback servers.

package bench

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// TestLoad_KeepsOneConnectionPerClient guards the point of C50's load
// generator: it measures the gateway, not connection set-up, so C clients
// open C connections however many requests they send.
func TestLoad_KeepsOneConnectionPerClient(t *testing.T) {
	var conns, reqs atomic.Int64
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		reqs.Add(1)
		if r.URL.Query().Get("fail") != "" {
			http.Error(w, "no", http.StatusBadGateway)
			return
		}
		_, _ = w.Write([]byte("ok\n"))
	}))
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			conns.Add(1)
		}
	}
	srv.Start()
	t.Cleanup(srv.Close)

	var calls atomic.Int64
	res, err := Load{URL: srv.URL + "/x", Concurrency: 4, Requests: 400, Progress: func(int64, float64) { calls.Add(1) }}.Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if res.Requests != 400 || reqs.Load() != 400 {
		t.Errorf("requests: result %d, server saw %d, want 400", res.Requests, reqs.Load())
	}
	if res.Errors != 0 {
		t.Errorf("errors = %d (%s), want 0", res.Errors, res.FirstError)
	}
	if got := conns.Load(); got != 4 {
		t.Errorf("connections = %d, want 4 (one keep-alive connection per client)", got)
	}
	if calls.Load() == 0 {
		t.Error("Progress never called")
	}
	if !(res.Percentile(0.5) <= res.Percentile(0.99) && res.Percentile(0.99) <= res.Max() && res.Max() > 0) {
		t.Errorf("percentiles out of order: p50 %v p99 %v max %v", res.Percentile(0.5), res.Percentile(0.99), res.Max())
	}

	res, err = Load{URL: srv.URL + "/x?fail=1", Concurrency: 2, Requests: 10}.Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if res.Errors != 10 || res.FirstError == "" {
		t.Errorf("errors = %d, first %q; want 10 with a reason", res.Errors, res.FirstError)
	}
}

// TestLoad_Duration checks that a timed run stops near its duration.
func TestLoad_Duration(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(time.Millisecond)
	}))
	t.Cleanup(srv.Close)
	res, err := Load{URL: srv.URL, Concurrency: 2, Duration: 150 * time.Millisecond}.Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if res.Elapsed < 150*time.Millisecond || res.Elapsed > 2*time.Second {
		t.Errorf("elapsed %v, want about 150ms", res.Elapsed)
	}
	if res.Requests < 10 {
		t.Errorf("only %d requests in 150ms", res.Requests)
	}
}

func TestPercentile(t *testing.T) {
	r := Result{Latencies: []time.Duration{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}}
	for _, tc := range []struct {
		q    float64
		want time.Duration
	}{{0.5, 5}, {0.9, 9}, {0.99, 10}, {0.01, 1}, {1, 10}} {
		if got := r.Percentile(tc.q); got != tc.want {
			t.Errorf("Percentile(%v) = %v, want %v", tc.q, got, tc.want)
		}
	}
	if got := (Result{}).Percentile(0.5); got != 0 {
		t.Errorf("empty Percentile = %v, want 0", got)
	}
}

// TestCeiling_FarAboveScripts checks that the load generator can measure
// thousands of requests per second: if it could not, a fast FastCGI
// script would be measured at the client's speed. What it costs is
// counted in processor time (client and trivial handler, this process;
// the package's tests do not run in parallel): its rate over the wall
// clock is also the share of the processors the machine leaves it, and
// a CI machine running other packages' tests beside it under -race gave
// 630 req/s (2 600 and more per second of processor time). The wall
// clock still bounds what costs no processor time, a client that waits
// (a delayed ACK's 40 ms a request is 100 req/s).
func TestCeiling_FarAboveScripts(t *testing.T) {
	const n = 3000
	before := processorTime(t)
	rps, err := Ceiling(context.Background(), Load{Concurrency: 4, Requests: n})
	if err != nil {
		t.Fatal(err)
	}
	used := processorTime(t) - before
	perCPU := n / used.Seconds()
	t.Logf("client ceiling: %.0f req/s, %.0f req per second of processor time", rps, perCPU)
	if rps < 200 {
		t.Errorf("ceiling %.0f req/s, want over 200 however loaded the machine: the client waits", rps)
	}
	if perCPU < 1000 {
		t.Errorf("%.0f requests per second of processor time (%v for %d), want well over 1000", perCPU, used, n)
	}
}

// processorTime is the user and system time this process has used.
func processorTime(t *testing.T) time.Duration {
	t.Helper()
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		t.Fatalf("getrusage: %v", err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
