// Package cgi implements the gateway side of RFC 3875 (the Common Gateway
// Interface, version 1.1) for one request at a time:
//
//   - the meta-variables of RFC 3875 §4.1 plus the set Apache httpd adds
//     (REQUEST_URI, REQUEST_SCHEME, SCRIPT_FILENAME, DOCUMENT_ROOT,
//     SERVER_ADDR, REMOTE_PORT, HTTPS), with the header filters that keep
//     scripts safe: no HTTP_PROXY (httpoxy), no header whose name could pose
//     as another (X_User vs X-User), no Authorization unless asked for, no
//     environment of the gateway itself ([Env]), and what Apache gives the
//     target of a local redirect ([RedirectEnv]);
//   - the CGI response header block of RFC 3875 §6 ([ReadResponse]), shared
//     with the FastCGI mode, which feeds FCGI_STDOUT through the same parser,
//     and the fields a local redirect carries to the final answer
//     ([Response.CarriedHeader]);
//   - starting a script in its own process group with its body on stdin,
//     streaming its stdout, logging its stderr line by line, and killing the
//     whole group on timeout, disconnect or stray children ([Start]).
//
// It deliberately knows nothing of routing, modes, pools, file watching or
// HTTP status policy: the gateway package decides which file runs and turns
// the errors returned here into HTTP answers.
package cgi
