// Package gateway composes the cgi and fastcgi packages into menshen's HTTP
// gateway: routing with path safety (C2, C3), the mode table (C20, C21, C30),
// dispatch to per-request CGI processes or FastCGI worker pools, the admin
// listener (C40), hot reload of scripts and config (C31, C32) and graceful
// shutdown (C33).
//
// It is the only package that turns errors into HTTP status codes, and it
// logs each failure once, with its reason (statusFor in errors.go).
package gateway
