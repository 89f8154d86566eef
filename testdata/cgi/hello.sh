#!/bin/sh
# hello.sh: the smallest CGI answer (benchmarks, smoke tests).
printf 'Content-Type: text/plain\n\nhello\n'
