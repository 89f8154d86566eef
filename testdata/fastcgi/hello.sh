#!/bin/sh
# hello.sh: not Perl, so fastcgi mode serves it one process per request.
printf 'Content-Type: text/plain\r\nX-Pid: %s\r\n\r\n' "$$"
echo "hello from sh $$"
