// Package fastcgi is the client side of FastCGI 1.0 (the FastCGI
// Specification, Open Market 1996) and the persistent workers menshen runs
// in fastcgi mode (C21, C22).
//
// The wire protocol lives in record.go and client.go:
//
//   - records (spec §3.3): the 8-byte header, content of at most 65535 bytes
//     (longer streams are split into several records), padding to a multiple
//     of eight bytes on send and skipped on receive, whatever its length;
//   - name-value pairs (spec §3.4) with 1-byte lengths up to 127 and 4-byte
//     lengths (high bit set) up to 2^31-1; the FCGI_PARAMS stream may span
//     several records, and a pair may straddle two of them;
//   - the responder role (spec §6.2): FCGI_BEGIN_REQUEST, the FCGI_PARAMS and
//     FCGI_STDIN streams each ended by an empty record, FCGI_STDOUT and
//     FCGI_STDERR read until FCGI_END_REQUEST and its protocolStatus
//     (spec §5.5). Stdin is written by a goroutine of its own while stdout is
//     read, since an application may answer before reading its whole body;
//   - FCGI_KEEP_CONN (spec §5.1): a [Conn] asks the application to keep the
//     connection, and carries request after request as long as
//     [Conn.Reusable] says so;
//   - FCGI_ABORT_REQUEST (spec §5.4), sent by [Response.Close] of an
//     unfinished request;
//   - management records (spec §4): FCGI_GET_VALUES / FCGI_GET_VALUES_RESULT
//     through [Conn.GetValues]; other management records from the
//     application, FCGI_UNKNOWN_TYPE included, are ignored.
//
// What it deliberately does not do:
//
//   - multiplexing: a Conn carries one request at a time, always request id
//     1, like nginx and lighttpd. Records for any other id are ignored.
//     Concurrency comes from more connections and more worker processes;
//   - the AUTHORIZER and FILTER roles (spec §6.3, §6.4) and so FCGI_DATA;
//   - the application side: menshen's workers are FastCGI applications
//     (FCGI.pm, php-cgi, the bundled Perl runner), never this package;
//   - HTTP: the caller builds the CGI meta-variables and parses the CGI
//     header block at the start of stdout (RFC 3875 §6).
//
// The same package holds worker.go (one application process, started with
// its listening Unix socket as file descriptor 0, FCGI_LISTENSOCK_FILENO),
// pool.go (growing, recycling, retiring and draining workers) and runner.go
// with runner.pl (the bundled persistent Perl runner); they use the client
// API above.
package fastcgi
