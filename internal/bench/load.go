// load.go is the closed-loop load generator and its own ceiling.

package bench

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// Load is one run of C closed-loop clients against one URL: each client
// sends a GET, reads the whole answer, and sends the next, over its own
// keep-alive connection.
type Load struct {
	URL         string        // absolute http URL
	Concurrency int           // clients; default 1
	Requests    int           // total requests; used when Duration is 0; default 200
	Duration    time.Duration // run this long instead of a request count
	// Progress, if set, is called about every 200 ms and once at the end
	// with the requests done so far and the fraction of the run done. It is
	// called from one goroutine at a time.
	Progress func(done int64, frac float64)
}

// Result is what one Load run measured. Latencies are per request, from
// sending the request to reading the last byte of the answer.
type Result struct {
	Requests   int64         // requests completed (answered or failed)
	Errors     int64         // transport errors and answers with status >= 400
	FirstError string        // the first of them, for the user; "" if none
	Elapsed    time.Duration // wall time of the whole run
	Latencies  []time.Duration
}

// RPS is requests completed per second of the run.
func (r Result) RPS() float64 {
	if r.Elapsed <= 0 {
		return 0
	}
	return float64(r.Requests) / r.Elapsed.Seconds()
}

// Percentile returns the latency below which a fraction q (0..1) of the
// requests fall, by the nearest-rank method; 0 when nothing ran. Latencies
// must be sorted, as Run leaves them.
func (r Result) Percentile(q float64) time.Duration {
	n := len(r.Latencies)
	if n == 0 {
		return 0
	}
	i := int(q*float64(n)+0.999999) - 1
	return r.Latencies[max(0, min(n-1, i))]
}

// Max is the slowest request's latency.
func (r Result) Max() time.Duration {
	if len(r.Latencies) == 0 {
		return 0
	}
	return r.Latencies[len(r.Latencies)-1]
}

// client is one simulated user: its own Transport, so its own connection.
// Only its goroutine touches it.
type client struct {
	tr   *http.Transport
	hc   *http.Client
	req  *http.Request
	lat  []time.Duration
	errs int64
	err  error
}

func newClient(ctx context.Context, url string, capacity int) (*client, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, fmt.Errorf("bad url %q: %w", url, err)
	}
	req.Header.Set("User-Agent", "menshen-bench")
	tr := &http.Transport{
		Proxy:               nil, // never a proxy from the environment: we measure the gateway
		DialContext:         (&net.Dialer{Timeout: 10 * time.Second, KeepAlive: -1}).DialContext,
		MaxIdleConns:        1,
		MaxIdleConnsPerHost: 1,
		// Never a second connection: the next request may come before
		// the transport has put the last one back as idle (it does so on
		// a goroutine of its own), and without this it dialed another
		// (TestLoad_KeepsOneConnectionPerClient, on a loaded machine).
		MaxConnsPerHost:    1,
		IdleConnTimeout:    time.Minute,
		DisableCompression: true,
	}
	return &client{
		tr:  tr,
		hc:  &http.Client{Transport: tr, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }},
		req: req,
		lat: make([]time.Duration, 0, capacity),
	}, nil
}

// do sends one request and records it. The request value is reused: the
// previous answer's body is closed before the next Do, as net/http asks.
func (c *client) do() {
	t0 := time.Now()
	resp, err := c.hc.Do(c.req)
	if err == nil {
		_, err = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if err == nil && resp.StatusCode >= 400 {
			err = fmt.Errorf("status %s", resp.Status)
		}
	}
	c.lat = append(c.lat, time.Since(t0))
	if err != nil {
		c.errs++
		if c.err == nil {
			c.err = err
		}
	}
}

// Run drives the load until the request count is reached, the duration is
// over, or ctx ends. It blocks; an error means the run could not start or
// was cancelled.
func (l Load) Run(ctx context.Context) (Result, error) {
	conc := max(1, l.Concurrency)
	n := l.Requests
	if l.Duration <= 0 && n <= 0 {
		n = 200
	}
	per := 1024
	if l.Duration <= 0 {
		per = n/conc + 1
	}
	clients := make([]*client, conc)
	for i := range clients {
		c, err := newClient(ctx, l.URL, per)
		if err != nil {
			return Result{}, err
		}
		clients[i] = c
	}
	var next, done atomic.Int64
	start := time.Now()
	deadline := start.Add(l.Duration)
	var wg sync.WaitGroup
	for _, c := range clients {
		wg.Go(func() {
			defer c.tr.CloseIdleConnections()
			for ctx.Err() == nil {
				if l.Duration > 0 {
					if !time.Now().Before(deadline) {
						return
					}
				} else if next.Add(1) > int64(n) {
					return
				}
				c.do()
				done.Add(1)
			}
		})
	}
	frac := func() float64 {
		if l.Duration > 0 {
			return min(1, float64(time.Since(start))/float64(l.Duration))
		}
		return min(1, float64(done.Load())/float64(n))
	}
	if l.Progress != nil {
		stop := make(chan struct{})
		var pwg sync.WaitGroup
		pwg.Go(func() {
			t := time.NewTicker(200 * time.Millisecond)
			defer t.Stop()
			for {
				select {
				case <-stop:
					return
				case <-t.C:
					l.Progress(done.Load(), frac())
				}
			}
		})
		wg.Wait()
		close(stop)
		pwg.Wait()
	} else {
		wg.Wait()
	}
	res := Result{Elapsed: time.Since(start)}
	if err := ctx.Err(); err != nil {
		return res, fmt.Errorf("load on %s: %w", l.URL, err)
	}
	total := 0
	for _, c := range clients {
		total += len(c.lat)
	}
	res.Latencies = make([]time.Duration, 0, total)
	for _, c := range clients {
		res.Latencies = append(res.Latencies, c.lat...)
		res.Errors += c.errs
		if c.err != nil && res.FirstError == "" {
			res.FirstError = c.err.Error()
		}
	}
	slices.Sort(res.Latencies)
	res.Requests = int64(len(res.Latencies))
	if l.Progress != nil {
		l.Progress(res.Requests, 1)
	}
	return res, nil
}

// ceilingBody is what the trivial handler answers: about the size of a
// hello script's answer.
var ceilingBody = []byte("hello from the client ceiling\nquery=\n")

// Ceiling runs l against a trivial in-process handler on a loopback port
// instead of l.URL and returns its request rate: the most the load
// generator itself can measure on this machine at this concurrency. If a
// script's rate comes near it, the client, not the gateway, was measured.
func Ceiling(ctx context.Context, l Load) (float64, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("listen for the ceiling handler: %w", err)
	}
	srv := &http.Server{
		Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/plain")
			_, _ = w.Write(ceilingBody)
		}),
		ReadHeaderTimeout: 10 * time.Second,
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	l.URL = "http://" + ln.Addr().String() + "/ceiling"
	res, err := l.Run(ctx)
	_ = srv.Close()
	if serr := <-errc; !errors.Is(serr, http.ErrServerClosed) && err == nil {
		err = fmt.Errorf("ceiling handler: %w", serr)
	}
	if err == nil && res.Errors > 0 {
		err = fmt.Errorf("ceiling handler: %d errors, first: %s", res.Errors, res.FirstError)
	}
	return res.RPS(), err
}
