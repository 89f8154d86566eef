#!/bin/sh
# The whole answer, then stdout and stderr closed while the script goes on
# working (the legacy "send the page, then clean up" idiom).
echo $$ > close-early.pid
printf 'Content-Type: text/plain\n\nbye\n'
exec >&- 2>&-
sleep 30
