// Package bench measures a running menshen gateway for `menshen bench`
// (CONTRACT C50): a closed-loop HTTP load generator that keeps one
// keep-alive connection per simulated client, latency percentiles, the
// check that a script answers the same in cgi and in fastcgi mode (C23), and
// the table and JSON outputs.
//
// It talks to the gateway only over HTTP: the scripts under the gateway's
// URL prefix, and the admin listener's POST /mode and GET /status.json
// (C30, C40). It does not import package gateway, so the same code drives a
// gateway started in-process and one already running elsewhere (--url).
//
// It deliberately does not measure anything but GET requests, nor open
// loops with a target rate: a closed loop of C clients is what the peer lab
// (wrk) measures too, so the numbers compare.
package bench
