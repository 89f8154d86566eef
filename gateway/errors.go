// errors.go is the one table that turns errors into HTTP answers (STYLE §3).

package gateway

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"syscall"

	"github.com/menshen/menshen/cgi"
	"github.com/menshen/menshen/internal/limit"
)

// Errors of the gateway itself.
var (
	ErrBodyTooLarge = errors.New("gateway: request body too large")
	ErrRedirectLoop = errors.New("gateway: too many local redirects")
	ErrClientGone   = errors.New("gateway: client went away")
	// ErrHeaderTooLong: a request header whose variable does not fit one
	// FastCGI record, for a wrapper's worker (php-cgi) that cannot take
	// one cut in two (431).
	ErrHeaderTooLong = errors.New("gateway: a request header too long for one FastCGI record, which the wrapper's worker needs")
	// ErrURITooLong: the same for the request target (414).
	ErrURITooLong     = errors.New("gateway: a request target too long for one FastCGI record, which the wrapper's worker needs")
	ErrBadRequestBody = errors.New("gateway: reading request body")
	ErrShuttingDown   = errors.New("gateway: shutting down")
	// ErrSpoolFull: the request bodies being read or held already take
	// the bound of all of them together (body.go; 503).
	ErrSpoolFull   = errors.New("gateway: too many request bodies at once")
	ErrStartScript = errors.New("gateway: cannot start script")
	// ErrQueueWait: a request waited in the queue for a process or worker
	// for its whole timeout, its script never started (503: the gateway
	// was too busy, not the script too slow).
	ErrQueueWait = errors.New("gateway: waited in the queue for its whole timeout; its script never started")
)

// errTrace is the 405 of a TRACE request: it echoes the request, its
// cookies and credentials included (cross-site tracing), and no script is
// to answer one: nginx refuses it, and Apache with TraceEnable off.
var errTrace = errors.New("gateway: TRACE is not passed to scripts (it would echo the request: cross-site tracing)")

// traceAllow is the Allow field of that 405: the methods a script may
// answer.
const traceAllow = "GET, HEAD, POST, PUT, DELETE, OPTIONS, PATCH"

// errEncodedSlash is the 404 of a path with a %2F, logged as such (Apache:
// "found %2f (encoded '/') in URI path"), not as a missing script.
var errEncodedSlash = fmt.Errorf("%w: an encoded slash (%%2F) in the path", ErrNotFound)

// statusFor maps an error to the HTTP status the client gets (C10, C11).
// StatusClientClosedRequest (499, nginx's) is only logged: nobody is left to
// answer.
func statusFor(err error) int {
	switch {
	case errors.Is(err, ErrNotFound):
		return http.StatusNotFound
	case errors.Is(err, errTrace):
		return http.StatusMethodNotAllowed
	case errors.Is(err, ErrNotExecutable), errors.Is(err, ErrNoAccess), errors.Is(err, errPHPGuard):
		return http.StatusForbidden
	case errors.Is(err, ErrBodyTooLarge):
		return http.StatusRequestEntityTooLarge
	case errors.Is(err, ErrHeaderTooLong):
		return http.StatusRequestHeaderFieldsTooLarge
	case errors.Is(err, ErrURITooLong):
		return http.StatusRequestURITooLong
	case errors.Is(err, ErrBadRequestBody) && errors.Is(err, os.ErrDeadlineExceeded):
		// A body that stopped arriving (the read timeout), as Apache
		// answers it, and as a header that stops does.
		return http.StatusRequestTimeout
	case errors.Is(err, ErrBadRequestBody):
		return http.StatusBadRequest
	case errors.Is(err, limit.ErrQueueFull), errors.Is(err, ErrShuttingDown), errors.Is(err, ErrSpoolFull), errors.Is(err, ErrQueueWait):
		return http.StatusServiceUnavailable
	case errors.Is(err, context.Canceled), errors.Is(err, ErrClientGone):
		return statusClientClosedRequest
	case errors.Is(err, context.DeadlineExceeded):
		return http.StatusGatewayTimeout
	case errors.Is(err, cgi.ErrBadHeader), errors.Is(err, cgi.ErrNoHeader):
		return http.StatusBadGateway
	case outOfResources(err):
		// The machine's, for a moment (descriptors, processes, memory, the
		// temp directory's space): 503 with Retry-After tells a client and
		// a load balancer to come back, where a 500 reads as the script's
		// fault (Apache answers 500).
		return http.StatusServiceUnavailable
	case errors.Is(err, ErrStartScript):
		// Not executable or a bad interpreter once routed (C10).
		return http.StatusInternalServerError
	}
	if code, ok := fastcgiStatus(err); ok {
		return code
	}
	return http.StatusInternalServerError
}

const statusClientClosedRequest = 499

// outOfResources reports whether err comes from a limit of the machine or
// the process that passes: out of descriptors (EMFILE, ENFILE), of
// processes or memory for a fork (EAGAIN, ENOMEM), of space for a spooled
// body (ENOSPC, EDQUOT).
func outOfResources(err error) bool {
	for _, e := range []syscall.Errno{syscall.EMFILE, syscall.ENFILE, syscall.EAGAIN, syscall.ENOMEM, syscall.ENOSPC, syscall.EDQUOT} {
		if errors.Is(err, e) {
			return true
		}
	}
	return false
}
