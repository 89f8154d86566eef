package gateway

import (
	"sync/atomic"
	"time"
)

// DefaultBusyPoll is how long, by default, a read of a FastCGI worker's
// answer or of a client's next request that finds nothing yet keeps
// reading before it waits in Go's poller, while a processor is to spare
// (internal/rawio's Spin); the Perl runner does the same for its next
// request when the gateway asks it (fastcgi.Request.Linger). At low load
// the wake-ups this saves are a third of a quick FastCGI request's round
// trip on a virtual machine. A poll that nothing ends costs its processor
// time for nothing (requests that come apart pay it after each one); it
// yields the processor to anything else ready to run, so it delays
// nothing.
const DefaultBusyPoll = 100 * time.Microsecond

// MaxBusyPoll bounds Config.BusyPoll: a spin keeps a processor, and a
// longer one pays only for answers that come later than a wake-up costs.
const MaxBusyPoll = time.Millisecond

// load counts the requests being served, to tell whether a processor is
// to spare for a reader to spin on: each request in flight keeps about
// two busy (its script, and the gateway or the client), so spinning pays
// while fewer than half the processors' worth of requests run, and never
// with one processor (GOMAXPROCS follows a container's CPU limit too).
// Other programs' load it cannot see: the spin's yields leave them the
// processor.
type load struct {
	active atomic.Int32
	spare  int32 // the most requests in flight that leave a processor idle
}

// newLoad is the load of a gateway that runs on procs processors
// (GOMAXPROCS).
func newLoad(procs int) *load {
	return &load{spare: int32(procs / 2)}
}

// workerSpare is for a request waiting for its worker's answer: it counts
// itself among those in flight.
func (l *load) workerSpare() bool { return l.spare > 0 && l.active.Load() <= l.spare }

// clientSpare is for a connection waiting for its next request, of conns
// open: its own request is over and counts no more. Only while there are
// no more connections than spare processors: a client that keeps more
// busy (a load generator, a proxy) has its own work between requests,
// which a poll would take the processor from.
func (l *load) clientSpare(conns int) bool {
	return conns <= int(l.spare) && l.active.Load() < l.spare
}

// busyPoll is how long to spin, 0 for never.
func (c Config) busyPoll() time.Duration { return max(0, c.BusyPoll) }

// linger is how long the Perl runner is to poll for its next request
// after this one (fastcgi.Request.Linger): the busy polling's time when a
// processor is to spare. A native FastCGI program is asked nothing.
func (e *poolEntry) linger(g *Gateway) time.Duration {
	if e.kind != "perl" || !g.load.workerSpare() {
		return 0
	}
	return g.cfg.busyPoll()
}
