#!/bin/sh
# The smallest CGI answer: the per-request overhead benchmark.
printf 'Content-Type: text/plain\n\nhello\n'
