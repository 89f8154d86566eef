#!/bin/sh
# native.fcgi: a FastCGI program with no CGI fallback (as Go's
# net/http/fcgi or Plack's FCGI handler): with no listening socket on fd 0
# it says so on stderr and exits, printing nothing.
echo "native.fcgi: stdin is not a FastCGI listening socket" >&2
exit 1
