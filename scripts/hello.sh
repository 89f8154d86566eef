#!/bin/sh
# hello.sh -- the smallest possible CGI program, in plain POSIX sh.
# Demonstrates: a script that is not Perl (served per request in both modes;
# it cannot be made persistent), CRLF header lines, and the raw QUERY_STRING
# echoed back.  Output: "hello from sh" then "query=<QUERY_STRING>".
printf 'Content-Type: text/plain\r\n\r\n'
printf 'hello from sh\n'
printf 'query=%s\n' "${QUERY_STRING-}"
